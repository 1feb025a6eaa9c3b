//! `sslbind resolve` for people (the reasoning step by step: the keys HTTP.sys tries, the
//! certificate, the bindings IIS weighs, the verdict) and as the contract's JSON.

use std::io::{self, Write};

use serde::Serialize;
use sslbind_core::analysis::resolve::{Resolution, Verdict};
use sslbind_core::analysis::selection::{IpFamily, LocalAddress};
use sslbind_core::model::{Certificate, CertificateStatus, Machine, MappingKey};

use crate::render::json::CertificateJson;
use crate::render::text::{self, fit};
use crate::render::{Colour, Style, wrap};

/// `sslbind resolve --format json`: the contract's fields first, then extras.
#[derive(Serialize)]
pub struct ResolveJson {
    mapping: Option<KeyJson>,
    certificate_hash: Option<String>,
    certificate_covers_host: Option<bool>,
    site: Option<SiteJson>,
    verdict: &'static str,
    certificate_status: Option<&'static str>,
    steps: Vec<StepJson>,
    explanation: String,
    host: String,
    port: u16,
    local_address: String,
    sni: Option<String>,
    certificate: Option<CertificateJson>,
    routing: Vec<RoutingJson>,
    uncertain: Vec<String>,
}

#[derive(Serialize)]
struct KeyJson {
    kind: &'static str,
    key: String,
}

#[derive(Serialize)]
struct SiteJson {
    name: String,
    binding: String,
}

#[derive(Serialize)]
struct StepJson {
    tried: String,
    kind: &'static str,
    found: bool,
    chosen: bool,
    note: Option<String>,
}

#[derive(Serialize)]
struct RoutingJson {
    site: String,
    binding: String,
    matches: bool,
    rank: Option<usize>,
    rule: Option<String>,
    chosen: bool,
    note: Option<String>,
}

/// The JSON of `resolution`.
pub fn json(machine: &Machine, resolution: &Resolution) -> ResolveJson {
    let mapping = resolution.mapping().map(|position| machine.mapping(position));
    let chosen_key = mapping.map(|mapping| &mapping.key);
    let steps = resolution
        .selection
        .steps
        .iter()
        .map(|step| StepJson {
            tried: step.tried.to_string(),
            kind: step.tried.kind().as_str(),
            found: step.found,
            chosen: chosen_key.is_some_and(|key| key == &step.tried),
            note: step.note.clone(),
        })
        .collect();
    let routing = resolution
        .routing
        .steps
        .iter()
        .map(|step| {
            let site = &machine.configs[step.binding.config].sites[step.binding.site];
            RoutingJson {
                site: site.name.clone(),
                binding: site.bindings[step.binding.binding].information.clone(),
                matches: step.matched.is_some(),
                rank: step.rank,
                rule: step
                    .matched
                    .map(|(address, host)| format!("{} + {}", address.describe(), host.describe())),
                chosen: resolution.routing.chosen == Some(step.binding),
                note: step.note.clone(),
            }
        })
        .collect();
    let site = resolution.routing.chosen.map(|binding_ref| {
        let site = &machine.configs[binding_ref.config].sites[binding_ref.site];
        SiteJson { name: site.name.clone(), binding: site.bindings[binding_ref.binding].information.clone() }
    });
    ResolveJson {
        mapping: chosen_key.map(|key| KeyJson { kind: key.kind().as_str(), key: key.to_string() }),
        certificate_hash: resolution.certificate_hash.map(|hash| hash.to_string()),
        certificate_covers_host: resolution.certificate_covers_host,
        site,
        verdict: resolution.verdict.as_str(),
        certificate_status: resolution.certificate_status.map(CertificateStatus::as_str),
        steps,
        explanation: explanation(machine, resolution),
        host: resolution.request.host.clone(),
        port: resolution.request.port,
        local_address: local_address(resolution.connection.local),
        sni: resolution.connection.sni.clone(),
        certificate: resolution
            .certificate
            .map(|position| CertificateJson::of(machine.certificate(position))),
        routing,
        uncertain: resolution.uncertain.clone(),
    }
}

