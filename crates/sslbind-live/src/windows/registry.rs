//! The live registry, for the one key sslbind reads from it on Windows: IIS's Central
//! Certificate Store settings (`HKLM\SOFTWARE\Microsoft\IIS\CentralCertProvider`,
//! docs/httpsys.md#ccs-settings). HTTP.sys's own records are read through its API, not from
//! the registry.
//!
//! The values are read raw here and interpreted by
//! [`ccs_settings_from_raw`](super::configs::ccs_settings_from_raw). The two password values
//! are only checked for presence (a size query with no data buffer): their contents are never
//! read.
#![allow(unsafe_code)]

use std::ptr;

use sslbind_core::model::CcsSettings;
use windows_sys::Win32::System::Registry::{
    HKEY, HKEY_LOCAL_MACHINE, KEY_READ, KEY_WOW64_64KEY, RegCloseKey, RegOpenKeyExW, RegQueryValueExW,
};

use crate::windows::configs::{RawCcsValues, RawValue, ccs_settings_from_raw};
use crate::windows::error::{ERROR_FILE_NOT_FOUND, LiveError};
use crate::windows::os_error;

/// `ERROR_MORE_DATA`: the value grew between the size query and the read.
const ERROR_MORE_DATA: u32 = 234;
/// How often a value that keeps growing is asked for again.
const RETRIES: usize = 4;
const KEY_PATH: &str = "SOFTWARE\\Microsoft\\IIS\\CentralCertProvider";

/// An open key, closed when dropped.
struct Key(HKEY);

impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the handle `RegOpenKeyExW` returned, closed exactly once.
        let _closed = unsafe { RegCloseKey(self.0) };
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// The Central Certificate Store settings, or `None` when the key does not exist (the CCS
/// feature is not installed).
pub(super) fn read_ccs_settings() -> Result<Option<CcsSettings>, LiveError> {
    let path = wide(KEY_PATH);
    let mut handle: HKEY = ptr::null_mut();
    // SAFETY: HKEY_LOCAL_MACHINE is a predefined key; `path` is a NUL-terminated UTF-16
    // string that outlives the call; `handle` is a valid location for the opened key.
    let code = unsafe {
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, path.as_ptr(), 0, KEY_READ | KEY_WOW64_64KEY, &mut handle)
    };
    match code {
        0 => {}
        ERROR_FILE_NOT_FOUND => return Ok(None),
        other => return Err(api_error("opening", other)),
    }
    let key = Key(handle);
    let values = RawCcsValues {
        enabled: query(&key, "Enabled")?,
        cert_store_location: query(&key, "CertStoreLocation")?,
        user_name: query(&key, "UserName")?,
        polling_interval: query(&key, "PollingInterval")?,
        password_present: exists(&key, "Password")?,
        private_key_password_present: exists(&key, "PrivateKeyPassword")?,
    };
    Ok(Some(ccs_settings_from_raw(&values)))
}

fn api_error(doing: &str, code: u32) -> LiveError {
    LiveError::Api { action: format!("{doing} HKLM\\{KEY_PATH}"), error: os_error(code) }
}

/// Whether the value `name` exists, without reading its data.
fn exists(key: &Key, name: &str) -> Result<bool, LiveError> {
    let name_w = wide(name);
    let mut size = 0u32;
    // SAFETY: `key.0` is open; `name_w` is NUL-terminated and outlives the call; type and
    // data pointers are null (only the size is asked), `size` is a valid location.
    let code = unsafe {
        RegQueryValueExW(key.0, name_w.as_ptr(), ptr::null(), ptr::null_mut(), ptr::null_mut(), &mut size)
    };
    match code {
        0 => Ok(true),
        ERROR_FILE_NOT_FOUND => Ok(false),
        other => Err(api_error(&format!("reading `{name}` of"), other)),
    }
}

/// The value `name` with its type, or `None` when it does not exist.
fn query(key: &Key, name: &str) -> Result<Option<RawValue>, LiveError> {
    let name_w = wide(name);
    for _ in 0..RETRIES {
        let mut kind = 0u32;
        let mut size = 0u32;
        // SAFETY: as in `exists`, with `kind` a valid location for the type.
        let code = unsafe {
            RegQueryValueExW(key.0, name_w.as_ptr(), ptr::null(), &mut kind, ptr::null_mut(), &mut size)
        };
        match code {
            0 => {}
            ERROR_FILE_NOT_FOUND => return Ok(None),
            other => return Err(api_error(&format!("reading `{name}` of"), other)),
        }
        let mut data = vec![0u8; usize::try_from(size).unwrap_or(0)];
        let mut length = u32::try_from(data.len()).unwrap_or(0);
        // SAFETY: `data` has `length` writable bytes and outlives the call; the other
        // arguments are as above.
        let code = unsafe {
            RegQueryValueExW(key.0, name_w.as_ptr(), ptr::null(), &mut kind, data.as_mut_ptr(), &mut length)
        };
        match code {
            0 => {
                data.truncate(usize::try_from(length).unwrap_or(0));
                return Ok(Some(RawValue { kind, bytes: data }));
            }
            ERROR_MORE_DATA => continue,
            ERROR_FILE_NOT_FOUND => return Ok(None),
            other => return Err(api_error(&format!("reading `{name}` of"), other)),
        }
    }
    Err(api_error(&format!("reading `{name}` of"), ERROR_MORE_DATA))
}
