//! The shape of the command line: the subject first and the machine last in every command,
//! the orders of earlier versions still read, a positional in a place its shape cannot be
//! refused with the right form, singular and plural commands told apart, and every command's
//! JSON versioned.

use serde_json::Value;

use crate::change::copy_example;
use crate::util::{sslbind, sslbind_in, sslbind_json};

#[test]
fn resolve_reads_the_url_and_the_machine_in_either_order() {
    let subject_first = sslbind(&["resolve", "https://lextudio.com:4431/", "examples/iis-express-dev"]);
    assert_eq!(subject_first.code, 0, "{}", subject_first.transcript());
    let machine_first = sslbind(&["resolve", "examples/iis-express-dev", "https://lextudio.com:4431/"]);
    assert_eq!(machine_first.transcript(), subject_first.transcript());
}

#[test]
fn resolve_given_a_machine_where_the_url_goes_says_so() {
    let output = sslbind(&["resolve", "examples/hosting-server"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("`examples/hosting-server` is a machine, not a URL"), "{}", output.stderr);
    assert!(output.stderr.contains("Usage: sslbind resolve [OPTIONS] <URL> [MACHINE]"), "{}", output.stderr);
    // A near miss: something that is neither a URL nor a path is simply not a URL.
    let output = sslbind(&["resolve", "www.example.com", "examples/hosting-server"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("`www.example.com` is not a URL"), "{}", output.stderr);
}

#[test]
fn probe_reads_the_urls_and_the_machine_in_either_order() {
    let url = "https://127.0.0.1:9/";
    let common = ["--timeout", "500", "--format", "json"];
    let subject_first = sslbind(&[&["probe", url, "examples/iis-express-dev"][..], &common].concat());
    let machine_first = sslbind(&[&["probe", "examples/iis-express-dev", url][..], &common].concat());
    assert_eq!(subject_first.code, 1, "{}", subject_first.transcript());
    assert_eq!(machine_first.code, 1, "{}", machine_first.transcript());
    let probes = |stdout: &str| -> Vec<Value> {
        let json: Value = serde_json::from_str(stdout).expect("JSON");
        json["probes"].as_array().cloned().expect("probes")
    };
    let probed = probes(&subject_first.stdout);
    assert!(!probed.is_empty() && probed.iter().all(|probe| probe["target"] == url), "{probed:?}");
    let targets =
        |probes: Vec<Value>| -> Vec<Value> { probes.iter().map(|probe| probe["target"].clone()).collect() };
    assert_eq!(targets(probes(&machine_first.stdout)), targets(probed));
}

#[test]
fn probe_given_two_machines_says_which() {
    let output =
        sslbind(&["probe", "https://127.0.0.1:9/", "examples/iis-express-dev", "examples/hosting-server"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(
        output.stderr.contains("`examples/iis-express-dev` and `examples/hosting-server` are both machines"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("Usage: sslbind probe [OPTIONS] [URL]... [MACHINE]"), "{}", output.stderr);
}

#[test]
fn a_url_where_a_machine_goes_is_a_usage_error_with_the_right_form() {
    for command in [&["bindings"][..], &["mappings"], &["doctor"], &["reservations"], &["mapping", "prune"]] {
        let output = sslbind(&[command, &["https://shop.contoso.com/"]].concat());
        assert_eq!(output.code, 2, "{}", output.transcript());
        assert!(output.stderr.contains("`https://shop.contoso.com/` is a URL"), "{}", output.stderr);
        assert!(
            output.stderr.contains("sslbind resolve https://shop.contoso.com/ [MACHINE]"),
            "{}",
            output.stderr
        );
        assert!(
            output.stderr.contains(&format!("Usage: sslbind {}", command.join(" "))),
            "{}",
            output.stderr
        );
    }
    // The near miss: a machine there is read.
    assert_eq!(sslbind(&["reservations", "examples/iis-express-dev"]).code, 0);
}

#[test]
fn site_remove_takes_the_name_as_a_positional_or_with_site() {
    let positional = sslbind(&["site", "remove", "blog", "examples/hosting-server"]);
    assert_eq!(positional.code, 0, "{}", positional.transcript());
    let option = sslbind(&["site", "remove", "--site", "blog", "examples/hosting-server"]);
    assert_eq!(option.transcript(), positional.transcript());
    assert!(option.stdout.contains("-            <site name=\"blog\""), "{}", option.stdout);

    let twice = sslbind(&["site", "remove", "--site", "blog", "wiki", "examples/hosting-server"]);
    assert_eq!(twice.code, 2, "{}", twice.transcript());
    assert!(twice.stderr.contains("the site is named twice"), "{}", twice.stderr);
    let none = sslbind(&["site", "remove"]);
    assert_eq!(none.code, 2, "{}", none.transcript());
    assert!(none.stderr.contains("give the site's name"), "{}", none.stderr);
}

#[test]
fn the_singular_command_given_a_machine_suggests_the_listing() {
    for (singular, plural) in [("binding", "bindings"), ("mapping", "mappings")] {
        let output = sslbind(&[singular, "examples/iis-express-dev"]);
        assert_eq!(output.code, 2, "{}", output.transcript());
        assert!(
            output
                .stderr
                .contains(&format!("the command is `{plural}`: sslbind {plural} examples/iis-express-dev")),
            "{}",
            output.stderr
        );
    }
    // A near miss: a slip in the subcommand's name keeps clap's suggestion of the subcommand.
    let output = sslbind(&["binding", "ad"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("'add'"), "{}", output.stderr);
    assert!(!output.stderr.contains("bindings"), "{}", output.stderr);
}

#[test]
fn the_listing_given_a_subcommand_suggests_the_singular_command() {
    for (plural, subcommand, singular) in
        [("bindings", "add", "binding"), ("bindings", "set", "binding"), ("mappings", "prune", "mapping")]
    {
        let output = sslbind(&[plural, subcommand, "examples/iis-express-dev"]);
        assert_eq!(output.code, 2, "{}", output.transcript());
        assert!(
            output.stderr.contains(&format!("`{subcommand}` is a subcommand of `{singular}`")),
            "{}",
            output.stderr
        );
        assert!(
            output.stderr.contains(&format!("Usage: sslbind {singular} {subcommand}")),
            "{}",
            output.stderr
        );
    }
    // A near miss: a machine folder named like a subcommand is listed.
    let (folder, _machine) = copy_example("iis-express-dev");
    let parent = tempfile::tempdir().expect("a temporary folder");
    std::fs::rename(folder.path(), parent.path().join("prune")).expect("the folder is renamed");
    let output = sslbind_in(parent.path(), &["mappings", "prune"]);
    assert_eq!(output.code, 0, "{}", output.transcript());
}

#[test]
fn every_json_output_starts_with_its_schema_version() {
    let runs: [&[&str]; 8] = [
        &["bindings", "examples/iis-express-dev", "--format", "json"],
        &["mappings", "examples/iis-express-dev", "--format", "json"],
        &["reservations", "examples/iis-express-dev", "--format", "json"],
        &["doctor", "examples/iis-express-dev", "--format", "json"],
        &["resolve", "https://lextudio.com:4431/", "examples/iis-express-dev", "--format", "json"],
        &["probe", "https://127.0.0.1:9/", "--timeout", "500", "--format", "json"],
        &["diff", "examples/iis-express-dev", "examples/iis-express-dev", "--format", "json"],
        &["mapping", "prune", "examples/iis-express-dev", "--format", "json"],
    ];
    for args in runs {
        let output = sslbind(args);
        assert!(output.code == 0 || output.code == 1, "{args:?}: {}", output.transcript());
        assert!(output.stdout.starts_with("{\n  \"schema_version\": 1,\n"), "{args:?}: {}", output.stdout);
    }
    // SARIF is not ours: it carries its own version and nothing else at the top.
    let sarif = sslbind_json(&["doctor", "examples/iis-express-dev", "--format", "sarif"]);
    assert!(sarif.get("schema_version").is_none(), "{sarif}");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn every_plan_has_urlacl_operations_with_netsh_lists() {
    let without = sslbind_json(&["mapping", "prune", "examples/hosting-server", "--format", "json"]);
    assert_eq!(without["urlacl_operations"], Value::Array(Vec::new()), "{without}");
    assert!(without["operations"][0]["netsh"].is_array(), "{without}");

    let with = sslbind_json(&["site", "remove", "php", "examples/iis-express-dev", "--format", "json"]);
    let urlacls = with["urlacl_operations"].as_array().expect("a list");
    assert!(!urlacls.is_empty(), "{with}");
    for operation in urlacls {
        let netsh = operation["netsh"].as_array().expect("netsh is a list");
        assert!(
            netsh.iter().all(|command| command.as_str().is_some_and(|text| text.starts_with("netsh http")))
        );
    }
}
