//! Estates for the store's tests: one small estate that sets every field and
//! every variant, and a generated one of any size.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, Weekday};
use waveplan_core::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Every field set at least once, every optional field left empty at least
/// once, every [`Endpoint`] and [`Constraint`] variant, awkward floats and text.
pub(crate) fn full_estate() -> Estate {
    let servers = vec![
        Server {
            name: "ehr-db-01".into(),
            fqdn: Some("ehr-db-01.hospital.example".into()),
            ip_addresses: vec!["10.0.0.5".into(), "fe80::1".into()],
            mac_addresses: vec!["00:50:56:aa:bb:cc".into()],
            os_family: Some(OsFamily::Windows),
            os_name: Some("Windows Server 2019 Datacenter".into()),
            os_version: Some("10.0.17763".into()),
            cores: Some(u32::MAX),
            memory_gb: Some(0.1 + 0.2),
            disk_provisioned_gb: Some(1e-300),
            disk_used_gb: Some(f64::MAX),
            environment: Some(Environment::Production),
            site: Some("Main campus".into()),
            datacenter: Some("DC1".into()),
            cluster: Some("prod-cl-01".into()),
            power_state: Some(PowerState::On),
            kind: Some(ServerKind::VirtualMachine),
            device_class: None,
            tags: map(&[("owner", "dba team"), ("ünïcode", "✓ \"quoted\" 'single'"), ("", "")]),
            provenance: map(&[("cores", "rvtools"), ("fqdn", "servers.csv")]),
        },
        // Every optional field empty.
        Server { name: "bare".into(), ..Default::default() },
        Server {
            name: "infusion-gw".into(),
            os_family: Some(OsFamily::Other),
            cores: Some(0),
            memory_gb: Some(-0.5),
            disk_provisioned_gb: Some(f64::INFINITY),
            environment: Some(Environment::DisasterRecovery),
            power_state: Some(PowerState::Suspended),
            kind: Some(ServerKind::Device),
            device_class: Some("infusion pump gateway".into()),
            ..Default::default()
        },
        Server {
            name: "as400".into(),
            os_family: Some(OsFamily::Unix),
            power_state: Some(PowerState::Off),
            kind: Some(ServerKind::Physical),
            environment: Some(Environment::Test),
            ..Default::default()
        },
        Server {
            name: "f5".into(),
            os_family: Some(OsFamily::Linux),
            kind: Some(ServerKind::Appliance),
            environment: Some(Environment::Staging),
            ..Default::default()
        },
        Server { name: "dev-box".into(), environment: Some(Environment::Development), ..Default::default() },
    ];
    let applications = vec![
        Application {
            name: "EHR".into(),
            owner: Some("Clinical Systems".into()),
            business_unit: Some("Clinical".into()),
            tier: Some(Tier::MissionCritical),
            rto_minutes: Some(60),
            rpo_minutes: Some(0),
            strategy: Some(Strategy::Rehost),
            compliance: vec!["PHI".into(), "HIPAA".into()],
            maintenance_window: Some(MaintenanceWindow {
                days: vec![Weekday::Sat, Weekday::Sun],
                start: NaiveTime::from_hms_nano_opt(22, 30, 15, 123_456_789).expect("valid time"),
                minutes: 300,
            }),
            dr_current: Some(DrPosture::Backup),
            dr_target: Some(DrPosture::ActiveActive),
            environment: Some(Environment::Production),
            copy_of: None,
            role: Some(AppRole::Application),
            servers: vec![ServerId(0), ServerId(2), ServerId(0)],
            datastores: vec![DataStoreId(1), DataStoreId(0)],
            tags: map(&[("cost-centre", "4711")]),
            provenance: map(&[("tier", "cmdb.csv")]),
        },
        Application {
            name: "EHR test".into(),
            tier: Some(Tier::Administrative),
            strategy: Some(Strategy::Replatform),
            environment: Some(Environment::Test),
            copy_of: Some("EHR".into()),
            dr_current: Some(DrPosture::None),
            dr_target: Some(DrPosture::WarmStandby),
            servers: vec![ServerId(3)],
            maintenance_window: Some(MaintenanceWindow {
                days: vec![],
                start: NaiveTime::from_hms_opt(0, 0, 0).expect("valid time"),
                minutes: 0,
            }),
            ..Default::default()
        },
        Application {
            name: "Active Directory".into(),
            tier: Some(Tier::BusinessCritical),
            strategy: Some(Strategy::Retain),
            role: Some(AppRole::Infrastructure),
            servers: vec![ServerId(4)],
            ..Default::default()
        },
        Application {
            name: "Intranet".into(),
            tier: Some(Tier::BusinessOperational),
            strategy: Some(Strategy::Refactor),
            ..Default::default()
        },
        Application { name: "Payroll".into(), strategy: Some(Strategy::Repurchase), ..Default::default() },
        Application { name: "Fax".into(), strategy: Some(Strategy::Retire), ..Default::default() },
        Application { name: "Lab".into(), strategy: Some(Strategy::Relocate), ..Default::default() },
        Application::default(),
    ];
    let datastores = vec![
        DataStore {
            name: "EHRDB".into(),
            kind: Some(DataStoreKind::Database),
            engine: Some("SQL Server 2019".into()),
            size_gb: Some(2048.75),
            change_gb_per_day: Some(12.3456789012345),
            server: Some(ServerId(0)),
            method: Some(MigrationMethod::OnlineReplication),
            tags: map(&[("collation", "Latin1_General_CI_AS")]),
            provenance: map(&[("size_gb", "dbinventory.csv")]),
        },
        DataStore {
            name: "scans".into(),
            kind: Some(DataStoreKind::FileShare),
            method: Some(MigrationMethod::OfflineCopy),
            ..Default::default()
        },
        DataStore { name: "archive".into(), kind: Some(DataStoreKind::ObjectStore), ..Default::default() },
    ];
    let externals = vec![
        ExternalEndpoint { name: "api.payroll-saas.example".into() },
        ExternalEndpoint { name: "203.0.113.7".into() },
    ];
    let dependencies = vec![
        Dependency {
            from: Endpoint::Server(ServerId(1)),
            to: Endpoint::Server(ServerId(0)),
            port: Some(1433),
            protocol: Protocol::Tcp,
            kind: DependencyKind::Observed,
            weight: 12345.678,
            latency_sensitive: true,
            infrastructure: Some("dns".into()),
            first_seen: Some(date(2024, 1, 31)),
            last_seen: Some(date(2024, 12, 1)),
            source: "netflow.csv".into(),
        },
        Dependency {
            from: Endpoint::Application(AppId(0)),
            to: Endpoint::DataStore(DataStoreId(0)),
            port: Some(u16::MAX),
            protocol: Protocol::Udp,
            kind: DependencyKind::Declared,
            weight: 1.0,
            latency_sensitive: false,
            infrastructure: None,
            first_seen: None,
            last_seen: Some(date(1, 1, 1)),
            source: "cmdb.csv".into(),
        },
        Dependency {
            from: Endpoint::DataStore(DataStoreId(2)),
            to: Endpoint::External(ExternalId(1)),
            port: Some(0),
            protocol: Protocol::Icmp,
            kind: DependencyKind::Manual,
            weight: 0.0,
            latency_sensitive: false,
            infrastructure: None,
            first_seen: Some(date(9999, 12, 31)),
            last_seen: None,
            source: String::new(),
        },
        Dependency {
            from: Endpoint::External(ExternalId(0)),
            to: Endpoint::Application(AppId(7)),
            port: None,
            protocol: Protocol::Any,
            kind: DependencyKind::Observed,
            weight: f64::MIN_POSITIVE,
            latency_sensitive: true,
            infrastructure: None,
            first_seen: None,
            last_seen: None,
            source: "ünïcode ✓".into(),
        },
    ];
    let constraints = vec![
        Constraint::MoveTogether { apps: vec![AppId(0), AppId(1), AppId(2)], reason: Some("shared database".into()) },
        Constraint::MoveTogether { apps: vec![], reason: None },
        Constraint::KeepApart { a: AppId(0), b: AppId(3), reason: None },
        Constraint::Before { first: AppId(2), then: AppId(0), reason: Some("directory first".into()) },
        Constraint::PinWave { app: AppId(4), wave: 3, reason: None },
        Constraint::NotBefore { app: AppId(5), date: date(2025, 3, 1), reason: Some("contract".into()) },
        Constraint::NotAfter { app: AppId(6), date: date(2025, 12, 31), reason: None },
    ];
    let excluded = vec![
        Excluded { name: "old-fax-01".into(), reason: "powered off for 400 days".into() },
        Excluded { name: "".into(), reason: "".into() },
    ];
    Estate { servers, applications, datastores, externals, dependencies, constraints, excluded }
}

