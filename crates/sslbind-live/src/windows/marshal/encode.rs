//! Model values laid out as the structures `HttpSetServiceConfiguration`,
//! `HttpUpdateServiceConfiguration` and `HttpDeleteServiceConfiguration` take: the structure,
//! then its socket address, hash and UTF-16 strings, in one owned allocation whose pointers
//! point into itself. A record's extended properties are separate `…_SET_EX` structures, one
//! per property (the API takes one `HTTP_SERVICE_CONFIG_SSL_PARAM_EX` a call), written back
//! from the labels and values the decoder gives them.

use std::mem::{offset_of, size_of};
use std::net::SocketAddr;

use sslbind_core::model::{ExtendedProperty, Mapping, MappingKey, MappingKind, MappingParams};
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_ERROR_HEADERS_PARAM, HTTP_PERFORMANCE_PARAM, HTTP_SERVICE_CONFIG_ID,
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX, HTTP_TLS_RESTRICTIONS_PARAM, HTTP_TLS_SESSION_TICKET_KEYS_PARAM,
    HTTP_UNKNOWN_HEADER, HTTP2_SETTINGS_LIMITS_PARAM, HTTP2_WINDOW_SIZE_PARAM,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKADDR_IN, SOCKADDR_IN6};

use super::decode::{
    ERROR_HEADERS, HTTP_PERFORMANCE, HTTP2_SETTINGS_LIMITS, HTTP2_WINDOW, PERFORMANCE_PARAM_NAMES,
    TLS_RESTRICTIONS, TLS_SESSION_TICKET_KEYS, labels,
};
use super::layout::{KeyLayout, ex_layout, param, set_layout};
use super::{config_id, ex_config_id};

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
    /// An extended property that cannot be written back as it was read: its type is unknown,
    /// a value is missing or malformed, or sslbind never reads its contents (TLS restrictions
    /// and session ticket keys are only counted).
    #[error("its extended property {property} cannot be written: {reason}")]
    ExtendedProperty {
        /// `PropertyId N`, or `without a PropertyId`.
        property: String,
        /// Why.
        reason: String,
    },
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

