//! The reader for offline registry hives (`regf` files such as `SYSTEM` and `SOFTWARE` copied
//! from `C:\Windows\System32\config`).
//!
//! An offline hive is the only place a stopped or unbootable machine keeps its HTTP.sys
//! mappings and its certificate stores, so users hand sslbind the files themselves. Those
//! files are often copied from a running system (never flushed), cut short by a transfer or
//! damaged, so this reader follows every offset only after checking it: a key or value that
//! cannot be read is skipped with a warning, a loop or a cell used twice is cut, nesting is
//! limited to 512 levels (the Windows limit) and the output can never grow beyond a fixed
//! multiple of the input. Only a hive whose header or root key cannot be read is an error.
//!
//! The reader walks the whole hive into the generic [`RegistryTree`]; what the keys mean
//! (control sets, HTTP.sys records, certificates) is `interpret`'s business, so `Select` and
//! every `ControlSetNNN` appear here exactly as stored.
//!
//! Hives have no lines: every origin, warning and error is a
//! [`Position::ByteOffset`](crate::model::source::Position::ByteOffset) in the file (for a key or value, the offset of its cell; for a problem, the offset of the damaged
//! field or cell). Messages repeat the offset as `offset 0x…` for hex editors.
//!
//! The format is documented in the public "Windows registry file format specification"
//! (msuhanov/regf) and implemented independently by hivex (libguestfs), which the tests use to
//! write hives.

use std::collections::HashSet;
use std::sync::Arc;

use super::{RegistryData, RegistryKey, RegistryTree, RegistryValue};
use crate::model::source::{Closing, Location, Origin, SourceError, SourceWarning, Warnings};
use crate::text::{decode_utf16_units, utf16le_code_units};

/// What an offline hive held, with everything that was skipped or looked wrong on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HiveRead {
    /// Every readable key, root first, then depth-first in the order the hive lists subkeys
    /// (Windows keeps them sorted by name). The root key's path is the hive name alone.
    pub tree: RegistryTree,
    /// Keys, values and header fields that could not be read or looked damaged, in the order
    /// they were met.
    pub warnings: Vec<SourceWarning>,
}

/// Whether `bytes` start like a registry hive (the `regf` signature of the base block).
///
/// Transaction logs (`SYSTEM.LOG1`) share the signature; [`read_hive`] refuses them.
pub fn is_hive(bytes: &[u8]) -> bool {
    bytes.starts_with(REGF)
}

/// Reads the offline hive `bytes` (named `path` in messages) into a [`RegistryTree`] whose
/// key paths start with `hive_name` (`SYSTEM`, `SOFTWARE`: the caller knows which hive this
/// is; the file does not say reliably). With an empty `hive_name` paths start at the first
/// key below the root.
///
/// Origins are `path` at the byte offset of the key's or value's cell in the file.
///
/// # Errors
///
/// A [`SourceError`] at a byte offset when the bytes are not a primary hive (no
/// `regf` signature, a transaction log, an unknown major version), when the 4096-byte base
/// block is cut short, or when the root key cannot be read. Everything below the root that
/// cannot be read becomes a warning instead.
pub fn read_hive(path: &Arc<str>, hive_name: &str, bytes: &[u8]) -> Result<HiveRead, SourceError> {
    let mut reader = Reader::new(path, bytes);
    let root = reader.base_block()?;
    reader.walk(root, hive_name)?;
    Ok(reader.finish())
}

/// The base block's signature.
const REGF: &[u8] = b"regf";
/// Size of the base block; cell offsets count from its end.
pub(super) const BASE_BLOCK_LEN: usize = 4096;
/// The "no cell" offset (no subkeys, no values, no class name).
pub(super) const NO_CELL: u32 = u32::MAX;
/// Windows refuses to create keys nested deeper than this; a hive that has them is damaged.
const MAX_DEPTH: usize = 512;
/// Data longer than this is split into `db` segments of this size in hives of version 1.4+.
const BIG_DATA_SEGMENT: usize = 16344;
/// Value data of this size or less is stored in the value's own data-offset field when the
/// top bit of the size is set.
pub(super) const INLINE_FLAG: u32 = 0x8000_0000;
/// Fixed part of a key node (`nk`) before its name.
pub(super) const NK_LEN: usize = 0x4C;
/// Fixed part of a value (`vk`) before its name.
pub(super) const VK_LEN: usize = 0x14;
/// Key name stored as Latin-1 (`KEY_COMP_NAME`), else UTF-16LE.
pub(super) const KEY_COMP_NAME: u16 = 0x0020;
/// Value name stored as Latin-1 (`VALUE_COMP_NAME`), else UTF-16LE.
pub(super) const VALUE_COMP_NAME: u16 = 0x0001;

