//! Times saving one edited application in a large generated estate, written
//! whole (`replace_estate`) and written as what changed (`update_estate`):
//! `cargo run --release -p waveplan-store --example update_timing [servers apps dependencies]`
//! (50,000 servers, 10,000 applications and 1,000,000 dependencies by default).
//!
//! Prints the wall time of each write (the commit included) and how many
//! statements each executed; each is timed three times on a file on disk.

use std::time::Instant;

use waveplan_core::delta::EstateDelta;
use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_store::Project;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    let (servers, applications, dependencies) = match args[..] {
        [s, a, d] => (s, a, d),
        _ => (50_000, 10_000, 1_000_000),
    };
    let estate = generate_estate(&GenerateConfig { servers, applications, dependencies, seed: 14 });
    println!(
        "estate: {} servers, {} applications, {} dependencies",
        estate.servers.len(),
        estate.applications.len(),
        estate.dependencies.len()
    );
    let dir = tempfile::tempdir()?;
    let mut project = Project::create(dir.path().join("timing.waveplan"))?;
    let start = Instant::now();
    project.save_estate(&estate)?;
    println!("first save: {:?}", start.elapsed());

    let mut now = estate;
    for round in 1..=3 {
        let before = now.clone();
        let app = &mut now.applications[round * 97 % before.applications.len()];
        app.owner = Some(format!("owner after edit {round}"));
        app.servers.reverse();
        let undo = EstateDelta::between(&before, &now);

        let start = Instant::now();
        project.write(|w| w.update_estate(&now, &undo))?;
        let update = start.elapsed();
        let update_statements = project.statements_in_last_write();

        let start = Instant::now();
        project.write(|w| w.replace_estate(&now))?;
        let replace = start.elapsed();
        let replace_statements = project.statements_in_last_write();
        println!(
            "round {round}: update_estate {update:?} ({update_statements} statements), \
             replace_estate {replace:?} ({replace_statements} statements)"
        );
    }
    let loaded = project.load_estate()?;
    assert!(loaded == now, "the file differs from the estate");
    Ok(())
}
