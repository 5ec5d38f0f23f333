//! Connection data into observed dependencies: Linux `netstat` and `ss`
//! captures, Windows `netstat -aon`/`-aonb` captures, AWS VPC flow logs
//! (version 2) and the Azure Migrate agentless dependency export.
//!
//! These formats produce dependencies only, never inventory. Everything
//! streams: a reader is read line by line (CSV record by record) into a
//! [`ConnectionAggregator`], whose memory grows with the number of distinct
//! (source, destination, port, protocol) aggregates and not with the number
//! of records, so a 10,000,000-row export imports in bounded memory. Then
//! [`ConnectionAggregator::finish`] writes one `DependencyRecord` per aggregate.
//!
//! Rules every format keeps:
//! - Direction comes from the listening side. A capture collects its host's
//!   listening sockets (TCP `LISTEN`, UDP sockets bound with no peer); a
//!   connection whose local port listens is inbound (peer → host, port = the
//!   local port), any other is outbound (host → peer, port = the peer's
//!   port). Flow logs carry no listening information: the service side is
//!   told from the ports ([`ConnectionRules::first_is_service`]).
//! - Loopback (`127.0.0.0/8`, `::1`) and link-local (`169.254.0.0/16`,
//!   `fe80::/10`) traffic is ignored and counted; wildcard peers
//!   (`0.0.0.0:*`, `*:*`, `[::]:0`) are listening sockets, not connections.
//! - IPv4-mapped IPv6 (`::ffff:10.0.0.5`) becomes `10.0.0.5`; `%eth0` scope
//!   ids are stripped.
//! - Addresses stay addresses (`RefKind::Address`): merge resolves them to the
//!   server that has them or keeps them as external endpoints, never drops them.
//!   Names (the captured host, Azure Migrate server names, host names in
//!   captures taken without `-n`) are `RefKind::Server`.
//! - Shared infrastructure is classified by destination port and role
//!   ([`InfrastructureRules`]), not dropped.
//!
//! Must not: read a whole file into memory, fail or panic on bad input, or
//! report more than a bounded number of diagnostics per file.

mod address;
mod aggregate;
mod azure;
mod capture;
mod classify;
mod flowlog;
mod lines;
mod netstat;
mod ss;
mod windows;

use std::io::BufRead;

use waveplan_core::{Diagnostic, Origin};

pub use aggregate::{
    ConnectionAggregate, ConnectionAggregator, ConnectionEnd, ConnectionReport, ConnectionRules, FileSummary,
    InfrastructureRules, TIME_SLOT_SECONDS, WeightBasis,
};
pub use classify::reclassify_dependencies;

use crate::FormatInfo;
use crate::table::Table;

/// Linux `netstat` (`-anp`, `-aeep`, `-lnp`).
pub const NETSTAT: &str = "netstat";
/// Linux `ss` (`-tanp`, `-a`, `-tulpen`).
pub const SS: &str = "ss";
/// Windows `netstat -aon` and `-aonb`.
pub const NETSTAT_WINDOWS: &str = "netstat-windows";
/// AWS VPC flow logs, version 2.
pub const VPC_FLOW_LOGS: &str = flowlog::FORMAT;
/// The Azure Migrate agentless dependency export.
pub const AZURE_MIGRATE_DEPENDENCIES: &str = azure::FORMAT;

/// The connection formats.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        id: NETSTAT,
        name: "Linux netstat capture (netstat -anp, -aeep, -lnp)",
        recognised_by: "the header 'Proto Recv-Q Send-Q Local Address Foreign Address' or lines 'tcp 0 0 address:port address:port'",
    },
    FormatInfo {
        id: SS,
        name: "Linux ss capture (ss -tanp, -a, -tulpen)",
        recognised_by: "the header 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port' (or starting 'State Recv-Q') or lines 'tcp LISTEN 0 128 address:port address:port'",
    },
    FormatInfo {
        id: NETSTAT_WINDOWS,
        name: "Windows netstat capture (netstat -aon, -aonb)",
        recognised_by: "'Active Connections' and lines '  TCP    address:port    address:port    STATE    PID'",
    },
    FormatInfo {
        id: VPC_FLOW_LOGS,
        name: "AWS VPC flow logs (version 2)",
        recognised_by: "space-separated records of 14 fields ending 'ACCEPT OK', 'REJECT OK' or '- NODATA', or a header line naming srcaddr and dstaddr",
    },
    FormatInfo {
        id: AZURE_MIGRATE_DEPENDENCIES,
        name: "Azure Migrate dependency export (agentless)",
        recognised_by: "the columns Time slot, Source server name (or Source IP), Destination server name (or Destination IP) and Destination port",
    },
];

