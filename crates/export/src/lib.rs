//! Writers that turn a Waveplan estate and plan into bytes: the workbook,
//! the HTML (and PDF) report, CSV tables, JSON, the AWS Cloud Migration
//! Factory intake form, dependency diagrams (draw.io, Mermaid, DOT,
//! GraphML), the cutover calendar (ICS), Jira issues, and the estate in the
//! native CSV format.
//!
//! The entry point for every caller (the `waveplan` command, the desktop
//! app) is [`write`] with a [`Format`] and [`Options`], or [`files`] for the
//! CSV tables as separate files.
//!
//! Architecture invariant: writers take data and an `impl Write` (or return
//! bytes); they never open files or choose paths (the PDF printer alone runs
//! a browser, in a private temporary directory). Every string that came
//! from an inventory is treated as hostile: CSV and XLSX cells are
//! neutralised against formula injection, and markup (HTML, SVG, XML,
//! Mermaid, DOT) escapes it.

#![warn(missing_docs)]

mod appendix;
mod chart;
pub mod cmf;
pub mod diagram;
mod dot;
mod drawio;
pub mod error;
pub mod escape;
pub mod format;
mod graphml;
mod html;
pub mod ics;
pub mod jira;
pub mod json;
mod mermaid;
pub mod native;
pub mod pdf;
pub mod table;
pub mod view;
mod xlsx;

pub use appendix::{AuditAppendix, AuditLine};
pub use error::ExportError;
pub use format::{ExportFile, Format, GroupBy, Options, Scope, files, notes, write};
