//! The wave planner: correct first, then good, always explainable.
//!
//! Steps: the estate becomes a [`Problem`] of move groups (units glued by
//! shared members, cycles and move-together constraints, with the order,
//! calendar, capacities and traffic between them; [`problem`]); what can
//! never hold is named as a conflict; the packer places groups in precedence
//! order at the earliest wave they fit; local search then moves and swaps
//! groups while every hard constraint holds, pricing each move with the
//! objective ([`objective`]); the plan is assembled with the calendar,
//! downtime and DR; [`verify_plan`] checks it against every hard constraint
//! from scratch, so a broken constraint is reported, never hidden.
//! [`session::PlanSession`] answers what-if questions and explains
//! placements over a finished plan.

pub mod link;
pub mod objective;
pub mod problem;

#[cfg(test)]
mod proptests;
pub mod search;
pub mod session;
mod verify;
mod violation;
pub mod window;

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::downtime::{DowntimeConfig, DowntimeEstimate, estimate_downtime};
use crate::dr::{self, Coverage, DrConfig};
use crate::graph::{Place, Unit, UnitId};
use crate::group::GlueReason;
pub use crate::group::{PrecedenceRule, PrecedenceRules};
use crate::model::{AppId, Constraint, DrPosture, Environment, Estate, Strategy, Tier};

pub use link::{HybridPeriod, LinkSide, LinkSpan, PlanSides};
pub use objective::{ObjectiveKind, ObjectiveValue, evaluate};
use problem::Prepared;
pub use problem::Problem;
pub use session::{Explanation, PlanSession, WhatIf};
pub use verify::verify_plan;
pub use violation::{Conflict, Violation, ViolationKind};

/// What the planner is asked to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanConfig {
    /// First day of wave 1.
    pub start: NaiveDate,
    /// Length of each wave, days.
    pub wave_days: u32,
    /// Most servers that cut over in one wave; `None` for no limit.
    pub max_servers_per_wave: Option<u32>,
    /// Most storage replicated for one wave, GB; `None` for no limit.
    pub max_storage_gb_per_wave: Option<f64>,
    /// Applications in the pilot wave (wave 1); 0 for no pilot.
    pub pilot_applications: u32,
    /// A dependency in a cycle with less weight than this (connections or
    /// bytes per day) is left hybrid instead of gluing the cycle together.
    pub coupling_threshold: f64,
    /// Downtime constants.
    pub downtime: DowntimeConfig,
    /// DR constants.
    pub dr: DrConfig,
    /// Periods in which no cutover may happen (change freezes, clinical
    /// go-lives, fiscal year end).
    pub blackouts: Vec<Blackout>,
    /// Most applications that cut over in one wave; `None` for no limit.
    pub max_applications_per_wave: Option<u32>,
    /// Most servers replicating for one wave (rehost and relocate); `None` for no limit.
    pub max_replicating_servers_per_wave: Option<u32>,
    /// Most cutover team hours in one wave (the sum of the applications'
    /// estimated downtimes); `None` for no limit.
    pub max_cutover_hours_per_wave: Option<f64>,
    /// Waves at the start that are pilot waves (with `pilot_applications` > 0).
    pub pilot_waves: u32,
    /// How each kind of dependency orders its two ends.
    pub precedence: PrecedenceRules,
    /// Factor on the weight of latency-sensitive dependencies in the objective.
    pub latency_weight: f64,
    /// What the planner minimises first.
    pub objective: ObjectiveKind,
    /// Seed of the local search's visiting order.
    pub seed: u64,
    /// Most passes of local search (0: the packer's plan as it is).
    pub search_passes: u32,
    /// Minimise mission-critical DR gap-days too, as a secondary objective
    /// added to traffic-days at `dr_gap_day_weight` each.
    pub minimise_dr_gap_days: bool,
    /// Traffic-days one mission-critical DR gap-day is worth when
    /// `minimise_dr_gap_days` is on; 0: automatic, the mean traffic weight
    /// of a move group (a gap-day costs what splitting an average group's
    /// traffic for a day costs).
    pub dr_gap_day_weight: f64,
}

/// A period in which no cutover may happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blackout {
    /// What it is, in the user's words ("EHR upgrade go-live", "year-end freeze").
    pub name: String,
    /// First day of the blackout.
    pub start: NaiveDate,
    /// Last day of the blackout (inclusive).
    pub end: NaiveDate,
}

impl Blackout {
    /// Whether `day` falls in the blackout.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig {
            start: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default(),
            wave_days: 14,
            max_servers_per_wave: Some(40),
            max_storage_gb_per_wave: None,
            pilot_applications: 3,
            coupling_threshold: 100.0,
            downtime: DowntimeConfig::default(),
            dr: DrConfig::default(),
            blackouts: Vec::new(),
            max_applications_per_wave: None,
            max_replicating_servers_per_wave: None,
            max_cutover_hours_per_wave: None,
            pilot_waves: 1,
            precedence: PrecedenceRules::default(),
            latency_weight: 3.0,
            objective: ObjectiveKind::TrafficDays,
            seed: 0,
            search_passes: 30,
            minimise_dr_gap_days: false,
            dr_gap_day_weight: 0.0,
        }
    }
}

impl PlanConfig {
    /// First day of a wave (1-based).
    pub fn wave_start(&self, wave: u32) -> NaiveDate {
        self.start + Duration::days(i64::from(wave.saturating_sub(1)) * i64::from(self.wave_days.max(1)))
    }

    /// Last day of a wave (1-based).
    pub fn wave_end(&self, wave: u32) -> NaiveDate {
        self.wave_start(wave) + Duration::days(i64::from(self.wave_days.max(1)) - 1)
    }

    /// The first wave that starts on or after `date`.
    pub(crate) fn first_wave_from(&self, date: NaiveDate) -> u32 {
        let days = (date - self.start).num_days();
        if days <= 0 { 1 } else { (days as u64).div_ceil(u64::from(self.wave_days.max(1))) as u32 + 1 }
    }

    /// The last wave that ends on or before `date` (0 when none does).
    pub(crate) fn last_wave_until(&self, date: NaiveDate) -> u32 {
        let days = (date - self.start).num_days() + 1;
        if days <= 0 { 0 } else { (days / i64::from(self.wave_days.max(1))) as u32 }
    }
}

/// A wave of the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wave {
    /// 1 for the first wave.
    pub index: u32,
    /// "Wave 1 (pilot)", "Wave 2", ...
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Whether this is the pilot wave.
    pub pilot: bool,
    /// Applications that cut over, by name.
    pub applications: Vec<String>,
    /// Servers that cut over, by name (including servers of no application).
    pub servers: Vec<String>,
    /// Storage replicated, GB.
    pub storage_gb: f64,
    /// Sum of the applications' downtimes, minutes.
    pub downtime_minutes: u64,
    /// The longest single downtime, minutes.
    pub downtime_longest_minutes: u32,
    /// Cutover tracks, critical path and replication lead ([`crate::downtime::schedule_waves`]).
    #[serde(default)]
    pub schedule: crate::downtime::WaveSchedule,
}

/// Where an application goes and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// Application name.
    pub name: String,
    /// Its wave.
    pub wave: u32,
    /// Its move group (index into [`Plan::move_groups`]).
    pub move_group: u32,
    /// Strategy.
    pub strategy: Strategy,
    /// Tier.
    pub tier: Tier,
    /// Environment.
    pub environment: Environment,
    /// Servers that move with it.
    pub servers: u32,
    /// Storage it replicates, GB.
    pub storage_gb: f64,
    /// Its maintenance window, as written.
    pub maintenance_window: Option<String>,
    /// The last opening of its window in its wave: when the cutover is planned.
    pub cutover: Option<NaiveDateTime>,
    /// Cutover downtime.
    pub downtime: DowntimeEstimate,
    /// Whether the downtime fits the window; `None` without a window.
    pub fits_window: Option<bool>,
    /// DR posture before it moves.
    pub dr_before: DrPosture,
    /// DR posture after it moves.
    pub dr_after: DrPosture,
    /// Whether the posture before meets its RTO and RPO targets.
    pub dr_meets_before: bool,
    /// Whether the posture after meets them.
    pub dr_meets_after: bool,
    /// Why it is in this wave, one sentence each.
    pub reasons: Vec<String>,
    /// Its cutover track and slot, and its replication dates ([`crate::downtime::schedule_waves`]).
    #[serde(default)]
    pub schedule: crate::downtime::AppSchedule,
    /// Whether a user put it (with its move group) in this wave by hand
    /// ([`PlanSession::apply`], the board's drag) instead of the planner;
    /// a re-plan clears it.
    #[serde(default)]
    pub moved_by_hand: bool,
}

