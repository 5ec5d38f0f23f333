// A project another writer holds: the `locked` refusal becomes a dialog
// naming the holder (focus kept inside it and given back, Escape closes)
// whose "Open read-only" opens the project read-only; a read-only project
// shows its badge, offers no change (toolbar, board, inventory, scenarios,
// import) and refuses the keyboard's changes in the message bar; the
// shell's notice is shown once, on opening.
import { describe, expect, it, beforeEach, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { api, CommandError, describeError } from "./ipc/api";
import { actions, getState, READ_ONLY_REASON, resetState, setState } from "./store";
import { LockedDialog } from "./components/LockedDialog";
import { Toolbar } from "./components/Toolbar";
import { ScenarioBar } from "./components/ScenarioBar";
import { WaveBoard } from "./screens/WaveBoard";
import { Inventory } from "./screens/Inventory";
import { ImportWizard } from "./screens/ImportWizard";
import { SettingsPanel } from "./components/SettingsPanel";
import { board, card, project, settings } from "./fixtures.test-data";
import type { AppError, InventoryTable, ProjectView } from "./ipc/types";

// jsdom has no layout: the virtualiser renders every row (as in app.test.tsx).
vi.mock("@tanstack/react-virtual", () => ({
  useVirtualizer: ({ count, estimateSize }: { count: number; estimateSize: (index: number) => number }) => ({
    getTotalSize: () => count * estimateSize(0),
    getVirtualItems: () => Array.from({ length: count }, (_, index) => ({ key: index, index, start: index * estimateSize(0), size: estimateSize(index) })),
    measure: () => {},
    measurementsCache: [],
  }),
}));

beforeEach(() => resetState());

const HOLDER = "/p/hospital.waveplan: held by alice on WS-0231 since 14:02, pid 4411; open it read-only, or close it there";
const LOCKED: AppError = { kind: "locked", detail: { path: "/p/hospital.waveplan", message: HOLDER } };
const readOnly: ProjectView = { ...project, readOnly: true, undo: "move billing to wave 2", redo: "pin ehr" };

const applications: InventoryTable = {
  kind: "applications",
  columns: [
    { key: "name", label: "Name", editable: false, sensitive: false, numeric: false, choices: [] },
    { key: "tier", label: "Tier", editable: true, sensitive: false, numeric: false, choices: ["mission-critical", "business-critical"] },
  ],
  rows: [
    ["billing", "business-critical"],
    ["ehr", "mission-critical"],
  ],
};

describe("describeError", () => {
  it("gives the shell's sentence naming the holder for locked", () => {
    expect(describeError(LOCKED)).toBe(HOLDER);
  });

  it("carries the locked kind and its path through a failed command", async () => {
    mockIPC(() => {
      throw LOCKED;
    });
    const error = await api.openRecent("/p/hospital.waveplan").catch((e) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toBe(HOLDER);
    expect(error.error).toEqual(LOCKED);
  });
});

describe("opening a project another writer holds", () => {
  it("asks in a dialog naming the holder, and opens it read-only when chosen", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "open_recent") throw LOCKED;
      if (cmd === "open_read_only") return readOnly;
      if (cmd === "board") return board([card("billing", 2)]);
      return null;
    });
    render(<LockedDialog />);
    await act(() => actions.openRecent("/p/hospital.waveplan"));
    // The dialog, not the message bar, and the recent list is not read again (the file is there).
    expect(getState().message).toBeNull();
    expect(calls).toEqual(["open_recent"]);
    const dialog = screen.getByRole("dialog", { name: "Project in use" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(screen.getByText(HOLDER)).toBeTruthy();
    // Read out with the dialog: its description is the holder's sentence.
    expect(document.getElementById(dialog.getAttribute("aria-describedby")!)!.textContent).toBe(HOLDER);

    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Open read-only" }));
    });
    expect(calls).toEqual(["open_recent", "open_read_only", "board"]);
    expect(getState().project?.readOnly).toBe(true);
    expect(getState().screen).toBe("board");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("asks for every way of opening: the startup project, open, the sample, new", async () => {
    for (const [command, open] of [
      ["startup", () => actions.startup()],
      ["open_project", () => actions.openProject()],
      ["open_sample", () => actions.openSample()],
      ["new_project", () => actions.newProject()],
    ] as const) {
      resetState();
      mockIPC((cmd) => {
        if (cmd === command) throw LOCKED;
        if (cmd === "recent_projects") return [];
        return null;
      });
      await open();
      expect([command, getState().locked]).toEqual([command, { path: "/p/hospital.waveplan", message: HOLDER }]);
      expect(getState().message).toBeNull();
      expect(getState().project).toBeNull();
    }
  });

  it("cancels: nothing opens and nothing is asked of the shell", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      throw LOCKED;
    });
    render(<LockedDialog />);
    await act(() => actions.openSample());
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls).toEqual(["open_sample"]);
    expect(getState().project).toBeNull();
    expect(getState().locked).toBeNull();
  });

  it("keeps the focus inside, closes on Escape, and gives the focus back", async () => {
    mockIPC(() => {
      throw LOCKED;
    });
    render(
      <>
        <button data-testid="opener">Open the sample</button>
        <LockedDialog />
      </>,
    );
    const opener = screen.getByTestId("opener");
    opener.focus();
    await act(() => actions.openSample());
    const readOnlyButton = screen.getByRole("button", { name: "Open read-only" });
    const cancel = screen.getByRole("button", { name: "Cancel" });
    expect(document.activeElement).toBe(readOnlyButton);
    // Tab from the last control comes back to the first, Shift+Tab from the first to the last.
    fireEvent.keyDown(readOnlyButton, { key: "Tab" });
    expect(document.activeElement).toBe(cancel);
    fireEvent.keyDown(cancel, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(readOnlyButton);
    fireEvent.keyDown(readOnlyButton, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(getState().locked).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("shows another failure to open in the message bar, not the dialog", async () => {
    mockIPC((cmd) => {
      if (cmd === "open_sample") throw { kind: "store", detail: { message: "/p/x.waveplan: not a waveplan project" } };
      return null;
    });
    await actions.openSample();
    expect(getState().locked).toBeNull();
    expect(getState().message).toEqual({ kind: "error", text: "/p/x.waveplan: not a waveplan project" });
  });
});

describe("a read-only project", () => {
  it("shows the read-only badge with why and what to do, and disables undo, redo and re-plan", () => {
    setState({ project: readOnly, board: board([card("billing", 2)]) });
    const { container } = render(<Toolbar />);
    const badge = container.querySelector("[data-read-only]")!;
    expect(badge.textContent).toBe("read-only");
    expect(badge.getAttribute("title")).toContain("Another window or `waveplan` holds this project; close it there and reopen to edit");
    for (const action of ["undo", "redo", "replan"]) {
      const button = container.querySelector<HTMLButtonElement>(`[data-${action}]`)!;
      expect([action, button.disabled]).toEqual([action, true]);
    }
    // Reading the history or the settings is not a change.
    expect(container.querySelector<HTMLButtonElement>("[data-open-history]")!.disabled).toBe(false);
    expect(container.querySelector<HTMLButtonElement>("[data-open-settings]")!.disabled).toBe(false);
  });

  it("shows the planner's settings but cannot re-plan with them", async () => {
    mockIPC((cmd) => (cmd === "plan_settings" ? settings() : null));
    setState({ project: readOnly, settingsOpen: true });
    const { container } = render(<SettingsPanel />);
    await waitFor(() => expect(container.querySelector("[data-settings-replan]")).toBeTruthy());
    const replan = container.querySelector<HTMLButtonElement>("[data-settings-replan]")!;
    expect(replan.disabled).toBe(true);
    expect(replan.title).toBe(READ_ONLY_REASON);
  });

  it("shows no badge and enables the actions when writable", () => {
    setState({ project: { ...readOnly, readOnly: false }, board: board([card("billing", 2)]) });
    const { container } = render(<Toolbar />);
    expect(container.querySelector("[data-read-only]")).toBeNull();
    for (const action of ["undo", "redo", "open-settings", "replan"]) {
      expect([action, container.querySelector<HTMLButtonElement>(`[data-${action}]`)!.disabled]).toEqual([action, false]);
    }
  });

  it("offers no drag or pin on the board: a pressed card is only selected", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "scenarios") return [];
      return null;
    });
    setState({ project: readOnly, board: board([card("billing", 2)]), screen: "board" });
    const { container } = render(<WaveBoard />);
    const billing = container.querySelector<HTMLElement>('[data-card="billing"]')!;
    expect(billing.querySelector<HTMLButtonElement>("[data-pin]")!.disabled).toBe(true);
    fireEvent.pointerDown(billing, { button: 0, clientX: 10, clientY: 10 });
    expect(getState().selected).toBe("billing");
    // The keyboard's move and pin are refused in the message bar, and the shell is not asked.
    await act(async () => {
      fireEvent.keyDown(billing, { key: "ArrowLeft", altKey: true });
    });
    expect(getState().message).toEqual({ kind: "error", text: `This project is open read-only. ${READ_ONLY_REASON}` });
    setState({ message: null });
    await act(async () => {
      fireEvent.keyDown(billing, { key: "p" });
    });
    expect(getState().message?.kind).toBe("error");
    // Only reads (the scenarios, the selected card's explanation); no price, move or pin.
    expect(calls.filter((c) => c !== "scenarios" && c !== "explain")).toEqual([]);
  });

  it("disables the scenario changes but not the comparison", async () => {
    mockIPC((cmd) =>
      cmd === "scenarios"
        ? [
            { name: "baseline", current: true, waves: 3, hardViolations: 0, programmeEnd: "2027-02-14" },
            { name: "fast", current: false, waves: 2, hardViolations: 0, programmeEnd: "2027-01-31" },
          ]
        : null,
    );
    setState({ project: { ...readOnly, scenarios: ["baseline", "fast"] } });
    const { container } = render(<ScenarioBar />);
    await waitFor(() => expect(container.querySelector("[data-scenario-compare]")).toBeTruthy());
    for (const control of ["scenario-select", "scenario-duplicate", "scenario-rename", "scenario-delete"]) {
      expect([control, container.querySelector<HTMLButtonElement | HTMLSelectElement>(`[data-${control}]`)!.disabled]).toEqual([control, true]);
    }
    expect(container.querySelector<HTMLButtonElement>("[data-scenario-compare]")!.disabled).toBe(false);
  });

  it("offers no edit in the inventory", async () => {
    mockIPC((cmd) => (cmd === "inventory" ? applications : null));
    setState({ project: readOnly });
    const { container } = render(<Inventory />);
    await waitFor(() => expect(container.querySelector('[data-row="billing"]')).toBeTruthy());
    const tier = container.querySelector('[data-row="billing"]')!.querySelectorAll("[role=gridcell]")[1];
    expect(tier.classList.contains("editable")).toBe(false);
    fireEvent.doubleClick(tier);
    expect(container.querySelector(".cell.editing")).toBeNull();
  });

  it("lets the inventory's cells be edited when writable (the same table)", async () => {
    mockIPC((cmd) => (cmd === "inventory" ? applications : null));
    setState({ project });
    const { container } = render(<Inventory />);
    await waitFor(() => expect(container.querySelector('[data-row="billing"]')).toBeTruthy());
    const tier = container.querySelector('[data-row="billing"]')!.querySelectorAll("[role=gridcell]")[1];
    expect(tier.classList.contains("editable")).toBe(true);
  });

  it("offers no import: the button is disabled and a drop is refused without asking the shell", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    setState({ project: readOnly, screen: "board" });
    const { container } = render(<ImportWizard />);
    expect(container.querySelector<HTMLButtonElement>("[data-pick-files]")!.disabled).toBe(true);
    expect(container.querySelector("[data-import-read-only]")).toBeTruthy();
    await actions.stageDropped();
    await actions.pickImportFiles();
    expect(calls).toEqual([]);
    expect(getState().screen).toBe("board");
    expect(getState().message?.text).toContain("read-only");
  });

  it("refuses undo and re-plan from the keyboard in the message bar", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    setState({ project: readOnly });
    await actions.undo();
    await actions.redo();
    await actions.plan();
    expect(calls).toEqual([]);
    expect(getState().message).toEqual({ kind: "error", text: `This project is open read-only. ${READ_ONLY_REASON}` });
  });
});

describe("the notice of how the file was opened", () => {
  it("is shown once in the message bar on opening, not again when the project is read later", async () => {
    const notice = "/p/hospital.waveplan: a stale lock of bob on WS-0102 (pid 88, not running) was taken over";
    mockIPC((cmd) => {
      if (cmd === "open_sample" || cmd === "project_info") return { ...project, notice };
      if (cmd === "board") return null;
      return null;
    });
    await actions.openSample();
    expect(getState().message).toEqual({ kind: "info", text: notice });
    actions.dismissMessage();
    await actions.refreshProject();
    expect(getState().message).toBeNull();
  });

  it("leaves the message bar empty when there is none", async () => {
    mockIPC((cmd) => (cmd === "open_sample" ? project : null));
    setState({ message: { kind: "error", text: "an older failure" } });
    await actions.openSample();
    expect(getState().message).toBeNull();
  });
});
