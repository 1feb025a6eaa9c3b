//! The output conventions people rely on from cargo and ripgrep: `--color` with `NO_COLOR`
//! and `CLICOLOR_FORCE`, JSON never coloured, the width from `COLUMNS` (a pipe cut nowhere),
//! columns aligned by display width for CJK names, `--quiet`, and the small things of the
//! text: findings by severity, SARIF sentences, plurals, and `explain`'s suggestions.

use std::path::Path;

use unicode_width::UnicodeWidthStr as _;

use crate::util::{sslbind, sslbind_env};
use sslbind::machine_writer::{app_ids, netsh};

const HOSTING: &str = "examples/hosting-server";
const NOW: &str = "--now=2026-06-01T00:00:00Z";
/// The start of every SGR escape sequence (colour, bold, dim).
const SGR: &str = "\u{1b}[";

/// A machine folder: an applicationHost.config with `sites` (name, https bindingInformation
/// with SNI) and a netsh output with an SNI mapping for each binding.
fn machine(folder: &Path, sites: &[(&str, &[&str])]) {
    let mut xml = String::from("<configuration>\n<system.applicationHost>\n<sites>\n");
    let mut text = netsh::header();
    let mut n_mappings = 0;
    for (id, (site, bindings)) in sites.iter().enumerate() {
        xml.push_str(&format!("<site name=\"{site}\" id=\"{}\">\n<bindings>\n", id + 1));
        for information in *bindings {
            xml.push_str(&format!(
                "<binding protocol=\"https\" bindingInformation=\"{information}\" sslFlags=\"1\" />\n"
            ));
            let host = information.rsplit(':').next().expect("a host");
            n_mappings += 1;
            let hash = format!("{n_mappings:040x}");
            netsh::record(
                &mut text,
                netsh::label::SNI,
                &format!("{host}:443"),
                Some(&hash),
                app_ids::IIS,
                Some("MY"),
            );
        }
        xml.push_str("</bindings>\n</site>\n");
    }
    xml.push_str("</sites>\n</system.applicationHost>\n</configuration>\n");
    std::fs::write(folder.join("applicationHost.config"), xml).expect("a config");
    std::fs::write(folder.join("sslcert.txt"), text).expect("a netsh output");
}

fn path(folder: &tempfile::TempDir) -> &str {
    folder.path().to_str().expect("a UTF-8 path")
}

// Colour.

