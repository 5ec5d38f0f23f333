//! Scenarios: named plans, each a planner configuration and the plan it
//! produced, stored as JSON text.
//!
//! The store does not depend on the plan types: callers serialise them. A
//! scenario is a base plan saved whole plus a journal of changes appended
//! since (forward plan deltas, also JSON from the caller), so that a moved
//! card writes its change rather than the whole plan; saving the plan whole
//! clears the journal. The journal follows its scenario when it is renamed
//! or copied and goes with it when it is deleted. Copying and renaming never
//! overwrite a scenario (the caller deletes first if it means to).
//!
//! This module must not interpret the plans or the changes.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::codec::{Record, timestamp_text};
use crate::error::{StoreError, sql};
use crate::project::Project;
use crate::write::Write;

/// A scenario as listed, without its plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioSummary {
    /// The scenario's name, unique in the project.
    pub name: String,
    /// When a scenario of this name was first saved.
    pub created_at: DateTime<Utc>,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// Saves a plan under `scenario`, replacing any plan of that name and its
    /// change journal, in one write. `config_json` and `plan_json` must be valid JSON.
    pub fn save_plan(&mut self, scenario: &str, config_json: &str, plan_json: &str) -> Result<(), StoreError> {
        self.write(|w| w.save_plan(scenario, config_json, plan_json))
    }

    /// The configuration and plan saved whole under `scenario`, as
    /// `(config_json, plan_json)`: the base, without the changes of
    /// [`Project::plan_changes`], which the caller applies on top.
    pub fn load_plan(&self, scenario: &str) -> Result<Option<(String, String)>, StoreError> {
        self.conn
            .prepare_cached("SELECT config, plan FROM scenarios WHERE name = ?1")
            .and_then(|mut stmt| stmt.query_row([scenario], |row| Ok((row.get(0)?, row.get(1)?))).optional())
            .map_err(|e| StoreError::sql(format!("loading scenario '{scenario}'"), e))
    }

    /// The changes appended to `scenario` since its plan was last saved whole, oldest first.
    pub fn plan_changes(&self, scenario: &str) -> Result<Vec<String>, StoreError> {
        let context = || format!("loading the changes of scenario '{scenario}'");
        let mut stmt = self
            .conn
            .prepare_cached("SELECT change FROM plan_changes WHERE scenario = ?1 ORDER BY position")
            .map_err(|e| StoreError::sql(context(), e))?;
        stmt.query_map([scenario], |row| row.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .map_err(|e| StoreError::sql(context(), e))
    }

    /// Every scenario, by name.
    pub fn scenarios(&self) -> Result<Vec<ScenarioSummary>, StoreError> {
        let context = "listing scenarios";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.name, s.created_at, s.updated_at,
                        (SELECT c.changed_at FROM plan_changes c
                         WHERE c.scenario = s.name AND c.changed_at IS NOT NULL
                         ORDER BY c.position DESC LIMIT 1)
                 FROM scenarios s ORDER BY s.name",
            )
            .map_err(sql(context))?;
        let mut rows = stmt.query([]).map_err(sql(context))?;
        let mut scenarios = Vec::new();
        while let Some(row) = rows.next().map_err(sql(context))? {
            // Scenarios have no numeric id; the position in the listing stands in for messages.
            let r = Record::new(row, "scenarios", scenarios.len() as i64);
            let saved = r.timestamp(2)?;
            let changed = r.opt_timestamp(3)?;
            scenarios.push(ScenarioSummary {
                name: r.text(0)?.to_owned(),
                created_at: r.timestamp(1)?,
                updated_at: changed.map_or(saved, |changed| changed.max(saved)),
            });
        }
        Ok(scenarios)
    }

    /// Copies scenario `from` to a new scenario `to`, in one write; see [`Write::copy_scenario`].
    pub fn copy_scenario(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        self.write(|w| w.copy_scenario(from, to))
    }

    /// Renames scenario `from` to `to`, in one write; see [`Write::rename_scenario`].
    pub fn rename_scenario(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        self.write(|w| w.rename_scenario(from, to))
    }

    /// Deletes a scenario and its journal, in one write; returns whether it existed.
    pub fn delete_scenario(&mut self, scenario: &str) -> Result<bool, StoreError> {
        self.write(|w| w.delete_scenario(scenario))
    }
}

