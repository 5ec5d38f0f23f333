//! The workbook's last sheet, "Audit trail": a title, a line that says
//! whether the hash chain is intact (red when it is not), then one row per
//! entry under a frozen, filtered header, with the time as a real Excel
//! date-time in UTC.
//!
//! It shows the trail as the caller handed it and never re-checks hashes.
//! Text goes through [`put`] (formula-like text gets Excel's quote prefix)
//! after [`fit_cell`], so a long summary is cut rather than failing the
//! whole workbook.

use rust_xlsxwriter::{Color, Format as Style, FormatAlign, FormatBorder, Worksheet};

use super::{BAD_FILL, BAD_TEXT, Cell, LAST_DATA_ROW, Styles, WRAP_WIDTH, put};
use crate::ExportError;
use crate::appendix::{AuditAppendix, fit_cell};
use crate::table::is_formula_like;

/// The sheet's name, as the tests and the docs spell it.
pub(crate) const SHEET: &str = "Audit trail";

const STATUS_ROW: u32 = 1;
const HEADER_ROW: u32 = 3;
/// (header, wraps long text). The sequence number comes first: a gap in it
/// is what a removed entry looks like to a reader.
const COLUMNS: [(&str, bool); 8] = [
    ("#", false),
    ("Time (UTC)", false),
    ("User", false),
    ("Host", false),
    ("Action", false),
    ("Summary", true),
    ("Subjects", true),
    ("SHA-256", false),
];
const HASH_COLUMN: usize = 7;

/// Writes the "Audit trail" sheet.
pub(super) fn audit_sheet(
    sheet: &mut Worksheet,
    s: &Styles,
    audit: &AuditAppendix,
    title: &str,
) -> Result<(), ExportError> {
    write_sheet(sheet, s, audit, title, LAST_DATA_ROW)
}

