//! The board's drag and Explain, over the planner's incremental what-if
//! (`waveplan_core::plan::PlanSession`): a hovered move is priced without a
//! change, a dropped one is applied and the plan assembled again by the
//! planner. Nothing here decides what breaks or what a move costs.
//!
//! The `PlanSession` is built once per planned state (it contracts the estate
//! into the planner's problem: a second or two on a 10,000-application
//! plan) and kept in [`Cache`], which knows when the inventory or the plan
//! changed under it, so every hover costs only the planner's incremental
//! check. It is built in the background as soon as a project opens or its
//! plan changes ([`prepare`], after every command), off the main thread and
//! without the session's lock, so the first drag after opening is as quick
//! as the rest; a newer plan supersedes a build under way (its answer is
//! dropped), and a question asked before the build is done waits for it
//! instead of building a second one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::time::Instant;

use waveplan_core::plan::session::{SessionError, WhatIf};
use waveplan_core::plan::{ObjectiveValue, PlanSession};
use waveplan_core::{Estate, Plan, PlanConfig};

use crate::error::{AppError, AppResult};
use crate::session::Session;
use crate::view;
use crate::wire::{EarlierWave, Explanation, MoveOutcome, MovePrice, PlannerObjective};

/// Earlier waves Explain prices, nearest first.
const EARLIER_WAVES: u32 = 12;

/// The planner's session of the plan on the board, and what it was built from.
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
                let background = self.background.take().expect("just seen");
                self.built = Some((background.key.clone(), session));
            }
            Err(TryRecvError::Disconnected) => self.background = None,
            Err(TryRecvError::Empty) => {}
        }
    }

    /// Starts building the session of `plan` in the background, unless it is
    /// built or being built already; a build of an older plan is superseded.
    fn prepare(&mut self, generation: u64, estate: &Arc<Estate>, plan: Option<&Arc<Plan>>) {
        self.collect();
        let Some(plan) = plan else {
            self.background = None;
            return;
        };
        let key = Key::of(generation, plan);
        if self.built.as_ref().is_some_and(|(k, _)| *k == key) || self.background.as_ref().is_some_and(|b| b.key == key)
        {
            return;
        }
        let superseded = Arc::new(AtomicBool::new(false));
        let (sender, result) = sync_channel(1);
        // Shared, not copied: the lock the caller holds is let go at once.
        let (estate, plan, skip) = (Arc::clone(estate), Arc::clone(plan), superseded.clone());
        let started = std::thread::Builder::new().name("what-if session".into()).spawn(move || {
            // Below the threads that answer the window (and the window's own
            // processes), so a build right after opening does not slow the
            // board being drawn on a machine of two cores.
            crate::priority::lower_this_thread();
            if !skip.load(Ordering::Relaxed) {
                // The receiver is gone when a newer plan superseded this one: the answer is dropped.
                let _ = sender.send(PlanSession::new(&estate, &plan));
            }
        });
        // Without a thread the session is built when first asked for, as before.
        self.background = started.ok().map(|_| Background { key, result, superseded });
    }

    /// Whether the session of `plan` is built (tests, and nothing waits on it).
    fn ready(&mut self, generation: u64, plan: Option<&Plan>) -> bool {
        self.collect();
        plan.is_some_and(|plan| self.built.as_ref().is_some_and(|(k, _)| *k == Key::of(generation, plan)))
    }
}

/// Starts building the planner's session of the open project's plan in the
/// background if it has changed (called after every command).
pub fn prepare(session: &mut Session) {
    session.what_if.prepare(session.generation, &session.estate, session.plan.as_ref());
}

