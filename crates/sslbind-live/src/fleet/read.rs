//! The questions asked of a fleet database, in SQL both engines run unchanged, and their
//! answers put in order here. The statements are written with PostgreSQL's `$1` parameters;
//! SQLite reads the same numbers as `?1`. Every question reads only machines' latest ingests
//! (joined through `machines.latest_ingest_id`), except `ingests`, which is a machine's history.

use std::collections::BTreeMap;

use sslbind_core::model::HostName;

use super::{FleetCertificate, FleetError, FleetFinding, MachineSummary, Match, StoredIngest, split_list};

/// One connection, seen as something that runs a statement with parameters and gives rows.
pub(crate) enum Reader<'a> {
    Sqlite { connection: &'a mut rusqlite::Connection, target: &'a str },
    Postgres { client: &'a mut ::postgres::Client, target: &'a str },
}

/// A parameter of a statement.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Param<'a> {
    Text(&'a str),
    Int(i64),
}

/// A value of a row: the schema holds only integers (booleans read as 0 or 1), text and NULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Reader<'_> {
    fn target(&self) -> &str {
        match self {
            Reader::Sqlite { target, .. } | Reader::Postgres { target, .. } => target,
        }
    }

    pub(crate) fn begin(&mut self) -> Result<(), FleetError> {
        match self {
            Reader::Sqlite { connection, target } => {
                connection.execute_batch("BEGIN").map_err(|error| super::sqlite::error(target, &error))
            }
            Reader::Postgres { client, target } => client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(|error| super::postgres::error(target, &error)),
        }
    }

    pub(crate) fn end(&mut self) -> Result<(), FleetError> {
        match self {
            Reader::Sqlite { connection, target } => {
                connection.execute_batch("COMMIT").map_err(|error| super::sqlite::error(target, &error))
            }
            Reader::Postgres { client, target } => {
                client.batch_execute("COMMIT").map_err(|error| super::postgres::error(target, &error))
            }
        }
    }

    /// The rows of `sql` (with `$n` parameters) run with `params`.
    pub(crate) fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, FleetError> {
        match self {
            Reader::Sqlite { connection, target } => super::sqlite::query(connection, target, sql, params),
            Reader::Postgres { client, target } => super::postgres::query(client, target, sql, params),
        }
    }

    fn corrupt(&self, what: String) -> FleetError {
        FleetError::Corrupt { target: self.target().to_owned(), what }
    }
}

/// A row's cells taken in order, each checked for the type the statement gives it.
struct Columns<'r> {
    cells: std::vec::IntoIter<Cell>,
    target: &'r str,
}

impl Columns<'_> {
    fn next(&mut self) -> Result<Cell, FleetError> {
        self.cells.next().ok_or_else(|| FleetError::Corrupt {
            target: self.target.to_owned(),
            what: "a row with fewer columns than its statement".to_owned(),
        })
    }

    fn text(&mut self) -> Result<String, FleetError> {
        match self.next()? {
            Cell::Text(text) => Ok(text),
            other => Err(self.unexpected("text", &other)),
        }
    }

    fn optional_text(&mut self) -> Result<Option<String>, FleetError> {
        match self.next()? {
            Cell::Text(text) => Ok(Some(text)),
            Cell::Null => Ok(None),
            other => Err(self.unexpected("text or NULL", &other)),
        }
    }

    fn int(&mut self) -> Result<i64, FleetError> {
        match self.next()? {
            Cell::Int(value) => Ok(value),
            other => Err(self.unexpected("an integer", &other)),
        }
    }

    fn unexpected(&self, expected: &str, found: &Cell) -> FleetError {
        FleetError::Corrupt {
            target: self.target.to_owned(),
            what: format!("{expected} expected, found {found:?}"),
        }
    }
}

