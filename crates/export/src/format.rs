//! The one entry point the CLI and the desktop app call: a [`Format`], the
//! [`Options`] that shape it, and [`write`] (every format as one stream of
//! bytes) or [`files`] (formats that are naturally several files, as files).
//!
//! Nothing here chooses a path or opens a file: the caller hands a writer
//! and puts the bytes where the user asked, atomically.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use waveplan_core::{Estate, Plan};

use crate::ExportError;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Excel workbook: summary, waves, applications, servers, dependencies, DR, constraints, runbook.
    Xlsx,
    /// One self-contained HTML report that prints well to PDF.
    Html,
    /// The HTML report printed to PDF by headless Chromium.
    Pdf,
    /// One CSV file per table (a folder from [`files`], a zip from [`write`]).
    Csv,
    /// The whole plan as JSON (`docs/plan-json.md`, `docs/plan.schema.json`).
    Json,
    /// AWS Cloud Migration Factory intake form (CSV).
    Cmf,
    /// draw.io / diagrams.net diagram.
    Drawio,
    /// Mermaid flowchart.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// GraphML (yEd, Gephi, Cytoscape).
    Graphml,
    /// iCalendar: the cutover calendar with blackouts.
    Ics,
    /// Jira CSV import: one epic per wave, one task per application cutover.
    JiraCsv,
}

impl Format {
    /// Every format, in the order menus show them.
    pub const ALL: &'static [Format] = &[
        Format::Xlsx,
        Format::Html,
        Format::Pdf,
        Format::Csv,
        Format::Json,
        Format::Cmf,
        Format::Drawio,
        Format::Mermaid,
        Format::Dot,
        Format::Graphml,
        Format::Ics,
        Format::JiraCsv,
    ];

    /// The id the command line and the desktop app use (`jira-csv`).
    pub fn id(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Cmf => "cmf",
            Format::Drawio => "drawio",
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Graphml => "graphml",
            Format::Ics => "ics",
            Format::JiraCsv => "jira-csv",
        }
    }

    /// The format of an id, as [`Format::id`] spells it.
    pub fn parse(id: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.id().eq_ignore_ascii_case(id.trim()))
    }

    /// The usual file name extension of what [`write`] produces, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Csv => "zip",
            Format::Json => "json",
            Format::Cmf | Format::JiraCsv => "csv",
            Format::Drawio => "drawio",
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Graphml => "graphml",
            Format::Ics => "ics",
        }
    }

    /// The media type of what [`write`] produces.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html",
            Format::Pdf => "application/pdf",
            Format::Csv => "application/zip",
            Format::Json => "application/json",
            Format::Cmf | Format::JiraCsv => "text/csv",
            Format::Drawio | Format::Graphml => "application/xml",
            Format::Mermaid | Format::Dot => "text/plain",
            Format::Ics => "text/calendar",
        }
    }

    /// What it is, in a sentence for a menu or `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Format::Xlsx => {
                "Excel workbook: summary, waves, applications, servers, dependencies, DR, constraints, runbook"
            }
            Format::Html => {
                "one self-contained HTML report (executive summary, Gantt, DR chart, diagrams), prints to PDF"
            }
            Format::Pdf => "the HTML report as PDF, printed by headless Chromium",
            Format::Csv => "one CSV file per table, in a folder (or a .zip)",
            Format::Json => "the whole plan as JSON (docs/plan-json.md)",
            Format::Cmf => "AWS Cloud Migration Factory intake form",
            Format::Drawio => "dependency diagram for draw.io / diagrams.net",
            Format::Mermaid => "dependency diagram as a Mermaid flowchart",
            Format::Dot => "dependency diagram as Graphviz DOT",
            Format::Graphml => "dependency diagram as GraphML (yEd, Gephi)",
            Format::Ics => "cutover calendar (iCalendar) with blackout periods",
            Format::JiraCsv => "runbook for Jira's CSV import: one epic per wave, one task per cutover",
        }
    }

    /// Whether it carries [`Options::audit`], the project's audit trail, as
    /// an appendix: the workbook's last sheet, the report's last section.
    pub fn carries_audit(self) -> bool {
        matches!(self, Format::Xlsx | Format::Html | Format::Pdf)
    }

    /// Whether [`Options::scope`] narrows the export (diagrams and runbook formats).
    pub fn takes_scope(self) -> bool {
        matches!(
            self,
            Format::Drawio
                | Format::Mermaid
                | Format::Dot
                | Format::Graphml
                | Format::Cmf
                | Format::Ics
                | Format::JiraCsv
        )
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// What part of the plan an export covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    #[default]
    Estate,
    /// One application (by name) and what it talks to.
    Application(String),
    /// One wave (1-based) and what it talks to.
    Wave(u32),
}

