//! Project settings: a key/value table whose values are JSON.
//!
//! The store does not know what the settings mean; callers choose the types.
//! The keys that the command and the desktop app both read are named once,
//! in [`keys`], so the two agree on the project file. A value that no longer deserialises as the caller's type is
//! reported as [`StoreError::Corrupt`], naming the key.
//!
//! This module must not give settings a meaning beyond their keys.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::codec::to_json;
use crate::error::StoreError;
use crate::project::Project;
use crate::write::Write;

/// The setting keys shared by every program that opens a project.
pub mod keys {
    /// The planner settings of the last plan (`core::PlanConfig`).
    pub const PLAN_CONFIG: &str = "plan_config";
    /// How imports merge sources (`core::MergePolicy`).
    pub const MERGE_POLICY: &str = "merge_policy";
    /// Which ports and roles are shared infrastructure
    /// (`import::connections::InfrastructureRules`), applied by every import.
    pub const INFRASTRUCTURE_RULES: &str = "infrastructure_rules";
    /// The prefix of the saved column mappings, one key per mapping.
    pub const MAPPING_PREFIX: &str = "mapping:";

    /// The key of the column mapping named `name`.
    pub fn mapping(name: &str) -> String {
        format!("{MAPPING_PREFIX}{name}")
    }
}

impl Project {
    /// Stores `value` as JSON under `key`, replacing what was there, in one write.
    pub fn set_setting<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), StoreError> {
        self.write(|w| w.set_setting(key, value))
    }

    /// The value stored under `key`, or `None` if there is none.
    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        read_setting(&self.conn, key)
    }

    /// The keys of the settings that start with `prefix`, sorted.
    pub fn setting_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key FROM settings WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key")
            .map_err(|e| StoreError::sql(format!("listing settings '{prefix}*'"), e))?;
        let keys = stmt
            .query_map([prefix], |row| row.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .map_err(|e| StoreError::sql(format!("listing settings '{prefix}*'"), e))?;
        Ok(keys)
    }

    /// Removes the setting, in one write; returns whether there was one.
    pub fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError> {
        self.write(|w| w.remove_setting(key))
    }
}

impl Write<'_> {
    /// Stores `value` as JSON under `key`, replacing what was there.
    pub fn set_setting<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), StoreError> {
        let json = to_json(value, || format!("setting '{key}'"))?;
        self.set_setting_json(key, &json)
    }

    /// Stores JSON text as it is under `key` (a setting copied from another project).
    pub(crate) fn set_setting_json(&mut self, key: &str, json: &str) -> Result<(), StoreError> {
        self.tick()?;
        self.conn()
            .prepare_cached(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            )
            .and_then(|mut stmt| stmt.execute(params![key, json]))
            .map_err(|e| StoreError::sql(format!("saving setting '{key}'"), e))?;
        Ok(())
    }

    /// Removes the setting; returns whether there was one.
    pub fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError> {
        self.tick()?;
        let removed = self
            .conn()
            .execute("DELETE FROM settings WHERE key = ?1", [key])
            .map_err(|e| StoreError::sql(format!("removing setting '{key}'"), e))?;
        Ok(removed > 0)
    }

    /// The value stored under `key` as this write sees it, or `None` if there is none.
    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        read_setting(self.conn(), key)
    }
}

/// The value under `key` through `conn` (a connection or a transaction).
fn read_setting<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>, StoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)).optional())
        .map_err(|e| StoreError::sql(format!("loading setting '{key}'"), e))?;
    json.map(|json| {
        serde_json::from_str(&json)
            .map_err(|e| StoreError::corrupt(format!("setting '{key}'"), format!("unexpected value {json}: {e}")))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn setting_keys_by_prefix() {
        let mut project = Project::open_in_memory().unwrap();
        project.set_setting("mapping:b", &1).unwrap();
        project.set_setting("mapping:a", &2).unwrap();
        project.set_setting("plan_config", &3).unwrap();
        assert_eq!(project.setting_keys("mapping:").unwrap(), ["mapping:a", "mapping:b"]);
    }

    #[test]
    fn settings_round_trip_and_replace() {
        let mut project = Project::open_in_memory().expect("open");
        assert_eq!(project.setting::<u32>("wave_size").expect("read"), None);
        project.set_setting("wave_size", &25u32).expect("write");
        project.set_setting("wave_size", &30u32).expect("replace");
        assert_eq!(project.setting::<u32>("wave_size").expect("read"), Some(30));

        let map = BTreeMap::from([("a".to_owned(), vec![1.5, 2.0])]);
        project.set_setting("map", &map).expect("write");
        assert_eq!(project.setting::<BTreeMap<String, Vec<f64>>>("map").expect("read"), Some(map));
        project.set_setting("name", "hospital").expect("unsized str");
        assert_eq!(project.setting::<String>("name").expect("read").as_deref(), Some("hospital"));

        assert!(project.remove_setting("wave_size").expect("remove"));
        assert!(!project.remove_setting("wave_size").expect("remove again"));
        assert_eq!(project.setting::<u32>("wave_size").expect("read"), None);
    }

    #[test]
    fn a_setting_of_the_wrong_type_is_corrupt_and_names_the_key() {
        let mut project = Project::open_in_memory().expect("open");
        project.set_setting("wave_size", "large").expect("write");
        let error = project.setting::<u32>("wave_size").expect_err("a string is not a number");
        assert!(matches!(&error, StoreError::Corrupt { what, .. } if what == "setting 'wave_size'"), "{error:?}");
    }
}
