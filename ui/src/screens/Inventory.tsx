// Inventory: servers, applications, data stores, devices and dependencies as
// virtualised tables (only the rows on screen are in the page), with sort,
// search and inline editing of the applications' planning fields.
import { useEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { api } from "../ipc/api";
import type { InventoryColumn, InventoryKind, InventoryTable } from "../ipc/types";
import { actions, useStore } from "../store";

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
    void api.inventory(kind).then((t) => live && setTable(t));
    return () => {
      live = false;
    };
  }, [kind, version, project?.undo]);

  const hideHostNames = useStore((s) => s.hideHostNames);
  // Presenting: addresses are always hidden, host names when the presenter chose so.
  const columns = useMemo(
    () => (table ? table.columns.map((c, i) => ({ c, i })).filter(({ c }) => !(presentation && c.sensitive && (hideHostNames || c.key === "ip"))) : []),
    [table, presentation, hideHostNames],
  );
  const rows = useMemo(() => {
    if (!table || table.kind !== kind) return [];
    const needle = search.trim().toLowerCase();
    let rows = needle ? table.rows.filter((r) => r.some((cell) => cell.toLowerCase().includes(needle))) : table.rows.slice();
    if (sort) {
      const numeric = table.columns[sort.column].numeric;
      const key = (r: string[]) => r[sort.column];
      rows.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const order = numeric ? (x === "" ? Infinity : Number(x)) - (y === "" ? Infinity : Number(y)) : x.localeCompare(y);
        return sort.descending ? -order : order;
      });
    }
    return rows;
  }, [table, kind, search, sort]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12, initialRect: { width: 1200, height: 800 } });
  const template = columns.map(({ c }) => (c.numeric ? "minmax(80px, 0.6fr)" : "minmax(120px, 1fr)")).join(" ");

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
      <div className="grid" role="grid" aria-rowcount={rows.length}>
        <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map(({ c, i }) => (
            <button
              key={c.key}
              role="columnheader"
              aria-sort={sort?.column === i ? (sort.descending ? "descending" : "ascending") : "none"}
              onClick={() => setSort(sort?.column === i ? { column: i, descending: !sort.descending } : { column: i, descending: false })}
            >
              {c.label} {sort?.column === i ? (sort.descending ? "▼" : "▲") : ""}
              {c.editable && <span className="muted" title="Double-click a cell, or press Enter on it, to edit"> ✎</span>}
            </button>
          ))}
        </div>
        <div className="grid-body" ref={scroller} data-grid-body>
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const row = rows[item.index];
              return (
                <div
                  key={item.key}
                  className={`grid-row${item.index % 2 ? " odd" : ""}`}
                  role="row"
                  style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW }}
                  data-row={row[0]}
                >
                  {columns.map(({ c, i }) => (
                    <Cell key={c.key} column={c} value={row[i]} row={row} kind={kind} />
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
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
            <option value="">(none)</option>
            {column.choices.map((c) => (
              <option key={c}>{c}</option>
            ))}
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
