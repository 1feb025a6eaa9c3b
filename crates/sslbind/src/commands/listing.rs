//! `sslbind bindings` and `sslbind mappings`: the two side-by-side views of a machine.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context;
use sslbind_core::analysis::{self, selection::UnknownCcsFolder};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_live::Sources;

use crate::cli::{Format, ListArgs, SourceArgs};
use crate::render::{self, Style};

/// `sslbind bindings`.
pub fn bindings(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let (machine, analysis) = load_and_analyze(&args.sources)?;
    let mut out = io::stdout().lock();
    match args.format {
        Format::Table => render::table::bindings(&mut out, &machine, &analysis, &Style::for_stdout())?,
        Format::Json => render::json::write(&mut out, &render::json::bindings(&machine, &analysis))?,
    }
    out.flush()?;
    invalid_bindings_exit(&machine)
}

/// `sslbind mappings`.
pub fn mappings(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let (machine, analysis) = load_and_analyze(&args.sources)?;
    let mut out = io::stdout().lock();
    match args.format {
        Format::Table => render::table::mappings(&mut out, &machine, &analysis, &Style::for_stdout())?,
        Format::Json => render::json::write(&mut out, &render::json::mappings(&machine, &analysis))?,
    }
    out.flush()?;
    invalid_bindings_exit(&machine)
}

/// Invalid http/https bindings are errors for the listings: they are still listed (marked),
/// so that one bad line does not hide the machine, but each is reported with its file, line
/// and column, and the exit code is 2.
fn invalid_bindings_exit(machine: &sslbind_core::model::Machine) -> anyhow::Result<ExitCode> {
    let errors = sslbind_live::invalid_bindings(machine);
    let mut stderr = io::stderr().lock();
    for error in &errors {
        writeln!(stderr, "error: {error}")?;
    }
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn load_and_analyze(args: &SourceArgs) -> anyhow::Result<(sslbind_core::model::Machine, analysis::Analysis)> {
    let sources = sources_of(args);
    if sources.is_empty() {
        anyhow::bail!(
            "no sources given: pass a machine folder, or --config, --sslcert and --certs \
             (see `sslbind help bindings`)"
        );
    }
    let machine = sslbind_live::load_machine(&sources).context("reading the sources")?;
    render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
    let analysis = analysis::analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    Ok((machine, analysis))
}

/// The library's view of the source arguments.
pub fn sources_of(args: &SourceArgs) -> Sources {
    Sources {
        configs: args.configs.clone(),
        sslcert: args.sslcert.clone(),
        certs: args.certs.clone(),
        registry: args.registry.clone(),
        snapshot: args.snapshot.clone(),
        pfx_password: args.pfx_password.clone(),
        iis_express: args.iis_express,
        machine: args.machine.clone(),
    }
}
