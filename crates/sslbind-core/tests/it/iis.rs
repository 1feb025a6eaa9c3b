//! Tests of the iis area through sslbind-core's public API: the `bindingInformation` grammar,
//! reading sites and bindings out of applicationHost.config in every encoding and shape real
//! files come in, the errors for what cannot be read, and (in the `corpus` suite) the shared
//! corpus of real configs checked against rows written out by hand.

// The corpus tests and their helpers are compiled only in the `corpus` suite.
#![cfg_attr(not(feature = "corpus"), allow(dead_code, unused_imports, unused_mut))]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use proptest::prelude::*;

use crate::support::TextPosition;
use sslbind_core::iis::{
    ConfigRead, detect_flavor, invalid_binding_errors, parse_binding_information, read_config,
};
use sslbind_core::model::{BindingAddress, BindingEndpoint, ConfigFile, HttpEndpoint, ServerFlavor};
use sslbind_core::text::{Encoding, decode, encode};
use sslbind_core::{Location, Origin, SourceError};

fn path() -> Arc<str> {
    Arc::from("applicationHost.config")
}

/// A config whose `<sites>` holds `sites` (already indented).
fn config(sites: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <system.applicationHost>\n    <sites>\n{sites}    </sites>\n  </system.applicationHost>\n</configuration>\n"
    )
}

fn read(text: &str) -> ConfigRead {
    read_config(&path(), text.as_bytes(), None).expect("the config reads")
}

fn read_error(text: &str) -> SourceError {
    read_config(&path(), text.as_bytes(), None).expect_err("the config is refused")
}

fn at(line: u32, column: u32) -> Origin {
    Origin::File(Location::new(&path(), line, column))
}

type Row = (String, Option<u32>, String, String, u32);

fn rows(config: &ConfigFile) -> Vec<Row> {
    config
        .sites
        .iter()
        .flat_map(|site| {
            site.bindings.iter().map(|binding| {
                (
                    site.name.clone(),
                    site.id,
                    binding.protocol.clone(),
                    binding.information.clone(),
                    binding.ssl_flags.bits(),
                )
            })
        })
        .collect()
}

fn row(site: &str, id: u32, protocol: &str, information: &str, ssl_flags: u32) -> Row {
    (site.to_owned(), Some(id), protocol.to_owned(), information.to_owned(), ssl_flags)
}

