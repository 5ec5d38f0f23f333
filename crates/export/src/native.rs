//! An estate in Waveplan's native CSV format (`docs/native-format.md`): the
//! tables an import reads back, one table per call.
//!
//! Rows stream into the writer the caller hands over, through the csv
//! crate's buffer; no table is ever held whole in memory, so a million
//! dependencies cost no more than a thousand. References are written by name
//! (dependencies also say the kind of each end, so that a name shared by a
//! server and a data store still resolves to the right record). Text cells
//! are neutralised against formula injection like every CSV this crate
//! writes, so a name that begins with `=`, `+`, `-` or `@` comes back with a
//! leading `'`. This module must not open files or choose names for them.

use std::fmt::{Display, Write as _};
use std::io::Write;

use waveplan_core::{Constraint, Endpoint, Estate, MaintenanceWindow, Server, Tags};

use crate::ExportError;
use crate::table::neutralize;

pub use waveplan_core::native_format::NativeTable;

/// Writes one table of `estate` in the native format: the header row, then a
/// row per record. A table with nothing in it is just its header.
///
/// References that point outside the estate (a corrupt id) are written as
/// empty cells rather than failing, so the import names the problem.
pub fn write_native(estate: &Estate, table: NativeTable, out: impl Write) -> Result<(), ExportError> {
    let mut writer = RowWriter::new(out);
    writer.header(table.columns())?;
    match table {
        NativeTable::Servers => write_servers(&mut writer, estate, false)?,
        NativeTable::Devices => write_servers(&mut writer, estate, true)?,
        NativeTable::Applications => write_applications(&mut writer, estate)?,
        NativeTable::DataStores => write_datastores(&mut writer, estate)?,
        NativeTable::Members => write_members(&mut writer, estate)?,
        NativeTable::Dependencies => write_dependencies(&mut writer, estate)?,
        NativeTable::Constraints => write_constraints(&mut writer, estate)?,
    }
    writer.finish()
}

/// A duration as the format writes it: whole hours as `4h`, the rest as `90m`.
pub fn format_duration_minutes(minutes: u32) -> String {
    if minutes > 0 && minutes.is_multiple_of(60) { format!("{}h", minutes / 60) } else { format!("{minutes}m") }
}

/// A maintenance window as the format writes it (`Sun 01:00-05:00`,
/// `Sat-Sun 22:00-06:00`); empty when it has no days, which the format
/// cannot express.
pub fn format_maintenance_window(window: &MaintenanceWindow) -> String {
    if window.days.is_empty() { String::new() } else { window.to_string() }
}

/// Cell-by-cell CSV output: no row is collected before it is written.
struct RowWriter<W: Write> {
    csv: csv::Writer<W>,
    /// Reused for numbers and joined lists, to spare an allocation per cell.
    scratch: String,
}

impl<W: Write> RowWriter<W> {
    fn new(out: W) -> RowWriter<W> {
        let csv = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
        RowWriter { csv, scratch: String::new() }
    }

    fn header(&mut self, columns: &[&str]) -> Result<(), ExportError> {
        self.csv.write_record(columns)?;
        Ok(())
    }

    /// Text that came from an inventory: neutralised before it is written.
    fn text(&mut self, value: &str) -> Result<(), ExportError> {
        self.csv.write_field(neutralize(value).as_bytes())?;
        Ok(())
    }

    fn optional_text(&mut self, value: Option<&str>) -> Result<(), ExportError> {
        self.text(value.unwrap_or(""))
    }

    /// A value of the format's own vocabulary, a number or a date.
    fn value(&mut self, value: impl Display) -> Result<(), ExportError> {
        self.scratch.clear();
        // Writing into a String cannot fail.
        let _ = write!(self.scratch, "{value}");
        self.csv.write_field(self.scratch.as_bytes())?;
        Ok(())
    }

    fn optional_value<T: Display>(&mut self, value: Option<T>) -> Result<(), ExportError> {
        match value {
            Some(value) => self.value(value),
            None => self.empty(),
        }
    }

    /// A decimal; NaN and infinities are written as unknown.
    fn decimal(&mut self, value: Option<f64>) -> Result<(), ExportError> {
        self.optional_value(value.filter(|v| v.is_finite()))
    }

    fn empty(&mut self) -> Result<(), ExportError> {
        self.csv.write_field([])?;
        Ok(())
    }

