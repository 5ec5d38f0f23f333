//! Aggregation of raw connection records into dependencies, and the rules
//! that classify them (shared infrastructure by port and role, latency
//! sensitivity by port).
//!
//! Memory grows with the number of distinct (source, destination, port,
//! protocol) aggregates, never with the number of records read: names,
//! addresses and process names are interned, and each aggregate keeps a
//! count, a byte total, first and last seen, and its set of time slots
//! (bounded by the span of the data, not its size). Must not hold records.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::net::IpAddr;

use chrono::{DateTime, NaiveDateTime};
use waveplan_core::merge::{DependencyRecord, Located, NameRef, RefKind};
use waveplan_core::{DependencyKind, Diagnostic, Origin, Protocol, Severity};

/// The length of a time slot in seconds: six hours, as Azure Migrate's
/// dependency export slices time. Flow logs and timestamped captures are cut
/// into the same slots so that counts compare.
pub const TIME_SLOT_SECONDS: i64 = 6 * 3600;

/// What the weight of an observed dependency measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WeightBasis {
    /// The number of records seen: sockets in a capture, flow-log records,
    /// rows (connection and time slot) of an Azure Migrate export.
    #[default]
    Observations,
    /// Bytes per day over the days between first and last seen, where the
    /// source gives bytes (VPC flow logs); the observation count elsewhere.
    BytesPerDay,
}

/// Which destination ports are shared infrastructure, and in which role.
///
/// Infrastructure dependencies are kept (they are real) but classified, so
/// that the planner neither glues the whole estate into one move group
/// through the DNS servers nor loses sight of them. A project keeps its own
/// list (as JSON, `{"ports": {"53": "dns"}, "domain_controller_ports": {...}}`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InfrastructureRules {
    /// Destination port → role (`dns`, `ntp`, `kerberos`, `directory`, ...).
    #[serde(default)]
    pub ports: BTreeMap<u16, String>,
    /// Ports that are infrastructure only towards a domain controller (a
    /// destination also seen serving a `kerberos` or `directory` port, or a
    /// captured host listening on one): SMB to a domain controller is SYSVOL
    /// and NETLOGON, SMB to a file server is an application dependency.
    #[serde(default)]
    pub domain_controller_ports: BTreeMap<u16, String>,
}

impl InfrastructureRules {
    /// Roles whose servers are domain controllers.
    pub const DOMAIN_CONTROLLER_ROLES: &'static [&'static str] = &["kerberos", "directory"];

    /// The role of a destination port, given whether the destination is a
    /// domain controller.
    pub fn role(&self, port: u16, to_domain_controller: bool) -> Option<&str> {
        self.ports
            .get(&port)
            .or_else(|| self.domain_controller_ports.get(&port).filter(|_| to_domain_controller))
            .map(String::as_str)
    }

    /// Whether serving this port makes a server a domain controller.
    pub fn marks_domain_controller(&self, port: u16) -> bool {
        self.ports.get(&port).is_some_and(|role| Self::DOMAIN_CONTROLLER_ROLES.contains(&role.as_str()))
    }
}

impl Default for InfrastructureRules {
    /// DNS, NTP, Kerberos, LDAP and the global catalog, SNMP, syslog, the
    /// common monitoring agents (NRPE, Zabbix, Prometheus node exporter,
    /// SCOM, Splunk forwarders), backup (NetBackup, NDMP), DHCP and WSUS;
    /// SMB, NetBIOS session and RPC endpoint mapper towards domain controllers.
    fn default() -> Self {
        let ports: &[(u16, &str)] = &[
            (53, "dns"),
            (67, "dhcp"),
            (68, "dhcp"),
            (88, "kerberos"),
            (123, "ntp"),
            (161, "snmp"),
            (162, "snmp"),
            (389, "directory"),
            (464, "kerberos"),
            (514, "syslog"),
            (636, "directory"),
            (1556, "netbackup"),
            (3268, "directory"),
            (3269, "directory"),
            (4750, "scom"),
            (5666, "nrpe"),
            (5723, "scom"),
            (6514, "syslog"),
            (8089, "splunk"),
            (8530, "wsus"),
            (8531, "wsus"),
            (9100, "node-exporter"),
            (9997, "splunk"),
            (10000, "ndmp"),
            (10050, "zabbix"),
            (10051, "zabbix"),
            (13724, "netbackup"),
            (13782, "netbackup"),
        ];
        let domain_controller_ports: &[(u16, &str)] = &[(135, "rpc"), (139, "smb"), (445, "smb")];
        let map = |list: &[(u16, &str)]| list.iter().map(|&(port, role)| (port, role.to_string())).collect();
        InfrastructureRules { ports: map(ports), domain_controller_ports: map(domain_controller_ports) }
    }
}

