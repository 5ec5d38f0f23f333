//! The project file's guarantees to a regulated customer, each checked from
//! outside the crate, the way another program (or the sqlite3 shell) would
//! meet the file: one writer, read-only opening, changes made elsewhere
//! noticed, planted triggers refused, old schemas backed up before upgrading,
//! a clean shared copy, and an audit trail whose tampering is found.
//!
//! These tests must not reach into the store's internals: raw SQLite
//! connections stand in for the outside world.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use waveplan_store::{
    Access, AuditBreak, AuditEntry, HistoryStep, Owner, Project, SCHEMA_VERSION, Stack, StoreError, lock_path,
};

fn project_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("hospital.waveplan")
}

fn alice() -> Owner {
    Owner {
        user: "alice".into(),
        host: "WS-0231".into(),
        pid: 4411,
        since: Utc.with_ymd_and_hms(2026, 12, 7, 14, 2, 0).single().expect("valid time"),
    }
}

fn entry(action: &str, summary: &str) -> AuditEntry {
    AuditEntry {
        time: Utc.with_ymd_and_hms(2026, 12, 7, 14, 5, 0).single().expect("valid time"),
        user: "alice".into(),
        host: "WS-0231".into(),
        action: action.into(),
        summary: summary.into(),
        subjects: vec!["EHR".into()],
    }
}

#[test]
fn a_second_writer_is_told_who_holds_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = project_path(&dir);
    let first = Project::create_with(&path, alice()).expect("create");
    let lock: Owner = serde_json::from_str(&fs::read_to_string(lock_path(&path)).expect("lock file")).expect("owner");
    assert_eq!(lock, alice());

    let error = Project::open(&path).expect_err("held");
    match &error {
        StoreError::Locked { path: p, holder } => assert_eq!((p, holder), (&path, &alice())),
        other => panic!("expected locked, got {other:?}"),
    }
    let since = alice().since.with_timezone(&chrono::Local).format("%H:%M").to_string();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: held by alice on WS-0231 since {since}, pid 4411; open it read-only, or close it there",
            path.display()
        )
    );

    // Read-only needs no lock, and writes nothing.
    let mut reader = Project::open_with(&path, Access::ReadOnly).expect("read-only");
    assert!(reader.is_read_only());
    let error = reader.set_setting("wave_size", &20).expect_err("read-only");
    assert!(matches!(&error, StoreError::ReadOnly { path: p } if *p == path), "{error:?}");
    assert_eq!(error.to_string(), format!("{}: opened read-only", path.display()));

    drop(first);
    assert!(!lock_path(&path).exists(), "closing removes the lock file");
    let second = Project::open(&path).expect("free again");
    assert_eq!(second.took_over(), None, "the first closed cleanly");
}

#[test]
fn a_lock_file_left_by_a_holder_that_is_gone_is_taken_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = project_path(&dir);
    drop(Project::create(&path).expect("create"));
    // What a killed holder leaves: the owner written, no lock held.
    fs::write(lock_path(&path), serde_json::to_string(&alice()).expect("json")).expect("write lock file");
    let project = Project::open(&path).expect("taken over");
    assert_eq!(project.took_over(), Some(&alice()));
    let now: Owner = serde_json::from_str(&fs::read_to_string(lock_path(&path)).expect("lock")).expect("owner");
    assert_eq!(now.pid, std::process::id(), "the lock file names the new holder");
}

#[test]
fn a_commit_from_another_connection_stops_the_next_write_until_reloaded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = project_path(&dir);
    let mut project = Project::create(&path).expect("create");
    project.set_setting("wave_size", &20).expect("own writes do not count");
    project.set_setting("wave_size", &21).expect("own writes do not count");

    let shell = Connection::open(&path).expect("raw connection");
    shell.execute("UPDATE settings SET value = '99' WHERE key = 'wave_size'", []).expect("edit");

    let error = project.set_setting("wave_size", &22).expect_err("changed outside");
    assert!(matches!(&error, StoreError::ChangedOutside { path: p } if *p == path), "{error:?}");
    assert_eq!(project.setting::<u32>("wave_size").expect("read"), Some(99), "the other change is kept");
    project.reload_seen().expect("reload");
    project.set_setting("wave_size", &22).expect("accepted after reloading");
    assert_eq!(project.setting::<u32>("wave_size").expect("read"), Some(22));
}

