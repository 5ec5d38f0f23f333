//! "Open the sample hospital": the sample compiled into `waveplan-import`
//! (so it works from an installed package), imported by the session into a
//! project in the user's data folder.

use std::path::Path;

use waveplan_app::Session;

use crate::error::{AppError, AppResult};

/// Creates the sample project at `path` (imported, not yet planned), or
/// leaves the one there, with the user's work in it.
pub fn ensure(path: &Path) -> AppResult<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
    }
    let mut session = Session::create(path)?;
    if let Err(error) = session.import_sample() {
        // A project that could not be filled is not left half made.
        drop(session);
        let _ = std::fs::remove_file(path);
        return Err(error.into());
    }
    Ok(())
}
