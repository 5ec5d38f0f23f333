//! The undo and redo history of a project: two stacks of steps, each a label
//! and a snapshot (JSON the caller writes and reads; the store keeps it).
//!
//! Kept in the file so a reopened project can still undo what was done
//! before the app was closed or killed. Pushing onto the undo stack drops the
//! oldest steps beyond the caller's limit.
//!
//! This module must not read the snapshots: they are the caller's.

use rusqlite::{OptionalExtension, params};

use crate::error::StoreError;
use crate::project::Project;
use crate::write::Write;

/// Which stack a step is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    /// Steps undo takes, newest first.
    Undo,
    /// Steps redo takes, newest first.
    Redo,
}

impl Stack {
    fn as_str(self) -> &'static str {
        match self {
            Stack::Undo => "undo",
            Stack::Redo => "redo",
        }
    }
}

/// One step of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryStep {
    /// What the step did, in words (`move PACS to wave 2`).
    pub label: String,
    /// What it restores, as the caller wrote it.
    pub snapshot: String,
}

impl Project {
    /// Puts a step on top of `stack`, keeping at most `keep` steps on it, in one write.
    pub fn push_history(&mut self, stack: Stack, step: &HistoryStep, keep: usize) -> Result<(), StoreError> {
        self.write(|w| w.push_history(stack, step, keep))
    }

    /// Takes the top step off `stack`, in one write.
    pub fn pop_history(&mut self, stack: Stack) -> Result<Option<HistoryStep>, StoreError> {
        self.write(|w| w.pop_history(stack))
    }

    /// The label of the top step of `stack`, if any.
    pub fn history_top(&self, stack: Stack) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT label FROM history WHERE stack = ?1 ORDER BY id DESC LIMIT 1")
            .and_then(|mut stmt| stmt.query_row([stack.as_str()], |row| row.get(0)).optional())
            .map_err(|e| StoreError::sql(format!("reading the {} history", stack.as_str()), e))
    }

    /// The top step of `stack`, left on it: what undo (or redo) would
    /// restore, read before the write that takes it.
    pub fn peek_history(&self, stack: Stack) -> Result<Option<HistoryStep>, StoreError> {
        self.conn
            .prepare_cached("SELECT label, snapshot FROM history WHERE stack = ?1 ORDER BY id DESC LIMIT 1")
            .and_then(|mut stmt| {
                stmt.query_row([stack.as_str()], |row| Ok(HistoryStep { label: row.get(0)?, snapshot: row.get(1)? }))
                    .optional()
            })
            .map_err(|e| StoreError::sql(format!("reading the {} history", stack.as_str()), e))
    }

    /// Empties `stack` (a new edit clears redo), in one write.
    pub fn clear_history(&mut self, stack: Stack) -> Result<(), StoreError> {
        self.write(|w| w.clear_history(stack))
    }
}

impl Write<'_> {
    /// Puts a step on top of `stack`, keeping at most `keep` steps on it.
    pub fn push_history(&mut self, stack: Stack, step: &HistoryStep, keep: usize) -> Result<(), StoreError> {
        let what = || format!("saving the {} step '{}'", stack.as_str(), step.label);
        self.tick()?;
        self.conn()
            .prepare_cached("INSERT INTO history (stack, label, snapshot) VALUES (?1, ?2, ?3)")
            .and_then(|mut stmt| stmt.execute(params![stack.as_str(), step.label, step.snapshot]))
            .map_err(|e| StoreError::sql(what(), e))?;
        self.tick()?;
        self.conn()
            .prepare_cached(
                "DELETE FROM history WHERE stack = ?1
                 AND id NOT IN (SELECT id FROM history WHERE stack = ?1 ORDER BY id DESC LIMIT ?2)",
            )
            .and_then(|mut stmt| stmt.execute(params![stack.as_str(), keep as i64]))
            .map_err(|e| StoreError::sql(what(), e))?;
        Ok(())
    }

    /// Takes the top step off `stack`.
    pub fn pop_history(&mut self, stack: Stack) -> Result<Option<HistoryStep>, StoreError> {
        let what = || format!("taking the last {} step", stack.as_str());
        self.tick()?;
        let top: Option<(i64, String, String)> = self
            .conn()
            .prepare_cached("SELECT id, label, snapshot FROM history WHERE stack = ?1 ORDER BY id DESC LIMIT 1")
            .and_then(|mut stmt| {
                stmt.query_row([stack.as_str()], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).optional()
            })
            .map_err(|e| StoreError::sql(what(), e))?;
        let Some((id, label, snapshot)) = top else { return Ok(None) };
        self.tick()?;
        self.conn().execute("DELETE FROM history WHERE id = ?1", [id]).map_err(|e| StoreError::sql(what(), e))?;
        Ok(Some(HistoryStep { label, snapshot }))
    }

    /// Empties `stack`.
    pub fn clear_history(&mut self, stack: Stack) -> Result<(), StoreError> {
        self.tick()?;
        self.conn()
            .execute("DELETE FROM history WHERE stack = ?1", [stack.as_str()])
            .map_err(|e| StoreError::sql(format!("clearing the {} history", stack.as_str()), e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(label: &str) -> HistoryStep {
        HistoryStep { label: label.into(), snapshot: format!("{{\"step\":\"{label}\"}}") }
    }

    #[test]
    fn steps_survive_reopening_come_back_newest_first_and_are_trimmed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.waveplan");
        {
            let mut project = Project::create(&path).expect("create");
            for label in ["a", "b", "c", "d"] {
                project.push_history(Stack::Undo, &step(label), 3).expect("push");
            }
            project.push_history(Stack::Redo, &step("r"), 3).expect("push");
        }
        let mut project = Project::open(&path).expect("reopen");
        assert_eq!(project.history_top(Stack::Undo).expect("top").as_deref(), Some("d"));
        let peeked = project.peek_history(Stack::Undo).expect("peek").expect("a step");
        assert_eq!(peeked, step("d"));
        assert_eq!(project.history_top(Stack::Undo).expect("top").as_deref(), Some("d"), "a peek leaves the step");
        let popped: Vec<String> =
            std::iter::from_fn(|| project.pop_history(Stack::Undo).expect("pop")).map(|s| s.label).collect();
        assert_eq!(popped, ["d", "c", "b"], "the oldest beyond three was dropped");
        assert_eq!(project.history_top(Stack::Redo).expect("top").as_deref(), Some("r"));
        project.clear_history(Stack::Redo).expect("clear");
        assert_eq!(project.pop_history(Stack::Redo).expect("pop"), None);
        let error =
            project.push_history(Stack::Undo, &HistoryStep { label: "x".into(), snapshot: "not json".into() }, 3);
        assert!(error.is_err(), "a snapshot is JSON");
    }
}
