//! The native side of the window: the menu bar (File, Edit, View, Plan,
//! Help) with its shortcuts, the title (project name, marked when it is
//! open to read only), and files dropped from the file manager.
//!
//! Menu choices are forwarded to the front end as a `menu` event carrying
//! the item's id; the front end owns what each does.

use tauri::menu::{Menu, MenuItemBuilder, PredefinedMenuItem, SubmenuBuilder};
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, Runtime, Window, WindowEvent};

use crate::state::{AppState, lock};

/// Draws the page without accelerated compositing on a machine with no GPU
/// (no `/dev/dri`: a virtual machine, a remote desktop host, Xvfb), unless
/// `WEBKIT_DISABLE_COMPOSITING_MODE` says otherwise. There WebKitGTK
/// composites through Mesa's software GL, which costs more than it saves:
/// a scroll step of the 49,000-row servers table took 1.3 s a frame
/// composited against 0.11 s without (BENCHMARKS.md, desktop speed).
pub fn software_rendering<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(target_os = "linux")]
    {
        if std::path::Path::new("/dev/dri").exists() || std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some() {
            return;
        }
        for window in app.webview_windows().into_values() {
            let _ = window.with_webview(|webview| {
                use webkit2gtk::{SettingsExt, WebViewExt};
                if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                    settings.set_hardware_acceleration_policy(webkit2gtk::HardwareAccelerationPolicy::Never);
                }
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Builds the menu bar.
pub fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |id: &str, text: &str, accelerator: Option<&str>| {
        let builder = MenuItemBuilder::with_id(id, text);
        match accelerator {
            Some(a) => builder.accelerator(a).build(app),
            None => builder.build(app),
        }
    };
    let file = SubmenuBuilder::new(app, "File")
        .item(&item("new", "New project…", Some("CmdOrCtrl+N"))?)
        .item(&item("open", "Open project…", Some("CmdOrCtrl+O"))?)
        .item(&item("sample", "Open the sample hospital", None)?)
        .separator()
        .item(&item("import", "Import files…", Some("CmdOrCtrl+I"))?)
        .item(&item("export", "Export the plan…", Some("CmdOrCtrl+E"))?)
        .separator()
        .item(&PredefinedMenuItem::quit(app, Some("Quit"))?)
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .item(&item("undo", "Undo", Some("CmdOrCtrl+Z"))?)
        .item(&item("redo", "Redo", Some("CmdOrCtrl+Shift+Z"))?)
        .separator()
        .item(&PredefinedMenuItem::cut(app, None)?)
        .item(&PredefinedMenuItem::copy(app, None)?)
        .item(&PredefinedMenuItem::paste(app, None)?)
        // The page's own: in a text field it selects the text, in the
        // inventory the rows shown.
        .item(&item("select-all", "Select all", Some("CmdOrCtrl+A"))?)
        .separator()
        .item(&item("find", "Find", Some("CmdOrCtrl+F"))?)
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(&item("view-board", "Wave plan", Some("CmdOrCtrl+1"))?)
        .item(&item("view-inventory", "Inventory", Some("CmdOrCtrl+2"))?)
        .item(&item("view-graph", "Dependency graph", Some("CmdOrCtrl+3"))?)
        .item(&item("view-dr", "DR coverage", Some("CmdOrCtrl+4"))?)
        .item(&item("view-import", "Import", Some("CmdOrCtrl+5"))?)
        .item(&item("view-export", "Export", Some("CmdOrCtrl+6"))?)
        .item(&item("history", "History (who changed what)", Some("CmdOrCtrl+Shift+H"))?)
        .separator()
        .item(&item("presentation", "Presentation mode", Some("F5"))?)
        .build()?;
    let plan = SubmenuBuilder::new(app, "Plan")
        .item(&item("replan", "Re-plan", Some("CmdOrCtrl+R"))?)
        .item(&item("settings", "Planner settings…", Some("CmdOrCtrl+Comma"))?)
        .item(&item("explain", "Explain the selected application", Some("CmdOrCtrl+J"))?)
        .build()?;
    let help = SubmenuBuilder::new(app, "Help")
        .item(&item("shortcuts", "Keyboard shortcuts", Some("F1"))?)
        .item(&item("about", "About Waveplan", None)?)
        .build()?;
    Menu::with_items(app, &[&file, &edit, &view, &plan, &help])
}

/// Sends a menu choice to the front end.
pub fn on_menu<R: Runtime>(app: &AppHandle<R>, event: tauri::menu::MenuEvent) {
    let _ = app.emit("menu", event.id().0.clone());
}

/// Keeps dropped files for the import screen and tells the front end.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
        let state = window.state::<AppState>();
        *lock(&state.dropped) = paths.clone();
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let _ = window.emit("files-dropped", names);
    }
}

/// The window title: the project, marked when it is open to read only.
pub fn title(state: &AppState) -> String {
    match state.session().as_ref() {
        Some(session) if session.is_read_only() => format!("{} (read-only) — Waveplan", session.name()),
        Some(session) => format!("{} — Waveplan", session.name()),
        None => "Waveplan".to_string(),
    }
}

/// Sets the title of the main window.
pub fn update_title<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title(&title(state));
    }
}
