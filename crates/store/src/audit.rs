//! The audit trail: one entry per user action, each chained to the one before
//! by a SHA-256 hash, so that an entry edited, removed or added by hand (the
//! sqlite3 shell) is found by [`Project::verify_audit`].
//!
//! The hash of entry `n` is SHA-256 of, in order:
//!
//! 1. the ASCII tag `waveplan-audit-1`,
//! 2. the previous entry's hash as 64 lower-case hex digits (64 zeros for the first entry),
//! 3. then each of these fields, as its length in bytes (8 bytes, big-endian) followed by its UTF-8 bytes:
//!    the sequence number in decimal, the time as RFC 3339 in UTC (the way it is stored), the user,
//!    the host, the action, the summary, and the subjects as a JSON array of strings.
//!
//! Length prefixes make the encoding unambiguous: moving text from one field
//! to the next changes the hash. A one-row head holds the number of entries
//! and the last hash, written in the same transaction as each entry, so that
//! removing the last entries (which leaves a shorter chain that is intact) is
//! found too.
//!
//! What this does not do: someone who can write the file can recompute every
//! hash after an edit, since there is no secret key. The chain finds careless
//! and casual edits and makes deliberate ones need deliberate work; a copy of
//! the head kept elsewhere (a report, a ticket) pins the history down.
//!
//! This module must not change or remove an entry once appended.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::codec::{Record, timestamp_text, to_json};
use crate::error::{StoreError, sql};
use crate::project::Project;
use crate::write::Write;

/// The previous hash of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a user did, as the caller describes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    /// When.
    pub time: DateTime<Utc>,
    /// Who: the account name.
    pub user: String,
    /// On which machine.
    pub host: String,
    /// What kind of action (`import`, `edit`, `move`, `undo`).
    pub action: String,
    /// What it did, in words.
    pub summary: String,
    /// What it concerned: names or ids of applications, servers, scenarios.
    pub subjects: Vec<String>,
}

/// An entry as stored: its place in the chain and its hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditRecord {
    /// 1 for the first entry, then 2, 3, ... without gaps.
    pub sequence: u64,
    /// The entry.
    pub entry: AuditEntry,
    /// The previous entry's hash (hex SHA-256), [`GENESIS`] for the first.
    pub previous: String,
    /// This entry's hash (hex SHA-256), see the module documentation.
    pub hash: String,
}

/// What [`Project::verify_audit`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCheck {
    /// Entries in the file.
    pub entries: u64,
    /// The first place the chain is broken, if it is.
    pub broken: Option<AuditBreak>,
}

/// Where and how the audit chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditBreak {
    /// The entry concerned.
    pub sequence: u64,
    /// In words: "entry 7 was edited", "entry 4 is missing (...)", "the last 2 entries were removed".
    pub reason: String,
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of an entry at `sequence` after `previous`; see the module documentation.
pub fn audit_hash(sequence: u64, previous: &str, entry: &AuditEntry) -> String {
    let subjects = serde_json::to_string(&entry.subjects).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(b"waveplan-audit-1");
    hasher.update(previous.as_bytes());
    for field in [
        sequence.to_string().as_str(),
        &timestamp_text(entry.time),
        &entry.user,
        &entry.host,
        &entry.action,
        &entry.summary,
        &subjects,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

impl Write<'_> {
    /// Appends an audit entry chained to the previous one; returns it with its hash.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<AuditRecord, StoreError> {
        let conn = self.conn();
        self.tick()?;
        let (entries, previous): (i64, String) = conn
            .query_row("SELECT entries, last_hash FROM audit_head WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .map_err(sql("reading the audit head"))?;
        let sequence = u64::try_from(entries).map_err(|_| StoreError::corrupt("audit head", "negative count"))? + 1;
        let hash = audit_hash(sequence, &previous, entry);
        let subjects = to_json(&entry.subjects, || "audit subjects".to_owned())?;
        self.tick()?;
        conn.prepare_cached(
            "INSERT INTO audit (sequence, time, user, host, action, summary, subjects, previous, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                sequence as i64,
                timestamp_text(entry.time),
                entry.user,
                entry.host,
                entry.action,
                entry.summary,
                subjects,
                previous,
                hash,
            ])
        })
        .map_err(sql("appending to the audit trail"))?;
        self.tick()?;
        conn.execute("UPDATE audit_head SET entries = ?1, last_hash = ?2 WHERE id = 1", params![sequence as i64, hash])
            .map_err(sql("moving the audit head"))?;
        Ok(AuditRecord { sequence, entry: entry.clone(), previous, hash })
    }
}

impl Project {
    /// The audit trail, oldest first; with `since`, the entries from that time on.
    pub fn audit_log(&self, since: Option<DateTime<Utc>>) -> Result<Vec<AuditRecord>, StoreError> {
        let records = read_audit(&self.conn)?;
        Ok(match since {
            None => records,
            Some(since) => records.into_iter().filter(|r| r.entry.time >= since).collect(),
        })
    }

