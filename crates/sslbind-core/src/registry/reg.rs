//! The reader for `.reg` files, the registry exports users make with regedit or `reg export`.
//!
//! A `.reg` file is what an administrator can collect from a machine without installing
//! anything, so it is the common way HTTP.sys's records and the certificate stores reach
//! sslbind for offline analysis. Both formats regedit has ever written are read:
//! `Windows Registry Editor Version 5.00` (UTF-16 LE with a BOM as regedit writes it, UTF-8
//! as other tools and editors leave it) and `REGEDIT4` (ANSI: UTF-8 where the bytes are valid
//! UTF-8, Windows-1252 where they are not). The result is a generic [`RegistryTree`]; what the
//! keys mean is decided by [`interpret`](super::interpret).
//!
//! Like the other readers it is lenient where files are messy: a value it cannot read is
//! skipped with a warning naming line and column, and only a file that is not a registry
//! export at all is refused. Reading is linear in the input and never panics.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::source::{Closing, Location, Origin, SourceError, SourceWarning, Warnings};
use crate::registry::{RegistryData, RegistryKey, RegistryTree, RegistryValue};
use crate::text::{self, Encoding, quote, to_u32};

/// What a `.reg` file holds, with everything that was skipped or not understood.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegRead {
    /// The keys as the file leaves them: merged where a key appears twice, without the keys
    /// and values the file deletes.
    pub tree: RegistryTree,
    /// Lines skipped, values not understood and deletions, ordered by line.
    pub warnings: Vec<SourceWarning>,
}

/// Reads a `.reg` export.
///
/// `path` names the source in locations; `bytes` is the file as saved. Fails only when the
/// file does not start with one of the two headers regedit writes (after a byte order mark
/// and blank lines); everything else that cannot be read is skipped with a warning.
pub fn read_reg(path: &Arc<str>, bytes: &[u8]) -> Result<RegRead, SourceError> {
    let (text, decoding) = decode(bytes);
    let lines: Vec<&str> = text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect();
    let Some((header_index, format)) = header(&lines) else {
        return Err(SourceError::new(
            path,
            1,
            1,
            "not a registry export: expected `Windows Registry Editor Version 5.00` or `REGEDIT4`",
        ));
    };
    let mut reader = Reader::new(path, format);
    match decoding {
        Decoding::Clean => {}
        Decoding::Lossy => reader.warn(
            1,
            1,
            "the file is not valid UTF-16: invalid sequences were replaced with U+FFFD".to_owned(),
        ),
        // ANSI is what REGEDIT4 files are; a version 5 file in ANSI was re-saved by some tool.
        Decoding::Ansi if format == Format::Version5 => reader.warn(
            1,
            1,
            "the file is neither UTF-16 nor valid UTF-8: bytes that are not UTF-8 were read as Windows-1252"
                .to_owned(),
        ),
        Decoding::Ansi => {}
    }
    reader.read(&lines, header_index + 1);
    Ok(reader.finish())
}

/// The two export formats; they differ in how `hex(2)`, `hex(7)` and `hex(1)` data is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `Windows Registry Editor Version 5.00`: string data in `hex(…)` is UTF-16 LE.
    Version5,
    /// `REGEDIT4`: string data in `hex(…)` is in the ANSI code page.
    Regedit4,
}

const VERSION5_HEADER: &str = "Windows Registry Editor Version 5.00";
const REGEDIT4_HEADER: &str = "REGEDIT4";

// ---------------------------------------------------------------------------------------------
// Decoding.

/// How the bytes became text.
enum Decoding {
    /// Valid UTF-8 or UTF-16.
    Clean,
    /// UTF-16 with invalid sequences, replaced.
    Lossy,
    /// Not valid UTF-8: invalid bytes were read as Windows-1252.
    Ansi,
}

/// The text of `bytes`: UTF-16 when it has a BOM (or looks like BOM-less UTF-16), otherwise
/// UTF-8 with every byte that is not part of valid UTF-8 read as Windows-1252, the ANSI code
/// page of the Western European and US systems REGEDIT4 files come from.
fn decode(bytes: &[u8]) -> (String, Decoding) {
    let decoded = text::decode(bytes);
    match decoded.encoding {
        Encoding::Utf8 | Encoding::Utf8Bom if decoded.lossy => {
            let rest = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
            (ansi(rest), Decoding::Ansi)
        }
        _ if decoded.lossy => (decoded.text, Decoding::Lossy),
        _ => (decoded.text, Decoding::Clean),
    }
}

