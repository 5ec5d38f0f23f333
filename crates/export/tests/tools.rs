//! Every export opened by the tool it is for, on the sample hospital and on
//! generated estates of 2,000 applications and more: the DOT diagram laid
//! out by Graphviz's `dot` (the generated whole estate drawn wave by wave,
//! and each of its waves), the GraphML and draw.io files read by an
//! XML parser (quick-xml), the calendar by an iCalendar parser (UIDs stable
//! across a re-plan), the workbook by calamine, the CSV tables by the `csv`
//! reader with either separator, the plan's JSON by its schema, and the CMF
//! intake form checked against CMF's own attribute rules, written here as
//! data from CMF's default schema.
//!
//! Not here: the unit-level rules (escaping, cutting, host names) are tested
//! beside their code. A missing tool fails the test with an install hint:
//! these tests do not skip (`cargo xtask test` installs Graphviz).

mod util;

use std::io::Write;
use std::process::{Command, Stdio};

use waveplan_export::{Format, GroupBy, Options, Scope};

use util::*;

/// How to get Graphviz, for a test that cannot find it.
const GRAPHVIZ_HINT: &str =
    "install Graphviz (Debian and Ubuntu: `sudo apt-get install graphviz`; `cargo xtask test` installs it)";

/// Runs a Graphviz program on `input` (given on its standard input) and
/// returns what it wrote; panics with what it said when it fails, or with
/// how to install it.
fn run_graphviz(program: &str, args: &[&str], what: &str, input: &[u8]) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run Graphviz's {program} ({e}): {GRAPHVIZ_HINT}"));
    // Written from a thread: the program may fill its output pipe before it has read all its input.
    let mut stdin = child.stdin.take().expect("the input is piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("the program runs to the end");
    writer.join().expect("the writer thread ends").expect("the program reads the whole diagram");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // gc reports a syntax error on stderr and still exits 0.
    assert!(output.status.success() && stderr.trim().is_empty(), "{program} on {what} ({}): {stderr}", output.status);
    String::from_utf8(output.stdout).expect("Graphviz writes UTF-8")
}

/// Lays out `dot_source` with `dot -Tsvg` and returns the SVG.
fn render_with_dot(what: &str, dot_source: &[u8]) -> String {
    let svg = run_graphviz("dot", &["-Tsvg"], what, dot_source);
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"), "dot's output for {what} is an SVG");
    svg
}

