//! The estate: servers, devices, applications, data stores, dependencies and
//! constraints, as plain data.
//!
//! Everything here is owned, serialisable and free of IO. References between
//! records are typed ids ([`ServerId`], [`AppId`], ...) into the vectors of
//! [`Estate`]; names are resolved to ids once, in [`crate::merge`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of the record in its vector of [`Estate`].
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// A server or device: an index into [`Estate::servers`].
    ServerId
);
id_type!(
    /// An application: an index into [`Estate::applications`].
    AppId
);
id_type!(
    /// A data store: an index into [`Estate::datastores`].
    DataStoreId
);
id_type!(
    /// An endpoint outside the inventory: an index into [`Estate::externals`].
    ExternalId
);

/// Declares a closed vocabulary with its canonical spellings and accepted aliases.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $canonical:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( #[doc = concat!("`", $canonical, "`")] $(#[$vmeta])* #[serde(rename = $canonical)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical spelling, as written in the native format and in exports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $canonical,)+ }
            }

            /// Parses a spelling case-insensitively, treating spaces, `_` and `-` alike.
            pub fn parse(text: &str) -> Option<$name> {
                $(
                    if crate::model::vocabulary_eq(text, $canonical)
                        $(|| crate::model::vocabulary_eq(text, $alias))*
                    {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// The accepted canonical spellings, for error messages.
            pub fn expected() -> String {
                [$($canonical),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Whether two spellings are the same word, ignoring case, spaces, `_` and
/// `-` (without allocating: parsing runs once per field of large imports).
pub(crate) fn vocabulary_eq(a: &str, b: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect::<std::vec::Vec<char>>()
    };
    let (mut x, mut y) =
        (a.chars().filter(|c| !matches!(c, ' ' | '_' | '-')), b.chars().filter(|c| !matches!(c, ' ' | '_' | '-')));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) if c == d || c.eq_ignore_ascii_case(&d) => {}
            (Some(c), Some(d)) if !c.is_ascii() || !d.is_ascii() => return letters(a) == letters(b),
            _ => return false,
        }
    }
}

vocabulary!(
    /// The environment a server or application serves.
    Environment {
        Production = "production" | "prod" | "prd" | "live",
        Staging = "staging" | "stage" | "preprod" | "pre-production" | "uat",
        Test = "test" | "tst" | "qa",
        Development = "development" | "dev",
        DisasterRecovery = "dr" | "disaster recovery",
    }
);

impl Environment {
    /// Whether this is production, the environment that carries risk at cutover.
    pub fn is_production(self) -> bool {
        self == Environment::Production
    }
}

vocabulary!(
    /// What kind of machine a server record describes.
    ServerKind {
        VirtualMachine = "vm" | "virtual machine" | "virtual",
        Physical = "physical" | "bare metal" | "baremetal",
        Appliance = "appliance",
        /// A medical or IoT device, or its gateway: never migrates.
        Device = "device" | "iot" | "medical device",
    }
);

vocabulary!(
    /// Power state as the hypervisor or discovery tool reported it.
    PowerState {
        On = "on" | "poweredon" | "running",
        Off = "off" | "poweredoff" | "stopped",
        Suspended = "suspended",
    }
);

vocabulary!(
    /// Operating system family.
    OsFamily {
        Windows = "windows" | "win",
        Linux = "linux",
        Unix = "unix" | "aix" | "solaris" | "hp-ux",
        Other = "other",
    }
);

vocabulary!(
    /// Business criticality, from most to least critical.
    Tier {
        MissionCritical = "mission-critical" | "tier 0" | "tier0" | "critical",
        BusinessCritical = "business-critical" | "tier 1" | "tier1" | "high",
        BusinessOperational = "business-operational" | "tier 2" | "tier2" | "medium",
        Administrative = "administrative" | "tier 3" | "tier3" | "low",
    }
);

vocabulary!(
    /// Migration strategy (the "7 Rs").
    Strategy {
        Rehost = "rehost" | "lift and shift" | "lift-and-shift",
        Replatform = "replatform",
        Refactor = "refactor" | "rearchitect" | "re-architect",
        Repurchase = "repurchase" | "replace" | "saas",
        Retire = "retire" | "decommission",
        Retain = "retain" | "keep" | "stay",
        Relocate = "relocate",
    }
);

impl Strategy {
    /// Whether an application with this strategy moves in a wave.
    pub fn migrates(self) -> bool {
        !matches!(self, Strategy::Retire | Strategy::Retain)
    }
}

vocabulary!(
    /// Disaster-recovery posture, from weakest to strongest.
    DrPosture {
        None = "none" | "no dr",
        Backup = "backup" | "backup and restore" | "backup-restore",
        WarmStandby = "warm-standby" | "warm standby" | "pilot light" | "pilot-light",
        ActiveActive = "active-active" | "active active" | "multi-site",
    }
);

vocabulary!(
    /// What a data store is.
    DataStoreKind {
        Database = "database" | "db",
        FileShare = "file-share" | "file share" | "share" | "nas",
        ObjectStore = "object-store" | "object store" | "bucket",
    }
);

vocabulary!(
    /// How a data store's data reaches the cloud at cutover.
    MigrationMethod {
        /// Stop writes, copy everything, start in the cloud.
        OfflineCopy = "offline-copy" | "offline" | "dump-restore" | "copy",
        /// Replicate ahead of time, catch up the last changes at cutover.
        OnlineReplication = "online-replication" | "online" | "replication" | "cdc",
    }
);

vocabulary!(
    /// Where a dependency record came from.
    DependencyKind {
        /// Seen in connection data.
        Observed = "observed",
        /// Stated by a CMDB or an owner.
        Declared = "declared",
        /// Entered by the planner.
        Manual = "manual",
    }
);

vocabulary!(
    /// The transport protocol of a dependency.
    Protocol {
        Tcp = "tcp",
        Udp = "udp",
        Icmp = "icmp",
        Any = "any" | "",
    }
);

vocabulary!(
    /// What an application is for: ordinary applications move with their
    /// dependents; shared infrastructure (directory, DNS, NTP, monitoring, backup)
    /// serves everything and is reached across the WAN during the migration.
    AppRole {
        Application = "application" | "app" | "business",
        Infrastructure = "infrastructure" | "infra" | "shared infrastructure" | "shared",
    }
);

/// A key=value label. Unknown columns of an import become tags too.
pub type Tags = BTreeMap<String, String>;

/// Which source said what: field name to source label (`servers.csv`, `rvtools`).
pub type Provenance = BTreeMap<String, String>;

/// A server, physical or virtual, or a device (see [`ServerKind::Device`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// The name planners know it by; unique in the estate (case-insensitive).
    pub name: String,
    /// Fully qualified domain name.
    pub fqdn: Option<String>,
    /// IP addresses as text (v4 or v6).
    pub ip_addresses: Vec<String>,
    /// MAC addresses as text.
    pub mac_addresses: Vec<String>,
    /// Operating system family.
    pub os_family: Option<OsFamily>,
    /// Operating system name, as reported.
    pub os_name: Option<String>,
    /// Operating system version, as reported.
    pub os_version: Option<String>,
    /// Virtual or physical cores.
    pub cores: Option<u32>,
    /// Memory in GB.
    pub memory_gb: Option<f64>,
    /// Disk provisioned, GB.
    pub disk_provisioned_gb: Option<f64>,
    /// Disk in use, GB.
    pub disk_used_gb: Option<f64>,
    /// Environment.
    pub environment: Option<Environment>,
    /// Site (campus, building).
    pub site: Option<String>,
    /// Datacenter.
    pub datacenter: Option<String>,
    /// Cluster.
    pub cluster: Option<String>,
    /// Power state.
    pub power_state: Option<PowerState>,
    /// Kind of machine; `None` reads as a virtual machine.
    pub kind: Option<ServerKind>,
    /// For devices: infusion pump, imaging modality, patient monitor, gateway...
    pub device_class: Option<String>,
    /// Free-form labels.
    pub tags: Tags,
    /// Which source set each field.
    pub provenance: Provenance,
}

