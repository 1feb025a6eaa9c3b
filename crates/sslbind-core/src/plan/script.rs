//! Scripts that apply a plan's mapping operations on the server: a cmd.exe batch file or a
//! PowerShell script of `netsh http add|update|delete sslcert` commands that stops at the
//! first failure, so that a user can read every change before running it elevated. URL
//! reservation changes (`netsh http add|delete urlacl`) follow the mapping operations.
//!
//! The commands are typed (`httpsys::command`) and quoted by `crate::command`, one function
//! per shell: the AppId is `appid="{…}"` in the batch file and `appid='{…}'` in PowerShell
//! (where a bare `{…}` is a script block); other values that are not plain words (store and
//! CTL names with spaces, odd URLs) are double-quoted in cmd (with `%` doubled in a batch file)
//! and single-quoted in PowerShell.
//!
//! The batch file ends each command with `|| exit /b 1`: cmd runs the right-hand side when
//! the program's exit code is not zero, which is how netsh reports a failure, and unlike
//! `if errorlevel 1` it also catches negative exit codes. PowerShell does not stop on a
//! native program's exit code even with `$ErrorActionPreference = 'Stop'` (before 7.3), so
//! each command is followed by an explicit `$LASTEXITCODE` check.
//!
//! An update is written with every known setting of the new record, because netsh resets
//! whatever an update leaves out to its default. Settings netsh has no parameter for (some
//! `DefaultFlags` bits, the revocation-freshness-time switch, extended properties) are named
//! in a comment above the command, by their names in the plan JSON's `parameters`
//! ([`parameters`]). The command is `httpsys::command::netsh_write_mapping`, the one builder
//! doctor's fixes use too.

use crate::command::{Cmd, Command, cmd, powershell};
use crate::httpsys::command::{
    is_ccs, netsh_delete, netsh_key, netsh_parameters, netsh_settable_flags, netsh_urlacl_add,
    netsh_urlacl_delete, netsh_write_mapping, settings_without_parameter,
};
use crate::plan::ops::{MappingOp, UrlAclOp};

/// The shell a script is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shell {
    /// A `.cmd` batch file for cmd.exe.
    Netsh,
    /// A `.ps1` script for Windows PowerShell 5.1 or PowerShell 7.
    PowerShell,
}

/// Where a command line is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    /// For a person to read or paste into cmd.exe.
    Display,
    /// Inside a batch file.
    Batch,
    /// Inside a PowerShell script.
    PowerShell,
}

/// `command` as one line written for `quoting`.
fn render(command: &Command, quoting: Quoting) -> String {
    match quoting {
        Quoting::Display => cmd(command, Cmd::Prompt),
        Quoting::Batch => cmd(command, Cmd::Batch),
        Quoting::PowerShell => powershell(command),
    }
}

/// A script that applies `ops` in order on the server, stopping at the first failure.
///
/// Lines end with CRLF. A script without operations says so in a comment and does nothing.
pub fn script(ops: &[MappingOp], shell: Shell) -> String {
    script_with_urlacls(ops, &[], shell)
}

