//! Registry exports as regedit 5 writes them: the HTTP.sys records under
//! `HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters` and certificates as store `Blob`s
//! under `HKLM\SOFTWARE\Microsoft\SystemCertificates`. The text is built with `\n` and turned
//! into UTF-16 LE with CRLF by [`finish`].

use std::fmt::Write as _;

use sslbind_core::text::{Encoding, encode};

/// The key holding HTTP.sys's records.
pub const HTTP: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\HTTP\Parameters";
/// The key holding the machine's certificate stores.
pub const STORES: &str = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SystemCertificates";

/// The record kinds: the subkey of [`HTTP`] each lives under.
pub mod parent {
    /// IP-based records.
    pub const IP: &str = "SslBindingInfo";
    /// SNI records.
    pub const SNI: &str = "SslSniBindingInfo";
    /// Central Certificate Store records.
    pub const CCS: &str = "SslCcsBindingInfo";
}

/// The start of an export.
pub fn header() -> String {
    String::from("Windows Registry Editor Version 5.00\n\n")
}

/// `bytes` as a `hex:` value, wrapped as regedit wraps it.
pub fn hex_value(bytes: &[u8]) -> String {
    let mut out = String::from("hex:");
    let mut width = 24;
    for (index, byte) in bytes.iter().enumerate() {
        let _ = write!(out, "{byte:02x}");
        width += 2;
        if index + 1 < bytes.len() {
            out.push(',');
            width += 1;
            if width > 76 {
                out.push_str("\\\n  ");
                width = 2;
            }
        }
    }
    out
}

/// A GUID in `{…}` form as the 16 bytes Windows stores (the first three fields little-endian).
pub fn guid_bytes(guid: &str) -> Vec<u8> {
    let hex: String = guid.chars().filter(char::is_ascii_hexdigit).collect();
    let bytes: Vec<u8> =
        (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok()).collect();
    if bytes.len() != 16 {
        return bytes;
    }
    let mut out = Vec::with_capacity(16);
    out.extend(bytes[0..4].iter().rev());
    out.extend(bytes[4..6].iter().rev());
    out.extend(bytes[6..8].iter().rev());
    out.extend(&bytes[8..]);
    out
}

/// Lowercase hex text as bytes.
pub fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect()
}

/// Appends one HTTP.sys record; `hash` and `store` are `None` for a CCS record.
pub fn record(
    out: &mut String,
    parent: &str,
    key: &str,
    hash: Option<&str>,
    app_id: &str,
    store: Option<&str>,
) {
    let _ = writeln!(out, "[{HTTP}\\{parent}\\{key}]");
    if let Some(hash) = hash {
        let _ = writeln!(out, "\"SslCertHash\"={}", hex_value(&hex_bytes(hash)));
    }
    let _ = writeln!(out, "\"AppId\"={}", hex_value(&guid_bytes(app_id)));
    if let Some(store) = store {
        let _ = writeln!(out, "\"SslCertStoreName\"=\"{store}\"");
    }
    out.push_str("\"DefaultSslCertCheckMode\"=dword:00000000\n\"DefaultFlags\"=dword:00000000\n\n");
}

/// Appends a certificate to `store` as a serialized store element: the DER as property 32
/// (`CERT_CERT_PROP_ID`) behind its 12-byte header.
pub fn certificate(out: &mut String, store: &str, hash: &str, der: &[u8]) {
    let mut blob = Vec::with_capacity(der.len() + 12);
    blob.extend(32u32.to_le_bytes());
    blob.extend(1u32.to_le_bytes());
    blob.extend(u32::try_from(der.len()).unwrap_or(u32::MAX).to_le_bytes());
    blob.extend(der);
    let _ = writeln!(out, "[{STORES}\\{store}\\Certificates\\{}]", hash.to_uppercase());
    let _ = writeln!(out, "\"Blob\"={}\n", hex_value(&blob));
}

/// The export as regedit saves it: UTF-16 LE with a BOM, CRLF line ends.
pub fn finish(text: &str) -> Vec<u8> {
    encode(&text.replace('\n', "\r\n"), Encoding::Utf16Le)
}
