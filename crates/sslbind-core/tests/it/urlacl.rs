//! Tests of the URL reservation and excluded port range readers, the URL prefix parser and
//! HTTP.sys's reservation matching, through sslbind-core's public API. In the `corpus` suite
//! the shared `urlacl/` and `excludedports/` samples are read with hand-written
//! expectations.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;

use crate::support::TextPosition;
use sslbind_core::Origin;
use sslbind_core::httpsys::{
    ExcludedPortsRead, UrlAclRead, best_reservation, parse_url_prefix, read_excluded_ports, read_urlacl,
};
use sslbind_core::model::{PrefixHost, UrlReservation};
use sslbind_core::text::{Encoding, encode};

fn urlacl(bytes: &[u8]) -> UrlAclRead {
    read_urlacl(&Arc::from("urlacl.txt"), bytes).expect("test input")
}

fn ports(bytes: &[u8]) -> ExcludedPortsRead {
    read_excluded_ports(&Arc::from("ports.txt"), bytes).expect("test input")
}

/// One line per reservation and user, then the warnings.
fn summary(read: &UrlAclRead) -> String {
    let mut out = String::new();
    for reservation in &read.reservations {
        let line = reservation.origin.location().map_or(0, |location| location.line());
        let prefix = reservation.prefix.as_ref().map_or_else(|| "INVALID".to_owned(), ToString::to_string);
        let _ = writeln!(
            out,
            "{} @{line} = {prefix} sddl={}",
            reservation.url,
            reservation.sddl.as_deref().unwrap_or("-")
        );
        for user in &reservation.users {
            let _ = writeln!(out, "  {} listen={:?} delegate={:?}", user.name, user.listen, user.delegate);
        }
    }
    for warning in &read.warnings {
        let _ = writeln!(
            out,
            "warning {}:{} {}",
            warning.location.line(),
            warning.location.column(),
            warning.message
        );
    }
    out
}

fn ports_summary(read: &ExcludedPortsRead) -> String {
    let mut out = String::new();
    for range in &read.ranges {
        let line = range.origin.location().map_or(0, |location| location.line());
        let _ = writeln!(
            out,
            "{}-{}{} @{line}",
            range.start,
            range.end,
            if range.administered { " *" } else { "" }
        );
    }
    for warning in &read.warnings {
        let _ = writeln!(
            out,
            "warning {}:{} {}",
            warning.location.line(),
            warning.location.column(),
            warning.message
        );
    }
    out
}

const ONE: &str = "C:\\Users\\Administrator>netsh http show urlacl\n\nURL Reservations:\n-----------------\n    Reserved URL            : https://host.domain.com:443/\n        User: \\Everyone\n            Listen: Yes\n            Delegate: No\n            SDDL: D:(A;;GX;;;WD)\n";

const ONE_EXPECTED: &str = "https://host.domain.com:443/ @5 = https://host.domain.com:443/ sddl=D:(A;;GX;;;WD)\n  \\Everyone listen=Some(true) delegate=Some(false)\nwarning 1:1 command prompt skipped: `C:\\Users\\Administrator>netsh http show urlacl`\n";

#[test]
fn reads_a_reservation_with_its_prompt_and_heading() {
    assert_eq!(summary(&urlacl(ONE.as_bytes())), ONE_EXPECTED);
}

#[test]
fn every_encoding_and_line_end_reads_the_same() {
    let crlf = ONE.replace('\n', "\r\n");
    for encoding in [Encoding::Utf8, Encoding::Utf8Bom, Encoding::Utf16Le, Encoding::Utf16Be] {
        assert_eq!(summary(&urlacl(&encode(&crlf, encoding))), ONE_EXPECTED, "{encoding:?}");
    }
}

#[test]
fn no_heading_trailing_spaces_and_any_indentation_are_accepted() {
    let text = "Reserved URL : http://+:80/Temporary_Listen_Addresses  \n User: \\Everyone  \nListen: Yes\n\t\tDelegate: Yes  \n SDDL: D:(A;;GX;;;WD)   \n";
    assert_eq!(
        summary(&urlacl(text.as_bytes())),
        "http://+:80/Temporary_Listen_Addresses @1 = http://+:80/Temporary_Listen_Addresses/ sddl=D:(A;;GX;;;WD)\n  \\Everyone listen=Some(true) delegate=Some(true)\n"
    );
}

