//! Where `invalid-binding` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::MachineBuilder;

#[test]
fn http_and_https_texts_that_are_not_ip_port_host_fire_with_their_reason_and_place() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443", 0)
        .binding("a", "http", "www.example.com:80:", 0)
        .binding("b", "HTTPS", "*:99999:b.example.com", 1)
        .iis_express();
    assert_eq!(
        report(&findings(builder), Code::InvalidBinding),
        "\
error site=a binding=*:443 mapping=- cert=-: site `a`, https binding `*:443` at test.config:6 is not `IP:port:host`: expected IP:port:host, found one colon
fix: correct the bindingInformation to `IP:port:host`, for example `*:443:www.example.com`
  \"%ProgramFiles%\\IIS Express\\appcmd.exe\" set site /site.name:a \"/bindings.[protocol='https',bindingInformation='*:443'].bindingInformation:<IP>:<PORT>:<HOST>\" /apphostconfig:test.config
error site=a binding=www.example.com:80: mapping=- cert=-: site `a`, http binding `www.example.com:80:` at test.config:7 is not `IP:port:host`: address `www.example.com` is not `*`, an IPv4 address or a bracketed IPv6 address
fix: correct the bindingInformation to `IP:port:host`, for example `*:80:www.example.com`
  \"%ProgramFiles%\\IIS Express\\appcmd.exe\" set site /site.name:a \"/bindings.[protocol='http',bindingInformation='www.example.com:80:'].bindingInformation:<IP>:<PORT>:<HOST>\" /apphostconfig:test.config
error site=b binding=*:99999:b.example.com mapping=- cert=-: site `b`, HTTPS binding `*:99999:b.example.com` at test.config:12 is not `IP:port:host`: port 99999 is out of range 1-65535
fix: correct the bindingInformation to `IP:port:host`, for example `*:443:www.example.com`
  \"%ProgramFiles%\\IIS Express\\appcmd.exe\" set site /site.name:b \"/bindings.[protocol='HTTPS',bindingInformation='*:99999:b.example.com'].bindingInformation:<IP>:<PORT>:<HOST>\" /apphostconfig:test.config
"
    );
}

#[test]
fn near_misses_other_grammars_and_an_empty_address() {
    let builder = MachineBuilder::new()
        .binding("a", "net.tcp", "808:*", 0)
        .binding("a", "net.pipe", "*", 0)
        .binding("a", "net.msmq", "localhost", 0)
        .binding("a", "ftp", "odd text", 0)
        .binding("a", "http", ":8080:localhost", 0)
        .binding("a", "https", "[::1]:44300:", 0)
        .binding("a", "https", "*:443:*.example.com", 1);
    assert_eq!(report(&findings(builder), Code::InvalidBinding), "");
}
