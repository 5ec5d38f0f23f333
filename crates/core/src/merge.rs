//! Merging what an import read into the estate.
//!
//! Importers produce a [`Batch`]: records that refer to each other by name,
//! each with the place it was read. [`merge`] resolves the names, updates
//! records that already exist (matched case-insensitively by name, FQDN or
//! short host name), and reports problems as diagnostics. Merging the same
//! batch twice leaves the estate as merging it once did, so re-importing a
//! newer export of a source updates the inventory instead of duplicating it.

mod conflict;

use std::collections::{HashMap, HashSet, hash_map::Entry};

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Origin};
pub use conflict::{
    Choice, Conflict, RESOLVED_SOURCE, RecordKind, Resolution, Resolutions, SourcedValue, parse_value, value_text,
};

use crate::model::{
    AppId, Application, Constraint, DataStore, DataStoreId, Dependency, DependencyKind, Endpoint, Estate, Excluded,
    ExternalEndpoint, ExternalId, Protocol, Server, ServerId,
};

/// A record with the place it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// The record.
    pub value: T,
    /// Where it was read.
    pub origin: Origin,
}

/// What kind of record a name refers to, when the source says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// A server or device.
    Server,
    /// An application.
    Application,
    /// A data store.
    DataStore,
    /// Something outside the inventory.
    External,
    /// An IP address (from connection data): resolved to the server that has
    /// it, or kept as an external endpoint named by the address.
    Address,
}

/// A reference by name to another record, with the column it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct NameRef {
    /// The name as written.
    pub name: String,
    /// The kind, when the source says.
    pub kind: Option<RefKind>,
    /// The 1-based column, for diagnostics.
    pub column: Option<u64>,
}

/// A data store whose hosting server is named, not resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct DataStoreRecord {
    /// The data store, with `server` unset.
    pub datastore: DataStore,
    /// The hosting server's name.
    pub server: Option<NameRef>,
}

/// "This server or data store belongs to this application".
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRecord {
    /// The application.
    pub application: NameRef,
    /// The server or data store.
    pub member: NameRef,
}

/// A dependency whose ends are named, not resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct DependencyRecord {
    /// The dependent side.
    pub from: NameRef,
    /// The side depended on.
    pub to: NameRef,
    /// Destination port.
    pub port: Option<u16>,
    /// Protocol.
    pub protocol: Protocol,
    /// Observed, declared or manual.
    pub kind: DependencyKind,
    /// Weight, 1 when unknown.
    pub weight: f64,
    /// Latency-sensitive.
    pub latency_sensitive: bool,
    /// Shared-infrastructure role of the service reached, if classified.
    pub infrastructure: Option<String>,
    /// First seen.
    pub first_seen: Option<NaiveDate>,
    /// Last seen.
    pub last_seen: Option<NaiveDate>,
}

/// A constraint between named applications.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstraintRecord {
    /// Move these together.
    MoveTogether(Vec<NameRef>),
    /// Keep these two apart.
    KeepApart(NameRef, NameRef),
    /// The first strictly before the second.
    Before(NameRef, NameRef),
    /// Pin to a wave.
    PinWave(NameRef, u32),
    /// Not before a date.
    NotBefore(NameRef, NaiveDate),
    /// Not after a date.
    NotAfter(NameRef, NaiveDate),
}

/// Everything one import read, before it joins the estate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Servers and devices.
    pub servers: Vec<Located<Server>>,
    /// Applications, with no members yet.
    pub applications: Vec<Located<Application>>,
    /// Data stores.
    pub datastores: Vec<Located<DataStoreRecord>>,
    /// Memberships.
    pub members: Vec<Located<MemberRecord>>,
    /// Dependencies, with the source label they carry.
    pub dependencies: Vec<Located<(DependencyRecord, String)>>,
    /// Constraints, with the reason the source gives.
    pub constraints: Vec<Located<(ConstraintRecord, Option<String>)>>,
    /// Records the source had that are not migration candidates.
    pub excluded: Vec<Excluded>,
    /// The format id of each file read (file name to id), for provenance and
    /// source precedence.
    pub formats: std::collections::BTreeMap<String, String>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The short host name of a name or FQDN: `ehr-app01.hospital.local` → `ehr-app01`.
fn short_name(name: &str) -> Option<String> {
    let name = key(name);
    // An IPv4 address is not a host name to shorten.
    if name.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    name.split_once('.').map(|(short, _)| short.to_string())
}

/// Tags that identify a machine in its source system.
pub const IDENTITY_TAGS: [&str; 5] = ["vm_uuid", "moref", "sys_id", "machine_id", "external_id"];

fn identities(server: &Server) -> impl Iterator<Item = String> + '_ {
    IDENTITY_TAGS.iter().filter_map(|tag| server.tags.get(*tag).map(|value| format!("{tag}={}", key(value))))
}

/// An IP address in one spelling (`2001:DB8:0:0::1` and `2001:db8::1` are
/// the same address); anything else lower-cased.
fn address_key(text: &str) -> String {
    let text = text.trim();
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    let bare = bare.split('%').next().unwrap_or(bare);
    match bare.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map_or_else(|| v6.to_string(), |v4| v4.to_string()),
        Ok(ip) => ip.to_string(),
        Err(_) => key(text),
    }
}

fn mac_key(mac: &str) -> String {
    mac.chars().filter(char::is_ascii_hexdigit).flat_map(|c| c.to_lowercase()).collect()
}

