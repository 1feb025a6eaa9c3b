//! The `netsh http` commands for HTTP.sys's certificate mappings and URL reservations, as
//! users run them. Doctor's fixes and the change plans' scripts both print them, so they are
//! built here, below both, as typed [`Command`]s that `crate::command` quotes for each shell
//! (which is where the AppId's `appid="{…}"` / `appid='{…}'` comes from).
//!
//! A mapping becomes `netsh http add|update sslcert` in one way: [`netsh_parameters`] lists
//! its settings by netsh parameter name and [`netsh_write_mapping`] writes that list, for the
//! scripts, the plan display and the fixes alike; the plan JSON's `parameters` is the same
//! list, followed by [`settings_without_parameter`]. netsh resets whatever an update leaves
//! out to its default, so a command that dropped a setting would reset it on the server, as
//! renewal tools that delete and re-add mappings reset HTTP/2, TLS and client-certificate
//! settings.

use crate::command::Command;
use crate::model::flags::{DEFAULT_FLAGS, DefaultFlags};
use crate::model::ids::{AppId, Thumbprint};
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::source::Origin;

/// `netsh http VERB sslcert` (or `urlacl`, per `words`): the start of every command here.
fn netsh(words: &str) -> Command {
    Command::new("netsh").words(words)
}

/// The netsh key parameter of `key` (`ipport=…`, `hostnameport=…`, `ccs=…`, `scopedccs=…`)
/// appended to `command`.
pub(crate) fn with_key(command: Command, key: &MappingKey) -> Command {
    match key {
        MappingKey::Ip(address) => command.param("ipport", address.to_string()),
        MappingKey::Sni { host, port } => command.param("hostnameport", format!("{host}:{port}")),
        MappingKey::Ccs { port } => command.param("ccs", port.to_string()),
        MappingKey::ScopedCcs { host, port } => command.param("scopedccs", format!("{host}:{port}")),
    }
}

/// The netsh key parameter of `key` as text, `ipport=…` and so on, for descriptions.
pub(crate) fn netsh_key(key: &MappingKey) -> String {
    match key {
        MappingKey::Ip(address) => format!("ipport={address}"),
        MappingKey::Sni { host, port } => format!("hostnameport={host}:{port}"),
        MappingKey::Ccs { port } => format!("ccs={port}"),
        MappingKey::ScopedCcs { host, port } => format!("scopedccs={host}:{port}"),
    }
}

/// The lowercase netsh spelling of a thumbprint.
pub(crate) fn certhash(hash: &Thumbprint) -> String {
    hash.to_string().to_ascii_lowercase()
}

/// Every setting of `mapping` that `netsh http add|update sslcert` has a parameter for, by
/// that parameter's name and with the value netsh takes, in the order of netsh's usage text.
/// The key (`ipport=…` and the others) is not a setting and is not among them.
///
/// A setting the source did not give (`None`) is left out, which netsh reads as its default.
/// The flag switches follow [`flag_parameters`]. A CCS record takes no certificate hash.
/// Plans' scripts, doctor's fixes and the plan JSON's `parameters` are all this list, so a
/// setting is written by all of them or by none.
pub(crate) fn netsh_parameters(mapping: &Mapping) -> Vec<(&'static str, String)> {
    let mut parameters = Vec::new();
    if let (false, Some(hash)) = (is_ccs(&mapping.key), &mapping.certificate_hash) {
        parameters.push(("certhash", certhash(hash)));
    }
    if let Some(app_id) = &mapping.app_id {
        parameters.push(("appid", app_id.to_string()));
    }
    if let Some(store) = &mapping.certificate_store {
        parameters.push(("certstorename", store.clone()));
    }
    let params = &mapping.params;
    let switches = [
        ("verifyclientcertrevocation", params.verify_client_cert_revocation),
        ("verifyrevocationwithcachedclientcertonly", params.verify_revocation_cached_only),
        ("usagecheck", params.usage_check),
    ];
    parameters.extend(switches.into_iter().filter_map(|(name, on)| Some((name, switch(on?).to_owned()))));
    let numbers = [
        ("revocationfreshnesstime", params.revocation_freshness_time),
        ("urlretrievaltimeout", params.url_retrieval_timeout),
    ];
    parameters.extend(numbers.into_iter().filter_map(|(name, number)| Some((name, number?.to_string()))));
    let texts = [("sslctlidentifier", &params.ctl_identifier), ("sslctlstorename", &params.ctl_store_name)];
    parameters.extend(texts.into_iter().filter_map(|(name, text)| Some((name, text.clone()?))));
    parameters.extend(flag_parameters(mapping).into_iter().map(|(name, on)| (name, switch(on).to_owned())));
    parameters
}

