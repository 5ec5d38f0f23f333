//! Waveplan's domain: the estate, its dependency graph, move groups, the wave
//! planner, downtime and disaster-recovery (DR) coverage.
//!
//! Architecture invariant: this crate does no IO. It takes data and returns
//! data; bad data comes back as [`Diagnostic`]s, never as a panic. Paths,
//! files, SQL and the desktop shell live in the crates around it.

#![warn(missing_docs)]

pub mod compare;
pub mod delta;
pub mod diagnostic;
pub mod downtime;
pub mod dr;
pub mod finite;
pub mod generate;
pub mod graph;
pub mod group;
pub mod merge;
pub mod model;
pub mod native_format;
pub mod plan;
pub mod plausible;
pub mod propose;

pub use diagnostic::{Diagnostic, Origin, Severity};
pub use model::*;
pub use plan::{Blackout, Plan, PlanConfig, plan_waves, verify_plan};
