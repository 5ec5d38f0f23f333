//! The plausible range of every number and date that enters a project:
//! the figures of an imported server, a constraint's wave or date, the
//! planner's settings. A value outside its range is a mistake in the file
//! or the form (a disk of `1e308` GB, a pin to wave 10,000,000, a date in
//! 9999), and taken in it would make a plan of impossible figures, or a
//! planner's horizon of centuries. Each range is named in
//! `docs/native-format.md`; readers refuse a value outside it with its file,
//! line and column, the session a setting outside it naming the field.
//!
//! What this module must not do: clamp a value into its range. A value out
//! of range is refused and shown to the user, never quietly changed.

use chrono::NaiveDate;

use crate::merge::ConstraintRecord;
use crate::model::{Application, DataStore, Server};

/// A server's disk, provisioned or used: at most 10 PB (in GB, decimal).
pub const MAX_DISK_GB: f64 = 10_000_000.0;
/// A server's memory: at most 64 TB (65,536 GB).
pub const MAX_MEMORY_GB: f64 = 65_536.0;
/// A server's cores: at most 4,096.
pub const MAX_CORES: u32 = 4_096;
/// A data store's size, or what of it changes a day: at most 100 PB (in GB).
pub const MAX_DATASTORE_GB: f64 = 100_000_000.0;
/// A dependency's weight (connections, or bytes a day): at most 10^15.
pub const MAX_WEIGHT: f64 = 1e15;
/// An application's RTO or RPO: at most a year, in minutes.
pub const MAX_RECOVERY_MINUTES: u32 = 525_600;
/// The last wave an application can be pinned to.
pub const MAX_WAVE: u32 = 1_000;
/// The longest a wave can last, in days.
pub const MAX_WAVE_DAYS: u32 = 366;

/// The first date a plan, a constraint or a blackout can name.
pub fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date")
}

/// The last date a plan, a constraint or a blackout can name.
pub fn last_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2100, 12, 31).expect("a valid date")
}

/// A decimal figure of `field` (`memory_gb`, `disk_used_gb`,
/// `disk_provisioned_gb`) checked against its range: `Err` says why it is
/// refused. Fields without a range pass when finite and not negative.
pub fn check_size(field: &str, value: f64) -> Result<(), String> {
    if !value.is_finite() || value < 0.0 {
        return Err(format!("{field}: {} is not a size (it must be a finite number, 0 or more)", shown(value)));
    }
    let (most, unit, holder, most_shown) = match field {
        "memory_gb" => (MAX_MEMORY_GB, " GB", "any server has", "64 TB (65,536 GB)"),
        "disk_used_gb" | "disk_provisioned_gb" => (MAX_DISK_GB, " GB", "any server has", "10 PB (10,000,000 GB)"),
        "size_gb" | "change_gb_per_day" => (MAX_DATASTORE_GB, " GB", "any data store holds", "100 PB (100,000,000 GB)"),
        "weight" => (MAX_WEIGHT, "", "any link carries", "10^15 connections or bytes a day"),
        _ => return Ok(()),
    };
    if value > most {
        return Err(format!(
            "{field}: {}{unit} is more than {holder}; the most this takes is {most_shown}",
            shown(value)
        ));
    }
    Ok(())
}

/// A figure as written, in scientific notation when it is too long to read.
fn shown(value: f64) -> String {
    if value.abs() >= 1e12 { format!("{value:e}") } else { value.to_string() }
}

/// A server's cores checked against their range.
pub fn check_cores(cores: u32) -> Result<(), String> {
    if cores > MAX_CORES {
        return Err(format!("cores: {cores} is more than any server has; the most this takes is {MAX_CORES}"));
    }
    Ok(())
}

/// An RTO or RPO in minutes checked against its range (at most a year).
pub fn check_recovery_minutes(field: &str, minutes: u32) -> Result<(), String> {
    if minutes > MAX_RECOVERY_MINUTES {
        return Err(format!(
            "{field}: {minutes} minutes is more than a year; a recovery target is at most {MAX_RECOVERY_MINUTES} minutes (365 days)"
        ));
    }
    Ok(())
}

/// A wave number (a pin) checked against its range.
pub fn check_wave(field: &str, wave: u32) -> Result<(), String> {
    if wave == 0 || wave > MAX_WAVE {
        return Err(format!("{field}: wave {wave} is outside waves 1 to {MAX_WAVE}"));
    }
    Ok(())
}

/// A date checked against the years a plan can span (2000 to 2100).
pub fn check_date(field: &str, date: NaiveDate) -> Result<(), String> {
    if date < first_date() || date > last_date() {
        return Err(format!("{field}: {date} is outside the years a plan can span (2000 to 2100)"));
    }
    Ok(())
}

/// A wave's length in days checked against its range (1 to 366).
pub fn check_wave_days(days: u32) -> Result<(), String> {
    if days == 0 || days > MAX_WAVE_DAYS {
        return Err(format!("wave_days: a wave of {days} days; a wave lasts 1 to {MAX_WAVE_DAYS} days"));
    }
    Ok(())
}

