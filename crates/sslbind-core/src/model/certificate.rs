//! X.509 certificates as sslbind needs them: what identifies them (the thumbprint), which
//! names they cover, when they are valid, and how strong they are.

use std::net::IpAddr;

use time::OffsetDateTime;

use crate::model::ids::Thumbprint;
use crate::model::source::Origin;

/// A certificate read from a file, a registry blob or a live store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// SHA-1 of the DER encoding.
    pub thumbprint: Thumbprint,
    /// The subject as an RFC 4514 string.
    pub subject: String,
    /// The subject's first common name, if any.
    pub common_name: Option<String>,
    /// The issuer as an RFC 4514 string.
    pub issuer: String,
    /// The serial number in uppercase hex.
    pub serial: String,
    /// SAN DNS names as written (wildcards included).
    pub dns_names: Vec<String>,
    /// SAN IP addresses.
    pub ip_addresses: Vec<IpAddr>,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
    /// The public key.
    pub key: KeyInfo,
    /// The signature algorithm's name (`sha256WithRSAEncryption`) or OID.
    pub signature_algorithm: String,
    /// Extended key usages by name (`serverAuth`) or OID.
    pub extended_key_usage: Vec<String>,
    /// Whether a private key came with it: `Some(true)` from a PFX with a key, `None` when
    /// the source cannot tell (a `.cer` file says nothing about the store's key).
    pub has_private_key: Option<bool>,
    /// The LocalMachine store it was found in, when the source is a store.
    pub store: Option<String>,
    /// Where it was read.
    pub origin: Origin,
    /// The DER encoding.
    pub der: Vec<u8>,
}

impl Certificate {
    /// Whether `now` lies within the validity period.
    pub fn is_valid_at(&self, now: OffsetDateTime) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// Whether TLS clients accept it for a server: its extended key usage, when it has one,
    /// includes serverAuth or anyExtendedKeyUsage (a certificate without the extension is not
    /// restricted).
    pub fn allows_server_auth(&self) -> bool {
        let usages = &self.extended_key_usage;
        usages.is_empty()
            || usages.iter().any(|usage| usage == "serverAuth" || usage == "anyExtendedKeyUsage")
    }

    /// Where `now` falls in the validity period, `Expiring` when at most `expiry_days` days
    /// are left. Every command that judges dates (doctor, resolve, the listings) asks here, so
    /// that they agree on each certificate.
    pub fn status(&self, now: OffsetDateTime, expiry_days: u32) -> CertificateStatus {
        if now < self.not_before {
            CertificateStatus::NotYetValid
        } else if now > self.not_after {
            CertificateStatus::Expired
        } else if self.not_after - now <= time::Duration::days(i64::from(expiry_days)) {
            CertificateStatus::Expiring
        } else {
            CertificateStatus::Valid
        }
    }

    /// A few words on the validity at `now` for a table cell: `to 2027-01-01`,
    /// `expires in 12 days`, `expired 2026-01-10`, `not valid until 2026-09-01` (dates in UTC).
    pub fn validity_note(&self, now: OffsetDateTime, expiry_days: u32) -> String {
        match self.status(now, expiry_days) {
            CertificateStatus::Valid => format!("to {}", utc_date(self.not_after)),
            CertificateStatus::Expiring => match (self.not_after - now).whole_days() {
                0 => "expires within a day".to_owned(),
                1 => "expires in 1 day".to_owned(),
                days => format!("expires in {days} days"),
            },
            CertificateStatus::Expired => format!("expired {}", utc_date(self.not_after)),
            CertificateStatus::NotYetValid => format!("not valid until {}", utc_date(self.not_before)),
        }
    }

    /// Whole days from `now` to the end of validity (negative once it has ended).
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.not_after - now).whole_days()
    }

    /// The band the end of validity falls in at `now` ([`expiry_class`]).
    pub fn expiry_class(&self, now: OffsetDateTime) -> ExpiryClass {
        expiry_class(self.not_before, self.not_after, now)
    }
}

/// How near a certificate's end is, in the fixed bands administrators know from Exchange's
/// HealthChecker: 60 days or more fine, 30 to 59 a warning, under 30 an error, then expired.
/// Unlike [`CertificateStatus`], whose window is `--expiry-days`, these bands do not move, so
/// that a report reads the same for every reader.
// Not `#[non_exhaustive]`: the report shows each band in its own way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExpiryClass {
    /// 60 days or more left.
    Fine,
    /// 30 to 59 days left.
    Warning,
    /// Under 30 days left, not yet ended.
    Error,
    /// Past its end.
    Expired,
    /// Before its start: clients refuse it as they refuse an expired one.
    NotYetValid,
}

impl ExpiryClass {
    /// The name shown and used in data: `fine`, `warning`, `error`, `expired`, `not-yet-valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryClass::Fine => "fine",
            ExpiryClass::Warning => "warning",
            ExpiryClass::Error => "error",
            ExpiryClass::Expired => "expired",
            ExpiryClass::NotYetValid => "not-yet-valid",
        }
    }
}

/// The [`ExpiryClass`] of a validity period from `not_before` to `not_after` at `now`, by
/// whole days left (59 days and 23 hours is 59 days: a warning).
pub fn expiry_class(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    now: OffsetDateTime,
) -> ExpiryClass {
    if now < not_before {
        return ExpiryClass::NotYetValid;
    }
    if now > not_after {
        return ExpiryClass::Expired;
    }
    match (not_after - now).whole_days() {
        60.. => ExpiryClass::Fine,
        30..=59 => ExpiryClass::Warning,
        _ => ExpiryClass::Error,
    }
}

fn utc_date(moment: OffsetDateTime) -> time::Date {
    moment.to_offset(time::UtcOffset::UTC).date()
}

// Not `#[non_exhaustive]`: the binary colours and counts every status, and its matches must
// fail to compile when one is added rather than pass a new one over in silence.
/// A certificate's validity at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    /// Valid, and for longer than the warning window.
    Valid,
    /// Valid, but ending within the warning window.
    Expiring,
    /// Past its end: clients refuse it.
    Expired,
    /// Before its start (usually a clock or time-zone mistake): clients refuse it.
    NotYetValid,
}

impl CertificateStatus {
    /// The JSON name: `valid`, `expiring`, `expired`, `not-yet-valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Expiring => "expiring",
            CertificateStatus::Expired => "expired",
            CertificateStatus::NotYetValid => "not-yet-valid",
        }
    }

    /// Whether clients refuse a certificate in this state.
    pub fn is_refused(self) -> bool {
        matches!(self, CertificateStatus::Expired | CertificateStatus::NotYetValid)
    }
}

/// A public key's algorithm and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `DSA`, or the OID.
    pub algorithm: String,
    /// Size in bits (RSA modulus, EC field), when known.
    pub bits: Option<u32>,
    /// The named curve for EC keys.
    pub curve: Option<String>,
}
