// The wave plan board: a column per wave, a card per application. Drag a
// card (or Alt+←/→ on a focused card) to move it and its move group; while
// it hovers a wave the planner's incremental what-if prices the move, and
// the feedback bar says what would break and how the objective changes.
//
// The board is virtualised both ways, as the inventory's tables are: only
// the columns in view are drawn, and in a column only the cards in view,
// each of a fixed size (boardNavigation.ts), so a plan of 10,000 cards draws
// a few dozen. The arrow keys reach every card (scrolled into view, then
// focused); a drag near an edge scrolls the board. The drag and the price
// under it live outside the board's render: a pointer move or a price draws
// again only the columns it marks, the ghost and the feedback bar.
// A project opened read-only shows the same board with nothing to drag or
// pin: a card pressed is only selected.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { actions, getState, READ_ONLY_REASON, useStore } from "../store";
import type { Board, Card, MoveOutcome, MovePrice, PlannerObjective, WaveColumn } from "../ipc/types";
import { count, delta, minutes, span } from "../format";
import { ExplainPanel } from "../components/ExplainPanel";
import { SettingsPanel } from "../components/SettingsPanel";
import { Timeline } from "../components/Timeline";
import { mark } from "../marks";
import { ScenarioBar } from "../components/ScenarioBar";
import { neighbour, placeOf, PRESENTATION_SIZES, SIZES, type BoardSizes } from "./boardNavigation";

const TIER_SHORT: Record<string, string> = {
  "mission-critical": "Mission-critical",
  "business-critical": "Business-critical",
  "business-operational": "Operational",
  administrative: "Administrative",
};

/** How far from the board's edge a dragged card starts scrolling it, and how fast at most (px a frame). */
const EDGE = 64;
const EDGE_SPEED = 28;

interface Drag {
  card: Card;
  x: number;
  y: number;
  startX: number;
  startY: number;
  active: boolean;
  over: number | null;
}

// The drag in progress: a small store of its own, so a pointer move draws
// again only what shows the drag (the ghost, and the columns it enters and leaves).
let drag: Drag | null = null;
const dragListeners = new Set<() => void>();
function setDrag(next: Drag | null) {
  drag = next;
  dragListeners.forEach((l) => l());
}
function subscribeDrag(listener: () => void) {
  dragListeners.add(listener);
  return () => dragListeners.delete(listener);
}
function useDrag<T>(select: (d: Drag | null) => T): T {
  return useSyncExternalStore(subscribeDrag, () => select(drag));
}

/** A card to scroll into view and focus (`seq` so the same card can be asked for twice). */
interface FocusRequest {
  name: string;
  row: number;
  seq: number;
}
// Requests are numbered across boards; one done is not done again when its
// column is drawn again (scrolled away and back).
let focusSeq = 0;
let focusDone = 0;
// The saved move whose card was last brought into view.
let revealedMove: MoveOutcome | null = null;

/** The drag's moves: priced when the wave under the card changes. */
function hover(x: number, y: number) {
  const d = drag;
  if (!d) return;
  const active = d.active || Math.hypot(x - d.startX, y - d.startY) > 5;
  const over = active ? waveUnder(x, y) : null;
  if (over !== d.over) void actions.priceMove(d.card.name, over !== null && over !== d.card.wave ? over : null);
  setDrag({ ...d, x, y, active, over });
}

