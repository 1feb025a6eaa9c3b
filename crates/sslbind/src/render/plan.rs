//! Plans as users review them: a unified diff of each config, then the mapping operations,
//! notes and refusals; and the same as JSON for other tools.

use std::io::{self, Write};

use serde::Serialize;
use similar::TextDiff;
use sslbind_core::model::Mapping;
use sslbind_core::owners::Owner;
use sslbind_core::plan::script::netsh_commands;
use sslbind_core::plan::{MappingOp, Plan, UrlAclOp};
use sslbind_live::write::Written;

use crate::render::{Colour, Style};

/// The unified diff of one config change, with `a/` and `b/` paths as git prints them.
fn diff(path: &str, before: &str, after: &str) -> String {
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// What became of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Only shown (no `--write`, or refused).
    Shown,
    /// The configs were written; the HTTP.sys operations are for the server to run.
    ConfigsWritten,
    /// The configs were written and the operations applied to the live HTTP.sys.
    Applied,
}

/// Prints the plan for people.
pub fn table(
    out: &mut impl Write,
    plan: &Plan,
    written: &[Written],
    outcome: Outcome,
    style: &Style,
) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(out, "{}", style.paint(Colour::Green, "Nothing to change."))?;
    }
    for change in &plan.configs {
        for line in diff(&change.path, &change.before, &change.after).lines() {
            let colour = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => Some(Colour::Green),
                Some(b'-') if !line.starts_with("---") => Some(Colour::Red),
                Some(b'@') => Some(Colour::Cyan),
                _ => None,
            };
            let line = line.trim_end_matches('\r');
            writeln!(out, "{}", colour.map_or_else(|| line.to_owned(), |colour| style.paint(colour, line)))?;
        }
    }
    if !plan.ops.is_empty() {
        writeln!(out, "\n{}", style.paint(Colour::Bold, "HTTP.sys mapping operations:"))?;
        for op in &plan.ops {
            let (verb, colour, detail) = match op {
                MappingOp::Add(mapping) => ("add", Colour::Green, describe(mapping)),
                MappingOp::Replace { before, after } => (
                    "replace",
                    Colour::Yellow,
                    format!("{} (was {})", describe(after), certificate_of(before)),
                ),
                MappingOp::Delete(mapping) => ("delete", Colour::Red, describe(mapping)),
            };
            let key = op.key();
            writeln!(out, "  {} {} {key}: {detail}", style.paint(colour, &format!("{verb:<7}")), key.kind())?;
            for command in netsh_commands(op) {
                writeln!(out, "      {}", style.paint(Colour::Dim, &command))?;
            }
        }
    }
    if !plan.urlacl_ops.is_empty() {
        writeln!(out, "\n{}", style.paint(Colour::Bold, "HTTP.sys URL reservation operations:"))?;
        for op in &plan.urlacl_ops {
            let (verb, colour, detail) = match op {
                UrlAclOp::Add { url, user } => ("add", Colour::Green, format!("{url}: listen for {user}")),
                UrlAclOp::Delete { url } => ("delete", Colour::Red, url.clone()),
            };
            writeln!(out, "  {} urlacl {detail}", style.paint(colour, &format!("{verb:<7}")))?;
            writeln!(out, "      {}", style.paint(Colour::Dim, &op.netsh_command()))?;
        }
    }
    for note in &plan.notes {
        writeln!(out, "{} {note}", style.paint(Colour::Dim, "note:"))?;
    }
    for refusal in &plan.refusals {
        writeln!(out, "{} {}", style.paint(Colour::Red, "refused:"), refusal.reason)?;
    }
    for result in written {
        match &result.backup {
            Some(backup) => writeln!(out, "wrote {} (backup: {})", result.path.display(), backup.display())?,
            None => writeln!(out, "{} unchanged", result.path.display())?,
        }
    }
    if !plan.is_empty() {
        let footer = match outcome {
            Outcome::Shown => {
                "Nothing was changed: run again with --write to apply it; --emit netsh|powershell prints \
                 the HTTP.sys operations as a script for the server."
            }
            Outcome::ConfigsWritten => {
                "The configs were written; HTTP.sys lives on the server: run the --emit script there, elevated."
            }
            Outcome::Applied if plan.urlacl_ops.is_empty() => {
                "The configs were written and the HTTP.sys mapping operations applied."
            }
            Outcome::Applied => {
                "The configs were written and the HTTP.sys mapping operations applied; the URL \
                 reservation operations are not applied live: run the --emit script, elevated."
            }
        };
        writeln!(out, "\n{}", style.paint(Colour::Dim, footer))?;
    }
    Ok(())
}

