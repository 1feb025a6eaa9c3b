//! `resolve`: URL parsing with its near misses, each verdict and their precedence, the IIS
//! routing order (wildcard hosts, specific IP against `*`), clients without SNI, and the
//! selection order seen through a request.

use std::net::{IpAddr, Ipv4Addr};

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::resolve::{
    AddressMatch, HostMatch, Request, Resolution, Verdict, parse_url, resolve,
};
use sslbind_core::analysis::selection::{CcsFiles, CcsFolder, IpFamily, LocalAddress, UnknownCcsFolder};
use sslbind_core::model::{CertificateStatus, Machine};
use sslbind_core::uncertain::{ROUTING_ORDER, SelectionAssumptions, routing_rank, wildcard_host_matches};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::support::{IIS, MachineBuilder, certificate};

const NOT_BEFORE: (i32, u8, u8) = (2025, 1, 1);
const NOT_AFTER: (i32, u8, u8) = (2045, 1, 1);

fn resolve_on(machine: &Machine, url: &str, ip: Option<&str>, no_sni: bool) -> Resolution {
    resolve_with(machine, url, ip, no_sni, &UnknownCcsFolder)
}

/// When the tests judge certificates: inside `NOT_BEFORE`..`NOT_AFTER`.
fn now() -> OffsetDateTime {
    datetime!(2030-01-01 00:00 UTC)
}

fn resolve_with(
    machine: &Machine,
    url: &str,
    ip: Option<&str>,
    no_sni: bool,
    ccs_files: &dyn CcsFiles,
) -> Resolution {
    resolve_at(machine, url, ip, no_sni, ccs_files, now())
}

fn resolve_at(
    machine: &Machine,
    url: &str,
    ip: Option<&str>,
    no_sni: bool,
    ccs_files: &dyn CcsFiles,
    now: OffsetDateTime,
) -> Resolution {
    let assumptions = SelectionAssumptions::default();
    let analysis = analyze(machine, ccs_files, &assumptions);
    let (host, port) = parse_url(url).expect("a valid URL");
    let local = ip.map(|text| text.parse::<IpAddr>().expect("an address"));
    let request = Request::new(&host, port, local, no_sni);
    resolve(machine, &analysis, &request, ccs_files, &assumptions, now)
}

/// `kind key` of the chosen mapping, or `none`.
fn mapping(machine: &Machine, resolution: &Resolution) -> String {
    resolution.mapping().map_or("none".to_owned(), |position| {
        let key = &machine.mapping(position).key;
        format!("{} {key}", key.kind())
    })
}

/// `site binding` of the routed binding, or `none`.
fn site(machine: &Machine, resolution: &Resolution) -> String {
    resolution.routing.chosen.map_or("none".to_owned(), |binding_ref| {
        let site = &machine.configs[binding_ref.config].sites[binding_ref.site];
        format!("{} {}", site.name, site.bindings[binding_ref.binding].information)
    })
}

/// The keys tried, as `key+` (found) or `key-`.
fn steps(resolution: &Resolution) -> Vec<String> {
    resolution
        .selection
        .steps
        .iter()
        .map(|step| format!("{}{}", step.tried, if step.found { "+" } else { "-" }))
        .collect()
}

#[test]
fn urls_parse_into_host_and_port_and_near_misses_are_refused() {
    let good = [
        ("https://www.example.com/", "www.example.com", 443),
        ("https://www.example.com", "www.example.com", 443),
        ("HTTPS://WWW.Example.COM:8443/path?query#fragment", "www.example.com", 8443),
        ("https://example.com./", "example.com", 443),
        ("https://example.com:/", "example.com", 443),
        ("https://example.com?x=1", "example.com", 443),
        ("https://10.0.0.5:4431/", "10.0.0.5", 4431),
        ("https://[2001:DB8:0::1]:8443/", "2001:db8::1", 8443),
        ("https://[::1]", "::1", 443),
        ("https://xn--bcher-kva.example/", "xn--bcher-kva.example", 443),
        ("https://_dmarc.example.com/", "_dmarc.example.com", 443),
        ("  https://lextudio.com:4431/  ", "lextudio.com", 4431),
        ("https://example.com:65535/", "example.com", 65535),
    ];
    for (url, host, port) in good {
        assert_eq!(parse_url(url), Ok((host.to_owned(), port)), "{url}");
    }
    let bad = [
        ("http://example.com/", "TLS"),
        ("HTTP://example.com/", "TLS"),
        ("example.com", "not a URL"),
        ("example.com:443", "not a URL"),
        ("ftp://example.com/", "scheme"),
        ("https://", "no host"),
        ("https:///path", "no host"),
        ("https://:443/", "no host"),
        ("https://user:secret@example.com:4431/", "user information"),
        ("https://example.com:0/", "port"),
        ("https://example.com:65536/", "port"),
        ("https://example.com:+443/", "port"),
        ("https://example.com:44a/", "port"),
        ("https://example.com:443:1/", "port"),
        ("https://[2001:db8::1/", "closed"),
        ("https://[2001:db8::1]x/", "unexpected"),
        ("https://[example.com]/", "IPv6"),
        ("https://ex ample.com/", "cannot appear"),
        ("https://*.example.com/", "cannot appear"),
        ("https://bücher.example/", "xn--"),
        ("https://a..example.com/", "empty label"),
        ("https://example.com../", "empty label"),
        ("https://.example.com/", "empty label"),
    ];
    for (url, reason) in bad {
        let error = parse_url(url).expect_err(url);
        assert!(error.contains(reason), "{url}: {error}");
    }
}

