// Pan and zoom of the dependency graph where WebGL is drawn in software (no
// GPU: Mesa's llvmpipe, a VM, a remote desktop). A full sigma frame of
// thousands of nodes and links takes a second or more there, so while the
// camera moves the last full frame is moved as a bitmap (one canvas-2D
// image drawn under an affine transform a frame, map-viewer style) and the
// graph is drawn in full once the gesture settles. Which way a gesture goes
// is measured, not guessed (WebKitGTK names every renderer "Apple GPU"):
// a full frame drawn in under FAST ms (a GPU) lets sigma draw every frame
// of the next gestures itself, until its frames come slower than SLOW ms
// again. It must not change what a still graph shows: the settle frame is
// sigma's own render.
import type Sigma from "sigma";

/** The 2×3 affine map `x' = a·x + c·y + e, y' = b·x + d·y + f` (canvas `setTransform` order). */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

type Point = { x: number; y: number };

/** The affine map taking `from(p)` to `to(p)` for every point `p`, given two affine views of the same points. */
export function affineBetween(from: (p: Point) => Point, to: (p: Point) => Point): Affine {
  const [o0, x0, y0] = [from({ x: 0, y: 0 }), from({ x: 1, y: 0 }), from({ x: 0, y: 1 })];
  const [o1, x1, y1] = [to({ x: 0, y: 0 }), to({ x: 1, y: 0 }), to({ x: 0, y: 1 })];
  // M0 and M1 send the unit basis to the view; the answer is M1 · M0⁻¹.
  const m0 = { a: x0.x - o0.x, b: x0.y - o0.y, c: y0.x - o0.x, d: y0.y - o0.y };
  const m1 = { a: x1.x - o1.x, b: x1.y - o1.y, c: y1.x - o1.x, d: y1.y - o1.y };
  const det = m0.a * m0.d - m0.b * m0.c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };
  const inv = { a: m0.d / det, b: -m0.b / det, c: -m0.c / det, d: m0.a / det };
  const a = m1.a * inv.a + m1.c * inv.b;
  const b = m1.b * inv.a + m1.d * inv.b;
  const c = m1.a * inv.c + m1.c * inv.d;
  const d = m1.b * inv.c + m1.d * inv.d;
  return { a, b, c, d, e: o1.x - (a * o0.x + c * o0.y), f: o1.y - (b * o0.x + d * o0.y) };
}

/** Whether a WebGL renderer's name is a software rasteriser rather than a GPU. */
export function isSoftwareRenderer(name: string | null): boolean {
  return name !== null && /llvmpipe|softpipe|swiftshader|software|lavapipe|swrast|microsoft basic render/i.test(name);
}

let renderer: string | null | undefined;

/** The WebGL renderer's name (`WEBGL_debug_renderer_info`), or null when the page has no WebGL; asked once. */
export function webglRenderer(): string | null {
  if (renderer !== undefined) return renderer;
  renderer = null;
  try {
    const gl = document.createElement("canvas").getContext("webgl");
    if (gl) {
      const info = gl.getExtension("WEBGL_debug_renderer_info");
      renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension("WEBGL_lose_context")?.loseContext();
    }
  } catch {
    renderer = null;
  }
  return renderer;
}

/** What the gesture layer needs of sigma (a fake in the tests). */
export type GestureSigma = Pick<Sigma, "getCamera" | "on" | "off" | "framedGraphToViewport" | "getCanvases" | "getDimensions" | "getMouseCaptor">;

export interface GestureOptions {
  /** The canvas over sigma's that shows the moved bitmap (pointer events pass through it; its box clipped by a parent). */
  overlay: HTMLCanvasElement;
  /** Elements drawn in view pixels (the group names) that follow the bitmap while it moves. */
  follow: HTMLElement[];
  /** The colour outside the moved bitmap. */
  background: string;
  /** How long the camera stays still before the full frame is drawn. */
  settleMs?: number;
  /** Told when a gesture starts (true) and when its full frame is drawn (false). */
  onMoving?: (moving: boolean) => void;
  /** Told how gestures are drawn from now: "live" (sigma every frame) or "bitmap". */
  onMode?: (mode: GestureMode) => void;
  /** A software rasteriser by its name: never live. */
  software?: boolean;
  /** The clock (the tests' is fake). */
  now?: () => number;
}

export type GestureMode = "live" | "bitmap";

/** A full frame this fast (render to the next animation frame) lets sigma draw every frame of a gesture. */
export const FAST_FRAME_MS = 30;
/** Frames of a live gesture this slow (two in a row) bring the bitmap back. */
export const SLOW_FRAME_MS = 50;

export interface GestureLayer {
  /** Resolves once no gesture is under way and the full frame is drawn. */
  settled(): Promise<void>;
  /** Puts sigma back to drawing every camera change itself. */
  detach(): void;
}

/** Layers of sigma's that the bitmap is made of, in the order sigma stacks them (the hover layers stay sigma's). */
const LAYERS = ["edges", "edgeLabels", "nodes", "labels"];

/**
 * Makes `sigma` draw a full frame only when its camera settles, moving a
 * bitmap of the last full frame in between (see the file's header).
 */
