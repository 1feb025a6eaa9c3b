//! `sslbind probe`: plan TLS handshakes from the saved state (or the URLs given), make them
//! against the live server, judge what came back, and turn it into the exit code: 0 only
//! when everything observed matches the saved state, 1 when a probe finding is an error or a
//! handshake got no answer (refused, timed out, failed), 2 on errors.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use sslbind_core::analysis::probe::{self, PlanOptions, ProbeTarget};
use sslbind_core::analysis::{self, selection::UnknownCcsFolder};
use sslbind_core::doctor::probe::{probe_confirms, probe_findings};
use sslbind_core::model::Machine;
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_live::probe::{ProbeOptions, probe_all};
use time::OffsetDateTime;

use crate::cli::{Format, ProbeArgs};
use crate::commands::listing::{file_sources_given, load};
use crate::render::{self, Style};

/// More handshakes than this get a progress line on a terminal; fewer end before anyone
/// would read it.
const PROGRESS_THRESHOLD: usize = 10;

/// Runs `sslbind probe`.
pub fn run(args: &ProbeArgs) -> anyhow::Result<ExitCode> {
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let connect = args.connect;
    let source_args = &args.sources;
    let target_texts = &args.targets;
    let targets: Vec<ProbeTarget> =
        target_texts.iter().map(|text| probe::parse_target(text)).collect::<Result<_, _>>()?;
    // URLs alone need no machine; without URLs, the machine's https bindings are probed (on
    // Windows with no sources, the live machine's).
    let machine = if !targets.is_empty() && !file_sources_given(source_args) {
        Machine::default()
    } else {
        let machine = load(source_args)?.machine;
        render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
        machine
    };
    let assumptions = SelectionAssumptions::default();
    let analysis = analysis::analyze(&machine, &UnknownCcsFolder, &assumptions);
    let plan_options = PlanOptions { connect, ccs_files: &UnknownCcsFolder, assumptions: &assumptions };
    let requests = probe::plan(&machine, &analysis, &targets, &plan_options);
    if requests.is_empty() {
        render::warning(
            &mut io::stderr(),
            "the machine has no https binding to probe; give URLs to probe them",
        )?;
    }

    let options = ProbeOptions {
        timeout: Duration::from_millis(args.timeout),
        concurrency: usize::from(args.concurrency),
    };
    let show_progress = io::stderr().is_terminal() && requests.len() > PROGRESS_THRESHOLD;
    let mut progress_width = 0;
    let mut progress = |done: usize, total: usize| {
        if show_progress {
            // Progress is a courtesy: a failed write to the terminal must not stop the probe.
            let line = format!("probing: {done}/{total} handshakes");
            progress_width = line.len();
            let _ = write!(io::stderr(), "\r{line}");
            let _ = io::stderr().flush();
        }
    };
    let results = probe_all(&requests, &options, &mut progress);
    if show_progress {
        // Spaces, not an erase-line escape code, so that an old Windows console is cleared too.
        let _ = write!(io::stderr(), "\r{:progress_width$}\r", "");
    }
    let findings = probe_findings(&results, &machine, now);

    let mut out = render::stdout();
    match args.format {
        Format::Table => render::probe::table(&mut out, &machine, &results, &findings, &Style::for_stdout())?,
        Format::Json => render::json::write(&mut out, &render::probe::json(&machine, &results, &findings))?,
    }
    out.flush()?;
    Ok(if probe_confirms(&results, &findings) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
