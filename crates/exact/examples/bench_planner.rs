//! The planner's quality benchmark (`cargo xtask bench-planner` runs it in
//! release): small random estates against the proven optimum of the exact
//! model, the sample hospital, and generated estates of 1,000, 10,000 and
//! 50,000 servers against the baseline planner; then the what-if latency on
//! the largest estate. Prints a Markdown report for BENCHMARKS.md.
//!
//! Arguments: `--small N` (small instances tried, default 40), `--seed-base B`
//! (their seeds are B+1 to B+N; default 1000, the reported table's; develop
//! with another), `--max-groups N` (largest small instance, default 40),
//! `--microlp-groups N` (microlp is timed against HiGHS up to this size,
//! default 22), `--skip-large`, `--only NAME` (one large instance).

use std::time::Instant;

use anyhow::{Context, Result};
use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_core::plan::{
    ObjectiveValue, PlanSession, Problem, assign, assign_baseline, evaluate, plan_from_assignment,
};
use waveplan_core::{Estate, PlanConfig};

struct Row {
    name: String,
    groups: usize,
    violations: usize,
    value: ObjectiveValue,
    dr_gap_days: f64,
    seconds: f64,
    /// The applications the planner kept in each pilot wave at the least.
    pilot_floor: Vec<u32>,
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
        eprintln!("{name} ({}): {}: {}", if baseline { "baseline" } else { "waveplan" }, v.kind, v.message);
    }
    Ok((
        Row {
            name: name.to_string(),
            groups: problem.groups.len(),
            violations: plan.violations.len(),
            value,
            dr_gap_days: plan.metrics.dr_gap_days_mission_critical as f64,
            seconds,
            pilot_floor: assignment.pilot_floor.clone(),
        },
        problem,
    ))
}

