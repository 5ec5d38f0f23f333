//! The `#[tauri::command]` adapters: take the state and the arguments, call
//! the project session (`waveplan_app::Session`: every user action is one
//! of its methods), and return a wire type (`view`, `whatif`). No SQL, no
//! graph code, no planning rules, no workflow here.
//!
//! Commands that touch the project run on a blocking thread, never on the
//! main thread, so the window stays live during a long import or plan.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use waveplan_app::Session;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::wire::*;
use crate::{dialog, export, graph_image, recent, sample, settings, view, whatif, window};

/// Runs `f` with the state on a blocking thread.
pub(crate) async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppHandle<R>, &AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let result = f(&app, &state);
        window::update_title(&app, &state);
        // After the answer: a plan opened or changed gets its what-if session
        // built in the background (a no-op when the plan is the same).
        tauri::async_runtime::spawn_blocking(move || {
            let _ = app.state::<AppState>().with_session(|session| {
                // Below the threads that answer the window, so a build right
                // after opening does not slow the board being drawn.
                session.prepare_what_if(crate::priority::lower_this_thread);
                Ok(())
            });
        });
        result
    })
    .await
    .map_err(|e| AppError::Internal { message: format!("task failed: {e}") })?
}

fn open_into<R: Runtime>(_app: &AppHandle<R>, state: &AppState, session: Session) -> AppResult<ProjectView> {
    recent::remember(&state.dirs.config, &session.path(), &session.name())?;
    let view = view::project(&session)?;
    state.replace_session(session);
    Ok(view)
}

/// The project opened from the command line, if any.
#[tauri::command]
pub async fn startup<R: Runtime>(app: AppHandle<R>) -> AppResult<Option<ProjectView>> {
    blocking(app, |app, state| {
        let Some(opened) = state.take_startup() else {
            return state.with_session(|s| view::project(s)).map(Some).or(Ok(None));
        };
        open_into(app, state, opened?).map(Some)
    })
    .await
}

/// The open project, or none.
#[tauri::command]
pub async fn project_info<R: Runtime>(app: AppHandle<R>) -> AppResult<Option<ProjectView>> {
    blocking(app, |_, state| state.session().as_ref().map(view::project).transpose()).await
}

/// The recent projects, newest first.
#[tauri::command]
pub async fn recent_projects<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<RecentProject>> {
    blocking(app, |_, state| Ok(recent::list(&state.dirs.config))).await
}

/// A new, empty project where the user chooses.
#[tauri::command]
pub async fn new_project<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |app, state| {
        let path = dialog::save_as(app, "New project", "migration.waveplan", "waveplan").ok_or(AppError::Cancelled)?;
        open_into(app, state, Session::create(&path.with_extension("waveplan"))?)
    })
    .await
}

/// A project the user picks.
#[tauri::command]
pub async fn open_project<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |app, state| {
        let path = dialog::pick_project(app).ok_or(AppError::Cancelled)?;
        open_into(app, state, open_for_writing(state, &path)?)
    })
    .await
}

/// A project from the recent list (only those: the front end names no other path).
#[tauri::command]
pub async fn open_recent<R: Runtime>(app: AppHandle<R>, path: String) -> AppResult<ProjectView> {
    blocking(app, move |app, state| {
        if !recent::list(&state.dirs.config).iter().any(|r| r.path == path) {
            return Err(AppError::NotFound { what: "recent project".into(), name: path });
        }
        open_into(app, state, open_for_writing(state, &PathBuf::from(path))?)
    })
    .await
}

/// The project last refused because another writer holds it, opened to
/// read only (the page offers this after a `locked` error).
#[tauri::command]
pub async fn open_read_only<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |app, state| {
        let path =
            state.take_refused().ok_or(AppError::NotFound { what: "refused project".into(), name: String::new() })?;
        open_into(app, state, Session::open_read_only(&path)?)
    })
    .await
}

