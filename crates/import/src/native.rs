//! The native CSV format (`docs/native-format.md`): servers, devices,
//! applications, data stores, members, dependencies and constraints.
//!
//! Reads bytes, returns records and diagnostics; never fails, never panics.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use csv::StringRecord;
use waveplan_core::merge::{
    Batch, ConstraintRecord, DataStoreRecord, DependencyRecord, Located, MemberRecord, NameRef, RefKind,
};
use waveplan_core::{
    AppRole, Application, DataStore, DataStoreKind, DependencyKind, Diagnostic, DrPosture, Environment,
    MaintenanceWindow, MigrationMethod, Origin, OsFamily, PowerState, Protocol, Server, ServerKind, Strategy, Tags,
    Tier,
};

pub use crate::table::header_key;
use crate::table::{LineCounter, check_line_lengths, header_list};
use crate::text;

pub use waveplan_core::native_format::NativeTable as Table;

/// Recognises a native table from header names alone.
pub fn table_from_headers(headers: &[String]) -> Option<Table> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    Table::from_headers(|column| keys.contains(&header_key(column)))
}

/// One input file.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The name the user knows the file by, used in diagnostics.
    pub name: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// What an import read: records to merge and what was wrong with them.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    /// The records.
    pub batch: Batch,
    /// Problems found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Imported {
    /// Whether any diagnostic is an error (the import must not be saved).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads files of the native format. The table of each file is recognised by
/// its name or, failing that, its header row.
pub fn read_native(inputs: &[Input<'_>]) -> Imported {
    let mut imported = Imported::default();
    for input in inputs {
        read_file(input, None, &mut imported);
    }
    imported
}

/// Reads one file of a known table.
pub fn read_table(input: &Input<'_>, table: Table) -> Imported {
    let mut imported = Imported::default();
    read_file(input, Some(table), &mut imported);
    imported
}

fn read_file(input: &Input<'_>, table: Option<Table>, imported: &mut Imported) {
    let file_origin = Origin::new(input.name, 1);
    let text = match text::decode(input.bytes) {
        Ok(text) => text,
        Err(error) => {
            imported.diagnostics.push(Diagnostic::error_at(&file_origin, Some(1), error.to_string()));
            return;
        }
    };
    if let Err(error) = check_line_lengths(input.name, &text) {
        imported.diagnostics.push(error);
        return;
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text.as_bytes());
    let header_record = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            imported.diagnostics.push(Diagnostic::error_at(
                &file_origin,
                Some(1),
                format!("cannot read the header row: {error}"),
            ));
            return;
        }
    };
    let mut headers: HashMap<String, usize> = HashMap::new();
    for (i, name) in header_record.iter().enumerate() {
        let key = header_key(name);
        if key.is_empty() {
            continue;
        }
        if headers.insert(key, i).is_some() {
            imported.diagnostics.push(Diagnostic::error_at(
                &file_origin,
                Some(i as u64 + 1),
                format!("column '{}' appears twice in the header", name.trim()),
            ));
        }
    }
    let Some(table) = table
        .or_else(|| Table::from_file_name(input.name))
        .or_else(|| Table::from_headers(|column| headers.contains_key(&header_key(column))))
    else {
        imported.diagnostics.push(Diagnostic::error_at(
            &file_origin,
            Some(1),
            "cannot tell which native table this file holds: name it servers.csv, devices.csv, applications.csv, datastores.csv, members.csv, dependencies.csv or constraints.csv, or give it a 'name' column",
        ));
        return;
    };
    let missing: Vec<&str> =
        table.required().iter().copied().filter(|c| !headers.contains_key(&header_key(c))).collect();
    if !missing.is_empty() {
        let found = header_list(header_record.iter().map(str::trim));
        imported.diagnostics.push(Diagnostic::error_at(
            &file_origin,
            Some(1),
            format!(
                "missing required column{} '{}' for {} (the header has: {})",
                if missing.len() > 1 { "s" } else { "" },
                missing.join("', '"),
                table.file_name(),
                found
            ),
        ));
        return;
    }
    let known: Vec<String> = table.columns().iter().map(|c| header_key(c)).collect();
    let extra: Vec<(usize, String)> = header_record
        .iter()
        .enumerate()
        .filter(|(_, name)| !header_key(name).is_empty() && !known.contains(&header_key(name)))
        .map(|(i, name)| (i, name.trim().to_string()))
        .collect();
    // Positions of the table's own columns, looked up once per file rather
    // than once per field.
    let known = table.columns().iter().filter_map(|&c| headers.get(&header_key(c)).map(|&i| (c, i))).collect();
    let columns = Columns { known, extra, width: header_record.len() };

    let mut record = StringRecord::new();
    let mut rows = 0usize;
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, |p| lines.line_at(p.byte()));
                imported.diagnostics.push(Diagnostic::error_at(
                    &Origin::new(input.name, line),
                    None,
                    format!("malformed CSV: {error}"),
                ));
                return;
            }
        }
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        rows += 1;
        let origin = Origin::new(input.name, record.position().map_or(0, |p| lines.line_at(p.byte())));
        let mut row = Row { record: &record, columns: &columns, origin, diagnostics: &mut imported.diagnostics };
        if record.len() > columns.width {
            let origin = row.origin.clone();
            row.diagnostics.push(Diagnostic::warning_at(
                &origin,
                Some(columns.width as u64 + 1),
                format!(
                    "row has {} fields but the header has {}: the extra fields are ignored",
                    record.len(),
                    columns.width
                ),
            ));
        }
        read_row(table, &mut row, &mut imported.batch);
    }
    if rows == 0 {
        imported.diagnostics.push(Diagnostic::warning_at(
            &file_origin,
            Some(1),
            format!("{} has a header but no rows", table.file_name()),
        ));
    }
}

