//! The cutover schedule of each wave: cutovers on parallel tracks (cutover
//! teams) inside their maintenance windows, and the replication each cutover
//! needs ahead of it, dated.
//!
//! Tracks: the cutover with the least room in its window is placed first
//! (minutes its window is open in the wave less its own length), the longest
//! first among equals, each in the latest opening of its window in the wave that has room
//! on some track (replication gets the most time), as early in that opening as
//! the track allows (what is left of the window is the rollback margin): the
//! tightly windowed and the big cutovers are not squeezed out by the rest. A cutover longer than its window starts when the window
//! opens and runs over (the application is warned about); a cutover for which
//! no track has room in any opening of its window breaks the wave (a hard
//! violation, `cutover-window`).
//!
//! Replication: the link to the cloud seeds one application at a time, in
//! the order of their cutovers; each must be seeded `stabilisation_days`
//! before its cutover. Working back from the last cutover gives the latest
//! day each replication can start. Nothing here chooses waves.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{estimate_downtime, round1, round2};
use crate::model::{AppId, Estate, MaintenanceWindow};
use crate::plan::{Plan, PlanConfig, Violation};

/// One cutover track (a team running cutovers one after another) of a wave.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CutoverTrack {
    /// 1 for the first track.
    pub track: u32,
    /// Applications it cuts over, in time order.
    pub applications: Vec<String>,
    /// Their downtimes added up, minutes.
    pub minutes: u64,
}

/// Where one application's cutover sits in its wave, and when its replication starts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSchedule {
    /// The track that cuts it over; `None` when no track had room (a violation).
    pub track: Option<u32>,
    /// Planned start of the cutover (local time of the site).
    pub start: Option<NaiveDateTime>,
    /// Planned end.
    pub end: Option<NaiveDateTime>,
    /// The window it is scheduled in: its own, or the programme's default.
    pub window: Option<String>,
    /// Whether `window` is the programme's default (the application has none).
    pub default_window: bool,
    /// Data replicated ahead of the cutover, GB.
    pub replication_gb: f64,
    /// Latest day its initial replication can start.
    pub replication_start: Option<NaiveDate>,
    /// Day its replication must be complete (stabilisation before the cutover).
    pub replication_seeded_by: Option<NaiveDate>,
    /// Link time its initial copy takes, days (3,650 when the link cannot keep up with its change).
    pub replication_days: f64,
    /// The arithmetic of the replication lead.
    pub replication_arithmetic: String,
    /// Whether replication would have to start before the programme does.
    pub replication_before_programme: bool,
}

/// The cutovers of one wave on its tracks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WaveSchedule {
    /// The tracks, first to last.
    pub tracks: Vec<CutoverTrack>,
    /// The busiest track's minutes: with the tracks running in parallel, the
    /// downtime effort the wave's cutovers take end to end.
    pub critical_path_minutes: u64,
    /// First cutover start.
    pub first_cutover: Option<NaiveDateTime>,
    /// Last cutover end.
    pub last_cutover_end: Option<NaiveDateTime>,
    /// Applications no track had room for, with why.
    pub unplaced: Vec<String>,
    /// Latest day the wave's first replication can start.
    pub replication_start: Option<NaiveDate>,
    /// Data the wave replicates ahead of its cutovers, GB.
    pub replication_gb: f64,
    /// Link time the wave's initial copies take, days.
    pub replication_days: f64,
    /// Applications whose replication would have to start before the programme.
    pub replication_before_programme: Vec<String>,
    /// Per application, in the order of [`WaveSchedule::tracks`] placement (by name).
    #[serde(skip)]
    pub applications: Vec<(AppId, AppSchedule)>,
}

/// One application's replication ahead of its cutover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicationLead {
    /// The application.
    pub app: AppId,
    /// GB replicated ahead.
    pub gb: f64,
    /// Daily change replication carries too, GB.
    pub change_gb_per_day: f64,
    /// Link time of the initial copy, days (infinite when the link cannot keep up with the change).
    pub days: f64,
    /// Latest start.
    pub start: NaiveDateTime,
    /// Seeded by.
    pub seeded_by: NaiveDateTime,
    /// The arithmetic.
    pub arithmetic: String,
}

/// How long a replication that never catches up is shown to take, days.
const NEVER_DAYS: f64 = 3650.0;

fn minutes_of(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp().div_euclid(60)
}

