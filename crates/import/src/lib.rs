//! Readers that turn the bytes of inventory and dependency exports into
//! Waveplan records plus diagnostics with file, line and column.
//!
//! Architecture invariant: readers take bytes (`&[u8]`), never paths; they do
//! not fail and do not panic on bad input, they report it. Opening files is
//! the caller's business (the CLI, the desktop shell).

#![warn(missing_docs)]

pub mod aws;
pub mod azure;
pub mod connections;
pub mod gmc;
pub mod mapped;
pub mod native;
pub mod progress;
pub mod registry;
pub mod rvtools;
pub mod sample;
pub mod servicenow;
pub mod table;
pub mod text;
pub mod xlsx;

#[cfg(test)]
mod reference;

pub use native::{Imported, Input, read_native};
pub use registry::{Opened, Options, Source, formats, read_sources};

/// A format the importer knows, as `waveplan formats` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatInfo {
    /// The id given to `--format` (`rvtools`, `servicenow-servers`, ...).
    pub id: &'static str,
    /// The name people know it by.
    pub name: &'static str,
    /// How a file is recognised as this format, in words.
    pub recognised_by: &'static str,
}
