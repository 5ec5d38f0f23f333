// The planner's settings, everything `waveplan plan` takes: the calendar
// (start, wave length, pilot), the five capacities per wave, blackout
// periods, the objective (with the DR gap-days secondary objective), the
// precedence rule of each kind of dependency, and the search's own knobs.
// "Re-plan" plans with them; the shell validates, and a refused value is
// shown by its field. A project opened read-only shows its settings but
// cannot be re-planned.
import { useEffect, useState, type ReactNode } from "react";
import { api } from "../ipc/api";
import type { PlanSettings } from "../ipc/types";
import { actions, READ_ONLY_REASON, setState, useStore, type SettingsError } from "../store";

/** A numeric setting of the panel: its key, its label, and how it is typed. */
interface NumberSpec {
  key: keyof PlanSettings;
  label: string;
  hint?: string;
  min: number;
  step?: string;
  optional?: boolean;
}

const CALENDAR: NumberSpec[] = [
  { key: "waveDays", label: "Days per wave", min: 1 },
  { key: "pilotApplications", label: "Applications in the pilot", hint: "0: no pilot", min: 0 },
  { key: "pilotWaves", label: "Pilot waves at the start", min: 0 },
];

const CAPACITIES: NumberSpec[] = [
  { key: "maxServersPerWave", label: "Servers", min: 0, optional: true },
  { key: "maxApplicationsPerWave", label: "Applications", min: 0, optional: true },
  { key: "maxStorageGbPerWave", label: "Storage replicated, GB", min: 0, step: "any", optional: true },
  { key: "maxReplicatingServersPerWave", label: "Servers replicating", min: 0, optional: true },
  { key: "maxCutoverHoursPerWave", label: "Cutover team hours", hint: "sum of estimated downtimes", min: 0, step: "any", optional: true },
];

const ADVANCED: NumberSpec[] = [
  { key: "latencyWeight", label: "Weight of latency-sensitive links", min: 0, step: "any" },
  { key: "searchPasses", label: "Passes of local search", hint: "0: the first feasible packing", min: 0 },
];

const OBJECTIVE_LABELS: Record<string, string> = {
  "traffic-days": "Fewest traffic-days split across waves, then fewest waves",
  "fewest-waves": "Fewest waves, then fewest traffic-days",
};

const RULE_LABELS: Record<string, string> = {
  "same-or-earlier": "the same wave or earlier",
  earlier: "an earlier wave",
  together: "the same wave",
  ignore: "any wave (left hybrid)",
};

const KINDS: { key: keyof PlanSettings["precedence"]; label: string }[] = [
  { key: "service", label: "Application services" },
  { key: "database", label: "Databases" },
  { key: "storage", label: "File shares and object stores" },
];

