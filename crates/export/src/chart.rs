//! The report's charts as inline SVG strings: the wave timeline (Gantt) with
//! blackout periods and cutover windows, DR coverage over time, and the
//! dependency diagram of one wave laid out in columns (earlier waves, this
//! wave, later waves, what stays behind) so cross-wave links read left to
//! right instead of as a hairball.
//!
//! Every inventory string goes through [`crate::escape::xml`]; the SVG has
//! no script, no external reference and no event attribute.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use crate::diagram::{Diagram, NodeKind};
use crate::escape::xml;
use crate::view::{PlanView, Side};

/// Colours of the report, shared with its CSS.
pub(crate) mod palette {
    pub const INK: &str = "#1B2631";
    pub const MUTED: &str = "#5D6D7E";
    pub const GRID: &str = "#E5E8E8";
    pub const NAVY: &str = "#1F3A5F";
    pub const BLUE: &str = "#2E86C1";
    pub const PILOT: &str = "#48C9B0";
    pub const RED: &str = "#C0392B";
    pub const AMBER: &str = "#B9770E";
    pub const GREY: &str = "#95A5A6";
    pub const TIERS: [&str; 4] = ["#922B21", "#D35400", "#2874A6", "#7D8A96"];
}
use palette::*;

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// A linear time axis from `first` to `last` (exclusive) over `[x0, x1]` pixels.
struct TimeAxis {
    first: NaiveDate,
    days: f64,
    x0: f64,
    x1: f64,
}

impl TimeAxis {
    fn x(&self, day: NaiveDate) -> f64 {
        self.x0 + (day - self.first).num_days() as f64 / self.days * (self.x1 - self.x0)
    }

    fn x_at(&self, at: NaiveDateTime) -> f64 {
        let minutes = (at - self.first.and_hms_opt(0, 0, 0).unwrap_or_default()).num_minutes() as f64;
        self.x0 + minutes / (self.days * 1440.0) * (self.x1 - self.x0)
    }

    /// First days of months inside the axis, for ticks.
    fn months(&self) -> Vec<NaiveDate> {
        let last = self.first + Duration::days(self.days as i64);
        let mut out = Vec::new();
        let mut d = NaiveDate::from_ymd_opt(self.first.year(), self.first.month(), 1).unwrap_or(self.first);
        while d <= last {
            if d >= self.first {
                out.push(d);
            }
            d = if d.month() == 12 {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
            }
            .unwrap_or(last + Duration::days(1));
        }
        out
    }
}

