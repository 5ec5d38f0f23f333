//! Saving and loading the inventory: the tables that hold an [`Estate`].
//!
//! Written inside a [`Write`]: whole ([`Write::replace_estate`], every table
//! cleared and rewritten) or as what changed ([`Write::update_estate`]: the
//! records an `EstateDelta` names are written over in place, appended or cut
//! off, and the membership rows of the changed applications rewritten), with
//! cached prepared statements, each counted by the write. Ids are positions,
//! stored in an explicit `id` column and read back `ORDER BY id`, so
//! `load_estate` returns exactly what was saved. References (membership,
//! data store hosts, dependency endpoints, constraints) are checked on the
//! way in and on the way out; nothing here panics on what it reads from the
//! file, and nothing here commits.

use chrono::{DateTime, Utc};
use std::borrow::Cow;

use rusqlite::{Connection, params};
use sha2::Digest;
use waveplan_core::delta::{EstateDelta, VecDelta};
use waveplan_core::{
    AppId, Application, Constraint, DataStore, DataStoreId, Dependency, Endpoint, Estate, Excluded, ExternalEndpoint,
    ExternalId, Server, ServerId,
};

use crate::codec::{Record, Vocabulary, check_number, opt_text, timestamp_text, to_json};
use crate::error::{StoreError, sql};
use crate::project::Project;
use crate::write::Write;

/// One import in the project's history: which files were read, when, and the
/// caller's summary of the outcome (counts, diagnostics) as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRecord {
    /// The files read, as the user named them.
    pub files: Vec<String>,
    /// Hex SHA-256 of each file, in the order of `files`; empty for imports
    /// recorded by versions before schema 4 (see [`file_hash`]).
    pub file_hashes: Vec<String>,
    /// When the import was saved.
    pub imported_at: DateTime<Utc>,
    /// A JSON document chosen by the caller; it must be valid JSON.
    pub summary_json: String,
}

impl Project {
    /// Replaces the inventory with `estate` and appends `import` to the import
    /// history, in one transaction: on any error, nothing changes.
    pub fn save_import(&mut self, estate: &Estate, import: &ImportRecord) -> Result<(), StoreError> {
        self.save_import_and_settings::<()>(estate, import, &[])
    }

    /// [`Project::save_import`] with settings stored in the same transaction
    /// (the merge policy the import was settled by, the column mappings it
    /// was read with), so that an import never lands without them.
    pub fn save_import_and_settings<T: serde::Serialize>(
        &mut self,
        estate: &Estate,
        import: &ImportRecord,
        settings: &[(&str, &T)],
    ) -> Result<(), StoreError> {
        self.write(|w| {
            w.replace_estate(estate)?;
            w.record_import(import)?;
            for (key, value) in settings {
                w.set_setting(key, value)?;
            }
            Ok(())
        })
    }

    /// Replaces the inventory with `estate` (after an edit, not an import), in one transaction.
    pub fn save_estate(&mut self, estate: &Estate) -> Result<(), StoreError> {
        self.write(|w| w.replace_estate(estate))
    }

    /// Replaces the inventory with `estate` and stores a setting beside it,
    /// in one transaction: for a setting the inventory was just brought in
    /// line with (a new shared-infrastructure list and the dependencies
    /// re-classified under it), so that neither lands without the other.
    pub fn save_estate_and_setting<T: serde::Serialize>(
        &mut self,
        estate: &Estate,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        self.write(|w| {
            w.replace_estate(estate)?;
            w.set_setting(key, value)
        })
    }

    /// Reads the inventory; an empty estate if nothing was saved yet.
    pub fn load_estate(&self) -> Result<Estate, StoreError> {
        // One read transaction, so another process's save cannot show half-way.
        let tx = self.conn.unchecked_transaction().map_err(sql("starting to load the inventory"))?;
        let estate = read_inventory(&tx)?;
        tx.commit().map_err(sql("finishing loading the inventory"))?;
        Ok(estate)
    }

    /// The import history, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        let context = "loading the import history";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, imported_at, files, summary, file_hashes FROM imports ORDER BY id")
            .map_err(sql(context))?;
        let mut rows = stmt.query([]).map_err(sql(context))?;
        let mut imports = Vec::new();
        while let Some(row) = rows.next().map_err(sql(context))? {
            let r = Record::new(row, "imports", row.get(0).map_err(sql(context))?);
            imports.push(ImportRecord {
                imported_at: r.timestamp(1)?,
                files: r.json(2)?,
                file_hashes: r.json(4)?,
                summary_json: r.text(3)?.to_owned(),
            });
        }
        Ok(imports)
    }
}

