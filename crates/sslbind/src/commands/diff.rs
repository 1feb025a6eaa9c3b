//! `sslbind diff A B [C …]`: every node against the first; exit 1 when they differ.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use serde::Serialize;
use sslbind_core::diff::{self, Change, Difference};
use sslbind_live::Sources;

use crate::cli::{DiffArgs, Format};
use crate::render::{self, Colour, Style};

#[derive(Serialize)]
struct DiffJson {
    first: String,
    nodes: Vec<NodeJson>,
}

#[derive(Serialize)]
struct NodeJson {
    node: String,
    differences: Vec<DifferenceJson>,
}

#[derive(Serialize)]
struct DifferenceJson {
    subject: &'static str,
    name: String,
    change: &'static str,
    fields: Vec<FieldJson>,
}

#[derive(Serialize)]
struct FieldJson {
    field: String,
    first: String,
    node: String,
}

/// Runs `sslbind diff`.
pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let mut machines = Vec::new();
    for path in &args.machines {
        let sources = Sources { machine: Some(path.clone()), ..Sources::default() };
        let machine =
            sslbind_live::load_machine(&sources).with_context(|| format!("reading {}", path.display()))?;
        render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
        machines.push(machine);
    }
    let Some((first, others)) = machines.split_first() else {
        anyhow::bail!("give at least two machines");
    };
    let names: Vec<String> = args.machines.iter().map(|path| path.display().to_string()).collect();
    let results: Vec<Vec<Difference>> = others.iter().map(|other| diff::diff(first, other)).collect();
    let differ = results.iter().any(|differences| !differences.is_empty());

    let mut out = render::stdout();
    match args.format {
        Format::Json => {
            let json = DiffJson {
                first: names[0].clone(),
                nodes: names[1..]
                    .iter()
                    .zip(&results)
                    .map(|(node, differences)| NodeJson {
                        node: node.clone(),
                        differences: differences.iter().map(difference_json).collect(),
                    })
                    .collect(),
            };
            render::json::write(&mut out, &json)?;
        }
        Format::Table => {
            let style = Style::for_stdout();
            for (node, differences) in names[1..].iter().zip(&results) {
                writeln!(out, "{}", style.paint(Colour::Bold, &format!("{node} against {}", names[0])))?;
                if differences.is_empty() {
                    writeln!(out, "  {}", style.paint(Colour::Green, "no differences"))?;
                }
                for difference in differences {
                    let subject = difference.subject.as_str();
                    match &difference.change {
                        Change::OnlyInFirst => {
                            writeln!(
                                out,
                                "  {} {subject:<11} {}",
                                style.paint(Colour::Red, "-"),
                                difference.name
                            )?;
                        }
                        Change::OnlyInOther => {
                            writeln!(
                                out,
                                "  {} {subject:<11} {}",
                                style.paint(Colour::Green, "+"),
                                difference.name
                            )?;
                        }
                        Change::Changed(fields) => {
                            writeln!(
                                out,
                                "  {} {subject:<11} {}",
                                style.paint(Colour::Yellow, "~"),
                                difference.name
                            )?;
                            for (field, first_value, node_value) in fields {
                                writeln!(
                                    out,
                                    "      {field}: {} -> {}",
                                    shown(first_value),
                                    shown(node_value)
                                )?;
                            }
                        }
                    }
                }
            }
            writeln!(
                out,
                "\n{}",
                style.paint(Colour::Dim, "- only in the first, + only in the other, ~ different")
            )?;
        }
    }
    out.flush()?;
    Ok(if differ { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn shown(value: &str) -> &str {
    if value.is_empty() { "(none)" } else { value }
}

fn difference_json(difference: &Difference) -> DifferenceJson {
    let (change, fields) = match &difference.change {
        Change::OnlyInFirst => ("only-in-first", Vec::new()),
        Change::OnlyInOther => ("only-in-node", Vec::new()),
        Change::Changed(fields) => (
            "changed",
            fields
                .iter()
                .map(|(field, first, node)| FieldJson {
                    field: field.clone(),
                    first: first.clone(),
                    node: node.clone(),
                })
                .collect(),
        ),
    };
    DifferenceJson { subject: difference.subject.as_str(), name: difference.name.clone(), change, fields }
}
