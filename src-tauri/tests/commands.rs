//! The desktop commands driven through Tauri's mock runtime, as the front
//! end calls them: JSON in, JSON out, errors as tagged unions.

use std::path::Path;

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};
use waveplan_desktop::{AppState, Dirs, Options, app};

struct Harness {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dirs: tempfile::TempDir,
}

#[test]
fn a_moved_card_is_undone_to_the_exact_board_and_its_undo_step_keeps_only_what_changed() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let planned = ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let (pacs, vna) = (wave_of(&planned, "PACS"), wave_of(&planned, "Vendor Neutral Archive"));
    let moved = ok(&h.window, "move_application", json!({ "application": "PACS", "wave": vna - 1 }))["board"].clone();
    assert_eq!(wave_of(&moved, "PACS"), vna - 1);

    // The step in the file: what the move changed, not the plan before it
    // (read beside the app, which holds the project for writing).
    let path = h._dirs.path().join("data").join("Sample hospital.waveplan");
    let file = read_only(&path);
    let (_, plan) = file.load_plan("baseline").expect("scenario").expect("a plan");
    let top = file.peek_history(waveplan_store::Stack::Undo).expect("history").expect("a step");
    assert_eq!(top.label, format!("move PACS to wave {}", vna - 1));
    // On the sample the move re-times half its 40 placements; on 10,000
    // applications a move keeps about 1% of the plan (BENCHMARKS.md).
    assert!(
        top.snapshot.len() * 2 < plan.len(),
        "an undo step of {} bytes for a {}-byte plan",
        top.snapshot.len(),
        plan.len()
    );
    let undo: Value = serde_json::from_str(&top.snapshot).expect("json");
    assert!(undo["plan"].get("delta").is_some() && undo["plan"].get("plan").is_none(), "{undo}");
    // The plan itself: a change on the scenario's journal, not the whole plan again.
    let changes = file.plan_changes("baseline").expect("journal");
    assert_eq!(changes.len(), 1);
    assert!(changes[0].len() * 2 < plan.len(), "a {}-byte change for a {}-byte plan", changes[0].len(), plan.len());
    drop(file);

    ok(&h.window, "undo", json!({}));
    let undone = ok(&h.window, "board", json!({}));
    assert_eq!(wave_of(&undone, "PACS"), pacs);
    assert_eq!(undone, planned, "undo gives back the board as planned, every card and figure");
    ok(&h.window, "redo", json!({}));
    assert_eq!(ok(&h.window, "board", json!({})), moved, "redo gives back the moved board");
}

/// The project file read beside the app (which holds it for writing).
fn read_only(path: &Path) -> waveplan_store::Project {
    waveplan_store::Project::open_with(path, waveplan_store::Access::ReadOnly).expect("the project file, to read")
}

fn start_in(dirs: &Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let dirs = Dirs { data: dirs.join("data"), config: dirs.join("config") };
    let app = app(mock_builder(), Some(dirs), Options::default()).build(mock_context(noop_assets())).expect("app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    (app, window)
}

fn start() -> Harness {
    let dirs = tempfile::tempdir().expect("temp dir");
    let (app, window) = start_in(dirs.path());
    Harness { _app: app, window, _dirs: dirs }
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: tauri::ipc::InvokeBody) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body,
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("json"))
}

fn call(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    invoke(window, cmd, tauri::ipc::InvokeBody::Json(args))
}

