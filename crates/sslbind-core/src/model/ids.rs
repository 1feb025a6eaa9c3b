//! The two identifiers users copy between tools: certificate thumbprints and AppId GUIDs.
//!
//! Both are parsed once into fixed-size values so that `5226dc6c…`, `52 26 DC 6C …` and a
//! thumbprint pasted from the certificate dialog with an invisible mark in front all compare
//! equal, and both print in one canonical form.

use std::fmt;
use std::str::FromStr;

/// A certificate's SHA-1 thumbprint, the "certificate hash" of netsh.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Thumbprint(pub [u8; 20]);

/// Why a thumbprint or GUID did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// A character that is not a hex digit (after separators are removed).
    #[error("`{character}` is not a hex digit")]
    NotHex {
        /// The offending character.
        character: char,
    },
    /// The wrong number of hex digits.
    #[error("expected {expected} hex digits, found {found}")]
    WrongLength {
        /// How many digits the identifier has.
        expected: usize,
        /// How many were found.
        found: usize,
    },
}

impl Thumbprint {
    /// Parses hex, ignoring case, spaces, colons and the invisible marks Windows dialogs add.
    pub fn parse(text: &str) -> Result<Thumbprint, IdError> {
        let digits = hex_digits(text, |c| c.is_whitespace() || c == ':' || is_invisible(c))?;
        let bytes = to_bytes::<20>(&digits)?;
        Ok(Thumbprint(bytes))
    }

    /// The 20 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }
}

impl FromStr for Thumbprint {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Thumbprint, IdError> {
        Thumbprint::parse(text)
    }
}

impl fmt::Display for Thumbprint {
    /// Uppercase hex without separators, as the certificate store's key names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02X}"))
    }
}

impl fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Thumbprint({self})")
    }
}

/// An HTTP.sys AppId: the GUID that tags which program owns a mapping.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(pub u128);

impl AppId {
    /// Parses `{4dc3e181-e14b-4a21-b022-59fc669b0914}`, with or without braces, any case.
    pub fn parse(text: &str) -> Result<AppId, IdError> {
        let trimmed = text.trim();
        let inner = trimmed.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).unwrap_or(trimmed);
        let dashes_at_right_places = inner.len() == 36
            && inner.char_indices().all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23));
        let digits = hex_digits(inner, |c| c == '-')?;
        if !dashes_at_right_places && digits.len() == 32 {
            return Err(IdError::WrongLength { expected: 32, found: digits.len() });
        }
        let bytes = to_bytes::<16>(&digits)?;
        Ok(AppId(u128::from_be_bytes(bytes)))
    }

    /// The GUID from the 16 bytes Windows stores (`GUID` struct layout: the first three
    /// groups little-endian).
    pub fn from_windows_bytes(bytes: [u8; 16]) -> AppId {
        let mut canonical = bytes;
        canonical[0..4].reverse();
        canonical[4..6].reverse();
        canonical[6..8].reverse();
        AppId(u128::from_be_bytes(canonical))
    }

    /// The 16 bytes in Windows `GUID` layout.
    pub fn to_windows_bytes(self) -> [u8; 16] {
        let mut bytes = self.0.to_be_bytes();
        bytes[0..4].reverse();
        bytes[4..6].reverse();
        bytes[6..8].reverse();
        bytes
    }
}

impl FromStr for AppId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<AppId, IdError> {
        AppId::parse(text)
    }
}

impl fmt::Display for AppId {
    /// Lowercase with braces, as netsh prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = format!("{:032x}", self.0);
        write!(f, "{{{}-{}-{}-{}-{}}}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }
}

impl fmt::Debug for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppId({self})")
    }
}

/// Left-to-right marks and similar characters that certmgr's copy button puts in front of a
/// thumbprint; they are invisible in a terminal and break naive comparisons.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{200B}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}')
}

fn hex_digits(text: &str, skip: impl Fn(char) -> bool) -> Result<Vec<u8>, IdError> {
    text.chars()
        .filter(|&c| !skip(c))
        .map(|character| {
            character.to_digit(16).and_then(|d| u8::try_from(d).ok()).ok_or(IdError::NotHex { character })
        })
        .collect()
}

fn to_bytes<const N: usize>(digits: &[u8]) -> Result<[u8; N], IdError> {
    if digits.len() != N * 2 {
        return Err(IdError::WrongLength { expected: N * 2, found: digits.len() });
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = pair[0] << 4 | pair[1];
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_compare_equal_however_written() {
        let plain = Thumbprint::parse("5226dc6c54559761cd471b86eb51c096252c90f2").unwrap();
        let spaced =
            Thumbprint::parse("52 26 DC 6C 54 55 97 61 CD 47 1B 86 EB 51 C0 96 25 2C 90 F2").unwrap();
        let marked = Thumbprint::parse("\u{200E}5226DC6C54559761CD471B86EB51C096252C90F2").unwrap();
        assert_eq!(plain, spaced);
        assert_eq!(plain, marked);
        assert_eq!(plain.to_string(), "5226DC6C54559761CD471B86EB51C096252C90F2");
    }

    #[test]
    fn thumbprint_near_misses_are_refused() {
        assert_eq!(
            Thumbprint::parse("af459df0ed47a6fg4b8f6a20caf2488d3bb6e1bb"),
            Err(IdError::NotHex { character: 'g' })
        );
        assert_eq!(
            Thumbprint::parse("5226dc6c54559761cd471b86eb51c096252c90"),
            Err(IdError::WrongLength { expected: 40, found: 38 })
        );
        assert!(Thumbprint::parse("").is_err());
    }

    #[test]
    fn app_ids_parse_with_or_without_braces_and_print_lowercase() {
        let braced = AppId::parse("{4DC3E181-E14B-4A21-B022-59FC669B0914}").unwrap();
        let bare = AppId::parse("4dc3e181-e14b-4a21-b022-59fc669b0914").unwrap();
        assert_eq!(braced, bare);
        assert_eq!(braced.to_string(), "{4dc3e181-e14b-4a21-b022-59fc669b0914}");
    }

    #[test]
    fn app_id_near_misses_are_refused() {
        assert!(AppId::parse("{<guid>}").is_err());
        assert!(AppId::parse("{4dc3e181e14b-4a21-b022-59fc669b09140}").is_err());
        assert!(AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b091}").is_err());
    }

    #[test]
    fn windows_guid_layout_round_trips() {
        let app_id = AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap();
        let bytes = app_id.to_windows_bytes();
        assert_eq!(&bytes[..4], &[0x81, 0xe1, 0xc3, 0x4d]);
        assert_eq!(&bytes[8..], &[0xb0, 0x22, 0x59, 0xfc, 0x66, 0x9b, 0x09, 0x14]);
        assert_eq!(AppId::from_windows_bytes(bytes), app_id);
    }
}
