//! Library values turned into the wire views of `wire.rs`: counts, the board,
//! inventory tables, the graph, the project. Reading only; every action is
//! the session's (`waveplan_app::Session`). Which cards break a rule, the
//! programme's end and which links are cross-wave or hybrid are core's facts
//! and definitions, read here, never worked out again (nor read from a
//! violation's message).

use std::collections::{BTreeMap, HashMap, HashSet};

use waveplan_core::graph::{Unit, UnitGraph};
use waveplan_core::group::{GlueReason, form_move_groups};
use waveplan_core::plan::{LinkSpan, PlanSides};
use waveplan_core::{Constraint, Diagnostic, Endpoint, Estate, EstateCounts, Plan};

use crate::wire::*;

/// Counts on the wire.
pub fn counts(counts: EstateCounts) -> Counts {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Counts {
        servers: n(counts.servers),
        applications: n(counts.applications),
        datastores: n(counts.datastores),
        devices: n(counts.devices),
        dependencies: n(counts.dependencies),
        external_endpoints: n(counts.external_endpoints),
        constraints: n(counts.constraints),
    }
}

/// A diagnostic on the wire.
pub fn diagnostic(d: &Diagnostic) -> DiagnosticView {
    DiagnosticView {
        severity: d.severity.to_string(),
        file: d.file.clone(),
        sheet: d.sheet.clone(),
        line: d.line.map(|v| v as u32),
        column: d.column.map(|v| v as u32),
        message: d.message.clone(),
    }
}

/// The applications pinned to a wave by a constraint, by name.
pub fn pinned(estate: &Estate) -> HashMap<&str, u32> {
    estate
        .constraints
        .iter()
        .filter_map(|c| match c {
            Constraint::PinWave { app, wave, .. } => Some((estate.application(*app).name.as_str(), *wave)),
            _ => None,
        })
        .collect()
}

/// The figures of a plan.
pub fn objective(plan: &Plan) -> Objective {
    let capacity = plan.config.max_servers_per_wave;
    Objective {
        hard_violations: plan.violations.len() as u32,
        waves: plan.waves.iter().filter(|w| w.has_cutover()).count() as u32,
        programme_end: plan.programme_end().map(|d| d.to_string()),
        fullest_wave_servers: plan.waves.iter().map(|w| w.servers.len() as u32).max().unwrap_or(0),
        downtime_total_minutes: plan.waves.iter().map(|w| w.downtime_minutes as u32).sum(),
        waves_over_capacity: capacity
            .map_or(0, |c| plan.waves.iter().filter(|w| w.servers.len() as u32 > c).count() as u32),
    }
}

/// A violation on the wire.
pub fn violation(v: &waveplan_core::plan::Violation) -> ViolationView {
    ViolationView { constraint: v.kind.as_str().to_string(), message: v.message.clone() }
}