/// How a diagram clusters its nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// One cluster per wave.
    #[default]
    Wave,
    /// One cluster per move group.
    MoveGroup,
}

/// What shapes an export beyond the estate and the plan.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The part of the plan (diagrams and runbook formats only).
    pub scope: Scope,
    /// How diagrams cluster nodes.
    pub group_by: GroupBy,
    /// The estate's or client's name, for titles ("Aldhelm Community Hospital").
    pub title: Option<String>,
    /// The scenario's name, shown on reports.
    pub scenario: Option<String>,
    /// The project's identifier (the store's `Project::project_id`, made
    /// once when the project file is created): the calendar's event UIDs are
    /// built on it, so they stay the same across re-plans of the project and
    /// never meet another project's. `None` builds them on the title instead.
    pub project_id: Option<String>,
    /// When the export is made, local time (the clock is the caller's): shown
    /// on reports, the ICS `DTSTAMP`, and the ICS `SEQUENCE` (minutes since
    /// 2020, so a later export's events replace an earlier one's). `None`
    /// uses the plan's start.
    pub generated_at: Option<NaiveDateTime>,
    /// AWS region for the CMF intake form (`aws_region`).
    pub aws_region: Option<String>,
    /// AWS account id for the CMF intake form (`aws_accountid`).
    pub aws_account_id: Option<String>,
    /// The browser that prints PDFs; `None` looks for Chromium or Chrome on PATH.
    pub browser: Option<PathBuf>,
    /// The project's audit trail, as the last sheet of the workbook and the
    /// last section of the report (HTML and PDF); `None` leaves it out.
    /// The other formats do not carry it.
    pub audit: Option<crate::AuditAppendix>,
}

/// One file of a multi-file export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// File name, no directory (`waves.csv`).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Writes `format` of the plan into `out`. CSV tables come as one zip archive.
pub fn write(
    format: Format,
    estate: &Estate,
    plan: &Plan,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    check_scope(format, plan, estate, options)?;
    match format {
        Format::Xlsx => crate::xlsx::write_workbook(estate, plan, options, out),
        Format::Html => crate::html::write_report(estate, plan, options, out),
        Format::Pdf => {
            let mut html = Vec::new();
            crate::html::write_report(estate, plan, options, &mut html)?;
            let pdf = crate::pdf::print_html(&html, options.browser.as_deref())?;
            out.write_all(&pdf)?;
            Ok(())
        }
        Format::Csv => crate::table::write_zip(&crate::table::plan_tables(estate, plan)?, out),
        Format::Json => crate::json::write_plan_json(plan, out),
        Format::Cmf => crate::cmf::write_intake_form(estate, plan, options, out),
        Format::Drawio | Format::Mermaid | Format::Dot | Format::Graphml => {
            let mut diagram = crate::diagram::Diagram::build(estate, plan, &options.scope, options.group_by)?;
            // A drawing of thousands of boxes helps no one and no layout
            // engine finishes it; GraphML is data for graph tools, kept whole.
            if format != Format::Graphml && diagram.too_big_to_draw() {
                diagram = diagram.by_cluster();
            }
            match format {
                Format::Drawio => crate::drawio::write(&diagram, out),
                Format::Mermaid => crate::mermaid::write(&diagram, out),
                Format::Dot => crate::dot::write(&diagram, out),
                _ => crate::graphml::write(&diagram, out),
            }
        }
        Format::Ics => crate::ics::write_calendar(estate, plan, options, out),
        Format::JiraCsv => crate::jira::write_issues(estate, plan, options, out),
    }
}

