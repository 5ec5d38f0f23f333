//! Moves and explanations over the planner's incremental what-if
//! (`waveplan_core::plan::PlanSession`): a move is priced without a change,
//! a move made is applied and the plan assembled again by the planner, an
//! application's wave is explained. Nothing here decides what breaks or
//! what a move costs: the planner does.
//!
//! The `PlanSession` is built once per planned state (it contracts the
//! estate into the planner's problem: a second or two on a
//! 10,000-application plan) and kept in [`Cache`], which knows when the
//! inventory or the plan changed under it. A front end may build it in the
//! background ([`Session::prepare_what_if`]) so the first drag after
//! opening waits for nothing; a newer plan supersedes a build under way,
//! and a question asked before the build is done waits for it instead of
//! building a second one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};

use waveplan_core::plan::session::SessionError;
use waveplan_core::plan::{PlanSession, Violation, WhatIf};
use waveplan_core::{Plan, PlanConfig};

use crate::error::{Error, Result};
use crate::session::{Audit, Session};

/// Earlier waves Explain looks at, nearest first, in the app and the command alike.
pub const EARLIER_WAVES: u32 = 12;

/// The planner's session of the plan, and what it was built from.
#[derive(Default)]
pub struct Cache {
    built: Option<(Key, PlanSession)>,
    background: Option<Background>,
}

/// A session being built on a thread of its own.
struct Background {
    key: Key,
    result: Receiver<PlanSession>,
    /// Set when a newer plan supersedes this one: a build not yet started is skipped.
    superseded: Arc<AtomicBool>,
}

impl Drop for Background {
    fn drop(&mut self) {
        self.superseded.store(true, Ordering::Relaxed);
    }
}

impl Cache {
    /// Takes in a background build that has finished.
    fn collect(&mut self) {
        let Some(background) = &self.background else { return };
        match background.result.try_recv() {
            Ok(session) => {
                if let Some(background) = self.background.take() {
                    self.built = Some((background.key.clone(), session));
                }
            }
            Err(TryRecvError::Disconnected) => self.background = None,
            Err(TryRecvError::Empty) => {}
        }
    }
}

/// What a `PlanSession` depends on: the inventory's generation, the
/// settings and every application's wave.
#[derive(Clone, PartialEq)]
struct Key {
    generation: u64,
    config: PlanConfig,
    waves: Vec<u32>,
}

impl Key {
    fn of(generation: u64, plan: &Plan) -> Key {
        Key { generation, config: plan.config.clone(), waves: plan.applications.iter().map(|a| a.wave).collect() }
    }
}

/// A move made: what the planner answered for it, and what the plan broke before it.
#[derive(Clone, Debug)]
pub struct Moved {
    /// The move's price: what it breaks, the objective before and after.
    pub answer: WhatIf,
    /// The plan's violations before the move (to tell what it mended).
    pub violations_before: Vec<Violation>,
}

/// Why an application is in its wave: the planner's reasons, what moves
/// with it, its downtime arithmetic, and what each earlier wave would break.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// The application.
    pub application: String,
    /// Its wave.
    pub wave: u32,
    /// The planner's reasons for its wave.
    pub reasons: Vec<String>,
    /// Its move group's reasons.
    pub group_reasons: Vec<String>,
    /// What moves with it (itself not included).
    pub moves_with: Vec<String>,
    /// What holds it in this wave: dependencies, constraints, capacities.
    pub holds: Vec<String>,
    /// For each earlier wave, nearest first, what would have to change.
    pub to_move_earlier: Vec<String>,
    /// Its cutover's downtime, step by step with the arithmetic.
    pub downtime_steps: Vec<String>,
    /// Each earlier wave, nearest first, with what a move there would break.
    pub earlier: Vec<(u32, Vec<Violation>)>,
}

fn session_error(error: SessionError) -> Error {
    match error {
        SessionError::UnknownApplication(name) => Error::not_found("application in the plan", name),
        other => Error::invalid("wave", other.to_string()),
    }
}

impl Session {
    /// Starts building the planner's session of the plan in the background
    /// if the plan changed since the last build (a no-op otherwise).
    /// `on_thread` runs first on the new thread (the desktop lowers its priority).
    pub fn prepare_what_if(&mut self, on_thread: fn()) {
        let generation = self.generation();
        let (estate, plan) = (Arc::clone(self.estate()), self.plan_arc().cloned());
        let cache = &mut self.what_if;
        cache.collect();
        let Some(plan) = plan else {
            cache.background = None;
            return;
        };
        let key = Key::of(generation, &plan);
        if cache.built.as_ref().is_some_and(|(k, _)| *k == key)
            || cache.background.as_ref().is_some_and(|b| b.key == key)
        {
            return;
        }
        let superseded = Arc::new(AtomicBool::new(false));
        let (sender, result) = sync_channel(1);
        let skip = superseded.clone();
        let started = std::thread::Builder::new().name("what-if session".into()).spawn(move || {
            on_thread();
            if !skip.load(Ordering::Relaxed) {
                // The receiver is gone when a newer plan superseded this one: the answer is dropped.
                let _ = sender.send(PlanSession::new(&estate, &plan));
            }
        });
        // Without a thread the session is built when first asked for.
        cache.background = started.ok().map(|_| Background { key, result, superseded });
    }