/// Whether the planner's session of the open project's plan is built.
pub fn ready(session: &mut Session) -> bool {
    session.what_if.ready(session.generation, session.plan.as_deref())
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

/// The planner's session of the open project's plan, built if stale.
fn planner(session: &mut Session) -> AppResult<&mut PlanSession> {
    let plan = session.plan.as_deref().ok_or(AppError::NoPlan)?;
    let key = Key::of(session.generation, plan);
    let cache = &mut session.what_if;
    if cache.built.as_ref().is_none_or(|(k, _)| *k != key) {
        // Being built in the background: wait for it rather than build it twice.
        let waited = match cache.background.take() {
            Some(background) if background.key == key => background.result.recv().ok(),
            _ => None,
        };
        let built = waited.unwrap_or_else(|| PlanSession::new(&session.estate, plan));
        cache.built = Some((key, built));
    }
    Ok(&mut cache.built.as_mut().expect("just built").1)
}

fn session_error(error: SessionError) -> AppError {
    match error {
        SessionError::UnknownApplication(name) => AppError::NotFound { what: "application in the plan".into(), name },
        other => AppError::invalid("wave", other.to_string()),
    }
}

fn objective(value: &ObjectiveValue) -> PlannerObjective {
    PlannerObjective {
        traffic_days: value.traffic_days,
        between_waves: value.between_waves,
        on_premises: value.on_premises,
        waves: value.waves,
        imbalance: value.imbalance,
    }
}

fn price_view(answer: &WhatIf, started: Instant) -> MovePrice {
    MovePrice {
        application: answer.application.clone(),
        from_wave: answer.from_wave,
        to_wave: answer.to_wave,
        moves_with: answer.moves_with.clone(),
        broken: answer.broken.iter().map(view::violation).collect(),
        before: objective(&answer.before),
        after: objective(&answer.after),
        millis: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// What moving `application` (with its move group) to `wave` would break and
/// do to the objective; nothing is changed.
pub fn price(session: &mut Session, application: &str, wave: u32) -> AppResult<MovePrice> {
    let started = Instant::now();
    let answer = planner(session)?.what_if(application, wave).map_err(session_error)?;
    Ok(price_view(&answer, started))
}

/// Moves `application` and its move group to `wave` as one undoable edit:
/// the planner applies the move and assembles the plan again (calendar,
/// downtime, DR, reasons, verification), and the project file is saved.
pub fn apply(session: &mut Session, application: &str, wave: u32) -> AppResult<MoveOutcome> {
    let started = Instant::now();
    let before = session.plan()?;
    let (was, objective_before) =
        (before.violations.iter().map(view::violation).collect::<Vec<_>>(), view::objective(before));
    let planner = planner(session)?;
    // Priced on a copy, so a refused move leaves the session as it was.
    let answer = planner.what_if(application, wave).map_err(session_error)?;
    let price = price_view(&answer, started);
    planner.apply(application, wave).map_err(session_error)?;
    let plan = planner.plan();
    let label = format!("move {application} to wave {}", answer.to_wave);
    session.set_plan(&label, plan)?;
    let after = session.plan.as_deref().ok_or(AppError::NoPlan)?;
    // The session already stands where the new plan does: keep it.
    if let Some((key, _)) = &mut session.what_if.built {
        *key = Key::of(session.generation, after);
    }
    let now: Vec<_> = after.violations.iter().map(view::violation).collect();
    Ok(MoveOutcome {
        mended: was.iter().filter(|v| !now.contains(v)).cloned().collect(),
        broken: price.broken.clone(),
        before: objective_before,
        board: view::board(&session.estate, after, &session.scenario),
        moved: answer.moves_with.clone(),
        millis: started.elapsed().as_secs_f64() * 1000.0,
        price,
    })
}

/// Why `application` is in its wave, and what each earlier wave would break.
pub fn explain(session: &mut Session, application: &str) -> AppResult<Explanation> {
    let plan = session.plan()?;
    let placement = plan
        .applications
        .iter()
        .find(|p| p.name == application)
        .ok_or_else(|| AppError::NotFound { what: "application in the plan".into(), name: application.into() })?;
    let group = plan.move_groups.iter().find(|g| g.index == placement.move_group);
    let mut explanation = Explanation {
        application: application.to_string(),
        wave: placement.wave,
        reasons: placement.reasons.clone(),
        group_reasons: group.map(|g| g.reasons.clone()).unwrap_or_default(),
        moves_with: group
            .map(|g| g.members.iter().filter(|m| *m != application).cloned().collect())
            .unwrap_or_default(),
        downtime_steps: placement.downtime.steps.iter().map(|s| format!("{}: {}", s.step, s.arithmetic)).collect(),
        earlier: Vec::new(),
    };
    let planner = planner(session)?;
    for wave in (1..explanation.wave).rev().take(EARLIER_WAVES as usize) {
        let answer = planner.what_if(application, wave).map_err(session_error)?;
        explanation.earlier.push(EarlierWave { wave, broken: answer.broken.iter().map(view::violation).collect() });
    }
    Ok(explanation)
}
