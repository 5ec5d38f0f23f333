//! The settings panel's values and the planner's `PlanConfig`, both ways.
//!
//! [`apply`] lays the panel's values over the config the scenario was
//! planned with, so what the panel does not show (coupling threshold,
//! downtime and DR constants set with `waveplan settings`) is kept as it
//! was; [`view`] of the result gives back what was sent. Each value is
//! checked as `waveplan plan` checks its flag, and a refusal names the
//! panel's field (its wire name), so the panel can show it by the input.

use chrono::NaiveDate;
use waveplan_core::plan::{ObjectiveKind, PrecedenceRule};
use waveplan_core::{Blackout, PlanConfig};

use crate::error::{AppError, AppResult};
use crate::wire::{BlackoutView, PlanSettings, PrecedenceView, SettingsChoices};

fn objective_name(kind: ObjectiveKind) -> &'static str {
    ObjectiveKind::NAMES.iter().find(|(_, k)| *k == kind).map_or("traffic-days", |(n, _)| n)
}

fn rule_name(rule: PrecedenceRule) -> &'static str {
    PrecedenceRule::NAMES.iter().find(|(_, r)| *r == rule).map_or("same-or-earlier", |(n, _)| n)
}

/// The spellings the panel's choices offer.
pub fn choices() -> SettingsChoices {
    SettingsChoices {
        objectives: ObjectiveKind::NAMES.iter().map(|(n, _)| n.to_string()).collect(),
        precedence_rules: PrecedenceRule::NAMES.iter().map(|(n, _)| n.to_string()).collect(),
    }
}

/// The config as the panel shows it.
pub fn view(config: &PlanConfig) -> PlanSettings {
    let whole = |v: u32| f64::from(v);
    PlanSettings {
        start: config.start.to_string(),
        wave_days: whole(config.wave_days),
        max_servers_per_wave: config.max_servers_per_wave.map(whole),
        max_storage_gb_per_wave: config.max_storage_gb_per_wave,
        max_applications_per_wave: config.max_applications_per_wave.map(whole),
        max_replicating_servers_per_wave: config.max_replicating_servers_per_wave.map(whole),
        max_cutover_hours_per_wave: config.max_cutover_hours_per_wave,
        pilot_applications: whole(config.pilot_applications),
        pilot_waves: whole(config.pilot_waves),
        bandwidth_mbps: config.downtime.bandwidth_mbps,
        blackouts: config
            .blackouts
            .iter()
            .map(|b| BlackoutView { name: b.name.clone(), start: b.start.to_string(), end: b.end.to_string() })
            .collect(),
        objective: objective_name(config.objective).to_string(),
        minimise_dr_gap_days: config.minimise_dr_gap_days,
        dr_gap_day_weight: config.dr_gap_day_weight,
        precedence: PrecedenceView {
            service: rule_name(config.precedence.service).to_string(),
            database: rule_name(config.precedence.database).to_string(),
            storage: rule_name(config.precedence.storage).to_string(),
        },
        latency_weight: config.latency_weight,
        seed: config.seed.to_string(),
        search_passes: whole(config.search_passes),
        choices: choices(),
    }
}

/// A whole number of at least `least`.
fn whole(field: &str, what: &str, value: f64, least: u32) -> AppResult<u32> {
    if !value.is_finite() || value.fract() != 0.0 || value < f64::from(least) || value > f64::from(u32::MAX) {
        return Err(AppError::invalid(field, format!("{what} must be a whole number of {least} or more")));
    }
    Ok(value as u32)
}

/// A limit: empty or 0 for none, else a whole number of 1 or more.
fn whole_limit(field: &str, what: &str, value: Option<f64>) -> AppResult<Option<u32>> {
    match value {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(v) => whole(field, what, v, 1).map(Some).map_err(|_| {
            AppError::invalid(field, format!("{what} must be a whole number of 1 or more, or empty for no limit"))
        }),
    }
}

/// A limit: empty or 0 for none, else a positive number.
fn real_limit(field: &str, what: &str, value: Option<f64>) -> AppResult<Option<f64>> {
    match value {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(v) if v.is_finite() && v > 0.0 => Ok(Some(v)),
        Some(_) => Err(AppError::invalid(field, format!("{what} must be more than 0, or empty for no limit"))),
    }
}

/// 0 or more.
fn not_negative(field: &str, what: &str, value: f64) -> AppResult<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(AppError::invalid(field, format!("{what} must be 0 or more")))
    }
}

fn date(field: &str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
}

fn rule(field: &str, text: &str) -> AppResult<PrecedenceRule> {
    PrecedenceRule::parse(text).ok_or_else(|| {
        let names: Vec<&str> = PrecedenceRule::NAMES.iter().map(|(n, _)| *n).collect();
        AppError::invalid(field, format!("'{text}' is not one of {}", names.join(", ")))
    })
}

