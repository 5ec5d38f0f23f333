// The window: navigation, the toolbar with the plan's figures, the message
// bar, and the screen chosen.
import { Suspense, lazy, useEffect } from "react";
import { actions, useStore, type Screen } from "./store";
import { handleCommand, shortcutFor } from "./commands";
import { StartScreen } from "./screens/StartScreen";
import { Toolbar } from "./components/Toolbar";

// The screens past the start screen load when first shown (the graph's
// sigma, graphology and layout among them), so a cold start parses only the
// start screen; once the window is interactive they are fetched in the
// background, so the first switch does not wait for them either.
const loaders = {
  board: () => import("./screens/WaveBoard").then((m) => ({ default: m.WaveBoard })),
  import: () => import("./screens/ImportWizard").then((m) => ({ default: m.ImportWizard })),
  inventory: () => import("./screens/Inventory").then((m) => ({ default: m.Inventory })),
  graph: () => import("./screens/DependencyGraph").then((m) => ({ default: m.DependencyGraph })),
  dr: () => import("./screens/DrCoverage").then((m) => ({ default: m.DrCoverage })),
  export: () => import("./screens/ExportScreen").then((m) => ({ default: m.ExportScreen })),
};
const WaveBoard = lazy(loaders.board);
const ImportWizard = lazy(loaders.import);
const Inventory = lazy(loaders.inventory);
const DependencyGraph = lazy(loaders.graph);
const DrCoverage = lazy(loaders.dr);
const ExportScreen = lazy(loaders.export);

/** Fetches every screen's code after the start screen is up, a little later, board first. */
function preloadScreens() {
  const idle = (work: () => void) => ("requestIdleCallback" in window ? window.requestIdleCallback(work, { timeout: 2000 }) : setTimeout(work, 200));
  idle(() => void Promise.all(Object.values(loaders).map((load) => load())).catch(() => undefined));
}

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

  useEffect(() => {
    // The window's first frame with its handlers attached: what the cold
    // start figure of BENCHMARKS.md is measured to (cargo xtask bench-desktop).
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark("waveplan:interactive");
        preloadScreens();
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
          {shown === "board" && <WaveBoard />}
          {shown === "import" && <ImportWizard />}
          {shown === "inventory" && <Inventory />}
          {shown === "graph" && <DependencyGraph />}
          {shown === "dr" && <DrCoverage />}
          {shown === "export" && <ExportScreen />}
          </Suspense>
        </div>
      </main>
    </div>
  );
}