impl Write<'_> {
    /// Replaces the whole inventory with `estate`: every table is cleared and rewritten.
    pub fn replace_estate(&mut self, estate: &Estate) -> Result<(), StoreError> {
        check_storable(estate)?;
        write_inventory(self, estate)
    }

    /// Writes only what differs: `undo` is `EstateDelta::between(before, estate)` (positions of changed
    /// records and the old lengths; ids are positions), so a one-application edit writes one row (and its membership rows).
    ///
    /// The old lengths are checked against the file first: a delta taken
    /// from another state than the one stored is refused with
    /// [`StoreError::Unstorable`] rather than written half-right.
    pub fn update_estate(&mut self, estate: &Estate, undo: &EstateDelta) -> Result<(), StoreError> {
        check_storable(estate)?;
        let conn = self.conn();
        for (table, stored_len) in [
            ("servers", undo.servers.len),
            ("applications", undo.applications.len),
            ("datastores", undo.datastores.len),
            ("externals", undo.externals.len),
            ("dependencies", undo.dependencies.len),
            ("constraints", undo.constraints.len),
            ("excluded", undo.excluded.len),
        ] {
            self.tick()?;
            // `max(id)` is a lookup at the end of the table's b-tree, where `count(*)` would read it all.
            let rows: i64 = conn
                .query_row(&format!("SELECT coalesce(max(id) + 1, 0) FROM {table}"), [], |row| row.get(0))
                .map_err(|e| StoreError::sql(format!("counting {table}"), e))?;
            if rows != stored_len as i64 {
                return Err(StoreError::unstorable(
                    "estate delta",
                    format!("the file holds {rows} {table}, the delta was taken from {stored_len}"),
                ));
            }
        }
        let which = Selection {
            servers: Which::changed(&undo.servers, estate.servers.len()),
            applications: Which::changed(&undo.applications, estate.applications.len()),
            datastores: Which::changed(&undo.datastores, estate.datastores.len()),
            externals: Which::changed(&undo.externals, estate.externals.len()),
            dependencies: Which::changed(&undo.dependencies, estate.dependencies.len()),
            constraints: Which::changed(&undo.constraints, estate.constraints.len()),
            excluded: Which::changed(&undo.excluded, estate.excluded.len()),
        };
        // Rows are rewritten in place and removed in an order no foreign key
        // can follow in one pass (a data store moved off a server that goes);
        // checking them at the commit sees only the end state. SQLite turns
        // this off again when the transaction ends.
        self.tick()?;
        conn.pragma_update(None, "defer_foreign_keys", true).map_err(sql("deferring foreign keys"))?;
        // Membership rows of every application that changed or went are written again (or not at all).
        let mut delete_servers = conn
            .prepare_cached("DELETE FROM application_servers WHERE app_id = ?1")
            .map_err(sql("removing application servers"))?;
        let mut delete_datastores = conn
            .prepare_cached("DELETE FROM application_datastores WHERE app_id = ?1")
            .map_err(sql("removing application data stores"))?;
        for (id, _) in &undo.applications.changed {
            self.tick()?;
            delete_servers.execute([*id as i64]).map_err(sql("removing application servers"))?;
            self.tick()?;
            delete_datastores.execute([*id as i64]).map_err(sql("removing application data stores"))?;
        }
        for (table, len) in [
            ("servers", estate.servers.len()),
            ("applications", estate.applications.len()),
            ("datastores", estate.datastores.len()),
            ("externals", estate.externals.len()),
            ("dependencies", estate.dependencies.len()),
            ("constraints", estate.constraints.len()),
            ("excluded", estate.excluded.len()),
        ] {
            self.tick()?;
            conn.execute(&format!("DELETE FROM {table} WHERE id >= ?1"), [len as i64])
                .map_err(|e| StoreError::sql(format!("removing {table} beyond {len}"), e))?;
        }
        write_records(self, estate, &which, Mode::Upsert)
    }

    /// Appends `import` to the import history.
    pub fn record_import(&mut self, import: &ImportRecord) -> Result<(), StoreError> {
        if !import.file_hashes.is_empty() && import.file_hashes.len() != import.files.len() {
            return Err(StoreError::unstorable(
                "import file hashes",
                format!("{} hashes for {} files", import.file_hashes.len(), import.files.len()),
            ));
        }
        let files = to_json(&import.files, || "import file list".to_owned())?;
        let hashes = to_json(&import.file_hashes, || "import file hashes".to_owned())?;
        self.tick()?;
        self.conn()
            .prepare_cached("INSERT INTO imports (imported_at, files, summary, file_hashes) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut stmt| {
                stmt.execute(params![timestamp_text(import.imported_at), files, import.summary_json, hashes])
            })
            .map_err(sql("recording the import"))?;
        Ok(())
    }
}

/// The hex SHA-256 of a file's bytes, as kept in [`ImportRecord::file_hashes`].
pub fn file_hash(bytes: &[u8]) -> String {
    crate::audit::hex(&sha2::Sha256::digest(bytes))
}

/// Which positions of one vector a write covers.
enum Which {
    /// Every record.
    All,
    /// These positions, ascending.
    Some(Vec<usize>),
}

impl Which {
    /// The positions that changed (and still exist) and the ones appended.
    fn changed<T>(undo: &VecDelta<T>, len: usize) -> Which {
        let mut positions: Vec<usize> = undo.changed.iter().map(|(i, _)| *i).filter(|i| *i < len).collect();
        positions.extend(undo.len..len);
        positions.sort_unstable();
        positions.dedup();
        Which::Some(positions)
    }

    /// The selected records with their positions.
    fn records<'a, T>(&'a self, records: &'a [T]) -> Box<dyn Iterator<Item = (usize, &'a T)> + 'a> {
        match self {
            Which::All => Box::new(records.iter().enumerate()),
            Which::Some(positions) => Box::new(positions.iter().filter_map(|i| records.get(*i).map(|r| (*i, r)))),
        }
    }
}

/// The positions a write covers, per vector of the estate.
struct Selection {
    servers: Which,
    applications: Which,
    datastores: Which,
    externals: Which,
    dependencies: Which,
    constraints: Which,
    excluded: Which,
}

impl Selection {
    fn all() -> Selection {
        Selection {
            servers: Which::All,
            applications: Which::All,
            datastores: Which::All,
            externals: Which::All,
            dependencies: Which::All,
            constraints: Which::All,
            excluded: Which::All,
        }
    }
}

/// Whether records are inserted into emptied tables or written over rows that may exist.
#[derive(Clone, Copy)]
enum Mode {
    Insert,
    Upsert,
}

impl Mode {
    /// The statement for an `INSERT INTO table (id, columns...) VALUES (...)`:
    /// as it is, or updating the row of that id when there is one (in place,
    /// so rows that refer to it stay valid).
    fn sql(self, insert: &'static str) -> Cow<'static, str> {
        match self {
            Mode::Insert => Cow::Borrowed(insert),
            Mode::Upsert => {
                let open = insert.find('(').expect("an insert names its columns");
                let close = open + insert[open..].find(')').expect("an insert names its columns");
                debug_assert!(insert.starts_with("INSERT INTO "), "{insert}");
                let updates: Vec<String> = insert[open + 1..close]
                    .split(',')
                    .map(str::trim)
                    .filter(|column| *column != "id")
                    .map(|column| format!("{column} = excluded.{column}"))
                    .collect();
                // The target gets an alias: in `DO UPDATE`, `excluded.` names the
                // row being inserted, and for the table that is itself called
                // `excluded` it would otherwise name the row already there.
                let table_end = "INSERT INTO ".len() + insert["INSERT INTO ".len()..].find(' ').expect("a table name");
                Cow::Owned(format!(
                    "{} AS target{} ON CONFLICT (id) DO UPDATE SET {}",
                    &insert[..table_end],
                    &insert[table_end..],
                    updates.join(", ")
                ))
            }
        }
    }
}

/// Child tables first, so that no foreign key is ever left dangling.
const CLEAR_INVENTORY: [&str; 9] = [
    "DELETE FROM application_servers",
    "DELETE FROM application_datastores",
    "DELETE FROM dependencies",
    "DELETE FROM constraints",
    "DELETE FROM excluded",
    "DELETE FROM externals",
    "DELETE FROM datastores",
    "DELETE FROM applications",
    "DELETE FROM servers",
];

const INSERT_SERVER: &str = "INSERT INTO servers (id, name, fqdn, ip_addresses, mac_addresses, os_family, os_name,
    os_version, cores, memory_gb, disk_provisioned_gb, disk_used_gb, environment, site, datacenter, cluster,
    power_state, kind, device_class, tags, provenance)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";

