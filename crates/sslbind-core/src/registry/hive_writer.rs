//! Writes offline registry hives (`regf` files, the format of `SYSTEM` and `SOFTWARE` in
//! `C:\Windows\System32\config`) from a [`RegistryTree`]: the inverse of [`super::hive`],
//! pure bytes out, so that tests, fuzz seeds and example machines can have hives with
//! nothing installed but Rust (`sslbind`'s machine writer uses it).
//!
//! The layout follows the public format specification (msuhanov/regf): a 4096-byte base block,
//! then one hive bin of allocated cells: a key node (`nk`) per key, `lf` subkey lists (an `ri`
//! index root over several `lf` lists for keys with very many subkeys), value lists, values
//! (`vk`) and their data (in place when four bytes or less, else in one cell, as hives before
//! version 1.4 and hivex keep even big data). Security descriptors and class names are not
//! written: readers of offline hives, sslbind's included, do not need them. The external test
//! suite checks that sslbind reads these hives exactly as it reads the ones hivex writes.

use super::hive::{BASE_BLOCK_LEN, INLINE_FLAG, KEY_COMP_NAME, NK_LEN, NO_CELL, VALUE_COMP_NAME, VK_LEN};
use super::{RegistryData, RegistryTree};

/// Size of a hive bin's header.
const BIN_HEADER_LEN: usize = 0x20;
/// Key flags: the root key, which cannot be deleted (names stored as Latin-1 is the reader's
/// `KEY_COMP_NAME`).
const KEY_HIVE_ENTRY: u16 = 0x0004;
const KEY_NO_DELETE: u16 = 0x0008;
/// Subkeys per `lf` list before an `ri` index root splits them.
const LEAF_CAPACITY: usize = 500;

/// One key of the hive being written.
struct Node {
    name: String,
    values: Vec<(String, u32, Vec<u8>)>,
    children: Vec<usize>,
}

/// The hive holding `tree`. Key paths are taken relative to the hive's root: a leading
/// backslash is dropped and every parent a path names is created, so the keys of a `.reg` file
/// written as `[\ControlSet001\Services]` land where hivexregedit would put them. Subkeys are
/// sorted by upper-cased name, as Windows keeps them; values keep their order.
pub fn write_hive(tree: &RegistryTree) -> Vec<u8> {
    let nodes = nodes(tree);
    let mut bins = Bins::new();
    // Key nodes first, in depth-first order, so the root is the first cell; their list fields
    // are filled in once the lists exist.
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack = vec![0];
    while let Some(index) = stack.pop() {
        order.push(index);
        stack.extend(nodes[index].children.iter().rev());
    }
    let mut key_cells = vec![0u32; nodes.len()];
    for &index in &order {
        key_cells[index] = bins.cell(&key_node(&nodes[index], index == 0));
    }
    for &index in &order {
        let node = &nodes[index];
        let key = key_cells[index];
        for &child in &node.children {
            bins.put_u32(key_cells[child], 0x10, key);
        }
        if !node.children.is_empty() {
            let list = subkey_list(&mut bins, &nodes, &key_cells, &node.children);
            bins.put_u32(key, 0x14, node.children.len() as u32);
            bins.put_u32(key, 0x1C, list);
        }
        if !node.values.is_empty() {
            let values: Vec<u32> =
                node.values.iter().map(|(name, kind, data)| value(&mut bins, name, *kind, data)).collect();
            let list: Vec<u8> = values.iter().flat_map(|offset| offset.to_le_bytes()).collect();
            let list = bins.cell(&list);
            bins.put_u32(key, 0x24, node.values.len() as u32);
            bins.put_u32(key, 0x28, list);
        }
    }
    bins.finish(key_cells[0])
}

