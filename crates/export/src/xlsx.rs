//! The plan as an Excel workbook, the deliverable a consultant hands over:
//! Summary (key figures and the settings the plan rests on), Waves,
//! Applications (downtime with its arithmetic, DR before and after),
//! Servers, Dependencies (cross-wave and hybrid flags), DR coverage (with a
//! chart), Constraints (each with whether the plan keeps it, and every
//! violation), Runbook (one row per cutover step) and Not migrating; when
//! asked, the project's Audit trail last.
//!
//! Every sheet has a frozen, filtered header row and column widths that fit
//! its contents; dates are real dates and numbers real numbers. Inventory
//! strings that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`,
//! tab, CR) are written as text with Excel's quote prefix, so they show as
//! typed and can never be evaluated. A text longer than a cell holds (32,767
//! characters, such as the application names of a 2,000-application wave)
//! is cut with a note saying how much is missing, instead of failing the
//! whole workbook.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{
    Chart, ChartType, Color, ConditionalFormatFormula, DocProperties, Format as Style, FormatAlign, FormatBorder,
    Workbook, Worksheet,
};
use waveplan_core::plan::{Violation, ViolationKind as Kind};
use waveplan_core::{Constraint, Estate, Plan};

use crate::ExportError;
use crate::appendix::fit_cell_noting;
use crate::escape::xml_chars;
use crate::format::Options;
use crate::table::is_formula_like;
use crate::view::{PlanView, Side};

/// The "Audit trail" sheet, kept apart from the plan's sheets.
mod audit;

const HEADER_FILL: u32 = 0x1F3A5F;
/// Width of a column of wrapped text, characters.
const WRAP_WIDTH: usize = 70;
const BAD_FILL: u32 = 0xF6D5D1;
const BAD_TEXT: u32 = 0x922B21;
const WARN_FILL: u32 = 0xFCEBCF;
const WARN_TEXT: u32 = 0x7E5109;

/// A cell value.
enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Percent(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Yes(bool),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<impl Into<String>>) -> Cell {
    s.map(|s| Cell::Text(s.into())).unwrap_or(Cell::Empty)
}

struct Styles {
    header: Style,
    text: Style,
    quoted: Style,
    wrap: Style,
    int: Style,
    num: Style,
    percent: Style,
    date: Style,
    datetime: Style,
    title: Style,
    subtitle: Style,
    section: Style,
    label: Style,
    bad: Style,
    warn: Style,
}

impl Styles {
    fn new() -> Styles {
        let base = Style::new().set_font_name("Calibri").set_font_size(10).set_align(FormatAlign::Top);
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            // One character of indent keeps text off the right-aligned number beside it.
            text: base.clone().set_align(FormatAlign::Left).set_indent(1),
            quoted: base.clone().set_align(FormatAlign::Left).set_indent(1).set_quote_prefix(),
            wrap: base.clone().set_align(FormatAlign::Left).set_indent(1).set_text_wrap(),
            int: base.clone().set_num_format("#,##0"),
            num: base.clone().set_num_format("#,##0.0"),
            percent: base.clone().set_num_format("0%"),
            date: base.clone().set_num_format("yyyy-mm-dd"),
            datetime: base.clone().set_num_format("ddd yyyy-mm-dd hh:mm"),
            title: Style::new()
                .set_font_name("Calibri")
                .set_font_size(18)
                .set_bold()
                .set_font_color(Color::RGB(HEADER_FILL)),
            subtitle: Style::new()
                .set_font_name("Calibri")
                .set_font_size(10)
                .set_italic()
                .set_font_color(Color::RGB(0x566573)),
            section: Style::new()
                .set_font_name("Calibri")
                .set_font_size(12)
                .set_bold()
                .set_font_color(Color::RGB(HEADER_FILL))
                .set_border_bottom(FormatBorder::Thin),
            label: base.clone().set_bold(),
            bad: Style::new().set_background_color(Color::RGB(BAD_FILL)).set_font_color(Color::RGB(BAD_TEXT)),
            warn: Style::new().set_background_color(Color::RGB(WARN_FILL)).set_font_color(Color::RGB(WARN_TEXT)),
        }
    }
}

/// The end of a text cut to fit a cell: what is missing, and where the
/// whole text is (the plan's JSON has every list the workbook joins).
fn cut_note(left_out: usize) -> String {
    format!(" … (cut: {left_out} more characters; a cell holds 32,767, the JSON export has the whole text)")
}

