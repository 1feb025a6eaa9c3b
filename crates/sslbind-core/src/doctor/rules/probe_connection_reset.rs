//! `probe-connection-reset`: the live server reset the TLS handshake or ended it with an
//! alert. Only `sslbind probe` produces it (from handshakes, in `doctor::probe`), so this file
//! holds the explanation and no static check.

/// The explanation `sslbind explain probe-connection-reset` prints.
pub(super) const EXPLANATION: &str = "\
`sslbind probe` connected to the server, sent a TLS ClientHello, and the server closed or reset \
the connection, or answered with a fatal TLS alert, instead of presenting a certificate. \
HTTP.sys does this when no certificate mapping applies to the connection: no SNI mapping for \
the host, no IP:port mapping for the address and no wildcard fallback for the port, which is \
what browsers show as ERR_CONNECTION_RESET with nothing in the IIS logs. It also happens when a \
mapping exists but its certificate cannot be used: the certificate was deleted from the store, \
or its private key is missing or not accessible to HTTP.sys. An alert such as \
`handshake_failure`, `protocol_version` or `insufficient_security` can also mean that the server \
and the probe share no protocol version or cipher suite: the probe offers TLS 1.2 and 1.3 with \
AEAD suites only, so a server limited to TLS 1.0 or CBC suites refuses it while older clients \
still connect. The finding is reported for the handshake a binding's clients make (with the \
binding's host as SNI), and for a handshake without SNI only when the saved state says a mapping \
should answer it. Run `sslbind doctor` on the same sources: `missing-mapping`, \
`certificate-not-found` and `private-key-missing` give the netsh commands that add or repair the \
mapping.";
