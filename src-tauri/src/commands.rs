//! The `#[tauri::command]` adapters: take the state and the arguments, call
//! the libraries (through `session`, `import`, `whatif`, `view`, `export`),
//! return a wire type. No SQL, no graph code, no planning rules here.
//!
//! Commands that touch the project run on a blocking thread, never on the
//! main thread, so the window stays live during a long import or plan.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use waveplan_core::{Constraint, plan_waves};

use crate::error::{AppError, AppResult};
use crate::session::Session;
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
                whatif::prepare(session);
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
    let view = session.view()?;
    state.replace_session(session);
    Ok(view)
}

/// The project opened from the command line, if any.
#[tauri::command]
pub async fn startup<R: Runtime>(app: AppHandle<R>) -> AppResult<Option<ProjectView>> {
    blocking(app, |app, state| {
        let Some(opened) = state.take_startup() else {
            return state.with_session(|s| s.view()).map(Some).or(Ok(None));
        };
        open_into(app, state, opened?).map(Some)
    })
    .await
}

/// The open project, or none.
#[tauri::command]
pub async fn project_info<R: Runtime>(app: AppHandle<R>) -> AppResult<Option<ProjectView>> {
    blocking(app, |_, state| state.session().as_ref().map(Session::view).transpose()).await
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
        open_into(app, state, Session::open(&path)?)
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
        open_into(app, state, Session::open(&PathBuf::from(path))?)
    })
    .await
}

/// The sample hospital, imported into a project in the user's data folder.
#[tauri::command]
pub async fn open_sample<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |app, state| {
        let path = state.dirs.data.join("Sample hospital.waveplan");
        sample::ensure(&path)?;
        open_into(app, state, Session::open(&path)?)
    })
    .await
}

/// Asks a running task to stop.
#[tauri::command]
pub fn cancel_task(state: tauri::State<'_, AppState>, task: u32) -> bool {
    state.cancel_task(task)
}

/// Plans the project with these settings and saves the plan (undoable).
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
            let mut config = session.plan_config()?;
            settings::apply(&mut config, &settings)?;
            let plan = plan_waves(&session.estate, &config);
            task.check()?;
            if !plan.feasible {
                // As `waveplan plan`: no plan rather than an invalid one.
                let conflicts: Vec<String> =
                    plan.conflicts.iter().map(|c| format!("{}: {}", c.kind, c.message)).collect();
                return Err(AppError::invalid(
                    "settings",
                    format!(
                        "these constraints cannot all be kept, so there is no valid plan (nothing was changed): {}",
                        conflicts.join("; ")
                    ),
                ));
            }
            session.set_plan("re-plan", plan)?;
            session.project.set_setting(waveplan_store::keys::PLAN_CONFIG, &config)?;
            Ok(view::board(&session.estate, session.plan()?, &session.scenario))
        });
        state.finish_task(&task);
        result
    })
    .await
}

/// The planner settings the panel starts from.
#[tauri::command]
pub async fn plan_settings<R: Runtime>(app: AppHandle<R>) -> AppResult<PlanSettings> {
    blocking(app, |_, state| state.with_session(|s| Ok(settings::view(&s.plan_config()?)))).await
}

/// The board of the current scenario, or none before the first plan.
#[tauri::command]
pub async fn board<R: Runtime>(app: AppHandle<R>) -> AppResult<Option<Board>> {
    blocking(app, |_, state| {
        state.with_session(|s| Ok(s.plan.as_ref().map(|p| view::board(&s.estate, p, &s.scenario))))
    })
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
            let wave = session.plan()?.applications.iter().find(|p| p.name == application).map(|p| p.wave);
            let id = session.estate.app_ids().find(|&a| session.estate.application(a).name == application);
            let (Some(wave), Some(id)) = (wave, id) else {
                return Err(AppError::NotFound { what: "application in the plan".into(), name: application.clone() });
            };
            let label = if pinned { format!("pin {application}") } else { format!("unpin {application}") };
            session.edit(&label, |estate, plan| {
                estate.constraints.retain(|c| !matches!(c, Constraint::PinWave { app, .. } if *app == id));
                if pinned {
                    estate.constraints.push(Constraint::PinWave {
                        app: id,
                        wave,
                        reason: Some("pinned on the board".into()),
                    });
                }
                if let Some(plan) = plan {
                    plan.violations = waveplan_core::verify_plan(estate, plan);
                    plan.metrics.hard_violations = plan.violations.len();
                }
                Ok(())
            })?;
            Ok(view::board(&session.estate, session.plan()?, &session.scenario))
        })
    })
    .await
}

/// Undoes the last edit.
#[tauri::command]
pub async fn undo<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |_, state| state.with_session(|s| s.undo().and_then(|_| s.view()))).await
}

/// Redoes the last undone edit.
#[tauri::command]
pub async fn redo<R: Runtime>(app: AppHandle<R>) -> AppResult<ProjectView> {
    blocking(app, |_, state| state.with_session(|s| s.redo().and_then(|_| s.view()))).await
}

/// One inventory table.
#[tauri::command]
pub async fn inventory<R: Runtime>(app: AppHandle<R>, kind: InventoryKind) -> AppResult<InventoryTable> {
    blocking(app, move |_, state| state.with_session(|s| Ok(view::inventory(&s.estate, s.plan.as_deref(), kind)))).await
}

/// Sets a planning field of an application (validated), as an undoable edit.
#[tauri::command]
pub async fn edit_application<R: Runtime>(
    app: AppHandle<R>,
    application: String,
    field: String,
    value: String,
) -> AppResult<ProjectView> {
    let label = format!("edit {field} of {application}");
    edit_many(app, label, vec![application], field, value).await
}

/// Sets a planning field of every selected application at once: the value
/// validated once, all or none of them changed, one undo step, one save.
#[tauri::command]
pub async fn edit_applications<R: Runtime>(
    app: AppHandle<R>,
    applications: Vec<String>,
    field: String,
    value: String,
) -> AppResult<ProjectView> {
    let label = match applications.as_slice() {
        [one] => format!("edit {field} of {one}"),
        many => format!("set {field} of {} applications", many.len()),
    };
    edit_many(app, label, applications, field, value).await
}

async fn edit_many<R: Runtime>(
    app: AppHandle<R>,
    label: String,
    applications: Vec<String>,
    field: String,
    value: String,
) -> AppResult<ProjectView> {
    blocking(app, move |_, state| {
        state.with_session(|session| {
            session.edit(&label, |estate, plan| {
                crate::edit::set_applications_field(estate, &applications, &field, &value)?;
                if let Some(plan) = plan {
                    plan.violations = waveplan_core::verify_plan(estate, plan);
                    plan.metrics.hard_violations = plan.violations.len();
                }
                Ok(())
            })?;
            session.view()
        })
    })
    .await
}

/// The dependency graph.
#[tauri::command]
pub async fn graph<R: Runtime>(app: AppHandle<R>) -> AppResult<GraphView> {
    blocking(app, |_, state| state.with_session(|s| Ok(view::graph(&s.estate, s.plan.as_deref())))).await
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

/// Exports the plan in `format` where the user chooses.
#[tauri::command]
pub async fn export_plan<R: Runtime>(app: AppHandle<R>, format: String) -> AppResult<ExportOutcome> {
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
        state.with_session(|s| export::write(&s.estate, s.plan()?, &s.scenario, &format, &target))
    })
    .await
}
