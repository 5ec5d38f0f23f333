//! The open project: the file, the estate and the plan on the board, and the
//! undo history of the edits made in this window.
//!
//! The project file is the state: every edit is written to it before the
//! command returns (one SQLite transaction), so a killed app loses nothing
//! that was shown as done, and reopening shows the same board. The undo
//! history is kept in the project file too (`waveplan_store::Stack`), each
//! step holding what changed (`core::delta::EstateDelta`, the plan before,
//! the settings before), so a reopened project can still undo.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use waveplan_core::delta::EstateDelta;
use waveplan_core::{Estate, Plan, PlanConfig};
use waveplan_store::{HistoryStep, Project, Stack};

use crate::error::{AppError, AppResult};
use crate::view;
use crate::wire::ProjectView;

/// The project setting naming the scenario the board shows.
const SCENARIO_SETTING: &str = "desktop:scenario";
/// The scenario a new project plans into (the CLI's default too).
pub const DEFAULT_SCENARIO: &str = "baseline";
/// Undo steps kept.
const HISTORY: usize = 100;

/// What an undo (or redo) step restores, as kept in the project file.
#[derive(Default, Serialize, Deserialize)]
struct Snapshot {
    /// What turns the inventory back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estate: Option<EstateDelta>,
    /// The plan before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plan: Option<PlanBefore>,
    /// Project settings before (a removed setting is `null`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    settings: Vec<(String, Option<serde_json::Value>)>,
}

/// The scenario's plan before a step (none before the first plan).
#[derive(Serialize, Deserialize)]
struct PlanBefore {
    plan: Option<Plan>,
}

/// An open project.
pub struct Session {
    /// The file.
    pub project: Project,
    /// The inventory.
    pub estate: Estate,
    /// The scenario on the board.
    pub scenario: String,
    /// Its plan, if it has one.
    pub plan: Option<Plan>,
    /// Bumped on every change of the estate, so a staged import made
    /// against an older estate is redone.
    pub generation: u64,
    unsaved: bool,
    /// The planner's what-if session of the plan (the board's drag).
    pub what_if: crate::whatif::Cache,
}

/// What an edit changes, so only that is saved and kept for undo.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    /// The plan only.
    Plan,
    /// The inventory (and so possibly the plan's verdicts).
    Estate,
    /// Both.
    Both,
}

impl Session {
    /// Opens an existing project file.
    pub fn open(path: &Path) -> AppResult<Session> {
        Session::load(Project::open(path)?)
    }

    /// Creates a new, empty project file.
    pub fn create(path: &Path) -> AppResult<Session> {
        Session::load(Project::create(path)?)
    }

    /// A project already open (for tests and the sample).
    pub fn load(project: Project) -> AppResult<Session> {
        let scenario: String = project.setting(SCENARIO_SETTING)?.unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
        let saved = project.load_plan(&scenario)?;
        // The plan's JSON (tens of MB on a 50,000-server estate) is parsed
        // on a second thread while this one reads the inventory.
        let (estate, plan) = std::thread::scope(|scope| {
            let parsed = scope.spawn(|| saved.map(|(_, json)| serde_json::from_str::<Plan>(&json)).transpose());
            let estate = project.load_estate();
            (estate, parsed.join())
        });
        let estate = estate?;
        let plan = plan.map_err(|_| AppError::Internal { message: "the saved plan's reader failed".into() })?.map_err(
            |e| AppError::Store {
                message: format!("{}: the saved plan '{scenario}' cannot be read: {e}", project.path().display()),
            },
        )?;
        Ok(Session { project, estate, scenario, plan, generation: 0, unsaved: false, what_if: Default::default() })
    }

    /// The file's path.
    pub fn path(&self) -> PathBuf {
        self.project.path().to_path_buf()
    }

