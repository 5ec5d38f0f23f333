// Recent projects: a file moved or deleted shows as missing, opening one
// that vanished gives one message and the list is read again, and an entry
// can be removed.
import { describe, expect, it, beforeEach } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { actions, getState, resetState } from "./store";
import { StartScreen } from "./screens/StartScreen";
import type { RecentProject } from "./ipc/types";

beforeEach(() => resetState());

const entry = (name: string, exists: boolean): RecentProject => ({ path: `/p/${name}.waveplan`, name, openedAt: "2026-12-01T10:00:00Z", exists });

describe("recent projects", () => {
  it("shows a missing file as missing and removes it from the list", async () => {
    let list = [entry("clinic", true), entry("old", false)];
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "recent_projects") return list;
      if (cmd === "forget_recent") {
        list = list.filter((r) => r.path !== (args as { path: string }).path);
        return list;
      }
      return null;
    });
    const { container } = render(<StartScreen />);
    await waitFor(() => expect(container.querySelectorAll("[data-recent]").length).toBe(2));
    expect(screen.getByText("missing")).toBeTruthy();
    expect((screen.getByText("old") as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      fireEvent.click(screen.getByLabelText("Remove old from the recent projects"));
    });
    expect(calls).toContainEqual(["forget_recent", { path: "/p/old.waveplan" }]);
    expect(container.querySelectorAll("[data-recent]").length).toBe(1);
  });

  it("opening a file gone since the list was shown says so once and re-reads the list", async () => {
    let opens = 0;
    mockIPC((cmd) => {
      if (cmd === "open_recent") {
        opens++;
        throw { kind: "io", detail: { path: "/p/clinic.waveplan", message: "no such file" } };
      }
      if (cmd === "recent_projects") return [entry("clinic", false)];
      return null;
    });
    await actions.openRecent("/p/clinic.waveplan");
    expect(opens).toBe(1);
    expect(getState().message).toEqual({ kind: "error", text: "/p/clinic.waveplan: no such file" });
    expect(getState().recent[0].exists).toBe(false);
    expect(getState().project).toBeNull();
  });
});
