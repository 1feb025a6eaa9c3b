//! Doctor findings for people (grouped by site, each with its sources and fix) and as the
//! contract's JSON.

use std::io::{self, Write};

use serde::Serialize;
use sslbind_core::doctor::{Finding, Severity};
use sslbind_core::model::Machine;

use crate::render::{Colour, Style, plural, wrap};

/// Prints the findings grouped by site; findings about mappings or certificates alone come
/// last. Within a group, errors come first, then warnings, then infos, each in the order
/// found. Fix commands are printed whole, even past the width, so that they can be copied.
pub fn table(out: &mut impl Write, machine: &Machine, findings: &[Finding], style: &Style) -> io::Result<()> {
    if findings.is_empty() {
        let n_bindings: usize = machine.sites().map(|(_, site)| site.bindings.len()).sum();
        let summary = format!(
            "No findings: {} and {} checked.",
            plural(n_bindings, "binding"),
            plural(machine.mappings.len(), "mapping")
        );
        return writeln!(out, "{}", style.paint(Colour::Green, &summary));
    }
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = Vec::new();
    for finding in findings.iter().filter(|finding| finding.site.is_some()) {
        let site = finding.site.as_deref();
        match groups.iter_mut().find(|(name, _)| *name == site) {
            Some((_, members)) => members.push(finding),
            None => groups.push((site, vec![finding])),
        }
    }
    let machine_wide: Vec<&Finding> = findings.iter().filter(|finding| finding.site.is_none()).collect();
    if !machine_wide.is_empty() {
        groups.push((None, machine_wide));
    }
    for (_, members) in &mut groups {
        // A stable sort: findings of one severity keep the order the rules gave them.
        members.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    }
    for (position, (site, members)) in groups.iter().enumerate() {
        if position > 0 {
            writeln!(out)?;
        }
        let heading = match site {
            Some(site) => format!("site {site}"),
            None => "mappings and certificates".to_owned(),
        };
        writeln!(out, "{}", style.paint(Colour::Bold, &heading))?;
        for finding in members {
            write_finding(out, finding, style)?;
        }
    }
    let count = |severity| findings.iter().filter(|finding| finding.severity == severity).count();
    let summary = format!(
        "{}, {}, {} (`sslbind explain CODE` says more)",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info"),
    );
    writeln!(out, "\n{}", style.paint(Colour::Dim, &summary))
}

fn write_finding(out: &mut impl Write, finding: &Finding, style: &Style) -> io::Result<()> {
    write_headline(out, finding, style)?;
    write_details(out, finding, style)
}

/// A finding's first lines: severity, code and what it is about, then its message wrapped;
/// what a plan shows of the findings it would bring.
pub fn write_headline(out: &mut impl Write, finding: &Finding, style: &Style) -> io::Result<()> {
    let colour = match finding.severity {
        Severity::Error => Colour::Red,
        Severity::Warning => Colour::Yellow,
        Severity::Info => Colour::Cyan,
    };
    let subject = match (&finding.binding, &finding.mapping) {
        (Some(binding), _) => binding.clone(),
        (None, Some(mapping)) => format!("{} {mapping}", mapping.kind()),
        (None, None) => String::new(),
    };
    writeln!(
        out,
        "  {} {}  {subject}",
        style.paint(colour, &format!("{:<7}", finding.severity.as_str())),
        finding.code.name()
    )?;
    for line in wrap(&finding.message, style.wrap.saturating_sub(4)) {
        writeln!(out, "    {line}")?;
    }
    Ok(())
}

/// A finding's sources and fix, under its headline.
fn write_details(out: &mut impl Write, finding: &Finding, style: &Style) -> io::Result<()> {
    if !finding.sources.is_empty() {
        let sources: Vec<String> = finding.sources.iter().map(ToString::to_string).collect();
        let text = format!("at {}", sources.join(", "));
        for line in wrap(&text, style.wrap.saturating_sub(4)) {
            writeln!(out, "    {}", style.paint(Colour::Dim, &line))?;
        }
    }
    if let Some(fix) = &finding.fix {
        writeln!(out, "    {} {}", style.paint(Colour::Green, "fix:"), fix.title)?;
        for command in &fix.commands {
            writeln!(out, "      {command}")?;
        }
    }
    Ok(())
}

/// `{"findings": [...], "summary": {...}}`.
#[derive(Serialize)]
pub struct FindingsJson {
    findings: Vec<FindingJson>,
    summary: SummaryJson,
}

/// One finding as `doctor`'s JSON prints it; change plans list the findings they would
/// bring (`introduced`) in the same shape.
#[derive(Serialize)]
pub struct FindingJson {
    code: &'static str,
    severity: &'static str,
    message: String,
    site: Option<String>,
    binding: Option<String>,
    mapping: Option<String>,
    mapping_kind: Option<&'static str>,
    certificate_hash: Option<String>,
    fix: Option<String>,
    fix_title: Option<String>,
    fix_commands: Vec<String>,
    sources: Vec<String>,
}

#[derive(Serialize)]
struct SummaryJson {
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// The JSON of `sslbind doctor`: every finding as [`finding_json`] gives it, and the counts.
pub fn json(findings: &[Finding]) -> FindingsJson {
    let count = |severity| findings.iter().filter(|finding| finding.severity == severity).count();
    FindingsJson {
        findings: findings.iter().map(finding_json).collect(),
        summary: SummaryJson {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        },
    }
}

/// The JSON of one finding. `fix` holds the commands, one per line (or the fix's title when
/// it is a manual step).
pub fn finding_json(finding: &Finding) -> FindingJson {
    FindingJson {
        code: finding.code.name(),
        severity: finding.severity.as_str(),
        message: finding.message.clone(),
        site: finding.site.clone(),
        binding: finding.binding.clone(),
        mapping: finding.mapping.as_ref().map(ToString::to_string),
        mapping_kind: finding.mapping.as_ref().map(|key| key.kind().as_str()),
        certificate_hash: finding.certificate_hash.map(|hash| hash.to_string()),
        fix: finding
            .fix
            .as_ref()
            .map(|fix| if fix.commands.is_empty() { fix.title.clone() } else { fix.commands.join("\n") }),
        fix_title: finding.fix.as_ref().map(|fix| fix.title.clone()),
        fix_commands: finding.fix.as_ref().map(|fix| fix.commands.clone()).unwrap_or_default(),
        sources: finding.sources.iter().map(ToString::to_string).collect(),
    }
}
