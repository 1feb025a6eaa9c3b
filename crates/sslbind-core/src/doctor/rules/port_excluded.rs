//! `port-excluded`: an http or https binding on a port Windows has excluded.

use crate::command::Command;
use crate::doctor::fix::{Fix, line};
use crate::doctor::{Code, Context, Finding};
use crate::model::machine::ServerFlavor;

/// The explanation `sslbind explain port-excluded` prints.
pub(super) const EXPLANATION: &str = "\
Windows keeps the TCP port ranges that `netsh int ipv4 show excludedportrange protocol=tcp` \
lists from every program, HTTP.sys included: neither IIS nor IIS Express can listen on a port \
inside one, and the site fails to start, IIS Express typically saying the port is in use. \
Ranges marked `*` are administered: an administrator added them with `netsh int ipv4 add \
excludedportrange`, and deleting the range frees the port. A range without `*` was reserved \
by a program or service, not by an administrator, and that is all it says: Hyper-V and WinNAT \
(WSL 2, Docker, Windows containers) take blocks of dynamic ports at startup that move between \
restarts, but other programs reserve ports as well, WSDAPI and the HTTP.sys listeners of other \
programs among them. When Hyper-V or WinNAT holds the port (the range moves or disappears \
after `net stop winnat`), stop WinNAT, add an administered exclusion of the one port (they \
then leave it alone), and start WinNAT again. Choosing a port outside every range always \
works, and is the only way when another program owns the range. The code fires for every \
http and https binding of IIS and IIS Express, only when excluded port ranges were given.";

/// Reports every http or https binding whose port lies in an excluded range.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
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
                "not administered: reserved by a program or service, such as Hyper-V, WinNAT or another program's listener"
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
                    vec![line(
                        &Command::new("netsh")
                            .words("int ipv4 delete excludedportrange")
                            .param("protocol", "tcp")
                            .param("startport", range.start.to_string())
                            .param("numberofports", count.to_string()),
                    )],
                )
            } else {
                Fix::new(
                    "choose another port for the binding; or, when Hyper-V or WinNAT holds the range (it moves after \
                     `net stop winnat`), exclude the port for yourself while WinNAT is stopped, so that they leave it \
                     alone (elevated; container and WSL networking stop meanwhile)",
                    vec![
                        line(&Command::new("net").words("stop winnat")),
                        line(
                            &Command::new("netsh")
                                .words("int ipv4 add excludedportrange")
                                .param("protocol", "tcp")
                                .param("startport", port.to_string())
                                .param("numberofports", "1"),
                        ),
                        line(&Command::new("net").words("start winnat")),
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