#[test]
fn several_users_noise_and_bad_values_are_reported() {
    let text = "URL Reservations:\n\n    Reserved URL : http://*:8080/app/\n        User: BUILTIN\\Users\n            Listen: Yes\n            Delegate: Maybe\n        User: NT AUTHORITY\\NETWORK SERVICE\n            Listen: No\n            Delegate: No\n            SDDL: D:(A;;GX;;;BU)(A;;GW;;;NS)\nsome stray text\n    Reserved URL : ftp://host/\n";
    assert_eq!(
        summary(&urlacl(text.as_bytes())),
        "http://*:8080/app/ @3 = http://*:8080/app/ sddl=D:(A;;GX;;;BU)(A;;GW;;;NS)\n\
         \x20 BUILTIN\\Users listen=Some(true) delegate=None\n\
         \x20 NT AUTHORITY\\NETWORK SERVICE listen=Some(false) delegate=Some(false)\n\
         ftp://host/ @12 = INVALID sddl=-\n\
         warning 6:13 `Maybe` is neither Yes nor No; the right is unknown\n\
         warning 11:1 not netsh output, skipped: `some stray text`\n\
         warning 12:5 reserved URL `ftp://host/` is not a URL prefix: the scheme `ftp` is not http or https\n"
    );
}

#[test]
fn empty_and_garbage_inputs_never_fail() {
    assert_eq!(summary(&urlacl(b"")), "");
    assert_eq!(summary(&urlacl(b"URL Reservations:\n-----------------\n\n")), "");
    let garbage: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let read = urlacl(&garbage);
    assert!(read.reservations.is_empty());
    assert!(read.warnings.len() <= 102, "{}", read.warnings.len());
}

#[test]
fn url_prefixes_parse_with_defaults_and_refuse_near_misses() {
    let cases: &[(&str, Result<&str, ()>)] = &[
        ("https://+:443/ReportServer/", Ok("https://+:443/ReportServer/")),
        ("HTTP://*:8080", Ok("http://*:8080/")),
        ("https://Host.Example.com/app", Ok("https://host.example.com:443/app/")),
        ("http://10.0.0.5/", Ok("http://10.0.0.5:80/")),
        ("http://[::1]:8080/x/", Ok("http://[::1]:8080/x/")),
        ("https://[fe80::1]/", Ok("https://[fe80::1]:443/")),
        ("ftp://host/", Err(())),
        ("https//host/", Err(())),
        ("https://:443/", Err(())),
        ("https://host:0/", Err(())),
        ("https://host:65536/", Err(())),
        ("https://host:+80/", Err(())),
        ("https://host:/", Err(())),
        ("https://[::1/", Err(())),
        ("https://[not-ip]/", Err(())),
        ("https://*.example.com/", Err(())),
        ("https://host/a?b", Err(())),
        ("https://ho st/", Err(())),
        ("https://host..com/", Err(())),
    ];
    for (text, expected) in cases {
        let parsed = parse_url_prefix(text).map(|prefix| prefix.to_string()).map_err(|_| ());
        assert_eq!(parsed, expected.map(str::to_owned), "{text}");
    }
    let prefix = parse_url_prefix("https://+:443/").expect("test input");
    assert_eq!(prefix.host, PrefixHost::StrongWildcard);
    assert_eq!(parse_url_prefix("http://*/").expect("test input").host, PrefixHost::WeakWildcard);
    assert_eq!(
        parse_url_prefix("http://1.2.3.4/").expect("test input").host,
        PrefixHost::Ip("1.2.3.4".parse::<IpAddr>().expect("test input"))
    );
}

fn reservation(url: &str) -> UrlReservation {
    UrlReservation {
        url: url.to_owned(),
        prefix: parse_url_prefix(url).ok(),
        users: Vec::new(),
        sddl: None,
        origin: Origin::Live,
    }
}

