//! The two flag words sslbind reads and writes: IIS's `sslFlags` binding attribute and
//! HTTP.sys's `DefaultFlags` mapping word, each with one table of what sslbind knows about its
//! bits. Names in JSON, netsh labels and parameters, and IIS's names are all taken from these
//! tables, so that a bit is described in one place.
//!
//! Both words keep every bit, known or not ([`SslFlags::from_bits_retain`]), so that a value
//! written back is the value read.

use std::fmt;

bitflags::bitflags! {
    /// The `sslFlags` attribute of an IIS binding: a plain unsigned number whose bits IIS
    /// gives meaning to ([`SSL_FLAGS`] describes them).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct SslFlags: u32 {
        /// Server Name Indication: the certificate comes from a `host:port` mapping.
        const SNI = 1;
        /// Centralized Certificate Store: the certificate comes from `<host>.pfx` on a share.
        const CENTRAL_CERT_STORE = 2;
        /// Disable HTTP/2 (IIS 10 1809 and later).
        const DISABLE_HTTP2 = 4;
        /// Disable OCSP stapling.
        const DISABLE_OCSP_STAPLING = 8;
        /// Disable QUIC.
        const DISABLE_QUIC = 16;
        /// Disable TLS 1.3 over TCP.
        const DISABLE_TLS13_OVER_TCP = 32;
        /// Disable legacy TLS versions.
        const DISABLE_LEGACY_TLS = 64;
    }
}

bitflags::bitflags! {
    /// The `DefaultFlags` word of an HTTP.sys mapping (`HTTP_SERVICE_CONFIG_SSL_FLAG_*`), as
    /// the registry and the HTTP Server API store it ([`DEFAULT_FLAGS`] describes the bits).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct DefaultFlags: u32 {
        /// "DS Mapper Usage".
        const USE_DS_MAPPER = 0x1;
        /// "Negotiate Client Certificate".
        const NEGOTIATE_CLIENT_CERT = 0x2;
        /// "No Raw Filter".
        const NO_RAW_FILTER = 0x4;
        /// "Reject Connections".
        const REJECT = 0x8;
        /// "Disable HTTP2".
        const DISABLE_HTTP2 = 0x10;
        /// "Disable QUIC".
        const DISABLE_QUIC = 0x20;
        /// "Disable TLS1.3".
        const DISABLE_TLS13 = 0x40;
        /// "Disable OCSP Stapling".
        const DISABLE_OCSP_STAPLING = 0x80;
        /// "Enable Token Binding".
        const ENABLE_TOKEN_BINDING = 0x100;
        /// "Log Extended Events".
        const LOG_EXTENDED_EVENTS = 0x200;
        /// "Disable Legacy TLS Versions".
        const DISABLE_LEGACY_TLS = 0x400;
        /// "Enable Session Ticket".
        const ENABLE_SESSION_TICKET = 0x800;
        /// "Disable TLS1.2".
        const DISABLE_TLS12 = 0x1000;
        /// "Enable Client Correlation".
        const ENABLE_CLIENT_CORRELATION = 0x2000;
        /// "Disable Session ID".
        const DISABLE_SESSION_ID = 0x4000;
        /// "Enable Caching Client Hello".
        const ENABLE_CACHE_CLIENT_HELLO = 0x8000;
    }
}

/// What sslbind knows about one `sslFlags` bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SslFlagInfo {
    /// The bit.
    pub flag: SslFlags,
    /// The contract's kebab-case name (JSON `ssl_flag_names`).
    pub name: &'static str,
    /// The short name the bindings table prints.
    pub short: &'static str,
    /// IIS Manager's name for the setting.
    pub setting: &'static str,
    /// UNCERTAIN: the `DefaultFlags` bit IIS writes into the mapping for it (docs/httpsys.md#sslflags-to-defaultflags,
    /// inferred from the names; never observed); `None` for the bits that choose the mapping
    /// rather than a setting of it. [`crate::uncertain::default_flags_for_ssl_flags`] is the
    /// translation.
    pub default_flag: Option<DefaultFlags>,
}

