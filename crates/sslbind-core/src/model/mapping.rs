//! HTTP.sys certificate mappings: the records `netsh http show sslcert` lists and the HTTP
//! Server API stores, one per IP end point, host name and port, or CCS port.

use std::fmt;
use std::net::SocketAddr;

use crate::model::flags::DefaultFlags;
use crate::model::host::HostName;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::source::Origin;

/// One HTTP.sys SSL configuration record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// What the record is keyed by.
    pub key: MappingKey,
    /// The certificate thumbprint; `None` for CCS records and when the source had none.
    pub certificate_hash: Option<Thumbprint>,
    /// The owner tag.
    pub app_id: Option<AppId>,
    /// The LocalMachine store named by the record as written (`my`, `WebHosting`); `None`
    /// when the record names none (netsh's `(null)`), which HTTP.sys reads as `MY`.
    pub certificate_store: Option<String>,
    /// Client-certificate and revocation settings.
    pub params: MappingParams,
    /// The `DefaultFlags` word.
    pub flags: DefaultFlags,
    /// Whether the source showed the protocol flags (`Disable HTTP2` and the rest, printed by
    /// Windows Server 2019 and later); when `false`, a clear bit may only mean "not shown".
    pub flags_known: bool,
    /// HTTP/2 and other extended properties (`…Ex` records, netsh's "Extended Properties").
    pub extended_properties: Vec<ExtendedProperty>,
    /// Fields the reader did not recognise, kept as label and value.
    pub unknown_fields: Vec<(String, String)>,
    /// Whether the source ended before the record's last known field.
    pub truncated: bool,
    /// Where the record starts.
    pub origin: Origin,
}

impl Mapping {
    /// A record with `key` and every other field empty, at `origin`.
    pub fn new(key: MappingKey, origin: Origin) -> Mapping {
        Mapping {
            key,
            certificate_hash: None,
            app_id: None,
            certificate_store: None,
            params: MappingParams::default(),
            flags: DefaultFlags::default(),
            flags_known: false,
            extended_properties: Vec::new(),
            unknown_fields: Vec::new(),
            truncated: false,
            origin,
        }
    }

    /// The store HTTP.sys looks the certificate up in: the named one, or `MY`.
    pub fn effective_store(&self) -> &str {
        self.certificate_store.as_deref().unwrap_or("MY")
    }
}

// Not `#[non_exhaustive]`: each kind is its own HTTP.sys record type, and the marshalling
// in sslbind-live must fail to compile when one is added.
/// What an HTTP.sys record is keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MappingKey {
    /// `IP:port` (SslBindingInfo): `0.0.0.0:443`, `10.0.0.5:443`, `[::]:443`.
    Ip(SocketAddr),
    /// `Hostname:port` (SslSniBindingInfo). The host compares by its normalised form, so
    /// keys that HTTP.sys holds as one record are equal, and prints as stored.
    Sni {
        /// The host name.
        host: HostName,
        /// The port.
        port: u16,
    },
    /// `Central Certificate Store` on a port (SslCcsBindingInfo).
    Ccs {
        /// The port.
        port: u16,
    },
    /// A CCS record scoped to one host name and port.
    ScopedCcs {
        /// The host name.
        host: HostName,
        /// The port.
        port: u16,
    },
}

impl MappingKey {
    /// The kind of record.
    pub fn kind(&self) -> MappingKind {
        match self {
            MappingKey::Ip(_) => MappingKind::Ip,
            MappingKey::Sni { .. } => MappingKind::Sni,
            MappingKey::Ccs { .. } => MappingKind::Ccs,
            MappingKey::ScopedCcs { .. } => MappingKind::ScopedCcs,
        }
    }

    /// The port the record applies to.
    pub fn port(&self) -> u16 {
        match self {
            MappingKey::Ip(address) => address.port(),
            MappingKey::Sni { port, .. } | MappingKey::Ccs { port } | MappingKey::ScopedCcs { port, .. } => {
                *port
            }
        }
    }

    /// Whether this is a wildcard IP record (`0.0.0.0:port` or `[::]:port`).
    pub fn is_wildcard_ip(&self) -> bool {
        matches!(self, MappingKey::Ip(address) if address.ip().is_unspecified())
    }
}

