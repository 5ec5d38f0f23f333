// The planner's settings: start, wave length, capacities, pilot, bandwidth
// and blackout periods; "Re-plan" plans with them.
import { useEffect, useState } from "react";
import { api } from "../ipc/api";
import type { PlanSettings } from "../ipc/types";
import { actions, setState } from "../store";

export function SettingsPanel() {
  const [settings, setSettings] = useState<PlanSettings | null>(null);
  useEffect(() => {
    void api.planSettings().then(setSettings);
  }, []);
  const close = () => setState({ settingsOpen: false });
  if (!settings) return null;
  const set = (patch: Partial<PlanSettings>) => setSettings({ ...settings, ...patch });
  const optional = (text: string) => (text.trim() === "" ? null : Number(text));
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Planner settings" onKeyDown={(e) => e.key === "Escape" && close()}>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          void actions.plan(settings);
        }}
      >
        <h2>Planner settings</h2>
        <label>
          First day of wave 1
          <input type="date" value={settings.start} onChange={(e) => set({ start: e.target.value })} required autoFocus />
        </label>
        <label>
          Days per wave
          <input type="number" min={1} value={settings.waveDays} onChange={(e) => set({ waveDays: Number(e.target.value) })} required />
        </label>
        <label>
          Most servers per wave <span className="muted">(empty: no limit)</span>
          <input type="number" min={1} value={settings.maxServersPerWave ?? ""} onChange={(e) => set({ maxServersPerWave: optional(e.target.value) })} />
        </label>
        <label>
          Most storage per wave, GB <span className="muted">(empty: no limit)</span>
          <input
            type="number"
            min={1}
            value={settings.maxStorageGbPerWave ?? ""}
            onChange={(e) => set({ maxStorageGbPerWave: optional(e.target.value) })}
          />
        </label>
        <label>
          Applications in the pilot wave
          <input type="number" min={0} value={settings.pilotApplications} onChange={(e) => set({ pilotApplications: Number(e.target.value) })} />
        </label>
        <label>
          Bandwidth for data copies, Mbit/s
          <input type="number" min={1} value={settings.bandwidthMbps} onChange={(e) => set({ bandwidthMbps: Number(e.target.value) })} />
        </label>
        <fieldset>
          <legend>Blackout periods (no cutover)</legend>
          {settings.blackouts.map((b, i) => (
            <div className="blackout-row" key={i}>
              <input
                aria-label="Blackout name"
                value={b.name}
                placeholder="Year-end freeze"
                onChange={(e) => set({ blackouts: settings.blackouts.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })}
                required
              />
              <input
                type="date"
                aria-label="First day"
                value={b.start}
                onChange={(e) => set({ blackouts: settings.blackouts.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)) })}
                required
              />
              <input
                type="date"
                aria-label="Last day"
                value={b.end}
                onChange={(e) => set({ blackouts: settings.blackouts.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)) })}
                required
              />
              <button type="button" onClick={() => set({ blackouts: settings.blackouts.filter((_, j) => j !== i) })} aria-label="Remove blackout">
                ✕
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set({ blackouts: [...settings.blackouts, { name: "", start: settings.start, end: settings.start }] })}>
            Add a blackout
          </button>
        </fieldset>
        <div className="panel-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" data-settings-replan>
            Re-plan
          </button>
        </div>
      </form>
    </div>
  );
}
