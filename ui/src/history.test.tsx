// The History panel: the audit trail newest first (the time with the month
// by name and the year, who on which machine, the summary, the subjects as
// text), the line saying the trail is intact or where it breaks, the empty
// project; opened from the toolbar and Ctrl+Shift+H, read again after each
// action that changes the project, closed by Escape.
import { describe, expect, it, beforeEach } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { actions, getState, resetState, setState, useStore } from "./store";
import { HistoryPanel } from "./components/HistoryPanel";
import { Toolbar } from "./components/Toolbar";
import { handleCommand, shortcutFor } from "./commands";
import { moment } from "./format";
import { board, card, HOSTILE, project } from "./fixtures.test-data";
import type { AuditEntryView, HistoryView } from "./ipc/types";

beforeEach(() => resetState());

const entry = (sequence: number, summary: string, extra: Partial<AuditEntryView> = {}): AuditEntryView => ({
  sequence,
  time: "2026-12-07T14:02:00Z",
  user: "alice",
  host: "WS-0231",
  action: "move",
  summary,
  subjects: [],
  hash: `${sequence}`.repeat(64).slice(0, 64),
  ...extra,
});

const trail = (entries: AuditEntryView[], broken: string | null = null): HistoryView => ({ entries, intact: broken === null, broken });

/** The panel over an open project, the shell answering `history` with `answer()`. */
function open(answer: () => HistoryView) {
  const calls: string[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === "history") return answer();
    return null;
  });
  setState({ project });
  return calls;
}