export function settleWhileMoving(sigma: GestureSigma, options: GestureOptions): GestureLayer {
  const { overlay, follow, background, settleMs = 160, onMoving, onMode, software = false, now = () => performance.now() } = options;
  const camera = sigma.getCamera();
  // Sigma renders on every camera update through this listener; the layer takes its place.
  const own = (sigma as unknown as { activeListeners?: { camera?: () => void } }).activeListeners?.camera;
  if (own) camera.removeListener("updated", own);
  let drawnState = camera.getState();
  let moving = false;
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let waiting: (() => void)[] = [];
  let mode: GestureMode = "bitmap";
  let slowFrames = 0;
  const setMode = (next: GestureMode) => {
    if (next !== mode) onMode?.(next);
    mode = next;
    slowFrames = 0;
  };
  /** Calls `then` with how long a frame drawn now takes: to the next animation frame. */
  const timeFrame = (from: number, then: (ms: number) => void) => requestAnimationFrame(() => then(now() - from));

  const layers = () => {
    const canvases = sigma.getCanvases() as Record<string, HTMLCanvasElement>;
    return LAYERS.map((id) => canvases[id]).filter(Boolean);
  };
  let renderStart = 0;
  let liveFrame = false;
  const before = () => void (renderStart = now());
  sigma.on("beforeRender", before);
  // After each full frame, in the task that drew it: the frame copied into
  // the overlay, which shows it from then on (still, and moved while the
  // camera moves). WebKitGTK without compositing showed each WebGL frame
  // only once the next was drawn (the first stayed blank, a settled pan
  // showed the frame before it), and read back later a frame is gone; the
  // copy taken here is the frame as drawn.
  const keep = () => {
    if (liveFrame) {
      // A frame of a live gesture: timed, and not copied (a read-back a frame costs a GPU too).
      liveFrame = false;
      timeFrame(renderStart, (ms) => {
        slowFrames = ms >= SLOW_FRAME_MS ? slowFrames + 1 : 0;
        if (slowFrames >= 2) setMode("bitmap");
      });
      return;
    }
    if (mode === "live") return;
    drawnState = camera.getState();
    const { width, height } = sigma.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    overlay.width = Math.max(1, Math.round(width * ratio));
    overlay.height = Math.max(1, Math.round(height * ratio));
    const ctx = overlay.getContext("2d");
    if (ctx) {
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, overlay.width, overlay.height);
      for (const layer of layers()) ctx.drawImage(layer, 0, 0, overlay.width, overlay.height);
    }
    show(true);
  };
  sigma.on("afterRender", keep);

  const shift = (): Affine => {
    const from = drawnState;
    return affineBetween(
      (p) => sigma.framedGraphToViewport(p, { cameraState: from }),
      (p) => sigma.framedGraphToViewport(p, { cameraState: camera.getState() }),
    );
  };
  /** The overlay over the drawn layers (true), or sigma's canvases themselves (false: live). */
  const show = (on: boolean) => {
    overlay.style.visibility = on ? "visible" : "hidden";
    for (const layer of layers()) layer.style.visibility = on ? "hidden" : "";
    for (const e of [overlay, ...follow]) e.style.transform = "";
  };
  // A frame of the gesture: the bitmap and the group names moved by CSS, nothing drawn.
  const drawMoved = () => {
    frame = null;
    if (!moving) return;
    const m = shift();
    const css = `matrix(${m.a}, ${m.b}, ${m.c}, ${m.d}, ${m.e}, ${m.f})`;
    for (const e of [overlay, ...follow]) {
      e.style.transformOrigin = "0 0";
      e.style.transform = css;
    }
  };
  const still = () => !camera.isAnimated() && !sigma.getMouseCaptor().isMouseDown;
  const settle = () => {
    timer = null;
    if (!still()) {
      timer = setTimeout(settle, settleMs);
      return;
    }
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    // Sigma's own frame, drawn now (its `render` is not in its typings); `keep` shows its copy.
    const t0 = now();
    (sigma as unknown as { render(): void }).render();
    moving = false;
    if (!software)
      timeFrame(t0, (ms) => {
        if (ms >= FAST_FRAME_MS || mode === "live") return;
        setMode("live");
        show(false);
      });
    onMoving?.(false);
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve();
  };
  const onCamera = () => {
    if (mode === "live" && !moving) {
      // Sigma draws this frame itself; a slow one (twice in a row) ends live gestures.
      liveFrame = true;
      own?.();
      return;
    }
    if (!moving) {
      moving = true;
      show(true);
      onMoving?.(true);
    }
    if (frame === null) frame = requestAnimationFrame(drawMoved);
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(settle, settleMs);
  };
  camera.on("updated", onCamera);

  return {
    settled: () => (moving ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve()),
    detach: () => {
      camera.removeListener("updated", onCamera);
      sigma.off("afterRender", keep);
      sigma.off("beforeRender", before);
      if (own) camera.on("updated", own);
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      moving = false;
      show(false);
      for (const resolve of waiting) resolve();
      waiting = [];
    },
  };
}
