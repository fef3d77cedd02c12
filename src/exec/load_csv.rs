//! `LOAD CSV [WITH HEADERS] FROM 'file:///…' AS row`: streams the records of a local CSV
//! file into a slot, one row per record: a map keyed by the header (empty fields are null)
//! or a list of strings. Errors name the file and line; a record longer than
//! [`MAX_RECORD_BYTES`] is refused rather than read into memory.

use super::operators::{BoxOp, Operator};
use super::{expr::eval, Row, Runtime};
use crate::error::{Error, ErrorKind, Phase, Result};
use crate::plan::expr::CExpr;
use crate::val::{MapVal, Val};
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// The longest one record may be.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

pub struct LoadCsvOp<'p> {
    pub input: BoxOp<'p>,
    pub source: &'p CExpr,
    pub slot: usize,
    pub headers: bool,
    pub delimiter: u8,
    pub state: Option<Open>,
}

/// The file being read for the current input row.
pub struct Open {
    row: Row,
    path: String,
    file: PathBuf,
    delimiter: u8,
    /// Where the last record started: byte and line.
    last_start: Option<(u64, u64)>,
    reader: csv::Reader<Guarded>,
    header: Option<Vec<Arc<str>>>,
    record: csv::ByteRecord,
    since_record: Rc<Cell<u64>>,
}

/// Counts the bytes read since the last record ended, and fails past the limit.
struct Guarded {
    inner: BufReader<File>,
    since_record: Rc<Cell<u64>>,
}

impl Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.since_record.get() + n as u64;
        self.since_record.set(total);
        if total > MAX_RECORD_BYTES + (64 << 10) {
            return Err(std::io::Error::other(format!(
                "a record is longer than {} MiB",
                MAX_RECORD_BYTES >> 20
            )));
        }
        Ok(n)
    }
}

fn load_error(message: String) -> Error {
    Error::new(ErrorKind::ImportError, Some("LoadCsvFailed"), message).with_phase(Phase::Runtime)
}

/// The local path a LOAD CSV source names: `file:///abs/path`, `file:rel/path` or a plain
/// path. Other schemes are refused: kg reads local files only.
pub fn local_path(url: &str) -> Result<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        if !rest.starts_with('/') {
            return Err(load_error(format!(
                "LOAD CSV: {url:?} names a host; use file:///absolute/path"
            )));
        }
        return Ok(PathBuf::from(percent_decode(rest)));
    }
    if let Some(rest) = url.strip_prefix("file:") {
        return Ok(PathBuf::from(percent_decode(rest)));
    }
    if let Some((scheme, _)) = url.split_once("://") {
        return Err(load_error(format!(
            "LOAD CSV: kg reads local files only, not {scheme}:// URLs"
        )));
    }
    Ok(PathBuf::from(url))
}

/// `%20` and friends in file URLs.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        // Hex digits are checked as bytes: `%` may be followed by any character.
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl LoadCsvOp<'_> {
    fn open(&self, row: Row, rt: &mut Runtime) -> Result<Open> {
        let url = match eval(self.source, &row, rt)? {
            Val::Str(s) => s,
            other => {
                return Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("LOAD CSV FROM needs a string, got {}", other.type_name()),
                ))
            }
        };
        let path = local_path(&url)?;
        let shown = path.display().to_string();
        let file = File::open(&path)
            .map_err(|e| load_error(format!("LOAD CSV: cannot open {shown}: {e}")))?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(load_error(format!("LOAD CSV: {shown} is a directory")));
        }
        let since_record = Rc::new(Cell::new(0));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(Guarded {
                inner: BufReader::new(file),
                since_record: since_record.clone(),
            });
        let mut open = Open {
            row,
            path: shown,
            file: path,
            delimiter: self.delimiter,
            last_start: None,
            reader,
            header: None,
            record: csv::ByteRecord::new(),
            since_record,
        };
        if self.headers {
            match open.read()? {
                Some(fields) => {
                    let names: Vec<Arc<str>> = fields
                        .into_iter()
                        .map(|f| Arc::from(f.unwrap_or_default().as_str()))
                        .collect();
                    open.header = Some(names);
                }
                None => open.header = Some(Vec::new()),
            }
        }
        Ok(open)
    }
}

