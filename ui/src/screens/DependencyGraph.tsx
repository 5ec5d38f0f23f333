// The dependency graph in WebGL (sigma.js on graphology), grouped by
// application, move group or wave (each group named over its nodes), with
// cycles, cross-wave links and hybrid links to what stays on premises
// highlighted; filtered by node kind, dependency kind, environment and
// port. Click a node for its details. The view as shown (camera, filters,
// highlights, names hidden when presenting) saves as SVG or PNG.
import { useEffect, useMemo, useRef, useState } from "react";
import Graph from "graphology";
import Sigma from "sigma";
import { api } from "../ipc/api";
import type { GraphEdge, GraphNode, GraphView, SceneLabel } from "../ipc/types";
import { actions, useStore } from "../store";
import { EDGE, PALETTE, filterGraph, groupOf, layout, shownName, type GroupPlace, type Grouping } from "./graphLayout";
import { drawnBy, groupLabels, pngOf, sceneOf, type Drawn } from "./graphScene";
import { isSoftwareRenderer, settleWhileMoving, webglRenderer, type GestureLayer } from "./graphGesture";

/** Groups are named on the graph up to this many (beyond, the names would cover it). */
const MOST_GROUP_LABELS = 150;
/** What is not near the node clicked. */
const FADED = "#d5dbe3";
const LEGEND = { cycle: "cycles", crossWave: "cross-wave links", hybrid: "hybrid links (stays on premises)" } as const;

/** A colour of the page's theme, as #rrggbb. */
function themeColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return /^#[0-9a-f]{3,8}$/i.test(value) ? value : fallback;
}

