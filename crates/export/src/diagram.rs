//! The dependency diagram as plain data, before any drawing format: nodes,
//! clusters and aggregated edges, for the whole estate, one application or
//! one wave, clustered by wave or by move group. The draw.io, Mermaid, DOT
//! and GraphML writers and the HTML report's per-wave diagrams all draw this.
//!
//! Level of detail: the estate and a wave are drawn application by
//! application (servers of no application, devices, data stores of nothing
//! and external endpoints as their own nodes), so a diagram of hundreds of
//! servers stays readable; one application is drawn server by server, with
//! its neighbours as applications.

use std::collections::{BTreeMap, HashMap};

use waveplan_core::plan::LinkSpan;
use waveplan_core::{AppId, DataStoreId, Endpoint, Estate, ExternalId, Plan, ServerId};

use crate::ExportError;
use crate::format::{GroupBy, Scope};
use crate::view::{PlanView, Side};

/// The most nodes a diagram is drawn with one by one (see
/// [`Diagram::too_big_to_draw`]).
pub const DRAWABLE_NODES: usize = 400;

/// The most links drawn between the boxes of [`Diagram::by_cluster`].
pub const DRAWABLE_LINKS: usize = 150;

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// An application with its servers.
    Application,
    /// A server (of no application, or inside the application drawn).
    Server,
    /// A medical or IoT device: stays on premises.
    Device,
    /// A data store.
    DataStore,
    /// Something outside the estate.
    External,
}

impl NodeKind {
    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Application => "application",
            NodeKind::Server => "server",
            NodeKind::Device => "device",
            NodeKind::DataStore => "data store",
            NodeKind::External => "external",
        }
    }
}

/// A box of nodes: a wave, a move group, or what stays behind.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Stable id (`wave-3`, `group-12`, `stays`, `external`).
    pub id: String,
    /// Title (`Wave 3 · 2027-02-01 to 2027-02-14`).
    pub label: String,
    /// The side its nodes are on (for a move group: its wave).
    pub side: Side,
}

/// A node of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Stable id (`n0`, `n1`, ...), unique in the diagram.
    pub id: String,
    /// The inventory name.
    pub label: String,
    /// A second line: `4 servers · mission-critical`, `imaging modality`.
    pub detail: String,
    /// What it is.
    pub kind: NodeKind,
    /// Where it is.
    pub side: Side,
    /// Index into [`Diagram::clusters`].
    pub cluster: usize,
    /// Whether it is what the scope asked for (not only a neighbour).
    pub focus: bool,
}

/// Dependencies between two nodes, added up.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Index into [`Diagram::nodes`] of the dependent side.
    pub from: usize,
    /// Index of the side depended on.
    pub to: usize,
    /// Dependencies behind it.
    pub count: usize,
    /// Their weight (connections or bytes per day), added up.
    pub weight: f64,
    /// Destination ports, ascending.
    pub ports: Vec<u16>,
    /// Both ends move, in different waves.
    pub cross_wave: bool,
    /// One end moves, the other stays on premises or is retired.
    pub hybrid: bool,
    /// One end is outside the estate.
    pub external: bool,
}

impl Edge {
    /// `tcp 1433, 443 (+2)`, or empty without ports.
    pub fn ports_label(&self) -> String {
        if self.ports.is_empty() {
            return String::new();
        }
        let shown: Vec<String> = self.ports.iter().take(3).map(u16::to_string).collect();
        let more = self.ports.len().saturating_sub(3);
        if more > 0 { format!("{} (+{more})", shown.join(", ")) } else { shown.join(", ") }
    }
}

/// A dependency diagram ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    /// What it shows (`Dependencies of wave 3`).
    pub title: String,
    /// Clusters, in drawing order (waves in order, then what stays, then external).
    pub clusters: Vec<Cluster>,
    /// Nodes, grouped by cluster and sorted by name within it.
    pub nodes: Vec<Node>,
    /// Edges, sorted by their ends.
    pub edges: Vec<Edge>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    App(AppId),
    Server(ServerId),
    Store(DataStoreId),
    External(ExternalId),
}

impl Diagram {
    /// The diagram of `scope`, clustered by `group_by`.
    pub fn build(estate: &Estate, plan: &Plan, scope: &Scope, group_by: GroupBy) -> Result<Diagram, ExportError> {
        let view = PlanView::new(estate, plan);
        Ok(Diagram::from_view(&view, scope, group_by))
    }

