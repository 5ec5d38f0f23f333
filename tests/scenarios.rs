//! Scenarios, their settings, and two of them side by side: what a planner
//! does in a workshop with `waveplan scenario`, `settings` and `compare`.

use serde_json::Value;

use super::{import_hospital, plan_json};
use crate::util::Scratch;

fn planned_hospital() -> Scratch {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    plan_json(&scratch, &[]);
    scratch
}

fn metric<'a>(comparison: &'a Value, key: &str) -> &'a Value {
    comparison["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no metric '{key}'"))
}

#[test]
fn scenarios_are_listed_copied_renamed_and_deleted_without_overwriting() {
    let scratch = planned_hospital();
    scratch.run(["scenario", "copy", "hospital.waveplan", "baseline", "fast"]).ok();
    let listed = scratch.run(["scenario", "list", "hospital.waveplan", "--json"]).ok().json();
    let names: Vec<&str> =
        listed["scenarios"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["baseline", "fast"]);
    assert_eq!(listed["scenarios"][0]["figures"], listed["scenarios"][1]["figures"], "a copy has the same plan");

    let taken = scratch.run(["scenario", "copy", "hospital.waveplan", "fast", "baseline"]);
    assert_eq!(taken.code, 1);
    assert_eq!(taken.stderr.trim(), "waveplan: error: a scenario named 'baseline' already exists");
    scratch.run(["scenario", "rename", "hospital.waveplan", "fast", "aggressive"]).ok();
    let text = scratch.run(["scenario", "list", "hospital.waveplan"]).ok().stdout;
    assert!(text.lines().nth(2).unwrap().starts_with("baseline"), "{text}");
    assert!(text.contains("aggressive") && !text.contains("fast"), "{text}");
    scratch.run(["scenario", "delete", "hospital.waveplan", "aggressive"]).ok();
    let missing = scratch.run(["scenario", "delete", "hospital.waveplan", "aggressive"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no scenario named 'aggressive'"), "{}", missing.stderr);
}

#[test]
fn each_scenario_keeps_its_own_settings_and_compare_shows_them_side_by_side() {
    let scratch = planned_hospital();
    let fast = plan_json(&scratch, &["--scenario", "fast", "--wave-days", "7", "--max-servers-per-wave", "60"]);
    assert_eq!(fast["config"]["wave_days"], 7);
    // Re-planning the baseline does not pick up the fast scenario's settings.
    let baseline = scratch.run(["plan", "hospital.waveplan", "--json"]).ok().json();
    assert_eq!(baseline["config"]["wave_days"], 14);

    let c = scratch.run(["compare", "hospital.waveplan", "baseline", "fast", "--json"]).ok().json();
    assert_eq!((c["a"].as_str(), c["b"].as_str()), (Some("baseline"), Some("fast")));
    for key in [
        "waves",
        "programme_end",
        "hybrid_traffic_days",
        "cross_wave_dependencies",
        "hybrid_dependencies",
        "downtime_total_minutes",
        "downtime_longest_minutes",
        "windows_exceeded",
        "dr_coverage_after",
        "dr_gap_days_mission_critical",
        "hard_violations",
    ] {
        let m = metric(&c, key);
        assert!(!m["a"].is_null() && !m["b"].is_null(), "{key}: {m}");
    }
    let waves = metric(&c, "waves");
    assert_eq!(waves["a"].as_f64(), baseline["metrics"]["waves"].as_f64());
    assert_eq!(waves["b"].as_f64(), fast["metrics"]["waves"].as_f64());
    let end = metric(&c, "programme_end");
    assert_eq!(end["a"], baseline["metrics"]["programme_end"]);
    let traffic = metric(&c, "hybrid_traffic_days");
    let expected = fast["metrics"]["hybrid_traffic_days"].as_f64().unwrap()
        - baseline["metrics"]["hybrid_traffic_days"].as_f64().unwrap();
    assert!((traffic["difference"].as_f64().unwrap() - expected).abs() < 1e-6);
    let settings: Vec<&str> = c["settings"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(settings, ["max_servers_per_wave", "wave_days"], "in key order");
    assert!(!c["moved"].as_array().unwrap().is_empty());

    let text = scratch.run(["compare", "hospital.waveplan", "baseline", "fast"]).ok().stdout;
    assert!(text.starts_with("'baseline' against 'fast' in hospital.waveplan"), "{text}");
    assert!(text.contains("wave_days             14 in 'baseline', 7 in 'fast'"), "{text}");
    // A name not in the project: the ones that are, and the likely one.
    let unknown = scratch.run(["compare", "hospital.waveplan", "baseline", "slow"]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("no scenario named 'slow' (the project has 'baseline', 'fast')"),
        "{}",
        unknown.stderr
    );
    let typo = scratch.run(["compare", "hospital.waveplan", "baselin", "fast"]);
    assert_eq!(typo.code, 1);
    assert!(
        typo.stderr
            .contains("no scenario named 'baselin'; did you mean 'baseline'? (the project has 'baseline', 'fast')"),
        "{}",
        typo.stderr
    );
}

#[test]
fn settings_are_validated_saved_and_the_scenario_re_planned() {
    let scratch = planned_hospital();
    let before = scratch.run(["plan", "hospital.waveplan", "--json"]).ok().json();
    let out = scratch
        .run([
            "settings",
            "hospital.waveplan",
            "--set",
            "downtime.bandwidth_mbps=250",
            "--set",
            "downtime.cutover_tracks=3",
        ])
        .ok()
        .stdout;
    assert!(out.starts_with("saved and re-planned 'baseline':"), "{out}");
    assert!(out.contains("downtime.bandwidth_mbps: 1000 → 250"), "{out}");
    let after = scratch.run(["export", "hospital.waveplan", "--format", "json", "-o", "plan.json"]).ok();
    assert!(after.stdout.contains("plan.json"));
    let after: Value = serde_json::from_str(&std::fs::read_to_string(scratch.path("plan.json")).unwrap()).unwrap();
    assert_eq!(after["config"]["downtime"]["bandwidth_mbps"], 250.0);
    assert_eq!(after["waves"][1]["schedule"]["tracks"].as_array().unwrap().len(), 3);
    // A quarter of the bandwidth: replication of the same data takes four times as long.
    let days = |plan: &Value| plan["waves"][2]["schedule"]["replication_days"].as_f64().unwrap();
    assert!(days(&after) > 3.9 * days(&before), "{} against {}", days(&after), days(&before));

    for (set, message) in [
        ("downtime.wan_mbps=500", "unknown setting 'downtime.wan_mbps'; did you mean 'downtime.bandwidth_mbps'?"),
        (
            "downtime.link_efficiency=1.5",
            "nothing was saved: downtime.link_efficiency must be a share above 0 and at most 1 (it is 1.5)",
        ),
        ("downtime.cutover_tracks=two", "downtime.cutover_tracks takes a number, not 'two'"),
        ("dr.mission_critical_target=soon", "takes an RTO and an RPO such as '4h,15m'"),
        ("dr.interim_posture=hope", "unknown variant `hope`"),
    ] {
        let refused = scratch.run(["settings", "hospital.waveplan", "--set", set]);
        assert_eq!(refused.code, 1, "{set}");
        assert!(refused.stderr.contains(message), "{set}: {}", refused.stderr);
    }
    let kept = scratch.run(["settings", "hospital.waveplan", "--json"]).ok().json();
    assert_eq!(kept["downtime"]["link_efficiency"], 0.7);

    scratch.write("dr.json", r#"{"dr": {"mission_critical_target": [60, 5], "warm_standby_ready_days": 0}}"#);
    scratch.run(["settings", "hospital.waveplan", "--file", "dr.json"]).ok();
    let kept = scratch.run(["settings", "hospital.waveplan", "--json"]).ok().json();
    assert_eq!(kept["dr"]["mission_critical_target"], serde_json::json!([60, 5]));
    scratch.write("bad.json", r#"{"dr": {"warm_standby_days": 0}}"#);
    let refused = scratch.run(["settings", "hospital.waveplan", "--file", "bad.json"]);
    assert!(
        refused.stderr.contains("bad.json: unknown setting 'dr.warm_standby_days'; did you mean 'dr.warm_standby"),
        "{}",
        refused.stderr
    );
}

#[test]
fn the_plan_carries_cutover_tracks_replication_dates_and_dr_day_by_day() {
    let scratch = planned_hospital();
    let plan = scratch.run(["plan", "hospital.waveplan", "--json"]).ok().json();
    let ehr = plan["applications"].as_array().unwrap().iter().find(|a| a["name"] == "EHR").unwrap();
    let slot = &ehr["schedule"];
    assert!(slot["track"].as_u64().is_some() && slot["start"].as_str().is_some(), "{slot}");
    assert_eq!(ehr["cutover"], slot["opening"]);
    assert!(slot["start"].as_str().unwrap() >= slot["opening"].as_str().unwrap());
    assert!(slot["replication_start"].as_str().unwrap() <= slot["replication_seeded_by"].as_str().unwrap());
    assert!(slot["replication_arithmetic"].as_str().unwrap().contains("GB/day"));
    for wave in plan["waves"].as_array().unwrap().iter().filter(|w| !w["applications"].as_array().unwrap().is_empty()) {
        let s = &wave["schedule"];
        let busiest = s["tracks"].as_array().unwrap().iter().map(|t| t["minutes"].as_u64().unwrap()).max().unwrap();
        assert_eq!(s["critical_path_minutes"].as_u64().unwrap(), busiest);
        assert!(busiest <= wave["downtime_minutes"].as_u64().unwrap());
    }
    let dr = &plan["dr"];
    let apps = dr["applications"].as_array().unwrap();
    let ehr_dr = apps.iter().find(|a| a["name"] == "EHR").unwrap();
    let states: Vec<&str> =
        ehr_dr["periods"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["on-premises", "in-flight", "unprotected", "cloud"]);
    let mission_critical: u64 =
        apps.iter().filter(|a| a["tier"] == "mission-critical").map(|a| a["gap_days"].as_u64().unwrap()).sum();
    assert_eq!(plan["metrics"]["dr_gap_days_mission_critical"].as_u64().unwrap(), mission_critical);
    assert_eq!(
        dr["below_target_at_end"].as_array().unwrap().len() as u64,
        plan["metrics"]["dr_gaps_after"].as_u64().unwrap()
    );
    assert_eq!(dr["waves"].as_array().unwrap().len(), plan["waves"].as_array().unwrap().len());

    let text = scratch.run(["plan", "hospital.waveplan"]).ok().stdout;
    assert!(text.contains("    cutovers: critical path "), "{text}");
    assert!(text.contains("DR through the programme: "), "{text}");
}

#[test]
fn the_cutover_runbook_shows_every_cutover_and_one_in_full() {
    let scratch = planned_hospital();
    let plan = scratch.run(["plan", "hospital.waveplan", "--json"]).ok().json();
    let list = scratch.run(["cutover", "hospital.waveplan"]).ok().stdout;
    let rows: Vec<&str> = list.lines().skip(3).collect();
    assert_eq!(rows.len(), plan["applications"].as_array().unwrap().len(), "{list}");
    assert!(list.contains("File Services  over its window"), "{list}");

    let ehr = plan["applications"].as_array().unwrap().iter().find(|a| a["name"] == "EHR").unwrap();
    let text = scratch.run(["cutover", "hospital.waveplan", "ehr"]).ok().stdout;
    assert!(text.starts_with(&format!("EHR (rehost, mission-critical): wave {}, track ", ehr["wave"])), "{text}");
    assert!(text.contains(&format!("rounded up to {} min", ehr["downtime"]["minutes"])), "{text}");
    assert!(text.contains("GB changed per day × 15 min since the last sync ÷ 1,440"), "{text}");
    assert!(text.contains("DR (target RTO 120 min, RPO 15 min)"), "{text}");
    assert!(text.contains("unprotected"), "{text}");

    let services = scratch.run(["cutover", "hospital.waveplan", "File Services"]).ok().stdout;
    assert!(
        services.contains("the cutover does NOT fit") && services.contains("offline transfer device"),
        "{services}"
    );
    let retained = scratch.run(["cutover", "hospital.waveplan", "Cath Lab Hemodynamics"]);
    assert_eq!(retained.code, 1);
    assert!(retained.stderr.contains("has no cutover: retain: stays on premises"), "{}", retained.stderr);
    let unknown = scratch.run(["cutover", "hospital.waveplan", "Teleporter"]);
    assert!(unknown.stderr.contains("no application named 'Teleporter' in scenario 'baseline'"), "{}", unknown.stderr);
}
