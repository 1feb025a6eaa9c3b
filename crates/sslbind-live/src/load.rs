//! Loading a [`Machine`] from the sources of the interface contract: `--config` files,
//! `--sslcert`, `--certs` files and folders, and a machine folder that holds any of them.
//!
//! A machine folder is recognised by file names, so that users can drop what they collected
//! from a server into one folder without flags: `*.config` are IIS configs, `sslcert.txt`
//! (or any `*sslcert*.txt`) is saved netsh output, `*.reg`, `SYSTEM` and `SOFTWARE` are
//! registry exports and hives, `*.snapshot.json` is a snapshot, `urlacl*.txt` is saved
//! `netsh http show urlacl` output, `excludedport*.txt` is saved `excludedportrange` output,
//! and `certs/` or certificate files at the top level are certificates.
//!
//! A single file given as the machine is recognised by its content, not its name, since users
//! pass whatever they have at hand: JSON is a snapshot, XML an applicationHost.config (or a
//! fragment of one), and text is tried as saved netsh output (`show urlacl`, `show
//! excludedportrange`, then `show sslcert`); registry exports, hives and certificates are
//! recognised too. Anything else is refused with the list of what a machine can be.
//!
//! The same fact may come from two sources (a mapping in both `sslcert.txt` and a `.reg`
//! export, a certificate as a file and in a SOFTWARE hive): the first source given wins, and a
//! later copy that disagrees is reported.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sslbind_core::analysis::selection::CcsFolder;
use sslbind_core::model::{
    Certificate, Machine, Mapping, MappingKey, ServerFlavor, Thumbprint, UrlReservation,
};
use sslbind_core::registry::{hive, interpret, reg};
use sslbind_core::snapshot::ConfigSource;
use sslbind_core::{SourceError, SourceErrorKind, SourceWarning, certs, httpsys, iis, snapshot, text};

use crate::password::Password;

/// The sources a reading command was given.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// `--config`, in order.
    pub configs: Vec<PathBuf>,
    /// `--sslcert`.
    pub sslcert: Option<PathBuf>,
    /// `--certs`, files or folders.
    pub certs: Vec<PathBuf>,
    /// The `.pfx` password (`--pfx-password`, `--pfx-password-file` or
    /// `SSLBIND_PFX_PASSWORD`); `None` tries the empty password.
    pub pfx_password: Option<Password>,
    /// `--iis-express`: treat every config as IIS Express.
    pub iis_express: bool,
    /// `--registry`: `.reg` exports and offline SYSTEM or SOFTWARE hives.
    pub registry: Vec<PathBuf>,
    /// `--snapshot`.
    pub snapshot: Option<PathBuf>,
    /// `--urlacl`: saved `netsh http show urlacl` output.
    pub urlacl: Option<PathBuf>,
    /// `--excluded-ports`: saved `netsh int ipv4|ipv6 show excludedportrange` output.
    pub excluded_ports: Option<PathBuf>,
    /// The positional machine: a folder, or one file recognised by its content (a snapshot, a
    /// config, saved netsh output, a registry export or hive, a certificate).
    pub machine: Option<PathBuf>,
}

impl Sources {
    /// Whether no source at all was given.
    pub fn is_empty(&self) -> bool {
        self.configs.is_empty()
            && self.sslcert.is_none()
            && self.certs.is_empty()
            && self.registry.is_empty()
            && self.snapshot.is_none()
            && self.urlacl.is_none()
            && self.excluded_ports.is_none()
            && self.machine.is_none()
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
    /// A file given as the machine is none of the things a machine can be, or duplicates an
    /// option that takes one file only.
    #[error("{}: {reason}", path.display())]
    MachineFile {
        /// The file.
        path: PathBuf,
        /// Why it cannot stand for a machine.
        reason: String,
    },
    /// A machine folder holds nothing sslbind reads.
    #[error(
        "{} holds nothing sslbind reads: *.config, sslcert.txt, urlacl.txt, excludedportrange.txt, \
         *.reg, SYSTEM, SOFTWARE, *.snapshot.json or certificates",
        path.display()
    )]
    EmptyMachineFolder {
        /// The folder.
        path: PathBuf,
    },
    /// An environment variable holds a value that cannot be used.
    #[error("the environment variable {variable} {reason}")]
    Environment {
        /// The variable's name.
        variable: &'static str,
        /// What is wrong with its value (never the value: it may be a secret).
        reason: String,
    },
}

