//! Project automation, run as `cargo xtask <task>`:
//!
//! - `run`: builds what is missing and opens the desktop app on the sample
//!   hospital, imported into a project in the user's data folder.
//! - `demo`: the headless job on the bundled sample (`waveplan demo`).
//! - `lint`: `cargo fmt --check`, clippy with warnings denied over every
//!   target in each feature set the project builds, and the front end's
//!   type check (`tsc --noEmit`).
//! - `test`: `lint` first, then every test of the project: the libraries
//!   and the desktop commands, vitest, and the desktop end to end under Xvfb.
//! - `screenshots`, `bundle`, `ipc-types`: the desktop app's pictures for the
//!   README, its .deb and .rpm (with `--install`: installed here through apt
//!   and started once), and its generated TypeScript types.
//! - `bench`: the end-to-end pipeline benchmark on a generated estate
//!   (50,000 servers, 10,000 applications, 1,000,000 dependencies), with
//!   time and peak memory per stage, and a card moved through the session
//!   with its save timed alone, for BENCHMARKS.md.
//! - `bench-planner`: the planner's quality benchmark (exact optimum on
//!   small estates, baseline on large ones, what-if latency).
//! - `bench-connections`: a 10,000,000-row Azure Migrate dependency export
//!   imported by `waveplan import`, against a bare read of the same file with
//!   the csv crate (the floor), with time and peak memory of each.
//! - `raw-sample`: writes `samples/hospital-raw/`, the sample hospital as
//!   its raw exports (RVTools, ServiceNow, captures, Azure Migrate) with no
//!   membership, derived from `samples/hospital/`.
//!
//! Whatever a task needs beyond Rust it installs itself, so the two README
//! commands work on a fresh machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod bench_planner;
mod bundle;
mod desktop;
mod exports;
mod lint;
mod raw_sample;
mod setup;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("run") => desktop::run(&args[1..]),
        Some("demo") => run(&args[1..]),
        Some("lint") => lint::lint(),
        Some("test") => test(),
        Some("screenshots") => desktop::screenshots(),
        Some("bundle") => bundle::bundle(&args[1..]),
        Some("ipc-types") => desktop::ipc_types(),
        Some("bench-desktop") => desktop::bench(),
        Some("bench") => bench(&args[1..]),
        Some("bench-connections") => bench_connections(&args[1..]),
        Some("bench-planner") => bench_planner::bench_planner(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("raw-sample") => raw_sample::raw_sample(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask run | demo | lint | test | screenshots | bundle [--install] | ipc-types | bench-desktop | bench [--servers N --apps M --dependencies D] | bench-connections [--rows N] | bench-planner [--small N --skip-large] | fuzz [CASES] | raw-sample [--out DIR]"
            );
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
    // Lint first: it fails in minutes, the tests after it take far longer.
    lint::lint()?;
    exports::install_test_tools()?;
    // The workspace includes the desktop shell; its tests run in the same
    // cargo invocation as the libraries', so everything is built once.
    desktop::test(&exports::test_env())
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
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let (servers, apps, deps) =
        (flag("--servers", "50000"), flag("--apps", "10000"), flag("--dependencies", "1000000"));
    status(cargo().args(["build", "--release", "--locked", "-p", "waveplan-cli"]))?;
    status(cargo().args(["build", "--release", "--locked", "-p", "waveplan-app", "--example", "move_save"]))?;
    let exe = project_root().join("target/release/waveplan");
    let out = project_root().join("bench-out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let estate = out.join("estate");
    let project = out.join("bench.waveplan");
    let files: Vec<PathBuf> =
        ["servers", "devices", "applications", "datastores", "members", "dependencies", "constraints"]
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
    let import = measure(
        Command::new(&exe)
            .arg("import")
            .args(&files)
            .arg("--project")
            .arg(&project)
            .stdout(std::process::Stdio::null()),
    )?;
    rows.push(("import (parse, merge, save)", import));
    let plan = measure(
        Command::new(&exe)
            .arg("plan")
            .arg(&project)
            .args(["--json", "--max-servers-per-wave", "500"])
            .stdout(plan_json),
    )?;
    rows.push(("plan (load, plan, save, print JSON)", plan));

    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("plan.json"))?)?;
    let metric =
        |key: &str| plan["metrics"][key].as_u64().with_context(|| format!("no metrics.{key} in the plan JSON"));
    let (waves, hard_violations) = (metric("waves")?, metric("hard_violations")?);
    println!(
        "\nestate: {servers} servers, {apps} applications, {deps} dependencies; {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| stage | wall time (s) | peak memory (MB) |");
    println!("| --- | ---: | ---: |");
    for (stage, (seconds, bytes)) in &rows {
        println!("| {stage} | {seconds:.2} | {:.0} |", *bytes as f64 / 1e6);
    }
    println!("| import + plan | {:.2} | |", rows[1].1.0 + rows[2].1.0);
    println!(
        "\nplan: {} waves, hard_violations {}; project file {:.0} MB",
        waves,
        hard_violations,
        std::fs::metadata(&project)?.len() as f64 / 1e6
    );
    if hard_violations != 0 {
        bail!("the plan of the generated estate has {hard_violations} hard violations");
    }
    // A card moved as the board's drop moves it, through the session: the
    // save (undo step, plan delta, audit entry, one transaction) timed alone.
    let moved = Command::new(project_root().join("target/release/examples/move_save"))
        .arg(&project)
        .output()
        .context("cannot run the move_save example")?;
    if !moved.status.success() {
        bail!("move_save failed: {}", String::from_utf8_lossy(&moved.stderr));
    }
    println!("\nmoving a card in the session (seconds):");
    for line in String::from_utf8_lossy(&moved.stdout).lines() {
        println!("  {line}");
    }
    Ok(())
}

