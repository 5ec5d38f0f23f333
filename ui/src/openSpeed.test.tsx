// What keeps opening a large project quick: the board's footer draws its
// first lines of thousands, what is not migrating only when asked for, and
// a screen whose code is loaded draws at once instead of suspending.
import { describe, expect, it, beforeEach } from "vitest";
import { Suspense } from "react";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { actions, getState, resetState, setState } from "./store";
import { WaveBoard } from "./screens/WaveBoard";
import { screens } from "./screenCode";
import { board, card, project } from "./fixtures.test-data";

beforeEach(() => resetState());

describe("board footer on a large plan", () => {
  it("lists the first hundred broken constraints, the rest on request, and what stays behind only when opened", async () => {
    mockIPC(() => null);
    const violations = Array.from({ length: 500 }, (_, i) => ({ constraint: "before", message: `broken number ${i}` }));
    const notMigrating = Array.from({ length: 3000 }, (_, i) => `device-${i}`);
    setState({ project, board: { ...board([card("billing", 2)]), violations, notMigrating }, screen: "board" });
    const { container } = render(<WaveBoard />);

    const list = () => container.querySelectorAll("[data-all-violations] li");
    expect(list().length).toBe(100);
    expect(screen.getByText("broken number 99")).toBeTruthy();
    expect(screen.queryByText("broken number 100")).toBeNull();
    expect(container.querySelector("[data-not-migrating] li")).toBeNull();
    expect(screen.getByText("Not migrating (3,000)")).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByText("Show all 500 broken constraints")));
    expect(list().length).toBe(500);

    const behind = container.querySelector<HTMLDetailsElement>("[data-not-migrating]")!;
    await act(async () => {
      behind.open = true;
      fireEvent(behind, new Event("toggle"));
    });
    expect(behind.querySelectorAll("li").length).toBe(100);
    expect(screen.getByText("Show all 3,000 items")).toBeTruthy();
  });
});

describe("screens whose code is loaded", () => {
  it("draw at once, without the suspense fallback", async () => {
    mockIPC(() => null);
    setState({ project, board: board([card("billing", 2)]), screen: "board" });
    await screens.board.load();
    const Board = screens.board.Screen;
    const { container } = render(
      <Suspense fallback={<p data-fallback>loading</p>}>
        <Board />
      </Suspense>,
    );
    // Synchronously, in the first commit: no fallback, the card is there.
    expect(container.querySelector("[data-fallback]")).toBeNull();
    expect(container.querySelector('[data-card="billing"]')).toBeTruthy();
  });
});

describe("switching screens", () => {
  it("keeps the screen shown until the next one's code is loaded, then shows it at once; the last asked wins", async () => {
    setState({ project, board: board([card("billing", 2)]), screen: "board" });
    expect(screens.export.loaded()).toBe(false);
    actions.show("export");
    expect(getState().screen).toBe("board");
    await waitFor(() => expect(getState().screen).toBe("export"));
    expect(screens.export.loaded()).toBe(true);

    // Loaded now: at once.
    actions.show("board");
    expect(getState().screen).toBe("board");
    actions.show("export");
    expect(getState().screen).toBe("export");

    // Asked for the DR screen, then for the board before its code came: the board stays.
    actions.show("dr");
    actions.show("board");
    await screens.dr.load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(getState().screen).toBe("board");
  });
});