/// A script that applies `ops`, then `urlacl_ops` (`netsh http add|delete urlacl`), in order
/// on the server, stopping at the first failure; [`script`] when `urlacl_ops` is empty.
pub fn script_with_urlacls(ops: &[MappingOp], urlacl_ops: &[UrlAclOp], shell: Shell) -> String {
    let quoting = match shell {
        Shell::Netsh => Quoting::Batch,
        Shell::PowerShell => Quoting::PowerShell,
    };
    let comment = match shell {
        Shell::Netsh => "rem ",
        Shell::PowerShell => "# ",
    };
    let mut lines: Vec<String> = Vec::new();
    if shell == Shell::Netsh {
        lines.push("@echo off".to_owned());
    }
    if ops.is_empty() && urlacl_ops.is_empty() {
        lines.push(format!(
            "{comment}sslbind: no HTTP.sys certificate mapping changes; this script does nothing."
        ));
        if shell == Shell::Netsh {
            lines.push("exit /b 0".to_owned());
        }
        return crlf(&lines);
    }

    let mapping_count = match ops.len() {
        0 => None,
        1 => Some("1 HTTP.sys certificate mapping change".to_owned()),
        n => Some(format!("{n} HTTP.sys certificate mapping changes")),
    };
    let urlacl_count = match urlacl_ops.len() {
        0 => None,
        1 => Some("1 URL reservation change".to_owned()),
        n => Some(format!("{n} URL reservation changes")),
    };
    let count = match (mapping_count, urlacl_count) {
        (Some(mappings), Some(urlacls)) => format!("{mappings} and {urlacls}"),
        (Some(only), None) | (None, Some(only)) => only,
        (None, None) => String::new(),
    };
    let total = ops.len() + urlacl_ops.len();
    match shell {
        Shell::Netsh => {
            lines.push(format!(
                "rem sslbind: applies {count} with netsh, stopping at the first failure; \
                 run it from an elevated command prompt (Run as administrator)."
            ));
        }
        Shell::PowerShell => {
            lines.push("#Requires -RunAsAdministrator".to_owned());
            lines.push(format!(
                "# sslbind: applies {count} with netsh, stopping at the first failure; \
                 run it from an elevated PowerShell (Run as administrator)."
            ));
            lines.push("$ErrorActionPreference = 'Stop'".to_owned());
        }
    }

    for (index, op) in ops.iter().enumerate() {
        let description = describe(op);
        lines.push(String::new());
        lines.push(format!("{comment}{}/{total}: {description}", index + 1));
        for limit in netsh_limits(op) {
            lines.push(format!("{comment}note: {}", sanitize(&limit)));
        }
        for command in commands(op, quoting) {
            match shell {
                Shell::Netsh => lines.push(format!("{command} || exit /b 1")),
                Shell::PowerShell => {
                    lines.push(command);
                    lines.push(format!(
                        "if ($LASTEXITCODE -ne 0) {{ throw \"netsh failed: {description}\" }}"
                    ));
                }
            }
        }
    }
    for (index, op) in urlacl_ops.iter().enumerate() {
        let description = sanitize(&match op {
            UrlAclOp::Add { url, user } => format!("reserve {url} for {user}"),
            UrlAclOp::Delete { url } => format!("delete the reservation of {url}"),
        });
        lines.push(String::new());
        lines.push(format!("{comment}{}/{total}: {description}", ops.len() + index + 1));
        let command = render(
            &match op {
                UrlAclOp::Add { url, user } => netsh_urlacl_add(url, user),
                UrlAclOp::Delete { url } => netsh_urlacl_delete(url),
            },
            quoting,
        );
        match shell {
            Shell::Netsh => lines.push(format!("{command} || exit /b 1")),
            Shell::PowerShell => {
                lines.push(command);
                lines.push(format!("if ($LASTEXITCODE -ne 0) {{ throw \"netsh failed: {description}\" }}"));
            }
        }
    }
    if shell == Shell::Netsh {
        lines.push(String::new());
        lines.push("exit /b 0".to_owned());
    }
    crlf(&lines)
}

/// The single netsh command line for one op, quoted for a person to read or paste into
/// cmd.exe (`appid="{…}"` also works pasted into PowerShell).
///
/// An add writes every known setting of the new record; a replace is `netsh http update
/// sslcert` with all settings of `after`, so that nothing is reset to its default; a delete
/// is `netsh http delete sslcert <key>`.
pub fn netsh_commands(op: &MappingOp) -> Vec<String> {
    commands(op, Quoting::Display)
}

/// What netsh cannot do for `op`, one sentence each: settings of the new record it has no
/// parameter for, and missing values it needs. Empty for a delete.
pub(crate) fn netsh_limits(op: &MappingOp) -> Vec<String> {
    let (mapping, replacing) = match op {
        MappingOp::Add(mapping) => (mapping, false),
        MappingOp::Replace { after, .. } => (after, true),
        MappingOp::Delete(_) => return Vec::new(),
    };
    let mut limits = Vec::new();
    if !is_ccs(&mapping.key) && mapping.certificate_hash.is_none() {
        limits.push("the record has no certificate hash, so netsh will refuse the command".to_owned());
    }
    if mapping.app_id.is_none() {
        limits.push("the record has no AppId; older netsh builds refuse a command without one".to_owned());
    }
    let unsettable = mapping.flags - netsh_settable_flags();
    if !unsettable.is_empty() {
        limits.push(format!(
            "netsh cannot set the DefaultFlags bits {}; the record will not have them",
            unsettable.names().join(", ")
        ));
    }
    if mapping.params.revocation_freshness_time_enabled == Some(true) {
        limits.push(
            "netsh has no parameter for the revocation-freshness-time switch (revocation-freshness-time-enabled); \
             check it afterwards"
                .to_owned(),
        );
    }
    if replacing && !mapping.extended_properties.is_empty() {
        limits.push(
            "netsh cannot set extended properties (extended-properties: HTTP/2 settings); check them after the \
             update"
                .to_owned(),
        );
    }
    limits
}

