//! The command line as users type it (clap derive): names here are part of the interface
//! contract (docs/contract.md#stability), so they change only by adding.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sslbind_core::certs::CertificateQuery;
use sslbind_core::doctor::{Code, Severity};
use sslbind_core::model::{AppId, MappingKey};
use sslbind_live::Password;
use time::OffsetDateTime;

use crate::values;

/// Show, check and change IIS HTTPS bindings together with the HTTP.sys certificate mappings
/// that serve them.
#[derive(Debug, Parser)]
#[command(name = "sslbind", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output: auto colours a terminal, unless NO_COLOR is set
    /// (CLICOLOR_FORCE colours even a file or pipe).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
    /// Print no warnings (errors are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// When to colour the output (`--color`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set; also off a terminal when CLICOLOR_FORCE is set.
    Auto,
    /// Always, even in a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every site binding with the mapping IIS expects, the one HTTP.sys uses, and its
    /// certificate.
    #[command(after_help = "Examples:\n  sslbind bindings examples/iis-express-dev\n  \
        sslbind bindings --config examples/iis-express-dev/applicationhost.config \\\n      \
        --sslcert examples/iis-express-dev/sslcert.txt --certs examples/iis-express-dev/certs \\\n      \
        --format json\n  \
        sslbind bindings examples/iis-express-dev --now 2026-06-01 --expiry-days 60\n  \
        sslbind bindings examples/iis-express-dev --format csv > bindings.csv")]
    Bindings(CertificateListArgs),
    /// List every HTTP.sys certificate mapping with its owner, certificate and status
    /// (in-use, fallback, idle, reserved, foreign).
    #[command(after_help = "Examples:\n  sslbind mappings examples/iis-express-dev\n  \
        sslbind mappings --sslcert examples/iis-express-dev/sslcert.txt \\\n      \
        --config examples/iis-express-dev/applicationhost.config --format json\n  \
        sslbind mappings examples/iis-express-dev --format csv > mappings.csv")]
    Mappings(CertificateListArgs),
    /// Find what is wrong with the bindings, mappings and certificates, with a fix for each
    /// finding. Exit code 1 when a finding reaches --fail-on.
    #[command(after_help = "Examples:\n  sslbind doctor examples/iis-express-dev\n  \
        sslbind doctor examples/hosting-server --now 2026-06-01 --format sarif > sslbind.sarif\n  \
        sslbind doctor --config examples/hosting-server/applicationHost.config \\\n      \
        --sslcert examples/hosting-server/sslcert.txt --certs examples/hosting-server/certs \\\n      \
        --format json\n  \
        sslbind doctor examples/hosting-server --fail-on warning --allow no-fallback-certificate \\\n      \
        --severity idle-mapping=error\n  \
        sslbind doctor examples/hosting-server --now 2026-06-01 --summary\n  \
        sslbind doctor examples/hosting-server --now 2026-06-01 --fix --emit powershell > repair.ps1")]
    Doctor(DoctorArgs),
    /// Add, remove or change a site binding, with the mapping it needs (shown first; --write
    /// to apply).
    #[command(
        subcommand,
        after_help = "Examples:\n  sslbind binding remove examples/iis-express-dev --site php --binding \"*:4431:lextudio.com\"\n  \
        sslbind binding add --help"
    )]
    Binding(BindingCommand),
    /// Add, remove, prune or rebind HTTP.sys mappings (shown first; --write to apply).
    #[command(
        subcommand,
        after_help = "Examples:\n  sslbind mapping prune examples/hosting-server\n  sslbind mapping rebind --help"
    )]
    Mapping(MappingCommand),
    /// Remove a site with the mappings only it used (shown first; --write to apply).
    #[command(subcommand, after_help = "Example:\n  sslbind site remove blog examples/hosting-server")]
    Site(SiteCommand),
    /// Write everything known about a machine to one JSON file, to analyse anywhere later.
    #[command(
        after_help = "Examples:\n  sslbind snapshot -o web01.snapshot.json examples/iis-express-dev\n  \
        sslbind snapshot -o web02.snapshot.json --config examples/hosting-server/applicationHost.config \\\n      \
        --sslcert examples/hosting-server/sslcert.txt --certs examples/hosting-server/certs\n  \
        sslbind bindings web01.snapshot.json"
    )]
    Snapshot(SnapshotArgs),
    /// Compare machines (snapshots or machine folders): every node against the first.
    #[command(after_help = "Examples:\n  sslbind diff web01.snapshot.json web02.snapshot.json\n  \
        sslbind diff examples/iis-express-dev examples/hosting-server --format json")]
    Diff(DiffArgs),
    /// Explain a finding code, or list every code.
    #[command(after_help = "Examples:\n  sslbind explain\n  sslbind explain missing-mapping")]
    Explain(ExplainArgs),
    /// Emulate https://host:port/ on the machine: the HTTP.sys mapping and certificate the
    /// handshake gets, the site IIS routes to, and a verdict (served, wrong-certificate, reset,
    /// no-site, certificate-expired, certificate-not-yet-valid). Exit code 0 when served, 1
    /// otherwise, 2 on errors.
    #[command(
        after_help = "Examples:\n  sslbind resolve https://lextudio.com:4431/ examples/iis-express-dev\n  \
        sslbind resolve https://legacy.contoso.com/ examples/hosting-server --ip 10.0.0.5 --format json\n  \
        sslbind resolve https://shop.contoso.com/ examples/hosting-server --no-sni\n  \
        sslbind resolve https://mail.contoso.com:4443/ examples/hosting-server --now 2026-06-01"
    )]
    Resolve(ResolveArgs),
    /// TLS handshakes with the live server: which certificate it really presents for every
    /// https binding (with and without SNI) or for the URLs given, compared with the saved
    /// state. Exit code 0 only when everything observed matches; 1 when a probe finding is an
    /// error or a handshake got no answer (refused, timeout, error); 2 on errors.
    #[command(
        override_usage = "sslbind probe [OPTIONS] [URL]... [MACHINE]",
        after_help = "Examples:\n  sslbind probe examples/iis-express-dev --connect 127.0.0.1\n  \
        sslbind probe https://shop.contoso.com/ https://api.contoso.com:8443/ examples/hosting-server \\\n      \
        --connect 127.0.0.1 --format json\n  \
        sslbind probe --config examples/iis-express-dev/applicationhost.config \\\n      \
        --sslcert examples/iis-express-dev/sslcert.txt --connect 127.0.0.1 --timeout 2000\n  \
        sslbind probe https://127.0.0.1:44300/"
    )]
    Probe(ProbeArgs),
    /// List every HTTP.sys URL reservation with its users and rights, and the bindings that
    /// need or use it.
    #[command(after_help = "Examples:\n  sslbind reservations examples/iis-express-dev\n  \
        sslbind reservations --urlacl examples/iis-express-dev/urlacl.txt \\\n      \
        --config examples/iis-express-dev/applicationhost.config --format json")]
    Reservations(ListArgs),
    /// Every consumer of a certificate: the mappings of any owner that carry it, the bindings
    /// they serve, CCS files and IPv4/IPv6 twins, and whether deleting it is safe. Exit code 0,
    /// 2 on errors (a thumbprint the machine does not know included).
    #[command(after_help = "Examples:\n  \
        sslbind usage 93F1ADE0962CE66BF7EE6C76E16A97838E36800B examples/iis-express-dev\n  \
        sslbind usage \"93 f1 ad e0 96 2c e6 6b f7 ee 6c 76 e1 6a 97 83 8e 36 80 0b\" \\\n      \
        examples/iis-express-dev --format json\n  \
        sslbind usage 252EEFA2 examples/iis-express-dev")]
    Usage(UsageArgs),
    /// List every certificate of the machine by end of validity, with its names, store,
    /// private key and the mappings and bindings that use it.
    #[command(after_help = "Examples:\n  sslbind certificates examples/iis-express-dev\n  \
        sslbind certificates examples/iis-express-dev --expiring-within 60 --now 2026-06-01 \\\n      \
        --format json")]
    Certificates(CertificatesArgs),
    /// Write one self-contained HTML page about the machine (findings, bindings, mappings,
    /// certificates, reservations, how HTTP.sys picks per port), to open from disk, offline.
    #[command(after_help = "Examples:\n  sslbind report examples/hosting-server -o report.html\n  \
        sslbind report examples/hosting-server -o report.html --now 2026-06-01 --title \"web01, June\"\n  \
        sslbind report -o dev.html --config examples/iis-express-dev/applicationhost.config \\\n      \
        --sslcert examples/iis-express-dev/sslcert.txt --certs examples/iis-express-dev/certs")]
    Report(ReportArgs),
    /// Print the machine's certificates, mappings and findings as Prometheus metrics (the
    /// x509-certificate-exporter's certificate metrics, plus sslbind's), or write them for the
    /// textfile collector of windows_exporter or node_exporter.
    #[command(after_help = "Examples:\n  sslbind metrics examples/hosting-server --now 2026-06-01\n  \
        sslbind metrics examples/iis-express-dev --name dev01 --now 2026-06-01")]
    Metrics(MetricsArgs),
    /// Keep many servers in one database (SQLite, or PostgreSQL) and ask across them: where a
    /// certificate or host is mapped, what expires, which findings, what changed.
    #[command(
        subcommand,
        after_help = "Examples:\n  sslbind fleet ingest --db fleet.db examples/hosting-server examples/iis-express-dev\n  \
        sslbind fleet certificates --db fleet.db --expiring-within 30"
    )]
    Fleet(FleetCommand),
    /// Print a completion script for a shell, to install where the shell loads completions.
    #[command(after_help = "Examples:\n  sslbind completions bash > /etc/bash_completion.d/sslbind\n  \
        sslbind completions zsh > ~/.zfunc/_sslbind\n  \
        sslbind completions fish > ~/.config/fish/completions/sslbind.fish\n  \
        sslbind completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) of sslbind and its commands.
    #[command(after_help = "Examples:\n  sslbind man > sslbind.1\n  sslbind man | man -l -")]
    Man,
}