impl Server {
    /// The kind, defaulting to a virtual machine.
    pub fn kind(&self) -> ServerKind {
        self.kind.unwrap_or(ServerKind::VirtualMachine)
    }

    /// Devices stay on premises whatever their application does.
    pub fn is_device(&self) -> bool {
        self.kind() == ServerKind::Device
    }

    /// Storage that has to be replicated or copied, GB: used if known, else provisioned.
    pub fn storage_gb(&self) -> f64 {
        self.disk_used_gb.or(self.disk_provisioned_gb).unwrap_or(0.0)
    }
}

/// A weekly maintenance window: the days it opens on, the start time and its length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    /// Days on which the window opens (Monday first).
    pub days: Vec<Weekday>,
    /// Local start time.
    pub start: NaiveTime,
    /// Length in minutes; a window past midnight runs into the next day.
    pub minutes: u32,
}

/// A business application: the unit that owners, tiers and strategies attach to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// Unique name (case-insensitive).
    pub name: String,
    /// Owner (person or team).
    pub owner: Option<String>,
    /// Business unit.
    pub business_unit: Option<String>,
    /// Criticality tier.
    pub tier: Option<Tier>,
    /// Recovery time objective, minutes.
    pub rto_minutes: Option<u32>,
    /// Recovery point objective, minutes.
    pub rpo_minutes: Option<u32>,
    /// Migration strategy; `None` reads as rehost.
    pub strategy: Option<Strategy>,
    /// Compliance tags such as PHI or PCI.
    pub compliance: Vec<String>,
    /// When cutovers may happen.
    pub maintenance_window: Option<MaintenanceWindow>,
    /// DR posture today.
    pub dr_current: Option<DrPosture>,
    /// DR posture wanted in the cloud.
    pub dr_target: Option<DrPosture>,
    /// Environment; `None` reads as production.
    pub environment: Option<Environment>,
    /// For a non-production copy: the production application it copies.
    pub copy_of: Option<String>,
    /// Ordinary application or shared infrastructure.
    pub role: Option<AppRole>,
    /// Servers and devices that make up the application.
    pub servers: Vec<ServerId>,
    /// Data stores that belong to the application.
    pub datastores: Vec<DataStoreId>,
    /// Free-form labels.
    pub tags: Tags,
    /// Which source set each field.
    pub provenance: Provenance,
}