/// The board of a plan.
pub fn board(estate: &Estate, plan: &Plan, scenario: &str) -> Board {
    let pins = pinned(estate);
    let mut groups: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for p in &plan.applications {
        groups.entry(p.move_group).or_default().push(&p.name);
    }
    let violated = plan.violated_applications();
    let mut cards: HashMap<u32, Vec<Card>> = HashMap::new();
    for p in &plan.applications {
        let moves_with = groups[&p.move_group].iter().filter(|n| **n != p.name).map(|n| n.to_string()).collect();
        cards.entry(p.wave).or_default().push(Card {
            name: p.name.clone(),
            wave: p.wave,
            move_group: p.move_group,
            moves_with,
            tier: p.tier.as_str().to_string(),
            environment: p.environment.as_str().to_string(),
            strategy: p.strategy.as_str().to_string(),
            servers: p.servers,
            downtime_minutes: p.downtime.minutes,
            fits_window: p.fits_window,
            pinned: pins.contains_key(p.name.as_str()),
            violated: violated.contains(p.name.as_str()),
        });
    }
    let waves = plan
        .waves
        .iter()
        .map(|w| WaveColumn {
            index: w.index,
            name: w.name.clone(),
            start: w.start.to_string(),
            end: w.end.to_string(),
            pilot: w.pilot,
            servers: w.servers.len() as u32,
            capacity: plan.config.max_servers_per_wave,
            storage_gb: w.storage_gb,
            downtime_minutes: w.downtime_minutes as u32,
            downtime_longest_minutes: w.downtime_longest_minutes,
            blackouts: plan
                .config
                .blackouts
                .iter()
                .filter(|b| b.start <= w.end && w.start <= b.end)
                .map(|b| b.name.clone())
                .collect(),
            cards: cards.remove(&w.index).unwrap_or_default(),
        })
        .collect();
    let dr_coverage = plan
        .dr_coverage
        .iter()
        .map(|c| CoveragePoint {
            after_wave: c.after_wave,
            date: if c.after_wave == 0 {
                plan.config.start.to_string()
            } else {
                plan.config.wave_end(c.after_wave).to_string()
            },
            share: c.share,
            tiers: c
                .by_tier
                .iter()
                .map(|t| TierShare {
                    tier: t.tier.as_str().to_string(),
                    applications: t.applications as u32,
                    meeting: t.meeting as u32,
                })
                .collect(),
        })
        .collect();
    Board {
        scenario: scenario.to_string(),
        waves,
        violations: plan.violations.iter().map(violation).collect(),
        objective: objective(plan),
        not_migrating: plan.not_migrating.iter().map(|n| format!("{} ({}): {}", n.name, n.kind, n.reason)).collect(),
        warnings: plan.warnings.clone(),
        settings: crate::settings::view(&plan.config),
        dr_coverage,
    }
}

fn column(key: &str, label: &str) -> InventoryColumn {
    InventoryColumn {
        key: key.into(),
        label: label.into(),
        editable: false,
        sensitive: false,
        numeric: false,
        choices: Vec::new(),
    }
}

fn numeric(mut c: InventoryColumn) -> InventoryColumn {
    c.numeric = true;
    c
}

fn sensitive(mut c: InventoryColumn) -> InventoryColumn {
    c.sensitive = true;
    c
}

fn editable(mut c: InventoryColumn, choices: &[&str]) -> InventoryColumn {
    c.editable = true;
    c.choices = choices.iter().map(|s| s.to_string()).collect();
    c
}

fn text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The spellings of a vocabulary.
macro_rules! spellings {
    ($t:ty) => {
        <$t>::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()
    };
}

