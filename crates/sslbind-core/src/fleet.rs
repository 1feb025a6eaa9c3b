//! One machine as rows for a fleet database, and what changed between two of its ingests.
//!
//! A fleet database answers questions across servers (where is this certificate mapped, what
//! expires anywhere next month) with indexed queries, so each machine is stored as flat rows
//! rather than re-analysed per question. The rows are made here, from the same analysis and
//! findings every command shows, so that a fleet answer never disagrees with `sslbind
//! mappings` or `doctor` on the machine itself. What changed between two ingests is the
//! machine diff of `sslbind diff`, named in the terms of a history.

use time::OffsetDateTime;

use crate::analysis::Analysis;
use crate::diff::{Change, Subject, diff};
use crate::doctor::Finding;
use crate::model::{Machine, MappingKey};

/// Everything a fleet database keeps of one machine's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MachineRecord {
    /// The sites of every config.
    pub sites: Vec<SiteRow>,
    /// Every binding of every site, with the mapping and certificate it gets.
    pub bindings: Vec<BindingRow>,
    /// Every HTTP.sys mapping, with its owner and status.
    pub mappings: Vec<MappingRow>,
    /// Every certificate read, once per store it is in.
    pub certificates: Vec<CertificateRow>,
    /// doctor's findings.
    pub findings: Vec<FindingRow>,
    /// The HTTP.sys URL reservations.
    pub reservations: Vec<ReservationRow>,
}

/// A site.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteRow {
    /// Its name as written.
    pub name: String,
    /// Its id, when the config gives one.
    pub site_id: Option<i64>,
    /// `iis` or `iis-express`.
    pub server: &'static str,
}

/// A binding and what it gets.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BindingRow {
    /// The site's name.
    pub site: String,
    /// The binding's protocol, as written.
    pub protocol: String,
    /// Its `bindingInformation`, as written.
    pub binding: String,
    /// The address part (`*`, an IPv4 or a bracketless IPv6 address) of an http(s) binding.
    pub ip: Option<String>,
    /// The port of an http(s) binding.
    pub port: Option<i64>,
    /// The host header, normalised as HTTP.sys compares it (lowercase, no trailing dot,
    /// punycode); `None` for a binding without one.
    pub host: Option<String>,
    /// The sslFlags word.
    pub ssl_flags: i64,
    /// The mapping IIS Manager would create for it: kind and key.
    pub expected_mapping: Option<(String, String)>,
    /// The mapping HTTP.sys selects for it: kind and key.
    pub effective_mapping: Option<(String, String)>,
    /// The thumbprint of the certificate it gets (uppercase hex).
    pub certificate_hash: Option<String>,
}

/// An HTTP.sys mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MappingRow {
    /// `ip`, `sni`, `ccs` or `scoped-ccs`.
    pub kind: &'static str,
    /// The key as netsh prints it (`0.0.0.0:443`, `www.contoso.com:443`).
    pub key: String,
    /// The port.
    pub port: i64,
    /// The host of an SNI or scoped CCS key, normalised as HTTP.sys compares it.
    pub host: Option<String>,
    /// The thumbprint (uppercase hex); `None` for CCS.
    pub certificate_hash: Option<String>,
    /// The store name the mapping gives, for mappings with a certificate.
    pub certificate_store: Option<String>,
    /// The AppId, lowercase with braces.
    pub app_id: Option<String>,
    /// The known owner of the AppId.
    pub owner: Option<&'static str>,
    /// `in-use`, `fallback`, `idle`, `reserved` or `foreign`.
    pub status: &'static str,
    /// How many bindings expect it or are served by it.
    pub used_by: i64,
}

/// A certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateRow {
    /// SHA-1 thumbprint, uppercase hex.
    pub thumbprint: String,
    /// The subject's distinguished name.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// The serial number as the certificate listing shows it.
    pub serial: String,
    /// The DNS names it covers, in order.
    pub dns_names: Vec<String>,
    /// Not valid before, in seconds since the Unix epoch.
    pub not_before: i64,
    /// Not valid after, in seconds since the Unix epoch.
    pub not_after: i64,
    /// The store it was read from, `None` for a file.
    pub store: Option<String>,
    /// Whether a private key is known to be present.
    pub has_private_key: Option<bool>,
}

