//! Hostile inputs through the real executable: entity expansion, deep nesting, a 100 MB
//! config, binary garbage and truncated files under every source option, and a netsh file of
//! one endless line. Each must end in a result or a clear error (exit 0, 1 for findings, or
//! 2), never a panic, a crash or a hang, within a time limit. In the `external-tools` suite
//! each run also has an address-space limit set on the process (`prlimit --as`, util-linux),
//! so that "bounded" is checked for memory too, not hoped for; the default suite, which needs
//! nothing but Rust, checks the time alone.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Output, workspace_root};

/// Address space for small inputs: far above what sslbind needs, far below a runaway.
const SMALL_LIMIT: u64 = 1 << 30;
/// Time for small inputs, generous for an unoptimised build on a busy machine.
const SMALL_TIME: Duration = Duration::from_secs(60);

/// The command that runs `sslbind`: under `prlimit --as=MEMORY` in the `external-tools` suite,
/// directly otherwise.
fn bounded_command(memory: u64) -> Command {
    if cfg!(feature = "external-tools") {
        let mut command = Command::new("prlimit");
        command.arg(format!("--as={memory}")).arg("--").arg(env!("CARGO_BIN_EXE_sslbind"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_sslbind"))
    }
}

/// Runs `sslbind ARGS` under a time limit (and, in the `external-tools` suite, an
/// address-space limit); panics when either is exceeded or the process panics or dies by a
/// signal.
fn run_bounded(args: &[&str], memory: u64, time: Duration) -> Output {
    let mut child = bounded_command(memory)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run sslbind ({error}); the external-tools suite runs it under prlimit (util-linux)"
            )
        });
    // Drained on threads so that a large output cannot block the child.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if start.elapsed() > time {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sslbind {args:?} did not finish within {time:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().expect("stdout read")).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().expect("stderr read")).into_owned();
    let output = Output { code: status.code().unwrap_or(-1), stdout, stderr };
    assert!(
        matches!(output.code, 0..=2) && !output.stderr.contains("panicked"),
        "sslbind {args:?} crashed or panicked (exit {}, limit {memory} bytes):\n{}",
        output.code,
        output.stderr.chars().take(2000).collect::<String>()
    );
    output
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch folder is created");
    dir
}

