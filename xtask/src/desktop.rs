//! The desktop app's tasks: `run` (open the app on the sample hospital),
//! the desktop part of `test` (command tests, vitest, end to end under
//! Xvfb), `screenshots` and `ipc-types` (`bundle` is in bundle.rs).
//!
//! Everything the desktop app needs beyond Rust is installed here when it is
//! missing: the Debian packages (through `setup::debian_packages`), the npm
//! packages (`npm ci`), and tauri-driver (`cargo install`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::{cargo, project_root, setup, status};

/// What building the shell needs (webkit, GTK, the tools `tauri build` calls).
const BUILD_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "libssl-dev",
    "build-essential",
    "pkg-config",
    "file",
];

/// What driving the app without a display needs.
const DRIVE_PACKAGES: &[&str] = &["webkit2gtk-driver", "xvfb", "xauth"];

/// Installs what building the desktop app needs, and builds the front end
/// (the shell embeds `ui/dist` at compile time).
pub fn build_front_end() -> Result<()> {
    install_front_end()?;
    status(Command::new("npm").args(["run", "build"]).current_dir(project_root().join("ui")))
}

/// Installs what compiling the shell and checking the front end need: the
/// Debian packages, Node.js when there is none, and `ui/node_modules`
/// (`npm ci` when it is older than `package-lock.json`). Builds nothing.
pub fn install_front_end() -> Result<()> {
    setup::debian_packages("the desktop app", BUILD_PACKAGES)?;
    // Node.js often comes from elsewhere than Debian (nodesource bundles
    // npm, and Debian's npm package then conflicts with it): use the npm on
    // PATH, and only without one install Debian's.
    if Command::new("npm").arg("--version").output().is_err() {
        setup::debian_packages(
            "the desktop app's front end (Vite 8 needs Node.js 20.19 or newer)",
            &["nodejs", "npm"],
        )?;
    }
    let ui = project_root().join("ui");
    let lock = ui.join("package-lock.json");
    let installed = ui.join("node_modules/.package-lock.json");
    let stale = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&installed).and_then(|m| m.modified()),
    ) {
        (Ok(lock), Ok(installed)) => lock > installed,
        _ => true,
    };
    if stale {
        status(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&ui))?;
    }
    Ok(())
}

/// Builds every test of the workspace and the shell, with the front end
/// embedded, at `target/debug/waveplan-desktop`.
///
/// One cargo invocation with the features `cargo xtask test` uses, so the
/// app, the command tests and the end-to-end tests share one build (a build
/// of the shell alone resolves other features and compiles the whole webkit
/// stack a second time).
pub fn build_app() -> Result<PathBuf> {
    build_front_end()?;
    status(cargo().args(["test", "--workspace", "--locked", "--features", E2E_FEATURE, "--no-run"]))?;
    Ok(project_root().join("target/debug/waveplan-desktop"))
}

/// The end-to-end test of a planner's day (import, plan, move, undo, the
/// history, export, a kill).
const PLANNER_TEST: &str = "a_planner_imports_plans_breaks_a_constraint_undoes_exports_and_survives_a_kill";

/// The feature that turns the end-to-end tests on.
pub const E2E_FEATURE: &str = "waveplan-desktop/e2e";

/// The feature of the desktop speed figures (a test of the e2e target).
pub const BENCH_FEATURE: &str = "waveplan-desktop/bench";

/// `cargo xtask run`: the app on the sample hospital, in the user's data folder.
pub fn run(extra: &[String]) -> Result<()> {
    let app = build_app()?;
    let mut command = if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
        Command::new(&app)
    } else {
        setup::debian_packages("showing the app without a display", DRIVE_PACKAGES)?;
        eprintln!("xtask: no display: the app runs under Xvfb (xvfb-run); set DISPLAY to see it");
        let mut command = Command::new("xvfb-run");
        command.args(["-a", "-s", "-screen 0 1440x900x24"]).arg(&app);
        command
    };
    status(command.arg("--sample").args(extra))
}

