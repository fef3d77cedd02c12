//! Inputs found by the fuzz targets in `fuzz/` (see docs/fuzzing.md), minimised and
//! replayed through the same checks (`fuzz/harness.rs`, included below), plus a direct
//! assertion of the fixed behaviour. Each test names the target that found it.

#[path = "../fuzz/harness.rs"]
mod harness;

use kg::Span;

/// The span of a syntax error, checked by the harness too.
fn syntax_span(text: &str) -> Span {
    let e = kg::syntax::parse(text).expect_err("a syntax error");
    assert_eq!(e.kind().name(), "SyntaxError");
    e.span().expect("a span")
}

/// parse: a syntax error at the end of the text had the span `len..len + 1`, past the
/// end (the empty input gave 0..1). It is now empty at the end.
#[test]
fn parse_error_at_end_of_text_stays_inside_the_text() {
    harness::parse("");
    assert_eq!(syntax_span(""), Span::new(0, 0));
    harness::parse("MATCH (n");
    assert_eq!(syntax_span("MATCH (n"), Span::new(8, 8));
}

/// parse: a syntax error at a multi-byte character had a span ending inside it.
#[test]
fn parse_error_at_a_multibyte_character_covers_the_whole_character() {
    let text = "RETURN 1 刘";
    harness::parse(text);
    assert_eq!(syntax_span(text), Span::new(9, 12));
}