#[test]
fn color_always_colours_a_pipe_and_never_or_no_color_do_not() {
    let table = ["bindings", HOSTING, NOW];
    let plain = sslbind_env(&table, &[]);
    assert_eq!(plain.code, 2, "the example's invalid binding: {}", plain.transcript());
    assert!(!plain.stdout.contains(SGR), "auto, piped: {}", plain.stdout);

    for args in [
        vec!["--color", "always", "bindings", HOSTING, NOW],
        vec!["bindings", HOSTING, NOW, "--color=always"],
    ] {
        let coloured = sslbind_env(&args, &[]);
        assert!(coloured.stdout.contains("\u{1b}[1mBINDING\u{1b}[0m"), "{args:?}: {}", coloured.stdout);
        assert!(coloured.stdout.contains("\u{1b}[32m"), "{args:?}: green for a served binding");
        let stripped = strip_sgr(&coloured.stdout);
        assert_eq!(stripped, plain.stdout, "{args:?}: colour is all that differs");
    }

    let never = sslbind_env(&["--color", "never", "bindings", HOSTING, NOW], &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(never.stdout, plain.stdout, "--color never wins over CLICOLOR_FORCE");
    let no_color = sslbind_env(&table, &[("NO_COLOR", "1")]);
    assert_eq!(no_color.stdout, plain.stdout);
    let flag_wins = sslbind_env(&["--color", "always", "bindings", HOSTING, NOW], &[("NO_COLOR", "1")]);
    assert!(flag_wins.stdout.contains(SGR), "--color always wins over NO_COLOR");
}

#[test]
fn clicolor_force_colours_a_pipe_unless_no_color_is_set() {
    let args = ["doctor", HOSTING, NOW];
    let forced = sslbind_env(&args, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.stdout.contains("\u{1b}[31merror"), "{}", forced.stdout);
    let both = sslbind_env(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!both.stdout.contains(SGR), "NO_COLOR comes first: {}", both.stdout);
    let empty = sslbind_env(&args, &[("CLICOLOR_FORCE", "")]);
    assert!(!empty.stdout.contains(SGR), "an empty CLICOLOR_FORCE forces nothing: {}", empty.stdout);
}

#[test]
fn json_and_sarif_are_never_coloured() {
    for args in [
        vec!["bindings", HOSTING, NOW, "--format", "json"],
        vec!["mappings", HOSTING, NOW, "--format", "json"],
        vec!["doctor", HOSTING, NOW, "--format", "json"],
        vec!["doctor", HOSTING, NOW, "--format", "sarif"],
        vec!["resolve", "https://shop.contoso.com/", HOSTING, NOW, "--format", "json"],
    ] {
        let mut always = vec!["--color", "always"];
        always.extend(&args);
        let coloured = sslbind_env(&always, &[("CLICOLOR_FORCE", "1")]);
        assert!(!coloured.stdout.contains('\u{1b}'), "{args:?}: {}", coloured.stdout);
        let plain = sslbind_env(&args, &[]);
        assert_eq!(coloured.stdout, plain.stdout, "{args:?}");
        serde_json::from_str::<serde_json::Value>(&coloured.stdout).expect("JSON");
    }
}

#[test]
fn an_emitted_script_is_never_coloured_and_its_plan_on_stderr_follows_the_flag() {
    let args = ["mapping", "prune", HOSTING, "--emit", "netsh", "--color", "always"];
    let output = sslbind_env(&args, &[]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.contains("netsh http delete sslcert"), "{}", output.stdout);
    assert!(!output.stdout.contains('\u{1b}'), "{}", output.stdout);
    assert!(output.stderr.contains(SGR), "{}", output.stderr);
    let never = sslbind_env(&["mapping", "prune", HOSTING, "--emit", "netsh"], &[]);
    assert!(!never.stderr.contains(SGR), "{}", never.stderr);
    assert_eq!(never.stdout, output.stdout);
}

#[test]
fn clap_help_and_usage_errors_follow_the_color_flag() {
    let help = sslbind_env(&["--color", "always", "bindings", "--help"], &[]);
    assert_eq!(help.code, 0, "{}", help.transcript());
    assert!(help.stdout.contains(SGR), "{}", help.stdout);
    let plain_help = sslbind_env(&["--color", "never", "bindings", "--help"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!plain_help.stdout.contains(SGR), "{}", plain_help.stdout);
    assert!(plain_help.stdout.contains("--color <WHEN>"), "every command takes it: {}", plain_help.stdout);
    assert!(plain_help.stdout.contains("-q, --quiet"), "{}", plain_help.stdout);

    let bad = sslbind_env(&["--color", "sometimes", "bindings", HOSTING], &[]);
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("--color"), "{}", bad.stderr);
    assert!(bad.stderr.contains("always"), "the values are listed: {}", bad.stderr);
}

/// `text` without SGR sequences.
fn strip_sgr(text: &str) -> String {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(SGR) {
        plain.push_str(&rest[..start]);
        let after = &rest[start + SGR.len()..];
        let end = after.find('m').expect("an SGR sequence ends in m");
        rest = &after[end + 1..];
    }
    plain.push_str(rest);
    plain
}

// Width.

#[test]
fn columns_narrows_the_tables_and_a_pipe_without_it_is_not_cut() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let long_host = format!("{}.example.com", "very-long-host-name-".repeat(6));
    let long_binding = format!("*:443:{long_host}");
    machine(folder.path(), &[("a site with a rather long name for a table", &[&long_binding])]);
    let piped = sslbind_env(&["bindings", path(&folder)], &[]);
    assert_eq!(piped.code, 0, "{}", piped.transcript());
    assert!(piped.stdout.contains(&format!("sni {long_host}:443")), "{}", piped.stdout);
    // The one `…` left is the short thumbprint's, which is a summary, not a cut.
    assert!(
        !piped.stdout.replace("00000000…", "").contains('…'),
        "nothing is cut in a pipe: {}",
        piped.stdout
    );
    assert!(piped.stdout.lines().any(|line| line.width() > 200), "{}", piped.stdout);

    for columns in [60, 100] {
        let narrow = sslbind_env(&["bindings", path(&folder)], &[("COLUMNS", &columns.to_string())]);
        assert_eq!(narrow.code, 0, "{}", narrow.transcript());
        assert!(narrow.stdout.contains('…'), "{columns}: {}", narrow.stdout);
        for line in narrow.stdout.lines() {
            assert!(line.width() <= columns, "{columns}: {} columns: {line}", line.width());
        }
    }
    // Columns keep a floor (a certificate's validity stays whole), so a table of long cells
    // may not reach 60, but it narrows.
    let widest = |columns: &str| {
        let output = sslbind_env(&["mappings", HOSTING, NOW], &[("COLUMNS", columns)]);
        output.stdout.lines().map(|line| line.width()).max().unwrap_or(0)
    };
    assert!(widest("60") < widest("100"), "{} {}", widest("60"), widest("100"));
}

