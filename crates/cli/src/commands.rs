//! What each subcommand does: open files, call the libraries, print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration, Local, NaiveDate};
use waveplan_core::generate::{GenerateConfig, generate_estate};
use waveplan_core::merge::{MergePolicy, merge_with};
use waveplan_core::{Estate, Plan, PlanConfig, plan_waves};
use waveplan_export::native::{NativeTable, write_native};
use waveplan_import::mapped::{ColumnMapping, MappedTable, suggest_mapping};
use waveplan_import::{Opened, Options, Source, read_sources};
use waveplan_store::{ImportRecord, Project};

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
        Command::Plan { project, settings, scenario, json } => {
            let mut project = open_project(&project)?;
            let plan = plan(&mut project, &settings, &scenario)?;
            print_plan(&plan, &scenario, project.path(), json)?;
            if !plan.feasible {
                crate::planner::report_infeasible(&plan, project.path());
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
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
    }
}

pub(crate) fn open_project(path: &Path) -> Result<Project> {
    if !path.exists() {
        bail!(
            "{}: no such project (create one with `waveplan import FILE... --project {}`)",
            path.display(),
            path.display()
        );
    }
    Ok(Project::open(path)?)
}

/// Reads, merges and saves, all or nothing.
fn import(files: &[PathBuf], project_path: &Path, request: &ImportRequest<'_>) -> Result<ExitCode> {
    for file in files {
        if !file.is_file() {
            bail!("cannot read {}: no such file", file.display());
        }
    }
    let mut project = if project_path.exists() { Some(open_project(project_path)?) } else { None };
    let mut estate = match &project {
        Some(project) => project.load_estate()?,
        None => Estate::default(),
    };
    let mapping: Option<ColumnMapping> = match (request.mapping, &project) {
        (None, _) => None,
        (Some(name), Some(project)) => {
            Some(project.setting(&waveplan_store::keys::mapping(name))?.with_context(|| {
                format!("{}: no mapping named '{name}' (see `waveplan mapping list`)", project_path.display())
            })?)
        }
        (Some(name), None) => bail!("{}: no such project, so no mapping named '{name}'", project_path.display()),
    };
    let saved_policy: Option<MergePolicy> = match &project {
        Some(project) => project.setting(waveplan_store::keys::MERGE_POLICY)?,
        None => None,
    };
    // A new precedence keeps the conflicts the user settled one by one.
    let policy = match request.precedence {
        Some(order) => MergePolicy { precedence: order.to_vec(), ..saved_policy.unwrap_or_default() },
        None => saved_policy.unwrap_or_default(),
    };

    let sources: Vec<_> =
        files.iter().map(|path| Opened::new(path.display().to_string(), move || std::fs::File::open(path))).collect();
    let sources: Vec<&dyn Source> = sources.iter().map(|s| s as &dyn Source).collect();
    let infrastructure = match &project {
        Some(project) => crate::infrastructure::project_rules(project)?,
        None => Default::default(),
    };
    let options = Options {
        format: request.format,
        host: request.host,
        mapping: mapping.as_ref(),
        file_mappings: None,
        infrastructure: Some(&infrastructure),
    };
    let imported = read_sources(&sources, &options);
    let mut diagnostics = imported.diagnostics;
    diagnostics.extend(merge_with(&mut estate, imported.batch, &policy));
    let saved = !diagnostics.iter().any(|d| d.is_error());
    let summary = report::ImportSummary::new(&estate, &diagnostics, files, saved);
    if saved {
        let summary_json = serde_json::to_string(&summary)?;
        let record = ImportRecord {
            files: summary.files.clone(),
            file_hashes: Vec::new(),
            imported_at: chrono::Utc::now(),
            summary_json,
        };
        if let Some(project) = &mut project {
            project.save_import(&estate, &record)?;
            if request.precedence.is_some() {
                project.set_setting(waveplan_store::keys::MERGE_POLICY, &policy)?;
            }
        } else {
            let result = Project::create(project_path).and_then(|mut project| {
                project.save_import(&estate, &record)?;
                if request.precedence.is_some() {
                    project.set_setting(waveplan_store::keys::MERGE_POLICY, &policy)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                // A project that could not be filled is not left half made.
                let _ = std::fs::remove_file(project_path);
                return Err(error.into());
            }
        }
    }
    if request.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        report::print_import(&summary, project_path);
    }
    Ok(if saved { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn propose(project_path: &Path, accept: bool, json: bool) -> Result<ExitCode> {
    let mut project = open_project(project_path)?;
    let mut estate = project.load_estate()?;
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
        for proposal in &proposals {
            estate.applications.push(waveplan_core::Application {
                name: proposal.name.clone(),
                servers: proposal.servers.clone(),
                tags: [("proposed".to_string(), "true".to_string())].into(),
                provenance: [("name".to_string(), "proposal".to_string())].into(),
                ..Default::default()
            });
        }
        let record = ImportRecord {
            files: vec!["(accepted application proposals)".into()],
            file_hashes: Vec::new(),
            imported_at: chrono::Utc::now(),
            summary_json: serde_json::to_string(&serde_json::json!({ "proposals": described }))?,
        };
        project.save_import(&estate, &record)?;
        if !json {
            println!("added {} applications to {} (tagged proposed=true)", proposals.len(), project_path.display());
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
            let mut project = open_project(&project)?;
            project.set_setting(&waveplan_store::keys::mapping(&name), &mapping)?;
            println!("saved mapping '{name}' ({} of {} columns mapped)", mapping.columns.len(), mapping.table.as_str());
        }
        MappingCommand::List { project } => {
            let project = open_project(&project)?;
            for name in project.setting_keys(waveplan_store::keys::MAPPING_PREFIX)? {
                let mapping: Option<ColumnMapping> = project.setting(&name)?;
                if let Some(mapping) = mapping {
                    let columns: Vec<String> =
                        mapping.columns.iter().map(|(field, header)| format!("{field}={header}")).collect();
                    println!("{} ({}): {}", mapping.name, mapping.table.as_str(), columns.join(", "));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn next_monday(today: NaiveDate) -> NaiveDate {
    today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()))
}

/// The planner settings: the scenario's own (or, for a new scenario, the
/// project's last used), overridden by the command line.
pub(crate) fn plan_config(project: &Project, settings: &PlanSettings, scenario: &str) -> Result<PlanConfig> {
    let saved = match crate::scenario::saved_config(project, scenario)? {
        Some(config) => Some(config),
        None => project.setting(waveplan_store::keys::PLAN_CONFIG)?,
    };
    let mut config =
        saved.unwrap_or_else(|| PlanConfig { start: next_monday(Local::now().date_naive()), ..PlanConfig::default() });
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

fn plan(project: &mut Project, settings: &PlanSettings, scenario: &str) -> Result<Plan> {
    let estate = project.load_estate()?;
    if estate.applications.is_empty() && estate.servers.is_empty() {
        bail!("{}: the project has no inventory yet (import some files first)", project.path().display());
    }
    let config = plan_config(project, settings, scenario)?;
    let plan = plan_waves(&estate, &config);
    if !plan.feasible {
        return Ok(plan);
    }
    project.save_plan(scenario, &serde_json::to_string(&config)?, &serde_json::to_string(&plan)?)?;
    project.set_setting(waveplan_store::keys::PLAN_CONFIG, &config)?;
    Ok(plan)
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

pub(crate) fn load_plan(project: &Project, scenario: &str) -> Result<Plan> {
    let Some((_, plan_json)) = project.load_plan(scenario)? else {
        bail!(
            "{}: no plan named '{scenario}' (run `waveplan plan {} --scenario {scenario}` first)",
            project.path().display(),
            project.path().display()
        );
    };
    serde_json::from_str(&plan_json)
        .with_context(|| format!("{}: the saved plan '{scenario}' cannot be read", project.path().display()))
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
    let (estate, diagnostics) = waveplan_import::sample::hospital();
    if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
        bail!("the bundled sample does not import: {error}");
    }
    let mut project = Project::create(&project_path)?;
    let summary = report::ImportSummary::new(&estate, &diagnostics, &[], true);
    let record = ImportRecord {
        files: waveplan_import::sample::HOSPITAL.iter().map(|(name, _)| format!("samples/hospital/{name}")).collect(),
        file_hashes: Vec::new(),
        imported_at: chrono::Utc::now(),
        summary_json: serde_json::to_string(&summary)?,
    };
    project.save_import(&estate, &record)?;
    let start = next_monday(Local::now().date_naive());
    let plan = plan(&mut project, &PlanSettings { start: Some(start), ..PlanSettings::default() }, "baseline")?;
    if !json {
        println!("Waveplan demo: the sample community hospital (samples/hospital), imported and planned.\n");
        report::print_import(&summary, Path::new("(temporary project)"));
        println!();
    }
    print_plan(&plan, "baseline", Path::new("(temporary project)"), json)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_monday_is_after_today() {
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(next_monday(saturday), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(next_monday(monday), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    }
}