/// Something that is in no wave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotMigrating {
    /// Name.
    pub name: String,
    /// `application`, `server` or `device`.
    pub kind: String,
    /// Why it does not move.
    pub reason: String,
}

/// A move group as the plan reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MoveGroupSummary {
    /// Index.
    pub index: u32,
    /// Wave.
    pub wave: u32,
    /// Applications (and servers of no application), by name.
    pub members: Vec<String>,
    /// Servers.
    pub servers: u32,
    /// Why its members move together.
    pub reasons: Vec<String>,
}

/// The plan's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Waves.
    pub waves: u32,
    /// Applications that move.
    pub applications_migrating: usize,
    /// Servers that move.
    pub servers_migrating: usize,
    /// Move groups.
    pub move_groups: usize,
    /// Members of the largest move group.
    pub largest_move_group: usize,
    /// Cycles of dependent units found.
    pub cycles: usize,
    /// Weak dependencies in cycles left hybrid instead of gluing the cycle.
    pub relaxed_dependencies: usize,
    /// Hard constraints broken: 0 for a valid plan.
    pub hard_violations: usize,
    /// Dependencies whose two ends move in different waves.
    pub cross_wave_dependencies: usize,
    /// Dependencies between something that moves and something that stays on
    /// premises (devices, retained applications): links across the WAN for good.
    pub hybrid_dependencies: usize,
    /// Dependencies from something that moves to an external endpoint.
    pub external_dependencies: usize,
    /// Sum over dependencies of weight × days its ends spend on different
    /// sides, until the end of the programme.
    pub hybrid_traffic_days: f64,
    /// Sum of all cutover downtimes, minutes.
    pub downtime_total_minutes: u64,
    /// Longest single cutover downtime, minutes.
    pub downtime_longest_minutes: u32,
    /// Applications whose downtime does not fit their maintenance window.
    pub windows_exceeded: usize,
    /// Share of applications meeting their DR targets before the first wave.
    pub dr_coverage_before: f64,
    /// Share after the last wave.
    pub dr_coverage_after: f64,
    /// Applications below their DR targets after the last wave.
    pub dr_gaps_after: usize,
    /// What the planner minimised: latency-weighted traffic-days (the
    /// objective's first part), between waves plus to what stays on premises.
    #[serde(default)]
    pub objective_traffic_days: f64,
    /// Of that, between groups in different waves.
    #[serde(default)]
    pub objective_traffic_days_between_waves: f64,
    /// Of that, to what stays on premises, until the end of the programme.
    #[serde(default)]
    pub objective_traffic_days_on_premises: f64,
    /// Latency-weighted traffic between groups in different waves.
    #[serde(default)]
    pub cut_weight: f64,
    /// Coefficient of variation of servers per wave (0: even).
    #[serde(default)]
    pub imbalance: f64,
    /// The end of the programme ([`Plan::programme_end`]).
    pub programme_end: Option<NaiveDate>,
    /// The longest wave critical path across its cutover tracks, minutes.
    #[serde(default)]
    pub cutover_critical_path_longest_minutes: u64,
    /// Wave critical paths added up, minutes.
    #[serde(default)]
    pub cutover_critical_path_total_minutes: u64,
    /// Waves whose cutovers do not fit their windows on the tracks available.
    #[serde(default)]
    pub waves_over_cutover_window: usize,
    /// Applications whose replication would have to start before the programme.
    #[serde(default)]
    pub replication_before_programme: usize,
    /// The first day any replication must start.
    #[serde(default)]
    pub replication_first_start: Option<NaiveDate>,
    /// Days below RTO/RPO target, all applications added up.
    #[serde(default)]
    pub dr_gap_days: u64,
    /// Of which mission-critical applications'.
    #[serde(default)]
    pub dr_gap_days_mission_critical: u64,
    /// Gap-days the migration causes (applications that met their targets before).
    #[serde(default)]
    pub dr_gap_days_caused: u64,
    /// Application-days unprotected (cut over before their cloud DR is in place).
    #[serde(default)]
    pub dr_unprotected_days: u64,
    /// First day from which every application meets its DR targets; `None`: not within the programme.
    #[serde(default)]
    pub dr_full_coverage_from: Option<NaiveDate>,
    /// First day from which every application that met its targets before meets them again.
    #[serde(default)]
    pub dr_coverage_restored_from: Option<NaiveDate>,
}

/// A wave plan with everything that explains it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// What the planner was asked.
    pub config: PlanConfig,
    /// The waves, in order.
    pub waves: Vec<Wave>,
    /// Every migrating application, in estate order.
    pub applications: Vec<Placement>,
    /// Move groups.
    pub move_groups: Vec<MoveGroupSummary>,
    /// Applications, servers and devices in no wave, with the reason.
    pub not_migrating: Vec<NotMigrating>,
    /// DR coverage before the first wave and after each wave.
    pub dr_coverage: Vec<Coverage>,
    /// Hard constraints broken.
    pub violations: Vec<Violation>,
    /// Things worth knowing that break nothing.
    pub warnings: Vec<String>,
    /// The figures.
    pub metrics: Metrics,
    /// DR day by day through the programme ([`crate::dr::annotate`]).
    #[serde(default)]
    pub dr: crate::dr::DrTimeline,
    /// Whether every hard constraint can be kept: `false` when the input
    /// contradicts itself, and then `conflicts` names why and the waves are
    /// only a best effort (never a valid plan: `violations` is not empty).
    #[serde(default = "feasible_by_default")]
    pub feasible: bool,
    /// Constraints that cannot all be kept, each naming what it involves.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

fn feasible_by_default() -> bool {
    true
}

impl Plan {
    /// Checks the plan again against `estate` from scratch, after the
    /// inventory or the placements changed: `violations` becomes what
    /// [`verify_plan`] finds and `metrics.hard_violations` its length. The
    /// one way to re-check a plan, so the two never disagree.
    pub fn reverify(&mut self, estate: &Estate) {
        self.violations = verify_plan(estate, self);
        self.metrics.hard_violations = self.violations.len();
    }

    /// The end of the programme: the last day of the last wave that has a
    /// cutover (an application or a server moves in it); `None` when nothing
    /// moves.
    ///
    /// The calendar ([`PlanConfig::wave_end`]) goes on for as many waves as
    /// the plan lists, and the planner lists none after the last one used, so
    /// for a plan as planned this is the calendar end of its last wave. After
    /// hand moves a trailing wave may be left empty: its column stays on the
    /// board, but the programme ends with the last wave that still moves
    /// something. DR is followed past this day until the last cloud DR is in
    /// place ([`crate::dr::DrTimeline::to`]).
    pub fn programme_end(&self) -> Option<NaiveDate> {
        self.waves.iter().filter(|w| w.has_cutover()).map(|w| w.end).max()
    }
}

impl Plan {
    /// The applications some violation concerns, by name: the cards a board
    /// marks as breaking a rule. Read from each violation's typed
    /// applications, never from its message.
    pub fn violated_applications(&self) -> std::collections::BTreeSet<&str> {
        self.violations.iter().flat_map(|v| v.applications.iter().map(String::as_str)).collect()
    }
}

impl Wave {
    /// Whether anything cuts over in this wave: an application or a server
    /// moves in it.
    pub fn has_cutover(&self) -> bool {
        !self.applications.is_empty() || !self.servers.is_empty()
    }
}

