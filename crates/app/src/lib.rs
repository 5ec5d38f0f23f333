//! The project session: one open `.waveplan` project and every user action
//! on it, written once for both front ends (the desktop shell in
//! `src-tauri` and the `waveplan` command in `crates/cli`).
//!
//! Each action (import, plan and re-plan, settings, move, pin, field edits,
//! proposals accepted, the shared-infrastructure list, column mappings,
//! scenarios, undo and redo) is a method of [`Session`] and is written to
//! the project file as one transaction: the inventory rows it changed, the
//! plan (or a delta of it), the settings, its undo step and its audit entry
//! land together or not at all ([`Session::act`]). A project has one writer
//! at a time (the store's lock); a second is refused naming the holder.
//!
//! Architecture invariant: no wire format, no terminal, no Tauri, no SQL.
//! The front ends convert arguments into calls here and answers into what
//! they show; a rule about the plan, the inventory or the file lives here
//! or below, never in a front end.

#![warn(missing_docs)]

mod actions;
mod audit;
mod error;
mod export;
mod import;
mod session;
mod whatif;

pub use actions::{PlanningValue, check_config, config_problems, set_applications_field};
pub use error::{Error, Result};
pub use export::{Exported, write_atomically};
pub use import::{
    FilePreview, ImportFile, ImportOptions, Preview, ReadReport, Staged, check_mapping, first_table, mapped_table,
    unreadable,
};
pub use session::{Actor, Audit, BOARD_SCENARIO_SETTING, DEFAULT_SCENARIO, Draft, Session, next_monday};
pub use whatif::{EARLIER_WAVES, Explanation, Moved};
