//! Option values as users type them: a bad one is clap's usage error naming the option
//! (exit 2) before anything is read; thumbprints are taken in every spelling people copy, as
//! prefixes and as names; `.pfx` passwords come from the option, a file or the environment
//! and never show.

use serde_json::Value;

use crate::util::{sslbind, sslbind_json, sslbind_with_env};
use sslbind::cli::Cli;

const EXAMPLE: &str = "examples/iis-express-dev";
const HOSTING: &str = "examples/hosting-server";
/// A folder that does not exist: a value error must come before any attempt to read it.
const NOWHERE: &str = "no-such-machine-folder";
const LEXTUDIO: &str = "93F1ADE0962CE66BF7EE6C76E16A97838E36800B";

#[test]
fn a_bad_value_is_a_usage_error_naming_the_option_before_anything_is_read() {
    let map = |key: &'static str, value: &'static str| vec!["mapping", "remove", NOWHERE, key, value];
    let add = |value: &'static str| {
        vec!["binding", "add", NOWHERE, "--site", "s", "--binding", "*:443:h", "--certificate", value]
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["bindings", NOWHERE, "--now", "soon"],
            "invalid value 'soon' for '--now <TIME>': expected an RFC 3339 time such as 2026-06-01T00:00:00Z, \
             or a date such as 2026-06-01 (midnight UTC)",
        ),
        (
            vec!["resolve", "https://a.example.com/", NOWHERE, "--ip", "10.0.0"],
            "invalid value '10.0.0' for '--ip <LOCAL_ADDRESS>': expected an IP address",
        ),
        (
            vec!["probe", NOWHERE, "--connect", "localhost"],
            "invalid value 'localhost' for '--connect <ADDRESS>': expected an IP address",
        ),
        (map("--ipport", "0.0.0.0"), "invalid value '0.0.0.0' for '--ipport <IP:PORT>': expected IP:port"),
        (map("--ipport", "0.0.0.0:0"), "invalid value '0.0.0.0:0' for '--ipport <IP:PORT>'"),
        (
            map("--hostnameport", "www.example.com"),
            "invalid value 'www.example.com' for '--hostnameport <HOST:PORT>': expected host:port",
        ),
        (map("--ccs", "0"), "invalid value '0' for '--ccs <PORT>'"),
        (
            vec!["doctor", NOWHERE, "--severity", "idle-mapping=fatal"],
            "invalid value 'idle-mapping=fatal' for '--severity <CODE=LEVEL>': `fatal` is not error, warning or info",
        ),
        (
            vec!["doctor", NOWHERE, "--severity", "idle-mapping"],
            "invalid value 'idle-mapping' for '--severity <CODE=LEVEL>': expected CODE=LEVEL",
        ),
        (
            vec!["doctor", NOWHERE, "--severity", "idle-mapings=error"],
            "invalid value 'idle-mapings' for '--severity <CODE=LEVEL>'",
        ),
        (
            vec!["doctor", NOWHERE, "--allow", "no-such-code"],
            "invalid value 'no-such-code' for '--allow <CODE>'",
        ),
        (
            add("93F1"),
            "invalid value '93F1' for '--certificate <HASH>': a thumbprint prefix needs at least 8 hex digits, \
             found 4",
        ),
        (
            add("93F1ADE0962CE66BF7EE6C76E16A97838E36800G"),
            "for '--certificate <HASH>': not a certificate thumbprint: `G` is not a hex digit",
        ),
        (
            vec!["mapping", "rebind", NOWHERE, "--from", "\u{200E}", "--to", LEXTUDIO],
            "for '--from <HASH>': expected a certificate thumbprint",
        ),
        (
            vec![
                "mapping",
                "add",
                NOWHERE,
                "--ipport",
                "0.0.0.0:443",
                "--certificate",
                LEXTUDIO,
                "--app-id",
                "{x}",
            ],
            "invalid value '{x}' for '--app-id <GUID>': expected a GUID",
        ),
        (
            vec!["mapping", "prune", NOWHERE, "--emit", "netsh", "--format", "json"],
            "the argument '--emit <SHELL>' cannot be used with '--format <FORMAT>'",
        ),
        (
            vec!["bindings", NOWHERE, "--pfx-password", "x", "--pfx-password-file", "password.txt"],
            "the argument '--pfx-password <PASSWORD>' cannot be used with '--pfx-password-file <FILE>'",
        ),
    ];
    for (args, message) in cases {
        let output = sslbind(&args);
        assert_eq!(output.code, 2, "{args:?}\n{}", output.transcript());
        assert!(output.stderr.starts_with("error: "), "{args:?}\n{}", output.stderr);
        assert!(output.stderr.contains(message), "{args:?}\n{}", output.stderr);
        assert!(!output.stderr.contains(NOWHERE), "nothing is read: {args:?}\n{}", output.stderr);
        assert_eq!(
            output.stderr.lines().filter(|line| line.starts_with("error")).count(),
            1,
            "{}",
            output.stderr
        );
        assert!(output.stderr.matches("expected").count() <= 1, "said once: {}", output.stderr);
        assert!(output.stdout.is_empty(), "{args:?}\n{}", output.stdout);
    }
    // The message is not doubled: the value and the option appear once, in clap's words.
    let output = sslbind(&["bindings", NOWHERE, "--now", "soon"]);
    assert_eq!(output.stderr.matches("soon").count(), 1, "{}", output.stderr);
    assert_eq!(output.stderr.matches("--now").count(), 1, "{}", output.stderr);
    // An unknown code gets the nearest as a tip; the codes are listed.
    let output = sslbind(&["doctor", NOWHERE, "--severity", "idle-mapings=error"]);
    assert!(output.stderr.contains("tip: a similar value exists: 'idle-mapping'"), "{}", output.stderr);
    assert!(output.stderr.contains("missing-mapping"), "{}", output.stderr);
    // Near miss: the same options with good values reach the reading of the machine.
    for args in [
        vec!["bindings", NOWHERE, "--now", "2026-06-01"],
        vec!["resolve", "https://a.example.com/", NOWHERE, "--ip", "[2001:db8::5]"],
        vec!["mapping", "remove", NOWHERE, "--ipport", "[::]:443"],
        vec!["mapping", "remove", NOWHERE, "--hostnameport", "www.example.com:443"],
        vec!["doctor", NOWHERE, "--severity", "IDLE-MAPPING=Warning", "--allow", "no-fallback-certificate"],
    ] {
        let output = sslbind(&args);
        assert_eq!(output.code, 2, "{args:?}\n{}", output.transcript());
        assert!(output.stderr.contains(NOWHERE), "{args:?}\n{}", output.stderr);
    }
}

