//! Tab completion: works out what kind of word the cursor is on (a label after `:` in a
//! node pattern, a relationship type after `[:`, a property key after `.`, a parameter
//! after `$`, a keyword, function or variable elsewhere, a `:command` or its argument)
//! and offers the matching names, taking labels, types and keys from the live graph
//! through the [`Catalog`] trait.

use super::commands;
use super::lex::{self, Token, TokenKind};
use super::words::{is_keyword, FUNCTIONS, KEYWORDS};
use crate::store::Graph;
use crate::Params;
use std::collections::BTreeSet;

/// The names completion draws on, from the graph and the session.
pub trait Catalog {
    fn labels(&self) -> Vec<String>;
    fn rel_types(&self) -> Vec<String>;
    fn property_keys(&self) -> Vec<String>;
    /// Keys found on nodes with this label (empty when unknown).
    fn keys_of_label(&self, label: &str) -> Vec<String>;
    /// Keys found on relationships of this type (empty when unknown).
    fn keys_of_type(&self, rel_type: &str) -> Vec<String>;
    fn params(&self) -> Vec<String>;
}

/// What the word under the cursor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// A clause or expression position: keywords, functions and variables.
    General,
    Label,
    RelType,
    /// A property key after `var.`; `of` is the variable when there is one.
    PropertyKey {
        of: Option<String>,
    },
    /// A key in a map literal; `label` is the label of the node pattern it belongs to.
    MapKey {
        label: Option<String>,
    },
    Param,
    Command,
    /// A file name argument of `:save`, `:open` or `:source`.
    File,
    /// Fixed words, e.g. `table`, `json`, `csv` after `:format`.
    Words(&'static [&'static str]),
    /// Inside a string, a comment or a number: nothing to offer.
    Nothing,
}

/// Where the word being completed starts, what it is, and its typed prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub start: usize,
    pub context: Context,
    pub prefix: String,
}

/// A variable bound in a statement, with the label or type its pattern names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    pub label: Option<String>,
    pub rel_type: Option<String>,
}

/// One completion: what the list shows and what replaces the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