const SELECT_SERVERS: &str = "SELECT id, name, fqdn, ip_addresses, mac_addresses, os_family, os_name,
    os_version, cores, memory_gb, disk_provisioned_gb, disk_used_gb, environment, site, datacenter, cluster,
    power_state, kind, device_class, tags, provenance FROM servers ORDER BY id";

const INSERT_APPLICATION: &str = "INSERT INTO applications (id, name, owner, business_unit, tier, rto_minutes,
    rpo_minutes, strategy, compliance, maintenance_window, dr_current, dr_target, environment, copy_of, role, tags,
    provenance) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

const SELECT_APPLICATIONS: &str = "SELECT id, name, owner, business_unit, tier, rto_minutes,
    rpo_minutes, strategy, compliance, maintenance_window, dr_current, dr_target, environment, copy_of, role, tags,
    provenance FROM applications ORDER BY id";

const INSERT_DATASTORE: &str = "INSERT INTO datastores (id, name, kind, engine, size_gb, change_gb_per_day,
    server_id, method, tags, provenance) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

const SELECT_DATASTORES: &str = "SELECT id, name, kind, engine, size_gb, change_gb_per_day,
    server_id, method, tags, provenance FROM datastores ORDER BY id";

const INSERT_DEPENDENCY: &str = "INSERT INTO dependencies (id, from_kind, from_id, to_kind, to_id, port, protocol,
    kind, weight, latency_sensitive, first_seen, last_seen, source, infrastructure)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

const SELECT_DEPENDENCIES: &str = "SELECT id, from_kind, from_id, to_kind, to_id, port, protocol,
    kind, weight, latency_sensitive, first_seen, last_seen, source, infrastructure FROM dependencies ORDER BY id";

/// Deletes the inventory and writes `estate`, counting every statement.
fn write_inventory(w: &Write<'_>, estate: &Estate) -> Result<(), StoreError> {
    for delete in CLEAR_INVENTORY {
        w.tick()?;
        w.conn().execute(delete, []).map_err(sql("clearing the inventory"))?;
    }
    write_records(w, estate, &Selection::all(), Mode::Insert)
}

/// Writes the records of `estate` at the positions `which` selects, and the
/// membership rows of the selected applications, counting every statement.
fn write_records(w: &Write<'_>, estate: &Estate, which: &Selection, mode: Mode) -> Result<(), StoreError> {
    let conn = w.conn();

    let mut stmt = conn.prepare_cached(&mode.sql(INSERT_SERVER)).map_err(sql("saving servers"))?;
    for (id, s) in which.servers.records(&estate.servers) {
        let what = || format!("server {id} ('{}')", s.name);
        w.tick()?;
        stmt.execute(params![
            id as i64,
            s.name,
            s.fqdn,
            to_json(&s.ip_addresses, || format!("{} ip addresses", what()))?,
            to_json(&s.mac_addresses, || format!("{} mac addresses", what()))?,
            opt_text(s.os_family),
            s.os_name,
            s.os_version,
            s.cores,
            s.memory_gb,
            s.disk_provisioned_gb,
            s.disk_used_gb,
            opt_text(s.environment),
            s.site,
            s.datacenter,
            s.cluster,
            opt_text(s.power_state),
            opt_text(s.kind),
            s.device_class,
            to_json(&s.tags, || format!("{} tags", what()))?,
            to_json(&s.provenance, || format!("{} provenance", what()))?,
        ])
        .map_err(|e| StoreError::sql(format!("saving {}", what()), e))?;
    }

    let mut stmt = conn.prepare_cached(&mode.sql(INSERT_APPLICATION)).map_err(sql("saving applications"))?;
    for (id, a) in which.applications.records(&estate.applications) {
        let what = || format!("application {id} ('{}')", a.name);
        w.tick()?;
        stmt.execute(params![
            id as i64,
            a.name,
            a.owner,
            a.business_unit,
            opt_text(a.tier),
            a.rto_minutes,
            a.rpo_minutes,
            opt_text(a.strategy),
            to_json(&a.compliance, || format!("{} compliance", what()))?,
            a.maintenance_window
                .as_ref()
                .map(|w| to_json(w, || format!("{} maintenance window", what())))
                .transpose()?,
            opt_text(a.dr_current),
            opt_text(a.dr_target),
            opt_text(a.environment),
            a.copy_of,
            opt_text(a.role),
            to_json(&a.tags, || format!("{} tags", what()))?,
            to_json(&a.provenance, || format!("{} provenance", what()))?,
        ])
        .map_err(|e| StoreError::sql(format!("saving {}", what()), e))?;
    }

    let mut stmt = conn.prepare_cached(&mode.sql(INSERT_DATASTORE)).map_err(sql("saving data stores"))?;
    for (id, d) in which.datastores.records(&estate.datastores) {
        let what = || format!("data store {id} ('{}')", d.name);
        w.tick()?;
        stmt.execute(params![
            id as i64,
            d.name,
            opt_text(d.kind),
            d.engine,
            d.size_gb,
            d.change_gb_per_day,
            d.server.map(|s| s.0),
            opt_text(d.method),
            to_json(&d.tags, || format!("{} tags", what()))?,
            to_json(&d.provenance, || format!("{} provenance", what()))?,
        ])
        .map_err(|e| StoreError::sql(format!("saving {}", what()), e))?;
    }

    let mut stmt = conn
        .prepare_cached("INSERT INTO application_servers (app_id, position, server_id) VALUES (?1, ?2, ?3)")
        .map_err(sql("saving application servers"))?;
    for (id, a) in which.applications.records(&estate.applications) {
        for (position, server) in a.servers.iter().enumerate() {
            w.tick()?;
            stmt.execute(params![id as i64, position as i64, server.0])
                .map_err(|e| StoreError::sql(format!("saving application {id} ('{}') servers", a.name), e))?;
        }
    }
    let mut stmt = conn
        .prepare_cached("INSERT INTO application_datastores (app_id, position, datastore_id) VALUES (?1, ?2, ?3)")
        .map_err(sql("saving application data stores"))?;
    for (id, a) in which.applications.records(&estate.applications) {
        for (position, datastore) in a.datastores.iter().enumerate() {
            w.tick()?;
            stmt.execute(params![id as i64, position as i64, datastore.0])
                .map_err(|e| StoreError::sql(format!("saving application {id} ('{}') data stores", a.name), e))?;
        }
    }

    let mut stmt = conn
        .prepare_cached(&mode.sql("INSERT INTO externals (id, name) VALUES (?1, ?2)"))
        .map_err(sql("saving externals"))?;
    for (id, x) in which.externals.records(&estate.externals) {
        w.tick()?;
        stmt.execute(params![id as i64, x.name])
            .map_err(|e| StoreError::sql(format!("saving external {id} ('{}')", x.name), e))?;
    }

    let mut stmt = conn.prepare_cached(&mode.sql(INSERT_DEPENDENCY)).map_err(sql("saving dependencies"))?;
    for (id, d) in which.dependencies.records(&estate.dependencies) {
        let (from_kind, from_id) = endpoint_parts(d.from);
        let (to_kind, to_id) = endpoint_parts(d.to);
        w.tick()?;
        stmt.execute(params![
            id as i64,
            from_kind,
            from_id,
            to_kind,
            to_id,
            d.port,
            d.protocol.text(),
            d.kind.text(),
            d.weight,
            d.latency_sensitive,
            d.first_seen.map(|date| date.to_string()),
            d.last_seen.map(|date| date.to_string()),
            d.source,
            d.infrastructure,
        ])
        .map_err(|e| StoreError::sql(format!("saving dependency {id}"), e))?;
    }

    let mut stmt = conn
        .prepare_cached(&mode.sql("INSERT INTO constraints (id, kind, payload) VALUES (?1, ?2, ?3)"))
        .map_err(sql("saving constraints"))?;
    for (id, c) in which.constraints.records(&estate.constraints) {
        let payload = to_json(c, || format!("constraint {id}"))?;
        w.tick()?;
        stmt.execute(params![id as i64, constraint_kind(c), payload])
            .map_err(|e| StoreError::sql(format!("saving constraint {id}"), e))?;
    }

    let mut stmt = conn
        .prepare_cached(&mode.sql("INSERT INTO excluded (id, name, reason) VALUES (?1, ?2, ?3)"))
        .map_err(sql("saving excluded records"))?;
    for (id, x) in which.excluded.records(&estate.excluded) {
        w.tick()?;
        stmt.execute(params![id as i64, x.name, x.reason])
            .map_err(|e| StoreError::sql(format!("saving excluded record {id} ('{}')", x.name), e))?;
    }
    Ok(())
}