/// Registry value types (winnt.h) that map onto [`RegistryData`] variants.
const REG_SZ: u32 = 1;
const REG_EXPAND_SZ: u32 = 2;
const REG_BINARY: u32 = 3;
const REG_DWORD: u32 = 4;
const REG_DWORD_BIG_ENDIAN: u32 = 5;
const REG_MULTI_SZ: u32 = 7;
const REG_QWORD: u32 = 11;

/// A damaged structure: the file offset to point at and what is wrong with it.
struct Fault {
    offset: usize,
    message: String,
}

impl Fault {
    fn new(offset: usize, message: impl Into<String>) -> Fault {
        Fault { offset, message: message.into() }
    }
}

/// An allocated cell: where it starts in the file (its size field) and its data.
#[derive(Clone, Copy)]
struct Cell<'a> {
    file_offset: usize,
    data: &'a [u8],
}

/// The parts of a key node the walk needs.
struct KeyNode {
    name: String,
    subkey_count: u32,
    subkeys_list: u32,
    value_count: u32,
    values_list: u32,
}

/// A key still to visit.
struct Pending {
    /// Its cell offset (relative to the first hive bin, as stored in the hive).
    offset: u32,
    /// Path of its parent, or `None` for the root.
    parent_path: Option<Arc<str>>,
    depth: usize,
}

/// The state of one read: the input, what has been used, and what has been found.
struct Reader<'a> {
    path: &'a Arc<str>,
    bytes: &'a [u8],
    /// Minor format version: 1.4 and later split big data into segments.
    minor_version: u32,
    /// Every cell offset already used. In a sound hive each key, list, value and data cell
    /// belongs to exactly one owner, so a second use means a loop or damage; refusing it
    /// also bounds the work and the output by the size of the input.
    claimed: HashSet<u32>,
    /// Bytes of paths and data still allowed in the output (see [`Reader::new`]).
    output_budget: usize,
    tree: RegistryTree,
    /// A badly damaged hive could produce one warning per four bytes: only the first are listed.
    warnings: Warnings,
}

