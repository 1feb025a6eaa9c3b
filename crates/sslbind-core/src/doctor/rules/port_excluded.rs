//! `port-excluded`: an http or https binding on a port Windows has excluded.

use crate::doctor::fix::Fix;
use crate::doctor::{Code, Context, Finding};
use crate::model::machine::ServerFlavor;

/// The explanation `sslbind explain port-excluded` prints.
pub const EXPLANATION: &str = "\
Windows keeps the TCP port ranges that `netsh int ipv4 show excludedportrange protocol=tcp` \
lists from every program, HTTP.sys included: neither IIS nor IIS Express can listen on a port \
inside one, and the site fails to start, IIS Express typically saying the port is in use. \
Ranges marked `*` are administered: an administrator added them with `netsh int ipv4 add \
excludedportrange`, and deleting the range frees the port. The others are taken dynamically, \
mostly by Hyper-V, WinNAT (WSL 2, Docker, Windows containers) at startup, and move between \
restarts; to keep such a port, stop WinNAT, add an administered exclusion of the one port \
(Hyper-V then leaves it alone), and start WinNAT again. Choosing a port outside every range \
also works, and is the only way when the range is not yours to change. The code fires for \
every http and https binding of IIS and IIS Express, only when excluded port ranges were \
given.";

/// Reports every http or https binding whose port lies in an excluded range.
pub fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.machine.excluded_ports_known {
        return;
    }
    for (config, site) in context.machine.sites() {
        for binding in site.bindings.iter().filter(|binding| binding.is_http_family()) {
            let Some(endpoint) = binding.http_endpoint() else { continue };
            let port = endpoint.port;
            let Some(range) = context.machine.excluded_ports.iter().find(|range| range.contains(port)) else {
                continue;
            };
            let server = match config.flavor {
                ServerFlavor::Iis => "IIS",
                ServerFlavor::IisExpress => "IIS Express",
            };
            let kind = if range.administered {
                "an administered exclusion (`*`), added with netsh"
            } else {
                "taken dynamically, usually by Hyper-V or WinNAT"
            };
            let message = format!(
                "site `{}`, {} binding `{}` uses port {port}, which lies in the excluded port range {}-{} ({kind}); \
                 {server} cannot listen on it",
                site.name, binding.protocol, binding.information, range.start, range.end,
            );
            let count = u32::from(range.end) - u32::from(range.start) + 1;
            let fix = if range.administered {
                Fix::new(
                    "delete the administered exclusion (elevated), or choose another port for the binding",
                    vec![format!(
                        "netsh int ipv4 delete excludedportrange protocol=tcp startport={} numberofports={count}",
                        range.start
                    )],
                )
            } else {
                Fix::new(
                    "exclude the port for yourself while WinNAT is stopped, so that Hyper-V leaves it alone (elevated; \
                     container and WSL networking stop meanwhile), or choose another port for the binding",
                    vec![
                        "net stop winnat".to_owned(),
                        format!(
                            "netsh int ipv4 add excludedportrange protocol=tcp startport={port} numberofports=1"
                        ),
                        "net start winnat".to_owned(),
                    ],
                )
            };
            findings.push(
                Finding::new(Code::PortExcluded, message)
                    .with_binding(site, binding)
                    .with_source(&range.origin)
                    .with_fix(fix),
            );
        }
    }
}
