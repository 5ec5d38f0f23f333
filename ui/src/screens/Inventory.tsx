// Inventory: servers, applications, data stores, devices and dependencies as
// virtualised tables (only the rows on screen are in the page), with sort,
// search, inline editing of the applications' planning fields, and rows
// selected (click, Ctrl/Shift+click, Shift+arrows, Ctrl+A) to set one
// planning field of every selected application at once.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { api } from "../ipc/api";
import type { InventoryColumn, InventoryKind, InventoryTable } from "../ipc/types";
import { actions, READ_ONLY_REASON, useStore } from "../store";
import { mark } from "../marks";
import { EMPTY, clickRow, moveCursor, selectAll, selectedInOrder, toggleCursor, type Selection } from "./selection";

const KINDS: { id: InventoryKind; label: string }[] = [
  { id: "applications", label: "Applications" },
  { id: "servers", label: "Servers" },
  { id: "datastores", label: "Data stores" },
  { id: "devices", label: "Devices" },
  { id: "dependencies", label: "Dependencies" },
];
const ROW = 34;

export function Inventory() {
  const [kind, setKind] = useState<InventoryKind>("applications");
  const [table, setTable] = useState<InventoryTable | null>(null);
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<{ column: number; descending: boolean } | null>(null);
  const version = useStore((s) => s.inventoryVersion);
  const project = useStore((s) => s.project);
  const presentation = useStore((s) => s.presentation);

  useEffect(() => {
    let live = true;
    void api.inventory(kind).then((t) => {
      mark("waveplan:inventory-received");
      if (live) setTable(t);
    });
    return () => {
      live = false;
    };
  }, [kind, version, project?.undo]);

  // The table in the page (before layout and paint).
  useLayoutEffect(() => {
    if (table) mark("waveplan:inventory-committed");
  }, [table]);

  const hideHostNames = useStore((s) => s.hideHostNames);
  const readOnly = project?.readOnly ?? false;
  // Presenting: addresses are always hidden, host names when the presenter chose so.
  // Read-only: the shell refuses every edit, so no column offers one.
  const columns = useMemo(
    () =>
      table
        ? table.columns
            .map((c, i) => ({ c: readOnly ? { ...c, editable: false } : c, i }))
            .filter(({ c }) => !(presentation && c.sensitive && (hideHostNames || c.key === "ip")))
        : [],
    [table, presentation, hideHostNames, readOnly],
  );
  // The rows shown, as indices into the table, searched then sorted.
  const order = useMemo(() => {
    if (!table || table.kind !== kind) return [];
    const needle = search.trim().toLowerCase();
    const all = table.rows.map((_, i) => i);
    const shown = needle ? all.filter((i) => table.rows[i].some((cell) => cell.toLowerCase().includes(needle))) : all;
    if (sort) {
      const numeric = table.columns[sort.column].numeric;
      const key = (i: number) => table.rows[i][sort.column];
      shown.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const order = numeric ? (x === "" ? Infinity : Number(x)) - (y === "" ? Infinity : Number(y)) : x.localeCompare(y);
        return sort.descending ? -order : order;
      });
    }
    return shown;
  }, [table, kind, search, sort]);
  const rows = useMemo(() => (table ? order.map((i) => table.rows[i]) : []), [table, order]);
  // A row's key: an application's name (unique, and kept across reloads
  // after an edit), else its place in the table.
  const keyOf = useCallback((index: number) => (kind === "applications" && table ? table.rows[index][0] : String(index)), [kind, table]);
  const keys = useMemo(() => order.map(keyOf), [order, keyOf]);
  const [selection, setSelection] = useState<Selection>(EMPTY);
  useEffect(() => setSelection(EMPTY), [kind]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 4, initialRect: { width: 1200, height: 800 } });
  // An editable number's header keeps room for its label and the pencil.
  const template = columns.map(({ c }) => (c.numeric ? `minmax(${c.editable ? 104 : 80}px, 0.6fr)` : "minmax(120px, 1fr)")).join(" ");

  const focusRow = (key: string | null) => {
    if (key === null) return;
    const at = keys.indexOf(key);
    if (at >= 0) virtual.scrollToIndex(at);
  };
  const onGridKey = (e: React.KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest(".cell.editing") || target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
    let next: Selection | null = null;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") next = moveCursor(selection, keys, e.key === "ArrowDown" ? 1 : -1, { shift: e.shiftKey });
    else if (e.key === "Home" || e.key === "End") next = moveCursor(selection, keys, e.key === "End" ? keys.length : -keys.length, { shift: e.shiftKey });
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a") next = selectAll(selection, keys);
    else if (e.key === " ") next = toggleCursor(selection);
    else if (e.key === "Escape") next = EMPTY;
    if (!next) return;
    e.preventDefault();
    e.stopPropagation();
    setSelection(next);
    focusRow(next.cursor);
  };
  // Edit > Select all (Ctrl+A from the menu) on this screen selects the rows shown.
  useEffect(() => {
    const all = () => setSelection((s) => selectAll(s, keys));
    window.addEventListener("waveplan:select-all", all);
    return () => window.removeEventListener("waveplan:select-all", all);
  }, [keys]);
  // One handler for every row, so a row whose data did not change is not drawn again.
  const latest = useRef({ selection, keys });
  latest.current = { selection, keys };
  const pick = useCallback((key: string, e: React.MouseEvent) => {
    const { selection, keys } = latest.current;
    setSelection(clickRow(selection, keys, key, { ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey }));
  }, []);
  // Not on every scroll frame: 50,000 keys are a few milliseconds.
  const picked = useMemo(() => selectedInOrder(selection, keys), [selection, keys]);

  return (
    <section className="inventory">
      <div className="tabs" role="tablist">
        {KINDS.map((k) => (
          <button key={k.id} role="tab" aria-selected={kind === k.id} className={kind === k.id ? "active" : ""} onClick={() => (setKind(k.id), setSort(null))} data-kind={k.id}>
            {k.label}
            {project && <span className="muted"> {countOf(project.counts, k.id).toLocaleString("en")}</span>}
          </button>
        ))}
        <input data-search type="search" placeholder="Search every column…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search" />
        <span className="muted" data-row-count>
          {rows.length.toLocaleString("en")} rows
        </span>
      </div>
      {kind === "applications" && table && selection.keys.size > 0 && (
        <BulkEdit columns={table.columns} names={picked.shown} hidden={picked.hidden} onClear={() => setSelection(EMPTY)} />
      )}
      <div className="grid" role="grid" aria-rowcount={rows.length} aria-multiselectable="true">
        <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map(({ c, i }) => (
            <button
              key={c.key}
              role="columnheader"
              title={c.label}
              aria-sort={sort?.column === i ? (sort.descending ? "descending" : "ascending") : "none"}
              onClick={() => setSort(sort?.column === i ? { column: i, descending: !sort.descending } : { column: i, descending: false })}
            >
              {c.label} {sort?.column === i ? (sort.descending ? "▼" : "▲") : ""}
              {c.editable && <span className="muted" title="Double-click a cell, or press Enter on it, to edit"> ✎</span>}
            </button>
          ))}
        </div>
        <div className="grid-body" ref={scroller} data-grid-body tabIndex={0} onKeyDown={onGridKey} aria-label="Rows: click to select, Ctrl+click or Shift+click to add, Shift+arrows to extend, Ctrl+A for every row shown">
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const key = keys[item.index];
              return (
                <Row
                  key={item.key}
                  row={rows[item.index]}
                  rowKey={key}
                  odd={item.index % 2 === 1}
                  start={item.start}
                  selected={selection.keys.has(key)}
                  cursor={selection.cursor === key}
                  template={template}
                  columns={columns}
                  kind={kind}
                  onPick={pick}
                />
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}

