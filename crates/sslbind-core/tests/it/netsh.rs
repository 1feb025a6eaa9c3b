//! Tests of the netsh reader through sslbind-core's public API.
//!
//! Every case goes through `check`, which reads an input and prints what came out as a compact
//! summary (one line per mapping, indented details, then the warnings with line and column), so
//! the reader can change inside without touching the cases. The `corpus` test reads the real,
//! messy samples of the shared corpus (`netsh/`) in the `corpus` suite.

// The corpus tests and their helpers are compiled only in the `corpus` suite.
#![cfg_attr(not(feature = "corpus"), allow(dead_code, unused_imports, unused_mut))]

use std::fmt::Write as _;
use std::sync::Arc;

use crate::support::TextPosition;
use sslbind_core::SourceError;
use sslbind_core::httpsys::{NetshRead, read_netsh};
use sslbind_core::model::{AppId, Mapping, MappingParams, Thumbprint};
use sslbind_core::text::{Encoding, encode};

fn read(bytes: &[u8]) -> Result<NetshRead, SourceError> {
    read_netsh(&Arc::from("sslcert.txt"), bytes)
}

/// What reading `input` gives, as text.
fn check(input: &str) -> String {
    summary(&read(input.as_bytes()))
}

fn summary(result: &Result<NetshRead, SourceError>) -> String {
    let read = match result {
        Ok(read) => read,
        Err(error) => {
            let location = &error.location;
            let (line, column) = (location.line(), location.column());
            return format!("error {line}:{column} {:?}: {}", error.kind, error.message);
        }
    };
    let mut out = String::new();
    for mapping in &read.mappings {
        out.push_str(&describe(mapping));
    }
    for warning in &read.warnings {
        let location = &warning.location;
        let _ = writeln!(out, "warning {}:{} {}", location.line(), location.column(), warning.message);
    }
    if let Some(refusal) = &read.no_record_read {
        let location = &refusal.location;
        let (line, column) = (location.line(), location.column());
        let _ = writeln!(out, "no record read {line}:{column} {:?}: {}", refusal.kind, refusal.message);
    }
    if out.is_empty() {
        out.push_str("nothing\n");
    }
    out
}

fn describe(mapping: &Mapping) -> String {
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let line = mapping.origin.location().map_or(0, |location| location.line());
    let flags = mapping.flags.names().join(",");
    let mut out = format!(
        "{} {} @{line} hash={} app={} store={} flags={}{}\n",
        mapping.key.kind(),
        mapping.key,
        or_dash(mapping.certificate_hash.map(|hash| hash.to_string())),
        or_dash(mapping.app_id.map(|app_id| app_id.to_string())),
        or_dash(mapping.certificate_store.clone()),
        if flags.is_empty() { "-" } else { &flags },
        if mapping.truncated { " truncated" } else { "" },
    );
    let params = &mapping.params;
    if *params != MappingParams::default() {
        let switch = |value: Option<bool>| match value {
            Some(true) => "yes",
            Some(false) => "no",
            None => "?",
        };
        let number = |value: Option<u32>| or_dash(value.map(|n| n.to_string()));
        let _ = writeln!(
            out,
            "  revocation={} cached-only={} usage-check={} freshness={} url-timeout={} ctl={} ctl-store={}",
            switch(params.verify_client_cert_revocation),
            switch(params.verify_revocation_cached_only),
            switch(params.usage_check),
            number(params.revocation_freshness_time),
            number(params.url_retrieval_timeout),
            or_dash(params.ctl_identifier.clone()),
            or_dash(params.ctl_store_name.clone()),
        );
    }
    for property in &mapping.extended_properties {
        let values: Vec<String> =
            property.values.iter().map(|(label, value)| format!("{label}={value}")).collect();
        let id = property.property_id.map_or_else(|| "?".to_owned(), |id| id.to_string());
        let values = if values.is_empty() { "(no values)".to_owned() } else { values.join(", ") };
        let _ = writeln!(out, "  extended {id}: {values}");
    }
    for (label, value) in &mapping.unknown_fields {
        let _ = writeln!(out, "  unknown {label}={value}");
    }
    out
}

/// A complete record of the classic format (Server 2012 R2 to 2016) under `key_line`.
fn classic(key_line: &str) -> String {
    format!(
        "    {key_line}
    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096252c90f2
    Application ID               : {{4dc3e181-e14b-4a21-b022-59fc669b0914}}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
"
    )
}

// ---------------------------------------------------------------------------------------------
// Record kinds and fields.

