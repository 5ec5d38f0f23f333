// The app's one store: what is open, which screen shows, the board and the
// last move's feedback, a project refused because another writer holds it,
// and the History panel's trail. Screens read it through useStore and change
// it only through the actions below, which call the shell through
// ipc/api.ts. It decides nothing the shell decides: whether a project is
// read-only is the shell's flag on the project, and what a read-only
// project refuses the shell refuses too; the store only says so early for
// the changes a key or a drop can start.
import { useSyncExternalStore } from "react";
import { api, CommandError } from "./ipc/api";
import { mark } from "./marks";
import { screens } from "./screenCode";
import type {
  Board,
  ConflictChoice,
  ConflictView,
  HistoryView,
  ImportPreview,
  ImportProgress,
  MappingInput,
  MoveOutcome,
  MovePrice,
  Progress,
  ProjectView,
  RecentProject,
  ScenarioComparison,
  ScenarioView,
} from "./ipc/types";

/** A settings value the shell refused: the panel's field (its wire name) and why. */
export interface SettingsError {
  field: string;
  text: string;
}

/** Why a project opened read-only cannot be changed, and what to do (the toolbar's badge, refusals). */
export const READ_ONLY_REASON = "Another window or `waveplan` holds this project; close it there and reopen to edit.";

/** A project the shell refused to open because another writer holds it. */
export interface LockedProject {
  path: string;
  /** The shell's sentence naming the holder. */
  message: string;
}

export type Screen = "start" | "board" | "inventory" | "graph" | "dr" | "import" | "export";

export interface State {
  project: ProjectView | null;
  recent: RecentProject[];
  screen: Screen;
  board: Board | null;
  lastMove: MoveOutcome | null;
  /** The planner's price of the move under the pointer (a card hovering a wave, or dropped and not yet saved). */
  pendingMove: MovePrice | null;
  selected: string | null;
  presentation: boolean;
  /** In presentation mode, host names are hidden too (addresses always are). */
  hideHostNames: boolean;
  settingsOpen: boolean;
  progress: Progress | null;
  importPreview: ImportPreview | null;
  /** The running read of an import, for its progress bar. */
  importProgress: ImportProgress | null;
  message: { kind: "error" | "info"; text: string } | null;
  /** Bumped when the inventory changes, so tables reload. */
  inventoryVersion: number;
  /** The project's scenarios (loaded by the scenario bar). */
  scenarios: ScenarioView[];
  /** Two scenarios side by side, while the comparison is open. */
  comparison: ScenarioComparison | null;
  /** A project refused because another writer holds it, while its dialog asks what to do. */
  locked: LockedProject | null;
  historyOpen: boolean;
  /** The audit trail the History panel shows (read when it opens and after every change). */
  history: HistoryView | null;
}

const initial: State = {
  project: null,
  recent: [],
  screen: "start",
  board: null,
  lastMove: null,
  pendingMove: null,
  selected: null,
  presentation: false,
  hideHostNames: true,
  settingsOpen: false,
  progress: null,
  importPreview: null,
  importProgress: null,
  message: null,
  inventoryVersion: 0,
  scenarios: [],
  comparison: null,
  locked: null,
  historyOpen: false,
  history: null,
};

let state: State = initial;
let started: Promise<void> = Promise.resolve();
let asked: Screen | null = null;
let priceAsked = 0;
const listeners = new Set<() => void>();

/**
 * Resolves once the project named at start (if any) is open and on screen,
 * so that background work (fetching the other screens' code) waits for it
 * instead of slowing it down.
 */
export function startedUp(): Promise<void> {
  return started.catch(() => undefined);
}

export function getState(): State {
  return state;
}

export function setState(patch: Partial<State>): void {
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}

/** Back to the first state (tests). */
export function resetState(): void {
  state = initial;
  listeners.forEach((l) => l());
}

export function useStore<T>(select: (s: State) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}

/** Runs an action, turning a failure into the message bar's error. */
async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    const text = error instanceof CommandError ? error.message : String(error);
    if (!(error instanceof CommandError && error.error.kind === "cancelled")) {
      setState({ message: { kind: "error", text } });
    }
    return undefined;
  } finally {
    setState({ progress: null, importProgress: null });
  }
}

