//! The plan as one self-contained HTML report, written for the people who
//! decide (a CIO, a steering committee): an executive summary, the wave
//! timeline, DR coverage over time, each wave with its dependency diagram
//! and cutovers, what does not migrate, and the assumptions every number
//! rests on; when asked, the project's audit trail as an appendix. It
//! prints to PDF cleanly (A4, page breaks between parts, repeated table
//! headers).
//!
//! Self-contained: no script, no font, image or style sheet from anywhere;
//! a Content-Security-Policy that forbids loading anything at all backs
//! that up. Every inventory string is escaped with [`crate::escape::xml`].

use std::fmt::Write as _;
use std::io::Write;

use waveplan_core::plan::Placement;
use waveplan_core::{Estate, Plan};

use crate::ExportError;
use crate::chart;
use crate::diagram::Diagram;
use crate::escape::xml;
use crate::format::{GroupBy, Options, Scope};
use crate::view::{PlanView, duration_text};

/// The "Audit trail" section, kept apart from the plan's sections.
mod audit;

const CSS: &str = r#"
:root { --ink:#1B2631; --muted:#5D6D7E; --line:#D5D8DC; --soft:#F4F6F7; --navy:#1F3A5F; --red:#C0392B; --amber:#B9770E; --green:#1E8449; }
* { box-sizing: border-box; }
html { font-size: 14px; }
body { margin: 0; color: var(--ink); background: #fff; font-family: "Segoe UI", "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 40px 64px; }
h1 { font-size: 2rem; margin: 0 0 .2rem; color: var(--navy); letter-spacing: -.01em; }
h2 { font-size: 1.45rem; color: var(--navy); margin: 2.4rem 0 .6rem; padding-bottom: .3rem; border-bottom: 2px solid var(--navy); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; color: var(--ink); }
p { margin: .4rem 0 .8rem; max-width: 75ch; }
.lede { color: var(--muted); font-size: 1.05rem; margin-bottom: 1.4rem; }
.meta { color: var(--muted); font-size: .9rem; }
.cover { border-bottom: 1px solid var(--line); padding-bottom: 1rem; margin-bottom: 1.2rem; }
.cover .kicker { text-transform: uppercase; letter-spacing: .12em; font-size: .75rem; color: var(--muted); font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 1rem 0 1.4rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: #fff; }
.card .label { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.card .value { font-size: 1.6rem; font-weight: 650; color: var(--navy); line-height: 1.2; }
.card .note { font-size: .8rem; color: var(--muted); }
.card.bad .value { color: var(--red); } .card.good .value { color: var(--green); }
.callout { border-left: 4px solid var(--amber); background: #FEF9E7; padding: 8px 14px; margin: .8rem 0; }
.callout.bad { border-color: var(--red); background: #FDEDEC; }
.callout.good { border-color: var(--green); background: #E9F7EF; }
.callout ul { margin: .3rem 0; padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .86rem; margin: .5rem 0 1rem; }
thead { display: table-header-group; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1.5px solid var(--ink); padding: 5px 8px; font-size: .78rem; text-transform: uppercase; letter-spacing: .03em; }
td { border-bottom: 1px solid var(--line); padding: 5px 8px; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
.why { display: block; color: var(--muted); font-size: .78rem; margin-top: 2px; }
.tag { display: inline-block; font-size: .72rem; padding: 0 6px; border-radius: 8px; background: var(--soft); color: var(--muted); white-space: nowrap; }
.tag.bad { background: #FADBD8; color: #922B21; } .tag.good { background: #D5F5E3; color: #196F3D; } .tag.warn { background: #FCF3CF; color: #7E5109; }
.wave-facts { display: flex; flex-wrap: wrap; gap: 6px 22px; color: var(--muted); font-size: .9rem; margin: .2rem 0 .8rem; }
.wave-facts b { color: var(--ink); }
svg.chart, svg.diagram { height: auto; display: block; margin: .4rem 0 1rem; font-family: inherit; }
svg.chart { width: 100%; } svg.diagram { max-width: 100%; }
.legend { font-size: .8rem; color: var(--muted); margin: -.4rem 0 1rem; }
.legend span { margin-right: 16px; white-space: nowrap; }
.legend i { display: inline-block; width: 22px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 5px; }
.toc { columns: 2; font-size: .92rem; padding-left: 1.2rem; }
.toc a, td a { color: var(--navy); text-decoration: none; }
td.date { white-space: nowrap; }
.kv td:first-child { color: var(--muted); width: 46%; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); padding-top: .6rem; }
section.part { break-before: page; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 11.5px; }
  main { max-width: none; padding: 0; }
  h2 { margin-top: 0; }
  .wave { break-before: page; }
  .wave.empty { break-before: auto; }
  #waves > .wave:first-of-type { break-before: auto; }
  .cards { grid-template-columns: repeat(4, 1fr); }
  svg.chart, svg.diagram { break-inside: avoid; }
  .toc { display: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Writes the report.
pub fn write_report(estate: &Estate, plan: &Plan, options: &Options, out: &mut dyn Write) -> Result<(), ExportError> {
    let view = PlanView::new(estate, plan);
    let mut h = String::with_capacity(256 * 1024);
    let title = options.title.clone().unwrap_or_else(|| "Cloud migration".into());
    let scenario = options.scenario.clone().unwrap_or_else(|| "baseline".into());
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Waveplan">
<title>{} · migration wave plan</title>
<style>{CSS}{}</style></head><body><main>
"#,
        xml(&title),
        if options.audit.is_some() { audit::CSS } else { "" }
    );
    cover(&mut h, &view, &title, &scenario, options);
    summary(&mut h, &view);
    timeline(&mut h, &view);
    dr(&mut h, &view);
    waves(&mut h, &view);
    not_migrating(&mut h, &view);
    assumptions(&mut h, &view);
    if let Some(trail) = &options.audit {
        audit::audit_section(&mut h, trail);
    }
    let _ = write!(
        h,
        "<footer>Prepared with Waveplan from the project's inventory and the settings in <a href=\"#assumptions\">Assumptions</a>. Scenario '{}'. Dates are the first and last day of each wave; times are the site's local time.</footer>\n</main></body></html>\n",
        xml(&scenario)
    );
    out.write_all(h.as_bytes())?;
    Ok(())
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn cover(h: &mut String, view: &PlanView<'_>, title: &str, scenario: &str, options: &Options) {
    let plan = view.plan;
    let span = match (plan.waves.first(), plan.programme_end()) {
        (Some(a), Some(end)) => format!("{} to {}", day(a.start), day(end)),
        _ => "no waves".into(),
    };
    let prepared = options.generated_at.map(|t| format!(" · prepared {}", t.format("%-d %b %Y"))).unwrap_or_default();
    let _ = write!(
        h,
        r##"<header class="cover"><div class="kicker">Cloud migration wave plan</div><h1>{}</h1><div class="meta">Scenario '{}' · {span}{prepared}</div></header>
<ol class="toc"><li><a href="#summary">Executive summary</a></li><li><a href="#timeline">Wave timeline</a></li><li><a href="#dr">Disaster recovery coverage</a></li><li><a href="#waves">The waves</a></li><li><a href="#not-migrating">What does not migrate</a></li><li><a href="#assumptions">Assumptions</a></li>{}</ol>
"##,
        xml(title),
        xml(scenario),
        if options.audit.is_some() {
            format!(r##"<li><a href="#{}">Audit trail</a></li>"##, audit::ID)
        } else {
            String::new()
        }
    );
}

fn card(h: &mut String, label: &str, value: &str, note: &str, class: &str) {
    let _ = write!(
        h,
        r#"<div class="card {class}"><div class="label">{}</div><div class="value">{}</div><div class="note">{}</div></div>"#,
        xml(label),
        xml(value),
        xml(note)
    );
}

/// The executive summary. Extension point: objective parts, capacities and
/// feasibility, once `Metrics` carries them, belong in the cards here and in
/// the workbook's Summary sheet.
fn summary(h: &mut String, view: &PlanView<'_>) {
    let plan = view.plan;
    let m = &plan.metrics;
    let c = &plan.config;
    h.push_str(r#"<section id="summary"><h2>Executive summary</h2>"#);
    let weeks = match (plan.waves.first(), plan.programme_end()) {
        (Some(a), Some(end)) => ((end - a.start).num_days() + 1) as f64 / 7.0,
        _ => 0.0,
    };
    let mut p = format!(
        "This plan moves <b>{} applications</b> and <b>{} servers</b> to the cloud in <b>{} waves</b> of {} days",
        m.applications_migrating, m.servers_migrating, m.waves, c.wave_days
    );
    if let (Some(a), Some(end)) = (plan.waves.first(), plan.programme_end()) {
        let _ = write!(p, ", from {} to {} ({weeks:.0} weeks)", day(a.start), day(end));
    }
    p.push('.');
    if let Some(pilot) = plan.waves.iter().find(|w| w.pilot) {
        let names: Vec<String> = pilot.applications.iter().map(|a| xml(a).into_owned()).collect();
        let _ = write!(
            p,
            " Wave 1 is a pilot of {} low-risk, non-production application{} ({}) that proves the process before anything clinical or customer-facing moves.",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
    }
    let count = |kind: &str| plan.not_migrating.iter().filter(|n| n.kind == kind).count();
    let retired =
        plan.not_migrating.iter().filter(|n| n.kind == "application" && n.reason.starts_with("retire")).count();
    let retained = count("application") - retired;
    let devices = count("device");
    let _ = write!(
        p,
        " {retired} application{} retire{} and {retained} stay{} on premises; {devices} medical and IoT device{} stay where {} are.",
        if retired == 1 { "" } else { "s" },
        if retired == 1 { "s" } else { "" },
        if retained == 1 { "s" } else { "" },
        if devices == 1 { "" } else { "s" },
        if devices == 1 { "it" } else { "they" }
    );
    let _ = write!(h, "<p class=\"lede\">{p}</p>");

    h.push_str(r#"<div class="cards">"#);
    card(h, "Waves", &m.waves.to_string(), &format!("{} days each", c.wave_days), "");
    card(
        h,
        "Programme",
        &format!("{weeks:.0} weeks"),
        &match (plan.waves.first(), plan.programme_end()) {
            (Some(a), Some(end)) => format!("{} – {}", a.start.format("%b %Y"), end.format("%b %Y")),
            _ => String::new(),
        },
        "",
    );
    card(
        h,
        "Applications",
        &m.applications_migrating.to_string(),
        &format!("{} servers, {} move groups", m.servers_migrating, m.move_groups),
        "",
    );
    card(
        h,
        "Hard constraints broken",
        &m.hard_violations.to_string(),
        if m.hard_violations == 0 { "every rule is kept" } else { "see below" },
        if m.hard_violations == 0 { "good" } else { "bad" },
    );
    card(h, "Total cutover downtime", &duration_text(m.downtime_total_minutes), "all applications together", "");
    let longest = plan.applications.iter().max_by_key(|a| a.downtime.minutes);
    card(
        h,
        "Longest cutover",
        &duration_text(u64::from(m.downtime_longest_minutes)),
        &longest.map(|a| a.name.clone()).unwrap_or_default(),
        "",
    );
    card(
        h,
        "Cutovers over their window",
        &m.windows_exceeded.to_string(),
        "downtime longer than the maintenance window",
        if m.windows_exceeded == 0 { "good" } else { "bad" },
    );
    card(
        h,
        "DR coverage",
        &format!("{} → {}", pct(m.dr_coverage_before), pct(m.dr_coverage_after)),
        &format!("{} below target at the end", m.dr_gaps_after),
        "",
    );
    h.push_str("</div>");

    let _ = write!(
        h,
        "<p>Across the programme <b>{}</b> dependencies are stretched between waves for a while and <b>{}</b> link migrated systems to what stays on premises for good; both run over the WAN and are listed per wave below. {} dependencies reach endpoints outside the estate.</p>",
        m.cross_wave_dependencies, m.hybrid_dependencies, m.external_dependencies
    );
    if !c.blackouts.is_empty() {
        let list: Vec<String> =
            c.blackouts.iter().map(|b| format!("{} ({} – {})", xml(&b.name), day(b.start), day(b.end))).collect();
        let lead = if view.blackout_clashes().is_empty() {
            "No cutover is planned in the blackout periods"
        } else {
            "Blackout periods"
        };
        let _ = write!(h, "<p>{lead}: {}.</p>", list.join("; "));
    }
    if plan.violations.is_empty() {
        h.push_str(r#"<div class="callout good">The plan keeps every hard constraint: dependencies, pinned waves, dates, keep-apart and move-together rules, and wave capacity.</div>"#);
    } else {
        h.push_str(r#"<div class="callout bad"><b>Constraints the plan breaks</b><ul>"#);
        for v in &plan.violations {
            let _ = write!(h, "<li><b>{}</b>: {}</li>", xml(v.kind.as_str()), xml(&v.message));
        }
        h.push_str("</ul></div>");
    }
    let clashes = view.blackout_clashes();
    if !clashes.is_empty() {
        h.push_str(
            r#"<div class="callout bad"><b>Cutovers inside a blackout period</b> (re-plan to move them out)<ul>"#,
        );
        for c in &clashes {
            let _ = write!(h, "<li>{}</li>", xml(c));
        }
        h.push_str("</ul></div>");
    }
    if !plan.warnings.is_empty() {
        h.push_str(r#"<div class="callout"><b>Worth knowing</b><ul>"#);
        for w in &plan.warnings {
            let _ = write!(h, "<li>{}</li>", xml(w));
        }
        h.push_str("</ul></div>");
    }
    h.push_str("</section>\n");
}

fn timeline(h: &mut String, view: &PlanView<'_>) {
    let plan = view.plan;
    h.push_str(r#"<section id="timeline" class="part"><h2>Wave timeline</h2>"#);
    h.push_str("<p>Each bar is a wave; each diamond a maintenance window in which applications cut over (hover for names). Hatched bands are blackout periods, in which no cutover happens.</p>");
    h.push_str(&chart::gantt(view));
    h.push_str(r#"<table><thead><tr><th>Wave</th><th>Dates</th><th class="num">Apps</th><th class="num">Servers</th><th class="num">Storage</th><th class="num">Downtime</th><th class="num">Longest</th><th>Cutover windows (applications)</th></tr></thead><tbody>"#);
    for w in &plan.waves {
        let openings: Vec<String> = view
            .window_openings(w.index, &Scope::Estate)
            .iter()
            .map(|(at, _, apps)| format!("{} ({})", at.format("%a %-d %b %H:%M"), apps.len()))
            .collect();
        let _ = write!(
            h,
            r##"<tr><td><a href="#wave-{}">{}</a></td><td class="date">{} – {}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.0} GB</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"##,
            w.index,
            xml(&w.name),
            w.start.format("%-d %b"),
            day(w.end),
            w.applications.len(),
            w.servers.len(),
            w.storage_gb,
            duration_text(w.downtime_minutes),
            duration_text(u64::from(w.downtime_longest_minutes)),
            if openings.is_empty() { "none set".to_string() } else { openings.join(", ") }
        );
    }
    h.push_str("</tbody></table></section>\n");
}

/// DR coverage at each wave boundary. Extension point: when the plan carries
/// a day-by-day DR timeline, [`chart::dr_chart`] should draw it instead of
/// the steps at wave ends.
fn dr(h: &mut String, view: &PlanView<'_>) {
    let plan = view.plan;
    h.push_str(r#"<section id="dr" class="part"><h2>Disaster recovery coverage</h2>"#);
    let _ = write!(
        h,
        "<p>The share of applications whose DR posture meets their recovery time and recovery point objectives (RTO and RPO), day by day through the programme: an application keeps its current posture until it moves, may be unprotected between its cutover and the day its cloud DR is in place, and has its target posture from then on. Coverage goes from <b>{}</b> to <b>{}</b>; <b>{}</b> application{} remain below target at the end.</p>",
        pct(plan.metrics.dr_coverage_before),
        pct(plan.metrics.dr_coverage_after),
        plan.metrics.dr_gaps_after,
        if plan.metrics.dr_gaps_after == 1 { "" } else { "s" }
    );
    h.push_str(&chart::dr_chart(view));
    let m = &plan.metrics;
    let full = m.dr_full_coverage_from.map_or("not within the programme".to_string(), day);
    let _ = write!(
        h,
        "<p>Over the programme applications spend <b>{}</b> days below target in all (<b>{}</b> of them mission-critical; <b>{}</b> caused by the migration itself) and <b>{}</b> application-days unprotected. Every application meets its targets from: <b>{full}</b>.</p>",
        m.dr_gap_days, m.dr_gap_days_mission_critical, m.dr_gap_days_caused, m.dr_unprotected_days
    );
    if let (Some(first), Some(last)) = (plan.dr_coverage.first(), plan.dr_coverage.last()) {
        h.push_str(r#"<table><thead><tr><th>Tier</th><th class="num">Applications</th><th class="num">Meeting target before</th><th class="num">Meeting target after</th></tr></thead><tbody>"#);
        for (a, b) in first.by_tier.iter().zip(&last.by_tier) {
            if a.applications == 0 {
                continue;
            }
            let _ = write!(
                h,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{} ({})</td><td class="num">{} ({})</td></tr>"#,
                a.tier,
                a.applications,
                a.meeting,
                pct(a.share),
                b.meeting,
                pct(b.share)
            );
        }
        h.push_str("</tbody></table>");
    }
    let gaps: Vec<&Placement> = plan.applications.iter().filter(|a| !a.dr_meets_after).collect();
    if !gaps.is_empty() {
        h.push_str(r#"<h3>Below target after they move</h3><table><thead><tr><th>Application</th><th>Tier</th><th>Wave</th><th>DR before</th><th>DR after</th></tr></thead><tbody>"#);
        for a in gaps {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                xml(&a.name),
                a.tier,
                a.wave,
                a.dr_before,
                a.dr_after
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");
}

fn waves(h: &mut String, view: &PlanView<'_>) {
    let plan = view.plan;
    h.push_str(r#"<section id="waves" class="part"><h2>The waves</h2><p>Each wave with its dependency diagram (applications in the middle column; what they talk to on either side) and its cutovers in order. <b style="color:#C0392B">Red</b> links cross between waves: they run over the WAN until both ends have moved. <b style="color:#B9770E">Dashed amber</b> links reach what stays on premises.</p>"#);
    for w in &plan.waves {
        let apps = view.placements_in_wave(w.index);
        let class = if apps.is_empty() { "wave empty" } else { "wave" };
        let _ = write!(
            h,
            r#"<div class="{class}" id="wave-{}"><h3>{} · {} – {}</h3>"#,
            w.index,
            xml(&w.name),
            w.start.format("%-d %b"),
            day(w.end)
        );
        let diagram = Diagram::from_view(view, &Scope::Wave(w.index), GroupBy::Wave);
        let cross = diagram.edges.iter().filter(|e| e.cross_wave).count();
        let hybrid = diagram.edges.iter().filter(|e| e.hybrid).count();
        let _ = write!(
            h,
            r#"<div class="wave-facts"><span><b>{}</b> applications</span><span><b>{}</b> servers</span><span><b>{:.0} GB</b> replicated</span><span>downtime <b>{}</b> in total, longest <b>{}</b></span><span><b>{cross}</b> cross-wave and <b>{hybrid}</b> hybrid links</span><span><b>{}</b> cutover track{}, critical path <b>{}</b></span>{}</div>"#,
            w.applications.len(),
            w.servers.len(),
            w.storage_gb,
            duration_text(w.downtime_minutes),
            duration_text(u64::from(w.downtime_longest_minutes)),
            w.schedule.tracks.len(),
            if w.schedule.tracks.len() == 1 { "" } else { "s" },
            duration_text(w.schedule.critical_path_minutes),
            w.schedule
                .replication_start
                .map(|d| format!("<span>replication starts <b>{}</b></span>", day(d)))
                .unwrap_or_default()
        );
        if apps.is_empty() {
            h.push_str("<p>No application cuts over in this wave: the plan keeps it free (later applications wait for a date, a pin or a predecessor, as their reasons say).</p></div>\n");
            continue;
        }
        h.push_str(&chart::wave_diagram(&diagram, w.index));
        h.push_str(r#"<table><thead><tr><th>Application</th><th>Strategy</th><th>Tier</th><th class="num">Servers</th><th>Cutover</th><th class="num">Downtime</th><th>Window</th><th>DR</th></tr></thead><tbody>"#);
        for a in &apps {
            let fits = match a.fits_window {
                Some(true) => r#" <span class="tag good">fits</span>"#,
                Some(false) => r#" <span class="tag bad">over window</span>"#,
                None => "",
            };
            let dr = format!(
                r#"{} → {} <span class="tag {}">{}</span>"#,
                a.dr_before,
                a.dr_after,
                if a.dr_meets_after { "good" } else { "warn" },
                if a.dr_meets_after { "meets target" } else { "below target" }
            );
            let _ = write!(
                h,
                r#"<tr><td><b>{}</b><span class="why">{}</span></td><td title="{}">{}</td><td>{}</td><td class="num">{}</td><td>{}</td><td class="num">{}</td><td>{}{fits}</td><td>{dr}</td></tr>"#,
                xml(&a.name),
                xml(&a.reasons.join("; ")),
                xml(&a.downtime.method),
                a.strategy,
                a.tier,
                a.servers,
                match (crate::view::cutover_start(a), a.schedule.track) {
                    (Some(c), Some(t)) =>
                        format!("{} <span class=\"tag\">track {t}</span>", c.format("%a %-d %b %H:%M")),
                    (Some(c), None) => c.format("%a %-d %b %H:%M").to_string(),
                    _ => "to agree".into(),
                },
                duration_text(u64::from(a.downtime.minutes)),
                xml(a.maintenance_window.as_deref().unwrap_or("none")),
            );
        }
        h.push_str("</tbody></table>");
        if let Some(longest) = apps.iter().max_by_key(|a| a.downtime.minutes).filter(|a| !a.downtime.steps.is_empty()) {
            let _ = write!(
                h,
                r#"<h3>How the longest cutover adds up: {}</h3><table><thead><tr><th>Step</th><th class="num">Minutes</th><th>Arithmetic</th></tr></thead><tbody>"#,
                xml(&longest.name)
            );
            for s in &longest.downtime.steps {
                let _ = write!(
                    h,
                    r#"<tr><td>{}</td><td class="num">{:.1}</td><td>{}</td></tr>"#,
                    xml(&s.step),
                    s.minutes,
                    xml(&s.arithmetic)
                );
            }
            let _ = write!(
                h,
                r#"<tr><td><b>Total (rounded up)</b></td><td class="num"><b>{}</b></td><td></td></tr></tbody></table>"#,
                longest.downtime.minutes
            );
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
}

fn not_migrating(h: &mut String, view: &PlanView<'_>) {
    let plan = view.plan;
    h.push_str(r#"<section id="not-migrating" class="part"><h2>What does not migrate</h2>"#);
    if plan.not_migrating.is_empty() {
        h.push_str("<p>Everything in the inventory migrates.</p></section>\n");
        return;
    }
    h.push_str(r#"<table><thead><tr><th>Name</th><th>Kind</th><th>Why</th></tr></thead><tbody>"#);
    for n in &plan.not_migrating {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", xml(&n.name), xml(&n.kind), xml(&n.reason));
    }
    h.push_str("</tbody></table></section>\n");
}

fn assumptions(h: &mut String, view: &PlanView<'_>) {
    let c = &view.plan.config;
    let d = &c.downtime;
    h.push_str(r#"<section id="assumptions" class="part"><h2>Assumptions</h2><p>Every number in this report follows from the inventory and these settings. Change a setting and re-plan to see its effect; the workbook and the JSON export carry the same values.</p>"#);
    let kv = |h: &mut String, title: &str, rows: &[(String, String)]| {
        let _ = write!(h, "<h3>{}</h3><table class=\"kv\"><tbody>", xml(title));
        for (k, v) in rows {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td></tr>", xml(k), xml(v));
        }
        h.push_str("</tbody></table>");
    };
    let blackouts = if c.blackouts.is_empty() {
        "none".to_string()
    } else {
        c.blackouts.iter().map(|b| format!("{} ({} to {})", b.name, b.start, b.end)).collect::<Vec<_>>().join("; ")
    };
    kv(
        h,
        "Planning",
        &[
            ("Start of wave 1".into(), c.start.to_string()),
            ("Days per wave".into(), c.wave_days.to_string()),
            ("Most servers per wave".into(), c.max_servers_per_wave.map_or("no limit".into(), |v| v.to_string())),
            (
                "Most storage replicated per wave".into(),
                c.max_storage_gb_per_wave.map_or("no limit".into(), |v| format!("{v:.0} GB")),
            ),
            ("Applications in the pilot wave".into(), c.pilot_applications.to_string()),
            ("Coupling threshold (weaker links in a cycle stay hybrid)".into(), format!("{}", c.coupling_threshold)),
            ("Blackout periods".into(), blackouts),
        ],
    );
    let effective = d.bandwidth_mbps * d.link_efficiency;
    kv(
        h,
        "Downtime model",
        &[
            ("Bandwidth to the cloud for migration".into(), format!("{} Mbit/s", d.bandwidth_mbps)),
            ("Link efficiency (share carrying data)".into(), format!("{}", d.link_efficiency)),
            (
                "Effective throughput".into(),
                format!("{effective:.0} Mbit/s = {:.0} GB per hour", effective * 3600.0 / 8000.0),
            ),
            ("Replication lag before cutover".into(), format!("{} min", d.replication_lag_minutes)),
            (
                "Server disk change when no data store says better".into(),
                format!("{} % per day", d.server_change_percent_per_day),
            ),
            (
                "Boot and health check".into(),
                format!("{} min per batch of {} servers", d.boot_minutes, d.parallel_boots),
            ),
            ("DNS, IP and load balancer switch".into(), format!("{} min", d.network_switch_minutes)),
            ("Smoke test".into(), format!("{} min", d.smoke_test_minutes)),
            (
                "Database dump / restore (offline moves)".into(),
                format!("{} / {} GB per hour", d.dump_gb_per_hour, d.restore_gb_per_hour),
            ),
            ("Replica promotion (online replication)".into(), format!("{} min", d.replica_promotion_minutes)),
            (
                "Replatform / blue-green / repurchase / relocate switch".into(),
                format!(
                    "{} / {} / {} / {} min",
                    d.replatform_switch_minutes,
                    d.blue_green_switch_minutes,
                    d.repurchase_switch_minutes,
                    d.relocate_switch_minutes
                ),
            ),
        ],
    );
    let dr = &c.dr;
    let pair = |(rto, rpo): (u32, u32)| {
        format!("RTO {} · RPO {}", duration_text(u64::from(rto)), duration_text(u64::from(rpo)))
    };
    kv(
        h,
        "Disaster recovery model",
        &[
            ("Backup and restore achieves".into(), pair(dr.backup)),
            ("Warm standby achieves".into(), pair(dr.warm_standby)),
            ("Active-active achieves".into(), pair(dr.active_active)),
            (
                "Mission-critical target (unless the application states its own)".into(),
                pair(dr.mission_critical_target),
            ),
            ("Business-critical target".into(), pair(dr.business_critical_target)),
            ("Business-operational target".into(), pair(dr.business_operational_target)),
            ("Administrative target".into(), pair(dr.administrative_target)),
        ],
    );
    h.push_str("</section>\n");
}