/// A generated estate: `servers` servers, `applications` applications of a
/// few servers each, one data store per ten servers, `dependencies`
/// dependencies between servers, and a constraint per ten applications.
pub(crate) fn generated_estate(servers: usize, applications: usize, dependencies: usize) -> Estate {
    let mut estate = Estate::default();
    for i in 0..servers {
        estate.servers.push(Server {
            name: format!("srv-{i:06}"),
            fqdn: Some(format!("srv-{i:06}.example")),
            ip_addresses: vec![format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255)],
            os_family: Some(OsFamily::ALL[i % OsFamily::ALL.len()]),
            cores: Some((i % 64) as u32 + 1),
            memory_gb: Some(i as f64 / 7.0),
            disk_used_gb: (i % 3 != 0).then_some(i as f64 * 1.5),
            environment: Some(Environment::ALL[i % Environment::ALL.len()]),
            kind: (i % 50 == 0).then_some(ServerKind::Device),
            tags: map(&[("rack", &format!("r{}", i % 40))]),
            provenance: map(&[("name", "servers.csv")]),
            ..Default::default()
        });
    }
    for i in 0..servers / 10 {
        estate.datastores.push(DataStore {
            name: format!("db-{i}"),
            size_gb: Some(i as f64 * 10.25),
            server: Some(ServerId((i * 10) as u32)),
            ..Default::default()
        });
    }
    for i in 0..applications {
        let members = (0..3).map(|k| ServerId(((i * 3 + k) % servers.max(1)) as u32));
        estate.applications.push(Application {
            name: format!("app-{i:05}"),
            tier: Some(Tier::ALL[i % Tier::ALL.len()]),
            strategy: Some(Strategy::ALL[i % Strategy::ALL.len()]),
            servers: if servers == 0 { vec![] } else { members.collect() },
            datastores: if estate.datastores.is_empty() {
                vec![]
            } else {
                vec![DataStoreId((i % estate.datastores.len()) as u32)]
            },
            ..Default::default()
        });
    }
    for i in 0..dependencies {
        let n = servers.max(1);
        estate.dependencies.push(Dependency {
            from: Endpoint::Server(ServerId((i % n) as u32)),
            to: Endpoint::Server(ServerId((i * 7919 % n) as u32)),
            port: Some((i % 65536) as u16),
            protocol: Protocol::ALL[i % Protocol::ALL.len()],
            kind: DependencyKind::ALL[i % DependencyKind::ALL.len()],
            weight: (i as f64).sqrt(),
            latency_sensitive: i % 2 == 0,
            infrastructure: None,
            first_seen: Some(date(2024, 1, 1) + chrono::Days::new((i % 365) as u64)),
            last_seen: (i % 5 != 0).then_some(date(2025, 1, 1)),
            source: "netflow.csv".into(),
        });
    }
    for i in (0..applications).step_by(10) {
        estate.constraints.push(Constraint::PinWave { app: AppId(i as u32), wave: (i % 12) as u32 + 1, reason: None });
    }
    estate
}
