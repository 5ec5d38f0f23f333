//! Synthetic estates: a realistic inventory for demonstrations, tests and
//! benchmarks (`waveplan generate`).
//!
//! [`generate_estate`] shapes the estate the way a hospital's or a large
//! enterprise's inventory looks: long-tailed application sizes with web, app
//! and database tiers; test and development copies of production
//! applications; shared infrastructure (directory, DNS, NTP, monitoring,
//! backup, ...) that nearly every server uses; databases, a few of them shared
//! between applications; medical devices; and dependencies whose degrees and
//! weights are long-tailed.
//!
//! Cross-application dependencies point from a higher to a lower rank in a
//! random order of the applications, so the application graph is acyclic
//! except for a few planted two- and three-application cycles between
//! neighbours in that order: move groups stay small. Constraints follow the
//! same order, so they can all be kept.
//!
//! Pure and deterministic: no IO, no clock, no hash-map iteration. The same
//! config gives the same estate on every run and platform: randomness comes
//! from ChaCha8 seeded by the config, and floating-point work is limited to
//! correctly rounded operations (`+ - * /`, `sqrt`, `round`), never `ln` or
//! `powf`, whose last bits differ between maths libraries.

use std::collections::HashSet;

use chrono::{Days, NaiveDate, NaiveTime, Weekday};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{
    AppId, AppRole, Application, Constraint, DataStore, DataStoreId, DataStoreKind, Dependency, DependencyKind,
    DrPosture, Endpoint, Environment, Estate, ExternalEndpoint, ExternalId, MaintenanceWindow, MigrationMethod,
    OsFamily, PowerState, Protocol, Server, ServerId, ServerKind, Strategy, Tags, Tier,
};

/// What to generate: how many records of each kind, and the seed that makes
/// the estate reproducible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateConfig {
    /// Servers, devices included (about 2% of them are devices).
    pub servers: usize,
    /// Applications, shared infrastructure and test or development copies included.
    pub applications: usize,
    /// Dependencies; fewer only when the estate is too small to hold that many
    /// distinct ones.
    pub dependencies: usize,
    /// The seed: the same config always gives the same estate.
    pub seed: u64,
}

impl GenerateConfig {
    /// Dependencies per server when the caller does not choose a number.
    pub const DEPENDENCIES_PER_SERVER: usize = 20;

    /// A config with [`GenerateConfig::DEPENDENCIES_PER_SERVER`] dependencies per server.
    pub fn with_default_dependencies(servers: usize, applications: usize, seed: u64) -> GenerateConfig {
        GenerateConfig {
            servers,
            applications,
            dependencies: servers.saturating_mul(GenerateConfig::DEPENDENCIES_PER_SERVER),
            seed,
        }
    }
}

impl Default for GenerateConfig {
    /// 500 servers, 100 applications, 10,000 dependencies, seed 1.
    fn default() -> GenerateConfig {
        GenerateConfig::with_default_dependencies(500, 100, 1)
    }
}

/// Generates a synthetic estate of the size `config` asks for.
///
/// The estate has exactly `config.servers` servers (about 2% of them devices)
/// and `config.applications` applications; it has `config.dependencies`
/// dependencies unless the estate is too small to hold that many distinct
/// ones. Dependencies are unique by (from, to, port, protocol) and never
/// point at their own source.
pub fn generate_estate(config: &GenerateConfig) -> Estate {
    // Ids are u32; keep well inside that whatever the caller asks for.
    let ceiling = (u32::MAX / 4) as usize;
    let server_total = config.servers.min(ceiling);
    let application_total = config.applications.min(ceiling);
    let dependency_total = config.dependencies.min(ceiling);

    let device_count = server_total / 50;
    let machine_count = server_total - device_count;
    let infrastructure_count = (application_total / 8).min(INFRASTRUCTURE_SERVICES.len());
    let business_count = application_total - infrastructure_count;
    let copy_count = business_count / 5;
    let production_count = business_count - copy_count;

    let mut draft = Draft::new(config.seed, machine_count, device_count);
    draft.plan_applications(infrastructure_count, production_count, copy_count);
    draft.size_applications();
    draft.rank_applications(business_count);
    draft.create_machines();
    draft.create_datastores();
    draft.create_devices();
    draft.create_externals(application_total, business_count);
    let tables = draft.sampling_tables();
    let dependencies = draft.create_dependencies(&tables, dependency_total);
    let constraints = draft.create_constraints(&dependencies);
    Estate {
        servers: draft.servers,
        applications: draft.applications,
        datastores: draft.datastores,
        externals: draft.externals,
        dependencies,
        constraints,
        excluded: Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// Vocabulary of the generated estate.

/// A shared infrastructure service and the ports its clients reach it on.
struct InfrastructureService {
    name: &'static str,
    host_prefix: &'static str,
    /// Position in the order services depend on each other: a service only
    /// depends on services of lower depth, so infrastructure stays acyclic.
    depth: u32,
    /// How much of the infrastructure traffic goes to this service.
    weight: f64,
    /// Servers per "unit" of estate size (domain controllers come in pairs of pairs).
    server_factor: usize,
    ports: &'static [(u16, Protocol)],
    latency_chance: f64,
    os_family: OsFamily,
}

/// In the order they are added as the estate grows: a small estate has a
/// directory and DNS before it has a patching service.
static INFRASTRUCTURE_SERVICES: [InfrastructureService; 8] = [
    InfrastructureService {
        name: "directory",
        host_prefix: "dc",
        depth: 2,
        weight: 3.0,
        server_factor: 2,
        ports: &[
            (389, Protocol::Tcp),
            (88, Protocol::Tcp),
            (88, Protocol::Udp),
            (636, Protocol::Tcp),
            (3268, Protocol::Tcp),
            (445, Protocol::Tcp),
            (464, Protocol::Tcp),
            (135, Protocol::Tcp),
        ],
        latency_chance: 0.05,
        os_family: OsFamily::Windows,
    },
    InfrastructureService {
        name: "dns",
        host_prefix: "ns",
        depth: 1,
        weight: 2.0,
        server_factor: 1,
        ports: &[(53, Protocol::Udp), (53, Protocol::Tcp)],
        latency_chance: 0.02,
        os_family: OsFamily::Windows,
    },
    InfrastructureService {
        name: "ntp",
        host_prefix: "ntp",
        depth: 0,
        weight: 1.0,
        server_factor: 1,
        ports: &[(123, Protocol::Udp)],
        latency_chance: 0.0,
        os_family: OsFamily::Linux,
    },
    InfrastructureService {
        name: "monitoring",
        host_prefix: "mon",
        depth: 5,
        weight: 1.5,
        server_factor: 1,
        ports: &[(10051, Protocol::Tcp), (5667, Protocol::Tcp), (443, Protocol::Tcp)],
        latency_chance: 0.0,
        os_family: OsFamily::Linux,
    },
    InfrastructureService {
        name: "backup",
        host_prefix: "bkp",
        depth: 6,
        weight: 1.5,
        server_factor: 1,
        ports: &[(8400, Protocol::Tcp), (8403, Protocol::Tcp), (1556, Protocol::Tcp)],
        latency_chance: 0.0,
        os_family: OsFamily::Windows,
    },
    InfrastructureService {
        name: "logging",
        host_prefix: "log",
        depth: 4,
        weight: 1.0,
        server_factor: 1,
        ports: &[(514, Protocol::Udp), (6514, Protocol::Tcp)],
        latency_chance: 0.0,
        os_family: OsFamily::Linux,
    },
    InfrastructureService {
        name: "pki",
        host_prefix: "ca",
        depth: 3,
        weight: 0.5,
        server_factor: 1,
        ports: &[(80, Protocol::Tcp), (443, Protocol::Tcp)],
        latency_chance: 0.0,
        os_family: OsFamily::Windows,
    },
    InfrastructureService {
        name: "patching",
        host_prefix: "wsus",
        depth: 7,
        weight: 0.8,
        server_factor: 1,
        ports: &[(8530, Protocol::Tcp), (8531, Protocol::Tcp)],
        latency_chance: 0.0,
        os_family: OsFamily::Windows,
    },
];

/// A database engine, the port it listens on and the operating system it runs on.
struct DatabaseEngine {
    name: &'static str,
    port: u16,
    os_family: OsFamily,
    weight: f64,
}

static DATABASE_ENGINES: [DatabaseEngine; 7] = [
    DatabaseEngine { name: "SQL Server 2019", port: 1433, os_family: OsFamily::Windows, weight: 0.25 },
    DatabaseEngine { name: "SQL Server 2016", port: 1433, os_family: OsFamily::Windows, weight: 0.15 },
    DatabaseEngine { name: "SQL Server 2022", port: 1433, os_family: OsFamily::Windows, weight: 0.15 },
    DatabaseEngine { name: "Oracle 19c", port: 1521, os_family: OsFamily::Linux, weight: 0.20 },
    DatabaseEngine { name: "PostgreSQL 14", port: 5432, os_family: OsFamily::Linux, weight: 0.10 },
    DatabaseEngine { name: "PostgreSQL 16", port: 5432, os_family: OsFamily::Linux, weight: 0.05 },
    DatabaseEngine { name: "MySQL 8.0", port: 3306, os_family: OsFamily::Linux, weight: 0.10 },
];

static WINDOWS_RELEASES: [(&str, &str); 4] = [
    ("Windows Server 2019 Datacenter", "10.0.17763"),
    ("Windows Server 2016 Standard", "10.0.14393"),
    ("Windows Server 2022 Datacenter", "10.0.20348"),
    ("Windows Server 2012 R2 Standard", "6.3.9600"),
];
static LINUX_RELEASES: [(&str, &str); 4] = [
    ("Red Hat Enterprise Linux 8", "8.9"),
    ("Red Hat Enterprise Linux 7", "7.9"),
    ("Ubuntu 22.04 LTS", "22.04"),
    ("SUSE Linux Enterprise Server 15", "15.5"),
];
static UNIX_RELEASES: [(&str, &str); 2] = [("AIX 7.2", "7.2"), ("Solaris 11", "11.4")];

/// A kind of medical or IoT device.
struct DeviceClass {
    class: &'static str,
    name_prefix: &'static str,
    weight: f64,
    ports: &'static [u16],
    os_family: OsFamily,
    os_name: &'static str,
    models: &'static [(&'static str, &'static str)],
}

static DEVICE_CLASSES: [DeviceClass; 5] = [
    DeviceClass {
        class: "infusion pump",
        name_prefix: "pump",
        weight: 0.35,
        ports: &[443, 8443],
        os_family: OsFamily::Other,
        os_name: "embedded",
        models: &[("BD", "Alaris 8015"), ("Baxter", "Sigma Spectrum"), ("B. Braun", "Space")],
    },
    DeviceClass {
        class: "patient monitor",
        name_prefix: "monitor",
        weight: 0.25,
        ports: &[2575, 7000],
        os_family: OsFamily::Other,
        os_name: "embedded",
        models: &[("Philips", "IntelliVue MX450"), ("GE Healthcare", "CARESCAPE B450"), ("Mindray", "BeneVision N12")],
    },
    DeviceClass {
        class: "imaging modality",
        name_prefix: "modality",
        weight: 0.12,
        ports: &[104, 11112],
        os_family: OsFamily::Windows,
        os_name: "Windows 10 IoT Enterprise",
        models: &[
            ("Siemens Healthineers", "SOMATOM go.Up"),
            ("GE Healthcare", "Revolution CT"),
            ("Philips", "Ingenia 1.5T"),
        ],
    },
    DeviceClass {
        class: "lab analyzer",
        name_prefix: "analyzer",
        weight: 0.10,
        ports: &[2575, 5000],
        os_family: OsFamily::Windows,
        os_name: "Windows 10 IoT Enterprise",
        models: &[("Roche", "cobas 6000"), ("Abbott", "Alinity ci"), ("Sysmex", "XN-1000")],
    },
    DeviceClass {
        class: "gateway",
        name_prefix: "gateway",
        weight: 0.18,
        ports: &[443, 2575, 8883],
        os_family: OsFamily::Linux,
        os_name: "embedded Linux",
        models: &[("Philips", "PIC iX Gateway"), ("Capsule", "Neuron 3"), ("Cisco", "IR1101")],
    },
];

static TEAMS: [(&str, &str); 12] = [
    ("clinical-systems", "Clinical"),
    ("revenue-cycle", "Finance"),
    ("imaging", "Radiology"),
    ("laboratory-systems", "Laboratory"),
    ("pharmacy-systems", "Pharmacy"),
    ("patient-access", "Patient Access"),
    ("finance-applications", "Finance"),
    ("hr-systems", "Human Resources"),
    ("integration", "IT"),
    ("data-platform", "IT"),
    ("research-computing", "Research"),
    ("supply-chain", "Supply Chain"),
];

static DATACENTERS: [(&str, &str); 2] = [("main-campus", "dc-east"), ("north-campus", "dc-west")];
static DOMAIN: &str = "estate.example";

static DATABASE_PURPOSES: [&str; 10] =
    ["main", "orders", "patients", "billing", "audit", "reporting", "archive", "staging", "config", "events"];
static SHARE_PURPOSES: [&str; 6] = ["scans", "documents", "exports", "images", "reports", "interfaces"];
static EXTERNAL_NAMES: [&str; 8] = [
    "api.clearinghouse.example.com",
    "hie.region.example.org",
    "smtp.relay.example.net",
    "sso.identity.example.com",
    "eprescribe.example.com",
    "payments.gateway.example.com",
    "labs.reference.example.com",
    "registry.lookup.example.gov",
];

static WEB_TO_APP_PORTS: [u16; 5] = [8080, 8443, 443, 8009, 9443];
static APP_TO_APP_PORTS: [u16; 7] = [8080, 8443, 5672, 6379, 9092, 7001, 61616];
static SERVICE_PORTS: [u16; 8] = [8443, 443, 8080, 2575, 5672, 1414, 9443, 7001];
static WEB_PORTS: [u16; 2] = [443, 80];
static EXTERNAL_PORTS: [u16; 6] = [443, 443, 25, 587, 22, 8443];

/// Weekly windows: days, start hour and minute, length in minutes.
static MAINTENANCE_WINDOWS: [(&[Weekday], u32, u32, u32); 6] = [
    (&[Weekday::Sun], 1, 0, 240),
    (&[Weekday::Sat, Weekday::Sun], 22, 0, 480),
    (&[Weekday::Mon, Weekday::Wed], 20, 0, 180),
    (&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun], 2, 0, 120),
    (&[Weekday::Sat], 23, 0, 360),
    (&[Weekday::Tue, Weekday::Thu], 21, 30, 150),
];

static KEEP_APART_REASONS: [&str; 3] =
    ["two high-risk cutovers must not share a weekend", "same on-call team", "shared vendor support window"];
static BEFORE_REASONS: [&str; 3] =
    ["vendor upgrade sequence", "data feed must be in the cloud first", "integration testing order"];
static PIN_REASONS: [&str; 3] = ["pilot application", "contract renewal date", "hardware end of support"];
static NOT_BEFORE_REASONS: [&str; 3] = ["clinical go-live freeze", "regulatory audit", "annual budget cycle"];

// ---------------------------------------------------------------------------
// Sampling helpers. Only integer sampling and correctly rounded float
// operations, so every platform draws the same values.

/// A uniform index below `n` (0 when `n` is 0).
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    if n == 0 { 0 } else { rng.random_range(0..n as u64) as usize }
}

