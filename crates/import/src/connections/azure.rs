//! The Azure Migrate agentless dependency export: CSV, one row per
//! connection seen in a six-hour time slot, UTF-8 with a byte-order mark in
//! the wild:
//! `Time slot,Source server name,Source IP,Source application,Source process,
//! Destination server name,Destination IP,Destination application,
//! Destination process,Destination port,Source VLAN,Destination VLAN`
//! (the documented list lacks `Source IP` and the VLAN columns; both read).
//!
//! Servers are named where the export names them; an empty destination
//! server name (a destination outside the discovered estate) is replaced by
//! the destination IP. `Unknown process` is no process. Agentless dependency
//! analysis collects TCP connections, so the protocol is TCP. Streams with
//! the csv crate; must not hold rows.

use std::hash::Hasher;
use std::io::{BufRead, Read};
use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use waveplan_core::{Diagnostic, Protocol};

use super::address::{is_ignored_ip, parse_ip};
use super::aggregate::{
    ConnectionAggregator, EndId, EndRef, FastHasher, FileSummary, HashMap, Observation, same_bytes,
};
use super::lines::{FileReporter, LineLengthGuard, decode_field, utf8_reader};
use crate::table::{Table, header_key, sniff_delimiter};

/// The format id.
pub(crate) const FORMAT: &str = "azure-migrate-dependencies";

/// The longest CSV line read (a row of this export is a few hundred bytes).
const MAX_CSV_LINE_BYTES: usize = 1024 * 1024;

/// How many distinct time-slot texts are remembered parsed.
const TIME_SLOT_CACHE: usize = 4096;

/// The columns, each with the spellings accepted.
pub(crate) const TIME_SLOT: &[&str] = &["Time slot", "Timeslot", "Time"];
pub(crate) const SOURCE_SERVER: &[&str] =
    &["Source server name", "Source server", "Source machine name", "Source machine"];
pub(crate) const SOURCE_IP: &[&str] = &["Source IP", "Source IP address"];
pub(crate) const SOURCE_PROCESS: &[&str] = &["Source process", "Source process name"];
pub(crate) const DESTINATION_SERVER: &[&str] =
    &["Destination server name", "Destination server", "Destination machine name", "Destination machine"];
pub(crate) const DESTINATION_IP: &[&str] = &["Destination IP", "Destination IP address"];
pub(crate) const DESTINATION_PROCESS: &[&str] = &["Destination process", "Destination process name"];
pub(crate) const DESTINATION_PORT: &[&str] = &["Destination port", "Port"];

/// The position of the first header matching one of `names`.
fn find(keys: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|name| {
        let key = header_key(name);
        keys.iter().position(|k| *k == key)
    })
}

/// Whether these headers are this export's (names compared as [`header_key`] does).
pub(crate) fn headers_match(headers: &[String]) -> bool {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    find(&keys, &TIME_SLOT[..1]).is_some()
        && (find(&keys, SOURCE_SERVER).is_some() || find(&keys, SOURCE_IP).is_some())
        && (find(&keys, DESTINATION_SERVER).is_some() || find(&keys, DESTINATION_IP).is_some())
        && find(&keys, &DESTINATION_PORT[..1]).is_some()
}

/// Parses a time slot as the export writes it, in the US form of the portal
/// (`2/27/2020 6:00:00 PM`, `2/27/2020 18:00`), ISO 8601, or a range whose
/// start is either (`2/27/2020 6:00 PM - 2/28/2020 12:00 AM`). A day-first
/// date (`27/02/2020 18:00`) is read when the US reading is impossible.
/// Returns seconds, the time read as UTC.
pub(crate) fn parse_time_slot(text: &str) -> Option<i64> {
    let text = text.trim();
    let start = text.split(" - ").next().unwrap_or(text).split(" to ").next().unwrap_or(text).trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(start) {
        return Some(time.timestamp());
    }
    const FORMATS: &[&str] = &[
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %I:%M:%S %p",
    ];
    let naive = FORMATS.iter().find_map(|format| NaiveDateTime::parse_from_str(start, format).ok()).or_else(|| {
        ["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"]
            .iter()
            .find_map(|format| NaiveDate::parse_from_str(start, format).ok())
            .and_then(|date| date.and_hms_opt(0, 0, 0))
    })?;
    Some(naive.and_utc().timestamp())
}

