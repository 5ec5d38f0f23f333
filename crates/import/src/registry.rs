//! Which format a file is, and reading a whole import of mixed files.
//!
//! Each file is recognised from its content (workbook sheets, header row,
//! the shape of its first lines) or taken as the format the caller names.
//! Files of one format are read together, so formats split over several files
//! (RVTools per-tab CSVs, Google Migration Center, ServiceNow servers and
//! relations) can be joined. Connection data streams through one aggregator,
//! so memory follows the number of distinct connections, not of rows.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use waveplan_core::{Diagnostic, Origin, Severity};

use crate::mapped::ColumnMapping;
use crate::native::{self, Table as NativeTable};
use crate::table::{Table, read_csv_table};
use crate::xlsx::{Workbook, is_zip, read_workbook};
use crate::{FormatInfo, Imported, aws, azure, connections, gmc, rvtools, servicenow, text};

/// A file to import: its name and a way to read it, once whole or as a stream.
pub trait Source {
    /// The name the user knows the file by.
    fn name(&self) -> &str;
    /// Opens the file for streaming.
    fn open(&self) -> std::io::Result<Box<dyn BufRead + '_>>;
    /// Reads the whole file.
    fn read_all(&self) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open()?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// A source the caller opens: the binaries, which alone touch paths, give
/// its name and how to open it (`|| File::open(path)`); it is streamed
/// through a 256 KiB buffer, or read whole.
pub struct Opened<F> {
    name: String,
    open: F,
}

impl<F, R> Opened<F>
where
    F: Fn() -> std::io::Result<R>,
    R: Read + 'static,
{
    /// A source called `name`, opened by `open` each time it is read.
    pub fn new(name: impl Into<String>, open: F) -> Opened<F> {
        Opened { name: name.into(), open }
    }
}

impl<F, R> Source for Opened<F>
where
    F: Fn() -> std::io::Result<R>,
    R: Read + 'static,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> std::io::Result<Box<dyn BufRead + '_>> {
        Ok(Box::new(std::io::BufReader::with_capacity(256 * 1024, (self.open)()?)))
    }
}

impl Source for crate::Input<'_> {
    fn name(&self) -> &str {
        self.name
    }

    fn open(&self) -> std::io::Result<Box<dyn BufRead + '_>> {
        Ok(Box::new(self.bytes))
    }

    fn read_all(&self) -> std::io::Result<Vec<u8>> {
        Ok(self.bytes.to_vec())
    }
}

/// How to read an import.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// Read every file as this format id instead of recognising it.
    pub format: Option<&'a str>,
    /// The host a connection capture was taken on (else taken from the file name).
    pub host: Option<&'a str>,
    /// A column mapping for spreadsheets of no known format.
    pub mapping: Option<&'a ColumnMapping>,
    /// Column mappings for some files only, by file name ([`Source::name`]);
    /// they take the place of [`Options::mapping`] for those files.
    pub file_mappings: Option<&'a BTreeMap<String, ColumnMapping>>,
    /// The project's shared-infrastructure ports (the default list when `None`).
    pub infrastructure: Option<&'a connections::InfrastructureRules>,
    /// Files the user did not name one by one (they were in a folder the
    /// user gave): one that is not a format Waveplan reads is left out with a
    /// warning instead of refusing the import.
    pub optional: Option<&'a std::collections::BTreeSet<String>>,
}

impl Options<'_> {
    /// The mapping to read the file `name` with, if any.
    pub fn mapping_for(&self, name: &str) -> Option<&ColumnMapping> {
        self.file_mappings.and_then(|m| m.get(name)).or(self.mapping)
    }
}

const NATIVE: FormatInfo = FormatInfo {
    id: "native",
    name: "Waveplan native CSV tables",
    recognised_by: "file named servers.csv, devices.csv, applications.csv, datastores.csv, members.csv, dependencies.csv or constraints.csv (or with their columns)",
};

