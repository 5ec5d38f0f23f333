//! The report's last section, "Audit trail": whether the hash chain is
//! intact (a red callout when it is not), then one row per entry. It prints
//! with the rest of the report into the PDF: on a page of its own, header
//! repeated on every page, a hash broken across lines rather than cut off.
//!
//! It shows the trail as the caller handed it and never re-checks hashes.
//! Every string is escaped with [`xml`]: a summary or a name is inventory
//! text somebody else typed.

use std::fmt::Write as _;

use crate::appendix::AuditAppendix;
use crate::escape::xml;

/// The section's anchor, for the table of contents.
pub(super) const ID: &str = "audit";

/// Rules for the section, added to the report's style sheet.
pub(super) const CSS: &str = r#"
#audit td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
#audit td.hash { font-family: "DejaVu Sans Mono", Consolas, Menlo, monospace; font-size: .72rem; word-break: break-all; min-width: 16ch; }
#audit table { font-size: .8rem; }
"#;

/// Writes the section.
pub(super) fn audit_section(h: &mut String, audit: &AuditAppendix) {
    let _ = write!(h, r#"<section id="{ID}" class="part"><h2>Audit trail</h2>"#);
    h.push_str("<p>Every change made to this project, oldest first: who made it, on which machine, and what it did. Each entry carries a SHA-256 of its contents and of the entry before, so an entry removed or edited afterwards breaks the chain. Times are UTC.</p>");
    let class = if audit.is_broken() { "bad" } else { "good" };
    let _ = write!(h, r#"<div class="callout {class}">{}</div>"#, xml(&audit.status_line()));
    if audit.entries.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    h.push_str(r#"<table><thead><tr><th class="num">#</th><th>Time (UTC)</th><th>User</th><th>Host</th><th>Action</th><th>Summary</th><th>Subjects</th><th>SHA-256</th></tr></thead><tbody>"#);
    for e in &audit.entries {
        let _ = write!(
            h,
            r#"<tr><td class="num">{}</td><td class="time">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="hash">{}</td></tr>"#,
            e.sequence,
            e.time.format("%Y-%m-%d %H:%M:%S"),
            xml(&e.user),
            xml(&e.host),
            xml(&e.action),
            xml(&e.summary),
            xml(&e.subjects.join(", ")),
            xml(&e.hash),
        );
    }
    h.push_str("</tbody></table></section>\n");
}