/// Plans the waves of an estate.
///
/// An input whose constraints cannot all be kept comes back with
/// `feasible: false` and the conflicts named; its waves are then a best
/// effort that `violations` shows broken, never a valid plan.
pub fn plan_waves(estate: &Estate, config: &PlanConfig) -> Plan {
    let (problem, prepared) = Problem::build_prepared(estate, config);
    let assignment = assign(estate, &problem, config);
    finish(estate, config, &problem, &prepared, &assignment)
}

/// Where the planner puts each group of a problem, and what it could not keep.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assignment {
    /// Wave of each group (1-based).
    pub waves: Vec<u32>,
    /// Constraints that cannot all be kept (empty: every one holds).
    pub conflicts: Vec<Conflict>,
    /// Per pilot wave (index 0 unused), the applications the planner kept
    /// there at the least: what its packing put there, up to
    /// [`PlanConfig::pilot_applications`] (empty when it kept none).
    pub pilot_floor: Vec<u32>,
    /// Per group, whether a user put it in its wave by hand (empty: none).
    pub by_hand: Vec<bool>,
}

/// Groups in one neighbourhood of the large-neighbourhood search.
const NEIGHBOURHOOD: usize = 12;

/// The planner proper: pack, then improve by local search, on a problem.
pub fn assign(estate: &Estate, problem: &Problem, config: &PlanConfig) -> Assignment {
    let mut conflicts = problem.conflicts.clone();
    let check = search::CutoverCheck::new(estate, config);
    let mut state = search::pack(problem, Some(check), &mut conflicts);
    if conflicts.is_empty() {
        compact(&mut state);
        state.keep_pilot();
        if config.search_passes > 0 {
            // Small problems can afford several searches from the same
            // packing, each visiting groups in another (seeded) order.
            let runs = if problem.groups.len() <= 500 { 8 } else { 1 };
            let mut best: Option<(search::State<'_>, ObjectiveValue)> = None;
            let mut effort = window::Effort::default();
            // Whether the best plan is proven the best within its waves and one more.
            let mut proven = false;
            for run in 0..runs {
                if proven {
                    // Another start reaches no better plan within those waves.
                    break;
                }
                // The first run improves the packing; the others start from
                // packings whose ties are broken at random (seeded).
                let mut trial = if run == 0 {
                    state.clone()
                } else {
                    let mut scratch = Vec::new();
                    let mut empty = search::State::new(problem);
                    empty.cutover = state.cutover.clone();
                    let mut packed =
                        search::pack_shuffled(problem, empty, Some(config.seed.wrapping_add(run)), &mut scratch);
                    if !scratch.is_empty() {
                        continue;
                    }
                    compact(&mut packed);
                    // The pilot keeps what the first packing gave it.
                    packed.pilot_floor = state.pilot_floor.clone();
                    if !packed.pilot_all_kept() {
                        continue;
                    }
                    packed
                };
                search::improve(&mut trial, config.objective, config.seed.wrapping_add(run), config.search_passes);
                if runs > 1 {
                    proven = polish(&mut trial, &mut effort, config, config.seed.wrapping_add(run));
                }
                compact(&mut trial);
                let value = objective::evaluate(problem, &trial.wave);
                if best.as_ref().is_none_or(|(_, b)| objective::compare(config.objective, &value, b).is_lt()) {
                    best = Some((trial, value));
                }
            }
            // A wave opened inside the plan (every later group one wave
            // later, where it may go) and the plan polished again: the trade
            // that spreads a full plan over one wave more, which no window
            // of the plan as it stands reaches.
            if problem.groups.len() <= window::MOST_GROUPS
                && config.objective == ObjectiveKind::TrafficDays
                && let Some((incumbent, value)) = best.take()
            {
                let mut kept = (incumbent, value);
                // Proven within the plan's waves and one more: the whole
                // plan re-solved among two more settles it, as long as
                // that too is proven.
                while proven {
                    let mut trial = kept.0.clone();
                    let outcome = window::reoptimise_plan(&mut trial, &mut effort, 2);
                    proven = outcome.proven;
                    if !outcome.improved {
                        break;
                    }
                    compact(&mut trial);
                    let value = objective::evaluate(problem, &trial.wave);
                    if !objective::compare(config.objective, &value, &kept.1).is_lt() {
                        break;
                    }
                    kept = (trial, value);
                }
                for at in problem.pilot_waves + 1..=kept.0.last {
                    if proven {
                        break;
                    }
                    let mut trial = kept.0.clone();
                    if !window::open_wave(&mut trial, at) {
                        continue;
                    }
                    polish(&mut trial, &mut effort, config, config.seed.wrapping_add(u64::from(at) << 16));
                    compact(&mut trial);
                    let value = objective::evaluate(problem, &trial.wave);
                    if objective::compare(config.objective, &value, &kept.1).is_lt() {
                        kept = (trial, value);
                    }
                }
                best = Some(kept);
            }
            if let Some((trial, _)) = best {
                state = trial;
            }
        }
    }
    let pilot_floor = state.pilot_floor.iter().map(|&x| x.round() as u32).collect();
    Assignment { waves: state.wave, conflicts, pilot_floor, by_hand: Vec::new() }
}

/// The large-neighbourhood search of a small problem (at most 500 groups):
/// the whole plan re-solved exactly when it holds few enough groups, else
/// windows of two to six adjacent waves (as many as hold few enough
/// groups); the groups of every pair and triple of waves; neighbourhoods of
/// related groups; each round followed by the local search, until a round
/// finds nothing better (four rounds at most). Returns whether the whole
/// plan's re-solve proved the plan the best within its waves and one more,
/// which ends the polish at once.
fn polish(trial: &mut search::State<'_>, effort: &mut window::Effort, config: &PlanConfig, seed: u64) -> bool {
    let problem = trial.problem;
    let new_wave = config.objective == ObjectiveKind::TrafficDays;
    let whole = problem.groups.len() <= window::MOST_GROUPS;
    for round in 0..4u64 {
        let seed = seed.wrapping_add(round << 32);
        let mut improved = if whole {
            let outcome = window::reoptimise_plan(trial, effort, u32::from(new_wave));
            if outcome.proven {
                // The best plan within these waves: no smaller window, nor
                // the local search, can do better.
                return true;
            }
            outcome.improved
        } else {
            (2..=6).fold(false, |any, width| any | window::reoptimise_windows(trial, effort, width, new_wave))
        };
        if whole {
            // Pairs and triples of waves: affordable on small problems only
            // (on 193 groups and 21 waves they took a minute).
            improved |= window::reoptimise_wave_sets(trial, effort, new_wave);
        }
        improved |= window::reoptimise_neighbourhoods(trial, effort, NEIGHBOURHOOD, new_wave, seed);
        if !improved {
            break;
        }
        search::improve(trial, config.objective, seed, config.search_passes);
    }
    false
}

/// The baseline planner on a problem (priority-score ordering with capacity
/// fill, see [`search::baseline`]), for the benchmark.
pub fn assign_baseline(estate: &Estate, problem: &Problem, config: &PlanConfig) -> Assignment {
    let mut conflicts = problem.conflicts.clone();
    let state = search::baseline(problem, Some(search::CutoverCheck::new(estate, config)), &mut conflicts);
    Assignment { waves: state.wave, conflicts, pilot_floor: Vec::new(), by_hand: Vec::new() }
}

/// The plan of an estate with its groups in the given waves (as
/// [`assign`], [`assign_baseline`] or an exact model chose them), assembled
/// and verified like any plan.
pub fn plan_from_assignment(estate: &Estate, config: &PlanConfig, assignment: &Assignment) -> Plan {
    let (problem, prepared) = Problem::build_prepared(estate, config);
    finish(estate, config, &problem, &prepared, assignment)
}

/// The plan of groups put in their waves by hand (the desktop board's drag,
/// through [`PlanSession::plan`]): assembled and verified like any plan, but
/// what it breaks is the user's choice, not a planner failure, so it is
/// reported in `violations` only, without an `internal` conflict.
pub(crate) fn plan_by_hand(estate: &Estate, config: &PlanConfig, assignment: &Assignment) -> Plan {
    let (problem, prepared) = Problem::build_prepared(estate, config);
    let mut plan = finish(estate, config, &problem, &prepared, assignment);
    plan.conflicts.retain(|c| c.kind != ViolationKind::Internal);
    plan.feasible = plan.conflicts.is_empty() && plan.violations.is_empty();
    plan
}

fn finish(
    estate: &Estate,
    config: &PlanConfig,
    problem: &Problem,
    prepared: &Prepared,
    assignment: &Assignment,
) -> Plan {
    let mut state = search::State::from_waves(problem, &assignment.waves);
    state.cutover = Some(search::CutoverCheck::new(estate, config));
    let mut conflicts = assignment.conflicts.clone();
    for conflict in &mut conflicts {
        conflict.name_applications(estate, problem);
    }
    let by_hand = |g: u32| assignment.by_hand.get(g as usize).copied().unwrap_or(false);
    let reasons = (0..problem.groups.len() as u32).map(|g| session::reasons(&state, g, by_hand(g))).collect();
    let mut plan = assemble(estate, config, problem, prepared, &state.wave, reasons);
    for app in &mut plan.applications {
        app.moved_by_hand = by_hand(app.move_group);
    }
    plan.feasible = conflicts.is_empty();
    plan.conflicts = conflicts;
    annotate(estate, &mut plan);
    plan.reverify(estate);
    if plan.feasible && !plan.violations.is_empty() {
        // The planner believed the plan valid and the verifier disagrees: a
        // bug, but the plan must not pass for valid.
        plan.feasible = false;
        plan.conflicts.push(Conflict::new(
            ViolationKind::Internal,
            "the planner could not keep every constraint; the violations list what is broken".into(),
            &[],
            Vec::new(),
            Vec::new(),
        ));
    }
    plan
}

/// Annotations that read the assembled plan (downtime per wave, DR timeline):
/// the one place where they are added, before the plan is verified.
fn annotate(estate: &Estate, plan: &mut Plan) {
    let config = plan.config.clone();
    // Cutover tracks and replication dates, then DR through the programme (which reads them).
    crate::downtime::schedule_waves(estate, &config, plan);
    crate::dr::annotate(estate, &config, plan);
}

/// Removes empty waves before the last one where every later group can
/// move one wave earlier without breaking anything.
fn compact(state: &mut search::State<'_>) {
    let p = state.problem;
    let mut w = 1;
    while w < state.last {
        if !state.members[w as usize].is_empty() {
            w += 1;
            continue;
        }
        let later: Vec<u32> = (w + 1..=state.last).flat_map(|x| state.members[x as usize].clone()).collect();
        let mut trial = state.clone();
        for &g in &later {
            trial.remove(g);
        }
        let mut ok = true;
        // Re-place wave by wave so capacity and keep-apart are checked against the new neighbours.
        let mut by_wave = later.clone();
        by_wave.sort_by_key(|&g| (state.wave[g as usize], g));
        for &g in &by_wave {
            let to = state.wave[g as usize] - 1;
            if !p.allowed(g, to) || trial.room(g, to, None).is_some() {
                ok = false;
                break;
            }
            trial.place(g, to);
        }
        let shifted: Vec<u32> = (w..state.last).collect();
        if ok
            && (0..p.groups.len() as u32).all(|g| trial.block(g, trial.wave[g as usize], None).is_none())
            && trial.waves_fit(&shifted)
        {
            *state = trial;
        } else {
            w += 1;
        }
    }
}

fn assemble(
    estate: &Estate,
    config: &PlanConfig,
    problem: &Problem,
    prepared: &Prepared,
    wave_of: &[u32],
    mut reasons: Vec<Vec<String>>,
) -> Plan {
    let Prepared { graph, groups, server_count_of_unit, storage_of_unit } = prepared;
    let unit_wave = |unit: UnitId| wave_of[groups.group_of[unit.index()].index()];
    let mut warnings = Vec::new();
    let pilot_waves = problem.pilot_waves;
    let wave_count = wave_of.iter().copied().max().unwrap_or(0);
    let mut waves: Vec<Wave> = (1..=wave_count)
        .map(|index| Wave {
            index,
            name: if index <= pilot_waves { format!("Wave {index} (pilot)") } else { format!("Wave {index}") },
            start: config.wave_start(index),
            end: config.wave_end(index),
            pilot: index <= pilot_waves,
            applications: Vec::new(),
            servers: Vec::new(),
            storage_gb: 0.0,
            downtime_minutes: 0,
            downtime_longest_minutes: 0,
            schedule: Default::default(),
        })
        .collect();

    for server_id in estate.server_ids() {
        if let Place::Moves(unit) = graph.server_place[server_id.index()] {
            waves[unit_wave(unit) as usize - 1].servers.push(estate.server(server_id).name.clone());
        }
    }

    // Move group summaries, with their reasons added to every member's.
    let mut move_groups = Vec::with_capacity(groups.groups.len());
    for (i, group) in groups.groups.iter().enumerate() {
        let members: Vec<String> =
            group.units.iter().map(|&u| problem::unit_name(estate, graph.units[u.index()]).to_string()).collect();
        let glue: Vec<String> = group
            .reasons
            .iter()
            .map(|reason| match reason {
                GlueReason::SharedMember { member } => format!("they share '{member}'"),
                GlueReason::Cycle => "they depend on each other in a cycle".into(),
                GlueReason::Constraint => "a move-together constraint".into(),
                GlueReason::TogetherRule => "the precedence rules move this kind of dependency together".into(),
            })
            .collect();
        if members.len() > 1 {
            reasons[i].push(format!("moves together with {} because {}", members.join(", "), glue.join(" and ")));
        }
        move_groups.push(MoveGroupSummary {
            index: i as u32,
            wave: wave_of[i],
            servers: group.units.iter().map(|u| server_count_of_unit[u.index()]).sum(),
            members,
            reasons: glue,
        });
    }

    // Applications: downtime, window, DR, reasons.
    let mut applications = Vec::new();
    for (unit_index, unit) in graph.units.iter().enumerate() {
        let unit_id = UnitId(unit_index as u32);
        let wave = unit_wave(unit_id);
        let w = &mut waves[wave as usize - 1];
        w.storage_gb += storage_of_unit[unit_index];
        let Unit::Application(app_id) = *unit else { continue };
        let app = estate.application(app_id);
        let downtime = estimate_downtime(estate, app_id, &config.downtime);
        let window = app.maintenance_window.as_ref();
        let cutover = window.and_then(|win| problem::cutover_in_wave(config, Some(win), wave));
        let fits_window = window.map(|win| downtime.minutes <= win.minutes);
        w.applications.push(app.name.clone());
        w.downtime_minutes += u64::from(downtime.minutes);
        w.downtime_longest_minutes = w.downtime_longest_minutes.max(downtime.minutes);
        let (before, after) = (dr::posture_before(app), dr::posture_after(app));
        applications.push(Placement {
            name: app.name.clone(),
            wave,
            move_group: groups.group_of[unit_index].0,
            strategy: app.strategy(),
            tier: app.tier(),
            environment: app.environment(),
            servers: server_count_of_unit[unit_index],
            storage_gb: storage_of_unit[unit_index],
            maintenance_window: window.map(ToString::to_string),
            cutover,
            fits_window,
            dr_before: before,
            dr_after: after,
            dr_meets_before: config.dr.meets(app, before),
            dr_meets_after: config.dr.meets(app, after),
            reasons: reasons[groups.group_of[unit_index].index()].clone(),
            downtime,
            schedule: Default::default(),
            moved_by_hand: false,
        });
    }

    let mut not_migrating = Vec::new();
    for app_id in estate.app_ids() {
        let app = estate.application(app_id);
        let reason = match app.strategy() {
            Strategy::Retire => "retire: decommissioned instead of migrated",
            Strategy::Retain => "retain: stays on premises",
            _ => continue,
        };
        not_migrating.push(NotMigrating { name: app.name.clone(), kind: "application".into(), reason: reason.into() });
    }
    for server_id in estate.server_ids() {
        let server = estate.server(server_id);
        let reason = match graph.server_place[server_id.index()] {
            Place::StaysOnPremises if server.is_device() => {
                "device: medical and IoT devices stay on premises".to_string()
            }
            Place::StaysOnPremises => "belongs to a retained application".to_string(),
            Place::Retired => "belongs to a retired application".to_string(),
            _ => continue,
        };
        let kind = if server.is_device() { "device" } else { "server" };
        not_migrating.push(NotMigrating { name: server.name.clone(), kind: kind.into(), reason });
    }

    // DR coverage at every wave boundary.
    let app_wave: HashMap<AppId, u32> = graph
        .units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| if let Unit::Application(a) = *u { Some((a, unit_wave(UnitId(i as u32)))) } else { None })
        .collect();
    let counted: Vec<AppId> =
        estate.app_ids().filter(|&a| estate.application(a).strategy() != Strategy::Retire).collect();
    let dr_coverage: Vec<Coverage> = (0..=wave_count)
        .map(|boundary| {
            dr::coverage(
                boundary,
                counted.iter().map(|&a| {
                    let app = estate.application(a);
                    let moved = app_wave.get(&a).is_some_and(|&w| w <= boundary);
                    let posture = if moved { dr::posture_after(app) } else { dr::posture_before(app) };
                    (app.tier(), config.dr.meets(app, posture))
                }),
            )
        })
        .collect();

    // Figures.
    let relaxed: std::collections::HashSet<usize> = groups.relaxed_edges.iter().copied().collect();
    let mut metrics = Metrics {
        waves: wave_count,
        applications_migrating: applications.len(),
        servers_migrating: waves.iter().map(|w| w.servers.len()).sum(),
        move_groups: groups.groups.len(),
        largest_move_group: groups.groups.iter().map(|g| g.units.len()).max().unwrap_or(0),
        cycles: groups.cycles_found,
        relaxed_dependencies: relaxed.len(),
        ..Metrics::default()
    };
    let days = f64::from(config.wave_days.max(1));
    // Cross-wave, hybrid and external as `link.rs` defines them, over the
    // unit graph's links (the plan's own waves, before it is assembled).
    for edge in &graph.edges {
        let span = LinkSpan { from: LinkSide::Wave(unit_wave(edge.from)), to: LinkSide::Wave(unit_wave(edge.to)) };
        if let Some(period) = span.hybrid_period() {
            metrics.cross_wave_dependencies += edge.count as usize;
            metrics.hybrid_traffic_days += edge.weight * f64::from(period.waves_until(wave_count)) * days;
        }
    }
    for link in &graph.staying_links {
        let span =
            LinkSpan { from: LinkSide::Wave(unit_wave(link.unit)), to: LinkSide::of_place(link.other, unit_wave) };
        if span.is_external() {
            metrics.external_dependencies += 1;
        } else if let Some(period) = span.hybrid_period() {
            metrics.hybrid_dependencies += 1;
            metrics.hybrid_traffic_days += link.weight * f64::from(period.waves_until(wave_count)) * days;
        }
    }
    metrics.downtime_total_minutes = waves.iter().map(|w| w.downtime_minutes).sum();
    metrics.downtime_longest_minutes = waves.iter().map(|w| w.downtime_longest_minutes).max().unwrap_or(0);
    metrics.windows_exceeded = applications.iter().filter(|a| a.fits_window == Some(false)).count();
    metrics.dr_coverage_before = dr_coverage.first().map_or(1.0, |c| c.share);
    metrics.dr_coverage_after = dr_coverage.last().map_or(1.0, |c| c.share);
    metrics.dr_gaps_after = counted
        .iter()
        .filter(|&&a| {
            let app = estate.application(a);
            let posture = if app_wave.contains_key(&a) { dr::posture_after(app) } else { dr::posture_before(app) };
            !config.dr.meets(app, posture)
        })
        .count();

    // Runs of waves with no cutover, said once per run.
    let mut i = 0;
    while i < waves.len() {
        let empty = |w: &Wave| w.applications.is_empty() && w.servers.is_empty();
        if !empty(&waves[i]) {
            i += 1;
            continue;
        }
        let first = i;
        while i < waves.len() && empty(&waves[i]) {
            i += 1;
        }
        let (a, b) = (&waves[first], &waves[i - 1]);
        let (span, verb) = if first == i - 1 {
            (format!("Wave {}", a.index), "has")
        } else {
            (format!("Waves {}-{}", a.index, b.index), "have")
        };
        let blackout: Vec<&str> =
            config.blackouts.iter().filter(|x| x.start <= b.end && x.end >= a.start).map(|x| x.name.as_str()).collect();
        warnings.push(if blackout.is_empty() {
            format!(
                "{span} ({} to {}) {} no cutover: {}",
                a.start,
                b.end,
                verb,
                what_waits(estate, waves.get(i), b.start)
            )
        } else {
            format!("{span} ({} to {}) {} no cutover: blackout {}", a.start, b.end, verb, blackout.join(", "))
        });
    }

    let value = objective::evaluate(problem, wave_of);
    metrics.objective_traffic_days = value.traffic_days;
    metrics.objective_traffic_days_between_waves = value.between_waves;
    metrics.objective_traffic_days_on_premises = value.on_premises;
    metrics.cut_weight = value.cut_weight;
    metrics.imbalance = value.imbalance;

    let mut plan = Plan {
        config: config.clone(),
        waves,
        applications,
        move_groups,
        not_migrating,
        dr_coverage,
        violations: Vec::new(),
        warnings,
        metrics,
        dr: Default::default(),
        feasible: true,
        conflicts: Vec::new(),
    };
    plan.metrics.programme_end = plan.programme_end();
    plan
}

