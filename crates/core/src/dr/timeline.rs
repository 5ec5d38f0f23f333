//! DR through the programme, day by day: for every application the periods
//! it spends on premises with its current DR, in flight (replicating, DR
//! possibly suspended), unprotected (cut over before its cloud DR is in
//! place) and in the cloud with its target DR; the days it spends below its
//! RTO/RPO targets (gap-days); coverage per tier over time and per wave.
//!
//! [`gap_days`] is pure: one application and the dates of a candidate wave
//! in, its gap-days out, so a planner can minimise DR gap-days.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Coverage, DrConfig, coverage, posture_after, posture_before};
use crate::model::{AppId, Application, DrPosture, Estate, Strategy, Tier};
use crate::plan::{Plan, PlanConfig};

/// Where an application stands on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DrState {
    /// On premises, with its current DR.
    OnPremises,
    /// Replicating to the cloud ahead of its cutover; on-premises DR kept or suspended.
    InFlight,
    /// Cut over, its cloud DR not yet in place (or the interim posture only).
    Unprotected,
    /// In the cloud with its target DR.
    Cloud,
}

impl DrState {
    /// The spelling used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            DrState::OnPremises => "on-premises",
            DrState::InFlight => "in-flight",
            DrState::Unprotected => "unprotected",
            DrState::Cloud => "cloud",
        }
    }
}

/// A run of days in one state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrPeriod {
    /// The state.
    pub state: DrState,
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// The posture it has then.
    pub posture: DrPosture,
    /// Whether that posture meets its RTO and RPO targets.
    pub meets: bool,
}

impl DrPeriod {
    /// Days in the period.
    pub fn days(&self) -> u32 {
        ((self.to - self.from).num_days() + 1).max(0) as u32
    }
}

/// The dates that decide an application's DR through the programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrDates {
    /// First day counted.
    pub programme_start: NaiveDate,
    /// Last day counted.
    pub programme_end: NaiveDate,
    /// First day of replication (in flight from then).
    pub replication_start: NaiveDate,
    /// Day of the cutover (in the cloud from then).
    pub cutover: NaiveDate,
}

/// One application through the programme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppDr {
    /// Application name.
    pub name: String,
    /// Tier.
    pub tier: Tier,
    /// Target RTO, minutes.
    pub target_rto_minutes: u32,
    /// Target RPO, minutes.
    pub target_rpo_minutes: u32,
    /// Whether it migrates (retained applications stay on premises throughout).
    pub migrates: bool,
    /// Its periods, in order.
    pub periods: Vec<DrPeriod>,
    /// Days below target.
    pub gap_days: u32,
    /// Of those, days on which it met its target before the programme: the
    /// gap the migration itself opens (in flight with DR suspended, unprotected).
    pub gap_days_caused: u32,
    /// Posture at the end of the programme.
    pub end_posture: DrPosture,
    /// Whether it ends the programme below its target.
    pub ends_below_target: bool,
    /// Why, when it does.
    pub note: Option<String>,
}

/// Coverage on a day from which it holds until the next entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrDay {
    /// The day.
    pub date: NaiveDate,
    /// Share of applications meeting their targets, all tiers and per tier.
    pub coverage: Coverage,
    /// Applications in flight.
    pub in_flight: usize,
    /// Applications unprotected.
    pub unprotected: usize,
}

/// DR over one wave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaveDr {
    /// Wave index.
    pub wave: u32,
    /// Coverage on the wave's last day.
    pub coverage_at_end: Coverage,
    /// Gap-days of mission-critical applications during the wave.
    pub gap_days_mission_critical: u32,
    /// Gap-days of all applications during the wave.
    pub gap_days: u32,
    /// Applications unprotected on some day of the wave.
    pub unprotected: Vec<String>,
}