/// Runs `sql` and turns each row into a value with `convert`.
fn rows<T>(
    reader: &mut Reader<'_>,
    sql: &str,
    params: &[Param<'_>],
    mut convert: impl FnMut(&mut Columns<'_>) -> Result<T, FleetError>,
) -> Result<Vec<T>, FleetError> {
    let target = reader.target().to_owned();
    reader
        .query(sql, params)?
        .into_iter()
        .map(|row| convert(&mut Columns { cells: row.into_iter(), target: &target }))
        .collect()
}

const MACHINES: &str = "\
SELECT m.name, (SELECT count(*) FROM ingests a WHERE a.machine_id = m.id), i.id, i.collected_at,
       i.ingested_at, i.content_hash, i.sites, i.bindings, i.mappings, i.certificates, i.errors,
       i.warnings, i.infos
FROM machines m JOIN ingests i ON i.id = m.latest_ingest_id";

const MAPPINGS_BY_STATUS: &str = "\
SELECT m.latest_ingest_id, s.status, s.mappings
FROM machines m JOIN mapping_statuses s ON s.ingest_id = m.latest_ingest_id";

const CERTIFICATES_EXPIRING: &str = "\
SELECT m.latest_ingest_id, count(*)
FROM machines m JOIN certificates c ON c.ingest_id = m.latest_ingest_id
WHERE c.not_after < $1
GROUP BY m.latest_ingest_id";

pub(crate) fn machines(
    reader: &mut Reader<'_>,
    expiring_before: i64,
) -> Result<Vec<MachineSummary>, FleetError> {
    let mut by_status: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for (ingest, status, number) in
        rows(reader, MAPPINGS_BY_STATUS, &[], |row| Ok((row.int()?, row.text()?, row.int()?)))?
    {
        by_status.entry(ingest).or_default().push((status, number));
    }
    let expiring: BTreeMap<i64, i64> =
        rows(reader, CERTIFICATES_EXPIRING, &[Param::Int(expiring_before)], |row| {
            Ok((row.int()?, row.int()?))
        })?
        .into_iter()
        .collect();
    let mut summaries = rows(reader, MACHINES, &[], |row| {
        let name = row.text()?;
        let ingests = row.int()?;
        let ingest = row.int()?;
        let mut mappings_by_status = by_status.remove(&ingest).unwrap_or_default();
        mappings_by_status.sort();
        Ok(MachineSummary {
            name,
            ingests,
            collected_at: row.int()?,
            ingested_at: row.int()?,
            content_hash: row.text()?,
            sites: row.int()?,
            bindings: row.int()?,
            mappings: row.int()?,
            mappings_by_status,
            certificates: row.int()?,
            certificates_expiring: expiring.get(&ingest).copied().unwrap_or(0),
            errors: row.int()?,
            warnings: row.int()?,
            infos: row.int()?,
        })
    })?;
    summaries.sort_by(|left, right| left.name.cmp(&right.name));
    Ok(summaries)
}

const FINDINGS: &str = "\
SELECT m.name, f.code, f.severity, f.message, f.site, f.binding, f.mapping_kind, f.mapping_key,
       f.certificate_hash, f.fix
FROM machines m JOIN findings f ON f.ingest_id = m.latest_ingest_id";

const FINDINGS_OF_MACHINE: &str = "\
SELECT m.name, f.code, f.severity, f.message, f.site, f.binding, f.mapping_kind, f.mapping_key,
       f.certificate_hash, f.fix
FROM machines m JOIN findings f ON f.ingest_id = m.latest_ingest_id
WHERE m.name_key = $1";

pub(crate) fn findings(
    reader: &mut Reader<'_>,
    machine: Option<&str>,
) -> Result<Vec<FleetFinding>, FleetError> {
    let key;
    let (sql, params) = match machine {
        Some(name) => {
            machine_id(reader, name)?;
            key = super::name_key(name);
            (FINDINGS_OF_MACHINE, vec![Param::Text(&key)])
        }
        None => (FINDINGS, Vec::new()),
    };
    let mut findings = rows(reader, sql, &params, |row| {
        Ok(FleetFinding {
            machine: row.text()?,
            code: row.text()?,
            severity: row.text()?,
            message: row.text()?,
            site: row.optional_text()?,
            binding: row.optional_text()?,
            mapping: match (row.optional_text()?, row.optional_text()?) {
                (Some(kind), Some(key)) => Some((kind, key)),
                _ => None,
            },
            certificate_hash: row.optional_text()?,
            fix: row.optional_text()?,
        })
    })?;
    findings.sort_by(|left, right| {
        (&left.machine, severity_rank(&left.severity), &left.code, &left.site, &left.binding)
            .cmp(&(&right.machine, severity_rank(&right.severity), &right.code, &right.site, &right.binding))
            .then_with(|| left.cmp(right))
    });
    Ok(findings)
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "error" => 0,
        "warning" => 1,
        "info" => 2,
        _ => 3,
    }
}

pub(crate) const BINDINGS_OF_THUMBPRINT: &str = "\
SELECT m.name, b.effective_kind, b.effective_key, b.certificate_hash, b.site, b.binding
FROM bindings b JOIN machines m ON m.latest_ingest_id = b.ingest_id
WHERE b.certificate_hash = $1";

pub(crate) const MAPPINGS_OF_THUMBPRINT: &str = "\
SELECT m.name, p.kind, p.key, p.certificate_hash
FROM mappings p JOIN machines m ON m.latest_ingest_id = p.ingest_id
WHERE p.certificate_hash = $1 AND p.used_by = 0";

pub(crate) fn find_thumbprint(reader: &mut Reader<'_>, thumbprint: &str) -> Result<Vec<Match>, FleetError> {
    let thumbprint = thumbprint.to_ascii_uppercase();
    let params = [Param::Text(&thumbprint)];
    let mut matches = rows(reader, BINDINGS_OF_THUMBPRINT, &params, binding_match)?;
    matches.extend(rows(reader, MAPPINGS_OF_THUMBPRINT, &params, mapping_match)?);
    matches.sort();
    Ok(matches)
}

pub(crate) const BINDINGS_OF_HOST: &str = "\
SELECT m.name,
       CASE WHEN b.effective_kind IS NULL THEN b.expected_kind ELSE b.effective_kind END,
       CASE WHEN b.effective_kind IS NULL THEN b.expected_key ELSE b.effective_key END,
       b.certificate_hash, b.site, b.binding
FROM bindings b JOIN machines m ON m.latest_ingest_id = b.ingest_id
WHERE b.host = $1";

pub(crate) const MAPPINGS_OF_HOST: &str = "\
SELECT m.name, p.kind, p.key, p.certificate_hash
FROM mappings p JOIN machines m ON m.latest_ingest_id = p.ingest_id
WHERE p.host = $1 AND p.used_by = 0";

pub(crate) fn find_host(reader: &mut Reader<'_>, host: &str) -> Result<Vec<Match>, FleetError> {
    // Normalised again so that a caller's `WWW.Contoso.com.` finds what HTTP.sys would match.
    let host = HostName::new(host).normalized().to_owned();
    let params = [Param::Text(&host)];
    let mut matches = rows(reader, BINDINGS_OF_HOST, &params, binding_match)?;
    matches.extend(rows(reader, MAPPINGS_OF_HOST, &params, mapping_match)?);
    matches.sort();
    Ok(matches)
}

fn binding_match(row: &mut Columns<'_>) -> Result<Match, FleetError> {
    Ok(Match {
        machine: row.text()?,
        kind: row.optional_text()?,
        key: row.optional_text()?,
        certificate_hash: row.optional_text()?,
        site: Some(row.text()?),
        binding: Some(row.text()?),
    })
}

fn mapping_match(row: &mut Columns<'_>) -> Result<Match, FleetError> {
    Ok(Match {
        machine: row.text()?,
        kind: Some(row.text()?),
        key: Some(row.text()?),
        certificate_hash: row.optional_text()?,
        site: None,
        binding: None,
    })
}

const CERTIFICATES: &str = "\
SELECT c.thumbprint, c.subject, c.issuer, c.dns_names, c.not_before, c.not_after, m.name
FROM certificates c JOIN machines m ON m.latest_ingest_id = c.ingest_id";

pub(crate) const CERTIFICATES_BEFORE: &str = "\
SELECT c.thumbprint, c.subject, c.issuer, c.dns_names, c.not_before, c.not_after, m.name
FROM certificates c JOIN machines m ON m.latest_ingest_id = c.ingest_id
WHERE c.not_after < $1";

pub(crate) fn certificates(
    reader: &mut Reader<'_>,
    not_after_before: Option<i64>,
) -> Result<Vec<FleetCertificate>, FleetError> {
    let (sql, params) = match not_after_before {
        Some(before) => (CERTIFICATES_BEFORE, vec![Param::Int(before)]),
        None => (CERTIFICATES, Vec::new()),
    };
    let mut found = rows(reader, sql, &params, |row| {
        Ok(FleetCertificate {
            thumbprint: row.text()?,
            subject: row.text()?,
            issuer: row.text()?,
            dns_names: split_list(&row.text()?),
            not_before: row.int()?,
            not_after: row.int()?,
            machines: vec![row.text()?],
        })
    })?;
    // The first machine by name speaks for a certificate's fields, whichever engine gave
    // the rows in whatever order.
    found
        .sort_by(|left, right| (&left.thumbprint, &left.machines).cmp(&(&right.thumbprint, &right.machines)));
    let mut certificates: Vec<FleetCertificate> = Vec::new();
    for certificate in found {
        match certificates.last_mut() {
            Some(last) if last.thumbprint == certificate.thumbprint => {
                last.machines.extend(certificate.machines);
            }
            _ => certificates.push(certificate),
        }
    }
    for certificate in &mut certificates {
        certificate.machines.dedup();
    }
    certificates
        .sort_by(|left, right| (left.not_after, &left.thumbprint).cmp(&(right.not_after, &right.thumbprint)));
    Ok(certificates)
}

const MACHINE_ID: &str = "SELECT id FROM machines WHERE name_key = $1";

/// The id of the machine named `name`, or `UnknownMachine`.
fn machine_id(reader: &mut Reader<'_>, name: &str) -> Result<i64, FleetError> {
    let key = super::name_key(name);
    let ids = rows(reader, MACHINE_ID, &[Param::Text(&key)], |row| row.int())?;
    ids.first().copied().ok_or_else(|| FleetError::UnknownMachine { name: name.to_owned() })
}

const INGESTS: &str = "\
SELECT i.id, m.name, i.collected_at, i.ingested_at, i.content_hash, s.text
FROM ingests i JOIN machines m ON m.id = i.machine_id
JOIN snapshots s ON s.content_hash = i.content_hash
WHERE i.machine_id = $1";

pub(crate) fn ingests(reader: &mut Reader<'_>, machine: &str) -> Result<Vec<StoredIngest>, FleetError> {
    let id = machine_id(reader, machine)?;
    let mut ingests = rows(reader, INGESTS, &[Param::Int(id)], stored_ingest)?;
    ingests.sort_by_key(|ingest| (ingest.collected_at, ingest.id));
    Ok(ingests)
}

const LATEST: &str = "\
SELECT i.id, m.name, i.collected_at, i.ingested_at, i.content_hash, s.text
FROM machines m JOIN ingests i ON i.id = m.latest_ingest_id
JOIN snapshots s ON s.content_hash = i.content_hash";

pub(crate) fn latest(reader: &mut Reader<'_>) -> Result<Vec<StoredIngest>, FleetError> {
    let mut latest = rows(reader, LATEST, &[], stored_ingest)?;
    latest.sort_by(|left, right| left.machine.cmp(&right.machine));
    Ok(latest)
}

fn stored_ingest(row: &mut Columns<'_>) -> Result<StoredIngest, FleetError> {
    Ok(StoredIngest {
        id: row.int()?,
        machine: row.text()?,
        collected_at: row.int()?,
        ingested_at: row.int()?,
        content_hash: row.text()?,
        snapshot: row.text()?,
    })
}

/// Every table of the schema; the names are constants, never input.
const TABLES: [&str; 9] = [
    "machines",
    "snapshots",
    "ingests",
    "sites",
    "bindings",
    "mappings",
    "certificates",
    "findings",
    "reservations",
];

pub(crate) fn table_rows(reader: &mut Reader<'_>) -> Result<Vec<(String, i64)>, FleetError> {
    let mut counts = Vec::new();
    for table in TABLES {
        let number = rows(reader, &format!("SELECT count(*) FROM {table}"), &[], |row| row.int())?;
        counts.push((table.to_owned(), number.first().copied().unwrap_or(0)));
    }
    Ok(counts)
}

pub(crate) fn database_bytes(reader: &mut Reader<'_>) -> Result<i64, FleetError> {
    let sql = match reader {
        Reader::Sqlite { .. } => "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        Reader::Postgres { .. } => "SELECT pg_database_size(current_database())",
    };
    let sizes = rows(reader, sql, &[], |row| row.int())?;
    sizes.first().copied().ok_or_else(|| reader.corrupt("no database size".to_owned()))
}

/// The engine's plan of each statement behind `find_thumbprint`, `find_host` and
/// `certificates(Some(..))`, by statement name.
pub(crate) fn query_plans(
    reader: &mut Reader<'_>,
    thumbprint: &str,
    host: &str,
    not_after_before: i64,
) -> Result<Vec<(String, String)>, FleetError> {
    let statements: [(&str, &str, Param<'_>); 5] = [
        ("find_thumbprint: bindings", BINDINGS_OF_THUMBPRINT, Param::Text(thumbprint)),
        ("find_thumbprint: mappings", MAPPINGS_OF_THUMBPRINT, Param::Text(thumbprint)),
        ("find_host: bindings", BINDINGS_OF_HOST, Param::Text(host)),
        ("find_host: mappings", MAPPINGS_OF_HOST, Param::Text(host)),
        ("certificates(Some(..))", CERTIFICATES_BEFORE, Param::Int(not_after_before)),
    ];
    let explain = match reader {
        Reader::Sqlite { .. } => "EXPLAIN QUERY PLAN ",
        Reader::Postgres { .. } => "EXPLAIN ",
    };
    let mut plans = Vec::new();
    for (name, sql, param) in statements {
        let lines = reader.query(&format!("{explain}{sql}"), &[param])?;
        let text: Vec<String> = lines
            .into_iter()
            .map(|row| {
                // SQLite's plan rows are (id, parent, notused, detail); PostgreSQL's one text.
                match row.into_iter().last() {
                    Some(Cell::Text(text)) => Ok(text),
                    other => Err(reader.corrupt(format!("a plan line, found {other:?}"))),
                }
            })
            .collect::<Result<_, _>>()?;
        plans.push((name.to_owned(), text.join("\n")));
    }
    Ok(plans)
}
