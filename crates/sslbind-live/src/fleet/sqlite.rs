//! The fleet database in a SQLite file: opening it so that several processes can share it
//! (WAL, a long busy timeout, writers queueing with `BEGIN IMMEDIATE` instead of failing with
//! "database is locked"), its migrations, and an ingest written with cached prepared
//! statements inside one transaction.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::read::{Cell, Param};
use super::{FleetError, IngestOutcome, PreparedIngest, join_list, redact};

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// How long a statement waits for another process's write before failing: long enough for
/// a large ingest of another machine to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times migrating is tried again when another process was migrating at the same time.
const MIGRATION_ATTEMPTS: u32 = 50;

pub(super) fn open(path: &Path, target: &str) -> Result<Connection, FleetError> {
    let mut connection = Connection::open(path).map_err(|error| self::error(target, &error))?;
    connection.busy_timeout(BUSY_TIMEOUT).map_err(|error| self::error(target, &error))?;
    // WAL lets readers go on while one process writes; NORMAL synchronisation is durable
    // across crashes of the process in WAL mode, and much faster than FULL.
    let mode: String = connection
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(|error| self::error(target, &error))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(FleetError::Sqlite {
            target: target.to_owned(),
            reason: format!("cannot use WAL (journal mode {mode})"),
        });
    }
    connection.execute_batch("PRAGMA synchronous = NORMAL").map_err(|error| self::error(target, &error))?;
    connection.set_prepared_statement_cache_capacity(32);
    migrate(&mut connection, target)?;
    Ok(connection)
}

/// Brings the schema up to date. Two processes opening a new file at once may both try to
/// migrate; the one that loses fails, finds the schema current and goes on.
fn migrate(connection: &mut Connection, target: &str) -> Result<(), FleetError> {
    let runner = embedded::migrations::runner();
    let applied = runner.get_applied_migrations(connection).ok();
    if super::migration::check_applied(&runner, applied.as_deref(), target)? {
        return Ok(());
    }
    let mut attempt = 0;
    loop {
        let failure = match runner.run(connection) {
            Ok(_) => return Ok(()),
            Err(failure) => failure,
        };
        if let Some(newer) = super::migration::newer_schema(&failure, &runner, target) {
            return Err(newer);
        }
        if super::migration::is_current(&runner, runner.get_applied_migrations(connection).ok().as_deref()) {
            return Ok(());
        }
        attempt += 1;
        if attempt >= MIGRATION_ATTEMPTS {
            return Err(super::migration::failed(&failure, target));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(super) fn error(target: &str, error: &rusqlite::Error) -> FleetError {
    FleetError::Sqlite { target: target.to_owned(), reason: redact(&error.to_string()) }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Param::Int(value) => ToSqlOutput::Borrowed(ValueRef::Integer(*value)),
        })
    }
}

pub(super) fn query(
    connection: &mut Connection,
    target: &str,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, FleetError> {
    // `$n` and `?n` are the same numbered parameter; the statements hold no other `$`.
    let sql = sql.replace('$', "?");
    let fail = |error: rusqlite::Error| self::error(target, &error);
    let mut statement = connection.prepare_cached(&sql).map_err(fail)?;
    let columns = statement.column_count();
    let mut rows = statement.query(rusqlite::params_from_iter(params.iter())).map_err(fail)?;
    let mut found = Vec::new();
    while let Some(row) = rows.next().map_err(fail)? {
        let mut cells = Vec::with_capacity(columns);
        for index in 0..columns {
            cells.push(match row.get_ref(index).map_err(fail)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(value) => Cell::Int(value),
                ValueRef::Text(bytes) => Cell::Text(String::from_utf8_lossy(bytes).into_owned()),
                ValueRef::Real(value) => {
                    return Err(FleetError::Corrupt {
                        target: target.to_owned(),
                        what: format!("the real number {value}"),
                    });
                }
                ValueRef::Blob(_) => {
                    return Err(FleetError::Corrupt { target: target.to_owned(), what: "a blob".to_owned() });
                }
            });
        }
        found.push(cells);
    }
    Ok(found)
}

