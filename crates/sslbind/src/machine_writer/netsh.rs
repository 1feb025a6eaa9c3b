//! `netsh http show sslcert` output as Windows Server 2022 prints it, CRLF line ends.

use std::fmt::Write as _;

/// The heading netsh prints before the first record.
pub fn header() -> String {
    String::from("\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n")
}

/// The label netsh prints before a record's key: `IP:port`, `Hostname:port` or
/// `Central Certificate Store`.
pub mod label {
    /// An IP-based mapping.
    pub const IP: &str = "IP:port";
    /// An SNI mapping.
    pub const SNI: &str = "Hostname:port";
    /// A Central Certificate Store mapping (its key is a port).
    pub const CCS: &str = "Central Certificate Store";
}

/// Appends one record; `hash` and `store` are `None` for a CCS record, which has neither.
pub fn record(
    out: &mut String,
    label: &str,
    key: &str,
    hash: Option<&str>,
    app_id: &str,
    store: Option<&str>,
) {
    let mut lines = vec![(label, key)];
    if let Some(hash) = hash {
        lines.push(("Certificate Hash", hash));
    }
    lines.push(("Application ID", app_id));
    if let Some(store) = store {
        lines.push(("Certificate Store Name", store));
    }
    lines.extend([
        ("Verify Client Certificate Revocation", "Enabled"),
        ("Verify Revocation Using Cached Client Certificate Only", "Disabled"),
        ("Usage Check", "Enabled"),
        ("Revocation Freshness Time", "0"),
        ("URL Retrieval Timeout", "0"),
        ("Ctl Identifier", "(null)"),
        ("Ctl Store Name", "(null)"),
        ("DS Mapper Usage", "Disabled"),
        ("Negotiate Client Certificate", "Disabled"),
        ("Reject Connections", "Disabled"),
        ("Disable HTTP2", "Not Set"),
        ("Disable QUIC", "Not Set"),
        ("Disable TLS1.2", "Not Set"),
        ("Disable TLS1.3", "Not Set"),
        ("Disable OCSP Stapling", "Not Set"),
        ("Enable Token Binding", "Not Set"),
        ("Log Extended Events", "Not Set"),
        ("Disable Legacy TLS Versions", "Not Set"),
        ("Enable Session Ticket", "Not Set"),
    ]);
    for (label, value) in lines {
        // netsh pads labels to 29 columns; longer labels keep one space before the colon.
        let _ = write!(out, "    {label:<28} : {value}\r\n");
    }
    out.push_str("\r\n");
}
