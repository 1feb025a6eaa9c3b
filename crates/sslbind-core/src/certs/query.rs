//! Finding the certificate a person means from what they typed: a thumbprint in any
//! spelling, the first digits of one as sslbind's tables show them (`93F1ADE0…`), or the
//! certificate's subject or DNS name.
//!
//! Reading a value ([`CertificateQuery::parse`]) needs no machine, so that a value that can
//! never name a certificate is refused before anything is read; finding the certificate
//! ([`resolve_certificate`]) is a pure function over the machine that was read, and refuses
//! with the candidates when the value names none or several, because mapping the wrong
//! certificate is worse than asking again. A full thumbprint is taken as given, found or not:
//! the certificate may be in the server's store without having been collected.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::certs::hostname::covers_host;
use crate::model::ids::{IdError, is_invisible};
use crate::model::{Certificate, Machine, Thumbprint};

/// The fewest hex digits a prefix may have: the tables show eight, and fewer would often
/// match several certificates on a hosting server.
pub const MIN_PREFIX_DIGITS: usize = 8;

/// How many candidates an error lists; a hosting server may hold thousands.
pub const MAX_CANDIDATES: usize = 10;

/// A certificate as named on the command line.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateQuery {
    /// All 40 hex digits.
    Thumbprint(Thumbprint),
    /// The first hex digits (uppercase, at least [`MIN_PREFIX_DIGITS`], fewer than 40).
    Prefix(String),
    /// A subject (`CN=www.example.com`), common name or DNS name, compared without regard
    /// to case.
    Name(String),
}

/// Why a value cannot name a certificate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// Nothing but spaces or invisible marks.
    #[error("expected a certificate thumbprint, a prefix of at least 8 hex digits, or a name")]
    Empty,
    /// Hex digits, but too few to be a useful prefix.
    #[error(
        "a thumbprint prefix needs at least {MIN_PREFIX_DIGITS} hex digits, found {found} \
         (or give the certificate's subject or DNS name)"
    )]
    PrefixTooShort {
        /// How many hex digits were given.
        found: usize,
    },
    /// Forty characters with one that is not a hex digit (a mistyped thumbprint), or more
    /// than forty hex digits.
    #[error("not a certificate thumbprint: {0}")]
    Thumbprint(IdError),
}

impl CertificateQuery {
    /// Reads a value: separators (spaces, colons) and the invisible marks Windows' certificate
    /// dialog copies are ignored, and a trailing `…` or `...` (as the tables print a
    /// shortened thumbprint) marks a prefix. Hex digits only make a thumbprint (40) or a
    /// prefix (8 to 39); 40 letters and digits with one that is not hex are a mistyped
    /// thumbprint; anything else is a name.
    pub fn parse(text: &str) -> Result<CertificateQuery, QueryError> {
        let visible: String = text.chars().filter(|&c| !is_invisible(c)).collect();
        let trimmed = visible.trim();
        let without_ellipsis =
            trimmed.strip_suffix('…').or_else(|| trimmed.strip_suffix("...")).unwrap_or(trimmed).trim_end();
        let compact: String =
            without_ellipsis.chars().filter(|&c| !(c.is_whitespace() || c == ':')).collect();
        if compact.is_empty() {
            return Err(QueryError::Empty);
        }
        if compact.chars().all(|c| c.is_ascii_hexdigit()) {
            return match compact.len() {
                40 => Thumbprint::parse(&compact)
                    .map(CertificateQuery::Thumbprint)
                    .map_err(QueryError::Thumbprint),
                found if found < MIN_PREFIX_DIGITS => Err(QueryError::PrefixTooShort { found }),
                found if found > 40 => {
                    Err(QueryError::Thumbprint(IdError::WrongLength { expected: 40, found }))
                }
                _ => Ok(CertificateQuery::Prefix(compact.to_ascii_uppercase())),
            };
        }
        if compact.len() == 40 && compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Thumbprint::parse(&compact)
                .map(CertificateQuery::Thumbprint)
                .map_err(QueryError::Thumbprint);
        }
        Ok(CertificateQuery::Name(trimmed.to_owned()))
    }

    /// The thumbprint itself, when all 40 digits were given.
    pub fn thumbprint(&self) -> Option<Thumbprint> {
        match self {
            CertificateQuery::Thumbprint(thumbprint) => Some(*thumbprint),
            CertificateQuery::Prefix(_) | CertificateQuery::Name(_) => None,
        }
    }
}

impl FromStr for CertificateQuery {
    type Err = QueryError;
    fn from_str(text: &str) -> Result<CertificateQuery, QueryError> {
        CertificateQuery::parse(text)
    }
}

