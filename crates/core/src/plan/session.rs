//! What-if and explanations over a planned state.
//!
//! [`PlanSession`] is built once from an estate and its plan; then moving or
//! pinning an application to a wave ([`PlanSession::what_if`]) answers with
//! every hard constraint the move would break and the objective's change,
//! from the moved group's neighbours and the wave loads only, without a
//! re-plan. [`PlanSession::explain`] says what holds an application in its
//! wave and what would have to change to move it earlier. The plan's own
//! `reasons` come from the same code.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::graph::{Unit, UnitId};
use crate::model::Estate;

use super::objective::{self, ObjectiveValue};
use super::problem::{EdgeWhy, Prepared, Problem, RESOURCE_NAMES, RESOURCES};
use super::search::{Block, State, describe_block, edge_words, fmt_need};
use super::{Plan, Violation, ViolationKind as Kind};

/// Why an application is in its wave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The application.
    pub application: String,
    /// Its wave.
    pub wave: u32,
    /// What moves with it (its move group), itself included.
    pub moves_with: Vec<String>,
    /// What holds it in this wave: dependencies, constraints, capacities.
    pub holds: Vec<String>,
    /// For each earlier wave, nearest first: what stands in the way and what would have to change.
    pub to_move_earlier: Vec<String>,
}

/// The answer to "what if this application moved to that wave".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    /// The application asked about.
    pub application: String,
    /// Its wave now.
    pub from_wave: u32,
    /// The wave asked for.
    pub to_wave: u32,
    /// Everything that moves with it.
    pub moves_with: Vec<String>,
    /// Every hard constraint the move breaks (empty: the move is valid).
    pub broken: Vec<Violation>,
    /// The objective now.
    pub before: ObjectiveValue,
    /// The objective after the move.
    pub after: ObjectiveValue,
}

/// A planned state that answers what-if questions and explains placements.
#[derive(Clone, Debug)]
pub struct PlanSession {
    /// The estate the plan is of, for [`PlanSession::plan`].
    estate: Estate,
    problem: Problem,
    config: super::PlanConfig,
    cutover_tracks: crate::downtime::IncrementalTracks,
    waves: Vec<u32>,
    /// Per group, whether a user put it in its wave by hand.
    by_hand: Vec<bool>,
    group_of_app: HashMap<String, u32>,
    value: ObjectiveValue,
    /// What the plan's input cannot keep, whatever the moves (an infeasible
    /// input stays infeasible in [`PlanSession::plan`]).
    conflicts: Vec<super::Conflict>,
}

/// Error of a session question.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionError {
    /// No migrating application has this name.
    #[error("no migrating application is named '{0}'")]
    UnknownApplication(String),
    /// Waves count from 1.
    #[error("wave {0} does not exist: waves count from 1")]
    NoSuchWave(u32),
}

impl PlanSession {
    /// Builds the session of a plan of an estate (the plan's own settings).
    pub fn new(estate: &Estate, plan: &Plan) -> PlanSession {
        let (problem, prepared) = Problem::build_prepared(estate, &plan.config);
        let Prepared { graph, groups, .. } = &prepared;
        let app_wave: HashMap<&str, u32> = plan.applications.iter().map(|a| (a.name.as_str(), a.wave)).collect();
        let app_by_hand: HashMap<&str, bool> =
            plan.applications.iter().map(|a| (a.name.as_str(), a.moved_by_hand)).collect();
        let mut by_hand = vec![false; problem.groups.len()];
        let server_wave: HashMap<&str, u32> =
            plan.waves.iter().flat_map(|w| w.servers.iter().map(move |s| (s.as_str(), w.index))).collect();
        let mut waves = vec![0u32; problem.groups.len()];
        let mut group_of_app = HashMap::new();
        for (i, unit) in graph.units.iter().enumerate() {
            let g = groups.group_of[UnitId(i as u32).index()].0;
            let w = match unit {
                Unit::Application(a) => {
                    let name = &estate.application(*a).name;
                    group_of_app.insert(name.to_lowercase(), g);
                    by_hand[g as usize] |= app_by_hand.get(name.as_str()).copied().unwrap_or(false);
                    app_wave.get(name.as_str()).copied()
                }
                Unit::Server(s) => server_wave.get(estate.server(*s).name.as_str()).copied(),
            };
            if waves[g as usize] == 0 {
                waves[g as usize] = w.unwrap_or(1).clamp(1, problem.horizon);
            }
        }
        let value = objective::evaluate(&problem, &waves);
        let cutover_tracks = crate::downtime::IncrementalTracks::new(estate, &plan.config);
        PlanSession {
            estate: estate.clone(),
            problem,
            config: plan.config.clone(),
            cutover_tracks,
            waves,
            by_hand,
            group_of_app,
            value,
            conflicts: plan.conflicts.iter().filter(|c| c.kind != Kind::Internal).cloned().collect(),
        }
    }

