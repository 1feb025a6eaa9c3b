//! The fleet database in PostgreSQL: connecting, migrating under an advisory lock (so that
//! servers opening a new database at once wait for one another), and an ingest that writes
//! each table's rows with one statement of `UNNEST` arrays instead of one round trip per row.
//! Two ingests of one machine serialise on the machine's row (`SELECT … FOR UPDATE`).

use ::postgres::types::{ToSql, Type};
use ::postgres::{Client, NoTls, Transaction};

use super::read::{Cell, Param};
use super::{FleetError, IngestOutcome, PreparedIngest, join_list, redact};

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The session lock taken around migrating: a constant of this program ("sslbind" in ASCII).
const MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(32496531666464356)";
const MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(32496531666464356)";

pub(super) fn open(url: &str, target: &str) -> Result<Client, FleetError> {
    let mut client = Client::connect(url, NoTls).map_err(|error| self::error(target, &error))?;
    // Current already (every open but the first): nothing to lock or write.
    let runner = embedded::migrations::runner();
    let applied = runner.get_applied_migrations(&mut client).ok();
    if super::migration::check_applied(&runner, applied.as_deref(), target)? {
        return Ok(client);
    }
    client.batch_execute(MIGRATION_LOCK).map_err(|error| self::error(target, &error))?;
    let migrated = migrate(&mut client, target);
    let unlocked = client.batch_execute(MIGRATION_UNLOCK).map_err(|error| self::error(target, &error));
    migrated?;
    unlocked?;
    Ok(client)
}

fn migrate(client: &mut Client, target: &str) -> Result<(), FleetError> {
    let runner = embedded::migrations::runner();
    let failure = match runner.run(client) {
        Ok(_) => return Ok(()),
        Err(failure) => failure,
    };
    if let Some(newer) = super::migration::newer_schema(&failure, &runner, target) {
        return Err(newer);
    }
    Err(super::migration::failed(&failure, target))
}

pub(super) fn error(target: &str, error: &::postgres::Error) -> FleetError {
    // The server's own message (with its detail) says more than the client's summary.
    let reason = match error.as_db_error() {
        Some(database) => match database.detail() {
            Some(detail) => format!("{}: {} ({detail})", database.severity(), database.message()),
            None => format!("{}: {}", database.severity(), database.message()),
        },
        // The client's summary ("error connecting to server") and each cause under it
        // ("Connection refused"), which is what says what to fix.
        None => {
            let mut reason = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                reason.push_str(": ");
                reason.push_str(&cause.to_string());
                source = cause.source();
            }
            reason
        }
    };
    FleetError::Postgres { target: target.to_owned(), reason: redact(&reason) }
}

pub(super) fn query(
    client: &mut Client,
    target: &str,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, FleetError> {
    let values: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|param| match param {
            Param::Text(text) => text as &(dyn ToSql + Sync),
            Param::Int(value) => value as &(dyn ToSql + Sync),
        })
        .collect();
    let fail = |error: ::postgres::Error| self::error(target, &error);
    let statement = client.prepare(sql).map_err(fail)?;
    let rows = client.query(&statement, &values).map_err(fail)?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let mut cells = Vec::with_capacity(row.len());
        for (index, column) in row.columns().iter().enumerate() {
            let cell = match *column.type_() {
                Type::INT8 => {
                    row.try_get::<_, Option<i64>>(index).map(|value| value.map_or(Cell::Null, Cell::Int))
                }
                Type::INT4 => row
                    .try_get::<_, Option<i32>>(index)
                    .map(|value| value.map_or(Cell::Null, |value| Cell::Int(i64::from(value)))),
                Type::BOOL => row
                    .try_get::<_, Option<bool>>(index)
                    .map(|value| value.map_or(Cell::Null, |value| Cell::Int(i64::from(value)))),
                Type::TEXT | Type::VARCHAR | Type::NAME => {
                    row.try_get::<_, Option<String>>(index).map(|value| value.map_or(Cell::Null, Cell::Text))
                }
                ref other => {
                    return Err(FleetError::Corrupt {
                        target: target.to_owned(),
                        what: format!("a column of type {other} in {}", column.name()),
                    });
                }
            };
            cells.push(cell.map_err(fail)?);
        }
        found.push(cells);
    }
    Ok(found)
}

