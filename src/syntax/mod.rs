//! Parsing: query text → AST. The only module that sees pest types: it runs the grammar,
//! turns pest's failures into `SyntaxError`s with a span and a readable list of what was
//! expected, and guards against input nested deeper than the parser's stack allows and
//! against input that makes the parser backtrack without end.

mod grammar;
mod lower;

use crate::ast::Statement;
use crate::error::{Error, Result, Span};
use grammar::{CypherParser, Rule};
use pest::Parser;
use std::num::NonZeroUsize;
use std::sync::Mutex;

/// The deepest bracket nesting a query may have.
pub const MAX_NESTING: usize = 200;

/// pest's settings (call limit, error detail) are process-wide: one parse at a time sets
/// and uses them.
static PARSER: Mutex<()> = Mutex::new(());

/// The parser work (pest's counted rule calls) allowed for a text of `len` bytes. Real
/// queries take 5 to 40 calls per byte (145 for 200 nested brackets, under the base);
/// some unclosed nestings (`[x IN [x IN ...`, `reduce(a = reduce(a = ...`) make a PEG
/// parser backtrack exponentially, and are cut off here in a fraction of a second.
fn call_limit(len: usize) -> Option<NonZeroUsize> {
    NonZeroUsize::new(500_000usize.saturating_add(len.saturating_mul(100)))
}

/// Parses one statement (an optional trailing `;` is allowed).
pub fn parse(text: &str) -> Result<Statement> {
    check_nesting(text)?;
    let guard = PARSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pest::set_call_limit(call_limit(text.len()));
    let mut pairs = match CypherParser::parse(Rule::statement_input, text) {
        Ok(p) => p,
        Err(e) if limit_reached(&e).is_some() => return Err(convert_error(e, text)),
        Err(_) => {
            // Parse again, collecting what was expected, only to explain the failure:
            // the detail costs too much on the happy path.
            pest::set_error_detail(true);
            let detailed = CypherParser::parse(Rule::statement_input, text).err();
            pest::set_error_detail(false);
            return Err(match detailed {
                Some(e) => convert_error(e, text),
                None => Error::syntax("UnexpectedSyntax", "invalid syntax"),
            });
        }
    };
    drop(guard);
    let input = pairs
        .next()
        .ok_or_else(|| Error::syntax("UnexpectedSyntax", "empty statement"))?;
    let stmt = input
        .into_inner()
        .find(|p| p.as_rule() != Rule::EOI)
        .ok_or_else(|| {
            Error::syntax("UnexpectedSyntax", "empty statement").with_span(Span::new(0, 0))
        })?;
    lower::Lowerer::default().statement(stmt)
}

/// pest's message when it gave up on a limit (`call limit reached`, `stack limit
/// reached`), if that is why it failed.
fn limit_reached(e: &pest::error::Error<Rule>) -> Option<&str> {
    match &e.variant {
        pest::error::ErrorVariant::CustomError { message }
            if message.ends_with("limit reached") =>
        {
            Some(message)
        }
        _ => None,
    }
}

/// The span of the character at `pos`: empty at the end of the text, never half of a
/// multi-byte character.
fn char_span(text: &str, pos: usize) -> Span {
    let end = text
        .get(pos..)
        .and_then(|rest| rest.chars().next())
        .map_or(pos.min(text.len()), |c| pos + c.len_utf8());
    Span::new(pos.min(end), end)
}

/// Rejects input nested deeper than `MAX_NESTING` before pest recurses into it.
fn check_nesting(text: &str) -> Result<()> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(Error::syntax(
                            "UnexpectedSyntax",
                            format!("the query is nested too deeply (more than {MAX_NESTING} levels of brackets)"),
                        )
                        .with_span(Span::new(i, i + 1)));
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    Ok(())
}

fn rule_name(rule: &Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr => "an expression",
        Rule::variable => "a variable",
        Rule::node_pattern => "a node pattern",
        Rule::rel_pattern => "a relationship pattern",
        Rule::pattern_part | Rule::pattern | Rule::pattern_element => "a pattern",
        Rule::label_name => "a label",
        Rule::rel_type_name => "a relationship type",
        Rule::property_key => "a property key",
        Rule::query | Rule::single_query => "a clause",
        Rule::EOI => "end of input",
        Rule::map_literal => "a map",
        Rule::projection_items | Rule::projection_item => "a return item",
        Rule::set_item => "a SET item",
        Rule::string => "a string",
        Rule::AS => "AS",
        Rule::WHERE => "WHERE",
        Rule::RETURN => "RETURN",
        Rule::MATCH => "MATCH",
        Rule::IN => "IN",
        Rule::THEN => "THEN",
        Rule::END => "END",
        Rule::WHEN => "WHEN",
        Rule::SET => "SET",
        _ => return None,
    })
}

