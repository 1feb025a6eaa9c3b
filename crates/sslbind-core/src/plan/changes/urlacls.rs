//! The URL reservations a plan adds and deletes: for IIS Express bindings, the URLs a change
//! makes needed that no reservation covers, and the reservations of URLs no binding needs.

use std::collections::BTreeSet;

use crate::model::flags::SslFlags;
use crate::model::machine::{ConfigFile, Machine};
use crate::plan::ops::{UrlAclOp, reservation_url};

use super::{Change, Planner, names_binding, planned_binding};

impl Planner<'_> {
    /// Reserves, for Everyone, the URLs that the IIS Express bindings this change adds or sets
    /// need and no reservation covers, and deletes the reservations of exactly the URLs no
    /// binding needs any more; only when URL reservations were given.
    ///
    /// What is reserved follows from the machine's reservations, not only from what the
    /// config edit adds: writing the config first (`--write`) and emitting the script later
    /// plans the same reservation as emitting first, because the binding that is already in
    /// the config still lacks it.
    pub(super) fn plan_urlacls(&mut self, change: &Change, after: &Machine) {
        let machine = self.machine();
        if !machine.url_reservations_known {
            return;
        }
        let needed = |configs: &[ConfigFile]| -> BTreeSet<String> {
            configs
                .iter()
                .flat_map(|config| {
                    config
                        .sites
                        .iter()
                        .flat_map(|site| &site.bindings)
                        .map(move |binding| (config.flavor, binding))
                })
                .filter_map(|(flavor, binding)| reservation_url(flavor, binding))
                .collect()
        };
        if let Change::ReserveUrl { url, user } = change {
            self.plan.urlacl_ops.push(UrlAclOp::Add { url: url.clone(), user: user.clone() });
            return;
        }
        let (before, now) = (needed(&machine.configs), needed(&after.configs));
        let mut wanted: BTreeSet<String> = now.difference(&before).cloned().collect();
        wanted.extend(changed_binding_urls(change, after));
        let reservations = &machine.url_reservations;
        for url in &wanted {
            let Ok(prefix) = crate::httpsys::urlacl::parse_url_prefix(url) else { continue };
            let host =
                url.split("://").nth(1).and_then(|rest| rest.rsplit_once(':')).map_or("*", |(host, _)| host);
            let covered = crate::httpsys::urlacl::best_reservation(
                reservations,
                &prefix.scheme,
                host,
                prefix.port,
                "/",
            );
            match covered {
                Some(reservation) => self.plan.notes.push(format!(
                    "URL reservation `{}` already covers `{url}`: no reservation is added",
                    reservation.url
                )),
                None => {
                    self.plan.urlacl_ops.push(UrlAclOp::Add { url: url.clone(), user: "Everyone".to_owned() })
                }
            }
        }
        let mut gone: BTreeSet<String> = before.difference(&now).cloned().collect();
        if let Change::RemoveBinding { site, protocol, information } = change {
            // Already removed from the config by an earlier `--write`: its reservation goes
            // all the same when nothing else needs it.
            let flavor = after.configs.iter().find_map(|config| {
                config
                    .sites
                    .iter()
                    .any(|candidate| candidate.name.eq_ignore_ascii_case(site))
                    .then_some(config.flavor)
            });
            let url = flavor.and_then(|flavor| {
                reservation_url(flavor, &planned_binding(protocol, information, SslFlags::empty()))
            });
            gone.extend(url.filter(|url| !now.contains(url)));
        }
        for url in &gone {
            let Ok(prefix) = crate::httpsys::urlacl::parse_url_prefix(url) else { continue };
            for reservation in
                reservations.iter().filter(|reservation| reservation.prefix.as_ref() == Some(&prefix))
            {
                self.plan.urlacl_ops.push(UrlAclOp::Delete { url: reservation.url.clone() });
            }
        }
    }
}

/// The URLs the binding that `change` adds or sets needs in `after` (at most one).
fn changed_binding_urls(change: &Change, after: &Machine) -> Vec<String> {
    let (site, protocol, information) = match change {
        Change::AddBinding { site, protocol, information, .. } => (site, protocol, information),
        Change::SetBinding { site, protocol, information, to, .. } => {
            (site, protocol, to.as_ref().unwrap_or(information))
        }
        _ => return Vec::new(),
    };
    after
        .configs
        .iter()
        .flat_map(|config| config.sites.iter().map(move |candidate| (config.flavor, candidate)))
        .flat_map(|(flavor, candidate)| {
            candidate.bindings.iter().map(move |binding| (flavor, candidate, binding))
        })
        .filter(|(_, candidate, binding)| names_binding(candidate, binding, site, protocol, information))
        .filter_map(|(flavor, _, binding)| reservation_url(flavor, binding))
        .collect()
}
