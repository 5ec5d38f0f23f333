//! Importing files into the project: read them (with progress and a way
//! to stop), merge into a copy of the inventory (the preview), let the user
//! map spreadsheets of no known format and settle conflicts, then save that
//! copy as one action when the user confirms. All or nothing: a stopped or
//! failed read, or an import with errors, never touches the project.
//!
//! The import's record keeps each file's name and SHA-256, not the local
//! path it was read from (a project file is e-mailed; where the files sat
//! on someone's disk is not the recipient's business).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};
use waveplan_core::merge::{Batch, Choice, Conflict, MergePolicy, RecordKind, Resolution, merge_report};
use waveplan_core::{Diagnostic, Estate, EstateCounts, Severity};
use waveplan_import::mapped::{ColumnMapping, MappedTable, suggest_mapping};
use waveplan_import::progress::{Metered, ReadProgress};
use waveplan_import::{Opened, Options, Source, read_sources};
use waveplan_store::{ImportRecord, keys};

use crate::error::{Error, Result};
use crate::session::{Audit, Session};

/// Bytes read from each file for its preview.
const PREVIEW_BYTES: usize = 64 * 1024;
/// Rows shown in a preview.
const PREVIEW_ROWS: usize = 5;

/// How far a read has come, for a progress bar.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadReport {
    /// What is being done ("reading servers.csv", "merging into the inventory").
    pub stage: String,
    /// Bytes read so far, over every file.
    pub bytes: u64,
    /// Bytes of every file.
    pub total_bytes: u64,
    /// Lines read so far.
    pub rows: u64,
    /// Since the read started.
    pub seconds: f64,
}

/// What an import is asked beyond its files.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Read every file as this format id instead of recognising it.
    pub format: Option<String>,
    /// The host a connection capture was taken on.
    pub host: Option<String>,
    /// A column mapping for every spreadsheet of no known format.
    pub mapping: Option<ColumnMapping>,
    /// Column mappings of some files, by the name the file is shown by.
    pub file_mappings: BTreeMap<String, ColumnMapping>,
    /// The merge policy (else the project's).
    pub policy: Option<MergePolicy>,
}

/// One file of an import: the name it is shown by and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportFile {
    /// The name diagnostics and the preview name it by.
    pub shown: String,
    /// Where it is read from.
    pub path: PathBuf,
}

impl ImportFile {
    /// A file shown by its file name (the desktop).
    pub fn by_name(path: PathBuf) -> ImportFile {
        ImportFile { shown: file_name(&path), path }
    }

    /// A file shown as the user typed its path (the command).
    pub fn as_given(path: PathBuf) -> ImportFile {
        ImportFile { shown: path.display().to_string(), path }
    }
}

/// An import's files once each folder given stands for the files in it.
struct Expanded {
    files: Vec<ImportFile>,
    /// The files found in folders, by the name they are shown by.
    optional: std::collections::BTreeSet<String>,
    /// What was not read of the folders (their subfolders).
    notes: Vec<Diagnostic>,
}

/// The entries of a folder an import reads, in name order, hidden ones aside.
fn visible_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    Ok(entries)
}

/// Why a path given to an import cannot be read, if it cannot: not there,
/// or a folder with no file in it. The session refuses such an import; the
/// command says it in its import summary before opening the project.
pub fn unreadable(path: &Path) -> Option<&'static str> {
    if path.is_file() {
        None
    } else if !path.is_dir() {
        Some("no such file")
    } else if visible_entries(path).is_ok_and(|entries| entries.iter().any(|p| p.is_file())) {
        None
    } else {
        Some("is a folder with no file in it")
    }
}

