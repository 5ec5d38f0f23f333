// Presentation mode: addresses are always hidden, host names only when the
// presenter chose so (the default), and the board shows only the plan.
import { describe, expect, it, beforeEach, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { actions, resetState, setState } from "./store";
import { Inventory } from "./screens/Inventory";
import { WaveBoard } from "./screens/WaveBoard";
import { board, card, HOSTILE, project, servers } from "./fixtures.test-data";

vi.mock("@tanstack/react-virtual", () => ({
  useVirtualizer: ({ count, estimateSize }: { count: number; estimateSize: (index: number) => number }) => ({
    getTotalSize: () => count * estimateSize(0),
    getVirtualItems: () => Array.from({ length: count }, (_, index) => ({ key: index, index, start: index * estimateSize(0), size: estimateSize(index) })),
    measure: () => {},
    measurementsCache: [],
  }),
}));

beforeEach(() => resetState());

describe("presentation mode", () => {
  it("shows host names when chosen, never addresses", async () => {
    mockIPC((cmd) => (cmd === "inventory" ? servers : null));
    setState({ project, screen: "inventory", presentation: true });
    const { container } = render(<Inventory />);
    await act(async () => {
      fireEvent.click(screen.getByRole("tab", { name: /Servers/ }));
    });
    await waitFor(() => expect(container.querySelectorAll("[data-row]").length).toBe(2));
    expect(screen.queryByText(HOSTILE)).toBeNull();
    act(() => actions.toggleHostNames());
    expect(screen.getByText(HOSTILE)).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    expect(screen.queryByText("IP addresses")).toBeNull();
    expect(screen.queryByText("10.0.0.1")).toBeNull();
  });

  it("leaves only the plan on the board: no scenario bar, timeline or explanation", () => {
    mockIPC(() => []);
    setState({ project, board: board([card("billing", 1)]), screen: "board", presentation: true, selected: "billing" });
    const { container } = render(<WaveBoard />);
    expect(container.querySelector("[data-card]")).toBeTruthy();
    expect(container.querySelector("[data-scenario-bar]")).toBeNull();
    expect(container.querySelector("[data-explain]")).toBeNull();
  });
});