/// Every format the importer reads.
pub fn formats() -> Vec<FormatInfo> {
    let mut all = vec![NATIVE];
    for list in [
        rvtools::FORMATS,
        azure::FORMATS,
        aws::FORMATS,
        servicenow::FORMATS,
        gmc::FORMATS,
        connections::FORMATS,
        crate::mapped::FORMATS,
    ] {
        all.extend_from_slice(list);
    }
    all
}

fn known_format(id: &str) -> Option<&'static str> {
    if id == gmc::GROUP_FORMAT {
        return Some(gmc::GROUP_FORMAT);
    }
    formats().into_iter().find(|f| f.id == id).map(|f| f.id)
}

/// The format id a file's provenance is recorded under: the files of a
/// format split over several tables count as one source.
fn source_format(id: &str) -> &str {
    if id.starts_with("gmc") { gmc::GROUP_FORMAT } else { id }
}

/// The tabular detectors, most specific first.
fn detect_table(table: &Table) -> Option<&'static str> {
    rvtools::detect_table(table)
        .or_else(|| azure::detect_table(table))
        .or_else(|| aws::detect_table(table))
        .or_else(|| servicenow::detect_table(table))
        .or_else(|| gmc::detect_table(table))
        .or_else(|| connections::detect_table(table))
}

fn detect_workbook(workbook: &Workbook) -> Option<&'static str> {
    rvtools::detect_workbook(workbook)
        .or_else(|| azure::detect_workbook(workbook))
        .or_else(|| aws::detect_workbook(workbook))
}