impl Application {
    /// The strategy, defaulting to rehost.
    pub fn strategy(&self) -> Strategy {
        self.strategy.unwrap_or(Strategy::Rehost)
    }

    /// The environment, defaulting to production.
    pub fn environment(&self) -> Environment {
        self.environment.unwrap_or(Environment::Production)
    }

    /// The tier, defaulting to business-operational.
    pub fn tier(&self) -> Tier {
        self.tier.unwrap_or(Tier::BusinessOperational)
    }

    /// The role, defaulting to an ordinary application.
    pub fn role(&self) -> AppRole {
        self.role.unwrap_or(AppRole::Application)
    }
}

/// A database, file share or object store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataStore {
    /// Unique name (case-insensitive).
    pub name: String,
    /// What it is; `None` reads as a database.
    pub kind: Option<DataStoreKind>,
    /// Engine (SQL Server 2019, Oracle 19c, NetApp CIFS, ...).
    pub engine: Option<String>,
    /// Size, GB.
    pub size_gb: Option<f64>,
    /// Data changed per day, GB.
    pub change_gb_per_day: Option<f64>,
    /// The server it runs on.
    pub server: Option<ServerId>,
    /// How it moves at cutover; `None` reads as online replication for
    /// databases and offline copy for the rest.
    pub method: Option<MigrationMethod>,
    /// Free-form labels.
    pub tags: Tags,
    /// Which source set each field.
    pub provenance: Provenance,
}

