// Explain: why the selected application is in its wave, what moves with it,
// its downtime arithmetic, and what each earlier wave would break.
import { useEffect, useState } from "react";
import { api, CommandError } from "../ipc/api";
import type { Explanation } from "../ipc/types";
import { actions, useStore } from "../store";

export function ExplainPanel({ application }: { application: string }) {
  const board = useStore((s) => s.board);
  const [explanation, setExplanation] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .explain(application)
      .then((e) => live && (setExplanation(e), setError(null)))
      .catch((e) => live && setError(e instanceof CommandError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [application, board]);
  return (
    <aside className="explain" aria-label={`Explain ${application}`} data-explain>
      <div className="explain-head">
        <h3>{application}</h3>
        <button className="link" onClick={() => actions.select(null)} aria-label="Close">
          ✕
        </button>
      </div>
      {error && <p className="bad-text">{error}</p>}
      {explanation && (
        <>
          <p>
            In <strong>wave {explanation.wave}</strong> because:
          </p>
          <ul>
            {explanation.reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
          {explanation.movesWith.length > 0 && (
            <>
              <h4>Moves with</h4>
              <p>{explanation.movesWith.join(", ")}</p>
              <ul className="muted">
                {explanation.groupReasons.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ul>
            </>
          )}
          <h4>What an earlier wave would break</h4>
          {explanation.earlier.length === 0 ? (
            <p className="muted">It is in the first wave.</p>
          ) : (
            <ul className="earlier">
              {explanation.earlier.map((e) => (
                <li key={e.wave}>
                  <strong>Wave {e.wave}</strong>:{" "}
                  {e.broken.length === 0 ? (
                    <span className="good-text">nothing; it could move there</span>
                  ) : (
                    e.broken.map((v, i) => (
                      <div key={i} className="bad-text">
                        {v.message}
                      </div>
                    ))
                  )}
                </li>
              ))}
            </ul>
          )}
          {explanation.downtimeSteps.length > 0 && (
            <>
              <h4>Cutover downtime</h4>
              <ul className="mono">
                {explanation.downtimeSteps.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </aside>
  );
}
