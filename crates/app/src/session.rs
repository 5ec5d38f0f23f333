//! The open project: the file, the inventory and the plan of one scenario in
//! memory, the undo history, and [`Session::act`], the one way a user action
//! changes any of them.
//!
//! An action works on a [`Draft`] (copies of what it changes), then
//! everything it changed, the inventory rows that differ, the plan (a new
//! base, or a forward delta appended to the scenario's journal), the
//! settings, its undo step, the redo stack cleared, and its audit entry, is
//! written in one store transaction. Only when that transaction has
//! committed does the session in memory move on; an error or a panic at any
//! point leaves the file and the session as they were.
//!
//! What this module must not do: know a wire format or a terminal. The
//! desktop shell and the command call these methods and shape the answers.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use waveplan_core::delta::{EstateDelta, PlanDelta};
use waveplan_core::{Estate, Plan, PlanConfig};
use waveplan_store::{Access, AuditEntry, HistoryStep, ImportRecord, Owner, Project, Stack};

use crate::error::{Error, Result};

/// The project setting naming the scenario the desktop's board shows.
pub const BOARD_SCENARIO_SETTING: &str = "desktop:scenario";
/// The scenario a new project plans into.
pub const DEFAULT_SCENARIO: &str = "baseline";
/// Undo steps kept.
const HISTORY: usize = 100;
/// Plan changes a scenario's journal holds before the next change writes
/// the whole plan again as a new base (so opening never replays hundreds).
const JOURNAL_LIMIT: usize = 64;

/// What an undo (or redo) step restores, as kept in the project file.
#[derive(Default, Serialize, Deserialize)]
struct Snapshot {
    /// The scenario whose plan the step restores (steps kept by earlier
    /// versions have none: the board's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scenario: Option<String>,
    /// What turns the inventory back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estate: Option<EstateDelta>,
    /// The plan before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plan: Option<PlanBefore>,
    /// Project settings before (a removed setting is `null`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    settings: Vec<(String, Option<Value>)>,
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
    /// The plan before, from the plan it was taken against.
    fn restore(self, now: Option<&Arc<Plan>>) -> Option<Plan> {
        match (self.delta, now) {
            (Some(delta), Some(now)) => {
                let mut plan = Plan::clone(now);
                delta.restore(&mut plan);
                Some(plan)
            }
            // A delta needs the plan it was taken against; the session's
            // own steps never leave a scenario without one.
            (Some(_), None) => None,
            (None, _) => self.plan.map(Arc::unwrap_or_clone),
        }
    }
}

/// Who acts: written into every audit entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The operating system's user name.
    pub user: String,
    /// The machine's host name.
    pub host: String,
}

impl Actor {
    /// The user and host running this process.
    pub fn current() -> Actor {
        let owner = Owner::current();
        Actor { user: owner.user, host: owner.host }
    }
}

/// What an action says in the audit trail: its kind (`import`, `plan`,
/// `move`, ...), one line for people, and the names it touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audit {
    /// The kind of action.
    pub action: String,
    /// One line: "moved PACS from wave 3 to wave 1".
    pub summary: String,
    /// The applications, servers, scenarios or files it concerns.
    pub subjects: Vec<String>,
}

impl Audit {
    /// An audit line.
    pub fn new(action: &str, summary: impl Into<String>, subjects: Vec<String>) -> Audit {
        Audit { action: action.to_string(), summary: summary.into(), subjects }
    }
}

/// What an action changes, on copies; the session takes it over once the
/// transaction has committed.
pub struct Draft<'s> {
    session: &'s Session,
    estate: Option<Estate>,
    /// `Some(None)`: the scenario's plan removed.
    plan: Option<Option<Plan>>,
    /// The plan is new as a whole (a plan or re-plan): saved as a new base.
    whole_plan: bool,
    settings: Vec<(String, Option<Value>)>,
    import: Option<ImportRecord>,
}

impl<'s> Draft<'s> {
    /// The inventory as the action sees it so far.
    pub fn estate(&self) -> &Estate {
        self.estate.as_ref().unwrap_or(&self.session.estate)
    }

    /// The inventory, to change (copied on first use).
    pub fn estate_mut(&mut self) -> &mut Estate {
        self.estate.get_or_insert_with(|| Estate::clone(&self.session.estate))
    }

