//! The change commands as users run them: plans shown first, `--write` editing copies of
//! real configs byte for byte, scripts to run on the server, refusals and their override.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{sslbind, sslbind_json, workspace_root};

/// A copy of an example machine in a temporary folder.
pub fn copy_example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let source = workspace_root().join("examples").join(name);
    copy_tree(&source, folder.path());
    let path = folder.path().to_owned();
    (folder, path)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a readable folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a copy");
        }
    }
}

const LEXTUDIO: &str = "93F1ADE0962CE66BF7EE6C76E16A97838E36800B";

#[test]
fn binding_add_shows_a_diff_and_the_mapping_without_writing() {
    let output = sslbind(&[
        "binding",
        "add",
        "examples/iis-express-dev",
        "--site",
        "php",
        "--binding",
        "*:4432:www.lextudio.com",
        "--sni",
        "--certificate",
        LEXTUDIO,
    ]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn binding_remove_emits_scripts_for_both_shells() {
    for shell in ["netsh", "powershell"] {
        let output = sslbind(&[
            "binding",
            "remove",
            "examples/iis-express-dev",
            "--site",
            "php",
            "--binding",
            "*:4431:lextudio.com",
            "--emit",
            shell,
        ]);
        assert_eq!(output.code, 0, "{}", output.transcript());
        assert!(output.stderr.contains(
            "-                    <binding protocol=\"https\" bindingInformation=\"*:4431:lextudio.com\""
        ));
        insta::assert_snapshot!(format!("emit_{shell}"), output.stdout);
    }
}

#[test]
fn write_edits_the_config_keeps_a_backup_and_the_result_reads_back() {
    let (_folder, machine) = copy_example("iis-express-dev");
    let path = machine.to_str().expect("a UTF-8 path");
    let config = machine.join("applicationhost.config");
    let original = std::fs::read(&config).expect("the config");
    let output = sslbind(&[
        "binding",
        "add",
        path,
        "--site",
        "php",
        "--binding",
        "*:4432:www.lextudio.com",
        "--sni",
        "--certificate",
        LEXTUDIO,
        "--write",
    ]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.contains("wrote "), "{}", output.stdout);
    let backup = machine.join("applicationhost.config.sslbind-backup");
    assert_eq!(std::fs::read(&backup).expect("a backup"), original);
    let bindings = sslbind_json(&["bindings", path, "--format", "json"]);
    assert!(
        bindings["bindings"]
            .as_array()
            .expect("bindings")
            .iter()
            .any(|binding| binding["binding"] == "*:4432:www.lextudio.com")
    );

    let again = sslbind(&[
        "binding",
        "add",
        path,
        "--site",
        "php",
        "--binding",
        "*:4432:www.lextudio.com",
        "--sni",
        "--certificate",
        LEXTUDIO,
        "--write",
    ]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(again.stdout.contains("already has"), "adding it again is a no-op: {}", again.stdout);

    let removed = sslbind(&[
        "binding",
        "remove",
        path,
        "--site",
        "php",
        "--binding",
        "*:4432:www.lextudio.com",
        "--write",
    ]);
    assert_eq!(removed.code, 0, "{}", removed.transcript());
    assert_eq!(
        std::fs::read(&config).expect("the config"),
        original,
        "add then remove gives the original bytes"
    );
}

#[test]
fn refusals_exit_2_until_forced() {
    let output = sslbind(&["mapping", "remove", "examples/iis-express-dev", "--ipport", "0.0.0.0:44350"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("reserved for IIS Express"), "{}", output.stderr);
    assert!(output.stderr.contains("--force"), "{}", output.stderr);
    let forced =
        sslbind(&["mapping", "remove", "examples/iis-express-dev", "--ipport", "0.0.0.0:44350", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert!(forced.stdout.contains("netsh http delete sslcert ipport=0.0.0.0:44350"), "{}", forced.stdout);
}

#[test]
fn plans_as_json_list_diffs_operations_and_notes() {
    let output = sslbind(&["site", "remove", "blog", "examples/hosting-server", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(json["configs"].as_array().map(Vec::len), Some(1));
    assert!(
        json["configs"][0]["diff"]
            .as_str()
            .is_some_and(|diff| diff.contains("-            <site name=\"blog\" id=\"4\">"))
    );
    for key in ["operations", "notes", "refusals", "written"] {
        assert!(json[key].is_array(), "{key}");
    }
}

#[test]
fn prune_and_rebind_on_the_hosting_server() {
    let prune = sslbind(&["mapping", "prune", "examples/hosting-server", "--format", "json"]);
    assert_eq!(prune.code, 0, "{}", prune.transcript());
    let json: Value = serde_json::from_str(&prune.stdout).expect("JSON");
    let keys: Vec<&str> = json["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter_map(|op| op["key"].as_str())
        .collect();
    assert_eq!(keys, ["0.0.0.0:9443", "old.contoso.com:443"]);

    let doctor = sslbind_json(&[
        "doctor",
        "examples/hosting-server",
        "--now=2026-06-01T00:00:00Z",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let renewal = doctor["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["code"] == "renewal-available")
        .expect("renewal-available fires on the hosting server");
    let old = renewal["certificate_hash"].as_str().expect("the old certificate");
    let fix = renewal["fix"].as_str().expect("a fix");
    let new =
        fix.split("certhash=").nth(1).and_then(|rest| rest.split(' ').next()).expect("the new certificate");
    let rebind = sslbind(&[
        "mapping",
        "rebind",
        "examples/hosting-server",
        "--from",
        old,
        "--to",
        new,
        "--now",
        "2026-06-01",
        "--format",
        "json",
    ]);
    assert_eq!(rebind.code, 0, "{}", rebind.transcript());
    let json: Value = serde_json::from_str(&rebind.stdout).expect("JSON");
    let operations = json["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), 1);
    assert_eq!(operations[0]["op"], "replace");
    assert_eq!(operations[0]["key"], "shop.contoso.com:443");
    assert_eq!(operations[0]["certificate_store"], "WebHosting");
}

/// Every corpus config: add then remove a binding with `--write` on a copy gives the
/// original bytes back.
#[cfg(feature = "corpus")]
#[test]
fn corpus_configs_survive_add_then_remove_byte_for_byte() {
    let corpus = crate::shared_corpus::corpus();
    let mut configs: Vec<PathBuf> = std::fs::read_dir(Path::new(&corpus).join("appconfig"))
        .expect("the corpus")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| !path.to_string_lossy().contains("missing-closing"))
        .collect();
    configs.sort();
    assert!(!configs.is_empty(), "no configs in the corpus");
    for source in &configs {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let config = folder.path().join("applicationHost.config");
        std::fs::copy(source, &config).expect("a copy");
        let path = config.to_str().expect("a UTF-8 path");
        let bindings = sslbind_json(&["bindings", "--config", path, "--format", "json"]);
        let Some(site) = bindings["bindings"]
            .as_array()
            .and_then(|all| all.first())
            .and_then(|first| first["site"].as_str())
        else {
            continue;
        };
        let original = std::fs::read(&config).expect("the copy");
        let add = sslbind(&[
            "binding",
            "add",
            "--config",
            path,
            "--site",
            site,
            "--binding",
            "*:4444:corpus.example",
            "--write",
        ]);
        assert_eq!(add.code, 0, "{}\n{}", source.display(), add.transcript());
        let changed = std::fs::read(&config).expect("the edited copy");
        let before_lines = String::from_utf8_lossy(&original).lines().count();
        assert_eq!(
            String::from_utf8_lossy(&changed).lines().count(),
            before_lines + 1,
            "{}",
            source.display()
        );
        let remove = sslbind(&[
            "binding",
            "remove",
            "--config",
            path,
            "--site",
            site,
            "--binding",
            "*:4444:corpus.example",
            "--write",
        ]);
        assert_eq!(remove.code, 0, "{}\n{}", source.display(), remove.transcript());
        assert_eq!(std::fs::read(&config).expect("the copy"), original, "{}", source.display());
    }
    println!("corpus: read {} configs through binding add and remove", configs.len());
}

#[test]
fn a_config_with_undecodable_bytes_is_not_written_back() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let config = folder.path().join("applicationHost.config");
    let bytes = b"<configuration><!-- caf\xE9 --><system.applicationHost><sites><site name=\"a\" id=\"1\"><bindings>\n\
<binding protocol=\"http\" bindingInformation=\"*:80:\" />\n</bindings></site></sites></system.applicationHost></configuration>\n";
    std::fs::write(&config, bytes).expect("a config");
    let path = config.to_str().expect("a UTF-8 path");
    let output = sslbind(&[
        "binding",
        "add",
        "--config",
        path,
        "--site",
        "a",
        "--binding",
        "*:8080:",
        "--protocol",
        "http",
        "--write",
    ]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("not valid text"), "{}", output.stderr);
    assert_eq!(std::fs::read(&config).expect("the config"), bytes);
}

/// `sslbind binding add` on `machine` for site php with `extra` options.
fn add_args<'a>(machine: &'a str, binding: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["binding", "add", machine, "--site", "php", "--binding", binding];
    args.extend_from_slice(extra);
    args
}

#[test]
fn values_doctor_would_reject_are_refused_before_anything_is_planned() {
    let (_folder, machine) = copy_example("iis-express-dev");
    let path = machine.to_str().expect("a UTF-8 path");
    let config = machine.join("applicationhost.config");
    let original = std::fs::read(&config).expect("the config");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (add_args(path, "*:abc:host", &["--write"]), "--binding `*:abc:host`: port `abc` is not a number"),
        (add_args(path, "*:0:x", &["--write"]), "--binding `*:0:x`: port 0 is out of range"),
        (add_args(path, "1.2.3:443:x", &["--write"]), "--binding `1.2.3:443:x`: address `1.2.3`"),
        (add_args(path, "*:443", &["--write"]), "--binding `*:443`: expected IP:port:host, found one colon"),
        (add_args(path, "443", &["--write"]), "--binding `443`: expected IP:port:host, found no colon"),
        (
            add_args(path, "*:443:a host", &["--write"]),
            "--binding `*:443:a host`: `*:443:a host` contains whitespace",
        ),
        (
            add_args(path, "*:80:x", &["--protocol", "http", "--sni", "--write"]),
            "--sni: applies only to https",
        ),
        (
            add_args(path, "*:80:x", &["--protocol", "http", "--certificate", LEXTUDIO, "--write"]),
            "--certificate: applies only to https",
        ),
        (add_args(path, "*:4433:", &["--sni", "--write"]), "--sni: binding `*:4433:` has no host name"),
        (
            vec![
                "binding",
                "set",
                path,
                "--site",
                "php",
                "--binding",
                "*:4431:lextudio.com",
                "--to",
                "*:abc:shop",
                "--write",
            ],
            "--to `*:abc:shop`: port `abc` is not a number",
        ),
    ];
    for (args, message) in cases {
        let output = sslbind(&args);
        assert_eq!(output.code, 2, "{args:?}\n{}", output.transcript());
        assert!(output.stderr.contains(&format!("error: {message}")), "{args:?}\n{}", output.stderr);
        assert!(output.stdout.is_empty(), "nothing is planned: {}", output.stdout);
        assert_eq!(std::fs::read(&config).expect("the config"), original, "{args:?}");
    }
    let names: Vec<String> = std::fs::read_dir(&machine)
        .expect("the folder")
        .map(|entry| entry.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|name| name.contains("sslbind-")), "no backup or temporary file: {names:?}");

    // Near miss: a valid value in a protocol's capitals is written in lower case, with a note.
    // (An http binding: an https one without a certificate would bring a missing mapping.)
    let output = sslbind(&add_args(path, "*:8081:shop.example.com", &["--protocol", "HTTP", "--write"]));
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(
        output.stdout.contains("note: protocol `HTTP` is written in lower case, `http`"),
        "{}",
        output.stdout
    );
    let text = std::fs::read_to_string(&config).expect("the config");
    assert!(
        text.contains("<binding protocol=\"http\" bindingInformation=\"*:8081:shop.example.com\" />"),
        "{text}"
    );
}

#[test]
fn a_refused_plan_prints_no_script() {
    for shell in ["netsh", "powershell"] {
        let args =
            ["mapping", "remove", "examples/iis-express-dev", "--ipport", "0.0.0.0:44350", "--emit", shell];
        let refused = sslbind(&args);
        assert_eq!(refused.code, 2, "{}", refused.transcript());
        assert_eq!(refused.stdout, "", "no runnable script on standard output");
        assert!(
            refused.stderr.contains("Nothing was changed and no script was printed: the plan was refused"),
            "{}",
            refused.stderr
        );
        assert!(!refused.stderr.contains("run again with --write"), "{}", refused.stderr);

        let forced = sslbind(&[&args[..], &["--force"]].concat());
        assert_eq!(forced.code, 0, "{}", forced.transcript());
        assert!(
            forced.stdout.contains("netsh http delete sslcert ipport=0.0.0.0:44350"),
            "{}",
            forced.stdout
        );
        assert!(
            forced.stderr.contains("overridden (--force): mapping `0.0.0.0:44350` is reserved"),
            "{}",
            forced.stderr
        );
    }
}

#[test]
fn every_outcome_says_what_happened() {
    let (_folder, machine) = copy_example("iis-express-dev");
    let path = machine.to_str().expect("a UTF-8 path");

    let refused = sslbind(&["mapping", "remove", path, "--ipport", "0.0.0.0:44350", "--format", "json"]);
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    let json: Value = serde_json::from_str(&refused.stdout).expect("JSON");
    assert_eq!(json["outcome"], "refused");
    // A binding the machine can serve: with SNI and a certificate that covers it (without
    // one, the change would bring a missing mapping, an error, and be refused).
    let servable = ["--sni", "--certificate", LEXTUDIO];
    let shown = sslbind_json(&add_args(
        path,
        "*:4433:www.lextudio.com",
        &[&servable[..], &["--format", "json"]].concat(),
    ));
    assert_eq!(shown["outcome"], "shown");
    let nothing = sslbind(&add_args(path, "*:4431:lextudio.com", &["--sni"]));
    assert!(nothing.stdout.contains("Nothing to change."), "{}", nothing.stdout);
    assert!(!nothing.stdout.contains("Nothing was changed:"), "{}", nothing.stdout);

    // Only HTTP.sys changes: --write on files writes nothing and says so.
    let mapping_only = sslbind(&[
        "mapping",
        "add",
        path,
        "--hostnameport",
        "lextudio.com:4432",
        "--certificate",
        LEXTUDIO,
        "--write",
    ]);
    assert_eq!(mapping_only.code, 0, "{}", mapping_only.transcript());
    assert!(
        mapping_only.stdout.contains("No config changes, so nothing was written; HTTP.sys was not changed"),
        "{}",
        mapping_only.stdout
    );
    assert!(!mapping_only.stdout.contains("The configs were written"), "{}", mapping_only.stdout);

    let written = sslbind(&add_args(
        path,
        "*:4433:www.lextudio.com",
        &[&servable[..], &["--write", "--format", "json"]].concat(),
    ));
    let json: Value = serde_json::from_str(&written.stdout).expect("JSON");
    assert_eq!(json["outcome"], "written");
    assert_eq!(json["written"].as_array().map(Vec::len), Some(1));
    let table = sslbind(&add_args(path, "*:4434:www.lextudio.com", &[&servable[..], &["--write"]].concat()));
    assert!(
        table.stdout.contains("The configs were written; HTTP.sys was not changed (it lives on the server)"),
        "{}",
        table.stdout
    );
}

/// The HTTP.sys operations of a JSON plan: mapping and URL reservation operations.
fn http_sys_operations(json: &Value) -> (Value, Value) {
    (json["operations"].clone(), json["urlacl_operations"].clone())
}

#[test]
fn writing_then_emitting_gives_the_operations_emitting_first_gives() {
    let (_folder, machine) = copy_example("iis-express-dev");
    let path = machine.to_str().expect("a UTF-8 path");
    let change = add_args(path, "*:4432:www.lextudio.com", &["--sni", "--certificate", LEXTUDIO]);

    let first_json = sslbind_json(&[&change[..], &["--format", "json"]].concat());
    let first_script = sslbind(&[&change[..], &["--emit", "netsh"]].concat());
    assert_eq!(first_script.code, 0, "{}", first_script.transcript());
    let (operations, urlacls) = http_sys_operations(&first_json);
    assert_eq!(operations.as_array().map(Vec::len), Some(1), "{first_json}");
    assert_eq!(urlacls[0]["url"], "https://www.lextudio.com:4432/", "{first_json}");

    let write = sslbind(&[&change[..], &["--write"]].concat());
    assert_eq!(write.code, 0, "{}", write.transcript());

    let second_json = sslbind_json(&[&change[..], &["--format", "json"]].concat());
    assert!(second_json["configs"].as_array().is_some_and(Vec::is_empty), "{second_json}");
    assert_eq!(http_sys_operations(&second_json), (operations, urlacls));
    let second_script = sslbind(&[&change[..], &["--emit", "netsh"]].concat());
    assert_eq!(second_script.stdout, first_script.stdout);
}

#[test]
fn removing_with_write_then_emitting_gives_the_script_emitting_first_gives() {
    let (_folder, machine) = copy_example("iis-express-dev");
    let path = machine.to_str().expect("a UTF-8 path");
    let remove = ["binding", "remove", path, "--site", "php", "--binding", "*:4431:lextudio.com"];
    let first = sslbind(&[&remove[..], &["--emit", "powershell"]].concat());
    assert_eq!(first.code, 0, "{}", first.transcript());
    assert!(
        first.stdout.contains("netsh http delete sslcert hostnameport=lextudio.com:4431"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("netsh http delete urlacl url=https://lextudio.com:4431/"),
        "{}",
        first.stdout
    );

    let write = sslbind(&[&remove[..], &["--write"]].concat());
    assert_eq!(write.code, 0, "{}", write.transcript());
    let second = sslbind(&[&remove[..], &["--emit", "powershell"]].concat());
    assert_eq!(second.code, 0, "{}", second.transcript());
    assert_eq!(second.stdout, first.stdout);
    assert!(second.stderr.contains("has no https binding `*:4431:lextudio.com`"), "{}", second.stderr);
}

/// `--write` keeps the encoding a config was read in, byte order mark included or left out:
/// a BOM-less UTF-16 config is not given one, and add then remove gives its bytes back.
#[test]
fn write_keeps_the_encoding_and_its_byte_order_mark_or_its_absence() {
    use sslbind_core::text::{Encoding, decode, encode};
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<configuration>\r\n  <system.applicationHost>\r\n    <sites>\r\n\
      <site name=\"a\" id=\"1\">\r\n        <bindings>\r\n          <binding protocol=\"http\" bindingInformation=\"*:80:\" />\r\n\
        </bindings>\r\n      </site>\r\n    </sites>\r\n  </system.applicationHost>\r\n</configuration>\r\n";
    for (encoding, start) in [
        (Encoding::Utf16LeNoBom, [b'<', 0]),
        (Encoding::Utf16BeNoBom, [0, b'<']),
        (Encoding::Utf16Le, [0xFF, 0xFE]),
        (Encoding::Utf8, [b'<', b'?']),
    ] {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let config = folder.path().join("applicationHost.config");
        let original = encode(text, encoding);
        std::fs::write(&config, &original).expect("a config");
        let path = config.to_str().expect("a UTF-8 path");
        let change = |verb: &str| {
            let args = [
                "binding",
                verb,
                "--config",
                path,
                "--site",
                "a",
                "--binding",
                "*:8080:",
                "--protocol",
                "http",
                "--write",
            ];
            let output = sslbind(&args);
            assert_eq!(output.code, 0, "{encoding:?}: {}", output.transcript());
        };
        change("add");
        let written = std::fs::read(&config).expect("the edited config");
        assert_eq!(written[..2], start, "{encoding:?}");
        let reread = decode(&written);
        assert_eq!(reread.encoding, encoding);
        assert!(
            reread.text.contains("<binding protocol=\"http\" bindingInformation=\"*:8080:\" />\r\n"),
            "{encoding:?}"
        );
        change("remove");
        assert_eq!(std::fs::read(&config).expect("the config"), original, "{encoding:?}");
    }
}

/// `binding add` on the hosting server's site `shop`, at 2026-06-01, with `extra` options.
fn add_to_shop<'a>(machine: &'a str, binding: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args =
        vec!["binding", "add", machine, "--site", "shop", "--binding", binding, "--now", "2026-06-01"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_binding_added_without_sni_that_the_port_serves_with_another_certificate_is_refused_unless_forced() {
    let (_folder, machine) = copy_example("hosting-server");
    let path = machine.to_str().expect("a UTF-8 path");
    let config = machine.join("applicationHost.config");
    let original = std::fs::read(&config).expect("the config");
    let binding = "*:443:new.contoso.com";

    // The plan is clean by its own rules, but `0.0.0.0:443` would serve the new host with a
    // certificate for server.contoso.com: the JSON lists what the change would bring.
    let json = sslbind(&add_to_shop(path, binding, &["--format", "json"]));
    assert_eq!(json.code, 2, "{}", json.transcript());
    let plan: Value = serde_json::from_str(&json.stdout).expect("a JSON plan");
    assert_eq!(plan["outcome"], "refused");
    assert_eq!(plan["refusals"], Value::Array(Vec::new()));
    let introduced = plan["introduced"].as_array().expect("introduced");
    let mismatch = introduced
        .iter()
        .find(|finding| finding["code"] == "certificate-name-mismatch")
        .unwrap_or_else(|| panic!("a name mismatch in {introduced:?}"));
    assert_eq!(mismatch["severity"], "error");
    assert_eq!(mismatch["site"], "shop");
    assert_eq!(mismatch["binding"], binding);
    assert_eq!(mismatch["mapping"], "0.0.0.0:443");
    assert!(mismatch["message"].as_str().is_some_and(|message| message.contains("new.contoso.com")));
    assert!(
        json.stderr
            .contains(&format!("the change would bring certificate-name-mismatch for binding `{binding}`"))
    );

    // Refused with --write and with --emit: nothing written, no script.
    let write = sslbind(&add_to_shop(path, binding, &["--write"]));
    assert_eq!(write.code, 2, "{}", write.transcript());
    assert!(write.stdout.contains("This change would bring:"), "{}", write.stdout);
    assert!(
        write.stdout.contains("refused: it would bring an error (--force overrides)"),
        "{}",
        write.stdout
    );
    assert_eq!(std::fs::read(&config).expect("the config"), original);
    let emit = sslbind(&add_to_shop(path, binding, &["--emit", "netsh"]));
    assert_eq!(emit.code, 2, "{}", emit.transcript());
    assert_eq!(emit.stdout, "");

    // --force writes it, and says what it brings.
    let forced = sslbind(&add_to_shop(path, binding, &["--write", "--force", "--format", "json"]));
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    let plan: Value = serde_json::from_str(&forced.stdout).expect("a JSON plan");
    assert_eq!(plan["outcome"], "written");
    assert!(
        plan["introduced"]
            .as_array()
            .is_some_and(|found| found.iter().any(|f| f["code"] == "certificate-name-mismatch"))
    );
    let text = std::fs::read_to_string(&config).expect("the config");
    assert!(text.contains(&format!("bindingInformation=\"{binding}\"")), "{text}");
    // And doctor agrees with what the plan said it would bring.
    let doctor = sslbind(&["doctor", path, "--now", "2026-06-01", "--format", "json"]);
    let findings: Value = serde_json::from_str(&doctor.stdout).expect("doctor's JSON");
    assert!(
        findings["findings"].as_array().expect("findings").iter().any(|finding| {
            finding["code"] == "certificate-name-mismatch" && finding["binding"] == binding
        }),
        "{}",
        doctor.stdout
    );
}

#[test]
fn near_miss_the_binding_with_sni_and_a_covering_certificate_brings_nothing() {
    let (_folder, machine) = copy_example("hosting-server");
    let path = machine.to_str().expect("a UTF-8 path");
    let renewal = "9BB6032769ADD4AA1EBB91704B30142550430BC5";
    let args = add_to_shop(
        path,
        "*:443:www.shop.contoso.com",
        &["--sni", "--certificate", renewal, "--format", "json"],
    );
    let plan = sslbind_json(&args);
    assert_eq!(plan["outcome"], "shown");
    assert_eq!(plan["introduced"], Value::Array(Vec::new()));
    let table = sslbind(&args[..args.len() - 2]);
    assert_eq!(table.code, 0, "{}", table.transcript());
    assert!(!table.stdout.contains("This change would bring"), "{}", table.stdout);
}

#[test]
fn moving_a_binding_with_an_expired_certificate_says_so_and_names_the_renewal() {
    let (_folder, machine) = copy_example("hosting-server");
    let path = machine.to_str().expect("a UTF-8 path");
    let plan = sslbind_json(&[
        "binding",
        "set",
        path,
        "--site",
        "shop",
        "--binding",
        "*:443:shop.contoso.com",
        "--to",
        "*:8443:shop.contoso.com",
        "--now",
        "2026-06-01",
        "--format",
        "json",
    ]);
    let notes: Vec<&str> =
        plan["notes"].as_array().expect("notes").iter().filter_map(Value::as_str).collect();
    let note = notes
        .iter()
        .find(|note| note.contains("carries certificate"))
        .unwrap_or_else(|| panic!("a carry-along note in {notes:?}"));
    assert!(
        note.starts_with(
            "sni mapping `shop.contoso.com:8443` carries certificate `shop.contoso.com` \
             (6F58CF58B5FE5DB0B34A971EE01AA77C099E6629), expired on 2026-03-01, along"
        ),
        "{note}"
    );
    assert!(note.contains("renewal, certificate `shop.contoso.com` (9BB6032769ADD4AA1EBB91704B30142550430BC5), valid until 2027-05-01"), "{note}");
    // The certificate was expired before: carrying it along is no new error.
    assert_eq!(plan["outcome"], "shown");
}

#[test]
fn a_warning_the_change_would_bring_is_shown_and_refuses_nothing() {
    let output = sslbind(&[
        "mapping",
        "add",
        "examples/hosting-server",
        "--ipport",
        "0.0.0.0:9444",
        "--certificate",
        "47CA06496C933C33133BF5872B28357DD44C7F9E",
        "--now",
        "2026-06-01",
    ]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(
        output.stdout.contains("This change would bring:\n  warning idle-mapping  ip 0.0.0.0:9444\n"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("refused"), "{}", output.stdout);
}
