//! The difference between two estates, or two plans, record by record, so an
//! undo step keeps what an edit changed rather than a copy of the whole
//! inventory or plan (an edit of one application in a 50,000-server estate
//! keeps one application; a card moved on a 10,000-application board keeps
//! the placements, waves and figures the move changed, not 29 MB of plan).
//!
//! Records are compared by position: the estate's ids are positions, so an
//! edit changes records in place, appends or truncates; the delta keeps each
//! changed record's old value and each vector's old length.

use serde::{Deserialize, Serialize};

use crate::dr::DrTimeline;
use crate::model::Estate;
use crate::plan::Plan;

/// One vector's old length and its records that differ, with their old values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VecDelta<T> {
    /// The length before.
    pub len: usize,
    /// Position and old value of every record that differs.
    pub changed: Vec<(usize, T)>,
}

impl<T: Clone + PartialEq> VecDelta<T> {
    fn between(before: &[T], after: &[T]) -> VecDelta<T> {
        let changed = before
            .iter()
            .enumerate()
            .filter(|(i, old)| after.get(*i) != Some(*old))
            .map(|(i, old)| (i, old.clone()))
            .collect();
        VecDelta { len: before.len(), changed }
    }

    /// This delta (taken against `after`) the other way: what turns the
    /// vector before into `after`. The positions that differ are the ones
    /// kept here that `after` still has, and every position past the old
    /// length; no record is compared again.
    fn reversed(&self, after: &[T]) -> VecDelta<T> {
        let kept = self.changed.iter().filter(|(i, _)| *i < after.len()).map(|(i, _)| (*i, after[*i].clone()));
        let appended = after.iter().enumerate().skip(self.len).map(|(i, new)| (i, new.clone()));
        VecDelta { len: after.len(), changed: kept.chain(appended).collect() }
    }

    fn restore(&self, target: &mut Vec<T>) {
        target.truncate(self.len);
        for (i, old) in &self.changed {
            if *i < target.len() {
                target[*i] = old.clone();
            } else {
                // Only a shorter vector than before: filled in order.
                target.push(old.clone());
            }
        }
    }
}

macro_rules! estate_delta {
    ($($field:ident: $t:ty),* $(,)?) => {
        /// What turns an estate back into an earlier one.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct EstateDelta {
            $(
                #[doc = concat!("The `", stringify!($field), "` that changed.")]
                pub $field: VecDelta<$t>,
            )*
        }

        impl EstateDelta {
            /// The delta that turns `after` back into `before`.
            pub fn between(before: &Estate, after: &Estate) -> EstateDelta {
                EstateDelta { $($field: VecDelta::between(&before.$field, &after.$field)),* }
            }

            /// Turns the later estate back into the earlier one.
            pub fn restore(&self, estate: &mut Estate) {
                $(self.$field.restore(&mut estate.$field);)*
            }

            /// Records kept (changed or removed), for the size of an undo step.
            pub fn records(&self) -> usize {
                0 $(+ self.$field.changed.len())*
            }
        }
    };
}

estate_delta!(
    servers: crate::model::Server,
    applications: crate::model::Application,
    datastores: crate::model::DataStore,
    externals: crate::model::ExternalEndpoint,
    dependencies: crate::model::Dependency,
    constraints: crate::model::Constraint,
    excluded: crate::model::Excluded,
);

/// The old value of a field that is kept whole, if it differs.
fn changed<T: Clone + PartialEq>(before: &T, after: &T) -> Option<T> {
    (before != after).then(|| before.clone())
}

macro_rules! record_delta {
    (
        $(#[$doc:meta])* $name:ident for $record:ident {
            vectors { $($vector:ident: $vt:ty),* $(,)? }
            values { $($value:ident: $t:ty),* $(,)? }
            $(nested { $($nested:ident: $nt:ident),* $(,)? })?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $(
                #[doc = concat!("The `", stringify!($vector), "` that changed.")]
                pub $vector: VecDelta<$vt>,
            )*
            $(
                #[doc = concat!("`", stringify!($value), "` before, if it changed.")]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $value: Option<$t>,
            )*
            $($(
                #[doc = concat!("What changed in `", stringify!($nested), "`.")]
                pub $nested: $nt,
            )*)?
        }

        impl $name {
            /// The delta that turns `after` back into `before`.
            pub fn between(before: &$record, after: &$record) -> $name {
                // Every field is named here: one added to the record and
                // not to its delta does not compile (an undo would lose it).
                let $record { $($vector: _,)* $($value: _,)* $($($nested: _,)*)? } = after;
                $name {
                    $($vector: VecDelta::between(&before.$vector, &after.$vector),)*
                    $($value: changed(&before.$value, &after.$value),)*
                    $($($nested: $nt::between(&before.$nested, &after.$nested),)*)?
                }
            }

            /// The delta the other way, from this one and `after` (the
            /// value it was taken against): what turns the earlier value
            /// into `after`. The same as `between(after, before)`, without
            /// comparing the two values again (a moved card's undo step and
            /// journal entry take one comparison of the plan, not two).
            pub fn reversed(&self, after: &$record) -> $name {
                $name {
                    $($vector: self.$vector.reversed(&after.$vector),)*
                    $($value: self.$value.as_ref().map(|_| after.$value.clone()),)*
                    $($($nested: self.$nested.reversed(&after.$nested),)*)?
                }
            }

            /// Turns the later value back into the earlier one.
            pub fn restore(&self, target: &mut $record) {
                $(self.$vector.restore(&mut target.$vector);)*
                $(if let Some(old) = &self.$value { target.$value = old.clone(); })*
                $($(self.$nested.restore(&mut target.$nested);)*)?
            }
        }
    };
}