export function WaveBoard() {
  const board = useStore((s) => s.board);
  const project = useStore((s) => s.project);
  const settingsOpen = useStore((s) => s.settingsOpen);
  const selected = useStore((s) => s.selected);
  const presentation = useStore((s) => s.presentation);
  const lastMove = useStore((s) => s.lastMove);
  const readOnly = project?.readOnly ?? false;
  const scroller = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState<(FocusRequest & { column: number }) | null>(null);
  const sizes = presentation ? PRESENTATION_SIZES : SIZES;
  const waves = board?.waves ?? [];
  const columns = useVirtualizer({
    horizontal: true,
    count: board ? waves.length + 1 : 0,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (i < waves.length ? sizes.column : sizes.newWave),
    gap: sizes.columnGap,
    overscan: 2,
    initialRect: { width: 1400, height: 700 },
  });
  useEffect(() => {
    columns.measure();
  }, [presentation]);
  // The board in the page (before layout and paint).
  useLayoutEffect(() => {
    if (board) mark("waveplan:board-committed");
  }, [board]);

  /** Scrolls the card of `name` into view (its column, then its row) and focuses it. */
  const reveal = useCallback(
    (name: string) => {
      const b = getState().board;
      const place = b && placeOf(b, name);
      if (!place) return;
      bringIntoView(scroller.current, "horizontal", columns.measurementsCache[place.column]);
      setFocus({ name, column: place.column, row: place.row, seq: ++focusSeq });
    },
    [columns],
  );

  // A saved move: the moved card is scrolled into view in its new wave and keeps the focus.
  useEffect(() => {
    if (lastMove && lastMove !== revealedMove) {
      revealedMove = lastMove;
      reveal(lastMove.price.application);
    }
  }, [lastMove, reveal]);

  // One function for every card, so the memoised columns and cards below
  // are not drawn again when only the drag, its price or the feedback changes.
  const grab = useCallback((card: Card, e: React.PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    // Read-only: nothing can move, so a press only selects the card.
    if (getState().project?.readOnly) return actions.select(card.name);
    setDrag({ card, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, active: false, over: null });
    const move = (e: PointerEvent) => hover(e.clientX, e.clientY);
    let frame = 0;
    // Near an edge the board scrolls (and a column near its top or bottom),
    // so a card can be dropped on a wave that was not in view when the drag began.
    const edgeScroll = () => {
      const d = drag;
      if (!d) return;
      if (d.active && scroller.current) {
        const board = scroller.current.getBoundingClientRect();
        const speed = (distance: number) => Math.ceil((EDGE_SPEED * (EDGE - distance)) / EDGE);
        const left = scroller.current.scrollLeft;
        // Only with the pointer over the board (not the feedback bar above it or the footer below).
        const within = d.y >= board.top && d.y <= board.bottom;
        if (within && d.x < board.left + EDGE) scroller.current.scrollLeft -= speed(Math.max(0, d.x - board.left));
        else if (within && d.x > board.right - EDGE) scroller.current.scrollLeft += speed(Math.max(0, board.right - d.x));
        let scrolled = scroller.current.scrollLeft !== left;
        // Within a column's list of cards, near its top or bottom: that list scrolls.
        const cards = document.elementFromPoint(d.x, d.y)?.closest<HTMLElement>(".cards");
        if (cards) {
          const r = cards.getBoundingClientRect();
          const before = cards.scrollTop;
          if (d.y < r.top + EDGE / 2) cards.scrollTop -= speed(2 * Math.max(0, d.y - r.top));
          else if (d.y > r.bottom - EDGE / 2) cards.scrollTop += speed(2 * Math.max(0, r.bottom - d.y));
          scrolled ||= cards.scrollTop !== before;
        }
        // What is under the pointer changed with the scroll.
        if (scrolled) hover(d.x, d.y);
      }
      frame = requestAnimationFrame(edgeScroll);
    };
    const up = (e: PointerEvent) => {
      const d = drag;
      setDrag(null);
      cancelAnimationFrame(frame);
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
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
    if (typeof requestAnimationFrame === "function") frame = requestAnimationFrame(edgeScroll);
  }, []);

  /** The arrow keys, Home and End on a focused card: the card they lead to, scrolled into view. */
  const navigate = useCallback(
    (card: Card, e: React.KeyboardEvent) => {
      const b = getState().board;
      const from = b && placeOf(b, card.name);
      const to = b && from && neighbour(b, from, e.key, e.ctrlKey);
      if (!b || !to) return false;
      reveal(b.waves[to.column].cards[to.row].name);
      return true;
    },
    [reveal],
  );

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
          <button className="primary big-inline" onClick={() => void actions.plan()} disabled={readOnly} title={readOnly ? READ_ONLY_REASON : undefined} data-plan>
            Plan the waves
          </button>
        )}
        {settingsOpen && <SettingsPanel />}
      </section>
    );
  }

  const lastWave = waves.length ? waves[waves.length - 1].index : 0;
  return (
    <section className={`board-screen${readOnly ? " read-only" : ""}`}>
      {!presentation && <ScenarioBar />}
      <MoveFeedback />
      {!presentation && <Timeline board={board} />}
      <div className="board-body">
        <div className="board" role="list" aria-label="Waves" ref={scroller}>
          <div className="board-extent" style={{ width: columns.getTotalSize() }} aria-hidden="true" />
          {columns.getVirtualItems().map((item) => {
            if (item.index >= waves.length) return <NewWave key="new" wave={lastWave + 1} left={item.start} width={item.size} />;
            const wave = waves[item.index];
            return (
              <Column
                key={wave.index}
                wave={wave}
                left={item.start}
                width={item.size}
                sizes={sizes}
                onGrab={grab}
                onNavigate={navigate}
                selected={selected !== null && wave.cards.some((c) => c.name === selected) ? selected : null}
                focus={focus && focus.column === item.index ? focus : null}
                lastWave={lastWave}
                readOnly={readOnly}
              />
            );
          })}
        </div>
        {selected && !presentation && <ExplainPanel application={selected} />}
      </div>
      <BoardFooter board={board} />
      <DragGhost />
      {settingsOpen && <SettingsPanel />}
    </section>
  );
}

