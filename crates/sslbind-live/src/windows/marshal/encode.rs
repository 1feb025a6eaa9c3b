//! Model values laid out as the structures `HttpSetServiceConfiguration`,
//! `HttpUpdateServiceConfiguration` and `HttpDeleteServiceConfiguration` take: the structure,
//! then its socket address, hash and UTF-16 strings, in one owned allocation whose pointers
//! point into itself.

use std::mem::{offset_of, size_of};
use std::net::SocketAddr;

use sslbind_core::model::{Mapping, MappingKey, MappingKind, MappingParams};
use windows_sys::Win32::Networking::HttpServer::HTTP_SERVICE_CONFIG_ID;
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKADDR_IN, SOCKADDR_IN6};

use super::config_id;
use super::layout::{KeyLayout, param, set_layout};

/// Why a mapping cannot be written as an HTTP.sys structure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// IP and SNI records name their certificate by hash.
    #[error("it has no certificate hash, which {kind} mappings need")]
    MissingHash {
        /// The kind of record.
        kind: MappingKind,
    },
    /// Every record is tagged with its owner.
    #[error("it has no AppId")]
    MissingAppId,
    /// A string HTTP.sys would cut at the NUL.
    #[error("its {field} contains a NUL character")]
    NulInString {
        /// Which string.
        field: &'static str,
    },
    /// A host-keyed record without a host.
    #[error("its host name is empty")]
    EmptyHost,
}

/// One HTTP.sys structure and everything its pointers point to, in one 8-byte-aligned
/// allocation owned by this value. Passing [`as_ptr`](Self::as_ptr) and
/// [`struct_size`](Self::struct_size) to the HTTP Server API is sound while the value lives:
/// the heap block never moves (it is never resized, and moving the value moves only the
/// vector's handle), and every pointer inside it was computed from the block's address.
/// It is deliberately not `Clone`: a copy would point into the original.
#[derive(Debug)]
pub struct EncodedRecord {
    words: Vec<u64>,
    struct_size: usize,
    config_id: HTTP_SERVICE_CONFIG_ID,
}

impl EncodedRecord {
    /// The config ID to pass with the structure.
    pub fn config_id(&self) -> HTTP_SERVICE_CONFIG_ID {
        self.config_id
    }

    /// The structure's address (`pConfigInformation`).
    pub fn as_ptr(&self) -> *const core::ffi::c_void {
        self.words.as_ptr().cast()
    }

    /// The structure's size (`ConfigInformationLength`); the strings and the hash after it
    /// are not counted, as with every caller of the API.
    pub fn struct_size(&self) -> u32 {
        u32::try_from(self.struct_size).unwrap_or(u32::MAX)
    }

    /// The address the pointers inside are relative to (the block's address).
    pub fn base(&self) -> usize {
        self.words.as_ptr().addr()
    }

    /// A copy of the whole block as bytes, for [`decode_record`](super::decode_record) with [`base`](Self::base).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|word| word.to_le_bytes()).collect()
    }
}

/// The structure `HttpSetServiceConfiguration` / `HttpUpdateServiceConfiguration` take to
/// create or change `mapping`: key, hash, AppId, store, check mode, revocation settings, CTL
/// names and `DefaultFlags`. Unknown fields and extended properties are not written.
pub fn encode_set(mapping: &Mapping) -> Result<EncodedRecord, EncodeError> {
    let kind = mapping.key.kind();
    let app_id = mapping.app_id.ok_or(EncodeError::MissingAppId)?;
    let layout = set_layout(kind);
    let mut image = Image::new(layout.size);
    write_key(&mut image, layout.key, &mapping.key)?;
    let p = layout.param;
    match (kind, &mapping.certificate_hash) {
        (_, Some(hash)) => {
            let at = image.append(hash.as_bytes());
            image.put(p + param::HASH_LENGTH, &20u32.to_le_bytes());
            image.point(p + param::HASH, at);
        }
        (MappingKind::Ccs | MappingKind::ScopedCcs, None) => {}
        (kind @ (MappingKind::Ip | MappingKind::Sni), None) => return Err(EncodeError::MissingHash { kind }),
    }
    image.put(p + param::APP_ID, &app_id.to_windows_bytes());
    image.string(p + param::STORE, mapping.certificate_store.as_deref(), "certificate store name")?;
    let params: &MappingParams = &mapping.params;
    image.put(p + param::CHECK_MODE, &params.cert_check_mode().to_le_bytes());
    image.put(p + param::FRESHNESS, &params.revocation_freshness_time.unwrap_or(0).to_le_bytes());
    image.put(p + param::TIMEOUT, &params.url_retrieval_timeout.unwrap_or(0).to_le_bytes());
    image.string(p + param::CTL_IDENTIFIER, params.ctl_identifier.as_deref(), "CTL identifier")?;
    image.string(p + param::CTL_STORE, params.ctl_store_name.as_deref(), "CTL store name")?;
    image.put(p + param::FLAGS, &mapping.flags.bits().to_le_bytes());
    Ok(image.finish(config_id(kind)))
}