#[test]
fn ip_record_in_the_classic_format() {
    let input = format!(
        "\nSSL Certificate bindings:\n-------------------------\n\n{}",
        classic("IP:port                      : 0.0.0.0:443")
    );
    insta::assert_snapshot!(check(&input), @r"
ip 0.0.0.0:443 @5 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
");
}

#[test]
fn ipv6_keys_with_and_without_scope_ids() {
    let input = [
        classic("IP:port                      : [::]:443"),
        classic("IP:port                      : [fe80::1%5]:8443"),
        classic("IP:port                      : [fe80::1%eth0]:443"),
    ]
    .join("\n");
    insta::assert_snapshot!(check(&input), @r"
ip [::]:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
ip [fe80::1%5]:8443 @15 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 29:5 record skipped: its key `[fe80::1%eth0]:443` is not an address:port
");
}

#[test]
fn sni_ccs_and_scoped_ccs_records() {
    let input = [
        classic("Hostname:port                : www.contoso.com:443"),
        r"    Central Certificate Store    : 443
    Certificate Hash             : (null)
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : (null)
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
"
        .to_owned(),
        classic("Scoped Central Certificate Store : shop.contoso.com:443"),
        classic("Scoped CCS                   : *.contoso.com:8443"),
    ]
    .join("\n");
    insta::assert_snapshot!(check(&input), @r"
sni www.contoso.com:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
ccs 443 @15 hash=- app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=- flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
scoped-ccs shop.contoso.com:443 @29 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
scoped-ccs *.contoso.com:8443 @43 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
");
}

#[test]
fn every_flag_line_by_its_label() {
    let input = r"
    IP:port                      : 10.0.0.5:443
    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735
    Application ID               : {214124cd-d05b-4309-9af9-9caa44b2b74a}
    Certificate Store Name       : WebHosting
    Verify Client Certificate Revocation : Disabled
    Verify Revocation Using Cached Client Certificate Only : Enabled
    Usage Check                  : Disabled
    Revocation Freshness Time    : 3600
    URL Retrieval Timeout        : 15000
    Ctl Identifier               : ClientCAs
    Ctl Store Name               : Remote Desktop
    DS Mapper Usage              : Enabled
    Negotiate Client Certificate : Enabled
    Reject Connections           : Enabled
    Disable HTTP2                : Set
    Disable QUIC                 : Set
    Disable TLS1.2               : Set
    Disable TLS1.3               : Set
    Disable OCSP Stapling        : Set
    Enable Token Binding         : Set
    Log Extended Events          : Set
    Disable Legacy TLS Versions  : Set
    Enable Session Ticket        : Set
    Disable Session ID           : Set
    Enable Caching Client Hello  : Set
    Enable Client Correlation    : Set
";
    insta::assert_snapshot!(check(input), @r"
ip 10.0.0.5:443 @2 hash=61D34F532DA121BBAB64723C4871E72C92F03735 app={214124cd-d05b-4309-9af9-9caa44b2b74a} store=WebHosting flags=use-ds-mapper,negotiate-client-cert,reject,disable-http2,disable-quic,disable-tls13,disable-ocsp-stapling,enable-token-binding,log-extended-events,disable-legacy-tls,enable-session-ticket,disable-tls12,enable-client-correlation,disable-session-id,enable-cache-client-hello
  revocation=no cached-only=yes usage-check=no freshness=3600 url-timeout=15000 ctl=ClientCAs ctl-store=Remote Desktop
");
}

#[test]
fn flag_lines_that_are_not_set_and_optional_lines_missing() {
    // Fixture 02's shape: the record ends after `Disable Legacy TLS Versions`. The optional
    // flag lines of newer builds may be missing; the record is still complete.
    let input = r"
    IP:port                      : 0.0.0.0:44307
    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735
    Application ID               : {214124cd-d05b-4309-9af9-9caa44b2b74a}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Disabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Reject Connections           : Disabled
    Disable HTTP2                : Not Set
    Disable TLS1.3               : not   set
    Disable Legacy TLS Versions  : Not Set
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:44307 @2 hash=61D34F532DA121BBAB64723C4871E72C92F03735 app={214124cd-d05b-4309-9af9-9caa44b2b74a} store=MY flags=-
  revocation=no cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
");
}

#[test]
fn labels_match_whatever_their_case_and_spacing() {
    let input = r"
ip:PORT : 0.0.0.0:443
CERTIFICATE   HASH:wrong-separator-is-a-bare-line
certificate hash : 5226DC6C54559761CD471B86EB51C096252C90F2
Application ID	:	{4DC3E181-E14B-4A21-B022-59FC669B0914}
Disable  TLS 1.3 : Set
negotiate client certificate : enabled
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=- flags=negotiate-client-cert,disable-tls13
warning 3:1 line skipped: not part of a netsh record: `CERTIFICATE   HASH:wrong-separator-is-a-bare-line`
");
}

#[test]
fn extended_properties_and_unknown_labels_are_kept() {
    let input = r"
    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096252c90f2
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Binding Mode     : Strict
    Certificate Store Name       : MY
    Negotiate Client Certificate : Disabled
    Disable HTTP2                : Not Set
    Enable Quantum Safe Mode     : Set
 Extended Properties:
    PropertyId                   : 0
    Receive Window               : 1048576
 Extended Properties:
    PropertyId                   : 1
    Max Settings Per Frame       : 2796202
    Max Settings Per Minute      : 4294967295
    PropertyId                   : 7
    Future Setting               : on
 Extended Properties:
    PropertyId                   : x
    Log Extended Events          : Set
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=log-extended-events
  extended 0: Receive Window=1048576
  extended 1: Max Settings Per Frame=2796202, Max Settings Per Minute=4294967295
  extended 7: Future Setting=on
  extended ?: (no values)
  unknown Certificate Binding Mode=Strict
  unknown Enable Quantum Safe Mode=Set
warning 5:36 label `Certificate Binding Mode` not recognised; kept as an unknown field
warning 9:36 label `Enable Quantum Safe Mode` not recognised; kept as an unknown field
warning 20:36 `PropertyId` value `x` is not a number; left empty
");
}

#[test]
fn null_store_and_store_case_as_written() {
    let input = [
        classic("IP:port                      : 0.0.0.0:443")
            .replace("Name       : MY", "Name       : (null)"),
        classic("Hostname:port                : sts.margiestravel.com:443")
            .replace("Name       : MY", "Name       : my")
            .replace(
                "Ctl Store Name               : (null)",
                "Ctl Store Name               : adfstrusteddevices",
            ),
    ]
    .join("\n");
    insta::assert_snapshot!(check(&input), @r"
ip 0.0.0.0:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=- flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
sni sts.margiestravel.com:443 @15 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=my flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=adfstrusteddevices
");
}

#[test]
fn invalid_values_leave_the_field_empty_and_keep_the_record() {
    let input = r"
    IP:port                      : 0.0.0.0:443
    Certificate Hash             : af459df0ed47a6fg4b8f6a20caf2488d3bb6e1bb
    Application ID               : {<guid>}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Maybe
    Usage Check                  :
    Revocation Freshness Time    : -1
    URL Retrieval Timeout        : 99999999999
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Disable HTTP2                : Perhaps
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=- app=- store=MY flags=-
warning 3:36 `Certificate Hash` value `af459df0ed47a6fg4b8f6a20caf2488d3bb6e1bb` is not valid (`g` is not a hex digit); left empty
warning 4:36 `Application ID` value `{<guid>}` is not valid (`<` is not a hex digit); left empty
warning 6:44 `Verify Client Certificate Revocation` value `Maybe` is neither enabled nor disabled; left empty
warning 7:35 `Usage Check` has no value; left empty
warning 8:36 `Revocation Freshness Time` value `-1` is not valid (not a whole number up to 4294967295); left empty
warning 9:36 `URL Retrieval Timeout` value `99999999999` is not valid (not a whole number up to 4294967295); left empty
warning 12:36 `Disable HTTP2` value `Perhaps` is neither enabled nor disabled; left empty
");
}

#[test]
fn trailing_annotations_are_cut_off_with_a_warning() {
    let input = r"
    Hostname:port                : shop.contoso.com:443   <-- this one fails
    Certificate Hash             : 07fd6136d6d998b3e5b87ee49eb4075652e79555 (expired!)
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : Web Hosting   # renamed?
    Negotiate Client Certificate : Disabled <- default
    Disable HTTP2                : Not Set   (was Set before)
";
    insta::assert_snapshot!(check(input), @r"
sni shop.contoso.com:443 @2 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=Web Hosting flags=-
warning 2:36 text after the key ignored: `<-- this one fails`
warning 3:36 text after the `Certificate Hash` value ignored: `(expired!)`
warning 5:36 text after the `Certificate Store Name` value ignored: `# renamed?`
warning 6:36 text after the `Negotiate Client Certificate` value ignored: `<- default`
warning 7:36 text after the `Disable HTTP2` value ignored: `(was Set before)`
");
}

#[test]
fn placeholder_key_skips_the_record_with_one_warning() {
    let input = r"
             Example of output:
             -----------------
                IP:port                      : <ip:port>
                Certificate Hash             : <hash>
                Application ID               : {<guid>}
                Negotiate Client Certificate : Disabled
             Extended Properties:
                PropertyId                   : 0
                Hostname:port                : <host:port>
                Certificate Hash             : <hash>
                Central Certificate Store    : 0
";
    insta::assert_snapshot!(check(input), @r"
warning 2:14 line skipped: not part of a netsh record: `Example of output:`
warning 4:17 record skipped: its key `<ip:port>` is not an address:port
warning 10:17 record skipped: its key `<host:port>` is not an address:port (host:port)
warning 12:17 record skipped: its key `0` is not an address:port (for Central Certificate Store: a port)
no record read 4:17 NoRecord: no netsh record could be read from this file: the record at line 4 was skipped because its key `<ip:port>` is not an address:port
");
}

#[test]
fn the_origin_is_the_key_line() {
    let input = format!("SSL Certificate bindings:\n\n{}", classic("IP:port : 0.0.0.0:443"));
    let Ok(read) = read(input.as_bytes()) else {
        panic!("not read");
    };
    let origin = read.mappings.first().map(|mapping| mapping.origin.to_string());
    assert_eq!(origin.as_deref(), Some("sslcert.txt:3"));
    let column =
        read.mappings.first().and_then(|mapping| mapping.origin.location().map(|location| location.column()));
    assert_eq!(column, Some(5));
}

// ---------------------------------------------------------------------------------------------
// Encodings and layout.

#[test]
fn every_encoding_and_line_end_reads_the_same() {
    let text = format!(
        "SSL Certificate bindings:\n-------------------------\n\n{}",
        classic("Hostname:port : bücher.example:443")
    );
    let expected = check(&text);
    insta::assert_snapshot!(expected, @r"
sni bücher.example:443 @4 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
");
    let crlf = text.replace('\n', "\r\n");
    for encoding in [Encoding::Utf8, Encoding::Utf8Bom, Encoding::Utf16Le, Encoding::Utf16Be] {
        for input in [&text, &crlf] {
            let got = summary(&read(&encode(input, encoding)));
            assert_eq!(got, expected, "{encoding:?}");
        }
    }
}

#[test]
fn invalid_bytes_are_replaced_with_a_warning() {
    let mut bytes = classic("IP:port : 0.0.0.0:443").into_bytes();
    bytes.extend_from_slice(b"    Ctl Store Name \xff\xfe : x\n");
    insta::assert_snapshot!(summary(&read(&bytes)), @r"
ip 0.0.0.0:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
  unknown Ctl Store Name ��=x
warning 1:1 the file is not valid UTF-8 or UTF-16: invalid bytes were replaced with U+FFFD
warning 14:25 label `Ctl Store Name ��` not recognised; kept as an unknown field
");
}

#[test]
fn indentation_from_none_to_sixteen_spaces_varying_per_line() {
    let input = "IP:port                      : 0.0.0.0:44307
    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735
                Application ID               : {214124cd-d05b-4309-9af9-9caa44b2b74a}
 Certificate Store Name       : MY
\tVerify Client Certificate Revocation : Enabled
        Usage Check                  : Enabled
Negotiate Client Certificate : Disabled
  Extended Properties:
                PropertyId : 0
Receive Window : 1048576
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:44307 @1 hash=61D34F532DA121BBAB64723C4871E72C92F03735 app={214124cd-d05b-4309-9af9-9caa44b2b74a} store=MY flags=-
  revocation=yes cached-only=? usage-check=yes freshness=- url-timeout=- ctl=- ctl-store=-
  extended 0: Receive Window=1048576
");
}

#[test]
fn blank_lines_inside_and_between_records_do_not_matter() {
    let input = "
    IP:port                      : 0.0.0.0:443

    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096252c90f2


    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Negotiate Client Certificate : Disabled
    Hostname:port                : a.example.com:443
    Certificate Hash             : 07fd6136d6d998b3e5b87ee49eb4075652e79555

    Negotiate Client Certificate : Enabled
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=- flags=-
sni a.example.com:443 @9 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app=- store=- flags=negotiate-client-cert
");
}

// ---------------------------------------------------------------------------------------------
// Noise around the output.

#[test]
fn prompts_doubled_headers_and_stray_lines_are_skipped() {
    let input = format!(
        r"SSL Certificate bindings:
-------------------------
RESULTS:
------------------------------------------------------------------------
PS C:\WINDOWS\system32> netsh http show sslcert ipport=0.0.0.0:443

SSL Certificate bindings:
-------------------------

{}
C:\Users\admin>netsh http show sslcert hostnameport=a.example.com:443
netsh http>show sslcert
$ netsh.exe http show sslcert
```
",
        classic("IP:port                      : 0.0.0.0:443")
    );
    insta::assert_snapshot!(check(&input), @r"
ip 0.0.0.0:443 @10 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 3:1 line skipped: not part of a netsh record: `RESULTS:`
warning 5:1 command prompt skipped: `PS C:\WINDOWS\system32> netsh http show sslcert ipport=0.0.0…`
warning 24:1 command prompt skipped: `C:\Users\admin>netsh http show sslcert hostnameport=a.exampl…`
warning 25:1 command prompt skipped: `netsh http>show sslcert`
warning 26:1 command prompt skipped: `$ netsh.exe http show sslcert`
warning 27:1 line skipped: not part of a netsh record: `````
");
}

#[test]
fn near_misses_are_not_records() {
    let input = r#"
C:\> netsh http show sslcert ipport=0.0.0.0:443
PS C:\> Write-Output "IP:port : 0.0.0.0:443"
# IP:port : 0.0.0.0:443
IP:port:0.0.0.0:443
The IP:port : 0.0.0.0:443 record is the one
    Hostname:port                : a.example.com:443
    Redirect IP:port             : 10.0.0.1:443
    Negotiate Client Certificate : Disabled
"#;
    insta::assert_snapshot!(check(input), @r#"
sni a.example.com:443 @7 hash=- app=- store=- flags=-
  unknown Redirect IP:port=10.0.0.1:443
warning 2:1 command prompt skipped: `C:\> netsh http show sslcert ipport=0.0.0.0:443`
warning 3:1 command prompt skipped: `PS C:\> Write-Output "IP:port : 0.0.0.0:443"`
warning 4:1 a field line skipped: no key line before it
warning 5:1 line skipped: not part of a netsh record: `IP:port:0.0.0.0:443`
warning 6:1 a field line skipped: no key line before it
warning 8:36 label `Redirect IP:port` not recognised; kept as an unknown field
"#);
}

#[test]
fn markdown_quoting_is_removed() {
    let quoted: String = classic("Hostname:port                : sts.margiestravel.com:443")
        .lines()
        .map(|line| format!(">{line}\n"))
        .collect();
    let input = format!(">\n> C:\\Windows\\system32>netsh http show sslcert\n>\n{quoted}");
    insta::assert_snapshot!(check(&input), @r"
sni sts.margiestravel.com:443 @4 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 2:3 command prompt skipped: `C:\Windows\system32>netsh http show sslcert`
");
    // Quoted twice, only the columns move.
    let nested: String = input.lines().map(|line| format!("> {line}\n")).collect();
    let without_columns = |summary: String| {
        summary
            .lines()
            .map(|line| {
                line.split_once(' ').filter(|_| line.starts_with("warning")).map_or(line, |(_, rest)| rest)
            })
            .map(|line| {
                line.split_once(' ').filter(|(head, _)| head.contains(':')).map_or(line, |(_, rest)| rest)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_columns(check(&nested)), without_columns(check(&input)));
}

#[test]
fn a_prefix_on_most_lines_is_removed_once() {
    let prefixed: String = format!(
        "Checking port 443 certificate binding...\nSSL Certificate bindings:\n\n{}",
        classic("IP:port                      : 0.0.0.0:443")
    )
    .lines()
    .map(|line| format!("VERBOSE: {line}\n"))
    .collect();
    let input = format!("{prefixed}PS C:\\> exit\n");
    insta::assert_snapshot!(check(&input), @r"
ip 0.0.0.0:443 @4 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 1:1 the lines carry the prefix `VERBOSE:` (a PowerShell stream label?); it was removed
warning 1:10 line skipped: not part of a netsh record: `Checking port 443 certificate binding...`
warning 17:1 command prompt skipped: `PS C:\> exit`
");
}

#[test]
fn an_elision_ends_the_record_and_following_fields_are_orphans() {
    let input = r"
    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096252c90f2
...
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled

    IP:port                      : 0.0.0.0:8443
    Certificate Hash             : 61d34f53…
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Negotiate Client Certificate : Disabled
[...]
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=- flags=- truncated
ip 0.0.0.0:8443 @8 hash=- app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=- flags=- truncated
warning 2:5 record `0.0.0.0:443` is cut short (an elision follows it); kept with the fields it has
warning 4:1 elision `...`: the output was shortened here
warning 5:5 2 field lines skipped: no key line before them
warning 8:5 record `0.0.0.0:8443` is cut short (an elision follows it); kept with the fields it has
warning 9:36 `Certificate Hash` value `61d34f53…` was elided; left empty
warning 12:1 elision `[...]`: the output was shortened here
");
}

#[test]
fn a_repeated_label_means_the_key_line_was_lost() {
    let input = r"
    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096252c90f2
    Negotiate Client Certificate : Disabled
    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735
    Negotiate Client Certificate : Enabled
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=- flags=-
warning 5:5 2 field lines skipped: a second `Certificate Hash` line: the record at line 2 ended before it
");
}

#[test]
fn a_record_pasted_twice_is_kept_once() {
    let complete = classic("Hostname:port : A.example.com:443");
    let cut: String = complete.lines().take(4).map(|line| format!("{line}\n")).collect();
    let input = format!("{cut}\n{complete}\n{}", complete.replace("A.example.com", "a.EXAMPLE.com"));
    insta::assert_snapshot!(check(&input), @r"
sni A.example.com:443 @6 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 1:5 record `A.example.com:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 6:5 record `A.example.com:443` appears again (first at line 1, cut short there); this complete one is kept
warning 20:5 record `a.EXAMPLE.com:443` appears again (first at line 6); this one is skipped
");
}

#[test]
fn unicode_punycode_and_trailing_dot_spellings_of_a_host_are_one_record() {
    let input = [
        classic("Hostname:port : bücher.example:443"),
        classic("Hostname:port : XN--BCHER-KVA.example:443"),
        classic("Hostname:port : Bücher.example.:443"),
    ]
    .join("\n");
    insta::assert_snapshot!(check(&input), @r"
sni bücher.example:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 15:5 record `XN--BCHER-KVA.example:443` appears again (first at line 1); this one is skipped
warning 29:5 record `Bücher.example.:443` appears again (first at line 1); this one is skipped
");
}

// ---------------------------------------------------------------------------------------------
// Records cut short.

#[test]
fn a_record_missing_its_last_classic_line_is_truncated() {
    let input: String = classic("Hostname:port                : b.xyz.com:443")
        .lines()
        .take(11)
        .map(|line| format!("{line}\n"))
        .collect();
    insta::assert_snapshot!(check(&input), @r"
sni b.xyz.com:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=- truncated
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 1:5 record `b.xyz.com:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
}

#[test]
fn a_last_line_cut_in_a_word_is_read_carefully() {
    let base = classic("IP:port : 0.0.0.0:443");
    let complete_but_cut =
        base.replace("Negotiate Client Certificate : Disabled", "Negotiate Client Certificate : Disab");
    insta::assert_snapshot!(check(&complete_but_cut), @r"
ip 0.0.0.0:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=- truncated
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 1:5 record `0.0.0.0:443` is cut short (its last line is cut off); kept with the fields it has
warning 13:36 `Negotiate Client Certificate` value `Disab` is cut off; read as `Disabled`
");

    let usage_cut: String = base
        .lines()
        .take(7)
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        .replace("Usage Check                  : Enabled", "Usage Check                  : Enable");
    insta::assert_snapshot!(check(&usage_cut), @r"
ip 0.0.0.0:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=- truncated
  revocation=yes cached-only=no usage-check=yes freshness=- url-timeout=- ctl=- ctl-store=-
warning 1:5 record `0.0.0.0:443` is cut short (its last line is cut off); kept with the fields it has
warning 7:36 `Usage Check` value `Enable` is cut off; read as `Enabled`
");

    // Not on the last line, `Enable` is not a word netsh prints.
    let inside = base.replace("Usage Check                  : Enabled", "Usage Check : Enable");
    insta::assert_snapshot!(check(&inside), @r"
ip 0.0.0.0:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=? freshness=0 url-timeout=0 ctl=- ctl-store=-
warning 7:19 `Usage Check` value `Enable` is neither enabled nor disabled; left empty
");
}

#[test]
fn a_last_line_cut_before_its_value_or_colon() {
    let lines: Vec<&str> = [
        "    IP:port                      : 0.0.0.0:443",
        "    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096",
    ]
    .to_vec();
    insta::assert_snapshot!(check(&lines.join("\n")), @r"
ip 0.0.0.0:443 @1 hash=- app=- store=- flags=- truncated
warning 1:5 record `0.0.0.0:443` is cut short (its last line is cut off); kept with the fields it has
warning 2:36 `Certificate Hash` value `5226dc6c54559761cd471b86eb51c096` is cut off; left empty
");
    insta::assert_snapshot!(check("IP:port : 0.0.0.0:443\nCertificate Hash : 5226dc6c54559761cd471b86eb51c096252c90f2\nApplication ID :"), @r"
ip 0.0.0.0:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=- flags=- truncated
warning 1:1 record `0.0.0.0:443` is cut short (its last line is cut off); kept with the fields it has
warning 3:17 `Application ID` is cut off before its value
");
    insta::assert_snapshot!(check("IP:port : 0.0.0.0:443\n    DS Mapper Usa"), @r"
ip 0.0.0.0:443 @1 hash=- app=- store=- flags=- truncated
warning 1:1 record `0.0.0.0:443` is cut short (its last line is cut off); kept with the fields it has
warning 2:5 the line is cut off before its value: `DS Mapper Usa`
");
    insta::assert_snapshot!(check("IP:port : 0.0.0.0:443"), @r"
ip 0.0.0.0:443 @1 hash=- app=- store=- flags=- truncated
warning 1:1 record `0.0.0.0:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
}

// ---------------------------------------------------------------------------------------------
// Localised output.

const GERMAN: &str = r"SSL-Zertifikatbindungen:
-------------------------

    IP:Port                      : 0.0.0.0:443
    Zertifikathash               : 5226dc6c54559761cd471b86eb51c096252c90f2
    Anwendungs-ID                : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Zertifikatspeichername       : My
    Überprüfung der Clientzertifikatsperrung : Aktiviert
    Sperrüberprüfung nur mit zwischengespeichertem Clientzertifikat : Deaktiviert
    Verwendungsüberprüfung       : Aktiviert
    Sperrungsaktualitätszeit     : 0
    URL-Abruftimeout             : 0
    CTL-Bezeichner               : (null)
    CTL-Speichername             : (null)
    DS-Zuordnungsverwendung      : Deaktiviert
    Clientzertifikat aushandeln  : Aktiviert
    HTTP2 deaktivieren           : Nicht festgelegt

    Hostname:Port                : www.beispiel.de:443
    Zertifikathash               : 07fd6136d6d998b3e5b87ee49eb4075652e79555
    Anwendungs-ID                : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Zertifikatspeichername       : WebHosting
";

#[test]
fn german_output_is_read_by_position() {
    insta::assert_snapshot!(check(GERMAN), @r"
ip 0.0.0.0:443 @4 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=My flags=negotiate-client-cert
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
  unknown HTTP2 deaktivieren=Nicht festgelegt
sni www.beispiel.de:443 @19 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=WebHosting flags=- truncated
warning 1:1 line skipped: not part of a netsh record: `SSL-Zertifikatbindungen:`
warning 4:5 record `0.0.0.0:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (12 of 12)
warning 17:36 label `HTTP2 deaktivieren` not recognised; kept as an unknown field
warning 19:5 record `www.beispiel.de:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (3 of 12)
warning 19:5 record `www.beispiel.de:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
}

#[test]
fn elided_values_fit_their_position() {
    let input = "IP:Port : 0.0.0.0:8091\nZertifikathash : af459df0ed47a6f...\nAnwendungs-ID : {4dc3e181-e14b-4a21-b022-59fc669b0914}\n";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:8091 @1 hash=- app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=- flags=- truncated
warning 1:1 record `0.0.0.0:8091`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (2 of 12)
warning 1:1 record `0.0.0.0:8091` is cut short (a value was elided); kept with the fields it has
warning 2:18 `Certificate Hash` value `af459df0ed47a6f...` was elided; left empty
");
}

#[test]
fn localised_key_labels_are_recognised_by_their_value() {
    let input = r"
    IP:порт                      : [::1]:443
    Хэш сертификата              : 5226dc6c54559761cd471b86eb51c096252c90f2
    Host-Name:Port               : www.beispiel.de:443
    Zertifikathash               : 07fd6136d6d998b3e5b87ee49eb4075652e79555
";
    insta::assert_snapshot!(check(input), @r"
ip [::1]:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=- flags=- truncated
sni www.beispiel.de:443 @4 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app=- store=- flags=- truncated
warning 2:5 key label `IP:порт` not recognised; read as an `ip` record from the shape of its value `[::1]:443`
warning 2:5 record `[::1]:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (1 of 12)
warning 2:5 record `[::1]:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 4:5 key label `Host-Name:Port` not recognised; read as an `sni` record from the shape of its value `www.beispiel.de:443`
warning 4:5 record `www.beispiel.de:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (1 of 12)
warning 4:5 record `www.beispiel.de:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
}

#[test]
fn unknown_localised_words_are_left_empty() {
    let input = r"
    IP:port                      : 0.0.0.0:443
    Hachage du certificat        : 5226dc6c54559761cd471b86eb51c096252c90f2
    ID de l'application          : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Nom du magasin de certificats : MY
    Vérifier la révocation des certificats clients : Activé
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=- truncated
warning 2:5 record `0.0.0.0:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (4 of 12)
warning 2:5 record `0.0.0.0:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 6:54 `Verify Client Certificate Revocation` value `Activé` is neither enabled nor disabled; left empty
");
}

#[test]
fn localised_output_that_cannot_be_placed_is_refused() {
    // A build that prints one more field: the GUID is no longer where it should be.
    let shifted = GERMAN
        .replace("    Anwendungs-ID", "    Zertifikatspeicherort        : LocalMachine\n    Anwendungs-ID");
    insta::assert_snapshot!(check(&shifted), @r"
error 6:36 Localised: the output appears to be localised: the labels of the record at line 4 were not recognised, and `LocalMachine` does not look like the `Application ID` expected at its position, so its fields cannot be read safely; run `netsh http show sslcert` with English output
");
    // A known flag line inside the classic fields: they are not all there.
    let short = "IP:Port : 0.0.0.0:443\nZertifikathash : (null)\nDisable HTTP2 : Set\n";
    insta::assert_snapshot!(check(short), @r"
error 3:17 Localised: the output appears to be localised: the labels of the record at line 1 were not recognised, and this line stands where `Application ID` was expected, so its fields cannot be read safely; run `netsh http show sslcert` with English output
");
}

/// French output as Windows prints it: key labels with spaces, a label that ends in its own
/// ` :`, and a flag line without a space after the colon.
const FRENCH: &str = "Liaisons de certificats SSL :
-----------------------------

    Adresse IP:port              : 0.0.0.0:443
    Hachage du certificat        : 5226dc6c54559761cd471b86eb51c096252c90f2
    ID de l'application          : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Nom du magasin de certificats :       : MY
    Vérifier la révocation des certificats clients : Enabled
    Vérifier la révocation avec le certificat client en cache uniquement : Disabled
    Vérification de l'utilisation : Enabled
    Temps d'actualisation de la révocation : 0
    Délai d'expiration de récupération de l'URL : 0
    Identificateur CTL           : (null)
    Nom du magasin CTL           : (null)
    Utilisation du mappeur DS    : Disabled
    Négocier le certificat client : Disabled
    Désactiver HTTP2             :Not Set

    Nom d'hôte:port              : www.exemple.fr:443
    Hachage du certificat        : 07fd6136d6d998b3e5b87ee49eb4075652e79555
    ID de l'application          : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Nom du magasin de certificats :       : WebHosting

    Adresse IP:port              : 10.0.0.5:8443
    Hachage du certificat        : 5226dc6c54559761cd471b86eb51c096252c90f2
";

#[test]
fn localised_key_labels_with_spaces_start_records() {
    insta::assert_snapshot!(check(FRENCH), @r"
ip 0.0.0.0:443 @4 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
  unknown Désactiver HTTP2=Not Set
sni www.exemple.fr:443 @19 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=WebHosting flags=- truncated
ip 10.0.0.5:8443 @24 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=- flags=- truncated
warning 4:5 key label `Adresse IP:port` not recognised; read as an `ip` record from the shape of its value `0.0.0.0:443`
warning 4:5 record `0.0.0.0:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (12 of 12)
warning 17:35 label `Désactiver HTTP2` not recognised; kept as an unknown field
warning 19:5 key label `Nom d'hôte:port` not recognised; read as an `sni` record from the shape of its value `www.exemple.fr:443`
warning 19:5 record `www.exemple.fr:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (3 of 12)
warning 19:5 record `www.exemple.fr:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 24:5 key label `Adresse IP:port` not recognised; read as an `ip` record from the shape of its value `10.0.0.5:8443`
warning 24:5 record `10.0.0.5:8443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (1 of 12)
warning 24:5 record `10.0.0.5:8443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
    // Spanish, without a blank line between the first two records: a label that started one
    // record starts the next wherever it appears.
    let spanish = "    Dirección IP:puerto          : [::]:443
    Hash de certificado          : 5226dc6c54559761cd471b86eb51c096252c90f2
    Dirección IP:puerto          : 10.1.2.3:443
    Hash de certificado          : 07fd6136d6d998b3e5b87ee49eb4075652e79555

    Nombre de host:puerto        : api.ejemplo.es:44300
";
    insta::assert_snapshot!(check(spanish), @r"
ip [::]:443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=- flags=- truncated
ip 10.1.2.3:443 @3 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app=- store=- flags=- truncated
sni api.ejemplo.es:44300 @6 hash=- app=- store=- flags=- truncated
warning 1:5 key label `Dirección IP:puerto` not recognised; read as an `ip` record from the shape of its value `[::]:443`
warning 1:5 record `[::]:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (1 of 12)
warning 1:5 record `[::]:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 3:5 key label `Dirección IP:puerto` not recognised; read as an `ip` record from the shape of its value `10.1.2.3:443`
warning 3:5 record `10.1.2.3:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (1 of 12)
warning 3:5 record `10.1.2.3:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 6:5 key label `Nombre de host:puerto` not recognised; read as an `sni` record from the shape of its value `api.ejemplo.es:44300`
warning 6:5 record `api.ejemplo.es:44300` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
    // A label not seen before, inside a record and without a blank line before it, could be a
    // field of that record: the record cannot be read by position, and is refused rather
    // than guessed.
    let run_on = spanish.replace("\n\n", "\n");
    // No-break spaces, as French typography writes them, separate words like spaces.
    let no_break = FRENCH.replace("Adresse IP:port ", "Adresse\u{a0}IP:port\u{a0}");
    assert_eq!(summary(&read(no_break.as_bytes())).lines().next(), check(FRENCH).lines().next());
    insta::assert_snapshot!(check(&run_on), @r"
error 5:36 Localised: the output appears to be localised: the labels of the record at line 3 were not recognised, and `api.ejemplo.es:44300` does not look like the `Application ID` expected at its position, so its fields cannot be read safely; run `netsh http show sslcert` with English output
");
}

#[test]
fn a_label_with_spaces_is_a_key_only_where_a_record_can_start() {
    // Inside a record, with no blank line before it, it is a field of that record; after a
    // blank line, with text after the address, it is a sentence.
    let input = format!(
        "{}    Serveur de secours IP:port   : 10.0.0.9:443

Adresse IP:port : 0.0.0.0:443 est celle du site
",
        classic("IP:port                      : 0.0.0.0:8443")
    );
    insta::assert_snapshot!(check(&input), @r"
ip 0.0.0.0:8443 @1 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=-
  revocation=yes cached-only=no usage-check=yes freshness=0 url-timeout=0 ctl=- ctl-store=-
  unknown Serveur de secours IP:port=10.0.0.9:443
  unknown Adresse IP:port=0.0.0.0:443 est celle du site
warning 14:36 label `Serveur de secours IP:port` not recognised; kept as an unknown field
warning 16:19 label `Adresse IP:port` not recognised; kept as an unknown field
");
}

#[test]
fn a_label_that_ends_in_its_own_colon() {
    let input = "
    IP:port                      : 0.0.0.0:443
    Certificate Hash             :   : 5226dc6c54559761cd471b86eb51c096252c90f2
    Certificate Store Name :       : MY
    Ctl Identifier               : x :y
    Ctl Store Name :             :Root

    Adresse IP:port :            : 10.0.0.1:443
    Hachage du certificat :      : 07fd6136d6d998b3e5b87ee49eb4075652e79555
";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app=- store=MY flags=- truncated
  revocation=? cached-only=? usage-check=? freshness=- url-timeout=- ctl=x :y ctl-store=Root
ip 10.0.0.1:443 @8 hash=07FD6136D6D998B3E5B87EE49EB4075652E79555 app=- store=- flags=- truncated
warning 2:5 record `0.0.0.0:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
warning 8:5 key label `Adresse IP:port` not recognised; read as an `ip` record from the shape of its value `10.0.0.1:443`
warning 8:5 record `10.0.0.1:443`: the field labels were not recognised (localised output?); the fields were read by position in the classic order (1 of 12)
warning 8:5 record `10.0.0.1:443` is cut short (it stops before `Negotiate Client Certificate`); kept with the fields it has
");
}

#[test]
fn a_colon_with_a_space_on_one_side_only_separates() {
    let input = "
IP:port: 0.0.0.0:443
Certificate Hash: 5226dc6c54559761cd471b86eb51c096252c90f2
Application ID :{4dc3e181-e14b-4a21-b022-59fc669b0914}
Certificate Store Name: MY
Revocation Freshness Time: 0
Disable HTTP2 :Not Set
Hostname:port:a.example.com:443
RESULTS:
Usage Check:";
    insta::assert_snapshot!(check(input), @r"
ip 0.0.0.0:443 @2 hash=5226DC6C54559761CD471B86EB51C096252C90F2 app={4dc3e181-e14b-4a21-b022-59fc669b0914} store=MY flags=- truncated
  revocation=? cached-only=? usage-check=? freshness=0 url-timeout=- ctl=- ctl-store=-
warning 2:1 record `0.0.0.0:443` is cut short (its last line is cut off); kept with the fields it has
warning 8:1 line skipped: not part of a netsh record: `Hostname:port:a.example.com:443`
warning 9:1 line skipped: not part of a netsh record: `RESULTS:`
warning 10:13 `Usage Check` is cut off before its value
");
}

#[test]
fn record_like_lines_without_a_record_are_refused() {
    // Fields whose key line was left out (or is localised beyond recognition).
    let orphans = "
    Adresse IP                   : 0.0.0.0:443
    Hachage du certificat        : 5226dc6c54559761cd471b86eb51c096252c90f2
";
    insta::assert_snapshot!(check(orphans), @r"
warning 2:5 2 field lines skipped: no key line before them
no record read 2:5 Localised: no netsh record could be read from this file: line 2 has the shape of a record's field, but no key line (`IP:port`, `Hostname:port`, `Central Certificate Store`, or a localised label of the shape `words:word` with an address:port value) starts a record before it; the output may be localised beyond what can be read safely, or its key lines were left out: save it with English output
");
    // Near misses: a localised header and rule alone, prose, and nothing at all are an
    // empty store, not a refusal.
    for empty in ["Liaisons de certificats SSL :\n-----------------------------\n\n", "just some words\n", ""]
    {
        let Ok(read) = read(empty.as_bytes()) else {
            panic!("{empty:?} reads");
        };
        assert!(
            read.mappings.is_empty() && read.no_record_read.is_none(),
            "{empty:?}: {:?}",
            read.no_record_read
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input.

#[test]
fn nothing_in_nothing_out() {
    insta::assert_snapshot!(check(""), @r"
nothing
");
    insta::assert_snapshot!(check("SSL Certificate bindings:\n-------------------------\n\n"), @r"
nothing
");
}

#[test]
fn binary_garbage_does_not_panic() {
    // A fixed pseudo-random sequence (xorshift), so that a failure can be replayed.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    for input in [&bytes[..], &bytes[..999_999], &bytes[1..]] {
        match read(input) {
            Ok(read) => assert!(!read.warnings.is_empty()),
            Err(error) => assert!(!error.message.is_empty()),
        }
    }
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend_from_slice(&bytes[..4097]);
    assert!(read(&utf16).is_ok_and(|read| !read.warnings.is_empty()));
}

#[test]
fn one_endless_line_gives_one_warning() {
    let line = "IP:port : ".to_owned() + &"0".repeat(10_000_000);
    insta::assert_snapshot!(check(&line), @r"
warning 1:1 record skipped: its key `000000000000000000000000000000000000000000000000000000000000…` is not an address:port
no record read 1:1 NoRecord: no netsh record could be read from this file: the record at line 1 was skipped because its key `000000000000000000000000000000000000000000000000000000000000…` is not an address:port
");
    let bare = "x".repeat(10_000_000);
    let Ok(read) = read(bare.as_bytes()) else {
        panic!("a bare line is noise, not an error");
    };
    assert_eq!((read.mappings.len(), read.warnings.len()), (0, 1));
    assert!(read.no_record_read.is_none(), "a line without a colon is not shaped like a record");
    assert!(read.warnings.iter().all(|warning| warning.message.len() < 200));
}

#[test]
fn many_noise_lines_are_summarised() {
    let input = "noise\n".repeat(1000);
    let Ok(read) = read(input.as_bytes()) else {
        panic!("noise is not an error");
    };
    assert_eq!(read.warnings.len(), 101);
    insta::assert_snapshot!(read.warnings.last().map(|warning| warning.to_string()).unwrap_or_default(), @r"
sslcert.txt:101:1: 900 more warnings from here on are not listed
");
}

#[test]
fn large_listings_are_read_whole() {
    let mut input = String::from("SSL Certificate bindings:\n-------------------------\n\n");
    for n in 0..5_000u32 {
        let [_, _, high, low] = n.to_be_bytes();
        input.push_str(&classic(&format!("IP:port : 10.{high}.{low}.1:443")));
        input.push('\n');
    }
    let Ok(read) = read(input.as_bytes()) else {
        panic!("a clean listing is not an error");
    };
    assert_eq!(read.mappings.len(), 5_000);
    assert!(read.warnings.is_empty());
    assert!(read.mappings.iter().all(|mapping| !mapping.truncated));
}

// ---------------------------------------------------------------------------------------------
// The shared corpus.

/// What one record of a corpus file must read as.
struct Expected {
    kind: &'static str,
    key: &'static str,
    hash: Option<&'static str>,
    app_id: &'static str,
    store: Option<&'static str>,
    flags: &'static [&'static str],
    truncated: bool,
}

const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
const IIS_EXPRESS: &str = "{214124cd-d05b-4309-9af9-9caa44b2b74a}";
const ADFS: &str = "{5d89a20c-beab-4389-9447-324788eb944a}";

/// Every file of `fixtures/netsh/`, written out by hand from the files.
fn corpus_expectations(name: &str) -> Option<Vec<Expected>> {
    let express = |port: &'static str, flags: &'static [&'static str]| Expected {
        kind: "ip",
        key: port,
        hash: Some("61D34F532DA121BBAB64723C4871E72C92F03735"),
        app_id: IIS_EXPRESS,
        store: Some("MY"),
        flags,
        truncated: false,
    };
    let adfs = |key: &'static str, truncated: bool| Expected {
        kind: "sni",
        key,
        hash: Some("2D125F4D735DEF823178E8F17E6579D04FB97B7A"),
        app_id: ADFS,
        store: Some("my"),
        flags: &[],
        truncated,
    };
    let xyz = |key: &'static str, hash: &'static str, truncated: bool| Expected {
        kind: "sni",
        key,
        hash: Some(hash),
        app_id: IIS,
        store: Some("WebHosting"),
        flags: &[],
        truncated,
    };
    Some(match name {
        "01-win10-extended-properties-nbstrat.txt" => vec![express("0.0.0.0:44307", &[])],
        "02-win10-trimmed-nbstrat.txt" => vec![express("0.0.0.0:44307", &[])],
        "03-win10-ps-prompt-noise-nbstrat.txt" => {
            vec![express("0.0.0.0:44304", &["negotiate-client-cert"])]
        }
        "05-azure-pipelines-ext-140-storename-null.txt" => vec![Expected {
            kind: "ip",
            key: "0.0.0.0:443",
            hash: Some("5226DC6C54559761CD471B86EB51C096252C90F2"),
            app_id: IIS,
            store: None,
            flags: &[],
            truncated: false,
        }],
        "06-adfs-sni-hostnameport-adfsanalyzer-41-partial.txt" => {
            vec![adfs("sts.margiestravel.com:443", false), adfs("sts.margiestravel.com:49443", true)]
        }
        "09-de-ps-verbose-prefixed-partial.txt" => vec![Expected {
            kind: "ip",
            key: "0.0.0.0:8091",
            hash: None,
            app_id: "-",
            store: None,
            flags: &[],
            truncated: true,
        }],
        "11-aspnet-httpsys-comment-session-id-caching-client-hello.txt" => vec![],
        "12-winacme-198-sni-webhosting-store-partial.txt" => vec![
            xyz("a.xyz.com:443", "07FD6136D6D998B3E5B87EE49EB4075652E79555", false),
            xyz("b.xyz.com:443", "4F19C4880D9CC98DDA9E4A100FFB471E67BD18EB", true),
        ],
        _ => return None,
    })
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_netsh_fixtures() {
    let folder = crate::shared_corpus::corpus().join("netsh");
    let names = crate::shared_corpus::files("netsh");
    for name in &names {
        let Ok(bytes) = std::fs::read(folder.join(name)) else {
            panic!("{name} cannot be read");
        };
        let Some(expected) = corpus_expectations(name) else {
            panic!("{name} has no expectations: write them out from the file");
        };
        let read = match read_netsh(&Arc::from(name.as_str()), &bytes) {
            Ok(read) => read,
            Err(error) => panic!("{name}: {error}"),
        };
        let got: Vec<String> = read.mappings.iter().map(corpus_line).collect();
        let want: Vec<String> = expected.iter().map(expected_line).collect();
        assert_eq!(got, want, "{name}");
        // Every sample that is not a clean paste must say what it skipped or guessed.
        let clean = name.starts_with("01-") || name.starts_with("02-") || name.starts_with("05-");
        assert_eq!(read.warnings.is_empty(), clean, "{name}: {:?}", read.warnings);
    }
    println!("corpus: read {} netsh files", names.len());
}

fn corpus_line(mapping: &Mapping) -> String {
    format!(
        "{} {} {} {} {} {:?} {}",
        mapping.key.kind(),
        mapping.key,
        mapping.certificate_hash.map_or_else(|| "-".to_owned(), |hash| hash.to_string()),
        mapping.app_id.map_or_else(|| "-".to_owned(), |app_id| app_id.to_string()),
        mapping.certificate_store.as_deref().unwrap_or("-"),
        mapping.flags.names(),
        mapping.truncated,
    )
}

fn expected_line(expected: &Expected) -> String {
    // Parsing the expectations independently checks the canonical forms as well.
    let hash = expected.hash.map_or_else(
        || "-".to_owned(),
        |hash| match Thumbprint::parse(hash) {
            Ok(hash) => hash.to_string(),
            Err(error) => panic!("bad expectation {hash}: {error}"),
        },
    );
    let app_id = match AppId::parse(expected.app_id) {
        Ok(app_id) => app_id.to_string(),
        Err(_) => expected.app_id.to_owned(),
    };
    let flags: Vec<String> = expected.flags.iter().map(|flag| (*flag).to_owned()).collect();
    format!(
        "{} {} {hash} {app_id} {} {flags:?} {}",
        expected.kind,
        expected.key,
        expected.store.unwrap_or("-"),
        expected.truncated,
    )
}