#[test]
fn dot_lays_out_the_sample_and_a_generated_estate_wave_by_wave() {
    let (estate, plan) = hospital();
    for group_by in [GroupBy::Wave, GroupBy::MoveGroup] {
        // The whole estate: Graphviz 2.43 stops on it with "trouble in
        // init_rank" unless the graph asks for newrank.
        let source = export(Format::Dot, &estate, &plan, &Options { group_by, ..options() });
        let svg = render_with_dot(&format!("the hospital by {group_by:?}"), &source);
        for app in &plan.applications {
            assert!(svg.contains(&waveplan_export::escape::xml(&app.name).into_owned()), "{} is drawn", app.name);
        }
    }
    for scope in [Scope::Wave(2), Scope::Application("EHR".into())] {
        let source = export(Format::Dot, &estate, &plan, &Options { scope: scope.clone(), ..options() });
        render_with_dot(&format!("the hospital's {scope:?}"), &source);
    }

    let (estate, plan) = generated();
    // The whole estate of 2,000 applications and 30,000 aggregated links is
    // more than dot lays out in minutes (it ran over five, with or without
    // edge labels) and more than anyone reads: it is drawn wave by wave,
    // which dot lays out, and said so; GraphML keeps every node.
    let full = waveplan_export::diagram::Diagram::build(&estate, &plan, &Scope::Estate, GroupBy::Wave).unwrap();
    assert!(full.nodes.len() >= 2_000 && full.too_big_to_draw());
    let source = export(Format::Dot, &estate, &plan, &options());
    let svg = render_with_dot("the generated estate, wave by wave", &source);
    let drawn = full.by_cluster();
    assert_eq!(drawn.nodes.len(), full.clusters.len(), "one box a wave, and for what stays and what is outside");
    // dot writes a hyphen as a character reference.
    let svg = svg.replace("&#45;", "-");
    for cluster in &full.clusters {
        assert!(svg.contains(&waveplan_export::escape::xml(&cluster.label).into_owned()), "{} is drawn", cluster.label);
    }
    // Each link drawn adds up the full diagram's links between its two boxes,
    // and the heaviest are the ones drawn.
    let mut between: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    for edge in &full.edges {
        let (a, b) = (full.nodes[edge.from].cluster, full.nodes[edge.to].cluster);
        if a != b {
            *between.entry((a, b)).or_default() += edge.count;
        }
    }
    assert!(between.len() > waveplan_export::diagram::DRAWABLE_LINKS, "more links than are drawn");
    assert_eq!(drawn.edges.len(), waveplan_export::diagram::DRAWABLE_LINKS);
    let lightest_drawn = drawn.edges.iter().map(|e| e.count).min().unwrap();
    for edge in &drawn.edges {
        assert_eq!(edge.count, between[&(edge.from, edge.to)]);
    }
    let heavier_left_out =
        between.iter().filter(|&(k, &n)| n > lightest_drawn && !drawn.edges.iter().any(|e| (e.from, e.to) == *k));
    assert_eq!(heavier_left_out.count(), 0, "no link heavier than one drawn is left out");
    assert!(drawn.clusters[0].label.contains(&format!("the 150 heaviest of {} links", between.len())));
    let notes = waveplan_export::notes(Format::Dot, &estate, &plan, &options()).unwrap();
    assert!(notes.len() == 1 && notes[0].contains("each wave as one box"), "{notes:?}");
    assert!(waveplan_export::notes(Format::Graphml, &estate, &plan, &options()).unwrap().is_empty());
    let graphml = export(Format::Graphml, &estate, &plan, &options());
    let root = parse_xml("the generated estate's GraphML", std::str::from_utf8(&graphml).unwrap());
    assert_eq!(root.child("graph").children("node").count(), full.nodes.len(), "GraphML keeps every node");
    // Each wave, the diagram a cutover team prints, is laid out.
    let last = plan.waves.len() as u32;
    for wave in [1, last / 2, last] {
        let source = export(Format::Dot, &estate, &plan, &Options { scope: Scope::Wave(wave), ..options() });
        render_with_dot(&format!("wave {wave} of the generated estate"), &source);
    }
}

/// A project's identifier as the store makes them: 32 hexadecimal digits.
const PROJECT_ID: &str = "5f3c9a0e7b2d4c81a6e0f19d2b7c4e53";

/// The events of a calendar, read by the `icalendar` crate's parser, as
/// `UID -> (DTSTART, SEQUENCE, SUMMARY)`.
fn calendar_events(ics: &[u8]) -> std::collections::BTreeMap<String, (String, u64, String)> {
    let text = std::str::from_utf8(ics).expect("a calendar is UTF-8");
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("an iCalendar parser reads it");
    let mut events = std::collections::BTreeMap::new();
    for event in calendar.components.iter().filter(|c| c.name == "VEVENT") {
        let value = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.to_string())
                .unwrap_or_else(|| panic!("an event without {name}"))
        };
        let sequence = value("SEQUENCE").parse().expect("SEQUENCE is a number");
        let previous = events.insert(value("UID"), (value("DTSTART"), sequence, value("SUMMARY")));
        assert!(previous.is_none(), "UIDs are unique: {}", value("UID"));
    }
    events
}

