//! The planner's quality benchmark (`cargo xtask bench-planner` runs it in
//! release): small random estates against the proven optimum of the exact
//! model, the sample hospital, and generated estates of 1,000, 10,000 and
//! 50,000 servers against the baseline planner; then the what-if latency on
//! the largest estate. Prints a Markdown report for BENCHMARKS.md.
//!
//! Arguments: `--small N` (small instances tried, default 40), `--max-groups N`
//! (largest small instance given to the exact model, default 22), `--skip-large`.

use std::time::Instant;

use anyhow::{Context, Result};
use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_core::plan::{
    Assignment, ObjectiveValue, PlanSession, Problem, assign, assign_baseline, evaluate, plan_from_assignment,
};
use waveplan_core::{Estate, Plan, PlanConfig, Tier};

/// Mission-critical DR gap-days: days each mission-critical application
/// spends below its RTO/RPO target during the programme (before its
/// cutover if its current DR falls short, after it if the target DR does).
fn dr_gap_days(plan: &Plan) -> f64 {
    let Some(end) = plan.metrics.programme_end else { return 0.0 };
    let start = plan.config.start;
    plan.applications
        .iter()
        .filter(|a| a.tier == Tier::MissionCritical)
        .map(|a| {
            let cut = plan.config.wave_end(a.wave);
            let before = if a.dr_meets_before { 0 } else { (cut - start).num_days() };
            let after = if a.dr_meets_after { 0 } else { (end - cut).num_days() };
            (before + after) as f64
        })
        .sum()
}

struct Row {
    name: String,
    groups: usize,
    violations: usize,
    value: ObjectiveValue,
    dr_gap_days: f64,
    seconds: f64,
}

fn run(name: &str, estate: &Estate, config: &PlanConfig, baseline: bool) -> Result<(Row, Problem)> {
    let started = Instant::now();
    let problem = Problem::build(estate, config);
    let assignment =
        if baseline { assign_baseline(estate, &problem, config) } else { assign(estate, &problem, config) };
    let plan = plan_from_assignment(estate, config, &assignment);
    let seconds = started.elapsed().as_secs_f64();
    let value = evaluate(&problem, &assignment.waves);
    for v in plan.violations.iter().take(3) {
        eprintln!("{name} ({}): {}: {}", if baseline { "baseline" } else { "waveplan" }, v.constraint, v.message);
    }
    Ok((
        Row {
            name: name.to_string(),
            groups: problem.groups.len(),
            violations: plan.violations.len(),
            value,
            dr_gap_days: dr_gap_days(&plan),
            seconds,
        },
        problem,
    ))
}