/// Writes one cell, the safe way for text: formula-like text quote-prefixed,
/// text too long for a cell cut with a note.
fn put(
    sheet: &mut Worksheet,
    styles: &Styles,
    row: u32,
    col: u16,
    cell: &Cell,
    wrap: bool,
) -> Result<usize, ExportError> {
    let width = match cell {
        Cell::Text(s) => {
            // rust_xlsxwriter writes U+FFFE and U+FFFF as they are, which
            // makes the sheet's XML unreadable: drop what XML forbids.
            let clean = xml_chars(s);
            let fitted = fit_cell_noting(&clean, cut_note);
            let s: &str = &fitted;
            let style = if is_formula_like(s) {
                &styles.quoted
            } else if wrap {
                &styles.wrap
            } else {
                &styles.text
            };
            sheet.write_string_with_format(row, col, s, style)?;
            s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
        }
        Cell::Int(n) => {
            sheet.write_number_with_format(row, col, *n as f64, &styles.int)?;
            format!("{n}").len() + 2
        }
        Cell::Num(x) => {
            sheet.write_number_with_format(row, col, *x, &styles.num)?;
            format!("{x:.1}").len() + 3
        }
        Cell::Percent(x) => {
            sheet.write_number_with_format(row, col, *x, &styles.percent)?;
            5
        }
        Cell::Date(d) => {
            sheet.write_datetime_with_format(row, col, d, &styles.date)?;
            11
        }
        Cell::DateTime(t) => {
            sheet.write_datetime_with_format(row, col, t, &styles.datetime)?;
            21
        }
        Cell::Yes(b) => {
            sheet.write_string_with_format(row, col, if *b { "yes" } else { "no" }, &styles.text)?;
            3
        }
        Cell::Empty => 0,
    };
    Ok(width)
}

/// A table on its own sheet: a frozen, filtered header and fitted widths.
struct TableSheet<'a> {
    sheet: &'a mut Worksheet,
    styles: &'a Styles,
    widths: Vec<usize>,
    wrap: Vec<bool>,
    row: u32,
    /// Rows left out because the sheet reached Excel's last row.
    left_out: usize,
}

/// The last row a sheet can hold, less one for the note that says what was left out.
const LAST_DATA_ROW: u32 = 1_048_574;

impl<'a> TableSheet<'a> {
    /// `columns`: (header, wraps long text).
    fn new(
        sheet: &'a mut Worksheet,
        styles: &'a Styles,
        name: &str,
        columns: &[(&str, bool)],
    ) -> Result<TableSheet<'a>, ExportError> {
        sheet.set_name(name)?;
        for (c, (header, _)) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *header, &styles.header)?;
        }
        sheet.set_row_height(0, 40)?;
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_landscape();
        if columns.len() <= 18 {
            sheet.set_print_fit_to_pages(1, 0);
        }
        sheet.set_repeat_rows(0, 0)?;
        Ok(TableSheet {
            widths: columns
                .iter()
                // Wide enough that a header wraps onto two lines at most.
                .map(|(h, _)| h.len().div_ceil(2).max(h.split_whitespace().map(str::len).max().unwrap_or(4)).max(6) + 3)
                .collect(),
            wrap: columns.iter().map(|(_, w)| *w).collect(),
            sheet,
            styles,
            row: 1,
            left_out: 0,
        })
    }

    fn row(&mut self, cells: Vec<Cell>) -> Result<(), ExportError> {
        if self.row > LAST_DATA_ROW {
            self.left_out += 1;
            return Ok(());
        }
        let mut lines = 1;
        for (c, cell) in cells.iter().enumerate() {
            let w = put(self.sheet, self.styles, self.row, c as u16, cell, self.wrap[c])?;
            self.widths[c] = self.widths[c].max(w + 1);
            if let (Cell::Text(text), true) = (cell, self.wrap[c]) {
                // Spreadsheets do not all fit row heights to wrapped text on
                // opening: set the height the text needs.
                // A column of width N holds about N + 10 characters of 10-point Calibri.
                let cap = WRAP_WIDTH + 10;
                lines = lines.max(text.lines().map(|l| l.chars().count().div_ceil(cap).max(1)).sum::<usize>());
            }
        }
        if lines > 1 {
            self.sheet.set_row_height(self.row, 13.0 * lines.min(12) as f64)?;
        }
        self.row += 1;
        Ok(())
    }

    /// Colours whole rows where the cell of `column` meets `condition` (`="no"`, `>0`).
    fn highlight(&mut self, column: usize, condition: &str, style: &Style) -> Result<(), ExportError> {
        if self.row > 1 {
            let last = self.widths.len() as u16 - 1;
            let rule = ConditionalFormatFormula::new()
                .set_rule(format!("=${}2{condition}", column_letter(column)).as_str())
                .set_format(style);
            self.sheet.add_conditional_format(1, 0, self.row - 1, last, &rule)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), ExportError> {
        let last_col = self.widths.len() as u16 - 1;
        if self.left_out > 0 {
            let note = format!(
                "{} more rows do not fit in a worksheet: the CSV export (--format csv) has them all",
                self.left_out
            );
            self.sheet.write_string_with_format(self.row, 0, note, &self.styles.bad)?;
        }
        self.sheet.autofilter(0, 0, self.row.saturating_sub(1).max(1), last_col)?;
        for (c, &w) in self.widths.iter().enumerate() {
            let cap = if self.wrap[c] { WRAP_WIDTH } else { 48 };
            self.sheet.set_column_width(c as u16, w.min(cap) as f64)?;
        }
        Ok(())
    }
}

