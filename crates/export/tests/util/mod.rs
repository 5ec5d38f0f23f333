//! Fixtures shared by the export tests: the sample hospital planned as the
//! README plans it, and a small estate whose every name is an attack.

#![allow(dead_code, reason = "each test binary uses a different part")]

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_core::{
    Application, Blackout, Dependency, DependencyKind, Endpoint, Estate, ExternalEndpoint, ExternalId,
    MaintenanceWindow, Plan, PlanConfig, Protocol, Server, ServerId, ServerKind, Strategy, Tier, plan_waves,
};
use waveplan_export::{AuditAppendix, AuditLine};
use waveplan_import::{Input, Options, Source, read_sources};

/// A payload for every markup format: it must show as text, never run.
pub const XSS: &str = "<img src=x onerror=alert(1)>";
/// A payload for every spreadsheet: it must stay text, never a formula.
pub const FORMULA: &str = "=HYPERLINK(\"http://evil.invalid\",\"x\")";
/// An application name that is script.
pub const SCRIPT_APP: &str = "<script>alert('app')</script>";
/// An application name a spreadsheet would run.
pub const CMD_APP: &str = "+cmd|' /C calc'!A0";
/// A device name a spreadsheet would run.
pub const AT_DEVICE: &str = "@SUM(1+1)";
/// An external endpoint that tries to close a Mermaid or DOT label.
pub const BREAKOUT: &str = "\"];alert(1);//\\N";
/// A blackout name with calendar syntax in it.
pub const BLACKOUT: &str = "<b>freeze</b>; year-end, \\ close";

/// An audit summary a spreadsheet would run.
pub const AUDIT_FORMULA: &str = "=HYPERLINK(\"http://x\")";
/// An audit summary that is script.
pub const AUDIT_SCRIPT: &str = "<script>alert(1)</script>";

/// The time the tests pretend it is (exports take the clock from the caller).
pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

/// The config every fixture is planned with: wave 1 on 4 Jan 2027, a blackout in March.
pub fn config(blackout: &str) -> PlanConfig {
    PlanConfig {
        start: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        blackouts: vec![Blackout {
            name: blackout.into(),
            start: NaiveDate::from_ymd_opt(2027, 3, 8).unwrap(),
            end: NaiveDate::from_ymd_opt(2027, 3, 21).unwrap(),
        }],
        ..PlanConfig::default()
    }
}

/// `samples/hospital`, imported and planned.
pub fn hospital() -> (Estate, Plan) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/hospital");
    let names = ["servers", "devices", "applications", "datastores", "members", "dependencies", "constraints"];
    let files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| {
            (
                format!("{n}.csv"),
                std::fs::read(format!("{dir}/{n}.csv")).expect("the sample hospital is in the repository"),
            )
        })
        .collect();
    let inputs: Vec<Input<'_>> = files.iter().map(|(name, bytes)| Input { name, bytes }).collect();
    let sources: Vec<&dyn Source> = inputs.iter().map(|i| i as &dyn Source).collect();
    let imported = read_sources(&sources, &Options::default());
    assert!(!imported.diagnostics.iter().any(|d| d.is_error()), "the sample imports cleanly");
    let mut estate = Estate::default();
    let diagnostics = waveplan_core::merge::merge(&mut estate, imported.batch);
    assert!(!diagnostics.iter().any(|d| d.is_error()));
    let plan = plan_waves(&estate, &config("Year-end close (finance freeze)"));
    (estate, plan)
}

fn server(name: &str) -> Server {
    Server {
        name: name.into(),
        os_name: Some("Windows Server 2019".into()),
        cores: Some(4),
        memory_gb: Some(16.0),
        disk_used_gb: Some(120.0),
        tags: [("owner".to_string(), "-1+1".to_string())].into(),
        ..Server::default()
    }
}

/// A small estate whose names, tags and blackout are attacks on every format.
pub fn hostile() -> (Estate, Plan) {
    let window = MaintenanceWindow::parse("Sun 01:00-05:00").unwrap();
    let mut device = server(AT_DEVICE);
    device.kind = Some(ServerKind::Device);
    device.device_class = Some("infusion pump".into());
    let estate = Estate {
        servers: vec![server(XSS), server(FORMULA), server("web01"), device],
        applications: vec![
            Application {
                name: SCRIPT_APP.into(),
                owner: Some("=cmd()".into()),
                tier: Some(Tier::BusinessCritical),
                strategy: Some(Strategy::Rehost),
                maintenance_window: Some(window.clone()),
                servers: vec![ServerId(0), ServerId(2)],
                ..Application::default()
            },
            Application {
                name: CMD_APP.into(),
                tier: Some(Tier::MissionCritical),
                maintenance_window: Some(MaintenanceWindow {
                    start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
                    ..window
                }),
                servers: vec![ServerId(1)],
                ..Application::default()
            },
        ],
        externals: vec![ExternalEndpoint { name: BREAKOUT.into() }],
        dependencies: vec![
            dependency(Endpoint::Server(ServerId(0)), Endpoint::Server(ServerId(1)), 1433),
            dependency(Endpoint::Server(ServerId(1)), Endpoint::Server(ServerId(3)), 2575),
            dependency(Endpoint::Server(ServerId(2)), Endpoint::External(ExternalId(0)), 443),
        ],
        ..Estate::default()
    };
    let plan = plan_waves(&estate, &PlanConfig { pilot_applications: 0, ..config(BLACKOUT) });
    (estate, plan)
}

