//! AWS VPC flow logs, default version 2 format: space-separated
//! `version account-id interface-id srcaddr dstaddr srcport dstport protocol
//! packets bytes start end action log-status`, no header (a header line of
//! those names, as S3 delivery writes, is read and its order followed, so
//! custom formats that include these fields work too).
//!
//! `NODATA` and `SKIPDATA` records and `REJECT`ed flows are counted, not
//! taken; ICMP is counted, not taken (no port, and requests and replies go
//! both ways). The service side is told from the ports
//! ([`ConnectionRules::first_is_service`]), since a flow record says who sent
//! the packets, not who listens. Reads line by line; must not hold records.

use std::io::BufRead;

use waveplan_core::{Diagnostic, Protocol};

use super::address::{is_ignored_ip, parse_ip};
use super::aggregate::{ConnectionAggregator, ConnectionRules, EndRef, FileSummary, Observation};
use super::lines::{FileReporter, Line, LineReader, MAX_LINE_BYTES};
use crate::table::header_key;

/// The format id.
pub(crate) const FORMAT: &str = "vpc-flow-logs";

/// The most fields a line may have (custom formats go up to about 30).
const MAX_FIELDS: usize = 64;

/// Where each field is on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FieldPositions {
    srcaddr: usize,
    dstaddr: usize,
    srcport: usize,
    dstport: usize,
    protocol: usize,
    bytes: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    action: Option<usize>,
    log_status: Option<usize>,
    /// How many fields a record has.
    count: usize,
}

impl FieldPositions {
    fn version_2() -> FieldPositions {
        FieldPositions {
            srcaddr: 3,
            dstaddr: 4,
            srcport: 5,
            dstport: 6,
            protocol: 7,
            bytes: Some(9),
            start: Some(10),
            end: Some(11),
            action: Some(12),
            log_status: Some(13),
            count: 14,
        }
    }

    /// The positions a header line gives; `None` when it lacks a required field.
    fn from_header(names: &[&str]) -> Option<FieldPositions> {
        let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
        let find = |name: &str| keys.iter().position(|k| *k == header_key(name));
        Some(FieldPositions {
            srcaddr: find("srcaddr")?,
            dstaddr: find("dstaddr")?,
            srcport: find("srcport")?,
            dstport: find("dstport")?,
            protocol: find("protocol")?,
            bytes: find("bytes"),
            start: find("start"),
            end: find("end"),
            action: find("action"),
            log_status: find("log-status"),
            count: names.len(),
        })
    }
}

/// Whether a line is a header of flow-log field names.
pub(crate) fn is_header(line: &str) -> bool {
    let mut words = line.split_ascii_whitespace().map(header_key);
    words.any(|w| w == "srcaddr") && line.split_ascii_whitespace().any(|w| header_key(w) == "dstaddr")
}

/// Whether a line looks like a version 2 record.
pub(crate) fn is_record(line: &str) -> bool {
    let fields: Vec<&str> = line.split_ascii_whitespace().collect();
    fields.len() >= 14
        && fields[0].bytes().all(|b| b.is_ascii_digit())
        && matches!(fields[12], "ACCEPT" | "REJECT" | "-")
        && matches!(fields[13], "OK" | "NODATA" | "SKIPDATA")
}

