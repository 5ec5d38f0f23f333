//! Socket addresses as connection captures write them: `10.0.0.5:22`,
//! `[::1]:323`, `::ffff:10.0.0.5:443`, `*:*`, `0.0.0.0%virbr0:67`,
//! `localhost:ssh`, and the IP normalisation every reader shares (IPv4-mapped
//! IPv6 to IPv4, scope ids stripped, loopback and link-local recognised).
//!
//! Pure text handling: no diagnostics here, callers report what does not parse.

use std::net::IpAddr;

/// The host part of a socket address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SocketHost {
    /// `*`, `0.0.0.0`, `::`: any address.
    Wildcard,
    /// An IP address, normalised by [`normalise_ip`].
    Ip(IpAddr),
    /// A host name (captures taken without `-n`).
    Name(String),
}

/// The port part of a socket address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SocketPort {
    /// `*` or `0`: any port (an unconnected peer).
    Wildcard,
    /// A port number.
    Number(u16),
    /// A service name that is not in [`service_port`]'s table.
    UnknownService(String),
}

/// A parsed `host:port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SocketAddress {
    /// The host.
    pub host: SocketHost,
    /// The port.
    pub port: SocketPort,
}

impl SocketAddress {
    /// Whether this is an unconnected peer (`0.0.0.0:*`, `*:*`, `[::]:0`):
    /// the socket it belongs to listens or is merely bound.
    pub fn is_wildcard(&self) -> bool {
        self.host == SocketHost::Wildcard || self.port == SocketPort::Wildcard
    }

    /// Whether the host is loopback (`127.0.0.0/8`, `::1`, `localhost`).
    pub fn is_loopback(&self) -> bool {
        match &self.host {
            SocketHost::Ip(ip) => ip.is_loopback(),
            SocketHost::Name(name) => name.eq_ignore_ascii_case("localhost") || name.starts_with("localhost."),
            SocketHost::Wildcard => false,
        }
    }

    /// Whether the host is link-local (`169.254.0.0/16`, `fe80::/10`).
    pub fn is_link_local(&self) -> bool {
        matches!(&self.host, SocketHost::Ip(ip) if is_link_local(ip))
    }

    /// The port number, when known.
    pub fn port_number(&self) -> Option<u16> {
        match self.port {
            SocketPort::Number(port) => Some(port),
            _ => None,
        }
    }
}

/// Whether an address is link-local (`169.254.0.0/16`, `fe80::/10`).
pub(crate) fn is_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}

/// Whether traffic to or from this address is ignored: loopback and link-local.
pub(crate) fn is_ignored_ip(ip: &IpAddr) -> bool {
    ip.is_loopback() || is_link_local(ip)
}

/// An IPv4-mapped IPv6 address (`::ffff:10.0.0.5`) as the IPv4 address it carries.
pub(crate) fn normalise_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Parses an IP address as exports write it: brackets and a `%scope` suffix
/// allowed, IPv4-mapped IPv6 turned into IPv4.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let text = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let text = text.split_once('%').map_or(text, |(address, _scope)| address);
    text.parse::<IpAddr>().ok().map(normalise_ip)
}

/// Parses the host part of a socket address (brackets and scope already allowed).
fn parse_host(text: &str) -> Option<SocketHost> {
    let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let bare = bare.split_once('%').map_or(bare, |(address, _scope)| address);
    if bare == "*" || bare.is_empty() {
        return Some(SocketHost::Wildcard);
    }
    if let Ok(ip) = bare.parse::<IpAddr>() {
        let ip = normalise_ip(ip);
        return Some(if ip.is_unspecified() { SocketHost::Wildcard } else { SocketHost::Ip(ip) });
    }
    let looks_like_name =
        bare.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) && !bare.starts_with('.');
    looks_like_name.then(|| SocketHost::Name(bare.to_string()))
}

/// Parses `host:port` as netstat, ss and Windows netstat write it. Returns
/// `None` when the text is not a socket address at all.
pub(crate) fn parse_socket_address(text: &str) -> Option<SocketAddress> {
    // The port follows the last colon, except for a bracketed IPv6 address
    // with no port (which no tool writes for TCP or UDP sockets).
    let (host, port) = text.rsplit_once(':')?;
    if host.starts_with('[') && !host.ends_with(']') {
        return None;
    }
    let host = parse_host(host)?;
    let port = if port == "*" {
        SocketPort::Wildcard
    } else if let Ok(number) = port.parse::<u16>() {
        if number == 0 { SocketPort::Wildcard } else { SocketPort::Number(number) }
    } else if !port.is_empty() && port.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        service_port(port).map_or_else(|| SocketPort::UnknownService(port.to_string()), SocketPort::Number)
    } else {
        return None;
    };
    Some(SocketAddress { host, port })
}

