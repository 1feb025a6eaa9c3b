//! What every fuzz target asserts, in one place, so that `cargo fuzz` (nightly, in `fuzz/`)
//! and the regression test of `sslbind-core` (stable, `cargo test`) run the same code on the
//! same inputs. A reader may refuse any input with an error; it must never panic, and where
//! two operations are inverses (parse and format, add and remove) the round trip must hold.
//!
//! Only with the `fuzzing` feature, which the fuzz targets and this crate's tests turn on:
//! unlike the rest of the crate, these functions panic, since a panic is how a fuzzer or a
//! test hears that an invariant broke.

use std::sync::Arc;

use crate::iis::{self, EditError};
use crate::model::{BindingEndpoint, ServerFlavor};
use crate::{certs, httpsys, registry, snapshot, text};

/// The name inputs are read under; messages never matter here.
fn path() -> Arc<str> {
    Arc::from("fuzz-input")
}

/// The protocols the first byte of a binding-information input chooses from.
const PROTOCOLS: [&str; 6] = ["https", "HTTP", "ftp", "net.tcp", "http", "msmq.formatname"];

/// `bindingInformation`: the first byte picks a protocol, the rest is the text. A parsed end
/// point formats to a text that parses back to the same end point and formats the same
/// again; an http or https text that does not parse has a reason.
pub fn binding_information(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let protocol = PROTOCOLS[usize::from(selector) % PROTOCOLS.len()];
    let information = String::from_utf8_lossy(rest);
    match iis::parse_binding_information(protocol, &information) {
        BindingEndpoint::Http(endpoint) => {
            let formatted = endpoint.to_string();
            let again = iis::parse_binding_information(protocol, &formatted);
            assert_eq!(again, BindingEndpoint::Http(endpoint), "{information:?} formatted as {formatted:?}");
            if let BindingEndpoint::Http(again) = again {
                assert_eq!(again.to_string(), formatted);
            }
        }
        BindingEndpoint::Invalid { reason } => {
            assert!(protocol.eq_ignore_ascii_case("http") || protocol.eq_ignore_ascii_case("https"));
            assert!(!reason.is_empty());
        }
        BindingEndpoint::Opaque => assert!(!protocol.to_ascii_lowercase().starts_with("http")),
    }
}

/// The config reader, then the editor on what it read: adding a binding to the first site
/// and removing it again gives the text back byte for byte, the added binding is read back,
/// and setting an existing binding's `sslFlags` changes what the reader sees and nothing else.
pub fn config(data: &[u8]) {
    let path = path();
    let _ = iis::read_config(&path, data, None);
    // The editor works on decoded text; the round trip is checked on that text.
    let text = text::decode(data).text;
    let Ok(read) = iis::read_config(&path, text.as_bytes(), Some(ServerFlavor::Iis)) else {
        return;
    };
    let _ = iis::invalid_binding_errors(&read.config);
    let Some(site) = read.config.sites.first() else {
        return;
    };
    let added = match iis::add_binding(&text, &site.name, "https", "*:65001:fuzz.invalid", Some(1)) {
        Ok(added) => added,
        Err(
            EditError::SiteAmbiguous { .. }
            | EditError::BindingExists { .. }
            | EditError::InvalidValue { .. },
        ) => {
            return;
        }
        Err(error) => panic!("the reader read this config but the editor refused it: {error}"),
    };
    let reread = match iis::read_config(&path, added.as_bytes(), Some(ServerFlavor::Iis)) {
        Ok(reread) => reread,
        Err(error) => panic!("the config no longer reads after adding a binding: {error}\n{added}"),
    };
    let count = |sites: &[crate::model::Site]| sites.iter().map(|site| site.bindings.len()).sum::<usize>();
    assert_eq!(count(&reread.config.sites), count(&read.config.sites) + 1, "{added}");
    let removed = iis::remove_binding(&added, &site.name, "https", "*:65001:fuzz.invalid");
    let removed = removed.unwrap_or_else(|error| panic!("the added binding cannot be removed: {error}"));
    // The editor's documented exception (iis::edit, "Limitations"): when the add had to create
    // a `<bindings>` element, removal leaves it, empty. With a binding already there, nothing
    // is created and the round trip is exact.
    if !site.bindings.is_empty() {
        assert_eq!(removed, text, "add then remove is not the identity");
    }

    if let Some(binding) = site.bindings.first() {
        let flags = binding.ssl_flags.bits() ^ 1;
        let set = iis::set_binding_attribute(
            &text,
            &site.name,
            &binding.protocol,
            &binding.information,
            "sslFlags",
            &flags.to_string(),
        );
        if let Ok(set) = set {
            let reread = iis::read_config(&path, set.as_bytes(), Some(ServerFlavor::Iis));
            let reread = reread.unwrap_or_else(|error| panic!("setting sslFlags broke the config: {error}"));
            let site_after = &reread.config.sites[0];
            assert_eq!(site_after.bindings.len(), site.bindings.len());
            assert_eq!(site_after.bindings[0].ssl_flags.bits(), flags);
        }
    }
}

/// The readers of netsh text: `show sslcert`, `show urlacl` and `show excludedportrange`.
pub fn netsh(data: &[u8]) {
    let path = path();
    let _ = httpsys::read_netsh(&path, data);
    let _ = httpsys::read_urlacl(&path, data);
    let _ = httpsys::read_excluded_ports(&path, data);
}

/// The `.reg` reader and the interpretation of what it read.
pub fn reg(data: &[u8]) {
    let path = path();
    if let Ok(read) = registry::reg::read_reg(&path, data) {
        let _ = registry::interpret::interpret(&read.tree, &path);
    }
}

/// The hive reader and the interpretation of what it read, as SYSTEM and as SOFTWARE.
pub fn hive(data: &[u8]) {
    let path = path();
    for name in ["SYSTEM", "SOFTWARE"] {
        if let Ok(read) = registry::hive::read_hive(&path, name, data) {
            let _ = registry::interpret::interpret(&read.tree, &path);
        }
    }
}

/// The certificate reader (DER, PEM, PKCS#12 with the empty password) and host matching on
/// what it read.
pub fn certificate(data: &[u8]) {
    let path = path();
    if let Ok(read) = certs::read_certificates(&path, data, None) {
        for certificate in &read.certificates {
            let _ = certs::covers_host(certificate, "www.example.com");
            let _ = certs::dns_identities(certificate);
        }
    }
}

/// The snapshot reader.
pub fn snapshot(data: &[u8]) {
    let _ = snapshot::read_snapshot(&path(), data);
}
