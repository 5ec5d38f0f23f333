//! Importing files into the open project: read them (off the main thread,
//! with progress and a cancel flag), merge into a copy of the estate (the
//! preview), let the user map unknown spreadsheets and settle conflicts,
//! then save that copy in one transaction when the user confirms. All or
//! nothing, like `waveplan import`: a cancelled or failed read never
//! touches the project.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use waveplan_core::merge::{Batch, Choice, Conflict, MergePolicy, RecordKind, Resolution, merge_report};
use waveplan_core::{Diagnostic, Estate, Severity};
use waveplan_import::connections::InfrastructureRules;
use waveplan_import::mapped::{ColumnMapping, MappedTable, suggest_mapping};
use waveplan_import::progress::{Metered, ReadProgress};
use waveplan_import::{Opened, Options, Source, read_sources};
use waveplan_store::ImportRecord;

use crate::error::{AppError, AppResult};
use crate::session::Session;
use crate::state::Task;
use crate::view;
use crate::wire::{ImportFileView, ImportPreview};
use crate::wire_import::{
    ConflictChoice, ConflictView, ImportProgress, MappingFieldView, MappingInput, MappingView, SourcedValueView,
};

/// Bytes read from each file for its preview.
const PREVIEW_BYTES: usize = 64 * 1024;
/// Rows shown in a preview.
const PREVIEW_ROWS: usize = 5;

/// An import read and merged, waiting for the user to save it.
pub struct Staged {
    /// The files.
    pub paths: Vec<PathBuf>,
    /// The column mapping of each spreadsheet of no known format, by file name.
    pub mappings: BTreeMap<String, ColumnMapping>,
    /// What the files held, before merging.
    batch: Batch,
    /// Problems of reading.
    read_diagnostics: Vec<Diagnostic>,
    /// Lines read.
    rows: u64,
    /// The policy the preview was merged by, resolutions of this import included.
    pub policy: MergePolicy,
    /// The estate after the import.
    pub estate: Estate,
    /// Every diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// The session generation it was merged against.
    pub generation: u64,
    /// What the user saw.
    pub preview: ImportPreview,
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Progress of a read over several files, sent to the page, with the cancel flag.
struct Meter<'a> {
    task: &'a Task,
    started: Instant,
    total_bytes: u64,
    /// Furthest position seen in each file: (bytes, lines).
    files: RefCell<BTreeMap<String, (u64, u64)>>,
    send: &'a dyn Fn(ImportProgress),
}

impl Meter<'_> {
    fn totals(&self) -> (u64, u64) {
        self.files.borrow().values().fold((0, 0), |(b, l), (fb, fl)| (b + fb, l + fl))
    }
}

impl ReadProgress for Meter<'_> {
    fn advance(&self, file: &str, bytes: u64, lines: u64) -> bool {
        {
            let mut files = self.files.borrow_mut();
            let entry = files.entry(file.to_string()).or_default();
            *entry = (entry.0.max(bytes), entry.1.max(lines));
        }
        let (bytes, rows) = self.totals();
        (self.send)(ImportProgress {
            task: self.task.id,
            stage: format!("reading {file}"),
            bytes: bytes as f64,
            total_bytes: self.total_bytes as f64,
            rows: rows as f64,
            seconds: self.started.elapsed().as_secs_f64(),
        });
        self.task.check().is_ok()
    }
}

