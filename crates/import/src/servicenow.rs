//! ServiceNow CMDB exports (CSV, or a workbook sheet): servers from
//! `cmdb_ci_server` and its subclasses (`servicenow-servers`), and
//! relationships from `cmdb_rel_ci` (`servicenow-relations`), which give
//! applications, their membership, data stores and declared dependencies.
//!
//! Relations name their parent and child by display name or by sys_id,
//! depending on the export setting. To resolve sys_ids, and to know which
//! names are servers when the export has no class columns, the servers and
//! relations of one import are read together by [`read_servicenow`];
//! [`read_tables`] sorts the tables it is given by their headers and calls it.
//!
//! What it must not do: invent records out of relations it does not
//! understand (an unknown relation type is reported once and left out), or
//! keep retired CIs as migration candidates (they are listed in
//! `Batch::excluded` with the reason). It never fails and never panics: bad
//! cells are diagnostics with file, line and column.

use std::collections::{BTreeMap, HashMap, HashSet};

use waveplan_core::merge::{DataStoreRecord, DependencyRecord, Located, MemberRecord, NameRef, RefKind};
use waveplan_core::{
    Application, DataStore, DataStoreKind, DependencyKind, Diagnostic, Environment, Excluded, Origin, OsFamily,
    Protocol, Server, ServerKind, Severity, Tags,
};

use crate::mapped::{os_family_from_name, parse_yes_no};
use crate::table::{Table, TableRow};
use crate::{FormatInfo, Imported};

/// Format id of a `cmdb_ci_server` export.
pub const SERVERS_FORMAT: &str = "servicenow-servers";
/// Format id of a `cmdb_rel_ci` export.
pub const RELATIONS_FORMAT: &str = "servicenow-relations";

/// The formats this module reads.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        id: SERVERS_FORMAT,
        name: "ServiceNow CMDB servers (cmdb_ci_server export)",
        recognised_by: "columns sys_id and name, with ip_address, os, cpu_count or ram",
    },
    FormatInfo {
        id: RELATIONS_FORMAT,
        name: "ServiceNow CMDB relationships (cmdb_rel_ci export)",
        recognised_by: "columns parent, child and type",
    },
];

// Column spellings: the field names a CSV export writes, then the labels an
// Excel export writes where they differ once case, spaces and `_` are ignored.
const SYS_ID: &[&str] = &["sys_id"];
const NAME: &[&str] = &["name"];
const IP_ADDRESS: &[&str] = &["ip_address"];
const FQDN: &[&str] = &["fqdn", "Fully qualified domain name"];
const MAC_ADDRESS: &[&str] = &["mac_address"];
const OS: &[&str] = &["os", "Operating System"];
const OS_VERSION: &[&str] = &["os_version"];
const CPU_COUNT: &[&str] = &["cpu_count"];
const CPU_CORE_COUNT: &[&str] = &["cpu_core_count"];
const RAM: &[&str] = &["ram", "RAM (MB)"];
const DISK_SPACE: &[&str] = &["disk_space", "Disk space (GB)"];
const ENVIRONMENT: &[&str] = &["environment", "u_environment"];
const CLASS: &[&str] = &["sys_class_name", "Class"];
const OPERATIONAL_STATUS: &[&str] = &["operational_status"];
const INSTALL_STATUS: &[&str] = &["install_status"];
const LOCATION: &[&str] = &["location"];
const VIRTUAL: &[&str] = &["virtual", "Is Virtual"];
const HOST_NAME: &[&str] = &["host_name"];
const DNS_DOMAIN: &[&str] = &["dns_domain"];

/// Columns kept as tags under their ServiceNow field name.
const TAG_COLUMNS: &[(&str, &[&str])] = &[
    ("sys_id", SYS_ID),
    ("sys_class_name", CLASS),
    ("operational_status", OPERATIONAL_STATUS),
    ("install_status", INSTALL_STATUS),
    ("cpu_core_count", CPU_CORE_COUNT),
    ("company", &["company"]),
    ("department", &["department"]),
    ("assigned_to", &["assigned_to"]),
    ("manufacturer", &["manufacturer"]),
    ("model_id", &["model_id"]),
    ("serial_number", &["serial_number"]),
    ("short_description", &["short_description", "Description"]),
];

const PARENT: &[&str] = &["parent"];
const CHILD: &[&str] = &["child"];
const TYPE: &[&str] = &["type", "Relationship type"];
const PARENT_NAME: &[&str] = &["parent.name", "Parent name"];
const CHILD_NAME: &[&str] = &["child.name", "Child name"];
const PARENT_CLASS: &[&str] = &["parent.sys_class_name", "parent.class", "Parent class"];
const CHILD_CLASS: &[&str] = &["child.sys_class_name", "child.class", "Child class"];
const PORT: &[&str] = &["port"];

/// Recognises a ServiceNow export from its headers: servers have `sys_id`,
/// `name` and one of `ip_address`, `os`, `cpu_count`, `ram`; relations have
/// `parent`, `child` and `type`.
pub fn detect_table(table: &Table) -> Option<&'static str> {
    let has = |names: &[&str]| table.column(names).is_some();
    if has(PARENT) && has(CHILD) && has(TYPE) {
        return Some(RELATIONS_FORMAT);
    }
    let details = [IP_ADDRESS, OS, CPU_COUNT, RAM];
    (has(SYS_ID) && has(NAME) && details.iter().any(|names| has(names))).then_some(SERVERS_FORMAT)
}

/// Reads ServiceNow tables. Each table is sorted by its headers into servers
/// or relations (a table no header identifies is taken as `format_id`), and
/// all of them are read together by [`read_servicenow`], so relations given
/// by sys_id resolve through the servers of the same call. Call it once with
/// every ServiceNow table of an import (or call [`read_servicenow`]); calling
/// it per format works too but loses that resolution.
pub fn read_tables(format_id: &str, tables: &[&Table], out: &mut Imported) {
    let mut servers = Vec::new();
    let mut relations = Vec::new();
    for &table in tables {
        match detect_table(table).unwrap_or(format_id) {
            SERVERS_FORMAT => servers.push(table),
            RELATIONS_FORMAT => relations.push(table),
            _ => out.diagnostics.push(Diagnostic::error_at(
                &table.header_origin(),
                None,
                format!(
                    "cannot tell which ServiceNow export this is: servers need sys_id and name, relations need parent, child and type (the header has: {})",
                    table.header_list()
                ),
            )),
        }
    }
    read_servicenow(&servers, &relations, out);
}

