//! Move groups: the units that must cut over in the same wave.
//!
//! Units are glued together when they share a server or data store, when an
//! explicit move-together constraint says so, or when they depend on each
//! other in a cycle whose links are all strong. A cycle with a weak link (less
//! traffic than the coupling threshold) is broken there instead: that link
//! stays hybrid for a while, which is cheaper than moving both sides at once.
//! After gluing, the graph of groups is acyclic.

use std::collections::BTreeSet;

use crate::graph::{UnitEdge, UnitGraph, UnitId, strongly_connected};
use crate::model::{Constraint, Estate};

/// A group's position in [`MoveGroups::groups`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(pub u32);

impl GroupId {
    /// The index into [`MoveGroups::groups`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Why units were glued into one group.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GlueReason {
    /// Two applications share a server or data store.
    SharedMember {
        /// The shared server or data store.
        member: String,
    },
    /// A cycle of strong dependencies.
    Cycle,
    /// An explicit move-together constraint.
    Constraint,
}

/// Units that move in the same wave.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveGroup {
    /// The units, sorted.
    pub units: Vec<UnitId>,
    /// Why they are together (empty for a group of one unit).
    pub reasons: BTreeSet<GlueReason>,
}

/// Every unit's group and the links that stay hybrid to break weak cycles.
#[derive(Clone, Debug)]
pub struct MoveGroups {
    /// The groups, ordered by their smallest unit.
    pub groups: Vec<MoveGroup>,
    /// For each unit, its group.
    pub group_of: Vec<GroupId>,
    /// Unit edges (indices into [`UnitGraph::edges`]) left out of precedence
    /// because they were the weak links of cycles.
    pub relaxed_edges: Vec<usize>,
    /// How many cycles of units were found before any was broken.
    pub cycles_found: usize,
}

/// A union-find over unit indices, smallest index as the root so results are
/// deterministic.
struct Disjoint {
    parent: Vec<u32>,
}

impl Disjoint {
    fn new(n: usize) -> Disjoint {
        Disjoint { parent: (0..n as u32).collect() }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        self.parent[high as usize] = low;
    }
}

/// Whether an edge holds its dependent back (the target must move first or together).
pub fn is_precedence(edge: &UnitEdge) -> bool {
    !edge.to_infrastructure
}