/// Finds what is being completed at byte `pos` of `line`.
pub fn site(line: &str, pos: usize) -> Site {
    let pos = floor_boundary(line, pos.min(line.len()));
    let before = &line[..pos];
    let trimmed = before.trim_start();
    if trimmed.starts_with(':') {
        return command_site(before, pos);
    }
    cypher_site(before, 0)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn command_site(before: &str, pos: usize) -> Site {
    let lead = before.len() - before.trim_start().len();
    let body = &before[lead..];
    let Some(space) = body.find(char::is_whitespace) else {
        return Site {
            start: lead,
            context: Context::Command,
            prefix: body.to_string(),
        };
    };
    let name = body[1..space].to_ascii_lowercase();
    let args_start = lead + space + (body[space..].len() - body[space..].trim_start().len());
    let args = &before[args_start..];
    let word_site = |context: Context| {
        let start = args_start + args.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        Site {
            start,
            context,
            prefix: before[start..pos].to_string(),
        }
    };
    match name.trim_end_matches('!') {
        "save" | "open" | "source" => Site {
            start: args_start,
            context: Context::File,
            prefix: args.to_string(),
        },
        "help" => word_site(Context::Command),
        "format" => word_site(Context::Words(&["table", "json", "csv"])),
        "timing" => word_site(Context::Words(&["on", "off"])),
        "explain" => cypher_site(before, args_start),
        "param" => match args.find("=>") {
            Some(i) => cypher_site(before, args_start + i + 2),
            None => word_site(Context::Nothing),
        },
        _ => word_site(Context::Nothing),
    }
}

/// The significant tokens of the statement the cursor is in (after the last `;`).
fn statement_tokens(text: &str, from: usize) -> Vec<Token> {
    let tokens: Vec<Token> = lex::tokenize(&text[from..])
        .into_iter()
        .map(|t| Token {
            kind: t.kind,
            start: t.start + from,
            end: t.end + from,
        })
        .collect();
    let last_semi = tokens
        .iter()
        .rposition(|t| t.kind == TokenKind::Punct && t.text(text) == ";");
    tokens
        .into_iter()
        .skip(last_semi.map_or(0, |i| i + 1))
        .collect()
}

fn cypher_site(before: &str, from: usize) -> Site {
    let pos = before.len();
    let all = statement_tokens(before, from);
    let nothing = Site {
        start: pos,
        context: Context::Nothing,
        prefix: String::new(),
    };
    if let Some(last) = all.last() {
        match last.kind {
            TokenKind::String { .. } | TokenKind::Number => return nothing,
            TokenKind::Comment { closed } if !closed || last.text(before).starts_with("//") => {
                return nothing
            }
            TokenKind::Quoted { closed: false } => return nothing,
            TokenKind::Param => {
                return Site {
                    start: last.start + 1,
                    context: Context::Param,
                    prefix: before[last.start + 1..].to_string(),
                }
            }
            TokenKind::Punct if last.text(before) == "$" => {
                return Site {
                    start: pos,
                    context: Context::Param,
                    prefix: String::new(),
                }
            }
            _ => {}
        }
    }
    let sig: Vec<Token> = lex::significant(&all).copied().collect();
    let (start, prefix, prev_index) = match sig.last() {
        Some(t) if t.kind == TokenKind::Ident && t.end == pos => (
            t.start,
            t.text(before).to_string(),
            sig.len().checked_sub(2),
        ),
        _ => (pos, String::new(), sig.len().checked_sub(1)),
    };
    let context = match prev_index {
        Some(i) => context_after(before, &sig, i),
        None => Context::General,
    };
    Site {
        start,
        context,
        prefix,
    }
}

/// The innermost bracket still open just after token `index`, and its token index.
fn open_bracket(text: &str, sig: &[Token], index: usize) -> Option<(char, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (i, t) in sig.iter().enumerate().take(index + 1) {
        if t.kind != TokenKind::Punct {
            continue;
        }
        match t.text(text) {
            "(" => stack.push(('(', i)),
            "[" => stack.push(('[', i)),
            "{" => stack.push(('{', i)),
            ")" | "]" | "}" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

fn punct_is(text: &str, t: &Token, p: &str) -> bool {
    t.kind == TokenKind::Punct && t.text(text) == p
}

/// The context of a word that follows significant token `prev`.
fn context_after(text: &str, sig: &[Token], prev: usize) -> Context {
    let t = &sig[prev];
    if t.kind != TokenKind::Punct {
        return Context::General;
    }
    match t.text(text) {
        ":" => match open_bracket(text, sig, prev) {
            Some(('[', _)) => Context::RelType,
            Some(('{', _)) => Context::General,
            _ => Context::Label,
        },
        "|" => {
            // `:A|B` inside a pattern; `[x IN list | ...]` is an expression.
            let mut i = prev;
            while i >= 2 && sig[i - 1].kind == TokenKind::Ident {
                let before = &sig[i - 2];
                if punct_is(text, before, ":") {
                    return match open_bracket(text, sig, prev) {
                        Some(('[', _)) => Context::RelType,
                        _ => Context::Label,
                    };
                }
                if !punct_is(text, before, "|") {
                    break;
                }
                i -= 2;
            }
            Context::General
        }
        "." => match prev.checked_sub(1).map(|i| &sig[i]) {
            Some(v) if v.kind == TokenKind::Ident => Context::PropertyKey {
                of: Some(v.text(text).to_string()),
            },
            Some(v) if v.kind == TokenKind::Quoted { closed: true } => {
                let name = v.text(text);
                Context::PropertyKey {
                    of: Some(name[1..name.len() - 1].replace("``", "`")),
                }
            }
            Some(v) if v.kind == TokenKind::Number => Context::Nothing,
            _ => Context::PropertyKey { of: None },
        },
        "{" | "," => match open_bracket(text, sig, prev) {
            Some(('{', brace)) => Context::MapKey {
                label: pattern_label(text, sig, brace),
            },
            _ => Context::General,
        },
        _ => Context::General,
    }
}

/// For a `{` opening a node pattern's properties, the first label of that pattern.
fn pattern_label(text: &str, sig: &[Token], brace: usize) -> Option<String> {
    let (bracket, open) = open_bracket(text, sig, brace.checked_sub(1)?)?;
    if bracket != '(' {
        return None;
    }
    let inner = &sig[open + 1..brace];
    inner.windows(2).find_map(|w| {
        (punct_is(text, &w[0], ":") && w[1].kind == TokenKind::Ident)
            .then(|| w[1].text(text).to_string())
    })
}

/// Variables bound in the statement before `until`, with the labels their patterns name.
pub fn bindings(text: &str, until: usize) -> Vec<Binding> {
    let all = statement_tokens(&text[..until], 0);
    let sig: Vec<Token> = lex::significant(&all).copied().collect();
    let mut out: Vec<Binding> = Vec::new();
    let name_of = |t: &Token| -> Option<String> {
        match t.kind {
            TokenKind::Ident if !is_keyword(t.text(text)) => Some(t.text(text).to_string()),
            TokenKind::Quoted { closed: true } => {
                let s = t.text(text);
                Some(s[1..s.len() - 1].replace("``", "`"))
            }
            _ => None,
        }
    };
    for i in 0..sig.len() {
        let Some(name) = name_of(&sig[i]) else {
            continue;
        };
        let prev = i.checked_sub(1).map(|p| &sig[p]);
        let next = sig.get(i + 1);
        let next_text = next.map(|n| n.text(text));
        let after_open = prev.is_some_and(|p| punct_is(text, p, "(") || punct_is(text, p, "["));
        let in_pattern = after_open
            && match next_text {
                None => false,
                Some(n) => matches!(n, ":" | ")" | "]" | "{" | "*") || n.eq_ignore_ascii_case("IN"),
            };
        let after_as = prev.is_some_and(|p| p.text(text).eq_ignore_ascii_case("AS"));
        let path_var =
            next_text == Some("=") && sig.get(i + 2).is_some_and(|n| punct_is(text, n, "("));
        if !(in_pattern || after_as || path_var) {
            continue;
        }
        let mut binding = Binding {
            name: name.clone(),
            label: None,
            rel_type: None,
        };
        if in_pattern && next_text == Some(":") {
            if let Some(label) = sig.get(i + 2).and_then(name_of_label(text)) {
                if prev.is_some_and(|p| punct_is(text, p, "[")) {
                    binding.rel_type = Some(label);
                } else {
                    binding.label = Some(label);
                }
            }
        }
        match out.iter_mut().find(|b| b.name == name) {
            Some(existing) => {
                if existing.label.is_none() {
                    existing.label = binding.label;
                }
                if existing.rel_type.is_none() {
                    existing.rel_type = binding.rel_type;
                }
            }
            None => out.push(binding),
        }
    }
    out
}

fn name_of_label(text: &str) -> impl Fn(&Token) -> Option<String> + '_ {
    move |t: &Token| match t.kind {
        TokenKind::Ident => Some(t.text(text).to_string()),
        TokenKind::Quoted { closed: true } => {
            let s = t.text(text);
            Some(s[1..s.len() - 1].replace("``", "`"))
        }
        _ => None,
    }
}

/// A name as it must be written in Cypher: bare when it is a plain identifier, else in
/// backticks.
pub fn quote_name(name: &str) -> String {
    let mut chars = name.chars();
    let plain = matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

fn starts_with_ignore_case(word: &str, prefix: &str) -> bool {
    word.len() >= prefix.len()
        && word.is_char_boundary(prefix.len())
        && word[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn names(list: Vec<String>, prefix: &str) -> Vec<Candidate> {
    let set: BTreeSet<String> = list.into_iter().collect();
    set.into_iter()
        .filter(|n| starts_with_ignore_case(n, prefix))
        .map(|n| {
            let q = quote_name(&n);
            Candidate {
                display: q.clone(),
                replacement: q,
            }
        })
        .collect()
}

/// Completes the word at `pos`; returns where the replaced word starts and the candidates.
/// File names (`Context::File`) are left to the caller.
pub fn complete(line: &str, pos: usize, catalog: &dyn Catalog) -> (Site, Vec<Candidate>) {
    let site = site(line, pos);
    let prefix = site.prefix.as_str();
    let candidates = match &site.context {
        Context::Nothing | Context::File => Vec::new(),
        Context::Label => names(catalog.labels(), prefix),
        Context::RelType => names(catalog.rel_types(), prefix),
        Context::Param => names(catalog.params(), prefix),
        Context::PropertyKey { of } => {
            let bound = of
                .as_deref()
                .and_then(|v| bindings(line, site.start).into_iter().find(|b| b.name == v));
            let specific = match bound {
                Some(Binding { label: Some(l), .. }) => catalog.keys_of_label(&l),
                Some(Binding {
                    rel_type: Some(t), ..
                }) => catalog.keys_of_type(&t),
                _ => Vec::new(),
            };
            let mut c = names(specific, prefix);
            if c.is_empty() {
                c = names(catalog.property_keys(), prefix);
            }
            c
        }
        Context::MapKey { label } => {
            let specific = label
                .as_deref()
                .map(|l| catalog.keys_of_label(l))
                .unwrap_or_default();
            let mut c = names(specific, prefix);
            if c.is_empty() {
                c = names(catalog.property_keys(), prefix);
            }
            c
        }
        Context::Command => {
            let bare = prefix.trim_start_matches(':');
            let with_colon = prefix.starts_with(':');
            commands::command_words()
                .into_iter()
                .filter(|w| w[1..].starts_with(&bare.to_ascii_lowercase()))
                .map(|w| {
                    let r = if with_colon {
                        w.clone()
                    } else {
                        w[1..].to_string()
                    };
                    Candidate {
                        display: w,
                        replacement: r,
                    }
                })
                .collect()
        }
        Context::Words(words) => words
            .iter()
            .filter(|w| w.starts_with(prefix))
            .map(|w| Candidate {
                display: w.to_string(),
                replacement: w.to_string(),
            })
            .collect(),
        Context::General => general(line, &site, catalog),
    };
    (site, candidates)
}

fn general(line: &str, site: &Site, _catalog: &dyn Catalog) -> Vec<Candidate> {
    let prefix = site.prefix.as_str();
    let mut out: Vec<Candidate> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |out: &mut Vec<Candidate>, display: String, replacement: String| {
        if seen.insert(replacement.clone()) {
            out.push(Candidate {
                display,
                replacement,
            });
        }
    };
    for b in bindings(line, site.start) {
        if b.name.starts_with(prefix) {
            let q = quote_name(&b.name);
            push(&mut out, q.clone(), q);
        }
    }
    let lower = !prefix.is_empty() && prefix.chars().all(|c| !c.is_uppercase());
    for k in KEYWORDS {
        if starts_with_ignore_case(k, prefix) {
            let word = if lower {
                k.to_ascii_lowercase()
            } else {
                k.to_string()
            };
            push(&mut out, word.clone(), word);
        }
    }
    if !prefix.is_empty() {
        for f in FUNCTIONS {
            if starts_with_ignore_case(f, prefix) {
                push(&mut out, format!("{f}()"), format!("{f}("));
            }
        }
    }
    out
}

/// The [`Catalog`] of a live graph and the session's parameters.
pub struct GraphCatalog<'a> {
    pub graph: &'a Graph,
    pub params: &'a Params,
}

/// How many nodes or relationships to look at when collecting keys for one label.
const KEY_SCAN_LIMIT: usize = 20_000;

impl Catalog for GraphCatalog<'_> {
    fn labels(&self) -> Vec<String> {
        self.graph
            .label_names()
            .filter(|(s, _)| self.graph.label_count(*s) > 0)
            .map(|(_, n)| n.to_string())
            .collect()
    }
    fn rel_types(&self) -> Vec<String> {
        self.graph
            .type_names()
            .filter(|(s, _)| self.graph.type_count(*s) > 0)
            .map(|(_, n)| n.to_string())
            .collect()
    }
    fn property_keys(&self) -> Vec<String> {
        self.graph.key_names().map(|(_, n)| n.to_string()).collect()
    }
    fn keys_of_label(&self, label: &str) -> Vec<String> {
        let Some(sym) = self.graph.label_symbol(label) else {
            return Vec::new();
        };
        let mut keys = BTreeSet::new();
        for id in self.graph.nodes_with_label(sym).take(KEY_SCAN_LIMIT) {
            keys.extend(self.graph.node_props(id).iter().map(|(k, _)| *k));
        }
        keys.into_iter()
            .map(|k| self.graph.key_name(k).to_string())
            .collect()
    }
    fn keys_of_type(&self, rel_type: &str) -> Vec<String> {
        let Some(sym) = self.graph.type_symbol(rel_type) else {
            return Vec::new();
        };
        let mut keys = BTreeSet::new();
        for id in self.graph.rels().take(KEY_SCAN_LIMIT * 5) {
            if self.graph.rel_type(id) == Some(sym) {
                keys.extend(self.graph.rel_props(id).iter().map(|(k, _)| *k));
            }
        }
        keys.into_iter()
            .map(|k| self.graph.key_name(k).to_string())
            .collect()
    }
    fn params(&self) -> Vec<String> {
        self.params.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;

    impl Catalog for Fake {
        fn labels(&self) -> Vec<String> {
            vec!["Person".into(), "Place".into(), "Trade Body".into()]
        }
        fn rel_types(&self) -> Vec<String> {
            vec!["KNOWS".into(), "MET".into(), "MEMBER_OF".into()]
        }
        fn property_keys(&self) -> Vec<String> {
            vec![
                "name".into(),
                "nationality".into(),
                "day".into(),
                "born".into(),
            ]
        }
        fn keys_of_label(&self, label: &str) -> Vec<String> {
            match label {
                "Person" => vec!["name".into(), "born".into()],
                _ => Vec::new(),
            }
        }
        fn keys_of_type(&self, rel_type: &str) -> Vec<String> {
            match rel_type {
                "MET" => vec!["day".into()],
                _ => Vec::new(),
            }
        }
        fn params(&self) -> Vec<String> {
            vec!["limit".into(), "who".into()]
        }
    }

    fn ctx(line: &str) -> Context {
        site(line, line.len()).context
    }

    fn replacements(line: &str) -> Vec<String> {
        complete(line, line.len(), &Fake)
            .1
            .into_iter()
            .map(|c| c.replacement)
            .collect()
    }

    #[test]
    fn detects_the_context_of_the_cursor() {
        assert_eq!(ctx("MATCH (n:"), Context::Label);
        assert_eq!(ctx("MATCH (n:Per"), Context::Label);
        assert_eq!(ctx("MATCH (:Person:"), Context::Label);
        assert_eq!(ctx("MATCH (a)-[:"), Context::RelType);
        assert_eq!(ctx("MATCH (a)-[r:KN"), Context::RelType);
        assert_eq!(ctx("MATCH (a)-[r:KNOWS|"), Context::RelType);
        assert_eq!(ctx("MATCH (n) WHERE n:"), Context::Label);
        assert_eq!(ctx("RETURN {name: "), Context::General);
        assert_eq!(
            ctx("MATCH (n:Person {"),
            Context::MapKey {
                label: Some("Person".into())
            }
        );
        assert_eq!(
            ctx("MATCH (n:Person {name: 'x', b"),
            Context::MapKey {
                label: Some("Person".into())
            }
        );
        assert_eq!(
            ctx("MATCH (n) RETURN n.na"),
            Context::PropertyKey {
                of: Some("n".into())
            }
        );
        assert_eq!(ctx("RETURN [x IN range(1, 3) | x"), Context::General);
        assert_eq!(ctx("RETURN 'MATCH (n:"), Context::Nothing);
        assert_eq!(ctx("RETURN 1 // (n:"), Context::Nothing);
        assert_eq!(ctx("RETURN 1."), Context::Nothing);
        assert_eq!(ctx("RETURN $"), Context::Param);
        assert_eq!(ctx("RETURN $li"), Context::Param);
        assert_eq!(ctx("RETURN 1; MATCH (n:"), Context::Label);
        assert_eq!(ctx("MAT"), Context::General);
    }

    #[test]
    fn detects_commands_and_their_arguments() {
        assert_eq!(ctx(":sch"), Context::Command);
        assert_eq!(ctx(":"), Context::Command);
        assert_eq!(ctx(":source da"), Context::File);
        assert_eq!(ctx(":open! x"), Context::File);
        assert_eq!(ctx(":help pa"), Context::Command);
        assert_eq!(ctx(":format j"), Context::Words(&["table", "json", "csv"]));
        assert_eq!(ctx(":explain MATCH (n:"), Context::Label);
        assert_eq!(ctx(":param who => $"), Context::Param);
        let s = site(":source data/x", 14);
        assert_eq!((s.start, s.prefix.as_str()), (8, "data/x"));
    }

    #[test]
    fn completes_names_from_the_catalog() {
        assert_eq!(replacements("MATCH (n:Per"), vec!["Person"]);
        assert_eq!(replacements("MATCH (n:p"), vec!["Person", "Place"]);
        assert_eq!(replacements("MATCH (n:T"), vec!["`Trade Body`"]);
        assert_eq!(replacements("MATCH ()-[:ME"), vec!["MEMBER_OF", "MET"]);
        assert_eq!(replacements("RETURN $"), vec!["limit", "who"]);
        assert_eq!(replacements(":sch"), vec![":schema"]);
        assert_eq!(replacements(":help sch"), vec!["schema"]);
        assert_eq!(replacements(":format c"), vec!["csv"]);
    }

    #[test]
    fn property_keys_follow_the_variable_label() {
        assert_eq!(
            replacements("MATCH (p:Person) RETURN p."),
            vec!["born", "name"]
        );
        assert_eq!(replacements("MATCH (p:Person) RETURN p.n"), vec!["name"]);
        assert_eq!(
            replacements("MATCH (x) RETURN x.n"),
            vec!["name", "nationality"]
        );
        assert_eq!(replacements("MATCH ()-[m:MET]->() RETURN m."), vec!["day"]);
        assert_eq!(replacements("MATCH (n:Person {"), vec!["born", "name"]);
    }

    #[test]
    fn keywords_functions_and_variables() {
        let r = replacements("MATCH (person:Person)-[met:MET]->(other) RETURN p");
        assert_eq!(r[0], "person");
        assert!(r.contains(&"profile".to_string()));
        assert!(r.contains(&"percentileCont(".to_string()));
        let r = replacements("MATCH (person) RETURN P");
        assert_eq!(r[0], "PROFILE");
        assert_eq!(replacements("mat"), vec!["match"]);
        assert_eq!(replacements("RET"), vec!["RETURN"]);
        assert!(replacements("RETURN toUp").contains(&"toUpper(".to_string()));
        assert_eq!(
            replacements("MATCH (a)-[r]->(b) RETURN a, b, r ORDER BY o"),
            vec!["offset", "on", "optional", "or", "order"]
        );
    }

    #[test]
    fn bindings_come_from_patterns_as_and_paths() {
        let text = "MATCH p = (a:Person)-[r:MET]->(b) WITH a, count(*) AS n UNWIND [1] AS x \
                    RETURN [y IN range(1, 2) | y]";
        let b = bindings(text, text.len());
        let names: Vec<&str> = b.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, vec!["p", "a", "r", "b", "n", "x", "y"]);
        assert_eq!(b[1].label.as_deref(), Some("Person"));
        assert_eq!(b[2].rel_type.as_deref(), Some("MET"));
        // Only the current statement counts.
        let two = "MATCH (a) RETURN a; MATCH (b) RETURN ";
        let names: Vec<String> = bindings(two, two.len())
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(names, vec!["b"]);
    }

    #[test]
    fn names_that_need_backticks() {
        assert_eq!(quote_name("Person"), "Person");
        assert_eq!(quote_name("Trade Body"), "`Trade Body`");
        assert_eq!(quote_name("a`b"), "`a``b`");
        assert_eq!(quote_name("1st"), "`1st`");
    }
}
