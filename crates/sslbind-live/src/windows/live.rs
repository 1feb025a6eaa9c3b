//! The two entry points of the live machine: read everything sslbind shows (configs,
//! HTTP.sys mappings, certificates, CCS settings) and apply a plan's mapping operations.

use std::collections::BTreeSet;
use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use sslbind_core::httpsys::read_excluded_ports;
use sslbind_core::model::{ExcludedPortRange, Machine};
use sslbind_core::plan::ops::MappingOp;
use sslbind_core::{Location, SourceWarning, iis, text};

use crate::load::{ConfigFileBytes, LoadError, LoadedMachine};
use crate::transaction::{ExternalStep, StepError};
use crate::windows::apply::{apply_with_undo, undo_applied};
use crate::windows::configs::{self, LiveConfig};
use crate::windows::error::LiveError;
use crate::windows::httpapi::{HttpApi, HttpSysWriter};
use crate::windows::{certstore, registry};

/// The name live warnings are filed under.
const LIVE_SOURCE: &str = "live";

/// Reads the running machine: IIS's `applicationHost.config` (following shared-configuration
/// redirection), the user's IIS Express config and, with `iis_express_solution`, the configs
/// Visual Studio keeps in that solution's `.vs` folder; every HTTP.sys SSL record through the
/// HTTP Server API; the certificates of `LocalMachine\MY`, `LocalMachine\WebHosting` and every
/// store a mapping names; the Central Certificate Store settings; and, when they can be
/// read (otherwise a warning says why), HTTP.sys's URL reservations and the excluded TCP port
/// ranges (from `netsh`).
///
/// Reading IIS's config needs an elevated prompt (its folder is readable by administrators
/// only); the error then says so.
pub fn load_live_machine(iis_express_solution: Option<&Path>) -> Result<LoadedMachine, LiveError> {
    let windir = env::var_os("windir")
        .or_else(|| env::var_os("SystemRoot"))
        .map(PathBuf::from)
        .ok_or_else(|| LiveError::Environment("neither %windir% nor %SystemRoot% is set".to_owned()))?;
    let redirection_path = configs::iis_config_folder(&windir).join("redirection.config");
    let redirection = read_optional(&redirection_path)?.map(|bytes| text::decode(&bytes).text);
    let solution_configs = match iis_express_solution {
        Some(solution) => {
            let found = configs::solution_configs(solution)
                .map_err(|source| LiveError::Io { path: solution.to_owned(), source })?;
            if found.is_empty() {
                return Err(LiveError::Environment(format!(
                    "{} holds no IIS Express config: expected .vs\\<name>\\config\\applicationhost.config \
                     (or .vs\\config\\applicationhost.config); open the solution in Visual Studio once, \
                     or pass the config with --config",
                    solution.display()
                )));
            }
            found
        }
        None => Vec::new(),
    };
    let profile = env::var_os("USERPROFILE").map(PathBuf::from);
    let mut machine = Machine::default();
    let mut config_files = Vec::new();
    for config in
        configs::live_configs(&windir, redirection.as_deref(), profile.as_deref(), &solution_configs)
    {
        read_config(&config, &mut machine, &mut config_files)?;
    }

    let mut notes = Vec::new();
    let api = HttpApi::initialize()?;
    let (mappings, warnings) = api.read_mappings()?;
    notes.extend(warnings);
    machine.mappings = mappings;
    machine.mappings_known = true;
    match api.read_url_reservations() {
        Ok((reservations, warnings)) => {
            notes.extend(warnings);
            machine.url_reservations = reservations;
            machine.url_reservations_known = true;
        }
        Err(error) => notes.push(format!("the URL reservations of HTTP.sys could not be read: {error}")),
    }
    drop(api);
    match read_excluded_port_ranges() {
        Ok((ranges, warnings)) => {
            notes.extend(warnings);
            machine.excluded_ports = ranges;
            machine.excluded_ports_known = true;
        }
        Err(message) => notes.push(format!("the excluded port ranges could not be read: {message}")),
    }

    let mut stores: Vec<String> = vec!["MY".to_owned(), "WebHosting".to_owned()];
    let named: BTreeSet<String> =
        machine.mappings.iter().map(|mapping| mapping.effective_store().to_owned()).collect();
    for store in named {
        if !stores.iter().any(|known| known.eq_ignore_ascii_case(&store)) {
            stores.push(store);
        }
    }
    for store in &stores {
        let certificates = certstore::read_store(store, &mut notes)?;
        machine.certificates.extend(certificates);
    }
    machine.certificates_known = true;
    machine.ccs_settings = registry::read_ccs_settings()?;

    let source: Arc<str> = Arc::from(LIVE_SOURCE);
    machine.warnings.extend(
        notes.into_iter().map(|message| SourceWarning { location: Location::new(&source, 0, 0), message }),
    );
    Ok(LoadedMachine { machine, config_files, snapshot_meta: None })
}

