//! Fuzz target: `read_sources`, format recognition plus whichever reader it
//! picks, on one file whose name comes from the first byte of the input (so
//! name-based recognition is covered too). Must not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use waveplan_import::{Input, Options, Source, read_sources};

const NAMES: [&str; 8] = [
    "servers.csv",
    "dependencies.csv",
    "inventory.xlsx",
    "RVTools_tabvInfo.csv",
    "web01.netstat.txt",
    "db01-ss.out",
    "flows.log",
    "export.csv",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let input = Input { name: NAMES[usize::from(selector) % NAMES.len()], bytes };
    let sources: [&dyn Source; 1] = [&input];
    let _ = read_sources(&sources, &Options::default());
});
