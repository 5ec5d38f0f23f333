// The scenarios of the project over the board: switch, duplicate, rename,
// delete, and compare two side by side on every metric (the comparison
// `waveplan compare` prints, made by the core library).
import { useEffect, useState } from "react";
import { actions, READ_ONLY_REASON, useStore } from "../store";
import type { MetricRow, ScenarioComparison } from "../ipc/types";
import { day } from "../format";

type Naming = { kind: "duplicate" | "rename"; name: string } | null;

export function ScenarioBar() {
  const project = useStore((s) => s.project);
  const scenarios = useStore((s) => s.scenarios);
  const comparison = useStore((s) => s.comparison);
  const [naming, setNaming] = useState<Naming>(null);
  const [other, setOther] = useState("");
  const current = project?.scenario ?? "";
  // Read-only: switching, copying, renaming and deleting all write to the file; comparing does not.
  const readOnly = project?.readOnly ?? false;
  const why = readOnly ? READ_ONLY_REASON : undefined;

  useEffect(() => {
    void actions.loadScenarios();
  }, [current, project?.scenarios.join("\n")]);

  const others = scenarios.filter((s) => !s.current);
  const compareWith = others.some((s) => s.name === other) ? other : (others[0]?.name ?? "");

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!naming || !naming.name.trim()) return;
    if (naming.kind === "duplicate") void actions.duplicateScenario(current, naming.name.trim());
    else void actions.renameScenario(current, naming.name.trim());
    setNaming(null);
  };

  return (
    <div className="scenario-bar" data-scenario-bar>
      <label>
        Scenario{" "}
        <select value={current} onChange={(e) => void actions.switchScenario(e.target.value)} data-scenario-select aria-label="Scenario on the board" disabled={readOnly} title={why}>
          {scenarios.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name} · {s.waves} waves{s.hardViolations ? ` · ${s.hardViolations} broken` : ""}
            </option>
          ))}
          {!scenarios.some((s) => s.name === current) && <option value={current}>{current}</option>}
        </select>
      </label>
      {naming ? (
        <form className="scenario-name" onSubmit={submit}>
          <input
            autoFocus
            value={naming.name}
            onChange={(e) => setNaming({ ...naming, name: e.target.value })}
            onKeyDown={(e) => e.key === "Escape" && setNaming(null)}
            aria-label={naming.kind === "duplicate" ? "Name of the copy" : "New name"}
            data-scenario-name
          />
          <button type="submit" className="primary" disabled={!naming.name.trim()} data-scenario-ok>
            {naming.kind === "duplicate" ? "Duplicate" : "Rename"}
          </button>
          <button type="button" onClick={() => setNaming(null)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <button onClick={() => setNaming({ kind: "duplicate", name: `${current} copy` })} disabled={readOnly} title={why} data-scenario-duplicate>
            Duplicate…
          </button>
          <button onClick={() => setNaming({ kind: "rename", name: current })} disabled={readOnly} title={why} data-scenario-rename>
            Rename…
          </button>
        </>
      )}
      {others.length > 0 && (
        <span className="scenario-compare">
          <select value={compareWith} onChange={(e) => setOther(e.target.value)} aria-label="Scenario to compare with" data-compare-with>
            {others.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
          <button onClick={() => void actions.compareScenarios(current, compareWith)} data-scenario-compare>
            Compare
          </button>
          <button onClick={() => void actions.deleteScenario(compareWith)} disabled={readOnly} title={why ?? `Delete the scenario '${compareWith}'`} data-scenario-delete>
            Delete
          </button>
        </span>
      )}
      {comparison && <Comparison comparison={comparison} />}
    </div>
  );
}

/** A metric's figure as a planner reads it. */
export function metricText(row: MetricRow, side: "a" | "b"): string {
  const measured = row.measured[side === "a" ? 0 : 1];
  if (!measured) return "not in plan";
  if (row.unit === "date") {
    const d = side === "a" ? row.aDate : row.bDate;
    return d ? day(d) : "never";
  }
  const x = side === "a" ? row.a : row.b;
  if (x === null) return "—";
  if (row.unit === "share") return `${Math.round(x * 100)}%`;
  return x.toLocaleString("en", { maximumFractionDigits: Math.abs(x) < 10 && !Number.isInteger(x) ? 2 : 0 });
}

function differenceText(row: MetricRow): string {
  const d = row.difference;
  if (d === null) return "";
  if (d === 0) return "same";
  const sign = d > 0 ? "+" : "−";
  const abs = Math.abs(d);
  if (row.unit === "date") return `${sign}${abs.toLocaleString("en")} days`;
  if (row.unit === "share") return `${sign}${Math.round(abs * 100)} points`;
  return `${sign}${abs.toLocaleString("en", { maximumFractionDigits: abs < 10 && !Number.isInteger(abs) ? 2 : 0 })}`;
}

function Comparison({ comparison: c }: { comparison: ScenarioComparison }) {
  return (
    <section className="comparison" aria-label={`${c.a} against ${c.b}`} data-comparison>
      <header>
        <h3>
          {c.a} against {c.b}
        </h3>
        <span className="muted">
          {c.a} does better on {c.wins[0]}, {c.b} on {c.wins[1]} of {c.metrics.length} metrics
        </span>
        <button className="link" onClick={actions.closeComparison} aria-label="Close the comparison">
          ✕
        </button>
      </header>
      <table className="counts comparison-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th>{c.a}</th>
            <th>{c.b}</th>
            <th>Difference</th>
          </tr>
        </thead>
        <tbody>
          {c.metrics.map((m) => (
            <tr key={m.key} data-metric={m.key}>
              <td>{m.label}</td>
              <td className={m.better === "a" ? "better" : ""}>{metricText(m, "a")}</td>
              <td className={m.better === "b" ? "better" : ""}>{metricText(m, "b")}</td>
              <td className="muted">{differenceText(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {c.settings.length > 0 && (
        <>
          <h4>Settings that differ</h4>
          <ul className="muted">
            {c.settings.map((s) => (
              <li key={s.key}>
                {s.key}: {s.a} → {s.b}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>{c.moved.length ? `${c.moved.length} applications in another wave` : "Every application is in the same wave"}</h4>
      {c.moved.length > 0 && (
        <ul className="moved" data-compare-moved>
          {c.moved.slice(0, 200).map((m) => (
            <li key={m.application}>
              {m.application}: wave {m.waveA ?? "—"} → {m.waveB ?? "—"}
            </li>
          ))}
          {c.moved.length > 200 && <li className="muted">and {c.moved.length - 200} more</li>}
        </ul>
      )}
    </section>
  );
}
