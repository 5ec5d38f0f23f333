//! Readers that turn the bytes of inventory and dependency exports into
//! Waveplan records plus diagnostics with file, line and column.
//!
//! Architecture invariant: readers take bytes (`&[u8]`), never paths; they do
//! not fail and do not panic on bad input, they report it. Opening files is
//! the caller's business (the CLI, the desktop shell).

#![warn(missing_docs)]

pub mod native;
pub mod text;

pub use native::{Imported, Input, read_native};
