//! Times saving and loading a large estate to a project file:
//! `cargo run --release -p waveplan-store --example store_timing [servers apps dependencies]`.

use std::time::Instant;

use chrono::NaiveDate;

use waveplan_core::*;
use waveplan_store::{ImportRecord, Project};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    let (servers, apps, deps) = match args[..] {
        [s, a, d] => (s, a, d),
        _ => (50_000, 10_000, 1_000_000),
    };
    let estate = estate(servers, apps, deps);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("timing.waveplan");
    let mut project = Project::create(&path)?;
    let import = ImportRecord {
        files: vec!["generated".into()],
        file_hashes: Vec::new(),
        imported_at: chrono::Utc::now(),
        summary_json: "{}".into(),
    };

    let start = Instant::now();
    project.save_import(&estate, &import)?;
    println!("save {servers} servers, {apps} applications, {deps} dependencies: {:?}", start.elapsed());
    let start = Instant::now();
    project.save_import(&estate, &import)?;
    println!("save again (replacing): {:?}", start.elapsed());
    drop(project);
    println!("file size: {} MB", std::fs::metadata(&path)?.len() / 1_000_000);

    let start = Instant::now();
    let project = Project::open(&path)?;
    let loaded = project.load_estate()?;
    println!("open and load: {:?}", start.elapsed());
    assert!(loaded == estate, "round trip differs");
    Ok(())
}

fn estate(servers: usize, apps: usize, deps: usize) -> Estate {
    let mut estate = Estate::default();
    for i in 0..servers {
        estate.servers.push(Server {
            name: format!("srv-{i:06}"),
            fqdn: Some(format!("srv-{i:06}.example")),
            ip_addresses: vec![format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255)],
            os_family: Some(OsFamily::Linux),
            os_name: Some("Red Hat Enterprise Linux 8".into()),
            cores: Some(8),
            memory_gb: Some(i as f64 / 7.0),
            disk_used_gb: Some(i as f64 * 1.5),
            environment: Some(Environment::Production),
            tags: [("rack".to_owned(), format!("r{}", i % 40))].into(),
            provenance: [("name".to_owned(), "servers.csv".to_owned())].into(),
            ..Default::default()
        });
    }
    for i in 0..apps {
        estate.applications.push(Application {
            name: format!("app-{i:05}"),
            tier: Some(Tier::BusinessCritical),
            servers: (0..5).map(|k| ServerId(((i * 5 + k) % servers) as u32)).collect(),
            ..Default::default()
        });
    }
    for i in 0..deps {
        estate.dependencies.push(Dependency {
            from: Endpoint::Server(ServerId((i % servers) as u32)),
            to: Endpoint::Server(ServerId((i * 7919 % servers) as u32)),
            port: Some((i % 65536) as u16),
            protocol: Protocol::Tcp,
            kind: DependencyKind::Observed,
            weight: (i as f64).sqrt(),
            latency_sensitive: i % 2 == 0,
            infrastructure: None,
            first_seen: NaiveDate::from_ymd_opt(2024, 1, 1),
            last_seen: NaiveDate::from_ymd_opt(2025, 1, 1),
            source: "netflow.csv".into(),
        });
    }
    estate
}