/// Reads every inventory table; the caller holds the read transaction.
fn read_inventory(conn: &Connection) -> Result<Estate, StoreError> {
    let mut estate = Estate::default();

    each_row(conn, SELECT_SERVERS, "servers", |r| {
        estate.servers.push(Server {
            name: r.text(1)?.to_owned(),
            fqdn: r.get(2)?,
            ip_addresses: r.json(3)?,
            mac_addresses: r.json(4)?,
            os_family: r.opt_vocab(5)?,
            os_name: r.get(6)?,
            os_version: r.get(7)?,
            cores: r.opt_int(8)?,
            memory_gb: r.get(9)?,
            disk_provisioned_gb: r.get(10)?,
            disk_used_gb: r.get(11)?,
            environment: r.opt_vocab(12)?,
            site: r.get(13)?,
            datacenter: r.get(14)?,
            cluster: r.get(15)?,
            power_state: r.opt_vocab(16)?,
            kind: r.opt_vocab(17)?,
            device_class: r.get(18)?,
            tags: r.json(19)?,
            provenance: r.json(20)?,
        });
        Ok(())
    })?;

    each_row(conn, SELECT_APPLICATIONS, "applications", |r| {
        estate.applications.push(Application {
            name: r.text(1)?.to_owned(),
            owner: r.get(2)?,
            business_unit: r.get(3)?,
            tier: r.opt_vocab(4)?,
            rto_minutes: r.opt_int(5)?,
            rpo_minutes: r.opt_int(6)?,
            strategy: r.opt_vocab(7)?,
            compliance: r.json(8)?,
            maintenance_window: r.opt_json(9)?,
            dr_current: r.opt_vocab(10)?,
            dr_target: r.opt_vocab(11)?,
            environment: r.opt_vocab(12)?,
            copy_of: r.get(13)?,
            role: r.opt_vocab(14)?,
            servers: Vec::new(),
            datastores: Vec::new(),
            tags: r.json(15)?,
            provenance: r.json(16)?,
        });
        Ok(())
    })?;

    let server_count = estate.servers.len();
    each_row(conn, SELECT_DATASTORES, "datastores", |r| {
        let server = r.opt_int::<u32>(6)?.map(ServerId);
        if let Some(id) = server {
            check_index(id.index(), server_count, "server").map_err(|detail| r.corrupt(6, detail))?;
        }
        estate.datastores.push(DataStore {
            name: r.text(1)?.to_owned(),
            kind: r.opt_vocab(2)?,
            engine: r.get(3)?,
            size_gb: r.get(4)?,
            change_gb_per_day: r.get(5)?,
            server,
            method: r.opt_vocab(7)?,
            tags: r.json(8)?,
            provenance: r.json(9)?,
        });
        Ok(())
    })?;

    let datastore_count = estate.datastores.len();
    let applications = &mut estate.applications;
    each_member(
        conn,
        "SELECT app_id, server_id FROM application_servers ORDER BY app_id, position",
        "application_servers",
        |r, app| {
            let id = r.int::<u32>(1)?;
            check_index(id as usize, server_count, "server").map_err(|detail| r.corrupt(1, detail))?;
            applications
                .get_mut(app)
                .ok_or_else(|| r.corrupt(0, format!("application {app} does not exist")))?
                .servers
                .push(ServerId(id));
            Ok(())
        },
    )?;
    each_member(
        conn,
        "SELECT app_id, datastore_id FROM application_datastores ORDER BY app_id, position",
        "application_datastores",
        |r, app| {
            let id = r.int::<u32>(1)?;
            check_index(id as usize, datastore_count, "data store").map_err(|detail| r.corrupt(1, detail))?;
            applications
                .get_mut(app)
                .ok_or_else(|| r.corrupt(0, format!("application {app} does not exist")))?
                .datastores
                .push(DataStoreId(id));
            Ok(())
        },
    )?;

    each_row(conn, "SELECT id, name FROM externals ORDER BY id", "externals", |r| {
        estate.externals.push(ExternalEndpoint { name: r.text(1)?.to_owned() });
        Ok(())
    })?;

    let counts = Counts::of(&estate);
    each_row(conn, SELECT_DEPENDENCIES, "dependencies", |r| {
        let from = read_endpoint(r, 1, &counts)?;
        let to = read_endpoint(r, 3, &counts)?;
        estate.dependencies.push(Dependency {
            from,
            to,
            port: r.opt_int(5)?,
            protocol: r.vocab(6)?,
            kind: r.vocab(7)?,
            weight: r.get(8)?,
            latency_sensitive: r.get(9)?,
            first_seen: r.opt_date(10)?,
            last_seen: r.opt_date(11)?,
            source: r.text(12)?.to_owned(),
            infrastructure: r.opt_text(13)?.map(str::to_owned),
        });
        Ok(())
    })?;

    each_row(conn, "SELECT id, kind, payload FROM constraints ORDER BY id", "constraints", |r| {
        let constraint: Constraint = r.json(2)?;
        for app in constraint_apps(&constraint) {
            check_index(app.index(), counts.applications, "application").map_err(|detail| r.corrupt(2, detail))?;
        }
        estate.constraints.push(constraint);
        Ok(())
    })?;

    each_row(conn, "SELECT id, name, reason FROM excluded ORDER BY id", "excluded", |r| {
        estate.excluded.push(Excluded { name: r.text(1)?.to_owned(), reason: r.text(2)?.to_owned() });
        Ok(())
    })?;

    Ok(estate)
}