fn write(path: &Path, bytes: &[u8]) -> String {
    std::fs::write(path, bytes).expect("the input is written");
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// Deterministic bytes (xorshift), so that a failure can be reproduced.
fn noise(seed: u64, length: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Every way a file reaches a reading command: each source option, and the positional
/// argument, which takes a snapshot file or a machine folder.
const OPTIONS: [&str; 8] = [
    "--config",
    "--sslcert",
    "--certs",
    "--registry",
    "--snapshot",
    "--urlacl",
    "--excluded-ports",
    "MACHINE",
];

fn read_under_every_option(file: &str) {
    for option in OPTIONS {
        for command in ["mappings", "doctor"] {
            let args: Vec<&str> =
                if option == "MACHINE" { vec![command, file] } else { vec![command, option, file] };
            let output = run_bounded(&args, SMALL_LIMIT, SMALL_TIME);
            // A refusal is a clear error: it names the file.
            if output.code == 2 {
                assert!(
                    output.stderr.contains(file),
                    "sslbind {args:?} refused without naming the file:\n{}",
                    output.stderr
                );
            }
        }
    }
}

#[test]
fn xml_entity_expansion_is_refused_at_the_dtd() {
    let dir = scratch("entities");
    let mut config = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n");
    for level in 1..10 {
        let previous = if level == 1 { "lol".to_owned() } else { format!("lol{}", level - 1) };
        let _ = writeln!(config, "  <!ENTITY lol{level} \"{}\">", format!("&{previous};").repeat(10));
    }
    config.push_str("]>\n<configuration><system.applicationHost><sites><site name=\"&lol9;\" id=\"1\" />");
    config.push_str("</sites></system.applicationHost></configuration>\n");
    let path = write(&dir.join("applicationHost.config"), config.as_bytes());
    for args in [vec!["bindings", "--config", &path], vec!["doctor", dir.to_str().expect("UTF-8")]] {
        let output = run_bounded(&args, SMALL_LIMIT, SMALL_TIME);
        assert_eq!(output.code, 2, "{}", output.transcript());
        assert!(output.stderr.contains(&format!("{path}:2:")), "{}", output.stderr);
        assert!(output.stderr.contains("DTD"), "{}", output.stderr);
    }
}

#[test]
fn deeply_nested_elements_are_read_without_recursion() {
    let dir = scratch("nesting");
    let depth = 200_000;
    let mut config = String::from("<configuration><system.applicationHost><sites>");
    config.push_str("<site name=\"deep\" id=\"1\"><bindings>");
    config
        .push_str("<binding protocol=\"https\" bindingInformation=\"*:443:deep.example\" sslFlags=\"1\" />");
    config.push_str("</bindings></site></sites></system.applicationHost>");
    config.push_str(&"<x>".repeat(depth));
    config.push_str(&"</x>".repeat(depth));
    config.push_str("</configuration>");
    let path = write(&dir.join("applicationHost.config"), config.as_bytes());
    let output = run_bounded(&["bindings", "--config", &path, "--format", "json"], SMALL_LIMIT, SMALL_TIME);
    // Either read (the site is there) or refused with a position: never a stack overflow.
    if output.code == 0 {
        assert!(output.stdout.contains("deep.example"), "{}", output.transcript());
    } else {
        assert!(output.stderr.contains(&format!("{path}:1:")), "{}", output.transcript());
    }
}

#[test]
fn a_100_mb_config_is_read_in_bounded_time_and_memory() {
    let dir = scratch("large-config");
    let mut config = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n");
    config.push_str("<system.applicationHost>\n<sites>\n");
    let mut site = 0;
    while config.len() < 100_000_000 {
        site += 1;
        let _ = write!(
            config,
            "<site name=\"site{site}\" id=\"{site}\">\n<application path=\"/\">\n\
             <virtualDirectory path=\"/\" physicalPath=\"D:\\Sites\\site{site}\" />\n</application>\n<bindings>\n\
             <binding protocol=\"http\" bindingInformation=\"*:80:site{site}.example\" />\n\
             <binding protocol=\"https\" bindingInformation=\"*:443:site{site}.example\" sslFlags=\"1\" />\n\
             </bindings>\n</site>\n"
        );
    }
    config.push_str("</sites>\n</system.applicationHost>\n</configuration>\n");
    let path = write(&dir.join("applicationHost.config"), config.as_bytes());
    // The parsed document of a config this dense (300,000 sites) takes about nine times the
    // file (docs/performance.md); the limit is on address space, which is somewhat more than
    // the memory actually used, so fifteen times the file proves the bound with room to spare.
    let limit = 15 * config.len() as u64;
    let output = run_bounded(&["bindings", "--config", &path], limit, Duration::from_secs(300));
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.contains(&format!("site{site}.example")));
}

#[test]
fn binary_garbage_under_every_option_is_an_error_or_a_result() {
    let dir = scratch("garbage");
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("noise", noise(1, 64 * 1024)),
        ("zeros", vec![0; 64 * 1024]),
        ("ones", vec![0xFF; 64 * 1024]),
        ("utf16-noise", [&[0xFF, 0xFE][..], &noise(2, 64 * 1024)].concat()),
        ("utf8-bom-noise", [&[0xEF, 0xBB, 0xBF][..], &noise(3, 64 * 1024)].concat()),
        ("der-noise", [&[0x30, 0x82, 0xFF, 0xF0][..], &noise(4, 4096)].concat()),
        ("hive-noise", [&b"regf"[..], &noise(5, 8192)].concat()),
        ("angle-brackets", b"<".repeat(64 * 1024)),
        ("empty", Vec::new()),
    ];
    for (name, bytes) in &inputs {
        let path = write(&dir.join(name), bytes);
        read_under_every_option(&path);
    }
    // A machine folder whose files have the names sslbind looks for, all garbage.
    let machine = dir.join("machine");
    std::fs::create_dir_all(machine.join("certs")).expect("the machine folder is created");
    for (index, name) in [
        "applicationHost.config",
        "sslcert.txt",
        "urlacl.txt",
        "excludedportrange.txt",
        "x.reg",
        "SYSTEM",
        "SOFTWARE",
    ]
    .iter()
    .enumerate()
    {
        write(&machine.join(name), &noise(10 + index as u64, 16 * 1024));
    }
    write(&machine.join("certs").join("x.cer"), &noise(20, 2048));
    write(&machine.join("x.snapshot.json"), &noise(21, 2048));
    for command in ["bindings", "mappings", "doctor", "reservations"] {
        run_bounded(&[command, machine.to_str().expect("UTF-8")], SMALL_LIMIT, SMALL_TIME);
    }
}

#[test]
fn truncated_files_under_every_option_are_an_error_or_a_result() {
    let root = workspace_root();
    let dir = scratch("truncated");
    let snapshot = dir.join("machine.snapshot.json");
    run_bounded(
        &[
            "snapshot",
            "-o",
            snapshot.to_str().expect("UTF-8"),
            root.join("examples/hosting-server").to_str().expect("UTF-8"),
        ],
        SMALL_LIMIT,
        SMALL_TIME,
    );
    let sources = [
        root.join("examples/hosting-server/applicationHost.config"),
        root.join("examples/hosting-server/sslcert.txt"),
        root.join("examples/hosting-server/certs/partners.contoso.com.pfx"),
        root.join("examples/hosting-server/certs/server.contoso.com.cer"),
        root.join("examples/iis-express-dev/urlacl.txt"),
        snapshot,
    ];
    for source in &sources {
        let bytes = std::fs::read(source).expect("the example file is read");
        for fraction in [1, 3, 5, 7, 9] {
            let cut = bytes.len() * fraction / 10;
            let name =
                format!("{}-{fraction}", source.file_name().and_then(|n| n.to_str()).unwrap_or("file"));
            let path = write(&dir.join(name), &bytes[..cut]);
            read_under_every_option(&path);
        }
    }
}

#[test]
fn a_netsh_file_of_one_endless_line_is_read_in_bounded_time_and_memory() {
    let dir = scratch("endless-line");
    let length = 64 * 1024 * 1024;
    let mut line = b"    IP:port                      : ".to_vec();
    line.resize(length, b'9');
    let utf8 = write(&dir.join("endless-utf8.txt"), &line);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(line[..length / 2].iter().flat_map(|&byte| [byte, 0]));
    let utf16 = write(&dir.join("endless-utf16.txt"), &utf16);
    for path in [&utf8, &utf16] {
        for option in ["--sslcert", "--urlacl", "--excluded-ports"] {
            let output =
                run_bounded(&["mappings", option, path], 10 * length as u64, Duration::from_secs(120));
            // A warning about the line is at most one short line, not the line quoted.
            assert!(output.stderr.len() < 64 * 1024, "{} bytes of warnings", output.stderr.len());
        }
    }
}
