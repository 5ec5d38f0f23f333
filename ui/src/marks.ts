// Marks of where the time of an open or a screen's first frame goes, read
// by the desktop benchmark (`cargo xtask bench-desktop`, BENCHMARKS.md).
// A name holds its latest mark only, so marks made all day do not pile up.

export function mark(name: string): void {
  if (typeof performance === "undefined" || typeof performance.mark !== "function") return;
  performance.clearMarks(name);
  performance.mark(name);
}

/** Marks `name` the first time only (a screen's code loaded: by the preload or when first shown). */
export function markOnce(name: string): void {
  if (typeof performance !== "undefined" && performance.getEntriesByName?.(name).length === 0) mark(name);
}