/// What one file turned out to be.
enum Loaded {
    Native(Vec<u8>, Option<NativeTable>),
    Table(&'static str, Table),
    Workbook(&'static str, Workbook),
    Mapped(Vec<Table>),
    Connections(&'static str),
}

fn unknown(file: &str, headers: &[String]) -> Diagnostic {
    let names: Vec<String> = formats().iter().filter(|f| f.id != "mapped").map(|f| f.name.to_string()).collect();
    let shown: Vec<&str> = headers.iter().take(12).map(String::as_str).collect();
    Diagnostic::error_at(
        &Origin::new(file, 1),
        Some(1),
        format!(
            "unknown format: compared against {}; none matched the headers ({}). Name the format with --format, or map the columns with --mapping",
            names.join(", "),
            shown.join(", ")
        ),
    )
}

/// Decides what a file is and loads it (connection data is only recognised
/// here; it is streamed later).
fn load(source: &dyn Source, options: &Options<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let name = source.name().to_string();
    let at_start = Origin::new(name.as_str(), 1);
    let forced = match options.format {
        Some(id) => match known_format(id) {
            Some(id) => Some(id),
            None => {
                let ids: Vec<&str> = formats().iter().map(|f| f.id).collect();
                diagnostics.push(Diagnostic::error_at(
                    &at_start,
                    None,
                    format!("unknown format '{id}' (known: {})", ids.join(", ")),
                ));
                return None;
            }
        },
        None => None,
    };
    if let Some(id) = forced {
        // Connection data streams, whatever its size; only a workbook export
        // of Azure dependencies needs reading whole (below).
        if connections::FORMATS.iter().any(|f| f.id == id) {
            let mut magic = [0u8; 4];
            let is_workbook = source.open().and_then(|mut r| r.read(&mut magic)).is_ok_and(|n| is_zip(&magic[..n]));
            if !is_workbook {
                return Some(Loaded::Connections(id));
            }
        }
    }
    // Text formats are recognised from the first lines, without reading the whole file.
    if forced.is_none() {
        let mut head = Vec::new();
        match source.open() {
            Ok(reader) => {
                if let Err(error) = reader.take(64 * 1024).read_to_end(&mut head) {
                    diagnostics.push(Diagnostic::error_at(&at_start, None, format!("cannot read the file: {error}")));
                    return None;
                }
            }
            Err(error) => {
                diagnostics.push(Diagnostic::error_at(&at_start, None, format!("cannot open the file: {error}")));
                return None;
            }
        }
        if !is_zip(&head)
            && let Ok(text) = text::decode(&head)
            && let Some(id) = connections::detect_text(&name, &text)
        {
            return Some(Loaded::Connections(id));
        }
    }
    let bytes = match source.read_all() {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(Diagnostic::error_at(&at_start, None, format!("cannot read the file: {error}")));
            return None;
        }
    };
    if forced == Some("native") {
        return Some(Loaded::Native(bytes, None));
    }
    if is_zip(&bytes) {
        let workbook = match read_workbook(&name, &bytes) {
            Ok(workbook) => workbook,
            Err(error) => {
                diagnostics.push(error);
                return None;
            }
        };
        if options.mapping_for(&name).is_some() && (forced.is_none() || forced == Some("mapped")) {
            return Some(Loaded::Mapped(workbook.sheets));
        }
        if let Some(id) = forced.or_else(|| detect_workbook(&workbook)) {
            return Some(Loaded::Workbook(id, workbook));
        }
        // A workbook whose sheet is one known table (a CMF form saved as xlsx, ...).
        for sheet in &workbook.sheets {
            if let Some(id) = detect_table(sheet) {
                return Some(Loaded::Table(id, sheet.clone()));
            }
        }
        let headers: Vec<String> = workbook.sheets.first().map(|s| s.headers.clone()).unwrap_or_default();
        let sheets: Vec<&str> = workbook.sheet_names();
        let mut error = unknown(&name, &headers);
        error.message = format!("{} (sheets: {})", error.message, sheets.join(", "));
        diagnostics.push(error);
        return None;
    }
    // Recognise from the first lines only: a native dependencies.csv can hold
    // a million rows and is parsed once, by its own reader.
    let head_end = if bytes.len() <= 64 * 1024 {
        bytes.len()
    } else {
        bytes[..64 * 1024].iter().rposition(|&b| b == b'\n').map_or(bytes.len(), |p| p + 1)
    };
    let head = match read_csv_table(&name, &bytes[..head_end], 0) {
        Ok(table) => table,
        Err(error) => {
            diagnostics.push(error);
            return None;
        }
    };
    let full = |bytes: &[u8], diagnostics: &mut Vec<Diagnostic>| match read_csv_table(&name, bytes, 0) {
        Ok(table) => Some(table),
        Err(error) => {
            diagnostics.push(error);
            None
        }
    };
    if options.mapping_for(&name).is_some() && (forced.is_none() || forced == Some("mapped")) {
        return full(&bytes, diagnostics).map(|table| Loaded::Mapped(vec![table]));
    }
    if let Some(id) = forced.or_else(|| detect_table(&head)) {
        return full(&bytes, diagnostics).map(|table| Loaded::Table(id, table));
    }
    if let Some(native_table) = NativeTable::from_file_name(&name).or_else(|| native::table_from_headers(&head.headers))
    {
        return Some(Loaded::Native(bytes, Some(native_table)));
    }
    let table = head;
    diagnostics.push(unknown(&name, &table.headers));
    None
}

/// Reads an import of any mix of formats. All or nothing is the caller's
/// rule: this returns every record and every diagnostic.
pub fn read_sources(sources: &[&dyn Source], options: &Options<'_>) -> Imported {
    let mut out = Imported::default();
    let mut tables: BTreeMap<&'static str, Vec<Table>> = BTreeMap::new();
    let mut workbooks: Vec<(&'static str, Workbook)> = Vec::new();
    let rules = connections::ConnectionRules {
        infrastructure: options.infrastructure.cloned().unwrap_or_default(),
        ..connections::ConnectionRules::default()
    };
    let mut aggregator = connections::ConnectionAggregator::new(rules);
    let mut formats: BTreeMap<String, String> = BTreeMap::new();
    for &source in sources {
        let name = source.name().to_string();
        let optional = options.optional.is_some_and(|o| o.contains(&name));
        let mut found = Vec::new();
        let loaded = load(source, options, &mut found);
        match (&loaded, optional) {
            // A file of a folder that is not an export (a README, a PDF) is
            // not what the user meant to import: said, and left out.
            (None, true) if found.iter().any(Diagnostic::is_error) => {
                // The reason's head only: the full list of formats compared
                // is for a file the user named.
                let why = found.iter().find(|d| d.is_error()).map(|d| d.message.as_str()).unwrap_or_default();
                let why = why.split(':').next().unwrap_or(why);
                let mut left_out =
                    Diagnostic::new(Severity::Warning, format!("left out: not a file Waveplan reads ({why})"));
                left_out.file = Some(name.clone());
                out.diagnostics.push(left_out);
            }
            _ => out.diagnostics.extend(found),
        }
        let Some(loaded) = loaded else { continue };
        match loaded {
            Loaded::Native(bytes, table) => {
                formats.insert(name.clone(), "native".into());
                let input = crate::Input { name: &name, bytes: &bytes };
                let read = match table {
                    Some(table) => native::read_table(&input, table),
                    None => native::read_native(&[input]),
                };
                absorb(&mut out, read);
            }
            Loaded::Table(id, table) => {
                formats.insert(name, source_format(id).to_string());
                tables.entry(id).or_default().push(table);
            }
            Loaded::Workbook(id, workbook) => {
                formats.insert(name, id.to_string());
                workbooks.push((id, workbook));
            }
            Loaded::Mapped(sheets) => {
                formats.insert(name.clone(), "mapped".into());
                if let Some(mapping) = options.mapping_for(&name) {
                    match crate::mapped::sheet_for_mapping(&sheets, mapping) {
                        Some(sheet) => crate::mapped::read_mapped(sheet, mapping, &mut out),
                        None => out.diagnostics.push(Diagnostic::error_at(
                            &Origin::new(name.as_str(), 1),
                            None,
                            format!("no sheet has the columns of mapping '{}'", mapping.name),
                        )),
                    }
                }
            }
            Loaded::Connections(id) => {
                formats.insert(name.clone(), id.to_string());
                match source.open() {
                    Ok(reader) => connections::read_connection_text(
                        id,
                        &name,
                        options.host,
                        reader,
                        &mut aggregator,
                        &mut out.diagnostics,
                    ),
                    Err(error) => out.diagnostics.push(Diagnostic::error_at(
                        &Origin::new(name.as_str(), 1),
                        None,
                        format!("cannot open the file: {error}"),
                    )),
                }
            }
        }
    }
    for (id, workbook) in &workbooks {
        match *id {
            id if rvtools::FORMATS.iter().any(|f| f.id == id) => rvtools::read_workbook(id, workbook, &mut out),
            id if azure::FORMATS.iter().any(|f| f.id == id) => azure::read_workbook(id, workbook, &mut out),
            id => aws::read_workbook(id, workbook, &mut out),
        }
    }
    let servicenow_servers: Vec<&Table> =
        tables.get("servicenow-servers").map(|t| t.iter().collect()).unwrap_or_default();
    let servicenow_relations: Vec<&Table> =
        tables.get("servicenow-relations").map(|t| t.iter().collect()).unwrap_or_default();
    if !servicenow_servers.is_empty() || !servicenow_relations.is_empty() {
        servicenow::read_servicenow(&servicenow_servers, &servicenow_relations, &mut out);
    }
    let gmc_tables: Vec<&Table> =
        tables.iter().filter(|(id, _)| id.starts_with("gmc")).flat_map(|(_, t)| t.iter()).collect();
    if !gmc_tables.is_empty() {
        gmc::read_tables("gmc", &gmc_tables, &mut out);
    }
    for (id, list) in &tables {
        let list: Vec<&Table> = list.iter().collect();
        match *id {
            "servicenow-servers" | "servicenow-relations" => {}
            id if id.starts_with("gmc") => {}
            "azure-migrate-dependencies" => {
                for table in list {
                    connections::read_azure_table(table, &mut aggregator, &mut out.diagnostics);
                }
            }
            id if rvtools::FORMATS.iter().any(|f| f.id == id) => rvtools::read_tables(id, &list, &mut out),
            id if azure::FORMATS.iter().any(|f| f.id == id) => azure::read_tables(id, &list, &mut out),
            id => aws::read_tables(id, &list, &mut out),
        }
    }
    aggregator.finish(&mut out);
    out.batch.formats.extend(formats);
    refuse_implausible(&mut out);
    out
}

/// Refuses every figure outside its plausible range (`waveplan_core::plausible`)
/// that a reader let through, at the record's file and line, naming the
/// field. The native reader refuses them as it reads, with the column; a
/// record it refused is not here.
fn refuse_implausible(out: &mut Imported) {
    let servers = out
        .batch
        .servers
        .iter()
        .flat_map(|s| waveplan_core::plausible::server_problems(&s.value).into_iter().map(move |p| (&s.origin, p)));
    let constraints = out
        .batch
        .constraints
        .iter()
        .filter_map(|c| waveplan_core::plausible::constraint_problem(&c.value.0).map(|p| (&c.origin, p)));
    let applications = out.batch.applications.iter().flat_map(|a| {
        waveplan_core::plausible::application_problems(&a.value).into_iter().map(move |p| (&a.origin, p))
    });
    let datastores = out.batch.datastores.iter().flat_map(|d| {
        waveplan_core::plausible::datastore_problems(&d.value.datastore).into_iter().map(move |p| (&d.origin, p))
    });
    let dependencies =
        out.batch.dependencies.iter().filter_map(|d| {
            waveplan_core::plausible::check_size("weight", d.value.0.weight).err().map(|p| (&d.origin, p))
        });
    let refusals: Vec<Diagnostic> = servers
        .chain(constraints)
        .chain(applications)
        .chain(datastores)
        .chain(dependencies)
        .map(|(origin, problem)| Diagnostic::error_at(origin, None, problem))
        .collect();
    out.diagnostics.extend(refusals);
}

fn absorb(out: &mut Imported, read: Imported) {
    let Imported { batch, diagnostics } = read;
    out.diagnostics.extend(diagnostics);
    out.batch.servers.extend(batch.servers);
    out.batch.applications.extend(batch.applications);
    out.batch.datastores.extend(batch.datastores);
    out.batch.members.extend(batch.members);
    out.batch.dependencies.extend(batch.dependencies);
    out.batch.constraints.extend(batch.constraints);
    out.batch.excluded.extend(batch.excluded);
}

#[cfg(test)]
mod tests {
    use waveplan_core::merge::Located;
    use waveplan_core::{Origin, Server};

    use super::*;

    #[test]
    fn a_figure_a_reader_let_through_is_refused_at_its_record() {
        let mut out = Imported::default();
        let origin = Origin::in_sheet("RVTools_export.xlsx", "vInfo", 7);
        let server = Server { name: "pacs-web-01".into(), memory_gb: Some(1e308 / 1024.0), ..Default::default() };
        out.batch.servers.push(Located { value: server, origin });
        let fine = Server { name: "ehr-db-01".into(), memory_gb: Some(64.0), ..Default::default() };
        out.batch.servers.push(Located { value: fine, origin: Origin::in_sheet("RVTools_export.xlsx", "vInfo", 8) });
        refuse_implausible(&mut out);
        let shown: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(shown[0].starts_with("RVTools_export.xlsx"), "{}", shown[0]);
        assert!(shown[0].contains("vInfo") && shown[0].contains('7'), "{}", shown[0]);
        assert!(shown[0].contains("memory_gb: 9.765625e304 GB is more than any server has"), "{}", shown[0]);
    }
}