/// What an export leaves out, or draws otherwise than asked, in words for
/// the person who exports it (the command prints them, the app shows them).
pub fn notes(format: Format, estate: &Estate, plan: &Plan, options: &Options) -> Result<Vec<String>, ExportError> {
    let mut notes = Vec::new();
    match format {
        Format::Cmf => {
            let left = crate::cmf::left_out(estate, plan);
            if !left.is_empty() {
                notes.push(format!(
                    "{} planned servers are not in the intake form: CMF's default schema takes Windows and Linux only ({}); the workbook and the report list them",
                    left.len(),
                    left.join(", ")
                ));
            }
            let missing = crate::cmf::missing_placement(options);
            if !missing.is_empty() {
                notes.push(format!(
                    "{} empty on every row: CMF requires them and refuses the rows until they are filled in (the command's --aws-account and --aws-region set them)",
                    missing.join(" and ")
                ));
            }
        }
        Format::Drawio | Format::Mermaid | Format::Dot => {
            let diagram = crate::diagram::Diagram::build(estate, plan, &options.scope, options.group_by)?;
            if diagram.too_big_to_draw() {
                notes.push(format!(
                    "the diagram has {} nodes, more than {} can be drawn one by one: it shows each wave as one box with the links between waves added up; export one wave or one application for its detail, or GraphML for every node",
                    diagram.nodes.len(),
                    crate::diagram::DRAWABLE_NODES
                ));
            }
        }
        _ => {}
    }
    Ok(notes)
}

/// The export as files: the CSV tables one file each, any other format one
/// file named `plan.EXT`.
pub fn files(format: Format, estate: &Estate, plan: &Plan, options: &Options) -> Result<Vec<ExportFile>, ExportError> {
    if format == Format::Csv {
        check_scope(format, plan, estate, options)?;
        return Ok(crate::table::plan_tables(estate, plan)?
            .into_iter()
            .map(|(name, bytes)| ExportFile { name: name.to_string(), bytes })
            .collect());
    }
    let mut bytes = Vec::new();
    write(format, estate, plan, options, &mut bytes)?;
    Ok(vec![ExportFile { name: format!("plan.{}", format.extension()), bytes }])
}

fn check_scope(format: Format, plan: &Plan, estate: &Estate, options: &Options) -> Result<(), ExportError> {
    match &options.scope {
        Scope::Estate => Ok(()),
        _ if !format.takes_scope() => Err(ExportError::ScopeNotSupported { format: format.id() }),
        Scope::Application(name) => {
            if estate.applications.iter().any(|a| a.name == *name) {
                Ok(())
            } else {
                Err(ExportError::NoSuchApplication(name.clone()))
            }
        }
        &Scope::Wave(wave) => {
            if wave >= 1 && (wave as usize) <= plan.waves.len() {
                Ok(())
            } else {
                Err(ExportError::NoSuchWave { wave, waves: plan.waves.len() as u32 })
            }
        }
    }
}

/// Whether an application placement is in the scope (an application
/// scope covers that application only, a wave scope the wave's).
pub(crate) fn placement_in_scope(scope: &Scope, app: &waveplan_core::plan::Placement) -> bool {
    match scope {
        Scope::Estate => true,
        Scope::Application(name) => app.name == *name,
        Scope::Wave(w) => app.wave == *w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back() {
        for &f in Format::ALL {
            assert_eq!(Format::parse(f.id()), Some(f));
        }
        assert_eq!(Format::parse("JIRA-CSV"), Some(Format::JiraCsv));
        assert_eq!(Format::parse("docx"), None);
    }
}
