//! The one definition of where a dependency's two ends are under a plan, and
//! of the words built on it: **cross-wave** (both ends move, in different
//! waves), **hybrid** (one end in the cloud while the other is still on
//! premises: for a period between two waves, or for good when the other end
//! stays) and **external**. The planner's figures, the exports and the
//! desktop's graph all read them here.
//!
//! It reads an estate and a finished plan; it never changes either, and it
//! does not say how much a link costs (that is [`super::objective`]).

use std::collections::HashMap;

use crate::graph::Place;
use crate::model::{AppId, DataStoreId, Dependency, Endpoint, Estate, ServerId, Strategy};

use super::Plan;

/// Which side of the migration one end of a dependency is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkSide {
    /// Moves in this wave (1-based).
    Wave(u32),
    /// Stays on premises for good: a device, a retained application or its servers.
    Stays,
    /// Retired: stays on premises until it is switched off instead of moved.
    Retired,
    /// Outside the estate (a SaaS API, a partner): on neither side.
    External,
    /// In the inventory but in no wave and not known to stay (for example a
    /// server imported after the plan was made): nothing is claimed of it.
    Unplanned,
}

impl LinkSide {
    /// The wave, when it moves.
    pub fn wave(self) -> Option<u32> {
        match self {
            LinkSide::Wave(w) => Some(w),
            _ => None,
        }
    }

    /// Whether it stays on premises for good (kept or retired there).
    pub fn stays_on_premises(self) -> bool {
        matches!(self, LinkSide::Stays | LinkSide::Retired)
    }

    /// A short label: `wave 3`, `stays on premises`, ...
    pub fn label(self) -> String {
        match self {
            LinkSide::Wave(w) => format!("wave {w}"),
            LinkSide::Stays => "stays on premises".into(),
            LinkSide::Retired => "retired".into(),
            LinkSide::External => "external".into(),
            LinkSide::Unplanned => "not in the plan".into(),
        }
    }

    /// The side of a unit graph's place, a moving unit in the wave
    /// `wave_of_unit` gives it: the planner's view of the same sides, before
    /// the plan is assembled.
    pub(crate) fn of_place(place: Place, wave_of_unit: impl Fn(crate::graph::UnitId) -> u32) -> LinkSide {
        match place {
            Place::Moves(unit) => LinkSide::Wave(wave_of_unit(unit)),
            Place::StaysOnPremises => LinkSide::Stays,
            Place::Retired => LinkSide::Retired,
            Place::External => LinkSide::External,
            Place::Nowhere => LinkSide::Unplanned,
        }
    }
}

/// The period a link is hybrid: from the end of `from_wave` (its first end
/// is in the cloud) until the end of `until_wave` (its other end follows), or
/// for good when `until_wave` is `None` (the other end stays on premises).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HybridPeriod {
    /// The wave the first end moves in.
    pub from_wave: u32,
    /// The wave the other end moves in; `None`: it never does.
    pub until_wave: Option<u32>,
}

impl HybridPeriod {
    /// How many waves the link is hybrid for, a link hybrid for good counted
    /// until the end of `last_wave` (the programme's last wave).
    pub fn waves_until(self, last_wave: u32) -> u32 {
        self.until_wave.unwrap_or(last_wave).saturating_sub(self.from_wave)
    }
}

/// A dependency's two ends under a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkSpan {
    /// Where the dependent end is.
    pub from: LinkSide,
    /// Where the end depended on is.
    pub to: LinkSide,
}

impl LinkSpan {
    /// When one end is in the cloud and the other still on premises: between
    /// the two waves of a cross-wave link, or for good from the wave of the
    /// end that moves when the other stays (a device, a retained or retired
    /// system). `None` for a link that is never split: both ends in one
    /// wave, neither moving, or an end outside the estate or not planned.
    pub fn hybrid_period(self) -> Option<HybridPeriod> {
        match (self.from, self.to) {
            (LinkSide::Wave(a), LinkSide::Wave(b)) if a != b => {
                Some(HybridPeriod { from_wave: a.min(b), until_wave: Some(a.max(b)) })
            }
            (LinkSide::Wave(w), other) | (other, LinkSide::Wave(w)) if other.stays_on_premises() => {
                Some(HybridPeriod { from_wave: w, until_wave: None })
            }
            _ => None,
        }
    }

