//! The sample community hospital (`samples/hospital`), compiled in so
//! "Open the sample hospital" works from an installed package.

use std::path::Path;

use waveplan_core::Estate;
use waveplan_core::merge::merge;
use waveplan_import::{Input, Options, Source, read_sources};
use waveplan_store::{ImportRecord, Project};

use crate::error::{AppError, AppResult};

const FILES: &[(&str, &[u8])] = &[
    ("servers.csv", include_bytes!("../../samples/hospital/servers.csv")),
    ("devices.csv", include_bytes!("../../samples/hospital/devices.csv")),
    ("applications.csv", include_bytes!("../../samples/hospital/applications.csv")),
    ("datastores.csv", include_bytes!("../../samples/hospital/datastores.csv")),
    ("members.csv", include_bytes!("../../samples/hospital/members.csv")),
    ("dependencies.csv", include_bytes!("../../samples/hospital/dependencies.csv")),
    ("constraints.csv", include_bytes!("../../samples/hospital/constraints.csv")),
];

/// Creates the sample project at `path` (imported, not yet planned), or
/// leaves the one there, with the user's work in it.
pub fn ensure(path: &Path) -> AppResult<()> {
    if path.exists() {
        return Ok(());
    }
    let inputs: Vec<Input<'_>> = FILES.iter().map(|&(name, bytes)| Input { name, bytes }).collect();
    let sources: Vec<&dyn Source> = inputs.iter().map(|i| i as &dyn Source).collect();
    let imported = read_sources(&sources, &Options::default());
    let mut estate = Estate::default();
    let mut diagnostics = imported.diagnostics;
    diagnostics.extend(merge(&mut estate, imported.batch));
    if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(AppError::Internal { message: format!("the bundled sample does not import: {error}") });
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
    }
    let mut project = Project::create(path)?;
    let record = ImportRecord {
        files: FILES.iter().map(|(name, _)| format!("samples/hospital/{name}")).collect(),
        imported_at: chrono::Utc::now(),
        summary_json: "{}".into(),
    };
    project.save_import(&estate, &record)?;
    Ok(())
}
