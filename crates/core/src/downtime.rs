//! Cutover downtime: how long an application is down when it moves, step by
//! step, with the arithmetic kept so a planner can show and defend it.
//!
//! The model depends on the strategy and on how each data store moves. Every
//! constant is in [`DowntimeConfig`], which the project stores with the plan.
//! [`schedule_waves`] (in `downtime/schedule.rs`) then puts the cutovers of
//! each wave on parallel cutover tracks inside the maintenance windows and
//! dates the replication each wave needs ahead of its cutovers.
//!
//! This module must not decide waves: it estimates and schedules what the
//! planner hands it.

mod schedule;

use serde::{Deserialize, Serialize};

use crate::model::{AppId, DataStore, DataStoreKind, Estate, MigrationMethod, Strategy};

pub use schedule::{
    AppSchedule, CutoverTrack, IncrementalTracks, ReplicationLead, WaveSchedule, cutover_minutes, cutover_violations,
    cutovers_fit, replication_leads, schedule_wave, schedule_waves,
};

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
    /// Cutovers a wave can run at the same time: the cutover teams (tracks).
    pub cutover_tracks: u32,
    /// Days between the end of the initial replication and the cutover
    /// (replicas in sync, a test failover, sign-off).
    pub stabilisation_days: f64,
    /// The window applications without one of their own are cut over in
    /// (`Sat-Sun 22:00-06:00` form); empty: they cut over at any time of the wave.
    pub default_maintenance_window: String,
    /// For a database whose migration method the inventory leaves open: take
    /// the offline dump and restore when the whole cutover still fits the
    /// application's window (no change-capture agent to run for weeks),
    /// online replication with change capture otherwise.
    pub prefer_offline_dump: bool,
    /// Usable capacity of one offline transfer device (AWS Snowball Edge,
    /// Azure Data Box), TB.
    pub offline_device_tb: f64,
    /// Days from ordering an offline transfer device to the data being in the
    /// cloud (shipping, loading, return, ingest).
    pub offline_device_days: f64,
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
            cutover_tracks: 2,
            stabilisation_days: 3.0,
            default_maintenance_window: "Sat-Sun 22:00-06:00".into(),
            prefer_offline_dump: true,
            offline_device_tb: 80.0,
            offline_device_days: 10.0,
        }
    }
}

impl DowntimeConfig {
    /// What the link carries, GB per day: bandwidth × efficiency × 86,400 s ÷ 8,000 Mbit/GB.
    pub fn link_gb_per_day(&self) -> f64 {
        self.bandwidth_mbps * self.link_efficiency * 86_400.0 / 8_000.0
    }