/// The column letter of a 0-based column index (A, B, ..., Z, AA, ...).
fn column_letter(mut col: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (col % 26) as u8) as char);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s
}

/// Writes the workbook.
pub fn write_workbook(estate: &Estate, plan: &Plan, options: &Options, out: &mut dyn Write) -> Result<(), ExportError> {
    let view = PlanView::new(estate, plan);
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    let title = options.title.clone().unwrap_or_else(|| "Migration plan".into());
    let mut properties = DocProperties::new()
        .set_title(format!("{title}: migration wave plan"))
        .set_author("Waveplan")
        .set_subject("Cloud migration wave plan");
    let created = options.generated_at.unwrap_or_else(|| plan.config.start.and_hms_opt(0, 0, 0).unwrap_or_default());
    properties = properties.set_creation_datetime(&created.and_utc());
    workbook.set_properties(&properties);

    summary_sheet(workbook.add_worksheet(), &styles, &view, options, &title)?;
    waves_sheet(workbook.add_worksheet(), &styles, &view)?;
    applications_sheet(workbook.add_worksheet(), &styles, &view)?;
    servers_sheet(workbook.add_worksheet(), &styles, &view)?;
    dependencies_sheet(workbook.add_worksheet(), &styles, &view)?;
    dr_sheet(workbook.add_worksheet(), &styles, &view)?;
    constraints_sheet(workbook.add_worksheet(), &styles, &view)?;
    runbook_sheet(workbook.add_worksheet(), &styles, &view)?;
    not_migrating_sheet(workbook.add_worksheet(), &styles, &view)?;
    if let Some(trail) = &options.audit {
        audit::audit_sheet(workbook.add_worksheet(), &styles, trail, &title)?;
    }
    out.write_all(&workbook.save_to_buffer()?)?;
    Ok(())
}

