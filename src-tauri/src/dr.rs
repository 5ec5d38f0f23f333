//! The DR coverage screen's list: every application with DR gap-days,
//! mission-critical first, and the days coverage is full and restored, as
//! the planner's DR timeline (`core::dr::timeline`) worked them out. A thin
//! adapter: the days are counted in core, never here.

use tauri::{AppHandle, Runtime};

use crate::error::AppResult;
use crate::wire::{DrGap, DrGaps};

/// The DR gap list of a plan.
pub fn gaps(plan: &waveplan_core::Plan) -> DrGaps {
    let timeline = &plan.dr;
    let mut applications: Vec<&waveplan_core::dr::AppDr> =
        timeline.applications.iter().filter(|a| a.gap_days > 0 || a.ends_below_target).collect();
    // Most critical first (the tiers are declared from most to least), then the longest gap.
    applications.sort_by(|a, b| {
        (a.tier as u8).cmp(&(b.tier as u8)).then(b.gap_days.cmp(&a.gap_days)).then(a.name.cmp(&b.name))
    });
    DrGaps {
        applications: applications
            .into_iter()
            .map(|a| DrGap {
                name: a.name.clone(),
                tier: a.tier.as_str().to_string(),
                gap_days: a.gap_days,
                gap_days_caused: a.gap_days_caused,
                end_posture: a.end_posture.as_str().to_string(),
                ends_below_target: a.ends_below_target,
                note: a.note.clone(),
            })
            .collect(),
        gap_days: u32::try_from(timeline.gap_days).unwrap_or(u32::MAX),
        gap_days_mission_critical: u32::try_from(timeline.gap_days_mission_critical).unwrap_or(u32::MAX),
        full_coverage_from: timeline.full_coverage_from.map(|d| d.to_string()),
        coverage_restored_from: timeline.coverage_restored_from.map(|d| d.to_string()),
        measured: timeline.from.is_some(),
    }
}

/// The applications with DR gap-days in the plan on the board.
#[tauri::command]
pub async fn dr_gaps<R: Runtime>(app: AppHandle<R>) -> AppResult<DrGaps> {
    crate::commands::blocking(app, |_, state| state.with_session(|s| Ok(gaps(s.plan()?)))).await
}
