//! The fleet database: many machines' rows (`sslbind_core::fleet::MachineRecord`) and
//! snapshots in one SQLite file or one PostgreSQL database, and the questions asked across
//! them (where is this certificate, what expires anywhere, what did each machine report).
//!
//! Both engines have the same tables and columns (`migrations/sqlite`, `migrations/postgres`)
//! and answer every question with the same SQL; only opening, migrating and writing an ingest
//! differ per engine (`sqlite.rs`, `postgres.rs`). Answers are put in their final order here,
//! in Rust, so that both engines give identical answers whatever their collations. Values
//! always travel as parameters, never inside SQL text, and no error shows a password.

mod migration;
mod postgres;
mod read;
mod redact;
mod sqlite;

use std::fmt;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use sslbind_core::fleet::MachineRecord;

pub use redact::redact;

/// The environment variable that names the fleet database when no option does.
pub const DB_VARIABLE: &str = "SSLBIND_DB";

/// The database used when neither an option nor `SSLBIND_DB` names one.
pub const DEFAULT_DB: &str = "./sslbind.db";

/// Where the fleet database is.
#[derive(Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, as given (it may hold a password: show it with `Display`,
    /// which hides it).
    Postgres(String),
}

impl DbTarget {
    /// `postgres://` or `postgresql://` → Postgres (the URL as given), anything else a SQLite path.
    pub fn parse(text: &str) -> DbTarget {
        let lowercase = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        if lowercase.starts_with("postgres://") || lowercase.starts_with("postgresql://") {
            DbTarget::Postgres(text.to_owned())
        } else {
            DbTarget::Sqlite(PathBuf::from(text))
        }
    }

    /// `given`, else the environment variable SSLBIND_DB, else `./sslbind.db`.
    pub fn from_option(given: Option<&str>) -> DbTarget {
        if let Some(given) = given {
            return DbTarget::parse(given);
        }
        match std::env::var(DB_VARIABLE) {
            Ok(value) if !value.is_empty() => DbTarget::parse(&value),
            _ => DbTarget::parse(DEFAULT_DB),
        }
    }
}

impl fmt::Display for DbTarget {
    /// The path, or the URL with any password replaced by `***`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbTarget::Sqlite(path) => write!(formatter, "{}", path.display()),
            DbTarget::Postgres(url) => formatter.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DbTarget {
    // Debug output ends up in logs and panics as easily as Display: it hides the password too.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbTarget::Sqlite(path) => formatter.debug_tuple("Sqlite").field(path).finish(),
            DbTarget::Postgres(url) => formatter.debug_tuple("Postgres").field(&redact(url)).finish(),
        }
    }
}

/// Why the fleet database could not be opened, written or read. No message holds a password:
/// the target is shown redacted, and so is every text an engine's error gives.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// No machine of that name is in the database.
    #[error("no machine named {name:?} in the fleet database (`sslbind fleet machines` lists them)")]
    UnknownMachine {
        /// The name asked for.
        name: String,
    },
    /// The database has migrations this build does not know.
    #[error(
        "the fleet database {target} was written by a newer sslbind (its schema is at version \
         {version}, this sslbind knows versions up to {known}): use that sslbind or a newer one"
    )]
    NewerSchema {
        /// The database, redacted.
        target: String,
        /// The highest schema version applied to it.
        version: i64,
        /// The highest schema version this build knows.
        known: i64,
    },
    /// SQLite failed.
    #[error("SQLite fleet database {target}: {reason}")]
    Sqlite {
        /// The database file.
        target: String,
        /// SQLite's message.
        reason: String,
    },
    /// PostgreSQL failed (connecting, or a statement).
    #[error("PostgreSQL fleet database {target}: {reason}")]
    Postgres {
        /// The URL, redacted.
        target: String,
        /// The server's or the client's message, redacted.
        reason: String,
    },
    /// Bringing the schema up to date failed.
    #[error("cannot bring the schema of the fleet database {target} up to date: {reason}")]
    Migration {
        /// The database, redacted.
        target: String,
        /// The migration tool's message, redacted.
        reason: String,
    },
    /// A stored value does not have the type or shape the schema gives it.
    #[error("the fleet database {target} holds a value sslbind cannot read ({what})")]
    Corrupt {
        /// The database, redacted.
        target: String,
        /// What was found.
        what: String,
    },
}

