//! `waveplan cutover P [APP]`: the cutover runbook of a scenario. Without an
//! application, every cutover in time order (wave, track, slot, downtime,
//! replication start); with one, its downtime step by step with the
//! arithmetic, how each database moves and why, its slot, its replication
//! lead and its DR through the programme.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use waveplan_core::plan::{Placement, Plan};

use crate::commands::{load_plan, open_reader};

/// `waveplan cutover`.
#[derive(clap::Args, Debug)]
pub struct CutoverArgs {
    /// The project file.
    pub project: PathBuf,
    /// An application: its cutover in full (default: every cutover, in time order).
    pub application: Option<String>,
    /// The scenario.
    #[arg(long, default_value = "baseline")]
    pub scenario: String,
}

fn slot_text(p: &Placement) -> String {
    let s = &p.schedule;
    match (s.track, s.start, s.end) {
        (Some(track), Some(start), Some(end)) => {
            format!("track {track}, {} to {}", start.format("%a %Y-%m-%d %H:%M"), end.format("%a %Y-%m-%d %H:%M"))
        }
        _ => "no track had room in its window (a cutover-window violation)".into(),
    }
}

fn print_all(out: &mut impl Write, plan: &Plan, scenario: &str) -> std::io::Result<()> {
    let mut order: Vec<&Placement> = plan.applications.iter().collect();
    order.sort_by(|a, b| {
        (a.wave, a.schedule.start, a.schedule.track, &a.name).cmp(&(
            b.wave,
            b.schedule.start,
            b.schedule.track,
            &b.name,
        ))
    });
    writeln!(out, "Cutovers of '{scenario}', in time order ({} tracks a wave)", plan.config.downtime.cutover_tracks)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:>4}  {:>5}  {:<16}  {:>7}  {:<22}  {:<12}  application",
        "wave", "track", "start", "minutes", "window", "replication"
    )?;
    for p in order {
        let s = &p.schedule;
        let window = s
            .window
            .clone()
            .map(|w| if s.default_window { format!("{w} (default)") } else { w })
            .unwrap_or_else(|| "any time".into());
        let fits = if p.fits_window == Some(false) { "  over its window" } else { "" };
        writeln!(
            out,
            "{:>4}  {:>5}  {:<16}  {:>7}  {:<22}  {:<12}  {}{fits}",
            p.wave,
            s.track.map_or("-".into(), |t| t.to_string()),
            s.start.map_or("-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
            p.downtime.minutes,
            window,
            s.replication_start.map_or("-".into(), |d| d.to_string()),
            p.name
        )?;
    }
    Ok(())
}

fn print_one(out: &mut impl Write, plan: &Plan, p: &Placement) -> std::io::Result<()> {
    let d = &p.downtime;
    writeln!(out, "{} ({}, {}): wave {}, {}", p.name, p.strategy, p.tier, p.wave, slot_text(p))?;
    let window = p.maintenance_window.clone().unwrap_or_else(|| "none".into());
    let fit = match p.fits_window {
        Some(true) => "fits",
        Some(false) => "does NOT fit",
        None => "has no window of its own to fit",
    };
    writeln!(out, "Maintenance window: {window}; the cutover {fit}")?;
    writeln!(out)?;
    writeln!(out, "Downtime: {} min, {}", d.minutes, d.method)?;
    for step in &d.steps {
        writeln!(out, "  {:<48} {:>8.1} min   {}", step.step, step.minutes, step.arithmetic)?;
    }
    let sum: f64 = d.steps.iter().map(|s| s.minutes).sum();
    writeln!(out, "  {:<48} {:>8.1} min   rounded up to {} min", "total", sum, d.minutes)?;
    for db in &d.databases {
        writeln!(out, "  database {}: {}", db.name, db.reason)?;
    }
    for suggestion in &d.suggestions {
        writeln!(out, "  to fit the window: {suggestion}")?;
    }
    writeln!(out)?;
    let s = &p.schedule;
    match s.replication_start {
        Some(start) => writeln!(
            out,
            "Replication: {:.0} GB ahead of the cutover, from {start} ({:.1} days of link time), in sync by {}{}\n  {}",
            s.replication_gb,
            s.replication_days,
            s.replication_seeded_by.map_or("-".into(), |d| d.to_string()),
            if s.replication_before_programme { " (before the programme starts)" } else { "" },
            s.replication_arithmetic
        )?,
        None => writeln!(out, "Replication: nothing is replicated ahead; the data moves at the cutover")?,
    }
    if let Some(dr) = plan.dr.applications.iter().find(|a| a.name == p.name) {
        writeln!(out)?;
        writeln!(
            out,
            "DR (target RTO {} min, RPO {} min): {} gap-days below target{}",
            dr.target_rto_minutes,
            dr.target_rpo_minutes,
            dr.gap_days,
            if dr.gap_days_caused > 0 {
                format!(", {} of them caused by the migration", dr.gap_days_caused)
            } else {
                String::new()
            }
        )?;
        for period in &dr.periods {
            writeln!(
                out,
                "  {} to {}  {:<12} {:<14} {}",
                period.from,
                period.to,
                period.state.as_str(),
                period.posture.as_str(),
                if period.meets { "meets its targets" } else { "below target" }
            )?;
        }
        if let Some(note) = &dr.note {
            writeln!(out, "  {note}")?;
        }
    }
    Ok(())
}

pub fn run(args: &CutoverArgs) -> Result<ExitCode> {
    let session = open_reader(&args.project, &args.scenario)?;
    let plan = load_plan(&session, &args.scenario)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.application {
        None => print_all(&mut out, &plan, &args.scenario)?,
        Some(name) => {
            let Some(p) = plan.applications.iter().find(|p| p.name.eq_ignore_ascii_case(name)) else {
                let staying = plan.not_migrating.iter().find(|n| n.name.eq_ignore_ascii_case(name));
                match staying {
                    Some(n) => bail!("'{}' has no cutover: {}", n.name, n.reason),
                    None => bail!(
                        "{}: no application named '{name}' in scenario '{}'",
                        args.project.display(),
                        args.scenario
                    ),
                }
            };
            print_one(&mut out, &plan, p)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
