//! The types that cross the IPC boundary, in the shape the screens need.
//!
//! Every type here derives `ts_rs::TS`; `ui/src/ipc/types.ts` is generated
//! from them (see [`typescript`]) and a test fails when it is stale. Views
//! are built from the library types in `view.rs`; this file holds no logic.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod board;
mod history;
pub use board::*;
pub use history::*;

/// Record counts of an estate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Servers, devices excluded.
    pub servers: u32,
    /// Applications.
    pub applications: u32,
    /// Data stores.
    pub datastores: u32,
    /// Devices (medical, IoT) that stay on premises.
    pub devices: u32,
    /// Dependencies.
    pub dependencies: u32,
    /// Endpoints outside the inventory.
    pub external_endpoints: u32,
    /// Planning constraints.
    pub constraints: u32,
}

/// The open project, as the title bar and the start screen show it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    /// The file.
    pub path: String,
    /// The name shown: the file name without `.waveplan`.
    pub name: String,
    /// What the inventory holds.
    pub counts: Counts,
    /// The scenario on the board.
    pub scenario: String,
    /// Every scenario of the project.
    pub scenarios: Vec<String>,
    /// Whether the scenario has a plan.
    pub has_plan: bool,
    /// Imports so far.
    pub imports: u32,
    /// Whether an undo is possible, and what it would undo.
    pub undo: Option<String>,
    /// Whether a redo is possible, and what it would redo.
    pub redo: Option<String>,
    /// Whether the project was opened to read only (another writer holds
    /// it): every action is refused.
    pub read_only: bool,
    /// What the user should know about how the file was opened: a stale
    /// lock taken over, a backup made before an upgrade, the rollback
    /// journal on a network share.
    pub notice: Option<String>,
}

/// A project the user opened before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentProject {
    /// The file.
    pub path: String,
    /// The name shown.
    pub name: String,
    /// When it was last opened (RFC 3339).
    pub opened_at: String,
    /// Whether the file is still there.
    #[serde(default)]
    pub exists: bool,
}

/// How a task is getting on, streamed through a channel.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The task's id, for cancelling it.
    pub task: u32,
    /// What it is doing, in words.
    pub stage: String,
    /// Steps done.
    pub done: u32,
    /// Steps in all.
    pub total: u32,
}

/// A diagnostic with where it points.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticView {
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The file.
    pub file: Option<String>,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

/// One file of an import, with what it was recognised as.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFileView {
    /// The file's full path.
    pub path: String,
    /// The file name.
    pub name: String,
    /// Size in bytes.
    pub bytes: u32,
    /// The detected format's id, when recognised.
    pub format: Option<String>,
    /// The header row of a table (empty for a workbook or a capture).
    pub headers: Vec<String>,
    /// The first rows.
    pub rows: Vec<Vec<String>>,
    /// The column mapping it is read with (a spreadsheet of no known format).
    pub mapping: Option<String>,
    /// Saved mapping profiles whose columns this file has, best first.
    pub profiles: Vec<String>,
}

/// The files staged for an import and what importing them would do.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The files.
    pub files: Vec<ImportFileView>,
    /// Every diagnostic of reading and merging.
    pub diagnostics: Vec<DiagnosticView>,
    /// Errors among them: an import with errors cannot be saved.
    pub errors: u32,
    /// Warnings among them.
    pub warnings: u32,
    /// The inventory as it would be after the import.
    pub after: Counts,
    /// The inventory as it is.
    pub before: Counts,
    /// Seconds the read and merge took.
    pub seconds: f64,
    /// Lines of text read (rows of CSV files, connection records).
    pub rows: f64,
    /// Fields that sources disagree on, with the value kept.
    pub conflicts: Vec<crate::wire_import::ConflictView>,
    /// The source precedence (format ids, most trusted first).
    pub precedence: Vec<String>,
}

/// The result of a saved import.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// The project after the import.
    pub project: ProjectView,
    /// The inventory's counts after.
    pub counts: Counts,
}

/// An application on the board.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    /// The application.
    pub name: String,
    /// Its wave.
    pub wave: u32,
    /// Its move group (apps of one group move together).
    pub move_group: u32,
    /// The other applications of its move group.
    pub moves_with: Vec<String>,
    /// Criticality tier.
    pub tier: String,
    /// Environment.
    pub environment: String,
    /// Migration strategy.
    pub strategy: String,
    /// Servers that move with it.
    pub servers: u32,
    /// Cutover downtime, minutes.
    pub downtime_minutes: u32,
    /// Whether the downtime fits its maintenance window (none when it has none).
    pub fits_window: Option<bool>,
    /// Whether it is pinned to its wave.
    pub pinned: bool,
    /// Whether a broken constraint names it.
    pub violated: bool,
}

