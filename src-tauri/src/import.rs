//! Importing files into the open project: read and merge them into a copy
//! of the estate (the preview), then save that copy in one transaction when
//! the user confirms. All or nothing, like `waveplan import`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use waveplan_core::merge::{MergePolicy, merge_with};
use waveplan_core::{Diagnostic, Estate};
use waveplan_import::{Options, Source, read_sources};
use waveplan_store::ImportRecord;

use crate::error::{AppError, AppResult};
use crate::session::Session;
use crate::state::Task;
use crate::view;
use crate::wire::{ImportFileView, ImportPreview};

/// The project setting the CLI keeps the merge policy under.
const MERGE_POLICY_SETTING: &str = "merge_policy";
/// Bytes read from each file for its preview.
const PREVIEW_BYTES: usize = 64 * 1024;
/// Rows shown in a preview.
const PREVIEW_ROWS: usize = 5;

/// An import read and merged, waiting for the user to save it.
pub struct Staged {
    /// The files.
    pub paths: Vec<PathBuf>,
    /// The estate after the import.
    pub estate: Estate,
    /// Every diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// The session generation it was merged against.
    pub generation: u64,
    /// What the user saw.
    pub preview: ImportPreview,
}

/// A file on disk, streamed or read whole as its importer needs.
struct FileSource {
    path: PathBuf,
    name: String,
}

impl Source for FileSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> std::io::Result<Box<dyn BufRead + '_>> {
        Ok(Box::new(std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&self.path)?)))
    }

    fn read_all(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(&self.path)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Reads and merges `paths` against the session's estate without saving.
pub fn stage(session: &Session, paths: Vec<PathBuf>, task: &Task, progress: &dyn Fn(&str, u32, u32)) -> AppResult<Staged> {
    let started = Instant::now();
    for path in &paths {
        if !path.is_file() {
            return Err(AppError::io(path, "no such file"));
        }
    }
    let total = paths.len() as u32 + 2;
    progress("reading the files", 0, total);
    let sources: Vec<FileSource> = paths.iter().map(|p| FileSource { path: p.clone(), name: file_name(p) }).collect();
    let dyn_sources: Vec<&dyn Source> = sources.iter().map(|s| s as &dyn Source).collect();
    let imported = read_sources(&dyn_sources, &Options::default());
    task.check()?;
    progress("merging into the inventory", paths.len() as u32, total);
    let policy: MergePolicy = session.project.setting(MERGE_POLICY_SETTING)?.unwrap_or_default();
    let mut estate = session.estate.clone();
    let formats = imported.batch.formats.clone();
    let mut diagnostics = imported.diagnostics;
    diagnostics.extend(merge_with(&mut estate, imported.batch, &policy));
    task.check()?;
    progress("preview ready", total, total);
    let files = paths
        .iter()
        .zip(&sources)
        .map(|(path, source)| preview_file(path, formats.get(&source.name).cloned()))
        .collect();
    let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count() as u32;
    let preview = ImportPreview {
        files,
        diagnostics: diagnostics.iter().map(view::diagnostic).collect(),
        errors: count(waveplan_core::Severity::Error),
        warnings: count(waveplan_core::Severity::Warning),
        after: view::counts(estate.counts()),
        before: view::counts(session.estate.counts()),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok(Staged { paths, estate, diagnostics, generation: session.generation, preview })
}

/// Saves a staged import into the session, as one undoable edit.
pub fn commit(session: &mut Session, staged: Staged) -> AppResult<()> {
    let errors = staged.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(AppError::ImportRefused { errors: errors as u32 });
    }
    let record = ImportRecord {
        files: staged.paths.iter().map(|p| p.display().to_string()).collect(),
        imported_at: chrono::Utc::now(),
        summary_json: serde_json::to_string(&serde_json::json!({
            "counts": staged.preview.after,
            "warnings": staged.preview.warnings,
        }))?,
    };
    session.import(staged.estate, &record)
}

/// The header and first rows of a table file; nothing for a workbook.
fn preview_file(path: &Path, format: Option<String>) -> ImportFileView {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::with_capacity(PREVIEW_BYTES);
    if let Ok(file) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = file.take(PREVIEW_BYTES as u64).read_to_end(&mut head);
    }
    let (headers, rows) = if waveplan_import::xlsx::is_zip(&head) {
        (Vec::new(), Vec::new())
    } else {
        // Cut at the last whole line so the preview never shows half a row.
        if head.len() == PREVIEW_BYTES
            && let Some(end) = head.iter().rposition(|&b| b == b'\n')
        {
            head.truncate(end + 1);
        }
        match waveplan_import::table::read_csv_table(&file_name(path), &head, 0) {
            Ok(table) => (table.headers.clone(), table.rows.iter().take(PREVIEW_ROWS).map(|r| r.cells.clone()).collect()),
            Err(_) => {
                let text = String::from_utf8_lossy(&head);
                (Vec::new(), text.lines().take(PREVIEW_ROWS).map(|l| vec![l.to_string()]).collect())
            }
        }
    };
    ImportFileView {
        path: path.display().to_string(),
        name: file_name(path),
        bytes: u32::try_from(bytes).unwrap_or(u32::MAX),
        format,
        headers,
        rows,
    }
}