struct Columns {
    time_slot: Option<usize>,
    source_server: Option<usize>,
    source_ip: Option<usize>,
    source_process: Option<usize>,
    destination_server: Option<usize>,
    destination_ip: Option<usize>,
    destination_process: Option<usize>,
    destination_port: Option<usize>,
}

impl Columns {
    fn find<'h>(headers: impl IntoIterator<Item = &'h [u8]>) -> Columns {
        let keys: Vec<String> = headers.into_iter().map(|h| header_key(decode_field(h).trim())).collect();
        Columns {
            time_slot: find(&keys, TIME_SLOT),
            source_server: find(&keys, SOURCE_SERVER),
            source_ip: find(&keys, SOURCE_IP),
            source_process: find(&keys, SOURCE_PROCESS),
            destination_server: find(&keys, DESTINATION_SERVER),
            destination_ip: find(&keys, DESTINATION_IP),
            destination_process: find(&keys, DESTINATION_PROCESS),
            destination_port: find(&keys, DESTINATION_PORT),
        }
    }
}

/// A row end already seen: what it resolved to.
#[derive(Clone, Copy, Debug)]
struct ResolvedEnd {
    /// The aggregator's id of the end.
    id: EndId,
    /// The address, when the row gives a valid one.
    ip: Option<IpAddr>,
    /// Whether the end is named (else it is its address).
    named: bool,
}

/// Row ends by the bytes of their name and address cells, so that the
/// millions of rows of an export naming the same few thousand servers are not
/// decoded and parsed again and again. The cells are hashed where the CSV
/// reader left them (copying them into one key first costs more than the
/// lookup). Cleared when it grows past [`END_CACHE`] entries, to keep memory
/// bounded.
#[derive(Default)]
struct EndCache {
    ends: hashbrown::HashTable<CachedEnd>,
    /// The name and address bytes of every entry, one after the other.
    bytes: Vec<u8>,
}

/// An entry of the [`EndCache`].
struct CachedEnd {
    /// Where its name starts in [`EndCache::bytes`]; its address follows.
    start: u32,
    name_len: u32,
    ip_len: u32,
    end: ResolvedEnd,
}

/// How many row ends are remembered, and up to how many bytes of their cells.
const END_CACHE: usize = 1 << 16;
const END_CACHE_BYTES: usize = 16 << 20;

fn end_hash(name: &[u8], ip: &[u8]) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write_usize(name.len());
    hasher.write(name);
    hasher.write(ip);
    hasher.finish()
}

/// Why a row end cannot be taken.
enum EndProblem {
    /// Neither a name nor an address.
    Missing,
    /// No name, and the address is not one.
    NotAnAddress(String),
}

impl EndCache {
    /// The end named by these cells (trimmed); a warning (once per distinct
    /// cells) when a named end's address is not an address.
    fn resolve(
        &mut self,
        name: &[u8],
        ip: &[u8],
        aggregator: &mut ConnectionAggregator,
        warn: &mut dyn FnMut(String),
    ) -> Result<ResolvedEnd, EndProblem> {
        let hash = end_hash(name, ip);
        let bytes = &self.bytes;
        let same = |entry: &CachedEnd| {
            let start = entry.start as usize;
            let (name_end, ip_end) =
                (start + entry.name_len as usize, start + (entry.name_len + entry.ip_len) as usize);
            entry.name_len as usize == name.len()
                && entry.ip_len as usize == ip.len()
                && same_bytes(&bytes[start..name_end], name)
                && same_bytes(&bytes[name_end..ip_end], ip)
        };
        if let Some(entry) = self.ends.find(hash, same) {
            return Ok(entry.end);
        }
        let name_text = (!name.is_empty()).then(|| decode_field(name));
        let ip_text = (!ip.is_empty()).then(|| decode_field(ip));
        let parsed = ip_text.as_deref().and_then(parse_ip);
        let end = match (&name_text, parsed, &ip_text) {
            (None, None, None) => return Err(EndProblem::Missing),
            (None, None, Some(text)) => return Err(EndProblem::NotAnAddress(text.to_string())),
            (Some(name), _, _) => {
                if let (None, Some(text)) = (parsed, &ip_text) {
                    warn(format!("IP '{text}' is not an IP address"));
                }
                ResolvedEnd { id: aggregator.end_id(EndRef::Server(name)), ip: parsed, named: true }
            }
            (None, Some(ip), _) => {
                ResolvedEnd { id: aggregator.end_id(EndRef::Address(ip)), ip: Some(ip), named: false }
            }
        };
        if self.ends.len() >= END_CACHE || self.bytes.len() >= END_CACHE_BYTES {
            self.ends.clear();
            self.bytes.clear();
        }
        let entry =
            CachedEnd { start: self.bytes.len() as u32, name_len: name.len() as u32, ip_len: ip.len() as u32, end };
        self.bytes.extend_from_slice(name);
        self.bytes.extend_from_slice(ip);
        let bytes = &self.bytes;
        let rehash = |entry: &CachedEnd| {
            let start = entry.start as usize;
            let name_end = start + entry.name_len as usize;
            end_hash(&bytes[start..name_end], &bytes[name_end..name_end + entry.ip_len as usize])
        };
        self.ends.insert_unique(hash, entry, rehash);
        Ok(end)
    }
}

