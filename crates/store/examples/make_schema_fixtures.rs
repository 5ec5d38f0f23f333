//! Writes the fixtures `crates/store/fixtures/schema-N.waveplan`: small
//! project files of each earlier schema version, for the tests that open,
//! back up and upgrade them.
//!
//! `cargo run -p waveplan-store --example make_schema_fixtures`
//!
//! Each is a fresh file migrated only to version N with
//! `rusqlite_migration`'s `to_version`, filled by SQL valid for that schema
//! (a dependency's `infrastructure` only from 2, undo history only from 3),
//! left in the rollback journal mode with 512-byte pages and vacuumed, so
//! it is one file of a few KB.
//! It writes only the fixtures that are missing: the tests compare backups
//! with these files byte for byte, and a released version's fixture does
//! not change.

use std::path::Path;

use rusqlite::Connection;
use waveplan_store::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};

const SCHEMA_1_ROWS: &str = "
    INSERT INTO servers (id, name, os_family, cores, memory_gb) VALUES (0, 'ehr-db-01', 'linux', 8, 64.0);
    INSERT INTO servers (id, name, os_family, cores, memory_gb) VALUES (1, 'ehr-app-01', 'windows', 4, 16.0);
    INSERT INTO applications (id, name, tier) VALUES (0, 'EHR', 'mission-critical');
    INSERT INTO application_servers (app_id, position, server_id) VALUES (0, 0, 0), (0, 1, 1);
    INSERT INTO imports (id, imported_at, files, summary)
        VALUES (1, '2025-06-01T09:30:00Z', '[\"servers.csv\"]', '{\"servers\":2}');
    INSERT INTO settings (key, value) VALUES ('wave_size', '25');
    INSERT INTO scenarios (name, config, plan, created_at, updated_at)
        VALUES ('baseline', '{}', '{\"waves\":[]}', '2025-06-01T09:31:00Z', '2025-06-01T09:31:00Z');
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&dir)?;
    for version in 1..SCHEMA_VERSION {
        let path = dir.join(format!("schema-{version}.waveplan"));
        if path.exists() {
            continue;
        }
        let mut conn = Connection::open(&path)?;
        // The smallest page keeps a file of twenty near-empty tables at a few KB.
        conn.pragma_update(None, "page_size", 512)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        MIGRATIONS.to_version(&mut conn, version as usize)?;
        conn.execute_batch(SCHEMA_1_ROWS)?;
        let dependency = if version >= 2 {
            "INSERT INTO dependencies (id, from_kind, from_id, to_kind, to_id, port, protocol, kind, weight,
                 latency_sensitive, source, infrastructure)
             VALUES (0, 'server', 1, 'server', 0, 5432, 'tcp', 'observed', 1.0, 1, 'netflow.csv', NULL)"
        } else {
            "INSERT INTO dependencies (id, from_kind, from_id, to_kind, to_id, port, protocol, kind, weight,
                 latency_sensitive, source)
             VALUES (0, 'server', 1, 'server', 0, 5432, 'tcp', 'observed', 1.0, 1, 'netflow.csv')"
        };
        conn.execute_batch(dependency)?;
        if version >= 3 {
            conn.execute_batch("INSERT INTO history (stack, label, snapshot) VALUES ('undo', 'import', '{}')")?;
        }
        if version >= 4 {
            conn.execute_batch("INSERT INTO plan_changes (scenario, position, change) VALUES ('baseline', 0, '{}')")?;
        }
        conn.execute_batch("VACUUM")?;
        drop(conn);
        println!("{}: {} bytes", path.display(), std::fs::metadata(&path)?.len());
    }
    Ok(())
}
