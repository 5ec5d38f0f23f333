//! The `waveplan-desktop` binary: one call into the library.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// Opening a project builds millions of small values (names, tags, the
// provenance of every field) on a thread of its own; glibc's allocator
// serves threads from arenas that fault in fresh pages, and took twice as
// long as on the main thread. mimalloc keeps them quick (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    waveplan_desktop::run()
}
