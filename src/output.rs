//! Rendering query results for people and programs: the JSON Lines contract of
//! `kg --format json`, RFC 4180 CSV, and aligned tables with values as Cypher literals.

use crate::database::QueryResult;
use crate::error::Error;
use crate::value::{format_float, Node, Relationship, Value};
use serde_json::{json, Map as JsonMap, Value as Json};

/// Output formats of the CLI and the REPL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            other => Err(format!(
                "unknown format '{other}' (expected table, json or csv)"
            )),
        }
    }
}

// ---------------------------------------------------------------- JSON

fn float_json(f: f64) -> Json {
    match serde_json::Number::from_f64(f) {
        // serde_json prints finite floats with ryu: shortest round-trip text, always with
        // a `.` or an exponent (`1.0`, `1e-305`).
        Some(n) => Json::Number(n),
        None => json!({ "$float": format_float(f) }),
    }
}

fn props_json(props: &std::collections::BTreeMap<String, Value>) -> Json {
    Json::Object(
        props
            .iter()
            .map(|(k, v)| (k.clone(), value_json(v)))
            .collect::<JsonMap<String, Json>>(),
    )
}

fn node_json(n: &Node) -> Json {
    json!({ "$node": { "id": n.id, "labels": n.labels, "properties": props_json(&n.properties) } })
}

fn rel_json(r: &Relationship) -> Json {
    json!({ "$relationship": {
        "id": r.id, "type": r.rel_type, "start": r.start, "end": r.end,
        "properties": props_json(&r.properties)
    } })
}

/// A value in the JSON contract's encoding.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => float_json(*f),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(value_json).collect()),
        Value::Map(m) => props_json(m),
        Value::Node(n) => node_json(n),
        Value::Relationship(r) => rel_json(r),
        Value::Path(p) => {
            let mut items = Vec::with_capacity(p.nodes.len() + p.relationships.len());
            for (i, n) in p.nodes.iter().enumerate() {
                if i > 0 {
                    if let Some(r) = p.relationships.get(i - 1) {
                        items.push(rel_json(r));
                    }
                }
                items.push(node_json(n));
            }
            json!({ "$path": items })
        }
        Value::Temporal(t) => Json::String(t.to_string()),
    }
}

/// One JSON Lines record for a successful statement.
pub fn result_json(result: &QueryResult) -> String {
    let mut stats = JsonMap::new();
    for (k, v) in result.stats.fields() {
        stats.insert(k.to_string(), Json::from(v));
    }
    let rows: Vec<Json> = result
        .rows
        .iter()
        .map(|row| Json::Array(row.iter().map(value_json).collect()))
        .collect();
    let mut obj = JsonMap::new();
    obj.insert("columns".into(), json!(result.columns));
    obj.insert("rows".into(), Json::Array(rows));
    obj.insert("stats".into(), Json::Object(stats));
    obj.insert(
        "elapsed_us".into(),
        Json::from(result.timing.total().as_micros() as u64),
    );
    if let Some(n) = &result.notice {
        obj.insert("notice".into(), Json::String(n.clone()));
    }
    if let Some(ops) = &result.profile {
        let ops: Vec<Json> = ops
            .iter()
            .map(|o| {
                json!({
                    "depth": o.depth,
                    "operator": o.operator,
                    "rows": o.rows,
                    "time_us": o.time.as_micros() as u64,
                    "self_time_us": o.self_time.as_micros() as u64,
                })
            })
            .collect();
        obj.insert("profile".into(), Json::Array(ops));
    }
    Json::Object(obj).to_string()
}

/// One JSON Lines record for a failed statement; `source` is the statement text the
/// error's span points into.
pub fn error_json(error: &Error, source: &str) -> String {
    let mut e = JsonMap::new();
    e.insert("kind".into(), json!(error.kind().name()));
    if let Some(code) = error.code() {
        e.insert("code".into(), json!(code));
    }
    e.insert("message".into(), json!(error.message()));
    e.insert("phase".into(), json!(error.phase().name()));
    if let Some((line, column)) = error.line_column(source) {
        e.insert("line".into(), json!(line));
        e.insert("column".into(), json!(column));
    }
    json!({ "error": Json::Object(e) }).to_string()
}

// ---------------------------------------------------------------- CSV