/// How connection data becomes dependencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionRules {
    /// Shared infrastructure by port.
    pub infrastructure: InfrastructureRules,
    /// Destination ports whose dependencies suffer from WAN latency
    /// (database protocols).
    pub latency_sensitive_ports: BTreeSet<u16>,
    /// What the weight measures.
    pub weight: WeightBasis,
}

impl Default for ConnectionRules {
    /// The default infrastructure list; SQL Server 1433, Oracle 1521 and
    /// 1522, Derby and Oracle's alternative 1527, MySQL 3306, PostgreSQL 5432
    /// and Db2 50000 as latency-sensitive; weight by observations.
    fn default() -> Self {
        ConnectionRules {
            infrastructure: InfrastructureRules::default(),
            latency_sensitive_ports: [1433, 1521, 1522, 1527, 3306, 5432, 50000].into_iter().collect(),
            weight: WeightBasis::default(),
        }
    }
}

/// Ports that name a service although they are above 1023, for telling the
/// service side of a flow that carries no listening information.
const COMMON_SERVICE_PORTS: &[u16] = &[
    1080, 1194, 1433, 1434, 1521, 1522, 1527, 1883, 2049, 2181, 2375, 2376, 2379, 2380, 3000, 3260, 3306, 3389, 4369,
    5000, 5044, 5060, 5222, 5432, 5601, 5671, 5672, 5900, 5984, 5985, 5986, 6379, 6443, 7001, 7002, 7199, 8000, 8008,
    8080, 8081, 8086, 8088, 8443, 8500, 8888, 9000, 9042, 9090, 9092, 9093, 9200, 9300, 9418, 11211, 15672, 27017,
    50000,
];

impl ConnectionRules {
    /// Whether a port names a service: below 1024, or an infrastructure,
    /// latency-sensitive or commonly used service port.
    pub fn is_service_port(&self, port: u16) -> bool {
        port < 1024
            || self.infrastructure.ports.contains_key(&port)
            || self.infrastructure.domain_controller_ports.contains_key(&port)
            || self.latency_sensitive_ports.contains(&port)
            || COMMON_SERVICE_PORTS.contains(&port)
    }

    /// Which side of a flow with no listening information is the service,
    /// from its two ports: `true` when it is the side of `first`.
    ///
    /// The rule: a service port (see [`ConnectionRules::is_service_port`])
    /// ranks first, then ports 1024 to 32767, then ports from 32768 up (the
    /// ephemeral ranges of Linux, 32768–60999, and Windows, 49152–65535); the
    /// better-ranked side is the service; on equal ranks the lower port; on
    /// equal ports the second side (the destination as written).
    pub fn first_is_service(&self, first: u16, second: u16) -> bool {
        let rank = |port: u16| {
            if self.is_service_port(port) {
                0
            } else if port < 32768 {
                1
            } else {
                2
            }
        };
        (rank(first), first) < (rank(second), second)
    }
}

/// One end of an aggregated connection.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectionEnd {
    /// A server named by the source (a captured host, an Azure Migrate
    /// server name, a host name in a capture taken without `-n`).
    Server(String),
    /// An IP address, resolved to a server by merge or kept as an external endpoint.
    Address(IpAddr),
}

impl ConnectionEnd {
    /// The name and kind a dependency record refers to this end by.
    pub fn name_ref(&self, column: Option<u64>) -> NameRef {
        match self {
            ConnectionEnd::Server(name) => NameRef { name: name.clone(), kind: Some(RefKind::Server), column },
            ConnectionEnd::Address(ip) => NameRef { name: ip.to_string(), kind: Some(RefKind::Address), column },
        }
    }
}

impl std::fmt::Display for ConnectionEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectionEnd::Server(name) => f.write_str(name),
            ConnectionEnd::Address(ip) => write!(f, "{ip}"),
        }
    }
}

/// An end as a reader sees it, borrowed from the line being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EndRef<'a> {
    /// A server name.
    Server(&'a str),
    /// An address.
    Address(IpAddr),
    /// An end already known to the aggregator.
    Id(EndId),
}

/// One raw connection record, as a reader hands it to the aggregator.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Observation<'a> {
    /// The client.
    pub from: EndRef<'a>,
    /// The service.
    pub to: EndRef<'a>,
    /// Destination (service) port.
    pub port: Option<u16>,
    /// Protocol.
    pub protocol: Protocol,
    /// Bytes, when the source counts them.
    pub bytes: Option<u64>,
    /// First and last second seen (Unix time, or naive time read as UTC).
    pub seen: Option<(i64, i64)>,
    /// The client process, when the source names it (bytes, decoded only
    /// when kept: UTF-8, else Windows-1252).
    pub client_process: Option<&'a [u8]>,
    /// The service process, when the source names it.
    pub server_process: Option<&'a [u8]>,
    /// The file, as interned by [`ConnectionAggregator::file_id`].
    pub file: u32,
    /// The line read.
    pub line: u64,
    /// The column of the client, for diagnostics.
    pub from_column: Option<u64>,
    /// The column of the service.
    pub to_column: Option<u64>,
}