/// The `…_SET_EX` structure `HttpSetServiceConfiguration` / `HttpUpdateServiceConfiguration`
/// take, with the `…Ex` config ID of `key`'s kind, to set one extended property of the record
/// with `key`: the inverse of [`decode_ex_record`](super::decode_ex_record), which names the
/// values it reads by netsh's labels (HTTP/2) or the `windows-sys` field names (the others).
/// A property sslbind cannot write back as it was read is an [`EncodeError::ExtendedProperty`].
pub fn encode_property(key: &MappingKey, property: &ExtendedProperty) -> Result<EncodedRecord, EncodeError> {
    let param_type = property_type(property)?;
    let layout = ex_layout(key.kind());
    let mut image = Image::new(layout.size);
    write_key(&mut image, layout.key, key)?;
    let p = layout.param;
    let refuse = |reason: String| EncodeError::ExtendedProperty { property: property_name(property), reason };
    let values = Values { property, refuse: &refuse };
    image.put(p + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, ParamType), &param_type.to_le_bytes());
    let flags = values.optional::<u64>(labels::FLAGS)?.unwrap_or(0);
    image.put(p + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, Flags), &flags.to_le_bytes());
    let union = p + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, Anonymous);
    let mut known = vec![labels::FLAGS];
    match param_type {
        HTTP2_WINDOW => {
            known.push(labels::RECEIVE_WINDOW);
            let size: u32 = values.required(labels::RECEIVE_WINDOW)?;
            image.put(
                union + offset_of!(HTTP2_WINDOW_SIZE_PARAM, Http2ReceiveWindowSize),
                &size.to_le_bytes(),
            );
        }
        HTTP2_SETTINGS_LIMITS => {
            known.extend([labels::MAX_SETTINGS_PER_FRAME, labels::MAX_SETTINGS_PER_MINUTE]);
            let per_frame: u32 = values.required(labels::MAX_SETTINGS_PER_FRAME)?;
            let per_minute: u32 = values.required(labels::MAX_SETTINGS_PER_MINUTE)?;
            let at = |field| union + field;
            image.put(
                at(offset_of!(HTTP2_SETTINGS_LIMITS_PARAM, Http2MaxSettingsPerFrame)),
                &per_frame.to_le_bytes(),
            );
            image.put(
                at(offset_of!(HTTP2_SETTINGS_LIMITS_PARAM, Http2MaxSettingsPerMinute)),
                &per_minute.to_le_bytes(),
            );
        }
        HTTP_PERFORMANCE => {
            known.extend([labels::TYPE, labels::BUFFER_SIZE, labels::BUFFER]);
            let type_text =
                values.text(labels::TYPE).ok_or_else(|| refuse(format!("it has no `{}`", labels::TYPE)))?;
            let kind = performance_param_type(type_text)
                .ok_or_else(|| refuse(format!("`{}` is not a performance parameter type", type_text)))?;
            let size: u32 = values.required(labels::BUFFER_SIZE)?;
            image.put(union + offset_of!(HTTP_PERFORMANCE_PARAM, Type), &kind.to_le_bytes());
            image.put(union + offset_of!(HTTP_PERFORMANCE_PARAM, BufferSize), &size.to_le_bytes());
            if let Some(text) = values.text(labels::BUFFER) {
                let bytes = buffer_bytes(text, size).map_err(&refuse)?;
                let at = image.append(&bytes);
                image.point(union + offset_of!(HTTP_PERFORMANCE_PARAM, Buffer), at);
            }
        }
        TLS_RESTRICTIONS => {
            known.push(labels::RESTRICTION_COUNT);
            let count: u32 = values.required(labels::RESTRICTION_COUNT)?;
            if count > 0 {
                return Err(refuse(format!(
                    "sslbind reads only how many TLS restrictions there are ({count}), not what they are"
                )));
            }
            image.put(union + offset_of!(HTTP_TLS_RESTRICTIONS_PARAM, RestrictionCount), &0u32.to_le_bytes());
        }
        ERROR_HEADERS => {
            known.extend([labels::STATUS_CODE, labels::HEADER_COUNT, labels::HEADER]);
            let status: u16 = values.required(labels::STATUS_CODE)?;
            let headers = values.all(labels::HEADER);
            let count: u16 = values.required(labels::HEADER_COUNT)?;
            if usize::from(count) != headers.len() {
                return Err(refuse(format!(
                    "`{}` is {count} but {} headers are listed",
                    labels::HEADER_COUNT,
                    headers.len()
                )));
            }
            image.put(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, StatusCode), &status.to_le_bytes());
            image.put(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, HeaderCount), &count.to_le_bytes());
            if count > 0 {
                let size = size_of::<HTTP_UNKNOWN_HEADER>();
                let table = image.append(&vec![0u8; headers.len() * size]);
                image.point(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, Headers), table);
                for (index, header) in headers.iter().enumerate() {
                    let (name, raw) = header
                        .split_once(": ")
                        .ok_or_else(|| refuse(format!("header `{header}` is not `name: value`")))?;
                    let at = table + index * size;
                    image
                        .ansi(
                            at + offset_of!(HTTP_UNKNOWN_HEADER, pName),
                            at + offset_of!(HTTP_UNKNOWN_HEADER, NameLength),
                            name,
                        )
                        .map_err(&refuse)?;
                    image
                        .ansi(
                            at + offset_of!(HTTP_UNKNOWN_HEADER, pRawValue),
                            at + offset_of!(HTTP_UNKNOWN_HEADER, RawValueLength),
                            raw,
                        )
                        .map_err(&refuse)?;
                }
            }
        }
        TLS_SESSION_TICKET_KEYS => {
            known.push(labels::SESSION_TICKET_KEY_COUNT);
            let count: u32 = values.required(labels::SESSION_TICKET_KEY_COUNT)?;
            if count > 0 {
                return Err(refuse(format!(
                    "the {count} session ticket keys are secrets sslbind never reads"
                )));
            }
            image.put(
                union + offset_of!(HTTP_TLS_SESSION_TICKET_KEYS_PARAM, SessionTicketKeyCount),
                &0u32.to_le_bytes(),
            );
        }
        other => return Err(refuse(format!("parameter type {other} is unknown to this sslbind"))),
    }
    if let Some((label, _)) =
        property.values.iter().find(|(label, _)| !known.iter().any(|known| same_label(label, known)))
    {
        return Err(refuse(format!("`{label}` is not a value of this parameter type")));
    }
    Ok(image.finish(ex_config_id(key.kind())))
}

/// The `…_SET_EX` structure `HttpDeleteServiceConfiguration` takes, with the `…Ex` config ID,
/// to remove the extended property of type `param_type` from the record with `key`.
pub fn encode_property_delete(key: &MappingKey, param_type: i32) -> Result<EncodedRecord, EncodeError> {
    let layout = ex_layout(key.kind());
    let mut image = Image::new(layout.size);
    write_key(&mut image, layout.key, key)?;
    image.put(
        layout.param + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, ParamType),
        &param_type.to_le_bytes(),
    );
    Ok(image.finish(ex_config_id(key.kind())))
}

