//! `specific-ip-shadows-sni`: a mapping for one local address and port answers before the
//! SNI and CCS mappings of the bindings on that port (assumed order).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use crate::doctor::fix::{Fix, netsh_add, netsh_delete};
use crate::doctor::rules::{
    LISTED_ITEMS, app_id_for, appcmd_binding_selector, appcmd_set_site, counted_list,
    mapping_certificate_name, replacement_certificate, with_mapping_certificate, word_list,
};
use crate::doctor::{Code, Context, Finding, HttpsBinding, MAX_SOURCES};
use crate::model::binding::BindingAddress;
use crate::model::flags::SslFlags;
use crate::model::machine::MappingId;
use crate::model::mapping::{Mapping, MappingKey};

/// The explanation `sslbind explain specific-ip-shadows-sni` prints.
pub(super) const EXPLANATION: &str = "\
HTTP.sys looks for a mapping of the exact local address and port (`10.0.0.5:443`) before it \
looks at the host name the client sent (SNI) or at the Central Certificate Store. This order \
is sslbind's assumption (`specific_ip_before_sni` in uncertain.rs), taken from Microsoft's \
description and from field reports such as win-acme #94 and #1686, where one forgotten \
mapping served its certificate to every SNI site until `netsh http delete sslcert \
ipport=1.2.3.4:443` removed it. Such mappings are invisible in IIS Manager and are left by \
old IP bindings, other tools, or addresses behind NAT. Clients that reach that address get \
the mapping's certificate instead of their site's SNI certificate, while clients on other \
addresses are fine, which makes the fault look random. Delete the mapping when no binding \
needs it, or make the bindings that use it SNI first.";

/// Reports each specific-address mapping on a port with SNI or CCS bindings it can shadow.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    // A hosting server has thousands of SNI bindings on 443 and may have hundreds of IP
    // mappings there: the bindings are grouped once, by port for those on all addresses and
    // by address and port for the others, instead of being scanned once per mapping.
    let mut on_all_addresses: HashMap<u16, Group<'_>> = HashMap::new();
    let mut on_one_address: HashMap<SocketAddr, Group<'_>> = HashMap::new();
    let mut needing: HashMap<MappingId, Vec<HttpsBinding<'_>>> = HashMap::new();
    for (order, https) in context.https_bindings().enumerate() {
        if let Some(position) =
            https.analysis.expected.as_ref().and_then(|key| context.analysis.index.get(key))
        {
            needing.entry(position).or_default().push(https);
        }
        let flags = https.binding.ssl_flags;
        if !(flags.sni() || flags.central_cert_store()) {
            continue;
        }
        let group = match https.endpoint.address {
            BindingAddress::AllUnassigned | BindingAddress::Empty => {
                on_all_addresses.entry(https.endpoint.port).or_insert_with(Group::new)
            }
            BindingAddress::Ip(ip) => {
                on_one_address.entry(SocketAddr::new(ip, https.endpoint.port)).or_insert_with(Group::new)
            }
        };
        group.add(order, https);
    }
    let empty = Group::new();
    for (position, mapping) in context.machine.mappings_with_ids() {
        let MappingKey::Ip(address) = mapping.key else { continue };
        // A repeated key (overlapping sources) is one record: report it once.
        if address.ip().is_unspecified() || context.analysis.index.get(&mapping.key) != Some(position) {
            continue;
        }
        let wide = on_all_addresses.get(&address.port()).unwrap_or(&empty);
        let narrow = on_one_address.get(&address).unwrap_or(&empty);
        let total = wide.bindings.len() + narrow.bindings.len();
        // Only the bindings the finding names or points at are put in order.
        let shadowed = in_document_order(&wide.bindings, &narrow.bindings, LISTED_ITEMS.max(MAX_SOURCES + 1));
        let Some(first) = shadowed.first() else { continue };
        let named: Vec<String> = shadowed
            .iter()
            .take(LISTED_ITEMS)
            .map(|https| format!("site `{}`, binding `{}`", https.site.name, https.binding.information))
            .collect();
        let kind = match (wide.all_sni && narrow.all_sni, wide.all_ccs && narrow.all_ccs) {
            (true, _) => "SNI",
            (_, true) => "CCS",
            _ => "SNI or CCS",
        };
        let certificate = match mapping_certificate_name(context, position) {
            Some(name) => format!(" with {name}"),
            None => String::new(),
        };
        let message = format!(
            "ip mapping `{address}`{certificate} answers clients that reach {} on port {} before SNI is looked at \
             (assumed order: a specific IP:port is tried first), so {} get{} that certificate there instead of \
             {} {kind} certificate",
            address.ip(),
            address.port(),
            counted_list(&named, total, "and"),
            if total == 1 { "s" } else { "" },
            if total == 1 { "its" } else { "their" },
        );
        let mut finding = Finding::new(Code::SpecificIpShadowsSni, message)
            .with_binding(first.site, first.binding)
            .with_mapping(mapping);
        finding = with_mapping_certificate(finding, context, position);
        for https in shadowed.iter().skip(1).take(MAX_SOURCES) {
            finding = finding.with_source(&https.binding.origin);
        }
        let needing = needing.get(&position).map_or(&[][..], Vec::as_slice);
        findings.push(finding.with_fix(fix(context, position, mapping, address, needing)));
    }
}