/// A machine with the bytes of its config files as read, for commands that edit them.
#[derive(Clone, Debug)]
pub struct LoadedMachine {
    /// The machine.
    pub machine: Machine,
    /// `machine.configs[i]`'s file at position `i`.
    pub config_files: Vec<ConfigFileBytes>,
    /// The capture's facts (when and by what it was written) when the machine came from a
    /// snapshot.
    pub snapshot_meta: Option<snapshot::SnapshotMeta>,
}

impl LoadedMachine {
    /// The configs as a snapshot keeps them: each read config with its decoded text.
    pub fn config_sources(&self) -> Vec<ConfigSource> {
        self.machine
            .configs
            .iter()
            .zip(&self.config_files)
            .map(|(config, file)| {
                let decoded = text::decode(&file.bytes);
                ConfigSource { config: config.clone(), text: decoded.text, encoding: decoded.encoding }
            })
            .collect()
    }
}

/// A config file's path and the exact bytes read from it.
#[derive(Clone, Debug)]
pub struct ConfigFileBytes {
    /// Where it was read.
    pub path: PathBuf,
    /// What it held.
    pub bytes: Vec<u8>,
    /// Whether it came out of a snapshot, so that the file at `path` is not what was read
    /// and must not be written.
    pub from_snapshot: bool,
}

/// Reads every source into one machine.
pub fn load_machine(sources: &Sources) -> Result<Machine, LoadError> {
    load_machine_with_files(sources).map(|loaded| loaded.machine)
}

/// Reads every source into one machine, keeping the config files' bytes.
pub fn load_machine_with_files(sources: &Sources) -> Result<LoadedMachine, LoadError> {
    let mut expanded = sources.clone();
    if let Some(machine) = &sources.machine {
        if machine.is_file() {
            add_machine_file(machine, &mut expanded)?;
        } else {
            add_machine_folder(machine, &mut expanded)?;
        }
    }
    // The netsh text and the certificates (tens of megabytes and thousands of files on a
    // hosting server) are read on threads of their own while this one reads the configs; the
    // results are merged below in the order of the sources, as if read one after another.
    let password = sources.pfx_password.as_ref().map(Password::expose);
    let expanded = &expanded;
    let sslcert = expanded.sslcert.as_deref();
    let certificate_paths = expanded.certs.as_slice();
    let (machine, config_files, snapshot_meta, certificates) = std::thread::scope(|scope| {
        let netsh = scope.spawn(move || {
            sslcert.map(|path| -> Result<_, LoadError> {
                let bytes = read(path)?;
                let name = name_of(path);
                let read = httpsys::read_netsh(&name, &bytes).map_err(with_option_hint)?;
                // An empty list would claim the machine has no mappings; the file was not
                // understood, which is another thing.
                match read.no_record_read {
                    Some(error) => {
                        let mut error = with_option_hint(error);
                        if httpsys::read_urlacl(&name, &bytes).is_ok_and(|read| !read.reservations.is_empty()) {
                            error.message.push_str(
                                "; the file holds `netsh http show urlacl` output (URL reservations): give it with --urlacl",
                            );
                        }
                        Err(error.into())
                    }
                    None => Ok(read),
                }
            })
        });
        let certificates = scope.spawn(move || load_certificate_sources(certificate_paths, password));
        let main = read_in_order(sources, expanded);
        // A panic on another thread is a bug: it is passed on rather than hidden.
        let netsh = netsh.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let certificates = certificates.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (mut machine, config_files, snapshot_meta) = main?;
        if let Some(netsh) = netsh {
            let read = netsh?;
            machine.mappings_known = true;
            machine.warnings.extend(read.warnings);
            merge_mappings(&mut machine, read.mappings);
        }
        Ok::<_, LoadError>((machine, config_files, snapshot_meta, certificates))
    })?;
    let mut machine = read_the_rest(expanded, machine)?;
    if !expanded.certs.is_empty() {
        let loaded = certificates?;
        machine.certificates_known = true;
        machine.warnings.extend(loaded.warnings);
        merge_certificates(&mut machine, loaded.certificates);
    }
    // HTTP.sys lists IP records, then SNI, then CCS (netsh's order); sources that group them
    // otherwise (registry keys) are put in that order, each kind keeping its source order.
    machine.mappings.sort_by_key(|mapping| mapping.key.kind());
    Ok(LoadedMachine { machine, config_files, snapshot_meta })
}