    /// The problem the session works on.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The objective of the plan as it stands.
    pub fn objective(&self) -> ObjectiveValue {
        self.value
    }

    fn group(&self, app: &str) -> Result<u32, SessionError> {
        self.group_of_app
            .get(&app.trim().to_lowercase())
            .copied()
            .ok_or_else(|| SessionError::UnknownApplication(app.to_string()))
    }

    /// The planned state, with the cutover-track check.
    fn state(&self) -> State<'_> {
        let mut state = State::from_waves(&self.problem, &self.waves);
        let check = super::search::CutoverCheck { config: &self.config, tracks: self.cutover_tracks.clone() };
        state.cutover = Some(check);
        state
    }

    fn members(&self, g: u32) -> Vec<String> {
        self.problem.groups[g as usize].label.split(" + ").map(str::to_string).collect()
    }

    /// What breaks, and what the objective does, if `app` (with its move
    /// group) moved to `wave`. Nothing is changed.
    pub fn what_if(&self, app: &str, wave: u32) -> Result<WhatIf, SessionError> {
        let g = self.group(app)?;
        if wave == 0 {
            return Err(SessionError::NoSuchWave(wave));
        }
        let state = self.state();
        let from = self.waves[g as usize];
        let name = self.problem.groups[g as usize].label.clone();
        let broken = if wave > self.problem.horizon {
            vec![Violation::new(
                Kind::Calendar,
                format!("wave {wave} is past the planning horizon (wave {})", self.problem.horizon),
                self.problem.groups[g as usize].apps.iter().map(|&a| self.estate.application(a).name.clone()).collect(),
                vec![g as usize],
            )]
        } else {
            every_block(&state, g, wave).into_iter().map(|b| violation_of(&self.estate, &state, g, wave, &b)).collect()
        };
        let wave = wave.min(self.problem.horizon);
        let d = state.delta_move(g, wave);
        let mut after = self.value;
        // The move's DR cost (when DR is minimised) is kept apart from its traffic-days.
        let dr = self.problem.dr_cost(g, wave) - self.problem.dr_cost(g, from);
        after.traffic_days += d.traffic_days - dr;
        after.dr_cost += dr;
        after.waves = d.waves;
        after.imbalance = d.imbalance;
        // The parts: between waves and on premises, from the moved group alone.
        let days = f64::from(self.problem.wave_days);
        let staying_change = (self.problem.staying.iter().sum::<f64>()
            * (f64::from(d.waves) - f64::from(self.value.waves))
            - self.problem.staying[g as usize] * (f64::from(wave) - f64::from(from)))
            * days;
        after.on_premises += staying_change;
        after.between_waves = after.traffic_days - after.on_premises;
        let mut cut = 0.0;
        for &(h, w) in &self.problem.adjacent[g as usize] {
            let x = self.waves[h as usize];
            cut += w * (f64::from(u8::from(x != wave)) - f64::from(u8::from(x != from)));
        }
        after.cut_weight += cut;
        Ok(WhatIf {
            application: name,
            from_wave: from,
            to_wave: wave,
            moves_with: self.members(g),
            broken,
            before: self.value,
            after,
        })
    }

    /// Moves `app` (with its move group) to `wave` in the session, whatever
    /// it breaks, and returns what [`PlanSession::what_if`] said of it.
    pub fn apply(&mut self, app: &str, wave: u32) -> Result<WhatIf, SessionError> {
        let answer = self.what_if(app, wave)?;
        let g = self.group(app)?;
        self.waves[g as usize] = answer.to_wave;
        self.by_hand[g as usize] = true;
        self.value = objective::evaluate(&self.problem, &self.waves);
        Ok(answer)
    }

    /// The plan as the session stands after [`PlanSession::apply`]: every
    /// group in its wave, with calendar, downtime, DR and reasons worked out
    /// again and every hard constraint verified (`violations` lists what the
    /// moves broke).
    pub fn plan(&self) -> Plan {
        let assignment = super::Assignment {
            waves: self.waves.clone(),
            conflicts: self.conflicts.clone(),
            pilot_floor: Vec::new(),
            by_hand: self.by_hand.clone(),
        };
        super::plan_by_hand(&self.estate, &self.config, &assignment)
    }

    /// Why `app` is in its wave and what would have to change to move it
    /// earlier, for the six nearest earlier waves.
    pub fn explain(&self, app: &str) -> Result<Explanation, SessionError> {
        self.explain_looking_back(app, 6)
    }

    /// [`PlanSession::explain`], looking back `earlier_waves` waves.
    pub fn explain_looking_back(&self, app: &str, earlier_waves: u32) -> Result<Explanation, SessionError> {
        let g = self.group(app)?;
        let state = self.state();
        Ok(explain_group(&state, g, app.trim().to_string(), earlier_waves, self.by_hand[g as usize]))
    }
}

