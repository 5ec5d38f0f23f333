//! Any other spreadsheet (a CSV file or a workbook sheet), read through a
//! [`ColumnMapping`] that says which column is which field: servers,
//! applications or dependencies. [`suggest_mapping`] proposes a mapping from
//! common header spellings for the user to confirm; [`read_mapped`] reads a
//! [`Table`] with a confirmed mapping, so CSV and XLSX are read alike.
//!
//! What it must not do: guess silently. Only the columns the mapping names
//! become fields; every other column becomes a tag. A mapped column missing
//! from the file is an error naming it and the headers the file has. Like
//! every reader it never fails and never panics: bad cells are diagnostics
//! with file, sheet, line and column.
//!
//! It also holds [`os_family_from_name`], which the ServiceNow and Google
//! Migration Center readers share.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use waveplan_core::merge::{DependencyRecord, Located, MemberRecord, NameRef, RefKind};
use waveplan_core::{
    AppRole, Application, DependencyKind, Diagnostic, DrPosture, Environment, MaintenanceWindow, OsFamily, PowerState,
    Protocol, Server, ServerKind, Strategy, Tags, Tier,
};

use crate::native::parse_duration_minutes;
use crate::table::{Cells, Table, TableRow, header_key};
use crate::{FormatInfo, Imported};

/// The format id of a spreadsheet read through a column mapping.
pub const FORMAT_ID: &str = "mapped";

/// The format this module reads. It is never recognised from headers alone:
/// a mapping has to be chosen or confirmed.
pub const FORMATS: &[FormatInfo] = &[FormatInfo {
    id: FORMAT_ID,
    name: "Any spreadsheet (CSV or XLSX) with a column mapping",
    recognised_by: "not by itself: a column mapping (waveplan import --mapping NAME, or the import wizard) says which column is which",
}];

/// What the rows of a mapped spreadsheet are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MappedTable {
    /// One server per row; an `application` column makes memberships.
    Servers,
    /// One application per row; a `servers` column makes memberships.
    Applications,
    /// One dependency per row, `from` depending on `to`.
    Dependencies,
}

impl MappedTable {
    /// Every table, in the order the import wizard offers them.
    pub const ALL: [MappedTable; 3] = [MappedTable::Servers, MappedTable::Applications, MappedTable::Dependencies];

    /// The name used in mappings and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            MappedTable::Servers => "servers",
            MappedTable::Applications => "applications",
            MappedTable::Dependencies => "dependencies",
        }
    }

    /// The target fields a mapping of this table may name.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            MappedTable::Servers => &[
                "name",
                "fqdn",
                "ip_addresses",
                "mac_addresses",
                "os_family",
                "os_name",
                "os_version",
                "cores",
                "memory_gb",
                "disk_provisioned_gb",
                "disk_used_gb",
                "environment",
                "site",
                "datacenter",
                "cluster",
                "power_state",
                "kind",
                "device_class",
                "application",
                "tags",
                "vm_uuid",
                "moref",
                "vcenter_id",
                "sys_id",
                "machine_id",
                "external_id",
            ],
            MappedTable::Applications => &[
                "name",
                "owner",
                "business_unit",
                "tier",
                "rto",
                "rpo",
                "strategy",
                "compliance",
                "maintenance_window",
                "dr_current",
                "dr_target",
                "environment",
                "copy_of",
                "role",
                "servers",
                "tags",
            ],
            MappedTable::Dependencies => &[
                "from",
                "to",
                "from_kind",
                "to_kind",
                "port",
                "protocol",
                "kind",
                "weight",
                "latency_sensitive",
                "first_seen",
                "last_seen",
            ],
        }
    }

    /// The fields a mapping of this table must name.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            MappedTable::Servers | MappedTable::Applications => &["name"],
            MappedTable::Dependencies => &["from", "to"],
        }
    }

    /// The canonical field a mapping key stands for: the field itself in any
    /// spelling [`header_key`] forgives, or a short alias (`memory` →
    /// `memory_gb`, `ip` → `ip_addresses`, `os` → `os_name`, `app` → `application`).
    pub fn canonical_field(self, key: &str) -> Option<&'static str> {
        let key = header_key(key);
        if let Some(field) = self.fields().iter().find(|f| header_key(f) == key) {
            return Some(field);
        }
        let alias = match (self, key.as_str()) {
            (MappedTable::Servers, "memory" | "ram" | "memorymb") => "memory_gb",
            (MappedTable::Servers, "disk" | "diskgb" | "storage" | "diskprovisioned") => "disk_provisioned_gb",
            (MappedTable::Servers, "diskused") => "disk_used_gb",
            (MappedTable::Servers, "ip" | "ipaddress" | "ips") => "ip_addresses",
            (MappedTable::Servers, "mac" | "macaddress") => "mac_addresses",
            (MappedTable::Servers, "os" | "operatingsystem") => "os_name",
            (MappedTable::Servers, "app" | "applications") => "application",
            (MappedTable::Servers, "hostname") => "name",
            (MappedTable::Applications, "members" | "server") => "servers",
            (MappedTable::Dependencies, "source") => "from",
            (MappedTable::Dependencies, "destination" | "target") => "to",
            _ => return None,
        };
        Some(alias)
    }
}

impl std::fmt::Display for MappedTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which column of a spreadsheet is which field, saved in the project as a
/// reusable profile and applied by `waveplan import --mapping NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The profile's name.
    pub name: String,
    /// What the rows are.
    pub table: MappedTable,
    /// Target field (see [`MappedTable::fields`]) to the source header, as
    /// written in the file (matched ignoring case, spaces and `*` marks).
    pub columns: BTreeMap<String, String>,
    /// Unit of a size field when it is not GB: `memory` (or `memory_gb`),
    /// `disk` (or `disk_provisioned_gb`, `disk_used_gb`) to `MB`, `MiB`,
    /// `GB`, `GiB`, `TB`, `KB` or `bytes`.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
}

impl ColumnMapping {
    /// An empty mapping.
    pub fn new(name: impl Into<String>, table: MappedTable) -> ColumnMapping {
        ColumnMapping { name: name.into(), table, columns: BTreeMap::new(), units: BTreeMap::new() }
    }