    /// Every constant that is wrong on its face, one message each (empty when all are usable).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut positive = |name: &str, value: f64| {
            if !(value.is_finite() && value > 0.0) {
                problems.push(format!("downtime.{name} must be more than 0 (it is {value})"));
            }
        };
        positive("bandwidth_mbps", self.bandwidth_mbps);
        positive("dump_gb_per_hour", self.dump_gb_per_hour);
        positive("restore_gb_per_hour", self.restore_gb_per_hour);
        positive("offline_device_tb", self.offline_device_tb);
        if !(self.link_efficiency > 0.0 && self.link_efficiency <= 1.0) {
            problems.push(format!(
                "downtime.link_efficiency must be a share above 0 and at most 1 (it is {})",
                self.link_efficiency
            ));
        }
        for (name, value) in [
            ("replication_lag_minutes", self.replication_lag_minutes),
            ("server_change_percent_per_day", self.server_change_percent_per_day),
            ("boot_minutes", self.boot_minutes),
            ("network_switch_minutes", self.network_switch_minutes),
            ("smoke_test_minutes", self.smoke_test_minutes),
            ("replica_promotion_minutes", self.replica_promotion_minutes),
            ("replatform_switch_minutes", self.replatform_switch_minutes),
            ("blue_green_switch_minutes", self.blue_green_switch_minutes),
            ("repurchase_switch_minutes", self.repurchase_switch_minutes),
            ("relocate_switch_minutes", self.relocate_switch_minutes),
            ("stabilisation_days", self.stabilisation_days),
            ("offline_device_days", self.offline_device_days),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("downtime.{name} must be 0 or more (it is {value})"));
            }
        }
        if self.parallel_boots == 0 {
            problems.push("downtime.parallel_boots must be at least 1".into());
        }
        if self.cutover_tracks == 0 {
            problems.push("downtime.cutover_tracks must be at least 1".into());
        }
        if let Err(e) = self.default_window() {
            problems.push(format!("downtime.default_maintenance_window: {e}"));
        }
        problems
    }

    /// The default window, parsed; `None` when empty.
    pub fn default_window(&self) -> Result<Option<crate::model::MaintenanceWindow>, String> {
        let text = self.default_maintenance_window.trim();
        if text.is_empty() { Ok(None) } else { crate::model::MaintenanceWindow::parse(text).map(Some) }
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

/// How one database moves at cutover, and why that way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatabaseMove {
    /// The data store.
    pub name: String,
    /// `online-replication` (change capture, promote the replica) or
    /// `offline-copy` (dump, copy, restore).
    pub method: MigrationMethod,
    /// Downtime the offline dump, copy and restore would take, minutes.
    pub offline_minutes: f64,
    /// Downtime the online replication's catch-up and promotion would take, minutes.
    pub online_minutes: f64,
    /// Why this method, in a sentence.
    pub reason: String,
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
    /// The model, as a stable id: `rehost-replication`, `replatform`,
    /// `refactor-blue-green`, `repurchase-data-migration`, `relocate-live`,
    /// `retire`, `retain`.
    #[serde(default)]
    pub model: String,
    /// Data replicated ahead of the cutover (server disks, online data stores), GB.
    #[serde(default)]
    pub replicated_gb: f64,
    /// Daily change of the replicated data, GB: replication carries it until cutover.
    #[serde(default)]
    pub replicated_change_gb_per_day: f64,
    /// Each database that moves separately from its server, with the method chosen and why.
    #[serde(default)]
    pub databases: Vec<DatabaseMove>,
    /// What would shorten a cutover that does not fit its window.
    #[serde(default)]
    pub suggestions: Vec<String>,
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

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The steps of an offline dump, copy and restore of one database.
fn dump_copy_restore(config: &DowntimeConfig, name: &str, size: f64) -> [DowntimeStep; 3] {
    let dump = size / config.dump_gb_per_hour * 60.0;
    let restore = size / config.restore_gb_per_hour * 60.0;
    [
        DowntimeStep {
            step: format!("dump {name}"),
            minutes: dump,
            arithmetic: format!("{} GB ÷ {} GB/h × 60 = {} min", round2(size), config.dump_gb_per_hour, round1(dump)),
        },
        transfer(config, size, &format!("copy {name}")),
        DowntimeStep {
            step: format!("restore {name}"),
            minutes: restore,
            arithmetic: format!(
                "{} GB ÷ {} GB/h × 60 = {} min",
                round2(size),
                config.restore_gb_per_hour,
                round1(restore)
            ),
        },
    ]
}

/// The change a final sync catches up, GB: daily change × minutes since the last sync ÷ 1,440.
fn catch_up_gb(config: &DowntimeConfig, change_gb_per_day: f64) -> f64 {
    change_gb_per_day * config.replication_lag_minutes / 1440.0
}

/// The final sync of what changed since the last replication cycle.
fn delta_sync(config: &DowntimeConfig, change_gb_per_day: f64, what: &str) -> DowntimeStep {
    let gb = catch_up_gb(config, change_gb_per_day);
    let mut step = transfer(config, gb, what);
    step.arithmetic = format!(
        "{} GB changed per day × {} min since the last sync ÷ 1,440 = {} GB; {}",
        round2(change_gb_per_day),
        round1(config.replication_lag_minutes),
        round2(gb),
        step.arithmetic
    );
    step
}

/// The downtime of each way a database can move: (offline, online) minutes.
fn database_costs(config: &DowntimeConfig, store: &DataStore) -> (f64, f64) {
    let size = store.size_gb.unwrap_or(0.0);
    let offline: f64 = dump_copy_restore(config, &store.name, size).iter().map(|s| s.minutes).sum();
    let online = transfer(config, catch_up_gb(config, store.change_gb_per_day.unwrap_or(0.0)), "").minutes
        + config.replica_promotion_minutes;
    (offline, online)
}

/// How each data store of an application moves.
#[derive(Clone, Copy, PartialEq)]
enum StoreMove {
    /// Inside a server replicated block by block.
    WithServer,
    Online,
    Offline,
}

/// Estimates the cutover downtime of one application.
///
/// A database whose method the inventory gives moves that way; one left open
/// takes the offline dump and restore when the whole cutover then fits the
/// application's window and `prefer_offline_dump` is set, online replication
/// with change capture otherwise. The estimate says which, and why.
pub fn estimate_downtime(estate: &Estate, app_id: AppId, config: &DowntimeConfig) -> DowntimeEstimate {
    let app = estate.application(app_id);
    let strategy = app.strategy();
    let block_replicated = |store: &DataStore| {
        matches!(strategy, Strategy::Rehost | Strategy::Relocate)
            && store.server.is_some_and(|s| app.servers.contains(&s))
    };
    let undecided: Vec<bool> = app
        .datastores
        .iter()
        .map(|&d| {
            let store = estate.datastore(d);
            store.method.is_none() && store.kind() == DataStoreKind::Database && !block_replicated(store)
        })
        .collect();
    let moves = |open_databases: StoreMove| -> Vec<StoreMove> {
        app.datastores
            .iter()
            .zip(&undecided)
            .map(|(&d, &open)| {
                let store = estate.datastore(d);
                if block_replicated(store) {
                    StoreMove::WithServer
                } else if open {
                    open_databases
                } else if store.method() == MigrationMethod::OnlineReplication {
                    StoreMove::Online
                } else {
                    StoreMove::Offline
                }
            })
            .collect()
    };
    let online = estimate_with(estate, app_id, config, &moves(StoreMove::Online));
    let window = app.maintenance_window.as_ref();
    let (mut estimate, offline_chosen) = if undecided.iter().any(|&u| u) {
        let offline = estimate_with(estate, app_id, config, &moves(StoreMove::Offline));
        match window {
            Some(w) if config.prefer_offline_dump && offline.minutes <= w.minutes => (offline, Some(true)),
            _ => (online, Some(false)),
        }
    } else {
        (online, None)
    };

    // Say, for each database, how it moves and what the other way would cost.
    for ((&d, &open), &how) in app.datastores.iter().zip(&undecided).zip(&moves(StoreMove::Online)) {
        let store = estate.datastore(d);
        if store.kind() != DataStoreKind::Database || how == StoreMove::WithServer {
            continue;
        }
        let (offline_minutes, online_minutes) = database_costs(config, store);
        let method = match (open, offline_chosen, how) {
            (true, Some(true), _) | (false, _, StoreMove::Offline) => MigrationMethod::OfflineCopy,
            _ => MigrationMethod::OnlineReplication,
        };
        let costs = format!(
            "dump and restore {} min, online catch-up and promotion {} min",
            round1(offline_minutes),
            round1(online_minutes)
        );
        let reason = match (open, method, window) {
            (false, MigrationMethod::OfflineCopy, _) => {
                format!("offline dump and restore, as the inventory says ({costs})")
            }
            (false, _, _) => format!("online replication with change capture, as the inventory says ({costs})"),
            (true, MigrationMethod::OfflineCopy, Some(w)) => format!(
                "offline dump and restore: the whole cutover ({} min) fits the {}-min window, so no change-capture replication has to run for weeks ({costs})",
                estimate.minutes, w.minutes
            ),
            (true, _, Some(w)) if config.prefer_offline_dump => format!(
                "online replication with change capture: with a dump and restore the cutover would not fit the {}-min window ({costs})",
                w.minutes
            ),
            (true, _, _) => format!("online replication with change capture, the shorter cutover ({costs})"),
        };
        estimate.databases.push(DatabaseMove {
            name: store.name.clone(),
            method,
            offline_minutes,
            online_minutes,
            reason,
        });
    }

    if let Some(w) = window
        && estimate.minutes > w.minutes
    {
        let chosen = moves(if offline_chosen == Some(true) { StoreMove::Offline } else { StoreMove::Online });
        estimate.suggestions = suggestions(estate, app_id, config, &estimate, &chosen, w.minutes);
    }
    estimate
}

/// What would bring an over-long cutover into its window: replicate the
/// offline copies, or seed them with an offline transfer device.
fn suggestions(
    estate: &Estate,
    app_id: AppId,
    config: &DowntimeConfig,
    estimate: &DowntimeEstimate,
    moves: &[StoreMove],
    window: u32,
) -> Vec<String> {
    let app = estate.application(app_id);
    let mut out = Vec::new();
    for (&d, &how) in app.datastores.iter().zip(moves) {
        let store = estate.datastore(d);
        if how != StoreMove::Offline {
            continue;
        }
        let size = store.size_gb.unwrap_or(0.0);
        let change = store.change_gb_per_day.unwrap_or(0.0);
        let sync = transfer(config, catch_up_gb(config, change), "");
        let devices = (size / (config.offline_device_tb * 1000.0)).ceil().max(1.0);
        out.push(format!(
            "'{}' ({} GB) is copied while the application is down: replicate it online ahead of the cutover instead (final sync {} GB/day × {} min ÷ 1,440 = {} GB, {} min), \
             or seed it with {} offline transfer device{} (AWS Snowball Edge, Azure Data Box; {} TB each, about {} days ahead) and sync the changes since",
            store.name,
            round2(size),
            round2(change),
            round1(config.replication_lag_minutes),
            round2(catch_up_gb(config, change)),
            round2(sync.minutes),
            devices,
            if devices == 1.0 { "" } else { "s" },
            round1(config.offline_device_tb),
            round1(config.offline_device_days),
        ));
    }
    if out.is_empty() {
        let longest = estimate.steps.iter().max_by(|a, b| a.minutes.total_cmp(&b.minutes));
        if let Some(step) = longest {
            out.push(format!(
                "the cutover needs {} min against a {window}-min window; its longest step is '{}' ({} min): a longer window, or splitting the application's cutover, is needed",
                estimate.minutes,
                step.step,
                round1(step.minutes)
            ));
        }
    }
    out
}

/// The estimate with each data store moving as `moves` says.
fn estimate_with(estate: &Estate, app_id: AppId, config: &DowntimeConfig, moves: &[StoreMove]) -> DowntimeEstimate {
    let app = estate.application(app_id);
    let strategy = app.strategy();
    let servers: Vec<_> = app.servers.iter().map(|&s| estate.server(s)).filter(|s| !s.is_device()).collect();
    let mut steps = Vec::new();
    let mut offline_gb = 0.0;
    let mut replicated_gb = 0.0;
    let mut replicated_change = 0.0;

    // Data stores: how much changes daily on each, and what must be copied
    // whole while the application is down.
    let mut offline_databases = Vec::new();
    let mut offline_copies = 0.0;
    let mut replicated_databases = false;
    for (&store_id, &how) in app.datastores.iter().zip(moves) {
        let store = estate.datastore(store_id);
        let size = store.size_gb.unwrap_or(0.0);
        match how {
            // A rehost replicates the whole server, data store included: its
            // changes are part of the server's delta.
            StoreMove::WithServer => {}
            StoreMove::Online => {
                replicated_gb += size;
                replicated_change += store.change_gb_per_day.unwrap_or(0.0);
                replicated_databases |= store.kind() == DataStoreKind::Database;
            }
            StoreMove::Offline if store.kind() == DataStoreKind::Database => offline_databases.push((store, size)),
            StoreMove::Offline => offline_copies += size,
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

    let (model, method) = match strategy {
        Strategy::Rehost => {
            ("rehost-replication", "replication-based rehost: final delta sync, boot, network switch, smoke test")
        }
        Strategy::Replatform => {
            ("replatform", "replatform: data moved to the new platform, configuration switch, smoke test")
        }
        Strategy::Refactor => {
            ("refactor-blue-green", "refactor: blue/green deployment, data kept in sync, traffic switched")
        }
        Strategy::Repurchase => {
            ("repurchase-data-migration", "repurchase: data migrated into the new product, then switched on")
        }
        Strategy::Relocate => ("relocate-live", "relocate: live migration of the running servers, network switch"),
        Strategy::Retire => ("retire", "none: the application is decommissioned, not moved"),
        Strategy::Retain => ("retain", "none: the application stays on premises"),
    };

    match strategy {
        Strategy::Retire | Strategy::Retain => {}
        Strategy::Relocate => {
            // Disks are replicated ahead (replication-assisted live migration);
            // only the network moves at the switch.
            replicated_gb += servers.iter().map(|s| s.storage_gb()).sum::<f64>();
            replicated_change += server_change;
            steps.push(fixed("network switch", config.relocate_switch_minutes, "live relocation"));
        }
        _ => {
            let sync = if strategy == Strategy::Rehost {
                replicated_gb += servers.iter().map(|s| s.storage_gb()).sum::<f64>();
                replicated_change += server_change;
                (!servers.is_empty()).then_some("final delta sync")
            } else {
                (replicated_change > 0.0).then_some("final replication catch-up")
            };
            if let Some(what) = sync {
                steps.push(delta_sync(config, replicated_change, what));
            }
            if replicated_databases {
                steps.push(fixed(
                    "promote database replicas",
                    config.replica_promotion_minutes,
                    "change data capture cutover",
                ));
            }
            for (store, size) in offline_databases {
                offline_gb += size;
                steps.extend(dump_copy_restore(config, &store.name, size));
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
                    "traffic moved to the new deployment at the load balancer or DNS",
                )),
                Strategy::Repurchase => steps.push(fixed(
                    "switch on the new product",
                    config.repurchase_switch_minutes,
                    "go-live of the purchased product",
                )),
                _ => {}
            }
            // Blue/green moves traffic in its own switch; everything else changes DNS and addresses.
            if strategy != Strategy::Refactor {
                steps.push(fixed("DNS/IP switch", config.network_switch_minutes, "DNS, IP and load balancer changes"));
            }
            steps.push(fixed("smoke test", config.smoke_test_minutes, "application team checks"));
        }
    }
    let total: f64 = steps.iter().map(|s| s.minutes).sum();
    let minutes = if total.is_finite() { total.ceil().min(f64::from(u32::MAX)) as u32 } else { u32::MAX };
    DowntimeEstimate {
        method: method.to_string(),
        minutes,
        steps,
        offline_gb,
        model: model.to_string(),
        replicated_gb,
        replicated_change_gb_per_day: replicated_change,
        databases: Vec::new(),
        suggestions: Vec::new(),
    }
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

    fn window(text: &str) -> Option<crate::model::MaintenanceWindow> {
        Some(crate::model::MaintenanceWindow::parse(text).unwrap())
    }

    /// One application on one 100 GB server with one data store of 300 GB
    /// changing 24 GB a day, on no server of the application.
    fn one_store(
        strategy: Strategy,
        kind: DataStoreKind,
        method: Option<MigrationMethod>,
        window_text: &str,
    ) -> Estate {
        Estate {
            servers: vec![Server { name: "app01".into(), disk_used_gb: Some(100.0), ..Server::default() }],
            datastores: vec![DataStore {
                name: "labdb".into(),
                kind: Some(kind),
                size_gb: Some(300.0),
                change_gb_per_day: Some(24.0),
                method,
                ..DataStore::default()
            }],
            applications: vec![Application {
                name: "lab".into(),
                strategy: Some(strategy),
                servers: vec![ServerId(0)],
                datastores: vec![DataStoreId(0)],
                maintenance_window: window(window_text),
                ..Application::default()
            }],
            ..Estate::default()
        }
    }

    #[test]
    fn an_open_database_takes_dump_and_restore_only_when_the_cutover_still_fits() {
        // Offline: dump 300/300 h = 60; copy 300 × 8000 / 700 / 60 = 57.14; restore 300/150 h = 120;
        // platform 60, DNS 15, smoke 30: 342.14 → 343 min.
        // Online: catch-up 24 × 15 / 1440 = 0.25 GB → 0.05 min; promote 10; 60 + 15 + 30: 115.05 → 116 min.
        let six_hours = one_store(Strategy::Replatform, DataStoreKind::Database, None, "Sun 00:00-06:00");
        let estimate = estimate_downtime(&six_hours, AppId(0), &DowntimeConfig::default());
        assert_eq!(estimate.minutes, 343);
        assert_eq!(estimate.databases[0].method, MigrationMethod::OfflineCopy);
        assert!(
            estimate.databases[0].reason.contains("the whole cutover (343 min) fits the 360-min window"),
            "{}",
            estimate.databases[0].reason
        );
        assert!((estimate.databases[0].offline_minutes - (60.0 + 300.0 * 8000.0 / 700.0 / 60.0 + 120.0)).abs() < 1e-9);
        assert!((estimate.databases[0].online_minutes - (0.25 * 8000.0 / 700.0 / 60.0 + 10.0)).abs() < 1e-9);
        assert_eq!(estimate.offline_gb, 300.0);
        assert_eq!(estimate.replicated_gb, 0.0);

        let four_hours = one_store(Strategy::Replatform, DataStoreKind::Database, None, "Sun 01:00-05:00");
        let estimate = estimate_downtime(&four_hours, AppId(0), &DowntimeConfig::default());
        assert_eq!(estimate.minutes, 116);
        assert_eq!(estimate.databases[0].method, MigrationMethod::OnlineReplication);
        assert!(estimate.databases[0].reason.contains("would not fit the 240-min window"));
        let names: Vec<&str> = estimate.steps.iter().map(|s| s.step.as_str()).collect();
        assert_eq!(
            names,
            [
                "final replication catch-up",
                "promote database replicas",
                "platform switch",
                "DNS/IP switch",
                "smoke test"
            ]
        );
        assert!(
            estimate.steps[0]
                .arithmetic
                .starts_with("24 GB changed per day × 15 min since the last sync ÷ 1,440 = 0.25 GB")
        );
        assert_eq!((estimate.replicated_gb, estimate.replicated_change_gb_per_day), (300.0, 24.0));

        // Told to prefer replication, the same window gets the online move.
        let config = DowntimeConfig { prefer_offline_dump: false, ..DowntimeConfig::default() };
        assert_eq!(estimate_downtime(&six_hours, AppId(0), &config).minutes, 116);
    }

    #[test]
    fn an_offline_copy_too_long_for_its_window_suggests_replication_or_a_transfer_device() {
        let mut e = one_store(Strategy::Rehost, DataStoreKind::FileShare, None, "Sat-Sun 00:00-05:00");
        e.datastores[0].size_gb = Some(9500.0);
        e.datastores[0].change_gb_per_day = Some(95.0);
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        // 9,500 GB × 8,000 ÷ 700 ÷ 60 = 1,809.5 min of copy.
        let copy = estimate.steps.iter().find(|s| s.step.starts_with("offline copy")).unwrap();
        assert!((copy.minutes - 9500.0 * 8000.0 / 700.0 / 60.0).abs() < 1e-9);
        assert!(estimate.minutes > 300);
        assert_eq!(estimate.suggestions.len(), 1);
        let text = &estimate.suggestions[0];
        assert!(text.contains("final sync 95 GB/day × 15 min ÷ 1,440 = 0.99 GB"), "{text}");
        assert!(text.contains("1 offline transfer device (AWS Snowball Edge, Azure Data Box; 80 TB each"), "{text}");

        e.datastores[0].size_gb = Some(100_000.0);
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        assert!(estimate.suggestions[0].contains("2 offline transfer devices"), "{}", estimate.suggestions[0]);
        // The server is replicated ahead: 100 GB, 2% a day.
        assert_eq!((estimate.replicated_gb, estimate.replicated_change_gb_per_day), (100.0, 2.0));
    }

    #[test]
    fn blue_green_switches_traffic_once_and_each_strategy_has_its_model() {
        let e = one_store(
            Strategy::Refactor,
            DataStoreKind::Database,
            Some(MigrationMethod::OnlineReplication),
            "Sun 01:00-05:00",
        );
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        let names: Vec<&str> = estimate.steps.iter().map(|s| s.step.as_str()).collect();
        assert_eq!(
            names,
            ["final replication catch-up", "promote database replicas", "blue/green switch", "smoke test"]
        );
        assert_eq!(estimate.minutes, 56); // 0.05 + 10 + 15 + 30, rounded up
        assert_eq!(estimate.model, "refactor-blue-green");
        assert!(estimate.databases[0].reason.contains("as the inventory says"));

        let e = one_store(
            Strategy::Repurchase,
            DataStoreKind::Database,
            Some(MigrationMethod::OfflineCopy),
            "Sat-Sun 20:00-06:00",
        );
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        // dump 60 + copy 57.14 + restore 120 + switch on 120 + DNS 15 + smoke 30 = 402.14 → 403.
        assert_eq!((estimate.model.as_str(), estimate.minutes), ("repurchase-data-migration", 403));
        for (strategy, model) in
            [(Strategy::Retire, "retire"), (Strategy::Retain, "retain"), (Strategy::Relocate, "relocate-live")]
        {
            let e = one_store(strategy, DataStoreKind::Database, None, "Sun 01:00-05:00");
            assert_eq!(estimate_downtime(&e, AppId(0), &DowntimeConfig::default()).model, model);
        }
    }

    #[test]
    fn a_rehost_replicates_its_servers_ahead() {
        let e = estate(Strategy::Rehost, MigrationMethod::OnlineReplication, DataStoreKind::Database);
        let estimate = estimate_downtime(&e, AppId(0), &DowntimeConfig::default());
        // Both disks (100 + 600 GB), their change 2 + 48 GB a day; the database moves with db01.
        assert_eq!((estimate.replicated_gb, estimate.replicated_change_gb_per_day), (700.0, 50.0));
        assert!(estimate.databases.is_empty());
    }

    #[test]
    fn constants_that_cannot_be_right_are_named() {
        let config = DowntimeConfig {
            link_efficiency: 1.5,
            cutover_tracks: 0,
            default_maintenance_window: "Funday".into(),
            ..DowntimeConfig::default()
        };
        let problems = config.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("downtime.link_efficiency"));
        assert!(DowntimeConfig::default().problems().is_empty());
        assert!((DowntimeConfig::default().link_gb_per_day() - 7560.0).abs() < 1e-9);
    }
}
