-- Schema version 1: the inventory, the import history, settings and scenarios.
--
-- Append-only: once released, this file never changes. A later schema is a
-- new folder `NNNN-name/up.sql` listed after this one in `src/schema.rs`.
--
-- Inventory ids are positions: `id` equals the record's index in its vector
-- of `Estate`, and records are loaded `ORDER BY id`. Vocabulary values are
-- stored as their canonical spelling, dates as ISO 8601 text, lists and
-- maps as JSON text.

CREATE TABLE servers (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    fqdn                TEXT,
    ip_addresses        TEXT NOT NULL DEFAULT '[]',  -- JSON array of text
    mac_addresses       TEXT NOT NULL DEFAULT '[]',  -- JSON array of text
    os_family           TEXT,
    os_name             TEXT,
    os_version          TEXT,
    cores               INTEGER,
    memory_gb           REAL,
    disk_provisioned_gb REAL,
    disk_used_gb        REAL,
    environment         TEXT,
    site                TEXT,
    datacenter          TEXT,
    cluster             TEXT,
    power_state         TEXT,
    kind                TEXT,
    device_class        TEXT,
    tags                TEXT NOT NULL DEFAULT '{}',  -- JSON object, text to text
    provenance          TEXT NOT NULL DEFAULT '{}'   -- JSON object, field to source
) STRICT;

CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    owner              TEXT,
    business_unit      TEXT,
    tier               TEXT,
    rto_minutes        INTEGER,
    rpo_minutes        INTEGER,
    strategy           TEXT,
    compliance         TEXT NOT NULL DEFAULT '[]',   -- JSON array of text
    maintenance_window TEXT,                         -- JSON object {days, start, minutes}
    dr_current         TEXT,
    dr_target          TEXT,
    environment        TEXT,
    copy_of            TEXT,
    role               TEXT,
    tags               TEXT NOT NULL DEFAULT '{}',
    provenance         TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE datastores (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    kind              TEXT,
    engine            TEXT,
    size_gb           REAL,
    change_gb_per_day REAL,
    server_id         INTEGER REFERENCES servers (id),
    method            TEXT,
    tags              TEXT NOT NULL DEFAULT '{}',
    provenance        TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX datastores_server ON datastores (server_id);

-- Membership keeps the order of `Application::servers` in `position`.
CREATE TABLE application_servers (
    app_id    INTEGER NOT NULL REFERENCES applications (id),
    position  INTEGER NOT NULL,
    server_id INTEGER NOT NULL REFERENCES servers (id),
    PRIMARY KEY (app_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX application_servers_server ON application_servers (server_id);

CREATE TABLE application_datastores (
    app_id       INTEGER NOT NULL REFERENCES applications (id),
    position     INTEGER NOT NULL,
    datastore_id INTEGER NOT NULL REFERENCES datastores (id),
    PRIMARY KEY (app_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX application_datastores_datastore ON application_datastores (datastore_id);

CREATE TABLE externals (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

-- Endpoints are polymorphic (kind + id), so they carry no foreign key; the
-- store checks them on save and on load. No secondary index: the table is
-- written and read whole, and an index would slow a million-row save.
CREATE TABLE dependencies (
    id                INTEGER PRIMARY KEY,
    from_kind         TEXT NOT NULL,     -- server, application, datastore, external
    from_id           INTEGER NOT NULL,
    to_kind           TEXT NOT NULL,
    to_id             INTEGER NOT NULL,
    port              INTEGER,
    protocol          TEXT NOT NULL,
    kind              TEXT NOT NULL,
    weight            REAL NOT NULL,
    latency_sensitive INTEGER NOT NULL,  -- 0 or 1
    first_seen        TEXT,              -- YYYY-MM-DD
    last_seen         TEXT,              -- YYYY-MM-DD
    source            TEXT NOT NULL
) STRICT;

-- `payload` is the whole constraint as JSON, tagged with its kind;
-- `kind` repeats the tag for queries.
CREATE TABLE constraints (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload))
) STRICT;

CREATE TABLE excluded (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    reason TEXT NOT NULL
) STRICT;

-- One row per import, appended in the transaction that replaced the inventory.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,                             -- RFC 3339, UTC
    files       TEXT NOT NULL CHECK (json_valid(files)),   -- JSON array of text
    summary     TEXT NOT NULL CHECK (json_valid(summary))  -- JSON, written by the caller
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;

-- Named plans. Config and plan are JSON written by the caller.
CREATE TABLE scenarios (
    name       TEXT PRIMARY KEY,
    config     TEXT NOT NULL CHECK (json_valid(config)),
    plan       TEXT NOT NULL CHECK (json_valid(plan)),
    created_at TEXT NOT NULL,  -- RFC 3339, UTC
    updated_at TEXT NOT NULL   -- RFC 3339, UTC
) STRICT;
