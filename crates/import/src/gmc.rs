//! Google Migration Center manual-import CSV files, joined on `MachineId`:
//! vmInfo (one machine per row), diskInfo (one disk per row), tagInfo (one
//! label per row) and perfInfo (one performance sample per row).
//!
//! An import gives any mix of these files; [`read_tables`] takes every one
//! of them in one call (format id [`GROUP_FORMAT`] or any of the file ids),
//! sorts them by their headers and joins them. Disks fill the machine's disk
//! totals when vmInfo leaves them empty; tags become server tags;
//! performance samples are summarised per machine into tags (`cpu_p95`,
//! `memory_available_min_gb`, ...), never kept row by row.
//!
//! What it must not do: make servers out of diskInfo, tagInfo or perfInfo
//! rows (a `MachineId` no vmInfo row has is a warning with its line), or
//! fail or panic on bad input: bad cells are diagnostics with file, line and
//! column.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use waveplan_core::merge::Located;
use waveplan_core::{Diagnostic, Environment, OsFamily, PowerState, Server, ServerKind, Tags};

use crate::mapped::{os_family_from_name, parse_yes_no};
use crate::table::{Table, TableRow};
use crate::{FormatInfo, Imported};

/// Format id of the vmInfo file.
pub const VMINFO_FORMAT: &str = "gmc-vminfo";
/// Format id of the diskInfo file.
pub const DISKINFO_FORMAT: &str = "gmc-diskinfo";
/// Format id of the tagInfo file.
pub const TAGINFO_FORMAT: &str = "gmc-taginfo";
/// Format id of the perfInfo file.
pub const PERFINFO_FORMAT: &str = "gmc-perfinfo";
/// The id [`read_tables`] takes for all the files of one import together.
pub const GROUP_FORMAT: &str = "gmc";

/// The formats this module reads (one per file kind; [`read_tables`] also
/// takes [`GROUP_FORMAT`]).
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        id: VMINFO_FORMAT,
        name: "Google Migration Center manual import: vmInfo",
        recognised_by: "columns MachineId and MachineName",
    },
    FormatInfo {
        id: DISKINFO_FORMAT,
        name: "Google Migration Center manual import: diskInfo",
        recognised_by: "columns MachineId, DiskLabel and SizeInGib",
    },
    FormatInfo {
        id: TAGINFO_FORMAT,
        name: "Google Migration Center manual import: tagInfo",
        recognised_by: "columns MachineId, Key and Value",
    },
    FormatInfo {
        id: PERFINFO_FORMAT,
        name: "Google Migration Center manual import: perfInfo",
        recognised_by: "columns MachineId and TimeStamp, with CpuUtilizationPercentage or AvailableMemoryBytes",
    },
];

const MACHINE_ID: &[&str] = &["MachineId"];

/// Recognises one of the four files from its headers.
pub fn detect_table(table: &Table) -> Option<&'static str> {
    let has = |names: &[&str]| table.column(names).is_some();
    if !has(MACHINE_ID) {
        return None;
    }
    if has(&["MachineName"]) {
        Some(VMINFO_FORMAT)
    } else if has(&["DiskLabel"]) || has(&["SizeInGib"]) {
        Some(DISKINFO_FORMAT)
    } else if has(&["Key"]) && has(&["Value"]) {
        Some(TAGINFO_FORMAT)
    } else if has(&["TimeStamp"]) && (has(&["CpuUtilizationPercentage"]) || has(&["AvailableMemoryBytes"])) {
        Some(PERFINFO_FORMAT)
    } else {
        None
    }
}

