//! Host names as HTTP.sys and IIS compare them: `WWW.Example.com`, `www.example.com.` and
//! `www.example.com` name one SNI record, and so do `bücher.example` and
//! `xn--bcher-kva.example`.
//!
//! A [`HostName`] is normalised once, when it is built, and its equality, hash and order use
//! only the normalised form, so that every map, set and comparison of keys agrees without
//! folding case on its own. The form the source wrote is kept beside it: messages, tables and
//! JSON show what the user wrote, and [`HostName::normalized`] is there for the few outputs
//! that name a record whatever its spelling (`sslbind diff`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A host name with its written form and its normalised form: ASCII letters in lowercase,
/// without a trailing dot, and an internationalised name as punycode (`xn--…`). A name that
/// is not a valid internationalised name (IDNA's UTS #46 refuses it) is lowercased instead,
/// so that every text is a host name and reading never fails here.
#[derive(Clone)]
pub struct HostName {
    written: String,
    normalized: String,
}

impl HostName {
    /// `written`, normalised.
    pub fn new(written: impl Into<String>) -> HostName {
        let written = written.into();
        let normalized = normalize(&written);
        HostName { written, normalized }
    }

    /// The name as the source wrote it.
    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// The normalised name: what two spellings of one host have in common.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Whether the written name is empty.
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }
}

fn normalize(written: &str) -> String {
    let trimmed = written.strip_suffix('.').unwrap_or(written);
    if trimmed.is_ascii() {
        return trimmed.to_ascii_lowercase();
    }
    match idna::domain_to_ascii(trimmed) {
        Ok(ascii) => ascii,
        Err(_) => trimmed.to_lowercase(),
    }
}

impl PartialEq for HostName {
    fn eq(&self, other: &HostName) -> bool {
        self.normalized == other.normalized
    }
}

impl Eq for HostName {}

impl Hash for HostName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized.hash(state);
    }
}

impl PartialOrd for HostName {
    fn partial_cmp(&self, other: &HostName) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for HostName {
    fn cmp(&self, other: &HostName) -> Ordering {
        self.normalized.cmp(&other.normalized)
    }
}

impl fmt::Display for HostName {
    /// The written form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

impl fmt::Debug for HostName {
    /// The written form, quoted like a string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.written, f)
    }
}

impl From<&str> for HostName {
    fn from(written: &str) -> HostName {
        HostName::new(written)
    }
}

impl From<String> for HostName {
    fn from(written: String) -> HostName {
        HostName::new(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_host_are_equal_and_keep_their_written_form() {
        let cases = [
            ("WWW.Example.com", "www.example.com"),
            ("www.example.com.", "www.example.com"),
            ("*.Example.COM", "*.example.com"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("BÜCHER.example.", "xn--bcher-kva.example"),
            ("XN--BCHER-KVA.example", "xn--bcher-kva.example"),
            ("", ""),
        ];
        for (written, normalized) in cases {
            let host = HostName::new(written);
            assert_eq!(host.normalized(), normalized, "{written}");
            assert_eq!(host.as_str(), written);
            assert_eq!(host.to_string(), written);
            assert_eq!(host, HostName::new(normalized), "{written}");
        }
        assert_ne!(HostName::new("a.example.com"), HostName::new("b.example.com"));
    }

    #[test]
    fn a_name_idna_refuses_is_lowercased() {
        let host = HostName::new("\u{E000}.Example");
        assert_eq!(host.normalized(), "\u{E000}.example");
    }
}
