// The virtualised wave board: a 2,000-card plan draws only the columns and
// cards in view, the keyboard still reaches any card (scrolled into view and
// focused), and a card dragged onto a wave scrolled into view is moved there.
import { describe, expect, it, beforeEach } from "vitest";
import { act, fireEvent, render, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { resetState, setState } from "./store";
import { WaveBoard } from "./screens/WaveBoard";
import { neighbour, placeOf } from "./screens/boardNavigation";
import { board, card, project } from "./fixtures.test-data";
import { price } from "./board.test-data";
import type { Board } from "./ipc/types";

beforeEach(() => resetState());

/** `waves` waves of `perWave` cards each ("w3-c17" is the 18th card of wave 3). */
function bigBoard(waves: number, perWave: number): Board {
  const small = board([]);
  const template = small.waves[0];
  return {
    ...small,
    waves: Array.from({ length: waves }, (_, w) => ({
      ...template,
      index: w + 1,
      name: `Wave ${w + 1}`,
      pilot: w === 0,
      cards: Array.from({ length: perWave }, (_, c) => card(`w${w + 1}-c${c}`, w + 1)),
    })),
  };
}

const cards = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>("[data-card]")];

describe("virtualised board", () => {
  it("draws a window of a 2,000-card plan, not every card", () => {
    setState({ project, board: bigBoard(20, 100), screen: "board" });
    const { container } = render(<WaveBoard />);
    const drawn = cards(container);
    // The first columns in view (1,200 px wide in jsdom), each with the cards of its first 800 px.
    expect(drawn.length).toBeGreaterThan(20);
    expect(drawn.length).toBeLessThan(200);
    const columns = [...container.querySelectorAll<HTMLElement>(".board > [data-wave]")].map((c) => Number(c.dataset.wave));
    expect(columns[0]).toBe(1);
    expect(columns.length).toBeLessThan(12);
    expect(container.querySelector('[data-card="w1-c0"]')).toBeTruthy();
    expect(container.querySelector('[data-card="w1-c99"]')).toBeNull();
    expect(container.querySelector('[data-card="w20-c0"]')).toBeNull();
    // Every column still says how many cards it has.
    expect(container.querySelector('[data-wave="1"]')?.getAttribute("aria-label")).toBe("Wave 1, 100 applications");
  });

  it("reaches a card off screen with the keyboard: scrolled into view and focused", async () => {
    setState({ project, board: bigBoard(20, 100), screen: "board" });
    const { container } = render(<WaveBoard />);
    const first = container.querySelector<HTMLElement>('[data-card="w1-c0"]')!;
    first.focus();
    // End: the last card of the wave, far below the cards drawn.
    await act(async () => {
      fireEvent.keyDown(first, { key: "End" });
    });
    await waitFor(() => expect(document.activeElement?.getAttribute("data-card")).toBe("w1-c99"));
    // Down past the end goes nowhere; Up goes to the card above.
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    });
    await waitFor(() => expect(document.activeElement?.getAttribute("data-card")).toBe("w1-c98"));
    // Ctrl+End: the last card of the board, in a column not drawn until now.
    expect(container.querySelector('[data-wave="20"]')).toBeNull();
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: "End", ctrlKey: true });
    });
    await waitFor(() => expect(document.activeElement?.getAttribute("data-card")).toBe("w20-c99"));
    expect(document.activeElement?.closest("[data-wave]")?.getAttribute("data-wave")).toBe("20");
  });

  it("moves a card dropped on a wave scrolled into view while dragging", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "price_move") return price("w1-c0", 1, (args as { wave: number }).wave);
      if (cmd === "move_application") return new Promise(() => {});
      return null;
    });
    setState({ project, board: bigBoard(20, 100), screen: "board" });
    const { container } = render(<WaveBoard />);
    const scroller = container.querySelector<HTMLElement>(".board")!;
    let target: Element | null = null;
    document.elementFromPoint = () => target;
    fireEvent.pointerDown(container.querySelector('[data-card="w1-c0"]')!, { button: 0, clientX: 100, clientY: 100 });
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 600, clientY: 300 });
    });
    // The board scrolls (as the edge scroll does) and wave 18 comes into view under the pointer.
    await act(async () => {
      scroller.scrollLeft = 17 * 262;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(container.querySelector('[data-wave="18"]')).toBeTruthy());
    target = container.querySelector('[data-wave="18"] .column-head');
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 600, clientY: 40 });
    });
    await waitFor(() => expect(container.querySelector('[data-wave="18"]')?.classList.contains("over")).toBe(true));
    await act(async () => {
      fireEvent.pointerUp(window, { clientX: 600, clientY: 40 });
    });
    expect(calls.filter(([c]) => c === "price_move").map(([, a]) => a)).toContainEqual({ application: "w1-c0", wave: 18 });
    expect(calls.some(([c, a]) => c === "move_application" && JSON.stringify(a) === JSON.stringify({ application: "w1-c0", wave: 18 }))).toBe(true);
  });

  it("scrolls the board while a dragged card is held near its right edge", async () => {
    mockIPC((cmd) => (cmd === "price_move" ? price("w1-c0", 1, 2) : null));
    setState({ project, board: bigBoard(20, 100), screen: "board" });
    const { container } = render(<WaveBoard />);
    const scroller = container.querySelector<HTMLElement>(".board")!;
    const head = container.querySelector('[data-wave="2"] .column-head');
    document.elementFromPoint = () => head;
    fireEvent.pointerDown(container.querySelector('[data-card="w1-c0"]')!, { button: 0, clientX: 100, clientY: 100 });
    await act(async () => {
      fireEvent.pointerMove(window, { clientX: 1190, clientY: 300 });
    });
    await waitFor(() => expect(scroller.scrollLeft).toBeGreaterThan(100));
    // Let go away from the edge: the scrolling stops with the drag.
    await act(async () => {
      fireEvent.pointerUp(window, { clientX: 1190, clientY: 300 });
    });
    const stopped = scroller.scrollLeft;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(scroller.scrollLeft).toBe(stopped);
  });
});

describe("board navigation", () => {
  it("steps over empty waves and keeps the height when moving across", () => {
    const b = bigBoard(4, 3);
    b.waves[1].cards = [];
    b.waves[2].cards = b.waves[2].cards.slice(0, 2);
    const from = placeOf(b, "w1-c2")!;
    expect(from).toEqual({ column: 0, row: 2 });
    // Right from the third card of wave 1: wave 2 is empty, wave 3 has two cards.
    expect(neighbour(b, from, "ArrowRight")).toEqual({ column: 2, row: 1 });
    expect(neighbour(b, from, "ArrowLeft")).toBeNull();
    expect(neighbour(b, from, "ArrowDown")).toBeNull();
    expect(neighbour(b, { column: 2, row: 0 }, "ArrowLeft")).toEqual({ column: 0, row: 0 });
    expect(neighbour(b, from, "Home")).toEqual({ column: 0, row: 0 });
    expect(neighbour(b, from, "End", true)).toEqual({ column: 3, row: 2 });
    expect(neighbour(b, from, "Tab")).toBeNull();
  });
});
