//! `waveplan scenario list|copy|rename|delete` and `waveplan compare`:
//! named plans in a project, and two of them side by side.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use waveplan_app::{DEFAULT_SCENARIO, Session};
use waveplan_core::Plan;
use waveplan_core::compare::{Comparison, MetricRow, MetricValue, Side, compare_plans};

use crate::commands::{load_plan, open_project, open_reader};
use crate::report::grouped;

/// What to do with the scenarios of a project.
#[derive(clap::Subcommand, Debug)]
pub enum ScenarioCommand {
    /// List the scenarios with their headline figures.
    List {
        /// The project file.
        project: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy a scenario, settings and plan, to a new name (then re-plan the copy with other settings).
    Copy {
        /// The project file.
        project: PathBuf,
        /// The scenario to copy.
        from: String,
        /// The new scenario's name (must not exist).
        to: String,
    },
    /// Rename a scenario.
    Rename {
        /// The project file.
        project: PathBuf,
        /// Its name now.
        from: String,
        /// Its new name (must not exist).
        to: String,
    },
    /// Delete a scenario.
    Delete {
        /// The project file.
        project: PathBuf,
        /// The scenario.
        name: String,
    },
}

/// `waveplan compare P A B`.
#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The project file.
    pub project: PathBuf,
    /// The first scenario.
    pub a: String,
    /// The second scenario.
    pub b: String,
    /// Print the comparison as JSON (docs/plan-json.md, "Comparison").
    #[arg(long)]
    pub json: bool,
}

pub fn run(command: ScenarioCommand) -> Result<ExitCode> {
    match command {
        ScenarioCommand::List { project, json } => list(&open_reader(&project, DEFAULT_SCENARIO)?, json)?,
        ScenarioCommand::Copy { project, from, to } => {
            open_project(&project)?.copy_scenario(&from, &to)?;
            println!(
                "copied '{from}' to '{to}'; change its settings with `waveplan settings {} --scenario {to} --set KEY=VALUE` or re-plan it with `waveplan plan {} --scenario {to} ...`",
                project.display(),
                project.display()
            );
        }
        ScenarioCommand::Rename { project, from, to } => {
            open_project(&project)?.rename_scenario(&from, &to)?;
            println!("renamed '{from}' to '{to}'");
        }
        ScenarioCommand::Delete { project, name } => {
            let mut session = open_project(&project)?;
            // The session stands on the scenario to delete only when it is the board's.
            session.use_scenario(&scenario_other_than(&session)?)?;
            session.delete_scenario(&name)?;
            println!("deleted '{name}'");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The scenario the session should stand on to delete `name`: the board's
/// (a delete of it is refused, naming the board), or none.
fn scenario_other_than(session: &Session) -> Result<String> {
    Ok(session.project().setting(waveplan_app::BOARD_SCENARIO_SETTING)?.unwrap_or_default())
}

fn list(session: &Session, json: bool) -> Result<()> {
    let project = session.project();
    let mut rows = Vec::new();
    for summary in project.scenarios()? {
        let plan = load_plan(session, &summary.name);
        let figures = plan.as_ref().ok().map(|p| {
            let m = &p.metrics;
            serde_json::json!({
                "waves": m.waves,
                "wave_days": p.config.wave_days,
                "programme_end": m.programme_end,
                "downtime_total_minutes": m.downtime_total_minutes,
                "hybrid_traffic_days": m.hybrid_traffic_days,
                "dr_gap_days_mission_critical": m.dr_gap_days_mission_critical,
                "hard_violations": m.hard_violations,
            })
        });
        rows.push(serde_json::json!({
            "name": summary.name,
            "created_at": summary.created_at,
            "updated_at": summary.updated_at,
            "figures": figures,
            "error": plan.err().map(|e| format!("{e:#}")),
        }));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "scenarios": rows }))?);
        return Ok(());
    }
    if rows.is_empty() {
        println!(
            "{}: no scenarios yet (make one with `waveplan plan {}`)",
            project.path().display(),
            project.path().display()
        );
        return Ok(());
    }
    println!(
        "{:<24} {:>5} {:>9} {:>11} {:>13} {:>16} {:>12} {:>10}  updated",
        "scenario", "waves", "wave days", "end", "downtime min", "traffic-days", "MC gap-days", "violations"
    );
    for row in rows {
        let f = &row["figures"];
        let name = row["name"].as_str().unwrap_or_default();
        let updated = row["updated_at"].as_str().unwrap_or_default().get(..16).unwrap_or_default().replace('T', " ");
        if f.is_null() {
            println!("{name:<24} {}", row["error"].as_str().unwrap_or("cannot be read"));
            continue;
        }
        let number = |key: &str| f[key].as_f64().map_or("-".to_string(), |x| format!("{x:.0}"));
        println!(
            "{name:<24} {:>5} {:>9} {:>11} {:>13} {:>16} {:>12} {:>10}  {updated} UTC",
            number("waves"),
            number("wave_days"),
            f["programme_end"].as_str().unwrap_or("-"),
            number("downtime_total_minutes"),
            number("hybrid_traffic_days"),
            number("dr_gap_days_mission_critical"),
            number("hard_violations"),
        );
    }
    Ok(())
}