/// Prints the resolution for people, within `style.width` columns, running text wrapped at
/// `style.wrap`.
pub fn table(
    out: &mut impl Write,
    machine: &Machine,
    url: &str,
    resolution: &Resolution,
    style: &Style,
) -> io::Result<()> {
    let width = style.width;
    let wrap_width = style.wrap;
    let sni = resolution
        .connection
        .sni
        .as_deref()
        .map_or_else(|| "no SNI".to_owned(), |host| format!("SNI {host}"));
    field(out, "Request", url.trim(), width)?;
    field(
        out,
        "Connection",
        &format!(
            "port {}, {}, {sni}",
            resolution.request.port,
            local_address_words(resolution.connection.local)
        ),
        width,
    )?;

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.paint(Colour::Bold, "HTTP.sys certificate selection (docs/httpsys.md#selection-order)")
    )?;
    let chosen_key = resolution.mapping().map(|position| &machine.mapping(position).key);
    let mut rows = vec![["#", "KIND", "KEY", "FOUND", "NOTE"].map(str::to_owned).to_vec()];
    for (position, step) in resolution.selection.steps.iter().enumerate() {
        let mut notes = Vec::new();
        if chosen_key.is_some_and(|key| key == &step.tried) {
            notes.push("chosen".to_owned());
        }
        notes.extend(step.note.clone());
        rows.push(vec![
            (position + 1).to_string(),
            step.tried.kind().to_string(),
            step.tried.to_string(),
            if step.found { "yes" } else { "no" }.to_owned(),
            notes.join("; "),
        ]);
    }
    write_columns(out, &rows, style)?;
    match (resolution.mapping(), chosen_key) {
        (Some(position), Some(key)) => {
            field(out, "Mapping", &format!("{} {key}", key.kind()), width)?;
            let mapping = machine.mapping(position);
            match resolution.certificate.map(|position| machine.certificate(position)) {
                Some(certificate) => {
                    field(out, "Certificate", &certificate_names(certificate), width)?;
                    let validity = match resolution.certificate_status {
                        Some(status) if status.is_refused() => certificate.validity_note(resolution.now, 0),
                        _ => format!("expires {}", certificate.not_after.date()),
                    };
                    field(out, "", &validity, width)?;
                    field(out, "", &format!("thumbprint {}", certificate.thumbprint), width)?;
                }
                None => {
                    let text = match (mapping.certificate_hash, key) {
                        (Some(hash), _) if machine.certificates_known => {
                            format!("{hash} (not among the certificates given)")
                        }
                        (Some(hash), _) => format!("{hash} (certificate not given: pass --certs)"),
                        (None, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. }) => {
                            "a .pfx file from the Central Certificate Store folder".to_owned()
                        }
                        (None, _) => "(no hash)".to_owned(),
                    };
                    field(out, "Certificate", &text, width)?;
                }
            }
            let covers = match resolution.certificate_covers_host {
                Some(true) => format!("yes: valid for {}", resolution.request.host),
                Some(false) => format!("no: not valid for {}", resolution.request.host),
                None if matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. }) => {
                    "unknown (give --ccs-folder to check for the host's .pfx)".to_owned()
                }
                None => "unknown (the certificate was not given)".to_owned(),
            };
            field(out, "Covers host", &covers, width)?;
        }
        _ => field(out, "Mapping", "none: HTTP.sys resets the connection", width)?,
    }

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.paint(Colour::Bold, "IIS site routing (unconfirmed, docs/httpsys.md#site-routing)")
    )?;
    if resolution.routing.steps.is_empty() {
        writeln!(out, "  no https binding on port {}", resolution.request.port)?;
    } else {
        let mut rows = vec![["SITE", "BINDING", "RANK", "MATCH"].map(str::to_owned).to_vec()];
        for step in &resolution.routing.steps {
            let site = &machine.configs[step.binding.config].sites[step.binding.site];
            let mut notes = Vec::new();
            if let Some((address, host)) = step.matched {
                notes.push(format!("{} + {}", address.describe(), host.describe()));
            }
            if resolution.routing.chosen == Some(step.binding) {
                notes.push("chosen".to_owned());
            }
            notes.extend(step.note.clone());
            rows.push(vec![
                site.name.clone(),
                site.bindings[step.binding.binding].information.clone(),
                step.rank.map_or_else(|| "-".to_owned(), |rank| rank.to_string()),
                notes.join("; "),
            ]);
        }
        write_columns(out, &rows, style)?;
    }
    let site = match resolution.routing.chosen {
        Some(binding_ref) => {
            let site = &machine.configs[binding_ref.config].sites[binding_ref.site];
            format!("{}, binding {}", site.name, site.bindings[binding_ref.binding].information)
        }
        None if resolution.verdict == Verdict::Reset => {
            "none (no https binding takes the request)".to_owned()
        }
        None => "none: HTTP.sys answers 404".to_owned(),
    };
    field(out, "Site", &site, width)?;

    writeln!(out)?;
    let colour = match resolution.verdict {
        Verdict::Served => Colour::Green,
        Verdict::WrongCertificate
        | Verdict::Reset
        | Verdict::NoSite
        | Verdict::CertificateExpired
        | Verdict::CertificateNotYetValid => Colour::Red,
    };
    writeln!(
        out,
        "{}{}",
        style.paint(Colour::Bold, &format!("{:<13}", "Verdict")),
        style.paint(colour, resolution.verdict.as_str())
    )?;
    for line in wrap(&explanation(machine, resolution), wrap_width.saturating_sub(2)) {
        writeln!(out, "  {line}")?;
    }
    if !resolution.uncertain.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.paint(Colour::Dim, "Depends on unconfirmed behaviour:"))?;
        for note in &resolution.uncertain {
            for (position, line) in wrap(note, wrap_width.saturating_sub(4)).iter().enumerate() {
                let bullet = if position == 0 { "- " } else { "  " };
                writeln!(out, "  {bullet}{}", style.paint(Colour::Dim, line))?;
            }
        }
    }
    Ok(())
}

