//! The JSON of the interface contract (docs/contract.md#json). Field names here are promises
//! to scripts: add fields freely, never rename one.

use std::io::{self, Write};

use serde::Serialize;
use sslbind_core::analysis::{Analysis, BindingAnalysis, BindingRef, MappingAnalysis};
use sslbind_core::model::{
    Binding, BindingAddress, BindingEndpoint, Certificate, CertificateId, Machine, Mapping, MappingKey,
};
use time::format_description::well_known::Rfc3339;

use crate::render::Expiry;

/// The version of the JSON every command prints, its first key (`"schema_version": 1`): it
/// grows when a field changes meaning or goes away, never when one is added.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes `value` as pretty JSON with a final newline, `schema_version` first.
pub fn write(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    write_plain(out, &Versioned { schema_version: SCHEMA_VERSION, body: value })
}

/// Writes `value` as pretty JSON as it is: for formats defined elsewhere (SARIF), which carry
/// their own version.
pub fn write_plain(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// A command's JSON object with `schema_version` put first.
#[derive(Serialize)]
struct Versioned<'a, T: Serialize> {
    schema_version: u32,
    #[serde(flatten)]
    body: &'a T,
}

/// `{"bindings": [...]}`.
#[derive(Serialize)]
pub struct BindingsJson {
    bindings: Vec<BindingJson>,
}

#[derive(Serialize)]
struct BindingJson {
    site: String,
    site_id: Option<u32>,
    protocol: String,
    binding: String,
    ip: Option<String>,
    port: Option<u16>,
    host: Option<String>,
    ssl_flags: u32,
    ssl_flag_names: Vec<String>,
    expected_mapping: Option<KeyJson>,
    effective_mapping: Option<KeyJson>,
    certificate_hash: Option<String>,
    certificate: Option<CertificateJson>,
    certificate_status: Option<&'static str>,
    config: String,
    server: &'static str,
    source: String,
    notes: Vec<String>,
}

/// A mapping named by kind and key.
#[derive(Serialize)]
pub struct KeyJson {
    kind: &'static str,
    key: String,
}

impl KeyJson {
    fn of(key: &MappingKey) -> KeyJson {
        KeyJson { kind: key.kind().as_str(), key: key.to_string() }
    }
}

/// A certificate's facts.
#[derive(Serialize)]
pub struct CertificateJson {
    thumbprint: String,
    subject: String,
    common_name: Option<String>,
    issuer: String,
    serial: String,
    dns_names: Vec<String>,
    ip_addresses: Vec<String>,
    not_before: String,
    not_after: String,
    key_algorithm: String,
    key_bits: Option<u32>,
    key_curve: Option<String>,
    signature_algorithm: String,
    extended_key_usage: Vec<String>,
    has_private_key: Option<bool>,
    store: Option<String>,
    source: String,
}