pub fn compare(args: &CompareArgs) -> Result<ExitCode> {
    let session = open_reader(&args.project, DEFAULT_SCENARIO)?;
    let a: Plan = load_plan(&session, &args.a)?;
    let b: Plan = load_plan(&session, &args.b)?;
    let comparison = compare_plans(&args.a, &a, &args.b, &b);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &comparison)?;
        writeln!(out)?;
    } else {
        print_comparison(&mut out, &comparison, &args.project)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A metric's value as a planner reads it.
pub(crate) fn value_text(row: &MetricRow, value: &MetricValue, measured: bool) -> String {
    match value {
        _ if !measured => "not in plan".into(),
        MetricValue::None if row.unit == "date" => "never".into(),
        MetricValue::None => "-".into(),
        MetricValue::Date(d) => d.to_string(),
        MetricValue::Number(x) => number_text(row, *x, false),
    }
}

/// A figure in its unit as a planner reads it: minutes of downtime as hours,
/// days as days, large counts with thousands separated; `signed` for a
/// difference.
fn number_text(row: &MetricRow, x: f64, signed: bool) -> String {
    let sign = if signed && x > 0.0 { "+" } else { "" };
    match row.unit.as_str() {
        "share" if signed => format!("{sign}{:.0} points", x * 100.0),
        "share" => format!("{:.0}%", x * 100.0),
        "minutes" => format!("{sign}{:.1} h", x / 60.0),
        "days" | "date" => format!("{sign}{} days", grouped(x)),
        _ => format!("{sign}{}", grouped(x)),
    }
}

fn difference_text(row: &MetricRow) -> String {
    match row.difference {
        None => String::new(),
        Some(0.0) => "same".into(),
        Some(d) => number_text(row, d, true),
    }
}

/// Two scenarios side by side, as a planner reads them in a workshop.
pub fn print_comparison(out: &mut impl Write, c: &Comparison, project: &Path) -> std::io::Result<()> {
    writeln!(out, "'{}' against '{}' in {}", c.a, c.b, project.display())?;
    writeln!(out)?;
    let width = c.metrics.iter().map(|m| m.label.len()).max().unwrap_or(10);
    let column = c.a.len().max(c.b.len()).max(12);
    writeln!(out, "{:<width$}  {:>column$}  {:>column$}  {:>12}  better", "", c.a, c.b, "difference")?;
    for row in &c.metrics {
        let better = match row.better {
            Some(Side::A) => c.a.as_str(),
            Some(Side::B) => c.b.as_str(),
            None => "",
        };
        writeln!(
            out,
            "{:<width$}  {:>column$}  {:>column$}  {:>12}  {better}",
            row.label,
            value_text(row, &row.a, row.measured.0),
            value_text(row, &row.b, row.measured.1),
            difference_text(row)
        )?;
    }
    writeln!(out)?;
    if c.settings.is_empty() {
        writeln!(out, "Settings: the same")?;
    } else {
        writeln!(out, "Settings that differ:")?;
        let width = c.settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
        for s in &c.settings {
            writeln!(out, "  {:<width$}  {} in '{}', {} in '{}'", s.key, s.a, c.a, s.b, c.b)?;
        }
    }
    if c.moved.is_empty() {
        writeln!(out, "Every application is in the same wave in both")?;
    } else {
        writeln!(
            out,
            "{} application{} in different waves:",
            c.moved.len(),
            if c.moved.len() == 1 { "" } else { "s" }
        )?;
        let wave = |w: Option<u32>| w.map_or("not planned".to_string(), |w| format!("wave {w}"));
        for m in c.moved.iter().take(30) {
            writeln!(out, "  {}: {} in '{}', {} in '{}'", m.name, wave(m.wave_a), c.a, wave(m.wave_b), c.b)?;
        }
        if c.moved.len() > 30 {
            writeln!(out, "  ... and {} more (see --json)", c.moved.len() - 30)?;
        }
    }
    writeln!(out)?;
    writeln!(out, "'{}' does better on {} metrics, '{}' on {}", c.a, c.wins.0, c.b, c.wins.1)
}
