// The History panel: the project's audit trail, newest first (when, who on
// which machine, what was done and to what), under a line saying whether
// the trail's hash chain holds or where it breaks. It shows what the shell
// sends and checks nothing itself: the chain is verified in Rust.
import type { AuditEntryView, HistoryView } from "../ipc/types";
import { actions, useStore } from "../store";
import { count, moment } from "../format";
import { Dialog } from "./Dialog";

export function HistoryPanel() {
  const history = useStore((s) => s.history);
  return (
    <Dialog label="History" onClose={actions.closeHistory} className="history">
      <div className="history-head">
        <h2>History</h2>
        <button className="link" onClick={actions.closeHistory} aria-label="Close the history">
          ✕
        </button>
      </div>
      {history ? <Trail history={history} /> : <p className="muted">Reading the trail…</p>}
    </Dialog>
  );
}

function Trail({ history }: { history: HistoryView }) {
  return (
    <>
      <TrailCheck history={history} />
      {history.entries.length === 0 ? (
        <p className="muted" data-history-empty>
          Nothing has been done to this project yet.
        </p>
      ) : (
        <ol className="trail" data-history>
          {history.entries.map((e) => (
            <Entry key={e.sequence} entry={e} />
          ))}
        </ol>
      )}
    </>
  );
}

/** Whether the trail is intact, or where it breaks (in the warning style). */
function TrailCheck({ history }: { history: HistoryView }) {
  const n = history.entries.length;
  if (!history.intact) {
    return (
      <p className="warning" role="alert" data-trail-broken>
        The trail is broken: {history.broken ?? "an entry was removed or edited since it was written"}.
      </p>
    );
  }
  if (n === 0) return null;
  return (
    <p className="good-text" data-trail-intact>
      {n === 1 ? "The trail is intact: 1 entry." : `The trail is intact: ${count(n, "entry", "entries")}, each chained to the one before.`}
    </p>
  );
}

function Entry({ entry }: { entry: AuditEntryView }) {
  return (
    <li data-audit-entry={entry.sequence}>
      <div className="trail-when muted">
        {/* The number a broken trail's message names; the hash for whoever checks the chain by hand. */}
        <span className="trail-sequence" title={`SHA-256 ${entry.hash}`}>
          #{entry.sequence}
        </span>
        <time dateTime={entry.time}>{moment(entry.time)}</time>
        <span>
          {entry.user} on {entry.host}
        </span>
      </div>
      <div className="trail-summary">{entry.summary}</div>
      {entry.subjects.length > 0 && (
        <div className="trail-subjects" aria-label="Concerns">
          {entry.subjects.map((s) => (
            <span key={s} className="badge">
              {s}
            </span>
          ))}
        </div>
      )}
    </li>
  );
}