/// A doctor finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FindingRow {
    /// The finding's code.
    pub code: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// The message.
    pub message: String,
    /// The site involved.
    pub site: Option<String>,
    /// The binding involved.
    pub binding: Option<String>,
    /// The mapping involved: kind and key.
    pub mapping: Option<(String, String)>,
    /// The certificate involved.
    pub certificate_hash: Option<String>,
    /// The fix as doctor's JSON gives it: its commands, one per line, or its title when it is
    /// a manual step.
    pub fix: Option<String>,
}

/// A URL reservation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReservationRow {
    /// The URL prefix as written.
    pub url: String,
    /// The users it names, `name` each, in order.
    pub users: Vec<String>,
    /// Its security descriptor, when the source gave one.
    pub sddl: Option<String>,
}

fn key_pair(key: &MappingKey) -> (String, String) {
    (key.kind().as_str().to_owned(), key.to_string())
}

fn key_host(key: &MappingKey) -> Option<String> {
    match key {
        MappingKey::Sni { host, .. } | MappingKey::ScopedCcs { host, .. } => {
            Some(host.normalized().to_owned())
        }
        MappingKey::Ip(_) | MappingKey::Ccs { .. } => None,
    }
}

/// The rows of `machine`, from its analysis and doctor's findings on it.
pub fn record(machine: &Machine, analysis: &Analysis, findings: &[Finding]) -> MachineRecord {
    let sites = machine
        .sites()
        .map(|(config, site)| SiteRow {
            name: site.name.clone(),
            site_id: site.id.map(i64::from),
            server: config.flavor.as_str(),
        })
        .collect();
    let bindings = analysis
        .bindings
        .iter()
        .map(|binding_analysis| {
            let reference = binding_analysis.binding;
            let site = &machine.configs[reference.config].sites[reference.site];
            let binding = &site.bindings[reference.binding];
            let endpoint = binding.http_endpoint();
            let host = endpoint
                .map(|endpoint| crate::model::HostName::new(endpoint.host.clone()).normalized().to_owned())
                .filter(|host| !host.is_empty());
            BindingRow {
                site: site.name.clone(),
                protocol: binding.protocol.clone(),
                binding: binding.information.clone(),
                ip: endpoint.map(|endpoint| endpoint.address.to_string()),
                port: endpoint.map(|endpoint| i64::from(endpoint.port)),
                host,
                ssl_flags: i64::from(binding.ssl_flags.bits()),
                expected_mapping: binding_analysis.expected.as_ref().map(key_pair),
                effective_mapping: binding_analysis.effective().map(|id| key_pair(&machine.mapping(id).key)),
                certificate_hash: binding_analysis.certificate_hash.map(|hash| hash.to_string()),
            }
        })
        .collect();
    let mappings = analysis
        .mappings
        .iter()
        .map(|mapping_analysis| {
            let mapping = machine.mapping(mapping_analysis.mapping);
            MappingRow {
                kind: mapping.key.kind().as_str(),
                key: mapping.key.to_string(),
                port: i64::from(mapping.key.port()),
                host: key_host(&mapping.key),
                certificate_hash: mapping.certificate_hash.map(|hash| hash.to_string()),
                certificate_store: mapping
                    .certificate_hash
                    .is_some()
                    .then(|| mapping.effective_store().to_owned()),
                app_id: mapping.app_id.map(|app_id| app_id.to_string()),
                owner: mapping_analysis.owner.map(|owner| owner.name()),
                status: mapping_analysis.status.as_str(),
                used_by: i64::try_from(mapping_analysis.used_by.len()).unwrap_or(i64::MAX),
            }
        })
        .collect();
    let certificates = machine
        .certificates
        .iter()
        .map(|certificate| CertificateRow {
            thumbprint: certificate.thumbprint.to_string(),
            subject: certificate.subject.clone(),
            issuer: certificate.issuer.clone(),
            serial: certificate.serial.clone(),
            dns_names: certificate.dns_names.clone(),
            not_before: certificate.not_before.unix_timestamp(),
            not_after: certificate.not_after.unix_timestamp(),
            store: certificate.store.clone(),
            has_private_key: certificate.has_private_key,
        })
        .collect();
    let findings = findings
        .iter()
        .map(|finding| FindingRow {
            code: finding.code.name(),
            severity: finding.severity.as_str(),
            message: finding.message.clone(),
            site: finding.site.clone(),
            binding: finding.binding.clone(),
            mapping: finding.mapping.as_ref().map(key_pair),
            certificate_hash: finding.certificate_hash.map(|hash| hash.to_string()),
            fix: finding
                .fix
                .as_ref()
                .map(|fix| if fix.commands.is_empty() { fix.title.clone() } else { fix.commands.join("\n") }),
        })
        .collect();
    let reservations = machine
        .url_reservations
        .iter()
        .map(|reservation| ReservationRow {
            url: reservation.url.clone(),
            users: reservation.users.iter().map(|user| user.name.clone()).collect(),
            sddl: reservation.sddl.clone(),
        })
        .collect();
    MachineRecord { sites, bindings, mappings, certificates, findings, reservations }
}