/// The structure `HttpDeleteServiceConfiguration` takes to delete the record with `key`: the
/// key, with the parameters zeroed.
pub fn encode_delete(key: &MappingKey) -> Result<EncodedRecord, EncodeError> {
    let layout = set_layout(key.kind());
    let mut image = Image::new(layout.size);
    write_key(&mut image, layout.key, key)?;
    Ok(image.finish(config_id(key.kind())))
}

fn write_key(image: &mut Image, layout: KeyLayout, key: &MappingKey) -> Result<(), EncodeError> {
    let (address, host) = match key {
        MappingKey::Ip(address) => (*address, None),
        // HTTP.sys keys these by port; tools pass the wildcard IPv4 address with it.
        MappingKey::Ccs { port } => (SocketAddr::from(([0, 0, 0, 0], *port)), None),
        MappingKey::Sni { host, port } | MappingKey::ScopedCcs { host, port } => {
            if host.is_empty() {
                return Err(EncodeError::EmptyHost);
            }
            (SocketAddr::from(([0, 0, 0, 0], *port)), Some(host.as_str()))
        }
    };
    let socket = socket_address_bytes(address);
    match layout {
        KeyLayout::AddressPointer { pointer } => {
            let at = image.append(&socket);
            image.point(pointer, at);
        }
        KeyLayout::Storage { storage } => image.put(storage, &socket),
        KeyLayout::StorageAndHost { storage, host: host_at } => {
            image.put(storage, &socket);
            image.string(host_at, host, "host name")?;
        }
    }
    Ok(())
}

/// A `SOCKADDR_IN` or `SOCKADDR_IN6` as bytes.
fn socket_address_bytes(address: SocketAddr) -> Vec<u8> {
    match address {
        SocketAddr::V4(v4) => {
            let mut bytes = vec![0u8; size_of::<SOCKADDR_IN>()];
            put(&mut bytes, offset_of!(SOCKADDR_IN, sin_family), &AF_INET.to_le_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN, sin_port), &v4.port().to_be_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN, sin_addr), &v4.ip().octets());
            bytes
        }
        SocketAddr::V6(v6) => {
            let mut bytes = vec![0u8; size_of::<SOCKADDR_IN6>()];
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_family), &AF_INET6.to_le_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_port), &v6.port().to_be_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_flowinfo), &v6.flowinfo().to_le_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_addr), &v6.ip().octets());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, Anonymous), &v6.scope_id().to_le_bytes());
            bytes
        }
    }
}

/// Copies `data` into `bytes` at `at`; the layouts above keep every write inside, and a
/// write that would not fit is dropped rather than allowed to panic.
fn put(bytes: &mut [u8], at: usize, data: &[u8]) {
    if let Some(target) = at.checked_add(data.len()).and_then(|end| bytes.get_mut(at..end)) {
        target.copy_from_slice(data);
    }
}

/// A structure being laid out: its bytes, then appended data, with pointer fields recorded as
/// (field offset, target offset) until the block's address is known.
struct Image {
    bytes: Vec<u8>,
    struct_size: usize,
    pointers: Vec<(usize, usize)>,
}

impl Image {
    fn new(struct_size: usize) -> Image {
        Image { bytes: vec![0; struct_size], struct_size, pointers: Vec::new() }
    }

    fn put(&mut self, at: usize, data: &[u8]) {
        put(&mut self.bytes, at, data);
    }

    /// Appends `data` at the next 8-byte boundary; returns its offset.
    fn append(&mut self, data: &[u8]) -> usize {
        let at = self.bytes.len().next_multiple_of(8);
        self.bytes.resize(at, 0);
        self.bytes.extend_from_slice(data);
        at
    }

    /// Makes the pointer field at `at` point to offset `target` of the block.
    fn point(&mut self, at: usize, target: usize) {
        self.pointers.push((at, target));
    }

    /// Appends `text` as NUL-terminated UTF-16 and points the field at `at` to it; `None`
    /// leaves the pointer null.
    fn string(&mut self, at: usize, text: Option<&str>, field: &'static str) -> Result<(), EncodeError> {
        let Some(text) = text else { return Ok(()) };
        if text.contains('\0') {
            return Err(EncodeError::NulInString { field });
        }
        let units: Vec<u8> = text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
        let target = self.append(&units);
        self.point(at, target);
        Ok(())
    }

    fn finish(self, config_id: HTTP_SERVICE_CONFIG_ID) -> EncodedRecord {
        let Image { mut bytes, struct_size, pointers } = self;
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        // The block is allocated once and never resized, so this address stays valid for
        // the record's life.
        let base = words.as_ptr().addr();
        bytes.resize(words.len() * 8, 0);
        for (at, target) in pointers {
            put(&mut bytes, at, &base.wrapping_add(target).to_le_bytes());
        }
        for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut array = [0u8; 8];
            array.copy_from_slice(chunk);
            *word = u64::from_le_bytes(array);
        }
        EncodedRecord { words, struct_size, config_id }
    }
}
