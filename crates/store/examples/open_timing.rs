//! Times opening a project and reading what the app reads first (the
//! inventory and the board scenario's saved plan), as a user's open does:
//! `cargo run --release -p waveplan-store --example open_timing PROJECT.waveplan [runs]`.
//!
//! Each run opens the file for writing (taking its lock), loads the
//! inventory and the baseline plan's text, and closes it. The first open of
//! an older file upgrades it (with a backup); time the runs after that.

use std::time::Instant;

use waveplan_store::{Access, Owner, Project};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: open_timing PROJECT.waveplan [runs]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    for run in 1..=runs {
        let started = Instant::now();
        let project = Project::open_with(&path, Access::Write(Owner::current()))?;
        let estate = project.load_estate()?;
        let plan = project.load_plan("baseline")?.map(|(_, plan)| plan.len()).unwrap_or(0);
        println!(
            "run {run}: open and load {:.3} s ({} servers, plan {plan} bytes)",
            started.elapsed().as_secs_f64(),
            estate.servers.len()
        );
    }
    Ok(())
}
