//! The integration tests of sslbind-live, in one binary: loading machines from real files in
//! temporary folders.

mod fleet;
mod load;
mod marshal;
mod password;
mod probe;
mod settings;
mod transaction;
mod windows;
mod write;
