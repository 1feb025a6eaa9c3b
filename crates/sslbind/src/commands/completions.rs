//! `sslbind completions SHELL` and `sslbind man`: the shell completions and the manual page,
//! generated from the clap definition so that they never disagree with what the binary
//! accepts.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::render;

/// Prints the completion script of `args.shell` on standard output.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut out = render::stdout();
    clap_complete::generate(args.shell, &mut Cli::command(), "sslbind", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Prints one manual page in roff: the top-level page (synopsis, options, the list of
/// commands), then a section per command and subcommand with its options and examples, so
/// that `man` finds everything on one page.
pub fn man() -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    command.build();
    let mut out = render::stdout();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    for subcommand in command.get_subcommands() {
        command_section(&mut out, subcommand, "sslbind")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One `.SH` section per command: its usage, what it does, its arguments and its examples;
/// then its subcommands, each in a section of its own.
fn command_section(out: &mut impl Write, command: &clap::Command, parent: &str) -> anyhow::Result<()> {
    if command.is_hide_set() || command.get_name() == "help" {
        return Ok(());
    }
    let name = format!("{parent} {}", command.get_name());
    let mut command = command.clone().bin_name(name.clone());
    writeln!(out, ".SH \"{}\"", escape(&name.to_uppercase()))?;
    let help = command.render_help().to_string();
    writeln!(out, ".nf")?;
    for line in help.lines() {
        writeln!(out, "{}", escape(line))?;
    }
    writeln!(out, ".fi")?;
    for subcommand in command.get_subcommands() {
        command_section(out, subcommand, &name)?;
    }
    Ok(())
}

/// Text as roff reads it literally: backslashes doubled, and a line never starts with a
/// control character.
fn escape(line: &str) -> String {
    let escaped = line.replace('\\', "\\e");
    if escaped.starts_with(['.', '\'']) { format!("\\&{escaped}") } else { escaped }
}
