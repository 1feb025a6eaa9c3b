//! Plans as users review them: a unified diff of each config, then the mapping operations,
//! notes, the findings the change would bring and refusals; and the same as JSON for other
//! tools.

use std::io::{self, Write};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use similar::TextDiff;
use sslbind_core::doctor::{Finding, Severity};
use sslbind_core::model::Mapping;
use sslbind_core::owners::Owner;
use sslbind_core::plan::script::{netsh_commands, parameters};
use sslbind_core::plan::{MappingOp, Plan, UrlAclOp};
use sslbind_live::write::Written;

use crate::render::findings::{FindingJson, finding_json};
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
    /// The plan changes nothing.
    NothingToChange,
    /// Only shown: no `--write`.
    Shown,
    /// Refused (it needs `--force`): nothing was written, applied or emitted.
    Refused,
    /// `--write` on files: the configs were written; HTTP.sys was not touched.
    Written,
    /// `--write` on the live machine: the configs were written and the mapping operations
    /// applied.
    Applied,
}

impl Outcome {
    /// The name in the plan's JSON (`"outcome"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NothingToChange => "nothing-to-change",
            Outcome::Shown => "shown",
            Outcome::Refused => "refused",
            Outcome::Written => "written",
            Outcome::Applied => "applied",
        }
    }
}

/// How the plan was carried out, for the words of its last line.
#[derive(Clone, Copy, Debug)]
pub struct Report {
    /// What became of the plan.
    pub outcome: Outcome,
    /// Whether `--emit` was given: the script went to standard output, unless the plan was
    /// refused.
    pub emit: bool,
    /// Whether the machine is the live one, where `--write` applies HTTP.sys operations.
    pub live: bool,
}

/// Prints the plan for people, with the findings it would bring to the machine
/// (`introduced`, from `sslbind_core::verify`).
pub fn table(
    out: &mut impl Write,
    plan: &Plan,
    introduced: &[Finding],
    written: &[Written],
    report: Report,
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
    if !introduced.is_empty() {
        writeln!(out, "\n{}", style.paint(Colour::Bold, "This change would bring:"))?;
        for finding in introduced {
            crate::render::findings::write_headline(out, finding, style)?;
        }
        if introduced.iter().any(|finding| finding.severity == Severity::Error) {
            let verdict = if report.outcome == Outcome::Refused {
                "refused: it would bring an error (--force overrides)"
            } else {
                "overridden (--force): it brings an error"
            };
            writeln!(out, "{}", style.paint(Colour::Red, verdict))?;
        }
    }
    let refusal_label = if report.outcome == Outcome::Refused { "refused:" } else { "overridden (--force):" };
    for refusal in &plan.refusals {
        writeln!(out, "{} {}", style.paint(Colour::Red, refusal_label), refusal.reason)?;
    }
    for result in written {
        match &result.backup {
            Some(backup) => writeln!(out, "wrote {} (backup: {})", result.path.display(), backup.display())?,
            None => writeln!(out, "{} unchanged", result.path.display())?,
        }
    }
    if let Some(footer) = footer(plan, report) {
        writeln!(out, "\n{}", style.paint(Colour::Dim, &footer))?;
    }
    Ok(())
}

