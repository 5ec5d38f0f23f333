//! `waveplan export`: a saved plan written in any format of
//! `waveplan_export::Format` by the session, atomically (a temporary file in
//! the target's directory, renamed into place), so a failed export never
//! leaves a half-written file under the name asked for.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use waveplan_export::{Format, GroupBy, Options, Scope};

/// What `waveplan export` is asked.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The project file.
    pub project: PathBuf,
    /// The format.
    #[arg(long, short = 'f', value_parser = format_parser())]
    pub format: Format,
    /// Output file; for csv a directory (one file per table) or a name ending in .zip.
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// The scenario to export.
    #[arg(long, default_value = "baseline")]
    pub scenario: String,
    /// Only this application and what it talks to (diagrams, cmf, ics, jira-csv).
    #[arg(long, conflicts_with = "wave")]
    pub app: Option<String>,
    /// Only this wave (diagrams, cmf, ics, jira-csv).
    #[arg(long)]
    pub wave: Option<u32>,
    /// How diagrams cluster their nodes.
    #[arg(long, value_parser = ["wave", "move-group"], default_value = "wave")]
    pub group_by: String,
    /// The client's or estate's name, for titles.
    #[arg(long)]
    pub title: Option<String>,
    /// AWS region for the cmf intake form.
    #[arg(long)]
    pub aws_region: Option<String>,
    /// AWS account id for the cmf intake form.
    #[arg(long)]
    pub aws_account: Option<String>,
    /// Carry the project's audit trail (who did what, when; its hash chain
    /// checked) as the workbook's last sheet or the report's last section.
    #[arg(long)]
    pub with_history: bool,
}

fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.iter().map(|f| PossibleValue::new(f.id()).help(f.description())))
        .map(|id| Format::parse(&id).unwrap_or(Format::Json))
}

/// Runs `waveplan export`: the session's export, read-only (it works while
/// the app holds the project).
pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    if args.with_history && !args.format.carries_audit() {
        let carriers: Vec<&str> = Format::ALL.iter().filter(|f| f.carries_audit()).map(|f| f.id()).collect();
        anyhow::bail!("{} does not carry the audit trail; --with-history is for {}", args.format, carriers.join(", "));
    }
    let session = crate::commands::open_reader(&args.project, &args.scenario)?;
    crate::commands::load_plan(&session, &args.scenario)?;
    let scope = match (&args.app, args.wave) {
        (Some(app), _) => Scope::Application(app.clone()),
        (None, Some(wave)) => Scope::Wave(wave),
        (None, None) => Scope::Estate,
    };
    let options = Options {
        scope,
        group_by: if args.group_by == "move-group" { GroupBy::MoveGroup } else { GroupBy::Wave },
        title: args.title.clone(),
        scenario: Some(args.scenario.clone()),
        // Filled in by the session from the project file.
        project_id: None,
        generated_at: Some(chrono::Utc::now().naive_utc()),
        aws_region: args.aws_region.clone(),
        aws_account_id: args.aws_account.clone(),
        browser: None,
        audit: if args.with_history { Some(session.audit_appendix()?) } else { None },
    };
    let output = &args.output;
    let exported = session.export(args.format, output, options)?;
    let is_zip = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if args.format == Format::Csv && !is_zip {
        println!("wrote {} CSV tables to {}", exported.written.len(), output.display());
    } else {
        println!("wrote {} ({}, {} KB)", output.display(), args.format, exported.bytes.div_ceil(1024));
    }
    for note in &exported.notes {
        eprintln!("waveplan: warning: {note}");
    }
    Ok(ExitCode::SUCCESS)
}