/// Every reason the group cannot take `wave`, not only the first.
fn every_block(state: &State<'_>, g: u32, wave: u32) -> Vec<Block> {
    let p = state.problem;
    let gi = g as usize;
    let mut blocks = Vec::new();
    if wave < p.earliest[gi] || wave > p.latest[gi] {
        blocks.push(Block::Bounds);
    }
    if wave <= p.pilot_waves && !p.groups[gi].pilot_eligible {
        blocks.push(Block::Pilot);
    }
    if !p.calendar_open(g, wave) {
        blocks.push(Block::Calendar);
    }
    for &e in &p.preds[gi] {
        let edge = p.edges[e as usize];
        if state.wave[edge.pred as usize] + edge.offset > wave {
            blocks.push(Block::Predecessor(e));
        }
    }
    for &e in &p.succs[gi] {
        let edge = p.edges[e as usize];
        if wave + edge.offset > state.wave[edge.succ as usize] {
            blocks.push(Block::Successor(e));
        }
    }
    if state.wave[gi] != wave {
        for r in 0..RESOURCES {
            if let Some(cap) = p.cap(r, wave)
                && state.load[wave as usize][r] + p.groups[gi].need[r] > cap + 1e-9 * cap.max(1.0)
            {
                blocks.push(Block::Capacity(r));
            }
        }
    }
    for &h in &p.apart_of[gi] {
        if state.wave[h as usize] == wave {
            blocks.push(Block::Apart(h));
        }
    }
    // The cutover schedule is the costly check: only when nothing else blocks.
    if blocks.is_empty() && state.wave[gi] != wave && wave <= p.horizon && !state.cutovers_fit(g, wave, None) {
        blocks.push(Block::CutoverWindow);
    }
    blocks
}

fn bound_text(p: &Problem, why: &Option<super::problem::BoundWhy>) -> Option<String> {
    why.as_ref().map(|w| w.describe(p))
}

