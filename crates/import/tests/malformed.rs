//! Malformed inputs through `read_sources`, the way the CLI and the desktop
//! hand files to the importer: truncated workbooks, zips that are not
//! workbooks, zip bombs, binary garbage, a 100 MB line, 10,000 columns. An
//! input that crashes a fuzz target (`fuzz/`, see `docs/fuzzing.md`) belongs
//! here too, as a regression case; the runs so far found none.
//!
//! Every input is generated here, in memory: nothing large is committed.
//! Each must give at least one error that names the file, in plain words,
//! quickly, without a panic. Must not: write files, or rely on the order in
//! which tests run.

use std::time::{Duration, Instant};

use waveplan_core::Diagnostic;
use waveplan_import::{Input, Options, Source, read_sources};

/// The small real workbook the truncations are cut from.
const WORKBOOK: &[u8] = include_bytes!("../fixtures/rvtools/rvtools-custom-attributes.xlsx");

/// How long one malformed file may take to be refused. Generous, because
/// tests run unoptimised and in parallel; the point is seconds, not minutes.
const QUICKLY: Duration = Duration::from_secs(30);

/// Reads one file through `read_sources` and returns its diagnostics after
/// checking what every malformed input must give: an error that names the
/// file, with a message, within [`QUICKLY`].
fn check_refused(name: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    let input = Input { name, bytes };
    let sources: [&dyn Source; 1] = [&input];
    let started = Instant::now();
    let imported = read_sources(&sources, &Options::default());
    let elapsed = started.elapsed();
    assert!(elapsed < QUICKLY, "{name} ({} bytes) took {elapsed:?}", bytes.len());
    let errors: Vec<&Diagnostic> = imported.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(!errors.is_empty(), "{name} ({} bytes) gave no error: {:?}", bytes.len(), imported.diagnostics);
    for error in &errors {
        assert_eq!(error.file.as_deref(), Some(name), "{error}");
        assert!(error.message.len() >= 10, "{name}: message too short: {error}");
        let shown: String = error.to_string().chars().take(300).collect();
        assert!(error.message.len() <= 2_000, "{name}: message too long ({} bytes): {shown}...", error.message.len());
    }
    imported.diagnostics
}

/// The first error, as `file:line: error: message`.
fn first_error(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().find(|d| d.is_error()).map(ToString::to_string).unwrap_or_default()
}

// --- Building zips by hand (stored and deflated entries, no dependency) ---

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// One entry of a zip being built.
struct ZipEntry {
    name: String,
    /// 0 stored, 8 deflated.
    method: u16,
    /// The bytes as written in the archive (compressed when deflated).
    data: Vec<u8>,
    crc: u32,
    /// The uncompressed size the headers declare.
    declared_size: u32,
}

impl ZipEntry {
    fn stored(name: &str, content: &[u8]) -> ZipEntry {
        ZipEntry {
            name: name.to_string(),
            method: 0,
            data: content.to_vec(),
            crc: crc32(content),
            declared_size: content.len() as u32,
        }
    }
}

/// A zip archive: local headers and data, the central directory, its end record.
fn zip(entries: &[ZipEntry]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        // Version needed, flags, method, time, date (1980-01-01), crc, sizes, name and extra lengths.
        let common = |out: &mut Vec<u8>| {
            u16le(out, 20);
            u16le(out, 0);
            u16le(out, entry.method);
            u16le(out, 0);
            u16le(out, 0x21);
            u32le(out, entry.crc);
            u32le(out, entry.data.len() as u32);
            u32le(out, entry.declared_size);
            u16le(out, entry.name.len() as u16);
            u16le(out, 0);
        };
        u32le(&mut out, 0x0403_4B50);
        common(&mut out);
        out.extend_from_slice(entry.name.as_bytes());
        out.extend_from_slice(&entry.data);

        u32le(&mut central, 0x0201_4B50);
        u16le(&mut central, 20);
        common(&mut central);
        u16le(&mut central, 0); // comment length
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, 0); // external attributes
        u32le(&mut central, offset);
        central.extend_from_slice(entry.name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4B50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, entries.len() as u16);
    u16le(&mut out, entries.len() as u16);
    u32le(&mut out, central.len() as u32);
    u32le(&mut out, central_offset);
    u16le(&mut out, 0);
    out
}