    /// The same, from an existing view (the HTML report builds one per wave).
    pub fn from_view(view: &PlanView<'_>, scope: &Scope, group_by: GroupBy) -> Diagram {
        let estate = view.estate;
        let inside: Option<AppId> = match scope {
            Scope::Application(name) => view.app_id(name),
            _ => None,
        };
        let key_of = |endpoint: Endpoint| -> Key {
            let server_key = |s: ServerId| match view.app_of_server(s) {
                Some(a) if Some(a) != inside && !estate.server(s).is_device() => Key::App(a),
                _ => Key::Server(s),
            };
            match endpoint {
                Endpoint::Application(a) => Key::App(a),
                Endpoint::Server(s) => server_key(s),
                Endpoint::DataStore(d) => {
                    let store = estate.datastore(d);
                    match (view.app_of_datastore(d), store.server) {
                        (Some(a), _) if Some(a) != inside => Key::App(a),
                        (_, Some(s)) if inside.is_none() => server_key(s),
                        _ => Key::Store(d),
                    }
                }
                Endpoint::External(e) => Key::External(e),
            }
        };
        let side_of = |key: Key| match key {
            Key::App(a) => view.app_side(a),
            Key::Server(s) => view.server_side(s),
            Key::Store(d) => view.side(Endpoint::DataStore(d)),
            Key::External(_) => Side::External,
        };
        let in_scope = |key: Key| match scope {
            Scope::Estate => true,
            Scope::Application(_) => match key {
                Key::App(a) => Some(a) == inside,
                Key::Server(s) => inside.is_some_and(|a| estate.application(a).servers.contains(&s)),
                Key::Store(d) => inside.is_some_and(|a| {
                    view.app_of_datastore(d) == Some(a) || estate.application(a).datastores.contains(&d)
                }),
                Key::External(_) => false,
            },
            Scope::Wave(w) => side_of(key) == Side::Wave(*w),
        };

        // Edges between distinct nodes, added up; a scope keeps the edges that touch it.
        let mut edges: BTreeMap<(Key, Key), (usize, f64, Vec<u16>)> = BTreeMap::new();
        for d in &estate.dependencies {
            let (a, b) = (key_of(d.from), key_of(d.to));
            if a == b || !(in_scope(a) || in_scope(b)) {
                continue;
            }
            let entry = edges.entry((a, b)).or_insert((0, 0.0, Vec::new()));
            entry.0 += 1;
            entry.1 += d.weight;
            if let Some(port) = d.port
                && !entry.2.contains(&port)
            {
                entry.2.push(port);
            }
        }

        // Nodes: what the scope covers, and every neighbour of an edge kept.
        let mut keys: Vec<Key> = Vec::new();
        match scope {
            Scope::Estate => {
                keys.extend(view.plan.applications.iter().filter_map(|p| view.app_id(&p.name)).map(Key::App));
                keys.extend(
                    estate
                        .server_ids()
                        .filter(|&s| view.app_of_server(s).is_none() && view.server_side(s).wave().is_some())
                        .map(Key::Server),
                );
            }
            Scope::Application(_) => {
                if let Some(a) = inside {
                    keys.extend(estate.application(a).servers.iter().map(|&s| Key::Server(s)));
                    keys.extend(
                        estate
                            .application(a)
                            .datastores
                            .iter()
                            .filter(|&&d| estate.datastore(d).server.is_none())
                            .map(|&d| Key::Store(d)),
                    );
                }
            }
            Scope::Wave(w) => {
                keys.extend(
                    view.plan
                        .applications
                        .iter()
                        .filter(|p| p.wave == *w)
                        .filter_map(|p| view.app_id(&p.name))
                        .map(Key::App),
                );
                keys.extend(
                    estate
                        .server_ids()
                        .filter(|&s| view.app_of_server(s).is_none() && view.server_side(s) == Side::Wave(*w))
                        .map(Key::Server),
                );
            }
        }
        for &(a, b) in edges.keys() {
            keys.push(a);
            keys.push(b);
        }
        keys.sort();
        keys.dedup();

        // Clusters.
        let move_group_of_server: HashMap<&str, u32> =
            view.plan.move_groups.iter().flat_map(|g| g.members.iter().map(move |m| (m.as_str(), g.index))).collect();
        let cluster_key = |key: Key| -> (u8, u32) {
            let side = side_of(key);
            let group = match (group_by, side, key) {
                (GroupBy::MoveGroup, Side::Wave(_), Key::App(a)) => {
                    view.placement(&estate.application(a).name).map(|p| p.move_group)
                }
                (GroupBy::MoveGroup, Side::Wave(_), Key::Server(s)) => view
                    .app_of_server(s)
                    .and_then(|a| view.placement(&estate.application(a).name))
                    .map(|p| p.move_group)
                    .or_else(|| move_group_of_server.get(estate.server(s).name.as_str()).copied()),
                _ => None,
            };
            match (side, group) {
                (Side::Wave(w), Some(g)) => (0, w * 100_000 + g),
                (Side::Wave(w), None) => (0, w * 100_000 + 99_999),
                (Side::Unplanned, _) => (1, 0),
                (Side::Stays, _) => (2, 0),
                (Side::Retired, _) => (3, 0),
                (Side::External, _) => (4, 0),
            }
        };
        let mut cluster_keys: Vec<(u8, u32)> = keys.iter().map(|&k| cluster_key(k)).collect();
        cluster_keys.sort();
        cluster_keys.dedup();
        let clusters: Vec<Cluster> = cluster_keys
            .iter()
            .map(|&(class, n)| {
                let wave = n / 100_000;
                let group = n % 100_000;
                let wave_label = |w: u32| {
                    view.plan
                        .waves
                        .get(w as usize - 1)
                        .map(|wave| format!("{} · {} to {}", wave.name, wave.start, wave.end))
                        .unwrap_or(format!("Wave {w}"))
                };
                match class {
                    0 if group_by == GroupBy::MoveGroup && group != 99_999 => Cluster {
                        id: format!("group-{group}"),
                        label: format!("Move group {} · wave {wave}", group + 1),
                        side: Side::Wave(wave),
                    },
                    0 => Cluster { id: format!("wave-{wave}"), label: wave_label(wave), side: Side::Wave(wave) },
                    1 => Cluster { id: "unplanned".into(), label: "Not in the plan".into(), side: Side::Unplanned },
                    2 => Cluster { id: "stays".into(), label: "Stays on premises".into(), side: Side::Stays },
                    3 => Cluster { id: "retired".into(), label: "Retired".into(), side: Side::Retired },
                    _ => Cluster { id: "external".into(), label: "Outside the estate".into(), side: Side::External },
                }
            })
            .collect();

        let label_of = |key: Key| -> (String, String, NodeKind) {
            match key {
                Key::App(a) => {
                    let app = estate.application(a);
                    let servers = view.servers_of(a).len();
                    let plural = if servers == 1 { "" } else { "s" };
                    (app.name.clone(), format!("{servers} server{plural} · {}", app.tier()), NodeKind::Application)
                }
                Key::Server(s) => {
                    let server = estate.server(s);
                    if server.is_device() {
                        (
                            server.name.clone(),
                            server.device_class.clone().unwrap_or_else(|| "device".into()),
                            NodeKind::Device,
                        )
                    } else {
                        let os = server.os_name.clone().or(server.os_family.map(|f| f.to_string())).unwrap_or_default();
                        (server.name.clone(), os, NodeKind::Server)
                    }
                }
                Key::Store(d) => {
                    let store = estate.datastore(d);
                    (
                        store.name.clone(),
                        store.engine.clone().unwrap_or_else(|| store.kind().to_string()),
                        NodeKind::DataStore,
                    )
                }
                Key::External(e) => {
                    (estate.externals[e.index()].name.clone(), "external endpoint".into(), NodeKind::External)
                }
            }
        };
        let mut ordered: Vec<(usize, String, Key)> = keys
            .iter()
            .map(|&k| {
                let cluster = cluster_keys.binary_search(&cluster_key(k)).unwrap_or(0);
                (cluster, label_of(k).0.to_lowercase(), k)
            })
            .collect();
        ordered.sort();
        let mut index_of: HashMap<Key, usize> = HashMap::new();
        let nodes: Vec<Node> = ordered
            .into_iter()
            .enumerate()
            .map(|(i, (cluster, _, key))| {
                index_of.insert(key, i);
                let (label, detail, kind) = label_of(key);
                Node { id: format!("n{i}"), label, detail, kind, side: side_of(key), cluster, focus: in_scope(key) }
            })
            .collect();
        let mut edges: Vec<Edge> = edges
            .into_iter()
            .map(|((a, b), (count, weight, mut ports))| {
                ports.sort_unstable();
                // The two nodes' sides, judged by core's one definition.
                let span = LinkSpan { from: side_of(a), to: side_of(b) };
                Edge {
                    from: index_of[&a],
                    to: index_of[&b],
                    count,
                    weight,
                    ports,
                    cross_wave: span.is_cross_wave(),
                    hybrid: span.is_hybrid_for_good(),
                    external: span.is_external(),
                }
            })
            .collect();
        edges.sort_by_key(|e| (e.from, e.to));

        let title = match scope {
            Scope::Estate => "Dependencies of the estate".to_string(),
            Scope::Application(name) => format!("Dependencies of {name}"),
            Scope::Wave(w) => format!("Dependencies of wave {w}"),
        };
        Diagram { title, clusters, nodes, edges }
    }

