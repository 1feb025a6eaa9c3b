//! The probe's pure half: parsing targets, planning handshakes (what each should be served,
//! by the one selection order), and the three `probe-*` findings judged from results built
//! here by hand, as `sslbind-live` would report them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use sslbind_core::analysis::probe::{
    PlanOptions, ProbeOutcome, ProbeRequest, ProbeResult, ProbeTarget, judge, parse_target, plan,
};
use sslbind_core::analysis::{analyze, selection::UnknownCcsFolder};
use sslbind_core::doctor::Code;
use sslbind_core::doctor::probe::{probe_confirms, probe_findings};
use sslbind_core::model::{Certificate, Machine};
use sslbind_core::uncertain::SelectionAssumptions;

use crate::doctor::{NOW, SETTINGS, report};
use crate::support::{IIS, MachineBuilder, certificate};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn requests(machine: &Machine, targets: &[ProbeTarget], connect: Option<IpAddr>) -> Vec<ProbeRequest> {
    let assumptions = SelectionAssumptions::default();
    let analysis = analyze(machine, &UnknownCcsFolder, &assumptions);
    let options = PlanOptions { connect, ccs_files: &UnknownCcsFolder, assumptions: &assumptions };
    plan(machine, &analysis, targets, &options)
}

/// `target sni=… address|host primary expected=…` per request, for comparing plans.
fn shape(machine: &Machine, requests: &[ProbeRequest]) -> String {
    requests
        .iter()
        .map(|request| {
            let expected = match &request.expected {
                None => "-".to_owned(),
                Some(expected) => match expected.mapping.map(|id| machine.mapping(id)) {
                    Some(mapping) => mapping.key.to_string(),
                    None => "reset".to_owned(),
                },
            };
            format!(
                "{} sni={} to={} {} expected={} binding={}\n",
                request.target,
                request.sni.as_deref().unwrap_or("-"),
                request.address.map_or_else(|| request.host.clone(), |ip| ip.to_string()),
                if request.primary { "primary" } else { "secondary" },
                expected,
                request.binding.as_ref().map_or("-", |binding| binding.information.as_str()),
            )
        })
        .collect()
}

#[test]
fn targets_parse_as_https_urls_only() {
    let parsed = |text: &str| parse_target(text).map(|target| (target.host, target.port));
    assert_eq!(parsed("https://Shop.Example.com/"), Ok(("shop.example.com".to_owned(), 443)));
    assert_eq!(parsed("https://shop.example.com:8443/path?q#f"), Ok(("shop.example.com".to_owned(), 8443)));
    assert_eq!(parsed("HTTPS://10.0.0.5:4431"), Ok(("10.0.0.5".to_owned(), 4431)));
    assert_eq!(parsed("https://[2001:db8::5]:443/"), Ok(("2001:db8::5".to_owned(), 443)));
    assert_eq!(parsed("https://[::1]/"), Ok(("::1".to_owned(), 443)));
    for bad in [
        "http://shop.example.com/",
        "shop.example.com:443",
        "https://:443/",
        "https://shop.example.com:0/",
        "https://shop.example.com:99999/",
        "https://2001:db8::5/",
        "https://[2001:db8::5/",
        "https://user@shop.example.com/",
    ] {
        let error = parse_target(bad).expect_err(bad);
        assert!(error.to_string().contains("expected https://host[:port]/"), "{error}");
    }
}

