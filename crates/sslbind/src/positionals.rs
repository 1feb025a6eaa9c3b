//! One order of positional arguments for every command: the subject first (a URL, a site's
//! name), the machine last (`resolve URL [MACHINE]`, `probe [URL]... [MACHINE]`,
//! `site remove NAME [MACHINE]`). Clap assigns positionals by place only, so after it has
//! parsed, each is classified by its shape (an `https://` or `http://` URL is a URL, anything
//! else the machine), which also accepts the orders earlier versions documented
//! (`probe MACHINE URL...`). A positional in a place where its shape cannot be, and a
//! singular or plural slip in a command's name (`binding FOLDER`, `bindings add`), are usage
//! errors (exit 2) that show the right form.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use crate::cli::{
    BindingCommand, Cli, Command, FleetCommand, MappingCommand, ProbeArgs, ResolveArgs, SiteCommand,
    SiteRemoveArgs,
};

/// Parses the process arguments and puts each positional in its place; on bad usage, prints
/// the error (with the right form) and exits with code 2.
pub fn parse() -> Cli {
    let argv: Vec<OsString> = std::env::args_os().collect();
    if let Some(error) = plural_slip(&argv) {
        error.exit();
    }
    let mut cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(error) => match singular_slip(&argv, &error) {
            Some(slip) => slip.exit(),
            None => error.exit(),
        },
    };
    if let Err(error) = arrange(&mut cli) {
        error.exit();
    }
    cli
}

/// Whether `text` is a URL rather than a machine: it starts with `https://` or `http://`.
pub fn is_url(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, _)| {
        scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")
    })
}

/// Puts every positional of `cli` where its shape says it belongs, or says which is misplaced.
fn arrange(cli: &mut Cli) -> Result<(), clap::Error> {
    match &mut cli.command {
        Command::Resolve(args) => resolve(args),
        Command::Probe(args) => probe(args),
        Command::Site(SiteCommand::Remove(args)) => site_remove(args),
        Command::Bindings(args) => machine_only(&["bindings"], args.sources.machine.as_deref()),
        Command::Mappings(args) => machine_only(&["mappings"], args.sources.machine.as_deref()),
        Command::Doctor(args) => machine_only(&["doctor"], args.sources.machine.as_deref()),
        Command::Reservations(args) => machine_only(&["reservations"], args.sources.machine.as_deref()),
        Command::Snapshot(args) => machine_only(&["snapshot"], args.sources.machine.as_deref()),
        Command::Usage(args) => machine_only(&["usage"], args.sources.machine.as_deref()),
        Command::Certificates(args) => machine_only(&["certificates"], args.sources.machine.as_deref()),
        Command::Report(args) => machine_only(&["report"], args.sources.machine.as_deref()),
        Command::Metrics(args) => machine_only(&["metrics"], args.sources.machine.as_deref()),
        Command::Diff(args) => {
            args.machines.iter().try_for_each(|machine| machine_only(&["diff"], Some(machine)))
        }
        Command::Binding(command) => {
            let (name, machine) = match command {
                BindingCommand::Add(args) => ("add", &args.change.sources.machine),
                BindingCommand::Remove(args) => ("remove", &args.change.sources.machine),
                BindingCommand::Set(args) => ("set", &args.change.sources.machine),
            };
            machine_only(&["binding", name], machine.as_deref())
        }
        Command::Mapping(command) => {
            let (name, machine) = match command {
                MappingCommand::Add(args) => ("add", &args.change.sources.machine),
                MappingCommand::Remove(args) => ("remove", &args.change.sources.machine),
                MappingCommand::Prune(args) => ("prune", &args.sources.machine),
                MappingCommand::Rebind(args) => ("rebind", &args.change.sources.machine),
            };
            machine_only(&["mapping", name], machine.as_deref())
        }
        Command::Fleet(FleetCommand::Ingest(args)) => std::iter::once(args.sources.machine.as_deref())
            .chain(args.more.iter().map(|machine| Some(machine.as_path())))
            .try_for_each(|machine| machine_only(&["fleet", "ingest"], machine)),
        Command::Fleet(_) | Command::Explain(_) | Command::Completions(_) | Command::Man => Ok(()),
    }
}

/// A command whose only positional is the machine: a URL there is a slip.
fn machine_only(command: &[&str], machine: Option<&Path>) -> Result<(), clap::Error> {
    let Some(url) = machine.and_then(Path::to_str).filter(|text| is_url(text)) else {
        return Ok(());
    };
    Err(usage_error(
        command,
        format!(
            "`{url}` is a URL, where `sslbind {}` expects a machine (a folder or a file); to see what a \
             request to it gets: `sslbind resolve {url} [MACHINE]`, or to ask the server: `sslbind probe {url}`",
            command.join(" ")
        ),
    ))
}

/// `resolve URL [MACHINE]`, or `resolve MACHINE URL`.
fn resolve(args: &mut ResolveArgs) -> Result<(), clap::Error> {
    let machine_is_url = args.sources.machine.as_deref().and_then(Path::to_str).is_some_and(is_url);
    if is_url(&args.url) {
        if machine_is_url {
            return Err(usage_error(&["resolve"], "resolve takes one URL, and the machine last".to_owned()));
        }
        return Ok(());
    }
    if machine_is_url && let Some(machine) = args.sources.machine.take() {
        let url = std::mem::replace(&mut args.url, machine.to_string_lossy().into_owned());
        args.sources.machine = Some(PathBuf::from(url));
        return Ok(());
    }
    // Another scheme (`ftp://`) is a URL all the same, refused with its reason by the reader.
    if args.url.contains("://") {
        return Ok(());
    }
    let what = if Path::new(&args.url).exists() { "a machine, not a URL" } else { "not a URL" };
    Err(usage_error(
        &["resolve"],
        format!(
            "`{}` is {what}: resolve takes the URL first (such as https://www.example.com/), then the machine",
            args.url
        ),
    ))
}