/// What kind of change a history entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum HistoryWhat {
    /// A binding appeared.
    BindingAdded,
    /// A binding went away.
    BindingRemoved,
    /// A binding's sslFlags changed.
    BindingChanged,
    /// A mapping appeared.
    MappingAdded,
    /// A mapping went away.
    MappingRemoved,
    /// A mapping now names another certificate.
    MappingRepointed,
    /// A mapping's other settings (store, AppId, flags) changed.
    MappingChanged,
    /// A certificate appeared in the machine's stores.
    CertificateAppeared,
    /// A certificate left the machine's stores.
    CertificateRemoved,
    /// A certificate that was valid at the earlier ingest had expired by the later one.
    CertificateExpired,
    /// A certificate moved to another store.
    CertificateChanged,
    /// A URL reservation appeared.
    ReservationAdded,
    /// A URL reservation went away.
    ReservationRemoved,
    /// A URL reservation's users or descriptor changed.
    ReservationChanged,
    /// An excluded port range appeared.
    ExcludedPortsAdded,
    /// An excluded port range went away.
    ExcludedPortsRemoved,
    /// An excluded port range changed.
    ExcludedPortsChanged,
}

impl HistoryWhat {
    /// The name JSON and tables show: `mapping-added`, `certificate-expired`, …
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryWhat::BindingAdded => "binding-added",
            HistoryWhat::BindingRemoved => "binding-removed",
            HistoryWhat::BindingChanged => "binding-changed",
            HistoryWhat::MappingAdded => "mapping-added",
            HistoryWhat::MappingRemoved => "mapping-removed",
            HistoryWhat::MappingRepointed => "mapping-repointed",
            HistoryWhat::MappingChanged => "mapping-changed",
            HistoryWhat::CertificateAppeared => "certificate-appeared",
            HistoryWhat::CertificateRemoved => "certificate-removed",
            HistoryWhat::CertificateExpired => "certificate-expired",
            HistoryWhat::CertificateChanged => "certificate-changed",
            HistoryWhat::ReservationAdded => "reservation-added",
            HistoryWhat::ReservationRemoved => "reservation-removed",
            HistoryWhat::ReservationChanged => "reservation-changed",
            HistoryWhat::ExcludedPortsAdded => "excluded-ports-added",
            HistoryWhat::ExcludedPortsRemoved => "excluded-ports-removed",
            HistoryWhat::ExcludedPortsChanged => "excluded-ports-changed",
        }
    }
}