/// Installs tauri-driver when it is missing; returns its path.
fn tauri_driver() -> Result<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let path = cargo_home.join("bin/tauri-driver");
    if !path.is_file() {
        status(cargo().args(["install", "tauri-driver", "--version", "^2", "--locked"]))?;
    }
    Ok(path)
}

/// Every Rust test of the workspace (the libraries, the shell's command
/// tests and IPC types check, and the end-to-end tests under Xvfb), then vitest.
pub fn test(env: &[(&str, &str)]) -> Result<()> {
    build_front_end()?;
    under_xvfb(&["--workspace"], E2E_FEATURE, &[], env, None)?;
    status(Command::new("npm").args(["test"]).current_dir(project_root().join("ui")))
}

/// `cargo test` under Xvfb with tauri-driver installed.
fn under_xvfb(
    packages: &[&str],
    features: &str,
    filter: &[&str],
    env: &[(&str, &str)],
    screenshots: Option<&Path>,
) -> Result<()> {
    setup::debian_packages("the desktop end-to-end tests", DRIVE_PACKAGES)?;
    let driver = tauri_driver()?;
    let mut command = Command::new("xvfb-run");
    command
        .args(["-a", "-s", "-screen 0 1440x900x24"])
        .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--locked"])
        .args(packages)
        .args(["--features", features, "--"])
        .args(filter)
        .envs(env.iter().copied())
        .env("TAURI_DRIVER", driver);
    if let Some(dir) = screenshots {
        command.env("WAVEPLAN_SCREENSHOTS", dir);
    }
    status(&mut command)
}

/// The end-to-end test that maps an unknown spreadsheet and settles a
/// conflict; with `WAVEPLAN_SCREENSHOTS` set it takes the import screens.
const IMPORT_TEST: &str = "an_unknown_spreadsheet_is_mapped_its_conflict_settled_and_the_import_undone_after_a_restart";

/// `cargo xtask screenshots`: the real app through its main screens, into docs/screenshots/.
pub fn screenshots() -> Result<()> {
    build_front_end()?;
    let dir = project_root().join("docs/screenshots");
    std::fs::create_dir_all(&dir)?;
    // The tour takes the main screens; the import test takes the mapping of
    // an unknown spreadsheet and the merge conflicts, which need its files;
    // the planner's test the History panel after its move and undo.
    let tests = ["--exact", "tour", IMPORT_TEST, PLANNER_TEST];
    under_xvfb(&["--workspace"], E2E_FEATURE, &tests, &[], Some(&dir))?;
    eprintln!("xtask: screenshots in {}", dir.display());
    Ok(())
}

/// `cargo xtask bench-desktop`: the speed figures of BENCHMARKS.md, in the
/// real app built in release (the front end embedded, as users get it), on
/// generated estates: 50,000 servers and 10,000 applications (open, inventory,
/// the board's drop), 5,000 servers (the graph), and the import throughput of
/// the app against the CLI on 10,000 servers, both measured in this run.
pub fn bench() -> Result<()> {
    build_front_end()?;
    let root = project_root();
    status(cargo().args(["build", "--locked", "--release", "-p", "waveplan-cli"]))?;
    let out = root.join("bench-out/desktop");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let exe = root.join("target/release/waveplan");
    let project = planned_estate(&exe, &out, "large", &["50000", "10000", "200000"], "500")?;
    let graph = planned_estate(&exe, &out, "graph", &["5000", "1000", "20000"], "100")?;
    let import = estate(&exe, &out, "import", &["10000", "2000", "200000"])?;
    let lines: usize = import
        .iter()
        .map(|f| std::fs::read(f).map(|b| b.iter().filter(|&&c| c == b'\n').count()))
        .sum::<std::io::Result<_>>()?;
    let import_list = import.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join("|");

    setup::debian_packages("the desktop benchmark", DRIVE_PACKAGES)?;
    let driver = tauri_driver()?;
    // Build the app (release) before the clock starts.
    status(cargo().args([
        "test",
        "--locked",
        "--release",
        "-p",
        "waveplan-desktop",
        "--features",
        BENCH_FEATURE,
        "--test",
        "e2e",
        "--no-run",
    ]))?;
    eprintln!("xtask: load average before the run: {}", load_average());
    let cli_import = |label: &str| -> Result<()> {
        let target = out.join(format!("cli-import-{}.waveplan", label.replace(' ', "-")));
        let started = std::time::Instant::now();
        status(
            Command::new(&exe)
                .arg("import")
                .args(&import)
                .arg("--project")
                .arg(&target)
                .arg("--json")
                .stdout(std::process::Stdio::null()),
        )?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "| `waveplan import` (CLI, {label}) | read + merge + save, process wall time | {seconds:.2} s | {:.0} |",
            lines as f64 / seconds
        );
        Ok(())
    };
    println!("| path | what the time covers | time | rows per second |");
    println!("| --- | --- | ---: | ---: |");
    cli_import("before the app")?;
    let import_run = bench_test(&driver, "bench::bench_import", &[("WAVEPLAN_BENCH_IMPORT", import_list.as_ref())]);
    cli_import("after the app")?;
    eprintln!("xtask: {lines} lines in the import estate; load average: {}", load_average());
    let desktop_run = bench_test(
        &driver,
        "bench::bench_desktop",
        &[("WAVEPLAN_BENCH_PROJECT", project.as_os_str()), ("WAVEPLAN_BENCH_GRAPH", graph.as_os_str())],
    );
    eprintln!("xtask: load average after the run: {}", load_average());
    import_run.and(desktop_run)
}

