//! Wire types of the wave board's what-if and of scenarios (kept apart from
//! the rest of `wire.rs` so the screens that grow here do not crowd it).
//! No logic: views are made in `whatif.rs` and `scenario.rs`.

use serde::Serialize;
use ts_rs::TS;

use super::ViolationView;

/// The planner's objective, what it minimises: traffic-days first, then
/// waves, then imbalance.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannerObjective {
    /// Traffic-days: `betweenWaves + onPremises`.
    pub traffic_days: f64,
    /// Weight × days between the cutovers of groups that talk.
    pub between_waves: f64,
    /// Weight × days of traffic to what stays on premises.
    pub on_premises: f64,
    /// Waves (the last wave used).
    pub waves: u32,
    /// Coefficient of variation of servers per wave (0: even).
    pub imbalance: f64,
}

/// What a move would do, priced by the planner's incremental what-if
/// without changing anything (the card hovering over a wave).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MovePrice {
    /// The application asked about.
    pub application: String,
    /// Its wave now.
    pub from_wave: u32,
    /// The wave it would go to.
    pub to_wave: u32,
    /// Everything that moves with it (its move group, itself included).
    pub moves_with: Vec<String>,
    /// Every hard constraint the move would break (empty: valid).
    pub broken: Vec<ViolationView>,
    /// The objective now.
    pub before: PlannerObjective,
    /// The objective after the move.
    pub after: PlannerObjective,
    /// Milliseconds the shell took to answer.
    pub millis: f64,
}

/// A scenario of the project.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioView {
    /// Its name.
    pub name: String,
    /// Whether the board shows it.
    pub current: bool,
    /// Waves with a cutover.
    pub waves: u32,
    /// Broken hard constraints.
    pub hard_violations: u32,
    /// Last day of the programme (ISO).
    pub programme_end: Option<String>,
}

/// One metric of two scenarios side by side (`core::compare`'s row).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricRow {
    /// The metric's key, as in the plan JSON's `metrics`.
    pub key: String,
    /// In words.
    pub label: String,
    /// `count`, `share` (0 to 1), `minutes`, `days`, `traffic-days` or `date`.
    pub unit: String,
    /// The first scenario's figure (none for a date or no value).
    pub a: Option<f64>,
    /// The second's.
    pub b: Option<f64>,
    /// The first scenario's day (ISO), for a date metric.
    pub a_date: Option<String>,
    /// The second's.
    pub b_date: Option<String>,
    /// Whether each plan has the metric at all (older plans lack some).
    pub measured: Vec<bool>,
    /// `b − a` (days for dates); none when either has no value.
    pub difference: Option<f64>,
    /// `a` or `b`: which does better; none when equal or neither is better by nature.
    pub better: Option<String>,
}

/// A setting that differs between two scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingRow {
    /// The setting's key, as in the plan JSON's `config`.
    pub key: String,
    /// In the first scenario.
    pub a: String,
    /// In the second.
    pub b: String,
}

/// An application placed differently in two scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MovedApplication {
    /// The application.
    pub application: String,
    /// Its wave in the first scenario (none: not planned there).
    pub wave_a: Option<u32>,
    /// Its wave in the second.
    pub wave_b: Option<u32>,
}

/// Two scenarios compared on every metric.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioComparison {
    /// The first scenario.
    pub a: String,
    /// The second.
    pub b: String,
    /// Every metric, in core's fixed order.
    pub metrics: Vec<MetricRow>,
    /// The settings that differ.
    pub settings: Vec<SettingRow>,
    /// Applications in another wave.
    pub moved: Vec<MovedApplication>,
    /// Metrics on which each does better: [a, b].
    pub wins: Vec<u32>,
}

/// An application below its DR target on some day of the programme.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DrGap {
    /// The application.
    pub name: String,
    /// Its tier.
    pub tier: String,
    /// Days below its DR target.
    pub gap_days: u32,
    /// Of those, days the migration itself opens (it met its target before).
    pub gap_days_caused: u32,
    /// Its DR posture at the end of the programme.
    pub end_posture: String,
    /// Whether it ends the programme below its target.
    pub ends_below_target: bool,
    /// Why, when it does.
    pub note: Option<String>,
}

/// The DR gaps of a plan: mission-critical first, then the longest.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DrGaps {
    /// Applications with gap-days, or ending below target.
    pub applications: Vec<DrGap>,
    /// Gap-days of all applications.
    pub gap_days: u32,
    /// Gap-days of mission-critical applications.
    pub gap_days_mission_critical: u32,
    /// First day from which every application meets its target (ISO).
    pub full_coverage_from: Option<String>,
    /// First day from which every application that met its target before the programme meets it again (ISO).
    pub coverage_restored_from: Option<String>,
    /// Whether the plan has a DR timeline (plans saved by an older Waveplan do not).
    pub measured: bool,
}

/// The TypeScript declarations of this module.
pub(super) fn decls() -> Vec<String> {
    vec![
        PlannerObjective::decl(),
        MovePrice::decl(),
        ScenarioView::decl(),
        MetricRow::decl(),
        SettingRow::decl(),
        MovedApplication::decl(),
        ScenarioComparison::decl(),
        DrGap::decl(),
        DrGaps::decl(),
    ]
}