impl fmt::Display for CertificateQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateQuery::Thumbprint(thumbprint) => write!(f, "{thumbprint}"),
            CertificateQuery::Prefix(prefix) => f.write_str(prefix),
            CertificateQuery::Name(name) => f.write_str(name),
        }
    }
}

impl fmt::Debug for CertificateQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateQuery({self})")
    }
}

/// A certificate a query could have meant, as an error lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Candidate {
    /// Its thumbprint.
    pub thumbprint: Thumbprint,
    /// Its common name, else its subject; `None` for a thumbprint known only from a mapping.
    pub name: Option<String>,
    /// Its end of validity, when the certificate was read.
    pub not_after: Option<OffsetDateTime>,
    /// The store it was read from, when known.
    pub store: Option<String>,
}

/// Why a query named no single certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// No certificate matches; `candidates` are the nearest (at most [`MAX_CANDIDATES`]).
    NoMatch {
        /// The query.
        query: CertificateQuery,
        /// The certificates most like it, best first.
        candidates: Vec<Candidate>,
        /// How many other certificates the machine has.
        more: usize,
    },
    /// Several certificates match.
    Ambiguous {
        /// The query.
        query: CertificateQuery,
        /// Every match (at most [`MAX_CANDIDATES`]).
        candidates: Vec<Candidate>,
        /// How many more matched.
        more: usize,
    },
}

impl std::error::Error for ResolveError {}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (candidates, more) = match self {
            ResolveError::NoMatch { query, candidates, more } => {
                let what = match query {
                    CertificateQuery::Prefix(_) => "no certificate's thumbprint starts with it",
                    CertificateQuery::Thumbprint(_) => "no certificate of the machine has this thumbprint",
                    CertificateQuery::Name(_) => "no certificate has this name",
                };
                if candidates.is_empty() {
                    return write!(
                        f,
                        "{what}, and no certificate was read: give the full 40-digit thumbprint"
                    );
                }
                write!(f, "{what}; the machine's certificates (give one's thumbprint):")?;
                (candidates, *more)
            }
            ResolveError::Ambiguous { candidates, more, .. } => {
                write!(
                    f,
                    "{} certificates match; give more digits of the thumbprint:",
                    candidates.len() + more
                )?;
                (candidates, *more)
            }
        };
        for candidate in candidates {
            write!(f, "\n  {}", candidate.thumbprint)?;
            if let Some(name) = &candidate.name {
                write!(f, "  {name}")?;
            }
            if let Some(not_after) = candidate.not_after {
                write!(f, "  (to {})", not_after.to_offset(time::UtcOffset::UTC).date())?;
            }
            if let Some(store) = &candidate.store {
                write!(f, "  store {store}")?;
            }
            if candidate.name.is_none() {
                write!(f, "  (mapped; the certificate was not read)")?;
            }
        }
        if more > 0 {
            write!(f, "\n  … and {more} more")?;
        }
        Ok(())
    }
}

/// The thumbprint `query` names on `machine`: a full thumbprint as given; a prefix or name
/// when exactly one certificate (read from any source, or known only by the hash of a
/// mapping) matches it. A name matches a certificate's subject, common name or a DNS name
/// exactly (ignoring case and a trailing dot); only when none does, the certificates that
/// cover it as a host name (wildcards included) are taken.
pub fn resolve_certificate(query: &CertificateQuery, machine: &Machine) -> Result<Thumbprint, ResolveError> {
    let known = known_certificates(machine);
    let matches: Vec<&Known> = match query {
        CertificateQuery::Thumbprint(thumbprint) => return Ok(*thumbprint),
        CertificateQuery::Prefix(prefix) => {
            known.iter().filter(|known| known.hex.starts_with(prefix.as_str())).collect()
        }
        CertificateQuery::Name(name) => {
            let exact: Vec<&Known> = known.iter().filter(|known| known.has_name(name)).collect();
            if exact.is_empty() {
                known
                    .iter()
                    .filter(|known| {
                        known.certificate.is_some_and(|certificate| covers_host(certificate, name))
                    })
                    .collect()
            } else {
                exact
            }
        }
    };
    match matches.as_slice() {
        [only] => Ok(only.thumbprint),
        [] => Err(no_match(query, &known)),
        several => {
            let more = several.len().saturating_sub(MAX_CANDIDATES);
            let candidates = several.iter().take(MAX_CANDIDATES).map(|known| known.candidate()).collect();
            Err(ResolveError::Ambiguous { query: query.clone(), candidates, more })
        }
    }
}