    /// Both ends move, in different waves: hybrid between the two waves.
    pub fn is_cross_wave(self) -> bool {
        self.hybrid_period().is_some_and(|p| p.until_wave.is_some())
    }

    /// One end moves and the other stays on premises: hybrid for good.
    pub fn is_hybrid_for_good(self) -> bool {
        self.hybrid_period().is_some_and(|p| p.until_wave.is_none())
    }

    /// Hybrid at some time: cross-wave or hybrid for good.
    pub fn is_hybrid(self) -> bool {
        self.hybrid_period().is_some()
    }

    /// One end is outside the estate.
    pub fn is_external(self) -> bool {
        self.from == LinkSide::External || self.to == LinkSide::External
    }
}

/// Where every server, application and data store of an estate is under a
/// plan. Build one with [`PlanSides::new`]; then [`PlanSides::link_span`]
/// gives each dependency's two ends.
#[derive(Clone, Debug)]
pub struct PlanSides {
    server_side: Vec<LinkSide>,
    app_side: Vec<LinkSide>,
    server_app: Vec<Option<AppId>>,
    datastore_app: Vec<Option<AppId>>,
    datastore_server: Vec<Option<ServerId>>,
}

impl PlanSides {
    /// The sides of `estate`'s records under `plan`, read from the plan's
    /// waves (servers) and placements (applications), and from each
    /// application's strategy for what the plan does not move.
    pub fn new(estate: &Estate, plan: &Plan) -> PlanSides {
        let server_wave: HashMap<&str, u32> =
            plan.waves.iter().flat_map(|w| w.servers.iter().map(move |s| (s.as_str(), w.index))).collect();
        let app_wave: HashMap<&str, u32> = plan.applications.iter().map(|a| (a.name.as_str(), a.wave)).collect();
        let app_side: Vec<LinkSide> = estate
            .app_ids()
            .map(|a| {
                let app = estate.application(a);
                match app_wave.get(app.name.as_str()) {
                    Some(&w) => LinkSide::Wave(w),
                    None => match app.strategy() {
                        Strategy::Retire => LinkSide::Retired,
                        Strategy::Retain => LinkSide::Stays,
                        _ => LinkSide::Unplanned,
                    },
                }
            })
            .collect();
        let mut server_app: Vec<Option<AppId>> = vec![None; estate.servers.len()];
        let mut datastore_app: Vec<Option<AppId>> = vec![None; estate.datastores.len()];
        // A server of several applications belongs to the first that
        // migrates (the one it moves with), else the first.
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
        let server_side: Vec<LinkSide> = estate
            .server_ids()
            .map(|s| {
                let server = estate.server(s);
                if let Some(&w) = server_wave.get(server.name.as_str()) {
                    LinkSide::Wave(w)
                } else if server.is_device() {
                    LinkSide::Stays
                } else {
                    match server_app[s.index()].map(|a| app_side[a.index()]) {
                        Some(side) if side.stays_on_premises() => side,
                        _ => LinkSide::Unplanned,
                    }
                }
            })
            .collect();
        let datastore_server = estate.datastores.iter().map(|d| d.server).collect();
        PlanSides { server_side, app_side, server_app, datastore_app, datastore_server }
    }

    /// Where an endpoint is: a data store where its server is, else where
    /// its application is.
    pub fn side(&self, endpoint: Endpoint) -> LinkSide {
        match endpoint {
            Endpoint::Server(s) => self.server_side[s.index()],
            Endpoint::Application(a) => self.app_side[a.index()],
            Endpoint::DataStore(d) => match (self.datastore_server[d.index()], self.datastore_app[d.index()]) {
                (Some(s), _) => self.server_side[s.index()],
                (None, Some(a)) => self.app_side[a.index()],
                (None, None) => LinkSide::Unplanned,
            },
            Endpoint::External(_) => LinkSide::External,
        }
    }

    /// A dependency's two ends.
    pub fn link_span(&self, dependency: &Dependency) -> LinkSpan {
        LinkSpan { from: self.side(dependency.from), to: self.side(dependency.to) }
    }