    /// Checks the audit chain: every hash, every link, no gaps, and the head.
    pub fn verify_audit(&self) -> Result<AuditCheck, StoreError> {
        // One read transaction, so an entry appended meanwhile cannot look like a break.
        let tx = self.conn.unchecked_transaction().map_err(sql("starting to verify the audit trail"))?;
        let records = read_audit(&tx)?;
        let (head_entries, head_hash): (i64, String) = tx
            .query_row("SELECT entries, last_hash FROM audit_head WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .map_err(sql("reading the audit head"))?;
        tx.commit().map_err(sql("finishing verifying the audit trail"))?;
        let entries = records.len() as u64;
        Ok(AuditCheck { entries, broken: find_break(&records, head_entries, &head_hash) })
    }
}

/// The first break in the chain, if any.
fn find_break(records: &[AuditRecord], head_entries: i64, head_hash: &str) -> Option<AuditBreak> {
    let broken = |sequence: u64, reason: String| Some(AuditBreak { sequence, reason });
    let mut previous = GENESIS.to_owned();
    let mut expected = 1u64;
    for record in records {
        if record.sequence != expected {
            return broken(
                expected,
                format!(
                    "entry {expected} is missing (the entry after {} is {})",
                    expected.saturating_sub(1),
                    record.sequence
                ),
            );
        }
        if record.previous != previous {
            return broken(
                expected,
                format!("entry {expected} does not follow entry {} (its previous hash differs)", expected - 1),
            );
        }
        if audit_hash(record.sequence, &record.previous, &record.entry) != record.hash {
            return broken(expected, format!("entry {expected} was edited"));
        }
        previous = record.hash.clone();
        expected += 1;
    }
    let found = expected - 1;
    let counted = u64::try_from(head_entries).unwrap_or(0);
    if counted > found {
        let removed = counted - found;
        let reason = if removed == 1 {
            "the last entry was removed".to_owned()
        } else {
            format!("the last {removed} entries were removed")
        };
        return broken(found + 1, reason);
    }
    if counted < found {
        return broken(counted + 1, format!("entry {} was added outside waveplan", counted + 1));
    }
    if head_hash != previous {
        return broken(found, format!("entry {found} was replaced (the head holds another hash)"));
    }
    None
}

/// Every audit row, by sequence; a row that cannot be read is corrupt.
fn read_audit(conn: &Connection) -> Result<Vec<AuditRecord>, StoreError> {
    let context = "loading the audit trail";
    let mut stmt = conn
        .prepare_cached(
            "SELECT sequence, time, user, host, action, summary, subjects, previous, hash FROM audit ORDER BY sequence",
        )
        .map_err(sql(context))?;
    let mut rows = stmt.query([]).map_err(sql(context))?;
    let mut records = Vec::new();
    while let Some(row) = rows.next().map_err(sql(context))? {
        let sequence: i64 = row.get(0).map_err(sql(context))?;
        let r = Record::new(row, "audit", sequence);
        records.push(AuditRecord {
            sequence: u64::try_from(sequence).map_err(|_| r.corrupt(0, "negative sequence"))?,
            entry: AuditEntry {
                time: r.timestamp(1)?,
                user: r.text(2)?.to_owned(),
                host: r.text(3)?.to_owned(),
                action: r.text(4)?.to_owned(),
                summary: r.text(5)?.to_owned(),
                subjects: r.json(6)?,
            },
            previous: r.text(7)?.to_owned(),
            hash: r.text(8)?.to_owned(),
        });
    }
    Ok(records)
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;

    pub(crate) fn entry(action: &str, summary: &str) -> AuditEntry {
        AuditEntry {
            time: Utc.with_ymd_and_hms(2026, 12, 7, 14, 2, 0).single().expect("valid time"),
            user: "alice".into(),
            host: "WS-0231".into(),
            action: action.into(),
            summary: summary.into(),
            subjects: vec!["EHR".into(), "PACS".into()],
        }
    }

    fn project_with_entries(n: usize) -> Project {
        let mut project = Project::open_in_memory().expect("open");
        for i in 1..=n {
            project.write(|w| w.append_audit(&entry("edit", &format!("edit number {i}")))).expect("append");
        }
        project
    }

    #[test]
    fn entries_chain_and_verify() {
        let project = project_with_entries(3);
        let log = project.audit_log(None).expect("log");
        assert_eq!(log.iter().map(|r| r.sequence).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(log[0].previous, GENESIS);
        assert_eq!(log[1].previous, log[0].hash);
        assert_eq!(log[2].entry.summary, "edit number 3");
        assert_eq!(project.verify_audit().expect("verify"), AuditCheck { entries: 3, broken: None });
        let empty = Project::open_in_memory().expect("open");
        assert_eq!(empty.verify_audit().expect("verify"), AuditCheck { entries: 0, broken: None });
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let a = AuditEntry { user: "al".into(), host: "ice".into(), ..entry("x", "y") };
        let b = AuditEntry { user: "ali".into(), host: "ce".into(), ..entry("x", "y") };
        assert_ne!(audit_hash(1, GENESIS, &a), audit_hash(1, GENESIS, &b));
        let c = AuditEntry { subjects: vec!["a,b".into()], ..entry("x", "y") };
        let d = AuditEntry { subjects: vec!["a".into(), "b".into()], ..entry("x", "y") };
        assert_ne!(audit_hash(1, GENESIS, &c), audit_hash(1, GENESIS, &d));
        assert_ne!(audit_hash(1, GENESIS, &a), audit_hash(2, GENESIS, &a));
    }

    #[test]
    fn audit_log_since_a_time() {
        let mut project = Project::open_in_memory().expect("open");
        let early = entry("import", "first");
        let late = AuditEntry { time: early.time + chrono::Duration::hours(2), ..entry("edit", "second") };
        project.write(|w| w.append_audit(&early)).expect("append");
        project.write(|w| w.append_audit(&late)).expect("append");
        let since = project.audit_log(Some(early.time + chrono::Duration::hours(1))).expect("log");
        assert_eq!(since.iter().map(|r| r.entry.summary.as_str()).collect::<Vec<_>>(), ["second"]);
    }
}
