// The settings panel: every setting `waveplan plan` takes is shown, sent
// back whole (the ones not touched exactly as they came), and a value the
// shell refuses is shown by its field with the panel left open.
import { beforeEach, describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { getState, resetState, setState } from "./store";
import { SettingsPanel } from "./components/SettingsPanel";
import { board, project, settings } from "./fixtures.test-data";

beforeEach(() => resetState());

function input(container: HTMLElement, field: string): HTMLInputElement | HTMLSelectElement {
  const found = container.querySelector(`[data-setting="${field}"] input, [data-setting="${field}"] select`);
  if (!found) throw new Error(`no input for ${field}`);
  return found as HTMLInputElement | HTMLSelectElement;
}

describe("settings panel", () => {
  it("shows every capacity, the pilot, the objective and the precedence rules, and sends them back whole", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "plan_settings") return settings();
      if (cmd === "plan_project") {
        sent.push((args as { settings: unknown }).settings);
        return board([]);
      }
      if (cmd === "project_info") return project;
      return null;
    });
    setState({ project, settingsOpen: true, screen: "board" });
    const { container } = render(<SettingsPanel />);
    await waitFor(() => expect(container.querySelector("[data-settings-panel]")).toBeTruthy());
    expect(input(container, "maxServersPerWave").value).toBe("40");
    expect(input(container, "maxApplicationsPerWave").value).toBe("");
    expect(input(container, "maxReplicatingServersPerWave").value).toBe("12");
    expect(input(container, "maxCutoverHoursPerWave").value).toBe("60.5");
    expect(input(container, "maxStorageGbPerWave").value).toBe("");
    expect(input(container, "pilotWaves").value).toBe("1");
    expect(input(container, "precedence.database").value).toBe("earlier");
    expect(input(container, "objective").value).toBe("traffic-days");
    expect(input(container, "seed").value).toBe("18446744073709551615");
    // The gap-day weight shows once the secondary objective is on.
    expect(container.querySelector('[data-setting="drGapDayWeight"]')).toBeNull();

    fireEvent.change(input(container, "maxApplicationsPerWave"), { target: { value: "8" } });
    fireEvent.change(input(container, "maxCutoverHoursPerWave"), { target: { value: "" } });
    fireEvent.change(input(container, "pilotWaves"), { target: { value: "2" } });
    fireEvent.change(input(container, "objective"), { target: { value: "fewest-waves" } });
    fireEvent.click(input(container, "minimiseDrGapDays"));
    fireEvent.change(input(container, "drGapDayWeight"), { target: { value: "2.5" } });
    fireEvent.change(input(container, "precedence.storage"), { target: { value: "together" } });
    await act(async () => {
      fireEvent.submit(container.querySelector("form")!);
    });
    expect(sent).toEqual([
      {
        ...settings(),
        maxApplicationsPerWave: 8,
        maxCutoverHoursPerWave: null,
        pilotWaves: 2,
        objective: "fewest-waves",
        minimiseDrGapDays: true,
        drGapDayWeight: 2.5,
        precedence: { ...settings().precedence, storage: "together" },
      },
    ]);
    expect(getState().settingsOpen).toBe(false);
    expect(getState().screen).toBe("board");
  });

  it("shows a refused value by its field and stays open", async () => {
    mockIPC((cmd) => {
      if (cmd === "plan_settings") return settings();
      if (cmd === "plan_project")
        return Promise.reject({ kind: "invalid", detail: { field: "maxApplicationsPerWave", message: "most applications per wave must be a whole number of 1 or more, or empty for no limit" } });
      return null;
    });
    setState({ project, settingsOpen: true, screen: "board" });
    const { container } = render(<SettingsPanel />);
    await waitFor(() => expect(container.querySelector("[data-settings-panel]")).toBeTruthy());
    fireEvent.change(input(container, "maxApplicationsPerWave"), { target: { value: "2.5" } });
    await act(async () => {
      fireEvent.submit(container.querySelector("form")!);
    });
    const error = await screen.findByRole("alert");
    expect(error.textContent).toBe("most applications per wave must be a whole number of 1 or more, or empty for no limit");
    expect(error.closest("[data-setting]")?.getAttribute("data-setting")).toBe("maxApplicationsPerWave");
    expect(input(container, "maxApplicationsPerWave").getAttribute("aria-invalid")).toBe("true");
    expect(getState().settingsOpen).toBe(true);
  });

  it("shows a plan that cannot be made above the buttons", async () => {
    mockIPC((cmd) => {
      if (cmd === "plan_settings") return settings();
      if (cmd === "plan_project") return Promise.reject({ kind: "invalid", detail: { field: "settings", message: "these constraints cannot all be kept" } });
      return null;
    });
    setState({ project, settingsOpen: true });
    const { container } = render(<SettingsPanel />);
    await waitFor(() => expect(container.querySelector("[data-settings-panel]")).toBeTruthy());
    await act(async () => {
      fireEvent.submit(container.querySelector("form")!);
    });
    expect((await screen.findByRole("alert")).hasAttribute("data-settings-error")).toBe(true);
  });
});