impl<'a> Reader<'a> {
    fn new(path: &'a Arc<str>, bytes: &'a [u8]) -> Reader<'a> {
        // Data cannot outgrow the input (every data cell is used once), but paths repeat
        // their ancestors' names: allow a generous multiple of the input so that real hives
        // (paths average far less than 16 times their key's own size) always fit while a
        // crafted chain of long names cannot exhaust memory.
        let output_budget = bytes.len().saturating_mul(16).saturating_add(1 << 24);
        Reader {
            path,
            bytes,
            minor_version: 0,
            claimed: HashSet::new(),
            output_budget,
            tree: RegistryTree::default(),
            warnings: Warnings::new(
                Warnings::LIMIT,
                usize::MAX,
                Closing::Damaged { start: Location::at_byte(path, 0) },
            ),
        }
    }

    fn finish(self) -> HiveRead {
        HiveRead { tree: self.tree, warnings: self.warnings.finish() }
    }

    fn location(&self, offset: usize) -> Location {
        Location::at_byte(self.path, u64::try_from(offset).unwrap_or(u64::MAX))
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> SourceError {
        let message = format!("offset {offset:#x}: {}", message.into());
        SourceError::at(self.location(offset), message)
    }

    fn warn(&mut self, offset: usize, message: impl Into<String>) {
        let message = format!("offset {offset:#x}: {}", message.into());
        let location = self.location(offset);
        self.warnings.push(location, message);
    }

    fn warn_fault(&mut self, fault: Fault, consequence: &str) {
        self.warn(fault.offset, format!("{}; {consequence}", fault.message));
    }

    /// Checks the base block and returns the root key's cell offset.
    fn base_block(&mut self) -> Result<u32, SourceError> {
        let bytes = self.bytes;
        if !is_hive(bytes) {
            return Err(self.error(0, "not a registry hive: it does not start with the signature \"regf\""));
        }
        if bytes.len() < BASE_BLOCK_LEN {
            return Err(self.error(
                bytes.len(),
                format!(
                    "the hive is cut short: its base block needs {BASE_BLOCK_LEN} bytes but the file \
                     has {}",
                    bytes.len()
                ),
            ));
        }
        // The length check above makes every fixed field below readable; the fallbacks only
        // keep the code free of panics.
        let field = |offset: usize| u32_at(bytes, offset).unwrap_or(0);

        let major = field(0x14);
        self.minor_version = field(0x18);
        if major != 1 {
            return Err(self.error(
                0x14,
                format!("unknown hive format version {major}.{} (only 1.x exists)", self.minor_version),
            ));
        }
        match field(0x1C) {
            0 => {}
            // A transaction log has the same base block but holds log entries, not keys.
            file_type @ (1 | 6) => {
                return Err(self.error(
                    0x1C,
                    format!(
                        "this is a transaction log (file type {file_type}), not a hive: give the hive \
                         file without the .LOG extension"
                    ),
                ));
            }
            file_type => self.warn(0x1C, format!("unknown file type {file_type}; read as a hive")),
        }
        let (primary, secondary) = (field(0x04), field(0x08));
        if primary != secondary {
            self.warn(
                0x04,
                format!(
                    "the hive was not completely written (sequence numbers {primary} and {secondary} \
                     differ) and its transaction logs are not applied: recent changes may be missing \
                     or keys damaged"
                ),
            );
        }
        let stored = field(0x1FC);
        let computed = checksum(bytes);
        if stored != computed {
            self.warn(
                0x1FC,
                format!("the base block checksum is {stored:#010x}, expected {computed:#010x}: the header may be damaged"),
            );
        }
        let bins_size = field(0x28) as usize;
        if BASE_BLOCK_LEN.saturating_add(bins_size) > bytes.len() {
            self.warn(
                0x28,
                format!(
                    "the hive is cut short: the header declares {bins_size} bytes of hive bins but \
                     only {} follow the base block",
                    bytes.len() - BASE_BLOCK_LEN
                ),
            );
        }
        if bytes.get(BASE_BLOCK_LEN..BASE_BLOCK_LEN + 4).is_some_and(|signature| signature != b"hbin") {
            self.warn(
                BASE_BLOCK_LEN,
                "the first hive bin has no \"hbin\" signature: the hive may be damaged",
            );
        }
        Ok(field(0x24))
    }

    /// The file offset of cell `offset` (which counts from the end of the base block).
    fn file_offset(offset: u32) -> usize {
        BASE_BLOCK_LEN.saturating_add(offset as usize)
    }

    /// The allocated cell at `offset`, checked to lie inside the file.
    fn cell(&self, offset: u32, what: &str) -> Result<Cell<'a>, Fault> {
        let file_offset = Self::file_offset(offset);
        if offset == NO_CELL {
            return Err(Fault::new(file_offset, format!("the {what} is missing (offset 0xffffffff)")));
        }
        let Some(size) = i32_at(self.bytes, file_offset) else {
            return Err(Fault::new(
                file_offset,
                format!("the {what} lies beyond the end of the file ({} bytes)", self.bytes.len()),
            ));
        };
        // Allocated cells have a negative size; a positive one is free space.
        if size >= 0 {
            return Err(Fault::new(file_offset, format!("the {what} points to a free cell (size {size})")));
        }
        let size = size.unsigned_abs() as usize;
        if size < 8 {
            return Err(Fault::new(file_offset, format!("the {what}'s cell has an impossible size {size}")));
        }
        let data = file_offset
            .checked_add(4)
            .zip(file_offset.checked_add(size))
            .and_then(|(start, end)| self.bytes.get(start..end))
            .ok_or_else(|| {
                Fault::new(
                    file_offset,
                    format!("the {what}'s cell of {size} bytes runs past the end of the file"),
                )
            })?;
        Ok(Cell { file_offset, data })
    }

    /// Like [`Reader::cell`], but refuses a cell that was used before.
    fn claim(&mut self, offset: u32, what: &str) -> Result<Cell<'a>, Fault> {
        let cell = self.cell(offset, what)?;
        if !self.claimed.insert(offset) {
            return Err(Fault::new(
                cell.file_offset,
                format!("the {what} is reached a second time (a loop or a damaged hive)"),
            ));
        }
        Ok(cell)
    }

    fn spend(&mut self, bytes: usize) -> bool {
        match self.output_budget.checked_sub(bytes) {
            Some(left) => {
                self.output_budget = left;
                true
            }
            None => false,
        }
    }

    /// Walks every key from the root, depth first with an explicit stack (no recursion, so a
    /// deep hive cannot overflow the stack).
    fn walk(&mut self, root: u32, hive_name: &str) -> Result<(), SourceError> {
        let mut stack = vec![Pending { offset: root, parent_path: None, depth: 0 }];
        while let Some(pending) = stack.pop() {
            let is_root = pending.parent_path.is_none();
            let (cell, node) = match self.key_node(pending.offset) {
                Ok(found) => found,
                Err(fault) if is_root => {
                    return Err(
                        self.error(fault.offset, format!("the root key cannot be read: {}", fault.message))
                    );
                }
                Err(fault) => {
                    let parent = pending.parent_path.as_deref().unwrap_or_default();
                    self.warn_fault(fault, &format!("a subkey of {parent} is skipped"));
                    continue;
                }
            };
            let path: Arc<str> = match &pending.parent_path {
                None => Arc::from(hive_name),
                Some(parent) if parent.is_empty() => Arc::from(node.name.as_str()),
                Some(parent) => Arc::from(format!("{parent}\\{}", node.name)),
            };
            if !self.spend(path.len()) {
                self.warn(
                    cell.file_offset,
                    format!(
                        "stopped reading at {path}: the key paths grow far beyond the size of the \
                         hive, which only a damaged or crafted hive does"
                    ),
                );
                return Ok(());
            }
            let values = self.values(&path, &node);
            self.tree.keys.push(RegistryKey {
                path: path.to_string(),
                values,
                origin: Origin::File(self.location(cell.file_offset)),
            });

            let children = self.subkeys(&path, cell, &node);
            if children.is_empty() {
                continue;
            }
            if pending.depth >= MAX_DEPTH {
                self.warn(
                    cell.file_offset,
                    format!(
                        "{path} is nested {} levels deep, beyond the Windows limit of {MAX_DEPTH}; its {} \
                         subkeys are skipped",
                        pending.depth,
                        children.len()
                    ),
                );
                continue;
            }
            // Reversed so that the stack pops them in the hive's order.
            stack.extend(children.into_iter().rev().map(|offset| Pending {
                offset,
                parent_path: Some(Arc::clone(&path)),
                depth: pending.depth + 1,
            }));
        }
        Ok(())
    }

    /// Reads the key node at `offset`.
    fn key_node(&mut self, offset: u32) -> Result<(Cell<'a>, KeyNode), Fault> {
        let cell = self.claim(offset, "key")?;
        let data = cell.data;
        if data.get(..2) != Some(b"nk".as_slice()) {
            return Err(Fault::new(
                cell.file_offset + 4,
                format!("the cell is not a key (signature {}, expected \"nk\")", signature(data)),
            ));
        }
        let field = |at: usize| u32_at(data, at);
        let (Some(flags), Some(subkey_count), Some(subkeys_list), Some(value_count), Some(values_list)) =
            (u16_at(data, 0x02), field(0x14), field(0x1C), field(0x24), field(0x28))
        else {
            return Err(Fault::new(cell.file_offset, "the key's cell is too short for a key node"));
        };
        let name_len = u16_at(data, 0x48).map_or(0, usize::from);
        let Some(raw_name) = data.get(NK_LEN..NK_LEN + name_len) else {
            return Err(Fault::new(
                cell.file_offset + 4 + 0x48,
                format!("the key's name of {name_len} bytes does not fit in its cell"),
            ));
        };
        let name = decode_name(raw_name, flags & KEY_COMP_NAME != 0);
        Ok((cell, KeyNode { name, subkey_count, subkeys_list, value_count, values_list }))
    }

    /// The cell offsets of a key's subkeys, in the order of its subkey list.
    fn subkeys(&mut self, path: &str, key: Cell<'a>, node: &KeyNode) -> Vec<u32> {
        let mut children = Vec::new();
        if node.subkey_count == 0 || node.subkeys_list == NO_CELL {
            return children;
        }
        let list = match self.claim(node.subkeys_list, "subkey list") {
            Ok(list) => list,
            Err(fault) => {
                self.warn_fault(fault, &format!("the subkeys of {path} are skipped"));
                return children;
            }
        };
        match list.data.get(..2) {
            Some(b"ri") => {
                // An index root lists leaves, which list keys.
                for (leaf_offset, leaf) in self.list_items(path, list, 4) {
                    match self.claim(leaf, "subkey list") {
                        Ok(leaf_cell) if leaf_cell.data.get(..2) == Some(b"ri".as_slice()) => self.warn(
                            leaf_offset,
                            format!(
                                "an index root of {path} lists another index root; its subkeys are skipped"
                            ),
                        ),
                        Ok(leaf_cell) => children.extend(self.leaf(path, leaf_cell)),
                        Err(fault) => self.warn_fault(fault, &format!("some subkeys of {path} are skipped")),
                    }
                }
            }
            _ => children.extend(self.leaf(path, list)),
        }
        if children.len() != node.subkey_count as usize {
            self.warn(
                key.file_offset + 4 + 0x14,
                format!(
                    "{path} declares {} subkeys but its list gives {}",
                    node.subkey_count,
                    children.len()
                ),
            );
        }
        children
    }

    /// The key offsets of a leaf list (`lf`, `lh`: offset and hash; `li`: offset only).
    fn leaf(&mut self, path: &str, list: Cell<'a>) -> Vec<u32> {
        let stride = match list.data.get(..2) {
            Some(b"lf" | b"lh") => 8,
            Some(b"li") => 4,
            _ => {
                self.warn(
                    list.file_offset + 4,
                    format!(
                        "the subkey list of {path} has signature {}, expected lf, lh, li or ri; its \
                         subkeys are skipped",
                        signature(list.data)
                    ),
                );
                return Vec::new();
            }
        };
        self.list_items(path, list, stride).into_iter().map(|(_, offset)| offset).collect()
    }

    /// The `count` (u16 at 2) items of a subkey list, each the u32 at the start of a
    /// `stride`-byte record after the 4-byte header, with the file offset of each item.
    fn list_items(&mut self, path: &str, list: Cell<'a>, stride: usize) -> Vec<(usize, u32)> {
        let count = u16_at(list.data, 2).map_or(0, usize::from);
        let items: Vec<(usize, u32)> = list
            .data
            .get(4..)
            .unwrap_or_default()
            .chunks_exact(stride)
            .take(count)
            .enumerate()
            .filter_map(|(index, item)| {
                let offset = u32_at(item, 0)?;
                Some((list.file_offset + 8 + index * stride, offset))
            })
            .collect();
        if items.len() < count {
            self.warn(
                list.file_offset + 4 + 2,
                format!(
                    "the subkey list of {path} declares {count} entries but its cell holds {}",
                    items.len()
                ),
            );
        }
        items
    }

    /// The readable values of a key, in the order of its value list.
    fn values(&mut self, path: &str, node: &KeyNode) -> Vec<RegistryValue> {
        let mut values = Vec::new();
        if node.value_count == 0 || node.values_list == NO_CELL {
            return values;
        }
        let list = match self.claim(node.values_list, "value list") {
            Ok(list) => list,
            Err(fault) => {
                self.warn_fault(fault, &format!("the values of {path} are skipped"));
                return values;
            }
        };
        let declared = node.value_count as usize;
        let offsets: Vec<u32> =
            list.data.chunks_exact(4).take(declared).filter_map(|item| u32_at(item, 0)).collect();
        if offsets.len() < declared {
            self.warn(
                list.file_offset,
                format!(
                    "{path} declares {declared} values but its value list holds {}; the rest are skipped",
                    offsets.len()
                ),
            );
        }
        for offset in offsets {
            match self.value(offset) {
                Ok(value) => values.push(value),
                Err(fault) => self.warn_fault(fault, &format!("a value of {path} is skipped")),
            }
        }
        values
    }

    /// Reads the value (`vk`) at `offset` with its data.
    fn value(&mut self, offset: u32) -> Result<RegistryValue, Fault> {
        let cell = self.claim(offset, "value")?;
        let data = cell.data;
        if data.get(..2) != Some(b"vk".as_slice()) {
            return Err(Fault::new(
                cell.file_offset + 4,
                format!("the cell is not a value (signature {}, expected \"vk\")", signature(data)),
            ));
        }
        let (Some(name_len), Some(size), Some(data_offset), Some(kind), Some(flags)) = (
            u16_at(data, 0x02),
            u32_at(data, 0x04),
            u32_at(data, 0x08),
            u32_at(data, 0x0C),
            u16_at(data, 0x10),
        ) else {
            return Err(Fault::new(cell.file_offset, "the value's cell is too short for a value"));
        };
        let name_len = usize::from(name_len);
        let raw_name = data.get(VK_LEN..VK_LEN + name_len).ok_or_else(|| {
            Fault::new(
                cell.file_offset + 4 + 0x02,
                format!("the value's name of {name_len} bytes does not fit in its cell"),
            )
        })?;
        let name = decode_name(raw_name, flags & VALUE_COMP_NAME != 0);
        let described =
            if name.is_empty() { "the default value".to_owned() } else { format!("value {name:?}") };
        let raw = self
            .value_data(cell, size, data_offset)
            .map_err(|fault| Fault::new(fault.offset, format!("{described}: {}", fault.message)))?;
        if !self.spend(raw.len()) {
            return Err(Fault::new(
                cell.file_offset,
                format!("{described}: its data would grow the output beyond the size of the hive"),
            ));
        }
        let data = match registry_data(kind, raw) {
            Ok(data) => data,
            Err((data, problem)) => {
                self.warn(cell.file_offset, format!("{described}: {problem}; kept as raw data"));
                data
            }
        };
        Ok(RegistryValue { name, data, origin: Origin::File(self.location(cell.file_offset)) })
    }

    /// The raw data of a value whose `vk` cell is `cell`.
    fn value_data(&mut self, cell: Cell<'a>, size: u32, data_offset: u32) -> Result<Vec<u8>, Fault> {
        let size_field = cell.file_offset + 4 + 0x04;
        if size & INLINE_FLAG != 0 {
            // Small data lives in the data-offset field itself.
            let len = (size & !INLINE_FLAG) as usize;
            return data_offset.to_le_bytes().get(..len).map(<[u8]>::to_vec).ok_or_else(|| {
                Fault::new(
                    size_field,
                    format!("its data is marked as stored in place but is {len} bytes, more than 4"),
                )
            });
        }
        let len = size as usize;
        if len == 0 {
            // Windows does not look at the offset of empty data; neither do we.
            return Ok(Vec::new());
        }
        let data = self.claim(data_offset, "value data")?;
        if let Some(bytes) = data.data.get(..len) {
            // Hives before 1.4 (and hives written by hivex) keep even big data in one cell.
            return Ok(bytes.to_vec());
        }
        if len > BIG_DATA_SEGMENT && self.minor_version >= 4 && data.data.get(..2) == Some(b"db".as_slice()) {
            return self.big_data(data, len);
        }
        Err(Fault::new(
            data.file_offset,
            format!("its data cell holds {} bytes but the value declares {len}", data.data.len()),
        ))
    }

    /// Big data (`db`): a list of segments of [`BIG_DATA_SEGMENT`] bytes, the last one shorter.
    fn big_data(&mut self, header: Cell<'a>, len: usize) -> Result<Vec<u8>, Fault> {
        let (Some(count), Some(list_offset)) = (u16_at(header.data, 2), u32_at(header.data, 4)) else {
            return Err(Fault::new(header.file_offset, "its big-data header is too short"));
        };
        let count = usize::from(count);
        if count.saturating_mul(BIG_DATA_SEGMENT) < len {
            return Err(Fault::new(
                header.file_offset + 4 + 2,
                format!("its {count} big-data segments cannot hold the {len} bytes it declares"),
            ));
        }
        let list = self.claim(list_offset, "big-data segment list")?;
        let segments: Vec<u32> =
            list.data.chunks_exact(4).take(count).filter_map(|item| u32_at(item, 0)).collect();
        if segments.len() < count {
            return Err(Fault::new(
                list.file_offset,
                format!("its big-data segment list holds {} of {count} segments", segments.len()),
            ));
        }
        // Bounded: every segment must be a distinct cell of the file, and `len` was checked
        // against the segment count.
        let mut bytes = Vec::new();
        for segment in segments {
            let wanted = (len - bytes.len()).min(BIG_DATA_SEGMENT);
            if wanted == 0 {
                break;
            }
            let cell = self.claim(segment, "big-data segment")?;
            let part = cell.data.get(..wanted).ok_or_else(|| {
                Fault::new(
                    cell.file_offset,
                    format!("a big-data segment holds {} bytes, expected {wanted}", cell.data.len()),
                )
            })?;
            bytes.extend_from_slice(part);
        }
        Ok(bytes)
    }
}

