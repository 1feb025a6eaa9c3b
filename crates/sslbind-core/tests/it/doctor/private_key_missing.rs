//! Where `private-key-missing` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;
use sslbind_core::model::Certificate;

use crate::doctor::{findings, report};
use crate::support::{IIS, MachineBuilder, certificate};

/// `certificate` as a source that tells whether its private key is there.
fn with_key(certificate: &Certificate, key: Option<bool>) -> Certificate {
    Certificate { has_private_key: key, ..certificate.clone() }
}

#[test]
fn a_certificate_known_to_lack_its_key_fires_with_the_pfx_import() {
    let keyless = with_key(&certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1)), Some(false));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_with(
            "Hostname:port",
            "a.example.com:443",
            IIS,
            &keyless.thumbprint.to_string(),
            "WebHosting",
            &[],
        )
        .certificate(&keyless);
    assert_eq!(
        report(&findings(builder), Code::PrivateKeyMissing),
        format!(
            "error site=a binding=*:443:a.example.com mapping=a.example.com:443 cert={}: sni mapping \
             `a.example.com:443` (used by site `a`, binding `*:443:a.example.com`) maps certificate `a.example.com` \
             ({}), which has no private key, so HTTP.sys cannot serve it, and netsh and IIS fail to map it with error \
             1312, \"A specified logon session does not exist\"\n\
             fix: import the certificate again from a PFX that includes its private key into the LocalMachine \
             `WebHosting` store (elevated; or `Import-PfxCertificate -FilePath <FILE>.pfx -CertStoreLocation \
             Cert:\\LocalMachine\\WebHosting`)\n  \
             certutil -f -p <PASSWORD> -importpfx WebHosting <FILE>.pfx\n",
            &keyless.thumbprint.to_string()[..8],
            keyless.thumbprint,
        )
    );
}

#[test]
fn near_misses_unknown_or_present_keys_do_not_fire() {
    let unknown = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let present = with_key(&certificate(&["b.example.com"], (2025, 1, 1), (2027, 1, 1)), Some(true));
    // Read twice: once from a store without the key's property, once from a PFX with the key.
    let both = certificate(&["c.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &unknown)
        .mapping_of("IP:port", "0.0.0.0:444", IIS, &present)
        .mapping_of("IP:port", "0.0.0.0:445", IIS, &both)
        .certificate(&unknown)
        .certificate(&present)
        .certificate(&with_key(&both, Some(false)))
        .certificate(&with_key(&both, Some(true)));
    assert_eq!(report(&findings(builder), Code::PrivateKeyMissing), "");
}
