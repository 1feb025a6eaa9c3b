//! The command line's promises: help with examples on every command, exit code 2 with
//! file:line:column on bad input, and no panic whatever the input.

use std::io::Write;

use crate::util::sslbind;

#[test]
fn every_command_has_help_with_an_example() {
    for command in ["bindings", "mappings"] {
        let output = sslbind(&[command, "--help"]);
        assert_eq!(output.code, 0, "{}", output.transcript());
        assert!(output.stdout.contains("Examples:"), "{command}: {}", output.stdout);
        assert!(output.stdout.contains("--format"), "{command}: {}", output.stdout);
    }
}

#[test]
fn no_source_is_an_error_that_says_what_to_give() {
    let output = sslbind(&["bindings"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("no sources given"), "{}", output.stderr);
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let output = sslbind(&["mappings", "--sslcert", "no/such/sslcert.txt"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("no/such/sslcert.txt"), "{}", output.stderr);
}

fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join(name);
    std::fs::File::create(&path).and_then(|mut file| file.write_all(content)).expect("a temporary file");
    let path = path.to_str().expect("a UTF-8 path").to_owned();
    (folder, path)
}

#[test]
fn malformed_xml_is_exit_2_with_file_line_and_column() {
    let (_folder, path) = temp_file("applicationHost.config", b"<configuration>\n  <system.applicationHost>\n    <sites>\n      <site name=\"a\" id=\"1\">\n    </sites>\n");
    let output = sslbind(&["bindings", "--config", &path]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains(&format!("{path}:5:")), "{}", output.stderr);
}

#[test]
fn an_entity_bomb_is_refused_with_its_location() {
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<configuration>&lol2;</configuration>\n";
    let (_folder, path) = temp_file("bomb.config", bomb.as_bytes());
    let output = sslbind(&["bindings", "--config", &path]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains(&format!("{path}:")), "{}", output.stderr);
}

#[test]
fn an_invalid_https_binding_is_exit_2_at_its_value_and_a_near_miss_is_not() {
    let config = |information: &str| {
        format!(
            "<configuration>\n<system.applicationHost>\n<sites>\n<site name=\"a\" id=\"1\">\n<bindings>\n\
             <binding protocol=\"https\" bindingInformation=\"{information}\" />\n</bindings>\n</site>\n</sites>\n\
             </system.applicationHost>\n</configuration>\n"
        )
    };
    let (_folder, bad) = temp_file("bad.config", config("*:70000:a.example.com").as_bytes());
    let output = sslbind(&["bindings", "--config", &bad]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains(&format!("{bad}:6:")), "{}", output.stderr);
    assert!(output.stderr.contains("70000"), "{}", output.stderr);

    let (_folder, good) = temp_file("good.config", config("*:65535:a.example.com").as_bytes());
    let output = sslbind(&["bindings", "--config", &good]);
    assert_eq!(output.code, 0, "{}", output.transcript());
}

#[test]
fn garbage_under_every_option_is_an_error_not_a_panic() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let (_folder, path) = temp_file("garbage.bin", &garbage);
    for option in ["--config", "--sslcert", "--certs"] {
        let output = sslbind(&["mappings", option, &path]);
        assert!(output.code == 0 || output.code == 2, "{option}: {}", output.transcript());
        assert!(!output.stderr.contains("panicked"), "{option}: {}", output.transcript());
    }
    let output = sslbind(&["mappings", "--config", &path]);
    assert_eq!(output.code, 2, "{}", output.transcript());
}