    /// Whether this diagram is too big to draw node by node: more nodes than
    /// a person can read, and than Graphviz's `dot` lays out in minutes
    /// (2,000 applications with 40,000 links ran for over five).
    pub fn too_big_to_draw(&self) -> bool {
        self.nodes.len() > DRAWABLE_NODES
    }

    /// The same diagram one box per cluster (each wave, what stays, what is
    /// outside) with the links between them added up: the drawing of an
    /// estate too big to draw application by application. What each box
    /// holds is its second line; links inside a box are counted there.
    pub fn by_cluster(&self) -> Diagram {
        let count = |c: usize, kind: NodeKind| self.nodes.iter().filter(|n| n.cluster == c && n.kind == kind).count();
        let mut inside = vec![0usize; self.clusters.len()];
        let mut links: BTreeMap<(usize, usize), Edge> = BTreeMap::new();
        for edge in &self.edges {
            let (a, b) = (self.nodes[edge.from].cluster, self.nodes[edge.to].cluster);
            if a == b {
                inside[a] += edge.count;
                continue;
            }
            let link = links.entry((a, b)).or_insert(Edge {
                from: a,
                to: b,
                count: 0,
                weight: 0.0,
                ports: Vec::new(),
                cross_wave: false,
                hybrid: false,
                external: false,
            });
            link.count += edge.count;
            link.weight += edge.weight;
            link.cross_wave |= edge.cross_wave;
            link.hybrid |= edge.hybrid;
            link.external |= edge.external;
            // No ports: dozens per link between two waves say nothing, and
            // an edge label costs Graphviz ten times the layout.
        }
        let nodes = self
            .clusters
            .iter()
            .enumerate()
            .map(|(c, cluster)| {
                let mut parts: Vec<String> = [
                    (NodeKind::Application, "application", "applications"),
                    (NodeKind::Server, "server", "servers"),
                    (NodeKind::Device, "device", "devices"),
                    (NodeKind::DataStore, "data store", "data stores"),
                    (NodeKind::External, "endpoint", "endpoints"),
                ]
                .into_iter()
                .filter_map(|(kind, one, many)| match count(c, kind) {
                    0 => None,
                    1 => Some(format!("1 {one}")),
                    n => Some(format!("{n} {many}")),
                })
                .collect();
                if inside[c] > 0 {
                    parts.push(format!("{} links inside", inside[c]));
                }
                let kind = self.nodes.iter().find(|n| n.cluster == c).map_or(NodeKind::Application, |n| n.kind);
                Node {
                    id: format!("n{c}"),
                    label: cluster.label.clone(),
                    detail: parts.join(" · "),
                    kind,
                    side: cluster.side,
                    cluster: 0,
                    focus: true,
                }
            })
            .collect();
        let applications = self.nodes.iter().filter(|n| n.kind == NodeKind::Application).count();
        // Seventy waves can have two thousand links between them: the
        // heaviest are drawn (dot lays out no more in reasonable time, and
        // no one reads more), the rest are counted in the title.
        let mut edges: Vec<Edge> = links.into_values().collect();
        let between = edges.len();
        edges.sort_by(|a, b| b.count.cmp(&a.count).then(b.weight.total_cmp(&a.weight)));
        edges.truncate(DRAWABLE_LINKS);
        edges.sort_by_key(|e| (e.from, e.to));
        let drawn = if between > edges.len() {
            format!("; the {} heaviest of {between} links between them drawn", edges.len())
        } else {
            String::new()
        };
        Diagram {
            title: format!("{}, wave by wave", self.title),
            clusters: vec![Cluster {
                id: "by-wave".into(),
                label: format!(
                    "{applications} applications and {} nodes in all, too many to draw one by one{drawn}: export a wave or an application for its detail",
                    self.nodes.len()
                ),
                side: Side::Unplanned,
            }],
            nodes,
            edges,
        }
    }

    /// The nodes of one cluster, in order.
    pub fn nodes_in(&self, cluster: usize) -> impl Iterator<Item = (usize, &Node)> {
        self.nodes.iter().enumerate().filter(move |(_, n)| n.cluster == cluster)
    }
}
