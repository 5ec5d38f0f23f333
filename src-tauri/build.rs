//! Tauri's build step: reads `tauri.conf.json` and the capabilities, and
//! generates the permission schema for the commands of this crate.

/// The app's commands: each gets an `allow-*` permission, and only the
/// capabilities' grants reach them.
const COMMANDS: &[&str] = &[
    "startup",
    "project_info",
    "recent_projects",
    "new_project",
    "open_project",
    "open_recent",
    "open_sample",
    "pick_import_files",
    "stage_dropped_files",
    "commit_import",
    "mapping_for_file",
    "apply_mapping",
    "resolve_conflict",
    "cancel_task",
    "plan_project",
    "plan_settings",
    "board",
    "move_application",
    "set_pinned",
    "undo",
    "redo",
    "inventory",
    "edit_application",
    "edit_applications",
    "graph",
    "save_graph_svg",
    "save_graph_png",
    "explain",
    "export_formats",
    "export_plan",
    "price_move",
    "scenarios",
    "duplicate_scenario",
    "rename_scenario",
    "delete_scenario",
    "switch_scenario",
    "compare_scenarios",
    "dr_gaps",
    "forget_recent",
    "history",
    "open_read_only",
];

fn main() {
    // `generate_context!` embeds the built front end when the crate
    // compiles, and a proc macro cannot tell cargo so: without this a
    // front-end change leaves the app serving the old one.
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build step");
}