/// Name lookups over an estate, kept up to date while a batch is merged.
struct Index {
    servers: HashMap<String, ServerId>,
    servers_short: HashMap<String, ServerId>,
    addresses: HashMap<String, ServerId>,
    macs: HashMap<String, ServerId>,
    identities: HashMap<String, ServerId>,
    apps: HashMap<String, AppId>,
    datastores: HashMap<String, DataStoreId>,
    externals: HashMap<String, ExternalId>,
}

impl Index {
    fn new(estate: &Estate) -> Index {
        let mut index = Index {
            servers: HashMap::new(),
            servers_short: HashMap::new(),
            addresses: HashMap::new(),
            macs: HashMap::new(),
            identities: HashMap::new(),
            apps: HashMap::new(),
            datastores: HashMap::new(),
            externals: HashMap::new(),
        };
        for id in estate.server_ids() {
            index.add_server(estate.server(id), id);
        }
        for id in estate.app_ids() {
            index.apps.insert(key(&estate.application(id).name), id);
        }
        for (i, store) in estate.datastores.iter().enumerate() {
            index.datastores.insert(key(&store.name), DataStoreId(i as u32));
        }
        for (i, external) in estate.externals.iter().enumerate() {
            index.externals.insert(key(&external.name), ExternalId(i as u32));
        }
        index
    }

    fn add_server(&mut self, server: &Server, id: ServerId) {
        self.servers.entry(key(&server.name)).or_insert(id);
        if let Some(fqdn) = &server.fqdn {
            self.servers.entry(key(fqdn)).or_insert(id);
        }
        for name in [Some(&server.name), server.fqdn.as_ref()].into_iter().flatten() {
            if let Some(short) = short_name(name) {
                self.servers_short.entry(short).or_insert(id);
            }
        }
        for address in &server.ip_addresses {
            self.addresses.entry(address_key(address)).or_insert(id);
        }
        for mac in &server.mac_addresses {
            self.macs.entry(mac_key(mac)).or_insert(id);
        }
        for identity in identities(server) {
            self.identities.entry(identity).or_insert(id);
        }
    }

    /// The server that a record from another source describes: matched by
    /// name, FQDN or short name, then by hypervisor or CMDB identity (VM UUID,
    /// MoRef, sys_id, machine id), then by MAC, then by IP address.
    fn match_server(&self, server: &Server) -> Option<ServerId> {
        self.server(&server.name)
            .or_else(|| server.fqdn.as_deref().and_then(|fqdn| self.server(fqdn)))
            .or_else(|| identities(server).find_map(|i| self.identities.get(&i).copied()))
            .or_else(|| server.mac_addresses.iter().find_map(|m| self.macs.get(&mac_key(m)).copied()))
            .or_else(|| server.ip_addresses.iter().find_map(|a| self.addresses.get(&address_key(a)).copied()))
    }

    fn server(&self, name: &str) -> Option<ServerId> {
        let name = key(name);
        self.servers
            .get(&name)
            .or_else(|| self.servers_short.get(&name))
            .or_else(|| short_name(&name).and_then(|short| self.servers.get(&short)))
            .copied()
    }

    fn resolve(&self, reference: &NameRef) -> Option<Endpoint> {
        let name = &reference.name;
        let server = || self.server(name).map(Endpoint::Server);
        let app = || self.apps.get(&key(name)).copied().map(Endpoint::Application);
        let store = || self.datastores.get(&key(name)).copied().map(Endpoint::DataStore);
        let external = || self.externals.get(&key(name)).copied().map(Endpoint::External);
        match reference.kind {
            Some(RefKind::Server) => server(),
            Some(RefKind::Application) => app(),
            Some(RefKind::DataStore) => store(),
            Some(RefKind::External) => external(),
            Some(RefKind::Address) => {
                self.addresses.get(&address_key(name)).copied().map(Endpoint::Server).or_else(external)
            }
            None => server()
                .or_else(store)
                .or_else(app)
                .or_else(|| self.addresses.get(&address_key(name)).copied().map(Endpoint::Server))
                .or_else(external),
        }
    }
}

/// Which source wins when two say different things about one field.
///
/// Sources are named by format id (`native`, `servicenow-servers`,
/// `rvtools`, ...); the first in the list wins. A source not in the list ranks
/// after every listed one; two unlisted sources, or two files of one format,
/// let the newer import win (that is how re-importing a newer export updates).
/// A [`Resolution`] settles one field of one record over the precedence.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MergePolicy {
    /// Format ids, most trusted first.
    pub precedence: Vec<String>,
    /// Conflicts the user settled one by one.
    #[serde(default, skip_serializing_if = "Resolutions::is_empty")]
    pub resolutions: Resolutions,
}

impl Default for MergePolicy {
    fn default() -> Self {
        // What a person typed beats a CMDB, which beats what a hypervisor or a
        // discovery tool measured, which beats a migration tool's intake form.
        let order = [
            "native",
            "mapped",
            "servicenow-servers",
            "rvtools",
            "rvtools-csv",
            "azure-migrate-import",
            "azure-migrate-export",
            "aws-migration-hub",
            "gmc",
            "cmf",
            "cmf-tags",
        ];
        MergePolicy { precedence: order.iter().map(|s| s.to_string()).collect(), resolutions: Resolutions::default() }
    }
}

impl MergePolicy {
    /// A policy of this precedence and no resolutions.
    pub fn with_precedence(precedence: Vec<String>) -> MergePolicy {
        MergePolicy { precedence, resolutions: Resolutions::default() }
    }

    fn rank(&self, source: &str) -> usize {
        let format = conflict::format_of(source);
        self.precedence.iter().position(|p| p == format).unwrap_or(self.precedence.len())
    }
}

