//! Fuzz target `snapshot`: the snapshot loader on arbitrary bytes, with the checksums
//! optionally repaired so that mutations reach the decoder (see `harness::snapshot`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

use std::path::PathBuf;
use std::sync::OnceLock;

/// A private directory for this process's files, on tmpfs when there is one.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| harness::scratch_dir("snapshot"))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::snapshot(data, &dir().join("fuzz.kg"));
});
