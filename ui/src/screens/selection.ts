// Row selection of the inventory tables, as file managers and spreadsheets
// do it: a click selects one row, Ctrl+click toggles one, Shift+click and
// Shift+arrows select the range from the anchor, Ctrl+A the rows shown.
// Rows are named by a key that does not change with sorting or searching,
// so the selection survives both; `order` is the keys in the order shown.

export interface Selection {
  /** The selected rows' keys. */
  keys: ReadonlySet<string>;
  /** Where a Shift range starts. */
  anchor: string | null;
  /** The row the keyboard is on. */
  cursor: string | null;
}

export const EMPTY: Selection = { keys: new Set(), anchor: null, cursor: null };

export interface Modifiers {
  ctrl?: boolean;
  shift?: boolean;
}

function range(order: readonly string[], from: string | null, to: string): string[] {
  const end = order.indexOf(to);
  const start = from === null ? -1 : order.indexOf(from);
  // An anchor hidden by the search starts the range at the row itself.
  if (start < 0 || end < 0) return end < 0 ? [] : [to];
  const [a, b] = start <= end ? [start, end] : [end, start];
  return order.slice(a, b + 1);
}

/** A click on the row `key`. */
export function clickRow(selection: Selection, order: readonly string[], key: string, { ctrl, shift }: Modifiers = {}): Selection {
  if (shift) {
    const anchor = selection.anchor !== null && order.includes(selection.anchor) ? selection.anchor : key;
    const keys = new Set(ctrl ? selection.keys : []);
    for (const k of range(order, anchor, key)) keys.add(k);
    return { keys, anchor, cursor: key };
  }
  if (ctrl) {
    const keys = new Set(selection.keys);
    if (keys.has(key)) keys.delete(key);
    else keys.add(key);
    return { keys, anchor: key, cursor: key };
  }
  return { keys: new Set([key]), anchor: key, cursor: key };
}

/** Up (-1) or down (+1) from the cursor; with Shift the range from the anchor grows or shrinks. */
export function moveCursor(selection: Selection, order: readonly string[], step: number, { shift }: Modifiers = {}): Selection {
  if (order.length === 0) return selection;
  const at = selection.cursor === null ? -1 : order.indexOf(selection.cursor);
  const next = order[at < 0 ? (step > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, at + step))];
  if (!shift) return { keys: new Set([next]), anchor: next, cursor: next };
  const anchor = selection.anchor !== null && order.includes(selection.anchor) ? selection.anchor : (selection.cursor ?? next);
  return { keys: new Set(range(order, anchor, next)), anchor, cursor: next };
}

/** Ctrl+A: every row shown (the search's matches), and nothing hidden. */
export function selectAll(selection: Selection, order: readonly string[]): Selection {
  return { keys: new Set(order), anchor: order[0] ?? null, cursor: selection.cursor !== null && order.includes(selection.cursor) ? selection.cursor : (order[0] ?? null) };
}

/** Space: the cursor's row in or out. */
export function toggleCursor(selection: Selection): Selection {
  if (selection.cursor === null) return selection;
  return clickRow(selection, [], selection.cursor, { ctrl: true });
}

/** The selected keys in the order shown, and how many selected rows the search hides. */
export function selectedInOrder(selection: Selection, order: readonly string[]): { shown: string[]; hidden: number } {
  const shown = order.filter((k) => selection.keys.has(k));
  return { shown, hidden: selection.keys.size - shown.length };
}