/// Reads a flow-log file into the aggregator.
pub(crate) fn read_flow_logs(
    file: &str,
    reader: impl BufRead,
    aggregator: &mut ConnectionAggregator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let file_id = aggregator.file_id(file);
    let mut summary = FileSummary::new(file, FORMAT);
    let mut reporter = FileReporter::new(file, diagnostics);
    let mut positions = FieldPositions::version_2();
    let mut lines = LineReader::new(reader);
    loop {
        let (number, line) = match lines.next_line() {
            Ok(Some((number, Line::Text(text)))) => (number, text),
            Ok(Some((number, Line::TooLong))) => {
                summary.unreadable += 1;
                reporter.error(number, None, format!("line longer than {MAX_LINE_BYTES} bytes: not a flow-log record"));
                continue;
            }
            Ok(None) => break,
            Err(error) => {
                reporter.error(lines.line + 1, None, format!("cannot read the file: {error}"));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        summary.lines += 1;
        let mut fields = [""; MAX_FIELDS];
        let mut count = 0;
        for field in line.split_ascii_whitespace() {
            if count < MAX_FIELDS {
                fields[count] = field;
            }
            count += 1;
        }
        if is_header(line) {
            let names = &fields[..count.min(MAX_FIELDS)];
            match FieldPositions::from_header(names) {
                Some(found) => positions = found,
                None => reporter.error(
                    number,
                    None,
                    "flow-log header lacks one of srcaddr, dstaddr, srcport, dstport, protocol",
                ),
            }
            continue;
        }
        // CloudWatch Logs exports put the ingestion time before each record.
        let offset = usize::from(count == positions.count + 1 && !fields[0].bytes().all(|b| b.is_ascii_digit()));
        if count < positions.count + offset || count > MAX_FIELDS {
            summary.unreadable += 1;
            reporter.error(
                number,
                None,
                format!("a flow-log record has {} fields, this one has {count}", positions.count),
            );
            continue;
        }
        let record = &fields[offset..count];
        let column = |index: usize| Some((index + offset) as u64 + 1);
        let get = |index: Option<usize>| index.map(|i| record[i]).filter(|value| *value != "-");
        match get(positions.log_status) {
            Some("NODATA") => {
                summary.no_data += 1;
                continue;
            }
            Some("SKIPDATA") => {
                summary.skip_data += 1;
                continue;
            }
            _ => {}
        }
        if record[positions.srcaddr] == "-" {
            summary.no_data += 1;
            continue;
        }
        if get(positions.action) == Some("REJECT") {
            summary.rejected += 1;
            continue;
        }
        let protocol = match record[positions.protocol].parse::<u8>() {
            Ok(6) => Protocol::Tcp,
            Ok(17) => Protocol::Udp,
            Ok(1 | 58) => {
                summary.icmp += 1;
                continue;
            }
            Ok(_) => Protocol::Any,
            Err(_) => {
                summary.unreadable += 1;
                let text = record[positions.protocol];
                reporter.error(
                    number,
                    column(positions.protocol),
                    format!("protocol '{text}' is not an IANA protocol number"),
                );
                continue;
            }
        };
        let (Some(source), Some(destination)) =
            (parse_ip(record[positions.srcaddr]), parse_ip(record[positions.dstaddr]))
        else {
            summary.unreadable += 1;
            let (index, text) = if parse_ip(record[positions.srcaddr]).is_none() {
                (positions.srcaddr, record[positions.srcaddr])
            } else {
                (positions.dstaddr, record[positions.dstaddr])
            };
            reporter.error(number, column(index), format!("'{text}' is not an IP address"));
            continue;
        };
        let (Ok(source_port), Ok(destination_port)) =
            (record[positions.srcport].parse::<u16>(), record[positions.dstport].parse::<u16>())
        else {
            summary.unreadable += 1;
            let index =
                if record[positions.srcport].parse::<u16>().is_err() { positions.srcport } else { positions.dstport };
            reporter.error(number, column(index), format!("'{}' is not a port number", record[index]));
            continue;
        };
        if source.is_loopback() || destination.is_loopback() {
            summary.loopback += 1;
            continue;
        }
        if is_ignored_ip(&source) || is_ignored_ip(&destination) {
            summary.link_local += 1;
            continue;
        }
        if source == destination {
            summary.to_itself += 1;
            continue;
        }
        let number_field = |index: Option<usize>, what: &str, reporter: &mut FileReporter<'_>| -> Option<u64> {
            let text = get(index)?;
            let value = text.parse::<u64>().ok();
            if value.is_none() {
                reporter.warning(
                    number,
                    index.and_then(column),
                    format!("{what} '{text}' is not a whole number: left unknown"),
                );
            }
            value
        };
        let bytes = number_field(positions.bytes, "bytes", &mut reporter);
        let start = number_field(positions.start, "start", &mut reporter).and_then(|s| i64::try_from(s).ok());
        let end = number_field(positions.end, "end", &mut reporter).and_then(|s| i64::try_from(s).ok());
        let seen = match (start, end) {
            (Some(start), Some(end)) => Some((start.min(end), start.max(end))),
            (Some(at), None) | (None, Some(at)) => Some((at, at)),
            (None, None) => None,
        };
        let rules: &ConnectionRules = aggregator.rules();
        let source_is_service = protocol != Protocol::Any && rules.first_is_service(source_port, destination_port);
        let (client, service, port, client_column, service_column) = if source_is_service {
            (destination, source, Some(source_port), positions.dstaddr, positions.srcaddr)
        } else {
            let port = (protocol != Protocol::Any).then_some(destination_port);
            (source, destination, port, positions.srcaddr, positions.dstaddr)
        };
        aggregator.add(Observation {
            from: EndRef::Address(client),
            to: EndRef::Address(service),
            port,
            protocol,
            bytes,
            seen,
            client_process: None,
            server_process: None,
            file: file_id,
            line: number,
            from_column: column(client_column),
            to_column: column(service_column),
        });
        summary.connections += 1;
    }
    if summary.lines == 0 {
        reporter.warning(1, None, "the flow-log file holds no records");
    }
    aggregator.add_summary(summary);
    reporter.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field names of version 2, in their default order.
    const VERSION_2_FIELDS: [&str; 14] = [
        "version",
        "account-id",
        "interface-id",
        "srcaddr",
        "dstaddr",
        "srcport",
        "dstport",
        "protocol",
        "packets",
        "bytes",
        "start",
        "end",
        "action",
        "log-status",
    ];

    #[test]
    fn header_positions() {
        let header: Vec<&str> = VERSION_2_FIELDS.to_vec();
        assert_eq!(FieldPositions::from_header(&header), Some(FieldPositions::version_2()));
        let custom = ["srcaddr", "dstaddr", "srcport", "dstport", "protocol", "bytes"];
        let positions = FieldPositions::from_header(&custom).unwrap();
        assert_eq!((positions.bytes, positions.start, positions.count), (Some(5), None, 6));
        assert!(is_header("version account-id interface-id srcaddr dstaddr srcport dstport protocol"));
        assert!(!is_header("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK"));
        assert!(is_record("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK"));
    }
}
