//! The HTML report printed to PDF by a headless Chromium or Chrome found on
//! PATH: nothing is downloaded, and without a browser the error says how to
//! print the HTML by hand.
//!
//! The one writer that runs a program: it puts the report in a private
//! temporary directory, has the browser print it there (no network, a
//! fresh profile, no extensions) and returns the PDF's bytes. It reads no
//! file but the PDF it asked for.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::ExportError;

/// Program names tried on PATH, in order.
pub const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/// The first of [`BROWSERS`] on PATH.
pub fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
}

/// The flags every headless run gets: no first-run, no network of its own,
/// no GPU; `--no-sandbox` only as root, where Chromium refuses to start otherwise.
pub fn headless_flags(profile: &Path) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--mute-audio",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if running_as_root() {
        flags.push("--no-sandbox".into());
    }
    flags.push(format!("--user-data-dir={}", profile.display()));
    flags
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

/// Prints `html` to PDF with `browser` (or the one [`find_browser`] finds).
pub fn print_html(html: &[u8], browser: Option<&Path>) -> Result<Vec<u8>, ExportError> {
    let browser = match browser {
        Some(b) => b.to_path_buf(),
        None => find_browser().ok_or_else(|| ExportError::NoBrowser { looked_for: BROWSERS.join(", ") })?,
    };
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, html)?;
    let mut child = Command::new(&browser)
        .args(headless_flags(&dir.path().join("profile")))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ExportError::Print(format!("cannot start {}: {e}", browser.display())))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ExportError::Print(format!("{} did not finish printing within 2 minutes", browser.display())));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF") {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut stderr);
        }
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(ExportError::Print(format!("{} did not print the report ({status}): {last}", browser.display())));
    }
    Ok(bytes)
}
