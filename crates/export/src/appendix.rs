//! The project's audit trail as plain data, for the appendix the workbook
//! and the HTML (and PDF) report carry when [`crate::Options::audit`] is
//! given: the types the caller fills, the line that says whether the chain
//! holds, and the cut that keeps a long text inside a spreadsheet cell.
//!
//! This module does not read the trail or verify its hashes: the store keeps
//! it and the session checks the chain; here it is only shown, as it was
//! handed over. It knows nothing of the store (no SQL, no project types).

use chrono::{DateTime, Utc};

/// The project's audit trail, carried as an appendix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditAppendix {
    /// The entries, oldest first.
    pub entries: Vec<AuditLine>,
    /// Whether every entry's hash chains to the one before (as the session checked it).
    pub intact: bool,
    /// What is wrong with the chain when it is not intact ("entry 7 was edited").
    pub broken: Option<String>,
}

/// One entry of the trail.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditLine {
    /// Its place in the trail, from 1; a gap means an entry was removed.
    pub sequence: u64,
    /// When the action was taken.
    pub time: DateTime<Utc>,
    /// The operating system user who took it.
    pub user: String,
    /// The machine it was taken on.
    pub host: String,
    /// What kind of action it was (`move`, `import`, `plan`).
    pub action: String,
    /// What it did, in a line ("moved PACS from wave 3 to wave 1").
    pub summary: String,
    /// The names it concerns (applications, servers, scenarios).
    pub subjects: Vec<String>,
    /// The SHA-256 that chains it to the entry before, hexadecimal.
    pub hash: String,
}

impl AuditAppendix {
    /// Whether the appendix must say the chain is broken. A reason without
    /// the flag counts as broken too: an auditor is better warned twice
    /// than told "intact" beside an explanation of what is wrong.
    pub fn is_broken(&self) -> bool {
        !self.intact || self.broken.is_some()
    }

    /// The line under the appendix's title: "Intact: 14 entries, each
    /// chained by SHA-256 to the one before; the last hash is ..." or
    /// "Broken: ...".
    pub fn status_line(&self) -> String {
        if self.is_broken() {
            let why = self.broken.as_deref().map(str::trim).filter(|w| !w.is_empty());
            return match why {
                Some(why) => format!("Broken: {why}"),
                None => "Broken: the entries do not chain by SHA-256 as written; one was removed or edited".into(),
            };
        }
        match self.entries.as_slice() {
            [] => "Intact: the trail has no entries yet".into(),
            [only] => {
                format!("Intact: 1 entry, chained by SHA-256 from the start of the trail; its hash is {}", only.hash)
            }
            [.., last] => format!(
                "Intact: {} entries, each chained by SHA-256 to the one before; the last hash is {}",
                self.entries.len(),
                last.hash
            ),
        }
    }
}

/// The most a spreadsheet cell holds, in UTF-16 code units (Excel's limit,
/// which rust_xlsxwriter enforces by failing the whole workbook).
pub(crate) const CELL_LIMIT: usize = 32_767;

/// Text cut to fit one spreadsheet cell, ending with a note that says so; text
/// that fits comes back as it was. Cut on a character boundary, counting UTF-16
/// units as Excel does, so an emoji counts two.
pub(crate) fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    fit_cell_noting(text, cut_note)
}

/// [`fit_cell`] with the note `note(characters left out)` at the end of a cut text.
pub(crate) fn fit_cell_noting(text: &str, note: fn(usize) -> String) -> std::borrow::Cow<'_, str> {
    if text.encode_utf16().count() <= CELL_LIMIT {
        return std::borrow::Cow::Borrowed(text);
    }
    let total = text.chars().count();
    // The note names how much was left out, which depends on the cut: leave
    // room for the longest note any cut can need.
    let room = CELL_LIMIT - note(total).encode_utf16().count();
    let mut kept = String::with_capacity(room);
    let mut units = 0;
    let mut chars = 0;
    for c in text.chars() {
        if units + c.len_utf16() > room {
            break;
        }
        units += c.len_utf16();
        chars += 1;
        kept.push(c);
    }
    kept.push_str(&note(total - chars));
    std::borrow::Cow::Owned(kept)
}

fn cut_note(left_out: usize) -> String {
    format!(" … [{left_out} more characters cut: a spreadsheet cell holds {CELL_LIMIT}]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn line(sequence: u64, hash: &str) -> AuditLine {
        AuditLine {
            sequence,
            time: Utc.with_ymd_and_hms(2026, 11, 30, 14, 5, 9).unwrap(),
            user: "asha".into(),
            host: "ward-pc".into(),
            action: "move".into(),
            summary: "moved PACS from wave 3 to wave 1".into(),
            subjects: vec!["PACS".into()],
            hash: hash.into(),
        }
    }

    #[test]
    fn status_says_intact_with_the_last_hash_or_broken_with_the_reason() {
        let mut trail = AuditAppendix { entries: vec![line(1, "aa"), line(2, "bb")], intact: true, broken: None };
        assert_eq!(
            trail.status_line(),
            "Intact: 2 entries, each chained by SHA-256 to the one before; the last hash is bb"
        );
        trail.entries.truncate(1);
        assert!(trail.status_line().starts_with("Intact: 1 entry,") && trail.status_line().ends_with(" aa"));
        trail.entries.clear();
        assert_eq!(trail.status_line(), "Intact: the trail has no entries yet");

        let edited = AuditAppendix { intact: false, broken: Some("entry 7 was edited".into()), ..trail.clone() };
        assert_eq!(edited.status_line(), "Broken: entry 7 was edited");
        let unexplained = AuditAppendix { intact: false, broken: None, ..trail.clone() };
        assert!(unexplained.status_line().starts_with("Broken: "));
        // A reason without the flag is not shown as intact.
        let contradictory = AuditAppendix { intact: true, broken: Some("entry 2 is missing".into()), ..trail };
        assert_eq!(contradictory.status_line(), "Broken: entry 2 is missing");
    }

    #[test]
    fn long_text_is_cut_to_the_cell_limit_counting_utf16() {
        assert_eq!(fit_cell("short"), "short");
        let exact = "x".repeat(CELL_LIMIT);
        assert_eq!(fit_cell(&exact), exact.as_str(), "text at the limit is kept whole");

        let long = "y".repeat(40_000);
        let cut = fit_cell(&long);
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
        let kept = cut.chars().take_while(|&c| c == 'y').count();
        assert!(cut.ends_with(&format!("[{} more characters cut: a spreadsheet cell holds 32767]", 40_000 - kept)));
        assert!(kept > 32_000, "the cut keeps nearly all a cell holds: {kept}");

        // Emoji are two UTF-16 units each: 20,000 of them are 40,000 units.
        let emoji = "🏥".repeat(20_000);
        let cut = fit_cell(&emoji);
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
        let kept = cut.chars().take_while(|&c| c == '🏥').count();
        assert!(kept > 16_000 && cut.contains(&format!("[{} more characters", 20_000 - kept)));
    }
}