/// Reads the Migration Center files of one import, joined on `MachineId`.
///
/// Give every table detected as any `gmc-*` id in one call, with
/// `format_id` [`GROUP_FORMAT`] (any `gmc-*` id works as well). Each table
/// is sorted by its headers; a table no header identifies is taken as
/// `format_id` when that names one file kind, else reported.
pub fn read_tables(format_id: &str, tables: &[&Table], out: &mut Imported) {
    let mut sorted: BTreeMap<&'static str, Vec<&Table>> = BTreeMap::new();
    for &table in tables {
        let forced = FORMATS.iter().find(|f| f.id == format_id).map(|f| f.id);
        match detect_table(table).or(forced) {
            Some(id) => sorted.entry(id).or_default().push(table),
            None => out.diagnostics.push(Diagnostic::error_at(
                &table.header_origin(),
                None,
                format!(
                    "cannot tell which Migration Center file this is: vmInfo needs MachineId and MachineName, diskInfo MachineId and DiskLabel, tagInfo MachineId, Key and Value, perfInfo MachineId and TimeStamp (the header has: {})",
                    table.header_list()
                ),
            )),
        }
    }
    let get = |id: &str| sorted.get(id).cloned().unwrap_or_default();
    read_gmc(&get(VMINFO_FORMAT), &get(DISKINFO_FORMAT), &get(TAGINFO_FORMAT), &get(PERFINFO_FORMAT), out);
}

/// Reads and joins the Migration Center files of one import, by kind.
pub fn read_gmc(
    vm_tables: &[&Table],
    disk_tables: &[&Table],
    tag_tables: &[&Table],
    perf_tables: &[&Table],
    out: &mut Imported,
) {
    let mut machines = Machines::default();
    for table in vm_tables {
        read_vm_table(table, &mut machines, out);
    }
    let no_vminfo = vm_tables.is_empty();
    for (tables, what) in [(disk_tables, "diskInfo"), (tag_tables, "tagInfo"), (perf_tables, "perfInfo")] {
        for table in tables {
            if no_vminfo {
                out.diagnostics.push(Diagnostic::warning_at(
                    &table.header_origin(),
                    None,
                    format!(
                        "{what} file without a vmInfo file in the import: its {} rows have no machine to join to and are left out",
                        table.rows.len()
                    ),
                ));
                continue;
            }
            match what {
                "diskInfo" => read_disk_table(table, &mut machines, out),
                "tagInfo" => read_tag_table(table, &mut machines, out),
                _ => read_perf_table(table, &mut machines, out),
            }
        }
    }
    machines.finish(out);
}

/// A machine of vmInfo, with what the other files add to it.
struct Machine {
    server: Located<Server>,
    disks: usize,
    disk_size_gb: Option<f64>,
    disk_used_gb: Option<f64>,
    storage_types: BTreeSet<String>,
    perf: Performance,
}

/// Performance samples of one machine.
#[derive(Default)]
struct Performance {
    samples: usize,
    cpu_percent: Vec<f64>,
    memory_available_bytes: Vec<f64>,
    disk_read_ops: Vec<f64>,
    disk_write_ops: Vec<f64>,
    network_sent_bytes: Vec<f64>,
    network_received_bytes: Vec<f64>,
    first: Option<String>,
    last: Option<String>,
}

#[derive(Default)]
struct Machines {
    list: Vec<Machine>,
    /// MachineId (as written, trimmed) to its position in `list`.
    by_id: HashMap<String, usize>,
}

impl Machines {
    fn position(&self, machine_id: &str) -> Option<usize> {
        self.by_id.get(machine_id).copied()
    }

    fn finish(self, out: &mut Imported) {
        for machine in self.list {
            let Machine { mut server, disks, disk_size_gb, disk_used_gb, storage_types, perf } = machine;
            let value = &mut server.value;
            if disks > 0 {
                value.disk_provisioned_gb = value.disk_provisioned_gb.or(disk_size_gb);
                value.disk_used_gb = value.disk_used_gb.or(disk_used_gb);
                value.tags.insert("disk_count".into(), disks.to_string());
                if !storage_types.is_empty() {
                    value.tags.insert("storage_types".into(), storage_types.into_iter().collect::<Vec<_>>().join(";"));
                }
            }
            perf.summarise_into(value.memory_gb, &mut value.tags);
            out.batch.servers.push(server);
        }
    }
}

/// The value at percentile `p` (0-100) by the nearest-rank method.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank - 1).copied()
}

/// A number for a tag: at most `decimals` places, no trailing zeros.
fn tag_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