/** The card under the pointer while it is dragged. */
function DragGhost() {
  const d = useDrag((d) => d);
  if (!d?.active) return null;
  return (
    <div className="drag-ghost" style={{ left: d.x + 8, top: d.y + 8 }} aria-hidden="true">
      {d.card.name}
      {d.card.movesWith.length > 0 && <span className="muted"> +{d.card.movesWith.length}</span>}
    </div>
  );
}

/** How the column of `wave` is marked: null when no dragged card is over it; else by the planner's price once it has answered. */
function useOver(wave: number): string | null {
  const over = useDrag((d) => d !== null && d.active && d.over === wave);
  return useStore((s) => (over ? verdict(s.pendingMove, wave) : null));
}

/** How the column under a dragged card is marked: by the planner's price once it has answered. */
function verdict(price: MovePrice | null, wave: number): string {
  if (!price || price.toWave !== wave) return "";
  return price.broken.length ? "breaks" : "keeps";
}

/**
 * Scrolls `element` the least that brings `item` (a column or a card as the
 * virtualiser placed it) wholly into view, at once, and says so to the
 * virtualiser, which then draws what is in view.
 */
function bringIntoView(element: HTMLElement | null, direction: "horizontal" | "vertical", item: { start: number; end: number } | undefined) {
  if (!element || !item) return;
  const [axis, viewport] = direction === "horizontal" ? (["scrollLeft", element.clientWidth] as const) : (["scrollTop", element.clientHeight] as const);
  const now = element[axis];
  const to = item.start < now ? item.start : item.end > now + viewport ? item.end - viewport : now;
  if (to === now) return;
  element[axis] = to;
  element.dispatchEvent(new Event("scroll"));
}

function waveUnder(x: number, y: number): number | null {
  const column = document.elementFromPoint(x, y)?.closest<HTMLElement>("[data-wave]");
  return column ? Number(column.dataset.wave) : null;
}

/** The column after the last wave: a card dropped on it opens a new wave. */
function NewWave({ wave, left, width }: { wave: number; left: number; width: number }) {
  const over = useOver(wave);
  return (
    <div className={`column new-wave${over !== null ? ` over ${over}` : ""}`} data-wave={wave} style={{ left, width }}>
      <div className="column-head">
        <h3>New wave</h3>
        <div className="muted">Drop a card here to add wave {wave}</div>
      </div>
    </div>
  );
}

