//! Project automation, run as `cargo xtask <task>`:
//!
//! - `run`: builds what is missing and runs the main job on the bundled
//!   sample (`waveplan demo`).
//! - `test`: every test of the project.
//! - `bench`: the end-to-end pipeline benchmark on a generated estate
//!   (50,000 servers, 10,000 applications, 1,000,000 dependencies), with
//!   time and peak memory per stage, for BENCHMARKS.md.
//!
//! Whatever a task needs beyond Rust it installs itself, so the two README
//! commands work on a fresh machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask run | test | bench [--servers N --apps M --dependencies D]");
            std::process::exit(2);
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn status(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    eprintln!("xtask: {shown}");
    let status = command.status().with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn run(extra: &[String]) -> Result<()> {
    status(cargo().args(["run", "--quiet", "-p", "waveplan-cli", "--bin", "waveplan", "--", "demo"]).args(extra))
}

fn test() -> Result<()> {
    status(cargo().args(["test", "--workspace", "--locked"]))
}

/// Runs a child to completion and returns its wall time and peak resident memory.
fn measure(command: &mut Command) -> Result<(f64, u64)> {
    let shown = format!("{command:?}");
    let started = Instant::now();
    let child = command.spawn().with_context(|| format!("cannot start {shown}"))?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet waited for; status and usage
    // point to live, writable values.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    if pid < 0 {
        bail!("cannot wait for {shown}: {}", std::io::Error::last_os_error());
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        bail!("{shown} failed (wait status {status})");
    }
    // ru_maxrss is in kilobytes on Linux.
    Ok((seconds, usage.ru_maxrss as u64 * 1024))
}

fn bench(args: &[String]) -> Result<()> {
    let flag = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
    };
    let (servers, apps, deps) = (flag("--servers", "50000"), flag("--apps", "10000"), flag("--dependencies", "1000000"));
    status(cargo().args(["build", "--release", "--locked", "-p", "waveplan-cli"]))?;
    let exe = project_root().join("target/release/waveplan");
    let out = project_root().join("bench-out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let estate = out.join("estate");
    let project = out.join("bench.waveplan");
    let files: Vec<PathBuf> = ["servers", "devices", "applications", "datastores", "members", "dependencies", "constraints"]
        .iter()
        .map(|t| estate.join(format!("{t}.csv")))
        .collect();
    let plan_json = std::fs::File::create(out.join("plan.json"))?;

    let mut rows = Vec::new();
    let generate = measure(
        Command::new(&exe)
            .args(["generate", "--servers", &servers, "--apps", &apps, "--dependencies", &deps, "--seed", "42", "-o"])
            .arg(&estate)
            .stdout(std::process::Stdio::null()),
    )?;
    rows.push(("generate", generate));
    let import = measure(Command::new(&exe).arg("import").args(&files).arg("--project").arg(&project).stdout(std::process::Stdio::null()))?;
    rows.push(("import (parse, merge, save)", import));
    let plan = measure(Command::new(&exe).arg("plan").arg(&project).args(["--json", "--max-servers-per-wave", "500"]).stdout(plan_json))?;
    rows.push(("plan (load, plan, save, print JSON)", plan));

    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("plan.json"))?)?;
    let metric = |key: &str| plan["metrics"][key].as_u64().with_context(|| format!("no metrics.{key} in the plan JSON"));
    let (waves, hard_violations) = (metric("waves")?, metric("hard_violations")?);
    println!("\nestate: {servers} servers, {apps} applications, {deps} dependencies; {} CPUs", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("| stage | wall time (s) | peak memory (MB) |");
    println!("| --- | ---: | ---: |");
    for (stage, (seconds, bytes)) in &rows {
        println!("| {stage} | {seconds:.2} | {:.0} |", *bytes as f64 / 1e6);
    }
    println!("| import + plan | {:.2} | |", rows[1].1.0 + rows[2].1.0);
    println!("\nplan: {} waves, hard_violations {}; project file {:.0} MB", waves, hard_violations, std::fs::metadata(&project)?.len() as f64 / 1e6);
    if hard_violations != 0 {
        bail!("the plan of the generated estate has {hard_violations} hard violations");
    }
    Ok(())
}
