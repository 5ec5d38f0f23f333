//! AWS inventories, read into servers, applications, memberships and the
//! waves already chosen:
//!
//! - `aws-migration-hub`: the AWS Migration Hub import template (CSV). A row
//!   needs an identity (`ExternalId`, `IPAddress`, `MACAddress`, `HostName`,
//!   or both `VMware.MoRefId` and `VMware.VCenterId`); the server is named by
//!   `HostName`, else `VMware.VMName`, else `ExternalId`, else its first IP
//!   address (then its first MAC address, then its MoRef). `Applications` (a
//!   comma list) gives applications and memberships; `Tags` are `name:value`
//!   pairs separated by commas; `ApplicationWave` becomes the tag `wave` on
//!   the server. `RAM.TotalSizeInMB` (really MiB) is divided by 1024 and
//!   stored as GB; `CPU.NumberOfCores` gives the cores, else the logical
//!   cores, else the processors. Identity keys become the tags `external_id`,
//!   `moref`, `vcenter_id`, `smbios_id`, `migration_hub_server_id`. Columns the
//!   template does not define are ignored, as Migration Hub ignores them.
//! - `cmf`: AWS Cloud Migration Factory intake forms, the old layout
//!   (`wave_id`, `cloudendure_projectname`) and the current one (`wave_name`,
//!   `r_type`, `tags`). Multi-values are `;`-separated, `tags` are
//!   `k=v;k=v`. `server_tier` becomes the tag `tier_role`; `aws_region`,
//!   `aws_accountid`, subnets, security groups, `instanceType`, `tenancy` and
//!   any other column become tags under their header. `app_name` gives the
//!   application and its membership; `r_type` its strategy (when servers of
//!   one application disagree, the first is kept, with a warning).
//! - `cmf-tags`: the CMF tag file (`Name,Product,ApplicationNameStack,...`):
//!   tags for servers named in `Name`. Its records are servers with only a
//!   name and tags, so merging updates servers already known; within one
//!   import they are folded into the intake form's servers of the same name.
//!
//! The wave already chosen, as a starting plan: a Cloud Migration Factory
//! wave (`wave_name` or `wave_id`) is kept as the tag `cmf_wave` on the
//! application and, when it names a wave number (`1`, `Wave 3`, `wave-3`; not
//! `Unittest Wave 1`, whose number is part of a name), also becomes a
//! `PinWave` constraint for that application. The planner then starts from
//! the waves the factory already has and plans the rest around them; removing
//! the constraints frees the applications again. Migration Hub's
//! `ApplicationWave` is treated the same way when every server of an
//! application that carries a wave carries the same one (the tag is then
//! `wave` on the application).
//!
//! What this module must not do: open files, fail or panic on bad data, or
//! claim a spreadsheet that merely has a `Name` column. Problems are
//! diagnostics naming file, sheet, line and column.

use std::collections::HashMap;

use waveplan_core::merge::{Batch, ConstraintRecord, Located, MemberRecord, NameRef, RefKind};
use waveplan_core::{Application, Diagnostic, Environment, Origin, OsFamily, Server, ServerKind, Strategy, Tags};

use crate::azure::{mb_to_gb, os_family_from_name, require_columns};
use crate::table::{Cells, Table};
use crate::xlsx::Workbook;
use crate::{FormatInfo, Imported};

/// Format id of the AWS Migration Hub import template.
pub const MIGRATION_HUB_FORMAT: &str = "aws-migration-hub";

/// Format id of the Cloud Migration Factory intake form.
pub const CMF_FORMAT: &str = "cmf";

/// Format id of the Cloud Migration Factory tag file.
pub const CMF_TAGS_FORMAT: &str = "cmf-tags";

/// The formats this module reads.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        id: MIGRATION_HUB_FORMAT,
        name: "AWS Migration Hub import template (CSV)",
        recognised_by: "an identity header (ExternalId, IPAddress, MACAddress, HostName or VMware.MoRefId) and two or \
                        more of ExternalId, SMBiosId, VMware.MoRefId, VMware.VCenterId, VMware.VMName, \
                        CPU.NumberOfProcessors, CPU.NumberOfCores, CPU.NumberOfLogicalCores, RAM.TotalSizeInMB, \
                        CPU.UsagePct.Avg, ApplicationWave",
    },
    FormatInfo {
        id: CMF_FORMAT,
        name: "AWS Cloud Migration Factory intake form",
        recognised_by: "headers server_name and app_name with two or more of wave_name or wave_id, aws_accountid, \
                        aws_region, r_type, cloudendure_projectname, server_os_family, server_fqdn",
    },
    FormatInfo {
        id: CMF_TAGS_FORMAT,
        name: "AWS Cloud Migration Factory tag file",
        recognised_by: "a Name header, no server_name or app_name, and two or more of Product, ApplicationNameStack, \
                        ServerRole, Lifecycle, Organization, ProjectSponsor, AppOwner, PortfolioName, Last Patch Date",
    },
];

const HUB_DISTINCTIVE: &[&str] = &[
    "ExternalId",
    "SMBiosId",
    "VMware.MoRefId",
    "VMware.VCenterId",
    "VMware.VMName",
    "CPU.NumberOfProcessors",
    "CPU.NumberOfCores",
    "CPU.NumberOfLogicalCores",
    "RAM.TotalSizeInMB",
    "CPU.UsagePct.Avg",
    "ApplicationWave",
];

const HUB_PERFORMANCE: &[&str] = &[
    "RAM.UsedSizeInMB.Avg",
    "RAM.UsedSizeInMB.Max",
    "CPU.UsagePct.Avg",
    "CPU.UsagePct.Max",
    "DiskReadsPerSecondInKB.Avg",
    "DiskWritesPerSecondInKB.Avg",
    "DiskReadsPerSecondInKB.Max",
    "DiskWritesPerSecondInKB.Max",
    "DiskReadsOpsPerSecond.Avg",
    "DiskWritesOpsPerSecond.Avg",
    "DiskReadsOpsPerSecond.Max",
    "DiskWritesOpsPerSecond.Max",
    "NetworkReadsPerSecondInKB.Avg",
    "NetworkWritesPerSecondInKB.Avg",
    "NetworkReadsPerSecondInKB.Max",
    "NetworkWritesPerSecondInKB.Max",
];

const CMF_DISTINCTIVE: &[&str] = &[
    "wave_name|wave_id",
    "aws_accountid",
    "aws_region",
    "r_type",
    "cloudendure_projectname",
    "server_os_family",
    "server_fqdn",
];

