//! The reader for saved `netsh http show sslcert` output.
//!
//! netsh is the one tool every administrator has, so its output is what users attach to
//! tickets and paste into issues. But it was written for eyes: its labels are localised, its
//! field list grows with each Windows release, and by the time it reaches sslbind it has often
//! passed through a PowerShell transcript, a Markdown quote or an excerpt that cut it short.
//! This reader recovers the records by their structure (a key line starts a record, the field
//! lines after it belong to it), skips what is not netsh output with a warning, and refuses
//! localised output whose fields it could only place by guessing.
//!
//! A record is `truncated` when it lacks a `Negotiate Client Certificate` line (the last line
//! every Windows version prints; later builds add optional flag lines after it, so a record
//! missing only those is complete), when its last line is cut off in the middle, or when an
//! elision (`...`) follows it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use crate::model::ids::{AppId, Thumbprint};
use crate::model::mapping::{DefaultFlags, ExtendedProperty, Mapping, MappingKey, MappingKind};
use crate::model::source::{Location, Origin, SourceError, SourceWarning};
use crate::text::{self, quote, to_u32};

/// The mappings found in saved `netsh http show sslcert` output, with everything that was
/// skipped or could not be understood on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetshRead {
    /// One mapping per record, in the order of the file.
    pub mappings: Vec<Mapping>,
    /// Noise skipped, values not understood and records cut short, ordered by line.
    pub warnings: Vec<SourceWarning>,
    /// Set when no record was read although lines shaped like parts of records were found
    /// (fields without a key line, records whose key is not one): why, at the first such
    /// line. An empty list would then say "no mappings" where the truth is "not understood",
    /// so callers that stand for the machine's HTTP.sys store refuse the file with this error.
    pub no_record_read: Option<SourceError>,
}

/// Reads saved `netsh http show sslcert` output.
///
/// `path` names the source in locations; `bytes` is the file as saved: UTF-8 with or without
/// a BOM, or UTF-16 with a BOM, with CRLF or LF line ends. Prompts, headers, Markdown quoting,
/// a prefix on every line (PowerShell's `VERBOSE: `), elisions and annotations are skipped with
/// warnings. Fails only for localised output whose fields cannot be placed by their shape.
pub fn read_netsh(path: &Arc<str>, bytes: &[u8]) -> Result<NetshRead, SourceError> {
    let decoded = text::decode(bytes);
    let mut reader = Reader::new(path);
    if decoded.lossy {
        reader.warn(
            1,
            1,
            "the file is not valid UTF-8 or UTF-16: invalid bytes were replaced with U+FFFD".to_owned(),
        );
    }
    let cleaning = Cleaning::detect(&decoded.text);
    if let Some((word, line)) = cleaning.prefix.zip(cleaning.first_prefixed_line) {
        reader.warn(
            line,
            1,
            format!("the lines carry the prefix `{word}:` (a PowerShell stream label?); it was removed"),
        );
    }
    reader.read(&decoded.text, &cleaning)?;
    Ok(reader.finish())
}

/// How many per-line warnings (noise, unknown labels) are listed before the rest are only
/// counted: a megabyte of garbage must not become a million warnings.
const LINE_WARNING_LIMIT: usize = 100;
/// How many warnings of any kind are listed before the rest are only counted.
const WARNING_LIMIT: usize = 1000;
/// How deeply nested Markdown quoting (`> > …`) is undone.
const MAX_QUOTE_DEPTH: usize = 4;

// ---------------------------------------------------------------------------------------------
// Cleaning: the wrapping that travelled with the output (Markdown quoting, a stream prefix).

/// What wraps every line of the file, found in a first pass so that the main pass can undo it
/// line by line without holding all lines in memory.
struct Cleaning<'t> {
    /// Levels of `>` quoting on most lines.
    quote_depth: usize,
    /// A `WORD:` prefix that most lines share (`VERBOSE`, `AUSFÜHRLICH`).
    prefix: Option<&'t str>,
    /// The first line that carries the prefix, for the warning.
    first_prefixed_line: Option<u32>,
    /// The index of the last line with content: only that line may be cut off mid-way.
    last_content_line: Option<usize>,
}

impl<'t> Cleaning<'t> {
    fn detect(text: &'t str) -> Cleaning<'t> {
        // Quoting counts only when most lines carry it: a single `> note` in a plain paste
        // is noise, not a quote of the whole block.
        let mut quote_depth = 0;
        while quote_depth < MAX_QUOTE_DEPTH {
            let (mut content, mut quoted) = (0usize, 0usize);
            for raw in lines(text) {
                let line = unquote(raw, quote_depth);
                if line.trim().is_empty() {
                    continue;
                }
                content += 1;
                if line.trim_start().starts_with('>') {
                    quoted += 1;
                }
            }
            if quoted == 0 || quoted * 2 <= content {
                break;
            }
            quote_depth += 1;
        }

        // A prefix must be shared by most lines; Boyer-Moore majority voting finds the only
        // candidate in one pass and constant memory, a second pass confirms it.
        let mut candidate: Option<&str> = None;
        let mut votes = 0usize;
        let mut last_content_line = None;
        for (index, raw) in lines(text).enumerate() {
            let line = unquote(raw, quote_depth);
            if line.trim().is_empty() {
                continue;
            }
            last_content_line = Some(index);
            let word = line_prefix(line).map(|(word, _)| word);
            if votes == 0 {
                candidate = word;
                votes = 1;
            } else if candidate == word {
                votes += 1;
            } else {
                votes -= 1;
            }
        }
        let mut prefix = None;
        let mut first_prefixed_line = None;
        if let Some(word) = candidate {
            let (mut content, mut carrying) = (0usize, 0usize);
            for (index, raw) in lines(text).enumerate() {
                let line = unquote(raw, quote_depth);
                if line.trim().is_empty() {
                    continue;
                }
                content += 1;
                if line_prefix(line).is_some_and(|(found, _)| found == word) {
                    carrying += 1;
                    first_prefixed_line.get_or_insert(line_number(index));
                }
            }
            if carrying * 2 > content {
                prefix = Some(word);
            } else {
                first_prefixed_line = None;
            }
        }
        Cleaning { quote_depth, prefix, first_prefixed_line, last_content_line }
    }

    /// `raw` without the quoting and prefix found on most lines.
    fn clean<'l>(&self, raw: &'l str) -> &'l str {
        let line = unquote(raw, self.quote_depth);
        match (self.prefix, line_prefix(line)) {
            (Some(prefix), Some((word, rest))) if word == prefix => rest,
            _ => line,
        }
    }
}

/// The lines of `text` without their line ends (CRLF or LF).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line))
}

fn line_number(index: usize) -> u32 {
    to_u32(index.saturating_add(1))
}

/// `line` with up to `depth` levels of Markdown quoting (`>` and one optional space) removed.
fn unquote(line: &str, depth: usize) -> &str {
    let mut line = line;
    for _ in 0..depth {
        match line.trim_start().strip_prefix('>') {
            Some(rest) => line = rest.strip_prefix(' ').unwrap_or(rest),
            None => break,
        }
    }
    line
}

