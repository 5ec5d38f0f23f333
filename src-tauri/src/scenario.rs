//! The scenario commands: list, duplicate, rename, delete, switch, and
//! compare two side by side (`core::compare::compare_plans`, the comparison
//! `waveplan compare` prints). Thin adapters over the session's scenario
//! actions, like `commands.rs`; kept apart so the scenario screen grows here.

use std::sync::Arc;

use tauri::{AppHandle, Runtime};
use waveplan_app::Session;
use waveplan_core::compare::{self, MetricValue, Side};

use crate::error::{AppError, AppResult};
use crate::view;
use crate::wire::{Board, MetricRow, MovedApplication, ProjectView, ScenarioComparison, ScenarioView, SettingRow};

async fn with_session<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&mut Session) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    crate::commands::blocking(app, move |_, state| state.with_session(f)).await
}

/// Every scenario of the project with its headline figures.
pub fn list(session: &Session) -> AppResult<Vec<ScenarioView>> {
    let mut rows = Vec::new();
    for summary in session.project().scenarios()? {
        let plan = if summary.name == session.scenario() {
            session.plan_arc().cloned()
        } else {
            session.saved_plan(&summary.name)?.map(Arc::new)
        };
        let objective = plan.as_deref().map(view::objective).unwrap_or_default();
        rows.push(ScenarioView {
            current: summary.name == session.scenario(),
            name: summary.name,
            waves: objective.waves,
            hard_violations: objective.hard_violations,
            programme_end: objective.programme_end,
        });
    }
    Ok(rows)
}

/// The scenarios, with the board's marked.
#[tauri::command]
pub async fn scenarios<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<ScenarioView>> {
    with_session(app, |s| list(s)).await
}

/// A copy of scenario `from` under the name `to` (the board stays where it is).
#[tauri::command]
pub async fn duplicate_scenario<R: Runtime>(
    app: AppHandle<R>,
    from: String,
    to: String,
) -> AppResult<Vec<ScenarioView>> {
    with_session(app, move |s| {
        s.copy_scenario(&from, &to)?;
        list(s)
    })
    .await
}

/// Renames a scenario.
#[tauri::command]
pub async fn rename_scenario<R: Runtime>(app: AppHandle<R>, from: String, to: String) -> AppResult<Vec<ScenarioView>> {
    with_session(app, move |s| {
        s.rename_scenario(&from, &to)?;
        list(s)
    })
    .await
}

/// Deletes a scenario other than the one on the board.
#[tauri::command]
pub async fn delete_scenario<R: Runtime>(app: AppHandle<R>, name: String) -> AppResult<Vec<ScenarioView>> {
    with_session(app, move |s| {
        s.delete_scenario(&name)?;
        list(s)
    })
    .await
}

/// Puts another scenario on the board.
#[tauri::command]
pub async fn switch_scenario<R: Runtime>(app: AppHandle<R>, name: String) -> AppResult<(ProjectView, Board)> {
    with_session(app, move |s| {
        s.switch_scenario(&name)?;
        Ok((view::project(s)?, view::board(s.estate(), s.plan()?, s.scenario())))
    })
    .await
}

/// Two scenarios side by side on every metric.
#[tauri::command]
pub async fn compare_scenarios<R: Runtime>(app: AppHandle<R>, a: String, b: String) -> AppResult<ScenarioComparison> {
    with_session(app, move |s| {
        let load = |name: &str| -> AppResult<Arc<waveplan_core::Plan>> {
            let plan = if name == s.scenario() { s.plan_arc().cloned() } else { s.saved_plan(name)?.map(Arc::new) };
            plan.ok_or_else(|| AppError::NotFound { what: "scenario".into(), name: name.into() })
        };
        Ok(comparison(&compare::compare_plans(&a, &*load(&a)?, &b, &*load(&b)?)))
    })
    .await
}

fn comparison(c: &compare::Comparison) -> ScenarioComparison {
    let number = |v: &MetricValue| if let MetricValue::Number(x) = v { Some(*x) } else { None };
    let date = |v: &MetricValue| if let MetricValue::Date(d) = v { Some(d.to_string()) } else { None };
    let side = |s: Side| if s == Side::A { "a" } else { "b" }.to_string();
    ScenarioComparison {
        a: c.a.clone(),
        b: c.b.clone(),
        metrics: c
            .metrics
            .iter()
            .map(|m| MetricRow {
                key: m.key.clone(),
                label: m.label.clone(),
                unit: m.unit.clone(),
                a: number(&m.a),
                b: number(&m.b),
                a_date: date(&m.a),
                b_date: date(&m.b),
                measured: vec![m.measured.0, m.measured.1],
                difference: m.difference,
                better: m.better.map(side),
            })
            .collect(),
        settings: c
            .settings
            .iter()
            .map(|r| SettingRow { key: r.key.clone(), a: r.a.clone(), b: r.b.clone() })
            .collect(),
        moved: c
            .moved
            .iter()
            .map(|m| MovedApplication { application: m.name.clone(), wave_a: m.wave_a, wave_b: m.wave_b })
            .collect(),
        wins: vec![c.wins.0 as u32, c.wins.1 as u32],
    }
}
