//! Where `shared-endpoint-certificate` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{IIS, MachineBuilder, certificate, machine_findings};

#[test]
fn non_sni_hosts_on_one_end_point_fire_once_with_sni_mappings_as_the_fix() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let b = certificate(&["b.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:443:B.example.com", 0)
        .binding("b", "https", "*:443:", 0)
        .binding("c", "https", "*:443:10.0.0.7", 0)
        .binding("d", "https", "*:443:b.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &a)
        .certificate(&a)
        .certificate(&b);
    let found = findings(builder);
    assert_eq!(
        report(&found, Code::SharedEndpointCertificate),
        format!(
            "\
warning site=a binding=*:443:a.example.com mapping=0.0.0.0:443 cert={a8}: site `a`, binding `*:443:a.example.com` shares ip mapping `0.0.0.0:443` with 4 other non-SNI bindings, so host names `a.example.com` (site `a`), `B.example.com` (sites `b`, `d`) and `10.0.0.7` (site `c`) all get its one certificate `a.example.com` ({a}), which does not cover `B.example.com` or `10.0.0.7`
fix: give each host name its own certificate: add the SNI mappings, then set the SNI flag on the bindings (elevated); ip mapping `0.0.0.0:443` stays as the fallback for clients without SNI; `10.0.0.7` cannot use SNI (clients never send an IP address as SNI) and keeps its certificate
  netsh http add sslcert hostnameport=a.example.com:443 certhash={a_lower} appid=\"{IIS}\" certstorename=MY
  netsh http add sslcert hostnameport=B.example.com:443 certhash={b_lower} appid=\"{IIS}\" certstorename=MY
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:a \"/bindings.[protocol='https',bindingInformation='*:443:a.example.com'].sslFlags:1\"
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:b \"/bindings.[protocol='https',bindingInformation='*:443:B.example.com'].sslFlags:1\"
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:d \"/bindings.[protocol='https',bindingInformation='*:443:b.example.com'].sslFlags:1\"
",
            a = a.thumbprint,
            a8 = &a.thumbprint.to_string()[..8],
            a_lower = a.thumbprint.to_string().to_ascii_lowercase(),
            b_lower = b.thumbprint.to_string().to_ascii_lowercase(),
        )
    );
    let finding = found.iter().find(|finding| finding.code == Code::SharedEndpointCertificate).unwrap();
    let sources: Vec<String> = finding.sources.iter().map(ToString::to_string).collect();
    assert_eq!(
        sources,
        [
            "test.config:6",
            "test.config:11",
            "test.config:12",
            "test.config:17",
            "test.config:22",
            "sslcert.txt:4",
            "certs/a.example.com.cer:1"
        ]
    );
}

#[test]
fn a_specific_address_without_its_mapping_keeps_other_flag_bits_in_iis_express() {
    let builder = MachineBuilder::new()
        .binding("app", "https", "10.0.0.5:8443:x.example.com", 4)
        .binding("app", "https", "10.0.0.5:8443:y.example.com", 0)
        .mapping("Hostname:port", "y.example.com:8443", IIS)
        .iis_express();
    assert_eq!(
        report(&findings(builder), Code::SharedEndpointCertificate),
        "\
warning site=app binding=10.0.0.5:8443:x.example.com mapping=10.0.0.5:8443 cert=-: site `app`, binding `10.0.0.5:8443:x.example.com` shares ip mapping `10.0.0.5:8443` with 1 other non-SNI binding, so host names `x.example.com` (site `app`) and `y.example.com` (site `app`) all get the one certificate of that mapping, which does not exist
fix: give each host name its own certificate: add the SNI mappings, then set the SNI flag on the bindings (elevated); ip mapping `10.0.0.5:8443` stays as the fallback for clients without SNI
  netsh http add sslcert hostnameport=x.example.com:8443 certhash=<THUMBPRINT> appid=\"{214124cd-d05b-4309-9af9-9caa44b2b74a}\" certstorename=MY
  \"%ProgramFiles%\\IIS Express\\appcmd.exe\" set site /site.name:app \"/bindings.[protocol='https',bindingInformation='10.0.0.5:8443:x.example.com'].sslFlags:5\" /apphostconfig:test.config
  \"%ProgramFiles%\\IIS Express\\appcmd.exe\" set site /site.name:app \"/bindings.[protocol='https',bindingInformation='10.0.0.5:8443:y.example.com'].sslFlags:1\" /apphostconfig:test.config
"
    );
}

#[test]
fn ip_address_hosts_alone_cannot_use_sni() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:10.0.0.7", 0)
        .binding("b", "https", "*:443:10.0.0.8", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    let text = report(&findings(builder), Code::SharedEndpointCertificate);
    assert!(
        text.ends_with(
            "fix: bind each IP-address host to an address of its own (`IP:port:`) with its own ip mapping: clients \
             never send an IP address as SNI\n"
        ),
        "{text}"
    );
}

#[test]
fn near_misses_one_host_sni_ccs_other_ports_addresses_and_configs() {
    let same_host_twice = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:443:A.EXAMPLE.COM", 0)
        .binding("b", "https", "*:443:", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(report(&findings(same_host_twice), Code::SharedEndpointCertificate), "");

    let one_sni = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:443:b.example.com", 1)
        .binding("c", "https", "*:443:c.example.com", 2)
        .binding("d", "https", "*:443:d.example.com", 3)
        .binding("e", "http", "*:443:e.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(report(&findings(one_sni), Code::SharedEndpointCertificate), "");

    let other_ports_and_addresses = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:8443:b.example.com", 0)
        .binding("c", "https", "10.0.0.5:443:c.example.com", 0)
        .binding("d", "https", "[2001:db8::1]:443:d.example.com", 0);
    assert_eq!(report(&findings(other_ports_and_addresses), Code::SharedEndpointCertificate), "");

    let two_configs = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .build_with_configs(vec![
            MachineBuilder::new().binding("b", "https", "*:443:b.example.com", 0).iis_express(),
        ]);
    assert_eq!(report(&machine_findings(&two_configs), Code::SharedEndpointCertificate), "");
}