fn dependency(from: Endpoint, to: Endpoint, port: u16) -> Dependency {
    Dependency {
        from,
        to,
        port: Some(port),
        protocol: Protocol::Tcp,
        kind: DependencyKind::Observed,
        weight: 250.0,
        latency_sensitive: false,
        infrastructure: None,
        first_seen: None,
        last_seen: None,
        source: "@netflow".into(),
    }
}

/// Options as the CLI passes them, with the fixed clock.
pub fn options() -> waveplan_export::Options {
    waveplan_export::Options {
        title: Some("Aldhelm Community Hospital".into()),
        scenario: Some("baseline".into()),
        generated_at: Some(now()),
        aws_region: Some("eu-west-2".into()),
        aws_account_id: Some("111122223333".into()),
        ..waveplan_export::Options::default()
    }
}

/// One format written to bytes.
pub fn export(
    format: waveplan_export::Format,
    estate: &Estate,
    plan: &Plan,
    options: &waveplan_export::Options,
) -> Vec<u8> {
    let mut out = Vec::new();
    waveplan_export::write(format, estate, plan, options, &mut out).unwrap_or_else(|e| panic!("{format}: {e}"));
    out
}

fn audit_line(sequence: u64, minute: u32, action: &str, summary: &str, subjects: &[&str]) -> AuditLine {
    AuditLine {
        sequence,
        // Seconds set, so a test sees they survive.
        time: Utc.with_ymd_and_hms(2026, 11, 30, 14, minute, 7).unwrap(),
        user: "asha.patel".into(),
        host: "PLAN-WS04".into(),
        action: action.into(),
        summary: summary.into(),
        subjects: subjects.iter().map(|s| s.to_string()).collect(),
        // A SHA-256 is 64 hexadecimal digits; these differ per entry.
        hash: format!("{:064x}", 0x5eed_u64 * sequence),
    }
}

/// A short, intact trail of a planning session on the hospital.
pub fn audit_trail() -> AuditAppendix {
    AuditAppendix {
        entries: vec![
            audit_line(1, 2, "import", "imported 7 files: 52 servers, 21 applications", &[]),
            audit_line(2, 4, "plan", "planned the baseline in 6 waves", &["baseline"]),
            audit_line(3, 31, "move", "moved PACS from wave 3 to wave 1", &["PACS", "baseline"]),
        ],
        intact: true,
        broken: None,
    }
}

/// A trail whose summaries, user, host and subjects are attacks on the workbook and the report.
pub fn hostile_audit() -> AuditAppendix {
    let mut formula = audit_line(1, 2, "move", AUDIT_FORMULA, &[CMD_APP, SCRIPT_APP]);
    formula.user = "@SUM(1+1)".into();
    formula.host = "-2+3".into();
    let script = audit_line(2, 3, "=cmd()", AUDIT_SCRIPT, &[XSS]);
    AuditAppendix { entries: vec![formula, script], intact: true, broken: None }
}

/// A generated estate of 2,000 applications (core's `generate`), planned
/// as the planner's defaults plan it: some seventy waves of 40 servers.
pub fn generated() -> (Estate, Plan) {
    let estate = generate_estate(&GenerateConfig::with_default_dependencies(3_000, 2_000, 15));
    let plan = plan_waves(&estate, &PlanConfig { search_passes: 0, ..config("Year-end close") });
    (estate, plan)
}

/// A generated estate of 2,700 applications planned into as few waves as
/// it allows (no wave limit, no pilot, no constraints, no precedence,
/// tracks and bandwidth to spare): production follows its test copies, so
/// wave 1 holds the copies and most of production, over 2,000
/// applications, a size at which a workbook cell overflows.
pub fn one_big_wave() -> (Estate, Plan) {
    let mut estate = generate_estate(&GenerateConfig::with_default_dependencies(4_000, 2_700, 15));
    estate.constraints.clear();
    // Names as long as real ones ("Radiology Information System (RIS)"),
    // where the generator's are short ("app0004").
    for app in &mut estate.applications {
        app.name = format!("{} (clinical document management)", app.name);
    }
    let mut config = PlanConfig {
        max_servers_per_wave: None,
        pilot_applications: 0,
        search_passes: 0,
        blackouts: Vec::new(),
        precedence: waveplan_core::group::PrecedenceRules {
            service: waveplan_core::group::PrecedenceRule::Ignore,
            database: waveplan_core::group::PrecedenceRule::Ignore,
            storage: waveplan_core::group::PrecedenceRule::Ignore,
        },
        ..config("unused")
    };
    // Enough cutover tracks for every application in one window, and
    // bandwidth to replicate them all within the wave.
    config.downtime.cutover_tracks = 2_700;
    config.downtime.bandwidth_mbps = 100_000.0;
    config.wave_days = 60;
    let plan = plan_waves(&estate, &config);
    (estate, plan)
}