/// Time slots by the bytes of their cell, parsed once each.
#[derive(Default)]
struct SlotCache {
    parsed: HashMap<Vec<u8>, Option<i64>>,
    last: (Vec<u8>, Option<i64>),
}

impl SlotCache {
    /// The time of a slot cell (trimmed), with a warning when it is not one.
    fn seen(&mut self, cell: &[u8], number: u64, column: Option<u64>, reporter: &mut FileReporter<'_>) -> Option<i64> {
        if cell.is_empty() {
            return None;
        }
        if same_bytes(cell, &self.last.0) {
            return self.last.1;
        }
        let parsed = match self.parsed.get(cell) {
            Some(&parsed) => parsed,
            None => {
                let text = decode_field(cell);
                let parsed = parse_time_slot(&text);
                if parsed.is_none() {
                    reporter.warning(
                        number,
                        column,
                        format!("Time slot '{text}' is not a date and time: left unknown"),
                    );
                }
                if self.parsed.len() < TIME_SLOT_CACHE {
                    self.parsed.insert(cell.to_vec(), parsed);
                }
                parsed
            }
        };
        self.last.0.clear();
        self.last.0.extend_from_slice(cell);
        self.last.1 = parsed;
        parsed
    }
}

/// A port number cell: digits read directly (the usual case), anything else
/// as Rust reads a number.
fn parse_port(cell: &[u8]) -> Option<u16> {
    if (1..=5).contains(&cell.len()) && cell.iter().all(u8::is_ascii_digit) {
        let value = cell.iter().fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'));
        return u16::try_from(value).ok();
    }
    std::str::from_utf8(cell).ok()?.parse().ok()
}

/// A process name, or `None` for an empty cell or `Unknown process`.
fn process(cell: &[u8]) -> Option<&[u8]> {
    (!cell.is_empty() && !cell.eq_ignore_ascii_case(b"Unknown process")).then_some(cell)
}

/// The reading of one export, header then rows, whatever they come from
/// (a CSV stream or a table read from a workbook).
struct ExportReader<'d> {
    file_id: u32,
    summary: FileSummary,
    reporter: FileReporter<'d>,
    columns: Option<Columns>,
    ends: EndCache,
    slots: SlotCache,
}

fn column(index: Option<usize>) -> Option<u64> {
    index.map(|i| i as u64 + 1)
}