/// Every setting of the mapping `op` leaves, by name: the netsh parameters its command
/// carries ([`netsh_commands`]), in netsh's usage order, then the settings netsh has no
/// parameter for, by the kebab-case names of docs/contract.md#plan-parameters. The key is not
/// among them; a delete leaves no mapping, so it has none.
pub fn parameters(op: &MappingOp) -> Vec<(String, String)> {
    let mapping = match op {
        MappingOp::Add(mapping) | MappingOp::Replace { after: mapping, .. } => mapping,
        MappingOp::Delete(_) => return Vec::new(),
    };
    netsh_parameters(mapping)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .chain(settings_without_parameter(mapping))
        .collect()
}

/// The command lines of `op` written for `quoting`.
fn commands(op: &MappingOp, quoting: Quoting) -> Vec<String> {
    let command = match op {
        MappingOp::Add(mapping) => netsh_write_mapping("add", mapping),
        MappingOp::Replace { after, .. } => netsh_write_mapping("update", after),
        MappingOp::Delete(mapping) => netsh_delete(&mapping.key),
    };
    vec![render(&command, quoting)]
}

/// A short description of `op` that is safe inside a `rem` line and a PowerShell
/// double-quoted string.
fn describe(op: &MappingOp) -> String {
    let verb = match op {
        MappingOp::Add(_) => "add",
        MappingOp::Replace { .. } => "update",
        MappingOp::Delete(_) => "delete",
    };
    sanitize(&format!("{verb} {}", netsh_key(op.key())))
}

/// `text` with every character that a shell could read as syntax in a comment or a
/// double-quoted string (`%`, `$`, quotes, backticks, `&`, `|`, redirections) replaced by `?`.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '.' | ',' | ':' | ';' | '_' | '-' | '[' | ']' | '(' | ')' | '=' | '*' | '/'
                )
            {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// `lines` joined with CRLF, each line terminated.
fn crlf(lines: &[String]) -> String {
    lines.iter().map(|line| format!("{line}\r\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flags::DefaultFlags;
    use crate::model::ids::{AppId, Thumbprint};
    use crate::model::mapping::{Mapping, MappingKey};
    use crate::model::source::Origin;

    fn sni(host: &str) -> Mapping {
        let mut mapping = Mapping::new(MappingKey::Sni { host: host.into(), port: 443 }, Origin::Planned);
        mapping.certificate_hash =
            Some(Thumbprint::parse("5226DC6C54559761CD471B86EB51C096252C90F2").unwrap());
        mapping.app_id = Some(AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap());
        mapping
    }

    #[test]
    fn netsh_names_the_flag_bits_it_cannot_set() {
        let mut mapping = sni("a.example.com");
        mapping.flags = DefaultFlags::DISABLE_HTTP2 | DefaultFlags::NO_RAW_FILTER;
        assert_eq!(
            netsh_limits(&MappingOp::Add(mapping)),
            ["netsh cannot set the DefaultFlags bits no-raw-filter; the record will not have them"]
        );
    }

    #[test]
    fn quoting_follows_the_shell() {
        let mut mapping = sni("a.example.com");
        mapping.certificate_store = Some("100% it's".to_owned());
        let op = MappingOp::Add(mapping);
        let store = |quoting| {
            commands(&op, quoting).concat().split_once("certstorename=").map(|(_, rest)| rest.to_owned())
        };
        assert_eq!(store(Quoting::Display).as_deref(), Some("\"100% it's\""));
        assert_eq!(store(Quoting::Batch).as_deref(), Some("\"100%% it's\""));
        assert_eq!(store(Quoting::PowerShell).as_deref(), Some("'100% it''s'"));
    }

    #[test]
    fn display_commands_double_quote_the_app_id() {
        let commands = netsh_commands(&MappingOp::Add(sni("a.example.com")));
        assert_eq!(
            commands,
            [
                "netsh http add sslcert hostnameport=a.example.com:443 certhash=5226dc6c54559761cd471b86eb51c096252c90f2 \
              appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\""
            ]
        );
    }

    #[test]
    fn descriptions_cannot_break_out_of_a_comment_or_string() {
        let mapping = sni("a$b\"c%d&e");
        assert_eq!(describe(&MappingOp::Delete(mapping)), "delete hostnameport=a?b?c?d?e:443");
    }
}
