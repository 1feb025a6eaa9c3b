//! The TLS probe against real servers in this process, on 127.0.0.1 only: every outcome
//! (ok, mismatch, reset, timeout, alert, refused), SNI and no-SNI certificate choice, TLS
//! version and ALPN, the worker pool's ordering, and a machine planned and probed end to end.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sslbind_core::analysis::probe::{
    Expected, PlanOptions, ProbeOutcome, ProbeRequest, ProbeResult, parse_target, plan,
};
use sslbind_core::analysis::{analyze, selection::UnknownCcsFolder};
use sslbind_core::doctor::Code;
use sslbind_core::doctor::probe::probe_findings;
use sslbind_core::model::{Machine, MappingId, Thumbprint};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_core::{httpsys, iis};
use sslbind_live::probe::{ProbeOptions, probe, probe_all};

use sslbind_live::testing::tls_server::{
    Behaviour, Server, TlsSettings, closed_port, identity, identity_valid, silent_listener,
};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn options() -> ProbeOptions {
    ProbeOptions { timeout: Duration::from_secs(5), concurrency: 4 }
}

/// A handshake to 127.0.0.1:`port` sending `sni`, expecting `expected` (when `Some`).
fn request(port: u16, sni: Option<&str>, expected: Option<Thumbprint>) -> ProbeRequest {
    ProbeRequest {
        target: format!("https://{}:{port}/", sni.unwrap_or("127.0.0.1")),
        host: sni.unwrap_or("127.0.0.1").to_owned(),
        port,
        address: Some(LOCALHOST),
        sni: sni.map(str::to_owned),
        binding: None,
        expected: expected.map(|hash| Expected { mapping: Some(MappingId::from_index(0)), hash: Some(hash) }),
        primary: true,
    }
}

fn served(result: &ProbeResult) -> Option<Thumbprint> {
    result.served_hash()
}

#[test]
fn the_expected_certificate_is_ok_with_version_alpn_and_chain() {
    let a = identity(&["a.example.test"]);
    let server = Server::tls(TlsSettings::new(&[("a.example.test", &a)], None));
    let result = probe(&request(server.port(), Some("a.example.test"), Some(a.thumbprint)), &options());
    assert_eq!(result.outcome, ProbeOutcome::Ok, "{result:?}");
    assert_eq!(served(&result), Some(a.thumbprint));
    assert_eq!(result.chain, vec![a.thumbprint]);
    assert_eq!(result.address, Some(server.address));
    assert_eq!(result.tls_version.as_deref(), Some("TLSv1.3"));
    assert_eq!(result.alpn.as_deref(), Some("h2"));
    assert_eq!(result.detail, None);
    let certificate = result.served.as_ref().expect("the leaf is parsed");
    assert_eq!(certificate.dns_names, vec!["a.example.test".to_owned()]);
}

#[test]
fn another_certificate_than_expected_is_a_mismatch() {
    let a = identity(&["a.example.test"]);
    let b = identity(&["b.example.test"]);
    let server = Server::tls(TlsSettings::new(&[("a.example.test", &a)], None));
    let result = probe(&request(server.port(), Some("a.example.test"), Some(b.thumbprint)), &options());
    assert_eq!(result.outcome, ProbeOutcome::Mismatch, "{result:?}");
    assert_eq!(served(&result), Some(a.thumbprint));
}

#[test]
fn nothing_expected_is_ok_whatever_is_served() {
    let a = identity(&["a.example.test"]);
    let server = Server::tls(TlsSettings::new(&[("a.example.test", &a)], None));
    let result = probe(&request(server.port(), Some("a.example.test"), None), &options());
    assert_eq!(result.outcome, ProbeOutcome::Ok, "{result:?}");
}

