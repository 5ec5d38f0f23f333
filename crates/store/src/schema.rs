//! The schema: the list of migrations and the markers that identify a project file.
//!
//! Migrations are append-only. A released migration is never edited: a change
//! to the schema is a new `migrations/NNNN-name/up.sql` appended to
//! [`MIGRATION_LIST`]. `PRAGMA user_version` holds the number of migrations
//! applied; `PRAGMA application_id` marks the file as a Waveplan project.
//!
//! This module must not change a released migration.

use rusqlite_migration::{M, Migrations};

/// `PRAGMA application_id` of every project file: `WAVE` in ASCII.
pub const APPLICATION_ID: i32 = 0x5741_5645;

/// The migrations, oldest first. Append only.
const MIGRATION_LIST: &[M<'static>] = &[
    M::up(include_str!("../migrations/0001-inventory/up.sql")).comment("inventory, imports, settings, scenarios"),
    M::up(include_str!("../migrations/0002-infrastructure-dependencies/up.sql"))
        .comment("shared-infrastructure role of dependencies"),
    M::up(include_str!("../migrations/0003-undo-history/up.sql")).comment("undo and redo history"),
    M::up(include_str!("../migrations/0004-audit-journal-identity/up.sql"))
        .comment("audit trail, plan change journal, project identifier, imported file hashes"),
    M::up(include_str!("../migrations/0005-plan-change-times/up.sql")).comment("when each plan change was made"),
];

/// The migrations that bring a project file to [`SCHEMA_VERSION`].
pub const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_LIST);

/// The newest schema version this build reads and writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: u32 = MIGRATION_LIST.len() as u32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_validate() {
        assert!(MIGRATIONS.validate().is_ok(), "{:?}", MIGRATIONS.validate());
    }

    #[test]
    fn application_id_spells_wave() {
        assert_eq!(&APPLICATION_ID.to_be_bytes(), b"WAVE");
    }
}
