// The one module that calls the Rust shell. Every command is a typed
// function here; the types come from ./types.ts, generated from Rust.
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type {
  AppError,
  Board,
  DrGaps,
  ExportFormatView,
  ExportOutcome,
  Explanation,
  GraphScene,
  GraphView,
  ConflictChoice,
  HistoryView,
  ImportOutcome,
  ImportPreview,
  ImportProgress,
  MappingInput,
  MappingView,
  InventoryKind,
  InventoryTable,
  MoveOutcome,
  MovePrice,
  PlanSettings,
  Progress,
  ProjectView,
  RecentProject,
  ScenarioComparison,
  ScenarioView,
} from "./types";

/** A failed command: the shell's tagged error, with a message to show. */
export class CommandError extends Error {
  constructor(public readonly error: AppError) {
    super(describeError(error));
  }
}

/** The sentence shown for an error. */
export function describeError(error: AppError): string {
  switch (error.kind) {
    case "noProject":
      return "No project is open.";
    case "noPlan":
      return "The project has no plan yet: plan it first.";
    case "store":
      return error.detail.message;
    case "locked":
      // The shell's message names the holder and what to do; the path is for the dialog.
      return error.detail.message;
    case "importRefused":
      return `The import has ${error.detail.errors} errors; nothing was saved.`;
    case "invalid":
      return `${error.detail.field}: ${error.detail.message}`;
    case "notFound":
      return `No ${error.detail.what} named '${error.detail.name}'.`;
    case "io":
      return `${error.detail.path}: ${error.detail.message}`;
    case "cancelled":
      return "Cancelled.";
    case "internal":
      return `Internal error: ${error.detail.message}`;
  }
}

function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "kind" in value;
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isAppError(error)) throw new CommandError(error);
    throw new CommandError({ kind: "internal", detail: { message: String(error) } });
  }
}

function progressChannel<P = Progress>(onProgress?: (p: P) => void): Channel<P> {
  const channel = new Channel<P>();
  channel.onmessage = (p) => onProgress?.(p);
  return channel;
}

export const api = {
  startup: () => call<ProjectView | null>("startup"),
  projectInfo: () => call<ProjectView | null>("project_info"),
  recentProjects: () => call<RecentProject[]>("recent_projects"),
  newProject: () => call<ProjectView>("new_project"),
  openProject: () => call<ProjectView>("open_project"),
  openRecent: (path: string) => call<ProjectView>("open_recent", { path }),
  openSample: () => call<ProjectView>("open_sample"),
  /** The project last refused with `locked`, opened to read only. */
  openReadOnly: () => call<ProjectView>("open_read_only"),
  /** The project's audit trail, newest first, and whether its chain holds. */
  history: () => call<HistoryView>("history"),
  pickImportFiles: (onProgress?: (p: ImportProgress) => void) =>
    call<ImportPreview>("pick_import_files", { onProgress: progressChannel(onProgress) }),
  stageDroppedFiles: (onProgress?: (p: ImportProgress) => void) =>
    call<ImportPreview>("stage_dropped_files", { onProgress: progressChannel(onProgress) }),
  commitImport: (onProgress?: (p: ImportProgress) => void) =>
    call<ImportOutcome>("commit_import", { onProgress: progressChannel(onProgress) }),
  mappingForFile: (file: string, table: string | null) => call<MappingView>("mapping_for_file", { file, table }),
  applyMapping: (file: string, mapping: MappingInput, save: boolean, onProgress?: (p: ImportProgress) => void) =>
    call<ImportPreview>("apply_mapping", { file, mapping, save, onProgress: progressChannel(onProgress) }),
  resolveConflict: (record: string, name: string, field: string, choice: ConflictChoice) =>
    call<ImportPreview>("resolve_conflict", { record, name, field, choice }),
  cancelTask: (task: number) => call<boolean>("cancel_task", { task }),
  planProject: (settings: PlanSettings, onProgress?: (p: Progress) => void) =>
    call<Board>("plan_project", { settings, onProgress: progressChannel(onProgress) }),
  planSettings: () => call<PlanSettings>("plan_settings"),
  board: () => call<Board | null>("board"),
  priceMove: (application: string, wave: number) => call<MovePrice>("price_move", { application, wave }),
  moveApplication: (application: string, wave: number) => call<MoveOutcome>("move_application", { application, wave }),
  setPinned: (application: string, pinned: boolean) => call<Board>("set_pinned", { application, pinned }),
  undo: () => call<ProjectView>("undo"),
  redo: () => call<ProjectView>("redo"),
  inventory: (kind: InventoryKind) => call<InventoryTable>("inventory", { kind }),
  editApplication: (application: string, field: string, value: string) =>
    call<ProjectView>("edit_application", { application, field, value }),
  editApplications: (applications: string[], field: string, value: string) =>
    call<ProjectView>("edit_applications", { applications, field, value }),
  graph: () => call<GraphView>("graph"),
  saveGraphSvg: (scene: GraphScene) => call<ExportOutcome>("save_graph_svg", { scene }),
  /** The PNG's bytes go as the request's raw body, not as JSON. */
  saveGraphPng: (png: Uint8Array) => call<ExportOutcome>("save_graph_png", png),
  explain: (application: string) => call<Explanation>("explain", { application }),
  exportFormats: () => call<ExportFormatView[]>("export_formats"),
  exportPlan: (format: string, withHistory: boolean) => call<ExportOutcome>("export_plan", { format, withHistory }),
  scenarios: () => call<ScenarioView[]>("scenarios"),
  duplicateScenario: (from: string, to: string) => call<ScenarioView[]>("duplicate_scenario", { from, to }),
  renameScenario: (from: string, to: string) => call<ScenarioView[]>("rename_scenario", { from, to }),
  deleteScenario: (name: string) => call<ScenarioView[]>("delete_scenario", { name }),
  switchScenario: (name: string) => call<[ProjectView, Board]>("switch_scenario", { name }),
  compareScenarios: (a: string, b: string) => call<ScenarioComparison>("compare_scenarios", { a, b }),
  drGaps: () => call<DrGaps>("dr_gaps"),
  forgetRecent: (path: string) => call<RecentProject[]>("forget_recent", { path }),
};