/// The snapshot and the configs, which come first in the merge order.
fn read_in_order(
    sources: &Sources,
    expanded: &Sources,
) -> Result<(Machine, Vec<ConfigFileBytes>, Option<snapshot::SnapshotMeta>), LoadError> {
    let mut machine = Machine::default();
    let mut config_files = Vec::new();
    let mut snapshot_meta = None;
    if let Some(path) = &expanded.snapshot {
        let bytes = read(path)?;
        let read = snapshot::read_snapshot(&name_of(path), &bytes)?;
        for (config, text) in read.machine.configs.iter().zip(read.config_texts) {
            config_files.push(ConfigFileBytes {
                path: PathBuf::from(config.path.as_ref()),
                bytes: text.into_bytes(),
                from_snapshot: true,
            });
        }
        machine = read.machine;
        snapshot_meta = Some(read.meta);
    }
    for path in &expanded.configs {
        let bytes = read(path)?;
        let flavor = (sources.iis_express || in_iis_express_folder(path)).then_some(ServerFlavor::IisExpress);
        let read = iis::read_config(&name_of(path), &bytes, flavor)?;
        machine.configs.push(read.config);
        machine.warnings.extend(read.warnings);
        config_files.push(ConfigFileBytes { path: path.clone(), bytes, from_snapshot: false });
    }
    Ok((machine, config_files, snapshot_meta))
}

/// The registry, URL reservations and excluded ports, which come after the netsh text and
/// before the certificate files.
fn read_the_rest(expanded: &Sources, mut machine: Machine) -> Result<Machine, LoadError> {
    for path in &expanded.registry {
        load_registry(path, &mut machine)?;
    }
    if let Some(path) = &expanded.urlacl {
        let read = httpsys::read_urlacl(&name_of(path), &read(path)?)?;
        machine.url_reservations_known = true;
        machine.warnings.extend(read.warnings);
        merge_reservations(&mut machine, read.reservations);
    }
    if let Some(path) = &expanded.excluded_ports {
        let read = httpsys::read_excluded_ports(&name_of(path), &read(path)?)?;
        machine.excluded_ports_known = true;
        machine.warnings.extend(read.warnings);
        machine.excluded_ports = read.ranges;
    }
    Ok(machine)
}

/// Whether `path` is where IIS Express keeps its configs: `Documents\IISExpress\config` or a
/// Visual Studio solution's `.vs\…\config` folder. Such a config is IIS Express's even when
/// its content carries none of IIS Express's markers.
fn in_iis_express_folder(path: &Path) -> bool {
    let parts: Vec<String> = path
        .components()
        .map(|component| component.as_os_str().to_string_lossy().to_ascii_lowercase())
        .collect();
    let in_config_folder = parts.len() >= 2 && parts[parts.len() - 2] == "config";
    in_config_folder && parts.iter().any(|part| part == "iisexpress" || part == ".vs")
}

