//! Linux `ss` socket lines: `ss -tanp`, `ss -a`, `ss -tulpen`.
//!
//! `Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port [Process]`,
//! where `Netid` is absent when one protocol was asked for (`ss -tan`: TCP
//! is assumed, UDP when the state is `UNCONN`), and the process column reads
//! `users:(("sshd",pid=1998,fd=3))`, possibly followed by `-e` extras
//! (`uid:`, `ino:`, `sk:`). Sockets other than TCP and UDP are skipped.
//! Parses one line; must not keep state.

use waveplan_core::Protocol;

use super::capture::{CaptureLine, SocketRow, address_fields, fields, is_count};

/// Whether a word is an `ss` socket state (`ESTAB`, `LISTEN`, `SYN-SENT`, ...).
fn is_state(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
        && word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// The first process of a `users:(("name",pid=1,fd=3),...)` field.
pub(crate) fn users_process(line: &str) -> Option<&str> {
    let rest = &line[line.find("users:((\"")? + "users:((\"".len()..];
    let name = &rest[..rest.find('"')?];
    (!name.is_empty()).then_some(name)
}

/// Reads one line of `ss` output.
pub(crate) fn parse_line(line: &str) -> CaptureLine {
    let fields = fields(line);
    let Some(&first) = fields.first() else { return CaptureLine::Other };
    if first == "Netid" || (first == "State" && fields.get(1) == Some(&"Recv-Q")) {
        return CaptureLine::Boundary;
    }
    let (protocol, state_at) = if is_state(first) {
        (if first == "UNCONN" { Protocol::Udp } else { Protocol::Tcp }, 0)
    } else {
        match first {
            "tcp" => (Protocol::Tcp, 1),
            "udp" => (Protocol::Udp, 1),
            _ => return CaptureLine::Other,
        }
    };
    if fields.len() < state_at + 5 {
        if state_at == 0 {
            return CaptureLine::Other;
        }
        return CaptureLine::Malformed(
            1,
            "an ss line needs State, Recv-Q, Send-Q, Local Address:Port and Peer Address:Port".to_string(),
        );
    }
    if let Some(index) = (state_at + 1..state_at + 3).find(|&i| !is_count(fields[i])) {
        if state_at == 0 {
            // A line that starts with a capital word but is no socket.
            return CaptureLine::Other;
        }
        let what = if index == state_at + 1 { "Recv-Q" } else { "Send-Q" };
        return CaptureLine::Malformed(index as u64 + 1, format!("{what} '{}' is not a number", fields[index]));
    }
    let (local, peer) = match address_fields(&fields, state_at + 3, state_at + 4) {
        Ok(addresses) => addresses,
        Err((column, message)) => return CaptureLine::Malformed(column, message),
    };
    let process = users_process(line).map(str::to_string);
    let local_column = state_at as u64 + 4;
    CaptureLine::Socket(SocketRow { protocol, local, peer, process, local_column, peer_column: local_column + 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::address::SocketPort;

    #[test]
    fn reads_lines_with_and_without_netid() {
        let CaptureLine::Socket(row) = parse_line(
            "tcp   LISTEN   0        128                0.0.0.0:22             0.0.0.0:*      users:((\"sshd\",pid=1998,fd=3)) ino:58511 sk:30 <->",
        ) else {
            panic!("not a socket")
        };
        assert_eq!(
            (row.protocol, row.local.port, row.process.as_deref()),
            (Protocol::Tcp, SocketPort::Number(22), Some("sshd"))
        );
        assert_eq!((row.local_column, row.peer_column), (5, 6));
        let CaptureLine::Socket(row) = parse_line(
            "ESTAB      0      0      [::ffff:10.0.0.5]:5432      [::ffff:10.0.0.8]:40112  users:((\"postgres\",pid=9,fd=7))",
        ) else {
            panic!("not a socket")
        };
        assert_eq!((row.protocol, row.local_column), (Protocol::Tcp, 4));
        assert_eq!(row.peer.host, crate::connections::address::SocketHost::Ip("10.0.0.8".parse().unwrap()));
        let CaptureLine::Socket(row) = parse_line("UNCONN 0 0 0.0.0.0:123 0.0.0.0:*") else { panic!("not a socket") };
        assert_eq!(row.protocol, Protocol::Udp);
        assert_eq!(
            parse_line("Netid  State      Recv-Q Send-Q Local Address:Port                 Peer Address:Port"),
            CaptureLine::Boundary
        );
        assert_eq!(
            parse_line("State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process"),
            CaptureLine::Boundary
        );
        assert_eq!(
            parse_line("u_str  LISTEN     0      128    /run/systemd/journal/stdout 8981   * 0"),
            CaptureLine::Other
        );
        assert_eq!(parse_line("nl     UNCONN     0      0      genl:kernel                 *"), CaptureLine::Other);
        assert_eq!(parse_line("NAME IP CORES ab:cd ef:gh"), CaptureLine::Other);
        assert_eq!(parse_line("TOTAL: 180"), CaptureLine::Other);
        assert!(matches!(parse_line("tcp ESTAB 0 0 10.0.0.5:22"), CaptureLine::Malformed(1, _)));
        assert!(matches!(parse_line("tcp ESTAB 0 x 10.0.0.5:22 10.0.0.9:5"), CaptureLine::Malformed(4, _)));
        assert_eq!(
            users_process("users:((\"/usr/sbin/apach\",pid=24795,fd=3),(\"x\",pid=1,fd=3))"),
            Some("/usr/sbin/apach")
        );
    }
}