#[test]
fn every_https_binding_gets_an_sni_and_a_no_sni_handshake_with_its_expectation() {
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:a.example.com", 1)
        .binding("shop", "https", "*:443:b.example.com", 1)
        .binding("shop", "http", "*:80:a.example.com", 0)
        .binding("old", "https", "10.0.0.5:8443:", 0)
        .binding("old", "https", "*:9443:*.example.com", 1)
        .binding("ip", "https", "*:7443:192.0.2.7", 0)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "10.0.0.5:8443", IIS)
        .build();
    // Without --connect, names are resolved: the two no-SNI handshakes of port 443 go to
    // different names and are both made.
    assert_eq!(
        shape(&machine, &requests(&machine, &[], None)),
        "\
https://a.example.com:443/ sni=a.example.com to=a.example.com primary expected=a.example.com:443 binding=*:443:a.example.com
https://a.example.com:443/ sni=- to=a.example.com secondary expected=0.0.0.0:443 binding=*:443:a.example.com
https://b.example.com:443/ sni=b.example.com to=b.example.com primary expected=0.0.0.0:443 binding=*:443:b.example.com
https://b.example.com:443/ sni=- to=b.example.com secondary expected=0.0.0.0:443 binding=*:443:b.example.com
https://10.0.0.5:8443/ sni=- to=10.0.0.5 primary expected=10.0.0.5:8443 binding=10.0.0.5:8443:
https://*.example.com:9443/ sni=- to=localhost secondary expected=reset binding=*:9443:*.example.com
https://192.0.2.7:7443/ sni=- to=192.0.2.7 primary expected=reset binding=*:7443:192.0.2.7
"
    );
    // With --connect they are one handshake; a binding's own address still wins.
    assert_eq!(
        shape(&machine, &requests(&machine, &[], Some(LOOPBACK))),
        "\
https://a.example.com:443/ sni=a.example.com to=127.0.0.1 primary expected=a.example.com:443 binding=*:443:a.example.com
https://a.example.com:443/ sni=- to=127.0.0.1 secondary expected=0.0.0.0:443 binding=*:443:a.example.com
https://b.example.com:443/ sni=b.example.com to=127.0.0.1 primary expected=0.0.0.0:443 binding=*:443:b.example.com
https://10.0.0.5:8443/ sni=- to=10.0.0.5 primary expected=10.0.0.5:8443 binding=10.0.0.5:8443:
https://*.example.com:9443/ sni=- to=127.0.0.1 secondary expected=reset binding=*:9443:*.example.com
https://192.0.2.7:7443/ sni=- to=192.0.2.7 primary expected=reset binding=*:7443:192.0.2.7
"
    );
}

#[test]
fn the_expected_certificate_is_the_mappings_and_nothing_when_mappings_are_unknown() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .build();
    let planned = requests(&machine, &[], None);
    assert_eq!(planned[0].expected_hash(), Some(a.thumbprint));
    assert_eq!(planned[1].expected.as_ref().map(|expected| expected.mapping), Some(None));

    let unknown =
        MachineBuilder::new().binding("shop", "https", "*:443:a.example.com", 1).without_mappings().build();
    assert!(requests(&unknown, &[], None).iter().all(|request| request.expected.is_none()));
}

#[test]
fn explicit_targets_are_compared_with_the_binding_that_serves_them() {
    let machine = MachineBuilder::new()
        .binding("exact", "https", "*:443:shop.example.com", 1)
        .binding("wild", "https", "*:443:*.example.com", 1)
        .binding("any", "https", "*:443:", 0)
        .binding("ip", "https", "10.0.0.5:8443:", 0)
        .mapping("Hostname:port", "shop.example.com:443", IIS)
        .mapping("Hostname:port", "*.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "10.0.0.5:8443", IIS)
        .build();
    let targets: Vec<ProbeTarget> = [
        "https://shop.example.com/",
        "https://blog.example.com/",
        "https://other.test/",
        "https://10.0.0.5:8443/",
        "https://unbound.test:9999/",
    ]
    .iter()
    .map(|text| parse_target(text).expect("a target"))
    .collect();
    assert_eq!(
        shape(&machine, &requests(&machine, &targets, Some(LOOPBACK))),
        "\
https://shop.example.com:443/ sni=shop.example.com to=127.0.0.1 primary expected=shop.example.com:443 binding=*:443:shop.example.com
https://shop.example.com:443/ sni=- to=127.0.0.1 secondary expected=0.0.0.0:443 binding=*:443:shop.example.com
https://blog.example.com:443/ sni=blog.example.com to=127.0.0.1 primary expected=*.example.com:443 binding=*:443:*.example.com
https://other.test:443/ sni=other.test to=127.0.0.1 primary expected=0.0.0.0:443 binding=*:443:
https://10.0.0.5:8443/ sni=- to=10.0.0.5 primary expected=10.0.0.5:8443 binding=10.0.0.5:8443:
https://unbound.test:9999/ sni=unbound.test to=127.0.0.1 primary expected=- binding=-
https://unbound.test:9999/ sni=- to=127.0.0.1 secondary expected=- binding=-
"
    );
}

/// A result of `request` with `outcome`, serving `served` (judged when it completed).
fn result(
    request: &ProbeRequest,
    outcome: ProbeOutcome,
    served: Option<&Certificate>,
    detail: Option<&str>,
) -> ProbeResult {
    ProbeResult {
        request: request.clone(),
        address: Some(SocketAddr::new(LOOPBACK, request.port)),
        outcome,
        served: served.cloned(),
        chain: served.map(|certificate| vec![certificate.thumbprint]).unwrap_or_default(),
        tls_version: served.map(|_| "TLSv1.3".to_owned()),
        alpn: None,
        detail: detail.map(str::to_owned),
    }
}

#[test]
fn a_served_certificate_is_judged_against_the_expected_one() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let b = certificate(&["b.example.com"], (2025, 1, 1), (2027, 1, 1));
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .build();
    let planned = requests(&machine, &[], Some(LOOPBACK));
    assert_eq!(judge(&planned[0], &a.thumbprint), ProbeOutcome::Ok);
    assert_eq!(judge(&planned[0], &b.thumbprint), ProbeOutcome::Mismatch);
    // The no-SNI handshake expects a reset; whatever is served there is not a mismatch.
    assert_eq!(judge(&planned[1], &b.thumbprint), ProbeOutcome::Ok);
}

