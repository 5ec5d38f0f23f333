//! A clean copy of a project to hand to someone else (a vendor, an auditor):
//! the inventory, the import records, the settings and the plans as they are
//! now, and nothing of how they got there.
//!
//! The copy is a new project file, written from the values rather than copied
//! from the file's pages, so no undo step, journal change or earlier audit
//! entry is left in it, not even in free pages; it is vacuumed all the same.
//!
//! This module must not change the project it copies from.

use std::path::Path;

use crate::audit::AuditEntry;
use crate::error::{StoreError, sql};
use crate::lock::Owner;
use crate::project::Project;

impl Project {
    /// Writes a new project at `dest` (refusing an existing file) holding the
    /// current inventory, import records and settings, and `plans`
    /// (`(scenario, config_json, plan_json)`, each journal folded in by the
    /// caller) as its scenarios, with no undo or redo history, no plan
    /// journal and no earlier audit entries: one audit entry, `entry`, says
    /// it was made.
    pub fn share(&self, dest: &Path, plans: &[(String, String, String)], entry: &AuditEntry) -> Result<(), StoreError> {
        // Read in three steps: this project holds the file's only write lock,
        // so nothing changes between them.
        let estate = self.load_estate()?;
        let imports = self.imports()?;
        let settings: Vec<(String, String)> = self
            .conn
            .prepare("SELECT key, value FROM settings ORDER BY key")
            .and_then(|mut stmt| stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect())
            .map_err(sql("reading the settings to share"))?;

        let mut copy = Project::create_with(dest, Owner::current())?;
        let written = copy.write(|w| {
            w.replace_estate(&estate)?;
            for import in &imports {
                w.record_import(import)?;
            }
            for (key, json) in &settings {
                w.set_setting_json(key, json)?;
            }
            for (scenario, config_json, plan_json) in plans {
                w.save_plan(scenario, config_json, plan_json)?;
            }
            w.append_audit(entry)
        });
        let result = written.and_then(|_| {
            // Nothing was deleted in a new file, but a page freed on the way
            // (the empty tables cleared) must not carry anything either.
            copy.conn.execute_batch("VACUUM").map_err(sql("compacting the shared copy"))
        });
        if result.is_err() {
            drop(copy);
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut name = dest.as_os_str().to_owned();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
        }
        result
    }
}
