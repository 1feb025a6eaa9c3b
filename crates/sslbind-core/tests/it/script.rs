//! Golden tests of the mapping scripts: each case is written for cmd.exe and for PowerShell
//! and compared with a reviewed snapshot, so that any change to what users run elevated on
//! their servers shows up in review.

use sslbind_core::Origin;
use sslbind_core::model::{AppId, DefaultFlags, Mapping, MappingKey, Thumbprint};
use sslbind_core::plan::ops::MappingOp;
use sslbind_core::plan::script::{Shell, netsh_commands, script};

use crate::support::{EXPRESS, IIS};

const HASH_A: &str = "5226DC6C54559761CD471B86EB51C096252C90F2";
const HASH_B: &str = "07FD6136D6D998B3E5B87EE49EB4075652E79555";

/// A mapping as `netsh http show sslcert` prints it on Server 2016: every param known.
fn mapping(key: MappingKey, hash: Option<&str>, app_id: &str, store: Option<&str>) -> Mapping {
    let mut mapping = Mapping::new(key, Origin::Planned);
    mapping.certificate_hash = hash.map(|hash| Thumbprint::parse(hash).expect("a thumbprint"));
    mapping.app_id = Some(AppId::parse(app_id).expect("an AppId"));
    mapping.certificate_store = store.map(str::to_owned);
    mapping.params.verify_client_cert_revocation = Some(true);
    mapping.params.verify_revocation_cached_only = Some(false);
    mapping.params.usage_check = Some(true);
    mapping.params.revocation_freshness_time = Some(0);
    mapping.params.url_retrieval_timeout = Some(0);
    mapping
}

fn sni(host: &str) -> MappingKey {
    MappingKey::Sni { host: host.into(), port: 443 }
}

/// The script for `shell`, after checking that every line ends with CRLF; the snapshot shows
/// LF so that it stays readable in review.
fn render(ops: &[MappingOp], shell: Shell) -> String {
    let text = script(ops, shell);
    assert!(text.ends_with("\r\n"), "{text:?}");
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "{text:?}");
    text.replace("\r\n", "\n")
}

fn add_sni() -> Vec<MappingOp> {
    vec![MappingOp::Add(mapping(sni("dev.example.com"), Some(HASH_A), EXPRESS, Some("WebHosting")))]
}

fn replace_with_flags() -> Vec<MappingOp> {
    let mut before = mapping(sni("shop.example.com"), Some(HASH_A), IIS, Some("My"));
    before.params.url_retrieval_timeout = Some(15000);
    before.params.ctl_store_name = Some("adfstrusteddevices".to_owned());
    before.flags = DefaultFlags::NEGOTIATE_CLIENT_CERT | DefaultFlags::DISABLE_HTTP2;
    before.flags_known = true;
    let mut after = before.clone();
    after.certificate_hash = Some(Thumbprint::parse(HASH_B).expect("a thumbprint"));
    vec![MappingOp::Replace { before, after }]
}

fn delete_ipv6() -> Vec<MappingOp> {
    vec![MappingOp::Delete(mapping(
        MappingKey::Ip("[::]:443".parse().expect("an address")),
        Some(HASH_A),
        IIS,
        None,
    ))]
}

fn add_ccs() -> Vec<MappingOp> {
    vec![MappingOp::Add(mapping(MappingKey::Ccs { port: 443 }, None, IIS, None))]
}

fn store_with_space() -> Vec<MappingOp> {
    vec![
        MappingOp::Delete(mapping(
            MappingKey::Ip("0.0.0.0:443".parse().expect("an address")),
            Some(HASH_A),
            IIS,
            None,
        )),
        MappingOp::Add(mapping(
            MappingKey::Ip("0.0.0.0:443".parse().expect("an address")),
            Some(HASH_B),
            IIS,
            Some("Web Certs"),
        )),
    ]
}

#[test]
fn add_sni_cmd() {
    insta::assert_snapshot!(render(&add_sni(), Shell::Netsh));
}

#[test]
fn add_sni_powershell() {
    insta::assert_snapshot!(render(&add_sni(), Shell::PowerShell));
}

#[test]
fn replace_keeps_params_and_flags_cmd() {
    insta::assert_snapshot!(render(&replace_with_flags(), Shell::Netsh));
}

#[test]
fn replace_keeps_params_and_flags_powershell() {
    insta::assert_snapshot!(render(&replace_with_flags(), Shell::PowerShell));
}

#[test]
fn delete_ipv6_cmd() {
    insta::assert_snapshot!(render(&delete_ipv6(), Shell::Netsh));
}

#[test]
fn delete_ipv6_powershell() {
    insta::assert_snapshot!(render(&delete_ipv6(), Shell::PowerShell));
}

#[test]
fn add_ccs_cmd() {
    insta::assert_snapshot!(render(&add_ccs(), Shell::Netsh));
}

#[test]
fn add_ccs_powershell() {
    insta::assert_snapshot!(render(&add_ccs(), Shell::PowerShell));
}

#[test]
fn empty_cmd() {
    insta::assert_snapshot!(render(&[], Shell::Netsh));
}

#[test]
fn empty_powershell() {
    insta::assert_snapshot!(render(&[], Shell::PowerShell));
}

#[test]
fn store_with_space_cmd() {
    insta::assert_snapshot!(render(&store_with_space(), Shell::Netsh));
}

#[test]
fn store_with_space_powershell() {
    insta::assert_snapshot!(render(&store_with_space(), Shell::PowerShell));
}

#[test]
fn the_update_command_carries_every_setting_of_the_new_record() {
    let ops = replace_with_flags();
    let [command] = netsh_commands(&ops[0]).try_into().expect("one command");
    assert!(command.starts_with("netsh http update sslcert hostnameport=shop.example.com:443 "), "{command}");
    for param in [
        "certhash=07fd6136d6d998b3e5b87ee49eb4075652e79555",
        "appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\"",
        "certstorename=My",
        "urlretrievaltimeout=15000",
        "sslctlstorename=adfstrusteddevices",
        "clientcertnegotiation=enable",
        "disablehttp2=enable",
        "disabletls13=disable",
    ] {
        assert!(command.split(' ').any(|word| word == param), "{param} missing from {command}");
    }
}

#[test]
fn flags_that_were_not_shown_are_left_out() {
    let mut mapping = mapping(sni("a.example.com"), Some(HASH_A), IIS, None);
    mapping.flags = DefaultFlags::DISABLE_HTTP2;
    let [command] = netsh_commands(&MappingOp::Add(mapping)).try_into().expect("one command");
    assert!(command.ends_with(" disablehttp2=enable"), "{command}");
    assert!(!command.contains("certstorename"), "{command}");
    assert!(!command.contains("reject=") && !command.contains("disabletls13="), "{command}");
}
