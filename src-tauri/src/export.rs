//! Exports of the plan: every format the export crate offers, written
//! atomically where the user chose. This is the one place that calls the
//! export crate.

use std::io::Write;
use std::path::{Path, PathBuf};

use waveplan_core::{Estate, Plan};
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

/// Writes the plan in `format` at `target` (a file, or a folder for the CSV tables).
pub fn write(estate: &Estate, plan: &Plan, scenario: &str, format: &str, target: &Path) -> AppResult<ExportOutcome> {
    let format = Format::parse(format)
        .ok_or_else(|| AppError::NotFound { what: "export format".into(), name: format.into() })?;
    let options = Options {
        scenario: Some(scenario.to_string()),
        generated_at: Some(chrono::Utc::now().naive_utc()),
        ..Options::default()
    };
    let files: Vec<(PathBuf, Vec<u8>)> = if format == Format::Csv {
        std::fs::create_dir_all(target).map_err(|e| AppError::io(target, e))?;
        waveplan_export::files(format, estate, plan, &options)?
            .into_iter()
            .map(|f| (target.join(f.name), f.bytes))
            .collect()
    } else {
        let mut bytes = Vec::new();
        waveplan_export::write(format, estate, plan, &options, &mut bytes)?;
        vec![(target.to_path_buf(), bytes)]
    };
    let mut written = Vec::new();
    let mut total = 0usize;
    for (path, bytes) in files {
        write_atomically(&path, &bytes)?;
        total += bytes.len();
        written.push(path.display().to_string());
    }
    Ok(ExportOutcome { written, bytes: u32::try_from(total).unwrap_or(u32::MAX) })
}

/// Writes through a temporary file in the same folder renamed into place,
/// so a failed write never leaves half a file under the target name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> AppResult<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| AppError::io(dir, e))?;
    file.write_all(bytes).map_err(|e| AppError::io(path, e))?;
    file.as_file().sync_all().map_err(|e| AppError::io(path, e))?;
    file.persist(path).map_err(|e| AppError::io(path, e.error))?;
    Ok(())
}