/// Writes a synthetic Azure Migrate dependency export of `rows` rows: 1,000
/// servers with 20,000 distinct connections between them (long-tailed: a few
/// servers take most), seen again and again over 30 days of 6-hour time
/// slots, as a real 30-day export is.
fn write_azure_dependencies(path: &Path, rows: u64) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        out,
        "Time slot,Source server name,Source IP,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port,Source VLAN,Destination VLAN"
    )?;
    let ports = [443u16, 1433, 445, 389, 53, 8080, 5432, 2575, 104, 3306];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: deterministic, no dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    for row in 0..rows {
        let slot = row * 120 / rows.max(1);
        let (day, quarter) = (1 + slot / 4, slot % 4);
        let connection = next() % 20_000;
        let mix = connection.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let source = connection % 1000;
        // Destinations are long-tailed: a few servers take most connections.
        let r = (mix >> 20) % 1000;
        let destination = (r * r / 1000 + source + 1) % 1000;
        let port = ports[((mix >> 40) % ports.len() as u64) as usize];
        let hour = [12, 6, 12, 6][quarter as usize];
        let meridiem = if quarter < 2 { "AM" } else { "PM" };
        writeln!(
            out,
            "11/{day}/2026 {hour}:00:00 {meridiem},SRV{source:04},10.{}.{}.{},App{},proc{}.exe,SRV{destination:04},10.{}.{}.{},App{},svc{port}.exe,{port},VLAN{},VLAN{}",
            source / 250,
            (source / 10) % 25,
            source % 10 + 10,
            source % 97,
            next() % 5,
            destination / 250,
            (destination / 10) % 25,
            destination % 10 + 10,
            destination % 97,
            source % 40,
            destination % 40
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `cargo xtask fuzz [CASES]`: the structure-aware workbook fuzzing
/// (`crates/import/tests/hostile_workbooks.rs`) with a long budget, in
/// release; `cargo xtask test` runs the same target with 48 cases.
fn fuzz(args: &[String]) -> Result<()> {
    let cases = args.first().map(String::as_str).unwrap_or("100000");
    cases.parse::<u32>().with_context(|| format!("'{cases}' is not a number of cases"))?;
    status(
        cargo()
            .args(["test", "--release", "--locked", "-p", "waveplan-import", "--test", "hostile_workbooks"])
            .args(["structured_workbooks_are_read_or_refused", "--", "--nocapture"])
            .env("WAVEPLAN_FUZZ_CASES", cases),
    )
}

fn bench_connections(args: &[String]) -> Result<()> {
    let rows: u64 = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(10_000_000);
    status(cargo().args(["build", "--release", "--locked", "-p", "waveplan-import", "--example", "csv_floor"]))?;
    status(cargo().args(["build", "--release", "--locked", "-p", "waveplan-cli"]))?;
    let root = project_root();
    let out = root.join("bench-out");
    std::fs::create_dir_all(&out)?;
    let file = out.join("azure-dependencies.csv");
    let started = Instant::now();
    write_azure_dependencies(&file, rows)?;
    let size = std::fs::metadata(&file)?.len();
    eprintln!("xtask: wrote {rows} rows ({:.0} MB) in {:.1} s", size as f64 / 1e6, started.elapsed().as_secs_f64());
    let servers = out.join("servers.csv");
    let mut list = String::from("name,ip_addresses\n");
    for s in 0..1000 {
        list.push_str(&format!("SRV{s:04},10.{}.{}.{}\n", s / 250, (s / 10) % 25, s % 10 + 10));
    }
    std::fs::write(&servers, list)?;
    let project = out.join("connections.waveplan");
    let _ = std::fs::remove_file(&project);

    let floor = measure(
        Command::new(root.join("target/release/examples/csv_floor")).arg(&file).stdout(std::process::Stdio::null()),
    )?;
    let import = measure(
        Command::new(root.join("target/release/waveplan"))
            .arg("import")
            .arg(&servers)
            .arg(&file)
            .arg("--project")
            .arg(&project)
            .stdout(std::process::Stdio::null()),
    )?;
    let mb_per_s = |seconds: f64| size as f64 / 1e6 / seconds;
    println!(
        "\n{rows} rows, {:.0} MB; {} CPUs",
        size as f64 / 1e6,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| run | wall time (s) | MB/s | peak memory (MB) |");
    println!("| --- | ---: | ---: | ---: |");
    println!("| bare csv read (floor) | {:.2} | {:.0} | {:.0} |", floor.0, mb_per_s(floor.0), floor.1 as f64 / 1e6);
    println!(
        "| waveplan import (detect, stream, aggregate, merge, save) | {:.2} | {:.0} | {:.0} |",
        import.0,
        mb_per_s(import.0),
        import.1 as f64 / 1e6
    );
    println!("\nimport throughput / floor: {:.2}", floor.0 / import.0);
    Ok(())
}
