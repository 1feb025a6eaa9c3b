//! The value parsers of the command line: each turns one option's text into the typed value
//! the command uses, so that a bad value is clap's usage error naming the option (exit 2)
//! before anything is read, and no command parses a value again.
//!
//! Each is a thin adapter over the grammar that already exists where the value is used
//! (thumbprints and certificate names, netsh's mapping keys and IP addresses in
//! `sslbind-core`, passwords in `sslbind-live`), so that what the command line accepts and
//! what the readers accept cannot drift apart. clap prints
//! `invalid value 'TEXT' for '--option <NAME>': MESSAGE`, so a message here names neither the value nor the option.

use std::ffi::OsStr;
use std::net::IpAddr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use sslbind_core::authority::ip_literal;
use sslbind_core::certs::CertificateQuery;
use sslbind_core::doctor::{Code, Severity};
use sslbind_core::httpsys::parse_mapping_key;
use sslbind_core::model::{AppId, MappingKey, MappingKind};
use sslbind_live::Password;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// `--now`: RFC 3339 (`2026-06-01T00:00:00Z`, any offset), or a plain date (`2026-06-01`)
/// meaning midnight UTC.
pub fn time(text: &str) -> Result<OffsetDateTime, String> {
    let trimmed = text.trim();
    if let Ok(moment) = OffsetDateTime::parse(trimmed, &Rfc3339) {
        return Ok(moment);
    }
    Date::parse(trimmed, format_description!("[year]-[month]-[day]"))
        .map(|date| date.midnight().assume_utc())
        .map_err(|_| {
            "expected an RFC 3339 time such as 2026-06-01T00:00:00Z, or a date such as 2026-06-01 \
             (midnight UTC)"
                .to_owned()
        })
}

/// `--certificate`, `--from`, `--to` of the mapping commands: a thumbprint in any spelling,
/// a prefix of at least 8 hex digits, or a name, found among the machine's certificates once
/// it is read.
pub fn certificate(text: &str) -> Result<CertificateQuery, String> {
    CertificateQuery::parse(text).map_err(|error| error.to_string())
}

/// `--ip` and `--connect`: an IPv4 or IPv6 address, IPv6 with or without brackets.
pub fn ip_address(text: &str) -> Result<IpAddr, String> {
    ip_literal(text.trim())
        .ok_or_else(|| "expected an IP address such as 10.0.0.5, 127.0.0.1 or [2001:db8::5]".to_owned())
}

/// `--ipport`: an IP-based mapping's key as netsh writes it.
pub fn ip_port(text: &str) -> Result<MappingKey, String> {
    parse_mapping_key(MappingKind::Ip, text.trim())
        .ok_or_else(|| "expected IP:port such as 0.0.0.0:443 or [::]:443".to_owned())
}

/// `--hostnameport`: an SNI mapping's key as netsh writes it.
pub fn hostname_port(text: &str) -> Result<MappingKey, String> {
    parse_mapping_key(MappingKind::Sni, text.trim())
        .ok_or_else(|| "expected host:port such as www.example.com:443".to_owned())
}

/// `--app-id`: a GUID, with or without braces.
pub fn app_id(text: &str) -> Result<AppId, String> {
    AppId::parse(text)
        .map_err(|error| format!("expected a GUID such as {{4dc3e181-e14b-4a21-b022-59fc669b0914}}: {error}"))
}

/// `--pfx-password`.
pub fn password(text: &str) -> Result<Password, String> {
    Ok(Password::new(text))
}

/// `--allow CODE`: one of the finding codes, which `--help` and the shell completions list.
#[derive(Clone, Copy, Debug)]
pub struct CodeParser;

impl TypedValueParser for CodeParser {
    type Value = Code;

    fn parse_ref(
        &self,
        command: &clap::Command,
        argument: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Code, clap::Error> {
        let text = value.to_str().ok_or_else(|| unknown_code(command, argument, &value.to_string_lossy()))?;
        Code::parse(text).ok_or_else(|| unknown_code(command, argument, text))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(code_values()))
    }
}

/// `--severity CODE=LEVEL`: a finding code and the severity it gets for this run.
#[derive(Clone, Copy, Debug)]
pub struct SeverityParser;

impl TypedValueParser for SeverityParser {
    type Value = (Code, Severity);

    fn parse_ref(
        &self,
        command: &clap::Command,
        argument: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<(Code, Severity), clap::Error> {
        let text = value.to_string_lossy();
        if let Some((name, _)) = text.split_once('=')
            && Code::parse(name).is_none()
        {
            return Err(unknown_code(command, argument, name));
        }
        StringValueParser::new().try_map(|text| severity_override(&text)).parse_ref(command, argument, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(code_values()))
    }
}

fn severity_override(text: &str) -> Result<(Code, Severity), String> {
    let Some((name, level)) = text.split_once('=') else {
        return Err("expected CODE=LEVEL, e.g. idle-mapping=error".to_owned());
    };
    let code = Code::parse(name).ok_or_else(|| format!("`{name}` is not a finding code"))?;
    let severity =
        Severity::parse(level).ok_or_else(|| format!("`{level}` is not error, warning or info"))?;
    Ok((code, severity))
}

fn code_values() -> impl Iterator<Item = PossibleValue> {
    Code::ALL.iter().map(|code| PossibleValue::new(code.name()))
}

/// clap's own "invalid value" error for an unknown code, with the codes and the nearest one
/// as a tip, as for any option with possible values.
fn unknown_code(command: &clap::Command, argument: Option<&clap::Arg>, name: &str) -> clap::Error {
    let mut error = clap::Error::new(ErrorKind::InvalidValue).with_cmd(command);
    if let Some(argument) = argument {
        error.insert(ContextKind::InvalidArg, ContextValue::String(argument.to_string()));
    }
    error.insert(ContextKind::InvalidValue, ContextValue::String(name.to_owned()));
    let names: Vec<String> = Code::ALL.iter().map(|code| code.name().to_owned()).collect();
    if let Some(nearest) = nearest_code(name) {
        error.insert(ContextKind::SuggestedValue, ContextValue::String(nearest.to_owned()));
    }
    error.insert(ContextKind::ValidValue, ContextValue::Strings(names));
    error
}

/// The code closest to `name` by edit distance, when it is close enough to be a slip.
fn nearest_code(name: &str) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    Code::ALL
        .iter()
        .map(|code| (edit_distance(&name, code.name()), code.name()))
        .filter(|(distance, code)| *distance <= code.len() / 3)
        .min()
        .map(|(_, code)| code)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous + usize::from(a_char != *b_char);
            previous = row[j + 1];
            row[j + 1] = substitution.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}