/// Every known `sslFlags` bit, in bit order.
pub const SSL_FLAGS: [SslFlagInfo; 7] = [
    SslFlagInfo {
        flag: SslFlags::SNI,
        name: "sni",
        short: "sni",
        setting: "Require Server Name Indication",
        default_flag: None,
    },
    SslFlagInfo {
        flag: SslFlags::CENTRAL_CERT_STORE,
        name: "central-cert-store",
        short: "ccs",
        setting: "Use Centralized Certificate Store",
        default_flag: None,
    },
    SslFlagInfo {
        flag: SslFlags::DISABLE_HTTP2,
        name: "disable-http2",
        short: "no-h2",
        setting: "Disable HTTP/2",
        default_flag: Some(DefaultFlags::DISABLE_HTTP2),
    },
    SslFlagInfo {
        flag: SslFlags::DISABLE_OCSP_STAPLING,
        name: "disable-ocsp-stapling",
        short: "no-ocsp",
        setting: "Disable OCSP Stapling",
        default_flag: Some(DefaultFlags::DISABLE_OCSP_STAPLING),
    },
    SslFlagInfo {
        flag: SslFlags::DISABLE_QUIC,
        name: "disable-quic",
        short: "no-quic",
        setting: "Disable QUIC",
        default_flag: Some(DefaultFlags::DISABLE_QUIC),
    },
    SslFlagInfo {
        flag: SslFlags::DISABLE_TLS13_OVER_TCP,
        name: "disable-tls13-over-tcp",
        short: "no-tls13",
        setting: "Disable TLS 1.3 over TCP",
        default_flag: Some(DefaultFlags::DISABLE_TLS13),
    },
    SslFlagInfo {
        flag: SslFlags::DISABLE_LEGACY_TLS,
        name: "disable-legacy-tls",
        short: "no-legacy",
        setting: "Disable Legacy TLS",
        default_flag: Some(DefaultFlags::DISABLE_LEGACY_TLS),
    },
];

/// What sslbind knows about one `DefaultFlags` bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultFlagInfo {
    /// The bit, as the registry's `DefaultFlags` value holds it.
    pub flag: DefaultFlags,
    /// The contract's kebab-case name (JSON `flags`).
    pub name: &'static str,
    /// The label `netsh http show sslcert` prints for it.
    pub netsh_label: &'static str,
    /// The parameter of `netsh http add|update sslcert` that sets it; `None` when netsh has
    /// none.
    pub netsh_parameter: Option<&'static str>,
}

/// Every known `DefaultFlags` bit. The bits netsh can set come first, in the order of netsh's
/// usage text, which is the order scripts write the parameters in.
pub const DEFAULT_FLAGS: [DefaultFlagInfo; 16] = [
    default_flag(DefaultFlags::USE_DS_MAPPER, "use-ds-mapper", "DS Mapper Usage", Some("dsmapperusage")),
    default_flag(
        DefaultFlags::NEGOTIATE_CLIENT_CERT,
        "negotiate-client-cert",
        "Negotiate Client Certificate",
        Some("clientcertnegotiation"),
    ),
    default_flag(DefaultFlags::REJECT, "reject", "Reject Connections", Some("reject")),
    default_flag(DefaultFlags::DISABLE_HTTP2, "disable-http2", "Disable HTTP2", Some("disablehttp2")),
    default_flag(DefaultFlags::DISABLE_QUIC, "disable-quic", "Disable QUIC", Some("disablequic")),
    default_flag(
        DefaultFlags::DISABLE_LEGACY_TLS,
        "disable-legacy-tls",
        "Disable Legacy TLS Versions",
        Some("disablelegacytls"),
    ),
    default_flag(DefaultFlags::DISABLE_TLS12, "disable-tls12", "Disable TLS1.2", Some("disabletls12")),
    default_flag(DefaultFlags::DISABLE_TLS13, "disable-tls13", "Disable TLS1.3", Some("disabletls13")),
    default_flag(
        DefaultFlags::DISABLE_OCSP_STAPLING,
        "disable-ocsp-stapling",
        "Disable OCSP Stapling",
        Some("disableocspstapling"),
    ),
    default_flag(
        DefaultFlags::ENABLE_TOKEN_BINDING,
        "enable-token-binding",
        "Enable Token Binding",
        Some("enabletokenbinding"),
    ),
    default_flag(
        DefaultFlags::LOG_EXTENDED_EVENTS,
        "log-extended-events",
        "Log Extended Events",
        Some("logextendedevents"),
    ),
    default_flag(
        DefaultFlags::ENABLE_SESSION_TICKET,
        "enable-session-ticket",
        "Enable Session Ticket",
        Some("enablesessionticket"),
    ),
    default_flag(
        DefaultFlags::DISABLE_SESSION_ID,
        "disable-session-id",
        "Disable Session ID",
        Some("disablesessionid"),
    ),
    default_flag(DefaultFlags::NO_RAW_FILTER, "no-raw-filter", "No Raw Filter", None),
    default_flag(
        DefaultFlags::ENABLE_CLIENT_CORRELATION,
        "enable-client-correlation",
        "Enable Client Correlation",
        None,
    ),
    default_flag(
        DefaultFlags::ENABLE_CACHE_CLIENT_HELLO,
        "enable-cache-client-hello",
        "Enable Caching Client Hello",
        None,
    ),
];