fn certificate_of(mapping: &Mapping) -> String {
    match mapping.certificate_hash {
        Some(hash) => format!("certificate {hash} in {}", mapping.effective_store()),
        None => "no certificate hash".to_owned(),
    }
}

fn describe(mapping: &Mapping) -> String {
    let owner = match (mapping.app_id.and_then(Owner::of), mapping.app_id) {
        (Some(owner), _) => owner.name().to_owned(),
        (None, Some(app_id)) => app_id.to_string(),
        (None, None) => "no AppId".to_owned(),
    };
    format!("{}, owner {owner}", certificate_of(mapping))
}

/// `{"configs": [...], "operations": [...], "urlacl_operations": [...] (only when there are
/// some), "notes": [...], "refusals": [...], "written": [...]}`.
#[derive(Serialize)]
pub struct PlanJson {
    configs: Vec<ConfigJson>,
    operations: Vec<OperationJson>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    urlacl_operations: Vec<UrlAclJson>,
    notes: Vec<String>,
    refusals: Vec<String>,
    written: Vec<WrittenJson>,
}

#[derive(Serialize)]
struct ConfigJson {
    path: String,
    diff: String,
}

#[derive(Serialize)]
struct OperationJson {
    op: &'static str,
    kind: &'static str,
    key: String,
    certificate_hash: Option<String>,
    certificate_store: Option<String>,
    app_id: Option<String>,
    previous_certificate_hash: Option<String>,
    netsh: Vec<String>,
}

/// `{"op": "add", "url": "https://lextudio.com:4431/", "user": "Everyone", "netsh": "…"}`.
#[derive(Serialize)]
struct UrlAclJson {
    op: &'static str,
    url: String,
    user: Option<String>,
    netsh: String,
}

#[derive(Serialize)]
struct WrittenJson {
    path: String,
    backup: Option<String>,
}

/// The JSON of a plan.
pub fn json(plan: &Plan, written: &[Written]) -> PlanJson {
    PlanJson {
        configs: plan
            .configs
            .iter()
            .map(|change| ConfigJson {
                path: change.path.to_string(),
                diff: diff(&change.path, &change.before, &change.after),
            })
            .collect(),
        operations: plan
            .ops
            .iter()
            .map(|op| {
                let (name, mapping, previous) = match op {
                    MappingOp::Add(mapping) => ("add", mapping, None),
                    MappingOp::Replace { before, after } => ("replace", after, Some(before)),
                    MappingOp::Delete(mapping) => ("delete", mapping, None),
                };
                OperationJson {
                    op: name,
                    kind: mapping.key.kind().as_str(),
                    key: mapping.key.to_string(),
                    certificate_hash: mapping.certificate_hash.map(|hash| hash.to_string()),
                    certificate_store: mapping.certificate_hash.map(|_| mapping.effective_store().to_owned()),
                    app_id: mapping.app_id.map(|app_id| app_id.to_string()),
                    previous_certificate_hash: previous
                        .and_then(|before| before.certificate_hash)
                        .map(|hash| hash.to_string()),
                    netsh: netsh_commands(op),
                }
            })
            .collect(),
        urlacl_operations: plan
            .urlacl_ops
            .iter()
            .map(|op| UrlAclJson {
                op: match op {
                    UrlAclOp::Add { .. } => "add",
                    UrlAclOp::Delete { .. } => "delete",
                },
                url: op.url().to_owned(),
                user: match op {
                    UrlAclOp::Add { user, .. } => Some(user.clone()),
                    UrlAclOp::Delete { .. } => None,
                },
                netsh: op.netsh_command(),
            })
            .collect(),
        notes: plan.notes.clone(),
        refusals: plan.refusals.iter().map(|refusal| refusal.reason.clone()).collect(),
        written: written
            .iter()
            .map(|result| WrittenJson {
                path: result.path.display().to_string(),
                backup: result.backup.as_ref().map(|backup| backup.display().to_string()),
            })
            .collect(),
    }
}
