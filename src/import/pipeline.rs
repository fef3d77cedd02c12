//! The reader thread: it reads the records of a source, parses each into what the store
//! needs (values, looked-up endpoints) or a row error, and hands them over in batches
//! through a bounded channel, so that parsing runs on one core while the main thread
//! inserts into the graph on the other. Names that the main thread must intern (a row's
//! labels, a relationship type) are numbered by the reader and sent once, with the first
//! batch that uses them.

use super::source::{self, Dialect};
use crate::error::Error;
use csv::ByteRecord;
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
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
    pub rows: Rows<T>,
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

/// Parsed rows with their origins.
pub type Rows<T> = Vec<(Origin, Result<T, RowError>)>;

/// The receiving end: batches in order, and a way to hand emptied row vectors back.
pub struct Batches<T> {
    receiver: Receiver<Message<T>>,
    spare: Sender<Rows<T>>,
}

impl<T> Batches<T> {
    /// Gives an emptied row vector back to the reader for reuse.
    pub fn recycle(&self, mut rows: Rows<T>) {
        rows.clear();
        let _ = self.spare.send(rows);
    }
}

impl<T> Iterator for Batches<T> {
    type Item = Message<T>;
    fn next(&mut self) -> Option<Message<T>> {
        self.receiver.recv().ok()
    }
}

/// Starts the reader thread over `files` (whose first record, the header, is skipped),
/// parsing every record with `parse`. The thread stops at the end of the files, after
/// an I/O error (sent as `Message::Failed`), or when the receiver is dropped.
pub fn spawn<'scope, 'env, T, P>(
    scope: &'scope Scope<'scope, 'env>,
    files: &[PathBuf],
    dialect: Dialect,
    mut parse: P,
) -> Result<Batches<T>, Error>
where
    T: Send + 'scope,
    P: FnMut(&ByteRecord, &mut Names) -> Result<T, RowError> + Send + 'scope,
{
    let (sender, receiver) = sync_channel(BATCHES_AHEAD);
    let (spare, spares) = channel::<Rows<T>>();
    let mut rows = source::Rows::new(files, dialect);
    let spawned = std::thread::Builder::new()
        .name("kg-import-reader".to_string())
        .spawn_scoped(scope, move || {
            let mut reader = Reader {
                sender,
                spares,
                names: Names::default(),
                batch: Vec::with_capacity(BATCH_ROWS),
            };
            let mut record = ByteRecord::new();
            // The header was read by the main thread.
            match rows.next(&mut record) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    let _ = reader.sender.send(Message::Failed(e));
                    return;
                }
            }
            loop {
                match rows.next(&mut record) {
                    Ok(true) => {
                        let origin = Origin {
                            file: rows.file_index(),
                            offset: record.position().map_or(0, |p| p.byte()),
                        };
                        let parsed = parse(&record, &mut reader.names);
                        if !reader.push((origin, parsed), rows.bytes_read()) {
                            return;
                        }
                    }
                    Ok(false) => {
                        reader.send(rows.bytes_read());
                        return;
                    }
                    Err(e) => {
                        if reader.send(rows.bytes_read()) {
                            let _ = reader.sender.send(Message::Failed(e));
                        }
                        return;
                    }
                }
            }
        });
    spawned.map_err(|e| Error::io(format!("cannot start the reader thread: {e}")))?;
    Ok(Batches { receiver, spare })
}

/// The reader thread's state.
struct Reader<T> {
    sender: SyncSender<Message<T>>,
    spares: Receiver<Rows<T>>,
    names: Names,
    batch: Rows<T>,
}

impl<T> Reader<T> {
    /// Adds a parsed row; false when the receiver is gone.
    fn push(&mut self, row: (Origin, Result<T, RowError>), bytes: u64) -> bool {
        self.batch.push(row);
        self.batch.len() < BATCH_ROWS || self.send(bytes)
    }

    /// Sends the batch so far; false when the receiver is gone.
    fn send(&mut self, bytes: u64) -> bool {
        let fresh = self
            .spares
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH_ROWS));
        let rows = std::mem::replace(&mut self.batch, fresh);
        self.sender
            .send(Message::Batch(Batch {
                rows,
                new_names: std::mem::take(&mut self.names.fresh),
                bytes,
            }))
            .is_ok()
    }
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
