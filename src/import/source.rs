//! Input sources: one `--nodes` or `--relationships` argument, `[PREFIX=]FILE[,FILE…]`,
//! is a prefix (labels or a relationship type) and a list of files read as one stream
//! whose first line is the header (so the first file may be a header-only file). `Rows`
//! reads that stream record by record; `LineFinder` finds the line number of a record
//! only when a message needs it.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One `--nodes` / `--relationships` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Labels (`Person:Actor=`) or a relationship type (`KNOWS=`) given before `=`.
    pub prefix: Vec<String>,
    /// The files, read as one stream; the first record of the first is the header.
    pub files: Vec<PathBuf>,
}

/// Parses `[PREFIX=]FILE[,FILE…]`. An argument that names an existing file as a whole is
/// taken as that file even if it holds `=` or `,`. Prefix items are separated by `:`.
pub fn parse_source(arg: &str) -> Result<Source> {
    let whole = Path::new(arg);
    if whole.is_file() {
        return Ok(Source {
            prefix: Vec::new(),
            files: vec![whole.to_path_buf()],
        });
    }
    let (prefix, list) = match arg.split_once('=') {
        Some((prefix, list)) => (prefix, list),
        None => ("", arg),
    };
    let prefix: Vec<String> = prefix
        .split(':')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let files: Vec<PathBuf> = if Path::new(list).is_file() {
        vec![PathBuf::from(list)]
    } else {
        list.split(',').map(PathBuf::from).collect()
    };
    if files.iter().any(|f| f.as_os_str().is_empty()) {
        return Err(Error::import(format!(
            "'{arg}': expected [PREFIX=]FILE[,FILE...] with no empty file name"
        )));
    }
    Ok(Source { prefix, files })
}

/// How records are split: the CSV dialect of the import.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
}

/// Finds the line of a byte offset in a file by reading it forward; offsets must come in
/// increasing order (they do: records are reported in file order).
pub struct LineFinder {
    input: Option<BufReader<File>>,
    offset: u64,
    line: u64,
}

impl Default for LineFinder {
    fn default() -> Self {
        LineFinder::new()
    }
}

impl LineFinder {
    pub fn new() -> LineFinder {
        LineFinder {
            input: None,
            offset: 0,
            line: 1,
        }
    }

    /// The line on which the record read from `offset` starts: the line of the first byte
    /// at or after `offset` that is not a line ending (csv skips blank lines).
    pub fn record_line(&mut self, path: &Path, offset: u64) -> u64 {
        if self.input.is_none() || offset < self.offset {
            match File::open(path) {
                Ok(f) => self.input = Some(BufReader::with_capacity(1 << 16, f)),
                Err(_) => return 0,
            }
            self.offset = 0;
            self.line = 1;
        }
        let input = self.input.as_mut().expect("opened above");
        let mut at_record = false;
        while !at_record {
            let Ok(chunk) = input.fill_buf() else {
                break;
            };
            if chunk.is_empty() {
                break;
            }
            let mut used = 0;
            for &b in chunk {
                if self.offset + used as u64 >= offset && b != b'\n' && b != b'\r' {
                    at_record = true;
                    break;
                }
                if b == b'\n' {
                    self.line += 1;
                }
                used += 1;
            }
            input.consume(used);
            self.offset += used as u64;
        }
        self.line
    }
}

/// The longest one record (one line, or several inside quotes) may be: a longer one is
/// an error rather than an unbounded allocation.
pub const MAX_RECORD_BYTES: u64 = 256 << 20;

/// A file that fails once more than [`MAX_RECORD_BYTES`] (plus a buffer) have been read
/// since the current record began, and that asks the kernel to read ahead of it.
pub(crate) struct Guarded {
    inner: File,
    since_record: Arc<AtomicU64>,
    /// Bytes read so far, how far the kernel has been asked to read ahead, and in what
    /// steps.
    pos: u64,
    advised: u64,
    window: u64,
}

impl Guarded {
    fn new(inner: File, since_record: Arc<AtomicU64>) -> Guarded {
        Guarded::with_window(inner, since_record, READ_AHEAD)
    }