/// The settings of `mapping` that netsh has no parameter for, by the names the plan JSON's
/// `parameters` gives them (docs/contract.md#plan-parameters), in this order: the set
/// `DefaultFlags` bits without a netsh parameter, by their [`DefaultFlags::names`] (unknown
/// bits as `bit-N`), `revocation-freshness-time-enabled` (check-mode bit 4, when the source
/// gave it) and `extended-properties` (every block as `PropertyId=…, label=value, …`,
/// blocks separated by `; `). Their kebab-case names are never netsh parameter names, which
/// have no hyphen.
pub(crate) fn settings_without_parameter(mapping: &Mapping) -> Vec<(String, String)> {
    let mut settings: Vec<(String, String)> = (mapping.flags - netsh_settable_flags())
        .names()
        .into_iter()
        .map(|name| (name, switch(true).to_owned()))
        .collect();
    if let Some(on) = mapping.params.revocation_freshness_time_enabled {
        settings.push(("revocation-freshness-time-enabled".to_owned(), switch(on).to_owned()));
    }
    if !mapping.extended_properties.is_empty() {
        let blocks: Vec<String> = mapping
            .extended_properties
            .iter()
            .map(|property| {
                let id = property.property_id.map_or_else(|| "(none)".to_owned(), |id| id.to_string());
                std::iter::once(format!("PropertyId={id}"))
                    .chain(property.values.iter().map(|(label, value)| format!("{label}={value}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        settings.push(("extended-properties".to_owned(), blocks.join("; ")));
    }
    settings
}

/// The `DefaultFlags` bits some netsh parameter sets (those with a `netsh_parameter` in
/// [`DEFAULT_FLAGS`]).
pub(crate) fn netsh_settable_flags() -> DefaultFlags {
    DEFAULT_FLAGS
        .iter()
        .filter(|info| info.netsh_parameter.is_some())
        .fold(DefaultFlags::empty(), |bits, info| bits | info.flag)
}

/// The flag switches of `mapping` by netsh parameter, in netsh's usage order (the order of
/// [`DEFAULT_FLAGS`]): every bit netsh can set when the source showed the flags, otherwise
/// only the set ones (a clear bit may only mean "not shown", and leaving a parameter out
/// leaves the bit clear anyway). `disablesessionid` only appears in the newest usage text, so
/// it is written only to set the bit: builds that do not know it would refuse the whole
/// command.
pub(crate) fn flag_parameters(mapping: &Mapping) -> Vec<(&'static str, bool)> {
    DEFAULT_FLAGS
        .iter()
        .filter_map(|info| {
            let name = info.netsh_parameter?;
            let on = mapping.flags.contains(info.flag);
            let write = on || (mapping.flags_known && info.flag != DefaultFlags::DISABLE_SESSION_ID);
            write.then_some((name, on))
        })
        .collect()
}

/// `netsh http VERB sslcert …` (`add` or `update`) for the whole of `mapping`: its key, then
/// every [`netsh_parameters`] entry. This is the one builder of those commands: plans'
/// scripts, the plan display and every doctor fix that writes a mapping use it.
pub(crate) fn netsh_write_mapping(verb: &str, mapping: &Mapping) -> Command {
    write_mapping(verb, mapping, false)
}

/// [`netsh_write_mapping`], with the `certhash=<THUMBPRINT>` stand-in in the hash's place
/// when `mapping` is not a CCS record and has no hash: a fix whose certificate the user still
/// has to choose. (Scripts never get the stand-in: in a batch file `<` is a redirection.)
pub(crate) fn netsh_write_mapping_or_placeholder(verb: &str, mapping: &Mapping) -> Command {
    write_mapping(verb, mapping, true)
}

fn write_mapping(verb: &str, mapping: &Mapping, placeholder: bool) -> Command {
    let mut command = with_key(netsh(&format!("http {verb} sslcert")), &mapping.key);
    // The hash comes first in netsh's order, so its stand-in does too.
    if placeholder && mapping.certificate_hash.is_none() && !is_ccs(&mapping.key) {
        command = command.placeholder("certhash=<THUMBPRINT>");
    }
    netsh_parameters(mapping).into_iter().fold(command, |command, (name, value)| command.param(name, value))
}

/// `netsh http update sslcert …` for fixes that point the existing `mapping` at another
/// certificate (`hash`, or the `<THUMBPRINT>` stand-in when `None`) in `store`, under
/// `app_id`: one update that carries every other setting of the mapping, because netsh resets
/// what an update leaves out and a delete and add loses them all (HTTP/2 and TLS flags, CTL,
/// DS mapper, client-certificate negotiation).
pub(crate) fn netsh_repoint(
    mapping: &Mapping,
    hash: Option<&Thumbprint>,
    store: &str,
    app_id: AppId,
) -> Command {
    let mut repointed = mapping.clone();
    repointed.certificate_hash = hash.copied();
    repointed.certificate_store = Some(store.to_owned());
    repointed.app_id = Some(app_id);
    netsh_write_mapping_or_placeholder("update", &repointed)
}

/// `netsh http add sslcert …` for a new record with `key` as fixes write it: hash (a
/// `<THUMBPRINT>` stand-in when unknown), AppId and store, netsh's defaults for everything
/// else. A CCS record takes no hash or store.
pub(crate) fn netsh_add(key: &MappingKey, hash: Option<&Thumbprint>, store: &str, app_id: AppId) -> Command {
    let mut mapping = Mapping::new(key.clone(), Origin::Planned);
    mapping.certificate_hash = hash.copied();
    mapping.app_id = Some(app_id);
    if !is_ccs(key) {
        mapping.certificate_store = Some(store.to_owned());
    }
    netsh_write_mapping_or_placeholder("add", &mapping)
}

/// Whether `key` is a Central Certificate Store record, which takes no certificate hash.
pub(crate) fn is_ccs(key: &MappingKey) -> bool {
    matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. })
}

/// netsh's word for a switch.
pub(crate) fn switch(on: bool) -> &'static str {
    if on { "enable" } else { "disable" }
}

/// `netsh http delete sslcert …` for `key`.
pub(crate) fn netsh_delete(key: &MappingKey) -> Command {
    with_key(netsh("http delete sslcert"), key)
}

/// `netsh http show sslcert …` for `key`, to check a change.
pub(crate) fn netsh_show(key: &MappingKey) -> Command {
    with_key(netsh("http show sslcert"), key)
}

/// `netsh http add urlacl …`: reserve `url` for `user`.
pub(crate) fn netsh_urlacl_add(url: &str, user: &str) -> Command {
    netsh("http add urlacl").param("url", url).param("user", user)
}

/// `netsh http delete urlacl …`: delete the reservation of `url`.
pub(crate) fn netsh_urlacl_delete(url: &str) -> Command {
    netsh("http delete urlacl").param("url", url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Cmd, cmd};

    #[test]
    fn commands_quote_the_app_id_and_omit_the_hash_for_ccs() {
        let app_id = AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap();
        let hash = Thumbprint::parse("5226DC6C54559761CD471B86EB51C096252C90F2").unwrap();
        let sni = MappingKey::Sni { host: "a.example.com".into(), port: 443 };
        assert_eq!(
            cmd(&netsh_add(&sni, Some(&hash), "WebHosting", app_id), Cmd::Prompt),
            "netsh http add sslcert hostnameport=a.example.com:443 certhash=5226dc6c54559761cd471b86eb51c096252c90f2 \
             appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\" certstorename=WebHosting"
        );
        assert_eq!(
            cmd(&netsh_add(&MappingKey::Ccs { port: 443 }, None, "MY", app_id), Cmd::Prompt),
            "netsh http add sslcert ccs=443 appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\""
        );
        let ipv6 = MappingKey::Ip("[::]:443".parse().unwrap());
        assert_eq!(cmd(&netsh_delete(&ipv6), Cmd::Prompt), "netsh http delete sslcert ipport=[::]:443");
    }

    #[test]
    fn unknown_flags_write_only_the_set_bits_and_session_id_only_when_set() {
        let mut mapping =
            Mapping::new(MappingKey::Sni { host: "a.example.com".into(), port: 443 }, Origin::Planned);
        mapping.flags = DefaultFlags::DISABLE_HTTP2 | DefaultFlags::NO_RAW_FILTER;
        assert_eq!(flag_parameters(&mapping), [("disablehttp2", true)]);
        mapping.flags_known = true;
        let parameters = flag_parameters(&mapping);
        assert_eq!(parameters.len(), 12);
        assert!(parameters.contains(&("disablehttp2", true)));
        assert!(!parameters.iter().any(|(name, _)| *name == "disablesessionid"));
        mapping.flags |= DefaultFlags::DISABLE_SESSION_ID;
        assert_eq!(flag_parameters(&mapping).last(), Some(&("disablesessionid", true)));
        assert_eq!(settings_without_parameter(&mapping), [("no-raw-filter".to_owned(), "enable".to_owned())]);
    }

    #[test]
    fn a_repoint_is_one_update_with_every_setting_and_the_stand_in_first() {
        let app_id = AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap();
        let mut mapping = Mapping::new(MappingKey::Ip("0.0.0.0:443".parse().unwrap()), Origin::Planned);
        mapping.certificate_hash =
            Some(Thumbprint::parse("5226DC6C54559761CD471B86EB51C096252C90F2").unwrap());
        mapping.params.ctl_store_name = Some("Trusted Devices".to_owned());
        mapping.flags = DefaultFlags::NEGOTIATE_CLIENT_CERT;
        assert_eq!(
            cmd(&netsh_repoint(&mapping, None, "MY", app_id), Cmd::Prompt),
            "netsh http update sslcert ipport=0.0.0.0:443 certhash=<THUMBPRINT> \
             appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\" certstorename=MY \
             sslctlstorename=\"Trusted Devices\" clientcertnegotiation=enable"
        );
    }
}
