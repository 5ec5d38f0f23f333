//! The plan as CSV tables, one file per table: what a planner opens in a
//! spreadsheet or loads into another tool.
//!
//! Every cell that holds inventory text is neutralised against spreadsheet
//! formula injection (OWASP "CSV injection"): a value that begins with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless it is a
//! real number. So does every part of a value that follows a `,` or a `;`:
//! a spreadsheet set to a `;` locale opens a comma-separated file split at
//! the semicolons (and the other way round), and such a part then starts a
//! cell of its own.

use std::io::Write;

use waveplan_core::{Estate, Plan};

use crate::ExportError;
use crate::view::PlanView;

/// Whether a spreadsheet would read this text as a formula: it begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return and is not a real number.
pub fn is_formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

/// The characters a spreadsheet may split a CSV line at: the file's own
/// separator, or the other one when the reader's locale differs.
const SEPARATORS: [char; 2] = [',', ';'];

/// Makes a cell safe to open in a spreadsheet, whichever of `,` and `;` the
/// spreadsheet splits lines at: the cell, and every part of it after a `,`
/// or `;`, gets a `'` in front when it is formula-like.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let part_is_formula_like = |after: &str| is_formula_like(after.split(SEPARATORS).next().unwrap_or(""));
    let live_parts = cell.match_indices(SEPARATORS).any(|(at, sep)| part_is_formula_like(&cell[at + sep.len()..]));
    if !live_parts && !is_formula_like(cell) {
        return std::borrow::Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len() + 4);
    if is_formula_like(cell) {
        out.push('\'');
    }
    for (at, c) in cell.char_indices() {
        out.push(c);
        if SEPARATORS.contains(&c) && part_is_formula_like(&cell[at + c.len_utf8()..]) {
            out.push('\'');
        }
    }
    std::borrow::Cow::Owned(out)
}

struct Table {
    writer: csv::Writer<Vec<u8>>,
}