export function DependencyGraph() {
  const [data, setData] = useState<GraphView | null>(null);
  const [grouping, setGrouping] = useState<Grouping>("application");
  const [kinds, setKinds] = useState<Record<string, boolean>>({ server: true, device: true, external: true, datastore: true, application: true });
  const [dependencyKinds, setDependencyKinds] = useState<Record<string, boolean>>({});
  const [environment, setEnvironment] = useState("");
  const [port, setPort] = useState("");
  const [highlight, setHighlight] = useState({ cycle: true, crossWave: true, hybrid: true });
  const [selected, setSelected] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [labels, setLabels] = useState<SceneLabel[]>([]);
  const [saving, setSaving] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const sigmaRef = useRef<Sigma | null>(null);
  /** The graph shown (sigma gets it a frame after it starts). */
  const graphRef = useRef<Graph | null>(null);
  const gestureRef = useRef<GestureLayer | null>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const groupNames = useRef<HTMLDivElement>(null);
  const view = useRef<HTMLDivElement>(null);
  // Software WebGL (no GPU) cannot draw thousands of nodes a frame: pan and
  // zoom then move a bitmap of the last frame and draw in full when still
  // (graphGesture.ts: chosen by the frames measured, or by a renderer named as software).
  const software = useMemo(() => isSoftwareRenderer(webglRenderer()), []);
  const placesRef = useRef<GroupPlace[]>([]);
  const board = useStore((s) => s.board);
  const presentation = useStore((s) => s.presentation);
  const hideHostNames = useStore((s) => s.hideHostNames);
  const project = useStore((s) => s.project);
  const hideNames = presentation && hideHostNames;

  useEffect(() => {
    void api.graph().then(setData);
  }, [board]);

  const shown = useMemo(() => (data ? filterGraph(data, { kinds, dependencyKinds, environment, port }) : null), [data, kinds, dependencyKinds, environment, port]);

  useEffect(() => {
    if (!shown || !container.current) return;
    const graph = new Graph({ multi: true, type: "directed" });
    const { positions, groups, places } = layout(shown.nodes, grouping);
    placesRef.current = places.length <= MOST_GROUP_LABELS ? places : [];
    const colour = new Map(groups.map((g, i) => [g, PALETTE[i % PALETTE.length]]));
    for (const n of shown.nodes) {
      const p = positions.get(n.id)!;
      graph.addNode(n.id, {
        x: p.x,
        y: p.y,
        size: n.kind === "application" ? 7 : n.kind === "device" ? 5 : 4,
        label: shownName(n, hideNames),
        color: n.kind === "device" ? "#805ad5" : n.kind === "external" ? "#718096" : colour.get(groupOf(n, grouping)),
      });
    }
    for (const e of shown.edges) {
      const tone = highlight.cycle && e.cycle ? "cycle" : highlight.crossWave && e.crossWave ? "crossWave" : highlight.hybrid && e.hybrid ? "hybrid" : "plain";
      graph.addEdge(e.from, e.to, { color: EDGE[tone], size: tone === "plain" ? 0.6 : 1.6, type: "arrow", zIndex: tone === "plain" ? 0 : 1 });
    }
    let sigma: Sigma | null = null;
    let drawFrame: number | null = null;
    graphRef.current = graph;
    view.current?.removeAttribute("data-graph-drawn");
    try {
      // Sigma starts empty and gets the graph in the next frame, once the
      // gesture layer is attached: it copies that first frame for display
      // (WebKitGTK without compositing did not show it; graphGesture.ts).
      sigma = new Sigma(new Graph({ multi: true, type: "directed" }), container.current, {
        renderEdgeLabels: false,
        labelRenderedSizeThreshold: 9,
        defaultEdgeType: "arrow",
        zIndex: true,
        // Room above the top row for the groups' names.
        stagePadding: 50,
        labelColor: { color: themeColour("--text", "#1a202c") },
      });
      sigma.on("clickNode", ({ node }) => setSelected(node));
      sigma.on("clickStage", () => setSelected(null));
      // The group names follow the camera.
      const instance = sigma;
      instance.on("afterRender", () => setLabels(groupLabels(instance, placesRef.current)));
      sigmaRef.current = sigma;
      if (overlay.current && groupNames.current) {
        view.current?.setAttribute("data-graph-frames", "bitmap");
        gestureRef.current = settleWhileMoving(sigma, {
          overlay: overlay.current,
          follow: [groupNames.current],
          background: themeColour("--panel", "#ffffff"),
          software,
          onMoving: (moving) => view.current?.toggleAttribute("data-graph-moving", moving),
          onMode: (mode) => view.current?.setAttribute("data-graph-frames", mode),
        });
      }
      drawFrame = requestAnimationFrame(() => {
        instance.setGraph(graph);
        view.current?.setAttribute("data-graph-drawn", "");
      });
      setFailure(null);
    } catch (error) {
      setFailure(`The graph needs WebGL, which this display does not offer (${String(error)}).`);
    }
    return () => {
      if (drawFrame !== null) cancelAnimationFrame(drawFrame);
      sigmaRef.current = null;
      graphRef.current = null;
      gestureRef.current?.detach();
      gestureRef.current = null;
      sigma?.kill();
    };
  }, [shown, grouping, highlight, hideNames, software]);

  // The node clicked stands out with what it talks to; the rest fades.
  useEffect(() => {
    const sigma = sigmaRef.current;
    const graph = graphRef.current;
    if (!sigma || !graph) return;
    const near = selected && graph.hasNode(selected) ? new Set([selected, ...graph.neighbors(selected)]) : null;
    sigma.setSetting("nodeReducer", (node, attributes) => {
      if (!near) return attributes;
      if (node === selected) return { ...attributes, highlighted: true, forceLabel: true, zIndex: 2 };
      // The neighbours' names too, while there are few enough to read.
      return near.has(node) ? { ...attributes, forceLabel: near.size <= 21, zIndex: 1 } : { ...attributes, color: FADED, label: null, zIndex: 0 };
    });
    sigma.setSetting("edgeReducer", (edge, attributes) =>
      !near || graph.hasExtremity(edge, selected!) ? attributes : { ...attributes, color: FADED, zIndex: 0 },
    );
  }, [selected, shown, grouping, highlight, hideNames]);

  // Find a node by the name shown: select it and bring the camera to it (the keyboard's way to click one).
  const [find, setFind] = useState("");
  const [moving, setMoving] = useState(false);
  const names = useMemo(() => (shown ? [...new Set(shown.nodes.map((n) => shownName(n, hideNames)))].sort().slice(0, 5000) : []), [shown, hideNames]);
  const focusNode = (name: string) => {
    const sigma = sigmaRef.current;
    const wanted = name.trim().toLowerCase();
    const found = shown?.nodes.find((n) => shownName(n, hideNames).toLowerCase() === wanted) ?? shown?.nodes.find((n) => shownName(n, hideNames).toLowerCase().includes(wanted));
    if (!sigma || !found || !wanted) return;
    setSelected(found.id);
    const at = sigma.getNodeDisplayData(found.id);
    if (!at) return;
    setMoving(true);
    void sigma
      .getCamera()
      .animate({ x: at.x, y: at.y, ratio: Math.min(sigma.getCamera().ratio, 0.6) }, { duration: 400 })
      // Moving until the full frame is drawn where it stops.
      .then(() => gestureRef.current?.settled())
      .finally(() => setMoving(false));
  };

  /** What is on screen now, for a picture of it. */
  const drawn = (): Drawn | null => {
    const sigma = sigmaRef.current;
    if (!sigma || !shown) return null;
    const titles = new Map(shown.nodes.map((n) => [n.id, shownName(n, hideNames)]));
    const legend = (["cycle", "crossWave", "hybrid"] as const).filter((k) => highlight[k]).map((k) => ({ color: EDGE[k], text: LEGEND[k] }));
    return drawnBy(
      sigma,
      {
        background: themeColour("--panel", "#ffffff"),
        labelColor: themeColour("--text", "#1a202c"),
        title: `Dependencies of ${project?.name ?? "the estate"}, grouped by ${grouping === "moveGroup" ? "move group" : grouping}`,
        // Placed now, for the camera as it is (not as the last frame left the overlay).
        groups: groupLabels(sigma, placesRef.current),
        legend,
      },
      titles,
    );
  };
  const save = async (format: "svg" | "png") => {
    const view = drawn();
    if (!view) return;
    setSaving(true);
    try {
      await actions.saveGraph(format, format === "svg" ? sceneOf(view) : await pngOf(sigmaRef.current!, view));
    } finally {
      setSaving(false);
    }
  };

  const dependencyKindNames = useMemo(() => [...new Set((data?.edges ?? []).map((e) => e.kind))].sort(), [data]);
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
        {dependencyKindNames.length > 1 && (
          <label title="Where the dependency was found: observed in connection data, declared by a CMDB or an owner, or entered by hand">
            Link kind{" "}
            <select
              value={dependencyKindNames.find((k) => dependencyKinds[k] !== false && dependencyKindNames.every((o) => o === k || dependencyKinds[o] === false)) ?? ""}
              onChange={(e) => setDependencyKinds(Object.fromEntries(dependencyKindNames.map((k) => [k, e.target.value === "" || k === e.target.value])))}
              data-dependency-kind
            >
              <option value="">any</option>
              {dependencyKindNames.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Port <input className="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value.replace(/\D/g, ""))} placeholder="any" data-port />
        </label>
        <span className="graph-save">
          <button onClick={() => void save("svg")} disabled={saving || !shown || failure !== null} data-save-graph="svg">
            Save as SVG
          </button>
          <button onClick={() => void save("png")} disabled={saving || !shown || failure !== null} data-save-graph="png">
            Save as PNG
          </button>
        </span>
      </div>
      <div className="graph-legend">
        {(["cycle", "crossWave", "hybrid"] as const).map((k) => (
          <label key={k} className="check">
            <input type="checkbox" checked={highlight[k]} onChange={(e) => setHighlight({ ...highlight, [k]: e.target.checked })} />
            <span className="swatch" style={{ background: EDGE[k] }} /> {LEGEND[k]}{" "}
            <span className="muted">{totals?.[k] ?? 0}</span>
          </label>
        ))}
        <label className="graph-find">
          Find{" "}
          <input
            list="graph-node-names"
            placeholder="a node by name"
            value={find}
            onChange={(e) => setFind(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") focusNode(find);
              if (e.key === "Escape") (setFind(""), setSelected(null));
            }}
            data-graph-find
          />
          <datalist id="graph-node-names">
            {names.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </label>
        <span className="muted" data-graph-size>
          {shown ? `${shown.nodes.length.toLocaleString("en")} nodes, ${shown.edges.length.toLocaleString("en")} links` : "loading…"}
        </span>
      </div>
      <div className="graph-body">
        <div className="graph-view" ref={view} data-camera-moving={moving || undefined}>
          <div className="graph-canvas" ref={container} data-graph-canvas />
          <canvas className="graph-moved" ref={overlay} aria-hidden="true" data-graph-moved />
          <div className="graph-group-labels" ref={groupNames} aria-hidden="true">
            {labels.map((l) => (
              <span key={l.text} style={{ transform: `translate(${l.x}px, ${l.y}px) translate(-50%, -100%)` }}>
                {l.text}
              </span>
            ))}
          </div>
          {failure && <p className="bad-text graph-failure">{failure}</p>}
        </div>
        {node && data && <NodeDetails node={node} edges={data.edges} nodes={data.nodes} hideNames={hideNames} />}
      </div>
    </section>
  );
}

function NodeDetails({ node, edges, nodes, hideNames }: { node: GraphNode; edges: GraphEdge[]; nodes: GraphNode[]; hideNames: boolean }) {
  const name = new Map(nodes.map((n) => [n.id, shownName(n, hideNames)]));
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
      <h3>{shownName(node, hideNames)}</h3>
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
