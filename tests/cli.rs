//! End-to-end tests of the `waveplan` command against the bundled samples:
//! what a planner and a script see.

mod absurd;
mod docs;
mod hostile;
mod hostile_xlsx;
mod raw_sample;
mod scenarios;
mod session;
mod util;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use util::{Scratch, hospital_files};

fn import_hospital(scratch: &Scratch) -> Value {
    let mut args = vec!["import".to_string()];
    args.extend(hospital_files().iter().map(|p| p.display().to_string()));
    args.extend(["--project", "hospital.waveplan", "--json"].map(String::from));
    scratch.run(&args).ok().json()
}

fn plan_json(scratch: &Scratch, extra: &[&str]) -> Value {
    let mut args = vec!["plan", "hospital.waveplan", "--json", "--start", "2027-01-04"];
    args.extend(extra);
    scratch.run(&args).ok().json()
}

fn names(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[test]
fn imports_the_sample_hospital_with_counts_and_no_errors() {
    let scratch = Scratch::new();
    let summary = import_hospital(&scratch);
    assert_eq!(summary["saved"], true);
    assert_eq!(summary["errors"], 0);
    for key in ["servers", "applications", "datastores", "devices", "dependencies", "external_endpoints"] {
        assert!(summary[key].as_u64().is_some(), "import JSON lacks '{key}': {summary}");
    }
    assert!(summary["servers"].as_u64().unwrap() >= 120, "{summary}");
    assert!(summary["applications"].as_u64().unwrap() >= 35, "{summary}");
    assert!(summary["devices"].as_u64().unwrap() >= 10, "{summary}");
    assert!(summary["dependencies"].as_u64().unwrap() >= 250, "{summary}");
    assert!(summary["excluded"].is_array() && summary["diagnostics"].is_array());

    // Importing the same files again updates; it does not duplicate.
    let again = import_hospital(&scratch);
    for key in ["servers", "applications", "datastores", "devices", "dependencies", "external_endpoints", "constraints"]
    {
        assert_eq!(again[key], summary[key], "re-import changed '{key}'");
    }
}

#[test]
fn plans_the_sample_hospital_validly() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    let plan = plan_json(&scratch, &[]);
    let metrics = &plan["metrics"];
    assert_eq!(metrics["hard_violations"], 0, "violations: {}", plan["violations"]);
    assert!(metrics["cross_wave_dependencies"].as_u64().is_some());
    assert!(metrics["dr_coverage_before"].as_f64().is_some() && metrics["dr_coverage_after"].as_f64().is_some());

    let waves = plan["waves"].as_array().unwrap();
    assert!(waves.len() >= 3, "a hospital of this size needs several waves");
    assert_eq!(waves[0]["start"], "2027-01-04");
    assert_eq!(waves[0]["pilot"], true);
    for (i, wave) in waves.iter().enumerate() {
        assert_eq!(wave["index"], i as u64 + 1);
        for key in ["name", "start", "end", "applications", "servers", "downtime_minutes"] {
            assert!(!wave[key].is_null(), "wave lacks '{key}'");
        }
    }

    // Every migrating application in exactly one wave; retired and retained in none.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for wave in waves {
        for app in names(&wave["applications"]) {
            *seen.entry(app).or_default() += 1;
        }
    }
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    let staying: BTreeSet<String> = plan["not_migrating"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "application")
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!staying.is_empty(), "the sample has retired and retained applications");
    assert!(staying.iter().all(|name| !seen.contains_key(name)));
    assert!(plan["not_migrating"].as_array().unwrap().iter().any(|n| n["kind"] == "device"));

    // Every application's downtime shows its arithmetic.
    for app in plan["applications"].as_array().unwrap() {
        let steps = app["downtime"]["steps"].as_array().unwrap();
        assert!(!steps.is_empty(), "{} has no downtime steps", app["name"]);
        assert!(steps.iter().all(|s| s["arithmetic"].as_str().is_some_and(|a| a.contains("min"))));
        assert!(!app["reasons"].as_array().unwrap().is_empty(), "{} has no explanation", app["name"]);
    }
}

