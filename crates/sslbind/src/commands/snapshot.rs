//! `sslbind snapshot -o FILE`: everything known about a machine, in one file.

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
    sslbind_live::write::write_new(&args.output, json.as_bytes())
        .with_context(|| format!("writing {}", args.output.display()))?;
    writeln!(
        io::stdout(),
        "wrote {}: {}, {}, {}",
        args.output.display(),
        render::plural(loaded.machine.configs.len(), "config"),
        render::plural(loaded.machine.mappings.len(), "mapping"),
        render::plural(loaded.machine.certificates.len(), "certificate")
    )?;
    Ok(ExitCode::SUCCESS)
}
