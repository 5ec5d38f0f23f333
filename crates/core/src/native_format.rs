//! The tables of Waveplan's native CSV format (`docs/native-format.md`):
//! their file names and columns, shared by the reader (waveplan-import) and
//! the writer (waveplan-export) so the two cannot drift apart.

/// The tables of the native format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeTable {
    /// `servers.csv`
    Servers,
    /// `devices.csv`
    Devices,
    /// `applications.csv`
    Applications,
    /// `datastores.csv`
    DataStores,
    /// `members.csv`
    Members,
    /// `dependencies.csv`
    Dependencies,
    /// `constraints.csv`
    Constraints,
}

impl NativeTable {
    /// Every table, in the order an import applies them.
    pub const ALL: [NativeTable; 7] = [
        NativeTable::Servers,
        NativeTable::Devices,
        NativeTable::Applications,
        NativeTable::DataStores,
        NativeTable::Members,
        NativeTable::Dependencies,
        NativeTable::Constraints,
    ];

    /// The conventional file name.
    pub fn file_name(self) -> &'static str {
        match self {
            NativeTable::Servers => "servers.csv",
            NativeTable::Devices => "devices.csv",
            NativeTable::Applications => "applications.csv",
            NativeTable::DataStores => "datastores.csv",
            NativeTable::Members => "members.csv",
            NativeTable::Dependencies => "dependencies.csv",
            NativeTable::Constraints => "constraints.csv",
        }
    }

    /// The columns the table knows, canonical names first; the required ones
    /// are listed by [`NativeTable::required`].
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            NativeTable::Servers | NativeTable::Devices => &[
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
                "tags",
            ],
            NativeTable::Applications => &[
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
                "tags",
            ],
            NativeTable::DataStores => {
                &["name", "kind", "engine", "size_gb", "change_gb_per_day", "server", "migration_method", "tags"]
            }
            NativeTable::Members => &["application", "member"],
            NativeTable::Dependencies => &[
                "from",
                "to",
                "from_kind",
                "to_kind",
                "port",
                "protocol",
                "kind",
                "weight",
                "latency_sensitive",
                "infrastructure",
                "first_seen",
                "last_seen",
                "source",
            ],
            NativeTable::Constraints => &["kind", "application", "other", "value", "reason"],
        }
    }

    /// The columns a file of this table must have.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            NativeTable::Servers | NativeTable::Devices | NativeTable::Applications | NativeTable::DataStores => {
                &["name"]
            }
            NativeTable::Members => &["application", "member"],
            NativeTable::Dependencies => &["from", "to"],
            NativeTable::Constraints => &["kind", "application"],
        }
    }

    /// Recognises the table from a file name (`hospital-servers.csv` → servers).
    pub fn from_file_name(name: &str) -> Option<NativeTable> {
        let stem = name.rsplit(['/', '\\']).next().unwrap_or(name).to_lowercase();
        let stem = stem.strip_suffix(".csv").unwrap_or(&stem);
        let words = [
            ("datastore", NativeTable::DataStores),
            ("data_store", NativeTable::DataStores),
            ("data-store", NativeTable::DataStores),
            ("database", NativeTable::DataStores),
            ("device", NativeTable::Devices),
            ("server", NativeTable::Servers),
            ("application", NativeTable::Applications),
            ("apps", NativeTable::Applications),
            ("member", NativeTable::Members),
            ("dependenc", NativeTable::Dependencies),
            ("constraint", NativeTable::Constraints),
        ];
        words.iter().find(|(word, _)| stem.contains(word)).map(|&(_, table)| table)
    }

    /// Recognises the table from a header row, when the file name does not
    /// say; `has` tells whether the header has a column (however spelled).
    pub fn from_headers(has: impl Fn(&str) -> bool) -> Option<NativeTable> {
        if has("from") && has("to") {
            Some(NativeTable::Dependencies)
        } else if has("application") && has("member") {
            Some(NativeTable::Members)
        } else if has("kind") && has("application") {
            Some(NativeTable::Constraints)
        } else if has("device_class") && has("name") {
            Some(NativeTable::Devices)
        } else if has("name") && (has("tier") || has("strategy") || has("rto")) {
            Some(NativeTable::Applications)
        } else if has("name") && (has("engine") || has("size_gb")) {
            Some(NativeTable::DataStores)
        } else if has("name") {
            Some(NativeTable::Servers)
        } else {
            None
        }
    }
}
