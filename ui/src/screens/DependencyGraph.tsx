// The dependency graph in WebGL (sigma.js on graphology), grouped by
// application, move group or wave, with cycles, cross-wave links and hybrid
// links to what stays on premises highlighted. Click a node for its details.
import { useEffect, useMemo, useRef, useState } from "react";
import Graph from "graphology";
import Sigma from "sigma";
import { api } from "../ipc/api";
import type { GraphEdge, GraphNode, GraphView } from "../ipc/types";
import { useStore } from "../store";
import { groupOf, layout, type Grouping } from "./graphLayout";

const PALETTE = ["#2b6cb0", "#2f855a", "#b7791f", "#6b46c1", "#c05621", "#2c7a7b", "#97266d", "#4a5568", "#276749", "#9c4221"];
const EDGE = { cycle: "#dd6b20", crossWave: "#e53e3e", hybrid: "#805ad5", plain: "#a0aec0" };

export function DependencyGraph() {
  const [data, setData] = useState<GraphView | null>(null);
  const [grouping, setGrouping] = useState<Grouping>("application");
  const [kinds, setKinds] = useState<Record<string, boolean>>({ server: true, device: true, external: true, datastore: true, application: true });
  const [environment, setEnvironment] = useState("");
  const [port, setPort] = useState("");
  const [highlight, setHighlight] = useState({ cycle: true, crossWave: true, hybrid: true });
  const [selected, setSelected] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const board = useStore((s) => s.board);
  const presentation = useStore((s) => s.presentation);
  const hideHostNames = useStore((s) => s.hideHostNames);

  useEffect(() => {
    void api.graph().then(setData);
  }, [board]);

  const shown = useMemo(() => {
    if (!data) return null;
    const nodes = data.nodes.filter((n) => kinds[n.kind] !== false && (!environment || n.environment === environment || n.kind === "external"));
    const ids = new Set(nodes.map((n) => n.id));
    const wantedPort = port.trim() === "" ? null : Number(port);
    const edges = data.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && (wantedPort === null || e.port === wantedPort));
    return { nodes, edges };
  }, [data, kinds, environment, port]);

  useEffect(() => {
    if (!shown || !container.current) return;
    const graph = new Graph({ multi: true, type: "directed" });
    const { positions, groups } = layout(shown.nodes, grouping);
    const colour = new Map(groups.map((g, i) => [g, PALETTE[i % PALETTE.length]]));
    for (const n of shown.nodes) {
      const p = positions.get(n.id)!;
      graph.addNode(n.id, {
        x: p.x,
        y: p.y,
        size: n.kind === "application" ? 7 : n.kind === "device" ? 5 : 4,
        label: presentation && hideHostNames && n.kind !== "application" ? (n.application ?? n.kind) : n.label,
        color: n.kind === "device" ? "#805ad5" : n.kind === "external" ? "#718096" : colour.get(groupOf(n, grouping)),
      });
    }
    for (const e of shown.edges) {
      const tone = highlight.cycle && e.cycle ? "cycle" : highlight.crossWave && e.crossWave ? "crossWave" : highlight.hybrid && e.hybrid ? "hybrid" : "plain";
      graph.addEdge(e.from, e.to, { color: EDGE[tone], size: tone === "plain" ? 0.6 : 1.6, type: "arrow" });
    }
    let sigma: Sigma | null = null;
    try {
      sigma = new Sigma(graph, container.current, { renderEdgeLabels: false, labelRenderedSizeThreshold: 9, defaultEdgeType: "arrow" });
      sigma.on("clickNode", ({ node }) => setSelected(node));
      sigma.on("clickStage", () => setSelected(null));
      setFailure(null);
    } catch (error) {
      setFailure(`The graph needs WebGL, which this display does not offer (${String(error)}).`);
    }
    return () => sigma?.kill();
  }, [shown, grouping, highlight, presentation, hideHostNames]);

  const environments = useMemo(() => [...new Set((data?.nodes ?? []).map((n) => n.environment).filter(Boolean))].sort(), [data]);
  const totals = shown && {
    cycle: shown.edges.filter((e) => e.cycle).length,
    crossWave: shown.edges.filter((e) => e.crossWave).length,
    hybrid: shown.edges.filter((e) => e.hybrid).length,
  };
  const node = selected && data ? data.nodes.find((n) => n.id === selected) : null;
  return (
    <section className="graph-screen">
      <div className="graph-controls">
        <label>
          Group by{" "}
          <select value={grouping} onChange={(e) => setGrouping(e.target.value as Grouping)} data-grouping>
            <option value="application">application</option>
            <option value="moveGroup">move group</option>
            <option value="wave">wave</option>
          </select>
        </label>
        {Object.keys(kinds).map((k) => (
          <label key={k} className="check">
            <input type="checkbox" checked={kinds[k]} onChange={(e) => setKinds({ ...kinds, [k]: e.target.checked })} /> {k}s
          </label>
        ))}
        <label>
          Environment{" "}
          <select value={environment} onChange={(e) => setEnvironment(e.target.value)}>
            <option value="">all</option>
            {environments.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </label>
        <label>
          Port <input className="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value.replace(/\D/g, ""))} placeholder="any" />
        </label>
      </div>
      <div className="graph-legend">
        {(["cycle", "crossWave", "hybrid"] as const).map((k) => (
          <label key={k} className="check">
            <input type="checkbox" checked={highlight[k]} onChange={(e) => setHighlight({ ...highlight, [k]: e.target.checked })} />
            <span className="swatch" style={{ background: EDGE[k] }} /> {k === "cycle" ? "cycles" : k === "crossWave" ? "cross-wave links" : "hybrid links (stays on premises)"}{" "}
            <span className="muted">{totals?.[k] ?? 0}</span>
          </label>
        ))}
        <span className="muted" data-graph-size>
          {shown ? `${shown.nodes.length.toLocaleString("en")} nodes, ${shown.edges.length.toLocaleString("en")} links` : "loading…"}
        </span>
      </div>
      <div className="graph-body">
        <div className="graph-canvas" ref={container} data-graph-canvas />
        {failure && <p className="bad-text graph-failure">{failure}</p>}
        {node && data && <NodeDetails node={node} edges={data.edges} nodes={data.nodes} />}
      </div>
    </section>
  );
}

