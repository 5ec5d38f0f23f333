//! What every export needs to know about a plan beyond its own fields, worked
//! out once: which wave each server and application moves in, which
//! application a server or data store belongs to, each dependency with its
//! cross-wave and hybrid flags, and the runbook (every cutover step with its
//! planned clock times).
//!
//! It reads the estate and the plan only; it never recomputes the plan.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDateTime};
use waveplan_core::plan::Placement;
use waveplan_core::{AppId, Endpoint, Estate, MaintenanceWindow, Plan, ServerId};

/// Which side of the migration an endpoint is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// Moves in this wave (1-based).
    Wave(u32),
    /// Stays on premises for good: a device, a retained application or its servers.
    Stays,
    /// Retired: switched off instead of moved.
    Retired,
    /// Outside the estate (a SaaS API, a partner).
    External,
    /// In the inventory but in no wave and not listed as staying (for
    /// example a plan made before the server was imported).
    Unplanned,
}

impl Side {
    /// The wave, when it moves.
    pub fn wave(self) -> Option<u32> {
        match self {
            Side::Wave(w) => Some(w),
            _ => None,
        }
    }

    /// A short label: `wave 3`, `stays on premises`, ...
    pub fn label(self) -> String {
        match self {
            Side::Wave(w) => format!("wave {w}"),
            Side::Stays => "stays on premises".into(),
            Side::Retired => "retired".into(),
            Side::External => "external".into(),
            Side::Unplanned => "not in the plan".into(),
        }
    }
}

/// One dependency of the estate as the plan sees it.
#[derive(Clone, Debug)]
pub struct DependencyRow {
    /// Index into `Estate::dependencies`.
    pub index: usize,
    /// Name of the dependent side.
    pub from: String,
    /// Name of the side depended on.
    pub to: String,
    /// Where the dependent side is.
    pub from_side: Side,
    /// Where the side depended on is.
    pub to_side: Side,
    /// Both ends move, in different waves: the link crosses the WAN between the waves.
    pub cross_wave: bool,
    /// One end moves and the other stays on premises (or is retired): the link crosses the WAN for good.
    pub hybrid: bool,
    /// One end is outside the estate.
    pub external: bool,
}

/// One step of one application's cutover, with its planned clock times.
#[derive(Clone, Debug)]
pub struct RunbookStep<'a> {
    /// The application's placement.
    pub app: &'a Placement,
    /// 1 for the first step of the application's cutover.
    pub number: usize,
    /// What happens.
    pub step: &'a str,
    /// How long, minutes.
    pub minutes: f64,
    /// The arithmetic.
    pub arithmetic: &'a str,
    /// Minutes from the start of the cutover.
    pub offset_minutes: f64,
    /// Planned start, when the cutover has a time.
    pub start: Option<NaiveDateTime>,
    /// Planned end, when the cutover has a time.
    pub end: Option<NaiveDateTime>,
}

/// The plan's derived facts. Build one with [`PlanView::new`].
pub struct PlanView<'a> {
    /// The estate.
    pub estate: &'a Estate,
    /// The plan.
    pub plan: &'a Plan,
    server_side: Vec<Side>,
    app_side: Vec<Side>,
    server_app: Vec<Option<AppId>>,
    datastore_app: Vec<Option<AppId>>,
    placement_of: HashMap<&'a str, usize>,
    app_by_name: HashMap<&'a str, AppId>,
    server_by_name: HashMap<&'a str, ServerId>,
    /// Every dependency, in estate order.
    pub dependencies: Vec<DependencyRow>,
}

