//! `cargo xtask raw-sample`: writes `samples/hospital-raw/`, St. Aldhelm
//! Community Hospital as its raw exports would look (an RVTools workbook, a
//! ServiceNow `cmdb_ci_server` list without relations, `ss`/`netstat`
//! captures of six servers and an Azure Migrate dependency export), derived
//! from the native sample `samples/hospital/` so the two describe one
//! hospital, with the answer key (`truth.csv`, and the README's tables).
//!
//! Naming: about half the servers keep the sample's conventional name
//! (`pacs-web01`), the rest get an opaque one (`ALDVM0412`, `SRV-MC-117`,
//! `WIN-…`), one mapping applied to every file. Some VMs' display names in
//! RVTools differ from their host names, as in real estates; the host name
//! is always there (DNS Name, the CMDB's `fqdn`, the Azure Migrate server
//! names, the capture file names), so references resolve.
//!
//! Must not: use a clock or randomness (the output is the same bytes every
//! run; the workbook carries a fixed creation date), read anything but
//! `samples/hospital/`, or write a membership file (the point of the sample
//! is that applications are not named).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet};

/// Where the sample is written, from the project root.
pub const OUT_DIR: &str = "samples/hospital-raw";
/// The native sample it is derived from.
pub const HOSPITAL_DIR: &str = "samples/hospital";

/// The servers whose sockets were captured (sample names): the Azure
/// Migrate appliance had no guest credentials for them, or (the physical
/// backup media server) cannot see them.
const CAPTURED: &[&str] = &["hl7-eng01", "ehr-app01", "bkp-media01", "pacs-app01", "lis-app01", "mwl-brk01"];

/// The README, with `@name@` where the generator fills in figures and tables.
const README_TEMPLATE: &str = include_str!("raw_sample_readme.md");

/// The DNS domain of every server.
const DOMAIN: &str = "aldhelm.local";

/// Runs the task: writes every file under `samples/hospital-raw/` (or
/// `--out DIR`).
pub fn raw_sample(args: &[String]) -> Result<()> {
    let out = match args {
        [] => OUT_DIR.to_string(),
        [flag, dir] if flag == "--out" => dir.clone(),
        _ => bail!("usage: cargo xtask raw-sample [--out DIR]"),
    };
    let files = generate(Path::new(HOSPITAL_DIR))?;
    let exports = Path::new(&out).join("exports");
    // A capture of a host that was renamed since would stay behind otherwise.
    if exports.is_dir() {
        std::fs::remove_dir_all(&exports).with_context(|| format!("cannot clear {}", exports.display()))?;
    }
    for file in &files {
        let path = Path::new(&out).join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &file.bytes).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("xtask: wrote {} ({} bytes)", path.display(), file.bytes.len());
    }
    Ok(())
}

/// One file of the raw sample: its path under the sample folder and its bytes.
pub struct RawFile {
    /// Path relative to `samples/hospital-raw/`, `/`-separated.
    pub path: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// Every file of the raw sample, derived from the native sample in `hospital`.
pub fn generate(hospital: &Path) -> Result<Vec<RawFile>> {
    let estate = Hospital::read(hospital)?;
    let names = raw_names(&estate.servers);
    let raw = Raw::new(&estate, names);
    let mut files = vec![
        RawFile { path: "exports/RVTools_export_all.xlsx".into(), bytes: raw.rvtools()? },
        RawFile { path: "exports/cmdb_ci_server.csv".into(), bytes: raw.servicenow()? },
        RawFile { path: "exports/AzureMigrate_Dependencies.csv".into(), bytes: raw.azure_migrate()? },
    ];
    for host in CAPTURED {
        files.push(raw.capture(host)?);
    }
    files.push(RawFile { path: "truth.csv".into(), bytes: raw.truth()? });
    files.push(RawFile { path: "README.md".into(), bytes: raw.readme(&files).into_bytes() });
    Ok(files)
}

/// FNV-1a of a text with a salt: the deterministic choices of the sample.
fn hash(salt: &str, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in salt.bytes().chain([0]).chain(text.bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64's finaliser: FNV alone leaves similar names with similar
    // high bits (UUIDs that share their first half).
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A row of a native CSV table, by column name.
type Row = BTreeMap<String, String>;

fn read_table(dir: &Path, file: &str) -> Result<Vec<Row>> {
    let path = dir.join(file);
    let mut reader = csv::Reader::from_path(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("bad row in {}", path.display()))?;
        rows.push(headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect());
    }
    Ok(rows)
}

fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name).map_or("", String::as_str)
}

/// The parts of the native sample the raw files are made of.
struct Hospital {
    servers: Vec<Row>,
    devices: Vec<Row>,
    applications: Vec<Row>,
    members: Vec<Row>,
    /// Observed dependencies only: declared ones are CMDB relations, and the
    /// raw sample has none.
    observed: Vec<Row>,
}

impl Hospital {
    fn read(dir: &Path) -> Result<Hospital> {
        let dependencies = read_table(dir, "dependencies.csv")?;
        Ok(Hospital {
            servers: read_table(dir, "servers.csv")?,
            devices: read_table(dir, "devices.csv")?,
            applications: read_table(dir, "applications.csv")?,
            members: read_table(dir, "members.csv")?,
            observed: dependencies.into_iter().filter(|d| field(d, "kind") == "observed").collect(),
        })
    }
}

/// The raw name of every server, by its sample name: about half keep the
/// conventional name, the rest get an opaque one of the style their kind,
/// site and OS would have.
fn raw_names(servers: &[Row]) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut taken: BTreeSet<String> = servers.iter().map(|s| field(s, "name").to_lowercase()).collect();
    for server in servers {
        let name = field(server, "name");
        let h = hash("name", name);
        if h % 100 < 48 {
            names.insert(name.to_string(), name.to_string());
            continue;
        }
        let riverside = field(server, "site") == "Riverside Annex";
        let windows = field(server, "os_family") == "windows";
        let mut number = (h >> 8) % 900 + 100;
        let raw = loop {
            let candidate = match field(server, "kind") {
                "physical" => format!("SRV-{}-{}", if riverside { "RA" } else { "MC" }, number % 300 + 100),
                "appliance" => format!("{}-APL-{:02}", if riverside { "RA" } else { "MC" }, number % 40 + 1),
                // Never renamed after the template was deployed.
                _ if windows && (h >> 24).is_multiple_of(9) => {
                    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
                    let mut code = String::new();
                    let mut bits = hash("win", &format!("{name}{number}"));
                    for _ in 0..11 {
                        code.push(char::from(alphabet[(bits % alphabet.len() as u64) as usize]));
                        bits /= alphabet.len() as u64;
                    }
                    format!("WIN-{code}")
                }
                _ if windows => format!("{}VM{:04}", if riverside { "ALDR" } else { "ALD" }, number),
                _ => format!("{}lnx{number:03}", if riverside { "ra" } else { "ald" }),
            };
            if taken.insert(candidate.to_lowercase()) {
                break candidate;
            }
            number = number % 899 + 101;
        };
        names.insert(name.to_string(), raw);
    }
    names
}

