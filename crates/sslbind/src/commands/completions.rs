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

/// Prints one manual page in roff: the top-level page (synopsis, options), then a section per
/// command and subcommand with its options and examples, so
/// that `man` finds everything on one page.
pub fn man() -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    command.build();
    let mut out = render::stdout();
    let page = clap_mangen::Man::new(command.clone());
    // Every part of clap_mangen's page but its list of commands, which names a page per
    // command (`sslbind-bindings(1)`) where this page has a section per command instead.
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    if command.get_after_long_help().is_some() || command.get_after_help().is_some() {
        page.render_extra_section(&mut out)?;
    }
    if command.get_version().is_some() {
        page.render_version_section(&mut out)?;
    }
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
