//! The real exports the readers' tests check against, kept in
//! `../shared/reference-formats/` beside the repository, not in it. Compiled
//! for tests only.
//!
//! A test that needs one of them fails, naming the path, when it is missing:
//! a checkout without the folder must not pass by skipping what it could not
//! check. Nothing here decides whether a file's content is right; the tests do.

use std::path::{Path, PathBuf};

/// The folder of reference files, seen from this crate.
pub(crate) const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference-formats");

/// The reference folder; panics naming it when it is not a folder.
pub(crate) fn root() -> PathBuf {
    folder_in(Path::new(ROOT)).unwrap_or_else(|message| panic!("{message}"))
}

/// The bytes of the reference file at `relative` (for example
/// `rvtools/rvtools-3x-sizing-workshop.xlsx`); panics naming the path when
/// it cannot be read.
pub(crate) fn read(relative: &str) -> Vec<u8> {
    read_in(Path::new(ROOT), relative).unwrap_or_else(|message| panic!("{message}"))
}

fn folder_in(root: &Path) -> Result<PathBuf, String> {
    if root.is_dir() {
        Ok(root.to_path_buf())
    } else {
        Err(format!(
            "reference folder {} is missing: the tests that read real exports need ../shared/reference-formats/ beside the repository",
            root.display()
        ))
    }
}

fn read_in(root: &Path, relative: &str) -> Result<Vec<u8>, String> {
    let path = folder_in(root)?.join(relative);
    std::fs::read(&path).map_err(|e| format!("reference file {} cannot be read: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_or_file_is_an_error_naming_its_path() {
        let missing = Path::new(ROOT).join("no-such-folder");
        let message = read_in(&missing, "rvtools/x.xlsx").unwrap_err();
        assert!(message.starts_with(&format!("reference folder {} is missing", missing.display())), "{message}");

        let message = read_in(Path::new(ROOT), "no-such-file.csv").unwrap_err();
        let path = Path::new(ROOT).join("no-such-file.csv");
        assert!(message.starts_with(&format!("reference file {} cannot be read", path.display())), "{message}");
    }

    #[test]
    fn the_reference_folder_is_there() {
        assert!(root().join("rvtools").is_dir(), "{}", root().display());
    }
}
