//! Decoding of the text files users collect from Windows machines.
//!
//! The same file arrives as UTF-8 with or without a BOM, as UTF-16 LE (what PowerShell's `>`
//! writes) or UTF-16 BE, with CRLF or LF. Every text reader decodes through here so that line
//! and column numbers in messages always refer to the decoded text the same way.
//!
//! The decoding itself is `encoding_rs`'s (the WHATWG decoders browsers use); what is ours is
//! only what it does not decide: which encoding a BOM-less file is in, and that an odd last
//! byte of UTF-16 is dropped (and reported lossy) rather than replaced.

/// The byte encoding a text file was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 starting with EF BB BF.
    Utf8Bom,
    /// UTF-16 little endian with its BOM (FF FE).
    Utf16Le,
    /// UTF-16 big endian with its BOM (FE FF).
    Utf16Be,
    /// UTF-16 little endian without a BOM, recognised by where its zero bytes fall.
    Utf16LeNoBom,
    /// UTF-16 big endian without a BOM, recognised by where its zero bytes fall.
    Utf16BeNoBom,
}

impl Encoding {
    /// Every encoding a text file is read in, each with and without its byte order mark.
    pub const ALL: [Encoding; 6] = [
        Encoding::Utf8,
        Encoding::Utf8Bom,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Utf16LeNoBom,
        Encoding::Utf16BeNoBom,
    ];

    /// Whether the bytes start with a byte order mark: [`encode`] writes one exactly then, so
    /// that a file is written back the way it was read.
    pub fn has_bom(self) -> bool {
        matches!(self, Encoding::Utf8Bom | Encoding::Utf16Le | Encoding::Utf16Be)
    }
}

/// Text decoded from bytes, with the encoding it came in.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// The text without its byte order mark.
    pub text: String,
    /// How the bytes were encoded.
    pub encoding: Encoding,
    /// Whether invalid sequences were replaced with U+FFFD.
    pub lossy: bool,
}

/// Decodes `bytes`, detecting a UTF-8 or UTF-16 byte order mark.
///
/// Without a BOM the bytes are taken as UTF-8, unless they look like BOM-less UTF-16 (see
/// `bomless_utf16`), which some tools write. Invalid sequences are
/// replaced rather than refused: callers report `lossy` as a warning, because a stray byte
/// in a comment must not stop the whole file from being read.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, lossy) = utf8(rest);
        return Decoded { text, encoding: Encoding::Utf8Bom, lossy };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, lossy) = utf16(rest, encoding_rs::UTF_16LE);
        return Decoded { text, encoding: Encoding::Utf16Le, lossy };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (text, lossy) = utf16(rest, encoding_rs::UTF_16BE);
        return Decoded { text, encoding: Encoding::Utf16Be, lossy };
    }
    match bomless_utf16(bytes) {
        Some(Encoding::Utf16LeNoBom) => {
            let (text, lossy) = utf16(bytes, encoding_rs::UTF_16LE);
            return Decoded { text, encoding: Encoding::Utf16LeNoBom, lossy };
        }
        Some(_) => {
            let (text, lossy) = utf16(bytes, encoding_rs::UTF_16BE);
            return Decoded { text, encoding: Encoding::Utf16BeNoBom, lossy };
        }
        None => {}
    }
    let (text, lossy) = utf8(bytes);
    Decoded { text, encoding: Encoding::Utf8, lossy }
}

/// Encodes `text` back into `encoding`, with a BOM exactly when the encoding has one, so that
/// `encode(&decode(bytes).text, decode(bytes).encoding)` gives back `bytes` for valid text.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Utf16Le => utf16_bytes(&[0xFF, 0xFE], text, u16::to_le_bytes),
        Encoding::Utf16Be => utf16_bytes(&[0xFE, 0xFF], text, u16::to_be_bytes),
        Encoding::Utf16LeNoBom => utf16_bytes(&[], text, u16::to_le_bytes),
        Encoding::Utf16BeNoBom => utf16_bytes(&[], text, u16::to_be_bytes),
    }
}

fn utf16_bytes(bom: &[u8], text: &str, unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bom.len() + 2 * text.len());
    out.extend_from_slice(bom);
    out.extend(text.encode_utf16().flat_map(unit));
    out
}

/// The text of `bytes` without a copy, when [`decode`] would give exactly it unchanged: valid
/// UTF-8 with or without its BOM (which is left out). `None` for UTF-16 and for bytes that
/// need replacement characters; call [`decode`] then. A 100 MB config is then held once, not
/// twice, while it is parsed.
pub(crate) fn as_utf8(bytes: &[u8]) -> Option<(&str, Encoding)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return None;
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).ok().map(|text| (text, Encoding::Utf8Bom));
    }
    if bomless_utf16(bytes).is_some() {
        return None;
    }
    std::str::from_utf8(bytes).ok().map(|text| (text, Encoding::Utf8))
}

