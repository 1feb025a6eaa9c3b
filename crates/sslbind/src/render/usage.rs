//! The JSON of `sslbind usage` and `sslbind certificates` (docs/contract.md#json): the
//! core's [`Usage`] with every id turned into the facts it names.

use serde::Serialize;
use sslbind_core::analysis::BindingRef;
use sslbind_core::analysis::usage::Usage;
use sslbind_core::model::{Certificate, Machine};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::render::json::CertificateJson;

/// `sslbind usage`'s JSON.
#[derive(Serialize)]
pub struct UsageJson {
    thumbprint: String,
    certificate: Option<CertificateJson>,
    #[serde(flatten)]
    usage: UsesJson,
}

/// What uses a certificate, shared by both commands.
#[derive(Serialize)]
struct UsesJson {
    safe_to_delete: bool,
    reasons: Vec<String>,
    notes: Vec<String>,
    mappings: Vec<MappingUseJson>,
    bindings: Vec<BindingUseJson>,
    ccs_files: Vec<CcsFileJson>,
    twins: Vec<TwinsJson>,
}

#[derive(Serialize)]
struct MappingUseJson {
    kind: &'static str,
    key: String,
    status: &'static str,
    owner: Option<&'static str>,
    app_id: Option<String>,
    used_by: Vec<BindingNameJson>,
    source: String,
}

#[derive(Serialize)]
struct BindingNameJson {
    site: String,
    binding: String,
}

#[derive(Serialize)]
struct BindingUseJson {
    site: String,
    binding: String,
    expects: bool,
    served: bool,
    source: String,
}

#[derive(Serialize)]
struct CcsFileJson {
    file: String,
    bindings: Vec<BindingNameJson>,
}

#[derive(Serialize)]
struct TwinsJson {
    ipv4: String,
    ipv6: String,
}

/// `sslbind certificates`' JSON.
#[derive(Serialize)]
pub struct CertificatesJson {
    now: String,
    certificates: Vec<CertificateRowJson>,
}

#[derive(Serialize)]
struct CertificateRowJson {
    #[serde(flatten)]
    certificate: CertificateJson,
    days_left: i64,
    #[serde(flatten)]
    usage: UsesJson,
}

/// The JSON of `sslbind usage`.
pub fn usage(machine: &Machine, usage: &Usage) -> UsageJson {
    UsageJson {
        thumbprint: usage.thumbprint.to_string(),
        certificate: usage.certificate.map(|id| CertificateJson::of(machine.certificate(id))),
        usage: uses(machine, usage),
    }
}

/// The JSON of `sslbind certificates`.
pub fn certificates(
    machine: &Machine,
    rows: &[(&Certificate, Usage)],
    now: OffsetDateTime,
) -> CertificatesJson {
    CertificatesJson {
        now: now.format(&Rfc3339).unwrap_or_else(|_| now.to_string()),
        certificates: rows
            .iter()
            .map(|(certificate, usage)| CertificateRowJson {
                certificate: CertificateJson::of(certificate),
                days_left: (certificate.not_after - now).whole_days(),
                usage: uses(machine, usage),
            })
            .collect(),
    }
}

fn uses(machine: &Machine, usage: &Usage) -> UsesJson {
    let key_of = |id| machine.mapping(id).key.to_string();
    UsesJson {
        safe_to_delete: usage.safe_to_delete,
        reasons: usage.reasons.clone(),
        notes: usage.notes.clone(),
        mappings: usage
            .mappings
            .iter()
            .map(|mapping_use| {
                let mapping = machine.mapping(mapping_use.mapping);
                MappingUseJson {
                    kind: mapping.key.kind().as_str(),
                    key: mapping.key.to_string(),
                    status: mapping_use.status.as_str(),
                    owner: mapping_use.owner.map(|owner| owner.name()),
                    app_id: mapping.app_id.map(|app_id| app_id.to_string()),
                    used_by: mapping_use
                        .used_by
                        .iter()
                        .map(|binding| binding_name(machine, *binding))
                        .collect(),
                    source: mapping.origin.to_string(),
                }
            })
            .collect(),
        bindings: usage
            .bindings
            .iter()
            .map(|binding_use| {
                let name = binding_name(machine, binding_use.binding);
                let position = binding_use.binding;
                let binding =
                    &machine.configs[position.config].sites[position.site].bindings[position.binding];
                BindingUseJson {
                    site: name.site,
                    binding: name.binding,
                    expects: binding_use.expects,
                    served: binding_use.served,
                    source: binding.origin.to_string(),
                }
            })
            .collect(),
        ccs_files: usage
            .ccs_files
            .iter()
            .map(|file| CcsFileJson {
                file: file.file.clone(),
                bindings: file.bindings.iter().map(|binding| binding_name(machine, *binding)).collect(),
            })
            .collect(),
        twins: usage
            .twins
            .iter()
            .map(|twins| TwinsJson { ipv4: key_of(twins.ipv4), ipv6: key_of(twins.ipv6) })
            .collect(),
    }
}

fn binding_name(machine: &Machine, binding: BindingRef) -> BindingNameJson {
    let site = &machine.configs[binding.config].sites[binding.site];
    BindingNameJson { site: site.name.clone(), binding: site.bindings[binding.binding].information.clone() }
}
