//! Fuzz target: `read_csv_table`, the delimited-text reader every tabular
//! format goes through, with 0 and 1 preamble lines. Must not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use waveplan_import::table::read_csv_table;

fuzz_target!(|bytes: &[u8]| {
    for skip_lines in [0, 1] {
        if let Ok(table) = read_csv_table("fuzz.csv", bytes, skip_lines) {
            // Exercise the header lookups the format detectors use.
            let _ = table.column(&["name", "vm"]);
            let _ = table.other_columns(&[0]);
        }
    }
});