/// A plan's mapping operations as the external step of a [`crate::transaction::commit`]:
/// applied with [`apply_with_undo`], and taken back with [`undo_applied`] when a config
/// cannot be replaced afterwards.
pub struct HttpSysStep<'a> {
    ops: &'a [MappingOp],
}

impl<'a> HttpSysStep<'a> {
    /// The step that applies `ops`.
    pub fn new(ops: &'a [MappingOp]) -> Self {
        HttpSysStep { ops }
    }
}

impl ExternalStep for HttpSysStep<'_> {
    fn apply(&mut self) -> Result<(), StepError> {
        apply_ops(self.ops).map_err(|error| StepError::from(format!("changing HTTP.sys: {error}")))
    }

    fn undo(&mut self) -> Result<(), StepError> {
        if self.ops.is_empty() {
            return Ok(());
        }
        let api = HttpApi::initialize()?;
        let mut writer = HttpSysWriter { api: &api };
        undo_applied(&mut writer, self.ops)?;
        Ok(())
    }
}

/// Applies `ops` to HTTP.sys in order; when one fails, the ones already applied are undone
/// (see [`apply_with_undo`]). Every change needs an elevated prompt.
pub fn apply_ops(ops: &[MappingOp]) -> Result<(), LiveError> {
    if ops.is_empty() {
        return Ok(());
    }
    let api = HttpApi::initialize()?;
    let mut writer = HttpSysWriter { api: &api };
    apply_with_undo(&mut writer, ops)
}

/// The TCP port ranges Windows has excluded, from `netsh int ipv4|ipv6 show
/// excludedportrange protocol=tcp` run as child processes, with the reader's warnings as
/// sentences; the error says which command failed and how.
fn read_excluded_port_ranges() -> Result<(Vec<ExcludedPortRange>, Vec<String>), String> {
    let mut ranges = Vec::new();
    let mut warnings = Vec::new();
    for family in ["ipv4", "ipv6"] {
        let command = format!("netsh int {family} show excludedportrange protocol=tcp");
        let output = Command::new("netsh")
            .args(["int", family, "show", "excludedportrange", "protocol=tcp"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(|error| format!("`{command}` could not be run: {error}"))?;
        if !output.status.success() {
            return Err(format!("`{command}` failed ({})", output.status));
        }
        let source: Arc<str> = Arc::from(command.as_str());
        let read = read_excluded_ports(&source, &output.stdout)
            .map_err(|error| format!("the output of `{command}` could not be read: {error}"))?;
        warnings.extend(read.warnings.into_iter().map(|warning| format!("`{command}`: {}", warning.message)));
        ranges.extend(read.ranges);
    }
    Ok((ranges, warnings))
}

/// The bytes of `path`, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, LiveError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LiveError::Io { path: path.to_owned(), source }),
    }
}

/// Reads one config into `machine`; a config that is not required and does not exist (a
/// server that is not installed) is skipped.
fn read_config(
    config: &LiveConfig,
    machine: &mut Machine,
    config_files: &mut Vec<ConfigFileBytes>,
) -> Result<(), LiveError> {
    let bytes = match read_optional(&config.path)? {
        Some(bytes) => bytes,
        None if !config.required => return Ok(()),
        None => {
            return Err(LiveError::Io {
                path: config.path.clone(),
                source: io::Error::from(io::ErrorKind::NotFound),
            });
        }
    };
    let name: Arc<str> = Arc::from(config.path.display().to_string());
    let read = iis::read_config(&name, &bytes, Some(config.flavor)).map_err(LoadError::from)?;
    machine.configs.push(read.config);
    machine.warnings.extend(read.warnings);
    config_files.push(ConfigFileBytes { path: config.path.clone(), bytes, from_snapshot: false });
    Ok(())
}
