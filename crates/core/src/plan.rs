//! The wave planner, version one: correct, deterministic and explainable.
//!
//! Steps: lift dependencies to units ([`crate::graph`]), glue units into move
//! groups ([`crate::group`]), pick a pilot of low-risk non-production groups
//! for wave 1, then place groups in precedence order, each in the earliest
//! wave that its dependencies, constraints and the wave capacity allow. Every
//! placement records why it landed where it did. [`verify_plan`] then checks
//! the result against every hard constraint independently, so a broken
//! constraint is reported, never hidden.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::downtime::{DowntimeConfig, DowntimeEstimate, estimate_downtime};
use crate::dr::{self, Coverage, DrConfig};
use crate::graph::{Place, Unit, UnitGraph, UnitId};
use crate::group::{GlueReason, GroupId, MoveGroups, form_move_groups, is_precedence};
use crate::model::{AppId, AppRole, Constraint, DrPosture, Environment, Estate, Strategy, Tier};

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
    fn first_wave_from(&self, date: NaiveDate) -> u32 {
        let days = (date - self.start).num_days();
        if days <= 0 { 1 } else { (days as u64).div_ceil(u64::from(self.wave_days.max(1))) as u32 + 1 }
    }

    /// The last wave that ends on or before `date` (0 when none does).
    fn last_wave_until(&self, date: NaiveDate) -> u32 {
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

/// A hard constraint that the plan breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// `precedence`, `before`, `pin-wave`, `not-before`, `not-after`,
    /// `keep-apart`, `move-together`, `capacity`, `non-production-first`.
    pub constraint: String,
    /// What is broken, naming the applications.
    pub message: String,
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
    /// Last day of the last wave.
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
}