/// The keys of `tree` as a tree of nodes; node 0 is the root.
fn nodes(tree: &RegistryTree) -> Vec<Node> {
    let mut nodes = vec![Node { name: String::new(), values: Vec::new(), children: Vec::new() }];
    for key in &tree.keys {
        let mut at = 0;
        for part in key.path.split('\\').filter(|part| !part.is_empty()) {
            let existing = nodes[at]
                .children
                .iter()
                .copied()
                .find(|&child| nodes[child].name.eq_ignore_ascii_case(part));
            at = match existing {
                Some(child) => child,
                None => {
                    nodes.push(Node { name: part.to_owned(), values: Vec::new(), children: Vec::new() });
                    let child = nodes.len() - 1;
                    nodes[at].children.push(child);
                    child
                }
            };
        }
        for value in &key.values {
            let (kind, data) = raw(&value.data);
            nodes[at].values.push((value.name.clone(), kind, data));
        }
    }
    let names: Vec<String> = nodes.iter().map(|node| node.name.to_uppercase()).collect();
    for node in &mut nodes {
        node.children.sort_by(|&a, &b| names[a].cmp(&names[b]));
    }
    nodes
}

/// A value's type number and bytes as the registry stores them.
fn raw(data: &RegistryData) -> (u32, Vec<u8>) {
    match data {
        RegistryData::String(text) => (1, utf16z(text)),
        RegistryData::ExpandString(text) => (2, utf16z(text)),
        RegistryData::Binary(bytes) => (3, bytes.clone()),
        RegistryData::Dword(value) => (4, value.to_le_bytes().to_vec()),
        RegistryData::MultiString(items) => {
            let mut bytes: Vec<u8> = items.iter().flat_map(|item| utf16z(item)).collect();
            bytes.extend_from_slice(&[0, 0]);
            (7, bytes)
        }
        RegistryData::Qword(value) => (11, value.to_le_bytes().to_vec()),
        RegistryData::Other { kind, bytes } => (*kind, bytes.clone()),
    }
}

fn utf16z(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
}

/// A name as stored: Latin-1 when every character fits (with the flag that says so), else
/// UTF-16 LE.
fn stored_name(name: &str) -> (Vec<u8>, bool) {
    if name.chars().all(|c| (c as u32) < 0x100) {
        (name.chars().map(|c| c as u8).collect(), true)
    } else {
        (name.encode_utf16().flat_map(u16::to_le_bytes).collect(), false)
    }
}

fn key_node(node: &Node, is_root: bool) -> Vec<u8> {
    let (name, latin1) = stored_name(&node.name);
    let mut flags = if latin1 { KEY_COMP_NAME } else { 0 };
    if is_root {
        flags |= KEY_HIVE_ENTRY | KEY_NO_DELETE;
    }
    let mut cell = vec![0u8; NK_LEN];
    cell[..2].copy_from_slice(b"nk");
    cell[2..4].copy_from_slice(&flags.to_le_bytes());
    for field in [0x10, 0x1C, 0x20, 0x28, 0x2C, 0x30] {
        cell[field..field + 4].copy_from_slice(&NO_CELL.to_le_bytes());
    }
    cell[0x48..0x4A].copy_from_slice(&(name.len() as u16).to_le_bytes());
    cell.extend_from_slice(&name);
    cell
}

/// Writes the subkey list of `children` and returns its offset.
fn subkey_list(bins: &mut Bins, nodes: &[Node], key_cells: &[u32], children: &[usize]) -> u32 {
    let leaves: Vec<u32> = children
        .chunks(LEAF_CAPACITY)
        .map(|chunk| {
            let mut list = b"lf".to_vec();
            list.extend_from_slice(&(chunk.len() as u16).to_le_bytes());
            for &child in chunk {
                list.extend_from_slice(&key_cells[child].to_le_bytes());
                // The hint is the name's first four characters.
                let mut hint = [0u8; 4];
                for (slot, c) in hint.iter_mut().zip(nodes[child].name.chars()) {
                    *slot = u8::try_from(u32::from(c)).unwrap_or(0);
                }
                list.extend_from_slice(&hint);
            }
            bins.cell(&list)
        })
        .collect();
    if let [leaf] = leaves[..] {
        return leaf;
    }
    let mut root = b"ri".to_vec();
    root.extend_from_slice(&(leaves.len() as u16).to_le_bytes());
    for leaf in leaves {
        root.extend_from_slice(&leaf.to_le_bytes());
    }
    bins.cell(&root)
}