fn ok(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Value {
    call(window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}

const CHANNEL: &str = "__CHANNEL__:9";

fn settings(window: &WebviewWindow<MockRuntime>) -> Value {
    let mut settings = ok(window, "plan_settings", json!({}));
    settings["start"] = json!("2027-01-04");
    settings
}

fn wave_of(board: &Value, app: &str) -> u64 {
    board["waves"]
        .as_array()
        .expect("waves")
        .iter()
        .find(|w| w["cards"].as_array().expect("cards").iter().any(|c| c["name"] == app))
        .map(|w| w["index"].as_u64().expect("index"))
        .unwrap_or_else(|| panic!("{app} is on no wave"))
}

#[test]
fn without_a_project_commands_say_so_as_a_tagged_error() {
    let h = start();
    assert_eq!(call(&h.window, "board", json!({})), Err(json!({ "kind": "noProject" })));
    assert_eq!(ok(&h.window, "project_info", json!({})), Value::Null);
    assert_eq!(ok(&h.window, "startup", json!({})), Value::Null);
}

#[test]
fn the_sample_opens_plans_and_a_drag_before_a_dependency_is_reported_and_undone() {
    let h = start();
    let project = ok(&h.window, "open_sample", json!({}));
    assert_eq!(project["name"], "Sample hospital");
    assert_eq!(project["counts"]["applications"], 45);
    assert_eq!(project["counts"]["devices"], 22);
    assert_eq!(project["hasPlan"], false);

    let board = ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    assert_eq!(board["objective"]["hardViolations"], 0);
    let (pacs, vna) = (wave_of(&board, "PACS"), wave_of(&board, "Vendor Neutral Archive"));
    assert!(vna < pacs, "PACS moves after its archive");

    let outcome = ok(&h.window, "move_application", json!({ "application": "PACS", "wave": vna - 1 }));
    let broken: Vec<&str> =
        outcome["broken"].as_array().expect("broken").iter().map(|v| v["message"].as_str().expect("message")).collect();
    assert!(
        broken.iter().any(|m| m.contains("'PACS' in wave") && m.contains("must move after 'Vendor Neutral Archive'")),
        "{broken:?}"
    );
    assert_eq!(outcome["before"]["hardViolations"], 0);
    assert!(outcome["board"]["objective"]["hardViolations"].as_u64().expect("count") >= 1);
    assert_eq!(wave_of(&outcome["board"], "PACS"), vna - 1);
    let card = outcome["board"]["waves"][(vna - 2) as usize]["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .find(|c| c["name"] == "PACS")
        .cloned();
    assert_eq!(card.expect("PACS card")["violated"], true);

    let project = ok(&h.window, "undo", json!({}));
    assert_eq!(project["redo"], format!("move PACS to wave {}", vna - 1));
    let board = ok(&h.window, "board", json!({}));
    assert_eq!(wave_of(&board, "PACS"), pacs);
    assert_eq!(board["objective"]["hardViolations"], 0);
    ok(&h.window, "redo", json!({}));
    assert_eq!(wave_of(&ok(&h.window, "board", json!({})), "PACS"), vna - 1);
}

#[test]
fn a_hovered_move_is_priced_by_the_planner_without_a_change_and_a_pin_holds_against_it() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let board = ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let (pacs, vna) = (wave_of(&board, "PACS"), wave_of(&board, "Vendor Neutral Archive"));

    let price = ok(&h.window, "price_move", json!({ "application": "PACS", "wave": vna - 1 }));
    assert_eq!((price["fromWave"].as_u64(), price["toWave"].as_u64()), (Some(pacs), Some(vna - 1)));
    assert!(price["movesWith"].as_array().expect("group").iter().any(|m| m == "PACS"));
    let broken = price["broken"].as_array().expect("broken").clone();
    assert!(
        broken.iter().any(|v| v["constraint"] == "before"
            && v["message"].as_str().unwrap_or("").contains("must move after 'Vendor Neutral Archive'")),
        "{broken:?}"
    );
    assert!(
        price["after"]["trafficDays"].as_f64() != price["before"]["trafficDays"].as_f64(),
        "moving PACS away from its archive changes the traffic-days: {price}"
    );
    // Pricing changed nothing: no undo step, PACS where it was.
    assert_eq!(ok(&h.window, "project_info", json!({}))["undo"], "plan");
    assert_eq!(wave_of(&ok(&h.window, "board", json!({})), "PACS"), pacs);

    // The drop says what the hover said, and the plan is the planner's again.
    let outcome = ok(&h.window, "move_application", json!({ "application": "PACS", "wave": vna - 1 }));
    assert_eq!(outcome["broken"], json!(broken));
    assert_eq!(outcome["price"]["after"], price["after"]);
    assert_eq!(wave_of(&outcome["board"], "PACS"), vna - 1);
    ok(&h.window, "undo", json!({}));

    // Pinned, PACS holds its wave: a move elsewhere breaks the pin; unpinned it does not.
    ok(&h.window, "set_pinned", json!({ "application": "PACS", "pinned": true }));
    let pinned = ok(&h.window, "price_move", json!({ "application": "PACS", "wave": pacs + 1 }));
    let pin_broken = |p: &Value| {
        p["broken"].as_array().expect("broken").iter().any(|v| v["message"].as_str().unwrap_or("").contains("pinned"))
    };
    assert!(pin_broken(&pinned), "{pinned}");
    ok(&h.window, "set_pinned", json!({ "application": "PACS", "pinned": false }));
    assert!(!pin_broken(&ok(&h.window, "price_move", json!({ "application": "PACS", "wave": pacs + 1 }))));

    assert_eq!(
        call(&h.window, "price_move", json!({ "application": "PACS", "wave": 0 })).expect_err("wave 0")["kind"],
        "invalid"
    );
    assert_eq!(
        call(&h.window, "price_move", json!({ "application": "Nope", "wave": 1 })).expect_err("unknown")["kind"],
        "notFound"
    );
}

#[test]
fn scenarios_are_duplicated_renamed_compared_switched_and_deleted() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let board = ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let pacs = wave_of(&board, "PACS");
    let list = ok(&h.window, "duplicate_scenario", json!({ "from": "baseline", "to": "fast" }));
    assert_eq!(
        list.as_array()
            .expect("list")
            .iter()
            .map(|s| (s["name"].as_str().unwrap_or(""), s["current"] == true))
            .collect::<Vec<_>>(),
        [("baseline", true), ("fast", false)]
    );
    let list = ok(&h.window, "rename_scenario", json!({ "from": "fast", "to": "fast lane" }));
    assert!(list.as_array().expect("list").iter().any(|s| s["name"] == "fast lane"));
    assert_eq!(
        call(&h.window, "rename_scenario", json!({ "from": "fast lane", "to": "baseline" })).expect_err("taken")["kind"],
        "store"
    );

    // A move on the board, then the two side by side: PACS is the difference.
    ok(&h.window, "move_application", json!({ "application": "PACS", "wave": pacs + 1 }));
    let c = ok(&h.window, "compare_scenarios", json!({ "a": "baseline", "b": "fast lane" }));
    assert!(c["metrics"].as_array().expect("metrics").len() >= 8, "{c}");
    let moved = c["moved"].as_array().expect("moved");
    assert!(
        moved.iter().any(|m| m["application"] == "PACS" && m["waveA"] == pacs + 1 && m["waveB"] == pacs),
        "{moved:?}"
    );

    // Switched, the board is the other plan and the undo history starts again.
    let switched = ok(&h.window, "switch_scenario", json!({ "name": "fast lane" }));
    assert_eq!(switched[0]["scenario"], "fast lane");
    assert_eq!(switched[0]["undo"], Value::Null);
    assert_eq!(wave_of(&switched[1], "PACS"), pacs);
    assert_eq!(
        call(&h.window, "delete_scenario", json!({ "name": "fast lane" })).expect_err("on the board")["kind"],
        "invalid"
    );
    let list = ok(&h.window, "delete_scenario", json!({ "name": "baseline" }));
    assert_eq!(list.as_array().expect("list").len(), 1);
}

#[test]
fn dr_gaps_list_mission_critical_first_then_the_longest() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let gaps = ok(&h.window, "dr_gaps", json!({}));
    assert_eq!(gaps["measured"], true);
    let rows = gaps["applications"].as_array().expect("applications");
    assert!(!rows.is_empty(), "the sample hospital has DR gap-days: {gaps}");
    let rank = |t: &Value| {
        ["mission-critical", "business-critical", "business-operational", "administrative"]
            .iter()
            .position(|x| t == x)
            .expect("tier")
    };
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (rank(&a["tier"]), std::cmp::Reverse(a["gapDays"].as_u64()))
                <= (rank(&b["tier"]), std::cmp::Reverse(b["gapDays"].as_u64())),
            "{a} before {b}"
        );
    }
    let total: u64 = rows.iter().map(|r| r["gapDays"].as_u64().expect("days")).sum();
    assert_eq!(total, gaps["gapDays"].as_u64().expect("total"), "the list holds every gap-day");
}

