//! The Windows registry as collected from a machine: `.reg` exports and offline hives, read
//! into one generic tree of keys and values, then interpreted into HTTP.sys mappings,
//! certificates and Central Certificate Store settings.
//!
//! Both readers produce a [`RegistryTree`]; only `interpret` knows where HTTP.sys and the
//! certificate stores keep their data, so both sources give the same model for the same
//! registry.

pub mod hive;
mod hive_writer;
pub mod interpret;
pub mod reg;

pub use hive_writer::write_hive;

use crate::model::source::Origin;

/// Every key read from one source, in source order, with full paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryTree {
    /// The keys. A key appears once; its values are in `values`.
    pub keys: Vec<RegistryKey>,
}

/// One registry key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryKey {
    /// The full path with backslashes, as the source names it: for a `.reg` export the root
    /// as written (`HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\…`), for a hive the hive's
    /// name followed by the path inside it (`SYSTEM\ControlSet001\…`, `SOFTWARE\Microsoft\…`).
    pub path: String,
    /// Its values.
    pub values: Vec<RegistryValue>,
    /// Where the key is defined (a `.reg` line, or the byte offset of its cell in a hive).
    pub origin: Origin,
}

/// One registry value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryValue {
    /// The value's name; empty for the default value.
    pub name: String,
    /// Its data.
    pub data: RegistryData,
    /// Where it is defined.
    pub origin: Origin,
}

/// Registry data by type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryData {
    /// REG_SZ.
    String(String),
    /// REG_EXPAND_SZ.
    ExpandString(String),
    /// REG_MULTI_SZ.
    MultiString(Vec<String>),
    /// REG_BINARY.
    Binary(Vec<u8>),
    /// REG_DWORD.
    Dword(u32),
    /// REG_QWORD.
    Qword(u64),
    /// Any other type, by number, with its raw bytes.
    Other {
        /// The type number (`hex(N)` in a `.reg` file).
        kind: u32,
        /// The raw bytes.
        bytes: Vec<u8>,
    },
}

impl RegistryKey {
    /// The value named `name` (compared without case, as Windows does).
    pub fn value(&self, name: &str) -> Option<&RegistryValue> {
        self.values.iter().find(|value| value.name.eq_ignore_ascii_case(name))
    }
}
