// Cold start: the window's first screen is drawn without the code of the
// other screens (the graph's sigma and graphology above all), which is
// fetched in the background once the start screen is interactive.
import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";

const loaded = vi.hoisted(() => ({ sigma: 0, graphology: 0 }));
vi.mock("sigma", () => {
  loaded.sigma++;
  return { default: class {} };
});
vi.mock("graphology", () => {
  loaded.graphology++;
  return { default: class {} };
});

describe("cold start", () => {
  it("draws the start screen before the graph's libraries are loaded, then loads them in the background", async () => {
    mockIPC((cmd) => (cmd === "recent_projects" ? [] : null));
    const { App } = await import("./App");
    render(<App />);
    await waitFor(() => expect(performance.getEntriesByName("waveplan:interactive").length).toBeGreaterThan(0));
    expect(screen.getByText("Waveplan")).toBeTruthy();
    expect(loaded).toEqual({ sigma: 0, graphology: 0 });
    await waitFor(() => expect(loaded).toEqual({ sigma: 1, graphology: 1 }), { timeout: 3000 });
  });
});
