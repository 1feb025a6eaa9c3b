//! `probe-certificate-expired`: the live server presented a certificate that is expired or not
//! valid yet. Only `sslbind probe` produces it (from handshakes, in `doctor::probe`), so this
//! file holds the explanation and no static check.

/// The explanation `sslbind explain probe-certificate-expired` prints.
pub(super) const EXPLANATION: &str = "\
`sslbind probe` made a TLS handshake with the live server and the leaf certificate it presented \
is past its end date (or its validity has not started yet) at the time of the probe (`--now`, \
or the clock). Clients refuse such a certificate. Unlike `certificate-expired`, which judges the \
certificates the saved mappings name, this is what the server really serves, so it also catches \
a renewal that was imported but never mapped, a mapping re-pointed on one node of a farm only, \
or a proxy in front of IIS that still presents the old certificate. One finding is reported per \
certificate, naming the handshakes that received it. Renew the certificate, import it into the \
LocalMachine store, and re-point every mapping that names the old thumbprint \
(`sslbind mapping rebind --from OLD --to NEW` prints the netsh commands).";