/// What the planner knows about a move group.
struct GroupFacts {
    apps: Vec<AppId>,
    servers: u32,
    storage_gb: f64,
    infrastructure: bool,
    production: bool,
    criticality: u8,
    label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EdgeWhy {
    Dependency,
    Before,
    NonProductionFirst,
}

#[derive(Clone, Copy)]
struct GroupEdge {
    pred: GroupId,
    succ: GroupId,
    /// 0: same wave or later; 1: strictly later.
    offset: u32,
    why: EdgeWhy,
}

fn criticality(tier: Tier) -> u8 {
    match tier {
        Tier::Administrative => 0,
        Tier::BusinessOperational => 1,
        Tier::BusinessCritical => 2,
        Tier::MissionCritical => 3,
    }
}

fn unit_name(estate: &Estate, unit: Unit) -> &str {
    match unit {
        Unit::Application(app) => &estate.application(app).name,
        Unit::Server(server) => &estate.server(server).name,
    }
}

/// Everything derived from the estate before waves are chosen.
struct Prepared {
    graph: UnitGraph,
    groups: MoveGroups,
    facts: Vec<GroupFacts>,
    edges: Vec<GroupEdge>,
    server_count_of_unit: Vec<u32>,
    storage_of_unit: Vec<f64>,
}

fn prepare(estate: &Estate, config: &PlanConfig) -> Prepared {
    let graph = UnitGraph::build(estate);
    let groups = form_move_groups(estate, &graph, config.coupling_threshold);

    let mut server_count_of_unit = vec![0u32; graph.units.len()];
    let mut storage_of_unit = vec![0.0f64; graph.units.len()];
    for server_id in estate.server_ids() {
        if let Place::Moves(unit) = graph.server_place[server_id.index()] {
            server_count_of_unit[unit.index()] += 1;
            storage_of_unit[unit.index()] += estate.server(server_id).storage_gb();
        }
    }
    for (i, store) in estate.datastores.iter().enumerate() {
        let on_moving_server = store.server.is_some_and(|s| matches!(graph.server_place[s.index()], Place::Moves(_)));
        if let (Place::Moves(unit), false) = (graph.datastore_place[i], on_moving_server) {
            storage_of_unit[unit.index()] += store.size_gb.unwrap_or(0.0);
        }
    }

    let facts: Vec<GroupFacts> = groups
        .groups
        .iter()
        .map(|group| {
            let mut apps = Vec::new();
            let mut infrastructure = true;
            let mut production = false;
            let mut most_critical = 0;
            for &unit in &group.units {
                match graph.units[unit.index()] {
                    Unit::Application(app_id) => {
                        let app = estate.application(app_id);
                        apps.push(app_id);
                        infrastructure &= app.role() == AppRole::Infrastructure;
                        production |= app.environment().is_production();
                        most_critical = most_critical.max(criticality(app.tier()));
                    }
                    Unit::Server(server_id) => {
                        infrastructure = false;
                        production |= estate.server(server_id).environment.is_none_or(Environment::is_production);
                    }
                }
            }
            let names: Vec<&str> = group.units.iter().map(|&u| unit_name(estate, graph.units[u.index()])).collect();
            GroupFacts {
                apps,
                servers: group.units.iter().map(|u| server_count_of_unit[u.index()]).sum(),
                storage_gb: group.units.iter().map(|u| storage_of_unit[u.index()]).sum(),
                infrastructure,
                production,
                criticality: most_critical,
                label: names.join(" + "),
            }
        })
        .collect();

    // Edges between groups, deduplicated per pair keeping the strictest.
    let relaxed: std::collections::HashSet<usize> = groups.relaxed_edges.iter().copied().collect();
    let mut by_pair: BTreeMap<(GroupId, GroupId), GroupEdge> = BTreeMap::new();
    let mut add = |pred: GroupId, succ: GroupId, offset: u32, why: EdgeWhy| {
        let entry = by_pair.entry((pred, succ)).or_insert(GroupEdge { pred, succ, offset, why });
        if offset > entry.offset {
            *entry = GroupEdge { pred, succ, offset, why };
        }
    };
    for (i, edge) in graph.edges.iter().enumerate() {
        let (pred, succ) = (groups.group_of[edge.to.index()], groups.group_of[edge.from.index()]);
        if is_precedence(edge) && !relaxed.contains(&i) && pred != succ {
            add(pred, succ, 0, EdgeWhy::Dependency);
        }
    }
    let group_of_app = |app: AppId| graph.unit_of_app(app).map(|u| groups.group_of[u.index()]);
    for constraint in &estate.constraints {
        if let Constraint::Before { first, then, .. } = constraint
            && let (Some(a), Some(b)) = (group_of_app(*first), group_of_app(*then))
                && a != b {
                    add(a, b, 1, EdgeWhy::Before);
                }
    }
    for (copy, production) in copies_of_production(estate) {
        if let (Some(a), Some(b)) = (group_of_app(copy), group_of_app(production))
            && a != b {
                add(a, b, 1, EdgeWhy::NonProductionFirst);
            }
    }
    let edges = by_pair.into_values().collect();
    Prepared { graph, groups, facts, edges, server_count_of_unit, storage_of_unit }
}

/// Pairs (non-production copy, its production application), both migrating.
fn copies_of_production(estate: &Estate) -> Vec<(AppId, AppId)> {
    let by_name: HashMap<String, AppId> = estate.app_ids().map(|a| (estate.application(a).name.to_lowercase(), a)).collect();
    estate
        .app_ids()
        .filter_map(|copy| {
            let app = estate.application(copy);
            let production = *by_name.get(&app.copy_of.as_ref()?.trim().to_lowercase())?;
            let both_move = app.strategy().migrates() && estate.application(production).strategy().migrates();
            (!app.environment().is_production() && both_move && production != copy).then_some((copy, production))
        })
        .collect()
}

/// Plans the waves of an estate.
pub fn plan_waves(estate: &Estate, config: &PlanConfig) -> Plan {
    let prepared = prepare(estate, config);
    let Prepared { graph, groups, facts, edges, server_count_of_unit, storage_of_unit } = &prepared;
    let n = groups.groups.len();
    let mut warnings = Vec::new();

    // Constraints per group.
    let group_of_app = |app: AppId| graph.unit_of_app(app).map(|u| groups.group_of[u.index()]);
    let mut pinned: Vec<Option<(u32, String)>> = vec![None; n];
    let mut earliest_date: Vec<Option<(u32, String)>> = vec![None; n];
    let mut latest: Vec<u32> = vec![u32::MAX; n];
    let mut apart: Vec<Vec<GroupId>> = vec![Vec::new(); n];
    for constraint in &estate.constraints {
        match constraint {
            Constraint::PinWave { app, wave, reason } => {
                if let Some(g) = group_of_app(*app) {
                    let why = format!("pinned to wave {wave}{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default());
                    pinned[g.index()] = Some((*wave, why));
                    latest[g.index()] = latest[g.index()].min(*wave);
                }
            }
            Constraint::NotBefore { app, date, reason } => {
                if let Some(g) = group_of_app(*app) {
                    let wave = config.first_wave_from(*date);
                    if earliest_date[g.index()].as_ref().is_none_or(|(w, _)| wave > *w) {
                        let why = format!("not before {date}{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default());
                        earliest_date[g.index()] = Some((wave, why));
                    }
                }
            }
            Constraint::NotAfter { app, date, .. } => {
                if let Some(g) = group_of_app(*app) {
                    let wave = config.last_wave_until(*date);
                    latest[g.index()] = latest[g.index()].min(wave);
                }
            }
            Constraint::KeepApart { a, b, .. } => {
                if let (Some(a), Some(b)) = (group_of_app(*a), group_of_app(*b))
                    && a != b {
                        apart[a.index()].push(b);
                        apart[b.index()].push(a);
                    }
            }
            Constraint::Before { .. } | Constraint::MoveTogether { .. } => {}
        }
    }

    // Adjacency; edges that close a cycle (a constraint against the flow of
    // dependencies) cannot hold and are left to the verifier to report.
    let mut preds: Vec<Vec<GroupEdge>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<GroupEdge>> = vec![Vec::new(); n];
    let acyclic = acyclic_edges(n, edges);
    for edge in &acyclic {
        preds[edge.succ.index()].push(*edge);
        succs[edge.pred.index()].push(*edge);
    }

    // Latest waves, backwards from pins and deadlines.
    let order = topological_order(n, &preds, &succs, |_| 0u64);
    for &g in order.iter().rev() {
        for edge in &succs[g.index()] {
            let bound = latest[edge.succ.index()].saturating_sub(edge.offset);
            latest[g.index()] = latest[g.index()].min(bound);
        }
    }

    // The pilot: small, low-risk, non-production groups whose prerequisites
    // are in the pilot too, smallest first.
    let mut pilot: Vec<GroupId> = Vec::new();
    let mut in_pilot = vec![false; n];
    if config.pilot_applications > 0 {
        let mut candidates: Vec<GroupId> = (0..n as u32)
            .map(GroupId)
            .filter(|g| {
                let f = &facts[g.index()];
                !f.infrastructure
                    && !f.production
                    && f.criticality <= 1
                    && !f.apps.is_empty()
                    && pinned[g.index()].as_ref().is_none_or(|(w, _)| *w == 1)
                    && earliest_date[g.index()].as_ref().is_none_or(|(w, _)| *w <= 1)
                    && config.max_servers_per_wave.is_none_or(|m| f.servers <= m)
            })
            .collect();
        candidates.sort_by(|a, b| {
            let (fa, fb) = (&facts[a.index()], &facts[b.index()]);
            (fa.servers, fa.criticality).cmp(&(fb.servers, fb.criticality)).then(fa.storage_gb.total_cmp(&fb.storage_gb)).then(a.cmp(b))
        });
        let (mut apps, mut servers) = (0, 0);
        let mut added = true;
        while added {
            added = false;
            for &g in &candidates {
                let f = &facts[g.index()];
                let ready = preds[g.index()].iter().all(|e| in_pilot[e.pred.index()] && e.offset == 0);
                let fits = apps + f.apps.len() as u32 <= config.pilot_applications
                    && config.max_servers_per_wave.is_none_or(|m| servers + f.servers <= m);
                if !in_pilot[g.index()] && ready && fits {
                    apps += f.apps.len() as u32;
                    servers += f.servers;
                    in_pilot[g.index()] = true;
                    pilot.push(g);
                    added = true;
                }
            }
        }
        if pilot.is_empty() {
            warnings.push("no application qualifies for a pilot wave (non-production, low criticality, no dependencies to wait for): wave 1 is an ordinary wave".to_string());
        }
    }
    let has_pilot = !pilot.is_empty();

    // Place groups in precedence order: tight deadlines first, then shared
    // infrastructure, non-production, the less critical and the smaller.
    let priority = |g: GroupId| {
        let f = &facts[g.index()];
        let latest = u64::from(latest[g.index()].min(u32::MAX - 1));
        (latest << 32)
            | (u64::from(!in_pilot[g.index()]) << 31)
            | (u64::from(!f.infrastructure) << 30)
            | (u64::from(f.production) << 29)
            | (u64::from(f.criticality) << 26)
            | u64::from(f.servers.min((1 << 26) - 1))
    };
    let order = topological_order(n, &preds, &succs, priority);

    let mut wave_of: Vec<u32> = vec![0; n];
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut wave_servers: Vec<u32> = vec![0; 1];
    let mut wave_storage: Vec<f64> = vec![0.0; 1];
    let mut wave_groups: Vec<Vec<GroupId>> = vec![Vec::new(); 1];
    let cutover_minutes = crate::downtime::cutover_minutes(estate, &config.downtime);
    for g in order {
        let f = &facts[g.index()];
        let why = &mut reasons[g.index()];
        let mut earliest = if has_pilot && !in_pilot[g.index()] { 2 } else { 1 };
        if in_pilot[g.index()] {
            why.push("pilot: a small, low-risk, non-production application, moved first to prove the process".into());
        }
        // What holds it back: only the predecessors whose wave sets the bound.
        let bound_of = |edge: &GroupEdge| wave_of[edge.pred.index()] + edge.offset;
        let binding = preds[g.index()].iter().map(bound_of).max().unwrap_or(0);
        if binding >= earliest {
            earliest = binding;
            for edge in preds[g.index()].iter().filter(|e| bound_of(e) == binding) {
                let pred = &facts[edge.pred.index()].label;
                let pred_wave = wave_of[edge.pred.index()];
                why.push(match edge.why {
                    EdgeWhy::Dependency => format!("depends on '{pred}', which moves in wave {pred_wave}"),
                    EdgeWhy::Before => format!("must move after '{pred}' (wave {pred_wave}) by a 'before' constraint"),
                    EdgeWhy::NonProductionFirst => format!("its non-production copy '{pred}' moves first, in wave {pred_wave}"),
                });
            }
        }
        if let Some((wave, text)) = &earliest_date[g.index()]
            && *wave >= earliest {
                earliest = *wave;
                why.push(text.clone());
            }
        let wave = if let Some((wave, text)) = &pinned[g.index()] {
            why.push(text.clone());
            (*wave).max(1)
        } else {
            let mut wave = earliest;
            loop {
                let w = wave as usize;
                if w >= wave_servers.len() {
                    break;
                }
                let empty = wave_groups[w].is_empty();
                let servers_fit = config.max_servers_per_wave.is_none_or(|m| wave_servers[w] + f.servers <= m);
                let storage_fits = config.max_storage_gb_per_wave.is_none_or(|m| wave_storage[w] + f.storage_gb <= m);
                let apart_from = apart[g.index()].iter().find(|other| wave_groups[w].contains(other));
                let pilot_wave_closed = has_pilot && w == 1 && !in_pilot[g.index()];
                let members = wave_groups[w].iter().chain([&g]).flat_map(|x| facts[x.index()].apps.iter().copied());
                let cutovers_fit = || crate::downtime::cutovers_fit(estate, config, wave, members, &cutover_minutes);
                if let Some(other) = apart_from {
                    why.push(format!("kept apart from '{}', which moves in wave {wave}", facts[other.index()].label));
                } else if !pilot_wave_closed && (empty || (servers_fit && storage_fits && cutovers_fit())) {
                    break;
                } else if !pilot_wave_closed && servers_fit && storage_fits {
                    why.push(format!("wave {wave}'s maintenance windows were full: its cutover tracks had no room for these cutovers"));
                } else if !pilot_wave_closed {
                    why.push(format!(
                        "wave {wave} was full ({} servers, {:.0} GB already planned)",
                        wave_servers[w], wave_storage[w]
                    ));
                }
                wave += 1;
            }
            wave
        };
        let w = wave as usize;
        if w >= wave_servers.len() {
            wave_servers.resize(w + 1, 0);
            wave_storage.resize(w + 1, 0.0);
            wave_groups.resize(w + 1, Vec::new());
        }
        if config.max_servers_per_wave.is_some_and(|m| f.servers > m) {
            warnings.push(format!(
                "move group '{}' has {} servers, more than the {} a wave may take: it has wave {wave} to itself",
                f.label,
                f.servers,
                config.max_servers_per_wave.unwrap_or(0)
            ));
        }
        wave_servers[w] += f.servers;
        wave_storage[w] += f.storage_gb;
        wave_groups[w].push(g);
        wave_of[g.index()] = wave;
        if reasons[g.index()].is_empty() {
            reasons[g.index()].push(format!("nothing holds it back: wave {wave} is the first with room"));
        }
    }

    let unit_wave = |unit: UnitId| wave_of[groups.group_of[unit.index()].index()];
    assemble(estate, config, &prepared, AssemblyInput { wave_of: &wave_of, reasons, has_pilot, warnings }, unit_wave, server_count_of_unit, storage_of_unit)
}

/// Edges minus those that close a cycle through a strict (offset 1) edge,
/// which no assignment could satisfy.
fn acyclic_edges(n: usize, edges: &[GroupEdge]) -> Vec<GroupEdge> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for edge in edges {
        graph.add_edge(NodeIndex::new(edge.pred.index()), NodeIndex::new(edge.succ.index()), ());
    }
    let mut component = vec![usize::MAX; n];
    for (i, scc) in petgraph::algo::tarjan_scc(&graph).into_iter().enumerate() {
        if scc.len() > 1 {
            for node in scc {
                component[node.index()] = i;
            }
        }
    }
    edges
        .iter()
        .filter(|e| {
            let (a, b) = (component[e.pred.index()], component[e.succ.index()]);
            a == usize::MAX || a != b || e.offset == 0
        })
        .copied()
        .collect()
}

/// Kahn's algorithm, ready groups taken by smallest priority then index.
/// Groups left on a cycle (which [`acyclic_edges`] rules out) come last.
fn topological_order(n: usize, preds: &[Vec<GroupEdge>], succs: &[Vec<GroupEdge>], priority: impl Fn(GroupId) -> u64) -> Vec<GroupId> {
    let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut ready: BinaryHeap<Reverse<(u64, GroupId)>> =
        (0..n as u32).map(GroupId).filter(|g| waiting[g.index()] == 0).map(|g| Reverse((priority(g), g))).collect();
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while let Some(Reverse((_, g))) = ready.pop() {
        order.push(g);
        done[g.index()] = true;
        for edge in &succs[g.index()] {
            let s = edge.succ.index();
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.push(Reverse((priority(edge.succ), edge.succ)));
            }
        }
    }
    order.extend((0..n as u32).map(GroupId).filter(|g| !done[g.index()]));
    order
}

struct AssemblyInput<'a> {
    wave_of: &'a [u32],
    reasons: Vec<Vec<String>>,
    has_pilot: bool,
    warnings: Vec<String>,
}