/// The typed form of value data, or the raw form with the reason it is not typed.
fn registry_data(kind: u32, raw: Vec<u8>) -> Result<RegistryData, (RegistryData, String)> {
    let fixed = |len: usize, name: &str, raw: Vec<u8>| {
        let message = format!("{name} data of {} bytes, expected {len}", raw.len());
        Err((RegistryData::Other { kind, bytes: raw }, message))
    };
    match kind {
        REG_SZ => Ok(RegistryData::String(utf16_string(&raw))),
        REG_EXPAND_SZ => Ok(RegistryData::ExpandString(utf16_string(&raw))),
        REG_MULTI_SZ => Ok(RegistryData::MultiString(utf16_strings(&raw))),
        REG_BINARY => Ok(RegistryData::Binary(raw)),
        REG_DWORD => match <[u8; 4]>::try_from(raw.as_slice()) {
            Ok(four) => Ok(RegistryData::Dword(u32::from_le_bytes(four))),
            Err(_) => fixed(4, "REG_DWORD", raw),
        },
        REG_DWORD_BIG_ENDIAN => match <[u8; 4]>::try_from(raw.as_slice()) {
            Ok(four) => Ok(RegistryData::Dword(u32::from_be_bytes(four))),
            Err(_) => fixed(4, "REG_DWORD_BIG_ENDIAN", raw),
        },
        REG_QWORD => match <[u8; 8]>::try_from(raw.as_slice()) {
            Ok(eight) => Ok(RegistryData::Qword(u64::from_le_bytes(eight))),
            Err(_) => fixed(8, "REG_QWORD", raw),
        },
        _ => Ok(RegistryData::Other { kind, bytes: raw }),
    }
}