/// The aggregator's id of a connection end.
pub(crate) type EndId = u32;

/// The aggregator's id of an aggregate.
pub(crate) type AggregateId = u32;

/// A fast hasher for the aggregator's maps (the multiply-rotate hash of
/// rustc's `FxHasher`): the maps are looked up several times per record,
/// and their keys are names and addresses from the user's own files, so the
/// protection of the default hasher against chosen collisions is not needed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FastHasher {
    hash: u64,
}

impl FastHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

/// The first 16 bytes of `bytes` (which has as many), little-endian.
fn word128(bytes: &[u8]) -> u128 {
    let mut word = [0u8; 16];
    word.copy_from_slice(&bytes[..16]);
    u128::from_le_bytes(word)
}

/// The first 8 bytes of `bytes` (which has as many), little-endian.
fn word64(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(word)
}

/// The first 4 bytes of `bytes` (which has as many), little-endian.
fn word32(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[..4]);
    u64::from(u32::from_le_bytes(word))
}

/// Whether two byte strings are equal, by whole-word compares of their
/// first and last words up to 32 bytes: the cells compared on every row
/// (server names, addresses, time slots) are that short, and a call to
/// `memcmp` for each costs more than the compare.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..4 => (a[0], a[n / 2], a[n - 1]) == (b[0], b[n / 2], b[n - 1]),
        4..8 => word32(a) == word32(b) && word32(&a[n - 4..]) == word32(&b[n - 4..]),
        8..16 => word64(a) == word64(b) && word64(&a[n - 8..]) == word64(&b[n - 8..]),
        16..=32 => word128(a) == word128(b) && word128(&a[n - 16..]) == word128(&b[n - 16..]),
        _ => a == b,
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(word64(chunk));
        }
        // The last 1 to 7 bytes, read as whole words (overlapping ones
        // already read when there are): copying them into a zeroed word
        // first stalls the load that follows the copy.
        let rest = chunks.remainder().len();
        let tail = match bytes.len() {
            _ if rest == 0 => return,
            8.. => word64(&bytes[bytes.len() - 8..]),
            4.. => word32(bytes) | word32(&bytes[bytes.len() - 4..]) << 32,
            _ => u64::from(bytes[0]) | u64::from(bytes[rest / 2]) << 8 | u64::from(bytes[rest - 1]) << 16,
        };
        self.add(tail ^ ((rest as u64) << 56));
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u16(&mut self, value: u16) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // The high bits of a product mix all of its input, the low bits
        // only the input's low bits; hash tables pick buckets by the low
        // bits, so the high ones are turned down to them (as rustc-hash 2 does).
        self.hash.rotate_left(26)
    }
}

/// A hash map with the fast hasher.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AggregateKey {
    from: EndId,
    to: EndId,
    port: Option<u16>,
    protocol: Protocol,
}

impl Hash for AggregateKey {
    /// Two words, not five fields: this key is hashed once per record.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(u64::from(self.from) << 32 | u64::from(self.to));
        state.write_u32(self.port.map_or(1 << 16, u32::from) | (self.protocol as u32) << 17);
    }
}

impl AggregateKey {
    fn fast_hash(&self) -> u64 {
        let mut hasher = FastHasher::default();
        self.hash(&mut hasher);
        hasher.finish()
    }
}

/// What every record adds to its aggregate. It lives in the aggregate
/// index itself ([`IndexEntry`]), so that the one lookup a record makes
/// brings in its tally too: the records of a large export hit thousands of
/// aggregates in no order, and each should cost one line of memory.
#[derive(Clone, Debug)]
struct Tally {
    /// The aggregate's position in [`ConnectionAggregator::aggregates`].
    id: AggregateId,
    observations: u64,
    /// Bytes, meaningful when `bytes_known`.
    bytes: u64,
    bytes_known: bool,
    /// First and last second seen; none seen while `first_seen > last_seen`.
    first_seen: i64,
    last_seen: i64,
    /// The run of consecutive time slots the latest slot belongs to, when a
    /// time was seen: the highest run (lower ones are in
    /// [`Aggregate::earlier_slots`]).
    latest_slots: SlotRun,
    has_client_process: bool,
    has_server_process: bool,
}

impl Tally {
    fn new(id: AggregateId) -> Tally {
        Tally {
            id,
            observations: 0,
            bytes: 0,
            bytes_known: false,
            first_seen: i64::MAX,
            last_seen: i64::MIN,
            latest_slots: SlotRun { first: 0, last: 0 },
            has_client_process: false,
            has_server_process: false,
        }
    }

    /// First and last second seen.
    fn seen(&self) -> Option<(i64, i64)> {
        (self.first_seen <= self.last_seen).then_some((self.first_seen, self.last_seen))
    }

    fn bytes(&self) -> Option<u64> {
        self.bytes_known.then_some(self.bytes)
    }
}