/** A wave's column, its cards virtualised; drawn again only when its wave, its selected card or a focus request changes (or a drag enters it). */
const Column = memo(function Column({
  wave,
  left,
  width,
  sizes,
  onGrab,
  onNavigate,
  selected,
  focus,
  lastWave,
  readOnly,
}: {
  wave: WaveColumn;
  left: number;
  width: number;
  sizes: BoardSizes;
  onGrab: (card: Card, e: React.PointerEvent) => void;
  onNavigate: (card: Card, e: React.KeyboardEvent) => boolean;
  selected: string | null;
  focus: FocusRequest | null;
  lastWave: number;
  readOnly: boolean;
}) {
  const over = useOver(wave.index);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: wave.cards.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => sizes.card,
    gap: sizes.cardGap,
    paddingStart: sizes.cardGap,
    paddingEnd: sizes.cardGap,
    overscan: 8,
    initialRect: { width: sizes.column, height: 700 },
  });
  useEffect(() => {
    rows.measure();
  }, [sizes]);
  // Asked to focus a card: scroll its row into view, then focus it once it is drawn.
  useLayoutEffect(() => {
    if (!focus || focus.seq <= focusDone) return;
    bringIntoView(scroller.current, "vertical", rows.measurementsCache[focus.row]);
    let tries = 0;
    let frame = 0;
    const attempt = () => {
      const el = [...(scroller.current?.querySelectorAll<HTMLElement>("[data-card]") ?? [])].find((c) => c.dataset.card === focus.name);
      if (el) {
        focusDone = Math.max(focusDone, focus.seq);
        el.focus({ preventScroll: true });
      }
      else if (tries++ < 30 && typeof requestAnimationFrame === "function") frame = requestAnimationFrame(attempt);
    };
    attempt();
    return () => cancelAnimationFrame(frame);
  }, [focus]);
  const full = wave.capacity !== null && wave.servers > wave.capacity;
  const load = wave.capacity ? Math.min(100, (100 * wave.servers) / wave.capacity) : 0;
  return (
    <div className={`column${over !== null ? ` over ${over}` : ""}`} data-wave={wave.index} role="listitem" aria-label={`${wave.name}, ${count(wave.cards.length, "application")}`} style={{ left, width }}>
      <div className="column-head">
        <h3>
          {wave.name} {wave.pilot && <span className="badge">pilot</span>}
          <span className="column-count muted" title={count(wave.cards.length, "application")}>
            {wave.cards.length.toLocaleString("en")}
          </span>
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
      <div className="cards" ref={scroller}>
        <div className="cards-extent" style={{ height: rows.getTotalSize() }}>
          {rows.getVirtualItems().map((item) => {
            const card = wave.cards[item.index];
            return (
              <CardView
                key={card.name}
                card={card}
                top={item.start}
                height={sizes.card}
                onGrab={onGrab}
                onNavigate={onNavigate}
                selected={selected === card.name}
                lastWave={lastWave}
                readOnly={readOnly}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
});

/** A card; drawn again only when the card, its place or its selection changes. */
const CardView = memo(function CardView({
  card,
  top,
  height,
  onGrab,
  onNavigate,
  selected,
  lastWave,
  readOnly,
}: {
  card: Card;
  top: number;
  height: number;
  onGrab: (card: Card, e: React.PointerEvent) => void;
  onNavigate: (card: Card, e: React.KeyboardEvent) => boolean;
  selected: boolean;
  lastWave: number;
  readOnly: boolean;
}) {
  const onKey = (e: React.KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      e.preventDefault();
      const to = card.wave + (e.key === "ArrowLeft" ? -1 : 1);
      if (to >= 1 && to <= lastWave + 1) void actions.moveApplication(card.name, to);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      actions.select(card.name);
    } else if (e.key.toLowerCase() === "p" && !e.ctrlKey && !e.altKey) {
      void actions.setPinned(card.name, !card.pinned);
    } else if (!e.altKey && !e.shiftKey && onNavigate(card, e)) {
      e.preventDefault();
    }
  };
  const group = card.movesWith.length > 0 ? `moves with ${card.movesWith.join(", ")}` : null;
  return (
    <div
      className={`card tier-${card.tier}${card.violated ? " violated" : ""}${selected ? " selected" : ""}`}
      style={{ top, height }}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${card.name}, wave ${card.wave}${card.violated ? ", breaks a constraint" : ""}`}
      data-card={card.name}
      onPointerDown={(e) => onGrab(card, e)}
      onKeyDown={onKey}
    >
      <div className="card-top">
        <span className="card-name" title={card.name}>
          {card.name}
        </span>
        {card.violated && (
          <span className="violation-mark" title="A broken constraint names this application">
            ⚠
          </span>
        )}
        <button
          className={`pin${card.pinned ? " on" : ""}`}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={() => void actions.setPinned(card.name, !card.pinned)}
          disabled={readOnly}
          aria-label={card.pinned ? `Unpin ${card.name}` : `Pin ${card.name} to wave ${card.wave}`}
          title={readOnly ? READ_ONLY_REASON : card.pinned ? "Pinned to this wave: click to unpin" : "Pin to this wave"}
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
      {group && (
        <div className="card-group muted" title={group}>
          {group}
        </div>
      )}
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
        {project?.undo && !project.readOnly && (
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

/** Lines of a footer list drawn at first; the rest one click away. */
const FOOTER_LINES = 100;

/**
 * The broken constraints and what is not migrating (thousands of lines on a
 * large plan): drawn again only when the board changes, the constraints
 * while the footer is open, what is not migrating only when asked for,
 * and each list its first lines until the rest are asked for.
 */
const BoardFooter = memo(function BoardFooter({ board }: { board: Board }) {
  const presentation = useStore((s) => s.presentation);
  const [open, setOpen] = useState(board.violations.length > 0);
  const [shownFor, setShownFor] = useState(board);
  // A new board opens the footer when it breaks something, as a first one does.
  if (shownFor !== board) {
    setShownFor(board);
    setOpen(board.violations.length > 0);
  }
  if (presentation || (board.violations.length === 0 && board.notMigrating.length === 0)) return null;
  return (
    <details className="board-footer" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {count(board.violations.length, "broken constraint")} · {count(board.notMigrating.length, "item")} not migrating
      </summary>
      {open && (
        <>
          <FooterList items={board.violations} what="broken constraints" className="violations" data="data-all-violations">
            {(v, i) => (
              <li key={i}>
                <span className="badge bad">{v.constraint}</span> {v.message}
              </li>
            )}
          </FooterList>
          {board.notMigrating.length > 0 && <NotMigrating key={board.notMigrating.length} names={board.notMigrating} />}
        </>
      )}
    </details>
  );
});

/** What stays behind, listed when opened. */
function NotMigrating({ names }: { names: string[] }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="not-migrating" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-not-migrating>
      <summary className="muted">Not migrating ({names.length.toLocaleString("en")})</summary>
      {open && (
        <FooterList items={names} what="items" className="muted">
          {(n) => <li key={n}>{n}</li>}
        </FooterList>
      )}
    </details>
  );
}

/** A list of its first lines, and a button for the rest. */
function FooterList<T>({
  items,
  what,
  children,
  className,
  data,
}: {
  items: T[];
  what: string;
  children: (item: T, index: number) => React.ReactNode;
  className?: string;
  data?: string;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, FOOTER_LINES);
  return (
    <>
      <ul className={className} {...(data ? { [data]: "" } : {})}>
        {shown.map(children)}
      </ul>
      {shown.length < items.length && (
        <button className="link" onClick={() => setAll(true)} data-footer-more>
          Show all {items.length.toLocaleString("en")} {what}
        </button>
      )}
    </>
  );
}
