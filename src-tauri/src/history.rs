//! The History panel's command: the project's audit trail from the
//! session (who imported, planned, moved or edited what, when, where),
//! checked against its hash chain, shaped for the page.

use tauri::{AppHandle, Runtime};

use crate::error::AppResult;
use crate::wire::{AuditEntryView, HistoryView};

/// The audit trail, newest first, and whether it is intact.
#[tauri::command]
pub async fn history<R: Runtime>(app: AppHandle<R>) -> AppResult<HistoryView> {
    crate::commands::blocking(app, |_, state| {
        state.with_session(|session| {
            // The trail as the exports' appendix carries it: the one reading.
            let trail = session.audit_appendix()?;
            let entries = trail
                .entries
                .into_iter()
                .rev()
                .map(|line| AuditEntryView {
                    sequence: u32::try_from(line.sequence).unwrap_or(u32::MAX),
                    time: line.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    user: line.user,
                    host: line.host,
                    action: line.action,
                    summary: line.summary,
                    subjects: line.subjects,
                    hash: line.hash,
                })
                .collect();
            Ok(HistoryView { entries, intact: trail.intact, broken: trail.broken })
        })
    })
    .await
}
