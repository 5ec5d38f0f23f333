//! Native file dialogs (tauri-plugin-dialog), opened from the shell so the
//! front end never names a path: files reach the app only through a dialog
//! or a drop.
//!
//! The end-to-end tests cannot click a native dialog; they start the app
//! with `--dialog-answers FILE`, a file of answers (one a line, several
//! paths separated by `|`, an empty line for "cancelled"), read at start.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::state::{AppState, lock};

/// Loads the test answers of `--dialog-answers FILE`.
pub fn load_answers(state: &AppState, file: &std::path::Path) {
    if let Ok(text) = std::fs::read_to_string(file) {
        state.answer_dialogs(text.lines().map(str::to_string).collect());
    }
}

fn answer<R: Runtime>(app: &AppHandle<R>) -> Option<Option<Vec<PathBuf>>> {
    let state = app.state::<AppState>();
    let mut answers = lock(&state.dialog_answers);
    answers.pop().map(|line| {
        let paths: Vec<PathBuf> = line.split('|').filter(|p| !p.is_empty()).map(PathBuf::from).collect();
        (!paths.is_empty()).then_some(paths)
    })
}

/// Files to import; none when cancelled.
pub fn pick_files<R: Runtime>(app: &AppHandle<R>) -> Option<Vec<PathBuf>> {
    if let Some(answer) = answer(app) {
        return answer;
    }
    app.dialog()
        .file()
        .set_title("Import inventory files")
        .add_filter("Inventories", &["csv", "xlsx", "xls", "txt", "log", "tsv"])
        .add_filter("All files", &["*"])
        .blocking_pick_files()
        .map(|files| files.into_iter().filter_map(|f| f.into_path().ok()).collect())
}

/// A project to open; none when cancelled.
pub fn pick_project<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    if let Some(answer) = answer(app) {
        return answer.and_then(|p| p.into_iter().next());
    }
    app.dialog()
        .file()
        .set_title("Open project")
        .add_filter("Waveplan projects", &["waveplan"])
        .blocking_pick_file()
        .and_then(|f| f.into_path().ok())
}

/// Where to save; none when cancelled.
pub fn save_as<R: Runtime>(app: &AppHandle<R>, title: &str, suggested: &str, extension: &str) -> Option<PathBuf> {
    if let Some(answer) = answer(app) {
        return answer.and_then(|p| p.into_iter().next());
    }
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(extension, &[extension])
        .blocking_save_file()
        .and_then(|f| f.into_path().ok())
}
