//! `shared-endpoint-certificate`: non-SNI bindings for different host names on one IP end
//! point, which can only ever get that end point's one certificate.

use std::collections::HashMap;
use std::net::SocketAddr;

use crate::authority::ip_literal;
use crate::certs::covers_host;
use crate::doctor::fix::{Fix, netsh_add};
use crate::doctor::rules::{
    app_id_for, appcmd_binding_selector, appcmd_set_site, mapping_certificate_name, replacement_certificate,
    with_mapping_certificate, word_list,
};
use crate::doctor::{Code, Context, Finding, HttpsBinding};
use crate::model::flags::SslFlags;
use crate::model::mapping::MappingKey;

/// The explanation `sslbind explain shared-endpoint-certificate` prints.
pub(super) const EXPLANATION: &str = "\
An https binding without the SNI or CCS flag gets its certificate from the `IP:port` mapping \
of its end point (`0.0.0.0:443` for `*:443:`), and HTTP.sys holds one certificate per end \
point. When several such bindings carry different host names, every one of them is served \
that same certificate, whatever the binding dialog showed when each was added: IIS Manager \
warns that assigning a certificate reassigns it for the other sites, and bindings written by \
appcmd or scripts share it silently. Unless that certificate covers every name (a wildcard or \
multi-name certificate), some hosts get certificate warnings, and renewing it for one site \
changes it for all. The fix gives each host name its own SNI mapping and sets the SNI flag \
on its binding; the IP mapping stays as the fallback for clients without SNI.";

/// One IP end point's non-SNI bindings of one config, in document order.
struct Group<'a> {
    config: usize,
    address: SocketAddr,
    bindings: Vec<HttpsBinding<'a>>,
}

/// One host name of a group, as first written, with the sites binding it.
struct Host<'a> {
    name: &'a str,
    sites: Vec<&'a str>,
}

/// Reports one finding per IP end point whose non-SNI bindings name two or more hosts.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut positions: HashMap<(usize, SocketAddr), usize> = HashMap::new();
    for https in context.https_bindings() {
        let flags = https.binding.ssl_flags;
        if flags.sni() || flags.central_cert_store() {
            continue;
        }
        let Some(MappingKey::Ip(address)) = https.analysis.expected else { continue };
        let config = https.analysis.binding.config;
        match positions.get(&(config, address)) {
            Some(&position) => groups[position].bindings.push(https),
            None => {
                positions.insert((config, address), groups.len());
                groups.push(Group { config, address, bindings: vec![https] });
            }
        }
    }
    for group in &groups {
        let hosts = hosts_of(group);
        if hosts.len() < 2 {
            continue;
        }
        if let Some(finding) = finding(context, group, &hosts) {
            findings.push(finding);
        }
    }
}

/// The distinct specific hosts of `group`, compared case-insensitively, in document order.
fn hosts_of<'a>(group: &Group<'a>) -> Vec<Host<'a>> {
    let mut hosts: Vec<Host<'a>> = Vec::new();
    for https in &group.bindings {
        let Some(name) = https.endpoint.specific_host() else { continue };
        let site = https.site.name.as_str();
        match hosts.iter_mut().find(|host| host.name.eq_ignore_ascii_case(name)) {
            Some(host) if !host.sites.contains(&site) => host.sites.push(site),
            Some(_) => {}
            None => hosts.push(Host { name, sites: vec![site] }),
        }
    }
    hosts
}