#[test]
fn matching_follows_strong_then_explicit_then_weak_then_longest_path() {
    let all = [
        reservation("http://*:80/"),
        reservation("http://www.example.com:80/"),
        reservation("http://+:80/api/"),
        reservation("http://10.0.0.5:80/"),
        reservation("http://www.example.com:80/shop/"),
        reservation("https://+:443/"),
        reservation("not a url"),
    ];
    let cases: &[(&str, &str, u16, &str, Option<&str>)] = &[
        // Nothing stronger matches: the weak wildcard does.
        ("http", "other.example.com", 80, "/", Some("http://*:80/")),
        ("http", "+", 80, "/", Some("http://*:80/")),
        // An explicit host beats the weak wildcard, without case.
        ("http", "WWW.Example.com", 80, "/", Some("http://www.example.com:80/")),
        ("http", "www.example.com", 80, "/shop/cart", Some("http://www.example.com:80/shop/")),
        ("http", "10.0.0.5", 80, "/", Some("http://10.0.0.5:80/")),
        // The strong wildcard beats an explicit host.
        ("http", "www.example.com", 80, "/api/v1", Some("http://+:80/api/")),
        ("http", "10.0.0.5", 80, "/API/", Some("http://+:80/api/")),
        ("https", "www.example.com", 443, "/", Some("https://+:443/")),
        // Scheme and port must match.
        ("https", "www.example.com", 80, "/", None),
        ("http", "www.example.com", 8080, "/", None),
    ];
    for (scheme, host, port, path, expected) in cases {
        let found = best_reservation(&all, scheme, host, *port, path).map(|found| found.url.as_str());
        assert_eq!(found, *expected, "{scheme}://{host}:{port}{path}");
    }
    assert!(best_reservation(&[], "http", "a", 80, "/").is_none());
}

#[test]
fn excluded_ports_read_numeric_rows_only() {
    let text = "\nProtocol tcp Port Exclusion Ranges\n\nStart Port    End Port\n----------    --------\n      5357        5357\n     50000       50059     *\n\n* - Administered port exclusions.\n";
    assert_eq!(ports_summary(&ports(text.as_bytes())), "5357-5357 @6\n50000-50059 * @7\n");
}

#[test]
fn excluded_ports_ipv6_localised_and_utf16() {
    let text = "PS C:\\> netsh int ipv6 show excludedportrange protocol=tcp\r\n\r\nProtokoll tcp Portausschlussbereiche\r\n\r\nStartport    Endport\r\n----------    --------\r\n      2869        2869\r\n     49709       49808\r\n     50000       50059     *\r\n\r\n* - Verwaltete Portausschlüsse.\r\n";
    assert_eq!(
        ports_summary(&ports(&encode(text, Encoding::Utf16Le))),
        "2869-2869 @7\n49709-49808 @8\n50000-50059 * @9\nwarning 1:1 command prompt skipped: `PS C:\\> netsh int ipv6 show excludedportrange protocol=tcp`\n"
    );
}

#[test]
fn excluded_ports_behind_comment_markers_with_annotations() {
    // As pasted into a script or a note: every line commented out, the author's arrow after
    // the range that matters.
    let text = "\
# PS C:\\> netsh int ipv4 show excludedportrange protocol=tcp
#
# Protocol tcp Port Exclusion Ranges
#
# Start Port    End Port
# ----------    --------
#     7954        8053      <- 8000 falls here!
#    50000       50059     *   (mine)
#
# * - Administered port exclusions.
// 49692 49791
> 5357 5357
| 2869 | 2869 |
- 1900 1900
";
    assert_eq!(
        ports_summary(&ports(text.as_bytes())),
        "7954-8053 @7\n50000-50059 * @8\n49692-49791 @11\n5357-5357 @12\n2869-2869 @13\n1900-1900 @14\n\
         warning 1:1 command prompt skipped: `# PS C:\\> netsh int ipv4 show excludedportrange protocol=tcp`\n\
         warning 7:1 the rows carry the marker `#` (a comment or quote?); it was removed\n\
         warning 7:1 text after the range 7954-8053 ignored: `<- 8000 falls here!`\n\
         warning 8:1 text after the range 50000-50059 ignored: `(mine)`\n"
    );
    // Near misses: an annotation that starts with a number makes the row ambiguous, and text
    // before the numbers is not a marker.
    let near = "Start Port    End Port\n#  7954  8053  8000\nPorts 7954 8053\n";
    assert_eq!(
        ports_summary(&ports(near.as_bytes())),
        "warning 1:1 not a port range, skipped: `Start Port    End Port`\n\
         warning 2:1 not a port range, skipped: `#  7954  8053  8000`\n\
         warning 3:1 not a port range, skipped: `Ports 7954 8053`\n"
    );
}