/// Headers of the CMF tag file besides `Name`. `BusinessUnit` is read but not
/// counted for recognition: other tables have a business unit column too.
const CMF_TAG_HEADERS: &[&str] = &[
    "Product",
    "ApplicationNameStack",
    "ServerRole",
    "Lifecycle",
    "Organization",
    "ProjectSponsor",
    "AppOwner",
    "PortfolioName",
    "Last Patch Date",
];

fn count_columns(table: &Table, names: &[&str]) -> usize {
    names.iter().filter(|name| table.has_columns(&[name])).count()
}

/// Recognises a Migration Hub template, a CMF intake form or a CMF tag file
/// from its headers.
pub fn detect_table(table: &Table) -> Option<&'static str> {
    let has = |name: &str| table.column(&[name]).is_some();
    if has("server_name") && has("app_name") && count_columns(table, CMF_DISTINCTIVE) >= 2 {
        return Some(CMF_FORMAT);
    }
    let hub_identity = ["ExternalId", "IPAddress", "MACAddress", "HostName", "VMware.MoRefId"].iter().any(|n| has(n));
    if hub_identity && count_columns(table, HUB_DISTINCTIVE) >= 2 {
        return Some(MIGRATION_HUB_FORMAT);
    }
    if has("Name") && !has("server_name") && !has("app_name") && count_columns(table, CMF_TAG_HEADERS) >= 2 {
        return Some(CMF_TAGS_FORMAT);
    }
    None
}

/// Recognises a workbook one of whose sheets is in one of these formats (CMF
/// intake forms are often kept as `.xlsx`); an intake form wins over a tag file.
pub fn detect_workbook(workbook: &Workbook) -> Option<&'static str> {
    let found: Vec<&'static str> = workbook.sheets.iter().filter_map(detect_table).collect();
    [CMF_FORMAT, MIGRATION_HUB_FORMAT, CMF_TAGS_FORMAT].into_iter().find(|format| found.contains(format))
}

/// Reads the sheets of a workbook recognised as `format_id`. For an intake
/// form, sheets that are CMF tag files are read too, after the intake sheets.
pub fn read_workbook(format_id: &str, workbook: &Workbook, out: &mut Imported) {
    let sheets =
        |format: &str| -> Vec<&Table> { workbook.sheets.iter().filter(|t| detect_table(t) == Some(format)).collect() };
    let tables = sheets(format_id);
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
    if format_id == CMF_FORMAT {
        let tag_sheets = sheets(CMF_TAGS_FORMAT);
        if !tag_sheets.is_empty() {
            read_tables(CMF_TAGS_FORMAT, &tag_sheets, out);
        }
    }
}

/// Reads every table of one import recognised as `format_id`, together, so
/// that an application spread over several files is one application.
pub fn read_tables(format_id: &str, tables: &[&Table], out: &mut Imported) {
    match format_id {
        MIGRATION_HUB_FORMAT => read_migration_hub(tables, out),
        CMF_FORMAT => read_cmf(tables, out),
        CMF_TAGS_FORMAT => {
            for table in tables {
                read_cmf_tags(table, out);
            }
        }
        other => {
            for table in tables {
                out.diagnostics.push(Diagnostic::error_at(
                    &table.header_origin(),
                    None,
                    format!("the AWS reader does not know the format '{other}'"),
                ));
            }
        }
    }
}

/// The wave number a wave name states: `3`, `Wave 3`, `wave-3`, `WAVE_03`.
/// A name that merely contains a number (`Unittest Wave 1`, `Wave 1-NEW`)
/// states none; wave 0 is not a wave.
pub fn wave_number(wave: &str) -> Option<u32> {
    let lower = wave.trim().to_lowercase();
    let rest = lower.strip_prefix("wave").unwrap_or(&lower);
    let digits = rest.trim_start_matches([' ', '-', '_', '#', ':', '.']);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&number| number >= 1)
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn column_number(column: Option<usize>) -> Option<u64> {
    column.map(|c| c as u64 + 1)
}