struct Columns {
    /// Canonical column name (from [`Table::columns`]) to its position.
    known: Vec<(&'static str, usize)>,
    extra: Vec<(usize, String)>,
    width: usize,
}

/// One row being read, with a place to put what is wrong with it.
struct Row<'a> {
    record: &'a StringRecord,
    columns: &'a Columns,
    origin: Origin,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Row<'_> {
    fn position(&self, column: &str) -> Option<usize> {
        self.columns.known.iter().find(|(name, _)| *name == column).map(|&(_, i)| i)
    }

    fn column(&self, column: &str) -> Option<u64> {
        self.position(column).map(|i| i as u64 + 1)
    }

    /// The trimmed text of a column, `None` when absent or empty. A leading
    /// `'` in front of `=`, `+`, `-` or `@` is the spreadsheet's guard against
    /// formulas (our own exports write it): the value is what follows.
    fn text(&self, column: &str) -> Option<String> {
        let value = self.record.get(self.position(column)?)?.trim();
        let value = match value.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
            _ => value,
        };
        (!value.is_empty()).then(|| value.to_string())
    }

    fn error(&mut self, column: &str, message: String) {
        let at = self.column(column);
        self.diagnostics.push(Diagnostic::error_at(&self.origin, at, message));
    }

    /// A required text; an error when empty.
    fn required(&mut self, column: &str) -> Option<String> {
        let value = self.text(column);
        if value.is_none() {
            self.error(column, format!("{column} is empty"));
        }
        value
    }

    fn parsed<T>(&mut self, column: &str, what: &str, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        let text = self.text(column)?;
        let value = parse(&text);
        if value.is_none() {
            self.error(column, format!("{column}: '{text}' is not {what}"));
        }
        value
    }

    fn number<T: FromStr>(&mut self, column: &str, what: &str) -> Option<T> {
        self.parsed(column, what, |t| if t.contains(',') { t.replace(',', "").parse().ok() } else { t.parse().ok() })
    }

    fn decimal(&mut self, column: &str) -> Option<f64> {
        let value = self.parsed(column, "a number", |t| {
            let value: Option<f64> = if t.contains(',') { t.replace(',', "").parse().ok() } else { t.parse().ok() };
            value.filter(|v| v.is_finite() && *v >= 0.0)
        })?;
        self.plausible(column, value, waveplan_core::plausible::check_size(column, value))
    }

    /// `value`, or an error at its column when it is outside its plausible range.
    fn plausible<T>(&mut self, column: &str, value: T, checked: Result<(), String>) -> Option<T> {
        match checked {
            Ok(()) => Some(value),
            Err(refusal) => {
                self.error(column, refusal);
                None
            }
        }
    }

    fn vocabulary<T>(&mut self, column: &str, parse: fn(&str) -> Option<T>, expected: String) -> Option<T> {
        let text = self.text(column)?;
        let value = parse(&text);
        if value.is_none() {
            self.error(column, format!("{column}: '{text}' is not one of {expected}"));
        }
        value
    }

    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let date = self.parsed(column, "a date (YYYY-MM-DD)", |t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())?;
        self.plausible(column, date, waveplan_core::plausible::check_date(column, date))
    }

    fn boolean(&mut self, column: &str) -> Option<bool> {
        self.parsed(column, "yes or no", |t| match t.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" => Some(true),
            "no" | "n" | "false" | "0" => Some(false),
            _ => None,
        })
    }

    fn minutes(&mut self, column: &str) -> Option<u32> {
        let minutes = self.parsed(column, "a duration such as 15m, 4h or 1d", parse_duration_minutes)?;
        self.plausible(column, minutes, waveplan_core::plausible::check_recovery_minutes(column, minutes))
    }

    fn list(&self, column: &str) -> Vec<String> {
        self.text(column)
            .map(|t| t.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default()
    }

    /// The `tags` column and every column the table does not know.
    fn tags(&mut self) -> Tags {
        let mut tags = Tags::new();
        if let Some(text) = self.text("tags") {
            for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some((k, v)) if !k.trim().is_empty() => {
                        tags.insert(k.trim().to_string(), v.trim().to_string());
                    }
                    _ => {
                        tags.insert(pair.to_string(), String::new());
                    }
                }
            }
        }
        for (i, name) in &self.columns.extra {
            if let Some(value) = self.record.get(*i).map(str::trim).filter(|v| !v.is_empty()) {
                tags.insert(name.clone(), value.to_string());
            }
        }
        tags
    }

    fn name_ref(&mut self, column: &str, kind_column: Option<&str>) -> Option<NameRef> {
        let name = self.required(column)?;
        let kind = kind_column.and_then(|k| {
            self.parsed(k, "one of server, application, datastore, external", |t| match header_key(t).as_str() {
                "server" | "device" => Some(RefKind::Server),
                "application" | "app" => Some(RefKind::Application),
                "datastore" | "database" => Some(RefKind::DataStore),
                "external" => Some(RefKind::External),
                _ => None,
            })
        });
        Some(NameRef { name, kind, column: self.column(column) })
    }
}