describe("history panel", () => {
  it("lists the entries newest first, with when, who, where, what and to what, under the intact line", async () => {
    open(() =>
      trail([
        entry(3, "moved PACS from wave 3 to wave 1", { subjects: ["PACS", HOSTILE] }),
        entry(2, "planned scenario 'baseline'", { action: "plan", user: "bob", host: "WS-0102", time: "2026-11-30T09:15:00Z" }),
        entry(1, "imported rvtools.xlsx", { action: "import", subjects: ["rvtools.xlsx"] }),
      ]),
    );
    await actions.openHistory();
    const { container } = render(<HistoryPanel />);
    expect(screen.getByRole("dialog", { name: "History" })).toBeTruthy();
    expect(container.querySelector("[data-trail-intact]")!.textContent).toBe("The trail is intact: 3 entries, each chained to the one before.");
    const items = [...container.querySelectorAll("[data-audit-entry]")];
    expect(items.map((li) => li.getAttribute("data-audit-entry"))).toEqual(["3", "2", "1"]);
    expect(items[1].textContent).toContain("bob on WS-0102");
    expect(items[1].querySelector(".trail-sequence")!.textContent).toBe("#2");
    expect(items[1].querySelector(".trail-sequence")!.getAttribute("title")).toBe(`SHA-256 ${"2".repeat(64)}`);
    expect(items[1].textContent).toContain("planned scenario 'baseline'");
    expect(items[1].querySelector("time")!.getAttribute("dateTime")).toBe("2026-11-30T09:15:00Z");
    expect(items[1].querySelector("time")!.textContent).toBe(moment("2026-11-30T09:15:00Z"));
    // Subjects are text: a hostile name is shown, never parsed as markup.
    const subjects = [...items[0].querySelectorAll(".trail-subjects .badge")].map((b) => b.textContent);
    expect(subjects).toEqual(["PACS", HOSTILE]);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("[data-trail-broken]")).toBeNull();
  });

  it("says where a broken trail breaks, in the warning style", async () => {
    open(() => trail([entry(2, "pinned ehr"), entry(1, "imported cmdb.csv")], "entry 2 does not chain to entry 1: edited or removed since written"));
    await actions.openHistory();
    const { container } = render(<HistoryPanel />);
    const line = container.querySelector("[data-trail-broken]")!;
    expect(line.classList.contains("warning")).toBe(true);
    expect(line.getAttribute("role")).toBe("alert");
    expect(line.textContent).toBe("The trail is broken: entry 2 does not chain to entry 1: edited or removed since written.");
    expect(container.querySelector("[data-trail-intact]")).toBeNull();
    // The entries are still listed, so the break can be found among them.
    expect(container.querySelectorAll("[data-audit-entry]").length).toBe(2);
  });

  it("says when nothing has been done yet", async () => {
    open(() => trail([]));
    await actions.openHistory();
    const { container } = render(<HistoryPanel />);
    expect(container.querySelector("[data-history-empty]")!.textContent).toBe("Nothing has been done to this project yet.");
    expect(container.querySelector("[data-history]")).toBeNull();
    expect(container.querySelector("[data-trail-intact]")).toBeNull();
  });

  it("writes one entry without 'each chained to the one before'", async () => {
    open(() => trail([entry(1, "imported cmdb.csv")]));
    await actions.openHistory();
    const { container } = render(<HistoryPanel />);
    expect(container.querySelector("[data-trail-intact]")!.textContent).toBe("The trail is intact: 1 entry.");
  });

  it("opens from the toolbar's History button and closes on Escape, the focus back on the button", async () => {
    const calls = open(() => trail([entry(1, "imported cmdb.csv")]));
    setState({ board: board([card("billing", 2)]) });
    const { container } = render(
      <>
        <Toolbar />
        <Panel />
      </>,
    );
    const button = container.querySelector<HTMLButtonElement>("[data-open-history]")!;
    button.focus();
    await act(async () => {
      fireEvent.click(button);
    });
    expect(calls).toEqual(["history"]);
    await waitFor(() => expect(screen.getByText("imported cmdb.csv")).toBeTruthy());
    // The focus moved into the panel (its close button) and stays in it.
    const close = screen.getByRole("button", { name: "Close the history" });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: "Tab" });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: "Escape" });
    expect(getState().historyOpen).toBe(false);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("opens and closes with Ctrl+Shift+H, a shortcut the window and its menu do not take", async () => {
    const key = (k: string, extra: Partial<KeyboardEventInit> = {}) => shortcutFor(new KeyboardEvent("keydown", { key: k, ...extra }));
    expect(key("H", { ctrlKey: true, shiftKey: true })).toBe("history");
    expect(key("h", { metaKey: true, shiftKey: true })).toBe("history");
    // Cmd+H hides the app on macOS, and a bare H is typing.
    expect(key("h", { metaKey: true })).toBeNull();
    expect(key("h")).toBeNull();
    const calls = open(() => trail([]));
    handleCommand("history");
    await waitFor(() => expect(getState().history).toEqual(trail([])));
    expect(getState().historyOpen).toBe(true);
    handleCommand("history");
    expect(getState().historyOpen).toBe(false);
    expect(calls).toEqual(["history"]);
  });

  it("is listed among the shortcuts F1 shows", () => {
    handleCommand("shortcuts");
    expect(getState().message?.text).toContain("Ctrl+Shift+H history");
  });

  it("is read again after each action that changes the project, and not while closed", async () => {
    let entries = [entry(1, "planned scenario 'baseline'")];
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "history") return trail(entries);
      if (cmd === "set_pinned") {
        entries = [entry(2, "pinned billing to wave 2", { subjects: ["billing"] }), ...entries];
        return board([card("billing", 2, { pinned: true })]);
      }
      if (cmd === "project_info") return project;
      return null;
    });
    setState({ project, board: board([card("billing", 2)]) });
    await actions.openHistory();
    const { container } = render(<Panel />);
    expect(container.querySelectorAll("[data-audit-entry]").length).toBe(1);
    await act(() => actions.setPinned("billing", true));
    expect(calls.filter((c) => c === "history").length).toBe(2);
    expect(container.querySelector("[data-audit-entry]")!.textContent).toContain("pinned billing to wave 2");
    expect(container.querySelector("[data-trail-intact]")!.textContent).toBe("The trail is intact: 2 entries, each chained to the one before.");

    // Closed, the trail is not asked for (it is when the panel opens).
    actions.closeHistory();
    await act(() => actions.setPinned("billing", false));
    expect(calls.filter((c) => c === "set_pinned").length).toBe(2);
    expect(calls.filter((c) => c === "history").length).toBe(2);
  });

  it("is not read again after a refused action", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "history") return trail([]);
      if (cmd === "set_pinned") throw { kind: "store", detail: { message: "/p/hospital.waveplan: the project is open read-only" } };
      return null;
    });
    setState({ project, board: board([card("billing", 2)]) });
    await actions.openHistory();
    await actions.setPinned("billing", true);
    expect(calls).toContain("set_pinned");
    expect(calls.filter((c) => c === "history").length).toBe(1);
  });
});

describe("moment", () => {
  it("names the month and writes the year in full, in the locale asked for", () => {
    // The words between the date and the time ("at", ", ") differ between ICU versions.
    expect(moment("2026-07-12T14:02:00Z", "en-GB", "UTC")).toMatch(/^12 July 2026\D+14:02$/);
    expect(moment("2026-07-12T14:02:00Z", "en-US", "UTC")).toMatch(/^July 12, 2026\D+2:02\sPM$/);
    expect(moment("2026-07-12T14:02:00Z", "de-DE", "Europe/Berlin")).toMatch(/^12\. Juli 2026\D+16:02$/);
  });

  it("never writes an all-numeric date", () => {
    for (const locale of ["en-US", "en-GB", "fr-FR", "nl-NL"]) {
      expect([locale, /\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/.test(moment("2026-07-12T14:02:00Z", locale, "UTC"))]).toEqual([locale, false]);
    }
  });

  it("gives back what it cannot read", () => {
    expect(moment("yesterday")).toBe("yesterday");
  });
});

/** The panel as the window shows it: only while open. */
function Panel() {
  const shown = useStore((s) => s.historyOpen);
  return shown ? <HistoryPanel /> : null;
}