/// A column of the board.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WaveColumn {
    /// 1 for the first wave.
    pub index: u32,
    /// The name shown.
    pub name: String,
    /// First day (ISO).
    pub start: String,
    /// Last day (ISO).
    pub end: String,
    /// Whether it is the pilot.
    pub pilot: bool,
    /// Servers cutting over.
    pub servers: u32,
    /// The wave's server capacity, if any.
    pub capacity: Option<u32>,
    /// Storage replicated, GB.
    pub storage_gb: f64,
    /// Downtime summed over its cutovers, minutes.
    pub downtime_minutes: u32,
    /// The longest single cutover, minutes.
    pub downtime_longest_minutes: u32,
    /// Blackouts that overlap the wave.
    pub blackouts: Vec<String>,
    /// The cards, in plan order.
    pub cards: Vec<Card>,
}

/// A broken hard constraint.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ViolationView {
    /// The constraint's kind (`precedence`, `pin-wave`, ...).
    pub constraint: String,
    /// What is broken, naming the applications and waves.
    pub message: String,
}

/// The figures a plan is judged by; the board shows how a move changes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Objective {
    /// Broken hard constraints.
    pub hard_violations: u32,
    /// Waves with at least one cutover.
    pub waves: u32,
    /// Last day of the last wave with a cutover (ISO).
    pub programme_end: Option<String>,
    /// Servers in the fullest wave.
    pub fullest_wave_servers: u32,
    /// Downtime over all cutovers, minutes.
    pub downtime_total_minutes: u32,
    /// Waves over their server capacity.
    pub waves_over_capacity: u32,
}

/// The board: waves, cards, what is broken.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    /// The scenario.
    pub scenario: String,
    /// One column per wave.
    pub waves: Vec<WaveColumn>,
    /// Every broken constraint.
    pub violations: Vec<ViolationView>,
    /// The plan's figures.
    pub objective: Objective,
    /// Applications that do not migrate, with why.
    pub not_migrating: Vec<String>,
    /// Planner warnings.
    pub warnings: Vec<String>,
    /// The settings the plan was made with.
    pub settings: PlanSettings,
    /// DR coverage after each wave.
    pub dr_coverage: Vec<CoveragePoint>,
}

/// DR coverage after a wave.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CoveragePoint {
    /// 0 for before any wave.
    pub after_wave: u32,
    /// The day that wave ends (ISO); the programme start for 0.
    pub date: String,
    /// Share of applications meeting their DR target, 0 to 1.
    pub share: f64,
    /// Per tier.
    pub tiers: Vec<TierShare>,
}

/// DR coverage of one tier.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TierShare {
    /// The tier.
    pub tier: String,
    /// Applications of the tier.
    pub applications: u32,
    /// Those meeting their target.
    pub meeting: u32,
}

/// What dropping a card on a wave did.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveOutcome {
    /// The board after the move.
    pub board: Board,
    /// The applications that moved (the card's whole move group).
    pub moved: Vec<String>,
    /// The figures before the move.
    pub before: Objective,
    /// Constraints the move broke (not broken before).
    pub broken: Vec<ViolationView>,
    /// Constraints the move mended.
    pub mended: Vec<ViolationView>,
    /// Milliseconds the move took in the shell (check, re-assembly, save).
    pub millis: f64,
    /// The planner's incremental answer for the move: what it broke and
    /// how the objective changed.
    pub price: MovePrice,
}

/// A blackout period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlackoutView {
    /// What it is.
    pub name: String,
    /// First day (ISO).
    pub start: String,
    /// Last day, inclusive (ISO).
    pub end: String,
}