/// One benchmark test of the app's end-to-end target, release build, under Xvfb.
fn bench_test(driver: &Path, test: &str, env: &[(&str, &std::ffi::OsStr)]) -> Result<()> {
    let mut command = Command::new("xvfb-run");
    command
        .args(["-a", "-s", "-screen 0 1440x900x24"])
        .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--locked", "--release", "-p", "waveplan-desktop", "--features", BENCH_FEATURE])
        .args(["--test", "e2e", "--", "--exact", test, "--nocapture", "--test-threads", "1"])
        .env("TAURI_DRIVER", driver)
        .envs(env.iter().copied());
    status(&mut command)
}

/// The one-, five- and fifteen-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `waveplan generate --servers S --apps A --dependencies D --seed 42` into `out/name`; its files.
fn estate(exe: &Path, out: &Path, name: &str, size: &[&str; 3]) -> Result<Vec<PathBuf>> {
    let dir = out.join(name);
    status(
        Command::new(exe)
            .args([
                "generate",
                "--servers",
                size[0],
                "--apps",
                size[1],
                "--dependencies",
                size[2],
                "--seed",
                "42",
                "-o",
            ])
            .arg(&dir),
    )?;
    Ok(["servers", "devices", "applications", "datastores", "members", "dependencies", "constraints"]
        .iter()
        .map(|t| dir.join(format!("{t}.csv")))
        .collect())
}

/// A generated estate imported into `out/name.waveplan` and planned with
/// `--max-servers-per-wave capacity`; the project's path.
fn planned_estate(exe: &Path, out: &Path, name: &str, size: &[&str; 3], capacity: &str) -> Result<PathBuf> {
    let files = estate(exe, out, name, size)?;
    let project = out.join(format!("{name}.waveplan"));
    status(
        Command::new(exe).arg("import").args(&files).arg("--project").arg(&project).stdout(std::process::Stdio::null()),
    )?;
    status(
        Command::new(exe)
            .arg("plan")
            .arg(&project)
            .args(["--max-servers-per-wave", capacity])
            .stdout(std::process::Stdio::null()),
    )?;
    Ok(project)
}

/// `cargo xtask ipc-types`: regenerates ui/src/ipc/types.ts from the Rust wire types.
pub fn ipc_types() -> Result<()> {
    build_front_end_if_missing()?;
    status(
        cargo()
            .args(["test", "--locked", "--workspace", "--features", E2E_FEATURE, "--test", "ipc_types"])
            .env("WAVEPLAN_UPDATE_IPC_TYPES", "1"),
    )
}

fn build_front_end_if_missing() -> Result<()> {
    if project_root().join("ui/dist/index.html").is_file() { Ok(()) } else { build_front_end() }
}
