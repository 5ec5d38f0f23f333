//! The project session end to end on real project files: every user action
//! is one transaction (a fault at any statement leaves the file and the
//! session as they were, and undo and redo still apply), one writer at a
//! time, and an audit trail that names who did what and notices tampering.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use waveplan_app::{Actor, Error, Session};
use waveplan_core::{Estate, Plan, PlanConfig};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).expect("date")
}

/// A new project at `dir/name` with the sample hospital imported.
fn sample(dir: &Path, name: &str) -> (PathBuf, Session) {
    let path = dir.join(name);
    let mut session = Session::create(&path).expect("create");
    session.set_actor(Actor { user: "alice".into(), host: "WS-0231".into() });
    session.import_sample().expect("import the sample");
    (path, session)
}

/// The sample, planned.
fn planned(dir: &Path, name: &str) -> (PathBuf, Session) {
    let (path, mut session) = sample(dir, name);
    session.plan_with(PlanConfig { start: start(), ..PlanConfig::default() }).expect("plan");
    (path, session)
}

/// Everything the file holds that an action may change, read through a
/// second, read-only session (the writer keeps its lock).
#[derive(Debug, PartialEq)]
struct FileState {
    estate: Estate,
    plans: BTreeMap<String, (String, String, Vec<String>)>,
    settings: BTreeMap<String, serde_json::Value>,
    undo: Option<String>,
    redo: Option<String>,
    audit: Vec<String>,
    imports: usize,
}

fn file_state(path: &Path) -> FileState {
    let reader = Session::open_read_only(path).expect("open to read");
    let project = reader.project();
    let mut plans = BTreeMap::new();
    for scenario in project.scenarios().expect("scenarios") {
        let (config, plan) = project.load_plan(&scenario.name).expect("plan").expect("saved");
        let changes = project.plan_changes(&scenario.name).expect("journal");
        plans.insert(scenario.name, (config, plan, changes));
    }
    let settings = project
        .setting_keys("")
        .expect("keys")
        .into_iter()
        .map(|key| {
            let value = project.setting::<serde_json::Value>(&key).expect("setting").expect("present");
            (key, value)
        })
        .collect();
    FileState {
        estate: Estate::clone(reader.estate()),
        plans,
        settings,
        undo: reader.undo_label().expect("undo"),
        redo: reader.redo_label().expect("redo"),
        audit: reader.audit_log(None).expect("audit").into_iter().map(|r| r.entry.summary).collect(),
        imports: project.imports().expect("imports").len(),
    }
}

/// What the session shows in memory, as JSON (compared by [`differ`]).
fn memory(session: &Session) -> serde_json::Value {
    serde_json::json!({
        "estate": session.estate().as_ref(),
        "plan": session.plan_arc().map(|p| p.as_ref()),
        "scenario": session.scenario(),
    })
}

/// Where two JSON values first differ, for a short failure message.
fn differ(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                differ(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (x, y))| differ(x, y, &format!("{at}[{i}]")))
        }
        _ if a == b => None,
        _ => {
            let cut = |v: &Value| v.to_string().chars().take(200).collect::<String>();
            Some(format!("{at}: {} != {}", cut(a), cut(b)))
        }
    }
}

#[track_caller]
fn same(a: &serde_json::Value, b: &serde_json::Value, what: &str) {
    if let Some(difference) = differ(a, b, "") {
        panic!("{what}: {difference}");
    }
}

