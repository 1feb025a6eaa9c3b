//! The thin calls into `httpapi.dll`: initialise the configuration API, list every SSL record
//! of each kind, and set, update and delete records and their extended properties.
//!
//! This is the only code that hands memory to HTTP.sys. Everything it reads goes through the
//! bounds-checked decoder of [`marshal`](super::marshal), everything it writes is laid out by
//! the same module's encoder in one owned allocation; the `unsafe` blocks here only pass
//! those buffers to the API. None of it can run on the machines that build sslbind: it is
//! type-checked there (`--cfg sslbind_check_windows`) and exercised only on Windows.
#![allow(unsafe_code)]

use std::mem::size_of;
use std::ptr;

use sslbind_core::model::{ExtendedProperty, Mapping, MappingKind, UrlReservation};
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_INITIALIZE_CONFIG, HTTP_SERVICE_CONFIG_ID, HTTP_SERVICE_CONFIG_SSL_CCS_QUERY,
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX, HTTP_SERVICE_CONFIG_SSL_QUERY, HTTP_SERVICE_CONFIG_SSL_QUERY_EX,
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY, HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX,
    HTTP_SERVICE_CONFIG_URLACL_QUERY, HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE, HTTPAPI_VERSION,
    HttpDeleteServiceConfiguration, HttpInitialize, HttpQueryServiceConfiguration,
    HttpServiceConfigQueryNext, HttpSetServiceConfiguration, HttpTerminate, HttpUpdateServiceConfiguration,
};

use crate::windows::apply::MappingWriter;
use crate::windows::error::{
    ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, ERROR_NO_MORE_ITEMS, LiveError,
    Win32Error,
};
use crate::windows::marshal::{
    self, EX_PARAM_TYPES, EncodeError, EncodedRecord, KINDS, URLACL_CONFIG_ID, decode_ex_record,
    decode_record, decode_urlacl_record, encode_delete, encode_property, encode_property_delete, encode_set,
    property_type,
};
use crate::windows::os_error;

/// The first output buffer: 4 KiB holds any ordinary record.
const FIRST_BUFFER_WORDS: usize = 512;
/// How often a query may ask for a bigger buffer before sslbind gives up.
const GROWTH_LIMIT: usize = 8;

/// The HTTP Server API, initialised for configuration; terminated when dropped.
pub(super) struct HttpApi {
    _initialized: (),
}

impl HttpApi {
    /// `HttpInitialize(HTTPAPI_VERSION_2, HTTP_INITIALIZE_CONFIG)`, then version 1.
    pub(super) fn initialize() -> Result<HttpApi, LiveError> {
        let mut last = 0;
        for major in [2, 1] {
            let version = HTTPAPI_VERSION { HttpApiMajorVersion: major, HttpApiMinorVersion: 0 };
            // SAFETY: the version is passed by value, the flags are a plain word and the
            // reserved pointer is null as the API requires; nothing of ours is written.
            let code = unsafe { HttpInitialize(version, HTTP_INITIALIZE_CONFIG, ptr::null_mut()) };
            if code == 0 {
                return Ok(HttpApi { _initialized: () });
            }
            last = code;
        }
        Err(LiveError::Api { action: "initializing the HTTP Server API".to_owned(), error: os_error(last) })
    }