#[test]
fn calendar_uids_survive_a_re_plan_and_the_later_export_wins() {
    let (estate, plan) = hospital();
    let first_export = Options { project_id: Some(PROJECT_ID.into()), ..options() };
    let before = calendar_events(&export(Format::Ics, &estate, &plan, &first_export));

    // The programme starts a week later (its blackout moves with it): every
    // cutover moves by a week, and the calendar is exported again a day on.
    let mut later = config("Year-end close (finance freeze)");
    later.start += chrono::Duration::days(7);
    for blackout in &mut later.blackouts {
        blackout.start += chrono::Duration::days(7);
        blackout.end += chrono::Duration::days(7);
    }
    let re_plan = waveplan_core::plan_waves(&estate, &later);
    let re_export = Options {
        generated_at: Some(now() + chrono::Duration::days(1)),
        project_id: Some(PROJECT_ID.into()),
        ..options()
    };
    let after = calendar_events(&export(Format::Ics, &estate, &re_plan, &re_export));

    assert!(before.len() > plan.waves.len(), "waves, cutovers and the blackout: {}", before.len());
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "the same UIDs after a re-plan");
    let mut moved = 0;
    for (uid, (start, sequence, summary)) in &before {
        assert!(uid.ends_with(&format!("@{PROJECT_ID}.waveplan")), "{uid} rests on the project's identifier");
        assert!(!uid.contains("2027"), "{uid} holds no date");
        let (new_start, new_sequence, _) = &after[uid];
        assert!(new_sequence > sequence, "{uid}: SEQUENCE {new_sequence} after {sequence}");
        if new_start != start {
            moved += 1;
        }
        if summary.starts_with("Cutover") {
            let day = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap();
            assert_eq!(day(new_start) - day(start), chrono::Duration::days(7), "{uid}: the cutover moved a week");
        }
    }
    assert_eq!(moved, before.len(), "every event moved with the programme, under its old UID");

    // Another project's calendar never touches this one's events.
    let other = Options { project_id: Some("0a1b2c3d4e5f60718293a4b5c6d7e8f9".into()), ..options() };
    let others = calendar_events(&export(Format::Ics, &estate, &plan, &other));
    assert!(others.keys().all(|uid| !before.contains_key(uid)), "UIDs are per project");
}

// ---- the workbook ----

fn workbook(bytes: Vec<u8>) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("calamine reads the workbook")
}

#[test]
fn a_wave_of_over_2000_applications_exports_with_its_long_cell_cut_and_saying_so() {
    use calamine::{Data, Reader};
    let (estate, plan) = one_big_wave();
    let wave = plan.waves.iter().max_by_key(|w| w.applications.len()).expect("the plan has waves");
    let sizes: Vec<usize> = plan.waves.iter().map(|w| w.applications.len()).collect();
    assert!(wave.applications.len() >= 2_000, "a wave of 2,000 applications or more: {sizes:?}");
    let names = wave.applications.join(", ");
    assert!(names.encode_utf16().count() > 32_767, "the names overflow a cell: {} characters", names.len());

    let mut book = workbook(export(Format::Xlsx, &estate, &plan, &options()));
    let waves = book.worksheet_range("Waves").expect("a Waves sheet");
    let header: Vec<String> = waves.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let column = header.iter().position(|h| h == "Application names").expect("an Application names column");
    let row = waves.rows().find(|r| r[0] == Data::Float(f64::from(wave.index))).expect("the big wave has its row");
    let Data::String(cell) = &row[column] else { panic!("the names are text: {:?}", row[column]) };
    assert!(cell.encode_utf16().count() <= 32_767, "the cell fits: {} units", cell.encode_utf16().count());
    let (kept, note) = cell.rsplit_once(" … (cut: ").expect("the cut is marked");
    assert!(names.starts_with(kept) && kept.len() > 32_000, "the start is kept as written");
    let left_out = names.chars().count() - kept.chars().count();
    assert_eq!(
        note,
        format!("{left_out} more characters; a cell holds 32,767, the JSON export has the whole text)"),
        "the note counts what is missing and says where it is"
    );
    // The JSON export does have the whole list.
    let plan_back: waveplan_core::Plan =
        serde_json::from_slice(&export(Format::Json, &estate, &plan, &options())).unwrap();
    assert_eq!(plan_back.waves[wave.index as usize - 1].applications.join(", "), names);
    // Every application still has its row.
    let apps = book.worksheet_range("Applications").unwrap();
    assert_eq!(apps.height() - 1, plan.applications.len());
}

// ---- the CSV formats, read with either separator ----

/// Whether a spreadsheet would run this cell: it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return and is not a number.
fn is_live_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