export function SettingsPanel() {
  const [settings, setSettings] = useState<PlanSettings | null>(null);
  const [error, setError] = useState<SettingsError | null>(null);
  const [busy, setBusy] = useState(false);
  const readOnly = useStore((s) => s.project?.readOnly ?? false);
  useEffect(() => {
    void api.planSettings().then(setSettings);
  }, []);
  const close = () => setState({ settingsOpen: false });
  if (!settings) return null;
  const set = (patch: Partial<PlanSettings>) => setSettings({ ...settings, ...patch });
  const blackout = (i: number, patch: Partial<PlanSettings["blackouts"][number]>) =>
    set({ blackouts: settings.blackouts.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const fieldError = (field: string) => (error?.field === field ? error.text : null);

  const number = (spec: NumberSpec) => {
    const value = settings[spec.key] as number | null;
    const problem = fieldError(spec.key);
    return (
      <label key={spec.key} data-setting={spec.key}>
        <span>
          {spec.label} {spec.hint && <span className="muted">({spec.hint})</span>}
        </span>
        <input
          type="number"
          min={spec.min}
          step={spec.step ?? "1"}
          value={value === null || Number.isNaN(value) ? "" : value}
          placeholder={spec.optional ? "no limit" : undefined}
          required={!spec.optional}
          aria-invalid={problem !== null}
          onChange={(e) => set({ [spec.key]: e.target.value === "" ? (spec.optional ? null : Number.NaN) : Number(e.target.value) })}
        />
        {problem && <FieldError text={problem} />}
      </label>
    );
  };

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Planner settings" onKeyDown={(e) => e.key === "Escape" && close()}>
      <form
        className="panel settings"
        data-settings-panel
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const problem = await actions.replan(settings);
          setBusy(false);
          setError(problem);
          // The refused field into view (the panel scrolls).
          if (problem) requestAnimationFrame(() => document.querySelector(`[data-setting="${problem.field}"]`)?.scrollIntoView?.({ block: "center" }));
        }}
      >
        <h2>Planner settings</h2>
        <Section title="Calendar">
          <label data-setting="start">
            First day of wave 1
            <input type="date" value={settings.start} onChange={(e) => set({ start: e.target.value })} required autoFocus aria-invalid={fieldError("start") !== null} />
            {fieldError("start") && <FieldError text={fieldError("start")!} />}
          </label>
          <div className="settings-grid">{CALENDAR.map(number)}</div>
        </Section>
        <Section title="Most per wave" hint="empty or 0: no limit">
          <div className="settings-grid">{CAPACITIES.map(number)}</div>
        </Section>
        <Section title="Objective">
          <label data-setting="objective">
            What the planner minimises first
            <select value={settings.objective} onChange={(e) => set({ objective: e.target.value })}>
              {settings.choices.objectives.map((o) => (
                <option key={o} value={o}>
                  {OBJECTIVE_LABELS[o] ?? o}
                </option>
              ))}
            </select>
          </label>
          <label className="check" data-setting="minimiseDrGapDays">
            <input type="checkbox" checked={settings.minimiseDrGapDays} onChange={(e) => set({ minimiseDrGapDays: e.target.checked })} />
            Also minimise mission-critical DR gap-days
          </label>
          {settings.minimiseDrGapDays &&
            number({ key: "drGapDayWeight", label: "Traffic-days one gap-day is worth", hint: "0: automatic, the mean traffic of a move group", min: 0, step: "any" })}
        </Section>
        <Section title="Precedence" hint="where what is depended on moves, against what depends on it">
          <div className="settings-grid">
            {KINDS.map((k) => {
              const field = `precedence.${k.key}`;
              return (
                <label key={k.key} data-setting={field}>
                  {k.label}
                  <select
                    value={settings.precedence[k.key]}
                    aria-invalid={fieldError(field) !== null}
                    onChange={(e) => set({ precedence: { ...settings.precedence, [k.key]: e.target.value } })}
                  >
                    {settings.choices.precedenceRules.map((r) => (
                      <option key={r} value={r}>
                        {RULE_LABELS[r] ?? r}
                      </option>
                    ))}
                  </select>
                  {fieldError(field) && <FieldError text={fieldError(field)!} />}
                </label>
              );
            })}
          </div>
        </Section>
        <Section title="Data copies">
          {number({ key: "bandwidthMbps", label: "Bandwidth to the cloud, Mbit/s", min: 0, step: "any" })}
        </Section>
        <fieldset data-blackouts>
          <legend>Blackout periods (no cutover)</legend>
          {settings.blackouts.map((b, i) => (
            <div key={i} data-setting={`blackouts.${i}`}>
              <div className="blackout-row" data-blackout={i}>
                <input
                  aria-label="Blackout name"
                  value={b.name}
                  placeholder="Year-end freeze"
                  onChange={(e) => blackout(i, { name: e.target.value })}
                  required
                />
                {(["start", "end"] as const).map((end) => (
                  <input key={end} type="date" aria-label={end === "start" ? "First day" : "Last day"} value={b[end]} onChange={(e) => blackout(i, { [end]: e.target.value })} required />
                ))}
                <button type="button" onClick={() => set({ blackouts: settings.blackouts.filter((_, j) => j !== i) })} aria-label="Remove blackout">
                  ✕
                </button>
              </div>
              {fieldError(`blackouts.${i}`) && <FieldError text={fieldError(`blackouts.${i}`)!} />}
            </div>
          ))}
          <button type="button" onClick={() => set({ blackouts: [...settings.blackouts, { name: "", start: settings.start, end: settings.start }] })}>
            Add a blackout
          </button>
        </fieldset>
        <details className="settings-advanced">
          <summary>Search</summary>
          <div className="settings-grid">
            {ADVANCED.map(number)}
            <label data-setting="seed">
              Seed of the search
              <input inputMode="numeric" value={settings.seed} onChange={(e) => set({ seed: e.target.value })} aria-invalid={fieldError("seed") !== null} />
              {fieldError("seed") && <FieldError text={fieldError("seed")!} />}
            </label>
          </div>
        </details>
        <div className="panel-actions">
          {error && !fieldShown(error.field) && (
            <p className="bad-text" role="alert" data-settings-error>
              {error.text}
            </p>
          )}
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" data-settings-replan disabled={busy || readOnly} title={readOnly ? READ_ONLY_REASON : undefined}>
            {busy ? "Planning…" : "Re-plan"}
          </button>
        </div>
      </form>
    </div>
  );
}

/** The fields that show their own error next to their input. */
function fieldShown(field: string): boolean {
  return [...CALENDAR, ...CAPACITIES, ...ADVANCED].some((s) => s.key === field) || ["start", "seed", "drGapDayWeight", "bandwidthMbps"].includes(field) || /^(precedence|blackouts)\./.test(field);
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset>
      <legend>
        {title} {hint && <span className="muted">({hint})</span>}
      </legend>
      {children}
    </fieldset>
  );
}

function FieldError({ text }: { text: string }) {
  return (
    <span className="field-error" role="alert" data-field-error>
      {text}
    </span>
  );
}