/// Reads the servers and the relations of one import together.
///
/// Servers come first: their sys_ids and names let the relations resolve
/// parents and children given by sys_id, and tell which names are servers
/// when the relations have no class columns. Retired servers are excluded
/// and the relations that name them are left out.
pub fn read_servicenow(server_tables: &[&Table], relation_tables: &[&Table], out: &mut Imported) {
    let mut known = KnownServers::default();
    for table in server_tables {
        read_server_table(table, &mut known, out);
    }
    let mut made = MadeRecords::default();
    for table in relation_tables {
        read_relation_table(table, &known, &mut made, out);
    }
}

/// A server CI from the servers export, as relations need it.
#[derive(Clone, Debug)]
struct ServerCi {
    name: String,
    class: Option<String>,
}

/// What the servers export said, for resolving relations.
#[derive(Default)]
struct KnownServers {
    by_sys_id: HashMap<String, ServerCi>,
    /// Names and FQDNs, lower case.
    names: HashSet<String>,
    /// Retired CIs: sys_ids and names, lower case.
    retired: HashSet<String>,
}

impl KnownServers {
    fn is_server_name(&self, name: &str) -> bool {
        self.names.contains(&name.to_lowercase())
    }
}

/// Why a CI is retired, when its statuses say so: operational status
/// `Retired` (choice value 6) or install status `Retired` (choice value 7).
fn retirement(operational: Option<&str>, install: Option<&str>) -> Option<String> {
    let retired =
        |value: Option<&str>, code: &str| value.is_some_and(|v| v.eq_ignore_ascii_case("retired") || v == code);
    if retired(install, "7") {
        Some(format!("retired in the ServiceNow CMDB (install_status {})", install.unwrap_or_default()))
    } else if retired(operational, "6") {
        Some(format!("retired in the ServiceNow CMDB (operational_status {})", operational.unwrap_or_default()))
    } else {
        None
    }
}

/// The OS family a server class implies (`cmdb_ci_win_server` → Windows).
fn os_family_from_class(class: &str) -> Option<OsFamily> {
    let class = class.to_lowercase();
    if class.contains("win") {
        Some(OsFamily::Windows)
    } else if class.contains("linux") {
        Some(OsFamily::Linux)
    } else if ["unix", "solaris", "aix", "hpux", "hp-ux"].iter().any(|w| class.contains(w)) {
        Some(OsFamily::Unix)
    } else {
        None
    }
}

fn read_server_table(table: &Table, known: &mut KnownServers, out: &mut Imported) {
    let name_column = table.column(NAME);
    let host_name_column = table.column(HOST_NAME);
    let fqdn_column = table.column(FQDN);
    if name_column.is_none() {
        out.diagnostics.push(Diagnostic::error_at(
            &table.header_origin(),
            None,
            format!("a ServiceNow servers export needs a 'name' column (the header has: {})", table.header_list()),
        ));
        return;
    }
    let ip_column = table.column(IP_ADDRESS);
    let mac_column = table.column(MAC_ADDRESS);
    let os_column = table.column(OS);
    let os_version_column = table.column(OS_VERSION);
    let cpu_count_column = table.column(CPU_COUNT);
    let cpu_core_count_column = table.column(CPU_CORE_COUNT);
    let ram_column = table.column(RAM);
    let disk_column = table.column(DISK_SPACE);
    let environment_column = table.column(ENVIRONMENT);
    let class_column = table.column(CLASS);
    let operational_column = table.column(OPERATIONAL_STATUS);
    let install_column = table.column(INSTALL_STATUS);
    let location_column = table.column(LOCATION);
    let virtual_column = table.column(VIRTUAL);
    let dns_domain_column = table.column(DNS_DOMAIN);
    let tag_columns: Vec<(&str, usize)> =
        TAG_COLUMNS.iter().filter_map(|(key, names)| table.column(names).map(|c| (*key, c))).collect();
    let used = [
        name_column,
        host_name_column,
        fqdn_column,
        ip_column,
        mac_column,
        os_column,
        os_version_column,
        cpu_count_column,
        ram_column,
        disk_column,
        environment_column,
        location_column,
        virtual_column,
        dns_domain_column,
    ];
    let mut known_columns: Vec<usize> = used.iter().flatten().copied().collect();
    known_columns.extend(tag_columns.iter().map(|&(_, c)| c));
    let other_columns = table.other_columns(&known_columns);

    for row in &table.rows {
        let mut cells = table.cells(row, &mut out.diagnostics);
        let origin = cells.origin();
        let host_name = cells.text(host_name_column);
        let fqdn = cells.text(fqdn_column).or_else(|| {
            let domain = cells.text(dns_domain_column)?;
            let host = host_name.as_ref().filter(|h| !h.contains('.'))?;
            Some(format!("{host}.{domain}"))
        });
        let Some(name) = cells.text(name_column).or_else(|| host_name.clone()).or_else(|| fqdn.clone()) else {
            cells.error(name_column, "name: the CI has no name (nor host_name or fqdn)");
            continue;
        };
        let sys_id = cells.text(table.column(SYS_ID));
        let class = cells.text(class_column);
        let operational = cells.text(operational_column);
        let install = cells.text(install_column);
        if let Some(reason) = retirement(operational.as_deref(), install.as_deref()) {
            known.retired.insert(name.to_lowercase());
            if let Some(sys_id) = &sys_id {
                known.retired.insert(sys_id.to_lowercase());
            }
            out.batch.excluded.push(Excluded { name, reason });
            continue;
        }

        let mut tags: Tags = cells.tags_from(&other_columns);
        for &(key, column) in &tag_columns {
            if let Some(value) = cells.text(Some(column)) {
                tags.insert(key.to_string(), value);
            }
        }
        let os_name = cells.text(os_column);
        let os_family = os_name
            .as_deref()
            .and_then(os_family_from_name)
            .or_else(|| class.as_deref().and_then(os_family_from_class));
        // cpu_count is the number of processors and cpu_core_count the cores
        // in each; discovered VMs say cpu_count = vCPUs and cores 1.
        let processors: Option<u32> = cells.whole(cpu_count_column);
        let cores_each: Option<u32> = cells.whole(cpu_core_count_column);
        let cores = match (processors, cores_each) {
            (Some(processors), Some(each)) if each > 0 => processors.checked_mul(each).or(Some(processors)),
            (processors, each) => processors.or(each),
        };
        // ServiceNow keeps ram in MB: MB/1024 is stored as GB.
        let memory_gb = cells.decimal(ram_column).map(|mb| mb / 1024.0);
        let environment_text = cells.text(environment_column);
        let environment = environment_text.as_deref().and_then(Environment::parse);
        if let (None, Some(text)) = (environment, environment_text) {
            tags.insert("environment".into(), text);
        }
        let kind = cells
            .parsed(virtual_column, "true or false", parse_yes_no)
            .map(|is_virtual| if is_virtual { ServerKind::VirtualMachine } else { ServerKind::Physical });
        let server = Server {
            name: name.clone(),
            fqdn: fqdn.clone(),
            ip_addresses: cells.list(ip_column, &[',', ';', ' ']),
            mac_addresses: cells.list(mac_column, &[',', ';', ' ']),
            os_family,
            os_name,
            os_version: cells.text(os_version_column),
            cores,
            memory_gb,
            disk_provisioned_gb: cells.decimal(disk_column),
            environment,
            site: cells.text(location_column),
            kind,
            tags,
            ..Server::default()
        };
        known.names.insert(name.to_lowercase());
        if let Some(fqdn) = &fqdn {
            known.names.insert(fqdn.to_lowercase());
        }
        if let Some(sys_id) = sys_id {
            known.by_sys_id.insert(sys_id.to_lowercase(), ServerCi { name, class });
        }
        out.batch.servers.push(Located { value: server, origin });
    }
}

