//! `missing-url-reservation`: an IIS Express binding on a host other than `localhost` that no
//! HTTP.sys URL reservation lets a user listen on.

use crate::doctor::fix::Fix;
use crate::doctor::{Code, Context, Finding};
use crate::httpsys::urlacl::best_reservation;
use crate::model::binding::{Binding, HttpEndpoint, Site};
use crate::model::machine::{ConfigFile, ServerFlavor};

/// The explanation `sslbind explain missing-url-reservation` prints.
pub(super) const EXPLANATION: &str = "\
IIS Express runs as the signed-in user, not as a service, and HTTP.sys lets a user who is not \
an administrator listen only on URLs a reservation (`netsh http show urlacl`) grants them, \
with one exception: `localhost`. A binding with any other host (`*:4431:lextudio.com`), and \
one with no host or the lone `*` (which listens on every name, as `https://*:PORT/`), needs a \
reservation for its URL `PROTOCOL://HOST:PORT/`, matched as HTTP.sys matches it: a `+` \
reservation first, then one naming the host, then a `*` one, the longest path that is a \
prefix of `/`. Without one IIS Express fails to start the site with \"Failed to register URL \
… Access is denied. (0x80070005)\", unless it runs elevated. The code fires only when URL \
reservations were given. The fix reserves the URL with `user=Everyone`, as the IIS Express \
documentation does: the command works unchanged in cmd.exe and PowerShell, and the \
reservation only permits listening, it serves nothing by itself; use \
`user=DOMAIN\\name` to grant it to one account instead, and the local name of Everyone on a \
Windows in another language.";

/// An IIS Express http or https binding with its parsed end point.
pub(super) struct ExpressBinding<'a> {
    /// The site.
    pub site: &'a Site,
    /// The binding.
    pub binding: &'a Binding,
    /// Its end point.
    pub endpoint: &'a HttpEndpoint,
}

impl ExpressBinding<'_> {
    /// The scheme, lowercase.
    pub(super) fn scheme(&self) -> String {
        self.binding.protocol.to_ascii_lowercase()
    }

    /// The host IIS Express registers: the host header, or `*` for any host.
    pub(super) fn host(&self) -> &str {
        self.endpoint.specific_host().unwrap_or("*")
    }

    /// Whether the host is `localhost`, which needs no reservation.
    pub(super) fn is_localhost(&self) -> bool {
        self.host().eq_ignore_ascii_case("localhost")
    }

    /// The URL IIS Express registers: `https://lextudio.com:4431/`.
    pub(super) fn url(&self) -> String {
        crate::httpsys::urlacl::listen_url(self.binding).unwrap_or_default()
    }
}

/// Every http and https binding of every IIS Express config.
pub(super) fn express_bindings<'a>(context: &Context<'a>) -> Vec<ExpressBinding<'a>> {
    let express = |config: &&'a ConfigFile| config.flavor == ServerFlavor::IisExpress;
    context
        .machine
        .configs
        .iter()
        .filter(express)
        .flat_map(|config| config.sites.iter())
        .flat_map(|site| site.bindings.iter().map(move |binding| (site, binding)))
        .filter(|(_, binding)| binding.is_http_family())
        .filter_map(|(site, binding)| {
            binding.http_endpoint().map(|endpoint| ExpressBinding { site, binding, endpoint })
        })
        .collect()
}

/// `netsh http add urlacl` granting Everyone `url`.
pub(super) fn netsh_add_urlacl(url: &str) -> String {
    crate::doctor::fix::line(&crate::httpsys::command::netsh_urlacl_add(url, "Everyone"))
}

/// Reports every IIS Express binding off `localhost` whose URL no reservation covers.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.machine.url_reservations_known {
        return;
    }
    for express in express_bindings(context) {
        if express.is_localhost() {
            continue;
        }
        let reservations = &context.machine.url_reservations;
        if best_reservation(reservations, &express.scheme(), express.host(), express.endpoint.port, "/")
            .is_some()
        {
            continue;
        }
        let url = express.url();
        let message = format!(
            "site `{}`, IIS Express {} binding `{}` listens on `{url}`, which no URL reservation covers; IIS \
             Express cannot register it without elevation (\"Access is denied\")",
            express.site.name, express.binding.protocol, express.binding.information,
        );
        findings.push(
            Finding::new(Code::MissingUrlReservation, message)
                .with_binding(express.site, express.binding)
                .with_fix(Fix::new(
                    "reserve the URL for every user (elevated)",
                    vec![netsh_add_urlacl(&url)],
                )),
        );
    }
}
