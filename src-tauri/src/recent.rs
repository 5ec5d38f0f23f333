//! The recent-projects list, kept as JSON in the app's config folder.

use std::path::Path;

use crate::error::{AppError, AppResult};
use crate::wire::RecentProject;

const FILE: &str = "recent.json";
const KEEP: usize = 10;

/// The recent projects, newest first, each saying whether its file is still there.
pub fn list(config_dir: &Path) -> Vec<RecentProject> {
    let mut list: Vec<RecentProject> = std::fs::read(config_dir.join(FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    for entry in &mut list {
        entry.exists = Path::new(&entry.path).is_file();
    }
    list
}

/// Puts `path` at the top of the list.
pub fn remember(config_dir: &Path, path: &Path, name: &str) -> AppResult<()> {
    let mut list = list(config_dir);
    let shown = path.display().to_string();
    list.retain(|r| r.path != shown);
    list.insert(
        0,
        RecentProject { path: shown, name: name.to_string(), opened_at: chrono::Utc::now().to_rfc3339(), exists: true },
    );
    list.truncate(KEEP);
    std::fs::create_dir_all(config_dir).map_err(|e| AppError::io(config_dir, e))?;
    Ok(waveplan_app::write_atomically(&config_dir.join(FILE), &serde_json::to_vec_pretty(&list)?)?)
}

/// Takes `path` off the list (a file moved or deleted, or one the user no
/// longer wants there); the file itself is never touched.
pub fn forget(config_dir: &Path, path: &str) -> AppResult<Vec<RecentProject>> {
    let mut list = list(config_dir);
    let before = list.len();
    list.retain(|r| r.path != path);
    if list.len() != before {
        waveplan_app::write_atomically(&config_dir.join(FILE), &serde_json::to_vec_pretty(&list)?)?;
    }
    Ok(list)
}

/// Removes a project from the recent list; returns the list.
#[tauri::command]
pub async fn forget_recent<R: tauri::Runtime>(app: tauri::AppHandle<R>, path: String) -> AppResult<Vec<RecentProject>> {
    crate::commands::blocking(app, move |_, state| forget(&state.dirs.config, &path)).await
}