/// Arguments of `sslbind report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The HTML file to write (replaced when it exists).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Judge certificates at this time instead of now, for reproducible reports: RFC 3339
    /// (2026-06-01T00:00:00Z) or a date (2026-06-01, midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
    /// The page's title (default: `sslbind report: ` and the machine).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// `sslbind fleet …`.
#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Add the state of one or more machines to the database: a new ingest when it changed
    /// since the machine's last one, nothing when it did not.
    #[command(
        after_help = "Examples:\n  sslbind fleet ingest --db fleet.db examples/hosting-server examples/iis-express-dev\n  \
        sslbind fleet ingest --db fleet.db --name dev01 \\\n      \
        --config examples/iis-express-dev/applicationhost.config \\\n      \
        --sslcert examples/iis-express-dev/sslcert.txt --certs examples/iis-express-dev/certs"
    )]
    Ingest(Box<FleetIngestArgs>),
    /// List the machines with the counts of their latest state.
    #[command(after_help = "Examples:\n  sslbind fleet machines --db fleet.db\n  \
        sslbind fleet machines --db fleet.db --format json")]
    Machines(FleetListArgs),
    /// List doctor's findings on every machine's latest state (or on one machine's).
    #[command(after_help = "Examples:\n  sslbind fleet findings --db fleet.db\n  \
        sslbind fleet findings --db fleet.db --machine hosting-server --format json")]
    Findings(FleetFindingsArgs),
    /// Where a certificate (by thumbprint) or a host name is mapped and served, on every machine.
    #[command(
        after_help = "Examples:\n  sslbind fleet where --db fleet.db 6F58CF58B5FE5DB0B34A971EE01AA77C099E6629\n  \
        sslbind fleet where --db fleet.db shop.contoso.com --format json"
    )]
    Where(FleetWhereArgs),
    /// List the certificates of every machine, the machines holding each, soonest to expire first.
    #[command(after_help = "Examples:\n  sslbind fleet certificates --db fleet.db\n  \
        sslbind fleet certificates --db fleet.db --expiring-within 30 --format json")]
    Certificates(FleetCertificatesArgs),
    /// What changed on a machine from one ingest to the next: bindings and mappings added,
    /// removed or re-pointed, certificates that appeared or expired.
    #[command(after_help = "Examples:\n  sslbind fleet history --db fleet.db hosting-server\n  \
        sslbind fleet history --db fleet.db hosting-server --format json")]
    History(FleetHistoryArgs),
    /// Write one self-contained HTML page about the whole fleet: each machine's summary,
    /// the certificates expiring anywhere, findings by code.
    #[command(after_help = "Examples:\n  sslbind fleet report --db fleet.db -o fleet.html\n  \
        sslbind fleet report --db fleet.db -o fleet.html --now 2026-06-01")]
    Report(FleetReportArgs),
    /// Print every machine's latest state as Prometheus metrics (as `sslbind metrics` does for one).
    #[command(after_help = "Examples:\n  sslbind fleet metrics --db fleet.db\n  \
        sslbind fleet metrics --db fleet.db -o fleet.prom")]
    Metrics(FleetMetricsArgs),
}