/// One ingest to store.
#[derive(Clone, Copy, Debug)]
pub struct IngestInput<'a> {
    /// The machine's name.
    pub machine: &'a str,
    /// When the state was captured, in unix seconds.
    pub collected_at: i64,
    /// When it is stored (now), in unix seconds.
    pub ingested_at: i64,
    /// The machine's snapshot JSON (`sslbind_core::snapshot::write_snapshot`).
    pub snapshot: &'a str,
    /// The machine's rows.
    pub record: &'a MachineRecord,
}

/// What an ingest did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new ingest was stored.
    Added {
        /// Its id.
        ingest_id: i64,
    },
    /// The machine's latest ingest has the same content: nothing was written.
    Unchanged {
        /// The id of that latest ingest.
        ingest_id: i64,
    },
}

/// A machine and the counts of its latest ingest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MachineSummary {
    /// The machine's name.
    pub name: String,
    /// How many ingests it has.
    pub ingests: i64,
    /// When its latest ingest was collected (unix seconds).
    pub collected_at: i64,
    /// When its latest ingest was stored (unix seconds).
    pub ingested_at: i64,
    /// The SHA-256 (hex) of its latest snapshot.
    pub content_hash: String,
    /// Sites.
    pub sites: i64,
    /// Bindings.
    pub bindings: i64,
    /// Mappings.
    pub mappings: i64,
    /// Mappings per status, by status name.
    pub mappings_by_status: Vec<(String, i64)>,
    /// Certificates (one per store they are in).
    pub certificates: i64,
    /// Certificates with not_after before the time `machines` was given.
    pub certificates_expiring: i64,
    /// Error findings.
    pub errors: i64,
    /// Warning findings.
    pub warnings: i64,
    /// Info findings.
    pub infos: i64,
}

/// A finding of a machine's latest ingest.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct FleetFinding {
    /// The machine.
    pub machine: String,
    /// The finding's code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The message.
    pub message: String,
    /// The site involved.
    pub site: Option<String>,
    /// The binding involved.
    pub binding: Option<String>,
    /// The mapping involved: kind and key.
    pub mapping: Option<(String, String)>,
    /// The certificate involved.
    pub certificate_hash: Option<String>,
    /// The fix, as doctor prints it.
    pub fix: Option<String>,
}

/// Where a certificate or host is, on one machine: a binding (with the mapping it gets), or
/// a mapping no binding uses (no site nor binding).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Match {
    /// The machine.
    pub machine: String,
    /// The mapping's kind.
    pub kind: Option<String>,
    /// The mapping's key.
    pub key: Option<String>,
    /// The certificate served or mapped.
    pub certificate_hash: Option<String>,
    /// The site of the binding.
    pub site: Option<String>,
    /// The binding's `bindingInformation`.
    pub binding: Option<String>,
}

/// A certificate across the fleet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetCertificate {
    /// SHA-1 thumbprint, uppercase hex.
    pub thumbprint: String,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// The DNS names it covers.
    pub dns_names: Vec<String>,
    /// Not valid before (unix seconds).
    pub not_before: i64,
    /// Not valid after (unix seconds).
    pub not_after: i64,
    /// The machines whose latest ingest holds it, sorted, each once.
    pub machines: Vec<String>,
}

/// One stored ingest with its snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredIngest {
    /// Its id.
    pub id: i64,
    /// The machine.
    pub machine: String,
    /// When it was collected (unix seconds).
    pub collected_at: i64,
    /// When it was stored (unix seconds).
    pub ingested_at: i64,
    /// The SHA-256 (hex) of the snapshot.
    pub content_hash: String,
    /// The snapshot JSON.
    pub snapshot: String,
}