impl Table {
    fn new(header: &[&str]) -> Result<Table, ExportError> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(header)?;
        Ok(Table { writer })
    }

    fn row<I, S>(&mut self, cells: I) -> Result<(), ExportError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| neutralize(c.as_ref()).into_owned()).collect();
        self.writer.write_record(&cells)?;
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, ExportError> {
        self.writer.into_inner().map_err(|e| ExportError::Io(e.into_error()))
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The plan's tables: `(file name, CSV bytes)`, in a fixed order.
pub fn plan_tables(estate: &Estate, plan: &Plan) -> Result<Vec<(&'static str, Vec<u8>)>, ExportError> {
    let mut tables = Vec::new();

    let mut waves = Table::new(&[
        "wave",
        "name",
        "start",
        "end",
        "pilot",
        "applications",
        "servers",
        "storage_gb",
        "downtime_total_minutes",
        "downtime_longest_minutes",
    ])?;
    for w in &plan.waves {
        waves.row([
            w.index.to_string(),
            w.name.clone(),
            w.start.to_string(),
            w.end.to_string(),
            w.pilot.to_string(),
            w.applications.len().to_string(),
            w.servers.len().to_string(),
            format!("{:.1}", w.storage_gb),
            w.downtime_minutes.to_string(),
            w.downtime_longest_minutes.to_string(),
        ])?;
    }
    tables.push(("waves.csv", waves.finish()?));

    let mut apps = Table::new(&[
        "application",
        "wave",
        "move_group",
        "strategy",
        "tier",
        "environment",
        "servers",
        "storage_gb",
        "maintenance_window",
        "cutover",
        "downtime_minutes",
        "fits_window",
        "downtime_method",
        "dr_before",
        "dr_after",
        "dr_meets_before",
        "dr_meets_after",
        "reasons",
    ])?;
    let mut steps = Table::new(&["application", "wave", "step", "minutes", "arithmetic"])?;
    for a in &plan.applications {
        apps.row([
            a.name.clone(),
            a.wave.to_string(),
            a.move_group.to_string(),
            a.strategy.to_string(),
            a.tier.to_string(),
            a.environment.to_string(),
            a.servers.to_string(),
            format!("{:.1}", a.storage_gb),
            opt(a.maintenance_window.as_ref()),
            opt(crate::view::cutover_start(a).map(|c| c.format("%Y-%m-%d %H:%M"))),
            a.downtime.minutes.to_string(),
            opt(a.fits_window),
            a.downtime.method.clone(),
            a.dr_before.to_string(),
            a.dr_after.to_string(),
            a.dr_meets_before.to_string(),
            a.dr_meets_after.to_string(),
            a.reasons.join("; "),
        ])?;
        for s in &a.downtime.steps {
            steps.row([
                a.name.clone(),
                a.wave.to_string(),
                s.step.clone(),
                format!("{:.1}", s.minutes),
                s.arithmetic.clone(),
            ])?;
        }
    }
    tables.push(("applications.csv", apps.finish()?));
    tables.push(("downtime_steps.csv", steps.finish()?));

    let view = PlanView::new(estate, plan);
    let mut servers =
        Table::new(&["server", "wave", "application", "environment", "os", "cores", "memory_gb", "storage_gb"])?;
    for w in &plan.waves {
        for s in &w.servers {
            let found = view.server_id(s);
            let server = found.map(|id| estate.server(id));
            servers.row([
                s.clone(),
                w.index.to_string(),
                opt(found.and_then(|id| view.app_of_server(id)).map(|a| estate.application(a).name.clone())),
                opt(server.and_then(|x| x.environment)),
                opt(server.and_then(|x| x.os_name.clone())),
                opt(server.and_then(|x| x.cores)),
                opt(server.and_then(|x| x.memory_gb)),
                server.map(|x| format!("{:.1}", x.storage_gb())).unwrap_or_default(),
            ])?;
        }
    }
    tables.push(("servers.csv", servers.finish()?));

    let mut staying = Table::new(&["name", "kind", "reason"])?;
    for n in &plan.not_migrating {
        staying.row([&n.name, &n.kind, &n.reason])?;
    }
    tables.push(("not_migrating.csv", staying.finish()?));

    let mut deps =
        Table::new(&["from", "to", "port", "protocol", "weight", "from_wave", "to_wave", "cross_wave", "hybrid"])?;
    for row in &view.dependencies {
        let d = &estate.dependencies[row.index];
        deps.row([
            row.from.clone(),
            row.to.clone(),
            opt(d.port),
            d.protocol.to_string(),
            d.weight.to_string(),
            opt(row.from_side.wave()),
            opt(row.to_side.wave()),
            row.cross_wave.to_string(),
            row.hybrid.to_string(),
        ])?;
    }
    tables.push(("dependencies.csv", deps.finish()?));

    let mut runbook = Table::new(&[
        "wave",
        "application",
        "step_number",
        "step",
        "planned_start",
        "planned_end",
        "minutes",
        "arithmetic",
        "track",
    ])?;
    for step in view.runbook() {
        runbook.row([
            step.app.wave.to_string(),
            step.app.name.clone(),
            step.number.to_string(),
            step.step.to_string(),
            opt(step.start.map(|t| t.format("%Y-%m-%d %H:%M"))),
            opt(step.end.map(|t| t.format("%Y-%m-%d %H:%M"))),
            format!("{:.1}", step.minutes),
            step.arithmetic.to_string(),
            opt(step.app.schedule.track),
        ])?;
    }
    tables.push(("runbook.csv", runbook.finish()?));

    let mut dr = Table::new(&["after_wave", "tier", "applications", "meeting", "share"])?;
    for c in &plan.dr_coverage {
        for t in &c.by_tier {
            dr.row([
                c.after_wave.to_string(),
                t.tier.to_string(),
                t.applications.to_string(),
                t.meeting.to_string(),
                format!("{:.3}", t.share),
            ])?;
        }
    }
    tables.push(("dr_coverage.csv", dr.finish()?));

    let mut violations = Table::new(&["constraint", "message"])?;
    for v in &plan.violations {
        violations.row([v.kind.as_str(), v.message.as_str()])?;
    }
    tables.push(("violations.csv", violations.finish()?));
    Ok(tables)
}

/// Writes tables (as [`plan_tables`] returns them) into one zip archive.
pub fn write_zip(tables: &[(&'static str, Vec<u8>)], out: &mut dyn Write) -> Result<(), ExportError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in tables {
        zip.start_file(*name, options)?;
        zip.write_all(bytes)?;
    }
    out.write_all(&zip.finish()?.into_inner())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralizes_formulas_but_keeps_numbers() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("+cmd"), "'+cmd");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("-12.5"), "-12.5");
        assert_eq!(neutralize("web01"), "web01");
    }

    #[test]
    fn neutralizes_what_follows_either_separator() {
        // Opened split at `;`, "a;=cmd()" would be two cells, the second a formula.
        assert_eq!(neutralize("a;=cmd()"), "a;'=cmd()");
        assert_eq!(neutralize("a,@SUM(1)"), "a,'@SUM(1)");
        assert_eq!(neutralize("=x;+y"), "'=x;'+y");
        assert_eq!(neutralize("owner=-1+1;env=prod"), "owner=-1+1;env=prod", "a tag list is left alone");
        assert_eq!(neutralize("1;-2,3"), "1;-2,3", "numbers are not formulas");
        assert_eq!(neutralize("a, -b"), "a, -b", "a space in front makes text");
    }
}