/// The `WORD:` a line starts with, when followed by a space or nothing, and the rest of the
/// line after one space. netsh itself never writes such a line: its labels are padded before
/// the colon, and `IP:port` is followed by a letter, not a space.
fn line_prefix(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start();
    let end = trimmed.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(trimmed.len());
    let word = trimmed.get(..end).filter(|word| !word.is_empty())?;
    let rest = trimmed.get(end..)?.strip_prefix(':')?;
    let mut chars = rest.chars();
    match chars.next() {
        None => Some((word, rest)),
        Some(c) if c.is_whitespace() => Some((word, chars.as_str())),
        Some(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Lines: what one cleaned line is.

/// One line of the cleaned text, by what it can be.
enum Kind<'t> {
    Blank,
    /// `SSL Certificate bindings:`, printed once per netsh run.
    Header,
    /// The dashes under the header, or any other rule.
    Rule,
    /// A command prompt (`C:\>netsh …`, `PS C:\> …`, `netsh>`).
    Prompt,
    /// `...`, `…`, `[...]`: the author left something out here.
    Elision,
    /// ` Extended Properties:`.
    ExtendedProperties,
    /// `label : value`.
    Field(FieldLine<'t>),
    /// Anything else: stray text, or the label of a line cut before its colon.
    Bare,
}

/// A `label : value` line.
struct FieldLine<'t> {
    /// The label as written, trimmed.
    label: &'t str,
    /// The label lowercased without whitespace, for comparison; a known label borrows its
    /// normalised form from [`KNOWN_FIELDS`], so that the lines of a large file allocate
    /// nothing here.
    norm: Cow<'static, str>,
    /// The field the label names, if it is a known one.
    id: Option<FieldId>,
    /// The value as written, trimmed (may be empty).
    value: &'t str,
}

fn classify(line: &str) -> Kind<'_> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Kind::Blank;
    }
    if is_prompt(trimmed) {
        return Kind::Prompt;
    }
    if is_rule(trimmed) {
        return Kind::Rule;
    }
    if is_elision(trimmed) {
        return Kind::Elision;
    }
    if same_label(trimmed, "SSL Certificate bindings:") {
        return Kind::Header;
    }
    if same_label(trimmed, "Extended Properties:") {
        return Kind::ExtendedProperties;
    }
    match split_field(trimmed) {
        Some((label, value)) => {
            let (norm, id) = identify(label);
            Kind::Field(FieldLine { label, norm, value, id })
        }
        None => Kind::Bare,
    }
}

/// Splits `label : value` at the first colon that separates: one with whitespace on either
/// side (`label : value`, `label: value`, `label :value`), or at the end of a known label
/// (`Usage Check:` cut off before its value). The colons inside `IP:port` and in the values
/// `[::]:443` and `host:443` have whitespace on neither side; `RESULTS:` is not a label.
///
/// A label may end in a colon of its own before netsh's padding and separator, as French
/// labels do (`Nom du magasin de certificats :       : MY`, or `…:MY`): a value that starts
/// with a colon gives it back to the label.
fn split_field(trimmed: &str) -> Option<(&str, &str)> {
    let mut after_space = false;
    for (index, c) in trimmed.char_indices() {
        if c == ':' {
            let rest = trimmed.get(index + 1..)?;
            let label = trimmed.get(..index)?.trim_end();
            let separates = match rest.chars().next() {
                Some(next) => after_space || next.is_whitespace(),
                None => after_space || identify(label).1.is_some(),
            };
            if separates {
                if label.is_empty() {
                    return None;
                }
                // No value netsh prints starts with a colon (IPv6 addresses come in brackets).
                let value = rest.trim();
                let value = value.strip_prefix(':').map_or(value, str::trim);
                return Some((label, value));
            }
        }
        after_space = c.is_whitespace();
    }
    None
}

/// A command prompt (`C:\>netsh …`, `PS C:\> …`, `netsh>`) pasted with the output.
pub(crate) fn is_prompt(trimmed: &str) -> bool {
    if (trimmed.starts_with("PS ") || trimmed.starts_with("PS>")) && trimmed.contains('>') {
        return true;
    }
    let mut chars = trimmed.chars();
    if let (Some(drive), Some(':'), Some('\\' | '/')) = (chars.next(), chars.next(), chars.next())
        && drive.is_ascii_alphabetic()
        && trimmed.contains('>')
    {
        return true;
    }
    // netsh's own interactive prompt (`netsh>`, `netsh http>`), and the command itself
    // after a shell's `$` or `#`.
    let command = trimmed.trim_start_matches(['$', '#', '>', ' ']);
    command.get(..5).is_some_and(|word| word.eq_ignore_ascii_case("netsh"))
        && command
            .get(5..)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_whitespace() || c == '>' || c == '.'))
}

/// A line of dashes or equals signs under a heading.
pub(crate) fn is_rule(trimmed: &str) -> bool {
    trimmed.chars().nth(2).is_some()
        && trimmed.chars().all(|c| matches!(c, '-' | '=' | '_' | '—' | '–' | '─'))
}

fn is_elision(trimmed: &str) -> bool {
    let core = trimmed.trim_start_matches(['[', '(', '<', ' ']);
    core.starts_with("...")
        || core.starts_with('…')
        || core.get(..4).is_some_and(|word| word.eq_ignore_ascii_case("snip"))
}

/// A label lowercased without whitespace, so that `Disable TLS1.2`, `disable  tls1.2` and a
/// label padded with non-breaking spaces compare equal.
fn normalize(label: &str) -> String {
    // Every line of a large file comes here: ASCII labels (all of netsh's English ones) skip
    // the Unicode case mapping.
    if label.is_ascii() {
        return squeezed_ascii(label).map(char::from).collect();
    }
    squeezed(label).collect()
}

fn squeezed(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase)
}

/// [`squeezed`] of an ASCII text, byte by byte. The whitespace is `char::is_whitespace`'s
/// ASCII set, which unlike `u8::is_ascii_whitespace` includes the vertical tab.
fn squeezed_ascii(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
        .map(|b| b.to_ascii_lowercase())
}

/// Whether `text` is `label` up to case and whitespace, without allocating: it runs on every
/// line.
fn same_label(text: &str, label: &str) -> bool {
    // Labels are short; a long line cannot match and is not worth squeezing.
    if text.len() > label.len() * 4 {
        return false;
    }
    if text.is_ascii() && label.is_ascii() {
        return squeezed_ascii(text).eq(squeezed_ascii(label));
    }
    squeezed(text).eq(squeezed(label))
}

// ---------------------------------------------------------------------------------------------
// Labels: the fields netsh prints.

/// A field of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldId {
    Hash,
    AppId,
    Store,
    VerifyRevocation,
    CachedOnly,
    UsageCheck,
    FreshnessTime,
    UrlTimeout,
    CtlIdentifier,
    CtlStoreName,
    /// A yes/no line that is a `DefaultFlags` bit, by its label in [`DefaultFlags::KNOWN`].
    Flag(u32),
}

