//! The raw sample (`samples/hospital-raw/exports/`) imported as a user would
//! start from it: every export at once into a fresh project, then `propose`.
//! The answer key (`samples/hospital-raw/truth.csv`) says which server is
//! which. What the proposals are worth is not checked here: only that the
//! estate arrives whole (one server per machine, dependencies from both kinds
//! of connection data, no applications) and that `propose` runs on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Scratch;

fn raw_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/hospital-raw")
}

/// Every file of `exports/`, as `waveplan import samples/hospital-raw/exports/*` gives them.
fn export_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(raw_dir().join("exports"))
        .expect("samples/hospital-raw/exports exists")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    files
}

fn import_raw(scratch: &Scratch) -> Value {
    let mut args = vec!["import".to_string()];
    args.extend(export_files().iter().map(|p| p.display().to_string()));
    args.extend(["--project", "raw.waveplan", "--json"].map(String::from));
    scratch.run(&args).ok().json()
}

/// The host name a project server stands for: its FQDN's first label, or its
/// name (a server whose vCenter name differs from its host name keeps the
/// vCenter name, with the host name as FQDN).
fn host_of(name: &str, fqdn: Option<&str>) -> String {
    fqdn.and_then(|f| f.split('.').next()).unwrap_or(name).to_lowercase()
}

#[test]
fn every_raw_export_imports_into_one_server_per_machine_with_dependencies_and_no_applications() {
    let scratch = Scratch::new();
    let summary = import_raw(&scratch);
    assert_eq!(summary["saved"], true, "{summary:#}");
    assert_eq!(summary["errors"], 0, "{:#}", summary["diagnostics"]);
    // 138 VMs (RVTools and the CMDB) and 8 physical servers and 3 appliances
    // (the CMDB only); the 22 devices are addresses, kept as external endpoints.
    assert_eq!(summary["servers"], 149);
    assert_eq!(summary["applications"], 0);
    assert_eq!(summary["datastores"], 0);
    assert!(summary["dependencies"].as_u64().unwrap() >= 300, "{summary:#}");
    // The only warnings are the CMDB's stale memory figures, as the README
    // says: the guest OS names VMware and the CMDB word differently agree.
    let warnings: Vec<&str> = summary["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(warnings.iter().all(|m| m.contains("' memory_gb: ")), "{warnings:#?}");
    assert_eq!(warnings.len(), 10, "{warnings:#?}");

    let project = rusqlite::Connection::open(scratch.path("raw.waveplan")).expect("open the project");
    let servers: Vec<(String, Option<String>)> = project
        .prepare("SELECT name, fqdn FROM servers")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut hosts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, fqdn) in &servers {
        hosts.entry(host_of(name, fqdn.as_deref())).or_default().push(name.clone());
    }
    let twice: Vec<_> = hosts.iter().filter(|(_, names)| names.len() > 1).collect();
    assert!(twice.is_empty(), "machines imported as more than one server: {twice:?}");
    // Every server of the answer key is one project server.
    let truth = std::fs::read_to_string(raw_dir().join("truth.csv")).expect("truth.csv");
    let expected: BTreeSet<String> =
        truth.lines().skip(1).filter_map(|line| line.split(',').nth(1)).map(str::to_lowercase).collect();
    let found: BTreeSet<String> = hosts.keys().cloned().collect();
    assert_eq!(found, expected, "the project's servers are not the answer key's");

    let by_source: Vec<String> = project
        .prepare("SELECT source FROM dependencies WHERE kind = 'observed'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let from = |ending: &str| by_source.iter().filter(|s| s.ends_with(ending)).count();
    assert!(from("AzureMigrate_Dependencies.csv") >= 200, "{by_source:?}");
    assert!(from("_ss-tunap.txt") >= 30, "{by_source:?}");
    assert!(from("_netstat-ano.txt") >= 20, "{by_source:?}");
    assert_eq!(by_source.len(), summary["dependencies"].as_u64().unwrap() as usize);
}

#[test]
fn propose_places_raw_servers_in_disjoint_proposals() {
    let scratch = Scratch::new();
    import_raw(&scratch);
    let proposed = scratch.run(["propose", "raw.waveplan", "--json"]).ok().json();
    let proposals = proposed["proposals"].as_array().expect("proposals");
    assert!(!proposals.is_empty(), "{proposed:#}");
    let project = rusqlite::Connection::open(scratch.path("raw.waveplan")).expect("open the project");
    let known: BTreeSet<String> = project
        .prepare("SELECT name FROM servers")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut placed = BTreeSet::new();
    for proposal in proposals {
        for server in proposal["servers"].as_array().unwrap() {
            let server = server.as_str().unwrap().to_string();
            assert!(known.contains(&server), "{server} is not a server of the project");
            assert!(placed.insert(server.clone()), "{server} is in two proposals");
        }
    }
}