    /// Every SSL record of every kind, in netsh's order, with their extended properties,
    /// and the warnings met on the way (records skipped, extended properties unreadable).
    pub(super) fn read_mappings(&self) -> Result<(Vec<Mapping>, Vec<String>), LiveError> {
        let mut mappings = Vec::new();
        let mut warnings = Vec::new();
        for kind in KINDS {
            let mut found: Vec<Mapping> = Vec::new();
            let result = self.enumerate(kind, None, |bytes, base| match decode_record(kind, bytes, base) {
                Ok(decoded) => {
                    warnings.extend(decoded.warnings);
                    found.push(decoded.mapping);
                }
                Err(error) => warnings.push(format!("an HTTP.sys {kind} record was skipped: {error}")),
            });
            match result {
                Ok(()) => {}
                // Windows before 8 / Server 2012 has neither SNI nor CCS records, and scoped
                // CCS records are newer still: the config ID is refused as a parameter.
                Err(error) if kind != MappingKind::Ip && error.is_unsupported() => continue,
                Err(error) => {
                    return Err(LiveError::Api {
                        action: format!("listing the {kind} mappings of HTTP.sys"),
                        error,
                    });
                }
            }
            for param_type in EX_PARAM_TYPES {
                let result = self.enumerate(kind, Some(param_type), |bytes, base| {
                    match decode_ex_record(kind, bytes, base) {
                        Ok(decoded) => {
                            warnings.extend(decoded.warnings);
                            if let Some(mapping) = found.iter_mut().find(|mapping| mapping.key == decoded.key)
                            {
                                mapping.extended_properties.push(decoded.property);
                            }
                        }
                        Err(error) => warnings.push(format!(
                            "an extended property of an HTTP.sys {kind} record was skipped: {error}"
                        )),
                    }
                });
                match result {
                    Ok(()) => {}
                    // An older Windows without the `…Ex` IDs or without this parameter type.
                    Err(error) if error.is_unsupported() || error.code == ERROR_FILE_NOT_FOUND => {}
                    Err(error) => warnings.push(format!(
                        "extended property {param_type} of the {kind} mappings could not be read: {error}"
                    )),
                }
            }
            mappings.extend(found);
        }
        Ok((mappings, warnings))
    }

    /// Every URL reservation (`HttpServiceConfigUrlAclInfo`), in HTTP.sys's order, and the
    /// warnings met on the way (records skipped, prefixes that do not parse).
    pub(super) fn read_url_reservations(&self) -> Result<(Vec<UrlReservation>, Vec<String>), Win32Error> {
        let mut reservations = Vec::new();
        let mut warnings = Vec::new();
        for token in 0..=u32::MAX {
            let query = HTTP_SERVICE_CONFIG_URLACL_QUERY {
                QueryDesc: HttpServiceConfigQueryNext,
                dwToken: token,
                ..Default::default()
            };
            match self.query(URLACL_CONFIG_ID, &query) {
                Ok((bytes, base)) => match decode_urlacl_record(&bytes, base) {
                    Ok(decoded) => {
                        warnings.extend(decoded.warnings);
                        reservations.push(decoded.reservation);
                    }
                    Err(error) => warnings.push(format!("an HTTP.sys URL reservation was skipped: {error}")),
                },
                Err(ERROR_NO_MORE_ITEMS) => break,
                Err(code) => return Err(os_error(code)),
            }
        }
        Ok((reservations, warnings))
    }