/// `15m`, `4h`, `2d`, `90` (minutes), `1.5h`.
pub fn parse_duration_minutes(text: &str) -> Option<u32> {
    let text = text.trim().to_lowercase();
    let (number, factor) = if let Some(n) = text.strip_suffix("min").or_else(|| text.strip_suffix('m')) {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("hours").or_else(|| text.strip_suffix("h")) {
        (n, 60.0)
    } else if let Some(n) = text.strip_suffix("days").or_else(|| text.strip_suffix('d')) {
        (n, 1440.0)
    } else {
        (text.as_str(), 1.0)
    };
    let value: f64 = number.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0 && value * factor <= f64::from(u32::MAX))
        .then(|| (value * factor).round() as u32)
}

fn read_server(row: &mut Row<'_>, device: bool) -> Option<Server> {
    let name = row.required("name");
    let mut server = Server {
        name: name.clone().unwrap_or_default(),
        fqdn: row.text("fqdn"),
        ip_addresses: row.list("ip_addresses"),
        mac_addresses: row.list("mac_addresses"),
        os_family: row.vocabulary("os_family", OsFamily::parse, OsFamily::expected()),
        os_name: row.text("os_name"),
        os_version: row.text("os_version"),
        cores: row
            .number("cores", "a whole number")
            .and_then(|cores| row.plausible("cores", cores, waveplan_core::plausible::check_cores(cores))),
        memory_gb: row.decimal("memory_gb"),
        disk_provisioned_gb: row.decimal("disk_provisioned_gb"),
        disk_used_gb: row.decimal("disk_used_gb"),
        environment: row.vocabulary("environment", Environment::parse, Environment::expected()),
        site: row.text("site"),
        datacenter: row.text("datacenter"),
        cluster: row.text("cluster"),
        power_state: row.vocabulary("power_state", PowerState::parse, PowerState::expected()),
        kind: row.vocabulary("kind", ServerKind::parse, ServerKind::expected()),
        device_class: row.text("device_class"),
        tags: row.tags(),
        provenance: Default::default(),
    };
    if device {
        server.kind = Some(ServerKind::Device);
    }
    name.map(|_| server)
}

