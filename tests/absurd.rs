//! Absurd numbers, each a named case, through `waveplan import` and
//! `waveplan settings` as a user hands them over: a disk of `1e308` GB, a
//! pin to wave 10,000,000, a `not-before` in the year 9999, a wave of 400
//! days. Each is refused with its file, line and column (or the setting's
//! name), nothing is saved, and the project still opens, plans and exports.
//! The ranges are `waveplan_core::plausible`, named in `docs/native-format.md`.

use crate::util::{Scratch, hospital_files};
use crate::{import_hospital, plan_json};

/// The sample's file `name` with `from` replaced by `to`, written into the scratch directory.
fn edited_sample(scratch: &Scratch, name: &str, from: &str, to: &str) -> String {
    let path = hospital_files().into_iter().find(|p| p.ends_with(name)).expect("a sample file");
    let text = std::fs::read_to_string(path).expect("read the sample");
    assert!(text.contains(from), "{name} has no '{from}'");
    scratch.write(name, &text.replacen(from, to, 1));
    name.to_string()
}

/// Imports `file` into the planned sample: refused with `message` at
/// `place` (`file:line:column`), the project byte for byte as it was, and
/// still planning and exporting.
fn refused_and_nothing_saved(scratch: &Scratch, file: &str, place: &str, message: &str) {
    let before = std::fs::read(scratch.path("hospital.waveplan")).expect("project");
    let refused = scratch.run(["import", file, "--project", "hospital.waveplan"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains(&format!("{place}: error: {message}")), "{}", refused.stderr);
    assert_eq!(std::fs::read(scratch.path("hospital.waveplan")).expect("project"), before, "nothing saved");
    let plan = plan_json(scratch, &[]);
    assert_eq!(plan["metrics"]["hard_violations"], 0);
    scratch.run(["export", "hospital.waveplan", "--format", "xlsx", "-o", "plan.xlsx"]).ok();
}

fn planned_sample() -> Scratch {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    plan_json(&scratch, &[]);
    scratch
}

#[test]
fn a_disk_of_1e308_gb_is_refused_at_its_cell() {
    let scratch = planned_sample();
    // dc01's used disk, the eleventh column of the second line.
    let file = edited_sample(&scratch, "servers.csv", "4,16,120,58,production", "4,16,120,1e308,production");
    refused_and_nothing_saved(
        &scratch,
        &file,
        "servers.csv:2:11",
        "disk_used_gb: 1e308 GB is more than any server has; the most this takes is 10 PB (10,000,000 GB)",
    );
}

#[test]
fn memory_of_a_petabyte_and_a_million_cores_are_refused_at_their_cells() {
    let scratch = planned_sample();
    let file = edited_sample(&scratch, "servers.csv", "4,16,120,58,production", "1000000,1000000,120,58,production");
    refused_and_nothing_saved(
        &scratch,
        &file,
        "servers.csv:2:8",
        "cores: 1000000 is more than any server has; the most this takes is 4096",
    );
    refused_and_nothing_saved(
        &scratch,
        &file,
        "servers.csv:2:9",
        "memory_gb: 1000000 GB is more than any server has; the most this takes is 64 TB (65,536 GB)",
    );
}

#[test]
fn a_pin_to_wave_10000000_is_refused_at_its_cell() {
    let scratch = planned_sample();
    let text = "kind,application,other,value,reason\npin-wave,Intranet,,10000000,a typo\n";
    scratch.write("constraints.csv", text);
    refused_and_nothing_saved(
        &scratch,
        "constraints.csv",
        "constraints.csv:2:4",
        "pin-wave: wave 10000000 is outside waves 1 to 1000",
    );
}

#[test]
fn a_not_before_of_9999_12_31_is_refused_at_its_cell() {
    let scratch = planned_sample();
    let text = "kind,application,other,value,reason\nnot-before,Intranet,,9999-12-31,never\n";
    scratch.write("constraints.csv", text);
    refused_and_nothing_saved(
        &scratch,
        "constraints.csv",
        "constraints.csv:2:4",
        "value: 9999-12-31 is outside the years a plan can span (2000 to 2100)",
    );
}

#[test]
fn an_rto_of_ten_thousand_days_is_refused_at_its_cell() {
    let scratch = planned_sample();
    // Active Directory's RTO, the fifth column of the second line.
    let file = edited_sample(&scratch, "applications.csv", "mission-critical,1h,15m", "mission-critical,10000d,15m");
    refused_and_nothing_saved(
        &scratch,
        &file,
        "applications.csv:2:5",
        "rto: 14400000 minutes is more than a year; a recovery target is at most 525600 minutes (365 days)",
    );
}

#[test]
fn a_data_store_of_an_exabyte_and_a_link_of_1e300_are_refused_at_their_cells() {
    let scratch = planned_sample();
    let file = edited_sample(&scratch, "datastores.csv", "Oracle 19c RAC,2100,40", "Oracle 19c RAC,1e9,40");
    refused_and_nothing_saved(
        &scratch,
        &file,
        "datastores.csv:2:4",
        "size_gb: 1000000000 GB is more than any data store holds; the most this takes is 100 PB (100,000,000 GB)",
    );
    let file = edited_sample(&scratch, "dependencies.csv", ",tcp,observed,361,", ",tcp,observed,1e300,");
    refused_and_nothing_saved(
        &scratch,
        &file,
        "dependencies.csv:2:8",
        "weight: 1e300 is more than any link carries; the most this takes is 10^15 connections or bytes a day",
    );
}

#[test]
fn settings_outside_their_range_are_refused_naming_the_field() {
    let scratch = planned_sample();
    for (set, message) in [
        ("wave_days=400", "wave_days: a wave of 400 days; a wave lasts 1 to 366 days"),
        ("wave_days=0", "wave_days: a wave of 0 days; a wave lasts 1 to 366 days"),
        ("start=9999-12-31", "start: 9999-12-31 is outside the years a plan can span (2000 to 2100)"),
        ("downtime.bandwidth_mbps=0", "the bandwidth must be more than 0 Mb/s"),
    ] {
        let refused = scratch.run(["settings", "hospital.waveplan", "--set", set]);
        assert_eq!(refused.code, 1, "{set}: {}", refused.stderr);
        assert!(refused.stderr.contains(message), "{set}: {}", refused.stderr);
    }
    let plan = plan_json(&scratch, &[]);
    assert_eq!(plan["config"]["wave_days"], 14, "the settings were kept");
}
