//! Fuzz target `parse`: `kg::syntax::parse` on arbitrary UTF-8 text.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|text: &str| {
    harness::parse(text);
});
