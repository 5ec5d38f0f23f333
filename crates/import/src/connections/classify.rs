//! Shared infrastructure re-applied to an estate's observed dependencies,
//! for when a project's [`InfrastructureRules`] change after the connection
//! data was imported: what was imported under the old list is classified
//! under the new one, as if imported again.
//!
//! Only observed dependencies on the ports the change touched are
//! re-classified; declared and manual dependencies keep the role their
//! source gave them, and so does a dependency on a port the change left
//! alone (a native file may have set it by hand). Must not add or drop
//! dependencies.

use std::collections::BTreeSet;

use waveplan_core::{DependencyKind, Endpoint, Estate};

use super::InfrastructureRules;

/// Re-classifies the observed dependencies of `estate` on the ports whose
/// role differs between `before` and `rules`; returns how many changed role.
///
/// A destination is a domain controller (so that SMB and RPC to it are
/// infrastructure) when a dependency reaches it on a Kerberos or directory
/// port, or when one reaching it on a domain-controller port was already
/// classified (at import, a capture may have shown it listening on one,
/// which the estate does not keep).
pub fn reclassify_dependencies(
    estate: &mut Estate,
    before: &InfrastructureRules,
    rules: &InfrastructureRules,
) -> usize {
    let listed = |rules: &InfrastructureRules, port: u16| {
        (rules.ports.get(&port).cloned(), rules.domain_controller_ports.get(&port).cloned())
    };
    let ports = before.ports.keys().chain(before.domain_controller_ports.keys());
    let ports = ports.chain(rules.ports.keys()).chain(rules.domain_controller_ports.keys());
    let changed_ports: BTreeSet<u16> =
        ports.copied().filter(|&port| listed(before, port) != listed(rules, port)).collect();
    let domain_controllers: BTreeSet<Endpoint> = estate
        .dependencies
        .iter()
        .filter(|d| {
            d.port.is_some_and(|port| {
                rules.marks_domain_controller(port)
                    || (d.infrastructure.is_some() && rules.domain_controller_ports.contains_key(&port))
            })
        })
        .map(|d| d.to)
        .collect();
    let mut changed = 0;
    let touched = |d: &&mut waveplan_core::Dependency| {
        d.kind == DependencyKind::Observed && d.port.is_some_and(|port| changed_ports.contains(&port))
    };
    for dependency in estate.dependencies.iter_mut().filter(touched) {
        let role = dependency
            .port
            .and_then(|port| rules.role(port, domain_controllers.contains(&dependency.to)))
            .map(str::to_string);
        if role != dependency.infrastructure {
            dependency.infrastructure = role;
            changed += 1;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use waveplan_core::{Dependency, Protocol, ServerId};

    use super::*;

    fn dependency(from: usize, to: usize, port: u16, kind: DependencyKind, role: Option<&str>) -> Dependency {
        Dependency {
            from: Endpoint::Server(ServerId(from as u32)),
            to: Endpoint::Server(ServerId(to as u32)),
            port: Some(port),
            protocol: Protocol::Tcp,
            kind,
            weight: 1.0,
            latency_sensitive: false,
            infrastructure: role.map(str::to_string),
            first_seen: None,
            last_seen: None,
            source: "test".into(),
        }
    }

    fn roles(estate: &Estate) -> Vec<Option<&str>> {
        estate.dependencies.iter().map(|d| d.infrastructure.as_deref()).collect()
    }

    #[test]
    fn observed_dependencies_follow_the_new_list_and_declared_ones_keep_theirs() {
        let mut estate = Estate {
            dependencies: vec![
                dependency(0, 1, 9200, DependencyKind::Observed, None),
                dependency(0, 2, 53, DependencyKind::Observed, Some("dns")),
                dependency(0, 1, 9200, DependencyKind::Declared, None),
                dependency(0, 2, 53, DependencyKind::Declared, Some("dns")),
                // SMB to a server a capture showed to be a domain controller,
                // and to a file server.
                dependency(0, 3, 445, DependencyKind::Observed, Some("smb")),
                dependency(0, 4, 445, DependencyKind::Observed, None),
            ],
            ..Estate::default()
        };
        let before = InfrastructureRules::default();
        let mut rules = before.clone();
        rules.ports.insert(9200, "elasticsearch".into());
        rules.ports.remove(&53);
        assert_eq!(reclassify_dependencies(&mut estate, &before, &rules), 2);
        assert_eq!(roles(&estate), [Some("elasticsearch"), None, None, Some("dns"), Some("smb"), None]);
        // The same rules again change nothing.
        assert_eq!(reclassify_dependencies(&mut estate, &rules, &rules), 0);
        // Making SMB infrastructure everywhere reaches the file server too.
        let mut everywhere = rules.clone();
        everywhere.domain_controller_ports.remove(&445);
        everywhere.ports.insert(445, "smb".into());
        assert_eq!(reclassify_dependencies(&mut estate, &rules, &everywhere), 1);
        assert_eq!(roles(&estate)[5], Some("smb"));
    }

    #[test]
    fn a_server_reached_on_kerberos_is_a_domain_controller_for_smb() {
        let mut estate = Estate {
            dependencies: vec![
                dependency(0, 3, 445, DependencyKind::Observed, None),
                dependency(0, 3, 88, DependencyKind::Declared, None),
                // A port the change leaves alone keeps what its file said.
                dependency(0, 5, 389, DependencyKind::Observed, None),
            ],
            ..Estate::default()
        };
        let mut before = InfrastructureRules::default();
        before.domain_controller_ports.remove(&445);
        assert_eq!(reclassify_dependencies(&mut estate, &before, &InfrastructureRules::default()), 1);
        assert_eq!(roles(&estate), [Some("smb"), None, None]);
    }
}