impl<'d> ExportReader<'d> {
    fn new(
        file: &'d str,
        sheet: Option<&'d str>,
        aggregator: &mut ConnectionAggregator,
        diagnostics: &'d mut Vec<Diagnostic>,
    ) -> ExportReader<'d> {
        ExportReader {
            file_id: aggregator.file_id(file),
            summary: FileSummary::new(file, FORMAT),
            reporter: FileReporter::in_sheet(file, sheet, diagnostics),
            columns: None,
            ends: EndCache::default(),
            slots: SlotCache::default(),
        }
    }

    /// Reads the header row; `false` when it is not this export's.
    fn header<'h>(&mut self, headers: impl IntoIterator<Item = &'h [u8]>, number: u64) -> bool {
        let found = Columns::find(headers);
        let mut missing = Vec::new();
        if found.source_server.is_none() && found.source_ip.is_none() {
            missing.push("Source server name or Source IP");
        }
        if found.destination_server.is_none() && found.destination_ip.is_none() {
            missing.push("Destination server name or Destination IP");
        }
        if !missing.is_empty() {
            self.reporter.error(
                number,
                None,
                format!("not an Azure Migrate dependency export: no column {}", missing.join(", no column ")),
            );
            return false;
        }
        if found.destination_port.is_none() {
            self.reporter.warning(number, None, "no Destination port column: ports are left unknown");
        }
        if found.time_slot.is_none() {
            self.reporter.warning(number, None, "no Time slot column: first and last seen are left unknown");
        }
        self.columns = Some(found);
        true
    }

    /// Reads one row, given its cells by position.
    fn row<'c>(
        &mut self,
        cells: impl Fn(usize) -> Option<&'c [u8]>,
        number: u64,
        aggregator: &mut ConnectionAggregator,
    ) {
        let Some(columns) = &self.columns else { return };
        let summary = &mut self.summary;
        let reporter = &mut self.reporter;
        summary.lines += 1;
        let cell = |index: Option<usize>| index.and_then(&cells).map_or(&b""[..], <[u8]>::trim_ascii);
        let ends = &mut self.ends;
        let mut resolve = |side: &str, name: Option<usize>, ip: Option<usize>, reporter: &mut FileReporter<'_>| {
            let mut warn = |message: String| reporter.warning(number, column(ip), format!("{side} {message}"));
            match ends.resolve(cell(name), cell(ip), aggregator, &mut warn) {
                Ok(end) => Some(end),
                Err(EndProblem::Missing) => {
                    reporter.error(number, column(name), format!("no {side} server name or IP"));
                    None
                }
                Err(EndProblem::NotAnAddress(text)) => {
                    reporter.error(number, column(ip), format!("{side} IP '{text}' is not an IP address"));
                    None
                }
            }
        };
        let source = resolve("source", columns.source_server, columns.source_ip, reporter);
        let destination = resolve("destination", columns.destination_server, columns.destination_ip, reporter);
        let (Some(source), Some(destination)) = (source, destination) else {
            summary.unreadable += 1;
            return;
        };
        if [source.ip, destination.ip].iter().flatten().any(IpAddr::is_loopback) {
            summary.loopback += 1;
            return;
        }
        if [source.ip, destination.ip].iter().flatten().any(is_ignored_ip) {
            summary.link_local += 1;
            return;
        }
        if source.id == destination.id || (source.ip.is_some() && source.ip == destination.ip) {
            summary.to_itself += 1;
            return;
        }
        let port_cell = cell(columns.destination_port);
        let port = if port_cell.is_empty() {
            None
        } else {
            match parse_port(port_cell) {
                Some(port) => Some(port),
                None => {
                    summary.unreadable += 1;
                    let text = decode_field(port_cell);
                    reporter.error(
                        number,
                        column(columns.destination_port),
                        format!("Destination port '{text}' is not a port number"),
                    );
                    return;
                }
            }
        };
        let seen = self.slots.seen(cell(columns.time_slot), number, column(columns.time_slot), reporter);
        let from_column = if source.named { columns.source_server } else { columns.source_ip };
        let to_column = if destination.named { columns.destination_server } else { columns.destination_ip };
        aggregator.add(Observation {
            from: EndRef::Id(source.id),
            to: EndRef::Id(destination.id),
            port,
            protocol: Protocol::Tcp,
            bytes: None,
            seen: seen.map(|at| (at, at)),
            client_process: process(cell(columns.source_process)),
            server_process: process(cell(columns.destination_process)),
            file: self.file_id,
            line: number,
            from_column: column(from_column),
            to_column: column(to_column),
        });
        summary.connections += 1;
    }

    fn close(mut self, aggregator: &mut ConnectionAggregator) {
        if self.columns.is_none() && !self.reporter.had_error {
            self.reporter.error(1, None, "the file has no header row");
        }
        aggregator.add_summary(self.summary);
        self.reporter.close();
    }
}