    /// The unit written for a size field, under the field's name or its
    /// short form (`memory` for `memory_gb`, `disk` for both disk fields).
    pub fn unit_for(&self, field: &str) -> Option<&str> {
        let short = field.strip_suffix("_gb").unwrap_or(field);
        let quantity = short.split('_').next().unwrap_or(short);
        self.units
            .iter()
            .find(|(key, _)| {
                let key = header_key(key);
                key == header_key(field) || key == header_key(short) || key == header_key(quantity)
            })
            .map(|(_, unit)| unit.as_str())
    }
}

/// GB per one of `unit` (MB and MiB alike are 1/1024: sizes are stored in
/// GB and a MiB/1024 is a GiB, which the model takes as GB).
pub fn size_unit_in_gb(unit: &str) -> Option<f64> {
    match header_key(unit).as_str() {
        "" | "gb" | "gib" | "g" | "gigabyte" | "gigabytes" => Some(1.0),
        "mb" | "mib" | "m" | "megabyte" | "megabytes" => Some(1.0 / 1024.0),
        "tb" | "tib" | "t" | "terabyte" | "terabytes" => Some(1024.0),
        "kb" | "kib" | "k" | "kilobyte" | "kilobytes" => Some(1.0 / (1024.0 * 1024.0)),
        "b" | "byte" | "bytes" => Some(1.0 / (1024.0 * 1024.0 * 1024.0)),
        _ => None,
    }
}

/// A number followed by optional words (`16384`, `16,384`, `16 GB`,
/// `4 vCPU`): the number (thousands separators dropped) and the words.
fn number_and_words(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(text.len());
    let (number, words) = text.split_at(end);
    let value: f64 = number.replace(',', "").parse().ok()?;
    let words = words.trim();
    (value.is_finite() && words.chars().all(|c| c.is_alphabetic() || c == ' ')).then_some((value, words))
}

/// The operating system family a name implies: `Microsoft Windows Server
/// 2019` → Windows, `Red Hat Enterprise Linux 8` → Linux, `AIX 7.2` → Unix.
pub fn os_family_from_name(os: &str) -> Option<OsFamily> {
    let os = os.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| os.contains(w));
    if has(&["windows", "win2k", "microsoft"]) {
        Some(OsFamily::Windows)
    } else if has(&[
        "linux",
        "red hat",
        "redhat",
        "rhel",
        "centos",
        "ubuntu",
        "debian",
        "suse",
        "sles",
        "fedora",
        "rocky",
        "alma",
        "oracle enterprise",
        "amazon",
        "photon",
        "coreos",
    ]) {
        Some(OsFamily::Linux)
    } else if has(&["aix", "solaris", "sunos", "hp-ux", "hpux", "unix", "freebsd", "openbsd", "z/os"]) {
        Some(OsFamily::Unix)
    } else {
        OsFamily::parse(&os)
    }
}

/// Where each mapped field sits in the table.
struct MappedColumns {
    fields: HashMap<&'static str, usize>,
    /// Columns no field names, kept as tags.
    others: Vec<usize>,
}

impl MappedColumns {
    fn get(&self, field: &str) -> Option<usize> {
        self.fields.get(field).copied()
    }
}

/// Checks the mapping against its table kind and the file's headers,
/// reporting what is wrong. `None` when nothing can be read.
fn resolve_columns(table: &Table, mapping: &ColumnMapping, out: &mut Imported) -> Option<MappedColumns> {
    let at_header = table.header_origin();
    let mut fields = HashMap::new();
    let mut usable = true;
    for (key, header) in &mapping.columns {
        let Some(field) = mapping.table.canonical_field(key) else {
            out.diagnostics.push(Diagnostic::error_at(
                &at_header,
                None,
                format!(
                    "mapping '{}': '{key}' is not a field of {} (fields: {})",
                    mapping.name,
                    mapping.table,
                    mapping.table.fields().join(", ")
                ),
            ));
            usable = false;
            continue;
        };
        match table.column(&[header]) {
            Some(position) => {
                fields.insert(field, position);
            }
            None => {
                out.diagnostics.push(Diagnostic::error_at(
                    &at_header,
                    None,
                    format!(
                        "column '{header}' (mapped to {field} by mapping '{}') is not in the file; the header has: {}",
                        mapping.name,
                        table.header_list()
                    ),
                ));
                if mapping.table.required().contains(&field) {
                    usable = false;
                }
            }
        }
    }
    for required in mapping.table.required() {
        let named = mapping.columns.keys().any(|k| mapping.table.canonical_field(k) == Some(required));
        if !named {
            out.diagnostics.push(Diagnostic::error_at(
                &at_header,
                None,
                format!(
                    "mapping '{}' does not say which column is the {required} ({} need {})",
                    mapping.name,
                    mapping.table,
                    mapping.table.required().join(" and ")
                ),
            ));
            usable = false;
        }
    }
    for (key, unit) in &mapping.units {
        if size_unit_in_gb(unit).is_none() {
            out.diagnostics.push(Diagnostic::error_at(
                &at_header,
                None,
                format!(
                    "mapping '{}': unit '{unit}' for {key} is not one of GB, GiB, MB, MiB, TB, KB, bytes",
                    mapping.name
                ),
            ));
            usable = false;
        }
    }
    let known: Vec<usize> = fields.values().copied().collect();
    let others = if mapping.table == MappedTable::Dependencies { Vec::new() } else { table.other_columns(&known) };
    usable.then_some(MappedColumns { fields, others })
}

