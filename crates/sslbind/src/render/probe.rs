//! `sslbind probe` for people (one line per handshake, then the findings) and as the
//! contract's JSON (`{"probes": [...], "findings": [...]}`).

use std::io::{self, Write};

use serde::Serialize;
use sslbind_core::analysis::probe::{ProbeOutcome, ProbeResult};
use sslbind_core::doctor::Finding;
use sslbind_core::model::{Machine, Thumbprint};

use crate::render::json::CertificateJson;
use crate::render::text::{self, fit, pad};
use crate::render::{Colour, Style, plural};

/// Prints the handshakes grouped by target (with the address connected to and the binding),
/// one line each, a count of outcomes, and the findings.
pub fn table(
    out: &mut impl Write,
    machine: &Machine,
    results: &[ProbeResult],
    findings: &[Finding],
    style: &Style,
) -> io::Result<()> {
    let headers = ["SNI", "OUTCOME", "SERVED", "EXPECTED", "TLS", "ALPN"];
    let rows: Vec<[String; 6]> = results
        .iter()
        .map(|result| {
            [
                result.request.sni.clone().unwrap_or_else(|| "(no SNI)".to_owned()),
                result.outcome.as_str().to_owned(),
                served_cell(result),
                expected_cell(result),
                result.tls_version.clone().unwrap_or_default(),
                result.alpn.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|header| text::width(header)).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(text::width(cell));
        }
    }
    // Fit the width by shortening the served certificate's name, then the SNI.
    let total = |widths: &[usize]| INDENT + widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    for column in [2, 0] {
        let excess = total(&widths).saturating_sub(style.width);
        widths[column] = widths[column].saturating_sub(excess).max(headers[column].len() + 8);
    }
    let header_cells: Vec<String> = headers.iter().map(|header| (*header).to_owned()).collect();
    write_row(out, &header_cells, &widths, None, style, true)?;
    let mut previous: Option<String> = None;
    for (result, row) in results.iter().zip(&rows) {
        let heading = heading(result);
        if previous.as_ref() != Some(&heading) {
            writeln!(out, "{}", style.paint(Colour::Bold, &heading))?;
        }
        previous = Some(heading);
        write_row(out, row, &widths, Some(outcome_colour(result.outcome)), style, false)?;
        if let Some(detail) = result.detail.as_ref().filter(|_| result.outcome != ProbeOutcome::Ok) {
            writeln!(out, "{:indent$}{}", "", style.paint(Colour::Dim, detail), indent = INDENT + 2)?;
        }
    }
    let counts: Vec<String> = ProbeOutcome::ALL
        .iter()
        .filter_map(|outcome| {
            let count = results.iter().filter(|result| result.outcome == *outcome).count();
            (count > 0).then(|| format!("{count} {outcome}"))
        })
        .collect();
    let mut summary = plural(results.len(), "handshake");
    if !counts.is_empty() {
        summary = format!("{summary}: {}", counts.join(", "));
    }
    if !results.is_empty() && results.iter().all(|result| result.served.is_none()) {
        summary.push_str("; nothing was served");
    }
    writeln!(out, "\n{}", style.paint(Colour::Dim, &summary))?;
    if !findings.is_empty() {
        writeln!(out)?;
        crate::render::findings::table(out, machine, findings, style)?;
    }
    Ok(())
}

/// Spaces before every handshake line, under its target's heading.
const INDENT: usize = 2;

/// `https://a.example.com:443/ at 127.0.0.1:443 (site shop, binding *:443:a.example.com)`.
fn heading(result: &ProbeResult) -> String {
    let mut heading = result.request.target.clone();
    if let Some(address) = result.address {
        heading.push_str(&format!(" at {address}"));
    }
    if let Some(binding) = &result.request.binding {
        heading.push_str(&format!(" (site {}, binding {})", binding.site, binding.information));
    }
    heading
}