#[test]
fn excluded_ports_noise_is_warned() {
    let text =
        "Start Port    End Port\n----------    --------\n  80 70\n  1 2 3\n  abc 5\nfree text at the end\n";
    assert_eq!(
        ports_summary(&ports(text.as_bytes())),
        "warning 3:3 range `80 70` ends before it starts, skipped\n\
         warning 4:3 not a port range, skipped: `1 2 3`\n\
         warning 5:3 not a port range, skipped: `abc 5`\n\
         warning 6:1 not a port range, skipped: `free text at the end`\n"
    );
    assert_eq!(ports_summary(&ports(b"")), "");
}

#[cfg(feature = "corpus")]
#[test]
fn corpus() {
    let root = crate::shared_corpus::corpus();
    let expected_urlacl: &[(&str, &str)] = &[
        (
            "01-https-host-everyone.txt",
            "https://host.domain.com:443/ @5 = https://host.domain.com:443/ sddl=D:(A;;GX;;;WD)\n  \\Everyone listen=Some(true) delegate=Some(false)\nwarning 1:1 command prompt skipped: `C:\\Users\\Administrator>netsh http show urlacl`\n",
        ),
        (
            "02-ssrs-plus-wildcard-trailing-spaces.txt",
            "https://+:443/ReportServer/ @1 = https://+:443/ReportServer/ sddl=D:(A;;GX;;;S-1-5-80-2885764129-887777008-271615777-1616004480-2722851051)\n  NT SERVICE\\ReportServer listen=Some(true) delegate=Some(false)\n",
        ),
    ];
    let expected_ports: &[(&str, &str)] = &[(
        "01-hyperv-ranges.txt",
        "49692-49791 @5\n49792-49891 @6\n49892-49991 @7\n49992-50091 @8\n50092-50191 @9\n50214-50313 @10\n50498-50597 @11\n",
    )];
    let mut count = 0;
    for (folder, expected, urlacl_files) in
        [("urlacl", expected_urlacl, true), ("excludedports", expected_ports, false)]
    {
        let mut names: Vec<String> = std::fs::read_dir(root.join(folder))
            .expect("test input")
            .map(|entry| entry.expect("test input").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let listed: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, listed, "every {folder} sample has its expectation");
        for (name, want) in expected {
            let bytes = std::fs::read(root.join(folder).join(name)).expect("test input");
            let path: Arc<str> = Arc::from(*name);
            let got = if urlacl_files {
                summary(&read_urlacl(&path, &bytes).expect("test input"))
            } else {
                ports_summary(&read_excluded_ports(&path, &bytes).expect("test input"))
            };
            assert_eq!(got, *want, "{folder}/{name}");
            count += 1;
        }
    }
    println!("corpus: read {count} urlacl/excludedports files");
}

#[test]
fn registry_url_acl_info_reads_string_sddl_and_reports_binary_descriptors() {
    use sslbind_core::registry::{interpret, reg};
    let text = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\UrlAclInfo]\r\n\
\"http://+:80/Temporary_Listen_Addresses/\"=\"D:(A;;GX;;;WD)\"\r\n\
\"https://+:443/ReportServer/\"=hex:01,00,04,80,14,00,00,00\r\n";
    let name: Arc<str> = Arc::from("http.reg");
    let tree = reg::read_reg(&name, text.as_bytes()).expect("test input").tree;
    let read = interpret::interpret(&tree, &name);
    assert!(read.url_reservations_found);
    let shown: Vec<(String, Option<String>, usize)> = read
        .url_reservations
        .iter()
        .map(|reservation| (reservation.url.clone(), reservation.sddl.clone(), reservation.users.len()))
        .collect();
    assert_eq!(
        shown,
        [
            ("http://+:80/Temporary_Listen_Addresses/".to_owned(), Some("D:(A;;GX;;;WD)".to_owned()), 1),
            ("https://+:443/ReportServer/".to_owned(), None, 0),
        ]
    );
    assert_eq!(read.url_reservations[0].users[0].name, "\\Everyone");
    assert_eq!(read.url_reservations[0].users[0].listen, Some(true));
    assert_eq!(read.url_reservations[0].users[0].delegate, Some(false));
    assert!(
        read.warnings
            .iter()
            .any(|warning| warning.message.contains("binary self-relative security descriptor")),
        "{:?}",
        read.warnings
    );
    let empty = interpret::interpret(
        &reg::read_reg(&name, b"Windows Registry Editor Version 5.00\r\n").expect("test input").tree,
        &name,
    );
    assert!(!empty.url_reservations_found);
}
