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
//! `DefaultFlags` bits, extended properties) are named in a comment above the command.

use crate::command::{Cmd, Command, cmd, powershell};
use crate::httpsys::command::{
    certhash, netsh_delete, netsh_key, netsh_urlacl_add, netsh_urlacl_delete, with_key,
};
use crate::model::flags::{DEFAULT_FLAGS, DefaultFlags};
use crate::model::mapping::{Mapping, MappingKey};
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

/// The `DefaultFlags` bits netsh can set with their parameters, in netsh's usage order (the
/// order of [`DEFAULT_FLAGS`]).
///
/// `disablesessionid` only appears in the newest usage text; builds that print the other
/// protocol flags may not accept it, so it is written only to set the bit (see
/// [`flag_params`]).
fn netsh_flag_params() -> impl Iterator<Item = (DefaultFlags, &'static str)> {
    DEFAULT_FLAGS.iter().filter_map(|info| Some((info.flag, info.netsh_parameter?)))
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
    let settable = netsh_flag_params().fold(DefaultFlags::empty(), |bits, (bit, _)| bits | bit);
    let unsettable = mapping.flags - settable;
    if !unsettable.is_empty() {
        limits.push(format!(
            "netsh cannot set the DefaultFlags bits {}; the record will not have them",
            unsettable.names().join(", ")
        ));
    }
    if mapping.params.revocation_freshness_time_enabled == Some(true) {
        limits.push(
            "netsh has no parameter for the revocation-freshness-time switch; check it afterwards".to_owned(),
        );
    }
    if replacing && !mapping.extended_properties.is_empty() {
        limits.push(
            "netsh cannot set extended properties (HTTP/2 settings); check them after the update".to_owned(),
        );
    }
    limits
}

/// The command lines of `op` written for `quoting`.
fn commands(op: &MappingOp, quoting: Quoting) -> Vec<String> {
    let command = match op {
        MappingOp::Add(mapping) => add_or_update("add", mapping),
        MappingOp::Replace { after, .. } => add_or_update("update", after),
        MappingOp::Delete(mapping) => netsh_delete(&mapping.key),
    };
    vec![render(&command, quoting)]
}

/// `netsh http <verb> sslcert` with every known setting of `mapping`.
fn add_or_update(verb: &str, mapping: &Mapping) -> Command {
    let mut command = with_key(Command::new("netsh").words(&format!("http {verb} sslcert")), &mapping.key);
    if let (false, Some(hash)) = (is_ccs(&mapping.key), &mapping.certificate_hash) {
        command = command.param("certhash", certhash(hash));
    }
    if let Some(app_id) = &mapping.app_id {
        command = command.param("appid", app_id.to_string());
    }
    if let Some(store) = &mapping.certificate_store {
        command = command.param("certstorename", store.as_str());
    }
    let params = &mapping.params;
    let switches = [
        ("verifyclientcertrevocation", params.verify_client_cert_revocation),
        ("verifyrevocationwithcachedclientcertonly", params.verify_revocation_cached_only),
        ("usagecheck", params.usage_check),
    ];
    for (name, value) in switches {
        if let Some(on) = value {
            command = command.param(name, switch(on));
        }
    }
    let numbers = [
        ("revocationfreshnesstime", params.revocation_freshness_time),
        ("urlretrievaltimeout", params.url_retrieval_timeout),
    ];
    for (name, value) in numbers {
        if let Some(number) = value {
            command = command.param(name, number.to_string());
        }
    }
    let texts = [("sslctlidentifier", &params.ctl_identifier), ("sslctlstorename", &params.ctl_store_name)];
    for (name, value) in texts {
        if let Some(text) = value {
            command = command.param(name, text.as_str());
        }
    }
    flag_params(mapping).into_iter().fold(command, |command, (name, value)| command.param(name, value))
}

/// The flag parameters of `mapping`: every bit netsh can set when the source showed the
/// flags, otherwise only the set ones (a clear bit may only mean "not shown", and leaving a
/// parameter out leaves the bit clear anyway). `disablesessionid` is written only when set,
/// because builds that do not know it would refuse the whole command.
fn flag_params(mapping: &Mapping) -> Vec<(&'static str, &'static str)> {
    netsh_flag_params()
        .filter_map(|(bit, name)| {
            let on = mapping.flags.contains(bit);
            let write = on || (mapping.flags_known && bit != DefaultFlags::DISABLE_SESSION_ID);
            write.then(|| (name, switch(on)))
        })
        .collect()
}

/// Whether `key` is a Central Certificate Store record, which takes no certificate hash.
fn is_ccs(key: &MappingKey) -> bool {
    matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. })
}

/// netsh's word for a switch.
fn switch(on: bool) -> &'static str {
    if on { "enable" } else { "disable" }
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
    use crate::model::ids::{AppId, Thumbprint};
    use crate::model::source::Origin;

    fn sni(host: &str) -> Mapping {
        let mut mapping = Mapping::new(MappingKey::Sni { host: host.into(), port: 443 }, Origin::Planned);
        mapping.certificate_hash =
            Some(Thumbprint::parse("5226DC6C54559761CD471B86EB51C096252C90F2").unwrap());
        mapping.app_id = Some(AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap());
        mapping
    }

    #[test]
    fn unknown_flags_write_only_the_set_bits_and_session_id_only_when_set() {
        let mut mapping = sni("a.example.com");
        mapping.flags = DefaultFlags::DISABLE_HTTP2 | DefaultFlags::NO_RAW_FILTER;
        assert_eq!(flag_params(&mapping), [("disablehttp2", "enable")]);
        mapping.flags_known = true;
        let params = flag_params(&mapping);
        assert_eq!(params.len(), 12);
        assert!(params.contains(&("disablehttp2", "enable")));
        assert!(!params.iter().any(|(name, _)| *name == "disablesessionid"));
        mapping.flags |= DefaultFlags::DISABLE_SESSION_ID;
        assert_eq!(flag_params(&mapping).last(), Some(&("disablesessionid", "enable")));
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