#[test]
fn cjk_site_and_host_names_line_up_by_display_width() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    machine(
        folder.path(),
        &[
            ("販売サイト", &["*:443:shop.example.com", "*:443:ショップ.example.jp"]),
            ("blog", &["*:443:blog.example.com"]),
        ],
    );
    let bindings = sslbind_env(&["bindings", path(&folder)], &[]);
    assert_eq!(bindings.code, 0, "{}", bindings.transcript());
    assert_columns_line_up(&bindings.stdout, "CERTIFICATE", "00000000");
    let resolve = sslbind_env(&["resolve", "https://shop.example.com/", path(&folder)], &[]);
    assert_eq!(resolve.code, 0, "{}", resolve.transcript());
    assert_columns_line_up(&resolve.stdout, "BINDING", "*:443:");
    insta::assert_snapshot!(format!("{}\n{}", bindings.stdout, resolve.stdout));
}

/// Every row of the table under `header` that holds `cell` has it at the display column
/// where `header` starts (rows run to the first line that is not indented).
fn assert_columns_line_up(text: &str, header: &str, cell: &str) {
    let column_of = |line: &str, needle: &str| line.find(needle).map(|start| line[..start].width());
    let mut lines = text.lines().skip_while(|line| !line.contains(header));
    let header_column = lines.next().and_then(|line| column_of(line, header)).expect("the header");
    let rows: Vec<&str> = lines
        .filter(|line| !line.starts_with(char::is_alphanumeric))
        .take_while(|line| line.starts_with("  "))
        .filter(|line| line.contains(cell))
        .collect();
    assert!(rows.len() >= 2, "{text}");
    for line in rows {
        assert_eq!(column_of(line, cell), Some(header_column), "{line}\n{text}");
    }
}

// Quiet.

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    machine(folder.path(), &[("a", &["*:443:a.example.com"])]);
    let netsh = std::fs::read_to_string(folder.path().join("sslcert.txt")).expect("the netsh output");
    std::fs::write(folder.path().join("sslcert.txt"), format!("{netsh}this line is noise\n"))
        .expect("a netsh output");
    let warned = sslbind_env(&["bindings", path(&folder)], &[]);
    assert_eq!(warned.code, 0, "{}", warned.transcript());
    assert!(warned.stderr.contains("warning: "), "{}", warned.transcript());
    for flag in ["-q", "--quiet"] {
        let quiet = sslbind_env(&[flag, "bindings", path(&folder)], &[]);
        assert_eq!(quiet.code, 0, "{}", quiet.transcript());
        assert_eq!(quiet.stderr, "", "{flag}");
        assert_eq!(quiet.stdout, warned.stdout, "{flag}");
    }

    let errors = sslbind_env(&["bindings", HOSTING, NOW, "-q"], &[]);
    assert_eq!(errors.code, 2, "{}", errors.transcript());
    assert!(errors.stderr.contains("error: "), "{}", errors.stderr);
    let missing = sslbind_env(&["--quiet", "mappings", "--sslcert", "no/such/sslcert.txt"], &[]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("error: ") && missing.stderr.contains("no/such/sslcert.txt"));
}

// Details of the text.

