//! `probe-certificate-mismatch`: the live server presented another certificate than the saved
//! state maps. Only `sslbind probe` produces it (from handshakes, in `doctor::probe`), so this
//! file holds the explanation and no static check.

/// The explanation `sslbind explain probe-certificate-mismatch` prints.
pub(super) const EXPLANATION: &str = "\
`sslbind probe` made a TLS handshake with the live server and compared the certificate it \
presented with the one the saved state says HTTP.sys should serve for that connection: the \
mapping the selection order picks (the binding's SNI mapping, a specific IP:port mapping, the \
CCS record or the wildcard 0.0.0.0:port fallback) and the thumbprint that mapping names. They \
differ. Either the saved state is out of date (a mapping was re-pointed, a certificate renewed, \
or a binding added since `netsh http show sslcert` was saved), or the handshake did not reach \
HTTP.sys on that machine (a load balancer, reverse proxy or another server answers on that \
address), or HTTP.sys picks a different mapping than sslbind assumes (the selection order has \
uncertain points, see `uncertain.rs`). For a handshake without SNI the mapping compared is the \
port's fallback. Save the mappings again and re-run the probe; if they still differ, check \
the mapping named in the finding with `netsh http show sslcert` on the server and re-point it \
to the certificate the site should present.";