/// The verdict as one sentence.
pub fn explanation(machine: &Machine, resolution: &Resolution) -> String {
    let host = &resolution.request.host;
    let port = resolution.request.port;
    let mapping = resolution.mapping().map(|position| &machine.mapping(position).key);
    let site = resolution.routing.chosen.map(|binding_ref| {
        let site = &machine.configs[binding_ref.config].sites[binding_ref.site];
        format!("site {} ({})", site.name, site.bindings[binding_ref.binding].information)
    });
    let Some(key) = mapping else {
        let without_sni = if resolution.connection.sni.is_none() {
            " The client sent no SNI, so only IP mappings could apply."
        } else {
            ""
        };
        return format!(
            "No HTTP.sys mapping matches this connection, so HTTP.sys resets it during the TLS \
             handshake.{without_sni}"
        );
    };
    let certificate = match resolution.certificate.map(|position| machine.certificate(position)) {
        Some(certificate) => {
            format!("the certificate of {} {key} ({})", key.kind(), certificate_names(certificate))
        }
        None => format!("the certificate of {} {key}", key.kind()),
    };
    match resolution.verdict {
        Verdict::WrongCertificate => {
            format!("HTTP.sys presents {certificate}, which is not valid for {host}: clients refuse it.")
        }
        Verdict::NoSite => format!(
            "The handshake succeeds with {certificate}, but no https binding on port {port} takes \
             host {host} at this address: HTTP.sys answers 404 (Microsoft-HTTPAPI/2.0)."
        ),
        Verdict::CertificateExpired | Verdict::CertificateNotYetValid => {
            let site = site.unwrap_or_default();
            let certificate_record = resolution.certificate.map(|position| machine.certificate(position));
            let utc = |moment: time::OffsetDateTime| moment.to_offset(time::UtcOffset::UTC).date();
            let lapse = match (resolution.verdict, certificate_record) {
                (Verdict::CertificateExpired, Some(record)) => {
                    format!("expired on {}", utc(record.not_after))
                }
                (_, Some(record)) => format!(
                    "is not valid until {} (check the server's clock and time zone)",
                    utc(record.not_before)
                ),
                (_, None) => "is outside its validity".to_owned(),
            };
            format!(
                "HTTP.sys presents {certificate}, valid for {host}, and IIS routes the request to {site}, \
                 but the certificate {lapse}: clients refuse it."
            )
        }
        Verdict::Served | Verdict::Reset => {
            let covers = match resolution.certificate_covers_host {
                Some(_) => format!(", valid for {host},"),
                None => " (whether it is valid for the host is unknown)".to_owned(),
            };
            let site = site.unwrap_or_default();
            format!("HTTP.sys presents {certificate}{covers} and IIS routes the request to {site}.")
        }
    }
}