#[test]
fn a_recent_project_moved_away_is_shown_missing_refused_once_and_removable() {
    let dirs = tempfile::tempdir().expect("temp dir");
    let (_app, window) = start_in(dirs.path());
    ok(&window, "open_sample", json!({}));
    let path = ok(&window, "recent_projects", json!({}))[0]["path"].as_str().expect("path").to_string();
    std::fs::rename(&path, format!("{path}.moved")).expect("move the file away");
    let recent = ok(&window, "recent_projects", json!({}));
    assert_eq!(recent[0]["exists"], false);
    // Opening it says so once, as an error value, and the list still holds it until removed.
    assert!(call(&window, "open_recent", json!({ "path": path })).is_err());
    assert_eq!(ok(&window, "recent_projects", json!({})).as_array().expect("list").len(), 1);
    assert_eq!(ok(&window, "forget_recent", json!({ "path": path })), json!([]));
    assert_eq!(ok(&window, "recent_projects", json!({})), json!([]));
    assert!(Path::new(&format!("{path}.moved")).is_file(), "removing it from the list leaves the file alone");
}

#[test]
fn work_is_in_the_file_when_the_app_is_reopened() {
    let dirs = tempfile::tempdir().expect("temp dir");
    {
        let (_app, window) = start_in(dirs.path());
        ok(&window, "open_sample", json!({}));
        ok(&window, "plan_project", json!({ "settings": settings(&window), "onProgress": CHANNEL }));
        ok(&window, "move_application", json!({ "application": "Citrix Virtual Apps", "wave": 1 }));
        ok(&window, "set_pinned", json!({ "application": "Citrix Virtual Apps", "pinned": true }));
        // Let go without saving anything more (a killed process's lock goes
        // with it; the mock app's state outlives its scope, so it is let go here).
        window.state::<AppState>().close();
    }
    let (_app, window) = start_in(dirs.path());
    let recent = ok(&window, "recent_projects", json!({}));
    let path = recent[0]["path"].as_str().expect("recent path").to_string();
    assert!(path.ends_with("Sample hospital.waveplan"), "{path}");
    ok(&window, "open_recent", json!({ "path": path }));
    let board = ok(&window, "board", json!({}));
    assert_eq!(wave_of(&board, "Citrix Virtual Apps"), 1);
    let card = board["waves"][0]["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .find(|c| c["name"] == "Citrix Virtual Apps")
        .cloned();
    assert_eq!(card.expect("card")["pinned"], true);
}

#[test]
fn a_recent_path_the_app_never_opened_is_refused() {
    let h = start();
    let error = call(&h.window, "open_recent", json!({ "path": "/etc/passwd" })).expect_err("refused");
    assert_eq!(error["kind"], "notFound");
}

#[test]
fn an_import_with_an_error_names_file_line_and_column_and_saves_nothing() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("servers.csv");
    std::fs::write(&bad, "name,cores,memory_gb\nnew-01,four,16\n").expect("write");
    h.window.state::<AppState>().answer_dialogs(vec![bad.display().to_string()]);
    let preview = ok(&h.window, "pick_import_files", json!({ "onProgress": CHANNEL }));
    assert!(preview["errors"].as_u64().expect("errors") >= 1, "{preview}");
    let error = preview["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["severity"] == "error")
        .cloned()
        .expect("an error");
    assert_eq!(
        (error["file"].as_str(), error["line"].as_u64(), error["column"].as_u64()),
        (Some("servers.csv"), Some(2), Some(2)),
        "{error}"
    );
    assert_eq!(preview["files"][0]["headers"], json!(["name", "cores", "memory_gb"]));
    let refused = call(&h.window, "commit_import", json!({ "onProgress": CHANNEL })).expect_err("refused");
    assert_eq!(refused["kind"], "importRefused");
    assert_eq!(ok(&h.window, "project_info", json!({}))["counts"]["servers"], 149);

    std::fs::write(&bad, "name,cores,memory_gb\nnew-01,4,16\nnew-02,8,32\n").expect("write");
    h.window.state::<AppState>().answer_dialogs(vec![bad.display().to_string()]);
    let preview = ok(&h.window, "pick_import_files", json!({ "onProgress": CHANNEL }));
    assert_eq!(preview["errors"], 0, "{preview}");
    assert_eq!(preview["after"]["servers"], 151);
    let outcome = ok(&h.window, "commit_import", json!({ "onProgress": CHANNEL }));
    assert_eq!(outcome["counts"]["servers"], 151);
    assert_eq!(outcome["project"]["undo"], "import");
}

#[test]
fn inline_edits_are_validated_and_undoable() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let error = call(&h.window, "edit_application", json!({ "application": "PACS", "field": "tier", "value": "gold" }))
        .expect_err("invalid");
    assert_eq!(error["kind"], "invalid");
    assert_eq!(error["detail"]["field"], "tier");
    ok(&h.window, "edit_application", json!({ "application": "PACS", "field": "rto_minutes", "value": "30" }));
    let table = ok(&h.window, "inventory", json!({ "kind": "applications" }));
    let column = table["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == "rto_minutes")
        .expect("rto column");
    let row = table["rows"].as_array().expect("rows").iter().find(|r| r[0] == "PACS").cloned().expect("PACS row");
    assert_eq!(row[column], "30");
    ok(&h.window, "undo", json!({}));
    let table = ok(&h.window, "inventory", json!({ "kind": "applications" }));
    let row = table["rows"].as_array().expect("rows").iter().find(|r| r[0] == "PACS").cloned().expect("PACS row");
    assert_ne!(row[column], "30");
}

#[test]
fn the_plan_exports_to_the_chosen_place() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("plan.json");
    h.window.state::<AppState>().answer_dialogs(vec![target.display().to_string()]);
    let outcome = ok(&h.window, "export_plan", json!({ "format": "json", "withHistory": false }));
    assert_eq!(outcome["written"], json!([target.display().to_string()]));
    let plan: Value = serde_json::from_slice(&std::fs::read(&target).expect("written")).expect("json");
    assert_eq!(plan["metrics"]["hard_violations"], 0);
    h.window.state::<AppState>().answer_dialogs(vec![String::new()]);
    assert_eq!(
        call(&h.window, "export_plan", json!({ "format": "json", "withHistory": false })),
        Err(json!({ "kind": "cancelled" }))
    );

    // The report with the audit trail as its last section, and without.
    let formats = ok(&h.window, "export_formats", json!({}));
    let carriers: Vec<&str> = formats
        .as_array()
        .expect("formats")
        .iter()
        .filter(|f| f["carriesHistory"] == true)
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert_eq!(carriers, ["xlsx", "html", "pdf"]);
    let report = dir.path().join("plan.html");
    h.window.state::<AppState>().answer_dialogs(vec![report.display().to_string()]);
    ok(&h.window, "export_plan", json!({ "format": "html", "withHistory": true }));
    let html = std::fs::read_to_string(&report).expect("report");
    assert!(html.contains("<h2>Audit trail</h2>"), "the trail is in the report");
    assert!(html.contains("imported the sample hospital"), "the sample's import is in the trail");
    h.window.state::<AppState>().answer_dialogs(vec![report.display().to_string()]);
    ok(&h.window, "export_plan", json!({ "format": "html", "withHistory": false }));
    assert!(!std::fs::read_to_string(&report).expect("report").contains("<h2>Audit trail</h2>"));
}

