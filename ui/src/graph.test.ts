// The dependency graph's filters, the names it hides when presenting, and
// the scene its SVG is drawn from: only what is in view, links that cross
// the view with both ends, names kept as plain text for the shell to escape.
import { describe, expect, it } from "vitest";
import { sceneOf, type Drawn } from "./screens/graphScene";
import { filterGraph, layout, shownName } from "./screens/graphLayout";
import type { GraphView } from "./ipc/types";
import { HOSTILE } from "./fixtures.test-data";

const node = (id: string, kind: string, application: string | null, environment = "production", wave: number | null = 1) => ({
  id,
  label: id === "s0" ? HOSTILE : `${id}-host`,
  kind,
  application,
  moveGroup: wave,
  wave,
  environment,
});

const view: GraphView = {
  nodes: [node("s0", "server", "billing"), node("s1", "server", "billing", "test"), node("s2", "server", "ehr", "production", 2), node("d0", "device", null, "production", null)],
  edges: [
    { from: "s0", to: "s2", port: 1433, kind: "database", crossWave: true, hybrid: false, cycle: false },
    { from: "s1", to: "s0", port: 443, kind: "service", crossWave: false, hybrid: false, cycle: false },
    { from: "d0", to: "s2", port: 104, kind: "service", crossWave: false, hybrid: true, cycle: false },
  ],
};

const all = { kinds: {}, dependencyKinds: {}, environment: "", port: "" };

describe("graph filters", () => {
  it("filters by node kind, dependency kind, environment and port; a port keeps only the nodes on its links", () => {
    expect(filterGraph(view, all).nodes.length).toBe(4);
    expect(filterGraph(view, { ...all, kinds: { device: false } }).edges.map((e) => e.port)).toEqual([1433, 443]);
    expect(filterGraph(view, { ...all, dependencyKinds: { service: false } }).edges.map((e) => e.port)).toEqual([1433]);
    const production = filterGraph(view, { ...all, environment: "production" });
    expect(production.nodes.map((n) => n.id)).toEqual(["s0", "s2", "d0"]);
    const port = filterGraph(view, { ...all, port: "1433" });
    expect([port.nodes.map((n) => n.id), port.edges.length]).toEqual([["s0", "s2"], 1]);
  });

  it("hides host names when presenting, keeping application names", () => {
    expect(shownName(view.nodes[0], true)).toBe("billing");
    expect(shownName(view.nodes[3], true)).toBe("device");
    expect(shownName(view.nodes[0], false)).toBe(HOSTILE);
    const app = { ...node("a0", "application", "billing"), label: "billing" };
    expect(shownName(app, true)).toBe("billing");
  });

  it("groups by application, move group or wave, each group with its place", () => {
    const { groups, places } = layout(view.nodes, "wave");
    expect(groups).toEqual(["(stays on premises)", "wave 1", "wave 2"]);
    expect(places.map((p) => p.name)).toEqual(groups);
    expect(places.every((p) => p.radius > 0)).toBe(true);
  });
});

describe("graph scene", () => {
  const drawn: Drawn = {
    width: 400,
    height: 300,
    background: "#ffffff",
    labelColor: "#1a202c",
    title: "Dependencies",
    nodes: [
      { id: "in", x: 50, y: 50, size: 4, color: "#2b6cb0", label: HOSTILE, title: HOSTILE },
      { id: "far", x: 5000, y: 5000, size: 4, color: "#2b6cb0", label: null, title: "far" },
      { id: "left", x: -300, y: 150, size: 4, color: "#2f855a", label: null, title: "left" },
      { id: "right", x: 900, y: 150, size: 4, color: "#2f855a", label: null, title: "right" },
    ],
    edges: [
      { from: "far", to: "in", color: "#e53e3e", size: 1.6 },
      { from: "left", to: "right", color: "#a0aec0", size: 0.6 },
      { from: "far", to: "right", color: "#a0aec0", size: 0.6 },
    ],
    groups: [
      { x: 100, y: 20, text: "wave 1" },
      { x: -100, y: 20, text: "wave 9" },
    ],
    legend: [{ color: "#e53e3e", text: "cross-wave links" }],
  };

  it("keeps what is in view and the links crossing it, with their ends renumbered", () => {
    const scene = sceneOf(drawn);
    expect(scene.nodes.map((n) => n.title)).toEqual([HOSTILE, "far", "left", "right"]);
    expect(scene.edges).toEqual([
      { from: 1, to: 0, color: "#e53e3e", size: 1.6 },
      { from: 2, to: 3, color: "#a0aec0", size: 0.6 },
    ]);
    expect(scene.nodes[0].label).toBe(HOSTILE);
    expect(scene.groups.map((g) => g.text)).toEqual(["wave 1"]);

    const without = sceneOf({ ...drawn, edges: [] });
    expect(without.nodes.map((n) => n.title)).toEqual([HOSTILE]);
  });
});

describe("group names", () => {
  it("places each name above its group and leaves out one that would overlap a bigger group's", async () => {
    const { groupLabels } = await import("./screens/graphScene");
    const identity = { graphToViewport: (p: { x: number; y: number }) => ({ x: p.x * 10, y: p.y * 10 }) };
    const labels = groupLabels(identity, [
      { name: "wave 1", x: 10, y: 10, radius: 3 },
      { name: "wave 2", x: 11, y: 10, radius: 2.9 },
      { name: "wave 3", x: 40, y: 10, radius: 1 },
    ]);
    expect(labels).toEqual([
      { x: 100, y: 100 - 30 - 8, text: "wave 1" },
      { x: 400, y: 100 - 10 - 8, text: "wave 3" },
    ]);
  });
});
