//! Splitting a script into statements at `;`, ignoring semicolons inside strings,
//! backtick-quoted names and comments; also tells whether input is an incomplete
//! statement (an open string, comment or bracket), which the REPL uses to keep reading.

/// One statement of a script: its text (without the `;`) and its byte offset in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptStatement<'a> {
    pub text: &'a str,
    pub offset: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Single,
    Double,
    Backtick,
    LineComment,
    BlockComment,
}

/// What a scan of the text found.
struct Scan {
    /// Byte offsets of the top-level `;` separators.
    separators: Vec<usize>,
    /// The lexical state at the end of the text.
    end_state: State,
    /// Bracket depth at the end of the text (outside strings and comments).
    depth: i64,
}

fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut state = State::Code;
    let mut separators = Vec::new();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match state {
            State::Code => match b {
                b'\'' => state = State::Single,
                b'"' => state = State::Double,
                b'`' => state = State::Backtick,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    state = State::LineComment;
                    i += 1;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    state = State::BlockComment;
                    i += 1;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b';' => {
                    separators.push(i);
                    depth = 0;
                }
                _ => {}
            },
            State::Single | State::Double => {
                let quote = if state == State::Single { b'\'' } else { b'"' };
                if b == b'\\' {
                    i += 1;
                } else if b == quote {
                    state = State::Code;
                }
            }
            State::Backtick => {
                if b == b'`' {
                    if bytes.get(i + 1) == Some(&b'`') {
                        i += 1;
                    } else {
                        state = State::Code;
                    }
                }
            }
            State::LineComment => {
                if b == b'\n' {
                    state = State::Code;
                }
            }
            State::BlockComment => {
                if b == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    state = State::Code;
                    i += 1;
                }
            }
        }
        i += 1;
    }
    Scan {
        separators,
        end_state: state,
        depth,
    }
}

/// Splits a script into its statements. Empty statements (only blanks and comments) are
/// dropped, so a trailing `;` is allowed.
pub fn split_statements(text: &str) -> Vec<ScriptStatement<'_>> {
    let scan = scan(text);
    let mut out = Vec::new();
    let mut start = 0;
    for end in scan
        .separators
        .into_iter()
        .chain(std::iter::once(text.len()))
    {
        let piece = &text[start..end];
        if !is_blank(piece) {
            out.push(ScriptStatement {
                text: piece,
                offset: start,
            });
        }
        start = (end + 1).min(text.len());
    }
    out
}

/// True when the text holds nothing but white space and comments.
pub fn is_blank(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        if rest.is_empty() {
            return true;
        }
        if let Some(r) = rest.strip_prefix("//") {
            match r.find('\n') {
                Some(nl) => rest = r[nl + 1..].trim_start(),
                None => return true,
            }
        } else if let Some(r) = rest.strip_prefix("/*") {
            match r.find("*/") {
                Some(e) => rest = r[e + 2..].trim_start(),
                None => return true,
            }
        } else {
            return false;
        }
    }
}

/// True when the input ends inside a string, quoted name or block comment, or with an
/// unclosed bracket: more lines are needed before it can be a statement.
pub fn is_incomplete(text: &str) -> bool {
    let s = scan(text);
    matches!(
        s.end_state,
        State::Single | State::Double | State::Backtick | State::BlockComment
    ) || s.depth > 0
}

/// True when the input holds a complete statement: a top-level `;` outside strings and
/// comments.
pub fn has_terminator(text: &str) -> bool {
    !scan(text).separators.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_strings_and_comments() {
        let s = "CREATE (:A {s: 'a;b'}); // c;\nRETURN \"x;\" /* ; */ ;\n;  ";
        let parts: Vec<&str> = split_statements(s).iter().map(|p| p.text.trim()).collect();
        assert_eq!(
            parts,
            vec!["CREATE (:A {s: 'a;b'})", "// c;\nRETURN \"x;\" /* ; */"]
        );
    }

    #[test]
    fn offsets_point_into_the_script() {
        let s = "RETURN 1;\nRETURN 2";
        let parts = split_statements(s);
        assert_eq!(parts[1].offset, 9);
        assert_eq!(&s[parts[1].offset..], "\nRETURN 2");
    }

    #[test]
    fn incomplete_input() {
        assert!(is_incomplete("MATCH (n"));
        assert!(is_incomplete("RETURN 'abc"));
        assert!(!is_incomplete("RETURN 1"));
        assert!(has_terminator("RETURN 1;"));
        assert!(!has_terminator("RETURN ';'"));
    }
}