pub(super) fn ingest(
    connection: &mut Connection,
    prepared: &PreparedIngest<'_>,
    target: &str,
) -> Result<IngestOutcome, FleetError> {
    let fail = |error: rusqlite::Error| self::error(target, &error);
    let input = prepared.input;
    let record = input.record;
    // IMMEDIATE takes the write lock now, so that concurrent writers wait on the busy timeout
    // rather than failing when a read lock cannot be upgraded.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
    let machine: Option<(i64, Option<i64>)> = transaction
        .prepare_cached("SELECT id, latest_ingest_id FROM machines WHERE name_key = ?1")
        .and_then(|mut statement| {
            statement.query_row(params![prepared.name_key], |row| Ok((row.get(0)?, row.get(1)?))).optional()
        })
        .map_err(fail)?;
    let machine_id = match machine {
        Some((id, latest)) => {
            if let Some(latest) = latest {
                let latest_hash: String = transaction
                    .prepare_cached("SELECT content_hash FROM ingests WHERE id = ?1")
                    .and_then(|mut statement| statement.query_row(params![latest], |row| row.get(0)))
                    .map_err(fail)?;
                if latest_hash == prepared.content_hash {
                    return Ok(IngestOutcome::Unchanged { ingest_id: latest });
                }
            }
            id
        }
        None => transaction
            .prepare_cached("INSERT INTO machines (name_key, name) VALUES (?1, ?2) RETURNING id")
            .and_then(|mut statement| {
                statement.query_row(params![prepared.name_key, input.machine], |row| row.get(0))
            })
            .map_err(fail)?,
    };
    transaction
        .prepare_cached("INSERT INTO snapshots (content_hash, text) VALUES (?1, ?2) ON CONFLICT (content_hash) DO NOTHING")
        .and_then(|mut statement| statement.execute(params![prepared.content_hash, input.snapshot]))
        .map_err(fail)?;
    let counts = &prepared.counts;
    let ingest_id: i64 = transaction
        .prepare_cached(
            "INSERT INTO ingests (machine_id, collected_at, ingested_at, content_hash, sites, bindings, mappings,
                 certificates, errors, warnings, infos)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
        )
        .and_then(|mut statement| {
            statement.query_row(
                params![
                    machine_id,
                    input.collected_at,
                    input.ingested_at,
                    prepared.content_hash,
                    counts.sites,
                    counts.bindings,
                    counts.mappings,
                    counts.certificates,
                    counts.errors,
                    counts.warnings,
                    counts.infos,
                ],
                |row| row.get(0),
            )
        })
        .map_err(fail)?;
    let mut statement = transaction
        .prepare_cached("INSERT INTO mapping_statuses (ingest_id, status, mappings) VALUES (?1, ?2, ?3)")
        .map_err(fail)?;
    for (status, mappings) in &counts.mappings_by_status {
        statement.execute(params![ingest_id, status, mappings]).map_err(fail)?;
    }
    drop(statement);

    let mut statement = transaction
        .prepare_cached("INSERT INTO sites (ingest_id, name, site_id, server) VALUES (?1, ?2, ?3, ?4)")
        .map_err(fail)?;
    for site in &record.sites {
        statement.execute(params![ingest_id, site.name, site.site_id, site.server]).map_err(fail)?;
    }
    drop(statement);

    let mut statement = transaction
        .prepare_cached(
            "INSERT INTO bindings (ingest_id, site, protocol, binding, ip, port, host, ssl_flags, expected_kind,
                 expected_key, effective_kind, effective_key, certificate_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .map_err(fail)?;
    for binding in &record.bindings {
        let (expected_kind, expected_key) = split_pair(binding.expected_mapping.as_ref());
        let (effective_kind, effective_key) = split_pair(binding.effective_mapping.as_ref());
        statement
            .execute(params![
                ingest_id,
                binding.site,
                binding.protocol,
                binding.binding,
                binding.ip,
                binding.port,
                binding.host,
                binding.ssl_flags,
                expected_kind,
                expected_key,
                effective_kind,
                effective_key,
                binding.certificate_hash,
            ])
            .map_err(fail)?;
    }
    drop(statement);

    let mut statement = transaction
        .prepare_cached(
            "INSERT INTO mappings (ingest_id, kind, key, port, host, certificate_hash, certificate_store, app_id,
                 owner, status, used_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .map_err(fail)?;
    for mapping in &record.mappings {
        statement
            .execute(params![
                ingest_id,
                mapping.kind,
                mapping.key,
                mapping.port,
                mapping.host,
                mapping.certificate_hash,
                mapping.certificate_store,
                mapping.app_id,
                mapping.owner,
                mapping.status,
                mapping.used_by,
            ])
            .map_err(fail)?;
    }
    drop(statement);

    let mut statement = transaction
        .prepare_cached(
            "INSERT INTO certificates (ingest_id, thumbprint, subject, issuer, serial, dns_names, not_before,
                 not_after, store, has_private_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(fail)?;
    for certificate in &record.certificates {
        statement
            .execute(params![
                ingest_id,
                certificate.thumbprint,
                certificate.subject,
                certificate.issuer,
                certificate.serial,
                join_list(&certificate.dns_names),
                certificate.not_before,
                certificate.not_after,
                certificate.store,
                certificate.has_private_key,
            ])
            .map_err(fail)?;
    }
    drop(statement);

    let mut statement = transaction
        .prepare_cached(
            "INSERT INTO findings (ingest_id, code, severity, message, site, binding, mapping_kind, mapping_key,
                 certificate_hash, fix)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(fail)?;
    for finding in &record.findings {
        let (mapping_kind, mapping_key) = split_pair(finding.mapping.as_ref());
        statement
            .execute(params![
                ingest_id,
                finding.code,
                finding.severity,
                finding.message,
                finding.site,
                finding.binding,
                mapping_kind,
                mapping_key,
                finding.certificate_hash,
                finding.fix,
            ])
            .map_err(fail)?;
    }
    drop(statement);

    let mut statement = transaction
        .prepare_cached("INSERT INTO reservations (ingest_id, url, users, sddl) VALUES (?1, ?2, ?3, ?4)")
        .map_err(fail)?;
    for reservation in &record.reservations {
        statement
            .execute(params![ingest_id, reservation.url, join_list(&reservation.users), reservation.sddl])
            .map_err(fail)?;
    }
    drop(statement);

    // An older capture ingested late is history: the latest stays the latest collected.
    transaction
        .prepare_cached(
            "UPDATE machines SET latest_ingest_id = ?1
             WHERE id = ?2 AND (latest_ingest_id IS NULL
                 OR (SELECT collected_at FROM ingests WHERE id = machines.latest_ingest_id) <= ?3)",
        )
        .and_then(|mut statement| statement.execute(params![ingest_id, machine_id, input.collected_at]))
        .map_err(fail)?;
    transaction.commit().map_err(fail)?;
    Ok(IngestOutcome::Added { ingest_id })
}

fn split_pair(pair: Option<&(String, String)>) -> (Option<&str>, Option<&str>) {
    match pair {
        Some((kind, key)) => (Some(kind.as_str()), Some(key.as_str())),
        None => (None, None),
    }
}
