//! Values in the TCK's expected-result notation: a parser for it (`1`, `2.5`, `'s'`, `[1, 2]`,
//! `{k: 1}`, `(:L {k: 1})`, `[:T {k: 1}]`, `<(:A)-[:T]->(:B)>`, `NaN`, `Inf`, `-Inf`), the
//! conversion of engine results into the same form, and the comparison of result tables.
//! Semantics follow `../shared/tools/tck_run.py`: integers and floats never compare equal,
//! floats compare exactly (NaN equals NaN, -0.0 equals 0.0), nodes compare by labels (any
//! order) and properties, relationships by type and properties, paths by their elements and
//! the direction of each hop; element ids are never compared.

use std::collections::BTreeMap;
use std::fmt::Write;

/// A value in canonical, comparable form.
#[derive(Debug, Clone)]
pub enum Tv {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Tv>),
    Map(BTreeMap<String, Tv>),
    /// Labels are kept sorted.
    Node {
        labels: Vec<String>,
        props: BTreeMap<String, Tv>,
    },
    Rel {
        rel_type: String,
        props: BTreeMap<String, Tv>,
    },
    /// `start` is a `Tv::Node`; each hop is (forward?, relationship, node).
    Path {
        start: Box<Tv>,
        hops: Vec<(bool, Tv, Tv)>,
    },
}

impl PartialEq for Tv {
    fn eq(&self, other: &Tv) -> bool {
        use Tv::*;
        match (self, other) {
            (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => (a.is_nan() && b.is_nan()) || a == b,
            (Str(a), Str(b)) => a == b,
            (List(a), List(b)) => a == b,
            (Map(a), Map(b)) => a == b,
            (
                Node {
                    labels: la,
                    props: pa,
                },
                Node {
                    labels: lb,
                    props: pb,
                },
            ) => la == lb && pa == pb,
            (
                Rel {
                    rel_type: ta,
                    props: pa,
                },
                Rel {
                    rel_type: tb,
                    props: pb,
                },
            ) => ta == tb && pa == pb,
            (
                Path {
                    start: sa,
                    hops: ha,
                },
                Path {
                    start: sb,
                    hops: hb,
                },
            ) => sa == sb && ha == hb,
            _ => false,
        }
    }
}

impl Tv {
    /// The value as a query parameter; graph elements cannot be parameters.
    pub fn to_value(&self) -> Result<kg::Value, String> {
        Ok(match self {
            Tv::Null => kg::Value::Null,
            Tv::Bool(b) => kg::Value::Bool(*b),
            Tv::Int(n) => kg::Value::Int(*n),
            Tv::Float(x) => kg::Value::Float(*x),
            Tv::Str(s) => kg::Value::String(s.clone()),
            Tv::List(items) => {
                kg::Value::List(items.iter().map(Tv::to_value).collect::<Result<_, _>>()?)
            }
            Tv::Map(map) => kg::Value::Map(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_value()?)))
                    .collect::<Result<_, String>>()?,
            ),
            Tv::Node { .. } | Tv::Rel { .. } | Tv::Path { .. } => {
                return Err(format!("a graph element cannot be a parameter: {self}"))
            }
        })
    }

    /// The value with the elements of every list (at every depth) in a canonical order.
    pub fn sort_lists(&self) -> Tv {
        let sort_props = |props: &BTreeMap<String, Tv>| {
            props
                .iter()
                .map(|(k, v)| (k.clone(), v.sort_lists()))
                .collect()
        };
        match self {
            Tv::List(items) => {
                let mut keyed: Vec<(String, Tv)> = items
                    .iter()
                    .map(|v| {
                        let v = v.sort_lists();
                        (v.sort_key(), v)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.cmp(&b.0));
                Tv::List(keyed.into_iter().map(|(_, v)| v).collect())
            }
            Tv::Map(map) => Tv::Map(sort_props(map)),
            Tv::Node { labels, props } => Tv::Node {
                labels: labels.clone(),
                props: sort_props(props),
            },
            Tv::Rel { rel_type, props } => Tv::Rel {
                rel_type: rel_type.clone(),
                props: sort_props(props),
            },
            other => other.clone(),
        }
    }

    /// A text that is equal for equal values (used to order list elements).
    fn sort_key(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, true);
        out
    }

    fn write(&self, out: &mut String, canonical: bool) {
        match self {
            Tv::Null => out.push_str("null"),
            Tv::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Tv::Int(n) => write!(out, "{n}").unwrap(),
            Tv::Float(x) => out.push_str(&render_float(*x, canonical)),
            Tv::Str(s) => {
                out.push('\'');
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
            }
            Tv::List(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, canonical);
                }
                out.push(']');
            }
            Tv::Map(map) => write_map(out, map, canonical),
            Tv::Node { labels, props } => {
                out.push('(');
                for label in labels {
                    out.push(':');
                    write_name(out, label);
                }
                if !props.is_empty() {
                    if !labels.is_empty() {
                        out.push(' ');
                    }
                    write_map(out, props, canonical);
                }
                out.push(')');
            }
            Tv::Rel { rel_type, props } => {
                out.push_str("[:");
                write_name(out, rel_type);
                if !props.is_empty() {
                    out.push(' ');
                    write_map(out, props, canonical);
                }
                out.push(']');
            }
            Tv::Path { start, hops } => {
                out.push('<');
                start.write(out, canonical);
                for (forward, rel, node) in hops {
                    out.push_str(if *forward { "-" } else { "<-" });
                    rel.write(out, canonical);
                    out.push_str(if *forward { "->" } else { "-" });
                    node.write(out, canonical);
                }
                out.push('>');
            }
        }
    }
}

