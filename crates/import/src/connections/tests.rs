//! Tests of the connection readers against the project's own fixtures
//! (`crates/import/fixtures/connections/`) and the real captures of
//! `../shared/reference-formats/netstat-ss/` (a missing capture fails).

use std::io::Read;
use std::net::IpAddr;

use waveplan_core::Protocol;
use waveplan_core::merge::RefKind;

use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/connections");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn server(name: &str) -> ConnectionEnd {
    ConnectionEnd::Server(name.to_string())
}

fn address(text: &str) -> ConnectionEnd {
    ConnectionEnd::Address(text.parse::<IpAddr>().unwrap())
}

/// Reads fixtures of a text format into one aggregator; returns it with the diagnostics.
fn read(format: &str, files: &[(&str, &[u8])], host: Option<&str>) -> (ConnectionAggregator, Vec<Diagnostic>) {
    let mut aggregator = ConnectionAggregator::default();
    let mut diagnostics = Vec::new();
    for (name, bytes) in files {
        read_connection_text(format, name, host, *bytes, &mut aggregator, &mut diagnostics);
    }
    (aggregator, diagnostics)
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect()
}

/// `(from, to, port, protocol, observations, role)` of every aggregate.
type Summary = (ConnectionEnd, ConnectionEnd, Option<u16>, Protocol, u64, Option<String>);

fn summarise(aggregator: &ConnectionAggregator) -> Vec<Summary> {
    aggregator
        .aggregates()
        .into_iter()
        .map(|a| (a.from, a.to, a.port, a.protocol, a.observations, a.infrastructure))
        .collect()
}

fn role(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn summary_of<'a>(aggregator: &'a ConnectionAggregator, file: &str) -> &'a FileSummary {
    aggregator.file_summaries().iter().find(|s| s.file == file).unwrap()
}

#[test]
fn netstat_anp_direction_from_listening_sockets_printed_after_the_connections() {
    let bytes = fixture("web01.netstat-anp.txt");
    let (aggregator, diagnostics) = read(NETSTAT, &[("web01.netstat-anp.txt", &bytes)], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(
        summarise(&aggregator),
        [
            (address("10.0.2.20"), server("web01"), Some(8080), Protocol::Tcp, 2, None),
            (server("web01"), address("10.0.3.30"), Some(5432), Protocol::Tcp, 3, None),
            (server("web01"), address("10.0.0.2"), Some(389), Protocol::Tcp, 1, role("directory")),
            (address("10.9.9.9"), server("web01"), Some(22), Protocol::Tcp, 1, None),
            (address("10.0.2.21"), server("web01"), Some(8080), Protocol::Tcp, 1, None),
            (server("web01"), address("10.0.0.2"), Some(53), Protocol::Udp, 1, role("dns")),
        ]
    );
    let inbound = &aggregator.aggregates()[0];
    assert_eq!((inbound.server_process.as_deref(), inbound.client_process.as_deref()), (Some("java"), None));
    assert_eq!(inbound.line, 3);
    let summary = summary_of(&aggregator, "web01.netstat-anp.txt");
    assert_eq!((summary.connections, summary.loopback, summary.link_local, summary.listening_sockets), (9, 3, 1, 6));
    assert_eq!(
        aggregator.listening_ports("web01"),
        [(Protocol::Tcp, 22), (Protocol::Tcp, 25), (Protocol::Tcp, 8080), (Protocol::Udp, 68), (Protocol::Udp, 323)]
    );
    assert_eq!(aggregator.host_addresses()["web01"], ["10.0.1.10".parse::<IpAddr>().unwrap()]);
}

#[test]
fn netstat_aeep_reads_service_and_host_names() {
    let bytes = fixture("app02.netstat-aeep.txt");
    let (aggregator, diagnostics) = read(NETSTAT, &[("app02.netstat-aeep.txt", &bytes)], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    let warnings: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == waveplan_core::Severity::Warning)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        ["app02.netstat-aeep.txt:8:5: warning: unknown service name 'weird-svc': its port is left unknown"]
    );
    assert_eq!(
        summarise(&aggregator),
        [
            (address("10.0.2.20"), server("app02"), Some(443), Protocol::Tcp, 1, None),
            (server("app02"), server("db01.corp.local"), Some(5432), Protocol::Tcp, 2, None),
            (server("app02"), address("10.0.5.5"), None, Protocol::Tcp, 1, None),
            (server("app02"), server("ntp01.corp.local"), Some(123), Protocol::Udp, 1, role("ntp")),
        ]
    );
    assert_eq!(summary_of(&aggregator, "app02.netstat-aeep.txt").loopback, 1);
}

