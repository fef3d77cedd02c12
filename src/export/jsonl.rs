//! The `jsonl` export: one JSON object per line, the nodes (in id order) and then the
//! relationships (in id order), with kg's own ids:
//!
//! ```text
//! {"type":"node","id":0,"labels":["Person"],"properties":{"name":"Liu He"}}
//! {"type":"relationship","id":0,"label":"MET","start":0,"end":1,"properties":{}}
//! ```
//!
//! Property values use the encoding of `kg --format json` (floats always with a `.` or an
//! exponent, `{"$float": "NaN"}` for NaN and the infinities), except that temporal values
//! are tagged with their type so that nothing is lost: `{"$date": "2019-05-10"}`,
//! `{"$localtime": …}`, `{"$time": …}`, `{"$localdatetime": …}`, `{"$datetime": …}`,
//! `{"$duration": "P1D"}`. [`read`] parses the format back.

use super::{node_value, rel_value, write_failed, Selection};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Graph;
use crate::temporal::{Temporal, TemporalKind};
use crate::value::{format_float, Node, Relationship, Value};
use serde_json::{json, Map as JsonMap, Value as Json};
use std::collections::BTreeMap;
use std::io::Write;

const KINDS: [TemporalKind; 6] = [
    TemporalKind::Date,
    TemporalKind::LocalTime,
    TemporalKind::Time,
    TemporalKind::LocalDateTime,
    TemporalKind::DateTime,
    TemporalKind::Duration,
];

/// A property value in the export's JSON encoding.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Float(f) if !f.is_finite() => json!({ "$float": format_float(*f) }),
        Value::Temporal(t) => {
            let mut m = JsonMap::new();
            m.insert(
                format!("${}", t.kind().function_name()),
                Json::String(t.to_string()),
            );
            Json::Object(m)
        }
        Value::List(items) => Json::Array(items.iter().map(value_json).collect()),
        other => crate::output::value_json(other),
    }
}

fn props_json(props: &BTreeMap<String, Value>) -> Json {
    Json::Object(
        props
            .iter()
            .map(|(k, v)| (k.clone(), value_json(v)))
            .collect(),
    )
}

/// One node as a JSON object.
pub fn node_json(n: &Node) -> Json {
    json!({"type": "node", "id": n.id, "labels": n.labels, "properties": props_json(&n.properties)})
}

/// One relationship as a JSON object.
pub fn rel_json(r: &Relationship) -> Json {
    json!({"type": "relationship", "id": r.id, "label": r.rel_type, "start": r.start,
           "end": r.end, "properties": props_json(&r.properties)})
}

/// Writes the selection as JSON Lines.
pub fn write(graph: &Graph, selection: &Selection, out: &mut dyn Write) -> Result<()> {
    for &n in &selection.nodes {
        writeln!(out, "{}", node_json(&node_value(graph, n))).map_err(write_failed)?;
    }
    for &r in &selection.rels {
        writeln!(out, "{}", rel_json(&rel_value(graph, r))).map_err(write_failed)?;
    }
    Ok(())
}

fn bad(line: usize, what: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::ArgumentError,
        Some("InvalidArgumentValue"),
        format!("jsonl line {line}: {what}"),
    )
}

/// Decodes a property value of the export's JSON encoding.
pub fn json_value(j: &Json) -> std::result::Result<Value, String> {
    Ok(match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) if !n.to_string().contains(['.', 'e', 'E']) => Value::Int(i),
            _ => Value::Float(n.as_f64().ok_or_else(|| format!("bad number {n}"))?),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(json_value).collect::<Result<_, _>>()?),
        Json::Object(m) => {
            let (tag, text) = match (m.len(), m.iter().next()) {
                (1, Some((k, Json::String(s)))) => (k.as_str(), s.as_str()),
                _ => return Err(format!("unexpected object {j}")),
            };
            if tag == "$float" {
                return match text {
                    "NaN" => Ok(Value::Float(f64::NAN)),
                    "Infinity" => Ok(Value::Float(f64::INFINITY)),
                    "-Infinity" => Ok(Value::Float(f64::NEG_INFINITY)),
                    _ => Err(format!("bad $float {text:?}")),
                };
            }
            let kind = KINDS
                .into_iter()
                .find(|k| tag.strip_prefix('$') == Some(k.function_name()))
                .ok_or_else(|| format!("unknown tag {tag}"))?;
            Value::Temporal(
                Temporal::from_tagged_text(kind as u8, text)
                    .ok_or_else(|| format!("bad {tag} {text:?}"))?,
            )
        }
    })
}

fn props(line: usize, j: Option<&Json>) -> Result<BTreeMap<String, Value>> {
    match j {
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| Ok((k.clone(), json_value(v).map_err(|e| bad(line, e))?)))
            .collect(),
        _ => Err(bad(line, "missing properties object")),
    }
}

fn id(line: usize, o: &JsonMap<String, Json>, field: &str) -> Result<u64> {
    o.get(field)
        .and_then(Json::as_u64)
        .ok_or_else(|| bad(line, format!("missing or bad {field}")))
}

/// Parses a `jsonl` export back into its nodes and relationships.
pub fn read(text: &str) -> Result<(Vec<Node>, Vec<Relationship>)> {
    let mut nodes = Vec::new();
    let mut rels = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let j: Json = serde_json::from_str(line).map_err(|e| bad(line_no, e))?;
        let o = j.as_object().ok_or_else(|| bad(line_no, "not an object"))?;
        match o.get("type").and_then(Json::as_str) {
            Some("node") => nodes.push(Node {
                id: id(line_no, o, "id")?,
                labels: o
                    .get("labels")
                    .and_then(Json::as_array)
                    .ok_or_else(|| bad(line_no, "missing labels"))?
                    .iter()
                    .map(|l| l.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad(line_no, "a label is not a string"))?,
                properties: props(line_no, o.get("properties"))?,
            }),
            Some("relationship") => rels.push(Relationship {
                id: id(line_no, o, "id")?,
                rel_type: o
                    .get("label")
                    .and_then(Json::as_str)
                    .ok_or_else(|| bad(line_no, "missing label"))?
                    .to_string(),
                start: id(line_no, o, "start")?,
                end: id(line_no, o, "end")?,
                properties: props(line_no, o.get("properties"))?,
            }),
            _ => return Err(bad(line_no, "type is neither node nor relationship")),
        }
    }
    Ok((nodes, rels))
}