    /// A `;`-separated list.
    fn list(&mut self, items: &[String]) -> Result<(), ExportError> {
        self.scratch.clear();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.scratch.push(';');
            }
            self.scratch.push_str(item);
        }
        self.csv.write_field(neutralize(&self.scratch).as_bytes())?;
        Ok(())
    }

    /// Tags as `key=value;key=value`, in key order.
    fn tags(&mut self, tags: &Tags) -> Result<(), ExportError> {
        self.scratch.clear();
        for (i, (key, value)) in tags.iter().enumerate() {
            if i > 0 {
                self.scratch.push(';');
            }
            self.scratch.push_str(key);
            self.scratch.push('=');
            self.scratch.push_str(value);
        }
        self.csv.write_field(neutralize(&self.scratch).as_bytes())?;
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), ExportError> {
        self.csv.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.csv.flush()?;
        Ok(())
    }
}

/// Names by id, empty for an id outside the estate.
fn server_name(estate: &Estate, id: waveplan_core::ServerId) -> &str {
    estate.servers.get(id.index()).map_or("", |s| s.name.as_str())
}

fn application_name(estate: &Estate, id: waveplan_core::AppId) -> &str {
    estate.applications.get(id.index()).map_or("", |a| a.name.as_str())
}

fn datastore_name(estate: &Estate, id: waveplan_core::DataStoreId) -> &str {
    estate.datastores.get(id.index()).map_or("", |d| d.name.as_str())
}

/// The name of a dependency's end and the `*_kind` word that makes it unambiguous.
fn endpoint_name_and_kind(estate: &Estate, endpoint: Endpoint) -> (&str, &'static str) {
    match endpoint {
        Endpoint::Server(id) => (server_name(estate, id), "server"),
        Endpoint::Application(id) => (application_name(estate, id), "application"),
        Endpoint::DataStore(id) => (datastore_name(estate, id), "datastore"),
        Endpoint::External(id) => (estate.externals.get(id.index()).map_or("", |e| e.name.as_str()), "external"),
    }
}

fn write_servers<W: Write>(writer: &mut RowWriter<W>, estate: &Estate, devices: bool) -> Result<(), ExportError> {
    for server in estate.servers.iter().filter(|s| s.is_device() == devices) {
        write_server(writer, server)?;
    }
    Ok(())
}

fn write_server<W: Write>(writer: &mut RowWriter<W>, server: &Server) -> Result<(), ExportError> {
    writer.text(&server.name)?;
    writer.optional_text(server.fqdn.as_deref())?;
    writer.list(&server.ip_addresses)?;
    writer.list(&server.mac_addresses)?;
    writer.optional_value(server.os_family)?;
    writer.optional_text(server.os_name.as_deref())?;
    writer.optional_text(server.os_version.as_deref())?;
    writer.optional_value(server.cores)?;
    writer.decimal(server.memory_gb)?;
    writer.decimal(server.disk_provisioned_gb)?;
    writer.decimal(server.disk_used_gb)?;
    writer.optional_value(server.environment)?;
    writer.optional_text(server.site.as_deref())?;
    writer.optional_text(server.datacenter.as_deref())?;
    writer.optional_text(server.cluster.as_deref())?;
    writer.optional_value(server.power_state)?;
    writer.optional_value(server.kind)?;
    writer.optional_text(server.device_class.as_deref())?;
    writer.tags(&server.tags)?;
    writer.end_row()
}

fn write_applications<W: Write>(writer: &mut RowWriter<W>, estate: &Estate) -> Result<(), ExportError> {
    for application in &estate.applications {
        writer.text(&application.name)?;
        writer.optional_text(application.owner.as_deref())?;
        writer.optional_text(application.business_unit.as_deref())?;
        writer.optional_value(application.tier)?;
        writer.optional_value(application.rto_minutes.map(format_duration_minutes))?;
        writer.optional_value(application.rpo_minutes.map(format_duration_minutes))?;
        writer.optional_value(application.strategy)?;
        writer.list(&application.compliance)?;
        writer.optional_value(application.maintenance_window.as_ref().map(format_maintenance_window))?;
        writer.optional_value(application.dr_current)?;
        writer.optional_value(application.dr_target)?;
        writer.optional_value(application.environment)?;
        writer.optional_text(application.copy_of.as_deref())?;
        writer.optional_value(application.role)?;
        writer.tags(&application.tags)?;
        writer.end_row()?;
    }
    Ok(())
}

