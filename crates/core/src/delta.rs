//! The difference between two estates, record by record, so an undo step
//! keeps what an edit changed rather than a copy of the whole inventory
//! (an edit of one application in a 50,000-server estate keeps one
//! application).
//!
//! Records are compared by position: the estate's ids are positions, so an
//! edit changes records in place, appends or truncates; the delta keeps each
//! changed record's old value and each vector's old length.

use serde::{Deserialize, Serialize};

use crate::model::Estate;

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
}