const BYTES_PER_GIB: f64 = 1024.0 * 1024.0 * 1024.0;

impl Performance {
    /// Tags summarising the samples: CPU average, 95th percentile and peak;
    /// least memory available (GiB, taken as GB) and, when the memory size is
    /// known, the 95th percentile of memory in use; 95th percentiles of disk
    /// operations and of network throughput (Mbit/s); sample count and span.
    fn summarise_into(&self, memory_gb: Option<f64>, tags: &mut Tags) {
        if self.samples == 0 {
            return;
        }
        let mut put = |key: &str, value: Option<f64>, decimals: usize| {
            if let Some(value) = value {
                tags.insert(key.to_string(), tag_number(value, decimals));
            }
        };
        let average = |values: &[f64]| (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        put("cpu_avg", average(&self.cpu_percent), 1);
        put("cpu_p95", percentile(&self.cpu_percent, 95.0), 1);
        put("cpu_max", percentile(&self.cpu_percent, 100.0), 1);
        let available_gb: Vec<f64> = self.memory_available_bytes.iter().map(|b| b / BYTES_PER_GIB).collect();
        put("memory_available_min_gb", percentile(&available_gb, 0.0), 2);
        if let Some(total) = memory_gb.filter(|m| *m > 0.0) {
            let used: Vec<f64> = available_gb.iter().map(|a| ((total - a) / total * 100.0).clamp(0.0, 100.0)).collect();
            put("memory_used_p95_percent", percentile(&used, 95.0), 1);
        }
        put("disk_read_iops_p95", percentile(&self.disk_read_ops, 95.0), 1);
        put("disk_write_iops_p95", percentile(&self.disk_write_ops, 95.0), 1);
        let megabits = |values: &[f64]| values.iter().map(|b| b * 8.0 / 1_000_000.0).collect::<Vec<_>>();
        put("network_sent_p95_mbps", percentile(&megabits(&self.network_sent_bytes), 95.0), 2);
        put("network_received_p95_mbps", percentile(&megabits(&self.network_received_bytes), 95.0), 2);
        tags.insert("perf_samples".into(), self.samples.to_string());
        if let (Some(first), Some(last)) = (&self.first, &self.last) {
            tags.insert("perf_from".into(), first.clone());
            tags.insert("perf_to".into(), last.clone());
        }
    }
}

fn read_vm_table(table: &Table, machines: &mut Machines, out: &mut Imported) {
    let column = |name: &str| table.column(&[name]);
    let machine_id = column("MachineId");
    let name = column("MachineName");
    let primary_ip = column("PrimaryIPAddress");
    let public_ip = column("PublicIPAddress");
    let ip_list = column("IpAddressListSemiColonDelimited");
    let disk_allocated = column("TotalDiskAllocatedGiB");
    let disk_used = column("TotalDiskUsedGiB");
    let machine_type = column("MachineTypeLabel");
    let cores = column("AllocatedProcessorCoreCount");
    let memory = column("MemoryGiB");
    let location = column("HostingLocation");
    let os_type = column("OsType");
    let os_publisher = column("OsPublisher");
    let os_name = column("OsName");
    let os_version = column("OsVersion");
    let status = column("MachineStatus");
    let provisioning = column("ProvisioningState");
    let created = column("CreateDate");
    let physical = column("IsPhysical");
    let source = column("Source");
    if name.is_none() {
        out.diagnostics.push(Diagnostic::error_at(
            &table.header_origin(),
            None,
            format!("a vmInfo file needs a MachineName column (the header has: {})", table.header_list()),
        ));
        return;
    }
    let known: Vec<usize> = [
        machine_id,
        name,
        primary_ip,
        public_ip,
        ip_list,
        disk_allocated,
        disk_used,
        machine_type,
        cores,
        memory,
        location,
        os_type,
        os_publisher,
        os_name,
        os_version,
        status,
        provisioning,
        created,
        physical,
        source,
    ]
    .into_iter()
    .flatten()
    .collect();
    let others = table.other_columns(&known);
    // Columns kept as tags under a plain name.
    let tag_columns = [
        ("machine_id", machine_id),
        ("public_ip", public_ip),
        ("machine_type", machine_type),
        ("os_publisher", os_publisher),
        ("provisioning_state", provisioning),
        ("create_date", created),
        ("source", source),
    ];

    for row in &table.rows {
        let mut cells = table.cells(row, &mut out.diagnostics);
        let origin = cells.origin();
        let Some(server_name) = cells.text(name) else {
            cells.error(name, "MachineName: the machine has no name");
            continue;
        };
        let id = cells.text(machine_id);
        if id.is_none() {
            cells.warning(
                machine_id,
                format!(
                    "MachineId: '{server_name}' has no MachineId: no diskInfo, tagInfo or perfInfo row can join it"
                ),
            );
        }
        let mut tags = cells.tags_from(&others);
        for (key, column) in tag_columns {
            if let Some(value) = cells.text(column) {
                tags.insert(key.to_string(), value);
            }
        }
        let mut ip_addresses: Vec<String> = Vec::new();
        for address in cells.text(primary_ip).into_iter().chain(cells.list(ip_list, &[';', ','])) {
            if !ip_addresses.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
                ip_addresses.push(address);
            }
        }
        let os_name_text = cells.text(os_name);
        let os_family = cells
            .text(os_type)
            .and_then(|t| OsFamily::parse(&t).or_else(|| os_family_from_name(&t)))
            .or_else(|| os_name_text.as_deref().and_then(os_family_from_name));
        let status_text = cells.text(status);
        let power_state = status_text.as_deref().and_then(PowerState::parse);
        if let (None, Some(text)) = (power_state, &status_text) {
            tags.insert("machine_status".into(), text.clone());
        }
        let kind = cells
            .parsed(physical, "true or false", parse_yes_no)
            .map(|is_physical| if is_physical { ServerKind::Physical } else { ServerKind::VirtualMachine });
        let server = Server {
            name: server_name.clone(),
            ip_addresses,
            os_family,
            os_name: os_name_text,
            os_version: cells.text(os_version),
            cores: cells.whole(cores),
            // GiB are stored as GB.
            memory_gb: cells.decimal(memory),
            disk_provisioned_gb: cells.decimal(disk_allocated),
            disk_used_gb: cells.decimal(disk_used),
            site: cells.text(location),
            power_state,
            kind,
            tags,
            ..Server::default()
        };
        if let Some(id) = id {
            if let Some(&first) = machines.by_id.get(&id) {
                let first_line = machines.list[first].server.origin.line.unwrap_or(0);
                cells.warning(
                    machine_id,
                    format!("MachineId '{id}' is also on line {first_line}: the rows of the other files join to that machine"),
                );
            } else {
                machines.by_id.insert(id, machines.list.len());
            }
        }
        machines.list.push(Machine {
            server: Located { value: server, origin },
            disks: 0,
            disk_size_gb: None,
            disk_used_gb: None,
            storage_types: BTreeSet::new(),
            perf: Performance::default(),
        });
    }
}