/// The database every fleet command works on.
#[derive(Clone, Debug, Args)]
pub struct DbArgs {
    /// The database: a SQLite file (created when missing) or a `postgres://` URL. Default: the
    /// environment variable SSLBIND_DB, else `sslbind.db` in the current folder. Prefer a
    /// password in ~/.pgpass or PGPASSWORD to one in the URL, which other users can see.
    #[arg(long, value_name = "DB")]
    pub db: Option<String>,
}

/// Arguments of `sslbind fleet ingest`.
#[derive(Debug, Args)]
pub struct FleetIngestArgs {
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,
    /// The first machine: a folder collected from it or a snapshot (or the source options).
    #[command(flatten)]
    pub sources: SourceArgs,
    /// More machines, each a folder or a snapshot.
    #[arg(value_name = "MACHINE", conflicts_with = "name")]
    pub more: Vec<PathBuf>,
    /// The machine's name in the database (one machine only). Default: the name the
    /// snapshot records, else the folder's or file's name, else this computer's name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The time of the ingest, and of the capture for sources other than snapshots (a
    /// snapshot carries its own): RFC 3339 or a date.
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// Arguments shared by the fleet listings.
#[derive(Debug, Args)]
pub struct FleetListArgs {
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Judge certificates' days left at this time instead of now (`machines`, `certificates`):
    /// RFC 3339 or a date. Findings are doctor's as of each machine's collection, whatever it is.
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// Arguments of `sslbind fleet findings`.
#[derive(Debug, Args)]
pub struct FleetFindingsArgs {
    /// The database, format and time.
    #[command(flatten)]
    pub list: FleetListArgs,
    /// Only this machine's findings.
    #[arg(long, value_name = "NAME")]
    pub machine: Option<String>,
}

/// Arguments of `sslbind fleet where`.
#[derive(Debug, Args)]
pub struct FleetWhereArgs {
    /// A certificate's SHA-1 thumbprint (40 hex digits, spaces or colons allowed) or a host name.
    #[arg(value_name = "THUMBPRINT-OR-HOST")]
    pub query: String,
    /// The database, format and time.
    #[command(flatten)]
    pub list: FleetListArgs,
}

/// Arguments of `sslbind fleet certificates`.
#[derive(Debug, Args)]
pub struct FleetCertificatesArgs {
    /// The database, format and time.
    #[command(flatten)]
    pub list: FleetListArgs,
    /// Only the certificates that end within this many days (expired ones included).
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
}

/// Arguments of `sslbind fleet history`.
#[derive(Debug, Args)]
pub struct FleetHistoryArgs {
    /// The machine, by its name in the database.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The database, format and time.
    #[command(flatten)]
    pub list: FleetListArgs,
}

/// Arguments of `sslbind fleet report`.
#[derive(Debug, Args)]
pub struct FleetReportArgs {
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,
    /// The HTML file to write (replaced when it exists).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Judge certificates at this time instead of now: RFC 3339 or a date.
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
    /// The page's title (default: `sslbind fleet report`).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// Arguments of `sslbind fleet metrics`.
#[derive(Debug, Args)]
pub struct FleetMetricsArgs {
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Write the metrics to this file instead of standard output, atomically.
    #[arg(short = 'o', long = "output", value_name = "FILE.prom")]
    pub output: Option<PathBuf>,
    /// Judge certificates (x509_cert_expired, doctor's findings) at this time instead of now.
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// Arguments of `sslbind completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
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
    /// Count the findings per code and per site instead of listing each (table or json).
    #[arg(long, conflicts_with_all = ["fix", "unsafe_fixes", "write", "emit"])]
    pub summary: bool,
    /// Exit with code 1 when a finding has this severity or higher.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Change a code's severity for this run, e.g. `idle-mapping=error`; LEVEL is error,
    /// warning or info (repeatable).
    #[arg(long = "severity", value_name = "CODE=LEVEL", value_parser = values::SeverityParser)]
    pub severities: Vec<(Code, Severity)>,
    /// Do not report a code (repeatable).
    #[arg(long = "allow", value_name = "CODE", value_parser = values::CodeParser)]
    pub allowed: Vec<Code>,
    /// Report certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub expiry_days: u32,
    /// Judge certificates at this time instead of now, for reproducible reports: RFC 3339
    /// (2026-06-01T00:00:00Z) or a date (2026-06-01, midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
    /// The Central Certificate Store folder, to check that every CCS binding has its .pfx.
    #[arg(long, value_name = "DIR")]
    pub ccs_folder: Option<PathBuf>,
    /// Plan the safe repairs of the findings as one verified plan (shown; --write carries it
    /// out, --emit prints its HTTP.sys operations as a script).
    #[arg(long)]
    pub fix: bool,
    /// With --fix, also the unsafe repairs: those that change what other bindings get, touch
    /// a port's fallback mapping or change sslFlags. Implies --fix.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// With --fix: carry the plan out (edit the configs atomically, with a backup; live, also
    /// apply the HTTP.sys operations).
    #[arg(long)]
    pub write: bool,
    /// With --fix: print the plan's HTTP.sys operations as a script to run on the server (the
    /// plan goes to standard error as a table, so not with --format).
    #[arg(long, value_enum, value_name = "SHELL", conflicts_with = "format")]
    pub emit: Option<Emit>,
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
    /// One row per finding, for spreadsheets (RFC 4180, UTF-8 with a byte order mark).
    Csv,
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

/// `sslbind binding …`.
#[derive(Debug, Subcommand)]
pub enum BindingCommand {
    /// Add a binding to a site and the mapping it expects.
    #[command(
        after_help = "Examples:\n  sslbind binding add examples/iis-express-dev --site php --binding \"*:4432:lextudio.com\" --sni \\\n      \
        --certificate 93F1ADE0\n  \
        sslbind binding add examples/hosting-server --site shop --binding \"*:443:www.shop.contoso.com\" \\\n      \
        --sni --certificate 6F58CF58B5FE5DB0B34A971EE01AA77C099E6629 --store WebHosting \\\n      \
        --emit powershell"
    )]
    Add(BindingAddArgs),
    /// Remove a binding, and the mappings nothing else uses any more.
    #[command(
        after_help = "Example:\n  sslbind binding remove examples/iis-express-dev --site php --binding \"*:4431:lextudio.com\""
    )]
    Remove(BindingRemoveArgs),
    /// Change a binding: SNI on or off, its certificate, or its bindingInformation.
    #[command(
        after_help = "Examples:\n  sslbind binding set examples/hosting-server --site api --binding \"*:8443:api.contoso.com\" --sni\n  \
        sslbind binding set examples/hosting-server --site shop --binding \"*:443:shop.contoso.com\" \\\n      \
        --to \"*:8443:shop.contoso.com\""
    )]
    Set(BindingSetArgs),
}

