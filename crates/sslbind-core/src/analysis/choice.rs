//! Which of the machine's certificates a repair should put on a mapping, and why.
//!
//! Every fix that needs a certificate (a missing mapping, an expired or mismatched
//! certificate, a renewal) asks the same question, so it is answered once, here, by one
//! ordered rule: the certificate must cover every host the mapping serves, be valid at the
//! caller's `now`, allow TLS server authentication, and not be known to lack its private key;
//! among those, a known private key beats an unknown one, then the latest not-after wins, then
//! a copy in the store the mapping already uses, then the lowest thumbprint, so that the
//! answer never depends on the order the certificates were read in. The reason text is the
//! summary a fix prints, and when nothing qualifies it says what was excluded and why.

use std::cmp::Ordering;
use std::collections::HashMap;

use time::OffsetDateTime;

use crate::certs::{CertificateIndex, covers_host};
use crate::model::{Certificate, CertificateId, CertificateStatus, Machine, Thumbprint};

/// How many host names a reason lists before it counts the rest, so that a mapping shared by
/// hundreds of sites still gets a one-line summary.
const LISTED_HOSTS: usize = 10;

/// What a repair needs a certificate for.
#[derive(Clone, Copy, Debug)]
pub struct ChoiceRequest<'a> {
    /// Every host the mapping serves; all must be covered. Empty for a mapping that serves no
    /// named host (an IP fallback for clients without SNI): any otherwise usable certificate
    /// qualifies then.
    pub hosts: &'a [&'a str],
    /// The time validity is judged at.
    pub now: OffsetDateTime,
    /// The store the mapping uses today (`MY`), preferred when candidates are otherwise equal.
    pub store: Option<&'a str>,
}

/// The certificate chosen, with the summary a fix prints.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Choice {
    /// The chosen certificate (the copy in the preferred store when there are several).
    pub certificate: CertificateId,
    /// How many other distinct certificates qualified.
    pub others: usize,
    /// What set it apart from the others, in rule order (empty when it was the only one).
    pub decided_by: Vec<Criterion>,
    /// One line: which certificate and why.
    pub reason: String,
}

/// Why no certificate could be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoCandidate {
    /// How many distinct certificates were excluded for each reason, in rule order, only the
    /// reasons that occurred.
    pub excluded: Vec<(Exclusion, usize)>,
    /// One line, for a fix's `unfixed` entry.
    pub reason: String,
}

impl std::fmt::Display for NoCandidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for NoCandidate {}

/// The step of the rule that set the chosen certificate apart from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Criterion {
    /// Its private key is known to be present, the other's is not known.
    PrivateKey,
    /// It is valid for longer.
    Validity,
    /// It is in the store the mapping uses.
    Store,
    /// Equal otherwise: the lower thumbprint.
    Thumbprint,
}

/// Why a certificate was not a candidate; each is counted under the first that applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Exclusion {
    /// It covers some of the hosts but not all.
    PartialCoverage,
    /// Its validity ended before `now`.
    Expired,
    /// Its validity starts after `now`.
    NotYetValid,
    /// Its extended key usage excludes server authentication.
    NotForServerAuth,
    /// Its private key is known to be absent.
    NoPrivateKey,
}

/// Chooses the certificate of `machine` a repair should use for `request`, or says why none
/// qualifies. `index` must be built from `machine.certificates` (the analysis holds one).
pub fn choose_certificate(
    machine: &Machine,
    index: &CertificateIndex,
    request: &ChoiceRequest<'_>,
) -> Result<Choice, NoCandidate> {
    let hosts = distinct_hosts(request.hosts);
    let (covering, partial) = covering_certificates(machine, index, &hosts);

    // Copies of one certificate (a file and a store blob) count once; the best copy stands for
    // it, and a thumbprint is excluded only when every copy is.
    let mut best: HashMap<Thumbprint, CertificateId> = HashMap::new();
    let mut excluded: HashMap<Thumbprint, Exclusion> = HashMap::new();
    for &id in &covering {
        let certificate = machine.certificate(id);
        match exclusion(certificate, request.now) {
            Some(reason) => {
                excluded.entry(certificate.thumbprint).or_insert(reason);
            }
            None => {
                let entry = best.entry(certificate.thumbprint).or_insert(id);
                if compare(machine, request, id, *entry).0 == Ordering::Less {
                    *entry = id;
                }
            }
        }
    }
    excluded.retain(|thumbprint, _| !best.contains_key(thumbprint));

    let mut candidates: Vec<CertificateId> = best.into_values().collect();
    candidates.sort_by(|&a, &b| compare(machine, request, a, b).0);
    let Some((&winner, others)) = candidates.split_first() else {
        let mut counts: Vec<(Exclusion, usize)> = Vec::new();
        if !partial.is_empty() {
            counts.push((Exclusion::PartialCoverage, partial.len()));
        }
        let mut reasons: Vec<Exclusion> = excluded.into_values().collect();
        reasons.sort_unstable();
        for reason in reasons {
            match counts.last_mut() {
                Some((last, count)) if *last == reason => *count += 1,
                _ => counts.push((reason, 1)),
            }
        }
        let reason = no_candidate_reason(machine, &hosts, request.now, &counts);
        return Err(NoCandidate { excluded: counts, reason });
    };

    let mut decided_by: Vec<Criterion> =
        others.iter().filter_map(|&other| compare(machine, request, winner, other).1).collect();
    decided_by.sort_unstable();
    decided_by.dedup();
    let reason = choice_reason(machine.certificate(winner), &hosts, others.len(), &decided_by);
    Ok(Choice { certificate: winner, others: others.len(), decided_by, reason })
}

