//! Drag-a-card feedback: the plan with one move group put in another wave,
//! checked from scratch with `core::verify_plan`.
//!
//! This is the one place the board's what-if lives, so the planner's
//! incremental what-if API can replace it at merge without touching the
//! commands. It edits the plan only as a drag does (which wave each
//! application, its servers and its figures are in); it decides nothing.

use chrono::Duration;
use waveplan_core::{Estate, Plan, verify_plan};

use crate::error::{AppError, AppResult};

/// Moves `application` and the rest of its move group to `wave`, re-checks
/// every hard constraint and returns the names that moved.
pub fn move_application(estate: &Estate, plan: &mut Plan, application: &str, wave: u32) -> AppResult<Vec<String>> {
    let placement = plan
        .applications
        .iter()
        .find(|p| p.name == application)
        .ok_or_else(|| AppError::NotFound { what: "application in the plan".into(), name: application.into() })?;
    let group = placement.move_group;
    let last = plan.waves.last().map_or(0, |w| w.index);
    if wave == 0 || wave > last + 1 {
        return Err(AppError::invalid("wave", format!("wave {wave} does not exist (the plan has waves 1 to {last}, and a new one after)")));
    }
    if wave == last + 1 {
        add_wave(plan);
    }
    let moved: Vec<String> = plan.applications.iter().filter(|p| p.move_group == group).map(|p| p.name.clone()).collect();
    for name in &moved {
        move_one(estate, plan, name, wave);
    }
    for summary in plan.move_groups.iter_mut().filter(|g| g.index == group) {
        summary.wave = wave;
    }
    plan.violations = verify_plan(estate, plan);
    plan.metrics.hard_violations = plan.violations.len();
    Ok(moved)
}

/// An empty wave after the last, on the plan's calendar.
fn add_wave(plan: &mut Plan) {
    let index = plan.waves.last().map_or(1, |w| w.index + 1);
    plan.waves.push(waveplan_core::plan::Wave {
        index,
        name: format!("Wave {index}"),
        start: plan.config.wave_start(index),
        end: plan.config.wave_end(index),
        pilot: false,
        applications: Vec::new(),
        servers: Vec::new(),
        storage_gb: 0.0,
        downtime_minutes: 0,
        downtime_longest_minutes: 0,
        schedule: Default::default(),
    });
}

fn move_one(estate: &Estate, plan: &mut Plan, name: &str, to: u32) {
    let Some(p) = plan.applications.iter_mut().find(|p| p.name == name) else { return };
    let from = p.wave;
    if from == to {
        return;
    }
    p.wave = to;
    let shift = plan.config.wave_start(to) - plan.config.wave_start(from);
    p.cutover = p.cutover.map(|c| c + Duration::days(shift.num_days()));
    let (storage, minutes) = (p.storage_gb, p.downtime.minutes);
    let servers: Vec<String> = estate
        .applications
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.servers.iter().map(|&s| estate.server(s).name.clone()).collect())
        .unwrap_or_default();
    if let Some(w) = plan.waves.iter_mut().find(|w| w.index == from) {
        w.applications.retain(|a| a != name);
        w.servers.retain(|s| !servers.contains(s));
        w.storage_gb = (w.storage_gb - storage).max(0.0);
        w.downtime_minutes = w.downtime_minutes.saturating_sub(u64::from(minutes));
    }
    if let Some(w) = plan.waves.iter_mut().find(|w| w.index == to) {
        w.applications.push(name.to_string());
        for s in servers {
            if !w.servers.contains(&s) {
                w.servers.push(s);
            }
        }
        w.storage_gb += storage;
        w.downtime_minutes += u64::from(minutes);
    }
    let longest: HashMap<u32, u32> = plan.applications.iter().fold(HashMap::new(), |mut m, p| {
        let e = m.entry(p.wave).or_insert(0);
        *e = (*e).max(p.downtime.minutes);
        m
    });
    for w in &mut plan.waves {
        w.downtime_longest_minutes = longest.get(&w.index).copied().unwrap_or(0);
    }
}

use std::collections::HashMap;

/// Why `application` is in its wave, and what each earlier wave would break.
pub fn explain(estate: &Estate, plan: &Plan, application: &str) -> AppResult<crate::wire::Explanation> {
    let placement = plan
        .applications
        .iter()
        .find(|p| p.name == application)
        .ok_or_else(|| AppError::NotFound { what: "application in the plan".into(), name: application.into() })?;
    let before: Vec<_> = plan.violations.clone();
    let mut earlier = Vec::new();
    for wave in (1..placement.wave).rev() {
        let mut trial = plan.clone();
        move_application(estate, &mut trial, application, wave)?;
        let broken = trial.violations.iter().filter(|v| !before.contains(v)).map(crate::view::violation).collect();
        earlier.push(crate::wire::EarlierWave { wave, broken });
    }
    let group = plan.move_groups.iter().find(|g| g.index == placement.move_group);
    Ok(crate::wire::Explanation {
        application: application.to_string(),
        wave: placement.wave,
        reasons: placement.reasons.clone(),
        group_reasons: group.map(|g| g.reasons.clone()).unwrap_or_default(),
        moves_with: group.map(|g| g.members.iter().filter(|m| *m != application).cloned().collect()).unwrap_or_default(),
        downtime_steps: placement.downtime.steps.iter().map(|s| format!("{}: {}", s.step, s.arithmetic)).collect(),
        earlier,
    })
}