/// Runs `read` on each row of a table whose first column is the position
/// `id`, checking that ids run 0, 1, 2... without gaps.
fn each_row(
    conn: &Connection,
    select: &str,
    table: &'static str,
    mut read: impl FnMut(&Record<'_, '_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let context = || format!("loading {table}");
    let mut stmt = conn.prepare_cached(select).map_err(|e| StoreError::sql(context(), e))?;
    let mut rows = stmt.query([]).map_err(|e| StoreError::sql(context(), e))?;
    let mut expected: i64 = 0;
    while let Some(row) = rows.next().map_err(|e| StoreError::sql(context(), e))? {
        let id: i64 = row.get(0).map_err(|e| StoreError::sql(context(), e))?;
        if id != expected {
            return Err(StoreError::corrupt(
                format!("{table} {id}"),
                format!("expected id {expected}: ids are positions and run 0, 1, 2, ... without gaps"),
            ));
        }
        read(&Record::new(row, table, id))?;
        expected += 1;
    }
    Ok(())
}

/// Runs `read` on each row of a membership table, with the application's position.
fn each_member(
    conn: &Connection,
    select: &str,
    table: &'static str,
    mut read: impl FnMut(&Record<'_, '_>, usize) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let context = || format!("loading {table}");
    let mut stmt = conn.prepare_cached(select).map_err(|e| StoreError::sql(context(), e))?;
    let mut rows = stmt.query([]).map_err(|e| StoreError::sql(context(), e))?;
    while let Some(row) = rows.next().map_err(|e| StoreError::sql(context(), e))? {
        let app: i64 = row.get(0).map_err(|e| StoreError::sql(context(), e))?;
        let record = Record::new(row, table, app);
        let index = usize::try_from(app).map_err(|_| record.corrupt(0, format!("{app} is out of range")))?;
        read(&record, index)?;
    }
    Ok(())
}

/// How endpoints are spelled in `from_kind` and `to_kind`, as in the JSON of [`Endpoint`].
fn endpoint_parts(endpoint: Endpoint) -> (&'static str, u32) {
    match endpoint {
        Endpoint::Server(id) => ("server", id.0),
        Endpoint::Application(id) => ("application", id.0),
        Endpoint::DataStore(id) => ("datastore", id.0),
        Endpoint::External(id) => ("external", id.0),
    }
}

/// Reads the endpoint stored in columns `kind_column` and `kind_column + 1`.
fn read_endpoint(r: &Record<'_, '_>, kind_column: usize, counts: &Counts) -> Result<Endpoint, StoreError> {
    let kind = r.text(kind_column)?;
    let id = r.int::<u32>(kind_column + 1)?;
    let endpoint = match kind {
        "server" => Endpoint::Server(ServerId(id)),
        "application" => Endpoint::Application(AppId(id)),
        "datastore" => Endpoint::DataStore(DataStoreId(id)),
        "external" => Endpoint::External(ExternalId(id)),
        other => {
            return Err(
                r.corrupt(kind_column, format!("'{other}' is not one of server, application, datastore, external"))
            );
        }
    };
    counts.check(endpoint).map_err(|detail| r.corrupt(kind_column + 1, detail))?;
    Ok(endpoint)
}

/// The tag of a constraint in its JSON, repeated in the `kind` column.
fn constraint_kind(constraint: &Constraint) -> &'static str {
    match constraint {
        Constraint::MoveTogether { .. } => "move-together",
        Constraint::KeepApart { .. } => "keep-apart",
        Constraint::Before { .. } => "before",
        Constraint::PinWave { .. } => "pin-wave",
        Constraint::NotBefore { .. } => "not-before",
        Constraint::NotAfter { .. } => "not-after",
    }
}

/// The applications a constraint names.
fn constraint_apps(constraint: &Constraint) -> Vec<AppId> {
    match constraint {
        Constraint::MoveTogether { apps, .. } => apps.clone(),
        Constraint::KeepApart { a, b, .. } => vec![*a, *b],
        Constraint::Before { first, then, .. } => vec![*first, *then],
        Constraint::PinWave { app, .. } | Constraint::NotBefore { app, .. } | Constraint::NotAfter { app, .. } => {
            vec![*app]
        }
    }
}

/// How many records of each kind an id may point at.
struct Counts {
    servers: usize,
    applications: usize,
    datastores: usize,
    externals: usize,
}

impl Counts {
    fn of(estate: &Estate) -> Counts {
        Counts {
            servers: estate.servers.len(),
            applications: estate.applications.len(),
            datastores: estate.datastores.len(),
            externals: estate.externals.len(),
        }
    }

    fn check(&self, endpoint: Endpoint) -> Result<(), String> {
        match endpoint {
            Endpoint::Server(id) => check_index(id.index(), self.servers, "server"),
            Endpoint::Application(id) => check_index(id.index(), self.applications, "application"),
            Endpoint::DataStore(id) => check_index(id.index(), self.datastores, "data store"),
            Endpoint::External(id) => check_index(id.index(), self.externals, "external"),
        }
    }
}