fn read_row(table: Table, row: &mut Row<'_>, batch: &mut Batch) {
    let origin = row.origin.clone();
    match table {
        Table::Servers | Table::Devices => {
            if let Some(server) = read_server(row, table == Table::Devices) {
                batch.servers.push(Located { value: server, origin });
            }
        }
        Table::Applications => {
            let name = row.required("name");
            let window = row.text("maintenance_window").and_then(|text| match MaintenanceWindow::parse(&text) {
                Ok(window) => Some(window),
                Err(message) => {
                    row.error("maintenance_window", format!("maintenance_window: {message}"));
                    None
                }
            });
            let app = Application {
                name: name.clone().unwrap_or_default(),
                owner: row.text("owner"),
                business_unit: row.text("business_unit"),
                tier: row.vocabulary("tier", Tier::parse, Tier::expected()),
                rto_minutes: row.minutes("rto"),
                rpo_minutes: row.minutes("rpo"),
                strategy: row.vocabulary("strategy", Strategy::parse, Strategy::expected()),
                compliance: row.list("compliance"),
                maintenance_window: window,
                dr_current: row.vocabulary("dr_current", DrPosture::parse, DrPosture::expected()),
                dr_target: row.vocabulary("dr_target", DrPosture::parse, DrPosture::expected()),
                environment: row.vocabulary("environment", Environment::parse, Environment::expected()),
                copy_of: row.text("copy_of"),
                role: row.vocabulary("role", AppRole::parse, AppRole::expected()),
                tags: row.tags(),
                ..Application::default()
            };
            if name.is_some() {
                batch.applications.push(Located { value: app, origin });
            }
        }
        Table::DataStores => {
            let name = row.required("name");
            let server_column = row.column("server");
            let datastore = DataStore {
                name: name.clone().unwrap_or_default(),
                kind: row.vocabulary("kind", DataStoreKind::parse, DataStoreKind::expected()),
                engine: row.text("engine"),
                size_gb: row.decimal("size_gb"),
                change_gb_per_day: row.decimal("change_gb_per_day"),
                server: None,
                method: row.vocabulary("migration_method", MigrationMethod::parse, MigrationMethod::expected()),
                tags: row.tags(),
                provenance: Default::default(),
            };
            let server =
                row.text("server").map(|name| NameRef { name, kind: Some(RefKind::Server), column: server_column });
            if name.is_some() {
                batch.datastores.push(Located { value: DataStoreRecord { datastore, server }, origin });
            }
        }
        Table::Members => {
            let application = row.name_ref("application", None);
            let member = row.name_ref("member", None);
            if let (Some(application), Some(member)) = (application, member) {
                batch.members.push(Located { value: MemberRecord { application, member }, origin });
            }
        }
        Table::Dependencies => {
            let from = row.name_ref("from", Some("from_kind"));
            let to = row.name_ref("to", Some("to_kind"));
            let record = DependencyRecord {
                from: from.clone().unwrap_or(NameRef { name: String::new(), kind: None, column: None }),
                to: to.clone().unwrap_or(NameRef { name: String::new(), kind: None, column: None }),
                port: row.number("port", "a port number (0-65535)"),
                protocol: row.vocabulary("protocol", Protocol::parse, Protocol::expected()).unwrap_or(Protocol::Tcp),
                kind: row
                    .vocabulary("kind", DependencyKind::parse, DependencyKind::expected())
                    .unwrap_or(DependencyKind::Declared),
                weight: row.decimal("weight").unwrap_or(1.0),
                latency_sensitive: row.boolean("latency_sensitive").unwrap_or(false),
                infrastructure: row.text("infrastructure"),
                first_seen: row.date("first_seen"),
                last_seen: row.date("last_seen"),
            };
            let source = row.text("source").unwrap_or_else(|| origin.file.clone());
            if from.is_some() && to.is_some() {
                batch.dependencies.push(Located { value: (record, source), origin });
            }
        }
        Table::Constraints => {
            if let Some(constraint) = read_constraint(row) {
                let reason = row.text("reason");
                batch.constraints.push(Located { value: (constraint, reason), origin });
            }
        }
    }
}

