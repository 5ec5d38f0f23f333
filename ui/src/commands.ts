// What each menu item and keyboard shortcut does: one table, used by the
// native menu's events and by the window's own key handling.
import { actions, getState, setState } from "./store";

export function handleCommand(id: string): void {
  const has = { project: getState().project !== null, board: getState().board !== null };
  switch (id) {
    case "new":
      return void actions.newProject();
    case "open":
      return void actions.openProject();
    case "sample":
      return void actions.openSample();
    case "import":
      if (has.project) void actions.pickImportFiles();
      return;
    case "export":
      if (has.project) actions.show("export");
      return;
    case "undo":
      if (isTyping()) return void document.execCommand("undo");
      return void actions.undo();
    case "redo":
      if (isTyping()) return void document.execCommand("redo");
      return void actions.redo();
    case "select-all": {
      const el = document.activeElement;
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.select();
      if (getState().screen === "inventory") return void window.dispatchEvent(new Event("waveplan:select-all"));
      return void document.execCommand("selectAll");
    }
    case "find":
      actions.show("inventory");
      setTimeout(() => document.querySelector<HTMLInputElement>("[data-search]")?.focus(), 0);
      return;
    case "view-board":
      return actions.show("board");
    case "view-inventory":
      return actions.show("inventory");
    case "view-graph":
      return actions.show("graph");
    case "view-dr":
      return actions.show("dr");
    case "view-import":
      return actions.show("import");
    case "view-export":
      return actions.show("export");
    case "presentation":
      return actions.togglePresentation();
    case "replan":
      if (has.project) void actions.plan();
      return;
    case "settings":
      if (has.project) setState({ settingsOpen: true, screen: "board" });
      return;
    case "explain":
      return actions.show("board");
    case "history":
      if (!has.project) return;
      return getState().historyOpen ? actions.closeHistory() : void actions.openHistory();
    case "shortcuts":
    case "about":
      setState({
        message: {
          kind: "info",
          text:
            id === "about"
              ? "Waveplan: cloud-migration wave planning. Everything stays on this computer."
              : "Ctrl+Z undo · Ctrl+Shift+Z redo · Ctrl+1…6 screens · Ctrl+R re-plan · Ctrl+I import · Ctrl+Shift+H history · F5 presentation · on a card: Alt+←/→ move a wave, P pin · inventory rows: Shift+↑/↓ or Shift+click select, Ctrl+A every row shown",
        },
      });
      return;
  }
}

function isTyping(): boolean {
  const el = document.activeElement;
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

/** The shortcuts, for key presses that reach the page (the native menu takes them first when it has them). */
export function shortcutFor(event: KeyboardEvent): string | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (event.key === "F5") return "presentation";
  if (event.key === "F1") return "shortcuts";
  if (event.key === "Escape" && getState().presentation) return "presentation";
  if (!mod) return null;
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  // Shift: Cmd+H hides the app on macOS.
  if (key === "h" && event.shiftKey) return "history";
  if (key === "y") return "redo";
  if (key === "n") return "new";
  if (key === "o") return "open";
  if (key === "i") return "import";
  if (key === "e") return "export";
  if (key === "f") return "find";
  if (key === "a") return "select-all";
  if (key === "r") return "replan";
  const views = ["view-board", "view-inventory", "view-graph", "view-dr", "view-import", "view-export"];
  const n = Number(event.key);
  if (n >= 1 && n <= 6) return views[n - 1];
  return null;
}