    /// Replaces the inventory (an import).
    pub fn replace_estate(&mut self, estate: Estate) {
        self.estate = Some(estate);
    }

    /// The scenario's plan as the action sees it so far.
    pub fn plan(&self) -> Option<&Plan> {
        match &self.plan {
            Some(plan) => plan.as_ref(),
            None => self.session.plan.as_deref(),
        }
    }

    /// Puts a plan changed by hand (a move, a pin) in the scenario.
    pub fn set_plan(&mut self, plan: Plan) {
        self.plan = Some(Some(plan));
    }

    /// Puts a newly made plan in the scenario (saved whole).
    pub fn set_new_plan(&mut self, plan: Plan) {
        self.plan = Some(Some(plan));
        self.whole_plan = true;
    }

    /// Stores a project setting with the action.
    pub fn set_setting<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<()> {
        let value = serde_json::to_value(value)?;
        self.settings.retain(|(k, _)| k != key);
        self.settings.push((key.to_string(), Some(value)));
        Ok(())
    }

    /// Removes a project setting with the action.
    pub fn remove_setting(&mut self, key: &str) {
        self.settings.retain(|(k, _)| k != key);
        self.settings.push((key.to_string(), None));
    }

    /// Appends an import to the project's import history with the action.
    pub fn record_import(&mut self, record: ImportRecord) {
        self.import = Some(record);
    }
}

/// How the scenario's plan is written by an action.
enum PlanWrite {
    Unchanged,
    Delete,
    Base { config: String, plan: String },
    Change(String),
}

/// An open project.
pub struct Session {
    project: Project,
    estate: Arc<Estate>,
    scenario: String,
    plan: Option<Arc<Plan>>,
    /// Plan changes in the scenario's journal on top of its saved base.
    journal: usize,
    generation: u64,
    actor: Actor,
    /// How long the last action's transaction took, from the undo step's
    /// making to the commit (the figure `cargo xtask bench` reports).
    last_save: std::time::Duration,
    /// The planner's what-if session of the plan (the board's drag, Explain).
    pub(crate) what_if: crate::whatif::Cache,
    /// What the file held that this version refuses, found when it was
    /// opened: figures out of their plausible range (kept by an older
    /// version's import), a saved plan that cannot be read.
    found: Vec<String>,
}

impl Session {
    /// Opens an existing project file for writing (one writer at a time:
    /// a second is refused, naming the holder).
    pub fn open(path: &Path) -> Result<Session> {
        Session::load(Project::open_with(path, Access::Write(Owner::current()))?)
    }

    /// Opens an existing project file to read only: every action is refused.
    pub fn open_read_only(path: &Path) -> Result<Session> {
        Session::load(Project::open_with(path, Access::ReadOnly)?)
    }

    /// Creates a new, empty project file.
    pub fn create(path: &Path) -> Result<Session> {
        Session::load(Project::create_with(path, Owner::current())?)
    }

    /// A project already open, on the desktop board's scenario (another is
    /// put in the session with [`Session::use_scenario`]).
    pub fn load(project: Project) -> Result<Session> {
        let scenario: String = project.setting(BOARD_SCENARIO_SETTING)?.unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
        // The plan's JSON (tens of MB on a 50,000-server estate) is parsed
        // on a second thread while this one reads the inventory.
        let texts = plan_texts(&project, &scenario)?;
        let path = project.path().to_path_buf();
        let (estate, plan) = std::thread::scope(|scope| {
            let parsed = scope.spawn(|| parse_plan(&path, &scenario, texts));
            let estate = project.load_estate();
            (estate, parsed.join())
        });
        let estate = estate?;
        let mut found: Vec<String> = estate
            .servers
            .iter()
            .flat_map(|server| {
                waveplan_core::plausible::server_problems(server)
                    .into_iter()
                    .map(move |problem| format!("server '{}': {problem}; correct it and import again", server.name))
            })
            .collect();
        // A plan this version cannot read (an older version saved figures
        // that were not finite as JSON null) does not keep the project shut:
        // it opens without the plan, saying so, and the next plan replaces it.
        let (plan, journal) =
            match plan.map_err(|_| Error::Internal { message: "the saved plan's reader failed".into() })? {
                Ok(read) => read,
                Err(error @ Error::Unreadable { .. }) => {
                    found.push(format!("{error}; plan again to replace it"));
                    (None, 0)
                }
                Err(error) => return Err(error),
            };
        Ok(Session {
            project,
            estate: Arc::new(estate),
            scenario,
            plan: plan.map(Arc::new),
            journal,
            generation: 0,
            actor: Actor::current(),
            last_save: std::time::Duration::ZERO,
            what_if: Default::default(),
            found,
        })
    }

