//! Progress of a long read: a [`Source`] wrapped in [`Metered`] tells a
//! [`ReadProgress`] how far into each file the readers are (bytes, and lines
//! of a text file) and stops the read when it is told to.
//!
//! Connection data streams through the readers, so the position is the
//! import's progress; a file read whole reports as it is read. A stopped read
//! fails with an I/O error ("the import was cancelled"; not `Interrupted`,
//! which readers retry), which the readers report as
//! a diagnostic: the caller, which asked to stop, knows to discard it.

use std::io::{self, BufRead, Read};

use crate::registry::Source;

/// Bytes between two reports.
const REPORT_EVERY: u64 = 1 << 20;

/// Told how a read is going; says whether to go on.
pub trait ReadProgress {
    /// The readers are `bytes` into `file`, `lines` lines in (zero for a
    /// workbook). Positions are of one pass; a file opened twice starts at
    /// zero again. Returns false to stop the read.
    fn advance(&self, file: &str, bytes: u64, lines: u64) -> bool;
}

/// A source whose reads are reported.
pub struct Metered<'a, S> {
    inner: S,
    progress: &'a dyn ReadProgress,
}

impl<'a, S: Source> Metered<'a, S> {
    /// Wraps `inner`.
    pub fn new(inner: S, progress: &'a dyn ReadProgress) -> Metered<'a, S> {
        Metered { inner, progress }
    }
}

impl<S: Source> Source for Metered<'_, S> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn open(&self) -> io::Result<Box<dyn BufRead + '_>> {
        let reader = self.inner.open()?;
        Ok(Box::new(MeteredReader {
            inner: reader,
            name: self.inner.name(),
            progress: self.progress,
            bytes: 0,
            lines: 0,
            reported: 0,
            count_lines: None,
            stopped: false,
        }))
    }

    fn read_all(&self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open()?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

struct MeteredReader<'a> {
    inner: Box<dyn BufRead + 'a>,
    name: &'a str,
    progress: &'a dyn ReadProgress,
    bytes: u64,
    lines: u64,
    reported: u64,
    /// Known after the first bytes: a zip (workbook) has no lines to count.
    count_lines: Option<bool>,
    stopped: bool,
}

impl MeteredReader<'_> {
    fn stopped() -> io::Error {
        io::Error::other("the import was cancelled")
    }

    fn report(&mut self, force: bool) {
        if force || self.bytes - self.reported >= REPORT_EVERY {
            self.reported = self.bytes;
            if !self.progress.advance(self.name, self.bytes, self.lines) {
                self.stopped = true;
            }
        }
    }
}

impl Read for MeteredReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for MeteredReader<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.stopped {
            return Err(Self::stopped());
        }
        let buffer = self.inner.fill_buf()?;
        if buffer.is_empty() && self.bytes > self.reported {
            // The end: the last report says the whole file.
            self.reported = self.bytes;
            let _ = self.progress.advance(self.name, self.bytes, self.lines);
            return self.inner.fill_buf();
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            let taken = &buffer[..amount.min(buffer.len())];
            let count = *self.count_lines.get_or_insert_with(|| !crate::xlsx::is_zip(taken));
            if count {
                self.lines += taken.iter().filter(|&&b| b == b'\n').count() as u64;
            }
        }
        self.inner.consume(amount);
        self.bytes += amount as u64;
        self.report(false);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::Input;

    struct Log(RefCell<Vec<(u64, u64)>>, u64);

    impl ReadProgress for Log {
        fn advance(&self, _: &str, bytes: u64, lines: u64) -> bool {
            self.0.borrow_mut().push((bytes, lines));
            bytes < self.1
        }
    }

    #[test]
    fn reads_are_reported_to_the_end_and_stop_when_told() {
        let text = "a,b\n".repeat(600_000); // 2.4 MB
        let input = Input { name: "big.csv", bytes: text.as_bytes() };
        let log = Log(RefCell::new(Vec::new()), u64::MAX);
        let read = Metered::new(input, &log).read_all().expect("read");
        assert_eq!(read.len(), text.len());
        let reports = log.0.borrow();
        assert!(reports.len() >= 3, "{reports:?}");
        assert_eq!(*reports.last().expect("a report"), (text.len() as u64, 600_000));

        let stop = Log(RefCell::new(Vec::new()), REPORT_EVERY);
        let error = Metered::new(input, &stop).read_all().expect_err("stopped");
        assert_eq!(error.to_string(), "the import was cancelled");
    }
}
