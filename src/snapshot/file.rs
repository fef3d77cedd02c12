//! The operating-system side of snapshots: atomic replacement of a file (temporary file
//! in the same directory, fsync, rename, fsync of the directory), the advisory writer
//! lock (`flock` on `FILE.lock`), and cleanup of temporary files left by crashed writers.

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
    fn temp_and_lock_names_sit_next_to_the_file() {
        let t = temp_path(Path::new("dir/data.kg"));
        let name = t.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.starts_with("data.kg.tmp."), "{name}");
        assert_eq!(t.parent(), Some(Path::new("dir")));
        assert_eq!(parent_dir(Path::new("data.kg")), PathBuf::from("."));
    }
}
