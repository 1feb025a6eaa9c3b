//! The reader for saved `netsh http show urlacl` output, the parser for HTTP.sys URL
//! prefixes, and HTTP.sys's rule for which reservation covers a URL.
//!
//! A URL reservation decides who may listen on a URL prefix: IIS Express needs one to serve a
//! host other than `localhost` without elevation, and a stale one can hand a prefix to the
//! wrong account. Users collect them the same way as certificate mappings, so this reader has
//! the same robustness as the sslcert one: any encoding `text::decode` knows, any indentation,
//! trailing spaces, prompts and headings skipped, a missing `URL Reservations:` heading
//! accepted, and anything else skipped with a warning that names its line and column.

use std::net::IpAddr;
use std::sync::Arc;

use crate::authority::{BracketError, bracketed_ipv6, ip_literal, parse_port};
use crate::httpsys::netsh::{is_prompt, is_rule};
use crate::model::reservation::{PrefixHost, ReservationUser, UrlPrefix, UrlReservation};
use crate::model::source::{Closing, Location, Origin, SourceError, SourceWarning, Warnings};
use crate::text::{self, quote, to_u32};

/// The reservations found in saved `netsh http show urlacl` output, with everything that was
/// skipped or could not be understood on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UrlAclRead {
    /// One reservation per `Reserved URL` line, in the order of the file.
    pub reservations: Vec<UrlReservation>,
    /// Noise skipped and values not understood, ordered by line.
    pub warnings: Vec<SourceWarning>,
}

/// Reads saved `netsh http show urlacl` output.
///
/// `path` names the source in locations; `bytes` is the file as saved (UTF-8 with or without
/// a BOM, or UTF-16, CRLF or LF). Labels are matched without case and without regard to the
/// padding before the colon; a `Reserved URL` value that is not a valid prefix is kept with
/// `prefix: None` and a warning. Never fails today: the `Result` leaves room for refusing
/// input that could only be read by guessing, as the sslcert reader does.
pub fn read_urlacl(path: &Arc<str>, bytes: &[u8]) -> Result<UrlAclRead, SourceError> {
    let decoded = text::decode(bytes);
    let start = Location::new(path, 1, 1);
    let warnings = Warnings::new(usize::MAX, Warnings::NOISE_LIMIT, Closing::Noise { start });
    let mut reader = Reader { path, reservations: Vec::new(), warnings };
    if decoded.lossy {
        reader.warn(
            1,
            1,
            "the file is not valid UTF-8 or UTF-16: invalid bytes were replaced with U+FFFD".to_owned(),
        );
    }
    for (index, raw) in decoded.text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        reader.line(to_u32(index.saturating_add(1)), line);
    }
    Ok(UrlAclRead { reservations: reader.reservations, warnings: reader.warnings.finish() })
}

struct Reader<'p> {
    path: &'p Arc<str>,
    reservations: Vec<UrlReservation>,
    warnings: Warnings,
}

impl Reader<'_> {
    fn warn(&mut self, line: u32, column: u32, message: String) {
        self.warnings.push(Location::new(self.path, line, column), message);
    }

    fn noise(&mut self, line: u32, column: u32, message: String) {
        self.warnings.noise(Location::new(self.path, line, column), message);
    }

    fn line(&mut self, number: u32, line: &str) {
        let trimmed = line.trim();
        if trimmed.is_empty() || is_rule(trimmed) {
            return;
        }
        let column = first_column(line);
        if is_prompt(trimmed) {
            self.noise(number, column, format!("command prompt skipped: `{}`", quote(trimmed)));
            return;
        }
        let Some((label, value)) = trimmed.split_once(':') else {
            self.noise(number, column, format!("not netsh output, skipped: `{}`", quote(trimmed)));
            return;
        };
        let label = label.trim().to_lowercase();
        let value = value.trim();
        let origin = Origin::File(Location::new(self.path, number, column));
        // The `URL Reservations:` heading, or its translation before the first reservation.
        if value.is_empty() && (label == "url reservations" || self.reservations.is_empty()) {
            return;
        }
        // A value shaped like a URL starts a reservation whatever the label says, so that
        // localised output (`Reservierte URL`) is read too.
        if label == "reserved url" || looks_like_url(value) {
            let prefix = match parse_url_prefix(value) {
                Ok(prefix) => Some(prefix),
                Err(why) => {
                    self.warn(
                        number,
                        column,
                        format!("reserved URL `{}` is not a URL prefix: {why}", quote(value)),
                    );
                    None
                }
            };
            self.reservations.push(UrlReservation {
                url: value.to_owned(),
                prefix,
                users: Vec::new(),
                sddl: None,
                origin,
            });
            return;
        }
        let Some(reservation) = self.reservations.last_mut() else {
            self.noise(number, column, format!("`{}` before any `Reserved URL`, skipped", quote(trimmed)));
            return;
        };
        match label.as_str() {
            "user" => {
                reservation.users.push(ReservationUser {
                    name: value.to_owned(),
                    listen: None,
                    delegate: None,
                });
            }
            "listen" | "delegate" => {
                let right = yes_no(value);
                let Some(user) = reservation.users.last_mut() else {
                    self.noise(number, column, format!("`{}` before any `User`, skipped", quote(trimmed)));
                    return;
                };
                if label == "listen" {
                    user.listen = right;
                } else {
                    user.delegate = right;
                }
                if right.is_none() {
                    self.warn(
                        number,
                        column,
                        format!("`{}` is neither Yes nor No; the right is unknown", quote(value)),
                    );
                }
            }
            _ if label == "sddl" || looks_like_sddl(value) => {
                if reservation.sddl.is_some() {
                    self.warn(
                        number,
                        column,
                        "a second SDDL for the same reservation; the first is kept".to_owned(),
                    );
                } else {
                    reservation.sddl = Some(value.to_owned());
                }
            }
            _ => self.noise(number, column, format!("unknown label `{}`, skipped", quote(label.trim()))),
        }
    }
}