#[test]
fn a_request_reaches_an_unassigned_address_and_sends_sni_unless_told_otherwise() {
    let request = Request::new("www.example.com", 443, None, false);
    assert_eq!(request.local, LocalAddress::Unassigned(IpFamily::V4));
    assert_eq!(request.sni(), Some("www.example.com"));

    let request = Request::new("www.example.com", 443, Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5))), true);
    assert_eq!(request.local, LocalAddress::Ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5))));
    assert_eq!(request.sni(), None);

    // An IP-literal host is the local address and is never sent as SNI (RFC 6066 §3).
    let request = Request::new("10.0.0.5", 443, None, false);
    assert_eq!(request.local, LocalAddress::Ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5))));
    assert_eq!(request.sni(), None);
    let request = Request::new("2001:db8::1", 443, None, false);
    assert_eq!(request.local, LocalAddress::Ip("2001:db8::1".parse().expect("an address")));
    assert_eq!(request.sni(), None);
}

#[test]
fn served_when_the_mapping_covers_the_host_and_a_binding_takes_it() {
    let cert = certificate(&["a.example.com"], NOT_BEFORE, NOT_AFTER);
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &cert)
        .certificate(&cert)
        .build();
    let resolution = resolve_on(&machine, "https://A.example.com/", None, false);
    assert_eq!(resolution.verdict, Verdict::Served);
    assert_eq!(mapping(&machine, &resolution), "sni a.example.com:443");
    assert_eq!(resolution.certificate_hash, Some(cert.thumbprint));
    assert_eq!(resolution.certificate.map(|id| id.index()), Some(0));
    assert_eq!(resolution.certificate_covers_host, Some(true));
    assert_eq!(site(&machine, &resolution), "a *:443:a.example.com");
    assert_eq!(steps(&resolution), ["a.example.com:443+"]);
    assert!(resolution.uncertain.is_empty(), "{:?}", resolution.uncertain);
}

#[test]
fn wrong_certificate_when_the_mapping_does_not_cover_the_host_even_without_a_site() {
    let cert = certificate(&["a.example.com"], NOT_BEFORE, NOT_AFTER);
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:443:b.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &cert)
        .certificate(&cert)
        .build();
    let resolution = resolve_on(&machine, "https://b.example.com/", None, false);
    assert_eq!(resolution.verdict, Verdict::WrongCertificate);
    assert_eq!(resolution.certificate_covers_host, Some(false));
    assert_eq!(site(&machine, &resolution), "b *:443:b.example.com");

    // Also without a site: the client refuses the certificate before it sends the request.
    let resolution = resolve_on(&machine, "https://c.example.com/", None, false);
    assert_eq!(resolution.routing.chosen, None);
    assert_eq!(resolution.verdict, Verdict::WrongCertificate);

    // The near miss: the covered host is served.
    assert_eq!(resolve_on(&machine, "https://a.example.com/", None, false).verdict, Verdict::Served);
}