#[test]
fn the_help_lists_the_finding_codes_for_severity_and_allow() {
    let help = sslbind(&["doctor", "--help"]);
    assert_eq!(help.code, 0, "{}", help.transcript());
    let severity = help.stdout.split("--severity <CODE=LEVEL>").nth(1).expect("--severity is described");
    let severity = severity.split("--allow").next().unwrap_or_default();
    for code in ["missing-mapping", "idle-mapping", "port-excluded"] {
        assert!(severity.contains(code), "{severity}");
    }
}

/// The certificate a `binding add` maps, from its JSON plan.
fn mapped_certificate(certificate: &str) -> Value {
    let json = sslbind_json(&[
        "binding",
        "add",
        EXAMPLE,
        "--site",
        "php",
        "--binding",
        "*:4432:lextudio.com",
        "--sni",
        "--certificate",
        certificate,
        "--format",
        "json",
    ]);
    json["operations"][0]["certificate_hash"].clone()
}

#[test]
fn a_certificate_is_named_by_thumbprint_in_any_spelling_by_prefix_or_by_name() {
    for spelling in [
        LEXTUDIO,
        "93f1ade0962ce66bf7ee6c76e16a97838e36800b",
        "93 f1 ad e0 96 2c e6 6b f7 ee 6c 76 e1 6a 97 83 8e 36 80 0b",
        "93:f1:ad:e0:96:2c:e6:6b:f7:ee:6c:76:e1:6a:97:83:8e:36:80:0b",
        "\u{200E}93f1ade0962ce66bf7ee6c76e16a97838e36800b",
        "93F1ADE0",
        "93f1ade0",
        "93F1ADE0…",
        "lextudio.com",
        "WWW.lextudio.com",
        "CN=lextudio.com",
    ] {
        assert_eq!(mapped_certificate(spelling), LEXTUDIO, "{spelling:?}");
    }
}

