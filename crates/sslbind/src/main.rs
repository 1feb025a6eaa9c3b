//! The `sslbind` binary: arguments in, library calls, rendering out, and an exit code.
//!
//! It holds no knowledge of IIS or HTTP.sys: that lives in `sslbind-core` (meaning) and
//! `sslbind-live` (reading the world). Exit codes: 0 clean, 1 findings at or above the
//! failure threshold, 2 error.

mod cli;
mod commands;
mod positionals;
mod render;

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = positionals::parse();
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
