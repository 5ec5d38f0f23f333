// The DR coverage screen's gap list: the shell's order (mission-critical
// first), the days coverage is restored, names as text.
import { describe, expect, it, beforeEach } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { resetState, setState } from "./store";
import { DrCoverage } from "./screens/DrCoverage";
import { board, card, HOSTILE, project } from "./fixtures.test-data";
import type { DrGaps } from "./ipc/types";

beforeEach(() => resetState());

const gaps: DrGaps = {
  applications: [
    { name: HOSTILE, tier: "mission-critical", gapDays: 12, gapDaysCaused: 12, endPosture: "warm-standby", endsBelowTarget: false, note: null },
    { name: "billing", tier: "business-operational", gapDays: 40, gapDaysCaused: 3, endPosture: "backup", endsBelowTarget: true, note: "no cloud DR chosen" },
  ],
  gapDays: 52,
  gapDaysMissionCritical: 12,
  fullCoverageFrom: null,
  coverageRestoredFrom: "2027-02-20",
  measured: true,
};

describe("DR coverage", () => {
  it("lists the applications with gap-days in the shell's order and says when coverage is restored", async () => {
    mockIPC((cmd) => (cmd === "dr_gaps" ? gaps : null));
    const b = board([card("billing", 1)]);
    b.drCoverage = [
      { afterWave: 0, date: "2027-01-04", share: 1, tiers: [{ tier: "mission-critical", applications: 1, meeting: 1 }] },
      { afterWave: 1, date: "2027-01-17", share: 0.5, tiers: [{ tier: "mission-critical", applications: 1, meeting: 0 }] },
    ];
    setState({ project, board: b, screen: "dr" });
    const { container } = render(<DrCoverage />);
    await waitFor(() => expect(container.querySelector("[data-dr-gaps]")).toBeTruthy());
    expect(container.querySelector("img")).toBeNull();
    expect([...container.querySelectorAll("[data-dr-gap]")].map((r) => r.getAttribute("data-dr-gap"))).toEqual([HOSTILE, "billing"]);
    expect(screen.getByText(HOSTILE)).toBeTruthy();
    expect(screen.getByText(/meets it again from 20 Feb 2027/)).toBeTruthy();
    expect(screen.getByText(/Full coverage is never reached/)).toBeTruthy();
    expect(screen.getByText("below target (backup)")).toBeTruthy();
    expect(screen.getByText(/2 applications with DR gap-days · 52 gap-days in all, 12 mission-critical/)).toBeTruthy();
  });
});
