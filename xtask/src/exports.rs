//! What the tests need beyond Rust: Debian's `chromium`, in which
//! `crates/export/tests/chromium.rs` renders the HTML report (console,
//! network, screenshot, PDF), and the `sqlite3` shell, with which
//! `tests/session.rs` tampers with an audit trail as a user would, and
//! Graphviz, whose `dot` lays out the DOT exports in
//! `crates/export/tests/tools.rs`. Once
//! installed, the report tests are told to insist on the browser, so a
//! missing one fails CI instead of skipping.

use anyhow::Result;

use crate::setup;

/// Installs the browser the report tests use, and the sqlite3 shell the
/// audit trail's tamper tests edit a project with, and Graphviz for the
/// DOT exports.
pub fn install_test_tools() -> Result<()> {
    setup::debian_packages("the HTML report's browser tests (crates/export/tests/chromium.rs)", &["chromium"])?;
    setup::debian_packages("the audit trail's tamper tests (tests/session.rs)", &["sqlite3"])?;
    setup::debian_packages("the DOT diagrams' layout tests (crates/export/tests/tools.rs)", &["graphviz"])
}

/// Environment for `cargo test`: the report tests must find the browser.
pub fn test_env() -> [(&'static str, &'static str); 1] {
    [("WAVEPLAN_REQUIRE_CHROMIUM", "1")]
}