/// A payload that hides behind a separator: harmless in a comma-separated
/// file read with commas, a formula once a `;` locale splits the line.
const SPLIT_FORMULA: &str = "web01;=HYPERLINK(\"http://evil.invalid\")";
/// The same behind a comma, for a file written with `;`.
const COMMA_FORMULA: &str = "Windows 2019,@SUM(1+1)";

#[test]
fn csv_formats_have_no_live_formula_whichever_separator_reads_them() {
    let (mut estate, _) = hostile();
    estate.servers[2].name = SPLIT_FORMULA.into();
    estate.servers[0].os_name = Some(COMMA_FORMULA.into());
    estate.servers[0].tags.insert("note".into(), "a;-2+3".into());
    let plan = waveplan_core::plan_waves(
        &estate,
        &waveplan_core::PlanConfig { pilot_applications: 0, ..config("freeze;=cmd()") },
    );
    let mut outputs: Vec<(String, Vec<u8>)> = waveplan_export::files(Format::Csv, &estate, &plan, &options())
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.bytes))
        .collect();
    for format in [Format::Cmf, Format::JiraCsv] {
        outputs.push((format.to_string(), export(format, &estate, &plan, &options())));
    }
    let mut payloads_seen = std::collections::HashSet::new();
    for (name, bytes) in &outputs {
        for separator in [b',', b';'] {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(separator)
                .has_headers(false)
                .flexible(true)
                .from_reader(&bytes[..]);
            let mut cells = 0;
            for record in reader.records() {
                let record = record.unwrap_or_else(|e| panic!("{name} read with {:?}: {e}", separator as char));
                for cell in record.iter() {
                    cells += 1;
                    assert!(
                        !is_live_formula(cell),
                        "{name} read with {:?}: a cell a spreadsheet would run: {cell:?}",
                        separator as char
                    );
                    if separator == b',' {
                        for (payload, shown) in [
                            (SPLIT_FORMULA, "web01;'=HYPERLINK(\"http://evil.invalid\")"),
                            (COMMA_FORMULA, "Windows 2019,'@SUM(1+1)"),
                        ] {
                            if cell.contains(shown) {
                                payloads_seen.insert(payload);
                            }
                        }
                    }
                }
            }
            assert!(cells > 0, "{name} has cells");
        }
    }
    assert_eq!(payloads_seen.len(), 2, "both payloads are still there as text: {payloads_seen:?}");
}

// ---- XML: GraphML and draw.io read by an XML parser ----

/// An element as an XML parser reads it: name, attributes, text, children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: std::collections::BTreeMap<String, String>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child<'a>(&'a self, name: &'a str) -> &'a Element {
        self.children(name).next().unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    /// Every text and attribute value in the tree.
    fn all_text(&self, out: &mut Vec<String>) {
        out.push(self.text.clone());
        out.extend(self.attributes.values().cloned());
        for child in &self.children {
            child.all_text(out);
        }
    }
}

/// Parses a whole document with quick-xml, resolving character and entity
/// references; panics with where the parser stopped.
fn parse_xml(what: &str, xml: &str) -> Element {
    use quick_xml::events::{BytesStart, Event};
    let start = |e: &BytesStart<'_>| Element {
        name: e.name().as_ref().to_string(),
        attributes: e
            .attributes()
            .map(|a| {
                let a = a.unwrap_or_else(|err| panic!("{what}: a bad attribute: {err}"));
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap_or_else(|err| panic!("{what}: a bad attribute value: {err}"));
                (a.key.as_ref().to_string(), value.into_owned())
            })
            .collect(),
        ..Element::default()
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|err| panic!("{what}: not XML at byte {}: {err}", reader.buffer_position()));
        match event {
            Event::Start(e) => stack.push(start(&e)),
            Event::Empty(e) => {
                let element = start(&e);
                stack.last_mut().unwrap().children.push(element);
            }
            Event::End(_) => {
                let element = stack.pop().unwrap();
                stack.last_mut().unwrap_or_else(|| panic!("{what}: a closing tag too many")).children.push(element);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap_or_else(|err| panic!("{what}: {err}")) {
                    Some(c) => c,
                    None => match &*r.xml10_content() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("{what}: an undeclared entity &{other};"),
                    },
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "{what}: every element is closed");
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "{what}: one root element");
    document.children.pop().unwrap()
}