fn finding(context: &Context<'_>, group: &Group<'_>, hosts: &[Host<'_>]) -> Option<Finding> {
    let first = group.bindings.first()?;
    let key = MappingKey::Ip(group.address);
    let existing = context.analysis.index.get(&key);
    let certificate = existing
        .map(|id| context.analysis.mapping(id))
        .and_then(|analysis| analysis.certificate)
        .map(|id| context.certificate(id));
    let named: Vec<String> = hosts
        .iter()
        .map(|host| {
            let sites: Vec<String> = host.sites.iter().map(|site| format!("`{site}`")).collect();
            let noun = if sites.len() == 1 { "site" } else { "sites" };
            format!("`{}` ({noun} {})", host.name, sites.join(", "))
        })
        .collect();
    let served = match existing {
        Some(position) => match mapping_certificate_name(context, position) {
            Some(name) => format!("its one {name}"),
            None => "its one certificate".to_owned(),
        },
        None if context.machine.mappings_known => {
            "the one certificate of that mapping, which does not exist".to_owned()
        }
        None => "the one certificate of that mapping".to_owned(),
    };
    let uncovered: Vec<String> = certificate
        .map(|certificate| {
            hosts
                .iter()
                .filter(|host| !covers_host(certificate, host.name))
                .map(|host| format!("`{}`", host.name))
                .collect()
        })
        .unwrap_or_default();
    let uncovered = if uncovered.is_empty() {
        String::new()
    } else {
        format!(", which does not cover {}", word_list(&uncovered, "or"))
    };
    let others = group.bindings.len() - 1;
    let message = format!(
        "site `{}`, binding `{}` shares ip mapping `{key}` with {others} other non-SNI binding{}, so host names \
         {} all get {served}{uncovered}",
        first.site.name,
        first.binding.information,
        if others == 1 { "" } else { "s" },
        word_list(&named, "and"),
    );
    let mut finding =
        Finding::new(Code::SharedEndpointCertificate, message).with_binding(first.site, first.binding);
    for https in group.bindings.iter().skip(1) {
        finding = finding.with_source(&https.binding.origin);
    }
    finding = match existing {
        Some(position) => {
            with_mapping_certificate(finding.with_mapping(context.mapping(position)), context, position)
        }
        None => finding.with_missing_mapping(&key),
    };
    Some(finding.with_fix(fix(context, group, hosts)))
}

/// SNI mappings for every host name that can have one, then the SNI flag on its bindings.
fn fix(context: &Context<'_>, group: &Group<'_>, hosts: &[Host<'_>]) -> Fix {
    let port = group.address.port();
    let is_ip = |host: &str| ip_literal(host).is_some();
    let mut commands = Vec::new();
    let config = context.machine.configs.get(group.config);
    for host in hosts.iter().filter(|host| !is_ip(host.name)) {
        let key = MappingKey::Sni { host: host.name.into(), port };
        if context.analysis.index.get(&key).is_some() {
            continue;
        }
        let certificate = replacement_certificate(context, host.name);
        let store = certificate.and_then(|certificate| certificate.store.as_deref()).unwrap_or("MY");
        let app_id = match config {
            Some(config) => app_id_for(config),
            None => continue,
        };
        commands.push(netsh_add(&key, certificate.map(|certificate| &certificate.thumbprint), store, app_id));
    }
    for https in &group.bindings {
        let Some(host) = https.endpoint.specific_host() else { continue };
        if is_ip(host) {
            continue;
        }
        let Some(selector) = appcmd_binding_selector(https.binding) else { continue };
        let flags = (https.binding.ssl_flags | SslFlags::SNI).bits();
        commands.push(appcmd_set_site(https.config, https.site, &format!("/{selector}.sslFlags:{flags}")));
    }
    let addresses: Vec<String> =
        hosts.iter().filter(|host| is_ip(host.name)).map(|host| format!("`{}`", host.name)).collect();
    if commands.is_empty() {
        return Fix::new(
            "bind each IP-address host to an address of its own (`IP:port:`) with its own ip mapping: clients \
             never send an IP address as SNI",
            commands,
        );
    }
    let mut title = format!(
        "give each host name its own certificate: add the SNI mappings, then set the SNI flag on the bindings \
         (elevated); ip mapping `{}` stays as the fallback for clients without SNI",
        group.address
    );
    if !addresses.is_empty() {
        title.push_str(&format!(
            "; {} cannot use SNI (clients never send an IP address as SNI) and keep{} its certificate",
            word_list(&addresses, "and"),
            if addresses.len() == 1 { "s" } else { "" }
        ));
    }
    Fix::new(title, commands)
}
