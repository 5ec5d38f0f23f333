//! The command line, as clap reads it.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

/// Plan cloud-migration waves from the inventories an estate already has.
#[derive(Parser, Debug)]
#[command(name = "waveplan", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import inventory files into a project (created if missing). All or nothing:
    /// on any error, nothing is saved.
    Import {
        /// Files to import, of any format `waveplan formats` lists, recognised by content.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The project file.
        #[arg(long, short = 'p')]
        project: PathBuf,
        /// Read every file as this format (an id from `waveplan formats`).
        #[arg(long)]
        format: Option<String>,
        /// The host a netstat/ss capture was taken on (default: from the file name).
        #[arg(long)]
        host: Option<String>,
        /// Read spreadsheets of no known format with this saved column mapping.
        #[arg(long)]
        mapping: Option<String>,
        /// Which sources win when they disagree: format ids, most trusted
        /// first (saved in the project for later imports).
        #[arg(long, value_delimiter = ',')]
        precedence: Option<Vec<String>>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the formats `import` reads and how each is recognised.
    Formats,
    /// Propose applications for servers in none, from the connection graph
    /// (community detection); --accept adds them to the project.
    Propose {
        /// The project file.
        project: PathBuf,
        /// Add the proposals as applications (tagged proposed=true, to rename later).
        #[arg(long)]
        accept: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Column mappings for spreadsheets of no known format.
    #[command(subcommand)]
    Mapping(MappingCommand),
    /// Compute the wave plan, save it in the project and print it.
    Plan {
        /// The project file.
        project: PathBuf,
        #[command(flatten)]
        settings: PlanSettings,
        /// The scenario (named plan) to save it as.
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Print the plan as JSON (see docs/plan-json.md).
        #[arg(long)]
        json: bool,
    },
    /// Write a saved plan to a file: workbook, report, tables, diagrams, calendar, issues.
    Export(crate::export::ExportArgs),
    /// Generate a deterministic synthetic estate in the native format.
    Generate {
        /// Servers (devices included).
        #[arg(long, default_value_t = 1000)]
        servers: usize,
        /// Applications.
        #[arg(long, default_value_t = 200)]
        apps: usize,
        /// Dependencies; 20 per server when not given.
        #[arg(long)]
        dependencies: Option<usize>,
        /// Random seed: the same seed gives the same estate.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory to write the CSV files into (created if missing).
        #[arg(long, short = 'o')]
        output: PathBuf,
    },
    /// Say why an application is in its wave and what would have to change to move it earlier.
    Explain {
        /// The project file.
        project: PathBuf,
        /// The application.
        app: String,
        /// The scenario.
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What-if: what breaks, and what the objective does, if an application moved to a wave (nothing is saved).
    Move {
        /// The project file.
        project: PathBuf,
        /// The application.
        app: String,
        /// The wave to move it to.
        #[arg(long)]
        wave: u32,
        /// The scenario.
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Named plans (scenarios) in a project: list, copy, rename, delete.
    #[command(subcommand)]
    Scenario(crate::scenario::ScenarioCommand),
    /// Two scenarios side by side on every metric: waves, end date, traffic-days, downtime, DR.
    Compare(crate::scenario::CompareArgs),
    /// The cutovers of a scenario in time order, or one application's cutover with its arithmetic, replication and DR.
    Cutover(crate::cutover::CutoverArgs),
    /// Show or change a scenario's settings (waves, downtime and DR constants) and re-plan it.
    Settings(crate::settings::SettingsArgs),
    /// Show or change the project's shared-infrastructure ports (DNS, NTP,
    /// directory, monitoring, backup, ...); dependencies already imported are
    /// re-classified under the new list.
    Infrastructure(crate::infrastructure::InfrastructureArgs),
    /// The project's audit trail: who imported, planned, moved or edited
    /// what, when and where; --verify checks its hash chain.
    History(crate::history::HistoryArgs),
    /// Write a clean copy of the project to hand on: the inventory, settings
    /// and plans, without the undo history or the earlier audit trail.
    Share(crate::history::ShareArgs),
    /// Import the bundled sample hospital into a temporary project, plan it and print the plan.
    Demo {
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum MappingCommand {
    /// Propose a mapping for a file from its header names (printed as JSON to edit or save).
    Suggest {
        /// The spreadsheet (CSV or XLSX).
        file: PathBuf,
        /// What its rows are: servers, applications or dependencies.
        #[arg(long, default_value = "servers")]
        table: String,
        /// The name to give the mapping.
        #[arg(long, default_value = "suggested")]
        name: String,
    },
    /// Save a mapping in a project, from a JSON file (as `suggest` prints) or from
    /// the file's headers as suggested.
    Save {
        /// The project file.
        project: PathBuf,
        /// A mapping as JSON.
        #[arg(long, conflicts_with = "suggest_from")]
        json: Option<PathBuf>,
        /// Save what `suggest` proposes for this spreadsheet.
        #[arg(long)]
        suggest_from: Option<PathBuf>,
        /// What the rows are, with --suggest-from.
        #[arg(long, default_value = "servers")]
        table: String,
        /// The mapping's name.
        #[arg(long)]
        name: String,
    },
    /// List the mappings saved in a project.
    List {
        /// The project file.
        project: PathBuf,
    },
}

/// Planner settings; what is not given comes from the project's last plan.
#[derive(clap::Args, Debug, Default)]
pub struct PlanSettings {
    /// First day of wave 1 (YYYY-MM-DD); defaults to the project's setting, or next Monday.
    #[arg(long)]
    pub start: Option<NaiveDate>,
    /// Days per wave.
    #[arg(long)]
    pub wave_days: Option<u32>,
    /// Most servers per wave (0 for no limit).
    #[arg(long)]
    pub max_servers_per_wave: Option<u32>,
    /// Most storage replicated per wave, GB (0 for no limit).
    #[arg(long)]
    pub max_storage_gb_per_wave: Option<f64>,
    /// Applications in the pilot wave (0 for no pilot).
    #[arg(long)]
    pub pilot: Option<u32>,
    /// Bandwidth to the cloud for migration, Mbit/s.
    #[arg(long)]
    pub bandwidth_mbps: Option<f64>,
    #[command(flatten)]
    pub planner: crate::planner::PlannerFlags,
}

pub fn parse() -> Cli {
    Cli::parse()
}