/// Reads a `.reg` export or an offline hive (told apart by the hive's `regf` signature).
fn load_registry(path: &Path, machine: &mut Machine) -> Result<(), LoadError> {
    let bytes = read(path)?;
    let name = name_of(path);
    let tree = if hive::is_hive(&bytes) {
        let hive_name =
            path.file_name().map(|name| name.to_string_lossy().to_uppercase()).unwrap_or_default();
        let read = hive::read_hive(&name, &hive_name, &bytes)?;
        machine.warnings.extend(read.warnings);
        read.tree
    } else {
        let read = reg::read_reg(&name, &bytes)?;
        machine.warnings.extend(read.warnings);
        read.tree
    };
    let read = interpret::interpret(&tree, &name);
    machine.warnings.extend(read.warnings);
    if read.mappings_found {
        machine.mappings_known = true;
        merge_mappings(machine, read.mappings);
    }
    if read.certificates_found {
        machine.certificates_known = true;
        merge_certificates(machine, read.certificates);
    }
    if read.ccs_settings.is_some() {
        machine.ccs_settings = read.ccs_settings;
    }
    if read.url_reservations_found {
        machine.url_reservations_known = true;
        merge_reservations(machine, read.url_reservations);
    }
    Ok(())
}

/// Adds `reservations`, keeping the first copy of a URL that two sources both hold (netsh
/// output names users, the registry only has SIDs); a later copy with another SDDL is reported.
fn merge_reservations(machine: &mut Machine, reservations: Vec<UrlReservation>) {
    for reservation in reservations {
        let same = |existing: &&UrlReservation| match (&existing.prefix, &reservation.prefix) {
            (Some(a), Some(b)) => a.to_string().eq_ignore_ascii_case(&b.to_string()),
            _ => existing.url.eq_ignore_ascii_case(&reservation.url),
        };
        match machine.url_reservations.iter().find(same) {
            None => machine.url_reservations.push(reservation),
            Some(existing) => {
                let differs = existing.sddl.is_some()
                    && reservation.sddl.is_some()
                    && existing.sddl != reservation.sddl;
                if let (true, Some(location)) = (differs, reservation.origin.location()) {
                    machine.warnings.push(SourceWarning {
                        location: location.clone(),
                        message: format!(
                            "URL reservation `{}` differs from the one read earlier at {}; the earlier one is kept",
                            reservation.url, existing.origin
                        ),
                    });
                }
            }
        }
    }
}

/// Adds `mappings`, keeping the first copy of a key that two sources both hold.
fn merge_mappings(machine: &mut Machine, mappings: Vec<Mapping>) {
    let mut known: HashMap<MappingKey, usize> =
        HashMap::with_capacity(machine.mappings.len() + mappings.len());
    for (position, existing) in machine.mappings.iter().enumerate() {
        known.entry(existing.key.clone()).or_insert(position);
    }
    for mapping in mappings {
        match known.get(&mapping.key).map(|&position| &machine.mappings[position]) {
            None => {
                known.insert(mapping.key.clone(), machine.mappings.len());
                machine.mappings.push(mapping);
            }
            Some(existing) => {
                let differs = existing.certificate_hash != mapping.certificate_hash
                    || existing.app_id != mapping.app_id
                    || existing.effective_store() != mapping.effective_store();
                if let (true, Some(location)) = (differs, mapping.origin.location()) {
                    machine.warnings.push(SourceWarning {
                        location: location.clone(),
                        message: format!(
                            "mapping `{}` differs from the one read earlier at {}; the earlier one is kept",
                            mapping.key, existing.origin
                        ),
                    });
                }
            }
        }
    }
}