/// Whether XML 1.0 forbids the character (its `Char` production, §2.2).
fn forbidden_in_xml(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Names holding characters XML 1.0 forbids, the way a copy from a legacy
/// system or a mangled export brings them in.
const CONTROL_APP: &str = "EHR\u{1} core\u{FFFF}";
const CONTROL_SERVER: &str = "ehr\u{1}-db\u{FFFE}02";

#[test]
fn xml_formats_drop_characters_xml_forbids_and_parse() {
    let (mut estate, _) = hostile();
    estate.applications[0].name = CONTROL_APP.into();
    estate.servers[2].name = CONTROL_SERVER.into();
    let plan = waveplan_core::plan_waves(&estate, &waveplan_core::PlanConfig { pilot_applications: 0, ..config("x") });
    for format in [Format::Graphml, Format::Drawio] {
        for scope in [Scope::Estate, Scope::Application(CONTROL_APP.into())] {
            let bytes = export(format, &estate, &plan, &Options { scope: scope.clone(), ..options() });
            let text = String::from_utf8(bytes).unwrap();
            assert!(!text.chars().any(forbidden_in_xml), "{format} {scope:?}: a character XML forbids");
            let root = parse_xml(&format!("{format} {scope:?}"), &text);
            let mut values = Vec::new();
            root.all_text(&mut values);
            assert!(values.iter().all(|v| !v.chars().any(forbidden_in_xml)), "{format}: through a reference");
            let shown = match scope {
                Scope::Estate => "EHR core",
                _ => "ehr-db02",
            };
            assert!(values.iter().any(|v| v.contains(shown)), "{format} {scope:?}: the name is there without them");
        }
    }
    // The report and the workbook drop them too; calamine reads the workbook back.
    let html = String::from_utf8(export(Format::Html, &estate, &plan, &options())).unwrap();
    assert!(!html.chars().any(forbidden_in_xml) && html.contains("EHR core"), "the report");
    let mut book = workbook(export(Format::Xlsx, &estate, &plan, &options()));
    use calamine::Reader;
    let apps = book.worksheet_range("Applications").expect("calamine reads the sheet");
    assert!(apps.rows().any(|r| r[0] == calamine::Data::String("EHR core".into())), "the name without the characters");
}

#[test]
fn graphml_of_the_sample_reads_back_with_the_plans_nodes_and_edges() {
    let (estate, plan) = hospital();
    let text = String::from_utf8(export(Format::Graphml, &estate, &plan, &options())).unwrap();
    let root = parse_xml("the hospital's GraphML", &text);
    assert_eq!(root.name, "graphml");
    assert_eq!(root.attributes["xmlns"], "http://graphml.graphdrawing.org/xmlns");
    let keys: std::collections::HashMap<&str, (&str, &str)> = root
        .children("key")
        .map(|k| (k.attributes["id"].as_str(), (k.attributes["for"].as_str(), k.attributes["attr.type"].as_str())))
        .collect();
    let graph = root.child("graph");
    assert_eq!(graph.attributes["edgedefault"], "directed");
    let data = |element: &Element| -> std::collections::HashMap<String, String> {
        element
            .children("data")
            .map(|d| {
                let key = &d.attributes["key"];
                let (target, kind) =
                    keys.get(key.as_str()).unwrap_or_else(|| panic!("data of an undeclared key {key}"));
                assert_eq!(*target, element.name, "key {key} is declared for <{}>", element.name);
                match *kind {
                    "int" => assert!(d.text.parse::<i64>().is_ok(), "{key} is an int: {}", d.text),
                    "double" => assert!(d.text.parse::<f64>().is_ok(), "{key} is a double: {}", d.text),
                    "boolean" => assert!(matches!(d.text.as_str(), "true" | "false"), "{key}: {}", d.text),
                    _ => {}
                }
                (key.clone(), d.text.clone())
            })
            .collect()
    };

    let diagram = waveplan_export::diagram::Diagram::build(&estate, &plan, &Scope::Estate, GroupBy::Wave).unwrap();
    let nodes: Vec<_> = graph.children("node").collect();
    let edges: Vec<_> = graph.children("edge").collect();
    assert_eq!(nodes.len(), diagram.nodes.len(), "one node per node of the diagram");
    assert_eq!(edges.len(), diagram.edges.len(), "one edge per edge of the diagram");
    let ids: std::collections::HashSet<&str> = nodes.iter().map(|n| n.attributes["id"].as_str()).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    for edge in &edges {
        for end in ["source", "target"] {
            assert!(ids.contains(edge.attributes[end].as_str()), "an edge's {end} is a node");
        }
        data(edge);
    }
    let by_label: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        nodes.iter().map(|n| data(n)).map(|d| (d["label"].clone(), d)).collect();
    // Every application the plan moves is a node, in the plan's wave.
    for app in &plan.applications {
        let node = by_label.get(&app.name).unwrap_or_else(|| panic!("{} is a node", app.name));
        assert_eq!(node["kind"], "application");
        assert_eq!(node.get("wave").map(String::as_str), Some(app.wave.to_string().as_str()), "{}'s wave", app.name);
    }
    let dependencies: i64 = edges.iter().map(|e| data(e)["count"].parse::<i64>().unwrap()).sum();
    assert_eq!(dependencies as usize, diagram.edges.iter().map(|e| e.count).sum::<usize>());
    assert!(dependencies > 0);
}

// ---- the CMF intake form against CMF's own attribute rules ----

/// How CMF checks one attribute.
enum Check {
    /// Any text.
    Any,
    /// CMF's `^(?!\s*$).{1,N}$`: not blank, at most N characters (written
    /// out because Rust's `regex` has no look-ahead).
    NonBlank(usize),
    /// One of a list (`"type": "list"`, its `listvalue`).
    List(&'static [&'static str]),
    /// A `validation_regex`, matched against each `;`-separated value of a
    /// multi-value attribute.
    Pattern(&'static str),
    /// CMF's `tag` type as its intake form writes it: `key=value;key=value`.
    Tags,
}

/// CMF's pattern for `server_name` and `server_fqdn`: host names.
const HOST_NAME: &str =
    r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9])$";