/// DR through the whole programme.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrTimeline {
    /// First day counted: the programme's start.
    pub from: Option<NaiveDate>,
    /// Last day counted: the end of the programme ([`crate::plan::Plan::programme_end`]),
    /// or the day the last cloud DR is in place if later.
    pub to: Option<NaiveDate>,
    /// Every application that is not retired.
    pub applications: Vec<AppDr>,
    /// Coverage over time: an entry on every day something changes.
    pub days: Vec<DrDay>,
    /// Per wave.
    pub waves: Vec<WaveDr>,
    /// Gap-days of all applications.
    pub gap_days: u64,
    /// Gap-days of mission-critical applications.
    pub gap_days_mission_critical: u64,
    /// Gap-days the migration causes (see [`AppDr::gap_days_caused`]).
    pub gap_days_caused: u64,
    /// Application-days unprotected.
    pub unprotected_days: u64,
    /// First day from which every application meets its targets to the end; `None` if that never happens.
    pub full_coverage_from: Option<NaiveDate>,
    /// First day from which every application that met its targets before the
    /// programme meets them again, to the end.
    pub coverage_restored_from: Option<NaiveDate>,
    /// Applications that end the programme below target, with why.
    pub below_target_at_end: Vec<String>,
}

fn meets(config: &DrConfig, app: &Application, posture: DrPosture) -> bool {
    config.meets(app, posture)
}

fn day(d: NaiveDate, offset: i64) -> NaiveDate {
    d + Duration::days(offset)
}

/// The periods of one application between `programme_start` and
/// `programme_end`; `dates` is `None` for an application that does not move.
pub fn periods(
    app: &Application,
    config: &DrConfig,
    start: NaiveDate,
    end: NaiveDate,
    dates: Option<&DrDates>,
) -> Vec<DrPeriod> {
    let before = posture_before(app);
    let mut out: Vec<DrPeriod> = Vec::new();
    let mut push = |state: DrState, from: NaiveDate, to: NaiveDate, posture: DrPosture| {
        let (from, to) = (from.max(start), to.min(end));
        if from <= to {
            out.push(DrPeriod { state, from, to, posture, meets: meets(config, app, posture) });
        }
    };
    match dates {
        None => push(DrState::OnPremises, start, end, before),
        Some(d) => {
            let after = posture_after(app);
            let in_flight = if config.suspend_dr_in_flight { DrPosture::None } else { before };
            let ready = day(d.cutover, i64::from(config.ready_days(after)));
            push(DrState::OnPremises, start, day(d.replication_start.min(d.cutover), -1), before);
            push(DrState::InFlight, d.replication_start.min(d.cutover), day(d.cutover, -1), in_flight);
            let interim_state =
                if config.interim_posture == DrPosture::None { DrState::Unprotected } else { DrState::Cloud };
            push(interim_state, d.cutover, day(ready, -1), config.interim_posture);
            push(DrState::Cloud, ready, end, after);
        }
    }
    out
}

/// DR gap-days of one application for a candidate set of dates: the days
/// from `programme_start` to `programme_end` on which its achievable RTO or
/// RPO misses its target. Pure: for a planner's secondary objective.
pub fn gap_days(app: &Application, config: &DrConfig, dates: &DrDates) -> u32 {
    periods(app, config, dates.programme_start, dates.programme_end, Some(dates))
        .iter()
        .filter(|p| !p.meets)
        .map(DrPeriod::days)
        .sum()
}

/// [`gap_days`] for an application cut over in `wave` of a plan made with
/// `config`: replication from the wave's start, cutover on its last day,
/// counted from the programme start to `programme_end`.
pub fn gap_days_in_wave(app: &Application, config: &PlanConfig, wave: u32, programme_end: NaiveDate) -> u32 {
    let dates = DrDates {
        programme_start: config.start,
        programme_end,
        replication_start: config.wave_start(wave),
        cutover: config.wave_end(wave),
    };
    gap_days(app, &config.dr, &dates)
}

fn overlap_days(p: &DrPeriod, from: NaiveDate, to: NaiveDate) -> u32 {
    let (a, b) = (p.from.max(from), p.to.min(to));
    if a <= b { ((b - a).num_days() + 1) as u32 } else { 0 }
}

