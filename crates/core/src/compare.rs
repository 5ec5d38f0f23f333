//! Two plans side by side: every metric with which plan does better on it,
//! the settings that differ, and the applications that land in different
//! waves. The command line and the desktop app show the same comparison.
//!
//! Pure: plans in, a [`Comparison`] out. It judges nothing the metrics do not
//! say; "better" is the direction each metric is meant to go.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Tier;
use crate::plan::{Plan, PlanConfig};

/// One of the two plans compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The first plan.
    A,
    /// The second plan.
    B,
}

/// A metric's value in one plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MetricValue {
    /// A count, a share (0 to 1), minutes or days, as the metric says.
    Number(f64),
    /// A day.
    Date(NaiveDate),
    /// No value (a date that never comes, such as full DR coverage).
    None,
}

/// One metric in both plans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    /// The metric's key, as in `metrics` of the plan JSON where it is one.
    pub key: String,
    /// In words.
    pub label: String,
    /// Its unit: `count`, `share`, `minutes`, `days`, `traffic-days`, `date`.
    pub unit: String,
    /// In the first plan.
    pub a: MetricValue,
    /// In the second plan.
    pub b: MetricValue,
    /// `b − a` (days for dates); `None` when either has no value.
    pub difference: Option<f64>,
    /// Which plan does better on it; `None` when they are equal or neither direction is better.
    pub better: Option<Side>,
    /// Whether each plan has the metric at all (a plan saved by an older
    /// Waveplan has no cutover schedule or DR timeline): (a, b).
    pub measured: (bool, bool),
}

/// A setting in both plans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingRow {
    /// The setting's key, as in `config` of the plan JSON.
    pub key: String,
    /// In the first plan, as text.
    pub a: String,
    /// In the second plan.
    pub b: String,
}

/// An application in different waves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppMove {
    /// Application name.
    pub name: String,
    /// Its wave in the first plan (`None`: not in it).
    pub wave_a: Option<u32>,
    /// In the second.
    pub wave_b: Option<u32>,
}

/// Two plans side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Name of the first plan.
    pub a: String,
    /// Name of the second plan.
    pub b: String,
    /// Every metric, in a fixed order.
    pub metrics: Vec<MetricRow>,
    /// The settings that differ.
    pub settings: Vec<SettingRow>,
    /// Applications in different waves, by name.
    pub moved: Vec<AppMove>,
    /// Metrics on which each plan does better: (a, b).
    pub wins: (usize, usize),
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Lower,
    Higher,
    Earlier,
    Neither,
}

fn number(x: impl Into<f64>) -> MetricValue {
    MetricValue::Number(x.into())
}

fn date(d: Option<NaiveDate>) -> MetricValue {
    d.map_or(MetricValue::None, MetricValue::Date)
}

fn tier_share_at_end(plan: &Plan, tier: Tier) -> MetricValue {
    plan.dr_coverage
        .last()
        .and_then(|c| c.by_tier.iter().find(|t| t.tier == tier))
        .filter(|t| t.applications > 0)
        .map_or(MetricValue::None, |t| number(t.share))
}