/// An open fleet database: one connection.
pub struct Fleet {
    engine: Engine,
    /// The target as errors show it (redacted).
    target: String,
}

enum Engine {
    Sqlite(rusqlite::Connection),
    Postgres(Box<::postgres::Client>),
}

impl Fleet {
    /// Connects (creating the SQLite file when missing) and brings the schema up to date.
    pub fn open(target: &DbTarget) -> Result<Fleet, FleetError> {
        let shown = target.to_string();
        let engine = match target {
            DbTarget::Sqlite(path) => Engine::Sqlite(sqlite::open(path, &shown)?),
            DbTarget::Postgres(url) => Engine::Postgres(Box::new(postgres::open(url, &shown)?)),
        };
        Ok(Fleet { engine, target: shown })
    }

    /// Stores one ingest of a machine, in one transaction: nothing when its latest ingest has
    /// the same content, else the snapshot (once per content), the ingest and its rows. The
    /// new ingest becomes the machine's latest unless the latest was collected later.
    pub fn ingest(&mut self, input: &IngestInput<'_>) -> Result<IngestOutcome, FleetError> {
        let prepared = PreparedIngest::new(input);
        match &mut self.engine {
            Engine::Sqlite(connection) => sqlite::ingest(connection, &prepared, &self.target),
            Engine::Postgres(client) => postgres::ingest(client, &prepared, &self.target),
        }
    }

    /// Every machine, by name, with the counts of its latest ingest.
    pub fn machines(&mut self, expiring_before: i64) -> Result<Vec<MachineSummary>, FleetError> {
        self.read(|reader| read::machines(reader, expiring_before))
    }

    /// The latest ingest's findings of every machine (or of one), ordered by machine, severity
    /// (error, warning, info), code, site, binding.
    pub fn findings(&mut self, machine: Option<&str>) -> Result<Vec<FleetFinding>, FleetError> {
        self.read(|reader| read::findings(reader, machine))
    }

    /// Where a certificate (uppercase hex thumbprint) is mapped or served, in latest ingests.
    pub fn find_thumbprint(&mut self, thumbprint: &str) -> Result<Vec<Match>, FleetError> {
        self.read(|reader| read::find_thumbprint(reader, thumbprint))
    }

    /// Where a host (normalised: lowercase, no trailing dot, punycode) is bound or mapped.
    pub fn find_host(&mut self, host: &str) -> Result<Vec<Match>, FleetError> {
        self.read(|reader| read::find_host(reader, host))
    }

    /// Certificates of latest ingests, one entry per thumbprint, with the machines holding it;
    /// only those with not_after < `not_after_before` when given; ordered by not_after, thumbprint.
    pub fn certificates(
        &mut self,
        not_after_before: Option<i64>,
    ) -> Result<Vec<FleetCertificate>, FleetError> {
        self.read(|reader| read::certificates(reader, not_after_before))
    }

    /// Every ingest of `machine`, oldest first (by collected_at, then id), with its snapshot text.
    /// Err(FleetError::UnknownMachine) when the name is not in the database.
    pub fn ingests(&mut self, machine: &str) -> Result<Vec<StoredIngest>, FleetError> {
        self.read(|reader| read::ingests(reader, machine))
    }

    /// The latest ingest of every machine, by machine name, with its snapshot text.
    pub fn latest(&mut self) -> Result<Vec<StoredIngest>, FleetError> {
        self.read(read::latest)
    }

    /// How many rows each table holds, by table name (machines, snapshots, ingests, then the
    /// row tables): for checking that an ingest wrote what it should, and for sizing.
    pub fn table_rows(&mut self) -> Result<Vec<(String, i64)>, FleetError> {
        self.read(read::table_rows)
    }

    /// The size of the database in bytes, as the engine counts it (SQLite: its pages;
    /// PostgreSQL: `pg_database_size`, tables, indexes and their overhead).
    pub fn database_bytes(&mut self) -> Result<i64, FleetError> {
        let mut reader = self.reader();
        read::database_bytes(&mut reader)
    }

