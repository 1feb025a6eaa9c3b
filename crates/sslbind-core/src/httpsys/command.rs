//! The `netsh http` commands for HTTP.sys's certificate mappings and URL reservations, as
//! users run them. Doctor's fixes and the change plans' scripts both print them, so they are
//! built here, below both, as typed [`Command`]s that `crate::command` quotes for each shell
//! (which is where the AppId's `appid="{…}"` / `appid='{…}'` comes from).

use crate::command::Command;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::mapping::MappingKey;

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

/// `netsh http VERB sslcert …` (`add` or `update`) for `key` as fixes write it: key, hash (a
/// `<THUMBPRINT>` stand-in when unknown), store and AppId. A CCS record takes no hash or store.
pub(crate) fn netsh_set(
    verb: &str,
    key: &MappingKey,
    hash: Option<&Thumbprint>,
    store: &str,
    app_id: AppId,
) -> Command {
    let mut command = with_key(netsh(&format!("http {verb} sslcert")), key);
    if !matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. }) {
        command = match hash {
            Some(hash) => command.param("certhash", certhash(hash)),
            None => command.placeholder("certhash=<THUMBPRINT>"),
        };
        command = command.param("certstorename", store);
    }
    command.param("appid", app_id.to_string())
}

/// `netsh http add sslcert …` for `key`; see [`netsh_set`].
pub(crate) fn netsh_add(key: &MappingKey, hash: Option<&Thumbprint>, store: &str, app_id: AppId) -> Command {
    netsh_set("add", key, hash, store, app_id)
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
             certstorename=WebHosting appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\""
        );
        assert_eq!(
            cmd(&netsh_add(&MappingKey::Ccs { port: 443 }, None, "MY", app_id), Cmd::Prompt),
            "netsh http add sslcert ccs=443 appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\""
        );
        let ipv6 = MappingKey::Ip("[::]:443".parse().unwrap());
        assert_eq!(cmd(&netsh_delete(&ipv6), Cmd::Prompt), "netsh http delete sslcert ipport=[::]:443");
    }
}
