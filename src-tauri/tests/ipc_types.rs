//! The TypeScript types the front end imports (`ui/src/ipc/types.ts`) are
//! generated from the Rust wire types; this fails when they are stale.
//! Regenerate with `WAVEPLAN_UPDATE_IPC_TYPES=1 cargo test -p waveplan-desktop --test ipc_types`
//! (or `cargo xtask ipc-types`).

use std::path::Path;

#[test]
fn the_committed_typescript_types_match_the_rust_wire_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/types.ts");
    let generated = waveplan_desktop::wire::typescript();
    if std::env::var_os("WAVEPLAN_UPDATE_IPC_TYPES").is_some() {
        std::fs::write(&path, &generated).expect("write types.ts");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "ui/src/ipc/types.ts is stale: run `cargo xtask ipc-types` and commit it");
}
