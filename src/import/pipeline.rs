//! The reader thread: it reads the records of a source, parses each into what the store
//! needs (values, looked-up endpoints) or a row error, and hands them over in batches
//! through a bounded channel, so that parsing runs on one core while the main thread
//! inserts into the graph on the other. Names that the main thread must intern (a row's
//! labels, a relationship type) are numbered by the reader and sent once, with the first
//! batch that uses them.

use super::source::{Dialect, Rows};
use crate::error::Error;
use csv::ByteRecord;
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::Scope;

/// Rows per batch.
const BATCH_ROWS: usize = 2048;

/// Batches parsed ahead of the main thread.
const BATCHES_AHEAD: usize = 4;

/// Distinct names numbered before the reader sends the rest inline.
const MAX_NAMES: usize = 1 << 16;

/// What is wrong with a row: the column (as named in messages) and the problem.
#[derive(Debug)]
pub struct RowError {
    pub column: Option<String>,
    pub message: String,
}

/// Where a record starts: the file (its index in the source) and its byte offset.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub file: usize,
    pub offset: u64,
}

/// A name as the reader saw it: none (use the default), numbered, or spelled out.
#[derive(Debug)]
pub enum NameRef {
    Default,
    Known(u32),
    Inline(Box<str>),
}

/// The names met by the reader, numbered in order of first appearance.
#[derive(Default)]
pub struct Names {
    numbers: FxHashMap<Box<[u8]>, u32>,
    last: Option<(Vec<u8>, u32)>,
    fresh: Vec<String>,
}

impl Names {
    /// The reference for `text`, numbering it when it is new.
    pub fn name(&mut self, text: &str) -> NameRef {
        if let Some((bytes, number)) = &self.last {
            if bytes.as_slice() == text.as_bytes() {
                return NameRef::Known(*number);
            }
        }
        let number = match self.numbers.get(text.as_bytes()) {
            Some(&n) => n,
            None if self.numbers.len() >= MAX_NAMES => return NameRef::Inline(text.into()),
            None => {
                let n = self.numbers.len() as u32;
                self.numbers.insert(text.as_bytes().into(), n);
                self.fresh.push(text.to_string());
                n
            }
        };
        let last = self.last.get_or_insert_with(|| (Vec::new(), 0));
        last.0.clear();
        last.0.extend_from_slice(text.as_bytes());
        last.1 = number;
        NameRef::Known(number)
    }
}

/// Parsed rows, with the names first used in them.
pub struct Batch<T> {
    pub rows: Vec<(Origin, Result<T, RowError>)>,
    /// Names numbered `previous count..`, in order.
    pub new_names: Vec<String>,
    /// Bytes of the source read so far.
    pub bytes: u64,
}

/// What the reader sends.
pub enum Message<T> {
    Batch(Batch<T>),
    Failed(Error),
}

/// Starts the reader thread over `files` (whose first record, the header, is skipped),
/// parsing every record with `parse`. The thread stops at the end of the files, after
/// an I/O error (sent as `Message::Failed`), or when the receiver is dropped.
pub fn spawn<'scope, 'env, T, P>(
    scope: &'scope Scope<'scope, 'env>,
    files: &[PathBuf],
    dialect: Dialect,
    mut parse: P,
) -> Receiver<Message<T>>
where
    T: Send + 'scope,
    P: FnMut(&ByteRecord, &mut Names) -> Result<T, RowError> + Send + 'scope,
{
    let (sender, receiver) = sync_channel(BATCHES_AHEAD);
    let mut rows = Rows::new(files, dialect);
    scope.spawn(move || {
        let mut record = ByteRecord::new();
        let mut names = Names::default();
        // The header was read by the main thread.
        match rows.next(&mut record) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                let _ = sender.send(Message::Failed(e));
                return;
            }
        }
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        loop {
            match rows.next(&mut record) {
                Ok(true) => {
                    let origin = Origin {
                        file: rows.file_index(),
                        offset: record.position().map_or(0, |p| p.byte()),
                    };
                    batch.push((origin, parse(&record, &mut names)));
                    if batch.len() == BATCH_ROWS
                        && !send(&sender, &mut batch, &mut names, rows.bytes_read())
                    {
                        return;
                    }
                }
                Ok(false) => {
                    send(&sender, &mut batch, &mut names, rows.bytes_read());
                    return;
                }
                Err(e) => {
                    if send(&sender, &mut batch, &mut names, rows.bytes_read()) {
                        let _ = sender.send(Message::Failed(e));
                    }
                    return;
                }
            }
        }
    });
    receiver
}

/// Sends the batch so far; false when the receiver is gone.
fn send<T>(
    sender: &SyncSender<Message<T>>,
    batch: &mut Vec<(Origin, Result<T, RowError>)>,
    names: &mut Names,
    bytes: u64,
) -> bool {
    let rows = std::mem::replace(batch, Vec::with_capacity(BATCH_ROWS));
    sender
        .send(Message::Batch(Batch {
            rows,
            new_names: std::mem::take(&mut names.fresh),
            bytes,
        }))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_numbered_once() {
        let mut names = Names::default();
        assert!(matches!(names.name("A"), NameRef::Known(0)));
        assert!(matches!(names.name("A"), NameRef::Known(0)));
        assert!(matches!(names.name("B"), NameRef::Known(1)));
        assert!(matches!(names.name("A"), NameRef::Known(0)));
        assert_eq!(names.fresh, ["A", "B"]);
    }
}
