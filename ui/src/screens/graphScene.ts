// The dependency graph's view as a picture: what sigma shows (the camera,
// the filters, grouping and highlights, names hidden when presenting) read
// back into a scene the shell draws as SVG, and the WebGL layers rendered
// into a PNG with the group names and the legend drawn over them.
import type Sigma from "sigma";
import type { GraphScene, SceneLabel, SceneLegend } from "../ipc/types";
import type { GroupPlace } from "./graphLayout";

/** A node as it is drawn, in the view's pixels. */
export interface DrawnNode {
  id: string;
  x: number;
  y: number;
  size: number;
  color: string;
  /** The label, when the view shows it. */
  label: string | null;
  /** The name for the tooltip; null when names are hidden. */
  title: string | null;
}

/** A link as it is drawn. */
export interface DrawnEdge {
  from: string;
  to: string;
  color: string;
  size: number;
}

export interface Drawn {
  width: number;
  height: number;
  background: string;
  labelColor: string;
  title: string;
  nodes: DrawnNode[];
  edges: DrawnEdge[];
  groups: SceneLabel[];
  legend: SceneLegend[];
}

const MARGIN = 40;

function inView(x: number, y: number, width: number, height: number, margin: number): boolean {
  return x >= -margin && y >= -margin && x <= width + margin && y <= height + margin;
}

/** The scene for the SVG: only what is in the view (a link crossing it keeps both its ends). */
export function sceneOf(drawn: Drawn): GraphScene {
  const { width, height } = drawn;
  const byId = new Map(drawn.nodes.map((n) => [n.id, n]));
  const keep = new Set(drawn.nodes.filter((n) => inView(n.x, n.y, width, height, n.size + MARGIN)).map((n) => n.id));
  const edges = drawn.edges.filter((e) => {
    const [a, b] = [byId.get(e.from), byId.get(e.to)];
    if (!a || !b) return false;
    // The segment's box against the view's: cheap, and never drops a link that shows.
    const crosses = Math.max(a.x, b.x) >= 0 && Math.min(a.x, b.x) <= width && Math.max(a.y, b.y) >= 0 && Math.min(a.y, b.y) <= height;
    if (crosses) keep.add(e.from).add(e.to);
    return crosses;
  });
  const nodes = drawn.nodes.filter((n) => keep.has(n.id));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  return {
    width,
    height,
    background: drawn.background,
    labelColor: drawn.labelColor,
    title: drawn.title,
    nodes: nodes.map(({ x, y, size, color, label, title }) => ({ x, y, size, color, label, title })),
    edges: edges.map((e) => ({ from: index.get(e.from)!, to: index.get(e.to)!, color: e.color, size: e.size })),
    groups: drawn.groups.filter((g) => inView(g.x, g.y, width, height, 0)),
    legend: drawn.legend,
  };
}

/** The group names' places in the view, above each group's circle; a name
 *  that would overlap one already placed (bigger groups first) is left out. */
export function groupLabels(sigma: Pick<Sigma, "graphToViewport">, places: GroupPlace[]): SceneLabel[] {
  const placed: { label: SceneLabel; box: [number, number, number, number] }[] = [];
  for (const p of [...places].sort((a, b) => b.radius - a.radius || a.name.localeCompare(b.name))) {
    const centre = sigma.graphToViewport({ x: p.x, y: p.y });
    const rim = sigma.graphToViewport({ x: p.x + p.radius, y: p.y });
    const r = Math.abs(rim.x - centre.x);
    const label = { x: centre.x, y: centre.y - r - 8, text: p.name };
    // About 7.5 pixels a character at 13 px, 16 pixels high, centred on x, above y.
    const half = (p.name.length * 7.5) / 2 + 4;
    const box: [number, number, number, number] = [label.x - half, label.y - 16, label.x + half, label.y + 2];
    if (placed.some(({ box: b }) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    placed.push({ label, box });
  }
  return placed.map((p) => p.label);
}

/** What sigma draws now, read back from its display data. */
export function drawnBy(sigma: Sigma, meta: Omit<Drawn, "width" | "height" | "nodes" | "edges">, titles: Map<string, string | null>): Drawn {
  const { width, height } = sigma.getDimensions();
  const shown = sigma.getNodeDisplayedLabels();
  const graph = sigma.getGraph();
  const nodes: DrawnNode[] = [];
  graph.forEachNode((id) => {
    const d = sigma.getNodeDisplayData(id);
    if (!d || d.hidden) return;
    const p = sigma.framedGraphToViewport(d);
    nodes.push({ id, x: p.x, y: p.y, size: sigma.scaleSize(d.size), color: d.color, label: shown.has(id) ? d.label : null, title: titles.get(id) ?? null });
  });
  const edges: DrawnEdge[] = [];
  graph.forEachEdge((id, _attributes, from, to) => {
    const d = sigma.getEdgeDisplayData(id);
    if (!d || d.hidden) return;
    // Sigma draws a link `size` pixels thick whatever the zoom.
    edges.push({ from, to, color: d.color, size: Math.max(0.5, d.size) });
  });
  return { ...meta, width, height, nodes, edges };
}

/** The WebGL layers as a PNG at the view's size, with the group names and the legend over them. */
export async function pngOf(sigma: Sigma, drawn: Drawn): Promise<Uint8Array> {
  // Loaded when asked for: it needs WebGL, which the tests' page has not.
  const { drawOnCanvas } = await import("@sigma/export-image");
  const canvas = await drawOnCanvas(sigma, { backgroundColor: drawn.background });
  const ctx = canvas.getContext("2d");
  if (ctx) {
    const scale = canvas.width / drawn.width;
    ctx.save();
    ctx.scale(scale, scale);
    ctx.fillStyle = drawn.labelColor;
    ctx.textAlign = "center";
    ctx.font = "600 14px system-ui, 'DejaVu Sans', sans-serif";
    ctx.globalAlpha = 0.75;
    for (const g of drawn.groups) ctx.fillText(g.text, g.x, g.y);
    ctx.globalAlpha = 1;
    ctx.textAlign = "left";
    ctx.font = "12px system-ui, 'DejaVu Sans', sans-serif";
    if (drawn.legend.length > 0) {
      // The backing the SVG's legend has too.
      const longest = Math.max(...drawn.legend.map((e) => e.text.length));
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = drawn.background;
      ctx.fillRect(6, 4, longest * 7 + 36, drawn.legend.length * 18 + 8);
      ctx.globalAlpha = 1;
    }
    drawn.legend.forEach((entry, i) => {
      const y = 18 + 18 * i;
      ctx.fillStyle = entry.color;
      ctx.fillRect(12, y - 4, 14, 4);
      ctx.fillStyle = drawn.labelColor;
      ctx.fillText(entry.text, 32, y + 1);
    });
    ctx.restore();
  }
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the graph could not be rendered"))), "image/png"));
  return new Uint8Array(await blob.arrayBuffer());
}
