//! Syntax colouring of the line being edited: keywords, functions, labels, strings,
//! numbers, parameters and comments each get a colour, the bracket matching the one at
//! the cursor is shown, and continuation lines get a dim `..>` marker drawn over their
//! indentation. The output always has the display width of the input, as rustyline needs.

use super::commands;
use super::lex::{self, TokenKind};
use super::words::{is_function, is_keyword};
use nu_ansi_term::{Color, Style};

fn style_keyword() -> Style {
    Color::Blue.bold()
}
fn style_function() -> Style {
    Color::Cyan.normal()
}
fn style_name() -> Style {
    Color::Yellow.normal()
}
fn style_string() -> Style {
    Color::Green.normal()
}
fn style_number() -> Style {
    Color::Purple.normal()
}
fn style_param() -> Style {
    Color::Magenta.bold()
}
fn style_comment() -> Style {
    Color::DarkGray.italic()
}
fn style_bracket() -> Style {
    Style::new().bold().underline()
}
fn style_dim() -> Style {
    Color::DarkGray.normal()
}

/// Style for the dim hint text after the cursor.
pub fn hint(text: &str) -> String {
    style_dim().paint(text).to_string()
}

/// Style for the prompt.
pub fn prompt(text: &str) -> String {
    Color::Green.bold().paint(text).to_string()
}

/// The marker drawn over the first `indent` spaces of a continuation line.
pub fn continuation_marker(indent: usize) -> String {
    if indent < 4 {
        return " ".repeat(indent);
    }
    format!("{:>w$} ", "..>", w = indent - 1)
}

/// Colours `line`; `cursor` is the cursor position when the matching bracket should be
/// shown; `indent` is the prompt width (continuation lines start with that many spaces).
pub fn highlight(line: &str, cursor: Option<usize>, indent: usize) -> String {
    if commands::is_command(line) {
        return highlight_command(line);
    }
    let tokens = lex::tokenize(line);
    let brackets = cursor.and_then(|c| matching_brackets(line, &tokens, c));
    let mut out = String::with_capacity(line.len() * 2);
    let mut prev_sig: Option<&str> = None;
    for (i, t) in tokens.iter().enumerate() {
        let text = t.text(line);
        let next_sig = tokens[i + 1..]
            .iter()
            .find(|n| !matches!(n.kind, TokenKind::Space | TokenKind::Comment { .. }))
            .map(|n| n.text(line));
        let style = match t.kind {
            TokenKind::Space => {
                push_space(&mut out, text, indent);
                continue;
            }
            TokenKind::Comment { .. } => Some(style_comment()),
            TokenKind::String { .. } => Some(style_string()),
            TokenKind::Number => Some(style_number()),
            TokenKind::Param => Some(style_param()),
            TokenKind::Quoted { .. } | TokenKind::Ident
                if matches!(prev_sig, Some(":") | Some("|")) =>
            {
                Some(style_name())
            }
            TokenKind::Ident if next_sig == Some("(") && is_function(text) => {
                Some(style_function())
            }
            TokenKind::Ident if is_keyword(text) && prev_sig != Some(".") => Some(style_keyword()),
            TokenKind::Punct if brackets.is_some_and(|(a, b)| t.start == a || t.start == b) => {
                Some(style_bracket())
            }
            _ => None,
        };
        if !matches!(t.kind, TokenKind::Comment { .. }) {
            prev_sig = Some(text);
        }
        match style {
            Some(s) => paint_lines(&mut out, s, text),
            None => out.push_str(text),
        }
    }
    out
}

/// Paints text that may span lines, one escape sequence per line so that a terminal
/// redrawing a single row still sees balanced colours.
fn paint_lines(out: &mut String, style: Style, text: &str) {
    for (i, part) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !part.is_empty() {
            out.push_str(&style.paint(part).to_string());
        }
    }
}

/// White space, with the indentation at the start of a continuation line drawn as the
/// continuation marker.
fn push_space(out: &mut String, text: &str, indent: usize) {
    let mut parts = text.split('\n');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push('\n');
        if indent > 0
            && part.len() >= indent
            && part.as_bytes()[..indent].iter().all(|&b| b == b' ')
        {
            out.push_str(&style_dim().paint(continuation_marker(indent)).to_string());
            out.push_str(&part[indent..]);
        } else {
            out.push_str(part);
        }
    }
}

