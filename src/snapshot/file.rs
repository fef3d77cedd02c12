//! The operating-system side of snapshots: atomic replacement of a file (temporary file
//! in the same directory, fsync, rename, fsync of the directory), writing on a second
//! thread, the advisory writer lock (`flock` on `FILE.lock`), and cleanup of temporary
//! files left by crashed writers.

use super::Problem;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The directory holding `path` (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The file a save replaces: `path` itself, or what it points to when it is a symlink (so
/// that saving through a link updates the linked file rather than replacing the link).
pub fn save_target(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or(path.into()),
        _ => path.to_path_buf(),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// `FILE.tmp.PID.N`: unique per process and per save.
fn temp_path(target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    with_suffix(target, &format!(".tmp.{}.{n}", std::process::id()))
}

/// A temporary file that is removed unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Replaces `target` atomically with what `write` writes: into a temporary file in the
/// same directory, fsync'd, renamed over `target`, then the directory fsync'd. On any
/// error the temporary file is removed and `target` is untouched.
pub fn replace_atomically<T>(
    target: &Path,
    write: impl FnOnce(&mut File) -> Result<T, Problem>,
) -> Result<T, Problem> {
    let dir = parent_dir(target);
    if let Ok(meta) = fs::metadata(target) {
        if meta.is_dir() {
            return Err(Problem::new("NotAFile", "is a directory".to_string()));
        }
    }
    let mode = fs::metadata(target)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o644);
    let temp = TempFile {
        path: temp_path(target),
        armed: true,
    };
    let mut file = OpenOptions::new()
        .write(true)
        .read(true)
        .create_new(true)
        .mode(mode)
        .open(&temp.path)
        .map_err(|e| {
            Problem::io(
                &format!("cannot create the temporary file {}", temp.path.display()),
                &e,
            )
        })?;
    let result = write(&mut file)?;
    file.sync_all()
        .map_err(|e| Problem::io("cannot flush to disk", &e))?;
    drop(file);
    let mut temp = temp;
    fs::rename(&temp.path, target).map_err(|e| {
        Problem::io(
            &format!("cannot move {} into place", temp.path.display()),
            &e,
        )
    })?;
    temp.armed = false;
    // The rename is durable only once the directory entry is on disk.
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Problem::io("cannot flush the directory to disk", &e))?;
    Ok(result)
}

/// Bytes a background writer hands over at a time.
const BACKGROUND_CHUNK: usize = 1 << 20;

/// Buffers handed over and not yet written, at most.
const BACKGROUND_QUEUE: usize = 4;

/// Bytes written between requests to start writing them to disk.
const WRITEBACK_STEP: u64 = 32 << 20;

/// The writing end given to `body` by [`write_in_background`]: bytes are copied into a
/// buffer and full buffers go to the writer thread.
pub struct BackgroundWriter {
    to_writer: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    spare: std::sync::mpsc::Receiver<Vec<u8>>,
    buf: Vec<u8>,
}

impl BackgroundWriter {
    fn hand_over(&mut self) -> io::Result<()> {
        let next = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BACKGROUND_CHUNK));
        let full = std::mem::replace(&mut self.buf, next);
        let sent = self.to_writer.as_ref().map(|tx| tx.send(full));
        match sent {
            Some(Ok(())) => Ok(()),
            // The writer stopped on an error, which `write_in_background` reports.
            _ => Err(io::Error::other("the writer thread stopped")),
        }
    }
}

impl Write for BackgroundWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = BACKGROUND_CHUNK - self.buf.len();
        let n = bytes.len().min(room);
        self.buf.extend_from_slice(&bytes[..n]);
        if self.buf.len() == BACKGROUND_CHUNK {
            self.hand_over()?;
        }
        Ok(n)
    }

    /// Hands over what is buffered; it is on disk's way once `write_in_background` returns.
    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.hand_over()
    }
}

