//! The benchmark of a moved card's save (`cargo xtask bench`): opens a
//! project, moves an application by one wave as the board's drop does, and
//! prints how long the open, the planner's move and the save took, as
//! `stage seconds` lines. Run in release on the benchmark's project.

use std::time::Instant;

use waveplan_app::Session;

fn main() {
    let path = std::env::args().nth(1).expect("usage: move_save PROJECT.waveplan");
    let started = Instant::now();
    let mut session = Session::open(std::path::Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    println!("open {:.3}", started.elapsed().as_secs_f64());
    let plan = session.plan().unwrap_or_else(|e| panic!("{e}"));
    // The application in the middle of the plan, moved one wave later:
    // the planner answers for it whichever constraints it breaks.
    let mut placements: Vec<_> = plan.applications.iter().map(|a| (a.wave, a.name.clone())).collect();
    placements.sort();
    let (wave, name) = placements[placements.len() / 2].clone();
    let started = Instant::now();
    session.price_move(&name, wave + 1).unwrap_or_else(|e| panic!("{e}"));
    println!("planner session and first price {:.3}", started.elapsed().as_secs_f64());
    for (round, to) in [(1, wave + 1), (2, wave)] {
        let started = Instant::now();
        session.move_application(&name, to).unwrap_or_else(|e| panic!("{e}"));
        println!("move {round} (planner and save) {:.3}", started.elapsed().as_secs_f64());
        println!("move {round} save {:.4}", session.last_save().as_secs_f64());
    }
    let started = Instant::now();
    session.undo().unwrap_or_else(|e| panic!("{e}"));
    println!("undo {:.3}", started.elapsed().as_secs_f64());
    println!("undo save {:.4}", session.last_save().as_secs_f64());
}