fn at_minutes(m: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(m.saturating_mul(60), 0).map(|d| d.naive_utc()).unwrap_or_default()
}

/// Openings of a window whose first day falls in `[start, end]` and outside
/// every blackout, as (start, end) minutes, latest first.
fn openings(
    window: Option<&MaintenanceWindow>,
    start: NaiveDate,
    end: NaiveDate,
    config: &PlanConfig,
) -> Vec<(i64, i64)> {
    let blacked_out = |day: NaiveDate| config.blackouts.iter().any(|b| b.covers(day));
    let mut out = Vec::new();
    let mut day = end;
    while day >= start {
        if !blacked_out(day) {
            match window {
                Some(w) if w.days.contains(&day.weekday()) => {
                    let s = minutes_of(day.and_time(w.start));
                    out.push((s, s + i64::from(w.minutes)));
                }
                Some(_) => {}
                None => {
                    let s = minutes_of(day.and_time(chrono::NaiveTime::MIN));
                    out.push((s, s + 1440));
                }
            }
        }
        let Some(previous) = day.pred_opt() else { break };
        day = previous;
    }
    out
}

/// The earliest start `t >= lo` with `t + d <= hi` clear of every busy interval.
fn earliest_fit(busy: &[(i64, i64)], lo: i64, hi: i64, d: i64) -> Option<i64> {
    let mut t = lo;
    loop {
        if t + d > hi {
            return None;
        }
        match busy.iter().filter(|&&(s, e)| s < t + d && e > t).map(|&(_, e)| e).max() {
            Some(e) => t = e,
            None => return Some(t),
        }
    }
}

/// Schedules the cutovers of one wave: `apps` are the applications with
/// their downtime minutes.
pub fn schedule_wave(
    estate: &Estate,
    config: &PlanConfig,
    start: NaiveDate,
    end: NaiveDate,
    apps: &[(AppId, u32)],
) -> WaveSchedule {
    let tracks = config.downtime.cutover_tracks.max(1) as usize;
    let default_window = config.downtime.default_window().ok().flatten();
    let window_of = |app: AppId| estate.application(app).maintenance_window.as_ref().or(default_window.as_ref());
    // The openings of each distinct window, computed once (a wave's
    // applications share a handful of windows).
    let mut windows: Vec<Option<&MaintenanceWindow>> = Vec::new();
    let mut opening_lists: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut order: Vec<(i64, AppId, u32, usize)> = Vec::with_capacity(apps.len());
    for &(app, minutes) in apps {
        let window = window_of(app);
        let list = match windows.iter().position(|w| *w == window) {
            Some(i) => i,
            None => {
                windows.push(window);
                opening_lists.push(openings(window, start, end, config));
                opening_lists.len() - 1
            }
        };
        // Room: minutes of window open in the wave, less the cutover's own length.
        let room = opening_lists[list].iter().map(|(s, e)| e - s).sum::<i64>() - i64::from(minutes);
        order.push((room, app, minutes, list));
    }
    order.sort_by(|a, b| {
        a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then_with(|| estate.application(a.1).name.cmp(&estate.application(b.1).name))
    });
    let mut busy: Vec<Vec<(i64, i64)>> = vec![Vec::new(); tracks];
    let mut placed: Vec<Vec<(i64, AppId, u32)>> = vec![Vec::new(); tracks];
    let mut schedule = WaveSchedule::default();
    for (_, app_id, minutes, list) in order {
        let app = estate.application(app_id);
        let own = app.maintenance_window.as_ref();
        let window = window_of(app_id);
        let d = i64::from(minutes);
        let mut best: Option<(i64, usize)> = None;
        let opening_list = &opening_lists[list];
        for &(s, e) in opening_list {
            // A cutover longer than its window starts at the opening and runs over.
            let hi = e.max(s + d);
            for (track, intervals) in busy.iter().enumerate() {
                if let Some(t) = earliest_fit(intervals, s, hi, d)
                    && best.is_none_or(|(bt, _)| t < bt)
                {
                    best = Some((t, track));
                }
            }
            if best.is_some() {
                break;
            }
        }
        let mut slot = AppSchedule {
            window: window.map(ToString::to_string),
            default_window: own.is_none() && window.is_some(),
            ..AppSchedule::default()
        };
        match best {
            Some((t, track)) => {
                busy[track].push((t, t + d));
                placed[track].push((t, app_id, minutes));
                slot.track = Some(track as u32 + 1);
                slot.start = Some(at_minutes(t));
                slot.end = Some(at_minutes(t + d));
            }
            None => {
                let mut taken: Vec<&str> = placed
                    .iter()
                    .flatten()
                    .filter(|&&(t, _, m)| opening_list.iter().any(|&(s, e)| t < e && t + i64::from(m) > s))
                    .map(|&(_, a, _)| estate.application(a).name.as_str())
                    .collect();
                taken.sort_unstable();
                let quoted: Vec<String> = taken.iter().map(|n| format!("'{n}'")).collect();
                schedule.unplaced.push(format!(
                    "'{}' ({minutes} min, window {}): no cutover track is free in the {} opening{} of its window in the wave; the {} track{} then cut over {}",
                    app.name,
                    window.map(ToString::to_string).unwrap_or_else(|| "any time".into()),
                    opening_list.len(),
                    if opening_list.len() == 1 { "" } else { "s" },
                    tracks,
                    if tracks == 1 { "" } else { "s" },
                    if quoted.is_empty() { "nothing (the window never opens outside blackouts)".to_string() } else { quoted.join(", ") },
                ))
            }
        }
        schedule.applications.push((app_id, slot));
    }
    for (i, mut list) in placed.into_iter().enumerate() {
        list.sort_by_key(|&(t, app, _)| (t, app));
        schedule.tracks.push(CutoverTrack {
            track: i as u32 + 1,
            applications: list.iter().map(|&(_, a, _)| estate.application(a).name.clone()).collect(),
            minutes: list.iter().map(|&(_, _, m)| u64::from(m)).sum(),
        });
    }
    schedule.critical_path_minutes = schedule.tracks.iter().map(|t| t.minutes).max().unwrap_or(0);
    let intervals = busy.iter().flatten();
    schedule.first_cutover = intervals.clone().map(|&(s, _)| s).min().map(at_minutes);
    schedule.last_cutover_end = intervals.map(|&(_, e)| e).max().map(at_minutes);
    schedule
}