/// The planner's settings as the settings panel edits them: what
/// `waveplan plan` takes as flags. Numbers are sent as the user typed them
/// (JSON numbers, `null` for an empty field) and validated in the shell, so
/// every refusal names its field in one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanSettings {
    /// First day of wave 1 (ISO).
    pub start: String,
    /// Days per wave (a whole number, 1 or more).
    pub wave_days: f64,
    /// Most servers per wave; none (or 0) for no limit.
    pub max_servers_per_wave: Option<f64>,
    /// Most storage per wave, GB; none (or 0) for no limit.
    pub max_storage_gb_per_wave: Option<f64>,
    /// Most applications per wave; none (or 0) for no limit.
    #[serde(default)]
    pub max_applications_per_wave: Option<f64>,
    /// Most servers replicating for one wave; none (or 0) for no limit.
    #[serde(default)]
    pub max_replicating_servers_per_wave: Option<f64>,
    /// Most cutover team hours per wave (the sum of estimated downtimes);
    /// none (or 0) for no limit.
    #[serde(default)]
    pub max_cutover_hours_per_wave: Option<f64>,
    /// Applications in the pilot waves (0 for no pilot).
    pub pilot_applications: f64,
    /// Waves at the start that are pilot waves.
    #[serde(default = "one")]
    pub pilot_waves: f64,
    /// Bandwidth for data copies, Mbit/s.
    pub bandwidth_mbps: f64,
    /// No cutover in these.
    pub blackouts: Vec<BlackoutView>,
    /// What the planner minimises first: `traffic-days` or `fewest-waves`.
    #[serde(default = "traffic_days")]
    pub objective: String,
    /// Minimise mission-critical DR gap-days as well (the secondary objective).
    #[serde(default)]
    pub minimise_dr_gap_days: bool,
    /// Traffic-days one mission-critical DR gap-day is worth; 0: automatic.
    #[serde(default)]
    pub dr_gap_day_weight: f64,
    /// How each kind of dependency orders its two ends.
    #[serde(default)]
    pub precedence: PrecedenceView,
    /// Factor on the weight of latency-sensitive dependencies.
    #[serde(default = "latency_weight")]
    pub latency_weight: f64,
    /// Seed of the local search's visiting order: digits, so every `u64`
    /// the command line takes survives the trip through JavaScript.
    #[serde(default = "zero")]
    pub seed: String,
    /// Most passes of local search (0: the first feasible packing).
    #[serde(default = "search_passes")]
    pub search_passes: f64,
    /// The spellings the choices take (filled by the shell; ignored when sent back).
    #[serde(default)]
    pub choices: SettingsChoices,
}

fn zero() -> String {
    "0".into()
}
fn one() -> f64 {
    1.0
}
fn traffic_days() -> String {
    "traffic-days".into()
}
fn latency_weight() -> f64 {
    3.0
}
fn search_passes() -> f64 {
    30.0
}

/// The precedence rule of each kind of dependency target, by its spelling
/// (`same-or-earlier`, `earlier`, `together`, `ignore`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrecedenceView {
    /// Dependencies on application services.
    pub service: String,
    /// Dependencies on databases.
    pub database: String,
    /// Dependencies on file shares and object stores.
    pub storage: String,
}

impl Default for PrecedenceView {
    fn default() -> Self {
        let rule = || "same-or-earlier".to_string();
        PrecedenceView { service: rule(), database: rule(), storage: rule() }
    }
}

/// The values the settings panel's choices offer, from the core's vocabularies.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsChoices {
    /// The objectives.
    pub objectives: Vec<String>,
    /// The precedence rules.
    pub precedence_rules: Vec<String>,
}

/// Which inventory table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum InventoryKind {
    /// Servers.
    Servers,
    /// Applications.
    Applications,
    /// Data stores.
    Datastores,
    /// Devices.
    Devices,
    /// Dependencies.
    Dependencies,
}

/// A column of an inventory table.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InventoryColumn {
    /// The field's key, as `edit_application` takes it.
    pub key: String,
    /// The header shown.
    pub label: String,
    /// Whether it can be edited in place.
    pub editable: bool,
    /// Whether presentation mode hides it (addresses, host names).
    pub sensitive: bool,
    /// Whether it sorts as a number.
    pub numeric: bool,
    /// The values it accepts, when they are a closed list.
    pub choices: Vec<String>,
}

/// An inventory table, every row as text.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InventoryTable {
    /// Which table.
    pub kind: InventoryKind,
    /// The columns.
    pub columns: Vec<InventoryColumn>,
    /// The rows; cell `i` is column `i`.
    pub rows: Vec<Vec<String>>,
}

/// A node of the dependency graph.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    /// Unique key.
    pub id: String,
    /// The name shown.
    pub label: String,
    /// `application`, `server`, `device` or `external`.
    pub kind: String,
    /// Its application (for grouping), if any.
    pub application: Option<String>,
    /// Its move group, if it migrates.
    pub move_group: Option<u32>,
    /// Its wave, if it migrates.
    pub wave: Option<u32>,
    /// Environment.
    pub environment: String,
}

/// An edge of the dependency graph.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphEdge {
    /// The dependent node.
    pub from: String,
    /// The node depended on.
    pub to: String,
    /// Port, if known.
    pub port: Option<u32>,
    /// Dependency kind.
    pub kind: String,
    /// The two ends move in different waves.
    pub cross_wave: bool,
    /// One end stays on premises (a device or a retained system).
    pub hybrid: bool,
    /// The edge is on a dependency cycle between nodes.
    pub cycle: bool,
}

/// The dependency graph, nodes and edges.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphView {
    /// Nodes.
    pub nodes: Vec<GraphNode>,
    /// Edges.
    pub edges: Vec<GraphEdge>,
}

