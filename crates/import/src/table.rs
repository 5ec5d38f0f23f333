//! Tables: the common shape of a CSV file and a workbook sheet, with header
//! lookup that forgives spelling, and typed cell access that reports problems
//! as diagnostics naming file, sheet, line and column.
//!
//! Format readers (RVTools, Azure Migrate, ServiceNow, ...) work on [`Table`]s
//! and never care whether the rows came from CSV or XLSX.

use std::str::FromStr;

use chrono::NaiveDate;
use waveplan_core::{Diagnostic, Origin, Tags};

use crate::text;

/// The largest figure a cell of another tool's export may hold, in any
/// unit (bytes, MiB, GB, connections): 10^15.
pub const MAX_FIGURE: f64 = 1e15;

/// A header name reduced to its comparable form: lower case, without `*`
/// marks, spaces, `_`, `-` or `.`.
pub fn header_key(header: &str) -> String {
    header.chars().filter(|c| !matches!(c, '*' | ' ' | '_' | '-' | '.')).flat_map(char::to_lowercase).collect()
}

/// One row of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// 1-based line of a CSV file or row of a sheet.
    pub line: u64,
    /// The cells, as text (numbers from a workbook written without a needless `.0`).
    pub cells: Vec<String>,
}

/// A table read from a CSV file or a sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The file, as the user named it.
    pub file: String,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// Header names as written, trimmed.
    pub headers: Vec<String>,
    /// Line (row) of the header.
    pub header_line: u64,
    /// The rows that are not empty.
    pub rows: Vec<TableRow>,
    keys: Vec<String>,
}

impl Table {
    /// A table from its parts.
    pub fn new(file: &str, sheet: Option<&str>, header_line: u64, headers: Vec<String>, rows: Vec<TableRow>) -> Table {
        let headers: Vec<String> = headers.into_iter().map(|h| h.trim().to_string()).collect();
        let keys = headers.iter().map(|h| header_key(h)).collect();
        Table { file: file.to_string(), sheet: sheet.map(str::to_string), headers, header_line, rows, keys }
    }

    /// The header for a message, as [`header_list`] shows one.
    pub fn header_list(&self) -> String {
        header_list(self.headers.iter().map(String::as_str))
    }

    /// The position of the first header matching any of `names` (in the
    /// order given), compared with [`header_key`].
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| {
            let key = header_key(name);
            self.keys.iter().position(|k| *k == key)
        })
    }

    /// Whether every name (or one of its `|`-separated alternatives) is a header.
    pub fn has_columns(&self, names: &[&str]) -> bool {
        names.iter().all(|name| self.column(&name.split('|').collect::<Vec<_>>()).is_some())
    }

    /// Where a row was read.
    pub fn origin(&self, row: &TableRow) -> Origin {
        Origin { file: self.file.clone(), sheet: self.sheet.clone(), line: Some(row.line) }
    }

    /// Where the header was read.
    pub fn header_origin(&self) -> Origin {
        Origin { file: self.file.clone(), sheet: self.sheet.clone(), line: Some(self.header_line) }
    }

    /// Typed access to the cells of a row, reporting into `diagnostics`.
    pub fn cells<'a>(&'a self, row: &'a TableRow, diagnostics: &'a mut Vec<Diagnostic>) -> Cells<'a> {
        Cells { table: self, row, diagnostics }
    }

    /// Positions of columns not in `known` (by any spelling), for keeping as tags.
    pub fn other_columns(&self, known: &[usize]) -> Vec<usize> {
        (0..self.headers.len()).filter(|i| !known.contains(i) && !self.keys[*i].is_empty()).collect()
    }
}

/// The delimiter of a delimited text, guessed from its first line: the one
/// of `,`, `;` and tab that occurs most outside quotes (comma on a tie).
pub fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Turns byte offsets into 1-based line numbers for any line ending (the csv
/// crate's own count misses lines ended by CRLF). Offsets must grow.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        // A record's position can point at the line ending before it.
        let mut offset = (offset as usize).min(self.bytes.len());
        while offset < self.bytes.len() && matches!(self.bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset > self.offset {
            self.line += self.bytes[self.offset..offset].iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = offset;
        }
        self.line
    }
}

