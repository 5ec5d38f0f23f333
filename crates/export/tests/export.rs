//! Every export format, as its recipient's tool reads it: the workbook read
//! back with calamine, the JSON validated against docs/plan.schema.json, the
//! calendar parsed with an iCalendar parser, the CSV tables re-read; golden
//! files for the text formats; and attack payloads in every format.

mod util;

use std::collections::HashSet;
use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use waveplan_export::{Format, GroupBy, Options, Scope};

use util::*;

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("text formats are UTF-8")
}

fn workbook(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("calamine reads the workbook")
}

/// The text of a cell the way a person reads it.
fn cell_text(data: &Data) -> String {
    match data {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_format_exports_the_hospital() {
    let (estate, plan) = hospital();
    assert_eq!(plan.metrics.hard_violations, 0);
    for &format in Format::ALL {
        if format == Format::Pdf && waveplan_export::pdf::find_browser().is_none() {
            continue; // printed in tests/chromium.rs, which insists on a browser in CI
        }
        let bytes = export(format, &estate, &plan, &options());
        assert!(bytes.len() > 1000, "{format}: {} bytes", bytes.len());
    }
}

#[test]
fn workbook_reads_back_with_real_dates_numbers_and_every_sheet() {
    let (estate, plan) = hospital();
    let mut book = workbook(export(Format::Xlsx, &estate, &plan, &options()));
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Waves",
            "Applications",
            "Servers",
            "Dependencies",
            "DR coverage",
            "Constraints",
            "Runbook",
            "Not migrating"
        ]
    );
    let waves = book.worksheet_range("Waves").unwrap();
    let header: Vec<String> = waves.rows().next().unwrap().iter().map(cell_text).collect();
    assert_eq!(&header[..4], ["Wave", "Name", "Start", "End"]);
    assert_eq!(waves.height() - 1, plan.waves.len());
    for (row, wave) in waves.rows().skip(1).zip(&plan.waves) {
        assert_eq!(row[0], Data::Float(f64::from(wave.index)), "wave numbers are numbers");
        let Data::DateTime(start) = &row[2] else { panic!("start is a date, not {:?}", row[2]) };
        assert_eq!(start.as_datetime().unwrap().date(), wave.start);
        assert_eq!(row[6], Data::Float(wave.servers.len() as f64));
    }

    let apps = book.worksheet_range("Applications").unwrap();
    assert_eq!(apps.height() - 1, plan.applications.len());
    let header: Vec<String> = apps.rows().next().unwrap().iter().map(cell_text).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let file_services = apps.rows().find(|r| cell_text(&r[0]) == "File Services").unwrap();
    assert_eq!(cell_text(&file_services[col("Fits window")]), "no");
    assert!(
        cell_text(&file_services[col("Downtime arithmetic")]).contains("Mbit/GB"),
        "the arithmetic is in the workbook"
    );
    assert!(matches!(file_services[col("Cutover")], Data::DateTime(_)));

    let runbook = book.worksheet_range("Runbook").unwrap();
    let steps: usize = plan.applications.iter().map(|a| a.downtime.steps.len()).sum();
    assert_eq!(runbook.height() - 1, steps, "one row per cutover step");

    let deps = book.worksheet_range("Dependencies").unwrap();
    assert_eq!(deps.height() - 1, estate.dependencies.len());
    let cross = deps.rows().skip(1).filter(|r| cell_text(&r[12]) == "yes").count();
    assert!(cross > 0);

    // Frozen header and filter on every table sheet; the violation colours exist.
    let zip_text = |bytes: &[u8], name: &str| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let bytes = export(Format::Xlsx, &estate, &plan, &options());
    for sheet in 2..=9 {
        let xml = zip_text(&bytes, &format!("xl/worksheets/sheet{sheet}.xml"));
        assert!(xml.contains(r#"state="frozen""#) && xml.contains("<autoFilter"), "sheet {sheet}");
    }
    assert!(zip_text(&bytes, "xl/worksheets/sheet3.xml").contains("<conditionalFormatting"));
}

#[test]
fn json_validates_against_the_schema_in_the_repository() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/plan.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    for (estate, plan) in [hospital(), hostile()] {
        let document: serde_json::Value =
            serde_json::from_slice(&export(Format::Json, &estate, &plan, &options())).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&document).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let back: waveplan_core::Plan = serde_json::from_value(document).unwrap();
        assert_eq!(back, plan, "the JSON is the whole plan");
    }
    // The schema is not a rubber stamp.
    let broken = serde_json::json!({ "waves": "three" });
    assert!(!validator.is_valid(&broken));
}

