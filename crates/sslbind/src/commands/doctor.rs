//! `sslbind doctor`: read the machine leniently, run every rule, render the findings, and
//! turn the worst severity into the exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::analysis::{
    self,
    selection::{CcsFiles, CcsFolder, UnknownCcsFolder},
};
use sslbind_core::doctor::{self, Options, Overrides, Severity};
use sslbind_core::uncertain::SelectionAssumptions;
use time::OffsetDateTime;

use crate::cli::{DoctorArgs, DoctorFormat, FailOn};
use crate::commands::listing::load;
use crate::render::{self, Style};

/// Runs `sslbind doctor`.
pub fn run(args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    if args.fix || args.unsafe_fixes {
        if args.format == DoctorFormat::Csv {
            anyhow::bail!("--fix prints a plan: give --format table or json");
        }
        return crate::commands::repair::run(args);
    }
    if args.write || args.emit.is_some() {
        anyhow::bail!("--write and --emit carry out a repair plan: give --fix (or --unsafe-fixes) too");
    }
    if args.summary && matches!(args.format, DoctorFormat::Sarif | DoctorFormat::Csv) {
        anyhow::bail!("--summary prints counts: give --format table or json");
    }
    let overrides = Overrides { severities: args.severities.clone(), allowed: args.allowed.clone() };
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let machine = load(&args.sources)?.machine;
    render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
    let ccs_folder = read_ccs_folder(args)?;
    let ccs_files: &dyn CcsFiles = match &ccs_folder {
        Some(folder) => folder as &CcsFolder,
        None => &UnknownCcsFolder,
    };
    let analysis = analysis::analyze(&machine, ccs_files, &SelectionAssumptions::default());
    let options = Options { now, expiry_days: args.expiry_days, ccs_folder_known: ccs_folder.is_some() };
    let context = doctor::Context { machine: &machine, analysis: &analysis, ccs_files, options: &options };
    let findings = doctor::diagnose(&context, &overrides, sslbind_live::threads::rules_on_two_threads());

    let mut out = render::stdout();
    if args.summary {
        let summary = doctor::summarize(&findings);
        match args.format {
            DoctorFormat::Json => render::json::write(&mut out, &render::summary::json(&summary))?,
            DoctorFormat::Table | DoctorFormat::Sarif | DoctorFormat::Csv => {
                render::summary::table(&mut out, &machine, &findings, &summary, &Style::for_stdout())?
            }
        }
        out.flush()?;
        return Ok(exit_code(&findings, args.fail_on));
    }
    match args.format {
        DoctorFormat::Table => render::findings::table(&mut out, &machine, &findings, &Style::for_stdout())?,
        DoctorFormat::Json => render::json::write(&mut out, &render::findings::json(&findings))?,
        DoctorFormat::Sarif => render::json::write_plain(&mut out, &render::sarif::log(&findings))?,
        DoctorFormat::Csv => {
            render::csv::print(
                &render::csv::finding_columns(),
                &render::findings::json(&findings),
                "findings",
            )?;
        }
    }
    out.flush()?;
    Ok(exit_code(&findings, args.fail_on))
}

/// The files of `--ccs-folder`, when given.
pub(crate) fn read_ccs_folder(args: &DoctorArgs) -> anyhow::Result<Option<CcsFolder>> {
    args.ccs_folder
        .as_ref()
        .map(|folder| sslbind_live::read_ccs_folder(folder).context("reading --ccs-folder"))
        .transpose()
}

/// 1 when a finding is at `fail_on` or above, else 0.
pub(crate) fn exit_code(findings: &[doctor::Finding], fail_on: FailOn) -> ExitCode {
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed =
        threshold.is_some_and(|threshold| findings.iter().any(|finding| finding.severity >= threshold));
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
