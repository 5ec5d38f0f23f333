//! The objective: the one function that prices an assignment of groups to
//! waves, used by the planner, the what-if session, the exact model's
//! checks, the benchmark and the tests.
//!
//! Hybrid traffic-days first: for every pair of groups that talk, weight ×
//! the days their cutovers lie apart; for every group that talks to
//! something staying on premises, weight × the days from its cutover to the
//! end of the programme; latency-sensitive traffic weighted up
//! ([`super::PlanConfig::latency_weight`]). Then the number of waves. Then
//! imbalance: the coefficient of variation of servers per wave. Asked for,
//! mission-critical DR gap-days are added to the traffic-days, each at a
//! weight ([`Problem::dr_cost`]).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::problem::Problem;

/// What the planner minimises first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectiveKind {
    /// Traffic-days, then waves, then imbalance.
    #[default]
    TrafficDays,
    /// Waves, then traffic-days, then imbalance.
    FewestWaves,
}

impl ObjectiveKind {
    /// The spellings the command line accepts.
    pub const NAMES: &'static [(&'static str, ObjectiveKind)] =
        &[("traffic-days", ObjectiveKind::TrafficDays), ("fewest-waves", ObjectiveKind::FewestWaves)];

    /// Parses one of [`ObjectiveKind::NAMES`].
    pub fn parse(text: &str) -> Option<ObjectiveKind> {
        ObjectiveKind::NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(text.trim())).map(|&(_, k)| k)
    }
}

/// The objective's parts for one assignment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveValue {
    /// `between_waves + on_premises`: what is minimised first.
    pub traffic_days: f64,
    /// Weight × days between the cutovers of groups that talk.
    pub between_waves: f64,
    /// Weight × days from a group's cutover to the programme's end, for its
    /// traffic to what stays on premises.
    pub on_premises: f64,
    /// Weight of the traffic between groups in different waves.
    pub cut_weight: f64,
    /// Waves (the last wave used).
    pub waves: u32,
    /// Coefficient of variation of servers per wave (0: perfectly even).
    pub imbalance: f64,
    /// The secondary objective when asked for
    /// ([`super::PlanConfig::minimise_dr_gap_days`]): mission-critical DR
    /// gap-days, each worth [`Problem::dr_weight`] traffic-days, minimised
    /// added to `traffic_days`. 0 otherwise.
    #[serde(default)]
    pub dr_cost: f64,
}

impl ObjectiveValue {
    /// What is minimised first: traffic-days, with the DR cost when asked for.
    pub fn cost(&self) -> f64 {
        self.traffic_days + self.dr_cost
    }
}

/// Prices an assignment (`wave[g]`, 1-based) of the problem's groups.
pub fn evaluate(problem: &Problem, wave: &[u32]) -> ObjectiveValue {
    let waves = wave.iter().copied().max().unwrap_or(0);
    let days = f64::from(problem.wave_days);
    let mut value = ObjectiveValue { waves, ..ObjectiveValue::default() };
    for &(a, b, w) in &problem.links {
        let apart = wave[a as usize].abs_diff(wave[b as usize]);
        if apart > 0 {
            value.cut_weight += w;
            value.between_waves += w * f64::from(apart) * days;
        }
    }
    for (g, &s) in problem.staying.iter().enumerate() {
        value.on_premises += s * f64::from(waves - wave[g]) * days;
    }
    value.traffic_days = value.between_waves + value.on_premises;
    value.dr_cost = (0..wave.len() as u32).map(|g| problem.dr_cost(g, wave[g as usize])).sum();
    let mut servers = vec![0.0f64; waves as usize + 1];
    for (g, &w) in wave.iter().enumerate() {
        servers[w as usize] += problem.groups[g].need[0];
    }
    value.imbalance = imbalance(servers[1..].iter().sum(), servers[1..].iter().map(|s| s * s).sum(), waves);
    value
}

/// Coefficient of variation from the sum and sum of squares of servers over `waves` waves.
pub(crate) fn imbalance(sum: f64, squares: f64, waves: u32) -> f64 {
    if waves == 0 || sum <= 0.0 {
        return 0.0;
    }
    let n = f64::from(waves);
    let mean = sum / n;
    ((squares / n - mean * mean).max(0.0)).sqrt() / mean
}

/// Relative tolerance under which two traffic figures count as equal.
pub(crate) const EPSILON: f64 = 1e-9;

fn cmp_f64(a: f64, b: f64) -> Ordering {
    let scale = a.abs().max(b.abs()).max(1.0);
    if (a - b).abs() <= EPSILON * scale { Ordering::Equal } else { a.total_cmp(&b) }
}

/// Orders two objective values: `Less` when `a` is better.
pub fn compare(kind: ObjectiveKind, a: &ObjectiveValue, b: &ObjectiveValue) -> Ordering {
    let traffic = cmp_f64(a.cost(), b.cost());
    let waves = a.waves.cmp(&b.waves);
    let balance = cmp_f64(a.imbalance, b.imbalance);
    match kind {
        ObjectiveKind::TrafficDays => traffic.then(waves).then(balance),
        ObjectiveKind::FewestWaves => waves.then(traffic).then(balance),
    }
}