#[test]
fn blackouts_are_validated_and_kept_in_the_plan() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let mut s = settings(&h.window);
    s["blackouts"] = json!([{ "name": "Year-end freeze", "start": "2027-02-01", "end": "2027-01-01" }]);
    let error = call(&h.window, "plan_project", json!({ "settings": s.clone(), "onProgress": CHANNEL }))
        .expect_err("ends before start");
    assert_eq!(error["kind"], "invalid");
    s["blackouts"] = json!([{ "name": "EHR upgrade go-live", "start": "2027-03-01", "end": "2027-03-14" }]);
    let board = ok(&h.window, "plan_project", json!({ "settings": s, "onProgress": CHANNEL }));
    assert_eq!(board["settings"]["blackouts"][0]["name"], "EHR upgrade go-live");
    let blocked: Vec<&Value> = board["waves"]
        .as_array()
        .expect("waves")
        .iter()
        .filter(|w| !w["blackouts"].as_array().expect("b").is_empty())
        .collect();
    assert!(!blocked.is_empty());
    assert!(blocked.iter().all(|w| w["cards"].as_array().expect("cards").is_empty()), "no cutover in a blackout");
}

#[test]
fn an_unknown_spreadsheet_is_mapped_a_conflict_settled_and_a_reopened_project_still_undoes_the_import() {
    let h = start();
    let project = ok(&h.window, "open_sample", json!({}));
    let dir = tempfile::tempdir().expect("temp dir");
    let register = dir.path().join("asset-register.csv");
    std::fs::write(&register, include_str!("../../samples/asset-register/asset-register.csv")).expect("write");
    h.window.state::<AppState>().answer_dialogs(vec![register.display().to_string()]);
    let preview = ok(&h.window, "pick_import_files", json!({ "onProgress": CHANNEL }));
    assert_eq!(preview["files"][0]["format"], Value::Null, "{preview}");
    let suggested = ok(&h.window, "mapping_for_file", json!({ "file": "asset-register.csv", "table": null }));
    let column = |field: &str| {
        suggested["fields"].as_array().expect("fields").iter().find(|f| f["field"] == field).expect(field)["header"]
            .clone()
    };
    assert_eq!(column("memory_gb"), "Memory (MB)");
    assert_eq!(suggested["units"]["memory"], "MB");
    let mapping = json!({ "name": "asset register", "table": "servers", "columns": { "name": "Device", "cores": "Processors", "memory_gb": "Memory (MB)" }, "units": suggested["units"] });
    let refused = call(
        &h.window,
        "apply_mapping",
        json!({ "file": "asset-register.csv", "mapping": { "name": "x", "table": "servers", "columns": { "cores": "Processors" }, "units": {} }, "save": false, "onProgress": CHANNEL }),
    );
    assert_eq!(refused.expect_err("no name column")["kind"], "invalid");
    let preview = ok(
        &h.window,
        "apply_mapping",
        json!({ "file": "asset-register.csv", "mapping": mapping, "save": true, "onProgress": CHANNEL }),
    );
    assert_eq!(
        (preview["files"][0]["format"].as_str(), preview["after"]["servers"].as_u64()),
        (Some("mapped"), Some(151)),
        "{preview}"
    );
    assert_eq!(preview["rows"], 4.0);
    let conflict = preview["conflicts"]
        .as_array()
        .expect("conflicts")
        .iter()
        .find(|c| c["name"] == "dc01" && c["field"] == "cores")
        .cloned()
        .expect("dc01's cores");
    assert_eq!((conflict["kept"]["value"].as_str(), conflict["resolved"].as_bool()), (Some("4"), Some(false)));
    let typo = call(
        &h.window,
        "resolve_conflict",
        json!({ "record": "server", "name": "dc01", "field": "cores", "choice": { "kind": "value", "value": "eight" } }),
    );
    assert_eq!(typo.expect_err("not a number")["kind"], "invalid");
    let settled = ok(
        &h.window,
        "resolve_conflict",
        json!({ "record": "server", "name": "dc01", "field": "cores", "choice": { "kind": "source", "value": "mapped" } }),
    );
    let conflict = settled["conflicts"]
        .as_array()
        .expect("conflicts")
        .iter()
        .find(|c| c["name"] == "dc01")
        .cloned()
        .expect("dc01");
    assert_eq!((conflict["kept"]["value"].as_str(), conflict["resolved"].as_bool()), (Some("8"), Some(true)));
    ok(&h.window, "commit_import", json!({ "onProgress": CHANNEL }));

    // Reopened (a new session of the file): the import is undoable, and the
    // saved profile and the settlement are in the project.
    let path = project["path"].as_str().expect("path").to_string();
    // One writer at a time: the first window lets the project go.
    h.window.state::<AppState>().close();
    let (_app, window) = start_in(h._dirs.path());
    let reopened = ok(&window, "open_recent", json!({ "path": path }));
    assert_eq!((reopened["counts"]["servers"].as_u64(), reopened["undo"].as_str()), (Some(151), Some("import")));
    let undone = ok(&window, "undo", json!({}));
    assert_eq!((undone["counts"]["servers"].as_u64(), undone["redo"].as_str()), (Some(149), Some("import")));
    let redone = ok(&window, "redo", json!({}));
    assert_eq!(redone["counts"]["servers"], 151);
    let store = read_only(Path::new(&path));
    let policy: Value = store.setting("merge_policy").expect("setting").expect("the policy is saved");
    assert_eq!(
        policy["resolutions"][0],
        json!({ "record": "server", "name": "dc01", "field": "cores", "choice": { "kind": "source", "value": "mapped" } })
    );
    assert!(store.setting::<Value>("mapping:asset register").expect("setting").is_some(), "the profile is saved");
}

