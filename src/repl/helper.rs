//! The rustyline side of the shell: one `Helper` that validates input (a statement is
//! finished by a `;`, a `:command` by the end of the line), completes names from the live
//! graph, colours the line and shows hints; and the Enter handler that indents
//! continuation lines under the prompt.

use super::commands;
use super::complete::{self, Context, GraphCatalog};
use super::highlight;
use super::Shared;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Cmd, ConditionalEventHandler, Event, EventContext, Helper, RepeatCount};
use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// True when the input can be run: blank, a `:command`, or Cypher whose last statement is
/// closed by a `;` outside strings, comments and brackets.
pub fn is_complete(input: &str) -> bool {
    if crate::script::is_blank(input) || commands::is_command(input) {
        return true;
    }
    if crate::script::is_incomplete(input) || !crate::script::has_terminator(input) {
        return false;
    }
    // Everything after the last `;` must be blank: `RETURN 1; RETURN` still needs more.
    match crate::script::split_statements(input).last() {
        Some(last) => last.offset + last.text.len() < input.len(),
        None => true,
    }
}

/// The editor helper.
pub struct KgHelper {
    shared: Rc<Shared>,
    color: bool,
    indent: Arc<AtomicUsize>,
    show_bracket: Cell<bool>,
    files: FilenameCompleter,
    history_hints: HistoryHinter,
}

impl KgHelper {
    pub fn new(shared: Rc<Shared>, color: bool, indent: Arc<AtomicUsize>) -> KgHelper {
        KgHelper {
            shared,
            color,
            indent,
            show_bracket: Cell::new(false),
            files: FilenameCompleter::new(),
            history_hints: HistoryHinter::new(),
        }
    }
}

impl Helper for KgHelper {}

impl Completer for KgHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let db = self.shared.db.borrow();
        let params = self.shared.params.borrow();
        let catalog = GraphCatalog {
            graph: db.graph(),
            params: &params,
        };
        let (site, candidates) = complete::complete(line, pos, &catalog);
        if site.context == Context::File {
            return self.files.complete_path(line, pos);
        }
        Ok((
            site.start,
            candidates
                .into_iter()
                .map(|c| Pair {
                    display: c.display,
                    replacement: c.replacement,
                })
                .collect(),
        ))
    }
}

/// A hint: history hints can be accepted with the right arrow; a command's synopsis
/// (`name => value` after `:param`) is only shown.
pub struct KgHint {
    text: String,
    accept: bool,
}

impl rustyline::hint::Hint for KgHint {
    fn display(&self) -> &str {
        &self.text
    }
    fn completion(&self) -> Option<&str> {
        self.accept.then_some(self.text.as_str())
    }
}

impl Hinter for KgHelper {
    type Hint = KgHint;

    fn hint(&self, line: &str, pos: usize, ctx: &rustyline::Context<'_>) -> Option<KgHint> {
        // Hints are grey text; without colours they would look like input.
        if !self.color || pos < line.len() {
            return None;
        }
        if commands::is_command(line) {
            let word = line.trim();
            if word.contains(char::is_whitespace) {
                return None;
            }
            let synopsis = commands::synopsis(word)?;
            let sep = if line.ends_with(' ') { "" } else { " " };
            return Some(KgHint {
                text: format!("{sep}{synopsis}"),
                accept: false,
            });
        }
        self.history_hints
            .hint(line, pos, ctx)
            .filter(|h| !h.contains('\n'))
            .map(|text| KgHint { text, accept: true })
    }
}

impl Highlighter for KgHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        let cursor = self.show_bracket.get().then_some(pos);
        Cow::Owned(highlight::highlight(
            line,
            cursor,
            self.indent.load(Ordering::Relaxed),
        ))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        Cow::Owned(highlight::prompt(prompt))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(highlight::hint(hint))
    }

    fn highlight_char(&self, line: &str, _pos: usize, kind: CmdKind) -> bool {
        // The final redraw (when the line is accepted) drops the bracket mark.
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        !line.is_empty()
    }
}

impl Validator for KgHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

/// Enter on unfinished input starts a new line indented to the prompt's width, so that
/// a statement spanning lines stays aligned (and the highlighter draws `..>` there).
pub struct EnterHandler {
    pub indent: Arc<AtomicUsize>,
}

impl ConditionalEventHandler for EnterHandler {
    fn handle(
        &self,
        _evt: &Event,
        _n: RepeatCount,
        _positive: bool,
        ctx: &EventContext<'_>,
    ) -> Option<Cmd> {
        let line = ctx.line();
        if is_complete(line) {
            return None;
        }
        // Inside a string or quoted name, indentation would become part of the value.
        let before = &line[..ctx.pos().min(line.len())];
        let in_literal = super::lex::tokenize(before).last().is_some_and(|t| {
            matches!(
                t.kind,
                super::lex::TokenKind::String { closed: false }
                    | super::lex::TokenKind::Quoted { closed: false }
            )
        });
        let indent = if in_literal {
            0
        } else {
            self.indent.load(Ordering::Relaxed)
        };
        Some(Cmd::Insert(1, format!("\n{}", " ".repeat(indent))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_need_a_final_semicolon() {
        assert!(is_complete(""));
        assert!(is_complete("   "));
        assert!(is_complete("// just a comment"));
        assert!(is_complete(":schema"));
        assert!(is_complete("  :param x => (1"));
        assert!(is_complete("RETURN 1;"));
        assert!(is_complete("MATCH (n)\n    RETURN n;  "));
        assert!(is_complete("RETURN 1; RETURN 2;"));
        assert!(is_complete("RETURN 1; // done"));
        assert!(!is_complete("RETURN 1"));
        assert!(!is_complete("RETURN 1; RETURN 2"));
        assert!(!is_complete("RETURN ';'"));
        // A `;` ends the statement even inside brackets: running it shows the error.
        assert!(is_complete("RETURN (1;"));
        assert!(!is_complete("RETURN /* ; */ 1"));
    }
}
