//! The plan as one JSON document (described in `docs/plan-json.md`).
//!
//! The keys are a contract with scripts and other tools: add, never rename.

use std::io::Write;

use waveplan_core::Plan;

use crate::ExportError;

/// Writes the plan as pretty-printed JSON followed by a newline.
pub fn write_plan_json(plan: &Plan, mut out: impl Write) -> Result<(), ExportError> {
    serde_json::to_writer_pretty(&mut out, plan)?;
    out.write_all(b"\n")?;
    Ok(())
}
