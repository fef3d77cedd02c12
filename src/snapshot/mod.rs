//! Snapshots: saving a graph to a file and loading it back. A snapshot is a fixed 64-byte
//! header (magic, format version, writing kg version, counts, payload length and CRC-32,
//! header CRC-32) followed by a bincode payload; see `docs/snapshot-format.md`.
//!
//! Code map: `format` (the header and the checks on it), `codec` (the payload; the only
//! module that uses bincode), `file` (atomic replacement, writing on a second thread, the
//! writer lock, stale temporary files), `progress` (the stderr progress bar).
//!
//! Invariants:
//! - Loading reads the header, checks magic, header checksum, version and the payload
//!   length against the file's length, then checksums the whole payload, and only then
//!   decodes it, record by record, with a per-record bincode limit and every length
//!   prefix bounded by the bytes left. A corrupt file is an error, never a panic or a
//!   giant allocation.
//! - Saving never writes into the target: it writes a temporary file in the same
//!   directory, fsyncs it, renames it over the target and fsyncs the directory.
//! - Saving and loading stream records; neither holds a second copy of the graph.
//! - A database opened for writing holds an exclusive `flock` on `FILE.lock` until it is
//!   dropped; read-only openers take no lock.

mod codec;
mod file;
mod format;
mod progress;

use crate::database::Database;
use crate::error::{Error, Result};
use crate::store::Graph;
use file::WriterLock;
use format::{Header, HeaderProblem, HEADER_LEN};
use progress::Progress;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub use format::{FORMAT_VERSION, MAGIC};

/// The file a database was opened from, and the lock that keeps other writers out.
#[derive(Debug)]
pub struct DbFile {
    path: PathBuf,
    read_only: bool,
    /// Held while the database may write the file; `None` when read-only.
    lock: Option<WriterLock>,
}

impl DbFile {
    /// The path as it was given when opening or saving.
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }
    /// The lock file held by this database (`FILE.lock`), if it holds the writer lock.
    pub fn lock_path(&self) -> Option<&Path> {
        self.lock.as_ref().map(|l| l.path())
    }
}

/// A snapshot problem before the file name is attached.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(code: &'static str, message: String) -> Problem {
        Problem { code, message }
    }

    /// An operating-system error, with what was being done.
    pub(crate) fn io(context: &str, e: &io::Error) -> Problem {
        let code = match e.kind() {
            io::ErrorKind::PermissionDenied => "Permission",
            io::ErrorKind::NotFound => "NotFound",
            _ => "Io",
        };
        Problem::new(code, format!("{context}: {}", describe_io(e)))
    }

    fn into_error(self, path: &Path) -> Error {
        Error::snapshot(self.code, format!("{}: {}", path.display(), self.message))
    }
}