/// Writes a deflate stream with one fixed-Huffman block (RFC 1951, 3.2.6).
struct BitWriter {
    out: Vec<u8>,
    bits: u64,
    count: u32,
}

impl BitWriter {
    fn new() -> BitWriter {
        BitWriter { out: Vec::new(), bits: 0, count: 0 }
    }

    /// Plain bits, least significant first.
    fn bits(&mut self, value: u32, count: u32) {
        self.bits |= u64::from(value) << self.count;
        self.count += count;
        while self.count >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, length: u32) {
        self.bits(code.reverse_bits() >> (32 - length), length);
    }

    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u32::from(byte), 8),
            _ => self.code(0x190 + u32::from(byte - 144), 9),
        }
    }

    /// Repeats the byte before: length 258 (symbol 285), distance 1 (code 0).
    fn repeat_258(&mut self) {
        self.code(0xC5, 8);
        self.code(0, 5);
    }

    fn finish(mut self) -> Vec<u8> {
        self.code(0, 7); // end of block
        if self.count > 0 {
            self.out.push(self.bits as u8);
        }
        self.out
    }
}

/// Deflates `prefix`, then `repeats * 258` more copies of its last byte, then
/// `suffix`: a few bytes per 258 unpacked, the shape of a zip bomb.
fn deflate_bomb(prefix: &[u8], repeats: u64, suffix: &[u8]) -> (Vec<u8>, u64) {
    let mut writer = BitWriter::new();
    writer.bits(1, 1); // final block
    writer.bits(1, 2); // fixed Huffman codes
    prefix.iter().for_each(|&b| writer.literal(b));
    for _ in 0..repeats {
        writer.repeat_258();
    }
    suffix.iter().for_each(|&b| writer.literal(b));
    let unpacked = prefix.len() as u64 + repeats * 258 + suffix.len() as u64;
    (writer.finish(), unpacked)
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const SHEET_PREFIX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>VM</t></is></c><c r="B1" t="inlineStr"><is><t>a"#;
const SHEET_SUFFIX: &str = r#"</t></is></c></row></sheetData></worksheet>"#;

/// An xlsx whose one sheet holds a cell of `repeats * 258` letters, deflated
/// to a few bytes per 258; its headers declare `declared_size` (the true
/// unpacked size when `None`).
fn bomb_workbook(repeats: u64, declared_size: Option<u32>) -> Vec<u8> {
    let (data, unpacked) = deflate_bomb(SHEET_PREFIX.as_bytes(), repeats, SHEET_SUFFIX.as_bytes());
    let sheet = ZipEntry {
        name: "xl/worksheets/sheet1.xml".into(),
        method: 8,
        data,
        crc: 0, // never reached: the size is refused or overrun first
        declared_size: declared_size.unwrap_or(u32::try_from(unpacked).unwrap_or(u32::MAX)),
    };
    zip(&[
        ZipEntry::stored("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ZipEntry::stored("_rels/.rels", ROOT_RELS.as_bytes()),
        ZipEntry::stored("xl/workbook.xml", WORKBOOK_XML.as_bytes()),
        ZipEntry::stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        sheet,
    ])
}

/// Bytes that look like nothing: a xorshift stream.
fn garbage(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

// --- The cases ---

#[test]
fn a_workbook_cut_short_anywhere_is_a_clear_error() {
    let cuts = [4, 10, 30, 64, 200, 500, 1000, 1500, 2000, 2500, 3000, WORKBOOK.len() - 22, WORKBOOK.len() - 1];
    for cut in cuts {
        let name = format!("rvtools-cut-at-{cut}.xlsx");
        let diagnostics = check_refused(&name, &WORKBOOK[..cut]);
        let error = first_error(&diagnostics);
        assert!(error.contains("cannot open the workbook") || error.contains("cannot read the sheet"), "{error}");
    }
    // The whole workbook still reads: the cuts are what break it.
    let input = Input { name: "whole.xlsx", bytes: WORKBOOK };
    let sources: [&dyn Source; 1] = [&input];
    let imported = read_sources(&sources, &Options::default());
    assert!(!imported.has_errors(), "{:?}", imported.diagnostics);
}

#[test]
fn a_zip_that_is_not_a_workbook_is_a_clear_error() {
    let archive = zip(&[
        ZipEntry::stored("readme.txt", b"these are not the sheets you are looking for\n"),
        ZipEntry::stored("data/servers.csv", b"name,cores\nweb01,2\n"),
    ]);
    for name in ["inventory.xlsx", "inventory.zip", "servers.csv"] {
        let error = first_error(&check_refused(name, &archive));
        assert!(error.contains("cannot open the workbook (is it a valid .xlsx file?)"), "{error}");
    }
}

#[test]
fn the_hand_built_workbook_reads_when_it_is_small() {
    // The bomb tests below are only meaningful if the same workbook, small,
    // is a workbook calamine reads.
    let bytes = bomb_workbook(4, None);
    let workbook = waveplan_import::xlsx::read_workbook("small.xlsx", &bytes).unwrap();
    let sheet = workbook.sheet("vInfo").unwrap();
    assert_eq!(sheet.headers[0], "VM");
    assert_eq!(sheet.headers[1].len(), 1 + 4 * 258);
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    // About 13 MB that unpacks to 2 GB of one cell.
    let bytes = bomb_workbook(8_000_000, None);
    assert!(bytes.len() < 16 << 20);
    let error = first_error(&check_refused("bomb.xlsx", &bytes));
    assert!(error.contains("would unpack to"), "{error}");
    assert!(error.contains("xl/worksheets/sheet1.xml"), "{error}");
}

#[test]
fn a_zip_entry_that_unpacks_past_its_declared_size_is_stopped() {
    // Declares 5,000 bytes, holds 1 GB: the zip reader stops at the declared size.
    let bytes = bomb_workbook(4_000_000, Some(5_000));
    let error = first_error(&check_refused("liar.xlsx", &bytes));
    assert!(error.contains("cannot read the sheet"), "{error}");
}

#[test]
fn binary_garbage_is_a_clear_error_whatever_the_file_is_called() {
    let names = ["servers.csv", "dependencies.csv", "export.csv", "inventory.xlsx", "web01.netstat.txt", "flows.log"];
    for (seed, name) in names.iter().enumerate() {
        for length in [1, 3, 100, 70_000] {
            check_refused(name, &garbage(length, seed as u64 * 7919 + length as u64));
        }
        // Garbage behind the magic numbers of a zip and of a PDF.
        let mut zip_like = b"PK\x03\x04".to_vec();
        zip_like.extend(garbage(5_000, 42));
        check_refused(name, &zip_like);
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend(garbage(5_000, 43));
        check_refused(name, &pdf);
    }
}

/// 100 MB, no line ending: `fill` repeated.
fn one_line_of_100_mb(start: &str, fill: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(100 << 20);
    bytes.extend_from_slice(start.as_bytes());
    while bytes.len() < 100 << 20 {
        bytes.extend_from_slice(fill);
    }
    bytes
}

#[test]
fn a_100_mb_line_is_a_clear_error() {
    // One field, and fifty million of them; under names that send it to each
    // reader: native, the table detectors, a capture, a flow log.
    let cases = [
        ("servers.csv", "", &b"a"[..]),
        ("servers.csv", "name,", &b"a,"[..]),
        ("export.csv", "", &b"a,"[..]),
        ("RVTools_tabvInfo.csv", "VM,Powerstate\n", &b"x;"[..]),
        ("web01.netstat.txt", "Proto Recv-Q Send-Q Local Address Foreign Address State\n", &b"tcp "[..]),
        (
            "flows.log",
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n",
            &b"2 "[..],
        ),
        (
            "dependencies.csv",
            "Time slot,Source server name,Source IP,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port\n",
            &b"a,"[..],
        ),
    ];
    for (name, start, fill) in cases {
        let bytes = one_line_of_100_mb(start, fill);
        let error = first_error(&check_refused(name, &bytes));
        eprintln!("{error}");
        assert!(error.contains("longer than"), "{name}: {error}");
    }
}

#[test]
fn a_csv_with_10_000_columns_is_a_clear_error() {
    let header: Vec<String> = (0..10_000).map(|i| format!("column {i}")).collect();
    let row: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(header.join(",").as_bytes());
    for _ in 0..20 {
        bytes.push(b'\n');
        bytes.extend_from_slice(row.join(",").as_bytes());
    }
    let error = first_error(&check_refused("export.csv", &bytes));
    assert!(error.contains("unknown format"), "{error}");
    // Named as a native table, it lacks the required column.
    let error = first_error(&check_refused("servers.csv", &bytes));
    assert!(error.contains("missing required column 'name'"), "{error}");
}
