//! The import screen's commands: stage files (picked or dropped) with
//! progress and a cancel flag, map a spreadsheet of no known format, settle
//! conflicts, save. Thin adapters over the session's import (wire shapes
//! in `import.rs`); each runs on a blocking thread. The page names files by
//! the names the preview showed, never by a path.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

use crate::commands::blocking;
use crate::dialog;
use crate::error::{AppError, AppResult};
use crate::import;
use crate::state::{AppState, lock};
use crate::view;
use crate::wire::{ImportOutcome, ImportPreview};
use crate::wire_import::{ConflictChoice, ImportProgress, MappingInput, MappingView};
use waveplan_app::{ImportFile, ImportOptions, ReadReport};

/// Files picked in a dialog, read and merged into a preview (not saved).
#[tauri::command]
pub async fn pick_import_files<R: Runtime>(
    app: AppHandle<R>,
    on_progress: Channel<ImportProgress>,
) -> AppResult<ImportPreview> {
    blocking(app, move |app, state| {
        let paths = dialog::pick_files(app).ok_or(AppError::Cancelled)?;
        stage(state, paths, &on_progress)
    })
    .await
}

/// The files dropped on the window, read and merged into a preview.
#[tauri::command]
pub async fn stage_dropped_files<R: Runtime>(
    app: AppHandle<R>,
    on_progress: Channel<ImportProgress>,
) -> AppResult<ImportPreview> {
    blocking(app, move |_, state| {
        let paths = std::mem::take(&mut *lock(&state.dropped));
        if paths.is_empty() {
            return Err(AppError::NotFound { what: "dropped file".into(), name: String::new() });
        }
        stage(state, paths, &on_progress)
    })
    .await
}

fn stage(state: &AppState, paths: Vec<PathBuf>, on_progress: &Channel<ImportProgress>) -> AppResult<ImportPreview> {
    restage(state, import::files(paths), ImportOptions::default(), on_progress)
}

/// Reads the files again (with these options) as a cancellable task.
fn restage(
    state: &AppState,
    files: Vec<ImportFile>,
    options: ImportOptions,
    on_progress: &Channel<ImportProgress>,
) -> AppResult<ImportPreview> {
    let task = state.start_task();
    let send = |r: ReadReport| {
        let _ = on_progress.send(progress(task.id, r));
        task.check().is_ok()
    };
    let staged = state.with_session(|session| Ok(session.stage_import(files, options, &send)?));
    state.finish_task(&task);
    let staged = staged?;
    let preview = import::preview(&staged.preview);
    *lock(&state.staged) = Some(staged);
    Ok(preview)
}

fn progress(task: u32, r: ReadReport) -> ImportProgress {
    ImportProgress {
        task,
        stage: r.stage,
        bytes: r.bytes as f64,
        total_bytes: r.total_bytes as f64,
        rows: r.rows as f64,
        seconds: r.seconds,
    }
}

fn staged_path(state: &AppState, file: &str) -> AppResult<PathBuf> {
    let staged = lock(&state.staged);
    let staged = staged.as_ref().ok_or(AppError::NotFound { what: "staged import".into(), name: String::new() })?;
    staged
        .files
        .iter()
        .find(|f| f.shown == file)
        .map(|f| f.path.clone())
        .ok_or_else(|| AppError::NotFound { what: "file in the import".into(), name: file.into() })
}

/// The column mapping offered for a staged file: a saved profile that fits,
/// or the import crate's suggestion for `table`.
#[tauri::command]
pub async fn mapping_for_file<R: Runtime>(
    app: AppHandle<R>,
    file: String,
    table: Option<String>,
) -> AppResult<MappingView> {
    blocking(app, move |_, state| {
        let path = staged_path(state, &file)?;
        state.with_session(|session| import::mapping_view(session, &path, table.as_deref()))
    })
    .await
}

/// Reads a staged file with a column mapping (saved as a profile when
/// `save`), and the import again with it.
#[tauri::command]
pub async fn apply_mapping<R: Runtime>(
    app: AppHandle<R>,
    file: String,
    mapping: MappingInput,
    save: bool,
    on_progress: Channel<ImportProgress>,
) -> AppResult<ImportPreview> {
    blocking(app, move |_, state| {
        let path = staged_path(state, &file)?;
        let mapping = import::mapping_from(mapping, &path)?;
        if save {
            state.with_session(|s| Ok(s.save_mapping(&mapping)?))?;
        }
        let (files, mut options) = {
            let staged = lock(&state.staged);
            let staged =
                staged.as_ref().ok_or(AppError::NotFound { what: "staged import".into(), name: String::new() })?;
            (staged.files.clone(), ImportOptions { policy: Some(staged.policy.clone()), ..staged.options.clone() })
        };
        options.file_mappings.insert(file, mapping);
        restage(state, files, options, &on_progress)
    })
    .await
}

/// Settles one conflict of the staged import: a source's value, a typed
/// value, or back to the source precedence. Saved with the import.
#[tauri::command]
pub async fn resolve_conflict<R: Runtime>(
    app: AppHandle<R>,
    record: String,
    name: String,
    field: String,
    choice: ConflictChoice,
) -> AppResult<ImportPreview> {
    blocking(app, move |_, state| {
        let mut guard = lock(&state.staged);
        let staged = guard.as_mut().ok_or(AppError::NotFound { what: "staged import".into(), name: String::new() })?;
        state.with_session(|session| {
            Ok(session.resolve_conflict(staged, &record, &name, &field, import::choice(choice))?)
        })?;
        Ok(import::preview(&staged.preview))
    })
    .await
}

/// Saves the previewed import (all or nothing).
#[tauri::command]
pub async fn commit_import<R: Runtime>(
    app: AppHandle<R>,
    on_progress: Channel<ImportProgress>,
) -> AppResult<ImportOutcome> {
    blocking(app, move |_, state| {
        let staged = lock(&state.staged)
            .take()
            .ok_or(AppError::NotFound { what: "staged import".into(), name: String::new() })?;
        let rows = staged.preview.rows;
        let _ = on_progress.send(ImportProgress {
            task: 0,
            stage: "saving".into(),
            bytes: 0.0,
            total_bytes: 0.0,
            rows: rows as f64,
            seconds: 0.0,
        });
        state.with_session(|session| {
            // An import staged against an older inventory is read again first.
            session.commit_import(staged)?;
            Ok(ImportOutcome { project: view::project(session)?, counts: view::counts(session.estate().counts()) })
        })
    })
    .await
}