/**
 * Opens a project with `command`; when another writer holds it, the locked
 * dialog asks whether to open it read-only instead of the message bar
 * showing the refusal.
 */
async function opening(command: () => Promise<ProjectView | null>): Promise<ProjectView | null | undefined> {
  return attempt(async () => {
    try {
      return await command();
    } catch (error) {
      if (error instanceof CommandError && error.error.kind === "locked") {
        setState({ locked: { path: error.error.detail.path, message: error.error.detail.message } });
        return undefined;
      }
      throw error;
    }
  });
}

/**
 * An action changed the project: its trail has a new entry, so an open
 * History panel reads it again (a closed one reads it when opened).
 */
function changed(): void {
  if (state.historyOpen) void actions.loadHistory();
}

/**
 * Whether the open project is read-only; says so in the message bar when it
 * is. For the actions a key can start (a move, a pin, undo, re-plan) or that
 * would first ask for files (import): the shell would refuse them anyway,
 * but only after a price, a dialog or a plan's progress bar.
 */
function refusedReadOnly(): boolean {
  if (!state.project?.readOnly) return false;
  setState({ message: { kind: "error", text: `This project is open read-only. ${READ_ONLY_REASON}` } });
  return true;
}

const onProgress = (progress: Progress) => setState({ progress });
const onImportProgress = (importProgress: ImportProgress) => setState({ importProgress });