/// Opens `path` for writing; when another writer holds it, remembers it so
/// the page can offer to open it read-only.
pub(crate) fn open_for_writing(state: &AppState, path: &std::path::Path) -> AppResult<Session> {
    // The project open in this window is let go first: it is read again
    // from the file, and this window is not refused by its own lock.
    state.close_if_open(path);
    Session::open(path).map_err(|error| {
        let error = AppError::from(error);
        if matches!(error, AppError::Locked { .. }) {
            state.remember_refused(path.to_path_buf());
        }
        error
    })
}

/// The sample hospital, imported into a project in the user's data folder.
#[tauri::command]
pub async fn open_sample<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |app, state| {
        let path = state.dirs.data.join("Sample hospital.waveplan");
        sample::ensure(&path)?;
        open_into(app, state, open_for_writing(state, &path)?)
    })
    .await
}

/// Asks a running task to stop.
#[tauri::command]
pub fn cancel_task(state: tauri::State<'_, AppState>, task: u32) -> bool {
    state.cancel_task(task)
}

/// Plans the project with these settings and saves the plan (one action).
#[tauri::command]
pub async fn plan_project<R: Runtime>(
    app: AppHandle<R>,
    settings: PlanSettings,
    on_progress: Channel<Progress>,
) -> AppResult<Board> {
    blocking(app, move |_, state| {
        let task = state.start_task();
        let _ = on_progress.send(Progress { task: task.id, stage: "planning".into(), done: 0, total: 1 });
        let result = state.with_session(|session| {
            let mut config = session.plan_config(chrono::Local::now().date_naive())?;
            settings::apply(&mut config, &settings)?;
            task.check()?;
            session.plan_with(config)?;
            Ok(view::board(session.estate(), session.plan()?, session.scenario()))
        });
        state.finish_task(&task);
        result
    })
    .await
}

/// The planner settings the panel starts from.
#[tauri::command]
pub async fn plan_settings<R: Runtime>(app: AppHandle<R>) -> AppResult<PlanSettings> {
    blocking(app, |_, state| {
        state.with_session(|s| Ok(settings::view(&s.plan_config(chrono::Local::now().date_naive())?)))
    })
    .await
}

/// The board of the current scenario, or none before the first plan.
#[tauri::command]
pub async fn board<R: Runtime>(app: AppHandle<R>) -> AppResult<Option<Board>> {
    blocking(app, |_, state| state.with_session(|s| Ok(s.plan_arc().map(|p| view::board(s.estate(), p, s.scenario())))))
        .await
}

/// Prices a card hovering over a wave: what the move would break and do to
/// the objective, from the planner's incremental what-if; nothing changes.
#[tauri::command]
pub async fn price_move<R: Runtime>(app: AppHandle<R>, application: String, wave: u32) -> AppResult<MovePrice> {
    blocking(app, move |_, state| state.with_session(|session| whatif::price(session, &application, wave))).await
}

/// Drops a card on a wave: moves its move group there, says what broke.
#[tauri::command]
pub async fn move_application<R: Runtime>(app: AppHandle<R>, application: String, wave: u32) -> AppResult<MoveOutcome> {
    blocking(app, move |_, state| state.with_session(|session| whatif::apply(session, &application, wave))).await
}

/// Pins an application to its current wave, or unpins it (a constraint the
/// next re-plan keeps).
#[tauri::command]
pub async fn set_pinned<R: Runtime>(app: AppHandle<R>, application: String, pinned: bool) -> AppResult<Board> {
    blocking(app, move |_, state| {
        state.with_session(|session| {
            session.set_pinned(&application, pinned)?;
            Ok(view::board(session.estate(), session.plan()?, session.scenario()))
        })
    })
    .await
}

/// Undoes the last edit.
#[tauri::command]
pub async fn undo<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |_, state| {
        state.with_session(|s| {
            s.undo()?;
            view::project(s)
        })
    })
    .await
}

