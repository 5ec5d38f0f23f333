//! Wire types of the import screen (progress, column mappings, conflicts),
//! beside `wire.rs` so the two screens' types change apart. Generated into
//! `ui/src/ipc/types.ts` with the rest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a read is getting on, streamed through a channel.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// The task's id, for cancelling it.
    pub task: u32,
    /// What it is doing, in words.
    pub stage: String,
    /// Bytes read so far, over every file.
    pub bytes: f64,
    /// Bytes of every file.
    pub total_bytes: f64,
    /// Lines of text read so far (rows of CSV files, connection records).
    pub rows: f64,
    /// Seconds since the read started.
    pub seconds: f64,
}

/// One source's value of a conflicting field.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SourcedValueView {
    /// `format:file`, or `resolved` for a value the user typed.
    pub source: String,
    /// The format id (what a precedence names).
    pub format: String,
    /// The value.
    pub value: String,
}

/// A field that sources disagree on.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    /// `server`, `application` or `datastore`.
    pub record: String,
    /// The record's name.
    pub name: String,
    /// The field.
    pub field: String,
    /// What each source said.
    pub values: Vec<SourcedValueView>,
    /// The value kept.
    pub kept: SourcedValueView,
    /// Settled by the user (else by the source precedence).
    pub resolved: bool,
}

/// How the user settles a conflict.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum ConflictChoice {
    /// This source's value (a `format:file` label or a format id).
    Source(String),
    /// This value.
    Value(String),
    /// Back to the source precedence.
    Precedence,
}

/// A target field of a column mapping and the column chosen for it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MappingFieldView {
    /// The field (`name`, `cores`, ...).
    pub field: String,
    /// The import needs it.
    pub required: bool,
    /// The file's column for it, if any.
    pub header: Option<String>,
}

/// A column mapping for one file, as suggested or as saved.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MappingView {
    /// The file it is for.
    pub file: String,
    /// The profile's name.
    pub name: String,
    /// What the rows are: `servers`, `applications` or `dependencies`.
    pub table: String,
    /// Every table a mapping may fill.
    pub tables: Vec<String>,
    /// The file's columns.
    pub headers: Vec<String>,
    /// Every field of the table, with its column.
    pub fields: Vec<MappingFieldView>,
    /// Units of size fields that are not GB (`memory` → `MB`).
    pub units: BTreeMap<String, String>,
}

/// A mapping as the user edited it.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MappingInput {
    /// The profile's name.
    pub name: String,
    /// `servers`, `applications` or `dependencies`.
    pub table: String,
    /// Field to column.
    pub columns: BTreeMap<String, String>,
    /// Units of size fields that are not GB.
    pub units: BTreeMap<String, String>,
}

/// The TypeScript of these types.
pub fn typescript() -> String {
    let mut out = String::new();
    for decl in [
        ImportProgress::decl(),
        SourcedValueView::decl(),
        ConflictView::decl(),
        ConflictChoice::decl(),
        MappingFieldView::decl(),
        MappingView::decl(),
        MappingInput::decl(),
    ] {
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}