#[test]
fn calendar_parses_with_one_event_per_cutover_window_and_blackouts_busy() {
    let (estate, plan) = hospital();
    let ics = export(Format::Ics, &estate, &plan, &options());
    let text = text(&ics);
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line:?}");
    }
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("an iCalendar parser reads it");
    let events: Vec<_> = calendar.components.iter().filter(|c| c.name == "VEVENT").collect();
    let value = |c: &icalendar::parser::Component<'_>, name: &str| {
        c.properties.iter().find(|p| p.name == name).map(|p| p.val.to_string())
    };
    let uids: HashSet<String> = events.iter().filter_map(|e| value(e, "UID")).collect();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    let cutovers: Vec<_> = events.iter().filter(|e| value(e, "CATEGORIES").as_deref() == Some("Cutover")).collect();
    // Every scheduled cutover is in exactly one event, and inside it.
    let time = |e: &icalendar::parser::Component<'_>, name: &str| {
        chrono::NaiveDateTime::parse_from_str(&value(e, name).unwrap(), "%Y%m%dT%H%M%S").unwrap()
    };
    for app in plan.applications.iter().filter(|a| a.cutover.is_some()) {
        let at = app.cutover.unwrap();
        let holding: Vec<_> = cutovers
            .iter()
            .filter(|e| {
                value(e, "DESCRIPTION").is_some_and(|d| d.contains(&format!(": {}: ", app.name.replace(',', "\\,"))))
            })
            .collect();
        assert_eq!(holding.len(), 1, "{} is in one cutover event", app.name);
        assert!(time(holding[0], "DTSTART") <= at && at < time(holding[0], "DTEND"), "{} inside its window", app.name);
    }
    let per_window: HashSet<String> = cutovers.iter().filter_map(|e| value(e, "DTSTART")).collect();
    assert!(per_window.len() < plan.applications.len(), "applications that share a window share its event");
    let blackout = events
        .iter()
        .find(|e| value(e, "CATEGORIES").as_deref() == Some("Blackout"))
        .expect("the blackout is in the calendar");
    assert_eq!(value(blackout, "TRANSP").as_deref(), Some("OPAQUE"));
    assert_eq!(value(blackout, "DTEND").as_deref(), Some("20270322"), "all-day end is exclusive");
    let count = events.len();
    let typed: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded).unwrap().into();
    assert_eq!(typed.events().count(), count);
}

#[test]
fn csv_tables_re_read_as_written() {
    let (estate, plan) = hospital();
    let files = waveplan_export::files(Format::Csv, &estate, &plan, &options()).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"waves.csv") && names.contains(&"runbook.csv") && names.contains(&"dependencies.csv"));
    for file in &files {
        let mut reader = csv::Reader::from_reader(file.bytes.as_slice());
        let width = reader.headers().unwrap().len();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(rows.iter().all(|r| r.len() == width), "{}", file.name);
        if file.name == "waves.csv" {
            assert_eq!(rows.len(), plan.waves.len());
            assert_eq!(rows[0][2].parse::<chrono::NaiveDate>().unwrap(), plan.waves[0].start);
        }
    }
    // The zip holds the same tables.
    let zipped = export(Format::Csv, &estate, &plan, &options());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    for file in &files {
        let mut bytes = Vec::new();
        archive.by_name(&file.name).unwrap().read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, file.bytes);
    }
}

