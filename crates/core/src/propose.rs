//! Proposed applications: groups of servers that no CMDB or owner put in an
//! application, found in the connection graph by community detection.
//!
//! The method is Louvain's: each server starts alone, then moves to the
//! neighbouring group that raises modularity the most, until nothing moves;
//! the groups are then contracted and the same is done on groups, until no
//! level improves. Dependencies on shared infrastructure (classified by
//! connection data, or reaching an infrastructure application) are left out,
//! so a directory server does not glue everything into one group. Weights are
//! damped (`ln(1 + weight)`) so one chatty pair does not outweigh structure.
//! The result is deterministic: servers are visited in estate order.
//!
//! These are proposals: the planner accepts or renames them.

use std::collections::BTreeMap;

use crate::model::{AppRole, Endpoint, Estate, ServerId};

/// A group of servers that talk to each other more than to the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplicationProposal {
    /// A name to start from: `Proposed 3 (web01 +4)`, after the most connected server.
    pub name: String,
    /// The servers, in estate order.
    pub servers: Vec<ServerId>,
    /// Damped weight of the dependencies inside the group.
    pub internal_weight: f64,
    /// Damped weight of its dependencies to other candidate servers.
    pub external_weight: f64,
}

impl ApplicationProposal {
    /// Share of the group's dependency weight that stays inside it.
    pub fn cohesion(&self) -> f64 {
        let total = self.internal_weight + self.external_weight;
        if total > 0.0 { self.internal_weight / total } else { 0.0 }
    }
}

/// An undirected weighted graph over `n` nodes, as adjacency lists.
struct Graph {
    neighbours: Vec<Vec<(usize, f64)>>,
    self_loops: Vec<f64>,
}

impl Graph {
    fn degree(&self, node: usize) -> f64 {
        self.neighbours[node].iter().map(|&(_, w)| w).sum::<f64>() + 2.0 * self.self_loops[node]
    }
}

