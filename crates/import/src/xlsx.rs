//! Workbooks (`.xlsx`) read with calamine into [`Table`]s, one per sheet.
//!
//! Cells become text the way a person reads them: whole numbers without a
//! `.0`, dates as ISO dates. Rows with no content are skipped, so a sheet
//! whose dimensions run to row 1,048,575 (formatting far past the data)
//! counts only its real rows. Row numbers are the sheet's own (1 for the
//! first row), so a diagnostic points at the row a person sees in Excel.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
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

/// Reads every sheet of a workbook. The header of a sheet is its first row
/// with two or more non-empty cells; sheets without one are left out.
pub fn read_workbook(file: &str, bytes: &[u8]) -> Result<Workbook, Diagnostic> {
    let at_start = Origin::new(file, 1);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::error_at(&at_start, None, format!("cannot open the workbook (is it a valid .xlsx file?): {e}"))
    })?;
    let names = workbook.sheet_names().to_vec();
    let mut sheets = Vec::new();
    for name in names {
        let range = workbook.worksheet_range(&name).map_err(|e| {
            Diagnostic::error_at(&Origin::in_sheet(file, name.as_str(), 1), None, format!("cannot read the sheet: {e}"))
        })?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let mut header: Option<(u64, Vec<String>)> = None;
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            if row.iter().all(|c| matches!(c, Data::Empty) || cell_text(c).trim().is_empty()) {
                continue;
            }
            let line = u64::from(first_row) + i as u64 + 1;
            // Cells are placed by their real column, so column numbers in
            // diagnostics match the sheet even when it starts past column A.
            let mut cells = vec![String::new(); first_column as usize];
            cells.extend(row.iter().map(cell_text));
            if header.is_none() {
                if cells.iter().filter(|c| !c.trim().is_empty()).count() >= 2 {
                    header = Some((line, cells));
                }
                continue;
            }
            rows.push(TableRow { line, cells });
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

    #[test]
    fn cells_read_as_a_person_reads_them() {
        assert_eq!(cell_text(&Data::Float(4.0)), "4");
        assert_eq!(cell_text(&Data::Float(4.5)), "4.5");
        assert_eq!(cell_text(&Data::Int(12)), "12");
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
