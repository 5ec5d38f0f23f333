//! The runbook as Jira issues, in the shape of Jira's CSV import: one epic
//! per wave that has cutovers, then one task per application cutover whose `Parent` is its
//! wave's `Issue ID` (Jira Cloud), with `Epic Name` and `Epic Link` for Jira
//! Data Center. Epics come first, as the importer wants parents before
//! children. Dates are `yyyy-MM-dd HH:mm` (enter that in the importer's
//! date format box).
//!
//! Every cell is neutralised against formula injection: people open these
//! files in a spreadsheet before importing them.

use std::io::Write;

use waveplan_core::{Estate, Plan, Tier};

use crate::ExportError;
use crate::format::{Options, placement_in_scope};
use crate::table::neutralize;
use crate::view::{PlanView, duration_text};

/// The importer's columns, in order. `Labels` twice: Jira reads a repeated column as several values.
pub const COLUMNS: &[&str] = &[
    "Issue ID",
    "Issue Type",
    "Summary",
    "Parent",
    "Epic Name",
    "Epic Link",
    "Priority",
    "Labels",
    "Labels",
    "Start date",
    "Due date",
    "Description",
];

fn priority(tier: Tier) -> &'static str {
    match tier {
        Tier::MissionCritical => "Highest",
        Tier::BusinessCritical => "High",
        Tier::BusinessOperational => "Medium",
        Tier::Administrative => "Low",
    }
}

/// Writes the issues.
pub fn write_issues(estate: &Estate, plan: &Plan, options: &Options, out: &mut dyn Write) -> Result<(), ExportError> {
    let view = PlanView::new(estate, plan);
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    let row = |csv: &mut csv::Writer<&mut dyn Write>, cells: [String; 12]| -> Result<(), ExportError> {
        let cells: Vec<String> = cells.iter().map(|c| neutralize(c).into_owned()).collect();
        csv.write_record(&cells)?;
        Ok(())
    };
    let epic_name = |w: &waveplan_core::plan::Wave| format!("{}: {} to {}", w.name, w.start, w.end);
    let in_scope = |w: u32| plan.applications.iter().any(|a| a.wave == w && placement_in_scope(&options.scope, a));
    // A wave in which nothing cuts over gets no epic: it would stay empty.
    for wave in plan.waves.iter().filter(|w| in_scope(w.index)) {
        let description = format!(
            "{} applications and {} servers cut over; {:.0} GB replicated. Downtime {} in total, longest {}.\nApplications: {}.",
            wave.applications.len(),
            wave.servers.len(),
            wave.storage_gb,
            duration_text(wave.downtime_minutes),
            duration_text(u64::from(wave.downtime_longest_minutes)),
            wave.applications.join(", ")
        );
        row(
            &mut csv,
            [
                format!("W{}", wave.index),
                "Epic".into(),
                epic_name(wave),
                String::new(),
                epic_name(wave),
                String::new(),
                if wave.pilot { "Medium".into() } else { "High".into() },
                "migration".into(),
                format!("wave-{}", wave.index),
                format!("{} 00:00", wave.start),
                format!("{} 23:59", wave.end),
                description,
            ],
        )?;
    }
    let mut number = 0;
    for wave in &plan.waves {
        for app in view.placements_in_wave(wave.index).into_iter().filter(|a| placement_in_scope(&options.scope, a)) {
            number += 1;
            let servers: Vec<String> = view
                .app_id(&app.name)
                .map(|a| view.servers_of(a).iter().map(|&s| estate.server(s).name.clone()).collect())
                .unwrap_or_default();
            let mut d = String::new();
            d.push_str(&format!(
                "Strategy: {} ({}). Tier: {}. Environment: {}.\n",
                app.strategy, app.downtime.method, app.tier, app.environment
            ));
            d.push_str(&format!("Servers ({}): {}.\n", servers.len(), servers.join(", ")));
            match (&app.maintenance_window, app.cutover) {
                (Some(window), Some(at)) => {
                    d.push_str(&format!("Cutover: {} (window {window}).\n", at.format("%a %Y-%m-%d %H:%M")))
                }
                (Some(window), None) => {
                    d.push_str(&format!("Window {window} does not open in this wave: agree a time.\n"))
                }
                _ => d.push_str("No maintenance window: agree a cutover time with the owner.\n"),
            }
            let fits = match app.fits_window {
                Some(true) => " (fits the window)",
                Some(false) => " (does NOT fit the window)",
                None => "",
            };
            d.push_str(&format!("Downtime: {}{fits}.\nSteps:\n", duration_text(u64::from(app.downtime.minutes))));
            for (i, s) in app.downtime.steps.iter().enumerate() {
                d.push_str(&format!("{}. {} ({:.0} min): {}\n", i + 1, s.step, s.minutes.ceil(), s.arithmetic));
            }
            d.push_str(&format!(
                "DR: {} before, {} after.\nWhy this wave: {}",
                app.dr_before,
                app.dr_after,
                app.reasons.join("; ")
            ));
            let due = app
                .cutover
                .map(|c| c.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| format!("{} 23:59", wave.end));
            row(
                &mut csv,
                [
                    format!("T{number}"),
                    "Task".into(),
                    format!("Cut over {} ({})", app.name, wave.name),
                    format!("W{}", wave.index),
                    String::new(),
                    epic_name(wave),
                    priority(app.tier).into(),
                    "cutover".into(),
                    format!("wave-{}", wave.index),
                    format!("{} 00:00", wave.start),
                    due,
                    d,
                ],
            )?;
        }
    }
    csv.flush()?;
    Ok(())
}