#[test]
fn every_setting_the_panel_shows_is_planned_with_shown_again_and_what_it_does_not_show_is_kept() {
    let h = start();
    // A constant the panel does not show, set as `waveplan settings` would,
    // before the app opens the project.
    let path = h._dirs.path().join("data").join("Sample hospital.waveplan");
    {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("data folder");
        let mut session = waveplan_app::Session::create(&path).expect("create");
        session.import_sample().expect("sample");
        let mut config = waveplan_core::PlanConfig::default();
        config.downtime.cutover_tracks = 3;
        config.coupling_threshold = 55.0;
        session.save_settings(&config).expect("setting");
    }
    let path = ok(&h.window, "open_sample", json!({}))["path"].as_str().expect("path").to_string();
    let mut s = settings(&h.window);
    assert_eq!(s["choices"]["objectives"], json!(["traffic-days", "fewest-waves"]));
    assert_eq!(s["choices"]["precedenceRules"], json!(["same-or-earlier", "earlier", "together", "ignore"]));
    for (key, value) in [
        ("waveDays", json!(10.0)),
        ("maxServersPerWave", json!(60.0)),
        ("maxStorageGbPerWave", json!(90000.5)),
        ("maxApplicationsPerWave", json!(12.0)),
        ("maxReplicatingServersPerWave", json!(50.0)),
        ("maxCutoverHoursPerWave", json!(400.25)),
        ("pilotApplications", json!(4.0)),
        ("pilotWaves", json!(1.0)),
        ("bandwidthMbps", json!(750.0)),
        ("objective", json!("fewest-waves")),
        ("minimiseDrGapDays", json!(true)),
        ("drGapDayWeight", json!(1.5)),
        ("precedence", json!({ "service": "same-or-earlier", "database": "same-or-earlier", "storage": "ignore" })),
        ("latencyWeight", json!(2.0)),
        ("seed", json!("18446744073709551615")),
        ("searchPasses", json!(5.0)),
    ] {
        s[key] = value;
    }
    let board = ok(&h.window, "plan_project", json!({ "settings": s.clone(), "onProgress": CHANNEL }));
    assert_eq!(board["settings"], s, "the board shows what was planned with");
    assert_eq!(ok(&h.window, "plan_settings", json!({})), s, "the panel opens on it again");
    assert!(
        board["waves"].as_array().expect("waves").iter().all(|w| w["cards"].as_array().expect("cards").len() <= 12),
        "at most 12 applications a wave"
    );
    let store = read_only(Path::new(&path));
    let (config, _) = store.load_plan("baseline").expect("load").expect("a plan");
    let config: waveplan_core::PlanConfig = serde_json::from_str(&config).expect("config");
    assert_eq!(config.max_applications_per_wave, Some(12));
    assert_eq!(config.precedence.storage, waveplan_core::plan::PrecedenceRule::Ignore);
    assert_eq!(config.objective, waveplan_core::plan::ObjectiveKind::FewestWaves);
    assert!(config.minimise_dr_gap_days);
    assert_eq!(config.seed, u64::MAX);
    assert_eq!(
        (config.downtime.cutover_tracks, config.coupling_threshold),
        (3, 55.0),
        "what the panel does not show is kept"
    );

    // A refused value names its field, and nothing changes.
    let undo = ok(&h.window, "project_info", json!({}))["undo"].clone();
    for (key, value, field) in [
        ("maxApplicationsPerWave", json!(2.5), "maxApplicationsPerWave"),
        ("waveDays", json!(0), "waveDays"),
        ("objective", json!("cheapest"), "objective"),
        ("precedence", json!({ "service": "first", "database": "earlier", "storage": "ignore" }), "precedence.service"),
    ] {
        let mut bad = s.clone();
        bad[key] = value;
        let error = call(&h.window, "plan_project", json!({ "settings": bad, "onProgress": CHANNEL })).expect_err(key);
        assert_eq!(
            (error["kind"].as_str(), error["detail"]["field"].as_str()),
            (Some("invalid"), Some(field)),
            "{error}"
        );
    }
    assert_eq!(ok(&h.window, "project_info", json!({}))["undo"], undo);
    assert_eq!(ok(&h.window, "plan_settings", json!({})), s);
}

