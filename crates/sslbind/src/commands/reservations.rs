//! `sslbind reservations`: the HTTP.sys URL reservations of a machine, side by side with the
//! bindings that need them, because a missing or foreign reservation stops a site from
//! listening (IIS Express without elevation, a service account without rights).

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::{ListArgs, ListFormat};
use crate::commands::listing::load;
use crate::render::{self, Style};

/// Runs `sslbind reservations`.
pub fn run(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let machine = load(&args.sources)?.machine;
    render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
    if !machine.url_reservations_known {
        anyhow::bail!(
            "the URL reservations are unknown: give --urlacl (netsh http show urlacl output), a SYSTEM hive or \
             .reg export with --registry, or a snapshot"
        );
    }
    let mut out = render::stdout();
    match args.format {
        ListFormat::Table => render::reservations::table(&mut out, &machine, &Style::for_stdout())?,
        ListFormat::Json => render::json::write(&mut out, &render::reservations::json(&machine))?,
        ListFormat::Csv => render::csv::print(
            &render::csv::reservation_columns(),
            &render::reservations::json(&machine),
            "reservations",
        )?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
