//! The `cypher` export: a deterministic script that recreates the selection exactly,
//! indexes included, when run on an empty graph (`kg --db NEW.kg -f FILE`).
//!
//! Nodes are created in batches of `UNWIND [...] AS row CREATE ...`, one batch per label
//! list (sorted), each node carrying a temporary label `UNIQUE IMPORT LABEL` and property
//! `UNIQUE IMPORT ID` (its position in the script, as neo4j's exports do) under a
//! temporary index; relationships are created per type (sorted), their endpoints found
//! through that index; then the temporary label, property and index are removed and the
//! graph's own indexes created. Because nodes are numbered by their position in the
//! script and created in that order, export → run → export gives identical bytes.

use super::{node_value, rel_value, write_failed, Selection};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Graph;
use crate::val::NodeId;
use crate::value::{format_float, write_name, write_string_literal, Value};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// The temporary label, property key and index name that tie relationships to nodes.
pub const IMPORT_LABEL: &str = "UNIQUE IMPORT LABEL";
pub const IMPORT_KEY: &str = "UNIQUE IMPORT ID";
pub const IMPORT_INDEX: &str = "kg_export_unique_import_id";

/// Rows per `UNWIND` statement.
const BATCH: usize = 500;

/// Appends `v` as a Cypher expression that evaluates to exactly `v` (floats bit for bit
/// except NaN payloads; temporal values through their constructor functions).
pub fn write_literal(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            if f.is_nan() {
                out.push_str("(0.0 / 0.0)");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 {
                    "(1.0 / 0.0)"
                } else {
                    "(-1.0 / 0.0)"
                });
            } else {
                out.push_str(&format_float(*f));
            }
        }
        Value::String(s) => {
            let _ = write_string_literal(out, s);
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(out, item);
            }
            out.push(']');
        }
        Value::Map(m) => write_map(out, m),
        Value::Temporal(t) => {
            out.push_str(t.kind().function_name());
            out.push('(');
            let _ = write_string_literal(out, &t.to_string());
            out.push(')');
        }
        // Not property values; never stored.
        Value::Node(_) | Value::Relationship(_) | Value::Path(_) => out.push_str("null"),
    }
}

/// A value as a Cypher expression (see [`write_literal`]).
pub fn literal(v: &Value) -> String {
    let mut s = String::new();
    write_literal(&mut s, v);
    s
}

/// Appends a map literal `{key: value, ...}` with keys in sorted order.
pub fn write_map(out: &mut String, m: &BTreeMap<String, Value>) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write_name(out, k);
        out.push_str(": ");
        write_literal(out, v);
    }
    out.push('}');
}

/// A name (label, type, key, index) as Cypher writes it, backtick-quoted when needed.
/// The statement that creates an index, or the uniqueness constraint it backs.
pub fn schema_statement(index: &str, label: &str, key: &str, unique: bool) -> String {
    let (index, label, key) = (name(index), name(label), name(key));
    if unique {
        format!("CREATE CONSTRAINT {index} FOR (n:{label}) REQUIRE n.{key} IS UNIQUE;")
    } else {
        format!("CREATE INDEX {index} FOR (n:{label}) ON (n.{key});")
    }
}

/// The graph's indexes in the order exports create them: plain indexes, then the
/// constraints (the order a snapshot keeps them in, so an export → load → export repeats).
pub fn schema_order(graph: &Graph) -> impl Iterator<Item = &crate::store::PropertyIndex> {
    let all = graph.indexes();
    all.iter()
        .filter(|i| !i.unique)
        .chain(all.iter().filter(|i| i.unique))
}

/// The schema statement for one of the graph's indexes.
pub fn index_statement(graph: &Graph, idx: &crate::store::PropertyIndex) -> String {
    schema_statement(
        &idx.name,
        graph.label_name(idx.label),
        graph.key_name(idx.key),
        idx.unique,
    )
}

pub fn name(n: &str) -> String {
    let mut s = String::new();
    let _ = write_name(&mut s, n);
    s
}

/// `:A:B` for a list of labels.
pub fn labels(ls: &[String]) -> String {
    ls.iter().map(|l| format!(":{}", name(l))).collect()
}

/// The order nodes are written in: by label list, then by id. The position in this order
/// is a node's number in the `cypher` and `csv` exports.
pub fn node_order(graph: &Graph, selection: &Selection) -> Vec<(Vec<String>, Vec<NodeId>)> {
    let mut groups: BTreeMap<Vec<String>, Vec<NodeId>> = BTreeMap::new();
    for &id in &selection.nodes {
        let ls = graph
            .node_labels(id)
            .iter()
            .map(|l| graph.label_name(*l).to_string())
            .collect();
        groups.entry(ls).or_default().push(id);
    }
    groups.into_iter().collect()
}

