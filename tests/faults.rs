//! Faults (Linux): a full disk while saving (RLIMIT_FSIZE on a child `kg`, with SIGXFSZ
//! ignored so that write() fails with EFBIG the way it fails with ENOSPC), a read-only
//! directory (as `nobody` when the tests run as root, since root ignores permissions), a
//! file where a directory should be, and `kill -9` during `kg import` and during a CLI save.
//! Every case must leave the old snapshot byte for byte, or a complete new one, and report
//! the failure on one line.
//!
//! tests/snapshot.rs already kills a library writer (`save_graph` in a child test process)
//! mid-save; the kills here go through the `kg` binary's import and `--db` paths.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const KG: &str = env!("CARGO_BIN_EXE_kg");

/// How to constrain the child.
#[derive(Clone, Copy)]
enum Limit {
    None,
    /// RLIMIT_FSIZE in bytes, SIGXFSZ ignored.
    FileSize(u64),
    /// Run as `nobody` (only when we are root).
    Nobody,
}

fn command(dir: &Path, args: &[&str], limit: Limit) -> Command {
    let mut cmd = Command::new(KG);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match limit {
        Limit::None => {}
        Limit::FileSize(bytes) => {
            // SAFETY: only async-signal-safe system calls between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    let lim = libc::rlimit {
                        rlim_cur: bytes,
                        rlim_max: bytes,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        Limit::Nobody => {
            // SAFETY: only async-signal-safe system calls between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    if libc::setgroups(0, std::ptr::null()) != 0
                        || libc::setgid(65534) != 0
                        || libc::setuid(65534) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
    }
    cmd
}

/// Runs `kg args…` in `dir` under `limit`; kills it (failing the test) after a minute.
fn kg(dir: &Path, args: &[&str], limit: Limit) -> (i32, String, String) {
    let child = command(dir, args, limit).spawn().expect("run kg");
    let out = wait(child, Duration::from_secs(60), args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn wait(child: Child, limit: Duration, what: &[&str]) -> Output {
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait for kg"),
        Err(_) => {
            // SAFETY: the child has not been reaped (its waiter is still blocked).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("kg {what:?} hung");
        }
    }
}

/// A temporary directory that `nobody` can enter and read.
fn open_dir() -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Names of temporary snapshot files (`FILE.tmp.PID.N`) in `dir`.
fn temps(dir: &Path) -> Vec<String> {
    listing(dir)
        .into_iter()
        .filter(|n| n.contains(".tmp."))
        .collect()
}

fn count_nodes(dir: &Path, db: &str) -> String {
    let (code, out, err) = kg(
        dir,
        &[
            "--db",
            db,
            "--read-only",
            "--format",
            "csv",
            "-e",
            "MATCH (n) RETURN count(n) AS n",
        ],
        Limit::None,
    );
    assert_eq!(code, 0, "{db}: {err}");
    out.lines().nth(1).unwrap_or("").to_string()
}

/// A statement that makes a snapshot of about 2 MB.
const GROW: &str =
    "UNWIND range(1, 20000) AS i CREATE (:B {i: i, s: 'some text to fill the file up'})";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

// ------------------------------------------------------------------ full disk

#[test]
fn a_full_disk_during_save_keeps_the_old_snapshot() {
    let dir = open_dir();
    let d = dir.path();
    let (code, _, err) = kg(
        d,
        &["--db", "g.kg", "-e", "CREATE (:A {v: 1})"],
        Limit::None,
    );
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(d.join("g.kg")).unwrap();

    let (code, out, err) = kg(d, &["--db", "g.kg", "-e", GROW], Limit::FileSize(100_000));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("Created 20000 nodes"),
        "the statement ran: {out}"
    );
    assert_eq!(err.trim_end(), "kg: g.kg: cannot write: file too large");
    assert_eq!(std::fs::read(d.join("g.kg")).unwrap(), before);
    assert!(temps(d).is_empty(), "{:?}", listing(d));
    assert_eq!(count_nodes(d, "g.kg"), "1");

    // With room again, the same statement saves.
    let (code, _, err) = kg(d, &["--db", "g.kg", "-e", GROW], Limit::None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(count_nodes(d, "g.kg"), "20001");
}

#[test]
fn a_full_disk_during_import_writes_no_output_and_keeps_an_old_one() {
    let dir = open_dir();
    let d = dir.path();
    let rows: String = (0..20_000)
        .map(|i| format!("{i},some text to fill the file up\n"))
        .collect();
    std::fs::write(d.join("n.csv"), format!("id:ID,s\n{rows}")).unwrap();
    std::fs::write(d.join("small.csv"), "id:ID\n1\n").unwrap();

    let args = ["import", "--nodes", "n.csv", "--output", "new.kg"];
    let (code, _, err) = kg(d, &args, Limit::FileSize(100_000));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.trim_end(), "kg: new.kg: cannot write: file too large");
    assert!(!d.join("new.kg").exists());
    assert!(temps(d).is_empty(), "{:?}", listing(d));

    let (code, _, err) = kg(
        d,
        &["import", "--nodes", "small.csv", "--output", "old.kg"],
        Limit::None,
    );
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(d.join("old.kg")).unwrap();
    let args = [
        "import", "--nodes", "n.csv", "--output", "old.kg", "--force",
    ];
    let (code, _, err) = kg(d, &args, Limit::FileSize(100_000));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.trim_end(), "kg: old.kg: cannot write: file too large");
    assert_eq!(std::fs::read(d.join("old.kg")).unwrap(), before);
    assert!(temps(d).is_empty(), "{:?}", listing(d));
}

// ------------------------------------------------------------------ read-only places

#[test]
fn a_read_only_directory_refuses_the_save_and_keeps_the_snapshot() {
    let dir = open_dir();
    let d = dir.path();
    let (code, _, err) = kg(d, &["--db", "g.kg", "-e", "CREATE (:A)"], Limit::None);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(d.join("g.kg")).unwrap();
    std::fs::write(d.join("n.csv"), "id:ID\n1\n").unwrap();
    // Root ignores permissions: run the child as nobody, owning the lock file (as it
    // would after opening the snapshot once) but not the directory.
    let limit = if is_root() {
        let lock = std::ffi::CString::new(d.join("g.kg.lock").to_str().unwrap()).unwrap();
        // SAFETY: a plain system call on a path we created.
        assert_eq!(unsafe { libc::chown(lock.as_ptr(), 65534, 65534) }, 0);
        Limit::Nobody
    } else {
        Limit::None
    };
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o555)).unwrap();
    let result = std::panic::catch_unwind(|| {
        let (code, _, err) = kg(d, &["--db", "g.kg", "-e", "CREATE (:B)"], limit);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.starts_with("kg: g.kg: cannot create the temporary file g.kg.tmp.")
                && err.trim_end().ends_with("permission denied")
                && err.lines().count() == 1,
            "{err}"
        );
        // Reading still works.
        let (code, out, err) = kg(
            d,
            &[
                "--db",
                "g.kg",
                "--read-only",
                "--format",
                "csv",
                "-e",
                "MATCH (n) RETURN count(n) AS n",
            ],
            limit,
        );
        assert_eq!(
            (code, out.replace("\r\n", "\n")),
            (0, "n\n1\n".to_string()),
            "{err}"
        );
        // Without a lock file it cannot take the writer lock, and says so before running.
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::remove_file(d.join("g.kg.lock")).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o555)).unwrap();
        let (code, out, err) = kg(d, &["--db", "g.kg", "-e", "CREATE (:B)"], limit);
        assert_eq!(code, 1, "{err}");
        assert!(out.is_empty(), "nothing ran: {out}");
        assert_eq!(
            err.trim_end(),
            "kg: g.kg: cannot create the lock file g.kg.lock: permission denied"
        );
        // Nor can an import write there.
        let (code, _, err) = kg(
            d,
            &["import", "--nodes", "n.csv", "--output", "x.kg"],
            limit,
        );
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("x.kg") && err.contains("permission denied"),
            "{err}"
        );
        assert!(!d.join("x.kg").exists());
    });
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    result.unwrap();
    assert_eq!(std::fs::read(d.join("g.kg")).unwrap(), before);
    assert!(temps(d).is_empty(), "{:?}", listing(d));
}

