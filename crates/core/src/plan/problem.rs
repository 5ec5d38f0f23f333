//! The planning problem, contracted: move groups with what each needs of a
//! wave, the order between groups, the waves each may take, and the traffic
//! between groups that the objective prices.
//!
//! Built once from the estate and the settings ([`Problem::build`]) and then
//! shared by the packer, the local search, the what-if session, the exact
//! model and the benchmark, so they all solve the same problem. Everything
//! that cannot hold whatever the waves (a pin before what it depends on, a
//! group larger than a wave) is found here and named in
//! [`Problem::conflicts`].

use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::downtime::estimate_downtime;
use crate::graph::{Place, Unit, UnitGraph};
use crate::group::{MoveGroups, form_move_groups_with};
use crate::model::{AppId, AppRole, Constraint, Environment, Estate, MaintenanceWindow, Strategy, Tier};

use super::{Conflict, PlanConfig, ViolationKind as Kind};

/// Resources a wave has a limited amount of, in [`Problem::caps`] order.
pub const RESOURCES: usize = 5;
/// Names of the resources, for messages.
pub const RESOURCE_NAMES: [&str; RESOURCES] =
    ["servers", "applications", "GB of storage", "replicating servers", "cutover team hours"];

/// Why one group must wait for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeWhy {
    /// A dependency: the target moves first (or together).
    Dependency,
    /// An explicit `before` constraint.
    Before,
    /// A non-production copy moves before its production application.
    NonProductionFirst,
}

/// `succ` moves in wave `pred + offset` or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupEdge {
    /// The group that moves first.
    pub pred: u32,
    /// The group that waits.
    pub succ: u32,
    /// 0: same wave or later; 1: strictly later.
    pub offset: u32,
    /// Why.
    pub why: EdgeWhy,
}

/// What the planner knows about one move group.
#[derive(Clone, Debug)]
pub struct GroupInfo {
    /// Members' names joined with " + ".
    pub label: String,
    /// Applications of the group.
    pub apps: Vec<AppId>,
    /// What it takes of a wave, in [`RESOURCE_NAMES`] order.
    pub need: [f64; RESOURCES],
    /// Only shared infrastructure.
    pub infrastructure: bool,
    /// Holds a production application or server.
    pub production: bool,
    /// Highest criticality of its applications (0 administrative, 3 mission-critical).
    pub criticality: u8,
    /// May go in a pilot wave.
    pub pilot_eligible: bool,
    /// The distinct maintenance windows of its applications (indices into
    /// [`Problem::windows`]); 0, no window, means any day outside a blackout.
    pub windows: Vec<u32>,
}

/// Where a bound on a group's wave comes from, for explanations and conflicts.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundWhy {
    /// The group whose own constraint set it.
    pub origin: u32,
    /// The constraint, in words ("not before 2027-07-01: fiscal close").
    pub text: String,
    /// The groups in between, from the origin to this one, when it came through precedence.
    pub through: Vec<u32>,
    /// The kind of constraint, as in [`super::Violation::kind`].
    pub constraint: Kind,
    /// Whether the groups of `through` wait for this one (a latest wave,
    /// passed back from what follows it) rather than it for them (an
    /// earliest wave, passed on from what it follows).
    pub waited_for: bool,
}

impl BoundWhy {
    fn new(origin: u32, constraint: Kind, text: String) -> BoundWhy {
        BoundWhy { origin, text, through: Vec::new(), constraint, waited_for: false }
    }

    /// The bound in words, with the chain it came through, each link said
    /// the way the dependency runs.
    pub fn describe(&self, problem: &Problem) -> String {
        if self.through.is_empty() {
            return self.text.clone();
        }
        let label = |x: u32| format!("'{}'", problem.groups[x as usize].label);
        if !self.waited_for {
            let chain: Vec<String> = self.through.iter().map(|&x| label(x)).collect();
            return format!("it waits for {}, and {}", chain.join(" → "), self.text);
        }
        // `through` runs from the constraint's group to the one that waits
        // for this one directly: said from here outwards.
        let mut said = Vec::new();
        let mut waited = "it".to_string();
        for &x in self.through.iter().rev() {
            said.push(format!("{} waits for {waited}", label(x)));
            waited = label(x);
        }
        format!("{}, and {}", said.join(", "), self.text)
    }
}

