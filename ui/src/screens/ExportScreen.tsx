// Export: the plan in each format the export library offers, to a file the
// user chooses in the save dialog.
import { useEffect, useState } from "react";
import { api, CommandError } from "../ipc/api";
import type { ExportFormatView, ExportOutcome } from "../ipc/types";
import { useStore } from "../store";

export function ExportScreen() {
  const board = useStore((s) => s.board);
  const [formats, setFormats] = useState<ExportFormatView[]>([]);
  const [chosen, setChosen] = useState<string>("");
  const [withHistory, setWithHistory] = useState(false);
  const [outcome, setOutcome] = useState<ExportOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.exportFormats().then((f) => (setFormats(f), setChosen(f[0]?.id ?? "")));
  }, []);
  const carriesHistory = formats.find((f) => f.id === chosen)?.carriesHistory ?? false;
  if (!board) return <section className="empty"><h2>No plan yet</h2><p>Plan the waves first; then export them.</p></section>;
  const run = async () => {
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await api.exportPlan(chosen, withHistory && carriesHistory));
    } catch (e) {
      if (!(e instanceof CommandError && e.error.kind === "cancelled")) setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="export">
      <h2>Export the plan</h2>
      <fieldset>
        <legend>Format</legend>
        {formats.map((f) => (
          <label key={f.id} className="radio">
            <input type="radio" name="format" value={f.id} checked={chosen === f.id} onChange={() => setChosen(f.id)} data-format={f.id} /> {f.label}
          </label>
        ))}
      </fieldset>
      {carriesHistory && (
        <label className="radio">
          <input type="checkbox" checked={withHistory} onChange={(e) => setWithHistory(e.target.checked)} data-with-history />
          Add the audit trail (who changed what, and when; its chain checked) as the last {chosen === "xlsx" ? "sheet" : "section"}
        </label>
      )}
      <button className="primary" onClick={() => void run()} disabled={!chosen} data-export>
        Export…
      </button>
      {error && <p className="bad-text" role="alert">{error}</p>}
      {outcome && (
        <div className="message info" data-export-done>
          <span>
            Wrote {outcome.written.length === 1 ? outcome.written[0] : `${outcome.written.length} files`} ({(outcome.bytes / 1024).toFixed(1)} KB)
          </span>
          {outcome.notes.map((note) => (
            <p key={note} className="warning" data-export-note>
              {note}
            </p>
          ))}
          {outcome.written.length > 1 && (
            <ul className="mono">
              {outcome.written.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