/// The `HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE` of `property`: its `PropertyId`, or for a block
/// netsh printed without one, the type its labels belong to (the HTTP/2 window or settings
/// limits, the only ones netsh prints).
pub fn property_type(property: &ExtendedProperty) -> Result<i32, EncodeError> {
    let refuse = |reason: String| EncodeError::ExtendedProperty { property: property_name(property), reason };
    if let Some(id) = property.property_id {
        return i32::try_from(id).map_err(|_| refuse(format!("`PropertyId` {id} is out of range")));
    }
    let has = |label| property.values.iter().any(|(found, _)| same_label(found, label));
    if has(labels::RECEIVE_WINDOW) {
        Ok(HTTP2_WINDOW)
    } else if has(labels::MAX_SETTINGS_PER_FRAME) || has(labels::MAX_SETTINGS_PER_MINUTE) {
        Ok(HTTP2_SETTINGS_LIMITS)
    } else {
        Err(refuse("its type cannot be told from its values".to_owned()))
    }
}

fn property_name(property: &ExtendedProperty) -> String {
    match property.property_id {
        Some(id) => format!("PropertyId {id}"),
        None => "without a PropertyId".to_owned(),
    }
}

/// Labels compare as netsh prints them, whatever the case.
fn same_label(found: &str, label: &str) -> bool {
    found.trim().eq_ignore_ascii_case(label)
}

/// A property's values by label, each parse failure a refusal naming the label.
struct Values<'a, R: Fn(String) -> EncodeError> {
    property: &'a ExtendedProperty,
    refuse: &'a R,
}

impl<'a, R: Fn(String) -> EncodeError> Values<'a, R> {
    fn all(&self, label: &str) -> Vec<&'a str> {
        let property: &'a ExtendedProperty = self.property;
        property
            .values
            .iter()
            .filter(|(found, _)| same_label(found, label))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The first value with `label`, without the spaces around it (headers, which may end
    /// in one, are read with `all`).
    fn text(&self, label: &str) -> Option<&'a str> {
        self.all(label).first().map(|value| value.trim())
    }

    fn optional<T: std::str::FromStr>(&self, label: &str) -> Result<Option<T>, EncodeError> {
        let Some(text) = self.text(label) else { return Ok(None) };
        text.parse()
            .map(Some)
            .map_err(|_| (self.refuse)(format!("`{label}` is `{text}`, not a number of the field's size")))
    }

    fn required<T: std::str::FromStr>(&self, label: &str) -> Result<T, EncodeError> {
        self.optional(label)?.ok_or_else(|| (self.refuse)(format!("it has no `{label}`")))
    }
}

/// `HTTP_PERFORMANCE_PARAM_TYPE` by the name the decoder gives it, or its number.
fn performance_param_type(text: &str) -> Option<i32> {
    let position = PERFORMANCE_PARAM_NAMES.iter().position(|name| name.eq_ignore_ascii_case(text));
    match position {
        Some(index) => i32::try_from(index).ok(),
        None => text.parse().ok(),
    }
}

/// A performance parameter's buffer of `size` bytes, from the decoder's rendering: a
/// little-endian number for 1, 2, 4 or 8 bytes, hex otherwise.
fn buffer_bytes(text: &str, size: u32) -> Result<Vec<u8>, String> {
    let length = usize::try_from(size).map_err(|_| format!("a buffer of {size} bytes"))?;
    if matches!(length, 1 | 2 | 4 | 8) {
        let number: u64 = text.parse().map_err(|_| format!("`Buffer` `{text}` is not a number"))?;
        let bytes = number.to_le_bytes();
        if bytes[length..].iter().any(|byte| *byte != 0) {
            return Err(format!("`Buffer` {number} does not fit in {length} bytes"));
        }
        return Ok(bytes[..length].to_vec());
    }
    let digits = text.as_bytes();
    if digits.len() != length * 2 {
        return Err(format!(
            "`Buffer` holds {} hex digits, not the {} of {length} bytes",
            digits.len(),
            length * 2
        ));
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("`Buffer` `{text}` is not hex"))
        })
        .collect()
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

    /// Appends `text` as 8-bit bytes (an `HTTP_UNKNOWN_HEADER` string, counted, without a NUL)
    /// and points the field at `at` to it, its length at `length_at`; an empty string stays
    /// a null pointer.
    fn ansi(&mut self, at: usize, length_at: usize, text: &str) -> Result<(), String> {
        let length =
            u16::try_from(text.len()).map_err(|_| format!("`{text}` is longer than 65,535 bytes"))?;
        self.put(length_at, &length.to_le_bytes());
        if !text.is_empty() {
            let target = self.append(text.as_bytes());
            self.point(at, target);
        }
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
