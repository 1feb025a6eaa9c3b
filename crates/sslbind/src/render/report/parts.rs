//! The parts of a report page, each a function from the core's results to markup: header,
//! summary, filter box, findings, bindings, mappings, certificates, reservations and the
//! per-port selection matrix. A fleet report puts the same parts together per machine.
//! Every table is `table.data` (the script sorts and filters those); every value from the
//! machine goes through [`shown`] (alone in its cell) or [`isolated`] (beside other text), and
//! sort keys (`data-v`) are numbers or fixed words.

use maud::{Markup, html};
use sslbind_core::analysis::resolve::describe_binding;
use sslbind_core::analysis::usage::Usage;
use sslbind_core::analysis::{Analysis, BindingRef, MappingStatus};
use sslbind_core::doctor::{Code, Finding, Severity};
use sslbind_core::model::{Certificate, CertificateId, ExpiryClass, Machine, Thumbprint};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::MachineReport;
use super::text::{isolated, shown};
use crate::render::reservations::used_by as reservation_users;

/// The title, the machine, when it is judged, and the sources the facts came from.
pub fn header(report: &MachineReport<'_>) -> Markup {
    let sources = source_files(report.machine);
    html! {
        header {
            h1 { (shown(report.title)) }
            dl.summary {
                dt { "Machine" } dd { (shown(report.machine_name)) }
                dt { "Judged at" } dd { (rfc3339(report.now)) }
                dt { "Made by" } dd { "sslbind " (env!("CARGO_PKG_VERSION")) }
                dt { "Sources" }
                dd {
                    details {
                        summary { (plural(sources.len(), "file")) " read" }
                        ul { @for source in &sources { li.mono { (shown(source)) } } }
                    }
                }
            }
        }
    }
}

/// Counts: bindings, mappings by status, findings by severity, certificates by expiry band.
pub fn summary(report: &MachineReport<'_>) -> Markup {
    let machine = report.machine;
    let n_bindings = report.analysis.bindings.len();
    let n_https = machine
        .sites()
        .flat_map(|(_, site)| &site.bindings)
        .filter(|binding| binding.protocol.eq_ignore_ascii_case("https"))
        .count();
    let statuses = MappingStatus::ALL;
    let severities = [Severity::Error, Severity::Warning, Severity::Info];
    let classes = [
        ExpiryClass::Expired,
        ExpiryClass::NotYetValid,
        ExpiryClass::Error,
        ExpiryClass::Warning,
        ExpiryClass::Fine,
    ];
    let expiring_soon = report
        .certificates
        .iter()
        .filter(|(certificate, _)| {
            matches!(certificate.expiry_class(report.now), ExpiryClass::Error | ExpiryClass::Warning)
        })
        .count();
    html! {
        section #summary {
            h2 { "Summary" }
            dl.summary {
                dt { "Bindings" } dd { (n_bindings) " (" (n_https) " https)" }
                dt { "Mappings" }
                dd {
                    (machine.mappings.len()) ":"
                    @for status in statuses {
                        @let n = report.analysis.mappings.iter().filter(|m| m.status == status).count();
                        @if n > 0 { " " (mapping_status(status)) " " (n) }
                    }
                }
                dt { "Findings" }
                dd {
                    (report.findings.len()) ":"
                    @for severity in severities {
                        @let n = report.findings.iter().filter(|f| f.severity == severity).count();
                        " " (severity_badge(severity)) " " (n)
                    }
                }
                dt { "Certificates" }
                dd {
                    (report.certificates.len()) ":"
                    @for class in classes {
                        @let n = report.certificates.iter().filter(|(c, _)| c.expiry_class(report.now) == class).count();
                        @if n > 0 { " " (expiry_badge(class)) " " (n) }
                    }
                }
                dt { "Expiring soon" } dd { (plural(expiring_soon, "certificate")) " with under 60 days left" }
            }
        }
    }
}

/// The filter box, hidden until the script shows it (without the script it could not work).
pub fn filter_box() -> Markup {
    html! {
        div #filter-box hidden {
            label for="filter" { "Filter rows " }
            input #filter type="search" autocomplete="off" placeholder="site, host, thumbprint, code…";
            " "
            span #filter-count .muted {}
        }
    }
}