/// Runs `action` with the store failing at each of its statements in turn:
/// every time, the action fails and neither the file nor the session
/// changes. Then it runs whole, and undo and redo take it back and again.
fn every_fault(path: &Path, session: &mut Session, what: &str, action: impl Fn(&mut Session) -> Result<(), Error>) {
    let before_file = file_state(path);
    let before_memory = memory(session);
    // A first run under a fault far out counts the statements.
    session.fail_at_statement(Some(u64::MAX));
    let counted = action(session);
    session.fail_at_statement(None);
    counted.unwrap_or_else(|e| panic!("{what}: {e}"));
    let statements = session.statements_in_last_write();
    assert!(statements > 2, "{what}: {statements} statements");
    let after_file = file_state(path);
    let after_memory = memory(session);
    assert!(after_file != before_file, "{what} changed nothing");
    assert!(session.undo().expect("undo"), "{what}: nothing to undo");
    same(&memory(session), &before_memory, &format!("{what}: undo did not restore the session"));
    let undone = file_state(path);
    assert!(undone.estate == before_file.estate, "{what}: undo did not restore the file's inventory");
    assert!(undone.settings == before_file.settings, "{what}: undo did not restore the file's settings");
    // What each faulted attempt starts from (the import history and the
    // audit trail keep what was done and undone).
    let before_file = undone;
    for n in 1..=statements {
        session.fail_at_statement(Some(n));
        let result = action(session);
        session.fail_at_statement(None);
        assert!(result.is_err(), "{what}: the fault at statement {n} of {statements} went unnoticed");
        same(&memory(session), &before_memory, &format!("{what}: the session changed under a fault at statement {n}"));
        let now = file_state(path);
        // The redo stack is the only thing the undo above left different.
        assert!(now.estate == before_file.estate, "{what}: inventory changed under a fault at statement {n}");
        assert!(now.plans == before_file.plans, "{what}: plans changed under a fault at statement {n}");
        assert_eq!(now.settings, before_file.settings, "{what}: settings changed under a fault at statement {n}");
        assert_eq!(now.imports, before_file.imports, "{what}: imports changed under a fault at statement {n}");
        assert_eq!(now.undo, before_file.undo, "{what}: the undo stack changed under a fault at statement {n}");
    }
    action(session).unwrap_or_else(|e| panic!("{what}, again: {e}"));
    same(&memory(session), &after_memory, &format!("{what}: the second run differs"));
    assert!(session.undo().expect("undo"));
    same(&memory(session), &before_memory, &format!("{what}: undo after the faults did not restore the session"));
    assert!(file_state(path).estate == before_file.estate, "{what}: undo did not restore the file's inventory");
    assert!(session.redo().expect("redo"));
    same(&memory(session), &after_memory, &format!("{what}: redo did not make it again"));
}

#[test]
fn every_action_lands_whole_or_not_at_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, mut session) = planned(dir.path(), "faults.waveplan");
    let config = session.plan().expect("plan").config.clone();
    every_fault(&path, &mut session, "re-plan", |s| {
        s.plan_with(PlanConfig { wave_days: 21, ..config.clone() }).map(|_| ())
    });
    let pacs = session.plan().expect("plan").applications.iter().find(|a| a.name == "PACS").map(|a| a.wave);
    let pacs = pacs.expect("PACS in the plan");
    every_fault(&path, &mut session, "move", |s| {
        s.move_application("PACS", if pacs > 2 { 1 } else { pacs + 2 }).map(|_| ())
    });
    every_fault(&path, &mut session, "pin", |s| s.set_pinned("PACS", true));
    every_fault(&path, &mut session, "edit", |s| {
        s.edit_applications(&["PACS".to_string(), "Intranet".to_string()], "strategy", "replatform").map(|_| ())
    });
    every_fault(&path, &mut session, "settings", |s| s.save_settings(&PlanConfig { wave_days: 10, ..config.clone() }));
    let mut rules = session.infrastructure_rules().expect("rules");
    rules.ports.insert(9182, "monitoring".into());
    every_fault(&path, &mut session, "infrastructure", |s| s.set_infrastructure_rules(&rules).map(|_| ()));
}

#[test]
fn an_import_lands_whole_or_not_at_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("import.waveplan");
    let mut session = Session::create(&path).expect("create");
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/hospital");
    let files: Vec<_> = ["servers.csv", "devices.csv", "applications.csv", "members.csv"]
        .iter()
        .map(|f| waveplan_app::ImportFile::by_name(folder.join(f)))
        .collect();
    every_fault(&path, &mut session, "import", |s| {
        let staged = s.stage_import(files.clone(), Default::default(), &|_| true)?;
        s.commit_import(staged)
    });
    let imports = session.project().imports().expect("imports");
    let last = imports.last().expect("an import");
    assert_eq!(last.files, ["servers.csv", "devices.csv", "applications.csv", "members.csv"], "names, not paths");
    assert!(last.file_hashes.iter().all(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit())));
    let servers = std::fs::read(folder.join("servers.csv")).expect("read");
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(&servers).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(last.file_hashes[0], expected);
}

#[test]
fn a_second_writer_is_refused_naming_the_holder_and_a_reader_is_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, session) = sample(dir.path(), "held.waveplan");
    let error = Session::open(&path).err().expect("a second writer");
    let message = error.to_string();
    assert!(message.contains("held by"), "{message}");
    assert!(message.contains(&format!("pid {}", std::process::id())), "{message}");
    assert!(message.contains("open it read-only"), "{message}");
    let mut reader = Session::open_read_only(&path).expect("a reader");
    assert!(reader.is_read_only());
    assert_eq!(reader.estate(), session.estate());
    let refused = reader.plan_with(PlanConfig { start: start(), ..PlanConfig::default() });
    assert!(refused.is_err(), "a read-only session plans nothing");
    drop(session);
    Session::open(&path).expect("the lock is let go with the session");
}