/// The rules of the attributes the intake form writes, as AWS Cloud
/// Migration Factory's default schema has them: `default_schema.json` in
/// aws-solutions/cloud-migration-factory-on-aws,
/// `source/backend/lambda_functions/lambda_defaultschema/` (read at commit
/// 006e02841f5c51b70c84f149aea8a45efe8c7364): the `wave`, `app` and `server`
/// schemas' `required`, `listvalue` and `validation_regex`.
const CMF_RULES: &[(&str, bool, Check)] = &[
    ("wave_name", true, Check::NonBlank(150)),
    ("app_name", true, Check::NonBlank(255)),
    (
        "aws_region",
        true,
        Check::List(&[
            "us-east-2",
            "us-east-1",
            "us-west-1",
            "us-west-2",
            "af-south-1",
            "ap-east-1",
            "ap-southeast-3",
            "ap-south-1",
            "ap-northeast-3",
            "ap-northeast-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "ca-central-1",
            "cn-north-1",
            "cn-northwest-1",
            "eu-central-1",
            "eu-west-1",
            "eu-west-2",
            "eu-south-1",
            "eu-west-3",
            "eu-north-1",
            "me-south-1",
            "sa-east-1",
        ]),
    ),
    // Its listvalue holds two example accounts; the pattern is the rule.
    ("aws_accountid", true, Check::Pattern(r"^\d{12}$")),
    ("server_name", true, Check::Pattern(HOST_NAME)),
    ("server_os_family", true, Check::List(&["windows", "linux"])),
    ("server_os_version", true, Check::Any),
    ("server_fqdn", true, Check::Pattern(HOST_NAME)),
    ("server_tier", false, Check::Any),
    ("server_environment", false, Check::Any),
    (
        "r_type",
        true,
        Check::List(&["Retire", "Retain", "Relocate", "Rehost", "Repurchase", "Replatform", "Rearchitect", "TBC"]),
    ),
    ("subnet_IDs", false, Check::Pattern(r"^(subnet-([a-z0-9]{8}|[a-z0-9]{17})$)")),
    ("securitygroup_IDs", false, Check::Pattern(r"^(sg-([a-z0-9]{8}|[a-z0-9]{17})$)")),
    ("subnet_IDs_test", false, Check::Pattern(r"^(subnet-([a-z0-9]{8}|[a-z0-9]{17})$)")),
    ("securitygroup_IDs_test", false, Check::Pattern(r"^(sg-([a-z0-9]{8}|[a-z0-9]{17})$)")),
    ("instanceType", false, Check::Any),
    ("tenancy", false, Check::List(&["Shared", "Dedicated", "Dedicated host"])),
    ("tags", false, Check::Tags),
];