impl DataStore {
    /// The kind, defaulting to a database.
    pub fn kind(&self) -> DataStoreKind {
        self.kind.unwrap_or(DataStoreKind::Database)
    }

    /// The migration method, with the default described on [`DataStore::method`].
    pub fn method(&self) -> MigrationMethod {
        self.method.unwrap_or(match self.kind() {
            DataStoreKind::Database => MigrationMethod::OnlineReplication,
            _ => MigrationMethod::OfflineCopy,
        })
    }
}

/// Something outside the inventory that a dependency reaches: a SaaS API, a
/// partner's interface, an address no source could name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalEndpoint {
    /// Name or address as the source wrote it.
    pub name: String,
}

/// One end of a dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Endpoint {
    /// A server or device.
    Server(ServerId),
    /// An application as a whole.
    Application(AppId),
    /// A data store.
    DataStore(DataStoreId),
    /// Something outside the inventory.
    External(ExternalId),
}

/// `from` depends on `to`: `from` opens connections to, or needs, `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    /// The dependent side (the client).
    pub from: Endpoint,
    /// The side depended on (the service that listens).
    pub to: Endpoint,
    /// Destination port.
    pub port: Option<u16>,
    /// Transport protocol.
    pub protocol: Protocol,
    /// Observed, declared or manual.
    pub kind: DependencyKind,
    /// Connections or bytes per day; 1 when unknown.
    pub weight: f64,
    /// Whether it suffers from WAN latency (database calls, chatty protocols).
    pub latency_sensitive: bool,
    /// The shared-infrastructure role of the service reached (`dns`, `ntp`,
    /// `directory`, `monitoring`, `backup`, ...), when connection data says so.
    /// Such a dependency works across the WAN and does not hold its client back.
    #[serde(default)]
    pub infrastructure: Option<String>,
    /// First seen.
    pub first_seen: Option<NaiveDate>,
    /// Last seen.
    pub last_seen: Option<NaiveDate>,
    /// Source label.
    pub source: String,
}

/// A rule the plan must keep, between applications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Constraint {
    /// These applications move in one wave.
    MoveTogether {
        /// The applications.
        apps: Vec<AppId>,
        /// Why, in the planner's words.
        reason: Option<String>,
    },
    /// These two applications move in different waves.
    KeepApart {
        /// One application.
        a: AppId,
        /// The other.
        b: AppId,
        /// Why.
        reason: Option<String>,
    },
    /// `first` moves in a wave strictly before `then`.
    Before {
        /// Moves first.
        first: AppId,
        /// Moves later.
        then: AppId,
        /// Why.
        reason: Option<String>,
    },
    /// The application moves in this wave (1-based).
    PinWave {
        /// The application.
        app: AppId,
        /// The wave number, 1 for the first.
        wave: u32,
        /// Why.
        reason: Option<String>,
    },
    /// The application's wave starts on or after this date.
    NotBefore {
        /// The application.
        app: AppId,
        /// The date.
        date: NaiveDate,
        /// Why.
        reason: Option<String>,
    },
    /// The application's wave ends on or before this date.
    NotAfter {
        /// The application.
        app: AppId,
        /// The date.
        date: NaiveDate,
        /// Why.
        reason: Option<String>,
    },
}

/// An inventory record left out of planning, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    /// The record's name.
    pub name: String,
    /// Why it was left out.
    pub reason: String,
}

/// Everything known about the estate being migrated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    /// Servers and devices.
    pub servers: Vec<Server>,
    /// Applications.
    pub applications: Vec<Application>,
    /// Data stores.
    pub datastores: Vec<DataStore>,
    /// Endpoints outside the inventory.
    pub externals: Vec<ExternalEndpoint>,
    /// Dependencies.
    pub dependencies: Vec<Dependency>,
    /// Planning constraints.
    pub constraints: Vec<Constraint>,
    /// Records left out of planning.
    pub excluded: Vec<Excluded>,
}

