//! `url-reservation-conflict`: the URL reservation that matches an IIS Express binding lets
//! no user listen, or only service accounts.

use crate::doctor::fix::Fix;
use crate::doctor::rules::missing_url_reservation::{express_bindings, netsh_add_urlacl};
use crate::doctor::{Code, Context, Finding};
use crate::httpsys::urlacl::best_reservation;
use crate::model::reservation::{PrefixHost, ReservationUser, UrlReservation};

/// The explanation `sslbind explain url-reservation-conflict` prints.
pub(super) const EXPLANATION: &str = "\
HTTP.sys lets a user who is not an administrator listen on a URL only when the reservation \
that matches it (`netsh http show urlacl`: a `+` reservation first, then one naming the host, \
then a `*` one, the longest path) grants that user `Listen: Yes`. The reservation matching an \
IIS Express binding's URL (`PROTOCOL://HOST:PORT/`, `*` for no host; `localhost` too, since a \
reservation that matches it takes precedence) is then in the way of IIS Express, which runs as \
the signed-in user. Which user that is cannot be known offline, so the code fires on what is \
certainly wrong: the matching reservation grants Listen to no user at all, or only to service \
accounts (`NT SERVICE\\…`, `NT AUTHORITY\\SYSTEM`, `NT AUTHORITY\\LOCAL SERVICE`, \
`NT AUTHORITY\\NETWORK SERVICE`), which a developer's IIS Express never runs as. It fires only \
when URL reservations were given. IIS Express then fails with \"Access is denied\". The fix \
deletes that reservation and reserves the binding's URL for Everyone; when the reservation \
is a `*` one and the binding names a host, adding the host's own reservation is enough, since \
it is matched first. Deleting a reservation a service holds breaks that service: move one of \
the two to another port instead when the service still needs it.";

/// Whether `name` is a service account a developer's IIS Express never runs as.
fn is_service_account(name: &str) -> bool {
    let name = name.trim().to_ascii_uppercase();
    name.starts_with("NT SERVICE\\")
        || matches!(
            name.as_str(),
            "NT AUTHORITY\\SYSTEM" | "NT AUTHORITY\\LOCAL SERVICE" | "NT AUTHORITY\\NETWORK SERVICE"
        )
}

/// Why `reservation` keeps IIS Express out, as the end of a sentence; `None` when a user
/// who may be the developer may listen.
fn blocks(reservation: &UrlReservation) -> Option<String> {
    let listeners: Vec<&ReservationUser> =
        reservation.users.iter().filter(|user| user.listen == Some(true)).collect();
    if listeners.is_empty() {
        return Some("grants Listen to no user".to_owned());
    }
    if listeners.iter().all(|user| is_service_account(&user.name)) {
        let names: Vec<String> = listeners.iter().map(|user| format!("`{}`", user.name)).collect();
        return Some(format!("grants Listen only to {}", super::word_list(&names, "and")));
    }
    None
}

/// Reports every IIS Express binding whose matching reservation keeps it out.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.machine.url_reservations_known {
        return;
    }
    for express in express_bindings(context) {
        let reservations = &context.machine.url_reservations;
        let Some(reservation) =
            best_reservation(reservations, &express.scheme(), express.host(), express.endpoint.port, "/")
        else {
            continue;
        };
        let Some(why) = blocks(reservation) else { continue };
        let url = express.url();
        let message = format!(
            "site `{}`, IIS Express {} binding `{}` listens on `{url}`, whose URL reservation `{}` {why}; IIS \
             Express cannot register it (\"Access is denied\")",
            express.site.name, express.binding.protocol, express.binding.information, reservation.url,
        );
        let weak =
            matches!(reservation.prefix.as_ref().map(|prefix| &prefix.host), Some(PrefixHost::WeakWildcard));
        let fix = if weak && express.endpoint.specific_host().is_some() {
            Fix::new(
                "reserve the binding's own URL for every user, which HTTP.sys matches before the `*` reservation \
                 (elevated)",
                vec![netsh_add_urlacl(&url)],
            )
        } else {
            Fix::new(
                "replace the reservation with one for every user (elevated; whatever holds it loses it)",
                vec![crate::doctor::fix::line(&crate::httpsys::command::netsh_urlacl_delete(&reservation.url)), netsh_add_urlacl(&url)],
            )
        };
        findings.push(
            Finding::new(Code::UrlReservationConflict, message)
                .with_binding(express.site, express.binding)
                .with_source(&reservation.origin)
                .with_fix(fix),
        );
    }
}
