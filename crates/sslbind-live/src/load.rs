//! Loading a [`Machine`] from the sources of the interface contract: `--config` files,
//! `--sslcert`, `--certs` files and folders, and a machine folder that holds any of them.
//!
//! A machine folder is recognised by file names, so that users can drop what they collected
//! from a server into one folder without flags: `*.config` are IIS configs, `sslcert.txt`
//! (or any `*sslcert*.txt`) is saved netsh output, and `certs/` or certificate files at the
//! top level are certificates.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sslbind_core::analysis::selection::CcsFolder;
use sslbind_core::model::{Machine, ServerFlavor};
use sslbind_core::{SourceError, SourceWarning, certs, httpsys, iis};

/// The sources a reading command was given.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// `--config`, in order.
    pub configs: Vec<PathBuf>,
    /// `--sslcert`.
    pub sslcert: Option<PathBuf>,
    /// `--certs`, files or folders.
    pub certs: Vec<PathBuf>,
    /// `--pfx-password`; `None` tries the empty password.
    pub pfx_password: Option<String>,
    /// `--iis-express`: treat every config as IIS Express.
    pub iis_express: bool,
    /// The positional machine folder.
    pub machine: Option<PathBuf>,
}

impl Sources {
    /// Whether no source at all was given.
    pub fn is_empty(&self) -> bool {
        self.configs.is_empty() && self.sslcert.is_none() && self.certs.is_empty() && self.machine.is_none()
    }
}

/// Why sources could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A file's content could not be read without guessing.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A machine folder holds nothing sslbind reads.
    #[error("{} holds no applicationHost.config (*.config), sslcert.txt or certificates", path.display())]
    EmptyMachineFolder {
        /// The folder.
        path: PathBuf,
    },
}

/// A machine with the bytes of its config files as read, for commands that edit them.
#[derive(Clone, Debug)]
pub struct LoadedMachine {
    /// The machine.
    pub machine: Machine,
    /// `machine.configs[i]`'s file at position `i`.
    pub config_files: Vec<ConfigFileBytes>,
}

/// A config file's path and the exact bytes read from it.
#[derive(Clone, Debug)]
pub struct ConfigFileBytes {
    /// Where it was read.
    pub path: PathBuf,
    /// What it held.
    pub bytes: Vec<u8>,
}

/// Reads every source into one machine.
pub fn load_machine(sources: &Sources) -> Result<Machine, LoadError> {
    load_machine_with_files(sources).map(|loaded| loaded.machine)
}

/// Reads every source into one machine, keeping the config files' bytes.
pub fn load_machine_with_files(sources: &Sources) -> Result<LoadedMachine, LoadError> {
    let mut expanded = sources.clone();
    if let Some(folder) = &sources.machine {
        add_machine_folder(folder, &mut expanded)?;
    }
    let mut machine = Machine::default();
    let mut config_files = Vec::new();
    let flavor = sources.iis_express.then_some(ServerFlavor::IisExpress);
    for path in &expanded.configs {
        let bytes = read(path)?;
        let read = iis::read_config(&name_of(path), &bytes, flavor)?;
        machine.configs.push(read.config);
        machine.warnings.extend(read.warnings);
        config_files.push(ConfigFileBytes { path: path.clone(), bytes });
    }
    if let Some(path) = &expanded.sslcert {
        let bytes = read(path)?;
        let read = httpsys::read_netsh(&name_of(path), &bytes)?;
        machine.mappings = read.mappings;
        machine.mappings_known = true;
        machine.warnings.extend(read.warnings);
    }
    for path in &expanded.certs {
        load_certificates(path, sources.pfx_password.as_deref(), true, &mut machine)?;
    }
    Ok(LoadedMachine { machine, config_files })
}

/// The `.pfx` files directly inside a Central Certificate Store folder (the CCS provider does
/// not look into subfolders).
pub fn read_ccs_folder(folder: &Path) -> Result<CcsFolder, LoadError> {
    let names = sorted_entries(folder)?
        .into_iter()
        .filter(|path| path.is_file())
        .map(|path| file_name_lowercase(&path))
        .filter(|name| name.ends_with(".pfx"));
    Ok(CcsFolder::new(names))
}

/// One error per invalid http/https binding of `machine`, for the commands that treat them
/// as errors.
pub fn invalid_bindings(machine: &Machine) -> Vec<SourceError> {
    machine.configs.iter().flat_map(iis::invalid_binding_errors).collect()
}

const CERTIFICATE_EXTENSIONS: [&str; 6] = ["cer", "crt", "der", "pem", "pfx", "p12"];

fn add_machine_folder(folder: &Path, sources: &mut Sources) -> Result<(), LoadError> {
    let mut found_any = false;
    for path in sorted_entries(folder)? {
        let name = file_name_lowercase(&path);
        if path.is_dir() {
            if name == "certs" {
                sources.certs.push(path);
                found_any = true;
            }
            continue;
        }
        if name.ends_with(".config") {
            sources.configs.push(path);
        } else if name.ends_with(".txt") && name.contains("sslcert") && sources.sslcert.is_none() {
            sources.sslcert = Some(path);
        } else if has_certificate_extension(&name) {
            sources.certs.push(path);
        } else {
            continue;
        }
        found_any = true;
    }
    if found_any { Ok(()) } else { Err(LoadError::EmptyMachineFolder { path: folder.to_owned() }) }
}

fn load_certificates(
    path: &Path,
    password: Option<&str>,
    strict: bool,
    machine: &mut Machine,
) -> Result<(), LoadError> {
    machine.certificates_known = true;
    if path.is_dir() {
        for entry in sorted_entries(path)? {
            let name = file_name_lowercase(&entry);
            if entry.is_dir() || has_certificate_extension(&name) {
                load_certificates(&entry, password, false, machine)?;
            }
        }
        return Ok(());
    }
    let bytes = read(path)?;
    match certs::read_certificates(&name_of(path), &bytes, password) {
        Ok(read) => {
            machine.certificates.extend(read.certificates);
            machine.warnings.extend(read.warnings);
            Ok(())
        }
        // A folder may hold a key file or a stray export beside the certificates; one bad
        // member should not hide the rest, so it becomes a warning there.
        Err(error) if !strict => {
            machine.warnings.push(SourceWarning {
                location: error.location,
                message: format!("{} (skipped)", error.message),
            });
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

fn has_certificate_extension(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| CERTIFICATE_EXTENSIONS.contains(&extension))
}

fn sorted_entries(folder: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io_error = |source| LoadError::Io { path: folder.to_owned(), source };
    let mut entries = Vec::new();
    for entry in fs::read_dir(folder).map_err(io_error)? {
        entries.push(entry.map_err(io_error)?.path());
    }
    entries.sort();
    Ok(entries)
}

fn file_name_lowercase(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    fs::read(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })
}

fn name_of(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}
