//! The help is documentation users copy from: every command's `--help` has examples, and every
//! example runs against the example machines of the repository as printed. Also the clap
//! definition's own consistency checks, the shell completions and the manual page.

use std::collections::HashMap;
use std::path::Path;

use crate::util::{Output, sslbind};

/// The definition itself (`sslbind::cli`, from the binary's library) passes clap's consistency
/// checks.
#[test]
fn the_command_definition_passes_clap_debug_asserts() {
    use clap::CommandFactory;
    sslbind::cli::Cli::command().debug_assert();
}

/// Every command path below the root, from the `Commands:` sections of the help (`help`
/// itself left out), parents before their subcommands.
fn command_paths() -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut pending = vec![Vec::<String>::new()];
    while let Some(path) = pending.pop() {
        let help = help_of(&path);
        let mut children: Vec<Vec<String>> = subcommands(&help.stdout)
            .into_iter()
            .map(|name| path.iter().cloned().chain([name]).collect())
            .collect();
        children.reverse();
        if !path.is_empty() {
            paths.push(path);
        }
        pending.extend(children);
    }
    paths
}

fn help_of(path: &[String]) -> Output {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let output = sslbind(&args);
    assert_eq!(output.code, 0, "{}", output.transcript());
    output
}

/// The names listed under `Commands:`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The example command lines of a help text: the lines after an `Example…:` heading that start
/// with `sslbind`, joined with their `\` continuation lines.
fn examples(help: &str) -> Vec<String> {
    let mut examples = Vec::new();
    let mut in_examples = false;
    let mut current: Option<String> = None;
    for line in help.lines() {
        if line.starts_with("Example") && line.ends_with(':') {
            in_examples = true;
            continue;
        }
        if !in_examples {
            continue;
        }
        let trimmed = line.trim();
        if let Some(mut command) = current.take() {
            command.push(' ');
            command.push_str(trimmed.trim_end_matches('\\').trim_end());
            if trimmed.ends_with('\\') {
                current = Some(command);
            } else {
                examples.push(command);
            }
        } else if trimmed.starts_with("sslbind ") {
            let command = trimmed.trim_end_matches('\\').trim_end().to_owned();
            if trimmed.ends_with('\\') {
                current = Some(command);
            } else {
                examples.push(command);
            }
        }
    }
    examples
}

/// Splits an example into words as cmd.exe, PowerShell and POSIX shells agree: spaces separate,
/// double quotes group; the words from a redirection or a pipe on go to the shell, not sslbind.
fn words(example: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for character in example.chars() {
        match character {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            _ => {
                word.push(character);
                started = true;
            }
        }
    }
    assert!(!quoted, "an unclosed quote in `{example}`");
    if started {
        words.push(word);
    }
    let shell =
        words.iter().position(|word| [">", ">>", "|"].contains(&word.as_str())).unwrap_or(words.len());
    words.truncate(shell);
    words
}

/// Commands whose exit code 1 reports what they found (findings, differences, a verdict or
/// a handshake that got no answer), not a failure.
const FINDING_COMMANDS: [&str; 4] = ["doctor", "diff", "resolve", "probe"];

