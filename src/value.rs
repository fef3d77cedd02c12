//! The values a query returns to its caller: plain data, with nodes, relationships and
//! paths materialised (labels, type, properties), independent of the graph they came
//! from. `Display` prints a value as a Cypher literal, the way cypher-shell does.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// A value in a query result or a query parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Node(Node),
    Relationship(Relationship),
    Path(Path),
    /// A date, time, datetime or duration; prints as its ISO-8601 text.
    Temporal(crate::temporal::Temporal),
}

/// A node as returned by a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: u64,
    pub labels: Vec<String>,
    pub properties: BTreeMap<String, Value>,
}

/// A relationship as returned by a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub id: u64,
    pub rel_type: String,
    pub start: u64,
    pub end: u64,
    pub properties: BTreeMap<String, Value>,
}

/// A path: `nodes.len() == relationships.len() + 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub nodes: Vec<Node>,
    pub relationships: Vec<Relationship>,
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    pub fn as_node(&self) -> Option<&Node> {
        match self {
            Value::Node(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_relationship(&self) -> Option<&Relationship> {
        match self {
            Value::Relationship(r) => Some(r),
            _ => None,
        }
    }
    /// The name of the value's type as Cypher spells it (`INTEGER`, `STRING`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "BOOLEAN",
            Value::Int(_) => "INTEGER",
            Value::Float(_) => "FLOAT",
            Value::String(_) => "STRING",
            Value::List(_) => "LIST",
            Value::Map(_) => "MAP",
            Value::Node(_) => "NODE",
            Value::Relationship(_) => "RELATIONSHIP",
            Value::Path(_) => "PATH",
            Value::Temporal(t) => t.type_name(),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::String(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::String(v)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}

/// Formats a float as the shortest text that reads back to the same value, always with a
/// `.` or an exponent (`1.0`, `0.1`, `1e300`); `NaN`, `Infinity`, `-Infinity` otherwise.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// Writes a string as a single-quoted Cypher string literal.
pub fn write_string_literal(out: &mut impl Write, s: &str) -> fmt::Result {
    out.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => out.write_str("\\'")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(out, "\\u{:04X}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('\'')
}

/// Writes a label, type, key or variable name, backtick-quoted when it is not a plain identifier.
pub fn write_name(out: &mut impl Write, name: &str) -> fmt::Result {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        out.write_str(name)
    } else {
        write!(out, "`{}`", name.replace('`', "``"))
    }
}

fn write_properties(f: &mut impl Write, props: &BTreeMap<String, Value>) -> fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    f.write_str(" ")?;
    write_map(f, props)
}

fn write_map(f: &mut impl Write, map: &BTreeMap<String, Value>) -> fmt::Result {
    f.write_char('{')?;
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_name(f, k)?;
        write!(f, ": {v}")?;
    }
    f.write_char('}')
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        for label in &self.labels {
            f.write_char(':')?;
            write_name(f, label)?;
        }
        if self.labels.is_empty() {
            write_map_no_space(f, &self.properties)?;
        } else {
            write_properties(f, &self.properties)?;
        }
        f.write_char(')')
    }
}

fn write_map_no_space(f: &mut impl Write, props: &BTreeMap<String, Value>) -> fmt::Result {
    if props.is_empty() {
        Ok(())
    } else {
        write_map(f, props)
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[:")?;
        write_name(f, &self.rel_type)?;
        write_properties(f, &self.properties)?;
        f.write_char(']')
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('<')?;
        if let Some(first) = self.nodes.first() {
            write!(f, "{first}")?;
        }
        for (i, rel) in self.relationships.iter().enumerate() {
            let Some(next) = self.nodes.get(i + 1) else {
                break;
            };
            let prev = &self.nodes[i];
            if rel.start == prev.id && rel.end == next.id {
                write!(f, "-{rel}->{next}")?;
            } else {
                write!(f, "<-{rel}-{next}")?;
            }
        }
        f.write_char('>')
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_float(*x)),
            Value::String(s) => write_string_literal(f, s),
            Value::List(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
            Value::Map(m) => write_map(f, m),
            Value::Node(n) => write!(f, "{n}"),
            Value::Relationship(r) => write!(f, "{r}"),
            Value::Path(p) => write!(f, "{p}"),
            Value::Temporal(t) => write!(f, "{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_a_point() {
        assert_eq!(format_float(1.0), "1.0");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(-2.5e300), "-2.5e300");
        assert_eq!(format_float(f64::NAN), "NaN");
    }

    #[test]
    fn node_and_path_literals() {
        let a = Node {
            id: 0,
            labels: vec!["Person".into()],
            properties: [("name".to_string(), Value::from("Liu He"))].into(),
        };
        let b = Node {
            id: 1,
            labels: vec![],
            properties: BTreeMap::new(),
        };
        let r = Relationship {
            id: 0,
            rel_type: "MET".into(),
            start: 1,
            end: 0,
            properties: [("day".to_string(), Value::from("Wednesday"))].into(),
        };
        assert_eq!(a.to_string(), "(:Person {name: 'Liu He'})");
        let p = Path {
            nodes: vec![a, b],
            relationships: vec![r],
        };
        assert_eq!(
            p.to_string(),
            "<(:Person {name: 'Liu He'})<-[:MET {day: 'Wednesday'}]-()>"
        );
        assert_eq!(
            Value::from("it's").to_string(),
            "'it\\'s'",
            "quotes are escaped"
        );
    }
}