/// A server record that carries only a name and tags (what a tag file gives).
fn is_tags_only(server: &Server) -> bool {
    // Destructured in full so that a new field of `Server` must be considered here.
    let Server {
        name: _,
        fqdn,
        ip_addresses,
        mac_addresses,
        os_family,
        os_name,
        os_version,
        cores,
        memory_gb,
        disk_provisioned_gb,
        disk_used_gb,
        environment,
        site,
        datacenter,
        cluster,
        power_state,
        kind,
        device_class,
        tags: _,
        provenance,
    } = server;
    fqdn.is_none()
        && ip_addresses.is_empty()
        && mac_addresses.is_empty()
        && os_family.is_none()
        && os_name.is_none()
        && os_version.is_none()
        && cores.is_none()
        && memory_gb.is_none()
        && disk_provisioned_gb.is_none()
        && disk_used_gb.is_none()
        && environment.is_none()
        && site.is_none()
        && datacenter.is_none()
        && cluster.is_none()
        && power_state.is_none()
        && kind.is_none()
        && device_class.is_none()
        && provenance.is_empty()
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Positions in the batch of the servers a tag file put there (name and tags
/// only), by lower-case name, so that intake rows can fill them in.
fn tags_only_servers(batch: &Batch) -> HashMap<String, usize> {
    batch
        .servers
        .iter()
        .enumerate()
        .filter(|(_, s)| is_tags_only(&s.value))
        .map(|(position, s)| (name_key(&s.value.name), position))
        .collect()
}

/// Adds a server to the batch, or fills in a tags-only record of the same
/// name or FQDN that a tag file of the same import put there (its tags are
/// kept; the intake form's own tags win on the same key).
fn push_server(batch: &mut Batch, tags_only: &mut HashMap<String, usize>, mut server: Server, origin: Origin) {
    let keys = [Some(name_key(&server.name)), server.fqdn.as_deref().map(name_key)];
    let found = keys.into_iter().flatten().find_map(|key| tags_only.remove(&key));
    match found {
        Some(position) => {
            let existing = &mut batch.servers[position];
            let mut tags = std::mem::take(&mut existing.value.tags);
            tags.append(&mut server.tags);
            server.tags = tags;
            *existing = Located { value: server, origin };
        }
        None => batch.servers.push(Located { value: server, origin }),
    }
}

/// An application being gathered from rows: where it was first seen and the
/// first value of the per-application fields its rows repeat.
struct PendingApplication {
    name: String,
    origin: Origin,
    column: Option<u64>,
    /// First wave given and the line it was given on.
    wave: Option<(String, u64)>,
    /// Whether rows disagree on the wave (warned once).
    waves_disagree: bool,
    /// First strategy given (as written, parsed) and the line it was given on.
    strategy: Option<(String, Option<Strategy>, u64)>,
    /// Whether rows disagree on the strategy (warned once).
    strategies_disagree: bool,
}

/// The applications of one import, in the order first seen.
#[derive(Default)]
struct PendingApplications {
    list: Vec<PendingApplication>,
    by_name: HashMap<String, usize>,
}

impl PendingApplications {
    fn get_or_add(&mut self, name: &str, origin: &Origin, column: Option<usize>) -> &mut PendingApplication {
        let key = name.trim().to_lowercase();
        let index = *self.by_name.entry(key).or_insert_with(|| {
            self.list.push(PendingApplication {
                name: name.trim().to_string(),
                origin: origin.clone(),
                column: column_number(column),
                wave: None,
                waves_disagree: false,
                strategy: None,
                strategies_disagree: false,
            });
            self.list.len() - 1
        });
        &mut self.list[index]
    }
}

/// Records the wave a row gives for an application; a warning (once per
/// application) when it differs from the first.
fn note_wave(
    app: &mut PendingApplication,
    wave: &str,
    cells: &mut Cells<'_>,
    column: Option<usize>,
    server: &str,
    outcome: &str,
) {
    let line = cells.origin().line.unwrap_or(0);
    match &app.wave {
        None => app.wave = Some((wave.to_string(), line)),
        Some((first, first_line)) if !same_name(first, wave) && !app.waves_disagree => {
            let message = format!(
                "server '{server}' is in wave '{wave}' but application '{}' was given wave '{first}' at line {first_line}: {outcome}",
                app.name
            );
            app.waves_disagree = true;
            cells.warning(column, message);
        }
        Some(_) => {}
    }
}

/// What an application gets when its servers name different waves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WaveDisagreement {
    /// The wave of the first row (CMF: the application's wave is a field repeated per row).
    KeepFirst,
    /// No wave (Migration Hub: the wave belongs to each server).
    NoWave,
}

/// Turns gathered applications into application records and, for waves
/// that state a number, `PinWave` constraints.
fn finish_applications(
    apps: PendingApplications,
    wave_tag: &str,
    disagreement: WaveDisagreement,
    reason: &str,
    out: &mut Imported,
) {
    for app in apps.list {
        let mut tags = Tags::new();
        let wave = app
            .wave
            .filter(|_| disagreement == WaveDisagreement::KeepFirst || !app.waves_disagree)
            .map(|(wave, _)| wave);
        let mut strategy = None;
        if let Some((text, parsed, _)) = &app.strategy {
            strategy = *parsed;
            if parsed.is_none() {
                tags.insert("r_type".into(), text.clone());
            }
        }
        if let Some(wave) = &wave {
            tags.insert(wave_tag.into(), wave.clone());
            if let Some(number) = wave_number(wave) {
                let application =
                    NameRef { name: app.name.clone(), kind: Some(RefKind::Application), column: app.column };
                let reason = Some(format!("{reason} '{wave}'"));
                out.batch.constraints.push(Located {
                    value: (ConstraintRecord::PinWave(application, number), reason),
                    origin: app.origin.clone(),
                });
            }
        }
        let application = Application { name: app.name, strategy, tags, ..Application::default() };
        out.batch.applications.push(Located { value: application, origin: app.origin });
    }
}

fn membership(
    application: &str,
    application_column: Option<usize>,
    server: &str,
    server_column: Option<usize>,
) -> MemberRecord {
    MemberRecord {
        application: NameRef {
            name: application.to_string(),
            kind: Some(RefKind::Application),
            column: column_number(application_column),
        },
        member: NameRef { name: server.to_string(), kind: Some(RefKind::Server), column: column_number(server_column) },
    }
}

/// Columns of the Migration Hub template, looked up once per file.
struct HubColumns {
    external_id: Option<usize>,
    smbios_id: Option<usize>,
    ip_address: Option<usize>,
    mac_address: Option<usize>,
    host_name: Option<usize>,
    moref: Option<usize>,
    vcenter_id: Option<usize>,
    processors: Option<usize>,
    cores: Option<usize>,
    logical_cores: Option<usize>,
    os_name: Option<usize>,
    os_version: Option<usize>,
    vm_name: Option<usize>,
    ram_mb: Option<usize>,
    applications: Option<usize>,
    wave: Option<usize>,
    tags: Option<usize>,
    server_id: Option<usize>,
    performance: Vec<usize>,
}

impl HubColumns {
    fn find(table: &Table) -> HubColumns {
        let column = |name: &str| table.column(&[name]);
        HubColumns {
            external_id: column("ExternalId"),
            smbios_id: column("SMBiosId"),
            ip_address: column("IPAddress"),
            mac_address: column("MACAddress"),
            host_name: column("HostName"),
            moref: column("VMware.MoRefId"),
            vcenter_id: column("VMware.VCenterId"),
            processors: column("CPU.NumberOfProcessors"),
            cores: column("CPU.NumberOfCores"),
            logical_cores: column("CPU.NumberOfLogicalCores"),
            os_name: column("OS.Name"),
            os_version: column("OS.Version"),
            vm_name: column("VMware.VMName"),
            ram_mb: column("RAM.TotalSizeInMB"),
            applications: column("Applications"),
            wave: column("ApplicationWave"),
            tags: column("Tags"),
            server_id: column("ServerId"),
            performance: HUB_PERFORMANCE.iter().filter_map(|name| column(name)).collect(),
        }
    }
}

fn read_migration_hub(tables: &[&Table], out: &mut Imported) {
    let mut apps = PendingApplications::default();
    for table in tables {
        let columns = HubColumns::find(table);
        let identity = [columns.external_id, columns.ip_address, columns.mac_address, columns.host_name, columns.moref];
        if identity.iter().all(Option::is_none) {
            out.diagnostics.push(Diagnostic::error_at(
                &table.header_origin(),
                None,
                "the AWS Migration Hub template needs one of the columns ExternalId, IPAddress, MACAddress, HostName, or VMware.MoRefId with VMware.VCenterId",
            ));
            continue;
        }
        for row in &table.rows {
            let mut cells = table.cells(row, &mut out.diagnostics);
            if let Some((server, server_column)) = read_hub_row(&columns, &mut cells) {
                for application in cells.list(columns.applications, &[',']) {
                    let origin = cells.origin();
                    let app = apps.get_or_add(&application, &origin, columns.applications);
                    if let Some(wave) = server.tags.get("wave") {
                        let outcome = "the application is pinned to no wave";
                        note_wave(app, wave, &mut cells, columns.wave, &server.name, outcome);
                    }
                    let record = membership(&app.name, columns.applications, &server.name, server_column);
                    out.batch.members.push(Located { value: record, origin });
                }
                let origin = cells.origin();
                out.batch.servers.push(Located { value: server, origin });
            }
        }
    }
    finish_applications(
        apps,
        "wave",
        WaveDisagreement::NoWave,
        "ApplicationWave in the AWS Migration Hub import:",
        out,
    );
}

/// One row of the Migration Hub template: the server and the column its name came from.
fn read_hub_row(columns: &HubColumns, cells: &mut Cells<'_>) -> Option<(Server, Option<usize>)> {
    let ip_addresses = cells.list(columns.ip_address, &[',', ';']);
    let mac_addresses = cells.list(columns.mac_address, &[',', ';']);
    let external_id = cells.text(columns.external_id);
    let host_name = cells.text(columns.host_name);
    let moref = cells.text(columns.moref);
    let vcenter_id = cells.text(columns.vcenter_id);
    let vm_name = cells.text(columns.vm_name);
    let has_identity = external_id.is_some()
        || host_name.is_some()
        || !ip_addresses.is_empty()
        || !mac_addresses.is_empty()
        || (moref.is_some() && vcenter_id.is_some());
    if !has_identity {
        let at = columns.external_id.or(columns.host_name).or(columns.ip_address);
        let message = if moref.is_some() || vcenter_id.is_some() {
            "no identity: VMware.MoRefId and VMware.VCenterId identify a server only together; give both, or ExternalId, IPAddress, MACAddress or HostName"
        } else {
            "no identity: a row needs ExternalId, IPAddress, MACAddress, HostName, or both VMware.MoRefId and VMware.VCenterId"
        };
        cells.error(at, message);
        return None;
    }
    let (name, name_column) = host_name
        .clone()
        .map(|n| (n, columns.host_name))
        .or_else(|| vm_name.clone().map(|n| (n, columns.vm_name)))
        .or_else(|| external_id.clone().map(|n| (n, columns.external_id)))
        .or_else(|| ip_addresses.first().cloned().map(|n| (n, columns.ip_address)))
        .or_else(|| mac_addresses.first().cloned().map(|n| (n, columns.mac_address)))
        .or_else(|| moref.clone().map(|n| (n, columns.moref)))?;

    let mut tags = read_name_value_tags(cells, columns.tags);
    tags.extend(cells.tags_from(&columns.performance));
    let identity_tags = [
        ("external_id", external_id),
        ("smbios_id", cells.text(columns.smbios_id)),
        ("moref", moref.clone()),
        ("vcenter_id", vcenter_id.clone()),
        ("vm_name", vm_name.clone()),
        ("migration_hub_server_id", cells.text(columns.server_id)),
        ("processors", cells.text(columns.processors)),
        ("logical_cores", cells.text(columns.logical_cores)),
        ("wave", cells.text(columns.wave)),
    ];
    for (key, value) in identity_tags {
        if let Some(value) = value {
            tags.insert(key.to_string(), value);
        }
    }
    // Cores, else logical cores (what a VM's vCPUs are), else processors.
    let cores = cells
        .whole::<u32>(columns.cores)
        .or_else(|| cells.whole::<u32>(columns.logical_cores))
        .or_else(|| cells.whole::<u32>(columns.processors));
    let os_name = cells.text(columns.os_name);
    let is_vmware = moref.is_some() || vcenter_id.is_some() || vm_name.is_some();
    let fqdn = host_name.filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err());
    let server = Server {
        name,
        fqdn,
        ip_addresses,
        mac_addresses,
        os_family: os_name.as_deref().and_then(os_family_from_name),
        os_name,
        os_version: cells.text(columns.os_version),
        cores,
        memory_gb: cells.decimal(columns.ram_mb).map(mb_to_gb),
        kind: is_vmware.then_some(ServerKind::VirtualMachine),
        tags,
        ..Server::default()
    };
    Some((server, name_column))
}