/// Dates the replication of every application ahead of its cutover: the link
/// seeds one application at a time, in cutover order, each
/// `stabilisation_days` before its cutover. `items` are (application, GB
/// replicated ahead, daily change GB, cutover).
pub fn replication_leads(config: &PlanConfig, items: &[(AppId, f64, f64, NaiveDateTime)]) -> Vec<ReplicationLead> {
    let dt = &config.downtime;
    let link = dt.link_gb_per_day();
    let mut order: Vec<&(AppId, f64, f64, NaiveDateTime)> = items.iter().filter(|i| i.1 > 0.0).collect();
    order.sort_by(|a, b| b.3.cmp(&a.3).then(b.0.cmp(&a.0)));
    let stabilisation = (dt.stabilisation_days * 1440.0).round() as i64;
    let mut link_free_from = i64::MAX;
    let mut leads = Vec::with_capacity(order.len());
    for &&(app, gb, change, cutover) in &order {
        let net = link - change;
        let deadline = minutes_of(cutover) - stabilisation;
        let seeded_by = deadline.min(link_free_from);
        let days = if net > 0.0 { gb / net } else { f64::INFINITY };
        let length = (days.min(NEVER_DAYS) * 1440.0).ceil() as i64;
        let start = seeded_by - length;
        link_free_from = start;
        let rate = format!(
            "{} Mbit/s × {} × 86,400 s ÷ 8,000 Mbit/GB = {} GB/day",
            round2(dt.bandwidth_mbps),
            round2(dt.link_efficiency),
            round1(link)
        );
        let mut arithmetic = if days.is_finite() {
            format!(
                "{} GB ÷ ({rate} − {} GB/day changing meanwhile) = {} days; seeded {} days before the cutover",
                round2(gb),
                round2(change),
                round1(days),
                round1(dt.stabilisation_days)
            )
        } else {
            format!(
                "the link carries {rate}, less than the {} GB/day that changes: replication never catches up (shown as 10 years)",
                round2(change)
            )
        };
        if seeded_by < deadline {
            arithmetic.push_str(&format!(
                "; the link is seeding later cutovers from {}, so this copy must be done by then",
                at_minutes(seeded_by).date()
            ));
        }
        leads.push(ReplicationLead {
            app,
            gb,
            change_gb_per_day: change,
            days,
            start: at_minutes(start),
            seeded_by: at_minutes(seeded_by),
            arithmetic,
        });
    }
    leads.reverse();
    leads
}