fn render_float(x: f64, canonical: bool) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Inf" } else { "-Inf" }.into()
    } else if canonical && x == 0.0 {
        "0.0".into()
    } else {
        format!("{x:?}")
    }
}

fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn write_name(out: &mut String, name: &str) {
    if is_plain_name(name) {
        out.push_str(name);
    } else {
        write!(out, "`{name}`").unwrap();
    }
}

fn write_map(out: &mut String, map: &BTreeMap<String, Tv>, canonical: bool) {
    out.push('{');
    for (k, (key, value)) in map.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        write_name(out, key);
        out.push_str(": ");
        value.write(out, canonical);
    }
    out.push('}');
}

impl std::fmt::Display for Tv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        self.write(&mut out, false);
        f.write_str(&out)
    }
}

/// Renders a row as `| a | b |` for messages.
pub fn render_row(row: &[Tv]) -> String {
    let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
    format!("| {} |", cells.join(" | "))
}

// ---------------------------------------------------------------------------
// Parsing the TCK notation
// ---------------------------------------------------------------------------

/// Parses one value written in the TCK's expected-result notation.
pub fn parse_tck_value(text: &str) -> Result<Tv, String> {
    let mut parser = Parser {
        s: text.chars().collect(),
        i: 0,
        text,
    };
    let value = parser.value()?;
    parser.ws();
    if parser.i != parser.s.len() {
        return Err(parser.fail("unexpected trailing text"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: Vec<char>,
    i: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        format!("{what} at offset {} in {:?}", self.i, self.text)
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_whitespace() {
            self.i += 1;
        }
    }
    fn starts_with(&self, at: usize, lit: &str) -> bool {
        lit.chars()
            .enumerate()
            .all(|(k, c)| self.s.get(at + k) == Some(&c))
    }
    fn peek(&mut self, lit: &str) -> bool {
        self.ws();
        self.starts_with(self.i, lit)
    }
    fn eat(&mut self, lit: &str) -> Result<(), String> {
        if !self.peek(lit) {
            return Err(self.fail(&format!("expected {lit:?}")));
        }
        self.i += lit.chars().count();
        Ok(())
    }
    fn ident_continues(&self, j: usize) -> bool {
        matches!(self.s.get(j), Some(c) if c.is_alphanumeric() || *c == '_')
    }

    fn value(&mut self) -> Result<Tv, String> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.fail("expected a value"));
        };
        match c {
            '\'' => return Ok(Tv::Str(self.string()?)),
            '[' => {
                let mut j = self.i + 1;
                while j < self.s.len() && self.s[j].is_whitespace() {
                    j += 1;
                }
                return if self.s.get(j) == Some(&':') {
                    self.relationship()
                } else {
                    self.list()
                };
            }
            '{' => return Ok(Tv::Map(self.map_items()?)),
            '(' => return self.node(),
            '<' => return self.path(),
            _ => {}
        }
        let words: [(&str, Tv); 6] = [
            ("null", Tv::Null),
            ("true", Tv::Bool(true)),
            ("false", Tv::Bool(false)),
            ("NaN", Tv::Float(f64::NAN)),
            ("-Inf", Tv::Float(f64::NEG_INFINITY)),
            ("Inf", Tv::Float(f64::INFINITY)),
        ];
        for (word, value) in words {
            let end = self.i + word.len();
            if self.starts_with(self.i, word) && !self.ident_continues(end) {
                self.i = end;
                return Ok(value);
            }
        }
        if let Some(end) = self.number_end() {
            if !self.ident_continues(end) {
                let text: String = self.s[self.i..end].iter().collect();
                self.i = end;
                if text.contains(['.', 'e', 'E']) {
                    return text
                        .parse::<f64>()
                        .map(Tv::Float)
                        .map_err(|e| self.fail(&format!("bad float {text}: {e}")));
                }
                return text
                    .parse::<i64>()
                    .map(Tv::Int)
                    .map_err(|e| self.fail(&format!("bad integer {text}: {e}")));
            }
        }
        Err(self.fail("unrecognised value"))
    }

    /// The end of a number `-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?` starting here, if any.
    fn number_end(&self) -> Option<usize> {
        let digit = |j: usize| matches!(self.s.get(j), Some(c) if c.is_ascii_digit());
        let mut j = self.i;
        if self.s.get(j) == Some(&'-') {
            j += 1;
        }
        let int_start = j;
        while digit(j) {
            j += 1;
        }
        let has_int = j > int_start;
        if self.s.get(j) == Some(&'.') && (has_int || digit(j + 1)) {
            j += 1;
            while digit(j) {
                j += 1;
            }
        } else if !has_int {
            return None;
        }
        if matches!(self.s.get(j), Some('e' | 'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some('+' | '-')) {
                k += 1;
            }
            if digit(k) {
                while digit(k) {
                    k += 1;
                }
                j = k;
            }
        }
        Some(j)
    }

    fn string(&mut self) -> Result<String, String> {
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        while self.i < self.s.len() {
            let c = self.s[self.i];
            if c == '\\' && self.i + 1 < self.s.len() {
                let next = self.s[self.i + 1];
                if next == 'u' {
                    let hex: String = self.s[self.i + 2..(self.i + 6).min(self.s.len())]
                        .iter()
                        .collect();
                    if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        if let Some(ch) = char::from_u32(u32::from_str_radix(&hex, 16).unwrap()) {
                            out.push(ch);
                            self.i += 6;
                            continue;
                        }
                    }
                }
                match next {
                    '\'' | '"' | '\\' => out.push(next),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    '0' => out.push('\0'),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
                self.i += 2;
                continue;
            }
            if c == quote {
                self.i += 1;
                return Ok(out);
            }
            out.push(c);
            self.i += 1;
        }
        Err(self.fail("unterminated string"))
    }

    fn name(&mut self) -> Result<String, String> {
        self.ws();
        match self.s.get(self.i) {
            Some('`') => {
                let rest = &self.s[self.i + 1..];
                let Some(len) = rest.iter().position(|&c| c == '`') else {
                    return Err(self.fail("unterminated `name`"));
                };
                let name: String = rest[..len].iter().collect();
                self.i += len + 2;
                Ok(name)
            }
            Some('\'') => self.string(),
            Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.i;
                while matches!(self.s.get(self.i), Some(c) if c.is_ascii_alphanumeric() || *c == '_')
                {
                    self.i += 1;
                }
                Ok(self.s[start..self.i].iter().collect())
            }
            _ => Err(self.fail("expected a name")),
        }
    }

    fn list(&mut self) -> Result<Tv, String> {
        self.eat("[")?;
        let mut items = Vec::new();
        if !self.peek("]") {
            items.push(self.value()?);
            while self.peek(",") {
                self.eat(",")?;
                items.push(self.value()?);
            }
        }
        self.eat("]")?;
        Ok(Tv::List(items))
    }

    fn map_items(&mut self) -> Result<BTreeMap<String, Tv>, String> {
        self.eat("{")?;
        let mut items = BTreeMap::new();
        if !self.peek("}") {
            loop {
                let key = self.name()?;
                self.eat(":")?;
                if items.contains_key(&key) {
                    return Err(self.fail(&format!("duplicate key {key:?}")));
                }
                let value = self.value()?;
                items.insert(key, value);
                if !self.peek(",") {
                    break;
                }
                self.eat(",")?;
            }
        }
        self.eat("}")?;
        Ok(items)
    }

    fn labels(&mut self) -> Result<Vec<String>, String> {
        let mut names = Vec::new();
        while self.peek(":") {
            self.eat(":")?;
            names.push(self.name()?);
        }
        Ok(names)
    }

    fn node(&mut self) -> Result<Tv, String> {
        self.eat("(")?;
        let mut labels = self.labels()?;
        labels.sort();
        let props = if self.peek("{") {
            self.map_items()?
        } else {
            BTreeMap::new()
        };
        self.eat(")")?;
        Ok(Tv::Node { labels, props })
    }

    fn relationship(&mut self) -> Result<Tv, String> {
        self.eat("[")?;
        let mut types = self.labels()?;
        if types.len() != 1 {
            return Err(self.fail("a relationship needs exactly one type"));
        }
        let props = if self.peek("{") {
            self.map_items()?
        } else {
            BTreeMap::new()
        };
        self.eat("]")?;
        Ok(Tv::Rel {
            rel_type: types.pop().unwrap(),
            props,
        })
    }

    fn path(&mut self) -> Result<Tv, String> {
        self.eat("<")?;
        let start = self.node()?;
        let mut hops = Vec::new();
        while !self.peek(">") {
            let (forward, rel) = if self.peek("<-") {
                self.eat("<-")?;
                let rel = self.relationship()?;
                self.eat("-")?;
                (false, rel)
            } else {
                self.eat("-")?;
                let rel = self.relationship()?;
                self.eat("->")?;
                (true, rel)
            };
            hops.push((forward, rel, self.node()?));
        }
        self.eat(">")?;
        Ok(Tv::Path {
            start: Box::new(start),
            hops,
        })
    }
}