impl Open {
    /// The next record's fields (None for an empty field), or None at the end.
    fn read(&mut self) -> Result<Option<Vec<Option<String>>>> {
        self.since_record.set(0);
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| {
                let line = e
                    .position()
                    .map(|p| p.line())
                    .unwrap_or_else(|| self.reader.position().line());
                let what = match e.kind() {
                    csv::ErrorKind::Io(io) => io.to_string(),
                    _ => e.to_string(),
                };
                load_error(format!("LOAD CSV: {}:{line}: {what}", self.path))
            })?;
        if !more {
            // A quote left open in the last record swallowed the rest of the file.
            if let Some((start, line)) = self.last_start.take() {
                let dialect = crate::import::source::Dialect {
                    delimiter: self.delimiter,
                    quote: b'"',
                };
                if crate::import::source::ends_inside_quotes(&self.file, start, dialect)? {
                    return Err(load_error(format!(
                        "LOAD CSV: {}:{line}: a quoted field is still open at the end of the file",
                        self.path
                    )));
                }
            }
            return Ok(None);
        }
        self.last_start = self.record.position().map(|p| (p.byte(), p.line()));
        let line = self.record.position().map(|p| p.line()).unwrap_or(0);
        let mut fields = Vec::with_capacity(self.record.len());
        for (i, f) in self.record.iter().enumerate() {
            // A byte-order mark before the first field of the file.
            let f = if line == 1 && i == 0 {
                f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f)
            } else {
                f
            };
            let text = std::str::from_utf8(f).map_err(|e| {
                load_error(format!(
                    "LOAD CSV: {}:{line}: field {} is not valid UTF-8 (byte {})",
                    self.path,
                    i + 1,
                    e.valid_up_to() + 1
                ))
            })?;
            fields.push((!text.is_empty()).then(|| text.to_string()));
        }
        Ok(Some(fields))
    }
}

impl Operator for LoadCsvOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        loop {
            rt.tick()?;
            if let Some(open) = &mut self.state {
                if let Some(fields) = open.read()? {
                    let line = open.record.position().map(|p| p.line()).unwrap_or(0);
                    let value = match &open.header {
                        Some(names) => {
                            if fields.len() > names.len() {
                                return Err(load_error(format!(
                                    "LOAD CSV: {}:{line}: {} fields, but the header has {}",
                                    open.path,
                                    fields.len(),
                                    names.len()
                                )));
                            }
                            let mut m = MapVal::new();
                            for (i, name) in names.iter().enumerate() {
                                let v = match fields.get(i) {
                                    Some(Some(s)) => Val::str(s),
                                    _ => Val::Null,
                                };
                                m.insert(name.clone(), v);
                            }
                            Val::map(m)
                        }
                        None => Val::list(
                            fields
                                .into_iter()
                                .map(|f| f.map(|s| Val::str(&s)).unwrap_or(Val::Null))
                                .collect(),
                        ),
                    };
                    let mut out = open.row.clone();
                    out[self.slot] = value;
                    return Ok(Some(out));
                }
                self.state = None;
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            self.state = Some(self.open(row, rt)?);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_escapes_decode_and_anything_else_passes_through() {
        assert_eq!(super::percent_decode("/a%20b%2Fc"), "/a b/c");
        assert_eq!(super::percent_decode("/x%é%"), "/x%é%");
        assert_eq!(super::percent_decode("%aé"), "%aé");
        assert_eq!(super::percent_decode("%4"), "%4");
        assert_eq!(super::percent_decode("%zz%41"), "%zzA");
    }
}