fn convert_error(e: pest::error::Error<Rule>, text: &str) -> Error {
    let mut pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    if let Some(limit) = limit_reached(&e) {
        let message = if limit.starts_with("stack") {
            "the query is nested too deeply for the parser".to_string()
        } else {
            "the query is too complex for the parser (it backtracks too much here); \
             close the brackets or split the query"
                .to_string()
        };
        return Error::syntax("UnexpectedSyntax", message).with_span(char_span(text, pos));
    }
    let mut names: Vec<String> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
        names.extend(positives.iter().filter_map(rule_name).map(String::from));
    }
    if let Some(attempts) = e.parse_attempts() {
        pos = pos.max(attempts.max_position);
        for t in attempts.expected_tokens() {
            // Display gives the literal (keywords upper-cased); skip character ranges and
            // built-in rules, which say nothing useful to a person.
            let text = t.to_string();
            let is_range = text.chars().count() == 4
                && text.chars().nth(1) == Some('.')
                && text.chars().nth(2) == Some('.');
            let is_blank = is_range
                || text.chars().all(|c| c.is_ascii_uppercase() || c == '_') && text.contains('_')
                || text.trim().is_empty()
                || text.starts_with("//")
                || text.starts_with("/*")
                || !text.is_ascii();
            if text == "`" {
                names.push("a `quoted` name".to_string());
            } else if !is_blank {
                names.push(format!("`{text}`"));
            }
        }
    }
    names.sort();
    names.dedup();
    // Collapse the many tokens that can start an expression into one phrase.
    const EXPR_START: &[&str] = &[
        "`\"`",
        "`'`",
        "`$`",
        "`(`",
        "`[`",
        "`{`",
        "`+`",
        "`-`",
        "`.`",
        "`0o`",
        "`0x`",
        "`ALL`",
        "`ANY`",
        "`CASE`",
        "`COUNT`",
        "`EXISTS`",
        "`NOT`",
        "`NULL`",
        "`TRUE`",
        "`FALSE`",
        "`REDUCE`",
        "`SHORTESTPATH`",
        "`ALLSHORTESTPATHS`",
        "`NONE`",
        "`SINGLE`",
        "a map",
        "a node pattern",
        "a string",
        "a variable",
        "an expression",
        "```",
        "a `quoted` name",
    ];
    if names.iter().any(|n| n == "`0x`" || n == "a variable") {
        names.retain(|n| !EXPR_START.contains(&n.as_str()));
        names.insert(0, "an expression".to_string());
    }
    // Clause keywords read better bare.
    const CLAUSES: &[&str] = &[
        "CALL", "CREATE", "DELETE", "DETACH", "MATCH", "MERGE", "OPTIONAL", "REMOVE", "RETURN",
        "SET", "UNION", "UNWIND", "WITH", "WHERE", "ORDER", "SKIP", "LIMIT",
    ];
    for n in names.iter_mut() {
        let bare = n.trim_matches('`').to_string();
        if CLAUSES.contains(&bare.as_str()) {
            *n = bare;
        }
    }
    names.sort_by_key(|n| (n.starts_with('`'), n.clone()));
    names.dedup();
    let message = match names.len() {
        0 => "invalid syntax".to_string(),
        1 => format!("expected {}", names[0]),
        n if n <= 10 => {
            let (last, init) = names.split_last().expect("non-empty");
            format!("expected {} or {}", init.join(", "), last)
        }
        _ => format!(
            "unexpected input; expected one of {} …",
            names[..10].join(", ")
        ),
    };
    Error::syntax("UnexpectedSyntax", message).with_span(char_span(text, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_match() {
        let s = parse("MATCH (a:Person {name: 'x'})-[r:MET|KNOWS*1..3]->(b) WHERE a.x > 1 RETURN a.name AS n, count(*) ORDER BY n DESC LIMIT 3");
        assert!(s.is_ok(), "{s:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let q = format!("RETURN {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let e = parse(&q).unwrap_err();
        assert_eq!(e.code(), Some("UnexpectedSyntax"));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = parse("MATCH (n:Person RETURN n").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::SyntaxError);
        assert!(e.span().is_some());
    }
}