/// How many lines of a head are looked at to recognise a capture.
const DETECTION_LINES: usize = 200;

/// Recognises a connection format from a file's name and the first few KB
/// of its text (decoded). Also recognises the Azure Migrate export's header,
/// so that it can be sent to [`read_azure_dependencies`] without being read
/// into a [`Table`] first.
pub fn detect_text(file_name: &str, head: &str) -> Option<&'static str> {
    let head = head.strip_prefix('\u{feff}').unwrap_or(head);
    let first_line = head.lines().find(|l| !l.trim().is_empty())?;
    let delimiter = char::from(crate::table::sniff_delimiter(first_line));
    let headers: Vec<String> = first_line.split(delimiter).map(|h| h.trim().trim_matches('"').to_string()).collect();
    if azure::headers_match(&headers) {
        return Some(AZURE_MIGRATE_DEPENDENCIES);
    }
    let lines: Vec<&str> = head.lines().take(DETECTION_LINES).collect();
    if lines.iter().any(|l| flowlog::is_header(l) || flowlog::is_record(l)) {
        return Some(VPC_FLOW_LOGS);
    }
    let header_of = |line: &&str| {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Netid", "State", "Recv-Q", ..] | ["State", "Recv-Q", "Send-Q", ..] => Some(SS),
            ["Proto", "Recv-Q", "Send-Q", ..] => Some(NETSTAT),
            ["Active", "Internet", "connections", ..] => Some(NETSTAT),
            ["Active", "Connections"] | ["Proto", "Local", "Address", "Foreign", "Address", ..] => {
                Some(NETSTAT_WINDOWS)
            }
            _ => None,
        }
    };
    if let Some(format) = lines.iter().find_map(header_of) {
        return Some(format);
    }
    // No header (cut off, or removed): count the socket lines each reads;
    // on a tie, the format the file name mentions wins.
    let named = file_name_format(file_name);
    let sockets = |parse: fn(&str) -> capture::CaptureLine| {
        lines.iter().filter(|l| matches!(parse(l), capture::CaptureLine::Socket(_))).count()
    };
    [
        (sockets(windows::parse_line), NETSTAT_WINDOWS),
        (sockets(ss::parse_line), SS),
        (sockets(netstat::parse_line), NETSTAT),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .max_by_key(|&(count, format)| (count, named == Some(format)))
    .map(|(_, format)| format)
}

/// The capture format a file name mentions (`web01-ss.out`, `dc01-netstat-aon.txt`).
fn file_name_format(file_name: &str) -> Option<&'static str> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).to_lowercase();
    let words: Vec<&str> = base.split(['.', '-', '_']).collect();
    if words.contains(&"ss") {
        Some(SS)
    } else if words.iter().any(|w| matches!(*w, "aon" | "aonb" | "ano" | "windows" | "win")) {
        Some(NETSTAT_WINDOWS)
    } else if words.contains(&"netstat") {
        Some(NETSTAT)
    } else {
        None
    }
}

/// Recognises the Azure Migrate dependency export from a table's headers.
pub fn detect_table(table: &Table) -> Option<&'static str> {
    azure::headers_match(&table.headers).then_some(AZURE_MIGRATE_DEPENDENCIES)
}

/// Words that end the host part of a capture's file name.
const CAPTURE_WORDS: &[&str] =
    &["netstat", "ss", "sockets", "socket", "connections", "conns", "capture", "txt", "out", "log"];