/// A value as a CSV field: strings bare, null empty, everything else as a Cypher literal.
pub fn csv_field(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The result as RFC 4180 CSV with a header row.
pub fn result_csv(result: &QueryResult) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    if !result.columns.is_empty() {
        let _ = w.write_record(&result.columns);
        for row in &result.rows {
            let _ = w.write_record(row.iter().map(csv_field));
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

// ---------------------------------------------------------------- tables

/// How to draw a table.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Show at most this many rows, then a line saying how many more.
    pub max_rows: usize,
    /// Truncate to this many columns of terminal width.
    pub width: Option<u16>,
    /// The longest a single cell may be before it is cut with `…`.
    pub max_cell: usize,
}

impl Default for TableOptions {
    fn default() -> TableOptions {
        TableOptions {
            max_rows: usize::MAX,
            width: None,
            max_cell: usize::MAX,
        }
    }
}

fn cut(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        text
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The result as an aligned table with values as Cypher literals. Returns the table
/// (empty when there are no columns) and how many rows were left out.
pub fn result_table(result: &QueryResult, opts: &TableOptions) -> (String, usize) {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
    if result.columns.is_empty() {
        return (String::new(), 0);
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    match opts.width {
        Some(w) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(w);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    // WHY's sources are listed under the table, not squeezed into a cell.
    let ncols = result.columns.len() - usize::from(result.why);
    table.set_header(result.columns.iter().take(ncols));
    let shown = result.rows.len().min(opts.max_rows);
    for row in &result.rows[..shown] {
        table.add_row(
            row.iter()
                .take(ncols)
                .map(|v| cut(v.to_string(), opts.max_cell)),
        );
    }
    let mut text = table.to_string();
    if let Some(sources) = sources_text(result, shown) {
        text.push('\n');
        text.push_str(&sources);
    }
    if let Some(profile) = profile_text(result) {
        text.push('\n');
        text.push_str(&profile);
    }
    (text, result.rows.len() - shown)
}

/// WHY's sources for the first `shown` rows, as numbered lists under the table:
///
/// ```text
/// row 1 — sources:
///   [2] Trade talks between the USA and China have been …
///       via person:donald_trump, claim:trump_good_intent
/// ```
pub fn sources_text(result: &QueryResult, shown: usize) -> Option<String> {
    if !result.why {
        return None;
    }
    let mut out = String::new();
    for (i, row) in result.rows.iter().take(shown).enumerate() {
        let Some(Value::List(sources)) = row.last() else {
            continue;
        };
        if sources.is_empty() {
            out.push_str(&format!("row {}: no sources\n", i + 1));
            continue;
        }
        out.push_str(&format!("row {} — sources:\n", i + 1));
        // Sentences that state the row's facts in full; those that only mention one of
        // its nodes on one line, unless nothing is stated.
        let stated =
            |s: &Value| matches!(s, Value::Map(m) if m.get("stated") == Some(&Value::Bool(true)));
        let any_stated = sources.iter().any(stated);
        let mut mentions: Vec<String> = Vec::new();
        let mut mentioned_by: Vec<String> = Vec::new();
        for s in sources {
            let Value::Map(m) = s else { continue };
            if any_stated && !stated(s) {
                mentions.push(match m.get("sentence") {
                    Some(Value::Int(n)) => format!("[{n}]"),
                    _ => "[–]".to_string(),
                });
                if let Some(Value::List(via)) = m.get("via") {
                    for v in via {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        if !mentioned_by.contains(&v) {
                            mentioned_by.push(v);
                        }
                    }
                }
                continue;
            }
            let text = match m.get("text") {
                Some(Value::String(t)) => t.clone(),
                _ => "(no text)".to_string(),
            };
            match m.get("sentence") {
                Some(Value::Int(n)) => out.push_str(&format!("  [{n}] {text}\n")),
                _ => out.push_str(&format!("  [–] {text}\n")),
            }
            if let Some(Value::List(via)) = m.get("via") {
                let via: Vec<String> = via
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                out.push_str(&format!("      via {}\n", via.join(", ")));
            }
        }
        if !mentions.is_empty() {
            out.push_str(&format!(
                "  also mentioned in {} (via {})\n",
                mentions.join(" "),
                mentioned_by.join(", ")
            ));
        }
    }
    let out = out.trim_end();
    (!out.is_empty()).then(|| out.to_string())
}

/// PROFILE's operator tree with rows and times, like EXPLAIN's with columns added.
pub fn profile_text(result: &QueryResult) -> Option<String> {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};
    let ops = result.profile.as_ref()?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(["operator", "rows", "time (ms)", "self (ms)"]);
    for o in ops {
        table.add_row([
            format!("{}+{}", "| ".repeat(o.depth), o.operator),
            o.rows.to_string(),
            format!("{:.3}", o.time.as_secs_f64() * 1e3),
            format!("{:.3}", o.self_time.as_secs_f64() * 1e3),
        ]);
    }
    for c in 1..4 {
        if let Some(col) = table.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    Some(table.to_string())
}

/// "Created 2 nodes, set 3 properties" for a write statement; None when nothing changed.
pub fn stats_summary(result: &QueryResult) -> Option<String> {
    let s = &result.stats;
    let parts: Vec<String> = [
        ("Created", s.nodes_created, "node"),
        ("Deleted", s.nodes_deleted, "node"),
        ("Created", s.relationships_created, "relationship"),
        ("Deleted", s.relationships_deleted, "relationship"),
        ("Set", s.properties_set, "property"),
        ("Added", s.labels_added, "label"),
        ("Removed", s.labels_removed, "label"),
    ]
    .iter()
    .filter(|(_, n, _)| *n > 0)
    .map(|(verb, n, noun)| {
        let noun = if *n == 1 {
            noun.to_string()
        } else if *noun == "property" {
            "properties".to_string()
        } else {
            format!("{noun}s")
        };
        format!("{} {n} {noun}", verb.to_lowercase())
    })
    .collect();
    if parts.is_empty() {
        return None;
    }
    let mut text = parts.join(", ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_their_point_in_json() {
        assert_eq!(value_json(&Value::Float(1.0)).to_string(), "1.0");
        assert_eq!(value_json(&Value::Float(1e300)).to_string(), "1e+300");
        assert_eq!(
            value_json(&Value::Float(f64::NEG_INFINITY)).to_string(),
            r#"{"$float":"-Infinity"}"#
        );
        assert_eq!(value_json(&Value::Int(3)).to_string(), "3");
    }

    #[test]
    fn summary_reads_like_a_sentence() {
        let mut r = QueryResult::default();
        r.stats.nodes_created = 2;
        r.stats.properties_set = 3;
        assert_eq!(
            stats_summary(&r).as_deref(),
            Some("Created 2 nodes, set 3 properties")
        );
    }
}
