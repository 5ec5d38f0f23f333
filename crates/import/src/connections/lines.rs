//! Streaming text input for connection data: lines read one at a time from a
//! reader, whatever the encoding (UTF-8 with or without a byte-order mark,
//! UTF-16 LE or BE with one, which is what PowerShell's `>` writes, and
//! Windows-1252 for lines that are not UTF-8), with a cap on line length so
//! that a file of one 100 MB line cannot take 100 MB.
//!
//! Must not read a whole file into memory, and must not panic on any bytes.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};

use waveplan_core::{Diagnostic, Origin};

/// The longest line kept, in bytes; longer lines are reported and skipped.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// How many diagnostics one file may add before the rest are only counted.
pub(crate) const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// Re-encodes UTF-16 (after its byte-order mark) as UTF-8, streaming.
struct Utf16ToUtf8<R: Read> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    decoded: Vec<u8>,
    decoded_start: usize,
    finished: bool,
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.decoded_start == self.decoded.len() {
            if self.finished {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.raw)?;
            self.finished = n == 0;
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            self.decoded.resize(room, 0);
            let (_, read, written, _) = self.decoder.decode_to_utf8(&self.raw[..n], &mut self.decoded, self.finished);
            debug_assert_eq!(read, n);
            self.decoded.truncate(written);
            self.decoded_start = 0;
        }
        let available = &self.decoded[self.decoded_start..];
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.decoded_start += n;
        Ok(n)
    }
}

/// Makes a reader of any supported encoding read as UTF-8 (Windows-1252
/// lines are decoded later, line by line): the byte-order mark is removed,
/// UTF-16 is re-encoded.
pub(crate) fn utf8_reader<'a, R: Read + 'a>(reader: R) -> Box<dyn BufRead + 'a> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(_) => return Box::new(reader),
    };
    let utf16 = match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(encoding) = utf16 {
        reader.consume(2);
        let transcoder = Utf16ToUtf8 {
            inner: reader,
            decoder: encoding.new_decoder_without_bom_handling(),
            raw: vec![0; 64 * 1024],
            decoded: Vec::new(),
            decoded_start: 0,
            finished: false,
        };
        return Box::new(BufReader::with_capacity(64 * 1024, transcoder));
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    }
    Box::new(reader)
}

/// One line, as [`LineReader::next_line`] gives it.
pub(crate) enum Line<'a> {
    /// The text, without its line ending.
    Text(&'a str),
    /// The line was longer than [`MAX_LINE_BYTES`] and was skipped.
    TooLong,
}

/// Reads lines one at a time, counting them from 1.
pub(crate) struct LineReader<'a> {
    reader: Box<dyn BufRead + 'a>,
    bytes: Vec<u8>,
    text: String,
    /// The number of the line last returned.
    pub line: u64,
}

impl<'a> LineReader<'a> {
    /// A line reader over any supported encoding.
    pub(crate) fn new<R: Read + 'a>(reader: R) -> LineReader<'a> {
        LineReader { reader: utf8_reader(reader), bytes: Vec::new(), text: String::new(), line: 0 }
    }

    /// The next line with its number, `None` at the end of the input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.bytes.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            read_any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let end = newline.unwrap_or(available.len());
            if !too_long {
                let room = MAX_LINE_BYTES.saturating_sub(self.bytes.len());
                if end > room {
                    too_long = true;
                    self.bytes.clear();
                } else {
                    self.bytes.extend_from_slice(&available[..end]);
                }
            }
            let consumed = newline.map_or(end, |at| at + 1);
            self.reader.consume(consumed);
            if newline.is_some() {
                break;
            }
        }
        if !read_any {
            return Ok(None);
        }
        self.line += 1;
        if too_long {
            return Ok(Some((self.line, Line::TooLong)));
        }
        if self.bytes.last() == Some(&b'\r') {
            self.bytes.pop();
        }
        self.text.clear();
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => self.text.push_str(text),
            Err(_) => {
                let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&self.bytes);
                self.text.push_str(&decoded);
            }
        }
        Ok(Some((self.line, Line::Text(&self.text))))
    }
}

/// Fails the read when a line grows past a limit, so that a CSV reader fed
/// through it keeps bounded memory whatever the input.
pub(crate) struct LineLengthGuard<R: Read> {
    inner: R,
    since_newline: usize,
    limit: usize,
}

impl<R: Read> LineLengthGuard<R> {
    /// Guards `inner`, failing past `limit` bytes without a newline.
    pub(crate) fn new(inner: R, limit: usize) -> Self {
        LineLengthGuard { inner, since_newline: 0, limit }
    }
}

impl<R: Read> Read for LineLengthGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        let chunk = &out[..n];
        // The longest line this chunk ends or continues: the one it
        // continues up to its first newline, any between (only a chunk
        // longer than the limit can hold a whole line past it), and the one
        // it leaves open.
        let longest = match chunk.iter().position(|&b| b == b'\n') {
            None => {
                self.since_newline += n;
                self.since_newline
            }
            Some(first) => {
                let last = chunk.iter().rposition(|&b| b == b'\n').unwrap_or(first);
                let between = if n > self.limit {
                    chunk[first + 1..last].split(|&b| b == b'\n').map(<[u8]>::len).max().unwrap_or(0)
                } else {
                    0
                };
                let continued = self.since_newline + first;
                self.since_newline = n - last - 1;
                continued.max(between).max(self.since_newline)
            }
        };
        if longest > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the line is longer than {} bytes", self.limit),
            ));
        }
        Ok(n)
    }
}

