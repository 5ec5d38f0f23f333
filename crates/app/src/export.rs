//! Exports of the session's plan, in every format of the export crate,
//! written atomically (a temporary file beside the target, renamed into
//! place) with the usual file mode (`0666` less the user's umask: an export
//! is a document to hand on), so a failed export never leaves half a file
//! under the name asked for. The desktop and the command both export here.

use std::io::Write;
use std::path::{Path, PathBuf};

use waveplan_export::{Format, Options};

use crate::error::{Error, Result};
use crate::session::Session;

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The files, in the order written.
    pub written: Vec<PathBuf>,
    /// Their bytes in all.
    pub bytes: u64,
    /// What the user should know about what the format could not hold
    /// (the servers a CMF intake form leaves out).
    pub notes: Vec<String>,
}

impl Session {
    /// Writes the plan in `format` at `target`: a file, or for CSV a folder
    /// of tables (or a `.zip` file). `options.scenario`,
    /// `options.project_id` and `options.generated_at` are filled in when
    /// left empty.
    pub fn export(&self, format: Format, target: &Path, mut options: Options) -> Result<Exported> {
        let plan = self.plan()?;
        options.scenario.get_or_insert_with(|| self.scenario().to_string());
        // The calendar's event UIDs rest on it, so a re-plan's calendar
        // updates the events people imported before.
        if options.project_id.is_none() {
            options.project_id = Some(self.project().project_id()?);
        }
        options.generated_at.get_or_insert_with(|| chrono::Utc::now().naive_utc());
        let is_zip = target.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        let files: Vec<(PathBuf, Vec<u8>)> = if format == Format::Csv && !is_zip {
            if target.is_file() {
                return Err(Error::io(
                    target,
                    "is a file; csv writes a folder of tables (or give a name ending in .zip)",
                ));
            }
            std::fs::create_dir_all(target).map_err(|e| Error::io(target, e))?;
            waveplan_export::files(format, self.estate(), plan, &options)?
                .into_iter()
                .map(|f| (target.join(f.name), f.bytes))
                .collect()
        } else {
            if target.is_dir() {
                return Err(Error::io(
                    target,
                    format!("is a folder; give a file name such as plan.{}", format.extension()),
                ));
            }
            let mut bytes = Vec::new();
            waveplan_export::write(format, self.estate(), plan, &options, &mut bytes)?;
            vec![(target.to_path_buf(), bytes)]
        };
        let notes = waveplan_export::notes(format, self.estate(), plan, &options)?;
        let mut exported = Exported { written: Vec::new(), bytes: 0, notes };
        for (path, bytes) in files {
            write_atomically(&path, &bytes)?;
            exported.bytes += bytes.len() as u64;
            exported.written.push(path);
        }
        Ok(exported)
    }
}

/// Writes through a temporary file in the same folder renamed into place,
/// so a failed write never leaves half a file under the target name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".waveplan-export-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Given to open(2), so the user's umask applies as to any file they make.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