#[test]
fn a_file_where_a_directory_should_be_and_proc_are_refused() {
    let dir = open_dir();
    let d = dir.path();
    std::fs::write(d.join("plain"), "not a directory").unwrap();
    std::fs::write(d.join("n.csv"), "id:ID\n1\n").unwrap();
    let (code, out, err) = kg(d, &["--db", "plain/g.kg", "-e", "CREATE (:A)"], Limit::None);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("kg: plain/g.kg: ") && err.lines().count() == 1,
        "{err}"
    );
    let (code, _, err) = kg(
        d,
        &["import", "--nodes", "n.csv", "--output", "plain/out.kg"],
        Limit::None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("kg: ") && err.contains("plain/out.kg"),
        "{err}"
    );
    // /proc takes no new files, not even from root.
    let (code, _, err) = kg(
        d,
        &["import", "--nodes", "n.csv", "--output", "/proc/kg-test.kg"],
        Limit::None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("kg: ") && err.contains("/proc/kg-test.kg"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("plain")).unwrap(),
        "not a directory"
    );
}

// ------------------------------------------------------------------ kill -9

/// Kills `kg args…` with SIGKILL after `after` (or lets it finish first).
fn kill_after(dir: &Path, args: &[&str], after: Duration) -> bool {
    let mut child = command(dir, args, Limit::None).spawn().expect("run kg");
    let t = Instant::now();
    while t.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    status.code().is_none()
}