/// Every figure of a server outside its range, as refusals.
pub fn server_problems(server: &Server) -> Vec<String> {
    let sizes = [
        ("memory_gb", server.memory_gb),
        ("disk_provisioned_gb", server.disk_provisioned_gb),
        ("disk_used_gb", server.disk_used_gb),
    ];
    let mut problems: Vec<String> =
        sizes.into_iter().filter_map(|(field, value)| check_size(field, value?).err()).collect();
    problems.extend(server.cores.and_then(|c| check_cores(c).err()));
    problems
}

/// Every figure of an application outside its range, as refusals.
pub fn application_problems(application: &Application) -> Vec<String> {
    [("rto", application.rto_minutes), ("rpo", application.rpo_minutes)]
        .into_iter()
        .filter_map(|(field, minutes)| check_recovery_minutes(field, minutes?).err())
        .collect()
}

/// Every figure of a data store outside its range, as refusals.
pub fn datastore_problems(datastore: &DataStore) -> Vec<String> {
    [("size_gb", datastore.size_gb), ("change_gb_per_day", datastore.change_gb_per_day)]
        .into_iter()
        .filter_map(|(field, value)| check_size(field, value?).err())
        .collect()
}

/// A constraint's wave or date outside its range, as a refusal.
pub fn constraint_problem(constraint: &ConstraintRecord) -> Option<String> {
    match constraint {
        ConstraintRecord::PinWave(_, wave) => check_wave("pin-wave", *wave).err(),
        ConstraintRecord::NotBefore(_, date) => check_date("not-before", *date).err(),
        ConstraintRecord::NotAfter(_, date) => check_date("not-after", *date).err(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::NameRef;

    #[test]
    fn data_stores_links_and_recovery_targets_have_their_ranges() {
        assert!(check_size("size_gb", MAX_DATASTORE_GB).is_ok());
        assert_eq!(
            check_size("size_gb", 1e9).unwrap_err(),
            "size_gb: 1000000000 GB is more than any data store holds; the most this takes is 100 PB (100,000,000 GB)"
        );
        assert!(check_size("weight", 1e16).unwrap_err().starts_with("weight: 1e16 is more than any link"));
        assert!(check_size("weight", f64::INFINITY).is_err());
        assert!(check_recovery_minutes("rto", MAX_RECOVERY_MINUTES).is_ok());
        let app = Application { rto_minutes: Some(4_000_000_000), rpo_minutes: Some(15), ..Default::default() };
        assert_eq!(
            application_problems(&app),
            ["rto: 4000000000 minutes is more than a year; a recovery target is at most 525600 minutes (365 days)"]
        );
        let store = DataStore { size_gb: Some(50.0), change_gb_per_day: Some(f64::NAN), ..Default::default() };
        assert_eq!(datastore_problems(&store).len(), 1);
    }

    #[test]
    fn each_range_takes_its_edge_and_refuses_past_it() {
        assert!(check_size("disk_used_gb", MAX_DISK_GB).is_ok());
        assert_eq!(
            check_size("disk_used_gb", 1e308).unwrap_err(),
            "disk_used_gb: 1e308 GB is more than any server has; the most this takes is 10 PB (10,000,000 GB)"
        );
        assert!(check_size("memory_gb", MAX_MEMORY_GB + 1.0).is_err());
        assert!(check_size("memory_gb", f64::NAN).is_err());
        assert!(check_size("memory_gb", -1.0).is_err());
        assert!(check_cores(4_096).is_ok() && check_cores(4_097).is_err());
        assert!(check_wave("pin-wave", 1_000).is_ok());
        assert_eq!(
            check_wave("pin-wave", 10_000_000).unwrap_err(),
            "pin-wave: wave 10000000 is outside waves 1 to 1000"
        );
        assert!(check_wave("pin-wave", 0).is_err());
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert!(check_date("not-before", date(2100, 12, 31)).is_ok());
        assert_eq!(
            check_date("not-before", date(9999, 12, 31)).unwrap_err(),
            "not-before: 9999-12-31 is outside the years a plan can span (2000 to 2100)"
        );
        assert!(check_date("start", date(1999, 12, 31)).is_err());
        assert!(check_wave_days(366).is_ok() && check_wave_days(367).is_err() && check_wave_days(0).is_err());
    }

    #[test]
    fn a_server_and_a_constraint_name_what_is_out_of_range() {
        let server = Server {
            name: "big".into(),
            cores: Some(10_000),
            disk_used_gb: Some(2e7),
            memory_gb: Some(64.0),
            ..Default::default()
        };
        let problems = server_problems(&server);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("disk_used_gb: 20000000 GB"));
        assert!(problems[1].starts_with("cores: 10000"));
        let pin = ConstraintRecord::PinWave(NameRef { name: "EHR".into(), kind: None, column: None }, 10_000_000);
        assert!(constraint_problem(&pin).is_some());
        assert_eq!(
            constraint_problem(&ConstraintRecord::PinWave(NameRef { name: "EHR".into(), kind: None, column: None }, 3)),
            None
        );
    }
}
