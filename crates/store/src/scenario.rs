//! Scenarios: named plans, each a planner configuration and the plan it
//! produced, stored as JSON text.
//!
//! The store does not depend on the plan types: callers serialise them. Saving
//! a scenario under an existing name replaces it in one statement; copying
//! and renaming never overwrite one (the caller deletes first if it means to).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::codec::{Record, timestamp_text};
use crate::error::{StoreError, sql};
use crate::project::Project;

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
    /// Saves a plan under `scenario`, replacing any plan of that name.
    /// `config_json` and `plan_json` must be valid JSON.
    pub fn save_plan(&mut self, scenario: &str, config_json: &str, plan_json: &str) -> Result<(), StoreError> {
        if scenario.trim().is_empty() {
            return Err(StoreError::unstorable("scenario", "the name is empty"));
        }
        let now = timestamp_text(Utc::now());
        self.conn
            .prepare_cached(
                "INSERT INTO scenarios (name, config, plan, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT (name) DO UPDATE SET config = ?2, plan = ?3, updated_at = ?4",
            )
            .and_then(|mut stmt| stmt.execute(params![scenario, config_json, plan_json, now]))
            .map_err(|e| StoreError::sql(format!("saving scenario '{scenario}'"), e))?;
        Ok(())
    }

    /// The configuration and plan saved under `scenario`, as `(config_json, plan_json)`.
    pub fn load_plan(&self, scenario: &str) -> Result<Option<(String, String)>, StoreError> {
        self.conn
            .prepare_cached("SELECT config, plan FROM scenarios WHERE name = ?1")
            .and_then(|mut stmt| stmt.query_row([scenario], |row| Ok((row.get(0)?, row.get(1)?))).optional())
            .map_err(|e| StoreError::sql(format!("loading scenario '{scenario}'"), e))
    }

    /// Every scenario, by name.
    pub fn scenarios(&self) -> Result<Vec<ScenarioSummary>, StoreError> {
        let context = "listing scenarios";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, created_at, updated_at FROM scenarios ORDER BY name")
            .map_err(sql(context))?;
        let mut rows = stmt.query([]).map_err(sql(context))?;
        let mut scenarios = Vec::new();
        while let Some(row) = rows.next().map_err(sql(context))? {
            // Scenarios have no numeric id; the position in the listing stands in for messages.
            let r = Record::new(row, "scenarios", scenarios.len() as i64);
            scenarios.push(ScenarioSummary {
                name: r.text(0)?.to_owned(),
                created_at: r.timestamp(1)?,
                updated_at: r.timestamp(2)?,
            });
        }
        Ok(scenarios)
    }

    /// Copies scenario `from`, settings and plan, to a new scenario `to`.
    ///
    /// Fails with [`StoreError::NoScenario`] when there is no `from` and
    /// [`StoreError::ScenarioExists`] when `to` is taken; nothing changes then.
    pub fn copy_scenario(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        check_name(to)?;
        let now = timestamp_text(Utc::now());
        let copied = self
            .conn
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
        Ok(())
    }

    /// Renames scenario `from` to `to`, keeping when it was created.
    ///
    /// Fails as [`Project::copy_scenario`] does; renaming a scenario to its own name does nothing.
    pub fn rename_scenario(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        check_name(to)?;
        let now = timestamp_text(Utc::now());
        let renamed = self
            .conn
            .execute("UPDATE scenarios SET name = ?2, updated_at = ?3 WHERE name = ?1", params![from, to, now])
            .map_err(|e| {
                taken(e, to).unwrap_or_else(|e| StoreError::sql(format!("renaming scenario '{from}' to '{to}'"), e))
            })?;
        if renamed == 0 {
            return Err(StoreError::NoScenario { name: from.to_owned() });
        }
        Ok(())
    }

    /// Deletes a scenario; returns whether it existed.
    pub fn delete_scenario(&mut self, scenario: &str) -> Result<bool, StoreError> {
        let deleted = self
            .conn
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
}