/// Each folder given becomes the files directly in it, in name order
/// (hidden files aside); a missing file, or a folder with no file, is refused.
fn expand_folders(given: Vec<ImportFile>) -> Result<Expanded> {
    let mut out = Expanded { files: Vec::new(), optional: Default::default(), notes: Vec::new() };
    for file in given {
        if let Some(problem) = unreadable(&file.path) {
            return Err(Error::io(&file.path, problem));
        }
        if file.path.is_file() {
            out.files.push(file);
            continue;
        }
        let entries =
            visible_entries(&file.path).map_err(|e| Error::io(&file.path, format!("cannot list the folder: {e}")))?;
        for path in entries {
            let shown = Path::new(&file.shown).join(file_name(&path)).display().to_string();
            if path.is_dir() {
                let mut note = Diagnostic::new(
                    Severity::Warning,
                    "a folder inside the folder given is not read; give it to read its files",
                );
                note.file = Some(shown);
                out.notes.push(note);
            } else if path.is_file() {
                out.optional.insert(shown.clone());
                out.files.push(ImportFile { shown, path });
            }
        }
    }
    Ok(out)
}

/// The head of one file of an import, as the preview shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct FilePreview {
    /// Where it is.
    pub path: PathBuf,
    /// Its file name.
    pub name: String,
    /// Its size.
    pub bytes: u64,
    /// The format it was recognised as.
    pub format: Option<String>,
    /// The header of its table (of the largest sheet of a workbook).
    pub headers: Vec<String>,
    /// Its first rows.
    pub rows: Vec<Vec<String>>,
    /// The column mapping it is read with, if any.
    pub mapping: Option<String>,
    /// The saved mappings whose columns it has.
    pub profiles: Vec<String>,
}

/// What an import would do, before it is saved.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// Each file.
    pub files: Vec<FilePreview>,
    /// Every problem of reading and merging.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors among them (any: nothing can be saved).
    pub errors: u32,
    /// Warnings among them.
    pub warnings: u32,
    /// The inventory before.
    pub before: EstateCounts,
    /// The inventory after.
    pub after: EstateCounts,
    /// How long the read and merge took.
    pub seconds: f64,
    /// Lines read.
    pub rows: u64,
    /// Fields the sources disagree on.
    pub conflicts: Vec<Conflict>,
    /// The source precedence the merge used.
    pub precedence: Vec<String>,
}

/// An import read and merged, waiting to be saved.
pub struct Staged {
    /// The files.
    pub files: Vec<ImportFile>,
    /// The options it was read with (mappings and policy as settled so far).
    pub options: ImportOptions,
    /// What the files held, before merging.
    batch: Batch,
    /// Problems of reading.
    read_diagnostics: Vec<Diagnostic>,
    /// SHA-256 of each file, as read.
    hashes: Vec<String>,
    /// The policy the preview was merged by, resolutions of this import included.
    pub policy: MergePolicy,
    /// The inventory after the import.
    pub estate: Estate,
    /// Every diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// The session generation it was merged against.
    pub generation: u64,
    /// What the user sees.
    pub preview: Preview,
}

impl Staged {
    /// Whether it can be saved (no error diagnostics).
    pub fn can_save(&self) -> bool {
        self.preview.errors == 0
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Progress of a read over several files, with the way to stop it.
struct Meter<'a> {
    started: Instant,
    total_bytes: u64,
    /// Furthest position seen in each file: (bytes, lines).
    files: RefCell<BTreeMap<String, (u64, u64)>>,
    report: &'a dyn Fn(ReadReport) -> bool,
    stopped: RefCell<bool>,
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
        let go_on = (self.report)(ReadReport {
            stage: format!("reading {file}"),
            bytes,
            total_bytes: self.total_bytes,
            rows,
            seconds: self.started.elapsed().as_secs_f64(),
        });
        if !go_on {
            *self.stopped.borrow_mut() = true;
        }
        go_on
    }
}