fn summary_sheet(
    sheet: &mut Worksheet,
    s: &Styles,
    view: &PlanView<'_>,
    options: &Options,
    title: &str,
) -> Result<(), ExportError> {
    let plan = view.plan;
    let m = &plan.metrics;
    let c = &plan.config;
    sheet.set_name("Summary")?;
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 22)?;
    sheet.set_column_width(2, 60)?;
    sheet.write_string_with_format(0, 0, format!("{title}: migration wave plan"), &s.title)?;
    let mut subtitle = format!("Scenario '{}'", options.scenario.as_deref().unwrap_or("baseline"));
    if let Some(at) = options.generated_at {
        subtitle.push_str(&format!(", prepared {} UTC", at.format("%Y-%m-%d %H:%M")));
    }
    subtitle.push_str(
        ". Every figure is worked out from the inventory and the settings below; the other sheets show the detail.",
    );
    sheet.write_string_with_format(1, 0, &subtitle, &s.subtitle)?;
    let mut row = 3;
    let section = |sheet: &mut Worksheet, row: &mut u32, name: &str| -> Result<(), ExportError> {
        *row += 1;
        sheet.write_string_with_format(*row, 0, name, &s.section)?;
        sheet.write_blank(*row, 1, &s.section)?;
        sheet.write_blank(*row, 2, &s.section)?;
        *row += 1;
        Ok(())
    };
    let right = s.text.clone().set_align(FormatAlign::Right);
    let line =
        |sheet: &mut Worksheet, row: &mut u32, label: &str, value: Cell, note: &str| -> Result<(), ExportError> {
            sheet.write_string_with_format(*row, 0, label, &s.label)?;
            match &value {
                // Words among the figures line up on the right, as the numbers do.
                Cell::Text(text) if !is_formula_like(text) => {
                    sheet.write_string_with_format(*row, 1, text, &right)?;
                }
                other => {
                    put(sheet, s, *row, 1, other, false)?;
                }
            }
            if !note.is_empty() {
                sheet.write_string_with_format(*row, 2, note, &s.subtitle)?;
            }
            *row += 1;
            Ok(())
        };
    section(sheet, &mut row, "Key figures")?;
    let first = plan.waves.first().map(|w| w.start);
    line(sheet, &mut row, "Waves", Cell::Int(i64::from(m.waves)), "")?;
    line(sheet, &mut row, "Programme start", first.map(Cell::Date).unwrap_or(Cell::Empty), "first day of wave 1")?;
    line(
        sheet,
        &mut row,
        "Programme end",
        m.programme_end.map(Cell::Date).unwrap_or(Cell::Empty),
        "last day of the last wave",
    )?;
    line(sheet, &mut row, "Applications migrating", Cell::Int(m.applications_migrating as i64), "")?;
    line(sheet, &mut row, "Servers migrating", Cell::Int(m.servers_migrating as i64), "")?;
    line(
        sheet,
        &mut row,
        "Not migrating (retired, retained, devices)",
        Cell::Int(plan.not_migrating.len() as i64),
        "see the Not migrating sheet",
    )?;
    line(
        sheet,
        &mut row,
        "Move groups",
        Cell::Int(m.move_groups as i64),
        &format!("largest: {} members", m.largest_move_group),
    )?;
    let violation_row = row;
    line(
        sheet,
        &mut row,
        "Hard constraints broken",
        Cell::Int(m.hard_violations as i64),
        "0 for a valid plan; see the Constraints sheet",
    )?;
    line(
        sheet,
        &mut row,
        "Cross-wave dependencies",
        Cell::Int(m.cross_wave_dependencies as i64),
        "links stretched across the WAN between waves",
    )?;
    line(
        sheet,
        &mut row,
        "Hybrid dependencies",
        Cell::Int(m.hybrid_dependencies as i64),
        "links to what stays on premises, for good",
    )?;
    line(sheet, &mut row, "External dependencies", Cell::Int(m.external_dependencies as i64), "")?;
    line(
        sheet,
        &mut row,
        "Total cutover downtime (minutes)",
        Cell::Int(m.downtime_total_minutes as i64),
        "sum over all applications",
    )?;
    line(sheet, &mut row, "Longest cutover downtime (minutes)", Cell::Int(i64::from(m.downtime_longest_minutes)), "")?;
    let windows_row = row;
    line(sheet, &mut row, "Cutovers longer than their window", Cell::Int(m.windows_exceeded as i64), "")?;
    line(
        sheet,
        &mut row,
        "DR coverage before the first wave",
        Cell::Percent(m.dr_coverage_before),
        "share of applications meeting RTO and RPO",
    )?;
    line(sheet, &mut row, "DR coverage after the last wave", Cell::Percent(m.dr_coverage_after), "")?;
    line(sheet, &mut row, "Applications below DR target at the end", Cell::Int(m.dr_gaps_after as i64), "")?;
    line(
        sheet,
        &mut row,
        "DR gap-days",
        Cell::Int(m.dr_gap_days as i64),
        "days below RTO/RPO target, all applications",
    )?;
    line(
        sheet,
        &mut row,
        "Unprotected application-days",
        Cell::Int(m.dr_unprotected_days as i64),
        "cut over before cloud DR is in place",
    )?;
    line(
        sheet,
        &mut row,
        "Every application meets DR targets from",
        m.dr_full_coverage_from.map(Cell::Date).unwrap_or(text("not within the programme")),
        "",
    )?;
    line(
        sheet,
        &mut row,
        "Longest wave critical path (minutes)",
        Cell::Int(m.cutover_critical_path_longest_minutes as i64),
        "the busiest cutover track",
    )?;
    line(
        sheet,
        &mut row,
        "Waves over their cutover window",
        Cell::Int(m.waves_over_cutover_window as i64),
        "on the tracks available",
    )?;
    line(
        sheet,
        &mut row,
        "First replication starts",
        m.replication_first_start.map(Cell::Date).unwrap_or(Cell::Empty),
        "initial copies run ahead of the cutovers",
    )?;
    for (r, bad) in [(violation_row, m.hard_violations > 0), (windows_row, m.windows_exceeded > 0)] {
        if bad {
            sheet.write_number_with_format(
                r,
                1,
                if r == violation_row { m.hard_violations } else { m.windows_exceeded } as f64,
                &s.bad.clone().set_bold(),
            )?;
        }
    }

    section(sheet, &mut row, "Plan settings")?;
    line(sheet, &mut row, "Start of wave 1", Cell::Date(c.start), "")?;
    line(sheet, &mut row, "Days per wave", Cell::Int(i64::from(c.wave_days)), "")?;
    line(
        sheet,
        &mut row,
        "Most servers per wave",
        c.max_servers_per_wave.map(|v| Cell::Int(i64::from(v))).unwrap_or(text("no limit")),
        "",
    )?;
    line(
        sheet,
        &mut row,
        "Most storage per wave (GB)",
        c.max_storage_gb_per_wave.map(Cell::Num).unwrap_or(text("no limit")),
        "",
    )?;
    line(sheet, &mut row, "Applications in the pilot wave", Cell::Int(i64::from(c.pilot_applications)), "")?;
    line(
        sheet,
        &mut row,
        "Coupling threshold",
        Cell::Num(c.coupling_threshold),
        "weaker links in a cycle are left hybrid",
    )?;
    if c.blackouts.is_empty() {
        line(sheet, &mut row, "Blackout periods", text("none"), "")?;
    }
    for b in &c.blackouts {
        line(sheet, &mut row, "Blackout period", text(format!("{} to {}", b.start, b.end)), &b.name)?;
    }

    section(sheet, &mut row, "Downtime assumptions")?;
    let d = &c.downtime;
    for (label, value, note) in [
        ("Bandwidth to the cloud (Mbit/s)", d.bandwidth_mbps, "available for migration"),
        ("Link efficiency", d.link_efficiency, "share that carries data"),
        ("Replication lag (minutes)", d.replication_lag_minutes, "the final delta copies what changed since"),
        ("Server disk change (% per day)", d.server_change_percent_per_day, "when no data store says better"),
        ("Boot and health check (minutes per batch)", d.boot_minutes, ""),
        ("Servers booted at once", f64::from(d.parallel_boots), ""),
        ("DNS, IP and load balancer switch (minutes)", d.network_switch_minutes, ""),
        ("Smoke test (minutes)", d.smoke_test_minutes, ""),
        ("Database dump (GB per hour)", d.dump_gb_per_hour, "offline moves"),
        ("Database restore (GB per hour)", d.restore_gb_per_hour, "offline moves"),
        ("Replica promotion (minutes)", d.replica_promotion_minutes, "online replication"),
        ("Replatform switch (minutes)", d.replatform_switch_minutes, ""),
        ("Blue/green switch (minutes)", d.blue_green_switch_minutes, "refactor"),
        ("Repurchase switch (minutes)", d.repurchase_switch_minutes, ""),
        ("Relocate switch (minutes)", d.relocate_switch_minutes, ""),
    ] {
        line(sheet, &mut row, label, Cell::Num(value), note)?;
    }

    section(sheet, &mut row, "DR assumptions (RTO / RPO, minutes)")?;
    let dr = &c.dr;
    for (label, (rto, rpo)) in [
        ("Backup and restore achieves", dr.backup),
        ("Warm standby achieves", dr.warm_standby),
        ("Active-active achieves", dr.active_active),
        ("Mission-critical target", dr.mission_critical_target),
        ("Business-critical target", dr.business_critical_target),
        ("Business-operational target", dr.business_operational_target),
        ("Administrative target", dr.administrative_target),
    ] {
        line(sheet, &mut row, label, text(format!("{rto} / {rpo}")), "")?;
    }

    let mut warnings = view.blackout_clashes();
    warnings.extend(plan.warnings.iter().cloned());
    if !warnings.is_empty() {
        section(sheet, &mut row, "Warnings")?;
        for w in &warnings {
            put(sheet, s, row, 0, &text(w.clone()), false)?;
            row += 1;
        }
    }
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn waves_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let mut t = TableSheet::new(
        sheet,
        s,
        "Waves",
        &[
            ("Wave", false),
            ("Name", false),
            ("Start", false),
            ("End", false),
            ("Pilot", false),
            ("Applications", false),
            ("Servers", false),
            ("Storage (GB)", false),
            ("Total downtime (min)", false),
            ("Longest downtime (min)", false),
            ("Cutover windows", true),
            ("Blackouts in the wave", true),
            ("Windows exceeded", false),
            ("Application names", true),
            ("Cutover tracks", false),
            ("Critical path (min)", false),
            ("Replication starts", false),
        ],
    )?;
    for w in &view.plan.waves {
        let apps = view.placements_in_wave(w.index);
        let windows: Vec<String> = view
            .window_openings(w.index, &crate::format::Scope::Estate)
            .iter()
            .map(|(at, _, apps)| format!("{} ({} apps)", at.format("%a %d %b %H:%M"), apps.len()))
            .collect();
        let blackouts: Vec<String> = view
            .plan
            .config
            .blackouts
            .iter()
            .filter(|b| b.start <= w.end && w.start <= b.end)
            .map(|b| format!("{} ({} to {})", b.name, b.start, b.end))
            .collect();
        t.row(vec![
            Cell::Int(i64::from(w.index)),
            text(w.name.clone()),
            Cell::Date(w.start),
            Cell::Date(w.end),
            Cell::Yes(w.pilot),
            Cell::Int(w.applications.len() as i64),
            Cell::Int(w.servers.len() as i64),
            Cell::Num(w.storage_gb),
            Cell::Int(w.downtime_minutes as i64),
            Cell::Int(i64::from(w.downtime_longest_minutes)),
            text(windows.join("\n")),
            text(blackouts.join("\n")),
            Cell::Int(apps.iter().filter(|a| a.fits_window == Some(false)).count() as i64),
            text(w.applications.join(", ")),
            Cell::Int(w.schedule.tracks.len() as i64),
            Cell::Int(w.schedule.critical_path_minutes as i64),
            w.schedule.replication_start.map(Cell::Date).unwrap_or(Cell::Empty),
        ])?;
    }
    t.highlight(12, ">0", &s.bad)?;
    t.finish()
}