    /// The query plans of the statements behind `find_thumbprint(thumbprint)`,
    /// `find_host(host)` and `certificates(Some(not_after_before))`, as the engine explains
    /// them for those values (for benchmarks and reports: they show which indexes the
    /// questions use; a planner may choose differently for a value that matches many rows).
    pub fn query_plans(
        &mut self,
        thumbprint: &str,
        host: &str,
        not_after_before: i64,
    ) -> Result<Vec<(String, String)>, FleetError> {
        let mut reader = self.reader();
        read::query_plans(&mut reader, thumbprint, host, not_after_before)
    }

    fn reader(&mut self) -> read::Reader<'_> {
        match &mut self.engine {
            Engine::Sqlite(connection) => read::Reader::Sqlite { connection, target: &self.target },
            Engine::Postgres(client) => read::Reader::Postgres { client, target: &self.target },
        }
    }

    /// Runs `question` in one read transaction, so that its several statements see one state
    /// of the database even while other processes ingest.
    fn read<T>(
        &mut self,
        question: impl FnOnce(&mut read::Reader<'_>) -> Result<T, FleetError>,
    ) -> Result<T, FleetError> {
        let mut reader = self.reader();
        reader.begin()?;
        let answer = question(&mut reader);
        match answer {
            Ok(answer) => {
                reader.end()?;
                Ok(answer)
            }
            Err(error) => {
                // The question's error is the one to report; ending the transaction can only
                // fail on a connection that is already broken.
                let _ = reader.end();
                Err(error)
            }
        }
    }
}

/// What both engines write for one ingest, computed once: the content hash, the machine's
/// key and the ingest's counts.
pub(crate) struct PreparedIngest<'a> {
    pub(crate) input: &'a IngestInput<'a>,
    pub(crate) name_key: String,
    pub(crate) content_hash: String,
    pub(crate) counts: Counts,
}

/// The counts an ingest row keeps for the machine summary.
pub(crate) struct Counts {
    pub(crate) sites: i64,
    pub(crate) bindings: i64,
    pub(crate) mappings: i64,
    pub(crate) certificates: i64,
    pub(crate) errors: i64,
    pub(crate) warnings: i64,
    pub(crate) infos: i64,
    /// The mappings by status, in status order.
    pub(crate) mappings_by_status: Vec<(&'static str, i64)>,
}

impl<'a> PreparedIngest<'a> {
    fn new(input: &'a IngestInput<'a>) -> PreparedIngest<'a> {
        let record = input.record;
        let severity_count = |severity: &str| {
            count(record.findings.iter().filter(|finding| finding.severity == severity).count())
        };
        PreparedIngest {
            input,
            name_key: name_key(input.machine),
            content_hash: sha256_hex(input.snapshot),
            counts: Counts {
                sites: count(record.sites.len()),
                bindings: count(record.bindings.len()),
                mappings: count(record.mappings.len()),
                certificates: count(record.certificates.len()),
                errors: severity_count("error"),
                warnings: severity_count("warning"),
                infos: severity_count("info"),
                mappings_by_status: {
                    let mut by_status: std::collections::BTreeMap<&'static str, i64> =
                        std::collections::BTreeMap::new();
                    for mapping in &record.mappings {
                        *by_status.entry(mapping.status).or_default() += 1;
                    }
                    by_status.into_iter().collect()
                },
            },
        }
    }
}

/// The separator of the list columns (dns_names, users): no DNS name or account name holds a
/// line feed.
pub(crate) const LIST_SEPARATOR: char = '\n';

pub(crate) fn join_list(items: &[String]) -> String {
    items.join(&LIST_SEPARATOR.to_string())
}

pub(crate) fn split_list(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split(LIST_SEPARATOR).map(str::to_owned).collect()
}

/// The unique key of a machine's name: its SHA-256, so that the unique index stays small
/// (PostgreSQL refuses index entries over about 2.7 kB) however long a name is.
pub(crate) fn name_key(name: &str) -> String {
    sha256_hex(name)
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn count(length: usize) -> i64 {
    i64::try_from(length).unwrap_or(i64::MAX)
}
