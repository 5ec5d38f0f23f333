//! `cargo xtask lint`: rustfmt's check, clippy with warnings denied over
//! every target in each feature set the project builds, and the front end's
//! TypeScript type check. `cargo xtask test` runs it first, so a lint
//! failure fails CI in minutes instead of after the long tests.
//!
//! It reports and never rewrites: no `cargo fmt` without `--check`, no
//! `clippy --fix`. The first failing step stops it with an error naming the
//! step. What the steps need beyond Rust (the webkit packages the shell
//! compiles against, the npm packages) is installed through
//! `desktop::install_front_end`, as the desktop test does.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{cargo, desktop, project_root, status};

/// The feature sets of the workspace that some task compiles, each linted
/// over `--workspace --all-targets`: none (a plain `cargo build` or `cargo
/// test`), the end-to-end tests (`cargo xtask test`, `run`, `screenshots`),
/// and the desktop benchmark (`cargo xtask bench-desktop`), whose code in the
/// e2e target is behind its own feature. Every pass names the whole workspace
/// so the dependencies resolve to the same features and are checked once;
/// only the shell is checked again per set.
const CLIPPY_FEATURE_SETS: &[Option<&str>] = &[None, Some(desktop::E2E_FEATURE), Some(desktop::BENCH_FEATURE)];

/// One step of the lint: what it is called in the output, its command, and
/// whether it compiles the desktop shell (and so needs the webkit packages,
/// `node_modules` and `ui/dist` first).
struct Step {
    name: String,
    command: Command,
    needs_front_end: bool,
}

/// The steps, in the order they run: the quick rustfmt check first.
fn steps() -> Vec<Step> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    let mut steps =
        vec![Step { name: "rustfmt (fix with `cargo fmt --all`)".into(), command: fmt, needs_front_end: false }];
    for features in CLIPPY_FEATURE_SETS {
        let mut clippy = cargo();
        clippy.args(["clippy", "--workspace", "--all-targets", "--locked"]);
        if let Some(features) = features {
            clippy.args(["--features", features]);
        }
        clippy.args(["--", "-D", "warnings"]);
        let name = format!("clippy, features: {}", features.unwrap_or("none"));
        steps.push(Step { name, command: clippy, needs_front_end: true });
    }
    let mut tsc = Command::new("npx");
    // `--no`: never fetch a package named `tsc` from the registry (an
    // unrelated one has that name); run the TypeScript of package-lock.json.
    tsc.args(["--no", "--", "tsc", "--noEmit"]).current_dir(project_root().join("ui"));
    steps.push(Step {
        name: "the front end's type check (tsc --noEmit in ui/)".into(),
        command: tsc,
        needs_front_end: true,
    });
    steps
}

/// Runs every lint step in order; the first failure stops it.
pub fn lint() -> Result<()> {
    let started = std::time::Instant::now();
    let steps = steps();
    let count = steps.len();
    let mut front_end_ready = false;
    for (number, mut step) in (1..).zip(steps) {
        eprintln!("xtask: lint step {number} of {count}: {}", step.name);
        if step.needs_front_end && !front_end_ready {
            desktop::install_front_end().context("lint: cannot install what the desktop shell and ui/ need")?;
            ensure_front_end_bundle()?;
            front_end_ready = true;
        }
        status(&mut step.command).with_context(|| format!("lint failed at step {number} of {count}: {}", step.name))?;
    }
    eprintln!("xtask: lint passed ({count} steps) in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Builds `ui/dist` with Vite alone when it is missing: the shell embeds it
/// at compile time, so clippy cannot check the shell without it. Vite alone,
/// not `npm run build`, because the type check is a step of its own.
fn ensure_front_end_bundle() -> Result<()> {
    let ui = project_root().join("ui");
    if ui.join("dist/index.html").is_file() {
        return Ok(());
    }
    status(Command::new("npx").args(["--no", "--", "vite", "build"]).current_dir(&ui))
        .context("lint: cannot build ui/dist, which the desktop shell embeds and clippy compiles")
}
