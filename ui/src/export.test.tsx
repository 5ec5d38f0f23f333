// The export screen: the formats the shell offers, and the audit trail as an
// appendix offered only for the formats that carry one (workbook, report,
// PDF), sent with the export when ticked.
import { describe, expect, it, beforeEach } from "vitest";
import { fireEvent, render, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { resetState, setState } from "./store";
import { ExportScreen } from "./screens/ExportScreen";
import { board, card, project } from "./fixtures.test-data";
import type { ExportFormatView } from "./ipc/types";

beforeEach(() => resetState());

const formats: ExportFormatView[] = [
  { id: "xlsx", label: "Excel workbook", extension: "xlsx", folder: false, carriesHistory: true },
  { id: "html", label: "HTML report", extension: "html", folder: false, carriesHistory: true },
  { id: "json", label: "JSON", extension: "json", folder: false, carriesHistory: false },
];

describe("export screen", () => {
  it("offers the audit trail for the workbook and report only, and sends it when ticked", async () => {
    const exports: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "export_formats") return formats;
      if (cmd === "export_plan") {
        exports.push(args);
        return { written: ["/tmp/plan.html"], bytes: 2048, notes: [] };
      }
      return null;
    });
    setState({ project, board: board([card("PACS", 1)]) });
    const { container } = render(<ExportScreen />);
    await waitFor(() => expect(container.querySelector("[data-format=xlsx]")).toBeTruthy());
    const box = () => container.querySelector<HTMLInputElement>("[data-with-history]");
    expect(box()!.parentElement!.textContent).toContain("as the last sheet");

    fireEvent.click(container.querySelector("[data-format=json]")!);
    expect(box()).toBeNull();

    fireEvent.click(container.querySelector("[data-format=html]")!);
    expect(box()!.parentElement!.textContent).toContain("as the last section");
    fireEvent.click(box()!);
    fireEvent.click(container.querySelector("[data-export]")!);
    await waitFor(() => expect(container.querySelector("[data-export-done]")).toBeTruthy());
    expect(exports).toEqual([{ format: "html", withHistory: true }]);

    // Ticked, then a format without an appendix: the export goes without it.
    fireEvent.click(container.querySelector("[data-format=json]")!);
    fireEvent.click(container.querySelector("[data-export]")!);
    await waitFor(() => expect(exports.length).toBe(2));
    expect(exports[1]).toEqual({ format: "json", withHistory: false });
  });
});
