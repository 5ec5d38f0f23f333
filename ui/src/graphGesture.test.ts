// The graph's pan and zoom without a GPU: while the camera moves, the last
// full frame is moved as a bitmap and sigma draws nothing; once the camera
// is still (and the mouse released) sigma draws one full frame. With a GPU
// (a renderer that is not a software rasteriser) sigma keeps drawing itself.
import { EventEmitter } from "events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { affineBetween, isSoftwareRenderer, settleWhileMoving, type GestureSigma } from "./screens/graphGesture";

type State = { x: number; y: number; ratio: number; angle: number };

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
  const own = () => void counts.ownFrames++;
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
      events.emit("afterRender");
    },
  };
  return { sigma: sigma as unknown as GestureSigma, camera, canvases, counts, mouse };
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

  const attach = () => {
    const fake = fakeSigma();
    const overlay = document.createElement("canvas");
    const names = document.createElement("div");
    const moving: boolean[] = [];
    const layer = settleWhileMoving(fake.sigma, { overlay, follow: [names], background: "#fff", settleMs: 100, onMoving: (m) => moving.push(m) });
    return { ...fake, overlay, names, moving, layer };
  };

  it("draws no sigma frame while the camera moves, moves the last frame instead, and draws one full frame once still", async () => {
    const { camera, canvases, counts, overlay, names, moving, layer } = attach();
    for (let i = 1; i <= 10; i++) {
      camera.move({ x: 0.5 - 0.01 * i });
      vi.advanceTimersByTime(16);
    }
    expect(counts).toEqual({ ownFrames: 0, renders: 0 });
    expect(overlay.style.visibility).toBe("visible");
    expect(canvases.nodes.style.visibility).toBe("hidden");
    expect(canvases.mouse.style.visibility).toBe("");
    // The last bitmap drawn 10 view pixels right for a camera 0.1 to the left.
    expect(drawn.at(-1)!.transform[4]).toBeCloseTo(10 * (window.devicePixelRatio || 1));
    expect(names.style.transform).toMatch(/^matrix\(1, 0, 0, 1, 10(\.0+\d*)?, 0\)$/);
    let settled = false;
    void layer.settled().then(() => (settled = true));
    vi.advanceTimersByTime(120);
    await Promise.resolve();
    expect(counts.renders).toBe(1);
    expect(settled).toBe(true);
    expect(overlay.style.visibility).toBe("hidden");
    expect(canvases.nodes.style.visibility).toBe("");
    expect(names.style.transform).toBe("");
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
    expect(counts.renders).toBe(0);
  });
});