/// The SHA-256 of a file, in hex.
fn sha256_of(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

impl Session {
    /// Reads and merges `files` against the inventory without saving.
    /// `report` is told how far the read has come; when it answers false,
    /// the read stops and [`Error::Cancelled`] is returned.
    pub fn stage_import(
        &self,
        files: Vec<ImportFile>,
        options: ImportOptions,
        report: &dyn Fn(ReadReport) -> bool,
    ) -> Result<Staged> {
        let started = Instant::now();
        let Expanded { files, optional, notes } = expand_folders(files)?;
        let total_bytes = files.iter().map(|f| std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0)).sum();
        let meter = Meter { started, total_bytes, files: RefCell::new(BTreeMap::new()), report, stopped: false.into() };
        let sources: Vec<_> = files
            .iter()
            .map(|f| Metered::new(Opened::new(f.shown.clone(), move || std::fs::File::open(&f.path)), &meter))
            .collect();
        let dyn_sources: Vec<&dyn Source> = sources.iter().map(|s| s as &dyn Source).collect();
        // The project's shared-infrastructure rules, applied to every import.
        let infrastructure = self.infrastructure_rules()?;
        let read_options = Options {
            format: options.format.as_deref(),
            host: options.host.as_deref(),
            mapping: options.mapping.as_ref(),
            file_mappings: Some(&options.file_mappings),
            infrastructure: Some(&infrastructure),
            optional: Some(&optional),
        };
        let mut imported = read_sources(&dyn_sources, &read_options);
        // A stopped read is thrown away whole, whatever it had read.
        if *meter.stopped.borrow() {
            return Err(Error::Cancelled);
        }
        drop(dyn_sources);
        drop(sources);
        imported.diagnostics.extend(notes);
        // A file of a folder that was left out is not part of the import:
        // not previewed, not in its record.
        let files: Vec<ImportFile> = files
            .into_iter()
            .filter(|f| !optional.contains(&f.shown) || imported.batch.formats.contains_key(&f.shown))
            .collect();
        let hashes = files.iter().map(|f| sha256_of(&f.path)).collect::<Result<Vec<_>>>()?;
        let rows = meter.totals().1;
        let policy = match &options.policy {
            Some(policy) => policy.clone(),
            None => self.project().setting(keys::MERGE_POLICY)?.unwrap_or_default(),
        };
        if !report(ReadReport {
            stage: "merging into the inventory".into(),
            bytes: total_bytes,
            total_bytes,
            rows,
            seconds: started.elapsed().as_secs_f64(),
        }) {
            return Err(Error::Cancelled);
        }
        let mut staged = Staged {
            files,
            options,
            batch: imported.batch,
            read_diagnostics: imported.diagnostics,
            hashes,
            policy,
            estate: Estate::default(),
            diagnostics: Vec::new(),
            generation: self.generation(),
            preview: Preview {
                files: Vec::new(),
                diagnostics: Vec::new(),
                errors: 0,
                warnings: 0,
                before: self.estate().counts(),
                after: self.estate().counts(),
                seconds: 0.0,
                rows,
                conflicts: Vec::new(),
                precedence: Vec::new(),
            },
        };
        self.merge_staged(&mut staged, started)?;
        Ok(staged)
    }

    /// Merges the files read into a copy of the inventory under the staged
    /// policy, and makes the preview.
    fn merge_staged(&self, staged: &mut Staged, started: Instant) -> Result<()> {
        let mut estate = Estate::clone(self.estate());
        let report = merge_report(&mut estate, staged.batch.clone(), &staged.policy);
        let mut diagnostics = staged.read_diagnostics.clone();
        diagnostics.extend(report.diagnostics);
        let profiles = self.saved_mappings()?;
        let files = staged
            .files
            .iter()
            .map(|f| {
                let mapping = staged.options.file_mappings.get(&f.shown).or(staged.options.mapping.as_ref());
                preview_file(&f.path, staged.batch.formats.get(&f.shown).cloned(), mapping, &profiles)
            })
            .collect();
        let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count() as u32;
        staged.preview = Preview {
            files,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            diagnostics: diagnostics.clone(),
            after: estate.counts(),
            before: self.estate().counts(),
            seconds: started.elapsed().as_secs_f64(),
            rows: staged.preview.rows,
            conflicts: report.conflicts,
            precedence: staged.policy.precedence.clone(),
        };
        staged.estate = estate;
        staged.diagnostics = diagnostics;
        staged.generation = self.generation();
        Ok(())
    }

    /// Settles one conflict of a staged import (a source's value, a typed
    /// value, or back to the precedence) and merges again without reading
    /// the files again. A typed value that is not valid for the field is
    /// refused and changes nothing.
    pub fn resolve_conflict(
        &self,
        staged: &mut Staged,
        record: &str,
        name: &str,
        field: &str,
        choice: Option<Choice>,
    ) -> Result<()> {
        let kind = match record {
            "server" => RecordKind::Server,
            "application" => RecordKind::Application,
            "datastore" => RecordKind::DataStore,
            other => {
                return Err(Error::invalid("record", format!("'{other}' is not server, application or datastore")));
            }
        };
        let before = staged.policy.clone();
        match choice {
            None => {
                staged.policy.resolutions.remove(kind, name, field);
            }
            Some(choice) => {
                let choice = match choice {
                    Choice::Value(value) => Choice::Value(value.trim().to_string()),
                    other => other,
                };
                staged.policy.resolutions.set(Resolution {
                    record: kind,
                    name: name.into(),
                    field: field.into(),
                    choice,
                })
            }
        }
        let errors_before = staged.preview.errors;
        self.merge_staged(staged, Instant::now())?;
        if staged.preview.errors > errors_before {
            let message =
                staged.diagnostics.iter().rev().find(|d| d.is_error()).map(|d| d.message.clone()).unwrap_or_default();
            staged.policy = before;
            self.merge_staged(staged, Instant::now())?;
            return Err(Error::invalid(field, message));
        }
        Ok(())
    }

    /// Saves a staged import as one action: the new inventory, the import's
    /// record (file names and SHA-256, counts), and the merge policy it was
    /// settled by, so a later import settles the same conflicts the same
    /// way. An import staged against an older inventory is read again first.
    pub fn commit_import(&mut self, staged: Staged) -> Result<()> {
        let staged = if staged.generation == self.generation() {
            staged
        } else {
            self.stage_import(staged.files, ImportOptions { policy: Some(staged.policy), ..staged.options }, &|_| true)?
        };
        if !staged.can_save() {
            return Err(Error::ImportRefused { errors: staged.preview.errors });
        }
        let names: Vec<String> = staged.files.iter().map(|f| file_name(&f.path)).collect();
        let after = staged.preview.after;
        let summary_json = serde_json::to_string(&serde_json::json!({
            "servers": after.servers,
            "devices": after.devices,
            "applications": after.applications,
            "datastores": after.datastores,
            "dependencies": after.dependencies,
            "constraints": after.constraints,
            "warnings": staged.preview.warnings,
            "conflicts": staged.preview.conflicts.len(),
            "mappings": staged.options.file_mappings.values().chain(staged.options.mapping.as_ref()).map(|m| m.name.clone()).collect::<Vec<_>>(),
        }))?;
        let record = ImportRecord {
            files: names.clone(),
            file_hashes: staged.hashes,
            imported_at: chrono::Utc::now(),
            summary_json,
        };
        let shown = match names.as_slice() {
            [one] => one.clone(),
            many => format!("{} files", many.len()),
        };
        let audit = Audit::new(
            "import",
            format!(
                "imported {shown}; the inventory now holds {} servers, {} devices, {} applications, {} data stores, {} dependencies",
                after.servers, after.devices, after.applications, after.datastores, after.dependencies
            ),
            names,
        );
        let policy = staged.policy;
        let estate = staged.estate;
        self.act("import", audit, move |d| {
            d.replace_estate(estate);
            d.record_import(record);
            d.set_setting(keys::MERGE_POLICY, &policy)
        })
    }

    /// Imports the sample hospital compiled into the import crate (the
    /// desktop's "Open the sample hospital", `waveplan demo`), as one
    /// action; returns what the import said (warnings and notes).
    pub fn import_sample(&mut self) -> Result<Vec<Diagnostic>> {
        let (estate, diagnostics) = waveplan_import::sample::hospital();
        if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
            return Err(Error::Internal { message: format!("the bundled sample does not import: {error}") });
        }
        let names: Vec<String> =
            waveplan_import::sample::HOSPITAL.iter().map(|(name, _)| format!("samples/hospital/{name}")).collect();
        let hashes = waveplan_import::sample::HOSPITAL
            .iter()
            .map(|(_, bytes)| Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        let counts = estate.counts();
        let record = ImportRecord {
            files: names.clone(),
            file_hashes: hashes,
            imported_at: chrono::Utc::now(),
            summary_json: "{}".into(),
        };
        let audit = Audit::new(
            "import",
            format!(
                "imported the sample hospital: {} servers, {} applications, {} dependencies",
                counts.servers, counts.applications, counts.dependencies
            ),
            names,
        );
        self.act("import the sample", audit, move |d| {
            d.replace_estate(estate);
            d.record_import(record);
            Ok(())
        })?;
        Ok(diagnostics)
    }

    /// The mapping offered for a file: a saved one whose columns it has,
    /// else the import crate's suggestion for `table` (servers by default),
    /// with the file's header.
    pub fn mapping_for(&self, path: &Path, table: Option<&str>) -> Result<(ColumnMapping, Vec<String>)> {
        let first = first_table(path)?;
        let target = match table {
            Some(name) => mapped_table(name)?,
            None => MappedTable::Servers,
        };
        let saved = self
            .saved_mappings()?
            .into_iter()
            .filter(|m| {
                m.table == target
                    && !m.columns.is_empty()
                    && m.columns.values().all(|h| header_matches(&first.headers, h))
            })
            .max_by_key(|m| m.columns.len());
        Ok((saved.unwrap_or_else(|| suggest_mapping(&first, target)), first.headers))
    }
}

