// The graph's pan and zoom without a GPU: while the camera moves, the last
// full frame is moved as a bitmap and sigma draws nothing; once the camera
// is still (and the mouse released) sigma draws one full frame. With a GPU
// (a renderer that is not a software rasteriser) sigma keeps drawing itself.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { affineBetween, isSoftwareRenderer, settleWhileMoving, type GestureSigma } from "./screens/graphGesture";

type State = { x: number; y: number; ratio: number; angle: number };

/** The little of an event emitter that sigma's camera and sigma offer the layer. */
class EventEmitter {
  private listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  on(event: string, f: (...a: unknown[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), f]);
    return this;
  }
  off(event: string, f: (...a: unknown[]) => void) {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((g) => g !== f));
    return this;
  }
  removeListener(event: string, f: (...a: unknown[]) => void) {
    return this.off(event, f);
  }
  emit(event: string, ...args: unknown[]) {
    for (const f of this.listeners.get(event) ?? []) f(...args);
  }
}

class FakeCamera extends EventEmitter {
  state: State = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };
  animated = false;
  getState() {
    return { ...this.state };
  }
  isAnimated() {
    return this.animated;
  }
  move(to: Partial<State>) {
    Object.assign(this.state, to);
    this.emit("updated", this.getState());
  }
}

/** A sigma of 100×80 view pixels whose own camera listener counts the frames it would draw. */
function fakeSigma() {
  const camera = new FakeCamera();
  const events = new EventEmitter();
  const canvases = { edges: document.createElement("canvas"), nodes: document.createElement("canvas"), mouse: document.createElement("canvas") };
  const counts = { ownFrames: 0, renders: 0 };
  const mouse = { isMouseDown: false };
  // A frame's cost on the fake clock.
  const clock = { t: 0, cost: 0 };
  // Sigma's own camera listener: a frame at the next animation frame.
  const own = () => {
    counts.ownFrames++;
    requestAnimationFrame(() => sigma.render());
  };
  camera.on("updated", own);
  const view = (p: { x: number; y: number }, s: State) => ({ x: ((p.x - s.x) / s.ratio) * 100 + 50, y: ((s.y - p.y) / s.ratio) * 80 + 40 });
  const sigma = {
    activeListeners: { camera: own },
    getCamera: () => camera,
    getCanvases: () => canvases,
    getDimensions: () => ({ width: 100, height: 80 }),
    getMouseCaptor: () => mouse,
    framedGraphToViewport: (p: { x: number; y: number }, o?: { cameraState?: State }) => view(p, o?.cameraState ?? camera.getState()),
    on: (e: string, f: () => void) => events.on(e, f),
    off: (e: string, f: () => void) => events.off(e, f),
    render: () => {
      counts.renders++;
      events.emit("beforeRender");
      clock.t += clock.cost;
      events.emit("afterRender");
    },
  };
  return { sigma: sigma as unknown as GestureSigma, camera, canvases, counts, mouse, clock };
}

describe("software renderer", () => {
  it("tells software rasterisers from GPUs by the WebGL renderer's name", () => {
    expect(isSoftwareRenderer("llvmpipe (LLVM 15.0.6, 256 bits)")).toBe(true);
    expect(isSoftwareRenderer("Mesa/X.org, softpipe")).toBe(true);
    expect(isSoftwareRenderer("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)")).toBe(true);
    expect(isSoftwareRenderer("Mesa Intel(R) UHD Graphics 620 (KBL GT2)")).toBe(false);
    expect(isSoftwareRenderer("AMD Radeon RX 6600 (radeonsi, navi23, LLVM 15.0.6, DRM 3.49, 6.1.0)")).toBe(false);
    expect(isSoftwareRenderer(null)).toBe(false);
  });
});

describe("bitmap moved between full frames", () => {
  it("is the affine map between two camera views: a pan is a shift, a zoom a scale about the view", () => {
    const view = (s: State) => (p: { x: number; y: number }) => ({ x: ((p.x - s.x) / s.ratio) * 100 + 50, y: ((s.y - p.y) / s.ratio) * 80 + 40 });
    const still: State = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };
    const pan = affineBetween(view(still), view({ ...still, x: 0.4 }));
    expect(pan).toEqual({ a: 1, b: 0, c: 0, d: 1, e: expect.closeTo(10), f: expect.closeTo(0) });
    const zoom = affineBetween(view(still), view({ ...still, ratio: 0.5 }));
    // Twice as large, the view's centre (50, 40) kept.
    expect([zoom.a, zoom.d, zoom.a * 50 + zoom.e, zoom.d * 40 + zoom.f]).toEqual([2, 2, 50, 40]);
  });
});

