// The wave board's drag over the planner's what-if: a hovered wave is
// priced (and marked) before the drop, the drop shows that price at once,
// and a slow answer to an earlier hover never overwrites a later one.
import { describe, expect, it, beforeEach } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { actions, getState, resetState, setState } from "./store";
import { WaveBoard } from "./screens/WaveBoard";
import { board, card, project } from "./fixtures.test-data";
import { objective, price } from "./board.test-data";

beforeEach(() => resetState());

const BROKEN = { constraint: "before", message: "'billing' in wave 1 must move after 'ehr', which moves in wave 2" };

/** jsdom has no layout: the point under the pointer is the column asked for. */
function pointAt(column: () => Element | null) {
  document.elementFromPoint = () => column();
}

describe("wave board drag", () => {
  it("prices the hovered wave, marks it, and shows the price at once on the drop", async () => {
    const calls: [string, unknown][] = [];
    let finishMove: (value: unknown) => void = () => {};
    const priced = price("billing", 2, 1, [BROKEN], { after: objective(1500, 3, 0.2) });
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "price_move") return priced;
      if (cmd === "move_application") return new Promise((resolve) => (finishMove = resolve));
      if (cmd === "project_info") return project;
      return null;
    });
    setState({ project, board: board([card("billing", 2), card("ehr", 2)]), screen: "board" });
    const { container } = render(<WaveBoard />);
    const billing = container.querySelector('[data-card="billing"]')!;
    let target: Element | null = null;
    pointAt(() => target);

    fireEvent.pointerDown(billing, { button: 0, clientX: 10, clientY: 10 });
    target = container.querySelector('[data-wave="1"] .column-head');
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 60, clientY: 40 });
    });
    expect(calls.filter(([c]) => c === "price_move")).toEqual([["price_move", { application: "billing", wave: 1 }]]);
    await waitFor(() => expect(container.querySelector('[data-wave="1"]')?.classList.contains("breaks")).toBe(true));
    expect(screen.getByText(/Would break 1 constraint/)).toBeTruthy();
    expect(screen.getByText(/Traffic-days 1,200 → 1,500 \(\+300\) · Waves 3 → 3 · Imbalance 0.10 → 0.20/)).toBeTruthy();

    // Moving within the same wave asks nothing more.
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 62, clientY: 44 });
    });
    expect(calls.filter(([c]) => c === "price_move").length).toBe(1);

    // Dropped: the price shows while the move is saved.
    await act(async () => {
      fireEvent.pointerUp(window, { clientX: 62, clientY: 44 });
    });
    expect(calls.some(([c, a]) => c === "move_application" && JSON.stringify(a) === JSON.stringify({ application: "billing", wave: 1 }))).toBe(true);
    expect(container.querySelector("[data-pending-move] [data-broken]")?.textContent).toContain("must move after 'ehr'");

    const after = board([card("billing", 1, { violated: true }), card("ehr", 2)]);
    after.objective.hardViolations = 1;
    await act(async () => {
      finishMove({ board: after, moved: ["billing"], before: board([]).objective, broken: [BROKEN], mended: [], millis: 640, price: priced });
    });
    await waitFor(() => expect(container.querySelector("[data-pending-move]")).toBeNull());
    expect(screen.getByText(/Moved billing to wave 1/)).toBeTruthy();
    expect(screen.getByText(/priced in 0.4 ms, saved in 640 ms/)).toBeTruthy();
    expect(screen.getByText(/Broken constraints 0 → 1/)).toBeTruthy();
  });

  it("dropping back on its own wave moves nothing and clears the price", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return cmd === "price_move" ? price("billing", 2, 1) : null;
    });
    setState({ project, board: board([card("billing", 2)]), screen: "board" });
    const { container } = render(<WaveBoard />);
    let target: Element | null = container.querySelector('[data-wave="1"] .column-head');
    pointAt(() => target);
    fireEvent.pointerDown(container.querySelector('[data-card="billing"]')!, { button: 0, clientX: 10, clientY: 10 });
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 60, clientY: 40 });
    });
    await waitFor(() => expect(getState().pendingMove?.toWave).toBe(1));
    expect(container.querySelector('[data-wave="1"]')?.classList.contains("keeps")).toBe(true);
    target = container.querySelector('[data-wave="2"] .column-head');
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 200, clientY: 40 });
      fireEvent.pointerUp(window, { clientX: 200, clientY: 40 });
    });
    expect(calls).not.toContain("move_application");
    expect(getState().pendingMove).toBeNull();
  });
});

describe("keyboard move", () => {
  it("shows the planner's price while the move is saved", async () => {
    let finishMove: (value: unknown) => void = () => {};
    mockIPC((cmd) => {
      if (cmd === "price_move") return price("billing", 2, 1, [BROKEN]);
      if (cmd === "move_application") return new Promise((resolve) => (finishMove = resolve));
      return null;
    });
    setState({ project, board: board([card("billing", 2)]), screen: "board" });
    const { container } = render(<WaveBoard />);
    const billing = container.querySelector<HTMLElement>('[data-card="billing"]')!;
    billing.focus();
    await act(async () => {
      fireEvent.keyDown(billing, { key: "ArrowLeft", altKey: true });
    });
    await waitFor(() => expect(container.querySelector("[data-pending-move] [data-broken]")?.textContent).toContain("must move after 'ehr'"));
    finishMove(null);
  });
});

describe("store: prices", () => {
  it("keeps the answer to the latest hover when an earlier one answers later", async () => {
    const pending: Record<number, (v: unknown) => void> = {};
    mockIPC((_cmd, args) => {
      const wave = (args as { wave: number }).wave;
      return new Promise((resolve) => (pending[wave] = resolve));
    });
    const first = actions.priceMove("billing", 1);
    const second = actions.priceMove("billing", 3);
    await waitFor(() => expect(Object.keys(pending).length).toBe(2));
    pending[3](price("billing", 2, 3));
    await second;
    pending[1](price("billing", 2, 1, [BROKEN]));
    await first;
    expect(getState().pendingMove?.toWave).toBe(3);
  });
});