fn certificate_names(certificate: &Certificate) -> String {
    if certificate.dns_names.is_empty() {
        certificate.common_name.clone().unwrap_or_else(|| certificate.subject.clone())
    } else {
        certificate.dns_names.join(", ")
    }
}

fn local_address(local: LocalAddress) -> String {
    match local {
        LocalAddress::Ip(ip) => ip.to_string(),
        LocalAddress::Unassigned(IpFamily::V4) => "unassigned IPv4".to_owned(),
        LocalAddress::Unassigned(IpFamily::V6) => "unassigned IPv6".to_owned(),
    }
}

fn local_address_words(local: LocalAddress) -> String {
    match local {
        LocalAddress::Ip(ip) => format!("local address {ip}"),
        LocalAddress::Unassigned(IpFamily::V4) => {
            "any unassigned IPv4 address (--ip to choose one)".to_owned()
        }
        LocalAddress::Unassigned(IpFamily::V6) => {
            "any unassigned IPv6 address (--ip to choose one)".to_owned()
        }
    }
}

/// `label` in a 13-column margin, then `value`, cut to `width`.
fn field(out: &mut impl Write, label: &str, value: &str, width: usize) -> io::Result<()> {
    let line = format!("{label:<13}{value}");
    writeln!(out, "{}", fit(line.trim_end(), width))
}

/// Rows aligned in columns (by display width) after a two-space indent; the last column is
/// free text, wrapped under itself at `style.wrap` (cut to `style.width` only when the other
/// columns leave it less than 20 columns).
fn write_columns(out: &mut impl Write, rows: &[Vec<String>], style: &Style) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter().filter_map(|row| row.get(column)).map(|cell| text::width(cell)).max().unwrap_or(0)
        })
        .collect();
    let last_start = 2 + widths.iter().take(columns.saturating_sub(1)).map(|width| width + 2).sum::<usize>();
    let free = style.wrap.saturating_sub(last_start);
    for row in rows {
        let mut line = String::from("  ");
        let Some((last, fixed)) = row.split_last() else { continue };
        for (column, cell) in fixed.iter().enumerate() {
            line.push_str(&text::pad(cell, widths[column] + 2));
        }
        if free < 20 {
            line.push_str(last);
            writeln!(out, "{}", fit(line.trim_end(), style.width))?;
            continue;
        }
        let mut pieces = wrap(last, free).into_iter();
        line.push_str(&pieces.next().unwrap_or_default());
        writeln!(out, "{}", line.trim_end())?;
        for piece in pieces {
            writeln!(out, "{}{piece}", " ".repeat(last_start))?;
        }
    }
    Ok(())
}
