//! The project session's guarantees as the command shows them: an audit
//! trail `history` prints and `--verify` checks against the sqlite3 shell's
//! edits, one writer (the app's session holding the project refuses
//! `waveplan import`, and a change made outside is noticed before the next
//! write), a clean copy to share, and `waveplan import` killed at random
//! moments leaving a project that opens and plans.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{Scratch, hospital_files};
use crate::{import_hospital, plan_json};

/// The sqlite3 shell, as a user tampering with a project would use it
/// (`cargo xtask test` installs Debian's `sqlite3`).
fn sqlite3(scratch: &Scratch, file: &str, sql: &str) {
    let status = Command::new("sqlite3")
        .arg(scratch.path(file))
        .arg(sql)
        .status()
        .unwrap_or_else(|e| panic!("the sqlite3 shell is needed for this test (apt-get install sqlite3): {e}"));
    assert!(status.success(), "sqlite3 {sql}");
}

#[test]
fn history_shows_each_action_with_the_user_and_verify_catches_tampering() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    plan_json(&scratch, &[]);
    scratch.run(["scenario", "copy", "hospital.waveplan", "baseline", "fast"]).ok();
    let entries = scratch.run(["history", "hospital.waveplan", "--json"]).ok().json();
    let entries = entries.as_array().expect("a list");
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap_or_default()).collect();
    assert_eq!(actions, ["import", "plan", "copy scenario"]);
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_default();
    for entry in entries {
        for key in ["time", "user", "host", "action", "summary", "hash"] {
            assert!(entry[key].as_str().is_some_and(|v| !v.is_empty()), "{key} missing in {entry}");
        }
        if !user.is_empty() {
            assert_eq!(entry["user"], user.as_str());
        }
    }
    assert_eq!(entries[2]["summary"], "copied scenario 'baseline' to 'fast'");
    let since = scratch.run(["history", "hospital.waveplan", "--json", "--since", "2999-01-01"]).ok().json();
    assert_eq!(since, serde_json::json!([]));
    let verified = scratch.run(["history", "hospital.waveplan", "--verify"]).ok();
    assert!(verified.stdout.contains("intact (3 entries"), "{}", verified.stdout);

    // The report carries the trail when asked; a format without an appendix refuses.
    scratch.run(["export", "hospital.waveplan", "--format", "html", "--with-history", "-o", "plan.html"]).ok();
    let html = std::fs::read_to_string(scratch.path("plan.html")).expect("the report");
    assert!(html.contains("<h2>Audit trail</h2>") && html.contains("copied scenario "));
    let refused = scratch.run(["export", "hospital.waveplan", "--format", "json", "--with-history", "-o", "plan.json"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("json does not carry the audit trail; --with-history is for xlsx, html, pdf"),
        "{}",
        refused.stderr
    );
    assert!(!scratch.path("plan.json").exists(), "nothing written");

    // An entry edited with the sqlite3 shell.
    std::fs::copy(scratch.path("hospital.waveplan"), scratch.path("edited.waveplan")).expect("copy");
    sqlite3(&scratch, "edited.waveplan", "UPDATE audit SET summary = 'nothing happened' WHERE sequence = 2;");
    let broken = scratch.run(["history", "edited.waveplan", "--verify"]);
    assert_eq!(broken.code, 1, "an edited entry went unnoticed: {}", broken.stdout);
    assert!(broken.stderr.contains("audit trail is broken"), "{}", broken.stderr);

    // An entry deleted with the sqlite3 shell.
    std::fs::copy(scratch.path("hospital.waveplan"), scratch.path("deleted.waveplan")).expect("copy");
    sqlite3(&scratch, "deleted.waveplan", "DELETE FROM audit WHERE sequence = 1;");
    let broken = scratch.run(["history", "deleted.waveplan", "--verify"]);
    assert_eq!(broken.code, 1, "a deleted entry went unnoticed: {}", broken.stdout);
}

