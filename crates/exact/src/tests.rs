//! The exact model against the planner on small generated estates: the
//! optimum keeps every hard constraint, and the heuristic is never better
//! than a proven optimum (it would mean one of them is wrong).

use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_core::plan::{Assignment, Problem, assign, plan_from_assignment};
use waveplan_core::{PlanConfig, verify_plan};

use super::solve;

fn small(seed: u64) -> (waveplan_core::Estate, PlanConfig) {
    let mut estate = generate_estate(&GenerateConfig { servers: 30, applications: 10, dependencies: 150, seed });
    // Dates far out would stretch the waves past what a test should solve.
    estate.constraints.retain(|c| !matches!(c, waveplan_core::Constraint::NotBefore { .. }));
    let config = PlanConfig { max_servers_per_wave: Some(10), pilot_applications: 2, ..PlanConfig::default() };
    (estate, config)
}

#[test]
fn optimum_is_valid_and_never_beaten() {
    for seed in 1..=6 {
        let (estate, config) = small(seed);
        let problem = Problem::build(&estate, &config);
        if !problem.conflicts.is_empty() {
            continue;
        }
        let heuristic = assign(&estate, &problem, &config);
        let heuristic_value = waveplan_core::plan::evaluate(&problem, &heuristic.waves);
        let optimum = solve(&problem, heuristic_value.waves.max(1)).expect("the heuristic's wave count is feasible");
        let plan = plan_from_assignment(
            &estate,
            &config,
            &Assignment { waves: optimum.waves.clone(), ..Assignment::default() },
        );
        // The model leaves out the cutover tracks (a relaxation: its optimum
        // is still a lower bound); everything else must hold.
        let broken: Vec<_> = verify_plan(&estate, &plan)
            .into_iter()
            .filter(|v| v.kind != waveplan_core::plan::ViolationKind::CutoverWindow)
            .collect();
        assert!(broken.is_empty(), "seed {seed}: {broken:?}");
        let tolerance = 1e-6 * optimum.value.traffic_days.max(1.0);
        assert!(
            heuristic_value.traffic_days + tolerance >= optimum.value.traffic_days,
            "seed {seed}: heuristic {} below the optimum {}",
            heuristic_value.traffic_days,
            optimum.value.traffic_days
        );
    }
}
