//! Workbooks (`.xlsx`) read with calamine into [`Table`]s, one per sheet.
//!
//! Cells become text the way a person reads them: whole numbers without a
//! `.0`, dates as ISO dates. Rows with no content are skipped, so a sheet
//! whose dimensions run to row 1,048,575 (formatting far past the data)
//! counts only its real rows. Row numbers are the sheet's own (1 for the
//! first row), so a diagnostic points at the row a person sees in Excel.
//!
//! A workbook is handed over by people who did not make it, and a few KB
//! can ask for any amount of memory: calamine's whole-sheet reader makes a
//! grid from the first to the last cell (one cell at `XFD1048576` is 17
//! billion cells, 512 GB), and its shared-string reader reserves what the
//! file's header claims. So nothing here is sized by what a file says:
//! the zip directory's sizes are checked before calamine opens the file,
//! the shared-string count against its entry's real size, and sheets are
//! streamed cell by cell, each cell's place checked against Excel's last
//! cell and the cells kept counted against [`MAX_CELLS`].
//!
//! What this module must not do: call calamine's `worksheet_range`, or
//! allocate by a count a file declares.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use waveplan_core::{Diagnostic, Origin};

use crate::table::{Table, TableRow};

/// The sheets of a workbook, read as tables.
#[derive(Clone, Debug)]
pub struct Workbook {
    /// The file, as the user named it.
    pub file: String,
    /// Every sheet that has a header row, in workbook order.
    pub sheets: Vec<Table>,
}

impl Workbook {
    /// The sheet with this name (case-insensitive).
    pub fn sheet(&self, name: &str) -> Option<&Table> {
        self.sheets.iter().find(|t| t.sheet.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name)))
    }

    /// The sheet names.
    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().filter_map(|t| t.sheet.as_deref()).collect()
    }
}

/// A cell as text.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Whether bytes look like a zip container (what an `.xlsx` is).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The most a workbook may unpack to, in bytes (512 MiB): the sum of the
/// uncompressed sizes its zip directory declares. The RVTools export of a
/// large estate unpacks to tens of megabytes; a zip bomb declares gigabytes.
/// The declared sizes bound the work because the zip reader refuses an entry
/// that unpacks to more than it declares.
pub const MAX_UNPACKED_BYTES: u64 = 512 << 20;

fn u16_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?)))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?)))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

/// The name and declared uncompressed size of every entry in a zip's central
/// directory (zip64 included); `None` when the directory cannot be read, which
/// is left for calamine to report.
fn declared_sizes(bytes: &[u8]) -> Option<Vec<(String, u64)>> {
    const END: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = search_from + bytes.get(search_from..)?.windows(4).rposition(|w| w == END)?;
    let (mut count, mut start) = (u16_at(bytes, end + 10)?, u32_at(bytes, end + 16)?);
    if count == 0xFFFF || start == 0xFFFF_FFFF {
        // Zip64: the locator just before the end record points at the zip64 end record.
        let locator = end.checked_sub(20)?;
        if bytes.get(locator..locator + 4)? != b"PK\x06\x07" {
            return None;
        }
        let end64 = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
        if bytes.get(end64..end64.checked_add(4)?)? != b"PK\x06\x06" {
            return None;
        }
        (count, start) = (u64_at(bytes, end64 + 32)?, u64_at(bytes, end64 + 48)?);
    }
    let mut at = usize::try_from(start).ok()?;
    let mut entries = Vec::new();
    for _ in 0..count {
        if bytes.get(at..at.checked_add(4)?)? != b"PK\x01\x02" {
            return None;
        }
        let (name_length, extra_length, comment_length) =
            (u16_at(bytes, at + 28)? as usize, u16_at(bytes, at + 30)? as usize, u16_at(bytes, at + 32)? as usize);
        let name = bytes.get(at + 46..at + 46 + name_length)?;
        let mut size = u32_at(bytes, at + 24)?;
        if size == 0xFFFF_FFFF {
            // The real size is the first field of the zip64 extra field (id 1).
            let mut extra = bytes.get(at + 46 + name_length..at + 46 + name_length + extra_length)?;
            size = u64::MAX;
            while let (Some(id), Some(length)) = (u16_at(extra, 0), u16_at(extra, 2)) {
                if id == 1 {
                    size = u64_at(extra, 4).unwrap_or(u64::MAX);
                    break;
                }
                extra = extra.get(4 + length as usize..).unwrap_or_default();
            }
        }
        entries.push((String::from_utf8_lossy(name).into_owned(), size));
        at += 46 + name_length + extra_length + comment_length;
    }
    Some(entries)
}

