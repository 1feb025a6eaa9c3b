//! Running the `sslbind` executable from tests, and the paths tests need.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `sslbind` produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The exit code, standard output and standard error as one text for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `sslbind ARGS` in the workspace root with colours off and, as in any pipe without
/// `COLUMNS`, no width limit.
pub fn sslbind(args: &[&str]) -> Output {
    sslbind_in_with_env(&workspace_root(), args, &[])
}

/// Runs `sslbind ARGS` as [`sslbind`] does, with the environment variables `env` set (and
/// `SSLBIND_PFX_PASSWORD` unset unless given there).
pub fn sslbind_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    sslbind_in_with_env(&workspace_root(), args, env)
}

/// Runs `sslbind ARGS` in `folder`, otherwise as [`sslbind`] does.
pub fn sslbind_in(folder: &Path, args: &[&str]) -> Output {
    sslbind_in_with_env(folder, args, &[])
}

/// Runs `sslbind ARGS` in `folder` with colours off and the environment variables `env` set.
fn sslbind_in_with_env(folder: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut with_no_color = vec![("NO_COLOR", "1")];
    with_no_color.extend_from_slice(env);
    run(folder, args, &with_no_color)
}

/// Runs `sslbind ARGS` with none of the variables that steer colour, width and the PFX
/// password, then `env` set: what a user's shell gives, piped.
pub fn sslbind_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    run(&workspace_root(), args, env)
}

/// Runs `sslbind ARGS` in `folder` with the variables that steer it cleared, then `env` set.
fn run(folder: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sslbind"));
    command.args(args).current_dir(folder);
    for name in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "COLUMNS", "SSLBIND_PFX_PASSWORD"] {
        command.env_remove(name);
    }
    let output = command.envs(env.iter().copied()).output().expect("the sslbind executable runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `sslbind ARGS` and parses its standard output as JSON; panics with the transcript if
/// the run failed.
pub fn sslbind_json(args: &[&str]) -> serde_json::Value {
    let output = sslbind(args);
    assert_eq!(output.code, 0, "{}", output.transcript());
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| panic!("{error}\n{}", output.transcript()))
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root exists")
}