/// An I/O error as a lowercase phrase without the `(os error N)` suffix.
fn describe_io(e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Writes `graph` to `path` atomically (temporary file, fsync, rename, directory fsync).
/// Takes no lock; `Database::save` and `save_as` do.
pub fn save_graph(graph: &Graph, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    save(graph, path).map_err(|p| p.into_error(path))
}

fn save(graph: &Graph, path: &Path) -> Result<(), Problem> {
    let target = file::save_target(path);
    file::replace_atomically(&target, |out| {
        out.write_all(&[0u8; HEADER_LEN])
            .map_err(|e| Problem::io("cannot write", &e))?;
        let total = (graph.node_count() + graph.rel_count()) as u64;
        let mut progress = Progress::new(format!("saving {}", path.display()), total);
        let written = file::write_in_background(out, HEADER_LEN as u64, |w| {
            codec::write_payload(graph, w, &mut progress)
        })?;
        let header = Header::new(
            written.node_count,
            written.rel_count,
            written.payload_len,
            written.payload_crc,
        );
        out.write_all_at(&header.to_bytes(), 0)
            .map_err(|e| Problem::io("cannot write", &e))?;
        progress.finish();
        Ok(())
    })
}

/// Reads the snapshot at `path`, refusing it with a one-line `SnapshotError` (naming the
/// file and the problem) when it is missing, unreadable, truncated, corrupt, from a newer
/// format version, or not a kg snapshot at all.
pub fn load_graph(path: impl AsRef<Path>) -> Result<Graph> {
    let path = path.as_ref();
    load(path).map_err(|p| p.into_error(path))
}

fn open_problem(e: &io::Error) -> Problem {
    match e.kind() {
        io::ErrorKind::NotFound => Problem::new("NotFound", "no such file".to_string()),
        io::ErrorKind::PermissionDenied => Problem::new(
            "Permission",
            "permission denied — cannot read the file".to_string(),
        ),
        _ if e.raw_os_error() == Some(libc::EISDIR) => is_a_directory(),
        _ => Problem::io("cannot open", e),
    }
}

fn is_a_directory() -> Problem {
    Problem::new(
        "NotAFile",
        "is a directory, not a snapshot file".to_string(),
    )
}

/// Opens `path` and checks everything short of the payload checksum: a regular file,
/// readable, not empty, the magic, the header checksum, the version and the payload
/// length. Returns the file positioned after the header, and the header.
fn open_checked(path: &Path) -> Result<(File, Header), Problem> {
    let meta = fs::metadata(path).map_err(|e| open_problem(&e))?;
    if meta.is_dir() {
        return Err(is_a_directory());
    }
    if !meta.is_file() {
        return Err(Problem::new(
            "NotAFile",
            "is not a regular file, so not a snapshot".to_string(),
        ));
    }
    let mut input = File::open(path).map_err(|e| open_problem(&e))?;
    let len = input
        .metadata()
        .map_err(|e| Problem::io("cannot read", &e))?
        .len();
    if len == 0 {
        return Err(Problem::new(
            "Empty",
            "the file is empty — not a kg snapshot".to_string(),
        ));
    }
    let mut head = vec![0u8; (len as usize).min(HEADER_LEN)];
    input
        .read_exact(&mut head)
        .map_err(|e| Problem::io("cannot read", &e))?;
    let header = Header::parse(&head).map_err(|p| header_problem(p, len))?;
    let follows = len - HEADER_LEN as u64;
    if header.payload_len > follows {
        return Err(Problem::new(
            "Truncated",
            format!(
                "the file is truncated: the header promises {} payload bytes but only {follows} follow",
                header.payload_len
            ),
        ));
    }
    if header.payload_len < follows {
        return Err(Problem::new(
            "TrailingData",
            format!(
                "{} unexpected bytes follow the payload — the file is corrupt",
                follows - header.payload_len
            ),
        ));
    }
    Ok((input, header))
}

fn load(path: &Path) -> Result<Graph, Problem> {
    let (mut input, header) = open_checked(path)?;

    let mut progress = Progress::new(
        format!("loading {}", path.display()),
        header.payload_len.saturating_mul(2),
    );
    let found = payload_crc(&mut input, header.payload_len, &mut progress)?;
    if found != header.payload_crc {
        return Err(Problem::new(
            "ChecksumMismatch",
            format!(
                "checksum mismatch — the file is corrupt (expected 0x{:08x}, found 0x{found:08x})",
                header.payload_crc
            ),
        ));
    }
    input
        .seek(SeekFrom::Start(HEADER_LEN as u64))
        .map_err(|e| Problem::io("cannot read", &e))?;
    let limits = codec::ReadLimits {
        node_count: header.node_count,
        rel_count: header.rel_count,
        max_slot_bytes: file::physical_memory(),
    };
    let graph = codec::read_payload(&mut input, header.payload_len, &limits, &mut progress)?;
    progress.finish();
    Ok(graph)
}

fn header_problem(problem: HeaderProblem, len: u64) -> Problem {
    match problem {
        HeaderProblem::Truncated { found } => Problem::new(
            "Truncated",
            format!("the file is truncated: {found} bytes, shorter than the {HEADER_LEN}-byte header"),
        ),
        HeaderProblem::BadMagic => Problem::new(
            "BadMagic",
            format!("not a kg snapshot (the {len}-byte file does not start with the kg snapshot signature)"),
        ),
        HeaderProblem::Checksum { expected, found } => Problem::new(
            "ChecksumMismatch",
            format!(
                "header checksum mismatch — the file is corrupt (expected 0x{expected:08x}, found 0x{found:08x})"
            ),
        ),
        HeaderProblem::Version { found, kg_version } if found > FORMAT_VERSION => Problem::new(
            "VersionMismatch",
            format!(
                "written by a newer kg ({kg_version}, snapshot format version {found}); this kg {} reads format version {FORMAT_VERSION} — upgrade kg to open it",
                env!("CARGO_PKG_VERSION")
            ),
        ),
        HeaderProblem::Version { found, kg_version } => Problem::new(
            "VersionMismatch",
            format!("unsupported snapshot format version {found} (written by kg {kg_version})"),
        ),
        HeaderProblem::Flags(flags) => Problem::new(
            "VersionMismatch",
            format!("uses features this kg does not know (header flags 0x{flags:08x})"),
        ),
    }
}

/// CRC-32 of the next `len` bytes of `input`, read in 1 MiB chunks.
fn payload_crc(input: &mut File, len: u64, progress: &mut Progress) -> Result<u32, Problem> {
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let want = (buf.len() as u64).min(left) as usize;
        let n = input
            .read(&mut buf[..want])
            .map_err(|e| Problem::io("cannot read", &e))?;
        if n == 0 {
            return Err(Problem::new(
                "Truncated",
                "the file became shorter while it was read".to_string(),
            ));
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
        progress.set(len - left);
    }
    Ok(hasher.finalize())
}

/// True when `a` and `b` name the same file (after following a symlink and resolving the
/// directory).
fn same_file(a: &Path, b: &Path) -> bool {
    fn resolved(p: &Path) -> Option<PathBuf> {
        let target = file::save_target(p);
        let dir = fs::canonicalize(file::parent_dir(&target)).ok()?;
        Some(dir.join(target.file_name()?))
    }
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl Database {
    /// Opens the snapshot at `path`. A missing file gives an empty graph and
    /// `created == true` (nothing is written until the database is saved). Unless
    /// `read_only`, takes the writer lock (`FILE.lock`) first, so a second writer is
    /// refused with a `SnapshotError` coded `Locked`; read-only opening takes no lock and
    /// needs the file to exist.
    pub fn open(path: impl AsRef<Path>, read_only: bool) -> Result<(Database, bool)> {
        let path = path.as_ref();
        // Refuse a directory or a file that is plainly not a snapshot before creating a
        // lock file next to it; the full load below checks everything again.
        match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            _ => {
                open_checked(path).map_err(|p| p.into_error(path))?;
            }
        }
        let lock = if read_only {
            None
        } else {
            Some(WriterLock::acquire(&file::save_target(path)).map_err(|p| p.into_error(path))?)
        };
        let (graph, created) = match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && !read_only => (Graph::new(), true),
            _ => (load_graph(path)?, false),
        };
        let mut db = Database::from_graph(graph);
        db.file = Some(DbFile {
            path: path.to_path_buf(),
            read_only,
            lock,
        });
        Ok((db, created))
    }

    /// Saves the graph to the file it was opened from (or last saved to), atomically, and
    /// marks it saved. Fails when there is no such file, when it was opened read-only,
    /// or inside an open transaction.
    pub fn save(&mut self) -> Result<()> {
        let Some(db_file) = &self.file else {
            return Err(Error::snapshot(
                "NoPath",
                "the database has no file to save to; save it under a name first",
            ));
        };
        let path = db_file.path.clone();
        if db_file.read_only {
            return Err(Error::snapshot(
                "ReadOnly",
                format!(
                    "{}: opened read-only; save it under another name instead",
                    path.display()
                ),
            ));
        }
        self.check_no_transaction(&path)?;
        file::remove_stale_temps(&file::save_target(&path));
        save_graph(self.graph(), &path)?;
        self.mark_saved();
        Ok(())
    }

    /// Saves the graph to `path`, atomically, and makes `path` this database's file: the
    /// writer lock of `path` is taken first (and the old file's lock released after).
    pub fn save_as(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        if let Some(db_file) = &self.file {
            if !db_file.read_only && same_file(&db_file.path, path) {
                return self.save();
            }
        }
        self.check_no_transaction(path)?;
        let target = file::save_target(path);
        let lock = WriterLock::acquire(&target).map_err(|p| p.into_error(path))?;
        file::remove_stale_temps(&target);
        save_graph(self.graph(), path)?;
        self.file = Some(DbFile {
            path: path.to_path_buf(),
            read_only: false,
            lock: Some(lock),
        });
        self.mark_saved();
        Ok(())
    }

    /// The file this database was opened from or last saved to.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path.as_path())
    }

    /// True when the database was opened read-only (it cannot `save()`).
    pub fn is_read_only(&self) -> bool {
        self.file.as_ref().is_some_and(|f| f.read_only)
    }

    /// The database's file and lock, if it has one.
    pub fn db_file(&self) -> Option<&DbFile> {
        self.file.as_ref()
    }

    fn check_no_transaction(&self, path: &Path) -> Result<()> {
        if self.in_transaction() {
            return Err(Error::snapshot(
                "TransactionOpen",
                format!(
                    "{}: cannot save inside an open transaction; COMMIT or ROLLBACK first",
                    path.display()
                ),
            ));
        }
        Ok(())
    }
}
