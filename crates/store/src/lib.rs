//! The `.waveplan` project file: an SQLite database holding the inventory,
//! the import history, settings and scenarios (named plans).
//!
//! Architecture invariant: this is the only crate that knows SQL. Callers see
//! [`Project`] and domain types from `waveplan-core`; tables, statements and
//! migrations stay inside. Plans are stored as JSON text handed over by the
//! caller, so this crate does not depend on the planner's types.
//!
//! The schema is versioned with `PRAGMA user_version` and upgraded by
//! append-only migrations (see [`MIGRATIONS`]). A file written by a newer
//! Waveplan is refused with [`StoreError::NewerSchema`] and left untouched.
//!
//! ```
//! use waveplan_store::Project;
//! # fn main() -> Result<(), waveplan_store::StoreError> {
//! let mut project = Project::open_in_memory()?;
//! project.save_estate(&waveplan_core::Estate::default())?;
//! assert_eq!(project.load_estate()?, waveplan_core::Estate::default());
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod audit;
mod codec;
mod error;
mod estate;
mod history;
mod journal;
mod lock;
mod project;
mod scenario;
mod schema;
mod setting;
mod share;
mod write;

#[cfg(test)]
mod fixture;

pub use audit::{AuditBreak, AuditCheck, AuditEntry, AuditRecord, GENESIS, audit_hash};
pub use error::StoreError;
pub use estate::{ImportRecord, file_hash};
pub use history::{HistoryStep, Stack};
pub use journal::Journal;
pub use lock::{Access, Owner, lock_path};
pub use project::Project;
pub use scenario::ScenarioSummary;
pub use schema::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
pub use setting::keys;
pub use write::Write;
