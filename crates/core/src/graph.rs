//! The dependency graph at the level planning works on: units.
//!
//! A unit is what moves as one piece at the least: a migrating application
//! (with all its servers and data stores) or a server that belongs to no
//! application. Every dependency of the estate is lifted to the units of its
//! two ends, or classified as a link to something that stays behind (a device,
//! a retained application, an external endpoint).
//!
//! petgraph is an implementation detail of this module and [`crate::group`];
//! the rest of the crate sees units, groups and ids.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::{AppId, AppRole, Endpoint, Estate, ServerId, Strategy};

/// A unit's position in [`UnitGraph::units`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitId(pub u32);

impl UnitId {
    /// The index into [`UnitGraph::units`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The least that moves in one piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// A migrating application and everything it is made of.
    Application(AppId),
    /// A migrating server that belongs to no migrating application.
    Server(ServerId),
}

/// Where an end of a dependency is during the migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Moves with this unit.
    Moves(UnitId),
    /// Stays on premises for good: a device, or part of a retained application.
    StaysOnPremises,
    /// Is being retired.
    Retired,
    /// Outside the estate.
    External,
    /// A data store or application with nothing that migrates (no servers).
    Nowhere,
}

/// The dependencies from one unit to another, added up.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitEdge {
    /// The dependent unit.
    pub from: UnitId,
    /// The unit depended on.
    pub to: UnitId,
    /// Sum of the weights.
    pub weight: f64,
    /// Whether any of them is latency-sensitive.
    pub latency_sensitive: bool,
    /// How many estate dependencies were added up.
    pub count: u32,
    /// The target is shared infrastructure (its application's role says so, or
    /// every dependency of the edge was classified as reaching an
    /// infrastructure service): the link works across the WAN, so it does not
    /// hold the dependent back.
    pub to_infrastructure: bool,
}

/// A dependency between a unit and something that does not move with any unit.
#[derive(Clone, Debug, PartialEq)]
pub struct StayingLink {
    /// The unit that moves.
    pub unit: UnitId,
    /// Where the other end is.
    pub other: Place,
    /// Weight.
    pub weight: f64,
    /// Latency-sensitive.
    pub latency_sensitive: bool,
}

/// Units, what each estate record belongs to, and the dependencies between units.
#[derive(Clone, Debug)]
pub struct UnitGraph {
    /// The units, applications first in estate order, then orphan servers.
    pub units: Vec<Unit>,
    /// For each server: where it is.
    pub server_place: Vec<Place>,
    /// For each application: where it is.
    pub app_place: Vec<Place>,
    /// For each data store: where it is.
    pub datastore_place: Vec<Place>,
    /// Unit-to-unit dependencies, one edge per ordered pair, sorted.
    pub edges: Vec<UnitEdge>,
    /// Links from units to things that stay behind or are outside.
    pub staying_links: Vec<StayingLink>,
    /// Pairs of applications that share a server or data store and therefore move together.
    pub shared_members: Vec<(AppId, AppId, String)>,
}

