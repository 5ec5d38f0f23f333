//! Azure Migrate inventories, read into servers:
//!
//! - `azure-migrate-import`: the portal's "import using CSV" template. Its
//!   header is versioned (a newer variant adds `Server type`, `Hypervisor`
//!   and `Storage in use (In GB)` after `OS architecture`) and marks required
//!   columns with `*`; both are matched by name, case-insensitively, ignoring
//!   the `*`. `*Server Name`, `*Cores`, `*Memory (In MB)` and `*OS name` are
//!   required in every row.
//! - `azure-migrate-export`: the `Discovery_Report` sheet of the workbook
//!   written by Microsoft's Azure Migrate Export tool (or that sheet saved as
//!   CSV). The report has no disk sizes, only a disk count; the kind of source
//!   (VMware, Hyper-V, physical) is read from the site named in `Machine ID`.
//!
//! Memory columns say MB but hold MiB; they are divided by 1024 and stored as
//! GB (strictly GiB, which the model treats as GB).
//!
//! What this module must not do: read the Azure Migrate agentless dependency
//! export (connections belong to the dependency readers), open files, fail or
//! panic on bad data. Problems are diagnostics naming file, sheet, line and
//! column.

use waveplan_core::merge::Located;
use waveplan_core::{Diagnostic, Environment, Origin, OsFamily, PowerState, Server, ServerKind, Tags};

use crate::table::{Cells, Table, TableRow, header_key};
use crate::xlsx::Workbook;
use crate::{FormatInfo, Imported};

/// Format id of the Azure Migrate "import using CSV" template.
pub const IMPORT_TEMPLATE_FORMAT: &str = "azure-migrate-import";

/// Format id of the Azure Migrate Export tool's discovery report.
pub const EXPORT_REPORT_FORMAT: &str = "azure-migrate-export";

/// The sheet of the Azure Migrate Export workbook that lists the machines.
pub const DISCOVERY_REPORT_SHEET: &str = "Discovery_Report";

/// The formats this module reads.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        id: IMPORT_TEMPLATE_FORMAT,
        name: "Azure Migrate import template (CSV)",
        recognised_by: "headers *Server Name, *Cores, *Memory (In MB) and *OS name (the * optional) with one of \
                        Number of disks, Disk 1 size (In GB), OS architecture, CPU utilization percentage or \
                        Memory utilization percentage",
    },
    FormatInfo {
        id: EXPORT_REPORT_FORMAT,
        name: "Azure Migrate Export discovery report (xlsx)",
        recognised_by: "a sheet (normally Discovery_Report) with headers Machine Name, Machine ID, Cores, \
                        Memory (in MB) and one of Power Stats, Software Inventory Count or Web Applications Count",
    },
];

/// Recognises the import template or a discovery report sheet from its headers.
pub fn detect_table(table: &Table) -> Option<&'static str> {
    let any = |names: &[&str]| names.iter().any(|name| table.column(&[name]).is_some());
    if table.has_columns(&["Server Name", "Cores", "Memory (In MB)", "OS name"])
        && any(&[
            "Number of disks",
            "Disk 1 size (In GB)",
            "OS architecture",
            "CPU utilization percentage",
            "Memory utilization percentage",
        ])
    {
        return Some(IMPORT_TEMPLATE_FORMAT);
    }
    if table.has_columns(&["Machine Name", "Machine ID", "Cores", "Memory (in MB)"])
        && any(&["Power Stats", "Software Inventory Count", "Web Applications Count"])
    {
        return Some(EXPORT_REPORT_FORMAT);
    }
    None
}

/// Recognises a workbook holding a discovery report (or the import template
/// saved as a workbook) by the headers of its sheets.
pub fn detect_workbook(workbook: &Workbook) -> Option<&'static str> {
    let report = workbook.sheet(DISCOVERY_REPORT_SHEET).and_then(detect_table);
    report.or_else(|| workbook.sheets.iter().find_map(detect_table))
}