#[test]
fn the_audit_trail_names_who_did_what_and_notices_tampering() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, mut session) = planned(dir.path(), "audit.waveplan");
    let from = session.plan().expect("plan").applications.iter().find(|a| a.name == "PACS").expect("PACS").wave;
    let to = if from > 1 { 1 } else { 2 };
    session.move_application("PACS", to).expect("move");
    session.undo().expect("undo");
    let trail = session.audit_log(None).expect("trail");
    let actions: Vec<&str> = trail.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(actions, ["import", "plan", "move", "undo"]);
    assert!(trail.iter().all(|r| r.entry.user == "alice" && r.entry.host == "WS-0231"));
    assert_eq!(trail[2].entry.summary, format!("moved PACS from wave {from} to wave {to}"));
    assert!(trail[2].entry.subjects.contains(&"PACS".to_string()));
    assert_eq!(trail[3].entry.summary, format!("undid 'move PACS to wave {to}'"));
    assert_eq!(session.verify_audit().expect("verify").broken, None);
    drop(session);

    // The sqlite3 shell's way: an entry removed.
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let table: String = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit%' AND name NOT LIKE '%head%'",
            [],
            |r| r.get(0),
        )
        .expect("the audit table");
    conn.execute(&format!("DELETE FROM {table} WHERE rowid = (SELECT min(rowid) + 1 FROM {table})"), [])
        .expect("delete");
    drop(conn);
    let reader = Session::open_read_only(&path).expect("open");
    let check = reader.verify_audit().expect("verify");
    assert!(check.broken.is_some(), "a removed entry went unnoticed: {check:?}");
}

#[test]
fn an_infeasible_plan_from_the_settings_is_refused_and_nothing_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, mut session) = planned(dir.path(), "infeasible.waveplan");
    let before = file_state(&path);
    let config = session.plan().expect("plan").config.clone();
    // Too few servers a wave for the largest move group: no valid plan.
    let error = session.plan_with(PlanConfig { max_servers_per_wave: Some(1), ..config }).expect_err("infeasible");
    assert!(matches!(error, Error::Infeasible { .. }), "{error}");
    assert_eq!(file_state(&path), before, "a refused plan saved something");
}

#[test]
fn a_pilot_without_pilot_waves_is_refused_by_the_app_and_the_command_alike() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, mut session) = sample(dir.path(), "pilot.waveplan");
    let config = PlanConfig { start: start(), pilot_applications: 3, pilot_waves: 0, ..PlanConfig::default() };
    let error = session.plan_with(config).expect_err("no pilot wave");
    assert_eq!(error.to_string(), "pilot_waves: a pilot of applications needs at least 1 pilot wave");
}

#[test]
fn explain_looks_back_as_far_in_every_front_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, mut session) = planned(dir.path(), "explain.waveplan");
    let latest = session.plan().expect("plan").applications.iter().max_by_key(|a| a.wave).expect("an app").clone();
    let explanation = session.explain(&latest.name).expect("explain");
    let expected = (latest.wave - 1).min(waveplan_app::EARLIER_WAVES) as usize;
    assert_eq!(explanation.earlier.len(), expected);
    assert!(explanation.earlier.windows(2).all(|w| w[0].0 == w[1].0 + 1), "nearest first");
}

#[test]
fn exports_get_the_usual_file_mode() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, session) = planned(dir.path(), "export.waveplan");
    let target = dir.path().join("plan.json");
    session.export(waveplan_export::Format::Json, &target, Default::default()).expect("export");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).expect("meta").permissions().mode() & 0o777;
        // 0666 less the umask: readable by others unless the user's umask says not.
        assert_eq!(mode & 0o600, 0o600);
        assert_ne!(mode, 0o600, "an export is a document to hand on, not a private file");
    }
}

#[test]
fn a_move_writes_a_delta_not_the_whole_plan_and_reopens_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, mut session) = planned(dir.path(), "journal.waveplan");
    let from = session.plan().expect("plan").applications.iter().find(|a| a.name == "PACS").expect("PACS").wave;
    session.move_application("PACS", if from > 1 { 1 } else { 2 }).expect("move");
    let scenario = session.scenario().to_string();
    let changes = session.project().plan_changes(&scenario).expect("journal");
    let (_, base) = session.project().load_plan(&scenario).expect("plan").expect("saved");
    assert_eq!(changes.len(), 1);
    // On the sample a move re-times about half of its 40 placements; on
    // 10,000 applications a change is about 1% of the plan (BENCHMARKS.md).
    assert!(changes[0].len() * 2 < base.len(), "a {}-byte change for a {}-byte plan", changes[0].len(), base.len());
    let moved = Plan::clone(session.plan().expect("plan"));
    drop(session);
    let reopened = Session::open(&path).expect("reopen");
    assert_eq!(reopened.plan().expect("plan"), &moved, "the journal replayed gives the moved plan");
}

