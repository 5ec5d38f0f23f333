// The window: navigation, the toolbar with the plan's figures, the message
// bar, the screen chosen, and the dialogs over it (a project another writer
// holds, the History panel).
import { Suspense, useEffect } from "react";
import { actions, startedUp, useStore, type Screen } from "./store";
import { handleCommand, shortcutFor } from "./commands";
import { StartScreen } from "./screens/StartScreen";
import { Toolbar } from "./components/Toolbar";
import { LockedDialog } from "./components/LockedDialog";
import { HistoryPanel } from "./components/HistoryPanel";
import { mark } from "./marks";
import { preloadScreens, screens } from "./screenCode";

const Board = screens.board.Screen;
const Import = screens.import.Screen;
const Inventory = screens.inventory.Screen;
const Graph = screens.graph.Screen;
const Dr = screens.dr.Screen;
const Export = screens.export.Screen;

const SCREENS: { id: Screen; label: string; key: string }[] = [
  { id: "board", label: "Wave plan", key: "1" },
  { id: "inventory", label: "Inventory", key: "2" },
  { id: "graph", label: "Dependencies", key: "3" },
  { id: "dr", label: "DR coverage", key: "4" },
  { id: "import", label: "Import", key: "5" },
  { id: "export", label: "Export", key: "6" },
];

export function App() {
  const screen = useStore((s) => s.screen);
  const project = useStore((s) => s.project);
  const presentation = useStore((s) => s.presentation);
  const message = useStore((s) => s.message);
  const progress = useStore((s) => s.progress);
  const historyOpen = useStore((s) => s.historyOpen);

  useEffect(() => {
    // The window's first frame with its handlers attached: what the cold
    // start figure of BENCHMARKS.md is measured to (cargo xtask bench-desktop).
    requestAnimationFrame(() =>
      setTimeout(() => {
        mark("waveplan:interactive");
        // After a project named at start is open and drawn, so that parsing
        // the other screens' code does not compete with it.
        void startedUp().then(preloadScreens);
      }, 0),
    );
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const command = shortcutFor(event);
      if (command) {
        event.preventDefault();
        handleCommand(command);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const shown = project ? screen : "start";
  return (
    <div className={`app${presentation ? " presentation" : ""}`}>
      {!presentation && (
        <nav className="nav" aria-label="Screens">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">≋</span> Waveplan
          </div>
          <button className={`nav-item${shown === "start" ? " active" : ""}`} onClick={() => actions.show("start")}>
            Start
          </button>
          {SCREENS.map((s) => (
            <button
              key={s.id}
              className={`nav-item${shown === s.id ? " active" : ""}`}
              disabled={!project}
              onClick={() => actions.show(s.id)}
              data-screen={s.id}
              title={`Ctrl+${s.key}`}
            >
              {s.label}
            </button>
          ))}
          {project && (
            <div className="nav-project" title={project.path}>
              <div className="nav-project-name">{project.name}</div>
              <div className="muted">scenario {project.scenario}</div>
            </div>
          )}
        </nav>
      )}
      <main className="main">
        {project && <Toolbar />}
        {message && (
          <div className={`message ${message.kind}`} role={message.kind === "error" ? "alert" : "status"} data-message>
            <span>{message.text}</span>
            <button className="link" onClick={actions.dismissMessage} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}
        {progress && (
          <div className="progress" role="progressbar" aria-valuenow={progress.done} aria-valuemax={progress.total}>
            <span>{progress.stage}…</span>
            <div className="bar">
              <div style={{ width: `${progress.total ? (100 * progress.done) / progress.total : 0}%` }} />
            </div>
            <button onClick={() => void actions.cancelProgress()}>Cancel</button>
          </div>
        )}
        <div className="screen" data-current-screen={shown}>
          {shown === "start" && <StartScreen />}
          <Suspense fallback={null}>
          {shown === "board" && <Board />}
          {shown === "import" && <Import />}
          {shown === "inventory" && <Inventory />}
          {shown === "graph" && <Graph />}
          {shown === "dr" && <Dr />}
          {shown === "export" && <Export />}
          </Suspense>
        </div>
      </main>
      {project && historyOpen && <HistoryPanel />}
      <LockedDialog />
    </div>
  );
}
