//! `sslbind bindings` and `sslbind mappings`: the two side-by-side views of a machine.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context;
use sslbind_core::analysis::{self, selection::UnknownCcsFolder};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_live::{LoadedMachine, PASSWORD_VARIABLE, Sources};
use time::OffsetDateTime;

use crate::cli::{CertificateListArgs, ListFormat, SourceArgs};
use crate::render::{self, Expiry, Style};

/// `sslbind bindings`.
pub fn bindings(args: &CertificateListArgs) -> anyhow::Result<ExitCode> {
    let expiry = Expiry { now: args.now.unwrap_or_else(OffsetDateTime::now_utc), days: args.expiry_days };
    let (machine, analysis) = load_and_analyze(&args.sources)?;
    let mut out = render::stdout();
    match args.format {
        ListFormat::Table => {
            render::table::bindings(&mut out, &machine, &analysis, &expiry, &Style::for_stdout())?;
        }
        ListFormat::Json => {
            render::json::write(&mut out, &render::json::bindings(&machine, &analysis, &expiry))?;
        }
        ListFormat::Csv => render::csv::print(
            &render::csv::binding_columns(),
            &render::json::bindings(&machine, &analysis, &expiry),
            "bindings",
        )?,
    }
    out.flush()?;
    invalid_bindings_exit(&machine)
}

/// `sslbind mappings`.
pub fn mappings(args: &CertificateListArgs) -> anyhow::Result<ExitCode> {
    let expiry = Expiry { now: args.now.unwrap_or_else(OffsetDateTime::now_utc), days: args.expiry_days };
    let (machine, analysis) = load_and_analyze(&args.sources)?;
    let mut out = render::stdout();
    match args.format {
        ListFormat::Table => {
            render::table::mappings(&mut out, &machine, &analysis, &expiry, &Style::for_stdout())?;
        }
        ListFormat::Json => {
            render::json::write(&mut out, &render::json::mappings(&machine, &analysis, &expiry))?;
        }
        ListFormat::Csv => render::csv::print(
            &render::csv::mapping_columns(),
            &render::json::mappings(&machine, &analysis, &expiry),
            "mappings",
        )?,
    }
    out.flush()?;
    invalid_bindings_exit(&machine)
}

/// Invalid http/https bindings are errors for the listings: they are still listed (marked),
/// so that one bad line does not hide the machine, but each is reported with its file, line
/// and column, and the exit code is 2.
pub(crate) fn invalid_bindings_exit(machine: &sslbind_core::model::Machine) -> anyhow::Result<ExitCode> {
    let errors = sslbind_live::invalid_bindings(machine);
    let mut stderr = io::stderr().lock();
    for error in &errors {
        writeln!(stderr, "error: {error}")?;
    }
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

pub(crate) fn load_and_analyze(
    args: &SourceArgs,
) -> anyhow::Result<(sslbind_core::model::Machine, analysis::Analysis)> {
    let machine = load(args)?.machine;
    render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
    let analysis = analysis::analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    Ok((machine, analysis))
}

/// Whether any file source is given (a machine, `--config`, `--sslcert`, …), from the
/// arguments alone: no file is read and no password looked up to tell.
pub fn file_sources_given(args: &SourceArgs) -> bool {
    args.machine.is_some()
        || !args.configs.is_empty()
        || args.sslcert.is_some()
        || !args.certs.is_empty()
        || !args.registry.is_empty()
        || args.snapshot.is_some()
        || args.urlacl.is_some()
        || args.excluded_ports.is_some()
}

/// Whether the command reads the live machine: on Windows, when no file source is given.
pub fn is_live(args: &SourceArgs) -> bool {
    cfg!(windows) && !file_sources_given(args)
}

/// Reads the sources given, or, with none on Windows, the live machine (with the IIS Express
/// configs of `--iis-express-solution` added when that is the only option).
pub fn load(args: &SourceArgs) -> anyhow::Result<LoadedMachine> {
    if is_live(args) || (args.iis_express_solution.is_none() && !file_sources_given(args)) {
        return load_live(args);
    }
    let sources = sources_of(args)?;
    sslbind_live::load_machine_with_files(&sources).context("reading the sources")
}

#[cfg(any(windows, sslbind_check_windows))]
fn load_live(args: &SourceArgs) -> anyhow::Result<LoadedMachine> {
    sslbind_live::load_live_machine(args.iis_express_solution.as_deref()).context("reading this machine")
}

#[cfg(not(any(windows, sslbind_check_windows)))]
fn load_live(_args: &SourceArgs) -> anyhow::Result<LoadedMachine> {
    anyhow::bail!(
        "no sources given: pass a machine folder or snapshot, or --config, --sslcert, --registry and --certs \
         (the live machine is read only on Windows)"
    )
}

/// The library's view of the source arguments; `--iis-express-solution` becomes the IIS
/// Express configs it holds.
fn sources_of(args: &SourceArgs) -> anyhow::Result<Sources> {
    let mut configs = args.configs.clone();
    let mut iis_express = args.iis_express;
    if let Some(solution) = &args.iis_express_solution {
        let found = sslbind_live::windows::configs::solution_configs(solution)
            .with_context(|| format!("--iis-express-solution {}", solution.display()))?;
        if found.is_empty() {
            anyhow::bail!(
                "--iis-express-solution {}: it holds no .vs\\<name>\\config\\applicationhost.config",
                solution.display()
            );
        }
        configs.extend(found);
        iis_express = true;
    }
    // The option, then the file, then the environment; clap refuses the option with the file.
    let pfx_password = sslbind_live::choose_password(
        args.pfx_password.as_ref(),
        args.pfx_password_file.as_deref(),
        std::env::var_os(PASSWORD_VARIABLE).as_deref(),
    );
    let pfx_password = match &args.pfx_password_file {
        Some(_) => pfx_password.context("--pfx-password-file")?,
        None => pfx_password?,
    };
    Ok(Sources {
        configs,
        sslcert: args.sslcert.clone(),
        certs: args.certs.clone(),
        registry: args.registry.clone(),
        snapshot: args.snapshot.clone(),
        urlacl: args.urlacl.clone(),
        excluded_ports: args.excluded_ports.clone(),
        pfx_password,
        iis_express,
        machine: args.machine.clone(),
    })
}