#[test]
fn sni_picks_the_certificate_and_no_sni_gets_the_default() {
    let a = identity(&["a.example.test"]);
    let b = identity(&["b.example.test"]);
    let fallback = identity(&["fallback.example.test"]);
    let server =
        Server::tls(TlsSettings::new(&[("a.example.test", &a), ("b.example.test", &b)], Some(&fallback)));
    let requests = vec![
        request(server.port(), Some("a.example.test"), Some(a.thumbprint)),
        request(server.port(), Some("b.example.test"), Some(b.thumbprint)),
        request(server.port(), None, Some(fallback.thumbprint)),
        request(server.port(), Some("unknown.example.test"), None),
    ];
    let results = probe_all(&requests, &options(), &mut |_, _| {});
    let served: Vec<Option<Thumbprint>> = results.iter().map(served).collect();
    assert_eq!(
        served,
        vec![Some(a.thumbprint), Some(b.thumbprint), Some(fallback.thumbprint), Some(fallback.thumbprint)]
    );
    assert!(results.iter().all(|result| result.outcome == ProbeOutcome::Ok), "{results:#?}");
    assert_eq!(results[2].request.sni, None);
}

#[test]
fn a_server_that_hangs_up_after_accepting_is_a_reset() {
    let server = Server::start(Behaviour::CloseAfterAccept);
    let result = probe(&request(server.port(), Some("a.example.test"), None), &options());
    assert_eq!(result.outcome, ProbeOutcome::Reset, "{result:?}");
    assert_eq!(result.served, None);
    assert!(result.detail.is_some());
}

