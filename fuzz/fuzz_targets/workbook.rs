//! Fuzz target: `read_workbook`, the xlsx reader (calamine over a zip), on
//! arbitrary bytes. Must not panic and must not allocate without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use waveplan_import::xlsx::read_workbook;

fuzz_target!(|bytes: &[u8]| {
    let _ = read_workbook("fuzz.xlsx", bytes);
});