/// `probe [URL]... [MACHINE]`, or `probe MACHINE URL...`: the URLs wherever they are, and at
/// most one machine.
fn probe(args: &mut ProbeArgs) -> Result<(), clap::Error> {
    let positionals: Vec<String> = args
        .sources
        .machine
        .take()
        .map(|machine| machine.to_string_lossy().into_owned())
        .into_iter()
        .chain(std::mem::take(&mut args.targets))
        .collect();
    let (urls, machines): (Vec<String>, Vec<String>) = positionals.into_iter().partition(|text| is_url(text));
    if let [first, second, ..] = machines.as_slice() {
        return Err(usage_error(
            &["probe"],
            format!(
                "`{first}` and `{second}` are both machines (neither is an https:// URL): probe takes URLs \
                 first and one machine last"
            ),
        ));
    }
    args.targets = urls;
    args.sources.machine = machines.into_iter().next().map(PathBuf::from);
    Ok(())
}

/// `site remove NAME [MACHINE]`, or `site remove --site NAME [MACHINE]` as the binding
/// commands name a site.
fn site_remove(args: &mut SiteRemoveArgs) -> Result<(), clap::Error> {
    let command = &["site", "remove"];
    if args.site.is_none() {
        return match &args.name {
            Some(name) if is_url(name) => Err(usage_error(
                command,
                format!(
                    "`{name}` is a URL, where the site's name is expected: sslbind site remove NAME [MACHINE]"
                ),
            )),
            Some(_) => Ok(()),
            None => Err(usage_error(
                command,
                "give the site's name: sslbind site remove NAME [MACHINE]".to_owned(),
            )),
        };
    }
    // With --site, the one positional clap gave to NAME is the machine.
    match (args.name.take(), &args.change.sources.machine) {
        (Some(positional), None) => {
            args.change.sources.machine = Some(PathBuf::from(positional));
            Ok(())
        }
        (None, _) => Ok(()),
        (Some(positional), Some(_)) => Err(usage_error(
            command,
            format!(
                "the site is named twice, as `{positional}` and with --site: give NAME or --site NAME, then \
                 the machine"
            ),
        )),
    }
}

/// Singular and plural commands that are easy to mix up: the listing, and the command that
/// changes one with its subcommands.
const PAIRS: [(&str, &str, &[&str]); 2] = [
    ("bindings", "binding", &["add", "remove", "set"]),
    ("mappings", "mapping", &["add", "remove", "prune", "rebind"]),
];

/// `sslbind bindings add …`: a listing given a subcommand of the singular command (unless a
/// machine of that name exists).
fn plural_slip(argv: &[OsString]) -> Option<clap::Error> {
    let (position, command) = command_position(argv)?;
    let next = argv.get(position + 1)?.to_str()?;
    let (plural, singular, subcommands) = PAIRS.iter().find(|(plural, ..)| *plural == command)?;
    if !subcommands.contains(&next) || Path::new(next).exists() {
        return None;
    }
    Some(usage_error(
        &[singular, next],
        format!(
            "`{plural}` only lists; `{next}` is a subcommand of `{singular}`: sslbind {singular} {next} …"
        ),
    ))
}

/// `sslbind binding FOLDER`: the singular command given a machine where its subcommand
/// belongs (a near-miss of a subcommand's name keeps clap's own suggestion).
fn singular_slip(argv: &[OsString], error: &clap::Error) -> Option<clap::Error> {
    if error.kind() != ErrorKind::InvalidSubcommand
        || matches!(
            error.get(ContextKind::SuggestedSubcommand),
            Some(ContextValue::String(_) | ContextValue::Strings(_))
        )
    {
        return None;
    }
    let (position, command) = command_position(argv)?;
    let given = argv.get(position + 1)?.to_string_lossy().into_owned();
    let (plural, singular, subcommands) = PAIRS.iter().find(|(_, singular, _)| *singular == command)?;
    Some(usage_error(
        &[plural],
        format!(
            "`{given}` is not a subcommand of `{singular}` ({}); to list them, the command is `{plural}`: \
             sslbind {plural} {given}",
            subcommands.join(", ")
        ),
    ))
}

/// Where the command's name is in `argv`, and the name: the first argument that names a
/// command (global options may come before it).
fn command_position(argv: &[OsString]) -> Option<(usize, String)> {
    let command = Cli::command();
    argv.iter().enumerate().skip(1).find_map(|(position, argument)| {
        let text = argument.to_str()?;
        command.find_subcommand(text).map(|_| (position, text.to_owned()))
    })
}

/// A usage error (exit 2) of the command at `path` (`["site", "remove"]`), with its usage
/// line, so that the message shows the right form.
fn usage_error(path: &[&str], message: String) -> clap::Error {
    let mut command = Cli::command();
    command.build();
    error_in(&mut command, path, message)
}

fn error_in(command: &mut clap::Command, path: &[&str], message: String) -> clap::Error {
    match path.split_first() {
        Some((name, rest)) if command.find_subcommand(name).is_some() => {
            match command.find_subcommand_mut(name) {
                Some(subcommand) => error_in(subcommand, rest, message),
                None => command.error(ErrorKind::ArgumentConflict, message),
            }
        }
        _ => command.error(ErrorKind::ArgumentConflict, message),
    }
}