/// What CMF would refuse in one row of an intake form: `attribute: value (why)`.
fn cmf_refusals(header: &csv::StringRecord, row: &csv::StringRecord) -> Vec<String> {
    let mut refusals = Vec::new();
    for (column, value) in header.iter().zip(row.iter()) {
        let (_, required, check) = CMF_RULES
            .iter()
            .find(|(name, ..)| *name == column)
            .unwrap_or_else(|| panic!("the form writes {column}, which CMF's schema does not have"));
        if value.is_empty() {
            if *required {
                refusals.push(format!("{column}: empty (required)"));
            }
            continue;
        }
        let fine = match check {
            Check::Any => true,
            Check::NonBlank(max) => !value.trim().is_empty() && value.chars().count() <= *max,
            Check::List(values) => values.contains(&value),
            Check::Pattern(pattern) => {
                let regex = regex::Regex::new(pattern).unwrap();
                value.split(';').all(|v| regex.is_match(v))
            }
            Check::Tags => value.split(';').all(|tag| tag.split_once('=').is_some_and(|(k, _)| !k.trim().is_empty())),
        };
        if !fine {
            refusals.push(format!("{column}: {value:?}"));
        }
    }
    for (name, required, _) in CMF_RULES {
        if *required && !header.iter().any(|c| c == *name) {
            refusals.push(format!("{name}: missing column (required)"));
        }
    }
    refusals
}

/// Every row of an intake form with what CMF would refuse in it.
fn cmf_form(bytes: &[u8]) -> Vec<(csv::StringRecord, Vec<String>)> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let row = r.unwrap();
            let refusals = cmf_refusals(&header, &row);
            (row, refusals)
        })
        .collect()
}

#[test]
fn the_rules_refuse_what_cmf_refuses() {
    let header = csv::StringRecord::from(waveplan_export::cmf::COLUMNS.to_vec());
    let mut good = vec![
        "Wave 1",
        "EHR",
        "eu-west-2",
        "111122223333",
        "ehr-db01",
        "linux",
        "RHEL 8",
        "ehr-db01.aldhelm.local",
        "db",
        "prod",
        "Rehost",
        "subnet-0a1b2c3d",
        "sg-0a1b2c3d;sg-0a1b2c3d4e5f6a7b8",
        "",
        "",
        "m5.large",
        "Shared",
        "Name=EHR db;owner=ict",
    ];
    assert!(cmf_refusals(&header, &csv::StringRecord::from(good.clone())).is_empty());
    for (column, bad) in [
        (4, "PACS web 1"),
        (5, "aix"),
        (7, ""),
        (10, "Refactor"),
        (3, "1111-2222-3333"),
        (2, "mars-east-1"),
        (12, "sg-0a1b2c3d;sg-x"),
        (16, "dedicated"),
        (0, "   "),
    ] {
        let keep = good[column];
        good[column] = bad;
        let refusals = cmf_refusals(&header, &csv::StringRecord::from(good.clone()));
        assert_eq!(refusals.len(), 1, "{bad:?} in {}: {refusals:?}", waveplan_export::cmf::COLUMNS[column]);
        good[column] = keep;
    }
}