/// Like [`resolve_certificate`], but a full thumbprint too must be one the machine knows (a
/// certificate read, or the hash of a mapping): for questions about what the machine does
/// with a certificate, where one it does not know has no answer but a typo.
pub fn resolve_known_certificate(
    query: &CertificateQuery,
    machine: &Machine,
) -> Result<Thumbprint, ResolveError> {
    let CertificateQuery::Thumbprint(thumbprint) = query else {
        return resolve_certificate(query, machine);
    };
    let known = known_certificates(machine);
    if known.iter().any(|known| known.thumbprint == *thumbprint) {
        Ok(*thumbprint)
    } else {
        Err(no_match(query, &known))
    }
}

/// The refusal for a query nothing matched, with the nearest certificates.
fn no_match(query: &CertificateQuery, known: &[Known<'_>]) -> ResolveError {
    let mut nearest: Vec<&Known> = known.iter().collect();
    nearest.sort_by_key(|known| std::cmp::Reverse(known.likeness(query)));
    let more = nearest.len().saturating_sub(MAX_CANDIDATES);
    let candidates = nearest.iter().take(MAX_CANDIDATES).map(|known| known.candidate()).collect();
    ResolveError::NoMatch { query: query.clone(), candidates, more }
}

/// One thumbprint the machine knows, with the first certificate read for it.
struct Known<'a> {
    thumbprint: Thumbprint,
    hex: String,
    certificate: Option<&'a Certificate>,
}

impl Known<'_> {
    fn has_name(&self, name: &str) -> bool {
        let Some(certificate) = self.certificate else { return false };
        let wanted = normalized(name);
        normalized(&certificate.subject) == wanted
            || certificate.common_name.as_deref().is_some_and(|cn| normalized(cn) == wanted)
            || certificate.dns_names.iter().any(|dns| normalized(dns) == wanted)
    }

    /// How much this certificate looks like what was asked for, to list the nearest first
    /// when nothing matches: shared leading thumbprint digits, then a name containing the
    /// query or sharing its parent domain.
    fn likeness(&self, query: &CertificateQuery) -> (usize, usize) {
        let text = match query {
            CertificateQuery::Thumbprint(thumbprint) => thumbprint.to_string(),
            CertificateQuery::Prefix(prefix) => prefix.clone(),
            CertificateQuery::Name(name) => name.clone(),
        };
        let upper = text.to_ascii_uppercase();
        let digits = self.hex.chars().zip(upper.chars()).take_while(|(a, b)| a == b).count();
        let wanted = normalized(&text);
        let parent = wanted.split_once('.').map(|(_, parent)| parent.to_owned());
        let names = self.certificate.map(|certificate| {
            certificate
                .common_name
                .iter()
                .chain(&certificate.dns_names)
                .map(|name| normalized(name))
                .collect()
        });
        let names: Vec<String> = names.unwrap_or_default();
        let name_score = if names.iter().any(|name| name.contains(&wanted) || wanted.contains(name.as_str()))
        {
            2
        } else if parent.is_some_and(|parent| names.iter().any(|name| name.ends_with(&parent))) {
            1
        } else {
            0
        };
        (digits, name_score)
    }

    fn candidate(&self) -> Candidate {
        Candidate {
            thumbprint: self.thumbprint,
            name: self.certificate.map(|certificate| {
                certificate.common_name.clone().unwrap_or_else(|| certificate.subject.clone())
            }),
            not_after: self.certificate.map(|certificate| certificate.not_after),
            store: self.certificate.and_then(|certificate| certificate.store.clone()),
        }
    }
}

/// Every thumbprint of the machine once, in thumbprint order: the certificates read, then
/// the hashes of mappings whose certificate was not read (an old certificate being rebound
/// away from is often no longer collected).
fn known_certificates(machine: &Machine) -> Vec<Known<'_>> {
    let mut known: BTreeMap<Thumbprint, Option<&Certificate>> = BTreeMap::new();
    for certificate in &machine.certificates {
        known.entry(certificate.thumbprint).or_insert(Some(certificate));
    }
    for hash in machine.mappings.iter().filter_map(|mapping| mapping.certificate_hash) {
        known.entry(hash).or_insert(None);
    }
    known
        .into_iter()
        .map(|(thumbprint, certificate)| Known { thumbprint, hex: thumbprint.to_string(), certificate })
        .collect()
}

fn normalized(name: &str) -> String {
    let trimmed = name.trim();
    trimmed.strip_suffix('.').unwrap_or(trimmed).to_lowercase()
}