    fn with_window(inner: File, since_record: Arc<AtomicU64>, window: u64) -> Guarded {
        read_ahead(&inner, 0, window);
        Guarded {
            inner,
            since_record,
            pos: 0,
            advised: window,
            window,
        }
    }
}

impl std::io::Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        if self.pos + self.window / 2 > self.advised {
            read_ahead(&self.inner, self.advised, self.window);
            self.advised += self.window;
        }
        let total = self.since_record.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > MAX_RECORD_BYTES + (2 << 20) {
            return Err(std::io::Error::other("record too long"));
        }
        Ok(n)
    }
}

/// The records of a source, file after file.
pub struct Rows {
    dialect: Dialect,
    files: Vec<PathBuf>,
    index: usize,
    reader: Option<csv::Reader<Guarded>>,
    /// Bytes read since the current record began (shared with the reader's guard).
    since_record: Arc<AtomicU64>,
    /// Bytes of the files before the current one.
    bytes_before: u64,
    /// Where the current file's last record started.
    last_start: Option<u64>,
}

/// How far ahead of the parser the kernel is asked to read a file.
const READ_AHEAD: u64 = 1 << 30;

/// Tells the kernel that `len` bytes of the file from `from` will be read soon (and the
/// file read from start to end): it starts on them while the parser works on earlier
/// blocks, so a file not in the page cache costs less than a wait per block.
fn read_ahead(file: &File, from: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        let (Ok(from), Ok(len)) = (i64::try_from(from), i64::try_from(len)) else {
            return;
        };
        // SAFETY: advice on an open descriptor; failure only means no read-ahead.
        unsafe {
            if from == 0 {
                libc::posix_fadvise(fd, 0, 0, libc::POSIX_FADV_SEQUENTIAL);
            }
            libc::posix_fadvise(fd, from, len, libc::POSIX_FADV_WILLNEED);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, from, len);
}

impl Rows {
    pub fn new(files: &[PathBuf], dialect: Dialect) -> Rows {
        Rows {
            dialect,
            files: files.to_vec(),
            index: 0,
            reader: None,
            since_record: Arc::new(AtomicU64::new(0)),
            bytes_before: 0,
            last_start: None,
        }
    }

    fn open(&mut self) -> Result<()> {
        let path = &self.files[self.index];
        let file = File::open(path)
            .map_err(|e| Error::import(format!("cannot open {}: {}", path.display(), e)))?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.dialect.delimiter)
            .quote(self.dialect.quote)
            .double_quote(true)
            .buffer_capacity(1 << 20)
            .from_reader(Guarded::new(file, self.since_record.clone()));
        self.reader = Some(reader);
        Ok(())
    }

    /// Reads the next record into `record`; false at the end of the last file.
    pub fn next(&mut self, record: &mut csv::ByteRecord) -> Result<bool> {
        loop {
            if self.index >= self.files.len() {
                return Ok(false);
            }
            if self.reader.is_none() {
                self.open()?;
            }
            let reader = self.reader.as_mut().expect("opened above");
            let start = reader.position().byte();
            self.since_record.store(0, Ordering::Relaxed);
            match reader.read_byte_record(record) {
                Ok(true) => {
                    self.last_start = record.position().map(|p| p.byte());
                    return Ok(true);
                }
                Ok(false) => {
                    // The csv reader ends a quoted field at the end of the file without
                    // complaint; a quote left open there swallowed the rest of the file.
                    if let Some(start) = self.last_start.take() {
                        let path = &self.files[self.index];
                        if ends_inside_quotes(path, start, self.dialect)? {
                            let line = LineFinder::new().record_line(path, start);
                            return Err(Error::import(format!(
                                "{}:{line}: a quoted field is still open at the end of the \
                                 file (a closing {} is missing)",
                                path.display(),
                                self.dialect.quote as char
                            )));
                        }
                    }
                    self.bytes_before += reader.position().byte();
                    self.reader = None;
                    self.index += 1;
                }
                Err(e) => {
                    let path = &self.files[self.index];
                    if self.since_record.load(Ordering::Relaxed) > MAX_RECORD_BYTES {
                        let line = LineFinder::new().record_line(path, start);
                        return Err(Error::import(format!(
                            "{}:{line}: a record longer than {} MiB (a quote left open, or \
                             not a CSV file?)",
                            path.display(),
                            MAX_RECORD_BYTES >> 20
                        )));
                    }
                    return Err(Error::import(format!(
                        "{}: cannot read: {}",
                        path.display(),
                        e
                    )));
                }
            }
        }
    }

    /// The index of the file the last record came from.
    pub fn file_index(&self) -> usize {
        self.index.min(self.files.len() - 1)
    }

    /// The file the last record came from.
    pub fn file(&self) -> &Path {
        &self.files[self.index.min(self.files.len() - 1)]
    }

    /// Bytes consumed so far over all files of this source.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_before + self.reader.as_ref().map_or(0, |r| r.position().byte())
    }
}