/// The fields that are not `DefaultFlags` bits, with the labels netsh prints.
const PARAM_FIELDS: [(&str, FieldId); 10] = [
    ("Certificate Hash", FieldId::Hash),
    ("Application ID", FieldId::AppId),
    ("Certificate Store Name", FieldId::Store),
    ("Verify Client Certificate Revocation", FieldId::VerifyRevocation),
    ("Verify Revocation Using Cached Client Certificate Only", FieldId::CachedOnly),
    ("Usage Check", FieldId::UsageCheck),
    ("Revocation Freshness Time", FieldId::FreshnessTime),
    ("URL Retrieval Timeout", FieldId::UrlTimeout),
    ("Ctl Identifier", FieldId::CtlIdentifier),
    ("Ctl Store Name", FieldId::CtlStoreName),
];

/// `DefaultFlags` bit of "DS Mapper Usage".
const DS_MAPPER: u32 = 0x1;
/// `DefaultFlags` bit of "Negotiate Client Certificate".
const NEGOTIATE_CLIENT_CERT: u32 = 0x2;

/// The fields every Windows version prints after the key line, in their order (reference
/// §4.2): what a localised record is read by when its labels are unknown.
const CLASSIC_ORDER: [FieldId; 12] = [
    FieldId::Hash,
    FieldId::AppId,
    FieldId::Store,
    FieldId::VerifyRevocation,
    FieldId::CachedOnly,
    FieldId::UsageCheck,
    FieldId::FreshnessTime,
    FieldId::UrlTimeout,
    FieldId::CtlIdentifier,
    FieldId::CtlStoreName,
    FieldId::Flag(DS_MAPPER),
    FieldId::Flag(NEGOTIATE_CLIENT_CERT),
];

/// The known labels, normalised once: every field line is looked up here.
static KNOWN_FIELDS: LazyLock<Vec<(String, FieldId)>> = LazyLock::new(|| {
    let params = PARAM_FIELDS.iter().map(|(label, id)| (normalize(label), *id));
    let flags = DefaultFlags::KNOWN.iter().map(|(bit, _, label)| (normalize(label), FieldId::Flag(*bit)));
    params.chain(flags).collect()
});

/// [`KNOWN_FIELDS`] by label, for the lookup of every field line; the first of two equal
/// labels wins, as in the list.
static FIELDS_BY_LABEL: LazyLock<HashMap<&'static str, FieldId>> =
    LazyLock::new(|| KNOWN_FIELDS.iter().rev().map(|(label, id)| (label.as_str(), *id)).collect());

/// A label's normalised form and the field it names. A short ASCII label (every label netsh
/// prints in English) is normalised on the stack, and a known one borrows its normalised form
/// from [`KNOWN_FIELDS`]: the lines of a large file allocate nothing here.
fn identify(label: &str) -> (Cow<'static, str>, Option<FieldId>) {
    const SHORT: usize = 96;
    let mut buffer = [0u8; SHORT];
    let owned;
    let norm = if label.is_ascii() && label.len() <= SHORT {
        let mut length = 0;
        for byte in squeezed_ascii(label) {
            buffer[length] = byte;
            length += 1;
        }
        std::str::from_utf8(&buffer[..length]).unwrap_or_default()
    } else {
        owned = normalize(label);
        owned.as_str()
    };
    match FIELDS_BY_LABEL.get_key_value(norm) {
        Some((known, id)) => (Cow::Borrowed(*known), Some(*id)),
        None => (Cow::Owned(norm.to_owned()), None),
    }
}

/// The label netsh prints for a field, for messages.
fn label_of(id: FieldId) -> &'static str {
    let param = PARAM_FIELDS.iter().find(|(_, known)| *known == id).map(|(label, _)| *label);
    let flag = || match id {
        FieldId::Flag(bit) => {
            DefaultFlags::KNOWN.iter().find(|(known, _, _)| *known == bit).map(|(_, _, label)| *label)
        }
        _ => None,
    };
    param.or_else(flag).unwrap_or("field")
}

/// Whether a cleaned line, cut before its colon, is the beginning of a field label.
fn is_cut_label(trimmed: &str) -> bool {
    let norm = normalize(trimmed);
    // Even one letter counts: a last line `D` after a complete-looking record is more likely
    // `DS Mapper Usage` or `Disable …` cut short than a note, and erring here only costs a
    // `truncated` flag.
    !norm.is_empty() && KNOWN_FIELDS.iter().any(|(known, _)| known.starts_with(&norm))
}

/// What the key line of a record says the record is.
fn key_kind(norm: &str) -> Option<MappingKind> {
    match norm {
        "ip:port" => Some(MappingKind::Ip),
        "hostname:port" => Some(MappingKind::Sni),
        "centralcertificatestore" => Some(MappingKind::Ccs),
        // No public sample shows the scoped-CCS label (reference §4.2); accept the likely ones.
        _ if (norm.contains("scoped") && norm.contains("centralcertificatestore"))
            || norm.contains("scopedccs") =>
        {
            Some(MappingKind::ScopedCcs)
        }
        _ => None,
    }
}

/// The key a key line's value names, if it is one: `IP:port` (`0.0.0.0:443`, `[::]:443`),
/// `host:port`, or a port for CCS, as netsh writes them. `sslbind mapping` reads its
/// `--ipport` and `--hostnameport` with it too, so that a key given is one netsh would print.
pub fn parse_mapping_key(kind: MappingKind, token: &str) -> Option<MappingKey> {
    match kind {
        MappingKind::Ip => {
            token.parse::<SocketAddr>().ok().filter(|address| address.port() != 0).map(MappingKey::Ip)
        }
        MappingKind::Sni => host_port(token).map(|(host, port)| MappingKey::Sni { host, port }),
        MappingKind::ScopedCcs => host_port(token).map(|(host, port)| MappingKey::ScopedCcs { host, port }),
        MappingKind::Ccs => port(token).map(|port| MappingKey::Ccs { port }),
    }
}

fn host_port(token: &str) -> Option<(String, u16)> {
    let (host, port_text) = token.rsplit_once(':')?;
    let port = port(port_text)?;
    let valid_host = host.len() <= 255
        && !host.is_empty()
        && !host.starts_with('.')
        && !host.contains("..")
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '*'));
    valid_host.then(|| (host.to_owned(), port))
}

fn port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|port| *port != 0)
}

/// The key of a line whose label is not a known key label but has the key's shape: a
/// localised `IP:port` label (words, a colon, one word: `IP:Port`, `IP:порт`,
/// `Adresse IP:port`, `Nom d'hôte:port`) with a socket-address or `host:port` value, and
/// whether the label has spaces.
///
/// A label with spaces has the shape a future field such as `Redirect IP:port` would have,
/// so the caller lets it start a record only where a record can start (see
/// [`Reader::may_start_record`]), and it must hold nothing but the key: a sentence such as
/// `The IP:port : 0.0.0.0:443 is ours` is not a key line.
fn localised_key(label: &str, value: &str) -> Option<(MappingKey, bool)> {
    const MAX_WORDS: usize = 4;
    let (left, right) = label.split_once(':')?;
    let wordy = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '\u{2019}'))
    };
    // Any whitespace separates words: French typography puts no-break spaces in labels.
    let words: Vec<&str> = left.split_whitespace().collect();
    let spaced = words.len() > 1;
    if words.is_empty() || words.len() > MAX_WORDS || !words.iter().all(|word| wordy(word)) || !wordy(right) {
        return None;
    }
    let (token, rest) = split_token(value);
    if spaced && !rest.is_empty() {
        return None;
    }
    parse_mapping_key(MappingKind::Ip, token)
        .or_else(|| parse_mapping_key(MappingKind::Sni, token))
        .map(|key| (key, spaced))
}

