//! The one error type of kg: a kind and detail code named as in the openCypher TCK,
//! an optional byte span into the query text, a message, and the phase it was raised in.
//! Line and column are computed only when rendering; `Error::render` prints a caret
//! under the offending text in the rustc/pest layout.

use std::fmt;

/// A byte range into the source text of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// What went wrong, using the openCypher TCK's error type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    SyntaxError,
    SemanticError,
    TypeError,
    ArgumentError,
    EntityNotFound,
    ParameterMissing,
    ConstraintVerificationFailed,
    ArithmeticError,
    ProcedureError,
    /// A query stopped by a timeout, a cancellation or a resource guard.
    TransientError,
    /// A snapshot file could not be read or written.
    SnapshotError,
    /// A CSV import failed.
    ImportError,
    /// An operating-system I/O failure.
    IoError,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::SemanticError => "SemanticError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ArgumentError => "ArgumentError",
            ErrorKind::EntityNotFound => "EntityNotFound",
            ErrorKind::ParameterMissing => "ParameterMissing",
            ErrorKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorKind::ArithmeticError => "ArithmeticError",
            ErrorKind::ProcedureError => "ProcedureError",
            ErrorKind::TransientError => "TransientError",
            ErrorKind::SnapshotError => "SnapshotError",
            ErrorKind::ImportError => "ImportError",
            ErrorKind::IoError => "IoError",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// When the error was raised: while compiling the query (parse, bind, plan) or while running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Compile,
    Runtime,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Compile => "compile",
            Phase::Runtime => "runtime",
        }
    }
}

