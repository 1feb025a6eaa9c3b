//! The LocalMachine certificate stores HTTP.sys loads certificates from, read through
//! `crypt32.dll`: every certificate's DER bytes and whether its private key can be opened.
//!
//! Stores are opened read-only and only if they exist (`CERT_STORE_OPEN_EXISTING_FLAG`), so
//! reading never creates a store. Whether a private key is usable is asked silently
//! (`CRYPT_ACQUIRE_SILENT_FLAG`): a key that needs a prompt, or that this account may not
//! open, counts as unknown rather than missing, since HTTP.sys opens it as SYSTEM.
#![allow(unsafe_code)]

use std::io;
use std::ptr;

use sslbind_core::Origin;
use sslbind_core::certs::certificate_from_der;
use sslbind_core::model::Certificate;
use windows_sys::Win32::Security::Cryptography::{
    CERT_CONTEXT, CERT_KEY_SPEC, CERT_NCRYPT_KEY_SPEC, CERT_STORE_OPEN_EXISTING_FLAG,
    CERT_STORE_PROV_SYSTEM_W, CERT_STORE_READONLY_FLAG, CERT_SYSTEM_STORE_LOCAL_MACHINE,
    CRYPT_ACQUIRE_CACHE_FLAG, CRYPT_ACQUIRE_PREFER_NCRYPT_KEY_FLAG, CRYPT_ACQUIRE_SILENT_FLAG,
    CertCloseStore, CertEnumCertificatesInStore, CertOpenStore, CryptAcquireCertificatePrivateKey,
    CryptReleaseContext, HCERTSTORE, HCRYPTPROV_OR_NCRYPT_KEY_HANDLE, NCryptFreeObject,
};

use crate::windows::error::{ERROR_FILE_NOT_FOUND, LiveError};
use crate::windows::os_error;

/// `CRYPT_E_NO_KEY_PROPERTY`: the certificate has no private key associated.
const CRYPT_E_NO_KEY_PROPERTY: u32 = 0x8009_200B;
/// `NTE_BAD_KEYSET`: the key container named by the certificate does not exist.
const NTE_BAD_KEYSET: u32 = 0x8009_0016;
/// `NTE_NO_KEY`: the key does not exist.
const NTE_NO_KEY: u32 = 0x8009_000D;

/// An open store, closed when dropped.
struct Store(HCERTSTORE);

impl Drop for Store {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the handle `CertOpenStore` returned, closed exactly once here;
        // every context enumerated from it was released by the enumeration itself.
        let _closed = unsafe { CertCloseStore(self.0, 0) };
    }
}

/// The certificates of `LocalMachine\<name>`, each with `store` set and `has_private_key`
/// answered where the key could be asked about; an empty list when the store does not exist.
/// Certificates whose DER cannot be read are skipped with a warning.
pub(super) fn read_store(name: &str, warnings: &mut Vec<String>) -> Result<Vec<Certificate>, LiveError> {
    let wide: Vec<u16> = name.encode_utf16().chain([0]).collect();
    let flags = CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG;
    // SAFETY: for the predefined system-store provider `pvPara` is a NUL-terminated UTF-16
    // store name: `wide` is one and outlives the call; no encoding type or legacy provider
    // handle is needed (0).
    let handle = unsafe { CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, flags, wide.as_ptr().cast()) };
    if handle.is_null() {
        let code = last_error();
        if code == ERROR_FILE_NOT_FOUND {
            return Ok(Vec::new());
        }
        return Err(LiveError::Api {
            action: format!("opening the certificate store LocalMachine\\{name}"),
            error: os_error(code),
        });
    }
    let store = Store(handle);
    let mut certificates = Vec::new();
    let mut previous: *const CERT_CONTEXT = ptr::null();
    loop {
        // SAFETY: `store.0` is open; `previous` is null or the context the last call returned,
        // which this call releases (it is not used again). The loop runs until the
        // enumeration returns null, which leaves no context to release.
        let context = unsafe { CertEnumCertificatesInStore(store.0, previous) };
        if context.is_null() {
            break;
        }
        previous = context;
        let der = encoded_bytes(context);
        let has_private_key = private_key_state(context);
        match certificate_from_der(&der, Origin::Live) {
            Ok(mut certificate) => {
                certificate.store = Some(name.to_owned());
                certificate.has_private_key = has_private_key;
                certificates.push(certificate);
            }
            Err(error) => {
                warnings.push(format!("a certificate in LocalMachine\\{name} was skipped: {error}"))
            }
        }
    }
    Ok(certificates)
}

/// A copy of the context's DER encoding.
fn encoded_bytes(context: *const CERT_CONTEXT) -> Vec<u8> {
    // SAFETY: `context` is a non-null context returned by `CertEnumCertificatesInStore` and
    // not yet released (the caller asks before the next enumeration call); reading its
    // fields is reading memory crypt32 keeps alive for the context.
    let (bytes, length) = unsafe { ((*context).pbCertEncoded, (*context).cbCertEncoded) };
    let Ok(length) = usize::try_from(length) else { return Vec::new() };
    if bytes.is_null() || length == 0 {
        return Vec::new();
    }
    // SAFETY: `pbCertEncoded` points to `cbCertEncoded` initialised bytes owned by the live
    // context; they are copied out before the context can be released.
    unsafe { std::slice::from_raw_parts(bytes, length) }.to_vec()
}

/// Whether the certificate's private key can be opened: `Some(true)` when it can,
/// `Some(false)` when there is none (no key property, no key container), `None` when asking
/// failed for another reason (access denied to this account, a key that needs a prompt).
fn private_key_state(context: *const CERT_CONTEXT) -> Option<bool> {
    let mut key: HCRYPTPROV_OR_NCRYPT_KEY_HANDLE = 0;
    let mut spec: CERT_KEY_SPEC = 0;
    let mut caller_frees = 0;
    // SAFETY: `context` is a live certificate context (see `encoded_bytes`); the three out
    // parameters are valid locals; `pvParameters` is null as it must be without
    // CRYPT_ACQUIRE_WINDOW_HANDLE_FLAG; the silent flag forbids any UI.
    let acquired = unsafe {
        CryptAcquireCertificatePrivateKey(
            context,
            CRYPT_ACQUIRE_SILENT_FLAG | CRYPT_ACQUIRE_PREFER_NCRYPT_KEY_FLAG | CRYPT_ACQUIRE_CACHE_FLAG,
            ptr::null(),
            &mut key,
            &mut spec,
            &mut caller_frees,
        )
    };
    if acquired == 0 {
        return match last_error() {
            CRYPT_E_NO_KEY_PROPERTY | NTE_BAD_KEYSET | NTE_NO_KEY => Some(false),
            _ => None,
        };
    }
    // With CRYPT_ACQUIRE_CACHE_FLAG the handle normally stays with the context; release it
    // only when the API says the caller owns it.
    if caller_frees != 0 {
        if spec == CERT_NCRYPT_KEY_SPEC {
            // SAFETY: `key` is an NCRYPT_KEY_HANDLE the caller owns, freed once.
            let _status = unsafe { NCryptFreeObject(key) };
        } else {
            // SAFETY: `key` is an HCRYPTPROV the caller owns, released once.
            let _released = unsafe { CryptReleaseContext(key, 0) };
        }
    }
    Some(true)
}

/// The calling thread's last error as the unsigned code (HRESULTs included).
fn last_error() -> u32 {
    io::Error::last_os_error().raw_os_error().map_or(0, |code| u32::from_ne_bytes(code.to_ne_bytes()))
}