/// The contracted planning problem.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The groups.
    pub groups: Vec<GroupInfo>,
    /// The most of each resource one wave may take (`None`: no limit).
    pub caps: [Option<f64>; RESOURCES],
    /// Waves 1 to this are pilot waves (0: no pilot).
    pub pilot_waves: u32,
    /// Applications a pilot wave may take.
    pub pilot_applications: u32,
    /// Order between groups, one edge per ordered pair, the strictest kept.
    pub edges: Vec<GroupEdge>,
    /// Per group, indices into `edges` of the edges into it.
    pub preds: Vec<Vec<u32>>,
    /// Per group, indices into `edges` of the edges out of it.
    pub succs: Vec<Vec<u32>>,
    /// Groups kept apart, with the constraint's words.
    pub apart: Vec<(u32, u32, String)>,
    /// Per group, the groups it is kept apart from.
    pub apart_of: Vec<Vec<u32>>,
    /// Traffic between groups (latency-weighted), `a < b`.
    pub links: Vec<(u32, u32, f64)>,
    /// Per group, `(other group, weight)`.
    pub adjacent: Vec<Vec<(u32, f64)>>,
    /// Per group, latency-weighted traffic to things that stay on premises.
    pub staying: Vec<f64>,
    /// Earliest wave each group may take (calendar, constraints, precedence).
    pub earliest: Vec<u32>,
    /// Why the earliest bound is what it is (`None`: wave 1, nothing holds it).
    pub earliest_why: Vec<Option<BoundWhy>>,
    /// Latest wave each group may take ([`Problem::horizon`] when unbounded).
    pub latest: Vec<u32>,
    /// Why the latest bound is what it is.
    pub latest_why: Vec<Option<BoundWhy>>,
    /// The pinned wave of each group.
    pub pinned: Vec<Option<u32>>,
    /// The distinct maintenance windows; index 0 is "no window".
    pub windows: Vec<Option<MaintenanceWindow>>,
    /// Per window, per wave (index 0 unused), whether a cutover can happen in it.
    pub open: Vec<Vec<bool>>,
    /// The last wave the planner considers.
    pub horizon: u32,
    /// Days per wave.
    pub wave_days: u32,
    /// Everything that cannot hold whatever the plan.
    pub conflicts: Vec<Conflict>,
    /// Edges left out because they close an impossible cycle.
    pub dropped_edges: Vec<GroupEdge>,
    /// The secondary objective ([`PlanConfig::minimise_dr_gap_days`]): per
    /// group, indexed by wave (index 0 unused), the traffic-days its
    /// mission-critical applications' DR gap-days are worth if it cuts over
    /// then; empty when DR is not minimised or the group has none.
    pub dr_cost: Vec<Vec<f64>>,
    /// Traffic-days one mission-critical DR gap-day is worth (0: DR not minimised).
    pub dr_weight: f64,
}

/// Waves the DR cost is tabled for; past them it goes on along its last slope.
const DR_TABLE_WAVES: u32 = 400;

/// Everything derived from the estate that plan assembly also needs.
pub(crate) struct Prepared {
    pub graph: UnitGraph,
    pub groups: MoveGroups,
    pub server_count_of_unit: Vec<u32>,
    pub storage_of_unit: Vec<f64>,
}

pub(crate) fn criticality(tier: Tier) -> u8 {
    match tier {
        Tier::Administrative => 0,
        Tier::BusinessOperational => 1,
        Tier::BusinessCritical => 2,
        Tier::MissionCritical => 3,
    }
}

pub(crate) fn unit_name(estate: &Estate, unit: Unit) -> &str {
    match unit {
        Unit::Application(app) => &estate.application(app).name,
        Unit::Server(server) => &estate.server(server).name,
    }
}

/// What each unit takes of a wave: the one definition of the resources,
/// shared by the planner and [`super::verify_plan`].
pub(crate) fn unit_needs(
    estate: &Estate,
    graph: &UnitGraph,
    config: &PlanConfig,
) -> (Vec<[f64; RESOURCES]>, Vec<u32>, Vec<f64>) {
    let n = graph.units.len();
    let mut servers = vec![0u32; n];
    let mut storage = vec![0.0f64; n];
    let mut replicating = vec![0u32; n];
    for server_id in estate.server_ids() {
        if let Place::Moves(unit) = graph.server_place[server_id.index()] {
            servers[unit.index()] += 1;
            storage[unit.index()] += estate.server(server_id).storage_gb();
            let replicates = match graph.units[unit.index()] {
                Unit::Application(app) => {
                    matches!(estate.application(app).strategy(), Strategy::Rehost | Strategy::Relocate)
                }
                Unit::Server(_) => true,
            };
            replicating[unit.index()] += u32::from(replicates);
        }
    }
    for (i, store) in estate.datastores.iter().enumerate() {
        let on_moving_server = store.server.is_some_and(|s| matches!(graph.server_place[s.index()], Place::Moves(_)));
        if let (Place::Moves(unit), false) = (graph.datastore_place[i], on_moving_server) {
            storage[unit.index()] += store.size_gb.unwrap_or(0.0);
        }
    }
    let needs = (0..n)
        .map(|u| {
            let (apps, hours) = match graph.units[u] {
                Unit::Application(app) => {
                    (1.0, f64::from(estimate_downtime(estate, app, &config.downtime).minutes) / 60.0)
                }
                Unit::Server(_) => (0.0, 0.0),
            };
            [f64::from(servers[u]), apps, storage[u], f64::from(replicating[u]), hours]
        })
        .collect();
    (needs, servers, storage)
}