/// One-based line and column (in characters) of byte offset `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (to_u32(line), to_u32(column))
}

/// `n` as a `u32` for a line or column number, saturating: positions past 4 G only occur in
/// hostile input, where "very far" is the honest answer.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The longest piece of source text a message quotes, in characters.
pub const QUOTE_LENGTH: usize = 60;

/// `text` as a message quotes it: cut to [`QUOTE_LENGTH`] characters, ending in `…` when cut,
/// so that a warning about one endless line stays one short line.
pub fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_LENGTH).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// UTF-16 code units as text, unpaired surrogates replaced with U+FFFD, and whether any were:
/// the one decoder for code units that do not come from a text file (registry strings, wide
/// strings of the Windows APIs). Callers cut at a NUL themselves, as their formats differ.
pub fn decode_utf16_units(units: &[u16]) -> (String, bool) {
    let mut lossy = false;
    let text = char::decode_utf16(units.iter().copied())
        .map(|decoded| {
            decoded.unwrap_or_else(|_| {
                lossy = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    (text, lossy)
}

/// Little-endian byte pairs as UTF-16 code units; an odd last byte is dropped.
pub fn utf16le_code_units(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect()
}

fn utf8(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    }
}

/// UTF-16 to UTF-8, unpaired surrogates replaced with U+FFFD; an odd last byte is dropped
/// and makes the result lossy (`encoding_rs` would replace it, but the text reported has
/// always ended at the last whole code unit).
fn utf16(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> (String, bool) {
    let odd = bytes.len() % 2 == 1;
    let whole = bytes.get(..bytes.len() - usize::from(odd)).unwrap_or_default();
    let (text, lossy) = encoding.decode_without_bom_handling(whole);
    (text.into_owned(), lossy || odd)
}

/// `Utf16LeNoBom` or `Utf16BeNoBom` when `bytes` (without a BOM) look like UTF-16, else `None`.
///
/// Text in UTF-8 never holds a zero byte, while UTF-16 has one in every character below
/// U+0100: markup, spaces, digits and line ends, which make up a good part of every config
/// and netsh output, whatever the language of its labels and names. So the first 256 code
/// units decide: UTF-16 when at least one in eight has a zero high byte and a nonzero low
/// byte, and such units outnumber the reverse four to one (CJK characters such as U+4E00 give
/// the reverse pattern now and then). Binary files (hives, DER, PFX) hold zero units, which
/// text does not: more than one in 32 keeps them UTF-8, reported lossy there. Fewer than four
/// units are too few to tell, and stay UTF-8.
fn bomless_utf16(bytes: &[u8]) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(512)];
    let units = sample.len() / 2;
    if units < 4 {
        return None;
    }
    let (mut little, mut big, mut zero) = (0usize, 0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => zero += 1,
            (_, 0) => little += 1,
            (0, _) => big += 1,
            _ => {}
        }
    }
    if zero * 32 > units {
        return None;
    }
    let clearly = |this: usize, other: usize| this * 8 >= units && this >= 4 * other;
    if clearly(little, big) {
        Some(Encoding::Utf16LeNoBom)
    } else if clearly(big, little) {
        Some(Encoding::Utf16BeNoBom)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard library's decoder, as the reference for `encoding_rs`'s with our odd byte.
    fn reference_utf16(bytes: &[u8]) -> (String, bool) {
        let (text, lossy) = decode_utf16_units(&utf16le_code_units(bytes));
        (text, lossy || bytes.len() % 2 == 1)
    }

    proptest::proptest! {
        #[test]
        fn utf16_decoding_matches_the_standard_library(units in proptest::collection::vec(
            proptest::prop_oneof![0u16..0x80, 0x80u16..0xD800, 0xD800u16..0xDC00, 0xDC00u16..0xE000, 0xE000u16..=0xFFFF],
            0..64,
        ), odd in proptest::bool::ANY) {
            let mut bytes: Vec<u8> = units.iter().flat_map(|unit| unit.to_le_bytes()).collect();
            if odd {
                bytes.push(0x41);
            }
            proptest::prop_assert_eq!(utf16(&bytes, encoding_rs::UTF_16LE), reference_utf16(&bytes));
        }
    }

    #[test]
    fn as_utf8_is_decode_without_the_copy() {
        let cases: [&[u8]; 8] = [
            b"plain",
            b"\xEF\xBB\xBFwith bom",
            b"\xFF\xFEa\x00",
            b"\xFE\xFF\x00a",
            b"a\x00b\x00c\x00d\x00e\x00",
            b"\x00a\x00b\x00c\x00d\x00e",
            b"bad \xC3",
            b"",
        ];
        for bytes in cases {
            let decoded = decode(bytes);
            match as_utf8(bytes) {
                Some((text, encoding)) => {
                    assert_eq!((text, encoding), (decoded.text.as_str(), decoded.encoding));
                    assert!(!decoded.lossy);
                }
                None => assert!(
                    decoded.lossy
                        || matches!(
                            decoded.encoding,
                            Encoding::Utf16Le
                                | Encoding::Utf16Be
                                | Encoding::Utf16LeNoBom
                                | Encoding::Utf16BeNoBom
                        )
                ),
            }
        }
    }

    #[test]
    fn detects_every_bom_and_strips_it() {
        assert_eq!(decode(b"\xEF\xBB\xBFab").text, "ab");
        assert_eq!(decode(b"\xEF\xBB\xBFab").encoding, Encoding::Utf8Bom);
        let le = encode("IP:port : x\r\n", Encoding::Utf16Le);
        assert_eq!(decode(&le).text, "IP:port : x\r\n");
        assert_eq!(decode(&le).encoding, Encoding::Utf16Le);
        let be = encode("é€", Encoding::Utf16Be);
        assert_eq!(decode(&be).text, "é€");
        assert_eq!(decode(b"plain").encoding, Encoding::Utf8);
    }

    #[test]
    fn bomless_utf16_is_recognised_but_short_ascii_is_not() {
        let bytes: Vec<u8> = "SSL Certificate bindings:".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&bytes).text, "SSL Certificate bindings:");
        assert_eq!(decode(&bytes).encoding, Encoding::Utf16LeNoBom);
        let bytes: Vec<u8> = "SSL Certificate bindings:".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&bytes).text, "SSL Certificate bindings:");
        assert_eq!(decode(&bytes).encoding, Encoding::Utf16BeNoBom);
        assert_eq!(decode(b"abc").encoding, Encoding::Utf8);
        assert_eq!(decode(b"a\x00b\x00").encoding, Encoding::Utf8, "too short to tell");
    }

    #[test]
    fn bomless_utf16_with_non_latin_text_is_recognised() {
        // Chinese labels and a name whose code unit has a zero low byte (U+4E00).
        let text = "\r\nSSL 证书绑定:\r\n-------\r\n\r\n    IP:端口                  : 0.0.0.0:443\r\n    一丁七万丈三上下 : 一\r\n";
        for (encoding, unit) in [
            (Encoding::Utf16LeNoBom, u16::to_le_bytes as fn(u16) -> [u8; 2]),
            (Encoding::Utf16BeNoBom, u16::to_be_bytes),
        ] {
            let bytes: Vec<u8> = text.encode_utf16().flat_map(unit).collect();
            let decoded = decode(&bytes);
            assert_eq!((decoded.text.as_str(), decoded.encoding), (text, encoding));
        }
    }

    #[test]
    fn binary_with_zero_units_stays_utf8() {
        // The start of a registry hive: small little-endian numbers (which look like UTF-16 LE
        // characters) among zero units, and a UTF-16 file name.
        let mut hive = b"regf\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x05\x00\x00\x00".to_vec();
        hive.extend(vec![0; 20]);
        hive.extend("\\??\\C:\\Windows\\System32\\config\\SYSTEM".encode_utf16().flat_map(u16::to_le_bytes));
        hive.extend(vec![0; 400]);
        assert_eq!(decode(&hive).encoding, Encoding::Utf8);
        // A DER certificate's start: few zeros, in no pattern.
        assert_eq!(
            decode(b"\x30\x82\x03\x0b\x30\x82\x01\xf3\xa0\x03\x02\x01\x02\x02\x14\x3b").encoding,
            Encoding::Utf8
        );
    }

    #[test]
    fn invalid_bytes_are_replaced_and_reported() {
        let decoded = decode(b"a\xFFb");
        assert!(decoded.lossy);
        assert_eq!(decoded.text, "a\u{FFFD}b");
        assert!(decode(b"\xFF\xFEa").lossy, "odd UTF-16 length");
    }

    #[test]
    fn encode_round_trips() {
        for encoding in Encoding::ALL {
            let text = "<a>\r\n  ü</a>";
            let bytes = encode(text, encoding);
            let decoded = decode(&bytes);
            assert_eq!((decoded.text.as_str(), decoded.encoding), (text, encoding));
            assert_eq!(encode(&decoded.text, decoded.encoding), bytes);
            let bom = [[0xEF, 0xBB], [0xFF, 0xFE], [0xFE, 0xFF]].iter().any(|bom| bytes.starts_with(bom));
            assert_eq!(bom, encoding.has_bom(), "{encoding:?}");
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\r\nçd\nx";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 1));
        assert_eq!(line_column(text, 6), (2, 2));
        assert_eq!(line_column(text, text.len()), (3, 2));
    }
}