    /// The name shown for the project.
    pub fn name(&self) -> String {
        self.project.path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into())
    }

    /// The project as the UI shows it.
    pub fn view(&self) -> AppResult<ProjectView> {
        Ok(ProjectView {
            path: self.path().display().to_string(),
            name: self.name(),
            counts: view::counts(self.estate.counts()),
            scenario: self.scenario.clone(),
            scenarios: self.project.scenarios()?.into_iter().map(|s| s.name).collect(),
            has_plan: self.plan.is_some(),
            imports: self.project.imports()?.len() as u32,
            undo: self.project.history_top(Stack::Undo)?,
            redo: self.project.history_top(Stack::Redo)?,
            unsaved: self.unsaved,
        })
    }

    /// The planner's settings: the scenario's (what its plan was made
    /// with), else the project's last, else the defaults; `waveplan plan`
    /// looks in the same order.
    pub fn plan_config(&self) -> AppResult<PlanConfig> {
        let saved = match &self.plan {
            Some(plan) => Some(plan.config.clone()),
            None => self.project.setting(waveplan_store::keys::PLAN_CONFIG)?,
        };
        // A new plan starts next Monday, as `waveplan plan` does.
        Ok(saved.unwrap_or_else(|| {
            let today = chrono::Local::now().date_naive();
            let next_monday =
                today + chrono::Duration::days(7 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday()));
            PlanConfig { start: next_monday, ..PlanConfig::default() }
        }))
    }

    /// The plan, or an error saying there is none.
    pub fn plan(&self) -> AppResult<&Plan> {
        self.plan.as_ref().ok_or(AppError::NoPlan)
    }

    /// Makes an edit undoable and saves what it touched.
    pub fn edit<T>(
        &mut self,
        label: &str,
        touches: Touches,
        change: impl FnOnce(&mut Estate, &mut Option<Plan>) -> AppResult<T>,
    ) -> AppResult<T> {
        let before_estate = (touches != Touches::Plan).then(|| self.estate.clone());
        let before_plan = self.plan.clone();
        let mut estate = std::mem::take(&mut self.estate);
        let mut plan = self.plan.take();
        let result = change(&mut estate, &mut plan);
        match result {
            Ok(value) => {
                self.estate = estate;
                self.plan = plan;
                if touches != Touches::Plan {
                    self.generation += 1;
                }
                let snapshot = Snapshot {
                    estate: before_estate.map(|before| EstateDelta::between(&before, &self.estate)),
                    plan: Some(PlanBefore { plan: before_plan }),
                    settings: Vec::new(),
                };
                self.save(touches)?;
                self.push(label, &snapshot)?;
                Ok(value)
            }
            Err(error) => {
                // Nothing changed: put back what was taken.
                self.estate = before_estate.unwrap_or(estate);
                self.plan = before_plan;
                Err(error)
            }
        }
    }

    /// Replaces the inventory with an imported one and stores the settings
    /// it was read and settled with, in one transaction with its import
    /// record, as one undoable edit.
    pub fn import(
        &mut self,
        estate: Estate,
        record: &waveplan_store::ImportRecord,
        settings: &[(&str, serde_json::Value)],
    ) -> AppResult<()> {
        let before_settings = self.settings_now(settings.iter().map(|(key, _)| *key))?;
        let pairs: Vec<(&str, &serde_json::Value)> = settings.iter().map(|(key, value)| (*key, value)).collect();
        self.project.save_import_and_settings(&estate, record, &pairs)?;
        let before = std::mem::replace(&mut self.estate, estate);
        let snapshot = Snapshot {
            estate: Some(EstateDelta::between(&before, &self.estate)),
            plan: Some(PlanBefore { plan: self.plan.clone() }),
            settings: before_settings,
        };
        self.generation += 1;
        if let Some(plan) = &mut self.plan {
            plan.violations = waveplan_core::verify_plan(&self.estate, plan);
            plan.metrics.hard_violations = plan.violations.len();
        }
        self.save(Touches::Plan)?;
        self.push("import", &snapshot)
    }

    fn settings_now<'k>(
        &self,
        keys: impl Iterator<Item = &'k str>,
    ) -> AppResult<Vec<(String, Option<serde_json::Value>)>> {
        keys.map(|key| Ok((key.to_string(), self.project.setting::<serde_json::Value>(key)?))).collect()
    }

    fn push(&mut self, label: &str, snapshot: &Snapshot) -> AppResult<()> {
        let step = HistoryStep { label: label.to_string(), snapshot: serde_json::to_string(snapshot)? };
        self.project.push_history(Stack::Undo, &step, HISTORY)?;
        self.project.clear_history(Stack::Redo)?;
        Ok(())
    }

    /// Undoes the last edit; false when there is none.
    pub fn undo(&mut self) -> AppResult<bool> {
        self.step(Stack::Undo, Stack::Redo)
    }

    /// Redoes the last undone edit; false when there is none.
    pub fn redo(&mut self) -> AppResult<bool> {
        self.step(Stack::Redo, Stack::Undo)
    }

    /// Takes the top step of `from`, restores it, and puts the way back on `to`.
    fn step(&mut self, from: Stack, to: Stack) -> AppResult<bool> {
        let Some(step) = self.project.pop_history(from)? else { return Ok(false) };
        let snapshot: Snapshot = serde_json::from_str(&step.snapshot).map_err(|e| AppError::Store {
            message: format!("{}: the undo step '{}' cannot be read: {e}", self.project.path().display(), step.label),
        })?;
        let mut back = Snapshot {
            settings: self.settings_now(snapshot.settings.iter().map(|(k, _)| k.as_str()))?,
            ..Snapshot::default()
        };
        if let Some(delta) = &snapshot.estate {
            let current = self.estate.clone();
            delta.restore(&mut self.estate);
            back.estate = Some(EstateDelta::between(&current, &self.estate));
            self.generation += 1;
        }
        if let Some(PlanBefore { plan }) = snapshot.plan {
            back.plan = Some(PlanBefore { plan: std::mem::replace(&mut self.plan, plan) });
        }
        for (key, value) in &snapshot.settings {
            match value {
                Some(value) => self.project.set_setting(key, value)?,
                None => {
                    self.project.remove_setting(key)?;
                }
            }
        }
        let touches = if snapshot.estate.is_some() { Touches::Both } else { Touches::Plan };
        // A failed save is shown as unsaved work; the next edit tries again.
        let _ = self.save(touches);
        let step = HistoryStep { label: step.label, snapshot: serde_json::to_string(&back)? };
        self.project.push_history(to, &step, HISTORY)?;
        Ok(true)
    }

    /// Writes what an edit touched; marks the project unsaved if that fails.
    pub fn save(&mut self, touches: Touches) -> AppResult<()> {
        let result = self.write(touches);
        self.unsaved = result.is_err();
        result
    }

    fn write(&mut self, touches: Touches) -> AppResult<()> {
        if touches != Touches::Plan {
            self.project.save_estate(&self.estate)?;
        }
        match &self.plan {
            Some(plan) => self.project.save_plan(
                &self.scenario,
                &serde_json::to_string(&plan.config)?,
                &serde_json::to_string(plan)?,
            )?,
            None => {
                self.project.delete_scenario(&self.scenario)?;
            }
        }
        self.project.set_setting(SCENARIO_SETTING, &self.scenario)?;
        Ok(())
    }
}