/// A REG_SZ as Windows' own tools show it: UTF-16LE up to the first NUL (the terminator, or
/// junk after it); unpaired surrogates become U+FFFD and an odd last byte is dropped.
fn utf16_string(raw: &[u8]) -> String {
    let units = utf16le_code_units(raw);
    let end = units.iter().position(|&unit| unit == 0).unwrap_or(units.len());
    decode_utf16_units(units.get(..end).unwrap_or_default()).0
}

/// A REG_MULTI_SZ: NUL-terminated UTF-16LE strings ending with an empty one. A last string
/// without its terminator is kept; nothing after the empty string is read.
fn utf16_strings(raw: &[u8]) -> Vec<String> {
    let units = utf16le_code_units(raw);
    units
        .split(|&unit| unit == 0)
        .take_while(|string| !string.is_empty())
        .map(|string| decode_utf16_units(string).0)
        .collect()
}

/// A key or value name: Latin-1 when the "compressed name" flag is set, else UTF-16LE.
/// Latin-1 is written out here because it is the one byte-to-character map `encoding_rs`
/// does not offer (its `ISO-8859-1` is Windows-1252, as in browsers), and every byte is
/// its own code point.
fn decode_name(raw: &[u8], latin1: bool) -> String {
    if latin1 {
        raw.iter().map(|&byte| char::from(byte)).collect()
    } else {
        decode_utf16_units(&utf16le_code_units(raw)).0
    }
}

/// A two-byte signature for messages: quoted when printable, else in hex.
fn signature(data: &[u8]) -> String {
    match data.get(..2) {
        Some(two) if two.iter().all(u8::is_ascii_graphic) => format!("\"{}\"", String::from_utf8_lossy(two)),
        Some(two) => format!("{:#06x}", u16::from_be_bytes([two[0], two[1]])),
        None => "(none)".to_owned(),
    }
}

/// The base block checksum: XOR of the first 127 dwords, with 0 and 0xFFFFFFFF avoided.
fn checksum(bytes: &[u8]) -> u32 {
    let sum = bytes
        .get(..0x1FC)
        .unwrap_or_default()
        .chunks_exact(4)
        .fold(0u32, |sum, dword| sum ^ u32::from_le_bytes([dword[0], dword[1], dword[2], dword[3]]));
    match sum {
        0 => 1,
        u32::MAX => u32::MAX - 1,
        sum => sum,
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let two = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([two[0], two[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let four = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([four[0], four[1], four[2], four[3]]))
}

fn i32_at(bytes: &[u8], at: usize) -> Option<i32> {
    u32_at(bytes, at).map(|value| i32::from_le_bytes(value.to_le_bytes()))
}