/// The host a capture file is of, from its name, when no `--host` is given.
///
/// The rule: the file's base name is cut into words at `.`, `-` and `_`; the
/// host is everything before the first of the words `netstat`, `ss`,
/// `sockets`, `socket`, `connections`, `conns`, `capture`, `txt`, `out`,
/// `log` (any case). A base name without such a word and without a dot is the
/// host itself. So `web01.netstat.txt`, `web01-ss.out`,
/// `web01_netstat_2024-03-01.txt` and `web01.txt` give `web01`;
/// `web01.corp.local.netstat.txt` gives `web01.corp.local`; `netstat-aon.out`
/// gives nothing (give `--host`).
pub fn host_from_file_name(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).trim();
    let mut start = 0;
    for (end, c) in base.char_indices().chain(std::iter::once((base.len(), '.'))) {
        if !matches!(c, '.' | '-' | '_') {
            continue;
        }
        let word = &base[start..end];
        if CAPTURE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            let host = base[..start].trim_end_matches(['.', '-', '_']);
            return (!host.is_empty()).then(|| host.to_string());
        }
        start = end + 1;
    }
    (!base.is_empty() && !base.contains('.')).then(|| base.to_string())
}

/// Reads one connection file of a text format (`netstat`, `ss`,
/// `netstat-windows`, `vpc-flow-logs`; `azure-migrate-dependencies` is
/// passed on to [`read_azure_dependencies`]) into the aggregator, line by
/// line. `host` names the captured host of a capture; when `None` it is taken
/// from the file name ([`host_from_file_name`]). Problems go to
/// `diagnostics`, with file, line and field.
pub fn read_connection_text(
    format_id: &str,
    file: &str,
    host: Option<&str>,
    reader: impl BufRead,
    aggregator: &mut ConnectionAggregator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (format, parse_line): (&'static str, fn(&str) -> capture::CaptureLine) = match format_id {
        NETSTAT => (NETSTAT, netstat::parse_line),
        SS => (SS, ss::parse_line),
        NETSTAT_WINDOWS => (NETSTAT_WINDOWS, windows::parse_line),
        VPC_FLOW_LOGS => return flowlog::read_flow_logs(file, reader, aggregator, diagnostics),
        AZURE_MIGRATE_DEPENDENCIES => return azure::read_azure_dependencies(file, reader, aggregator, diagnostics),
        other => {
            diagnostics.push(Diagnostic::error_at(
                &Origin::new(file, 1),
                None,
                format!("'{other}' is not a connection format (known: netstat, ss, netstat-windows, vpc-flow-logs, azure-migrate-dependencies)"),
            ));
            return;
        }
    };
    let host = host.map(str::trim).filter(|h| !h.is_empty()).map(str::to_string).or_else(|| host_from_file_name(file));
    let Some(host) = host else {
        diagnostics.push(Diagnostic::error_at(
            &Origin::new(file, 1),
            None,
            "cannot tell which host this capture is of: name the file after the host (web01.netstat.txt) or give --host",
        ));
        return;
    };
    capture::read_capture(format, file, &host, reader, parse_line, aggregator, diagnostics);
}

/// Reads an Azure Migrate agentless dependency export (CSV; UTF-8 with or
/// without a byte-order mark, or UTF-16; comma, semicolon or tab) into the
/// aggregator, record by record.
pub fn read_azure_dependencies(
    file: &str,
    reader: impl std::io::Read,
    aggregator: &mut ConnectionAggregator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    azure::read_azure_dependencies(file, reader, aggregator, diagnostics);
}

/// Reads an Azure Migrate agentless dependency export that was already read
/// as a [`Table`] (a workbook sheet, or a CSV file read whole, as when the
/// format is forced). Prefer [`read_azure_dependencies`] for CSV files: it
/// streams.
pub fn read_azure_table(table: &Table, aggregator: &mut ConnectionAggregator, diagnostics: &mut Vec<Diagnostic>) {
    azure::read_azure_table(table, aggregator, diagnostics);
}

#[cfg(test)]
mod tests;
