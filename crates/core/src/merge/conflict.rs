//! Conflicts between sources and the user's resolutions of them.
//!
//! When two sources say different things about one field of one record, the
//! merge keeps one value and reports a [`Conflict`] naming both. By default
//! the source precedence of [`MergePolicy`](super::MergePolicy) decides; a
//! [`Resolution`] overrides it for one field of one record, either by naming
//! the source that wins or by giving the value itself. Resolutions live in
//! the policy, which the project keeps, so a later re-import of the same
//! sources settles the same conflict the same way.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What kind of record a conflict or resolution is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// A server or device.
    Server,
    /// An application.
    Application,
    /// A data store.
    #[serde(rename = "datastore")]
    DataStore,
}

impl RecordKind {
    /// The word shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Server => "server",
            RecordKind::Application => "application",
            RecordKind::DataStore => "datastore",
        }
    }
}

/// A value as one source gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcedValue {
    /// The source, `format:file` (or [`RESOLVED_SOURCE`] for a typed value).
    pub source: String,
    /// The value, as text.
    pub value: String,
}

/// The provenance of a value the user typed to settle a conflict.
pub const RESOLVED_SOURCE: &str = "resolved";

/// Two or more sources disagreeing about one field of one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The kind of record.
    pub record: RecordKind,
    /// The record's name in the inventory.
    pub name: String,
    /// The field (`cores`, `os_name`, ...).
    pub field: String,
    /// Every value the sources gave, in the order they were merged.
    pub values: Vec<SourcedValue>,
    /// The value kept.
    pub kept: SourcedValue,
    /// Whether a resolution of the user's decided (else the source precedence).
    pub resolved: bool,
}

/// How the user settled one conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Choice {
    /// This source (a format id such as `rvtools`, or `format:file`) wins.
    Source(String),
    /// This value, whatever the sources say.
    Value(String),
}

/// One field of one record settled by the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// The kind of record.
    pub record: RecordKind,
    /// The record's name (matched ignoring case and surrounding spaces).
    pub name: String,
    /// The field.
    pub field: String,
    /// What wins.
    pub choice: Choice,
}

impl Resolution {
    fn is_for(&self, record: RecordKind, name: &str, field: &str) -> bool {
        self.record == record && self.field == field && self.name.trim().eq_ignore_ascii_case(name.trim())
    }
}

/// The resolutions of a policy: at most one per field of a record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Resolutions(pub Vec<Resolution>);

impl Resolutions {
    /// The resolution of this field, if the user settled it.
    pub fn get(&self, record: RecordKind, name: &str, field: &str) -> Option<&Resolution> {
        self.0.iter().find(|r| r.is_for(record, name, field))
    }

    /// Adds a resolution, replacing any earlier one of the same field.
    pub fn set(&mut self, resolution: Resolution) {
        self.remove(resolution.record, &resolution.name, &resolution.field);
        self.0.push(resolution);
    }

    /// Forgets the resolution of a field; true when there was one.
    pub fn remove(&mut self, record: RecordKind, name: &str, field: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|r| !r.is_for(record, name, field));
        self.0.len() != before
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A field value as text: strings as they are, numbers and vocabulary
/// values in their JSON spelling.
pub fn value_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Reads a typed value into a field's type: as a string first (names,
/// vocabulary spellings), then as JSON (numbers, objects).
pub fn parse_value<T: DeserializeOwned>(text: &str) -> Option<T> {
    let text = text.trim();
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok().or_else(|| serde_json::from_str(text).ok())
}

/// The format part of a source label (`rvtools:a.xlsx` → `rvtools`).
pub(crate) fn format_of(source: &str) -> &str {
    source.split_once(':').map_or(source, |(format, _)| format)
}

/// Whether the source `label` is the one a [`Choice::Source`] names (by
/// format id, or by its whole `format:file` label).
pub(crate) fn names_source(chosen: &str, label: &str) -> bool {
    chosen == label || (!chosen.contains(':') && chosen == format_of(label))
}