/// Reads a table through a column mapping into `out`: servers (with their
/// applications as memberships), applications (with their servers) or
/// dependencies, depending on [`ColumnMapping::table`].
///
/// Headers are matched ignoring case, spaces and `*` marks. A mapped header
/// missing from the file is an error naming it and listing the file's
/// headers; columns the mapping does not name become tags. Sizes are
/// converted to GB by the mapping's units, or by a unit written in the cell
/// itself (`16 GB`, `4096 MB`), which wins.
pub fn read_mapped(table: &Table, mapping: &ColumnMapping, out: &mut Imported) {
    let Some(columns) = resolve_columns(table, mapping, out) else {
        return;
    };
    let mut reader =
        MappedReader { table, mapping, columns: &columns, warned: HashSet::new(), applications: HashSet::new() };
    for row in &table.rows {
        match mapping.table {
            MappedTable::Servers => reader.read_server(row, out),
            MappedTable::Applications => reader.read_application(row, out),
            MappedTable::Dependencies => reader.read_dependency(row, out),
        }
    }
    if table.rows.is_empty() {
        out.diagnostics.push(Diagnostic::warning_at(
            &table.header_origin(),
            None,
            "the table has a header but no rows",
        ));
    }
}

/// The sheet of a workbook a mapping is meant for: the first whose headers
/// hold every mapped column, else the one holding the most (so that
/// [`read_mapped`] names what is missing from the likeliest sheet).
pub fn sheet_for_mapping<'a>(sheets: &'a [Table], mapping: &ColumnMapping) -> Option<&'a Table> {
    let found =
        |sheet: &Table| mapping.columns.values().filter(|header| sheet.column(&[header.as_str()]).is_some()).count();
    sheets
        .iter()
        .find(|sheet| found(sheet) == mapping.columns.len())
        .or_else(|| sheets.iter().rev().max_by_key(|sheet| found(sheet)))
}

/// The state of one [`read_mapped`] call.
struct MappedReader<'a> {
    table: &'a Table,
    mapping: &'a ColumnMapping,
    columns: &'a MappedColumns,
    /// (field, value) pairs already warned about, so a value that does not
    /// fit a vocabulary is reported once, not on every row.
    warned: HashSet<(&'static str, String)>,
    /// Applications already created by memberships (lower case).
    applications: HashSet<String>,
}

