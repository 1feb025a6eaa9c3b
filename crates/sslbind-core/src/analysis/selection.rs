//! Which HTTP.sys mapping answers a TLS connection: the selection order of
//! docs/httpsys.md#selection-order, in one function ([`select`]) so that it can be corrected
//! in one place.
//!
//! The order is the part of sslbind most likely to be wrong: no source settles it and it was
//! never observed on a Windows host by us. The disputed choices are switches in
//! [`SelectionAssumptions`]; every step records what
//! it tried so that users see the reasoning, not only the answer.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::model::machine::MappingId;
use crate::model::mapping::{Mapping, MappingKey};
use crate::uncertain::SelectionAssumptions;

/// The local side of a connection and what the client said in its ClientHello.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Connection {
    /// The local address the client reached.
    pub local: LocalAddress,
    /// The local port.
    pub port: u16,
    /// The SNI host name the client sent, if any.
    pub sni: Option<String>,
}

/// The local address a connection arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalAddress {
    /// A specific address.
    Ip(IpAddr),
    /// Some address that has no specific mapping of its own (an IIS `*` binding): only the
    /// wildcard of this family can apply.
    Unassigned(IpFamily),
}

impl LocalAddress {
    fn family(self) -> IpFamily {
        match self {
            LocalAddress::Ip(IpAddr::V4(_)) => IpFamily::V4,
            LocalAddress::Ip(IpAddr::V6(_)) => IpFamily::V6,
            LocalAddress::Unassigned(family) => family,
        }
    }
}

/// IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpFamily {
    /// IPv4: the wildcard is `0.0.0.0`.
    V4,
    /// IPv6: the wildcard is `[::]`.
    V6,
}

/// One key the selection tried.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// The key looked up.
    pub tried: MappingKey,
    /// Whether a mapping with that key exists.
    pub found: bool,
    /// Why a found mapping was passed over, or why the step applies.
    pub note: Option<String>,
}

/// The outcome of [`select`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selection {
    /// The chosen mapping, of the slice given to [`MappingIndex::new`].
    pub chosen: Option<MappingId>,
    /// Every key tried, in order.
    pub steps: Vec<Step>,
}

/// Whether a CCS record can serve a host: the `.pfx` files the CCS folder holds, when known.
/// `Sync`, because the doctor's rules share it across threads.
pub trait CcsFiles: Sync {
    /// Whether `file_name` (such as `www.example.com.pfx`) exists in the CCS folder; `None`
    /// when the folder is not known.
    fn contains(&self, file_name: &str) -> Option<bool>;
}

/// No CCS folder was given: a CCS record is assumed to serve every host.
pub struct UnknownCcsFolder;

impl CcsFiles for UnknownCcsFolder {
    fn contains(&self, _file_name: &str) -> Option<bool> {
        None
    }
}

/// The `.pfx` file names of a Central Certificate Store folder, as listed by the caller.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CcsFolder {
    names: std::collections::HashSet<String>,
}

impl CcsFolder {
    /// A folder holding `file_names` (compared case-insensitively, as on Windows).
    pub fn new<I: IntoIterator<Item = String>>(file_names: I) -> CcsFolder {
        CcsFolder { names: file_names.into_iter().map(|name| name.to_ascii_lowercase()).collect() }
    }
}

impl CcsFiles for CcsFolder {
    fn contains(&self, file_name: &str) -> Option<bool> {
        Some(self.names.contains(&file_name.to_ascii_lowercase()))
    }
}

/// Mappings by key, for lookups in constant time whatever the number of mappings.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct MappingIndex {
    /// Keys compare as HTTP.sys compares them (hosts by [`HostName`]'s normalised form).
    ///
    /// [`HostName`]: crate::model::HostName
    by_key: HashMap<MappingKey, MappingId>,
    /// The mappings whose key repeats an earlier one; HTTP.sys holds one record per key, so
    /// a repeat means the sources overlap.
    pub duplicates: Vec<MappingId>,
}

impl MappingIndex {
    /// Indexes `mappings`; the first mapping with a key wins.
    pub fn new(mappings: &[Mapping]) -> MappingIndex {
        let mut index = MappingIndex::default();
        for (position, mapping) in mappings.iter().enumerate() {
            let position = MappingId::from_index(position);
            match index.by_key.entry(mapping.key.clone()) {
                Entry::Occupied(_) => index.duplicates.push(position),
                Entry::Vacant(entry) => {
                    entry.insert(position);
                }
            }
        }
        index
    }

    /// The mapping with exactly `key` (hosts compared by their normalised form).
    pub fn get(&self, key: &MappingKey) -> Option<MappingId> {
        self.by_key.get(key).copied()
    }
}