pub(super) fn ingest(
    client: &mut Client,
    prepared: &PreparedIngest<'_>,
    target: &str,
) -> Result<IngestOutcome, FleetError> {
    let fail = |error: ::postgres::Error| self::error(target, &error);
    let input = prepared.input;
    let mut transaction = client.transaction().map_err(fail)?;
    // The machine's row exists before it is locked, so that two first ingests of one machine
    // also serialise: the second waits on the first's insert, then on its row lock.
    transaction
        .execute(
            "INSERT INTO machines (name_key, name) VALUES ($1, $2) ON CONFLICT (name_key) DO NOTHING",
            &[&prepared.name_key, &input.machine],
        )
        .map_err(fail)?;
    let machine = transaction
        .query_one(
            "SELECT id, latest_ingest_id FROM machines WHERE name_key = $1 FOR UPDATE",
            &[&prepared.name_key],
        )
        .map_err(fail)?;
    let machine_id: i64 = machine.try_get(0).map_err(fail)?;
    let latest: Option<i64> = machine.try_get(1).map_err(fail)?;
    if let Some(latest) = latest {
        let latest_hash: String = transaction
            .query_one("SELECT content_hash FROM ingests WHERE id = $1", &[&latest])
            .and_then(|row| row.try_get(0))
            .map_err(fail)?;
        if latest_hash == prepared.content_hash {
            return Ok(IngestOutcome::Unchanged { ingest_id: latest });
        }
    }
    transaction
        .execute(
            "INSERT INTO snapshots (content_hash, text) VALUES ($1, $2) ON CONFLICT (content_hash) DO NOTHING",
            &[&prepared.content_hash, &input.snapshot],
        )
        .map_err(fail)?;
    let counts = &prepared.counts;
    let ingest_id: i64 = transaction
        .query_one(
            "INSERT INTO ingests (machine_id, collected_at, ingested_at, content_hash, sites, bindings, mappings,
                 certificates, errors, warnings, infos)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                &machine_id,
                &input.collected_at,
                &input.ingested_at,
                &prepared.content_hash,
                &counts.sites,
                &counts.bindings,
                &counts.mappings,
                &counts.certificates,
                &counts.errors,
                &counts.warnings,
                &counts.infos,
            ],
        )
        .and_then(|row| row.try_get(0))
        .map_err(fail)?;
    if !counts.mappings_by_status.is_empty() {
        let statuses: Vec<&str> = counts.mappings_by_status.iter().map(|(status, _)| *status).collect();
        let numbers: Vec<i64> = counts.mappings_by_status.iter().map(|(_, number)| *number).collect();
        transaction
            .execute(
                "INSERT INTO mapping_statuses (ingest_id, status, mappings)
                 SELECT $1, * FROM UNNEST($2::text[], $3::bigint[])",
                &[&ingest_id, &statuses, &numbers],
            )
            .map_err(fail)?;
    }
    insert_rows(&mut transaction, prepared, ingest_id).map_err(fail)?;
    // An older capture ingested late is history: the latest stays the latest collected.
    transaction
        .execute(
            "UPDATE machines SET latest_ingest_id = $1
             WHERE id = $2 AND (latest_ingest_id IS NULL
                 OR (SELECT collected_at FROM ingests WHERE id = machines.latest_ingest_id) <= $3)",
            &[&ingest_id, &machine_id, &input.collected_at],
        )
        .map_err(fail)?;
    transaction.commit().map_err(fail)?;
    Ok(IngestOutcome::Added { ingest_id })
}