fn write_datastores<W: Write>(writer: &mut RowWriter<W>, estate: &Estate) -> Result<(), ExportError> {
    for store in &estate.datastores {
        writer.text(&store.name)?;
        writer.optional_value(store.kind)?;
        writer.optional_text(store.engine.as_deref())?;
        writer.decimal(store.size_gb)?;
        writer.decimal(store.change_gb_per_day)?;
        writer.optional_text(store.server.map(|id| server_name(estate, id)))?;
        writer.optional_value(store.method)?;
        writer.tags(&store.tags)?;
        writer.end_row()?;
    }
    Ok(())
}

fn write_members<W: Write>(writer: &mut RowWriter<W>, estate: &Estate) -> Result<(), ExportError> {
    for application in &estate.applications {
        let members = application.servers.iter().map(|&id| server_name(estate, id));
        let members = members.chain(application.datastores.iter().map(|&id| datastore_name(estate, id)));
        for member in members {
            writer.text(&application.name)?;
            writer.text(member)?;
            writer.end_row()?;
        }
    }
    Ok(())
}

fn write_dependencies<W: Write>(writer: &mut RowWriter<W>, estate: &Estate) -> Result<(), ExportError> {
    for dependency in &estate.dependencies {
        let (from, from_kind) = endpoint_name_and_kind(estate, dependency.from);
        let (to, to_kind) = endpoint_name_and_kind(estate, dependency.to);
        writer.text(from)?;
        writer.text(to)?;
        writer.value(from_kind)?;
        writer.value(to_kind)?;
        writer.optional_value(dependency.port)?;
        writer.value(dependency.protocol)?;
        writer.value(dependency.kind)?;
        writer.decimal(Some(dependency.weight))?;
        writer.value(if dependency.latency_sensitive { "yes" } else { "no" })?;
        writer.text(dependency.infrastructure.as_deref().unwrap_or(""))?;
        writer.optional_value(dependency.first_seen)?;
        writer.optional_value(dependency.last_seen)?;
        writer.text(&dependency.source)?;
        writer.end_row()?;
    }
    Ok(())
}