impl MappedReader<'_> {
    fn col(&self, field: &str) -> Option<usize> {
        self.columns.get(field)
    }

    /// A vocabulary field; a value outside it is kept as a tag named by the
    /// field, with one warning per distinct value.
    fn vocabulary_or_tag<T>(
        &mut self,
        cells: &mut Cells<'_>,
        field: &'static str,
        parse: fn(&str) -> Option<T>,
        expected: String,
        tags: &mut Tags,
    ) -> Option<T> {
        let column = self.col(field);
        let text = cells.text(column)?;
        if let Some(value) = parse(&text) {
            return Some(value);
        }
        tags.insert(field.to_string(), text.clone());
        if self.warned.insert((field, text.to_lowercase())) {
            cells.warning(
                column,
                format!("{field}: '{text}' is not one of {expected}: kept as tag '{field}' (reported once)"),
            );
        }
        None
    }

    /// A size in GB, by the cell's own unit or the mapping's.
    fn size_gb(&self, cells: &mut Cells<'_>, field: &'static str) -> Option<f64> {
        let column = self.col(field);
        let mapping_unit = self.mapping.unit_for(field).and_then(size_unit_in_gb).unwrap_or(1.0);
        cells.parsed(column, "a size (a number, optionally followed by GB, MB, TB)", |text| {
            let (value, words) = number_and_words(text)?;
            let factor = if words.is_empty() { mapping_unit } else { size_unit_in_gb(words)? };
            Some(value * factor)
        })
    }

    /// A whole number, allowing trailing words (`4 vCPU`) and `4.0`.
    fn whole(&self, cells: &mut Cells<'_>, field: &'static str, what: &str) -> Option<u32> {
        cells.parsed(self.col(field), what, |text| {
            let (value, _) = number_and_words(text)?;
            (value >= 0.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX)).then_some(value as u32)
        })
    }

    /// `k=v;k=v` from a `tags` column.
    fn tags_column(&self, cells: &Cells<'_>, tags: &mut Tags) {
        let Some(text) = cells.text(self.col("tags")) else { return };
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once(['=', ':']).unwrap_or((pair, ""));
            if !key.trim().is_empty() {
                tags.insert(key.trim().to_string(), value.trim().to_string());
            }
        }
    }

    fn add_application(&mut self, name: &str, out: &mut Imported, origin: &waveplan_core::Origin) {
        if self.applications.insert(name.to_lowercase()) {
            out.batch.applications.push(Located {
                value: Application { name: name.to_string(), ..Application::default() },
                origin: origin.clone(),
            });
        }
    }

    fn read_server(&mut self, row: &TableRow, out: &mut Imported) {
        let mut cells = self.table.cells(row, &mut out.diagnostics);
        let origin = cells.origin();
        let Some(name) = cells.text(self.col("name")) else {
            let header = self.mapping_header("name");
            cells.error(self.col("name"), format!("{header}: the server name is empty"));
            return;
        };
        let mut tags = cells.tags_from(&self.columns.others);
        self.tags_column(&cells, &mut tags);
        for identity in waveplan_core::merge::IDENTITY_TAGS.iter().copied().chain(["vcenter_id"]) {
            if let Some(value) = cells.text(self.col(identity)) {
                tags.insert(identity.to_string(), value);
            }
        }
        let address_separators = [',', ';', ' ', '[', ']', '\n'];
        let os_name = cells.text(self.col("os_name"));
        let os_family = self
            .vocabulary_or_tag(&mut cells, "os_family", OsFamily::parse, OsFamily::expected(), &mut tags)
            .or_else(|| os_name.as_deref().and_then(os_family_from_name));
        let server = Server {
            name: name.clone(),
            fqdn: cells.text(self.col("fqdn")),
            ip_addresses: cells.list(self.col("ip_addresses"), &address_separators),
            mac_addresses: cells.list(self.col("mac_addresses"), &address_separators),
            os_family,
            os_name,
            os_version: cells.text(self.col("os_version")),
            cores: self.whole(&mut cells, "cores", "a whole number of cores"),
            memory_gb: self.size_gb(&mut cells, "memory_gb"),
            disk_provisioned_gb: self.size_gb(&mut cells, "disk_provisioned_gb"),
            disk_used_gb: self.size_gb(&mut cells, "disk_used_gb"),
            environment: self.vocabulary_or_tag(
                &mut cells,
                "environment",
                Environment::parse,
                Environment::expected(),
                &mut tags,
            ),
            site: cells.text(self.col("site")),
            datacenter: cells.text(self.col("datacenter")),
            cluster: cells.text(self.col("cluster")),
            power_state: self.vocabulary_or_tag(
                &mut cells,
                "power_state",
                PowerState::parse,
                PowerState::expected(),
                &mut tags,
            ),
            kind: self.vocabulary_or_tag(&mut cells, "kind", ServerKind::parse, ServerKind::expected(), &mut tags),
            device_class: cells.text(self.col("device_class")),
            tags,
            provenance: Default::default(),
        };
        let application_column = self.col("application");
        let applications = cells.list(application_column, &[';', '\n']);
        out.batch.servers.push(Located { value: server, origin: origin.clone() });
        for application in applications {
            self.add_application(&application, out, &origin);
            out.batch.members.push(Located {
                value: MemberRecord {
                    application: NameRef {
                        name: application,
                        kind: Some(RefKind::Application),
                        column: one_based(application_column),
                    },
                    member: NameRef {
                        name: name.clone(),
                        kind: Some(RefKind::Server),
                        column: one_based(self.col("name")),
                    },
                },
                origin: origin.clone(),
            });
        }
    }

    fn read_application(&mut self, row: &TableRow, out: &mut Imported) {
        let mut cells = self.table.cells(row, &mut out.diagnostics);
        let origin = cells.origin();
        let Some(name) = cells.text(self.col("name")) else {
            let header = self.mapping_header("name");
            cells.error(self.col("name"), format!("{header}: the application name is empty"));
            return;
        };
        let mut tags = cells.tags_from(&self.columns.others);
        self.tags_column(&cells, &mut tags);
        let window_column = self.col("maintenance_window");
        let maintenance_window = cells.text(window_column).and_then(|text| match MaintenanceWindow::parse(&text) {
            Ok(window) => Some(window),
            Err(message) => {
                cells.error(window_column, format!("maintenance_window: {message}"));
                None
            }
        });
        let minutes = "a duration such as 15m, 4h or 1d";
        let application = Application {
            name: name.clone(),
            owner: cells.text(self.col("owner")),
            business_unit: cells.text(self.col("business_unit")),
            tier: self.vocabulary_or_tag(&mut cells, "tier", Tier::parse, Tier::expected(), &mut tags),
            rto_minutes: cells.parsed(self.col("rto"), minutes, parse_duration_minutes),
            rpo_minutes: cells.parsed(self.col("rpo"), minutes, parse_duration_minutes),
            strategy: self.vocabulary_or_tag(&mut cells, "strategy", Strategy::parse, Strategy::expected(), &mut tags),
            compliance: cells.list(self.col("compliance"), &[';', ',']),
            maintenance_window,
            dr_current: self.vocabulary_or_tag(
                &mut cells,
                "dr_current",
                DrPosture::parse,
                DrPosture::expected(),
                &mut tags,
            ),
            dr_target: self.vocabulary_or_tag(
                &mut cells,
                "dr_target",
                DrPosture::parse,
                DrPosture::expected(),
                &mut tags,
            ),
            environment: self.vocabulary_or_tag(
                &mut cells,
                "environment",
                Environment::parse,
                Environment::expected(),
                &mut tags,
            ),
            copy_of: cells.text(self.col("copy_of")),
            role: self.vocabulary_or_tag(&mut cells, "role", AppRole::parse, AppRole::expected(), &mut tags),
            tags,
            ..Application::default()
        };
        let servers_column = self.col("servers");
        let servers = cells.list(servers_column, &[';', ',', '\n']);
        // An application written twice in the sheet is pushed twice: merge
        // reports the duplicate with both lines.
        out.batch.applications.push(Located { value: application, origin: origin.clone() });
        for server in servers {
            out.batch.members.push(Located {
                value: MemberRecord {
                    application: NameRef {
                        name: name.clone(),
                        kind: Some(RefKind::Application),
                        column: one_based(self.col("name")),
                    },
                    member: NameRef { name: server, kind: None, column: one_based(servers_column) },
                },
                origin: origin.clone(),
            });
        }
    }

    fn read_dependency(&mut self, row: &TableRow, out: &mut Imported) {
        let mut cells = self.table.cells(row, &mut out.diagnostics);
        let origin = cells.origin();
        let end = |cells: &mut Cells<'_>, field: &'static str, kind_field: &'static str| -> Option<NameRef> {
            let column = self.col(field);
            let Some(name) = cells.text(column) else {
                cells.error(column, format!("{field}: the {field} side of the dependency is empty"));
                return None;
            };
            let kind = cells.parsed(
                self.col(kind_field),
                "one of server, application, datastore, external, address",
                parse_ref_kind,
            );
            Some(NameRef { name, kind, column: one_based(column) })
        };
        let from = end(&mut cells, "from", "from_kind");
        let to = end(&mut cells, "to", "to_kind");
        let port = cells.parsed(self.col("port"), "a port number (0-65535)", |t| {
            number_and_words(t)
                .filter(|(v, w)| w.is_empty() && v.fract() == 0.0 && *v <= 65535.0)
                .map(|(v, _)| v as u16)
        });
        let protocol = cells.vocabulary(self.col("protocol"), Protocol::parse, Protocol::expected());
        let record = DependencyRecord {
            from: from.clone().unwrap_or_else(empty_ref),
            to: to.clone().unwrap_or_else(empty_ref),
            port,
            protocol: protocol.unwrap_or(if port.is_some() { Protocol::Tcp } else { Protocol::Any }),
            kind: cells
                .vocabulary(self.col("kind"), DependencyKind::parse, DependencyKind::expected())
                .unwrap_or(DependencyKind::Declared),
            weight: cells.decimal(self.col("weight")).unwrap_or(1.0),
            latency_sensitive: cells.parsed(self.col("latency_sensitive"), "yes or no", parse_yes_no).unwrap_or(false),
            infrastructure: None,
            first_seen: cells.date(self.col("first_seen")),
            last_seen: cells.date(self.col("last_seen")),
        };
        if from.is_some() && to.is_some() {
            out.batch.dependencies.push(Located { value: (record, origin.file.clone()), origin });
        }
    }

    /// The header a field is mapped to, for messages.
    fn mapping_header(&self, field: &str) -> String {
        self.col(field).and_then(|c| self.table.headers.get(c)).cloned().unwrap_or_else(|| field.to_string())
    }
}