/// Lays the panel's values over `config`; on a refusal `config` is unchanged.
pub fn apply(config: &mut PlanConfig, settings: &PlanSettings) -> AppResult<()> {
    let mut next = config.clone();
    next.start = date("start", &settings.start)?;
    next.wave_days = whole("waveDays", "days per wave", settings.wave_days, 1)?;
    next.max_servers_per_wave =
        whole_limit("maxServersPerWave", "most servers per wave", settings.max_servers_per_wave)?;
    next.max_storage_gb_per_wave =
        real_limit("maxStorageGbPerWave", "most storage per wave", settings.max_storage_gb_per_wave)?;
    next.max_applications_per_wave =
        whole_limit("maxApplicationsPerWave", "most applications per wave", settings.max_applications_per_wave)?;
    next.max_replicating_servers_per_wave = whole_limit(
        "maxReplicatingServersPerWave",
        "most servers replicating per wave",
        settings.max_replicating_servers_per_wave,
    )?;
    next.max_cutover_hours_per_wave =
        real_limit("maxCutoverHoursPerWave", "most cutover hours per wave", settings.max_cutover_hours_per_wave)?;
    next.pilot_applications = whole("pilotApplications", "applications in the pilot", settings.pilot_applications, 0)?;
    next.pilot_waves = whole("pilotWaves", "pilot waves", settings.pilot_waves, 0)?;
    if !(settings.bandwidth_mbps.is_finite() && settings.bandwidth_mbps > 0.0) {
        return Err(AppError::invalid("bandwidthMbps", "bandwidth must be more than 0"));
    }
    next.downtime.bandwidth_mbps = settings.bandwidth_mbps;
    next.blackouts = settings
        .blackouts
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let field = format!("blackouts.{i}");
            let name = b.name.trim();
            if name.is_empty() {
                return Err(AppError::invalid(&field, format!("blackout {} needs a name", i + 1)));
            }
            let (start, end) = (date(&field, &b.start)?, date(&field, &b.end)?);
            if end < start {
                return Err(AppError::invalid(&field, format!("'{name}' ends before it starts")));
            }
            Ok(Blackout { name: name.to_string(), start, end })
        })
        .collect::<AppResult<_>>()?;
    next.objective = ObjectiveKind::parse(&settings.objective).ok_or_else(|| {
        let names: Vec<&str> = ObjectiveKind::NAMES.iter().map(|(n, _)| *n).collect();
        AppError::invalid("objective", format!("'{}' is not one of {}", settings.objective, names.join(", ")))
    })?;
    next.minimise_dr_gap_days = settings.minimise_dr_gap_days;
    next.dr_gap_day_weight = not_negative("drGapDayWeight", "the weight of a DR gap-day", settings.dr_gap_day_weight)?;
    next.precedence.service = rule("precedence.service", &settings.precedence.service)?;
    next.precedence.database = rule("precedence.database", &settings.precedence.database)?;
    next.precedence.storage = rule("precedence.storage", &settings.precedence.storage)?;
    next.latency_weight = not_negative("latencyWeight", "the latency weight", settings.latency_weight)?;
    next.seed = settings.seed.trim().parse().map_err(|_| {
        AppError::invalid("seed", format!("the seed must be a whole number of 0 or more, not '{}'", settings.seed))
    })?;
    next.search_passes = whole("searchPasses", "search passes", settings.search_passes, 0)?;
    // The rules between settings are the session's, as `waveplan settings` applies them.
    if let Some((key, message)) = waveplan_app::config_problems(&next).into_iter().next() {
        return Err(AppError::Invalid { field: panel_field(&key), message });
    }
    *config = next;
    Ok(())
}

/// The panel's name of a setting the session names by its dotted key
/// (`pilot_waves` is `pilotWaves`, `downtime.bandwidth_mbps` is `bandwidthMbps`).
fn panel_field(key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    let mut field = String::new();
    let mut upper = false;
    for c in last.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                field.extend(c.to_uppercase());
                upper = false;
            }
            c => field.push(c),
        }
    }
    field
}

#[cfg(test)]
mod tests {
    use waveplan_core::plan::PrecedenceRules;

    use super::*;

    /// A config with every field away from its default, the hidden ones too.
    fn unusual() -> PlanConfig {
        let mut config = PlanConfig {
            start: NaiveDate::from_ymd_opt(2028, 2, 7).expect("date"),
            wave_days: 9,
            max_servers_per_wave: Some(17),
            max_storage_gb_per_wave: Some(1234.5),
            pilot_applications: 4,
            coupling_threshold: 42.5,
            blackouts: vec![Blackout {
                name: "Year-end <freeze>".into(),
                start: NaiveDate::from_ymd_opt(2028, 12, 20).expect("date"),
                end: NaiveDate::from_ymd_opt(2029, 1, 2).expect("date"),
            }],
            max_applications_per_wave: Some(6),
            max_replicating_servers_per_wave: Some(11),
            max_cutover_hours_per_wave: Some(37.25),
            pilot_waves: 2,
            precedence: PrecedenceRules {
                service: PrecedenceRule::Ignore,
                database: PrecedenceRule::Earlier,
                storage: PrecedenceRule::Together,
            },
            latency_weight: 1.75,
            objective: ObjectiveKind::FewestWaves,
            seed: u64::MAX,
            search_passes: 7,
            minimise_dr_gap_days: true,
            dr_gap_day_weight: 2.5,
            ..PlanConfig::default()
        };
        config.downtime.bandwidth_mbps = 333.0;
        config.downtime.cutover_tracks = 3;
        config.dr.warm_standby_ready_days += 5;
        config
    }