/// What a merge found: every diagnostic (conflicts among them, as warnings)
/// and the conflicts themselves, for the user to settle one by one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    /// Problems found, in the order met.
    pub diagnostics: Vec<Diagnostic>,
    /// Fields that sources disagree on, with the value kept.
    pub conflicts: Vec<Conflict>,
}

/// The provenance label of a record: `format:file` when the format is known.
fn source_label(formats: &std::collections::BTreeMap<String, String>, file: &str) -> String {
    match formats.get(file) {
        Some(format) => format!("{format}:{file}"),
        None => file.to_string(),
    }
}

/// Merges one record's fields into another, keeping provenance and
/// reporting conflicts between sources.
struct FieldMerge<'a> {
    source: &'a str,
    policy: &'a MergePolicy,
    origin: &'a Origin,
    kind: RecordKind,
    /// The record's name in the estate.
    record: String,
    diagnostics: &'a mut Vec<Diagnostic>,
    conflicts: &'a mut Vec<Conflict>,
}

impl FieldMerge<'_> {
    fn take<T: PartialEq + Clone + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned>(
        &mut self,
        field: &str,
        target: &mut Option<T>,
        new: &Option<T>,
        provenance: &mut crate::model::Provenance,
    ) {
        let Some(value) = new else { return };
        let choice = self.policy.resolutions.get(self.kind, &self.record, field).map(|r| &r.choice);
        if let Some(Choice::Value(text)) = choice {
            self.take_typed(field, target, value, text, provenance);
            return;
        }
        if target.as_ref() == Some(value) {
            provenance.entry(field.to_string()).or_insert_with(|| self.source.to_string());
            return;
        }
        if let (Some(existing), Some(existing_source)) = (target.as_ref(), provenance.get(field)) {
            let format = |label: &str| label.split_once(':').map(|(format, _)| format.to_string());
            let same_format = format(existing_source) == format(self.source);
            // Two sources naming the same thing in their own words agree:
            // the one ranked first keeps its words, and nobody is warned.
            if existing_source != self.source
                && !same_format
                && same_meaning(field, &value_text(existing), &value_text(value))
            {
                if self.policy.rank(self.source) < self.policy.rank(existing_source) {
                    *target = Some(value.clone());
                    provenance.insert(field.to_string(), self.source.to_string());
                }
                return;
            }
            if existing_source != self.source && !same_format {
                let resolved = match choice {
                    Some(Choice::Source(chosen)) if conflict::names_source(chosen, self.source) => Some(true),
                    Some(Choice::Source(chosen)) if conflict::names_source(chosen, existing_source) => Some(false),
                    _ => None,
                };
                let new_wins =
                    resolved.unwrap_or_else(|| self.policy.rank(self.source) < self.policy.rank(existing_source));
                let shown = |v: &dyn std::fmt::Debug| format!("{v:?}").trim_matches('"').to_string();
                let (kept, kept_from) =
                    if new_wins { (shown(value), self.source) } else { (shown(existing), existing_source.as_str()) };
                let rule = if resolved.is_some() { "settled by the user" } else { "source precedence" };
                self.diagnostics.push(Diagnostic::warning_at(
                    self.origin,
                    None,
                    format!(
                        "'{}' {field}: {} says {}, {} says {}; kept {kept} from {kept_from} ({rule})",
                        self.record,
                        existing_source,
                        shown(existing),
                        self.source,
                        shown(value),
                    ),
                ));
                let old = SourcedValue { source: existing_source.clone(), value: value_text(existing) };
                let new = SourcedValue { source: self.source.to_string(), value: value_text(value) };
                let kept = if new_wins { new.clone() } else { old.clone() };
                self.record_conflict(field, [old, new], kept, resolved.is_some());
                if !new_wins {
                    return;
                }
            }
        }
        *target = Some(value.clone());
        provenance.insert(field.to_string(), self.source.to_string());
    }

    /// A field the user gave the value of: it stands whatever the source
    /// says; a source that says otherwise is a conflict settled by the user.
    fn take_typed<T: PartialEq + Clone + serde::Serialize + serde::de::DeserializeOwned>(
        &mut self,
        field: &str,
        target: &mut Option<T>,
        value: &T,
        text: &str,
        provenance: &mut crate::model::Provenance,
    ) {
        let Some(typed) = parse_value::<T>(text) else {
            self.diagnostics.push(Diagnostic::error_at(
                self.origin,
                None,
                format!(
                    "'{}' {field}: the value '{text}' given to settle a conflict is not a valid {field}",
                    self.record
                ),
            ));
            return;
        };
        if *value != typed {
            let given = SourcedValue { source: RESOLVED_SOURCE.into(), value: value_text(&typed) };
            let said = SourcedValue { source: self.source.to_string(), value: value_text(value) };
            self.record_conflict(field, [said, given.clone()], given, true);
        }
        *target = Some(typed);
        provenance.insert(field.to_string(), RESOLVED_SOURCE.to_string());
    }

    /// Adds the values to the conflict of this field, or starts one.
    fn record_conflict(&mut self, field: &str, values: [SourcedValue; 2], kept: SourcedValue, resolved: bool) {
        let existing =
            self.conflicts.iter_mut().find(|c| c.record == self.kind && c.name == self.record && c.field == field);
        match existing {
            Some(conflict) => {
                for value in values {
                    if !conflict.values.contains(&value) {
                        conflict.values.push(value);
                    }
                }
                conflict.kept = kept;
                conflict.resolved |= resolved;
            }
            None => self.conflicts.push(Conflict {
                record: self.kind,
                name: self.record.clone(),
                field: field.to_string(),
                values: values.to_vec(),
                kept,
                resolved,
            }),
        }
    }
}

