//! Writers that turn a Waveplan estate and plan into bytes: the plan as JSON,
//! the plan as CSV tables, and the estate in the native CSV format.
//!
//! Architecture invariant: writers take data and an `impl Write` (or return
//! bytes); they never open files or choose paths. Every string that came
//! from an inventory is treated as hostile: CSV cells are neutralised against
//! formula injection.

#![warn(missing_docs)]

pub mod error;
pub mod json;
pub mod native;
pub mod table;

pub use error::ExportError;
