//! `sslbind doctor --summary` for people and for programs: the core's
//! [`summarize`](sslbind_core::doctor::summarize) counts per code and per site, so that a
//! server with tens of thousands of findings reads in a screen or two. Counts come first on
//! each line and names last, so the columns line up whatever a site is called.

use std::io::{self, Write};

use serde::Serialize;
use sslbind_core::doctor::{Finding, Severity, SeverityCounts, Summary};
use sslbind_core::model::Machine;

use crate::render::text::{fit, width};
use crate::render::{Colour, Style, plural};

/// What the row of the findings about no site is called (as the full table heads them).
const NO_SITE: &str = "(mappings and certificates)";

/// Prints the counts per code, then per site (worst first), then the totals; without
/// findings, the line the full table prints.
pub fn table(
    out: &mut impl Write,
    machine: &Machine,
    findings: &[Finding],
    summary: &Summary,
    style: &Style,
) -> io::Result<()> {
    if findings.is_empty() {
        return crate::render::findings::table(out, machine, findings, style);
    }
    let count_width = |counts: &mut dyn Iterator<Item = usize>, header: &str| {
        counts.map(|count| count.to_string().len()).max().unwrap_or(0).max(header.len())
    };

    writeln!(out, "{}", style.paint(Colour::Bold, "findings by code"))?;
    let count = count_width(&mut summary.by_code.iter().map(|row| row.count), "count");
    let severity = "severity".len().max("warning".len());
    writeln!(
        out,
        "  {}",
        style.paint(Colour::Bold, &format!("{:>count$}  {:<severity$}  code", "count", "severity"))
    )?;
    for row in &summary.by_code {
        let severity_text = format!("{:<severity$}", row.severity.as_str());
        writeln!(
            out,
            "  {:>count$}  {}  {}",
            row.count,
            style.paint(severity_colour(row.severity), &severity_text),
            row.code.name()
        )?;
    }

    writeln!(out, "\n{}", style.paint(Colour::Bold, "findings by site"))?;
    let errors = count_width(&mut summary.by_site.iter().map(|row| row.counts.errors), "errors");
    let warnings = count_width(&mut summary.by_site.iter().map(|row| row.counts.warnings), "warnings");
    let infos = count_width(&mut summary.by_site.iter().map(|row| row.counts.infos), "infos");
    let header = format!("{:>errors$}  {:>warnings$}  {:>infos$}  site", "errors", "warnings", "infos");
    writeln!(out, "  {}", style.paint(Colour::Bold, &header))?;
    let name_room = style.width.saturating_sub(2 + errors + warnings + infos + 6);
    for row in &summary.by_site {
        let counts = row.counts;
        let name = match &row.site {
            Some(site) => fit(site, name_room.max(width("site"))),
            None => style.paint(Colour::Dim, NO_SITE),
        };
        writeln!(
            out,
            "  {:>errors$}  {:>warnings$}  {:>infos$}  {name}",
            counts.errors, counts.warnings, counts.infos
        )?;
    }

    let totals = summary.totals;
    let line = format!(
        "{}, {}, {} on {} (`sslbind explain CODE` says more)",
        plural(totals.errors, "error"),
        plural(totals.warnings, "warning"),
        plural(totals.infos, "info"),
        plural(summary.by_site.iter().filter(|row| row.site.is_some()).count(), "site"),
    );
    writeln!(out, "\n{}", style.paint(Colour::Dim, &line))
}

fn severity_colour(severity: Severity) -> Colour {
    match severity {
        Severity::Error => Colour::Red,
        Severity::Warning => Colour::Yellow,
        Severity::Info => Colour::Cyan,
    }
}

/// `{"by_code": [...], "by_site": [...], "summary": {...}}`.
#[derive(Serialize)]
pub struct SummaryJson {
    by_code: Vec<CodeCountJson>,
    by_site: Vec<SiteCountJson>,
    summary: CountsJson,
}

#[derive(Serialize)]
struct CodeCountJson {
    code: &'static str,
    severity: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct SiteCountJson {
    site: Option<String>,
    #[serde(flatten)]
    counts: CountsJson,
}

/// The same counts as `doctor`'s JSON `summary`.
#[derive(Serialize)]
struct CountsJson {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl CountsJson {
    fn of(counts: SeverityCounts) -> CountsJson {
        CountsJson { errors: counts.errors, warnings: counts.warnings, infos: counts.infos }
    }
}

/// The JSON of `sslbind doctor --summary`.
pub fn json(summary: &Summary) -> SummaryJson {
    SummaryJson {
        by_code: summary
            .by_code
            .iter()
            .map(|row| CodeCountJson {
                code: row.code.name(),
                severity: row.severity.as_str(),
                count: row.count,
            })
            .collect(),
        by_site: summary
            .by_site
            .iter()
            .map(|row| SiteCountJson { site: row.site.clone(), counts: CountsJson::of(row.counts) })
            .collect(),
        summary: CountsJson::of(summary.totals),
    }
}