fn one_based(column: Option<usize>) -> Option<u64> {
    column.map(|c| c as u64 + 1)
}

fn empty_ref() -> NameRef {
    NameRef { name: String::new(), kind: None, column: None }
}

/// `yes`/`no`, `true`/`false`, `y`/`n`, `1`/`0`.
pub(crate) fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" => Some(true),
        "no" | "n" | "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

fn parse_ref_kind(text: &str) -> Option<RefKind> {
    match header_key(text).as_str() {
        "server" | "device" | "host" => Some(RefKind::Server),
        "application" | "app" => Some(RefKind::Application),
        "datastore" | "database" | "db" => Some(RefKind::DataStore),
        "external" => Some(RefKind::External),
        "address" | "ip" | "ipaddress" => Some(RefKind::Address),
        _ => None,
    }
}

/// A header reduced for suggestion: lower case letters and digits only
/// (`Memory (In MB)` → `memoryinmb`).
fn suggestion_key(header: &str) -> String {
    header.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Header spellings per field, most telling first.
fn exact_spellings(target: MappedTable) -> &'static [(&'static str, &'static [&'static str])] {
    match target {
        MappedTable::Servers => &[
            (
                "name",
                &[
                    "hostname",
                    "servername",
                    "computername",
                    "vmname",
                    "machinename",
                    "devicename",
                    "nodename",
                    "systemname",
                    "ciname",
                    "assetname",
                    "name",
                    "server",
                    "host",
                    "computer",
                    "vm",
                    "machine",
                    // An asset register's "Device" is the device's name.
                    "device",
                ],
            ),
            ("fqdn", &["fqdn", "fullyqualifieddomainname", "dnsname", "dnshostname"]),
            (
                "ip_addresses",
                &[
                    "ipaddresses",
                    "ipaddress",
                    "ip",
                    "ips",
                    "ipv4",
                    "ipv4address",
                    "ipv4addresses",
                    "primaryip",
                    "primaryipaddress",
                    "ipaddr",
                ],
            ),
            ("mac_addresses", &["macaddresses", "macaddress", "mac", "macs"]),
            (
                "cores",
                &[
                    "vcpu",
                    "vcpus",
                    "cores",
                    "cpus",
                    "cpu",
                    "cpucores",
                    "cpucount",
                    "corecount",
                    "numcpu",
                    "numcpus",
                    "numberofcores",
                    "numberofcpus",
                    "numberofprocessors",
                    "processors",
                    "logicalprocessors",
                    "virtualcpus",
                    "vcores",
                ],
            ),
            ("os_name", &["os", "operatingsystem", "osname", "operatingsystemname", "guestos", "osdescription"]),
            ("os_version", &["osversion", "operatingsystemversion"]),
            ("os_family", &["osfamily", "ostype", "osplatform", "platform"]),
            ("environment", &["environment", "env", "lifecycle", "stage"]),
            ("site", &["site", "location"]),
            ("datacenter", &["datacenter", "datacentre", "dc"]),
            ("cluster", &["cluster", "clustername"]),
            ("power_state", &["powerstate", "powerstatus", "powerstats", "power"]),
            ("kind", &["kind", "servertype", "machinekind"]),
            (
                "application",
                &[
                    "application",
                    "applications",
                    "app",
                    "apps",
                    "appname",
                    "applicationname",
                    "businessapplication",
                    "businessservice",
                    "service",
                ],
            ),
            ("vm_uuid", &["vmuuid", "uuid", "biosuuid", "smbiosuuid"]),
            ("moref", &["moref", "morefid", "vmmoref"]),
            ("sys_id", &["sysid"]),
            ("external_id", &["externalid"]),
        ],
        MappedTable::Applications => &[
            ("name", &["applicationname", "appname", "application", "app", "name", "service", "servicename", "system"]),
            ("owner", &["owner", "appowner", "applicationowner", "businessowner", "technicalowner"]),
            ("business_unit", &["businessunit", "bu", "department", "division"]),
            ("tier", &["tier", "criticality", "businesscriticality"]),
            ("strategy", &["strategy", "migrationstrategy", "disposition", "treatment", "rtype", "6r", "7r"]),
            ("environment", &["environment", "env", "lifecycle"]),
            ("rto", &["rto"]),
            ("rpo", &["rpo"]),
            ("compliance", &["compliance", "regulatory"]),
            ("maintenance_window", &["maintenancewindow", "changewindow"]),
            ("servers", &["servers", "hosts", "members", "servernames", "hostnames", "server"]),
        ],
        MappedTable::Dependencies => &[
            (
                "from",
                &[
                    "from",
                    "source",
                    "sourceserver",
                    "sourceservername",
                    "sourcehost",
                    "sourcename",
                    "src",
                    "client",
                    "caller",
                    "consumer",
                ],
            ),
            (
                "to",
                &[
                    "to",
                    "destination",
                    "destinationserver",
                    "destinationservername",
                    "destinationhost",
                    "dest",
                    "dst",
                    "target",
                    "targetserver",
                    "provider",
                ],
            ),
            ("port", &["port", "destinationport", "dstport", "destport", "targetport"]),
            ("protocol", &["protocol", "proto"]),
            ("weight", &["weight", "count", "connections", "connectioncount"]),
        ],
    }
}

/// The unit a header spells (`RAM (MB)` → `MB`), if any.
fn unit_in_header(key: &str) -> Option<&'static str> {
    // Longest spellings first so `mib` is not read as `mb`.
    [("mib", "MiB"), ("gib", "GiB"), ("tib", "TiB"), ("mb", "MB"), ("gb", "GB"), ("tb", "TB")]
        .iter()
        .find(|(spelling, _)| key.ends_with(spelling) || key.contains(&format!("in{spelling}")))
        .map(|&(_, unit)| unit)
}

