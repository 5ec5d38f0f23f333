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
use crate::plan::{Plan, PlanConfig, Violation, ViolationKind};

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
    /// When the opening of the window it is scheduled in begins (what
    /// [`crate::plan::Placement::cutover`] is set to).
    pub opening: Option<NaiveDateTime>,
    /// Planned start of the cutover on its track (local time of the site):
    /// the opening, or later when the track is busy then.
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

/// Openings of a window whose first day falls in `[start, end]`, as (start,
/// end) minutes, latest first; an opening that touches a blackout day (one
/// running past midnight included) is left out.
fn openings(
    window: Option<&MaintenanceWindow>,
    start: NaiveDate,
    end: NaiveDate,
    config: &PlanConfig,
) -> Vec<(i64, i64)> {
    let blacked_out = |from: NaiveDate, to: NaiveDate| config.blackouts.iter().any(|b| b.start <= to && b.end >= from);
    let mut out = Vec::new();
    let mut day = end;
    while day >= start {
        let opening = match window {
            Some(w) if w.days.contains(&day.weekday()) => {
                let s = minutes_of(day.and_time(w.start));
                Some((s, s + i64::from(w.minutes)))
            }
            Some(_) => None,
            None => {
                let s = minutes_of(day.and_time(chrono::NaiveTime::MIN));
                Some((s, s + 1440))
            }
        };
        if let Some((s, e)) = opening
            && !blacked_out(day, at_minutes(e - 1).date())
        {
            out.push((s, e));
        }
        let Some(previous) = day.pred_opt() else { break };
        day = previous;
    }
    out
}

/// The cutover tracks of a wave being filled: per track, the busy intervals
/// (start, end minutes), sorted. Intervals on a track never block each other
/// (one ends at or before the other starts), so sorted by (start, end) their
/// ends are in order too, and a free slot is found by binary search.
#[derive(Clone, Debug, Default)]
struct Tracks {
    busy: Vec<Vec<(i64, i64)>>,
}

impl Tracks {
    fn new(tracks: usize) -> Tracks {
        Tracks { busy: vec![Vec::new(); tracks.max(1)] }
    }

    fn occupy(&mut self, track: usize, start: i64, end: i64) {
        let list = &mut self.busy[track];
        let at = list.partition_point(|&x| x <= (start, end));
        list.insert(at, (start, end));
    }

    /// The earliest start `t >= lo` with `t + d <= hi` on `track` that no busy
    /// interval blocks (an interval blocks when it starts before `t + d` and
    /// ends after `t`).
    fn earliest_fit(&self, track: usize, lo: i64, hi: i64, d: i64) -> Option<i64> {
        let list = &self.busy[track];
        let mut t = lo;
        let mut i = list.partition_point(|&(_, e)| e <= t);
        loop {
            if t + d > hi {
                return None;
            }
            match list.get(i) {
                Some(&(s, e)) if s < t + d => {
                    t = e;
                    while list.get(i).is_some_and(|&(_, e)| e <= t) {
                        i += 1;
                    }
                }
                _ => return Some(t),
            }
        }
    }

    /// Where a cutover of `d` minutes goes: the latest opening (of `openings`,
    /// latest first) with room on some track, as early in it as a track
    /// allows, the first track among equals; `(start, track, opening start)`.
    /// Occupies the slot found.
    fn place(&mut self, openings: &[(i64, i64)], d: i64) -> Option<(i64, usize, i64)> {
        for &(s, e) in openings {
            // A cutover longer than its window starts at the opening and runs over.
            let hi = e.max(s + d);
            let mut best: Option<(i64, usize, i64)> = None;
            for track in 0..self.busy.len() {
                if let Some(t) = self.earliest_fit(track, s, hi, d)
                    && best.is_none_or(|(bt, _, _)| t < bt)
                {
                    best = Some((t, track, s));
                }
            }
            if let Some((t, track, _)) = best {
                self.occupy(track, t, t + d);
                return best;
            }
        }
        None
    }
}