// ---------------------------------------------------------------------------
// Engine values
// ---------------------------------------------------------------------------

fn props_of(props: &BTreeMap<String, kg::Value>) -> Result<BTreeMap<String, Tv>, String> {
    props
        .iter()
        .map(|(k, v)| Ok((k.clone(), from_value(v)?)))
        .collect()
}

fn node_of(node: &kg::Node) -> Result<Tv, String> {
    let mut labels = node.labels.clone();
    labels.sort();
    Ok(Tv::Node {
        labels,
        props: props_of(&node.properties)?,
    })
}

fn rel_of(rel: &kg::Relationship) -> Result<Tv, String> {
    Ok(Tv::Rel {
        rel_type: rel.rel_type.clone(),
        props: props_of(&rel.properties)?,
    })
}

/// Converts an engine value into canonical form; fails on a malformed path.
pub fn from_value(value: &kg::Value) -> Result<Tv, String> {
    Ok(match value {
        kg::Value::Null => Tv::Null,
        kg::Value::Bool(b) => Tv::Bool(*b),
        kg::Value::Int(n) => Tv::Int(*n),
        kg::Value::Float(x) => Tv::Float(*x),
        kg::Value::String(s) => Tv::Str(s.clone()),
        kg::Value::List(items) => Tv::List(items.iter().map(from_value).collect::<Result<_, _>>()?),
        kg::Value::Map(map) => Tv::Map(props_of(map)?),
        kg::Value::Node(node) => node_of(node)?,
        kg::Value::Relationship(rel) => rel_of(rel)?,
        // The TCK writes temporal values as their ISO-8601 strings.
        kg::Value::Temporal(t) => Tv::Str(t.to_string()),
        kg::Value::Path(path) => {
            if path.nodes.len() != path.relationships.len() + 1 {
                return Err(format!(
                    "a path with {} nodes and {} relationships",
                    path.nodes.len(),
                    path.relationships.len()
                ));
            }
            let mut hops = Vec::new();
            for (k, rel) in path.relationships.iter().enumerate() {
                let (prev, next) = (path.nodes[k].id, path.nodes[k + 1].id);
                let forward = if (rel.start, rel.end) == (prev, next) {
                    true
                } else if (rel.start, rel.end) == (next, prev) {
                    false
                } else {
                    return Err(format!(
                        "path relationship {} ({} -> {}) does not connect nodes {} and {}",
                        rel.id, rel.start, rel.end, prev, next
                    ));
                };
                hops.push((forward, rel_of(rel)?, node_of(&path.nodes[k + 1])?));
            }
            Tv::Path {
                start: Box::new(node_of(&path.nodes[0])?),
                hops,
            }
        }
    })
}