/// The longest line a table may have, in bytes (1 MiB). A row of a real
/// export is tens of kilobytes at most, even with 10,000 columns; a longer line is
/// a file without line endings or not a table at all, and parsing it would
/// cost memory in proportion to it (a 100 MB line of `a,a,a` is fifty million
/// fields).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// An error at the first line longer than [`MAX_LINE_BYTES`], if any.
pub(crate) fn check_line_lengths(file: &str, text: &str) -> Result<(), Diagnostic> {
    for (line, piece) in (1u64..).zip(text.as_bytes().split(|&b| b == b'\n')) {
        if piece.len() > MAX_LINE_BYTES {
            return Err(Diagnostic::error_at(
                &Origin::new(file, line),
                None,
                format!(
                    "line {line} is longer than {MAX_LINE_BYTES} bytes ({} bytes): not a table this importer reads (a file without line endings?)",
                    piece.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Header names for a message: the first few, then how many more there are,
/// so that a file of 10,000 columns gives a message a person can read.
pub fn header_list<'a>(headers: impl IntoIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 20;
    let headers: Vec<&str> = headers.into_iter().collect();
    let mut list = headers.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if headers.len() > SHOWN {
        list.push_str(&format!(" and {} more", headers.len() - SHOWN));
    }
    list
}

/// Reads a delimited text file (any encoding [`text::decode`] knows; comma,
/// semicolon or tab) into a table. `skip_lines` lines before the header are
/// ignored (preambles some tools write); so are title lines before the header
/// that fill fewer cells than it.
pub fn read_csv_table(file: &str, bytes: &[u8], skip_lines: usize) -> Result<Table, Diagnostic> {
    let at_start = Origin::new(file, 1);
    let text = text::decode(bytes).map_err(|e| Diagnostic::error_at(&at_start, Some(1), e.to_string()))?;
    check_line_lengths(file, &text)?;
    let body = {
        let mut rest: &str = &text;
        for _ in 0..skip_lines {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        }
        rest
    };
    let skipped_lines = skip_lines as u64;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(body))
        .flexible(true)
        .has_headers(false)
        .from_reader(body.as_bytes());
    let mut lines = LineCounter::new(body.as_bytes());
    let mut records: Vec<TableRow> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, |p| lines.line_at(p.byte())) + skipped_lines;
                return Err(Diagnostic::error_at(&Origin::new(file, line), None, format!("malformed CSV: {error}")));
            }
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| lines.line_at(p.byte())) + skipped_lines;
        records.push(TableRow { line, cells: record.iter().map(str::to_string).collect() });
    }
    // A title line before the header (a report name, an export date) fills
    // fewer cells than the header: the header is the first row that fills at
    // least half as many cells as the fullest of the first rows.
    let filled = |row: &TableRow| row.cells.iter().filter(|c| !c.trim().is_empty()).count();
    let fullest = records.iter().take(20).map(filled).max().unwrap_or(0);
    let header_at = records
        .iter()
        .position(|row| filled(row) >= 2.max(fullest.div_ceil(2)))
        .or_else(|| (!records.is_empty()).then_some(0))
        .ok_or_else(|| Diagnostic::error_at(&at_start, Some(1), "the file has no header row"))?;
    let mut rows = records.split_off(header_at);
    let header = rows.remove(0);
    let (header_line, headers) = (header.line, header.cells);
    Ok(Table::new(file, None, header_line, headers, rows))
}