const fn default_flag(
    flag: DefaultFlags,
    name: &'static str,
    netsh_label: &'static str,
    netsh_parameter: Option<&'static str>,
) -> DefaultFlagInfo {
    DefaultFlagInfo { flag, name, netsh_label, netsh_parameter }
}

impl SslFlags {
    /// Whether the SNI bit is set.
    pub fn sni(self) -> bool {
        self.contains(SslFlags::SNI)
    }

    /// Whether the Centralized Certificate Store bit is set.
    pub fn central_cert_store(self) -> bool {
        self.contains(SslFlags::CENTRAL_CERT_STORE)
    }

    /// What [`SSL_FLAGS`] says about the single bit `flag`.
    pub fn info(flag: SslFlags) -> Option<&'static SslFlagInfo> {
        SSL_FLAGS.iter().find(|info| info.flag == flag)
    }

    /// Kebab-case names of the set bits in bit order; unknown bits as `bit-N` (their value).
    pub fn names(self) -> Vec<String> {
        names(self.bits(), |bit| SslFlags::info(SslFlags::from_bits_retain(bit)).map(|info| info.name))
    }
}

impl DefaultFlags {
    /// What [`DEFAULT_FLAGS`] says about the single bit `flag`.
    pub fn info(flag: DefaultFlags) -> Option<&'static DefaultFlagInfo> {
        DEFAULT_FLAGS.iter().find(|info| info.flag == flag)
    }

    /// Kebab-case names of the set bits in bit order; unknown bits as `bit-N` (their value).
    pub fn names(self) -> Vec<String> {
        names(self.bits(), |bit| {
            DefaultFlags::info(DefaultFlags::from_bits_retain(bit)).map(|info| info.name)
        })
    }

    /// The bit of a contract name (`disable-tls13`).
    pub fn named(name: &str) -> Option<DefaultFlags> {
        DEFAULT_FLAGS.iter().find(|info| info.name == name).map(|info| info.flag)
    }
}

fn names(bits: u32, name_of: impl Fn(u32) -> Option<&'static str>) -> Vec<String> {
    (0..32)
        .map(|shift| 1u32 << shift)
        .filter(|bit| bits & bit != 0)
        .map(|bit| name_of(bit).map_or_else(|| format!("bit-{bit}"), str::to_owned))
        .collect()
}

impl Default for SslFlags {
    fn default() -> SslFlags {
        SslFlags::empty()
    }
}

impl Default for DefaultFlags {
    fn default() -> DefaultFlags {
        DefaultFlags::empty()
    }
}

impl fmt::Debug for SslFlags {
    /// The number, as `applicationHost.config` writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SslFlags({})", self.bits())
    }
}

impl fmt::Debug for DefaultFlags {
    /// The number, as the registry holds it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DefaultFlags({})", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bit_has_one_entry_and_unknown_bits_survive() {
        for (position, info) in SSL_FLAGS.iter().enumerate() {
            assert_eq!(info.flag.bits().count_ones(), 1, "{}", info.name);
            assert!(SSL_FLAGS[..position].iter().all(|other| other.flag != info.flag), "{}", info.name);
        }
        for (position, info) in DEFAULT_FLAGS.iter().enumerate() {
            assert_eq!(info.flag.bits().count_ones(), 1, "{}", info.name);
            assert!(DEFAULT_FLAGS[..position].iter().all(|other| other.flag != info.flag), "{}", info.name);
        }
        assert_eq!(SSL_FLAGS.iter().fold(SslFlags::empty(), |all, info| all | info.flag), SslFlags::all());
        assert_eq!(
            DEFAULT_FLAGS.iter().fold(DefaultFlags::empty(), |all, info| all | info.flag),
            DefaultFlags::all()
        );
        assert_eq!(SslFlags::from_bits_retain(1 | 4 | 256).names(), ["sni", "disable-http2", "bit-256"]);
        assert_eq!(DefaultFlags::from_bits_retain(0x10 | 0x1_0000).bits(), 0x1_0010);
        assert_eq!(DefaultFlags::from_bits_retain(0x10 | 0x1_0000).names(), ["disable-http2", "bit-65536"]);
    }
}