/// The last line: exactly what happened to the configs and to HTTP.sys, and what is left to
/// do; `None` when there was nothing to change.
fn footer(plan: &Plan, report: Report) -> Option<String> {
    let configs = !plan.configs.is_empty();
    let mappings = !plan.ops.is_empty();
    let urlacls = !plan.urlacl_ops.is_empty();
    let http_sys = mappings || urlacls;
    let script = if report.emit {
        "run the script printed on standard output on the server, elevated"
    } else {
        "run the same command with --emit netsh|powershell for a script to run on the server, elevated"
    };
    let text = match report.outcome {
        Outcome::NothingToChange => return None,
        Outcome::Refused if report.emit => {
            "Nothing was changed and no script was printed: the plan was refused (--force overrides)."
                .to_owned()
        }
        Outcome::Refused => "Nothing was changed: the plan was refused (--force overrides).".to_owned(),
        Outcome::Shown => {
            let mut todo = Vec::new();
            if configs {
                todo.push("--write edits the configs".to_owned());
            }
            if mappings && report.live {
                todo.push("--write applies the HTTP.sys mapping operations".to_owned());
            }
            if (mappings && !report.live) || urlacls {
                let what = if report.live && mappings {
                    "the URL reservation operations are not applied live"
                } else {
                    "the HTTP.sys operations are not carried out by --write on files"
                };
                if report.emit {
                    todo.push(format!(
                        "{what}: the script printed on standard output holds them, to run on the server, elevated"
                    ));
                } else {
                    todo.push(format!(
                        "{what}: --emit netsh|powershell prints them as a script to run on the server, elevated"
                    ));
                }
            }
            format!("Nothing was changed: {}.", todo.join("; "))
        }
        Outcome::Written => match (configs, http_sys) {
            (true, true) => {
                format!(
                    "The configs were written; HTTP.sys was not changed (it lives on the server): {script}."
                )
            }
            (true, false) => "The configs were written; there is nothing to change in HTTP.sys.".to_owned(),
            (false, _) => format!(
                "No config changes, so nothing was written; HTTP.sys was not changed (it lives on the server): \
                 {script}."
            ),
        },
        Outcome::Applied => {
            let mut done = Vec::new();
            if configs {
                done.push("the configs were written");
            }
            if mappings {
                done.push("the HTTP.sys mapping operations were applied");
            }
            if urlacls && report.emit {
                done.push(
                    "the URL reservation operations were not applied live: run the script printed on standard \
                     output, elevated",
                );
            } else if urlacls {
                done.push(
                    "the URL reservation operations were not applied live: run the same command with --emit \
                     netsh|powershell for a script of them, elevated",
                );
            }
            format!("{}.", capitalise(&done.join("; ")))
        }
    };
    Some(text)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
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

/// `{"configs": [...], "operations": [...], "urlacl_operations": [...] (empty when there are
/// none), "notes": [...], "refusals": [...], "introduced": [...], "written": [...],
/// "outcome": "shown"|…}`.
#[derive(Serialize)]
pub struct PlanJson {
    configs: Vec<ConfigJson>,
    operations: Vec<OperationJson>,
    urlacl_operations: Vec<UrlAclJson>,
    notes: Vec<String>,
    refusals: Vec<String>,
    /// The findings of warning or error severity the machine would have after the plan and
    /// has not now, as `doctor` prints them; an error among them refuses the plan unless
    /// `--force`.
    introduced: Vec<FindingJson>,
    written: Vec<WrittenJson>,
    /// What became of the plan: `nothing-to-change`, `shown`, `refused`, `written` (the
    /// configs; HTTP.sys untouched) or `applied` (live: configs and mapping operations).
    outcome: &'static str,
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
    /// Every setting of the mapping after the operation, by netsh parameter name, in netsh's
    /// order (docs/contract.md#plan-parameters); `{}` for a delete.
    parameters: Parameters,
    netsh: Vec<String>,
}

/// Name and value pairs written as one JSON object in their order (serde_json's map would
/// sort them, and netsh's order is part of what they say).
struct Parameters(Vec<(String, String)>);

impl Serialize for Parameters {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// `{"op": "add", "url": "https://lextudio.com:4431/", "user": "Everyone", "netsh": ["…"]}`:
/// `netsh` is a list, as for the mapping operations, though one command does each today.
#[derive(Serialize)]
struct UrlAclJson {
    op: &'static str,
    url: String,
    user: Option<String>,
    netsh: Vec<String>,
}

#[derive(Serialize)]
struct WrittenJson {
    path: String,
    backup: Option<String>,
}

/// The JSON of a plan and the findings it would bring.
pub fn json(plan: &Plan, introduced: &[Finding], written: &[Written], outcome: Outcome) -> PlanJson {
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
                    parameters: Parameters(parameters(op)),
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
                netsh: vec![op.netsh_command()],
            })
            .collect(),
        notes: plan.notes.clone(),
        refusals: plan.refusals.iter().map(|refusal| refusal.reason.clone()).collect(),
        introduced: introduced.iter().map(finding_json).collect(),
        written: written
            .iter()
            .map(|result| WrittenJson {
                path: result.path.display().to_string(),
                backup: result.backup.as_ref().map(|backup| backup.display().to_string()),
            })
            .collect(),
        outcome: outcome.as_str(),
    }
}