fn applications_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let mut t = TableSheet::new(
        sheet,
        s,
        "Applications",
        &[
            ("Application", false),
            ("Wave", false),
            ("Move group", false),
            ("Strategy", false),
            ("Tier", false),
            ("Environment", false),
            ("Owner", false),
            ("Servers", false),
            ("Storage (GB)", false),
            ("Maintenance window", false),
            ("Cutover", false),
            ("Window (min)", false),
            ("Downtime (min)", false),
            ("Fits window", false),
            ("Cutover method", false),
            ("Offline copy (GB)", false),
            ("Downtime arithmetic", true),
            ("DR before", false),
            ("DR after", false),
            ("DR meets target before", false),
            ("DR meets target after", false),
            ("Why this wave", true),
            ("Cutover track", false),
            ("Replication starts", false),
            ("Replicated ahead (GB)", false),
        ],
    )?;
    let mut apps: Vec<_> = view.plan.applications.iter().collect();
    apps.sort_by(|a, b| (a.wave, &a.name).cmp(&(b.wave, &b.name)));
    for a in apps {
        let owner = view.app_id(&a.name).and_then(|id| view.estate.application(id).owner.clone());
        let arithmetic: Vec<String> =
            a.downtime.steps.iter().map(|st| format!("{}: {}", st.step, st.arithmetic)).collect();
        t.row(vec![
            text(a.name.clone()),
            Cell::Int(i64::from(a.wave)),
            Cell::Int(i64::from(a.move_group) + 1),
            text(a.strategy.to_string()),
            text(a.tier.to_string()),
            text(a.environment.to_string()),
            opt_text(owner),
            Cell::Int(i64::from(a.servers)),
            Cell::Num(a.storage_gb),
            opt_text(a.maintenance_window.clone()),
            crate::view::cutover_start(a).map(Cell::DateTime).unwrap_or(Cell::Empty),
            view.window_minutes(&a.name).map(|m| Cell::Int(i64::from(m))).unwrap_or(Cell::Empty),
            Cell::Int(i64::from(a.downtime.minutes)),
            a.fits_window.map(Cell::Yes).unwrap_or(text("no window")),
            text(a.downtime.method.clone()),
            Cell::Num(a.downtime.offline_gb),
            text(arithmetic.join("\n")),
            text(a.dr_before.to_string()),
            text(a.dr_after.to_string()),
            Cell::Yes(a.dr_meets_before),
            Cell::Yes(a.dr_meets_after),
            text(a.reasons.join("\n")),
            a.schedule.track.map(|t| Cell::Int(i64::from(t))).unwrap_or(Cell::Empty),
            a.schedule.replication_start.map(Cell::Date).unwrap_or(Cell::Empty),
            Cell::Num(a.schedule.replication_gb),
        ])?;
    }
    t.highlight(13, "=\"no\"", &s.bad)?;
    t.highlight(20, "=\"no\"", &s.warn)?;
    t.finish()
}