type Shown = { c: InventoryColumn; i: number }[];

/** One row of the table on screen; drawn again only when its own data, place or selection changes. */
const Row = memo(function Row(props: {
  row: string[];
  rowKey: string;
  odd: boolean;
  start: number;
  selected: boolean;
  cursor: boolean;
  template: string;
  columns: Shown;
  kind: InventoryKind;
  onPick: (key: string, e: React.MouseEvent) => void;
}) {
  const { row, rowKey, odd, start, selected, cursor, template, columns, kind, onPick } = props;
  return (
    <div
      className={`grid-row${odd ? " odd" : ""}${selected ? " selected" : ""}${cursor ? " cursor" : ""}`}
      role="row"
      aria-selected={selected}
      style={{ gridTemplateColumns: template, transform: `translateY(${start}px)`, height: ROW }}
      data-row={row[0]}
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest(".cell.editing")) return;
        onPick(rowKey, e);
      }}
    >
      {columns.map(({ c, i }) =>
        c.editable && kind === "applications" ? (
          <Cell key={c.key} column={c} value={row[i]} row={row} kind={kind} />
        ) : (
          // Most cells are read-only: plain text, no state.
          <div key={c.key} role="gridcell" className={c.numeric ? "cell num" : "cell"} title={row[i]}>
            {row[i]}
          </div>
        ),
      )}
    </div>
  );
});