/// The configured limit of each resource.
pub(crate) fn caps(config: &PlanConfig) -> [Option<f64>; RESOURCES] {
    [
        config.max_servers_per_wave.map(f64::from),
        config.max_applications_per_wave.map(f64::from),
        config.max_storage_gb_per_wave,
        config.max_replicating_servers_per_wave.map(f64::from),
        config.max_cutover_hours_per_wave,
    ]
}

/// Pairs (non-production copy, its production application), both migrating.
pub(crate) fn copies_of_production(estate: &Estate) -> Vec<(AppId, AppId)> {
    let by_name: HashMap<String, AppId> =
        estate.app_ids().map(|a| (estate.application(a).name.to_lowercase(), a)).collect();
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

/// The opening of a weekly window on `day`, if the window opens that day
/// and no day it spans (past midnight too) is in a blackout: the calendar
/// rule the cutover schedule in [`crate::downtime`] also follows.
pub(crate) fn opening_on(config: &PlanConfig, window: &MaintenanceWindow, day: NaiveDate) -> Option<NaiveDateTime> {
    if !window.days.contains(&day.weekday()) {
        return None;
    }
    let start = day.and_time(window.start);
    let last = (start + chrono::Duration::minutes(i64::from(window.minutes.max(1)) - 1)).date();
    (!config.blackouts.iter().any(|b| b.start <= last && b.end >= day)).then_some(start)
}

/// When an application with this window (or none) cuts over in a wave: the
/// last opening outside every blackout, or for no window the last day outside
/// every blackout at midnight. `None`: no cutover is possible in the wave.
pub(crate) fn cutover_in_wave(
    config: &PlanConfig,
    window: Option<&MaintenanceWindow>,
    wave: u32,
) -> Option<NaiveDateTime> {
    let (start, end) = (config.wave_start(wave), config.wave_end(wave));
    let mut day = end;
    while day >= start {
        let found = match window {
            Some(w) => opening_on(config, w, day),
            None => (!config.blackouts.iter().any(|b| b.covers(day))).then(|| day.and_time(chrono::NaiveTime::MIN)),
        };
        if found.is_some() {
            return found;
        }
        day = day.pred_opt()?;
    }
    None
}

fn with_reason(text: String, reason: &Option<String>) -> String {
    match reason {
        Some(r) if !r.trim().is_empty() => format!("{text}: {}", r.trim()),
        _ => text,
    }
}

impl Problem {
    /// Builds the problem of an estate under a configuration.
    pub fn build(estate: &Estate, config: &PlanConfig) -> Problem {
        Problem::build_prepared(estate, config).0
    }

    pub(crate) fn build_prepared(estate: &Estate, config: &PlanConfig) -> (Problem, Prepared) {
        let graph = UnitGraph::build(estate);
        let groups = form_move_groups_with(estate, &graph, config.coupling_threshold, &config.precedence);
        let (needs, server_count_of_unit, storage_of_unit) = unit_needs(estate, &graph, config);
        let n = groups.groups.len();
        let mut conflicts = Vec::new();

        // Group facts. An application without a window cuts over in the
        // programme's default window, if one is set.
        let default_window = config.downtime.default_window().ok().flatten();
        let mut window_index: Vec<Option<MaintenanceWindow>> = vec![None];
        let mut infos: Vec<GroupInfo> = Vec::with_capacity(n);
        for group in &groups.groups {
            let mut info = GroupInfo {
                label: group
                    .units
                    .iter()
                    .map(|&u| unit_name(estate, graph.units[u.index()]))
                    .collect::<Vec<_>>()
                    .join(" + "),
                apps: Vec::new(),
                need: [0.0; RESOURCES],
                infrastructure: true,
                production: false,
                criticality: 0,
                pilot_eligible: false,
                windows: Vec::new(),
            };
            for &unit in &group.units {
                for (total, x) in info.need.iter_mut().zip(needs[unit.index()]) {
                    *total += x;
                }
                match graph.units[unit.index()] {
                    Unit::Application(app_id) => {
                        let app = estate.application(app_id);
                        info.apps.push(app_id);
                        info.infrastructure &= app.role() == AppRole::Infrastructure;
                        info.production |= app.environment().is_production();
                        info.criticality = info.criticality.max(criticality(app.tier()));
                        let window = app.maintenance_window.clone().or_else(|| default_window.clone());
                        let id = match window_index.iter().position(|w| *w == window) {
                            Some(id) => id,
                            None => {
                                window_index.push(window);
                                window_index.len() - 1
                            }
                        };
                        info.windows.push(id as u32);
                    }
                    Unit::Server(server_id) => {
                        info.infrastructure = false;
                        info.production |= estate.server(server_id).environment.is_none_or(Environment::is_production);
                        info.windows.push(0);
                    }
                }
            }
            info.windows.sort_unstable();
            info.windows.dedup();
            infos.push(info);
        }

        // Constraints.
        let group_of_app = |app: AppId| graph.unit_of_app(app).map(|u| groups.group_of[u.index()].0);
        let mut pinned: Vec<Option<u32>> = vec![None; n];
        let mut pin_text: Vec<String> = vec![String::new(); n];
        let mut earliest_why: Vec<Option<BoundWhy>> = vec![None; n];
        let mut latest_why: Vec<Option<BoundWhy>> = vec![None; n];
        let mut earliest = vec![1u32; n];
        let mut latest = vec![u32::MAX; n];
        let mut apart = Vec::new();
        let mut by_pair: BTreeMap<(u32, u32), GroupEdge> = BTreeMap::new();
        let mut add_edge = |pred: u32, succ: u32, offset: u32, why: EdgeWhy| {
            let entry = by_pair.entry((pred, succ)).or_insert(GroupEdge { pred, succ, offset, why });
            if offset > entry.offset {
                *entry = GroupEdge { pred, succ, offset, why };
            }
        };
        for constraint in &estate.constraints {
            match constraint {
                Constraint::PinWave { app, wave, reason } => {
                    if let Some(g) = group_of_app(*app) {
                        let text = with_reason(
                            format!("'{}' is pinned to wave {wave}", estate.application(*app).name),
                            reason,
                        );
                        let gi = g as usize;
                        if let Some(other) = pinned[gi]
                            && other != *wave
                        {
                            conflicts.push(Conflict::new(
                                Kind::PinWave,
                                format!("{} and {}, but they move together", pin_text[gi], text),
                                &[&infos[gi].label],
                                vec![estate.application(*app).name.clone()],
                                vec![gi],
                            ));
                        }
                        let wave = (*wave).max(1);
                        pinned[gi] = Some(wave);
                        pin_text[gi] = text.clone();
                        if wave > earliest[gi] {
                            earliest[gi] = wave;
                            earliest_why[gi] = Some(BoundWhy::new(g, Kind::PinWave, text.clone()));
                        }
                        if wave < latest[gi] {
                            latest[gi] = wave;
                            latest_why[gi] = Some(BoundWhy::new(g, Kind::PinWave, text));
                        }
                    }
                }
                Constraint::NotBefore { app, date, reason } => {
                    if let Some(g) = group_of_app(*app) {
                        let wave = config.first_wave_from(*date);
                        if wave > earliest[g as usize] {
                            earliest[g as usize] = wave;
                            let text = with_reason(
                                format!("'{}' must not move before {date}", estate.application(*app).name),
                                reason,
                            );
                            earliest_why[g as usize] = Some(BoundWhy::new(g, Kind::NotBefore, text));
                        }
                    }
                }
                Constraint::NotAfter { app, date, reason } => {
                    if let Some(g) = group_of_app(*app) {
                        let wave = config.last_wave_until(*date);
                        if wave < latest[g as usize] {
                            latest[g as usize] = wave;
                            let text =
                                with_reason(format!("'{}' must move by {date}", estate.application(*app).name), reason);
                            latest_why[g as usize] = Some(BoundWhy::new(g, Kind::NotAfter, text));
                        }
                    }
                }
                Constraint::KeepApart { a, b, reason } => {
                    if let (Some(ga), Some(gb)) = (group_of_app(*a), group_of_app(*b)) {
                        let text = with_reason(
                            format!(
                                "'{}' and '{}' are kept apart",
                                estate.application(*a).name,
                                estate.application(*b).name
                            ),
                            reason,
                        );
                        if ga == gb {
                            let (a, b) = (&estate.application(*a).name, &estate.application(*b).name);
                            conflicts.push(Conflict::new(
                                Kind::KeepApart,
                                format!("{text}, but they must move together ({})", infos[ga as usize].label),
                                &[a, b],
                                vec![a.clone(), b.clone()],
                                vec![ga as usize],
                            ));
                        } else {
                            apart.push((ga.min(gb), ga.max(gb), text));
                        }
                    }
                }
                Constraint::Before { first, then, .. } => {
                    if let (Some(a), Some(b)) = (group_of_app(*first), group_of_app(*then)) {
                        if a == b {
                            let (first, then) = (&estate.application(*first).name, &estate.application(*then).name);
                            conflicts.push(Conflict::new(
                                Kind::Before,
                                format!(
                                    "'{first}' must move before '{then}', but they must move together ({})",
                                    infos[a as usize].label
                                ),
                                &[first, then],
                                vec![first.clone(), then.clone()],
                                vec![a as usize],
                            ));
                        } else {
                            add_edge(a, b, 1, EdgeWhy::Before);
                        }
                    }
                }
                Constraint::MoveTogether { .. } => {}
            }
        }
        for (copy, production) in copies_of_production(estate) {
            if let (Some(a), Some(b)) = (group_of_app(copy), group_of_app(production)) {
                if a == b {
                    let (copy, production) = (&estate.application(copy).name, &estate.application(production).name);
                    conflicts.push(Conflict::new(
                        Kind::NonProductionFirst,
                        format!(
                            "'{copy}' is a non-production copy of '{production}' and should move first, but they must move together",
                        ),
                        &[copy, production],
                        vec![copy.clone(), production.clone()],
                        vec![a as usize],
                    ));
                } else {
                    add_edge(a, b, 1, EdgeWhy::NonProductionFirst);
                }
            }
        }
        let relaxed: std::collections::HashSet<usize> = groups.relaxed_edges.iter().copied().collect();
        let mut pair_weight: BTreeMap<(u32, u32), f64> = BTreeMap::new();
        let weight_of = |weight: f64, latency: bool| if latency { weight * config.latency_weight } else { weight };
        for (i, edge) in graph.edges.iter().enumerate() {
            let (from, to) = (groups.group_of[edge.from.index()].0, groups.group_of[edge.to.index()].0);
            if from == to {
                if let Some(b) = config.precedence.bounds(edge)
                    && b.lo > 0
                    && !relaxed.contains(&i)
                {
                    let (f, t) = (
                        unit_name(estate, graph.units[edge.from.index()]),
                        unit_name(estate, graph.units[edge.to.index()]),
                    );
                    let applications = [edge.from, edge.to]
                        .iter()
                        .filter_map(|u| match graph.units[u.index()] {
                            Unit::Application(a) => Some(estate.application(a).name.clone()),
                            Unit::Server(_) => None,
                        })
                        .collect();
                    conflicts.push(Conflict::new(
                        Kind::Precedence,
                        format!("'{f}' depends on '{t}', which the rules say must move in an earlier wave, but they must move together ({})", infos[from as usize].label),
                        &[f, t],
                        applications,
                        vec![from as usize],
                    ));
                }
                continue;
            }
            *pair_weight.entry((from.min(to), from.max(to))).or_default() +=
                weight_of(edge.weight, edge.latency_sensitive);
            if let Some(b) = config.precedence.bounds(edge)
                && !relaxed.contains(&i)
            {
                add_edge(to, from, b.lo, EdgeWhy::Dependency);
            }
        }
        let mut staying = vec![0.0f64; n];
        for link in &graph.staying_links {
            if matches!(link.other, Place::StaysOnPremises | Place::Retired) {
                staying[groups.group_of[link.unit.index()].index()] += weight_of(link.weight, link.latency_sensitive);
            }
        }
        let links: Vec<(u32, u32, f64)> = pair_weight.into_iter().map(|((a, b), w)| (a, b, w)).collect();
        let mut adjacent: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        for &(a, b, w) in &links {
            adjacent[a as usize].push((b, w));
            adjacent[b as usize].push((a, w));
        }

        // Edges that close a cycle cannot all hold: name them, drop the
        // strict ones so a best-effort plan can still be laid out.
        let all_edges: Vec<GroupEdge> = by_pair.into_values().collect();
        let components = crate::graph::strongly_connected(n, all_edges.iter().map(|e| (e.pred, e.succ)));
        let mut component = vec![usize::MAX; n];
        for (i, c) in components.iter().enumerate() {
            for &g in c {
                component[g as usize] = i;
            }
        }
        let mut dropped_edges = Vec::new();
        let mut edges = Vec::new();
        for e in all_edges {
            let c = component[e.pred as usize];
            if c != usize::MAX && c == component[e.succ as usize] {
                dropped_edges.push(e);
            } else {
                edges.push(e);
            }
        }
        for c in &components {
            let inside: Vec<&GroupEdge> = dropped_edges.iter().filter(|e| c.contains(&e.pred)).collect();
            let said: Vec<String> = inside
                .iter()
                .map(|e| {
                    let (p, s) = (&infos[e.pred as usize].label, &infos[e.succ as usize].label);
                    match e.why {
                        EdgeWhy::Dependency => format!("'{s}' depends on '{p}'"),
                        EdgeWhy::Before => format!("'{p}' must move before '{s}'"),
                        EdgeWhy::NonProductionFirst => format!("'{p}' is the non-production copy of '{s}'"),
                    }
                })
                .collect();
            let names: Vec<&str> = c.iter().map(|&g| infos[g as usize].label.as_str()).collect();
            let kind =
                if inside.iter().any(|e| e.why == EdgeWhy::Before) { Kind::Before } else { Kind::NonProductionFirst };
            conflicts.push(Conflict::new(
                kind,
                format!("these cannot all hold: {}", said.join("; ")),
                &names,
                Vec::new(),
                c.iter().map(|&g| g as usize).collect(),
            ));
        }
        // Keep only the non-strict edges of a cycle: they cannot be kept
        // with the strict ones, but they keep the best-effort plan close.
        let mut preds = vec![Vec::new(); n];
        let mut succs = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            preds[e.succ as usize].push(i as u32);
            succs[e.pred as usize].push(i as u32);
        }

        // The pilot: waves 1..=pilot_waves, for groups of no mission-critical
        // application that are non-production, not shared infrastructure and
        // of low criticality (or pinned there).
        let mut apart_of = vec![Vec::new(); n];
        for &(a, b, _) in &apart {
            apart_of[a as usize].push(b);
            apart_of[b as usize].push(a);
        }
        let caps = caps(config);
        for info in infos.iter_mut() {
            info.pilot_eligible = !info.apps.is_empty()
                && info.criticality < 3
                && info.apps.len() as u32 <= config.pilot_applications
                && caps.iter().zip(info.need).all(|(c, x)| c.is_none_or(|c| x <= c));
        }
        for (g, info) in infos.iter_mut().enumerate() {
            let pinned_in_pilot = pinned[g].is_some_and(|w| w <= config.pilot_waves);
            info.pilot_eligible &=
                pinned_in_pilot || (!info.production && !info.infrastructure && info.criticality <= 1);
        }
        let pilot_waves = if config.pilot_applications > 0 && infos.iter().any(|i| i.pilot_eligible) {
            config.pilot_waves
        } else {
            0
        };
        for (g, info) in infos.iter().enumerate() {
            if pilot_waves > 0 && !info.pilot_eligible && earliest[g] <= pilot_waves {
                earliest[g] = pilot_waves + 1;
                let text = if info.criticality >= 3 {
                    format!("'{}' is mission-critical, which stays out of the pilot waves", info.label)
                } else {
                    format!(
                        "'{}' does not qualify for the pilot waves (small, non-production, not shared infrastructure)",
                        info.label
                    )
                };
                let pin = pinned[g].is_some_and(|w| w <= pilot_waves);
                if pin {
                    conflicts.push(Conflict::new(
                        Kind::Pilot,
                        format!("{}, but {text}", pin_text[g]),
                        &[&info.label],
                        Vec::new(),
                        vec![g],
                    ));
                }
                earliest_why[g] = Some(BoundWhy::new(g as u32, Kind::Pilot, text));
            }
        }

        // Capacity: a group larger than a wave can never be placed.
        for (g, info) in infos.iter().enumerate() {
            for (r, (cap, need)) in caps.iter().zip(info.need).enumerate() {
                if let Some(cap) = cap
                    && need > *cap + 1e-9
                {
                    conflicts.push(Conflict::new(
                        Kind::Capacity,
                        format!(
                            "move group '{}' needs {} {}, more than the {} a wave may take: raise the limit or split the group",
                            info.label,
                            round_need(need),
                            RESOURCE_NAMES[r],
                            round_need(*cap)
                        ),
                        &[&info.label],
                        Vec::new(),
                        vec![g],
                    ));
                }
            }
        }

        // Calendar: which waves each window can open in, up to a horizon
        // long enough for one group a wave plus every blackout.
        let finite_bounds = pinned.iter().flatten().chain(earliest.iter()).copied().max().unwrap_or(1);
        let blackout_waves: u32 = config
            .blackouts
            .iter()
            .map(|b| ((b.end - b.start).num_days().max(0) as u32) / config.wave_days.max(1) + 2)
            .sum();
        let horizon = finite_bounds + n as u32 + pilot_waves + blackout_waves + 2;
        let open: Vec<Vec<bool>> = window_index
            .iter()
            .map(|w| {
                let mut v = vec![false; horizon as usize + 1];
                for (wave, slot) in v.iter_mut().enumerate().skip(1) {
                    *slot = cutover_in_wave(config, w.as_ref(), wave as u32).is_some();
                }
                v
            })
            .collect();

        let mut problem = Problem {
            groups: infos,
            caps,
            pilot_waves,
            pilot_applications: config.pilot_applications,
            edges,
            preds,
            succs,
            apart,
            apart_of,
            links,
            adjacent,
            staying,
            earliest,
            earliest_why,
            latest: latest.iter().map(|&l| l.min(horizon)).collect(),
            latest_why,
            pinned,
            windows: window_index,
            open,
            horizon,
            wave_days: config.wave_days.max(1),
            conflicts,
            dropped_edges,
            dr_cost: Vec::new(),
            dr_weight: 0.0,
        };
        problem.propagate_bounds();
        if config.minimise_dr_gap_days {
            problem.table_dr_cost(estate, config);
        }
        let prepared = Prepared { graph, groups, server_count_of_unit, storage_of_unit };
        (problem, prepared)
    }

    /// The DR part of the objective if `group` cut over in `wave` (0 when DR is not minimised).
    pub fn dr_cost(&self, group: u32, wave: u32) -> f64 {
        let Some(table) = self.dr_cost.get(group as usize).filter(|t| t.len() > 2) else { return 0.0 };
        let last = table.len() - 1;
        match table.get(wave as usize) {
            Some(&c) if wave > 0 => c,
            _ if wave == 0 => 0.0,
            _ => table[last] + (table[last] - table[last - 1]) * f64::from(wave - last as u32),
        }
    }

    /// Tables [`Problem::dr_cost`]: each mission-critical application's
    /// gap-days ([`crate::dr::gap_days_in_wave`]) for each wave it could cut
    /// over in, counted to one fixed day past the tabled waves, so that the
    /// difference between two waves is exact whatever the programme's end.
    fn table_dr_cost(&mut self, estate: &Estate, config: &PlanConfig) {
        let n = self.groups.len();
        let total: f64 = self.links.iter().map(|l| 2.0 * l.2).sum::<f64>() + self.staying.iter().sum::<f64>();
        self.dr_weight =
            if config.dr_gap_day_weight > 0.0 { config.dr_gap_day_weight } else { (total / n.max(1) as f64).max(1.0) };
        let waves = self.horizon.clamp(2, DR_TABLE_WAVES);
        let end = config.wave_end(waves + 1);
        self.dr_cost = vec![Vec::new(); n];
        for (g, info) in self.groups.iter().enumerate() {
            let critical: Vec<&crate::model::Application> =
                info.apps.iter().map(|&a| estate.application(a)).filter(|a| criticality(a.tier()) == 3).collect();
            if critical.is_empty() {
                continue;
            }
            let mut table = vec![0.0; waves as usize + 1];
            for (w, cost) in table.iter_mut().enumerate().skip(1) {
                let days: u32 = critical.iter().map(|a| crate::dr::gap_days_in_wave(a, config, w as u32, end)).sum();
                *cost = self.dr_weight * f64::from(days);
            }
            self.dr_cost[g] = table;
        }
    }

    /// Whether the calendar lets every application of the group cut over in `wave`.
    pub fn calendar_open(&self, group: u32, wave: u32) -> bool {
        wave >= 1
            && wave <= self.horizon
            && self.groups[group as usize].windows.iter().all(|&w| self.open[w as usize][wave as usize])
    }

    /// Whether a group may take a wave by its own constraints (calendar,
    /// bounds, pilot), whatever the other groups do.
    pub fn allowed(&self, group: u32, wave: u32) -> bool {
        let g = group as usize;
        wave >= self.earliest[g]
            && wave <= self.latest[g]
            && (wave > self.pilot_waves || self.groups[g].pilot_eligible)
            && self.calendar_open(group, wave)
    }

    /// The limit of a resource in a wave (pilot waves take fewer applications).
    pub fn cap(&self, resource: usize, wave: u32) -> Option<f64> {
        let cap = self.caps[resource];
        if resource == 1 && wave <= self.pilot_waves {
            Some(cap.map_or(f64::from(self.pilot_applications), |c| c.min(f64::from(self.pilot_applications))))
        } else {
            cap
        }
    }

    /// Whether the group is larger than some wave limit (placed alone, and named a conflict).
    pub fn oversized(&self, group: u32) -> bool {
        self.caps.iter().zip(self.groups[group as usize].need).any(|(c, x)| c.is_some_and(|c| x > c + 1e-9))
    }

    /// A topological order of the groups, ready groups by smallest key.
    pub fn topological_order<K: Ord + Copy>(&self, key: impl Fn(u32) -> K) -> Vec<u32> {
        let n = self.groups.len();
        let mut waiting: Vec<usize> = self.preds.iter().map(Vec::len).collect();
        let mut ready: BinaryHeap<std::cmp::Reverse<(K, u32)>> =
            (0..n as u32).filter(|&g| waiting[g as usize] == 0).map(|g| std::cmp::Reverse((key(g), g))).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(std::cmp::Reverse((_, g))) = ready.pop() {
            order.push(g);
            for &e in &self.succs[g as usize] {
                let s = self.edges[e as usize].succ;
                waiting[s as usize] -= 1;
                if waiting[s as usize] == 0 {
                    ready.push(std::cmp::Reverse((key(s), s)));
                }
            }
        }
        order
    }

    /// Earliest waves forward and latest waves backward through precedence
    /// and the calendar; a group whose earliest passes its latest is a conflict.
    fn propagate_bounds(&mut self) {
        let order = self.topological_order(|g| g);
        for &g in &order {
            let gi = g as usize;
            for &e in &self.preds[gi].clone() {
                let edge = self.edges[e as usize];
                let bound = self.earliest[edge.pred as usize] + edge.offset;
                if bound > self.earliest[gi] {
                    self.earliest[gi] = bound;
                    self.earliest_why[gi] = self.earliest_why[edge.pred as usize].clone().map(|mut why| {
                        why.through.push(edge.pred);
                        why
                    });
                }
            }
            let mut w = self.earliest[gi];
            while w < self.horizon
                && !(self.calendar_open(g, w) && (w > self.pilot_waves || self.groups[gi].pilot_eligible))
            {
                w += 1;
            }
            if w > self.earliest[gi] {
                let text = format!(
                    "no maintenance window of '{}' opens outside the blackouts before wave {w}",
                    self.groups[gi].label
                );
                self.earliest_why[gi] = Some(BoundWhy::new(g, Kind::Calendar, text));
                self.earliest[gi] = w;
            }
        }
        for &g in order.iter().rev() {
            let gi = g as usize;
            for &e in &self.succs[gi].clone() {
                let edge = self.edges[e as usize];
                let bound = self.latest[edge.succ as usize].saturating_sub(edge.offset);
                if bound < self.latest[gi] {
                    self.latest[gi] = bound;
                    self.latest_why[gi] = self.latest_why[edge.succ as usize].clone().map(|mut why| {
                        why.through.push(edge.succ);
                        why.waited_for = true;
                        why
                    });
                }
            }
            let mut w = self.latest[gi];
            while w > 0 && !self.calendar_open(g, w) {
                w -= 1;
            }
            self.latest[gi] = w;
        }
        for g in 0..self.groups.len() {
            if self.earliest[g] > self.latest[g] {
                let describe = |why: &Option<BoundWhy>, fallback: &str| {
                    why.as_ref().map_or_else(|| fallback.to_string(), |w| w.describe(self))
                };
                let early = describe(&self.earliest_why[g], "it can only move later");
                let late = describe(&self.latest_why[g], "the calendar has no opening for it");
                let mut names: Vec<&str> = vec![self.groups[g].label.as_str()];
                let mut groups = vec![g];
                for why in [&self.earliest_why[g], &self.latest_why[g]].into_iter().flatten() {
                    names.push(self.groups[why.origin as usize].label.as_str());
                    groups.push(why.origin as usize);
                }
                names.dedup();
                let kind = self.latest_why[g].as_ref().map_or(Kind::Calendar, |w| w.constraint);
                self.conflicts.push(Conflict::new(
                    kind,
                    format!(
                        "'{}' cannot move before wave {} because {early}, but must move by wave {} because {late}",
                        self.groups[g].label, self.earliest[g], self.latest[g]
                    ),
                    &names,
                    Vec::new(),
                    groups,
                ));
                // Best effort: the latest bound gives way.
                self.latest[g] = self.horizon;
            }
        }
    }
}

fn round_need(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round()) } else { format!("{x:.1}") }
}