// ---------------------------------------------------------------------------------------------
// Values.

/// The first whitespace-separated token of a value and what follows it, trimmed.
fn split_token(value: &str) -> (&str, &str) {
    let value = value.trim_start();
    match value.find(char::is_whitespace) {
        Some(end) => (value.get(..end).unwrap_or(value), value.get(end..).unwrap_or("").trim()),
        None => (value, ""),
    }
}

/// A free-text value (a store name may contain single spaces) and a trailing annotation: netsh
/// never prints two spaces or an arrow inside a value, authors do.
fn split_text(value: &str) -> (&str, &str) {
    let mut previous_space = false;
    let mut cut = None;
    for (index, c) in value.char_indices() {
        let rest = value.get(index..).unwrap_or("");
        if (c.is_whitespace() && previous_space)
            || rest.starts_with("<-")
            || rest.starts_with('←')
            || rest.starts_with(" #")
            || rest.starts_with(" //")
        {
            cut = Some(index);
            break;
        }
        previous_space = c.is_whitespace();
    }
    match cut {
        Some(index) => {
            (value.get(..index).unwrap_or(value).trim_end(), value.get(index..).unwrap_or("").trim())
        }
        None => (value, ""),
    }
}

fn is_null(value: &str) -> bool {
    value.eq_ignore_ascii_case("(null)")
}

fn is_elided(value: &str) -> bool {
    value.ends_with("...") || value.ends_with('…')
}

/// The words of a yes/no line: the classic lines print `Enabled`/`Disabled`, the flag lines
/// of newer builds `Set`/`Not Set`; German builds may translate the former.
const SWITCH_WORDS: [(&str, &str, bool); 6] = [
    ("enabled", "Enabled", true),
    ("disabled", "Disabled", false),
    ("set", "Set", true),
    ("notset", "Not Set", false),
    ("aktiviert", "Aktiviert", true),
    ("deaktiviert", "Deaktiviert", false),
];

/// A yes/no value as read.
enum Switch<'v> {
    /// A known word, and any annotation after it.
    Known(bool, &'v str),
    /// The beginning of exactly one meaning's words, on a line cut off at the end of the file.
    Cut(bool, &'static str),
    /// The beginning of a word, on a line cut off at the end of the file, too short to say
    /// which (`D`, `Se`).
    CutUnclear,
    Unknown,
}

fn parse_switch(value: &str, last_line: bool) -> Switch<'_> {
    let word_of =
        |text: &str| SWITCH_WORDS.iter().find(|(word, _, _)| same_label(text, word)).map(|(_, _, on)| *on);
    let (first, rest) = split_token(value);
    let (second, after_second) = split_token(rest);
    if first.eq_ignore_ascii_case("not") && second.eq_ignore_ascii_case("set") {
        return Switch::Known(false, after_second);
    }
    if let Some(on) = word_of(first) {
        return Switch::Known(on, rest);
    }
    if last_line {
        // `Usage Check : Enable` at the end of an excerpt: accept the beginning of a word only
        // when it is long enough to mean one thing.
        let norm = normalize(value);
        let mut matches = SWITCH_WORDS.iter().filter(|(word, _, _)| word.starts_with(norm.as_str()));
        if let Some((_, shown, on)) = matches.next() {
            if norm.chars().nth(2).is_some() && matches.all(|(_, _, other)| other == on) {
                return Switch::Cut(*on, shown);
            }
            return Switch::CutUnclear;
        }
    }
    Switch::Unknown
}

/// Whether `value` has the shape netsh prints at a field's position, so that a localised
/// record is read by position only where each value fits its place.
fn has_shape(id: FieldId, value: &str) -> bool {
    let (token, _) = split_token(value);
    // An elided value (`5226dc6c…`) fits where its beginning fits; its neighbours still
    // have to confirm the position.
    if is_elided(token) {
        return could_be_cut(id, token.trim_end_matches(['.', '…']));
    }
    match id {
        FieldId::Hash => {
            is_null(token) || (token.len() == 40 && token.chars().all(|c| c.is_ascii_alphanumeric()))
        }
        FieldId::AppId => is_guid_shaped(token),
        FieldId::Store | FieldId::CtlIdentifier | FieldId::CtlStoreName => !value.is_empty(),
        FieldId::VerifyRevocation | FieldId::CachedOnly | FieldId::UsageCheck | FieldId::Flag(_) => {
            !token.is_empty() && token.chars().all(char::is_alphabetic)
        }
        FieldId::FreshnessTime | FieldId::UrlTimeout => {
            !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// Whether `value` could be the beginning of a value of the field's shape, for the last line
/// of a file cut off mid-way.
fn could_be_cut(id: FieldId, value: &str) -> bool {
    let (token, rest) = split_token(value);
    if !rest.is_empty() {
        return false;
    }
    match id {
        FieldId::Hash => token.len() < 40 && token.chars().all(|c| c.is_ascii_alphanumeric()),
        FieldId::AppId => {
            token.len() < 38 && token.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '{' | '-'))
        }
        _ => true,
    }
}

/// `{8-4-4-4-12}` of letters and digits, braces optional; whether the digits are hex is for
/// [`AppId::parse`] to say.
fn is_guid_shaped(token: &str) -> bool {
    let inner = token.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).unwrap_or(token);
    let groups: Vec<&str> = inner.splitn(6, '-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length && group.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The column (one-based, in characters) at which `part`, a slice of `raw`, starts.
fn column_of(raw: &str, part: &str) -> u32 {
    let offset = (part.as_ptr() as usize).saturating_sub(raw.as_ptr() as usize);
    raw.get(..offset).map_or(1, |before| to_u32(before.chars().count().saturating_add(1)))
}

// ---------------------------------------------------------------------------------------------
// Records.

/// A record as collected, before its fields are interpreted: whether to read it by label or
/// by position can only be decided once all its lines are known.
struct RawRecord<'t> {
    key: MappingKey,
    line: u32,
    column: u32,
    fields: Vec<RawField<'t>>,
    /// Labels seen outside extended-property blocks: a label seen twice means the lines no
    /// longer belong to this record.
    seen: HashSet<String>,
    /// The fields of the known labels among them.
    seen_fields: Vec<FieldId>,
    in_extended: bool,
    /// The last line of the file is a label cut before its colon.
    cut: bool,
    /// An elision follows the record.
    elided: bool,
}

struct RawField<'t> {
    line: u32,
    /// Where the value starts (where the label starts for an `Extended Properties:` line).
    column: u32,
    /// `None` for an `Extended Properties:` line.
    field: Option<FieldLine<'t>>,
    /// The field this label names, if known.
    id: Option<FieldId>,
    /// Inside an `Extended Properties:` block.
    in_extended: bool,
    /// The last line with content in the file: the only one that can be cut off mid-way.
    last: bool,
}

