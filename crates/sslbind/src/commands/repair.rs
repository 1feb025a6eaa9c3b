//! `sslbind doctor --fix` and `--unsafe-fixes`: the repair plan of the machine read, shown, and
//! with `--write` carried out like any change command's plan (all or nothing), or with
//! `--emit` printed as a script; the exit code judges the machine as the plan leaves it.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;
use sslbind_core::analysis::selection::{CcsFiles, CcsFolder, UnknownCcsFolder};
use sslbind_core::doctor::{Options, Overrides};
use sslbind_core::repair::{RepairInput, RepairPlan, repair};
use sslbind_core::text;
use time::OffsetDateTime;

use crate::cli::{DoctorArgs, DoctorFormat};
use crate::commands::change::{carry, write_script};
use crate::commands::doctor::{exit_code, read_ccs_folder};
use crate::commands::listing::{is_live, load};
use crate::render::plan::{PlanJson, Report};
use crate::render::{self, Colour, Style};

/// Runs `sslbind doctor --fix`.
pub fn run(args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    if args.format == DoctorFormat::Sarif {
        anyhow::bail!("--fix prints a plan: give --format table or json");
    }
    let overrides = Overrides { severities: args.severities.clone(), allowed: args.allowed.clone() };
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let loaded = load(&args.sources)?;
    let live = is_live(&args.sources);
    render::warnings(&mut io::stderr().lock(), &loaded.machine.warnings)?;
    let ccs_folder = read_ccs_folder(args)?;
    let ccs_files: &dyn CcsFiles = match &ccs_folder {
        Some(folder) => folder as &CcsFolder,
        None => &UnknownCcsFolder,
    };
    let config_texts: Vec<String> =
        loaded.config_files.iter().map(|file| text::decode(&file.bytes).text).collect();
    let options = Options { now, expiry_days: args.expiry_days, ccs_folder_known: ccs_folder.is_some() };
    let input = RepairInput {
        machine: &loaded.machine,
        config_texts: &config_texts,
        ccs_files,
        options: &options,
        overrides: &overrides,
        unsafe_fixes: args.unsafe_fixes,
        parallelism: sslbind_live::threads::rules_on_two_threads(),
    };
    let repaired = repair(&input)?;
    let plan = &repaired.plan;

    let (outcome, written) = carry(&loaded, plan, false, args.write, live)?;

    let mut stdout = render::stdout();
    let report = Report { outcome, emit: args.emit.is_some(), live };
    match (args.emit, args.format) {
        (Some(emit), _) => {
            write_script(&mut stdout, plan, outcome, emit)?;
            stdout.flush()?;
            let mut stderr = render::output::stderr();
            table(&mut stderr, &repaired, &written, report, &Style::for_stderr())?;
        }
        (None, DoctorFormat::Json) => render::json::write(
            &mut stdout,
            &RepairJson {
                // The repair engine drops every fix that brings a new warning or error, so its
                // plan introduces nothing; what it leaves is `after`.
                plan: render::plan::json(plan, &[], &written, outcome),
                fixes: repaired.fixes.iter().map(FixJson::of).collect(),
                unfixed: repaired.unfixed.iter().map(UnfixedJson::of).collect(),
                after: render::findings::json(&repaired.after),
            },
        )?,
        (None, _) => table(&mut stdout, &repaired, &written, report, &Style::for_stdout())?,
    }
    stdout.flush()?;
    Ok(exit_code(&repaired.after, args.fail_on))
}

/// The plan for people, then what it fixes, what it does not and why, and the findings left.
fn table(
    out: &mut impl Write,
    repaired: &RepairPlan,
    written: &[sslbind_live::write::Written],
    report: Report,
    style: &Style,
) -> io::Result<()> {
    render::plan::table(out, &repaired.plan, &[], written, report, style)?;
    if !repaired.fixes.is_empty() {
        writeln!(out, "\n{}", style.paint(Colour::Bold, "Fixes:"))?;
        for fix in &repaired.fixes {
            let (label, colour) = match fix.applicability.as_str() {
                "safe" => ("safe  ", Colour::Green),
                _ => ("unsafe", Colour::Yellow),
            };
            writeln!(
                out,
                "  {} {}  {}",
                style.paint(colour, label),
                fix.finding.code,
                subject(&fix.finding)
            )?;
            for line in render::wrap(&fix.summary, style.wrap.saturating_sub(6)) {
                writeln!(out, "      {line}")?;
            }
        }
    }
    if !repaired.unfixed.is_empty() {
        writeln!(out, "\n{}", style.paint(Colour::Bold, "Not fixed:"))?;
        for unfixed in &repaired.unfixed {
            writeln!(out, "  {}  {}", unfixed.finding.code, subject(&unfixed.finding))?;
            for line in render::wrap(&unfixed.reason, style.wrap.saturating_sub(6)) {
                writeln!(out, "      {line}")?;
            }
        }
    }
    let count = |severity| repaired.after.iter().filter(|finding| finding.severity == severity).count();
    let summary = format!(
        "After the plan: {}, {}, {}.",
        render::plural(count(sslbind_core::doctor::Severity::Error), "error"),
        render::plural(count(sslbind_core::doctor::Severity::Warning), "warning"),
        render::plural(count(sslbind_core::doctor::Severity::Info), "info"),
    );
    writeln!(out, "\n{}", style.paint(Colour::Dim, &summary))
}

/// What a finding is about, for one line: site and binding, or the mapping.
fn subject(finding: &sslbind_core::doctor::Finding) -> String {
    let mut parts = Vec::new();
    if let Some(site) = &finding.site {
        parts.push(format!("site {site}"));
    }
    if let Some(binding) = &finding.binding {
        parts.push(binding.clone());
    }
    if let Some(mapping) = &finding.mapping
        && finding.binding.is_none()
    {
        parts.push(format!("{} {mapping}", mapping.kind()));
    }
    parts.join("  ")
}

/// The plan's JSON with `fixes`, `unfixed` and `after`.
#[derive(Serialize)]
struct RepairJson {
    #[serde(flatten)]
    plan: PlanJson,
    fixes: Vec<FixJson>,
    unfixed: Vec<UnfixedJson>,
    after: render::findings::FindingsJson,
}

#[derive(Serialize)]
struct FixJson {
    code: &'static str,
    site: Option<String>,
    binding: Option<String>,
    mapping: Option<String>,
    applicability: &'static str,
    summary: String,
}

impl FixJson {
    fn of(fix: &sslbind_core::repair::AppliedFix) -> FixJson {
        let summary = match &fix.applicability {
            sslbind_core::repair::Applicability::Unsafe(why) => format!("{} (unsafe: {why})", fix.summary),
            _ => fix.summary.clone(),
        };
        FixJson {
            code: fix.finding.code.name(),
            site: fix.finding.site.clone(),
            binding: fix.finding.binding.clone(),
            mapping: fix.finding.mapping.as_ref().map(ToString::to_string),
            applicability: fix.applicability.as_str(),
            summary,
        }
    }
}

#[derive(Serialize)]
struct UnfixedJson {
    code: &'static str,
    site: Option<String>,
    binding: Option<String>,
    mapping: Option<String>,
    reason: String,
}

impl UnfixedJson {
    fn of(unfixed: &sslbind_core::repair::Unfixed) -> UnfixedJson {
        UnfixedJson {
            code: unfixed.finding.code.name(),
            site: unfixed.finding.site.clone(),
            binding: unfixed.finding.binding.clone(),
            mapping: unfixed.finding.mapping.as_ref().map(ToString::to_string),
            reason: unfixed.reason.clone(),
        }
    }
}