#[test]
fn doctor_lists_each_sites_findings_errors_first() {
    let output = sslbind(&["doctor", HOSTING, NOW, "--fail-on", "never"]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let rank = |line: &str| match line.split_whitespace().next() {
        Some("error") => Some(3),
        Some("warning") => Some(2),
        Some("info") => Some(1),
        _ => None,
    };
    let mut mixed_groups = 0;
    for group in output.stdout.split("\n\n") {
        let ranks: Vec<u8> = group.lines().filter(|line| line.starts_with("  ")).filter_map(rank).collect();
        assert!(ranks.windows(2).all(|pair| pair[0] >= pair[1]), "{group}");
        if ranks.first() != ranks.last() {
            mixed_groups += 1;
        }
    }
    assert!(mixed_groups > 0, "a group with several severities is checked: {}", output.stdout);
}

#[test]
fn sarif_messages_end_their_sentences() {
    let output = sslbind(&["doctor", HOSTING, NOW, "--format", "sarif"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let log: serde_json::Value = serde_json::from_str(&output.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let ends = |text: &str| text.ends_with(['.', '!', '?']);
    for result in results {
        let text = result["message"]["text"].as_str().expect("a message");
        let (message, fix) = text.split_once(" Fix: ").unwrap_or((text, ""));
        assert!(ends(message), "{text}");
        assert!(!message.ends_with(".."), "{text}");
        // The fix's title, without the commands that follow it, each in backticks.
        let mut fix_title = fix;
        while let Some(command_end) = fix_title.strip_suffix('`') {
            fix_title = &command_end[..command_end.rfind(" `").expect("a command in backticks")];
        }
        assert!(fix.is_empty() || (ends(fix_title) && !fix_title.ends_with("..")), "{text}");
    }
}

#[test]
fn counts_of_one_are_singular_and_others_plural() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    machine(folder.path(), &[("a", &["*:443:a.example.com"])]);
    let bindings = sslbind(&["bindings", path(&folder)]);
    assert!(bindings.stdout.contains("\n1 binding in 1 site; 1 https"), "{}", bindings.stdout);
    let mappings = sslbind(&["mappings", path(&folder)]);
    assert!(mappings.stdout.contains("\n1 mapping: 1 in-use"), "{}", mappings.stdout);
    let snapshot = folder.path().join("one.snapshot.json");
    let snapshot = snapshot.to_str().expect("a UTF-8 path");
    let written = sslbind(&["snapshot", "-o", snapshot, path(&folder)]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    assert!(written.stdout.ends_with(": 1 config, 1 mapping, 0 certificates\n"), "{}", written.stdout);

    let two = tempfile::tempdir().expect("a temporary folder");
    machine(two.path(), &[("a", &["*:443:a.example.com"]), ("b", &["*:443:b.example.com"])]);
    let bindings = sslbind(&["bindings", path(&two)]);
    assert!(bindings.stdout.contains("\n2 bindings in 2 sites; 2 https"), "{}", bindings.stdout);
    let mappings = sslbind(&["mappings", path(&two)]);
    assert!(mappings.stdout.contains("\n2 mappings: 2 in-use"), "{}", mappings.stdout);
}

#[test]
fn explain_suggests_only_the_nearest_codes() {
    let explain = |code: &str| {
        let output = sslbind(&["explain", code]);
        assert_eq!(output.code, 2, "{}", output.transcript());
        output.stderr
    };
    let typo = explain("missing-mapings");
    assert!(typo.contains("did you mean `missing-mapping`?"), "{typo}");

    for word in ["expired", "expird"] {
        let output = explain(word);
        assert_eq!(suggestions(&output), ["certificate-expired", "probe-certificate-expired"], "{output}");
    }

    for swapped in ["expired-certificate", "expird-certificate", "mapping-missing"] {
        let output = explain(swapped);
        let first = suggestions(&output).first().copied();
        let expected = if swapped.contains("mapping") { "missing-mapping" } else { "certificate-expired" };
        assert_eq!(first, Some(expected), "words in another order: {output}");
    }

    let broad = explain("mapping");
    assert_eq!(suggestions(&broad).len(), 3, "at most three, the closest: {broad}");
    assert_eq!(suggestions(&broad)[0], "idle-mapping", "{broad}");

    let nothing_near = explain("zzzzzzzz");
    assert!(!nothing_near.contains("did you mean"), "{nothing_near}");
    assert!(nothing_near.contains("`sslbind explain`"), "{nothing_near}");
}

/// The codes an `explain` error suggests, in its order.
fn suggestions(stderr: &str) -> Vec<&str> {
    let Some((_, rest)) = stderr.split_once("did you mean ") else { return Vec::new() };
    let list = rest.split('?').next().unwrap_or_default();
    list.split(", ").map(|name| name.trim_matches('`')).collect()
}