impl Write<'_> {
    /// The scenario's whole plan (a new base); clears the scenario's change journal.
    /// `config_json` and `plan_json` must be valid JSON.
    pub fn save_plan(&mut self, scenario: &str, config_json: &str, plan_json: &str) -> Result<(), StoreError> {
        check_name(scenario)?;
        let now = timestamp_text(Utc::now());
        self.tick()?;
        self.conn()
            .prepare_cached(
                "INSERT INTO scenarios (name, config, plan, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT (name) DO UPDATE SET config = ?2, plan = ?3, updated_at = ?4",
            )
            .and_then(|mut stmt| stmt.execute(params![scenario, config_json, plan_json, now]))
            .map_err(|e| StoreError::sql(format!("saving scenario '{scenario}'"), e))?;
        self.tick()?;
        self.conn()
            .prepare_cached("DELETE FROM plan_changes WHERE scenario = ?1")
            .and_then(|mut stmt| stmt.execute([scenario]))
            .map_err(|e| StoreError::sql(format!("clearing the changes of scenario '{scenario}'"), e))?;
        Ok(())
    }

    /// Appends one change (JSON written by the caller: a forward plan delta) to the scenario's journal,
    /// so a moved card writes a few hundred KB rather than a 29 MB plan. The scenario must exist
    /// ([`StoreError::NoScenario`]).
    pub fn append_plan_change(&mut self, scenario: &str, change_json: &str) -> Result<(), StoreError> {
        let now = timestamp_text(Utc::now());
        self.tick()?;
        // Asked of the name's index: the scenario's row, with its plan, is
        // neither read nor written (the change carries its own time).
        let exists = self
            .conn()
            .prepare_cached("SELECT 1 FROM scenarios WHERE name = ?1")
            .and_then(|mut stmt| stmt.exists([scenario]))
            .map_err(|e| StoreError::sql(format!("changing scenario '{scenario}'"), e))?;
        if !exists {
            return Err(StoreError::NoScenario { name: scenario.to_owned() });
        }
        self.tick()?;
        self.conn()
            .prepare_cached(
                "INSERT INTO plan_changes (scenario, position, change, changed_at)
                 SELECT ?1, coalesce(max(position) + 1, 0), ?2, ?3 FROM plan_changes WHERE scenario = ?1",
            )
            .and_then(|mut stmt| stmt.execute(params![scenario, change_json, now]))
            .map_err(|e| StoreError::sql(format!("appending a change to scenario '{scenario}'"), e))?;
        Ok(())
    }

    /// Copies scenario `from`, settings, plan and journal, to a new scenario `to`.
    ///
    /// Fails with [`StoreError::NoScenario`] when there is no `from` and
    /// [`StoreError::ScenarioExists`] when `to` is taken; nothing changes then.
    pub fn copy_scenario(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        check_name(to)?;
        let now = timestamp_text(Utc::now());
        self.tick()?;
        let copied = self
            .conn()
            .execute(
                "INSERT INTO scenarios (name, config, plan, created_at, updated_at)
                 SELECT ?2, config, plan, ?3, ?3 FROM scenarios WHERE name = ?1",
                params![from, to, now],
            )
            .map_err(|e| {
                taken(e, to).unwrap_or_else(|e| StoreError::sql(format!("copying scenario '{from}' to '{to}'"), e))
            })?;
        if copied == 0 {
            return Err(StoreError::NoScenario { name: from.to_owned() });
        }
        self.tick()?;
        self.conn()
            .execute(
                "INSERT INTO plan_changes (scenario, position, change, changed_at)
                 SELECT ?2, position, change, changed_at FROM plan_changes WHERE scenario = ?1",
                params![from, to],
            )
            .map_err(|e| StoreError::sql(format!("copying the changes of scenario '{from}' to '{to}'"), e))?;
        Ok(())
    }

    /// Renames scenario `from` to `to`, keeping when it was created; its journal follows.
    ///
    /// Fails as [`Write::copy_scenario`] does; renaming a scenario to its own name does nothing.
    pub fn rename_scenario(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        check_name(to)?;
        let now = timestamp_text(Utc::now());
        self.tick()?;
        // The journal's foreign key cascades the new name (ON UPDATE CASCADE).
        let renamed = self
            .conn()
            .execute("UPDATE scenarios SET name = ?2, updated_at = ?3 WHERE name = ?1", params![from, to, now])
            .map_err(|e| {
                taken(e, to).unwrap_or_else(|e| StoreError::sql(format!("renaming scenario '{from}' to '{to}'"), e))
            })?;
        if renamed == 0 {
            return Err(StoreError::NoScenario { name: from.to_owned() });
        }
        Ok(())
    }

    /// Deletes a scenario and its journal; returns whether it existed.
    pub fn delete_scenario(&mut self, scenario: &str) -> Result<bool, StoreError> {
        self.tick()?;
        // The journal goes with it (ON DELETE CASCADE).
        let deleted = self
            .conn()
            .execute("DELETE FROM scenarios WHERE name = ?1", [scenario])
            .map_err(|e| StoreError::sql(format!("deleting scenario '{scenario}'"), e))?;
        Ok(deleted > 0)
    }
}

