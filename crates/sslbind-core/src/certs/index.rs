//! Which certificates cover a host, and which are copies of one thumbprint, answered from an
//! index instead of a scan.
//!
//! Rules ask such questions once per finding or per mapped certificate; on a hosting server
//! with thousands of certificates a scan per question made `doctor` quadratic. For hosts the
//! index only narrows the candidates: each one is still checked with [`covers_host`], so the
//! answer is exactly the scan's.

use std::collections::HashMap;

use crate::authority::ip_literal;
use crate::certs::{covers_host, dns_identities};
use crate::model::{Certificate, CertificateId, Thumbprint};

/// Certificates by the names they present and by thumbprint, as ids of the list they were
/// built from.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CertificateIndex {
    /// Thumbprint to every certificate with it (the same certificate from several sources).
    by_thumbprint: HashMap<Thumbprint, Vec<CertificateId>>,
    /// Lowercase identity (`www.example.com`, `*.example.com`, without a trailing dot) to the
    /// certificates presenting it, in list order.
    by_identity: HashMap<String, Vec<CertificateId>>,
    /// Certificates with SAN IP addresses, for IP literal hosts.
    with_addresses: Vec<CertificateId>,
}

impl CertificateIndex {
    /// Indexes `certificates`.
    pub fn new(certificates: &[Certificate]) -> CertificateIndex {
        let mut names = CertificateIndex::default();
        for (position, certificate) in certificates.iter().enumerate() {
            let position = CertificateId::from_index(position);
            names.by_thumbprint.entry(certificate.thumbprint).or_default().push(position);
            for identity in dns_identities(certificate) {
                let list = names.by_identity.entry(normalized(identity)).or_default();
                if list.last() != Some(&position) {
                    list.push(position);
                }
            }
            if !certificate.ip_addresses.is_empty() {
                names.with_addresses.push(position);
            }
        }
        names
    }

    /// The certificates with `thumbprint`, in list order.
    pub fn with_thumbprint(&self, thumbprint: &Thumbprint) -> &[CertificateId] {
        self.by_thumbprint.get(thumbprint).map_or(&[], Vec::as_slice)
    }

    /// The certificates of `certificates` (the list the index was built from) that cover
    /// `host`, in list order.
    pub fn covering(&self, certificates: &[Certificate], host: &str) -> Vec<CertificateId> {
        let mut candidates: Vec<CertificateId> = Vec::new();
        if ip_literal(host).is_some() {
            candidates.extend(&self.with_addresses);
        } else {
            let host_key = normalized(host);
            let mut add = |list: Option<&Vec<CertificateId>>| candidates.extend(list.into_iter().flatten());
            add(self.by_identity.get(&host_key));
            if let Some((_, parent)) = host_key.split_once('.') {
                add(self.by_identity.get(&format!("*.{parent}")));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|id| certificates.get(id.index()).is_some_and(|c| covers_host(c, host)));
        candidates
    }
}

fn normalized(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}