/// One inventory table, every cell as text.
pub fn inventory(estate: &Estate, plan: Option<&Plan>, kind: InventoryKind) -> InventoryTable {
    use waveplan_core::{Environment, Strategy, Tier};
    let app_of_server: HashMap<usize, &str> =
        estate.applications.iter().flat_map(|a| a.servers.iter().map(move |s| (s.index(), a.name.as_str()))).collect();
    let wave_of_app: HashMap<&str, u32> =
        plan.map(|p| p.applications.iter().map(|a| (a.name.as_str(), a.wave)).collect()).unwrap_or_default();
    let (columns, rows) = match kind {
        InventoryKind::Servers | InventoryKind::Devices => {
            let devices = kind == InventoryKind::Devices;
            let columns = vec![
                sensitive(column("name", "Name")),
                sensitive(column("ip", "IP addresses")),
                column("os", "Operating system"),
                numeric(column("cores", "Cores")),
                numeric(column("memory_gb", "Memory GB")),
                numeric(column("storage_gb", "Storage GB")),
                column("environment", "Environment"),
                column("site", "Site"),
                column(
                    if devices { "device_class" } else { "application" },
                    if devices { "Device class" } else { "Application" },
                ),
            ];
            let rows = estate
                .servers
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_device() == devices)
                .map(|(i, s)| {
                    vec![
                        s.name.clone(),
                        s.ip_addresses.join(", "),
                        s.os_name.clone().or_else(|| s.os_family.map(|f| f.as_str().to_string())).unwrap_or_default(),
                        text(s.cores),
                        text(s.memory_gb),
                        format!("{:.0}", s.storage_gb()),
                        text(s.environment.map(|e| e.as_str())),
                        text(s.site.as_ref()),
                        if devices {
                            text(s.device_class.as_ref())
                        } else {
                            app_of_server.get(&i).map(|a| a.to_string()).unwrap_or_default()
                        },
                    ]
                })
                .collect();
            (columns, rows)
        }
        InventoryKind::Applications => {
            let columns = vec![
                column("name", "Name"),
                editable(column("tier", "Tier"), &spellings!(Tier)),
                editable(column("strategy", "Strategy"), &spellings!(Strategy)),
                editable(column("environment", "Environment"), &spellings!(Environment)),
                editable(numeric(column("rto_minutes", "RTO min")), &[]),
                editable(numeric(column("rpo_minutes", "RPO min")), &[]),
                editable(column("maintenance_window", "Maintenance window"), &[]),
                column("owner", "Owner"),
                numeric(column("servers", "Servers")),
                numeric(column("wave", "Wave")),
            ];
            let rows = estate
                .applications
                .iter()
                .map(|a| {
                    vec![
                        a.name.clone(),
                        a.tier().as_str().to_string(),
                        a.strategy().as_str().to_string(),
                        a.environment().as_str().to_string(),
                        text(a.rto_minutes),
                        text(a.rpo_minutes),
                        text(a.maintenance_window.as_ref()),
                        text(a.owner.as_ref()),
                        a.servers.len().to_string(),
                        text(wave_of_app.get(a.name.as_str())),
                    ]
                })
                .collect();
            (columns, rows)
        }
        InventoryKind::Datastores => {
            let columns = vec![
                column("name", "Name"),
                column("kind", "Kind"),
                column("engine", "Engine"),
                numeric(column("size_gb", "Size GB")),
                numeric(column("change_gb_per_day", "Change GB/day")),
                sensitive(column("server", "Server")),
                column("method", "Migration method"),
            ];
            let rows = estate
                .datastores
                .iter()
                .map(|d| {
                    vec![
                        d.name.clone(),
                        d.kind().as_str().to_string(),
                        text(d.engine.as_ref()),
                        text(d.size_gb),
                        text(d.change_gb_per_day),
                        text(d.server.map(|s| estate.server(s).name.as_str())),
                        d.method().as_str().to_string(),
                    ]
                })
                .collect();
            (columns, rows)
        }
        InventoryKind::Dependencies => {
            let columns = vec![
                sensitive(column("from", "From")),
                sensitive(column("to", "To")),
                numeric(column("port", "Port")),
                column("protocol", "Protocol"),
                column("kind", "Kind"),
                numeric(column("weight", "Weight")),
                column("source", "Source"),
            ];
            let rows = estate
                .dependencies
                .iter()
                .map(|d| {
                    vec![
                        estate.endpoint_name(d.from).to_string(),
                        estate.endpoint_name(d.to).to_string(),
                        text(d.port),
                        d.protocol.as_str().to_string(),
                        d.kind.as_str().to_string(),
                        format!("{}", d.weight),
                        d.source.clone(),
                    ]
                })
                .collect();
            (columns, rows)
        }
    };
    InventoryTable { kind, columns, rows }
}

