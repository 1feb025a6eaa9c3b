//! Where `port-excluded` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::report;
use crate::support::{MachineBuilder, machine_findings, with_excluded_ports};

#[test]
fn bindings_in_dynamic_and_administered_ranges_fire() {
    let express = with_excluded_ports(
        MachineBuilder::new()
            .binding("php", "https", "*:50000:lextudio.com", 1)
            .iis_express()
            .without_mappings()
            .build(),
        &[(49992, 50091, false)],
    );
    assert_eq!(
        report(&machine_findings(&express), Code::PortExcluded),
        "\
error site=php binding=*:50000:lextudio.com mapping=- cert=-: site `php`, https binding `*:50000:lextudio.com` uses port 50000, which lies in the excluded port range 49992-50091 (not administered: reserved by a program or service, such as Hyper-V, WinNAT or another program's listener); IIS Express cannot listen on it
fix: choose another port for the binding; or, when Hyper-V or WinNAT holds the range (it moves after `net stop winnat`), exclude the port for yourself while WinNAT is stopped, so that they leave it alone (elevated; container and WSL networking stop meanwhile)
  net stop winnat
  netsh int ipv4 add excludedportrange protocol=tcp startport=50000 numberofports=1
  net start winnat
"
    );

    let iis = with_excluded_ports(
        MachineBuilder::new()
            .binding("a", "http", "*:8080:", 0)
            .binding("a", "net.tcp", "8080:*", 0)
            .without_mappings()
            .build(),
        &[(8080, 8080, true)],
    );
    assert_eq!(
        report(&machine_findings(&iis), Code::PortExcluded),
        "\
error site=a binding=*:8080: mapping=- cert=-: site `a`, http binding `*:8080:` uses port 8080, which lies in the excluded port range 8080-8080 (an administered exclusion (`*`), added with netsh); IIS cannot listen on it
fix: delete the administered exclusion (elevated), or choose another port for the binding
  netsh int ipv4 delete excludedportrange protocol=tcp startport=8080 numberofports=1
"
    );
}

#[test]
fn near_misses_ports_just_outside_ranges_and_unknown_ranges_do_not_fire() {
    let builder = || {
        MachineBuilder::new()
            .binding("a", "https", "*:50092:", 0)
            .binding("a", "https", "*:49991:", 0)
            .without_mappings()
    };
    let outside = with_excluded_ports(builder().build(), &[(49992, 50091, false)]);
    assert_eq!(report(&machine_findings(&outside), Code::PortExcluded), "");

    let mut unknown = builder().build();
    unknown.excluded_ports = with_excluded_ports(builder().build(), &[(49000, 51000, false)]).excluded_ports;
    assert_eq!(report(&machine_findings(&unknown), Code::PortExcluded), "");
}
