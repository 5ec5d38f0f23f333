//! The `.waveplan` project file: an SQLite database holding the inventory,
//! the import history, settings, scenarios (named plans and their change
//! journals), the undo and redo history and an audit trail.
//!
//! Architecture invariant: this is the only crate that knows SQL. Callers see
//! [`Project`] and domain types from `waveplan-core`; tables, statements and
//! migrations stay inside. Plans are stored as JSON text handed over by the
//! caller, so this crate does not depend on the planner's types.
//!
//! Every change is made in one transaction, [`Project::write`]: what a user
//! action writes (inventory, plan, settings, undo step, audit entry) lands
//! together or not at all. One process writes a project at a time (a lock
//! file beside it names the holder, see [`Owner`]); others may open it
//! [`Access::ReadOnly`]. A write after another connection changed the file is
//! refused ([`StoreError::ChangedOutside`]). A file holding a trigger or a
//! view is refused untouched ([`StoreError::Untrusted`]).
//!
//! The schema is versioned with `PRAGMA user_version` and upgraded by
//! append-only migrations (see [`MIGRATIONS`]), after a copy of the file is
//! made ([`Project::backup`]). A file written by a newer Waveplan is refused
//! with [`StoreError::NewerSchema`] and left untouched.
//!
//! ```
//! use waveplan_store::Project;
//! # fn main() -> Result<(), waveplan_store::StoreError> {
//! let mut project = Project::open_in_memory()?;
//! project.write(|w| {
//!     w.replace_estate(&waveplan_core::Estate::default())?;
//!     w.set_setting("wave_size", &20)
//! })?;
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