#[test]
fn every_command_has_an_example_and_every_example_runs() {
    let scratch = tempfile::tempdir().expect("a temporary folder");
    // Files an example writes (`-o web01.snapshot.json`, `--db fleet.db`) go to the scratch
    // folder, and later examples that read them are pointed there.
    let mut written: HashMap<String, String> = HashMap::new();
    let paths = command_paths();
    assert!(paths.len() >= 20, "found the commands: {paths:?}");
    let mut ran = 0;
    for path in &paths {
        let help = help_of(path);
        let examples = examples(&help.stdout);
        assert!(!examples.is_empty(), "`sslbind {}` has no example:\n{}", path.join(" "), help.stdout);
        for example in examples {
            assert!(!example.contains("examples/dev-box"), "{example}");
            assert!(
                !example.contains("--write"),
                "an example with --write would change the repository: {example}"
            );
            if path[0] == "probe" {
                assert!(
                    example.contains("127.0.0.1"),
                    "tests stay on loopback, give --connect 127.0.0.1: {example}"
                );
            }
            let mut args = words(&example);
            assert_eq!(args.first().map(String::as_str), Some("sslbind"), "{example}");
            args.remove(0);
            for position in 0..args.len() {
                let writes = ["-o", "--output", "--db"];
                if position > 0 && writes.contains(&args[position - 1].as_str()) {
                    let target = scratch.path().join(&args[position]);
                    let target = target.to_str().expect("a UTF-8 path").to_owned();
                    written.insert(args[position].clone(), target.clone());
                    args[position] = target;
                } else if let Some(target) = written.get(&args[position]) {
                    args[position] = target.clone();
                }
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = sslbind(&args);
            let finding = FINDING_COMMANDS.contains(&path[0].as_str());
            assert!(
                output.code == 0 || (finding && output.code == 1),
                "the example `{example}` of `sslbind {} --help` failed:\n{}",
                path.join(" "),
                output.transcript()
            );
            let error_line = |text: &str| text.lines().any(|line| line.starts_with("error:"));
            assert!(
                !error_line(&output.stderr) && !error_line(&output.stdout),
                "{example}:\n{}",
                output.transcript()
            );
            ran += 1;
        }
    }
    assert!(ran >= 30, "ran {ran} examples");
    assert!(written.values().all(|path| Path::new(path).exists()), "{written:?}");
}

#[test]
fn the_examples_of_a_help_text_are_found_with_their_continuation_lines() {
    let help = "Usage: sslbind x\n\nExamples:\n  sslbind a b \\\n      --c \"d e\" > out.txt\n  sslbind f\n";
    let found = examples(help);
    assert_eq!(found, ["sslbind a b --c \"d e\" > out.txt", "sslbind f"]);
    assert_eq!(words(&found[0]), ["sslbind", "a", "b", "--c", "d e"]);
    // A near miss: command lines outside the examples are not examples.
    assert!(examples("Usage: sslbind x\n  sslbind a\n").is_empty());
}

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

#[test]
fn completions_for_every_shell_name_the_commands() {
    for shell in SHELLS {
        let output = sslbind(&["completions", shell]);
        assert_eq!(output.code, 0, "{shell}: {}", output.transcript());
        for command in
            ["bindings", "mappings", "doctor", "resolve", "probe", "reservations", "completions", "man"]
        {
            assert!(output.stdout.contains(command), "{shell} completions lack `{command}`");
        }
        assert!(output.stdout.contains("expiry-days"), "{shell} completions lack the options");
    }
    let unknown = sslbind(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert!(unknown.stderr.contains("possible values"), "{}", unknown.stderr);
}

#[test]
fn man_prints_roff_naming_every_command() {
    let output = sslbind(&["man"]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.starts_with('.'), "not roff: {}", &output.stdout[..output.stdout.len().min(200)]);
    assert!(output.stdout.contains(".TH sslbind 1"), "no title line");
    assert_eq!(output.stdout.matches(".TH ").count(), 1, "one page");
    for path in command_paths() {
        let heading = format!(".SH \"SSLBIND {}\"", path.join(" ").to_uppercase());
        assert!(output.stdout.contains(&heading), "no section {heading}");
    }
    assert!(
        output.stdout.contains("sslbind binding add examples/iis-express-dev"),
        "the examples are in the page"
    );
}

/// The bash completions parse in bash (`bash -n`), and zsh's and fish's in their shells.
#[cfg(feature = "external-tools")]
#[test]
fn completions_parse_in_their_shells() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for (shell, program, install) in [
        ("bash", "bash", "apt-get install bash"),
        ("zsh", "zsh", "apt-get install zsh"),
        ("fish", "fish", "apt-get install fish"),
    ] {
        let output = sslbind(&["completions", shell]);
        assert_eq!(output.code, 0, "{}", output.transcript());
        let script = folder.path().join(format!("sslbind.{shell}"));
        std::fs::write(&script, &output.stdout).expect("the script is written");
        let check = std::process::Command::new(program)
            .arg("-n")
            .arg(&script)
            .output()
            .unwrap_or_else(|error| panic!("{program} is needed for this test ({install}): {error}"));
        assert!(
            check.status.success(),
            "{program} -n rejects the completions: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}