#[test]
fn probe_findings_report_mismatches_resets_and_expired_certificates() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let b = certificate(&["b.example.com"], (2025, 1, 1), (2027, 1, 1));
    let old = certificate(&["old.example.com"], (2020, 1, 1), (2021, 1, 1));
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:a.example.com", 1)
        .binding("shop", "https", "*:443:b.example.com", 1)
        .binding("blog", "https", "*:8443:blog.example.com", 1)
        .binding("gone", "https", "*:9443:gone.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .mapping_of("Hostname:port", "b.example.com:443", IIS, &b)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &old)
        .mapping_of("Hostname:port", "blog.example.com:8443", IIS, &a)
        .certificate(&a)
        .certificate(&b)
        .certificate(&old)
        .build();
    let planned = requests(&machine, &[], Some(LOOPBACK));
    let sni = |host: &str| {
        planned.iter().find(|request| request.sni.as_deref() == Some(host)).expect("a planned handshake")
    };
    let no_sni = |port: u16| {
        planned
            .iter()
            .find(|request| request.sni.is_none() && request.port == port)
            .expect("a planned handshake")
    };
    let results = vec![
        result(sni("a.example.com"), ProbeOutcome::Ok, Some(&a), None),
        result(no_sni(443), ProbeOutcome::Ok, Some(&old), None),
        result(sni("b.example.com"), judge(sni("b.example.com"), &a.thumbprint), Some(&a), None),
        result(sni("blog.example.com"), ProbeOutcome::Alert, None, Some("handshake_failure")),
        result(no_sni(8443), ProbeOutcome::Reset, None, None),
        result(sni("gone.example.com"), ProbeOutcome::Reset, None, None),
        result(no_sni(9443), ProbeOutcome::Refused, None, Some("connection refused")),
    ];
    assert_eq!(results[2].outcome, ProbeOutcome::Mismatch);
    let findings = probe_findings(&results, &machine, NOW);
    let hash = |certificate: &Certificate| certificate.thumbprint.to_string();
    assert_eq!(
        report(&findings, Code::ProbeCertificateMismatch),
        format!(
            "error site=shop binding=*:443:b.example.com mapping=b.example.com:443 cert={}: \
             `https://b.example.com:443/` with SNI `b.example.com` at 127.0.0.1:443 was served certificate \
             `a.example.com` ({}), but the saved state maps certificate `b.example.com` ({}) with sni mapping \
             `b.example.com:443`: the mappings changed since they were saved, or something other than HTTP.sys \
             answered\n\
             fix: compare the live mapping with the saved one, then re-point it to the certificate the site should \
             present (elevated)\n  netsh http show sslcert hostnameport=b.example.com:443\n",
            &hash(&a)[..8],
            hash(&a),
            hash(&b)
        )
    );
    // The blog's alert and the gone site's reset are reported; the no-SNI reset on 8443 is
    // what the saved state predicts (no fallback), so it is not.
    assert_eq!(
        report(&findings, Code::ProbeConnectionReset),
        format!(
            "error site=blog binding=*:8443:blog.example.com mapping=blog.example.com:8443 cert={}: \
             `https://blog.example.com:8443/` with SNI `blog.example.com` at 127.0.0.1:8443: the server ended the \
             handshake with TLS alert `handshake_failure` although the saved state maps certificate `a.example.com` \
             ({}) with sni mapping `blog.example.com:8443`: the certificate or its private key may be unusable, or \
             the mapping changed since it was saved\n\
             fix: check the live mapping and that its certificate is in the store with a private key (elevated)\n  \
             netsh http show sslcert hostnameport=blog.example.com:8443\n\
             error site=gone binding=*:9443:gone.example.com mapping=- cert=-: `https://gone.example.com:9443/` with \
             SNI `gone.example.com` at 127.0.0.1:9443: the server reset the connection during the TLS handshake; the \
             saved state has no mapping for it either\n\
             fix: run `sslbind doctor` on the same sources: `missing-mapping` gives the command that adds the \
             mapping\n",
            &hash(&a)[..8],
            hash(&a)
        )
    );
    assert_eq!(
        report(&findings, Code::ProbeCertificateExpired),
        format!(
            "error site=- binding=- mapping=0.0.0.0:443 cert={}: `https://a.example.com:443/` without SNI at \
             127.0.0.1:443 was served certificate `old.example.com` ({}), which expired on 2021-01-01, so clients \
             reject it\n\
             fix: renew the certificate, import it into the LocalMachine store, and re-point the mappings that name \
             it to the new thumbprint (elevated)\n  netsh http update sslcert ipport=0.0.0.0:443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}\n",
            &hash(&old)[..8],
            hash(&old)
        )
    );
    assert_eq!(findings.len(), 4);
    assert!(findings.iter().all(|finding| finding.severity == sslbind_core::doctor::Severity::Error));
}