/// Reads the sheets of a workbook recognised as `format_id`.
pub fn read_workbook(format_id: &str, workbook: &Workbook, out: &mut Imported) {
    let tables: Vec<&Table> = workbook.sheets.iter().filter(|t| detect_table(t) == Some(format_id)).collect();
    if tables.is_empty() {
        let name = FORMATS.iter().find(|f| f.id == format_id).map_or(format_id, |f| f.name);
        let origin = Origin { file: workbook.file.clone(), sheet: None, line: None };
        out.diagnostics.push(Diagnostic::error_at(
            &origin,
            None,
            format!("no sheet holds the {name} (sheets: {})", workbook.sheet_names().join(", ")),
        ));
        return;
    }
    read_tables(format_id, &tables, out);
}

/// Reads every table of one import that was recognised as `format_id`.
pub fn read_tables(format_id: &str, tables: &[&Table], out: &mut Imported) {
    for table in tables {
        match format_id {
            IMPORT_TEMPLATE_FORMAT => read_import_template(table, out),
            EXPORT_REPORT_FORMAT => read_discovery_report(table, out),
            other => out.diagnostics.push(Diagnostic::error_at(
                &table.header_origin(),
                None,
                format!("the Azure Migrate reader does not know the format '{other}'"),
            )),
        }
    }
}

/// The operating system family a name such as `Microsoft Windows Server 2016
/// (64-bit)` or `Red Hat Enterprise Linux 8` belongs to, when it can be told.
pub fn os_family_from_name(os_name: &str) -> Option<OsFamily> {
    let name = os_name.to_lowercase();
    const LINUX: &[&str] = &[
        "linux",
        "ubuntu",
        "centos",
        "red hat",
        "redhat",
        "rhel",
        "debian",
        "suse",
        "sles",
        "fedora",
        "photon",
        "almalinux",
        "rocky",
        "coreos",
        "amazon linux",
    ];
    const UNIX: &[&str] = &["aix", "solaris", "hp-ux", "hpux", "unix", "freebsd", "openbsd"];
    if name.contains("windows") {
        Some(OsFamily::Windows)
    } else if LINUX.iter().any(|word| name.contains(word)) {
        Some(OsFamily::Linux)
    } else if UNIX.iter().any(|word| name.contains(word)) {
        Some(OsFamily::Unix)
    } else {
        None
    }
}

/// Megabytes as the tools write them (really MiB) to the model's GB (GiB).
pub(crate) fn mb_to_gb(megabytes: f64) -> f64 {
    megabytes / 1024.0
}

/// Reports one error at the header when columns a format needs are absent;
/// `true` when all are there.
pub(crate) fn require_columns(
    table: &Table,
    columns: &[(&str, Option<usize>)],
    format_name: &str,
    out: &mut Imported,
) -> bool {
    let missing: Vec<&str> = columns.iter().filter(|(_, position)| position.is_none()).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        return true;
    }
    out.diagnostics.push(Diagnostic::error_at(
        &table.header_origin(),
        None,
        format!(
            "missing required column{} '{}' for the {format_name} (the header has: {})",
            if missing.len() > 1 { "s" } else { "" },
            missing.join("', '"),
            table.header_list()
        ),
    ));
    false
}

/// A number as a tag value: `12` rather than `12.0`.
pub(crate) fn number_text(value: f64) -> String {
    format!("{value}")
}

/// The header of a column without the template's `*` mark.
fn plain_header(table: &Table, column: Option<usize>) -> String {
    column.and_then(|c| table.headers.get(c)).map(|h| h.trim_start_matches('*').trim().to_string()).unwrap_or_default()
}

/// `true` when a required cell has a value; an error at the cell otherwise.
fn required_cell(cells: &mut Cells<'_>, table: &Table, column: Option<usize>) -> bool {
    if cells.text(column).is_some() {
        return true;
    }
    let header = plain_header(table, column);
    cells.error(column, format!("{header} is empty but the template requires it"));
    false
}

