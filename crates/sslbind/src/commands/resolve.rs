//! `sslbind resolve URL`: read the machine, emulate one request against it (mapping,
//! certificate, site), print the reasoning, and turn the verdict into the exit code:
//! 0 when served, 1 for any other verdict (an expired certificate included), 2 on errors.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::analysis::resolve::{self, Request, Verdict};
use sslbind_core::analysis::{
    self,
    selection::{CcsFiles, CcsFolder, UnknownCcsFolder},
};
use sslbind_core::uncertain::SelectionAssumptions;
use time::OffsetDateTime;

use crate::cli::{Format, ResolveArgs};
use crate::commands::listing::load;
use crate::render::{self, Style};

/// Runs `sslbind resolve`.
pub fn run(args: &ResolveArgs) -> anyhow::Result<ExitCode> {
    let (host, port) = resolve::parse_url(&args.url).map_err(anyhow::Error::msg)?;
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let local_ip = args.ip;
    let machine = load(&args.sources)?.machine;
    let mut stderr = io::stderr().lock();
    render::warnings(&mut stderr, &machine.warnings)?;
    for error in sslbind_live::invalid_bindings(&machine) {
        render::warning(&mut stderr, format_args!("{error} (no request can be routed to it)"))?;
    }
    drop(stderr);
    if !machine.mappings_known {
        anyhow::bail!(
            "the HTTP.sys mappings are unknown: give --sslcert (netsh http show sslcert output), \
             a SYSTEM hive or .reg export with --registry, or a snapshot"
        );
    }
    if machine.configs.is_empty() {
        anyhow::bail!("no applicationHost.config given: give --config so that sites can be routed to");
    }
    let ccs_folder = match &args.ccs_folder {
        Some(folder) => Some(sslbind_live::read_ccs_folder(folder).context("reading --ccs-folder")?),
        None => None,
    };
    let ccs_files: &dyn CcsFiles = match &ccs_folder {
        Some(folder) => folder as &CcsFolder,
        None => &UnknownCcsFolder,
    };
    let assumptions = SelectionAssumptions::default();
    let analysis = analysis::analyze(&machine, ccs_files, &assumptions);
    let request = Request::new(&host, port, local_ip, args.no_sni);
    let resolution = resolve::resolve(&machine, &analysis, &request, ccs_files, &assumptions, now);

    let mut out = render::stdout();
    match args.format {
        Format::Table => {
            render::resolve::table(&mut out, &machine, &args.url, &resolution, &Style::for_stdout())?;
        }
        Format::Json => render::json::write(&mut out, &render::resolve::json(&machine, &resolution))?,
    }
    out.flush()?;
    Ok(if resolution.verdict == Verdict::Served { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