/// Scenarios: the board shows one; the others wait in the file.
impl Session {
    /// The plan saved under `scenario`, if there is one.
    pub fn saved_plan(&self, scenario: &str) -> AppResult<Option<Plan>> {
        match self.project.load_plan(scenario)? {
            Some((_, json)) => Ok(Some(serde_json::from_str::<Plan>(&json).map_err(|e| AppError::Store {
                message: format!("{}: the saved plan '{scenario}' cannot be read: {e}", self.project.path().display()),
            })?)),
            None => Ok(None),
        }
    }

    /// Puts `scenario` on the board. The undo history is the board's, so it
    /// starts again: an undo never carries one scenario's plan into another.
    pub fn switch_scenario(&mut self, scenario: &str) -> AppResult<()> {
        let plan = self
            .saved_plan(scenario)?
            .ok_or_else(|| AppError::NotFound { what: "scenario".into(), name: scenario.into() })?;
        self.scenario = scenario.to_string();
        self.plan = Some(plan);
        self.project.clear_history(Stack::Undo)?;
        self.project.clear_history(Stack::Redo)?;
        self.project.set_setting(SCENARIO_SETTING, &self.scenario)?;
        Ok(())
    }

    /// Renames a scenario, following it on the board when it is the one shown.
    pub fn rename_scenario(&mut self, from: &str, to: &str) -> AppResult<()> {
        let to = to.trim();
        self.project.rename_scenario(from, to)?;
        if self.scenario == from {
            self.scenario = to.to_string();
            self.project.set_setting(SCENARIO_SETTING, &self.scenario)?;
        }
        Ok(())
    }
}