/// Redoes the last undone edit.
#[tauri::command]
pub async fn redo<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |_, state| {
        state.with_session(|s| {
            s.redo()?;
            view::project(s)
        })
    })
    .await
}

/// One inventory table.
#[tauri::command]
pub async fn inventory<R: Runtime>(app: AppHandle<R>, kind: InventoryKind) -> AppResult<InventoryTable> {
    blocking(app, move |_, state| {
        state.with_session(|s| Ok(view::inventory(s.estate(), s.plan_arc().map(|p| &**p), kind)))
    })
    .await
}

/// Sets a planning field of an application (validated), as one action.
#[tauri::command]
pub async fn edit_application<R: Runtime>(
    app: AppHandle<R>,
    application: String,
    field: String,
    value: String,
) -> AppResult<ProjectView> {
    edit_applications(app, vec![application], field, value).await
}

/// Sets a planning field of every selected application at once: the value
/// validated once, all or none of them changed, one action.
#[tauri::command]
pub async fn edit_applications<R: Runtime>(
    app: AppHandle<R>,
    applications: Vec<String>,
    field: String,
    value: String,
) -> AppResult<ProjectView> {
    blocking(app, move |_, state| {
        state.with_session(|session| {
            session.edit_applications(&applications, &field, &value)?;
            view::project(session)
        })
    })
    .await
}

/// The dependency graph.
#[tauri::command]
pub async fn graph<R: Runtime>(app: AppHandle<R>) -> AppResult<GraphView> {
    blocking(app, |_, state| state.with_session(|s| Ok(view::graph(s.estate(), s.plan_arc().map(|p| &**p))))).await
}

/// Saves the graph's view as SVG where the user chooses: the scene drawn
/// as vectors, names as escaped text.
#[tauri::command]
pub async fn save_graph_svg<R: Runtime>(app: AppHandle<R>, scene: GraphScene) -> AppResult<ExportOutcome> {
    blocking(app, move |app, state| graph_image::save(app, state, graph_image::svg(&scene)?.as_bytes(), "svg")).await
}

/// Saves the graph's view as PNG where the user chooses: the page's
/// rendering of its WebGL layers, sent as the request's raw bytes.
#[tauri::command]
pub async fn save_graph_png<R: Runtime>(
    app: AppHandle<R>,
    request: tauri::ipc::Request<'_>,
) -> AppResult<ExportOutcome> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::invalid("image", "the picture must be sent as bytes"));
    };
    let bytes = bytes.clone();
    blocking(app, move |app, state| {
        graph_image::png_size(&bytes)?;
        graph_image::save(app, state, &bytes, "png")
    })
    .await
}

/// Why an application is in its wave and what an earlier wave would break.
#[tauri::command]
pub async fn explain<R: Runtime>(app: AppHandle<R>, application: String) -> AppResult<Explanation> {
    blocking(app, move |_, state| state.with_session(|s| whatif::explain(s, &application))).await
}

/// The export formats offered.
#[tauri::command]
pub fn export_formats() -> Vec<ExportFormatView> {
    export::formats()
}

/// Exports the plan in `format` where the user chooses, with the project's
/// audit trail as an appendix when `with_history` (workbook, report, PDF).
#[tauri::command]
pub async fn export_plan<R: Runtime>(
    app: AppHandle<R>,
    format: String,
    with_history: bool,
) -> AppResult<ExportOutcome> {
    blocking(app, move |app, state| {
        let (name, extension) = {
            let guard = state.session();
            let session = guard.as_ref().ok_or(AppError::NoProject)?;
            let extension = export::formats().into_iter().find(|f| f.id == format).map(|f| f.extension);
            (
                session.name(),
                extension.ok_or_else(|| AppError::NotFound { what: "export format".into(), name: format.clone() })?,
            )
        };
        let target = dialog::save_as(app, "Export the plan", &export::suggested_name(&name, &format), &extension)
            .ok_or(AppError::Cancelled)?;
        state.with_session(|s| export::write(s, &format, with_history, &target))
    })
    .await
}