#[test]
fn reopening_the_project_gives_the_same_plan() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    let first = plan_json(&scratch, &["--max-servers-per-wave", "30", "--wave-days", "7"]);
    // The settings are kept in the project: a plain re-plan reproduces the plan.
    let second = scratch.run(["plan", "hospital.waveplan", "--json"]).ok().json();
    assert_eq!(first, second);
    assert_eq!(second["config"]["wave_days"], 7);
}

#[test]
fn exports_json_and_csv() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    let plan = plan_json(&scratch, &[]);
    scratch.run(["export", "hospital.waveplan", "--format", "json", "-o", "plan.json"]).ok();
    let exported: Value = serde_json::from_slice(&std::fs::read(scratch.path("plan.json")).unwrap()).unwrap();
    assert_eq!(exported, plan);

    scratch.run(["export", "hospital.waveplan", "--format", "csv", "-o", "plan-csv"]).ok();
    let waves = std::fs::read_to_string(scratch.path("plan-csv/waves.csv")).unwrap();
    assert!(waves.starts_with("wave,name,start,end,pilot,applications,servers"));
    assert_eq!(waves.lines().count(), plan["waves"].as_array().unwrap().len() + 1);
    let apps = std::fs::read_to_string(scratch.path("plan-csv/applications.csv")).unwrap();
    assert_eq!(apps.lines().count(), plan["applications"].as_array().unwrap().len() + 1);
    assert!(std::fs::read_to_string(scratch.path("plan-csv/downtime_steps.csv")).unwrap().contains("Mbit/s"));

    let missing =
        scratch.run(["export", "hospital.waveplan", "--format", "json", "-o", "x.json", "--scenario", "nope"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no scenario named 'nope' (the project has 'baseline')"), "{}", missing.stderr);
}

#[test]
fn exports_every_format_atomically_and_narrows_by_scope() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    plan_json(&scratch, &[]);
    let formats = ["xlsx", "html", "json", "cmf", "drawio", "mermaid", "dot", "graphml", "ics", "jira-csv"];
    for format in formats {
        let out = format!("plan.{format}");
        let run =
            scratch.run(["export", "hospital.waveplan", "--format", format, "-o", &out, "--title", "Aldhelm"]).ok();
        assert!(std::fs::metadata(scratch.path(&out)).unwrap().len() > 1000, "{format}");
        // The intake form cannot hold every server: it says which it left out.
        let left_out = run.stderr.contains(
            "planned servers are not in the intake form: CMF's default schema takes Windows and Linux only (",
        );
        assert_eq!(left_out, format == "cmf", "{format}: {}", run.stderr);
    }
    scratch.run(["export", "hospital.waveplan", "--format", "csv", "-o", "tables.zip"]).ok();
    assert!(std::fs::read(scratch.path("tables.zip")).unwrap().starts_with(b"PK"));
    scratch
        .run([
            "export",
            "hospital.waveplan",
            "--format",
            "dot",
            "-o",
            "ehr.dot",
            "--app",
            "EHR",
            "--group-by",
            "move-group",
        ])
        .ok();
    assert!(std::fs::read_to_string(scratch.path("ehr.dot")).unwrap().contains("ehr-db01"));
    let leftovers: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(".waveplan-export-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // A failed export leaves what was there untouched.
    std::fs::write(scratch.path("keep.dot"), "old").unwrap();
    let bad = scratch.run(["export", "hospital.waveplan", "--format", "dot", "-o", "keep.dot", "--wave", "99"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("no wave 99"), "{}", bad.stderr);
    assert_eq!(std::fs::read_to_string(scratch.path("keep.dot")).unwrap(), "old");
    let whole = scratch.run(["export", "hospital.waveplan", "--format", "xlsx", "-o", "w.xlsx", "--app", "EHR"]);
    assert_eq!(whole.code, 1);
    assert!(whole.stderr.contains("whole plan"), "{}", whole.stderr);
    assert!(!scratch.path("w.xlsx").exists());
    let unknown = scratch.run(["export", "hospital.waveplan", "--format", "docx", "-o", "x.docx"]);
    assert_eq!(unknown.code, 2, "usage error");

    // Without a browser on PATH, pdf says what to do instead, and writes nothing.
    let no_browser = std::process::Command::new(env!("CARGO_BIN_EXE_waveplan"))
        .args(["export", "hospital.waveplan", "--format", "pdf", "-o", "plan.pdf"])
        .current_dir(scratch.dir.path())
        .env("PATH", scratch.path("no-such-dir"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&no_browser.stderr);
    assert_eq!(no_browser.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no Chromium or Chrome found on PATH") && stderr.contains("--format html"), "{stderr}");
    assert!(!scratch.path("plan.pdf").exists());
}

#[test]
fn a_bad_file_aborts_the_import_and_saves_nothing() {
    let scratch = Scratch::new();
    let good = scratch.write("servers.csv", "name,cores\nweb01,2\n");
    let bad = scratch.write("applications.csv", "name,tier\nPortal,tier 7\n");
    let output = scratch.run(
        [good.to_str().unwrap(), bad.to_str().unwrap()]
            .iter()
            .fold(vec!["import"], |mut a, f| {
                a.push(f);
                a
            })
            .into_iter()
            .chain(["--project", "new.waveplan"]),
    );
    assert_eq!(output.code, 1);
    assert!(output.stderr.contains("applications.csv:2:2: error: tier: 'tier 7' is not one of"), "{}", output.stderr);
    assert!(output.stderr.contains("nothing was saved"));
    assert!(!scratch.path("new.waveplan").exists(), "a failed import must not create the project");

    // Into an existing project: the project keeps what it had.
    scratch.run(["import", good.to_str().unwrap(), "--project", "p.waveplan"]).ok();
    let missing_column = scratch.write("dependencies.csv", "source,target\na,b\n");
    let json = scratch.run(["import", missing_column.to_str().unwrap(), "--project", "p.waveplan", "--json"]);
    assert_eq!(json.code, 1);
    let summary = json.json();
    assert_eq!(summary["saved"], false);
    let diagnostic = &summary["diagnostics"][0];
    assert_eq!((diagnostic["line"].as_u64(), diagnostic["column"].as_u64()), (Some(1), Some(1)));
    assert!(diagnostic["message"].as_str().unwrap().contains("missing required columns 'from', 'to'"));
    let after = scratch.run(["import", good.to_str().unwrap(), "--project", "p.waveplan", "--json"]).ok().json();
    assert_eq!((after["servers"].as_u64(), after["dependencies"].as_u64()), (Some(1), Some(0)));
}

#[test]
fn warnings_are_kept_and_shown() {
    let scratch = Scratch::new();
    let servers = scratch.write("servers.csv", "name\nweb01\n");
    let deps = scratch.write("dependencies.csv", "from,to,port\nweb01,ghost01,443\n");
    let summary = scratch
        .run(["import", servers.to_str().unwrap(), deps.to_str().unwrap(), "--project", "p.waveplan", "--json"])
        .ok()
        .json();
    assert_eq!((summary["warnings"].as_u64(), summary["external_endpoints"].as_u64()), (Some(1), Some(1)));
    let warning = &summary["diagnostics"][0];
    assert_eq!(warning["severity"], "warning");
    assert_eq!((warning["line"].as_u64(), warning["column"].as_u64()), (Some(2), Some(2)));
    assert!(warning["message"].as_str().unwrap().contains("unknown server 'ghost01'"));
}

#[test]
fn errors_are_one_line_and_never_a_panic() {
    let scratch = Scratch::new();
    for args in
        [vec!["plan", "missing.waveplan"], vec!["export", "missing.waveplan", "--format", "json", "-o", "x.json"]]
    {
        let output = scratch.run(&args);
        assert_eq!(output.code, 1, "{args:?}: {}", output.stderr);
        assert_eq!(output.stderr.lines().count(), 1, "{args:?}: {}", output.stderr);
        assert!(output.stderr.starts_with("waveplan: error: "), "{}", output.stderr);
    }
    // An import says it as every refused import does: the file's error, then the abort.
    let output = scratch.run(["import", "no-such-file.csv", "--project", "p.waveplan"]);
    assert_eq!(output.code, 1);
    assert_eq!(
        output.stderr,
        "no-such-file.csv: error: no such file\nimport aborted: 1 error, 0 warnings; nothing was saved to p.waveplan\n"
    );
    // A file that is not a project.
    scratch.write("notes.waveplan", "just some text\n");
    let output = scratch.run(["plan", "notes.waveplan"]);
    assert_eq!(output.code, 1);
    assert!(output.stderr.contains("notes.waveplan"), "{}", output.stderr);
    assert_eq!(std::fs::read_to_string(scratch.path("notes.waveplan")).unwrap(), "just some text\n");
}

#[test]
fn generated_estate_imports_and_plans_without_violations() {
    let scratch = Scratch::new();
    scratch.run(["generate", "--servers", "2000", "--apps", "400", "--seed", "7", "-o", "estate"]).ok();
    let files: Vec<String> =
        std::fs::read_dir(scratch.path("estate")).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    assert_eq!(files.len(), 7);
    let mut args = vec!["import".to_string()];
    args.extend(files);
    args.extend(["--project", "gen.waveplan", "--json"].map(String::from));
    let summary = scratch.run(&args).ok().json();
    assert_eq!(summary["errors"], 0, "{}", summary["diagnostics"]);
    assert_eq!(summary["applications"], 400);
    assert_eq!(summary["servers"].as_u64().unwrap() + summary["devices"].as_u64().unwrap(), 2000);
    let plan = scratch.run(["plan", "gen.waveplan", "--json", "--max-servers-per-wave", "150"]).ok().json();
    assert_eq!(plan["metrics"]["hard_violations"], 0, "{}", plan["violations"]);

    // Same seed, same files.
    scratch.run(["generate", "--servers", "2000", "--apps", "400", "--seed", "7", "-o", "again"]).ok();
    for table in ["servers.csv", "dependencies.csv", "applications.csv"] {
        assert_eq!(
            std::fs::read(scratch.path("estate").join(table)).unwrap(),
            std::fs::read(scratch.path("again").join(table)).unwrap()
        );
    }
}

#[test]
fn demo_plans_the_bundled_hospital() {
    let scratch = Scratch::new();
    let output = scratch.run(["demo"]).ok();
    assert!(output.stdout.contains("Wave 1 (pilot)"), "{}", output.stdout);
    assert!(output.stdout.contains("Hard violations: 0"), "{}", output.stdout);
    let json = scratch.run(["demo", "--json"]).ok().json();
    assert_eq!(json["metrics"]["hard_violations"], 0);
}

fn fixture(path: &str) -> String {
    format!("{}/../import/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// The path of a real export in `../shared/reference-formats/`, beside the
/// repository. Panics naming the path when the file is missing: a clone
/// without the folder fails these tests rather than passing unchecked.
fn reference(path: &str) -> String {
    let full = format!("{}/../../../shared/reference-formats/{path}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        std::path::Path::new(&full).is_file(),
        "reference file {full} is missing: the tests that import real exports need ../shared/reference-formats/ beside the repository"
    );
    full
}

#[test]
fn real_exports_import_with_the_counts_they_hold() {
    let scratch = Scratch::new();
    let rvtools = reference("rvtools/rvtools-3x-sizing-workshop.xlsx");
    let summary = scratch.run(["import", &rvtools, "--project", "rv.waveplan", "--json"]).ok().json();
    let excluded = summary["excluded"].as_array().unwrap();
    assert_eq!(
        summary["servers"].as_u64().unwrap() + excluded.len() as u64,
        805,
        "every vInfo row is a server or excluded"
    );
    assert!(excluded.iter().all(|e| e["reason"] == "template" || e["reason"] == "SRM placeholder"));

    let azure = reference("azure-migrate/azure-migrate-export-discovery-report.xlsx");
    let cmf = reference("aws-cloud-migration-factory/server-list.csv");
    let summary = scratch.run(["import", &azure, &cmf, "--project", "mixed.waveplan", "--json"]).ok().json();
    // 294 machines and 8 intake rows, one of which (Server8) carries
    // Server6's FQDN in that file: matched by FQDN, they are one server.
    assert_eq!(summary["servers"], 294 + 7);
    assert_eq!(summary["applications"], 3);
    // The waves CMF already chose become pins, and the plan keeps them.
    let plan = scratch.run(["plan", "mixed.waveplan", "--json", "--start", "2027-01-04"]).ok().json();
    assert_eq!(plan["metrics"]["hard_violations"], 0, "{}", plan["violations"]);
    let wave_of =
        |app: &str| plan["applications"].as_array().unwrap().iter().find(|a| a["name"] == app).unwrap()["wave"].clone();
    assert_eq!((wave_of("app01-hr"), wave_of("app02-sales"), wave_of("app03-sales")), (1.into(), 2.into(), 3.into()));
}

#[test]
fn one_server_seen_by_rvtools_and_the_cmdb_is_one_server() {
    let scratch = Scratch::new();
    let rvtools = fixture("rvtools/csv-4x/RVTools_tabvInfo.csv");
    let cmdb = fixture("servicenow/cmdb_ci_server.csv");
    let alone = scratch.run(["import", &rvtools, "--project", "a.waveplan", "--json"]).ok().json();
    let cmdb_alone = scratch.run(["import", &cmdb, "--project", "b.waveplan", "--json"]).ok().json();
    let both = scratch.run(["import", &rvtools, &cmdb, "--project", "both.waveplan", "--json"]).ok().json();
    let separate = alone["servers"].as_u64().unwrap() + cmdb_alone["servers"].as_u64().unwrap();
    let merged = both["servers"].as_u64().unwrap();
    assert!(merged < separate, "web01 is in both sources and must be merged ({merged} vs {separate})");
    // Conflicts between the sources are reported, not silently resolved.
    let conflicts: Vec<&Value> = both["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("(source precedence)"))
        .collect();
    assert!(!conflicts.is_empty(), "{}", both["diagnostics"]);
}

#[test]
fn connection_captures_become_dependencies() {
    let scratch = Scratch::new();
    let servers = scratch.write("servers.csv", "name,ip_addresses\nweb01,10.0.1.10\napi01,10.0.2.20\n");
    let capture = fixture("connections/web01.netstat-anp.txt");
    let summary =
        scratch.run(["import", servers.to_str().unwrap(), &capture, "--project", "c.waveplan", "--json"]).ok().json();
    assert_eq!(summary["errors"], 0, "{}", summary["diagnostics"]);
    assert!(summary["dependencies"].as_u64().unwrap() > 0);
    let export = scratch.run(["plan", "c.waveplan", "--json"]).ok().json();
    assert_eq!(export["metrics"]["hard_violations"], 0);
    scratch.run(["export", "c.waveplan", "--format", "csv", "-o", "out"]).ok();
    let deps = std::fs::read_to_string(scratch.path("out/dependencies.csv")).unwrap();
    // api01 connects to web01's listening port 8080: the direction comes from the listening side.
    assert!(deps.lines().any(|l| l.starts_with("api01,web01,8080,tcp")), "{deps}");
}

#[test]
fn spreadsheets_of_unknown_shape_import_through_a_saved_mapping() {
    let scratch = Scratch::new();
    let messy = fixture("mapped/messy-inventory.csv");
    let refused = scratch.run(["import", &messy, "--project", "m.waveplan"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("unknown format: compared against"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--mapping"));

    let suggested = scratch.run(["mapping", "suggest", &messy]).ok().json();
    assert_eq!(suggested["columns"]["name"], "Hostname");
    let servers = scratch.write("servers.csv", "name\nseed01\n");
    scratch.run(["import", servers.to_str().unwrap(), "--project", "m.waveplan"]).ok();
    scratch.run(["mapping", "save", "m.waveplan", "--suggest-from", &messy, "--name", "assets"]).ok();
    let listed = scratch.run(["mapping", "list", "m.waveplan"]).ok();
    assert!(listed.stdout.starts_with("assets (servers): "), "{}", listed.stdout);
    // The fixture has a row with cores 'four': the import names it and saves nothing.
    let bad = scratch.run(["import", &messy, "--project", "m.waveplan", "--mapping", "assets"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("messy-inventory.csv:7:3: error: vCPUs: 'four'"), "{}", bad.stderr);

    // The same shape, corrected, imports through the saved mapping.
    let fixed = std::fs::read_to_string(&messy).unwrap().replace(",four,", ",4,");
    let fixed = scratch.write("assets.csv", &fixed);
    let summary = scratch
        .run(["import", fixed.to_str().unwrap(), "--project", "m.waveplan", "--mapping", "assets", "--json"])
        .ok()
        .json();
    assert_eq!(summary["servers"], 1 + 5, "{summary}");
    assert_eq!(summary["applications"], 2, "the App column makes applications: {summary}");

    // The README's example: the sample asset register's "Device" is the name.
    let register = format!("{}/../../samples/asset-register/asset-register.csv", env!("CARGO_MANIFEST_DIR"));
    scratch.run(["mapping", "save", "m.waveplan", "--suggest-from", &register, "--name", "register"]).ok();
    scratch.run(["import", &register, "--project", "m.waveplan", "--mapping", "register"]).ok();
    // A sheet with no column for the name: refused, nothing saved.
    let nameless = scratch.write("nameless.csv", "Processors,Memory (MB)\n4,8192\n");
    let refused =
        scratch.run(["mapping", "save", "m.waveplan", "--suggest-from", nameless.to_str().unwrap(), "--name", "x"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("nothing was saved: mapping 'x' names no column for 'name' (a servers mapping needs it)"),
        "{}",
        refused.stderr
    );
    let listed = scratch.run(["mapping", "list", "m.waveplan"]).ok().stdout;
    assert!(!listed.contains("x (servers)"), "{listed}");
}

#[test]
fn servers_in_no_application_get_proposed_applications_from_their_traffic() {
    let scratch = Scratch::new();
    let servers = scratch.write("servers.csv", "name\nweb01\napp01\ndb01\nlab01\nlab02\nlabdb\ndns01\n");
    let deps = scratch.write(
        "dependencies.csv",
        "from,to,port,weight,infrastructure\n\
         web01,app01,8080,5000,\napp01,db01,1433,9000,\nweb01,db01,1433,100,\n\
         lab01,labdb,5432,3000,\nlab02,labdb,5432,2500,\nlab01,lab02,22,40,\n\
         app01,lab01,443,1,\n\
         web01,dns01,53,9999,dns\napp01,dns01,53,9999,dns\nlab01,dns01,53,9999,dns\nlabdb,dns01,53,9999,dns\n",
    );
    scratch.run(["import", servers.to_str().unwrap(), deps.to_str().unwrap(), "--project", "p.waveplan"]).ok();
    let proposed = scratch.run(["propose", "p.waveplan", "--json"]).ok().json();
    let groups: Vec<Vec<String>> =
        proposed["proposals"].as_array().unwrap().iter().map(|p| names(&p["servers"])).collect();
    assert_eq!(groups, [vec!["web01", "app01", "db01"], vec!["lab01", "lab02", "labdb"]], "DNS must not glue them");

    let accepted = scratch.run(["propose", "p.waveplan", "--accept"]).ok();
    assert!(accepted.stdout.contains("added 2 applications"), "{}", accepted.stdout);
    let plan = scratch.run(["plan", "p.waveplan", "--json"]).ok().json();
    assert_eq!(plan["metrics"]["applications_migrating"], 2);
    assert_eq!(plan["metrics"]["hard_violations"], 0);
}

#[test]
fn plans_with_blackouts_and_capacities_then_explains_and_tries_a_move() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    let plan = plan_json(
        &scratch,
        &[
            "--blackout",
            "EHR upgrade go-live=2027-02-08..2027-02-21",
            "--max-apps-per-wave",
            "10",
            "--max-cutover-hours-per-wave",
            "60",
        ],
    );
    assert_eq!(plan["feasible"], true);
    assert_eq!(plan["metrics"]["hard_violations"], 0, "{}", plan["violations"]);
    assert!(plan["metrics"]["objective_traffic_days"].as_f64().unwrap() > 0.0);
    for app in plan["applications"].as_array().unwrap() {
        if let Some(cutover) = app["cutover"].as_str() {
            assert!(
                !("2027-02-08".."2027-02-22").contains(&cutover),
                "{} cuts over in the blackout: {cutover}",
                app["name"]
            );
        }
    }
    for wave in plan["waves"].as_array().unwrap() {
        assert!(wave["applications"].as_array().unwrap().len() <= 10);
    }

    let explained = scratch.run(["explain", "hospital.waveplan", "PACS"]).ok();
    assert!(explained.stdout.contains("'PACS' moves in wave"), "{}", explained.stdout);
    assert!(explained.stdout.contains("Vendor Neutral Archive"), "PACS waits for the archive: {}", explained.stdout);

    let what_if = scratch.run(["move", "hospital.waveplan", "PACS", "--wave", "1", "--json"]).ok().json();
    let broken: Vec<&str> =
        what_if["broken"].as_array().unwrap().iter().map(|v| v["constraint"].as_str().unwrap()).collect();
    assert!(broken.contains(&"before"), "moving PACS before its archive breaks the 'before' constraint: {what_if}");
    assert!(what_if["after"]["traffic_days"].as_f64().is_some());

    // Waves too small for a move group: refused, named, exit 1, nothing saved.
    let refused = scratch.run(["plan", "hospital.waveplan", "--max-servers-per-wave", "5"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("cannot all be kept"), "{}", refused.stderr);
    assert!(refused.stderr.contains("capacity: move group"), "{}", refused.stderr);
}

/// The roles the project's dependencies on `port` have.
fn roles_on_port(project: &std::path::Path, port: u16) -> Vec<Option<String>> {
    let estate = waveplan_store::Project::open(project).unwrap().load_estate().unwrap();
    estate.dependencies.iter().filter(|d| d.port == Some(port)).map(|d| d.infrastructure.clone()).collect()
}

#[test]
fn the_infrastructure_list_is_the_projects_and_a_change_reclassifies_what_was_imported() {
    let scratch = Scratch::new();
    let servers = scratch.write(
        "servers.csv",
        "name,ip_addresses\nWEB01,10.0.1.10\nSQL01,10.0.6.6\nDC01,10.0.0.2\nAPP02,10.0.1.20\nFS01,10.0.4.40\n",
    );
    let export = fixture("connections/azure-dependencies-full.csv");
    let import = || scratch.run(["import", servers.to_str().unwrap(), &export, "--project", "p.waveplan"]).ok();
    import();
    let project = scratch.path("p.waveplan");
    // The built-in list: SMB is infrastructure towards the domain controller only.
    assert_eq!(roles_on_port(&project, 1433), [None]);
    assert_eq!(roles_on_port(&project, 445), [Some("smb".to_string()), None]);
    let shown = scratch.run(["infrastructure", "p.waveplan", "--json"]).ok().json();
    assert_eq!(shown["ports"]["53"], "dns");
    assert_eq!(shown["domain_controller_ports"]["445"], "smb");

    let changed =
        scratch.run(["infrastructure", "p.waveplan", "--add-port", "1433:sql-cluster", "--remove-port", "445"]).ok();
    assert!(changed.stdout.contains("2 observed dependencies re-classified under the new list"), "{}", changed.stdout);
    assert_eq!(roles_on_port(&project, 1433), [Some("sql-cluster".to_string())]);
    assert_eq!(roles_on_port(&project, 445), [None, None]);
    // A later import classifies under the project's list, not the built-in one.
    import();
    assert_eq!(roles_on_port(&project, 1433), [Some("sql-cluster".to_string())]);
    assert_eq!(roles_on_port(&project, 445), [None, None]);
    let shown = scratch.run(["infrastructure", "p.waveplan", "--json"]).ok().json();
    assert_eq!(shown["ports"]["1433"], "sql-cluster");

    // Bad changes are refused and change nothing.
    for bad in [["--add-port", "70000:x"], ["--add-port", "1433"], ["--remove-port", "4"]] {
        let refused = scratch.run(["infrastructure", "p.waveplan", bad[0], bad[1]]);
        assert_eq!(refused.code, 1, "{}", refused.stderr);
        assert!(refused.stderr.starts_with("waveplan: error: "), "{}", refused.stderr);
    }
    scratch.run(["infrastructure", "p.waveplan", "--reset"]).ok();
    assert_eq!(roles_on_port(&project, 1433), [None]);
    assert_eq!(roles_on_port(&project, 445), [Some("smb".to_string()), None]);
}

#[test]
fn asked_to_minimise_dr_gap_days_the_plan_has_fewer_and_keeps_the_setting() {
    let scratch = Scratch::new();
    import_hospital(&scratch);
    let plain = plan_json(&scratch, &["--objective", "traffic-days"]);
    let with_dr = plan_json(&scratch, &["--objective", "traffic-days,dr-gap-days"]);
    assert_eq!(with_dr["metrics"]["hard_violations"], 0, "{}", with_dr["violations"]);
    assert_eq!(with_dr["config"]["minimise_dr_gap_days"], true);
    let gap = |plan: &Value| plan["metrics"]["dr_gap_days_mission_critical"].as_u64().unwrap();
    assert!(gap(&with_dr) < gap(&plain), "{} against {}", gap(&with_dr), gap(&plain));
    // Bought with traffic-days: the first objective alone was lower.
    let traffic = |plan: &Value| plan["metrics"]["objective_traffic_days"].as_f64().unwrap();
    assert!(traffic(&with_dr) >= traffic(&plain));
    // A plan without flags keeps the project's setting; a wrong secondary is refused.
    assert_eq!(plan_json(&scratch, &[])["config"]["minimise_dr_gap_days"], true);
    let refused = scratch.run(["plan", "hospital.waveplan", "--objective", "traffic-days,cheapest"]);
    assert_ne!(refused.code, 0, "{}", refused.stderr);
    assert!(refused.stderr.contains("the secondary objective 'cheapest' is not dr-gap-days"), "{}", refused.stderr);
}

#[test]
fn an_empty_folder_or_a_missing_file_is_refused_in_the_one_json_object_import_promises() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.path("exports")).expect("a folder");
    scratch.write("exports/.hidden", "not a file the user sees");
    let refused = scratch.run(["import", "exports", "missing.csv", "--project", "p.waveplan", "--json"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    let summary = refused.json();
    assert_eq!(summary["saved"], false);
    assert_eq!(summary["errors"], 2);
    let said: Vec<(&str, &str)> = summary["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["file"].as_str().unwrap_or(""), d["message"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(said, [("exports", "is a folder with no file in it"), ("missing.csv", "no such file")]);
    assert!(!scratch.path("p.waveplan").exists(), "no project made");

    let text = scratch.run(["import", "exports", "--project", "p.waveplan"]);
    assert_eq!(text.code, 1);
    assert!(text.stderr.starts_with("exports: error: is a folder with no file in it"), "{}", text.stderr);
}

#[test]
fn a_folder_of_exports_imports_the_files_in_it_and_says_which_it_left_out() {
    let scratch = Scratch::new();
    std::fs::create_dir_all(scratch.path("exports/older")).expect("folders");
    for file in hospital_files() {
        std::fs::copy(&file, scratch.path("exports").join(file.file_name().expect("a name"))).expect("a copy");
    }
    scratch.write("exports/notes.md", "# What the client sent\n\nThe exports of 2026-11-30.\n");
    scratch.write("exports/older/servers.csv", "not read");
    let imported = scratch.run(["import", "exports", "--project", "p.waveplan", "--json"]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let summary = imported.json();
    assert_eq!((summary["saved"].as_bool(), summary["servers"].as_u64()), (Some(true), Some(149)));
    let warnings: Vec<(String, String)> = summary["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.contains("notes.md") || f.contains("older")))
        .map(|d| (d["file"].as_str().unwrap_or("").to_string(), d["message"].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(
        warnings,
        [
            ("exports/notes.md".to_string(), "left out: not a file Waveplan reads (unknown format)".to_string()),
            (
                "exports/older".to_string(),
                "a folder inside the folder given is not read; give it to read its files".to_string()
            ),
        ]
    );
    // The same file named by itself is refused: the user meant it.
    let named = scratch.run(["import", "exports/notes.md", "--project", "p.waveplan"]);
    assert_eq!(named.code, 1, "{}", named.stderr);
    assert!(named.stderr.contains("exports/notes.md:1:1: error: unknown format"), "{}", named.stderr);
}