fn highlight_command(line: &str) -> String {
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let end = body.find(char::is_whitespace).unwrap_or(body.len());
    let word = &body[..end];
    let known = word.len() > 1 && commands::info(word).is_some();
    let style = if known {
        Color::Green.bold()
    } else if commands::command_words()
        .iter()
        .any(|w| w.starts_with(&word.to_ascii_lowercase()))
    {
        Style::new().bold()
    } else {
        Color::Red.bold()
    };
    format!("{}{}{}", &line[..lead], style.paint(word), &body[end..])
}

/// Byte offsets of the bracket at (or just before) the cursor and of its partner.
pub fn matching_brackets(
    line: &str,
    tokens: &[lex::Token],
    cursor: usize,
) -> Option<(usize, usize)> {
    let brackets: Vec<(usize, u8)> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Punct && t.end - t.start == 1)
        .map(|t| (t.start, line.as_bytes()[t.start]))
        .filter(|(_, b)| b"()[]{}".contains(b))
        .collect();
    let at = brackets
        .iter()
        .position(|&(o, _)| o == cursor)
        .or_else(|| {
            let before = cursor.checked_sub(1)?;
            brackets.iter().position(|&(o, _)| o == before)
        })?;
    let (offset, b) = brackets[at];
    let (open, close) = match b {
        b'(' | b')' => (b'(', b')'),
        b'[' | b']' => (b'[', b']'),
        _ => (b'{', b'}'),
    };
    let mut depth = 0i32;
    if b == open {
        for &(o, c) in &brackets[at..] {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return Some((offset, o));
                }
            }
        }
    } else {
        for &(o, c) in brackets[..=at].iter().rev() {
            if c == close {
                depth += 1;
            } else if c == open {
                depth -= 1;
                if depth == 0 {
                    return Some((o, offset));
                }
            }
        }
    }
    None
}

/// The text with ANSI escape sequences removed.
#[cfg(test)]
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_do_not_change_the_text() {
        for line in [
            "MATCH (n:Person {name: 'Ann'})-[:KNOWS]->(m) WHERE n.age > 3.5 RETURN count(m), $p // c",
            "RETURN 'unclosed",
            "/* a */ RETURN [x IN range(1, 3) | x]",
            ":param x => 1",
            ":nosuch",
            "",
        ] {
            assert_eq!(strip_ansi(&highlight(line, Some(3), 4)), line);
        }
    }

    #[test]
    fn keywords_strings_and_numbers_get_colours() {
        let h = highlight("MATCH (n) RETURN 'x', 42", None, 4);
        assert!(h.contains(&style_keyword().paint("MATCH").to_string()));
        assert!(h.contains(&style_keyword().paint("RETURN").to_string()));
        assert!(h.contains(&style_string().paint("'x'").to_string()));
        assert!(h.contains(&style_number().paint("42").to_string()));
        let h = highlight("MATCH (n:Person) RETURN n.count, count(n)", None, 4);
        assert!(h.contains(&style_name().paint("Person").to_string()));
        assert!(h.contains(&style_function().paint("count").to_string()));
    }

    #[test]
    fn the_matching_bracket_is_found_outside_strings() {
        let line = "RETURN (1 + ')' + (2))";
        let tokens = lex::tokenize(line);
        assert_eq!(matching_brackets(line, &tokens, 7), Some((7, 21)));
        assert_eq!(matching_brackets(line, &tokens, 22), Some((7, 21)));
        assert_eq!(matching_brackets(line, &tokens, 18), Some((18, 20)));
        assert_eq!(matching_brackets(line, &tokens, 2), None);
    }

    #[test]
    fn continuation_lines_show_a_marker() {
        let h = highlight("MATCH (n)\n    RETURN n", None, 4);
        assert_eq!(strip_ansi(&h), "MATCH (n)\n..> RETURN n");
        assert_eq!(continuation_marker(8), "    ..> ");
        assert_eq!(continuation_marker(4).len(), 4);
    }
}
