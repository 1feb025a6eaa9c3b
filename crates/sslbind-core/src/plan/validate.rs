//! The values a change would write, checked before anything is planned: a change command
//! must never write a binding that the reader lists as invalid or that `doctor` reports
//! (`invalid-binding`, `sni-without-host`), nor silently drop an option that does not apply.
//!
//! The `bindingInformation` grammar is the reader's own
//! ([`crate::iis::parse_binding_information`]), so what a change command
//! accepts and what `doctor` rejects cannot drift apart. Values that only select an existing
//! binding (`--binding` of `binding remove` and `binding set`) are not checked: an invalid
//! binding that is already in a config must stay removable and correctable.

use std::fmt;

use crate::iis::parse_binding_information;
use crate::model::binding::{BindingEndpoint, HttpEndpoint};
use crate::plan::changes::Change;

/// A value given for a change that cannot be written, with the option it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidValue {
    /// The command-line option, e.g. `--binding`.
    pub option: &'static str,
    /// The value as given; `None` for a switch such as `--sni`.
    pub value: Option<String>,
    /// What is wrong, as a sentence fragment.
    pub reason: String,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{} `{value}`: {}", self.option, self.reason),
            None => write!(f, "{}: {}", self.option, self.reason),
        }
    }
}

impl std::error::Error for InvalidValue {}

/// Checks every value `change` would write; the first problem found.
///
/// - `--protocol` of `binding add` must be a protocol name (letters, digits, `.`, `+`, `-`,
///   starting with a letter); http and https are accepted in any case (the plan writes them
///   in lower case).
/// - `--binding` of `binding add` and `--to` of `binding set` must be `IP:port:host` for http
///   and https, exactly as the reader and `invalid-binding` judge them, and not empty for
///   any protocol.
/// - `--sni`, `--no-sni`, `--ccs`, `--certificate` and `--store` only apply to https
///   bindings; `--store` names the store of `--certificate` and needs it.
/// - `--sni` needs a host name to key the `host:port` mapping by (`sni-without-host`).
pub fn check_change(change: &Change) -> Result<(), InvalidValue> {
    match change {
        Change::AddBinding { protocol, information, sni, ccs, certificate, store, .. } => {
            check_protocol(protocol)?;
            let endpoint = check_information("--binding", protocol, information)?;
            let https = protocol.eq_ignore_ascii_case("https");
            let certificate = certificate.is_some();
            for (given, option) in [(*sni, "--sni"), (*ccs, "--ccs"), (certificate, "--certificate")] {
                if given && !https {
                    return Err(only_https(option, protocol));
                }
            }
            check_store(store.as_deref(), certificate, protocol)?;
            if *sni && let Some(endpoint) = endpoint.filter(|endpoint| endpoint.specific_host().is_none()) {
                return Err(sni_without_host("--sni", information, &endpoint));
            }
            Ok(())
        }
        Change::SetBinding { protocol, sni, certificate, store, to, .. } => {
            let https = protocol.eq_ignore_ascii_case("https");
            if let Some(to) = to {
                check_information("--to", protocol, to)?;
            }
            if let Some(sni) = sni
                && !https
            {
                return Err(only_https(if *sni { "--sni" } else { "--no-sni" }, protocol));
            }
            if certificate.is_some() && !https {
                return Err(only_https("--certificate", protocol));
            }
            check_store(store.as_deref(), certificate.is_some(), protocol)
        }
        Change::RemoveBinding { .. }
        | Change::RemoveSite { .. }
        | Change::AddMapping { .. }
        | Change::RemoveMapping { .. }
        | Change::PruneMappings
        | Change::Rebind { .. }
        | Change::SetMapping { .. }
        | Change::RemoveRepeatedBinding { .. }
        | Change::ReserveUrl { .. } => Ok(()),
    }
}

/// The refusal of `--sni` (or `--to`) for a binding whose host is empty or `*`.
pub(crate) fn sni_without_host(
    option: &'static str,
    information: &str,
    endpoint: &HttpEndpoint,
) -> InvalidValue {
    let has = if endpoint.host.is_empty() { "no host name" } else { "only the any-host `*`" };
    InvalidValue {
        option,
        value: (option != "--sni").then(|| information.to_owned()),
        reason: format!(
            "binding `{information}` has {has}, and an SNI binding needs one to key its `host:port` \
             mapping by (doctor: sni-without-host); give the host name, or leave SNI off"
        ),
    }
}

/// A protocol name as IIS lists them (`http`, `net.tcp`, `msmq.formatname`).
fn check_protocol(protocol: &str) -> Result<(), InvalidValue> {
    let well_formed = protocol.chars().next().is_some_and(|first| first.is_ascii_alphabetic())
        && protocol.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
    if well_formed {
        Ok(())
    } else {
        Err(InvalidValue {
            option: "--protocol",
            value: Some(protocol.to_owned()),
            reason: "expected a protocol name such as `https`, `http` or `net.tcp`".to_owned(),
        })
    }
}

/// The end point of an http or https `information`, or why it cannot be written; `None` for
/// the protocols whose grammar sslbind does not know.
fn check_information(
    option: &'static str,
    protocol: &str,
    information: &str,
) -> Result<Option<HttpEndpoint>, InvalidValue> {
    let invalid = |reason: String| InvalidValue { option, value: Some(information.to_owned()), reason };
    match parse_binding_information(protocol, information) {
        BindingEndpoint::Http(endpoint) => Ok(Some(endpoint)),
        BindingEndpoint::Invalid { reason } => Err(invalid(format!(
            "{reason}; an {} binding is `IP:port:host`, e.g. `*:443:www.example.com` (doctor: invalid-binding)",
            protocol.to_ascii_lowercase()
        ))),
        BindingEndpoint::Opaque if information.is_empty() => Err(invalid("the value is empty".to_owned())),
        BindingEndpoint::Opaque => Ok(None),
    }
}

fn check_store(store: Option<&str>, certificate: bool, protocol: &str) -> Result<(), InvalidValue> {
    let Some(store) = store else { return Ok(()) };
    if !protocol.eq_ignore_ascii_case("https") {
        return Err(only_https("--store", protocol));
    }
    if !certificate {
        return Err(InvalidValue {
            option: "--store",
            value: Some(store.to_owned()),
            reason: "names the store of --certificate, which was not given".to_owned(),
        });
    }
    if store.trim().is_empty() {
        return Err(InvalidValue {
            option: "--store",
            value: Some(store.to_owned()),
            reason: "expected a store name such as `MY` or `WebHosting`".to_owned(),
        });
    }
    Ok(())
}

fn only_https(option: &'static str, protocol: &str) -> InvalidValue {
    InvalidValue {
        option,
        value: None,
        reason: format!(
            "applies only to https bindings (SSL flags and certificate mappings), and this binding's \
             protocol is `{protocol}`"
        ),
    }
}
