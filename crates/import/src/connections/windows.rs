//! Windows `netstat -aon` and `-aonb` socket lines.
//!
//! `Proto Local Address Foreign Address State PID`; UDP lines have no state;
//! with `-b` the owner follows on its own lines (`  RpcSs` then
//! ` [svchost.exe]`, or `Can not obtain ownership information`). State words
//! are translated on non-English Windows, so listening is told from the
//! wildcard foreign address (`0.0.0.0:0`, `[::]:0`, `*:*`), not from the word.
//! Parses one line; must not keep state.

use waveplan_core::Protocol;

use super::capture::{CaptureLine, SocketRow, address_fields, fields};

/// Reads one line of Windows `netstat` output.
pub(crate) fn parse_line(line: &str) -> CaptureLine {
    let trimmed = line.trim();
    let fields = fields(trimmed);
    let Some(&first) = fields.first() else { return CaptureLine::Other };
    if first == "Proto" || trimmed.starts_with("Active Connections") {
        return CaptureLine::Boundary;
    }
    let protocol = match first {
        "TCP" => Protocol::Tcp,
        "UDP" => Protocol::Udp,
        _ => {
            if let Some(process) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                return CaptureLine::Process(process.to_string());
            }
            return CaptureLine::Other;
        }
    };
    if fields.len() < 3 {
        return CaptureLine::Malformed(1, format!("a {first} line needs Proto, Local Address and Foreign Address"));
    }
    if protocol == Protocol::Tcp && fields.len() >= 5 && fields[3] == "BOUND" {
        return CaptureLine::Bound;
    }
    let (local, peer) = match address_fields(&fields, 1, 2) {
        Ok(addresses) => addresses,
        Err((column, message)) => return CaptureLine::Malformed(column, message),
    };
    CaptureLine::Socket(SocketRow { protocol, local, peer, process: None, local_column: 2, peer_column: 3 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::address::SocketPort;

    #[test]
    fn reads_aon_and_aonb_lines() {
        let CaptureLine::Socket(row) =
            parse_line("  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1712")
        else {
            panic!("not a socket")
        };
        assert!(row.peer.is_wildcard());
        assert_eq!(row.local.port, SocketPort::Number(135));
        let CaptureLine::Socket(row) =
            parse_line("  UDP    [fe80::1%9]:1900  *:*                                    8844")
        else {
            panic!("not a socket")
        };
        assert!(row.local.is_link_local() && row.peer.is_wildcard());
        assert_eq!(parse_line(" [svchost.exe]"), CaptureLine::Process("svchost.exe".into()));
        assert_eq!(parse_line("  RpcSs"), CaptureLine::Other);
        assert_eq!(parse_line(" Can not obtain ownership information"), CaptureLine::Other);
        assert_eq!(
            parse_line("  Proto  Local Address          Foreign Address        State           PID"),
            CaptureLine::Boundary
        );
        assert_eq!(
            parse_line("  TCP    10.0.0.5:50000         0.0.0.0:0              BOUND           4"),
            CaptureLine::Bound
        );
        assert!(matches!(parse_line("  TCP    10.0.0.5:50000"), CaptureLine::Malformed(1, _)));
    }
}