/// Servers of the largest move group: a wave must take at least that many.
fn largest_group(estate: &Estate) -> u32 {
    let unlimited = PlanConfig { max_servers_per_wave: None, ..PlanConfig::default() };
    Problem::build(estate, &unlimited).groups.iter().map(|g| g.need[0] as u32).max().unwrap_or(1)
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
    let flag = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    // The small instances: up to 40 move groups and 6 waves.
    let max_groups = flag("--max-groups", 40) as usize;
    // The reported table uses seeds from 1,001; development used others
    // (`--seed-base 5000`), so the planner is not tuned to the table.
    let seed_base = flag("--seed-base", 1000);
    // microlp is timed against HiGHS on the qualifying instances of at most this many groups.
    let microlp_groups = flag("--microlp-groups", 22) as usize;
    let solver = waveplan_exact::Solver::best();

    // 1. Small instances against the proven optimum.
    println!("## Small instances: gap to the proven optimum (exact model, {})\n", solver.name());
    println!(
        "| instance | groups | waves | hard violations | planner traffic-days | optimum traffic-days | gap | planner s | exact s | microlp s |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let (mut within, mut solved, mut gaps) = (0, 0, Vec::new());
    let mut left_out: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut by_size: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
    for seed in seed_base + 1..=seed_base + small_count {
        let i = (seed - seed_base) as usize;
        // Sizes cycle through 30 to 169 servers and 10 to 43 applications
        // (10 to 40 move groups, mostly: more applications than that give
        // more than 40 groups, the largest small instance).
        let servers = 30 + (i * 37) % 140;
        let applications = 10 + (i * 13) % 34;
        let estate = generate_estate(&GenerateConfig { servers, applications, dependencies: servers * 6, seed });
        let total: usize = estate.servers.iter().filter(|s| !s.is_device()).count();
        // Capacity for about four waves of servers (never less than the
        // largest move group), and no date constraints far out. At five,
        // half the estates needed more than six waves once precedence and
        // cutover tracks had their say, and left the table; four still binds
        // (the precedence chains and the cutover tracks bind besides).
        let mut config = PlanConfig {
            max_servers_per_wave: Some((total as u32).div_ceil(4).max(8).max(largest_group(&estate))),
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
        let (row, problem) = run(&format!("small-{seed}"), &estate, &config, false)?;
        let reason = if !problem.conflicts.is_empty() {
            Some("infeasible (a move group larger than a wave, or contradictory constraints)")
        } else if row.value.waves > 6 {
            Some("more than 6 waves")
        } else if problem.groups.len() > max_groups {
            Some("more than the largest size asked for")
        } else {
            None
        };
        if let Some(reason) = reason {
            *left_out.entry(reason).or_default() += 1;
            continue;
        }
        // The planner keeps in each pilot wave the applications its packing
        // put there; the model is asked for the same, no more.
        let pilot = waveplan_exact::Pilot::Applications(row.pilot_floor.iter().skip(1).copied().min().unwrap_or(0));
        let model_waves = row.value.waves.max(6);
        let started = Instant::now();
        let optimum = match waveplan_exact::solve_with(&problem, model_waves, solver, pilot) {
            Ok(optimum) if row.violations > 0 => {
                // A valid plan exists and the planner did not find one: a miss, not an omission.
                println!(
                    "| {} | {} | {} | {} | no valid plan | {:.0} | miss | {:.3} | | |",
                    row.name, row.groups, row.value.waves, row.violations, optimum.value.traffic_days, row.seconds
                );
                solved += 1;
                gaps.push(f64::INFINITY);
                let size = by_size.entry(problem.groups.len().div_ceil(10) * 10).or_default();
                size.0 += 1;
                continue;
            }
            Ok(optimum) => optimum,
            Err(e) => {
                eprintln!("small-{seed}: the exact model gave no answer: {e}");
                *left_out.entry("no valid plan within 6 waves (the exact model proves it)").or_default() += 1;
                continue;
            }
        };
        let exact_seconds = started.elapsed().as_secs_f64();
        let microlp = if solver != waveplan_exact::Solver::Microlp && problem.groups.len() <= microlp_groups {
            let started = Instant::now();
            let other = waveplan_exact::solve_with(&problem, model_waves, waveplan_exact::Solver::Microlp, pilot);
            let same = other.is_ok_and(|o| {
                (o.value.traffic_days - optimum.value.traffic_days).abs() <= 1e-6 * optimum.value.traffic_days.max(1.0)
            });
            if !same {
                eprintln!("small-{seed}: microlp and {} disagree on the optimum", solver.name());
            }
            format!("{:.2}", started.elapsed().as_secs_f64())
        } else {
            String::new()
        };
        solved += 1;
        let gap = if optimum.value.traffic_days > 0.0 {
            row.value.traffic_days / optimum.value.traffic_days - 1.0
        } else {
            0.0
        };
        let ok = gap <= 0.03 + 1e-9;
        within += usize::from(ok);
        let size = by_size.entry(problem.groups.len().div_ceil(10) * 10).or_default();
        size.0 += 1;
        size.1 += usize::from(ok);
        gaps.push(gap);
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.0} | {:.2}% | {:.3} | {:.2} | {microlp} |",
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
        "\nWithin 3% of the optimum: {within} of {solved} ({:.1}%); mean gap {:.2}%, worst {:.2}%.",
        100.0 * within as f64 / solved.max(1) as f64,
        mean * 100.0,
        gaps.last().copied().unwrap_or(0.0) * 100.0
    );
    let sizes: Vec<String> = by_size
        .iter()
        .map(|(up_to, (n, ok))| format!("{}-{up_to} groups: {ok} of {n}", up_to.saturating_sub(9)))
        .collect();
    println!("By size: {}.", sizes.join("; "));
    let out: Vec<String> = left_out.iter().map(|(why, n)| format!("{n} {why}")).collect();
    println!(
        "Of {small_count} instances tried (seeds {} to {}), left out: {}.\n",
        seed_base + 1,
        seed_base + small_count,
        if out.is_empty() { "none".into() } else { out.join("; ") }
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
            if only.as_ref().is_some_and(|o| *o != format!("generated-{servers}")) {
                continue;
            }
            let estate = generate_estate(&GenerateConfig::with_default_dependencies(servers, servers / 5, 42));
            // About 25 waves' worth, and never less than the largest move group.
            let config = PlanConfig {
                max_servers_per_wave: Some(((servers / 25) as u32).max(largest_group(&estate))),
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
        let with_dr = PlanConfig { minimise_dr_gap_days: true, ..config.clone() };
        let (dr, _) = run(&name, &estate, &with_dr, false)?;
        for (label, row) in [("waveplan", &ours), ("baseline", &base), ("waveplan, DR gap-days secondary", &dr)] {
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
        println!(
            "| {name} | | **DR secondary vs waveplan** | | {:+.1}% | | {:+} | | **{:+.1}%** | |",
            (dr.value.traffic_days / ours.value.traffic_days.max(1e-9) - 1.0) * 100.0,
            dr.value.waves as i64 - ours.value.waves as i64,
            (dr.dr_gap_days / ours.dr_gap_days.max(1e-9) - 1.0) * 100.0
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
    Ok(())
}