// ---------------------------------------------------------------------------
// Comparing result tables
// ---------------------------------------------------------------------------

/// Compares a result table with the expected one; `None` when they agree, else a description.
pub fn compare_rows(
    expected_columns: &[String],
    expected_rows: &[Vec<Tv>],
    columns: &[String],
    rows: &[Vec<Tv>],
    ordered: bool,
    ignore_list_order: bool,
) -> Option<String> {
    if expected_columns != columns {
        return Some(format!(
            "columns differ: expected {expected_columns:?}, got {columns:?}"
        ));
    }
    let sorted = |rows: &[Vec<Tv>]| -> Vec<Vec<Tv>> {
        rows.iter()
            .map(|row| row.iter().map(Tv::sort_lists).collect())
            .collect()
    };
    let (expected_rows, rows) = if ignore_list_order {
        (sorted(expected_rows), sorted(rows))
    } else {
        (expected_rows.to_vec(), rows.to_vec())
    };
    if ordered {
        if expected_rows == rows {
            return None;
        }
        for (k, (e, a)) in expected_rows.iter().zip(&rows).enumerate() {
            if e != a {
                return Some(format!(
                    "rows differ (in order) at row {}: expected {}, got {}; expected {} rows, got {}",
                    k + 1,
                    render_row(e),
                    render_row(a),
                    expected_rows.len(),
                    rows.len()
                ));
            }
        }
        return Some(format!(
            "expected {} rows (in order), got {}",
            expected_rows.len(),
            rows.len()
        ));
    }
    // Multiset comparison: equality is an equivalence, so greedy matching is exact.
    let mut unmatched: Vec<Option<&Vec<Tv>>> = rows.iter().map(Some).collect();
    let mut missing = Vec::new();
    for e in &expected_rows {
        match unmatched.iter_mut().find(|a| a.is_some_and(|a| a == e)) {
            Some(slot) => *slot = None,
            None => missing.push(e),
        }
    }
    let extra: Vec<&Vec<Tv>> = unmatched.into_iter().flatten().collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let list = |rows: &[&Vec<Tv>]| {
        let shown: Vec<String> = rows.iter().take(5).map(|r| render_row(r)).collect();
        format!(
            "{}{}",
            shown.join("; "),
            if rows.len() > 5 { " ..." } else { "" }
        )
    };
    let mut parts = vec![format!(
        "expected {} rows (any order), got {}",
        expected_rows.len(),
        rows.len()
    )];
    if !missing.is_empty() {
        parts.push(format!("missing: {}", list(&missing)));
    }
    if !extra.is_empty() {
        parts.push(format!("unexpected: {}", list(&extra)));
    }
    Some(parts.join("; "))
}