/// Columns of the import template, looked up once per file.
struct TemplateColumns {
    name: Option<usize>,
    ip_addresses: Option<usize>,
    cores: Option<usize>,
    memory_mb: Option<usize>,
    os_name: Option<usize>,
    os_version: Option<usize>,
    server_type: Option<usize>,
    storage_in_use_gb: Option<usize>,
    disk_sizes: Vec<usize>,
    /// Per-disk figures, summed over the disks into the tag named.
    disk_figures: Vec<(&'static str, usize)>,
    /// Single columns kept as the tag named.
    figures: Vec<(&'static str, usize)>,
    /// Columns the template does not define, kept as tags under their header.
    other: Vec<usize>,
}

impl TemplateColumns {
    fn find(table: &Table) -> TemplateColumns {
        let mut disk_sizes = Vec::new();
        let mut disk_figures = Vec::new();
        for (position, header) in table.headers.iter().enumerate() {
            let key = header_key(header);
            let Some(rest) = key.strip_prefix("disk") else { continue };
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                continue;
            }
            let what = &rest[digits..];
            if what.starts_with("size") {
                disk_sizes.push(position);
            } else if what.starts_with("readthroughput") {
                disk_figures.push(("disk_read_throughput_mbps", position));
            } else if what.starts_with("writethroughput") {
                disk_figures.push(("disk_write_throughput_mbps", position));
            } else if what.starts_with("readops") {
                disk_figures.push(("disk_read_ops_per_second", position));
            } else if what.starts_with("writeops") {
                disk_figures.push(("disk_write_ops_per_second", position));
            }
        }
        let figure_columns: [(&'static str, &str); 9] = [
            ("os_architecture", "OS architecture"),
            ("hypervisor", "Hypervisor"),
            ("cpu_utilization_percent", "CPU utilization percentage"),
            ("memory_utilization_percent", "Memory utilization percentage"),
            ("network_adapters", "Network adapters"),
            ("network_in_throughput", "Network In throughput"),
            ("network_out_throughput", "Network Out throughput"),
            ("boot_type", "Boot type"),
            ("disk_count", "Number of disks"),
        ];
        let figures: Vec<(&'static str, usize)> =
            figure_columns.iter().filter_map(|&(tag, header)| Some((tag, table.column(&[header])?))).collect();
        let mut columns = TemplateColumns {
            name: table.column(&["Server Name"]),
            ip_addresses: table.column(&["IP addresses", "IP address"]),
            cores: table.column(&["Cores"]),
            memory_mb: table.column(&["Memory (In MB)"]),
            os_name: table.column(&["OS name"]),
            os_version: table.column(&["OS version"]),
            server_type: table.column(&["Server type"]),
            storage_in_use_gb: table.column(&["Storage in use (In GB)"]),
            disk_sizes,
            disk_figures,
            figures,
            other: Vec::new(),
        };
        let mut known: Vec<usize> = [
            columns.name,
            columns.ip_addresses,
            columns.cores,
            columns.memory_mb,
            columns.os_name,
            columns.os_version,
            columns.server_type,
            columns.storage_in_use_gb,
        ]
        .into_iter()
        .flatten()
        .collect();
        known.extend(&columns.disk_sizes);
        known.extend(columns.disk_figures.iter().map(|&(_, c)| c));
        known.extend(columns.figures.iter().map(|&(_, c)| c));
        // Other per-disk columns (a future template's "Disk 1 type") are left
        // out rather than made into eight tags each.
        columns.other = table
            .other_columns(&known)
            .into_iter()
            .filter(|&c| {
                let key = header_key(&table.headers[c]);
                !key.strip_prefix("disk").is_some_and(|rest| rest.starts_with(|ch: char| ch.is_ascii_digit()))
            })
            .collect();
        columns
    }
}

fn read_import_template(table: &Table, out: &mut Imported) {
    let columns = TemplateColumns::find(table);
    let required = [
        ("*Server Name", columns.name),
        ("*Cores", columns.cores),
        ("*Memory (In MB)", columns.memory_mb),
        ("*OS name", columns.os_name),
    ];
    if !require_columns(table, &required, "Azure Migrate import template", out) {
        return;
    }
    for row in &table.rows {
        if let Some(server) = read_template_row(table, &columns, row, &mut out.diagnostics) {
            out.batch.servers.push(Located { value: server, origin: table.origin(row) });
        }
    }
}

fn read_template_row(
    table: &Table,
    columns: &TemplateColumns,
    row: &TableRow,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Server> {
    let mut cells = table.cells(row, diagnostics);
    let has_name = required_cell(&mut cells, table, columns.name);
    let cores = if required_cell(&mut cells, table, columns.cores) { cells.whole::<u32>(columns.cores) } else { None };
    let memory_gb = if required_cell(&mut cells, table, columns.memory_mb) {
        cells.decimal(columns.memory_mb).map(mb_to_gb)
    } else {
        None
    };
    required_cell(&mut cells, table, columns.os_name);
    let os_name = cells.text(columns.os_name);

    let mut disk_provisioned_gb: Option<f64> = None;
    for &column in &columns.disk_sizes {
        if let Some(size) = cells.decimal(Some(column)) {
            *disk_provisioned_gb.get_or_insert(0.0) += size;
        }
    }

    let mut tags: Tags = cells
        .tags_from(&columns.other)
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches('*').trim().to_string(), v))
        .collect();
    for &(tag, column) in &columns.figures {
        if let Some(value) = cells.text(Some(column)) {
            tags.insert(tag.to_string(), value);
        }
    }
    let mut disk_sums: Vec<(&'static str, f64)> = Vec::new();
    for &(tag, column) in &columns.disk_figures {
        if let Some(value) = cells.decimal(Some(column)) {
            match disk_sums.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, sum)) => *sum += value,
                None => disk_sums.push((tag, value)),
            }
        }
    }
    for (tag, sum) in disk_sums {
        tags.insert(tag.to_string(), number_text(sum));
    }