impl CertificateJson {
    /// The JSON of `certificate`.
    pub fn of(certificate: &Certificate) -> CertificateJson {
        CertificateJson {
            thumbprint: certificate.thumbprint.to_string(),
            subject: certificate.subject.clone(),
            common_name: certificate.common_name.clone(),
            issuer: certificate.issuer.clone(),
            serial: certificate.serial.clone(),
            dns_names: certificate.dns_names.clone(),
            ip_addresses: certificate.ip_addresses.iter().map(ToString::to_string).collect(),
            not_before: rfc3339(certificate.not_before),
            not_after: rfc3339(certificate.not_after),
            key_algorithm: certificate.key.algorithm.clone(),
            key_bits: certificate.key.bits,
            key_curve: certificate.key.curve.clone(),
            signature_algorithm: certificate.signature_algorithm.clone(),
            extended_key_usage: certificate.extended_key_usage.clone(),
            has_private_key: certificate.has_private_key,
            store: certificate.store.clone(),
            source: certificate.origin.to_string(),
        }
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// The JSON of `sslbind bindings`.
pub fn bindings(machine: &Machine, analysis: &Analysis, expiry: &Expiry) -> BindingsJson {
    let bindings = analysis
        .bindings
        .iter()
        .map(|binding_analysis| binding_json(machine, binding_analysis, expiry))
        .collect();
    BindingsJson { bindings }
}

/// `certificate_status` of the certificate `position` names, `None` when it is not known.
fn certificate_status(
    machine: &Machine,
    position: Option<CertificateId>,
    expiry: &Expiry,
) -> Option<&'static str> {
    position.map(|position| expiry.status(machine.certificate(position)).as_str())
}

fn binding_json(machine: &Machine, binding_analysis: &BindingAnalysis, expiry: &Expiry) -> BindingJson {
    let config = &machine.configs[binding_analysis.binding.config];
    let site = &config.sites[binding_analysis.binding.site];
    let binding = &site.bindings[binding_analysis.binding.binding];
    let endpoint = binding.http_endpoint();
    let effective = binding_analysis.effective().map(|position| KeyJson::of(&machine.mapping(position).key));
    BindingJson {
        site: site.name.clone(),
        site_id: site.id,
        protocol: binding.protocol.clone(),
        binding: binding.information.clone(),
        ip: endpoint.map(|endpoint| endpoint.address.to_string()),
        port: endpoint.map(|endpoint| endpoint.port),
        host: endpoint.map(|endpoint| endpoint.host.clone()),
        ssl_flags: binding.ssl_flags.bits(),
        ssl_flag_names: binding.ssl_flags.names(),
        expected_mapping: binding_analysis.expected.as_ref().map(KeyJson::of),
        effective_mapping: effective,
        certificate_hash: binding_analysis.certificate_hash.map(|hash| hash.to_string()),
        certificate: binding_analysis
            .certificate
            .map(|position| CertificateJson::of(machine.certificate(position))),
        certificate_status: certificate_status(machine, binding_analysis.certificate, expiry),
        config: config.path.to_string(),
        server: config.flavor.as_str(),
        source: binding.origin.to_string(),
        notes: binding_notes(binding),
    }
}

/// Remarks on how a binding was read that a script may want to show.
pub fn binding_notes(binding: &Binding) -> Vec<String> {
    let mut notes = Vec::new();
    match &binding.endpoint {
        BindingEndpoint::Http(endpoint) if endpoint.address == BindingAddress::Empty => {
            notes.push("empty address: treated as all unassigned (*)".to_owned());
        }
        BindingEndpoint::Invalid { reason } => notes.push(format!("invalid bindingInformation: {reason}")),
        BindingEndpoint::Opaque if !binding.is_http_family() => {
            notes.push(format!("{} binding: not HTTP, no certificate mapping", binding.protocol));
        }
        _ => {}
    }
    notes
}

/// `{"mappings": [...]}`.
#[derive(Serialize)]
pub struct MappingsJson {
    mappings: Vec<MappingJson>,
}

#[derive(Serialize)]
struct MappingJson {
    kind: &'static str,
    key: String,
    port: u16,
    certificate_hash: Option<String>,
    certificate_store: Option<String>,
    certificate_store_given: bool,
    app_id: Option<String>,
    owner: Option<&'static str>,
    status: &'static str,
    used_by: Vec<UsedByJson>,
    flags: Vec<String>,
    default_flags: u32,
    params: ParamsJson,
    extended_properties: Vec<ExtendedPropertyJson>,
    unknown_fields: Vec<FieldJson>,
    truncated: bool,
    certificate: Option<CertificateJson>,
    certificate_status: Option<&'static str>,
    source: String,
}

#[derive(Serialize)]
struct UsedByJson {
    site: String,
    binding: String,
    protocol: String,
}

#[derive(Serialize)]
struct ParamsJson {
    cert_check_mode: u32,
    verify_client_cert_revocation: Option<bool>,
    verify_revocation_cached_only: Option<bool>,
    usage_check: Option<bool>,
    revocation_freshness_time: Option<u32>,
    url_retrieval_timeout: Option<u32>,
    ctl_identifier: Option<String>,
    ctl_store_name: Option<String>,
}

#[derive(Serialize)]
struct ExtendedPropertyJson {
    property_id: Option<u32>,
    values: Vec<FieldJson>,
}

#[derive(Serialize)]
struct FieldJson {
    label: String,
    value: String,
}

fn fields(pairs: &[(String, String)]) -> Vec<FieldJson> {
    pairs.iter().map(|(label, value)| FieldJson { label: label.clone(), value: value.clone() }).collect()
}

/// The JSON of `sslbind mappings`.
pub fn mappings(machine: &Machine, analysis: &Analysis, expiry: &Expiry) -> MappingsJson {
    let mappings = analysis
        .mappings
        .iter()
        .map(|mapping_analysis| mapping_json(machine, mapping_analysis, expiry))
        .collect();
    MappingsJson { mappings }
}

fn mapping_json(machine: &Machine, mapping_analysis: &MappingAnalysis, expiry: &Expiry) -> MappingJson {
    let mapping: &Mapping = machine.mapping(mapping_analysis.mapping);
    let is_ccs = matches!(mapping.key, MappingKey::Ccs { .. });
    let params = &mapping.params;
    MappingJson {
        kind: mapping.key.kind().as_str(),
        key: mapping.key.to_string(),
        port: mapping.key.port(),
        certificate_hash: mapping.certificate_hash.map(|hash| hash.to_string()),
        // `MY` stands in for a store the record leaves out, but not for a CCS record (no
        // certificate at all) or one cut short before its store line (unknown).
        certificate_store: (mapping.certificate_store.is_some() || !(is_ccs || mapping.truncated))
            .then(|| mapping.effective_store().to_owned()),
        certificate_store_given: mapping.certificate_store.is_some(),
        app_id: mapping.app_id.map(|app_id| app_id.to_string()),
        owner: mapping_analysis.owner.map(|owner| owner.name()),
        status: mapping_analysis.status.as_str(),
        used_by: mapping_analysis.used_by.iter().map(|binding_ref| used_by(machine, *binding_ref)).collect(),
        flags: mapping.flags.names(),
        default_flags: mapping.flags.bits(),
        params: ParamsJson {
            cert_check_mode: params.cert_check_mode(),
            verify_client_cert_revocation: params.verify_client_cert_revocation,
            verify_revocation_cached_only: params.verify_revocation_cached_only,
            usage_check: params.usage_check,
            revocation_freshness_time: params.revocation_freshness_time,
            url_retrieval_timeout: params.url_retrieval_timeout,
            ctl_identifier: params.ctl_identifier.clone(),
            ctl_store_name: params.ctl_store_name.clone(),
        },
        extended_properties: mapping
            .extended_properties
            .iter()
            .map(|property| ExtendedPropertyJson {
                property_id: property.property_id,
                values: fields(&property.values),
            })
            .collect(),
        unknown_fields: fields(&mapping.unknown_fields),
        truncated: mapping.truncated,
        certificate: mapping_analysis
            .certificate
            .map(|position| CertificateJson::of(machine.certificate(position))),
        certificate_status: certificate_status(machine, mapping_analysis.certificate, expiry),
        source: mapping.origin.to_string(),
    }
}

fn used_by(machine: &Machine, binding_ref: BindingRef) -> UsedByJson {
    let site = &machine.configs[binding_ref.config].sites[binding_ref.site];
    let binding = &site.bindings[binding_ref.binding];
    UsedByJson {
        site: site.name.clone(),
        binding: binding.information.clone(),
        protocol: binding.protocol.clone(),
    }
}
