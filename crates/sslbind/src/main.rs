//! The `sslbind` binary: a thin entry over the library (`src/lib.rs`), which parses the
//! arguments, calls `sslbind-core` and `sslbind-live`, renders, and chooses the exit code
//! (0 clean, 1 findings at or above the failure threshold, 2 error).

use std::process::ExitCode;

fn main() -> ExitCode {
    sslbind::run()
}