/// An entry of the aggregate index: the key and its tally, aligned to a
/// cache line (they fill one).
#[derive(Clone, Debug)]
#[repr(align(64))]
struct IndexEntry {
    key: AggregateKey,
    tally: Tally,
}

const _: () = assert!(std::mem::size_of::<IndexEntry>() == 64, "an index entry fills one cache line");

/// Consecutive time slots, first to last (slot numbers are seconds /
/// [`TIME_SLOT_SECONDS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SlotRun {
    first: u32,
    last: u32,
}

impl SlotRun {
    fn len(self) -> usize {
        (self.last - self.first) as usize + 1
    }
}

/// Adds a time slot to the set held as `earlier` (sorted, disjoint,
/// non-adjacent runs) and `latest` (the highest run, above all of
/// `earlier` by more than one slot). The usual case, a slot already in the
/// latest run or just after it, touches `latest` only: an export lists its
/// time slots in order, so a connection seen in every slot keeps one run.
fn add_slot(run: &mut SlotRun, earlier: &mut Vec<SlotRun>, slot: u32) {
    if (run.first..=run.last).contains(&slot) {
        return;
    }
    if slot > run.last {
        if slot == run.last + 1 {
            run.last = slot;
        } else {
            earlier.push(*run);
            *run = SlotRun { first: slot, last: slot };
        }
        return;
    }
    // Below the latest run: seen out of order.
    if slot + 1 == run.first {
        run.first = slot;
        if let Some(below) = earlier.last()
            && below.last + 1 == slot
        {
            run.first = below.first;
            earlier.pop();
        }
        return;
    }
    // The first run that contains the slot or ends just before it.
    let at = earlier.partition_point(|r| r.last.saturating_add(1) < slot);
    match earlier.get(at).copied() {
        Some(r) if r.first <= slot && slot <= r.last => {}
        Some(r) if r.last + 1 == slot => {
            earlier[at].last = slot;
            if let Some(next) = earlier.get(at + 1).copied()
                && next.first == slot + 1
            {
                earlier[at].last = next.last;
                earlier.remove(at + 1);
            }
        }
        Some(r) if slot + 1 == r.first => earlier[at].first = slot,
        _ => earlier.insert(at, SlotRun { first: slot, last: slot }),
    }
}

/// What the first record of an aggregate sets, and the rarely touched rest.
#[derive(Clone, Debug)]
struct Aggregate {
    key: AggregateKey,
    /// Runs of time slots below [`Tally::latest_slots`], lowest first.
    earlier_slots: Vec<SlotRun>,
    client_process: Option<u32>,
    server_process: Option<u32>,
    file: u32,
    line: u64,
    from_column: Option<u64>,
    to_column: Option<u64>,
}

impl Aggregate {
    /// Distinct time slots seen in.
    fn time_slots(&self, tally: &Tally) -> usize {
        let latest = tally.seen().map_or(0, |_| tally.latest_slots.len());
        self.earlier_slots.iter().map(|run| run.len()).sum::<usize>() + latest
    }
}

/// A connection aggregate, as [`ConnectionAggregator::aggregates`] lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionAggregate {
    /// The client.
    pub from: ConnectionEnd,
    /// The service.
    pub to: ConnectionEnd,
    /// Destination port.
    pub port: Option<u16>,
    /// Protocol.
    pub protocol: Protocol,
    /// Records seen (sockets, flow-log records, export rows).
    pub observations: u64,
    /// Bytes, when the source counts them.
    pub bytes: Option<u64>,
    /// First seen.
    pub first_seen: Option<NaiveDateTime>,
    /// Last seen.
    pub last_seen: Option<NaiveDateTime>,
    /// Distinct six-hour time slots seen in.
    pub time_slots: usize,
    /// The client process first named.
    pub client_process: Option<String>,
    /// The service process first named.
    pub server_process: Option<String>,
    /// The file it was first seen in.
    pub file: String,
    /// The line it was first seen on.
    pub line: u64,
    /// The shared-infrastructure role, if the destination port has one.
    pub infrastructure: Option<String>,
}

/// What one file held, counted while it was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSummary {
    /// The file.
    pub file: String,
    /// The format id it was read as.
    pub format: &'static str,
    /// The host of a capture.
    pub host: Option<String>,
    /// Lines (or CSV records) read.
    pub lines: u64,
    /// Connections handed to the aggregator.
    pub connections: u64,
    /// Listening or bound sockets (captures).
    pub listening_sockets: u64,
    /// Connections ignored because an end is loopback.
    pub loopback: u64,
    /// Connections ignored because an end is link-local.
    pub link_local: u64,
    /// Connections of a host to itself, ignored.
    pub to_itself: u64,
    /// Flow-log records with action `REJECT`: not dependencies.
    pub rejected: u64,
    /// Flow-log `NODATA` records.
    pub no_data: u64,
    /// Flow-log `SKIPDATA` records.
    pub skip_data: u64,
    /// ICMP flow-log records: no port, and requests and replies go both ways.
    pub icmp: u64,
    /// Lines or rows that could not be taken (each reported).
    pub unreadable: u64,
}