/// Reads and merges `paths` against the session's estate without saving.
pub fn stage(
    session: &Session,
    paths: Vec<PathBuf>,
    mappings: BTreeMap<String, ColumnMapping>,
    policy: Option<MergePolicy>,
    task: &Task,
    send: &dyn Fn(ImportProgress),
) -> AppResult<Staged> {
    let started = Instant::now();
    for path in &paths {
        if !path.is_file() {
            return Err(AppError::io(path, "no such file"));
        }
    }
    let total_bytes = paths.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum();
    let meter = Meter { task, started, total_bytes, files: RefCell::new(BTreeMap::new()), send };
    let sources: Vec<_> =
        paths.iter().map(|p| Metered::new(Opened::new(file_name(p), move || std::fs::File::open(p)), &meter)).collect();
    let dyn_sources: Vec<&dyn Source> = sources.iter().map(|s| s as &dyn Source).collect();
    // The project's shared-infrastructure rules, as `waveplan import` applies them.
    let infrastructure: InfrastructureRules =
        session.project.setting(waveplan_store::keys::INFRASTRUCTURE_RULES)?.unwrap_or_default();
    let options =
        Options { file_mappings: Some(&mappings), infrastructure: Some(&infrastructure), ..Options::default() };
    let imported = read_sources(&dyn_sources, &options);
    // A cancelled read is thrown away whole, whatever it had read.
    task.check()?;
    let rows = meter.totals().1;
    let policy = match policy {
        Some(policy) => policy,
        None => session.project.setting(waveplan_store::keys::MERGE_POLICY)?.unwrap_or_default(),
    };
    let mut staged = Staged {
        paths,
        mappings,
        batch: imported.batch,
        read_diagnostics: imported.diagnostics,
        rows,
        policy,
        estate: Estate::default(),
        diagnostics: Vec::new(),
        generation: session.generation,
        preview: empty_preview(),
    };
    send(ImportProgress {
        task: task.id,
        stage: "merging into the inventory".into(),
        bytes: total_bytes as f64,
        total_bytes: total_bytes as f64,
        rows: rows as f64,
        seconds: started.elapsed().as_secs_f64(),
    });
    merge(session, &mut staged, started)?;
    Ok(staged)
}

fn empty_preview() -> ImportPreview {
    ImportPreview {
        files: Vec::new(),
        diagnostics: Vec::new(),
        errors: 0,
        warnings: 0,
        after: view::counts(Estate::default().counts()),
        before: view::counts(Estate::default().counts()),
        seconds: 0.0,
        rows: 0.0,
        conflicts: Vec::new(),
        precedence: Vec::new(),
    }
}

/// Merges the files read into a copy of the session's estate under the
/// staged policy, and makes the preview.
fn merge(session: &Session, staged: &mut Staged, started: Instant) -> AppResult<()> {
    let mut estate = (*session.estate).clone();
    let report = merge_report(&mut estate, staged.batch.clone(), &staged.policy);
    let mut diagnostics = staged.read_diagnostics.clone();
    diagnostics.extend(report.diagnostics);
    let profiles = saved_mappings(session)?;
    let files = staged
        .paths
        .iter()
        .map(|path| {
            let name = file_name(path);
            preview_file(path, staged.batch.formats.get(&name).cloned(), staged.mappings.get(&name), &profiles)
        })
        .collect();
    let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count() as u32;
    staged.preview = ImportPreview {
        files,
        diagnostics: diagnostics.iter().map(view::diagnostic).collect(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        after: view::counts(estate.counts()),
        before: view::counts(session.estate.counts()),
        seconds: started.elapsed().as_secs_f64(),
        rows: staged.rows as f64,
        conflicts: report.conflicts.iter().map(conflict_view).collect(),
        precedence: staged.policy.precedence.clone(),
    };
    staged.estate = estate;
    staged.diagnostics = diagnostics;
    staged.generation = session.generation;
    Ok(())
}

fn conflict_view(conflict: &Conflict) -> ConflictView {
    let value = |v: &waveplan_core::merge::SourcedValue| SourcedValueView {
        source: v.source.clone(),
        format: v.source.split_once(':').map_or(v.source.as_str(), |(f, _)| f).to_string(),
        value: v.value.clone(),
    };
    ConflictView {
        record: conflict.record.as_str().to_string(),
        name: conflict.name.clone(),
        field: conflict.field.clone(),
        values: conflict.values.iter().map(value).collect(),
        kept: value(&conflict.kept),
        resolved: conflict.resolved,
    }
}

/// Settles one conflict of the staged import and merges again (the files
/// are not read again). A typed value that is not valid for the field is
/// refused and changes nothing.
pub fn resolve(
    session: &Session,
    staged: &mut Staged,
    record: &str,
    name: &str,
    field: &str,
    choice: ConflictChoice,
) -> AppResult<()> {
    let kind = match record {
        "server" => RecordKind::Server,
        "application" => RecordKind::Application,
        "datastore" => RecordKind::DataStore,
        other => return Err(AppError::invalid("record", format!("'{other}' is not server, application or datastore"))),
    };
    let before = staged.policy.clone();
    match choice {
        ConflictChoice::Precedence => {
            staged.policy.resolutions.remove(kind, name, field);
        }
        ConflictChoice::Source(source) => staged.policy.resolutions.set(Resolution {
            record: kind,
            name: name.into(),
            field: field.into(),
            choice: Choice::Source(source),
        }),
        ConflictChoice::Value(value) => staged.policy.resolutions.set(Resolution {
            record: kind,
            name: name.into(),
            field: field.into(),
            choice: Choice::Value(value.trim().to_string()),
        }),
    }
    let errors_before = staged.preview.errors;
    merge(session, staged, Instant::now())?;
    if staged.preview.errors > errors_before {
        let message =
            staged.diagnostics.iter().rev().find(|d| d.is_error()).map(|d| d.message.clone()).unwrap_or_default();
        staged.policy = before;
        merge(session, staged, Instant::now())?;
        return Err(AppError::invalid(field, message));
    }
    Ok(())
}

/// Saves a staged import into the session, as one undoable edit, with the
/// merge policy it was settled by (so a later re-import settles the same
/// conflicts the same way).
pub fn commit(session: &mut Session, staged: Staged) -> AppResult<()> {
    let errors = staged.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(AppError::ImportRefused { errors: errors as u32 });
    }
    let record = ImportRecord {
        files: staged.paths.iter().map(|p| p.display().to_string()).collect(),
        file_hashes: Vec::new(),
        imported_at: chrono::Utc::now(),
        summary_json: serde_json::to_string(&serde_json::json!({
            "counts": staged.preview.after,
            "warnings": staged.preview.warnings,
            "conflicts": staged.preview.conflicts.len(),
            "mappings": staged.mappings.values().map(|m| m.name.clone()).collect::<Vec<_>>(),
        }))?,
    };
    let policy = serde_json::to_value(&staged.policy)?;
    session.import(staged.estate, &record, &[(waveplan_store::keys::MERGE_POLICY, policy)])
}

