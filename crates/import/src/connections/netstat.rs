//! Linux `netstat` socket lines: `netstat -anp`, `-aeep` (extra `User` and
//! `Inode` columns, service names instead of port numbers), `-lnp`.
//!
//! `Proto Recv-Q Send-Q Local Address Foreign Address State [User Inode]
//! PID/Program name`; UDP lines have no state; UNIX, raw and other sockets
//! are skipped. Parses one line; must not keep state (see `capture`).

use waveplan_core::Protocol;

use super::capture::{CaptureLine, SocketRow, address_fields, fields, is_count};

/// The process of a `PID/Program name` field: `1215/sshd` → `sshd`,
/// `6492/sshd:` (from `sshd: kbrazil`) → `sshd`.
pub(crate) fn program_name(field: &str) -> Option<&str> {
    let (pid, name) = field.split_once('/')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let name = name.trim_end_matches(':');
    (!name.is_empty()).then_some(name)
}

/// Reads one line of Linux `netstat` output.
pub(crate) fn parse_line(line: &str) -> CaptureLine {
    let fields = fields(line);
    let Some(&first) = fields.first() else { return CaptureLine::Other };
    if first == "Proto" || line.starts_with("Active Internet connections") {
        return CaptureLine::Boundary;
    }
    let protocol = match first {
        "tcp" | "tcp6" => Protocol::Tcp,
        "udp" | "udp6" => Protocol::Udp,
        _ => return CaptureLine::Other,
    };
    if fields.len() < 5 {
        return CaptureLine::Malformed(
            1,
            format!("a {first} line needs Proto, Recv-Q, Send-Q, Local Address and Foreign Address"),
        );
    }
    if let Some(index) = (1..3).find(|&i| !is_count(fields[i])) {
        let what = if index == 1 { "Recv-Q" } else { "Send-Q" };
        return CaptureLine::Malformed(index as u64 + 1, format!("{what} '{}' is not a number", fields[index]));
    }
    let (local, peer) = match address_fields(&fields, 3, 4) {
        Ok(addresses) => addresses,
        Err((column, message)) => return CaptureLine::Malformed(column, message),
    };
    let process = fields[5..].iter().find_map(|field| program_name(field)).map(str::to_string);
    CaptureLine::Socket(SocketRow { protocol, local, peer, process, local_column: 4, peer_column: 5 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::address::{SocketHost, SocketPort};

    #[test]
    fn reads_anp_and_aeep_lines() {
        let CaptureLine::Socket(row) = parse_line(
            "tcp        0      0 10.0.0.5:22             10.0.0.9:51234          ESTABLISHED 1234/sshd: root@pts",
        ) else {
            panic!("not a socket")
        };
        assert_eq!(
            (row.protocol, row.local.port, row.process.as_deref()),
            (Protocol::Tcp, SocketPort::Number(22), Some("sshd"))
        );
        let CaptureLine::Socket(row) = parse_line(
            "udp        0      0 0.0.0.0:bootpc          0.0.0.0:*                           root       20830      1029/dhclient",
        ) else {
            panic!("not a socket")
        };
        assert!(row.peer.is_wildcard());
        assert_eq!((row.local.port, row.process.as_deref()), (SocketPort::Number(68), Some("dhclient")));
        let CaptureLine::Socket(row) =
            parse_line("tcp6       0      0 :::22                   :::*                    LISTEN      -")
        else {
            panic!("not a socket")
        };
        assert_eq!((row.local.host, row.process), (SocketHost::Wildcard, None));
        assert_eq!(parse_line("Active Internet connections (servers and established)"), CaptureLine::Boundary);
        assert_eq!(
            parse_line("unix  2      [ ACC ]     STREAM     LISTENING     8981     1/systemd            /run/x"),
            CaptureLine::Other
        );
        assert!(matches!(parse_line("tcp 0 0 10.0.0.5:22"), CaptureLine::Malformed(1, _)));
        assert!(matches!(parse_line("tcp 0 0 garbage 10.0.0.9:5 ESTABLISHED"), CaptureLine::Malformed(4, _)));
        assert!(matches!(parse_line("tcp 0 x 10.0.0.5:22 10.0.0.9:5 ESTABLISHED"), CaptureLine::Malformed(3, _)));
    }
}