/// The network end a dependency's endpoint is, in raw terms.
#[derive(Clone, Debug)]
enum End {
    /// A server of the inventory: its sample name.
    Server(String),
    /// A device: its sample name (it has only an address in the raw files).
    Device(String),
    /// An endpoint outside the hospital: its sample name.
    External(String),
}

/// The raw sample's view of the hospital: names, addresses and choices.
struct Raw<'a> {
    hospital: &'a Hospital,
    /// Raw name by sample name.
    names: BTreeMap<String, String>,
    servers: BTreeMap<&'a str, &'a Row>,
    devices: BTreeMap<&'a str, &'a Row>,
    /// Public addresses of the external endpoints (documentation ranges).
    externals: BTreeMap<String, String>,
    /// The applications each server is a member of, in members.csv order.
    apps_of: BTreeMap<&'a str, Vec<&'a Row>>,
    /// ESXi hosts by cluster.
    hosts: BTreeMap<String, Vec<String>>,
    /// Each VM's place in vInfo, which keeps its MoRef and MAC unique.
    vm_index: BTreeMap<&'a str, usize>,
}

impl<'a> Raw<'a> {
    fn new(hospital: &'a Hospital, names: BTreeMap<String, String>) -> Raw<'a> {
        let servers: BTreeMap<&str, &Row> = hospital.servers.iter().map(|s| (field(s, "name"), s)).collect();
        let devices: BTreeMap<&str, &Row> = hospital.devices.iter().map(|d| (field(d, "name"), d)).collect();
        let external_names: BTreeSet<&str> =
            hospital.observed.iter().filter(|d| field(d, "to_kind") == "external").map(|d| field(d, "to")).collect();
        let externals = external_names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let address =
                    if i % 2 == 0 { format!("198.51.100.{}", 10 + i * 9) } else { format!("203.0.113.{}", 20 + i * 7) };
                (name.to_string(), address)
            })
            .collect();
        let applications: BTreeMap<&str, &Row> = hospital.applications.iter().map(|a| (field(a, "name"), a)).collect();
        let mut apps_of: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for member in &hospital.members {
            if let Some(app) = applications.get(field(member, "application")) {
                apps_of.entry(field(member, "member")).or_default().push(app);
            }
        }
        let mut hosts: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for server in &hospital.servers {
            let cluster = field(server, "cluster");
            if cluster.is_empty() || hosts.contains_key(cluster) {
                continue;
            }
            let count = match cluster {
                "MC-PROD-01" => 6,
                "MC-PROD-02" => 5,
                "RA-PROD-01" => 3,
                _ => 2,
            };
            let prefix = cluster.to_lowercase().replace("-prod-0", "p").replace('-', "");
            let list = (1..=count).map(|n| format!("esx-{prefix}-{n:02}.{DOMAIN}")).collect();
            hosts.insert(cluster.to_string(), list);
        }
        let vm_index = hospital
            .servers
            .iter()
            .filter(|s| field(s, "kind") == "vm")
            .enumerate()
            .map(|(i, s)| (field(s, "name"), i))
            .collect();
        Raw { hospital, names, servers, devices, externals, apps_of, hosts, vm_index }
    }

    fn raw_name<'s>(&'s self, server: &'s str) -> &'s str {
        self.names.get(server).map_or(server, String::as_str)
    }

    fn fqdn(&self, server: &str) -> String {
        format!("{}.{DOMAIN}", self.raw_name(server).to_lowercase())
    }

    fn end(&self, name: &str, kind: &str) -> End {
        if kind == "external" {
            End::External(name.to_string())
        } else if self.devices.contains_key(name) {
            End::Device(name.to_string())
        } else {
            End::Server(name.to_string())
        }
    }

    /// The address an end is seen at.
    fn address(&self, end: &End) -> String {
        let first = |row: &Row| field(row, "ip_addresses").split([';', ' ']).next().unwrap_or("").to_string();
        match end {
            End::Server(name) => self.servers.get(name.as_str()).map(|s| first(s)).unwrap_or_default(),
            End::Device(name) => self.devices.get(name.as_str()).map(|d| first(d)).unwrap_or_default(),
            End::External(name) => self.externals.get(name).cloned().unwrap_or_default(),
        }
    }

    fn is_vm(&self, server: &str) -> bool {
        self.servers.get(server).is_some_and(|s| field(s, "kind") == "vm")
    }

    fn vms(&self) -> impl Iterator<Item = &'a Row> {
        self.hospital.servers.iter().filter(|s| field(s, "kind") == "vm")
    }

    /// The name vCenter shows for a VM: its host name, or for about a
    /// quarter of the running ones something else (a case change, a P2V or
    /// rebuild leftover). Powered-off VMs report no guest name, so they keep
    /// theirs and are matched by name.
    fn display_name(&self, server: &Row) -> String {
        let name = field(server, "name");
        let raw = self.raw_name(name);
        if field(server, "power_state") != "on" {
            return raw.to_string();
        }
        match hash("display", name) % 12 {
            0 if raw.chars().any(|c| c.is_ascii_lowercase()) => raw.to_uppercase(),
            0 => raw.to_lowercase(),
            1 => format!("{raw} (P2V)"),
            2 => format!("{raw}-new"),
            _ => raw.to_string(),
        }
    }

    /// A MAC address for a VM (VMware's `00:50:56` range), unique: its
    /// last byte is the VM's place in vInfo.
    fn vm_mac(&self, server: &str) -> String {
        let h = hash("mac", server);
        let index = self.vm_index.get(server).copied().unwrap_or(0);
        format!("00:50:56:{:02x}:{:02x}:{:02x}", (h >> 8) & 0x3f, (h >> 16) & 0xff, index & 0xff)
    }

    /// The columns vDisk and vPartition end with: where the VM runs, its
    /// guest OS, its MoRef and UUID.
    fn placement_cells(&self, server: &Row) -> [Cell; 6] {
        let name = field(server, "name");
        [
            Cell::Text(field(server, "datacenter").into()),
            Cell::Text(field(server, "cluster").into()),
            Cell::Text(self.esx_host(server)),
            Cell::Text(self.guest_os(server)),
            Cell::Text(self.moref(name)),
            Cell::Text(self.uuid("vm-uuid", name)),
        ]
    }

    /// A VM's MoRef (`vm-1234`), unique within the vCenter as vSphere's are.
    fn moref(&self, server: &str) -> String {
        let index = self.vm_index.get(server).copied().unwrap_or(0) as u64;
        format!("vm-{}", 1043 + index * 17 + hash("moref", server) % 13)
    }

    fn uuid(&self, salt: &str, text: &str) -> String {
        let (a, b) = (hash(salt, text), hash(salt, &format!("{text}#")));
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// The VMware guest OS name of a server (`Microsoft Windows Server 2019 (64-bit)`).
    fn guest_os(&self, server: &Row) -> String {
        let os = field(server, "os_name");
        if let Some(rest) = os.strip_prefix("Windows Server ") {
            let year = rest.split(' ').next().unwrap_or(rest);
            format!("Microsoft Windows Server {year} (64-bit)")
        } else if let Some(rest) = os.strip_prefix("Red Hat Enterprise Linux ") {
            format!("Red Hat Enterprise Linux {rest} (64-bit)")
        } else if os.starts_with("Ubuntu") {
            "Ubuntu Linux (64-bit)".to_string()
        } else {
            "Other Linux (64-bit)".to_string()
        }
    }

    /// The ESXi host a VM runs on.
    fn esx_host(&self, server: &Row) -> String {
        let hosts = self.hosts.get(field(server, "cluster")).map(Vec::as_slice).unwrap_or_default();
        if hosts.is_empty() {
            return String::new();
        }
        hosts[(hash("host", field(server, "name")) % hosts.len() as u64) as usize].clone()
    }

    /// What the server does, from the tier suffix of its sample name.
    fn role(&self, server: &str) -> &'static str {
        let last = server.rsplit('-').next().unwrap_or(server).trim_end_matches(|c: char| c.is_ascii_digit());
        match last {
            "dc" => "domain controller",
            "dns" => "DNS server",
            "ntp" => "time server",
            "sccm" => "site server",
            "wsus" => "update server",
            "fs" => "file server",
            "prt" => "print server",
            "exch" => "mailbox server",
            "syslog" => "log collector",
            "web" => "web",
            "app" => "application server",
            "db" => "database",
            "int" => "interface",
            "etl" => "ETL",
            "rpt" => "reporting",
            "stor" => "storage",
            "poll" => "poller",
            "srv" => "server",
            "eng" => "interface engine",
            "vda" => "session host",
            "ddc" => "delivery controller",
            "sf" => "StoreFront",
            "edi" => "EDI gateway",
            "media" => "media server",
            "master" => "primary server",
            "proxy" => "proxy",
            "cache" => "cache",
            "mid" => "instrument middleware",
            "brk" => "broker",
            "turn" => "TURN relay",
            "cap" => "capture station",
            "bca" => "downtime viewer",
            "arc" => "archive",
            "old" => "legacy server",
            "3d" => "3D workstation",
            "sr" => "speech recognition",
            "dp" => "distribution point",
            _ => "server",
        }
    }

    /// vInfo's free-text annotation: filled for about a third of the VMs,
    /// in whatever style whoever built the VM wrote.
    fn annotation(&self, server: &Row) -> String {
        let name = field(server, "name");
        let h = hash("annotation", name);
        if !h.is_multiple_of(3) {
            return String::new();
        }
        let Some(app) = self.apps_of.get(name).and_then(|apps| apps.first()) else { return String::new() };
        let app_name = field(app, "name");
        let owner = field(app, "owner");
        let contact = owner.split('(').nth(1).map_or(owner, |c| c.trim_end_matches(')'));
        let role = self.role(name);
        match (h >> 8) % 5 {
            0 => format!("Owner: {app_name}, role {role}"),
            1 => format!("{app_name} {role}. Contact {contact}"),
            2 => format!("Built {} for {app_name} ({role})", 2015 + (h >> 16) % 9),
            3 => format!("{} - DO NOT POWER OFF without change ticket", app_name.to_uppercase()),
            _ => format!("{role}; app team: {}", owner.split(" (").next().unwrap_or(owner)),
        }
    }

    /// The VM folder, as the team that built the VM filed it.
    fn folder(&self, server: &Row) -> String {
        let name = field(server, "name");
        if hash("folder", name).is_multiple_of(7) {
            return "/Discovered virtual machine".to_string();
        }
        let unit =
            self.apps_of.get(name).and_then(|apps| apps.first()).map_or("Unfiled", |app| field(app, "business_unit"));
        let env = match field(server, "environment") {
            "production" => "Production",
            _ => "Non-Production",
        };
        format!("/{env}/{unit}")
    }

    fn rvtools(&self) -> Result<Vec<u8>> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(2026, 11, 20)?.and_hms(7, 42, 10)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created).set_author("RVTools"));
        self.v_info(workbook.add_worksheet().set_name("vInfo")?)?;
        self.v_disk(workbook.add_worksheet().set_name("vDisk")?)?;
        self.v_partition(workbook.add_worksheet().set_name("vPartition")?)?;
        self.v_network(workbook.add_worksheet().set_name("vNetwork")?)?;
        self.v_host(workbook.add_worksheet().set_name("vHost")?)?;
        Ok(workbook.save_to_buffer()?)
    }

    fn v_info(&self, sheet: &mut Worksheet) -> Result<()> {
        let headers = [
            "VM",
            "Powerstate",
            "Template",
            "SRM Placeholder",
            "Config status",
            "DNS Name",
            "Connection state",
            "Guest state",
            "Heartbeat",
            "Consolidation Needed",
            "CPUs",
            "Memory",
            "NICs",
            "Disks",
            "Total disk capacity MiB",
            "Primary IP Address",
            "Network #1",
            "Resource pool",
            "Folder",
            "Provisioned MiB",
            "In Use MiB",
            "Unshared MiB",
            "Firmware",
            "HW version",
            "Annotation",
            "Backup Policy",
            "Datacenter",
            "Cluster",
            "Host",
            "OS according to the configuration file",
            "OS according to the VMware Tools",
            "VM ID",
            "VM UUID",
            "VI SDK Server type",
            "VI SDK API Version",
            "VI SDK Server",
            "VI SDK UUID",
        ];
        write_header(sheet, &headers)?;
        for (i, server) in self.vms().enumerate() {
            let row = i as u32 + 1;
            let name = field(server, "name");
            let on = field(server, "power_state") == "on";
            let number = |column: &str| field(server, column).parse::<f64>().unwrap_or(0.0);
            let provisioned = number("disk_provisioned_gb") * 1024.0;
            let used = number("disk_used_gb") * 1024.0;
            let power = match field(server, "power_state") {
                "on" => "poweredOn",
                "off" => "poweredOff",
                _ => "suspended",
            };
            // Port groups are named after the VLAN, which is the address's second octet.
            let address = self.address(&End::Server(name.into()));
            let vlan = address.split('.').nth(1).unwrap_or("");
            let zone = if field(server, "environment") == "production" { "Prod" } else { "NonProd" };
            let network = format!("VLAN{vlan}-{zone}");
            let backup = match hash("backup", name) % 5 {
                0 => "",
                _ if field(server, "environment") != "production" => "None",
                1 | 2 => "Gold",
                _ => "Silver",
            };
            let os = self.guest_os(server);
            let cells: Vec<Cell> = vec![
                Cell::Text(self.display_name(server)),
                Cell::Text(power.into()),
                Cell::Text("False".into()),
                Cell::Text("False".into()),
                Cell::Text("green".into()),
                Cell::Text(if on { self.fqdn(name) } else { String::new() }),
                Cell::Text("connected".into()),
                Cell::Text(if on { "running" } else { "notRunning" }.into()),
                Cell::Text(if on { "green" } else { "gray" }.into()),
                Cell::Text("False".into()),
                Cell::Number(number("cores")),
                Cell::Number(number("memory_gb") * 1024.0),
                Cell::Number(1.0),
                Cell::Number(self.disks(server).len() as f64),
                Cell::Number(provisioned),
                Cell::Text(if on { self.address(&End::Server(name.into())) } else { String::new() }),
                Cell::Text(network),
                Cell::Text(format!("/{}/{}/Resources", field(server, "datacenter"), field(server, "cluster"))),
                Cell::Text(self.folder(server)),
                Cell::Number(provisioned),
                Cell::Number(used.round()),
                Cell::Number(used.round()),
                Cell::Text(if hash("efi", name).is_multiple_of(3) { "bios" } else { "efi" }.into()),
                Cell::Number(if field(server, "os_name").contains("2016") { 13.0 } else { 19.0 }),
                Cell::Text(self.annotation(server)),
                Cell::Text(backup.into()),
                Cell::Text(field(server, "datacenter").into()),
                Cell::Text(field(server, "cluster").into()),
                Cell::Text(self.esx_host(server)),
                Cell::Text(os.clone()),
                Cell::Text(if on { os } else { String::new() }),
                Cell::Text(self.moref(name)),
                Cell::Text(self.uuid("vm-uuid", name)),
                Cell::Text("VMware vCenter Server 8.0.2 build-22617221".into()),
                Cell::Text("8.0.2.0".into()),
                Cell::Text(format!("vcsa01.{DOMAIN}")),
                Cell::Text("6f1d2c0e-4b7a-4c55-9a31-0d2e8f6b1a47".into()),
            ];
            write_row(sheet, row, &cells)?;
        }
        Ok(())
    }

    /// A VM's virtual disks in MiB: the system disk, then data disks.
    fn disks(&self, server: &Row) -> Vec<f64> {
        let total = field(server, "disk_provisioned_gb").parse::<f64>().unwrap_or(0.0) * 1024.0;
        let system = (if field(server, "os_family") == "windows" { 100.0 } else { 60.0 }) * 1024.0;
        if total <= system * 1.5 {
            return vec![total];
        }
        let rest = total - system;
        if rest > 1024.0 * 1024.0 {
            vec![system, (rest / 2.0).round(), rest - (rest / 2.0).round()]
        } else {
            vec![system, rest]
        }
    }

    fn v_disk(&self, sheet: &mut Worksheet) -> Result<()> {
        let headers = [
            "VM",
            "Powerstate",
            "Template",
            "SRM Placeholder",
            "Disk",
            "Disk Key",
            "Capacity MiB",
            "Disk Mode",
            "Thin",
            "Controller",
            "Unit #",
            "Datacenter",
            "Cluster",
            "Host",
            "OS according to the configuration file",
            "VM ID",
            "VM UUID",
        ];
        write_header(sheet, &headers)?;
        let mut row = 1;
        for server in self.vms() {
            for (i, capacity) in self.disks(server).into_iter().enumerate() {
                let mut cells = vec![
                    Cell::Text(self.display_name(server)),
                    Cell::Text(power_word(server).into()),
                    Cell::Text("False".into()),
                    Cell::Text("False".into()),
                    Cell::Text(format!("Hard disk {}", i + 1)),
                    Cell::Number(2000.0 + i as f64),
                    Cell::Number(capacity),
                    Cell::Text("persistent".into()),
                    Cell::Text(if i == 0 { "False" } else { "True" }.into()),
                    Cell::Text("SCSI controller 0".into()),
                    Cell::Number(i as f64),
                ];
                cells.extend(self.placement_cells(server));
                write_row(sheet, row, &cells)?;
                row += 1;
            }
        }
        Ok(())
    }

    fn v_partition(&self, sheet: &mut Worksheet) -> Result<()> {
        let headers = [
            "VM",
            "Powerstate",
            "Template",
            "SRM Placeholder",
            "Disk Key",
            "Disk",
            "Capacity MiB",
            "Consumed MiB",
            "Free MiB",
            "Free % ",
            "Datacenter",
            "Cluster",
            "Host",
            "OS according to the configuration file",
            "VM ID",
            "VM UUID",
        ];
        write_header(sheet, &headers)?;
        let mut row = 1;
        // VMware Tools reports partitions of running guests only.
        for server in self.vms().filter(|s| field(s, "power_state") == "on") {
            let windows = field(server, "os_family") == "windows";
            let disks = self.disks(server);
            let total: f64 = disks.iter().sum();
            let used = field(server, "disk_used_gb").parse::<f64>().unwrap_or(0.0) * 1024.0;
            let labels: Vec<&str> = if windows { vec!["C:\\", "D:\\", "E:\\"] } else { vec!["/", "/data", "/data2"] };
            for (i, capacity) in disks.iter().enumerate() {
                // Guest partitions are a little smaller than their disks.
                let capacity = (capacity * 0.995).round();
                let consumed = (used * (capacity / total)).round().min(capacity);
                let free = capacity - consumed;
                let mut cells = vec![
                    Cell::Text(self.display_name(server)),
                    Cell::Text(power_word(server).into()),
                    Cell::Text("False".into()),
                    Cell::Text("False".into()),
                    Cell::Text(String::new()),
                    Cell::Text(labels[i.min(2)].into()),
                    Cell::Number(capacity),
                    Cell::Number(consumed),
                    Cell::Number(free),
                    Cell::Number((free / capacity * 100.0).round()),
                ];
                cells.extend(self.placement_cells(server));
                write_row(sheet, row, &cells)?;
                row += 1;
            }
        }
        Ok(())
    }

    fn v_network(&self, sheet: &mut Worksheet) -> Result<()> {
        let headers = [
            "VM",
            "Powerstate",
            "Template",
            "SRM Placeholder",
            "NIC label",
            "Adapter",
            "Network",
            "Switch",
            "Connected",
            "Starts Connected",
            "Mac Address",
            "Type",
            "IPv4 Address",
            "IPv6 Address",
            "Datacenter",
            "Cluster",
            "Host",
            "VM ID",
            "VM UUID",
        ];
        write_header(sheet, &headers)?;
        for (i, server) in self.vms().enumerate() {
            let name = field(server, "name");
            let on = field(server, "power_state") == "on";
            let cells = vec![
                Cell::Text(self.display_name(server)),
                Cell::Text(power_word(server).into()),
                Cell::Text("False".into()),
                Cell::Text("False".into()),
                Cell::Text("Network adapter 1".into()),
                Cell::Text("Vmxnet3".into()),
                Cell::Text(format!("dvPG-{}", field(server, "cluster"))),
                Cell::Text(format!("dvs-{}", field(server, "datacenter"))),
                Cell::Text(if on { "True" } else { "False" }.into()),
                Cell::Text("True".into()),
                Cell::Text(self.vm_mac(name)),
                Cell::Text("assigned".into()),
                Cell::Text(if on { self.address(&End::Server(name.into())) } else { String::new() }),
                Cell::Text(String::new()),
                Cell::Text(field(server, "datacenter").into()),
                Cell::Text(field(server, "cluster").into()),
                Cell::Text(self.esx_host(server)),
                Cell::Text(self.moref(name)),
                Cell::Text(self.uuid("vm-uuid", name)),
            ];
            write_row(sheet, i as u32 + 1, &cells)?;
        }
        Ok(())
    }

    fn v_host(&self, sheet: &mut Worksheet) -> Result<()> {
        let headers = [
            "Host",
            "Datacenter",
            "Cluster",
            "Config status",
            "in Maintenance Mode",
            "CPU Model",
            "Speed",
            "# CPU",
            "Cores per CPU",
            "# Cores",
            "# Memory",
            "# VMs",
            "ESX Version",
            "Vendor",
            "Model",
        ];
        write_header(sheet, &headers)?;
        let mut row = 1;
        for (cluster, hosts) in &self.hosts {
            let datacenter = if cluster.starts_with("RA-") { "ALD-DC2" } else { "ALD-DC1" };
            for host in hosts {
                let vms = self.vms().filter(|s| self.esx_host(s) == *host).count();
                let cells = vec![
                    Cell::Text(host.clone()),
                    Cell::Text(datacenter.into()),
                    Cell::Text(cluster.clone()),
                    Cell::Text("green".into()),
                    Cell::Text("False".into()),
                    Cell::Text("Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz".into()),
                    Cell::Number(2793.0),
                    Cell::Number(2.0),
                    Cell::Number(24.0),
                    Cell::Number(48.0),
                    Cell::Number(786_042.0),
                    Cell::Number(vms as f64),
                    Cell::Text("VMware ESXi 8.0.2 build-22380479".into()),
                    Cell::Text("Dell Inc.".into()),
                    Cell::Text("PowerEdge R750".into()),
                ];
                write_row(sheet, row, &cells)?;
                row += 1;
            }
        }
        Ok(())
    }

    /// The CMDB's server list, as ServiceNow exports a `cmdb_ci_server` list
    /// view to CSV: field names as headers, every value quoted, reference
    /// and choice fields as display values. No relations are exported.
    fn servicenow(&self) -> Result<Vec<u8>> {
        let headers = [
            "sys_id",
            "name",
            "sys_class_name",
            "fqdn",
            "ip_address",
            "mac_address",
            "os",
            "os_version",
            "cpu_count",
            "cpu_core_count",
            "ram",
            "disk_space",
            "virtual",
            "manufacturer",
            "model_id",
            "serial_number",
            "location",
            "environment",
            "operational_status",
            "install_status",
            "support_group",
            "short_description",
            "sys_updated_on",
        ];
        let mut writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer.write_record(headers)?;
        // The CMDB lists by name, as the list view was sorted.
        let mut servers: Vec<&Row> = self.hospital.servers.iter().collect();
        servers.sort_by_key(|s| self.raw_name(field(s, "name")).to_lowercase());
        for server in servers {
            let name = field(server, "name");
            let h = hash("cmdb", name);
            let kind = field(server, "kind");
            let class = match (kind, field(server, "os_family")) {
                ("appliance", _) => "cmdb_ci_server",
                (_, "windows") => "cmdb_ci_win_server",
                (_, "linux") => "cmdb_ci_linux_server",
                _ => "cmdb_ci_server",
            };
            let memory_mb = field(server, "memory_gb").parse::<f64>().unwrap_or(0.0) * 1024.0;
            // A few records were not rediscovered after a resize: the CMDB is stale.
            let memory_mb = if kind == "vm" && h.is_multiple_of(17) { memory_mb / 2.0 } else { memory_mb };
            let (manufacturer, model) = match kind {
                "vm" => ("VMware, Inc.".to_string(), "VMware Virtual Platform".to_string()),
                "appliance" => (
                    field(server, "tags")
                        .split("vendor=")
                        .nth(1)
                        .map_or("Unknown", |v| v.split(';').next().unwrap_or(v))
                        .to_string(),
                    "Appliance".to_string(),
                ),
                _ => ("HPE".to_string(), "ProLiant DL380 Gen10".to_string()),
            };
            let serial = field(server, "tags").split(';').find_map(|t| t.strip_prefix("serial=")).map_or_else(
                || {
                    if kind == "vm" {
                        format!("VMware-42 {:x}", hash("serial", name) & 0xffff_ffff)
                    } else {
                        String::new()
                    }
                },
                str::to_string,
            );
            let environment = match field(server, "environment") {
                "production" => "Production",
                "test" => "Test",
                "development" => "Development",
                other => other,
            };
            let operational = if field(server, "power_state") == "off" { "Non-Operational" } else { "Operational" };
            let support_group = match h % 4 {
                0 => String::new(),
                _ => match self.apps_of.get(name).and_then(|a| a.first()) {
                    Some(app) if field(app, "role") == "infrastructure" => "Infrastructure".to_string(),
                    Some(_) if kind == "vm" && field(server, "os_family") == "windows" => {
                        "Windows Server Support".to_string()
                    }
                    Some(_) if kind == "vm" => "Linux Server Support".to_string(),
                    Some(_) => "Data Center Operations".to_string(),
                    None => String::new(),
                },
            };
            let short_description = if h.is_multiple_of(5) {
                format!("{} {}", field(server, "os_name"), self.role(name))
            } else {
                String::new()
            };
            let mac = if kind == "vm" { self.vm_mac(name) } else { String::new() };
            let cpu_cores = field(server, "cores").parse::<u32>().unwrap_or(0);
            let (cpu_count, core_count) = if kind == "vm" { (cpu_cores, 1) } else { (2, cpu_cores / 2) };
            writer.write_record([
                format!("{:016x}{:016x}", hash("sys_id", name), hash("sys_id2", name)),
                self.raw_name(name).to_string(),
                class.to_string(),
                self.fqdn(name),
                self.address(&End::Server(name.into())),
                mac,
                field(server, "os_name").to_string(),
                field(server, "os_version").to_string(),
                cpu_count.to_string(),
                core_count.to_string(),
                format!("{memory_mb:.0}"),
                field(server, "disk_provisioned_gb").to_string(),
                (kind == "vm").to_string(),
                manufacturer,
                model,
                serial,
                field(server, "site").to_string(),
                environment.to_string(),
                operational.to_string(),
                "Installed".to_string(),
                support_group,
                short_description,
                format!("2026-11-{:02} {:02}:{:02}:{:02}", 2 + h % 17, (h >> 8) % 24, (h >> 16) % 60, (h >> 24) % 60),
            ])?;
        }
        Ok(writer.into_inner()?)
    }

    /// The observed dependencies, with their ends.
    fn observed(&self) -> impl Iterator<Item = (End, End, &'a Row)> + '_ {
        self.hospital.observed.iter().map(move |d| {
            (self.end(field(d, "from"), field(d, "from_kind")), self.end(field(d, "to"), field(d, "to_kind")), d)
        })
    }

    fn is_captured(&self, end: &End) -> bool {
        matches!(end, End::Server(name) if CAPTURED.contains(&name.as_str()))
    }

    /// Whether Azure Migrate's agentless dependency analysis ran on this end:
    /// running VMs whose sockets were not captured by hand.
    fn is_discovered(&self, end: &End) -> bool {
        match end {
            End::Server(name) => {
                self.is_vm(name)
                    && !CAPTURED.contains(&name.as_str())
                    && self.servers.get(name.as_str()).is_some_and(|s| field(s, "power_state") == "on")
            }
            _ => false,
        }
    }

    /// In how many of `slots` a dependency of this weight shows.
    fn slots_seen(weight: u64, slots: usize) -> usize {
        let share = match weight {
            10_000.. => 1.0,
            2_000.. => 0.75,
            500.. => 0.5,
            100.. => 0.25,
            _ => 0.0,
        };
        ((slots as f64 * share) as usize).max(1)
    }

    /// The Azure Migrate agentless dependency export of three days: one row
    /// per connection and six-hour slot, for every observed TCP dependency
    /// with a discovered VM at one end and no captured host at either.
    fn azure_migrate(&self) -> Result<Vec<u8>> {
        const SLOTS: usize = 12;
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        writer.write_record([
            "Time slot",
            "Source server name",
            "Source IP",
            "Source application",
            "Source process",
            "Destination server name",
            "Destination IP",
            "Destination application",
            "Destination process",
            "Destination port",
            "Source VLAN",
            "Destination VLAN",
        ])?;
        let mut rows: Vec<(usize, usize, [String; 12])> = Vec::new();
        for (index, (from, to, dependency)) in self.observed().enumerate() {
            if field(dependency, "protocol") != "tcp"
                || self.is_captured(&from)
                || self.is_captured(&to)
                || !(self.is_discovered(&from) || self.is_discovered(&to))
            {
                continue;
            }
            let weight = field(dependency, "weight").parse::<u64>().unwrap_or(1);
            let port: u16 = field(dependency, "port").parse().unwrap_or(0);
            let seen = Self::slots_seen(weight, SLOTS);
            let offset = (hash("slot", &format!("{}>{}", field(dependency, "from"), field(dependency, "to")))
                % SLOTS as u64) as usize;
            let name = |end: &End| match end {
                End::Server(name) if self.is_discovered(end) => self.raw_name(name).to_string(),
                _ => String::new(),
            };
            let windows = |end: &End| matches!(end, End::Server(n) if self.servers.get(n.as_str()).is_some_and(|s| field(s, "os_family") == "windows"));
            let (destination_application, destination_process) =
                if self.is_discovered(&to) { service(port, windows(&to)) } else { ("", "") };
            let source_process = if self.is_discovered(&from) { client_process(port, windows(&from)) } else { "" };
            for k in 0..seen {
                let slot = (offset + k * SLOTS / seen) % SLOTS;
                rows.push((
                    slot,
                    index,
                    [
                        time_slot(slot),
                        name(&from),
                        self.address(&from),
                        String::new(),
                        if source_process.is_empty() { "Unknown process".into() } else { source_process.into() },
                        name(&to),
                        self.address(&to),
                        destination_application.into(),
                        if destination_process.is_empty() {
                            "Unknown process".into()
                        } else {
                            destination_process.into()
                        },
                        port.to_string(),
                        String::new(),
                        String::new(),
                    ],
                ));
            }
        }
        rows.sort_by_key(|(slot, index, _)| (*slot, *index));
        for (_, _, row) in rows {
            writer.write_record(&row)?;
        }
        // The portal's export is UTF-8 with a byte-order mark.
        let mut bytes = "\u{feff}".as_bytes().to_vec();
        bytes.extend(writer.into_inner()?);
        Ok(bytes)
    }

    /// The socket capture of one server: four hourly snapshots, each
    /// preceded by the time, of `ss -tunap` (Linux) or `netstat -ano`
    /// (Windows), named after the host as the script that took it named it.
    fn capture(&self, host: &str) -> Result<RawFile> {
        let Some(server) = self.servers.get(host) else { bail!("captured host {host} is not in servers.csv") };
        let windows = field(server, "os_family") == "windows";
        let me = End::Server(host.to_string());
        let my_address = self.address(&me);
        // Listening sockets: what others connect to, and what every such
        // host listens on anyway.
        let mut listening: BTreeSet<(String, u16)> = if windows {
            [("tcp", 135), ("tcp", 445), ("tcp", 3389), ("tcp", 5985), ("udp", 123), ("udp", 5355)]
        } else {
            [("tcp", 22), ("udp", 323), ("tcp", 199), ("udp", 161), ("tcp", 9100), ("tcp", 5667)]
        }
        .into_iter()
        .map(|(p, n)| (p.to_string(), n))
        .collect();
        let mut connections: Vec<(&Row, bool, End)> = Vec::new();
        for (from, to, dependency) in self.observed() {
            let protocol = field(dependency, "protocol").to_string();
            let port: u16 = field(dependency, "port").parse().unwrap_or(0);
            let mine_in = matches!(&to, End::Server(n) if n == host);
            let mine_out = matches!(&from, End::Server(n) if n == host);
            if mine_in {
                listening.insert((protocol.clone(), port));
            }
            // Windows netstat shows no peer of a UDP socket.
            if windows && protocol == "udp" {
                continue;
            }
            if mine_in {
                connections.push((dependency, true, from));
            } else if mine_out {
                connections.push((dependency, false, to));
            }
        }
        let mut text = String::new();
        let newline = if windows { "\r\n" } else { "\n" };
        for snapshot in 0..4usize {
            let hour = 9 + snapshot;
            if windows {
                write!(text, "2026-11-19T{hour:02}:00:02{newline}{newline}Active Connections{newline}{newline}")?;
                write!(text, "  Proto  Local Address          Foreign Address        State           PID{newline}")?;
            } else {
                writeln!(text, "Thu Nov 19 {hour:02}:00:01 UTC 2026")?;
                writeln!(
                    text,
                    "{:<6}{:<11}{:<7}{:<7}{:>30}  {:<30}Process",
                    "Netid", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port"
                )?;
            }
            let mut lines: Vec<(u8, String)> = Vec::new();
            for (protocol, port) in &listening {
                let process = listener_process(*port, windows);
                let line = if windows {
                    let pid = 400 + hash("pid", process) % 9000;
                    if protocol == "udp" {
                        format!("  {:<7}{:<23}{:<39}{pid}", "UDP", format!("0.0.0.0:{port}"), "*:*")
                    } else {
                        format!(
                            "  {:<7}{:<23}{:<23}{:<16}{pid}",
                            "TCP",
                            format!("0.0.0.0:{port}"),
                            "0.0.0.0:0",
                            "LISTENING"
                        )
                    }
                } else {
                    let pid = 800 + hash("pid", process) % 30000;
                    let state = if protocol == "udp" { "UNCONN" } else { "LISTEN" };
                    let backlog = if protocol == "udp" { 0 } else { 128 };
                    format!(
                        "{:<6}{:<11}{:<7}{:<7}{:>30}  {:<30}users:((\"{process}\",pid={pid},fd={}))",
                        protocol,
                        state,
                        0,
                        backlog,
                        format!("0.0.0.0:{port}"),
                        "0.0.0.0:*",
                        3 + port % 20
                    )
                };
                lines.push((0, line));
            }
            for (dependency, inbound, peer) in &connections {
                let weight = field(dependency, "weight").parse::<u64>().unwrap_or(1);
                let present = Self::slots_seen(weight, 4);
                let key =
                    format!("{}>{}:{}", field(dependency, "from"), field(dependency, "to"), field(dependency, "port"));
                let first = (hash("snap", &key) % 4) as usize;
                if !(0..present).any(|k| (first + k * 4 / present) % 4 == snapshot) {
                    continue;
                }
                let sockets = if weight >= 10_000 { 2 } else { 1 };
                let port: u16 = field(dependency, "port").parse().unwrap_or(0);
                let protocol = field(dependency, "protocol");
                for s in 0..sockets {
                    let mut ephemeral = 49152 + (hash("eph", &format!("{key}#{snapshot}#{s}")) % 16000) as u16;
                    while listening.iter().any(|(_, p)| *p == ephemeral) {
                        ephemeral += 1;
                    }
                    let peer_address = self.address(peer);
                    let (local, remote) = if *inbound {
                        (format!("{my_address}:{port}"), format!("{peer_address}:{ephemeral}"))
                    } else {
                        (format!("{my_address}:{ephemeral}"), format!("{peer_address}:{port}"))
                    };
                    let process =
                        if *inbound { listener_process(port, windows) } else { client_process(port, windows) };
                    let process =
                        if process.is_empty() { if windows { "svchost.exe" } else { "java" } } else { process };
                    let line = if windows {
                        let pid = 400 + hash("pid", process) % 9000;
                        format!("  {:<7}{:<23}{:<23}{:<16}{pid}", "TCP", local, remote, "ESTABLISHED")
                    } else {
                        let pid = 800 + hash("pid", process) % 30000;
                        format!(
                            "{:<6}{:<11}{:<7}{:<7}{:>30}  {:<30}users:((\"{process}\",pid={pid},fd={}))",
                            protocol,
                            "ESTAB",
                            0,
                            0,
                            local,
                            remote,
                            20 + hash("fd", &format!("{key}{s}")) % 200
                        )
                    };
                    lines.push((1, line));
                }
            }
            // netstat and ss print in socket-table order; sorting by the
            // line keeps listeners first and the file stable.
            lines.sort();
            for (_, line) in lines {
                write!(text, "{line}{newline}")?;
            }
            if windows {
                text.push_str(newline);
            }
        }
        let raw = self.raw_name(host);
        let path =
            if windows { format!("exports/{raw}_netstat-ano.txt") } else { format!("exports/{raw}_ss-tunap.txt") };
        Ok(RawFile { path, bytes: text.into_bytes() })
    }

    /// The answer key: every server's application, by raw name.
    fn truth(&self) -> Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["application", "server", "hospital_name"])?;
        for member in &self.hospital.members {
            let name = field(member, "member");
            if self.servers.contains_key(name) {
                writer.write_record([field(member, "application"), self.raw_name(name), name])?;
            }
        }
        Ok(writer.into_inner()?)
    }

    /// What the captures and the Azure Migrate export hold, and what no file shows.
    fn coverage(&self) -> (usize, usize, usize) {
        let (mut captured, mut azure, mut unseen) = (0, 0, 0);
        for (from, to, dependency) in self.observed() {
            let udp = field(dependency, "protocol") == "udp";
            let windows_udp = |end: &End| {
                udp && matches!(end, End::Server(n) if self.servers.get(n.as_str()).is_some_and(|s| field(s, "os_family") == "windows"))
            };
            if (self.is_captured(&from) && !windows_udp(&from)) || (self.is_captured(&to) && !windows_udp(&to)) {
                captured += 1;
            } else if !udp
                && !self.is_captured(&from)
                && !self.is_captured(&to)
                && (self.is_discovered(&from) || self.is_discovered(&to))
            {
                azure += 1;
            } else {
                unseen += 1;
            }
        }
        (captured, azure, unseen)
    }

    fn readme(&self, files: &[RawFile]) -> String {
        let renamed = self.names.iter().filter(|(a, b)| a != b).count();
        let displayed = self.vms().filter(|s| self.display_name(s) != self.raw_name(field(s, "name"))).count();
        let vms = self.vms().count();
        let servers = self.hospital.servers.len();
        let (captured, azure, unseen) = self.coverage();
        let annotated = self.vms().filter(|s| !self.annotation(s).is_empty()).count();
        let mut captures = String::new();
        for file in files.iter().filter(|f| f.path.ends_with(".txt")) {
            let tool = if file.path.contains("netstat") {
                "`netstat -ano` on Windows Server, hourly from a scheduled PowerShell task"
            } else {
                "`ss -tunap` on Linux, hourly from cron"
            };
            let _ = writeln!(
                captures,
                "| `{}` | {tool} | Four snapshots of the host's sockets, each after the time it was taken. |",
                file.path
            );
        }
        let mut answers = String::new();
        for app in &self.hospital.applications {
            let app_name = field(app, "name");
            let members: Vec<&str> = self
                .hospital
                .members
                .iter()
                .filter(|m| field(m, "application") == app_name)
                .map(|m| field(m, "member"))
                .collect();
            let servers: Vec<String> = members
                .iter()
                .filter(|m| self.servers.contains_key(*m))
                .map(|m| {
                    let raw = self.raw_name(m);
                    if raw == *m { format!("`{raw}`") } else { format!("`{raw}` ({m})") }
                })
                .collect();
            let devices: Vec<String> = members
                .iter()
                .filter(|m| self.devices.contains_key(*m))
                .map(|m| format!("`{}` ({m})", self.address(&End::Device(m.to_string()))))
                .collect();
            let servers = if servers.is_empty() { "none".to_string() } else { servers.join(", ") };
            let _ = writeln!(answers, "| {app_name} | {} | {servers} | {} |", field(app, "role"), devices.join(", "));
        }
        let values = [
            ("@vms@", vms.to_string()),
            ("@annotated@", annotated.to_string()),
            ("@others@", (servers - vms).to_string()),
            ("@servers@", servers.to_string()),
            ("@kept@", (servers - renamed).to_string()),
            ("@renamed@", renamed.to_string()),
            ("@displayed@", displayed.to_string()),
            ("@observed@", self.hospital.observed.len().to_string()),
            ("@captured@", captured.to_string()),
            ("@azure@", azure.to_string()),
            ("@unseen@", unseen.to_string()),
            ("@devices@", self.hospital.devices.len().to_string()),
            ("@captures@", captures),
            ("@answers@\n", answers),
        ];
        values.iter().fold(README_TEMPLATE.to_string(), |text, (key, value)| text.replace(key, value))
    }
}