/// What the first wave after a run of empty waves waits for: the
/// not-before dates after the run, and the pins to that wave, of the
/// applications in it, named with their reasons, so a planner sees which
/// constraint leaves the waves empty.
fn what_waits(estate: &Estate, next: Option<&Wave>, last_empty_start: NaiveDate) -> String {
    let Some(next) = next else { return "nothing follows in the plan".into() };
    let mut held: Vec<String> = Vec::new();
    for constraint in &estate.constraints {
        let (app, said) = match constraint {
            // A date after the last empty wave's start keeps the application out of it.
            Constraint::NotBefore { app, date, reason } if *date > last_empty_start => {
                (*app, format!("not-before {date} on '{}'", estate.application(*app).name) + &because(reason))
            }
            Constraint::PinWave { app, wave, reason } if *wave == next.index => {
                (*app, format!("'{}' pinned to wave {wave}", estate.application(*app).name) + &because(reason))
            }
            _ => continue,
        };
        if next.applications.iter().any(|name| *name == estate.application(app).name) {
            held.push(said);
        }
    }
    if held.is_empty() {
        return "what follows waits for a date constraint".into();
    }
    let more = held.len().saturating_sub(3);
    held.truncate(3);
    let tail = if more > 0 { format!(", and {more} more") } else { String::new() };
    format!("wave {} waits for {}{tail}", next.index, held.join("; "))
}