/// What a CI is, as far as migration planning cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    Server,
    Application,
    Database,
    /// Network gear, storage, clusters, racks...
    Other,
    /// No class column and not a server of the servers export.
    Unknown,
}

/// The category of a ServiceNow class, by table name (`cmdb_ci_appl`) or
/// by label (`Windows Server`, `MSSQL Instance`, `Business Service`).
fn category_of_class(class: &str) -> Category {
    let class = class.trim().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| class.contains(w));
    let database_engine = has(&[
        "mssql",
        "sql server",
        "oracle",
        "mysql",
        "postgres",
        "db2",
        "sybase",
        "hana",
        "mongo",
        "maria",
        "informix",
    ]);
    if class.starts_with("cmdb_ci_db") || has(&["database"]) || (class.contains("instance") && database_engine) {
        return Category::Database;
    }
    if class.starts_with("cmdb_ci_appl")
        || class.starts_with("cmdb_ci_app_server")
        || class.starts_with("cmdb_ci_web_server")
        || class.starts_with("cmdb_ci_service")
        || class.starts_with("cmdb_ci_business_app")
        || class == "service_offering"
        || has(&[
            "application",
            "business service",
            "technical service",
            "service offering",
            "web server",
            "app server",
        ])
    {
        return Category::Application;
    }
    let table_server = class.starts_with("cmdb_ci_")
        && (class.ends_with("_server")
            || class.contains("vm_instance")
            || class.contains("vmware_instance")
            || class == "cmdb_ci_computer"
            || class.contains("mainframe"));
    let label_server = !class.starts_with("cmdb_ci_")
        && (class.ends_with("server") || has(&["virtual machine", "computer", "mainframe"]));
    if table_server || label_server { Category::Server } else { Category::Other }
}

/// The database engine a class names (`cmdb_ci_db_mssql_instance` → SQL Server).
fn engine_of_class(class: &str) -> Option<&'static str> {
    let class = class.to_lowercase();
    let engines = [
        ("mssql", "SQL Server"),
        ("sql server", "SQL Server"),
        ("oracle", "Oracle"),
        ("_ora_", "Oracle"),
        ("mysql", "MySQL"),
        ("postgres", "PostgreSQL"),
        ("db2", "Db2"),
        ("syb", "Sybase"),
        ("hana", "SAP HANA"),
        ("mongo", "MongoDB"),
        ("maria", "MariaDB"),
        ("informix", "Informix"),
    ];
    engines.iter().find(|(word, _)| class.contains(word)).map(|&(_, engine)| engine)
}

/// Whether a text looks like a sys_id: 32 hexadecimal digits.
fn is_sys_id(text: &str) -> bool {
    text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// What a relation type means for the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meaning {
    /// The first end depends on the second (`Depends on`, `Connects to`,
    /// `Uses`, `Sends data to`, `Exchange data with`).
    Dependency,
    /// The first end runs on, or is hosted on, the second.
    Hosting,
    /// The first end contains, or has as a member, the second.
    Containment,
    /// Known, but says nothing about moving (`Virtualized by`, `Located in`...).
    NotUsed,
}

