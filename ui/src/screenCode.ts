// The code of the screens past the start screen, loaded when first needed
// (the graph's sigma, graphology and layout among them), so a cold start
// parses only the start screen. Once loaded, a screen renders at once:
// React.lazy would suspend on its first render even when the code is
// there, and React holds back a suspended screen for a few hundred
// milliseconds before showing it.
import { createElement, lazy, type ComponentType } from "react";
import { markOnce } from "./marks";

export interface ScreenCode {
  /** The screen, rendered directly once its code is loaded. */
  Screen: ComponentType;
  /** Loads the code (once); resolves when it can be rendered without waiting. */
  load: () => Promise<unknown>;
  /** Whether the code is loaded. */
  loaded: () => boolean;
}

function screen(name: string, importer: () => Promise<ComponentType>): ScreenCode {
  let loaded: ComponentType | null = null;
  let loading: Promise<{ default: ComponentType }> | null = null;
  const load = () =>
    (loading ??= importer().then((component) => {
      loaded = component;
      markOnce(`waveplan:screen-loaded:${name}`);
      return { default: component };
    }));
  const Lazy = lazy(load);
  const Screen = () => createElement(loaded ?? Lazy);
  return { Screen, load, loaded: () => loaded !== null };
}

export const screens = {
  board: screen("board", () => import("./screens/WaveBoard").then((m) => m.WaveBoard)),
  import: screen("import", () => import("./screens/ImportWizard").then((m) => m.ImportWizard)),
  inventory: screen("inventory", () => import("./screens/Inventory").then((m) => m.Inventory)),
  graph: screen("graph", () => import("./screens/DependencyGraph").then((m) => m.DependencyGraph)),
  dr: screen("dr", () => import("./screens/DrCoverage").then((m) => m.DrCoverage)),
  export: screen("export", () => import("./screens/ExportScreen").then((m) => m.ExportScreen)),
};

/** Fetches every screen's code after the start screen is up, a little later. */
export function preloadScreens(): void {
  const idle = (work: () => void) => ("requestIdleCallback" in window ? window.requestIdleCallback(work, { timeout: 2000 }) : setTimeout(work, 200));
  idle(() => void Promise.all(Object.values(screens).map((s) => s.load())).catch(() => undefined));
}