fn check_name(name: &str) -> Result<(), StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::unstorable("scenario", "the name is empty"));
    }
    Ok(())
}

/// A unique-constraint failure is the name being taken; anything else is handed back.
fn taken(error: rusqlite::Error, name: &str) -> Result<StoreError, rusqlite::Error> {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Ok(StoreError::ScenarioExists { name: name.to_owned() }),
        _ => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_a_plan_replaces_the_scenario_of_that_name() {
        let mut project = Project::open_in_memory().expect("open");
        assert_eq!(project.load_plan("q3").expect("load"), None);
        project.save_plan("q3", r#"{"waves":4}"#, r#"{"waves":[]}"#).expect("save");
        project.save_plan("baseline", "{}", "[]").expect("save");
        let first = project.scenarios().expect("list");
        project.save_plan("q3", r#"{"waves":5}"#, r#"{"waves":[1]}"#).expect("replace");

        assert_eq!(
            project.load_plan("q3").expect("load"),
            Some((r#"{"waves":5}"#.to_owned(), r#"{"waves":[1]}"#.to_owned()))
        );
        let listed = project.scenarios().expect("list");
        let names: Vec<&str> = listed.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["baseline", "q3"]);
        assert_eq!(listed[1].created_at, first[1].created_at);
        assert!(listed[1].updated_at >= first[1].updated_at);

        assert!(project.delete_scenario("q3").expect("delete"));
        assert!(!project.delete_scenario("q3").expect("delete again"));
        assert_eq!(project.load_plan("q3").expect("load"), None);
    }

    #[test]
    fn a_plan_that_is_not_json_is_refused_and_the_old_one_kept() {
        let mut project = Project::open_in_memory().expect("open");
        project.save_plan("q3", "{}", "[1]").expect("save");
        let error = project.save_plan("q3", "{}", "not json").expect_err("invalid json");
        assert!(error.to_string().contains("scenario 'q3'"), "{error}");
        assert_eq!(project.load_plan("q3").expect("load"), Some(("{}".to_owned(), "[1]".to_owned())));
        assert!(project.save_plan(" ", "{}", "[]").is_err());
    }

    #[test]
    fn copying_and_renaming_keep_the_plan_and_never_overwrite() {
        let mut project = Project::open_in_memory().expect("open");
        project.save_plan("baseline", r#"{"wave_days":14}"#, r#"{"waves":[1,2]}"#).expect("save");
        project.save_plan("fast", r#"{"wave_days":7}"#, r#"{"waves":[1]}"#).expect("save");

        project.copy_scenario("baseline", "conservative").expect("copy");
        assert_eq!(project.load_plan("conservative").expect("load"), project.load_plan("baseline").expect("load"));
        let error = project.copy_scenario("baseline", "fast").expect_err("fast is taken");
        assert!(matches!(&error, StoreError::ScenarioExists { name } if name == "fast"), "{error:?}");
        assert_eq!(project.load_plan("fast").expect("load").expect("kept").0, r#"{"wave_days":7}"#);
        let error = project.copy_scenario("nothing", "x").expect_err("no source");
        assert_eq!(error.to_string(), "no scenario named 'nothing'");

        let created =
            project.scenarios().expect("list").into_iter().find(|s| s.name == "fast").expect("fast").created_at;
        project.rename_scenario("fast", "aggressive").expect("rename");
        let listed = project.scenarios().expect("list");
        let names: Vec<&str> = listed.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["aggressive", "baseline", "conservative"]);
        assert_eq!(listed[0].created_at, created);
        assert_eq!(project.load_plan("aggressive").expect("load").expect("renamed").1, r#"{"waves":[1]}"#);
        assert!(matches!(project.rename_scenario("aggressive", "baseline"), Err(StoreError::ScenarioExists { .. })));
        assert!(matches!(project.rename_scenario("fast", "x"), Err(StoreError::NoScenario { .. })));
        project.rename_scenario("baseline", "baseline").expect("renaming to itself is nothing");
        assert!(project.copy_scenario("baseline", " ").is_err());
    }

    #[test]
    fn the_journal_follows_its_scenario_and_a_whole_save_clears_it() {
        let mut project = Project::open_in_memory().expect("open");
        let error = project.write(|w| w.append_plan_change("q3", r#"{"move":1}"#)).expect_err("no scenario");
        assert!(matches!(&error, StoreError::NoScenario { name } if name == "q3"), "{error:?}");
        project.save_plan("q3", "{}", "[]").expect("save");
        project
            .write(|w| {
                w.append_plan_change("q3", r#"{"move":1}"#)?;
                w.append_plan_change("q3", r#"{"move":2}"#)
            })
            .expect("append");
        assert_eq!(project.plan_changes("q3").expect("changes"), [r#"{"move":1}"#, r#"{"move":2}"#]);
        assert_eq!(project.load_plan("q3").expect("load"), Some(("{}".into(), "[]".into())), "the base is kept");

        project.copy_scenario("q3", "copy").expect("copy");
        project.write(|w| w.append_plan_change("copy", r#"{"move":3}"#)).expect("append");
        assert_eq!(project.plan_changes("q3").expect("changes").len(), 2, "the copy's journal is its own");
        assert_eq!(project.plan_changes("copy").expect("changes").len(), 3);

        project.rename_scenario("q3", "q4").expect("rename");
        assert_eq!(project.plan_changes("q3").expect("changes"), Vec::<String>::new());
        assert_eq!(project.plan_changes("q4").expect("changes"), [r#"{"move":1}"#, r#"{"move":2}"#]);

        project.save_plan("q4", "{}", "[1]").expect("save whole");
        assert_eq!(project.plan_changes("q4").expect("changes"), Vec::<String>::new());
        assert!(project.delete_scenario("copy").expect("delete"));
        let left: i64 =
            project.conn.query_row("SELECT count(*) FROM plan_changes", [], |row| row.get(0)).expect("count");
        assert_eq!(left, 0, "the journal went with its scenario");
        assert!(project.write(|w| w.append_plan_change("q4", "not json")).is_err());
    }

    #[test]
    fn a_change_dates_its_scenario_without_touching_the_plan_row() {
        let mut project = Project::open_in_memory().expect("open");
        project.save_plan("q3", "{}", "[]").expect("save");
        let saved = project.scenarios().expect("list")[0].updated_at;
        let row_before: String =
            project.conn.query_row("SELECT updated_at FROM scenarios", [], |row| row.get(0)).expect("row");
        std::thread::sleep(std::time::Duration::from_millis(5));
        project.write(|w| w.append_plan_change("q3", r#"{"move":1}"#)).expect("append");
        let row_after: String =
            project.conn.query_row("SELECT updated_at FROM scenarios", [], |row| row.get(0)).expect("row");
        assert_eq!(row_after, row_before, "the scenario's row (with its plan) is not rewritten");
        let changed = project.scenarios().expect("list")[0].updated_at;
        assert!(changed > saved, "the change dates the scenario: {changed} after {saved}");

        // A change kept by schema 4 has no time: the scenario's own stands.
        project.conn.execute("UPDATE plan_changes SET changed_at = NULL", []).expect("as schema 4 left it");
        assert_eq!(project.scenarios().expect("list")[0].updated_at, saved);
    }
}