/// `bytes` as UTF-8 where valid and Windows-1252 elsewhere. The five bytes Windows-1252
/// leaves unassigned map to the C1 control characters of the same value, as the WHATWG
/// encoding standard does, so that no byte is lost.
fn ansi(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
    }
    out
}

/// The index of the header line and the format it names: the first line that is not blank.
fn header(lines: &[&str]) -> Option<(usize, Format)> {
    let (index, line) = lines.iter().enumerate().find(|(_, line)| !clean(line).trim().is_empty())?;
    format_of(clean(line).trim()).map(|format| (index, format))
}

fn format_of(line: &str) -> Option<Format> {
    if line.eq_ignore_ascii_case(VERSION5_HEADER) {
        Some(Format::Version5)
    } else if line.eq_ignore_ascii_case(REGEDIT4_HEADER) {
        Some(Format::Regedit4)
    } else {
        None
    }
}

/// `line` without a byte order mark: files concatenated byte-wise carry one mid-text.
fn clean(line: &str) -> &str {
    line.strip_prefix('\u{FEFF}').unwrap_or(line)
}

// ---------------------------------------------------------------------------------------------
// Logical lines: physical lines joined at trailing backslashes.

/// One logical line: a value whose `hex:` data regedit wrapped with `\` over several physical
/// lines is one logical line, and every byte of it can be traced back to its line and column.
struct Logical {
    text: String,
    /// Where each physical piece starts in `text`, in order.
    pieces: Vec<Piece>,
    /// The offset of a final `\` that no continuation line follows: the file ends there, or
    /// a key or value line comes next, which wrapped data never does.
    dangling: Option<usize>,
}

struct Piece {
    /// Byte offset in the logical text.
    start: usize,
    /// One-based physical line.
    line: u32,
    /// One-based column (in characters) of the piece's first character on that line.
    column: u32,
}

impl Logical {
    /// The physical line and column of byte `offset` of the logical text.
    fn position(&self, offset: usize) -> (u32, u32) {
        let index = self.pieces.partition_point(|piece| piece.start <= offset).saturating_sub(1);
        let Some(piece) = self.pieces.get(index) else {
            return (1, 1);
        };
        let within = self.text.get(piece.start..offset.min(self.text.len())).map_or(0, |s| s.chars().count());
        (piece.line, piece.column.saturating_add(to_u32(within)))
    }
}

/// The logical line starting at physical line `index` and the index after it. Key and comment
/// lines are never continued: only value data is wrapped by regedit, and a line that starts a
/// key or a value is never part of wrapped data, so a cut-off value cannot swallow it.
fn logical_line(lines: &[&str], index: usize) -> (Logical, usize) {
    let mut text = String::new();
    let mut pieces = Vec::new();
    let mut index = index;
    let mut first = true;
    let mut dangling = None;
    while let Some(raw) = lines.get(index) {
        let raw = clean(raw);
        let body = raw.trim_start();
        let indent = raw.get(..raw.len() - body.len()).map_or(0, |indent| indent.chars().count());
        let column = to_u32(indent).saturating_add(1);
        pieces.push(Piece { start: text.len(), line: line_number(index), column });
        index += 1;
        let continues = !(first && (body.starts_with(';') || body.starts_with('[')));
        first = false;
        let trimmed = body.trim_end();
        match trimmed.strip_suffix('\\') {
            Some(head) if continues => {
                text.push_str(head);
                let next = lines.get(index).map(|line| clean(line).trim_start());
                if next.is_none_or(|next| next.starts_with(['[', '"', '@'])) {
                    dangling = Some(text.len());
                    break;
                }
            }
            _ => {
                text.push_str(trimmed);
                break;
            }
        }
    }
    (Logical { text, pieces, dangling }, index)
}

fn line_number(index: usize) -> u32 {
    to_u32(index.saturating_add(1))
}

// ---------------------------------------------------------------------------------------------
// The tree under construction.

/// A node of the key hierarchy by lowercased path segment. Deleting a key detaches its node
/// from its parent, which removes the whole subtree in constant time; a key written again
/// after its deletion gets a fresh node, so values written before the deletion stay deleted.
#[derive(Default)]
struct Node {
    children: HashMap<String, usize>,
    /// The key defined at this node, as an index into `Reader::keys`.
    key: Option<usize>,
}