impl FileSummary {
    /// A summary for a file read as a format.
    pub fn new(file: &str, format: &'static str) -> FileSummary {
        FileSummary { file: file.to_string(), format, ..FileSummary::default() }
    }

    /// The summary in words, for an informational diagnostic.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("{} connections read", self.connections)];
        let counts = [
            (self.listening_sockets, "listening sockets"),
            (self.rejected, "rejected flows (not dependencies)"),
            (self.no_data, "NODATA records"),
            (self.skip_data, "SKIPDATA records"),
            (self.icmp, "ICMP records (not dependencies)"),
            (self.loopback, "loopback connections ignored"),
            (self.link_local, "link-local connections ignored"),
            (self.to_itself, "connections to itself ignored"),
            (self.unreadable, "lines not taken"),
        ];
        parts.extend(counts.iter().filter(|(count, _)| *count > 0).map(|(count, what)| format!("{count} {what}")));
        let host = self.host.as_ref().map(|h| format!(" (host {h})")).unwrap_or_default();
        format!("{} as {}{host}: {}", self.file, self.format, parts.join(", "))
    }
}

/// What [`ConnectionAggregator::finish`] reports besides the records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionReport {
    /// What each file held.
    pub files: Vec<FileSummary>,
}

/// Accumulates connection records into aggregates per (source, destination,
/// destination port, protocol), with memory independent of the number of
/// records. Feed it with the `read_*` functions of [`crate::connections`],
/// then call [`ConnectionAggregator::finish`].
#[derive(Debug, Default)]
pub struct ConnectionAggregator {
    rules: ConnectionRules,
    ends: Vec<ConnectionEnd>,
    server_ids: HashMap<String, EndId>,
    server_ids_folded: HashMap<String, EndId>,
    address_ids: HashMap<IpAddr, EndId>,
    strings: Vec<String>,
    string_ids: HashMap<Vec<u8>, u32>,
    files: Vec<String>,
    /// Per aggregate, the rest of what it holds (its tally is in the index).
    aggregates: Vec<Aggregate>,
    aggregate_index: hashbrown::HashTable<IndexEntry>,
    listening: HashMap<EndId, BTreeSet<(Protocol, u16)>>,
    host_addresses: HashMap<EndId, BTreeSet<IpAddr>>,
    summaries: Vec<FileSummary>,
}

fn to_datetime(seconds: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
}

impl ConnectionAggregator {
    /// An empty aggregator with these rules.
    pub fn new(rules: ConnectionRules) -> ConnectionAggregator {
        ConnectionAggregator { rules, ..ConnectionAggregator::default() }
    }

    /// The rules in use.
    pub fn rules(&self) -> &ConnectionRules {
        &self.rules
    }

    /// The number of aggregates so far.
    pub fn len(&self) -> usize {
        self.aggregates.len()
    }

    /// Whether nothing was aggregated yet.
    pub fn is_empty(&self) -> bool {
        self.aggregates.is_empty()
    }

    pub(crate) fn end_id(&mut self, end: EndRef<'_>) -> EndId {
        match end {
            EndRef::Id(id) => id,
            EndRef::Address(ip) => {
                if let Some(&id) = self.address_ids.get(&ip) {
                    return id;
                }
                let id = self.ends.len() as EndId;
                self.ends.push(ConnectionEnd::Address(ip));
                self.address_ids.insert(ip, id);
                id
            }
            EndRef::Server(name) => {
                if let Some(&id) = self.server_ids.get(name) {
                    return id;
                }
                // Names are compared case-insensitively, as merge compares them.
                let folded = name.to_lowercase();
                let id = match self.server_ids_folded.get(&folded) {
                    Some(&id) => id,
                    None => {
                        let id = self.ends.len() as EndId;
                        self.ends.push(ConnectionEnd::Server(name.to_string()));
                        self.server_ids_folded.insert(folded, id);
                        id
                    }
                };
                self.server_ids.insert(name.to_string(), id);
                id
            }
        }
    }

    fn string_id(&mut self, text: &[u8]) -> u32 {
        if let Some(&id) = self.string_ids.get(text) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(super::lines::decode_field(text).into_owned());
        self.string_ids.insert(text.to_vec(), id);
        id
    }

    /// The id of a file name, for [`Observation::file`].
    pub(crate) fn file_id(&mut self, file: &str) -> u32 {
        match self.files.iter().position(|f| f == file) {
            Some(id) => id as u32,
            None => {
                self.files.push(file.to_string());
                (self.files.len() - 1) as u32
            }
        }
    }