#[test]
fn a_listener_that_never_answers_times_out_within_the_timeout() {
    let listener = silent_listener();
    let port = listener.local_addr().expect("an address").port();
    let short = ProbeOptions { timeout: Duration::from_millis(300), concurrency: 1 };
    let started = Instant::now();
    let result = probe(&request(port, Some("a.example.test"), None), &short);
    let elapsed = started.elapsed();
    assert_eq!(result.outcome, ProbeOutcome::Timeout, "{result:?}");
    assert!(elapsed >= Duration::from_millis(250), "waited {elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "waited {elapsed:?}");
    drop(listener);
}

#[test]
fn a_closed_port_is_refused() {
    let address = closed_port();
    let result = probe(&request(address.port(), Some("a.example.test"), None), &options());
    assert_eq!(result.outcome, ProbeOutcome::Refused, "{result:?}");
    assert_eq!(result.address, Some(address));
}

#[test]
fn an_unknown_name_answered_with_an_alert_is_an_alert() {
    let a = identity(&["a.example.test"]);
    let mut settings = TlsSettings::new(&[("a.example.test", &a)], Some(&a));
    settings.strict = true;
    let server = Server::tls(settings);
    let unknown = probe(&request(server.port(), Some("nobody.example.test"), None), &options());
    assert_eq!(unknown.outcome, ProbeOutcome::Alert, "{unknown:?}");
    assert_eq!(unknown.detail.as_deref(), Some("unrecognized_name"));
    let known = probe(&request(server.port(), Some("a.example.test"), Some(a.thumbprint)), &options());
    assert_eq!(known.outcome, ProbeOutcome::Ok, "{known:?}");
}

#[test]
fn tls12_only_servers_and_servers_without_alpn_are_reported_as_such() {
    let a = identity(&["a.example.test"]);
    let mut settings = TlsSettings::new(&[("a.example.test", &a)], None);
    settings.tls12_only = true;
    settings.alpn = Vec::new();
    let server = Server::tls(settings);
    let result = probe(&request(server.port(), Some("a.example.test"), Some(a.thumbprint)), &options());
    assert_eq!(result.outcome, ProbeOutcome::Ok, "{result:?}");
    assert_eq!(result.tls_version.as_deref(), Some("TLSv1.2"));
    assert_eq!(result.alpn, None);

    let mut http1 = TlsSettings::new(&[("a.example.test", &a)], None);
    http1.alpn = vec!["http/1.1".to_owned()];
    let server = Server::tls(http1);
    let result = probe(&request(server.port(), Some("a.example.test"), None), &options());
    assert_eq!(result.alpn.as_deref(), Some("http/1.1"));
}

#[test]
fn a_host_name_is_resolved_when_no_address_is_given() {
    // `localhost` resolves from the hosts file: no name server is asked.
    let a = identity(&["localhost"]);
    let server = Server::tls(TlsSettings::new(&[("localhost", &a)], None));
    let mut by_name = request(server.port(), Some("localhost"), Some(a.thumbprint));
    by_name.address = None;
    let result = probe(&by_name, &options());
    assert_eq!(result.outcome, ProbeOutcome::Ok, "{result:?}");
    assert_eq!(result.address.map(|address| address.ip()), Some(LOCALHOST));
}

#[test]
fn the_pool_keeps_the_order_and_reports_progress_for_every_handshake() {
    let identities: Vec<_> = (0..6).map(|n| identity(&[&format!("s{n}.example.test")])).collect();
    let servers: Vec<Server> = identities
        .iter()
        .enumerate()
        .map(|(n, id)| Server::tls(TlsSettings::new(&[(&format!("s{n}.example.test"), id)], Some(id))))
        .collect();
    let closed = closed_port();
    let mut requests: Vec<ProbeRequest> = servers
        .iter()
        .zip(&identities)
        .enumerate()
        .map(|(n, (server, id))| {
            request(server.port(), Some(&format!("s{n}.example.test")), Some(id.thumbprint))
        })
        .collect();
    requests.insert(3, request(closed.port(), None, None));
    let mut calls = Vec::new();
    let results = probe_all(
        &requests,
        &ProbeOptions { timeout: Duration::from_secs(5), concurrency: 3 },
        &mut |done, total| {
            calls.push((done, total));
        },
    );
    assert_eq!(results.len(), requests.len());
    for (result, wanted) in results.iter().zip(&requests) {
        assert_eq!(&result.request, wanted);
    }
    assert_eq!(results[3].outcome, ProbeOutcome::Refused);
    assert!(results.iter().enumerate().all(|(n, result)| n == 3 || result.outcome == ProbeOutcome::Ok));
    assert_eq!(calls, (1..=7).map(|done| (done, 7)).collect::<Vec<_>>());
    assert!(probe_all(&[], &options(), &mut |_, _| {}).is_empty());
}

/// A machine read from real config and netsh text, with `*:PORT:` bindings for `a` and `b`
/// (SNI), `c` (SNI, deliberately mapped to a's certificate, unknown to the server) and a
/// fallback mapping for clients without SNI.
fn machine(port: u16, a: &Thumbprint, b: &Thumbprint, fallback: &Thumbprint) -> Machine {
    let config = format!(
        "<configuration><system.applicationHost><sites>\
         <site name=\"shop\" id=\"1\"><bindings>\
         <binding protocol=\"https\" bindingInformation=\"*:{port}:a.example.test\" sslFlags=\"1\" />\
         <binding protocol=\"https\" bindingInformation=\"*:{port}:b.example.test\" sslFlags=\"1\" />\
         <binding protocol=\"https\" bindingInformation=\"*:{port}:c.example.test\" sslFlags=\"1\" />\
         </bindings></site></sites></system.applicationHost></configuration>"
    );
    let record = |label: &str, key: &str, hash: &Thumbprint| {
        format!(
            "    {label:<28} : {key}\n    Certificate Hash             : {}\n    \
             Application ID               : {{4dc3e181-e14b-4a21-b022-59fc669b0914}}\n    \
             Certificate Store Name       : My\n\n",
            hash.to_string().to_ascii_lowercase()
        )
    };
    let netsh = format!(
        "SSL Certificate bindings:\n-------------------------\n\n{}{}{}{}",
        record("Hostname:port", &format!("a.example.test:{port}"), a),
        record("Hostname:port", &format!("b.example.test:{port}"), b),
        record("Hostname:port", &format!("c.example.test:{port}"), a),
        record("IP:port", &format!("0.0.0.0:{port}"), fallback),
    );
    let config = iis::read_config(&Arc::from("applicationHost.config"), config.as_bytes(), None)
        .expect("the config reads")
        .config;
    let netsh =
        httpsys::read_netsh(&Arc::from("sslcert.txt"), netsh.as_bytes()).expect("the netsh text reads");
    assert_eq!(netsh.mappings.len(), 4, "{:?}", netsh.warnings);
    Machine { configs: vec![config], mappings: netsh.mappings, mappings_known: true, ..Machine::default() }
}

#[test]
fn a_machine_is_planned_probed_and_judged_end_to_end() {
    let a = identity(&["a.example.test"]);
    let b = identity(&["b.example.test"]);
    let fallback = identity_valid(&["fallback.example.test"], (2020, 1, 1), (2021, 1, 1));
    let server =
        Server::tls(TlsSettings::new(&[("a.example.test", &a), ("b.example.test", &b)], Some(&fallback)));
    let machine = machine(server.port(), &a.thumbprint, &b.thumbprint, &fallback.thumbprint);
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let assumptions = SelectionAssumptions::default();
    let plan_options =
        PlanOptions { connect: Some(LOCALHOST), ccs_files: &UnknownCcsFolder, assumptions: &assumptions };
    let requests = plan(&machine, &analysis, &[], &plan_options);
    // Three SNI handshakes and one shared no-SNI handshake (identical for the three bindings).
    let shape: Vec<(Option<&str>, Option<&str>)> = requests
        .iter()
        .map(|request| {
            (request.sni.as_deref(), request.binding.as_ref().map(|binding| binding.information.as_str()))
        })
        .collect();
    let port = server.port();
    assert_eq!(
        shape,
        vec![
            (Some("a.example.test"), Some(format!("*:{port}:a.example.test").as_str())),
            (None, Some(format!("*:{port}:a.example.test").as_str())),
            (Some("b.example.test"), Some(format!("*:{port}:b.example.test").as_str())),
            (Some("c.example.test"), Some(format!("*:{port}:c.example.test").as_str())),
        ]
    );
    let results = probe_all(&requests, &options(), &mut |_, _| {});
    let outcomes: Vec<ProbeOutcome> = results.iter().map(|result| result.outcome).collect();
    assert_eq!(outcomes, vec![ProbeOutcome::Ok, ProbeOutcome::Ok, ProbeOutcome::Ok, ProbeOutcome::Mismatch]);
    assert_eq!(served(&results[3]), Some(fallback.thumbprint));
    assert_eq!(results[3].request.expected_hash(), Some(a.thumbprint));

    // Judged at the start of a's validity (2025): the fallback certificate (2020-2021) expired.
    let now = results[0].served.as_ref().expect("a was served").not_before;
    let findings = probe_findings(&results, &machine, now);
    let codes: Vec<(Code, Option<&str>)> =
        findings.iter().map(|finding| (finding.code, finding.binding.as_deref())).collect();
    let c_binding = format!("*:{port}:c.example.test");
    assert_eq!(
        codes,
        vec![
            (Code::ProbeCertificateMismatch, Some(c_binding.as_str())),
            (Code::ProbeCertificateExpired, Some(c_binding.as_str())),
        ]
    );
    assert!(findings[1].message.contains("(and to 1 other handshake)"), "{}", findings[1].message);

    // An explicit target is compared with the binding that serves it.
    let target = parse_target(&format!("https://b.example.test:{port}/")).expect("a target");
    let requests = plan(&machine, &analysis, &[target], &plan_options);
    assert_eq!(requests.len(), 2);
    let results = probe_all(&requests, &options(), &mut |_, _| {});
    assert_eq!(served(&results[0]), Some(b.thumbprint));
    assert_eq!(results[0].outcome, ProbeOutcome::Ok);
    assert_eq!(results[1].request.sni, None);
    assert_eq!(results[1].request.expected_hash(), Some(fallback.thumbprint));
    assert_eq!(results[1].outcome, ProbeOutcome::Ok);
}
