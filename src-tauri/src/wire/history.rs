//! Wire types of the History panel: the project's audit trail, newest
//! first, and whether its hash chain holds. No logic: views are made in
//! `history.rs`.

use serde::Serialize;
use ts_rs::TS;

/// One entry of the audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    /// Its place in the trail, from 1.
    pub sequence: u32,
    /// When, RFC 3339 in UTC.
    pub time: String,
    /// The operating system's user who acted.
    pub user: String,
    /// The machine.
    pub host: String,
    /// The kind of action (`import`, `plan`, `move`, `undo`, ...).
    pub action: String,
    /// One line for people: "moved PACS from wave 3 to wave 1".
    pub summary: String,
    /// The applications, scenarios or files it concerns.
    pub subjects: Vec<String>,
    /// Its SHA-256, chained to the entry before.
    pub hash: String,
}

/// The project's audit trail, newest first, with its check.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    /// The entries, newest first.
    pub entries: Vec<AuditEntryView>,
    /// Whether the hash chain holds: no entry removed or edited since written.
    pub intact: bool,
    /// Where it breaks, in words, when it does.
    pub broken: Option<String>,
}

/// The declarations of this module, for `ui/src/ipc/types.ts`.
pub fn decls() -> Vec<String> {
    vec![AuditEntryView::decl(), HistoryView::decl()]
}
