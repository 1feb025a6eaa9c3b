//! Writes that fail for real: a config in a folder mounted read-only, where creating a file
//! fails even for root. The mount is made in a private mount namespace
//! (`unshare -m sh -c 'mount --bind -o ro DIR DIR && exec …'`, util-linux), so it needs that
//! tool and the right to make namespaces; these tests run only with the `external-tools`
//! feature (`cargo test -p sslbind --features external-tools --test it external_atomic`) and
//! fail, never skip, when `unshare` is missing or does not work.
//!
//! The default suite covers the same transaction with failures made without tools
//! (sslbind-live's `tests/it/transaction.rs`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sslbind_live::{FileChange, commit};

/// Runs `program ARGS` with `folder` mounted read-only over itself, in a mount namespace of
/// its own; panics with a clear message when `unshare` cannot be run or does not work here.
fn in_read_only_folder(folder: &Path, program: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let probe = Command::new("unshare").args(["-m", "true"]).output();
    match probe {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "`unshare -m true` failed ({}): these external-tools tests need the right to make mount \
             namespaces (run them as root): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => panic!(
            "`unshare` (util-linux) could not be run: {error}; the external-tools tests need it installed"
        ),
    }
    let mut command = Command::new("unshare");
    command
        .args(["-m", "sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\""])
        .arg(folder)
        .arg(program)
        .args(args)
        .env("NO_COLOR", "1");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().expect("unshare runs")
}

/// Every file name under `folder`, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("a folder")
        .map(|entry| entry.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const IIS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <system.applicationHost>
        <sites>
            <site name="shop" id="1">
                <bindings>
                    <binding protocol="http" bindingInformation="*:80:shop.example.com" />
                </bindings>
            </site>
        </sites>
    </system.applicationHost>
</configuration>
"#;

const EXPRESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <system.applicationHost>
        <sites>
            <site name="php" id="8">
                <bindings>
                    <binding protocol="http" bindingInformation="*:58000:localhost" />
                </bindings>
            </site>
            <siteDefaults>
                <bindings>
                    <binding protocol="http" bindingInformation=":8080:localhost" />
                </bindings>
            </siteDefaults>
        </sites>
    </system.applicationHost>
</configuration>
"#;

/// Two configs in two folders: `iis/applicationHost.config` (writable) and
/// `readonly/applicationhost.config` (to be mounted read-only).
fn two_configs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().expect("a temporary folder");
    fs::create_dir(root.path().join("iis")).expect("a folder");
    fs::create_dir(root.path().join("readonly")).expect("a folder");
    let first = root.path().join("iis/applicationHost.config");
    let second = root.path().join("readonly/applicationhost.config");
    fs::write(&first, IIS).expect("the first config");
    fs::write(&second, EXPRESS).expect("the second config");
    (root, first, second)
}

#[test]
fn a_config_in_a_read_only_folder_fails_with_its_name_and_leaves_every_file_as_it_was() {
    let (root, first, second) = two_configs();
    let readonly = root.path().join("readonly");
    let (first_text, second_text) = (first.to_str().expect("UTF-8"), second.to_str().expect("UTF-8"));
    let output = in_read_only_folder(
        &readonly,
        Path::new(env!("CARGO_BIN_EXE_sslbind")),
        &[
            "binding",
            "add",
            "--config",
            first_text,
            "--config",
            second_text,
            "--site",
            "php",
            "--binding",
            "*:8081:localhost",
            "--protocol",
            "http",
            "--write",
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("applicationhost.config"), "the error names the file: {stderr}");
    assert!(stderr.contains("Read-only file system"), "the error gives the reason: {stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("wrote "), "{stderr}");
    assert_eq!(fs::read_to_string(&first).expect("the first config"), IIS);
    assert_eq!(fs::read_to_string(&second).expect("the second config"), EXPRESS);
    assert_eq!(names(&root.path().join("iis")), ["applicationHost.config"]);
    assert_eq!(names(&readonly), ["applicationhost.config"]);
}

/// Set for the run of [`a_commit_whose_second_file_is_read_only_restores_the_first`] that
/// the test makes of itself inside the mount namespace: the two files to commit.
const FILES_VARIABLE: &str = "SSLBIND_EXTERNAL_ATOMIC_FILES";

/// The library's commit over two files, the second in a read-only folder. The test runs
/// twice: outside, it prepares the files and runs itself (the test binary, this test only)
/// inside a mount namespace where the second folder is read-only; inside, it commits and
/// checks the error. Outside again, it checks the files.
#[test]
fn a_commit_whose_second_file_is_read_only_restores_the_first() {
    if let Ok(files) = std::env::var(FILES_VARIABLE) {
        return commit_inside_the_namespace(&files);
    }
    let (root, first, second) = two_configs();
    let readonly = root.path().join("readonly");
    // A backup from an earlier run, which must survive untouched.
    let earlier = root.path().join("iis/applicationHost.config.sslbind-backup");
    fs::write(&earlier, "an earlier run's backup").expect("a backup");
    let files = format!("{}\n{}", first.display(), second.display());
    let test_binary = std::env::current_exe().expect("the test binary");
    let output = in_read_only_folder(
        &readonly,
        &test_binary,
        &[
            "--exact",
            "external_atomic::a_commit_whose_second_file_is_read_only_restores_the_first",
            "--nocapture",
        ],
        &[(FILES_VARIABLE, &files)],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 passed"), "the run inside the namespace happened: {stdout}");
    assert!(stdout.contains("committed inside the namespace"), "{stdout}");
    assert_eq!(fs::read_to_string(&first).expect("the first config"), IIS);
    assert_eq!(fs::read_to_string(&second).expect("the second config"), EXPRESS);
    assert_eq!(fs::read_to_string(&earlier).expect("the earlier backup"), "an earlier run's backup");
    assert_eq!(
        names(&root.path().join("iis")),
        ["applicationHost.config", "applicationHost.config.sslbind-backup"]
    );
    assert_eq!(names(&readonly), ["applicationhost.config"]);
}

/// The inside of [`a_commit_whose_second_file_is_read_only_restores_the_first`].
fn commit_inside_the_namespace(files: &str) {
    let (first, second) = files.split_once('\n').expect("two paths");
    let (first, second) = (Path::new(first), Path::new(second));
    let edited: &[u8] = b"<configuration>edited</configuration>\n";
    let changes = [
        FileChange { path: first, original: IIS.as_bytes(), new: edited },
        FileChange { path: second, original: EXPRESS.as_bytes(), new: edited },
    ];
    let error = commit(&changes, None).expect_err("the read-only folder stops the second file");
    assert!(error.to_string().contains("Read-only file system"), "{error}");
    assert!(error.to_string().ends_with("nothing was changed"), "{error}");
    assert!(error.path().is_some_and(|path| path.starts_with(second.parent().expect("a folder"))), "{error}");
    assert!(error.not_restored.is_empty(), "{error}");
    println!("committed inside the namespace: {error}");
}