/// The hosts without repeats (HTTP.sys and clients compare them case-insensitively, without
/// a trailing dot), in the order given.
fn distinct_hosts<'a>(hosts: &[&'a str]) -> Vec<&'a str> {
    let mut seen: Vec<String> = Vec::new();
    let mut distinct = Vec::new();
    for &host in hosts {
        let key = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
            distinct.push(host);
        }
    }
    distinct
}

/// The certificates covering every host (all of them when there is none), in list order, and
/// the thumbprints of those covering some but not all.
fn covering_certificates(
    machine: &Machine,
    index: &CertificateIndex,
    hosts: &[&str],
) -> (Vec<CertificateId>, Vec<Thumbprint>) {
    if hosts.is_empty() {
        let all = (0..machine.certificates.len()).map(CertificateId::from_index).collect();
        return (all, Vec::new());
    }
    let certificates = &machine.certificates;
    let mut some: Vec<CertificateId> =
        hosts.iter().flat_map(|host| index.covering(certificates, host)).collect();
    some.sort_unstable();
    some.dedup();
    let covers_all =
        |id: &CertificateId| hosts.iter().all(|host| covers_host(machine.certificate(*id), host));
    let (all, partial): (Vec<CertificateId>, Vec<CertificateId>) = some.into_iter().partition(covers_all);
    let mut partial: Vec<Thumbprint> =
        partial.into_iter().map(|id| machine.certificate(id).thumbprint).collect();
    partial.sort_unstable();
    partial.dedup();
    let full: Vec<Thumbprint> = all.iter().map(|id| machine.certificate(*id).thumbprint).collect();
    partial.retain(|thumbprint| !full.contains(thumbprint));
    (all, partial)
}

/// The first reason `certificate` cannot be used at `now`, if any.
fn exclusion(certificate: &Certificate, now: OffsetDateTime) -> Option<Exclusion> {
    match certificate.status(now, 0) {
        CertificateStatus::Expired => return Some(Exclusion::Expired),
        CertificateStatus::NotYetValid => return Some(Exclusion::NotYetValid),
        CertificateStatus::Valid | CertificateStatus::Expiring => {}
    }
    if !certificate.allows_server_auth() {
        return Some(Exclusion::NotForServerAuth);
    }
    if certificate.has_private_key == Some(false) {
        return Some(Exclusion::NoPrivateKey);
    }
    None
}

/// The rule's order between two candidates (`Less` means `a` is preferred) and the step that
/// decided it (`None` only for the same certificate).
fn compare(
    machine: &Machine,
    request: &ChoiceRequest<'_>,
    a: CertificateId,
    b: CertificateId,
) -> (Ordering, Option<Criterion>) {
    let (first, second) = (machine.certificate(a), machine.certificate(b));
    let in_store = |certificate: &Certificate| match (request.store, certificate.store.as_deref()) {
        (Some(wanted), Some(store)) => wanted.eq_ignore_ascii_case(store),
        _ => false,
    };
    let steps = [
        (second.has_private_key.cmp(&first.has_private_key), Criterion::PrivateKey),
        (second.not_after.cmp(&first.not_after), Criterion::Validity),
        (in_store(second).cmp(&in_store(first)), Criterion::Store),
        (first.thumbprint.cmp(&second.thumbprint), Criterion::Thumbprint),
    ];
    match steps.into_iter().find(|(order, _)| order.is_ne()) {
        Some((order, criterion)) => (order, Some(criterion)),
        None => (a.cmp(&b), None),
    }
}

