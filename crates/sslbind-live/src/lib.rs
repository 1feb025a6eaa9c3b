//! sslbind's edge with the outside world: it finds and reads the files a user points at
//! (configs, saved netsh output, certificates, whole machine folders) and hands their bytes
//! to `sslbind-core`. Later, on Windows, it also reads the live machine.
//!
//! Everything that can fail because of the file system fails here, with the path in the
//! error; everything that can fail because of content fails in the core, with a line and
//! column.

pub mod load;
pub mod write;

pub use load::{
    ConfigFileBytes, LoadError, LoadedMachine, Sources, invalid_bindings, load_machine,
    load_machine_with_files, read_ccs_folder,
};
pub use write::{WriteError, Written, write_atomically, write_new};