/// Migration Hub tags: `"name:value, name:value"`.
fn read_name_value_tags(cells: &mut Cells<'_>, column: Option<usize>) -> Tags {
    let mut tags = Tags::new();
    for pair in cells.list(column, &[',']) {
        match pair.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                tags.insert(name.trim().to_string(), value.trim().to_string());
            }
            _ => {
                cells.warning(column, format!("Tags: '{pair}' is not name:value; kept as a tag without a value"));
                tags.insert(pair, String::new());
            }
        }
    }
    tags
}

/// CMF tags: `k=v;k=v` (a trailing `;` is common).
fn read_key_value_tags(cells: &mut Cells<'_>, column: Option<usize>) -> Tags {
    let mut tags = Tags::new();
    for pair in cells.list(column, &[';']) {
        match pair.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                tags.insert(key.trim().to_string(), value.trim().to_string());
            }
            _ => {
                cells.warning(column, format!("tags: '{pair}' is not key=value; kept as a tag without a value"));
                tags.insert(pair, String::new());
            }
        }
    }
    tags
}

/// Columns of a CMF intake form, looked up once per file.
struct CmfColumns {
    wave: Option<usize>,
    app_name: Option<usize>,
    server_name: Option<usize>,
    os_family: Option<usize>,
    os_version: Option<usize>,
    fqdn: Option<usize>,
    tier: Option<usize>,
    environment: Option<usize>,
    r_type: Option<usize>,
    tags: Option<usize>,
    other: Vec<usize>,
}

impl CmfColumns {
    fn find(table: &Table) -> CmfColumns {
        let column = |name: &str| table.column(&[name]);
        let mut columns = CmfColumns {
            wave: table.column(&["wave_name", "wave_id"]),
            app_name: column("app_name"),
            server_name: column("server_name"),
            os_family: column("server_os_family"),
            os_version: column("server_os_version"),
            fqdn: column("server_fqdn"),
            tier: column("server_tier"),
            environment: column("server_environment"),
            r_type: column("r_type"),
            tags: column("tags"),
            other: Vec::new(),
        };
        // A form with both wave columns: the one not read is kept as a tag.
        let known: Vec<usize> = [
            columns.wave,
            columns.app_name,
            columns.server_name,
            columns.os_family,
            columns.os_version,
            columns.fqdn,
            columns.tier,
            columns.environment,
            columns.r_type,
            columns.tags,
        ]
        .into_iter()
        .flatten()
        .collect();
        columns.other = table.other_columns(&known);
        columns
    }
}