/// The dependency graph at server level, each node tagged with its
/// application, move group and wave, each edge with what makes it risky.
pub fn graph(estate: &Estate, plan: Option<&Plan>) -> GraphView {
    let app_of_server: HashMap<usize, &str> =
        estate.applications.iter().flat_map(|a| a.servers.iter().map(move |s| (s.index(), a.name.as_str()))).collect();
    let placement: HashMap<&str, (u32, u32)> = plan
        .map(|p| p.applications.iter().map(|a| (a.name.as_str(), (a.wave, a.move_group))).collect())
        .unwrap_or_default();
    let server_wave: HashMap<&str, u32> = plan
        .map(|p| p.waves.iter().flat_map(|w| w.servers.iter().map(move |s| (s.as_str(), w.index))).collect())
        .unwrap_or_default();
    // Applications glued into one move group by a dependency cycle.
    let unit_graph = UnitGraph::build(estate);
    let groups = form_move_groups(estate, &unit_graph, plan.map_or(100.0, |p| p.config.coupling_threshold));
    let mut cyclic_apps: HashMap<&str, usize> = HashMap::new();
    let mut cyclic_servers: HashMap<usize, usize> = HashMap::new();
    for (g, group) in groups.groups.iter().enumerate() {
        if group.reasons.contains(&GlueReason::Cycle) {
            for unit in &group.units {
                match unit_graph.units[unit.index()] {
                    Unit::Application(a) => {
                        cyclic_apps.insert(estate.application(a).name.as_str(), g);
                    }
                    Unit::Server(s) => {
                        cyclic_servers.insert(s.index(), g);
                    }
                }
            }
        }
    }
    let mut nodes = Vec::new();
    for (i, s) in estate.servers.iter().enumerate() {
        let app = app_of_server.get(&i).copied();
        let place = app.and_then(|a| placement.get(a));
        nodes.push(GraphNode {
            id: format!("s{i}"),
            label: s.name.clone(),
            kind: if s.is_device() { "device".into() } else { "server".into() },
            application: app.map(str::to_string),
            move_group: place.map(|p| p.1),
            wave: server_wave.get(s.name.as_str()).copied().or(place.map(|p| p.0)),
            environment: text(s.environment.map(|e| e.as_str())),
        });
    }
    for (i, d) in estate.datastores.iter().enumerate() {
        if d.server.is_none() {
            nodes.push(GraphNode {
                id: format!("d{i}"),
                label: d.name.clone(),
                kind: "datastore".into(),
                application: None,
                move_group: None,
                wave: None,
                environment: String::new(),
            });
        }
    }
    for (i, e) in estate.externals.iter().enumerate() {
        nodes.push(GraphNode {
            id: format!("x{i}"),
            label: e.name.clone(),
            kind: "external".into(),
            application: None,
            move_group: None,
            wave: None,
            environment: String::new(),
        });
    }
    let mut app_nodes: HashSet<usize> = HashSet::new();
    let mut node_of = |endpoint: Endpoint, nodes: &mut Vec<GraphNode>| -> String {
        match endpoint {
            Endpoint::Server(s) => format!("s{}", s.index()),
            Endpoint::DataStore(d) => match estate.datastore(d).server {
                Some(s) => format!("s{}", s.index()),
                None => format!("d{}", d.index()),
            },
            Endpoint::External(x) => format!("x{}", x.index()),
            Endpoint::Application(a) => {
                let app = estate.application(a);
                if app_nodes.insert(a.index()) {
                    let place = placement.get(app.name.as_str());
                    nodes.push(GraphNode {
                        id: format!("a{}", a.index()),
                        label: app.name.clone(),
                        kind: "application".into(),
                        application: Some(app.name.clone()),
                        move_group: place.map(|p| p.1),
                        wave: place.map(|p| p.0),
                        environment: app.environment().as_str().to_string(),
                    });
                }
                format!("a{}", a.index())
            }
        }
    };
    let mut edges = Vec::with_capacity(estate.dependencies.len());
    for d in &estate.dependencies {
        let from = node_of(d.from, &mut nodes);
        let to = node_of(d.to, &mut nodes);
        edges.push((from, to, d));
    }
    // Without a plan nothing moves, so no link is cross-wave or hybrid.
    let sides = plan.map(|p| PlanSides::new(estate, p));
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let cycle_group = |n: &GraphNode| -> Option<usize> {
        n.application.as_deref().and_then(|a| cyclic_apps.get(a).copied()).or_else(|| {
            n.id.strip_prefix('s').and_then(|i| i.parse::<usize>().ok()).and_then(|i| cyclic_servers.get(&i).copied())
        })
    };
    let edges = edges
        .into_iter()
        .map(|(from, to, d)| {
            let (a, b) = (&nodes[index[from.as_str()]], &nodes[index[to.as_str()]]);
            let span = sides.as_ref().map(|s| s.link_span(d));
            GraphEdge {
                port: d.port.map(u32::from),
                kind: d.kind.as_str().to_string(),
                cross_wave: span.is_some_and(LinkSpan::is_cross_wave),
                hybrid: span.is_some_and(LinkSpan::is_hybrid_for_good),
                cycle: matches!((cycle_group(a), cycle_group(b)), (Some(x), Some(y)) if x == y),
                from,
                to,
            }
        })
        .collect();
    GraphView { nodes, edges }
}