#[test]
fn the_help_example_with_a_thumbprint_prefix_runs_as_shown() {
    let help = sslbind(&["binding", "add", "--help"]);
    assert!(help.stdout.contains(&format!("{EXAMPLE} --site php")), "{}", help.stdout);
    assert!(help.stdout.contains("--certificate 93F1ADE0\n"), "{}", help.stdout);
    let output = sslbind(&[
        "binding",
        "add",
        EXAMPLE,
        "--site",
        "php",
        "--binding",
        "*:4432:lextudio.com",
        "--sni",
        "--certificate",
        "93F1ADE0",
    ]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.contains(&format!("certificate {LEXTUDIO}")), "{}", output.stdout);
}

#[test]
fn a_prefix_or_name_that_names_none_or_several_certificates_is_refused_with_the_candidates() {
    // A renewal leaves two certificates of one name on the hosting server.
    let args = |from: &'static str| {
        vec!["mapping", "rebind", HOSTING, "--from", from, "--to", "9BB60327", "--format", "json"]
    };
    let output = sslbind(&args("shop.contoso.com"));
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(
        output.stderr.contains("error: --from shop.contoso.com: 2 certificates match; give more digits"),
        "{}",
        output.stderr
    );
    for candidate in ["6F58CF58B5FE5DB0B34A971EE01AA77C099E6629", "9BB6032769ADD4AA1EBB91704B301425"] {
        assert!(output.stderr.contains(candidate), "{}", output.stderr);
    }
    assert!(output.stdout.is_empty(), "nothing is planned: {}", output.stdout);

    let output = sslbind(&args("12345678"));
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(
        output.stderr.contains("error: --from 12345678: no certificate's thumbprint starts with it"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("  47CA06496C933C33133BF5872B28357DD44C7F9E  server.contoso.com"));

    // Near miss: the prefixes of the old (known only from its mapping) and the new one.
    let json: Value = serde_json::from_str(&sslbind(&args("6F58CF58")).stdout).expect("a JSON plan");
    assert_eq!(json["operations"][0]["key"], "shop.contoso.com:443");
    assert_eq!(json["operations"][0]["certificate_hash"], "9BB6032769ADD4AA1EBB91704B30142550430BC5");
}