/// Forms the move groups of an estate.
pub fn form_move_groups(estate: &Estate, graph: &UnitGraph, coupling_threshold: f64) -> MoveGroups {
    let n = graph.units.len();
    let mut sets = Disjoint::new(n);
    let mut glue: Vec<(u32, GlueReason)> = Vec::new();

    for (a, b, member) in &graph.shared_members {
        if let (Some(ua), Some(ub)) = (graph.unit_of_app(*a), graph.unit_of_app(*b)) {
            sets.union(ua.0, ub.0);
            glue.push((ua.0, GlueReason::SharedMember { member: member.clone() }));
        }
    }
    for constraint in &estate.constraints {
        if let Constraint::MoveTogether { apps, .. } = constraint {
            let units: Vec<UnitId> = apps.iter().filter_map(|&a| graph.unit_of_app(a)).collect();
            for pair in units.windows(2) {
                sets.union(pair[0].0, pair[1].0);
            }
            if let Some(first) = units.first() {
                glue.push((first.0, GlueReason::Constraint));
            }
        }
    }

    // Cycles, among units and among the sets already glued (gluing two
    // applications can close a cycle through a third): break each at its weak
    // links, then glue what is still cyclic.
    let root_of: Vec<u32> = (0..n as u32).map(|u| sets.find(u)).collect();
    let precedence = |e: &&UnitEdge| is_precedence(e) && root_of[e.from.index()] != root_of[e.to.index()];
    let cycles = strongly_connected(
        n,
        graph.edges.iter().filter(precedence).map(|e| (root_of[e.from.index()], root_of[e.to.index()])),
    );
    let cycles_found = cycles.len();
    let mut in_cycle = vec![u32::MAX; n];
    for (i, cycle) in cycles.iter().enumerate() {
        for &root in cycle {
            in_cycle[root as usize] = i as u32;
        }
    }
    let cycle_of = |unit: UnitId| in_cycle[root_of[unit.index()] as usize];
    let relaxed_edges: Vec<usize> = graph
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            precedence(e)
                && cycle_of(e.from) != u32::MAX
                && cycle_of(e.from) == cycle_of(e.to)
                && e.weight < coupling_threshold
        })
        .map(|(i, _)| i)
        .collect();
    let relaxed: BTreeSet<usize> = relaxed_edges.iter().copied().collect();
    let strong = graph
        .edges
        .iter()
        .enumerate()
        .filter(|(i, e)| precedence(e) && !relaxed.contains(i))
        .map(|(_, e)| (root_of[e.from.index()], root_of[e.to.index()]));
    for cycle in strongly_connected(n, strong) {
        for pair in cycle.windows(2) {
            sets.union(pair[0], pair[1]);
        }
        glue.push((cycle[0], GlueReason::Cycle));
    }

    // Groups numbered by their smallest unit.
    let mut group_of = vec![GroupId(u32::MAX); n];
    let mut groups: Vec<MoveGroup> = Vec::new();
    for unit in 0..n as u32 {
        let root = sets.find(unit);
        if group_of[root as usize].0 == u32::MAX {
            group_of[root as usize] = GroupId(groups.len() as u32);
            groups.push(MoveGroup { units: Vec::new(), reasons: BTreeSet::new() });
        }
        let group = group_of[root as usize];
        group_of[unit as usize] = group;
        groups[group.index()].units.push(UnitId(unit));
    }
    for (unit, reason) in glue {
        let group = group_of[unit as usize];
        if groups[group.index()].units.len() > 1 {
            groups[group.index()].reasons.insert(reason);
        }
    }
    MoveGroups { groups, group_of, relaxed_edges, cycles_found }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AppId, Application, Dependency, DependencyKind, Endpoint, Protocol};

    fn estate_with(apps: usize, deps: &[(u32, u32, f64)]) -> Estate {
        let mut estate = Estate::default();
        for i in 0..apps {
            estate.applications.push(Application { name: format!("app{i}"), ..Application::default() });
        }
        for &(from, to, weight) in deps {
            estate.dependencies.push(Dependency {
                from: Endpoint::Application(AppId(from)),
                to: Endpoint::Application(AppId(to)),
                port: None,
                protocol: Protocol::Tcp,
                kind: DependencyKind::Declared,
                weight,
                latency_sensitive: false,
                infrastructure: None,
                first_seen: None,
                last_seen: None,
                source: "test".into(),
            });
        }
        estate
    }

    #[test]
    fn strong_cycles_glue_weak_cycles_break() {
        // 0 <-> 1 strongly; 2 -> 3 strongly and 3 -> 2 weakly; 4 alone.
        let estate = estate_with(5, &[(0, 1, 500.0), (1, 0, 800.0), (2, 3, 900.0), (3, 2, 3.0)]);
        let graph = UnitGraph::build(&estate);
        let groups = form_move_groups(&estate, &graph, 100.0);
        assert_eq!(groups.cycles_found, 2);
        assert_eq!(groups.groups.len(), 4);
        assert_eq!(groups.group_of[0], groups.group_of[1]);
        assert_ne!(groups.group_of[2], groups.group_of[3]);
        assert_eq!(groups.relaxed_edges.len(), 1);
        assert_eq!(graph.edges[groups.relaxed_edges[0]].from, UnitId(3));
        assert!(groups.groups[0].reasons.contains(&GlueReason::Cycle));
    }

    #[test]
    fn move_together_constraint_glues() {
        let mut estate = estate_with(3, &[]);
        estate.constraints.push(Constraint::MoveTogether { apps: vec![AppId(0), AppId(2)], reason: None });
        let graph = UnitGraph::build(&estate);
        let groups = form_move_groups(&estate, &graph, 100.0);
        assert_eq!(groups.groups.len(), 2);
        assert_eq!(groups.groups[0].units, [UnitId(0), UnitId(2)]);
    }
}