/// The mapping profiles saved in the project.
pub fn saved_mappings(session: &Session) -> AppResult<Vec<ColumnMapping>> {
    let mut out = Vec::new();
    for key in session.project.setting_keys(waveplan_store::keys::MAPPING_PREFIX)? {
        if let Some(mapping) = session.project.setting::<ColumnMapping>(&key)? {
            out.push(mapping);
        }
    }
    Ok(out)
}

fn header_matches(headers: &[String], wanted: &str) -> bool {
    let key = |h: &str| h.trim().trim_matches('*').trim().to_lowercase();
    headers.iter().any(|h| key(h) == key(wanted))
}

/// The mapping offered for a file: a saved profile that fits its columns,
/// else the import crate's suggestion for `table`.
pub fn mapping_for(session: &Session, path: &Path, table: Option<&str>) -> AppResult<MappingView> {
    let first = first_table(path)?;
    let target = match table {
        Some(name) => MappedTable::ALL.into_iter().find(|t| t.as_str() == name).ok_or_else(|| {
            AppError::invalid("table", format!("'{name}' is not servers, applications or dependencies"))
        })?,
        None => MappedTable::Servers,
    };
    let saved = saved_mappings(session)?
        .into_iter()
        .filter(|m| {
            m.table == target && !m.columns.is_empty() && m.columns.values().all(|h| header_matches(&first.headers, h))
        })
        .max_by_key(|m| m.columns.len());
    let mapping = saved.unwrap_or_else(|| suggest_mapping(&first, target));
    Ok(MappingView {
        file: file_name(path),
        name: mapping.name.clone(),
        table: target.as_str().into(),
        tables: MappedTable::ALL.iter().map(|t| t.as_str().to_string()).collect(),
        headers: first.headers.clone(),
        fields: target
            .fields()
            .iter()
            .map(|f| MappingFieldView {
                field: f.to_string(),
                required: target.required().contains(f),
                header: mapping.columns.get(*f).cloned(),
            })
            .collect(),
        units: mapping.units.clone(),
    })
}