fn messages(read: &ConfigRead) -> Vec<String> {
    read.warnings.iter().map(|warning| warning.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// bindingInformation grammar

fn ip(text: &str) -> BindingAddress {
    BindingAddress::Ip(text.parse::<IpAddr>().expect("a test address"))
}

#[test]
fn accepted_http_forms() {
    use BindingAddress::{AllUnassigned, Empty};
    let table: Vec<(&str, &str, BindingAddress, u16, &str)> = vec![
        ("https", "*:443:", AllUnassigned, 443, ""),
        ("https", "*:443:www.example.com", AllUnassigned, 443, "www.example.com"),
        ("http", "*:80:localhost", AllUnassigned, 80, "localhost"),
        ("http", ":8080:localhost", Empty, 8080, "localhost"),
        ("http", ":8080:*", Empty, 8080, "*"),
        ("https", ":44300:*", Empty, 44300, "*"),
        ("https", "*:44300:*", AllUnassigned, 44300, "*"),
        ("https", "10.0.0.5:443:", ip("10.0.0.5"), 443, ""),
        ("https", "127.0.0.1:443:", ip("127.0.0.1"), 443, ""),
        ("https", "0.0.0.0:443:", ip("0.0.0.0"), 443, ""),
        ("https", "[::1]:443:", ip("::1"), 443, ""),
        ("https", "[2001:db8::1]:8443:a.example.com", ip("2001:db8::1"), 8443, "a.example.com"),
        ("https", "[::ffff:10.0.0.1]:443:", ip("::ffff:10.0.0.1"), 443, ""),
        // An IP literal is a valid host header (fixture 08).
        ("https", "*:9612:192.168.1.106", AllUnassigned, 9612, "192.168.1.106"),
        ("http", ":5000:127.0.0.1", Empty, 5000, "127.0.0.1"),
        // IIS 10 wildcard host: `*` as the whole left-most label.
        ("https", "*:443:*.example.com", AllUnassigned, 443, "*.example.com"),
        ("https", "*:443:*.com", AllUnassigned, 443, "*.com"),
        ("https", "*:1:", AllUnassigned, 1, ""),
        ("https", "*:65535:", AllUnassigned, 65535, ""),
        ("https", "*:0443:", AllUnassigned, 443, ""),
        // Protocol names are compared without case; the host keeps its case.
        ("HTTPS", "*:443:WWW.Example.COM", AllUnassigned, 443, "WWW.Example.COM"),
        ("Http", "*:80:", AllUnassigned, 80, ""),
        ("http", "*:80:xn--bcher-kva.example", AllUnassigned, 80, "xn--bcher-kva.example"),
        ("http", "*:80:bücher.example", AllUnassigned, 80, "bücher.example"),
    ];
    for (protocol, text, address, port, host) in table {
        let expected = BindingEndpoint::Http(HttpEndpoint { address, port, host: host.to_owned() });
        assert_eq!(parse_binding_information(protocol, text), expected, "{protocol} {text}");
    }
}

#[test]
fn rejected_http_forms_with_their_reasons() {
    let table: Vec<(&str, &str)> = vec![
        ("", "expected IP:port:host, found an empty value"),
        ("*", "expected IP:port:host, found no colon"),
        ("localhost", "expected IP:port:host, found no colon"),
        ("*:443", "expected IP:port:host, found one colon"),
        ("443:localhost", "expected IP:port:host, found one colon"),
        ("*:0:", "port 0 is out of range 1-65535"),
        ("*:00:", "port 00 is out of range 1-65535"),
        ("*:65536:", "port 65536 is out of range 1-65535"),
        ("*:70000:", "port 70000 is out of range 1-65535"),
        ("*:99999999999999999999:", "port 99999999999999999999 is out of range 1-65535"),
        ("*:abc:", "port `abc` is not a number"),
        ("*:+443:", "port `+443` is not a number"),
        ("*:-1:", "port `-1` is not a number"),
        ("*:4 43:", "`*:4 43:` contains whitespace"),
        ("*::localhost", "port is missing"),
        (" *:443:", "` *:443:` contains whitespace"),
        ("*:443:host ", "`*:443:host ` contains whitespace"),
        ("*:443:a\tb", "`*:443:a\tb` contains whitespace"),
        ("10.0.0:443:", "address `10.0.0` is not `*`, an IPv4 address or a bracketed IPv6 address"),
        ("010.0.0.1:443:", "address `010.0.0.1` is not `*`, an IPv4 address or a bracketed IPv6 address"),
        ("256.0.0.1:443:", "address `256.0.0.1` is not `*`, an IPv4 address or a bracketed IPv6 address"),
        ("localhost:443:", "address `localhost` is not `*`, an IPv4 address or a bracketed IPv6 address"),
        ("**:443:", "address `**` is not `*`, an IPv4 address or a bracketed IPv6 address"),
        ("[10.0.0.1]:443:", "address `[10.0.0.1]` is not an IPv6 address"),
        ("[fe80::1%3]:443:", "address `[fe80::1%3]` is not an IPv6 address"),
        ("[::1:443:", "IPv6 address `[::1` must be in brackets"),
        ("::1:443:", "IPv6 address `::1` must be in brackets"),
        ("2001:db8::1:443:host", "IPv6 address `2001:db8::1` must be in brackets"),
        (
            "*:443:a.*.example.com",
            "host `a.*.example.com` has a `*` that is not the whole left-most label (only `*.example.com` is allowed)",
        ),
        (
            "*:443:*example.com",
            "host `*example.com` has a `*` that is not the whole left-most label (only `*.example.com` is allowed)",
        ),
        (
            "*:443:**",
            "host `**` has a `*` that is not the whole left-most label (only `*.example.com` is allowed)",
        ),
        (
            "*:443:*.*.example.com",
            "host `*.*.example.com` has a `*` that is not the whole left-most label (only `*.example.com` is allowed)",
        ),
        (
            "*:443:example.*",
            "host `example.*` has a `*` that is not the whole left-most label (only `*.example.com` is allowed)",
        ),
        ("*:443:*.", "wildcard host `*.` has no domain"),
        // Parsed from the right: an IPv6 host has no place in the grammar.
        ("*:443:[::1]", "expected IP:port:host, found an IPv6 host (only the address can be IPv6)"),
    ];
    for protocol in ["http", "https", "HTTPS"] {
        for (text, reason) in &table {
            assert_eq!(
                parse_binding_information(protocol, text),
                BindingEndpoint::Invalid { reason: (*reason).to_owned() },
                "{protocol} {text:?}"
            );
        }
    }
}

#[test]
fn reasons_are_short_fragments() {
    let long = format!("*:443:{}*", "a".repeat(500));
    let BindingEndpoint::Invalid { reason } = parse_binding_information("https", &long) else {
        panic!("{long} is invalid");
    };
    assert!(reason.chars().count() < 200, "{reason}");
    assert!(!reason.ends_with('.'), "{reason}");
}

#[test]
fn other_protocols_are_opaque_and_ftp_uses_the_http_grammar_when_it_fits() {
    let opaque = [
        ("net.tcp", "808:*"),
        ("net.tcp", "*"),
        ("net.pipe", "*"),
        ("net.pipe", "localhost"),
        ("net.msmq", "localhost"),
        ("net.msmq", "*"),
        ("msmq.formatname", "localhost"),
        ("msmq.formatname", "*"),
        // Looks like http, but is not: never parsed.
        ("net.tcp", "*:808:"),
        ("gopher", "*:70:"),
        ("", "*:80:"),
        ("ftp", "*"),
        ("ftp", "*:0:"),
        ("ftp", "localhost:21:"),
        ("FTP", ""),
    ];
    for (protocol, text) in opaque {
        assert_eq!(parse_binding_information(protocol, text), BindingEndpoint::Opaque, "{protocol} {text}");
    }
    let http = |port, host: &str| {
        BindingEndpoint::Http(HttpEndpoint {
            address: BindingAddress::AllUnassigned,
            port,
            host: host.to_owned(),
        })
    };
    assert_eq!(parse_binding_information("ftp", "*:21:"), http(21, ""));
    assert_eq!(parse_binding_information("Ftp", "*:210:localhost"), http(210, "localhost"));
}

// ---------------------------------------------------------------------------------------------
// Sites and bindings

#[test]
fn reads_sites_bindings_and_origins() {
    let text = config(concat!(
        "      <site name=\"php\" id=\"8\">\n",
        "        <bindings>\n",
        "          <binding protocol=\"http\" bindingInformation=\"*:58000:localhost\" />\n",
        "          <binding protocol=\"https\" bindingInformation=\"*:4431:lextudio.com\" sslFlags=\"1\" />\n",
        "          <binding sslFlags=\"3\" bindingInformation='*:443:ccs.example' protocol=\"https\" />\n",
        "        </bindings>\n",
        "      </site>\n",
    ));
    let read = read(&text);
    assert_eq!(read.warnings, []);
    assert_eq!(read.config.path, path());
    assert_eq!(read.config.flavor, ServerFlavor::Iis);
    let [site] = read.config.sites.as_slice() else {
        panic!("one site: {:?}", read.config.sites);
    };
    assert_eq!((site.name.as_str(), site.id), ("php", Some(8)));
    assert!(!site.bindings_cleared);
    assert_eq!(site.origin, at(5, 7));
    let origins: Vec<&Origin> = site.bindings.iter().map(|binding| &binding.origin).collect();
    assert_eq!(origins, [&at(7, 56), &at(8, 57), &at(9, 53)]);
    assert_eq!(
        rows(&read.config),
        [
            row("php", 8, "http", "*:58000:localhost", 0),
            row("php", 8, "https", "*:4431:lextudio.com", 1),
            row("php", 8, "https", "*:443:ccs.example", 3),
        ]
    );
    let endpoint = site.bindings[1].http_endpoint().expect("parsed");
    assert_eq!(
        (endpoint.address, endpoint.port, endpoint.host.as_str()),
        (BindingAddress::AllUnassigned, 4431, "lextudio.com")
    );
}

#[test]
fn ssl_flags_keep_every_bit() {
    let cases: [(&str, u32); 8] = [
        ("", 0),
        (" sslFlags=\"0\"", 0),
        (" sslFlags=\"1\"", 1),
        (" sslFlags=\"3\"", 3),
        (" sslFlags=\"127\"", 127),
        (" sslFlags=\"4096\"", 4096),
        (" sslFlags=\" 5 \"", 5),
        (" sslFlags=\"4294967295\"", u32::MAX),
    ];
    for (attribute, expected) in cases {
        let text = config(&format!(
            "      <site name=\"s\" id=\"1\"><bindings><binding protocol=\"https\" bindingInformation=\"*:443:\"{attribute} /></bindings></site>\n"
        ));
        let read = read(&text);
        assert_eq!(rows(&read.config)[0].4, expected, "{attribute}");
    }
}

#[test]
fn ssl_flags_that_are_not_a_uint_are_errors_at_the_value() {
    for value in ["abc", "-1", "4294967296", "", "0x1", "1.0", "+1", "SNI"] {
        let text = config(&format!(
            "      <site name=\"s\" id=\"1\">\n        <bindings>\n          <binding protocol=\"https\" sslFlags=\"{value}\" bindingInformation=\"*:443:\" />\n        </bindings>\n      </site>\n"
        ));
        let error = read_error(&text);
        assert_eq!((error.location.line(), error.location.column()), (7, 47), "{value}");
        assert_eq!(
            error.message,
            format!(
                "sslFlags `{value}` of a binding of site `s` is not a number from 0 to 4294967295 (IIS refuses such a config too)"
            )
        );
    }
}

/// The same config in every encoding and line ending gives identical sites, origins included.
#[test]
fn every_encoding_gives_the_same_sites() {
    let text = config(concat!(
        "      <site name=\"Café ü €\" id=\"2\">\n",
        "        <bindings>\n",
        "          <binding protocol=\"https\" bindingInformation=\"*:443:café.example\" sslFlags=\"1\" />\n",
        "          <!-- ü --><binding protocol=\"http\" bindingInformation=\"[::1]:80:\" />\n",
        "        </bindings>\n",
        "      </site>\n",
    ));
    let reference = read(&text);
    assert_eq!(reference.warnings, []);
    assert_eq!(
        reference.config.sites[0].bindings[1].origin,
        at(8, 66),
        "columns count characters, not bytes"
    );
    let crlf = text.replace('\n', "\r\n");
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("UTF-8", encode(&text, Encoding::Utf8)),
        ("UTF-8 BOM", encode(&text, Encoding::Utf8Bom)),
        ("UTF-16 LE", encode(&text, Encoding::Utf16Le)),
        ("UTF-16 BE", encode(&text, Encoding::Utf16Be)),
        ("CRLF", encode(&crlf, Encoding::Utf8)),
        ("CRLF UTF-8 BOM", encode(&crlf, Encoding::Utf8Bom)),
        ("CRLF UTF-16 LE", encode(&crlf, Encoding::Utf16Le)),
        ("CRLF UTF-16 BE", encode(&crlf, Encoding::Utf16Be)),
    ];
    for (name, bytes) in inputs {
        let read = read_config(&path(), &bytes, None).expect(name);
        assert_eq!(read, reference, "{name}");
    }
}

/// The declaration may name another encoding than the bytes have: the BOM decides.
#[test]
fn the_bom_wins_over_the_declared_encoding() {
    let body = config(
        "      <site name=\"s\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /></bindings></site>\n",
    );
    for declared in ["utf-16", "UTF-16LE", "windows-1252"] {
        let text = body.replace("encoding=\"UTF-8\"", &format!("encoding=\"{declared}\""));
        let utf8 = read(&text);
        for encoding in [Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Utf8Bom] {
            let read = read_config(&path(), &encode(&text, encoding), None).expect(declared);
            assert_eq!(read, utf8, "{declared} {encoding:?}");
        }
    }
}

#[test]
fn undecodable_bytes_are_a_warning() {
    let text = config(
        "      <!-- caf\u{1}\u{1} -->\n      <site name=\"s\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /></bindings></site>\n",
    );
    let bytes = text.replace("\u{1}\u{1}", "\u{2}").into_bytes();
    let bytes: Vec<u8> = bytes.into_iter().map(|byte| if byte == 2 { 0xFF } else { byte }).collect();
    let read = read_config(&path(), &bytes, None).expect("still reads");
    assert_eq!(rows(&read.config).len(), 1);
    assert_eq!(
        messages(&read),
        ["applicationHost.config:5:15: not valid UTF-8: undecodable bytes were replaced with U+FFFD"]
    );
}

#[test]
fn clear_and_comments_around_bindings() {
    let text = config(concat!(
        "      <site name=\"a\" id=\"1\">\n",
        "        <bindings>\n",
        "          <clear />\n",
        "          <!-- <binding protocol=\"http\" bindingInformation=\"*:81:\" /> -->\n",
        "          <binding protocol=\"http\" bindingInformation=\"*:80:a\" />\n",
        "          <!--\n",
        "          <binding protocol=\"https\" bindingInformation=\"*:443:a\" />\n",
        "          -->\n",
        "        </bindings>\n",
        "      </site>\n",
        "      <site name=\"b\" id=\"2\">\n",
        "        <!-- <bindings><clear/></bindings> -->\n",
        "        <bindings><binding protocol=\"http\" bindingInformation=\"*:80:b\" /></bindings>\n",
        "      </site>\n",
    ));
    let read = read(&text);
    assert_eq!(read.warnings, []);
    let cleared: Vec<bool> = read.config.sites.iter().map(|site| site.bindings_cleared).collect();
    assert_eq!(cleared, [true, false]);
    assert_eq!(rows(&read.config), [row("a", 1, "http", "*:80:a", 0), row("b", 2, "http", "*:80:b", 0)]);
}

/// Fixture 08's shape: tab indentation, a comment spanning two bindings, a trailing tab.
#[test]
fn tabs_and_a_comment_spanning_two_bindings() {
    let text = config(concat!(
        "            <site name=\"PrototypeBHost\" id=\"2\">\r\n",
        "                <bindings>\r\n",
        "\t\t\t\t<!--\t<binding protocol=\"http\" bindingInformation=\"*:9612:192.168.1.106\" />\r\n",
        "                    <binding protocol=\"http\" bindingInformation=\"*:8023:localhost\" />-->\r\n",
        "\t\t\t\t\t<binding protocol=\"https\" bindingInformation=\"*:9612:192.168.1.106\" />\r\n",
        "                    <binding protocol=\"https\" bindingInformation=\"*:8023:localhost\" />\t\r\n",
        "                </bindings>\r\n",
        "            </site>\r\n",
    ));
    let read = read(&text);
    assert_eq!(read.warnings, []);
    assert_eq!(
        rows(&read.config),
        [
            row("PrototypeBHost", 2, "https", "*:9612:192.168.1.106", 0),
            row("PrototypeBHost", 2, "https", "*:8023:localhost", 0),
        ]
    );
    let bindings = &read.config.sites[0].bindings;
    // Five tabs, then `<binding protocol="https" bindingInformation="` (46 characters).
    assert_eq!(bindings[0].origin, at(9, 52));
    assert_eq!(bindings[1].origin, at(10, 67));
    assert_eq!(bindings[0].http_endpoint().map(|endpoint| endpoint.host.as_str()), Some("192.168.1.106"));
}

#[test]
fn sites_inside_location_are_read_and_lookalikes_are_not() {
    let text = concat!(
        "<configuration>\n",
        "  <system.applicationHost>\n",
        "    <sites>\n",
        "      <site name=\"main\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /></bindings></site>\n",
        "      <siteDefaults><bindings><binding protocol=\"http\" bindingInformation=\"*:81:\" /></bindings></siteDefaults>\n",
        "      <applicationDefaults applicationPool=\"x\" />\n",
        "    </sites>\n",
        "  </system.applicationHost>\n",
        "  <system.serviceModel>\n",
        "    <bindings><basicHttpBinding><binding name=\"wcf\" /></basicHttpBinding></bindings>\n",
        "  </system.serviceModel>\n",
        "  <other><sites><site name=\"not-iis\" id=\"7\" /></sites></other>\n",
        "  <location path=\".\" overrideMode=\"Allow\">\n",
        "    <system.applicationHost>\n",
        "      <sites>\n",
        "        <site name=\"located\" id=\"3\">\n",
        "          <bindings><binding protocol=\"https\" bindingInformation=\"*:443:x\" sslFlags=\"1\" /></bindings>\n",
        "        </site>\n",
        "      </sites>\n",
        "    </system.applicationHost>\n",
        "  </location>\n",
        "</configuration>\n",
    );
    let read = read(text);
    assert_eq!(read.warnings, []);
    assert_eq!(
        rows(&read.config),
        [row("main", 1, "http", "*:80:", 0), row("located", 3, "https", "*:443:x", 1),]
    );
    assert_eq!(read.config.sites[1].origin, at(16, 9));
}

#[test]
fn fragments_rooted_at_a_site_sites_or_section_are_read_with_a_warning() {
    // One `<site>` saved on its own, tab-indented, without a final newline.
    let site = "<site name=\"shop\" id=\"4\">\n\t<bindings>\n\t\t<binding protocol=\"https\" bindingInformation=\"*:443:shop.example\" sslFlags=\"1\" />\n\t</bindings>\n</site>";
    let one = read(site);
    assert_eq!(rows(&one.config), [row("shop", 4, "https", "*:443:shop.example", 1)]);
    assert_eq!(one.config.sites[0].bindings[0].origin, at(3, 49));
    assert_eq!(
        messages(&one),
        [
            "applicationHost.config:1:1: a fragment rooted at `<site>`, not a whole applicationHost.config: its site is read, and the rest of the server's configuration is unknown"
        ]
    );

    // The `<sites>` collection, with `<siteDefaults>`, which holds no site.
    let sites = "<sites>\n  <site name=\"a\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /></bindings></site>\n  <site name=\"b\" id=\"2\" />\n  <siteDefaults><bindings><binding protocol=\"http\" bindingInformation=\"*:81:\" /></bindings></siteDefaults>\n</sites>\n";
    let two = read(sites);
    assert_eq!(rows(&two.config), [row("a", 1, "http", "*:80:", 0)]);
    assert_eq!(two.config.sites.len(), 2);
    assert!(messages(&two)[0].contains("fragment rooted at `<sites>`"), "{:?}", messages(&two));

    // A section pasted from a README: indented, with `...` where the author left things out.
    let section = "    <system.applicationHost>\n        <applicationPools>\n\t\t\t...\n        </applicationPools>\n        <sites>\n\t\t\t...\n            <site name=\"bridge\" id=\"2\">\n                <bindings>\n                    <binding protocol=\"https\" bindingInformation=\"192.168.1.10:443:bridge.example\" sslFlags=\"0\" />\n                </bindings>\n            </site>\n\t\t\t...\n        </sites>\n    </system.applicationHost>\n";
    let pasted = read(section);
    assert_eq!(rows(&pasted.config), [row("bridge", 2, "https", "192.168.1.10:443:bridge.example", 0)]);
    assert!(
        messages(&pasted)[0]
            .starts_with("applicationHost.config:1:5: a fragment rooted at `<system.applicationHost>`")
    );
}

#[test]
fn fragments_without_a_site_are_refused_and_whole_files_are_not() {
    let bindings =
        "<bindings>\n  <binding protocol=\"https\" bindingInformation=\"*:443:\" />\n</bindings>\n";
    let error = read_error(bindings);
    assert_eq!((error.location.line(), error.location.column()), (1, 1));
    assert!(
        error.message.contains("fragment rooted at `<bindings>`, with bindings without their `<site>`"),
        "{error}"
    );
    for (text, root) in [
        ("<system.webServer><rewrite/></system.webServer>", "system.webServer"),
        ("<system.applicationHost><applicationPools/></system.applicationHost>", "system.applicationHost"),
        // `<sites>` that is not IIS's, under another root: not read, so nothing is there.
        ("<other><sites><site name=\"x\" id=\"1\" /></sites></other>", "other"),
    ] {
        let error = read_error(text);
        assert!(
            error.message.contains(&format!("fragment rooted at `<{root}>`, with no `<site>`")),
            "{error}"
        );
    }
    // `<site>` elements pasted one after another have no common root: refused, saying so.
    let two = read_error("<site name=\"a\" id=\"1\" />\r\n<site name=\"b\" id=\"2\" />\r\n");
    assert_eq!((two.location.line(), two.location.column()), (2, 1));
    assert!(two.message.contains("a second top-level element"), "{two}");
    let text_after = read_error("<site name=\"a\" id=\"1\" />\nnotes\n");
    assert!(text_after.message.contains("unexpected content (after the root element"), "{text_after}");
    // Near misses: an empty `<sites>` collection is a server without sites, as a fragment
    // (said in a warning) or whole, said plainly when it is not an applicationHost.config.
    let collection = read("<sites>\n</sites>\n");
    assert_eq!(
        (collection.config.sites.len(), messages(&collection)),
        (0, vec!["applicationHost.config:1:1: a fragment rooted at `<sites>`, not a whole applicationHost.config: its `<sites>` collection holds no site, and the rest of the server's configuration is unknown".to_owned()])
    );
    let empty = read(&config(""));
    assert_eq!((empty.config.sites.len(), empty.warnings.len()), (0, 0));
    let web_config = read("<configuration>\n  <appSettings />\n</configuration>\n");
    assert_eq!(
        messages(&web_config),
        [
            "applicationHost.config:1:1: `<configuration>` without a `<system.applicationHost>` section: not an applicationHost.config (a web.config, or another program's?); no sites read"
        ]
    );
}

#[test]
fn sites_without_bindings_are_kept() {
    let text = config(
        "      <site name=\"bare\" id=\"4\" />\n      <site name=\"empty\" id=\"5\"><bindings/></site>\n",
    );
    let read = read(&text);
    let sites: Vec<(&str, usize)> =
        read.config.sites.iter().map(|site| (site.name.as_str(), site.bindings.len())).collect();
    assert_eq!(sites, [("bare", 0), ("empty", 0)]);
}

#[test]
fn missing_attributes_are_kept_and_warned_about() {
    let text = config(concat!(
        "      <site>\n",
        "        <bindings>\n",
        "          <binding bindingInformation=\"*:80:\" />\n",
        "          <binding protocol=\"https\" />\n",
        "          <binding protocol=\"net.tcp\" />\n",
        "        </bindings>\n",
        "      </site>\n",
        "      <site name=\"n\" id=\"x1\" />\n",
        "      <site name=\"m\" id=\" 12 \" />\n",
    ));
    let read = read(&text);
    let site = &read.config.sites[0];
    assert_eq!((site.name.as_str(), site.id), ("", None));
    assert_eq!(read.config.sites[1].id, None);
    assert_eq!(read.config.sites[2].id, Some(12));
    let bindings: Vec<(&str, &str, &BindingEndpoint, &Origin)> = site
        .bindings
        .iter()
        .map(|binding| {
            (binding.protocol.as_str(), binding.information.as_str(), &binding.endpoint, &binding.origin)
        })
        .collect();
    let missing =
        BindingEndpoint::Invalid { reason: "the bindingInformation attribute is missing".to_owned() };
    assert_eq!(
        bindings,
        [
            ("", "*:80:", &BindingEndpoint::Opaque, &at(7, 40)),
            ("https", "", &missing, &at(8, 11)),
            ("net.tcp", "", &BindingEndpoint::Opaque, &at(9, 11)),
        ]
    );
    assert_eq!(
        messages(&read),
        [
            "applicationHost.config:5:7: site without a `name` attribute, read with an empty name",
            "applicationHost.config:5:7: site `` has no `id` attribute; read without an id",
            "applicationHost.config:7:40: binding `*:80:` of site `` has no `protocol` attribute; kept with an empty protocol",
            "applicationHost.config:8:11: `https` binding of site `` has no `bindingInformation` attribute; kept with an empty one",
            "applicationHost.config:9:11: `net.tcp` binding of site `` has no `bindingInformation` attribute; kept with an empty one",
            "applicationHost.config:12:7: site `n` has id `x1`, which is not a number from 0 to 4294967295; read without an id",
        ]
    );
}

#[test]
fn an_empty_address_is_read_as_all_unassigned_with_a_warning() {
    let text = config(
        "      <site name=\"WebSite1\" id=\"1\">\n        <bindings>\n          <binding protocol=\"http\" bindingInformation=\":8080:localhost\" />\n          <binding protocol=\"ftp\" bindingInformation=\":21:\" />\n        </bindings>\n      </site>\n",
    );
    let read = read(&text);
    let addresses: Vec<Option<BindingAddress>> = read.config.sites[0]
        .bindings
        .iter()
        .map(|binding| binding.http_endpoint().map(|endpoint| endpoint.address))
        .collect();
    assert_eq!(addresses, [Some(BindingAddress::Empty), Some(BindingAddress::Empty)]);
    assert_eq!(
        messages(&read),
        [
            "applicationHost.config:7:56: binding `:8080:localhost` of site `WebSite1` has an empty address, treated as all unassigned `*`",
            "applicationHost.config:8:55: binding `:21:` of site `WebSite1` has an empty address, treated as all unassigned `*`",
        ]
    );
}

#[test]
fn stray_elements_in_bindings_are_ignored_with_a_warning() {
    let text = config(
        "      <site name=\"s\" id=\"1\">\n        <bindings>\n          <remove protocol=\"http\" bindingInformation=\"*:80:\" />\n          <binding protocol=\"http\" bindingInformation=\"*:81:\" />\n        </bindings>\n        <bindings><binding protocol=\"http\" bindingInformation=\"*:82:\" /></bindings>\n      </site>\n",
    );
    let read = read(&text);
    assert_eq!(rows(&read.config), [row("s", 1, "http", "*:81:", 0), row("s", 1, "http", "*:82:", 0)]);
    assert_eq!(
        messages(&read),
        [
            "applicationHost.config:7:11: `<remove>` in the bindings of site `s` is not a binding (only `<binding>` and `<clear/>` are allowed); ignored",
            "applicationHost.config:10:9: site `s` has a second `<bindings>` element, which IIS refuses; its bindings are read too",
        ]
    );
}

#[test]
fn non_http_bindings_are_never_invalid() {
    let text = config(concat!(
        "      <site name=\"wcf\" id=\"1\">\n",
        "        <bindings>\n",
        "          <binding protocol=\"net.tcp\" bindingInformation=\"808:*\" />\n",
        "          <binding protocol=\"net.pipe\" bindingInformation=\"*\" />\n",
        "          <binding protocol=\"net.msmq\" bindingInformation=\"localhost\" />\n",
        "          <binding protocol=\"msmq.formatname\" bindingInformation=\"localhost\" />\n",
        "          <binding protocol=\"ftp\" bindingInformation=\"*:21:\" />\n",
        "          <binding protocol=\"ftp\" bindingInformation=\"nonsense\" />\n",
        "        </bindings>\n",
        "      </site>\n",
    ));
    let read = read(&text);
    let kinds: Vec<&str> = read.config.sites[0]
        .bindings
        .iter()
        .map(|binding| match binding.endpoint {
            BindingEndpoint::Http(_) => "http",
            BindingEndpoint::Opaque => "opaque",
            BindingEndpoint::Invalid { .. } => "invalid",
        })
        .collect();
    assert_eq!(kinds, ["opaque", "opaque", "opaque", "opaque", "http", "opaque"]);
    assert_eq!(invalid_binding_errors(&read.config), []);
}

#[test]
fn invalid_http_bindings_are_errors_at_their_value_in_document_order() {
    let text = config(concat!(
        "      <site name=\"a\" id=\"1\">\n",
        "        <bindings>\n",
        "          <binding protocol=\"http\" bindingInformation=\"*:0:\" />\n",
        "          <binding protocol=\"net.tcp\" bindingInformation=\"808:*\" />\n",
        "          <binding protocol=\"https\" bindingInformation=\"*:443:ok\" />\n",
        "        </bindings>\n",
        "      </site>\n",
        "      <site name=\"b\" id=\"2\">\n",
        "        <bindings>\n",
        "          <binding protocol=\"HTTPS\" bindingInformation=\"localhost\" />\n",
        "          <binding protocol=\"https\" />\n",
        "        </bindings>\n",
        "      </site>\n",
    ));
    let read = read(&text);
    let errors: Vec<String> = invalid_binding_errors(&read.config).iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "applicationHost.config:7:56: invalid http binding `*:0:` of site `a`: port 0 is out of range 1-65535",
            "applicationHost.config:14:57: invalid HTTPS binding `localhost` of site `b`: expected IP:port:host, found no colon",
            "applicationHost.config:15:11: invalid https binding `` of site `b`: the bindingInformation attribute is missing",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Refused documents

#[test]
fn a_dtd_is_refused_before_any_entity_expands() {
    let text = concat!(
        "<?xml version=\"1.0\"?>\n",
        "<!-- a billion laughs -->\n",
        "<!DOCTYPE configuration [\n",
        "  <!ENTITY lol \"lol\">\n",
        "  <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n",
        "  <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n",
        "  <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n",
        "]>\n",
        "<configuration><system.applicationHost><sites><site name=\"&lol3;\" id=\"1\"/></sites></system.applicationHost></configuration>\n",
    );
    let error = read_error(text);
    assert_eq!(
        error.to_string(),
        "applicationHost.config:3:1: the document type declaration (DTD) is not allowed: applicationHost.config never has one, and entities could expand without bound"
    );
    let utf16 =
        read_config(&path(), &encode(text, Encoding::Utf16Le), None).expect_err("refused in UTF-16 too");
    assert_eq!(utf16, error);
}

#[test]
fn malformed_xml_names_line_and_column() {
    let cases: [(&str, &str); 6] = [
        (
            "<configuration>\n  <system.applicationHost>\n  </configuration>\n",
            "applicationHost.config:3:3: malformed XML: closing tag `</configuration>` does not match the open `<system.applicationHost>`",
        ),
        (
            "<configuration>\n  <sites>\n    <site name=\"a\" name=\"b\" />\n",
            "applicationHost.config:3:20: malformed XML: attribute `name` appears twice on one element",
        ),
        (
            "<configuration>\n  <a>\n",
            "applicationHost.config:3:1: malformed XML: unexpected end of stream: the root element is never closed (truncated, or a missing closing tag?)",
        ),
        (
            "<configuration>\n  <a x=\"1",
            "applicationHost.config:2:10: malformed XML: unexpected end of stream: the file ends inside a tag, comment or value (truncated?)",
        ),
        (
            "<configuration>\n  <a x=\"R&D\" />\n</configuration>",
            "applicationHost.config:2:10: malformed XML: a `&` that does not start an entity reference (write a literal `&` as `&amp;`)",
        ),
        ("", "applicationHost.config:1:1: malformed XML: the document has no root element"),
    ];
    for (text, expected) in cases {
        assert_eq!(read_error(text).to_string(), expected, "{text:?}");
    }
}

/// Whatever the bytes, reading returns (a value or an error) and never panics.
#[test]
fn no_input_makes_it_panic() {
    let text = config(concat!(
        "      <site name=\"é\" id=\"1\">\n",
        "        <bindings><clear/><binding protocol=\"https\" bindingInformation=\"[::1]:443:*.x\" sslFlags=\"1\" /></bindings>\n",
        "      </site>\n",
    ));
    for encoding in [Encoding::Utf8, Encoding::Utf16Le] {
        let bytes = encode(&text, encoding);
        for end in 0..=bytes.len() {
            let _ = read_config(&path(), &bytes[..end], None);
        }
        for index in 0..bytes.len() {
            for replacement in [0x00, b'<', b'"', b':', 0xFF] {
                let mut changed = bytes.clone();
                changed[index] = replacement;
                let _ = read_config(&path(), &changed, None);
            }
        }
    }
}

/// A large config reads in linear time: each binding's origin is found from the previous one,
/// not by counting from the start. A quadratic reader would take minutes here.
#[test]
fn large_configs_read_in_linear_time() {
    const SITES: usize = 20_000;
    for separator in ["\n", ""] {
        let mut sites = String::new();
        for id in 1..=SITES {
            sites.push_str(&format!(
                "<site name=\"s{id}\" id=\"{id}\"><bindings><binding protocol=\"https\" bindingInformation=\"*:443:s{id}.example\" sslFlags=\"1\" /></bindings></site>{separator}"
            ));
        }
        let read = read(&config(&sites));
        assert_eq!(read.config.sites.len(), SITES);
        let last = read.config.sites.last().and_then(|site| site.bindings.first());
        let location = last.and_then(|binding| binding.origin.location()).expect("an origin");
        if separator.is_empty() {
            assert_eq!(location.line(), 5);
        } else {
            assert_eq!((location.line(), location.column()), (4 + SITES as u32, 88));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Flavor

#[test]
fn flavor_is_detected_from_iis_express_markers_and_can_be_overridden() {
    let express = [
        "<add CLRConfigFile=\"%IIS_USER_HOME%\\config\\aspnet.config\" />",
        "<add image=\"%iis_bin%\\cachuri.dll\" />",
        "<!-- understood by the IIS Express. -->",
        "<cache diskTemplateCacheDirectory=\"%TEMP%\\iisexpress\\ASP\" />",
        "C:\\Program Files\\IISExpress\\",
    ];
    for text in express {
        assert_eq!(detect_flavor(text), ServerFlavor::IisExpress, "{text}");
    }
    for text in
        ["", "%IIS", "<add image=\"%windir%\\System32\\inetsrv\\cachuri.dll\" />", "IIS_BIN", "IIS  Express"]
    {
        assert_eq!(detect_flavor(text), ServerFlavor::Iis, "{text}");
    }
    let text = config("      <!-- %IIS_USER_HOME% -->\n");
    let detected = read_config(&path(), text.as_bytes(), None).expect("reads");
    assert_eq!(detected.config.flavor, ServerFlavor::IisExpress);
    let forced = read_config(&path(), text.as_bytes(), Some(ServerFlavor::Iis)).expect("reads");
    assert_eq!(forced.config.flavor, ServerFlavor::Iis);
    let plain = config("");
    let forced = read_config(&path(), plain.as_bytes(), Some(ServerFlavor::IisExpress)).expect("reads");
    assert_eq!(forced.config.flavor, ServerFlavor::IisExpress);
}

// ---------------------------------------------------------------------------------------------
// Corpus: real configs from ../shared/fixtures, checked against rows written out by hand

#[cfg(feature = "corpus")]
fn corpus() -> PathBuf {
    crate::shared_corpus::corpus().join("appconfig")
}

fn read_fixture(folder: &Path, name: &str) -> Result<ConfigRead, SourceError> {
    let file = folder.join(name);
    let bytes = std::fs::read(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
    read_config(&Arc::from(name), &bytes, None)
}

/// Counts `<tag` start tags outside comments: an independent, text-level count.
fn count_tags(text: &str, tag: &str) -> usize {
    let mut uncommented = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        uncommented.push_str(&rest[..start]);
        rest = rest[start..].find("-->").map_or("", |end| &rest[start + end + 3..]);
    }
    uncommented.push_str(rest);
    let opening = format!("<{tag}");
    uncommented
        .match_indices(&opening)
        .filter(|(index, _)| {
            uncommented[index + opening.len()..]
                .chars()
                .next()
                .is_some_and(|next| next.is_whitespace() || next == '/' || next == '>')
        })
        .count()
}

fn expected_rows(name: &str) -> Option<Vec<Row>> {
    let rows = match name {
        "01-jexus-original2.config" => {
            let mut rows: Vec<Row> = [
                ("http", ":8080:localhost"),
                ("net.tcp", "808:*"),
                ("net.msmq", "localhost"),
                ("msmq.formatname", "localhost"),
                ("net.pipe", "*"),
                ("ftp", "*:21:"),
                ("http", ":8080:*"),
                ("https", ":443:localhost"),
                ("https", ":44300:*"),
                ("ftp", "*:210:localhost"),
                ("net.tcp", "*"),
                ("net.msmq", "*"),
                ("msmq.formatname", "*"),
                ("net.pipe", "localhost"),
            ]
            .into_iter()
            .map(|(protocol, information)| row("WebSite1", 1, protocol, information, 0))
            .collect();
            rows.push(row("GuessMeWeb", 2, "http", "*:61902:localhost", 0));
            rows.push(row("GuessMeWeb", 2, "https", "*:44300:localhost", 1));
            for (site, id, port) in [
                ("WebSite2", 3, 55165),
                ("WebApplication1", 4, 10830),
                ("SampleWCFService", 5, 4605),
                ("RemoteServices", 6, 14150),
                ("WebApplication2", 7, 9827),
                ("WebApplication3", 8, 14234),
                ("Katana.Performance.ReferenceApp", 9, 17613),
                ("Katana.Sandbox.WebServer-Site", 10, 18001),
                ("Katana.Sandbox.WebClient-Site", 11, 18002),
                ("Mono328", 12, 4330),
            ] {
                rows.push(row(site, id, "http", &format!("*:{port}:localhost"), 0));
            }
            rows
        }
        "05-mattgillard-reverse-proxy.config" => vec![
            row("Default Web Site", 1, "http", "*:80:", 0),
            row("Default Web Site", 1, "https", "*:443:", 0),
        ],
        "06-dorik84-web-server-iis.config" => vec![
            row("Default Web Site", 1, "http", "*:80:", 0),
            row("mysite.tbd", 2, "http", "*:80:mysite.tbd", 0),
            row("mysite.tbd", 2, "https", "*:443:mysite.tbd", 0),
        ],
        "08-ludovicLegl-wcf-commented-bindings-crlf.config" => vec![
            row("WebSite1", 1, "http", ":8080:localhost", 0),
            row("PrototypeBHost", 2, "https", "*:9612:192.168.1.106", 0),
            row("PrototypeBHost", 2, "https", "*:8023:localhost", 0),
        ],
        "11-nciocpl-pubslocator-prod-server-multi-ip.config" => {
            let wcf = |site: &str, id: u32| {
                vec![
                    row(site, id, "net.tcp", "808:*", 0),
                    row(site, id, "net.pipe", "*", 0),
                    row(site, id, "net.msmq", "localhost", 0),
                    row(site, id, "msmq.formatname", "localhost", 0),
                ]
            };
            let mut rows = vec![
                row("pubsprod.lmbps.com", 1, "http", "10.16.32.193:80:", 0),
                row("pubsprod.lmbps.com", 1, "https", "10.16.32.193:443:", 0),
            ];
            rows.extend(wcf("pubsprod.lmbps.com", 1));
            rows.extend([
                row("GUAM", 2, "http", "10.16.32.194:80:", 0),
                row("GUAM", 2, "https", "10.16.32.194:443:", 0),
                row("GUAM", 2, "https", "127.0.0.1:443:", 0),
                row("pert-ncidc.lmbps.com", 1_563_995_918, "http", "10.16.32.195:80:", 0),
                row("ncidc-guam.lmbps.com", 4, "http", "10.16.32.197:80:", 0),
                row("ncidc-guam.lmbps.com", 4, "https", "10.16.32.197:443:", 0),
                row("pubstraining.cancer.gov", 5, "http", "10.16.32.198:80:", 0),
                row("pubstraining.cancer.gov", 5, "https", "10.16.32.198:443:", 0),
            ]);
            rows.extend(wcf("pubstraining.cancer.gov", 5));
            rows.extend([
                row("GuamTraining", 6, "http", "10.16.32.199:80:", 0),
                row("GuamTraining", 6, "https", "10.16.32.199:443:", 0),
            ]);
            rows
        }
        "12-hwcconsole-hostable-web-core.config" => vec![
            row("WebSite", 1, "http", ":5000:localhost", 0),
            row("WebSite", 1, "http", ":5000:127.0.0.1", 0),
        ],
        "13-p7core-iisexpress-two-hosts-same-port-nosni.config" => vec![
            row("WebSite1", 1, "http", ":8080:localhost", 0),
            row("WebApplication1", 2, "http", "*:9815:localhost", 0),
            row("WebApplication1", 2, "https", "*:44311:localhost", 0),
            row("WebApplication1", 2, "https", "*:44311:p7core.127.0.0.1.xip.io", 0),
        ],
        "14-pruebamonitoreo-prod-ip-https-and-host-nosni.config" => {
            let mut rows: Vec<Row> = ["808:*", "localhost", "localhost", "*"]
                .into_iter()
                .zip(["net.tcp", "net.msmq", "msmq.formatname", "net.pipe"])
                .map(|(information, protocol)| row("Default Web Site", 1, protocol, information, 0))
                .collect();
            rows.extend([
                row("Default Web Site", 1, "http", "*:8491:", 0),
                row("TimeHCancun", 3, "http", "*:81:", 0),
                row("TimeHCancun", 3, "http", "172.16.5.20:81:", 0),
                row("Tablero", 4, "http", "172.16.5.20:82:", 0),
                row("Wa_Campeche", 5, "http", "172.16.5.20:91:", 0),
                row("HMM_CANCAM", 6, "https", "172.16.4.20:8182:", 0),
                row("HMM_CANCAM", 6, "http", "172.16.4.20:8181:", 0),
                row("Ordenes_CHCampeche", 7, "http", "172.16.5.20:84:", 0),
                row("Tiempo_CHCampeche", 8, "http", "172.16.5.20:85:", 0),
                row("Ordenes_CBody", 9, "http", "172.16.5.20:93:", 0),
                row("Tiempo_CBody", 10, "http", "172.16.5.20:88:", 0),
                row("CITASMONTEJO", 11, "http", "172.16.4.20:83:", 0),
                row("SERVICEEXCELLENCE_MONTEJO", 15, "http", "172.16.4.20:98:", 0),
                row("WebApi_montejo", 24, "http", "172.16.4.20:8190:", 0),
                row("Pruebas", 26, "http", "172.16.5.20:92:", 0),
                row("Cliente_Montejo", 27, "http", "*:80:", 0),
                row("Cliente_Montejo", 27, "https", "*:443:host4.mine.nu", 0),
                row("MACS_MONTEJO", 12, "http", "172.16.4.20:90:", 0),
            ]);
            rows
        }
        // A fragment rooted at `<system.applicationHost>`, with `...` elisions.
        "16-alexapremise-readme-elided-fragment.config" => vec![
            row("AlexaBridge", 2, "http", "*:80:mysite.domain.com", 0),
            row("AlexaBridge", 2, "https", "192.168.1.10:443:mysite.domain.com", 0),
        ],
        "17-musiclibrary-iis-sni-sslflags1.config" => vec![
            row("Default Web Site", 1, "http", "*:80:", 0),
            row("Default Web Site", 1, "https", "*:443:aldongrove.100mountain.net", 1),
        ],
        // A bare `<site>` element saved on its own.
        "18-docsingeneral-bare-site-element-fragment.config" => vec![
            row("Default Web Site", 1, "http", "*:80:", 0),
            row("Default Web Site", 1, "net.tcp", "808:*", 0),
            row("Default Web Site", 1, "net.msmq", "localhost", 0),
            row("Default Web Site", 1, "msmq.formatname", "localhost", 0),
            row("Default Web Site", 1, "net.pipe", "*", 0),
        ],
        _ => return None,
    };
    Some(rows)
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_configs_match_hand_written_rows() {
    let folder = corpus();
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    assert!(names.len() >= 12, "{names:?}");
    let mut checked_by_hand = 0;
    for name in &names {
        if name.starts_with("02-") {
            continue;
        }
        let read = read_fixture(&folder, name).unwrap_or_else(|error| panic!("{error}"));
        let text = decode(&std::fs::read(folder.join(name)).expect("readable")).text;
        let bindings: usize = read.config.sites.iter().map(|site| site.bindings.len()).sum();
        assert_eq!(
            (read.config.sites.len(), bindings),
            (count_tags(&text, "site"), count_tags(&text, "binding")),
            "{name}: sites and bindings against a text count"
        );
        assert_eq!(invalid_binding_errors(&read.config), [], "{name}");
        let express =
            ["01-", "03-", "08-", "09-", "10-", "13-"].iter().any(|prefix| name.starts_with(prefix));
        let flavor = if express { ServerFlavor::IisExpress } else { ServerFlavor::Iis };
        assert_eq!(read.config.flavor, flavor, "{name}");
        for site in &read.config.sites {
            for binding in &site.bindings {
                let location = binding.origin.location().expect("a file origin");
                let line = text.lines().nth(location.line() as usize - 1).unwrap_or("");
                let value: String = line
                    .chars()
                    .skip(location.column() as usize - 1)
                    .take(binding.information.chars().count())
                    .collect();
                assert_eq!(value, binding.information, "{name}: {location}");
            }
        }
        if let Some(expected) = expected_rows(name) {
            assert_eq!(rows(&read.config), expected, "{name}");
            checked_by_hand += 1;
        }
    }
    assert_eq!(checked_by_hand, 11);
    // The 700 KB development server: 62 sites, 80 bindings, and its 11 https bindings, all but
    // one with an empty address.
    let bank =
        read_fixture(&folder, "15-webservicehealthcheck-bank-dev-700k-empty-ip-https.config").expect("reads");
    assert_eq!((bank.config.sites.len(), rows(&bank.config).len()), (62, 80));
    let https: Vec<Row> = rows(&bank.config).into_iter().filter(|row| row.2 == "https").collect();
    assert_eq!(
        https,
        [
            row("CCSService", 5, "https", "*:443:", 0),
            row("PaymentStatusSecure", 15, "https", ":8085:PaymentStatus", 0),
            row("TPAVSecure", 16, "https", ":8086:TPAVSecure", 0),
            row("PpgRequestPaymentService", 18, "https", ":8083:", 0),
            row("ReconciliationService_1_0", 45, "https", ":443:ReconciliationService", 0),
            row("ImageClearingMSLService", 46, "https", ":13447:ImageClearingMSLService", 0),
            row("ImageClearingPEPWebApi", 58, "https", ":10443:ImageClearingPEPWebApi", 0),
            row("ICSRAResponseService", 62, "https", ":11443:icsraresponseservice", 0),
            row("ApertaStub", 7, "https", ":444:ApertaStub", 0),
            row("CorporateCheque", 8, "https", ":443:CorporateCheque", 0),
            row("ElectronicPaymentService", 27, "https", ":8084:ElectronicPaymentService", 0),
        ]
    );
    // The fragments say that they are fragments.
    for name in [
        "16-alexapremise-readme-elided-fragment.config",
        "18-docsingeneral-bare-site-element-fragment.config",
    ] {
        let read = read_fixture(&folder, name).expect("reads");
        assert!(
            read.warnings.iter().any(|warning| warning.message.contains("a fragment rooted at")),
            "{name}"
        );
    }
    let first = read_fixture(&folder, "01-jexus-original2.config").expect("reads");
    assert_eq!((first.config.sites.len(), rows(&first.config).len()), (12, 26));
    println!("corpus: read {} applicationHost.config files", names.len() - 1);
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_truncated_config_fails_at_its_end() {
    let folder = corpus();
    let error = read_fixture(&folder, "02-jexus-original2-missing-closing.config")
        .expect_err("the root element is never closed");
    assert_eq!(&*error.location.path, "02-jexus-original2-missing-closing.config");
    assert!(error.location.line() >= 1133, "{error}");
    assert!(error.message.starts_with("malformed XML: unexpected end"), "{error}");
    println!("corpus: read the truncated config: {error}");
}

// ---------------------------------------------------------------------------------------------
// bindingInformation: format and parse are inverses.

/// A DNS label as hosts in bindings have them: letters, digits, inner hyphens.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?"
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("*".to_owned()),
        proptest::collection::vec(label(), 1..4).prop_map(|labels| labels.join(".")),
        proptest::collection::vec(label(), 2..4).prop_map(|labels| format!("*.{}", labels.join("."))),
        Just("localhost".to_owned()),
    ]
}

fn address() -> impl Strategy<Value = BindingAddress> {
    prop_oneof![
        Just(BindingAddress::AllUnassigned),
        Just(BindingAddress::Empty),
        any::<[u8; 4]>().prop_map(|octets| BindingAddress::Ip(IpAddr::V4(Ipv4Addr::from(octets)))),
        any::<[u16; 8]>().prop_map(|segments| BindingAddress::Ip(IpAddr::V6(Ipv6Addr::from(segments)))),
    ]
}

fn endpoint() -> impl Strategy<Value = HttpEndpoint> {
    (address(), 1u16..=65535, host()).prop_map(|(address, port, host)| HttpEndpoint { address, port, host })
}

proptest! {
    /// Every end point IIS can hold formats to a `bindingInformation` that parses back to it,
    /// for http, https and ftp alike.
    #[test]
    fn binding_information_formats_and_parses_back(endpoint in endpoint(), protocol in prop_oneof![Just("https"), Just("HTTP"), Just("ftp")]) {
        let text = endpoint.to_string();
        prop_assert_eq!(parse_binding_information(protocol, &text), BindingEndpoint::Http(endpoint));
    }

    /// Whatever text parses, its formatted form parses to the same end point and formats the
    /// same again: formatting is the canonical form (IPv6 compressed, no leading zeros).
    #[test]
    fn parsed_binding_information_formats_canonically(text in "[\\[\\]*0-9a-fA-F:.]{0,12}:[0-9]{1,6}:[a-z*.-]{0,12}") {
        if let BindingEndpoint::Http(endpoint) = parse_binding_information("https", &text) {
            let formatted = endpoint.to_string();
            let again = parse_binding_information("https", &formatted);
            prop_assert_eq!(&again, &BindingEndpoint::Http(endpoint));
            if let BindingEndpoint::Http(again) = again {
                prop_assert_eq!(again.to_string(), formatted);
            }
        }
    }
}

#[test]
fn binding_information_keeps_an_empty_address_empty() {
    let endpoint = HttpEndpoint { address: BindingAddress::Empty, port: 8080, host: "localhost".to_owned() };
    assert_eq!(endpoint.to_string(), ":8080:localhost");
    let endpoint = HttpEndpoint {
        address: BindingAddress::Ip("2001:db8::1".parse().expect("an address")),
        port: 443,
        host: String::new(),
    };
    assert_eq!(endpoint.to_string(), "[2001:db8::1]:443:");
    assert_eq!(
        parse_binding_information("https", "010.0.0.1:443:"),
        BindingEndpoint::Invalid {
            reason: "address `010.0.0.1` is not `*`, an IPv4 address or a bracketed IPv6 address".to_owned()
        }
    );
}
