// Scenarios over the board: duplicate through the name form, switch, and
// two side by side with the better figure marked; names stay text.
import { describe, expect, it, beforeEach } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { getState, resetState, setState } from "./store";
import { ScenarioBar, metricText } from "./components/ScenarioBar";
import { board, card, HOSTILE, project } from "./fixtures.test-data";
import type { MetricRow, ScenarioComparison, ScenarioView } from "./ipc/types";

beforeEach(() => resetState());

const scenarios = (names: string[], current = names[0]): ScenarioView[] =>
  names.map((name) => ({ name, current: name === current, waves: 3, hardViolations: 0, programmeEnd: "2027-02-14" }));

const row = (extra: Partial<MetricRow>): MetricRow => ({
  key: "waves",
  label: "Waves",
  unit: "count",
  a: 3,
  b: 4,
  aDate: null,
  bDate: null,
  measured: [true, true],
  difference: 1,
  better: "a",
  ...extra,
});

describe("scenario bar", () => {
  it("duplicates the scenario on the board under the name typed", async () => {
    const calls: [string, unknown][] = [];
    let names = ["baseline"];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "scenarios") return scenarios(names);
      if (cmd === "duplicate_scenario") {
        names = ["baseline", "fast"];
        return scenarios(names);
      }
      if (cmd === "project_info") return { ...project, scenarios: ["baseline", "fast"] };
      return null;
    });
    setState({ project, board: board([card("billing", 1)]) });
    render(<ScenarioBar />);
    await waitFor(() => expect(getState().scenarios.length).toBe(1));
    fireEvent.click(screen.getByText("Duplicate…"));
    fireEvent.change(screen.getByLabelText("Name of the copy"), { target: { value: "  fast " } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Duplicate" }));
    });
    expect(calls).toContainEqual(["duplicate_scenario", { from: "baseline", to: "fast" }]);
    await waitFor(() => expect(screen.getByLabelText("Scenario to compare with")).toBeTruthy());
  });

  it("switches the board to another scenario", async () => {
    const other = board([card("billing", 3)]);
    mockIPC((cmd, args) => {
      if (cmd === "scenarios") return scenarios(["baseline", "fast"], getState().project?.scenario);
      if (cmd === "switch_scenario") return [{ ...project, scenario: (args as { name: string }).name }, other];
      return null;
    });
    setState({ project, board: board([card("billing", 1)]) });
    render(<ScenarioBar />);
    await waitFor(() => expect(getState().scenarios.length).toBe(2));
    await act(async () => {
      fireEvent.change(screen.getByLabelText("Scenario on the board"), { target: { value: "fast" } });
    });
    await waitFor(() => expect(getState().project?.scenario).toBe("fast"));
    expect(getState().board?.waves[2].cards[0].name).toBe("billing");
  });

  it("compares two scenarios on every metric, marking the better figure, names as text", async () => {
    const comparison: ScenarioComparison = {
      a: "baseline",
      b: HOSTILE,
      metrics: [row({}), row({ key: "end", label: "Programme end", unit: "date", a: null, b: null, aDate: "2027-02-14", bDate: "2027-03-01", difference: 15, better: "a" }), row({ key: "dr", label: "DR met", unit: "share", a: 0.5, b: 0.75, difference: 0.25, better: "b" })],
      settings: [{ key: "wave_days", a: "14", b: "7" }],
      moved: [{ application: HOSTILE, waveA: 1, waveB: 2 }],
      wins: [2, 1],
    };
    mockIPC((cmd) => {
      if (cmd === "scenarios") return scenarios(["baseline", HOSTILE]);
      if (cmd === "compare_scenarios") return comparison;
      return null;
    });
    setState({ project, board: board([card("billing", 1)]) });
    const { container } = render(<ScenarioBar />);
    await waitFor(() => expect(screen.getByText("Compare")).toBeTruthy());
    await act(async () => {
      fireEvent.click(screen.getByText("Compare"));
    });
    await waitFor(() => expect(container.querySelector("[data-comparison]")).toBeTruthy());
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector('[data-metric="waves"] td.better')?.textContent).toBe("3");
    expect(container.querySelector('[data-metric="dr"] td.better')?.textContent).toBe("75%");
    expect(container.querySelector('[data-metric="end"]')?.textContent).toContain("+15 days");
    expect(screen.getByText(`${HOSTILE}: wave 1 → 2`)).toBeTruthy();
    expect(screen.getByText("wave_days: 14 → 7")).toBeTruthy();
  });

  it("writes each unit as a planner reads it", () => {
    expect(metricText(row({ unit: "share", a: 0.333 }), "a")).toBe("33%");
    expect(metricText(row({ unit: "date", aDate: null }), "a")).toBe("never");
    expect(metricText(row({ measured: [false, true] }), "a")).toBe("not in plan");
    expect(metricText(row({ unit: "traffic-days", b: 123456.7 }), "b")).toBe("123,457");
  });
});
