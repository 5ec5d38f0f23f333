//! What a plan breaks ([`Violation`]) and what no plan could keep
//! ([`Conflict`]), as typed facts: each carries its kind and the applications
//! and move groups it concerns; the message is for people.
//!
//! A screen or an export that needs to know which cards break a rule reads
//! `kind`, `applications` and `groups` here. It must never parse `message`:
//! the words may change, the ids may not. This file only defines the values;
//! the checks that produce them live in `verify.rs`, `problem.rs`,
//! `session.rs` and `downtime/schedule.rs`.

use serde::{Deserialize, Serialize};

/// The kind of a hard constraint, spelled in the plan JSON as it always was
/// (`one-wave`, `move-together`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Every migrating application and server moves in exactly one wave; what
    /// does not migrate is in none.
    OneWave,
    /// Members of one move group move in the same wave.
    MoveTogether,
    /// A dependency's precedence rule (depended-on first, or together).
    Precedence,
    /// A `before` constraint between two applications.
    Before,
    /// An application pinned to a wave.
    PinWave,
    /// An application that must not move before a date.
    NotBefore,
    /// An application that must move by a date.
    NotAfter,
    /// Two applications kept out of the same wave.
    KeepApart,
    /// A wave's limit on servers, applications, storage or other resources.
    Capacity,
    /// A non-production copy moves before its production.
    NonProductionFirst,
    /// The pilot waves: first, and without mission-critical applications.
    Pilot,
    /// Maintenance windows, blackouts and the planning horizon.
    Calendar,
    /// A wave's cutovers fit their windows on the tracks available.
    CutoverWindow,
    /// The planner's own consistency: it believed a plan valid that the
    /// verifier found broken (only ever a [`Conflict`]).
    Internal,
}

impl ViolationKind {
    /// Every kind, in declaration order.
    pub const ALL: [ViolationKind; 14] = [
        ViolationKind::OneWave,
        ViolationKind::MoveTogether,
        ViolationKind::Precedence,
        ViolationKind::Before,
        ViolationKind::PinWave,
        ViolationKind::NotBefore,
        ViolationKind::NotAfter,
        ViolationKind::KeepApart,
        ViolationKind::Capacity,
        ViolationKind::NonProductionFirst,
        ViolationKind::Pilot,
        ViolationKind::Calendar,
        ViolationKind::CutoverWindow,
        ViolationKind::Internal,
    ];

    /// The spelling used in the plan JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::OneWave => "one-wave",
            ViolationKind::MoveTogether => "move-together",
            ViolationKind::Precedence => "precedence",
            ViolationKind::Before => "before",
            ViolationKind::PinWave => "pin-wave",
            ViolationKind::NotBefore => "not-before",
            ViolationKind::NotAfter => "not-after",
            ViolationKind::KeepApart => "keep-apart",
            ViolationKind::Capacity => "capacity",
            ViolationKind::NonProductionFirst => "non-production-first",
            ViolationKind::Pilot => "pilot",
            ViolationKind::Calendar => "calendar",
            ViolationKind::CutoverWindow => "cutover-window",
            ViolationKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hard constraint that the plan breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which constraint is broken. Serialised as `constraint`, the field's
    /// name in plans saved before it was typed.
    #[serde(rename = "constraint")]
    pub kind: ViolationKind,
    /// The applications it concerns, by name, in the order the check met
    /// them: every one a card the board marks. Empty when the broken rule is
    /// a wave's (capacity, a pilot wave out of place) or concerns only
    /// servers of no application. Plans saved before this field read as empty.
    #[serde(default)]
    pub applications: Vec<String>,
    /// The move groups it concerns (indices into [`super::Plan::move_groups`]).
    /// Plans saved before this field read as empty.
    #[serde(default)]
    pub groups: Vec<usize>,
    /// What is broken, in words, naming the applications. For people only.
    pub message: String,
}

impl Violation {
    /// A violation of `kind` concerning `applications` and `groups`, both
    /// sorted and without repeats so two checks of one plan compare equal.
    pub fn new(kind: ViolationKind, message: String, applications: Vec<String>, groups: Vec<usize>) -> Violation {
        Violation { kind, applications: sorted(applications), groups: sorted(groups), message }
    }

    /// Whether it concerns the application of this name.
    pub fn concerns(&self, application: &str) -> bool {
        self.applications.iter().any(|a| a == application)
    }
}

/// Constraints that cannot be kept together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The kind of constraint at fault, as in [`Violation::kind`]; serialised
    /// as `constraint`, as before it was typed.
    #[serde(rename = "constraint")]
    pub kind: ViolationKind,
    /// What contradicts what, in words. For people only.
    pub message: String,
    /// The applications and move groups involved, by name (a move group by
    /// its members joined with ` + `), for people.
    pub involves: Vec<String>,
    /// The applications involved, by name (of every move group involved,
    /// its applications). Plans saved before this field read as empty.
    #[serde(default)]
    pub applications: Vec<String>,
    /// The move groups involved (indices into [`super::Plan::move_groups`]).
    /// Plans saved before this field read as empty.
    #[serde(default)]
    pub groups: Vec<usize>,
}

impl Conflict {
    pub(crate) fn new(
        kind: ViolationKind,
        message: String,
        involves: &[&str],
        applications: Vec<String>,
        groups: Vec<usize>,
    ) -> Conflict {
        Conflict {
            kind,
            message,
            involves: involves.iter().map(|s| s.to_string()).collect(),
            applications: sorted(applications),
            groups: sorted(groups),
        }
    }
}

impl Conflict {
    /// Adds the applications of every move group involved, so a conflict
    /// that names groups marks every card of them.
    pub(crate) fn name_applications(&mut self, estate: &crate::model::Estate, problem: &super::Problem) {
        for &g in &self.groups {
            if let Some(info) = problem.groups.get(g) {
                self.applications.extend(info.apps.iter().map(|&a| estate.application(a).name.clone()));
            }
        }
        self.applications = sorted(std::mem::take(&mut self.applications));
    }
}

fn sorted<T: Ord>(mut list: Vec<T>) -> Vec<T> {
    list.sort();
    list.dedup();
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_spelled_in_json_as_before() {
        for kind in ViolationKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<ViolationKind>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn a_violation_saved_before_it_was_typed_still_loads() {
        let old =
            r#"{"constraint": "keep-apart", "message": "'A' and 'B' must be kept apart but both move in wave 2"}"#;
        let v: Violation = serde_json::from_str(old).unwrap();
        assert_eq!(v.kind, ViolationKind::KeepApart);
        assert!(v.applications.is_empty() && v.groups.is_empty());
        assert_eq!(v.message, "'A' and 'B' must be kept apart but both move in wave 2");
        let old = r#"{"constraint": "pilot", "message": "m", "involves": ["A + B"]}"#;
        let c: Conflict = serde_json::from_str(old).unwrap();
        assert_eq!((c.kind, c.involves.as_slice()), (ViolationKind::Pilot, &["A + B".to_string()][..]));
    }

    #[test]
    fn a_violation_is_written_with_its_kind_under_constraint() {
        let v =
            Violation::new(ViolationKind::PinWave, "m".into(), vec!["B".into(), "A".into(), "B".into()], vec![3, 1]);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["constraint"], "pin-wave");
        assert_eq!(json["applications"], serde_json::json!(["A", "B"]));
        assert_eq!(json["groups"], serde_json::json!([1, 3]));
        assert!(v.concerns("A") && !v.concerns("C"));
    }
}
