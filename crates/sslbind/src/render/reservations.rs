//! `sslbind reservations` for people and for programs: each URL reservation with its users
//! and rights, and the bindings HTTP.sys would match to it. The matching itself is the core's
//! [`best_reservation`]; this module only turns each binding into the URL it registers.

use std::io::{self, Write};

use serde::Serialize;
use sslbind_core::httpsys::best_reservation;
use sslbind_core::model::{Binding, BindingAddress, Machine, PrefixHost, UrlReservation};

use crate::render::{Colour, Style};

/// A binding that needs or uses a reservation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UsedBy {
    /// The site's name.
    pub site: String,
    /// The binding's `bindingInformation`.
    pub binding: String,
    /// The binding's protocol, `http` or `https`.
    pub protocol: String,
}

/// For each of `machine.url_reservations`, in order, the bindings whose URL HTTP.sys matches
/// to it.
pub fn used_by(machine: &Machine) -> Vec<Vec<UsedBy>> {
    let mut result = vec![Vec::new(); machine.url_reservations.len()];
    for (_, site) in machine.sites() {
        for binding in &site.bindings {
            let Some((scheme, host, port)) = binding_url(binding) else {
                continue;
            };
            let Some(found) = best_reservation(&machine.url_reservations, &scheme, &host, port, "/") else {
                continue;
            };
            let index =
                machine.url_reservations.iter().position(|reservation| std::ptr::eq(reservation, found));
            if let Some(users) = index.and_then(|index| result.get_mut(index)) {
                users.push(UsedBy {
                    site: site.name.clone(),
                    binding: binding.information.clone(),
                    protocol: binding.protocol.to_ascii_lowercase(),
                });
            }
        }
    }
    result
}

/// The scheme, host and port of the URL an http or https binding registers: the host name
/// when the binding has one, else its IP address, else `+` (every host).
fn binding_url(binding: &Binding) -> Option<(String, String, u16)> {
    let scheme = binding.protocol.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let endpoint = binding.http_endpoint()?;
    let host = match (endpoint.specific_host(), endpoint.address) {
        (Some(host), _) => host.to_owned(),
        (None, BindingAddress::Ip(ip)) => ip.to_string(),
        (None, BindingAddress::AllUnassigned | BindingAddress::Empty) => "+".to_owned(),
    };
    Some((scheme, host, endpoint.port))
}

/// `{"reservations": [...]}`.
#[derive(Serialize)]
pub struct ReservationsJson {
    reservations: Vec<ReservationJson>,
}

#[derive(Serialize)]
struct ReservationJson {
    url: String,
    /// `strong-wildcard`, `weak-wildcard`, `name`, `ip`, or `invalid` when the URL is not a
    /// prefix.
    host_kind: &'static str,
    users: Vec<UserJson>,
    sddl: Option<String>,
    used_by: Vec<UsedBy>,
    source: String,
}

#[derive(Serialize)]
struct UserJson {
    name: String,
    listen: Option<bool>,
    delegate: Option<bool>,
}

/// The JSON of `sslbind reservations`.
pub fn json(machine: &Machine) -> ReservationsJson {
    let reservations = machine
        .url_reservations
        .iter()
        .zip(used_by(machine))
        .map(|(reservation, used_by)| ReservationJson {
            url: reservation.url.clone(),
            host_kind: host_kind(reservation),
            users: reservation
                .users
                .iter()
                .map(|user| UserJson {
                    name: user.name.clone(),
                    listen: user.listen,
                    delegate: user.delegate,
                })
                .collect(),
            sddl: reservation.sddl.clone(),
            used_by,
            source: reservation.origin.to_string(),
        })
        .collect();
    ReservationsJson { reservations }
}

fn host_kind(reservation: &UrlReservation) -> &'static str {
    match reservation.prefix.as_ref().map(|prefix| &prefix.host) {
        Some(PrefixHost::StrongWildcard) => "strong-wildcard",
        Some(PrefixHost::WeakWildcard) => "weak-wildcard",
        Some(PrefixHost::Name(_)) => "name",
        Some(PrefixHost::Ip(_)) => "ip",
        None => "invalid",
    }
}

/// The table of `sslbind reservations`: one block per reservation.
pub fn table(out: &mut impl Write, machine: &Machine, style: &Style) -> io::Result<()> {
    if machine.url_reservations.is_empty() {
        return writeln!(out, "No URL reservations.");
    }
    let right = |value: Option<bool>| match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    for (index, (reservation, used_by)) in machine.url_reservations.iter().zip(used_by(machine)).enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let invalid = if reservation.prefix.is_none() {
            style.paint(Colour::Red, "  (not a URL prefix)")
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}{invalid}  {}",
            style.paint(Colour::Bold, &reservation.url),
            style.paint(Colour::Dim, &reservation.origin.to_string())
        )?;
        if reservation.users.is_empty() {
            writeln!(out, "  user      {}", style.paint(Colour::Dim, "(not known)"))?;
        }
        for user in &reservation.users {
            writeln!(
                out,
                "  user      {}  listen {}  delegate {}",
                user.name,
                right(user.listen),
                right(user.delegate)
            )?;
        }
        if let Some(sddl) = &reservation.sddl {
            writeln!(out, "  sddl      {sddl}")?;
        }
        if used_by.is_empty() {
            writeln!(out, "  used by   {}", style.paint(Colour::Dim, "no binding"))?;
        }
        for user in &used_by {
            writeln!(out, "  used by   {} {} {}", user.site, user.protocol, user.binding)?;
        }
    }
    Ok(())
}