/// [`audit_sheet`] with the last row an entry may take as a parameter, so
/// that a test can reach it without a million entries.
fn write_sheet(
    sheet: &mut Worksheet,
    s: &Styles,
    audit: &AuditAppendix,
    title: &str,
    last_row: u32,
) -> Result<(), ExportError> {
    let last_col = COLUMNS.len() as u16 - 1;
    sheet.set_name(SHEET)?;
    let heading = format!("{title}: audit trail");
    sheet.write_string_with_format(0, 0, fit_cell(&heading), &guarded(&s.title, &heading))?;

    let status = audit.status_line();
    let status_style = if audit.is_broken() {
        Style::new()
            .set_font_name("Calibri")
            .set_font_size(10)
            .set_bold()
            .set_background_color(Color::RGB(BAD_FILL))
            .set_font_color(Color::RGB(BAD_TEXT))
            .set_border_bottom(FormatBorder::Thin)
    } else {
        s.subtitle.clone()
    };
    let status_style = guarded(&status_style.set_text_wrap().set_align(FormatAlign::Top), &status);
    // Merged across the table so a long reason wraps inside it rather than
    // running off to the right.
    sheet.merge_range(STATUS_ROW, 0, STATUS_ROW, last_col, &fit_cell(&status), &status_style)?;
    let status_lines = status.chars().count().div_ceil(180).clamp(1, 12);
    sheet.set_row_height(STATUS_ROW, 14.0 * status_lines as f64)?;

    for (c, (header, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *header, &s.header)?;
    }
    sheet.set_row_height(HEADER_ROW, 20)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);

    // Seconds matter in a trail: two actions a minute apart must not look simultaneous.
    let time_style = Style::new()
        .set_font_name("Calibri")
        .set_font_size(10)
        .set_align(FormatAlign::Top)
        .set_align(FormatAlign::Left)
        .set_num_format("yyyy-mm-dd hh:mm:ss");
    let mut widths: Vec<usize> = COLUMNS.iter().map(|(h, _)| h.len() + 3).collect();
    widths[1] = widths[1].max(21);
    let mut row = HEADER_ROW + 1;
    let mut left_out = 0usize;
    for entry in &audit.entries {
        if row > last_row {
            left_out += 1;
            continue;
        }
        let cells = [
            Cell::Int(i64::try_from(entry.sequence).unwrap_or(i64::MAX)),
            Cell::Empty,
            Cell::Text(fit_cell(&entry.user).into_owned()),
            Cell::Text(fit_cell(&entry.host).into_owned()),
            Cell::Text(fit_cell(&entry.action).into_owned()),
            Cell::Text(fit_cell(&entry.summary).into_owned()),
            Cell::Text(fit_cell(&entry.subjects.join(", ")).into_owned()),
            Cell::Text(fit_cell(&entry.hash).into_owned()),
        ];
        let mut lines = 1;
        for (c, cell) in cells.iter().enumerate() {
            let wrap = COLUMNS[c].1;
            let w = put(sheet, s, row, c as u16, cell, wrap)?;
            widths[c] = widths[c].max(w + 1);
            if let (Cell::Text(text), true) = (cell, wrap) {
                // As on the other sheets: spreadsheets do not all fit row
                // heights to wrapped text on opening.
                let cap = WRAP_WIDTH + 10;
                lines = lines.max(text.lines().map(|l| l.chars().count().div_ceil(cap).max(1)).sum::<usize>());
            }
        }
        sheet.write_datetime_with_format(row, 1, entry.time.naive_utc(), &time_style)?;
        if lines > 1 {
            sheet.set_row_height(row, 13.0 * lines.min(12) as f64)?;
        }
        row += 1;
    }
    if left_out > 0 {
        let note =
            format!("{left_out} more entries do not fit in a worksheet: the report (--format html) has them all");
        sheet.write_string_with_format(row, 0, note, &s.bad)?;
    }
    sheet.autofilter(HEADER_ROW, 0, (row - 1).max(HEADER_ROW + 1), last_col)?;
    for (c, &w) in widths.iter().enumerate() {
        let cap = match c {
            // A SHA-256 is 64 hexadecimal digits: show it whole.
            HASH_COLUMN => 68,
            _ if COLUMNS[c].1 => WRAP_WIDTH,
            _ => 48,
        };
        sheet.set_column_width(c as u16, w.min(cap) as f64)?;
    }
    Ok(())
}

/// `style` with Excel's quote prefix when `text` would read as a formula, so
/// that editing the cell cannot turn it into one.
fn guarded(style: &Style, text: &str) -> Style {
    if is_formula_like(text) { style.clone().set_quote_prefix() } else { style.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appendix::AuditLine;
    use calamine::{Data, Reader};
    use chrono::TimeZone;

    fn entry(sequence: u64) -> AuditLine {
        AuditLine {
            sequence,
            time: chrono::Utc.with_ymd_and_hms(2026, 11, 30, 14, 5, 9).unwrap(),
            user: "asha".into(),
            host: "ward-pc".into(),
            action: "move".into(),
            summary: format!("moved app {sequence}"),
            subjects: vec![format!("app {sequence}")],
            hash: format!("{sequence:064x}"),
        }
    }

    #[test]
    fn entries_past_the_last_row_are_counted_in_a_note_not_an_error() {
        let audit = AuditAppendix { entries: (1..=5).map(entry).collect(), intact: true, broken: None };
        let mut workbook = rust_xlsxwriter::Workbook::new();
        // Room for two entries after the header.
        write_sheet(workbook.add_worksheet(), &Styles::new(), &audit, "T", HEADER_ROW + 2).unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range(SHEET).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows[4][0], Data::Float(1.0));
        assert_eq!(rows[5][0], Data::Float(2.0));
        assert_eq!(
            rows[6][0],
            Data::String("3 more entries do not fit in a worksheet: the report (--format html) has them all".into())
        );
        assert_eq!(rows.len(), 7);
    }
}