/// The wave timeline: a bar per wave, cutover windows as diamonds, blackout
/// periods as hatched bands over every row.
pub fn gantt(view: &PlanView<'_>) -> String {
    let plan = view.plan;
    let Some(first) = plan.waves.first().map(|w| w.start) else { return String::new() };
    let mut last = plan.waves.last().map(|w| w.end + Duration::days(1)).unwrap_or(first);
    let mut start = first;
    for b in &plan.config.blackouts {
        if b.end >= first - Duration::days(30) && b.start <= last + Duration::days(30) {
            start = start.min(b.start);
            last = last.max(b.end + Duration::days(1));
        }
    }
    let (width, label_w, row_h, top) = (1000.0, 150.0, 26.0, 44.0);
    let rows = plan.waves.len() as f64;
    let height = top + rows * row_h + 36.0;
    let axis = TimeAxis { first: start, days: (last - start).num_days().max(1) as f64, x0: label_w, x1: width - 12.0 };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Wave timeline" xmlns="http://www.w3.org/2000/svg" font-family="inherit">"#
    );
    let _ = write!(
        s,
        r##"<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#FDEDEC"/><line x1="0" y1="0" x2="0" y2="6" stroke="#E6B0AA" stroke-width="2.5"/></pattern></defs>"##
    );
    // Month grid.
    for m in axis.months() {
        let x = axis.x(m);
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="{GRID}"/>"#,
            top - 8.0,
            top + rows * row_h
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" font-size="11" fill="{MUTED}">{}</text>"#,
            x + 3.0,
            top - 12.0,
            m.format("%b %Y")
        );
    }
    // Blackouts behind the bars.
    for b in &plan.config.blackouts {
        let (x0, x1) = (axis.x(b.start.max(start)), axis.x((b.end + Duration::days(1)).min(last)));
        if x1 <= x0 {
            continue;
        }
        let _ = write!(
            s,
            r#"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" fill="url(#hatch)" opacity="0.9"><title>Blackout: {} ({} to {})</title></rect>"#,
            top - 6.0,
            (x1 - x0).max(2.0),
            rows * row_h + 6.0,
            xml(&b.name),
            b.start,
            b.end
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" font-size="10" fill="{RED}" text-anchor="middle">{}</text>"#,
            (x0 + x1) / 2.0,
            top + rows * row_h + 14.0,
            xml(&truncate(&b.name, 28))
        );
    }
    for (i, w) in plan.waves.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let (x0, x1) = (axis.x(w.start), axis.x(w.end + Duration::days(1)));
        let fill = if w.pilot { PILOT } else { BLUE };
        // A wave in which nothing cuts over is drawn faint: time held, not work.
        let opacity = if w.applications.is_empty() { 0.25 } else { 0.85 };
        let _ = write!(s, r#"<text x="0" y="{:.1}" font-size="12" fill="{INK}">{}</text>"#, y + 17.0, xml(&w.name));
        let _ = write!(
            s,
            r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="{fill}" opacity="{opacity}"><title>{}: {} to {}, {} applications, {} servers</title></rect>"#,
            y + 5.0,
            (x1 - x0).max(2.0),
            row_h - 10.0,
            xml(&w.name),
            w.start,
            w.end,
            w.applications.len(),
            w.servers.len()
        );
        for (at, _, apps) in view.window_openings(w.index, &crate::format::Scope::Estate) {
            let apps: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
            let x = axis.x_at(at);
            let cy = y + row_h / 2.0;
            let _ = write!(
                s,
                r#"<path d="M{x:.1} {:.1} L{:.1} {cy:.1} L{x:.1} {:.1} L{:.1} {cy:.1} Z" fill="{NAVY}" stroke="white" stroke-width="1"><title>Cutover window {}: {}</title></path>"#,
                cy - 6.0,
                x + 5.0,
                cy + 6.0,
                x - 5.0,
                at.format("%a %Y-%m-%d %H:%M"),
                xml(&apps.join(", "))
            );
        }
    }
    // Legend.
    let ly = height - 10.0;
    let _ = write!(
        s,
        r##"<g font-size="11" fill="{MUTED}"><rect x="{label_w}" y="{}" width="14" height="9" fill="{BLUE}"/><text x="{}" y="{ly}">wave</text><rect x="{}" y="{}" width="14" height="9" fill="{PILOT}"/><text x="{}" y="{ly}">pilot wave</text><path d="M{} {} l5 5 l-5 5 l-5 -5 z" fill="{NAVY}"/><text x="{}" y="{ly}">cutover window</text><rect x="{}" y="{}" width="14" height="9" fill="url(#hatch)"/><text x="{}" y="{ly}">blackout (no cutover)</text></g>"##,
        ly - 9.0,
        label_w + 18.0,
        label_w + 70.0,
        ly - 9.0,
        label_w + 88.0,
        label_w + 170.0,
        ly - 10.0,
        label_w + 180.0,
        label_w + 290.0,
        ly - 9.0,
        label_w + 308.0
    );
    s.push_str("</svg>");
    s
}