#[test]
fn an_expired_certificate_served_to_several_handshakes_is_one_finding() {
    let old = certificate(&["old.example.com"], (2020, 1, 1), (2021, 1, 1));
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:a.example.com", 1)
        .binding("shop", "https", "*:443:b.example.com", 1)
        .without_mappings()
        .build();
    let planned = requests(&machine, &[], None);
    let results: Vec<ProbeResult> =
        planned.iter().map(|request| result(request, ProbeOutcome::Ok, Some(&old), None)).collect();
    assert_eq!(results.len(), 4);
    let findings = probe_findings(&results, &machine, NOW);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.code, Code::ProbeCertificateExpired);
    assert_eq!(finding.binding.as_deref(), Some("*:443:a.example.com"));
    assert!(finding.message.contains("(and to 3 other handshakes)"), "{}", finding.message);
    assert_eq!(finding.certificate_hash, Some(old.thumbprint));
    let not_yet = certificate(&["new.example.com"], (2027, 1, 1), (2028, 1, 1));
    let results = vec![result(&planned[0], ProbeOutcome::Ok, Some(&not_yet), None)];
    let findings = probe_findings(&results, &machine, NOW);
    assert!(findings[0].message.contains("is not valid until 2027-01-01"), "{}", findings[0].message);
}

#[test]
fn a_run_passes_only_when_every_handshake_was_answered_as_predicted() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .certificate(&a)
        .build();
    let planned = requests(&machine, &[], Some(LOOPBACK));
    let run = |outcomes: [(ProbeOutcome, Option<&Certificate>); 2]| {
        let results: Vec<ProbeResult> = planned
            .iter()
            .zip(outcomes)
            .map(|(request, (outcome, served))| result(request, outcome, served, None))
            .collect();
        let findings = probe_findings(&results, &machine, NOW);
        probe_confirms(&results, &findings)
    };
    // The SNI handshake served as mapped, the no-SNI one reset as the saved state predicts.
    assert!(run([(ProbeOutcome::Ok, Some(&a)), (ProbeOutcome::Reset, None)]));
    assert!(probe_confirms(&[], &[]), "no handshake contradicts nothing");
    for nothing in [ProbeOutcome::Refused, ProbeOutcome::Timeout, ProbeOutcome::Error] {
        assert!(!run([(nothing, None), (nothing, None)]), "every handshake {nothing}");
        assert!(!run([(ProbeOutcome::Ok, Some(&a)), (nothing, None)]), "one handshake {nothing}");
    }
    assert!(!run([(ProbeOutcome::Reset, None), (ProbeOutcome::Reset, None)]), "every handshake reset");
}
