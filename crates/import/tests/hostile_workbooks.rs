//! Workbooks built the way hostile ones are: sheet XML written by hand and
//! zipped, so a few KB can claim any size. calamine's whole-sheet reader
//! made a grid from the first cell to the last (one cell at `XFD1048576` is
//! 17 billion cells: the process aborted asking for 512 GB), and its
//! shared-string reader reserves the count the file claims. Each case here
//! is read or refused quickly, with an error naming the file and the place.
//!
//! The last test is structure-aware fuzzing: random cells at random places
//! (Excel's limits and past them), random dimensions and shared-string
//! counts, written as sheet XML and zipped, because byte-level fuzzing of a
//! zip never gets past its checksums to such sheets. `cargo xtask test`
//! runs a short budget; `cargo xtask fuzz` a long one
//! (`WAVEPLAN_FUZZ_CASES`). Must not: write files.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use waveplan_import::xlsx::read_workbook;

#[path = "../../../tests/hostile_xlsx.rs"]
mod hostile_xlsx;
use hostile_xlsx::*;

/// How long one workbook may take (unoptimised, tests in parallel).
const QUICKLY: Duration = Duration::from_secs(20);

/// The header VM, Powerstate, DNS Name and two VMs.
fn small_vinfo() -> String {
    one_vm_vinfo() + &format!(r#"<row r="3">{}{}</row>"#, text_cell("A3", "ehr-db-01"), text_cell("B3", "poweredOff"))
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    assert!(started.elapsed() < QUICKLY, "{what} took {:?}", started.elapsed());
    value
}

#[test]
fn one_cell_at_xfd1048576_is_read_past_not_allocated() {
    let far = format!(r#"<row r="1048576">{}</row>"#, text_cell("XFD1048576", "x"));
    let bytes = workbook(&sheet(None, &(small_vinfo() + &far)), NO_SHARED_STRINGS);
    assert!(bytes.len() < 5_000, "a small file: {} bytes", bytes.len());
    let book = timed("the far cell", || read_workbook("RVTools_export.xlsx", &bytes)).expect("reads");
    let vinfo = book.sheet("vInfo").expect("vInfo");
    assert_eq!(vinfo.headers, ["VM", "Powerstate", "DNS Name"]);
    // The far cell has no column name: it is not a row of the table.
    let names: Vec<&str> = vinfo.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(names, ["pacs-web-01", "ehr-db-01"]);
    assert_eq!(vinfo.rows[1].line, 3, "rows keep the sheet's numbers");
}

#[test]
fn a_dimension_of_a_billion_cells_is_not_believed() {
    let bytes = workbook(&sheet(Some("A1:XFD1048576"), &small_vinfo()), NO_SHARED_STRINGS);
    let book = timed("the dimension", || read_workbook("RVTools_export.xlsx", &bytes)).expect("reads");
    assert_eq!(book.sheet("vInfo").expect("vInfo").rows.len(), 2);
}

#[test]
fn a_shared_string_count_far_beyond_the_file_is_refused_before_calamine_reserves_it() {
    let sst = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="1000000000000"><si><t>VM</t></si><si><t>Powerstate</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#;
    let bytes = workbook(&sheet(None, rows), sst);
    let error = timed("the shared strings", || read_workbook("RVTools_export.xlsx", &bytes)).expect_err("refused");
    let size = sst.len();
    assert_eq!(
        error.to_string(),
        format!(
            "RVTools_export.xlsx:1: error: xl/sharedStrings.xml claims 1000000000000 shared strings, but its {size} bytes can hold at most {}: the workbook is damaged or built to exhaust memory",
            size / 5 + 1
        )
    );
    // A count too large for a number at all, and one that tells the truth.
    let sst_huge = sst.replace("1000000000000", "99999999999999999999999");
    let error = read_workbook("b.xlsx", &workbook(&sheet(None, rows), &sst_huge)).expect_err("refused");
    assert!(error.to_string().contains("claims more than 18 quintillion shared strings"), "{error}");
    let honest = sst.replace("1000000000000", "2");
    let book = read_workbook("c.xlsx", &workbook(&sheet(None, rows), &honest)).expect("reads");
    assert_eq!(book.sheet("vInfo").expect("vInfo").headers, ["VM", "Powerstate"]);
}

#[test]
fn a_cell_past_excels_last_is_an_error_naming_its_row_and_column() {
    let past = format!(r#"<row r="1048577">{}</row>"#, text_cell("B1048577", "x"));
    let bytes = workbook(&sheet(None, &(small_vinfo() + &past)), NO_SHARED_STRINGS);
    let error = timed("the cell past the last", || read_workbook("RVTools_export.xlsx", &bytes)).expect_err("refused");
    assert_eq!(error.sheet.as_deref(), Some("vInfo"));
    assert_eq!((error.line, error.column), (Some(1_048_577), Some(2)));
    assert!(error.message.contains("past Excel's last cell (XFD1048576)"), "{error}");
}

/// A cell's value as sheet XML of each kind calamine reads.
fn value_xml() -> impl Strategy<Value = (Option<&'static str>, String)> {
    prop_oneof![
        "[a-zA-Z0-9 .-]{0,12}".prop_map(|t| (Some("inlineStr"), format!("<is><t>{t}</t></is>"))),
        any::<f64>().prop_map(|f| (None, format!("<v>{f}</v>"))),
        (0u64..40).prop_map(|i| (Some("s"), format!("<v>{i}</v>"))),
        any::<bool>().prop_map(|b| (Some("b"), format!("<v>{}</v>", u8::from(b)))),
        Just((Some("e"), "<v>#DIV/0!</v>".to_string())),
        "[0-9]{1,25}".prop_map(|n| (Some("s"), format!("<v>{n}</v>"))),
    ]
}

/// A column's letters (0 is A).
fn letters(mut column: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

/// A place: mostly near the top, sometimes at Excel's edges or past them.
fn place() -> impl Strategy<Value = (u32, u32)> {
    let row = prop_oneof![4 => 1u32..50, 1 => 1_048_570u32..1_048_580, 1 => 1u32..5_000_000];
    let column = prop_oneof![4 => 0u32..8, 1 => 16_380u32..16_390, 1 => 0u32..1_000_000];
    (row, column)
}

fn fuzz_cases() -> u32 {
    std::env::var("WAVEPLAN_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Random sheets, dimensions and shared-string tables: every workbook
    /// is read or refused with an error naming the file, never a panic or
    /// an abort, and quickly.
    #[test]
    fn structured_workbooks_are_read_or_refused(
        cells in prop::collection::vec((place(), value_xml()), 0..60),
        dimension in prop::option::of((place(), place())),
        strings in prop::collection::vec("[a-z]{0,6}", 0..30),
        claimed in prop_oneof![Just(None), (0u64..100).prop_map(Some), any::<u64>().prop_map(Some)],
    ) {
        let mut rows: std::collections::BTreeMap<u32, String> = Default::default();
        for ((row, column), (kind, value)) in &cells {
            let kind = kind.map(|k| format!(r#" t="{k}""#)).unwrap_or_default();
            rows.entry(*row).or_default().push_str(&format!(r#"<c r="{}{row}"{kind}>{value}</c>"#, letters(*column)));
        }
        let rows: String = rows.iter().map(|(r, c)| format!(r#"<row r="{r}">{c}</row>"#)).collect();
        let dimension = dimension.map(|((r1, c1), (r2, c2))| format!("{}{r1}:{}{r2}", letters(c1), letters(c2)));
        let claimed = claimed.map(|n| format!(r#" uniqueCount="{n}""#)).unwrap_or_default();
        let si: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
        let sst = format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{claimed}>{si}</sst>"#);
        let bytes = workbook(&sheet(dimension.as_deref(), &rows), &sst);
        match timed("a fuzzed workbook", || read_workbook("fuzz.xlsx", &bytes)) {
            Ok(book) => {
                for table in &book.sheets {
                    prop_assert!(table.rows.iter().all(|r| r.cells.len() <= table.headers.len()));
                }
            }
            Err(error) => {
                prop_assert_eq!(error.file.as_deref(), Some("fuzz.xlsx"));
                prop_assert!(error.message.len() >= 10, "{}", error);
            }
        }
    }
}
