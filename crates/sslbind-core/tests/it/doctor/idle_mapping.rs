//! Where `idle-mapping` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{ADFS, EXPRESS, IIS, MachineBuilder, certificate, machine_findings};

#[test]
fn iis_mappings_no_binding_uses_fire_with_a_deletion() {
    let old = certificate(&["old.example.com"], (2023, 1, 1), (2024, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping_of("IP:port", "0.0.0.0:8443", IIS, &old)
        .mapping("Hostname:port", "old.example.com:443", IIS)
        .mapping("Central Certificate Store", "9443", IIS)
        .certificate(&old);
    let found = findings(builder);
    assert_eq!(
        report(&found, Code::IdleMapping),
        format!(
            "\
warning site=- binding=- mapping=0.0.0.0:8443 cert={old8}: IIS ip mapping `0.0.0.0:8443` with certificate `old.example.com` ({old}) is used by no binding in `test.config`, so it is probably left behind by a removed binding or site
fix: delete the unused mapping (elevated)
  netsh http delete sslcert ipport=0.0.0.0:8443
warning site=- binding=- mapping=9443 cert=-: IIS ccs mapping `9443` is used by no binding in `test.config`, so it is probably left behind by a removed binding or site
fix: delete the unused mapping (elevated)
  netsh http delete sslcert ccs=9443
warning site=- binding=- mapping=old.example.com:443 cert={made8}: IIS sni mapping `old.example.com:443` with certificate {made} is used by no binding in `test.config`, so it is probably left behind by a removed binding or site
fix: delete the unused mapping (elevated)
  netsh http delete sslcert hostnameport=old.example.com:443
",
            old = old.thumbprint,
            old8 = &old.thumbprint.to_string()[..8],
            made = crate::support::made_up_hash("old.example.com:443").to_ascii_uppercase(),
            made8 = &crate::support::made_up_hash("old.example.com:443").to_ascii_uppercase()[..8],
        )
    );
    let finding = found.iter().find(|finding| finding.code == Code::IdleMapping).unwrap();
    let sources: Vec<String> = finding.sources.iter().map(ToString::to_string).collect();
    assert_eq!(sources, ["sslcert.txt:18", "certs/old.example.com.cer:1"]);
}

#[test]
fn an_iis_express_mapping_outside_the_reserved_range_fires_for_an_iis_express_config() {
    let builder = MachineBuilder::new()
        .binding("web", "https", "*:44300:localhost", 0)
        .mapping("IP:port", "0.0.0.0:44300", EXPRESS)
        .mapping("IP:port", "0.0.0.0:39399", EXPRESS)
        .iis_express();
    let made = crate::support::made_up_hash("0.0.0.0:39399").to_ascii_uppercase();
    assert_eq!(
        report(&findings(builder), Code::IdleMapping),
        format!(
            "\
warning site=- binding=- mapping=0.0.0.0:39399 cert={made8}: IIS Express ip mapping `0.0.0.0:39399` with certificate {made} is used by no binding in `test.config`, so it is probably left behind by a removed binding or site
fix: delete the unused mapping (elevated)
  netsh http delete sslcert ipport=0.0.0.0:39399
",
            made8 = &made[..8],
        )
    );
}

#[test]
fn near_misses_reserved_fallback_foreign_and_in_use_mappings() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:44301:localhost", 0)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "0.0.0.0:44300", EXPRESS)
        .mapping("IP:port", "0.0.0.0:44399", EXPRESS)
        .mapping("IP:port", "0.0.0.0:44301", EXPRESS)
        .mapping("IP:port", "0.0.0.0:5986", "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}")
        .mapping("Hostname:port", "adfs.example.com:443", ADFS)
        .iis_express();
    assert_eq!(report(&findings(builder), Code::IdleMapping), "");
}

#[test]
fn near_misses_without_a_config_of_the_owner() {
    // No config at all: nothing can be used, so nothing is idle.
    let mut machine = MachineBuilder::new().mapping("IP:port", "0.0.0.0:8443", IIS).build();
    machine.configs.clear();
    assert_eq!(report(&machine_findings(&machine), Code::IdleMapping), "");

    // Only an IIS Express config: the IIS config that may use the IIS mapping was not given.
    let express_only = MachineBuilder::new()
        .binding("web", "https", "*:44300:localhost", 0)
        .mapping("IP:port", "0.0.0.0:8443", IIS)
        .iis_express();
    assert_eq!(report(&findings(express_only), Code::IdleMapping), "");

    // Given both, the IIS mapping is idle again.
    let both = MachineBuilder::new()
        .binding("web", "https", "*:44300:localhost", 0)
        .mapping("IP:port", "0.0.0.0:8443", IIS)
        .iis_express()
        .build_with_configs(vec![MachineBuilder::new().binding("site", "http", "*:80:", 0)]);
    let text = report(&machine_findings(&both), Code::IdleMapping);
    assert!(text.contains("is used by no binding in `test2.config`"), "{text}");
}