/// An error when the workbook's zip directory declares more than
/// [`MAX_UNPACKED_BYTES`] of content, naming the largest entry.
fn check_unpacked_size(file: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    let Some(entries) = declared_sizes(bytes) else { return Ok(()) };
    let total = entries.iter().fold(0u64, |total, (_, size)| total.saturating_add(*size));
    match entries.iter().max_by_key(|(_, size)| *size) {
        Some((name, largest)) if total > MAX_UNPACKED_BYTES => Err(Diagnostic::error_at(
            &Origin::new(file, 1),
            None,
            format!(
                "the workbook would unpack to {} MB ({name} alone to {} MB), more than the {} MB this importer reads: it is damaged or a zip bomb",
                total >> 20,
                largest >> 20,
                MAX_UNPACKED_BYTES >> 20
            ),
        )),
        _ => Ok(()),
    }
}

/// The most cells a workbook is read to, counting the empty ones between a
/// row's first cell and its last (fifty million, about 1.2 GB of cells
/// before their text). RVTools' export of a 50,000-VM estate holds about
/// fifteen million across its sheets; past the limit the import stops
/// with an error instead of exhausting memory.
pub const MAX_CELLS: u64 = 50_000_000;

/// Excel's last row and column, counted from 0 (row 1,048,576, column XFD).
const LAST_ROW: u32 = 1_048_575;
const LAST_COLUMN: u32 = 16_383;

/// The shortest a shared string can be in `sharedStrings.xml`: `<si/>`.
const SHORTEST_SHARED_STRING: u64 = 5;

/// An error when a shared-string table claims more strings than its entry
/// could hold: calamine reserves room for the claimed count when it opens
/// the workbook, and a few bytes claiming a trillion strings would abort
/// the process.
fn check_shared_strings(file: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    // A zip that cannot be read is left for calamine to report.
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        let Ok(name) = entry.name().map(|n| n.into_owned()) else { continue };
        if !name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            continue;
        }
        let size = entry.size();
        // The count is an attribute of the table's first element.
        let mut head = Vec::new();
        if entry.take(64 << 10).read_to_end(&mut head).is_err() {
            continue;
        }
        let Some(claimed) = unique_count(&head) else { continue };
        let most = size / SHORTEST_SHARED_STRING + 1;
        if claimed > most {
            let claimed =
                if claimed == u64::MAX { "more than 18 quintillion".to_string() } else { claimed.to_string() };
            return Err(Diagnostic::error_at(
                &Origin::new(file, 1),
                None,
                format!(
                    "{name} claims {claimed} shared strings, but its {size} bytes can hold at most {most}: the workbook is damaged or built to exhaust memory"
                ),
            ));
        }
    }
    Ok(())
}

/// The `uniqueCount` attribute in the start of a shared-string table;
/// `u64::MAX` for a number too large for one.
fn unique_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    // Only the table's own element: an attribute of a string inside it is text.
    let element = &text[..text.find("<si").unwrap_or(text.len())];
    let at = element.find("uniqueCount")? + "uniqueCount".len();
    let value = element[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let digits = &value[1..value[1..].find(quote)? + 1];
    Some(digits.trim().parse::<u64>().unwrap_or(u64::MAX))
}

/// A streamed cell as text, as [`cell_text`] shows it.
fn ref_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::String(s) => s.clone(),
        other => cell_text(&Data::from(other.clone())),
    }
}

/// A row's cells placed by their column (column A first), up to `width`
/// columns: cells past the header's last column have no name and are not
/// kept. The row runs to its last kept cell, empty ones between included.
fn place(mut cells: Vec<(u32, String)>, width: usize) -> Vec<String> {
    // Cells come in the sheet's order, which nothing guarantees is by column.
    cells.sort_by_key(|(column, _)| *column);
    let last = cells.iter().rev().map(|(c, _)| *c as usize).find(|c| *c < width);
    let mut row = vec![String::new(); last.map_or(0, |c| c + 1)];
    for (column, text) in cells {
        if let Some(slot) = row.get_mut(column as usize) {
            *slot = text;
        }
    }
    row
}

/// Reads every sheet of a workbook. The header of a sheet is its first row
/// with two or more non-empty cells; sheets without one are left out. A
/// workbook that would unpack to more than [`MAX_UNPACKED_BYTES`] is refused
/// before anything is unpacked, one whose shared-string table claims more
/// strings than it can hold before calamine opens it, and one with more
/// than [`MAX_CELLS`] cells as soon as it has.
pub fn read_workbook(file: &str, bytes: &[u8]) -> Result<Workbook, Diagnostic> {
    // calamine is handed what no one checked: should it panic on a damaged
    // workbook after all, that is this file's error, not the process's end.
    std::panic::catch_unwind(|| read_checked(file, bytes)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no detail".into());
        Err(Diagnostic::error_at(
            &Origin::new(file, 1),
            None,
            format!("the workbook is damaged: the xlsx reader stopped ({detail})"),
        ))
    })
}