fn servers_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let mut t = TableSheet::new(
        sheet,
        s,
        "Servers",
        &[
            ("Server", false),
            ("Wave", false),
            ("Status", false),
            ("Application", false),
            ("Kind", false),
            ("Environment", false),
            ("OS", false),
            ("Cores", false),
            ("Memory (GB)", false),
            ("Disk provisioned (GB)", false),
            ("Disk used (GB)", false),
            ("Site", false),
            ("Datacenter", false),
            ("Cluster", false),
            ("FQDN", false),
            ("IP addresses", false),
        ],
    )?;
    let estate = view.estate;
    let mut ids: Vec<_> = estate.server_ids().collect();
    ids.sort_by_key(|&id| (view.server_side(id), estate.server(id).name.to_lowercase()));
    for id in ids {
        let server = estate.server(id);
        let side = view.server_side(id);
        let status = match side {
            Side::Wave(_) => "migrates".to_string(),
            _ if server.is_device() => "device: stays on premises".into(),
            other => other.label(),
        };
        let os = [server.os_name.as_deref(), server.os_version.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        t.row(vec![
            text(server.name.clone()),
            side.wave().map(|w| Cell::Int(i64::from(w))).unwrap_or(Cell::Empty),
            text(status),
            opt_text(view.app_of_server(id).map(|a| estate.application(a).name.clone())),
            text(server.device_class.clone().unwrap_or_else(|| server.kind().to_string())),
            opt_text(server.environment.map(|e| e.to_string())),
            text(os),
            server.cores.map(|c| Cell::Int(i64::from(c))).unwrap_or(Cell::Empty),
            server.memory_gb.map(Cell::Num).unwrap_or(Cell::Empty),
            server.disk_provisioned_gb.map(Cell::Num).unwrap_or(Cell::Empty),
            server.disk_used_gb.map(Cell::Num).unwrap_or(Cell::Empty),
            opt_text(server.site.clone()),
            opt_text(server.datacenter.clone()),
            opt_text(server.cluster.clone()),
            opt_text(server.fqdn.clone()),
            text(server.ip_addresses.join(", ")),
        ])?;
    }
    t.finish()
}