    /// Whether the planner's session of the plan is built (nothing waits on it).
    pub fn what_if_ready(&mut self) -> bool {
        let generation = self.generation();
        let key = self.plan_arc().map(|plan| Key::of(generation, plan));
        let cache = &mut self.what_if;
        cache.collect();
        key.is_some_and(|key| cache.built.as_ref().is_some_and(|(k, _)| *k == key))
    }

    /// The planner's session of the plan, built if stale.
    fn planner(&mut self) -> Result<&mut PlanSession> {
        let generation = self.generation();
        let plan = self.plan_arc().cloned().ok_or(Error::NoPlan)?;
        let estate = Arc::clone(self.estate());
        let key = Key::of(generation, &plan);
        let cache = &mut self.what_if;
        if cache.built.as_ref().is_none_or(|(k, _)| *k != key) {
            // Being built in the background: wait for it rather than build it twice.
            let waited = match cache.background.take() {
                Some(background) if background.key == key => background.result.recv().ok(),
                _ => None,
            };
            let built = waited.unwrap_or_else(|| PlanSession::new(&estate, &plan));
            cache.built = Some((key, built));
        }
        match &mut cache.built {
            Some((_, planner)) => Ok(planner),
            None => Err(Error::Internal { message: "the planner's session was not built".into() }),
        }
    }

    /// What moving `application` (with its move group) to `wave` would break
    /// and do to the objective; nothing is changed.
    pub fn price_move(&mut self, application: &str, wave: u32) -> Result<WhatIf> {
        self.planner()?.what_if(application, wave).map_err(session_error)
    }

    /// Moves `application` and its move group to `wave` (a user action, one
    /// transaction, undoable and audited): the planner applies the move and
    /// assembles the plan again (calendar, downtime, DR, reasons,
    /// verification); the application is marked as moved by hand.
    pub fn move_application(&mut self, application: &str, wave: u32) -> Result<Moved> {
        let violations_before = self.plan()?.violations.clone();
        let planner = self.planner()?;
        // Priced first, so a refused move leaves the planner as it was.
        let answer = planner.what_if(application, wave).map_err(session_error)?;
        planner.apply(application, wave).map_err(session_error)?;
        let plan = planner.plan();
        let label = format!("move {application} to wave {}", answer.to_wave);
        let mut subjects = answer.moves_with.clone();
        if !subjects.iter().any(|s| s == application) {
            subjects.insert(0, application.to_string());
        }
        let others = answer.moves_with.iter().filter(|m| *m != application).count();
        let with = match others {
            0 => String::new(),
            1 => " with 1 other application of its move group".to_string(),
            n => format!(" with {n} other applications of its move group"),
        };
        let audit = Audit::new(
            "move",
            format!("moved {application} from wave {} to wave {}{with}", answer.from_wave, answer.to_wave),
            subjects,
        );
        let result = self.act(&label, audit, |draft| {
            draft.set_plan(plan);
            Ok(())
        });
        let generation = self.generation();
        match (&result, self.plan_arc().cloned()) {
            // The planner's session already stands where the new plan does: keep it.
            (Ok(()), Some(after)) => {
                if let Some((key, _)) = &mut self.what_if.built {
                    *key = Key::of(generation, &after);
                }
            }
            // It was moved, the plan was not: build it again when asked.
            _ => self.what_if = Cache::default(),
        }
        result.map(|()| Moved { answer, violations_before })
    }

    /// Why `application` is in its wave, and what each of the
    /// [`EARLIER_WAVES`] earlier waves would break.
    pub fn explain(&mut self, application: &str) -> Result<Explanation> {
        let plan = self.plan()?;
        let placement = plan
            .applications
            .iter()
            .find(|p| p.name == application.trim())
            .ok_or_else(|| Error::not_found("application in the plan", application))?;
        let group = plan.move_groups.iter().find(|g| g.index == placement.move_group);
        let mut explanation = Explanation {
            application: placement.name.clone(),
            wave: placement.wave,
            reasons: placement.reasons.clone(),
            group_reasons: group.map(|g| g.reasons.clone()).unwrap_or_default(),
            moves_with: group
                .map(|g| g.members.iter().filter(|m| **m != placement.name).cloned().collect())
                .unwrap_or_default(),
            holds: Vec::new(),
            to_move_earlier: Vec::new(),
            downtime_steps: placement.downtime.steps.iter().map(|s| format!("{}: {}", s.step, s.arithmetic)).collect(),
            earlier: Vec::new(),
        };
        let planner = self.planner()?;
        let why = planner.explain_looking_back(application, EARLIER_WAVES).map_err(session_error)?;
        explanation.holds = why.holds;
        explanation.to_move_earlier = why.to_move_earlier;
        for wave in (1..explanation.wave).rev().take(EARLIER_WAVES as usize) {
            let answer = planner.what_if(application, wave).map_err(session_error)?;
            explanation.earlier.push((wave, answer.broken));
        }
        Ok(explanation)
    }
}
