//! `sslbind fleet …`: many machines in one database. `ingest` reads each machine as every
//! other command does, runs the analysis and doctor, and stores the rows and the snapshot;
//! the questions are the database's indexed queries; `history`, `report` and `metrics` read
//! stored snapshots back through the core, so that what they say of a machine is what the
//! one-machine commands would say of the same state.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use sslbind_core::fleet::{HistoryChange, history, record};
use sslbind_core::metrics::{MetricsInput, exposition, machine_metrics, merge};
use sslbind_core::model::{HostName, Machine, Thumbprint};
use sslbind_core::snapshot::{SnapshotMeta, read_snapshot, write_snapshot};
use sslbind_live::fleet::{DbTarget, Fleet, IngestInput, IngestOutcome, StoredIngest};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::{
    DbArgs, FleetCertificatesArgs, FleetCommand, FleetFindingsArgs, FleetHistoryArgs, FleetIngestArgs,
    FleetListArgs, FleetMetricsArgs, FleetReportArgs, FleetWhereArgs, Format, SourceArgs,
};
use crate::commands::listing::{file_sources_given, is_live, load};
use crate::commands::metrics::{default_name, judge, write_exposition};
use crate::render::{self, Style, json};

/// The window of "expiring" in the machine summaries: doctor's default for
/// `certificate-expiring`.
const EXPIRING_DAYS: u32 = 30;
/// The window of the fleet report's certificate table: the report's warning band.
const REPORT_EXPIRING_DAYS: u32 = 60;
const DAY: i64 = 86_400;

/// Runs a fleet command.
pub fn run(command: FleetCommand) -> anyhow::Result<ExitCode> {
    match command {
        FleetCommand::Ingest(args) => ingest(&args),
        FleetCommand::Machines(args) => machines(&args),
        FleetCommand::Findings(args) => findings(&args),
        FleetCommand::Where(args) => find(&args),
        FleetCommand::Certificates(args) => certificates(&args),
        FleetCommand::History(args) => show_history(&args),
        FleetCommand::Report(args) => report(&args),
        FleetCommand::Metrics(args) => metrics(&args),
    }?;
    Ok(ExitCode::SUCCESS)
}

fn open(db: &DbArgs) -> anyhow::Result<(Fleet, DbTarget)> {
    let target = DbTarget::from_option(db.db.as_deref());
    // The error names the target, and neither holds a password (`sslbind_live::fleet::redact`).
    let fleet = Fleet::open(&target)?;
    Ok((fleet, target))
}

fn now_or_clock(now: Option<OffsetDateTime>) -> OffsetDateTime {
    now.unwrap_or_else(OffsetDateTime::now_utc)
}

/// The machines `sslbind fleet ingest` was given: the first from the source arguments (or the
/// live machine), each further one a folder or a snapshot read with the same options.
fn machine_sources(args: &FleetIngestArgs) -> anyhow::Result<Vec<SourceArgs>> {
    let mut all = vec![args.sources.clone()];
    if args.more.is_empty() {
        return Ok(all);
    }
    let options_given = {
        let options_only = SourceArgs { machine: None, ..args.sources.clone() };
        file_sources_given(&options_only) || options_only.iis_express_solution.is_some()
    };
    if options_given {
        anyhow::bail!(
            "--config, --sslcert, --certs, --registry, --snapshot, --urlacl and --excluded-ports describe one \
             machine: ingest several machines as folders or snapshots, or one machine with those options"
        );
    }
    all.extend(
        args.more.iter().map(|path| SourceArgs { machine: Some(path.clone()), ..args.sources.clone() }),
    );
    Ok(all)
}