#[test]
fn reset_when_no_mapping_answers_whatever_the_routing() {
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .build();
    let resolution = resolve_on(&machine, "https://b.example.com/", None, false);
    assert_eq!(resolution.verdict, Verdict::Reset);
    assert_eq!(mapping(&machine, &resolution), "none");
    assert_eq!(resolution.certificate_hash, None);
    assert_eq!(resolution.certificate_covers_host, None);
    assert_eq!(
        steps(&resolution),
        ["b.example.com:443-", "b.example.com:443-", "*.example.com:443-", "443-", "0.0.0.0:443-"]
    );

    // A binding that takes the host does not help: no handshake, no request.
    let resolution = resolve_on(&machine, "https://a.example.com/", None, true);
    assert_eq!(site(&machine, &resolution), "a *:443:a.example.com");
    assert_eq!(resolution.verdict, Verdict::Reset);
}

#[test]
fn no_site_when_the_handshake_succeeds_but_no_binding_takes_the_host() {
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("plain", "http", "*:80:", 0)
        .binding("other", "https", "*:8443:", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .build();
    let resolution = resolve_on(&machine, "https://b.example.com/", None, false);
    assert_eq!(resolution.verdict, Verdict::NoSite);
    assert_eq!(resolution.certificate_covers_host, None, "the certificate was not given");
    // Only https bindings on the port are weighed.
    assert_eq!(resolution.routing.steps.len(), 1);
    assert_eq!(resolution.routing.steps[0].note.as_deref(), Some("host a.example.com is not b.example.com"));

    // An unknown certificate does not stop a request from being served.
    assert_eq!(resolve_on(&machine, "https://a.example.com/", None, false).verdict, Verdict::Served);
}

#[test]
fn an_expired_or_not_yet_valid_certificate_is_its_own_verdict() {
    let cert = certificate(&["a.example.com"], (2025, 1, 1), (2026, 1, 10));
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &cert)
        .certificate(&cert)
        .build();
    let at = |now: OffsetDateTime| {
        resolve_at(&machine, "https://a.example.com/", None, false, &UnknownCcsFolder, now)
    };

    let expired = at(datetime!(2026-06-01 00:00 UTC));
    assert_eq!(expired.verdict, Verdict::CertificateExpired);
    assert_eq!(expired.verdict.as_str(), "certificate-expired");
    assert_eq!(expired.certificate_status, Some(CertificateStatus::Expired));
    assert_eq!(site(&machine, &expired), "a *:443:a.example.com", "the rest is resolved as usual");
    assert_eq!(expired.certificate_covers_host, Some(true));

    let early = at(datetime!(2024-12-31 23:59:59 UTC));
    assert_eq!(early.verdict, Verdict::CertificateNotYetValid);
    assert_eq!(early.verdict.as_str(), "certificate-not-yet-valid");

    // The near misses: the last second of validity, and the first, are served.
    let last = at(datetime!(2026-01-10 00:00 UTC));
    assert_eq!(last.verdict, Verdict::Served);
    assert_eq!(last.certificate_status, Some(CertificateStatus::Valid));
    assert_eq!(at(datetime!(2026-01-10 00:00:01 UTC)).verdict, Verdict::CertificateExpired);
    let first = at(datetime!(2025-01-01 00:00 UTC));
    assert_eq!(first.verdict, Verdict::Served);
    assert_eq!(first.certificate_status, Some(CertificateStatus::Valid), "resolve has no warning window");
}

#[test]
fn reset_wrong_certificate_and_no_site_come_before_expiry() {
    let cert = certificate(&["a.example.com"], (2025, 1, 1), (2026, 1, 10));
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:443:b.example.com", 0)
        .binding("c", "https", "*:8443:c.example.com", 1)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &cert)
        .certificate(&cert)
        .build();
    let late = datetime!(2026-06-01 00:00 UTC);
    let at = |url: &str| resolve_at(&machine, url, None, false, &UnknownCcsFolder, late);
    assert_eq!(at("https://b.example.com/").verdict, Verdict::WrongCertificate);
    assert_eq!(at("https://c.example.com:8443/").verdict, Verdict::Reset);
    // The certificate covers a.example.com on every address, but no binding takes 10.0.0.9.
    let machine_ip = MachineBuilder::new()
        .binding("a", "https", "10.0.0.5:443:a.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &cert)
        .certificate(&cert)
        .build();
    let no_site =
        resolve_at(&machine_ip, "https://a.example.com/", Some("10.0.0.9"), false, &UnknownCcsFolder, late);
    assert_eq!(no_site.verdict, Verdict::NoSite);
    assert_eq!(no_site.certificate_status, Some(CertificateStatus::Expired));
    // The near miss: with a site, the expiry decides.
    assert_eq!(at("https://a.example.com/").verdict, Verdict::CertificateExpired);
}