/// The metrics compared, in order: (key, label, unit, direction, value).
type Extractor = fn(&Plan) -> MetricValue;
const METRICS: &[(&str, &str, &str, Direction, Extractor)] = &[
    ("waves", "waves", "count", Direction::Lower, |p| number(p.metrics.waves)),
    ("programme_end", "end date", "date", Direction::Earlier, |p| date(p.metrics.programme_end)),
    ("applications_migrating", "applications migrating", "count", Direction::Neither, |p| {
        number(p.metrics.applications_migrating as f64)
    }),
    ("servers_migrating", "servers migrating", "count", Direction::Neither, |p| {
        number(p.metrics.servers_migrating as f64)
    }),
    ("hybrid_traffic_days", "hybrid traffic-days", "traffic-days", Direction::Lower, |p| {
        number(p.metrics.hybrid_traffic_days)
    }),
    ("cross_wave_dependencies", "cross-wave dependencies", "count", Direction::Lower, |p| {
        number(p.metrics.cross_wave_dependencies as f64)
    }),
    ("hybrid_dependencies", "hybrid dependencies", "count", Direction::Lower, |p| {
        number(p.metrics.hybrid_dependencies as f64)
    }),
    ("downtime_total_minutes", "downtime, total", "minutes", Direction::Lower, |p| {
        number(p.metrics.downtime_total_minutes as f64)
    }),
    ("downtime_longest_minutes", "downtime, longest cutover", "minutes", Direction::Lower, |p| {
        number(p.metrics.downtime_longest_minutes)
    }),
    ("cutover_critical_path_longest_minutes", "longest wave critical path", "minutes", Direction::Lower, |p| {
        number(p.metrics.cutover_critical_path_longest_minutes as f64)
    }),
    ("windows_exceeded", "cutovers over their window", "count", Direction::Lower, |p| {
        number(p.metrics.windows_exceeded as f64)
    }),
    ("waves_over_cutover_window", "waves whose cutovers do not fit", "count", Direction::Lower, |p| {
        number(p.metrics.waves_over_cutover_window as f64)
    }),
    ("replication_first_start", "first replication starts", "date", Direction::Neither, |p| {
        date(p.metrics.replication_first_start)
    }),
    ("replication_before_programme", "replications starting before the programme", "count", Direction::Lower, |p| {
        number(p.metrics.replication_before_programme as f64)
    }),
    ("dr_coverage_after", "DR coverage at the end", "share", Direction::Higher, |p| {
        number(p.metrics.dr_coverage_after)
    }),
    (
        "dr_coverage_mission_critical_after",
        "DR coverage at the end, mission-critical",
        "share",
        Direction::Higher,
        |p| tier_share_at_end(p, Tier::MissionCritical),
    ),
    (
        "dr_coverage_business_critical_after",
        "DR coverage at the end, business-critical",
        "share",
        Direction::Higher,
        |p| tier_share_at_end(p, Tier::BusinessCritical),
    ),
    ("dr_gaps_after", "applications below DR target at the end", "count", Direction::Lower, |p| {
        number(p.metrics.dr_gaps_after as f64)
    }),
    ("dr_gap_days", "DR gap-days", "days", Direction::Lower, |p| number(p.metrics.dr_gap_days as f64)),
    ("dr_gap_days_mission_critical", "DR gap-days, mission-critical", "days", Direction::Lower, |p| {
        number(p.metrics.dr_gap_days_mission_critical as f64)
    }),
    ("dr_gap_days_caused", "DR gap-days the migration causes", "days", Direction::Lower, |p| {
        number(p.metrics.dr_gap_days_caused as f64)
    }),
    ("dr_unprotected_days", "application-days unprotected", "days", Direction::Lower, |p| {
        number(p.metrics.dr_unprotected_days as f64)
    }),
    ("dr_coverage_restored_from", "DR coverage restored from", "date", Direction::Earlier, |p| {
        date(p.metrics.dr_coverage_restored_from)
    }),
    ("dr_full_coverage_from", "full DR coverage from", "date", Direction::Earlier, |p| {
        date(p.metrics.dr_full_coverage_from)
    }),
    ("hard_violations", "hard violations", "count", Direction::Lower, |p| number(p.metrics.hard_violations as f64)),
    ("warnings", "warnings", "count", Direction::Lower, |p| number(p.warnings.len() as f64)),
];

fn row(key: &str, label: &str, unit: &str, direction: Direction, a: MetricValue, b: MetricValue) -> MetricRow {
    let (difference, better) = match (&a, &b) {
        (MetricValue::Number(x), MetricValue::Number(y)) => {
            let better = match direction {
                Direction::Lower if y < x => Some(Side::B),
                Direction::Lower if x < y => Some(Side::A),
                Direction::Higher if y > x => Some(Side::B),
                Direction::Higher if x > y => Some(Side::A),
                _ => None,
            };
            (Some(y - x), better)
        }
        (MetricValue::Date(x), MetricValue::Date(y)) => {
            let better = match direction {
                Direction::Earlier if y < x => Some(Side::B),
                Direction::Earlier if x < y => Some(Side::A),
                _ => None,
            };
            (Some((*y - *x).num_days() as f64), better)
        }
        // A date that comes beats one that never does.
        (MetricValue::Date(_), MetricValue::None) if direction == Direction::Earlier => (None, Some(Side::A)),
        (MetricValue::None, MetricValue::Date(_)) if direction == Direction::Earlier => (None, Some(Side::B)),
        _ => (None, None),
    };
    MetricRow {
        key: key.into(),
        label: label.into(),
        unit: unit.into(),
        a,
        b,
        difference,
        better,
        measured: (true, true),
    }
}

/// Every setting of a configuration as (dotted key, value), leaf by leaf of
/// the plan JSON's `config`: the one list the comparison, `waveplan settings`
/// and its change lines read, so none of them can leave a setting out.
pub fn setting_values(config: &PlanConfig) -> Vec<(String, serde_json::Value)> {
    fn leaves(value: serde_json::Value, prefix: &str, out: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() { k } else { format!("{prefix}.{k}") };
                    leaves(v, &key, out);
                }
            }
            other => out.push((prefix.to_string(), other)),
        }
    }
    let mut out = Vec::new();
    // A configuration is plain data: serialising it cannot fail.
    leaves(serde_json::to_value(config).unwrap_or_default(), "", &mut out);
    out
}