impl fmt::Display for MappingKey {
    /// The value netsh prints after the record's first label: `0.0.0.0:443`, `[::]:443`,
    /// `host:443`, and the port alone for a Central Certificate Store record.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MappingKey::Ip(address) => write!(f, "{address}"),
            MappingKey::Sni { host, port } | MappingKey::ScopedCcs { host, port } => {
                write!(f, "{host}:{port}")
            }
            MappingKey::Ccs { port } => write!(f, "{port}"),
        }
    }
}

// Not `#[non_exhaustive]`, as `MappingKey`: the HTTP.sys marshalling matches every kind.
/// The kinds of HTTP.sys record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MappingKind {
    /// `IP:port`.
    Ip,
    /// `Hostname:port`.
    Sni,
    /// Central Certificate Store on a port.
    Ccs,
    /// Central Certificate Store scoped to a host name and port.
    ScopedCcs,
}

impl MappingKind {
    /// The contract's name: `ip`, `sni`, `ccs`, `scoped-ccs`.
    pub fn as_str(self) -> &'static str {
        match self {
            MappingKind::Ip => "ip",
            MappingKind::Sni => "sni",
            MappingKind::Ccs => "ccs",
            MappingKind::ScopedCcs => "scoped-ccs",
        }
    }
}

impl fmt::Display for MappingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The client-certificate and revocation settings of a record (`HTTP_SERVICE_CONFIG_SSL_PARAM`
/// apart from hash, AppId, store and flags). `None` means the source did not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingParams {
    /// "Verify Client Certificate Revocation" (check mode bit 1 clear).
    pub verify_client_cert_revocation: Option<bool>,
    /// "Verify Revocation Using Cached Client Certificate Only" (check mode bit 2).
    pub verify_revocation_cached_only: Option<bool>,
    /// Whether `DefaultRevocationFreshnessTime` is in force (check mode bit 4).
    pub revocation_freshness_time_enabled: Option<bool>,
    /// "Usage Check" (check mode 0x10000 clear).
    pub usage_check: Option<bool>,
    /// "Revocation Freshness Time", seconds.
    pub revocation_freshness_time: Option<u32>,
    /// "URL Retrieval Timeout", milliseconds.
    pub url_retrieval_timeout: Option<u32>,
    /// "Ctl Identifier"; `None` for `(null)`.
    pub ctl_identifier: Option<String>,
    /// "Ctl Store Name"; `None` for `(null)`.
    pub ctl_store_name: Option<String>,
}

impl MappingParams {
    /// Check-mode bit: no revocation check.
    pub const CHECK_NO_REVOCATION: u32 = 1;
    /// Check-mode bit: only cached revocation.
    pub const CHECK_CACHED_ONLY: u32 = 2;
    /// Check-mode bit: `DefaultRevocationFreshnessTime` enabled.
    pub const CHECK_FRESHNESS_TIME: u32 = 4;
    /// Check-mode bit: no usage check.
    pub const CHECK_NO_USAGE_CHECK: u32 = 0x10000;

    /// The `DefaultCertCheckMode` word these settings stand for; unknown settings count as
    /// the defaults (revocation and usage checked).
    pub fn cert_check_mode(&self) -> u32 {
        let mut mode = 0;
        if self.verify_client_cert_revocation == Some(false) {
            mode |= Self::CHECK_NO_REVOCATION;
        }
        if self.verify_revocation_cached_only == Some(true) {
            mode |= Self::CHECK_CACHED_ONLY;
        }
        if self.revocation_freshness_time_enabled == Some(true) {
            mode |= Self::CHECK_FRESHNESS_TIME;
        }
        if self.usage_check == Some(false) {
            mode |= Self::CHECK_NO_USAGE_CHECK;
        }
        mode
    }

    /// Sets the check-mode settings from a `DefaultCertCheckMode` word.
    pub fn set_cert_check_mode(&mut self, mode: u32) {
        self.verify_client_cert_revocation = Some(mode & Self::CHECK_NO_REVOCATION == 0);
        self.verify_revocation_cached_only = Some(mode & Self::CHECK_CACHED_ONLY != 0);
        self.revocation_freshness_time_enabled = Some(mode & Self::CHECK_FRESHNESS_TIME != 0);
        self.usage_check = Some(mode & Self::CHECK_NO_USAGE_CHECK == 0);
    }
}

/// One "Extended Properties" block: a property id and its values as label and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendedProperty {
    /// `PropertyId` (0 HTTP/2 window, 1 HTTP/2 settings limits, …).
    pub property_id: Option<u32>,
    /// The other lines of the block.
    pub values: Vec<(String, String)>,
}