/// Adds `certificates`, keeping one copy per thumbprint and filling in what a later copy
/// knows (its store, whether it has a private key).
fn merge_certificates(machine: &mut Machine, certificates: Vec<Certificate>) {
    let mut known: HashMap<Thumbprint, usize> = machine
        .certificates
        .iter()
        .enumerate()
        .rev()
        .map(|(position, certificate)| (certificate.thumbprint, position))
        .collect();
    for certificate in certificates {
        match known.get(&certificate.thumbprint).map(|&position| &mut machine.certificates[position]) {
            None => {
                known.insert(certificate.thumbprint, machine.certificates.len());
                machine.certificates.push(certificate);
            }
            Some(existing) => {
                existing.store = existing.store.take().or(certificate.store);
                existing.has_private_key = existing.has_private_key.or(certificate.has_private_key);
            }
        }
    }
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
        } else if name.ends_with(".txt") && name.starts_with("urlacl") && sources.urlacl.is_none() {
            sources.urlacl = Some(path);
        } else if name.ends_with(".txt")
            && name.starts_with("excludedport")
            && sources.excluded_ports.is_none()
        {
            sources.excluded_ports = Some(path);
        } else if name.ends_with(".reg") || name == "system" || name == "software" {
            sources.registry.push(path);
        } else if name.ends_with(".snapshot.json") && sources.snapshot.is_none() {
            sources.snapshot = Some(path);
        } else if has_certificate_extension(&name) {
            sources.certs.push(path);
        } else {
            continue;
        }
        found_any = true;
    }
    if found_any { Ok(()) } else { Err(LoadError::EmptyMachineFolder { path: folder.to_owned() }) }
}

/// What a single file given as the machine holds, told by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MachineFile {
    Snapshot,
    Config,
    Registry,
    Certificate,
    UrlAcl,
    ExcludedPorts,
    Sslcert,
}

/// Tells what `bytes`, the content of the file `path` given as the machine, holds.
fn machine_file_kind(path: &Path, bytes: &[u8]) -> Option<MachineFile> {
    if hive::is_hive(bytes) {
        return Some(MachineFile::Registry);
    }
    let decoded = text::decode(bytes);
    let start = decoded.text.trim_start();
    if start.starts_with('{') {
        return Some(MachineFile::Snapshot);
    }
    if start.starts_with('<') {
        return Some(MachineFile::Config);
    }
    if start.starts_with("Windows Registry Editor") || start.starts_with("REGEDIT4") {
        return Some(MachineFile::Registry);
    }
    if has_certificate_extension(&file_name_lowercase(path)) || start.starts_with("-----BEGIN") {
        return Some(MachineFile::Certificate);
    }
    // netsh's English headings name an output that may hold no records at all.
    let heading = |text: &str| decoded.text.lines().any(|line| line.trim().eq_ignore_ascii_case(text));
    let name = name_of(path);
    if heading("URL Reservations:")
        || httpsys::read_urlacl(&name, bytes).is_ok_and(|read| !read.reservations.is_empty())
    {
        return Some(MachineFile::UrlAcl);
    }
    if heading("Protocol tcp Port Exclusion Ranges")
        || httpsys::read_excluded_ports(&name, bytes).is_ok_and(|read| !read.ranges.is_empty())
    {
        return Some(MachineFile::ExcludedPorts);
    }
    // A text from which no record could be read, but with lines shaped like records, is still
    // netsh output: it goes to the netsh reader, which says why it cannot be read.
    let netsh = httpsys::read_netsh(&name, bytes);
    if heading("SSL Certificate bindings:")
        || netsh.is_err()
        || netsh.is_ok_and(|read| !read.mappings.is_empty() || read.no_record_read.is_some())
    {
        return Some(MachineFile::Sslcert);
    }
    None
}