/// Minutes a window's openings in a wave are open altogether: with a
/// cutover's length, the room the schedule sorts by.
fn open_minutes(openings: &[(i64, i64)]) -> i64 {
    openings.iter().map(|(s, e)| e - s).sum()
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
        let room = open_minutes(&opening_lists[list]) - i64::from(minutes);
        order.push((room, app, minutes, list));
    }
    // The order [`IncrementalTracks`] keeps too: room, longest first, name, id.
    order.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.2.cmp(&a.2))
            .then_with(|| estate.application(a.1).name.cmp(&estate.application(b.1).name))
            .then(a.1.cmp(&b.1))
    });
    let mut busy = Tracks::new(tracks);
    let mut placed: Vec<Vec<(i64, AppId, u32)>> = vec![Vec::new(); tracks];
    let mut schedule = WaveSchedule::default();
    for (_, app_id, minutes, list) in order {
        let app = estate.application(app_id);
        let own = app.maintenance_window.as_ref();
        let window = window_of(app_id);
        let d = i64::from(minutes);
        let opening_list = &opening_lists[list];
        let best = busy.place(opening_list, d);
        let mut slot = AppSchedule {
            window: window.map(ToString::to_string),
            default_window: own.is_none() && window.is_some(),
            ..AppSchedule::default()
        };
        match best {
            Some((t, track, opening)) => {
                placed[track].push((t, app_id, minutes));
                slot.track = Some(track as u32 + 1);
                slot.opening = Some(at_minutes(opening));
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
    let intervals = busy.busy.iter().flatten();
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

/// One cutover in a wave's schedule order, with where the schedule put it.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Room in the wave's openings of its window, less its own minutes.
    room: i64,
    minutes: u32,
    /// Position of its name among every application's (then its id).
    rank: u32,
    group: u32,
    window: u32,
    /// (track, start, end) once placed.
    slot: Option<(u32, i64, i64)>,
}

impl Entry {
    /// The order of [`schedule_wave`]: least room, longest, name, id.
    fn key(&self) -> (i64, std::cmp::Reverse<u32>, u32) {
        (self.room, std::cmp::Reverse(self.minutes), self.rank)
    }
}

/// One wave's schedule as [`schedule_wave`] would make it, entry by entry.
#[derive(Clone, Debug, Default)]
struct WaveTracks {
    /// The groups it was made for, sorted.
    groups: Vec<u32>,
    /// The cutovers in schedule order.
    entries: Vec<Entry>,
    /// Whether every entry found a track.
    fits: bool,
}

/// The cutover-track check for a planner that adds and removes groups of
/// applications wave by wave: it keeps each wave's schedule, and tests a
/// candidate group against it by scheduling again only from where the
/// candidate enters the schedule's order (what comes before it is placed
/// exactly as before). The answer is always [`schedule_wave`]'s on the
/// whole wave: the same order, the same placement rule ([`Tracks::place`]).
#[derive(Debug)]
pub struct IncrementalTracks {
    tracks: usize,
    minutes: Vec<u32>,
    rank: Vec<u32>,
    window_of: Vec<u32>,
    windows: Vec<Option<MaintenanceWindow>>,
    /// What it has worked out so far (behind a lock so that a session
    /// holding it can be shared between threads).
    kept: std::sync::Mutex<Kept>,
}

/// Per window (as [`IncrementalTracks`] numbers them), its openings in one wave, latest first.
type WindowOpenings = Vec<Vec<(i64, i64)>>;

/// The schedules [`IncrementalTracks`] keeps.
#[derive(Clone, Debug, Default)]
struct Kept {
    /// Per wave, its openings per window and the schedule last made.
    waves: Vec<Option<(WindowOpenings, WaveTracks)>>,
    /// The last candidate that fitted: adopted when it is placed.
    candidate: Option<(u32, WaveTracks)>,
}

impl Clone for IncrementalTracks {
    fn clone(&self) -> IncrementalTracks {
        IncrementalTracks {
            tracks: self.tracks,
            minutes: self.minutes.clone(),
            rank: self.rank.clone(),
            window_of: self.window_of.clone(),
            windows: self.windows.clone(),
            kept: std::sync::Mutex::new(self.lock().clone()),
        }
    }
}

impl IncrementalTracks {
    /// The check for an estate under its settings.
    pub fn new(estate: &Estate, config: &PlanConfig) -> IncrementalTracks {
        let default_window = config.downtime.default_window().ok().flatten();
        let mut windows: Vec<Option<MaintenanceWindow>> = Vec::new();
        let mut window_of = Vec::with_capacity(estate.applications.len());
        for app in estate.app_ids() {
            let window = estate.application(app).maintenance_window.clone().or_else(|| default_window.clone());
            let id = windows.iter().position(|w| *w == window).unwrap_or_else(|| {
                windows.push(window);
                windows.len() - 1
            });
            window_of.push(id as u32);
        }
        let mut by_name: Vec<AppId> = estate.app_ids().collect();
        by_name.sort_by(|a, b| estate.application(*a).name.cmp(&estate.application(*b).name).then(a.cmp(b)));
        let mut rank = vec![0u32; by_name.len()];
        for (i, a) in by_name.into_iter().enumerate() {
            rank[a.index()] = i as u32;
        }
        IncrementalTracks {
            tracks: config.downtime.cutover_tracks.max(1) as usize,
            minutes: cutover_minutes(estate, &config.downtime),
            rank,
            window_of,
            windows,
            kept: Default::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic elsewhere cannot leave a half-made schedule behind: each is
        // replaced whole, so a poisoned lock's content is still sound.
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn openings_of(&self, config: &PlanConfig, wave: u32) -> Vec<Vec<(i64, i64)>> {
        let (start, end) = (config.wave_start(wave), config.wave_end(wave));
        self.windows.iter().map(|w| openings(w.as_ref(), start, end, config)).collect()
    }

    fn entry(&self, openings: &[Vec<(i64, i64)>], group: u32, app: AppId) -> Entry {
        let minutes = self.minutes.get(app.index()).copied().unwrap_or(0);
        let window = self.window_of[app.index()];
        let room = open_minutes(&openings[window as usize]) - i64::from(minutes);
        Entry { room, minutes, rank: self.rank[app.index()], group, window, slot: None }
    }

    /// `base` with the groups `removed` taken out and `added` put in,
    /// scheduled again from the first entry that changes. `stop_early`: give
    /// up at the first cutover without a track (the answer is then "no").
    fn reschedule(
        &self,
        openings: &[Vec<(i64, i64)>],
        base: &WaveTracks,
        removed: &[u32],
        added: &[(u32, &[AppId])],
        stop_early: bool,
    ) -> WaveTracks {
        let mut fresh: Vec<Entry> = added
            .iter()
            .flat_map(|&(g, apps)| apps.iter().map(move |&a| (g, a)))
            .map(|(g, a)| self.entry(openings, g, a))
            .collect();
        fresh.sort_by_key(Entry::key);
        let first_removed = base.entries.iter().position(|e| removed.contains(&e.group)).unwrap_or(base.entries.len());
        let first_added =
            fresh.first().map_or(base.entries.len(), |f| base.entries.partition_point(|e| e.key() < f.key()));
        let k = first_removed.min(first_added);
        let mut tracks = Tracks::new(self.tracks);
        for e in &base.entries[..k] {
            if let Some((t, s, end)) = e.slot {
                tracks.occupy(t as usize, s, end);
            }
        }
        let mut entries: Vec<Entry> = Vec::with_capacity(base.entries.len() + fresh.len());
        entries.extend_from_slice(&base.entries[..k]);
        let mut fits = base.entries[..k].iter().all(|e| e.slot.is_some());
        let rest = base.entries[k..].iter().filter(|e| !removed.contains(&e.group));
        let mut rest = rest.peekable();
        let mut fresh = fresh.into_iter().peekable();
        loop {
            let take_fresh = match (rest.peek(), fresh.peek()) {
                (Some(a), Some(b)) => b.key() < a.key(),
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => break,
            };
            let mut e = if take_fresh { fresh.next() } else { rest.next().copied() }.unwrap_or_else(|| unreachable!());
            let d = i64::from(e.minutes);
            e.slot = tracks.place(&openings[e.window as usize], d).map(|(t, track, _)| (track as u32, t, t + d));
            fits &= e.slot.is_some();
            entries.push(e);
            if !fits && stop_early {
                break;
            }
        }
        let mut groups: Vec<u32> = base.groups.iter().copied().filter(|g| !removed.contains(g)).collect();
        groups.extend(added.iter().map(|&(g, _)| g));
        groups.sort_unstable();
        WaveTracks { groups, entries, fits }
    }

    /// Whether wave `wave` holding `members` (each group with its
    /// applications), less the group `without` and with `add`, schedules
    /// every cutover on a track in its window: [`cutovers_fit`] of those
    /// applications, answered from the wave's kept schedule.
    pub fn fits<'a>(
        &self,
        config: &PlanConfig,
        wave: u32,
        members: impl IntoIterator<Item = (u32, &'a [AppId])>,
        without: Option<u32>,
        add: Option<(u32, &'a [AppId])>,
    ) -> bool {
        let mut current: Vec<(u32, &[AppId])> = members.into_iter().collect();
        current.sort_unstable_by_key(|m| m.0);
        let groups: Vec<u32> = current.iter().map(|m| m.0).collect();
        let mut guard = self.lock();
        let Kept { waves, candidate } = &mut *guard;
        let w = wave as usize;
        if waves.len() <= w {
            waves.resize_with(w + 1, || None);
        }
        let (openings, kept) = waves[w].get_or_insert_with(|| (self.openings_of(config, wave), WaveTracks::default()));
        if kept.groups != groups {
            match candidate.take() {
                Some((cw, tracks)) if cw == wave && tracks.groups == groups => *kept = tracks,
                _ => {
                    let removed: Vec<u32> =
                        kept.groups.iter().copied().filter(|g| groups.binary_search(g).is_err()).collect();
                    let added: Vec<(u32, &[AppId])> =
                        current.iter().copied().filter(|m| kept.groups.binary_search(&m.0).is_err()).collect();
                    *kept = self.reschedule(openings, kept, &removed, &added, false);
                }
            }
        }
        let add = add.filter(|a| groups.binary_search(&a.0).is_err());
        let without = without.filter(|h| groups.binary_search(h).is_ok());
        if add.is_none() && without.is_none() {
            return kept.fits;
        }
        let removed: Vec<u32> = without.into_iter().collect();
        let added: Vec<(u32, &[AppId])> = add.into_iter().collect();
        let trial = self.reschedule(openings, kept, &removed, &added, true);
        let fits = trial.fits;
        if fits {
            *candidate = Some((wave, trial));
        }
        fits
    }
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
            if slot.opening.is_some() {
                placement.cutover = slot.opening;
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
    let group_of: std::collections::HashMap<&str, usize> =
        plan.applications.iter().map(|p| (p.name.as_str(), p.move_group as usize)).collect();
    let mut violations = Vec::new();
    for (wave, apps) in plan.waves.iter().zip(wave_members(estate, plan)) {
        let with_minutes: Vec<(AppId, u32)> =
            apps.iter().map(|&a| (a, estimate_downtime(estate, a, &config.downtime).minutes)).collect();
        let schedule =
            schedule_wave(estate, config, config.wave_start(wave.index), config.wave_end(wave.index), &with_minutes);
        // The schedule says why in words and keeps, in the same order, each
        // application it found no track for (the only ones left without one):
        // the violation concerns that application, not the others its
        // message names as taking the tracks.
        let left_out = schedule.applications.iter().filter(|(_, slot)| slot.track.is_none()).map(|(a, _)| *a);
        for (why, app) in schedule.unplaced.into_iter().zip(left_out) {
            let name = &estate.application(app).name;
            violations.push(Violation::new(
                ViolationKind::CutoverWindow,
                format!("{}: {why}", wave.name),
                vec![name.clone()],
                group_of.get(name.as_str()).copied().into_iter().collect(),
            ));
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
        // d starts after b, inside the opening of 01:00 that the plan names as its cutover.
        assert_eq!(
            s.applications.iter().find(|(a, _)| a.index() == 3).unwrap().1.opening,
            Some(at("2027-01-17 01:00"))
        );
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
        // A window that runs past midnight into a blackout day is closed too.
        let e = estate(1, "Sat 22:00-02:00");
        config.blackouts[0] = Blackout { name: "freeze".into(), start: date("2027-01-17"), end: date("2027-01-17") };
        let s = schedule_wave(&e, &config, date("2027-01-04"), date("2027-01-17"), &[(AppId(0), 60)]);
        assert_eq!(s.applications[0].1.start, Some(at("2027-01-09 22:00")));
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
        assert_eq!(violations[0].kind, ViolationKind::CutoverWindow);
        // It concerns the application left without a track, not those its
        // message names as taking the tracks.
        let c_group = plan.applications.iter().find(|a| a.name == "c").unwrap().move_group as usize;
        assert_eq!(
            (violations[0].applications.as_slice(), violations[0].groups.as_slice()),
            (&["c".to_string()][..], &[c_group][..])
        );
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
        assert!(plan.applications.iter().all(|a| a.schedule.track.is_some() && a.cutover == a.schedule.opening));
        // Both tracks take the 17th; the third has no room after them and takes the 10th.
        let c = plan.applications.iter().find(|a| a.name == "c").unwrap();
        assert_eq!((c.cutover, c.schedule.start), (Some(at("2027-01-10 01:00")), Some(at("2027-01-10 01:00"))));
    }

    #[test]
    fn the_incremental_check_answers_what_a_schedule_from_scratch_answers() {
        use rand::{Rng, SeedableRng};
        // Tight windows, a day-long one and none; cutovers of up to 6 2/3 hours on
        // one track: waves fill up, and candidates enter anywhere in the order.
        let windows = ["Sun 01:00-05:00", "Sat-Sun 22:00-06:00", "Mon-Fri 20:00-23:00", "Wed 00:00-23:59"];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut e = estate(40, windows[0]);
        for (i, app) in e.applications.iter_mut().enumerate() {
            app.name = format!("app{:02}", (i * 17) % 40);
            app.maintenance_window = windows.get(i % 5).map(|w| MaintenanceWindow::parse(w).unwrap());
        }
        let mut config = config(1);
        config.blackouts.push(Blackout { name: "freeze".into(), start: date("2027-01-16"), end: date("2027-01-16") });
        let minutes: Vec<u32> = (0..40).map(|_| rng.random_range(0..400)).collect();
        let groups: Vec<Vec<AppId>> = (0..20).map(|g| vec![AppId(2 * g), AppId(2 * g + 1)]).collect();
        let mut check = IncrementalTracks::new(&e, &config);
        check.minutes = minutes.clone();
        let mut wave_of: Vec<u32> = vec![0; groups.len()];
        let members = |wave_of: &[u32], w: u32| -> Vec<u32> {
            (0..groups.len() as u32).filter(|&g| wave_of[g as usize] == w).collect()
        };
        let mut answers = [0usize; 2];
        for _ in 0..600 {
            let g = rng.random_range(0..groups.len() as u32);
            let w = rng.random_range(1..=3u32);
            let in_wave = members(&wave_of, w);
            let without =
                (rng.random_bool(0.3) && !in_wave.is_empty()).then(|| in_wave[rng.random_range(0..in_wave.len())]);
            let from_scratch: Vec<AppId> = in_wave
                .iter()
                .filter(|&&x| x != g && Some(x) != without)
                .chain([&g])
                .flat_map(|&x| groups[x as usize].iter().copied())
                .collect();
            let expected = cutovers_fit(&e, &config, w, from_scratch, &minutes);
            let listed = in_wave.iter().map(|&x| (x, groups[x as usize].as_slice()));
            let got = check.fits(&config, w, listed, without, Some((g, groups[g as usize].as_slice())));
            assert_eq!(got, expected, "group {g} into wave {w} without {without:?}, holding {in_wave:?}");
            answers[usize::from(got)] += 1;
            // Move it there when it fits, or take a group out now and then.
            if got && without.is_none() {
                wave_of[g as usize] = w;
            } else if rng.random_bool(0.2) {
                wave_of[g as usize] = 0;
            }
        }
        assert!(answers[0] > 50 && answers[1] > 50, "both answers exercised: {answers:?}");
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