    /// Lists the records of `kind` (its `…Ex` ID with `param_type`), calling `each` with the
    /// bytes of every record and the address its pointers are relative to.
    fn enumerate(
        &self,
        kind: MappingKind,
        param_type: Option<HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE>,
        mut each: impl FnMut(&[u8], usize),
    ) -> Result<(), Win32Error> {
        let id = match param_type {
            Some(_) => marshal::ex_config_id(kind),
            None => marshal::config_id(kind),
        };
        for token in 0..=u32::MAX {
            let answer = match (kind, param_type) {
                (MappingKind::Ip, None) => self.query(
                    id,
                    &HTTP_SERVICE_CONFIG_SSL_QUERY {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ..Default::default()
                    },
                ),
                (MappingKind::Ip, Some(param_type)) => self.query(
                    id,
                    &HTTP_SERVICE_CONFIG_SSL_QUERY_EX {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ParamType: param_type,
                        ..Default::default()
                    },
                ),
                // Scoped CCS records are keyed like SNI records
                // (docs/httpsys.md#scoped-ccs-structures).
                (MappingKind::Sni | MappingKind::ScopedCcs, None) => self.query(
                    id,
                    &HTTP_SERVICE_CONFIG_SSL_SNI_QUERY {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ..Default::default()
                    },
                ),
                (MappingKind::Sni | MappingKind::ScopedCcs, Some(param_type)) => self.query(
                    id,
                    &HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ParamType: param_type,
                        ..Default::default()
                    },
                ),
                (MappingKind::Ccs, None) => self.query(
                    id,
                    &HTTP_SERVICE_CONFIG_SSL_CCS_QUERY {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ..Default::default()
                    },
                ),
                (MappingKind::Ccs, Some(param_type)) => self.query(
                    id,
                    &HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ParamType: param_type,
                        ..Default::default()
                    },
                ),
            };
            match answer {
                Ok((bytes, base)) => each(&bytes, base),
                Err(ERROR_NO_MORE_ITEMS) => return Ok(()),
                Err(code) => return Err(os_error(code)),
            }
        }
        Ok(())
    }

    /// One `HttpQueryServiceConfiguration` call with `query`, growing the output buffer as
    /// asked (`ERROR_INSUFFICIENT_BUFFER`). Returns a copy of the output and the address the
    /// pointers in it are relative to, or the Win32 code.
    fn query<Q>(&self, id: HTTP_SERVICE_CONFIG_ID, query: &Q) -> Result<(Vec<u8>, usize), u32> {
        let input_length = u32::try_from(size_of::<Q>()).map_err(|_| ERROR_INVALID_PARAMETER)?;
        // `u64` words: the structures HTTP.sys writes need 8-byte alignment.
        let mut words: Vec<u64> = vec![0; FIRST_BUFFER_WORDS];
        for _ in 0..GROWTH_LIMIT {
            let capacity = u32::try_from(words.len() * 8).map_err(|_| ERROR_INSUFFICIENT_BUFFER)?;
            let mut returned = 0u32;
            // SAFETY: `query` is a live, aligned structure of the query type the config ID
            // expects (the caller pairs them) and `input_length` is its size; with
            // `HttpServiceConfigQueryNext` its key is empty, so it holds no pointers. The
            // output is `capacity` writable bytes owned by `words`, which outlives the call;
            // `returned` is a valid location; the reserved handle and the OVERLAPPED pointer
            // are null, making the call synchronous.
            let code = unsafe {
                HttpQueryServiceConfiguration(
                    ptr::null_mut(),
                    id,
                    ptr::from_ref(query).cast(),
                    input_length,
                    words.as_mut_ptr().cast(),
                    capacity,
                    &mut returned,
                    ptr::null(),
                )
            };
            match code {
                0 => {
                    let filled = usize::try_from(returned).unwrap_or(usize::MAX);
                    let length =
                        if filled == 0 || filled > words.len() * 8 { words.len() * 8 } else { filled };
                    let bytes = words.iter().flat_map(|word| word.to_le_bytes()).take(length).collect();
                    return Ok((bytes, words.as_ptr().addr()));
                }
                ERROR_INSUFFICIENT_BUFFER => {
                    let needed = usize::try_from(returned).unwrap_or(usize::MAX).div_ceil(8);
                    let grown = needed.max(words.len() * 2);
                    words = vec![0; grown];
                }
                other => return Err(other),
            }
        }
        Err(ERROR_INSUFFICIENT_BUFFER)
    }

    fn set(&self, record: &EncodedRecord) -> Result<(), Win32Error> {
        call_with_record(HttpSetServiceConfiguration, record)
    }

    fn update(&self, record: &EncodedRecord) -> Result<(), Win32Error> {
        call_with_record(HttpUpdateServiceConfiguration, record)
    }

    fn delete(&self, record: &EncodedRecord) -> Result<(), Win32Error> {
        call_with_record(HttpDeleteServiceConfiguration, record)
    }
}

/// The signature Set, Update and Delete share: reserved handle, config ID, the structure and
/// its size, and an OVERLAPPED pointer that must be null.
type ConfigCall = unsafe extern "system" fn(
    windows_sys::Win32::Foundation::HANDLE,
    HTTP_SERVICE_CONFIG_ID,
    *const core::ffi::c_void,
    u32,
    *const windows_sys::Win32::System::IO::OVERLAPPED,
) -> u32;