/// Runs `body` with a writer whose bytes a second thread writes to `file` at its current
/// position (`offset` bytes into it), so that producing the bytes overlaps copying them
/// into the page cache; the thread also asks the kernel to start writing each 32 MiB to
/// disk as it goes, so that the fsync after it has little left to wait for. Returns once
/// every byte is written. An error writing the file wins over `body`'s result (whose
/// writes then fail).
pub fn write_in_background<T>(
    file: &File,
    offset: u64,
    body: impl FnOnce(&mut BackgroundWriter) -> Result<T, Problem>,
) -> Result<T, Problem> {
    let (to_writer, from_body) = std::sync::mpsc::sync_channel::<Vec<u8>>(BACKGROUND_QUEUE);
    let (give_back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("kg-save-writer".into())
            .spawn_scoped(scope, move || -> io::Result<()> {
                let mut out = file;
                let (mut at, mut started) = (offset, offset);
                for mut buf in from_body {
                    out.write_all(&buf)?;
                    at += buf.len() as u64;
                    if at - started >= WRITEBACK_STEP {
                        start_writeback(file, started, at - started);
                        started = at;
                    }
                    buf.clear();
                    let _ = give_back.send(buf);
                }
                Ok(())
            })
            .map_err(|e| Problem::io("cannot start the writer thread", &e))?;
        let mut w = BackgroundWriter {
            to_writer: Some(to_writer),
            spare,
            buf: Vec::with_capacity(BACKGROUND_CHUNK),
        };
        let result = body(&mut w).and_then(|t| {
            w.flush()
                .map(|_| t)
                .map_err(|e| Problem::io("cannot write", &e))
        });
        // Ends the writer's loop once it has written what was handed over.
        w.to_writer = None;
        match writer.join() {
            Ok(Ok(())) => result,
            Ok(Err(e)) => Err(Problem::io("cannot write", &e)),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Asks the kernel to start writing a range of `file` to disk, without waiting for it.
fn start_writeback(file: &File, from: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        let (Ok(from), Ok(len)) = (i64::try_from(from), i64::try_from(len)) else {
            return;
        };
        // SAFETY: a request about an open descriptor; failure only means the fsync
        // that follows does all the waiting.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), from, len, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, from, len);
}

/// Removes `FILE.tmp.PID.N` files whose writer process no longer exists. Only called by
/// the holder of the writer lock, so no live writer of this file can own such a file
/// (except this process, whose own files are skipped).
pub fn remove_stale_temps(target: &Path) {
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!("{name}.tmp.");
    let Ok(entries) = fs::read_dir(parent_dir(target)) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let mut parts = rest.split('.');
        let (Some(pid), Some(n), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(pid), Ok(_)) = (pid.parse::<u32>(), n.parse::<u64>()) else {
            continue;
        };
        if pid != own && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// The writer lock of a snapshot file: an exclusive `flock` on `FILE.lock`, held for as
/// long as this value lives (the kernel releases it when the descriptor closes, also when
/// the process dies).
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
    path: PathBuf,
}

impl WriterLock {
    /// Takes the writer lock of `target`, or says who holds it.
    pub fn acquire(target: &Path) -> Result<WriterLock, Problem> {
        let path = with_suffix(target, ".lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(&path)
            .map_err(|e| {
                Problem::io(
                    &format!("cannot create the lock file {}", path.display()),
                    &e,
                )
            })?;
        // SAFETY: flock on a descriptor we own; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim().parse::<u32>() {
                    Ok(pid) => format!("another kg process (pid {pid})"),
                    Err(_) => "another kg process".to_string(),
                };
                return Err(Problem::new(
                    "Locked",
                    format!(
                        "{holder} has it open for writing; open it read-only, or close the other one"
                    ),
                ));
            }
            return Err(Problem::io(
                &format!("cannot lock {}", path.display()),
                &err,
            ));
        }
        // Record who holds it, for the message a second writer gets.
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| writeln!(file, "{}", std::process::id()));
        Ok(WriterLock { _file: file, path })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Physical memory of this machine in bytes (a bound for what a snapshot may ask for).
pub fn physical_memory() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let (pages, page_size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages <= 0 || page_size <= 0 {
        return u64::MAX;
    }
    (pages as u64).saturating_mul(page_size as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_background_writer_writes_every_byte_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let file = File::create(&path).unwrap();
        (&file).write_all(b"head").unwrap();
        // Pieces of awkward sizes, across many hand-overs and a queue that fills up.
        let data: Vec<u8> = (0..(9 << 20) + 12_345u32)
            .map(|i| (i * 7 % 253) as u8)
            .collect();
        let n = write_in_background(&file, 4, |w| {
            for piece in data.chunks(100_003) {
                w.write_all(piece)
                    .map_err(|e| Problem::io("cannot write", &e))?;
            }
            Ok(data.len())
        })
        .unwrap();
        assert_eq!(n, data.len());
        let back = fs::read(&path).unwrap();
        assert_eq!(&back[..4], b"head");
        assert!(back[4..] == data[..], "the bytes differ");
    }

    #[test]
    fn a_write_error_in_the_writer_thread_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        fs::write(&path, b"").unwrap();
        // Opened for reading only: every write fails (EBADF).
        let file = File::open(&path).unwrap();
        let e = write_in_background(&file, 0, |w| {
            for _ in 0..64 {
                w.write_all(&[1u8; 100_000])
                    .map_err(|e| Problem::io("cannot write", &e))?;
            }
            Ok(())
        })
        .unwrap_err();
        assert_eq!(e.code, "Io");
        assert!(e.message.starts_with("cannot write: "), "{}", e.message);
        assert!(!e.message.contains("writer thread"), "{}", e.message);
        // The body's own error stands when the file is fine.
        let file = File::create(&path).unwrap();
        let e = write_in_background(&file, 0, |w| -> Result<(), Problem> {
            w.write_all(b"x").unwrap();
            Err(Problem::new("Encode", "refused".into()))
        })
        .unwrap_err();
        assert_eq!(e.code, "Encode");
    }

    #[test]
    fn temp_and_lock_names_sit_next_to_the_file() {
        let t = temp_path(Path::new("dir/data.kg"));
        let name = t.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.starts_with("data.kg.tmp."), "{name}");
        assert_eq!(t.parent(), Some(Path::new("dir")));
        assert_eq!(parent_dir(Path::new("data.kg")), PathBuf::from("."));
    }
}
