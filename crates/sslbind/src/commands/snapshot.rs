//! `sslbind snapshot -o FILE`: everything known about a machine, in one file (or on standard
//! output with `-o -`).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::snapshot::{SnapshotMeta, write_snapshot};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::SnapshotArgs;
use crate::commands::listing::load;
use crate::render;

/// Reads the sources and writes the snapshot atomically.
pub fn run(args: &SnapshotArgs) -> anyhow::Result<ExitCode> {
    let loaded = load(&args.sources)?;
    render::warnings(&mut io::stderr().lock(), &loaded.machine.warnings)?;
    let configs = loaded.config_sources();
    let meta = SnapshotMeta {
        tool: format!("sslbind {}", env!("CARGO_PKG_VERSION")),
        created: OffsetDateTime::now_utc().format(&Rfc3339).context("formatting the current time")?,
        machine_name: args.machine_name.clone(),
    };
    let json = write_snapshot(&loaded.machine, &configs, &meta)?;
    // `-o -` is standard output, for a pipe or a redirection; the summary then goes to
    // standard error, so that what is piped is the snapshot alone.
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout {
        let mut stdout = io::stdout().lock();
        stdout.write_all(json.as_bytes())?;
        stdout.flush()?;
    } else {
        sslbind_live::write::write_new(&args.output, json.as_bytes())
            .with_context(|| format!("writing {}", args.output.display()))?;
    }
    let summary = format!(
        "wrote {}: {}, {}, {}",
        if to_stdout {
            "the snapshot to standard output".to_owned()
        } else {
            args.output.display().to_string()
        },
        render::plural(loaded.machine.configs.len(), "config"),
        render::plural(loaded.machine.mappings.len(), "mapping"),
        render::plural(loaded.machine.certificates.len(), "certificate")
    );
    if to_stdout {
        writeln!(io::stderr(), "{summary}")?;
    } else {
        writeln!(io::stdout(), "{summary}")?;
    }
    Ok(ExitCode::SUCCESS)
}