/// Record counts, as import and the CLI report them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstateCounts {
    /// Servers, devices excluded.
    pub servers: usize,
    /// Applications.
    pub applications: usize,
    /// Data stores.
    pub datastores: usize,
    /// Devices.
    pub devices: usize,
    /// Dependencies.
    pub dependencies: usize,
    /// External endpoints.
    pub external_endpoints: usize,
    /// Constraints.
    pub constraints: usize,
}

impl Estate {
    /// The server with this id.
    pub fn server(&self, id: ServerId) -> &Server {
        &self.servers[id.index()]
    }

    /// The application with this id.
    pub fn application(&self, id: AppId) -> &Application {
        &self.applications[id.index()]
    }

    /// The data store with this id.
    pub fn datastore(&self, id: DataStoreId) -> &DataStore {
        &self.datastores[id.index()]
    }

    /// The application ids, in order.
    pub fn app_ids(&self) -> impl DoubleEndedIterator<Item = AppId> + ExactSizeIterator + '_ {
        (0..self.applications.len() as u32).map(AppId)
    }

    /// The server ids, in order.
    pub fn server_ids(&self) -> impl DoubleEndedIterator<Item = ServerId> + ExactSizeIterator + '_ {
        (0..self.servers.len() as u32).map(ServerId)
    }

    /// The name of an endpoint, for messages and exports.
    pub fn endpoint_name(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::Server(id) => &self.server(id).name,
            Endpoint::Application(id) => &self.application(id).name,
            Endpoint::DataStore(id) => &self.datastore(id).name,
            Endpoint::External(id) => &self.externals[id.index()].name,
        }
    }

    /// How many records of each kind the estate holds.
    pub fn counts(&self) -> EstateCounts {
        let devices = self.servers.iter().filter(|s| s.is_device()).count();
        EstateCounts {
            servers: self.servers.len() - devices,
            applications: self.applications.len(),
            datastores: self.datastores.len(),
            devices,
            dependencies: self.dependencies.len(),
            external_endpoints: self.externals.len(),
            constraints: self.constraints.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_parses_aliases_and_spacing() {
        assert_eq!(Tier::parse("Mission Critical"), Some(Tier::MissionCritical));
        assert_eq!(Tier::parse("tier_1"), Some(Tier::BusinessCritical));
        assert_eq!(DrPosture::parse("Warm standby"), Some(DrPosture::WarmStandby));
        assert_eq!(Environment::parse(" PROD "), Some(Environment::Production));
        assert_eq!(Strategy::parse("lift and shift"), Some(Strategy::Rehost));
        assert_eq!(Strategy::parse("teleport"), None);
    }

    #[test]
    fn defaults_read_as_documented() {
        let store = DataStore { kind: Some(DataStoreKind::FileShare), ..Default::default() };
        assert_eq!(store.method(), MigrationMethod::OfflineCopy);
        assert_eq!(DataStore::default().method(), MigrationMethod::OnlineReplication);
        assert_eq!(Application::default().strategy(), Strategy::Rehost);
        assert!(!Strategy::Retain.migrates());
    }
}

const DAY_NAMES: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

fn parse_day(text: &str) -> Option<Weekday> {
    let text = text.trim().to_lowercase();
    DAY_NAMES.iter().find(|(short, _)| text.len() >= 3 && text.starts_with(short)).map(|&(_, day)| day)
}

fn day_name(day: Weekday) -> String {
    let short = DAY_NAMES[day.num_days_from_monday() as usize].0;
    let mut name = short.to_string();
    name[..1].make_ascii_uppercase();
    name
}

impl MaintenanceWindow {
    /// Parses `Sun 01:00-05:00`, `Sat-Sun 22:00-06:00`, `Mon,Wed 20:00-23:00`,
    /// `daily 02:00-04:00` or `weekdays 19:00-23:00`. An end at or before the
    /// start runs past midnight.
    pub fn parse(text: &str) -> Result<MaintenanceWindow, String> {
        let expected = "expected days and times such as 'Sun 01:00-05:00' or 'Sat-Sun 22:00-06:00'";
        let text = text.trim();
        let (days_text, times_text) = text.rsplit_once(char::is_whitespace).ok_or_else(|| expected.to_string())?;
        let mut days = Vec::new();
        for part in days_text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_lowercase().as_str() {
                "daily" | "every day" | "everyday" => days.extend(DAY_NAMES.iter().map(|&(_, d)| d)),
                "weekdays" => days.extend(DAY_NAMES[..5].iter().map(|&(_, d)| d)),
                "weekends" | "weekend" => days.extend([Weekday::Sat, Weekday::Sun]),
                _ => {
                    let (first, last) = part.split_once('-').unwrap_or((part, part));
                    let (Some(first), Some(last)) = (parse_day(first), parse_day(last)) else {
                        return Err(format!("'{part}' is not a day; {expected}"));
                    };
                    let mut day = first;
                    days.push(day);
                    while day != last {
                        day = day.succ();
                        days.push(day);
                    }
                }
            }
        }
        if days.is_empty() {
            return Err(expected.to_string());
        }
        days.sort_by_key(|d| d.num_days_from_monday());
        days.dedup();
        let (start, end) = times_text.split_once('-').ok_or_else(|| expected.to_string())?;
        let parse_time = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| format!("'{}' is not a time (HH:MM); {expected}", t.trim()))
        };
        let (start, end) = (parse_time(start)?, parse_time(end)?);
        let mut minutes = (end - start).num_minutes();
        if minutes <= 0 {
            minutes += 24 * 60;
        }
        Ok(MaintenanceWindow { days, start, minutes: minutes as u32 })
    }

    /// The end time of the window (possibly on the next day).
    pub fn end(&self) -> NaiveTime {
        self.start + chrono::Duration::minutes(i64::from(self.minutes))
    }
}