#[test]
fn settings_no_plan_can_keep_are_refused_with_the_conflicts_and_the_plan_stays() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let planned = ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let mut s = settings(&h.window);
    s["maxServersPerWave"] = json!(1.0);
    let error =
        call(&h.window, "plan_project", json!({ "settings": s, "onProgress": CHANNEL })).expect_err("infeasible");
    assert_eq!(error["kind"], "invalid", "{error}");
    let message = error["detail"]["message"].as_str().expect("message");
    assert!(message.starts_with("these constraints cannot all be kept"), "{message}");
    assert_eq!(ok(&h.window, "board", json!({}))["settings"], planned["settings"]);
}

fn application_cell(window: &WebviewWindow<MockRuntime>, app: &str, key: &str) -> String {
    let table = ok(window, "inventory", json!({ "kind": "applications" }));
    let column = table["columns"].as_array().expect("columns").iter().position(|c| c["key"] == key).expect("column");
    let row = table["rows"].as_array().expect("rows").iter().find(|r| r[0] == app).cloned().expect("row");
    row[column].as_str().expect("cell").to_string()
}

#[test]
fn a_bulk_edit_sets_every_selected_application_in_one_undo_step_or_none() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    let apps = ["PACS", "Vendor Neutral Archive", "Citrix Virtual Apps"];
    let before: Vec<String> = apps.iter().map(|a| application_cell(&h.window, a, "strategy")).collect();
    let replanned = ok(&h.window, "project_info", json!({}))["undo"].clone();

    // Refused: a value no strategy is, or a name not in the inventory; nothing changes.
    let error =
        call(&h.window, "edit_applications", json!({ "applications": apps, "field": "strategy", "value": "teleport" }))
            .expect_err("not a strategy");
    assert_eq!((error["kind"].as_str(), error["detail"]["field"].as_str()), (Some("invalid"), Some("strategy")));
    let error = call(
        &h.window,
        "edit_applications",
        json!({ "applications": ["PACS", "No such app"], "field": "strategy", "value": "retire" }),
    )
    .expect_err("unknown application");
    assert_eq!(error, json!({ "kind": "notFound", "detail": { "what": "application", "name": "No such app" } }));
    assert_eq!(ok(&h.window, "project_info", json!({}))["undo"], replanned, "no undo step for a refusal");
    assert_eq!(apps.iter().map(|a| application_cell(&h.window, a, "strategy")).collect::<Vec<_>>(), before);

    let project =
        ok(&h.window, "edit_applications", json!({ "applications": apps, "field": "strategy", "value": "retire" }));
    assert_eq!(project["undo"], "set strategy of 3 applications");
    for app in apps {
        assert_eq!(application_cell(&h.window, app, "strategy"), "retire", "{app}");
    }
    let board = ok(&h.window, "board", json!({}));
    assert!(board["objective"]["hardViolations"].is_u64(), "the plan's verdicts are checked again");

    // One undo puts all three back; a redo sets them again.
    let project = ok(&h.window, "undo", json!({}));
    assert_eq!(project["undo"], replanned);
    assert_eq!(project["redo"], "set strategy of 3 applications");
    assert_eq!(apps.iter().map(|a| application_cell(&h.window, a, "strategy")).collect::<Vec<_>>(), before);
    ok(&h.window, "redo", json!({}));
    assert!(apps.iter().all(|a| application_cell(&h.window, a, "strategy") == "retire"));
}