/// Every application's cutover downtime, minutes, indexed by [`AppId`]: what
/// [`cutovers_fit`] takes.
pub fn cutover_minutes(estate: &Estate, config: &super::DowntimeConfig) -> Vec<u32> {
    estate.app_ids().map(|a| estimate_downtime(estate, a, config).minutes).collect()
}

/// Whether the cutovers of `apps` all find a track in their windows in wave
/// `wave` (the check [`cutover_violations`] makes): for a planner placing
/// applications. `minutes` is [`cutover_minutes`].
pub fn cutovers_fit(
    estate: &Estate,
    config: &PlanConfig,
    wave: u32,
    apps: impl IntoIterator<Item = AppId>,
    minutes: &[u32],
) -> bool {
    let apps: Vec<(AppId, u32)> = apps.into_iter().map(|a| (a, minutes.get(a.index()).copied().unwrap_or(0))).collect();
    schedule_wave(estate, config, config.wave_start(wave), config.wave_end(wave), &apps).unplaced.is_empty()
}

/// The application ids of a plan's waves, by name.
fn wave_members(estate: &Estate, plan: &Plan) -> Vec<Vec<AppId>> {
    let ids: HashMap<&str, AppId> = estate.app_ids().map(|a| (estate.application(a).name.as_str(), a)).collect();
    plan.waves.iter().map(|w| w.applications.iter().filter_map(|n| ids.get(n.as_str()).copied()).collect()).collect()
}

/// Adds the cutover schedule and replication lead to a plan: every wave's
/// tracks and critical path, every application's slot and replication dates,
/// the warnings (cutovers longer than their window, replication before the
/// programme) and the metrics. The planner calls it once, at the end of assembly.
pub fn schedule_waves(estate: &Estate, config: &PlanConfig, plan: &mut Plan) {
    let members = wave_members(estate, plan);
    let index_of: HashMap<String, usize> =
        plan.applications.iter().enumerate().map(|(i, p)| (p.name.clone(), i)).collect();
    let mut slots: HashMap<AppId, (usize, AppSchedule)> = HashMap::new();
    let mut items = Vec::new();
    for (w, (wave, apps)) in plan.waves.iter_mut().zip(&members).enumerate() {
        let with_minutes: Vec<(AppId, u32)> = apps
            .iter()
            .filter_map(|&a| {
                index_of.get(&estate.application(a).name).map(|&i| (a, plan.applications[i].downtime.minutes))
            })
            .collect();
        let mut schedule = schedule_wave(estate, config, wave.start, wave.end, &with_minutes);
        for (app, slot) in std::mem::take(&mut schedule.applications) {
            let Some(&i) = index_of.get(&estate.application(app).name) else { continue };
            let placement = &plan.applications[i];
            let cutover = slot.start.or(placement.cutover).unwrap_or_else(|| wave.end.and_time(chrono::NaiveTime::MIN));
            items.push((
                app,
                placement.downtime.replicated_gb,
                placement.downtime.replicated_change_gb_per_day,
                cutover,
            ));
            slots.insert(app, (w, slot));
        }
        wave.schedule = schedule;
    }
    for lead in replication_leads(config, &items) {
        if let Some((w, slot)) = slots.get_mut(&lead.app) {
            slot.replication_gb = lead.gb;
            // JSON has no infinity: a replication that never catches up is shown as ten years.
            slot.replication_days = lead.days.min(NEVER_DAYS);
            slot.replication_start = Some(lead.start.date());
            slot.replication_seeded_by = Some(lead.seeded_by.date());
            slot.replication_before_programme = lead.start.date() < config.start;
            slot.replication_arithmetic = lead.arithmetic;
            let wave = &mut plan.waves[*w].schedule;
            wave.replication_gb += lead.gb;
            wave.replication_days += slot.replication_days;
            wave.replication_start =
                Some(wave.replication_start.map_or(lead.start.date(), |d| d.min(lead.start.date())));
            if slot.replication_before_programme {
                wave.replication_before_programme.push(estate.application(lead.app).name.clone());
            }
        }
    }
    for (app, (_, slot)) in slots {
        if let Some(&i) = index_of.get(&estate.application(app).name) {
            let placement = &mut plan.applications[i];
            if slot.start.is_some() {
                placement.cutover = slot.start;
            }
            placement.schedule = slot;
        }
    }

    for app in &plan.applications {
        if app.fits_window == Some(false) {
            plan.warnings.push(format!(
                "'{}': cutover downtime of {} min does not fit its maintenance window ({}){}",
                app.name,
                app.downtime.minutes,
                app.maintenance_window.as_deref().unwrap_or(""),
                app.downtime.suggestions.first().map(|s| format!("; {s}")).unwrap_or_default()
            ));
        }
    }
    for wave in &plan.waves {
        let early = &wave.schedule.replication_before_programme;
        if let (false, Some(start)) = (early.is_empty(), wave.schedule.replication_start) {
            plan.warnings.push(format!(
                "{}: replication of {} would have to start on {start}, {} days before the programme starts ({}): more bandwidth, a later wave or an offline transfer device would avoid it",
                wave.name,
                names(early),
                (config.start - start).num_days(),
                config.start
            ));
        }
    }
    let m = &mut plan.metrics;
    m.cutover_critical_path_longest_minutes =
        plan.waves.iter().map(|w| w.schedule.critical_path_minutes).max().unwrap_or(0);
    m.cutover_critical_path_total_minutes = plan.waves.iter().map(|w| w.schedule.critical_path_minutes).sum();
    m.waves_over_cutover_window = plan.waves.iter().filter(|w| !w.schedule.unplaced.is_empty()).count();
    m.replication_before_programme = plan.waves.iter().map(|w| w.schedule.replication_before_programme.len()).sum();
    m.replication_first_start = plan.waves.iter().filter_map(|w| w.schedule.replication_start).min();
}