/// The open project as the toolbar and the start screen show it.
pub fn project(session: &waveplan_app::Session) -> crate::error::AppResult<ProjectView> {
    let file = session.project();
    Ok(ProjectView {
        path: session.path().display().to_string(),
        name: session.name(),
        counts: counts(session.estate().counts()),
        scenario: session.scenario().to_string(),
        scenarios: file.scenarios()?.into_iter().map(|s| s.name).collect(),
        has_plan: session.plan_arc().is_some(),
        imports: file.imports()?.len() as u32,
        undo: session.undo_label()?,
        redo: session.redo_label()?,
        read_only: session.is_read_only(),
        notice: session.notice(),
    })
}

#[cfg(test)]
mod tests {
    use waveplan_core::plan::{Violation, ViolationKind};
    use waveplan_core::{PlanConfig, plan_waves};

    use super::*;

    fn hospital() -> (Estate, Plan) {
        let (estate, _) = waveplan_import::sample::hospital();
        let plan = plan_waves(&estate, &PlanConfig::default());
        (estate, plan)
    }

    #[test]
    fn a_card_is_violated_when_a_violation_concerns_it_not_when_one_names_it() {
        let (estate, mut plan) = hospital();
        let (named, concerned) = (plan.applications[0].name.clone(), plan.applications[1].name.clone());
        // The message quotes one application and starts with its name, but
        // the violation concerns the other.
        plan.violations = vec![Violation::new(
            ViolationKind::KeepApart,
            format!("{named}, '{named}' and '{concerned}' must be kept apart"),
            vec![concerned.clone()],
            vec![plan.applications[1].move_group as usize],
        )];
        let board = board(&estate, &plan, "test");
        let card = |name: &str| board.waves.iter().flat_map(|w| &w.cards).find(|c| c.name == name).unwrap();
        assert!(card(&concerned).violated);
        assert!(!card(&named).violated);
        assert_eq!(board.waves.iter().flat_map(|w| &w.cards).filter(|c| c.violated).count(), 1);
    }

    #[test]
    fn the_graph_and_the_exports_agree_on_cross_wave_and_hybrid_links_and_the_programme_end() {
        let (estate, plan) = hospital();
        let view = waveplan_export::view::PlanView::new(&estate, &plan);
        let graph = graph(&estate, Some(&plan));
        assert_eq!(graph.edges.len(), view.dependencies.len());
        for (edge, row) in graph.edges.iter().zip(&view.dependencies) {
            assert_eq!((edge.cross_wave, edge.hybrid), (row.cross_wave, row.hybrid), "{} -> {}", row.from, row.to);
        }
        // The sample has links of both kinds, so the agreement says something.
        assert!(view.dependencies.iter().any(|d| d.cross_wave) && view.dependencies.iter().any(|d| d.hybrid));
        assert_eq!(objective(&plan).programme_end, plan.metrics.programme_end.map(|d| d.to_string()));
        assert_eq!(plan.metrics.programme_end, plan.programme_end());
    }
}