    #[test]
    fn settings_to_config_and_back_keep_every_field_the_panel_shows_and_the_ones_it_does_not() {
        let config = unusual();
        let settings = view(&config);
        // Through the wire and back, as the panel sends it.
        let sent: PlanSettings = serde_json::from_str(&serde_json::to_string(&settings).expect("json")).expect("json");
        let mut applied = config.clone();
        apply(&mut applied, &sent).expect("valid");
        assert_eq!(applied, config);
        assert_eq!(view(&applied), settings);

        // Laid over the defaults, the panel's fields come across and the rest stays the defaults'.
        let mut over_default = PlanConfig::default();
        apply(&mut over_default, &sent).expect("valid");
        assert_eq!(
            PlanConfig {
                coupling_threshold: config.coupling_threshold,
                downtime: config.downtime.clone(),
                dr: config.dr.clone(),
                ..over_default.clone()
            },
            config
        );
        assert_eq!(over_default.coupling_threshold, PlanConfig::default().coupling_threshold);
        assert_eq!(over_default.downtime.cutover_tracks, PlanConfig::default().downtime.cutover_tracks);
    }

    #[test]
    fn zero_or_empty_is_no_limit_as_on_the_command_line() {
        let mut settings = view(&unusual());
        settings.max_servers_per_wave = Some(0.0);
        settings.max_cutover_hours_per_wave = None;
        let mut config = unusual();
        apply(&mut config, &settings).expect("valid");
        assert_eq!(config.max_servers_per_wave, None);
        assert_eq!(config.max_cutover_hours_per_wave, None);
    }

    /// A field, a change that makes it wrong, and the message that says so.
    type Case = (&'static str, Box<dyn Fn(&mut PlanSettings)>, &'static str);

    #[test]
    fn each_bad_value_is_refused_naming_its_field_and_nothing_changes() {
        let cases: Vec<Case> = vec![
            ("start", Box::new(|s| s.start = "next week".into()), "'next week' is not a date (YYYY-MM-DD)"),
            ("waveDays", Box::new(|s| s.wave_days = 0.0), "days per wave must be a whole number of 1 or more"),
            ("waveDays", Box::new(|s| s.wave_days = 2.5), "days per wave must be a whole number of 1 or more"),
            (
                "maxApplicationsPerWave",
                Box::new(|s| s.max_applications_per_wave = Some(-1.0)),
                "most applications per wave must be a whole number of 1 or more, or empty for no limit",
            ),
            (
                "maxCutoverHoursPerWave",
                Box::new(|s| s.max_cutover_hours_per_wave = Some(-3.0)),
                "most cutover hours per wave must be more than 0, or empty for no limit",
            ),
            ("pilotWaves", Box::new(|s| s.pilot_waves = 0.0), "a pilot of applications needs at least 1 pilot wave"),
            ("bandwidthMbps", Box::new(|s| s.bandwidth_mbps = 0.0), "bandwidth must be more than 0"),
            (
                "objective",
                Box::new(|s| s.objective = "cheapest".into()),
                "'cheapest' is not one of traffic-days, fewest-waves",
            ),
            (
                "drGapDayWeight",
                Box::new(|s| s.dr_gap_day_weight = -1.0),
                "the weight of a DR gap-day must be 0 or more",
            ),
            (
                "precedence.database",
                Box::new(|s| s.precedence.database = "first".into()),
                "'first' is not one of same-or-earlier, earlier, together, ignore",
            ),
            ("seed", Box::new(|s| s.seed = "-1".into()), "the seed must be a whole number of 0 or more, not '-1'"),
            (
                "blackouts.0",
                Box::new(|s| s.blackouts[0].end = "2028-12-01".into()),
                "'Year-end <freeze>' ends before it starts",
            ),
            ("blackouts.0", Box::new(|s| s.blackouts[0].name = " ".into()), "blackout 1 needs a name"),
        ];
        for (field, change, message) in cases {
            let mut settings = view(&unusual());
            change(&mut settings);
            let mut config = unusual();
            let error = apply(&mut config, &settings).expect_err(field);
            assert_eq!(error.to_string(), AppError::invalid(field, message).to_string());
            assert_eq!(config, unusual(), "a refused {field} changes nothing");
        }
    }
}
