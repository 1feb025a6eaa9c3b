//! `--now`, the moment certificates are judged at, read the same way by every command that
//! takes it (doctor, resolve, probe, bindings, mappings), so that one value written into a
//! script means the same everywhere. Without it, the wall clock: sslbind-core reads no
//! clock, so the binary reads it here.

use anyhow::Context as _;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// `--now TEXT` as a time: RFC 3339 (`2026-06-01T00:00:00Z`, any offset), or a plain date
/// (`2026-06-01`) meaning midnight UTC; the current time when not given.
pub fn now(text: Option<&str>) -> anyhow::Result<OffsetDateTime> {
    let Some(text) = text else {
        return Ok(OffsetDateTime::now_utc());
    };
    let trimmed = text.trim();
    if let Ok(moment) = OffsetDateTime::parse(trimmed, &Rfc3339) {
        return Ok(moment);
    }
    Date::parse(trimmed, format_description!("[year]-[month]-[day]"))
        .map(|date| date.midnight().assume_utc())
        .with_context(|| {
            format!(
                "--now {text}: expected an RFC 3339 time such as 2026-06-01T00:00:00Z, or a date such as \
                 2026-06-01 (midnight UTC)"
            )
        })
}
