//! Cutover downtime: how long an application is down when it moves, step by
//! step, with the arithmetic kept so a planner can show and defend it.
//!
//! The model depends on the strategy and on how each data store moves. Every
//! constant is in [`DowntimeConfig`], which the project stores with the plan.

use serde::{Deserialize, Serialize};

use crate::model::{AppId, DataStoreKind, Estate, MigrationMethod, Strategy};

/// The constants downtime estimates rest on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DowntimeConfig {
    /// Bandwidth to the cloud available for migration, megabits per second.
    pub bandwidth_mbps: f64,
    /// Share of the bandwidth that carries data (protocol overhead, contention).
    pub link_efficiency: f64,
    /// How long before cutover the last replication cycle ran, minutes: the
    /// final delta sync copies what changed since.
    pub replication_lag_minutes: f64,
    /// Daily change of a server's disk when no data store says better, % of used disk.
    pub server_change_percent_per_day: f64,
    /// Boot and health check of one batch of servers, minutes.
    pub boot_minutes: f64,
    /// Servers booted at once.
    pub parallel_boots: u32,
    /// DNS, IP and load balancer changes, minutes.
    pub network_switch_minutes: f64,
    /// Smoke test by the application team, minutes.
    pub smoke_test_minutes: f64,
    /// Database dump speed for offline moves, GB per hour.
    pub dump_gb_per_hour: f64,
    /// Database restore speed for offline moves, GB per hour.
    pub restore_gb_per_hour: f64,
    /// Switching a database replica to primary (change data capture), minutes.
    pub replica_promotion_minutes: f64,
    /// Deploying and configuring the new platform at a replatform cutover, minutes.
    pub replatform_switch_minutes: f64,
    /// Switching traffic from blue to green at a refactor cutover, minutes.
    pub blue_green_switch_minutes: f64,
    /// Turning on the purchased product after the data migration, minutes.
    pub repurchase_switch_minutes: f64,
    /// Network cut-over of a live relocation (vMotion-style), minutes.
    pub relocate_switch_minutes: f64,
}

impl Default for DowntimeConfig {
    fn default() -> Self {
        DowntimeConfig {
            bandwidth_mbps: 1000.0,
            link_efficiency: 0.7,
            replication_lag_minutes: 15.0,
            server_change_percent_per_day: 2.0,
            boot_minutes: 10.0,
            parallel_boots: 10,
            network_switch_minutes: 15.0,
            smoke_test_minutes: 30.0,
            dump_gb_per_hour: 300.0,
            restore_gb_per_hour: 150.0,
            replica_promotion_minutes: 10.0,
            replatform_switch_minutes: 60.0,
            blue_green_switch_minutes: 15.0,
            repurchase_switch_minutes: 120.0,
            relocate_switch_minutes: 5.0,
        }
    }
}

/// One step of a cutover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DowntimeStep {
    /// What happens.
    pub step: String,
    /// How long, minutes.
    pub minutes: f64,
    /// The arithmetic, in the units a planner would check it in.
    pub arithmetic: String,
}

/// An application's cutover downtime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DowntimeEstimate {
    /// The cutover method, in words.
    pub method: String,
    /// Total minutes, rounded up.
    pub minutes: u32,
    /// The steps, in order.
    pub steps: Vec<DowntimeStep>,
    /// Data copied while the application is down, GB: it drives most of the estimate.
    pub offline_gb: f64,
}

fn transfer(config: &DowntimeConfig, gb: f64, what: &str) -> DowntimeStep {
    let rate = config.bandwidth_mbps * config.link_efficiency;
    let minutes = if rate > 0.0 { gb * 8000.0 / rate / 60.0 } else { f64::INFINITY };
    DowntimeStep {
        step: what.to_string(),
        minutes,
        arithmetic: format!(
            "{} GB × 8,000 Mbit/GB ÷ ({} Mbit/s × {}) ÷ 60 = {} min",
            round2(gb),
            round2(config.bandwidth_mbps),
            round2(config.link_efficiency),
            round1(minutes)
        ),
    }
}

