//! A forgiving tokenizer for the shell's editor: it splits any text, finished or not, into
//! identifiers, numbers, strings, parameters, comments and punctuation, so that the
//! highlighter can colour a half-typed statement and the completer can tell where the
//! cursor is. It never fails; an unclosed string or comment runs to the end of the text.

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A name or keyword: letters, digits and `_`, not starting with a digit.
    Ident,
    /// A name in backticks; `closed` is false when the text ends inside it.
    Quoted {
        closed: bool,
    },
    Number,
    String {
        closed: bool,
    },
    /// `$name` (or `$0`).
    Param,
    Comment {
        closed: bool,
    },
    /// One punctuation character (or `=>`, `->`, `<-`, `..`, `<>`, `<=`, `>=`).
    Punct,
    Space,
}

/// A token: its kind and byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `text` into tokens covering every byte.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let next = chars.peek().map(|&(_, c)| c);
        let kind = if c.is_whitespace() {
            while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                chars.next();
            }
            TokenKind::Space
        } else if c == '/' && next == Some('/') {
            while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                chars.next();
            }
            TokenKind::Comment { closed: true }
        } else if c == '/' && next == Some('*') {
            chars.next();
            let mut closed = false;
            let mut prev = ' ';
            for (_, c) in chars.by_ref() {
                if prev == '*' && c == '/' {
                    closed = true;
                    break;
                }
                prev = c;
            }
            TokenKind::Comment { closed }
        } else if c == '\'' || c == '"' {
            let mut closed = false;
            while let Some((_, d)) = chars.next() {
                if d == '\\' {
                    chars.next();
                } else if d == c {
                    closed = true;
                    break;
                }
            }
            TokenKind::String { closed }
        } else if c == '`' {
            let mut closed = false;
            while let Some((_, d)) = chars.next() {
                if d == '`' {
                    if chars.peek().is_some_and(|&(_, e)| e == '`') {
                        chars.next();
                    } else {
                        closed = true;
                        break;
                    }
                }
            }
            TokenKind::Quoted { closed }
        } else if c == '$' && next.is_some_and(is_ident_char) {
            while chars.peek().is_some_and(|&(_, c)| is_ident_char(c)) {
                chars.next();
            }
            TokenKind::Param
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            lex_number(text, start, &mut chars);
            TokenKind::Number
        } else if is_ident_start(c) {
            while chars.peek().is_some_and(|&(_, c)| is_ident_char(c)) {
                chars.next();
            }
            TokenKind::Ident
        } else {
            let pair = next.map(|n| (c, n));
            if matches!(
                pair,
                Some(('=', '>'))
                    | Some(('-', '>'))
                    | Some(('<', '-'))
                    | Some(('.', '.'))
                    | Some(('<', '>'))
                    | Some(('<', '='))
                    | Some(('>', '='))
            ) {
                chars.next();
            }
            TokenKind::Punct
        };
        let end = chars.peek().map(|&(i, _)| i).unwrap_or(text.len());
        tokens.push(Token { kind, start, end });
    }
    tokens
}

fn lex_number(
    text: &str,
    start: usize,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) {
    let rest = &text[start..];
    if rest.starts_with("0x") || rest.starts_with("0X") || rest.starts_with("0o") {
        chars.next();
        while chars.peek().is_some_and(|&(_, c)| c.is_ascii_hexdigit()) {
            chars.next();
        }
        return;
    }
    let mut seen_dot = rest.starts_with('.');
    let mut prev = rest.chars().next().unwrap_or('0');
    while let Some(&(i, c)) = chars.peek() {
        let after = text[i + c.len_utf8()..].chars().next();
        let take = c.is_ascii_digit()
            || c == '_'
            || (c == '.' && !seen_dot && after.is_some_and(|a| a.is_ascii_digit()))
            || ((c == 'e' || c == 'E')
                && after.is_some_and(|a| a.is_ascii_digit() || a == '-' || a == '+'))
            || ((c == '-' || c == '+') && (prev == 'e' || prev == 'E'));
        if !take {
            break;
        }
        if c == '.' {
            seen_dot = true;
        }
        prev = c;
        chars.next();
    }
}

/// Tokens other than blanks and comments.
pub fn significant(tokens: &[Token]) -> impl Iterator<Item = &Token> {
    tokens
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .iter()
            .filter(|t| t.kind != TokenKind::Space)
            .map(|t| (t.kind, t.text(text)))
            .collect()
    }

    #[test]
    fn splits_a_statement() {
        use TokenKind::*;
        assert_eq!(
            kinds("MATCH (n:Person {age: 1.5e3})-[:KNOWS]->(m) WHERE n.name = $who // hi"),
            vec![
                (Ident, "MATCH"),
                (Punct, "("),
                (Ident, "n"),
                (Punct, ":"),
                (Ident, "Person"),
                (Punct, "{"),
                (Ident, "age"),
                (Punct, ":"),
                (Number, "1.5e3"),
                (Punct, "}"),
                (Punct, ")"),
                (Punct, "-"),
                (Punct, "["),
                (Punct, ":"),
                (Ident, "KNOWS"),
                (Punct, "]"),
                (Punct, "->"),
                (Punct, "("),
                (Ident, "m"),
                (Punct, ")"),
                (Ident, "WHERE"),
                (Ident, "n"),
                (Punct, "."),
                (Ident, "name"),
                (Punct, "="),
                (Param, "$who"),
                (Comment { closed: true }, "// hi"),
            ]
        );
    }

    #[test]
    fn unfinished_strings_and_comments_run_to_the_end() {
        use TokenKind::*;
        assert_eq!(
            kinds("RETURN 'it\\'s"),
            vec![(Ident, "RETURN"), (String { closed: false }, "'it\\'s")]
        );
        assert_eq!(
            kinds("/* a ; b"),
            vec![(Comment { closed: false }, "/* a ; b")]
        );
        assert_eq!(
            kinds("`odd ``name`"),
            vec![(Quoted { closed: true }, "`odd ``name`")]
        );
    }

    #[test]
    fn numbers_ranges_and_multibyte_text() {
        use TokenKind::*;
        assert_eq!(
            kinds("[1..3] 0x1F 'é' x.y"),
            vec![
                (Punct, "["),
                (Number, "1"),
                (Punct, ".."),
                (Number, "3"),
                (Punct, "]"),
                (Number, "0x1F"),
                (String { closed: true }, "'é'"),
                (Ident, "x"),
                (Punct, "."),
                (Ident, "y"),
            ]
        );
        let text = "RETURN 'ü' + 1";
        let tokens = tokenize(text);
        assert_eq!(tokens.last().map(|t| t.end), Some(text.len()));
    }
}