/// Parses an HTTP.sys URL prefix such as `https://+:443/ReportServer/`.
///
/// The scheme must be `http` or `https` (any case); the host is `+`, `*`, a host name, an
/// IPv4 address or a bracketed IPv6 address; the port defaults to 80 or 443; the path is made
/// to start and end with `/`. Returns why the text is not a prefix otherwise.
pub fn parse_url_prefix(text: &str) -> Result<UrlPrefix, String> {
    let text = text.trim();
    let (scheme, rest) = text.split_once("://").ok_or_else(|| "no `scheme://`".to_owned())?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(format!("the scheme `{scheme}` is not http or https")),
    };
    if rest.contains(['?', '#']) || rest.contains(char::is_whitespace) {
        return Err("a URL prefix has no query, fragment or spaces".to_owned());
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    let (host, port) = if let Some(bracketed) = bracketed_ipv6(authority) {
        let (address, after) = bracketed.map_err(|error| match error {
            BracketError::Unclosed => "`[` without `]`".to_owned(),
            BracketError::NotIpv6(address) => format!("`{address}` is not an IPv6 address"),
        })?;
        let port = match after {
            "" => None,
            _ => Some(
                after.strip_prefix(':').ok_or_else(|| format!("unexpected `{after}` after the address"))?,
            ),
        };
        (PrefixHost::Ip(IpAddr::V6(address)), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        (parse_host(host)?, port)
    };
    let port = match port {
        None => default_port,
        Some(port) => parse_port(port).ok_or_else(|| format!("`{port}` is not a port from 1 to 65535"))?,
    };
    let mut path = if path.is_empty() { "/".to_owned() } else { path.to_owned() };
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok(UrlPrefix { scheme, host, port, path })
}

fn parse_host(host: &str) -> Result<PrefixHost, String> {
    match host {
        "" => Err("no host".to_owned()),
        "+" => Ok(PrefixHost::StrongWildcard),
        "*" => Ok(PrefixHost::WeakWildcard),
        _ => {
            if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
                return Ok(PrefixHost::Ip(IpAddr::V4(ip)));
            }
            let valid = host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            });
            if valid {
                Ok(PrefixHost::Name(host.to_lowercase()))
            } else {
                Err(format!("`{host}` is not a host name, an IP address, `+` or `*`"))
            }
        }
    }
}

/// The reservation HTTP.sys applies to `scheme://host:port/path`: among those with the same
/// scheme and port whose path is a prefix of `path` (without case), a strong wildcard (`+`)
/// first, then an explicit host equal to `host` (a name without case, or the same IP
/// address), then a weak wildcard (`*`); within each, the longest path.
///
/// `host` may itself be `+` or `*` (a binding for any host): then no explicit host matches
/// it, but both wildcards do. Reservations whose URL could not be parsed never match.
pub fn best_reservation<'a>(
    reservations: &'a [UrlReservation],
    scheme: &str,
    host: &str,
    port: u16,
    path: &str,
) -> Option<&'a UrlReservation> {
    let path = path.to_lowercase();
    let path = if path.ends_with('/') { path } else { format!("{path}/") };
    let path = if path.starts_with('/') { path } else { format!("/{path}") };
    let wanted_ip = ip_literal(host);
    let candidates = || {
        reservations.iter().filter_map(|reservation| {
            let prefix = reservation.prefix.as_ref()?;
            let matches = prefix.scheme.eq_ignore_ascii_case(scheme)
                && prefix.port == port
                && path.starts_with(&prefix.path.to_lowercase());
            matches.then_some((reservation, prefix))
        })
    };
    let tiers: [&dyn Fn(&PrefixHost) -> bool; 3] = [
        &|candidate| *candidate == PrefixHost::StrongWildcard,
        &|candidate| match candidate {
            PrefixHost::Name(name) => name.eq_ignore_ascii_case(host),
            PrefixHost::Ip(ip) => Some(*ip) == wanted_ip,
            PrefixHost::StrongWildcard | PrefixHost::WeakWildcard => false,
        },
        &|candidate| *candidate == PrefixHost::WeakWildcard,
    ];
    tiers.iter().find_map(|tier| {
        candidates()
            .filter(|(_, prefix)| tier(&prefix.host))
            .max_by_key(|(_, prefix)| prefix.path.len())
            .map(|(reservation, _)| reservation)
    })
}

