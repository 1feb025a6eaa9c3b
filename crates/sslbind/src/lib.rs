//! The `sslbind` command as a library, with `src/main.rs` a thin entry over [`run`], as ripgrep
//! and cargo are built: so that the integration tests look at what clap parsed, the scale
//! benchmark times the renderer users get, and the example programs write machines, all with
//! ordinary `use` paths instead of compiling the binary's files a second time.
//!
//! It holds no knowledge of IIS or HTTP.sys: that lives in `sslbind-core` (meaning) and
//! `sslbind-live` (reading the world). Exit codes: 0 clean, 1 findings at or above the
//! failure threshold, 2 error. Its modules serve the binary, its tests, benches and examples;
//! they are not a stable interface for other programs (use `sslbind-core` and `sslbind-live`).

pub mod cli;
pub mod commands;
#[cfg(feature = "machine-writer")]
pub mod machine_writer;
pub mod positionals;
pub mod render;
pub mod values;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::ValueEnum as _;

use crate::cli::ColorWhen;
use crate::render::output::ColorChoice;

/// The whole program: reads the process's arguments, runs the command, reports an error on
/// standard error, and returns the exit code.
pub fn run() -> ExitCode {
    // Before clap reads the arguments, so that its own help and usage errors follow `--color`.
    if let Some(color) = color_in_raw_args(std::env::args_os()) {
        render::output::configure(color_choice(color), false);
    }
    let args = positionals::parse();
    render::output::configure(color_choice(args.color), args.quiet);
    match commands::run(args) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that stops early (`sslbind mappings | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
}

fn color_choice(color: ColorWhen) -> ColorChoice {
    match color {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    }
}

/// The last `--color` in the raw arguments (as clap takes the last one), up to `--`; a value
/// clap would refuse is left for clap to report.
fn color_in_raw_args(args: impl IntoIterator<Item = OsString>) -> Option<ColorWhen> {
    let mut found = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => args.next().and_then(|value| value.into_string().ok()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        if let Some(color) = value.and_then(|value| ColorWhen::from_str(&value, false).ok()) {
            found = Some(color);
        }
    }
    found
}