/// Whether two texts of `field` say the same thing in different words: an
/// operating system as VMware names it ("Microsoft Windows Server 2019
/// (64-bit)", "Ubuntu Linux (64-bit)") and as the CMDB or the system itself
/// does ("Windows Server 2019 Standard", "Ubuntu 22.04 LTS"). VMware's
/// names leave out the edition, the release and often the minor version, so
/// a name whose words are all in the other's is less precise, not
/// different; two versions are (RHEL 7 against RHEL 8.6).
fn same_meaning(field: &str, a: &str, b: &str) -> bool {
    if field != "os_name" {
        return false;
    }
    const NOISE: &[&str] = &[
        "microsoft",
        "(64-bit)",
        "(32-bit)",
        "64-bit",
        "32-bit",
        "standard",
        "datacenter",
        "enterprise",
        "essentials",
        "edition",
        "linux",
    ];
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split_whitespace()
            .filter(|w| !NOISE.contains(w))
            .map(|w| w.trim_matches(|c: char| c == '(' || c == ')' || c == ',').to_string())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let within = |x: &[String], y: &[String]| !x.is_empty() && x.iter().all(|w| y.contains(w));
    within(&a, &b) || within(&b, &a)
}

/// Merges the listed optional fields of `$new` into `$target`.
macro_rules! merge_fields {
    ($merge:expr, $target:expr, $new:expr, [$($field:ident),* $(,)?]) => {
        $( $merge.take(stringify!($field), &mut $target.$field, &$new.$field, &mut $target.provenance); )*
    };
}

fn merge_list(target: &mut Vec<String>, new: &[String]) {
    for item in new {
        if !target.iter().any(|existing| existing.eq_ignore_ascii_case(item)) {
            target.push(item.clone());
        }
    }
}

fn merge_server(merge: &mut FieldMerge<'_>, target: &mut Server, new: &Server) {
    merge_fields!(
        merge,
        target,
        new,
        [
            fqdn,
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
        ]
    );
    merge_list(&mut target.ip_addresses, &new.ip_addresses);
    merge_list(&mut target.mac_addresses, &new.mac_addresses);
    target.tags.extend(new.tags.clone());
}

fn merge_application(merge: &mut FieldMerge<'_>, target: &mut Application, new: &Application) {
    merge_fields!(
        merge,
        target,
        new,
        [
            owner,
            business_unit,
            tier,
            rto_minutes,
            rpo_minutes,
            strategy,
            maintenance_window,
            dr_current,
            dr_target,
            environment,
            copy_of,
            role,
        ]
    );
    merge_list(&mut target.compliance, &new.compliance);
    target.tags.extend(new.tags.clone());
}

fn merge_datastore(merge: &mut FieldMerge<'_>, target: &mut DataStore, new: &DataStore) {
    merge_fields!(merge, target, new, [kind, engine, size_gb, change_gb_per_day, server, method]);
    target.tags.extend(new.tags.clone());
}

/// Merges `batch` into `estate` and returns what was found wrong on the way.
///
/// Errors (duplicates within one file, constraints on unknown applications) are
/// reported but the estate is still updated; the caller decides whether to keep
/// it. Unknown names in dependencies become external endpoints with a warning.
pub fn merge(estate: &mut Estate, batch: Batch) -> Vec<Diagnostic> {
    merge_with(estate, batch, &MergePolicy::default())
}

/// [`merge`] with a chosen source precedence.
pub fn merge_with(estate: &mut Estate, batch: Batch, policy: &MergePolicy) -> Vec<Diagnostic> {
    merge_report(estate, batch, policy).diagnostics
}