/// A key as collected.
struct KeyEntry {
    node: usize,
    path: String,
    origin: Origin,
    /// Values in order of first definition; a deleted value leaves an empty slot.
    values: Vec<Option<RegistryValue>>,
    /// Slot of each value by lowercased name: names compare without case, as in Windows.
    by_name: HashMap<String, usize>,
}

/// Which key value lines belong to.
enum Current {
    /// No key line yet.
    None,
    /// The key at this index of `Reader::keys`.
    Key(usize),
    /// A key line that could not be read, or a deletion: its value lines are skipped.
    Skipped,
}

/// What a value line asks for.
enum Action {
    Set(RegistryData),
    Delete,
}

struct Reader<'p> {
    path: &'p Arc<str>,
    format: Format,
    /// Node 0 is the root above the hive names.
    nodes: Vec<Node>,
    keys: Vec<KeyEntry>,
    warnings: Warnings,
}

impl<'p> Reader<'p> {
    fn new(path: &'p Arc<str>, format: Format) -> Reader<'p> {
        Reader {
            path,
            format,
            nodes: vec![Node::default()],
            keys: Vec::new(),
            warnings: Warnings::new(Warnings::LIMIT, usize::MAX, Closing::FromHere),
        }
    }

    fn warn(&mut self, line: u32, column: u32, message: String) {
        self.warnings.push(Location::new(self.path, line, column), message);
    }

    fn warn_at(&mut self, logical: &Logical, offset: usize, message: String) {
        let (line, column) = logical.position(offset);
        self.warn(line, column, message);
    }

    fn origin(&self, logical: &Logical, offset: usize) -> Origin {
        let (line, column) = logical.position(offset);
        Origin::File(Location::new(self.path, line, column))
    }

    fn read(&mut self, lines: &[&str], start: usize) {
        let mut current = Current::None;
        let mut index = start;
        while index < lines.len() {
            let (logical, next) = logical_line(lines, index);
            index = next;
            let text = logical.text.as_str();
            if text.is_empty() || text.starts_with(';') {
                continue;
            }
            if text.starts_with('[') {
                current = self.key_line(&logical);
            } else if text.starts_with('@') || text.starts_with('"') {
                self.value_line(&logical, &current);
            } else if format_of(text).is_some() {
                // A second header: two exports concatenated into one file.
            } else {
                self.warn_at(
                    &logical,
                    0,
                    format!("line skipped: not a key, a value or a comment: `{}`", quote(text)),
                );
            }
        }
    }

    /// `[KEY]` opens (or reopens) a key; `[-KEY]` deletes a key and its subkeys.
    fn key_line(&mut self, logical: &Logical) -> Current {
        let text = logical.text.as_str();
        // Key names may themselves contain `]` (`[::]:443`), so the name ends at the last one.
        let Some(close) = text.rfind(']').filter(|&close| close > 0) else {
            self.warn_at(
                logical,
                0,
                format!(
                    "key line without a closing `]`: the key and its values are skipped: `{}`",
                    quote(text)
                ),
            );
            return Current::Skipped;
        };
        let inner = text.get(1..close).unwrap_or("");
        let after = text.get(close + 1..).unwrap_or("").trim();
        if !after.is_empty() {
            self.warn_at(
                logical,
                skip_whitespace(text, close + 1),
                format!("text after the key name ignored: `{}`", quote(after)),
            );
        }
        let (deleted, name) = match inner.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, inner.trim()),
        };
        let segments: Vec<String> =
            name.split('\\').filter(|segment| !segment.is_empty()).map(str::to_lowercase).collect();
        if segments.is_empty() {
            self.warn_at(logical, 0, "key line without a key name: its values are skipped".to_owned());
            return Current::Skipped;
        }
        if deleted {
            self.delete_key(&segments);
            self.warn_at(
                logical,
                0,
                format!(
                    "the export deletes the key `{}`: it and its subkeys are left out, with any values given earlier",
                    quote(name)
                ),
            );
            return Current::Skipped;
        }
        let node = self.node_for(&segments);
        if let Some(key) = self.nodes.get(node).and_then(|node| node.key) {
            return Current::Key(key);
        }
        let key = self.keys.len();
        let origin = self.origin(logical, 0);
        self.keys.push(KeyEntry {
            node,
            path: name.to_owned(),
            origin,
            values: Vec::new(),
            by_name: HashMap::new(),
        });
        if let Some(entry) = self.nodes.get_mut(node) {
            entry.key = Some(key);
        }
        Current::Key(key)
    }

    /// The node at `segments`, created with its ancestors where missing.
    fn node_for(&mut self, segments: &[String]) -> usize {
        let mut node = 0;
        for segment in segments {
            let existing = self.nodes.get(node).and_then(|entry| entry.children.get(segment)).copied();
            node = match existing {
                Some(child) => child,
                None => {
                    let child = self.nodes.len();
                    self.nodes.push(Node::default());
                    if let Some(entry) = self.nodes.get_mut(node) {
                        entry.children.insert(segment.clone(), child);
                    }
                    child
                }
            };
        }
        node
    }

    fn delete_key(&mut self, segments: &[String]) {
        let Some((last, parents)) = segments.split_last() else {
            return;
        };
        let mut node = 0;
        for segment in parents {
            match self.nodes.get(node).and_then(|entry| entry.children.get(segment)) {
                Some(&child) => node = child,
                None => return,
            }
        }
        if let Some(entry) = self.nodes.get_mut(node) {
            entry.children.remove(last);
        }
    }

    fn value_line(&mut self, logical: &Logical, current: &Current) {
        let key = match current {
            Current::Key(key) => *key,
            Current::Skipped => return,
            Current::None => {
                self.warn_at(logical, 0, "value skipped: it comes before any key line".to_owned());
                return;
            }
        };
        let Some((name, action)) = self.parse_value(logical) else {
            return;
        };
        let origin = self.origin(logical, 0);
        let Some(entry) = self.keys.get_mut(key) else {
            return;
        };
        let lower = name.to_lowercase();
        match action {
            Action::Set(data) => {
                let value = RegistryValue { name, data, origin };
                match entry.by_name.get(&lower).and_then(|&slot| entry.values.get_mut(slot)) {
                    Some(slot) => *slot = Some(value),
                    None => {
                        entry.by_name.insert(lower, entry.values.len());
                        entry.values.push(Some(value));
                    }
                }
            }
            Action::Delete => {
                if let Some(slot) = entry.by_name.remove(&lower).and_then(|slot| entry.values.get_mut(slot)) {
                    *slot = None;
                }
            }
        }
    }

    /// The name and action of a value line, or `None` after warning why it cannot be read.
    fn parse_value(&mut self, logical: &Logical) -> Option<(String, Action)> {
        let text = logical.text.as_str();
        let (name, after_name) = if let Some(rest) = text.strip_prefix('@') {
            (String::new(), text.len() - rest.len())
        } else {
            match parse_string(text, 0) {
                Some(parsed) => parsed,
                None => {
                    self.warn_at(logical, 0, "value skipped: its name has no closing `\"`".to_owned());
                    return None;
                }
            }
        };
        if let Some(offset) = logical.dangling {
            self.warn_at(
                logical,
                offset,
                format!(
                    "value `{}` skipped: its data ends with `\\` but no continuation line follows (cut short?)",
                    quote(&name)
                ),
            );
            return None;
        }
        let equals = skip_whitespace(text, after_name);
        if !text.get(equals..).is_some_and(|rest| rest.starts_with('=')) {
            self.warn_at(
                logical,
                equals,
                format!("value `{}` skipped: expected `=` after its name", quote(&name)),
            );
            return None;
        }
        let start = skip_whitespace(text, equals + 1);
        let data = text.get(start..).unwrap_or("");
        let action = self.parse_data(logical, &name, start, data)?;
        Some((name, action))
    }

    fn parse_data(&mut self, logical: &Logical, name: &str, start: usize, data: &str) -> Option<Action> {
        if data.trim_end() == "-" {
            return Some(Action::Delete);
        }
        if data.starts_with('"') {
            let Some((string, end)) = parse_string(&logical.text, start) else {
                self.warn_at(
                    logical,
                    start,
                    format!("value `{}` skipped: its string has no closing `\"`", quote(name)),
                );
                return None;
            };
            self.trailing(logical, name, end);
            return Some(Action::Set(RegistryData::String(string)));
        }
        if let Some(digits) = strip_prefix_ignore_case(data, "dword:") {
            let digits_start = start + (data.len() - digits.len());
            let trimmed = digits.trim_end();
            let valid =
                !trimmed.is_empty() && trimmed.len() <= 8 && trimmed.bytes().all(|b| b.is_ascii_hexdigit());
            return match u32::from_str_radix(trimmed, 16).ok().filter(|_| valid) {
                Some(number) => Some(Action::Set(RegistryData::Dword(number))),
                None => {
                    self.warn_at(
                        logical,
                        digits_start,
                        format!(
                            "value `{}` skipped: `dword:` needs 1 to 8 hex digits, found `{}`",
                            quote(name),
                            quote(trimmed)
                        ),
                    );
                    None
                }
            };
        }
        if let Some(bytes_text) = strip_prefix_ignore_case(data, "hex:") {
            let bytes = self.hex_bytes(logical, name, start + (data.len() - bytes_text.len()))?;
            return Some(Action::Set(RegistryData::Binary(bytes)));
        }
        if let Some(rest) = strip_prefix_ignore_case(data, "hex(") {
            let kind_start = start + (data.len() - rest.len());
            let kind = rest.find("):").and_then(|close| {
                let digits = rest.get(..close)?;
                let valid = !digits.is_empty() && digits.len() <= 8;
                u32::from_str_radix(digits, 16).ok().filter(|_| valid).map(|kind| (kind, close))
            });
            let Some((kind, close)) = kind else {
                self.warn_at(
                    logical,
                    kind_start,
                    format!(
                        "value `{}` skipped: expected a hex type number and `):` after `hex(`",
                        quote(name)
                    ),
                );
                return None;
            };
            let bytes = self.hex_bytes(logical, name, kind_start + close + 2)?;
            return Some(Action::Set(self.typed(logical, name, start, kind, bytes)));
        }
        self.warn_at(
            logical,
            start,
            format!(
                "value `{}` skipped: its data is not a string, `dword:`, `hex:` or `hex(N):`: `{}`",
                quote(name),
                quote(data)
            ),
        );
        None
    }

    /// Warns about anything but whitespace after a complete string value.
    fn trailing(&mut self, logical: &Logical, name: &str, end: usize) {
        let rest = logical.text.get(end..).unwrap_or("").trim();
        if !rest.is_empty() {
            self.warn_at(
                logical,
                skip_whitespace(&logical.text, end),
                format!("text after the value `{}` ignored: `{}`", quote(name), quote(rest)),
            );
        }
    }

    /// The comma-separated hex bytes from byte `start` of the logical line to its end.
    fn hex_bytes(&mut self, logical: &Logical, name: &str, start: usize) -> Option<Vec<u8>> {
        let list = logical.text.get(start..).unwrap_or("");
        let mut bytes = Vec::with_capacity(list.len() / 3 + 1);
        let mut offset = start;
        let mut tokens = list.split(',').peekable();
        while let Some(token) = tokens.next() {
            let trimmed = token.trim();
            let is_last = tokens.peek().is_none();
            if trimmed.is_empty() && is_last {
                if bytes.is_empty() {
                    // `hex:` alone: zero bytes, as regedit writes an empty value.
                    break;
                }
                // regedit never ends data with a comma: the rest of the data was lost.
                self.warn_at(
                    logical,
                    offset.saturating_sub(1),
                    format!("value `{}` skipped: its data ends with a comma (cut short?)", quote(name)),
                );
                return None;
            }
            let valid = (1..=2).contains(&trimmed.len()) && trimmed.bytes().all(|b| b.is_ascii_hexdigit());
            match u8::from_str_radix(trimmed, 16).ok().filter(|_| valid) {
                Some(byte) => bytes.push(byte),
                None => {
                    let at = offset + (token.len() - token.trim_start().len());
                    self.warn_at(
                        logical,
                        at,
                        format!(
                            "value `{}` skipped: `{}` is not a hex byte (byte {} of the data)",
                            quote(name),
                            quote(trimmed),
                            bytes.len() + 1
                        ),
                    );
                    return None;
                }
            }
            offset += token.len() + 1;
        }
        Some(bytes)
    }

    /// The data of `hex(kind):` bytes, by type.
    fn typed(
        &mut self,
        logical: &Logical,
        name: &str,
        start: usize,
        kind: u32,
        bytes: Vec<u8>,
    ) -> RegistryData {
        match kind {
            1 => RegistryData::String(self.string_of(&bytes)),
            2 => RegistryData::ExpandString(self.string_of(&bytes)),
            3 => RegistryData::Binary(bytes),
            7 => RegistryData::MultiString(self.strings_of(&bytes)),
            4 => match <[u8; 4]>::try_from(bytes.as_slice()) {
                Ok(word) => RegistryData::Dword(u32::from_le_bytes(word)),
                Err(_) => self.wrong_size(logical, name, start, ("REG_DWORD", 4), kind, bytes),
            },
            0xb => match <[u8; 8]>::try_from(bytes.as_slice()) {
                Ok(word) => RegistryData::Qword(u64::from_le_bytes(word)),
                Err(_) => self.wrong_size(logical, name, start, ("REG_QWORD", 8), kind, bytes),
            },
            _ => RegistryData::Other { kind, bytes },
        }
    }

    /// Number data of the wrong size, kept as raw bytes rather than guessed at.
    fn wrong_size(
        &mut self,
        logical: &Logical,
        name: &str,
        start: usize,
        (type_name, size): (&str, usize),
        kind: u32,
        bytes: Vec<u8>,
    ) -> RegistryData {
        self.warn_at(
            logical,
            start,
            format!(
                "value `{}`: {type_name} data should be {size} bytes, found {}; kept as raw bytes",
                quote(name),
                bytes.len()
            ),
        );
        RegistryData::Other { kind, bytes }
    }

    /// A string from `hex(1)`/`hex(2)` data, up to its terminating NUL.
    fn string_of(&self, bytes: &[u8]) -> String {
        self.strings_of(bytes).into_iter().next().unwrap_or_default()
    }

    /// The strings of NUL-separated data, without the empty ones the terminators leave at
    /// the end.
    fn strings_of(&self, bytes: &[u8]) -> Vec<String> {
        let mut strings: Vec<String> = match self.format {
            Format::Version5 => {
                let units = text::utf16le_code_units(bytes);
                units.split(|&unit| unit == 0).map(|string| text::decode_utf16_units(string).0).collect()
            }
            Format::Regedit4 => bytes.split(|&byte| byte == 0).map(ansi).collect(),
        };
        while strings.last().is_some_and(String::is_empty) {
            strings.pop();
        }
        strings
    }

    fn finish(mut self) -> RegRead {
        // The keys still reachable from the root are the ones no deletion removed.
        let mut live = vec![false; self.nodes.len()];
        let mut stack = vec![0usize];
        while let Some(node) = stack.pop() {
            if let Some(flag) = live.get_mut(node) {
                *flag = true;
            }
            if let Some(entry) = self.nodes.get(node) {
                stack.extend(entry.children.values().copied());
            }
        }
        let keys = std::mem::take(&mut self.keys)
            .into_iter()
            .filter(|entry| live.get(entry.node).copied().unwrap_or(false))
            .map(|entry| RegistryKey {
                path: entry.path,
                values: entry.values.into_iter().flatten().collect(),
                origin: entry.origin,
            })
            .collect();
        RegRead { tree: RegistryTree { keys }, warnings: self.warnings.finish() }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens.

/// The string in quotes starting at byte `start` of `text` (which must be a `"`), with `\"`
/// and `\\` unescaped, and the offset after its closing quote; `None` when it is not closed.
/// Other backslashes are kept as written: regedit escapes only these two.
fn parse_string(text: &str, start: usize) -> Option<(String, usize)> {
    let body = text.get(start..)?.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Some((out, start + 1 + index + 1)),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => out.push(escaped),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => return None,
            },
            other => out.push(other),
        }
    }
    None
}