/// A setting's value as a planner reads it: a limit left unset says "no
/// limit", an RTO/RPO pair names its parts, a blackout its dates.
pub fn setting_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "no limit".into(),
        Value::String(s) => s.clone(),
        // 1000.0 Mbps reads as 1000, as the user typed it.
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
            _ => n.to_string(),
        },
        Value::Array(pair) if pair.len() == 2 && pair.iter().all(Value::is_number) => {
            format!("RTO {} min, RPO {} min", pair[0], pair[1])
        }
        Value::Array(items) if items.is_empty() => "none".into(),
        Value::Array(items) => items.iter().map(setting_text).collect::<Vec<_>>().join("; "),
        Value::Object(map) => match (map.get("name"), map.get("start"), map.get("end")) {
            (Some(Value::String(n)), Some(Value::String(s)), Some(Value::String(e))) => format!("{n} {s}..{e}"),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// The settings that differ between two configurations, in key order.
pub fn setting_changes(a: &PlanConfig, b: &PlanConfig) -> Vec<SettingRow> {
    let b_values: std::collections::BTreeMap<String, serde_json::Value> = setting_values(b).into_iter().collect();
    setting_values(a)
        .into_iter()
        .filter_map(|(key, x)| {
            let y = b_values.get(&key)?;
            (&x != y).then(|| SettingRow { a: setting_text(&x), b: setting_text(y), key })
        })
        .collect()
}

/// Whether a plan has a metric: a plan saved before the cutover schedule and
/// the DR timeline existed has neither, and its zeros are not figures.
fn measured(plan: &Plan, key: &str) -> bool {
    let scheduled = plan.waves.is_empty() || plan.waves.iter().any(|w| !w.schedule.tracks.is_empty());
    let followed = plan.waves.is_empty() || plan.dr.to.is_some();
    match key {
        "cutover_critical_path_longest_minutes"
        | "waves_over_cutover_window"
        | "replication_first_start"
        | "replication_before_programme" => scheduled,
        "dr_gap_days"
        | "dr_gap_days_mission_critical"
        | "dr_gap_days_caused"
        | "dr_unprotected_days"
        | "dr_coverage_restored_from"
        | "dr_full_coverage_from" => followed,
        _ => true,
    }
}

/// Compares plan `a` (named `name_a`) with plan `b`.
pub fn compare_plans(name_a: &str, a: &Plan, name_b: &str, b: &Plan) -> Comparison {
    let metrics: Vec<MetricRow> = METRICS
        .iter()
        .map(|&(key, label, unit, direction, value)| {
            let seen = (measured(a, key), measured(b, key));
            let value = |p: &Plan, seen: bool| if seen { value(p) } else { MetricValue::None };
            let mut row = row(key, label, unit, direction, value(a, seen.0), value(b, seen.1));
            if seen != (true, true) {
                (row.difference, row.better) = (None, None);
            }
            row.measured = seen;
            row
        })
        .collect();
    let wins = (
        metrics.iter().filter(|m| m.better == Some(Side::A)).count(),
        metrics.iter().filter(|m| m.better == Some(Side::B)).count(),
    );
    let wave_in = |p: &Plan, name: &str| p.applications.iter().find(|x| x.name == name).map(|x| x.wave);
    let mut names: Vec<&str> = a.applications.iter().chain(&b.applications).map(|x| x.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let moved = names
        .into_iter()
        .map(|name| AppMove { name: name.to_string(), wave_a: wave_in(a, name), wave_b: wave_in(b, name) })
        .filter(|m| m.wave_a != m.wave_b)
        .collect();
    Comparison {
        a: name_a.into(),
        b: name_b.into(),
        metrics,
        settings: setting_changes(&a.config, &b.config),
        moved,
        wins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, Estate, Server, ServerId};
    use crate::plan::{PlanConfig, plan_waves};

    fn estate() -> Estate {
        let mut e = Estate::default();
        for i in 0..6 {
            e.servers.push(Server { name: format!("srv{i}"), disk_used_gb: Some(100.0), ..Server::default() });
            e.applications.push(Application {
                name: format!("app{i}"),
                servers: vec![ServerId(i)],
                ..Application::default()
            });
        }
        e
    }

    #[test]
    fn the_faster_plan_wins_on_waves_and_end_date_and_the_settings_that_differ_are_named() {
        let e = estate();
        let slow_config = PlanConfig { max_servers_per_wave: Some(1), pilot_applications: 0, ..PlanConfig::default() };
        let fast_config = PlanConfig { max_servers_per_wave: Some(3), ..slow_config.clone() };
        let (slow, fast) = (plan_waves(&e, &slow_config), plan_waves(&e, &fast_config));
        let c = compare_plans("slow", &slow, "fast", &fast);
        let get = |key: &str| c.metrics.iter().find(|m| m.key == key).unwrap();
        assert_eq!(
            (get("waves").a.clone(), get("waves").b.clone()),
            (MetricValue::Number(6.0), MetricValue::Number(2.0))
        );
        assert_eq!((get("waves").difference, get("waves").better), (Some(-4.0), Some(Side::B)));
        // Six waves of 14 days end 4 × 14 = 56 days after two.
        assert_eq!((get("programme_end").difference, get("programme_end").better), (Some(-56.0), Some(Side::B)));
        assert_eq!(get("applications_migrating").better, None);
        assert_eq!(c.settings, [SettingRow { key: "max_servers_per_wave".into(), a: "1".into(), b: "3".into() }]);
        // One application a wave against three: only app0 keeps its wave (1).
        let moved: Vec<(&str, Option<u32>, Option<u32>)> =
            c.moved.iter().map(|m| (m.name.as_str(), m.wave_a, m.wave_b)).collect();
        assert_eq!(moved[0], ("app1", Some(2), Some(1)));
        assert_eq!(moved.len(), 5);
        // Three cutovers on two tracks take longer than one: the slow plan wins there.
        let a_wins: Vec<&str> =
            c.metrics.iter().filter(|m| m.better == Some(Side::A)).map(|m| m.key.as_str()).collect();
        assert_eq!(a_wins, ["cutover_critical_path_longest_minutes"]);
        assert_eq!(c.wins, (1, c.metrics.iter().filter(|m| m.better == Some(Side::B)).count()));

        // A plan saved before schedules and DR timelines has no such figures, not zeros.
        let mut old = slow.clone();
        for wave in &mut old.waves {
            wave.schedule = Default::default();
        }
        old.dr = Default::default();
        let c = compare_plans("old", &old, "fast", &fast);
        let get = |key: &str| c.metrics.iter().find(|m| m.key == key).unwrap();
        for key in ["dr_gap_days", "cutover_critical_path_longest_minutes", "dr_full_coverage_from"] {
            let m = get(key);
            assert_eq!(
                (&m.a, m.better, m.difference, m.measured),
                (&MetricValue::None, None, None, (false, true)),
                "{key}"
            );
        }
        assert_eq!(get("waves").better, Some(Side::B));

        let same = compare_plans("slow", &slow, "again", &slow);
        assert!(same.metrics.iter().all(|m| m.better.is_none()) && same.moved.is_empty() && same.settings.is_empty());
    }

    #[test]
    fn a_date_that_comes_beats_one_that_never_does() {
        let r = row("x", "x", "date", Direction::Earlier, MetricValue::None, MetricValue::Date(NaiveDate::default()));
        assert_eq!((r.better, r.difference), (Some(Side::B), None));
        let r = row("x", "x", "share", Direction::Higher, MetricValue::Number(0.5), MetricValue::Number(0.25));
        assert_eq!((r.better, r.difference), (Some(Side::A), Some(-0.25)));
    }

    #[test]
    fn every_setting_that_differs_is_named_with_its_values_in_words() {
        use crate::plan::ObjectiveKind;
        let a = PlanConfig::default();
        let mut b = a.clone();
        b.objective = ObjectiveKind::FewestWaves;
        b.seed = 7;
        b.search_passes = 5;
        b.latency_weight = 1.0;
        b.max_applications_per_wave = Some(10);
        b.downtime.boot_minutes = 20.0;
        b.dr.mission_critical_target = (60, 5);
        b.blackouts.push(crate::plan::Blackout {
            name: "EHR go-live".into(),
            start: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2027, 3, 14).unwrap(),
        });
        let rows = setting_changes(&a, &b);
        let row = |key: &str| rows.iter().find(|r| r.key == key).map(|r| (r.a.as_str(), r.b.as_str()));
        assert_eq!(row("objective"), Some(("traffic-days", "fewest-waves")));
        assert_eq!(row("seed"), Some(("0", "7")));
        assert_eq!(row("search_passes"), Some(("30", "5")));
        assert_eq!(row("latency_weight"), Some(("3", "1")));
        assert_eq!(row("max_applications_per_wave"), Some(("no limit", "10")));
        assert_eq!(row("downtime.boot_minutes"), Some(("10", "20")));
        assert_eq!(row("dr.mission_critical_target"), Some(("RTO 240 min, RPO 15 min", "RTO 60 min, RPO 5 min")));
        assert_eq!(row("blackouts"), Some(("none", "EHR go-live 2027-03-01..2027-03-14")));
        assert_eq!(rows.len(), 8, "nothing else differs: {rows:?}");
        // Every leaf of the configuration is a setting, the nested ones too.
        let keys: Vec<String> = setting_values(&a).into_iter().map(|(k, _)| k).collect();
        for key in ["dr_gap_day_weight", "precedence.database", "downtime.parallel_boots", "dr.backup_ready_days"] {
            assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
        }
    }
}