/// `sslbind mapping …`.
#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Add (or, with another certificate, replace) one mapping.
    #[command(
        after_help = "Examples:\n  sslbind mapping add examples/hosting-server --hostnameport www.shop.contoso.com:443 \\\n      \
        --certificate 6F58CF58B5FE5DB0B34A971EE01AA77C099E6629\n  \
        sslbind mapping add examples/hosting-server --ipport 0.0.0.0:443 \\\n      \
        --certificate 47CA06496C933C33133BF5872B28357DD44C7F9E --emit netsh"
    )]
    Add(MappingAddArgs),
    /// Remove one mapping.
    #[command(
        after_help = "Example:\n  sslbind mapping remove examples/hosting-server --hostnameport old.contoso.com:443"
    )]
    Remove(MappingRemoveArgs),
    /// Remove every idle mapping (IIS or IIS Express owned, used by no binding).
    #[command(
        after_help = "Example:\n  sslbind mapping prune examples/hosting-server --emit netsh > prune.cmd"
    )]
    Prune(ChangeArgs),
    /// Move every mapping of one certificate to another, after a renewal.
    #[command(after_help = "Example (after a renewal):\n  \
        sslbind mapping rebind examples/hosting-server --from 6F58CF58B5FE5DB0B34A971EE01AA77C099E6629 \\\n      \
        --to 9BB6032769ADD4AA1EBB91704B30142550430BC5")]
    Rebind(MappingRebindArgs),
}

