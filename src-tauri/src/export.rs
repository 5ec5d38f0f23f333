//! Exports of the plan: the formats the export screen offers and the file
//! name the save dialog suggests; the writing is the session's.

use std::path::Path;

use waveplan_app::Session;
use waveplan_export::{Format, Options};

use crate::error::{AppError, AppResult};
use crate::wire::{ExportFormatView, ExportOutcome};

/// The formats offered, in the export crate's order (the workbook first).
pub fn formats() -> Vec<ExportFormatView> {
    Format::ALL
        .iter()
        .map(|&f| ExportFormatView {
            id: f.id().into(),
            label: f.description().into(),
            extension: f.extension().into(),
            folder: f == Format::Csv,
            carries_history: f.carries_audit(),
        })
        .collect()
}

/// The file name suggested in the save dialog.
pub fn suggested_name(project: &str, format: &str) -> String {
    match Format::parse(format) {
        Some(Format::Csv) => format!("{project}-plan"),
        Some(f) => format!("{project}-plan.{}", f.extension()),
        None => format!("{project}-plan"),
    }
}

/// Writes the session's plan in `format` at `target` (a file, or a folder
/// for the CSV tables), with the audit trail as an appendix when asked (and
/// the format carries one).
pub fn write(session: &Session, format: &str, with_history: bool, target: &Path) -> AppResult<ExportOutcome> {
    let format = Format::parse(format)
        .ok_or_else(|| AppError::NotFound { what: "export format".into(), name: format.into() })?;
    let audit = if with_history && format.carries_audit() { Some(session.audit_appendix()?) } else { None };
    let exported = session.export(format, target, Options { audit, ..Options::default() })?;
    Ok(ExportOutcome {
        written: exported.written.iter().map(|p| p.display().to_string()).collect(),
        bytes: u32::try_from(exported.bytes).unwrap_or(u32::MAX),
        notes: exported.notes,
    })
}