#[test]
fn a_project_the_app_holds_refuses_the_command_and_an_outside_change_stops_the_app() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    plan_json(&scratch, &[]);
    let path = scratch.path("hospital.waveplan");
    // The app's session: the same session the desktop opens.
    let mut app = waveplan_app::Session::open(&path).expect("the app opens the project");
    let before = std::fs::read(&path).expect("read");
    let mut args = vec!["import".to_string()];
    args.extend(hospital_files().iter().map(|p| p.display().to_string()));
    args.extend(["--project", "hospital.waveplan"].map(String::from));
    let refused = scratch.run(&args);
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(refused.stderr.contains("held by"), "{}", refused.stderr);
    assert!(refused.stderr.contains(&format!("pid {}", std::process::id())), "{}", refused.stderr);
    assert!(refused.stderr.contains("open it read-only"), "{}", refused.stderr);
    assert_eq!(std::fs::read(&path).expect("read"), before, "the refused import wrote something");
    // Reading commands work while the app holds it.
    scratch.run(["export", "hospital.waveplan", "--format", "json", "-o", "plan.json"]).ok();
    scratch.run(["history", "hospital.waveplan"]).ok();

    // A change made outside (the sqlite3 shell) is noticed before the app writes.
    sqlite3(&scratch, "hospital.waveplan", "UPDATE applications SET owner = 'changed outside' WHERE id = 0;");
    let error = app.set_pinned("PACS", true).expect_err("the app must not overwrite an outside change");
    assert!(error.to_string().contains("changed"), "{error}");
    drop(app);
    scratch.run(&args).ok();
}

#[test]
fn share_writes_a_clean_copy_with_one_entry() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    plan_json(&scratch, &[]);
    scratch.run(["share", "hospital.waveplan", "-o", "client.waveplan"]).ok();
    let trail = scratch.run(["history", "client.waveplan", "--json"]).ok().json();
    assert_eq!(trail.as_array().map(Vec::len), Some(1), "{trail}");
    assert_eq!(trail[0]["action"], "share");
    let plan = scratch.run(["export", "client.waveplan", "--format", "json", "-o", "shared.json"]).ok();
    assert!(plan.stdout.contains("shared.json"));
    let again = scratch.run(["share", "hospital.waveplan", "-o", "client.waveplan"]);
    assert_eq!(again.code, 1, "an existing copy is not overwritten");
}

#[test]
fn a_pilot_without_pilot_waves_is_refused_as_in_the_app() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    let refused = scratch.run(["plan", "hospital.waveplan", "--pilot", "3", "--pilot-waves", "0"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("a pilot of applications needs at least 1 pilot wave"), "{}", refused.stderr);
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
fn an_import_killed_at_any_moment_leaves_a_project_that_opens_and_plans() {
    let scratch = Scratch::new();
    let mut args = vec!["import".to_string()];
    args.extend(hospital_files().iter().map(|p| p.display().to_string()));
    args.extend(["--project", "killed.waveplan"].map(String::from));
    let mut landed = 0;
    for (run, moment) in moments(0x1EAF_F00D).take(100).enumerate() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_waveplan"))
            .args(&args)
            .current_dir(scratch.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start waveplan import");
        std::thread::sleep(Duration::from_micros(moment % 250_000));
        let _ = child.kill();
        let status = child.wait().expect("reap");
        if status.success() {
            landed += 1;
        }
        let path = scratch.path("killed.waveplan");
        if !path.exists() {
            continue;
        }
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
        assert_eq!(check, "ok", "run {run}: the file is damaged");
        drop(conn);
        let session = waveplan_app::Session::open(&path).unwrap_or_else(|e| panic!("run {run}: does not open: {e}"));
        let empty = session.estate().servers.is_empty();
        drop(session);
        let planned = scratch.run(["plan", "killed.waveplan", "--start", "2027-01-04"]);
        if empty {
            assert!(planned.stderr.contains("no inventory yet"), "run {run}: {}", planned.stderr);
        } else {
            assert_eq!(planned.code, 0, "run {run}: does not plan: {}", planned.stderr);
        }
    }
    assert!(landed > 0 && landed < 100, "the kills missed the import: {landed} of 100 runs finished");
}
