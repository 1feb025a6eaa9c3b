-- The fleet database, PostgreSQL: machines, their ingests, the snapshots they stored (one row per
-- distinct content) and the rows of each ingest. The SQLite schema has the same tables and
-- columns. Lists (dns_names, users) are one text column joined by "\n", which no DNS name or
-- account name holds. Every row table has an index on ingest_id (the latest ingests are joined
-- through machines.latest_ingest_id) plus the indexes the cross-machine questions need.

CREATE TABLE machines (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SHA-256 hex of the name: unique and short however long the name is.
    name_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    latest_ingest_id BIGINT
);
CREATE INDEX machines_latest_ingest ON machines (latest_ingest_id);

CREATE TABLE snapshots (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL
);

CREATE TABLE ingests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    machine_id BIGINT NOT NULL REFERENCES machines (id),
    collected_at BIGINT NOT NULL,
    ingested_at BIGINT NOT NULL,
    content_hash TEXT NOT NULL REFERENCES snapshots (content_hash),
    sites BIGINT NOT NULL,
    bindings BIGINT NOT NULL,
    mappings BIGINT NOT NULL,
    certificates BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    warnings BIGINT NOT NULL,
    infos BIGINT NOT NULL
);
CREATE INDEX ingests_machine ON ingests (machine_id, collected_at);

-- The mappings of an ingest counted by status, written with the ingest, so that the machine
-- list reads a few rows per machine instead of counting every mapping of the fleet.
CREATE TABLE mapping_statuses (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    status TEXT NOT NULL,
    mappings BIGINT NOT NULL
);
CREATE INDEX mapping_statuses_ingest ON mapping_statuses (ingest_id);

CREATE TABLE sites (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    name TEXT NOT NULL,
    site_id BIGINT,
    server TEXT NOT NULL
);
CREATE INDEX sites_ingest ON sites (ingest_id);

CREATE TABLE bindings (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    site TEXT NOT NULL,
    protocol TEXT NOT NULL,
    binding TEXT NOT NULL,
    ip TEXT,
    port BIGINT,
    host TEXT,
    ssl_flags BIGINT NOT NULL,
    expected_kind TEXT,
    expected_key TEXT,
    effective_kind TEXT,
    effective_key TEXT,
    certificate_hash TEXT
);
CREATE INDEX bindings_ingest ON bindings (ingest_id);
CREATE INDEX bindings_certificate ON bindings (certificate_hash);
-- Host names and keys are written by site owners and may be longer than a btree entry can
-- be (about 2.7 kB); the questions only compare them for equality, which a hash index serves
-- at any length.
CREATE INDEX bindings_host ON bindings USING hash (host);

CREATE TABLE mappings (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    port BIGINT NOT NULL,
    host TEXT,
    certificate_hash TEXT,
    certificate_store TEXT,
    app_id TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    used_by BIGINT NOT NULL
);
CREATE INDEX mappings_ingest ON mappings (ingest_id);
CREATE INDEX mappings_certificate ON mappings (certificate_hash);
CREATE INDEX mappings_host ON mappings USING hash (host);
CREATE INDEX mappings_key ON mappings USING hash (key);

CREATE TABLE certificates (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    thumbprint TEXT NOT NULL,
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    serial TEXT NOT NULL,
    dns_names TEXT NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    store TEXT,
    has_private_key BOOLEAN
);
CREATE INDEX certificates_ingest ON certificates (ingest_id);
CREATE INDEX certificates_thumbprint ON certificates (thumbprint);
CREATE INDEX certificates_not_after ON certificates (not_after);

CREATE TABLE findings (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    site TEXT,
    binding TEXT,
    mapping_kind TEXT,
    mapping_key TEXT,
    certificate_hash TEXT,
    fix TEXT
);
CREATE INDEX findings_ingest ON findings (ingest_id);

CREATE TABLE reservations (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    url TEXT NOT NULL,
    users TEXT NOT NULL,
    sddl TEXT
);
CREATE INDEX reservations_ingest ON reservations (ingest_id);
