//! sslbind's edge with the outside world: it finds and reads the files a user points at
//! (configs, saved netsh output, certificates, whole machine folders) and hands their bytes
//! to `sslbind-core`. Later, on Windows, it also reads the live machine.
//!
//! Everything that can fail because of the file system fails here, with the path in the
//! error; everything that can fail because of content fails in the core, with a line and
//! column.

pub mod carry_out;
pub mod fleet;
pub mod load;
pub mod password;
pub mod probe;
#[cfg(feature = "testing")]
pub mod testing;
pub mod threads;
pub mod transaction;
// The live Windows machine; its FFI calls exist with `cfg(any(windows, sslbind_check_windows))`.
pub mod windows;
pub mod write;

pub use carry_out::{CarryOutError, carry_out};
pub use load::{
    ConfigFileBytes, LoadError, LoadedMachine, Sources, invalid_bindings, load_machine,
    load_machine_with_files, read_ccs_folder,
};
pub use password::{PASSWORD_VARIABLE, Password, choose_password, read_password_file};
pub use transaction::{CommitError, CommitFailure, ExternalStep, FileChange, StepError, commit};
#[cfg(any(windows, sslbind_check_windows))]
pub use windows::{HttpSysStep, apply_ops, load_live_machine};
pub use windows::{LiveError, Win32Error};
pub use write::{WriteError, Written, write_atomically, write_new};