fn check_index(index: usize, count: usize, kind: &str) -> Result<(), String> {
    if index < count { Ok(()) } else { Err(format!("{kind} {index} does not exist (there are {count})")) }
}

/// Refuses what the tables could not give back: NaN (SQLite stores NULL) and
/// ids that point past the end of their vector (they would not load).
fn check_storable(estate: &Estate) -> Result<(), StoreError> {
    let counts = Counts::of(estate);
    for (id, s) in estate.servers.iter().enumerate() {
        let what = |field: &str| format!("server {id} ('{}') {field}", s.name);
        check_number(s.memory_gb, || what("memory_gb"))?;
        check_number(s.disk_provisioned_gb, || what("disk_provisioned_gb"))?;
        check_number(s.disk_used_gb, || what("disk_used_gb"))?;
    }
    for (id, a) in estate.applications.iter().enumerate() {
        let what = |field: &str| format!("application {id} ('{}') {field}", a.name);
        for server in &a.servers {
            check_index(server.index(), counts.servers, "server")
                .map_err(|d| StoreError::unstorable(what("servers"), d))?;
        }
        for datastore in &a.datastores {
            check_index(datastore.index(), counts.datastores, "data store")
                .map_err(|d| StoreError::unstorable(what("datastores"), d))?;
        }
    }
    for (id, d) in estate.datastores.iter().enumerate() {
        let what = |field: &str| format!("data store {id} ('{}') {field}", d.name);
        check_number(d.size_gb, || what("size_gb"))?;
        check_number(d.change_gb_per_day, || what("change_gb_per_day"))?;
        if let Some(server) = d.server {
            check_index(server.index(), counts.servers, "server")
                .map_err(|e| StoreError::unstorable(what("server"), e))?;
        }
    }
    for (id, d) in estate.dependencies.iter().enumerate() {
        let what = |field: &str| format!("dependency {id} {field}");
        check_number(Some(d.weight), || what("weight"))?;
        counts.check(d.from).map_err(|e| StoreError::unstorable(what("from"), e))?;
        counts.check(d.to).map_err(|e| StoreError::unstorable(what("to"), e))?;
    }
    for (id, c) in estate.constraints.iter().enumerate() {
        for app in constraint_apps(c) {
            check_index(app.index(), counts.applications, "application")
                .map_err(|e| StoreError::unstorable(format!("constraint {id}"), e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use waveplan_core::ServerKind;

    use super::*;
    use crate::fixture::{full_estate, generated_estate};

    fn import(files: &[&str], summary_json: &str) -> ImportRecord {
        ImportRecord {
            files: files.iter().map(|f| (*f).to_owned()).collect(),
            file_hashes: files.iter().map(|f| file_hash(f.as_bytes())).collect(),
            imported_at: Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).single().expect("valid time"),
            summary_json: summary_json.to_owned(),
        }
    }

    #[test]
    fn full_estate_round_trips_exactly() {
        let mut project = Project::open_in_memory().expect("open");
        let estate = full_estate();
        project.save_import(&estate, &import(&["servers.csv"], "{}")).expect("save");
        let loaded = project.load_estate().expect("load");
        // Field by field first, for a readable failure.
        assert_eq!(loaded.servers, estate.servers);
        assert_eq!(loaded.applications, estate.applications);
        assert_eq!(loaded.datastores, estate.datastores);
        assert_eq!(loaded.externals, estate.externals);
        assert_eq!(loaded.dependencies, estate.dependencies);
        assert_eq!(loaded.constraints, estate.constraints);
        assert_eq!(loaded.excluded, estate.excluded);
        assert_eq!(loaded, estate);
        // Floats bit for bit, not just by `==`.
        let bits = |e: &Estate| e.servers.iter().map(|s| s.memory_gb.map(f64::to_bits)).collect::<Vec<_>>();
        assert_eq!(bits(&loaded), bits(&estate));
    }

    #[test]
    fn an_empty_project_loads_an_empty_estate() {
        let project = Project::open_in_memory().expect("open");
        assert_eq!(project.load_estate().expect("load"), Estate::default());
        assert_eq!(project.imports().expect("imports"), vec![]);
    }

    #[test]
    fn saving_replaces_the_whole_inventory() {
        let mut project = Project::open_in_memory().expect("open");
        project.save_estate(&generated_estate(300, 40, 1000)).expect("save large");
        let small = full_estate();
        project.save_estate(&small).expect("save small");
        assert_eq!(project.load_estate().expect("load"), small);
        project.save_estate(&Estate::default()).expect("save empty");
        assert_eq!(project.load_estate().expect("load"), Estate::default());
    }

    #[test]
    fn a_generated_estate_with_twenty_thousand_dependencies_round_trips() {
        let mut project = Project::open_in_memory().expect("open");
        let estate = generated_estate(2_000, 400, 20_000);
        project.save_import(&estate, &import(&["servers.csv", "netflow.csv"], r#"{"servers":2000}"#)).expect("save");
        let loaded = project.load_estate().expect("load");
        assert_eq!(loaded.dependencies.len(), 20_000);
        assert_eq!(loaded, estate);
    }

    #[test]
    fn imports_are_appended_to_the_history() {
        let mut project = Project::open_in_memory().expect("open");
        let first = import(&["servers.csv"], r#"{"servers":6}"#);
        let mut second = import(&["servers.csv", "apps.xlsx"], r#"{"warnings":["x"]}"#);
        second.imported_at = Utc.timestamp_opt(1_750_000_000, 987_654_321).single().expect("valid time");
        project.save_import(&full_estate(), &first).expect("save");
        project.save_import(&full_estate(), &second).expect("save");
        project.save_estate(&full_estate()).expect("an edit is not an import");
        assert_eq!(project.imports().expect("imports"), vec![first, second]);
    }

    #[test]
    fn a_failed_import_changes_nothing() {
        let mut project = Project::open_in_memory().expect("open");
        let before = full_estate();
        project.save_import(&before, &import(&["a.csv"], "{}")).expect("save");

        // The inventory is replaced first; the invalid summary then fails its
        // CHECK, and the transaction has to take the replacement back.
        let error = project
            .save_import(&generated_estate(50, 10, 100), &import(&["b.csv"], "{not json"))
            .expect_err("the summary is not json");
        assert!(matches!(error, StoreError::Sql { .. }), "{error:?}");
        assert_eq!(project.load_estate().expect("load"), before);
        assert_eq!(project.imports().expect("imports").len(), 1);
    }

    #[test]
    fn unstorable_estates_are_refused_before_anything_is_written() {
        let mut project = Project::open_in_memory().expect("open");
        let before = full_estate();
        project.save_estate(&before).expect("save");

        let mut nan = full_estate();
        nan.dependencies[2].weight = f64::NAN;
        let error = project.save_estate(&nan).expect_err("nan");
        assert_eq!(error.to_string(), "cannot store dependency 2 weight: not a number (nan)");

        let mut dangling = full_estate();
        dangling.applications[1].servers.push(ServerId(99));
        let error = project.save_import(&dangling, &import(&[], "{}")).expect_err("dangling server");
        assert_eq!(
            error.to_string(),
            "cannot store application 1 ('EHR test') servers: server 99 does not exist (there are 6)"
        );

        let mut dangling = full_estate();
        dangling.constraints.push(Constraint::Before { first: AppId(0), then: AppId(8), reason: None });
        assert!(matches!(project.save_estate(&dangling), Err(StoreError::Unstorable { .. })));

        let mut dangling = full_estate();
        dangling.dependencies[0].to = Endpoint::External(ExternalId(2));
        assert!(matches!(project.save_estate(&dangling), Err(StoreError::Unstorable { .. })));

        assert_eq!(project.load_estate().expect("load"), before);
        assert_eq!(project.imports().expect("imports"), vec![]);
    }

    /// Damages one value with raw SQL and returns the error loading reports.
    fn load_after(damage: &str) -> StoreError {
        let mut project = Project::open_in_memory().expect("open");
        project.save_estate(&full_estate()).expect("save");
        project.conn.execute_batch(damage).expect("damage");
        project.load_estate().expect_err("damaged")
    }

    fn corrupt_what(error: StoreError) -> String {
        match error {
            StoreError::Corrupt { what, .. } => what,
            other => panic!("expected corrupt, got {other:?}"),
        }
    }

    #[test]
    fn damaged_values_are_reported_as_corrupt_naming_the_place() {
        assert_eq!(
            corrupt_what(load_after("UPDATE servers SET os_family = 'beos' WHERE id = 1")),
            "servers 1 os_family"
        );
        assert_eq!(corrupt_what(load_after("UPDATE servers SET cores = -1 WHERE id = 0")), "servers 0 cores");
        assert_eq!(corrupt_what(load_after("UPDATE servers SET tags = '[1]' WHERE id = 2")), "servers 2 tags");
        assert_eq!(
            corrupt_what(load_after("UPDATE applications SET maintenance_window = '{}' WHERE id = 0")),
            "applications 0 maintenance_window"
        );
        assert_eq!(
            corrupt_what(load_after("UPDATE dependencies SET to_kind = 'planet' WHERE id = 3")),
            "dependencies 3 to_kind"
        );
        assert_eq!(
            corrupt_what(load_after("UPDATE dependencies SET from_id = 77 WHERE id = 0")),
            "dependencies 0 from_id"
        );
        assert_eq!(
            corrupt_what(load_after("UPDATE dependencies SET port = 70000 WHERE id = 0")),
            "dependencies 0 port"
        );
        assert_eq!(
            corrupt_what(load_after("UPDATE dependencies SET first_seen = '31/01/2024' WHERE id = 0")),
            "dependencies 0 first_seen"
        );
        assert_eq!(
            corrupt_what(load_after(
                "UPDATE constraints SET payload = '{\"kind\":\"pin-wave\",\"app\":99,\"wave\":1}' WHERE id = 4"
            )),
            "constraints 4 payload"
        );
        assert_eq!(corrupt_what(load_after("DELETE FROM externals WHERE id = 0")), "externals 1");
        assert_eq!(
            corrupt_what(load_after("PRAGMA foreign_keys = OFF; UPDATE application_servers SET server_id = 50")),
            "application_servers 0 server_id"
        );
    }

    #[test]
    fn vocabulary_is_stored_as_its_canonical_spelling() {
        let mut project = Project::open_in_memory().expect("open");
        project.save_estate(&full_estate()).expect("save");
        let kind: String =
            project.conn.query_row("SELECT kind FROM servers WHERE id = 2", [], |r| r.get(0)).expect("kind");
        assert_eq!(kind, ServerKind::Device.as_str());
        let tier: String =
            project.conn.query_row("SELECT tier FROM applications WHERE id = 0", [], |r| r.get(0)).expect("tier");
        assert_eq!(tier, "mission-critical");
        let (from_kind, protocol, seen): (String, String, String) = project
            .conn
            .query_row("SELECT from_kind, protocol, first_seen FROM dependencies WHERE id = 0", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("dependency");
        assert_eq!((from_kind.as_str(), protocol.as_str(), seen.as_str()), ("server", "tcp", "2024-01-31"));
        let kind: String =
            project.conn.query_row("SELECT kind FROM constraints WHERE id = 5", [], |r| r.get(0)).expect("kind");
        assert_eq!(kind, "not-before");
    }

    /// Saves `before`, writes `after` with `update_estate`, and checks that the
    /// file then holds `after`; returns the statements the write took.
    fn update_and_compare(before: &Estate, after: &Estate) -> u64 {
        let mut project = Project::open_in_memory().expect("open");
        project.save_estate(before).expect("save");
        let undo = EstateDelta::between(before, after);
        project.write(|w| w.update_estate(after, &undo)).expect("update");
        let loaded = project.load_estate().expect("load");
        assert_eq!(&loaded, after);
        project.statements_in_last_write()
    }

    #[test]
    fn an_update_writes_what_changed_and_the_file_equals_the_estate() {
        let before = full_estate();
        let unchanged = update_and_compare(&before, &before);
        // Seven length checks, deferring foreign keys, seven truncations, the commit.
        assert_eq!(unchanged, 16);

        let mut after = before.clone();
        after.applications[1].name = "EHR test (renamed)".into();
        after.applications[1].servers.reverse();
        let one_app = update_and_compare(&before, &after);
        let memberships = (after.applications[1].servers.len() + after.applications[1].datastores.len()) as u64;
        assert_eq!(one_app, unchanged + 2 + 1 + memberships, "two membership deletes, the row, its members");

        let mut after = before.clone();
        after.servers[3].cores = Some(64);
        after.datastores[0].server = Some(ServerId(1));
        after.externals[0].name = "renamed".into();
        after.dependencies[1].weight = 0.25;
        after.constraints[0] = Constraint::PinWave { app: AppId(0), wave: 3, reason: None };
        after.excluded.clear();
        update_and_compare(&before, &after);

        let mut after = before.clone();
        after.servers.push(Server { name: "new".into(), ..Default::default() });
        after.applications.push(Application { name: "new".into(), servers: vec![ServerId(6)], ..Default::default() });
        after.dependencies.push(after.dependencies[0].clone());
        update_and_compare(&before, &after);

        // Truncating the servers takes with it everything that pointed at them.
        let mut after = before.clone();
        after.servers.truncate(1);
        for app in &mut after.applications {
            app.servers.retain(|s| s.index() < 1);
        }
        for d in &mut after.datastores {
            d.server = d.server.filter(|s| s.index() < 1);
        }
        after
            .dependencies
            .retain(|d| [d.from, d.to].iter().all(|e| !matches!(e, Endpoint::Server(s) if s.index() >= 1)));
        update_and_compare(&before, &after);
        update_and_compare(&before, &Estate::default());
        update_and_compare(&Estate::default(), &before);
    }

    #[test]
    fn an_update_from_a_stale_delta_is_refused() {
        let mut project = Project::open_in_memory().expect("open");
        let before = full_estate();
        project.save_estate(&before).expect("save");
        let mut after = before.clone();
        after.servers.pop();
        let stale = EstateDelta::between(&Estate::default(), &after);
        let error = project.write(|w| w.update_estate(&after, &stale)).expect_err("stale");
        assert_eq!(
            error.to_string(),
            "cannot store estate delta: the file holds 6 servers, the delta was taken from 0"
        );
        assert_eq!(project.load_estate().expect("load"), before);
    }

    #[test]
    fn an_update_that_leaves_a_dangling_reference_is_refused() {
        let mut project = Project::open_in_memory().expect("open");
        let before = full_estate();
        project.save_estate(&before).expect("save");
        let mut after = before.clone();
        after.servers.truncate(1);
        let undo = EstateDelta::between(&before, &after);
        let error = project.write(|w| w.update_estate(&after, &undo)).expect_err("dangling");
        assert!(matches!(error, StoreError::Unstorable { .. }), "{error:?}");
        assert_eq!(project.load_estate().expect("load"), before);
    }

    /// Drops the references a truncation left dangling, as an edit would.
    fn repair(estate: &mut Estate) {
        let counts = Counts::of(estate);
        for app in &mut estate.applications {
            app.servers.retain(|s| s.index() < counts.servers);
            app.datastores.retain(|d| d.index() < counts.datastores);
        }
        for d in &mut estate.datastores {
            d.server = d.server.filter(|s| s.index() < counts.servers);
        }
        estate.dependencies.retain(|d| counts.check(d.from).is_ok() && counts.check(d.to).is_ok());
        estate.constraints.retain(|c| constraint_apps(c).iter().all(|a| a.index() < counts.applications));
    }

    /// One edit of the kind a user makes, chosen by `op` at record `at`.
    fn edit(estate: &mut Estate, op: u8, at: usize) {
        let pick = |len: usize| if len == 0 { None } else { Some(at % len) };
        match op {
            0 => {
                if let Some(i) = pick(estate.servers.len()) {
                    estate.servers[i].name.push_str(" (edited)");
                    estate.servers[i].cores = Some(at as u32);
                }
            }
            1 => {
                if let Some(i) = pick(estate.applications.len()) {
                    estate.applications[i].owner = Some(format!("owner {at}"));
                    estate.applications[i].servers.reverse();
                    estate.applications[i].datastores.pop();
                }
            }
            2 => estate.servers.push(Server { name: format!("new {at}"), ..Default::default() }),
            3 => {
                let servers = (0..estate.servers.len().min(3)).map(|i| ServerId(i as u32)).collect();
                estate.applications.push(Application { name: format!("app {at}"), servers, ..Default::default() });
            }
            4 => {
                if let Some(i) = pick(estate.datastores.len()) {
                    estate.datastores[i].server = pick(estate.servers.len()).map(|s| ServerId(s as u32));
                    estate.datastores[i].size_gb = Some(at as f64 / 3.0);
                }
            }
            5 => {
                if let Some(i) = pick(estate.dependencies.len()) {
                    estate.dependencies[i].weight = at as f64;
                    estate.dependencies[i].infrastructure = Some("dns".into());
                }
            }
            6 => {
                if let Some(first) = estate.dependencies.first().cloned() {
                    estate.dependencies.push(first);
                }
            }
            7 => estate.externals.push(ExternalEndpoint { name: format!("partner {at}") }),
            8 => {
                if let Some(i) = pick(estate.excluded.len()) {
                    estate.excluded[i].reason = format!("reason {at}");
                } else {
                    estate.excluded.push(Excluded { name: "x".into(), reason: "retired".into() });
                }
            }
            9 => {
                if let Some(i) = pick(estate.applications.len()) {
                    estate.constraints.push(Constraint::PinWave { app: AppId(i as u32), wave: 2, reason: None });
                }
            }
            10 => estate.servers.truncate(at % (estate.servers.len() + 1)),
            11 => estate.applications.truncate(at % (estate.applications.len() + 1)),
            12 => estate.datastores.truncate(at % (estate.datastores.len() + 1)),
            13 => estate.externals.truncate(at % (estate.externals.len() + 1)),
            14 => estate.dependencies.truncate(at % (estate.dependencies.len() + 1)),
            15 => estate.constraints.truncate(at % (estate.constraints.len() + 1)),
            _ => estate.excluded.truncate(at % (estate.excluded.len() + 1)),
        }
        repair(estate);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// A run of random edits, each saved with `update_estate`: after each,
        /// the file loads exactly as the edited estate.
        #[test]
        fn updates_after_random_edits_load_back_exactly(
            edits in proptest::collection::vec(proptest::collection::vec((0u8..17, 0usize..50), 1..4), 1..6)
        ) {
            let mut project = Project::open_in_memory().expect("open");
            let mut now = full_estate();
            project.save_estate(&now).expect("save");
            for step in edits {
                let before = now.clone();
                for (op, at) in step {
                    edit(&mut now, op, at);
                }
                let undo = EstateDelta::between(&before, &now);
                project.write(|w| w.update_estate(&now, &undo)).expect("update");
                proptest::prop_assert_eq!(&project.load_estate().expect("load"), &now);
            }
        }
    }
}