/// Typed access to one row's cells.
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a TableRow,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Cells<'_> {
    /// Where this row was read.
    pub fn origin(&self) -> Origin {
        self.table.origin(self.row)
    }

    /// The trimmed text of a column; `None` when the column is absent or the cell empty.
    pub fn text(&self, column: Option<usize>) -> Option<String> {
        let value = self.row.cells.get(column?)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Reports an error at a column of this row.
    pub fn error(&mut self, column: Option<usize>, message: impl Into<String>) {
        let origin = self.origin();
        self.diagnostics.push(Diagnostic::error_at(&origin, column.map(|c| c as u64 + 1), message));
    }

    /// Reports a warning at a column of this row.
    pub fn warning(&mut self, column: Option<usize>, message: impl Into<String>) {
        let origin = self.origin();
        self.diagnostics.push(Diagnostic::warning_at(&origin, column.map(|c| c as u64 + 1), message));
    }

    fn header(&self, column: Option<usize>) -> String {
        column.and_then(|c| self.table.headers.get(c)).cloned().unwrap_or_default()
    }

    /// A cell parsed by `parse`; an error naming the header and `what` when it fails.
    pub fn parsed<T>(&mut self, column: Option<usize>, what: &str, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        let text = self.text(column)?;
        let value = parse(&text);
        if value.is_none() {
            let header = self.header(column);
            self.error(column, format!("{header}: '{text}' is not {what}"));
        }
        value
    }

    /// A whole number (thousands separators allowed; `4.0` from a workbook allowed).
    pub fn whole<T: FromStr + TryFrom<u64>>(&mut self, column: Option<usize>) -> Option<T> {
        self.parsed(column, "a whole number", |t| {
            let t = t.replace(',', "");
            t.parse::<T>().ok().or_else(|| {
                let f: f64 = t.parse().ok()?;
                (f >= 0.0 && f.fract() == 0.0 && f < 1e18).then(|| T::try_from(f as u64).ok()).flatten()
            })
        })
    }

    /// A number that is not negative, thousands separators allowed. One
    /// beyond [`MAX_FIGURE`] is refused at its cell: no inventory holds it,
    /// whatever the unit, and the reader's sums and conversions would carry
    /// it into the plan (the record's own ranges are checked after).
    pub fn decimal(&mut self, column: Option<usize>) -> Option<f64> {
        let value = self.parsed(column, "a number", |t| {
            let value: Option<f64> = if t.contains(',') { t.replace(',', "").parse().ok() } else { t.parse().ok() };
            value.filter(|v| v.is_finite() && *v >= 0.0)
        })?;
        if value > MAX_FIGURE {
            let header = self.header(column);
            self.error(
                column,
                format!("{header}: {value:e} is more than any inventory holds (at most 10^15 in any unit)"),
            );
            return None;
        }
        Some(value)
    }

    /// A date: ISO `2026-11-28` (with or without a time), or `11/28/2026`.
    pub fn date(&mut self, column: Option<usize>) -> Option<NaiveDate> {
        self.parsed(column, "a date", parse_date)
    }

    /// A vocabulary value, with the accepted spellings in the error.
    pub fn vocabulary<T>(
        &mut self,
        column: Option<usize>,
        parse: fn(&str) -> Option<T>,
        expected: String,
    ) -> Option<T> {
        let text = self.text(column)?;
        let value = parse(&text);
        if value.is_none() {
            let header = self.header(column);
            self.error(column, format!("{header}: '{text}' is not one of {expected}"));
        }
        value
    }

    /// A list split on any of `separators`, items trimmed, empties dropped.
    pub fn list(&self, column: Option<usize>, separators: &[char]) -> Vec<String> {
        self.text(column)
            .map(|t| t.split(separators).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default()
    }

    /// The non-empty cells of `columns` as tags named by their headers.
    pub fn tags_from(&self, columns: &[usize]) -> Tags {
        columns.iter().filter_map(|&c| Some((self.table.headers.get(c)?.clone(), self.text(Some(c))?))).collect()
    }
}

/// Parses the date forms exports write: `2026-11-28`, `2026-11-28T10:00:00`,
/// `2026-11-28 10:00`, `11/28/2026` (US, as AWS and ServiceNow write it).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let head = text.split(['T', ' ']).next().unwrap_or(text);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok().or_else(|| NaiveDate::parse_from_str(head, "%m/%d/%Y").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_semicolon_files_with_preamble_and_finds_columns_by_any_spelling() {
        let table = read_csv_table(
            "x.csv",
            b"report of 2026\n*Server Name;Memory (In MB);Cores\r\nweb01;4,096;2\r\n\r\ndb01;8192;4",
            1,
        )
        .unwrap();
        assert_eq!(table.header_line, 2);
        assert_eq!(table.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5]);
        let name = table.column(&["server name"]);
        let memory = table.column(&["Memory (In MB)"]);
        assert_eq!((name, memory), (Some(0), Some(1)));
        let mut diagnostics = Vec::new();
        let mut cells = table.cells(&table.rows[0], &mut diagnostics);
        assert_eq!(cells.whole::<u32>(memory), Some(4096));
        assert!(table.has_columns(&["cores", "server name|hostname"]));
    }

    #[test]
    fn a_figure_no_inventory_holds_is_refused_at_its_cell() {
        let table =
            read_csv_table("vInfo.csv", b"VM,Memory,Provisioned MiB\nweb01,4096,1e308\nweb02,4096,1e15\n", 0).unwrap();
        let mut diagnostics = Vec::new();
        let column = table.column(&["Provisioned MiB"]);
        assert_eq!(table.cells(&table.rows[0], &mut diagnostics).decimal(column), None);
        assert_eq!(table.cells(&table.rows[1], &mut diagnostics).decimal(column), Some(1e15), "the edge is taken");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].to_string(),
            "vInfo.csv:2:3: error: Provisioned MiB: 1e308 is more than any inventory holds (at most 10^15 in any unit)"
        );
    }

    #[test]
    fn bad_cells_name_the_header_and_place() {
        let table = read_csv_table("servers.csv", b"Name,Cores\nweb01,lots\n", 0).unwrap();
        let mut diagnostics = Vec::new();
        let mut cells = table.cells(&table.rows[0], &mut diagnostics);
        assert_eq!(cells.whole::<u32>(table.column(&["cores"])), None);
        assert_eq!(diagnostics[0].to_string(), "servers.csv:2:2: error: Cores: 'lots' is not a whole number");
    }

    #[test]
    fn overlong_lines_and_headers_are_cut_to_what_a_person_reads() {
        let long = format!("name,cores\nweb01,{}\n", "9".repeat(MAX_LINE_BYTES));
        let error = read_csv_table("servers.csv", long.as_bytes(), 0).unwrap_err();
        assert!(error.to_string().starts_with("servers.csv:2: error: line 2 is longer than 1048576 bytes"), "{error}");
        let headers: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        assert_eq!(header_list(headers.iter().map(String::as_str)).rsplit(", ").next(), Some("c19 and 5 more"));
        assert_eq!(header_list(["a", "b"]), "a, b");
    }

    #[test]
    fn delimiters_and_dates() {
        assert_eq!(sniff_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b\",c\n"), b',');
        assert_eq!(parse_date("10/29/2019 18:23"), NaiveDate::from_ymd_opt(2019, 10, 29));
        assert_eq!(parse_date("2026-11-28T10:00:00Z"), NaiveDate::from_ymd_opt(2026, 11, 28));
    }
}
