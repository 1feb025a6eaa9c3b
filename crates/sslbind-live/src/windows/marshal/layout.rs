//! Where each `HTTP_SERVICE_CONFIG_*_SET` structure keeps its key and its parameters, as
//! offsets computed with `offset_of!` on the `windows-sys` structures: the one table the
//! decoder and the encoder share, so that both directions read and write the same bytes.
//! It is public so that tests can hold it against offsets written by hand from `http.h`.

use std::mem::{offset_of, size_of};

use sslbind_core::model::MappingKind;
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY, HTTP_SERVICE_CONFIG_SSL_CCS_SET, HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX,
    HTTP_SERVICE_CONFIG_SSL_KEY, HTTP_SERVICE_CONFIG_SSL_KEY_EX, HTTP_SERVICE_CONFIG_SSL_SET,
    HTTP_SERVICE_CONFIG_SSL_SET_EX, HTTP_SERVICE_CONFIG_SSL_SNI_KEY, HTTP_SERVICE_CONFIG_SSL_SNI_SET,
    HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX,
};

/// The size of a pointer field.
pub(super) const POINTER: usize = size_of::<usize>();

/// Where a record structure keeps its key.
#[derive(Clone, Copy, Debug)]
pub enum KeyLayout {
    /// `HTTP_SERVICE_CONFIG_SSL_KEY`: a pointer to a `SOCKADDR_IN` or `SOCKADDR_IN6`.
    AddressPointer {
        /// The offset of `pIpPort`.
        pointer: usize,
    },
    /// A `SOCKADDR_STORAGE` inside the structure (`…_KEY_EX`, `…_CCS_KEY`).
    Storage {
        /// The offset of the `SOCKADDR_STORAGE`.
        storage: usize,
    },
    /// `HTTP_SERVICE_CONFIG_SSL_SNI_KEY`: a `SOCKADDR_STORAGE` (only its port counts) and a
    /// pointer to the host name.
    StorageAndHost {
        /// The offset of the `SOCKADDR_STORAGE`.
        storage: usize,
        /// The offset of `Host`.
        host: usize,
    },
}

/// One `…_SET` or `…_SET_EX` structure.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// The structure's name in `http.h`.
    pub name: &'static str,
    /// Its size.
    pub size: usize,
    /// Where its key is.
    pub key: KeyLayout,
    /// The offset of `ParamDesc`.
    pub param: usize,
}

const SNI_KEY: KeyLayout = KeyLayout::StorageAndHost {
    storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_KEY, IpPort),
    host: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_KEY, Host),
};

/// The `…_SET` structure of `kind`. Scoped CCS records use the SNI structure: no header
/// names one of their own, and a public implementation uses `HTTP_SERVICE_CONFIG_SSL_SNI_SET`
/// (UNCERTAIN: docs/httpsys.md#scoped-ccs-structures).
pub fn set_layout(kind: MappingKind) -> Layout {
    match kind {
        MappingKind::Ip => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SET",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SET>(),
            key: KeyLayout::AddressPointer {
                pointer: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_KEY, pIpPort),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, ParamDesc),
        },
        MappingKind::Sni | MappingKind::ScopedCcs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SNI_SET",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SNI_SET>(),
            key: shifted(SNI_KEY, offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET, KeyDesc)),
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET, ParamDesc),
        },
        MappingKind::Ccs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_CCS_SET",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_CCS_SET>(),
            key: KeyLayout::Storage {
                storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_KEY, LocalAddress),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET, ParamDesc),
        },
    }
}

/// The `…_SET_EX` structure of `kind`.
pub fn ex_layout(kind: MappingKind) -> Layout {
    match kind {
        MappingKind::Ip => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SET_EX",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SET_EX>(),
            key: KeyLayout::Storage {
                storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET_EX, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_KEY_EX, IpPort),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET_EX, ParamDesc),
        },
        MappingKind::Sni | MappingKind::ScopedCcs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX>(),
            key: shifted(SNI_KEY, offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, KeyDesc)),
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, ParamDesc),
        },
        MappingKind::Ccs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX>(),
            key: KeyLayout::Storage {
                storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_KEY, LocalAddress),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, ParamDesc),
        },
    }
}

fn shifted(key: KeyLayout, by: usize) -> KeyLayout {
    match key {
        KeyLayout::AddressPointer { pointer } => KeyLayout::AddressPointer { pointer: pointer + by },
        KeyLayout::Storage { storage } => KeyLayout::Storage { storage: storage + by },
        KeyLayout::StorageAndHost { storage, host } => {
            KeyLayout::StorageAndHost { storage: storage + by, host: host + by }
        }
    }
}

/// Field offsets inside `HTTP_SERVICE_CONFIG_SSL_PARAM`.
pub mod param {
    use std::mem::offset_of;

    use windows_sys::Win32::Networking::HttpServer::HTTP_SERVICE_CONFIG_SSL_PARAM as P;

    /// `SslHashLength`.
    pub const HASH_LENGTH: usize = offset_of!(P, SslHashLength);
    /// `pSslHash`.
    pub const HASH: usize = offset_of!(P, pSslHash);
    /// `AppId`.
    pub const APP_ID: usize = offset_of!(P, AppId);
    /// `pSslCertStoreName`.
    pub const STORE: usize = offset_of!(P, pSslCertStoreName);
    /// `DefaultCertCheckMode`.
    pub const CHECK_MODE: usize = offset_of!(P, DefaultCertCheckMode);
    /// `DefaultRevocationFreshnessTime`.
    pub const FRESHNESS: usize = offset_of!(P, DefaultRevocationFreshnessTime);
    /// `DefaultRevocationUrlRetrievalTimeout`.
    pub const TIMEOUT: usize = offset_of!(P, DefaultRevocationUrlRetrievalTimeout);
    /// `pDefaultSslCtlIdentifier`.
    pub const CTL_IDENTIFIER: usize = offset_of!(P, pDefaultSslCtlIdentifier);
    /// `pDefaultSslCtlStoreName`.
    pub const CTL_STORE: usize = offset_of!(P, pDefaultSslCtlStoreName);
    /// `DefaultFlags`.
    pub const FLAGS: usize = offset_of!(P, DefaultFlags);
}
