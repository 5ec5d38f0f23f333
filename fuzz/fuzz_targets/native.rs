//! Fuzz target: the native CSV reader (`read_native`) on arbitrary bytes, read
//! once as `servers.csv` and once as `dependencies.csv`. Must not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use waveplan_import::{Input, read_native};

fuzz_target!(|bytes: &[u8]| {
    for name in ["servers.csv", "dependencies.csv"] {
        let _ = read_native(&[Input { name, bytes }]);
    }
});