impl UnitGraph {
    /// Lifts the estate's dependencies to units.
    pub fn build(estate: &Estate) -> UnitGraph {
        let mut units = Vec::new();
        let mut app_place = vec![Place::Nowhere; estate.applications.len()];
        let mut server_place = vec![Place::Nowhere; estate.servers.len()];
        let mut datastore_place = vec![Place::Nowhere; estate.datastores.len()];
        let mut shared_members = Vec::new();
        let mut server_owner: Vec<Option<AppId>> = vec![None; estate.servers.len()];
        let mut datastore_owner: Vec<Option<AppId>> = vec![None; estate.datastores.len()];

        for app_id in estate.app_ids() {
            let app = estate.application(app_id);
            if !app.strategy().migrates() {
                app_place[app_id.index()] =
                    if app.strategy() == Strategy::Retire { Place::Retired } else { Place::StaysOnPremises };
                continue;
            }
            let unit = UnitId(units.len() as u32);
            units.push(Unit::Application(app_id));
            app_place[app_id.index()] = Place::Moves(unit);
        }
        // Servers and data stores go with their first migrating application; a
        // second migrating owner is glued to the first.
        for app_id in estate.app_ids() {
            let app = estate.application(app_id);
            let Place::Moves(unit) = app_place[app_id.index()] else { continue };
            for &server_id in &app.servers {
                if estate.server(server_id).is_device() {
                    continue;
                }
                match server_owner[server_id.index()] {
                    None => {
                        server_owner[server_id.index()] = Some(app_id);
                        server_place[server_id.index()] = Place::Moves(unit);
                    }
                    Some(owner) if owner != app_id => {
                        shared_members.push((owner, app_id, estate.server(server_id).name.clone()));
                    }
                    Some(_) => {}
                }
            }
            for &store_id in &app.datastores {
                match datastore_owner[store_id.index()] {
                    None => {
                        datastore_owner[store_id.index()] = Some(app_id);
                        datastore_place[store_id.index()] = Place::Moves(unit);
                    }
                    Some(owner) if owner != app_id => {
                        shared_members.push((owner, app_id, estate.datastore(store_id).name.clone()));
                    }
                    Some(_) => {}
                }
            }
        }
        // The first application of any strategy that lists each server or data store.
        let mut any_server_owner: Vec<Option<AppId>> = vec![None; estate.servers.len()];
        let mut any_datastore_owner: Vec<Option<AppId>> = vec![None; estate.datastores.len()];
        for app_id in estate.app_ids().rev() {
            let app = estate.application(app_id);
            for &server_id in &app.servers {
                any_server_owner[server_id.index()] = Some(app_id);
            }
            for &store_id in &app.datastores {
                any_datastore_owner[store_id.index()] = Some(app_id);
            }
        }
        // What is left: devices stay, servers of retained or retired
        // applications stay or go, and servers of no application move alone.
        for server_id in estate.server_ids() {
            if server_owner[server_id.index()].is_some() {
                continue;
            }
            let server = estate.server(server_id);
            let place = if server.is_device() {
                Place::StaysOnPremises
            } else if let Some(owner) = any_server_owner[server_id.index()] {
                app_place[owner.index()]
            } else {
                let unit = UnitId(units.len() as u32);
                units.push(Unit::Server(server_id));
                Place::Moves(unit)
            };
            server_place[server_id.index()] = place;
        }
        for (i, store) in estate.datastores.iter().enumerate() {
            if datastore_owner[i].is_some() {
                continue;
            }
            let owner_place = any_datastore_owner[i].map(|a| app_place[a.index()]);
            datastore_place[i] =
                owner_place.or_else(|| store.server.map(|s| server_place[s.index()])).unwrap_or(Place::Nowhere);
        }

        let place_of = |endpoint: Endpoint| match endpoint {
            Endpoint::Server(id) => server_place[id.index()],
            Endpoint::Application(id) => app_place[id.index()],
            Endpoint::DataStore(id) => datastore_place[id.index()],
            Endpoint::External(_) => Place::External,
        };
        let is_infrastructure = |unit: UnitId| match units[unit.index()] {
            Unit::Application(app) => estate.application(app).role() == AppRole::Infrastructure,
            Unit::Server(_) => false,
        };

        let mut edge_index: HashMap<(UnitId, UnitId), usize> = HashMap::new();
        // Per edge, how many of its dependencies are not classified as infrastructure.
        let mut ordinary: Vec<u32> = Vec::new();
        let mut edges: Vec<UnitEdge> = Vec::new();
        let mut staying_links = Vec::new();
        for dependency in &estate.dependencies {
            let weight = dependency.weight;
            let latency = dependency.latency_sensitive;
            match (place_of(dependency.from), place_of(dependency.to)) {
                (Place::Moves(from), Place::Moves(to)) if from == to => {}
                (Place::Moves(from), Place::Moves(to)) => {
                    let slot = *edge_index.entry((from, to)).or_insert_with(|| {
                        ordinary.push(0);
                        edges.push(UnitEdge {
                            from,
                            to,
                            weight: 0.0,
                            latency_sensitive: false,
                            count: 0,
                            to_infrastructure: is_infrastructure(to),
                        });
                        edges.len() - 1
                    });
                    let edge = &mut edges[slot];
                    edge.weight += weight;
                    edge.latency_sensitive |= latency;
                    edge.count += 1;
                    if dependency.infrastructure.is_none() {
                        ordinary[slot] += 1;
                    }
                }
                (Place::Moves(unit), other) | (other, Place::Moves(unit)) => {
                    if matches!(other, Place::StaysOnPremises | Place::External | Place::Retired) {
                        staying_links.push(StayingLink { unit, other, weight, latency_sensitive: latency });
                    }
                }
                _ => {}
            }
        }
        for (edge, ordinary) in edges.iter_mut().zip(ordinary) {
            edge.to_infrastructure |= ordinary == 0;
        }
        edges.sort_by_key(|e| (e.from, e.to));
        UnitGraph { units, server_place, app_place, datastore_place, edges, staying_links, shared_members }
    }

    /// The unit of an application, if it migrates.
    pub fn unit_of_app(&self, app: AppId) -> Option<UnitId> {
        match self.app_place[app.index()] {
            Place::Moves(unit) => Some(unit),
            _ => None,
        }
    }
}

/// Strongly connected components of two nodes or more of a graph given as
/// node count and edges, each sorted, in a stable order.
pub(crate) fn strongly_connected(nodes: usize, edges: impl Iterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(nodes, 0);
    for _ in 0..nodes {
        graph.add_node(());
    }
    for (from, to) in edges {
        graph.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), ());
    }
    let mut components: Vec<Vec<u32>> = petgraph::algo::tarjan_scc(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut nodes: Vec<u32> = c.into_iter().map(|n| n.index() as u32).collect();
            nodes.sort_unstable();
            nodes
        })
        .collect();
    components.sort();
    components
}
