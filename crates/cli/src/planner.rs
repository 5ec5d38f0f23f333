//! The planner's own command-line parts: the optimisation settings of
//! `waveplan plan`, what an infeasible plan prints, `waveplan explain` and
//! `waveplan move` (what-if).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use waveplan_core::plan::{ObjectiveKind, PrecedenceRule};
use waveplan_core::{Blackout, Plan, PlanConfig};

/// Settings of the optimising planner; what is not given comes from the project.
#[derive(clap::Args, Debug, Default)]
pub struct PlannerFlags {
    /// Most applications per wave (0 for no limit).
    #[arg(long)]
    pub max_apps_per_wave: Option<u32>,
    /// Most servers replicating for one wave (0 for no limit).
    #[arg(long)]
    pub max_replicating_per_wave: Option<u32>,
    /// Most cutover team hours per wave, the sum of estimated downtimes (0 for no limit).
    #[arg(long)]
    pub max_cutover_hours_per_wave: Option<f64>,
    /// Pilot waves at the start (with --pilot above 0).
    #[arg(long)]
    pub pilot_waves: Option<u32>,
    /// A period with no cutover, NAME=FIRST..LAST (dates inclusive); repeat
    /// for several. Replaces the project's blackouts.
    #[arg(long = "blackout", value_name = "NAME=YYYY-MM-DD..YYYY-MM-DD")]
    pub blackouts: Vec<String>,
    /// Remove every blackout kept in the project.
    #[arg(long, conflicts_with = "blackouts")]
    pub no_blackouts: bool,
    /// How a kind of dependency orders its ends, KIND=RULE with KIND service,
    /// database or storage and RULE same-or-earlier, earlier, together or ignore.
    #[arg(long = "precedence", value_name = "KIND=RULE")]
    pub precedence: Vec<String>,
    /// Weight factor of latency-sensitive dependencies.
    #[arg(long)]
    pub latency_weight: Option<f64>,
    /// What to minimise first: traffic-days or fewest-waves; add
    /// ",dr-gap-days" to minimise mission-critical DR gap-days as well
    /// (for example traffic-days,dr-gap-days).
    #[arg(long)]
    pub objective: Option<String>,
    /// Traffic-days one mission-critical DR gap-day is worth with
    /// --objective ...,dr-gap-days (0: automatic, the mean traffic of a move group).
    #[arg(long)]
    pub dr_gap_day_weight: Option<f64>,
    /// Seed of the local search.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Most passes of local search (0: the first feasible packing).
    #[arg(long)]
    pub search_passes: Option<u32>,
}

fn parse_blackout(text: &str) -> Result<Blackout> {
    let usage = "expected NAME=YYYY-MM-DD..YYYY-MM-DD, for example 'EHR go-live=2027-03-01..2027-03-14'";
    let (name, dates) = text.rsplit_once('=').with_context(|| format!("--blackout '{text}': {usage}"))?;
    let (first, last) = dates.split_once("..").unwrap_or((dates, dates));
    let date = |d: &str| {
        NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .with_context(|| format!("--blackout '{text}': '{}' is not a date; {usage}", d.trim()))
    };
    let (start, end) = (date(first)?, date(last)?);
    if end < start {
        bail!("--blackout '{text}': it ends before it starts");
    }
    if name.trim().is_empty() {
        bail!("--blackout '{text}': give the blackout a name; {usage}");
    }
    Ok(Blackout { name: name.trim().to_string(), start, end })
}

fn limit<T: PartialOrd + Default + Copy>(value: T) -> Option<T> {
    (value > T::default()).then_some(value)
}

/// Applies the flags to the project's settings.
pub fn apply(config: &mut PlanConfig, flags: &PlannerFlags) -> Result<()> {
    if let Some(max) = flags.max_apps_per_wave {
        config.max_applications_per_wave = limit(max);
    }
    if let Some(max) = flags.max_replicating_per_wave {
        config.max_replicating_servers_per_wave = limit(max);
    }
    if let Some(max) = flags.max_cutover_hours_per_wave {
        if max.is_nan() || max < 0.0 {
            bail!("--max-cutover-hours-per-wave must be 0 or more");
        }
        config.max_cutover_hours_per_wave = limit(max);
    }
    if let Some(waves) = flags.pilot_waves {
        config.pilot_waves = waves;
    }
    if flags.no_blackouts {
        config.blackouts.clear();
    }
    if !flags.blackouts.is_empty() {
        config.blackouts = flags.blackouts.iter().map(|b| parse_blackout(b)).collect::<Result<_>>()?;
    }
    for rule in &flags.precedence {
        let (kind, value) = rule
            .split_once('=')
            .with_context(|| format!("--precedence '{rule}': expected KIND=RULE, for example database=earlier"))?;
        let names: Vec<&str> = PrecedenceRule::NAMES.iter().map(|(n, _)| *n).collect();
        let parsed = PrecedenceRule::parse(value)
            .with_context(|| format!("--precedence '{rule}': '{value}' is not one of {}", names.join(", ")))?;
        match kind.trim().to_lowercase().as_str() {
            "service" | "services" => config.precedence.service = parsed,
            "database" | "databases" => config.precedence.database = parsed,
            "storage" => config.precedence.storage = parsed,
            other => {
                bail!("--precedence '{rule}': '{other}' is not a kind of dependency (service, database or storage)")
            }
        }
    }
    if let Some(weight) = flags.latency_weight {
        if weight.is_nan() || weight < 0.0 {
            bail!("--latency-weight must be 0 or more");
        }
        config.latency_weight = weight;
    }
    if let Some(objective) = &flags.objective {
        let names: Vec<&str> = ObjectiveKind::NAMES.iter().map(|(n, _)| *n).collect();
        let (first, secondary) = match objective.split_once(',') {
            Some((first, secondary)) => (first, Some(secondary.trim())),
            None => (objective.as_str(), None),
        };
        config.objective = ObjectiveKind::parse(first).with_context(|| {
            format!("--objective '{objective}': '{}' is not one of {}", first.trim(), names.join(", "))
        })?;
        config.minimise_dr_gap_days = match secondary {
            None => false,
            Some(s) if s.eq_ignore_ascii_case("dr-gap-days") => true,
            Some(s) => bail!("--objective '{objective}': the secondary objective '{s}' is not dr-gap-days"),
        };
    }
    if let Some(weight) = flags.dr_gap_day_weight {
        if weight.is_nan() || weight < 0.0 {
            bail!("--dr-gap-day-weight must be 0 or more");
        }
        config.dr_gap_day_weight = weight;
    }
    if let Some(seed) = flags.seed {
        config.seed = seed;
    }
    if let Some(passes) = flags.search_passes {
        config.search_passes = passes;
    }
    Ok(())
}

