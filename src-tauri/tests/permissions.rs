//! Every command the shell registers is granted to the window, and nothing
//! else is. The mock runtime of the command tests does not check
//! permissions, so a command registered in `lib.rs` but missing from
//! `build.rs` or `permissions/app.toml` works in those tests and is refused
//! in the real window; this test catches that before the end-to-end run.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no `{start}`")) + start.len();
    let to = text[from..].find(end).unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &text[from..from + to]
}

/// The quoted strings of a list.
fn quoted(list: &str) -> BTreeSet<String> {
    list.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn every_registered_command_is_granted_to_the_window_and_nothing_more() {
    let lib = read("src/lib.rs");
    let registered: BTreeSet<String> = between(&lib, "generate_handler![", "]")
        .split(',')
        .map(|path| path.trim())
        .filter(|path| !path.is_empty())
        .map(|path| path.rsplit("::").next().unwrap_or(path).to_string())
        .collect();
    assert!(registered.len() > 10, "read too few commands from lib.rs: {registered:?}");

    let built = quoted(between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];"));
    assert_eq!(built, registered, "build.rs COMMANDS against the commands lib.rs registers");

    let granted: BTreeSet<String> = quoted(between(&read("permissions/app.toml"), "permissions = [", "]"))
        .into_iter()
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    assert_eq!(granted, registered, "permissions/app.toml against the commands lib.rs registers");
}