fn refuse_reserved(graph: &Graph, selection: &Selection) -> Result<()> {
    let clash = |what: &str| {
        Err(Error::new(
            ErrorKind::ArgumentError,
            Some("InvalidArgumentValue"),
            format!("cannot export as cypher: the graph uses the reserved {what}"),
        ))
    };
    if let Some(l) = graph.label_symbol(IMPORT_LABEL) {
        if graph.label_count(l) > 0 {
            return clash(&format!("label `{IMPORT_LABEL}`"));
        }
    }
    if let Some(k) = graph.key_symbol(IMPORT_KEY) {
        if selection
            .nodes
            .iter()
            .any(|n| graph.node_prop(*n, k).is_some())
        {
            return clash(&format!("property key `{IMPORT_KEY}`"));
        }
    }
    if graph.indexes().iter().any(|i| i.name == IMPORT_INDEX) {
        return clash(&format!("index name `{IMPORT_INDEX}`"));
    }
    Ok(())
}

/// Writes the script; the graph's indexes are always included (they are schema, and
/// `CREATE INDEX` fills them from whatever nodes the script created).
pub fn write(graph: &Graph, selection: &Selection, out: &mut dyn Write) -> Result<()> {
    refuse_reserved(graph, selection)?;
    let groups = node_order(graph, selection);
    let mut number: FxHashMap<NodeId, usize> = FxHashMap::default();
    let indexes = graph.indexes();
    let mut text = String::new();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        text,
        "// kg export: {}, {}, {}.\n\
         // Run it on an empty graph: kg --db NEW.kg -f THIS_FILE (or :source THIS_FILE in the shell).",
        count(selection.nodes.len(), "node", "nodes"),
        count(selection.rels.len(), "relationship", "relationships"),
        count(indexes.len(), "index", "indexes")
    );
    let label = name(IMPORT_LABEL);
    let key = name(IMPORT_KEY);
    let emit = |text: &mut String, out: &mut dyn Write| -> Result<()> {
        out.write_all(text.as_bytes()).map_err(write_failed)?;
        text.clear();
        Ok(())
    };
    if !selection.nodes.is_empty() {
        let _ = writeln!(
            text,
            "CREATE INDEX {IMPORT_INDEX} FOR (n:{label}) ON (n.{key});"
        );
    }
    for (ls, ids) in &groups {
        for chunk in ids.chunks(BATCH) {
            text.push_str("UNWIND [");
            for (i, id) in chunk.iter().enumerate() {
                let n = number.len();
                number.insert(*id, n);
                text.push_str(if i == 0 { "\n" } else { ",\n" });
                let _ = write!(text, "{{_id: {n}, properties: ");
                write_map(&mut text, &node_value(graph, *id).properties);
                text.push('}');
            }
            let _ = writeln!(
                text,
                "\n] AS row\nCREATE (n{}:{label} {{{key}: row._id}}) SET n += row.properties;",
                labels(ls)
            );
            emit(&mut text, out)?;
        }
    }
    let mut by_type: BTreeMap<String, Vec<crate::val::RelId>> = BTreeMap::new();
    for &r in &selection.rels {
        let t = graph
            .rel_type(r)
            .map(|t| graph.type_name(t).to_string())
            .unwrap_or_default();
        by_type.entry(t).or_default().push(r);
    }
    for (t, rels) in &by_type {
        for chunk in rels.chunks(BATCH) {
            text.push_str("UNWIND [");
            for (i, r) in chunk.iter().enumerate() {
                let rel = rel_value(graph, *r);
                // A selection holds the endpoints of its relationships.
                let (a, b) = (number[&NodeId(rel.start)], number[&NodeId(rel.end)]);
                text.push_str(if i == 0 { "\n" } else { ",\n" });
                let _ = write!(text, "{{start: {a}, end: {b}, properties: ");
                write_map(&mut text, &rel.properties);
                text.push('}');
            }
            let _ = writeln!(
                text,
                "\n] AS row\nMATCH (a:{label} {{{key}: row.start}}), (b:{label} {{{key}: row.end}})\n\
                 CREATE (a)-[r:{}]->(b) SET r += row.properties;",
                name(t)
            );
            emit(&mut text, out)?;
        }
    }
    if !selection.nodes.is_empty() {
        let _ = writeln!(
            text,
            "MATCH (n:{label}) REMOVE n:{label}, n.{key};\nDROP INDEX {IMPORT_INDEX};"
        );
    }
    for idx in schema_order(graph) {
        let _ = writeln!(text, "{}", index_statement(graph, idx));
    }
    emit(&mut text, out)
}