    /// Acts as `actor` from now on (tests; a front end that knows better).
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// Makes the `n`-th statement of the next writes fail (fault-injection
    /// tests of every action; `None` stops).
    #[doc(hidden)]
    pub fn fail_at_statement(&mut self, n: Option<u64>) {
        self.project.fail_at_statement(n);
    }

    /// Statements the last write ran (fault-injection tests).
    #[doc(hidden)]
    pub fn statements_in_last_write(&self) -> u64 {
        self.project.statements_in_last_write()
    }

    /// How long the last action took to save: its undo step, deltas and
    /// audit entry made and written in one transaction.
    pub fn last_save(&self) -> std::time::Duration {
        self.last_save
    }

    /// Who acts in this session.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The project file, for reading (its scenarios, imports, settings, audit trail).
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The file's path.
    pub fn path(&self) -> PathBuf {
        self.project.path().to_path_buf()
    }

    /// The name shown for the project: its file name without the extension.
    pub fn name(&self) -> String {
        self.project.path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into())
    }

    /// The inventory.
    pub fn estate(&self) -> &Arc<Estate> {
        &self.estate
    }

    /// The scenario in the session.
    pub fn scenario(&self) -> &str {
        &self.scenario
    }

    /// Its plan, if it has one.
    pub fn plan_arc(&self) -> Option<&Arc<Plan>> {
        self.plan.as_ref()
    }

    /// Its plan, or an error saying there is none.
    pub fn plan(&self) -> Result<&Plan> {
        self.plan.as_deref().ok_or(Error::NoPlan)
    }

    /// Bumped on every change of the inventory, so work staged against an
    /// older inventory (an import's preview) is redone.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether actions are refused (the project was opened read-only).
    pub fn is_read_only(&self) -> bool {
        self.project.is_read_only()
    }

    /// What the user should know about how the file was opened: a stale
    /// lock taken over, a backup made before an upgrade, the rollback
    /// journal on a network share.
    pub fn notice(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(owner) = self.project.took_over() {
            parts.push(format!(
                "took over the project from {} on {} (pid {}, since {}): that process is gone",
                owner.user,
                owner.host,
                owner.pid,
                owner.since.format("%-d %b %Y %H:%M UTC")
            ));
        }
        if let Some(backup) = self.project.backup() {
            parts.push(format!(
                "upgraded to this version's file format; the file as it was is kept as {}",
                backup.display()
            ));
        }
        if let waveplan_store::Journal::Rollback { reason } = self.project.journal() {
            parts.push(reason.clone());
        }
        parts.extend(self.found.iter().cloned());
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// What the file held that this version refuses, found on opening
    /// (also in [`Session::notice`]): each says what to correct.
    pub fn found(&self) -> &[String] {
        &self.found
    }

    /// The label of the step undo would take back, if any.
    pub fn undo_label(&self) -> Result<Option<String>> {
        Ok(self.project.history_top(Stack::Undo)?)
    }

    /// The label of the step redo would make again, if any.
    pub fn redo_label(&self) -> Result<Option<String>> {
        Ok(self.project.history_top(Stack::Redo)?)
    }

    /// The planner's settings: the scenario's (what its plan was made
    /// with), else the project's last, else the defaults starting next
    /// Monday after `today`.
    pub fn plan_config(&self, today: chrono::NaiveDate) -> Result<PlanConfig> {
        let saved = match &self.plan {
            Some(plan) => Some(plan.config.clone()),
            None => self.project.setting(waveplan_store::keys::PLAN_CONFIG)?,
        };
        Ok(saved.unwrap_or_else(|| PlanConfig { start: next_monday(today), ..PlanConfig::default() }))
    }

    /// The plan saved under `scenario` (its journal applied), if there is one.
    pub fn saved_plan(&self, scenario: &str) -> Result<Option<Plan>> {
        if scenario == self.scenario {
            return Ok(self.plan.as_deref().cloned());
        }
        Ok(read_plan(&self.project, scenario)?.0)
    }

    /// Puts `scenario` in the session, without writing anything: the
    /// command's `--scenario`, and undo of a step taken in another scenario.
    pub fn use_scenario(&mut self, scenario: &str) -> Result<()> {
        if scenario == self.scenario {
            return Ok(());
        }
        let (plan, journal) = read_plan(&self.project, scenario)?;
        self.scenario = scenario.to_string();
        self.plan = plan.map(Arc::new);
        self.journal = journal;
        Ok(())
    }

    /// Makes one user action: `change` works on a [`Draft`], then the
    /// inventory, plan and settings it changed, its undo step (labelled
    /// `label`) and its audit entry are written in one transaction. On an
    /// error or a panic, neither the file nor the session changes.
    pub fn act<T>(&mut self, label: &str, audit: Audit, change: impl FnOnce(&mut Draft<'_>) -> Result<T>) -> Result<T> {
        let mut draft =
            Draft { session: self, estate: None, plan: None, whole_plan: false, settings: Vec::new(), import: None };
        let value = catch_panic(|| change(&mut draft))?;
        let Draft { estate, mut plan, whole_plan, settings, import, .. } = draft;
        // An inventory change re-checks the plan against it.
        if let Some(after) = &estate
            && plan.is_none()
            && let Some(now) = &self.plan
        {
            let mut checked = Plan::clone(now);
            checked.reverify(after);
            plan = Some(Some(checked));
        }
        let saving = std::time::Instant::now();
        let settings_before = settings
            .iter()
            .map(|(key, _)| Ok((key.clone(), self.project.setting::<Value>(key)?)))
            .collect::<Result<Vec<_>>>()?;
        let estate_delta = estate.as_ref().map(|after| EstateDelta::between(&self.estate, after));
        let (plan_before, plan_write) = self.plan_change(plan.as_ref(), whole_plan)?;
        let snapshot = Snapshot {
            scenario: Some(self.scenario.clone()),
            estate: estate_delta.clone(),
            plan: plan_before,
            settings: settings_before,
        };
        let step = HistoryStep { label: label.to_string(), snapshot: serde_json::to_string(&snapshot)? };
        let entry = self.entry(audit);
        let scenario = self.scenario.clone();
        catch_panic(|| {
            self.project.write(|w| {
                if let (Some(after), Some(delta)) = (&estate, &estate_delta) {
                    w.update_estate(after, delta)?;
                }
                if let Some(record) = &import {
                    w.record_import(record)?;
                }
                write_plan(w, &scenario, &plan_write)?;
                write_settings(w, &settings)?;
                w.push_history(Stack::Undo, &step, HISTORY)?;
                w.clear_history(Stack::Redo)?;
                w.append_audit(&entry)?;
                Ok::<_, Error>(())
            })
        })?;
        self.last_save = saving.elapsed();
        if let Some(after) = estate {
            self.estate = Arc::new(after);
            self.generation += 1;
        }
        self.commit_plan(plan, &plan_write);
        Ok(value)
    }

    /// Records an action that changes no inventory, plan or setting (a
    /// scenario copied, renamed or deleted, a copy shared) in the audit
    /// trail, in the transaction of `write`.
    pub(crate) fn act_on_file<T>(
        &mut self,
        audit: Audit,
        write: impl FnOnce(&mut waveplan_store::Write<'_>) -> Result<T>,
    ) -> Result<T> {
        let entry = self.entry(audit);
        catch_panic(|| {
            self.project.write(|w| {
                let value = write(w)?;
                w.append_audit(&entry)?;
                Ok(value)
            })
        })
    }

    fn entry(&self, audit: Audit) -> AuditEntry {
        AuditEntry {
            time: chrono::Utc::now(),
            user: self.actor.user.clone(),
            host: self.actor.host.clone(),
            action: audit.action,
            summary: audit.summary,
            subjects: audit.subjects,
        }
    }

    /// What an action's plan change keeps in its undo step (the plan
    /// before) and how it is written: a forward delta on the scenario's
    /// journal for a change of the plan in place (a moved card writes a few
    /// hundred KB, not the whole plan), the whole plan otherwise. The plans
    /// are compared once: the journal's delta is the undo step's reversed.
    fn plan_change(&self, plan: Option<&Option<Plan>>, whole: bool) -> Result<(Option<PlanBefore>, PlanWrite)> {
        let Some(plan) = plan else { return Ok((None, PlanWrite::Unchanged)) };
        let Some(after) = plan else {
            return Ok((Some(PlanBefore { plan: self.plan.clone(), delta: None }), PlanWrite::Delete));
        };
        let Some(before) = &self.plan else {
            return Ok((Some(PlanBefore { plan: None, delta: None }), whole_plan(after)?));
        };
        let back = PlanDelta::between(before, after);
        let write = if !whole && self.journal < JOURNAL_LIMIT {
            let forward = back.reversed(after);
            finite(&forward)?;
            PlanWrite::Change(serde_json::to_string(&forward)?)
        } else {
            whole_plan(after)?
        };
        Ok((Some(PlanBefore { plan: None, delta: Some(back) }), write))
    }

    fn commit_plan(&mut self, plan: Option<Option<Plan>>, written: &PlanWrite) {
        match written {
            PlanWrite::Unchanged => {}
            PlanWrite::Delete | PlanWrite::Base { .. } => self.journal = 0,
            PlanWrite::Change(_) => self.journal += 1,
        }
        if let Some(plan) = plan {
            self.plan = plan.map(Arc::new);
        }
    }

    /// Undoes the last action; false when there is none.
    pub fn undo(&mut self) -> Result<bool> {
        self.step(Stack::Undo, Stack::Redo)
    }

    /// Redoes the last undone action; false when there is none.
    pub fn redo(&mut self) -> Result<bool> {
        self.step(Stack::Redo, Stack::Undo)
    }

    /// Takes the top step of `from`, restores it, and puts the way back on
    /// `to`, in one transaction with its audit entry.
    fn step(&mut self, from: Stack, to: Stack) -> Result<bool> {
        let saving = std::time::Instant::now();
        let Some(step) = self.project.peek_history(from)? else { return Ok(false) };
        let snapshot: Snapshot = serde_json::from_str(&step.snapshot).map_err(|e| Error::Unreadable {
            path: self.path().display().to_string(),
            what: format!("the undo step '{}'", step.label),
            detail: e.to_string(),
        })?;
        if let Some(scenario) = &snapshot.scenario {
            self.use_scenario(scenario)?;
        }
        let settings_back = snapshot
            .settings
            .iter()
            .map(|(key, _)| Ok((key.clone(), self.project.setting::<Value>(key)?)))
            .collect::<Result<Vec<_>>>()?;
        let estate = snapshot.estate.as_ref().map(|delta| {
            let mut estate = Estate::clone(&self.estate);
            delta.restore(&mut estate);
            estate
        });
        // What turns the restored inventory back into today's: the redo's
        // (or undo's) step, and what the store writes the restored rows by.
        let estate_back = estate.as_ref().map(|restored| EstateDelta::between(&self.estate, restored));
        let plan = snapshot.plan.map(|before| before.restore(self.plan.as_ref()));
        let (plan_back, plan_write) = self.plan_change(plan.as_ref(), false)?;
        let back = Snapshot {
            scenario: Some(self.scenario.clone()),
            estate: estate_back.clone(),
            plan: plan_back,
            settings: settings_back,
        };
        let back = HistoryStep { label: step.label.clone(), snapshot: serde_json::to_string(&back)? };
        let (verb, action) = if from == Stack::Undo { ("undid", "undo") } else { ("redid", "redo") };
        let entry = self.entry(Audit::new(action, format!("{verb} '{}'", step.label), Vec::new()));
        let scenario = self.scenario.clone();
        let settings = snapshot.settings;
        catch_panic(|| {
            self.project.write(|w| {
                w.pop_history(from)?;
                if let (Some(restored), Some(delta)) = (&estate, &estate_back) {
                    w.update_estate(restored, delta)?;
                }
                write_plan(w, &scenario, &plan_write)?;
                write_settings(w, &settings)?;
                w.push_history(to, &back, HISTORY)?;
                w.append_audit(&entry)?;
                Ok::<_, Error>(())
            })
        })?;
        self.last_save = saving.elapsed();
        if let Some(restored) = estate {
            self.estate = Arc::new(restored);
            self.generation += 1;
        }
        self.commit_plan(plan, &plan_write);
        Ok(true)
    }

    /// The session's scenario was renamed to `to`.
    pub(crate) fn follow_rename(&mut self, to: &str) {
        self.scenario = to.to_string();
    }

    /// Puts `scenario` on the desktop's board (saved as the project's board
    /// scenario, audited). The undo history is the board's and starts again.
    pub fn switch_scenario(&mut self, scenario: &str) -> Result<()> {
        let (plan, journal) = read_plan(&self.project, scenario)?;
        let Some(plan) = plan else { return Err(Error::not_found("scenario", scenario)) };
        let audit = Audit::new(
            "switch scenario",
            format!("put scenario '{scenario}' on the board"),
            vec![scenario.to_string()],
        );
        self.act_on_file(audit, |w| {
            w.clear_history(Stack::Undo)?;
            w.clear_history(Stack::Redo)?;
            w.set_setting(BOARD_SCENARIO_SETTING, scenario)?;
            Ok(())
        })?;
        self.scenario = scenario.to_string();
        self.plan = Some(Arc::new(plan));
        self.journal = journal;
        Ok(())
    }
}

/// Runs `f`, turning a panic into an internal error: the transaction it was
/// in has rolled back on the way out, and the session was not touched.
fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        Err(Error::Internal { message: format!("{message} (nothing was changed)") })
    })
}

