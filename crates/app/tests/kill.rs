//! The session killed at a random moment, again and again, on one project
//! file: every time, the file passes SQLite's integrity check, opens (the
//! dead writer's lock taken over), plans, and holds a state an action left
//! whole. The child is this test binary run again with `WAVEPLAN_KILL_CHILD`
//! naming the project: it makes actions in a loop until it is killed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::NaiveDate;
use waveplan_app::Session;
use waveplan_core::PlanConfig;

const CHILD: &str = "WAVEPLAN_KILL_CHILD";
const RUNS: u64 = 100;

fn config() -> PlanConfig {
    PlanConfig { start: NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"), ..PlanConfig::default() }
}

/// What the child does until it is killed: moves, pins, edits, re-plans,
/// undoes and redoes, each one action.
fn child(path: &Path) -> ! {
    let mut session = Session::open(path).expect("the child opens the project");
    let names: Vec<String> =
        session.plan().expect("a plan").applications.iter().take(8).map(|a| a.name.clone()).collect();
    let mut turn = 0u64;
    loop {
        turn += 1;
        let name = &names[turn as usize % names.len()];
        let _ = match turn % 6 {
            0 => session.plan_with(PlanConfig { wave_days: 14 + (turn % 3) as u32 * 7, ..config() }).map(|_| ()),
            1 => session.move_application(name, 1 + (turn % 4) as u32).map(|_| ()),
            2 => session.set_pinned(name, turn % 4 == 2),
            3 => session
                .edit_applications(std::slice::from_ref(name), "rto_minutes", &format!("{}", 60 + turn % 500))
                .map(|_| ()),
            4 => session.undo().map(|_| ()),
            _ => session.redo().map(|_| ()),
        };
    }
}

/// A small deterministic generator of kill moments (xorshift).
fn moments(mut state: u64) -> impl Iterator<Item = u64> {
    std::iter::repeat_with(move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    })
}

#[test]
fn a_session_killed_at_any_moment_leaves_a_file_that_opens_and_plans() {
    if let Ok(path) = std::env::var(CHILD) {
        child(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("killed.waveplan");
    {
        let mut session = Session::create(&path).expect("create");
        session.import_sample().expect("import");
        session.plan_with(config()).expect("plan");
    }
    let me = std::env::current_exe().expect("this test binary");
    let mut taken_over = 0;
    for (run, moment) in moments(0x5EED_CAFE).take(RUNS as usize).enumerate() {
        let mut child = Command::new(&me)
            .args(["--exact", "a_session_killed_at_any_moment_leaves_a_file_that_opens_and_plans", "--nocapture"])
            .env(CHILD, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the child");
        // Past the child's start (tens of ms) and into its actions.
        std::thread::sleep(Duration::from_millis(40 + moment % 400));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");

        let conn = rusqlite::Connection::open(&path).expect("raw open");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
        assert_eq!(check, "ok", "run {run}: the file is damaged");
        drop(conn);
        let mut session = Session::open(&path).unwrap_or_else(|e| panic!("run {run}: does not open: {e}"));
        if session.notice().is_some_and(|n| n.contains("took over")) {
            taken_over += 1;
        }
        session.plan().unwrap_or_else(|e| panic!("run {run}: no plan: {e}"));
        session.plan_with(config()).unwrap_or_else(|e| panic!("run {run}: does not plan: {e}"));
        assert_eq!(session.verify_audit().expect("verify").broken, None, "run {run}: the audit trail broke");
    }
    assert!(taken_over > RUNS / 2, "the children rarely held the lock when killed ({taken_over} of {RUNS})");
}
