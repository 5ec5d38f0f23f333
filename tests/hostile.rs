//! Hostile workbooks through `waveplan import` with its address space held
//! to 3 GB (`ulimit -v`), as a user would hand them over: each is read or
//! refused with a message naming the file, the process exits 0 or 1 (never
//! killed by a signal or aborted asking for 512 GB), and a refused import
//! leaves the project as it was.

use std::process::Command;

use crate::hostile_xlsx::{NO_SHARED_STRINGS, one_vm_vinfo, sheet, text_cell, workbook};
use crate::util::Scratch;

/// Runs `waveplan` in the scratch directory under a 3 GB address-space limit.
fn run_limited(scratch: &Scratch, args: &str) -> (Option<i32>, String) {
    let script = format!("ulimit -v 3000000 && exec \"$0\" {args}");
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_waveplan"))
        .current_dir(scratch.path("."))
        .output()
        .expect("run waveplan under sh");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_5_kb_workbook_with_a_cell_at_xfd1048576_imports_under_a_memory_limit() {
    let scratch = Scratch::new();
    let far = format!(r#"<row r="1048576">{}</row>"#, text_cell("XFD1048576", "x"));
    let bytes = workbook(&sheet(Some("A1:XFD1048576"), &(one_vm_vinfo() + &far)), NO_SHARED_STRINGS);
    assert!(bytes.len() < 5_000);
    std::fs::write(scratch.path("RVTools_export.xlsx"), bytes).expect("write");
    let (code, stderr) = run_limited(&scratch, "import RVTools_export.xlsx --project p.waveplan --json");
    assert_eq!(code, Some(0), "killed or refused: {stderr}");
    let project = rusqlite::Connection::open(scratch.path("p.waveplan")).expect("open");
    let names: Vec<String> = project
        .prepare("SELECT name FROM servers")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("servers");
    assert_eq!(names, ["pacs-web-01"]);
}

#[test]
fn a_shared_string_bomb_is_refused_under_a_memory_limit_and_nothing_is_saved() {
    let scratch = Scratch::new();
    crate::import_hospital(&scratch);
    let before = std::fs::read(scratch.path("hospital.waveplan")).expect("project");
    let sst = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1000000000000"><si><t>VM</t></si></sst>"#;
    let bytes = workbook(&sheet(None, &one_vm_vinfo()), sst);
    std::fs::write(scratch.path("RVTools_export.xlsx"), bytes).expect("write");
    let (code, stderr) = run_limited(&scratch, "import RVTools_export.xlsx --project hospital.waveplan");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("RVTools_export.xlsx:1: error: xl/sharedStrings.xml claims 1000000000000 shared strings"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(scratch.path("hospital.waveplan")).expect("project"), before, "nothing saved");
}