/// A plan written whole, once every figure in it is known to be finite.
fn whole_plan(plan: &Plan) -> Result<PlanWrite> {
    finite(plan)?;
    Ok(PlanWrite::Base { config: serde_json::to_string(&plan.config)?, plan: serde_json::to_string(plan)? })
}

/// Refuses to write what holds an infinite or not-a-number figure: JSON
/// would save it as `null`, and the plan could not be read back.
fn finite<T: serde::Serialize>(value: &T) -> Result<()> {
    match waveplan_core::finite::first_non_finite(value) {
        None => Ok(()),
        Some(at) => Err(Error::Internal {
            message: format!("the plan has a figure that is not a finite number at {at} (nothing was changed)"),
        }),
    }
}

fn write_plan(w: &mut waveplan_store::Write<'_>, scenario: &str, plan: &PlanWrite) -> Result<()> {
    match plan {
        PlanWrite::Unchanged => {}
        PlanWrite::Delete => {
            w.delete_scenario(scenario)?;
        }
        PlanWrite::Base { config, plan } => w.save_plan(scenario, config, plan)?,
        PlanWrite::Change(change) => w.append_plan_change(scenario, change)?,
    }
    Ok(())
}

/// Writes settings as an action left them (`None`: removed).
fn write_settings(w: &mut waveplan_store::Write<'_>, settings: &[(String, Option<Value>)]) -> Result<()> {
    for (key, value) in settings {
        match value {
            Some(value) => w.set_setting(key, value)?,
            None => {
                w.remove_setting(key)?;
            }
        }
    }
    Ok(())
}