fn dependencies_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let mut t = TableSheet::new(
        sheet,
        s,
        "Dependencies",
        &[
            ("From", false),
            ("To", false),
            ("From is", false),
            ("To is", false),
            ("From wave", false),
            ("To wave", false),
            ("Port", false),
            ("Protocol", false),
            ("Weight", false),
            ("Kind", false),
            ("Latency sensitive", false),
            ("Infrastructure role", false),
            ("Cross-wave", false),
            ("Hybrid", false),
            ("External", false),
            ("Source", false),
        ],
    )?;
    for row in &view.dependencies {
        let d = &view.estate.dependencies[row.index];
        t.row(vec![
            text(row.from.clone()),
            text(row.to.clone()),
            text(row.from_side.label()),
            text(row.to_side.label()),
            row.from_side.wave().map(|w| Cell::Int(i64::from(w))).unwrap_or(Cell::Empty),
            row.to_side.wave().map(|w| Cell::Int(i64::from(w))).unwrap_or(Cell::Empty),
            d.port.map(|p| Cell::Int(i64::from(p))).unwrap_or(Cell::Empty),
            text(d.protocol.to_string()),
            Cell::Num(d.weight),
            text(d.kind.to_string()),
            Cell::Yes(d.latency_sensitive),
            opt_text(d.infrastructure.clone()),
            Cell::Yes(row.cross_wave),
            Cell::Yes(row.hybrid),
            Cell::Yes(row.external),
            text(d.source.clone()),
        ])?;
    }
    t.highlight(12, "=\"yes\"", &s.bad)?;
    t.highlight(13, "=\"yes\"", &s.warn)?;
    t.finish()
}

fn dr_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let plan = view.plan;
    let tiers: Vec<_> =
        plan.dr_coverage.first().map(|c| c.by_tier.iter().map(|t| t.tier).collect()).unwrap_or_default();
    let mut columns: Vec<(String, bool)> =
        vec![("After wave".into(), false), ("Date".into(), false), ("All applications".into(), false)];
    for tier in &tiers {
        columns.push((format!("{tier} (share)"), false));
        columns.push((format!("{tier} (meeting / of)"), false));
    }
    let columns_ref: Vec<(&str, bool)> = columns.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    let mut t = TableSheet::new(sheet, s, "DR coverage", &columns_ref)?;
    for c in &plan.dr_coverage {
        let date = if c.after_wave == 0 {
            plan.waves.first().map(|w| w.start)
        } else {
            plan.waves.get(c.after_wave as usize - 1).map(|w| w.end)
        };
        let mut cells = vec![
            if c.after_wave == 0 { text("before wave 1") } else { Cell::Int(i64::from(c.after_wave)) },
            date.map(Cell::Date).unwrap_or(Cell::Empty),
            Cell::Percent(c.share),
        ];
        for tier in &c.by_tier {
            cells.push(Cell::Percent(tier.share));
            cells.push(text(format!("{} / {}", tier.meeting, tier.applications)));
        }
        t.row(cells)?;
    }
    let last = t.row - 1;
    if last >= 1 {
        let mut chart = Chart::new(ChartType::Line);
        chart.title().set_name("DR coverage: share of applications meeting RTO and RPO");
        let series_cols: Vec<u16> = std::iter::once(2).chain((0..tiers.len()).map(|i| 3 + 2 * i as u16)).collect();
        for col in series_cols {
            chart
                .add_series()
                .set_name(("DR coverage", 0, col))
                .set_categories(("DR coverage", 1, 0, last, 0))
                .set_values(("DR coverage", 1, col, last, col));
        }
        chart.y_axis().set_num_format("0%").set_min(0).set_max(1);
        chart.x_axis().set_name("after wave");
        t.sheet.insert_chart(last + 2, 0, &chart)?;
    }
    t.finish()
}

