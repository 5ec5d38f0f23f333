//! `waveplan export`: a saved plan written in any format of
//! `waveplan_export::Format`, atomically (a temporary file in the target's
//! directory, renamed into place), so a failed export never leaves a
//! half-written file under the name asked for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
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
}

fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.iter().map(|f| PossibleValue::new(f.id()).help(f.description())))
        .map(|id| Format::parse(&id).unwrap_or(Format::Json))
}

/// Runs `waveplan export`.
pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    let project = crate::commands::open_project(&args.project)?;
    let plan = crate::commands::load_plan(&project, &args.scenario)?;
    let estate = project.load_estate()?;
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
        generated_at: Some(chrono::Utc::now().naive_utc()),
        aws_region: args.aws_region.clone(),
        aws_account_id: args.aws_account.clone(),
        browser: None,
        audit: None,
    };
    let output = &args.output;
    let is_zip = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if args.format == Format::Csv && !is_zip {
        if output.is_file() {
            bail!("{}: is a file; csv writes a directory of tables (or give a name ending in .zip)", output.display());
        }
        let files = waveplan_export::files(Format::Csv, &estate, &plan, &options)?;
        std::fs::create_dir_all(output).with_context(|| format!("cannot create {}", output.display()))?;
        for file in &files {
            write_atomically(&output.join(&file.name), &file.bytes)?;
        }
        println!("wrote {} CSV tables to {}", files.len(), output.display());
        return Ok(ExitCode::SUCCESS);
    }
    if output.is_dir() {
        bail!("{}: is a directory; give a file name such as plan.{}", output.display(), args.format.extension());
    }
    let mut bytes = Vec::new();
    waveplan_export::write(args.format, &estate, &plan, &options, &mut bytes)?;
    write_atomically(output, &bytes)?;
    println!("wrote {} ({}, {} KB)", output.display(), args.format, bytes.len().div_ceil(1024));
    Ok(ExitCode::SUCCESS)
}

/// Writes through a temporary file in the same directory renamed into place,
/// so a failed write never leaves a half-written file under the target name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".waveplan-export-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // An export is a document to share, not a secret: the usual file mode.
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", path.display()))?;
    file.as_file().sync_all()?;
    file.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