#[test]
fn cmf_intake_form_has_the_current_columns_and_every_migrating_server() {
    let (estate, plan) = hospital();
    let form = export(Format::Cmf, &estate, &plan, &options());
    let mut reader = csv::Reader::from_reader(form.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "wave_name,app_name,aws_region,aws_accountid,server_name,server_os_family,server_os_version,server_fqdn,server_tier,server_environment,r_type,subnet_IDs,securitygroup_IDs,subnet_IDs_test,securitygroup_IDs_test,instanceType,tenancy,tags"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    // CMF holds Windows and Linux servers only: the sample's appliances (two
    // Infoblox, a backup appliance) are left out.
    let cmf_can_hold = |name: &String| {
        let server = estate.servers.iter().find(|s| s.name == *name).unwrap();
        !matches!(server.os_family, Some(waveplan_core::OsFamily::Unix | waveplan_core::OsFamily::Other))
    };
    let holdable = |wave: &waveplan_core::plan::Wave| wave.servers.iter().filter(|s| cmf_can_hold(s)).count();
    assert_eq!(rows.len(), plan.waves.iter().map(holdable).sum::<usize>());
    assert_eq!(rows.len(), plan.metrics.servers_migrating - 3);
    let db = rows.iter().find(|r| &r[4] == "ehr-db01").unwrap();
    let ehr_wave = plan.applications.iter().find(|a| a.name == "EHR").unwrap().wave;
    assert_eq!(db[0], plan.waves[ehr_wave as usize - 1].name);
    assert_eq!((&db[1], &db[2], &db[8], &db[9], &db[10]), ("EHR", "eu-west-2", "db", "prod", "Rehost"));
    // Waveplan's own CMF importer reads it back: the same servers, with their waves.
    let input = waveplan_import::Input { name: "intake.csv", bytes: &form };
    let imported =
        waveplan_import::read_sources(&[&input as &dyn waveplan_import::Source], &waveplan_import::Options::default());
    assert!(!imported.diagnostics.iter().any(|d| d.is_error()), "{:?}", imported.diagnostics);
    assert_eq!(imported.batch.formats.get("intake.csv").map(String::as_str), Some("cmf"));
    assert_eq!(imported.batch.servers.len(), rows.len());
    // A wave scope narrows it.
    let wave2 = export(Format::Cmf, &estate, &plan, &Options { scope: Scope::Wave(2), ..options() });
    let count = csv::Reader::from_reader(wave2.as_slice()).records().count();
    assert_eq!(count, holdable(&plan.waves[1]));
}

#[test]
fn jira_issues_are_epics_first_then_one_task_per_cutover() {
    let (estate, plan) = hospital();
    let issues = export(Format::JiraCsv, &estate, &plan, &options());
    let mut reader = csv::Reader::from_reader(issues.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let epics: Vec<_> = rows.iter().filter(|r| &r[1] == "Epic").collect();
    let tasks: Vec<_> = rows.iter().filter(|r| &r[1] == "Task").collect();
    assert_eq!(
        epics.len(),
        plan.waves.iter().filter(|w| !w.applications.is_empty()).count(),
        "an epic per wave with cutovers"
    );
    assert_eq!(tasks.len(), plan.applications.len());
    let first_task = rows.iter().position(|r| &r[1] == "Task").unwrap();
    assert!(rows[..first_task].iter().all(|r| &r[1] == "Epic"), "parents before children");
    let epic_ids: HashSet<&str> = epics.iter().map(|r| r.get(0).unwrap()).collect();
    assert!(tasks.iter().all(|t| epic_ids.contains(&t[3])), "every task's Parent is an epic's Issue ID");
    let ehr = tasks.iter().find(|t| t[2].starts_with("Cut over EHR (")).unwrap();
    assert_eq!(&ehr[6], "Highest");
    assert!(ehr[11].contains("Steps:"));
}

#[test]
fn diagrams_cover_estate_wave_and_application_grouped_either_way() {
    let (estate, plan) = hospital();
    let scopes = [Scope::Estate, Scope::Wave(2), Scope::Application("EHR".into())];
    for scope in &scopes {
        for group_by in [GroupBy::Wave, GroupBy::MoveGroup] {
            let diagram = waveplan_export::diagram::Diagram::build(&estate, &plan, scope, group_by).unwrap();
            assert!(!diagram.nodes.is_empty() && !diagram.edges.is_empty(), "{scope:?}");
            for format in [Format::Drawio, Format::Mermaid, Format::Dot, Format::Graphml] {
                let out = export(format, &estate, &plan, &Options { scope: scope.clone(), group_by, ..options() });
                assert!(!out.is_empty());
            }
        }
    }
    let ehr = waveplan_export::diagram::Diagram::build(&estate, &plan, &scopes[2], GroupBy::Wave).unwrap();
    assert!(ehr.nodes.iter().any(|n| n.label == "ehr-db01" && n.focus), "one application is drawn server by server");
    let estate_wide = waveplan_export::diagram::Diagram::build(&estate, &plan, &Scope::Estate, GroupBy::Wave).unwrap();
    assert!(estate_wide.nodes.iter().any(|n| n.label == "EHR"), "the estate is drawn application by application");
    assert!(estate_wide.edges.iter().any(|e| e.cross_wave) && estate_wide.edges.iter().any(|e| e.hybrid));
    // The XML formats are well-formed.
    for format in [Format::Drawio, Format::Graphml] {
        let xml = export(format, &estate, &plan, &options());
        assert_well_formed(text(&xml));
    }
}

/// A minimal well-formedness check: every tag closes in order.
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("tags close") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("").to_string();
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "closing tag matches");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn scope_errors_name_what_is_missing() {
    let (estate, plan) = hospital();
    let mut out = Vec::new();
    let err =
        waveplan_export::write(Format::Dot, &estate, &plan, &Options { scope: Scope::Wave(99), ..options() }, &mut out)
            .unwrap_err();
    assert!(err.to_string().contains("no wave 99"), "{err}");
    let err = waveplan_export::write(
        Format::Mermaid,
        &estate,
        &plan,
        &Options { scope: Scope::Application("Nope".into()), ..options() },
        &mut out,
    )
    .unwrap_err();
    assert!(err.to_string().contains("'Nope'"), "{err}");
    let err =
        waveplan_export::write(Format::Xlsx, &estate, &plan, &Options { scope: Scope::Wave(1), ..options() }, &mut out)
            .unwrap_err();
    assert!(err.to_string().contains("whole plan"), "{err}");
}

// ---- attack payloads in every format ----

const SPREADSHEET_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn assert_no_live_formula(format: Format, cell: &str) {
    if cell.starts_with(SPREADSHEET_TRIGGERS) {
        assert!(cell.parse::<f64>().is_ok(), "{format}: a cell a spreadsheet would run: {cell:?}");
    }
}

#[test]
fn csv_formats_neutralise_formulas_but_keep_numbers() {
    let (estate, plan) = hostile();
    let mut tables: Vec<(Format, Vec<u8>)> = waveplan_export::files(Format::Csv, &estate, &plan, &options())
        .unwrap()
        .into_iter()
        .map(|f| (Format::Csv, f.bytes))
        .collect();
    tables.push((Format::Cmf, export(Format::Cmf, &estate, &plan, &options())));
    tables.push((Format::JiraCsv, export(Format::JiraCsv, &estate, &plan, &options())));
    let mut seen = HashSet::new();
    for (format, bytes) in &tables {
        for record in csv::ReaderBuilder::new().has_headers(false).from_reader(bytes.as_slice()).records() {
            for cell in record.unwrap().iter() {
                assert_no_live_formula(*format, cell);
                for payload in [FORMULA, CMD_APP, AT_DEVICE] {
                    if cell.contains(payload) {
                        seen.insert((*format, payload));
                    }
                }
            }
        }
    }
    for (format, payload) in [
        (Format::Csv, FORMULA),
        (Format::Csv, CMD_APP),
        (Format::Csv, AT_DEVICE),
        (Format::Cmf, FORMULA),
        (Format::JiraCsv, CMD_APP),
    ] {
        assert!(seen.contains(&(format, payload)), "{format} still carries {payload:?} as text");
    }
}

#[test]
fn workbook_stores_formula_text_as_quoted_text_and_has_no_formula() {
    let (estate, plan) = hostile();
    let bytes = export(Format::Xlsx, &estate, &plan, &Options { audit: Some(hostile_audit()), ..options() });
    let mut book = workbook(bytes.clone());
    let mut found = false;
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} has a formula");
        let range = book.worksheet_range(&name).unwrap();
        for (_, _, cell) in range.used_cells() {
            if let Data::String(s) = cell
                && s == FORMULA
            {
                found = true;
            }
        }
    }
    assert!(found, "the server name reads back exactly as typed");
    // The audit trail's text too: exactly as typed, and quote-prefixed.
    let trail = book.worksheet_range("Audit trail").unwrap();
    let rows: Vec<&[Data]> = trail.rows().collect();
    let hostile = hostile_audit();
    for (row, entry) in rows[4..].iter().zip(&hostile.entries) {
        let texts: Vec<String> = row[2..].iter().map(cell_text).collect();
        assert_eq!(
            texts,
            [
                entry.user.clone(),
                entry.host.clone(),
                entry.action.clone(),
                entry.summary.clone(),
                entry.subjects.join(", "),
                entry.hash.clone()
            ]
        );
    }
    assert_eq!(cell_text(&rows[4][5]), AUDIT_FORMULA);
    for cell in ["C5", "D5", "F5", "G5", "E6"] {
        let (xf, _) = cell_style(&bytes, "xl/worksheets/sheet10.xml", cell);
        assert!(xf.contains(r#"quotePrefix="1""#), "audit cell {cell} is quote-prefixed: {xf}");
    }
    let (xf, _) = cell_style(&bytes, "xl/worksheets/sheet10.xml", "F6");
    assert!(!xf.contains("quotePrefix"), "plain text is left plain: {xf}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    assert!(styles.contains(r#"quotePrefix="1""#), "formula-like text carries Excel's quote prefix");
}

#[test]
fn markup_formats_escape_every_inventory_string() {
    let (estate, plan) = hostile();
    for format in [Format::Html, Format::Drawio, Format::Graphml, Format::Mermaid, Format::Dot] {
        for scope in [Scope::Estate, Scope::Wave(1), Scope::Application(SCRIPT_APP.into())] {
            if format == Format::Html && scope != Scope::Estate {
                continue;
            }
            // Every format is given the trail; the report is the one of them that shows it.
            let options = Options { scope: scope.clone(), audit: Some(hostile_audit()), ..options() };
            let out = String::from_utf8(export(format, &estate, &plan, &options)).unwrap();
            if format == Format::Dot {
                // DOT quoted strings are plain text; only HTML-like labels (`label=<...>`) are markup.
                assert!(!out.contains("label=<"), "dot uses quoted labels only");
            } else {
                assert!(!out.contains("<img"), "{format} {scope:?}: raw <img");
                assert!(!out.to_lowercase().contains("<script"), "{format} {scope:?}: raw <script");
                assert!(!out.contains("onerror=alert(1)>"), "{format} {scope:?}");
            }
            match format {
                Format::Html | Format::Drawio | Format::Graphml => {
                    // Estate and wave are drawn by application, one application by server.
                    let shown = match scope {
                        Scope::Application(_) => "&lt;img src=x onerror=alert(1)&gt;",
                        _ => "&lt;script&gt;alert(&#39;app&#39;)&lt;/script&gt;",
                    };
                    assert!(out.contains(shown), "{format} {scope:?}: the name is there, escaped");
                    if format == Format::Html {
                        for shown in [
                            "&lt;script&gt;alert(1)&lt;/script&gt;",
                            "=HYPERLINK(&quot;http://x&quot;)",
                            "&lt;img src=x onerror=alert(1)&gt;</td><td class=\"hash\">",
                        ] {
                            assert!(out.contains(shown), "the audit trail shows {shown}");
                        }
                    }
                    assert_well_formed_if_xml(format, &out);
                }
                Format::Mermaid => {
                    assert!(!out.contains(BREAKOUT) && !out.contains("\"];alert"), "mermaid label breakout")
                }
                Format::Dot => {
                    assert!(out.contains(r#""\"];alert(1);//\\N"#), "dot escapes quotes and backslashes");
                }
                _ => {}
            }
        }
    }
    let drawio = String::from_utf8(export(Format::Drawio, &estate, &plan, &options())).unwrap();
    assert!(!drawio.contains("html=1"), "draw.io labels are plain text, never re-read as HTML");
}

fn assert_well_formed_if_xml(format: Format, out: &str) {
    if format != Format::Html {
        assert_well_formed(out);
    }
}

#[test]
fn calendar_escapes_text_and_json_keeps_it_exact() {
    let (estate, plan) = hostile();
    let ics = export(Format::Ics, &estate, &plan, &options());
    let unfolded = icalendar::parser::unfold(text(&ics));
    assert!(unfolded.contains(r"Blackout: <b>freeze</b>\; year-end\, \\ close"), "TEXT escaping");
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    assert!(calendar.components.iter().filter(|c| c.name == "VEVENT").count() >= 3);
    let json = export(Format::Json, &estate, &plan, &options());
    let plan_back: waveplan_core::Plan = serde_json::from_slice(&json).unwrap();
    assert!(plan_back.waves.iter().any(|w| w.servers.iter().any(|s| s == XSS)));
}

// ---- golden files of the text formats ----

#[test]
fn golden_text_formats() {
    let (estate, plan) = hostile();
    for (format, name) in [
        (Format::Mermaid, "hostile.mmd"),
        (Format::Dot, "hostile.dot"),
        (Format::Graphml, "hostile.graphml"),
        (Format::Drawio, "hostile.drawio"),
        (Format::Ics, "hostile.ics"),
        (Format::Cmf, "hostile-cmf.csv"),
        (Format::JiraCsv, "hostile-jira.csv"),
    ] {
        let out = String::from_utf8(export(format, &estate, &plan, &options())).unwrap();
        insta::assert_snapshot!(name, out);
    }
    let (estate, plan) = hospital();
    let mermaid =
        String::from_utf8(export(Format::Mermaid, &estate, &plan, &Options { scope: Scope::Wave(1), ..options() }))
            .unwrap();
    insta::assert_snapshot!("hospital-wave1.mmd", mermaid);
    let ics = String::from_utf8(export(Format::Ics, &estate, &plan, &options())).unwrap();
    insta::assert_snapshot!("hospital.ics", ics);
}

// ---- the audit trail as an appendix of the workbook and the report ----

/// One part of a workbook's zip, as text.
fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut s).unwrap();
    s
}

/// The `<xf>` style record of one cell (`F5`) of a worksheet part, and the
/// `<fill>` record it points at: what Excel draws the cell with.
fn cell_style(bytes: &[u8], sheet_part: &str, cell: &str) -> (String, String) {
    let sheet = zip_part(bytes, sheet_part);
    let at = sheet.find(&format!("<c r=\"{cell}\"")).unwrap_or_else(|| panic!("no cell {cell} in {sheet_part}"));
    let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
    let index: usize = tag.split(" s=\"").nth(1).map_or(0, |rest| rest[..rest.find('"').unwrap()].parse().unwrap());
    let styles = zip_part(bytes, "xl/styles.xml");
    let section = |name: &str| {
        let start = styles.find(&format!("<{name}")).unwrap();
        styles[start..start + styles[start..].find(&format!("</{name}>")).unwrap()].to_string()
    };
    let xf = section("cellXfs").split("<xf ").nth(index + 1).unwrap().to_string();
    let fill_id: usize =
        xf.split("fillId=\"").nth(1).map_or(0, |rest| rest[..rest.find('"').unwrap()].parse().unwrap());
    let fill = section("fills").split("<fill>").nth(fill_id + 1).unwrap_or_default().to_string();
    (xf, fill)
}

fn with_audit(audit: waveplan_export::AuditAppendix) -> Options {
    Options { audit: Some(audit), ..options() }
}

const AUDIT_HEADER: [&str; 8] = ["#", "Time (UTC)", "User", "Host", "Action", "Summary", "Subjects", "SHA-256"];

#[test]
fn audit_trail_is_the_last_sheet_and_section_only_when_asked() {
    let (estate, plan) = hospital();
    let trail = audit_trail();

    let plain = workbook(export(Format::Xlsx, &estate, &plan, &options()));
    assert!(!plain.sheet_names().iter().any(|n| n == "Audit trail"), "no appendix unless asked");
    let plain_html = String::from_utf8(export(Format::Html, &estate, &plan, &options())).unwrap();
    assert!(!plain_html.contains("id=\"audit\"") && !plain_html.contains("Audit trail"));

    let bytes = export(Format::Xlsx, &estate, &plan, &with_audit(trail.clone()));
    let mut book = workbook(bytes.clone());
    assert_eq!(book.sheet_names().len(), 10);
    assert_eq!(book.sheet_names().last().map(String::as_str), Some("Audit trail"));
    let sheet = book.worksheet_range("Audit trail").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(cell_text(&rows[0][0]), "Aldhelm Community Hospital: audit trail");
    assert_eq!(
        cell_text(&rows[1][0]),
        format!(
            "Intact: 3 entries, each chained by SHA-256 to the one before; the last hash is {}",
            trail.entries[2].hash
        )
    );
    let header: Vec<String> = rows[3].iter().map(cell_text).collect();
    assert_eq!(header, AUDIT_HEADER);
    assert_eq!(rows.len(), 4 + trail.entries.len(), "title, status, a blank line, the header, one row per entry");
    for (row, entry) in rows[4..].iter().zip(&trail.entries) {
        assert_eq!(row[0], Data::Float(entry.sequence as f64));
        let Data::DateTime(time) = &row[1] else { panic!("the time is an Excel date-time, not {:?}", row[1]) };
        assert_eq!(time.as_datetime().unwrap(), entry.time.naive_utc(), "to the second, in UTC");
        let texts: Vec<String> = row[2..].iter().map(cell_text).collect();
        assert_eq!(
            texts,
            [
                entry.user.clone(),
                entry.host.clone(),
                entry.action.clone(),
                entry.summary.clone(),
                entry.subjects.join(", "),
                entry.hash.clone()
            ]
        );
    }
    // Frozen below the header, filtered over the entries, the time shown with its seconds.
    let part = zip_part(&bytes, "xl/worksheets/sheet10.xml");
    assert!(part.contains(r#"topLeftCell="A5""#) && part.contains(r#"state="frozen""#), "frozen under row 4");
    assert!(part.contains(r#"<autoFilter ref="A4:H7""#), "filter over header and entries");
    let styles = zip_part(&bytes, "xl/styles.xml");
    let format = styles.split("<numFmt ").find(|f| f.contains(r#"formatCode="yyyy-mm-dd hh:mm:ss""#)).unwrap();
    let format_id = format.split('"').nth(1).unwrap();
    let (time_xf, _) = cell_style(&bytes, "xl/worksheets/sheet10.xml", "B5");
    assert!(time_xf.contains(&format!("numFmtId=\"{format_id}\"")), "the time shows with its seconds: {time_xf}");

    let html = String::from_utf8(export(Format::Html, &estate, &plan, &with_audit(trail.clone()))).unwrap();
    assert!(html.contains(r##"<li><a href="#audit">Audit trail</a></li></ol>"##), "last in the contents");
    let section = html.find(r#"<section id="audit" class="part"><h2>Audit trail</h2>"#).expect("the section");
    assert!(section > html.find(r#"id="assumptions""#).unwrap(), "after the assumptions");
    let section = &html[section..];
    assert!(section.contains(&format!(
        r#"<div class="callout good">Intact: 3 entries, each chained by SHA-256 to the one before; the last hash is {}</div>"#,
        trail.entries[2].hash
    )));
    for entry in &trail.entries {
        assert!(section.contains(&format!(
            r#"<td class="time">{}</td><td>asha.patel</td><td>PLAN-WS04</td><td>{}</td><td>{}</td>"#,
            entry.time.format("%Y-%m-%d %H:%M:%S"),
            entry.action,
            entry.summary
        )));
        assert!(section.contains(&format!(r#"<td class="hash">{}</td>"#, entry.hash)));
    }
    assert_eq!(section.matches("<tr>").count(), 1 + trail.entries.len());
}

#[test]
fn a_broken_trail_shows_its_warning_in_both() {
    let (estate, plan) = hospital();
    let broken = waveplan_export::AuditAppendix {
        intact: false,
        broken: Some("entry 2 was edited after it was written: its hash does not match".into()),
        ..audit_trail()
    };
    let bytes = export(Format::Xlsx, &estate, &plan, &with_audit(broken.clone()));
    let mut book = workbook(bytes.clone());
    let sheet = book.worksheet_range("Audit trail").unwrap();
    assert_eq!(
        cell_text(sheet.get_value((1, 0)).unwrap()),
        "Broken: entry 2 was edited after it was written: its hash does not match"
    );
    assert_eq!(sheet.height(), 4 + broken.entries.len(), "the entries are still shown");
    let (xf, fill) = cell_style(&bytes, "xl/worksheets/sheet10.xml", "A2");
    assert!(fill.contains("F6D5D1"), "red fill of the workbook's warnings: {xf} {fill}");
    // An intact trail's line is not painted as a warning.
    let intact = export(Format::Xlsx, &estate, &plan, &with_audit(audit_trail()));
    let (_, fill) = cell_style(&intact, "xl/worksheets/sheet10.xml", "A2");
    assert!(!fill.contains("F6D5D1"), "{fill}");

    let html = String::from_utf8(export(Format::Html, &estate, &plan, &with_audit(broken))).unwrap();
    assert!(html.contains(
        r#"<div class="callout bad">Broken: entry 2 was edited after it was written: its hash does not match</div>"#
    ));
    assert!(!html.contains("Intact:"));
}

#[test]
fn audit_text_longer_than_a_cell_is_cut_in_the_workbook_and_whole_in_the_report() {
    let (estate, plan) = hospital();
    let mut trail = audit_trail();
    let long = format!("moved {} to wave 2", "PACS, ".repeat(7_000));
    trail.entries[1].summary = long.clone();
    let mut book = workbook(export(Format::Xlsx, &estate, &plan, &with_audit(trail.clone())));
    let sheet = book.worksheet_range("Audit trail").unwrap();
    let cut = cell_text(sheet.get_value((5, 5)).unwrap());
    assert!(cut.encode_utf16().count() <= 32_767, "{} units", cut.encode_utf16().count());
    assert!(cut.len() > 32_000, "nearly all a cell holds is kept");
    assert!(long.starts_with(cut.split(" … [").next().unwrap()), "the start is kept as written");
    assert!(cut.ends_with("more characters cut: a spreadsheet cell holds 32767]"), "the cut says so");
    let html = String::from_utf8(export(Format::Html, &estate, &plan, &with_audit(trail))).unwrap();
    assert!(html.contains(&long), "the report has no cell limit");
}