/// The machine a row of diskInfo, tagInfo or perfInfo joins to; a warning at
/// the row's MachineId when there is none.
fn join_row(table: &Table, row: &TableRow, machines: &Machines, what: &str, out: &mut Imported) -> Option<usize> {
    let column = table.column(MACHINE_ID);
    let mut cells = table.cells(row, &mut out.diagnostics);
    let Some(id) = cells.text(column) else {
        cells.warning(column, format!("MachineId: the {what} row has no MachineId: left out"));
        return None;
    };
    let position = machines.position(&id);
    if position.is_none() {
        cells.warning(column, format!("MachineId '{id}' is not in any vmInfo file: this {what} row is left out"));
    }
    position
}

fn read_disk_table(table: &Table, machines: &mut Machines, out: &mut Imported) {
    let size = table.column(&["SizeInGib"]);
    let used = table.column(&["UsedInGib"]);
    let storage_type = table.column(&["StorageTypeLabel"]);
    for row in &table.rows {
        let Some(position) = join_row(table, row, machines, "diskInfo", out) else { continue };
        let mut cells = table.cells(row, &mut out.diagnostics);
        let size = cells.decimal(size);
        let used = cells.decimal(used);
        let kind = cells.text(storage_type);
        let machine = &mut machines.list[position];
        machine.disks += 1;
        if let Some(size) = size {
            machine.disk_size_gb = Some(machine.disk_size_gb.unwrap_or(0.0) + size);
        }
        if let Some(used) = used {
            machine.disk_used_gb = Some(machine.disk_used_gb.unwrap_or(0.0) + used);
        }
        machine.storage_types.extend(kind);
    }
}

