//! `private-key-missing`: a mapped certificate is known to have no private key.

use crate::command::Command;
use crate::doctor::fix::{Fix, line};
use crate::doctor::rules::mapped_certificates;
use crate::doctor::{Code, Context, Finding};

/// The explanation `sslbind explain private-key-missing` prints.
pub(super) const EXPLANATION: &str = "\
To serve TLS, HTTP.sys needs the certificate's private key, readable by the system, in the \
LocalMachine store. A certificate imported from a .cer or .crt file, exported without its key, \
or imported into a user's store and copied over has none. Creating the mapping then fails in \
netsh, IIS Manager, PowerShell and ACME clients with error 1312, \"A specified logon session \
does not exist. It may already have been terminated\", which names neither the key nor the \
certificate, and often leaves the IIS binding saved without its mapping; an existing mapping \
to such a certificate makes the handshake fail. The fix is to import the certificate again \
from a PFX that includes the private key, into the LocalMachine store the mapping names \
(certutil -importpfx, or Import-PfxCertificate with Cert:\\LocalMachine\\My).";

/// Reports every mapping whose certificate is known to lack its private key.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in mapped_certificates(context) {
        let copies: Vec<Option<bool>> = mapped.copies(context).map(|copy| copy.has_private_key).collect();
        if !copies.contains(&Some(false)) || copies.contains(&Some(true)) {
            continue;
        }
        let store = mapped.first_mapping(context).map_or("MY", |mapping| mapping.effective_store());
        let message = format!(
            "{}, which has no private key, so HTTP.sys cannot serve it, and netsh and IIS fail to map it with error \
             1312, \"A specified logon session does not exist\"",
            mapped.describe(context)
        );
        let title = format!(
            "import the certificate again from a PFX that includes its private key into the LocalMachine `{store}` \
             store (elevated; or `Import-PfxCertificate -FilePath <FILE>.pfx -CertStoreLocation \
             Cert:\\LocalMachine\\{store}`)"
        );
        let fix = Fix::new(title, vec![line(
            &Command::new("certutil")
                .words("-f -p")
                .placeholder("<PASSWORD>")
                .word("-importpfx")
                .word(store)
                .placeholder("<FILE>.pfx"),
        )]);
        findings.push(mapped.finding(context, Code::PrivateKeyMissing, message).with_fix(fix));
    }
}