/// A uniform number in [0, 1).
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

fn chance(rng: &mut ChaCha8Rng, probability: f64) -> bool {
    unit(rng) < probability
}

/// An index below `n` biased towards 0 (density falling like 1/sqrt): the
/// first servers of a pool take most of the traffic.
fn skewed(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let u = unit(rng);
    ((u * u * n as f64) as usize).min(n.saturating_sub(1))
}

fn pick<T: Copy, const N: usize>(rng: &mut ChaCha8Rng, items: &[T; N]) -> T {
    items[below(rng, N).min(N - 1)]
}

fn pick_slice<T: Copy>(rng: &mut ChaCha8Rng, items: &[T], fallback: T) -> T {
    items.get(below(rng, items.len())).copied().unwrap_or(fallback)
}

/// One value of a table of (weight, value), by weight.
fn weighted<T: Copy, const N: usize>(rng: &mut ChaCha8Rng, table: &[(f64, T); N]) -> T {
    let total: f64 = table.iter().map(|(weight, _)| weight).sum();
    let mut target = unit(rng) * total;
    let mut chosen = table[0].1;
    for &(weight, value) in table {
        chosen = value;
        if target < weight {
            break;
        }
        target -= weight;
    }
    chosen
}

/// An index of `weights`, in proportion to its weight.
fn weighted_index(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut target = unit(rng) * total;
    for (index, &weight) in weights.iter().enumerate() {
        if target < weight {
            return index;
        }
        target -= weight;
    }
    weights.len().saturating_sub(1)
}

/// Pareto with shape 1 (Zipf-like): `minimum / u`, capped. Median twice the minimum.
fn long_tail(rng: &mut ChaCha8Rng, minimum: f64, cap: f64) -> f64 {
    let u = 1.0 - unit(rng);
    (minimum / u).min(cap)
}

/// Pareto with shape 2: `minimum / sqrt(u)`, capped; a milder tail.
fn mild_tail(rng: &mut ChaCha8Rng, minimum: f64, cap: f64) -> f64 {
    let u = 1.0 - unit(rng);
    (minimum / u.sqrt()).min(cap)
}

/// Rounds to `1 / scale` (10 → one decimal) by dividing an integer, so the
/// result is the nearest double to a short decimal and prints short.
fn round_to(value: f64, scale: f64) -> f64 {
    (value * scale).round() / scale
}

/// Rounds to a whole number of tens.
fn round_to_tens(value: f64) -> f64 {
    (value / 10.0).round() * 10.0
}

/// Prefix sums of weights, for drawing an index in proportion to its weight.
struct CumulativeWeights {
    /// `prefix[i]` is the sum of the first `i` weights; `prefix[0]` is 0.
    prefix: Vec<f64>,
}

impl CumulativeWeights {
    fn new(weights: impl Iterator<Item = f64>) -> CumulativeWeights {
        let mut prefix = vec![0.0];
        let mut total = 0.0;
        for weight in weights {
            total += if weight.is_finite() && weight > 0.0 { weight } else { 0.0 };
            prefix.push(total);
        }
        CumulativeWeights { prefix }
    }

    /// An index below `k`, in proportion to the weights; `None` when they are all zero.
    fn sample_first(&self, rng: &mut ChaCha8Rng, k: usize) -> Option<usize> {
        let k = k.min(self.prefix.len() - 1);
        let total = self.prefix[k];
        if total <= 0.0 {
            return None;
        }
        let target = unit(rng) * total;
        let index = self.prefix[1..=k].partition_point(|&p| p <= target);
        (index < k && self.prefix[index + 1] > self.prefix[index]).then_some(index)
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> Option<usize> {
        self.sample_first(rng, self.prefix.len() - 1)
    }
}

/// A run of consecutive server or data store ids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    fn is_empty(self) -> bool {
        self.end <= self.start
    }

    fn at(self, offset: usize) -> u32 {
        self.start + offset as u32
    }

    fn contains(self, id: u32) -> bool {
        (self.start..self.end).contains(&id)
    }
}