fn fixed(step: &str, minutes: f64, why: &str) -> DowntimeStep {
    DowntimeStep { step: step.to_string(), minutes, arithmetic: format!("{} min ({why})", round1(minutes)) }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Estimates the cutover downtime of one application.
pub fn estimate_downtime(estate: &Estate, app_id: AppId, config: &DowntimeConfig) -> DowntimeEstimate {
    let app = estate.application(app_id);
    let strategy = app.strategy();
    let servers: Vec<_> = app.servers.iter().map(|&s| estate.server(s)).filter(|s| !s.is_device()).collect();
    let lag_days = config.replication_lag_minutes / 1440.0;
    let mut steps = Vec::new();
    let mut offline_gb = 0.0;

    // Data stores: how much changes daily on each server, and what must be copied
    // whole while the application is down.
    let mut delta_gb = 0.0;
    let mut offline_databases = Vec::new();
    let mut offline_copies = 0.0;
    let mut replicated_databases = false;
    for &store_id in &app.datastores {
        let store = estate.datastore(store_id);
        let size = store.size_gb.unwrap_or(0.0);
        let on_member_server = store.server.is_some_and(|s| app.servers.contains(&s));
        let block_replicated = strategy == Strategy::Rehost && on_member_server;
        match store.method() {
            // A rehost replicates the whole server, data store included: its
            // changes are part of the server's delta.
            _ if block_replicated => {}
            MigrationMethod::OnlineReplication => {
                delta_gb += store.change_gb_per_day.unwrap_or(0.0) * lag_days;
                replicated_databases |= store.kind() == DataStoreKind::Database;
            }
            MigrationMethod::OfflineCopy if store.kind() == DataStoreKind::Database => {
                offline_databases.push((store, size))
            }
            MigrationMethod::OfflineCopy => offline_copies += size,
        }
    }
    let server_change: f64 = servers
        .iter()
        .map(|server| {
            let hosted: f64 = app
                .datastores
                .iter()
                .map(|&d| estate.datastore(d))
                .filter(|d| d.server.is_some_and(|s| estate.server(s).name == server.name))
                .filter_map(|d| d.change_gb_per_day)
                .sum();
            hosted.max(server.storage_gb() * config.server_change_percent_per_day / 100.0)
        })
        .sum();

    let method = match strategy {
        Strategy::Rehost => "replication-based rehost: final delta sync, boot, network switch, smoke test",
        Strategy::Replatform => "replatform: data moved to the new platform, configuration switch, smoke test",
        Strategy::Refactor => "refactor: blue/green deployment, data kept in sync, traffic switched",
        Strategy::Repurchase => "repurchase: data migrated into the new product, then switched on",
        Strategy::Relocate => "relocate: live migration of the running servers, network switch",
        Strategy::Retire | Strategy::Retain => "none: the application does not move",
    };

    match strategy {
        Strategy::Retire | Strategy::Retain => {}
        Strategy::Relocate => {
            steps.push(fixed("network switch", config.relocate_switch_minutes, "live relocation"));
        }
        _ => {
            if strategy == Strategy::Rehost {
                let server_delta = server_change * lag_days;
                delta_gb += server_delta;
                if !servers.is_empty() {
                    let mut step = transfer(config, delta_gb, "final delta sync");
                    step.arithmetic = format!(
                        "{} GB changed per day × {} min since the last sync ÷ 1,440 = {} GB; {}",
                        round2(server_change),
                        round1(config.replication_lag_minutes),
                        round2(delta_gb),
                        step.arithmetic
                    );
                    steps.push(step);
                }
            } else if delta_gb > 0.0 {
                steps.push(transfer(config, delta_gb, "final replication catch-up"));
            }
            if replicated_databases && strategy != Strategy::Rehost {
                steps.push(fixed(
                    "promote database replicas",
                    config.replica_promotion_minutes,
                    "change data capture cutover",
                ));
            }
            for (store, size) in offline_databases {
                offline_gb += size;
                let dump = size / config.dump_gb_per_hour * 60.0;
                steps.push(DowntimeStep {
                    step: format!("dump {}", store.name),
                    minutes: dump,
                    arithmetic: format!(
                        "{} GB ÷ {} GB/h × 60 = {} min",
                        round2(size),
                        config.dump_gb_per_hour,
                        round1(dump)
                    ),
                });
                steps.push(transfer(config, size, &format!("copy {}", store.name)));
                let restore = size / config.restore_gb_per_hour * 60.0;
                steps.push(DowntimeStep {
                    step: format!("restore {}", store.name),
                    minutes: restore,
                    arithmetic: format!(
                        "{} GB ÷ {} GB/h × 60 = {} min",
                        round2(size),
                        config.restore_gb_per_hour,
                        round1(restore)
                    ),
                });
            }
            if offline_copies > 0.0 {
                offline_gb += offline_copies;
                steps.push(transfer(config, offline_copies, "offline copy of file shares and object stores"));
            }
            match strategy {
                Strategy::Rehost if !servers.is_empty() => {
                    let batches = servers.len().div_ceil(config.parallel_boots.max(1) as usize);
                    steps.push(DowntimeStep {
                        step: "boot and health check".into(),
                        minutes: batches as f64 * config.boot_minutes,
                        arithmetic: format!(
                            "{} servers in batches of {} = {batches} × {} min = {} min",
                            servers.len(),
                            config.parallel_boots,
                            config.boot_minutes,
                            round1(batches as f64 * config.boot_minutes)
                        ),
                    });
                }
                Strategy::Replatform => steps.push(fixed(
                    "platform switch",
                    config.replatform_switch_minutes,
                    "deploy and configure on the new platform",
                )),
                Strategy::Refactor => steps.push(fixed(
                    "blue/green switch",
                    config.blue_green_switch_minutes,
                    "traffic moved to the new deployment",
                )),
                Strategy::Repurchase => steps.push(fixed(
                    "switch on the new product",
                    config.repurchase_switch_minutes,
                    "go-live of the purchased product",
                )),
                _ => {}
            }
            steps.push(fixed("DNS/IP switch", config.network_switch_minutes, "DNS, IP and load balancer changes"));
            steps.push(fixed("smoke test", config.smoke_test_minutes, "application team checks"));
        }
    }
    let total: f64 = steps.iter().map(|s| s.minutes).sum();
    let minutes = if total.is_finite() { total.ceil().min(f64::from(u32::MAX)) as u32 } else { u32::MAX };
    DowntimeEstimate { method: method.to_string(), minutes, steps, offline_gb }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, DataStore, DataStoreId, Server, ServerId};

    fn estate(strategy: Strategy, store_method: MigrationMethod, store_kind: DataStoreKind) -> Estate {
        Estate {
            servers: vec![
                Server { name: "app01".into(), disk_used_gb: Some(100.0), ..Server::default() },
                Server { name: "db01".into(), disk_used_gb: Some(600.0), ..Server::default() },
            ],
            datastores: vec![DataStore {
                name: "db".into(),
                kind: Some(store_kind),
                size_gb: Some(500.0),
                change_gb_per_day: Some(48.0),
                server: Some(ServerId(1)),
                method: Some(store_method),
                ..DataStore::default()
            }],
            applications: vec![Application {
                name: "ehr".into(),
                strategy: Some(strategy),
                servers: vec![ServerId(0), ServerId(1)],
                datastores: vec![DataStoreId(0)],
                ..Application::default()
            }],
            ..Estate::default()
        }
    }

    #[test]
    fn rehost_is_delta_sync_boot_switch_and_test() {
        let e = estate(Strategy::Rehost, MigrationMethod::OnlineReplication, DataStoreKind::Database);
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        // Change per day: app01 2% of 100 GB = 2 GB; db01 max(48, 12) = 48 GB: 50 GB/day.
        // Delta: 50 × 15 / 1440 = 0.52 GB → 0.52 × 8000 / 700 / 60 = 0.099 min.
        let names: Vec<&str> = estimate.steps.iter().map(|s| s.step.as_str()).collect();
        assert_eq!(names, ["final delta sync", "boot and health check", "DNS/IP switch", "smoke test"]);
        assert!((estimate.steps[0].minutes - 50.0 * 15.0 / 1440.0 * 8000.0 / 700.0 / 60.0).abs() < 1e-9);
        assert!(estimate.steps[0].arithmetic.starts_with("50 GB changed per day × 15 min since the last sync"));
        assert_eq!(estimate.minutes, 56); // 0.1 + 10 + 15 + 30, rounded up
    }

    #[test]
    fn offline_database_move_is_dump_copy_restore() {
        let e = estate(Strategy::Replatform, MigrationMethod::OfflineCopy, DataStoreKind::Database);
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        let minutes: Vec<f64> = estimate.steps.iter().map(|s| round1(s.minutes)).collect();
        // dump 500/300 h = 100 min; copy 500 × 8000 / 700 / 60 = 95.2 min; restore 200 min.
        assert_eq!(minutes, [100.0, 95.2, 200.0, 60.0, 15.0, 30.0]);
        assert_eq!(estimate.offline_gb, 500.0);
        assert_eq!(estimate.minutes, 501);
    }

    #[test]
    fn relocate_and_retain() {
        let e = estate(Strategy::Relocate, MigrationMethod::OnlineReplication, DataStoreKind::Database);
        assert_eq!(estimate_downtime(&e, AppId(0), &DowntimeConfig::default()).minutes, 5);
        let e = estate(Strategy::Retain, MigrationMethod::OnlineReplication, DataStoreKind::Database);
        assert_eq!(estimate_downtime(&e, AppId(0), &DowntimeConfig::default()).minutes, 0);
    }
}