#[test]
fn every_row_of_the_cmf_form_passes_cmfs_attribute_rules() {
    let (estate, plan) = hospital();
    let rows = cmf_form(&export(Format::Cmf, &estate, &plan, &options()));
    // Every migrating server but the three appliances, which CMF cannot hold.
    assert_eq!(rows.len(), plan.metrics.servers_migrating - 3);
    for (row, refusals) in &rows {
        assert!(refusals.is_empty(), "CMF refuses {}: {refusals:?}", &row[4]);
    }

    // VMware estates name VMs for people; the DNS name of the same VM is known.
    let (mut estate, _) = hospital();
    let ehr_servers = estate.applications.iter().find(|a| a.name == "EHR").unwrap().servers.clone();
    let (named, unnamed) = (ehr_servers[0].index(), ehr_servers[1].index());
    estate.servers[named].name = "PACS web 1".into();
    estate.servers[named].fqdn = Some("pacsweb01.aldhelm.local".into());
    estate.servers[unnamed].name = "EHR app (blue)".into();
    estate.servers[unnamed].fqdn = None;
    let plan = waveplan_core::plan_waves(&estate, &config("Year-end close (finance freeze)"));
    let rows = cmf_form(&export(Format::Cmf, &estate, &plan, &options()));
    for (row, refusals) in &rows {
        assert!(refusals.is_empty(), "CMF refuses {}: {refusals:?}", &row[4]);
    }
    let row =
        |host: &str| rows.iter().map(|(r, _)| r).find(|r| &r[4] == host).unwrap_or_else(|| panic!("a row {host}"));
    let pacs = row("pacsweb01");
    assert_eq!(&pacs[7], "pacsweb01.aldhelm.local");
    assert!(pacs[17].split(';').any(|t| t == "Name=PACS web 1"), "the display name is the Name tag: {}", &pacs[17]);
    let blue = row("EHR-app-blue");
    assert_eq!(&blue[7], "EHR-app-blue", "no DNS name known: the host name stands in");
    assert!(blue[17].split(';').any(|t| t == "Name=EHR app (blue)"));
}

// ---- the plan's JSON against its schema ----

#[test]
fn json_of_a_generated_estate_validates_against_the_schema() {
    // The sample and the hostile estate are validated in tests/export.rs.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/plan.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let (estate, plan) = generated();
    let document: serde_json::Value =
        serde_json::from_slice(&export(Format::Json, &estate, &plan, &options())).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&document).take(10).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(document["applications"].as_array().map(Vec::len), Some(plan.applications.len()));
}

#[test]
fn the_cmf_form_refuses_an_account_or_region_cmf_would_and_says_what_it_leaves_empty() {
    let (estate, plan) = hospital();
    let mut out = Vec::new();
    let bad_account = Options { aws_account_id: Some("1111-2222-3333".into()), ..options() };
    let error = waveplan_export::write(Format::Cmf, &estate, &plan, &bad_account, &mut out).unwrap_err();
    assert_eq!(error.to_string(), "aws_accountid: '1111-2222-3333' is not an AWS account id (12 digits)");
    let bad_region = Options { aws_region: Some("London".into()), ..options() };
    let error = waveplan_export::write(Format::Cmf, &estate, &plan, &bad_region, &mut out).unwrap_err();
    assert_eq!(error.to_string(), "aws_region: 'London' is not an AWS region's code such as eu-west-2");

    let unplaced = Options { aws_account_id: None, aws_region: None, ..options() };
    let form = cmf_form(&export(Format::Cmf, &estate, &plan, &unplaced));
    assert!(form.iter().all(|(_, refusals)| refusals.iter().any(|r| r == "aws_accountid: empty (required)")));
    let notes = waveplan_export::notes(Format::Cmf, &estate, &plan, &unplaced).unwrap();
    assert!(
        notes.iter().any(|n| n.starts_with("aws_accountid and aws_region empty on every row: CMF requires them")),
        "{notes:?}"
    );
    let placed = waveplan_export::notes(Format::Cmf, &estate, &plan, &options()).unwrap();
    assert!(placed.iter().all(|n| !n.contains("aws_accountid")), "{placed:?}");
}
