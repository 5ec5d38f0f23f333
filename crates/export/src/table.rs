//! The plan as CSV tables, one file per table: what a planner opens in a
//! spreadsheet or loads into another tool.
//!
//! Every cell that holds inventory text is neutralised against spreadsheet
//! formula injection (OWASP "CSV injection"): a value that begins with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless it is a
//! real number.

use std::collections::HashMap;

use waveplan_core::{Endpoint, Estate, Plan};

use crate::ExportError;

/// Makes a cell safe to open in a spreadsheet.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
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
            opt(a.cutover.map(|c| c.format("%Y-%m-%d %H:%M"))),
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

    let mut server_wave: HashMap<&str, u32> = HashMap::new();
    let mut servers = Table::new(&["server", "wave"])?;
    for w in &plan.waves {
        for s in &w.servers {
            server_wave.insert(s, w.index);
            servers.row([s.as_str(), &w.index.to_string()])?;
        }
    }
    tables.push(("servers.csv", servers.finish()?));

    let mut staying = Table::new(&["name", "kind", "reason"])?;
    for n in &plan.not_migrating {
        staying.row([&n.name, &n.kind, &n.reason])?;
    }
    tables.push(("not_migrating.csv", staying.finish()?));

    let app_wave: HashMap<&str, u32> = plan.applications.iter().map(|a| (a.name.as_str(), a.wave)).collect();
    let staying_names: HashMap<&str, &str> =
        plan.not_migrating.iter().map(|n| (n.name.as_str(), n.kind.as_str())).collect();
    let mut deps =
        Table::new(&["from", "to", "port", "protocol", "weight", "from_wave", "to_wave", "cross_wave", "hybrid"])?;
    let wave_of = |endpoint: Endpoint| -> Option<u32> {
        let name = estate.endpoint_name(endpoint);
        match endpoint {
            Endpoint::Server(_) => server_wave.get(name).copied(),
            Endpoint::Application(_) => app_wave.get(name).copied(),
            Endpoint::DataStore(id) => {
                estate.datastore(id).server.and_then(|s| server_wave.get(estate.server(s).name.as_str()).copied())
            }
            Endpoint::External(_) => None,
        }
    };
    for d in &estate.dependencies {
        let (from, to) = (wave_of(d.from), wave_of(d.to));
        let stays =
            |e: Endpoint| matches!(e, Endpoint::External(_)) || staying_names.contains_key(estate.endpoint_name(e));
        let hybrid = from.is_some() != to.is_some() && (stays(d.from) || stays(d.to));
        deps.row([
            estate.endpoint_name(d.from).to_string(),
            estate.endpoint_name(d.to).to_string(),
            opt(d.port),
            d.protocol.to_string(),
            d.weight.to_string(),
            opt(from),
            opt(to),
            matches!((from, to), (Some(a), Some(b)) if a != b).to_string(),
            hybrid.to_string(),
        ])?;
    }
    tables.push(("dependencies.csv", deps.finish()?));

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
        violations.row([&v.constraint, &v.message])?;
    }
    tables.push(("violations.csv", violations.finish()?));
    Ok(tables)
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
}
