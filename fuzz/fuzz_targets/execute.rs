//! Fuzz target `execute`: up to four statements of arbitrary text parsed, planned and
//! run against a fresh copy of the seed graph with small limits (see `harness::execute`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|text: &str| {
    harness::execute(harness::seed_graph(), text);
});