/// Whether the record starting at byte `start` of `path` runs to the end of the file
/// inside a quoted field.
pub(crate) fn ends_inside_quotes(path: &Path, start: u64, dialect: Dialect) -> Result<bool> {
    use std::io::{Seek, SeekFrom};
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let cannot = |e: std::io::Error| Error::import(format!("cannot read {}: {e}", path.display()));
    let mut f = File::open(path).map_err(cannot)?;
    f.seek(SeekFrom::Start(start)).map_err(cannot)?;
    let mut input = BufReader::with_capacity(1 << 16, f);
    let mut state = State::FieldStart;
    loop {
        let buf = input.fill_buf().map_err(cannot)?;
        if buf.is_empty() {
            return Ok(state == State::Quoted);
        }
        for &b in buf {
            state = match state {
                State::FieldStart if b == dialect.quote => State::Quoted,
                State::Quoted if b == dialect.quote => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::QuoteInQuoted if b == dialect.quote => State::Quoted,
                _ if b == dialect.delimiter => State::FieldStart,
                _ if b == b'\n' || b == b'\r' => State::FieldStart,
                _ => State::Unquoted,
            };
        }
        let n = buf.len();
        input.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn read_ahead_advice_leaves_the_bytes_read_unchanged() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut g = Guarded::with_window(File::open(&path).unwrap(), Arc::default(), 4096);
        let mut out = Vec::new();
        let mut buf = [0u8; 1000];
        loop {
            let n = g.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            // The guard's counter stands for one record growing: keep it small.
            g.since_record.store(0, Ordering::Relaxed);
        }
        assert_eq!(out, data);
        // Advice was given ahead of the reads, window by window.
        assert_eq!(g.pos, 300_000);
        assert!(g.advised >= g.pos + 2048, "{} {}", g.advised, g.pos);
    }

    #[test]
    fn prefixes_and_lists() {
        let s = parse_source("Person:Actor=a.csv").unwrap();
        assert_eq!(s.prefix, ["Person", "Actor"]);
        assert_eq!(s.files, [PathBuf::from("a.csv")]);
        let s = parse_source("h.csv,a.csv,b.csv").unwrap();
        assert!(s.prefix.is_empty());
        assert_eq!(s.files.len(), 3);
        let s = parse_source("KNOWS=h.csv,a.csv").unwrap();
        assert_eq!(s.prefix, ["KNOWS"]);
        assert_eq!(s.files.len(), 2);
        assert!(parse_source("X=a.csv,,b.csv").is_err());
        assert!(parse_source("X=").is_err());
    }

    #[test]
    fn record_lines_skip_blank_lines_and_embedded_newlines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut f = File::create(&path).unwrap();
        f.write_all(b"a,b\n1,2\n\n\n3,\"x\ny\"\r\n4,5\r\n\r\n6,7\n")
            .unwrap();
        drop(f);
        let mut rows = Rows::new(
            std::slice::from_ref(&path),
            Dialect {
                delimiter: b',',
                quote: b'"',
            },
        );
        let mut record = csv::ByteRecord::new();
        let mut finder = LineFinder::new();
        let mut lines = Vec::new();
        while rows.next(&mut record).unwrap() {
            let offset = record.position().map_or(0, |p| p.byte());
            lines.push(finder.record_line(&path, offset));
        }
        assert_eq!(lines, [1, 2, 5, 7, 9]);
    }
}
