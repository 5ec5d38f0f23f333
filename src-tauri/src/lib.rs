//! The Waveplan desktop shell (Tauri 2): a window whose front end (`ui/`)
//! calls the commands of [`commands`], thin adapters over the libraries.
//!
//! Architecture invariant: the only crate that knows Tauri; no SQL, no graph
//! code, no planning rules. [`app`] is generic over the runtime so
//! `tauri::test::mock_builder()` tests the commands without a display.

mod commands;
mod dialog;
mod dr;
mod error;
mod export;
mod graph_image;
mod history;
mod import;
mod import_commands;
mod priority;
mod recent;
mod sample;
mod scenario;
mod settings;
mod state;
mod view;
mod whatif;
mod window;
pub mod wire;
pub mod wire_import;

use std::path::PathBuf;

use tauri::{Builder, Manager, Runtime};

pub use error::AppError;
pub use state::{AppState, Dirs};

/// What the command line asked for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// What to open.
    pub startup: Startup,
    /// Answers for the file dialogs (`--dialog-answers FILE`), for the
    /// end-to-end tests, which cannot click a native dialog.
    pub dialog_answers: Option<PathBuf>,
}

impl Options {
    /// `waveplan-desktop [--sample | PROJECT] [--dialog-answers FILE]`.
    pub fn from_args(args: impl Iterator<Item = String>) -> Options {
        let mut options = Options::default();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--sample" => options.startup = Startup::Sample,
                "--dialog-answers" => options.dialog_answers = args.next().map(PathBuf::from),
                other if !other.starts_with('-') => options.startup = Startup::Project(PathBuf::from(other)),
                _ => {}
            }
        }
        options
    }
}

/// What to open at start.
#[derive(Clone, Debug, Default)]
pub enum Startup {
    /// The start screen.
    #[default]
    Nothing,
    /// The sample hospital, imported into the user's data folder.
    Sample,
    /// A project file.
    Project(PathBuf),
}

/// The app on any runtime: plugins, state, menu, commands. `dirs` overrides
/// the platform's data and config folders (tests give temporary ones).
pub fn app<R: Runtime>(builder: Builder<R>, dirs: Option<Dirs>, options: Options) -> Builder<R> {
    // With its folders given (the command tests), the state is managed on the
    // builder: Tauri runs `setup` only when the event loop starts, which the
    // mock runtime never does.
    let given = dirs.is_some();
    let builder = match dirs {
        Some(dirs) => builder.manage(new_state(dirs, &options)),
        None => builder,
    };
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            if !given {
                let dirs = Dirs { data: app.path().app_data_dir()?, config: app.path().app_config_dir()? };
                app.manage(new_state(dirs, &options));
            }
            let state = app.state::<AppState>();
            let path = match &options.startup {
                Startup::Nothing => None,
                Startup::Sample => {
                    let path = state.dirs.data.join("Sample hospital.waveplan");
                    sample::ensure(&path)?;
                    Some(path)
                }
                Startup::Project(path) => Some(path.clone()),
            };
            if let Some(path) = path {
                state.open_at_start(path);
            }
            window::software_rendering(app.handle());
            let menu = window::menu(app.handle())?;
            app.set_menu(menu)?;
            Ok(())
        })
        .on_menu_event(window::on_menu)
        .on_window_event(window::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::startup,
            commands::project_info,
            commands::recent_projects,
            commands::new_project,
            commands::open_project,
            commands::open_recent,
            commands::open_sample,
            import_commands::pick_import_files,
            import_commands::stage_dropped_files,
            import_commands::commit_import,
            import_commands::mapping_for_file,
            import_commands::apply_mapping,
            import_commands::resolve_conflict,
            commands::cancel_task,
            commands::plan_project,
            commands::plan_settings,
            commands::board,
            commands::price_move,
            commands::move_application,
            commands::set_pinned,
            commands::undo,
            commands::redo,
            commands::inventory,
            commands::edit_application,
            commands::edit_applications,
            commands::graph,
            commands::save_graph_svg,
            commands::save_graph_png,
            commands::explain,
            commands::export_formats,
            commands::export_plan,
            scenario::scenarios,
            scenario::duplicate_scenario,
            scenario::rename_scenario,
            scenario::delete_scenario,
            scenario::switch_scenario,
            scenario::compare_scenarios,
            dr::dr_gaps,
            recent::forget_recent,
            history::history,
            commands::open_read_only,
        ])
}

/// The app's state for its folders, with the dialog answers of a test run.
fn new_state(dirs: Dirs, options: &Options) -> AppState {
    let state = AppState::new(dirs);
    if let Some(file) = &options.dialog_answers {
        dialog::load_answers(&state, file);
    }
    state
}

/// Starts the desktop app.
pub fn run() {
    let options = Options::from_args(std::env::args().skip(1));
    app(tauri::Builder::default(), None, options).run(tauri::generate_context!()).unwrap_or_else(|error| {
        eprintln!("waveplan-desktop: {error}");
        std::process::exit(1);
    });
}
