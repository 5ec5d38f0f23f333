//! The import screen's values: the session's preview of an import
//! (`waveplan_app::Preview`), its conflicts and the column mapping editor
//! shaped into wire types, and the mapping the user made read back. The
//! reading, merging and saving are the session's.

use std::path::Path;

use waveplan_app::{ImportFile, Preview, Session};
use waveplan_core::merge::{Choice, Conflict};
use waveplan_import::mapped::ColumnMapping;

use crate::error::AppResult;
use crate::view;
use crate::wire::{ImportFileView, ImportPreview};
use crate::wire_import::{ConflictChoice, ConflictView, MappingFieldView, MappingInput, MappingView, SourcedValueView};

/// The files of an import, shown by their file names.
pub fn files(paths: Vec<std::path::PathBuf>) -> Vec<ImportFile> {
    paths.into_iter().map(ImportFile::by_name).collect()
}

/// The preview on the wire.
pub fn preview(preview: &Preview) -> ImportPreview {
    ImportPreview {
        files: preview
            .files
            .iter()
            .map(|f| ImportFileView {
                path: f.path.display().to_string(),
                name: f.name.clone(),
                bytes: u32::try_from(f.bytes).unwrap_or(u32::MAX),
                format: f.format.clone(),
                headers: f.headers.clone(),
                rows: f.rows.clone(),
                mapping: f.mapping.clone(),
                profiles: f.profiles.clone(),
            })
            .collect(),
        diagnostics: preview.diagnostics.iter().map(view::diagnostic).collect(),
        errors: preview.errors,
        warnings: preview.warnings,
        after: view::counts(preview.after),
        before: view::counts(preview.before),
        seconds: preview.seconds,
        rows: preview.rows as f64,
        conflicts: preview.conflicts.iter().map(conflict_view).collect(),
        precedence: preview.precedence.clone(),
    }
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

/// The page's choice for a conflict, as the session takes it (`None`: back to the precedence).
pub fn choice(choice: ConflictChoice) -> Option<Choice> {
    match choice {
        ConflictChoice::Precedence => None,
        ConflictChoice::Source(source) => Some(Choice::Source(source)),
        ConflictChoice::Value(value) => Some(Choice::Value(value)),
    }
}

/// The mapping offered for a file, on the wire.
pub fn mapping_view(session: &Session, path: &Path, table: Option<&str>) -> AppResult<MappingView> {
    let (mapping, headers) = session.mapping_for(path, table)?;
    let target = mapping.table;
    Ok(MappingView {
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        name: mapping.name.clone(),
        table: target.as_str().into(),
        tables: waveplan_import::mapped::MappedTable::ALL.iter().map(|t| t.as_str().to_string()).collect(),
        headers,
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

/// The mapping the user made, read back and checked against the file's columns.
pub fn mapping_from(input: MappingInput, path: &Path) -> AppResult<ColumnMapping> {
    let table = waveplan_app::mapped_table(&input.table)?;
    let mut mapping = ColumnMapping::new(input.name.trim(), table);
    mapping.columns = input.columns.into_iter().filter(|(_, header)| !header.is_empty()).collect();
    mapping.units = input.units;
    Ok(waveplan_app::check_mapping(mapping, &waveplan_app::first_table(path)?.headers)?)
}