/// Reads an Azure Migrate dependency export into the aggregator, streaming.
pub(crate) fn read_azure_dependencies(
    file: &str,
    reader: impl Read,
    aggregator: &mut ConnectionAggregator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut export = ExportReader::new(file, None, aggregator, diagnostics);
    let mut input = utf8_reader(reader);
    let delimiter = match input.fill_buf() {
        Ok(head) => sniff_delimiter(&String::from_utf8_lossy(head)),
        Err(error) => {
            export.reporter.error(1, None, format!("cannot read the file: {error}"));
            return export.close(aggregator);
        }
    };
    // Records end at `\n` only, so that the csv crate counts lines right
    // for CRLF files too; the `\r` left at the end of a record is trimmed.
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(false)
        .buffer_capacity(64 * 1024)
        .from_reader(LineLengthGuard::new(input, MAX_CSV_LINE_BYTES));
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                // An I/O error (a line past the cap) has no position of its
                // own: the reader's is the line it was reading.
                let line = error.position().unwrap_or_else(|| csv.position()).line();
                let message = match error.kind() {
                    csv::ErrorKind::Io(io) => format!("{io} (a row of this export is a few hundred): not read"),
                    _ => format!("malformed CSV: {error}"),
                };
                export.reporter.error(line, None, message);
                break;
            }
        }
        if record.as_slice().iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let number = record.position().map_or(0, |p| p.line());
        if export.columns.is_none() {
            if !export.header(record.iter(), number) {
                break;
            }
            continue;
        }
        export.row(|index| record.get(index), number, aggregator);
    }
    export.close(aggregator);
}

/// Reads an Azure Migrate dependency export already read as a table (a
/// workbook sheet, or a CSV file read whole).
pub(crate) fn read_azure_table(
    table: &Table,
    aggregator: &mut ConnectionAggregator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut export = ExportReader::new(&table.file, table.sheet.as_deref(), aggregator, diagnostics);
    if export.header(table.headers.iter().map(String::as_bytes), table.header_line) {
        for row in &table.rows {
            export.row(|index| row.cells.get(index).map(String::as_bytes), row.line, aggregator);
        }
    }
    export.close(aggregator);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_past_the_cap_is_reported_at_its_own_line() {
        let header = "Time slot,Source server name,Destination server name,Destination port\n";
        let row = "2/27/2020 6:00 PM,WEB01,SQL01,1433\n";
        for (before, ending) in [(3, "\n"), (70_000, "\n"), (2, "\r\n")] {
            let mut text = header.replace('\n', ending);
            for _ in 0..before {
                text.push_str(&row.replace('\n', ending));
            }
            text.push_str(&"x".repeat(MAX_CSV_LINE_BYTES + 10));
            text.push_str(ending);
            text.push_str(row);
            let mut aggregator = ConnectionAggregator::default();
            let mut diagnostics = Vec::new();
            read_azure_dependencies("deps.csv", text.as_bytes(), &mut aggregator, &mut diagnostics);
            let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
            assert_eq!(
                errors,
                [format!(
                    "deps.csv:{}: error: the line is longer than 1048576 bytes (a row of this export is a few hundred): not read",
                    before + 2
                )]
            );
        }
    }

    #[test]
    fn reads_time_slots_in_the_forms_exports_use() {
        let six_pm = NaiveDate::from_ymd_opt(2020, 2, 27).unwrap().and_hms_opt(18, 0, 0).unwrap().and_utc().timestamp();
        for text in [
            "2/27/2020 6:00:00 PM",
            "02/27/2020 06:00 PM",
            "2/27/2020 18:00",
            "2020-02-27T18:00:00Z",
            "2020-02-27 18:00:00",
            "2/27/2020 6:00 PM - 2/28/2020 12:00 AM",
            "27/02/2020 18:00",
        ] {
            assert_eq!(parse_time_slot(text), Some(six_pm), "{text}");
        }
        assert_eq!(parse_time_slot("2020-02-27"), Some(six_pm - 18 * 3600));
        assert_eq!(parse_time_slot("yesterday"), None);
    }
}