#[test]
fn ss_tanp_without_netid_and_with_users_column() {
    let bytes = fixture("db01-ss-tanp.txt");
    let (aggregator, diagnostics) = read(SS, &[("db01-ss-tanp.txt", &bytes)], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(
        summarise(&aggregator),
        [
            (address("10.0.1.10"), server("db01"), Some(5432), Protocol::Tcp, 2, None),
            (address("10.0.1.11"), server("db01"), Some(5432), Protocol::Tcp, 1, None),
            (server("db01"), address("10.0.0.2"), Some(88), Protocol::Tcp, 2, role("kerberos")),
            (address("10.0.8.8"), server("db01"), Some(9100), Protocol::Tcp, 1, role("node-exporter")),
        ]
    );
    let aggregates = aggregator.aggregates();
    assert_eq!(aggregates[0].server_process.as_deref(), Some("postgres"));
    assert_eq!(aggregates[2].client_process.as_deref(), Some("sssd_be"));
    assert_eq!(summary_of(&aggregator, "db01-ss-tanp.txt").loopback, 2);
}

#[test]
fn ss_tulpen_gives_listening_ports_only() {
    let bytes = fixture("mon01-ss-tulpen.txt");
    let (aggregator, diagnostics) = read(SS, &[("mon01-ss-tulpen.txt", &bytes)], None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(aggregator.is_empty());
    assert_eq!(
        aggregator.listening_ports("MON01"),
        [
            (Protocol::Tcp, 80),
            (Protocol::Tcp, 9090),
            (Protocol::Tcp, 10051),
            (Protocol::Udp, 53),
            (Protocol::Udp, 67),
            (Protocol::Udp, 161)
        ]
    );
}

#[test]
fn windows_aon_with_crlf_and_blank_first_line_marks_a_domain_controller() {
    let bytes = fixture("dc01-netstat-aon.txt");
    let text = String::from_utf8(bytes).unwrap().replace("\r\n", "\n").replace('\n', "\r\n");
    assert!(text.starts_with("\r\nActive Connections"));
    let (aggregator, diagnostics) = read(NETSTAT_WINDOWS, &[("dc01-netstat-aon.txt", text.as_bytes())], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(
        summarise(&aggregator),
        [
            (address("10.0.3.30"), server("dc01"), Some(88), Protocol::Tcp, 1, role("kerberos")),
            (address("10.0.1.10"), server("dc01"), Some(389), Protocol::Tcp, 1, role("directory")),
            // dc01 listens on 88 and 389: SMB to it is infrastructure.
            (address("10.0.4.40"), server("dc01"), Some(445), Protocol::Tcp, 1, role("smb")),
            // 10.0.0.9 is not seen serving Kerberos or LDAP: RPC to it is not classified.
            (server("dc01"), address("10.0.0.9"), Some(135), Protocol::Tcp, 1, None),
            (server("dc01"), address("10.0.0.9"), Some(49668), Protocol::Tcp, 1, None),
        ]
    );
    let summary = summary_of(&aggregator, "dc01-netstat-aon.txt");
    assert_eq!((summary.loopback, summary.link_local, summary.listening_sockets), (2, 0, 11));
}

#[test]
fn windows_aonb_process_lines_and_smb_to_file_server_versus_domain_controller() {
    let bytes = fixture("fs01-netstat-aonb.txt");
    let (aggregator, diagnostics) = read(NETSTAT_WINDOWS, &[("fs01-netstat-aonb.txt", &bytes)], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(
        summarise(&aggregator),
        [
            // SMB to fs01, a file server: an application dependency.
            (address("10.0.1.10"), server("fs01"), Some(445), Protocol::Tcp, 1, None),
            // SMB to 10.0.0.2, which serves Kerberos: infrastructure.
            (server("fs01"), address("10.0.0.2"), Some(445), Protocol::Tcp, 1, role("smb")),
            (server("fs01"), address("10.0.0.2"), Some(88), Protocol::Tcp, 1, role("kerberos")),
            (server("fs01"), address("10.0.6.6"), Some(1433), Protocol::Tcp, 2, None),
        ]
    );
    let aggregates = aggregator.aggregates();
    assert_eq!(aggregates[0].server_process, None);
    assert_eq!(aggregates[2].client_process.as_deref(), Some("lsass.exe"));
    assert_eq!(aggregates[3].client_process.as_deref(), Some("backupagent.exe"));
    let mut out = crate::Imported::default();
    aggregator.finish(&mut out);
    let sql = &out.batch.dependencies[3];
    assert!(sql.value.0.latency_sensitive);
    assert_eq!(sql.value.0.weight, 2.0);
    assert_eq!((sql.value.1.as_str(), sql.origin.line), ("fs01-netstat-aonb.txt", Some(16)));
    assert_eq!(sql.value.0.from.kind, Some(RefKind::Server));
    assert_eq!(sql.value.0.to.kind, Some(RefKind::Address));
    let roles: Vec<_> = out.batch.dependencies.iter().map(|d| d.value.0.infrastructure.as_deref()).collect();
    assert_eq!(roles, [None, Some("smb"), Some("kerberos"), None]);
}

#[test]
fn windows_capture_saved_by_powershell_as_utf16() {
    let bytes = fixture("fs01-netstat-aonb.txt");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(String::from_utf8(bytes).unwrap().encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let (aggregator, diagnostics) = read(NETSTAT_WINDOWS, &[("fs01.txt", &utf16)], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(aggregator.len(), 4);
}

#[test]
fn snapshots_with_timestamps_give_first_and_last_seen_and_time_slots() {
    let capture = "\
2024-03-01T10:00:00Z
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 10.0.1.10:43210         10.0.3.30:5432          ESTABLISHED 2211/java
2024-03-01T17:00:00Z
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 10.0.1.10:43210         10.0.3.30:5432          ESTABLISHED 2211/java
Sat Mar  2 09:00:00 UTC 2024
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 10.0.1.10:43999         10.0.3.30:5432          ESTABLISHED 2211/java
";
    let (aggregator, diagnostics) = read(NETSTAT, &[("web01.log", capture.as_bytes())], None);
    assert!(errors(&diagnostics).is_empty());
    let aggregates = aggregator.aggregates();
    assert_eq!(aggregates.len(), 1);
    let sql = &aggregates[0];
    assert_eq!((sql.observations, sql.time_slots), (3, 3));
    assert_eq!(sql.first_seen.unwrap().to_string(), "2024-03-01 10:00:00");
    assert_eq!(sql.last_seen.unwrap().to_string(), "2024-03-02 09:00:00");
}

#[test]
fn the_host_comes_from_the_option_or_the_file_name() {
    assert_eq!(host_from_file_name("web01.netstat.txt").as_deref(), Some("web01"));
    assert_eq!(host_from_file_name("captures/web01-ss.out").as_deref(), Some("web01"));
    assert_eq!(host_from_file_name(r"C:\captures\DB01_netstat_2024-03-01.txt").as_deref(), Some("DB01"));
    assert_eq!(host_from_file_name("web01.corp.local.netstat.txt").as_deref(), Some("web01.corp.local"));
    assert_eq!(host_from_file_name("web01.TXT").as_deref(), Some("web01"));
    assert_eq!(host_from_file_name("web01").as_deref(), Some("web01"));
    assert_eq!(host_from_file_name("netstat-aon.out"), None);
    assert_eq!(host_from_file_name("ss-sudo-a.out"), None);
    assert_eq!(host_from_file_name("capture.dat"), None);

    let line = b"tcp 0 0 10.0.1.10:43210 10.0.3.30:5432 ESTABLISHED 1/x\n";
    let (aggregator, diagnostics) = read(NETSTAT, &[("netstat-anp.out", line)], Some(" web01 "));
    assert!(diagnostics.is_empty());
    assert_eq!(aggregator.aggregates()[0].from, server("web01"));
    let (_, diagnostics) = read(NETSTAT, &[("netstat-anp.out", line)], None);
    assert_eq!(
        errors(&diagnostics),
        [
            "netstat-anp.out:1: error: cannot tell which host this capture is of: name the file after the host (web01.netstat.txt) or give --host"
        ]
    );
}

#[test]
fn malformed_capture_lines_are_errors_with_line_and_field() {
    let capture = "Proto Recv-Q Send-Q Local Address Foreign Address State\n\
                   tcp 0 0 10.0.1.10:43210 10.0.3.30:5432 ESTABLISHED\n\
                   tcp 0 0 10.0.1.10 10.0.3.30:5432 ESTABLISHED\n\
                   tcp 0 0\n";
    let (aggregator, diagnostics) = read(NETSTAT, &[("web01.txt", capture.as_bytes())], None);
    assert_eq!(
        errors(&diagnostics),
        [
            "web01.txt:3:4: error: '10.0.1.10' is not an address and port",
            "web01.txt:4:1: error: a tcp line needs Proto, Recv-Q, Send-Q, Local Address and Foreign Address",
        ]
    );
    assert_eq!(aggregator.len(), 1);
    let (_, diagnostics) = read(SS, &[("web01.txt", b"hello\nworld\n")], None);
    assert_eq!(
        diagnostics[0].to_string(),
        "web01.txt:1: warning: no TCP or UDP socket lines found: is this ss output?"
    );
    let (_, diagnostics) = read("pcap", &[("web01.txt", b"")], None);
    assert!(diagnostics[0].message.contains("'pcap' is not a connection format"));
}

#[test]
fn flow_logs_direction_rejects_nodata_ipv6_and_slots() {
    let bytes = fixture("vpc-flows-2024-03-01.log");
    let (aggregator, diagnostics) = read(VPC_FLOW_LOGS, &[("vpc-flows-2024-03-01.log", &bytes)], None);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(
        summarise(&aggregator),
        [
            (address("10.0.1.10"), address("10.0.3.30"), Some(5432), Protocol::Tcp, 3, None),
            (address("10.0.1.10"), address("10.0.0.2"), Some(53), Protocol::Udp, 1, role("dns")),
            (address("2001:db8::10"), address("2001:db8::30"), Some(443), Protocol::Tcp, 2, None),
            // Both ports ephemeral: the lower one is the service.
            (address("10.0.2.21"), address("10.0.2.20"), Some(40001), Protocol::Tcp, 1, None),
        ]
    );
    let aggregates = aggregator.aggregates();
    let sql = &aggregates[0];
    assert_eq!((sql.bytes, sql.time_slots), (Some(14_000), 2));
    assert_eq!(sql.first_seen.unwrap().to_string(), "2024-03-01 10:00:00");
    assert_eq!(sql.last_seen.unwrap().to_string(), "2024-03-01 22:01:00");
    assert_eq!(aggregates[2].bytes, Some(14_400));
    let summary = summary_of(&aggregator, "vpc-flows-2024-03-01.log");
    assert_eq!(
        (summary.connections, summary.rejected, summary.no_data, summary.skip_data, summary.icmp, summary.link_local),
        (7, 1, 1, 1, 1, 1)
    );
    let mut out = crate::Imported::default();
    aggregator.finish(&mut out);
    let ipv6 = &out.batch.dependencies[2].value.0;
    assert_eq!((ipv6.from.name.as_str(), ipv6.to.name.as_str()), ("2001:db8::10", "2001:db8::30"));
    assert_eq!(ipv6.first_seen, chrono::NaiveDate::from_ymd_opt(2024, 3, 2));
    let info = out.diagnostics.iter().find(|d| d.severity == waveplan_core::Severity::Info).unwrap();
    assert!(info.message.contains("1 rejected flows (not dependencies)"), "{}", info.message);
}

#[test]
fn flow_logs_with_a_header_custom_order_and_bad_records() {
    let bytes = fixture("vpc-flows-with-header.log");
    let (aggregator, diagnostics) = read(VPC_FLOW_LOGS, &[("vpc-flows-with-header.log", &bytes)], None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(aggregator.len(), 2);
    assert_eq!(aggregator.aggregates()[1].infrastructure, role("node-exporter"));

    let custom = "srcaddr dstaddr srcport dstport protocol bytes action\n\
                  10.0.1.10 10.0.3.30 43400 5432 6 400 ACCEPT\n\
                  10.0.1.10 10.0.3.30 43400 99999 6 400 ACCEPT\n\
                  10.0.1.10 10.0.3.x 43400 5432 6 400 ACCEPT\n\
                  10.0.1.10 10.0.3.30 43400 5432 tcp 400 ACCEPT\n\
                  10.0.1.10 10.0.3.30\n";
    let (aggregator, diagnostics) = read(VPC_FLOW_LOGS, &[("custom.log", custom.as_bytes())], None);
    assert_eq!(
        errors(&diagnostics),
        [
            "custom.log:3:4: error: '99999' is not a port number",
            "custom.log:4:2: error: '10.0.3.x' is not an IP address",
            "custom.log:5:5: error: protocol 'tcp' is not an IANA protocol number",
            "custom.log:6: error: a flow-log record has 7 fields, this one has 2",
        ]
    );
    assert_eq!(aggregator.aggregates()[0].bytes, Some(400));

    // CloudWatch Logs exports put a timestamp before each record.
    let cloudwatch = "2024-03-01T10:00:05.000Z 2 123456789010 eni-1 10.0.1.10 10.0.3.30 43400 5432 6 4 400 1709287300 1709287360 ACCEPT OK\n";
    let (aggregator, diagnostics) = read(VPC_FLOW_LOGS, &[("cw.log", cloudwatch.as_bytes())], None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(aggregator.aggregates()[0].to, address("10.0.3.30"));
}

fn read_azure(files: &[(&str, &[u8])]) -> (ConnectionAggregator, Vec<Diagnostic>) {
    let mut aggregator = ConnectionAggregator::default();
    let mut diagnostics = Vec::new();
    for (name, bytes) in files {
        read_azure_dependencies(name, *bytes, &mut aggregator, &mut diagnostics);
    }
    (aggregator, diagnostics)
}

#[test]
fn azure_export_with_source_ip_vlans_bom_and_crlf() {
    let text = String::from_utf8(fixture("azure-dependencies-full.csv")).unwrap().replace('\n', "\r\n");
    let bytes = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let (aggregator, diagnostics) = read_azure(&[("deps.csv", &bytes)]);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    assert_eq!(
        summarise(&aggregator),
        [
            (server("WEB01"), server("SQL01"), Some(1433), Protocol::Tcp, 4, None),
            // An empty destination name: the destination IP, kept as an address.
            (server("WEB01"), address("203.0.113.80"), Some(443), Protocol::Tcp, 1, None),
            (server("WEB01"), server("DC01"), Some(88), Protocol::Tcp, 1, role("kerberos")),
            (server("WEB01"), server("DC01"), Some(445), Protocol::Tcp, 1, role("smb")),
            (server("APP02"), server("FS01"), Some(445), Protocol::Tcp, 1, None),
        ]
    );
    let aggregates = aggregator.aggregates();
    let sql = &aggregates[0];
    assert_eq!(sql.time_slots, 3);
    assert_eq!(sql.first_seen.unwrap().to_string(), "2020-02-27 18:00:00");
    assert_eq!(sql.last_seen.unwrap().to_string(), "2020-02-29 06:00:00");
    assert_eq!(
        (sql.client_process.as_deref(), sql.server_process.as_deref()),
        (Some("w3wp.exe"), Some("sqlservr.exe"))
    );
    assert_eq!((aggregates[1].client_process.as_deref(), aggregates[1].server_process.as_deref()), (None, None));
    assert_eq!(summary_of(&aggregator, "deps.csv").loopback, 1);
    let mut out = crate::Imported::default();
    aggregator.finish(&mut out);
    let record = &out.batch.dependencies[0];
    assert_eq!(record.origin.line, Some(2));
    assert_eq!(record.value.0.from.column, Some(2));
    assert_eq!(record.value.0.to.column, Some(6));
    assert_eq!(record.value.0.first_seen, chrono::NaiveDate::from_ymd_opt(2020, 2, 27));
    assert_eq!(record.value.0.last_seen, chrono::NaiveDate::from_ymd_opt(2020, 2, 29));
    let external = &out.batch.dependencies[1].value.0.to;
    assert_eq!(
        (external.name.as_str(), external.kind, external.column),
        ("203.0.113.80", Some(RefKind::Address), Some(7))
    );
}

#[test]
fn azure_export_with_the_documented_columns_and_errors() {
    let bytes = fixture("azure-dependencies-documented.csv");
    let (aggregator, diagnostics) = read_azure(&[("deps.csv", &bytes)]);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        summarise(&aggregator),
        [
            (server("WEB01"), server("SQL01"), Some(1433), Protocol::Tcp, 1, None),
            (server("WEB01"), address("10.0.9.9"), Some(8443), Protocol::Tcp, 1, None),
        ]
    );

    let bad = "Time slot;Source server name;Destination server name;Destination IP;Destination port\n\
               2/27/2020 6:00 PM;WEB01;SQL01;10.0.6.6;1433\n\
               2/27/2020 6:00 PM;WEB01;SQL01;10.0.6.6;fourteen\n\
               someday;WEB01;;10.0.6.7;1433\n\
               2/27/2020 6:00 PM;WEB01;;;1433\n\
               2/27/2020 6:00 PM;WEB01;;10.0.6.x;1433\n";
    let (aggregator, diagnostics) = read_azure(&[("bad.csv", bad.as_bytes())]);
    let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "bad.csv:3:5: error: Destination port 'fourteen' is not a port number",
            "bad.csv:4:1: warning: Time slot 'someday' is not a date and time: left unknown",
            "bad.csv:5:3: error: no destination server name or IP",
            "bad.csv:6:4: error: destination IP '10.0.6.x' is not an IP address",
        ]
    );
    assert_eq!(aggregator.len(), 2);

    let (_, diagnostics) = read_azure(&[("servers.csv", b"Name,Cores\nweb01,2\n")]);
    assert_eq!(
        errors(&diagnostics),
        [
            "servers.csv:1: error: not an Azure Migrate dependency export: no column Source server name or Source IP, no column Destination server name or Destination IP"
        ]
    );
}

#[test]
fn azure_export_read_as_a_table_matches_the_stream() {
    let bytes = fixture("azure-dependencies-full.csv");
    let (streamed, _) = read_azure(&[("deps.csv", &bytes)]);
    let table = crate::table::read_csv_table("deps.csv", &bytes, 0).unwrap();
    let mut aggregator = ConnectionAggregator::default();
    let mut diagnostics = Vec::new();
    read_azure_table(&table, &mut aggregator, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(aggregator.aggregates(), streamed.aggregates());

    // A sheet of a workbook: diagnostics name the sheet.
    let headers = ["Time slot", "Source server name", "Destination server name", "Destination IP", "Destination port"];
    let rows = vec![crate::table::TableRow {
        line: 5,
        cells: ["2/27/2020 6:00 PM", "WEB01", "", "", "443"].map(String::from).to_vec(),
    }];
    let sheet = Table::new("export.xlsx", Some("Dependencies"), 4, headers.map(String::from).to_vec(), rows);
    let mut diagnostics = Vec::new();
    read_azure_table(&sheet, &mut ConnectionAggregator::default(), &mut diagnostics);
    assert_eq!(errors(&diagnostics), ["export.xlsx[Dependencies]:5:3: error: no destination server name or IP"]);
}

/// A deterministic stream of numbers for generated inputs (xorshift64*).
struct Numbers(u64);

impl Numbers {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The Azure reader keeps caches (row ends by their cells, time slots by
/// their text, the latest run of slots per connection); every count must be
/// what counting the rows one by one gives, whatever the order and however
/// often a row repeats.
#[test]
fn azure_export_counts_repeated_rows_and_slots_as_counting_them_one_by_one_does() {
    use std::collections::{BTreeMap, BTreeSet};
    let six_pm = 1_582_826_400; // 2020-02-27 18:00 UTC
    // One instant written as the portal writes it and in ISO 8601, with and
    // without surrounding spaces: all one slot.
    let slot_text = |slot: i64, spelling: u64| {
        let at = chrono::DateTime::from_timestamp(six_pm + slot * 6 * 3600, 0).unwrap().naive_utc();
        match spelling {
            0 => at.format("%-m/%-d/%Y %-I:%M:%S %p").to_string(),
            1 => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            _ => format!(" {} ", at.format("%m/%d/%Y %H:%M")),
        }
    };
    let mut numbers = Numbers(0x9E37_79B9_7F4A_7C15);
    let mut csv = String::from(
        "Time slot,Source server name,Source IP,Source process,Destination server name,Destination IP,Destination process,Destination port\n",
    );
    // (from, to, port) → (rows, slots, first, last), counted row by row.
    type Counted = (u64, BTreeSet<i64>, i64, i64);
    let mut expected: BTreeMap<(String, String, u16), Counted> = BTreeMap::new();
    for _ in 0..20_000 {
        // Slots mostly in order with stragglers, gaps and repeats.
        let slot = match numbers.below(10) {
            0 => numbers.below(40) as i64,
            _ => (numbers.below(30) * 2) as i64,
        };
        let source = numbers.below(12);
        let destination = numbers.below(12);
        // A server named in either case is one server; a destination
        // without a name is its address.
        let source_name = if numbers.below(2) == 0 { format!("web{source:02}") } else { format!("WEB{source:02}") };
        let (destination_name, destination_key) = if destination < 3 {
            (String::new(), format!("10.9.0.{destination}"))
        } else {
            (format!("db{destination:02}"), format!("db{destination:02}"))
        };
        let port = [1433, 443, 8080][numbers.below(3) as usize];
        csv.push_str(&format!(
            "{},{source_name},10.1.0.{source},proc{}.exe,{destination_name},10.9.0.{destination},svc.exe,{port}\n",
            slot_text(slot, numbers.below(3)),
            numbers.below(3),
        ));
        let at = six_pm + slot * 6 * 3600;
        let entry = expected.entry((format!("web{source:02}"), destination_key, port)).or_insert((
            0,
            BTreeSet::new(),
            i64::MAX,
            i64::MIN,
        ));
        entry.0 += 1;
        entry.1.insert(at);
        entry.2 = entry.2.min(at);
        entry.3 = entry.3.max(at);
    }
    let (aggregator, diagnostics) = read_azure(&[("deps.csv", csv.as_bytes())]);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    let mut found = BTreeMap::new();
    for aggregate in aggregator.aggregates() {
        let time = |t: Option<chrono::NaiveDateTime>| t.unwrap().and_utc().timestamp();
        let key = (aggregate.from.to_string().to_lowercase(), aggregate.to.to_string(), aggregate.port.unwrap());
        let counted =
            (aggregate.observations, aggregate.time_slots, time(aggregate.first_seen), time(aggregate.last_seen));
        assert!(found.insert(key, counted).is_none(), "one aggregate per connection");
    }
    let expected: BTreeMap<_, _> =
        expected.into_iter().map(|(key, (rows, slots, first, last))| (key, (rows, slots.len(), first, last))).collect();
    assert_eq!(found, expected);
    assert_eq!(summary_of(&aggregator, "deps.csv").connections, 20_000);
}

/// Past the cache's size the ends it remembered are forgotten and read
/// again: a connection seen before and after that is still one aggregate.
#[test]
fn azure_export_of_more_ends_than_the_cache_holds_counts_each_connection_once() {
    let sources = 70_000u32;
    let mut csv = String::from("Time slot,Source IP,Destination server name,Destination port\n");
    for pass in 0..2 {
        for source in 0..sources {
            let [_, a, b, c] = source.to_be_bytes();
            csv.push_str(&format!("2/27/2020 {}:00,10.{a}.{b}.{c},SQL01,1433\n", 6 + 6 * pass));
        }
    }
    let (aggregator, diagnostics) = read_azure(&[("many.csv", csv.as_bytes())]);
    assert_eq!(errors(&diagnostics), Vec::<String>::new());
    let aggregates = aggregator.aggregates();
    assert_eq!(aggregates.len(), sources as usize);
    assert!(aggregates.iter().all(|a| a.observations == 2 && a.time_slots == 2 && a.to == server("SQL01")));
}

#[test]
fn detects_every_format_from_its_head() {
    let text = |name: &str| String::from_utf8(fixture(name)).unwrap();
    assert_eq!(detect_text("x", &text("web01.netstat-anp.txt")), Some(NETSTAT));
    assert_eq!(detect_text("x", &text("app02.netstat-aeep.txt")), Some(NETSTAT));
    assert_eq!(detect_text("x", &text("db01-ss-tanp.txt")), Some(SS));
    assert_eq!(detect_text("x", &text("mon01-ss-tulpen.txt")), Some(SS));
    assert_eq!(detect_text("x", &text("dc01-netstat-aon.txt")), Some(NETSTAT_WINDOWS));
    assert_eq!(detect_text("x", &text("fs01-netstat-aonb.txt")), Some(NETSTAT_WINDOWS));
    assert_eq!(detect_text("x", &text("vpc-flows-2024-03-01.log")), Some(VPC_FLOW_LOGS));
    assert_eq!(detect_text("x", &text("vpc-flows-with-header.log")), Some(VPC_FLOW_LOGS));
    assert_eq!(
        detect_text("x", &format!("\u{feff}{}", text("azure-dependencies-full.csv"))),
        Some(AZURE_MIGRATE_DEPENDENCIES)
    );
    assert_eq!(detect_text("x", &text("azure-dependencies-documented.csv")), Some(AZURE_MIGRATE_DEPENDENCIES));
    // Headerless captures are told apart by their socket lines.
    assert_eq!(detect_text("x", "tcp 0 0 10.0.1.10:22 10.0.2.2:5000 ESTABLISHED 1/sshd\n"), Some(NETSTAT));
    assert_eq!(detect_text("x", "tcp ESTAB 0 0 10.0.1.10:22 10.0.2.2:5000\n"), Some(SS));
    assert_eq!(detect_text("x", "  TCP    10.0.1.10:22     10.0.2.2:5000    ESTABLISHED   4\n"), Some(NETSTAT_WINDOWS));
    assert_eq!(detect_text("servers.csv", "name,cores\nweb01,2\n"), None);
    assert_eq!(detect_text("empty.txt", ""), None);

    let table = crate::table::read_csv_table("deps.csv", &fixture("azure-dependencies-documented.csv"), 0).unwrap();
    assert_eq!(detect_table(&table), Some(AZURE_MIGRATE_DEPENDENCIES));
    let table = crate::table::read_csv_table("servers.csv", b"name,cores\nweb01,2\n", 0).unwrap();
    assert_eq!(detect_table(&table), None);
    assert_eq!(FORMATS.len(), 5);
}

/// A flow log generated while it is read, so that nothing holds it whole:
/// 50 clients × 5 services; every 10th record is the reply, every 100th rejected.
struct GeneratedFlowLog {
    next: usize,
    total: usize,
    pending: Vec<u8>,
    at: usize,
}

impl Read for GeneratedFlowLog {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            if self.next == self.total {
                return Ok(0);
            }
            let i = self.next;
            self.next += 1;
            let client = format!("10.1.0.{}", i % 50 + 1);
            let service = format!("10.2.0.{}", (i / 50) % 5 + 1);
            let (port, protocol) = [(443, 6), (5432, 6), (53, 17), (8080, 6), (1433, 6)][(i / 50) % 5];
            let ephemeral = 40_000 + i % 20_000;
            let action = if i % 100 == 99 { "REJECT" } else { "ACCEPT" };
            let start = 1_709_287_200 + (i as u64) * 3;
            let (source, destination, source_port, destination_port) =
                if i % 10 == 9 { (&service, &client, port, ephemeral) } else { (&client, &service, ephemeral, port) };
            self.pending = format!(
                "2 123456789010 eni-0a1b2c3d {source} {destination} {source_port} {destination_port} {protocol} 1 100 {start} {} {action} OK\n",
                start + 60
            )
            .into_bytes();
            self.at = 0;
        }
        let n = (self.pending.len() - self.at).min(out.len());
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn streams_a_generated_200000_line_flow_log() {
    let total = 200_000;
    let log = GeneratedFlowLog { next: 0, total, pending: Vec::new(), at: 0 };
    let mut aggregator = ConnectionAggregator::default();
    let mut diagnostics = Vec::new();
    read_connection_text(
        VPC_FLOW_LOGS,
        "generated.log",
        None,
        std::io::BufReader::new(log),
        &mut aggregator,
        &mut diagnostics,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let aggregates = aggregator.aggregates();
    assert_eq!(aggregates.len(), 250);
    let rejected = total / 100;
    assert_eq!(aggregates.iter().map(|a| a.observations).sum::<u64>(), (total - rejected) as u64);
    assert_eq!(aggregates.iter().map(|a| a.bytes.unwrap()).sum::<u64>(), (total - rejected) as u64 * 100);
    assert!(
        aggregates.iter().all(|a| matches!(a.from, ConnectionEnd::Address(ip) if ip.to_string().starts_with("10.1.")))
    );
    let summary = summary_of(&aggregator, "generated.log");
    assert_eq!((summary.lines, summary.rejected), (total as u64, rejected as u64));
    let dns = aggregates.iter().filter(|a| a.port == Some(53)).count();
    assert_eq!(dns, 50);
    assert!(aggregates.iter().filter(|a| a.port == Some(53)).all(|a| a.protocol == Protocol::Udp));
}

/// Reads a reference capture with the format its head is recognised as, as
/// host `host`.
fn read_reference(path: &str, host: &str) -> (&'static str, ConnectionAggregator, Vec<Diagnostic>) {
    let bytes = crate::reference::read(&format!("netstat-ss/{path}"));
    let head = crate::text::decode(&bytes[..bytes.len().min(8192)]).unwrap();
    let format = detect_text(path, &head).unwrap_or_else(|| panic!("{path} not recognised"));
    let mut aggregator = ConnectionAggregator::default();
    let mut diagnostics = Vec::new();
    read_connection_text(format, path, Some(host), &bytes[..], &mut aggregator, &mut diagnostics);
    assert_eq!(errors(&diagnostics), Vec::<String>::new(), "{path}");
    (format, aggregator, diagnostics)
}

#[test]
fn reference_captures_all_read_without_errors() {
    let tcp = |port| (Protocol::Tcp, port);
    let udp = |port| (Protocol::Udp, port);
    let listening = |aggregator: &ConnectionAggregator| aggregator.listening_ports("host");

    let (format, aggregator, diagnostics) = read_reference("centos-7.7/netstat-sudo-aeep.out", "host");
    assert_eq!(format, NETSTAT);
    assert!(diagnostics.iter().all(|d| d.severity != waveplan_core::Severity::Warning), "{diagnostics:?}");
    assert_eq!(listening(&aggregator), [tcp(22), tcp(25), udp(68), udp(323)]);
    assert!(aggregator.is_empty());
    assert_eq!(summary_of(&aggregator, "centos-7.7/netstat-sudo-aeep.out").loopback, 2);

    let (format, aggregator, _) = read_reference("centos-7.7/netstat-sudo-lnp.out", "host");
    assert_eq!(format, NETSTAT);
    assert_eq!(listening(&aggregator), [tcp(22), tcp(25), udp(68), udp(323)]);

    let (format, aggregator, _) = read_reference("centos-7.7/ss-sudo-a.out", "host");
    assert_eq!(format, SS);
    assert_eq!(listening(&aggregator), [tcp(22), tcp(25), udp(68), udp(323)]);
    assert_eq!(summary_of(&aggregator, "centos-7.7/ss-sudo-a.out").loopback, 2);

    let (format, aggregator, _) = read_reference("ubuntu-18.04/netstat-sudo-aeep.out", "host");
    assert_eq!(format, NETSTAT);
    assert_eq!(listening(&aggregator), [tcp(22), tcp(53), tcp(35485), udp(53), udp(68)]);
    assert_eq!(aggregator.host_addresses().len(), 0); // bootpc is bound to the host's name, not an address

    let (format, aggregator, _) = read_reference("ubuntu-18.04/ss-sudo-a.out", "host");
    assert_eq!(format, SS);
    assert_eq!(listening(&aggregator), [tcp(22), tcp(53), tcp(35485), udp(53), udp(68)]);
    assert_eq!(aggregator.host_addresses()["host"], ["192.168.71.131".parse::<IpAddr>().unwrap()]);

    let (format, aggregator, _) = read_reference("ubuntu-18.04/ss-sudo-tulpen.out", "host");
    assert_eq!(format, SS);
    let ports = listening(&aggregator);
    for port in [tcp(22), tcp(80), tcp(443), tcp(3306), tcp(5432), tcp(9100), tcp(10050), udp(53), udp(161)] {
        assert!(ports.contains(&port), "{port:?} in {ports:?}");
    }
    assert!(aggregator.is_empty());

    let (format, aggregator, _) = read_reference("windows/windows-10/netstat-aon.out", "host");
    assert_eq!(format, NETSTAT_WINDOWS);
    assert!(aggregator.is_empty());
    let summary = summary_of(&aggregator, "windows/windows-10/netstat-aon.out");
    assert_eq!(summary.loopback, 32);
    let ports = listening(&aggregator);
    for port in [tcp(135), tcp(443), tcp(445), udp(53), udp(5353)] {
        assert!(ports.contains(&port), "{port:?} in {ports:?}");
    }

    let (format, aggregator, _) = read_reference("windows/windows-10/netstat-aonb.out", "host");
    assert_eq!(format, NETSTAT_WINDOWS);
    let aggregates = aggregator.aggregates();
    let find = |to: &str, port: u16| aggregates.iter().find(|a| a.to == address(to) && a.port == Some(port));
    let dns = find("192.168.31.99", 53).expect("the DNS lookups in TIME_WAIT");
    assert_eq!((dns.from.clone(), dns.observations, dns.infrastructure.as_deref()), (server("host"), 2, Some("dns")));
    let search = find("82.102.152.152", 443).expect("the CLOSE_WAIT connections");
    assert_eq!(search.observations, 2);
    assert!(aggregates.iter().all(|a| a.from == server("host")), "a workstation only connects out");
    assert_eq!(aggregator.host_addresses()["host"].first(), Some(&"172.17.96.1".parse::<IpAddr>().unwrap()));
    eprintln!("windows-10 netstat -aonb: {} outbound dependencies", aggregates.len());
}

#[test]
fn no_input_makes_a_reader_panic() {
    // A small linear congruential generator: garbage, and mutations of the fixtures.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let seeds: Vec<Vec<u8>> = [
        "web01.netstat-anp.txt",
        "db01-ss-tanp.txt",
        "fs01-netstat-aonb.txt",
        "vpc-flows-2024-03-01.log",
        "azure-dependencies-full.csv",
    ]
    .iter()
    .map(|name| fixture(name))
    .collect();
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xFF\xFE".to_vec(),
        b"\xFF\xFE\x41".to_vec(),
        b"\xEF\xBB\xBF".to_vec(),
        vec![0u8; 1000],
        vec![b','; 100_000],
        b"\"unterminated,quote\n".to_vec(),
        "tcp 0 0 [::1:22 [:::* LISTEN\nTCP [fe80::1%:0 *:*\n".as_bytes().to_vec(),
    ];
    for _ in 0..1000 {
        let seed = &seeds[next() % seeds.len()];
        let mut input = seed.clone();
        for _ in 0..1 + next() % 20 {
            let at = next() % input.len().max(1);
            match next() % 4 {
                0 if !input.is_empty() => {
                    input.remove(at);
                }
                1 => input.insert(at.min(input.len()), (next() % 256) as u8),
                2 if !input.is_empty() => input.truncate(at),
                _ => input.insert(at.min(input.len()), b"\n:[]%*,\"-"[next() % 9]),
            }
        }
        inputs.push(input);
    }
    for input in &inputs {
        let mut aggregator = ConnectionAggregator::default();
        let mut diagnostics = Vec::new();
        for format in [NETSTAT, SS, NETSTAT_WINDOWS, VPC_FLOW_LOGS, AZURE_MIGRATE_DEPENDENCIES] {
            read_connection_text(format, "web01.txt", None, &input[..], &mut aggregator, &mut diagnostics);
        }
        let head = String::from_utf8_lossy(&input[..input.len().min(8192)]);
        let _ = detect_text("web01.txt", &head);
        let mut out = crate::Imported::default();
        aggregator.finish(&mut out);
        assert!(diagnostics.len() <= 5 * (lines::MAX_DIAGNOSTICS_PER_FILE + 2));
    }
}
