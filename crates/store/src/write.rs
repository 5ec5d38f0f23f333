//! One transaction of the project file: [`Project::write`] and the [`Write`]
//! it hands to the caller, through which every change to the file is made.
//!
//! A user action (an import, an edit, a moved card, an undo) is one call of
//! [`Project::write`]: the inventory, the plan, the settings, the undo step
//! and the audit entry it writes land together or not at all. The write is
//! refused before it starts on a read-only project and on a file that
//! another connection changed since this one read it.
//!
//! Every statement a [`Write`] executes is counted (each row of a bulk
//! insert, and the commit), so that a test can make any one of them fail
//! ([`Project::fail_at_statement`]) and check that nothing was written.
//!
//! This module must not hold a transaction open beyond one call of
//! [`Project::write`], and must not commit anything the closure did not
//! return `Ok` for.

use std::cell::Cell;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{StoreError, sql};
use crate::project::Project;

/// Counts the statements of the current write and fails the one a test chose.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Statements executed by the current (or last) write.
    done: Cell<u64>,
    /// The statement that fails with [`StoreError::Injected`], counted from 1.
    fail_at: Option<u64>,
}

impl Tally {
    /// Counts one statement, failing it if it is the chosen one.
    pub(crate) fn tick(&self) -> Result<(), StoreError> {
        let n = self.done.get() + 1;
        self.done.set(n);
        if self.fail_at == Some(n) { Err(StoreError::Injected { statement: n }) } else { Ok(()) }
    }
}

/// One transaction of the project file: everything written through it lands together or not at all.
///
/// Made by [`Project::write`]; dropping it without the closure returning `Ok`
/// (an error or a panic) rolls the transaction back.
pub struct Write<'p> {
    pub(crate) tx: Transaction<'p>,
    pub(crate) tally: &'p Tally,
}

impl std::fmt::Debug for Write<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Write").field("statements", &self.tally.done.get()).finish_non_exhaustive()
    }
}

impl Write<'_> {
    /// The transaction, for the modules that write through it.
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Counts one statement about to run; see [`Tally::tick`].
    pub(crate) fn tick(&self) -> Result<(), StoreError> {
        self.tally.tick()
    }
}

impl Project {
    /// Runs `f` in one IMMEDIATE transaction and commits; on an error from `f` (or a panic in `f`)
    /// nothing is written. Refuses before starting: [`StoreError::ReadOnly`] on a read-only project,
    /// [`StoreError::ChangedOutside`] when another connection committed to the file since this one opened
    /// or last reloaded (`PRAGMA data_version`).
    pub fn write<T, E: From<StoreError>>(&mut self, f: impl FnOnce(&mut Write<'_>) -> Result<T, E>) -> Result<T, E> {
        if self.read_only {
            return Err(StoreError::ReadOnly { path: self.path.clone() }.into());
        }
        self.tally.done.set(0);
        // IMMEDIATE takes the write lock at once: the data version read next
        // is then the last one committed, and nobody can commit after it
        // until this transaction ends.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
                StoreError::ReadOnly { path: self.path.clone() }
            } else {
                StoreError::sql("starting a write", e)
            }
        })?;
        let version = data_version(&tx)?;
        if version != self.seen_version {
            return Err(StoreError::ChangedOutside { path: self.path.clone() }.into());
        }
        let mut write = Write { tx, tally: &self.tally };
        let value = f(&mut write)?;
        write.tick()?;
        write.tx.commit().map_err(sql("committing a write"))?;
        Ok(value)
    }

    /// Accepts the file as it is now, after the caller re-read what another
    /// connection changed ([`StoreError::ChangedOutside`]); writes are allowed again.
    pub fn reload_seen(&mut self) -> Result<(), StoreError> {
        self.seen_version = data_version(&self.conn)?;
        Ok(())
    }

    /// Makes the `n`-th statement of the following writes fail with
    /// [`StoreError::Injected`] (counted from 1 in each write), until called with `None`.
    #[doc(hidden)]
    pub fn fail_at_statement(&mut self, n: Option<u64>) {
        self.tally.fail_at = n;
    }

    /// How many statements the last write executed (or tried to), the commit included.
    #[doc(hidden)]
    pub fn statements_in_last_write(&self) -> u64 {
        self.tally.done.get()
    }
}