#[test]
fn a_shared_copy_has_the_plan_and_none_of_the_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, mut session) = planned(dir.path(), "share.waveplan");
    let from = session.plan().expect("plan").applications.iter().find(|a| a.name == "PACS").expect("PACS").wave;
    session.move_application("PACS", if from > 1 { 1 } else { 2 }).expect("move");
    let copy = dir.path().join("for-the-client.waveplan");
    session.share(&copy).expect("share");
    let shared = Session::open_read_only(&copy).expect("open the copy");
    assert_eq!(shared.estate(), session.estate());
    assert_eq!(shared.plan().expect("plan"), session.plan().expect("plan"));
    assert_eq!(shared.undo_label().expect("undo"), None);
    let trail = shared.audit_log(None).expect("trail");
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0].entry.action, "share");
    let bytes = std::fs::read(&copy).expect("read");
    let needle = b"move PACS to wave";
    assert!(!bytes.windows(needle.len()).any(|w| w == needle), "an undo label is still in the copy's bytes");
    let own = session.audit_log(None).expect("trail");
    assert_eq!(own.last().expect("entry").entry.action, "share");
}

#[test]
fn a_project_an_older_version_left_absurd_opens_and_says_what_to_correct() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, session) = planned(dir.path(), "old.waveplan");
    drop(session);
    // What an older version's import let in and its plan saved: a disk of
    // 1e308 GB, and figures that were not finite, written as JSON null.
    let sql = |statement: &str| {
        let conn = rusqlite::Connection::open(&path).expect("open with SQLite");
        conn.execute_batch(statement).expect(statement);
    };
    sql("UPDATE servers SET disk_used_gb = 1e308 WHERE name = 'dc01'");
    sql("UPDATE scenarios SET plan = json_set(plan, '$.metrics', json('null'))");

    let session = Session::open(&path).expect("the project opens");
    let found = session.found().to_vec();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[0],
        "server 'dc01': disk_used_gb: 1e308 GB is more than any server has; the most this takes is 10 PB (10,000,000 GB); correct it and import again"
    );
    assert!(
        found[1].contains("the saved plan 'baseline'") && found[1].ends_with("plan again to replace it"),
        "{}",
        found[1]
    );
    assert!(session.notice().expect("a notice").contains("server 'dc01'"));
    assert!(session.plan_arc().is_none(), "the plan that cannot be read is not shown");

    // Planning waits for the figure to be corrected; corrected, it plans.
    let mut session = session;
    let refused = session.plan_with(PlanConfig { start: start(), ..PlanConfig::default() }).expect_err("refused");
    assert!(refused.to_string().starts_with("server 'dc01': disk_used_gb: 1e308 GB"), "{refused}");
    drop(session);
    sql("UPDATE servers SET disk_used_gb = 58 WHERE name = 'dc01'");
    let mut session = Session::open(&path).expect("open");
    session.plan_with(PlanConfig { start: start(), ..PlanConfig::default() }).expect("plans");
    drop(session);
    assert!(Session::open(&path).expect("reopen").found().is_empty(), "nothing left to correct");
}

#[test]
fn a_plan_holding_a_figure_that_is_not_finite_is_never_written() {
    let dir = tempfile::tempdir().expect("dir");
    let (path, mut session) = planned(dir.path(), "finite.waveplan");
    let before = file_state(&path);
    let mut broken = Plan::clone(session.plan_arc().expect("a plan"));
    broken.metrics.hybrid_traffic_days = f64::INFINITY;
    for whole in [true, false] {
        let refused = session
            .act("plan", waveplan_app::Audit::new("plan", "a broken plan", Vec::new()), |draft| {
                if whole {
                    draft.set_new_plan(broken.clone());
                } else {
                    draft.set_plan(broken.clone());
                }
                Ok(())
            })
            .expect_err("not written");
        assert!(refused.to_string().contains("not a finite number at metrics.hybrid_traffic_days"), "{refused}");
        assert_eq!(file_state(&path), before, "nothing written");
    }
    drop(session);
    // The project still opens, with its plan readable.
    let reopened = Session::open(&path).expect("reopen");
    assert!(reopened.found().is_empty() && reopened.plan_arc().is_some());
}