    /// Adds one record to the aggregate of its ends, port and protocol.
    pub(crate) fn add(&mut self, observation: Observation<'_>) {
        let from = self.end_id(observation.from);
        let to = self.end_id(observation.to);
        let key = AggregateKey { from, to, port: observation.port, protocol: observation.protocol };
        let hash = key.fast_hash();
        let entry = match self.aggregate_index.find_mut(hash, |entry| entry.key == key) {
            Some(entry) => entry,
            None => {
                let id = self.aggregates.len() as AggregateId;
                self.aggregates.push(Aggregate {
                    key,
                    earlier_slots: Vec::new(),
                    client_process: None,
                    server_process: None,
                    file: observation.file,
                    line: observation.line,
                    from_column: observation.from_column,
                    to_column: observation.to_column,
                });
                let hasher = |entry: &IndexEntry| entry.key.fast_hash();
                self.aggregate_index.insert_unique(hash, IndexEntry { key, tally: Tally::new(id) }, hasher).into_mut()
            }
        };
        let tally = &mut entry.tally;
        tally.observations += 1;
        if let Some(bytes) = observation.bytes {
            tally.bytes = tally.bytes.saturating_add(bytes);
            tally.bytes_known = true;
        }
        if let Some((first, last)) = observation.seen {
            let slot = u32::try_from(first.div_euclid(TIME_SLOT_SECONDS)).unwrap_or(0);
            if tally.seen().is_none() {
                tally.latest_slots = SlotRun { first: slot, last: slot };
            } else {
                add_slot(&mut tally.latest_slots, &mut self.aggregates[tally.id as usize].earlier_slots, slot);
            }
            // A record that ends before it starts (damaged data) still
            // counts as seen over the span it names.
            tally.first_seen = tally.first_seen.min(first.min(last));
            tally.last_seen = tally.last_seen.max(first.max(last));
        }
        // Processes are interned only while the aggregate has none yet.
        let needs_client = !tally.has_client_process && observation.client_process.is_some();
        let needs_server = !tally.has_server_process && observation.server_process.is_some();
        if !needs_client && !needs_server {
            return;
        }
        tally.has_client_process |= needs_client;
        tally.has_server_process |= needs_server;
        let id = tally.id as usize;
        let client = observation.client_process.filter(|_| needs_client).map(|p| self.string_id(p));
        let server = observation.server_process.filter(|_| needs_server).map(|p| self.string_id(p));
        let aggregate = &mut self.aggregates[id];
        aggregate.client_process = aggregate.client_process.or(client);
        aggregate.server_process = aggregate.server_process.or(server);
    }

    /// Records that a captured host listens on (or has bound) a port.
    pub(crate) fn add_listening(&mut self, host: EndId, protocol: Protocol, port: u16) {
        self.listening.entry(host).or_default().insert((protocol, port));
    }

    /// Whether a captured host was seen listening on a port.
    pub(crate) fn is_listening(&self, host: EndId, protocol: Protocol, port: u16) -> bool {
        self.listening.get(&host).is_some_and(|ports| ports.contains(&(protocol, port)))
    }

    /// Records an address a captured host has (a local address of its sockets).
    pub(crate) fn add_host_address(&mut self, host: EndId, address: IpAddr) {
        self.host_addresses.entry(host).or_default().insert(address);
    }

    /// Records what a file held.
    pub(crate) fn add_summary(&mut self, summary: FileSummary) {
        self.summaries.push(summary);
    }

    /// The ports a captured host was seen listening on (TCP) or bound to (UDP).
    pub fn listening_ports(&self, host: &str) -> Vec<(Protocol, u16)> {
        let id = self.server_ids.get(host).or_else(|| self.server_ids_folded.get(&host.to_lowercase()));
        id.and_then(|id| self.listening.get(id)).map(|ports| ports.iter().copied().collect()).unwrap_or_default()
    }

    /// The addresses each captured host was seen to have (local addresses of
    /// its sockets, loopback and link-local left out): what merge needs to
    /// resolve other hosts' connections to it, if the inventory lacks them.
    pub fn host_addresses(&self) -> BTreeMap<String, Vec<IpAddr>> {
        self.host_addresses
            .iter()
            .map(|(&id, addresses)| (self.ends[id as usize].to_string(), addresses.iter().copied().collect()))
            .collect()
    }

    /// What each file read so far held.
    pub fn file_summaries(&self) -> &[FileSummary] {
        &self.summaries
    }

    /// The servers that are domain controllers: destinations of a Kerberos
    /// or directory port, and captured hosts listening on one.
    fn domain_controllers(&self) -> HashSet<EndId> {
        let infrastructure = &self.rules.infrastructure;
        let served = self
            .aggregates
            .iter()
            .map(|aggregate| &aggregate.key)
            .filter(|key| key.port.is_some_and(|port| infrastructure.marks_domain_controller(port)))
            .map(|key| key.to);
        let listening = self
            .listening
            .iter()
            .filter(|(_, ports)| {
                ports
                    .iter()
                    .any(|&(protocol, port)| protocol == Protocol::Tcp && infrastructure.marks_domain_controller(port))
            })
            .map(|(&host, _)| host);
        served.chain(listening).collect()
    }

