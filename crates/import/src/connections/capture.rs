//! What the three capture formats (Linux `netstat`, `ss`, Windows `netstat`)
//! share once a line is parsed: listening sockets, direction from the
//! listening side, loopback and link-local traffic left out, snapshots.
//!
//! A capture file holds one host's sockets, possibly several snapshots
//! appended one after the other (a header line starts each). Connections are
//! held until the end of their snapshot, because the listening socket that
//! tells their direction may be printed after them; so memory is bounded by
//! one snapshot, not by the file. Must not know any format's columns.

use std::collections::HashSet;
use std::io::BufRead;
use std::net::IpAddr;

use chrono::{DateTime, NaiveDateTime};
use waveplan_core::{Diagnostic, Protocol};

use super::address::{SocketAddress, SocketHost, SocketPort};
use super::aggregate::{ConnectionAggregator, EndRef, FileSummary, Observation};
use super::lines::{FileReporter, Line, LineReader, MAX_LINE_BYTES};

/// One socket line of a capture.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SocketRow {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// The local address.
    pub local: SocketAddress,
    /// The peer (foreign) address.
    pub peer: SocketAddress,
    /// The process, when the capture names it.
    pub process: Option<String>,
    /// 1-based field of the local address.
    pub local_column: u64,
    /// 1-based field of the peer address.
    pub peer_column: u64,
}

/// What a format's line parser says a line is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CaptureLine {
    /// A header: a new snapshot (or section) starts.
    Boundary,
    /// A TCP or UDP socket.
    Socket(SocketRow),
    /// A socket that is bound but neither listening nor connected (Windows `BOUND`).
    Bound,
    /// The process of the socket on the line before (Windows `-b`: `[svchost.exe]`).
    Process(String),
    /// A socket line that cannot be read: the 1-based field and why.
    Malformed(u64, String),
    /// Anything else (UNIX sockets, netlink, blank lines, notes).
    Other,
}

#[derive(Clone, Debug)]
enum PeerHost {
    Ip(IpAddr),
    Name(String),
}

#[derive(Clone, Debug)]
struct PendingConnection {
    protocol: Protocol,
    local_port: Option<u16>,
    peer: PeerHost,
    peer_port: Option<u16>,
    process: Option<String>,
    line: u64,
    local_column: u64,
    peer_column: u64,
    seen_at: Option<i64>,
}

struct Capture<'a> {
    aggregator: &'a mut ConnectionAggregator,
    host: String,
    host_id: u32,
    file_id: u32,
    pending: Vec<PendingConnection>,
    /// Whether the last socket line was held as a connection (for `-b` process lines).
    last_was_pending: bool,
    seen_at: Option<i64>,
    summary: FileSummary,
    warned_services: HashSet<String>,
    socket_lines: u64,
}

impl Capture<'_> {
    fn take(&mut self, row: SocketRow, line: u64, reporter: &mut FileReporter<'_>) {
        self.socket_lines += 1;
        self.last_was_pending = false;
        for (address, column) in [(&row.local, row.local_column), (&row.peer, row.peer_column)] {
            if let SocketPort::UnknownService(name) = &address.port
                && self.warned_services.insert(name.clone())
            {
                reporter.warning(
                    line,
                    Some(column),
                    format!("unknown service name '{name}': its port is left unknown"),
                );
            }
        }
        if row.peer.is_wildcard() {
            self.summary.listening_sockets += 1;
            if let Some(port) = row.local.port_number() {
                self.aggregator.add_listening(self.host_id, row.protocol, port);
            }
            self.note_local_address(&row.local);
            return;
        }
        if row.local.is_loopback() || row.peer.is_loopback() {
            self.summary.loopback += 1;
            return;
        }
        if row.local.is_link_local() || row.peer.is_link_local() {
            self.summary.link_local += 1;
            return;
        }
        if matches!((&row.local.host, &row.peer.host), (SocketHost::Ip(a), SocketHost::Ip(b)) if a == b) {
            self.summary.to_itself += 1;
            return;
        }
        self.note_local_address(&row.local);
        let peer = match row.peer.host {
            SocketHost::Ip(ip) => PeerHost::Ip(ip),
            SocketHost::Name(ref name) => PeerHost::Name(name.clone()),
            SocketHost::Wildcard => return,
        };
        self.pending.push(PendingConnection {
            protocol: row.protocol,
            local_port: row.local.port_number(),
            peer,
            peer_port: row.peer.port_number(),
            process: row.process,
            line,
            local_column: row.local_column,
            peer_column: row.peer_column,
            seen_at: self.seen_at,
        });
        self.last_was_pending = true;
    }

    fn note_local_address(&mut self, local: &SocketAddress) {
        if let SocketHost::Ip(ip) = local.host
            && !super::address::is_ignored_ip(&ip)
        {
            self.aggregator.add_host_address(self.host_id, ip);
        }
    }

    fn set_process_of_last(&mut self, process: String) {
        if self.last_was_pending
            && let Some(last) = self.pending.last_mut()
        {
            last.process.get_or_insert(process);
        }
    }

    /// Gives the held connections their direction and hands them on.
    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.last_was_pending = false;
        for connection in &pending {
            let inbound = connection
                .local_port
                .is_some_and(|port| self.aggregator.is_listening(self.host_id, connection.protocol, port));
            let peer = match &connection.peer {
                PeerHost::Ip(ip) => EndRef::Address(*ip),
                PeerHost::Name(name) => EndRef::Server(name),
            };
            let host = EndRef::Server(&self.host);
            let process = connection.process.as_deref().map(str::as_bytes);
            let (from, to, port, from_column, to_column, client_process, server_process) = if inbound {
                (peer, host, connection.local_port, connection.peer_column, connection.local_column, None, process)
            } else {
                (host, peer, connection.peer_port, connection.local_column, connection.peer_column, process, None)
            };
            self.aggregator.add(Observation {
                from,
                to,
                port,
                protocol: connection.protocol,
                bytes: None,
                seen: connection.seen_at.map(|at| (at, at)),
                client_process,
                server_process,
                file: self.file_id,
                line: connection.line,
                from_column: Some(from_column),
                to_column: Some(to_column),
            });
            self.summary.connections += 1;
        }
    }
}

