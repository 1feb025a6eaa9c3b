//! Fixes as users run them: a title and the exact command lines, built as typed commands by
//! `httpsys::command` (which change plans share) and rendered here for a cmd.exe prompt, the
//! one quoting every fix uses.

use std::fmt;

use crate::command::{Cmd, Command, cmd};
use crate::model::ids::{AppId, Thumbprint};
use crate::model::mapping::{Mapping, MappingKey};

/// `command` as a fix writes it: a line for a cmd.exe prompt (which also pastes into
/// PowerShell while its only quoted value is the AppId).
pub(crate) fn line(command: &Command) -> String {
    cmd(command, Cmd::Prompt)
}

/// `netsh http add sslcert …` for a new record as a fix line; see
/// [`crate::httpsys::command::netsh_add`].
pub(crate) fn netsh_add(key: &MappingKey, hash: Option<&Thumbprint>, store: &str, app_id: AppId) -> String {
    line(&crate::httpsys::command::netsh_add(key, hash, store, app_id))
}

/// `netsh http update sslcert …` as a fix line: `mapping` pointed at `hash` (the
/// `<THUMBPRINT>` stand-in when `None`) in `store` under `app_id`, with every other setting it
/// has; see [`crate::httpsys::command::netsh_repoint`].
pub(crate) fn netsh_repoint(
    mapping: &Mapping,
    hash: Option<&Thumbprint>,
    store: &str,
    app_id: AppId,
) -> String {
    line(&crate::httpsys::command::netsh_repoint(mapping, hash, store, app_id))
}

/// `netsh http add sslcert …` for the whole of `mapping` (every setting it has) as a fix
/// line; see [`crate::httpsys::command::netsh_write_mapping`].
pub(crate) fn netsh_add_mapping(mapping: &Mapping) -> String {
    line(&crate::httpsys::command::netsh_write_mapping_or_placeholder("add", mapping))
}

/// `netsh http delete sslcert …` as a fix line.
pub(crate) fn netsh_delete(key: &MappingKey) -> String {
    line(&crate::httpsys::command::netsh_delete(key))
}

/// `netsh http show sslcert …` as a fix line.
pub(crate) fn netsh_show(key: &MappingKey) -> String {
    line(&crate::httpsys::command::netsh_show(key))
}

/// A way to fix a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fix {
    /// What the fix does, as an imperative sentence fragment.
    pub title: String,
    /// The commands to run, in order (empty when the fix is a manual step).
    pub commands: Vec<String>,
}

impl Fix {
    /// A fix with `title` and `commands`.
    pub fn new(title: impl Into<String>, commands: Vec<String>) -> Fix {
        Fix { title: title.into(), commands }
    }
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)?;
        for command in &self.commands {
            write!(f, "\n  {command}")?;
        }
        Ok(())
    }
}