    /// The aggregates with their tallies, in the order first seen.
    fn sorted(&self) -> Vec<(&Aggregate, &Tally)> {
        let mut tallies: Vec<Option<&Tally>> = vec![None; self.aggregates.len()];
        for entry in &self.aggregate_index {
            tallies[entry.tally.id as usize] = Some(&entry.tally);
        }
        let mut sorted: Vec<_> =
            self.aggregates.iter().zip(tallies).filter_map(|(aggregate, tally)| Some((aggregate, tally?))).collect();
        sorted.sort_by_key(|(aggregate, _)| {
            let key = &aggregate.key;
            (aggregate.file, aggregate.line, key.from, key.to, key.port, key.protocol)
        });
        sorted
    }

    fn role(&self, key: &AggregateKey, domain_controllers: &HashSet<EndId>) -> Option<String> {
        let port = key.port?;
        self.rules.infrastructure.role(port, domain_controllers.contains(&key.to)).map(str::to_string)
    }

    /// The aggregates so far, in the order first seen (file, then line).
    pub fn aggregates(&self) -> Vec<ConnectionAggregate> {
        let domain_controllers = self.domain_controllers();
        let text = |id: Option<u32>| id.map(|id| self.strings[id as usize].clone());
        self.sorted()
            .into_iter()
            .map(|(aggregate, tally)| {
                let key = &aggregate.key;
                ConnectionAggregate {
                    from: self.ends[key.from as usize].clone(),
                    to: self.ends[key.to as usize].clone(),
                    port: key.port,
                    protocol: key.protocol,
                    observations: tally.observations,
                    bytes: tally.bytes(),
                    first_seen: tally.seen().and_then(|(first, _)| to_datetime(first)),
                    last_seen: tally.seen().and_then(|(_, last)| to_datetime(last)),
                    time_slots: aggregate.time_slots(tally),
                    client_process: text(aggregate.client_process),
                    server_process: text(aggregate.server_process),
                    file: self.files[aggregate.file as usize].clone(),
                    line: aggregate.line,
                    infrastructure: self.role(key, &domain_controllers),
                }
            })
            .collect()
    }

    fn weight(&self, tally: &Tally) -> f64 {
        match (self.rules.weight, tally.bytes(), tally.seen()) {
            (WeightBasis::BytesPerDay, Some(bytes), Some((first, last))) => {
                let days = last.div_euclid(86_400) - first.div_euclid(86_400) + 1;
                bytes as f64 / days.max(1) as f64
            }
            _ => tally.observations as f64,
        }
    }

