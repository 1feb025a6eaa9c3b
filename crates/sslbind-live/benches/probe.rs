//! How much the probe's worker pool buys: 64 TLS handshakes against an in-process rustls
//! server on 127.0.0.1, made one at a time (`--concurrency 1`) and eight at a time (the
//! default), in the same run, printing both times and their ratio. Twice: against the
//! server as it is (loopback: the handshakes' CPU work is all there is to overlap) and with
//! the server answering each ClientHello 10 ms late, as a server one network round trip away
//! does (the waiting is what the pool overlaps).
//!
//! A plain `main` rather than a harness: the question is one ratio, not a statistical model,
//! and it must run in seconds. Run it with `cargo bench -p sslbind-live --bench probe`;
//! `docs/performance.md` records the numbers.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use sslbind_core::analysis::probe::{Expected, ProbeOutcome, ProbeRequest};
use sslbind_core::model::MappingId;
use sslbind_live::probe::{ProbeOptions, probe_all};
use sslbind_live::testing::tls_server::{Identity, Server, TlsSettings, identity};

/// Handshakes per measurement.
const PROBES: usize = 64;
/// Measurements per concurrency; the median and the fastest are reported.
const ROUNDS: usize = 7;

/// The simulated network round trip of the second scenario.
const ROUND_TRIP: Duration = Duration::from_millis(10);

fn main() {
    println!(
        "probe: {PROBES} handshakes on 127.0.0.1, {ROUNDS} rounds each, {} CPUs",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    scenario("loopback", None);
    scenario("10 ms round trip", Some(ROUND_TRIP));
}

/// Measures both concurrencies against one server that answers after `delay`.
fn scenario(label: &str, delay: Option<Duration>) {
    let names: Vec<String> = (0..PROBES).map(|n| format!("site{n}.example.test")).collect();
    let identities: Vec<_> = names.iter().map(|name| identity(&[name])).collect();
    let by_name: Vec<(&str, &Identity)> = names.iter().map(String::as_str).zip(identities.iter()).collect();
    let mut settings = TlsSettings::new(&by_name, identities.first());
    settings.delay = delay;
    let server = Server::tls(settings);
    let requests: Vec<ProbeRequest> = names
        .iter()
        .zip(&identities)
        .map(|(name, identity)| ProbeRequest {
            target: format!("https://{name}:{}/", server.port()),
            host: name.clone(),
            port: server.port(),
            address: Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            sni: Some(name.clone()),
            binding: None,
            expected: Some(Expected {
                mapping: Some(MappingId::from_index(0)),
                hash: Some(identity.thumbprint),
            }),
            primary: true,
        })
        .collect();

    // The median and the fastest round.
    let measure = |concurrency: usize| -> (Duration, Duration) {
        let options = ProbeOptions { timeout: Duration::from_secs(5), concurrency };
        let mut times: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                let results = probe_all(&requests, &options, &mut |_, _| {});
                let elapsed = started.elapsed();
                assert!(
                    results.iter().all(|result| result.outcome == ProbeOutcome::Ok),
                    "every handshake succeeds: {:?}",
                    results.iter().find(|result| result.outcome != ProbeOutcome::Ok)
                );
                elapsed
            })
            .collect();
        times.sort();
        (times[ROUNDS / 2], times[0])
    };

    // One untimed round warms up the server and the allocator.
    let _ = probe_all(
        &requests,
        &ProbeOptions { timeout: Duration::from_secs(5), concurrency: 8 },
        &mut |_, _| {},
    );
    let sequential = measure(1);
    let concurrent = measure(8);
    let ms = |time: Duration| time.as_secs_f64() * 1000.0;
    println!("{label}:");
    for (label, (median, fastest)) in [("concurrency 1", sequential), ("concurrency 8", concurrent)] {
        println!(
            "  {label}: median {:>7.1} ms ({:.2} ms per handshake), fastest {:>7.1} ms",
            ms(median),
            ms(median) / PROBES as f64,
            ms(fastest)
        );
    }
    println!(
        "  speed-up (median): {:.2}x, (fastest): {:.2}x",
        ms(sequential.0) / ms(concurrent.0),
        ms(sequential.1) / ms(concurrent.1)
    );
}
