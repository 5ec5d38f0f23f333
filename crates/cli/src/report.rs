//! What the command prints: the import summary (text or JSON) and the plan as text.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use waveplan_core::{Diagnostic, Estate, EstateCounts, Excluded, Plan, Severity, Tier};

/// The outcome of an import. Its JSON form is a contract (docs/import-json.md).
#[derive(Serialize, Debug)]
pub struct ImportSummary {
    /// Whether the import was saved (no errors).
    pub saved: bool,
    /// The files read.
    pub files: Vec<String>,
    /// Counts in the project after the import (keys at the top level).
    #[serde(flatten)]
    pub counts: EstateCounts,
    pub excluded: Vec<Excluded>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl ImportSummary {
    pub fn new(estate: &Estate, diagnostics: &[Diagnostic], files: &[PathBuf], saved: bool) -> ImportSummary {
        ImportSummary {
            saved,
            files: files.iter().map(|f| f.display().to_string()).collect(),
            counts: estate.counts(),
            excluded: estate.excluded.clone(),
            errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
            warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
            infos: diagnostics.iter().filter(|d| d.severity == Severity::Info).count(),
            diagnostics: diagnostics.to_vec(),
        }
    }
}

pub fn print_import(summary: &ImportSummary, project: &Path) {
    for diagnostic in &summary.diagnostics {
        eprintln!("{diagnostic}");
    }
    if !summary.saved {
        eprintln!(
            "import aborted: {} error{}, {} warning{}; nothing was saved to {}",
            summary.errors,
            plural(summary.errors),
            summary.warnings,
            plural(summary.warnings),
            project.display()
        );
        return;
    }
    println!(
        "{}: {} servers, {} devices, {} applications, {} data stores, {} dependencies ({} external endpoints), {} constraints",
        project.display(),
        summary.counts.servers,
        summary.counts.devices,
        summary.counts.applications,
        summary.counts.datastores,
        summary.counts.dependencies,
        summary.counts.external_endpoints,
        summary.counts.constraints
    );
    for excluded in &summary.excluded {
        println!("  excluded {}: {}", excluded.name, excluded.reason);
    }
    println!("{} warning{}, 0 errors", summary.warnings, plural(summary.warnings));
}

/// A whole number with its thousands separated: 43,246,784.
pub(crate) fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x.round() < 0.0 { format!("-{out}") } else { out }
}