/// Writes a value and its data; returns the value's offset.
fn value(bins: &mut Bins, name: &str, kind: u32, data: &[u8]) -> u32 {
    let (size, data_offset) = if data.len() <= 4 {
        let mut inline = [0u8; 4];
        inline[..data.len()].copy_from_slice(data);
        (INLINE_FLAG | data.len() as u32, u32::from_le_bytes(inline))
    } else {
        (data.len() as u32, bins.cell(data))
    };
    let (stored, latin1) = stored_name(name);
    let mut cell = vec![0u8; VK_LEN];
    cell[..2].copy_from_slice(b"vk");
    cell[2..4].copy_from_slice(&(stored.len() as u16).to_le_bytes());
    cell[4..8].copy_from_slice(&size.to_le_bytes());
    cell[8..12].copy_from_slice(&data_offset.to_le_bytes());
    cell[12..16].copy_from_slice(&kind.to_le_bytes());
    let flags = if latin1 { VALUE_COMP_NAME } else { 0 };
    cell[16..18].copy_from_slice(&flags.to_le_bytes());
    cell.extend_from_slice(&stored);
    bins.cell(&cell)
}

/// The one hive bin being filled, from its header on.
struct Bins {
    bytes: Vec<u8>,
}

impl Bins {
    fn new() -> Bins {
        let mut bytes = vec![0u8; BIN_HEADER_LEN];
        bytes[..4].copy_from_slice(b"hbin");
        Bins { bytes }
    }

    /// Appends an allocated cell holding `payload` (its size negative, padded to 8 bytes) and
    /// returns its offset.
    fn cell(&mut self, payload: &[u8]) -> u32 {
        let offset = self.bytes.len() as u32;
        let size = (payload.len() + 4).div_ceil(8) * 8;
        self.bytes.extend_from_slice(&(-(size as i32)).to_le_bytes());
        self.bytes.extend_from_slice(payload);
        self.bytes.resize(offset as usize + size, 0);
        offset
    }

    /// Sets the u32 at `field` of the cell at `cell` (counted from the cell's data).
    fn put_u32(&mut self, cell: u32, field: usize, value: u32) {
        let at = cell as usize + 4 + field;
        self.bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }

    /// The whole file: base block, then the bin, its unused end one free cell.
    fn finish(mut self, root: u32) -> Vec<u8> {
        let used = self.bytes.len();
        let size = used.div_ceil(BASE_BLOCK_LEN) * BASE_BLOCK_LEN;
        if size > used {
            self.bytes.extend_from_slice(&((size - used) as i32).to_le_bytes());
            self.bytes.resize(size, 0);
        }
        self.bytes[8..12].copy_from_slice(&(size as u32).to_le_bytes());

        let mut file = vec![0u8; BASE_BLOCK_LEN];
        let mut put = |at: usize, value: u32| file[at..at + 4].copy_from_slice(&value.to_le_bytes());
        put(0x04, 1); // primary sequence number
        put(0x08, 1); // secondary sequence number: equal, so the hive was completely written
        put(0x14, 1); // major version
        put(0x18, 5); // minor version
        put(0x1C, 0); // a primary file, not a log
        put(0x20, 1); // direct memory load
        put(0x24, root);
        put(0x28, size as u32);
        put(0x2C, 1); // clustering factor
        file[..4].copy_from_slice(b"regf");
        let sum = file[..0x1FC]
            .chunks_exact(4)
            .fold(0u32, |sum, dword| sum ^ u32::from_le_bytes([dword[0], dword[1], dword[2], dword[3]]));
        let checksum = match sum {
            0 => 1,
            u32::MAX => u32::MAX - 1,
            sum => sum,
        };
        file[0x1FC..0x200].copy_from_slice(&checksum.to_le_bytes());
        file.extend_from_slice(&self.bytes);
        file
    }
}