/// `sslbind site …`.
#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Remove a site, and the mappings only it used.
    #[command(after_help = "Examples:\n  sslbind site remove blog examples/hosting-server\n  \
        sslbind site remove --site blog examples/hosting-server --emit netsh")]
    Remove(SiteRemoveArgs),
}

/// What every change command takes.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Apply the change: edit the configs (atomically, with a backup) instead of only showing
    /// the plan.
    #[arg(long)]
    pub write: bool,
    /// Do what the plan refuses by default: touch reserved or foreign mappings, overwrite a
    /// mapping other bindings use, map a certificate that does not cover the host, bring a
    /// new `doctor` error to the machine.
    #[arg(long)]
    pub force: bool,
    /// Judge certificates at this time instead of now when checking what the change would
    /// bring, for reproducible plans: RFC 3339 (2026-06-01T00:00:00Z) or a date (2026-06-01,
    /// midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
    /// Print the mapping operations as a script to run on the server (the plan goes to
    /// standard error as a table, so not with --format).
    #[arg(long, value_enum, value_name = "SHELL", conflicts_with = "format")]
    pub emit: Option<Emit>,
    /// Output format of the plan.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Script languages for `--emit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// A cmd.exe batch file of netsh commands.
    Netsh,
    /// A PowerShell script of netsh commands.
    Powershell,
}

