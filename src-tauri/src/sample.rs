//! "Open the sample hospital": the sample compiled into `waveplan-import`
//! (so it works from an installed package), saved as a project.

use std::path::Path;

use waveplan_store::{ImportRecord, Project};

use crate::error::{AppError, AppResult};

/// Creates the sample project at `path` (imported, not yet planned), or
/// leaves the one there, with the user's work in it.
pub fn ensure(path: &Path) -> AppResult<()> {
    if path.exists() {
        return Ok(());
    }
    let (estate, diagnostics) = waveplan_import::sample::hospital();
    if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(AppError::Internal { message: format!("the bundled sample does not import: {error}") });
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
    }
    let mut project = Project::create(path)?;
    let record = ImportRecord {
        files: waveplan_import::sample::HOSPITAL.iter().map(|(name, _)| format!("samples/hospital/{name}")).collect(),
        file_hashes: Vec::new(),
        imported_at: chrono::Utc::now(),
        summary_json: "{}".into(),
    };
    project.save_import(&estate, &record)?;
    Ok(())
}