/// DR coverage over time: the share of applications meeting RTO and RPO,
/// overall and per tier, stepping up at the end of each wave.
pub fn dr_chart(view: &PlanView<'_>) -> String {
    let plan = view.plan;
    if plan.dr_coverage.is_empty() || plan.waves.is_empty() {
        return String::new();
    }
    let (width, height, left, right, top, bottom) = (1000.0, 320.0, 48.0, 190.0, 16.0, 40.0);
    let first = plan.waves[0].start;
    let mut last = plan.waves.last().map(|w| w.end + Duration::days(1)).unwrap_or(first);
    // Coverage over time: the day-by-day DR timeline when the plan has one
    // (replication in flight, cloud DR built after cutover), else the
    // coverage at each wave's end. Each point holds until the next.
    let mut points: Vec<(NaiveDate, &waveplan_core::dr::Coverage)> =
        plan.dr.days.iter().filter(|d| d.date >= first).map(|d| (d.date, &d.coverage)).collect();
    if let Some(before) = plan.dr.days.iter().rev().find(|d| d.date < first).or(plan.dr.days.first()) {
        points.insert(0, (first, &before.coverage));
    }
    if points.is_empty() {
        points.push((first, &plan.dr_coverage[0]));
        for (w, c) in plan.waves.iter().zip(plan.dr_coverage.iter().skip(1)) {
            points.push((w.end + Duration::days(1), c));
        }
    }
    if let Some(&(day, _)) = points.last() {
        last = last.max(day + Duration::days(1));
    }
    let axis = TimeAxis { first, days: (last - first).num_days().max(1) as f64, x0: left, x1: width - right };
    let y = |share: f64| top + (1.0 - share) * (height - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="DR coverage over time" xmlns="http://www.w3.org/2000/svg">"#
    );
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let yy = y(p);
        let _ = write!(s, r#"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{GRID}"/>"#, width - right);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" fill="{MUTED}" text-anchor="end">{:.0}%</text>"#,
            left - 6.0,
            yy + 4.0,
            p * 100.0
        );
    }
    for w in &plan.waves {
        let x = axis.x(w.end + Duration::days(1));
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}" stroke="{GRID}" stroke-dasharray="2 3"/>"#,
            height - bottom
        );
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" font-size="10" fill="{MUTED}" text-anchor="middle">W{}</text>"#,
            height - bottom + 14.0,
            w.index
        );
    }
    let _ = write!(
        s,
        r#"<text x="{left}" y="{:.1}" font-size="10" fill="{MUTED}">{}</text>"#,
        height - 6.0,
        first.format("%d %b %Y")
    );
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{MUTED}" text-anchor="end">{}</text>"#,
        width - right,
        height - 6.0,
        last.format("%d %b %Y")
    );
    let step_path = |share_at: &dyn Fn(&waveplan_core::dr::Coverage) -> f64| -> String {
        let mut d = String::new();
        for (i, (day, coverage)) in points.iter().enumerate() {
            let (x, yy) = (axis.x(*day), y(share_at(coverage)));
            if i == 0 {
                let _ = write!(d, "M{x:.1} {yy:.1}");
            } else {
                let _ = write!(d, " H{x:.1} V{yy:.1}");
            }
        }
        let _ = write!(d, " H{:.1}", axis.x(last));
        d
    };
    let mut legend: Vec<(String, &str, f64)> = Vec::new();
    let tiers = plan.dr_coverage[0].by_tier.len();
    for t in 0..tiers {
        let tier = plan.dr_coverage[0].by_tier[t].tier;
        let count = plan.dr_coverage[0].by_tier[t].applications;
        if count == 0 {
            continue;
        }
        let color = TIERS[t % TIERS.len()];
        let d = step_path(&|c: &waveplan_core::dr::Coverage| c.by_tier.get(t).map_or(0.0, |x| x.share));
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{color}" stroke-width="1.6" stroke-dasharray="5 3" opacity="0.9"/>"#
        );
        legend.push((format!("{tier} ({count})"), color, 1.6));
    }
    let d = step_path(&|c: &waveplan_core::dr::Coverage| c.share);
    let _ = write!(s, r#"<path d="{d}" fill="none" stroke="{NAVY}" stroke-width="3"/>"#);
    legend.insert(0, ("all applications".into(), NAVY, 3.0));
    let (before, after) = (plan.metrics.dr_coverage_before, plan.metrics.dr_coverage_after);
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="600" fill="{NAVY}">{:.0}%</text>"#,
        left + 4.0,
        y(before) - 6.0,
        before * 100.0
    );
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="600" fill="{NAVY}" text-anchor="end">{:.0}%</text>"#,
        width - right - 4.0,
        y(after) - 6.0,
        after * 100.0
    );
    for (i, (label, color, stroke)) in legend.iter().enumerate() {
        let ly = top + 10.0 + i as f64 * 20.0;
        let dash = if *stroke < 2.0 { r#" stroke-dasharray="5 3""# } else { "" };
        let _ = write!(
            s,
            r#"<line x1="{:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{color}" stroke-width="{stroke}"{dash}/>"#,
            width - right + 16.0,
            width - right + 40.0
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" fill="{INK}">{}</text>"#,
            width - right + 46.0,
            ly + 4.0,
            xml(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// Which column of a wave diagram a side goes in: earlier waves, the wave,
/// later waves, what stays behind or is outside.
fn column_of(side: Side, wave: u32) -> usize {
    match side {
        Side::Wave(w) if w < wave => 0,
        Side::Wave(w) if w == wave => 1,
        Side::Wave(_) | Side::Unplanned => 2,
        Side::Stays | Side::Retired | Side::External => 3,
    }
}

/// The dependency diagram of one wave (as [`Diagram::from_view`] builds it
/// for `Scope::Wave`), laid out in columns.
pub fn wave_diagram(diagram: &Diagram, wave: u32) -> String {
    if diagram.nodes.is_empty() {
        return String::new();
    }
    const TITLES: [&str; 4] =
        ["Moved in earlier waves", "Moves in this wave", "Moves in later waves", "Stays on premises or outside"];
    let (node_w, node_h, gap, col_gap, top) = (200.0, 36.0, 10.0, 90.0, 34.0);
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); 4];
    for (i, n) in diagram.nodes.iter().enumerate() {
        columns[column_of(n.side, wave)].push(i);
    }
    // Barycentre ordering (Sugiyama's heuristic): the neighbour columns by
    // where what they link to sits in the wave's column, then the wave's
    // column by where its neighbours sit, then the neighbours again. Rows are
    // compared as fractions of their column's height. Fewer crossings.
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); diagram.nodes.len()];
    for e in &diagram.edges {
        neighbours[e.from].push(e.to);
        neighbours[e.to].push(e.from);
    }
    let reorder = |columns: &mut Vec<Vec<usize>>, targets: &[usize]| {
        let mut place: BTreeMap<usize, f64> = BTreeMap::new();
        for list in columns.iter() {
            for (r, &n) in list.iter().enumerate() {
                place.insert(n, (r as f64 + 0.5) / list.len() as f64);
            }
        }
        for &c in targets {
            let mut keyed: Vec<(f64, String, usize)> = columns[c]
                .iter()
                .map(|&n| {
                    let others: Vec<f64> = neighbours[n]
                        .iter()
                        .filter(|&&o| column_of(diagram.nodes[o].side, wave) != c)
                        .filter_map(|o| place.get(o).copied())
                        .collect();
                    let centre = if others.is_empty() { 2.0 } else { others.iter().sum::<f64>() / others.len() as f64 };
                    (centre, diagram.nodes[n].label.to_lowercase(), n)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            columns[c] = keyed.into_iter().map(|(_, _, n)| n).collect();
        }
    };
    reorder(&mut columns, &[0, 2, 3]);
    reorder(&mut columns, &[1]);
    reorder(&mut columns, &[0, 2, 3]);
    let shown: Vec<usize> = (0..4).filter(|&c| !columns[c].is_empty()).collect();
    let col_x: BTreeMap<usize, f64> =
        shown.iter().enumerate().map(|(i, &c)| (c, 10.0 + i as f64 * (node_w + col_gap))).collect();
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let width = 20.0 + shown.len() as f64 * node_w + (shown.len() as f64 - 1.0).max(0.0) * col_gap + 40.0;
    let height = top + rows * (node_h + gap) + 10.0;
    let mut pos: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for &c in &shown {
        for (r, &n) in columns[c].iter().enumerate() {
            pos.insert(n, (col_x[&c], top + r as f64 * (node_h + gap)));
        }
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="diagram" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        xml(&diagram.title)
    );
    s.push_str("<defs>");
    for (id, color) in [("a-cross", RED), ("a-hybrid", AMBER), ("a-ext", GREY), ("a-in", MUTED)] {
        let _ = write!(
            s,
            r#"<marker id="{id}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L8 4 L0 8 z" fill="{color}"/></marker>"#
        );
    }
    s.push_str("</defs>");
    for &c in &shown {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="18" font-size="11" font-weight="600" fill="{MUTED}">{}</text>"#,
            col_x[&c],
            TITLES[c].to_uppercase()
        );
    }
    // Edges first, under the nodes.
    for e in &diagram.edges {
        let (Some(&(fx, fy)), Some(&(tx, ty))) = (pos.get(&e.from), pos.get(&e.to)) else { continue };
        let (fy, ty) = (fy + node_h / 2.0, ty + node_h / 2.0);
        // Thickness follows how many dependencies a link carries, so the few
        // heavy links stand out from the many single ones.
        let heavy = (1.0 + (e.count as f64).ln()).min(3.0);
        let (color, marker, dash, width) = if e.cross_wave {
            (RED, "a-cross", "", 1.1 * heavy)
        } else if e.hybrid {
            (AMBER, "a-hybrid", r#" stroke-dasharray="5 3""#, 1.4)
        } else if e.external {
            (GREY, "a-ext", r#" stroke-dasharray="2 3""#, 1.2)
        } else {
            (MUTED, "a-in", "", 1.2)
        };
        let d = if (fx - tx).abs() < 1.0 {
            // Within a column: an arc out to the right.
            let x = fx + node_w;
            let bulge = 30.0 + ((fy - ty).abs() / 8.0).min(60.0);
            format!("M{x:.1} {fy:.1} C{:.1} {fy:.1} {:.1} {ty:.1} {x:.1} {ty:.1}", x + bulge, x + bulge)
        } else if fx < tx {
            let (x0, x1) = (fx + node_w, tx);
            let mid = (x0 + x1) / 2.0;
            format!("M{x0:.1} {fy:.1} C{mid:.1} {fy:.1} {mid:.1} {ty:.1} {x1:.1} {ty:.1}")
        } else {
            let (x0, x1) = (fx, tx + node_w);
            let mid = (x0 + x1) / 2.0;
            format!("M{x0:.1} {fy:.1} C{mid:.1} {fy:.1} {mid:.1} {ty:.1} {x1:.1} {ty:.1}")
        };
        let (from, to) = (&diagram.nodes[e.from].label, &diagram.nodes[e.to].label);
        let plural = if e.count == 1 { "y" } else { "ies" };
        let ports = e.ports_label();
        let ports = if ports.is_empty() { String::new() } else { format!(", port {ports}") };
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{color}" stroke-width="{width}"{dash} marker-end="url(#{marker})" opacity="0.7"><title>{} depends on {} ({} dependenc{plural}{})</title></path>"#,
            xml(from),
            xml(to),
            e.count,
            xml(&ports)
        );
    }
    for (&n, &(x, y)) in &pos {
        let node = &diagram.nodes[n];
        let (fill, stroke) = match (node.kind, node.focus) {
            (_, true) => ("#EAF2F8", NAVY),
            (NodeKind::Device, _) => ("#FDF2E9", AMBER),
            (NodeKind::External, _) => ("#F4F6F6", GREY),
            _ => ("#FBFCFC", "#AAB7B8"),
        };
        let stroke_w = if node.focus { 1.5 } else { 1.0 };
        let _ = write!(
            s,
            r#"<g><title>{} ({}, {}){}</title>"#,
            xml(&node.label),
            node.kind.as_str(),
            node.side.label(),
            if node.detail.is_empty() { String::new() } else { format!(": {}", xml(&node.detail)) }
        );
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{node_w}" height="{node_h}" rx="5" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_w}"/>"#
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11.5" font-weight="600" fill="{INK}">{}</text>"#,
            x + 8.0,
            y + 15.0,
            xml(&truncate(&node.label, 28))
        );
        let sub = match node.side {
            Side::Wave(w) if column_of(node.side, w) != 1 => format!("{} · {}", node.side.label(), node.detail),
            Side::Stays | Side::Retired | Side::External | Side::Unplanned => {
                format!("{} · {}", node.side.label(), node.detail)
            }
            _ => node.detail.clone(),
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="9.5" fill="{MUTED}">{}</text></g>"#,
            x + 8.0,
            y + 28.0,
            xml(&truncate(&sub, 38))
        );
    }
    s.push_str("</svg>");
    s
}
