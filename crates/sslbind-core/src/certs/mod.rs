//! Certificates from files, and host-name matching.
//!
//! HTTP.sys mappings name a certificate only by its SHA-1 thumbprint, so to say anything
//! useful about a mapping sslbind needs the certificate itself: from `.cer`/`.crt`/`.pem`/`.pfx`
//! files the user collected, or from registry blobs. This module turns such bytes into the
//! model's [`Certificate`](crate::model::Certificate) and answers the one question every
//! analysis asks of a certificate: does it cover this host name? It also finds the certificate
//! a person names by a thumbprint prefix or a name (`query`).

mod der;
mod hostname;
mod index;
mod query;
mod read;

pub use der::{CertificateError, NAME_FIELD_NAMES, NameFields, certificate_from_der, name_fields};
pub use hostname::{covers_host, dns_identities, dns_name_matches};
pub use index::CertificateIndex;
pub use query::{
    Candidate, CertificateQuery, MAX_CANDIDATES, MIN_PREFIX_DIGITS, QueryError, ResolveError,
    resolve_certificate, resolve_known_certificate,
};
pub use read::{CertificatesRead, read_certificates};