impl<'t> RawRecord<'t> {
    /// Adds a field line; `false` if its label was already seen, so that it cannot belong here.
    fn push(&mut self, field: FieldLine<'t>, line: u32, column: u32, last: bool) -> bool {
        let id = field.id;
        // Unknown labels after `Extended Properties:` belong to the block; a known field ends it.
        let in_extended = self.in_extended && id.is_none();
        if !in_extended {
            self.in_extended = false;
            // Known labels (nearly all) are told apart by their field, without a copy.
            let new = match id {
                Some(id) if !self.seen_fields.contains(&id) => {
                    self.seen_fields.push(id);
                    true
                }
                Some(_) => false,
                None => self.seen.insert(field.norm.to_string()),
            };
            if !new {
                return false;
            }
        }
        self.fields.push(RawField { line, column, field: Some(field), id, in_extended, last });
        true
    }

    fn push_extended(&mut self, line: u32, column: u32) {
        self.in_extended = true;
        self.fields.push(RawField { line, column, field: None, id: None, in_extended: true, last: false });
    }
}

/// Where the reader is between records.
enum State<'t> {
    /// No record open: field lines here have lost their key line.
    Outside,
    Record(Box<RawRecord<'t>>),
    /// Inside a record whose key is not a key: its lines are skipped without more warnings.
    Skipping,
}

/// Field lines met outside any record, reported once per run.
struct Orphans {
    line: u32,
    column: u32,
    count: usize,
    reason: Option<String>,
    /// The run is one `label :` line without a value: a localised heading
    /// (`Liaisons de certificats SSL :`) when a rule follows it.
    heading: bool,
}

/// How complete a record turned out while its values were read.
#[derive(Default)]
struct Completeness {
    /// A value on the last line was cut off.
    cut: bool,
    /// A value was elided (`61d3…`).
    elided: bool,
}

/// The key a key line starts a record with.
enum KeyStart {
    Valid {
        key: MappingKey,
        /// The label was not recognised; the key was read from its shape.
        localised: bool,
        annotation: String,
    },
    Invalid {
        kind: MappingKind,
        token: String,
    },
}

/// The key a field line starts a record with, if it is a key line. `may_start_spaced` says
/// whether a localised key label with spaces may start a record here.
fn key_start(field: &FieldLine<'_>, may_start_spaced: impl Fn(&str) -> bool) -> Option<KeyStart> {
    // No key label is a known field label: most lines stop here.
    if field.id.is_some() {
        return None;
    }
    let (token, rest) = split_token(field.value);
    if let Some(kind) = key_kind(&field.norm) {
        return Some(match parse_mapping_key(kind, token) {
            Some(key) => KeyStart::Valid { key, localised: false, annotation: rest.to_owned() },
            None => KeyStart::Invalid { kind, token: token.to_owned() },
        });
    }
    let (key, spaced) = localised_key(field.label, field.value)?;
    if spaced && !may_start_spaced(&field.norm) {
        return None;
    }
    Some(KeyStart::Valid { key, localised: true, annotation: rest.to_owned() })
}

