// Start: new project, open one, the recent ones (a file moved or deleted is
// shown missing and can be removed from the list), the sample hospital.
import { useEffect } from "react";
import { actions, useStore } from "../store";

export function StartScreen() {
  const recent = useStore((s) => s.recent);
  useEffect(() => void actions.loadRecent(), []);
  return (
    <section className="start">
      <h2>Plan a migration</h2>
      <p className="lead">
        Import the inventories the estate already has, see its dependencies, and shape the migration waves with every broken constraint shown as
        you go. Everything stays on this computer.
      </p>
      <div className="start-actions">
        <button className="big primary" onClick={() => void actions.openSample()} data-open-sample>
          <strong>Open the sample hospital</strong>
          <span>A community hospital: EHR, PACS, lab, billing and their devices</span>
        </button>
        <button className="big" onClick={() => void actions.newProject()}>
          <strong>New project…</strong>
          <span>An empty project file, then import its inventory</span>
        </button>
        <button className="big" onClick={() => void actions.openProject()}>
          <strong>Open project…</strong>
          <span>A .waveplan file</span>
        </button>
      </div>
      <h3>Recent projects</h3>
      {recent.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="recent">
          {recent.map((r) => (
            <li key={r.path} className={r.exists ? "" : "missing"} data-recent={r.path}>
              <button className="link" disabled={!r.exists} onClick={() => void actions.openRecent(r.path)} title={r.path}>
                {r.name}
              </button>
              {!r.exists && <span className="badge warn">missing</span>}
              <span className="muted"> {r.exists ? r.path : `${r.path}: moved or deleted`}</span>
              <button
                className="link forget"
                onClick={() => void actions.forgetRecent(r.path)}
                aria-label={`Remove ${r.name} from the recent projects`}
                title="Remove from this list (the file is not touched)"
                data-forget-recent
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
