// Where each node of the dependency graph goes: nodes of one group
// (application, move group or wave) on a sunflower spiral, the groups on a
// grid. Deterministic, and linear in the number of nodes, so 5,000 nodes
// lay out at once. Also what the filters let through and the names shown
// (pure functions, tested without WebGL).
import type { GraphEdge, GraphNode, GraphView } from "../ipc/types";

/** The groups' colours, in turn. */
export const PALETTE = ["#2b6cb0", "#2f855a", "#b7791f", "#6b46c1", "#c05621", "#2c7a7b", "#97266d", "#4a5568", "#276749", "#9c4221"];
/** The links' colours: each highlight, and plain. */
export const EDGE = { cycle: "#dd6b20", crossWave: "#e53e3e", hybrid: "#805ad5", plain: "#a0aec0" };

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

/** Where a group's members sit: its centre and radius, in graph coordinates. */
export interface GroupPlace {
  name: string;
  x: number;
  y: number;
  radius: number;
}

export function layout(nodes: GraphNode[], grouping: Grouping): { positions: Map<string, { x: number; y: number }>; groups: string[]; places: GroupPlace[] } {
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
  const places: GroupPlace[] = [];
  groups.forEach((g, gi) => {
    const cx = (gi % columns) * cell;
    const cy = Math.floor(gi / columns) * cell;
    places.push({ name: g, x: cx, y: cy, radius: radius(members.get(g)!.length) });
    members.get(g)!.forEach((n, i) => {
      const r = Math.sqrt(i) * 1.2;
      positions.set(n.id, { x: cx + r * Math.cos(i * GOLDEN), y: cy + r * Math.sin(i * GOLDEN) });
    });
  });
  return { positions, groups, places };
}

/** The name a node shows: when presenting with host names hidden, its application's or its kind. */
export function shownName(n: GraphNode, hideNames: boolean): string {
  return hideNames && n.kind !== "application" ? (n.application ?? n.kind) : n.label;
}

/** The nodes and links the filters let through; with a port asked for, only the nodes on its links. */
export function filterGraph(
  data: GraphView,
  { kinds, dependencyKinds, environment, port }: { kinds: Record<string, boolean>; dependencyKinds: Record<string, boolean>; environment: string; port: string },
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  let nodes = data.nodes.filter((n) => kinds[n.kind] !== false && (!environment || n.environment === environment || n.kind === "external"));
  const ids = new Set(nodes.map((n) => n.id));
  const wantedPort = port.trim() === "" ? null : Number(port);
  const edges = data.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && dependencyKinds[e.kind] !== false && (wantedPort === null || e.port === wantedPort));
  if (wantedPort !== null) {
    const ends = new Set(edges.flatMap((e) => [e.from, e.to]));
    nodes = nodes.filter((n) => ends.has(n.id));
  }
  return { nodes, edges };
}

