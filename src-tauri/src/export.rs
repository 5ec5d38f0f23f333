//! Exports of the plan: the formats the export crate offers, written
//! atomically where the user chose. This is the one place that knows the
//! export crate's entry points, so its single public entry can replace them.

use std::io::Write;
use std::path::{Path, PathBuf};

use waveplan_core::{Estate, Plan};

use crate::error::{AppError, AppResult};
use crate::wire::{ExportFormatView, ExportOutcome};

/// The formats offered, richest first.
pub fn formats() -> Vec<ExportFormatView> {
    let format = |id: &str, label: &str, extension: &str, folder: bool| ExportFormatView {
        id: id.into(),
        label: label.into(),
        extension: extension.into(),
        folder,
    };
    vec![
        format("csv", "Plan tables (CSV, one file per table)", "csv", true),
        format("json", "Plan document (JSON)", "json", false),
    ]
}

/// The file name suggested in the save dialog.
pub fn suggested_name(project: &str, format: &str) -> String {
    match format {
        "csv" => format!("{project}-plan"),
        other => format!("{project}-plan.{other}"),
    }
}

/// Writes the plan in `format` at `target` (a file, or a folder for tables).
pub fn write(estate: &Estate, plan: &Plan, format: &str, target: &Path) -> AppResult<ExportOutcome> {
    let files: Vec<(PathBuf, Vec<u8>)> = match format {
        "json" => {
            let mut bytes = Vec::new();
            waveplan_export::json::write_plan_json(plan, &mut bytes)?;
            vec![(target.to_path_buf(), bytes)]
        }
        "csv" => {
            std::fs::create_dir_all(target).map_err(|e| AppError::io(target, e))?;
            waveplan_export::table::plan_tables(estate, plan)?.into_iter().map(|(name, bytes)| (target.join(name), bytes)).collect()
        }
        other => return Err(AppError::NotFound { what: "export format".into(), name: other.into() }),
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