/// The port of a service name as `netstat` and `ss` print them without `-n`
/// (the common entries of `/etc/services`).
pub(crate) fn service_port(name: &str) -> Option<u16> {
    const SERVICES: &[(&str, u16)] = &[
        ("ftp-data", 20),
        ("ftp", 21),
        ("ssh", 22),
        ("telnet", 23),
        ("smtp", 25),
        ("time", 37),
        ("domain", 53),
        ("bootps", 67),
        ("bootpc", 68),
        ("tftp", 69),
        ("gopher", 70),
        ("finger", 79),
        ("http", 80),
        ("www", 80),
        ("www-http", 80),
        ("kerberos", 88),
        ("kerberos5", 88),
        ("pop3", 110),
        ("sunrpc", 111),
        ("rpcbind", 111),
        ("auth", 113),
        ("ident", 113),
        ("nntp", 119),
        ("ntp", 123),
        ("epmap", 135),
        ("loc-srv", 135),
        ("netbios-ns", 137),
        ("netbios-dgm", 138),
        ("netbios-ssn", 139),
        ("imap", 143),
        ("imap2", 143),
        ("snmp", 161),
        ("snmp-trap", 162),
        ("bgp", 179),
        ("ldap", 389),
        ("https", 443),
        ("microsoft-ds", 445),
        ("kpasswd", 464),
        ("isakmp", 500),
        ("syslog", 514),
        ("printer", 515),
        ("submission", 587),
        ("ipp", 631),
        ("ldaps", 636),
        ("rsync", 873),
        ("ftps", 990),
        ("imaps", 993),
        ("pop3s", 995),
        ("socks", 1080),
        ("openvpn", 1194),
        ("ms-sql-s", 1433),
        ("ms-sql-m", 1434),
        ("ncube-lm", 1521),
        ("l2tp", 1701),
        ("pptp", 1723),
        ("radius", 1812),
        ("radius-acct", 1813),
        ("nfs", 2049),
        ("iscsi-target", 3260),
        ("mysql", 3306),
        ("ms-wbt-server", 3389),
        ("svn", 3690),
        ("ipsec-nat-t", 4500),
        ("sip", 5060),
        ("xmpp-client", 5222),
        ("xmpp-server", 5269),
        ("mdns", 5353),
        ("postgresql", 5432),
        ("amqp", 5672),
        ("nrpe", 5666),
        ("wsman", 5985),
        ("wsmans", 5986),
        ("x11", 6000),
        ("redis", 6379),
        ("http-alt", 8080),
        ("webcache", 8080),
        ("git", 9418),
        ("ndmp", 10000),
        ("zabbix-agent", 10050),
        ("zabbix-trapper", 10051),
        ("memcache", 11211),
        ("mongodb", 27017),
    ];
    SERVICES.iter().find(|(service, _)| service.eq_ignore_ascii_case(name)).map(|&(_, port)| port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> SocketHost {
        SocketHost::Ip(text.parse().unwrap())
    }

    #[test]
    fn parses_every_way_tools_write_a_socket() {
        let parse = |text| parse_socket_address(text).unwrap();
        assert_eq!(parse("10.0.0.5:22"), SocketAddress { host: ip("10.0.0.5"), port: SocketPort::Number(22) });
        assert_eq!(parse("[::1]:323").host, ip("::1"));
        assert_eq!(parse("::1:25"), SocketAddress { host: ip("::1"), port: SocketPort::Number(25) });
        assert_eq!(parse(":::22").host, SocketHost::Wildcard);
        assert_eq!(parse("[::ffff:10.0.0.5]:443").host, ip("10.0.0.5"));
        assert_eq!(parse("::ffff:10.0.0.5:443").host, ip("10.0.0.5"));
        assert_eq!(parse("[fe80::1%eth0]:22").host, ip("fe80::1"));
        assert_eq!(
            parse("127.0.0.53%lo:domain"),
            SocketAddress { host: ip("127.0.0.53"), port: SocketPort::Number(53) }
        );
        assert_eq!(parse("0.0.0.0%virbr0:67").host, SocketHost::Wildcard);
        assert!(parse("*:*").is_wildcard() && parse("0.0.0.0:*").is_wildcard() && parse("[::]:0").is_wildcard());
        assert!(parse("0.0.0.0:0").is_wildcard() && !parse("10.0.0.9:51234").is_wildcard());
        assert_eq!(parse("localhost:ssh").host, SocketHost::Name("localhost".into()));
        assert!(parse("localhost:38134").is_loopback());
        assert_eq!(parse("web01:fancy-service").port, SocketPort::UnknownService("fancy-service".into()));
        assert!(parse("[fe80::244e:2f1e:2096:62b2%9]:1900").is_link_local());
        assert_eq!(parse_socket_address("/run/systemd/notify"), None);
        assert_eq!(parse_socket_address("no port here"), None);
    }

    #[test]
    fn normalises_addresses() {
        assert_eq!(parse_ip("[::ffff:10.0.0.5]"), Some("10.0.0.5".parse().unwrap()));
        assert_eq!(parse_ip(" fe80::1%12 "), Some("fe80::1".parse().unwrap()));
        assert!(is_ignored_ip(&"169.254.169.254".parse().unwrap()) && is_ignored_ip(&"127.1.2.3".parse().unwrap()));
        assert!(!is_ignored_ip(&"2001:db8::1".parse().unwrap()));
        assert!(is_ignored_ip(&"febf::1".parse().unwrap()) && !is_ignored_ip(&"fec0::1".parse().unwrap()));
    }
}