/// The plan saved under `scenario`: its base with every change of its
/// journal applied, and how many changes that was.
fn read_plan(project: &Project, scenario: &str) -> Result<(Option<Plan>, usize)> {
    parse_plan(project.path(), scenario, plan_texts(project, scenario)?)
}

/// The saved plan's base JSON and its journal, as the file holds them.
fn plan_texts(project: &Project, scenario: &str) -> Result<Option<(String, Vec<String>)>> {
    let Some((_, json)) = project.load_plan(scenario)? else { return Ok(None) };
    Ok(Some((json, project.plan_changes(scenario)?)))
}

/// The plan from its base JSON and journal (parsed off the file's thread:
/// tens of MB on a 50,000-server estate).
fn parse_plan(path: &Path, scenario: &str, texts: Option<(String, Vec<String>)>) -> Result<(Option<Plan>, usize)> {
    let Some((json, changes)) = texts else { return Ok((None, 0)) };
    let unreadable = |e: serde_json::Error| Error::Unreadable {
        path: path.display().to_string(),
        what: format!("the saved plan '{scenario}'"),
        detail: e.to_string(),
    };
    let mut plan: Plan = serde_json::from_str(&json).map_err(unreadable)?;
    for change in &changes {
        let delta: PlanDelta = serde_json::from_str(change).map_err(unreadable)?;
        delta.restore(&mut plan);
    }
    Ok((Some(plan), changes.len()))
}

/// The Monday after `today` (a Monday gives the next one): where a new plan starts.
pub fn next_monday(today: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    today + chrono::Duration::days(7 - i64::from(today.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn next_monday_is_after_today() {
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        assert_eq!(next_monday(saturday), NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"));
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        assert_eq!(next_monday(monday), NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"));
    }
}
