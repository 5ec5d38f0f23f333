//! `cargo xtask bench-planner`: the planner's quality benchmark. Builds and
//! runs `crates/exact/examples/bench_planner.rs` in release (small random
//! estates against the exact model's proven optimum, the sample hospital and
//! generated estates of 1,000, 10,000 and 50,000 servers against the
//! baseline planner, the what-if latency), prints its Markdown report and
//! keeps a copy in `bench-out/planner.md` for BENCHMARKS.md. The exact
//! model is solved with HiGHS (the exact crate's `highs` feature, built from
//! source by cargo: it needs cmake, a C++ compiler and libclang for its
//! bindings, installed here); the
//! tests and CI use the pure-Rust microlp and do not build it.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::setup;

pub fn bench_planner(extra: &[String]) -> Result<()> {
    setup::debian_packages(
        "building HiGHS for the planner benchmark's exact model",
        &["cmake", "g++", "libclang-dev"],
    )?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["run", "--release", "--locked", "-p", "waveplan-exact", "--features", "highs"])
        .args(["--example", "bench_planner", "--"])
        .args(extra)
        .output()
        .context("cannot start cargo")?;
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        bail!("the planner benchmark failed ({})", output.status);
    }
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    std::fs::create_dir_all("bench-out")?;
    std::fs::write("bench-out/planner.md", report.as_bytes())?;
    eprintln!("xtask: report kept in bench-out/planner.md");
    Ok(())
}