fn read_cmf(tables: &[&Table], out: &mut Imported) {
    let mut apps = PendingApplications::default();
    let mut tags_only = tags_only_servers(&out.batch);
    // FQDN (lower case) → the server that gave it and the line, to warn about copies.
    let mut fqdns: HashMap<String, (String, String, u64)> = HashMap::new();
    for table in tables {
        let columns = CmfColumns::find(table);
        if !require_columns(table, &[("server_name", columns.server_name)], "Cloud Migration Factory intake form", out)
        {
            continue;
        }
        for row in &table.rows {
            let mut cells = table.cells(row, &mut out.diagnostics);
            let origin = cells.origin();
            let Some(server) = read_cmf_server(&columns, &mut cells) else { continue };
            if let Some(fqdn) = &server.fqdn {
                match fqdns.get(&fqdn.to_lowercase()) {
                    Some((other, file, line)) if !same_name(other, &server.name) => {
                        let message =
                            format!("server_fqdn: '{fqdn}' is also the FQDN of server '{other}' ({file} line {line})");
                        cells.warning(columns.fqdn, message);
                    }
                    Some(_) => {}
                    None => {
                        fqdns.insert(
                            fqdn.to_lowercase(),
                            (server.name.clone(), origin.file.clone(), origin.line.unwrap_or(0)),
                        );
                    }
                }
            }
            match cells.text(columns.app_name) {
                Some(app_name) => {
                    let app = apps.get_or_add(&app_name, &origin, columns.app_name);
                    if let Some(wave) = cells.text(columns.wave) {
                        note_wave(app, &wave, &mut cells, columns.wave, &server.name, "the first is kept");
                    }
                    if let Some(r_type) = cells.text(columns.r_type) {
                        note_strategy(app, &r_type, &mut cells, columns.r_type, &server.name);
                    }
                    let record = membership(&app.name, columns.app_name, &server.name, columns.server_name);
                    out.batch.members.push(Located { value: record, origin: origin.clone() });
                }
                None => {
                    let message = format!("app_name is empty: server '{}' joins no application", server.name);
                    cells.warning(columns.app_name, message);
                }
            }
            push_server(&mut out.batch, &mut tags_only, server, origin);
        }
    }
    finish_applications(
        apps,
        "cmf_wave",
        WaveDisagreement::KeepFirst,
        "wave chosen in the Cloud Migration Factory intake form:",
        out,
    );
}

/// Records the strategy (`r_type`) a row gives for an application: a warning
/// when it is not one the model knows, and (once) when rows disagree.
fn note_strategy(
    app: &mut PendingApplication,
    r_type: &str,
    cells: &mut Cells<'_>,
    column: Option<usize>,
    server: &str,
) {
    let line = cells.origin().line.unwrap_or(0);
    match &app.strategy {
        None => {
            let parsed = Strategy::parse(r_type);
            if parsed.is_none() {
                let message =
                    format!("r_type: '{r_type}' is not one of {}; kept as the tag r_type", Strategy::expected());
                cells.warning(column, message);
            }
            app.strategy = Some((r_type.to_string(), parsed, line));
        }
        Some((first, _, first_line)) if !same_name(first, r_type) && !app.strategies_disagree => {
            let message = format!(
                "r_type: server '{server}' says '{r_type}' but application '{}' was given '{first}' at line {first_line}: the first is kept",
                app.name
            );
            app.strategies_disagree = true;
            cells.warning(column, message);
        }
        Some(_) => {}
    }
}

fn read_cmf_server(columns: &CmfColumns, cells: &mut Cells<'_>) -> Option<Server> {
    let Some(name) = cells.text(columns.server_name) else {
        cells.error(columns.server_name, "server_name is empty: the row cannot be taken without a server");
        return None;
    };
    let mut tags = cells.tags_from(&columns.other);
    tags.append(&mut read_key_value_tags(cells, columns.tags));
    if let Some(tier) = cells.text(columns.tier) {
        tags.insert("tier_role".into(), tier);
    }
    let os_version = cells.text(columns.os_version);
    let os_family = match cells.text(columns.os_family) {
        Some(text) => OsFamily::parse(&text).or_else(|| os_family_from_name(&text)).or_else(|| {
            tags.insert("os_family".into(), text);
            None
        }),
        None => os_version.as_deref().and_then(os_family_from_name),
    };
    let environment = cells.text(columns.environment).and_then(|text| {
        let environment = Environment::parse(&text);
        if environment.is_none() {
            tags.insert("server_environment".into(), text);
        }
        environment
    });
    Some(Server { name, fqdn: cells.text(columns.fqdn), os_family, os_version, environment, tags, ..Server::default() })
}

