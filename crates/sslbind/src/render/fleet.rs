//! The JSON of the fleet commands (docs/contract.md#fleet): `machines`, `findings` (each with
//! `machine`), `matches`, `certificates` and `history`, with the same field names as the
//! one-machine commands where they say the same thing, so that a script written against
//! `sslbind doctor --format json` reads `sslbind fleet findings` too.

use serde::Serialize;
use sslbind_core::fleet::HistoryChange;
use sslbind_live::fleet::{FleetCertificate, FleetFinding, MachineSummary, Match};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds since the Unix epoch as RFC 3339 (UTC); out of range values as the number.
pub fn unix_rfc3339(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| seconds.to_string())
}

/// Whole days from `now` to `seconds` (negative once past), rounded down.
pub fn days_left(seconds: i64, now: OffsetDateTime) -> i64 {
    (seconds - now.unix_timestamp()).div_euclid(86_400)
}

/// `{"machines": [...]}`.
#[derive(Serialize)]
pub struct MachinesJson {
    machines: Vec<MachineJson>,
}

#[derive(Serialize)]
struct MachineJson {
    name: String,
    ingests: i64,
    collected_at: String,
    ingested_at: String,
    content_hash: String,
    sites: i64,
    bindings: i64,
    mappings: i64,
    mappings_by_status: std::collections::BTreeMap<String, i64>,
    certificates: i64,
    certificates_expiring: i64,
    findings: SeverityCounts,
}

#[derive(Serialize)]
struct SeverityCounts {
    errors: i64,
    warnings: i64,
    infos: i64,
}

/// The JSON of `sslbind fleet machines`.
pub fn machines(summaries: &[MachineSummary]) -> MachinesJson {
    MachinesJson {
        machines: summaries
            .iter()
            .map(|summary| MachineJson {
                name: summary.name.clone(),
                ingests: summary.ingests,
                collected_at: unix_rfc3339(summary.collected_at),
                ingested_at: unix_rfc3339(summary.ingested_at),
                content_hash: summary.content_hash.clone(),
                sites: summary.sites,
                bindings: summary.bindings,
                mappings: summary.mappings,
                mappings_by_status: summary.mappings_by_status.iter().cloned().collect(),
                certificates: summary.certificates,
                certificates_expiring: summary.certificates_expiring,
                findings: SeverityCounts {
                    errors: summary.errors,
                    warnings: summary.warnings,
                    infos: summary.infos,
                },
            })
            .collect(),
    }
}

/// `{"findings": [...]}`.
#[derive(Serialize)]
pub struct FindingsJson {
    findings: Vec<FindingJson>,
}

#[derive(Serialize)]
struct FindingJson {
    machine: String,
    code: String,
    severity: String,
    message: String,
    site: Option<String>,
    binding: Option<String>,
    mapping: Option<String>,
    mapping_kind: Option<String>,
    certificate_hash: Option<String>,
    fix: Option<String>,
}

/// The JSON of `sslbind fleet findings`: doctor's fields, plus `machine`.
pub fn findings(findings: &[FleetFinding]) -> FindingsJson {
    FindingsJson {
        findings: findings
            .iter()
            .map(|finding| FindingJson {
                machine: finding.machine.clone(),
                code: finding.code.clone(),
                severity: finding.severity.clone(),
                message: finding.message.clone(),
                site: finding.site.clone(),
                binding: finding.binding.clone(),
                mapping: finding.mapping.as_ref().map(|(_, key)| key.clone()),
                mapping_kind: finding.mapping.as_ref().map(|(kind, _)| kind.clone()),
                certificate_hash: finding.certificate_hash.clone(),
                fix: finding.fix.clone(),
            })
            .collect(),
    }
}

/// `{"query": …, "matches": [...]}`.
#[derive(Serialize)]
pub struct MatchesJson {
    query: QueryJson,
    matches: Vec<MatchJson>,
}

#[derive(Serialize)]
struct QueryJson {
    kind: &'static str,
    value: String,
}

#[derive(Serialize)]
struct MatchJson {
    machine: String,
    kind: Option<String>,
    key: Option<String>,
    certificate_hash: Option<String>,
    site: Option<String>,
    binding: Option<String>,
}

/// The JSON of `sslbind fleet where`; `kind` is `thumbprint` or `host`, `value` what was
/// looked for, as normalised.
pub fn matches(kind: &'static str, value: &str, matches: &[Match]) -> MatchesJson {
    MatchesJson {
        query: QueryJson { kind, value: value.to_owned() },
        matches: matches
            .iter()
            .map(|found| MatchJson {
                machine: found.machine.clone(),
                kind: found.kind.clone(),
                key: found.key.clone(),
                certificate_hash: found.certificate_hash.clone(),
                site: found.site.clone(),
                binding: found.binding.clone(),
            })
            .collect(),
    }
}

/// `{"certificates": [...]}`.
#[derive(Serialize)]
pub struct CertificatesJson {
    certificates: Vec<CertificateJson>,
}

#[derive(Serialize)]
struct CertificateJson {
    thumbprint: String,
    subject: String,
    issuer: String,
    dns_names: Vec<String>,
    not_before: String,
    not_after: String,
    days_left: i64,
    expiry_class: &'static str,
    machines: Vec<String>,
}

/// The expiry band of a certificate ending at `not_after` (and starting at `not_before`),
/// as the report and `sslbind certificates` name it.
pub fn expiry_class(
    not_before: i64,
    not_after: i64,
    now: OffsetDateTime,
) -> sslbind_core::model::ExpiryClass {
    let at =
        |seconds: i64| OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    sslbind_core::model::expiry_class(at(not_before), at(not_after), now)
}

/// The JSON of `sslbind fleet certificates`.
pub fn certificates(certificates: &[FleetCertificate], now: OffsetDateTime) -> CertificatesJson {
    CertificatesJson {
        certificates: certificates
            .iter()
            .map(|certificate| CertificateJson {
                thumbprint: certificate.thumbprint.clone(),
                subject: certificate.subject.clone(),
                issuer: certificate.issuer.clone(),
                dns_names: certificate.dns_names.clone(),
                not_before: unix_rfc3339(certificate.not_before),
                not_after: unix_rfc3339(certificate.not_after),
                days_left: days_left(certificate.not_after, now),
                expiry_class: expiry_class(certificate.not_before, certificate.not_after, now).as_str(),
                machines: certificate.machines.clone(),
            })
            .collect(),
    }
}

/// `{"machine": …, "ingests": n, "changes": [...]}`.
#[derive(Serialize)]
pub struct HistoryJson {
    machine: String,
    ingests: usize,
    changes: Vec<ChangeJson>,
}

#[derive(Serialize)]
struct ChangeJson {
    at: String,
    what: &'static str,
    key: String,
    fields: Vec<FieldJson>,
}

#[derive(Serialize)]
struct FieldJson {
    field: String,
    before: String,
    after: String,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// The JSON of `sslbind fleet history`.
pub fn history(machine: &str, ingests: usize, changes: &[HistoryChange]) -> HistoryJson {
    HistoryJson {
        machine: machine.to_owned(),
        ingests,
        changes: changes
            .iter()
            .map(|change| ChangeJson {
                at: rfc3339(change.at),
                what: change.what.as_str(),
                key: change.key.clone(),
                fields: change
                    .fields
                    .iter()
                    .map(|(field, before, after)| FieldJson {
                        field: field.clone(),
                        before: before.clone(),
                        after: after.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