/// The constraint a block breaks, with the move groups it concerns: the
/// group moved and the one on the other side of the rule, if any.
fn violation_of(estate: &Estate, state: &State<'_>, g: u32, wave: u32, block: &Block) -> Violation {
    let p = state.problem;
    let (kind, message) = block_words(state, g, wave, block);
    let mut groups = vec![g];
    match block {
        Block::Predecessor(e) | Block::Successor(e) => {
            let edge = p.edges[*e as usize];
            groups.extend([edge.pred, edge.succ]);
        }
        Block::Apart(h) => groups.push(*h),
        // A bound set through precedence comes from another group's own
        // constraint; the card to mark is still the one that would move.
        Block::Bounds | Block::Pilot | Block::Calendar | Block::Capacity(_) | Block::CutoverWindow => {}
    }
    let applications =
        groups.iter().flat_map(|&h| &p.groups[h as usize].apps).map(|&a| estate.application(a).name.clone()).collect();
    Violation::new(kind, message, applications, groups.into_iter().map(|h| h as usize).collect())
}

/// The kind of constraint a block breaks, and what it is in words.
fn block_words(state: &State<'_>, g: u32, wave: u32, block: &Block) -> (Kind, String) {
    let p = state.problem;
    let gi = g as usize;
    let label = &p.groups[gi].label;
    match block {
        Block::Bounds if wave < p.earliest[gi] => (
            p.earliest_why[gi].as_ref().map_or(Kind::NotBefore, |w| w.constraint),
            format!(
                "'{label}' cannot move before wave {}: {}",
                p.earliest[gi],
                bound_text(p, &p.earliest_why[gi]).unwrap_or_default()
            ),
        ),
        Block::Bounds => (
            p.latest_why[gi].as_ref().map_or(Kind::NotAfter, |w| w.constraint),
            format!(
                "'{label}' must move by wave {}: {}",
                p.latest[gi],
                bound_text(p, &p.latest_why[gi]).unwrap_or_default()
            ),
        ),
        Block::Pilot => (Kind::Pilot, format!("wave {wave} is a pilot wave, and '{label}' does not qualify for it")),
        Block::Calendar => {
            (Kind::Calendar, format!("no maintenance window of '{label}' opens in wave {wave} outside the blackouts"))
        }
        Block::Predecessor(e) | Block::Successor(e) => {
            let edge = p.edges[*e as usize];
            let kind = match edge.why {
                EdgeWhy::Dependency => Kind::Precedence,
                EdgeWhy::Before => Kind::Before,
                EdgeWhy::NonProductionFirst => Kind::NonProductionFirst,
            };
            (kind, format!("'{label}' in wave {wave} {}", describe_block(state, g, block)))
        }
        Block::Capacity(r) => {
            let cap = p.cap(*r, wave).unwrap_or(0.0);
            (
                Kind::Capacity,
                format!(
                    "wave {wave} would take {} {}, more than the {} a wave may take",
                    fmt_need(state.load[wave as usize][*r] + p.groups[gi].need[*r]),
                    RESOURCE_NAMES[*r],
                    fmt_need(cap)
                ),
            )
        }
        Block::CutoverWindow => (
            Kind::CutoverWindow,
            format!("wave {wave}'s cutovers would not all find a track with room in their maintenance windows"),
        ),
        Block::Apart(h) => {
            let text = p
                .apart
                .iter()
                .find(|a| (a.0 == g && a.1 == *h) || (a.1 == g && a.0 == *h))
                .map(|a| a.2.clone())
                .unwrap_or_default();
            (Kind::KeepApart, format!("{text}, and '{}' moves in wave {wave}", p.groups[*h as usize].label))
        }
    }
}