/// Every row table's rows, one statement per table: each column is sent as one array and
/// `UNNEST` turns the arrays back into rows on the server.
fn insert_rows(
    transaction: &mut Transaction<'_>,
    prepared: &PreparedIngest<'_>,
    ingest_id: i64,
) -> Result<(), ::postgres::Error> {
    let record = prepared.input.record;
    if !record.sites.is_empty() {
        let names: Vec<&str> = record.sites.iter().map(|site| site.name.as_str()).collect();
        let ids: Vec<Option<i64>> = record.sites.iter().map(|site| site.site_id).collect();
        let servers: Vec<&str> = record.sites.iter().map(|site| site.server).collect();
        transaction.execute(
            "INSERT INTO sites (ingest_id, name, site_id, server)
             SELECT $1, * FROM UNNEST($2::text[], $3::bigint[], $4::text[])",
            &[&ingest_id, &names, &ids, &servers],
        )?;
    }
    if !record.bindings.is_empty() {
        let bindings = &record.bindings;
        let sites: Vec<&str> = bindings.iter().map(|binding| binding.site.as_str()).collect();
        let protocols: Vec<&str> = bindings.iter().map(|binding| binding.protocol.as_str()).collect();
        let informations: Vec<&str> = bindings.iter().map(|binding| binding.binding.as_str()).collect();
        let ips: Vec<Option<&str>> = bindings.iter().map(|binding| binding.ip.as_deref()).collect();
        let ports: Vec<Option<i64>> = bindings.iter().map(|binding| binding.port).collect();
        let hosts: Vec<Option<&str>> = bindings.iter().map(|binding| binding.host.as_deref()).collect();
        let flags: Vec<i64> = bindings.iter().map(|binding| binding.ssl_flags).collect();
        let expected_kinds: Vec<Option<&str>> = bindings
            .iter()
            .map(|binding| binding.expected_mapping.as_ref().map(|pair| pair.0.as_str()))
            .collect();
        let expected_keys: Vec<Option<&str>> = bindings
            .iter()
            .map(|binding| binding.expected_mapping.as_ref().map(|pair| pair.1.as_str()))
            .collect();
        let effective_kinds: Vec<Option<&str>> = bindings
            .iter()
            .map(|binding| binding.effective_mapping.as_ref().map(|pair| pair.0.as_str()))
            .collect();
        let effective_keys: Vec<Option<&str>> = bindings
            .iter()
            .map(|binding| binding.effective_mapping.as_ref().map(|pair| pair.1.as_str()))
            .collect();
        let hashes: Vec<Option<&str>> =
            bindings.iter().map(|binding| binding.certificate_hash.as_deref()).collect();
        transaction.execute(
            "INSERT INTO bindings (ingest_id, site, protocol, binding, ip, port, host, ssl_flags, expected_kind,
                 expected_key, effective_kind, effective_key, certificate_hash)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
                 $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])",
            &[
                &ingest_id,
                &sites,
                &protocols,
                &informations,
                &ips,
                &ports,
                &hosts,
                &flags,
                &expected_kinds,
                &expected_keys,
                &effective_kinds,
                &effective_keys,
                &hashes,
            ],
        )?;
    }
    if !record.mappings.is_empty() {
        let mappings = &record.mappings;
        let kinds: Vec<&str> = mappings.iter().map(|mapping| mapping.kind).collect();
        let keys: Vec<&str> = mappings.iter().map(|mapping| mapping.key.as_str()).collect();
        let ports: Vec<i64> = mappings.iter().map(|mapping| mapping.port).collect();
        let hosts: Vec<Option<&str>> = mappings.iter().map(|mapping| mapping.host.as_deref()).collect();
        let hashes: Vec<Option<&str>> =
            mappings.iter().map(|mapping| mapping.certificate_hash.as_deref()).collect();
        let stores: Vec<Option<&str>> =
            mappings.iter().map(|mapping| mapping.certificate_store.as_deref()).collect();
        let app_ids: Vec<Option<&str>> = mappings.iter().map(|mapping| mapping.app_id.as_deref()).collect();
        let owners: Vec<Option<&str>> = mappings.iter().map(|mapping| mapping.owner).collect();
        let statuses: Vec<&str> = mappings.iter().map(|mapping| mapping.status).collect();
        let used_by: Vec<i64> = mappings.iter().map(|mapping| mapping.used_by).collect();
        transaction.execute(
            "INSERT INTO mappings (ingest_id, kind, key, port, host, certificate_hash, certificate_store, app_id,
                 owner, status, used_by)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                 $8::text[], $9::text[], $10::text[], $11::bigint[])",
            &[&ingest_id, &kinds, &keys, &ports, &hosts, &hashes, &stores, &app_ids, &owners, &statuses, &used_by],
        )?;
    }
    if !record.certificates.is_empty() {
        let certificates = &record.certificates;
        let thumbprints: Vec<&str> =
            certificates.iter().map(|certificate| certificate.thumbprint.as_str()).collect();
        let subjects: Vec<&str> =
            certificates.iter().map(|certificate| certificate.subject.as_str()).collect();
        let issuers: Vec<&str> = certificates.iter().map(|certificate| certificate.issuer.as_str()).collect();
        let serials: Vec<&str> = certificates.iter().map(|certificate| certificate.serial.as_str()).collect();
        let dns_names: Vec<String> =
            certificates.iter().map(|certificate| join_list(&certificate.dns_names)).collect();
        let not_befores: Vec<i64> = certificates.iter().map(|certificate| certificate.not_before).collect();
        let not_afters: Vec<i64> = certificates.iter().map(|certificate| certificate.not_after).collect();
        let stores: Vec<Option<&str>> =
            certificates.iter().map(|certificate| certificate.store.as_deref()).collect();
        let keys: Vec<Option<bool>> =
            certificates.iter().map(|certificate| certificate.has_private_key).collect();
        transaction.execute(
            "INSERT INTO certificates (ingest_id, thumbprint, subject, issuer, serial, dns_names, not_before,
                 not_after, store, has_private_key)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                 $8::bigint[], $9::text[], $10::boolean[])",
            &[&ingest_id, &thumbprints, &subjects, &issuers, &serials, &dns_names, &not_befores, &not_afters, &stores, &keys],
        )?;
    }
    if !record.findings.is_empty() {
        let findings = &record.findings;
        let codes: Vec<&str> = findings.iter().map(|finding| finding.code).collect();
        let severities: Vec<&str> = findings.iter().map(|finding| finding.severity).collect();
        let messages: Vec<&str> = findings.iter().map(|finding| finding.message.as_str()).collect();
        let sites: Vec<Option<&str>> = findings.iter().map(|finding| finding.site.as_deref()).collect();
        let bindings: Vec<Option<&str>> = findings.iter().map(|finding| finding.binding.as_deref()).collect();
        let kinds: Vec<Option<&str>> =
            findings.iter().map(|finding| finding.mapping.as_ref().map(|pair| pair.0.as_str())).collect();
        let keys: Vec<Option<&str>> =
            findings.iter().map(|finding| finding.mapping.as_ref().map(|pair| pair.1.as_str())).collect();
        let hashes: Vec<Option<&str>> =
            findings.iter().map(|finding| finding.certificate_hash.as_deref()).collect();
        let fixes: Vec<Option<&str>> = findings.iter().map(|finding| finding.fix.as_deref()).collect();
        transaction.execute(
            "INSERT INTO findings (ingest_id, code, severity, message, site, binding, mapping_kind, mapping_key,
                 certificate_hash, fix)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::text[], $9::text[], $10::text[])",
            &[&ingest_id, &codes, &severities, &messages, &sites, &bindings, &kinds, &keys, &hashes, &fixes],
        )?;
    }
    if !record.reservations.is_empty() {
        let reservations = &record.reservations;
        let urls: Vec<&str> = reservations.iter().map(|reservation| reservation.url.as_str()).collect();
        let users: Vec<String> =
            reservations.iter().map(|reservation| join_list(&reservation.users)).collect();
        let sddls: Vec<Option<&str>> =
            reservations.iter().map(|reservation| reservation.sddl.as_deref()).collect();
        transaction.execute(
            "INSERT INTO reservations (ingest_id, url, users, sddl)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[])",
            &[&ingest_id, &urls, &users, &sddls],
        )?;
    }
    Ok(())
}