#[test]
fn the_graph_view_is_saved_as_svg_and_png_where_the_user_chooses() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = "<img src=x onerror=alert(1)>";
    let scene = json!({
        "width": 640.0, "height": 480.0, "background": "#ffffff", "labelColor": "#1a202c", "title": "Sample hospital",
        "nodes": [
            { "x": 100.0, "y": 100.0, "size": 6.0, "color": "#2b6cb0", "label": hostile, "title": hostile },
            { "x": 300.0, "y": 200.0, "size": 4.0, "color": "#2f855a", "label": null, "title": null },
        ],
        "edges": [{ "from": 0, "to": 1, "color": "#e53e3e", "size": 1.6 }],
        "groups": [{ "x": 200.0, "y": 40.0, "text": "wave 2" }],
        "legend": [{ "color": "#e53e3e", "text": "cross-wave links" }],
    });
    // A name typed without its extension gets it.
    let chosen = dir.path().join("estate");
    h.window.state::<AppState>().answer_dialogs(vec![chosen.display().to_string()]);
    let outcome = ok(&h.window, "save_graph_svg", json!({ "scene": scene }));
    let target = dir.path().join("estate.svg");
    assert_eq!(outcome["written"], json!([target.display().to_string()]));
    let svg = std::fs::read_to_string(&target).expect("written");
    assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;") && !svg.contains("<img"), "{svg}");
    assert_eq!((svg.matches("<circle ").count(), svg.matches("<line ").count()), (2, 1));

    // PNG: the bytes as sent, refused when they are not a PNG.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&640u32.to_be_bytes());
    png.extend_from_slice(&480u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0]);
    let picture = dir.path().join("estate.png");
    h.window.state::<AppState>().answer_dialogs(vec![picture.display().to_string()]);
    ok_raw(&h.window, "save_graph_png", png.clone());
    assert_eq!(std::fs::read(&picture).expect("written"), png);
    let refused = call_raw(&h.window, "save_graph_png", b"GIF89a".to_vec()).expect_err("not a png");
    assert_eq!(refused["detail"]["message"], "the picture is not a PNG");
    h.window.state::<AppState>().answer_dialogs(vec![String::new()]);
    assert_eq!(call_raw(&h.window, "save_graph_png", png), Err(json!({ "kind": "cancelled" })));
}

fn call_raw(window: &WebviewWindow<MockRuntime>, cmd: &str, bytes: Vec<u8>) -> Result<Value, Value> {
    invoke(window, cmd, tauri::ipc::InvokeBody::Raw(bytes))
}

fn ok_raw(window: &WebviewWindow<MockRuntime>, cmd: &str, bytes: Vec<u8>) -> Value {
    call_raw(window, cmd, bytes).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}