fn looks_like_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn looks_like_sddl(value: &str) -> bool {
    ["D:", "O:", "G:", "S:"].iter().any(|start| value.starts_with(start)) && value.contains('(')
}

/// `Yes` or `No`, and their common translations.
fn yes_no(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "yes" | "ja" | "oui" | "sí" | "si" | "sim" | "tak" | "да" | "是" | "はい" => Some(true),
        "no" | "nein" | "non" | "não" | "nie" | "нет" | "否" | "いいえ" => Some(false),
        _ => None,
    }
}

/// The one-based column (in characters) of the first non-blank character of `line`.
pub(crate) fn first_column(line: &str) -> u32 {
    let indent = line.len() - line.trim_start().len();
    to_u32(line.get(..indent).map_or(0, |spaces| spaces.chars().count())).saturating_add(1)
}

/// The users an SDDL string grants rights to, as netsh would list them: one per allow ACE,
/// with `GX` (or `GA`) as Listen and `GW` (or `GA`) as Delegate. Well-known SID aliases get
/// netsh's names (`WD` is `\Everyone`); other SIDs are named by their `S-1-…` string.
/// Deny ACEs and rights other than these are not shown.
pub fn users_from_sddl(sddl: &str) -> Vec<ReservationUser> {
    let dacl = sddl.split_once("D:").map_or(sddl, |(_, dacl)| dacl);
    let mut users = Vec::new();
    for ace in dacl.split('(').skip(1) {
        let ace = ace.split(')').next().unwrap_or_default();
        let fields: Vec<&str> = ace.split(';').collect();
        let [kind, _flags, rights, _object, _inherited, sid, ..] = fields.as_slice() else {
            continue;
        };
        if *kind != "A" {
            continue;
        }
        let all = rights.contains("GA");
        let name = match *sid {
            "WD" => "\\Everyone".to_owned(),
            "AU" => "NT AUTHORITY\\Authenticated Users".to_owned(),
            "IU" => "NT AUTHORITY\\INTERACTIVE".to_owned(),
            "NS" => "NT AUTHORITY\\NETWORK SERVICE".to_owned(),
            "LS" => "NT AUTHORITY\\LOCAL SERVICE".to_owned(),
            "SY" => "NT AUTHORITY\\SYSTEM".to_owned(),
            "BA" => "BUILTIN\\Administrators".to_owned(),
            "BU" => "BUILTIN\\Users".to_owned(),
            other => other.to_owned(),
        };
        users.push(ReservationUser {
            name,
            listen: Some(all || rights.contains("GX")),
            delegate: Some(all || rights.contains("GW")),
        });
    }
    users
}

/// The URL an IIS Express http or https binding registers and needs a reservation for
/// (`https://lextudio.com:4431/`, `http://*:8080/` for any host); `None` for IIS, other
/// protocols, unparsed end points and `localhost`, which needs none.
pub(crate) fn reservation_url(
    flavor: crate::model::machine::ServerFlavor,
    binding: &crate::model::binding::Binding,
) -> Option<String> {
    if flavor != crate::model::machine::ServerFlavor::IisExpress {
        return None;
    }
    let endpoint = binding.http_endpoint()?;
    if endpoint.specific_host().is_some_and(|host| host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    listen_url(binding)
}

/// The URL an http or https binding registers with HTTP.sys: `PROTOCOL://HOST:PORT/`, with `*`
/// for a binding that takes any host; `None` for other protocols or an unparsed binding.
pub(crate) fn listen_url(binding: &crate::model::binding::Binding) -> Option<String> {
    if !binding.is_http_family() {
        return None;
    }
    let endpoint = binding.http_endpoint()?;
    let host = endpoint.specific_host().unwrap_or("*");
    Some(format!(
        "{}://{}:{}/",
        binding.protocol.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        endpoint.port
    ))
}
