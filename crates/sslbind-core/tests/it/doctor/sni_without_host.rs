//! Where `sni-without-host` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{IIS, MachineBuilder};

#[test]
fn sni_bindings_without_a_host_fire_with_what_serves_them_and_the_flag_cleared() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:", 1)
        .binding("b", "https", "*:8443:*", 5)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(
        report(&findings(builder), Code::SniWithoutHost),
        "\
error site=a binding=*:443: mapping=0.0.0.0:443 cert=-: site `a`, binding `*:443:` requires SNI (sslFlags 1) but has no host name, so there is no `host:port` mapping it could use; HTTP.sys serves it with ip mapping `0.0.0.0:443` instead
fix: clear the SNI flag so that the binding uses ip mapping `0.0.0.0:443`, or give it a host name instead (`/bindings.[protocol='https',bindingInformation='*:443:'].bindingInformation:*:443:<HOST>`)
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:a \"/bindings.[protocol='https',bindingInformation='*:443:'].sslFlags:0\"
error site=b binding=*:8443:* mapping=- cert=-: site `b`, binding `*:8443:*` requires SNI (sslFlags 5) but has only the any-host `*`, so there is no `host:port` mapping it could use; clients get a connection reset
fix: clear the SNI flag so that the binding uses ip mapping `0.0.0.0:8443`, or give it a host name instead (`/bindings.[protocol='https',bindingInformation='*:8443:*'].bindingInformation:*:8443:<HOST>`)
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:b \"/bindings.[protocol='https',bindingInformation='*:8443:*'].sslFlags:4\"
"
    );
}

#[test]
fn without_mappings_the_message_claims_nothing_about_what_serves_it() {
    let builder = MachineBuilder::new().binding("a", "https", "10.0.0.5:443:", 3).without_mappings();
    assert_eq!(
        report(&findings(builder), Code::SniWithoutHost),
        "\
error site=a binding=10.0.0.5:443: mapping=- cert=-: site `a`, binding `10.0.0.5:443:` requires SNI (sslFlags 3) but has no host name, so there is no `host:port` mapping it could use
fix: clear the SNI flag so that the binding uses ccs mapping `443`, or give it a host name instead (`/bindings.[protocol='https',bindingInformation='10.0.0.5:443:'].bindingInformation:10.0.0.5:443:<HOST>`)
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:a \"/bindings.[protocol='https',bindingInformation='10.0.0.5:443:'].sslFlags:2\"
"
    );
}

#[test]
fn near_misses_sni_with_a_host_non_sni_without_one_and_http() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:*.example.com", 1)
        .binding("b", "https", "*:443:", 0)
        .binding("b", "https", "*:8443:*", 2)
        .binding("c", "http", "*:80:", 1)
        .binding("c", "http", "*:8080:*", 1)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(report(&findings(builder), Code::SniWithoutHost), "");
}