    let kind = cells.text(columns.server_type).and_then(|text| {
        let kind = ServerKind::parse(&text);
        if kind.is_none() {
            tags.insert("server_type".into(), text);
        }
        kind
    });

    let server = Server {
        name: cells.text(columns.name).unwrap_or_default(),
        ip_addresses: cells.list(columns.ip_addresses, &[',', ';']),
        os_family: os_name.as_deref().and_then(os_family_from_name),
        os_name,
        os_version: cells.text(columns.os_version),
        cores,
        memory_gb,
        disk_provisioned_gb,
        disk_used_gb: cells.decimal(columns.storage_in_use_gb),
        kind,
        tags,
        ..Server::default()
    };
    has_name.then_some(server)
}

/// Columns of the discovery report, looked up once per sheet.
struct ReportColumns {
    name: Option<usize>,
    fqdn: Option<usize>,
    environment: Option<usize>,
    operating_system: Option<usize>,
    cores: Option<usize>,
    memory_mb: Option<usize>,
    ip_addresses: Option<usize>,
    mac_addresses: Option<usize>,
    power_state: Option<usize>,
    machine_id: Option<usize>,
    /// Columns kept as the tag named; `-1` (the tool's "not collected") is skipped.
    figures: Vec<(&'static str, usize)>,
    other: Vec<usize>,
}

impl ReportColumns {
    fn find(table: &Table) -> ReportColumns {
        let figure_columns: [(&'static str, &str); 10] = [
            ("disk_count", "Total Disks"),
            ("network_adapters", "Total Network Adapters"),
            ("boot_type", "Boot Type"),
            ("support_status", "Support Status"),
            ("first_discovered", "First Discovery Time"),
            ("last_updated", "Last Updated Time"),
            ("software_inventory_count", "Software Inventory Count"),
            ("sql_discovery_server_count", "SQL Discovery Server Count"),
            ("sql_service_present", "Is SQL Service Present"),
            ("web_applications_count", "Web Applications Count"),
        ];
        let figures: Vec<(&'static str, usize)> =
            figure_columns.iter().filter_map(|&(tag, header)| Some((tag, table.column(&[header])?))).collect();
        let mut columns = ReportColumns {
            name: table.column(&["Machine Name"]),
            fqdn: table.column(&["FQDN", "Fully Qualified Domain Name"]),
            environment: table.column(&["Environment"]),
            operating_system: table.column(&["Operating System"]),
            cores: table.column(&["Cores"]),
            memory_mb: table.column(&["Memory (in MB)"]),
            ip_addresses: table.column(&["IP Addresses"]),
            mac_addresses: table.column(&["MAC Addresses"]),
            power_state: table.column(&["Power Stats", "Power State", "Power Status"]),
            machine_id: table.column(&["Machine ID"]),
            figures,
            other: Vec::new(),
        };
        let mut known: Vec<usize> = [
            columns.name,
            columns.fqdn,
            columns.environment,
            columns.operating_system,
            columns.cores,
            columns.memory_mb,
            columns.ip_addresses,
            columns.mac_addresses,
            columns.power_state,
            columns.machine_id,
        ]
        .into_iter()
        .flatten()
        .collect();
        known.extend(columns.figures.iter().map(|&(_, c)| c));
        columns.other = table.other_columns(&known);
        columns
    }
}

fn read_discovery_report(table: &Table, out: &mut Imported) {
    let columns = ReportColumns::find(table);
    if !require_columns(table, &[("Machine Name", columns.name)], "Azure Migrate Export discovery report", out) {
        return;
    }
    for row in &table.rows {
        if let Some(server) = read_report_row(table, &columns, row, &mut out.diagnostics) {
            out.batch.servers.push(Located { value: server, origin: table.origin(row) });
        }
    }
}

/// The kind of Azure Migrate site a machine id names
/// (`.../providers/microsoft.offazure/vmwaresites/...`): the source's name and
/// the kind of machine it discovers.
fn source_of_machine_id(machine_id: &str) -> Option<(&'static str, ServerKind)> {
    let lower = machine_id.to_lowercase();
    let (_, rest) = lower.split_once("/providers/microsoft.offazure/")?;
    match rest.split('/').next()? {
        "vmwaresites" => Some(("VMware", ServerKind::VirtualMachine)),
        "hypervsites" => Some(("Hyper-V", ServerKind::VirtualMachine)),
        "serversites" => Some(("Physical", ServerKind::Physical)),
        _ => None,
    }
}

/// The VMware instance UUID at the end of a VMware machine id
/// (`..._500b7adb-e406-a2d6-6940-dda49a69ff05`), the same UUID RVTools lists
/// as `VM UUID`.
fn vmware_uuid_of_machine_id(machine_id: &str) -> Option<String> {
    let last = machine_id.rsplit('/').next()?;
    let (_, uuid) = last.rsplit_once('_')?;
    let looks_like_uuid = uuid.len() == 36 && uuid.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    looks_like_uuid.then(|| uuid.to_lowercase())
}

fn read_report_row(
    table: &Table,
    columns: &ReportColumns,
    row: &TableRow,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Server> {
    let mut cells = table.cells(row, diagnostics);
    let Some(name) = cells.text(columns.name) else {
        cells.error(columns.name, "Machine Name is empty: the machine cannot be taken without a name");
        return None;
    };
    let mut tags = cells.tags_from(&columns.other);
    for &(tag, column) in &columns.figures {
        match cells.text(Some(column)) {
            None => {}
            Some(value) if value == "-1" => {}
            Some(value) if tag == "sql_service_present" => {
                let yes_no = match value.to_lowercase().as_str() {
                    "1" | "true" | "yes" => "yes".to_string(),
                    "0" | "false" | "no" => "no".to_string(),
                    _ => value,
                };
                tags.insert(tag.to_string(), yes_no);
            }
            Some(value) => {
                tags.insert(tag.to_string(), value);
            }
        }
    }
    let mut kind = None;
    if let Some(machine_id) = cells.text(columns.machine_id) {
        if let Some((source, source_kind)) = source_of_machine_id(&machine_id) {
            tags.insert("source_type".into(), source.into());
            kind = Some(source_kind);
            if source == "VMware"
                && let Some(uuid) = vmware_uuid_of_machine_id(&machine_id)
            {
                tags.insert("vm_uuid".into(), uuid);
            }
        }
        tags.insert("machine_id".into(), machine_id);
    }
    let environment = cells.text(columns.environment).and_then(|text| {
        let environment = Environment::parse(&text);
        if environment.is_none() {
            tags.insert("environment".into(), text);
        }
        environment
    });
    let power_state = cells.text(columns.power_state).and_then(|text| {
        let state = PowerState::parse(&text);
        if state.is_none() {
            tags.insert("power_state".into(), text);
        }
        state
    });
    let os_name = cells.text(columns.operating_system);
    // The tool writes address lists as `[10.0.0.1,fe80::1];`, one bracket per adapter.
    let separators = [',', ';', '[', ']'];
    Some(Server {
        name,
        fqdn: cells.text(columns.fqdn),
        ip_addresses: cells.list(columns.ip_addresses, &separators),
        mac_addresses: cells.list(columns.mac_addresses, &separators),
        os_family: os_name.as_deref().and_then(os_family_from_name),
        os_name,
        cores: cells.whole::<u32>(columns.cores),
        memory_gb: cells.decimal(columns.memory_mb).map(mb_to_gb),
        environment,
        power_state,
        kind,
        tags,
        ..Server::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_csv_table;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/azure");

    fn fixture(name: &str) -> Table {
        let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture exists");
        read_csv_table(name, &bytes, 0).expect("fixture reads")
    }

    fn import(table: &Table) -> Imported {
        let mut out = Imported::default();
        let format = detect_table(table).expect("format recognised");
        read_tables(format, &[table], &mut out);
        out
    }

    #[test]
    fn a_wide_header_is_listed_short_in_messages() {
        let extra = (1..=30).map(|i| format!("Extra {i}")).collect::<Vec<_>>().join(",");
        let text = format!("*Server Name,*Cores,OS architecture,{extra}\nweb01,2,x64{}\n", ",x".repeat(30));
        let table = read_csv_table("t.csv", text.as_bytes(), 0).unwrap();
        let mut out = Imported::default();
        read_tables(IMPORT_TEMPLATE_FORMAT, &[&table], &mut out);
        assert_eq!(
            messages(&out),
            [format!(
                "t.csv:1: error: missing required columns '*Memory (In MB)', '*OS name' for the Azure Migrate import template (the header has: *Server Name, *Cores, OS architecture, {} and 13 more)",
                (1..=17).map(|i| format!("Extra {i}")).collect::<Vec<_>>().join(", ")
            )]
        );
    }

    fn messages(imported: &Imported) -> Vec<String> {
        imported.diagnostics.iter().map(ToString::to_string).collect()
    }

    fn tag<'a>(server: &'a Server, key: &str) -> Option<&'a str> {
        server.tags.get(key).map(String::as_str)
    }

    #[test]
    fn reads_the_first_import_template_header() {
        let table = fixture("import-template-v1.csv");
        assert_eq!(detect_table(&table), Some(IMPORT_TEMPLATE_FORMAT));
        let imported = import(&table);
        assert_eq!(messages(&imported), Vec::<String>::new());
        let servers: Vec<&Server> = imported.batch.servers.iter().map(|s| &s.value).collect();
        assert_eq!(servers.len(), 3);
        let web = servers[0];
        assert_eq!(web.name, "web01");
        assert_eq!(web.ip_addresses, ["10.1.0.11", "10.1.0.12"]);
        assert_eq!((web.cores, web.memory_gb), (Some(4), Some(16.0)));
        assert_eq!(web.os_family, Some(OsFamily::Windows));
        assert_eq!(web.os_version.as_deref(), Some("2019"));
        assert_eq!(web.disk_provisioned_gb, Some(150.0));
        assert_eq!(web.disk_used_gb, None);
        assert_eq!(web.kind, None);
        assert_eq!(tag(web, "cpu_utilization_percent"), Some("35"));
        assert_eq!(tag(web, "os_architecture"), Some("x64"));
        assert_eq!(tag(web, "disk_count"), Some("2"));
        assert_eq!(tag(web, "disk_read_throughput_mbps"), Some("12.5"));
        assert_eq!(tag(web, "disk_write_ops_per_second"), Some("70"));
        // Semicolons separate addresses too; 6144 MB is 6 GB.
        assert_eq!(servers[1].ip_addresses, ["10.1.0.21", "10.1.0.22"]);
        assert_eq!(servers[1].memory_gb, Some(6.0));
        assert_eq!(servers[1].os_family, Some(OsFamily::Linux));
        assert_eq!(imported.batch.servers[1].origin, Origin::new("import-template-v1.csv", 3));
        // No disk sizes: nothing provisioned rather than zero.
        assert_eq!(servers[2].disk_provisioned_gb, None);
    }

    #[test]
    fn reads_the_newer_import_template_header_with_server_type_and_storage() {
        let table = fixture("import-template-v2.csv");
        assert_eq!(detect_table(&table), Some(IMPORT_TEMPLATE_FORMAT));
        let imported = import(&table);
        assert_eq!(messages(&imported), Vec::<String>::new());
        let servers: Vec<&Server> = imported.batch.servers.iter().map(|s| &s.value).collect();
        assert_eq!(servers.len(), 3);
        assert_eq!(servers[0].kind, Some(ServerKind::Physical));
        assert_eq!(servers[0].disk_used_gb, Some(80.0));
        assert_eq!(servers[0].disk_provisioned_gb, Some(600.0));
        assert_eq!(servers[1].kind, Some(ServerKind::VirtualMachine));
        assert_eq!(tag(servers[1], "hypervisor"), Some("VMware"));
        // A server type the model has no word for stays as a tag.
        assert_eq!(servers[2].kind, None);
        assert_eq!(tag(servers[2], "server_type"), Some("Container host"));
    }

    #[test]
    fn columns_the_template_does_not_define_become_tags() {
        let text =
            "*Server Name,*Cores,*Memory (In MB),*OS name,Number of disks,*Owner\nweb01,2,4096,Windows,1,facilities\n";
        let table = read_csv_table("t.csv", text.as_bytes(), 0).unwrap();
        let imported = import(&table);
        assert_eq!(messages(&imported), Vec::<String>::new());
        assert_eq!(tag(&imported.batch.servers[0].value, "Owner"), Some("facilities"));
    }

    #[test]
    fn bad_and_missing_required_values_are_errors_with_line_and_column() {
        let table = fixture("import-template-bad.csv");
        let imported = import(&table);
        assert_eq!(
            messages(&imported),
            [
                "import-template-bad.csv:2:3: error: *Cores: 'four' is not a whole number",
                "import-template-bad.csv:3:4: error: Memory (In MB) is empty but the template requires it",
                "import-template-bad.csv:3:5: error: OS name is empty but the template requires it",
                "import-template-bad.csv:4:1: error: Server Name is empty but the template requires it",
                "import-template-bad.csv:4:15: error: Disk 1 size (In GB): 'big' is not a number",
            ]
        );
        assert!(imported.has_errors());
        // Rows without a name are not taken; the others are, with what could be read.
        let names: Vec<&str> = imported.batch.servers.iter().map(|s| s.value.name.as_str()).collect();
        assert_eq!(names, ["app01", "app02"]);
        assert_eq!(imported.batch.servers[0].value.cores, None);
    }

    #[test]
    fn missing_required_columns_are_one_error_at_the_header() {
        let table = read_csv_table("t.csv", b"*Server Name,*Cores,OS architecture\nweb01,2,x64\n", 0).unwrap();
        assert_eq!(detect_table(&table), None);
        let mut out = Imported::default();
        read_tables(IMPORT_TEMPLATE_FORMAT, &[&table], &mut out);
        assert_eq!(out.batch.servers.len(), 0);
        assert_eq!(
            messages(&out),
            [
                "t.csv:1: error: missing required columns '*Memory (In MB)', '*OS name' for the Azure Migrate import template (the header has: *Server Name, *Cores, OS architecture)"
            ]
        );
    }

    #[test]
    fn detection_needs_the_distinctive_headers() {
        let generic = read_csv_table("g.csv", b"Server Name,Cores,Memory (In MB),OS name\na,1,2,b\n", 0).unwrap();
        assert_eq!(detect_table(&generic), None);
        let export_like = read_csv_table("e.csv", b"Machine Name,Cores,Memory (in MB)\na,1,2\n", 0).unwrap();
        assert_eq!(detect_table(&export_like), None);
    }

    #[test]
    fn reads_a_discovery_report_saved_as_csv() {
        let table = fixture("discovery-report.csv");
        assert_eq!(detect_table(&table), Some(EXPORT_REPORT_FORMAT));
        let imported = import(&table);
        assert_eq!(messages(&imported), Vec::<String>::new());
        let servers: Vec<&Server> = imported.batch.servers.iter().map(|s| &s.value).collect();
        assert_eq!(servers.len(), 3);
        let sql = servers[0];
        assert_eq!(sql.name, "FINSQL01");
        assert_eq!(sql.environment, Some(Environment::Development));
        assert_eq!(sql.os_family, Some(OsFamily::Windows));
        assert_eq!((sql.cores, sql.memory_gb), (Some(4), Some(8.0)));
        assert_eq!(sql.ip_addresses, ["fd00:10::21", "10.20.0.21"]);
        assert_eq!(sql.mac_addresses, ["00:50:56:aa:00:21"]);
        assert_eq!(sql.power_state, Some(PowerState::On));
        assert_eq!(sql.kind, Some(ServerKind::VirtualMachine));
        assert_eq!(tag(sql, "source_type"), Some("VMware"));
        assert_eq!(tag(sql, "vm_uuid"), Some("500b0000-1111-2222-3333-444455556666"));
        assert_eq!(tag(sql, "sql_service_present"), Some("yes"));
        assert_eq!(tag(sql, "software_inventory_count"), Some("12"));
        assert_eq!(tag(sql, "support_status"), Some("Extended"));
        let hyperv = servers[1];
        assert_eq!((hyperv.kind, tag(hyperv, "source_type")), (Some(ServerKind::VirtualMachine), Some("Hyper-V")));
        assert_eq!(hyperv.power_state, Some(PowerState::Off));
        assert_eq!(hyperv.environment, None);
        assert_eq!(tag(hyperv, "software_inventory_count"), None, "-1 means not collected");
        assert_eq!(hyperv.ip_addresses, ["10.20.0.31", "10.30.0.31"]);
        let physical = servers[2];
        assert_eq!(physical.kind, Some(ServerKind::Physical));
        assert_eq!(physical.os_family, Some(OsFamily::Linux));
        assert!(physical.ip_addresses.is_empty());
        assert_eq!(tag(physical, "vm_uuid"), None);
    }

    #[test]
    fn reads_the_reference_discovery_report_workbook() {
        let bytes = crate::reference::read("azure-migrate/azure-migrate-export-discovery-report.xlsx");
        let workbook = crate::xlsx::read_workbook("azure-migrate-export-discovery-report.xlsx", &bytes).unwrap();
        assert_eq!(detect_workbook(&workbook), Some(EXPORT_REPORT_FORMAT));
        let mut out = Imported::default();
        read_workbook(EXPORT_REPORT_FORMAT, &workbook, &mut out);
        assert_eq!(messages(&out), Vec::<String>::new());
        let servers: Vec<&Server> = out.batch.servers.iter().map(|s| &s.value).collect();
        assert_eq!(servers.len(), 294);
        // Every machine of this project was discovered by the VMware appliance.
        assert!(servers.iter().all(|s| tag(s, "source_type") == Some("VMware") && tag(s, "vm_uuid").is_some()));
        assert_eq!(servers.iter().filter(|s| s.power_state == Some(PowerState::Off)).count(), 44);
        assert_eq!(servers.iter().filter(|s| s.environment == Some(Environment::Development)).count(), 9);
        assert_eq!(servers.iter().filter(|s| s.os_family == Some(OsFamily::Windows)).count(), 237);
        assert_eq!(servers.iter().filter(|s| s.os_family == Some(OsFamily::Linux)).count(), 57);
        assert_eq!(servers.iter().filter(|s| s.ip_addresses.is_empty()).count(), 53);

        let first = servers[0];
        assert_eq!(first.name, "DEVSQLVM13");
        assert_eq!(first.os_name.as_deref(), Some("Microsoft Windows Server 2012 (64-bit)"));
        assert_eq!(first.power_state, Some(PowerState::Off));
        assert_eq!(first.mac_addresses, ["00:50:56:8b:74:7a"]);
        assert_eq!(tag(first, "vm_uuid"), Some("500b7adb-e406-a2d6-6940-dda49a69ff05"));
        assert_eq!(
            out.batch.servers[0].origin,
            Origin::in_sheet("azure-migrate-export-discovery-report.xlsx", "Discovery_Report", 2)
        );

        let second = servers[1];
        assert_eq!(second.name, "SQLAGVM11");
        assert_eq!(
            second.ip_addresses,
            ["2404:f801:4800:c:35d:9b90:34a:a27a", "2404:f801:4800:20:55da:bf5d:b511:3ff1", "10.150.90.250"]
        );

        let vcenter = servers.iter().find(|s| s.name == "Contoso-Vcenter7.0").expect("the vCenter appliance is listed");
        assert_eq!((vcenter.cores, vcenter.memory_gb), (Some(4), Some(19.0)));
        assert_eq!(vcenter.os_family, Some(OsFamily::Linux));
        assert_eq!(tag(vcenter, "disk_count"), Some("17"));
    }
}