impl fmt::Display for MaintenanceWindow {
    /// The form [`MaintenanceWindow::parse`] reads: `Sat-Sun 22:00-06:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days: Vec<u32> = self.days.iter().map(|d| d.num_days_from_monday()).collect();
        let contiguous = days.windows(2).all(|w| w[1] == w[0] + 1);
        let day_text = if days.len() == 7 {
            "daily".to_string()
        } else if contiguous && days.len() > 2 {
            format!("{}-{}", day_name(self.days[0]), day_name(*self.days.last().unwrap_or(&self.days[0])))
        } else if contiguous && days.len() == 2 {
            format!("{}-{}", day_name(self.days[0]), day_name(self.days[1]))
        } else {
            self.days.iter().map(|&d| day_name(d)).collect::<Vec<_>>().join(",")
        };
        write!(f, "{day_text} {}-{}", self.start.format("%H:%M"), self.end().format("%H:%M"))
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn parses_and_prints_windows() {
        for (text, days, minutes, printed) in [
            ("Sun 01:00-05:00", 1, 240, "Sun 01:00-05:00"),
            ("Sat-Sun 22:00-06:00", 2, 480, "Sat-Sun 22:00-06:00"),
            ("mon,wed 20:00-23:30", 2, 210, "Mon,Wed 20:00-23:30"),
            ("daily 02:00-04:00", 7, 120, "daily 02:00-04:00"),
            ("Fri-Mon 23:00-03:00", 4, 240, "Mon,Fri,Sat,Sun 23:00-03:00"),
        ] {
            let window = MaintenanceWindow::parse(text).unwrap();
            assert_eq!((window.days.len(), window.minutes), (days, minutes), "{text}");
            assert_eq!(window.to_string(), printed);
            assert_eq!(MaintenanceWindow::parse(printed).unwrap(), window);
        }
        assert!(MaintenanceWindow::parse("Funday 01:00-02:00").unwrap_err().contains("'Funday' is not a day"));
        assert!(MaintenanceWindow::parse("Sun 25:00-02:00").is_err());
    }
}
