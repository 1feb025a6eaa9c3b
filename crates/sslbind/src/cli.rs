//! The command line as users type it (clap derive): names here are part of the interface
//! contract in DESIGN.md, so they change only by adding.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Show, check and change IIS HTTPS bindings together with the HTTP.sys certificate mappings
/// that serve them.
#[derive(Debug, Parser)]
#[command(name = "sslbind", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every site binding with the mapping IIS expects, the one HTTP.sys uses, and its
    /// certificate.
    #[command(after_help = "Examples:\n  sslbind bindings examples/dev-box\n  \
        sslbind bindings --config applicationHost.config --sslcert sslcert.txt --certs certs/ --format json")]
    Bindings(ListArgs),
    /// List every HTTP.sys certificate mapping with its owner, certificate and status
    /// (in-use, fallback, idle, reserved, foreign).
    #[command(after_help = "Examples:\n  sslbind mappings examples/dev-box\n  \
        sslbind mappings --sslcert sslcert.txt --config applicationHost.config --format json")]
    Mappings(ListArgs),
    /// Find what is wrong with the bindings, mappings and certificates, with a fix for each
    /// finding. Exit code 1 when a finding reaches --fail-on.
    #[command(after_help = "Examples:\n  sslbind doctor examples/iis-express-dev\n  \
        sslbind doctor --config applicationHost.config --sslcert sslcert.txt --certs certs/ --format sarif > sslbind.sarif\n  \
        sslbind doctor MACHINE --fail-on warning --allow no-fallback-certificate --severity idle-mapping=error")]
    Doctor(DoctorArgs),
    /// Explain a finding code, or list every code.
    #[command(after_help = "Examples:\n  sslbind explain\n  sslbind explain missing-mapping")]
    Explain(ExplainArgs),
}

/// Arguments of `sslbind doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DoctorFormat::Table)]
    pub format: DoctorFormat,
    /// Exit with code 1 when a finding has this severity or higher.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Change a code's severity for this run, e.g. `idle-mapping=error` (repeatable).
    #[arg(long = "severity", value_name = "CODE=LEVEL")]
    pub severities: Vec<String>,
    /// Do not report a code (repeatable).
    #[arg(long = "allow", value_name = "CODE")]
    pub allowed: Vec<String>,
    /// Report certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub expiry_days: u32,
    /// Judge certificates at this time instead of now (RFC 3339), for reproducible reports.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// The Central Certificate Store folder, to check that every CCS binding has its .pfx.
    #[arg(long, value_name = "DIR")]
    pub ccs_folder: Option<PathBuf>,
}

/// Output formats of `sslbind doctor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    /// Findings grouped by site, for people.
    Table,
    /// JSON as documented in the interface contract.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// The lowest severity that makes `sslbind doctor` exit with code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
    /// Never: exit 0 whatever is found.
    Never,
}

/// Arguments of `sslbind explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code to explain; without it, every code is listed.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
}

/// Arguments of the listing commands.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The sources every reading command accepts.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// A folder holding what was collected from a machine: `*.config`, `sslcert.txt`,
    /// `certs/`.
    #[arg(value_name = "MACHINE")]
    pub machine: Option<PathBuf>,
    /// An IIS or IIS Express applicationHost.config (repeatable).
    #[arg(long = "config", value_name = "FILE")]
    pub configs: Vec<PathBuf>,
    /// Saved `netsh http show sslcert` output (UTF-8 or UTF-16, CRLF or LF).
    #[arg(long, value_name = "FILE")]
    pub sslcert: Option<PathBuf>,
    /// A certificate file or folder: .cer .crt .der .pem .pfx (repeatable).
    #[arg(long = "certs", value_name = "PATH")]
    pub certs: Vec<PathBuf>,
    /// The password of the .pfx files given (the empty password is tried without it).
    #[arg(long, value_name = "PASSWORD")]
    pub pfx_password: Option<String>,
    /// Treat the given configs as IIS Express (otherwise detected from their content).
    #[arg(long)]
    pub iis_express: bool,
}

/// How to print a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// JSON as documented in the interface contract.
    Json,
}

/// Parses the process arguments, exiting with clap's message (and code 2) on bad usage.
pub fn parse() -> Cli {
    Cli::parse()
}
