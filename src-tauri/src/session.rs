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
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use waveplan_core::delta::{EstateDelta, PlanDelta};
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

/// The scenario's plan before a step: what turns the plan after back into
/// it (a few placements, waves and figures for a move, where the whole plan
/// of 10,000 applications is 29 MB), or the whole plan when there was none
/// after or before (none before the first plan), and in steps kept by
/// earlier versions.
#[derive(Serialize, Deserialize)]
struct PlanBefore {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plan: Option<Arc<Plan>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delta: Option<PlanDelta>,
}

impl PlanBefore {
    fn between(before: Option<&Arc<Plan>>, after: Option<&Plan>) -> PlanBefore {
        match (before, after) {
            (Some(before), Some(after)) => PlanBefore { plan: None, delta: Some(PlanDelta::between(before, after)) },
            (before, _) => PlanBefore { plan: before.cloned(), delta: None },
        }
    }

    /// The plan before, from the plan it was taken against.
    fn restore(self, now: Option<&Arc<Plan>>) -> Option<Arc<Plan>> {
        match (self.delta, now) {
            (Some(delta), Some(now)) => {
                let mut plan = Plan::clone(now);
                delta.restore(&mut plan);
                Some(Arc::new(plan))
            }
            // A delta needs the plan it was taken against; the session's
            // own steps never leave the board without one.
            (Some(_), None) => None,
            (None, _) => self.plan,
        }
    }
}

/// An open project.
pub struct Session {
    /// The file.
    pub project: Project,
    /// The inventory. Shared, not copied, with the planner's session being
    /// built in the background ([`crate::whatif::prepare`]): an edit copies
    /// it only while such a build still holds it.
    pub estate: Arc<Estate>,
    /// The scenario on the board.
    pub scenario: String,
    /// Its plan, if it has one (shared as the estate is).
    pub plan: Option<Arc<Plan>>,
    /// Bumped on every change of the estate, so a staged import made
    /// against an older estate is redone.
    pub generation: u64,
    unsaved: bool,
    /// The planner's what-if session of the plan (the board's drag).
    pub what_if: crate::whatif::Cache,
}

/// What an edit changed, so only that is saved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Touches {
    /// The plan only.
    Plan,
    /// The inventory and the plan.
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
        Ok(Session {
            project,
            estate: Arc::new(estate),
            scenario,
            plan: plan.map(Arc::new),
            generation: 0,
            unsaved: false,
            what_if: Default::default(),
        })
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
        self.plan.as_deref().ok_or(AppError::NoPlan)
    }

    /// Makes an edit of the inventory (and with it, perhaps, the plan)
    /// undoable, and saves it.
    pub fn edit<T>(
        &mut self,
        label: &str,
        change: impl FnOnce(&mut Estate, &mut Option<Plan>) -> AppResult<T>,
    ) -> AppResult<T> {
        // The state before is kept (shared) for the undo step; the edit
        // works on a copy.
        let (before_estate, before_plan) = (self.estate.clone(), self.plan.clone());
        let mut estate = Arc::unwrap_or_clone(std::mem::take(&mut self.estate));
        let mut plan = self.plan.take().map(Arc::unwrap_or_clone);
        match change(&mut estate, &mut plan) {
            Ok(value) => {
                self.estate = Arc::new(estate);
                self.plan = plan.map(Arc::new);
                self.generation += 1;
                let snapshot = Snapshot {
                    estate: Some(EstateDelta::between(&before_estate, &self.estate)),
                    plan: Some(PlanBefore::between(before_plan.as_ref(), self.plan.as_deref())),
                    settings: Vec::new(),
                };
                self.save(Touches::Both)?;
                self.push(label, &snapshot)?;
                Ok(value)
            }
            Err(error) => {
                // Nothing changed: put back what was taken.
                self.estate = before_estate;
                self.plan = before_plan;
                Err(error)
            }
        }
    }

    /// Puts a new plan on the board (a re-plan, a move) as an undoable edit,
    /// and saves it.
    pub fn set_plan(&mut self, label: &str, plan: Plan) -> AppResult<()> {
        let before = self.plan.replace(Arc::new(plan));
        let snapshot =
            Snapshot { plan: Some(PlanBefore::between(before.as_ref(), self.plan.as_deref())), ..Snapshot::default() };
        self.save(Touches::Plan)?;
        self.push(label, &snapshot)
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
        let before = std::mem::replace(&mut self.estate, Arc::new(estate));
        let before_plan = self.plan.clone();
        self.generation += 1;
        if let Some(plan) = &mut self.plan {
            let plan = Arc::make_mut(plan);
            plan.violations = waveplan_core::verify_plan(&self.estate, plan);
            plan.metrics.hard_violations = plan.violations.len();
        }
        let snapshot = Snapshot {
            estate: Some(EstateDelta::between(&before, &self.estate)),
            plan: Some(PlanBefore::between(before_plan.as_ref(), self.plan.as_deref())),
            settings: before_settings,
        };
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
            delta.restore(Arc::make_mut(&mut self.estate));
            back.estate = Some(EstateDelta::between(&current, &self.estate));
            self.generation += 1;
        }
        if let Some(before) = snapshot.plan {
            let restored = before.restore(self.plan.as_ref());
            let now = std::mem::replace(&mut self.plan, restored);
            back.plan = Some(PlanBefore::between(now.as_ref(), self.plan.as_deref()));
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
    fn save(&mut self, touches: Touches) -> AppResult<()> {
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
        self.plan = Some(Arc::new(plan));
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
