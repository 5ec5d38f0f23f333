// The import screen: a spreadsheet of no known format mapped column by
// column and read again; the read's progress with its rate and Cancel; a
// conflict settled by a source, by a typed value, or refused.
import { describe, expect, it, beforeEach } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { getState, resetState, setState } from "./store";
import { ImportWizard } from "./screens/ImportWizard";
import type { ConflictView, ImportPreview, MappingView } from "./ipc/types";
import { project } from "./fixtures.test-data";

beforeEach(() => resetState());

const conflict: ConflictView = {
  record: "server",
  name: "EHR-APP01",
  field: "cores",
  values: [
    { source: "rvtools:rv.xlsx", format: "rvtools", value: "4" },
    { source: "servicenow-servers:cmdb.csv", format: "servicenow-servers", value: "8" },
  ],
  kept: { source: "servicenow-servers:cmdb.csv", format: "servicenow-servers", value: "8" },
  resolved: false,
};

function preview(extra: Partial<ImportPreview> = {}): ImportPreview {
  return {
    files: [],
    diagnostics: [],
    errors: 0,
    warnings: 0,
    before: project.counts,
    after: project.counts,
    seconds: 0.2,
    rows: 3,
    conflicts: [],
    precedence: ["native", "servicenow-servers", "rvtools"],
    ...extra,
  };
}

const unknownFile = {
  path: "/x/assets.csv",
  name: "assets.csv",
  bytes: 300,
  format: null,
  headers: ["Asset Tag", "Host", "CPU count"],
  rows: [["A1", "web-01", "4"]],
  mapping: null,
  profiles: [],
};

const suggested: MappingView = {
  file: "assets.csv",
  name: "assets",
  table: "servers",
  tables: ["servers", "applications", "dependencies"],
  headers: ["Asset Tag", "Host", "CPU count"],
  fields: [
    { field: "name", required: true, header: null },
    { field: "cores", required: false, header: "CPU count" },
  ],
  units: {},
};

describe("import screen", () => {
  it("maps a spreadsheet of no known format, saves the profile and shows the counts it gives", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "mapping_for_file") return suggested;
      if (cmd === "apply_mapping")
        return preview({ files: [{ ...unknownFile, format: "mapped", mapping: "assets" }], after: { ...project.counts, servers: 4 } });
      return null;
    });
    setState({ project, screen: "import", importPreview: preview({ files: [unknownFile], errors: 1 }) });
    const { container } = render(<ImportWizard />);
    expect(screen.getByText("not recognised")).toBeTruthy();
    await waitFor(() => expect(container.querySelector("[data-mapping-field=name] select")).toBeTruthy());
    const name = container.querySelector("[data-mapping-field=name] select") as HTMLSelectElement;
    fireEvent.change(name, { target: { value: "Host" } });
    fireEvent.click(screen.getByText("Save as profile and read"));
    await waitFor(() => expect(getState().importPreview?.files[0].mapping).toBe("assets"));
    const [, args] = calls.find(([c]) => c === "apply_mapping")!;
    expect(args).toMatchObject({
      file: "assets.csv",
      save: true,
      mapping: { name: "assets", table: "servers", columns: { name: "Host", cores: "CPU count" } },
    });
    expect(container.querySelector("[data-count=servers] td:nth-of-type(2)")?.textContent).toBe("4");
  });

  it("shows the read's progress with rows per second and cancels the task", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return true;
    });
    setState({
      project,
      screen: "import",
      importProgress: { task: 7, stage: "reading flows.log", bytes: 52428800, totalBytes: 104857600, rows: 500000, seconds: 2 },
    });
    render(<ImportWizard />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("50");
    expect(screen.getByText(/50\.0 of 100\.0 MB, 500,000 rows, 250,000 rows\/s/)).toBeTruthy();
    fireEvent.click(screen.getByText("Cancel"));
    await waitFor(() => expect(calls).toContainEqual(["cancel_task", { task: 7 }]));
  });

  it("settles a conflict by a source or a typed value, and shows a refused value", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      const choice = (args as { choice: { kind: string; value?: string } }).choice;
      if (choice.value === "six") throw { kind: "invalid", detail: { field: "cores", message: "'six' is not a valid cores" } };
      const kept = choice.kind === "source" ? conflict.values[0] : { source: "resolved", format: "resolved", value: choice.value! };
      return preview({ conflicts: [{ ...conflict, kept, resolved: true }] });
    });
    setState({ project, screen: "import", importPreview: preview({ conflicts: [conflict] }) });
    const { container } = render(<ImportWizard />);
    expect(container.querySelector("[data-kept]")?.textContent).toContain("by precedence");
    fireEvent.click(container.querySelector('[data-choose-source="rvtools:rv.xlsx"]')!);
    await waitFor(() => expect(container.querySelector("[data-kept]")?.textContent).toBe("4 your choice"));
    expect(calls[0]).toEqual([
      "resolve_conflict",
      { record: "server", name: "EHR-APP01", field: "cores", choice: { kind: "source", value: "rvtools:rv.xlsx" } },
    ]);
    const typed = container.querySelector("[data-type-value]") as HTMLInputElement;
    fireEvent.change(typed, { target: { value: "six" } });
    fireEvent.submit(typed.form!);
    await waitFor(() => expect(screen.getByText("cores: 'six' is not a valid cores")).toBeTruthy());
    fireEvent.change(typed, { target: { value: "6" } });
    fireEvent.submit(typed.form!);
    await waitFor(() => expect(container.querySelector("[data-kept]")?.textContent).toBe("6 your choice"));
  });
});