fn choice_reason(
    certificate: &Certificate,
    hosts: &[&str],
    others: usize,
    decided_by: &[Criterion],
) -> String {
    let mut reason = format!(
        "{} (thumbprint {}), valid until {}",
        describe(certificate),
        short_thumbprint(&certificate.thumbprint),
        utc_date(certificate.not_after)
    );
    if !hosts.is_empty() {
        reason.push_str(", covers ");
        reason.push_str(&host_list(hosts));
    }
    reason.push_str(match certificate.has_private_key {
        Some(true) => ", private key present",
        _ => ", private key not known",
    });
    if others == 0 {
        reason.push_str("; the only candidate");
    } else {
        let criteria: Vec<&str> = decided_by
            .iter()
            .map(|criterion| match criterion {
                Criterion::PrivateKey => "known private key",
                Criterion::Validity => "longest validity",
                Criterion::Store => "the mapping's store",
                Criterion::Thumbprint => "thumbprint order",
            })
            .collect();
        let noun = if others == 1 { "other" } else { "others" };
        reason.push_str(&format!("; chosen over {others} {noun} by {}", and_list(&criteria)));
    }
    reason
}

fn no_candidate_reason(
    machine: &Machine,
    hosts: &[&str],
    now: OffsetDateTime,
    counts: &[(Exclusion, usize)],
) -> String {
    let mut reason = if hosts.is_empty() {
        format!("no certificate valid on {}", utc_date(now))
    } else {
        format!("no certificate covering {} valid on {}", host_list(hosts), utc_date(now))
    };
    if machine.certificates.is_empty() {
        reason.push_str("; the machine has no certificate");
        return reason;
    }
    let partial = counts.iter().find(|(exclusion, _)| *exclusion == Exclusion::PartialCoverage);
    let judged: Vec<(Exclusion, usize)> =
        counts.iter().copied().filter(|(exclusion, _)| *exclusion != Exclusion::PartialCoverage).collect();
    let mut parts: Vec<String> = Vec::new();
    if !judged.is_empty() {
        let total: usize = judged.iter().map(|(_, count)| count).sum();
        let which = match (hosts.len(), total) {
            (0, 1) => "the only certificate".to_owned(),
            (0, _) => format!("of the {total} certificates"),
            (1, 1) => "the 1 that covers it".to_owned(),
            (1, _) => format!("of the {total} that cover it"),
            (_, 1) => "the 1 that covers them all".to_owned(),
            (_, _) => format!("of the {total} that cover them all"),
        };
        let verdicts: Vec<String> = judged
            .iter()
            .map(|&(exclusion, count)| {
                let (one, many) = verdict(exclusion);
                match (total, count) {
                    (1, _) => one.to_owned(),
                    (_, 1) => format!("1 {one}"),
                    _ => format!("{count} {many}"),
                }
            })
            .collect();
        let verdicts: Vec<&str> = verdicts.iter().map(String::as_str).collect();
        if total == 1 {
            parts.push(format!("{which} {}", and_list(&verdicts)));
        } else {
            parts.push(format!("{which}, {}", and_list(&verdicts)));
        }
    }
    if let Some(&(exclusion, count)) = partial {
        let (one, many) = verdict(exclusion);
        parts.push(if count == 1 { format!("1 {one}") } else { format!("{count} {many}") });
    }
    if parts.is_empty() {
        let none = if hosts.len() == 1 {
            "none of the machine's certificates covers it"
        } else {
            "none of the machine's certificates covers any of them"
        };
        parts.push(none.to_owned());
    }
    reason.push_str("; ");
    reason.push_str(&parts.join("; "));
    reason
}

/// What an exclusion says of one certificate, and of several.
fn verdict(exclusion: Exclusion) -> (&'static str, &'static str) {
    match exclusion {
        Exclusion::PartialCoverage => ("covers only some of the names", "cover only some of the names"),
        Exclusion::Expired => ("is expired", "are expired"),
        Exclusion::NotYetValid => ("is not yet valid", "are not yet valid"),
        Exclusion::NotForServerAuth => {
            ("is not for server authentication", "are not for server authentication")
        }
        Exclusion::NoPrivateKey => ("has no private key", "have no private key"),
    }
}

/// The subject as written, or the thumbprint's place-holder when it is empty.
fn describe(certificate: &Certificate) -> String {
    if certificate.subject.is_empty() {
        "a certificate without subject".to_owned()
    } else {
        certificate.subject.clone()
    }
}

/// The first eight hex digits, enough to name it to `sslbind`'s certificate queries.
fn short_thumbprint(thumbprint: &Thumbprint) -> String {
    let full = thumbprint.to_string();
    format!("{}…", full.get(..8).unwrap_or(&full))
}

/// `a`, `a and b`, `a, b and c`, at most [`LISTED_HOSTS`] names, then `and N more`.
fn host_list(hosts: &[&str]) -> String {
    if hosts.len() <= LISTED_HOSTS {
        return and_list(hosts);
    }
    format!("{} and {} more", hosts[..LISTED_HOSTS].join(", "), hosts.len() - LISTED_HOSTS)
}

fn and_list(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn utc_date(moment: OffsetDateTime) -> time::Date {
    moment.to_offset(time::UtcOffset::UTC).date()
}