describe("settle while moving", () => {
  const drawn: { transform: number[]; images: number }[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
    drawn.length = 0;
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(function (this: HTMLCanvasElement) {
      let transform = [1, 0, 0, 1, 0, 0];
      return {
        fillRect: () => undefined,
        setTransform: (...m: number[]) => void (transform = m),
        drawImage: () => void drawn.push({ transform, images: 1 }),
      } as unknown as CanvasRenderingContext2D;
    } as never);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const attach = (software = false) => {
    const fake = fakeSigma();
    const overlay = document.createElement("canvas");
    const names = document.createElement("div");
    const moving: boolean[] = [];
    const modes: string[] = [];
    const layer = settleWhileMoving(fake.sigma, {
      overlay,
      follow: [names],
      background: "#fff",
      settleMs: 100,
      software,
      now: () => fake.clock.t,
      onMoving: (m) => moving.push(m),
      onMode: (m) => modes.push(m),
    });
    return { ...fake, overlay, names, moving, modes, layer };
  };
  /** A drag of `steps` frames, then the time to settle. */
  const gesture = (camera: FakeCamera, steps: number) => {
    for (let i = 1; i <= steps; i++) {
      camera.move({ x: camera.state.x - 0.01 });
      vi.advanceTimersByTime(16);
    }
    vi.advanceTimersByTime(300);
  };

  it("lets sigma draw every frame itself once a full frame is measured fast (a GPU), and goes back to the bitmap when its frames come slow", () => {
    const { camera, counts, clock, overlay, modes } = attach();
    clock.cost = 2;
    gesture(camera, 5);
    expect([counts.ownFrames, counts.renders, modes]).toEqual([0, 1, ["live"]]);
    gesture(camera, 5);
    // Live: sigma's own frame per camera change, no bitmap.
    expect(counts.ownFrames).toBe(5);
    expect(counts.renders).toBe(6);
    expect(overlay.style.visibility).toBe("hidden");
    clock.cost = 200;
    gesture(camera, 3);
    expect(modes).toEqual(["live", "bitmap"]);
    const own = counts.ownFrames;
    gesture(camera, 5);
    expect(counts.ownFrames).toBe(own);
  });

  it("keeps the bitmap where a full frame is slow, or the renderer is named as software", () => {
    const slow = attach();
    slow.clock.cost = 400;
    gesture(slow.camera, 5);
    gesture(slow.camera, 5);
    expect([slow.counts.ownFrames, slow.counts.renders, slow.modes]).toEqual([0, 2, []]);
    const named = attach(true);
    gesture(named.camera, 5);
    gesture(named.camera, 5);
    expect([named.counts.ownFrames, named.counts.renders, named.modes]).toEqual([0, 2, []]);
  });

  it("draws no sigma frame while the camera moves, moves the last frame instead, and draws one full frame once still", async () => {
    const { sigma, camera, canvases, counts, overlay, names, moving, layer } = attach();
    // The first frame (sigma given the graph): copied, and the copy shown.
    (sigma as unknown as { render(): void }).render();
    expect([drawn.length, overlay.style.visibility, canvases.nodes.style.visibility]).toEqual([2, "visible", "hidden"]);
    counts.renders = 0;
    for (let i = 1; i <= 10; i++) {
      camera.move({ x: 0.5 - 0.01 * i });
      vi.advanceTimersByTime(16);
    }
    expect(counts).toEqual({ ownFrames: 0, renders: 0 });
    expect(overlay.style.visibility).toBe("visible");
    expect(canvases.nodes.style.visibility).toBe("hidden");
    expect(canvases.mouse.style.visibility).toBe("");
    // The copy moved 10 view pixels right for a camera 0.1 to the left, nothing drawn again.
    expect(drawn.length).toBe(2);
    expect(overlay.style.transform).toMatch(/^matrix\(1, 0, 0, 1, (10|9\.9+\d*|10\.0+\d*), 0\)$/);
    expect(names.style.transform).toBe(overlay.style.transform);
    let settled = false;
    void layer.settled().then(() => (settled = true));
    vi.advanceTimersByTime(120);
    await Promise.resolve();
    expect(counts.renders).toBe(1);
    expect(settled).toBe(true);
    // The settled frame copied; then, drawn fast (a GPU), sigma's canvases shown themselves.
    expect(drawn.length).toBe(4);
    expect(overlay.style.visibility).toBe("hidden");
    expect(canvases.nodes.style.visibility).toBe("");
    expect([names.style.transform, overlay.style.transform]).toEqual(["", ""]);
    expect(moving).toEqual([true, false]);
  });

  it("waits for the mouse to be released and the camera's animation to end before the full frame", () => {
    const { camera, counts, mouse } = attach();
    mouse.isMouseDown = true;
    camera.move({ x: 0.3 });
    vi.advanceTimersByTime(500);
    expect(counts.renders).toBe(0);
    mouse.isMouseDown = false;
    camera.animated = true;
    vi.advanceTimersByTime(500);
    expect(counts.renders).toBe(0);
    camera.animated = false;
    vi.advanceTimersByTime(150);
    expect(counts.renders).toBe(1);
  });

  it("gives sigma back its own frame per camera change when detached", () => {
    const { camera, counts, layer } = attach();
    layer.detach();
    camera.move({ x: 0.2 });
    expect(counts.ownFrames).toBe(1);
    vi.advanceTimersByTime(500);
    expect(counts.renders).toBe(1);
  });
});
