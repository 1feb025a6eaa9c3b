//! `sslbind explain [CODE]`: the registry's explanation of one code, or the list of codes.

use std::io::{self, Write};
use std::process::ExitCode;

use sslbind_core::doctor::{Code, rules};

use crate::cli::ExplainArgs;
use crate::render::wrap;

/// Prints one explanation, or every code with its severity and summary.
pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    let Some(name) = &args.code else {
        let width = Code::ALL.iter().map(|code| code.name().len()).max().unwrap_or(0);
        let indent = width + 2 + 7 + 2;
        for code in Code::ALL {
            let lines = wrap(code.summary(), 100 - indent);
            let first = lines.first().map_or("", String::as_str);
            writeln!(out, "{:<width$}  {:<7}  {first}", code.name(), code.default_severity().as_str())?;
            for line in lines.iter().skip(1) {
                writeln!(out, "{:indent$}{line}", "")?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Some(code) = Code::parse(name) else {
        let similar: Vec<&str> = Code::ALL
            .iter()
            .map(|code| code.name())
            .filter(|known| known.split('-').any(|word| name.contains(word)))
            .collect();
        let hint = match similar.as_slice() {
            [] => "run `sslbind explain` for the list".to_owned(),
            names => format!("did you mean {}?", names.join(", ")),
        };
        anyhow::bail!("unknown code `{name}`: {hint}");
    };
    writeln!(out, "{} ({} by default)\n", code.name(), code.default_severity())?;
    writeln!(out, "{}\n", code.summary())?;
    for line in wrap(rules::explanation(code), 100) {
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}