#[test]
fn a_planted_trigger_is_refused_and_the_file_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = project_path(&dir);
    {
        let mut project = Project::create(&path).expect("create");
        project.save_plan("baseline", "{}", "[]").expect("plan");
    }
    {
        let raw = Connection::open(&path).expect("raw");
        raw.execute_batch(
            "CREATE TRIGGER steal AFTER UPDATE ON scenarios BEGIN
                 INSERT INTO settings (key, value) VALUES ('stolen', json_quote(new.plan));
             END;
             PRAGMA journal_mode = DELETE;",
        )
        .expect("plant");
    }
    let before = fs::read(&path).expect("read");
    let error = Project::open(&path).expect_err("untrusted");
    assert!(matches!(error, StoreError::Untrusted { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: refused, the file holds trigger 'steal' on scenarios, which a waveplan project never has",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).expect("read"), before, "byte for byte");
    assert!(Project::open_with(&path, Access::ReadOnly).is_err(), "read-only too");
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn a_read_only_open_of_an_older_schema_asks_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = project_path(&dir);
    fs::copy(fixture(3), &path).expect("copy fixture");
    let before = fs::read(&path).expect("read");
    let error = Project::open_with(&path, Access::ReadOnly).expect_err("older");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: written by an older waveplan (schema version 3); open it for writing once to upgrade it",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).expect("read"), before);
}

fn fixture(version: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/schema-{version}.waveplan"))
}

#[test]
fn older_schemas_are_backed_up_then_upgraded_with_their_data() {
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        fs::copy(fixture(version), &path).expect("copy fixture");
        let original = fs::read(&path).expect("read");

        let project = Project::open(&path).expect("open and upgrade");
        assert_eq!(project.schema_version().expect("version"), SCHEMA_VERSION);
        let backup = project.backup().expect("a backup").to_owned();
        assert_eq!(backup, dir.path().join(format!("hospital.waveplan.schema-{version}.bak")));
        assert_eq!(fs::read(&backup).expect("backup"), original, "schema {version}: the backup is the file as it was");

        let estate = project.load_estate().expect("load");
        assert_eq!(
            estate.servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["ehr-db-01", "ehr-app-01"],
            "schema {version}"
        );
        assert_eq!(estate.applications[0].name, "EHR");
        assert_eq!(estate.applications[0].servers.len(), 2);
        assert_eq!(estate.dependencies.len(), 1);
        let imports = project.imports().expect("imports");
        assert_eq!(imports.len(), 1);
        assert_eq!(imports[0].file_hashes, Vec::<String>::new(), "recorded before hashes were kept");
        assert_eq!(project.setting::<u32>("wave_size").expect("setting"), Some(25));
        assert_eq!(project.load_plan("baseline").expect("plan").expect("kept").1, r#"{"waves":[]}"#);
        assert_eq!(project.project_id().expect("id").len(), 32);
        assert_eq!(project.verify_audit().expect("audit").entries, 0);
        if version >= 3 {
            assert_eq!(project.history_top(Stack::Undo).expect("history").as_deref(), Some("import"));
        }
        if version >= 4 {
            assert_eq!(project.plan_changes("baseline").expect("journal"), ["{}"], "schema {version}");
        }
        let scenarios = project.scenarios().expect("scenarios");
        assert_eq!(scenarios[0].updated_at.to_rfc3339(), "2025-06-01T09:31:00+00:00", "schema {version}");
        drop(project);

        let again = Project::open(&path).expect("reopen");
        assert_eq!(again.backup(), None, "an up-to-date file is not copied again");
    }
}

#[test]
fn a_shared_copy_holds_the_inventory_and_plans_and_nothing_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = project_path(&dir);
    let dest = dir.path().join("for-the-vendor.waveplan");
    let mut project = Project::create(&path).expect("create");
    let estate = waveplan_core::Estate {
        servers: vec![waveplan_core::Server { name: "ehr-db-01".into(), ..Default::default() }],
        ..Default::default()
    };
    project.save_estate(&estate).expect("estate");
    project.set_setting("wave_size", &25).expect("setting");
    project.save_plan("baseline", "{}", r#"{"waves":["draft"]}"#).expect("plan");
    project
        .write(|w| {
            w.push_history(
                Stack::Undo,
                &HistoryStep { label: "move PACS-SECRET-LABEL to wave 2".into(), snapshot: "{}".into() },
                10,
            )?;
            w.append_audit(&entry("edit", "an old summary OLD-AUDIT-SUMMARY"))?;
            w.append_plan_change("baseline", r#"{"journal":"JOURNAL-CHANGE"}"#)
        })
        .expect("history");

    let made = entry("share", "shared with the vendor");
    let plans = vec![("baseline".to_owned(), "{}".to_owned(), r#"{"waves":["folded"]}"#.to_owned())];
    project.share(&dest, &plans, &made).expect("share");
    let error = project.share(&dest, &plans, &made).expect_err("exists");
    assert!(matches!(error, StoreError::AlreadyExists { .. }), "{error:?}");

    let bytes = fs::read(&dest).expect("read copy");
    for secret in ["PACS-SECRET-LABEL", "OLD-AUDIT-SUMMARY", "JOURNAL-CHANGE", "draft"] {
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} is in the copy");
    }
    let copy = Project::open_with(&dest, Access::ReadOnly).expect("open copy");
    assert_eq!(copy.load_estate().expect("estate"), estate);
    assert_eq!(copy.setting::<u32>("wave_size").expect("setting"), Some(25));
    assert_eq!(copy.load_plan("baseline").expect("plan").expect("plan").1, r#"{"waves":["folded"]}"#);
    assert_eq!(copy.plan_changes("baseline").expect("journal"), Vec::<String>::new());
    assert_eq!(copy.history_top(Stack::Undo).expect("history"), None);
    let log = copy.audit_log(None).expect("audit");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].entry, made);
    assert_eq!(copy.verify_audit().expect("verify").broken, None);
    assert_ne!(copy.project_id().expect("id"), project.project_id().expect("id"));
}

/// A project with five audit entries, closed, and a raw connection to it.
fn audited(dir: &tempfile::TempDir) -> (PathBuf, Connection) {
    let path = project_path(dir);
    let mut project = Project::create(&path).expect("create");
    for i in 1..=5 {
        project.write(|w| w.append_audit(&entry("edit", &format!("edit {i}")))).expect("append");
    }
    assert_eq!(project.verify_audit().expect("verify").broken, None);
    drop(project);
    let raw = Connection::open(&path).expect("raw");
    (path, raw)
}

fn broken_after(damage: &str) -> AuditBreak {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, raw) = audited(&dir);
    raw.execute_batch(damage).expect("damage");
    drop(raw);
    let project = Project::open_with(&path, Access::ReadOnly).expect("open");
    project.verify_audit().expect("verify").broken.expect("the damage is found")
}

#[test]
fn a_deleted_audit_entry_is_found() {
    let broken = broken_after("DELETE FROM audit WHERE sequence = 3");
    assert_eq!(broken.sequence, 3);
    assert_eq!(broken.reason, "entry 3 is missing (the entry after 2 is 4)");
}

#[test]
fn an_edited_audit_entry_is_found_whichever_field() {
    for column in [
        "time = '2026-12-07T14:06:00Z'",
        "user = 'mallory'",
        "host = 'X'",
        "action = 'view'",
        "summary = 'nothing happened'",
        "subjects = '[]'",
    ] {
        let broken = broken_after(&format!("UPDATE audit SET {column} WHERE sequence = 2"));
        assert_eq!((broken.sequence, broken.reason.as_str()), (2, "entry 2 was edited"), "{column}");
    }
}

#[test]
fn removing_the_last_audit_entries_is_found() {
    let broken = broken_after("DELETE FROM audit WHERE sequence >= 4");
    assert_eq!((broken.sequence, broken.reason.as_str()), (4, "the last 2 entries were removed"));
}