fn ingest(args: &FleetIngestArgs) -> anyhow::Result<()> {
    let now = now_or_clock(args.now);
    let sources = machine_sources(args)?;
    if sources.len() == 1
        && args.name.is_none()
        && sources[0].machine.is_none()
        && !is_live(&sources[0])
        && args.sources.snapshot.is_none()
    {
        anyhow::bail!("name the machine with --name: the sources given are files, not a machine folder");
    }
    let (mut fleet, _) = open(&args.db)?;
    let mut out = render::stdout();
    for source in &sources {
        let loaded = load(source)?;
        render::warnings(&mut io::stderr().lock(), &loaded.machine.warnings)?;
        let meta = loaded.snapshot_meta.clone();
        let name = args
            .name
            .clone()
            .or_else(|| {
                meta.as_ref().and_then(|meta| meta.machine_name.clone()).filter(|name| !name.is_empty())
            })
            .unwrap_or_else(|| default_name(source));
        // A snapshot says when it was taken; other sources were read just now.
        let collected =
            meta.as_ref().and_then(|meta| OffsetDateTime::parse(&meta.created, &Rfc3339).ok()).unwrap_or(now);
        let machine = &loaded.machine;
        let (analysis, findings) = judge(machine, collected);
        let rows = record(machine, &analysis, &findings);
        // What is stored carries no time and no version, so that the same state read again
        // has the same content hash and adds nothing.
        let stored_meta = SnapshotMeta {
            tool: "sslbind".to_owned(),
            created: String::new(),
            machine_name: Some(name.clone()),
        };
        let snapshot = write_snapshot(machine, &loaded.config_sources(), &stored_meta)?;
        let outcome = fleet
            .ingest(&IngestInput {
                machine: &name,
                collected_at: collected.unix_timestamp(),
                ingested_at: now.unix_timestamp(),
                snapshot: &snapshot,
                record: &rows,
            })
            .with_context(|| format!("storing {name}"))?;
        let counts = format!(
            "{}, {}, {}, {}",
            render::plural(rows.bindings.len(), "binding"),
            render::plural(rows.mappings.len(), "mapping"),
            render::plural(rows.certificates.len(), "certificate"),
            render::plural(rows.findings.len(), "finding"),
        );
        match outcome {
            IngestOutcome::Added { ingest_id } => {
                writeln!(out, "{name}: added ingest {ingest_id} ({counts})")?
            }
            IngestOutcome::Unchanged { ingest_id } => {
                writeln!(out, "{name}: unchanged since ingest {ingest_id} ({counts}); nothing added")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn machines(args: &FleetListArgs) -> anyhow::Result<()> {
    let now = now_or_clock(args.now);
    let (mut fleet, _) = open(&args.db)?;
    let summaries = fleet.machines(now.unix_timestamp() + i64::from(EXPIRING_DAYS) * DAY)?;
    let mut out = render::stdout();
    match args.format {
        Format::Table => render::table::fleet::machines(&mut out, &summaries, &Style::for_stdout())?,
        Format::Json => json::write(&mut out, &render::fleet::machines(&summaries))?,
    }
    out.flush()?;
    Ok(())
}

fn findings(args: &FleetFindingsArgs) -> anyhow::Result<()> {
    let (mut fleet, _) = open(&args.list.db)?;
    let found = fleet.findings(args.machine.as_deref())?;
    let mut out = render::stdout();
    match args.list.format {
        Format::Table => render::table::fleet::findings(&mut out, &found, &Style::for_stdout())?,
        Format::Json => json::write(&mut out, &render::fleet::findings(&found))?,
    }
    out.flush()?;
    Ok(())
}

fn find(args: &FleetWhereArgs) -> anyhow::Result<()> {
    let (mut fleet, _) = open(&args.list.db)?;
    let (kind, value, matches) = match Thumbprint::parse(&args.query) {
        Ok(thumbprint) => {
            let value = thumbprint.to_string();
            let matches = fleet.find_thumbprint(&value)?;
            ("thumbprint", value, matches)
        }
        Err(_) => {
            let host = HostName::new(args.query.trim()).normalized().to_owned();
            if host.is_empty() {
                anyhow::bail!("give a certificate's thumbprint (40 hex digits) or a host name");
            }
            let matches = fleet.find_host(&host)?;
            ("host", host, matches)
        }
    };
    let mut out = render::stdout();
    match args.list.format {
        Format::Table => render::table::fleet::matches(&mut out, &value, &matches, &Style::for_stdout())?,
        Format::Json => json::write(&mut out, &render::fleet::matches(kind, &value, &matches))?,
    }
    out.flush()?;
    Ok(())
}

fn certificates(args: &FleetCertificatesArgs) -> anyhow::Result<()> {
    let now = now_or_clock(args.list.now);
    let (mut fleet, _) = open(&args.list.db)?;
    let before = args.expiring_within.map(|days| now.unix_timestamp() + i64::from(days) * DAY);
    let found = fleet.certificates(before)?;
    let mut out = render::stdout();
    match args.list.format {
        Format::Table => {
            render::table::fleet::certificates(
                &mut out,
                &found,
                now,
                args.expiring_within,
                &Style::for_stdout(),
            )?;
        }
        Format::Json => json::write(&mut out, &render::fleet::certificates(&found, now))?,
    }
    out.flush()?;
    Ok(())
}

/// A stored snapshot read back, named after its database and ingest in errors.
fn stored_machine(target: &DbTarget, ingest: &StoredIngest) -> anyhow::Result<Machine> {
    let name: Arc<str> = Arc::from(format!("{target} (ingest {} of {})", ingest.id, ingest.machine));
    let read = read_snapshot(&name, ingest.snapshot.as_bytes())?;
    Ok(read.machine)
}

fn unix_time(seconds: i64) -> anyhow::Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(seconds).with_context(|| format!("a time out of range: {seconds}"))
}

fn show_history(args: &FleetHistoryArgs) -> anyhow::Result<()> {
    let (mut fleet, target) = open(&args.list.db)?;
    let ingests = fleet.ingests(&args.name)?;
    let mut changes: Vec<HistoryChange> = Vec::new();
    let mut previous: Option<(Machine, OffsetDateTime)> = None;
    for ingest in &ingests {
        let machine = stored_machine(&target, ingest)?;
        let at = unix_time(ingest.collected_at)?;
        if let Some((before, before_at)) = &previous {
            changes.extend(history(before, *before_at, &machine, at));
        }
        previous = Some((machine, at));
    }
    let mut out = render::stdout();
    match args.list.format {
        Format::Table => {
            render::table::fleet::history(
                &mut out,
                &args.name,
                ingests.len(),
                &changes,
                &Style::for_stdout(),
            )?;
        }
        Format::Json => json::write(&mut out, &render::fleet::history(&args.name, ingests.len(), &changes))?,
    }
    out.flush()?;
    Ok(())
}

fn report(args: &FleetReportArgs) -> anyhow::Result<()> {
    let now = now_or_clock(args.now);
    let (mut fleet, target) = open(&args.db)?;
    let summaries = fleet.machines(now.unix_timestamp() + i64::from(EXPIRING_DAYS) * DAY)?;
    let expiring = fleet.certificates(Some(now.unix_timestamp() + i64::from(REPORT_EXPIRING_DAYS) * DAY))?;
    let found = fleet.findings(None)?;
    let title = args.title.clone().unwrap_or_else(|| "sslbind fleet report".to_owned());
    let database = target.to_string();
    let page = render::report::fleet::page(&render::report::fleet::FleetReport {
        title: &title,
        database: &database,
        now,
        machines: &summaries,
        expiring: &expiring,
        expiring_days: REPORT_EXPIRING_DAYS,
        findings: &found,
    });
    sslbind_live::write::write_new(&args.output, page.as_bytes())
        .with_context(|| format!("writing {}", args.output.display()))?;
    let mut out = render::stdout();
    writeln!(
        out,
        "wrote {}: {}, {} ending within {REPORT_EXPIRING_DAYS} days, {}",
        args.output.display(),
        render::plural(summaries.len(), "machine"),
        render::plural(expiring.len(), "certificate"),
        render::plural(found.len(), "finding")
    )?;
    out.flush()?;
    Ok(())
}

fn metrics(args: &FleetMetricsArgs) -> anyhow::Result<()> {
    let now = now_or_clock(args.now);
    let (mut fleet, target) = open(&args.db)?;
    let mut per_machine = Vec::new();
    for ingest in fleet.latest()? {
        let machine = stored_machine(&target, &ingest)?;
        let collected = unix_time(ingest.collected_at)?;
        let (analysis, findings) = judge(&machine, now);
        per_machine.push(machine_metrics(&MetricsInput {
            machine: &machine,
            analysis: &analysis,
            findings: &findings,
            machine_name: &ingest.machine,
            collected,
            now,
        }));
    }
    write_exposition(args.output.as_deref(), &exposition(&merge(per_machine)))
}