/// The SNI and CCS bindings on one port (all addresses) or one address and port, with their
/// place in the document, and what kinds they are.
struct Group<'a> {
    bindings: Vec<(usize, HttpsBinding<'a>)>,
    all_sni: bool,
    all_ccs: bool,
}

impl<'a> Group<'a> {
    fn new() -> Group<'a> {
        Group { bindings: Vec::new(), all_sni: true, all_ccs: true }
    }

    fn add(&mut self, order: usize, https: HttpsBinding<'a>) {
        let sni = https.binding.ssl_flags.sni();
        self.all_sni &= sni;
        self.all_ccs &= !sni;
        self.bindings.push((order, https));
    }
}

/// The first `limit` bindings of two lists tagged with their document order, in that order.
fn in_document_order<'a, 'c>(
    first: &'c [(usize, HttpsBinding<'a>)],
    second: &'c [(usize, HttpsBinding<'a>)],
    limit: usize,
) -> Vec<&'c HttpsBinding<'a>> {
    let mut merged = Vec::with_capacity(limit.min(first.len() + second.len()));
    let (mut a, mut b) = (first.iter().peekable(), second.iter().peekable());
    while merged.len() < limit {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 <= y.0 => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => break,
        };
        if let Some((_, https)) = next {
            merged.push(https);
        }
    }
    merged
}

/// Deletes the mapping when no binding needs it; otherwise makes the bindings that need it
/// SNI with mappings of their own first.
fn fix(
    context: &Context<'_>,
    position: MappingId,
    mapping: &Mapping,
    address: SocketAddr,
    needing: &[HttpsBinding<'_>],
) -> Fix {
    let owner = context.analysis.mapping(position).owner;
    if needing.is_empty() {
        let title = match (owner, mapping.app_id) {
            (Some(owner), _) if owner.is_iis_family() => {
                "delete the mapping, which no binding needs (elevated)".to_owned()
            }
            (Some(owner), _) => {
                format!("delete the mapping if {} no longer needs it (elevated)", owner.name())
            }
            (None, Some(app_id)) => {
                format!("delete the mapping if the program with AppId {app_id} no longer needs it (elevated)")
            }
            (None, None) => "delete the mapping, which no binding needs (elevated)".to_owned(),
        };
        return Fix::new(title, vec![netsh_delete(&mapping.key)]);
    }
    let mut mappings = Vec::new();
    let mut flags = Vec::new();
    let mut stuck = Vec::new();
    for https in needing {
        let host = https.endpoint.specific_host().filter(|host| host.parse::<IpAddr>().is_err());
        let (Some(host), Some(selector)) = (host, appcmd_binding_selector(https.binding)) else {
            stuck.push(format!("site `{}`, binding `{}`", https.site.name, https.binding.information));
            continue;
        };
        let key = MappingKey::Sni { host: host.into(), port: address.port() };
        if context.analysis.index.get(&key).is_none()
            && !mappings.iter().any(|(added, _): &(MappingKey, String)| *added == key)
        {
            // The certificate the binding gets today, unless a given one fits better.
            let replacement = replacement_certificate(context, host);
            let hash = replacement.map(|certificate| certificate.thumbprint).or(mapping.certificate_hash);
            let store = match replacement {
                Some(certificate) => certificate.store.as_deref().unwrap_or("MY"),
                None => mapping.effective_store(),
            };
            let command = netsh_add(&key, hash.as_ref(), store, app_id_for(https.config));
            mappings.push((key, command));
        }
        let value = (https.binding.ssl_flags | SslFlags::SNI).bits();
        flags.push(appcmd_set_site(https.config, https.site, &format!("/{selector}.sslFlags:{value}")));
    }
    let mut commands: Vec<String> = mappings.into_iter().map(|(_, command)| command).collect();
    commands.append(&mut flags);
    if stuck.is_empty() {
        commands.push(netsh_delete(&mapping.key));
        let owner_note = match owner {
            Some(owner) if !owner.is_iis_family() => format!(" (if {} no longer needs it)", owner.name()),
            _ => String::new(),
        };
        let title = format!(
            "make the bindings that use `{address}` SNI with mappings of their own, then delete it{owner_note} \
             (elevated)"
        );
        return Fix::new(title, commands);
    }
    let (needs, has, it, they) =
        if stuck.len() == 1 { ("needs", "has", "it", "it") } else { ("need", "have", "them", "they") };
    let title = if commands.is_empty() {
        format!(
            "{} {needs} `{address}` and {has} no host name to use SNI with: move {it} to another address or port, \
             or give {it} a host name, before deleting the mapping",
            word_list(&stuck, "and")
        )
    } else {
        format!(
            "make the bindings that use `{address}` SNI with mappings of their own (elevated); {} {has} no host \
             name to use SNI with, so the mapping stays until {they} move{}",
            word_list(&stuck, "and"),
            if stuck.len() == 1 { "s" } else { "" }
        )
    };
    Fix::new(title, commands)
}
