//! SARIF 2.1.0 for code-scanning tools (GitHub code scanning, VS Code's SARIF viewer): one
//! rule per code from the registry, one result per finding, located in the config file or
//! netsh output the finding comes from.

use serde_json::{Value, json};
use sslbind_core::doctor::{Code, Finding, Severity};
use sslbind_core::{Origin, Position};

/// The SARIF log of `findings`.
pub fn log(findings: &[Finding]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.name(),
                "name": code.name(),
                "shortDescription": {"text": code.summary()},
                "fullDescription": {"text": code.explanation()},
                "help": {"text": code.explanation()},
                "defaultConfiguration": {"level": level(code.default_severity())},
            })
        })
        .collect();
    let results: Vec<Value> = findings.iter().map(result).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sslbind",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/sslbind/sslbind",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn result(finding: &Finding) -> Value {
    let rule_index = Code::ALL.iter().position(|code| *code == finding.code).unwrap_or(0);
    let mut text = sentence(&finding.message);
    if let Some(fix) = &finding.fix {
        text.push_str(&format!(" Fix: {}", sentence(&fix.title)));
        for command in &fix.commands {
            text.push_str(&format!(" `{command}`"));
        }
    }
    let locations: Vec<Value> = finding
        .sources
        .iter()
        .find_map(Origin::location)
        .map(|location| {
            json!({"physicalLocation": {
                "artifactLocation": {"uri": uri(&location.path)},
                "region": region(location.position),
            }})
        })
        .into_iter()
        .collect();
    let mut properties = json!({"severity": finding.severity.as_str()});
    if let Some(site) = &finding.site {
        properties["site"] = json!(site);
    }
    if let Some(binding) = &finding.binding {
        properties["binding"] = json!(binding);
    }
    if let Some(mapping) = &finding.mapping {
        properties["mapping"] = json!(mapping.to_string());
    }
    if let Some(hash) = finding.certificate_hash {
        properties["certificate_hash"] = json!(hash.to_string());
    }
    json!({
        "ruleId": finding.code.name(),
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": text},
        "locations": locations,
        "properties": properties,
    })
}

/// `text` as a sentence that ends: a `.` is added unless it ends in `.`, `!` or `?`
/// (code-scanning tools show the message as prose, next to other tools' sentences).
fn sentence(text: &str) -> String {
    let trimmed = text.trim_end();
    if trimmed.is_empty() || trimmed.ends_with(['.', '!', '?']) {
        trimmed.to_owned()
    } else {
        format!("{trimmed}.")
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a relative URI reference: forward slashes, and the characters URIs reserve
/// percent-encoded; an absolute path becomes a `file://` URI.
fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let mut encoded = String::new();
    for byte in slashed.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                encoded.push(char::from(byte));
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else if encoded.as_bytes().get(1) == Some(&b':') {
        format!("file:///{encoded}")
    } else {
        encoded
    }
}

/// A SARIF region: a line and column in text, a byte offset in a binary file (SARIF lines
/// start at 1, so a hive's offset cannot pass for one).
fn region(position: Position) -> Value {
    match position {
        Position::LineColumn { line, column } => json!({"startLine": line, "startColumn": column}),
        Position::ByteOffset(offset) => json!({"byteOffset": offset}),
        Position::Whole => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("examples/a b/applicationhost.config"), "examples/a%20b/applicationhost.config");
        assert_eq!(uri(r"C:\inetpub\x.config"), "file:///C:/inetpub/x.config");
        assert_eq!(uri("/tmp/x#1.txt"), "file:///tmp/x%231.txt");
    }
}