/// A mapping as the user edited it, checked against the file's columns.
pub fn mapping_from(input: MappingInput, headers: &[String]) -> AppResult<ColumnMapping> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "a mapping needs a name"));
    }
    let table = MappedTable::ALL.into_iter().find(|t| t.as_str() == input.table).ok_or_else(|| {
        AppError::invalid("table", format!("'{}' is not servers, applications or dependencies", input.table))
    })?;
    let mut mapping = ColumnMapping::new(name, table);
    for (field, header) in input.columns {
        if header.is_empty() {
            continue;
        }
        if !table.fields().contains(&field.as_str()) {
            return Err(AppError::invalid(&field, format!("not a field of {}", table.as_str())));
        }
        if !header_matches(headers, &header) {
            return Err(AppError::invalid(&field, format!("the file has no column '{header}'")));
        }
        mapping.columns.insert(field, header);
    }
    if let Some(missing) = table.required().iter().find(|f| !mapping.columns.contains_key(**f)) {
        return Err(AppError::invalid(missing, format!("{} need a column for {missing}", table.as_str())));
    }
    mapping.units = input.units;
    Ok(mapping)
}

/// The first table of a spreadsheet (the sheet with the most rows, for a workbook).
pub fn first_table(path: &Path) -> AppResult<waveplan_import::table::Table> {
    let bytes = std::fs::read(path).map_err(|e| AppError::io(path, e.to_string()))?;
    let name = file_name(path);
    let shown = |d: Diagnostic| AppError::invalid("file", d.to_string());
    if waveplan_import::xlsx::is_zip(&bytes) {
        let workbook = waveplan_import::xlsx::read_workbook(&name, &bytes).map_err(shown)?;
        workbook
            .sheets
            .into_iter()
            .max_by_key(|s| s.rows.len())
            .ok_or_else(|| AppError::invalid("file", format!("{name}: no sheet has a header row")))
    } else {
        waveplan_import::table::read_csv_table(&name, &bytes, 0).map_err(shown)
    }
}

/// The header and first rows of a table file (of the largest sheet of a
/// workbook), with the mapping it is read with and the profiles that fit.
fn preview_file(
    path: &Path,
    format: Option<String>,
    mapping: Option<&ColumnMapping>,
    profiles: &[ColumnMapping],
) -> ImportFileView {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::with_capacity(PREVIEW_BYTES);
    if let Ok(file) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = file.take(PREVIEW_BYTES as u64).read_to_end(&mut head);
    }
    let (headers, rows) = if waveplan_import::xlsx::is_zip(&head) {
        match first_table(path) {
            Ok(table) => {
                (table.headers.clone(), table.rows.iter().take(PREVIEW_ROWS).map(|r| r.cells.clone()).collect())
            }
            Err(_) => (Vec::new(), Vec::new()),
        }
    } else {
        // Cut at the last whole line so the preview never shows half a row.
        if head.len() == PREVIEW_BYTES
            && let Some(end) = head.iter().rposition(|&b| b == b'\n')
        {
            head.truncate(end + 1);
        }
        match waveplan_import::table::read_csv_table(&file_name(path), &head, 0) {
            Ok(table) => {
                (table.headers.clone(), table.rows.iter().take(PREVIEW_ROWS).map(|r| r.cells.clone()).collect())
            }
            Err(_) => {
                let text = String::from_utf8_lossy(&head);
                (Vec::new(), text.lines().take(PREVIEW_ROWS).map(|l| vec![l.to_string()]).collect())
            }
        }
    };
    let fitting = profiles
        .iter()
        .filter(|m| !m.columns.is_empty() && m.columns.values().all(|h| header_matches(&headers, h)))
        .map(|m| m.name.clone())
        .collect();
    ImportFileView {
        path: path.display().to_string(),
        name: file_name(path),
        bytes: u32::try_from(bytes).unwrap_or(u32::MAX),
        format,
        headers,
        rows,
        mapping: mapping.map(|m| m.name.clone()),
        profiles: fitting,
    }
}