/// Doctor's findings, worst first as listed, each with its fix commands; then the
/// explanation of each code found, once.
pub fn findings(findings: &[Finding]) -> Markup {
    let mut codes: Vec<Code> = findings.iter().map(|finding| finding.code).collect();
    codes.sort_by_key(|code| code.name());
    codes.dedup();
    html! {
        section #findings {
            h2 { "Findings" }
            @if findings.is_empty() {
                p { "No findings." }
            } @else {
                table.data {
                    thead { tr { th { "Severity" } th { "Code" } th { "Site" } th { "About" } th { "Finding" } th { "Fix" } } }
                    tbody {
                        @for finding in findings {
                            tr {
                                td data-v=(severity_rank(finding.severity)) { (severity_badge(finding.severity)) }
                                td { a href={ "#code-" (finding.code.name()) } { (finding.code.name()) } }
                                td { @if let Some(site) = &finding.site { (shown(site)) } }
                                td {
                                    @if let Some(binding) = &finding.binding { (shown(binding)) }
                                    @else if let Some(mapping) = &finding.mapping {
                                        (mapping.kind().as_str()) " " (isolated(&mapping.to_string()))
                                    }
                                }
                                td { (shown(&finding.message)) }
                                td {
                                    @if let Some(fix) = &finding.fix {
                                        @if fix.commands.is_empty() {
                                            (shown(&fix.title))
                                        } @else {
                                            details {
                                                summary { (shown(&fix.title)) }
                                                pre.fix { (fix.commands.join("\n")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                h3 { "What the codes mean" }
                dl {
                    @for code in codes {
                        dt.mono #{ "code-" (code.name()) } { (code.name()) }
                        dd { p { (code.summary()) } pre { (code.explanation()) } }
                    }
                }
            }
        }
    }
}

/// Every binding with the mapping IIS expects, the one HTTP.sys picks, and its certificate.
pub fn bindings(machine: &Machine, analysis: &Analysis, now: OffsetDateTime) -> Markup {
    html! {
        section #bindings {
            h2 { "Bindings" }
            table.data {
                thead { tr {
                    th { "Site" } th { "Protocol" } th { "Binding" } th { "SNI" } th { "Expected mapping" }
                    th { "Effective mapping" } th { "Certificate" } th { "Days left" }
                } }
                tbody {
                    @for binding_analysis in &analysis.bindings {
                        @let reference = binding_analysis.binding;
                        @let site = &machine.configs[reference.config].sites[reference.site];
                        @let binding = &site.bindings[reference.binding];
                        @let is_https = binding.protocol.eq_ignore_ascii_case("https");
                        tr {
                            td { (shown(&site.name)) }
                            td { (shown(&binding.protocol)) }
                            td { (shown(&binding.information)) }
                            td { @if is_https { @if binding.ssl_flags.sni() { "SNI" } @else { "no" } } }
                            td { @if let Some(key) = &binding_analysis.expected { (shown(&key.to_string())) } }
                            td {
                                @if let Some(id) = binding_analysis.effective() {
                                    (shown(&machine.mapping(id).key.to_string()))
                                } @else if binding_analysis.expected.is_some() {
                                    span.s-error { "✕ none" }
                                }
                            }
                            (certificate_cells(machine, binding_analysis.certificate, binding_analysis.certificate_hash, now))
                        }
                    }
                }
            }
        }
    }
}

/// Every HTTP.sys mapping with its owner, status, certificate and the bindings it serves.
pub fn mappings(machine: &Machine, analysis: &Analysis, now: OffsetDateTime) -> Markup {
    html! {
        section #mappings {
            h2 { "Mappings" }
            @if !machine.mappings_known {
                p.muted { "The HTTP.sys mappings were not given (no netsh output, registry or snapshot)." }
            }
            table.data {
                thead { tr {
                    th { "Kind" } th { "Key" } th { "Owner" } th { "Status" } th { "Certificate" }
                    th { "Days left" } th { "Used by" }
                } }
                tbody {
                    @for mapping_analysis in &analysis.mappings {
                        @let mapping = machine.mapping(mapping_analysis.mapping);
                        tr {
                            td { (mapping.key.kind().as_str()) }
                            td { (shown(&mapping.key.to_string())) }
                            td { @if let Some(owner) = mapping_analysis.owner { (owner.name()) } @else { span.muted { "unknown" } } }
                            td { (mapping_status(mapping_analysis.status)) }
                            (certificate_cells(machine, mapping_analysis.certificate, mapping.certificate_hash, now))
                            td { (binding_list(machine, &mapping_analysis.used_by)) }
                        }
                    }
                }
            }
        }
    }
}

/// Every certificate by end of validity, with its names, store, key and consumers.
pub fn certificates(
    machine: &Machine,
    certificates: &[(&Certificate, Usage)],
    now: OffsetDateTime,
) -> Markup {
    html! {
        section #certificates {
            h2 { "Certificates" }
            @if !machine.certificates_known {
                p.muted { "No certificates were given (no certificate files, registry or snapshot)." }
            }
            table.data {
                thead { tr {
                    th { "Subject" } th { "Names" } th { "Thumbprint" } th { "Store" } th { "Not after" }
                    th { "Days left" } th { "Private key" } th { "Used by" }
                } }
                tbody {
                    @for (certificate, usage) in certificates {
                        tr {
                            td { (shown(&certificate.subject)) }
                            td { (shown(&certificate.dns_names.join(", "))) }
                            td { (certificate.thumbprint.to_string()) }
                            td { @if let Some(store) = &certificate.store { (shown(store)) } }
                            td data-v=(certificate.not_after.unix_timestamp()) { (rfc3339(certificate.not_after)) }
                            (days_left_cell(certificate, now))
                            td { @match certificate.has_private_key { Some(true) => "yes", Some(false) => "no", None => span.muted { "unknown" } } }
                            td {
                                @if usage.mappings.is_empty() && usage.bindings.is_empty() && usage.ccs_files.is_empty() {
                                    span.muted { "nothing" }
                                } @else {
                                    (plural(usage.mappings.len(), "mapping"))
                                    @let served: Vec<BindingRef> = usage.bindings.iter().map(|b| b.binding).collect();
                                    @if !served.is_empty() { "; " (binding_list(machine, &served)) }
                                    @for file in &usage.ccs_files { "; CCS " (isolated(&file.file)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The URL reservations with their users and the bindings that need them, and the excluded
/// port ranges.
pub fn reservations(machine: &Machine) -> Markup {
    html! {
        section #reservations {
            h2 { "URL reservations" }
            @if !machine.url_reservations_known {
                p.muted { "The URL reservations were not given (no netsh http show urlacl output, registry or snapshot)." }
            } @else {
                table.data {
                    thead { tr { th { "URL" } th { "Users" } th { "Used by" } } }
                    tbody {
                        @for (reservation, users) in machine.url_reservations.iter().zip(reservation_users(machine)) {
                            tr {
                                td { (shown(&reservation.url)) }
                                td {
                                    @for (position, user) in reservation.users.iter().enumerate() {
                                        @if position > 0 { "; " }
                                        (isolated(&user.name))
                                        @let rights = [(user.listen, "listen"), (user.delegate, "delegate")];
                                        @for (allowed, right) in rights {
                                            @if allowed == Some(true) { " (" (right) ")" }
                                        }
                                    }
                                    @if let Some(sddl) = &reservation.sddl { @if reservation.users.is_empty() { span.mono { (isolated(sddl)) } } }
                                }
                                td {
                                    @for (position, user) in users.iter().enumerate() {
                                        @if position > 0 { ", " }
                                        (isolated(&user.site)) " " span.mono { (isolated(&user.binding)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Excluded port ranges" }
            @if !machine.excluded_ports_known {
                p.muted { "The excluded port ranges were not given (no netsh int ipv4 show excludedportrange output)." }
            } @else {
                table.data {
                    thead { tr { th { "Start" } th { "End" } th { "Administered" } } }
                    tbody {
                        @for range in &machine.excluded_ports {
                            tr {
                                td data-v=(range.start) { (range.start) }
                                td data-v=(range.end) { (range.end) }
                                td { @if range.administered { "yes" } @else { "no" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Per port, how HTTP.sys picks the mapping for each binding: the keys it tries in order,
/// which exist (✓) and which it takes (bold), as `sslbind resolve` shows for one request.
pub fn selection_matrix(machine: &Machine, analysis: &Analysis) -> Markup {
    let mut rows: Vec<(u16, BindingRef, &sslbind_core::analysis::selection::Selection)> = analysis
        .bindings
        .iter()
        .filter_map(|binding_analysis| {
            let selection = binding_analysis.selection.as_ref()?;
            let reference = binding_analysis.binding;
            let binding =
                &machine.configs[reference.config].sites[reference.site].bindings[reference.binding];
            Some((binding.http_endpoint()?.port, reference, selection))
        })
        .collect();
    rows.sort_by_key(|(port, _, _)| *port);
    let n_steps = rows.iter().map(|(_, _, selection)| selection.steps.len()).max().unwrap_or(0);
    html! {
        section #selection {
            h2 { "How HTTP.sys picks, per port" }
            p.muted { "For each https binding, the mapping keys HTTP.sys tries in order: ✓ exists, ✗ does not; the one it takes is in bold." }
            @if rows.is_empty() {
                p { "No https binding." }
            } @else {
                table.data {
                    thead { tr {
                        th { "Port" } th { "Binding" }
                        @for step in 1..=n_steps { th { "Try " (step) } }
                    } }
                    tbody {
                        @for (port, reference, selection) in &rows {
                            @let chosen = selection.chosen.map(|id| &machine.mapping(id).key);
                            tr {
                                td data-v=(port) { (port) }
                                td { (shown(&describe_binding(machine, *reference))) }
                                @for column in 0..n_steps {
                                    td {
                                        @if let Some(step) = selection.steps.get(column) {
                                            @let taken = step.found && chosen == Some(&step.tried);
                                            @if taken {
                                                strong.found { "✓ " (step.tried.kind().as_str()) " " (isolated(&step.tried.to_string())) }
                                            } @else if step.found {
                                                span.found { "✓ " } (step.tried.kind().as_str()) " " (isolated(&step.tried.to_string()))
                                            } @else {
                                                span.missing { "✗ " } (step.tried.kind().as_str()) " " (isolated(&step.tried.to_string()))
                                            }
                                            @if let Some(note) = &step.note { br; span.muted { (shown(note)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The certificate and days-left cells of a row naming `certificate` (or only its hash when
/// the machine does not hold it).
fn certificate_cells(
    machine: &Machine,
    certificate: Option<CertificateId>,
    hash: Option<Thumbprint>,
    now: OffsetDateTime,
) -> Markup {
    match (certificate, hash) {
        (Some(id), _) => {
            let certificate = machine.certificate(id);
            let name = certificate.common_name.as_deref().unwrap_or(&certificate.subject);
            html! {
                td { (shown(name)) br; span.t { (certificate.thumbprint.to_string()) } }
                (days_left_cell(certificate, now))
            }
        }
        (None, Some(hash)) => html! {
            td { span.t { (hash.to_string()) } br; "not among the certificates read" }
            td data-v="" {}
        },
        (None, None) => html! { td {} td data-v="" {} },
    }
}

fn days_left_cell(certificate: &Certificate, now: OffsetDateTime) -> Markup {
    let days = certificate.days_left(now);
    html! { td data-v=(days) { (expiry_badge(certificate.expiry_class(now))) " " (days) } }
}

fn binding_list(machine: &Machine, bindings: &[BindingRef]) -> Markup {
    html! {
        @for (position, reference) in bindings.iter().enumerate() {
            @if position > 0 { ", " }
            (isolated(&describe_binding(machine, *reference)))
        }
    }
}

/// A status as a shape and a word, coloured by class: the colour only repeats them.
fn badge(class: &str, shape: &str, label: &str) -> Markup {
    html! { span class={ "s-" (class) } { (shape) " " (label) } }
}

pub fn expiry_badge(class: ExpiryClass) -> Markup {
    let shape = match class {
        ExpiryClass::Fine => "●",
        ExpiryClass::Warning => "▲",
        ExpiryClass::Error => "■",
        ExpiryClass::Expired | ExpiryClass::NotYetValid => "✕",
    };
    badge(class.as_str(), shape, class.as_str())
}

pub fn severity_badge(severity: Severity) -> Markup {
    let shape = match severity {
        Severity::Error => "■",
        Severity::Warning => "▲",
        Severity::Info => "●",
    };
    badge(severity.as_str(), shape, severity.as_str())
}

pub fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

pub fn mapping_status(status: MappingStatus) -> Markup {
    let shape = match status {
        MappingStatus::InUse => "●",
        MappingStatus::Fallback => "◆",
        MappingStatus::Idle => "○",
        MappingStatus::Reserved => "◇",
        MappingStatus::Foreign => "▽",
    };
    badge(status.as_str(), shape, status.as_str())
}

/// The files the machine's facts came from, each once, in the order first met.
fn source_files(machine: &Machine) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut files = Vec::new();
    let origins = machine
        .mappings
        .iter()
        .map(|mapping| &mapping.origin)
        .chain(machine.certificates.iter().map(|certificate| &certificate.origin))
        .chain(machine.url_reservations.iter().map(|reservation| &reservation.origin))
        .chain(machine.excluded_ports.iter().map(|range| &range.origin));
    let paths = machine
        .configs
        .iter()
        .map(|config| config.path.clone())
        .chain(origins.filter_map(|origin| origin.location().map(|location| location.path.clone())));
    for path in paths {
        if seen.insert(path.clone()) {
            files.push(path.to_string());
        }
    }
    files
}

pub fn rfc3339(moment: OffsetDateTime) -> String {
    moment.format(&Rfc3339).unwrap_or_else(|_| moment.to_string())
}

pub fn plural(n: usize, noun: &str) -> String {
    crate::render::plural(n, noun)
}