record_delta!(
    /// What turns a plan's DR timeline back into an earlier one.
    DrTimelineDelta for DrTimeline {
        vectors {
            applications: crate::dr::AppDr,
            days: crate::dr::DrDay,
            waves: crate::dr::WaveDr,
            below_target_at_end: String,
        }
        values {
            from: Option<chrono::NaiveDate>,
            to: Option<chrono::NaiveDate>,
            gap_days: u64,
            gap_days_mission_critical: u64,
            gap_days_caused: u64,
            unprotected_days: u64,
            full_coverage_from: Option<chrono::NaiveDate>,
            coverage_restored_from: Option<chrono::NaiveDate>,
        }
    }
);

record_delta!(
    /// What turns a plan back into an earlier one: an undo step of a move
    /// or a re-plan keeps this instead of the plan before.
    PlanDelta for Plan {
        vectors {
            waves: crate::plan::Wave,
            applications: crate::plan::Placement,
            move_groups: crate::plan::MoveGroupSummary,
            not_migrating: crate::plan::NotMigrating,
            dr_coverage: crate::dr::Coverage,
            violations: crate::plan::Violation,
            warnings: String,
            conflicts: crate::plan::Conflict,
        }
        values {
            config: crate::plan::PlanConfig,
            metrics: crate::plan::Metrics,
            feasible: bool,
        }
        nested {
            dr: DrTimelineDelta,
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateConfig, generate_estate};

    #[test]
    fn a_delta_restores_edits_appends_and_removals_and_keeps_only_what_changed() {
        let before = generate_estate(&GenerateConfig::with_default_dependencies(200, 40, 7));
        let mut after = before.clone();
        after.applications[3].rto_minutes = Some(15);
        after.servers.push(crate::model::Server { name: "new".into(), ..Default::default() });
        after.dependencies.truncate(after.dependencies.len() - 5);
        let delta = EstateDelta::between(&before, &after);
        assert_eq!(delta.records(), 1 + 5, "one application and five dependencies");
        let mut restored = after.clone();
        delta.restore(&mut restored);
        assert_eq!(restored, before);
        // And the way back again (redo).
        let redo = EstateDelta::between(&after, &before);
        redo.restore(&mut restored);
        assert_eq!(restored, after);
        let json = serde_json::to_string(&delta).expect("json");
        assert_eq!(serde_json::from_str::<EstateDelta>(&json).expect("back"), delta);
    }

    #[test]
    fn a_plan_delta_of_a_moved_card_restores_the_plan_and_keeps_a_fraction_of_it() {
        let estate = generate_estate(&GenerateConfig::with_default_dependencies(600, 150, 11));
        let config = crate::plan::PlanConfig::default();
        let before = crate::plan_waves(&estate, &config);
        let mut session = crate::plan::PlanSession::new(&estate, &before);
        let moved = before.applications.iter().find(|p| p.wave > 1).expect("an application past wave 1");
        session.apply(&moved.name, moved.wave - 1).expect("move");
        let after = session.plan();
        assert_ne!(after, before, "the move changed the plan");

        let delta = PlanDelta::between(&before, &after);
        let mut restored = after.clone();
        delta.restore(&mut restored);
        assert_eq!(restored, before);
        // And the way back again (redo).
        PlanDelta::between(&after, &before).restore(&mut restored);
        assert_eq!(restored, after);
        assert_eq!(delta.reversed(&after), PlanDelta::between(&after, &before), "reversed without comparing again");

        let whole = serde_json::to_string(&before).expect("json").len();
        let json = serde_json::to_string(&delta).expect("json");
        assert!(json.len() * 5 < whole, "the delta is {} bytes of a {whole}-byte plan", json.len());
        // Kept as JSON in the project file: read back as the saved plan is
        // (serde_json's float reading, without `float_roundtrip`, on both sides).
        let back: PlanDelta = serde_json::from_str(&json).expect("back");
        let value: serde_json::Value = serde_json::from_str(&json).expect("value");
        assert_eq!(serde_json::to_value(&back).expect("value"), value);
        // An unchanged plan keeps nothing.
        let none = PlanDelta::between(&before, &before);
        assert!(
            none.applications.changed.is_empty() && none.metrics.is_none() && none.dr.applications.changed.is_empty()
        );
    }

    #[test]
    fn a_reversed_vector_delta_is_the_comparison_the_other_way() {
        let cases: [(&[u32], &[u32]); 6] = [
            (&[1, 2, 3], &[1, 5, 3]),
            (&[1, 2, 3], &[1, 2, 3, 4, 5]),
            (&[1, 2, 3, 4, 5], &[9, 2]),
            (&[], &[7, 8]),
            (&[7, 8], &[]),
            (&[1, 2, 3], &[1, 2, 3]),
        ];
        for (before, after) in cases {
            let back = VecDelta::between(before, after);
            let forward = back.reversed(after);
            assert_eq!(forward, VecDelta::between(after, before), "{before:?} -> {after:?}");
            let mut target = before.to_vec();
            forward.restore(&mut target);
            assert_eq!(target, after, "{before:?} -> {after:?}");
        }
    }
}