fn constraints_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let estate = view.estate;
    let plan = view.plan;
    let mut t = TableSheet::new(
        sheet,
        s,
        "Constraints",
        &[
            ("Constraint", false),
            ("Applications", false),
            ("Value", false),
            ("Reason", true),
            ("Status", false),
            ("Violation", true),
        ],
    )?;
    let name = |a: waveplan_core::AppId| estate.application(a).name.clone();
    let mut matched = vec![false; plan.violations.len()];
    for constraint in &estate.constraints {
        let (kind, apps, value, reason) = match constraint {
            Constraint::MoveTogether { apps, reason } => {
                (Kind::MoveTogether, apps.iter().map(|&a| name(a)).collect::<Vec<_>>(), String::new(), reason)
            }
            Constraint::KeepApart { a, b, reason } => {
                (Kind::KeepApart, vec![name(*a), name(*b)], String::new(), reason)
            }
            Constraint::Before { first, then, reason } => {
                (Kind::Before, vec![name(*first), name(*then)], String::new(), reason)
            }
            Constraint::PinWave { app, wave, reason } => {
                (Kind::PinWave, vec![name(*app)], format!("wave {wave}"), reason)
            }
            Constraint::NotBefore { app, date, reason } => {
                (Kind::NotBefore, vec![name(*app)], date.to_string(), reason)
            }
            Constraint::NotAfter { app, date, reason } => (Kind::NotAfter, vec![name(*app)], date.to_string(), reason),
        };
        let broken = violations_of(&plan.violations, kind, &apps);
        for &i in &broken {
            matched[i] = true;
        }
        t.row(vec![
            text(kind.as_str()),
            text(apps.join(", ")),
            text(value),
            opt_text(reason.clone()),
            text(if broken.is_empty() { "kept" } else { "broken" }),
            text(broken.iter().map(|&i| plan.violations[i].message.clone()).collect::<Vec<_>>().join("\n")),
        ])?;
    }
    for (_, v) in plan.violations.iter().enumerate().filter(|(i, _)| !matched[*i]) {
        t.row(vec![
            text(v.kind.as_str()),
            Cell::Empty,
            Cell::Empty,
            text("a rule of the planner"),
            text("broken"),
            text(v.message.clone()),
        ])?;
    }
    t.highlight(4, "=\"broken\"", &s.bad)?;
    t.finish()
}

/// The violations (indices) that break the estate constraint of `kind` over
/// `apps`: of that kind and concerning every one of its applications, read
/// from the violations' typed applications, never from their messages.
fn violations_of(violations: &[Violation], kind: Kind, apps: &[String]) -> Vec<usize> {
    violations
        .iter()
        .enumerate()
        .filter(|(_, v)| v.kind == kind && apps.iter().all(|a| v.concerns(a)))
        .map(|(i, _)| i)
        .collect()
}

fn runbook_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let mut t = TableSheet::new(
        sheet,
        s,
        "Runbook",
        &[
            ("Wave", false),
            ("Application", false),
            ("Step", false),
            ("What happens", false),
            ("Planned start", false),
            ("Planned end", false),
            ("Minutes", false),
            ("Arithmetic", true),
            ("Owner", false),
            ("Track", false),
            ("Done", false),
            ("Notes", false),
        ],
    )?;
    for step in view.runbook() {
        let owner = view.app_id(&step.app.name).and_then(|id| view.estate.application(id).owner.clone());
        t.row(vec![
            Cell::Int(i64::from(step.app.wave)),
            text(step.app.name.clone()),
            Cell::Int(step.number as i64),
            text(step.step),
            step.start.map(Cell::DateTime).unwrap_or(Cell::Empty),
            step.end.map(Cell::DateTime).unwrap_or(Cell::Empty),
            Cell::Num(step.minutes),
            text(step.arithmetic),
            opt_text(owner),
            step.app.schedule.track.map(|t| Cell::Int(i64::from(t))).unwrap_or(Cell::Empty),
            Cell::Empty,
            Cell::Empty,
        ])?;
    }
    t.finish()
}

fn not_migrating_sheet(sheet: &mut Worksheet, s: &Styles, view: &PlanView<'_>) -> Result<(), ExportError> {
    let mut t = TableSheet::new(sheet, s, "Not migrating", &[("Name", false), ("Kind", false), ("Why", false)])?;
    for n in &view.plan.not_migrating {
        t.row(vec![text(n.name.clone()), text(n.kind.clone()), text(n.reason.clone())])?;
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(13), "N");
    }

    #[test]
    fn a_constraint_is_broken_by_the_violations_that_concern_its_applications_not_those_that_name_them() {
        let violation = |kind, message: &str, apps: &[&str]| {
            Violation::new(kind, message.into(), apps.iter().map(|a| a.to_string()).collect(), vec![0])
        };
        let violations = [
            // Names 'LIS' and 'PACS' in words, but concerns EHR and PACS only.
            violation(Kind::KeepApart, "'EHR' and 'PACS' must be kept apart (as 'LIS' is)", &["EHR", "PACS"]),
            violation(Kind::KeepApart, "kept apart but both move in wave 2", &["LIS", "PACS"]),
            violation(Kind::Before, "'LIS' (wave 3) must move before 'PACS' (wave 2)", &["LIS", "PACS"]),
        ];
        let apps = ["LIS".to_string(), "PACS".to_string()];
        assert_eq!(violations_of(&violations, Kind::KeepApart, &apps), [1]);
        assert_eq!(violations_of(&violations, Kind::Before, &apps), [2]);
        assert_eq!(violations_of(&violations, Kind::PinWave, &apps[..1]), Vec::<usize>::new());
    }
}