fn power_word(server: &Row) -> &'static str {
    match field(server, "power_state") {
        "on" => "poweredOn",
        "off" => "poweredOff",
        _ => "suspended",
    }
}

/// The slot's start as the portal writes it (`11/17/2026 6:00:00 AM`).
fn time_slot(slot: usize) -> String {
    let day = 17 + slot / 4;
    let hour = (slot % 4) * 6;
    let (twelve, half) = match hour {
        0 => (12, "AM"),
        h if h < 12 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!("11/{day}/2026 {twelve}:00:00 {half}")
}

/// The application and process that serve a port, as Azure Migrate names them.
fn service(port: u16, windows: bool) -> (&'static str, &'static str) {
    match (port, windows) {
        (1433 | 5022, _) => ("Microsoft SQL Server", "sqlservr.exe"),
        (1521, _) => ("Oracle Database", "tnslsnr"),
        (5432, _) => ("PostgreSQL", "postgres"),
        (88 | 389 | 135, true) => ("Active Directory Domain Services", "lsass.exe"),
        (445, true) => ("", "System"),
        (80 | 443 | 8443, true) => ("Internet Information Services", "w3wp.exe"),
        (80 | 443 | 8443, false) => ("Apache HTTP Server", "httpd"),
        (25, true) => ("Microsoft Exchange", "EdgeTransport.exe"),
        (1556, _) => ("NetBackup", if windows { "bpcd.exe" } else { "bpcd" }),
        (5667, false) => ("", "nrpe"),
        (2049, false) => ("", "nfsd"),
        _ => ("", ""),
    }
}

/// The process that listens on a port in a capture.
fn listener_process(port: u16, windows: bool) -> &'static str {
    match (port, windows) {
        (22, false) => "sshd",
        (135, true) => "svchost.exe",
        (445 | 5985, true) => "System",
        (3389, true) => "svchost.exe",
        (123 | 5355, true) => "svchost.exe",
        (323, false) => "chronyd",
        (199 | 161, false) => "snmpd",
        (9100, false) => "node_exporter",
        (5667, false) => "nrpe",
        (1556, _) => {
            if windows {
                "bpcd.exe"
            } else {
                "bpcd"
            }
        }
        (2575 | 6661..=6679, false) => "java",
        (104 | 11112, true) => "DicomServer.exe",
        (80 | 443 | 8080 | 8443 | 8000 | 7001, true) => "w3wp.exe",
        (80 | 443 | 8080 | 8443 | 8000 | 7001, false) => "java",
        (_, true) => "AppService.exe",
        (_, false) => "java",
    }
}