/// Why an application is where it is, and what would let it move earlier.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The application.
    pub application: String,
    /// Its wave.
    pub wave: u32,
    /// The planner's reasons.
    pub reasons: Vec<String>,
    /// The move group's reasons (why its members are glued).
    pub group_reasons: Vec<String>,
    /// The rest of its move group.
    pub moves_with: Vec<String>,
    /// Downtime steps with their arithmetic.
    pub downtime_steps: Vec<String>,
    /// What an earlier wave would break, wave by wave.
    pub earlier: Vec<EarlierWave>,
}

/// What moving to an earlier wave would break.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EarlierWave {
    /// The wave.
    pub wave: u32,
    /// What breaks there (empty: it could move there).
    pub broken: Vec<ViolationView>,
}

/// An export format the app offers.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportFormatView {
    /// Its id, as `export_plan` takes it.
    pub id: String,
    /// The name shown.
    pub label: String,
    /// The file extension written.
    pub extension: String,
    /// Whether it writes a folder of files.
    pub folder: bool,
    /// Whether it can carry the project's audit trail as an appendix.
    pub carries_history: bool,
}

/// Files an export wrote.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    /// Paths written.
    pub written: Vec<String>,
    /// Bytes in all.
    pub bytes: u32,
    /// What the format could not hold, for the user to know (the servers a
    /// CMF intake form leaves out).
    pub notes: Vec<String>,
}

/// The dependency graph as it is on screen, for saving as SVG: what is
/// drawn where in the view's pixels (the camera, filters, grouping,
/// highlights and hidden names already applied by the page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphScene {
    /// Width of the view, pixels.
    pub width: f64,
    /// Height of the view, pixels.
    pub height: f64,
    /// Background colour (`#rrggbb`).
    pub background: String,
    /// Colour of the labels.
    pub label_color: String,
    /// What the drawing is, for its title.
    pub title: String,
    /// The nodes in view, in drawing order.
    pub nodes: Vec<SceneNode>,
    /// The links in view, drawn under the nodes.
    pub edges: Vec<SceneEdge>,
    /// The groups' names, at their centres.
    pub groups: Vec<SceneLabel>,
    /// The legend: what each highlight colour means.
    pub legend: Vec<SceneLegend>,
}

/// A node of a [`GraphScene`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SceneNode {
    /// Centre, pixels from the left.
    pub x: f64,
    /// Centre, pixels from the top.
    pub y: f64,
    /// Radius, pixels.
    pub size: f64,
    /// Fill colour.
    pub color: String,
    /// The label drawn beside it, if the view shows it.
    pub label: Option<String>,
    /// The name given as its tooltip (none when names are hidden).
    pub title: Option<String>,
}

/// A link of a [`GraphScene`], between two of its nodes (indices).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SceneEdge {
    /// The dependent node.
    pub from: u32,
    /// The node depended on.
    pub to: u32,
    /// Stroke colour.
    pub color: String,
    /// Stroke width, pixels.
    pub size: f64,
}

/// A text at a place of a [`GraphScene`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SceneLabel {
    /// Pixels from the left.
    pub x: f64,
    /// Pixels from the top.
    pub y: f64,
    /// The text.
    pub text: String,
}

/// A legend entry of a [`GraphScene`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SceneLegend {
    /// The colour.
    pub color: String,
    /// What it means.
    pub text: String,
}

/// The TypeScript of every wire type, as committed in `ui/src/ipc/types.ts`.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from src-tauri/src/wire.rs and error.rs by ts-rs: do not edit.\n\
         // Regenerate with `cargo xtask ipc-types`; a test fails when this file is stale.\n\n",
    );
    for decl in [
        Counts::decl(),
        ProjectView::decl(),
        RecentProject::decl(),
        Progress::decl(),
        DiagnosticView::decl(),
        ImportFileView::decl(),
        ImportPreview::decl(),
        ImportOutcome::decl(),
        Card::decl(),
        WaveColumn::decl(),
        ViolationView::decl(),
        Objective::decl(),
        Board::decl(),
        CoveragePoint::decl(),
        TierShare::decl(),
        MoveOutcome::decl(),
        BlackoutView::decl(),
        PlanSettings::decl(),
        PrecedenceView::decl(),
        SettingsChoices::decl(),
        InventoryKind::decl(),
        InventoryColumn::decl(),
        InventoryTable::decl(),
        GraphNode::decl(),
        GraphEdge::decl(),
        GraphView::decl(),
        Explanation::decl(),
        EarlierWave::decl(),
        ExportFormatView::decl(),
        ExportOutcome::decl(),
        GraphScene::decl(),
        SceneNode::decl(),
        SceneEdge::decl(),
        SceneLabel::decl(),
        SceneLegend::decl(),
        crate::error::AppError::decl(),
    ]
    .into_iter()
    .chain(board::decls())
    .chain(history::decls())
    {
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out.push_str(&crate::wire_import::typescript());
    out
}