fn write_row(
    out: &mut impl Write,
    cells: &[String],
    widths: &[usize],
    colour: Option<Colour>,
    style: &Style,
    heading: bool,
) -> io::Result<()> {
    let mut line = " ".repeat(INDENT);
    for (position, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let text = fit(cell, *width);
        let padded = if position + 1 == cells.len() { text.clone() } else { pad(&text, *width) };
        let painted = match (position, colour, heading) {
            (_, _, true) => style.paint(Colour::Bold, &padded),
            (0, Some(colour), false) => style.paint(colour, &padded),
            _ => padded,
        };
        if position > 0 {
            line.push_str("  ");
        }
        line.push_str(&painted);
    }
    writeln!(out, "{}", line.trim_end())
}

fn outcome_colour(outcome: ProbeOutcome) -> Colour {
    match outcome {
        ProbeOutcome::Ok => Colour::Green,
        ProbeOutcome::Timeout | ProbeOutcome::Refused | ProbeOutcome::Error => Colour::Yellow,
        ProbeOutcome::Mismatch | ProbeOutcome::Reset | ProbeOutcome::Alert => Colour::Red,
    }
}

fn short(hash: &Thumbprint) -> String {
    hash.to_string().chars().take(8).collect()
}

/// `a.example.com 5226DC6C`: the served leaf's first name and short thumbprint.
fn served_cell(result: &ProbeResult) -> String {
    let Some(certificate) = &result.served else { return "-".to_owned() };
    let name = certificate
        .dns_names
        .first()
        .or(certificate.common_name.as_ref())
        .map_or(certificate.subject.as_str(), String::as_str);
    format!("{name} {}", short(&certificate.thumbprint))
}

/// The expected thumbprint; `reset` when the saved state has no mapping for the handshake,
/// `ccs` when the certificate comes from the Central Certificate Store, `-` when nothing is
/// expected.
fn expected_cell(result: &ProbeResult) -> String {
    match &result.request.expected {
        None => "-".to_owned(),
        Some(expected) => match (expected.mapping, expected.hash) {
            (_, Some(hash)) => short(&hash),
            (Some(_), None) => "ccs".to_owned(),
            (None, None) => "reset".to_owned(),
        },
    }
}

/// `{"probes": [...], "findings": [...], "summary": {...}}`.
#[derive(Serialize)]
pub struct ProbesJson {
    probes: Vec<ProbeJson>,
    #[serde(flatten)]
    findings: crate::render::findings::FindingsJson,
}

#[derive(Serialize)]
struct ProbeJson {
    target: String,
    address: Option<String>,
    binding: Option<String>,
    site: Option<String>,
    sni: Option<String>,
    outcome: &'static str,
    served_hash: Option<String>,
    expected_hash: Option<String>,
    expected_mapping: Option<MappingJson>,
    tls_version: Option<String>,
    alpn: Option<String>,
    certificate: Option<CertificateJson>,
    chain: Vec<String>,
    detail: Option<String>,
}

/// A mapping named by kind and key, as in the other commands' JSON.
#[derive(Serialize)]
struct MappingJson {
    kind: &'static str,
    key: String,
}

/// The JSON of `sslbind probe`: one entry per handshake, in the order they were planned.
pub fn json(machine: &Machine, results: &[ProbeResult], findings: &[Finding]) -> ProbesJson {
    let probes = results
        .iter()
        .map(|result| {
            let request = &result.request;
            let expected_mapping = request
                .expected
                .as_ref()
                .and_then(|expected| expected.mapping)
                .map(|id| machine.mapping(id))
                .map(|mapping| MappingJson {
                    kind: mapping.key.kind().as_str(),
                    key: mapping.key.to_string(),
                });
            ProbeJson {
                target: request.target.clone(),
                address: result.address.map(|address| address.to_string()),
                binding: request.binding.as_ref().map(|binding| binding.information.clone()),
                site: request.binding.as_ref().map(|binding| binding.site.clone()),
                sni: request.sni.clone(),
                outcome: result.outcome.as_str(),
                served_hash: result.served_hash().map(|hash| hash.to_string()),
                expected_hash: request.expected_hash().map(|hash| hash.to_string()),
                expected_mapping,
                tls_version: result.tls_version.clone(),
                alpn: result.alpn.clone(),
                certificate: result.served.as_ref().map(CertificateJson::of),
                chain: result.chain.iter().map(ToString::to_string).collect(),
                detail: result.detail.clone(),
            }
        })
        .collect();
    ProbesJson { probes, findings: crate::render::findings::json(findings) }
}
