//! `sslbind explain [CODE]`: the registry's explanation of one code and what `doctor --fix`
//! does about it, or the list of codes with their severity and repair.

use std::io::Write;
use std::process::ExitCode;

use sslbind_core::doctor::Code;

use crate::cli::ExplainArgs;
use crate::render::{self, Style, wrap};

/// At most this many codes are suggested for an unknown one.
const MAX_SUGGESTIONS: usize = 3;

/// Prints one explanation and its repair, or every code with its severity, repair and
/// summary.
pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let mut out = render::stdout();
    let width = Style::for_stdout().wrap;
    let Some(name) = &args.code else {
        let name_width = Code::ALL.iter().map(|code| code.name().len()).max().unwrap_or(0);
        let repair_width = Code::ALL.iter().map(|code| code.repair().as_str().len()).max().unwrap_or(0);
        let indent = name_width + 2 + 7 + 2 + repair_width + 2;
        for code in Code::ALL {
            let lines = wrap(code.summary(), width.saturating_sub(indent).max(20));
            let first = lines.first().map_or("", String::as_str);
            writeln!(
                out,
                "{:<name_width$}  {:<7}  {:<repair_width$}  {first}",
                code.name(),
                code.default_severity().as_str(),
                code.repair().as_str()
            )?;
            for line in lines.iter().skip(1) {
                writeln!(out, "{:indent$}{line}", "")?;
            }
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    };
    let Some(code) = Code::parse(name) else {
        let hint = match nearest_codes(name).as_slice() {
            [] => "run `sslbind explain` for the list".to_owned(),
            [only] => format!("did you mean `{only}`? (`sslbind explain` lists every code)"),
            names => format!(
                "did you mean {}? (`sslbind explain` lists every code)",
                names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        anyhow::bail!("unknown code `{name}`: {hint}");
    };
    writeln!(out, "{} ({} by default)\n", code.name(), code.default_severity())?;
    writeln!(out, "{}\n", code.summary())?;
    for line in wrap(code.explanation(), width) {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    let repair = format!("Repair ({}, `sslbind doctor --fix`): {}.", code.repair(), code.repair_why());
    for line in wrap(&repair, width) {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The codes closest to `name`, best first: those within a few edits of it (a third of its
/// length, at least 2; the same words in another order count one edit), then those with a word within an edit or two of it (`expird` finds
/// `certificate-expired`), the shortest first. Never the whole list: a guess far from every
/// code gets none.
fn nearest_codes(name: &str) -> Vec<&'static str> {
    let typed = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    let length = typed.chars().count();
    let threshold = (length / 3).max(2);
    let word_threshold = length / 4;
    let mut scored: Vec<((usize, usize, usize), &'static str)> = Code::ALL
        .iter()
        .map(|code| code.name())
        .filter_map(|known| {
            // Words in another order (`expired-certificate`) cost one edit more than in place.
            let distance = edit_distance(&typed, known)
                .min(edit_distance(&sorted_words(&typed), &sorted_words(known)).saturating_add(1));
            if distance <= threshold {
                return Some(((0, distance, 0), known));
            }
            if length < 4 {
                return None;
            }
            let word_distance = if known.contains(typed.as_str()) {
                0
            } else {
                known.split('-').map(|word| edit_distance(&typed, word)).min().unwrap_or(usize::MAX)
            };
            (word_distance <= word_threshold)
                .then(|| ((1, word_distance, known.len().saturating_sub(typed.len())), known))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, known)| known).collect()
}

/// The words of a code in alphabetical order, so that two orders of the same words compare
/// equal.
fn sorted_words(code: &str) -> String {
    let mut words: Vec<&str> = code.split('-').collect();
    words.sort_unstable();
    words.join("-")
}

/// The Levenshtein distance: how many single-character insertions, deletions and
/// substitutions turn `from` into `to`.
fn edit_distance(from: &str, to: &str) -> usize {
    let to: Vec<char> = to.chars().collect();
    let mut previous: Vec<usize> = (0..=to.len()).collect();
    for (row, from_char) in from.chars().enumerate() {
        let mut current = vec![row + 1; to.len() + 1];
        for (column, to_char) in to.iter().enumerate() {
            let substitution = previous[column] + usize::from(from_char != *to_char);
            current[column + 1] = substitution.min(previous[column + 1] + 1).min(current[column] + 1);
        }
        previous = current;
    }
    previous[to.len()]
}