/// Adds the DR timeline to a plan (after [`crate::downtime::schedule_waves`],
/// whose replication dates and cutovers it reads), with its metrics.
pub fn annotate(estate: &Estate, config: &PlanConfig, plan: &mut Plan) {
    // From the programme's start to its end (`Plan::programme_end`), or later.
    let Some(last_wave_end) = plan.programme_end() else {
        plan.dr = DrTimeline::default();
        return;
    };
    // Followed until the last cloud DR is in place, so that an application
    // cut over in the last wave is not counted as ending unprotected.
    let end = plan
        .applications
        .iter()
        .map(|p| {
            let cutover = p.schedule.start.or(p.cutover).map_or(config.wave_end(p.wave), |c| c.date());
            cutover + Duration::days(i64::from(config.dr.ready_days(p.dr_after)))
        })
        .fold(last_wave_end, NaiveDate::max);
    let placements: BTreeMap<&str, &crate::plan::Placement> =
        plan.applications.iter().map(|p| (p.name.as_str(), p)).collect();
    let dates_of = |app: &Application| -> Option<DrDates> {
        let p = placements.get(app.name.as_str())?;
        let cutover = p.schedule.start.or(p.cutover).map(|c| c.date()).unwrap_or_else(|| config.wave_end(p.wave));
        // Nothing replicated ahead: no time in flight, the data moves at the cutover.
        let replication_start = p.schedule.replication_start.unwrap_or(cutover).min(cutover);
        Some(DrDates { programme_start: config.start, programme_end: end, replication_start, cutover })
    };
    let counted: Vec<AppId> =
        estate.app_ids().filter(|&a| estate.application(a).strategy() != Strategy::Retire).collect();
    // Replication that must start before the programme is flagged by the
    // schedule; DR is counted from the programme's first day.
    let start = config.start;

    let mut timeline = DrTimeline { from: Some(start), to: Some(end), ..DrTimeline::default() };
    for &a in &counted {
        let app = estate.application(a);
        let dates = dates_of(app);
        let periods = periods(app, &config.dr, start, end, dates.as_ref());
        let met_before = meets(&config.dr, app, posture_before(app));
        let gap: u32 = periods.iter().filter(|p| !p.meets).map(DrPeriod::days).sum();
        let caused: u32 = if met_before { gap } else { 0 };
        let end_posture = periods.last().map_or(posture_before(app), |p| p.posture);
        let ends_below = periods.last().is_some_and(|p| !p.meets);
        let (rto, rpo) = config.dr.target(app);
        let note = ends_below.then(|| {
            let achieved = config
                .dr
                .achievable(end_posture)
                .map_or("no DR at all".to_string(), |(r, p)| format!("RTO {r} min, RPO {p} min"));
            let where_ = if dates.is_some() { "in the cloud" } else { "on premises (it does not migrate)" };
            format!(
                "'{}' ({}) ends {where_} with {end_posture} ({achieved}) against its target of RTO {rto} min, RPO {rpo} min",
                app.name,
                app.tier()
            )
        });
        if let Some(note) = &note {
            timeline.below_target_at_end.push(note.clone());
        }
        timeline.gap_days += u64::from(gap);
        timeline.gap_days_caused += u64::from(caused);
        if app.tier() == Tier::MissionCritical {
            timeline.gap_days_mission_critical += u64::from(gap);
        }
        timeline.unprotected_days +=
            periods.iter().filter(|p| p.state == DrState::Unprotected).map(|p| u64::from(p.days())).sum::<u64>();
        timeline.applications.push(AppDr {
            name: app.name.clone(),
            tier: app.tier(),
            target_rto_minutes: rto,
            target_rpo_minutes: rpo,
            migrates: dates.is_some(),
            periods,
            gap_days: gap,
            gap_days_caused: caused,
            end_posture,
            ends_below_target: ends_below,
            note,
        });
    }

    // Coverage over time: each application's periods run back to back from
    // the first day to the last, so a period's first day is all that changes.
    let mut events: BTreeMap<NaiveDate, Vec<(usize, bool, DrState)>> = BTreeMap::new();
    for (i, app) in timeline.applications.iter().enumerate() {
        for p in &app.periods {
            events.entry(p.from).or_default().push((i, p.meets, p.state));
        }
    }
    let mut now: Vec<(bool, DrState)> = vec![(true, DrState::OnPremises); timeline.applications.len()];
    for (&date, changes) in &events {
        for &(i, m, s) in changes {
            now[i] = (m, s);
        }
        let apps = &timeline.applications;
        let coverage = coverage(0, apps.iter().zip(&now).map(|(a, &(m, _))| (a.tier, m)));
        let count = |s: DrState| now.iter().filter(|x| x.1 == s).count();
        timeline.days.push(DrDay {
            date,
            coverage,
            in_flight: count(DrState::InFlight),
            unprotected: count(DrState::Unprotected),
        });
    }

    // Full coverage and restored coverage: the day after the last day that breaks them.
    let last_gap = |regressions_only: bool| {
        timeline
            .applications
            .iter()
            .filter(|a| !regressions_only || a.gap_days_caused > 0)
            .flat_map(|a| a.periods.iter().filter(|p| !p.meets).map(|p| p.to))
            .max()
    };
    timeline.full_coverage_from = match last_gap(false) {
        None => Some(start),
        Some(d) if d < end => Some(day(d, 1)),
        Some(_) => None,
    };
    timeline.coverage_restored_from = match last_gap(true) {
        None => Some(start),
        Some(d) if d < end => Some(day(d, 1)),
        Some(_) => None,
    };

    for wave in &plan.waves {
        let coverage_at_end = timeline
            .days
            .iter()
            .rev()
            .find(|d| d.date <= wave.end)
            .map(|d| Coverage { after_wave: wave.index, ..d.coverage.clone() })
            .unwrap_or_else(|| coverage(wave.index, std::iter::empty()));
        let mut w = WaveDr {
            wave: wave.index,
            coverage_at_end,
            gap_days_mission_critical: 0,
            gap_days: 0,
            unprotected: Vec::new(),
        };
        for app in &timeline.applications {
            let gap: u32 = app.periods.iter().filter(|p| !p.meets).map(|p| overlap_days(p, wave.start, wave.end)).sum();
            w.gap_days += gap;
            if app.tier == Tier::MissionCritical {
                w.gap_days_mission_critical += gap;
            }
            if app.periods.iter().any(|p| p.state == DrState::Unprotected && overlap_days(p, wave.start, wave.end) > 0)
            {
                w.unprotected.push(app.name.clone());
            }
        }
        timeline.waves.push(w);
    }

    let m = &mut plan.metrics;
    m.dr_gap_days = timeline.gap_days;
    m.dr_gap_days_mission_critical = timeline.gap_days_mission_critical;
    m.dr_gap_days_caused = timeline.gap_days_caused;
    m.dr_unprotected_days = timeline.unprotected_days;
    m.dr_full_coverage_from = timeline.full_coverage_from;
    m.dr_coverage_restored_from = timeline.coverage_restored_from;
    plan.dr = timeline;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MaintenanceWindow, Server, ServerId};
    use crate::plan::plan_waves;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn critical(current: DrPosture, target: DrPosture) -> Application {
        Application {
            name: "ehr".into(),
            tier: Some(Tier::MissionCritical),
            dr_current: Some(current),
            dr_target: Some(target),
            ..Application::default()
        }
    }

    const JANUARY: DrDates = DrDates {
        programme_start: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        programme_end: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        replication_start: NaiveDate::from_ymd_opt(2027, 1, 10).unwrap(),
        cutover: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
    };

    #[test]
    fn an_application_goes_on_premises_in_flight_unprotected_then_cloud() {
        // Mission-critical targets 240 min / 15 min: backup (1,440 / 1,440) misses, a warm standby (240 / 15) meets.
        let app = critical(DrPosture::Backup, DrPosture::WarmStandby);
        let config = DrConfig::default();
        let p = periods(&app, &config, JANUARY.programme_start, JANUARY.programme_end, Some(&JANUARY));
        let got: Vec<(DrState, u32, bool)> = p.iter().map(|p| (p.state, p.days(), p.meets)).collect();
        // 1-9 on premises, 10-14 in flight, 15-21 unprotected (7 days to build the standby), 22-31 in the cloud.
        assert_eq!(
            got,
            [
                (DrState::OnPremises, 9, false),
                (DrState::InFlight, 5, false),
                (DrState::Unprotected, 7, false),
                (DrState::Cloud, 10, true)
            ]
        );
        assert_eq!(gap_days(&app, &config, &JANUARY), 21);

        // An interim backup in the cloud still misses the targets; suspending the DR in flight changes nothing here.
        let interim =
            DrConfig { interim_posture: DrPosture::Backup, suspend_dr_in_flight: true, ..DrConfig::default() };
        assert_eq!(gap_days(&app, &interim, &JANUARY), 21);
    }

    #[test]
    fn gap_days_are_what_the_migration_costs_an_application_that_was_covered() {
        let covered = critical(DrPosture::WarmStandby, DrPosture::WarmStandby);
        assert_eq!(gap_days(&covered, &DrConfig::default(), &JANUARY), 7); // unprotected 15-21
        let suspended = DrConfig { suspend_dr_in_flight: true, ..DrConfig::default() };
        assert_eq!(gap_days(&covered, &suspended, &JANUARY), 12); // + in flight 10-14
        let ready_at_cutover = DrConfig { warm_standby_ready_days: 0, ..DrConfig::default() };
        assert_eq!(gap_days(&covered, &ready_at_cutover, &JANUARY), 0);

        // For one that gains DR by moving, an earlier wave means fewer gap-days.
        let gains = critical(DrPosture::Backup, DrPosture::WarmStandby);
        let config = PlanConfig { start: date("2027-01-04"), wave_days: 14, ..PlanConfig::default() };
        let end = config.wave_end(6);
        let by_wave: Vec<u32> = (1..=5).map(|w| gap_days_in_wave(&gains, &config, w, end)).collect();
        assert!(by_wave.windows(2).all(|w| w[0] + 14 == w[1]), "{by_wave:?}");
        // Wave 1 ends on the 17th: 13 days before it, 7 unprotected from the cutover day.
        assert_eq!(by_wave[0], 13 + 7);
        // In the last wave the programme ends a day after the cutover: the gap is cut there.
        assert_eq!(gap_days_in_wave(&gains, &config, 6, end), 13 + 5 * 14 + 1);
    }

    #[test]
    fn the_plan_reports_dr_per_wave_over_time_and_at_the_end() {
        let mut e = Estate::default();
        for (i, (current, target)) in
            [(DrPosture::Backup, DrPosture::WarmStandby), (DrPosture::Backup, DrPosture::Backup)]
                .into_iter()
                .enumerate()
        {
            e.servers.push(Server { name: format!("srv{i}"), disk_used_gb: Some(10.0), ..Server::default() });
            e.applications.push(Application {
                name: format!("app{i}"),
                servers: vec![ServerId(i as u32)],
                maintenance_window: Some(MaintenanceWindow::parse("Sun 01:00-05:00").unwrap()),
                ..critical(current, target)
            });
        }
        let config = PlanConfig {
            start: date("2027-01-04"),
            pilot_applications: 0,
            max_servers_per_wave: Some(1),
            ..PlanConfig::default()
        };
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.waves.len(), 2);
        let dr = &plan.dr;
        // app0 cuts over Sunday 17 January (wave 1), its standby is ready on the 24th; app1 never meets 15 min RPO.
        let app0 = &dr.applications[0];
        assert_eq!(app0.periods.last().unwrap().from, date("2027-01-24"));
        assert!(!app0.ends_below_target);
        assert!(dr.applications[1].ends_below_target);
        assert_eq!(dr.below_target_at_end.len(), 1);
        assert!(
            dr.below_target_at_end[0].contains("'app1' (mission-critical) ends in the cloud with backup"),
            "{}",
            dr.below_target_at_end[0]
        );
        // Programme: the first replication start to 31 January; app1 is below target every day of it.
        let days = (dr.to.unwrap() - dr.from.unwrap()).num_days() as u32 + 1;
        assert_eq!(dr.applications[1].gap_days, days);
        assert_eq!(dr.gap_days_mission_critical, u64::from(app0.gap_days + days));
        assert_eq!(plan.metrics.dr_gap_days_mission_critical, dr.gap_days_mission_critical);
        assert_eq!(dr.full_coverage_from, None);
        // Neither met its targets before, so the migration takes nothing away.
        assert_eq!((dr.gap_days_caused, dr.coverage_restored_from), (0, dr.from));
        // Over time: half the applications covered from the 24th.
        let on_24th = dr.days.iter().rev().find(|d| d.date <= date("2027-01-24")).unwrap();
        assert_eq!((on_24th.coverage.by_tier[0].meeting, on_24th.coverage.by_tier[0].applications), (1, 2));
        assert_eq!(dr.waves[0].unprotected, ["app0"]);
        assert_eq!(dr.waves[0].coverage_at_end.by_tier[0].meeting, 0);
        assert_eq!(dr.waves[1].coverage_at_end.by_tier[0].meeting, 1);
    }
}
