//! The `waveplan-desktop` binary: one call into the library.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    waveplan_desktop::run()
}