/// A line that is only a timestamp, as scripts that append snapshots write
/// one before each: ISO 8601 (`2024-03-01T10:00:00Z`, `2024-03-01 10:00:00`)
/// or the default of Unix `date` (`Fri Mar  1 10:00:00 UTC 2024`, the zone
/// word ignored). Returns seconds, the time read as UTC.
pub(crate) fn parse_timestamp_line(line: &str) -> Option<i64> {
    let text = line.trim();
    let first = text.chars().next()?;
    if first.is_ascii_digit() {
        if let Ok(time) = DateTime::parse_from_rfc3339(text) {
            return Some(time.timestamp());
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
            if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
                return Some(time.and_utc().timestamp());
            }
        }
        return None;
    }
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(5..=6).contains(&words.len()) || !WEEKDAYS.contains(&words[0]) {
        return None;
    }
    let year = words[words.len() - 1];
    let without_zone = format!("{} {} {} {year}", words[1], words[2], words[3]);
    NaiveDateTime::parse_from_str(&without_zone, "%b %d %H:%M:%S %Y").ok().map(|t| t.and_utc().timestamp())
}

/// Reads one capture file with a format's line parser.
pub(crate) fn read_capture(
    format: &'static str,
    file: &str,
    host: &str,
    reader: impl BufRead,
    parse_line: fn(&str) -> CaptureLine,
    aggregator: &mut ConnectionAggregator,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let file_id = aggregator.file_id(file);
    let host_id = aggregator.end_id(EndRef::Server(host));
    let mut summary = FileSummary::new(file, format);
    summary.host = Some(host.to_string());
    let mut capture = Capture {
        aggregator,
        host: host.to_string(),
        host_id,
        file_id,
        pending: Vec::new(),
        last_was_pending: false,
        seen_at: None,
        summary,
        warned_services: HashSet::new(),
        socket_lines: 0,
    };
    let mut reporter = FileReporter::new(file, diagnostics);
    let mut lines = LineReader::new(reader);
    loop {
        let (number, line) = match lines.next_line() {
            Ok(Some((number, Line::Text(text)))) => (number, text),
            Ok(Some((number, Line::TooLong))) => {
                capture.summary.unreadable += 1;
                reporter.error(number, None, format!("line longer than {MAX_LINE_BYTES} bytes: not a capture line"));
                continue;
            }
            Ok(None) => break,
            Err(error) => {
                reporter.error(lines.line + 1, None, format!("cannot read the file: {error}"));
                break;
            }
        };
        capture.summary.lines += 1;
        match parse_line(line) {
            CaptureLine::Boundary => capture.flush(),
            CaptureLine::Socket(row) => capture.take(row, number, &mut reporter),
            CaptureLine::Bound => {
                capture.socket_lines += 1;
                capture.last_was_pending = false;
            }
            CaptureLine::Process(process) => capture.set_process_of_last(process),
            CaptureLine::Malformed(column, message) => {
                capture.summary.unreadable += 1;
                capture.last_was_pending = false;
                reporter.error(number, Some(column), message);
            }
            CaptureLine::Other => {
                if let Some(at) = parse_timestamp_line(line) {
                    capture.flush();
                    capture.seen_at = Some(at);
                }
            }
        }
    }
    capture.flush();
    if capture.socket_lines == 0 && !reporter.had_error {
        reporter.warning(1, None, format!("no TCP or UDP socket lines found: is this {format} output?"));
    }
    capture.aggregator.add_summary(capture.summary);
    reporter.close();
}

/// Splits a line into whitespace-separated fields.
pub(crate) fn fields(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Whether a field is a whole number (the `Recv-Q` and `Send-Q` columns).
pub(crate) fn is_count(field: &str) -> bool {
    !field.is_empty() && field.bytes().all(|b| b.is_ascii_digit())
}

/// Parses the addresses in two fields (local, then peer), or says which is
/// not one (its 1-based field and why), for [`CaptureLine::Malformed`].
pub(crate) fn address_fields(
    fields: &[&str],
    local: usize,
    peer: usize,
) -> Result<(SocketAddress, SocketAddress), (u64, String)> {
    let parse = |index: usize| {
        let text = fields.get(index).copied().unwrap_or("");
        super::address::parse_socket_address(text)
            .ok_or_else(|| (index as u64 + 1, format!("'{text}' is not an address and port")))
    };
    Ok((parse(local)?, parse(peer)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_timestamp_lines() {
        assert_eq!(parse_timestamp_line("2024-03-01T10:00:00Z"), Some(1_709_287_200));
        assert_eq!(parse_timestamp_line("2024-03-01 10:00:00"), Some(1_709_287_200));
        assert_eq!(parse_timestamp_line("Fri Mar  1 10:00:00 UTC 2024"), Some(1_709_287_200));
        assert_eq!(parse_timestamp_line("tcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED"), None);
        assert_eq!(parse_timestamp_line("10.0.0.5"), None);
        assert_eq!(parse_timestamp_line(""), None);
    }
}