/// What an infeasible plan prints on standard error; the plan is not saved.
pub fn report_infeasible(plan: &Plan, project: &Path) {
    eprintln!(
        "waveplan: error: {}: these constraints cannot all be kept, so there is no valid plan (nothing was saved):",
        project.display()
    );
    for conflict in &plan.conflicts {
        eprintln!("  {}: {}", conflict.kind, conflict.message);
    }
}

/// `waveplan explain APP`: the session's one explanation (the desktop's
/// Explain reads the same), looking back as many waves.
pub fn explain(project_path: &Path, app: &str, scenario: &str, json: bool) -> Result<ExitCode> {
    let mut session = crate::commands::open_reader(project_path, scenario)?;
    crate::commands::load_plan(&session, scenario)?;
    let explanation = session.explain(app)?;
    let mut group = vec![explanation.application.clone()];
    group.extend(explanation.moves_with.iter().cloned());
    if json {
        let earlier: Vec<serde_json::Value> = explanation
            .earlier
            .iter()
            .map(|(wave, broken)| serde_json::json!({ "wave": wave, "broken": broken }))
            .collect();
        let value = serde_json::json!({
            "application": explanation.application,
            "wave": explanation.wave,
            "moves_with": group,
            "holds": explanation.holds,
            "to_move_earlier": explanation.to_move_earlier,
            "reasons": explanation.reasons,
            "downtime_steps": explanation.downtime_steps,
            "earlier": earlier,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("'{}' moves in wave {}.", explanation.application, explanation.wave);
    if group.len() > 1 {
        println!("It moves with its move group: {}.", group.join(", "));
    }
    println!("What holds it in wave {}:", explanation.wave);
    for line in &explanation.holds {
        println!("  - {line}");
    }
    if explanation.wave > 1 {
        println!("To move it earlier:");
        for line in &explanation.to_move_earlier {
            println!("  - {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `waveplan move APP --wave N`: what breaks and what the objective does. Nothing is saved.
pub fn what_if(project_path: &Path, app: &str, wave: u32, scenario: &str, json: bool) -> Result<ExitCode> {
    let mut session = crate::commands::open_reader(project_path, scenario)?;
    crate::commands::load_plan(&session, scenario)?;
    let answer = session.price_move(app, wave).map_err(|e| anyhow::anyhow!("{}: {e}", project_path.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    let group =
        if answer.moves_with.len() > 1 { format!(" with {}", answer.moves_with.join(", ")) } else { String::new() };
    println!(
        "Moving '{}'{group} from wave {} to wave {} (what-if; the plan is not changed):",
        app, answer.from_wave, answer.to_wave
    );
    if answer.broken.is_empty() {
        println!("  breaks nothing");
    } else {
        println!(
            "  breaks {} hard constraint{}:",
            answer.broken.len(),
            if answer.broken.len() == 1 { "" } else { "s" }
        );
        for v in &answer.broken {
            println!("    {}: {}", v.kind, v.message);
        }
    }
    let (b, a) = (&answer.before, &answer.after);
    println!(
        "  traffic-days {:.0} -> {:.0} ({:+.0}: between waves {:+.0}, to what stays on premises {:+.0})",
        b.traffic_days,
        a.traffic_days,
        a.traffic_days - b.traffic_days,
        a.between_waves - b.between_waves,
        a.on_premises - b.on_premises
    );
    println!(
        "  waves {} -> {}; traffic cut between waves {:.0} -> {:.0}; imbalance {:.2} -> {:.2}",
        b.waves, a.waves, b.cut_weight, a.cut_weight, b.imbalance, a.imbalance
    );
    Ok(ExitCode::SUCCESS)
}
