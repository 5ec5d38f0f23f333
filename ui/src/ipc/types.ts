// Generated from src-tauri/src/wire.rs and error.rs by ts-rs: do not edit.
// Regenerate with `cargo xtask ipc-types`; a test fails when this file is stale.

export type Counts = { 
/**
 * Servers, devices excluded.
 */
servers: number, 
/**
 * Applications.
 */
applications: number, 
/**
 * Data stores.
 */
datastores: number, 
/**
 * Devices (medical, IoT) that stay on premises.
 */
devices: number, 
/**
 * Dependencies.
 */
dependencies: number, 
/**
 * Endpoints outside the inventory.
 */
externalEndpoints: number, 
/**
 * Planning constraints.
 */
constraints: number, };
export type ProjectView = { 
/**
 * The file.
 */
path: string, 
/**
 * The name shown: the file name without `.waveplan`.
 */
name: string, 
/**
 * What the inventory holds.
 */
counts: Counts, 
/**
 * The scenario on the board.
 */
scenario: string, 
/**
 * Every scenario of the project.
 */
scenarios: Array<string>, 
/**
 * Whether the scenario has a plan.
 */
hasPlan: boolean, 
/**
 * Imports so far.
 */
imports: number, 
/**
 * Whether an undo is possible, and what it would undo.
 */
undo: string | null, 
/**
 * Whether a redo is possible, and what it would redo.
 */
redo: string | null, 
/**
 * Whether the project was opened to read only (another writer holds
 * it): every action is refused.
 */
readOnly: boolean, 
/**
 * What the user should know about how the file was opened: a stale
 * lock taken over, a backup made before an upgrade, the rollback
 * journal on a network share.
 */
notice: string | null, };
export type RecentProject = { 
/**
 * The file.
 */
path: string, 
/**
 * The name shown.
 */
name: string, 
/**
 * When it was last opened (RFC 3339).
 */
openedAt: string, 
/**
 * Whether the file is still there.
 */
exists: boolean, };
export type Progress = { 
/**
 * The task's id, for cancelling it.
 */
task: number, 
/**
 * What it is doing, in words.
 */
stage: string, 
/**
 * Steps done.
 */
done: number, 
/**
 * Steps in all.
 */
total: number, };
export type DiagnosticView = { 
/**
 * `error`, `warning` or `info`.
 */
severity: string, 
/**
 * The file.
 */
file: string | null, 
/**
 * The sheet of a workbook.
 */
sheet: string | null, 
/**
 * 1-based line.
 */
line: number | null, 
/**
 * 1-based column.
 */
column: number | null, 
/**
 * What is wrong.
 */
message: string, };
export type ImportFileView = { 
/**
 * The file's full path.
 */
path: string, 
/**
 * The file name.
 */
name: string, 
/**
 * Size in bytes.
 */
bytes: number, 
/**
 * The detected format's id, when recognised.
 */
format: string | null, 
/**
 * The header row of a table (empty for a workbook or a capture).
 */
headers: Array<string>, 
/**
 * The first rows.
 */
rows: Array<Array<string>>, 
/**
 * The column mapping it is read with (a spreadsheet of no known format).
 */
mapping: string | null, 
/**
 * Saved mapping profiles whose columns this file has, best first.
 */
profiles: Array<string>, };
export type ImportPreview = { 
/**
 * The files.
 */
files: Array<ImportFileView>, 
/**
 * Every diagnostic of reading and merging.
 */
diagnostics: Array<DiagnosticView>, 
/**
 * Errors among them: an import with errors cannot be saved.
 */
errors: number, 
/**
 * Warnings among them.
 */
warnings: number, 
/**
 * The inventory as it would be after the import.
 */
after: Counts, 
/**
 * The inventory as it is.
 */
before: Counts, 
/**
 * Seconds the read and merge took.
 */
seconds: number, 
/**
 * Lines of text read (rows of CSV files, connection records).
 */
rows: number, 
/**
 * Fields that sources disagree on, with the value kept.
 */
conflicts: Array<ConflictView>, 
/**
 * The source precedence (format ids, most trusted first).
 */
precedence: Array<string>, };
export type ImportOutcome = { 
/**
 * The project after the import.
 */
project: ProjectView, 
/**
 * The inventory's counts after.
 */
counts: Counts, };
export type Card = { 
/**
 * The application.
 */
name: string, 
/**
 * Its wave.
 */
wave: number, 
/**
 * Its move group (apps of one group move together).
 */
moveGroup: number, 
/**
 * The other applications of its move group.
 */
movesWith: Array<string>, 
/**
 * Criticality tier.
 */
tier: string, 
/**
 * Environment.
 */
environment: string, 
/**
 * Migration strategy.
 */
strategy: string, 
/**
 * Servers that move with it.
 */
servers: number, 
/**
 * Cutover downtime, minutes.
 */
downtimeMinutes: number, 
/**
 * Whether the downtime fits its maintenance window (none when it has none).
 */
fitsWindow: boolean | null, 
/**
 * Whether it is pinned to its wave.
 */
pinned: boolean, 
/**
 * Whether a broken constraint names it.
 */
violated: boolean, };
export type WaveColumn = { 
/**
 * 1 for the first wave.
 */
index: number, 
/**
 * The name shown.
 */
name: string, 
/**
 * First day (ISO).
 */
start: string, 
/**
 * Last day (ISO).
 */
end: string, 
/**
 * Whether it is the pilot.
 */
pilot: boolean, 
/**
 * Servers cutting over.
 */
servers: number, 
/**
 * The wave's server capacity, if any.
 */
capacity: number | null, 
/**
 * Storage replicated, GB.
 */
storageGb: number, 
/**
 * Downtime summed over its cutovers, minutes.
 */
downtimeMinutes: number, 
/**
 * The longest single cutover, minutes.
 */
downtimeLongestMinutes: number, 
/**
 * Blackouts that overlap the wave.
 */
blackouts: Array<string>, 
/**
 * The cards, in plan order.
 */
cards: Array<Card>, };
export type ViolationView = { 
/**
 * The constraint's kind (`precedence`, `pin-wave`, ...).
 */
constraint: string, 
/**
 * What is broken, naming the applications and waves.
 */
message: string, };
export type Objective = { 
/**
 * Broken hard constraints.
 */
hardViolations: number, 
/**
 * Waves with at least one cutover.
 */
waves: number, 
/**
 * Last day of the last wave with a cutover (ISO).
 */
programmeEnd: string | null, 
/**
 * Servers in the fullest wave.
 */
fullestWaveServers: number, 
/**
 * Downtime over all cutovers, minutes.
 */
downtimeTotalMinutes: number, 
/**
 * Waves over their server capacity.
 */
wavesOverCapacity: number, };
export type Board = { 
/**
 * The scenario.
 */
scenario: string, 
/**
 * One column per wave.
 */
waves: Array<WaveColumn>, 
/**
 * Every broken constraint.
 */
violations: Array<ViolationView>, 
/**
 * The plan's figures.
 */
objective: Objective, 
/**
 * Applications that do not migrate, with why.
 */
notMigrating: Array<string>, 
/**
 * Planner warnings.
 */
warnings: Array<string>, 
/**
 * The settings the plan was made with.
 */
settings: PlanSettings, 
/**
 * DR coverage after each wave.
 */
drCoverage: Array<CoveragePoint>, };
export type CoveragePoint = { 
/**
 * 0 for before any wave.
 */
afterWave: number, 
/**
 * The day that wave ends (ISO); the programme start for 0.
 */
date: string, 
/**
 * Share of applications meeting their DR target, 0 to 1.
 */
share: number, 
/**
 * Per tier.
 */
tiers: Array<TierShare>, };
export type TierShare = { 
/**
 * The tier.
 */
tier: string, 
/**
 * Applications of the tier.
 */
applications: number, 
/**
 * Those meeting their target.
 */
meeting: number, };
export type MoveOutcome = { 
/**
 * The board after the move.
 */
board: Board, 
/**
 * The applications that moved (the card's whole move group).
 */
moved: Array<string>, 
/**
 * The figures before the move.
 */
before: Objective, 
/**
 * Constraints the move broke (not broken before).
 */
broken: Array<ViolationView>, 
/**
 * Constraints the move mended.
 */
mended: Array<ViolationView>, 
/**
 * Milliseconds the move took in the shell (check, re-assembly, save).
 */
millis: number, 
/**
 * The planner's incremental answer for the move: what it broke and
 * how the objective changed.
 */
price: MovePrice, };
export type BlackoutView = { 
/**
 * What it is.
 */
name: string, 
/**
 * First day (ISO).
 */
start: string, 
/**
 * Last day, inclusive (ISO).
 */
end: string, };
export type PlanSettings = { 
/**
 * First day of wave 1 (ISO).
 */
start: string, 
/**
 * Days per wave (a whole number, 1 or more).
 */
waveDays: number, 
/**
 * Most servers per wave; none (or 0) for no limit.
 */
maxServersPerWave: number | null, 
/**
 * Most storage per wave, GB; none (or 0) for no limit.
 */
maxStorageGbPerWave: number | null, 
/**
 * Most applications per wave; none (or 0) for no limit.
 */
maxApplicationsPerWave: number | null, 
/**
 * Most servers replicating for one wave; none (or 0) for no limit.
 */
maxReplicatingServersPerWave: number | null, 
/**
 * Most cutover team hours per wave (the sum of estimated downtimes);
 * none (or 0) for no limit.
 */
maxCutoverHoursPerWave: number | null, 
/**
 * Applications in the pilot waves (0 for no pilot).
 */
pilotApplications: number, 
/**
 * Waves at the start that are pilot waves.
 */
pilotWaves: number, 
/**
 * Bandwidth for data copies, Mbit/s.
 */
bandwidthMbps: number, 
/**
 * No cutover in these.
 */
blackouts: Array<BlackoutView>, 
/**
 * What the planner minimises first: `traffic-days` or `fewest-waves`.
 */
objective: string, 
/**
 * Minimise mission-critical DR gap-days as well (the secondary objective).
 */
minimiseDrGapDays: boolean, 
/**
 * Traffic-days one mission-critical DR gap-day is worth; 0: automatic.
 */
drGapDayWeight: number, 
/**
 * How each kind of dependency orders its two ends.
 */
precedence: PrecedenceView, 
/**
 * Factor on the weight of latency-sensitive dependencies.
 */
latencyWeight: number, 
/**
 * Seed of the local search's visiting order: digits, so every `u64`
 * the command line takes survives the trip through JavaScript.
 */
seed: string, 
/**
 * Most passes of local search (0: the first feasible packing).
 */
searchPasses: number, 
/**
 * The spellings the choices take (filled by the shell; ignored when sent back).
 */
choices: SettingsChoices, };
export type PrecedenceView = { 
/**
 * Dependencies on application services.
 */
service: string, 
/**
 * Dependencies on databases.
 */
database: string, 
/**
 * Dependencies on file shares and object stores.
 */
storage: string, };
export type SettingsChoices = { 
/**
 * The objectives.
 */
objectives: Array<string>, 
/**
 * The precedence rules.
 */
precedenceRules: Array<string>, };
export type InventoryKind = "servers" | "applications" | "datastores" | "devices" | "dependencies";
export type InventoryColumn = { 
/**
 * The field's key, as `edit_application` takes it.
 */
key: string, 
/**
 * The header shown.
 */
label: string, 
/**
 * Whether it can be edited in place.
 */
editable: boolean, 
/**
 * Whether presentation mode hides it (addresses, host names).
 */
sensitive: boolean, 
/**
 * Whether it sorts as a number.
 */
numeric: boolean, 
/**
 * The values it accepts, when they are a closed list.
 */
choices: Array<string>, };
export type InventoryTable = { 
/**
 * Which table.
 */
kind: InventoryKind, 
/**
 * The columns.
 */
columns: Array<InventoryColumn>, 
/**
 * The rows; cell `i` is column `i`.
 */
rows: Array<Array<string>>, };
export type GraphNode = { 
/**
 * Unique key.
 */
id: string, 
/**
 * The name shown.
 */
label: string, 
/**
 * `application`, `server`, `device` or `external`.
 */
kind: string, 
/**
 * Its application (for grouping), if any.
 */
application: string | null, 
/**
 * Its move group, if it migrates.
 */
moveGroup: number | null, 
/**
 * Its wave, if it migrates.
 */
wave: number | null, 
/**
 * Environment.
 */
environment: string, };
export type GraphEdge = { 
/**
 * The dependent node.
 */
from: string, 
/**
 * The node depended on.
 */
to: string, 
/**
 * Port, if known.
 */
port: number | null, 
/**
 * Dependency kind.
 */
kind: string, 
/**
 * The two ends move in different waves.
 */
crossWave: boolean, 
/**
 * One end stays on premises (a device or a retained system).
 */
hybrid: boolean, 
/**
 * The edge is on a dependency cycle between nodes.
 */
cycle: boolean, };
export type GraphView = { 
/**
 * Nodes.
 */
nodes: Array<GraphNode>, 
/**
 * Edges.
 */
edges: Array<GraphEdge>, };
export type Explanation = { 
/**
 * The application.
 */
application: string, 
/**
 * Its wave.
 */
wave: number, 
/**
 * The planner's reasons.
 */
reasons: Array<string>, 
/**
 * The move group's reasons (why its members are glued).
 */
groupReasons: Array<string>, 
/**
 * The rest of its move group.
 */
movesWith: Array<string>, 
/**
 * Downtime steps with their arithmetic.
 */
downtimeSteps: Array<string>, 
/**
 * What an earlier wave would break, wave by wave.
 */
earlier: Array<EarlierWave>, };
export type EarlierWave = { 
/**
 * The wave.
 */
wave: number, 
/**
 * What breaks there (empty: it could move there).
 */
broken: Array<ViolationView>, };
export type ExportFormatView = { 
/**
 * Its id, as `export_plan` takes it.
 */
id: string, 
/**
 * The name shown.
 */
label: string, 
/**
 * The file extension written.
 */
extension: string, 
/**
 * Whether it writes a folder of files.
 */
folder: boolean, 
/**
 * Whether it can carry the project's audit trail as an appendix.
 */
carriesHistory: boolean, };
export type ExportOutcome = { 
/**
 * Paths written.
 */
written: Array<string>, 
/**
 * Bytes in all.
 */
bytes: number, 
/**
 * What the format could not hold, for the user to know (the servers a
 * CMF intake form leaves out).
 */
notes: Array<string>, };
export type GraphScene = { 
/**
 * Width of the view, pixels.
 */
width: number, 
/**
 * Height of the view, pixels.
 */
height: number, 
/**
 * Background colour (`#rrggbb`).
 */
background: string, 
/**
 * Colour of the labels.
 */
labelColor: string, 
/**
 * What the drawing is, for its title.
 */
title: string, 
/**
 * The nodes in view, in drawing order.
 */
nodes: Array<SceneNode>, 
/**
 * The links in view, drawn under the nodes.
 */
edges: Array<SceneEdge>, 
/**
 * The groups' names, at their centres.
 */
groups: Array<SceneLabel>, 
/**
 * The legend: what each highlight colour means.
 */
legend: Array<SceneLegend>, };
export type SceneNode = { 
/**
 * Centre, pixels from the left.
 */
x: number, 
/**
 * Centre, pixels from the top.
 */
y: number, 
/**
 * Radius, pixels.
 */
size: number, 
/**
 * Fill colour.
 */
color: string, 
/**
 * The label drawn beside it, if the view shows it.
 */
label: string | null, 
/**
 * The name given as its tooltip (none when names are hidden).
 */
title: string | null, };
export type SceneEdge = { 
/**
 * The dependent node.
 */
from: number, 
/**
 * The node depended on.
 */
to: number, 
/**
 * Stroke colour.
 */
color: string, 
/**
 * Stroke width, pixels.
 */
size: number, };
export type SceneLabel = { 
/**
 * Pixels from the left.
 */
x: number, 
/**
 * Pixels from the top.
 */
y: number, 
/**
 * The text.
 */
text: string, };
export type SceneLegend = { 
/**
 * The colour.
 */
color: string, 
/**
 * What it means.
 */
text: string, };
export type AppError = { "kind": "noProject" } | { "kind": "noPlan" } | { "kind": "store", "detail": { 
/**
 * What the store said, naming the file.
 */
message: string, } } | { "kind": "locked", "detail": { 
/**
 * The project file.
 */
path: string, 
/**
 * Who holds it, since when, and what to do.
 */
message: string, } } | { "kind": "importRefused", "detail": { 
/**
 * How many error diagnostics.
 */
errors: number, } } | { "kind": "invalid", "detail": { 
/**
 * The field.
 */
field: string, 
/**
 * What is wrong, and what is expected.
 */
message: string, } } | { "kind": "notFound", "detail": { 
/**
 * What kind of thing.
 */
what: string, 
/**
 * The name asked for.
 */
name: string, } } | { "kind": "io", "detail": { 
/**
 * The file.
 */
path: string, 
/**
 * The system's message.
 */
message: string, } } | { "kind": "cancelled" } | { "kind": "internal", "detail": { 
/**
 * What went wrong.
 */
message: string, } };
export type PlannerObjective = { 
/**
 * Traffic-days: `betweenWaves + onPremises`.
 */
trafficDays: number, 
/**
 * Weight × days between the cutovers of groups that talk.
 */
betweenWaves: number, 
/**
 * Weight × days of traffic to what stays on premises.
 */
onPremises: number, 
/**
 * Waves (the last wave used).
 */
waves: number, 
/**
 * Coefficient of variation of servers per wave (0: even).
 */
imbalance: number, };
export type MovePrice = { 
/**
 * The application asked about.
 */
application: string, 
/**
 * Its wave now.
 */
fromWave: number, 
/**
 * The wave it would go to.
 */
toWave: number, 
/**
 * Everything that moves with it (its move group, itself included).
 */
movesWith: Array<string>, 
/**
 * Every hard constraint the move would break (empty: valid).
 */
broken: Array<ViolationView>, 
/**
 * The objective now.
 */
before: PlannerObjective, 
/**
 * The objective after the move.
 */
after: PlannerObjective, 
/**
 * Milliseconds the shell took to answer.
 */
millis: number, };
export type ScenarioView = { 
/**
 * Its name.
 */
name: string, 
/**
 * Whether the board shows it.
 */
current: boolean, 
/**
 * Waves with a cutover.
 */
waves: number, 
/**
 * Broken hard constraints.
 */
hardViolations: number, 
/**
 * Last day of the programme (ISO).
 */
programmeEnd: string | null, };
export type MetricRow = { 
/**
 * The metric's key, as in the plan JSON's `metrics`.
 */
key: string, 
/**
 * In words.
 */
label: string, 
/**
 * `count`, `share` (0 to 1), `minutes`, `days`, `traffic-days` or `date`.
 */
unit: string, 
/**
 * The first scenario's figure (none for a date or no value).
 */
a: number | null, 
/**
 * The second's.
 */
b: number | null, 
/**
 * The first scenario's day (ISO), for a date metric.
 */
aDate: string | null, 
/**
 * The second's.
 */
bDate: string | null, 
/**
 * Whether each plan has the metric at all (older plans lack some).
 */
measured: Array<boolean>, 
/**
 * `b − a` (days for dates); none when either has no value.
 */
difference: number | null, 
/**
 * `a` or `b`: which does better; none when equal or neither is better by nature.
 */
better: string | null, };
export type SettingRow = { 
/**
 * The setting's key, as in the plan JSON's `config`.
 */
key: string, 
/**
 * In the first scenario.
 */
a: string, 
/**
 * In the second.
 */
b: string, };
export type MovedApplication = { 
/**
 * The application.
 */
application: string, 
/**
 * Its wave in the first scenario (none: not planned there).
 */
waveA: number | null, 
/**
 * Its wave in the second.
 */
waveB: number | null, };
export type ScenarioComparison = { 
/**
 * The first scenario.
 */
a: string, 
/**
 * The second.
 */
b: string, 
/**
 * Every metric, in core's fixed order.
 */
metrics: Array<MetricRow>, 
/**
 * The settings that differ.
 */
settings: Array<SettingRow>, 
/**
 * Applications in another wave.
 */
moved: Array<MovedApplication>, 
/**
 * Metrics on which each does better: [a, b].
 */
wins: Array<number>, };
export type DrGap = { 
/**
 * The application.
 */
name: string, 
/**
 * Its tier.
 */
tier: string, 
/**
 * Days below its DR target.
 */
gapDays: number, 
/**
 * Of those, days the migration itself opens (it met its target before).
 */
gapDaysCaused: number, 
/**
 * Its DR posture at the end of the programme.
 */
endPosture: string, 
/**
 * Whether it ends the programme below its target.
 */
endsBelowTarget: boolean, 
/**
 * Why, when it does.
 */
note: string | null, };
export type DrGaps = { 
/**
 * Applications with gap-days, or ending below target.
 */
applications: Array<DrGap>, 
/**
 * Gap-days of all applications.
 */
gapDays: number, 
/**
 * Gap-days of mission-critical applications.
 */
gapDaysMissionCritical: number, 
/**
 * First day from which every application meets its target (ISO).
 */
fullCoverageFrom: string | null, 
/**
 * First day from which every application that met its target before the programme meets it again (ISO).
 */
coverageRestoredFrom: string | null, 
/**
 * Whether the plan has a DR timeline (plans saved by an older Waveplan do not).
 */
measured: boolean, };
export type AuditEntryView = { 
/**
 * Its place in the trail, from 1.
 */
sequence: number, 
/**
 * When, RFC 3339 in UTC.
 */
time: string, 
/**
 * The operating system's user who acted.
 */
user: string, 
/**
 * The machine.
 */
host: string, 
/**
 * The kind of action (`import`, `plan`, `move`, `undo`, ...).
 */
action: string, 
/**
 * One line for people: "moved PACS from wave 3 to wave 1".
 */
summary: string, 
/**
 * The applications, scenarios or files it concerns.
 */
subjects: Array<string>, 
/**
 * Its SHA-256, chained to the entry before.
 */
hash: string, };
export type HistoryView = { 
/**
 * The entries, newest first.
 */
entries: Array<AuditEntryView>, 
/**
 * Whether the hash chain holds: no entry removed or edited since written.
 */
intact: boolean, 
/**
 * Where it breaks, in words, when it does.
 */
broken: string | null, };
export type ImportProgress = { 
/**
 * The task's id, for cancelling it.
 */
task: number, 
/**
 * What it is doing, in words.
 */
stage: string, 
/**
 * Bytes read so far, over every file.
 */
bytes: number, 
/**
 * Bytes of every file.
 */
totalBytes: number, 
/**
 * Lines of text read so far (rows of CSV files, connection records).
 */
rows: number, 
/**
 * Seconds since the read started.
 */
seconds: number, };
export type SourcedValueView = { 
/**
 * `format:file`, or `resolved` for a value the user typed.
 */
source: string, 
/**
 * The format id (what a precedence names).
 */
format: string, 
/**
 * The value.
 */
value: string, };
export type ConflictView = { 
/**
 * `server`, `application` or `datastore`.
 */
record: string, 
/**
 * The record's name.
 */
name: string, 
/**
 * The field.
 */
field: string, 
/**
 * What each source said.
 */
values: Array<SourcedValueView>, 
/**
 * The value kept.
 */
kept: SourcedValueView, 
/**
 * Settled by the user (else by the source precedence).
 */
resolved: boolean, };
export type ConflictChoice = { "kind": "source", "value": string } | { "kind": "value", "value": string } | { "kind": "precedence" };
export type MappingFieldView = { 
/**
 * The field (`name`, `cores`, ...).
 */
field: string, 
/**
 * The import needs it.
 */
required: boolean, 
/**
 * The file's column for it, if any.
 */
header: string | null, };
export type MappingView = { 
/**
 * The file it is for.
 */
file: string, 
/**
 * The profile's name.
 */
name: string, 
/**
 * What the rows are: `servers`, `applications` or `dependencies`.
 */
table: string, 
/**
 * Every table a mapping may fill.
 */
tables: Array<string>, 
/**
 * The file's columns.
 */
headers: Array<string>, 
/**
 * Every field of the table, with its column.
 */
fields: Array<MappingFieldView>, 
/**
 * Units of size fields that are not GB (`memory` → `MB`).
 */
units: { [key in string]?: string }, };
export type MappingInput = { 
/**
 * The profile's name.
 */
name: string, 
/**
 * `servers`, `applications` or `dependencies`.
 */
table: string, 
/**
 * Field to column.
 */
columns: { [key in string]?: string }, 
/**
 * Units of size fields that are not GB.
 */
units: { [key in string]?: string }, };