/// One level of Louvain's local moving. Returns each node's community (dense ids).
fn local_moving(graph: &Graph) -> Vec<usize> {
    let n = graph.neighbours.len();
    let degree: Vec<f64> = (0..n).map(|i| graph.degree(i)).collect();
    let total: f64 = degree.iter().sum();
    if total == 0.0 {
        return (0..n).collect();
    }
    let mut community: Vec<usize> = (0..n).collect();
    let mut community_degree = degree.clone();
    let mut links: BTreeMap<usize, f64> = BTreeMap::new();
    for _round in 0..50 {
        let mut moved = false;
        for node in 0..n {
            let own = community[node];
            links.clear();
            for &(other, weight) in &graph.neighbours[node] {
                if other != node {
                    *links.entry(community[other]).or_default() += weight;
                }
            }
            community_degree[own] -= degree[node];
            // Gain of joining community c: links_to_c - degree * degree(c) / total.
            let gain = |c: usize, to: f64| to - degree[node] * community_degree[c] / total;
            let mut best = (own, gain(own, links.get(&own).copied().unwrap_or(0.0)));
            for (&c, &to) in &links {
                let g = gain(c, to);
                if g > best.1 + 1e-12 {
                    best = (c, g);
                }
            }
            community_degree[best.0] += degree[node];
            if best.0 != own {
                community[node] = best.0;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    // Dense ids in order of first appearance.
    let mut dense = BTreeMap::new();
    let mut next = 0;
    for c in &mut community {
        *c = *dense.entry(*c).or_insert_with(|| {
            next += 1;
            next - 1
        });
    }
    community
}

/// Contracts a graph by communities.
fn contract(graph: &Graph, community: &[usize]) -> Graph {
    let groups = community.iter().max().map_or(0, |m| m + 1);
    let mut weights: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); groups];
    let mut self_loops = vec![0.0; groups];
    for (node, edges) in graph.neighbours.iter().enumerate() {
        let a = community[node];
        self_loops[a] += graph.self_loops[node];
        for &(other, weight) in edges {
            let b = community[other];
            if a == b {
                // Each undirected edge is listed from both ends.
                self_loops[a] += weight / 2.0;
            } else {
                *weights[a].entry(b).or_default() += weight;
            }
        }
    }
    Graph { neighbours: weights.into_iter().map(|m| m.into_iter().collect()).collect(), self_loops }
}

/// Proposes applications for the servers that belong to none.
pub fn propose_applications(estate: &Estate) -> Vec<ApplicationProposal> {
    // Candidates: servers in no application, devices aside.
    let mut in_app = vec![false; estate.servers.len()];
    for app in &estate.applications {
        for &server in &app.servers {
            in_app[server.index()] = true;
        }
    }
    let candidates: Vec<ServerId> =
        estate.server_ids().filter(|&s| !in_app[s.index()] && !estate.server(s).is_device()).collect();
    let mut node_of: Vec<Option<usize>> = vec![None; estate.servers.len()];
    for (i, &s) in candidates.iter().enumerate() {
        node_of[s.index()] = Some(i);
    }
    let infrastructure_app =
        |e: Endpoint| matches!(e, Endpoint::Application(a) if estate.application(a).role() == AppRole::Infrastructure);
    let mut pair_weight: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for dependency in &estate.dependencies {
        if dependency.infrastructure.is_some() || infrastructure_app(dependency.to) {
            continue;
        }
        let (Endpoint::Server(a), Endpoint::Server(b)) = (dependency.from, dependency.to) else { continue };
        let (Some(a), Some(b)) = (node_of[a.index()], node_of[b.index()]) else { continue };
        if a != b {
            *pair_weight.entry((a.min(b), a.max(b))).or_default() += dependency.weight.max(0.0);
        }
    }
    let n = candidates.len();
    let mut neighbours: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (&(a, b), &weight) in &pair_weight {
        let damped = (1.0 + weight).ln().max(0.01);
        neighbours[a].push((b, damped));
        neighbours[b].push((a, damped));
    }
    let original = Graph { neighbours, self_loops: vec![0.0; n] };

    // Levels until no level merges anything.
    let mut membership: Vec<usize> = (0..n).collect();
    let mut graph = Graph { neighbours: original.neighbours.clone(), self_loops: original.self_loops.clone() };
    loop {
        let community = local_moving(&graph);
        let groups = community.iter().max().map_or(0, |m| m + 1);
        if groups == graph.neighbours.len() {
            break;
        }
        for m in &mut membership {
            *m = community[*m];
        }
        graph = contract(&graph, &community);
    }

    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (node, &group) in membership.iter().enumerate() {
        groups.entry(group).or_default().push(node);
    }
    let mut proposals: Vec<ApplicationProposal> = groups
        .into_values()
        .filter(|nodes| nodes.len() >= 2)
        .map(|nodes| {
            let (mut internal, mut external) = (0.0, 0.0);
            let mut strength = vec![0.0; nodes.len()];
            for (i, &node) in nodes.iter().enumerate() {
                for &(other, weight) in &original.neighbours[node] {
                    strength[i] += weight;
                    if membership[other] == membership[node] {
                        internal += weight / 2.0;
                    } else {
                        external += weight;
                    }
                }
            }
            let hub =
                (0..nodes.len()).max_by(|&a, &b| strength[a].total_cmp(&strength[b]).then(b.cmp(&a))).unwrap_or(0);
            let servers: Vec<ServerId> = nodes.iter().map(|&node| candidates[node]).collect();
            let hub_name = estate.server(servers[hub]).name.clone();
            ApplicationProposal { name: hub_name, servers, internal_weight: internal, external_weight: external }
        })
        .collect();
    // Largest groups first; names numbered in that order.
    proposals.sort_by(|a, b| b.servers.len().cmp(&a.servers.len()).then(a.servers.cmp(&b.servers)));
    for (i, proposal) in proposals.iter_mut().enumerate() {
        proposal.name = format!("Proposed {} ({} +{})", i + 1, proposal.name, proposal.servers.len() - 1);
    }
    proposals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, Dependency, DependencyKind, Protocol, Server};

    fn estate(servers: usize, links: &[(u32, u32, f64)]) -> Estate {
        let mut estate = Estate::default();
        for i in 0..servers {
            estate.servers.push(Server { name: format!("srv{i:02}"), ..Server::default() });
        }
        for &(a, b, weight) in links {
            estate.dependencies.push(Dependency {
                from: Endpoint::Server(ServerId(a)),
                to: Endpoint::Server(ServerId(b)),
                port: Some(443),
                protocol: Protocol::Tcp,
                kind: DependencyKind::Observed,
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
    fn finds_two_cliques_joined_by_a_weak_link_and_ignores_infrastructure() {
        // 0-1-2 talk a lot, 3-4-5 talk a lot, 2-3 talk a little; 6 is a DNS
        // server everyone reaches, 7 is already in an application.
        let mut links =
            vec![(0, 1, 500.0), (1, 2, 400.0), (0, 2, 300.0), (3, 4, 600.0), (4, 5, 200.0), (3, 5, 250.0), (2, 3, 2.0)];
        for s in 0..6 {
            links.push((s, 6, 1000.0));
        }
        links.push((5, 7, 900.0));
        let mut e = estate(8, &links);
        for d in e.dependencies.iter_mut().filter(|d| d.to == Endpoint::Server(ServerId(6))) {
            d.infrastructure = Some("dns".into());
        }
        e.applications.push(Application {
            name: "Billing".into(),
            servers: vec![ServerId(7)],
            ..Application::default()
        });
        let proposals = propose_applications(&e);
        let groups: Vec<Vec<u32>> = proposals.iter().map(|p| p.servers.iter().map(|s| s.0).collect()).collect();
        assert_eq!(groups, [vec![0, 1, 2], vec![3, 4, 5]]);
        assert!(proposals[0].cohesion() > 0.9);
        assert!(proposals[0].name.starts_with("Proposed 1 (srv"));
        // Same estate, same proposals.
        assert_eq!(propose_applications(&e), proposals);
    }

    #[test]
    fn no_dependencies_no_proposals() {
        assert!(propose_applications(&estate(5, &[])).is_empty());
    }
}