    /// Where a server is.
    pub fn server_side(&self, server: ServerId) -> LinkSide {
        self.server_side[server.index()]
    }

    /// Where an application is.
    pub fn app_side(&self, app: AppId) -> LinkSide {
        self.app_side[app.index()]
    }

    /// The application a server belongs to (the one it moves with).
    pub fn app_of_server(&self, server: ServerId) -> Option<AppId> {
        self.server_app[server.index()]
    }

    /// The application a data store belongs to, directly or through its server.
    pub fn app_of_datastore(&self, store: DataStoreId) -> Option<AppId> {
        self.datastore_app[store.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LinkSide::*;

    fn span(from: LinkSide, to: LinkSide) -> LinkSpan {
        LinkSpan { from, to }
    }

    #[test]
    fn cross_wave_is_two_ends_moving_in_different_waves() {
        assert!(span(Wave(1), Wave(3)).is_cross_wave());
        assert!(span(Wave(3), Wave(1)).is_cross_wave());
        assert!(!span(Wave(2), Wave(2)).is_cross_wave());
        for other in [Stays, Retired, External, Unplanned] {
            assert!(!span(Wave(2), other).is_cross_wave(), "{other:?}");
        }
    }

    #[test]
    fn hybrid_is_one_end_in_the_cloud_and_the_other_on_premises_for_a_period_or_for_good() {
        assert_eq!(span(Wave(4), Wave(1)).hybrid_period(), Some(HybridPeriod { from_wave: 1, until_wave: Some(4) }));
        assert_eq!(span(Stays, Wave(2)).hybrid_period(), Some(HybridPeriod { from_wave: 2, until_wave: None }));
        assert!(span(Wave(2), Retired).is_hybrid_for_good());
        assert!(span(Wave(2), Stays).is_hybrid() && !span(Wave(2), Stays).is_cross_wave());
        // Never split: one wave, nothing moving, outside the estate, or not planned.
        for (a, b) in
            [(Wave(2), Wave(2)), (Stays, Retired), (Stays, External), (Wave(1), External), (Wave(1), Unplanned)]
        {
            assert_eq!(span(a, b).hybrid_period(), None, "{a:?} {b:?}");
        }
        assert!(span(Stays, External).is_external() && !span(Stays, Wave(1)).is_external());
    }

    #[test]
    fn a_hybrid_period_counts_its_waves_until_the_programme_ends() {
        assert_eq!(span(Wave(1), Wave(4)).hybrid_period().unwrap().waves_until(6), 3);
        assert_eq!(span(Wave(2), Stays).hybrid_period().unwrap().waves_until(6), 4);
    }

    #[test]
    fn sides_follow_the_plan_and_what_stays() {
        use crate::model::{Application, Server, ServerKind};
        let server = |name: &str, kind: Option<ServerKind>| Server { name: name.into(), kind, ..Server::default() };
        let servers = vec![server("pump", Some(ServerKind::Device)), server("web", None), server("old", None)];
        let applications = vec![
            Application { name: "EHR".into(), servers: vec![ServerId(1)], ..Application::default() },
            Application {
                name: "Legacy".into(),
                servers: vec![ServerId(2)],
                strategy: Some(Strategy::Retain),
                ..Application::default()
            },
        ];
        let estate = Estate { servers, applications, ..Estate::default() };
        let plan = crate::plan_waves(&estate, &crate::PlanConfig::default());
        let sides = PlanSides::new(&estate, &plan);
        let ehr_wave = plan.applications.iter().find(|a| a.name == "EHR").unwrap().wave;
        assert_eq!(sides.server_side(ServerId(1)), Wave(ehr_wave));
        assert_eq!(sides.app_side(AppId(0)), Wave(ehr_wave));
        assert_eq!(sides.server_side(ServerId(0)), Stays);
        assert_eq!((sides.server_side(ServerId(2)), sides.app_of_server(ServerId(2))), (Stays, Some(AppId(1))));
        // A server the plan does not know is not claimed to stay.
        let mut later = estate.clone();
        later.servers.push(server("later", None));
        assert_eq!(PlanSides::new(&later, &plan).server_side(ServerId(3)), Unplanned);
    }
}