/// Whether a header is a measure of use rather than a size (`Memory
/// utilization percentage`, `RAM used`), which must not be taken as a size.
fn is_usage_measure(key: &str) -> bool {
    [
        "util",
        "usage",
        "percent",
        "pct",
        "free",
        "avail",
        "demand",
        "consumed",
        "active",
        "throughput",
        "read",
        "write",
        "iops",
        "ops",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// A size field a header names, with its unit: memory and disks.
fn size_field(key: &str) -> Option<(&'static str, Option<&'static str>)> {
    let unit = unit_in_header(key);
    if is_usage_measure(key) {
        return None;
    }
    let memory = key == "ram" || key.starts_with("ram") || key.contains("memory") || key.starts_with("mem");
    if memory && !key.contains("used") && !key.contains("inuse") {
        return Some(("memory_gb", unit));
    }
    let disk = key.contains("disk") || key.contains("storage");
    let counted = key.contains("count") || key.contains("number") || key.ends_with("disks") || key.contains("numberof");
    if disk && !counted && !key.contains("type") && !key.contains("label") && !key.contains("name") {
        let used = key.contains("used") || key.contains("inuse");
        return Some((if used { "disk_used_gb" } else { "disk_provisioned_gb" }, unit));
    }
    None
}

/// Proposes a mapping from common header spellings (`Hostname`, `Server`,
/// `Computer Name`, `VM` → name; `IP`, `IP Address` → ip_addresses; `vCPU`,
/// `CPUs`, `Cores` → cores; `RAM`/`Memory (GB|MB)` → memory_gb with its
/// unit; `OS`, `Operating System` → os_name; `Env`, `Environment` →
/// environment; `App`, `Application` → application), for the user to
/// confirm. Each header is used for one field at most; the mapping is named
/// after the file.
pub fn suggest_mapping(table: &Table, target: MappedTable) -> ColumnMapping {
    let stem = table.file.rsplit(['/', '\\']).next().unwrap_or(&table.file);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    let name = match &table.sheet {
        Some(sheet) => format!("{stem} {sheet}"),
        None => stem.to_string(),
    };
    let mut mapping = ColumnMapping::new(name, target);
    let keys: Vec<String> = table.headers.iter().map(|h| suggestion_key(h)).collect();
    let mut used = vec![false; keys.len()];
    for (field, spellings) in exact_spellings(target) {
        let found = spellings.iter().find_map(|spelling| (0..keys.len()).find(|&i| !used[i] && keys[i] == *spelling));
        if let Some(i) = found {
            used[i] = true;
            mapping.columns.insert(field.to_string(), table.headers[i].clone());
        }
    }
    if target == MappedTable::Servers {
        for (i, key) in keys.iter().enumerate() {
            if used[i] {
                continue;
            }
            let Some((field, unit)) = size_field(key) else { continue };
            if mapping.columns.contains_key(field) {
                continue;
            }
            used[i] = true;
            mapping.columns.insert(field.to_string(), table.headers[i].clone());
            if let Some(unit) = unit.filter(|u| !u.starts_with('G')) {
                let short = if field == "memory_gb" { "memory".to_string() } else { field.to_string() };
                mapping.units.insert(short, unit.to_string());
            }
        }
    }
    mapping
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_csv_table;
    use waveplan_core::Severity;

    const MESSY: &str = include_str!("../fixtures/mapped/messy-inventory.csv");

    fn messy_table() -> Table {
        read_csv_table("messy-inventory.csv", MESSY.as_bytes(), 1).expect("the fixture reads")
    }

    #[test]
    fn a_wide_header_is_listed_short_in_messages() {
        let extra = (1..=30).map(|i| format!("Extra {i}")).collect::<Vec<_>>().join(",");
        let text = format!("hostname,{extra}\nweb01{}\n", ",x".repeat(30));
        let table = read_csv_table("wide.csv", text.as_bytes(), 0).unwrap();
        let mut mapping = ColumnMapping::new("wide", MappedTable::Servers);
        mapping.columns.insert("name".into(), "hostname".into());
        mapping.columns.insert("datacenter".into(), "Data Centre".into());
        let mut out = Imported::default();
        read_mapped(&table, &mapping, &mut out);
        let listed = (1..=19).map(|i| format!("Extra {i}")).collect::<Vec<_>>().join(", ");
        assert_eq!(
            out.diagnostics[0].message,
            format!(
                "column 'Data Centre' (mapped to datacenter by mapping 'wide') is not in the file; the header has: hostname, {listed} and 11 more"
            )
        );
    }

    fn messages(out: &Imported) -> Vec<String> {
        out.diagnostics.iter().map(ToString::to_string).collect()
    }

    fn servers_mapping() -> ColumnMapping {
        let mut mapping = ColumnMapping::new("asset register", MappedTable::Servers);
        for (field, header) in [
            ("name", "hostname"),
            ("ip_addresses", "IP Address"),
            ("cores", "VCPUS"),
            ("memory_gb", "RAM (MB)"),
            ("os_name", "Operating System"),
            ("environment", "Env"),
            ("application", "App"),
        ] {
            mapping.columns.insert(field.into(), header.into());
        }
        mapping.units.insert("memory".into(), "MB".into());
        mapping
    }

    #[test]
    fn suggests_a_mapping_from_common_spellings_with_units() {
        let mapping = suggest_mapping(&messy_table(), MappedTable::Servers);
        let expected: BTreeMap<String, String> = [
            ("name", "Hostname"),
            ("ip_addresses", "IP Address"),
            ("cores", "vCPUs"),
            ("memory_gb", "RAM (MB)"),
            ("os_name", "Operating System"),
            ("environment", "Env"),
            ("application", "App"),
            ("disk_provisioned_gb", "Disk Size"),
        ]
        .into_iter()
        .map(|(f, h)| (f.to_string(), h.to_string()))
        .collect();
        assert_eq!(mapping.columns, expected);
        assert_eq!(mapping.units.get("memory").map(String::as_str), Some("MB"));
        assert_eq!(mapping.name, "messy-inventory");
        assert_eq!(mapping.table, MappedTable::Servers);
    }

    #[test]
    fn suggestions_skip_usage_measures_and_counts() {
        let table = Table::new(
            "x.csv",
            None,
            1,
            [
                "Computer Name",
                "Memory utilization percentage",
                "Memory (In MiB)",
                "Total Disks",
                "Storage in use (In GB)",
                "CPUs",
            ]
            .map(String::from)
            .to_vec(),
            vec![],
        );
        let mapping = suggest_mapping(&table, MappedTable::Servers);
        assert_eq!(mapping.columns.get("name").map(String::as_str), Some("Computer Name"));
        assert_eq!(mapping.columns.get("memory_gb").map(String::as_str), Some("Memory (In MiB)"));
        assert_eq!(mapping.units.get("memory").map(String::as_str), Some("MiB"));
        assert_eq!(mapping.columns.get("disk_used_gb").map(String::as_str), Some("Storage in use (In GB)"));
        assert_eq!(mapping.columns.get("disk_provisioned_gb"), None);
        assert_eq!(mapping.columns.get("cores").map(String::as_str), Some("CPUs"));
        let deps = Table::new(
            "d.csv",
            None,
            1,
            ["Source Server", "Destination", "Dest Port"].map(String::from).to_vec(),
            vec![],
        );
        let mapping = suggest_mapping(&deps, MappedTable::Dependencies);
        assert_eq!(mapping.columns.len(), 3);
        assert_eq!(mapping.columns["port"], "Dest Port");
    }

    #[test]
    fn reads_servers_with_units_memberships_and_extra_columns_as_tags() {
        let mut out = Imported::default();
        read_mapped(&messy_table(), &servers_mapping(), &mut out);
        assert_eq!(
            messages(&out),
            [
                "messy-inventory.csv:5:6: warning: environment: 'Sandbox' is not one of production, staging, test, development, dr: kept as tag 'environment' (reported once)",
                "messy-inventory.csv:7:3: error: vCPUs: 'four' is not a whole number of cores",
            ]
        );
        let servers: Vec<&Server> = out.batch.servers.iter().map(|s| &s.value).collect();
        assert_eq!(servers.len(), 5);
        let web = servers[0];
        assert_eq!(web.name, "web01");
        assert_eq!(web.ip_addresses, ["10.0.0.1", "10.0.0.2"]);
        assert_eq!((web.cores, web.memory_gb), (Some(4), Some(16.0)));
        assert_eq!(web.os_family, Some(OsFamily::Windows));
        assert_eq!(web.environment, Some(Environment::Production));
        // Columns the mapping does not name are tags, by their header.
        assert_eq!(web.tags.get("Rack").map(String::as_str), Some("R12"));
        assert_eq!(web.tags.get("Owner").map(String::as_str), Some("Ops"));
        assert_eq!(web.tags.get("Disk Size").map(String::as_str), Some("200 GB"));
        // Thousands separators, and a unit written in the cell beats the mapping's.
        assert_eq!(servers[1].memory_gb, Some(64.0));
        assert_eq!(servers[1].os_family, Some(OsFamily::Linux));
        assert_eq!(servers[2].memory_gb, Some(4.0));
        assert_eq!(servers[3].memory_gb, Some(2.0));
        assert_eq!(servers[2].environment, None);
        assert_eq!(servers[2].tags.get("environment").map(String::as_str), Some("Sandbox"));
        assert_eq!(servers[3].tags.get("environment").map(String::as_str), Some("sandbox"));
        assert_eq!(servers[4].cores, None);
        assert_eq!(out.batch.servers[4].origin.line, Some(7));

        let applications: Vec<&str> = out.batch.applications.iter().map(|a| a.value.name.as_str()).collect();
        assert_eq!(applications, ["Patient Portal", "Billing"]);
        let members: Vec<(&str, &str)> = out
            .batch
            .members
            .iter()
            .map(|m| (m.value.application.name.as_str(), m.value.member.name.as_str()))
            .collect();
        assert_eq!(members, [("Patient Portal", "web01"), ("Patient Portal", "db01"), ("Billing", "db01")]);
        assert_eq!(out.batch.members[0].value.application.column, Some(7));
    }

    #[test]
    fn a_mapped_column_missing_from_the_file_is_named_with_the_headers_it_has() {
        let mut mapping = servers_mapping();
        mapping.columns.insert("datacenter".into(), "Data Centre".into());
        let mut out = Imported::default();
        read_mapped(&messy_table(), &mapping, &mut out);
        let first = &out.diagnostics[0];
        assert_eq!(first.severity, Severity::Error);
        assert_eq!((first.line, first.column), (Some(2), None));
        assert_eq!(
            first.message,
            "column 'Data Centre' (mapped to datacenter by mapping 'asset register') is not in the file; the header has: Hostname, IP Address, vCPUs, RAM (MB), Disk Size, Env, App, Operating System, Owner, Rack, Notes"
        );
        // The other columns are still read.
        assert_eq!(out.batch.servers.len(), 5);

        let mut unnamed = ColumnMapping::new("broken", MappedTable::Servers);
        unnamed.columns.insert("cores".into(), "vCPUs".into());
        unnamed.columns.insert("colour".into(), "Rack".into());
        unnamed.units.insert("memory".into(), "furlongs".into());
        let mut out = Imported::default();
        read_mapped(&messy_table(), &unnamed, &mut out);
        assert_eq!(
            messages(&out),
            [
                "messy-inventory.csv:2: error: mapping 'broken': 'colour' is not a field of servers (fields: name, fqdn, ip_addresses, mac_addresses, os_family, os_name, os_version, cores, memory_gb, disk_provisioned_gb, disk_used_gb, environment, site, datacenter, cluster, power_state, kind, device_class, application, tags, vm_uuid, moref, vcenter_id, sys_id, machine_id, external_id)",
                "messy-inventory.csv:2: error: mapping 'broken' does not say which column is the name (servers need name)",
                "messy-inventory.csv:2: error: mapping 'broken': unit 'furlongs' for memory is not one of GB, GiB, MB, MiB, TB, KB, bytes",
            ]
        );
        assert!(out.batch.servers.is_empty());
    }

    #[test]
    fn reads_a_workbook_sheet_of_dependencies_naming_the_sheet() {
        let rows = vec![
            crate::table::TableRow { line: 4, cells: ["web01", "db01", "1433", "tcp"].map(String::from).to_vec() },
            crate::table::TableRow { line: 5, cells: ["web01", "", "99999", ""].map(String::from).to_vec() },
        ];
        let table = Table::new(
            "flows.xlsx",
            Some("Flows"),
            3,
            ["Source", "Destination", "Port", "Proto"].map(String::from).to_vec(),
            rows,
        );
        let mapping = suggest_mapping(&table, MappedTable::Dependencies);
        let mut out = Imported::default();
        read_mapped(&table, &mapping, &mut out);
        assert_eq!(
            messages(&out),
            [
                "flows.xlsx[Flows]:5:2: error: to: the to side of the dependency is empty",
                "flows.xlsx[Flows]:5:3: error: Port: '99999' is not a port number (0-65535)",
            ]
        );
        let (record, source) = &out.batch.dependencies[0].value;
        assert_eq!((record.from.name.as_str(), record.to.name.as_str(), record.port), ("web01", "db01", Some(1433)));
        assert_eq!(record.kind, DependencyKind::Declared);
        assert_eq!(source, "flows.xlsx");
        assert_eq!(out.batch.dependencies.len(), 1);
    }

    #[test]
    fn reads_applications_with_their_servers() {
        let table = read_csv_table(
            "apps.csv",
            b"App Name,Owner,Criticality,Strategy,Servers,Cost centre\nPatient Portal,Ops,Tier 1,lift and shift,web01;db01,CC12\nBilling,Finance,,teleport,,\n",
            0,
        )
        .unwrap();
        let mapping = suggest_mapping(&table, MappedTable::Applications);
        let mut out = Imported::default();
        read_mapped(&table, &mapping, &mut out);
        assert_eq!(
            messages(&out),
            [
                "apps.csv:3:4: warning: strategy: 'teleport' is not one of rehost, replatform, refactor, repurchase, retire, retain, relocate: kept as tag 'strategy' (reported once)"
            ]
        );
        let portal = &out.batch.applications[0].value;
        assert_eq!((portal.tier, portal.strategy), (Some(Tier::BusinessCritical), Some(Strategy::Rehost)));
        assert_eq!(portal.tags.get("Cost centre").map(String::as_str), Some("CC12"));
        assert_eq!(out.batch.members.len(), 2);
        assert_eq!(out.batch.members[1].value.member.name, "db01");
    }

    #[test]
    fn mapping_fields_have_aliases_and_units_have_short_names() {
        assert_eq!(MappedTable::Servers.canonical_field("Memory"), Some("memory_gb"));
        assert_eq!(MappedTable::Servers.canonical_field("IP"), Some("ip_addresses"));
        assert_eq!(MappedTable::Servers.canonical_field("memory_gb"), Some("memory_gb"));
        assert_eq!(MappedTable::Dependencies.canonical_field("cores"), None);
        let mut mapping = ColumnMapping::new("m", MappedTable::Servers);
        mapping.units.insert("disk".into(), "TB".into());
        assert_eq!(mapping.unit_for("disk_used_gb"), Some("TB"));
        assert_eq!(mapping.unit_for("memory_gb"), None);
        assert_eq!(size_unit_in_gb("MiB"), Some(1.0 / 1024.0));
        assert_eq!(os_family_from_name("Microsoft Windows Server 2012 (64-bit)"), Some(OsFamily::Windows));
        assert_eq!(os_family_from_name("CentOS 7"), Some(OsFamily::Linux));
        assert_eq!(os_family_from_name("AIX 7.2"), Some(OsFamily::Unix));
        assert_eq!(os_family_from_name("Plan 9"), None);
    }

    /// The Azure Migrate Export discovery report, read as "any spreadsheet"
    /// with the suggested mapping: every machine comes through.
    #[test]
    fn reads_the_real_discovery_report_through_a_suggested_mapping() {
        let bytes = crate::reference::read("azure-migrate/azure-migrate-export-discovery-report.xlsx");
        let workbook = crate::xlsx::read_workbook("discovery-report.xlsx", &bytes).expect("the workbook opens");
        let sheet = workbook.sheet("Discovery_Report").expect("the sheet is there");
        let mapping = suggest_mapping(sheet, MappedTable::Servers);
        // The workbook opens with a summary sheet; the mapping finds its own.
        assert_eq!(workbook.sheets.len(), 2);
        assert_eq!(
            sheet_for_mapping(&workbook.sheets, &mapping).and_then(|s| s.sheet.as_deref()),
            Some("Discovery_Report")
        );
        for field in ["name", "cores", "memory_gb", "os_name", "ip_addresses", "mac_addresses", "power_state"] {
            assert!(mapping.columns.contains_key(field), "{field} not suggested: {mapping:?}");
        }
        assert_eq!(mapping.units.get("memory").map(String::as_str), Some("MB"));
        let mut out = Imported::default();
        read_mapped(sheet, &mapping, &mut out);
        assert!(!out.has_errors(), "{:?}", messages(&out));
        assert_eq!(out.batch.servers.len(), 294);
        let first = &out.batch.servers[0].value;
        assert_eq!(first.name, "DEVSQLVM13");
        assert_eq!(first.os_family, Some(OsFamily::Windows));
        assert_eq!(first.power_state, Some(PowerState::Off));
        assert!(first.memory_gb.is_some_and(|m| m > 0.0 && m < 4096.0));
        // `[a,b,c];` address lists, IPv6 included.
        assert!(out.batch.servers.iter().any(|s| s.value.ip_addresses.iter().any(|ip| ip == "10.150.90.250")));
        assert!(
            out.batch.servers.iter().all(|s| s
                .value
                .ip_addresses
                .iter()
                .all(|ip| ip.parse::<std::net::IpAddr>().is_ok()))
        );
        // Columns no field names (Boot Type, Machine ID, ...) are tags.
        assert!(first.tags.contains_key("Boot Type"));
        assert!(out.diagnostics.is_empty(), "{:?}", messages(&out));
    }
}
