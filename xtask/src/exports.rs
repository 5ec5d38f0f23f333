//! What the export tests need beyond Rust: Debian's `chromium`, in which
//! `crates/export/tests/chromium.rs` renders the HTML report (console,
//! network, screenshot, PDF). Once installed, the tests are told to insist
//! on it, so a missing browser fails CI instead of skipping.

use anyhow::Result;

use crate::setup;

/// Installs the browser the report tests use.
pub fn install_test_tools() -> Result<()> {
    setup::debian_packages("the HTML report's browser tests (crates/export/tests/chromium.rs)", &["chromium"])
}

/// Environment for `cargo test`: the report tests must find the browser.
pub fn test_env() -> [(&'static str, &'static str); 1] {
    [("WAVEPLAN_REQUIRE_CHROMIUM", "1")]
}
