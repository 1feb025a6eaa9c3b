//! One module per command; each turns its arguments into library calls and rendering.

mod change;
mod completions;
mod diff;
mod doctor;
mod explain;
mod fleet;
mod listing;
mod metrics;
mod probe;
mod repair;
mod report;
mod reservations;
mod resolve;
mod snapshot;
mod usage;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Bindings(args) => listing::bindings(&args),
        Command::Mappings(args) => listing::mappings(&args),
        Command::Doctor(args) => doctor::run(&args),
        Command::Binding(command) => change::binding(command),
        Command::Mapping(command) => change::mapping(command),
        Command::Site(command) => change::site(command),
        Command::Snapshot(args) => snapshot::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Resolve(args) => resolve::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::Reservations(args) => reservations::run(&args),
        Command::Usage(args) => usage::usage(&args),
        Command::Certificates(args) => usage::certificates(&args),
        Command::Report(args) => report::run(&args),
        Command::Metrics(args) => metrics::run(&args),
        Command::Fleet(command) => fleet::run(command),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}
