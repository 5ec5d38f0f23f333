//! Fuzz target: `read_connection_text` for every connection format id (and
//! one unknown id), host `h`, then the aggregator's `finish`. Must not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use waveplan_import::Imported;
use waveplan_import::connections::{
    AZURE_MIGRATE_DEPENDENCIES, ConnectionAggregator, ConnectionRules, NETSTAT, NETSTAT_WINDOWS, SS, VPC_FLOW_LOGS,
    read_connection_text,
};

fuzz_target!(|bytes: &[u8]| {
    for format in [NETSTAT, SS, NETSTAT_WINDOWS, VPC_FLOW_LOGS, AZURE_MIGRATE_DEPENDENCIES, "not-a-format"] {
        let mut aggregator = ConnectionAggregator::new(ConnectionRules::default());
        let mut diagnostics = Vec::new();
        read_connection_text(format, "capture.txt", Some("h"), bytes, &mut aggregator, &mut diagnostics);
        let mut out = Imported::default();
        let _ = aggregator.finish(&mut out);
    }
});
