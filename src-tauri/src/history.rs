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
            let check = session.verify_audit()?;
            let entries = session
                .audit_log(None)?
                .into_iter()
                .rev()
                .map(|r| AuditEntryView {
                    sequence: u32::try_from(r.sequence).unwrap_or(u32::MAX),
                    time: r.entry.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    user: r.entry.user,
                    host: r.entry.host,
                    action: r.entry.action,
                    summary: r.entry.summary,
                    subjects: r.entry.subjects,
                    hash: r.hash,
                })
                .collect();
            Ok(HistoryView { entries, intact: check.broken.is_none(), broken: check.broken.map(|b| b.reason) })
        })
    })
    .await
}
