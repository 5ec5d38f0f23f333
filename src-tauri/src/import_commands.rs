//! The import screen's commands: stage files (picked or dropped) with
//! progress and a cancel flag, map a spreadsheet of no known format, settle
//! conflicts, save. Thin adapters over `import.rs`; each runs on a blocking
//! thread. The page names files by the names the preview showed, never by
//! a path.

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
    restage(state, paths, Default::default(), None, on_progress)
}

/// Reads the files again (with these mappings and policy) as a cancellable task.
fn restage(
    state: &AppState,
    paths: Vec<PathBuf>,
    mappings: std::collections::BTreeMap<String, waveplan_import::mapped::ColumnMapping>,
    policy: Option<waveplan_core::merge::MergePolicy>,
    on_progress: &Channel<ImportProgress>,
) -> AppResult<ImportPreview> {
    let task = state.start_task();
    let send = |p: ImportProgress| {
        let _ = on_progress.send(p);
    };
    let staged = state.with_session(|session| import::stage(session, paths, mappings, policy, &task, &send));
    state.finish_task(&task);
    let staged = staged?;
    let preview = staged.preview.clone();
    *lock(&state.staged) = Some(staged);
    Ok(preview)
}

fn staged_path(state: &AppState, file: &str) -> AppResult<PathBuf> {
    let staged = lock(&state.staged);
    let staged = staged.as_ref().ok_or(AppError::NotFound { what: "staged import".into(), name: String::new() })?;
    staged
        .paths
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == file))
        .cloned()
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
        state.with_session(|session| import::mapping_for(session, &path, table.as_deref()))
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
        let mapping = import::mapping_from(mapping, &import::first_table(&path)?.headers)?;
        if save {
            state.with_session(|s| {
                Ok(s.project.set_setting(&waveplan_store::keys::mapping(&mapping.name), &mapping)?)
            })?;
        }
        let (paths, mut mappings, policy) = {
            let staged = lock(&state.staged);
            let staged =
                staged.as_ref().ok_or(AppError::NotFound { what: "staged import".into(), name: String::new() })?;
            (staged.paths.clone(), staged.mappings.clone(), staged.policy.clone())
        };
        mappings.insert(file, mapping);
        restage(state, paths, mappings, Some(policy), &on_progress)
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
        state.with_session(|session| import::resolve(session, staged, &record, &name, &field, choice))?;
        Ok(staged.preview.clone())
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
        let staged = match state.with_session(|s| Ok(s.generation))? == staged.generation {
            true => staged,
            // The inventory changed since the preview: read the files again.
            false => {
                let task = state.start_task();
                let restaged = state.with_session(|s| {
                    import::stage(s, staged.paths, staged.mappings, Some(staged.policy), &task, &|_| {})
                });
                state.finish_task(&task);
                restaged?
            }
        };
        let rows = staged.preview.rows;
        let _ = on_progress.send(ImportProgress {
            task: 0,
            stage: "saving".into(),
            bytes: 0.0,
            total_bytes: 0.0,
            rows,
            seconds: 0.0,
        });
        state.with_session(|session| {
            import::commit(session, staged)?;
            Ok(ImportOutcome { project: session.view()?, counts: view::counts(session.estate.counts()) })
        })
    })
    .await
}