/** The bar over a selection of applications: one planning field, one value, for all of them. */
function BulkEdit({ columns, names, hidden, onClear }: { columns: InventoryColumn[]; names: string[]; hidden: number; onClear: () => void }) {
  const editable = columns.filter((c) => c.editable);
  const [field, setField] = useState(editable[0]?.key ?? "");
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const readOnly = useStore((s) => s.project?.readOnly ?? false);
  const column = editable.find((c) => c.key === field);
  const plural = (n: number) => `${n.toLocaleString("en")} application${n === 1 ? "" : "s"}`;
  return (
    <form
      className="bulk-edit"
      data-bulk-edit
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const refused = await actions.editApplications(names, field, value);
        setBusy(false);
        setProblem(refused);
      }}
    >
      <strong data-selected-count>{plural(names.length)} selected</strong>
      {hidden > 0 && (
        <span className="muted" data-selected-hidden>
          ({hidden.toLocaleString("en")} more hidden by the search are left as they are)
        </span>
      )}
      <label>
        Set{" "}
        <select value={field} onChange={(e) => (setField(e.target.value), setValue(""), setProblem(null))} data-bulk-field aria-label="Field to set">
          {editable.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        to{" "}
        {column && column.choices.length > 0 ? (
          <select value={value} onChange={(e) => setValue(e.target.value)} data-bulk-value aria-label="New value">
            <ChoiceOptions choices={column.choices} />
          </select>
        ) : (
          <input value={value} onChange={(e) => setValue(e.target.value)} placeholder={field === "maintenance_window" ? "Sun 01:00-05:00" : "empty: clear"} data-bulk-value aria-label="New value" aria-invalid={problem !== null} />
        )}
      </label>
      <button type="submit" className="primary" disabled={busy || names.length === 0 || readOnly} title={readOnly ? READ_ONLY_REASON : undefined} data-bulk-apply>
        {busy ? "Saving…" : `Apply to ${plural(names.length)}`}
      </button>
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
      {problem && (
        <span className="bad-text" role="alert" data-bulk-error>
          {problem}
        </span>
      )}
    </form>
  );
}

/** A vocabulary's spellings as options, after "(none)" that clears the field. */
function ChoiceOptions({ choices }: { choices: string[] }) {
  return (
    <>
      <option value="">(none)</option>
      {choices.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </>
  );
}

function countOf(counts: import("../ipc/types").Counts, kind: InventoryKind): number {
  return kind === "datastores" ? counts.datastores : counts[kind];
}

function Cell({ column, value, row, kind }: { column: InventoryColumn; value: string; row: string[]; kind: InventoryKind }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState(value);
  const editable = column.editable && kind === "applications";
  const commit = async (text: string) => {
    const problem = await actions.editApplication(row[0], column.key, text);
    setError(problem);
    if (!problem) setEditing(false);
  };
  if (editing) {
    return (
      <div role="gridcell" className="cell editing">
        {column.choices.length > 0 ? (
          <select autoFocus value={draft} onChange={(e) => (setDraft(e.target.value), void commit(e.target.value))} onKeyDown={(e) => e.key === "Escape" && setEditing(false)} onBlur={() => setEditing(false)} aria-label={column.label}>
            <ChoiceOptions choices={column.choices} />
          </select>
        ) : (
          <input
            autoFocus
            value={draft}
            aria-label={column.label}
            aria-invalid={error !== null}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") void commit(draft);
              if (e.key === "Escape") (setEditing(false), setError(null));
            }}
          />
        )}
        {error && (
          <div className="cell-error" role="alert">
            {error}
          </div>
        )}
      </div>
    );
  }
  return (
    <div
      role="gridcell"
      className={`cell${column.numeric ? " num" : ""}${editable ? " editable" : ""}`}
      tabIndex={editable ? 0 : -1}
      title={value}
      onDoubleClick={() => editable && (setDraft(value), setEditing(true))}
      onKeyDown={(e) => editable && e.key === "Enter" && (setDraft(value), setEditing(true))}
    >
      {value}
    </div>
  );
}