/// Hosts compare case-insensitively, so duplicates are found on lowercased keys.
fn identity(key: &MappingKey) -> MappingKey {
    match key {
        MappingKey::Sni { host, port } => MappingKey::Sni { host: host.to_lowercase(), port: *port },
        MappingKey::ScopedCcs { host, port } => {
            MappingKey::ScopedCcs { host: host.to_lowercase(), port: *port }
        }
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The reader.

struct Reader<'p> {
    path: &'p Arc<str>,
    mappings: Vec<Mapping>,
    /// Where each key's mapping is in `mappings`, by [`identity`].
    keys: HashMap<MappingKey, usize>,
    warnings: Vec<SourceWarning>,
    line_warnings: usize,
    suppressed: usize,
    first_suppressed: Option<(u32, u32)>,
    orphans: Option<Orphans>,
    /// Localised key labels that started a record, normalised: the same label starts a record
    /// wherever it appears again, even one with spaces.
    localised_key_labels: HashSet<String>,
    /// The first line shaped like part of a record (a field with a value, a key line): where
    /// the refusal of a file from which no record was read points.
    first_record_like: Option<(u32, u32)>,
    /// The first record skipped for its key, and why: the likeliest reason nothing was read.
    first_bad_key: Option<(u32, u32, String)>,
}

impl<'p> Reader<'p> {
    fn new(path: &'p Arc<str>) -> Reader<'p> {
        Reader {
            path,
            mappings: Vec::new(),
            keys: HashMap::new(),
            warnings: Vec::new(),
            line_warnings: 0,
            suppressed: 0,
            first_suppressed: None,
            orphans: None,
            localised_key_labels: HashSet::new(),
            first_record_like: None,
            first_bad_key: None,
        }
    }

    /// Whether a localised key label with spaces may start a record here: where no record is
    /// open, after a blank line (netsh separates records with one and never puts one inside a
    /// record), or when the same label has already started one.
    fn may_start_record(&self, state: &State<'_>, blank_before: bool, norm: &str) -> bool {
        !matches!(state, State::Record(_)) || blank_before || self.localised_key_labels.contains(norm)
    }

    /// Why no record could be read, when lines shaped like records were found.
    fn no_record_read(&self) -> Option<SourceError> {
        if !self.mappings.is_empty() {
            return None;
        }
        if let Some((line, column, why)) = &self.first_bad_key {
            return Some(SourceError::new(
                self.path,
                *line,
                *column,
                format!(
                    "no netsh record could be read from this file: the record at line {line} was skipped because {why}"
                ),
            ));
        }
        let (line, column) = self.first_record_like?;
        Some(SourceError::new(
            self.path,
            line,
            column,
            format!(
                "no netsh record could be read from this file: line {line} has the shape of a record's field, but no key line (`IP:port`, `Hostname:port`, `Central Certificate Store`, or a localised label of the shape `words:word` with an address:port value) starts a record before it; the output may be localised beyond what can be read safely, or its key lines were left out: save it with English output, or read the HTTP.sys store with `--registry`"
            ),
        ))
    }

    fn warn(&mut self, line: u32, column: u32, message: String) {
        if self.warnings.len() >= WARNING_LIMIT {
            self.suppress(line, column);
            return;
        }
        self.warnings.push(SourceWarning { location: Location::new(self.path, line, column), message });
    }

    /// A warning about one line of noise: these are many in garbage, so they have a budget.
    fn warn_line(&mut self, line: u32, column: u32, message: String) {
        if self.line_warnings >= LINE_WARNING_LIMIT {
            self.suppress(line, column);
            return;
        }
        self.line_warnings += 1;
        self.warn(line, column, message);
    }

    fn suppress(&mut self, line: u32, column: u32) {
        self.suppressed += 1;
        self.first_suppressed.get_or_insert((line, column));
    }

    fn finish(mut self) -> NetshRead {
        self.flush_orphans();
        self.warnings.sort_by_key(|warning| (warning.location.line, warning.location.column));
        if let Some((line, column)) = self.first_suppressed {
            let count = self.suppressed;
            self.warnings.push(SourceWarning {
                location: Location::new(self.path, line, column),
                message: format!("{count} more warnings from here on are not listed"),
            });
        }
        let no_record_read = self.no_record_read();
        NetshRead { mappings: self.mappings, warnings: self.warnings, no_record_read }
    }

    fn read(&mut self, text: &str, cleaning: &Cleaning<'_>) -> Result<(), SourceError> {
        let mut state = State::Outside;
        // Whether the line before this one broke the text (a blank line, a header, a rule, a
        // prompt, an elision, the start of the file): where a record may start.
        let mut blank_before = true;
        for (index, raw) in lines(text).enumerate() {
            let number = line_number(index);
            let line = cleaning.clean(raw);
            let last = cleaning.last_content_line == Some(index);
            let start = column_of(raw, line.trim_start());
            let shown = || quote(line.trim());
            let kind = classify(line);
            let breaks = !matches!(kind, Kind::Field(_) | Kind::Bare | Kind::ExtendedProperties);
            let after_break = std::mem::replace(&mut blank_before, breaks);
            match kind {
                Kind::Blank => {}
                Kind::Header | Kind::Rule => {
                    if self.orphans.as_ref().is_some_and(|run| run.heading && run.line + 1 == number) {
                        self.orphans = None;
                    }
                    self.flush_orphans();
                    state = self.close(state)?;
                }
                Kind::Prompt => {
                    self.flush_orphans();
                    state = self.close(state)?;
                    self.warn_line(number, start, format!("command prompt skipped: `{}`", shown()));
                }
                Kind::Elision => {
                    self.flush_orphans();
                    if let State::Record(record) = &mut state {
                        record.elided = true;
                    }
                    state = self.close(state)?;
                    self.warn_line(
                        number,
                        start,
                        format!("elision `{}`: the output was shortened here", shown()),
                    );
                }
                Kind::ExtendedProperties => match &mut state {
                    State::Record(record) => record.push_extended(number, start),
                    State::Skipping => {}
                    State::Outside => self.orphan(number, start, None, false),
                },
                Kind::Field(field) => {
                    let value_column = column_of(raw, field.value);
                    if !field.value.is_empty() {
                        self.first_record_like.get_or_insert((number, start));
                    }
                    let key = key_start(&field, |norm| self.may_start_record(&state, after_break, norm));
                    if let Some(key) = key {
                        self.flush_orphans();
                        self.close(state)?;
                        state = self.open(key, &field, number, start, value_column);
                        continue;
                    }
                    let mut lost = None;
                    let label = field.label;
                    let heading = field.value.is_empty();
                    match &mut state {
                        State::Record(record) => {
                            if !record.push(field, number, value_column, last) {
                                lost = Some(format!(
                                    "a second `{}` line: the record at line {} ended before it",
                                    quote(label),
                                    record.line
                                ));
                            }
                        }
                        State::Skipping => {}
                        State::Outside => self.orphan(number, start, None, heading),
                    }
                    if let Some(reason) = lost {
                        state = self.close(state)?;
                        self.orphan(number, start, Some(reason), false);
                    }
                }
                Kind::Bare => {
                    self.flush_orphans();
                    match &mut state {
                        State::Record(record) if last && is_cut_label(line.trim()) => {
                            record.cut = true;
                            self.warn(
                                number,
                                start,
                                format!("the line is cut off before its value: `{}`", shown()),
                            );
                        }
                        _ => self.warn_line(
                            number,
                            start,
                            format!("line skipped: not part of a netsh record: `{}`", shown()),
                        ),
                    }
                }
            }
        }
        self.flush_orphans();
        self.close(state)?;
        Ok(())
    }

    fn open<'t>(
        &mut self,
        key: KeyStart,
        field: &FieldLine<'t>,
        line: u32,
        column: u32,
        value_column: u32,
    ) -> State<'t> {
        match key {
            KeyStart::Valid { key, localised, annotation } => {
                if localised {
                    self.localised_key_labels.insert(field.norm.to_string());
                    self.warn(
                        line,
                        column,
                        format!(
                            "key label `{}` not recognised; read as an `{}` record from the shape of its value `{key}`",
                            quote(field.label),
                            key.kind()
                        ),
                    );
                }
                if !annotation.is_empty() {
                    self.warn(
                        line,
                        value_column,
                        format!("text after the key ignored: `{}`", quote(&annotation)),
                    );
                }
                State::Record(Box::new(RawRecord {
                    key,
                    line,
                    column,
                    fields: Vec::new(),
                    seen: HashSet::new(),
                    seen_fields: Vec::new(),
                    in_extended: false,
                    cut: false,
                    elided: false,
                }))
            }
            KeyStart::Invalid { kind, token } => {
                let expected = match kind {
                    MappingKind::Ip => "an address:port",
                    MappingKind::Sni | MappingKind::ScopedCcs => "an address:port (host:port)",
                    MappingKind::Ccs => "an address:port (for Central Certificate Store: a port)",
                };
                self.first_bad_key.get_or_insert_with(|| {
                    (line, column, format!("its key `{}` is not {expected}", quote(&token)))
                });
                self.warn(
                    line,
                    column,
                    format!("record skipped: its key `{}` is not {expected}", quote(&token)),
                );
                State::Skipping
            }
        }
    }

    fn orphan(&mut self, line: u32, column: u32, reason: Option<String>, heading: bool) {
        match &mut self.orphans {
            Some(run) => {
                run.count += 1;
                run.heading = false;
            }
            None => self.orphans = Some(Orphans { line, column, count: 1, reason, heading }),
        }
    }

    fn flush_orphans(&mut self) {
        if let Some(run) = self.orphans.take() {
            let (lines, why) = if run.count == 1 {
                ("a field line".to_owned(), "no key line before it")
            } else {
                (format!("{} field lines", run.count), "no key line before them")
            };
            let why = run.reason.unwrap_or_else(|| why.to_owned());
            self.warn_line(run.line, run.column, format!("{lines} skipped: {why}"));
        }
    }

    /// Ends the open record, if any, and adds its mapping.
    fn close<'t>(&mut self, state: State<'t>) -> Result<State<'t>, SourceError> {
        if let State::Record(record) = state {
            let mapping = self.build(*record)?;
            self.add(mapping);
        }
        Ok(State::Outside)
    }

    fn add(&mut self, mapping: Mapping) {
        let identity = identity(&mapping.key);
        let key = mapping.key.to_string();
        let line = mapping.origin.location().map_or(0, |location| location.line);
        let column = mapping.origin.location().map_or(1, |location| location.column);
        let Some(&index) = self.keys.get(&identity) else {
            self.keys.insert(identity, self.mappings.len());
            self.mappings.push(mapping);
            return;
        };
        let Some(first) = self.mappings.get_mut(index) else {
            return;
        };
        let first_line = first.origin.location().map_or(0, |location| location.line);
        // The same output pasted twice, or an excerpt followed by the full listing: HTTP.sys
        // holds one record per key, so one is kept, the complete one if only one is.
        if first.truncated && !mapping.truncated {
            *first = mapping;
            self.warn(
                line,
                column,
                format!("record `{key}` appears again (first at line {first_line}, cut short there); this complete one is kept"),
            );
        } else {
            self.warn(
                line,
                column,
                format!("record `{key}` appears again (first at line {first_line}); this one is skipped"),
            );
        }
    }

    /// Interprets a record's lines: by label, or by position when no label of the classic
    /// fields is recognised (localised output).
    fn build(&mut self, record: RawRecord<'_>) -> Result<Mapping, SourceError> {
        let origin = Origin::File(Location::new(self.path, record.line, record.column));
        let mut mapping = Mapping::new(record.key.clone(), origin);
        let mut completeness = Completeness::default();
        let knows_classic_label = record
            .fields
            .iter()
            .any(|raw| !raw.in_extended && raw.id.is_some_and(|id| CLASSIC_ORDER.contains(&id)));
        let starts_unknown = record.fields.first().is_some_and(|raw| raw.field.is_some() && raw.id.is_none());
        let positional = !knows_classic_label && starts_unknown;

        let mut by_label = record.fields.as_slice();
        let mut complete = false;
        if positional {
            let placed = self.read_by_position(&record, &mut mapping, &mut completeness)?;
            complete = placed == CLASSIC_ORDER.len();
            by_label = record.fields.get(placed..).unwrap_or_default();
        }
        self.read_by_label(by_label, &mut mapping, &mut completeness);
        if !positional {
            complete = record
                .fields
                .iter()
                .any(|raw| !raw.in_extended && raw.id == Some(FieldId::Flag(NEGOTIATE_CLIENT_CERT)));
        }

        let reason = if record.elided {
            Some("an elision follows it")
        } else if completeness.elided {
            Some("a value was elided")
        } else if record.cut || completeness.cut {
            Some("its last line is cut off")
        } else if !complete {
            Some("it stops before `Negotiate Client Certificate`")
        } else {
            None
        };
        if let Some(reason) = reason {
            mapping.truncated = true;
            self.warn(
                record.line,
                record.column,
                format!("record `{}` is cut short ({reason}); kept with the fields it has", record.key),
            );
        }
        Ok(mapping)
    }

    /// Reads the leading fields of a record with unknown labels by their position in the
    /// classic order, checking that each value has the shape expected there; returns how many
    /// fields were placed.
    fn read_by_position(
        &mut self,
        record: &RawRecord<'_>,
        mapping: &mut Mapping,
        completeness: &mut Completeness,
    ) -> Result<usize, SourceError> {
        let placed = record
            .fields
            .iter()
            .take(CLASSIC_ORDER.len())
            .take_while(|raw| raw.field.is_some() && !raw.in_extended && raw.id.is_none())
            .count();
        let refuse = |line: u32, column: u32, what: String| {
            SourceError::new(
                self.path,
                line,
                column,
                format!(
                    "the output appears to be localised: the labels of the record at line {} were not recognised, and {what}, so its fields cannot be read safely; run `netsh http show sslcert` with English output, or read the HTTP.sys store with `--registry`",
                    record.line
                ),
            )
        };
        if placed < CLASSIC_ORDER.len()
            && let Some(next) = record.fields.get(placed)
        {
            let expected = CLASSIC_ORDER.get(placed).map_or("field", |id| label_of(*id));
            return Err(refuse(
                next.line,
                next.column,
                format!("this line stands where `{expected}` was expected"),
            ));
        }
        for (raw, id) in record.fields.iter().zip(CLASSIC_ORDER).take(placed) {
            let Some(field) = &raw.field else { continue };
            let fits = has_shape(id, field.value)
                || (raw.last && (field.value.is_empty() || could_be_cut(id, field.value)));
            if !fits {
                return Err(refuse(
                    raw.line,
                    raw.column,
                    format!(
                        "`{}` does not look like the `{}` expected at its position",
                        quote(field.value),
                        label_of(id)
                    ),
                ));
            }
            self.apply(mapping, id, raw, field, completeness);
        }
        if placed > 0 {
            self.warn(
                record.line,
                record.column,
                format!(
                    "record `{}`: the field labels were not recognised (localised output?); the fields were read by position in the classic order ({placed} of {})",
                    record.key,
                    CLASSIC_ORDER.len()
                ),
            );
        }
        Ok(placed)
    }

    fn read_by_label(
        &mut self,
        fields: &[RawField<'_>],
        mapping: &mut Mapping,
        completeness: &mut Completeness,
    ) {
        let mut block: Option<ExtendedProperty> = None;
        for raw in fields {
            let Some(field) = &raw.field else {
                mapping.extended_properties.extend(block.take());
                block = Some(ExtendedProperty { property_id: None, values: Vec::new() });
                continue;
            };
            if raw.in_extended {
                let current =
                    block.get_or_insert_with(|| ExtendedProperty { property_id: None, values: Vec::new() });
                if same_label(&field.norm, "PropertyId") {
                    // A second id without its own header still starts a new block.
                    if current.property_id.is_some() || !current.values.is_empty() {
                        mapping.extended_properties.extend(block.take());
                    }
                    let property_id = match field.value.parse::<u32>() {
                        Ok(id) => Some(id),
                        Err(_) => {
                            self.warn(
                                raw.line,
                                raw.column,
                                format!(
                                    "`PropertyId` value `{}` is not a number; left empty",
                                    quote(field.value)
                                ),
                            );
                            None
                        }
                    };
                    block = Some(ExtendedProperty { property_id, values: Vec::new() });
                } else {
                    current.values.push((field.label.to_owned(), field.value.to_owned()));
                }
                continue;
            }
            mapping.extended_properties.extend(block.take());
            match raw.id {
                Some(id) => self.apply(mapping, id, raw, field, completeness),
                None => {
                    self.warn_line(
                        raw.line,
                        raw.column,
                        format!("label `{}` not recognised; kept as an unknown field", quote(field.label)),
                    );
                    mapping.unknown_fields.push((field.label.to_owned(), field.value.to_owned()));
                }
            }
        }
        mapping.extended_properties.extend(block);
    }

    /// Sets one field of `mapping` from its line, warning about what it cannot use.
    fn apply(
        &mut self,
        mapping: &mut Mapping,
        id: FieldId,
        raw: &RawField<'_>,
        field: &FieldLine<'_>,
        completeness: &mut Completeness,
    ) {
        let label = label_of(id);
        let (line, column) = (raw.line, raw.column);
        if field.value.is_empty() {
            if raw.last {
                completeness.cut = true;
                self.warn(line, column, format!("`{label}` is cut off before its value"));
            } else {
                self.warn(line, column, format!("`{label}` has no value; left empty"));
            }
            return;
        }
        let switch = matches!(
            id,
            FieldId::VerifyRevocation | FieldId::CachedOnly | FieldId::UsageCheck | FieldId::Flag(_)
        );
        if switch {
            let (words, _) = split_text(field.value);
            if is_elided(words) {
                completeness.elided = true;
                self.warn(line, column, format!("`{label}` value `{}` was elided; left empty", quote(words)));
                return;
            }
            let on = match parse_switch(field.value, raw.last) {
                Switch::Known(on, annotation) => {
                    self.annotation(line, column, label, annotation);
                    Some(on)
                }
                Switch::Cut(on, word) => {
                    completeness.cut = true;
                    self.warn(
                        line,
                        column,
                        format!("`{label}` value `{}` is cut off; read as `{word}`", quote(field.value)),
                    );
                    Some(on)
                }
                Switch::CutUnclear => {
                    completeness.cut = true;
                    self.warn(
                        line,
                        column,
                        format!("`{label}` value `{}` is cut off; left empty", quote(field.value)),
                    );
                    None
                }
                Switch::Unknown => {
                    self.warn(
                        line,
                        column,
                        format!(
                            "`{label}` value `{}` is neither enabled nor disabled; left empty",
                            quote(field.value)
                        ),
                    );
                    None
                }
            };
            match (id, on) {
                (FieldId::VerifyRevocation, _) => mapping.params.verify_client_cert_revocation = on,
                (FieldId::CachedOnly, _) => mapping.params.verify_revocation_cached_only = on,
                (FieldId::UsageCheck, _) => mapping.params.usage_check = on,
                (FieldId::Flag(bit), Some(true)) => mapping.flags.0 |= bit,
                (FieldId::Flag(bit), Some(false)) => mapping.flags.0 &= !bit,
                _ => {}
            }
            // Only builds that print the protocol lines (Disable HTTP2 and later, 0x10 up)
            // tell a clear protocol bit from one that was never shown.
            if matches!(id, FieldId::Flag(bit) if bit >= 0x10) && on.is_some() {
                mapping.flags_known = true;
            }
            return;
        }

        let single_token =
            matches!(id, FieldId::Hash | FieldId::AppId | FieldId::FreshnessTime | FieldId::UrlTimeout);
        let (value, annotation) =
            if single_token { split_token(field.value) } else { split_text(field.value) };
        self.annotation(line, column, label, annotation);
        if is_elided(value) {
            completeness.elided = true;
            self.warn(line, column, format!("`{label}` value `{}` was elided; left empty", quote(value)));
            return;
        }
        let null = is_null(value);
        match id {
            FieldId::Hash if !null => match Thumbprint::parse(value) {
                Ok(hash) => mapping.certificate_hash = Some(hash),
                Err(error) => self.bad_value(raw, id, value, &error.to_string(), completeness),
            },
            FieldId::AppId if !null => match AppId::parse(value) {
                Ok(app_id) => mapping.app_id = Some(app_id),
                Err(error) => self.bad_value(raw, id, value, &error.to_string(), completeness),
            },
            FieldId::Store if !null => mapping.certificate_store = Some(value.to_owned()),
            FieldId::CtlIdentifier if !null => {
                mapping.params.ctl_identifier = Some(value.to_owned());
            }
            FieldId::CtlStoreName if !null => {
                mapping.params.ctl_store_name = Some(value.to_owned());
            }
            FieldId::FreshnessTime | FieldId::UrlTimeout => {
                let number = match value.parse::<u32>() {
                    Ok(number) => Some(number),
                    Err(_) => {
                        self.bad_value(raw, id, value, "not a whole number up to 4294967295", completeness);
                        None
                    }
                };
                if id == FieldId::FreshnessTime {
                    mapping.params.revocation_freshness_time = number;
                } else {
                    mapping.params.url_retrieval_timeout = number;
                }
            }
            // `(null)`: netsh's way of saying the record has none.
            _ => {}
        }
    }

    fn bad_value(
        &mut self,
        raw: &RawField<'_>,
        id: FieldId,
        value: &str,
        why: &str,
        completeness: &mut Completeness,
    ) {
        let label = label_of(id);
        // A short hash or GUID on the file's last line is the excerpt's end, not a bad value.
        // A number there may be cut too, but it cannot be told from a complete one.
        let cut = raw.last && matches!(id, FieldId::Hash | FieldId::AppId) && could_be_cut(id, value);
        if cut {
            completeness.cut = true;
            self.warn(
                raw.line,
                raw.column,
                format!("`{label}` value `{}` is cut off; left empty", quote(value)),
            );
        } else {
            self.warn(
                raw.line,
                raw.column,
                format!("`{label}` value `{}` is not valid ({why}); left empty", quote(value)),
            );
        }
    }

    fn annotation(&mut self, line: u32, column: u32, label: &str, annotation: &str) {
        if !annotation.is_empty() {
            self.warn(
                line,
                column,
                format!("text after the `{label}` value ignored: `{}`", quote(annotation)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_order_agrees_with_the_flag_table() {
        assert_eq!(label_of(FieldId::Flag(DS_MAPPER)), "DS Mapper Usage");
        assert_eq!(label_of(FieldId::Flag(NEGOTIATE_CLIENT_CERT)), "Negotiate Client Certificate");
        for id in CLASSIC_ORDER {
            assert_eq!(identify(label_of(id)).1, Some(id));
        }
    }

    #[test]
    fn the_separator_is_the_first_spaced_colon() {
        assert_eq!(
            split_field("IP:port                      : [fe80::1%5]:443"),
            Some(("IP:port", "[fe80::1%5]:443"))
        );
        assert_eq!(split_field("Usage Check :"), Some(("Usage Check", "")));
        assert_eq!(split_field("C:\\Windows\\system32>netsh http show sslcert"), None);
        assert_eq!(split_field("RESULTS:"), None);
        assert_eq!(split_field(" : value"), None);
        assert_eq!(split_field("Certificate Store Name: MY"), Some(("Certificate Store Name", "MY")));
        assert_eq!(split_field("Désactiver HTTP2 :Not Set"), Some(("Désactiver HTTP2", "Not Set")));
        assert_eq!(split_field("Nom du magasin :     : MY"), Some(("Nom du magasin", "MY")));
        assert_eq!(split_field("Nom du magasin :     :MY"), Some(("Nom du magasin", "MY")));
        assert_eq!(split_field("Usage Check:"), Some(("Usage Check", "")));
        assert_eq!(split_field("Hostname:port:a.example.com:443"), None);
    }

    #[test]
    fn prefixes_are_single_words_before_a_colon_and_space() {
        assert_eq!(line_prefix("VERBOSE: x"), Some(("VERBOSE", "x")));
        assert_eq!(line_prefix("AUSFÜHRLICH:"), Some(("AUSFÜHRLICH", "")));
        assert_eq!(line_prefix("IP:port : 0.0.0.0:443"), None);
        assert_eq!(line_prefix("Usage Check : Enabled"), None);
        assert_eq!(line_prefix("C:\\>netsh"), None);
    }

    #[test]
    fn cut_switch_words_must_mean_one_thing() {
        assert!(matches!(parse_switch("Enable", true), Switch::Cut(true, "Enabled")));
        assert!(matches!(parse_switch("Not S", true), Switch::Cut(false, "Not Set")));
        assert!(matches!(parse_switch("Enable", false), Switch::Unknown));
        assert!(matches!(parse_switch("Se", true), Switch::CutUnclear));
        assert!(matches!(parse_switch("Maybe", true), Switch::Unknown));
        assert!(matches!(parse_switch("Not Set  <- default", false), Switch::Known(false, "<- default")));
    }

    #[test]
    fn annotations_are_split_from_free_text() {
        assert_eq!(split_text("Remote Desktop"), ("Remote Desktop", ""));
        assert_eq!(split_text("WebHosting   (renewed)"), ("WebHosting", "(renewed)"));
        assert_eq!(split_text("MY <-- here"), ("MY", "<-- here"));
    }
}