function NodeDetails({ node, edges, nodes }: { node: GraphNode; edges: GraphEdge[]; nodes: GraphNode[] }) {
  const name = new Map(nodes.map((n) => [n.id, n.label]));
  const out = edges.filter((e) => e.from === node.id);
  const into = edges.filter((e) => e.to === node.id);
  const line = (e: GraphEdge, other: string) => (
    <li key={`${e.from}-${e.to}-${e.port}`}>
      {name.get(other)} {e.port !== null && <span className="muted">:{e.port}</span>} <span className="muted">{e.kind}</span>
      {e.cycle && <span className="badge warn">cycle</span>}
      {e.crossWave && <span className="badge bad">cross-wave</span>}
      {e.hybrid && <span className="badge">hybrid</span>}
    </li>
  );
  return (
    <aside className="explain" data-node-details>
      <h3>{node.label}</h3>
      <p className="muted">
        {node.kind}
        {node.application && ` of ${node.application}`}
        {node.wave !== null && ` · wave ${node.wave}`}
        {node.moveGroup !== null && ` · move group ${node.moveGroup}`}
      </p>
      <h4>Depends on ({out.length})</h4>
      <ul>{out.slice(0, 100).map((e) => line(e, e.to))}</ul>
      <h4>Depended on by ({into.length})</h4>
      <ul>{into.slice(0, 100).map((e) => line(e, e.from))}</ul>
    </aside>
  );
}
