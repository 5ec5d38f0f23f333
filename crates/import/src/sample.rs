//! The sample community hospital of `samples/hospital`, compiled in so the
//! command's `demo` and the desktop app's "Open the sample hospital" work
//! from an installed binary, wherever it runs.

use waveplan_core::merge::merge;
use waveplan_core::{Diagnostic, Estate};

use crate::{Input, Options, Source, read_sources};

/// The sample's files: name and contents.
pub const HOSPITAL: &[(&str, &[u8])] = &[
    ("servers.csv", include_bytes!("../../../samples/hospital/servers.csv")),
    ("devices.csv", include_bytes!("../../../samples/hospital/devices.csv")),
    ("applications.csv", include_bytes!("../../../samples/hospital/applications.csv")),
    ("datastores.csv", include_bytes!("../../../samples/hospital/datastores.csv")),
    ("members.csv", include_bytes!("../../../samples/hospital/members.csv")),
    ("dependencies.csv", include_bytes!("../../../samples/hospital/dependencies.csv")),
    ("constraints.csv", include_bytes!("../../../samples/hospital/constraints.csv")),
];

/// The sample hospital read and merged into a new estate, through the path
/// a user's import takes, with every diagnostic of the read and the merge.
pub fn hospital() -> (Estate, Vec<Diagnostic>) {
    let inputs: Vec<Input<'_>> = HOSPITAL.iter().map(|&(name, bytes)| Input { name, bytes }).collect();
    let sources: Vec<&dyn Source> = inputs.iter().map(|i| i as &dyn Source).collect();
    let imported = read_sources(&sources, &Options::default());
    let mut estate = Estate::default();
    let mut diagnostics = imported.diagnostics;
    diagnostics.extend(merge(&mut estate, imported.batch));
    (estate, diagnostics)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_hospital_imports_without_errors() {
        let (estate, diagnostics) = super::hospital();
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        assert_eq!(estate.counts().servers, 149);
        assert_eq!(estate.counts().applications, 45);
    }
}