/// Names a binding.
#[derive(Debug, Args)]
pub struct BindingSelector {
    /// The site's name.
    #[arg(long)]
    pub site: String,
    /// The bindingInformation, e.g. `*:443:www.example.com`.
    #[arg(long = "binding", value_name = "BINDING_INFORMATION")]
    pub information: String,
    /// The protocol.
    #[arg(long, default_value = "https")]
    pub protocol: String,
}

/// `sslbind binding add`.
#[derive(Debug, Args)]
pub struct BindingAddArgs {
    /// Which binding.
    #[command(flatten)]
    pub binding: BindingSelector,
    /// Require SNI (sslFlags bit 1): the certificate comes from a `host:port` mapping.
    #[arg(long)]
    pub sni: bool,
    /// Use the Central Certificate Store (sslFlags bit 2).
    #[arg(long)]
    pub ccs: bool,
    /// The certificate to map: its thumbprint (any spelling, as netsh or the certificate
    /// dialog shows it), a unique prefix of at least 8 hex digits (`93F1ADE0`), or its
    /// subject or DNS name, found among the machine's certificates.
    #[arg(long, value_name = "HASH", value_parser = values::certificate)]
    pub certificate: Option<CertificateQuery>,
    /// The LocalMachine store of that certificate.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// `sslbind binding remove`.
#[derive(Debug, Args)]
pub struct BindingRemoveArgs {
    /// Which binding.
    #[command(flatten)]
    pub binding: BindingSelector,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// `sslbind binding set`.
#[derive(Debug, Args)]
pub struct BindingSetArgs {
    /// Which binding.
    #[command(flatten)]
    pub binding: BindingSelector,
    /// Set the SNI bit.
    #[arg(long, conflicts_with = "no_sni")]
    pub sni: bool,
    /// Clear the SNI bit.
    #[arg(long)]
    pub no_sni: bool,
    /// Point the binding's mapping at this certificate: a thumbprint, a unique prefix of at
    /// least 8 hex digits, or a subject or DNS name.
    #[arg(long, value_name = "HASH", value_parser = values::certificate)]
    pub certificate: Option<CertificateQuery>,
    /// The LocalMachine store of that certificate.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// The new bindingInformation.
    #[arg(long, value_name = "BINDING_INFORMATION")]
    pub to: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// Names a mapping the way netsh does.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MappingSelector {
    /// An IP-based mapping, e.g. `0.0.0.0:443` or `[::]:443`.
    #[arg(long, value_name = "IP:PORT", value_parser = values::ip_port)]
    pub ipport: Option<MappingKey>,
    /// An SNI mapping, e.g. `www.example.com:443`.
    #[arg(long, value_name = "HOST:PORT", value_parser = values::hostname_port)]
    pub hostnameport: Option<MappingKey>,
    /// The Central Certificate Store mapping of a port.
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub ccs: Option<u16>,
}

/// `sslbind mapping add`.
#[derive(Debug, Args)]
pub struct MappingAddArgs {
    /// Which mapping.
    #[command(flatten)]
    pub mapping: MappingSelector,
    /// The certificate (not for CCS): its thumbprint, a unique prefix of at least 8 hex
    /// digits, or its subject or DNS name.
    #[arg(long, value_name = "HASH", value_parser = values::certificate)]
    pub certificate: Option<CertificateQuery>,
    /// The LocalMachine store of that certificate.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// The owner's AppId (IIS's by default, IIS Express's when only IIS Express configs are given).
    #[arg(long, value_name = "GUID", value_parser = values::app_id)]
    pub app_id: Option<AppId>,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// `sslbind mapping remove`.
#[derive(Debug, Args)]
pub struct MappingRemoveArgs {
    /// Which mapping.
    #[command(flatten)]
    pub mapping: MappingSelector,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// `sslbind mapping rebind`.
#[derive(Debug, Args)]
pub struct MappingRebindArgs {
    /// The old certificate: its thumbprint, a unique prefix of at least 8 hex digits, or its
    /// subject or DNS name.
    #[arg(long, value_name = "HASH", value_parser = values::certificate)]
    pub from: CertificateQuery,
    /// The new certificate, given the same ways.
    #[arg(long, value_name = "HASH", value_parser = values::certificate)]
    pub to: CertificateQuery,
    /// The new certificate's store, when it differs from each mapping's.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// `sslbind site remove`.
#[derive(Debug, Args)]
pub struct SiteRemoveArgs {
    /// The site's name (or give it with --site, as the binding commands take it).
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// The site's name, as an option.
    #[arg(long = "site", value_name = "NAME")]
    pub site: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// `sslbind snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The file to write (a new one; an existing file is not replaced), or `-` for standard
    /// output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// The machine's name, recorded in the snapshot.
    #[arg(long, value_name = "NAME")]
    pub machine_name: Option<String>,
}

/// `sslbind diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The machines: snapshot files or machine folders; the first is the reference.
    #[arg(value_name = "MACHINE", num_args = 2.., required = true)]
    pub machines: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `sslbind resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The URL a client asks for, e.g. `https://www.example.com:8443/` (port 443 by default).
    #[arg(value_name = "URL")]
    pub url: String,
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The local address the client reaches (default: the URL's host when it is an IP
    /// address, else an address no binding or mapping names specifically).
    #[arg(long, value_name = "LOCAL_ADDRESS", value_parser = values::ip_address)]
    pub ip: Option<IpAddr>,
    /// Emulate a client that sends no SNI (old clients, some scanners and load balancers).
    #[arg(long)]
    pub no_sni: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The Central Certificate Store folder, to tell which host names CCS can serve.
    #[arg(long, value_name = "DIR")]
    pub ccs_folder: Option<PathBuf>,
    /// Judge the certificate's dates at this time instead of now: RFC 3339
    /// (2026-06-01T00:00:00Z) or a date (2026-06-01, midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// Arguments of `sslbind probe`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Where to read the machine from (the saved state the handshakes are compared with).
    #[command(flatten)]
    pub sources: SourceArgs,
    /// URLs to probe, e.g. `https://www.example.com:8443/`; without them, every https binding
    /// of the machine is probed. The URLs come first, the machine last (either order is read).
    #[arg(value_name = "URL", num_args = 0..)]
    pub targets: Vec<String>,
    /// Connect to this IP address instead of resolving host names (bindings and targets with
    /// an IP address of their own still use it).
    #[arg(long, value_name = "ADDRESS", value_parser = values::ip_address)]
    pub connect: Option<IpAddr>,
    /// How many handshakes run at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// The limit in milliseconds for connecting and for each read and write.
    #[arg(long, value_name = "MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Judge served certificates at this time instead of now: RFC 3339
    /// (2026-06-01T00:00:00Z) or a date (2026-06-01, midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
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
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Arguments of `sslbind bindings` and `sslbind mappings`, which judge certificate dates.
#[derive(Debug, Args)]
pub struct CertificateListArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Mark certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub expiry_days: u32,
    /// Judge certificates at this time instead of now, for reproducible listings: RFC 3339
    /// (2026-06-01T00:00:00Z) or a date (2026-06-01, midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// Arguments of `sslbind usage`.
#[derive(Debug, Args)]
pub struct UsageArgs {
    /// The certificate: its thumbprint in any spelling (spaces, lower case, the invisible mark
    /// Windows' certificate dialog copies), a prefix of 8 or more hex digits, or a name.
    #[arg(value_name = "THUMBPRINT")]
    pub certificate: CertificateQuery,
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `sslbind certificates`.
#[derive(Debug, Args)]
pub struct CertificatesArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// List only the certificates that end within this many days (expired ones included).
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    /// Judge certificates at this time instead of now, for reproducible listings: RFC 3339
    /// (2026-06-01T00:00:00Z) or a date (2026-06-01, midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// Arguments of `sslbind metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Where to read the machine from.
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Write the metrics to this file instead of standard output, atomically (a temporary
    /// file in the same folder, then renamed), so a textfile collector never reads half a file.
    #[arg(short = 'o', long = "output", value_name = "FILE.prom")]
    pub output: Option<PathBuf>,
    /// The `machine` label: by default the machine folder's or file's name, else this
    /// computer's name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Judge certificates (x509_cert_expired, doctor's findings) and stamp the state at this
    /// time instead of now: RFC 3339 (2026-06-01T00:00:00Z) or a date (2026-06-01).
    #[arg(long, value_name = "TIME", value_parser = values::time)]
    pub now: Option<OffsetDateTime>,
}

/// The sources every reading command accepts.
#[derive(Clone, Debug, Args)]
pub struct SourceArgs {
    /// A folder holding what was collected from a machine (`*.config`, `sslcert.txt`, `*.reg`,
    /// `SYSTEM`, `SOFTWARE`, `*.snapshot.json`, `certs/`), or one such file, recognised by its
    /// content: a snapshot, an applicationHost.config, saved netsh output.
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
    /// A registry export (.reg) or an offline SYSTEM or SOFTWARE hive (repeatable).
    #[arg(long = "registry", value_name = "FILE")]
    pub registry: Vec<PathBuf>,
    /// A snapshot written by `sslbind snapshot`.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Saved `netsh http show urlacl` output: the HTTP.sys URL reservations.
    #[arg(long, value_name = "FILE")]
    pub urlacl: Option<PathBuf>,
    /// Saved `netsh int ipv4 show excludedportrange protocol=tcp` output (or ipv6).
    #[arg(long, value_name = "FILE")]
    pub excluded_ports: Option<PathBuf>,
    /// The password of the .pfx files given (the empty password is tried without any). Other
    /// users can see a command line: prefer --pfx-password-file or the environment variable
    /// SSLBIND_PFX_PASSWORD, read when neither option is given.
    #[arg(long, value_name = "PASSWORD", value_parser = values::password)]
    pub pfx_password: Option<Password>,
    /// A file whose first line is the password of the .pfx files given (UTF-8, or UTF-16
    /// with a byte order mark).
    #[arg(long, value_name = "FILE", conflicts_with = "pfx_password")]
    pub pfx_password_file: Option<PathBuf>,
    /// Treat the given configs as IIS Express (otherwise detected from their content).
    #[arg(long)]
    pub iis_express: bool,
    /// A Visual Studio solution folder: its `.vs\<name>\config\applicationhost.config` is read
    /// as an IIS Express config.
    #[arg(long, value_name = "DIR")]
    pub iis_express_solution: Option<PathBuf>,
}

/// How to print a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// JSON as documented in the interface contract.
    Json,
}

/// How to print a listing (`bindings`, `mappings`, `reservations`, `certificates`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people.
    Table,
    /// JSON as documented in the interface contract.
    Json,
    /// One row per item for spreadsheets, columns named as the JSON fields (RFC 4180, UTF-8
    /// with a byte order mark).
    Csv,
}