fn read_tag_table(table: &Table, machines: &mut Machines, out: &mut Imported) {
    let key_column = table.column(&["Key"]);
    let value_column = table.column(&["Value"]);
    for row in &table.rows {
        let Some(position) = join_row(table, row, machines, "tagInfo", out) else { continue };
        let mut cells = table.cells(row, &mut out.diagnostics);
        let Some(key) = cells.text(key_column) else {
            cells.warning(key_column, "Key: the tag has no key: left out");
            continue;
        };
        let value = cells.text(value_column).unwrap_or_default();
        let server = &mut machines.list[position].server.value;
        // A label that names the environment sets it, when vmInfo did not.
        if matches!(key.to_lowercase().as_str(), "environment" | "env") && server.environment.is_none() {
            server.environment = Environment::parse(&value);
        }
        if key == "machine_id" {
            // The join key is not a label to overwrite.
            continue;
        }
        server.tags.insert(key, value);
    }
}

fn read_perf_table(table: &Table, machines: &mut Machines, out: &mut Imported) {
    let machine_id = table.column(MACHINE_ID);
    let timestamp = table.column(&["TimeStamp"]);
    let cpu = table.column(&["CpuUtilizationPercentage"]);
    let memory = table.column(&["AvailableMemoryBytes"]);
    let reads = table.column(&["DiskReadOperationsPerSec"]);
    let writes = table.column(&["DiskWriteOperationsPerSec"]);
    let sent = table.column(&["NetworkBytesPerSecSent"]);
    let received = table.column(&["NetworkBytesPerSecReceived"]);
    // Samples of a machine vmInfo does not have are reported once per
    // machine, at the first, not on each of its many rows.
    let mut unknown: BTreeMap<String, (TableRow, usize)> = BTreeMap::new();
    for row in &table.rows {
        let id = row.cells.get(machine_id.unwrap_or(usize::MAX)).map(|t| t.trim()).unwrap_or_default();
        let Some(position) = machines.position(id).filter(|_| !id.is_empty()) else {
            unknown.entry(id.to_string()).or_insert_with(|| (row.clone(), 0)).1 += 1;
            continue;
        };
        let mut cells = table.cells(row, &mut out.diagnostics);
        let sample = [
            cells.decimal(cpu),
            cells.decimal(memory),
            cells.decimal(reads),
            cells.decimal(writes),
            cells.decimal(sent),
            cells.decimal(received),
        ];
        let time = cells.text(timestamp);
        let perf = &mut machines.list[position].perf;
        perf.samples += 1;
        let [cpu, memory, reads, writes, sent, received] = sample;
        perf.cpu_percent.extend(cpu);
        perf.memory_available_bytes.extend(memory);
        perf.disk_read_ops.extend(reads);
        perf.disk_write_ops.extend(writes);
        perf.network_sent_bytes.extend(sent);
        perf.network_received_bytes.extend(received);
        if let Some(time) = time {
            // ISO timestamps order as text.
            if perf.first.as_ref().is_none_or(|first| time < *first) {
                perf.first = Some(time.clone());
            }
            if perf.last.as_ref().is_none_or(|last| time > *last) {
                perf.last = Some(time);
            }
        }
    }
    for (id, (row, count)) in unknown {
        let origin = table.origin(&row);
        let column = machine_id.map(|c| c as u64 + 1);
        let message = if id.is_empty() {
            format!("MachineId: {count} perfInfo rows have no MachineId (first here): left out")
        } else {
            format!("MachineId '{id}' is not in any vmInfo file: its {count} perfInfo rows are left out (first here)")
        };
        out.diagnostics.push(Diagnostic::warning_at(&origin, column, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_csv_table;

    fn fixture(file: &str) -> Table {
        let path = format!("{}/fixtures/gmc/{file}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).expect("the fixture exists");
        read_csv_table(file, &bytes, 0).expect("the fixture reads")
    }

    #[test]
    fn a_wide_header_is_listed_short_in_messages() {
        let extra = (1..=30).map(|i| format!("Extra{i}")).collect::<Vec<_>>().join(",");
        let text = format!("MachineId,{extra}\nm-1{}\n", ",x".repeat(30));
        let table = read_csv_table("vm.csv", text.as_bytes(), 0).unwrap();
        let mut out = Imported::default();
        read_tables(VMINFO_FORMAT, &[&table], &mut out);
        let listed = (1..=19).map(|i| format!("Extra{i}")).collect::<Vec<_>>().join(", ");
        assert_eq!(
            messages(&out),
            [format!(
                "vm.csv:1: error: a vmInfo file needs a MachineName column (the header has: MachineId, {listed} and 11 more)"
            )]
        );
    }

    fn messages(out: &Imported) -> Vec<String> {
        out.diagnostics.iter().map(ToString::to_string).collect()
    }

    fn all_files() -> Vec<Table> {
        ["vmInfo.csv", "diskInfo.csv", "tagInfo.csv", "perfInfo.csv"].into_iter().map(fixture).collect()
    }

    #[test]
    fn recognises_each_file_by_its_headers() {
        let ids: Vec<Option<&str>> = all_files().iter().map(detect_table).collect();
        assert_eq!(ids, [Some(VMINFO_FORMAT), Some(DISKINFO_FORMAT), Some(TAGINFO_FORMAT), Some(PERFINFO_FORMAT)]);
        let other = read_csv_table("x.csv", b"MachineId,Colour\n1,red\n", 0).unwrap();
        assert_eq!(detect_table(&other), None);
    }

    #[test]
    fn joins_all_files_on_machine_id() {
        let files = all_files();
        // The lead passes every table of any gmc-* id in one call, in any order.
        let tables: Vec<&Table> = files.iter().rev().collect();
        let mut out = Imported::default();
        read_tables(GROUP_FORMAT, &tables, &mut out);
        assert_eq!(
            messages(&out),
            [
                "diskInfo.csv:6:1: warning: MachineId 'm-999' is not in any vmInfo file: this diskInfo row is left out",
                "tagInfo.csv:6:1: warning: MachineId 'm-999' is not in any vmInfo file: this tagInfo row is left out",
                "perfInfo.csv:8:1: warning: MachineId 'm-999' is not in any vmInfo file: its 2 perfInfo rows are left out (first here)",
            ]
        );
        let servers: Vec<&Server> = out.batch.servers.iter().map(|s| &s.value).collect();
        assert_eq!(servers.len(), 3);
        let web = servers[0];
        assert_eq!(web.name, "gweb01");
        assert_eq!(web.tags.get("machine_id").map(String::as_str), Some("m-001"));
        assert_eq!(web.ip_addresses, ["10.1.0.10", "10.1.0.11"]);
        assert_eq!(web.tags.get("public_ip").map(String::as_str), Some("203.0.113.10"));
        assert_eq!((web.cores, web.memory_gb), (Some(4), Some(16.0)));
        // vmInfo totals win over the disks'.
        assert_eq!((web.disk_provisioned_gb, web.disk_used_gb), (Some(150.0), Some(60.0)));
        assert_eq!(web.tags.get("disk_count").map(String::as_str), Some("2"));
        assert_eq!(
            (web.os_family, web.kind, web.power_state),
            (Some(OsFamily::Windows), Some(ServerKind::VirtualMachine), Some(PowerState::On))
        );
        assert_eq!(web.tags.get("machine_type").map(String::as_str), Some("n2-standard-4"));
        assert_eq!(web.site.as_deref(), Some("dc-east"));
        // Tags from tagInfo, and an environment label.
        assert_eq!(web.tags.get("owner").map(String::as_str), Some("web-team"));
        assert_eq!(web.environment, Some(Environment::Production));
        // perfInfo summarised, not kept per row.
        assert_eq!(web.tags.get("perf_samples").map(String::as_str), Some("4"));
        assert_eq!(web.tags.get("cpu_p95").map(String::as_str), Some("80"));
        assert_eq!(web.tags.get("cpu_max").map(String::as_str), Some("80"));
        assert_eq!(web.tags.get("cpu_avg").map(String::as_str), Some("42.5"));
        assert_eq!(web.tags.get("memory_available_min_gb").map(String::as_str), Some("4"));
        assert_eq!(web.tags.get("memory_used_p95_percent").map(String::as_str), Some("75"));
        assert_eq!(web.tags.get("network_sent_p95_mbps").map(String::as_str), Some("8"));
        assert_eq!(web.tags.get("perf_from").map(String::as_str), Some("2026-03-01T00:00:00Z"));
        assert_eq!(web.tags.get("perf_to").map(String::as_str), Some("2026-03-01T00:15:00Z"));

        // Empty vmInfo totals come from diskInfo.
        let db = servers[1];
        assert_eq!((db.disk_provisioned_gb, db.disk_used_gb), (Some(600.0), Some(350.0)));
        assert_eq!(db.tags.get("storage_types").map(String::as_str), Some("HDD;SSD"));
        assert_eq!((db.kind, db.power_state), (Some(ServerKind::Physical), Some(PowerState::Off)));
        assert_eq!(db.os_family, Some(OsFamily::Linux));
        assert_eq!(db.tags.get("perf_samples").map(String::as_str), Some("1"));
        assert_eq!(db.memory_gb, Some(64.0));

        // A status outside the vocabulary is a tag.
        let batch = servers[2];
        assert_eq!(batch.power_state, None);
        assert_eq!(batch.tags.get("machine_status").map(String::as_str), Some("Unknown"));
        assert_eq!(batch.disk_provisioned_gb, None);
        assert_eq!(out.batch.servers[2].origin.line, Some(4));
    }

    #[test]
    fn bad_cells_duplicates_and_lone_files_are_reported() {
        let vm = read_csv_table(
            "vm.csv",
            b"MachineId,MachineName,MemoryGiB,IsPhysical\nm-1,a,lots,true\nm-1,b,4,perhaps\n,c,2,false\nm-4,,2,false\n",
            0,
        )
        .unwrap();
        let mut out = Imported::default();
        read_tables(GROUP_FORMAT, &[&vm], &mut out);
        assert_eq!(
            messages(&out),
            [
                "vm.csv:2:3: error: MemoryGiB: 'lots' is not a number",
                "vm.csv:3:4: error: IsPhysical: 'perhaps' is not true or false",
                "vm.csv:3:1: warning: MachineId 'm-1' is also on line 2: the rows of the other files join to that machine",
                "vm.csv:4:1: warning: MachineId: 'c' has no MachineId: no diskInfo, tagInfo or perfInfo row can join it",
                "vm.csv:5:2: error: MachineName: the machine has no name",
            ]
        );
        assert_eq!(out.batch.servers.len(), 3);

        let disks = fixture("diskInfo.csv");
        let mut out = Imported::default();
        read_tables(GROUP_FORMAT, &[&disks], &mut out);
        assert_eq!(
            messages(&out),
            [
                "diskInfo.csv:1: warning: diskInfo file without a vmInfo file in the import: its 5 rows have no machine to join to and are left out"
            ]
        );
        assert!(out.batch.servers.is_empty());
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile(&values, 95.0), Some(5.0));
        assert_eq!(percentile(&values, 50.0), Some(3.0));
        assert_eq!(percentile(&values, 0.0), Some(1.0));
        assert_eq!(percentile(&[], 95.0), None);
        assert_eq!(tag_number(42.50, 1), "42.5");
        assert_eq!(tag_number(4.0, 2), "4");
    }
}