#[test]
fn an_unknown_certificate_is_not_judged_by_its_dates() {
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .build();
    let resolution = resolve_at(
        &machine,
        "https://a.example.com/",
        None,
        false,
        &UnknownCcsFolder,
        datetime!(2099-01-01 00:00 UTC),
    );
    assert_eq!(resolution.certificate_status, None);
    assert_eq!(resolution.verdict, Verdict::Served);
}

#[test]
fn a_wildcard_host_takes_one_label_between_the_exact_host_and_any_host() {
    let machine = MachineBuilder::new()
        .binding("any", "https", "*:443:", 0)
        .binding("wild", "https", "*:443:*.example.com", 0)
        .binding("www", "https", "*:443:www.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .build();
    let cases = [
        ("https://a.example.com/", "wild *:443:*.example.com"),
        ("https://WWW.example.com/", "www *:443:www.example.com"),
        ("https://a.b.example.com/", "any *:443:"),
        ("https://example.com/", "any *:443:"),
        ("https://a.example.org/", "any *:443:"),
    ];
    for (url, expected) in cases {
        let resolution = resolve_on(&machine, url, None, false);
        assert_eq!(site(&machine, &resolution), expected, "{url}");
        assert_eq!(resolution.verdict, Verdict::Served, "{url}");
    }
    let resolution = resolve_on(&machine, "https://a.example.com/", None, false);
    let ranks: Vec<Option<usize>> = resolution.routing.steps.iter().map(|step| step.rank).collect();
    assert_eq!(ranks, [Some(6), Some(4), None]);
    assert!(
        resolution.uncertain.iter().any(|note| note.contains("docs/httpsys.md#site-routing")),
        "{:?}",
        resolution.uncertain
    );
    assert!(
        resolution.uncertain.iter().any(|note| note.contains("wildcard host")),
        "{:?}",
        resolution.uncertain
    );
    assert_eq!(
        resolution.routing.steps[0].note.as_deref(),
        Some("matches, but wild *:443:*.example.com ranks higher")
    );
}

#[test]
fn a_specific_ip_binding_beats_all_unassigned_only_for_its_own_address() {
    let machine = MachineBuilder::new()
        .binding("any", "https", "*:443:", 0)
        .binding("ip", "https", "10.0.0.5:443:", 0)
        .binding("named", "https", "*:443:a.example.com", 0)
        .binding("ip-wild", "https", "10.0.0.6:443:*.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .build();
    let cases = [
        ("https://b.example.com/", None, "any *:443:"),
        ("https://b.example.com/", Some("10.0.0.5"), "ip 10.0.0.5:443:"),
        ("https://b.example.com/", Some("10.0.0.7"), "any *:443:"),
        ("https://10.0.0.5/", None, "ip 10.0.0.5:443:"),
        // `*` with the exact host beats a specific IP with any host (docs/httpsys.md#site-routing: 3 before 5)…
        ("https://a.example.com/", Some("10.0.0.5"), "named *:443:a.example.com"),
        // …but a specific IP with a wildcard host beats `*` with the exact host (2 before 3).
        ("https://a.example.com/", Some("10.0.0.6"), "ip-wild 10.0.0.6:443:*.example.com"),
        ("https://b.example.com/", Some("10.0.0.6"), "ip-wild 10.0.0.6:443:*.example.com"),
    ];
    for (url, ip, expected) in cases {
        let resolution = resolve_on(&machine, url, ip, false);
        assert_eq!(site(&machine, &resolution), expected, "{url} --ip {ip:?}");
    }
    let resolution = resolve_on(&machine, "https://b.example.com/", None, false);
    let ip_step = &resolution.routing.steps[1];
    assert_eq!(ip_step.matched, None);
    assert_eq!(
        ip_step.note.as_deref(),
        Some("address 10.0.0.5 is not the local address (an unassigned address)")
    );
}

#[test]
fn routing_order_is_the_documented_table() {
    use AddressMatch::{AllUnassigned, Specific};
    use HostMatch::{Any, Exact, Wildcard};
    let ranks: Vec<usize> = [
        (Specific, Exact),
        (Specific, Wildcard),
        (AllUnassigned, Exact),
        (AllUnassigned, Wildcard),
        (Specific, Any),
        (AllUnassigned, Any),
    ]
    .into_iter()
    .map(|(address, host)| routing_rank(address, host))
    .collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    assert_eq!(ROUTING_ORDER.len(), 6);
    assert!(wildcard_host_matches("*.example.com", "A.Example.com"));
    for (pattern, host) in [
        ("*.example.com", "a.b.example.com"),
        ("*.example.com", "example.com"),
        ("*.example.com", ".example.com"),
        ("www.example.com", "www.example.com"),
        ("*.", "a."),
        ("*.*.com", "a.b.com"),
    ] {
        assert!(!wildcard_host_matches(pattern, host), "{pattern} {host}");
    }
}

#[test]
fn without_sni_only_ip_mappings_apply() {
    let sni_cert = certificate(&["lextudio.com"], NOT_BEFORE, NOT_AFTER);
    let fallback = certificate(&["localhost"], NOT_BEFORE, NOT_AFTER);
    let machine = MachineBuilder::new()
        .binding("php", "https", "*:4431:localhost", 0)
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .mapping_of("Hostname:port", "lextudio.com:4431", IIS, &sni_cert)
        .mapping_of("IP:port", "0.0.0.0:4431", IIS, &fallback)
        .certificate(&sni_cert)
        .certificate(&fallback)
        .build();
    let resolution = resolve_on(&machine, "https://lextudio.com:4431/", None, false);
    assert_eq!(mapping(&machine, &resolution), "sni lextudio.com:4431");
    assert_eq!(resolution.verdict, Verdict::Served);

    let resolution = resolve_on(&machine, "https://lextudio.com:4431/", None, true);
    assert_eq!(resolution.connection.sni, None);
    assert_eq!(steps(&resolution), ["0.0.0.0:4431+"]);
    assert_eq!(mapping(&machine, &resolution), "ip 0.0.0.0:4431");
    assert_eq!(resolution.certificate_covers_host, Some(false));
    assert_eq!(resolution.verdict, Verdict::WrongCertificate);
    assert_eq!(site(&machine, &resolution), "php *:4431:lextudio.com", "routing uses the Host header");

    let resolution = resolve_on(&machine, "https://localhost:4431/", None, true);
    assert_eq!(resolution.verdict, Verdict::Served);
}

#[test]
fn a_specific_ip_mapping_answers_before_sni_and_says_it_is_an_assumption() {
    let machine = MachineBuilder::new()
        .binding("ip", "https", "10.0.0.5:443:", 0)
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("IP:port", "10.0.0.5:443", IIS)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .build();
    let resolution = resolve_on(&machine, "https://a.example.com/", Some("10.0.0.5"), false);
    assert_eq!(mapping(&machine, &resolution), "ip 10.0.0.5:443");
    assert_eq!(steps(&resolution), ["10.0.0.5:443+"]);
    assert!(
        resolution.uncertain.iter().any(|note| note.contains("a.example.com:443 would answer")),
        "{:?}",
        resolution.uncertain
    );
    let resolution = resolve_on(&machine, "https://a.example.com/", None, false);
    assert_eq!(mapping(&machine, &resolution), "sni a.example.com:443");
    assert!(resolution.uncertain.is_empty(), "{:?}", resolution.uncertain);
}

#[test]
fn a_ccs_mapping_covers_the_host_only_when_the_folder_has_its_file() {
    let machine = MachineBuilder::new()
        .binding("shop", "https", "*:443:shop.example.com", 3)
        .mapping("Central Certificate Store", "443", IIS)
        .build();
    let resolution = resolve_on(&machine, "https://shop.example.com/", None, false);
    assert_eq!(mapping(&machine, &resolution), "ccs 443");
    assert_eq!(resolution.certificate_hash, None);
    assert_eq!(resolution.certificate_covers_host, None, "no folder given");
    assert_eq!(resolution.verdict, Verdict::Served);

    let folder = CcsFolder::new(["_.example.com.pfx".to_owned()]);
    let resolution = resolve_with(&machine, "https://shop.example.com/", None, false, &folder);
    assert_eq!(resolution.certificate_covers_host, Some(true));
    assert_eq!(resolution.verdict, Verdict::Served);

    let folder = CcsFolder::new(["other.example.org.pfx".to_owned()]);
    let resolution = resolve_with(&machine, "https://shop.example.com/", None, false, &folder);
    assert_eq!(resolution.verdict, Verdict::Reset, "no file, no wildcard IP mapping");
}
