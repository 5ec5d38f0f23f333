// Where each node of the dependency graph goes: nodes of one group
// (application, move group or wave) on a sunflower spiral, the groups on a
// grid. Deterministic, and linear in the number of nodes, so 5,000 nodes
// lay out at once.
import type { GraphNode } from "../ipc/types";

export type Grouping = "application" | "moveGroup" | "wave";

export function groupOf(node: GraphNode, grouping: Grouping): string {
  switch (grouping) {
    case "application":
      return node.application ?? `(${node.kind === "device" ? "devices" : node.kind === "external" ? "outside the estate" : "no application"})`;
    case "moveGroup":
      return node.moveGroup === null ? "(not migrating)" : `move group ${node.moveGroup}`;
    case "wave":
      return node.wave === null ? "(stays on premises)" : `wave ${node.wave}`;
  }
}

const GOLDEN = Math.PI * (3 - Math.sqrt(5));

export function layout(nodes: GraphNode[], grouping: Grouping): { positions: Map<string, { x: number; y: number }>; groups: string[] } {
  const members = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    const g = groupOf(n, grouping);
    if (!members.has(g)) members.set(g, []);
    members.get(g)!.push(n);
  }
  const groups = [...members.keys()].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const columns = Math.max(1, Math.ceil(Math.sqrt(groups.length)));
  const radius = (n: number) => Math.sqrt(n) * 1.2 + 1;
  const cell = 2 * Math.max(...groups.map((g) => radius(members.get(g)!.length))) + 4;
  const positions = new Map<string, { x: number; y: number }>();
  groups.forEach((g, gi) => {
    const cx = (gi % columns) * cell;
    const cy = Math.floor(gi / columns) * cell;
    members.get(g)!.forEach((n, i) => {
      const r = Math.sqrt(i) * 1.2;
      positions.set(n.id, { x: cx + r * Math.cos(i * GOLDEN), y: cy + r * Math.sin(i * GOLDEN) });
    });
  });
  return { positions, groups };
}