fn write_constraints<W: Write>(writer: &mut RowWriter<W>, estate: &Estate) -> Result<(), ExportError> {
    for constraint in &estate.constraints {
        // kind, application, other, value, reason
        let reason = match constraint {
            Constraint::MoveTogether { apps, reason } => {
                writer.value("move-together")?;
                let names: Vec<String> = apps.iter().map(|&id| application_name(estate, id).to_string()).collect();
                writer.list(&names)?;
                writer.empty()?;
                writer.empty()?;
                reason
            }
            Constraint::KeepApart { a, b, reason } => {
                writer.value("keep-apart")?;
                writer.text(application_name(estate, *a))?;
                writer.text(application_name(estate, *b))?;
                writer.empty()?;
                reason
            }
            Constraint::Before { first, then, reason } => {
                writer.value("before")?;
                writer.text(application_name(estate, *first))?;
                writer.text(application_name(estate, *then))?;
                writer.empty()?;
                reason
            }
            Constraint::PinWave { app, wave, reason } => {
                writer.value("pin-wave")?;
                writer.text(application_name(estate, *app))?;
                writer.empty()?;
                writer.value(wave)?;
                reason
            }
            Constraint::NotBefore { app, date, reason } => {
                writer.value("not-before")?;
                writer.text(application_name(estate, *app))?;
                writer.empty()?;
                writer.value(date)?;
                reason
            }
            Constraint::NotAfter { app, date, reason } => {
                writer.value("not-after")?;
                writer.text(application_name(estate, *app))?;
                writer.empty()?;
                writer.value(date)?;
                reason
            }
        };
        writer.optional_text(reason.as_deref())?;
        writer.end_row()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime, Weekday};
    use waveplan_core::{
        AppId, AppRole, Application, DataStore, DataStoreId, DataStoreKind, Dependency, DependencyKind, DrPosture,
        Environment, ExternalEndpoint, ExternalId, OsFamily, Protocol, ServerId, ServerKind, Strategy, Tier,
    };

    use super::*;

    fn small_estate() -> Estate {
        let mut tags = Tags::new();
        tags.insert("rack".into(), "B4".into());
        tags.insert("owner".into(), "ops, night shift".into());
        let web = Server {
            name: "ehr-web01".into(),
            fqdn: Some("ehr-web01.hospital.local".into()),
            ip_addresses: vec!["10.0.0.5".into(), "10.0.0.6".into()],
            os_family: Some(OsFamily::Windows),
            os_name: Some("Windows Server 2019".into()),
            cores: Some(4),
            memory_gb: Some(16.0),
            disk_used_gb: Some(80.5),
            environment: Some(Environment::Production),
            kind: Some(ServerKind::VirtualMachine),
            tags,
            ..Server::default()
        };
        let database =
            Server { name: "=ehr-db01".into(), cores: Some(8), memory_gb: Some(f64::NAN), ..Server::default() };
        let pump = Server {
            name: "pump-0001".into(),
            mac_addresses: vec!["02:00:00:00:00:01".into()],
            kind: Some(ServerKind::Device),
            device_class: Some("infusion pump".into()),
            ..Server::default()
        };
        let ehr = Application {
            name: "EHR".into(),
            owner: Some("Clinical Systems".into()),
            tier: Some(Tier::MissionCritical),
            rto_minutes: Some(240),
            rpo_minutes: Some(15),
            strategy: Some(Strategy::Replatform),
            compliance: vec!["PHI".into(), "PCI".into()],
            maintenance_window: Some(MaintenanceWindow {
                days: vec![Weekday::Sat, Weekday::Sun],
                start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
                minutes: 480,
            }),
            dr_current: Some(DrPosture::Backup),
            dr_target: Some(DrPosture::WarmStandby),
            servers: vec![ServerId(0), ServerId(1), ServerId(2)],
            datastores: vec![DataStoreId(0)],
            ..Application::default()
        };
        let ehr_test = Application {
            name: "EHR-tst".into(),
            rto_minutes: Some(90),
            environment: Some(Environment::Test),
            copy_of: Some("EHR".into()),
            maintenance_window: Some(MaintenanceWindow {
                days: vec![Weekday::Sun],
                start: NaiveTime::from_hms_opt(1, 0, 0).unwrap(),
                minutes: 240,
            }),
            ..Application::default()
        };
        let directory =
            Application { name: "directory".into(), role: Some(AppRole::Infrastructure), ..Application::default() };
        let store = DataStore {
            name: "EHR-PROD-DB".into(),
            kind: Some(DataStoreKind::Database),
            engine: Some("SQL Server 2019".into()),
            size_gb: Some(1200.0),
            change_gb_per_day: Some(12.5),
            server: Some(ServerId(1)),
            ..DataStore::default()
        };
        let dependency = |from, to, port, protocol| Dependency {
            from,
            to,
            port,
            protocol,
            kind: DependencyKind::Observed,
            weight: 1.0,
            latency_sensitive: false,
            infrastructure: None,
            first_seen: None,
            last_seen: None,
            source: "netflow".into(),
        };
        Estate {
            servers: vec![web, database, pump],
            applications: vec![ehr, ehr_test, directory],
            datastores: vec![store],
            externals: vec![ExternalEndpoint { name: "api.payer.example.com".into() }],
            dependencies: vec![
                Dependency {
                    latency_sensitive: true,
                    infrastructure: None,
                    weight: 1532.5,
                    first_seen: NaiveDate::from_ymd_opt(2026, 1, 5),
                    last_seen: NaiveDate::from_ymd_opt(2026, 3, 1),
                    ..dependency(
                        Endpoint::Server(ServerId(0)),
                        Endpoint::DataStore(DataStoreId(0)),
                        Some(1433),
                        Protocol::Tcp,
                    )
                },
                dependency(Endpoint::Server(ServerId(2)), Endpoint::Server(ServerId(0)), Some(443), Protocol::Tcp),
                Dependency {
                    kind: DependencyKind::Declared,
                    source: "cmdb".into(),
                    ..dependency(Endpoint::Application(AppId(0)), Endpoint::Application(AppId(2)), None, Protocol::Any)
                },
                dependency(Endpoint::Server(ServerId(0)), Endpoint::External(ExternalId(0)), Some(53), Protocol::Udp),
                // A corrupt id is written as an empty name, not a panic.
                dependency(Endpoint::Server(ServerId(0)), Endpoint::Server(ServerId(99)), Some(22), Protocol::Tcp),
            ],
            constraints: vec![
                Constraint::KeepApart { a: AppId(0), b: AppId(2), reason: Some("same on-call team".into()) },
                Constraint::Before { first: AppId(1), then: AppId(0), reason: None },
                Constraint::PinWave { app: AppId(2), wave: 1, reason: Some("pilot".into()) },
                Constraint::NotBefore {
                    app: AppId(0),
                    date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
                    reason: None,
                },
                Constraint::MoveTogether { apps: vec![AppId(0), AppId(1)], reason: None },
            ],
            excluded: Vec::new(),
        }
    }

    fn check(table: NativeTable, expected: &str) {
        let mut out = Vec::new();
        write_native(&small_estate(), table, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected, "{}", table.file_name());
    }

    #[test]
    fn writes_servers_and_devices_apart() {
        check(
            NativeTable::Servers,
            "name,fqdn,ip_addresses,mac_addresses,os_family,os_name,os_version,cores,memory_gb,disk_provisioned_gb,disk_used_gb,environment,site,datacenter,cluster,power_state,kind,device_class,tags\n\
             ehr-web01,ehr-web01.hospital.local,10.0.0.5;10.0.0.6,,windows,Windows Server 2019,,4,16,,80.5,production,,,,,vm,,\"owner=ops, night shift;rack=B4\"\n\
             '=ehr-db01,,,,,,,8,,,,,,,,,,,\n",
        );
        check(
            NativeTable::Devices,
            "name,fqdn,ip_addresses,mac_addresses,os_family,os_name,os_version,cores,memory_gb,disk_provisioned_gb,disk_used_gb,environment,site,datacenter,cluster,power_state,kind,device_class,tags\n\
             pump-0001,,,02:00:00:00:00:01,,,,,,,,,,,,,device,infusion pump,\n",
        );
    }

    #[test]
    fn writes_applications_with_durations_and_windows() {
        check(
            NativeTable::Applications,
            "name,owner,business_unit,tier,rto,rpo,strategy,compliance,maintenance_window,dr_current,dr_target,environment,copy_of,role,tags\n\
             EHR,Clinical Systems,,mission-critical,4h,15m,replatform,PHI;PCI,Sat-Sun 22:00-06:00,backup,warm-standby,,,,\n\
             EHR-tst,,,,90m,,,,Sun 01:00-05:00,,,test,EHR,,\n\
             directory,,,,,,,,,,,,,infrastructure,\n",
        );
    }

    #[test]
    fn writes_datastores_and_members_by_name() {
        check(
            NativeTable::DataStores,
            "name,kind,engine,size_gb,change_gb_per_day,server,migration_method,tags\n\
             EHR-PROD-DB,database,SQL Server 2019,1200,12.5,'=ehr-db01,,\n",
        );
        check(
            NativeTable::Members,
            "application,member\nEHR,ehr-web01\nEHR,'=ehr-db01\nEHR,pump-0001\nEHR,EHR-PROD-DB\n",
        );
    }

    #[test]
    fn writes_dependencies_with_the_kind_of_each_end() {
        check(
            NativeTable::Dependencies,
            "from,to,from_kind,to_kind,port,protocol,kind,weight,latency_sensitive,infrastructure,first_seen,last_seen,source\n\
             ehr-web01,EHR-PROD-DB,server,datastore,1433,tcp,observed,1532.5,yes,,2026-01-05,2026-03-01,netflow\n\
             pump-0001,ehr-web01,server,server,443,tcp,observed,1,no,,,,netflow\n\
             EHR,directory,application,application,,any,declared,1,no,,,,cmdb\n\
             ehr-web01,api.payer.example.com,server,external,53,udp,observed,1,no,,,,netflow\n\
             ehr-web01,,server,server,22,tcp,observed,1,no,,,,netflow\n",
        );
    }

    #[test]
    fn writes_constraints_by_application_name() {
        check(
            NativeTable::Constraints,
            "kind,application,other,value,reason\n\
             keep-apart,EHR,directory,,same on-call team\n\
             before,EHR-tst,EHR,,\n\
             pin-wave,directory,,1,pilot\n\
             not-before,EHR,,2027-03-01,\n\
             move-together,EHR;EHR-tst,,,\n",
        );
    }

    #[test]
    fn an_empty_estate_gives_headers_only() {
        for table in NativeTable::ALL {
            let mut out = Vec::new();
            write_native(&Estate::default(), table, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("{}\n", table.columns().join(",")));
        }
    }

    #[test]
    fn durations_use_hours_when_whole() {
        assert_eq!(format_duration_minutes(0), "0m");
        assert_eq!(format_duration_minutes(45), "45m");
        assert_eq!(format_duration_minutes(120), "2h");
        assert_eq!(format_duration_minutes(4320), "72h");
    }
}