fn read_constraint(row: &mut Row<'_>) -> Option<ConstraintRecord> {
    let kind = row.required("kind")?;
    let application = row.name_ref("application", None)?;
    let other = |row: &mut Row<'_>| {
        let other = row.text("other");
        if other.is_none() {
            row.error("other", format!("other: a '{kind}' constraint needs the second application here"));
        }
        other.map(|name| NameRef { name, kind: Some(RefKind::Application), column: row.column("other") })
    };
    let needs_value = |row: &mut Row<'_>, what: &str| {
        let value = row.text("value");
        if value.is_none() {
            let message = format!("value: a '{}' constraint needs {what} here", row.text("kind").unwrap_or_default());
            row.error("value", message);
        }
        value
    };
    match header_key(&kind).as_str() {
        "movetogether" | "together" => {
            let column = application.column;
            let names = application.name.split(';').map(str::trim).filter(|n| !n.is_empty());
            let mut apps: Vec<NameRef> = names
                .map(|name| NameRef { name: name.to_string(), kind: Some(RefKind::Application), column })
                .collect();
            if let Some(other) = row.text("other") {
                apps.push(NameRef { name: other, kind: Some(RefKind::Application), column: row.column("other") });
            }
            if apps.len() < 2 {
                row.error(
                    "application",
                    "application: a 'move-together' constraint needs two or more applications, separated by ';'".into(),
                );
                return None;
            }
            Some(ConstraintRecord::MoveTogether(apps))
        }
        "keepapart" | "apart" => other(row).map(|b| ConstraintRecord::KeepApart(application, b)),
        "before" => other(row).map(|b| ConstraintRecord::Before(application, b)),
        "pinwave" | "pin" => {
            needs_value(row, "the wave number")?;
            row.number::<u32>("value", "a wave number (1 for the first)")
                .and_then(|wave| row.plausible("value", wave, waveplan_core::plausible::check_wave("pin-wave", wave)))
                .map(|wave| ConstraintRecord::PinWave(application, wave))
        }
        "notbefore" => {
            needs_value(row, "a date")?;
            row.date("value").map(|d| ConstraintRecord::NotBefore(application, d))
        }
        "notafter" => {
            needs_value(row, "a date")?;
            row.date("value").map(|d| ConstraintRecord::NotAfter(application, d))
        }
        _ => {
            row.error(
                "kind",
                format!(
                    "kind: '{kind}' is not one of move-together, keep-apart, before, pin-wave, not-before, not-after"
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use waveplan_core::Severity;

    fn read(name: &str, text: &str) -> Imported {
        read_native(&[Input { name, bytes: text.as_bytes() }])
    }

    fn messages(imported: &Imported) -> Vec<String> {
        imported.diagnostics.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn reads_servers_with_any_header_spelling_and_keeps_extra_columns_as_tags() {
        let imported = read(
            "servers.csv",
            "\u{feff}*Name ,IP Addresses,CORES,Memory-GB,Environment,Rack\r\nweb01,10.0.0.1;10.0.0.2,4,16.5,prod,R12\r\n",
        );
        assert_eq!(messages(&imported), Vec::<String>::new());
        let server = &imported.batch.servers[0].value;
        assert_eq!(server.name, "web01");
        assert_eq!(server.ip_addresses, ["10.0.0.1", "10.0.0.2"]);
        assert_eq!((server.cores, server.memory_gb), (Some(4), Some(16.5)));
        assert_eq!(server.environment, Some(Environment::Production));
        assert_eq!(server.tags.get("Rack").map(String::as_str), Some("R12"));
        assert_eq!(imported.batch.servers[0].origin, Origin::new("servers.csv", 2));
    }

    #[test]
    fn bad_values_name_file_line_and_column() {
        let imported = read("servers.csv", "name,cores,environment\nweb01,four,prod\nweb02,2,moon\n,2,prod\n");
        assert_eq!(
            messages(&imported),
            [
                "servers.csv:2:2: error: cores: 'four' is not a whole number",
                "servers.csv:3:3: error: environment: 'moon' is not one of production, staging, test, development, dr",
                "servers.csv:4:1: error: name is empty",
            ]
        );
    }

    #[test]
    fn missing_required_column_empty_and_binary_files_are_errors() {
        let imported = read("dependencies.csv", "source,port\na,1\n");
        assert_eq!(
            messages(&imported),
            [
                "dependencies.csv:1:1: error: missing required columns 'from', 'to' for dependencies.csv (the header has: source, port)"
            ]
        );
        assert_eq!(messages(&read("servers.csv", "")), ["servers.csv:1:1: error: the file is empty"]);
        let binary = read_native(&[Input { name: "servers.csv", bytes: b"PK\x03\x04\x14\x00" }]);
        assert!(binary.has_errors());
        assert!(messages(&binary)[0].contains("looks like a zip archive or an Excel workbook"));
    }

    #[test]
    fn reads_dependencies_and_constraints() {
        let deps = read(
            "dependencies.csv",
            "from,to,to_kind,port,protocol,kind,weight,latency_sensitive,first_seen\nweb01,db01,,1433,tcp,observed,12000,yes,2026-10-01\nweb01,api.example.com,external,443,,,,,\n",
        );
        assert!(deps.diagnostics.is_empty(), "{:?}", messages(&deps));
        let (first, source) = &deps.batch.dependencies[0].value;
        assert_eq!((first.port, first.weight, first.latency_sensitive), (Some(1433), 12000.0, true));
        assert_eq!(source, "dependencies.csv");
        assert_eq!(deps.batch.dependencies[1].value.0.to.kind, Some(RefKind::External));

        let constraints = read(
            "constraints.csv",
            "kind,application,other,value,reason\nkeep-apart,EHR,PACS,,risk\npin-wave,Intranet,,2,\nnot-before,Billing,,2027-07-01,fiscal year end\nmove-together,RIS;Dictation,,,\nbefore,EHR,,,\n",
        );
        assert_eq!(
            messages(&constraints),
            ["constraints.csv:6:3: error: other: a 'before' constraint needs the second application here"]
        );
        assert_eq!(constraints.batch.constraints.len(), 4);
        assert!(
            matches!(&constraints.batch.constraints[3].value.0, ConstraintRecord::MoveTogether(apps) if apps.len() == 2)
        );
    }

    #[test]
    fn unknown_table_and_ragged_rows() {
        let imported = read("stuff.csv", "colour,size\nred,2\n");
        assert!(messages(&imported)[0].starts_with("stuff.csv:1:1: error: cannot tell which native table"));
        let ragged = read("servers.csv", "name,cores\nweb01,2,extra\n");
        assert_eq!(ragged.diagnostics[0].severity, Severity::Warning);
        assert_eq!(ragged.diagnostics[0].column, Some(3));
        assert_eq!(ragged.batch.servers.len(), 1);
    }

    #[test]
    fn formula_guards_are_taken_off() {
        let imported = read("servers.csv", "name,os_name\n'=web01,'-x\n'plain,ok\n");
        let names: Vec<&str> = imported.batch.servers.iter().map(|s| s.value.name.as_str()).collect();
        assert_eq!(names, ["=web01", "'plain"]);
        assert_eq!(imported.batch.servers[0].value.os_name.as_deref(), Some("-x"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_minutes("15m"), Some(15));
        assert_eq!(parse_duration_minutes("4h"), Some(240));
        assert_eq!(parse_duration_minutes("1.5h"), Some(90));
        assert_eq!(parse_duration_minutes("2d"), Some(2880));
        assert_eq!(parse_duration_minutes("90"), Some(90));
        assert_eq!(parse_duration_minutes("soon"), None);
        assert_eq!(parse_duration_minutes("-3h"), None);
    }
}