/// What would have to change for a block to go away.
fn remedy(state: &State<'_>, g: u32, wave: u32, block: &Block) -> String {
    let p = state.problem;
    let gi = g as usize;
    let label = |x: u32| p.groups[x as usize].label.as_str();
    match block {
        Block::Bounds => match &p.earliest_why[gi] {
            Some(why) if !why.through.is_empty() => format!("'{}' would have to move earlier first", label(why.origin)),
            Some(_) => "the constraint would have to be lifted".into(),
            None => "its constraints would have to be lifted".into(),
        },
        Block::Pilot => "it would have to qualify for the pilot (non-production, not mission-critical)".into(),
        Block::Calendar => "widen its maintenance window or shorten the blackout".into(),
        Block::Predecessor(e) => {
            let edge = p.edges[*e as usize];
            let needed = wave.saturating_sub(edge.offset);
            format!("'{}' would have to move by wave {needed} first", label(edge.pred))
        }
        Block::Successor(e) => {
            let edge = p.edges[*e as usize];
            format!("'{}' would have to move later", label(edge.succ))
        }
        Block::Capacity(r) => format!(
            "raise the limit of {} per wave (now {}, {} taken) or move something out of wave {wave}",
            RESOURCE_NAMES[*r],
            fmt_need(p.cap(*r, wave).unwrap_or(0.0)),
            fmt_need(state.load[wave as usize][*r])
        ),
        Block::Apart(h) => format!("move '{}' out of wave {wave} or drop the keep-apart constraint", label(*h)),
        Block::CutoverWindow => format!("add a cutover track, widen the windows or move a cutover out of wave {wave}"),
    }
}

/// The explanation of a group in a state; `by_hand`: a user put it in its
/// wave, not the planner.
pub(crate) fn explain_group(
    state: &State<'_>,
    g: u32,
    application: String,
    earlier_waves: u32,
    by_hand: bool,
) -> Explanation {
    let p = state.problem;
    let gi = g as usize;
    let x = state.wave[gi];
    let mut holds = Vec::new();
    holds.extend(pin_text(p, g));
    for &e in &p.preds[gi] {
        let edge = p.edges[e as usize];
        let pw = state.wave[edge.pred as usize];
        if pw + edge.offset == x {
            holds.push(format!(
                "{} '{}', which moves in wave {pw}",
                edge_words(edge.why, true),
                p.groups[edge.pred as usize].label
            ));
        }
    }
    if p.earliest[gi] == x
        && p.pinned[gi].is_none()
        && let Some(text) = bound_text(p, &p.earliest_why[gi])
    {
        holds.push(text);
    }
    // The pilot's reason is the planner's: not for what a user put there.
    if x <= p.pilot_waves && !by_hand && p.pinned[gi].is_none() && p.groups[gi].pilot_eligible {
        holds.push("pilot: a small, low-risk, non-production application, moved first to prove the process".into());
    }
    let mut to_move_earlier = Vec::new();
    let mut w = x;
    while w > 1 && x - w < earlier_waves {
        w -= 1;
        let blocks = every_block(state, g, w);
        if blocks.is_empty() {
            let d = state.delta_move(g, w);
            let line = if d.traffic_days > 0.0 {
                format!(
                    "wave {w}: nothing forbids it, but it would add {:.0} traffic-days (it talks most to {})",
                    d.traffic_days,
                    heaviest_neighbours(state, g)
                )
            } else {
                format!("wave {w}: nothing forbids it; it stays for the balance and the number of waves")
            };
            if holds.is_empty() && d.traffic_days > 0.0 {
                holds.push(format!(
                    "kept with what it talks to most ({}): an earlier wave adds traffic across the WAN",
                    heaviest_neighbours(state, g)
                ));
            } else if holds.is_empty() {
                holds.push("placed for the balance of the waves and their number: nothing holds it here".into());
            }
            to_move_earlier.push(line);
            continue;
        }
        let mut said: Vec<String> = blocks
            .iter()
            .take(4)
            .map(|b| format!("{} ({})", describe_block(state, g, b), remedy(state, g, w, b)))
            .collect();
        if blocks.len() > 4 {
            said.push(format!("and {} more", blocks.len() - 4));
        }
        if w + 1 == x {
            for b in &blocks {
                if let Block::Capacity(r) = b {
                    holds.push(format!(
                        "wave {w} is full ({} of {} {} taken)",
                        fmt_need(state.load[w as usize][*r]),
                        fmt_need(p.cap(*r, w).unwrap_or(0.0)),
                        RESOURCE_NAMES[*r]
                    ));
                }
                if let Block::Apart(h) = b {
                    holds.push(format!("kept apart from '{}', which moves in wave {w}", p.groups[*h as usize].label));
                }
                if let Block::CutoverWindow = b {
                    holds.push(format!(
                        "wave {w}'s maintenance windows were full: its cutover tracks had no room for these cutovers"
                    ));
                }
                if let Block::Calendar = b {
                    holds.push(format!("its maintenance window does not open in wave {w} outside the blackouts"));
                }
            }
        }
        to_move_earlier.push(format!("wave {w}: {}", said.join("; ")));
        // Below its own earliest wave, every wave says the same.
        if blocks.iter().any(|b| matches!(b, Block::Bounds | Block::Pilot)) && w <= p.earliest[gi] {
            break;
        }
    }
    if by_hand {
        // What holds a group the planner placed is not why it is here.
        holds = hand_holds(state, g);
    }
    if holds.is_empty() {
        holds.push(if x == 1 {
            "nothing holds it back: wave 1 is the first wave".into()
        } else {
            format!("nothing holds it back: wave {x} is the first it can take")
        });
    }
    holds.dedup();
    Explanation {
        application,
        wave: x,
        moves_with: p.groups[gi].label.split(" + ").map(str::to_string).collect(),
        holds,
        to_move_earlier,
    }
}