/// The mapping HTTP.sys uses for `connection`, with every step tried.
///
/// For a connection to local address X, port P and optional SNI host H
/// (docs/httpsys.md#selection-order):
/// 1. `X:P`, the mapping of the exact local address, when X is a specific address
///    (before step 2 unless `specific_ip_before_sni` is off, then after step 3);
/// 2. with H: `H:P`, then, if `wildcard_sni_keys_match`, `*.parent:P`; a scoped CCS record
///    for `H:P` is tried beside the SNI record;
/// 3. with H: the CCS record on P, when the CCS folder has `H.pfx` or `_.parent.pfx` (or the
///    folder is unknown);
/// 4. the wildcard of X's family: `0.0.0.0:P` or `[::]:P` (an IPv4 connection also tries
///    `[::]:P` if `ipv4_falls_back_to_ipv6_wildcard`);
/// 5. nothing: HTTP.sys resets the connection.
pub fn select(
    index: &MappingIndex,
    connection: &Connection,
    ccs_files: &dyn CcsFiles,
    assumptions: &SelectionAssumptions,
) -> Selection {
    let mut selection = Selection { chosen: None, steps: Vec::new() };
    let port = connection.port;
    let specific_ip = match connection.local {
        LocalAddress::Ip(ip) if !ip.is_unspecified() => Some(ip),
        LocalAddress::Ip(_) | LocalAddress::Unassigned(_) => None,
    };
    let sni = connection.sni.as_deref().filter(|host| !host.is_empty());

    if assumptions.specific_ip_before_sni
        && let Some(ip) = specific_ip
        && try_key(index, &mut selection, MappingKey::Ip(SocketAddr::new(ip, port)), None)
    {
        return selection;
    }
    if let Some(host) = sni {
        if try_key(index, &mut selection, MappingKey::Sni { host: host.into(), port }, None)
            || try_key(index, &mut selection, MappingKey::ScopedCcs { host: host.into(), port }, None)
        {
            return selection;
        }
        if assumptions.wildcard_sni_keys_match
            && let Some(wildcard) = wildcard_of(host)
            && try_key(
                index,
                &mut selection,
                MappingKey::Sni { host: wildcard.into(), port },
                Some("wildcard SNI key (uncertain: HTTP.sys wildcard SNI matching is unconfirmed)"),
            )
        {
            return selection;
        }
        if try_ccs(index, &mut selection, host, port, ccs_files) {
            return selection;
        }
    }
    if !assumptions.specific_ip_before_sni
        && let Some(ip) = specific_ip
        && try_key(index, &mut selection, MappingKey::Ip(SocketAddr::new(ip, port)), None)
    {
        return selection;
    }
    let family = connection.local.family();
    let wildcard = match family {
        IpFamily::V4 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpFamily::V6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    if try_key(index, &mut selection, MappingKey::Ip(SocketAddr::new(wildcard, port)), None) {
        return selection;
    }
    if family == IpFamily::V4 && assumptions.ipv4_falls_back_to_ipv6_wildcard {
        let v6 = MappingKey::Ip(SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port));
        try_key(index, &mut selection, v6, Some("IPv4 falling back to the IPv6 wildcard (uncertain)"));
    }
    selection
}

fn try_key(index: &MappingIndex, selection: &mut Selection, key: MappingKey, note: Option<&str>) -> bool {
    let found = index.get(&key);
    selection.steps.push(Step { tried: key, found: found.is_some(), note: note.map(str::to_owned) });
    if found.is_some() {
        selection.chosen = found;
    }
    found.is_some()
}

fn try_ccs(
    index: &MappingIndex,
    selection: &mut Selection,
    host: &str,
    port: u16,
    ccs_files: &dyn CcsFiles,
) -> bool {
    let key = MappingKey::Ccs { port };
    let Some(found) = index.get(&key) else {
        selection.steps.push(Step { tried: key, found: false, note: None });
        return false;
    };
    let candidates = ccs_file_names(host);
    let present = candidates.iter().map(|name| (name, ccs_files.contains(name))).collect::<Vec<_>>();
    let served_by = present.iter().find(|(_, exists)| *exists != Some(false));
    match served_by {
        Some((name, exists)) => {
            let note = match exists {
                Some(_) => format!("CCS file {name}"),
                None => format!(
                    "CCS: the certificate comes from {} in the CCS folder (not checked)",
                    candidates.join(" or ")
                ),
            };
            selection.steps.push(Step { tried: key, found: true, note: Some(note) });
            selection.chosen = Some(found);
            true
        }
        None => {
            let note = format!("no {} in the CCS folder: falls through", candidates.join(" or "));
            selection.steps.push(Step { tried: key, found: true, note: Some(note) });
            false
        }
    }
}

/// The files the CCS provider looks for, in order: `<host>.pfx`, then `_.<parent>.pfx`
/// (docs/httpsys.md#ccs-file-names). A wildcard host `*.example.com` maps straight to
/// `_.example.com.pfx`.
pub(crate) fn ccs_file_names(host: &str) -> Vec<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if let Some(parent) = host.strip_prefix("*.") {
        return vec![format!("_.{parent}.pfx")];
    }
    let mut names = vec![format!("{host}.pfx")];
    if let Some((_, parent)) = host.split_once('.')
        && parent.contains('.')
    {
        names.push(format!("_.{parent}.pfx"));
    }
    names
}

/// `*.example.com` for `www.example.com`; nothing for a single label, a wildcard or an IP.
fn wildcard_of(host: &str) -> Option<String> {
    if host.starts_with("*.") || host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let (_, parent) = host.split_once('.')?;
    parent.contains('.').then(|| format!("*.{parent}"))
}