export const actions = {
  async loadRecent() {
    const recent = await attempt(() => api.recentProjects());
    if (recent) setState({ recent });
  },

  async opened(project: ProjectView | undefined | null) {
    if (!project) return;
    // Marks of where an open's time goes (read by the desktop benchmark).
    mark("waveplan:project-opened");
    // The board's code is fetched meanwhile, so it is drawn as soon as it comes.
    const [board] = await Promise.all([attempt(() => api.board()), screens.board.load().catch(() => undefined)]);
    mark("waveplan:board-received");
    setState({
      project,
      board: board ?? null,
      lastMove: null,
      selected: null,
      importPreview: null,
      screen: board ? "board" : project.counts.applications + project.counts.servers > 0 ? "inventory" : "import",
      inventoryVersion: state.inventoryVersion + 1,
      // Shown once, on opening: later views of the project carry it too.
      message: project.notice ? { kind: "info", text: project.notice } : null,
      locked: null,
      history: null,
    });
    if (state.historyOpen) void actions.loadHistory();
  },

  async startup() {
    started = (async () => {
      await actions.opened(await opening(() => api.startup()));
      await actions.loadRecent();
    })();
    await started;
  },
  newProject: async () => actions.opened(await opening(() => api.newProject())),
  openProject: async () => actions.opened(await opening(() => api.openProject())),
  async openRecent(path: string) {
    const project = await opening(() => api.openRecent(path));
    if (project) await actions.opened(project);
    // A file gone since the list was shown: the list now says so (one message, no loop).
    else if (!state.locked) await actions.loadRecent();
  },

  /** The locked dialog's choice: the project another writer holds, opened to read only. */
  async openReadOnly() {
    setState({ locked: null });
    await actions.opened(await attempt(() => api.openReadOnly()));
  },

  /** The locked dialog's other choice: nothing is opened. */
  cancelLocked() {
    setState({ locked: null });
  },

  async openHistory() {
    setState({ historyOpen: true });
    await actions.loadHistory();
  },

  closeHistory() {
    setState({ historyOpen: false });
  },

  async loadHistory() {
    const history = await attempt(() => api.history());
    if (history) setState({ history });
  },

  async forgetRecent(path: string) {
    const recent = await attempt(() => api.forgetRecent(path));
    if (recent) setState({ recent });
  },
  openSample: async () => actions.opened(await opening(() => api.openSample())),

  async refreshProject() {
    const project = await attempt(() => api.projectInfo());
    if (project !== undefined) setState({ project });
  },

  async pickImportFiles() {
    if (refusedReadOnly()) return;
    setState({ screen: "import" });
    const preview = await attempt(() => api.pickImportFiles(onImportProgress));
    if (preview) setState({ importPreview: preview });
  },

  async stageDropped() {
    if (!state.project) {
      setState({ message: { kind: "error", text: "Open or create a project first, then drop the files on it." } });
      return;
    }
    if (refusedReadOnly()) return;
    setState({ screen: "import" });
    const preview = await attempt(() => api.stageDroppedFiles(onImportProgress));
    if (preview) setState({ importPreview: preview });
  },

  async commitImport() {
    const outcome = await attempt(() => api.commitImport(onImportProgress));
    if (!outcome) return;
    const board = await attempt(() => api.board());
    const c = outcome.counts;
    changed();
    setState({
      project: outcome.project,
      board: board ?? null,
      importPreview: null,
      inventoryVersion: state.inventoryVersion + 1,
      message: {
        kind: "info",
        text: `Imported: ${c.servers} servers, ${c.applications} applications, ${c.datastores} data stores, ${c.devices} devices, ${c.dependencies} dependencies.`,
      },
    });
  },

  /** Reads a staged file with a column mapping (saved as a profile when asked). */
  async applyMapping(file: string, mapping: MappingInput, save: boolean) {
    const preview = await attempt(() => api.applyMapping(file, mapping, save, onImportProgress));
    if (preview) setState({ importPreview: preview });
    // A profile saved is written to the project, with its entry in the trail.
    if (preview && save) changed();
    return preview !== undefined;
  },

  /** Settles one conflict of the staged import; the message of a refused value, else null. */
  async resolveConflict(conflict: ConflictView, choice: ConflictChoice): Promise<string | null> {
    try {
      const preview = await api.resolveConflict(conflict.record, conflict.name, conflict.field, choice);
      setState({ importPreview: preview });
      return null;
    } catch (error) {
      return error instanceof CommandError ? error.message : String(error);
    }
  },

  async cancelImport() {
    if (state.importProgress) await attempt(() => api.cancelTask(state.importProgress!.task));
  },

  async cancelProgress() {
    if (state.progress) await attempt(() => api.cancelTask(state.progress!.task));
  },

  async plan(settings?: import("./ipc/types").PlanSettings) {
    if (refusedReadOnly()) return;
    const chosen = settings ?? (await attempt(() => api.planSettings()));
    if (!chosen) return;
    const board = await attempt(() => api.planProject(chosen, onProgress));
    if (!board) return;
    setState({ board, lastMove: null, screen: "board", settingsOpen: false });
    changed();
    await actions.refreshProject();
  },

  /** Re-plans with the settings panel's values; what was refused (and for which field), else null. */
  async replan(settings: import("./ipc/types").PlanSettings): Promise<SettingsError | null> {
    try {
      const board = await api.planProject(settings, onProgress);
      setState({ board, lastMove: null, screen: "board", settingsOpen: false, progress: null });
      changed();
      await actions.refreshProject();
      return null;
    } catch (error) {
      setState({ progress: null });
      if (error instanceof CommandError && error.error.kind === "invalid") return { field: error.error.detail.field, text: error.error.detail.message };
      return { field: "", text: error instanceof CommandError ? error.message : String(error) };
    }
  },

  /** Prices the card hovering over a wave; a later hover wins over a slower earlier answer. */
  async priceMove(application: string, wave: number | null) {
    const asked = ++priceAsked;
    if (wave === null) {
      setState({ pendingMove: null });
      return;
    }
    try {
      const price = await api.priceMove(application, wave);
      if (asked === priceAsked) setState({ pendingMove: price });
    } catch {
      // A price is a hint: a failure shows when the card is dropped.
      if (asked === priceAsked) setState({ pendingMove: null });
    }
  },

  async moveApplication(application: string, wave: number) {
    if (refusedReadOnly()) return;
    // What the hover priced shows at once; the saved move replaces it.
    const hovered = state.pendingMove;
    ++priceAsked;
    let priced = hovered && hovered.application === application && hovered.toWave === wave ? hovered : null;
    // A keyboard move or a quick drop has no price yet: ask for it first (a
    // few milliseconds), so what breaks shows while the plan is assembled and saved.
    if (!priced) priced = (await api.priceMove(application, wave).catch(() => null)) ?? null;
    setState({ pendingMove: priced });
    const outcome = await attempt(() => api.moveApplication(application, wave));
    setState({ pendingMove: null });
    if (!outcome) return;
    setState({ board: outcome.board, lastMove: outcome, selected: application });
    changed();
    await actions.refreshProject();
  },

  async setPinned(application: string, pinned: boolean) {
    if (refusedReadOnly()) return;
    const board = await attempt(() => api.setPinned(application, pinned));
    if (!board) return;
    setState({ board });
    changed();
    await actions.refreshProject();
  },

  async undo() {
    if (refusedReadOnly()) return;
    const project = await attempt(() => api.undo());
    if (project) await actions.afterHistory(project);
  },

  async redo() {
    if (refusedReadOnly()) return;
    const project = await attempt(() => api.redo());
    if (project) await actions.afterHistory(project);
  },

  async afterHistory(project: ProjectView) {
    const board = await attempt(() => api.board());
    setState({ project, board: board ?? null, lastMove: null, inventoryVersion: state.inventoryVersion + 1 });
    changed();
  },

  async editApplication(application: string, field: string, value: string): Promise<string | null> {
    try {
      const project = await api.editApplication(application, field, value);
      const board = await api.board();
      setState({ project, board });
      changed();
      return null;
    } catch (error) {
      return error instanceof CommandError ? error.message : String(error);
    }
  },

  /** Sets one planning field of every application named, as one undoable edit; the refusal's message, else null. */
  async editApplications(applications: string[], field: string, value: string): Promise<string | null> {
    try {
      const project = await api.editApplications(applications, field, value);
      const board = await api.board();
      setState({ project, board, message: { kind: "info", text: `Set ${field.replace(/_/g, " ")} of ${applications.length.toLocaleString("en")} applications (Ctrl+Z undoes it).` } });
      changed();
      return null;
    } catch (error) {
      return error instanceof CommandError ? error.message : String(error);
    }
  },

  /** Saves the graph's view where the user chooses: an SVG scene, or a PNG's bytes. */
  async saveGraph(format: "svg" | "png", picture: import("./ipc/types").GraphScene | Uint8Array) {
    const outcome = await attempt(() => (picture instanceof Uint8Array ? api.saveGraphPng(picture) : api.saveGraphSvg(picture)));
    if (outcome) setState({ message: { kind: "info", text: `Saved the graph as ${format.toUpperCase()}: ${outcome.written.join(", ")}` } });
  },

  async loadScenarios() {
    const scenarios = await attempt(() => api.scenarios());
    if (scenarios) setState({ scenarios });
  },

  async duplicateScenario(from: string, to: string) {
    const scenarios = await attempt(() => api.duplicateScenario(from, to));
    if (!scenarios) return;
    setState({ scenarios, message: { kind: "info", text: `Copied '${from}' to '${to}'.` } });
    changed();
    await actions.refreshProject();
  },

  async renameScenario(from: string, to: string) {
    const scenarios = await attempt(() => api.renameScenario(from, to));
    if (!scenarios) return;
    setState({ scenarios });
    changed();
    await actions.refreshProject();
  },

  async deleteScenario(name: string) {
    const scenarios = await attempt(() => api.deleteScenario(name));
    if (!scenarios) return;
    setState({ scenarios, comparison: null });
    changed();
    await actions.refreshProject();
  },

  async switchScenario(name: string) {
    const switched = await attempt(() => api.switchScenario(name));
    if (!switched) return;
    const [project, board] = switched;
    setState({ project, board, lastMove: null, pendingMove: null, selected: null });
    changed();
    await actions.loadScenarios();
  },

  async compareScenarios(a: string, b: string) {
    const comparison = await attempt(() => api.compareScenarios(a, b));
    if (comparison) setState({ comparison });
  },

  closeComparison() {
    setState({ comparison: null });
  },

  select(application: string | null) {
    setState({ selected: application });
  },

  show(screen: Screen) {
    // The screen's code first (at once when it is loaded), so a switch never
    // shows a suspended, empty screen; the last screen asked for wins.
    asked = screen;
    const code = screen === "start" ? null : screens[screen];
    if (!code || code.loaded()) return setState({ screen });
    const show = () => asked === screen && setState({ screen });
    void code.load().then(show, show);
  },

  togglePresentation() {
    setState({ presentation: !state.presentation, screen: state.board ? "board" : state.screen });
  },

  toggleHostNames() {
    setState({ hideHostNames: !state.hideHostNames });
  },

  dismissMessage() {
    setState({ message: null });
  },
};
