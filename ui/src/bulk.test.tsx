// Inventory selection and bulk edit: click, Ctrl/Shift+click, Shift+arrows
// and Ctrl+A on the rows shown; the selection kept through a sort and a
// search; one command sets the field of every selected application.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { getState, resetState, setState } from "./store";
import { Inventory } from "./screens/Inventory";
import { handleCommand } from "./commands";
import { EMPTY, clickRow, moveCursor, selectAll, selectedInOrder, toggleCursor } from "./screens/selection";
import { project } from "./fixtures.test-data";
import type { InventoryTable } from "./ipc/types";

vi.mock("@tanstack/react-virtual", () => ({
  useVirtualizer: ({ count, estimateSize }: { count: number; estimateSize: () => number }) => ({
    getTotalSize: () => count * estimateSize(),
    getVirtualItems: () => Array.from({ length: count }, (_, index) => ({ key: index, index, start: index * estimateSize() })),
    scrollToIndex: () => {},
  }),
}));

beforeEach(() => resetState());

const ORDER = ["a", "b", "c", "d", "e"];
const keys = (s: { keys: ReadonlySet<string> }) => [...s.keys].sort();

describe("selection", () => {
  it("selects one row on a click, toggles with Ctrl, takes the range from the anchor with Shift", () => {
    let s = clickRow(EMPTY, ORDER, "b");
    expect(keys(s)).toEqual(["b"]);
    s = clickRow(s, ORDER, "d", { shift: true });
    expect(keys(s)).toEqual(["b", "c", "d"]);
    // A second Shift+click re-draws the range from the same anchor.
    s = clickRow(s, ORDER, "a", { shift: true });
    expect(keys(s)).toEqual(["a", "b"]);
    s = clickRow(s, ORDER, "e", { ctrl: true });
    expect(keys(s)).toEqual(["a", "b", "e"]);
    s = clickRow(s, ORDER, "a", { ctrl: true });
    expect(keys(s)).toEqual(["b", "e"]);
    // Ctrl+Shift adds a range to what is selected.
    s = clickRow(clickRow(s, ORDER, "c", { ctrl: true }), ORDER, "d", { ctrl: true, shift: true });
    expect(keys(s)).toEqual(["b", "c", "d", "e"]);
    expect(keys(clickRow(s, ORDER, "c"))).toEqual(["c"]);
  });

  it("moves and extends with the arrows, Space toggles, Ctrl+A takes only the rows shown", () => {
    let s = moveCursor(EMPTY, ORDER, 1);
    expect([keys(s), s.cursor]).toEqual([["a"], "a"]);
    s = moveCursor(moveCursor(s, ORDER, 1, { shift: true }), ORDER, 1, { shift: true });
    expect(keys(s)).toEqual(["a", "b", "c"]);
    s = moveCursor(s, ORDER, -1, { shift: true });
    expect(keys(s)).toEqual(["a", "b"]);
    expect(moveCursor(s, ORDER, 99).cursor).toBe("e");
    expect(keys(toggleCursor(s))).toEqual(["a"]);
    const shown = ["b", "d"];
    expect(keys(selectAll(s, shown))).toEqual(["b", "d"]);
  });

  it("keeps selected rows a search hides, and says how many", () => {
    const s = selectAll(EMPTY, ORDER);
    expect(selectedInOrder(s, ["e", "c"])).toEqual({ shown: ["e", "c"], hidden: 3 });
    // A Shift+click whose anchor is hidden starts at the row itself.
    expect(keys(clickRow(clickRow(EMPTY, ORDER, "a"), ["c", "d"], "d", { shift: true }))).toEqual(["d"]);
  });
});

const apps: InventoryTable = {
  kind: "applications",
  columns: [
    { key: "name", label: "Name", editable: false, sensitive: false, numeric: false, choices: [] },
    { key: "strategy", label: "Strategy", editable: true, sensitive: false, numeric: false, choices: ["rehost", "replatform", "retire"] },
    { key: "rto_minutes", label: "RTO min", editable: true, sensitive: false, numeric: true, choices: [] },
  ],
  rows: [
    ["billing", "rehost", "240"],
    ["ehr", "rehost", "60"],
    ["pacs", "replatform", "120"],
    ["lab", "rehost", "30"],
  ],
};

function shownNames(container: HTMLElement): string[] {
  return [...container.querySelectorAll("[data-row]")].map((r) => r.getAttribute("data-row")!);
}

function selectedNames(container: HTMLElement): string[] {
  return [...container.querySelectorAll('[data-row][aria-selected="true"]')].map((r) => r.getAttribute("data-row")!);
}