/// The meaning of a relation type and whether its ends are the other way
/// round: `Depends on::Used by` reads parent → child, `Used by::Depends on`
/// child → parent. `None` for a type this reader does not know.
fn relation_meaning(relation_type: &str) -> Option<(Meaning, bool)> {
    let normal = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let (parent_says, child_says) = match relation_type.split_once("::") {
        Some((parent, child)) => (normal(parent), normal(child)),
        None => (normal(relation_type), String::new()),
    };
    let forward = |phrase: &str| -> Option<Meaning> {
        match phrase {
            "depends on" | "connects to" | "uses" | "sends data to" | "exchange data with" | "calls" => {
                Some(Meaning::Dependency)
            }
            "runs on" | "hosted on" => Some(Meaning::Hosting),
            "contains" | "members" | "has member" | "has members" => Some(Meaning::Containment),
            _ => None,
        }
    };
    if let Some(meaning) = forward(&parent_says) {
        return Some((meaning, false));
    }
    if let Some(meaning) = forward(&child_says) {
        return Some((meaning, true));
    }
    let not_used = [
        "virtualized by",
        "virtualizes",
        "located in",
        "houses",
        "powered by",
        "powers",
        "managed by",
        "manages",
        "owns",
        "owned by",
        "cluster of",
        "cluster",
        "instantiates",
        "instantiated by",
        "registered on",
        "has registered",
        "allocated to",
        "allocated from",
        "defines resources for",
        "gets resources from",
        "ip connection",
        "provides",
        "provided by",
        "implement end point to",
        "implement end point from",
        "use end point to",
        "use end point from",
        "backs up",
        "backed up by",
        "extends",
        "extended by",
        "receives data from",
        "used by",
        "connected by",
        "runs",
        "hosts",
        "contained by",
        "member of",
    ];
    // A reversed pair of a known meaning was handled above; what is left of
    // this list is infrastructure that does not move plans.
    not_used.contains(&parent_says.as_str()).then_some((Meaning::NotUsed, false))
}

/// One end of a relation, resolved.
#[derive(Clone, Debug)]
struct End {
    name: String,
    sys_id: Option<String>,
    class: Option<String>,
    category: Category,
    /// 1-based column of the parent or child cell.
    column: Option<u64>,
}

impl End {
    fn name_ref(&self, kind: Option<RefKind>) -> NameRef {
        NameRef { name: self.name.clone(), kind, column: self.column }
    }

    /// The reference kind its category implies, `None` when unknown.
    fn ref_kind(&self) -> Option<RefKind> {
        match self.category {
            Category::Server => Some(RefKind::Server),
            Category::Application => Some(RefKind::Application),
            Category::Database => Some(RefKind::DataStore),
            Category::Other | Category::Unknown => None,
        }
    }

    fn tags(&self) -> Tags {
        let mut tags = Tags::new();
        if let Some(sys_id) = &self.sys_id {
            tags.insert("sys_id".into(), sys_id.clone());
        }
        if let Some(class) = &self.class {
            tags.insert("sys_class_name".into(), class.clone());
        }
        tags
    }
}

/// How an end could not be resolved.
enum Unresolved {
    /// The cell is empty.
    Empty,
    /// A sys_id no servers export of this import has.
    UnknownSysId(String),
    /// A retired CI.
    Retired,
}

/// Records made from relations, so each application and data store is made once.
#[derive(Default)]
struct MadeRecords {
    /// Applications, lower case.
    applications: HashSet<String>,
    /// Data stores, lower case, to their position in `out.batch.datastores`.
    datastores: HashMap<String, usize>,
    /// (application, member), lower case.
    members: HashSet<(String, String)>,
}

impl MadeRecords {
    fn application(&mut self, end: &End, origin: &Origin, out: &mut Imported) {
        if self.applications.insert(end.name.to_lowercase()) {
            let application = Application { name: end.name.clone(), tags: end.tags(), ..Application::default() };
            out.batch.applications.push(Located { value: application, origin: origin.clone() });
        }
    }

    /// A data store, hosted on `host` when given; a store first made without
    /// a host takes the host of a later relation.
    fn datastore(&mut self, end: &End, host: Option<&End>, origin: &Origin, out: &mut Imported) {
        let server = host.map(|h| h.name_ref(Some(RefKind::Server)));
        match self.datastores.get(&end.name.to_lowercase()) {
            Some(&index) => {
                let record = &mut out.batch.datastores[index].value;
                match (&record.server, server) {
                    (None, Some(server)) => record.server = Some(server),
                    (Some(first), Some(second)) if !first.name.eq_ignore_ascii_case(&second.name) => {
                        let message = format!(
                            "data store '{}' is hosted on both '{}' and '{}': '{}' is kept",
                            end.name, first.name, second.name, first.name
                        );
                        out.diagnostics.push(Diagnostic::warning_at(origin, second.column, message));
                    }
                    _ => {}
                }
            }
            None => {
                let datastore = DataStore {
                    name: end.name.clone(),
                    kind: Some(DataStoreKind::Database),
                    engine: end.class.as_deref().and_then(engine_of_class).map(str::to_string),
                    tags: end.tags(),
                    ..DataStore::default()
                };
                self.datastores.insert(end.name.to_lowercase(), out.batch.datastores.len());
                out.batch
                    .datastores
                    .push(Located { value: DataStoreRecord { datastore, server }, origin: origin.clone() });
            }
        }
    }

    fn member(&mut self, application: &End, member: &End, kind: Option<RefKind>, origin: &Origin, out: &mut Imported) {
        self.application(application, origin, out);
        if self.members.insert((application.name.to_lowercase(), member.name.to_lowercase())) {
            let record = MemberRecord {
                application: application.name_ref(Some(RefKind::Application)),
                member: member.name_ref(kind),
            };
            out.batch.members.push(Located { value: record, origin: origin.clone() });
        }
    }
}

/// A count of relations left out for one reason, with where the first was.
struct LeftOut {
    count: usize,
    origin: Origin,
    column: Option<u64>,
    example: String,
}

