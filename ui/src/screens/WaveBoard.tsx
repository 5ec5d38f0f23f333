// The wave plan board: a column per wave, a card per application. Drag a
// card (or Alt+←/→ on a focused card) to move it and its move group; while
// it hovers a wave the planner's incremental what-if prices the move, and
// the feedback bar says what would break and how the objective changes.
import { memo, useCallback, useEffect, useRef, useState } from "react";
import { actions, useStore } from "../store";
import type { Board, Card, MovePrice, PlannerObjective, WaveColumn } from "../ipc/types";
import { count, delta, minutes, span } from "../format";
import { ExplainPanel } from "../components/ExplainPanel";
import { SettingsPanel } from "../components/SettingsPanel";
import { Timeline } from "../components/Timeline";
import { ScenarioBar } from "../components/ScenarioBar";

const TIER_SHORT: Record<string, string> = {
  "mission-critical": "Mission-critical",
  "business-critical": "Business-critical",
  "business-operational": "Operational",
  administrative: "Administrative",
};

interface Drag {
  card: Card;
  x: number;
  y: number;
  startX: number;
  startY: number;
  active: boolean;
  over: number | null;
}

export function WaveBoard() {
  const board = useStore((s) => s.board);
  const project = useStore((s) => s.project);
  const settingsOpen = useStore((s) => s.settingsOpen);
  const selected = useStore((s) => s.selected);
  const presentation = useStore((s) => s.presentation);
  const pending = useStore((s) => s.pendingMove);
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  dragRef.current = drag;
  // One function for every card, so the memoised columns and cards below
  // are not drawn again when only the drag, its price or the feedback changes.
  const grab = useCallback((card: Card, e: React.PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    setDrag({ card, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, active: false, over: null });
  }, []);

  useEffect(() => {
    if (!drag) return;
    const move = (e: PointerEvent) => {
      const d = dragRef.current;
      if (!d) return;
      const active = d.active || Math.hypot(e.clientX - d.startX, e.clientY - d.startY) > 5;
      const over = active ? waveUnder(e.clientX, e.clientY) : null;
      if (over !== d.over) void actions.priceMove(d.card.name, over !== null && over !== d.card.wave ? over : null);
      setDrag({ ...d, x: e.clientX, y: e.clientY, active, over });
    };
    const up = (e: PointerEvent) => {
      const d = dragRef.current;
      setDrag(null);
      if (!d) return;
      if (!d.active) {
        actions.select(d.card.name);
        return;
      }
      // The wave under the pointer, or else the one the card was last seen
      // over (highlighted and priced): the price's feedback appearing above
      // the board can shift the columns from under the pointer by the time
      // it is released.
      const wave = waveUnder(e.clientX, e.clientY) ?? d.over;
      if (wave !== null && wave !== d.card.wave) void actions.moveApplication(d.card.name, wave);
      else void actions.priceMove(d.card.name, null);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    return () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
  }, [drag !== null]);

  if (!board) {
    return (
      <section className="empty">
        <h2>No plan yet</h2>
        <p>
          {project && project.counts.applications + project.counts.servers > 0
            ? `The inventory has ${count(project.counts.applications, "application")} and ${count(project.counts.servers, "server")}. Plan it to see the waves.`
            : "Import an inventory first."}
        </p>
        {project && project.counts.applications + project.counts.servers > 0 && (
          <button className="primary big-inline" onClick={() => void actions.plan()} data-plan>
            Plan the waves
          </button>
        )}
        {settingsOpen && <SettingsPanel />}
      </section>
    );
  }

  const lastWave = board.waves.length ? board.waves[board.waves.length - 1].index : 0;
  return (
    <section className="board-screen">
      {!presentation && <ScenarioBar />}
      <MoveFeedback />
      {!presentation && <Timeline board={board} />}
      <div className="board-body">
        <div className="board" role="list" aria-label="Waves">
          {board.waves.map((wave) => (
            <Column key={wave.index} wave={wave} over={drag?.over === wave.index ? verdict(pending, wave.index) : null} onGrab={grab} selected={selected === null || wave.cards.some((c) => c.name === selected) ? selected : null} lastWave={lastWave} />
          ))}
          <div className={`column new-wave${drag?.over === lastWave + 1 ? ` over ${verdict(pending, lastWave + 1)}` : ""}`} data-wave={lastWave + 1}>
            <div className="column-head">
              <h3>New wave</h3>
              <div className="muted">Drop a card here to add wave {lastWave + 1}</div>
            </div>
          </div>
        </div>
        {selected && !presentation && <ExplainPanel application={selected} />}
      </div>
      <BoardFooter board={board} />
      {drag?.active && (
        <div className="drag-ghost" style={{ left: drag.x + 8, top: drag.y + 8 }} aria-hidden="true">
          {drag.card.name}
          {drag.card.movesWith.length > 0 && <span className="muted"> +{drag.card.movesWith.length}</span>}
        </div>
      )}
      {settingsOpen && <SettingsPanel />}
    </section>
  );
}

/** How the column under a dragged card is marked: by the planner's price once it has answered. */
function verdict(price: MovePrice | null, wave: number): string {
  if (!price || price.toWave !== wave) return "";
  return price.broken.length ? "breaks" : "keeps";
}

function waveUnder(x: number, y: number): number | null {
  const column = document.elementFromPoint(x, y)?.closest<HTMLElement>("[data-wave]");
  return column ? Number(column.dataset.wave) : null;
}

/** A wave's column; drawn again only when its wave, its drag verdict or its selected card changes. */
const Column = memo(function Column({
  wave,
  over,
  onGrab,
  selected,
  lastWave,
}: {
  wave: WaveColumn;
  /** null: not under the dragged card; otherwise "", "breaks" or "keeps". */
  over: string | null;
  onGrab: (card: Card, e: React.PointerEvent) => void;
  selected: string | null;
  lastWave: number;
}) {
  const full = wave.capacity !== null && wave.servers > wave.capacity;
  const load = wave.capacity ? Math.min(100, (100 * wave.servers) / wave.capacity) : 0;
  return (
    <div className={`column${over !== null ? ` over ${over}` : ""}`} data-wave={wave.index} role="listitem" aria-label={wave.name}>
      <div className="column-head">
        <h3>
          {wave.name} {wave.pilot && <span className="badge">pilot</span>}
        </h3>
        <div className="muted">{span(wave.start, wave.end)}</div>
        <div className={`load${full ? " bad" : ""}`} title="Servers cutting over against the wave's capacity">
          <span>
            {wave.servers}
            {wave.capacity !== null ? ` / ${wave.capacity}` : ""} servers
          </span>
          {wave.capacity !== null && (
            <div className="bar">
              <div style={{ width: `${load}%` }} />
            </div>
          )}
        </div>
        <div className="muted" data-wave-downtime>
          Downtime {minutes(wave.downtimeMinutes)}
          {wave.downtimeLongestMinutes > 0 && ` · longest ${minutes(wave.downtimeLongestMinutes)}`}
        </div>
        {wave.blackouts.map((b) => (
          <div key={b} className="badge warn" title="A blackout overlaps this wave">
            Blackout: {b}
          </div>
        ))}
      </div>
      <div className="cards">
        {wave.cards.map((card) => (
          <CardView key={card.name} card={card} onGrab={onGrab} selected={selected === card.name} lastWave={lastWave} />
        ))}
      </div>
    </div>
  );
});

/** A card; drawn again only when the card or its selection changes. */
const CardView = memo(function CardView({ card, onGrab, selected, lastWave }: { card: Card; onGrab: (card: Card, e: React.PointerEvent) => void; selected: boolean; lastWave: number }) {
  const onKey = (e: React.KeyboardEvent) => {
    if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      e.preventDefault();
      const to = card.wave + (e.key === "ArrowLeft" ? -1 : 1);
      if (to >= 1 && to <= lastWave + 1) void actions.moveApplication(card.name, to);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      actions.select(card.name);
    } else if (e.key.toLowerCase() === "p" && !e.ctrlKey) {
      void actions.setPinned(card.name, !card.pinned);
    }
  };
  return (
    <div
      className={`card tier-${card.tier}${card.violated ? " violated" : ""}${selected ? " selected" : ""}`}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${card.name}, wave ${card.wave}${card.violated ? ", breaks a constraint" : ""}`}
      data-card={card.name}
      onPointerDown={(e) => onGrab(card, e)}
      onKeyDown={onKey}
    >
      <div className="card-top">
        <span className="card-name">{card.name}</span>
        {card.violated && (
          <span className="violation-mark" title="A broken constraint names this application">
            ⚠
          </span>
        )}
        <button
          className={`pin${card.pinned ? " on" : ""}`}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={() => void actions.setPinned(card.name, !card.pinned)}
          aria-label={card.pinned ? `Unpin ${card.name}` : `Pin ${card.name} to wave ${card.wave}`}
          title={card.pinned ? "Pinned to this wave: click to unpin" : "Pin to this wave"}
          data-pin
        >
          {card.pinned ? "Pinned" : "Pin"}
        </button>
      </div>
      <div className="card-meta">
        <span className="tier">{TIER_SHORT[card.tier] ?? card.tier}</span>
        <span>{card.environment}</span>
        <span>{count(card.servers, "server")}</span>
        <span className={card.fitsWindow === false ? "bad-text" : ""}>{minutes(card.downtimeMinutes)}</span>
      </div>
      {card.movesWith.length > 0 && <div className="card-group muted">moves with {card.movesWith.join(", ")}</div>}
    </div>
  );
});

function MoveFeedback() {
  const move = useStore((s) => s.lastMove);
  const pending = useStore((s) => s.pendingMove);
  const project = useStore((s) => s.project);
  if (pending) return <PriceFeedback price={pending} />;
  if (!move) return null;
  const after = move.board.objective;
  const bad = move.broken.length > 0;
  return (
    <div className={`feedback ${bad ? "bad" : "good"}`} role="status" data-feedback>
      <div className="feedback-head">
        <strong>
          Moved {move.moved.join(", ")} to wave {move.price.toWave}
        </strong>
        <span className="muted" data-feedback-timing>
          {" "}
          · priced in {move.price.millis.toFixed(1)} ms, saved in {move.millis.toFixed(0)} ms
        </span>
        <span className="feedback-figures">
          Broken constraints {move.before.hardViolations} → {after.hardViolations} ({delta(move.before.hardViolations, after.hardViolations)}) ·{" "}
          <ObjectiveChange before={move.price.before} after={move.price.after} /> · Fullest wave {move.before.fullestWaveServers} → {after.fullestWaveServers} servers
        </span>
        {project?.undo && (
          <button onClick={() => void actions.undo()} data-feedback-undo>
            Undo
          </button>
        )}
      </div>
      <Broken price={move.price} />
      {move.mended.length > 0 && (
        <ul className="violations mended">
          {move.mended.map((v, i) => (
            <li key={i}>
              <span className="badge good">mended</span> {v.message}
            </li>
          ))}
        </ul>
      )}
      {!bad && move.mended.length === 0 && <div>No constraint broken.</div>}
    </div>
  );
}

/** The planner's price of a move not yet saved: the card hovering a wave, or dropped and being saved. */
function PriceFeedback({ price }: { price: MovePrice }) {
  const bad = price.broken.length > 0;
  return (
    <div className={`feedback ${bad ? "bad" : "good"} pending`} role="status" data-feedback data-pending-move>
      <div className="feedback-head">
        <strong>
          {price.movesWith.join(", ")} → wave {price.toWave}
        </strong>
        <span className="muted"> · priced in {price.millis.toFixed(1)} ms</span>
        <span className="feedback-figures">
          {bad ? `Would break ${count(price.broken.length, "constraint")}` : "Would break nothing"} · <ObjectiveChange before={price.before} after={price.after} />
        </span>
      </div>
      <Broken price={price} />
    </div>
  );
}

function Broken({ price }: { price: MovePrice }) {
  if (price.broken.length === 0) return null;
  return (
    <ul className="violations" data-broken>
      {price.broken.map((v, i) => (
        <li key={i}>
          <span className="badge bad">{v.constraint}</span> {v.message}
        </li>
      ))}
    </ul>
  );
}

/** The planner's objective, before → after: traffic-days, waves, imbalance. */
function ObjectiveChange({ before, after }: { before: PlannerObjective; after: PlannerObjective }) {
  const traffic = after.trafficDays - before.trafficDays;
  const sign = traffic > 0.5 ? "+" : "";
  return (
    <span data-objective title="The planner's objective: hybrid traffic-days first (between waves and to what stays on premises), then waves, then imbalance">
      Traffic-days {round(before.trafficDays)} → {round(after.trafficDays)} ({Math.abs(traffic) < 0.5 ? "±0" : `${sign}${round(traffic)}`}) · Waves {before.waves} → {after.waves} ·
      Imbalance {before.imbalance.toFixed(2)} → {after.imbalance.toFixed(2)}
    </span>
  );
}

function round(x: number): string {
  return Math.round(x).toLocaleString("en");
}

/** The broken constraints and what is not migrating (thousands of lines on a large plan): drawn again only when the board changes. */
const BoardFooter = memo(function BoardFooter({ board }: { board: Board }) {
  const presentation = useStore((s) => s.presentation);
  if (presentation || (board.violations.length === 0 && board.notMigrating.length === 0)) return null;
  return (
    <details className="board-footer" open={board.violations.length > 0}>
      <summary>
        {count(board.violations.length, "broken constraint")} · {count(board.notMigrating.length, "item")} not migrating
      </summary>
      <ul className="violations" data-all-violations>
        {board.violations.map((v, i) => (
          <li key={i}>
            <span className="badge bad">{v.constraint}</span> {v.message}
          </li>
        ))}
      </ul>
      <ul className="muted">
        {board.notMigrating.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </details>
  );
});