/// Adds the single file given as the machine to `sources`, as what its content says it is.
fn add_machine_file(path: &Path, sources: &mut Sources) -> Result<(), LoadError> {
    let bytes = read(path)?;
    let refuse = |reason: String| LoadError::MachineFile { path: path.to_owned(), reason };
    let taken = |command: &str, option: &str| {
        refuse(format!(
            "this file is saved `netsh {command}` output, and {option} was given too; give one of them"
        ))
    };
    let file = Some(path.to_owned());
    match machine_file_kind(path, &bytes) {
        Some(MachineFile::Snapshot) => sources.snapshot = file,
        Some(MachineFile::Config) => sources.configs.push(path.to_owned()),
        Some(MachineFile::Registry) => sources.registry.push(path.to_owned()),
        Some(MachineFile::Certificate) => sources.certs.push(path.to_owned()),
        Some(MachineFile::UrlAcl) if sources.urlacl.is_some() => {
            return Err(taken("http show urlacl", "--urlacl"));
        }
        Some(MachineFile::UrlAcl) => sources.urlacl = file,
        Some(MachineFile::ExcludedPorts) if sources.excluded_ports.is_some() => {
            return Err(taken("int ipv4 show excludedportrange", "--excluded-ports"));
        }
        Some(MachineFile::ExcludedPorts) => sources.excluded_ports = file,
        Some(MachineFile::Sslcert) if sources.sslcert.is_some() => {
            return Err(taken("http show sslcert", "--sslcert"));
        }
        Some(MachineFile::Sslcert) => sources.sslcert = file,
        None => {
            return Err(refuse(
                "a file given as the machine must be a snapshot (JSON), an applicationHost.config (XML), saved netsh output (`http show sslcert`, `http show urlacl`, `int ipv4 show excludedportrange`), a registry export or hive, or a certificate; this one is none of them: give a machine folder, or the file with the option that reads it".to_owned(),
            ));
        }
    }
    Ok(())
}

/// Certificates read from `--certs` files and folders, with what was skipped.
#[derive(Default)]
struct CertificatesLoaded {
    certificates: Vec<Certificate>,
    warnings: Vec<SourceWarning>,
}

/// Reads every `--certs` file and folder, for one merge at the end.
fn load_certificate_sources(
    paths: &[PathBuf],
    password: Option<&str>,
) -> Result<CertificatesLoaded, LoadError> {
    let mut loaded = CertificatesLoaded::default();
    for path in paths {
        load_certificates(path, password, true, &mut loaded)?;
    }
    Ok(loaded)
}

fn load_certificates(
    path: &Path,
    password: Option<&str>,
    strict: bool,
    loaded: &mut CertificatesLoaded,
) -> Result<(), LoadError> {
    if path.is_dir() {
        for entry in sorted_entries(path)? {
            let name = file_name_lowercase(&entry);
            if entry.is_dir() || has_certificate_extension(&name) {
                load_certificates(&entry, password, false, loaded)?;
            }
        }
        return Ok(());
    }
    let bytes = read(path)?;
    match certs::read_certificates(&name_of(path), &bytes, password).map_err(with_option_hint) {
        Ok(read) => {
            loaded.certificates.extend(read.certificates);
            loaded.warnings.extend(read.warnings);
            Ok(())
        }
        // A folder may hold a key file or a stray export beside the certificates; one bad
        // member should not hide the rest, so it becomes a warning there.
        Err(error) if !strict => {
            loaded.warnings.push(SourceWarning {
                location: error.location,
                message: format!("{} (skipped)", error.message),
            });
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

/// `error` with the command-line option that would help, for the kinds an option helps with:
/// the readers in `sslbind-core` say what is wrong without assuming a command line.
fn with_option_hint(mut error: SourceError) -> SourceError {
    let hint = match error.kind {
        SourceErrorKind::Localised => ", or read the HTTP.sys store with `--registry`",
        SourceErrorKind::PfxPassword => ": give the right one with --pfx-password",
        SourceErrorKind::PfxUnreadable => " (if it is password-protected, check --pfx-password)",
        _ => "",
    };
    error.message.push_str(hint);
    error
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
