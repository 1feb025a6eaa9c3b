//! Comparing two machines: the nodes of a web farm share one applicationHost.config but each
//! keeps its own HTTP.sys mappings and certificates, and they drift apart
//! (docs/pitfalls.md#farm-drift). This lists what one node has that the other lacks, or has
//! differently.

use std::collections::BTreeMap;

use crate::model::machine::Machine;
use crate::model::mapping::{Mapping, MappingKey};

/// What is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Subject {
    /// A site binding, named `site protocol bindingInformation`.
    Binding,
    /// An HTTP.sys mapping, named `kind key`.
    Mapping,
    /// A certificate, named by its thumbprint.
    Certificate,
    /// An HTTP.sys URL reservation, named by its URL.
    UrlReservation,
    /// An excluded port range, named `start-end`.
    ExcludedPorts,
}

impl Subject {
    /// `binding`, `mapping`, `certificate`, `url-reservation` or `excluded-ports`.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Binding => "binding",
            Subject::Mapping => "mapping",
            Subject::Certificate => "certificate",
            Subject::UrlReservation => "url-reservation",
            Subject::ExcludedPorts => "excluded-ports",
        }
    }
}

/// One difference between the first machine and another.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// What differs.
    pub subject: Subject,
    /// Its name.
    pub name: String,
    /// How it differs.
    pub change: Change,
}

// Not `#[non_exhaustive]`: the binary names each change in its JSON contract, and its match
// must fail to compile when one is added.
/// How a subject differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Only the first machine has it.
    OnlyInFirst,
    /// Only the other machine has it.
    OnlyInOther,
    /// Both have it, with these fields different: `(field, first, other)`.
    Changed(Vec<(String, String, String)>),
}

/// Every difference between `first` and `other`, bindings first, then mappings, certificates,
/// URL reservations and excluded port ranges, each sorted by name. All but bindings are only
/// compared when both machines know them (a machine folder without netsh output is not
/// "missing every mapping").
pub fn diff(first: &Machine, other: &Machine) -> Vec<Difference> {
    let mut differences = Vec::new();
    compare(Subject::Binding, &bindings(first), &bindings(other), &mut differences);
    if first.mappings_known && other.mappings_known {
        compare(Subject::Mapping, &mappings(first), &mappings(other), &mut differences);
    }
    if first.certificates_known && other.certificates_known {
        compare(Subject::Certificate, &certificates(first), &certificates(other), &mut differences);
    }
    if first.url_reservations_known && other.url_reservations_known {
        compare(Subject::UrlReservation, &reservations(first), &reservations(other), &mut differences);
    }
    if first.excluded_ports_known && other.excluded_ports_known {
        compare(Subject::ExcludedPorts, &port_ranges(first), &port_ranges(other), &mut differences);
    }
    differences
}

type Fields = BTreeMap<&'static str, String>;

fn compare(
    subject: Subject,
    first: &BTreeMap<String, Fields>,
    other: &BTreeMap<String, Fields>,
    out: &mut Vec<Difference>,
) {
    for (name, first_fields) in first {
        let change = match other.get(name) {
            None => Change::OnlyInFirst,
            Some(other_fields) => {
                let changed: Vec<(String, String, String)> = first_fields
                    .iter()
                    .filter_map(|(field, value)| {
                        let other_value = other_fields.get(field).cloned().unwrap_or_default();
                        // "?" stands for "not shown by the source": it differs from nothing.
                        let unknown = value == "?" || other_value == "?";
                        (!unknown && *value != other_value)
                            .then(|| ((*field).to_owned(), value.clone(), other_value))
                    })
                    .collect();
                if changed.is_empty() {
                    continue;
                }
                Change::Changed(changed)
            }
        };
        out.push(Difference { subject, name: name.clone(), change });
    }
    for name in other.keys().filter(|name| !first.contains_key(*name)) {
        out.push(Difference { subject, name: name.clone(), change: Change::OnlyInOther });
    }
    let start = out.len() - out.iter().rev().take_while(|difference| difference.subject == subject).count();
    out[start..].sort_by(|a, b| a.name.cmp(&b.name));
}

fn bindings(machine: &Machine) -> BTreeMap<String, Fields> {
    let mut result = BTreeMap::new();
    for (_, site) in machine.sites() {
        for binding in &site.bindings {
            let name = format!("{} {} {}", site.name, binding.protocol, binding.information).to_lowercase();
            result.insert(name, Fields::from([("sslFlags", binding.ssl_flags.bits().to_string())]));
        }
    }
    result
}

fn mappings(machine: &Machine) -> BTreeMap<String, Fields> {
    machine
        .mappings
        .iter()
        .map(|mapping| {
            // Hosts by their normalised form, so that two spellings of one record match.
            let name = match &mapping.key {
                MappingKey::Sni { host, port } | MappingKey::ScopedCcs { host, port } => {
                    format!("{} {}:{port}", mapping.key.kind(), host.normalized())
                }
                key => format!("{} {key}", key.kind()),
            };
            (name, mapping_fields(mapping))
        })
        .collect()
}

fn mapping_fields(mapping: &Mapping) -> Fields {
    let mut fields = Fields::new();
    fields.insert(
        "certificate_hash",
        mapping.certificate_hash.map(|hash| hash.to_string()).unwrap_or_default(),
    );
    fields.insert("certificate_store", mapping.effective_store().to_ascii_uppercase());
    fields.insert("app_id", mapping.app_id.map(|app_id| app_id.to_string()).unwrap_or_default());
    // A clear bit only means "not set" when the source showed the flags.
    let flags = if mapping.flags_known || !mapping.flags.is_empty() {
        mapping.flags.names().join(",")
    } else {
        "?".to_owned()
    };
    fields.insert("flags", flags);
    fields
}

fn certificates(machine: &Machine) -> BTreeMap<String, Fields> {
    machine
        .certificates
        .iter()
        .map(|certificate| {
            let store = certificate.store.clone().unwrap_or_default().to_ascii_uppercase();
            (certificate.thumbprint.to_string(), Fields::from([("store", store)]))
        })
        .collect()
}

fn reservations(machine: &Machine) -> BTreeMap<String, Fields> {
    machine
        .url_reservations
        .iter()
        .map(|reservation| {
            // The parsed form, so that `https://HOST/` and `https://host:443/` are one name.
            let name =
                reservation.prefix.as_ref().map_or_else(|| reservation.url.clone(), ToString::to_string);
            let yes_no = |right: Option<bool>| match right {
                Some(true) => "yes",
                Some(false) => "no",
                None => "?",
            };
            // A binary descriptor from the registry shows neither users nor SDDL.
            let unknown = reservation.sddl.is_none() && reservation.users.is_empty();
            let users = if unknown {
                "?".to_owned()
            } else {
                let mut users: Vec<String> = reservation
                    .users
                    .iter()
                    .map(|user| {
                        format!(
                            "{} (listen {}, delegate {})",
                            user.name,
                            yes_no(user.listen),
                            yes_no(user.delegate)
                        )
                    })
                    .collect();
                users.sort();
                users.join("; ")
            };
            let sddl = reservation.sddl.clone().unwrap_or_else(|| "?".to_owned());
            (name.to_lowercase(), Fields::from([("users", users), ("sddl", sddl)]))
        })
        .collect()
}

fn port_ranges(machine: &Machine) -> BTreeMap<String, Fields> {
    machine
        .excluded_ports
        .iter()
        .map(|range| {
            let name = format!("{}-{}", range.start, range.end);
            (name, Fields::from([("administered", range.administered.to_string())]))
        })
        .collect()
}
