// The bar over every screen of an open project: the read-only badge, undo
// and redo, the plan's figures, re-plan, settings, the history, presentation
// mode. A project opened read-only has its changing actions disabled here.
import { actions, READ_ONLY_REASON, setState, useStore } from "../store";
import { day, minutes } from "../format";

export function Toolbar() {
  const project = useStore((s) => s.project)!;
  const board = useStore((s) => s.board);
  const presentation = useStore((s) => s.presentation);
  const hideHostNames = useStore((s) => s.hideHostNames);
  const o = board?.objective;
  const readOnly = project.readOnly;
  const empty = project.counts.applications + project.counts.servers === 0;
  return (
    <header className="toolbar">
      <div className="toolbar-title">
        <h1>{project.name}</h1>
        {readOnly && (
          <span className="badge warn" title={`Opened read-only: nothing can be changed. ${READ_ONLY_REASON}`} data-read-only>
            read-only
          </span>
        )}
      </div>
      {o && (
        <div className="figures" aria-label="Plan figures" data-objective>
          <Figure label="Broken constraints" value={String(o.hardViolations)} tone={o.hardViolations ? "bad" : "good"} id="violations" />
          <Figure label="Waves with cutovers" value={String(o.waves)} id="waves" />
          <Figure label="Programme end" value={day(o.programmeEnd)} id="end" />
          <Figure label="Downtime, all cutovers" value={minutes(o.downtimeTotalMinutes)} id="downtime" />
        </div>
      )}
      {!presentation && (
        <div className="toolbar-actions">
          <button
            onClick={() => void actions.undo()}
            disabled={readOnly || !project.undo}
            title={readOnly ? READ_ONLY_REASON : project.undo ? `Undo ${project.undo} (Ctrl+Z)` : "Nothing to undo"}
            data-undo
          >
            ↶ Undo
          </button>
          <button
            onClick={() => void actions.redo()}
            disabled={readOnly || !project.redo}
            title={readOnly ? READ_ONLY_REASON : project.redo ? `Redo ${project.redo} (Ctrl+Shift+Z)` : "Nothing to redo"}
            data-redo
          >
            ↷ Redo
          </button>
          <button onClick={() => void actions.openHistory()} title="Who did what to this project, and when (Ctrl+Shift+H)" data-open-history>
            History
          </button>
          {/* Read-only, the settings can be read; the panel's Re-plan is disabled. */}
          <button onClick={() => setState({ settingsOpen: true, screen: "board" })} data-open-settings disabled={empty}>
            Settings…
          </button>
          <button className="primary" onClick={() => void actions.plan()} disabled={readOnly || empty} title={readOnly ? READ_ONLY_REASON : undefined} data-replan>
            {board ? "Re-plan" : "Plan"}
          </button>
        </div>
      )}
      {presentation && (
        <button
          className="toggle"
          onClick={actions.toggleHostNames}
          aria-pressed={hideHostNames}
          title="Addresses are always hidden while presenting; host names when this is on"
          data-hide-host-names
        >
          {hideHostNames ? "Host names hidden" : "Host names shown"}
        </button>
      )}
      <button className="toggle" onClick={actions.togglePresentation} aria-pressed={presentation} title="Presentation mode (F5)">
        {presentation ? "Exit presentation" : "Present"}
      </button>
    </header>
  );
}

function Figure({ label, value, tone, id }: { label: string; value: string; tone?: "good" | "bad"; id: string }) {
  return (
    <div className={`figure${tone ? ` ${tone}` : ""}`} data-figure={id}>
      <div className="figure-value">{value}</div>
      <div className="figure-label">{label}</div>
    </div>
  );
}