impl<'a> PlanView<'a> {
    /// Works out the derived facts of `plan` over `estate`.
    pub fn new(estate: &'a Estate, plan: &'a Plan) -> PlanView<'a> {
        let mut server_wave: HashMap<&str, u32> = HashMap::new();
        for w in &plan.waves {
            for s in &w.servers {
                server_wave.insert(s.as_str(), w.index);
            }
        }
        let placement_of: HashMap<&str, usize> =
            plan.applications.iter().enumerate().map(|(i, a)| (a.name.as_str(), i)).collect();
        let app_by_name: HashMap<&str, AppId> =
            estate.app_ids().map(|a| (estate.application(a).name.as_str(), a)).collect();
        let app_side: Vec<Side> = estate
            .app_ids()
            .map(|a| {
                let app = estate.application(a);
                match placement_of.get(app.name.as_str()) {
                    Some(&i) => Side::Wave(plan.applications[i].wave),
                    None => match app.strategy() {
                        waveplan_core::Strategy::Retire => Side::Retired,
                        waveplan_core::Strategy::Retain => Side::Stays,
                        _ => Side::Unplanned,
                    },
                }
            })
            .collect();
        let mut server_app: Vec<Option<AppId>> = vec![None; estate.servers.len()];
        let mut datastore_app: Vec<Option<AppId>> = vec![None; estate.datastores.len()];
        // A server of several applications belongs, for drawing, to the first
        // that migrates (the one it moves with), else the first.
        for a in estate.app_ids() {
            let moves = app_side[a.index()].wave().is_some();
            for &s in &estate.application(a).servers {
                let slot = &mut server_app[s.index()];
                let current_moves = slot.is_some_and(|c| app_side[c.index()].wave().is_some());
                if slot.is_none() || (moves && !current_moves) {
                    *slot = Some(a);
                }
            }
            for &d in &estate.application(a).datastores {
                datastore_app[d.index()].get_or_insert(a);
            }
        }
        for (i, store) in estate.datastores.iter().enumerate() {
            if datastore_app[i].is_none() {
                datastore_app[i] = store.server.and_then(|s| server_app[s.index()]);
            }
        }
        let server_side: Vec<Side> = estate
            .server_ids()
            .map(|s| {
                let server = estate.server(s);
                if let Some(&w) = server_wave.get(server.name.as_str()) {
                    Side::Wave(w)
                } else if server.is_device() {
                    Side::Stays
                } else {
                    match server_app[s.index()].map(|a| app_side[a.index()]) {
                        Some(Side::Retired) => Side::Retired,
                        Some(Side::Stays) => Side::Stays,
                        _ => Side::Unplanned,
                    }
                }
            })
            .collect();
        let server_by_name: HashMap<&str, ServerId> =
            estate.server_ids().map(|s| (estate.server(s).name.as_str(), s)).collect();
        let mut view = PlanView {
            estate,
            plan,
            server_side,
            app_side,
            server_app,
            datastore_app,
            placement_of,
            app_by_name,
            server_by_name,
            dependencies: Vec::new(),
        };
        view.dependencies = estate
            .dependencies
            .iter()
            .enumerate()
            .map(|(index, d)| {
                let (from_side, to_side) = (view.side(d.from), view.side(d.to));
                let moving = |s: Side| s.wave().is_some();
                let left_behind = |s: Side| matches!(s, Side::Stays | Side::Retired);
                DependencyRow {
                    index,
                    from: estate.endpoint_name(d.from).to_string(),
                    to: estate.endpoint_name(d.to).to_string(),
                    from_side,
                    to_side,
                    cross_wave: matches!((from_side, to_side), (Side::Wave(a), Side::Wave(b)) if a != b),
                    hybrid: (moving(from_side) && left_behind(to_side)) || (moving(to_side) && left_behind(from_side)),
                    external: from_side == Side::External || to_side == Side::External,
                }
            })
            .collect();
        view
    }

    /// Where an endpoint is.
    pub fn side(&self, endpoint: Endpoint) -> Side {
        match endpoint {
            Endpoint::Server(s) => self.server_side[s.index()],
            Endpoint::Application(a) => self.app_side[a.index()],
            Endpoint::DataStore(d) => {
                let store = self.estate.datastore(d);
                match (store.server, self.datastore_app[d.index()]) {
                    (Some(s), _) => self.server_side[s.index()],
                    (None, Some(a)) => self.app_side[a.index()],
                    (None, None) => Side::Unplanned,
                }
            }
            Endpoint::External(_) => Side::External,
        }
    }

    /// Where a server is.
    pub fn server_side(&self, server: ServerId) -> Side {
        self.server_side[server.index()]
    }

    /// Where an application is.
    pub fn app_side(&self, app: AppId) -> Side {
        self.app_side[app.index()]
    }

    /// The application a server belongs to (the one it moves with).
    pub fn app_of_server(&self, server: ServerId) -> Option<AppId> {
        self.server_app[server.index()]
    }

    /// The application a data store belongs to, directly or through its server.
    pub fn app_of_datastore(&self, store: waveplan_core::DataStoreId) -> Option<AppId> {
        self.datastore_app[store.index()]
    }

    /// The application of this name.
    pub fn app_id(&self, name: &str) -> Option<AppId> {
        self.app_by_name.get(name).copied()
    }

    /// The server of this name.
    pub fn server_id(&self, name: &str) -> Option<ServerId> {
        self.server_by_name.get(name).copied()
    }

    /// The plan's placement of the application of this name.
    pub fn placement(&self, name: &str) -> Option<&'a Placement> {
        self.placement_of.get(name).map(|&i| &self.plan.applications[i])
    }

    /// The placements of one wave, in cutover order (unscheduled last, then by name).
    pub fn placements_in_wave(&self, wave: u32) -> Vec<&'a Placement> {
        let mut apps: Vec<&Placement> = self.plan.applications.iter().filter(|a| a.wave == wave).collect();
        apps.sort_by_key(|a| (cutover_start(a).is_none(), cutover_start(a), &a.name));
        apps
    }

    /// The length of an application's maintenance window, minutes.
    pub fn window_minutes(&self, name: &str) -> Option<u32> {
        let app = self.app_id(name)?;
        self.estate.application(app).maintenance_window.as_ref().map(|w| w.minutes)
    }

    /// The opening of the maintenance window an application's cutover at `at`
    /// falls in, and the window's length in minutes: the window the schedule
    /// used, else the application's own. Without a window, the cutover itself.
    pub fn window_opening(&self, app: &Placement, at: NaiveDateTime) -> (NaiveDateTime, u32) {
        let window = app
            .schedule
            .window
            .as_deref()
            .and_then(|w| MaintenanceWindow::parse(w).ok())
            .or_else(|| self.app_id(&app.name).and_then(|a| self.estate.application(a).maintenance_window.clone()));
        let Some(window) = window else { return (at, app.downtime.minutes.max(1)) };
        // The latest opening at or before the cutover whose window still covers it.
        for back in 0..8 {
            let day = at.date() - Duration::days(back);
            let opening = day.and_time(window.start);
            if window.days.contains(&day.weekday()) && opening <= at {
                return (opening, window.minutes.max(1));
            }
        }
        (at, window.minutes.max(1))
    }

    /// The maintenance-window openings of a wave in which applications cut
    /// over, in time order: (opening, window minutes, the applications of a
    /// scope that the schedule puts in it).
    pub fn window_openings(
        &self,
        wave: u32,
        scope: &crate::format::Scope,
    ) -> Vec<(NaiveDateTime, u32, Vec<&'a Placement>)> {
        let mut windows: std::collections::BTreeMap<NaiveDateTime, (u32, Vec<&'a Placement>)> = Default::default();
        for app in self.placements_in_wave(wave).into_iter().filter(|a| crate::format::placement_in_scope(scope, a)) {
            if let Some(at) = app.cutover {
                let (start, minutes) = self.window_opening(app, at);
                let entry = windows.entry(start).or_insert((0, Vec::new()));
                entry.0 = entry.0.max(minutes);
                entry.1.push(app);
            }
        }
        windows.into_iter().map(|(start, (minutes, apps))| (start, minutes, apps)).collect()
    }

    /// Every cutover step of every migrating application, wave by wave, in
    /// cutover order, with planned clock times where the cutover has a time:
    /// the steps are chained from the cutover's start on its track. The
    /// workbook's Runbook sheet, the CSV runbook and the Jira tasks all read
    /// this one function.
    pub fn runbook(&self) -> Vec<RunbookStep<'a>> {
        let mut rows = Vec::new();
        for wave in &self.plan.waves {
            for app in self.placements_in_wave(wave.index) {
                let mut offset = 0.0;
                for (i, s) in app.downtime.steps.iter().enumerate() {
                    let at = |minutes: f64| {
                        cutover_start(app).map(|c| c + Duration::seconds((minutes * 60.0).round() as i64))
                    };
                    rows.push(RunbookStep {
                        app,
                        number: i + 1,
                        step: &s.step,
                        minutes: s.minutes,
                        arithmetic: &s.arithmetic,
                        offset_minutes: offset,
                        start: at(offset),
                        end: at(offset + s.minutes),
                    });
                    offset += s.minutes;
                }
            }
        }
        rows
    }

    /// Cutovers planned inside a blackout period, as sentences. The planner
    /// keeps cutovers out of blackouts; a plan made before a blackout was
    /// added (or by an older planner) may not, and the exports say so.
    pub fn blackout_clashes(&self) -> Vec<String> {
        let mut found = Vec::new();
        for app in &self.plan.applications {
            let Some(at) = cutover_start(app) else { continue };
            for b in self.plan.config.blackouts.iter().filter(|b| b.covers(at.date())) {
                found.push(format!(
                    "'{}' cuts over on {} inside the blackout '{}' ({} to {})",
                    app.name,
                    at.format("%Y-%m-%d %H:%M"),
                    b.name,
                    b.start,
                    b.end
                ));
            }
        }
        found
    }

    /// The servers of an application that the plan moves, by name.
    pub fn servers_of(&self, app: AppId) -> Vec<ServerId> {
        self.estate.application(app).servers.iter().copied().filter(|&s| !self.estate.server(s).is_device()).collect()
    }
}

/// Minutes as `2 h 05 min` or `45 min`.
pub fn duration_text(minutes: u64) -> String {
    if minutes < 60 { format!("{minutes} min") } else { format!("{} h {:02} min", minutes / 60, minutes % 60) }
}

/// When an application's cutover starts: its planned start on its cutover
/// track, else the opening of the window it is scheduled in
/// ([`Placement::cutover`]), else `None` (no time agreed yet). Every export
/// that shows a cutover's own time reads it here.
pub fn cutover_start(app: &Placement) -> Option<NaiveDateTime> {
    app.schedule.start.or(app.cutover)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration_text(45), "45 min");
        assert_eq!(duration_text(125), "2 h 05 min");
    }
}
