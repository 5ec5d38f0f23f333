//! The open project: the file, the estate and the plan on the board, and the
//! undo history of the edits made in this window.
//!
//! The project file is the state: every edit is written to it before the
//! command returns (one SQLite transaction), so a killed app loses nothing
//! that was shown as done, and reopening shows the same board. The undo
//! history lives in memory: it is this window's, like a text editor's.

use std::path::{Path, PathBuf};

use waveplan_core::{Estate, Plan, PlanConfig};
use waveplan_store::Project;

use crate::error::{AppError, AppResult};
use crate::view;
use crate::wire::ProjectView;

/// The project setting the planner's settings are kept under (shared with the CLI).
pub const PLAN_CONFIG_SETTING: &str = "plan_config";
/// The project setting naming the scenario the board shows.
const SCENARIO_SETTING: &str = "desktop:scenario";
/// The scenario a new project plans into (the CLI's default too).
pub const DEFAULT_SCENARIO: &str = "baseline";
/// Undo steps kept.
const HISTORY: usize = 100;

/// What an undo restores.
struct Snapshot {
    label: String,
    estate: Option<Estate>,
    plan: Option<Option<Plan>>,
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
    history: Vec<Snapshot>,
    future: Vec<Snapshot>,
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
        let estate = project.load_estate()?;
        let scenario: String = project.setting(SCENARIO_SETTING)?.unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
        let plan = match project.load_plan(&scenario)? {
            Some((_, json)) => Some(serde_json::from_str::<Plan>(&json).map_err(|e| AppError::Store {
                message: format!("{}: the saved plan '{scenario}' cannot be read: {e}", project.path().display()),
            })?),
            None => None,
        };
        Ok(Session { project, estate, scenario, plan, generation: 0, history: Vec::new(), future: Vec::new(), unsaved: false, what_if: Default::default() })
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
            undo: self.history.last().map(|s| s.label.clone()),
            redo: self.future.last().map(|s| s.label.clone()),
            unsaved: self.unsaved,
        })
    }

    /// The planner's settings: the project's, or the defaults.
    pub fn plan_config(&self) -> AppResult<PlanConfig> {
        let saved = self.project.setting(PLAN_CONFIG_SETTING)?.or_else(|| self.plan.as_ref().map(|p| p.config.clone()));
        // A new plan starts next Monday, as `waveplan plan` does.
        Ok(saved.unwrap_or_else(|| {
            let today = chrono::Local::now().date_naive();
            let next_monday = today + chrono::Duration::days(7 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday()));
            PlanConfig { start: next_monday, ..PlanConfig::default() }
        }))
    }

    /// The plan, or an error saying there is none.
    pub fn plan(&self) -> AppResult<&Plan> {
        self.plan.as_ref().ok_or(AppError::NoPlan)
    }

    /// Makes an edit undoable and saves what it touched.
    pub fn edit<T>(&mut self, label: &str, touches: Touches, change: impl FnOnce(&mut Estate, &mut Option<Plan>) -> AppResult<T>) -> AppResult<T> {
        let snapshot = Snapshot {
            label: label.to_string(),
            estate: (touches != Touches::Plan).then(|| self.estate.clone()),
            plan: Some(self.plan.clone()),
        };
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
                self.push(snapshot);
                self.save(touches)?;
                Ok(value)
            }
            Err(error) => {
                // Nothing changed: put back what was taken.
                self.estate = snapshot.estate.unwrap_or(estate);
                self.plan = snapshot.plan.unwrap_or(plan);
                Err(error)
            }
        }
    }

    /// Replaces the inventory with an imported one, as one undoable edit
    /// saved with its import record in one transaction.
    pub fn import(&mut self, estate: Estate, record: &waveplan_store::ImportRecord) -> AppResult<()> {
        self.project.save_import(&estate, record)?;
        let before = std::mem::replace(&mut self.estate, estate);
        self.push(Snapshot { label: "import".into(), estate: Some(before), plan: Some(self.plan.clone()) });
        self.generation += 1;
        if let Some(plan) = &mut self.plan {
            plan.violations = waveplan_core::verify_plan(&self.estate, plan);
            plan.metrics.hard_violations = plan.violations.len();
        }
        self.save(Touches::Plan)
    }

    fn push(&mut self, snapshot: Snapshot) {
        self.history.push(snapshot);
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
        self.future.clear();
    }

    /// Undoes the last edit; false when there is none.
    pub fn undo(&mut self) -> AppResult<bool> {
        let Some(snapshot) = self.history.pop() else { return Ok(false) };
        let back = self.swap(snapshot);
        self.future.push(back);
        Ok(true)
    }

    /// Redoes the last undone edit; false when there is none.
    pub fn redo(&mut self) -> AppResult<bool> {
        let Some(snapshot) = self.future.pop() else { return Ok(false) };
        let back = self.swap(snapshot);
        self.history.push(back);
        Ok(true)
    }

    fn swap(&mut self, snapshot: Snapshot) -> Snapshot {
        let touches = if snapshot.estate.is_some() { Touches::Both } else { Touches::Plan };
        let back = Snapshot {
            label: snapshot.label.clone(),
            estate: snapshot.estate.as_ref().map(|_| self.estate.clone()),
            plan: Some(self.plan.clone()),
        };
        if let Some(estate) = snapshot.estate {
            self.estate = estate;
            self.generation += 1;
        }
        if let Some(plan) = snapshot.plan {
            self.plan = plan;
        }
        // A failed save is shown as unsaved work; the next edit tries again.
        let _ = self.save(touches);
        back
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
            Some(plan) => {
                self.project.save_plan(&self.scenario, &serde_json::to_string(&plan.config)?, &serde_json::to_string(plan)?)?
            }
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
        let plan = self.saved_plan(scenario)?.ok_or_else(|| AppError::NotFound { what: "scenario".into(), name: scenario.into() })?;
        self.scenario = scenario.to_string();
        self.plan = Some(plan);
        self.history.clear();
        self.future.clear();
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