    /// Turns the aggregates into observed dependency records in `out` (in
    /// the order first seen; the source label and origin are the file and
    /// line where each was first seen), and adds one informational
    /// diagnostic per file saying what it held.
    pub fn finish(self, out: &mut crate::Imported) -> ConnectionReport {
        let domain_controllers = self.domain_controllers();
        let mut report = ConnectionReport::default();
        for (aggregate, tally) in self.sorted() {
            let key = &aggregate.key;
            let file = &self.files[aggregate.file as usize];
            let record = DependencyRecord {
                from: self.ends[key.from as usize].name_ref(aggregate.from_column),
                to: self.ends[key.to as usize].name_ref(aggregate.to_column),
                port: key.port,
                protocol: key.protocol,
                kind: DependencyKind::Observed,
                weight: self.weight(tally),
                latency_sensitive: key.port.is_some_and(|port| self.rules.latency_sensitive_ports.contains(&port)),
                first_seen: tally.seen().and_then(|(first, _)| to_datetime(first)).map(|t| t.date()),
                last_seen: tally.seen().and_then(|(_, last)| to_datetime(last)).map(|t| t.date()),
                infrastructure: self.role(key, &domain_controllers),
            };
            out.batch
                .dependencies
                .push(Located { value: (record, file.clone()), origin: Origin::new(file.as_str(), aggregate.line) });
        }
        for summary in &self.summaries {
            let origin = Origin { file: summary.file.clone(), sheet: None, line: None };
            out.diagnostics.push(Diagnostic::new(Severity::Info, summary.describe()).at(&origin, None));
        }
        report.files = self.summaries;
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation<'a>(from: EndRef<'a>, to: EndRef<'a>, port: u16, seen: Option<i64>) -> Observation<'a> {
        Observation {
            from,
            to,
            port: Some(port),
            protocol: Protocol::Tcp,
            bytes: Some(100),
            seen: seen.map(|s| (s, s + 60)),
            client_process: None,
            server_process: Some(b"sqlservr.exe"),
            file: 0,
            line: 2,
            from_column: Some(1),
            to_column: Some(2),
        }
    }

    #[test]
    fn aggregates_by_ends_port_and_protocol_with_slots_and_dates() {
        let mut aggregator = ConnectionAggregator::new(ConnectionRules {
            weight: WeightBasis::BytesPerDay,
            ..ConnectionRules::default()
        });
        aggregator.file_id("flows.log");
        let web = EndRef::Server("WEB01");
        let db = EndRef::Address("10.0.0.7".parse().unwrap());
        let day = 1_700_006_400; // 2023-11-15 00:00 UTC
        for seen in [day + 7 * 3600, day, day + 3600, day + 86_400] {
            aggregator.add(observation(web, db, 1433, Some(seen)));
        }
        aggregator.add(observation(EndRef::Server("web01"), db, 1433, None));
        aggregator.add(observation(web, db, 53, None));
        let aggregates = aggregator.aggregates();
        assert_eq!(aggregates.len(), 2);
        let sql = aggregates.iter().find(|a| a.port == Some(1433)).unwrap();
        assert_eq!((sql.observations, sql.bytes, sql.time_slots), (5, Some(500), 3));
        assert_eq!(sql.from, ConnectionEnd::Server("WEB01".into()));
        assert_eq!(sql.first_seen.unwrap().to_string(), "2023-11-15 00:00:00");
        assert_eq!(sql.last_seen.unwrap().to_string(), "2023-11-16 00:01:00");
        assert_eq!(sql.server_process.as_deref(), Some("sqlservr.exe"));
        let mut out = crate::Imported::default();
        aggregator.finish(&mut out);
        let records: Vec<_> = out.batch.dependencies.iter().map(|d| &d.value.0).collect();
        let sql = records.iter().find(|r| r.port == Some(1433)).unwrap();
        assert!(sql.latency_sensitive);
        assert_eq!(sql.weight, 250.0); // 500 bytes over two days
        assert_eq!(sql.to.kind, Some(RefKind::Address));
        let roles: Vec<_> = records.iter().map(|r| r.infrastructure.as_deref()).collect();
        assert_eq!(roles, [Some("dns"), None]);
    }

    #[test]
    fn smb_is_infrastructure_only_towards_domain_controllers() {
        let mut aggregator = ConnectionAggregator::default();
        aggregator.file_id("deps.csv");
        let dc: IpAddr = "10.0.0.2".parse().unwrap();
        let files: IpAddr = "10.0.0.3".parse().unwrap();
        aggregator.add(observation(EndRef::Server("app01"), EndRef::Address(dc), 88, None));
        aggregator.add(observation(EndRef::Server("app01"), EndRef::Address(dc), 445, None));
        aggregator.add(observation(EndRef::Server("app01"), EndRef::Address(files), 445, None));
        let roles: Vec<_> =
            aggregator.aggregates().into_iter().map(|a| (a.to.to_string(), a.port, a.infrastructure)).collect();
        assert!(roles.contains(&("10.0.0.2".into(), Some(445), Some("smb".into()))));
        assert!(roles.contains(&("10.0.0.3".into(), Some(445), None)));
        assert!(roles.contains(&("10.0.0.2".into(), Some(88), Some("kerberos".into()))));
    }

    #[test]
    fn slot_runs_hold_exactly_the_slots_added_in_any_order() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for round in 0..300 {
            // Dense runs, sparse slots, stragglers, and the top of the range.
            let base = if round % 10 == 0 { u32::MAX - 50 } else { 1000 };
            let spread = [5, 20, 51, 200][round % 4];
            let slots: Vec<u32> = (0..next(80) + 1).map(|_| base + next(spread) as u32).collect();
            let mut latest = SlotRun { first: slots[0], last: slots[0] };
            let mut earlier = Vec::new();
            for &slot in &slots[1..] {
                add_slot(&mut latest, &mut earlier, slot);
            }
            let runs: Vec<SlotRun> = earlier.iter().copied().chain([latest]).collect();
            let held: BTreeSet<u32> = runs.iter().flat_map(|run| run.first..=run.last).collect();
            assert_eq!(held, slots.iter().copied().collect::<BTreeSet<u32>>(), "{slots:?}");
            assert_eq!(runs.iter().map(|run| run.len()).sum::<usize>(), held.len(), "runs overlap: {runs:?}");
            assert!(runs.windows(2).all(|pair| pair[0].last + 1 < pair[1].first), "runs not apart: {runs:?}");
        }
    }

    #[test]
    fn same_bytes_is_byte_equality_at_every_length() {
        for n in 0..70 {
            let a: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_bytes(&a, &b), "length {n}, differing at {at}");
            }
            assert!(!same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn the_service_side_of_a_flow() {
        let rules = ConnectionRules::default();
        assert!(rules.first_is_service(443, 51234));
        assert!(!rules.first_is_service(51234, 443));
        assert!(rules.first_is_service(1433, 1025)); // a known service port beats a registered one
        assert!(rules.first_is_service(8081, 40000)); // registered beats ephemeral
        assert!(rules.first_is_service(40000, 50001)); // both ephemeral: the lower
        assert!(!rules.first_is_service(7000, 7000)); // equal: the destination as written
    }
}