/// [`merge_with`], returning the conflicts between sources besides the
/// diagnostics, for the user to settle one by one.
pub fn merge_report(estate: &mut Estate, batch: Batch, policy: &MergePolicy) -> MergeReport {
    let mut diagnostics = Vec::new();
    let mut conflicts = Vec::new();
    let mut index = Index::new(estate);

    // Servers. A name seen twice in one file is an error; a server already in
    // the estate, or seen in another file of this import, is an update.
    let mut seen: HashMap<(String, String), Origin> = HashMap::new();
    for Located { value: server, origin } in batch.servers {
        match seen.entry((origin.file.clone(), key(&server.name))) {
            Entry::Occupied(first) => {
                diagnostics.push(Diagnostic::error_at(
                    &origin,
                    None,
                    format!(
                        "duplicate server name '{}' (first on line {})",
                        server.name,
                        first.get().line.unwrap_or(0)
                    ),
                ));
                continue;
            }
            Entry::Vacant(slot) => {
                slot.insert(origin.clone());
            }
        }
        let source = source_label(&batch.formats, &origin.file);
        let matched = index.match_server(&server);
        let mut fields = FieldMerge {
            source: &source,
            policy,
            origin: &origin,
            kind: RecordKind::Server,
            record: matched.map_or_else(|| server.name.clone(), |id| estate.servers[id.index()].name.clone()),
            diagnostics: &mut diagnostics,
            conflicts: &mut conflicts,
        };
        match matched {
            Some(id) => {
                merge_server(&mut fields, &mut estate.servers[id.index()], &server);
                index.add_server(&estate.servers[id.index()].clone(), id);
            }
            None => {
                let id = ServerId(estate.servers.len() as u32);
                let mut fresh = Server { name: server.name.clone(), ..Server::default() };
                merge_server(&mut fields, &mut fresh, &server);
                fresh.provenance.insert("name".into(), source.clone());
                index.add_server(&fresh, id);
                estate.servers.push(fresh);
            }
        }
    }

    seen.clear();
    for Located { value: app, origin } in batch.applications {
        if let Entry::Occupied(first) = seen.entry((origin.file.clone(), key(&app.name))) {
            diagnostics.push(Diagnostic::error_at(
                &origin,
                None,
                format!("duplicate application name '{}' (first on line {})", app.name, first.get().line.unwrap_or(0)),
            ));
            continue;
        }
        seen.insert((origin.file.clone(), key(&app.name)), origin.clone());
        let source = source_label(&batch.formats, &origin.file);
        let matched = index.apps.get(&key(&app.name)).copied();
        let mut fields = FieldMerge {
            source: &source,
            policy,
            origin: &origin,
            kind: RecordKind::Application,
            record: matched.map_or_else(|| app.name.clone(), |id| estate.applications[id.index()].name.clone()),
            diagnostics: &mut diagnostics,
            conflicts: &mut conflicts,
        };
        match matched {
            Some(id) => merge_application(&mut fields, &mut estate.applications[id.index()], &app),
            None => {
                let id = AppId(estate.applications.len() as u32);
                let mut fresh = Application { name: app.name.clone(), ..Application::default() };
                merge_application(&mut fields, &mut fresh, &app);
                fresh.provenance.insert("name".into(), source.clone());
                index.apps.insert(key(&app.name), id);
                estate.applications.push(fresh);
            }
        }
    }

    seen.clear();
    for Located { value: record, origin } in batch.datastores {
        let name = record.datastore.name.clone();
        if let Entry::Occupied(first) = seen.entry((origin.file.clone(), key(&name))) {
            diagnostics.push(Diagnostic::error_at(
                &origin,
                None,
                format!("duplicate data store name '{name}' (first on line {})", first.get().line.unwrap_or(0)),
            ));
            continue;
        }
        seen.insert((origin.file.clone(), key(&name)), origin.clone());
        let mut store = record.datastore;
        if let Some(server) = &record.server {
            store.server = index.server(&server.name);
            if store.server.is_none() {
                diagnostics.push(Diagnostic::warning_at(
                    &origin,
                    server.column,
                    format!("data store '{name}' names unknown server '{}'", server.name),
                ));
            }
        }
        let source = source_label(&batch.formats, &origin.file);
        let matched = index.datastores.get(&key(&name)).copied();
        let mut fields = FieldMerge {
            source: &source,
            policy,
            origin: &origin,
            kind: RecordKind::DataStore,
            record: matched.map_or_else(|| name.clone(), |id| estate.datastores[id.index()].name.clone()),
            diagnostics: &mut diagnostics,
            conflicts: &mut conflicts,
        };
        match matched {
            Some(id) => merge_datastore(&mut fields, &mut estate.datastores[id.index()], &store),
            None => {
                let id = DataStoreId(estate.datastores.len() as u32);
                let mut fresh = DataStore { name: name.clone(), ..DataStore::default() };
                merge_datastore(&mut fields, &mut fresh, &store);
                fresh.provenance.insert("name".into(), source.clone());
                index.datastores.insert(key(&name), id);
                estate.datastores.push(fresh);
            }
        }
    }

    for Located { value: member, origin } in batch.members {
        let Some(&app) = index.apps.get(&key(&member.application.name)) else {
            diagnostics.push(Diagnostic::warning_at(
                &origin,
                member.application.column,
                format!("membership names unknown application '{}'", member.application.name),
            ));
            continue;
        };
        let application = &mut estate.applications[app.index()];
        match index.resolve(&member.member) {
            Some(Endpoint::Server(id)) => {
                if !application.servers.contains(&id) {
                    application.servers.push(id);
                }
            }
            Some(Endpoint::DataStore(id)) => {
                if !application.datastores.contains(&id) {
                    application.datastores.push(id);
                }
            }
            _ => diagnostics.push(Diagnostic::warning_at(
                &origin,
                member.member.column,
                format!(
                    "membership of '{}' names unknown server or data store '{}'",
                    application.name, member.member.name
                ),
            )),
        }
    }

    let mut existing: HashMap<(Endpoint, Endpoint, Option<u16>, Protocol), usize> =
        estate.dependencies.iter().enumerate().map(|(i, d)| ((d.from, d.to, d.port, d.protocol), i)).collect();
    let mut warned_unknown: HashSet<String> = HashSet::new();
    let mut added: HashSet<usize> = HashSet::new();
    for Located { value: (record, source), origin } in batch.dependencies {
        let mut resolve = |reference: &NameRef, estate: &mut Estate, index: &mut Index| -> Endpoint {
            if let Some(endpoint) = index.resolve(reference) {
                return endpoint;
            }
            if !matches!(reference.kind, Some(RefKind::External | RefKind::Address))
                && warned_unknown.insert(key(&reference.name))
            {
                diagnostics.push(Diagnostic::warning_at(
                    &origin,
                    reference.column,
                    format!("dependency names unknown server '{}': kept as an external endpoint", reference.name),
                ));
            }
            let id = ExternalId(estate.externals.len() as u32);
            estate.externals.push(ExternalEndpoint { name: reference.name.trim().to_string() });
            index.externals.insert(key(&reference.name), id);
            Endpoint::External(id)
        };
        let from = resolve(&record.from, estate, &mut index);
        let to = resolve(&record.to, estate, &mut index);
        if from == to {
            continue;
        }
        let dependency = Dependency {
            from,
            to,
            port: record.port,
            protocol: record.protocol,
            kind: record.kind,
            weight: record.weight,
            latency_sensitive: record.latency_sensitive,
            infrastructure: record.infrastructure,
            first_seen: record.first_seen,
            last_seen: record.last_seen,
            source,
        };
        match existing.entry((from, to, record.port, record.protocol)) {
            // Seen twice in this import (a capture at each end of one
            // connection, two addresses of one server): one dependency with
            // the observations added up.
            Entry::Occupied(slot) if added.contains(slot.get()) => {
                let combined = &mut estate.dependencies[*slot.get()];
                combined.weight += dependency.weight;
                combined.latency_sensitive |= dependency.latency_sensitive;
                combined.first_seen = match (combined.first_seen, dependency.first_seen) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                combined.last_seen = combined.last_seen.max(dependency.last_seen);
                if combined.infrastructure.is_none() {
                    combined.infrastructure = dependency.infrastructure;
                }
            }
            // Already in the project from an earlier import: the newer export replaces it.
            Entry::Occupied(slot) => {
                added.insert(*slot.get());
                estate.dependencies[*slot.get()] = dependency;
            }
            Entry::Vacant(slot) => {
                slot.insert(estate.dependencies.len());
                added.insert(estate.dependencies.len());
                estate.dependencies.push(dependency);
            }
        }
    }

    for Located { value: (record, reason), origin } in batch.constraints {
        let mut app = |reference: &NameRef| -> Option<AppId> {
            let found = index.apps.get(&key(&reference.name)).copied();
            if found.is_none() {
                diagnostics.push(Diagnostic::error_at(
                    &origin,
                    reference.column,
                    format!("constraint names unknown application '{}'", reference.name),
                ));
            }
            found
        };
        let constraint = match record {
            ConstraintRecord::MoveTogether(names) => {
                let apps: Vec<AppId> = names.iter().filter_map(&mut app).collect();
                (apps.len() == names.len()).then_some(Constraint::MoveTogether { apps, reason })
            }
            ConstraintRecord::KeepApart(a, b) => match (app(&a), app(&b)) {
                (Some(a), Some(b)) => Some(Constraint::KeepApart { a, b, reason }),
                _ => None,
            },
            ConstraintRecord::Before(a, b) => match (app(&a), app(&b)) {
                (Some(first), Some(then)) => Some(Constraint::Before { first, then, reason }),
                _ => None,
            },
            ConstraintRecord::PinWave(a, wave) => app(&a).map(|app| Constraint::PinWave { app, wave, reason }),
            ConstraintRecord::NotBefore(a, date) => app(&a).map(|app| Constraint::NotBefore { app, date, reason }),
            ConstraintRecord::NotAfter(a, date) => app(&a).map(|app| Constraint::NotAfter { app, date, reason }),
        };
        if let Some(constraint) = constraint
            && !estate.constraints.contains(&constraint)
        {
            estate.constraints.push(constraint);
        }
    }

    for excluded in batch.excluded {
        if !estate.excluded.contains(&excluded) {
            estate.excluded.push(excluded);
        }
    }
    MergeReport { diagnostics, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(name: &str, cores: Option<u32>) -> Located<Server> {
        Located {
            value: Server { name: name.into(), cores, ..Server::default() },
            origin: Origin::new("servers.csv", 2),
        }
    }

    fn name(text: &str) -> NameRef {
        NameRef { name: text.into(), kind: None, column: Some(1) }
    }

    fn dependency(from: &str, to: &str) -> Located<(DependencyRecord, String)> {
        let record = DependencyRecord {
            from: name(from),
            to: name(to),
            port: Some(443),
            protocol: Protocol::Tcp,
            kind: DependencyKind::Observed,
            weight: 10.0,
            latency_sensitive: false,
            infrastructure: None,
            first_seen: None,
            last_seen: None,
        };
        Located { value: (record, "deps.csv".into()), origin: Origin::new("deps.csv", 2) }
    }

    #[test]
    fn merging_twice_is_merging_once() {
        let batch = Batch {
            servers: vec![server("web01", Some(2)), server("db01", None)],
            dependencies: vec![dependency("web01", "db01")],
            ..Batch::default()
        };
        let mut estate = Estate::default();
        assert!(merge(&mut estate, batch.clone()).is_empty());
        let once = estate.clone();
        assert!(merge(&mut estate, batch).is_empty());
        assert_eq!(estate, once);
    }

    #[test]
    fn one_server_in_three_sources_becomes_one_with_provenance_and_conflicts() {
        let located = |server: Server, file: &str| Located { value: server, origin: Origin::new(file, 2) };
        let rvtools = Server {
            name: "EHR-APP01".into(),
            cores: Some(4),
            memory_gb: Some(16.0),
            mac_addresses: vec!["00:50:56:AA:BB:CC".into()],
            tags: [("vm_uuid".to_string(), "4210-ABCD".to_string())].into(),
            ..Server::default()
        };
        let cmdb = Server {
            name: "ehr-app01.hospital.local".into(),
            fqdn: Some("ehr-app01.hospital.local".into()),
            cores: Some(8),
            ip_addresses: vec!["10.1.2.3".into()],
            ..Server::default()
        };
        // A discovery tool that only knows the MAC address and calls it by another name.
        let discovery = Server {
            name: "VM-00412".into(),
            mac_addresses: vec!["00-50-56-aa-bb-cc".into()],
            os_name: Some("RHEL 8".into()),
            ..Server::default()
        };
        let mut batch = Batch {
            servers: vec![located(rvtools, "rv.xlsx"), located(cmdb, "cmdb.csv"), located(discovery, "azure.csv")],
            ..Batch::default()
        };
        batch.formats =
            [("rv.xlsx", "rvtools"), ("cmdb.csv", "servicenow-servers"), ("azure.csv", "azure-migrate-import")]
                .map(|(f, id)| (f.to_string(), id.to_string()))
                .into();
        let mut estate = Estate::default();
        let diagnostics = merge(&mut estate, batch);
        assert_eq!(estate.servers.len(), 1, "{:?}", estate.servers);
        let server = &estate.servers[0];
        assert_eq!(server.cores, Some(8), "the CMDB outranks RVTools by default");
        assert_eq!(server.os_name.as_deref(), Some("RHEL 8"));
        assert_eq!(server.provenance["cores"], "servicenow-servers:cmdb.csv");
        assert_eq!(server.provenance["memory_gb"], "rvtools:rv.xlsx");
        assert_eq!(diagnostics.len(), 1);
        assert!(
            diagnostics[0]
                .message
                .contains("cores: rvtools:rv.xlsx says 4, servicenow-servers:cmdb.csv says 8; kept 8"),
            "{}",
            diagnostics[0]
        );

        // The same operating system in VMware's words and the CMDB's is no
        // disagreement: the CMDB's words are kept, nobody is warned; two
        // versions still are.
        let mut quiet = Estate::default();
        let os = |name: &str, os: &str| Server { name: name.into(), os_name: Some(os.into()), ..Server::default() };
        let batch = Batch {
            servers: vec![
                located(os("a", "Microsoft Windows Server 2019 (64-bit)"), "rv.xlsx"),
                located(os("a", "Windows Server 2019 Standard"), "cmdb.csv"),
                located(os("b", "Ubuntu Linux (64-bit)"), "rv.xlsx"),
                located(os("b", "Ubuntu 22.04 LTS"), "cmdb.csv"),
                located(os("c", "Red Hat Enterprise Linux 7 (64-bit)"), "rv.xlsx"),
                located(os("c", "Red Hat Enterprise Linux 8.6"), "cmdb.csv"),
            ],
            formats: [("rv.xlsx", "rvtools"), ("cmdb.csv", "servicenow-servers")]
                .map(|(f, id)| (f.to_string(), id.to_string()))
                .into(),
            ..Batch::default()
        };
        let said = merge(&mut quiet, batch);
        assert_eq!(quiet.servers[0].os_name.as_deref(), Some("Windows Server 2019 Standard"));
        assert_eq!(quiet.servers[0].provenance["os_name"], "servicenow-servers:cmdb.csv");
        assert_eq!(quiet.servers[1].os_name.as_deref(), Some("Ubuntu 22.04 LTS"));
        assert_eq!(said.len(), 1, "only RHEL 7 against 8.6: {said:?}");
        assert!(said[0].message.starts_with("'c' os_name"), "{}", said[0]);

        // The user can put RVTools first.
        let policy = MergePolicy::with_precedence(vec!["rvtools".into()]);
        let mut again = Estate::default();
        let batch = Batch {
            servers: vec![
                located(Server { name: "a".into(), cores: Some(4), ..Server::default() }, "rv.xlsx"),
                located(Server { name: "a".into(), cores: Some(8), ..Server::default() }, "cmdb.csv"),
            ],
            formats: [("rv.xlsx", "rvtools"), ("cmdb.csv", "servicenow-servers")]
                .map(|(f, id)| (f.to_string(), id.to_string()))
                .into(),
            ..Batch::default()
        };
        merge_with(&mut again, batch, &policy);
        assert_eq!(again.servers[0].cores, Some(4));
    }

    #[test]
    fn conflicts_are_listed_and_each_settles_by_source_or_value_on_every_later_import() {
        let located = |cores: u32, file: &str| Located {
            value: Server { name: "EHR-APP01".into(), cores: Some(cores), ..Server::default() },
            origin: Origin::new(file, 2),
        };
        let formats: std::collections::BTreeMap<String, String> =
            [("rv.xlsx", "rvtools"), ("cmdb.csv", "servicenow-servers")]
                .map(|(f, id)| (f.to_string(), id.to_string()))
                .into();
        let rvtools = Batch { servers: vec![located(4, "rv.xlsx")], formats: formats.clone(), ..Batch::default() };
        let cmdb = Batch { servers: vec![located(8, "cmdb.csv")], formats, ..Batch::default() };
        let import_both = |policy: &MergePolicy| {
            let mut estate = Estate::default();
            merge_report(&mut estate, rvtools.clone(), policy);
            let report = merge_report(&mut estate, cmdb.clone(), policy);
            // A re-import of the same CMDB export settles the same way.
            let again = merge_report(&mut estate, cmdb.clone(), policy);
            (estate, report, again)
        };

        let (estate, report, _) = import_both(&MergePolicy::default());
        assert_eq!(estate.servers[0].cores, Some(8));
        let conflict = &report.conflicts[0];
        assert_eq!(
            (conflict.record, conflict.name.as_str(), conflict.field.as_str()),
            (RecordKind::Server, "EHR-APP01", "cores")
        );
        let values: Vec<(&str, &str)> = conflict.values.iter().map(|v| (v.source.as_str(), v.value.as_str())).collect();
        assert_eq!(values, [("rvtools:rv.xlsx", "4"), ("servicenow-servers:cmdb.csv", "8")]);
        assert_eq!((conflict.kept.value.as_str(), conflict.resolved), ("8", false));

        let mut policy = MergePolicy::default();
        policy.resolutions.set(Resolution {
            record: RecordKind::Server,
            name: "ehr-app01".into(),
            field: "cores".into(),
            choice: Choice::Source("rvtools".into()),
        });
        let (estate, report, again) = import_both(&policy);
        assert_eq!(estate.servers[0].cores, Some(4), "the user's source wins over the precedence");
        assert_eq!(estate.servers[0].provenance["cores"], "rvtools:rv.xlsx");
        assert!(
            report.conflicts[0].resolved && report.diagnostics[0].message.contains("settled by the user"),
            "{report:?}"
        );
        assert_eq!(again.conflicts[0].kept.value, "4");

        policy.resolutions.set(Resolution {
            record: RecordKind::Server,
            name: "EHR-APP01".into(),
            field: "cores".into(),
            choice: Choice::Value("6".into()),
        });
        assert_eq!(policy.resolutions.0.len(), 1, "one resolution per field");
        let (estate, report, again) = import_both(&policy);
        assert_eq!(estate.servers[0].cores, Some(6));
        assert_eq!(estate.servers[0].provenance["cores"], RESOLVED_SOURCE);
        assert_eq!(report.conflicts[0].kept, SourcedValue { source: RESOLVED_SOURCE.into(), value: "6".into() });
        assert!(report.diagnostics.is_empty() && again.diagnostics.is_empty(), "{report:?}");

        policy.resolutions.set(Resolution {
            record: RecordKind::Server,
            name: "EHR-APP01".into(),
            field: "cores".into(),
            choice: Choice::Value("six".into()),
        });
        let (_, report, _) = import_both(&policy);
        assert!(report.diagnostics.iter().any(|d| d.is_error() && d.message.contains("'six'")), "{report:?}");

        // The policy, resolutions and all, is what the project keeps.
        let json = serde_json::to_string(&policy).expect("json");
        assert_eq!(serde_json::from_str::<MergePolicy>(&json).expect("back"), policy);
        let old: MergePolicy =
            serde_json::from_str(r#"{"precedence":["rvtools"]}"#).expect("a policy saved before resolutions");
        assert!(old.resolutions.is_empty());
    }

    #[test]
    fn one_connection_seen_twice_in_an_import_adds_up_and_addresses_match_in_any_spelling() {
        let mut estate = Estate::default();
        let mut db = server("db01", None);
        db.value.ip_addresses = vec!["2001:DB8:0:0::5".into()];
        merge(&mut estate, Batch { servers: vec![server("web01", None), db], ..Batch::default() });
        let mut by_name = dependency("web01", "db01");
        let mut by_address = dependency("web01", "2001:db8::5");
        by_address.value.0.to.kind = Some(RefKind::Address);
        by_name.value.0.first_seen = chrono::NaiveDate::from_ymd_opt(2026, 3, 2);
        by_address.value.0.first_seen = chrono::NaiveDate::from_ymd_opt(2026, 3, 1);
        let batch = Batch { dependencies: vec![by_name, by_address], ..Batch::default() };
        assert!(merge(&mut estate, batch.clone()).is_empty());
        assert_eq!(estate.dependencies.len(), 1);
        assert_eq!(estate.dependencies[0].weight, 20.0);
        assert_eq!(estate.dependencies[0].first_seen, chrono::NaiveDate::from_ymd_opt(2026, 3, 1));
        // Importing the same captures again replaces, it does not add up.
        merge(&mut estate, batch);
        assert_eq!(estate.dependencies[0].weight, 20.0);
    }

    #[test]
    fn membership_of_unknown_names_is_a_warning() {
        let member = |app: &str, member: &str| Located {
            value: MemberRecord { application: name(app), member: name(member) },
            origin: Origin::new("members.csv", 3),
        };
        let batch = Batch {
            servers: vec![server("web01", None)],
            applications: vec![Located {
                value: Application { name: "Portal".into(), ..Application::default() },
                origin: Origin::new("apps.csv", 2),
            }],
            members: vec![member("Portal", "web01"), member("Portal", "web99"), member("Nope", "web01")],
            ..Batch::default()
        };
        let mut estate = Estate::default();
        let diagnostics = merge(&mut estate, batch);
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "members.csv:3:1: warning: membership of 'Portal' names unknown server or data store 'web99'",
                "members.csv:3:1: warning: membership names unknown application 'Nope'",
            ]
        );
        assert_eq!(estate.applications[0].servers, [ServerId(0)]);
    }

    #[test]
    fn updates_match_fqdn_and_short_names() {
        let mut estate = Estate::default();
        let mut first = server("ehr-app01.hospital.local", Some(4));
        first.value.fqdn = Some("ehr-app01.hospital.local".into());
        merge(&mut estate, Batch { servers: vec![first], ..Batch::default() });
        merge(&mut estate, Batch { servers: vec![server("EHR-APP01", Some(8))], ..Batch::default() });
        assert_eq!(estate.servers.len(), 1);
        assert_eq!(estate.servers[0].cores, Some(8));
    }

    #[test]
    fn duplicate_in_one_batch_is_an_error_and_unknown_dependency_a_warning() {
        let batch = Batch {
            servers: vec![server("web01", None), server("WEB01", None)],
            dependencies: vec![dependency("web01", "mystery")],
            ..Batch::default()
        };
        let mut estate = Estate::default();
        let diagnostics = merge(&mut estate, batch);
        assert_eq!(diagnostics.len(), 2);
        assert!(diagnostics[0].is_error() && diagnostics[0].message.contains("duplicate server name 'WEB01'"));
        assert!(!diagnostics[1].is_error() && diagnostics[1].message.contains("unknown server 'mystery'"));
        assert_eq!(estate.externals.len(), 1);
        assert_eq!(estate.dependencies[0].to, Endpoint::External(ExternalId(0)));
    }
}