/// `: reason`, or nothing.
fn because(reason: &Option<String>) -> String {
    reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, Constraint, Dependency, DependencyKind, Endpoint, Protocol, Server, ServerId};
    use chrono::Datelike;
    use proptest::prelude::{ProptestConfig, Strategy as Generator, prop_assert_eq, proptest};

    /// An estate of `apps` applications with `servers_each` servers, and
    /// dependencies between applications' first servers.
    fn estate(apps: usize, servers_each: usize, deps: &[(usize, usize)]) -> Estate {
        let mut estate = Estate::default();
        for a in 0..apps {
            let mut app = Application { name: format!("app{a:02}"), ..Application::default() };
            for s in 0..servers_each {
                app.servers.push(ServerId(estate.servers.len() as u32));
                estate.servers.push(Server {
                    name: format!("app{a:02}-srv{s}"),
                    disk_used_gb: Some(100.0),
                    ..Server::default()
                });
            }
            estate.applications.push(app);
        }
        for &(from, to) in deps {
            estate.dependencies.push(Dependency {
                from: Endpoint::Server(ServerId((from * servers_each) as u32)),
                to: Endpoint::Server(ServerId((to * servers_each) as u32)),
                port: Some(443),
                protocol: Protocol::Tcp,
                kind: DependencyKind::Observed,
                weight: 1000.0,
                latency_sensitive: false,
                infrastructure: None,
                first_seen: None,
                last_seen: None,
                source: "test".into(),
            });
        }
        estate
    }

    fn wave_of(plan: &Plan, app: &str) -> u32 {
        plan.applications.iter().find(|p| p.name == app).map(|p| p.wave).unwrap()
    }

    #[test]
    fn dependency_targets_move_first_and_capacity_splits_waves() {
        // app00 depends on app01, which depends on app02; 3 servers each, 4 per wave.
        let e = estate(3, 3, &[(0, 1), (1, 2)]);
        let config = PlanConfig { max_servers_per_wave: Some(4), pilot_applications: 0, ..PlanConfig::default() };
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        assert_eq!((wave_of(&plan, "app02"), wave_of(&plan, "app01"), wave_of(&plan, "app00")), (1, 2, 3));
        let reasons = &plan.applications[0].reasons;
        assert!(reasons.iter().any(|r| r.contains("wave 2 is full (3 of 4 servers taken)")), "{reasons:?}");
        assert!(plan.applications[1].reasons.iter().any(|r| r.contains("wave 1 is full")));
        assert_eq!(plan.waves[0].start, config.start);
        assert_eq!(plan.waves[1].start, config.start + Duration::days(14));
        assert_eq!(plan.metrics.cross_wave_dependencies, 2);
    }

    #[test]
    fn pilot_takes_small_non_production_apps_only() {
        let mut e = estate(4, 1, &[]);
        e.applications[0].environment = Some(Environment::Test);
        e.applications[1].environment = Some(Environment::Development);
        e.applications[1].tier = Some(Tier::MissionCritical);
        let plan = plan_waves(&e, &PlanConfig::default());
        assert!(plan.waves[0].pilot);
        assert_eq!(plan.waves[0].applications, ["app00"]);
        assert!(plan.waves.iter().skip(1).all(|w| !w.applications.contains(&"app00".to_string())));
        assert_eq!(plan.metrics.hard_violations, 0);
    }

    #[test]
    fn constraints_hold_and_broken_ones_are_reported() {
        let mut e = estate(4, 1, &[(0, 1)]);
        e.constraints.push(Constraint::KeepApart { a: AppId(2), b: AppId(3), reason: None });
        e.constraints.push(Constraint::Before { first: AppId(3), then: AppId(2), reason: None });
        e.constraints.push(Constraint::PinWave { app: AppId(1), wave: 3, reason: Some("vendor on site".into()) });
        let config = PlanConfig { pilot_applications: 0, ..PlanConfig::default() };
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        assert!(wave_of(&plan, "app03") < wave_of(&plan, "app02"));
        assert_eq!(wave_of(&plan, "app01"), 3);
        assert!(wave_of(&plan, "app00") >= 3);

        // app00 depends on app01, so "app00 before app01" cannot hold: the
        // plan says infeasible and names both, never passes for valid.
        e.constraints.push(Constraint::Before { first: AppId(0), then: AppId(1), reason: None });
        let plan = plan_waves(&e, &config);
        assert!(!plan.feasible);
        assert!(plan.metrics.hard_violations > 0);
        assert!(
            plan.violations.iter().any(|v| v.kind == ViolationKind::Before || v.kind == ViolationKind::Precedence),
            "{:?}",
            plan.violations
        );
        let conflict = &plan.conflicts[0];
        assert!(
            conflict.message.contains("'app01' must move before")
                || conflict.message.contains("'app00' must move before"),
            "{conflict:?}"
        );
        assert!(
            conflict.involves.contains(&"app00".to_string()) && conflict.involves.contains(&"app01".to_string()),
            "{conflict:?}"
        );
    }

    #[test]
    fn a_violation_concerns_the_applications_and_groups_of_its_rule_and_reverify_counts_it() {
        let mut e = estate(4, 1, &[]);
        let config = PlanConfig { pilot_applications: 0, ..PlanConfig::default() };
        let mut plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        // The inventory changes after planning: app02 and app03 are now kept apart.
        let (w2, w3) = (wave_of(&plan, "app02"), wave_of(&plan, "app03"));
        e.constraints.push(Constraint::KeepApart { a: AppId(2), b: AppId(3), reason: None });
        e.constraints.push(Constraint::PinWave { app: AppId(0), wave: wave_of(&plan, "app00") + 1, reason: None });
        plan.reverify(&e);
        assert_eq!(plan.metrics.hard_violations, plan.violations.len());
        let pin = plan.violations.iter().find(|v| v.kind == ViolationKind::PinWave).expect("the pin is broken");
        let group_of = |name: &str| plan.applications.iter().find(|a| a.name == name).unwrap().move_group as usize;
        assert_eq!(
            (pin.applications.as_slice(), pin.groups.as_slice()),
            (&["app00".to_string()][..], &[group_of("app00")][..])
        );
        let apart = plan.violations.iter().filter(|v| v.kind == ViolationKind::KeepApart).collect::<Vec<_>>();
        if w2 == w3 {
            assert_eq!(apart.len(), 1);
            assert_eq!(apart[0].applications, ["app02", "app03"]);
            let mut groups = vec![group_of("app02"), group_of("app03")];
            groups.sort_unstable();
            groups.dedup();
            assert_eq!(apart[0].groups, groups);
        } else {
            assert!(apart.is_empty());
        }
        assert_eq!(plan.violated_applications().into_iter().collect::<Vec<_>>(), {
            let mut v = vec!["app00"];
            if w2 == w3 {
                v.extend(["app02", "app03"]);
            }
            v
        });
        // Conflicts carry their applications too, typed.
        e.constraints.push(Constraint::Before { first: AppId(0), then: AppId(0), reason: None });
        let infeasible = plan_waves(&e, &config);
        let before = infeasible.conflicts.iter().find(|c| c.kind == ViolationKind::Before).expect("a before conflict");
        assert_eq!(before.applications, ["app00"]);
    }

    #[test]
    fn the_programme_ends_with_the_last_wave_that_moves_something() {
        let e = estate(3, 1, &[]);
        // One server a wave: three waves.
        let config = PlanConfig { pilot_applications: 0, max_servers_per_wave: Some(1), ..PlanConfig::default() };
        let mut plan = plan_waves(&e, &config);
        assert_eq!(plan.waves.len(), 3);
        let last = plan.waves.last().unwrap().clone();
        // As planned: the last wave listed, which the metric and the DR timeline share.
        assert_eq!(plan.programme_end(), Some(last.end));
        assert_eq!(plan.metrics.programme_end, Some(last.end));
        assert!(plan.dr.to >= plan.programme_end());
        // A trailing wave emptied by hand no longer counts; an empty plan has no end.
        plan.waves.last_mut().unwrap().applications.clear();
        plan.waves.last_mut().unwrap().servers.clear();
        let before_last = plan.waves.iter().rev().skip(1).find(|w| w.has_cutover()).map(|w| w.end);
        assert!(before_last < Some(last.end));
        assert_eq!(plan.programme_end(), before_last);
        for wave in &mut plan.waves {
            wave.applications.clear();
            wave.servers.clear();
        }
        assert_eq!(plan.programme_end(), None);
    }

    #[test]
    fn a_plan_saved_before_violations_were_typed_still_loads() {
        let e = estate(3, 1, &[]);
        let mut plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        plan.violations = vec![Violation::new(
            ViolationKind::PinWave,
            "'app01' is pinned to wave 3 but moves in wave 1".into(),
            vec!["app01".into()],
            vec![1],
        )];
        plan.conflicts = vec![Conflict::new(
            ViolationKind::Capacity,
            "too big".into(),
            &["app00 + app01"],
            vec!["app00".into()],
            vec![0],
        )];
        // The previous shape: `constraint` and `message` only, `involves` on a conflict.
        let mut json = serde_json::to_value(&plan).unwrap();
        json["violations"] = serde_json::json!([
            {"constraint": "pin-wave", "message": "'app01' is pinned to wave 3 but moves in wave 1"}
        ]);
        json["conflicts"] = serde_json::json!([
            {"constraint": "capacity", "message": "too big", "involves": ["app00 + app01"]}
        ]);
        let old: Plan = serde_json::from_value(json).unwrap();
        assert_eq!(old.violations[0].kind, ViolationKind::PinWave);
        assert!(old.violations[0].applications.is_empty() && old.violations[0].groups.is_empty());
        assert_eq!(old.conflicts[0].kind, ViolationKind::Capacity);
        assert_eq!(old.conflicts[0].involves, ["app00 + app01"]);
        assert_eq!((old.waves, old.applications), (plan.waves, plan.applications));
    }

    #[test]
    fn two_pins_that_overflow_their_wave_are_infeasible_and_named_never_a_plan() {
        // The smallest estate of the kind the benchmark met (seeds 12035 and
        // 12058): two applications of 3 servers pinned to one wave that takes 4.
        let mut e = estate(2, 3, &[]);
        for app in 0..2 {
            e.constraints.push(Constraint::PinWave { app: AppId(app), wave: 2, reason: Some("vendor on site".into()) });
        }
        let config = PlanConfig { max_servers_per_wave: Some(4), pilot_applications: 0, ..PlanConfig::default() };
        let plan = plan_waves(&e, &config);
        assert!(!plan.feasible);
        assert!(!plan.violations.is_empty() && plan.violations.iter().all(|v| v.kind != ViolationKind::Internal));
        let conflict = plan.conflicts.iter().find(|c| c.kind == ViolationKind::Capacity).expect("a capacity conflict");
        assert!(
            conflict.message.contains(
                "must move in wave 2 but wave 2 has no room (wave 2: no room for its 3 servers, 3 of 4 taken by"
            ),
            "{conflict:?}"
        );
        assert_eq!(conflict.involves, ["app00", "app01"], "{conflict:?}");
        assert!(conflict.message.contains("'app00'") && conflict.message.contains("'app01'"), "{conflict:?}");
        // The what-if session of that plan sees the same: infeasible, the conflict named.
        let again = PlanSession::new(&e, &plan).plan();
        assert!(!again.feasible);
        assert_eq!(again.conflicts, plan.conflicts);
        assert_eq!(again.violations, plan.violations);
    }

    #[test]
    fn the_pilot_keeps_the_applications_asked_for() {
        // Five small test applications that talk to the production ones: the
        // search would rather move them next to those, but the pilot keeps
        // the three it was asked for.
        let mut e = estate(8, 1, &[(5, 0), (6, 1), (7, 2), (5, 3), (6, 4)]);
        for app in 0..5 {
            e.applications[app].environment = Some(Environment::Test);
        }
        let config = PlanConfig { max_servers_per_wave: Some(3), pilot_applications: 3, ..PlanConfig::default() };
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        assert!(plan.waves[0].pilot);
        assert_eq!(plan.waves[0].applications.len(), 3, "{:?}", plan.waves[0]);
    }

    #[test]
    fn dependencies_classified_as_infrastructure_do_not_hold_back() {
        // app00 calls app01 only on DNS: app01 can move after app00.
        let mut e = estate(2, 1, &[(0, 1)]);
        e.dependencies[0].infrastructure = Some("dns".into());
        e.constraints.push(Constraint::Before { first: AppId(0), then: AppId(1), reason: None });
        let plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        assert!(wave_of(&plan, "app00") < wave_of(&plan, "app01"));
        assert_eq!(plan.metrics.cross_wave_dependencies, 1);
    }

    #[test]
    fn retained_and_device_links_are_hybrid() {
        let mut e = estate(2, 1, &[(0, 1)]);
        e.applications[1].strategy = Some(Strategy::Retain);
        e.servers.push(Server {
            name: "pump-gw".into(),
            kind: Some(crate::model::ServerKind::Device),
            ..Server::default()
        });
        let mut link = e.dependencies[0].clone();
        link.to = Endpoint::Server(ServerId(2));
        e.dependencies.push(link);
        let plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        assert_eq!(plan.metrics.hybrid_dependencies, 2);
        assert_eq!(plan.waves.len(), 1);
        let kinds: Vec<(&str, &str)> = plan.not_migrating.iter().map(|n| (n.name.as_str(), n.kind.as_str())).collect();
        assert_eq!(kinds, [("app01", "application"), ("app01-srv0", "server"), ("pump-gw", "device")]);
    }

    #[test]
    fn cutovers_avoid_blackouts_and_open_windows() {
        // Four one-week waves; the window opens on Sundays; wave 2's Sunday is in a blackout.
        let mut e = estate(3, 1, &[]);
        for app in &mut e.applications {
            app.maintenance_window = Some(crate::model::MaintenanceWindow::parse("Sun 01:00-05:00").unwrap());
        }
        let config = PlanConfig {
            wave_days: 7,
            max_servers_per_wave: Some(1),
            pilot_applications: 0,
            blackouts: vec![Blackout {
                name: "go-live".into(),
                start: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
                end: NaiveDate::from_ymd_opt(2027, 1, 20).unwrap(),
            }],
            ..PlanConfig::default()
        };
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        let waves: Vec<u32> = plan.applications.iter().map(|a| a.wave).collect();
        assert!(!waves.contains(&2), "{waves:?}");
        for app in &plan.applications {
            let cutover = app.cutover.unwrap();
            assert!(!config.blackouts[0].covers(cutover.date()));
            assert_eq!(cutover.date().weekday(), chrono::Weekday::Sun);
        }
        assert!(plan.warnings.iter().any(|w| w.contains("Wave 2") && w.contains("go-live")), "{:?}", plan.warnings);
    }

    #[test]
    fn mission_critical_stays_out_of_the_pilot_and_a_pin_there_is_a_conflict() {
        let mut e = estate(3, 1, &[]);
        e.applications[0].environment = Some(Environment::Test);
        e.applications[1].tier = Some(Tier::MissionCritical);
        let plan = plan_waves(&e, &PlanConfig::default());
        assert!(plan.waves[0].pilot);
        assert!(!plan.waves[0].applications.contains(&"app01".to_string()));
        e.constraints.push(Constraint::PinWave { app: AppId(1), wave: 1, reason: Some("vendor".into()) });
        let plan = plan_waves(&e, &PlanConfig::default());
        assert!(!plan.feasible);
        assert!(
            plan.conflicts.iter().any(|c| c.kind == ViolationKind::Pilot && c.message.contains("mission-critical")),
            "{:?}",
            plan.conflicts
        );
    }

    #[test]
    fn an_application_moved_by_hand_into_the_pilot_is_explained_by_the_move_not_the_pilot() {
        let mut e = estate(3, 1, &[(1, 2)]);
        e.applications[0].environment = Some(Environment::Test);
        e.applications[1].tier = Some(Tier::MissionCritical);
        let planned = plan_waves(&e, &PlanConfig::default());
        let pilot = "pilot: a small, low-risk, non-production application";
        let reasons = |plan: &Plan, app: &str| plan.applications.iter().find(|a| a.name == app).unwrap().clone();
        assert!(reasons(&planned, "app00").reasons.iter().any(|r| r.starts_with(pilot)), "{planned:?}");
        assert!(planned.applications.iter().all(|a| !a.moved_by_hand));
        // The user drags the mission-critical app01 into the pilot wave.
        let mut session = PlanSession::new(&e, &planned);
        session.apply("app01", 1).unwrap();
        let moved = session.plan();
        let app01 = reasons(&moved, "app01");
        assert_eq!(app01.wave, 1);
        assert!(app01.moved_by_hand);
        assert!(!app01.reasons.iter().any(|r| r.starts_with(pilot)), "{:?}", app01.reasons);
        assert_eq!(app01.reasons[0], "moved to wave 1 by hand on the board: the planner did not put it here");
        assert!(app01.reasons.iter().any(|r| r.starts_with("this breaks a constraint (pilot)")), "{:?}", app01.reasons);
        assert!(moved.violations.iter().any(|v| v.kind == ViolationKind::Pilot));
        // What the planner put in the pilot keeps its reason.
        let app00 = reasons(&moved, "app00");
        assert!(!app00.moved_by_hand);
        assert!(app00.reasons.iter().any(|r| r.starts_with(pilot)), "{:?}", app00.reasons);
        // The plan saved and opened again still knows the move was the user's.
        let reopened: Plan = serde_json::from_str(&serde_json::to_string(&moved).unwrap()).unwrap();
        let explained = PlanSession::new(&e, &reopened).explain("app01").unwrap();
        assert_eq!(
            explained.holds,
            app01.reasons.iter().filter(|r| !r.starts_with("not earlier")).cloned().collect::<Vec<_>>()
        );
        // Moved later by hand: the move, and what would let it go earlier.
        let mut session = PlanSession::new(&e, &planned);
        let from = reasons(&planned, "app02").wave;
        session.apply("app02", from + 2).unwrap();
        let explained = session.explain("app02").unwrap();
        assert!(explained.holds[0].starts_with(&format!("moved to wave {} by hand", from + 2)), "{explained:?}");
        assert!(explained.to_move_earlier.first().is_some_and(|w| w.starts_with(&format!("wave {}: ", from + 1))));
        // A re-plan is the planner's again.
        assert!(plan_waves(&e, &PlanConfig::default()).applications.iter().all(|a| !a.moved_by_hand));
    }

    #[test]
    fn databases_first_and_together_rules() {
        // app00 calls app01's database server.
        let mut e = estate(2, 1, &[(0, 1)]);
        e.datastores.push(crate::model::DataStore {
            name: "db".into(),
            server: Some(ServerId(1)),
            size_gb: Some(10.0),
            ..Default::default()
        });
        e.applications[1].datastores.push(crate::model::DataStoreId(0));
        let mut config = PlanConfig { pilot_applications: 0, ..PlanConfig::default() };
        config.precedence.database = PrecedenceRule::Earlier;
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        assert!(wave_of(&plan, "app01") < wave_of(&plan, "app00"));
        config.precedence.database = PrecedenceRule::Together;
        let plan = plan_waves(&e, &config);
        assert_eq!(wave_of(&plan, "app01"), wave_of(&plan, "app00"));
        assert_eq!(plan.metrics.move_groups, 1);
    }

    #[test]
    fn waves_left_empty_name_the_date_or_pin_that_holds_the_next_wave() {
        // Waves of 14 days from 2027-01-04: a not-before 2027-03-01 keeps
        // app01 out of every wave that starts before it (waves 2 to 4 are
        // empty), and the warning names it, with its reason.
        let mut e = estate(2, 1, &[]);
        e.constraints.push(Constraint::NotBefore {
            app: AppId(1),
            date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            reason: Some("year-end close".into()),
        });
        let plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        assert_eq!(wave_of(&plan, "app01"), 5);
        let said: Vec<&String> = plan.warnings.iter().filter(|w| w.contains("no cutover")).collect();
        assert_eq!(
            said,
            [
                "Waves 2-4 (2027-01-18 to 2027-02-28) have no cutover: wave 5 waits for not-before 2027-03-01 on 'app01' (year-end close)"
            ]
        );
        // A pin to a later wave is named the same way.
        let mut e = estate(2, 1, &[]);
        e.constraints.push(Constraint::PinWave { app: AppId(1), wave: 3, reason: None });
        let plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        assert!(
            plan.warnings.iter().any(|w| w.ends_with("no cutover: wave 3 waits for 'app01' pinned to wave 3")),
            "{:?}",
            plan.warnings
        );
    }

    #[test]
    fn every_capacity_holds_and_a_deadline_before_the_earliest_wave_is_a_conflict() {
        let e = estate(6, 1, &[]);
        let config = PlanConfig { max_applications_per_wave: Some(2), pilot_applications: 0, ..PlanConfig::default() };
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0);
        assert!(plan.waves.iter().all(|w| w.applications.len() <= 2));
        assert_eq!(plan.waves.len(), 3);
        let config =
            PlanConfig { max_cutover_hours_per_wave: Some(1.0), pilot_applications: 0, ..PlanConfig::default() };
        let plan = plan_waves(&e, &config);
        assert!(plan.waves.iter().all(|w| w.downtime_minutes <= 60), "{:?}", plan.waves);
        // app00 depends on app01, which may not move before March, but app00 must move in January.
        let mut e = estate(2, 1, &[(0, 1)]);
        e.constraints.push(Constraint::NotBefore {
            app: AppId(1),
            date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            reason: Some("contract".into()),
        });
        e.constraints.push(Constraint::NotAfter {
            app: AppId(0),
            date: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            reason: None,
        });
        let plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        assert!(!plan.feasible);
        let conflict = &plan.conflicts[0];
        assert_eq!(conflict.kind, ViolationKind::NotAfter);
        assert!(conflict.message.contains("'app01' must not move before 2027-03-01: contract"), "{}", conflict.message);
        assert!(conflict.message.contains("'app00' must move by 2027-01-31"), "{}", conflict.message);
        // Each said the way the dependency runs: app00 waits for app01.
        let messages: Vec<&str> = plan.conflicts.iter().map(|c| c.message.as_str()).collect();
        assert!(messages[0].contains("'app00' cannot move before wave 5 because it waits for 'app01'"), "{messages:?}");
        assert!(
            messages.iter().any(|m| m.starts_with("'app01' cannot move before")
                && m.contains("because 'app00' waits for it, and 'app00' must move by 2027-01-31")),
            "{messages:?}"
        );
        assert!(messages.iter().all(|m| !m.contains("it waits for 'app00'")), "{messages:?}");
    }

    fn arbitrary_estate() -> impl Generator<Value = (Estate, u32)> {
        (2usize..30, 1usize..4, proptest::collection::vec((0usize..30, 0usize..30), 0..60), 1u32..8).prop_map(
            |(apps, servers, deps, capacity)| {
                let deps: Vec<(usize, usize)> =
                    deps.into_iter().map(|(a, b)| (a % apps, b % apps)).filter(|(a, b)| a != b).collect();
                let mut e = estate(apps, servers, &deps);
                // A few shared servers and non-migrating applications.
                if apps > 4 {
                    e.applications[1].servers.push(ServerId(0));
                    e.applications[3].strategy = Some(Strategy::Retire);
                    e.applications[4].environment = Some(Environment::Test);
                }
                (e, capacity * servers as u32)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn every_plan_keeps_every_hard_constraint((e, capacity) in arbitrary_estate()) {
            let config = PlanConfig { max_servers_per_wave: Some(capacity), coupling_threshold: 0.0, ..PlanConfig::default() };
            let plan = plan_waves(&e, &config);
            // Valid, or refused with the conflicts named: never broken and valid.
            prop_assert_eq!(plan.feasible, plan.violations.is_empty(), "{:?} {:?}", plan.conflicts, plan.violations);
            prop_assert_eq!(plan.feasible, plan.conflicts.is_empty());
            // Every migrating application in exactly one wave, the others in none.
            for app in &e.applications {
                let waves = plan.waves.iter().filter(|w| w.applications.contains(&app.name)).count();
                prop_assert_eq!(waves, usize::from(app.strategy().migrates()));
            }
            // Same input, same plan.
            prop_assert_eq!(plan_waves(&e, &config), plan);
        }
    }
}
