//! Where `duplicate-binding` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{MachineBuilder, machine_findings};

#[test]
fn repeats_in_one_site_and_across_sites_fire_for_every_protocol() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "http", "*:80:", 0)
        .binding("a", "net.tcp", "808:*", 0)
        .binding("a", "HTTPS", "*:443:A.Example.com", 1)
        .binding("b", "http", "*:80:", 0)
        .binding("b", "net.tcp", "808:*", 0);
    assert_eq!(
        report(&findings(builder), Code::DuplicateBinding),
        "\
error site=a binding=*:443:A.Example.com mapping=- cert=-: site `a`, HTTPS binding `*:443:A.Example.com` repeats the binding at test.config:6 of the same site, written `*:443:a.example.com` there; IIS refuses a repeated protocol and bindingInformation in one bindings collection
fix: delete the repeated <binding> element at test.config:9 from the config (appcmd cannot tell the two apart)
error site=b binding=*:80: mapping=- cert=-: site `b`, http binding `*:80:` is also a binding of site `a` at test.config:7; only one of the two sites can start with it
fix: remove the binding from site `b` (or from site `a`, if this one should keep it)
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:b \"/-bindings.[protocol='http',bindingInformation='*:80:']\"
error site=b binding=808:* mapping=- cert=-: site `b`, net.tcp binding `808:*` is also a binding of site `a` at test.config:8; only one of the two sites can start with it
fix: remove the binding from site `b` (or from site `a`, if this one should keep it)
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:b \"/-bindings.[protocol='net.tcp',bindingInformation='808:*']\"
"
    );
    let found =
        findings(MachineBuilder::new().binding("a", "http", "*:80:", 0).binding("b", "http", "*:80:", 0));
    let duplicate = found.iter().find(|finding| finding.code == Code::DuplicateBinding).unwrap();
    let sources: Vec<String> = duplicate.sources.iter().map(ToString::to_string).collect();
    assert_eq!(sources, ["test.config:11", "test.config:6"]);
}

#[test]
fn a_third_occurrence_names_the_first() {
    let builder = MachineBuilder::new()
        .binding("a", "http", "*:80:", 0)
        .binding("b", "http", "*:80:", 0)
        .binding("c", "http", "*:80:", 0);
    let text = report(&findings(builder), Code::DuplicateBinding);
    assert_eq!(text.matches("is also a binding of site `a` at test.config:6").count(), 2, "{text}");
}

#[test]
fn near_misses_other_protocols_other_text_and_other_configs() {
    let builder = MachineBuilder::new()
        .binding("a", "http", "*:8080:", 0)
        .binding("a", "https", "*:8080:", 0)
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:b.example.com", 1)
        .binding("b", "https", "10.0.0.5:443:a.example.com", 1)
        .binding("c", "net.pipe", "*", 0)
        .binding("c", "net.tcp", "808:*", 0)
        // Two entries and two host headers to IIS, though HTTP.sys keys fold the dot.
        .binding("d", "https", "*:443:shop.example.com", 1)
        .binding("e", "https", "*:443:shop.example.com.", 1);
    assert_eq!(report(&findings(builder), Code::DuplicateBinding), "");

    // IIS and IIS Express are different servers, each with its own config.
    let machine =
        MachineBuilder::new().binding("a", "https", "*:44300:localhost", 0).build_with_configs(vec![
            MachineBuilder::new().binding("a", "https", "*:44300:localhost", 0).iis_express(),
        ]);
    assert_eq!(report(&machine_findings(&machine), Code::DuplicateBinding), "");
}