fn names(list: &[String]) -> String {
    let quoted: Vec<String> = list.iter().take(4).map(|n| format!("'{n}'")).collect();
    if list.len() > 4 { format!("{} and {} more", quoted.join(", "), list.len() - 4) } else { quoted.join(", ") }
}

/// The waves whose cutovers do not fit their windows on the tracks available,
/// checked from scratch (for [`crate::plan::verify_plan`]).
pub fn cutover_violations(estate: &Estate, plan: &Plan) -> Vec<Violation> {
    let config = &plan.config;
    let mut violations = Vec::new();
    for (wave, apps) in plan.waves.iter().zip(wave_members(estate, plan)) {
        let with_minutes: Vec<(AppId, u32)> =
            apps.iter().map(|&a| (a, estimate_downtime(estate, a, &config.downtime).minutes)).collect();
        let schedule =
            schedule_wave(estate, config, config.wave_start(wave.index), config.wave_end(wave.index), &with_minutes);
        for why in schedule.unplaced {
            violations
                .push(Violation { constraint: "cutover-window".into(), message: format!("{}: {why}", wave.name) });
        }
    }
    violations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, Server, ServerId};
    use crate::plan::{Blackout, plan_waves};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    /// Applications named a, b, c, ... each with one server and this window.
    fn estate(count: usize, window: &str) -> Estate {
        let mut e = Estate::default();
        for i in 0..count {
            e.servers.push(Server { name: format!("srv{i}"), disk_used_gb: Some(10.0), ..Server::default() });
            e.applications.push(Application {
                name: ((b'a' + i as u8) as char).to_string(),
                servers: vec![ServerId(i as u32)],
                maintenance_window: Some(MaintenanceWindow::parse(window).unwrap()),
                ..Application::default()
            });
        }
        e
    }

    fn config(tracks: u32) -> PlanConfig {
        let mut config = PlanConfig {
            start: date("2027-01-04"),
            pilot_applications: 0,
            max_servers_per_wave: None,
            ..PlanConfig::default()
        };
        config.downtime.cutover_tracks = tracks;
        config
    }

    #[test]
    fn least_room_and_longest_first_each_in_the_latest_opening_with_room() {
        // A two-week wave from Monday 4 January has Sunday windows on the 10th and the 17th.
        let e = estate(4, "Sun 01:00-05:00");
        let apps = [(AppId(0), 200), (AppId(1), 150), (AppId(2), 100), (AppId(3), 90)];
        let s = schedule_wave(&e, &config(2), date("2027-01-04"), date("2027-01-17"), &apps);
        let slot = |i: usize| {
            let (_, slot) = s.applications.iter().find(|(a, _)| a.index() == i).unwrap();
            (slot.track, slot.start)
        };
        // a (200) opens the last window on track 1, b (150) on track 2; c (100) fits
        // neither after them on the 17th and opens the 10th; d (90) follows b exactly.
        assert_eq!(slot(0), (Some(1), Some(at("2027-01-17 01:00"))));
        assert_eq!(slot(1), (Some(2), Some(at("2027-01-17 01:00"))));
        assert_eq!(slot(2), (Some(1), Some(at("2027-01-10 01:00"))));
        assert_eq!(slot(3), (Some(2), Some(at("2027-01-17 03:30"))));
        assert_eq!(s.tracks[0].applications, ["c", "a"]);
        assert_eq!((s.tracks[0].minutes, s.tracks[1].minutes, s.critical_path_minutes), (300, 240, 300));
        assert_eq!(s.tracks[1].applications, ["b", "d"]);
        assert_eq!(s.first_cutover, Some(at("2027-01-10 01:00")));
        assert_eq!(s.last_cutover_end, Some(at("2027-01-17 05:00")));
        assert!(s.unplaced.is_empty());
    }

    #[test]
    fn an_overlong_cutover_starts_when_its_window_opens_and_blackouts_close_openings() {
        let e = estate(1, "Sun 01:00-05:00");
        let mut config = config(1);
        let s = schedule_wave(&e, &config, date("2027-01-04"), date("2027-01-17"), &[(AppId(0), 300)]);
        assert_eq!(s.applications[0].1.start, Some(at("2027-01-17 01:00")));
        assert_eq!(s.applications[0].1.end, Some(at("2027-01-17 06:00")));
        config.blackouts.push(Blackout { name: "go-live".into(), start: date("2027-01-16"), end: date("2027-01-18") });
        let s = schedule_wave(&e, &config, date("2027-01-04"), date("2027-01-17"), &[(AppId(0), 300)]);
        assert_eq!(s.applications[0].1.start, Some(at("2027-01-10 01:00")));
    }

    #[test]
    fn a_wave_whose_cutovers_do_not_fit_is_a_hard_violation_and_the_planner_avoids_it() {
        // Three cutovers of 201 minutes, one track, two four-hour Sunday windows in a wave.
        let e = estate(3, "Sun 01:00-05:00");
        let mut config = config(1);
        config.downtime.smoke_test_minutes = 200.0 - 10.0 - 15.0; // boot 10 + DNS 15 + smoke 175 + a tiny delta sync
        let plan = plan_waves(&e, &config);
        assert_eq!(plan.metrics.hard_violations, 0, "{:?}", plan.violations);
        assert_eq!(plan.waves.iter().map(|w| w.applications.len()).collect::<Vec<_>>(), [2, 1]);
        let c = plan.applications.iter().find(|a| a.name == "c").unwrap();
        assert!(
            c.reasons
                .iter()
                .any(|r| r
                    == "wave 1's maintenance windows were full: its cutover tracks had no room for these cutovers"),
            "{:?}",
            c.reasons
        );

        // All three in wave 1 break it, and the verifier says so.
        let mut crowded = plan.clone();
        crowded.waves.truncate(1);
        crowded.waves[0].applications.push("c".into());
        crowded.waves[0].servers.push("srv2".into());
        let violations = crate::plan::verify_plan(&e, &crowded);
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].constraint, "cutover-window");
        assert!(
            violations[0].message.starts_with("Wave 1: 'c' (201 min, window Sun 01:00-05:00): no cutover track is free in the 2 openings of its window in the wave; the 1 track then cut over 'a', 'b'"),
            "{}",
            violations[0].message
        );
        let schedule = schedule_wave(
            &e,
            &config,
            config.wave_start(1),
            config.wave_end(1),
            &[(AppId(0), 201), (AppId(1), 201), (AppId(2), 201)],
        );
        assert_eq!(schedule.unplaced.len(), 1);
        assert!(!cutovers_fit(&e, &config, 1, [AppId(0), AppId(1), AppId(2)], &cutover_minutes(&e, &config.downtime)));

        // A second track fits them all in one wave.
        config.downtime.cutover_tracks = 2;
        let plan = plan_waves(&e, &config);
        assert_eq!((plan.metrics.hard_violations, plan.waves.len()), (0, 1), "{:?}", plan.violations);
        assert_eq!(plan.waves[0].schedule.tracks.len(), 2);
        assert!(plan.applications.iter().all(|a| a.schedule.track.is_some() && a.cutover == a.schedule.start));
    }

    #[test]
    fn replication_is_dated_back_from_the_cutovers_on_one_shared_link() {
        // 1,000 Mbit/s × 0.7 = 7,560 GB/day. y: 7,560 GB changing 3,780 GB/day seeds in
        // 7,560 ÷ 3,780 = 2 days, by 3 days before its cutover: 14th 02:00, from the 12th.
        // x: 15,120 GB in 2 days, but the link is busy with y from the 12th 02:00: from the 10th.
        let config = PlanConfig { start: date("2027-01-11"), ..PlanConfig::default() };
        let items =
            [(AppId(0), 15_120.0, 0.0, at("2027-01-17 01:00")), (AppId(1), 7_560.0, 3_780.0, at("2027-01-17 02:00"))];
        let leads = replication_leads(&config, &items);
        assert_eq!(leads.iter().map(|l| l.app).collect::<Vec<_>>(), [AppId(0), AppId(1)]);
        let (x, y) = (&leads[0], &leads[1]);
        assert_eq!((y.start, y.seeded_by, y.days), (at("2027-01-12 02:00"), at("2027-01-14 02:00"), 2.0));
        assert_eq!((x.start, x.seeded_by), (at("2027-01-10 02:00"), at("2027-01-12 02:00")));
        assert!(x.arithmetic.starts_with("15120 GB ÷ (1000 Mbit/s × 0.7 × 86,400 s ÷ 8,000 Mbit/GB = 7560 GB/day − 0 GB/day changing meanwhile) = 2 days"), "{}", x.arithmetic);
        assert!(x.arithmetic.contains("the link is seeding later cutovers from 2027-01-12"), "{}", x.arithmetic);
        // More change than the link carries never catches up.
        let leads = replication_leads(&config, &[(AppId(0), 100.0, 8_000.0, at("2027-01-17 01:00"))]);
        assert!(leads[0].days.is_infinite() && leads[0].arithmetic.contains("never catches up"));
    }

    #[test]
    fn replication_that_must_start_before_the_programme_is_flagged() {
        let mut e = estate(1, "Sun 01:00-05:00");
        e.servers[0].disk_used_gb = Some(60_000.0); // 60,000 ÷ (7,560 − 1,200) = 9.4 days, + 3 days of stabilisation
        let plan = plan_waves(&e, &config(1));
        let slot = &plan.applications[0].schedule;
        // Cutover Sunday 17th 01:00 (the latest opening); seeded by the 14th 01:00; 9.43 days before: the 4th.
        assert_eq!(plan.applications[0].cutover, Some(at("2027-01-17 01:00")));
        assert_eq!(slot.replication_seeded_by, Some(date("2027-01-14")));
        assert_eq!(slot.replication_start, Some(date("2027-01-04")));
        assert!(!slot.replication_before_programme);
        e.servers[0].disk_used_gb = Some(70_000.0); // 70,000 ÷ 6,160 = 11.4 days: the 2nd
        let plan = plan_waves(&e, &config(1));
        assert_eq!(plan.applications[0].schedule.replication_start, Some(date("2027-01-02")));
        assert_eq!(plan.metrics.replication_before_programme, 1);
        assert!(
            plan.warnings.iter().any(|w| w
                .contains("replication of 'a' would have to start on 2027-01-02, 2 days before the programme starts")),
            "{:?}",
            plan.warnings
        );
        // A disk changing faster than the link carries never catches up: shown as ten
        // years, and the plan still reads back from its JSON.
        e.servers[0].disk_used_gb = Some(500_000.0); // 2% = 10,000 GB/day > 7,560
        let plan = plan_waves(&e, &config(1));
        let slot = &plan.applications[0].schedule;
        assert_eq!(slot.replication_days, NEVER_DAYS);
        assert!(
            slot.replication_arithmetic.contains("replication never catches up"),
            "{}",
            slot.replication_arithmetic
        );
        let read: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        assert_eq!(read.applications[0].schedule.replication_days, NEVER_DAYS);
        // DR is counted from the programme's start, not from a replication that cannot be.
        assert_eq!(plan.dr.from, Some(date("2027-01-04")));
    }
}