describe("bulk edit", () => {
  it("selects with the mouse and keyboard, keeps the selection through a sort, and sets the field of all in one command", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "inventory") return apps;
      if (cmd === "edit_applications") return { ...project, undo: "set strategy of 2 applications" };
      return null;
    });
    setState({ project, screen: "inventory" });
    const { container } = render(<Inventory />);
    await waitFor(() => expect(shownNames(container)).toEqual(["billing", "ehr", "pacs", "lab"]));
    const row = (name: string) => container.querySelector(`[data-row="${name}"]`)!;

    fireEvent.click(row("ehr"));
    fireEvent.click(row("lab"), { shiftKey: true });
    expect(selectedNames(container)).toEqual(["ehr", "pacs", "lab"]);
    fireEvent.click(row("pacs"), { ctrlKey: true });
    expect(selectedNames(container)).toEqual(["ehr", "lab"]);
    expect(container.querySelector("[data-selected-count]")?.textContent).toBe("2 applications selected");

    // Sorted by name: the same rows stay selected.
    fireEvent.click(container.querySelector('[role="columnheader"]')!);
    expect(shownNames(container)).toEqual(["billing", "ehr", "lab", "pacs"]);
    expect(selectedNames(container)).toEqual(["ehr", "lab"]);

    // Searched: the hidden one stays selected and is said to be left alone.
    fireEvent.change(container.querySelector("[data-search]")!, { target: { value: "ehr" } });
    expect(shownNames(container)).toEqual(["ehr"]);
    expect(container.querySelector("[data-selected-count]")?.textContent).toBe("1 application selected");
    expect(container.querySelector("[data-selected-hidden]")?.textContent).toContain("1 more hidden by the search");
    fireEvent.change(container.querySelector("[data-search]")!, { target: { value: "" } });

    fireEvent.change(container.querySelector("[data-bulk-field]")!, { target: { value: "strategy" } });
    fireEvent.change(container.querySelector("[data-bulk-value]")!, { target: { value: "retire" } });
    await act(async () => {
      fireEvent.submit(container.querySelector("[data-bulk-edit]")!);
    });
    expect(calls.filter(([c]) => c === "edit_applications")).toEqual([["edit_applications", { applications: ["ehr", "lab"], field: "strategy", value: "retire" }]]);
    await waitFor(() => expect(getState().project?.undo).toBe("set strategy of 2 applications"));

    // The keyboard: Shift+Down extends from the cursor; Ctrl+A takes every row shown.
    const body = container.querySelector("[data-grid-body]")!;
    fireEvent.click(row("billing"));
    fireEvent.keyDown(body, { key: "ArrowDown", shiftKey: true });
    expect(selectedNames(container)).toEqual(["billing", "ehr"]);
    fireEvent.change(container.querySelector("[data-search]")!, { target: { value: "a" } });
    fireEvent.keyDown(body, { key: "a", ctrlKey: true });
    expect(selectedNames(container)).toEqual(["lab", "pacs"]);
    expect(container.querySelector("[data-selected-count]")?.textContent).toBe("2 applications selected");
    fireEvent.keyDown(body, { key: "Escape" });
    expect(container.querySelector("[data-bulk-edit]")).toBeNull();
  });

  it("shows a refused value in the bar and changes nothing", async () => {
    mockIPC((cmd) => {
      if (cmd === "inventory") return apps;
      if (cmd === "edit_applications") return Promise.reject({ kind: "invalid", detail: { field: "rto_minutes", message: "'soon' is not a whole number of minutes" } });
      return null;
    });
    setState({ project, screen: "inventory" });
    const { container } = render(<Inventory />);
    await waitFor(() => expect(shownNames(container).length).toBe(4));
    fireEvent.click(container.querySelector('[data-row="ehr"]')!);
    fireEvent.change(container.querySelector("[data-bulk-field]")!, { target: { value: "rto_minutes" } });
    fireEvent.change(container.querySelector("[data-bulk-value]")!, { target: { value: "soon" } });
    await act(async () => {
      fireEvent.submit(container.querySelector("[data-bulk-edit]")!);
    });
    expect(container.querySelector("[data-bulk-error]")?.textContent).toBe("rto_minutes: 'soon' is not a whole number of minutes");
    expect(getState().project).toBe(project);
  });

  it("takes Edit > Select all (the menu's Ctrl+A) as every row shown", async () => {
    mockIPC((cmd) => (cmd === "inventory" ? apps : null));
    setState({ project, screen: "inventory" });
    const { container } = render(<Inventory />);
    await waitFor(() => expect(shownNames(container).length).toBe(4));
    fireEvent.change(container.querySelector("[data-search]")!, { target: { value: "rehost" } });
    (document.activeElement as HTMLElement | null)?.blur();
    act(() => handleCommand("select-all"));
    expect(selectedNames(container)).toEqual(["billing", "ehr", "lab"]);
    // In a text field it selects the text instead.
    const search = container.querySelector("[data-search]") as HTMLInputElement;
    search.focus();
    act(() => handleCommand("select-all"));
    expect([search.selectionStart, search.selectionEnd]).toEqual([0, "rehost".length]);
  });
});