/// The client process of an outbound connection to a port in a capture or
/// the Azure Migrate export ("" when unknown).
fn client_process(port: u16, windows: bool) -> &'static str {
    match (port, windows) {
        (1433, true) => "AppService.exe",
        (1521, false) => "java",
        (389 | 88, true) => "lsass.exe",
        (389 | 88, false) => "sssd_be",
        (123, false) => "chronyd",
        (53, false) => "systemd-resolve",
        (1556, _) => {
            if windows {
                "bpbkar32.exe"
            } else {
                "bpbkar"
            }
        }
        (5667, _) => "",
        (445, true) => "System",
        (_, true) => "",
        (_, false) => "java",
    }
}

/// A cell of a worksheet row.
enum Cell {
    Text(String),
    Number(f64),
}

fn write_header(sheet: &mut Worksheet, headers: &[&str]) -> Result<()> {
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string(0, column as u16, *header)?;
    }
    Ok(())
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[Cell]) -> Result<()> {
    for (column, cell) in cells.iter().enumerate() {
        match cell {
            // RVTools leaves an empty value as an empty cell.
            Cell::Text(text) if text.is_empty() => {}
            Cell::Text(text) => {
                sheet.write_string(row, column as u16, text)?;
            }
            Cell::Number(number) => {
                sheet.write_number(row, column as u16, *number)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        crate::project_root()
    }

    /// Every sheet of a workbook with its cells as text, row by row.
    fn cells(workbook: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
        use calamine::{Reader, Xlsx};
        let mut xlsx = Xlsx::new(std::io::Cursor::new(workbook.to_vec())).expect("an xlsx");
        let names = xlsx.sheet_names();
        names
            .into_iter()
            .map(|name| {
                let range = xlsx.worksheet_range(&name).expect("a sheet");
                let rows = range.rows().map(|row| row.iter().map(ToString::to_string).collect()).collect();
                (name, rows)
            })
            .collect()
    }

    /// The committed sample is exactly what the generator writes from the
    /// committed native sample: neither can change without the other.
    #[test]
    fn the_committed_raw_sample_is_what_the_generator_writes() {
        let files = generate(&root().join(HOSPITAL_DIR)).expect("generate the raw sample");
        let out = root().join(OUT_DIR);
        for file in &files {
            let path = out.join(&file.path);
            let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // A workbook is compared by its cells: its zip bytes may change
            // with the writer's version while every value stays the same.
            let same = if file.path.ends_with(".xlsx") {
                cells(&committed) == cells(&file.bytes)
            } else {
                committed == file.bytes
            };
            assert!(
                same,
                "{} differs from what `cargo xtask raw-sample` writes: run it and commit the result",
                path.display()
            );
        }
        let written: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let mut present = BTreeSet::new();
        for entry in std::fs::read_dir(out.join("exports")).expect("the exports folder") {
            let name = entry.expect("a folder entry").file_name().to_string_lossy().into_owned();
            present.insert(format!("exports/{name}"));
        }
        let stale: Vec<&String> = present.iter().filter(|p| !written.contains(*p)).collect();
        assert!(stale.is_empty(), "files in exports/ the generator does not write: {stale:?}");
    }

    #[test]
    fn the_generator_gives_the_same_bytes_twice() {
        let once = generate(&root().join(HOSPITAL_DIR)).expect("generate");
        let twice = generate(&root().join(HOSPITAL_DIR)).expect("generate again");
        assert_eq!(once.len(), twice.len());
        for (a, b) in once.iter().zip(&twice) {
            assert!(a.path == b.path && a.bytes == b.bytes, "{} differs between two runs", a.path);
        }
    }

    #[test]
    fn about_half_the_servers_keep_their_conventional_name_and_raw_names_are_unique() {
        let hospital = Hospital::read(&root().join(HOSPITAL_DIR)).expect("read the hospital");
        let names = raw_names(&hospital.servers);
        let kept = names.iter().filter(|(a, b)| a == b).count();
        let share = kept as f64 / names.len() as f64;
        assert!((0.35..=0.65).contains(&share), "{kept} of {} keep their name", names.len());
        let distinct: BTreeSet<String> = names.values().map(|n| n.to_lowercase()).collect();
        assert_eq!(distinct.len(), names.len(), "two servers share a raw name");
        // A capture's host comes from its file name, cut at words like `ss` or `log`.
        for raw in names.values() {
            let words: Vec<String> = raw.to_lowercase().split(['-', '_', '.']).map(str::to_string).collect();
            assert!(!words.iter().any(|w| ["ss", "netstat", "log", "out", "txt"].contains(&w.as_str())), "{raw}");
        }
    }

    /// The workbook read back holds every VM, under its display name, with
    /// the DNS name of its raw host name where it runs.
    #[test]
    fn the_workbook_reads_back_with_every_vm() {
        use calamine::{Data, Reader, Xlsx};
        let files = generate(&root().join(HOSPITAL_DIR)).expect("generate");
        let workbook = files.iter().find(|f| f.path.ends_with(".xlsx")).expect("the workbook");
        let mut xlsx = Xlsx::new(std::io::Cursor::new(workbook.bytes.clone())).expect("an xlsx");
        assert_eq!(xlsx.sheet_names(), ["vInfo", "vDisk", "vPartition", "vNetwork", "vHost"]);
        let info = xlsx.worksheet_range("vInfo").expect("vInfo");
        let rows: Vec<&[Data]> = info.rows().collect();
        let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
        let dns = header.iter().position(|h| h == "DNS Name").expect("DNS Name");
        let annotation = header.iter().position(|h| h == "Annotation").expect("Annotation");
        assert_eq!(rows.len() - 1, 138, "138 VMs in vInfo");
        let annotated = rows[1..].iter().filter(|r| !r[annotation].to_string().is_empty()).count();
        assert!((30..=62).contains(&annotated), "{annotated} of 138 VMs annotated: about a third expected");
        let with_dns = rows[1..].iter().filter(|r| r[dns].to_string().ends_with(".aldhelm.local")).count();
        assert_eq!(with_dns, 134, "every running VM has its DNS name");
    }
}