/// The pin of a group, in words (`None`: not pinned).
fn pin_text(p: &Problem, g: u32) -> Option<String> {
    let w = p.pinned[g as usize]?;
    Some(
        bound_text(p, &p.latest_why[g as usize])
            .filter(|t| t.contains("pinned"))
            .unwrap_or_else(|| format!("pinned to wave {w}")),
    )
}

/// Why a group a user moved is in its wave: the user's move, and every
/// hard constraint it breaks there.
fn hand_holds(state: &State<'_>, g: u32) -> Vec<String> {
    let p = state.problem;
    let x = state.wave[g as usize];
    let mut holds = vec![format!("moved to wave {x} by hand on the board: the planner did not put it here")];
    holds.extend(pin_text(p, g));
    // Every block of its own wave, as if it were not there yet.
    let mut without = state.clone();
    without.remove(g);
    for block in every_block(&without, g, x) {
        let (kind, message) = block_words(&without, g, x, &block);
        holds.push(format!("this breaks a constraint ({kind}): {message}"));
    }
    holds
}

fn heaviest_neighbours(state: &State<'_>, g: u32) -> String {
    let p = state.problem;
    let mut adj: Vec<(u32, f64)> = p.adjacent[g as usize].clone();
    adj.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut names: Vec<String> = adj
        .iter()
        .take(2)
        .map(|&(h, _)| format!("'{}' in wave {}", p.groups[h as usize].label, state.wave[h as usize]))
        .collect();
    if p.staying[g as usize] > 0.0 {
        names.push("what stays on premises".into());
    }
    if names.is_empty() { "nothing".into() } else { names.join(", ") }
}

/// The plan's reasons for a group: what holds it, and the nearest earlier wave's obstacle.
pub(crate) fn reasons(state: &State<'_>, g: u32, by_hand: bool) -> Vec<String> {
    let e = explain_group(state, g, String::new(), 1, by_hand);
    let mut reasons = e.holds;
    reasons.extend(e.to_move_earlier.into_iter().map(|w| format!("not earlier: {w}")));
    reasons
}
