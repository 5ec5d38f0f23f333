// Front-end tests: the IPC module, the store, and that inventory strings
// are shown as text on every screen that shows them.
import { describe, expect, it, beforeEach, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { api, CommandError } from "./ipc/api";
import { actions, getState, resetState, setState } from "./store";
import { WaveBoard } from "./screens/WaveBoard";
import { Inventory } from "./screens/Inventory";
import { ImportWizard } from "./screens/ImportWizard";
import { board, card, HOSTILE, project, servers } from "./fixtures.test-data";
import { price } from "./board.test-data";

// jsdom has no layout, so the virtualiser would see an empty viewport: in
// these tests it renders every row (the app's own code path is unchanged).
vi.mock("@tanstack/react-virtual", () => ({
  useVirtualizer: ({ count, estimateSize }: { count: number; estimateSize: (index: number) => number }) => ({
    getTotalSize: () => count * estimateSize(0),
    getVirtualItems: () => Array.from({ length: count }, (_, index) => ({ key: index, index, start: index * estimateSize(0), size: estimateSize(index) })),
    measure: () => {},
    measurementsCache: [],
  }),
}));

beforeEach(() => resetState());

describe("ipc", () => {
  it("turns the shell's tagged error into a message", async () => {
    mockIPC(() => {
      throw { kind: "invalid", detail: { field: "tier", message: "'gold' is not one of mission-critical, …" } };
    });
    const error = await api.editApplication("billing", "tier", "gold").catch((e) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toBe("tier: 'gold' is not one of mission-critical, …");
    expect(error.error.kind).toBe("invalid");
  });

  it("sends the arguments the commands take, in camelCase", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    await api.moveApplication("billing", 2);
    expect(calls).toEqual([["move_application", { application: "billing", wave: 2 }]]);
  });
});

describe("store", () => {
  it("opens the sample on the board when it has a plan", async () => {
    mockIPC((cmd) => {
      if (cmd === "open_sample") return project;
      if (cmd === "board") return board([card("billing", 2)]);
      return null;
    });
    await actions.openSample();
    expect(getState().project?.name).toBe("hospital");
    expect(getState().screen).toBe("board");
    expect(getState().board?.waves[1].cards[0].name).toBe("billing");
  });

  it("shows a failed command in the message bar and keeps the state", async () => {
    mockIPC(() => {
      throw { kind: "store", detail: { message: "/tmp/x.waveplan: not a waveplan project (empty file)" } };
    });
    await actions.openRecent("/tmp/x.waveplan");
    expect(getState().project).toBeNull();
    expect(getState().message).toEqual({ kind: "error", text: "/tmp/x.waveplan: not a waveplan project (empty file)" });
  });

  it("ignores a cancelled dialog", async () => {
    mockIPC(() => {
      throw { kind: "cancelled" };
    });
    await actions.openProject();
    expect(getState().message).toBeNull();
  });
});

describe("wave board", () => {
  it("moves a focused card to the previous wave with Alt+Left and shows what broke", async () => {
    const moved: unknown[] = [];
    const after = board([card("billing", 1, { violated: true }), card("ehr", 2)]);
    after.objective.hardViolations = 1;
    mockIPC((cmd, args) => {
      if (cmd === "move_application") {
        moved.push(args);
        return {
          board: after,
          moved: ["billing"],
          before: board([]).objective,
          broken: [{ constraint: "precedence", message: "'billing' (wave 1) depends on 'ehr', which moves later (wave 2)" }],
          mended: [],
          millis: 3.2,
          price: price("billing", 2, 1, [{ constraint: "precedence", message: "'billing' (wave 1) depends on 'ehr', which moves later (wave 2)" }]),
        };
      }
      if (cmd === "project_info") return { ...project, undo: "move billing to wave 1" };
      return null;
    });
    setState({ project, board: board([card("billing", 2), card("ehr", 2)]), screen: "board" });
    render(<WaveBoard />);
    const billing = screen.getByRole("button", { name: /^billing, wave 2/ });
    billing.focus();
    await act(async () => {
      fireEvent.keyDown(billing, { key: "ArrowLeft", altKey: true });
    });
    expect(moved).toEqual([{ application: "billing", wave: 1 }]);
    await waitFor(() => expect(screen.getByText(/depends on 'ehr', which moves later/)).toBeTruthy());
    expect(screen.getByText(/Broken constraints 0 → 1/)).toBeTruthy();
    expect(screen.getByRole("button", { name: /billing, wave 1, breaks a constraint/ })).toBeTruthy();
  });

  it("shows a hostile application name as text", () => {
    mockIPC(() => null);
    setState({ project, board: board([card(HOSTILE, 1, { movesWith: [HOSTILE] })]), screen: "board" });
    const { container } = render(<WaveBoard />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector(`[data-card]`)?.getAttribute("data-card")).toBe(HOSTILE);
    expect(container.querySelector(".card-name")?.textContent).toBe(HOSTILE);
  });
});

describe("inventory", () => {
  it("shows hostile names as text and hides sensitive columns when presenting", async () => {
    mockIPC((cmd) => (cmd === "inventory" ? servers : null));
    setState({ project, screen: "inventory" });
    const { container } = render(<Inventory />);
    await act(async () => {
      fireEvent.click(screen.getByRole("tab", { name: /Servers/ }));
    });
    await waitFor(() => expect(container.querySelector("[data-row-count]")?.textContent).toBe("2 rows"));
    await waitFor(() => expect(container.querySelectorAll("[data-row]").length).toBe(2));
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByText(HOSTILE)).toBeTruthy();
    act(() => setState({ presentation: true }));
    expect(screen.queryByText(HOSTILE)).toBeNull();
    expect(screen.queryByText("IP addresses")).toBeNull();
    expect(screen.getByText("billing")).toBeTruthy();
  });

  it("sorts numerically and searches every column", async () => {
    mockIPC((cmd) => (cmd === "inventory" ? servers : null));
    setState({ project, screen: "inventory" });
    const { container } = render(<Inventory />);
    await act(async () => {
      fireEvent.click(screen.getByRole("tab", { name: /Servers/ }));
    });
    await waitFor(() => expect(container.querySelectorAll("[data-row]").length).toBe(2));
    fireEvent.click(screen.getByRole("columnheader", { name: /Cores/ }));
    fireEvent.click(screen.getByRole("columnheader", { name: /Cores/ }));
    expect([...container.querySelectorAll("[data-row]")].map((r) => r.getAttribute("data-row"))).toEqual(["ehr-db-01", HOSTILE]);
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "10.0.0.2" } });
    expect([...container.querySelectorAll("[data-row]")].map((r) => r.getAttribute("data-row"))).toEqual(["ehr-db-01"]);
  });
});

describe("import", () => {
  it("shows each diagnostic with file, line and column and refuses to import with errors", () => {
    mockIPC(() => null);
    setState({
      project,
      screen: "import",
      importPreview: {
        files: [
          { path: "/x/servers.csv", name: "servers.csv", bytes: 2048, format: "native", headers: ["name", "cores"], rows: [[HOSTILE, "four"]], mapping: null, profiles: [] },
        ],
        diagnostics: [{ severity: "error", file: "servers.csv", sheet: null, line: 2, column: 2, message: "cores: 'four' is not a number" }],
        errors: 1,
        warnings: 0,
        before: project.counts,
        after: project.counts,
        seconds: 0.01,
        rows: 2,
        conflicts: [],
        precedence: ["native"],
      },
    });
    const { container } = render(<ImportWizard />);
    const cells = [...container.querySelectorAll("[data-diagnostic] td")].map((td) => td.textContent);
    expect(cells.slice(1, 4)).toEqual(["servers.csv", "2", "2"]);
    expect(screen.getByText("cores: 'four' is not a number")).toBeTruthy();
    expect((screen.getByText("Fix the errors to import") as HTMLButtonElement).disabled).toBe(true);
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByText(HOSTILE)).toBeTruthy();
  });
});
