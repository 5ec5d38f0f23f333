-- Schema version 4: the audit trail, the plan change journal, the project's
-- identifier and the hashes of imported files.
--
-- Append-only, like every migration before it.

-- One row per user action, appended in the action's own transaction. Each
-- entry is chained to the one before it: `hash` is the SHA-256 of `previous`
-- and the entry's fields (the encoding is in `src/audit.rs`), `previous` is
-- the hash of the entry before, 64 zeros for the first. Sequences run
-- 1, 2, 3, ... without gaps.
CREATE TABLE audit (
    sequence INTEGER PRIMARY KEY,
    time     TEXT NOT NULL,                              -- RFC 3339, UTC
    user     TEXT NOT NULL,
    host     TEXT NOT NULL,
    action   TEXT NOT NULL,
    summary  TEXT NOT NULL,
    subjects TEXT NOT NULL CHECK (json_valid(subjects)),  -- JSON array of text
    previous TEXT NOT NULL,                              -- hex SHA-256
    hash     TEXT NOT NULL                               -- hex SHA-256
) STRICT;

-- The chain's head, written in the same transaction as each entry: the
-- number of entries and the last hash, so that removing the last entries
-- (which leaves an intact, shorter chain) is detected too.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    entries   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
) STRICT;

INSERT INTO audit_head (id, entries, last_hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The changes made to a scenario's plan since it was last saved whole, in
-- order: JSON written by the caller (forward plan deltas), applied on top of
-- `scenarios.plan`. They follow their scenario when it is renamed and go
-- with it when it is deleted.
CREATE TABLE plan_changes (
    scenario TEXT NOT NULL REFERENCES scenarios (name) ON UPDATE CASCADE ON DELETE CASCADE,
    position INTEGER NOT NULL,
    change   TEXT NOT NULL CHECK (json_valid(change)),
    PRIMARY KEY (scenario, position)
) STRICT, WITHOUT ROWID;

-- One row: a random identifier made when the file was created or upgraded
-- to this version, kept for the life of the project.
CREATE TABLE project (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    project_id TEXT NOT NULL
) STRICT;

INSERT INTO project (id, project_id) VALUES (1, lower(hex(randomblob(16))));

-- Hex SHA-256 of each imported file, in the order of `files`; empty for
-- imports recorded before this version.
ALTER TABLE imports ADD COLUMN file_hashes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(file_hashes));
