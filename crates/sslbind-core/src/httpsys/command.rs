//! The `netsh http` commands for HTTP.sys's certificate mappings and URL reservations, as
//! users run them. Doctor's fixes and the change plans' scripts both print them, so they are
//! built here, below both, and quoted so that they work the same in cmd.exe and PowerShell.
//!
//! PowerShell parses a bare `{…}` as a script block, so `appid={…}` must be quoted there
//! (netsh then answers "The parameter is incorrect" otherwise); double quotes work in both
//! shells, so every AppId is written `appid="{…}"`.

use crate::model::ids::{AppId, Thumbprint};
use crate::model::mapping::MappingKey;

/// The netsh key parameter of `key`: `ipport=…`, `hostnameport=…`, `ccs=…`, `scopedccs=…`.
pub(crate) fn netsh_key(key: &MappingKey) -> String {
    match key {
        MappingKey::Ip(address) => format!("ipport={address}"),
        MappingKey::Sni { host, port } => format!("hostnameport={host}:{port}"),
        MappingKey::Ccs { port } => format!("ccs={port}"),
        MappingKey::ScopedCcs { host, port } => format!("scopedccs={host}:{port}"),
    }
}

/// `netsh http add sslcert …` for `key`. A CCS record takes no hash or store.
pub(crate) fn netsh_add(key: &MappingKey, hash: Option<&Thumbprint>, store: &str, app_id: AppId) -> String {
    let mut command = format!("netsh http add sslcert {}", netsh_key(key));
    if !matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. }) {
        match hash {
            Some(hash) => command.push_str(&format!(" certhash={}", hash.to_string().to_ascii_lowercase())),
            None => command.push_str(" certhash=<THUMBPRINT>"),
        }
        command.push_str(&format!(" certstorename={store}"));
    }
    command.push_str(&format!(" appid=\"{app_id}\""));
    command
}

/// `netsh http delete sslcert …` for `key`.
pub(crate) fn netsh_delete(key: &MappingKey) -> String {
    format!("netsh http delete sslcert {}", netsh_key(key))
}

/// `netsh http show sslcert …` for `key`, to check a change.
pub(crate) fn netsh_show(key: &MappingKey) -> String {
    format!("netsh http show sslcert {}", netsh_key(key))
}

/// `netsh http add urlacl …`: reserve `url` for `user`.
pub(crate) fn netsh_urlacl_add(url: &str, user: &str) -> String {
    format!("netsh http add urlacl url={url} user={user}")
}

/// `netsh http delete urlacl …`: delete the reservation of `url`.
pub(crate) fn netsh_urlacl_delete(url: &str) -> String {
    format!("netsh http delete urlacl url={url}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_quote_the_app_id_and_omit_the_hash_for_ccs() {
        let app_id = AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap();
        let hash = Thumbprint::parse("5226DC6C54559761CD471B86EB51C096252C90F2").unwrap();
        let sni = MappingKey::Sni { host: "a.example.com".into(), port: 443 };
        assert_eq!(
            netsh_add(&sni, Some(&hash), "WebHosting", app_id),
            "netsh http add sslcert hostnameport=a.example.com:443 certhash=5226dc6c54559761cd471b86eb51c096252c90f2 \
             certstorename=WebHosting appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\""
        );
        assert_eq!(
            netsh_add(&MappingKey::Ccs { port: 443 }, None, "MY", app_id),
            "netsh http add sslcert ccs=443 appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\""
        );
        let ipv6 = MappingKey::Ip("[::]:443".parse().unwrap());
        assert_eq!(netsh_delete(&ipv6), "netsh http delete sslcert ipport=[::]:443");
    }
}
