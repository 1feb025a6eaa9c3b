//! `no-fallback-certificate`: a port whose https bindings rely on SNI has no wildcard IP
//! mapping for the clients that send none.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::doctor::fix::{Fix, netsh_add};
use crate::doctor::rules::{app_id_for, certificate_name};
use crate::doctor::{Code, Context, Finding, HttpsBinding};
use crate::model::binding::BindingAddress;
use crate::model::mapping::MappingKey;

/// The explanation `sslbind explain no-fallback-certificate` prints.
pub(super) const EXPLANATION: &str = "\
SNI and CCS bindings are found by the host name the client puts in its TLS ClientHello. A \
client that sends none (old browsers and operating systems, load-balancer health probes, \
monitoring scripts connecting by IP address, some WebDAV and ActiveSync clients) can only be \
served by a wildcard IP mapping, `0.0.0.0:port` or `[::]:port`; without one HTTP.sys resets \
the connection, and the probe marks the server as down although browsers are fine. IIS \
Manager says the same when it warns that no default SSL site has been created. This is \
worth knowing rather than broken: a port meant only for modern clients needs no fallback. \
To serve such clients, add a wildcard mapping for the port with a certificate that suits \
them, usually the main site's; it never changes what SNI clients get.";

/// Reports each port with SNI or CCS bindings and neither wildcard mapping.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.machine.mappings_known {
        return;
    }
    let mut ports: Vec<(u16, HttpsBinding<'_>, usize)> = Vec::new();
    let mut positions: HashMap<u16, usize> = HashMap::new();
    for https in context.https_bindings() {
        let flags = https.binding.ssl_flags;
        if !flags.sni() && !flags.central_cert_store() {
            continue;
        }
        let port = https.endpoint.port;
        match positions.get(&port) {
            Some(&position) => ports[position].2 += 1,
            None => {
                positions.insert(port, ports.len());
                ports.push((port, https, 1));
            }
        }
    }
    for (port, first, count) in ports {
        let v4 = MappingKey::Ip(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port));
        let v6 = MappingKey::Ip(SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port));
        if context.analysis.index.get(&v4).is_some() || context.analysis.index.get(&v6).is_some() {
            continue;
        }
        let others = match count - 1 {
            0 => String::new(),
            1 => " and 1 other binding".to_owned(),
            more => format!(" and {more} other bindings"),
        };
        let message = format!(
            "site `{}`, binding `{}`{others} on port {port} rel{} on SNI, and neither ip mapping `{v4}` nor `{v6}` \
             exists, so clients that send no SNI (old clients, health probes, some load balancers) get a connection \
             reset on port {port}",
            first.site.name,
            first.binding.information,
            if count == 1 { "ies" } else { "y" },
        );
        // The fallback of the first binding's address family, with the certificate it gets.
        let fallback = match first.endpoint.address {
            BindingAddress::Ip(IpAddr::V6(_)) => v6,
            _ => v4,
        };
        let served = first.analysis.effective().map(|position| context.mapping(position));
        let hash = first.analysis.certificate_hash;
        let certificate = first.analysis.certificate.map(|id| context.certificate(id));
        let store = served.map_or("MY", |mapping| mapping.effective_store());
        let title = match (certificate, served) {
            (Some(certificate), _) => {
                format!(
                    "add the fallback mapping `{fallback}` with {} (elevated)",
                    certificate_name(certificate)
                )
            }
            (None, Some(mapping)) if hash.is_some() => {
                format!(
                    "add the fallback mapping `{fallback}` with the certificate of `{}` (elevated)",
                    mapping.key
                )
            }
            _ => format!(
                "add the fallback mapping `{fallback}` with a certificate for clients without SNI (elevated)"
            ),
        };
        let command = netsh_add(&fallback, hash.as_ref(), store, app_id_for(first.config));
        findings.push(
            Finding::new(Code::NoFallbackCertificate, message)
                .with_binding(first.site, first.binding)
                .with_missing_mapping(&fallback)
                .with_certificate_hash(hash)
                .with_fix(Fix::new(title, vec![command])),
        );
    }
}