/// Minutes as a planner reads a cutover: minutes under two hours, hours
/// (one decimal) beyond: "95 min", "36.4 h".
pub(crate) fn duration(minutes: f64) -> String {
    if minutes < 120.0 { format!("{minutes:.0} min") } else { format!("{:.1} h", minutes / 60.0) }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Names, cut to a line's worth.
fn names(list: &[String], most: usize) -> String {
    if list.len() <= most {
        list.join(", ")
    } else {
        format!("{}, and {} more", list[..most].join(", "), list.len() - most)
    }
}

pub fn print_plan(out: &mut impl Write, plan: &Plan, scenario: &str, project: &Path) -> std::io::Result<()> {
    let m = &plan.metrics;
    writeln!(
        out,
        "Plan '{scenario}' of {}: {} waves of {} days from {} to {}; {} applications and {} servers move",
        project.display(),
        m.waves,
        plan.config.wave_days,
        plan.config.start,
        m.programme_end.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        m.applications_migrating,
        m.servers_migrating
    )?;
    writeln!(out)?;
    let mut waves = plan.waves.iter().peekable();
    while let Some(wave) = waves.next() {
        if wave.applications.is_empty() && wave.servers.is_empty() {
            // A run of empty waves: the warnings say what the calendar waits for.
            let mut last = wave;
            while let Some(next) = waves.next_if(|w| w.applications.is_empty() && w.servers.is_empty()) {
                last = next;
            }
            let span = if last.index == wave.index {
                format!("Wave {}", wave.index)
            } else {
                format!("Waves {}-{}", wave.index, last.index)
            };
            writeln!(out, "{span:<16} {} to {}  no cutovers (see the warnings)", wave.start, last.end)?;
            continue;
        }
        writeln!(
            out,
            "{:<16} {} to {}  {:>3} app{} {:>4} server{} {:>9} GB  downtime {} (longest {})",
            wave.name,
            wave.start,
            wave.end,
            wave.applications.len(),
            if wave.applications.len() == 1 { " " } else { "s" },
            wave.servers.len(),
            if wave.servers.len() == 1 { " " } else { "s" },
            grouped(wave.storage_gb),
            duration(wave.downtime_minutes as f64),
            duration(wave.downtime_longest_minutes as f64)
        )?;
        if !wave.applications.is_empty() {
            writeln!(out, "    {}", names(&wave.applications, 12))?;
        }
        crate::schedule_report::print_wave(out, plan, wave)?;
    }
    writeln!(out)?;
    let count = |kind: &str, reason: &str| {
        plan.not_migrating.iter().filter(|n| n.kind == kind && n.reason.starts_with(reason)).count()
    };
    writeln!(
        out,
        "Not migrating: {} retired and {} retained applications; {} devices stay on premises",
        count("application", "retire"),
        count("application", "retain"),
        count("device", "")
    )?;
    writeln!(
        out,
        "Move groups: {} ({} cycles found, largest group {} members, {} weak links in cycles left hybrid)",
        m.move_groups, m.cycles, m.largest_move_group, m.relaxed_dependencies
    )?;
    writeln!(
        out,
        "Dependencies: {} cross waves, {} hybrid links to what stays on premises, {} to external endpoints; {} hybrid traffic-days",
        m.cross_wave_dependencies,
        m.hybrid_dependencies,
        m.external_dependencies,
        grouped(m.hybrid_traffic_days)
    )?;
    writeln!(
        out,
        "Downtime: {} in all, longest {}; {} cutover{} over {} maintenance window",
        duration(m.downtime_total_minutes as f64),
        duration(m.downtime_longest_minutes as f64),
        m.windows_exceeded,
        plural(m.windows_exceeded),
        if m.windows_exceeded == 1 { "its" } else { "their" }
    )?;
    let after = plan.dr_coverage.last();
    let tiers: Vec<String> = Tier::ALL
        .iter()
        .filter_map(|&tier| {
            let c = after?.by_tier.iter().find(|c| c.tier == tier && c.applications > 0)?;
            Some(format!("{} {}/{}", tier, c.meeting, c.applications))
        })
        .collect();
    writeln!(
        out,
        "DR coverage: {} of applications meet their RTO/RPO before, {} after ({}); {} below target at the end",
        percent(m.dr_coverage_before),
        percent(m.dr_coverage_after),
        tiers.join(", "),
        m.dr_gaps_after
    )?;
    crate::schedule_report::print_summary(out, plan)?;
    writeln!(
        out,
        "Objective: {:.0} traffic-days ({:.0} between waves, {:.0} to what stays on premises; latency-sensitive ×{}), cut weight {:.0}, imbalance {:.2}",
        m.objective_traffic_days,
        m.objective_traffic_days_between_waves,
        m.objective_traffic_days_on_premises,
        plan.config.latency_weight,
        m.cut_weight,
        m.imbalance
    )?;
    if !plan.feasible {
        writeln!(out, "NOT A VALID PLAN: these constraints cannot all be kept (the waves above are a best effort):")?;
        for conflict in &plan.conflicts {
            writeln!(out, "  {}: {}", conflict.kind, conflict.message)?;
        }
    }
    writeln!(out, "Hard violations: {}", m.hard_violations)?;
    for violation in &plan.violations {
        writeln!(out, "  {}: {}", violation.kind, violation.message)?;
    }
    // Which applications break a rule, from the violations' typed
    // applications: a message may name others (what takes a wave's room).
    let violated: Vec<String> = plan.violated_applications().into_iter().map(str::to_string).collect();
    if !violated.is_empty() {
        writeln!(out, "  Applications that break a rule: {}", names(&violated, 12))?;
    }
    if !plan.warnings.is_empty() {
        writeln!(out, "Warnings:")?;
        for warning in plan.warnings.iter().take(20) {
            writeln!(out, "  {warning}")?;
        }
        if plan.warnings.len() > 20 {
            writeln!(out, "  ... and {} more (see --json)", plan.warnings.len() - 20)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use waveplan_core::plan::{Violation, ViolationKind};
    use waveplan_core::{PlanConfig, generate, plan_waves};

    use super::*;

    #[test]
    fn the_report_names_the_applications_a_violation_concerns_not_those_its_message_names() {
        let estate = generate::generate_estate(&generate::GenerateConfig::with_default_dependencies(24, 8, 7));
        let mut plan = plan_waves(&estate, &PlanConfig::default());
        let (named, concerned) = (plan.applications[0].name.clone(), plan.applications[1].name.clone());
        plan.violations = vec![Violation::new(
            ViolationKind::CutoverWindow,
            format!("Wave 1: '{concerned}' finds no free track; the track then cut over '{named}'"),
            vec![concerned.clone()],
            vec![],
        )];
        let mut out = Vec::new();
        print_plan(&mut out, &plan, "test", Path::new("p.waveplan")).unwrap();
        let out = String::from_utf8(out).unwrap();
        let line = out.lines().find(|l| l.contains("Applications that break a rule")).expect(&out);
        assert_eq!(line, format!("  Applications that break a rule: {concerned}"));
        assert!(out.contains(&format!("  cutover-window: Wave 1: '{concerned}'")), "{out}");
    }
}
