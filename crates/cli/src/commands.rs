//! What each subcommand does: open files, call the libraries, print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::Local;
use waveplan_app::{DEFAULT_SCENARIO, ImportFile, ImportOptions, Session, next_monday};
use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_core::merge::MergePolicy;
use waveplan_core::{Estate, Plan, PlanConfig};
use waveplan_export::native::{NativeTable, write_native};
use waveplan_import::mapped::{ColumnMapping, MappedTable, suggest_mapping};

use crate::args::{Cli, Command, MappingCommand, PlanSettings};
use crate::report;

/// What `import` was asked, beyond the files and the project.
pub struct ImportRequest<'a> {
    pub format: Option<&'a str>,
    pub host: Option<&'a str>,
    pub mapping: Option<&'a str>,
    pub precedence: Option<&'a [String]>,
    pub json: bool,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Import { files, project, format, host, mapping, precedence, json } => {
            let request = ImportRequest {
                format: format.as_deref(),
                host: host.as_deref(),
                mapping: mapping.as_deref(),
                precedence: precedence.as_deref(),
                json,
            };
            import(&files, &project, &request)
        }
        Command::Formats => {
            let formats = waveplan_import::formats();
            let width = formats.iter().map(|f| f.id.len()).max().unwrap_or(0);
            for format in formats {
                println!(
                    "{:<width$}  {}\n{:<width$}  recognised by: {}",
                    format.id, format.name, "", format.recognised_by
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Mapping(command) => mapping(command),
        Command::Propose { project, accept, json } => propose(&project, accept, json),
        Command::Plan { project, settings, scenario, json } => plan(&project, &settings, &scenario, json),
        Command::Explain { project, app, scenario, json } => crate::planner::explain(&project, &app, &scenario, json),
        Command::Move { project, app, wave, scenario, json } => {
            crate::planner::what_if(&project, &app, wave, &scenario, json)
        }
        Command::Export(args) => crate::export::run(&args),
        Command::Generate { servers, apps, dependencies, seed, output } => {
            let config = GenerateConfig {
                servers,
                applications: apps,
                dependencies: dependencies.unwrap_or(servers * 20),
                seed,
            };
            let estate = generate_estate(&config);
            write_native_tables(&estate, &output)?;
            let counts = estate.counts();
            println!(
                "wrote {} servers, {} devices, {} applications, {} data stores, {} dependencies, {} constraints to {}",
                counts.servers,
                counts.devices,
                counts.applications,
                counts.datastores,
                counts.dependencies,
                counts.constraints,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Infrastructure(args) => crate::infrastructure::run(args),
        Command::Demo { json } => demo(json),
        Command::Scenario(command) => crate::scenario::run(command),
        Command::Compare(args) => crate::scenario::compare(&args),
        Command::Settings(args) => crate::settings::run(&args),
        Command::Cutover(args) => crate::cutover::run(&args),
        Command::History(args) => crate::history::run(&args),
        Command::Share(args) => crate::history::share(&args),
    }
}

/// The project at `path`, opened for writing: one writer at a time, so
/// this is refused, naming the holder, while the desktop app or another
/// `waveplan` holds it.
pub(crate) fn open_project(path: &Path) -> Result<Session> {
    must_exist(path)?;
    Ok(said_found(Session::open(path)?))
}

/// The session, once what its file holds that this version refuses has
/// been said on standard error.
fn said_found(session: Session) -> Session {
    for found in session.found() {
        eprintln!("waveplan: warning: {}: {found}", session.path().display());
    }
    session
}

/// The project at `path`, opened to read only (it works while another
/// holds the project), on `scenario`.
pub(crate) fn open_reader(path: &Path, scenario: &str) -> Result<Session> {
    must_exist(path)?;
    let mut session = said_found(Session::open_read_only(path)?);
    session.use_scenario(scenario)?;
    Ok(session)
}

fn must_exist(path: &Path) -> Result<()> {
    if !path.exists() {
        bail!(
            "{}: no such project (create one with `waveplan import FILE... --project {}`)",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

/// Reads, merges and saves, all or nothing: one action of the session.
fn import(files: &[PathBuf], project_path: &Path, request: &ImportRequest<'_>) -> Result<ExitCode> {
    let unreadable: Vec<waveplan_core::Diagnostic> = files
        .iter()
        .filter_map(|file| {
            // A folder stands for the files in it (the session reads them).
            let problem = waveplan_app::unreadable(file)?;
            let mut diagnostic = waveplan_core::Diagnostic::new(waveplan_core::Severity::Error, problem);
            diagnostic.file = Some(file.display().to_string());
            Some(diagnostic)
        })
        .collect();
    if !unreadable.is_empty() {
        // Said as every other refused import is: the one JSON object of
        // docs/import-json.md with --json, the diagnostics on stderr without.
        let summary = report::ImportSummary::new(&Estate::default(), &unreadable, files, false);
        if request.json {
            println!("{}", serde_json::to_string_pretty(&summary)?);
        } else {
            report::print_import(&summary, project_path);
        }
        return Ok(ExitCode::from(1));
    }
    let created = !project_path.exists();
    let mut session = if created { Session::create(project_path)? } else { open_project(project_path)? };
    let result = import_into(&mut session, files, project_path, request);
    if created && !matches!(result, Ok(true)) {
        // A project that could not be filled is not left half made.
        drop(session);
        let _ = std::fs::remove_file(project_path);
    }
    Ok(if result? { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Stages the import, prints what it found, saves it when it has no
/// errors; whether it was saved.
fn import_into(
    session: &mut Session,
    files: &[PathBuf],
    project_path: &Path,
    request: &ImportRequest<'_>,
) -> Result<bool> {
    let mapping: Option<ColumnMapping> = match request.mapping {
        None => None,
        Some(name) => Some(session.project().setting(&waveplan_store::keys::mapping(name))?.with_context(|| {
            format!("{}: no mapping named '{name}' (see `waveplan mapping list`)", project_path.display())
        })?),
    };
    let saved_policy: Option<MergePolicy> = session.project().setting(waveplan_store::keys::MERGE_POLICY)?;
    // A new precedence keeps the conflicts the user settled one by one.
    let policy = match request.precedence {
        Some(order) => MergePolicy { precedence: order.to_vec(), ..saved_policy.unwrap_or_default() },
        None => saved_policy.unwrap_or_default(),
    };
    let options = ImportOptions {
        format: request.format.map(str::to_string),
        host: request.host.map(str::to_string),
        mapping,
        file_mappings: Default::default(),
        policy: Some(policy),
    };
    let staged = session.stage_import(files.iter().cloned().map(ImportFile::as_given).collect(), options, &|_| true)?;
    let saved = staged.can_save();
    let summary = report::ImportSummary::new(&staged.estate, &staged.diagnostics, files, saved);
    if saved {
        session.commit_import(staged)?;
    }
    if request.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        report::print_import(&summary, project_path);
    }
    Ok(saved)
}

fn propose(project_path: &Path, accept: bool, json: bool) -> Result<ExitCode> {
    let mut session = if accept { open_project(project_path)? } else { open_reader(project_path, DEFAULT_SCENARIO)? };
    let estate = session.estate().clone();
    let proposals = waveplan_core::propose::propose_applications(&estate);
    let described: Vec<serde_json::Value> = proposals
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "servers": p.servers.iter().map(|&s| estate.server(s).name.clone()).collect::<Vec<_>>(),
                "cohesion": (p.cohesion() * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "proposals": described, "accepted": accept }))?
        );
    } else if proposals.is_empty() {
        println!(
            "no proposals: every server with dependencies belongs to an application, or the servers in none do not talk to each other"
        );
    } else {
        for (p, d) in proposals.iter().zip(&described) {
            let names: Vec<&str> = d["servers"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
            println!(
                "{} ({} servers, {:.0}% of their traffic inside): {}",
                p.name,
                p.servers.len(),
                p.cohesion() * 100.0,
                names.join(", ")
            );
        }
    }
    if accept && !proposals.is_empty() {
        let added = session.accept_proposals(&proposals)?;
        if !json {
            println!("added {added} applications to {} (tagged proposed=true)", project_path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn mapped_table(name: &str) -> Result<MappedTable> {
    MappedTable::ALL
        .into_iter()
        .find(|t| t.as_str() == name)
        .with_context(|| format!("--table must be one of {}", MappedTable::ALL.map(|t| t.as_str()).join(", ")))
}

/// The first table of a spreadsheet (the first sheet with a header, for a workbook).
fn first_table(file: &Path) -> Result<waveplan_import::table::Table> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let table = if waveplan_import::xlsx::is_zip(&bytes) {
        let workbook = waveplan_import::xlsx::read_workbook(&name, &bytes).map_err(|d| anyhow::anyhow!("{d}"))?;
        workbook
            .sheets
            .into_iter()
            .max_by_key(|s| s.rows.len())
            .with_context(|| format!("{name}: no sheet has a header row"))?
    } else {
        waveplan_import::table::read_csv_table(&name, &bytes, 0).map_err(|d| anyhow::anyhow!("{d}"))?
    };
    Ok(table)
}

fn mapping(command: MappingCommand) -> Result<ExitCode> {
    match command {
        MappingCommand::Suggest { file, table, name } => {
            let mut mapping = suggest_mapping(&first_table(&file)?, mapped_table(&table)?);
            mapping.name = name;
            println!("{}", serde_json::to_string_pretty(&mapping)?);
        }
        MappingCommand::Save { project, json, suggest_from, table, name } => {
            let mut mapping: ColumnMapping = match (json, suggest_from) {
                (Some(json), _) => serde_json::from_slice(
                    &std::fs::read(&json).with_context(|| format!("cannot read {}", json.display()))?,
                )
                .with_context(|| format!("{}: not a column mapping", json.display()))?,
                (None, Some(file)) => suggest_mapping(&first_table(&file)?, mapped_table(&table)?),
                (None, None) => bail!("give the mapping with --json FILE or --suggest-from SPREADSHEET"),
            };
            mapping.name = name.clone();
            // A mapping without the fields its table must have would only
            // fail the import it is saved for: refused here, saying what to add.
            let missing: Vec<String> = mapping
                .table
                .required()
                .iter()
                .filter(|field| !mapping.columns.contains_key(**field))
                .map(|field| format!("'{field}'"))
                .collect();
            if !missing.is_empty() {
                bail!(
                    "nothing was saved: mapping '{name}' names no column for {} (a {} mapping needs it); print a suggestion with `waveplan mapping suggest FILE`, add the column, and save it with --json",
                    missing.join(" and "),
                    mapping.table.as_str()
                );
            }
            open_project(&project)?.save_mapping(&mapping)?;
            println!("saved mapping '{name}' ({} of {} columns mapped)", mapping.columns.len(), mapping.table.as_str());
        }
        MappingCommand::List { project } => {
            for mapping in open_reader(&project, DEFAULT_SCENARIO)?.saved_mappings()? {
                let columns: Vec<String> =
                    mapping.columns.iter().map(|(field, header)| format!("{field}={header}")).collect();
                println!("{} ({}): {}", mapping.name, mapping.table.as_str(), columns.join(", "));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The planner settings: the scenario's own (or, for a new scenario, the
/// project's last used), overridden by the command line.
pub(crate) fn plan_config(session: &Session, settings: &PlanSettings) -> Result<PlanConfig> {
    let mut config = session.plan_config(Local::now().date_naive())?;
    if let Some(start) = settings.start {
        config.start = start;
    }
    if let Some(days) = settings.wave_days {
        if days == 0 {
            bail!("--wave-days must be at least 1");
        }
        config.wave_days = days;
    }
    if let Some(max) = settings.max_servers_per_wave {
        config.max_servers_per_wave = (max > 0).then_some(max);
    }
    if let Some(max) = settings.max_storage_gb_per_wave {
        config.max_storage_gb_per_wave = (max > 0.0).then_some(max);
    }
    if let Some(pilot) = settings.pilot {
        config.pilot_applications = pilot;
    }
    if let Some(bandwidth) = settings.bandwidth_mbps {
        if bandwidth.is_nan() || bandwidth <= 0.0 {
            bail!("--bandwidth-mbps must be more than 0");
        }
        config.downtime.bandwidth_mbps = bandwidth;
    }
    crate::planner::apply(&mut config, &settings.planner)?;
    Ok(config)
}

/// `waveplan plan`: plans the scenario (one action of the session) and
/// prints the plan; an infeasible one is printed with its conflicts and
/// nothing is saved.
fn plan(project_path: &Path, settings: &PlanSettings, scenario: &str, json: bool) -> Result<ExitCode> {
    let mut session = open_project(project_path)?;
    session.use_scenario(scenario)?;
    let config = plan_config(&session, settings)?;
    match session.plan_with(config) {
        Ok(plan) => {
            print_plan(plan, scenario, project_path, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(waveplan_app::Error::Infeasible { plan }) => {
            print_plan(&plan, scenario, project_path, json)?;
            crate::planner::report_infeasible(&plan, project_path);
            Ok(ExitCode::from(1))
        }
        Err(error) => Err(error.into()),
    }
}

fn print_plan(plan: &Plan, scenario: &str, project: &Path, json: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        waveplan_export::json::write_plan_json(plan, &mut out)?;
    } else {
        report::print_plan(&mut out, plan, scenario, project)?;
    }
    out.flush()?;
    Ok(())
}

/// The plan of `scenario`, its journal applied, or an error saying how to make one.
pub(crate) fn load_plan(session: &Session, scenario: &str) -> Result<Plan> {
    if let Some(plan) = session.saved_plan(scenario)? {
        return Ok(plan);
    }
    let path = session.path().display().to_string();
    let names: Vec<String> = session.project().scenarios()?.into_iter().map(|s| s.name).collect();
    // A scenario that is not there is most often a name mistyped: name the
    // ones that are, rather than suggest planning a new one by that name.
    if !names.is_empty() && !names.iter().any(|n| n == scenario) {
        let hint = names
            .iter()
            .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &scenario.to_lowercase()), n))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| format!("; did you mean '{n}'?"))
            .unwrap_or_default();
        let listed: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
        bail!("{path}: no scenario named '{scenario}'{hint} (the project has {})", listed.join(", "));
    }
    bail!("{path}: no plan named '{scenario}' (run `waveplan plan {path} --scenario {scenario}` first)")
}

fn write_native_tables(estate: &Estate, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for table in NativeTable::ALL {
        let path = dir.join(table.file_name());
        let staging =
            tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
        let mut writer = std::io::BufWriter::new(staging);
        write_native(estate, table, &mut writer).with_context(|| format!("cannot write {}", path.display()))?;
        let staging = writer.into_inner().map_err(|e| e.into_error())?;
        staging.persist(&path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn demo(json: bool) -> Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let project_path = dir.path().join("hospital.waveplan");
    let mut session = Session::create(&project_path)?;
    let diagnostics = session.import_sample()?;
    let summary = report::ImportSummary::new(session.estate(), &diagnostics, &[], true);
    let config = PlanConfig { start: next_monday(Local::now().date_naive()), ..PlanConfig::default() };
    let plan = session.plan_with(config)?;
    if !json {
        println!("Waveplan demo: the sample community hospital (samples/hospital), imported and planned.\n");
        report::print_import(&summary, Path::new("(temporary project)"));
        println!();
    }
    print_plan(plan, DEFAULT_SCENARIO, Path::new("(temporary project)"), json)?;
    Ok(ExitCode::SUCCESS)
}