#[test]
fn a_bulk_edit_of_thousands_of_applications_is_one_step() {
    let dirs = tempfile::tempdir().expect("temp dir");
    let path = dirs.path().join("large.waveplan");
    let config =
        waveplan_core::generate::GenerateConfig { servers: 5_000, applications: 2_000, dependencies: 10_000, seed: 7 };
    let estate = waveplan_core::generate::generate_estate(&config);
    waveplan_store::Project::create(&path).expect("create").save_estate(&estate).expect("save");
    // (the store's lock is let go with the project, before the app opens it)
    let dirs_of_app = Dirs { data: dirs.path().join("data"), config: dirs.path().join("config") };
    let app =
        app(mock_builder(), Some(dirs_of_app), Options::default()).build(mock_context(noop_assets())).expect("app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    // The mock runtime runs no `setup`: say what to open as it would.
    app.state::<AppState>().open_at_start(path);
    assert_eq!(ok(&window, "startup", json!({}))["counts"]["applications"], 2_000);
    let table = ok(&window, "inventory", json!({ "kind": "applications" }));
    let names: Vec<Value> = table["rows"].as_array().expect("rows").iter().map(|r| r[0].clone()).collect();
    let column =
        table["columns"].as_array().expect("columns").iter().position(|c| c["key"] == "environment").expect("column");
    let before: Vec<Value> = table["rows"].as_array().expect("rows").iter().map(|r| r[column].clone()).collect();

    let project =
        ok(&window, "edit_applications", json!({ "applications": names, "field": "environment", "value": "dr" }));
    assert_eq!(project["undo"], "set environment of 2000 applications");
    let table = ok(&window, "inventory", json!({ "kind": "applications" }));
    assert!(table["rows"].as_array().expect("rows").iter().all(|r| r[column] == "dr"));
    ok(&window, "undo", json!({}));
    let table = ok(&window, "inventory", json!({ "kind": "applications" }));
    let after: Vec<Value> = table["rows"].as_array().expect("rows").iter().map(|r| r[column].clone()).collect();
    assert_eq!(after, before, "one undo puts every one back");
}

#[test]
fn an_import_in_the_app_classifies_connections_under_the_projects_infrastructure_list() {
    let h = start();
    // The project's list, as `waveplan infrastructure --add-port 1433:sql-cluster` leaves it,
    // before the app opens the project.
    let path = h._dirs.path().join("data").join("Sample hospital.waveplan");
    {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("data folder");
        waveplan_app::Session::create(&path).expect("create").import_sample().expect("sample");
        let mut store = waveplan_store::Project::open(&path).expect("open");
        store
            .set_setting(waveplan_store::keys::INFRASTRUCTURE_RULES, &json!({ "ports": { "1433": "sql-cluster" } }))
            .expect("rules");
    }
    let path = ok(&h.window, "open_sample", json!({}))["path"].as_str().expect("path").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let servers = dir.path().join("servers.csv");
    std::fs::write(&servers, "name,ip_addresses\nWEB01,10.0.1.10\nSQL01,10.0.6.6\n").expect("write");
    let export =
        format!("{}/../crates/import/fixtures/connections/azure-dependencies-full.csv", env!("CARGO_MANIFEST_DIR"));
    h.window.state::<AppState>().answer_dialogs(vec![format!("{}|{export}", servers.display())]);
    let preview = ok(&h.window, "pick_import_files", json!({ "onProgress": CHANNEL }));
    assert_eq!(preview["errors"], 0, "{preview}");
    ok(&h.window, "commit_import", json!({ "onProgress": CHANNEL }));
    let estate = read_only(Path::new(&path)).load_estate().expect("estate");
    // The sample's own 1433 links are declared, so unclassified; the imported
    // WEB01 -> SQL01 connection is observed, and the built-in list has no role for 1433.
    let roles: Vec<_> =
        estate.dependencies.iter().filter(|d| d.port == Some(1433)).filter_map(|d| d.infrastructure.clone()).collect();
    assert_eq!(roles, ["sql-cluster"], "the app imported under the built-in list, not the project's");
}

/// Waits (at most a minute) for the planner's what-if session of the plan on the board.
fn until_what_if_ready(window: &WebviewWindow<MockRuntime>) -> bool {
    let state = window.state::<AppState>();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < until {
        if state.what_if_ready() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

#[test]
fn the_what_if_session_is_built_in_the_background_after_open_and_after_each_plan_change() {
    let h = start();
    ok(&h.window, "open_sample", json!({}));
    let board = ok(&h.window, "plan_project", json!({ "settings": settings(&h.window), "onProgress": CHANNEL }));
    // Built without a price asked for: the first drag waits for nothing.
    assert!(until_what_if_ready(&h.window), "the session of the new plan is built in the background");
    let (pacs, vna) = (wave_of(&board, "PACS"), wave_of(&board, "Vendor Neutral Archive"));
    let price = ok(&h.window, "price_move", json!({ "application": "PACS", "wave": vna - 1 }));
    assert_eq!(price["fromWave"].as_u64(), Some(pacs));

    // A drop leaves the session where the new plan is: nothing to build again.
    ok(&h.window, "move_application", json!({ "application": "PACS", "wave": vna - 1 }));
    assert!(h.window.state::<AppState>().what_if_ready(), "the moved plan's session is the one that moved");

    // Undo changes the plan: a new session is built in the background, of the plan undone to.
    ok(&h.window, "undo", json!({}));
    assert!(until_what_if_ready(&h.window), "the session of the plan after undo");
    let again = ok(&h.window, "price_move", json!({ "application": "PACS", "wave": vna - 1 }));
    assert_eq!(again["fromWave"].as_u64(), Some(pacs), "priced against the plan on the board, not the moved one");
    assert_eq!(again["broken"], price["broken"]);

    // A re-plan with other settings supersedes it: the session answers for the new plan.
    let mut narrow = settings(&h.window);
    narrow["maxApplicationsPerWave"] = json!(4);
    let replanned = ok(&h.window, "plan_project", json!({ "settings": narrow, "onProgress": CHANNEL }));
    assert!(until_what_if_ready(&h.window), "the session of the re-planned board");
    let pacs_now = wave_of(&replanned, "PACS");
    let price = ok(&h.window, "price_move", json!({ "application": "PACS", "wave": pacs_now + 1 }));
    assert_eq!(price["fromWave"].as_u64(), Some(pacs_now));

    // An inventory edit changes what the session is of (the estate): built again.
    ok(&h.window, "edit_application", json!({ "application": "PACS", "field": "tier", "value": "administrative" }));
    assert!(until_what_if_ready(&h.window), "the session after an inventory edit");
}