/// The offset of the first non-whitespace character at or after `offset`.
fn skip_whitespace(text: &str, offset: usize) -> usize {
    let rest = text.get(offset..).unwrap_or("");
    offset + (rest.len() - rest.trim_start().len())
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_maps_the_high_half() {
        assert_eq!(ansi(&[0x80]), "€");
        assert_eq!(ansi(&[0x9F]), "Ÿ");
        assert_eq!(ansi(&[0x81]), "\u{0081}");
        assert_eq!(ansi(&[0xE9]), "é");
        assert_eq!(ansi(b"a"), "a");
        assert_eq!(ansi(b"caf\xE9 \xE2\x82\xAC \x93q\x94"), "café € “q”");
    }

    #[test]
    fn strings_unescape_only_quotes_and_backslashes() {
        assert_eq!(parse_string(r#""a\"b\\c\n" rest"#, 0), Some((r#"a"b\c\n"#.to_owned(), 11)));
        assert_eq!(parse_string(r#""open\""#, 0), None);
        assert_eq!(parse_string(r#""ends\"#, 0), None);
    }

    #[test]
    fn logical_positions_follow_continuations() {
        let lines = ["\"a\"=hex:01,\\", "  02,zz", "next"];
        let (logical, next) = logical_line(&lines, 0);
        assert_eq!(next, 2);
        assert_eq!(logical.text, "\"a\"=hex:01,02,zz");
        let offset = logical.text.find("zz").unwrap();
        assert_eq!(logical.position(offset), (2, 6));
        assert_eq!(logical.position(0), (1, 1));
    }
}