/// Decodes one field of a byte record: UTF-8, or Windows-1252 when not.
pub(crate) fn decode_field(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Diagnostics of one file, capped at [`MAX_DIAGNOSTICS_PER_FILE`] so that a
/// file of ten million bad lines cannot fill memory with messages; the rest
/// are counted and reported in one closing diagnostic.
pub(crate) struct FileReporter<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    diagnostics: &'a mut Vec<Diagnostic>,
    reported: usize,
    unreported_errors: u64,
    unreported_warnings: u64,
    /// Whether any error was found (reported or not).
    pub had_error: bool,
}

impl<'a> FileReporter<'a> {
    /// A reporter for `file`, adding to `diagnostics`.
    pub(crate) fn new(file: &'a str, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        FileReporter::in_sheet(file, None, diagnostics)
    }

    /// A reporter for a sheet of a workbook (or a file, when `sheet` is `None`).
    pub(crate) fn in_sheet(file: &'a str, sheet: Option<&'a str>, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        FileReporter {
            file,
            sheet,
            diagnostics,
            reported: 0,
            unreported_errors: 0,
            unreported_warnings: 0,
            had_error: false,
        }
    }

    fn origin(&self, line: Option<u64>) -> Origin {
        Origin { file: self.file.to_string(), sheet: self.sheet.map(str::to_string), line }
    }

    /// An error at a line and column (1-based).
    pub(crate) fn error(&mut self, line: u64, column: Option<u64>, message: impl Into<String>) {
        self.had_error = true;
        if self.reported < MAX_DIAGNOSTICS_PER_FILE {
            self.reported += 1;
            let origin = self.origin(Some(line));
            self.diagnostics.push(Diagnostic::error_at(&origin, column, message));
        } else {
            self.unreported_errors += 1;
        }
    }

    /// A warning at a line and column (1-based).
    pub(crate) fn warning(&mut self, line: u64, column: Option<u64>, message: impl Into<String>) {
        if self.reported < MAX_DIAGNOSTICS_PER_FILE {
            self.reported += 1;
            let origin = self.origin(Some(line));
            self.diagnostics.push(Diagnostic::warning_at(&origin, column, message));
        } else {
            self.unreported_warnings += 1;
        }
    }

    /// Adds the closing count of diagnostics left out, if any.
    pub(crate) fn close(self) {
        let origin = self.origin(None);
        if self.unreported_errors > 0 {
            self.diagnostics.push(Diagnostic::error_at(
                &origin,
                None,
                format!("{} more errors in this file, not listed one by one", self.unreported_errors),
            ));
        }
        if self.unreported_warnings > 0 {
            self.diagnostics.push(Diagnostic::warning_at(
                &origin,
                None,
                format!("{} more warnings in this file, not listed one by one", self.unreported_warnings),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Vec<String> {
        let mut reader = LineReader::new(bytes);
        let mut out = Vec::new();
        while let Some((_, line)) = reader.next_line().unwrap() {
            out.push(match line {
                Line::Text(text) => text.to_string(),
                Line::TooLong => "<too long>".to_string(),
            });
        }
        out
    }

    #[test]
    fn reads_lines_in_every_encoding() {
        assert_eq!(lines(b"\xEF\xBB\xBFa\r\nb\n\nc"), ["a", "b", "", "c"]);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("\r\nActive Connections\r\n  TCP  é\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(lines(&utf16), ["", "Active Connections", "  TCP  é"]);
        let utf16be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("x\ny".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(lines(&utf16be), ["x", "y"]);
        assert_eq!(lines(b"caf\xE9\n"), ["café"]);
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn long_lines_are_skipped_not_kept() {
        let mut input = vec![b'x'; MAX_LINE_BYTES * 3];
        input.extend_from_slice(b"\nshort\n");
        assert_eq!(lines(&input), ["<too long>", "short"]);
        let mut guarded = LineLengthGuard::new(&input[..], 1000);
        let mut sink = Vec::new();
        assert!(guarded.read_to_end(&mut sink).is_err());
        // A long line that ends inside a chunk, one inside a chunk longer
        // than the limit, and lines just at the limit.
        let read_in_chunks = |input: &[u8], chunk: usize| {
            let mut guarded = LineLengthGuard::new(input, 1000);
            let mut buffer = vec![0; chunk];
            loop {
                match guarded.read(&mut buffer) {
                    Ok(0) => return Ok(()),
                    Ok(_) => {}
                    Err(error) => return Err(error),
                }
            }
        };
        let long_then_short = [vec![b'x'; 1001], b"\nshort\n".to_vec()].concat();
        assert!(read_in_chunks(&long_then_short, 300).is_err());
        let inside = [b"a\n".to_vec(), vec![b'x'; 1001], b"\nb\n".to_vec(), vec![b'y'; 5000]].concat();
        assert!(read_in_chunks(&inside[..1010], 4096).is_err());
        let at_limit = [vec![b'x'; 1000], b"\n".to_vec(), vec![b'y'; 1000], b"\n".to_vec()].concat();
        assert!(read_in_chunks(&at_limit, 300).is_ok());
        assert!(read_in_chunks(&at_limit, 4096).is_ok());
    }
}