fn read_cmf_tags(table: &Table, out: &mut Imported) {
    let name_column = table.column(&["Name"]);
    if !require_columns(table, &[("Name", name_column)], "Cloud Migration Factory tag file", out) {
        return;
    }
    let tag_columns = table.other_columns(&[name_column.unwrap_or(usize::MAX)]);
    // Servers already in the batch (from an intake form of the same import), by name and FQDN.
    let mut known: HashMap<String, usize> = HashMap::new();
    for (position, server) in out.batch.servers.iter().enumerate() {
        known.entry(name_key(&server.value.name)).or_insert(position);
        if let Some(fqdn) = &server.value.fqdn {
            known.entry(name_key(fqdn)).or_insert(position);
        }
    }
    for row in &table.rows {
        let mut cells = table.cells(row, &mut out.diagnostics);
        let Some(name) = cells.text(name_column) else {
            cells.error(name_column, "Name is empty: the tags name no server");
            continue;
        };
        let mut tags = cells.tags_from(&tag_columns);
        let origin = cells.origin();
        match known.get(&name_key(&name)) {
            Some(&position) => out.batch.servers[position].value.tags.append(&mut tags),
            None => {
                known.insert(name_key(&name), out.batch.servers.len());
                out.batch.servers.push(Located { value: Server { name, tags, ..Server::default() }, origin });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_csv_table;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/aws");
    /// The Cloud Migration Factory's files among the reference exports.
    const REFERENCE: &str = "aws-cloud-migration-factory";

    fn fixture(name: &str) -> Table {
        let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture exists");
        read_csv_table(name, &bytes, 0).expect("fixture reads")
    }

    /// Reads tables the way an import does: each detected, then read per format.
    fn import(tables: &[&Table]) -> Imported {
        let mut out = Imported::default();
        for format in [CMF_TAGS_FORMAT, CMF_FORMAT, MIGRATION_HUB_FORMAT] {
            let of_format: Vec<&Table> = tables.iter().copied().filter(|t| detect_table(t) == Some(format)).collect();
            if !of_format.is_empty() {
                read_tables(format, &of_format, &mut out);
            }
        }
        out
    }

    fn messages(imported: &Imported) -> Vec<String> {
        imported.diagnostics.iter().map(ToString::to_string).collect()
    }

    fn server<'a>(imported: &'a Imported, name: &str) -> &'a Server {
        &imported.batch.servers.iter().find(|s| s.value.name == name).unwrap_or_else(|| panic!("server {name}")).value
    }

    fn application<'a>(imported: &'a Imported, name: &str) -> &'a Application {
        &imported
            .batch
            .applications
            .iter()
            .find(|a| a.value.name == name)
            .unwrap_or_else(|| panic!("application {name}"))
            .value
    }

    fn tag<'a>(tags: &'a Tags, key: &str) -> Option<&'a str> {
        tags.get(key).map(String::as_str)
    }

    fn members(imported: &Imported) -> Vec<(String, String)> {
        imported.batch.members.iter().map(|m| (m.value.application.name.clone(), m.value.member.name.clone())).collect()
    }

    fn pins(imported: &Imported) -> Vec<(String, u32)> {
        imported
            .batch
            .constraints
            .iter()
            .filter_map(|c| match &c.value.0 {
                ConstraintRecord::PinWave(app, wave) => Some((app.name.clone(), *wave)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn wave_numbers_are_read_only_from_names_that_state_them() {
        assert_eq!(wave_number("1"), Some(1));
        assert_eq!(wave_number("Wave 3"), Some(3));
        assert_eq!(wave_number(" wave-12 "), Some(12));
        assert_eq!(wave_number("WAVE_03"), Some(3));
        assert_eq!(wave_number("Unittest Wave 1"), None);
        assert_eq!(wave_number("Wave 1-NEW"), None);
        assert_eq!(wave_number("0"), None);
        assert_eq!(wave_number("Wave"), None);
        assert_eq!(wave_number("pilot"), None);
    }

    #[test]
    fn reads_the_migration_hub_template_with_quoted_lists_and_tags() {
        let table = fixture("migration-hub.csv");
        assert_eq!(detect_table(&table), Some(MIGRATION_HUB_FORMAT));
        let imported = import(&[&table]);
        assert_eq!(
            messages(&imported),
            [
                "migration-hub.csv:5:32: warning: server 'pay-batch01' is in wave '3' but application 'payments' was given wave '2' at line 3: the application is pinned to no wave"
            ]
        );
        let names: Vec<&str> = imported.batch.servers.iter().map(|s| s.value.name.as_str()).collect();
        assert_eq!(names, ["crm-web01.corp.example", "pay-app01", "crm-db01", "pay-batch01", "10.40.0.9", "vm-4711"]);

        let web = server(&imported, "crm-web01.corp.example");
        assert_eq!(web.fqdn.as_deref(), Some("crm-web01.corp.example"));
        assert_eq!(web.ip_addresses, ["10.40.0.11", "10.40.1.11"]);
        assert_eq!(web.mac_addresses, ["00:50:56:01:00:11", "00:50:56:01:01:11"]);
        assert_eq!((web.cores, web.memory_gb), (Some(4), Some(8.0)));
        assert_eq!(web.os_family, Some(OsFamily::Linux));
        assert_eq!(web.kind, Some(ServerKind::VirtualMachine));
        assert_eq!(tag(&web.tags, "external_id"), Some("crm-web01-ext"));
        assert_eq!(tag(&web.tags, "moref"), Some("vm-1011"));
        assert_eq!(tag(&web.tags, "vcenter_id"), Some("vc-0001"));
        assert_eq!(tag(&web.tags, "owner"), Some("crm team"));
        assert_eq!(tag(&web.tags, "cost-center"), Some("4411"));
        assert_eq!(tag(&web.tags, "wave"), Some("1"));
        assert_eq!(tag(&web.tags, "CPU.UsagePct.Avg"), Some("23.5"));

        // No HostName: VMware.VMName, then ExternalId, then the first IP address name the server.
        assert_eq!(server(&imported, "crm-db01").tags.get("vm_name").map(String::as_str), Some("crm-db01"));
        let by_ip = server(&imported, "10.40.0.9");
        assert_eq!(by_ip.kind, None);
        assert_eq!(by_ip.cores, Some(2), "logical cores stand in for missing cores");
        assert_eq!(by_ip.os_family, Some(OsFamily::Windows));
        // MoRef with vCenter id is an identity on its own.
        assert_eq!(tag(&server(&imported, "vm-4711").tags, "vcenter_id"), Some("vc-0001"));

        assert_eq!(
            members(&imported),
            [
                ("crm".into(), "crm-web01.corp.example".into()),
                ("payments".into(), "pay-app01".into()),
                ("crm".into(), "crm-db01".into()),
                ("payments".into(), "pay-batch01".into()),
                ("payments".into(), "10.40.0.9".into()),
                ("shared-db".into(), "10.40.0.9".into()),
            ]
        );
        // crm agrees on wave 1; payments disagrees; shared-db's wave is a name, not a number.
        assert_eq!(pins(&imported), [("crm".to_string(), 1)]);
        assert_eq!(tag(&application(&imported, "crm").tags, "wave"), Some("1"));
        assert_eq!(tag(&application(&imported, "payments").tags, "wave"), None);
        assert_eq!(tag(&application(&imported, "shared-db").tags, "wave"), Some("pilot"));
    }

    #[test]
    fn migration_hub_columns_it_does_not_define_are_ignored() {
        let text = "HostName,ExternalId,CPU.NumberOfCores,Rack\nweb01,ext-1,2,R12\n";
        let table = read_csv_table("hub.csv", text.as_bytes(), 0).unwrap();
        assert_eq!(detect_table(&table), Some(MIGRATION_HUB_FORMAT));
        let imported = import(&[&table]);
        assert_eq!(messages(&imported), Vec::<String>::new());
        let web = server(&imported, "web01");
        assert_eq!(web.cores, Some(2));
        assert_eq!(web.tags.keys().collect::<Vec<_>>(), ["external_id"]);
    }

    #[test]
    fn migration_hub_rows_without_identity_and_bad_numbers_are_errors() {
        let table = fixture("migration-hub-bad.csv");
        assert_eq!(detect_table(&table), Some(MIGRATION_HUB_FORMAT));
        let imported = import(&[&table]);
        assert_eq!(
            messages(&imported),
            [
                "migration-hub-bad.csv:2:9: error: CPU.NumberOfCores: 'four' is not a whole number",
                "migration-hub-bad.csv:3:1: error: no identity: a row needs ExternalId, IPAddress, MACAddress, HostName, or both VMware.MoRefId and VMware.VCenterId",
                "migration-hub-bad.csv:4:1: error: no identity: VMware.MoRefId and VMware.VCenterId identify a server only together; give both, or ExternalId, IPAddress, MACAddress or HostName",
                "migration-hub-bad.csv:5:33: warning: Tags: 'urgent' is not name:value; kept as a tag without a value",
            ]
        );
        assert_eq!(imported.batch.servers.len(), 2);
    }

    #[test]
    fn reads_the_old_cmf_intake_form() {
        let table = fixture("cmf-intake-old.csv");
        assert_eq!(detect_table(&table), Some(CMF_FORMAT));
        let imported = import(&[&table]);
        assert_eq!(messages(&imported), Vec::<String>::new());
        assert_eq!(imported.batch.servers.len(), 4);
        let db = server(&imported, "hr-db01");
        assert_eq!(db.fqdn.as_deref(), Some("hr-db01.corp.example"));
        assert_eq!(db.os_family, Some(OsFamily::Linux));
        assert_eq!(db.os_version.as_deref(), Some("Red Hat Enterprise Linux 8"));
        assert_eq!(db.environment, Some(Environment::Production));
        assert_eq!(tag(&db.tags, "tier_role"), Some("db"));
        assert_eq!(tag(&db.tags, "cloudendure_projectname"), Some("hr-project"));
        assert_eq!(tag(&db.tags, "securitygroup_IDs"), Some("sg-0a01;sg-0a02"));
        assert_eq!(tag(&db.tags, "instanceType"), Some("r5.large"));
        assert_eq!(tag(&db.tags, "aws_accountid"), Some("000000000001"));
        assert_eq!(imported.batch.applications.len(), 2);
        assert_eq!(application(&imported, "hr").strategy, None);
        assert_eq!(tag(&application(&imported, "hr").tags, "cmf_wave"), Some("1"));
        assert_eq!(pins(&imported), [("hr".to_string(), 1), ("intranet".to_string(), 2)]);
        assert_eq!(members(&imported).len(), 4);
    }

    #[test]
    fn reads_the_current_cmf_intake_form_with_strategies_and_tags() {
        let table = fixture("cmf-intake-new.csv");
        assert_eq!(detect_table(&table), Some(CMF_FORMAT));
        let imported = import(&[&table]);
        assert_eq!(
            messages(&imported),
            [
                "cmf-intake-new.csv:4:11: warning: r_type: server 'shop-db01' says 'Replatform' but application 'webshop' was given 'Rehost' at line 2: the first is kept",
                "cmf-intake-new.csv:5:1: warning: server 'shop-batch01' is in wave 'Wave 4' but application 'webshop' was given wave 'Wave 3' at line 2: the first is kept",
                "cmf-intake-new.csv:6:11: warning: r_type: 'Rebuy later' is not one of rehost, replatform, refactor, repurchase, retire, retain, relocate; kept as the tag r_type",
                "cmf-intake-new.csv:7:2: warning: app_name is empty: server 'orphan01' joins no application",
            ]
        );
        let shop = application(&imported, "webshop");
        assert_eq!(shop.strategy, Some(Strategy::Rehost));
        assert_eq!(tag(&shop.tags, "cmf_wave"), Some("Wave 3"));
        let legacy = application(&imported, "legacy-fax");
        assert_eq!(legacy.strategy, None);
        assert_eq!(tag(&legacy.tags, "r_type"), Some("Rebuy later"));
        assert_eq!(tag(&legacy.tags, "cmf_wave"), Some("Pilot wave"));
        assert_eq!(application(&imported, "archive").strategy, Some(Strategy::Retire));
        assert_eq!(pins(&imported), [("webshop".to_string(), 3), ("archive".to_string(), 5)]);

        let web = server(&imported, "shop-web01");
        assert_eq!(tag(&web.tags, "CostCenter"), Some("123"));
        assert_eq!(tag(&web.tags, "BU"), Some("retail"));
        assert_eq!(tag(&web.tags, "aws_region"), Some("eu-west-1"));
        assert_eq!(web.environment, Some(Environment::Production));
        assert_eq!(web.os_family, Some(OsFamily::Windows));
        // An environment the model has no word for is kept as a tag.
        assert_eq!(tag(&server(&imported, "fax01").tags, "server_environment"), Some("sandbox"));
        assert_eq!(imported.batch.servers.len(), 7);
        assert_eq!(members(&imported).len(), 6);
    }

    #[test]
    fn cmf_tag_files_are_recognised_narrowly_and_fill_in_intake_servers() {
        let tags = fixture("cmf-tags.csv");
        assert_eq!(detect_table(&tags), Some(CMF_TAGS_FORMAT));
        let intake = fixture("cmf-intake-new.csv");
        let imported = import(&[&intake, &tags]);
        // The tag file's servers are the intake form's: no duplicate records.
        assert_eq!(imported.batch.servers.len(), 7);
        let web = server(&imported, "shop-web01");
        assert_eq!(tag(&web.tags, "Product"), Some("Webshop"));
        assert_eq!(tag(&web.tags, "CostCenter"), Some("123"));
        assert_eq!(web.fqdn.as_deref(), Some("shop-web01.corp.example"));
        // Matched by FQDN too.
        assert_eq!(tag(&server(&imported, "shop-db01").tags, "Lifecycle"), Some("PROD"));

        // The same when the intake form is read first.
        let mut reversed = Imported::default();
        read_tables(CMF_FORMAT, &[&intake], &mut reversed);
        read_tables(CMF_TAGS_FORMAT, &[&tags], &mut reversed);
        assert_eq!(reversed.batch.servers.len(), 7);
        assert_eq!(tag(&server(&reversed, "shop-db01").tags, "Lifecycle"), Some("PROD"));
        assert_eq!(tag(&server(&reversed, "shop-web01").tags, "Product"), Some("Webshop"));

        // Alone, the tag file gives name-and-tags records for merge to fold into known servers.
        let alone = import(&[&tags]);
        assert_eq!(alone.batch.servers.len(), 2);
        assert!(alone.batch.servers.iter().all(|s| is_tags_only(&s.value)));

        let has_name_only = read_csv_table("n.csv", b"Name,Owner,Product\na,b,c\n", 0).unwrap();
        assert_eq!(detect_table(&has_name_only), None);
        let intake_like = read_csv_table("i.csv", b"server_name,app_name\na,b\n", 0).unwrap();
        assert_eq!(detect_table(&intake_like), None);
        let azure_template =
            read_csv_table("a.csv", b"*Server Name,*Cores,*Memory (In MB),*OS name,OS architecture\n", 0);
        assert!(azure_template.is_err() || detect_table(&azure_template.unwrap()).is_none());
    }

    #[test]
    fn a_missing_server_name_is_an_error_at_its_cell() {
        let text = "wave_name,app_name,aws_accountid,server_name\nWave 1,crm,000000000001,\n";
        let table = read_csv_table("cmf.csv", text.as_bytes(), 0).unwrap();
        let imported = import(&[&table]);
        assert_eq!(
            messages(&imported),
            ["cmf.csv:2:4: error: server_name is empty: the row cannot be taken without a server"]
        );
        assert!(imported.batch.servers.is_empty());
    }

    fn reference_table(name: &str) -> Table {
        let bytes = crate::reference::read(&format!("{REFERENCE}/{name}"));
        read_csv_table(name, &bytes, 0).expect("reference file reads")
    }

    #[test]
    fn reads_the_reference_cmf_intake_forms() {
        for name in ["0-intake-form.csv", "0-Migration-intake-form.csv", "server-list.csv"] {
            let table = reference_table(name);
            assert_eq!(detect_table(&table), Some(CMF_FORMAT), "{name}");
            let imported = import(&[&table]);
            // The files give Server8 the FQDN of Server6.
            let warnings = messages(&imported);
            assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
            assert!(warnings[0].contains("is also the FQDN of server 'Server6'"), "{name}: {warnings:?}");
            assert!(!imported.has_errors());
            assert_eq!(imported.batch.servers.len(), 8, "{name}");
            assert_eq!(imported.batch.applications.len(), 3, "{name}");
            assert_eq!(members(&imported).len(), 8, "{name}");
            assert_eq!(
                pins(&imported),
                [("app01-hr".to_string(), 1), ("app02-sales".to_string(), 2), ("app03-sales".to_string(), 3)],
                "{name}"
            );
            let server1 = server(&imported, "Server1");
            assert_eq!(server1.os_family, Some(OsFamily::Windows));
            assert_eq!(server1.environment, Some(Environment::Development));
            assert_eq!(tag(&server1.tags, "tier_role"), Some("web"));
            assert_eq!(tag(&server1.tags, "securitygroup_IDs"), Some("sg-1111;sg-2222"));
            let strategies: Vec<Option<Strategy>> =
                imported.batch.applications.iter().map(|a| a.value.strategy).collect();
            if name == "server-list.csv" {
                assert_eq!(strategies, [Some(Strategy::Rehost); 3]);
                assert_eq!(tag(&server1.tags, "Location"), Some("US"));
                assert_eq!(tag(&application(&imported, "app03-sales").tags, "cmf_wave"), Some("Wave 3"));
            } else {
                assert_eq!(strategies, [None; 3]);
            }
            if name == "0-Migration-intake-form.csv" {
                assert_eq!(tag(&server1.tags, "cloudendure_projectname"), Some("project1"));
            }
        }
    }

    #[test]
    fn reads_the_reference_cmf_test_files_csv_with_bom_and_xlsx() {
        let table = reference_table("test_valid.csv");
        assert_eq!(table.headers[0], "server_name", "the byte-order mark is not part of the header");
        assert_eq!(detect_table(&table), Some(CMF_FORMAT));
        let imported = import(&[&table]);
        assert_eq!(messages(&imported), Vec::<String>::new());
        let unittest = server(&imported, "unittest1");
        assert_eq!(unittest.os_family, Some(OsFamily::Linux));
        assert_eq!(tag(&unittest.tags, "testkey"), Some("testvalue"));
        let app = application(&imported, "Unit testing App 1");
        assert_eq!(app.strategy, Some(Strategy::Rehost));
        assert_eq!(tag(&app.tags, "cmf_wave"), Some("Unittest Wave 1"));
        assert_eq!(pins(&imported), [], "a wave name that states no number pins nothing");

        let bytes = crate::reference::read(&format!("{REFERENCE}/test_valid.xlsx"));
        let workbook = crate::xlsx::read_workbook("test_valid.xlsx", &bytes).unwrap();
        assert_eq!(detect_workbook(&workbook), Some(CMF_FORMAT));
        let mut out = Imported::default();
        read_workbook(CMF_FORMAT, &workbook, &mut out);
        assert_eq!(messages(&out), Vec::<String>::new());
        assert_eq!(out.batch.servers.len(), 1);
        assert_eq!(out.batch.servers[0].value.name, "unittest1-NEW");
        assert_eq!(out.batch.servers[0].origin, Origin::in_sheet("test_valid.xlsx", "test_valid", 2));
        assert_eq!(tag(&out.batch.servers[0].value.tags, "aws_accountid"), Some("123456789012"));
        let app = &out.batch.applications[0].value;
        assert_eq!((app.name.as_str(), app.strategy), ("Unit testing App 1-NEW", Some(Strategy::Rehost)));
        assert_eq!(pins(&out), []);
    }

    #[test]
    fn reads_the_reference_cmf_tag_file_alone_and_with_its_intake_form() {
        let tags = reference_table("0-import-tags.csv");
        assert_eq!(detect_table(&tags), Some(CMF_TAGS_FORMAT));
        let alone = import(&[&tags]);
        assert_eq!(messages(&alone), Vec::<String>::new());
        assert_eq!(alone.batch.servers.len(), 2);
        assert_eq!(tag(&server(&alone, "Server2").tags, "Last Patch Date"), Some("10/29/2019 19:23"));

        let intake = reference_table("server-list.csv");
        let together = import(&[&intake, &tags]);
        assert_eq!(together.batch.servers.len(), 8);
        let server1 = server(&together, "Server1");
        assert_eq!(tag(&server1.tags, "ServerRole"), Some("Application Server"));
        assert_eq!(tag(&server1.tags, "CostCenter"), Some("123"));
        assert_eq!(server1.fqdn.as_deref(), Some("server1.example.local"));
    }
}

#[cfg(test)]
mod detection_tests {
    use crate::table::read_csv_table;
    use crate::{aws, azure};

    /// Which of this module's and the Azure module's formats claim each
    /// reference file: only the files of these formats, each by one format.
    #[test]
    fn reference_files_of_other_formats_are_not_claimed() {
        let root = crate::reference::root();
        let mut files = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            let entries = std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() { folders.push(path) } else { files.push(path) }
            }
        }
        assert!(!files.is_empty(), "reference folder {} holds no files", root.display());
        files.sort();
        let mut claims = Vec::new();
        for path in &files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let bytes = std::fs::read(path).unwrap();
            let found: Vec<&str> = if name.ends_with(".xlsx") {
                let Ok(workbook) = crate::xlsx::read_workbook(&name, &bytes) else { continue };
                [aws::detect_workbook(&workbook), azure::detect_workbook(&workbook)].into_iter().flatten().collect()
            } else {
                let Ok(table) = read_csv_table(&name, &bytes, 0) else { continue };
                [aws::detect_table(&table), azure::detect_table(&table)].into_iter().flatten().collect()
            };
            if !found.is_empty() {
                claims.push(format!("{name}: {}", found.join(", ")));
            }
        }
        assert_eq!(
            claims,
            [
                "0-Migration-intake-form.csv: cmf",
                "0-import-tags.csv: cmf-tags",
                "0-intake-form.csv: cmf",
                "server-list.csv: cmf",
                "test_valid.csv: cmf",
                "test_valid.xlsx: cmf",
                "azure-migrate-export-discovery-report.xlsx: azure-migrate-export",
            ]
        );
    }
}