/// The mapped table named `name`.
pub fn mapped_table(name: &str) -> Result<MappedTable> {
    MappedTable::ALL
        .into_iter()
        .find(|t| t.as_str() == name)
        .ok_or_else(|| Error::invalid("table", format!("'{name}' is not servers, applications or dependencies")))
}

fn header_matches(headers: &[String], wanted: &str) -> bool {
    let key = |h: &str| h.trim().trim_matches('*').trim().to_lowercase();
    headers.iter().any(|h| key(h) == key(wanted))
}

/// A mapping as the user made it, checked against the file's columns: a
/// name, fields of its table only, columns the file has, every required
/// field mapped.
pub fn check_mapping(mapping: ColumnMapping, headers: &[String]) -> Result<ColumnMapping> {
    if mapping.name.trim().is_empty() {
        return Err(Error::invalid("name", "a mapping needs a name"));
    }
    let table = mapping.table;
    for (field, header) in &mapping.columns {
        if !table.fields().contains(&field.as_str()) {
            return Err(Error::invalid(field, format!("not a field of {}", table.as_str())));
        }
        if !header_matches(headers, header) {
            return Err(Error::invalid(field, format!("the file has no column '{header}'")));
        }
    }
    if let Some(missing) = table.required().iter().find(|f| !mapping.columns.contains_key(**f)) {
        return Err(Error::invalid(missing, format!("{} need a column for {missing}", table.as_str())));
    }
    Ok(mapping)
}