/// One change between two consecutive ingests of a machine.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryChange {
    /// When the later state was collected.
    pub at: OffsetDateTime,
    /// What happened.
    pub what: HistoryWhat,
    /// What it happened to: `site protocol bindingInformation` for a binding, `kind key` for a
    /// mapping, the thumbprint for a certificate, the URL for a reservation, `start-end` for a
    /// port range.
    pub key: String,
    /// The fields that changed, `(field, before, after)`; empty for additions and removals.
    pub fields: Vec<(String, String, String)>,
}

/// What changed from `before` (collected at `before_at`) to `after` (collected at `at`), in
/// the order of the machine diff (bindings, mappings, certificates, reservations, port
/// ranges), then the certificates that expired in between: those both states hold whose
/// `not_after` lies in `(before_at, at]`.
pub fn history(
    before: &Machine,
    before_at: OffsetDateTime,
    after: &Machine,
    at: OffsetDateTime,
) -> Vec<HistoryChange> {
    let mut changes: Vec<HistoryChange> = diff(before, after)
        .into_iter()
        .map(|difference| {
            let (what, fields) = match (difference.subject, difference.change) {
                (Subject::Binding, Change::OnlyInFirst) => (HistoryWhat::BindingRemoved, Vec::new()),
                (Subject::Binding, Change::OnlyInOther) => (HistoryWhat::BindingAdded, Vec::new()),
                (Subject::Binding, Change::Changed(fields)) => (HistoryWhat::BindingChanged, fields),
                (Subject::Mapping, Change::OnlyInFirst) => (HistoryWhat::MappingRemoved, Vec::new()),
                (Subject::Mapping, Change::OnlyInOther) => (HistoryWhat::MappingAdded, Vec::new()),
                (Subject::Mapping, Change::Changed(fields)) => {
                    let repointed = fields.iter().any(|(field, _, _)| field == "certificate_hash");
                    let what =
                        if repointed { HistoryWhat::MappingRepointed } else { HistoryWhat::MappingChanged };
                    (what, fields)
                }
                (Subject::Certificate, Change::OnlyInFirst) => (HistoryWhat::CertificateRemoved, Vec::new()),
                (Subject::Certificate, Change::OnlyInOther) => (HistoryWhat::CertificateAppeared, Vec::new()),
                (Subject::Certificate, Change::Changed(fields)) => (HistoryWhat::CertificateChanged, fields),
                (Subject::UrlReservation, Change::OnlyInFirst) => {
                    (HistoryWhat::ReservationRemoved, Vec::new())
                }
                (Subject::UrlReservation, Change::OnlyInOther) => (HistoryWhat::ReservationAdded, Vec::new()),
                (Subject::UrlReservation, Change::Changed(fields)) => {
                    (HistoryWhat::ReservationChanged, fields)
                }
                (Subject::ExcludedPorts, Change::OnlyInFirst) => {
                    (HistoryWhat::ExcludedPortsRemoved, Vec::new())
                }
                (Subject::ExcludedPorts, Change::OnlyInOther) => {
                    (HistoryWhat::ExcludedPortsAdded, Vec::new())
                }
                (Subject::ExcludedPorts, Change::Changed(fields)) => {
                    (HistoryWhat::ExcludedPortsChanged, fields)
                }
            };
            HistoryChange { at, what, key: difference.name, fields }
        })
        .collect();
    let mut expired: Vec<String> = after
        .certificates
        .iter()
        .filter(|certificate| certificate.not_after > before_at && certificate.not_after <= at)
        .filter(|certificate| {
            before.certificates.iter().any(|earlier| earlier.thumbprint == certificate.thumbprint)
        })
        .map(|certificate| certificate.thumbprint.to_string())
        .collect();
    expired.sort();
    expired.dedup();
    changes.extend(expired.into_iter().map(|thumbprint| HistoryChange {
        at,
        what: HistoryWhat::CertificateExpired,
        key: thumbprint,
        fields: Vec::new(),
    }));
    changes
}