/// `PRAGMA data_version`: changes when another connection commits to the file.
pub(crate) fn data_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.query_row("PRAGMA data_version", [], |row| row.get(0)).map_err(sql("reading the data version"))
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;
    use crate::estate::ImportRecord;
    use crate::fixture::full_estate;
    use crate::history::{HistoryStep, Stack};

    #[test]
    fn everything_in_one_write_lands_together_or_not_at_all() {
        let mut project = Project::open_in_memory().expect("open");
        project
            .write(|w| {
                w.replace_estate(&full_estate())?;
                w.set_setting("wave_size", &20)?;
                w.save_plan("baseline", "{}", "[]")
            })
            .expect("write");
        assert_eq!(project.load_estate().expect("load"), full_estate());

        let result: Result<(), StoreError> = project.write(|w| {
            w.replace_estate(&waveplan_core::Estate::default())?;
            w.set_setting("wave_size", &30)?;
            Err(StoreError::NoScenario { name: "gone".into() })
        });
        assert!(matches!(result, Err(StoreError::NoScenario { .. })), "{result:?}");
        assert_eq!(project.load_estate().expect("load"), full_estate());
        assert_eq!(project.setting::<u32>("wave_size").expect("setting"), Some(20));
    }

    #[test]
    fn a_panic_inside_a_write_rolls_it_back() {
        let mut project = Project::open_in_memory().expect("open");
        project.set_setting("wave_size", &20).expect("setting");
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let _ = project.write(|w| -> Result<(), StoreError> {
                w.replace_estate(&full_estate())?;
                w.set_setting("wave_size", &30)?;
                panic!("the caller's code failed half-way");
            });
        }));
        assert!(outcome.is_err(), "the panic comes through");
        assert_eq!(project.load_estate().expect("load"), waveplan_core::Estate::default());
        assert_eq!(project.setting::<u32>("wave_size").expect("setting"), Some(20));
        project.set_setting("wave_size", &40).expect("the project still writes");
        assert_eq!(project.setting::<u32>("wave_size").expect("setting"), Some(40));
    }

    #[test]
    fn an_injected_fault_fails_the_chosen_statement_and_writes_nothing() {
        let mut project = Project::open_in_memory().expect("open");
        project.write(|w| w.set_setting("a", &1)).expect("write");
        // One upsert and the commit.
        assert_eq!(project.statements_in_last_write(), 2);
        project.fail_at_statement(Some(2));
        let error = project.set_setting("a", &2).expect_err("the commit fails");
        assert!(matches!(error, StoreError::Injected { statement: 2 }), "{error:?}");
        assert_eq!(project.setting::<u32>("a").expect("read"), Some(1));
        project.fail_at_statement(None);
        project.set_setting("a", &3).expect("write");
        assert_eq!(project.setting::<u32>("a").expect("read"), Some(3));
    }

    /// Everything a write can change, read back.
    fn state(project: &Project) -> impl PartialEq + std::fmt::Debug + use<> {
        let history: Vec<(String, String, String)> = project
            .conn
            .prepare("SELECT stack, label, snapshot FROM history ORDER BY id")
            .and_then(|mut stmt| stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .expect("history");
        let settings: Vec<(String, String)> = project
            .conn
            .prepare("SELECT key, value FROM settings ORDER BY key")
            .and_then(|mut stmt| stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .expect("settings");
        (
            project.load_estate().expect("estate"),
            project.imports().expect("imports"),
            settings,
            history,
            project.audit_log(None).expect("audit"),
            project.verify_audit().expect("verify"),
        )
    }

    #[test]
    fn an_import_failing_at_any_statement_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut project = Project::create(dir.path().join("p.waveplan")).expect("create");
        let mut earlier = full_estate();
        earlier.servers.truncate(3);
        earlier.applications.clear();
        earlier.datastores.clear();
        earlier.dependencies.clear();
        earlier.constraints.clear();
        project
            .write(|w| {
                w.replace_estate(&earlier)?;
                w.set_setting("merge_policy", "prefer-newest")?;
                w.push_history(Stack::Undo, &HistoryStep { label: "edit".into(), snapshot: "{}".into() }, 10)?;
                w.append_audit(&crate::audit::tests::entry("import", "first import")).map(|_| ())
            })
            .expect("earlier state");
        let import = ImportRecord {
            files: vec!["servers.csv".into()],
            file_hashes: vec![crate::estate::file_hash(b"servers")],
            imported_at: chrono::Utc::now(),
            summary_json: "{}".into(),
        };
        let before = state(&project);

        // How many statements the import takes, learned on a copy.
        let mut probe = Project::open_in_memory().expect("probe");
        probe.save_import(&full_estate(), &import).expect("probe import");
        let statements = probe.statements_in_last_write();
        let estate = full_estate();
        let rows = estate.servers.len()
            + estate.applications.iter().map(|a| 1 + a.servers.len() + a.datastores.len()).sum::<usize>()
            + estate.datastores.len()
            + estate.externals.len()
            + estate.dependencies.len()
            + estate.constraints.len()
            + estate.excluded.len();
        assert!(statements > rows as u64, "every row counts: {statements} statements for {rows} rows");

        for n in 1..=statements {
            project.fail_at_statement(Some(n));
            let error = project.save_import(&full_estate(), &import).expect_err("injected");
            assert!(matches!(error, StoreError::Injected { statement } if statement == n), "{n}: {error:?}");
            assert_eq!(project.statements_in_last_write(), n);
            assert!(state(&project) == before, "statement {n} of {statements} left a change behind");
        }
        project.fail_at_statement(Some(statements + 1));
        project.save_import(&full_estate(), &import).expect("a fault past the last statement never fires");
        project.fail_at_statement(None);
        project.save_import(&full_estate(), &import).expect("and without a fault");
        assert_eq!(project.load_estate().expect("load"), full_estate());
    }
}
