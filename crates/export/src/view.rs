//! What every export needs to know about a plan beyond its own fields, worked
//! out once: which wave each server and application moves in, which
//! application a server or data store belongs to, each dependency with its
//! cross-wave and hybrid flags, and the runbook (every cutover step with its
//! planned clock times).
//!
//! It reads the estate and the plan only; it never recomputes the plan, and
//! it does not define sides, cross-wave or hybrid: those are core's
//! (`waveplan_core::plan::link`).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDateTime};
use waveplan_core::plan::{LinkSpan, Placement, PlanSides};
use waveplan_core::{AppId, Endpoint, Estate, MaintenanceWindow, Plan, ServerId};

/// Which side of the migration an endpoint is on: core's one definition
/// ([`waveplan_core::plan::LinkSide`]), under the name the exports use.
pub use waveplan_core::plan::LinkSide as Side;

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
    /// Both ends move, in different waves: the link crosses the WAN between
    /// the waves ([`LinkSpan::is_cross_wave`]).
    pub cross_wave: bool,
    /// One end moves and the other stays on premises (or is retired): the
    /// link crosses the WAN for good ([`LinkSpan::is_hybrid_for_good`]).
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
    sides: PlanSides,
    placement_of: HashMap<&'a str, usize>,
    app_by_name: HashMap<&'a str, AppId>,
    server_by_name: HashMap<&'a str, ServerId>,
    /// Every dependency, in estate order.
    pub dependencies: Vec<DependencyRow>,
}

impl<'a> PlanView<'a> {
    /// Works out the derived facts of `plan` over `estate`.
    pub fn new(estate: &'a Estate, plan: &'a Plan) -> PlanView<'a> {
        let placement_of: HashMap<&str, usize> =
            plan.applications.iter().enumerate().map(|(i, a)| (a.name.as_str(), i)).collect();
        let app_by_name: HashMap<&str, AppId> =
            estate.app_ids().map(|a| (estate.application(a).name.as_str(), a)).collect();
        let server_by_name: HashMap<&str, ServerId> =
            estate.server_ids().map(|s| (estate.server(s).name.as_str(), s)).collect();
        // Sides, cross-wave and hybrid are core's definitions, not worked out here.
        let sides = PlanSides::new(estate, plan);
        let dependencies = estate
            .dependencies
            .iter()
            .enumerate()
            .map(|(index, d)| {
                let span = sides.link_span(d);
                DependencyRow {
                    index,
                    from: estate.endpoint_name(d.from).to_string(),
                    to: estate.endpoint_name(d.to).to_string(),
                    from_side: span.from,
                    to_side: span.to,
                    cross_wave: span.is_cross_wave(),
                    hybrid: span.is_hybrid_for_good(),
                    external: span.is_external(),
                }
            })
            .collect();
        PlanView { estate, plan, sides, placement_of, app_by_name, server_by_name, dependencies }
    }

    /// Where an endpoint is.
    pub fn side(&self, endpoint: Endpoint) -> Side {
        self.sides.side(endpoint)
    }

    /// Both ends of a dependency.
    pub fn link_span(&self, dependency: &waveplan_core::Dependency) -> LinkSpan {
        self.sides.link_span(dependency)
    }

    /// Where a server is.
    pub fn server_side(&self, server: ServerId) -> Side {
        self.sides.server_side(server)
    }

    /// Where an application is.
    pub fn app_side(&self, app: AppId) -> Side {
        self.sides.app_side(app)
    }

    /// The application a server belongs to (the one it moves with).
    pub fn app_of_server(&self, server: ServerId) -> Option<AppId> {
        self.sides.app_of_server(server)
    }

    /// The application a data store belongs to, directly or through its server.
    pub fn app_of_datastore(&self, store: waveplan_core::DataStoreId) -> Option<AppId> {
        self.sides.app_of_datastore(store)
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