/// Runs `args` once to time it, then kills it at spread-out moments (mostly late, where
/// the save is) until `wanted` kills have landed in the middle of writing the temporary
/// file (one was left behind) or `max_rounds` are done. After each kill `check` must
/// accept the target. Returns (rounds, kills, kills mid-save).
fn kill_rounds(
    dir: &Path,
    args: &[&str],
    wanted: usize,
    max_rounds: usize,
    reset: &dyn Fn(&Path),
    mut check: impl FnMut(usize),
) -> (usize, usize, usize) {
    let t = Instant::now();
    let (code, _, err) = kg(dir, args, Limit::None);
    assert_eq!(code, 0, "{err}");
    let clean = t.elapsed();
    // The timing run changed the target: every round starts from the old one.
    reset(dir);
    let (mut kills, mut mid_save) = (0, 0);
    let mut round = 0;
    // The estimate shrinks whenever a run finishes before its kill (runs get faster once
    // the files are in the page cache, or slower while other tests run).
    let mut estimate = clean;
    while round < max_rounds && mid_save < wanted {
        // Fractions 0.3 .. 1.0 of the estimate, most of them late, where the save is.
        let f = 0.3 + 0.7 * (((round * 7) % 19) as f64 / 18.0).sqrt();
        if kill_after(dir, args, estimate.mul_f64(f)) {
            kills += 1;
            if !temps(dir).is_empty() {
                mid_save += 1;
            }
        } else {
            estimate = estimate.mul_f64(0.85);
        }
        check(round);
        round += 1;
    }
    (round, kills, mid_save)
}

#[test]
fn kill_9_during_import_leaves_the_old_output_or_a_complete_new_one() {
    let dir = open_dir();
    let d = dir.path();
    let n = 200_000;
    let nodes: String = (0..n).map(|i| format!("{i},name {i},{i}\n")).collect();
    std::fs::write(d.join("n.csv"), format!("id:ID,name,v:int\n{nodes}")).unwrap();
    let rels: String = (0..n).map(|i| format!("{i},{},R\n", (i * 7) % n)).collect();
    std::fs::write(d.join("r.csv"), format!(":START_ID,:END_ID,:TYPE\n{rels}")).unwrap();
    std::fs::write(d.join("small.csv"), "id:ID\nold\n").unwrap();
    let (code, _, err) = kg(
        d,
        &["import", "--nodes", "small.csv", "--output", "out.kg"],
        Limit::None,
    );
    assert_eq!(code, 0, "{err}");
    let old = std::fs::read(d.join("out.kg")).unwrap();

    let args = [
        "import",
        "--nodes",
        "n.csv",
        "--relationships",
        "r.csv",
        "--output",
        "out.kg",
        "--force",
    ];
    let (mut olds, mut news) = (0, 0);
    // Put the old file back after each round so that every kill races old against new.
    let restore = |d: &Path| std::fs::write(d.join("out.kg"), &old).unwrap();
    restore(d);
    let (rounds, kills, mid_save) = kill_rounds(d, &args, 2, 40, &restore, |round| {
        let now = std::fs::read(d.join("out.kg")).expect("out.kg vanished");
        if now == old {
            olds += 1;
        } else {
            assert_eq!(
                count_nodes(d, "out.kg"),
                n.to_string(),
                "round {round}: a damaged output"
            );
            news += 1;
            restore(d);
        }
    });
    eprintln!("{rounds} rounds, {kills} kills ({mid_save} mid-save): {olds} old, {news} new");
    assert!(
        mid_save > 0,
        "no kill landed while the output was being written"
    );
    // Temporary files of killed imports never pose as the output, and the next import
    // removes them.
    let (code, _, err) = kg(d, &args, Limit::None);
    assert_eq!(code, 0, "{err}");
    assert!(temps(d).is_empty(), "{:?}", listing(d));
    assert_eq!(count_nodes(d, "out.kg"), n.to_string());
}

#[test]
fn kill_9_during_a_cli_save_leaves_the_old_snapshot_or_the_new_one() {
    let dir = open_dir();
    let d = dir.path();
    let grow = "UNWIND range(1, 100000) AS i CREATE (:B {i: i, s: 'some text to fill the file'})";
    let (code, _, err) = kg(d, &["--db", "g.kg", "-e", grow], Limit::None);
    assert_eq!(code, 0, "{err}");
    let old = std::fs::read(d.join("g.kg")).unwrap();
    let restore = |d: &Path| std::fs::write(d.join("g.kg"), &old).unwrap();
    // Each run adds one node and saves 100,001 (or more) nodes.
    let args = ["--db", "g.kg", "-e", "CREATE (:C)"];
    let (mut olds, mut news) = (0, 0);
    let (rounds, kills, mid_save) = kill_rounds(d, &args, 2, 40, &restore, |round| {
        let now = std::fs::read(d.join("g.kg")).expect("g.kg vanished");
        if now == old {
            olds += 1;
        } else {
            assert_eq!(
                count_nodes(d, "g.kg"),
                "100001",
                "round {round}: a damaged snapshot"
            );
            news += 1;
        }
        restore(d);
    });
    eprintln!("{rounds} rounds, {kills} kills ({mid_save} mid-save): {olds} old, {news} new");
    assert!(
        mid_save > 0,
        "no kill landed while the snapshot was being written"
    );
    // The next save by a lock holder removes the dead writers' temporary files.
    let (code, _, err) = kg(d, &args, Limit::None);
    assert_eq!(code, 0, "{err}");
    assert!(temps(d).is_empty(), "{:?}", listing(d));
}