/// Calls `function` with `record`.
fn call_with_record(function: ConfigCall, record: &EncodedRecord) -> Result<(), Win32Error> {
    // SAFETY: `record` owns the structure and everything its pointers point to in one
    // allocation (see `EncodedRecord`) and outlives this synchronous call, which reads
    // `struct_size` bytes at `as_ptr` and what they point to (the address, hash and strings
    // of a record; the buffer or header table of an extended property); the
    // reserved handle and the OVERLAPPED pointer are null, as all three functions require.
    let code = unsafe {
        function(ptr::null_mut(), record.config_id(), record.as_ptr(), record.struct_size(), ptr::null())
    };
    result(code)
}

impl Drop for HttpApi {
    fn drop(&mut self) {
        // SAFETY: balances the successful `HttpInitialize` of `initialize` with the same
        // flag; the reserved pointer is null.
        let _code = unsafe { HttpTerminate(HTTP_INITIALIZE_CONFIG, ptr::null_mut()) };
    }
}

fn result(code: u32) -> Result<(), Win32Error> {
    if code == 0 { Ok(()) } else { Err(os_error(code)) }
}

/// The [`MappingWriter`] over the live HTTP Server API.
pub(super) struct HttpSysWriter<'a> {
    pub(super) api: &'a HttpApi,
}

impl HttpSysWriter<'_> {
    fn encoded(mapping: &Mapping) -> Result<EncodedRecord, Win32Error> {
        // `check` ran first, so this does not fail; if it did, the API would have refused
        // the same parameters.
        encode_set(mapping).map_err(refused)
    }

    fn encoded_property(mapping: &Mapping, property: &ExtendedProperty) -> Result<EncodedRecord, Win32Error> {
        // `check_properties` ran first for every mapping that is written; a property that
        // is written only to undo a change and cannot be is reported as a failed undo.
        encode_property(&mapping.key, property).map_err(refused)
    }
}

/// An encoding failure as the Win32 error the API would have given for the parameters.
fn refused(error: EncodeError) -> Win32Error {
    Win32Error { code: ERROR_INVALID_PARAMETER, system_text: Some(error.to_string()) }
}

impl MappingWriter for HttpSysWriter<'_> {
    fn check(&self, mapping: &Mapping) -> Result<(), LiveError> {
        encode_set(mapping)
            .map(|_| ())
            .map_err(|error| LiveError::Encode { key: mapping.key.to_string(), error })
    }

    fn check_properties(&self, mapping: &Mapping) -> Result<(), LiveError> {
        for property in &mapping.extended_properties {
            encode_property(&mapping.key, property)
                .map_err(|error| LiveError::Encode { key: mapping.key.to_string(), error })?;
        }
        Ok(())
    }

    fn create(&mut self, mapping: &Mapping) -> Result<(), Win32Error> {
        self.api.set(&Self::encoded(mapping)?)
    }

    fn update(&mut self, mapping: &Mapping) -> Result<(), Win32Error> {
        self.api.update(&Self::encoded(mapping)?)
    }

    fn delete(&mut self, mapping: &Mapping) -> Result<(), Win32Error> {
        let record = encode_delete(&mapping.key).map_err(refused)?;
        self.api.delete(&record)
    }

    fn create_property(&mut self, mapping: &Mapping, property: &ExtendedProperty) -> Result<(), Win32Error> {
        self.api.set(&Self::encoded_property(mapping, property)?)
    }

    fn update_property(&mut self, mapping: &Mapping, property: &ExtendedProperty) -> Result<(), Win32Error> {
        self.api.update(&Self::encoded_property(mapping, property)?)
    }

    fn delete_property(&mut self, mapping: &Mapping, property: &ExtendedProperty) -> Result<(), Win32Error> {
        let param_type = property_type(property).map_err(refused)?;
        let record = encode_property_delete(&mapping.key, param_type).map_err(refused)?;
        self.api.delete(&record)
    }
}