#[test]
fn a_full_thumbprint_of_a_certificate_that_was_not_read_is_taken_as_given() {
    let elsewhere = "00112233445566778899AABBCCDDEEFF00112233";
    let output = sslbind(&[
        "mapping",
        "add",
        HOSTING,
        "--ipport",
        "0.0.0.0:7443",
        "--certificate",
        &elsewhere.to_lowercase(),
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&output.stdout).expect("a JSON plan");
    assert_eq!(json["operations"][0]["certificate_hash"], elsewhere);
    // Planned as given, then refused: certificates were given and it is not among them, so the
    // machine the plan leaves would have an error (`certificate-not-found`).
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert_eq!(json["outcome"], "refused");
    let introduced: Vec<&str> = json["introduced"]
        .as_array()
        .expect("introduced")
        .iter()
        .filter_map(|finding| finding["code"].as_str())
        .collect();
    assert!(introduced.contains(&"certificate-not-found"), "{introduced:?}");
    // Near miss: a prefix of it is not, since nothing the machine holds starts with it.
    let output =
        sslbind(&["mapping", "add", HOSTING, "--ipport", "0.0.0.0:7443", "--certificate", "00112233"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
}

#[test]
fn snapshot_to_standard_output_with_a_dash() {
    let output = sslbind(&["snapshot", "-o", "-", EXAMPLE]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("standard output is the snapshot alone");
    assert!(json.is_object());
    assert!(output.stderr.contains("wrote the snapshot to standard output"), "{}", output.stderr);
    // Near miss: a file name still gets the file, and the summary on standard output.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("example.snapshot.json");
    let to_file = sslbind(&["snapshot", "-o", path.to_str().expect("UTF-8"), EXAMPLE]);
    assert_eq!(to_file.code, 0, "{}", to_file.transcript());
    assert!(to_file.stdout.starts_with("wrote "), "{}", to_file.stdout);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the file")).expect("a snapshot");
    assert_eq!(written["mappings"], json["mappings"]);
}

const SECRET: &str = "Sentinel-Pa55-w0rd";

/// A folder holding `lextudio.com.pfx` protected by `SECRET`.
fn protected_pfx() -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let der =
        std::fs::read(crate::util::workspace_root().join("examples/iis-express-dev/certs/lextudio.com.cer"))
            .expect("the example certificate");
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "certificate",
        p12_keystore::KeyStoreEntry::Certificate(
            p12_keystore::Certificate::from_der(&der).expect("a certificate"),
        ),
    );
    let path = folder.path().join("lextudio.com.pfx");
    std::fs::write(&path, store.writer(SECRET).write().expect("a PFX")).expect("the PFX is written");
    let path = path.to_str().expect("UTF-8").to_owned();
    (folder, path)
}

#[test]
fn the_pfx_password_comes_from_the_option_a_file_or_the_environment_and_never_shows() {
    let (folder, pfx) = protected_pfx();
    let password_file = folder.path().join("password.txt");
    std::fs::write(&password_file, format!("{SECRET}\r\nnot the password\r\n")).expect("written");
    let wrong_file = folder.path().join("wrong.txt");
    std::fs::write(&wrong_file, "wrong-Sentinel\r\n").expect("written");
    let password_file = password_file.to_str().expect("UTF-8");
    let wrong_file = wrong_file.to_str().expect("UTF-8");
    let read = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["bindings", "--certs", pfx.as_str(), "--format", "json"];
        all.extend_from_slice(args);
        sslbind_with_env(&all, env)
    };
    let ok = |output: crate::util::Output| {
        assert_eq!(output.code, 0, "{}", output.transcript());
    };
    ok(read(&["--pfx-password", SECRET], &[]));
    ok(read(&["--pfx-password-file", password_file], &[]));
    ok(read(&[], &[("SSLBIND_PFX_PASSWORD", SECRET)]));
    // The option wins over the environment, and the file too.
    ok(read(&["--pfx-password", SECRET], &[("SSLBIND_PFX_PASSWORD", "wrong-Sentinel")]));
    ok(read(&["--pfx-password-file", password_file], &[("SSLBIND_PFX_PASSWORD", "wrong-Sentinel")]));

    // A wrong password is an error that names the way to give one, never the password.
    for (args, env) in [
        (vec!["--pfx-password", "wrong-Sentinel"], vec![]),
        (vec!["--pfx-password-file", wrong_file], vec![]),
        (vec![], vec![("SSLBIND_PFX_PASSWORD", "wrong-Sentinel")]),
        (vec!["--pfx-password-file", wrong_file], vec![("SSLBIND_PFX_PASSWORD", SECRET)]),
    ] {
        let output = read(&args, &env);
        assert_eq!(output.code, 2, "{args:?}\n{}", output.transcript());
        assert!(output.stderr.contains("password is wrong or missing"), "{}", output.stderr);
        assert!(
            !output.stderr.contains("Sentinel") && !output.stdout.contains("Sentinel"),
            "{}",
            output.transcript()
        );
    }
    let missing = read(&["--pfx-password-file", "no-such-password.txt"], &[]);
    assert_eq!(missing.code, 2, "{}", missing.transcript());
    assert!(
        missing.stderr.contains("error: --pfx-password-file: cannot read no-such-password.txt"),
        "{}",
        missing.stderr
    );
}

#[test]
fn the_parsed_arguments_do_not_show_the_password() {
    use clap::Parser as _;
    let cli =
        Cli::try_parse_from(["sslbind", "bindings", EXAMPLE, "--pfx-password", SECRET]).expect("parsed");
    let debug = format!("{cli:?} {cli:#?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("pfx_password: Some(***)"), "{debug}");
    // Near miss: the parsed values are typed, not text to parse again.
    let cli = Cli::try_parse_from([
        "sslbind",
        "resolve",
        "https://a/",
        EXAMPLE,
        "--ip",
        "[::1]",
        "--now",
        "2026-06-01",
    ])
    .expect("parsed");
    let debug = format!("{cli:?}");
    assert!(
        debug.contains("ip: Some(::1)") && debug.contains("now: Some(2026-06-01 0:00:00.0 +00:00:00)"),
        "{debug}"
    );
}