// ---------------------------------------------------------------------------
// The draft estate and the stages that fill it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AppClass {
    /// Shared infrastructure: an index into [`INFRASTRUCTURE_SERVICES`].
    Infrastructure(usize),
    Production,
    /// A test or development copy of the production application at this index.
    Copy(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MachineRole {
    Web,
    App,
    Database,
    Infrastructure(usize),
}

/// What the generator knows about an application beyond its record.
struct AppPlan {
    class: AppClass,
    /// Servers (devices excluded).
    size: usize,
    has_web_tier: bool,
    os_family: OsFamily,
    os_release: usize,
    engine: usize,
    datacenter: usize,
    /// Web, app and database servers: consecutive spans, in that order.
    web: Span,
    app: Span,
    database: Span,
    datastores: Span,
    shared_databases: Vec<u32>,
    /// Position in the dependency order: dependencies between applications
    /// point from a higher rank to a lower one (apart from planted cycles).
    rank: u32,
    copy: Option<usize>,
    in_cycle: bool,
}

impl AppPlan {
    /// Web and app servers: the ones that call others.
    fn front(&self) -> Span {
        Span { start: self.web.start, end: self.app.end }
    }

    /// Every server of the application, devices excluded.
    fn machines(&self) -> Span {
        Span { start: self.web.start, end: self.database.end }
    }

    fn is_infrastructure(&self) -> bool {
        matches!(self.class, AppClass::Infrastructure(_))
    }
}

const NO_APPLICATION: u32 = u32::MAX;

struct Draft {
    rng: ChaCha8Rng,
    machine_count: usize,
    device_count: usize,
    plans: Vec<AppPlan>,
    applications: Vec<Application>,
    servers: Vec<Server>,
    /// The application each server belongs to, or [`NO_APPLICATION`].
    server_application: Vec<u32>,
    /// Data store GB hosted on each server.
    hosted_gb: Vec<f64>,
    device_classes: Vec<usize>,
    datastores: Vec<DataStore>,
    datastore_application: Vec<u32>,
    datastore_port: Vec<u16>,
    externals: Vec<ExternalEndpoint>,
    /// Applications (by index) that devices belong to or talk to.
    clinical_applications: Vec<usize>,
    /// Application indices by rank.
    rank_order: Vec<usize>,
    cycle_groups: Vec<Vec<usize>>,
}

/// Draw tables for the dependency stage.
struct SamplingTables {
    /// Applications by how many internal pairs of servers they have.
    internal: CumulativeWeights,
    /// Applications by how much they call other applications.
    chattiness: CumulativeWeights,
    /// Applications in rank order by how much others call them.
    popularity_by_rank: CumulativeWeights,
    /// Infrastructure applications by their share of infrastructure traffic.
    infrastructure: CumulativeWeights,
    infrastructure_applications: Vec<usize>,
}

/// A dependency before its attributes are drawn.
struct Link {
    from: Endpoint,
    to: Endpoint,
    port: Option<u16>,
    protocol: Protocol,
    latency_chance: f64,
    declared: bool,
}

impl Draft {
    fn new(seed: u64, machine_count: usize, device_count: usize) -> Draft {
        Draft {
            rng: ChaCha8Rng::seed_from_u64(seed),
            machine_count,
            device_count,
            plans: Vec::new(),
            applications: Vec::new(),
            servers: Vec::with_capacity(machine_count + device_count),
            server_application: Vec::with_capacity(machine_count + device_count),
            hosted_gb: Vec::new(),
            device_classes: Vec::with_capacity(device_count),
            datastores: Vec::new(),
            datastore_application: Vec::new(),
            datastore_port: Vec::new(),
            externals: Vec::new(),
            clinical_applications: Vec::new(),
            rank_order: Vec::new(),
            cycle_groups: Vec::new(),
        }
    }

    /// Infrastructure first, then production applications, each followed by its copy.
    fn plan_applications(&mut self, infrastructure_count: usize, production_count: usize, copy_count: usize) {
        self.plans.reserve(infrastructure_count + production_count + copy_count);
        for (service_index, service) in INFRASTRUCTURE_SERVICES.iter().enumerate().take(infrastructure_count) {
            let application = infrastructure_application(&mut self.rng, service);
            self.push_application(AppClass::Infrastructure(service_index), application);
        }
        let mut with_copy = vec![false; production_count];
        let mut order: Vec<usize> = (0..production_count).collect();
        order.shuffle(&mut self.rng);
        for &index in order.iter().take(copy_count) {
            with_copy[index] = true;
        }
        for (number, has_copy) in with_copy.into_iter().enumerate() {
            let production = production_application(&mut self.rng, format!("app{:04}", number + 1));
            let copy = has_copy.then(|| copy_application(&mut self.rng, &production));
            let production_index = self.push_application(AppClass::Production, production);
            if let Some(copy) = copy {
                let copy_index = self.push_application(AppClass::Copy(production_index), copy);
                self.plans[production_index].copy = Some(copy_index);
            }
        }
    }

    fn push_application(&mut self, class: AppClass, application: Application) -> usize {
        let rng = &mut self.rng;
        let mut plan = AppPlan {
            class,
            size: 0,
            has_web_tier: chance(rng, 0.7),
            os_family: weighted(rng, &[(0.55, OsFamily::Windows), (0.42, OsFamily::Linux), (0.03, OsFamily::Unix)]),
            os_release: below(rng, 4),
            engine: weighted_index(rng, &DATABASE_ENGINES.each_ref().map(|e| e.weight)),
            datacenter: if chance(rng, 0.7) { 0 } else { 1 },
            web: Span::default(),
            app: Span::default(),
            database: Span::default(),
            datastores: Span::default(),
            shared_databases: Vec::new(),
            rank: 0,
            copy: None,
            in_cycle: false,
        };
        if let AppClass::Copy(production) = class {
            // A copy runs the same stack as what it copies.
            let original = &self.plans[production];
            plan.has_web_tier = original.has_web_tier;
            plan.os_family = original.os_family;
            plan.os_release = original.os_release;
            plan.engine = original.engine;
            plan.datacenter = original.datacenter;
        }
        self.plans.push(plan);
        self.applications.push(application);
        self.plans.len() - 1
    }

    /// Server counts: a handful per infrastructure service, long-tailed sizes
    /// for the rest, scaled so that they add up to the machines there are.
    fn size_applications(&mut self) {
        let per_service = (2 + self.machine_count / 20_000).min(6);
        let infrastructure: Vec<usize> = (0..self.plans.len()).filter(|&i| self.plans[i].is_infrastructure()).collect();
        let desired: Vec<usize> = infrastructure
            .iter()
            .map(|&i| match self.plans[i].class {
                AppClass::Infrastructure(service) => per_service * INFRASTRUCTURE_SERVICES[service].server_factor,
                _ => 0,
            })
            .collect();
        let budget = desired.iter().sum::<usize>().min(self.machine_count / 5);
        let mut given = vec![0; infrastructure.len()];
        let mut left = budget;
        while left > 0 {
            let mut progressed = false;
            for (count, &wanted) in given.iter_mut().zip(&desired) {
                if left > 0 && *count < wanted {
                    *count += 1;
                    left -= 1;
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        for (&index, &count) in infrastructure.iter().zip(&given) {
            self.plans[index].size = count;
        }

        let business: Vec<usize> = (0..self.plans.len()).filter(|&i| !self.plans[i].is_infrastructure()).collect();
        let mut sizes = Vec::with_capacity(business.len());
        for &index in &business {
            let size = match self.plans[index].class {
                AppClass::Copy(production) => 1 + below(&mut self.rng, self.plans[production].size.clamp(1, 3)),
                _ => draw_application_size(&mut self.rng),
            };
            // Raw sizes are kept on the plan so copies can follow their original.
            self.plans[index].size = size;
            sizes.push(size);
        }
        fit_sizes(&mut self.rng, &mut sizes, self.machine_count - (budget - left));
        for (&index, &size) in business.iter().zip(&sizes) {
            self.plans[index].size = size;
        }
    }

    /// Orders the applications: infrastructure lowest (by depth), the rest at
    /// random, planted cycles as neighbours, every copy below its original.
    fn rank_applications(&mut self, business_count: usize) {
        let mut eligible: Vec<usize> = (0..self.plans.len())
            .filter(|&i| {
                let plan = &self.plans[i];
                plan.class == AppClass::Production && plan.copy.is_none() && plan.size > 0
            })
            .collect();
        eligible.shuffle(&mut self.rng);
        let mut cycle_budget = business_count / 100;
        let mut next = 0;
        let mut three = true;
        while cycle_budget >= 2 {
            let size = if three && cycle_budget >= 3 { 3 } else { 2 };
            let Some(members) = eligible.get(next..next + size) else { break };
            for &member in members {
                self.plans[member].in_cycle = true;
            }
            self.cycle_groups.push(members.to_vec());
            next += size;
            cycle_budget -= size;
            three = !three;
        }

        let mut units: Vec<Vec<usize>> = self.cycle_groups.clone();
        units.extend(
            (0..self.plans.len())
                .filter(|&i| !self.plans[i].is_infrastructure() && !self.plans[i].in_cycle)
                .map(|i| vec![i]),
        );
        units.shuffle(&mut self.rng);
        let mut infrastructure: Vec<usize> =
            (0..self.plans.len()).filter(|&i| self.plans[i].is_infrastructure()).collect();
        infrastructure.sort_by_key(|&i| match self.plans[i].class {
            AppClass::Infrastructure(service) => INFRASTRUCTURE_SERVICES[service].depth,
            _ => u32::MAX,
        });
        let mut order = infrastructure;
        order.extend(units.into_iter().flatten());
        let mut position = vec![0usize; self.plans.len()];
        for (rank, &index) in order.iter().enumerate() {
            position[index] = rank;
        }
        // A copy moves before its original, so it must rank below it; both are
        // singletons (originals with copies are never in cycles), so swapping
        // keeps cycle groups together.
        for index in 0..self.plans.len() {
            if let AppClass::Copy(production) = self.plans[index].class
                && position[index] > position[production]
            {
                order.swap(position[index], position[production]);
                position.swap(index, production);
            }
        }
        for (rank, &index) in order.iter().enumerate() {
            self.plans[index].rank = rank as u32;
        }
        self.rank_order = order;
    }

    fn create_machines(&mut self) {
        for index in 0..self.plans.len() {
            let plan = &self.plans[index];
            let (web, app, database) = match plan.class {
                AppClass::Infrastructure(_) => (0, plan.size, 0),
                _ => split_roles(plan.size, plan.has_web_tier),
            };
            let start = self.servers.len() as u32;
            let web_span = Span { start, end: start + web as u32 };
            let app_span = Span { start: web_span.end, end: web_span.end + app as u32 };
            let database_span = Span { start: app_span.end, end: app_span.end + database as u32 };
            let plan = &mut self.plans[index];
            plan.web = web_span;
            plan.app = app_span;
            plan.database = database_span;
            let app_role = match plan.class {
                AppClass::Infrastructure(service) => MachineRole::Infrastructure(service),
                _ => MachineRole::App,
            };
            for (role, count) in [(MachineRole::Web, web), (app_role, app), (MachineRole::Database, database)] {
                for number in 1..=count {
                    let prefix = match role {
                        MachineRole::Web => "web",
                        MachineRole::App => "app",
                        MachineRole::Database => "db",
                        MachineRole::Infrastructure(service) => INFRASTRUCTURE_SERVICES[service].host_prefix,
                    };
                    let name = format!("{}-{prefix}{number:02}", self.applications[index].name);
                    let server = self.machine(Some(index), role, name);
                    self.servers.push(server);
                    self.server_application.push(index as u32);
                }
            }
            self.applications[index].servers = (start..database_span.end).map(ServerId).collect();
        }
        // Only when there are no business applications to hold them.
        while self.servers.len() < self.machine_count {
            let name = format!("srv{:05}", self.servers.len() + 1);
            let server = self.machine(None, MachineRole::App, name);
            self.servers.push(server);
            self.server_application.push(NO_APPLICATION);
        }
        self.hosted_gb = vec![0.0; self.servers.len()];
    }

    /// A server of the application at `index`, or a server in no application.
    fn machine(&mut self, index: Option<usize>, role: MachineRole, name: String) -> Server {
        let plan = index.map(|i| &self.plans[i]);
        let environment = index.map_or(Some(Environment::Production), |i| self.applications[i].environment);
        let (plan_family, plan_release, engine, datacenter) =
            plan.map_or((OsFamily::Linux, 0, 0, 0), |p| (p.os_family, p.os_release, p.engine, p.datacenter));
        let position = self.servers.len();
        let rng = &mut self.rng;
        let engine = &DATABASE_ENGINES[engine];
        let os_family = match role {
            MachineRole::Database if engine.os_family == OsFamily::Linux && plan_family == OsFamily::Unix => {
                OsFamily::Unix
            }
            MachineRole::Database => engine.os_family,
            MachineRole::Infrastructure(service) => INFRASTRUCTURE_SERVICES[service].os_family,
            _ => plan_family,
        };
        // Most servers of an application share a release; a few lag behind.
        let release = if chance(rng, 0.15) { below(rng, 4) } else { plan_release };
        let (os_name, os_version) = match os_family {
            OsFamily::Windows => WINDOWS_RELEASES[release % WINDOWS_RELEASES.len()],
            OsFamily::Unix => UNIX_RELEASES[release % UNIX_RELEASES.len()],
            _ => LINUX_RELEASES[release % LINUX_RELEASES.len()],
        };
        let cores: u32 = match role {
            MachineRole::Web => pick(rng, &[2, 2, 4, 4, 8]),
            MachineRole::App => pick(rng, &[2, 4, 4, 8, 8, 16]),
            MachineRole::Database => pick(rng, &[4, 8, 8, 16, 16, 32]),
            MachineRole::Infrastructure(_) => pick(rng, &[2, 4, 4, 8]),
        };
        let memory_gb = f64::from(cores) * pick(rng, &[2.0, 4.0, 4.0, 8.0]);
        let kind = match role {
            MachineRole::Database if chance(rng, 0.25) => ServerKind::Physical,
            MachineRole::Infrastructure(service)
                if INFRASTRUCTURE_SERVICES[service].name == "backup" && chance(rng, 0.3) =>
            {
                ServerKind::Appliance
            }
            _ if chance(rng, 0.03) => ServerKind::Physical,
            _ => ServerKind::VirtualMachine,
        };
        let base_disk = match role {
            MachineRole::Web => 60.0,
            MachineRole::App => 100.0,
            MachineRole::Database => 150.0,
            MachineRole::Infrastructure(_) => 80.0,
        };
        let provisioned = round_to_tens(base_disk * mild_tail(rng, 1.0, 12.0));
        let used = round_to(provisioned * (0.25 + 0.6 * unit(rng)), 10.0);
        let (site, datacenter) = DATACENTERS[datacenter % DATACENTERS.len()];
        let cluster = (kind == ServerKind::VirtualMachine).then(|| format!("{datacenter}-cl{:02}", 1 + below(rng, 8)));
        let power_state = if chance(rng, 0.015) { PowerState::Off } else { PowerState::On };
        Server {
            fqdn: Some(format!("{name}.{DOMAIN}")),
            name,
            ip_addresses: vec![machine_address(position)],
            mac_addresses: Vec::new(),
            os_family: Some(os_family),
            os_name: Some(os_name.to_string()),
            os_version: Some(os_version.to_string()),
            cores: Some(cores),
            memory_gb: Some(memory_gb),
            disk_provisioned_gb: Some(provisioned),
            disk_used_gb: Some(used),
            environment,
            site: Some(site.to_string()),
            datacenter: Some(datacenter.to_string()),
            cluster,
            power_state: Some(power_state),
            kind: Some(kind),
            device_class: None,
            tags: Tags::new(),
            provenance: Default::default(),
        }
    }

    /// Databases on every database server, a few file shares, and the disks
    /// of their servers grown to hold them.
    fn create_datastores(&mut self) {
        for index in 0..self.plans.len() {
            let plan = &self.plans[index];
            if plan.is_infrastructure() {
                continue;
            }
            let is_copy = matches!(plan.class, AppClass::Copy(_));
            let (database_span, front, engine) = (plan.database, plan.front(), plan.engine);
            let start = self.datastores.len() as u32;
            let offset = below(&mut self.rng, DATABASE_PURPOSES.len());
            let mut number = 0;
            for server in database_span.start..database_span.end {
                let count = weighted(&mut self.rng, &[(0.7, 1), (0.2, 2), (0.1, 3)]);
                for _ in 0..count {
                    let purpose = DATABASE_PURPOSES[(offset + number) % DATABASE_PURPOSES.len()];
                    let name = if number < DATABASE_PURPOSES.len() {
                        format!("{}-{purpose}-db", self.applications[index].name)
                    } else {
                        format!("{}-{purpose}{number}-db", self.applications[index].name)
                    };
                    number += 1;
                    let rng = &mut self.rng;
                    let size = round_to(
                        if is_copy { long_tail(rng, 2.0, 2_000.0) } else { long_tail(rng, 10.0, 20_000.0) },
                        10.0,
                    );
                    let change = round_to(size * (0.005 + 0.045 * unit(rng)), 100.0);
                    let method = (size < 50.0 && chance(rng, 0.2)).then_some(MigrationMethod::OfflineCopy);
                    let shared = !is_copy && chance(rng, 0.06);
                    let mut tags = Tags::new();
                    let id = self.datastores.len() as u32;
                    if shared {
                        tags.insert("shared".into(), "yes".into());
                        self.plans[index].shared_databases.push(id);
                    }
                    self.hosted_gb[server as usize] += size;
                    self.datastores.push(DataStore {
                        name,
                        kind: Some(DataStoreKind::Database),
                        engine: Some(DATABASE_ENGINES[engine].name.to_string()),
                        size_gb: Some(size),
                        change_gb_per_day: Some(change),
                        server: Some(ServerId(server)),
                        method,
                        tags,
                        provenance: Default::default(),
                    });
                    self.datastore_application.push(index as u32);
                    self.datastore_port.push(DATABASE_ENGINES[engine].port);
                }
            }
            if !front.is_empty() && chance(&mut self.rng, 0.08) {
                let rng = &mut self.rng;
                let host = front.at(below(rng, front.len()));
                let purpose = pick(rng, &SHARE_PURPOSES);
                let engine = if self.servers[host as usize].os_family == Some(OsFamily::Windows) {
                    "Windows CIFS"
                } else {
                    "NFS v4"
                };
                let size = round_to(long_tail(rng, 50.0, 50_000.0), 10.0);
                let change = round_to(size * (0.002 + 0.018 * unit(rng)), 100.0);
                self.hosted_gb[host as usize] += size;
                self.datastores.push(DataStore {
                    name: format!("\\\\{}\\{purpose}", self.servers[host as usize].name),
                    kind: Some(DataStoreKind::FileShare),
                    engine: Some(engine.to_string()),
                    size_gb: Some(size),
                    change_gb_per_day: Some(change),
                    server: Some(ServerId(host)),
                    method: None,
                    tags: Tags::new(),
                    provenance: Default::default(),
                });
                self.datastore_application.push(index as u32);
                self.datastore_port.push(445);
            }
            let span = Span { start, end: self.datastores.len() as u32 };
            self.plans[index].datastores = span;
            self.applications[index].datastores = (span.start..span.end).map(DataStoreId).collect();
        }
        for (server, &hosted) in self.servers.iter_mut().zip(&self.hosted_gb) {
            if hosted > 0.0 {
                let used = round_to(hosted + 30.0, 10.0);
                let provisioned = round_to_tens(used * 1.4).max(server.disk_provisioned_gb.unwrap_or(0.0));
                server.disk_used_gb = Some(used);
                server.disk_provisioned_gb = Some(provisioned);
            }
        }
    }

    /// Devices after the machines: half of them members of a few clinical
    /// applications, the rest standalone on the clinical network.
    fn create_devices(&mut self) {
        if self.device_count == 0 {
            return;
        }
        let mut candidates: Vec<usize> = (0..self.plans.len())
            .filter(|&i| self.plans[i].class == AppClass::Production && self.plans[i].size > 0)
            .collect();
        candidates.shuffle(&mut self.rng);
        let member_count = self.device_count / 2;
        let clinical_count = (member_count / 6).max(1).min(candidates.len());
        candidates.truncate(clinical_count);
        self.clinical_applications = candidates;
        let weights = DEVICE_CLASSES.each_ref().map(|c| c.weight);
        for number in 0..self.device_count {
            let position = self.servers.len();
            let rng = &mut self.rng;
            let class_index = weighted_index(rng, &weights);
            let class = &DEVICE_CLASSES[class_index];
            let member_of = (number % 2 == 0 && !self.clinical_applications.is_empty())
                .then(|| self.clinical_applications[below(rng, self.clinical_applications.len())]);
            let (manufacturer, model) = pick_slice(rng, class.models, ("unknown", "unknown"));
            let (site, datacenter) = pick(rng, &DATACENTERS);
            let mut tags = Tags::new();
            tags.insert("manufacturer".into(), manufacturer.into());
            tags.insert("model".into(), model.into());
            let name = format!("{}-{:05}", class.name_prefix, number + 1);
            self.servers.push(Server {
                name,
                fqdn: None,
                ip_addresses: vec![device_address(number)],
                mac_addresses: vec![mac_address(number)],
                os_family: Some(class.os_family),
                os_name: Some(class.os_name.to_string()),
                os_version: None,
                cores: None,
                memory_gb: None,
                disk_provisioned_gb: None,
                disk_used_gb: None,
                environment: Some(Environment::Production),
                site: Some(site.to_string()),
                datacenter: Some(datacenter.to_string()),
                cluster: None,
                power_state: Some(PowerState::On),
                kind: Some(ServerKind::Device),
                device_class: Some(class.class.to_string()),
                tags,
                provenance: Default::default(),
            });
            self.device_classes.push(class_index);
            self.hosted_gb.push(0.0);
            match member_of {
                Some(application) => {
                    self.server_application.push(application as u32);
                    self.applications[application].servers.push(ServerId(position as u32));
                }
                None => self.server_application.push(NO_APPLICATION),
            }
        }
    }

    fn create_externals(&mut self, application_total: usize, business_count: usize) {
        if business_count == 0 {
            return;
        }
        let count = (application_total / 200).clamp(1, 60);
        self.externals = (0..count)
            .map(|number| ExternalEndpoint {
                name: EXTERNAL_NAMES
                    .get(number)
                    .map_or_else(|| format!("partner{:03}.api.example.com", number + 1), |name| name.to_string()),
            })
            .collect();
    }

    fn sampling_tables(&mut self) -> SamplingTables {
        let internal = CumulativeWeights::new(self.plans.iter().map(|plan| {
            let servers = plan.machines().len() as f64;
            if plan.is_infrastructure() { 0.0 } else { servers * (servers - 1.0) / 2.0 }
        }));
        let mut chattiness = Vec::with_capacity(self.plans.len());
        for plan in &self.plans {
            let callers = plan.front().len() as f64;
            let factor = match plan.class {
                AppClass::Infrastructure(_) => 0.0,
                AppClass::Production => 1.0,
                AppClass::Copy(_) => 0.2,
            };
            chattiness.push(callers * factor * mild_tail(&mut self.rng, 1.0, 10.0));
        }
        let mut popularity = Vec::with_capacity(self.plans.len());
        for &index in &self.rank_order {
            let plan = &self.plans[index];
            let application = &self.applications[index];
            // Copies and infrastructure are never called by business applications
            // (infrastructure has its own traffic): a copy calls, it is not called.
            let eligible = plan.class == AppClass::Production && plan.size > 0;
            let retiring = application.strategy() == Strategy::Retire;
            let weight = long_tail(&mut self.rng, 1.0, 500.0);
            popularity.push(if !eligible {
                0.0
            } else if retiring {
                weight * 0.2
            } else {
                weight
            });
        }
        let infrastructure_applications: Vec<usize> =
            (0..self.plans.len()).filter(|&i| self.plans[i].is_infrastructure()).collect();
        let infrastructure =
            CumulativeWeights::new(infrastructure_applications.iter().map(|&i| match self.plans[i].class {
                AppClass::Infrastructure(service) if self.plans[i].size > 0 => INFRASTRUCTURE_SERVICES[service].weight,
                _ => 0.0,
            }));
        SamplingTables {
            internal,
            chattiness: CumulativeWeights::new(chattiness.into_iter()),
            popularity_by_rank: CumulativeWeights::new(popularity.into_iter()),
            infrastructure,
            infrastructure_applications,
        }
    }

    fn create_dependencies(&mut self, tables: &SamplingTables, total: usize) -> Vec<Dependency> {
        let mut builder = DependencyBuilder::new(total);
        // Planted cycles first, so that they exist whatever else is drawn.
        for group in self.cycle_groups.clone() {
            let mut edges: Vec<(usize, usize)> = group.windows(2).map(|pair| (pair[1], pair[0])).collect();
            if let (Some(&lowest), Some(&highest)) = (group.first(), group.last()) {
                edges.push((lowest, highest));
            }
            for (from, to) in edges {
                if builder.dependencies.len() < total
                    && let Some(link) = self.service_link(from, to)
                {
                    builder.add(&mut self.rng, link);
                }
            }
        }
        let attempts_allowed = total.saturating_mul(10).saturating_add(10_000);
        let mut attempts = 0;
        while builder.dependencies.len() < total && attempts < attempts_allowed {
            attempts += 1;
            let draw = unit(&mut self.rng);
            let link = if draw < 0.55 {
                self.internal_link(tables)
            } else if draw < 0.76 {
                self.infrastructure_link(tables)
            } else if draw < 0.955 {
                self.cross_application_link(tables)
            } else if draw < 0.985 {
                self.device_link()
            } else {
                self.external_link()
            };
            if let Some(link) = link {
                builder.add(&mut self.rng, link);
            }
        }
        builder.dependencies
    }

    /// A random web or app server of an application.
    fn front_server(&mut self, application: usize) -> Option<u32> {
        let front = self.plans[application].front();
        (!front.is_empty()).then(|| front.at(below(&mut self.rng, front.len())))
    }

    /// A server of `from` calling a service of `to`: mostly its app tier.
    fn service_link(&mut self, from: usize, to: usize) -> Option<Link> {
        let from_server = self.front_server(from)?;
        let plan = &self.plans[to];
        let rng = &mut self.rng;
        let draw = unit(rng);
        let (to_server, port, latency_chance) = if !plan.app.is_empty() && (draw < 0.65 || plan.web.is_empty()) {
            (plan.app.at(skewed(rng, plan.app.len())), pick(rng, &SERVICE_PORTS), 0.1)
        } else if !plan.web.is_empty() {
            (plan.web.at(skewed(rng, plan.web.len())), pick(rng, &WEB_PORTS), 0.05)
        } else if !plan.database.is_empty() {
            (plan.database.at(skewed(rng, plan.database.len())), DATABASE_ENGINES[plan.engine].port, 0.5)
        } else {
            return None;
        };
        Some(Link {
            from: Endpoint::Server(ServerId(from_server)),
            to: Endpoint::Server(ServerId(to_server)),
            port: Some(port),
            protocol: Protocol::Tcp,
            latency_chance,
            declared: false,
        })
    }

    /// Web → app → database inside one application.
    fn internal_link(&mut self, tables: &SamplingTables) -> Option<Link> {
        let application = tables.internal.sample(&mut self.rng)?;
        let plan = &self.plans[application];
        let rng = &mut self.rng;
        let front = plan.front();
        if front.is_empty() {
            return None;
        }
        let from = front.at(below(rng, front.len()));
        let engine_port = DATABASE_ENGINES[plan.engine].port;
        let server = |id: u32| Endpoint::Server(ServerId(id));
        let (to, port, latency_chance) = if plan.web.contains(from) {
            if !plan.app.is_empty() {
                (server(plan.app.at(skewed(rng, plan.app.len()))), pick(rng, &WEB_TO_APP_PORTS), 0.2)
            } else if !plan.database.is_empty() {
                (server(plan.database.at(skewed(rng, plan.database.len()))), engine_port, 0.7)
            } else {
                return None;
            }
        } else {
            let draw = unit(rng);
            if draw < 0.5 && !plan.database.is_empty() {
                (server(plan.database.at(skewed(rng, plan.database.len()))), engine_port, 0.7)
            } else if draw < 0.65 && !plan.datastores.is_empty() {
                let store = plan.datastores.at(below(rng, plan.datastores.len()));
                (Endpoint::DataStore(DataStoreId(store)), self.datastore_port[store as usize], 0.6)
            } else if plan.app.len() >= 2 {
                (server(plan.app.at(skewed(rng, plan.app.len()))), pick(rng, &APP_TO_APP_PORTS), 0.3)
            } else if !plan.database.is_empty() {
                (server(plan.database.at(skewed(rng, plan.database.len()))), engine_port, 0.7)
            } else {
                return None;
            }
        };
        Some(Link {
            from: server(from),
            to,
            port: Some(port),
            protocol: Protocol::Tcp,
            latency_chance,
            declared: false,
        })
    }

    /// Any server calling a shared infrastructure service.
    fn infrastructure_link(&mut self, tables: &SamplingTables) -> Option<Link> {
        if self.machine_count == 0 {
            return None;
        }
        let rng = &mut self.rng;
        let from = below(rng, self.machine_count);
        let target = tables.infrastructure_applications[tables.infrastructure.sample(rng)?];
        let plan = &self.plans[target];
        let AppClass::Infrastructure(service) = plan.class else { return None };
        let service = &INFRASTRUCTURE_SERVICES[service];
        // Infrastructure only calls infrastructure below it, so it stays acyclic.
        let from_application = self.server_application[from];
        if from_application != NO_APPLICATION {
            let source = &self.plans[from_application as usize];
            if source.is_infrastructure() && source.rank >= plan.rank {
                return None;
            }
        }
        if plan.app.is_empty() {
            return None;
        }
        let to = plan.app.at(skewed(rng, plan.app.len()));
        let (port, protocol) = service.ports[skewed(rng, service.ports.len())];
        Some(Link {
            from: Endpoint::Server(ServerId(from as u32)),
            to: Endpoint::Server(ServerId(to)),
            port: Some(port),
            protocol,
            latency_chance: service.latency_chance,
            declared: false,
        })
    }

    /// A business application calling one of lower rank: a service, a shared
    /// database, or (declared) the application as a whole.
    fn cross_application_link(&mut self, tables: &SamplingTables) -> Option<Link> {
        let source = tables.chattiness.sample(&mut self.rng)?;
        let rank = self.plans[source].rank as usize;
        let position = tables.popularity_by_rank.sample_first(&mut self.rng, rank)?;
        let target = *self.rank_order.get(position)?;
        if chance(&mut self.rng, 0.03) {
            return Some(Link {
                from: Endpoint::Application(AppId(source as u32)),
                to: Endpoint::Application(AppId(target as u32)),
                port: None,
                protocol: Protocol::Any,
                latency_chance: 0.0,
                declared: true,
            });
        }
        let shared = &self.plans[target].shared_databases;
        if !shared.is_empty() && chance(&mut self.rng, 0.35) {
            let store = shared[below(&mut self.rng, shared.len())];
            let from = self.front_server(source)?;
            let to = match self.datastores[store as usize].server {
                Some(server) if chance(&mut self.rng, 0.5) => Endpoint::Server(server),
                _ => Endpoint::DataStore(DataStoreId(store)),
            };
            return Some(Link {
                from: Endpoint::Server(ServerId(from)),
                to,
                port: Some(self.datastore_port[store as usize]),
                protocol: Protocol::Tcp,
                latency_chance: 0.6,
                declared: false,
            });
        }
        self.service_link(source, target)
    }

    /// A device and a server of the application it belongs to or talks to:
    /// a hybrid link, since devices stay where they are.
    fn device_link(&mut self) -> Option<Link> {
        if self.device_count == 0 {
            return None;
        }
        let rng = &mut self.rng;
        let number = below(rng, self.device_count);
        let device = self.machine_count + number;
        let class = &DEVICE_CLASSES[*self.device_classes.get(number)?];
        let application = match self.server_application.get(device) {
            Some(&application) if application != NO_APPLICATION => application as usize,
            _ => *self.clinical_applications.get(below(rng, self.clinical_applications.len()))?,
        };
        let machines = self.plans[application].machines();
        if machines.is_empty() {
            return None;
        }
        let server = Endpoint::Server(ServerId(machines.at(below(rng, machines.len()))));
        let device = Endpoint::Server(ServerId(device as u32));
        let port = pick_slice(rng, class.ports, 443);
        let (from, to) = if chance(rng, 0.7) { (device, server) } else { (server, device) };
        Some(Link { from, to, port: Some(port), protocol: Protocol::Tcp, latency_chance: 0.1, declared: false })
    }

    /// A server calling something outside the inventory.
    fn external_link(&mut self) -> Option<Link> {
        if self.externals.is_empty() || self.machine_count == 0 {
            return None;
        }
        let rng = &mut self.rng;
        let from = below(rng, self.machine_count);
        let to = skewed(rng, self.externals.len());
        Some(Link {
            from: Endpoint::Server(ServerId(from as u32)),
            to: Endpoint::External(ExternalId(to as u32)),
            port: Some(pick(rng, &EXTERNAL_PORTS)),
            protocol: Protocol::Tcp,
            latency_chance: 0.0,
            declared: false,
        })
    }

    fn endpoint_application(&self, endpoint: Endpoint) -> Option<usize> {
        let application = match endpoint {
            Endpoint::Server(id) => *self.server_application.get(id.index())?,
            Endpoint::DataStore(id) => *self.datastore_application.get(id.index())?,
            Endpoint::Application(id) => return Some(id.index()),
            Endpoint::External(_) => return None,
        };
        (application != NO_APPLICATION).then_some(application as usize)
    }

    /// A few constraints of each kind, on distinct production applications
    /// outside cycles, chosen so that all of them can be kept together:
    /// "before" follows the rank order, which every dependency and every copy
    /// also follows; a pinned application is pinned no earlier than the
    /// earliest wave its dependencies and copies allow, and no other
    /// constrained application is among what it depends on.
    fn create_constraints(&mut self, dependencies: &[Dependency]) -> Vec<Constraint> {
        let count = self.plans.len();
        // Application-level dependencies; infrastructure holds nothing back.
        let mut calls: Vec<Vec<u32>> = vec![Vec::new(); count];
        for dependency in dependencies {
            if let (Some(from), Some(to)) =
                (self.endpoint_application(dependency.from), self.endpoint_application(dependency.to))
                && from != to
                && !self.plans[to].is_infrastructure()
            {
                calls[from].push(to as u32);
            }
        }
        for targets in &mut calls {
            targets.sort_unstable();
            targets.dedup();
        }
        let earliest = self.earliest_waves(&calls);
        let mut candidates: Vec<usize> = (0..count)
            .filter(|&i| {
                let plan = &self.plans[i];
                plan.class == AppClass::Production
                    && !plan.in_cycle
                    && plan.size > 0
                    && self.applications[i].strategy().migrates()
            })
            .collect();
        candidates.shuffle(&mut self.rng);

        let mut constraints = Vec::new();
        // Constrained applications, and those a pinned application depends on.
        let mut used = vec![false; count];
        let mut blocked = vec![false; count];
        let pin_count = 1 + count / 2500;
        for &index in &candidates {
            if constraints.len() >= pin_count {
                break;
            }
            if blocked[index] || earliest[index] > 3 {
                continue;
            }
            let Some(closure) = dependency_closure(&calls, index, 10) else { continue };
            if closure.iter().any(|&i| used[i]) {
                continue;
            }
            used[index] = true;
            for &i in &closure {
                blocked[i] = true;
            }
            let rng = &mut self.rng;
            constraints.push(Constraint::PinWave {
                app: AppId(index as u32),
                // Slack after the earliest wave: the pilot takes wave 1, and
                // what the application depends on needs room in the waves
                // before it under any sensible capacity.
                wave: earliest[index] + 2 + below(rng, 3) as u32,
                reason: Some(pick(rng, &PIN_REASONS).to_string()),
            });
        }
        let mut free = candidates.iter().copied().filter(|&i| !used[i] && !blocked[i]);
        for _ in 0..1 + count / 2000 {
            let (Some(a), Some(b)) = (free.next(), free.next()) else { break };
            constraints.push(Constraint::KeepApart {
                a: AppId(a as u32),
                b: AppId(b as u32),
                reason: Some(pick(&mut self.rng, &KEEP_APART_REASONS).to_string()),
            });
        }
        for _ in 0..1 + count / 1000 {
            let (Some(a), Some(b)) = (free.next(), free.next()) else { break };
            let (first, then) = if self.plans[a].rank < self.plans[b].rank { (a, b) } else { (b, a) };
            constraints.push(Constraint::Before {
                first: AppId(first as u32),
                then: AppId(then as u32),
                reason: Some(pick(&mut self.rng, &BEFORE_REASONS).to_string()),
            });
        }
        let first_day = NaiveDate::from_ymd_opt(2027, 1, 4);
        for _ in 0..1 + count / 1000 {
            let Some(app) = free.next() else { break };
            let offset = below(&mut self.rng, 330) as u64;
            let Some(date) = first_day.and_then(|day| day.checked_add_days(Days::new(offset))) else { break };
            constraints.push(Constraint::NotBefore {
                app: AppId(app as u32),
                date,
                reason: Some(pick(&mut self.rng, &NOT_BEFORE_REASONS).to_string()),
            });
        }
        constraints
    }

    /// The earliest wave (1-based) each application can move in, given that
    /// what it depends on moves in the same wave or earlier and its migrating
    /// copies strictly earlier. Both point down the rank order, except inside
    /// planted cycles, whose members share one value.
    fn earliest_waves(&self, calls: &[Vec<u32>]) -> Vec<u32> {
        let mut earliest = vec![1u32; self.plans.len()];
        let mut closes_group = vec![None; self.plans.len()];
        for (group_index, group) in self.cycle_groups.iter().enumerate() {
            if let Some(&last) = group.iter().max_by_key(|&&member| self.plans[member].rank) {
                closes_group[last] = Some(group_index);
            }
        }
        for &index in &self.rank_order {
            let rank = self.plans[index].rank;
            let mut wave = 1;
            for &to in &calls[index] {
                if self.plans[to as usize].rank < rank {
                    wave = wave.max(earliest[to as usize]);
                }
            }
            if let Some(copy) = self.plans[index].copy
                && self.applications[copy].strategy().migrates()
            {
                wave = wave.max(earliest[copy] + 1);
            }
            earliest[index] = wave;
            if let Some(group_index) = closes_group[index] {
                let group = &self.cycle_groups[group_index];
                let shared = group.iter().map(|&member| earliest[member]).max().unwrap_or(1);
                for &member in group {
                    earliest[member] = shared;
                }
            }
        }
        earliest
    }
}

/// Everything `start` depends on, directly or not (without `start`), or
/// `None` when that is more than `limit` applications.
fn dependency_closure(calls: &[Vec<u32>], start: usize, limit: usize) -> Option<Vec<usize>> {
    let mut seen = vec![start];
    let mut stack = vec![start];
    while let Some(index) = stack.pop() {
        for &to in &calls[index] {
            let to = to as usize;
            if !seen.contains(&to) {
                if seen.len() > limit {
                    return None;
                }
                seen.push(to);
                stack.push(to);
            }
        }
    }
    seen.retain(|&i| i != start);
    Some(seen)
}

/// Unique dependencies and the draw of their attributes.
struct DependencyBuilder {
    keys: HashSet<(Endpoint, Endpoint, Option<u16>, Protocol)>,
    dependencies: Vec<Dependency>,
    first_observation: Option<NaiveDate>,
}

impl DependencyBuilder {
    fn new(capacity: usize) -> DependencyBuilder {
        DependencyBuilder {
            keys: HashSet::with_capacity(capacity),
            dependencies: Vec::with_capacity(capacity),
            first_observation: NaiveDate::from_ymd_opt(2026, 1, 5),
        }
    }

    /// Adds the link unless it points at itself or repeats a key.
    fn add(&mut self, rng: &mut ChaCha8Rng, link: Link) -> bool {
        if link.from == link.to || !self.keys.insert((link.from, link.to, link.port, link.protocol)) {
            return false;
        }
        let kind = if link.declared {
            DependencyKind::Declared
        } else {
            weighted(
                rng,
                &[(0.85, DependencyKind::Observed), (0.12, DependencyKind::Declared), (0.03, DependencyKind::Manual)],
            )
        };
        let (weight, first_seen, last_seen, source) = match kind {
            DependencyKind::Observed => {
                let weight = long_tail(rng, 4.0, 5_000_000.0).round();
                let first = self.first_observation.and_then(|d| d.checked_add_days(Days::new(below(rng, 60) as u64)));
                let last = first.and_then(|d| d.checked_add_days(Days::new(30 + below(rng, 90) as u64)));
                (weight, first, last, "netflow")
            }
            DependencyKind::Declared => (1.0, None, None, "cmdb"),
            DependencyKind::Manual => (1.0, None, None, "planner"),
        };
        let latency_sensitive = chance(rng, link.latency_chance);
        self.dependencies.push(Dependency {
            from: link.from,
            to: link.to,
            port: link.port,
            protocol: link.protocol,
            kind,
            weight,
            latency_sensitive,
            infrastructure: None,
            first_seen,
            last_seen,
            source: source.to_string(),
        });
        true
    }
}

/// Most applications have 2–6 servers, one in six has 7–29, one in seventy
/// has 30 or more.
fn draw_application_size(rng: &mut ChaCha8Rng) -> usize {
    let draw = unit(rng);
    if draw < 0.04 {
        1
    } else if draw < 0.82 {
        2 + below(rng, 5)
    } else if draw < 0.94 {
        7 + below(rng, 9)
    } else if draw < 0.985 {
        16 + below(rng, 14)
    } else {
        mild_tail(rng, 30.0, 200.0) as usize
    }
}

/// Adjusts `sizes` to add up to `target`, keeping every size at least 1 when
/// there are enough servers for that. Servers are added to or taken from
/// applications in proportion to their size, so small applications keep
/// their shape and the tail stays long.
fn fit_sizes(rng: &mut ChaCha8Rng, sizes: &mut [usize], target: usize) {
    let count = sizes.len();
    if count == 0 {
        return;
    }
    if target < count {
        sizes.fill(0);
        let mut order: Vec<usize> = (0..count).collect();
        order.shuffle(rng);
        for &index in order.iter().take(target) {
            sizes[index] = 1;
        }
        return;
    }
    for size in sizes.iter_mut() {
        *size = (*size).max(1);
    }
    let raw_total: u128 = sizes.iter().map(|&s| s as u128).sum();
    let wanted = target as u128;
    // Far off: scale first (rounding), so the adjustment below stays short.
    if raw_total * 2 < wanted || wanted * 2 < raw_total {
        for size in sizes.iter_mut() {
            *size = ((*size as u128 * wanted + raw_total / 2) / raw_total).max(1) as usize;
        }
    }
    let mut total: usize = sizes.iter().sum();
    let mut largest = sizes.iter().copied().max().unwrap_or(1);
    // An application is picked in proportion to its size by rejection.
    while total < target {
        let index = below(rng, count);
        if below(rng, largest) < sizes[index] {
            sizes[index] += 1;
            total += 1;
            largest = largest.max(sizes[index]);
        }
    }
    while total > target {
        let index = below(rng, count);
        if sizes[index] > 1 && below(rng, largest) < sizes[index] {
            sizes[index] -= 1;
            total -= 1;
        }
    }
}

/// Web, app and database servers for an application of `size` servers.
fn split_roles(size: usize, has_web_tier: bool) -> (usize, usize, usize) {
    match size {
        0 => (0, 0, 0),
        1 => (0, 1, 0),
        2 => (0, 1, 1),
        _ => {
            let database = (size / 4).max(1);
            let web = if has_web_tier { (size * 3 / 10).max(1) } else { 0 };
            (web, size - database - web, database)
        }
    }
}

fn machine_address(position: usize) -> String {
    let block = position / 250;
    format!("10.{}.{}.{}", 16 + (block / 256) % 200, block % 256, 10 + position % 250)
}

fn device_address(number: usize) -> String {
    let block = number / 250;
    format!("172.{}.{}.{}", 16 + (block / 256) % 16, block % 256, 10 + number % 250)
}

fn mac_address(number: usize) -> String {
    let bytes = (number as u32).to_be_bytes();
    format!("02:00:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2], bytes[3])
}

fn maintenance_window(rng: &mut ChaCha8Rng) -> Option<MaintenanceWindow> {
    let (days, hour, minute, minutes) = pick(rng, &MAINTENANCE_WINDOWS);
    Some(MaintenanceWindow { days: days.to_vec(), start: NaiveTime::from_hms_opt(hour, minute, 0)?, minutes })
}

fn infrastructure_application(rng: &mut ChaCha8Rng, service: &InfrastructureService) -> Application {
    Application {
        name: service.name.to_string(),
        owner: Some("infrastructure".into()),
        business_unit: Some("IT".into()),
        tier: Some(Tier::MissionCritical),
        rto_minutes: Some(60),
        rpo_minutes: Some(15),
        strategy: Some(weighted(rng, &[(0.6, Strategy::Rehost), (0.4, Strategy::Replatform)])),
        maintenance_window: MaintenanceWindow {
            days: vec![Weekday::Sun],
            start: NaiveTime::from_hms_opt(1, 0, 0).unwrap_or_default(),
            minutes: 240,
        }
        .into(),
        dr_current: Some(DrPosture::WarmStandby),
        dr_target: Some(DrPosture::ActiveActive),
        environment: Some(Environment::Production),
        role: Some(AppRole::Infrastructure),
        ..Application::default()
    }
}

fn production_application(rng: &mut ChaCha8Rng, name: String) -> Application {
    let (owner, business_unit) = pick(rng, &TEAMS);
    let tier = weighted(
        rng,
        &[
            (0.08, Tier::MissionCritical),
            (0.22, Tier::BusinessCritical),
            (0.45, Tier::BusinessOperational),
            (0.25, Tier::Administrative),
        ],
    );
    let strategy = weighted(
        rng,
        &[
            (0.03, Strategy::Retire),
            (0.03, Strategy::Retain),
            (0.12, Strategy::Replatform),
            (0.05, Strategy::Refactor),
            (0.04, Strategy::Repurchase),
            (0.01, Strategy::Relocate),
            (0.72, Strategy::Rehost),
        ],
    );
    let (rto, rpo) = match tier {
        Tier::MissionCritical => (pick(rng, &[60, 120, 240]), pick(rng, &[0, 5, 15])),
        Tier::BusinessCritical => (pick(rng, &[240, 480]), pick(rng, &[15, 60])),
        Tier::BusinessOperational => (pick(rng, &[720, 1440]), pick(rng, &[240, 1440])),
        Tier::Administrative => (pick(rng, &[2880, 4320]), 1440),
    };
    let mut compliance = Vec::new();
    for (label, probability) in [("PHI", 0.2), ("PCI", 0.05), ("SOX", 0.06), ("GDPR", 0.03)] {
        if chance(rng, probability) {
            compliance.push(label.to_string());
        }
    }
    let maintenance_window = if chance(rng, 0.85) { maintenance_window(rng) } else { None };
    let dr_current = weighted(
        rng,
        &[
            (0.25, DrPosture::None),
            (0.50, DrPosture::Backup),
            (0.18, DrPosture::WarmStandby),
            (0.07, DrPosture::ActiveActive),
        ],
    );
    let wanted = match tier {
        Tier::MissionCritical => weighted(rng, &[(0.5, DrPosture::ActiveActive), (0.5, DrPosture::WarmStandby)]),
        Tier::BusinessCritical => weighted(rng, &[(0.7, DrPosture::WarmStandby), (0.3, DrPosture::Backup)]),
        Tier::BusinessOperational => DrPosture::Backup,
        Tier::Administrative => weighted(rng, &[(0.6, DrPosture::Backup), (0.4, DrPosture::None)]),
    };
    let mut tags = Tags::new();
    if chance(rng, 0.5) {
        tags.insert("cost_center".into(), format!("CC{}", 1000 + below(rng, 400)));
    }
    Application {
        name,
        owner: Some(owner.to_string()),
        business_unit: Some(business_unit.to_string()),
        tier: Some(tier),
        rto_minutes: Some(rto),
        rpo_minutes: Some(rpo),
        strategy: Some(strategy),
        compliance,
        maintenance_window,
        dr_current: Some(dr_current),
        dr_target: Some(dr_current.max(wanted)),
        environment: Some(Environment::Production),
        role: Some(AppRole::Application),
        tags,
        ..Application::default()
    }
}

fn copy_application(rng: &mut ChaCha8Rng, production: &Application) -> Application {
    let (environment, suffix) =
        if chance(rng, 0.6) { (Environment::Test, "tst") } else { (Environment::Development, "dev") };
    // A copy goes the way of what it copies.
    let strategy = production.strategy();
    Application {
        name: format!("{}-{suffix}", production.name),
        owner: production.owner.clone(),
        business_unit: production.business_unit.clone(),
        tier: Some(Tier::Administrative),
        rto_minutes: Some(4320),
        rpo_minutes: Some(1440),
        strategy: Some(strategy),
        maintenance_window: if chance(rng, 0.5) { maintenance_window(rng) } else { None },
        dr_current: Some(DrPosture::None),
        dr_target: Some(DrPosture::None),
        environment: Some(environment),
        copy_of: Some(production.name.clone()),
        role: Some(AppRole::Application),
        ..Application::default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use petgraph::algo::{has_path_connecting, tarjan_scc};
    use petgraph::graph::{DiGraph, NodeIndex};

    use super::*;

    fn config(servers: usize, applications: usize, dependencies: usize, seed: u64) -> GenerateConfig {
        GenerateConfig { servers, applications, dependencies, seed }
    }

    /// The application each endpoint belongs to, by membership.
    fn owners(estate: &Estate) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
        let mut server_owner = vec![None; estate.servers.len()];
        let mut store_owner = vec![None; estate.datastores.len()];
        for (index, application) in estate.applications.iter().enumerate() {
            for server in &application.servers {
                assert_eq!(server_owner[server.index()], None, "server {server:?} in two applications");
                server_owner[server.index()] = Some(index);
            }
            for store in &application.datastores {
                store_owner[store.index()] = Some(index);
            }
        }
        (server_owner, store_owner)
    }

    /// The application-level dependency graph, infrastructure targets left out
    /// when `without_infrastructure`.
    fn application_graph(estate: &Estate, without_infrastructure: bool) -> DiGraph<(), ()> {
        let (server_owner, store_owner) = owners(estate);
        let owner = |endpoint: Endpoint| match endpoint {
            Endpoint::Server(id) => server_owner[id.index()],
            Endpoint::DataStore(id) => store_owner[id.index()],
            Endpoint::Application(id) => Some(id.index()),
            Endpoint::External(_) => None,
        };
        let mut graph = DiGraph::<(), ()>::new();
        for _ in &estate.applications {
            graph.add_node(());
        }
        for dependency in &estate.dependencies {
            if let (Some(from), Some(to)) = (owner(dependency.from), owner(dependency.to))
                && from != to
                && !(without_infrastructure && estate.applications[to].role() == AppRole::Infrastructure)
            {
                graph.update_edge(NodeIndex::new(from), NodeIndex::new(to), ());
            }
        }
        graph
    }

    #[test]
    fn same_seed_gives_the_same_estate_and_another_seed_another() {
        let first = generate_estate(&config(400, 80, 6_000, 42));
        let again = generate_estate(&config(400, 80, 6_000, 42));
        let other = generate_estate(&config(400, 80, 6_000, 43));
        assert_eq!(first, again);
        assert_ne!(first.dependencies, other.dependencies);
        assert_ne!(first.applications, other.applications);
    }

    #[test]
    fn counts_match_the_config() {
        for (servers, applications, dependencies) in [(1_000, 200, 20_000), (300, 60, 6_000), (120, 10, 500)] {
            let estate = generate_estate(&config(servers, applications, dependencies, 7));
            assert_eq!(estate.servers.len(), servers);
            assert_eq!(estate.applications.len(), applications);
            assert_eq!(estate.dependencies.len(), dependencies);
            assert_eq!(estate.counts().devices, servers / 50);
        }
    }

    #[test]
    fn dependencies_are_unique_never_loop_and_every_id_is_in_range() {
        let estate = generate_estate(&config(1_500, 300, 30_000, 3));
        let in_range = |endpoint: Endpoint| match endpoint {
            Endpoint::Server(id) => id.index() < estate.servers.len(),
            Endpoint::Application(id) => id.index() < estate.applications.len(),
            Endpoint::DataStore(id) => id.index() < estate.datastores.len(),
            Endpoint::External(id) => id.index() < estate.externals.len(),
        };
        let mut keys = HashSet::new();
        for dependency in &estate.dependencies {
            assert_ne!(dependency.from, dependency.to);
            assert!(in_range(dependency.from) && in_range(dependency.to), "{dependency:?}");
            assert!(
                keys.insert((dependency.from, dependency.to, dependency.port, dependency.protocol)),
                "{dependency:?}"
            );
            assert!(dependency.weight >= 1.0);
        }
        for application in &estate.applications {
            assert!(application.servers.iter().all(|id| id.index() < estate.servers.len()));
            assert!(application.datastores.iter().all(|id| id.index() < estate.datastores.len()));
        }
        assert!(estate.datastores.iter().all(|store| store.server.is_some_and(|id| id.index() < estate.servers.len())));
        for constraint in &estate.constraints {
            let apps = match constraint {
                Constraint::KeepApart { a, b, .. } => vec![*a, *b],
                Constraint::Before { first, then, .. } => vec![*first, *then],
                Constraint::PinWave { app, .. }
                | Constraint::NotBefore { app, .. }
                | Constraint::NotAfter { app, .. } => {
                    vec![*app]
                }
                Constraint::MoveTogether { apps, .. } => apps.clone(),
            };
            assert!(apps.iter().all(|id| id.index() < estate.applications.len()));
        }
        // Names are unique per table, and servers and data stores never share
        // one (members.csv names either without saying which).
        let mut names = HashSet::new();
        for name in estate.servers.iter().map(|s| &s.name).chain(estate.datastores.iter().map(|d| &d.name)) {
            assert!(names.insert(name.to_lowercase()), "duplicate name {name}");
        }
        let mut application_names = HashSet::new();
        assert!(estate.applications.iter().all(|a| application_names.insert(a.name.to_lowercase())));
    }

    #[test]
    fn application_graph_has_only_small_cycles() {
        let estate = generate_estate(&config(2_500, 500, 50_000, 11));
        let graph = application_graph(&estate, false);
        let sizes: Vec<usize> = tarjan_scc(&graph).iter().map(Vec::len).filter(|&n| n > 1).collect();
        assert!(!sizes.is_empty(), "expected planted cycles");
        assert!(sizes.iter().all(|&n| n <= 3), "{sizes:?}");
        assert!(sizes.iter().sum::<usize>() <= estate.applications.len() / 50);
    }

    /// Waves that keep every constraint but dates (capacity aside), found by
    /// raising each application to what its dependencies, copies and
    /// constraints require; keep-apart pairs are kept apart by ordering them.
    /// `None` when the requirements contradict each other.
    fn feasible_waves(estate: &Estate, graph: &DiGraph<(), ()>) -> Option<Vec<u32>> {
        let count = estate.applications.len();
        let index_of: HashMap<&str, usize> =
            estate.applications.iter().enumerate().map(|(i, a)| (a.name.as_str(), i)).collect();
        // (later, earlier, gap): wave[later] >= wave[earlier] + gap.
        let mut rules: Vec<(usize, usize, u32)> = graph
            .edge_indices()
            .filter_map(|edge| graph.edge_endpoints(edge))
            .map(|(from, to)| (from.index(), to.index(), 0))
            .collect();
        for (index, application) in estate.applications.iter().enumerate() {
            if let Some(original) = &application.copy_of
                && application.strategy().migrates()
            {
                rules.push((index_of[original.as_str()], index, 1));
            }
        }
        let mut wave = vec![1u32; count];
        for constraint in &estate.constraints {
            match constraint {
                Constraint::Before { first, then, .. } => rules.push((then.index(), first.index(), 1)),
                // Whichever depends on the other moves second.
                Constraint::KeepApart { a, b, .. } => {
                    let (a, b) = (NodeIndex::new(a.index()), NodeIndex::new(b.index()));
                    let (later, earlier) = if has_path_connecting(graph, a, b, None) { (a, b) } else { (b, a) };
                    rules.push((later.index(), earlier.index(), 1));
                }
                Constraint::PinWave { app, wave: pinned, .. } => wave[app.index()] = *pinned,
                _ => {}
            }
        }
        for _ in 0..=count {
            let mut changed = false;
            for &(later, earlier, gap) in &rules {
                if wave[later] < wave[earlier] + gap {
                    wave[later] = wave[earlier] + gap;
                    changed = true;
                }
            }
            if !changed {
                return Some(wave);
            }
        }
        None
    }

    #[test]
    fn constraints_can_all_be_kept() {
        for seed in [5, 6] {
            let estate = generate_estate(&config(5_000, 3_000, 100_000, seed));
            let graph = application_graph(&estate, true);
            let kinds: HashSet<&str> = estate
                .constraints
                .iter()
                .map(|c| match c {
                    Constraint::KeepApart { .. } => "keep-apart",
                    Constraint::Before { .. } => "before",
                    Constraint::PinWave { .. } => "pin-wave",
                    Constraint::NotBefore { .. } => "not-before",
                    _ => "other",
                })
                .collect();
            assert_eq!(kinds.len(), 4, "{kinds:?}");
            let waves = feasible_waves(&estate, &graph).expect("constraints contradict each other");
            let mut constrained = HashSet::new();
            for constraint in &estate.constraints {
                match constraint {
                    Constraint::Before { first, then, .. } => {
                        assert!(constrained.insert(*first) && constrained.insert(*then));
                        assert!(!has_path_connecting(
                            &graph,
                            NodeIndex::new(first.index()),
                            NodeIndex::new(then.index()),
                            None
                        ));
                    }
                    Constraint::PinWave { app, wave, .. } => {
                        assert!(constrained.insert(*app));
                        assert!((3..=7).contains(wave));
                        // Nothing pushed the pinned application past its wave.
                        assert_eq!(waves[app.index()], *wave, "{}", estate.applications[app.index()].name);
                    }
                    Constraint::KeepApart { a, b, .. } => assert!(constrained.insert(*a) && constrained.insert(*b)),
                    Constraint::NotBefore { app, date, .. } => {
                        assert!(constrained.insert(*app));
                        assert_eq!(chrono::Datelike::year(date), 2027);
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn the_estate_has_a_realistic_shape() {
        let estate = generate_estate(&config(5_000, 1_000, 100_000, 9));
        let applications = &estate.applications;
        let infrastructure: Vec<usize> =
            (0..applications.len()).filter(|&i| applications[i].role() == AppRole::Infrastructure).collect();
        assert_eq!(infrastructure.len(), 8);

        // Most applications are small, a few are large.
        let business: Vec<&Application> = applications.iter().filter(|a| a.role() == AppRole::Application).collect();
        let machines = |a: &Application| a.servers.iter().filter(|s| !estate.server(**s).is_device()).count();
        let small = business.iter().filter(|a| (2..=6).contains(&machines(a))).count();
        assert!(small * 2 > business.len(), "{small} of {}", business.len());
        assert!(business.iter().any(|a| machines(a) >= 30));

        // About a fifth are copies of a production application that exists.
        let by_name: HashMap<&str, &Application> = applications.iter().map(|a| (a.name.as_str(), a)).collect();
        let copies: Vec<&&Application> = business.iter().filter(|a| a.copy_of.is_some()).collect();
        assert!(copies.len() * 6 > business.len() && copies.len() * 4 < business.len());
        for copy in &copies {
            let original = by_name[copy.copy_of.as_deref().unwrap_or_default()];
            assert!(original.environment().is_production() && !copy.environment().is_production());
        }
        let retired = business.iter().filter(|a| a.strategy() == Strategy::Retire).count();
        assert!(retired > 0 && retired * 10 < business.len());

        // Most servers call shared infrastructure.
        let (server_owner, _) = owners(&estate);
        let mut calls_infrastructure = vec![false; estate.servers.len()];
        for dependency in &estate.dependencies {
            if let (Endpoint::Server(from), Endpoint::Server(to)) = (dependency.from, dependency.to)
                && server_owner[to.index()].is_some_and(|owner| infrastructure.contains(&owner))
            {
                calls_infrastructure[from.index()] = true;
            }
        }
        let calling = calls_infrastructure.iter().filter(|&&c| c).count();
        assert!(calling * 10 > estate.servers.len() * 8, "{calling}");

        // Devices: about 2%, some members, all linked to something.
        let devices: Vec<usize> = (0..estate.servers.len()).filter(|&i| estate.servers[i].is_device()).collect();
        assert_eq!(devices.len(), 100);
        assert!(devices.iter().all(|&i| estate.servers[i].device_class.is_some()));
        assert!(devices.iter().any(|&i| server_owner[i].is_some()));
        assert!(devices.iter().any(|&i| server_owner[i].is_none()));
        let hybrid = estate
            .dependencies
            .iter()
            .filter(|d| {
                [d.from, d.to].iter().any(|e| matches!(e, Endpoint::Server(id) if estate.server(*id).is_device()))
            })
            .count();
        assert!(hybrid > 100);

        // Shared databases, long-tailed sizes, some latency-sensitive dependencies.
        assert!(estate.datastores.iter().any(|d| d.tags.contains_key("shared")));
        let largest = estate.datastores.iter().filter_map(|d| d.size_gb).fold(0.0, f64::max);
        assert!(largest > 1_000.0);
        assert!(estate.dependencies.iter().any(|d| d.latency_sensitive));
        assert!(estate.dependencies.iter().any(|d| matches!(d.to, Endpoint::DataStore(_))));
        assert!(estate.dependencies.iter().any(|d| matches!(d.to, Endpoint::Application(_))));
        assert!(estate.dependencies.iter().any(|d| matches!(d.to, Endpoint::External(_))));
    }

    #[test]
    fn tiny_and_empty_configs_do_not_fail() {
        for (servers, applications, dependencies) in
            [(0, 0, 0), (0, 0, 100), (1, 1, 100), (3, 10, 50), (10, 0, 100), (5, 40, 1_000), (60, 2, 5_000)]
        {
            let estate = generate_estate(&config(servers, applications, dependencies, 1));
            assert_eq!(estate.servers.len(), servers);
            assert_eq!(estate.applications.len(), applications);
            assert!(estate.dependencies.len() <= dependencies);
        }
    }
}