fn read_checked(file: &str, bytes: &[u8]) -> Result<Workbook, Diagnostic> {
    let at_start = Origin::new(file, 1);
    check_unpacked_size(file, bytes)?;
    check_shared_strings(file, bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::error_at(&at_start, None, format!("cannot open the workbook (is it a valid .xlsx file?): {e}"))
    })?;
    let names = workbook.sheet_names().to_vec();
    let mut sheets = Vec::new();
    // Cells read (the text ones) and cells kept (with the empty ones
    // between), each held to MAX_CELLS.
    let (mut read, mut kept) = (0u64, 0u64);
    let too_many = |at: Origin| {
        Diagnostic::error_at(
            &at,
            None,
            format!(
                "the workbook holds more than {} million cells, more than this importer reads: split it, or save its sheets as CSV files",
                MAX_CELLS / 1_000_000
            ),
        )
    };
    for name in names {
        let at = |row: u64| Origin::in_sheet(file, name.as_str(), row);
        let unreadable = |e: XlsxError| Diagnostic::error_at(&at(1), None, format!("cannot read the sheet: {e}"));
        let mut reader = match workbook.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            // A chart or dialog sheet has no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(unreadable(e)),
        };
        // The sheet's own dimension is not trusted: rows are kept sparse,
        // by the cells that are there.
        let mut sparse: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (row, column) = cell.get_position();
            if row > LAST_ROW || column > LAST_COLUMN {
                return Err(Diagnostic::error_at(
                    &at(u64::from(row) + 1),
                    Some(u64::from(column) + 1),
                    "a cell lies past Excel's last cell (XFD1048576): the workbook is damaged",
                ));
            }
            let text = ref_text(cell.get_value());
            if text.trim().is_empty() {
                continue;
            }
            read += 1;
            if read > MAX_CELLS {
                return Err(too_many(at(u64::from(row) + 1)));
            }
            sparse.entry(row).or_default().push((column, text));
        }
        drop(reader);
        let mut header: Option<(u64, Vec<String>)> = None;
        let mut rows = Vec::new();
        for (row, cells) in sparse {
            let line = u64::from(row) + 1;
            let width = header.as_ref().map_or(usize::MAX, |(_, headers)| headers.len());
            if header.is_none() && cells.len() < 2 {
                continue;
            }
            let cells = place(cells, width);
            if cells.is_empty() {
                // Values only past the header's last column: no field takes them.
                continue;
            }
            kept += cells.len() as u64;
            if kept > MAX_CELLS {
                return Err(too_many(at(line)));
            }
            match header {
                None => header = Some((line, cells)),
                Some(_) => rows.push(TableRow { line, cells }),
            }
        }
        if let Some((line, headers)) = header {
            sheets.push(Table::new(file, Some(&name), line, headers, rows));
        }
    }
    Ok(Workbook { file: file.to_string(), sheets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_that_is_not_a_workbook_is_a_clear_error() {
        let error = read_workbook("inventory.xlsx", b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(error.to_string().starts_with("inventory.xlsx:1: error: cannot open the workbook"), "{error}");
    }

    /// A zip of one central-directory entry (no data: the guard reads only
    /// the directory) whose size is in a zip64 extra field.
    fn zip64_directory(name: &str, size: u64) -> Vec<u8> {
        let mut entry = b"PK\x01\x02".to_vec();
        entry.extend_from_slice(&[0; 20]);
        entry.extend_from_slice(&u32::MAX.to_le_bytes()); // uncompressed size: see the extra field
        entry.extend_from_slice(&(name.len() as u16).to_le_bytes());
        entry.extend_from_slice(&16u16.to_le_bytes()); // extra length
        entry.extend_from_slice(&[0; 14]);
        entry.extend_from_slice(name.as_bytes());
        entry.extend_from_slice(&[0x99, 0x99, 0, 0]); // an unrelated extra field, empty
        entry.extend_from_slice(&1u16.to_le_bytes());
        entry.extend_from_slice(&8u16.to_le_bytes());
        entry.extend_from_slice(&size.to_le_bytes());
        let mut zip = b"PK\x03\x04".to_vec();
        let start = zip.len() as u32;
        zip.extend_from_slice(&entry);
        zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
        zip.extend_from_slice(&(entry.len() as u32).to_le_bytes());
        zip.extend_from_slice(&start.to_le_bytes());
        zip.extend_from_slice(&[0, 0]);
        zip
    }

    #[test]
    fn declared_sizes_are_read_from_the_zip_directory_zip64_included() {
        assert_eq!(
            declared_sizes(&zip64_directory("xl/worksheets/sheet1.xml", 4096)),
            Some(vec![("xl/worksheets/sheet1.xml".into(), 4096)])
        );
        let error = check_unpacked_size("big.xlsx", &zip64_directory("xl/sharedStrings.xml", 5 << 30)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "big.xlsx:1: error: the workbook would unpack to 5120 MB (xl/sharedStrings.xml alone to 5120 MB), more than the 512 MB this importer reads: it is damaged or a zip bomb"
        );
        assert_eq!(declared_sizes(b"PK\x03\x04 no directory"), None);
    }

    #[test]
    fn cells_read_as_a_person_reads_them() {
        assert_eq!(cell_text(&Data::Float(4.0)), "4");
        assert_eq!(cell_text(&Data::Float(4.5)), "4.5");
        assert_eq!(cell_text(&Data::Int(12)), "12");
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
