//! The project's audit trail as the front ends read it (who did what,
//! when, on which machine; checked against its hash chain), and a clean
//! copy of the project to hand to a client.

use std::path::Path;

use chrono::{DateTime, Utc};
use waveplan_store::{AuditCheck, AuditEntry, AuditRecord};

use crate::error::{Error, Result};
use crate::session::{Audit, Session};

impl Session {
    /// The audit trail, oldest first, from `since` on.
    pub fn audit_log(&self, since: Option<DateTime<Utc>>) -> Result<Vec<AuditRecord>> {
        Ok(self.project().audit_log(since)?)
    }

    /// Checks the audit trail's hash chain: an entry removed or edited
    /// since it was written is found and named.
    pub fn verify_audit(&self) -> Result<AuditCheck> {
        Ok(self.project().verify_audit()?)
    }

    /// The audit trail as an export's appendix (the workbook's last sheet,
    /// the report's last section), with its check.
    pub fn audit_appendix(&self) -> Result<waveplan_export::AuditAppendix> {
        let check = self.verify_audit()?;
        let entries = self
            .audit_log(None)?
            .into_iter()
            .map(|r| waveplan_export::AuditLine {
                sequence: r.sequence,
                time: r.entry.time,
                user: r.entry.user,
                host: r.entry.host,
                action: r.entry.action,
                summary: r.entry.summary,
                subjects: r.entry.subjects,
                hash: r.hash,
            })
            .collect();
        Ok(waveplan_export::AuditAppendix {
            entries,
            intact: check.broken.is_none(),
            broken: check.broken.map(|b| b.reason),
        })
    }

    /// Writes a clean copy of the project at `dest` to hand on: the current
    /// inventory, settings and every scenario's plan (each folded to one
    /// plan), with no undo history, no removed data and no earlier audit
    /// entries, and one audit entry saying it was made and from what. The
    /// sharing is recorded in this project's own trail as well.
    pub fn share(&mut self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::io(dest, "already exists; give a new file name"));
        }
        let mut plans = Vec::new();
        for scenario in self.project().scenarios()? {
            if let Some(plan) = self.saved_plan(&scenario.name)? {
                plans.push((scenario.name, serde_json::to_string(&plan.config)?, serde_json::to_string(&plan)?));
            }
        }
        let check = self.verify_audit()?;
        let head = self.audit_log(None)?.last().map(|r| r.hash.clone()).unwrap_or_default();
        let copy = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let source = self.project().path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let actor = self.actor().clone();
        let made = AuditEntry {
            time: Utc::now(),
            user: actor.user,
            host: actor.host,
            action: "share".into(),
            summary: format!(
                "made this copy of {source} to hand on ({} scenarios; the original's trail had {} entries, the last hash {})",
                plans.len(),
                check.entries,
                if head.is_empty() { "none" } else { &head }
            ),
            subjects: vec![source.clone()],
        };
        self.project().share(dest, &plans, &made)?;
        let audit = Audit::new("share", format!("shared a clean copy as {copy}"), vec![copy]);
        self.act_on_file(audit, |_| Ok(()))
    }
}
