//! The independent checker of every hard constraint of a plan.
//!
//! It does not trust the planner: it starts again from the estate and the
//! plan's settings, rebuilds the units and move groups, reads where the plan
//! put each application and server, and checks each constraint on its own.
//! It is the oracle the tests use and what `hard_violations` counts.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration};

use crate::graph::{Unit, UnitGraph, UnitId};
use crate::group::form_move_groups_with;
use crate::model::{AppId, Constraint, Estate, Tier};

use super::problem::{RESOURCE_NAMES, RESOURCES, caps, copies_of_production, unit_name, unit_needs};
use super::{Plan, Violation, ViolationKind as Kind};

/// Checks a plan against every hard constraint of the estate, from scratch.
///
/// This does not trust the planner: it is the oracle tests use and what
/// `hard_violations` counts.
pub fn verify_plan(estate: &Estate, plan: &Plan) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut violation = |kind: Kind, message: String, (applications, groups): (Vec<String>, Vec<usize>)| {
        violations.push(Violation::new(kind, message, applications, groups))
    };
    let config = &plan.config;
    let graph = UnitGraph::build(estate);
    let groups = form_move_groups_with(estate, &graph, plan.config.coupling_threshold, &plan.config.precedence);
    // What each violation concerns comes from the ids at hand: applications
    // by name as the plan lists them, move groups as the plan numbers them
    // (its members are applications and servers of no application, by name).
    let group_of: HashMap<&str, usize> =
        plan.move_groups.iter().flat_map(|g| g.members.iter().map(move |m| (m.as_str(), g.index as usize))).collect();
    let of_apps = |names: &[&str]| -> (Vec<String>, Vec<usize>) {
        (names.iter().map(|n| n.to_string()).collect(), names.iter().filter_map(|n| group_of.get(n).copied()).collect())
    };
    let of_units = |units: &[UnitId]| -> (Vec<String>, Vec<usize>) {
        let applications = units
            .iter()
            .filter_map(|u| match graph.units[u.index()] {
                Unit::Application(a) => Some(estate.application(a).name.clone()),
                Unit::Server(_) => None,
            })
            .collect();
        let groups =
            units.iter().filter_map(|&u| group_of.get(unit_name(estate, graph.units[u.index()])).copied()).collect();
        (applications, groups)
    };
    let nothing = || (Vec::new(), Vec::new());

    let mut app_wave: HashMap<&str, u32> = HashMap::new();
    for wave in &plan.waves {
        for name in &wave.applications {
            if app_wave.insert(name.as_str(), wave.index).is_some() {
                violation(Kind::OneWave, format!("'{name}' is in more than one wave"), of_apps(&[name]));
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
            violation(
                Kind::OneWave,
                format!("'{}' migrates but is in no wave", unit_name(estate, *unit)),
                of_units(&[UnitId(i as u32)]),
            );
        }
    }
    for app_id in estate.app_ids() {
        let app = estate.application(app_id);
        if !app.strategy().migrates() && app_wave.contains_key(app.name.as_str()) {
            violation(
                Kind::OneWave,
                format!("'{}' is {} but is in a wave", app.name, app.strategy()),
                of_apps(&[&app.name]),
            );
        }
    }
    let wave_of_app = |app: AppId| graph.unit_of_app(app).and_then(&unit_wave);

    for group in &groups.groups {
        let waves: Vec<Option<u32>> = group.units.iter().map(|&u| unit_wave(u)).collect();
        if waves.windows(2).any(|w| w[0] != w[1]) {
            let names: Vec<&str> = group.units.iter().map(|&u| name(u)).collect();
            violation(
                Kind::MoveTogether,
                format!("{} must move together but are in different waves", names.join(", ")),
                of_units(&group.units),
            );
        }
    }
    let relaxed: std::collections::HashSet<usize> = groups.relaxed_edges.iter().copied().collect();
    for (i, edge) in graph.edges.iter().enumerate() {
        let Some(bounds) = plan.config.precedence.bounds(edge) else { continue };
        if let (Some(from), Some(to)) = (unit_wave(edge.from), unit_wave(edge.to)) {
            if bounds.together && from != to {
                violation(
                    Kind::Precedence,
                    format!(
                        "'{}' (wave {from}) and '{}' (wave {to}) must move together by the precedence rules",
                        name(edge.from),
                        name(edge.to)
                    ),
                    of_units(&[edge.from, edge.to]),
                );
            } else if relaxed.contains(&i) {
                // A weak link of a cycle, left hybrid on purpose.
            } else if to + bounds.lo > from {
                let needed = if bounds.lo > 0 { "an earlier wave" } else { "the same wave or earlier" };
                violation(
                    Kind::Precedence,
                    format!(
                        "'{}' (wave {from}) depends on '{}' (wave {to}), which must move in {needed}",
                        name(edge.from),
                        name(edge.to)
                    ),
                    of_units(&[edge.from, edge.to]),
                );
            }
        }
    }
    for (copy, production) in copies_of_production(estate) {
        if let (Some(a), Some(b)) = (wave_of_app(copy), wave_of_app(production))
            && a >= b
        {
            violation(
                Kind::NonProductionFirst,
                format!(
                    "'{}' (wave {a}) is a non-production copy of '{}' (wave {b}) and should move first",
                    estate.application(copy).name,
                    estate.application(production).name
                ),
                of_apps(&[&estate.application(copy).name, &estate.application(production).name]),
            );
        }
    }
    for constraint in &estate.constraints {
        let app_name = |a: AppId| estate.application(a).name.as_str();
        match constraint {
            Constraint::MoveTogether { .. } => {} // checked through the groups above
            Constraint::KeepApart { a, b, .. } => {
                if let (Some(wa), Some(wb)) = (wave_of_app(*a), wave_of_app(*b))
                    && wa == wb
                {
                    violation(
                        Kind::KeepApart,
                        format!(
                            "'{}' and '{}' must be kept apart but both move in wave {wa}",
                            app_name(*a),
                            app_name(*b)
                        ),
                        of_apps(&[app_name(*a), app_name(*b)]),
                    );
                }
            }
            Constraint::Before { first, then, .. } => {
                if let (Some(wa), Some(wb)) = (wave_of_app(*first), wave_of_app(*then))
                    && wa >= wb
                {
                    violation(
                        Kind::Before,
                        format!(
                            "'{}' (wave {wa}) must move before '{}' (wave {wb})",
                            app_name(*first),
                            app_name(*then)
                        ),
                        of_apps(&[app_name(*first), app_name(*then)]),
                    );
                }
            }
            Constraint::PinWave { app, wave, .. } => {
                if let Some(w) = wave_of_app(*app)
                    && w != *wave
                {
                    violation(
                        Kind::PinWave,
                        format!("'{}' is pinned to wave {wave} but moves in wave {w}", app_name(*app)),
                        of_apps(&[app_name(*app)]),
                    );
                }
            }
            Constraint::NotBefore { app, date, .. } => {
                if let Some(w) = wave_of_app(*app)
                    && config.wave_start(w) < *date
                {
                    violation(
                        Kind::NotBefore,
                        format!(
                            "'{}' must not move before {date} but wave {w} starts {}",
                            app_name(*app),
                            config.wave_start(w)
                        ),
                        of_apps(&[app_name(*app)]),
                    );
                }
            }
            Constraint::NotAfter { app, date, .. } => {
                if let Some(w) = wave_of_app(*app)
                    && config.wave_end(w) > *date
                {
                    violation(
                        Kind::NotAfter,
                        format!("'{}' must move by {date} but wave {w} ends {}", app_name(*app), config.wave_end(w)),
                        of_apps(&[app_name(*app)]),
                    );
                }
            }
        }
    }
    // Capacity: every resource of every wave, summed from the estate.
    let (needs, _, _) = unit_needs(estate, &graph, config);
    let mut load: BTreeMap<u32, [f64; RESOURCES]> = BTreeMap::new();
    for (i, need) in needs.iter().enumerate() {
        if let Some(w) = unit_wave(UnitId(i as u32)) {
            let slot = load.entry(w).or_insert([0.0; RESOURCES]);
            for (l, x) in slot.iter_mut().zip(need) {
                *l += x;
            }
        }
    }
    let limits = caps(config);
    for wave in &plan.waves {
        let used = load.get(&wave.index).copied().unwrap_or([0.0; RESOURCES]);
        for r in 0..RESOURCES {
            let mut limit = limits[r];
            if r == 1 && wave.pilot {
                limit = Some(
                    limit.map_or(f64::from(config.pilot_applications), |l| l.min(f64::from(config.pilot_applications))),
                );
            }
            if let Some(max) = limit
                && used[r] > max + 1e-9 * max.max(1.0)
            {
                // A wave's rule: no one card breaks it, so none is named.
                violation(
                    Kind::Capacity,
                    format!(
                        "{} takes {} {}, more than the {} a wave may take",
                        wave.name,
                        super::search::fmt_need(used[r]),
                        RESOURCE_NAMES[r],
                        super::search::fmt_need(max)
                    ),
                    nothing(),
                );
            }
        }
    }

    // Pilot waves come first and hold no mission-critical application.
    let mut pilot_over = false;
    for wave in &plan.waves {
        if wave.pilot && pilot_over {
            violation(Kind::Pilot, format!("{} is a pilot wave after an ordinary one", wave.name), nothing());
        }
        pilot_over |= !wave.pilot;
        if wave.pilot {
            for name in &wave.applications {
                if let Some(app) = estate.applications.iter().find(|a| &a.name == name)
                    && app.tier() == Tier::MissionCritical
                {
                    violation(
                        Kind::Pilot,
                        format!("'{name}' is mission-critical but moves in the pilot {}", wave.name),
                        of_apps(&[name]),
                    );
                }
            }
        }
    }

    // Calendar: each cutover inside an opening of its window (or the
    // programme's default window) in its wave, opened on a day outside every
    // blackout; without a window, on a day of the wave outside every blackout.
    let default_window = config.downtime.default_window().ok().flatten();
    let blacked_out = |day: chrono::NaiveDate| config.blackouts.iter().find(|b| b.covers(day));
    let placement: HashMap<&str, &super::Placement> = plan.applications.iter().map(|p| (p.name.as_str(), p)).collect();
    for (i, unit) in graph.units.iter().enumerate() {
        let Some(w) = unit_wave(UnitId(i as u32)) else { continue };
        let (start, end) = (config.wave_start(w), config.wave_end(w));
        let window = match unit {
            Unit::Application(a) => estate.application(*a).maintenance_window.as_ref().or(default_window.as_ref()),
            Unit::Server(_) => None,
        };
        let unit_label = name(UnitId(i as u32));
        let cutover = placement.get(unit_label).and_then(|p| p.cutover);
        match (window, cutover) {
            (Some(window), cutover) => {
                let mut day = start;
                let mut opens = false;
                while day <= end {
                    let last =
                        (day.and_time(window.start) + Duration::minutes(i64::from(window.minutes.max(1)) - 1)).date();
                    opens |= window.days.contains(&day.weekday())
                        && !config.blackouts.iter().any(|b| b.start <= last && b.end >= day);
                    day += Duration::days(1);
                }
                if !opens {
                    violation(
                        Kind::Calendar,
                        format!(
                            "'{unit_label}' moves in wave {w}, but its window {window} does not open in it outside the blackouts"
                        ),
                        of_units(&[UnitId(i as u32)]),
                    );
                }
                // The planned cutover time, when it lies in the wave.
                let Some(at) = cutover.filter(|at| at.date() >= start && at.date() <= end + Duration::days(1)) else {
                    continue;
                };
                let opened = [at.date(), at.date() - Duration::days(1)].into_iter().find(|&day| {
                    let open = day.and_time(window.start);
                    window.days.contains(&day.weekday())
                        && open <= at
                        && at < open + Duration::minutes(i64::from(window.minutes.max(1)))
                });
                match opened {
                    Some(day) => {
                        let last = (day.and_time(window.start)
                            + Duration::minutes(i64::from(window.minutes.max(1)) - 1))
                        .date();
                        if let Some(b) = config.blackouts.iter().find(|b| b.start <= last && b.end >= day) {
                            violation(
                                Kind::Calendar,
                                format!(
                                    "'{unit_label}' cuts over at {at}, during the blackout '{}' ({} to {})",
                                    b.name, b.start, b.end
                                ),
                                of_units(&[UnitId(i as u32)]),
                            );
                        }
                    }
                    None => violation(
                        Kind::Calendar,
                        format!("'{unit_label}' cuts over at {at}, outside its window {window}"),
                        of_units(&[UnitId(i as u32)]),
                    ),
                }
            }
            (None, cutover) => {
                if let Some(at) = cutover
                    && let Some(b) = blacked_out(at.date())
                {
                    violation(
                        Kind::Calendar,
                        format!(
                            "'{unit_label}' cuts over at {at}, during the blackout '{}' ({} to {})",
                            b.name, b.start, b.end
                        ),
                        of_units(&[UnitId(i as u32)]),
                    );
                }
                let mut day = start;
                let mut free = false;
                while day <= end {
                    free |= blacked_out(day).is_none();
                    day += Duration::days(1);
                }
                if !free {
                    violation(
                        Kind::Calendar,
                        format!("'{unit_label}' moves in wave {w}, which lies wholly in blackouts"),
                        of_units(&[UnitId(i as u32)]),
                    );
                }
            }
        }
    }
    violations.extend(crate::downtime::cutover_violations(estate, plan));
    violations
}
