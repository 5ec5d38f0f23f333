//! The cutover schedule and DR timeline in the plan as text: a line or two
//! per wave and a summary for the programme.

use std::io::Write;

use waveplan_core::Tier;
use waveplan_core::plan::{Plan, Wave};

fn time(t: Option<chrono::NaiveDateTime>) -> String {
    t.map_or("-".into(), |t| t.format("%a %Y-%m-%d %H:%M").to_string())
}

/// Under a wave: its cutover tracks and replication, and DR at its end.
pub fn print_wave(out: &mut impl Write, plan: &Plan, wave: &Wave) -> std::io::Result<()> {
    let s = &wave.schedule;
    let busy = s.tracks.iter().filter(|t| !t.applications.is_empty()).count();
    if busy > 0 {
        let replication = match s.replication_start {
            Some(start) => format!("; replication of {} GB from {start}", crate::report::grouped(s.replication_gb)),
            None => String::new(),
        };
        writeln!(
            out,
            "    cutovers: critical path {} on {busy} of {} track{}, {} to {}{replication}",
            crate::report::duration(s.critical_path_minutes as f64),
            s.tracks.len(),
            if s.tracks.len() == 1 { "" } else { "s" },
            time(s.first_cutover),
            time(s.last_cutover_end)
        )?;
    }
    if !s.unplaced.is_empty() {
        writeln!(
            out,
            "    does not fit: {} cutover{} find no free track in their window (see violations)",
            s.unplaced.len(),
            if s.unplaced.len() == 1 { "" } else { "s" }
        )?;
    }
    if let Some(dr) = plan.dr.waves.iter().find(|d| d.wave == wave.index) {
        let critical =
            dr.coverage_at_end.by_tier.iter().find(|t| t.tier == Tier::MissionCritical && t.applications > 0);
        let unprotected = match dr.unprotected.len() {
            0 => String::new(),
            n if n <= 6 => format!("; unprotected for a time: {}", dr.unprotected.join(", ")),
            n => format!("; unprotected for a time: {}, and {} more", dr.unprotected[..6].join(", "), n - 6),
        };
        writeln!(
            out,
            "    DR at its end: {:.0}% meet their targets{}; {} mission-critical gap-days in the wave{unprotected}",
            dr.coverage_at_end.share * 100.0,
            critical.map(|c| format!(" (mission-critical {}/{})", c.meeting, c.applications)).unwrap_or_default(),
            dr.gap_days_mission_critical
        )?;
    }
    Ok(())
}

/// After the plan's figures: the cutover schedule and DR through the programme.
pub fn print_summary(out: &mut impl Write, plan: &Plan) -> std::io::Result<()> {
    let m = &plan.metrics;
    let early = if m.replication_before_programme > 0 {
        format!(
            ", {} application{} would have to start before the programme",
            m.replication_before_programme,
            if m.replication_before_programme == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "Cutover schedule: {} track{} per wave; longest wave critical path {}; {} wave{} whose cutovers do not fit; replication from {}{early}",
        plan.config.downtime.cutover_tracks,
        if plan.config.downtime.cutover_tracks == 1 { "" } else { "s" },
        crate::report::duration(m.cutover_critical_path_longest_minutes as f64),
        m.waves_over_cutover_window,
        if m.waves_over_cutover_window == 1 { "" } else { "s" },
        m.replication_first_start.map_or("-".into(), |d| d.to_string())
    )?;
    let dr = &plan.dr;
    let restored = dr.coverage_restored_from.map_or("not within the programme".into(), |d| format!("on {d}"));
    let full = dr.full_coverage_from.map_or(
        format!(
            "not within the programme ({} application{} end below target)",
            dr.below_target_at_end.len(),
            if dr.below_target_at_end.len() == 1 { "" } else { "s" }
        ),
        |d| format!("from {d}"),
    );
    writeln!(
        out,
        "DR through the programme: {} gap-days below target ({} of mission-critical applications), {} of them caused by the migration ({} application-days unprotected); coverage back to its level before the programme {restored}; full coverage {full}",
        dr.gap_days, dr.gap_days_mission_critical, dr.gap_days_caused, dr.unprotected_days
    )?;
    for note in dr.below_target_at_end.iter().take(10) {
        writeln!(out, "  {note}")?;
    }
    if dr.below_target_at_end.len() > 10 {
        writeln!(out, "  ... and {} more (see --json)", dr.below_target_at_end.len() - 10)?;
    }
    Ok(())
}