fn hospital() -> Result<Estate> {
    use waveplan_import::{Input, Options, Source, read_sources};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/hospital");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "csv") {
            files.push((path.file_name().unwrap_or_default().to_string_lossy().to_string(), std::fs::read(&path)?));
        }
    }
    files.sort();
    let inputs: Vec<Input<'_>> = files.iter().map(|(name, bytes)| Input { name, bytes }).collect();
    let sources: Vec<&dyn Source> = inputs.iter().map(|i| i as &dyn Source).collect();
    let imported = read_sources(&sources, &Options::default());
    let mut estate = Estate::default();
    let diagnostics = waveplan_core::merge::merge(&mut estate, imported.batch);
    if let Some(error) = imported.diagnostics.iter().chain(&diagnostics).find(|d| d.is_error()) {
        anyhow::bail!("the sample hospital does not import: {error}");
    }
    Ok(estate)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let small_count: u64 = args
        .iter()
        .position(|a| a == "--small")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let skip_large = args.iter().any(|a| a == "--skip-large");
    let only: Option<String> = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    // microlp proves optima of about twenty groups in seconds; past that it can take minutes.
    let max_groups: usize = args
        .iter()
        .position(|a| a == "--max-groups")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(22);

    // 1. Small instances against the proven optimum.
    println!("## Small instances: gap to the proven optimum (exact model, microlp)\n");
    println!(
        "| instance | groups | waves | hard violations | planner traffic-days | optimum traffic-days | gap | planner s | exact s |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let (mut within, mut solved, mut gaps) = (0, 0, Vec::new());
    for seed in 1..=small_count {
        let servers = 30 + (seed as usize * 37) % 70;
        let applications = 10 + (seed as usize * 13) % 20;
        let estate = generate_estate(&GenerateConfig { servers, applications, dependencies: servers * 6, seed });
        let total: usize = estate.servers.iter().filter(|s| !s.is_device()).count();
        // Capacity for about five waves, and no date constraints far out.
        let mut config = PlanConfig {
            max_servers_per_wave: Some((total as u32).div_ceil(5).max(8)),
            pilot_applications: 2,
            ..PlanConfig::default()
        };
        config.seed = seed;
        let estate = Estate {
            constraints: estate
                .constraints
                .into_iter()
                .filter(|c| !matches!(c, waveplan_core::Constraint::NotBefore { .. }))
                .collect(),
            ..estate
        };
        let (row, problem) = run(&format!("small-{seed:02}"), &estate, &config, false)?;
        if !problem.conflicts.is_empty() || row.value.waves > 6 || problem.groups.len() > max_groups {
            continue;
        }
        let started = Instant::now();
        let Ok(optimum) = waveplan_exact::solve(&problem, row.value.waves) else { continue };
        let exact_seconds = started.elapsed().as_secs_f64();
        solved += 1;
        let gap = if optimum.value.traffic_days > 0.0 {
            row.value.traffic_days / optimum.value.traffic_days - 1.0
        } else {
            0.0
        };
        within += usize::from(gap <= 0.03 + 1e-9);
        gaps.push(gap);
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.0} | {:.2}% | {:.3} | {:.2} |",
            row.name,
            row.groups,
            row.value.waves,
            row.violations,
            row.value.traffic_days,
            optimum.value.traffic_days,
            gap * 100.0,
            row.seconds,
            exact_seconds
        );
    }
    gaps.sort_by(f64::total_cmp);
    let mean = if gaps.is_empty() { 0.0 } else { gaps.iter().sum::<f64>() / gaps.len() as f64 };
    println!(
        "\nWithin 3% of the optimum: {within} of {solved} ({:.0}%); mean gap {:.2}%, worst {:.2}%.\n",
        100.0 * within as f64 / solved.max(1) as f64,
        mean * 100.0,
        gaps.last().copied().unwrap_or(0.0) * 100.0
    );

    // 2. The hospital and the generated estates against the baseline.
    println!("## Planner against the baseline (priority-score ordering with capacity fill)\n");
    println!(
        "| instance | groups | planner | hard violations | traffic-days | cut weight | waves | imbalance | MC DR gap-days | run time s |"
    );
    println!("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut instances: Vec<(String, Estate, PlanConfig)> =
        vec![("hospital".into(), hospital()?, PlanConfig { max_servers_per_wave: Some(40), ..PlanConfig::default() })];
    if !skip_large {
        for servers in [1_000usize, 10_000, 50_000] {
            let estate = generate_estate(&GenerateConfig::with_default_dependencies(servers, servers / 5, 42));
            // About 25 waves' worth, and never less than the largest move group.
            let largest = Problem::build(&estate, &PlanConfig { max_servers_per_wave: None, ..PlanConfig::default() })
                .groups
                .iter()
                .map(|g| g.need[0] as u32)
                .max()
                .unwrap_or(1);
            let config = PlanConfig {
                max_servers_per_wave: Some(((servers / 25) as u32).max(largest)),
                ..PlanConfig::default()
            };
            instances.push((format!("generated-{servers}"), estate, config));
        }
    }
    let mut session_estate = None;
    for (name, estate, config) in instances {
        if only.as_ref().is_some_and(|o| *o != name) {
            continue;
        }
        let (ours, _) = run(&name, &estate, &config, false)?;
        let (base, _) = run(&name, &estate, &config, true)?;
        for (label, row) in [("waveplan", &ours), ("baseline", &base)] {
            println!(
                "| {} | {} | {label} | {} | {:.0} | {:.0} | {} | {:.2} | {:.0} | {:.2} |",
                row.name,
                row.groups,
                row.violations,
                row.value.traffic_days,
                row.value.cut_weight,
                row.value.waves,
                row.value.imbalance,
                row.dr_gap_days,
                row.seconds
            );
        }
        println!(
            "| {name} | | **waveplan vs baseline** | | **{:+.1}%** | {:+.1}% | {:+} | | | |",
            (ours.value.traffic_days / base.value.traffic_days.max(1e-9) - 1.0) * 100.0,
            (ours.value.cut_weight / base.value.cut_weight.max(1e-9) - 1.0) * 100.0,
            ours.value.waves as i64 - base.value.waves as i64
        );
        if name == "generated-50000" {
            session_estate = Some((estate, config));
        }
    }

    // 3. What-if latency on the largest estate.
    if let Some((estate, config)) = session_estate {
        let plan = waveplan_core::plan_waves(&estate, &config);
        let started = Instant::now();
        let session = PlanSession::new(&estate, &plan);
        let build = started.elapsed().as_secs_f64();
        let mut times = Vec::new();
        for (i, app) in plan.applications.iter().enumerate().step_by(plan.applications.len().max(200) / 200) {
            let wave = 1 + (i as u32 * 7) % plan.metrics.waves.max(1);
            let started = Instant::now();
            let answer = session.what_if(&app.name, wave)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(answer);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "\n## What-if on generated-50000 ({} applications)\n\nSession built once in {:.2} s; {} what-if moves: median {:.2} ms, 95th percentile {:.2} ms, worst {:.2} ms.",
            plan.applications.len(),
            build,
            times.len(),
            times[times.len() / 2],
            times[times.len() * 95 / 100],
            times.last().copied().unwrap_or(0.0)
        );
    }
    let _ = Assignment { waves: Vec::new(), conflicts: Vec::new() };
    Ok(())
}