fn note_left_out(
    map: &mut BTreeMap<String, LeftOut>,
    key: String,
    origin: &Origin,
    column: Option<u64>,
    example: &str,
) {
    map.entry(key)
        .or_insert_with(|| LeftOut { count: 0, origin: origin.clone(), column, example: example.to_string() })
        .count += 1;
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The columns of a relations table.
struct RelationColumns {
    parent: usize,
    child: usize,
    relation_type: usize,
    parent_name: Option<usize>,
    child_name: Option<usize>,
    parent_class: Option<usize>,
    child_class: Option<usize>,
    port: Option<usize>,
}

fn read_relation_table(table: &Table, known: &KnownServers, made: &mut MadeRecords, out: &mut Imported) {
    let (Some(parent), Some(child), Some(relation_type)) =
        (table.column(PARENT), table.column(CHILD), table.column(TYPE))
    else {
        let missing: Vec<&str> = [("parent", PARENT), ("child", CHILD), ("type", TYPE)]
            .iter()
            .filter(|(_, names)| table.column(names).is_none())
            .map(|(name, _)| *name)
            .collect();
        out.diagnostics.push(Diagnostic::error_at(
            &table.header_origin(),
            None,
            format!(
                "a ServiceNow relations export needs the column{} '{}' (the header has: {})",
                if missing.len() > 1 { "s" } else { "" },
                missing.join("', '"),
                table.header_list()
            ),
        ));
        return;
    };
    let columns = RelationColumns {
        parent,
        child,
        relation_type,
        parent_name: table.column(PARENT_NAME),
        child_name: table.column(CHILD_NAME),
        parent_class: table.column(PARENT_CLASS),
        child_class: table.column(CHILD_CLASS),
        port: table.column(PORT),
    };
    let mut unknown_types: BTreeMap<String, LeftOut> = BTreeMap::new();
    let mut unknown_sys_ids: BTreeMap<String, LeftOut> = BTreeMap::new();
    let mut retired: BTreeMap<String, LeftOut> = BTreeMap::new();
    let mut not_used: BTreeMap<String, LeftOut> = BTreeMap::new();
    for row in &table.rows {
        let origin = table.origin(row);
        let type_column = Some(columns.relation_type as u64 + 1);
        let relation_type = row.cells.get(columns.relation_type).map(|t| t.trim()).unwrap_or_default();
        if relation_type.is_empty() {
            out.diagnostics.push(Diagnostic::error_at(&origin, type_column, "type: the relation has no type"));
            continue;
        }
        let Some((meaning, reversed)) = relation_meaning(relation_type) else {
            note_left_out(&mut unknown_types, relation_type.to_string(), &origin, type_column, relation_type);
            continue;
        };
        let parent = resolve_end(row, columns.parent, columns.parent_name, columns.parent_class, known);
        let child = resolve_end(row, columns.child, columns.child_name, columns.child_class, known);
        let (parent, child) = match (parent, child) {
            (Ok(parent), Ok(child)) => (parent, child),
            (parent, child) => {
                // Each relation counts once per reason, however many ends it fails on.
                let (mut counted_sys_id, mut counted_retired) = (false, false);
                for (end, column, what) in
                    [(parent.err(), columns.parent, "parent"), (child.err(), columns.child, "child")]
                {
                    let column = Some(column as u64 + 1);
                    match end {
                        Some(Unresolved::Empty) => out.diagnostics.push(Diagnostic::error_at(
                            &origin,
                            column,
                            format!("{what}: the relation has no {what}"),
                        )),
                        Some(Unresolved::UnknownSysId(sys_id)) if !counted_sys_id => {
                            counted_sys_id = true;
                            note_left_out(&mut unknown_sys_ids, "sys_id".into(), &origin, column, &sys_id);
                        }
                        Some(Unresolved::Retired) if !counted_retired => {
                            counted_retired = true;
                            note_left_out(&mut retired, "retired".into(), &origin, column, "");
                        }
                        _ => {}
                    }
                }
                continue;
            }
        };
        let (first, second) = if reversed { (child, parent) } else { (parent, child) };
        let used = match meaning {
            Meaning::Dependency => {
                let mut cells = table.cells(row, &mut out.diagnostics);
                let port: Option<u16> = cells.whole(columns.port);
                dependency(&first, &second, port, &origin, made, out);
                true
            }
            Meaning::Hosting => hosting(&first, &second, &origin, made, out),
            Meaning::Containment => containment(&first, &second, &origin, made, out),
            Meaning::NotUsed => false,
        };
        if !used {
            note_left_out(&mut not_used, relation_type.to_string(), &origin, type_column, relation_type);
        }
    }
    for (relation_type, left) in &unknown_types {
        out.diagnostics.push(Diagnostic::warning_at(
            &left.origin,
            left.column,
            format!(
                "relation type '{relation_type}' is not known: its {} left out (first here)",
                plural(left.count, "relation was", "relations were")
            ),
        ));
    }
    if let Some(left) = unknown_sys_ids.get("sys_id") {
        out.diagnostics.push(Diagnostic::warning_at(
            &left.origin,
            left.column,
            format!(
                "{} CIs by sys_ids that no servers export of this import has (first '{}', here): left out; import the cmdb_ci_server export with them, or export the relations with display values",
                plural(left.count, "relation names", "relations name"),
                left.example
            ),
        ));
    }
    if let Some(left) = retired.get("retired") {
        out.diagnostics.push(
            Diagnostic::new(
                Severity::Info,
                format!(
                    "{} retired CIs: left out (first here)",
                    plural(left.count, "relation names", "relations name")
                ),
            )
            .at(&left.origin, left.column),
        );
    }
    if let Some(first) = not_used.values().min_by_key(|l| l.origin.line) {
        let count: usize = not_used.values().map(|l| l.count).sum();
        let types: Vec<&str> = not_used.keys().map(String::as_str).collect();
        out.diagnostics.push(
            Diagnostic::new(
                Severity::Info,
                format!(
                    "{} no application, membership, data store or dependency and {} not used (types: {})",
                    plural(count, "relation gives", "relations give"),
                    if count == 1 { "was" } else { "were" },
                    types.join(", ")
                ),
            )
            .at(&first.origin, first.column),
        );
    }
}

/// Resolves the parent or child of a relation: its display name (from the
/// `parent.name` column, the sys_id map, or the cell itself), its class (from
/// the class column or the servers export) and so its category.
fn resolve_end(
    row: &TableRow,
    column: usize,
    name_column: Option<usize>,
    class_column: Option<usize>,
    known: &KnownServers,
) -> Result<End, Unresolved> {
    let cell = |c: Option<usize>| c.and_then(|c| row.cells.get(c)).map(|t| t.trim()).filter(|t| !t.is_empty());
    let value = cell(Some(column)).or_else(|| cell(name_column)).ok_or(Unresolved::Empty)?;
    let sys_id = is_sys_id(value).then(|| value.to_lowercase());
    let server = sys_id.as_ref().and_then(|id| known.by_sys_id.get(id));
    if known.retired.contains(&value.to_lowercase()) {
        return Err(Unresolved::Retired);
    }
    let name = match (cell(name_column), server) {
        (Some(name), _) => name.to_string(),
        (None, Some(server)) => server.name.clone(),
        (None, None) if sys_id.is_some() => return Err(Unresolved::UnknownSysId(value.to_string())),
        (None, None) => value.to_string(),
    };
    if known.retired.contains(&name.to_lowercase()) {
        return Err(Unresolved::Retired);
    }
    let class = cell(class_column).map(str::to_string).or_else(|| server.and_then(|s| s.class.clone()));
    let category = match (&class, server.is_some() || known.is_server_name(&name)) {
        // The servers export holds servers, whatever subclass it names.
        (_, true) => Category::Server,
        (Some(class), false) => category_of_class(class),
        (None, false) => Category::Unknown,
    };
    Ok(End { name, sys_id, class, category, column: Some(column as u64 + 1) })
}

/// `from` depends on `to`: a declared dependency. Applications and
/// databases the classes name are made as records, so the dependency
/// resolves to them.
fn dependency(from: &End, to: &End, port: Option<u16>, origin: &Origin, made: &mut MadeRecords, out: &mut Imported) {
    for end in [from, to] {
        match end.category {
            Category::Application => made.application(end, origin, out),
            Category::Database => made.datastore(end, None, origin, out),
            _ => {}
        }
    }
    let record = DependencyRecord {
        from: from.name_ref(from.ref_kind()),
        to: to.name_ref(to.ref_kind()),
        port,
        protocol: if port.is_some() { Protocol::Tcp } else { Protocol::Any },
        kind: DependencyKind::Declared,
        weight: 1.0,
        latency_sensitive: false,
        infrastructure: None,
        first_seen: None,
        last_seen: None,
    };
    out.batch.dependencies.push(Located { value: (record, origin.file.clone()), origin: origin.clone() });
}

/// `guest` runs on, or is hosted on, `host`: a database on a server is a
/// data store on it; an application (or, without classes, any CI that is
/// not a known server) on a server is a member of that application.
fn hosting(guest: &End, host: &End, origin: &Origin, made: &mut MadeRecords, out: &mut Imported) -> bool {
    match (guest.category, host.category) {
        (Category::Database, Category::Server | Category::Unknown) => {
            made.datastore(guest, Some(host), origin, out);
            true
        }
        (Category::Application | Category::Unknown, Category::Server | Category::Unknown) => {
            made.member(guest, host, host.ref_kind(), origin, out);
            true
        }
        _ => false,
    }
}

/// `container` contains, or has as a member, `item`: an application (or,
/// without classes, any CI that is not a known server) containing a server
/// or a database.
fn containment(container: &End, item: &End, origin: &Origin, made: &mut MadeRecords, out: &mut Imported) -> bool {
    match (container.category, item.category) {
        (Category::Application | Category::Unknown, Category::Database) => {
            made.datastore(item, None, origin, out);
            made.member(container, item, Some(RefKind::DataStore), origin, out);
            true
        }
        (Category::Application | Category::Unknown, Category::Server | Category::Unknown) => {
            made.member(container, item, item.ref_kind(), origin, out);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_csv_table;

    const SERVERS: &str = include_str!("../fixtures/servicenow/cmdb_ci_server.csv");
    const RELATIONS_BY_NAME: &str = include_str!("../fixtures/servicenow/cmdb_rel_ci-display-names.csv");
    const RELATIONS_BY_SYS_ID: &str = include_str!("../fixtures/servicenow/cmdb_rel_ci-sys-ids.csv");

    fn table(file: &str, text: &str) -> Table {
        read_csv_table(file, text.as_bytes(), 0).expect("the fixture reads")
    }

    #[test]
    fn a_wide_header_is_listed_short_in_messages() {
        let extra = (1..=30).map(|i| format!("u_extra_{i}")).collect::<Vec<_>>().join(",");
        let wide = table("srv.csv", &format!("sys_id,ip_address,{extra}\n1,10.0.0.1{}\n", ",x".repeat(30)));
        let mut out = Imported::default();
        read_tables(SERVERS_FORMAT, &[&wide], &mut out);
        assert_eq!(
            messages(&out),
            [format!(
                "srv.csv:1: error: a ServiceNow servers export needs a 'name' column (the header has: sys_id, ip_address, {} and 12 more)",
                (1..=18).map(|i| format!("u_extra_{i}")).collect::<Vec<_>>().join(", ")
            )]
        );
    }

    fn messages(out: &Imported) -> Vec<String> {
        out.diagnostics.iter().map(ToString::to_string).collect()
    }

    fn members(out: &Imported) -> Vec<(&str, &str)> {
        out.batch.members.iter().map(|m| (m.value.application.name.as_str(), m.value.member.name.as_str())).collect()
    }

    fn dependencies(out: &Imported) -> Vec<(&str, &str, Option<u16>)> {
        out.batch
            .dependencies
            .iter()
            .map(|d| (d.value.0.from.name.as_str(), d.value.0.to.name.as_str(), d.value.0.port))
            .collect()
    }

    #[test]
    fn recognises_servers_and_relations_by_their_headers() {
        let servers = table("cmdb_ci_server.csv", SERVERS);
        let relations = table("cmdb_rel_ci.csv", RELATIONS_BY_NAME);
        assert_eq!(detect_table(&servers), Some(SERVERS_FORMAT));
        assert_eq!(detect_table(&relations), Some(RELATIONS_FORMAT));
        let not_servers = table("x.csv", "sys_id,name,colour\n1,a,red\n");
        assert_eq!(detect_table(&not_servers), None);
    }

    #[test]
    fn reads_servers_with_units_kinds_tags_and_excludes_retired_cis() {
        let servers = table("cmdb_ci_server.csv", SERVERS);
        let mut out = Imported::default();
        read_tables(SERVERS_FORMAT, &[&servers], &mut out);
        assert_eq!(messages(&out), Vec::<String>::new());
        let names: Vec<&str> = out.batch.servers.iter().map(|s| s.value.name.as_str()).collect();
        assert_eq!(names, ["web01", "app01", "db01", "esx01"]);
        let web = &out.batch.servers[0].value;
        assert_eq!(web.fqdn.as_deref(), Some("web01.hospital.local"));
        assert_eq!(web.ip_addresses, ["10.0.0.11"]);
        assert_eq!(web.mac_addresses, ["00:50:56:aa:bb:01"]);
        assert_eq!(web.os_family, Some(OsFamily::Windows));
        assert_eq!(web.cores, Some(4));
        // ram is MB, disk_space GB.
        assert_eq!((web.memory_gb, web.disk_provisioned_gb), (Some(16.0), Some(120.0)));
        assert_eq!(web.environment, Some(Environment::Production));
        assert_eq!(web.kind, Some(ServerKind::VirtualMachine));
        assert_eq!(web.site.as_deref(), Some("Main campus"));
        assert_eq!(web.tags.get("sys_id").map(String::as_str), Some("0a1b2c3d4e5f60718293a4b5c6d7e8f1"));
        assert_eq!(web.tags.get("u_patch_group").map(String::as_str), Some("wave-a"));
        assert_eq!(web.tags.get("u_app_owner").map(String::as_str), Some("Ops"));
        assert_eq!(web.tags.get("company").map(String::as_str), Some("City Hospital"));
        assert_eq!(web.tags.get("sys_class_name").map(String::as_str), Some("cmdb_ci_win_server"));
        let db = &out.batch.servers[2].value;
        // Two processors of eight cores; physical; fqdn from host_name and dns_domain.
        assert_eq!(db.cores, Some(16));
        assert_eq!(db.kind, Some(ServerKind::Physical));
        assert_eq!(db.fqdn.as_deref(), Some("db01.hospital.local"));
        assert_eq!(db.os_family, Some(OsFamily::Linux));
        // An environment the model does not know is a tag.
        let esx = &out.batch.servers[3].value;
        assert_eq!(esx.environment, None);
        assert_eq!(esx.tags.get("environment").map(String::as_str), Some("Infrastructure"));
        assert_eq!(out.batch.servers[1].origin, Origin::new("cmdb_ci_server.csv", 3));

        let excluded: Vec<(&str, &str)> =
            out.batch.excluded.iter().map(|e| (e.name.as_str(), e.reason.as_str())).collect();
        assert_eq!(
            excluded,
            [
                ("old01", "retired in the ServiceNow CMDB (install_status 7)"),
                ("old02", "retired in the ServiceNow CMDB (operational_status Retired)"),
            ]
        );
    }

    #[test]
    fn relations_by_display_name_give_applications_members_data_stores_and_dependencies() {
        let servers = table("cmdb_ci_server.csv", SERVERS);
        let relations = table("cmdb_rel_ci.csv", RELATIONS_BY_NAME);
        let mut out = Imported::default();
        read_servicenow(&[&servers], &[&relations], &mut out);
        assert_eq!(
            messages(&out),
            [
                "cmdb_rel_ci.csv:12:4: warning: relation type 'Frobnicates::Frobnicated by' is not known: its 2 relations were left out (first here)",
                "cmdb_rel_ci.csv:10:5: info: 1 relation names retired CIs: left out (first here)",
                "cmdb_rel_ci.csv:11:4: info: 1 relation gives no application, membership, data store or dependency and was not used (types: Virtualized by::Virtualizes)",
            ]
        );
        let applications: Vec<&str> = out.batch.applications.iter().map(|a| a.value.name.as_str()).collect();
        assert_eq!(applications, ["Patient Portal", "Billing"]);
        assert_eq!(
            out.batch.applications[0].value.tags.get("sys_class_name").map(String::as_str),
            Some("cmdb_ci_business_app")
        );
        assert_eq!(members(&out), [("Patient Portal", "web01"), ("Patient Portal", "app01"), ("Billing", "db01")]);
        assert_eq!(out.batch.members[0].value.member.kind, Some(RefKind::Server));
        assert_eq!(out.batch.members[0].value.member.column, Some(5));

        assert_eq!(out.batch.datastores.len(), 1);
        let store = &out.batch.datastores[0].value;
        assert_eq!(store.datastore.name, "PORTALDB");
        assert_eq!(store.datastore.engine.as_deref(), Some("SQL Server"));
        assert_eq!(store.server.as_ref().map(|s| s.name.as_str()), Some("db01"));

        // Direction: parent → child, and child → parent for a reversed type.
        assert_eq!(
            dependencies(&out),
            [
                ("web01", "app01", Some(8443)),
                ("app01", "PORTALDB", Some(1433)),
                ("Patient Portal", "Billing", None),
                ("web01", "db01", None)
            ]
        );
        let (to_database, source) = &out.batch.dependencies[1].value;
        assert_eq!(to_database.to.kind, Some(RefKind::DataStore));
        assert_eq!(to_database.kind, DependencyKind::Declared);
        assert_eq!(source, "cmdb_rel_ci.csv");
        assert_eq!(out.batch.dependencies[2].value.0.protocol, Protocol::Any);
    }

    #[test]
    fn relations_by_sys_id_resolve_through_the_servers_export() {
        let servers = table("cmdb_ci_server.csv", SERVERS);
        let relations = table("cmdb_rel_ci.csv", RELATIONS_BY_SYS_ID);
        let mut out = Imported::default();
        // The lead may pass every ServiceNow table in one call; the order does not matter.
        read_tables(RELATIONS_FORMAT, &[&relations, &servers], &mut out);
        assert_eq!(
            messages(&out),
            [
                "cmdb_rel_ci.csv:4:1: warning: 1 relation names CIs by sys_ids that no servers export of this import has (first 'ffffffffffffffffffffffffffffff01', here): left out; import the cmdb_ci_server export with them, or export the relations with display values",
                "cmdb_rel_ci.csv:5:1: info: 1 relation names retired CIs: left out (first here)",
                "cmdb_rel_ci.csv:6:2: info: 1 relation gives no application, membership, data store or dependency and was not used (types: Hosted on::Hosts)",
            ]
        );
        assert_eq!(dependencies(&out), [("web01", "app01", None), ("app01", "db01", None)]);
        assert_eq!(out.batch.dependencies[0].value.0.from.kind, Some(RefKind::Server));
        assert_eq!(out.batch.dependencies[0].value.0.to.column, Some(3));
        assert_eq!(out.batch.servers.len(), 4);
        assert_eq!(out.batch.excluded.len(), 2);

        // Without the servers export the sys_ids cannot be named.
        let mut alone = Imported::default();
        read_tables(RELATIONS_FORMAT, &[&relations], &mut alone);
        assert!(alone.batch.dependencies.is_empty());
        assert!(messages(&alone)[0].contains("5 relations name CIs by sys_ids"), "{:?}", messages(&alone));
    }

    #[test]
    fn display_names_without_class_columns_are_inferred_from_the_servers_export() {
        let servers = table("cmdb_ci_server.csv", SERVERS);
        let relations = table(
            "rel.csv",
            "parent,type,child\nPatient Portal,Runs on::Runs,WEB01\nLab Tools,Hosted on::Hosts,app01\nweb01,Runs on::Runs,esx01\nRadiology,Members::Member of,db01\nweb01,Depends on::Used by,Lab Tools\n",
        );
        let mut out = Imported::default();
        read_servicenow(&[&servers], &[&relations], &mut out);
        assert_eq!(members(&out), [("Patient Portal", "WEB01"), ("Lab Tools", "app01"), ("Radiology", "db01")]);
        assert!(out.batch.members.iter().all(|m| m.value.member.kind == Some(RefKind::Server)));
        let applications: Vec<&str> = out.batch.applications.iter().map(|a| a.value.name.as_str()).collect();
        assert_eq!(applications, ["Patient Portal", "Lab Tools", "Radiology"]);
        // A server running on a server is virtualisation, not membership.
        assert!(messages(&out)[0].ends_with("(types: Runs on::Runs)"), "{:?}", messages(&out));
        // An end that is not a known server has no kind: merge resolves it.
        assert_eq!(out.batch.dependencies[0].value.0.to.kind, None);
    }

    #[test]
    fn relations_alone_infer_applications_and_report_bad_rows() {
        let relations = table(
            "rel.csv",
            "parent,type,child,port\nPortal,Runs on::Runs,web01,\nweb01,Depends on::Used by,,\nweb01,,db01,\nweb01,Connects to::Connected by,db01,http\n",
        );
        let mut out = Imported::default();
        read_tables(RELATIONS_FORMAT, &[&relations], &mut out);
        assert_eq!(
            messages(&out),
            [
                "rel.csv:3:3: error: child: the relation has no child",
                "rel.csv:4:2: error: type: the relation has no type",
                "rel.csv:5:4: error: port: 'http' is not a whole number",
            ]
        );
        assert_eq!(members(&out), [("Portal", "web01")]);
        assert_eq!(out.batch.members[0].value.member.kind, None);
        assert_eq!(dependencies(&out), [("web01", "db01", None)]);
    }

    #[test]
    fn bad_server_cells_name_line_and_column_and_a_missing_name_column_is_an_error() {
        let servers = table("srv.csv", "sys_id,name,ram,virtual,cpu_count\n1,web01,lots,maybe,2\n2,,1024,true,1\n");
        let mut out = Imported::default();
        read_tables(SERVERS_FORMAT, &[&servers], &mut out);
        assert_eq!(
            messages(&out),
            [
                "srv.csv:2:3: error: ram: 'lots' is not a number",
                "srv.csv:2:4: error: virtual: 'maybe' is not true or false",
                "srv.csv:3:2: error: name: the CI has no name (nor host_name or fqdn)",
            ]
        );
        assert_eq!(out.batch.servers.len(), 1);

        let nameless = table("srv.csv", "sys_id,ip_address\n1,10.0.0.1\n");
        let mut out = Imported::default();
        read_tables(SERVERS_FORMAT, &[&nameless], &mut out);
        assert_eq!(
            messages(&out),
            [
                "srv.csv:1: error: a ServiceNow servers export needs a 'name' column (the header has: sys_id, ip_address)"
            ]
        );
    }

    #[test]
    fn classes_and_relation_types() {
        assert_eq!(category_of_class("cmdb_ci_db_mssql_instance"), Category::Database);
        assert_eq!(category_of_class("MSSQL Instance"), Category::Database);
        assert_eq!(category_of_class("cmdb_ci_appl"), Category::Application);
        assert_eq!(category_of_class("cmdb_ci_app_server_tomcat"), Category::Application);
        assert_eq!(category_of_class("Business Service"), Category::Application);
        assert_eq!(category_of_class("cmdb_ci_linux_server"), Category::Server);
        assert_eq!(category_of_class("Windows Server"), Category::Server);
        assert_eq!(category_of_class("cmdb_ci_vmware_instance"), Category::Server);
        assert_eq!(category_of_class("cmdb_ci_ip_switch"), Category::Other);
        assert_eq!(relation_meaning("Depends on::Used by"), Some((Meaning::Dependency, false)));
        assert_eq!(relation_meaning("Used by::Depends on"), Some((Meaning::Dependency, true)));
        assert_eq!(relation_meaning("Sends data to::Receives data from"), Some((Meaning::Dependency, false)));
        assert_eq!(relation_meaning("Receives data from::Sends data to"), Some((Meaning::Dependency, true)));
        assert_eq!(relation_meaning("Runs on::Runs"), Some((Meaning::Hosting, false)));
        assert_eq!(relation_meaning("Hosts::Hosted on"), Some((Meaning::Hosting, true)));
        assert_eq!(relation_meaning("Members::Member of"), Some((Meaning::Containment, false)));
        assert_eq!(relation_meaning(" contains :: contained  by"), Some((Meaning::Containment, false)));
        assert_eq!(relation_meaning("Virtualized by::Virtualizes"), Some((Meaning::NotUsed, false)));
        assert_eq!(relation_meaning("1a9cb166f1571100a92eb60da2bce5c5"), None);
        assert!(retirement(Some("6"), None).is_some());
        assert_eq!(retirement(Some("Operational"), Some("Installed")), None);
    }
}
