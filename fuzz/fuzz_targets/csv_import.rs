//! Fuzz target `csv_import`: `kg import` on a node file, a relationship file and
//! optionally a second node file with a header file, cut from the input (see
//! `harness::csv_import`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| harness::scratch_dir("csv_import"))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::csv_import(data, dir());
});