/// The first table of a spreadsheet (the sheet with the most rows, for a workbook).
pub fn first_table(path: &Path) -> Result<waveplan_import::table::Table> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let name = file_name(path);
    let shown = |d: Diagnostic| Error::invalid("file", d.to_string());
    if waveplan_import::xlsx::is_zip(&bytes) {
        let workbook = waveplan_import::xlsx::read_workbook(&name, &bytes).map_err(shown)?;
        workbook
            .sheets
            .into_iter()
            .max_by_key(|s| s.rows.len())
            .ok_or_else(|| Error::invalid("file", format!("{name}: no sheet has a header row")))
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
) -> FilePreview {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::with_capacity(PREVIEW_BYTES);
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(PREVIEW_BYTES as u64).read_to_end(&mut head);
    }
    let rows_of = |table: &waveplan_import::table::Table| -> Vec<Vec<String>> {
        table.rows.iter().take(PREVIEW_ROWS).map(|r| r.cells.clone()).collect()
    };
    let (headers, rows) = if waveplan_import::xlsx::is_zip(&head) {
        match first_table(path) {
            Ok(table) => (table.headers.clone(), rows_of(&table)),
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
            Ok(table) => (table.headers.clone(), rows_of(&table)),
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
    FilePreview {
        path: path.to_path_buf(),
        name: file_name(path),
        bytes,
        format,
        headers,
        rows,
        mapping: mapping.map(|m| m.name.clone()),
        profiles: fitting,
    }
}
