//! `waveplan history P [--json] [--since DATE] [--verify]`: the project's
//! audit trail (who imported, planned, moved or edited what, when, on which
//! machine), read-only so it works while the app holds the project; with
//! `--verify`, its hash chain checked (exit 1 when broken). And `waveplan
//! share P -o COPY`: a clean copy of the project to hand to a client.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};

use crate::commands::{open_project, open_reader};

/// What `waveplan history` is asked.
#[derive(clap::Args, Debug)]
pub struct HistoryArgs {
    /// The project file.
    pub project: PathBuf,
    /// Print a JSON list of {time, user, host, action, summary, subjects, hash}.
    #[arg(long)]
    pub json: bool,
    /// Only entries from this day on (YYYY-MM-DD, UTC) or this moment (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Check the trail's hash chain; exit 1 when an entry was removed or edited.
    #[arg(long)]
    pub verify: bool,
}

/// What `waveplan share` is asked.
#[derive(clap::Args, Debug)]
pub struct ShareArgs {
    /// The project file.
    pub project: PathBuf,
    /// The copy to write (must not exist).
    #[arg(long, short = 'o')]
    pub output: PathBuf,
}

fn since(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(moment) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(moment.with_timezone(&Utc));
    }
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(day) => Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        Err(_) => bail!("--since '{text}': expected a date (YYYY-MM-DD) or a moment (RFC 3339)"),
    }
}

/// `waveplan history`.
pub fn run(args: &HistoryArgs) -> Result<ExitCode> {
    let session = open_reader(&args.project, waveplan_app::DEFAULT_SCENARIO)?;
    if args.verify {
        let check = session.verify_audit()?;
        return Ok(match check.broken {
            None => {
                let entries = match check.entries {
                    0 => "no entries yet".to_string(),
                    1 => "1 entry".to_string(),
                    n => format!("{n} entries, each chained to the one before"),
                };
                println!("{}: the audit trail is intact ({entries})", args.project.display());
                ExitCode::SUCCESS
            }
            Some(broken) => {
                eprintln!("waveplan: error: {}: the audit trail is broken: {}", args.project.display(), broken.reason);
                ExitCode::from(1)
            }
        });
    }
    let since = args.since.as_deref().map(since).transpose()?;
    let records = session.audit_log(since)?;
    if args.json {
        let entries: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                serde_json::json!({
                    "time": r.entry.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "user": r.entry.user,
                    "host": r.entry.host,
                    "action": r.entry.action,
                    "summary": r.entry.summary,
                    "subjects": r.entry.subjects,
                    "hash": r.hash,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(ExitCode::SUCCESS);
    }
    if records.is_empty() {
        println!("{}: nothing has been done to this project yet", args.project.display());
    }
    for r in &records {
        println!(
            "{}  {}@{}  {:<16} {}",
            r.entry.time.format("%Y-%m-%d %H:%M:%S UTC"),
            r.entry.user,
            r.entry.host,
            r.entry.action,
            r.entry.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `waveplan share`.
pub fn share(args: &ShareArgs) -> Result<ExitCode> {
    let mut session = open_project(&args.project)?;
    session.share(&args.output)?;
    println!(
        "wrote {}: the inventory, settings and plans of {}, without its undo history or earlier audit trail",
        args.output.display(),
        args.project.display()
    );
    Ok(ExitCode::SUCCESS)
}