/// The last opening of a weekly window within `[start, end]`.
fn last_window_opening(window: &crate::model::MaintenanceWindow, start: NaiveDate, end: NaiveDate) -> Option<NaiveDateTime> {
    let mut day = end;
    while day >= start {
        if window.days.contains(&day.weekday()) {
            return Some(day.and_time(window.start));
        }
        day = day.pred_opt()?;
    }
    None
}

fn assemble(
    estate: &Estate,
    config: &PlanConfig,
    prepared: &Prepared,
    input: AssemblyInput<'_>,
    unit_wave: impl Fn(UnitId) -> u32,
    server_count_of_unit: &[u32],
    storage_of_unit: &[f64],
) -> Plan {
    let Prepared { graph, groups, .. } = prepared;
    let AssemblyInput { wave_of, mut reasons, has_pilot, mut warnings } = input;
    let wave_count = wave_of.iter().copied().max().unwrap_or(0);
    let mut waves: Vec<Wave> = (1..=wave_count)
        .map(|index| Wave {
            index,
            name: if has_pilot && index == 1 { "Wave 1 (pilot)".into() } else { format!("Wave {index}") },
            start: config.wave_start(index),
            end: config.wave_end(index),
            pilot: has_pilot && index == 1,
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
        let members: Vec<String> = group.units.iter().map(|&u| unit_name(estate, graph.units[u.index()]).to_string()).collect();
        let glue: Vec<String> = group
            .reasons
            .iter()
            .map(|reason| match reason {
                GlueReason::SharedMember { member } => format!("they share '{member}'"),
                GlueReason::Cycle => "they depend on each other in a cycle".into(),
                GlueReason::Constraint => "a move-together constraint".into(),
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
        let cutover = window.and_then(|win| last_window_opening(win, w.start, w.end));
        let fits_window = window.map(|win| downtime.minutes <= win.minutes);
        if window.is_some() && cutover.is_none() {
            warnings.push(format!("'{}': its maintenance window does not open during wave {wave}", app.name));
        }
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
            Place::StaysOnPremises if server.is_device() => "device: medical and IoT devices stay on premises".to_string(),
            Place::StaysOnPremises => "belongs to a retained application".to_string(),
            Place::Retired => "belongs to a retired application".to_string(),
            _ => continue,
        };
        let kind = if server.is_device() { "device" } else { "server" };
        not_migrating.push(NotMigrating { name: server.name.clone(), kind: kind.into(), reason });
    }

    // DR coverage at every wave boundary.
    let app_wave: HashMap<AppId, u32> =
        graph.units.iter().enumerate().filter_map(|(i, u)| if let Unit::Application(a) = u { Some((*a, unit_wave(UnitId(i as u32)))) } else { None }).collect();
    let counted: Vec<AppId> = estate.app_ids().filter(|&a| estate.application(a).strategy() != Strategy::Retire).collect();
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
    let programme_end = waves.last().map(|w| w.end);
    let mut metrics = Metrics {
        waves: wave_count,
        applications_migrating: applications.len(),
        servers_migrating: waves.iter().map(|w| w.servers.len()).sum(),
        move_groups: groups.groups.len(),
        largest_move_group: groups.groups.iter().map(|g| g.units.len()).max().unwrap_or(0),
        cycles: groups.cycles_found,
        relaxed_dependencies: relaxed.len(),
        programme_end,
        ..Metrics::default()
    };
    let days = f64::from(config.wave_days.max(1));
    for edge in &graph.edges {
        let (a, b) = (unit_wave(edge.from), unit_wave(edge.to));
        if a != b {
            metrics.cross_wave_dependencies += edge.count as usize;
            metrics.hybrid_traffic_days += edge.weight * f64::from(a.abs_diff(b)) * days;
        }
    }
    for link in &graph.staying_links {
        let remaining = f64::from(wave_count - unit_wave(link.unit)) * days;
        if link.other == Place::External {
            metrics.external_dependencies += 1;
        } else {
            metrics.hybrid_dependencies += 1;
            metrics.hybrid_traffic_days += link.weight * remaining;
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
    };
    // Cutover tracks and replication dates, then DR through the programme (which reads them).
    crate::downtime::schedule_waves(estate, config, &mut plan);
    crate::dr::annotate(estate, config, &mut plan);
    plan.violations = verify_plan(estate, &plan);
    plan.metrics.hard_violations = plan.violations.len();
    plan
}

/// Checks a plan against every hard constraint of the estate, from scratch.
///
/// This does not trust the planner: it is the oracle tests use and what
/// `hard_violations` counts.
pub fn verify_plan(estate: &Estate, plan: &Plan) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut violation = |constraint: &str, message: String| violations.push(Violation { constraint: constraint.into(), message });
    let graph = UnitGraph::build(estate);
    let groups = form_move_groups(estate, &graph, plan.config.coupling_threshold);

    let mut app_wave: HashMap<&str, u32> = HashMap::new();
    for wave in &plan.waves {
        for name in &wave.applications {
            if app_wave.insert(name.as_str(), wave.index).is_some() {
                violation("one-wave", format!("'{name}' is in more than one wave"));
            }
        }
    }
    let mut server_wave: HashMap<&str, u32> = HashMap::new();
    for wave in &plan.waves {
        for name in &wave.servers {
            server_wave.insert(name.as_str(), wave.index);
        }
    }
    let unit_wave = |unit: UnitId| -> Option<u32> {
        match graph.units[unit.index()] {
            Unit::Application(a) => app_wave.get(estate.application(a).name.as_str()).copied(),
            Unit::Server(s) => server_wave.get(estate.server(s).name.as_str()).copied(),
        }
    };
    let name = |unit: UnitId| unit_name(estate, graph.units[unit.index()]);
    for (i, unit) in graph.units.iter().enumerate() {
        if unit_wave(UnitId(i as u32)).is_none() {
            violation("one-wave", format!("'{}' migrates but is in no wave", unit_name(estate, *unit)));
        }
    }
    for app_id in estate.app_ids() {
        let app = estate.application(app_id);
        if !app.strategy().migrates() && app_wave.contains_key(app.name.as_str()) {
            violation("one-wave", format!("'{}' is {} but is in a wave", app.name, app.strategy()));
        }
    }
    let wave_of_app = |app: AppId| graph.unit_of_app(app).and_then(&unit_wave);

    for group in &groups.groups {
        let waves: Vec<Option<u32>> = group.units.iter().map(|&u| unit_wave(u)).collect();
        if waves.windows(2).any(|w| w[0] != w[1]) {
            let names: Vec<&str> = group.units.iter().map(|&u| name(u)).collect();
            violation("move-together", format!("{} must move together but are in different waves", names.join(", ")));
        }
    }
    let relaxed: std::collections::HashSet<usize> = groups.relaxed_edges.iter().copied().collect();
    for (i, edge) in graph.edges.iter().enumerate() {
        if !is_precedence(edge) || relaxed.contains(&i) {
            continue;
        }
        if let (Some(from), Some(to)) = (unit_wave(edge.from), unit_wave(edge.to))
            && to > from {
                violation(
                    "precedence",
                    format!("'{}' (wave {from}) depends on '{}', which moves later (wave {to})", name(edge.from), name(edge.to)),
                );
            }
    }
    for (copy, production) in copies_of_production(estate) {
        if let (Some(a), Some(b)) = (wave_of_app(copy), wave_of_app(production))
            && a >= b {
                violation(
                    "non-production-first",
                    format!(
                        "'{}' (wave {a}) is a non-production copy of '{}' (wave {b}) and should move first",
                        estate.application(copy).name,
                        estate.application(production).name
                    ),
                );
            }
    }
    let config = &plan.config;
    for constraint in &estate.constraints {
        let app_name = |a: AppId| estate.application(a).name.as_str();
        match constraint {
            Constraint::MoveTogether { .. } => {} // checked through the groups above
            Constraint::KeepApart { a, b, .. } => {
                if let (Some(wa), Some(wb)) = (wave_of_app(*a), wave_of_app(*b))
                    && wa == wb {
                        violation("keep-apart", format!("'{}' and '{}' must be kept apart but both move in wave {wa}", app_name(*a), app_name(*b)));
                    }
            }
            Constraint::Before { first, then, .. } => {
                if let (Some(wa), Some(wb)) = (wave_of_app(*first), wave_of_app(*then))
                    && wa >= wb {
                        violation("before", format!("'{}' (wave {wa}) must move before '{}' (wave {wb})", app_name(*first), app_name(*then)));
                    }
            }
            Constraint::PinWave { app, wave, .. } => {
                if let Some(w) = wave_of_app(*app)
                    && w != *wave {
                        violation("pin-wave", format!("'{}' is pinned to wave {wave} but moves in wave {w}", app_name(*app)));
                    }
            }
            Constraint::NotBefore { app, date, .. } => {
                if let Some(w) = wave_of_app(*app)
                    && config.wave_start(w) < *date {
                        violation("not-before", format!("'{}' must not move before {date} but wave {w} starts {}", app_name(*app), config.wave_start(w)));
                    }
            }
            Constraint::NotAfter { app, date, .. } => {
                if let Some(w) = wave_of_app(*app)
                    && config.wave_end(w) > *date {
                        violation("not-after", format!("'{}' must move by {date} but wave {w} ends {}", app_name(*app), config.wave_end(w)));
                    }
            }
        }
    }
    // Capacity: a wave over capacity is allowed only when it holds a single move group.
    let mut groups_in_wave: BTreeMap<u32, std::collections::BTreeSet<GroupId>> = BTreeMap::new();
    for (i, _) in graph.units.iter().enumerate() {
        if let Some(w) = unit_wave(UnitId(i as u32)) {
            groups_in_wave.entry(w).or_default().insert(groups.group_of[i]);
        }
    }
    for wave in &plan.waves {
        let several = groups_in_wave.get(&wave.index).is_some_and(|g| g.len() > 1);
        if let Some(max) = config.max_servers_per_wave
            && several && wave.servers.len() > max as usize {
                violation("capacity", format!("{} has {} servers, more than the {max} a wave may take", wave.name, wave.servers.len()));
            }
        if let Some(max) = config.max_storage_gb_per_wave
            && several && wave.storage_gb > max {
                violation("capacity", format!("{} replicates {:.0} GB, more than the {max:.0} GB a wave may take", wave.name, wave.storage_gb));
            }
    }
    violations.extend(crate::downtime::cutover_violations(estate, plan));
    violations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, Dependency, DependencyKind, Endpoint, Protocol, Server, ServerId};
    use proptest::prelude::{ProptestConfig, Strategy as Generator, prop_assert_eq, proptest};

    /// An estate of `apps` applications with `servers_each` servers, and
    /// dependencies between applications' first servers.
    fn estate(apps: usize, servers_each: usize, deps: &[(usize, usize)]) -> Estate {
        let mut estate = Estate::default();
        for a in 0..apps {
            let mut app = Application { name: format!("app{a:02}"), ..Application::default() };
            for s in 0..servers_each {
                app.servers.push(ServerId(estate.servers.len() as u32));
                estate.servers.push(Server { name: format!("app{a:02}-srv{s}"), disk_used_gb: Some(100.0), ..Server::default() });
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
        assert!(plan.applications[0].reasons[0].contains("depends on 'app01', which moves in wave 2"));
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

        // app00 depends on app01, so "app00 before app01" cannot hold.
        e.constraints.push(Constraint::Before { first: AppId(0), then: AppId(1), reason: None });
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 1);
        assert_eq!(plan.violations[0].constraint, "before");
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
        e.servers.push(Server { name: "pump-gw".into(), kind: Some(crate::model::ServerKind::Device), ..Server::default() });
        let mut link = e.dependencies[0].clone();
        link.to = Endpoint::Server(ServerId(2));
        e.dependencies.push(link);
        let plan = plan_waves(&e, &PlanConfig { pilot_applications: 0, ..PlanConfig::default() });
        assert_eq!(plan.metrics.hybrid_dependencies, 2);
        assert_eq!(plan.waves.len(), 1);
        let kinds: Vec<(&str, &str)> = plan.not_migrating.iter().map(|n| (n.name.as_str(), n.kind.as_str())).collect();
        assert_eq!(kinds, [("app01", "application"), ("app01-srv0", "server"), ("pump-gw", "device")]);
    }

    fn arbitrary_estate() -> impl Generator<Value = (Estate, u32)> {
        (2usize..30, 1usize..4, proptest::collection::vec((0usize..30, 0usize..30), 0..60), 1u32..8).prop_map(
            |(apps, servers, deps, capacity)| {
                let deps: Vec<(usize, usize)> = deps.into_iter().map(|(a, b)| (a % apps, b % apps)).filter(|(a, b)| a != b).collect();
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
            prop_assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
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