/// The error type of every fallible kg operation. Boxed, so that `Result<Val>` stays as
/// small as the value it carries on the hot path of expression evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: ErrorKind,
    code: Option<&'static str>,
    span: Option<Span>,
    message: String,
    phase: Phase,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, code: Option<&'static str>, message: impl Into<String>) -> Error {
        let phase = match kind {
            ErrorKind::SyntaxError | ErrorKind::ParameterMissing => Phase::Compile,
            _ => Phase::Runtime,
        };
        Error(Box::new(Inner {
            kind,
            code,
            span: None,
            message: message.into(),
            phase,
        }))
    }
    /// A compile-time `SyntaxError` with a TCK detail code, e.g. `UndefinedVariable`.
    pub fn syntax(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::SyntaxError, Some(code), message)
    }
    pub fn type_error(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::TypeError, Some(code), message)
    }
    pub fn argument(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ArgumentError, Some(code), message)
    }
    pub fn arithmetic(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ArithmeticError, Some(code), message)
    }
    pub fn semantic(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::SemanticError, Some(code), message)
    }
    pub fn entity_not_found(message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::EntityNotFound,
            Some("DeletedEntityAccess"),
            message,
        )
    }
    pub fn transient(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::TransientError, Some(code), message)
    }
    pub fn io(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::IoError, None, message)
    }
    /// A `SnapshotError`; the message is kept on one line (see `one_line`).
    pub fn snapshot(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::SnapshotError,
            Some(code),
            one_line(message.into()),
        )
    }
    /// An `ImportError`; the message is kept on one line (see `one_line`).
    pub fn import(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ImportError, None, one_line(message.into()))
    }

    pub fn with_span(mut self, span: Span) -> Error {
        if self.0.span.is_none() {
            self.0.span = Some(span);
        }
        self
    }
    /// The same error with its span moved `offset` bytes later (for a statement inside a
    /// script).
    pub fn shifted(mut self, offset: usize) -> Error {
        if let Some(s) = self.0.span.as_mut() {
            s.start += offset;
            s.end += offset;
        }
        self
    }
    pub fn with_phase(mut self, phase: Phase) -> Error {
        self.0.phase = phase;
        self
    }
    pub fn at_compile(self) -> Error {
        self.with_phase(Phase::Compile)
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    pub fn code(&self) -> Option<&'static str> {
        self.0.code
    }
    pub fn span(&self) -> Option<Span> {
        self.0.span
    }
    pub fn message(&self) -> &str {
        &self.0.message
    }
    pub fn phase(&self) -> Phase {
        self.0.phase
    }

    /// 1-based line and column (in characters) of the span's start in `source`.
    pub fn line_column(&self, source: &str) -> Option<(usize, usize)> {
        let span = self.0.span?;
        Some(line_column(source, span.start))
    }

    /// The error with a caret under the offending text:
    ///
    /// ```text
    /// error[SyntaxError.UnexpectedSyntax]: expected `)`
    ///  --> 1:17
    ///   |
    /// 1 | MATCH (n:Person RETURN n
    ///   |                 ^
    /// ```
    pub fn render(&self, source: &str) -> String {
        let mut out = format!("error[{}", self.0.kind.name());
        if let Some(code) = self.0.code {
            out.push('.');
            out.push_str(code);
        }
        out.push_str("]: ");
        out.push_str(&clip(&self.0.message, MAX_SHOWN * 3));
        let Some(span) = self.0.span else {
            return out;
        };
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let (line, column) = line_column(source, start);
        let line_text = source.lines().nth(line - 1).unwrap_or("");
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        out.push_str(&format!("\n{pad}--> {line}:{column}\n{pad} |\n"));
        let line_start = start - (column_bytes(source, start));
        let prefix = &source[line_start..start];
        let end = floor_char_boundary(source, span.end.min(source.len())).max(start);
        let line_end = line_start + line_text.len();
        let under = &source[start..end.min(line_end).max(start)];
        // A long line is shown as a window around the caret, marked with `…`.
        let chars: Vec<char> = line_text.chars().collect();
        let caret = prefix.chars().count();
        let (from, to) = if chars.len() <= MAX_SHOWN {
            (0, chars.len())
        } else {
            let from = caret.saturating_sub(MAX_SHOWN / 3);
            (from, (from + MAX_SHOWN).min(chars.len()))
        };
        let mut shown: String = chars[from..to].iter().collect();
        shown = shown.replace('\t', " ");
        let lead = if from > 0 { "…" } else { "" };
        let tail = if to < chars.len() { "…" } else { "" };
        out.push_str(&format!("{line} | {lead}{shown}{tail}\n"));
        let before: String = chars[from..caret.min(to)].iter().collect();
        let indent = unicode_width::UnicodeWidthStr::width(before.as_str()) + lead.len().min(1);
        let under: String = under.chars().take(to.saturating_sub(caret)).collect();
        let width = unicode_width::UnicodeWidthStr::width(under.as_str()).max(1);
        out.push_str(&format!(
            "{pad} | {}{}",
            " ".repeat(indent),
            "^".repeat(width)
        ));
        out
    }
}

/// The most characters of a source line an error shows (a window around the caret).
const MAX_SHOWN: usize = 160;

/// `text`, cut to `max` characters with `…` when longer.
fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..i])),
    }
}

/// `text` with line breaks and other control characters (but tabs) escaped as in Rust
/// (`\n`, `\u{1d}`, `\u{2028}`), so that a message quoting file content stays one line.
pub fn one_line(text: String) -> String {
    let breaks = |c: char| (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}');
    if !text.chars().any(breaks) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if breaks(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Bytes from the start of the line holding `offset` to `offset`.
fn column_bytes(source: &str, offset: usize) -> usize {
    let before = &source[..offset];
    match before.rfind('\n') {
        Some(nl) => offset - nl - 1,
        None => offset,
    }
}

/// 1-based line and column (counted in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.kind.name())?;
        if let Some(code) = self.0.code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.0.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::io(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_span() {
        let src = "MATCH (n:Person RETURN n";
        let e = Error::syntax("UnexpectedSyntax", "expected `)`").with_span(Span::new(16, 22));
        assert_eq!(
            e.render(src),
            "error[SyntaxError.UnexpectedSyntax]: expected `)`\n --> 1:17\n  |\n1 | MATCH (n:Person RETURN n\n  |                 ^^^^^^"
        );
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_column("ab\ncé x", 7), (2, 4));
        assert_eq!(line_column("", 5), (1, 1));
    }
}
