//! The `csv` export: a directory of CSV files in neo4j-admin's import convention, which
//! `kg import` (and neo4j-admin) load back:
//!
//! - `nodes-NN-LABELS.csv`: one file per label list (sorted), with `:ID` (the node's
//!   position in the export, numbered across files), `:LABEL` and typed property columns
//!   `key:long`, `key:double`, `key:boolean`, `key:string`, `key:date` (… every temporal
//!   type), `key:string[]` (…); a key holding values of several types in one label list
//!   splits the file in one per type combination;
//! - `relationships-NN-TYPE.csv`: one file per type (sorted), `:START_ID`, `:END_ID`,
//!   `:TYPE` and typed property columns, split the same way;
//! - `after-import.cypher`, when needed: what CSV cannot say — the graph's indexes, and
//!   the few values an empty field cannot carry (an empty string, an empty list, a list
//!   holding one empty string, a key with `:` or surrounding spaces), set by node or
//!   relationship id (ids as `kg import` assigns them: in file order from 0);
//! - `import.sh`: the `kg import` command line for the directory.
//!
//! The array delimiter is `;` unless a label or a string-list item holds one; then the
//! first of `|`, `^`, `~`, `\x1f` that none holds (import.sh passes it).

use super::{io_error, node_value, rel_value, temp_path, Selection};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Graph;
use crate::val::{NodeId, RelId};
use crate::value::{format_float, Value};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Array delimiters to choose from, in order of preference.
const DELIMITERS: [char; 5] = [';', '|', '^', '~', '\x1f'];

/// The column type of a value, or `None` when an empty field would lose it.
fn column_type(v: &Value) -> Option<String> {
    Some(match v {
        Value::Int(_) => "long".into(),
        Value::Float(_) => "double".into(),
        Value::Bool(_) => "boolean".into(),
        Value::String(s) if s.is_empty() => return None,
        Value::String(_) => "string".into(),
        Value::Temporal(t) => t.kind().function_name().into(),
        Value::List(items) => match items.as_slice() {
            [] => return None,
            [Value::String(s)] if s.is_empty() => return None,
            [first, ..] => format!("{}[]", scalar_type(first)?),
        },
        _ => return None,
    })
}

fn scalar_type(v: &Value) -> Option<&'static str> {
    Some(match v {
        Value::Int(_) => "long",
        Value::Float(_) => "double",
        Value::Bool(_) => "boolean",
        Value::String(_) => "string",
        Value::Temporal(t) => t.kind().function_name(),
        _ => return None,
    })
}

/// True when a property key can be a header column name.
fn plain_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(':') && key.trim() == key
}

fn field(v: &Value, delimiter: char) -> String {
    match v {
        Value::Float(f) if f.is_nan() => "NaN".into(),
        Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "Infinity" } else { "-Infinity" }.into()
        }
        Value::Float(f) => format_float(*f),
        Value::String(s) => s.clone(),
        Value::Temporal(t) => t.to_string(),
        Value::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| field(i, delimiter)).collect();
            parts.join(&delimiter.to_string())
        }
        other => other.to_string(),
    }
}

/// One file to write: its name, header columns (key, type) and rows.
struct FilePlan<T> {
    name: String,
    columns: Vec<(String, String)>,
    rows: Vec<T>,
}

/// A file-name-safe rendering of labels or a type.
fn file_part(names: &[String]) -> String {
    let mut s: String = names
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if !s.is_empty() {
        s.insert(0, '-');
    }
    s
}

/// Splits one group (label list or type) into files: keys with one type share a file;
/// each combination of types of the keys with several gets a file of its own.
fn plan_group<T: Copy>(
    rows: &[(T, BTreeMap<String, Value>)],
    prefix: &str,
    part: &str,
    counter: &mut usize,
) -> Vec<FilePlan<T>> {
    let mut types: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (_, props) in rows {
        for (k, v) in props {
            if let (true, Some(t)) = (plain_key(k), column_type(v)) {
                types.entry(k).or_default().insert(t);
            }
        }
    }
    let mixed: Vec<&str> = types
        .iter()
        .filter(|(_, ts)| ts.len() > 1)
        .map(|(k, _)| *k)
        .collect();
    let mut parts: BTreeMap<Vec<Option<String>>, Vec<T>> = BTreeMap::new();
    for (id, props) in rows {
        let signature = mixed
            .iter()
            .map(|k| props.get(*k).and_then(column_type))
            .collect();
        parts.entry(signature).or_default().push(*id);
    }
    parts
        .into_iter()
        .map(|(signature, ids)| {
            let columns = types
                .iter()
                .filter_map(|(k, ts)| match mixed.iter().position(|m| m == k) {
                    None => Some((k.to_string(), ts.iter().next()?.clone())),
                    Some(i) => signature[i].clone().map(|t| (k.to_string(), t)),
                })
                .collect();
            *counter += 1;
            FilePlan {
                name: format!("{prefix}-{:02}{part}.csv", *counter),
                columns,
                rows: ids,
            }
        })
        .collect()
}

/// Values that CSV cannot carry, grouped by (key, value literal) → ids.
type Fixups = BTreeMap<(String, String), Vec<usize>>;

fn note_fixups(
    props: &BTreeMap<String, Value>,
    columns: &[(String, String)],
    number: usize,
    fixups: &mut Fixups,
) {
    for (k, v) in props {
        let in_file = columns
            .iter()
            .any(|(c, t)| c == k && column_type(v).as_ref() == Some(t));
        if !in_file {
            fixups
                .entry((k.clone(), super::cypher::literal(v)))
                .or_default()
                .push(number);
        }
    }
}

fn choose_delimiter(graph: &Graph, selection: &Selection) -> Result<char> {
    let mut used: BTreeSet<char> = BTreeSet::new();
    let mut scan = |props: &BTreeMap<String, Value>| {
        for v in props.values() {
            if let Value::List(items) = v {
                for i in items {
                    if let Value::String(s) = i {
                        used.extend(s.chars().filter(|c| DELIMITERS.contains(c)));
                    }
                }
            }
        }
    };
    for &n in &selection.nodes {
        scan(&node_value(graph, n).properties);
    }
    for &r in &selection.rels {
        scan(&rel_value(graph, r).properties);
    }
    for &n in &selection.nodes {
        for l in graph.node_labels(n) {
            used.extend(
                graph
                    .label_name(*l)
                    .chars()
                    .filter(|c| DELIMITERS.contains(c)),
            );
        }
    }
    DELIMITERS
        .into_iter()
        .find(|d| !used.contains(d))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::ArgumentError,
                Some("InvalidArgumentValue"),
                "cannot export as csv: labels or string lists use every array delimiter kg \
                 tries (; | ^ ~ \\x1f)",
            )
        })
}

fn csv_writer(path: &Path) -> Result<csv::Writer<std::fs::File>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)
        .map_err(|e| csv_error(path, e))
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::new(
        ErrorKind::IoError,
        None,
        format!("cannot write {}: {e}", path.display()),
    )
}

/// Writes the files into `dir` (which exists and is empty).
fn write_files(graph: &Graph, selection: &Selection, dir: &Path) -> Result<()> {
    let delimiter = choose_delimiter(graph, selection)?;
    let d = delimiter.to_string();
    // Nodes, by label list, then split by type combination.
    let mut node_files: Vec<(Vec<String>, FilePlan<NodeId>)> = Vec::new();
    let mut counter = 0;
    for (labels, ids) in super::cypher::node_order(graph, selection) {
        let rows: Vec<(NodeId, BTreeMap<String, Value>)> = ids
            .iter()
            .map(|id| (*id, node_value(graph, *id).properties))
            .collect();
        for plan in plan_group(&rows, "nodes", &file_part(&labels), &mut counter) {
            node_files.push((labels.clone(), plan));
        }
    }
    let mut number: FxHashMap<NodeId, usize> = FxHashMap::default();
    let mut node_fixups = Fixups::new();
    let mut args = Vec::new();
    for (labels, plan) in &node_files {
        let path = dir.join(&plan.name);
        let mut w = csv_writer(&path)?;
        let mut header = vec![":ID".to_string(), ":LABEL".to_string()];
        header.extend(plan.columns.iter().map(|(k, t)| format!("{k}:{t}")));
        w.write_record(&header).map_err(|e| csv_error(&path, e))?;
        let label_field = labels.join(&d);
        for id in &plan.rows {
            let n = number.len();
            number.insert(*id, n);
            let props = node_value(graph, *id).properties;
            note_fixups(&props, &plan.columns, n, &mut node_fixups);
            let mut record = vec![n.to_string(), label_field.clone()];
            record.extend(plan.columns.iter().map(|(k, t)| match props.get(k) {
                Some(v) if column_type(v).as_ref() == Some(t) => field(v, delimiter),
                _ => String::new(),
            }));
            w.write_record(&record).map_err(|e| csv_error(&path, e))?;
        }
        w.flush()
            .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
        args.push(format!("--nodes \"$d/{}\"", plan.name));
    }
    // Relationships, by type, then split by type combination.
    let mut by_type: BTreeMap<String, Vec<RelId>> = BTreeMap::new();
    for &r in &selection.rels {
        let t = graph
            .rel_type(r)
            .map(|t| graph.type_name(t).to_string())
            .unwrap_or_default();
        by_type.entry(t).or_default().push(r);
    }
    let mut counter = 0;
    let mut rel_number = 0;
    let mut rel_fixups = Fixups::new();
    for (rel_type, ids) in &by_type {
        let rows: Vec<(RelId, BTreeMap<String, Value>)> = ids
            .iter()
            .map(|id| (*id, rel_value(graph, *id).properties))
            .collect();
        let part = file_part(std::slice::from_ref(rel_type));
        for plan in plan_group(&rows, "relationships", &part, &mut counter) {
            let path = dir.join(&plan.name);
            let mut w = csv_writer(&path)?;
            let mut header = vec![
                ":START_ID".to_string(),
                ":END_ID".to_string(),
                ":TYPE".to_string(),
            ];
            header.extend(plan.columns.iter().map(|(k, t)| format!("{k}:{t}")));
            w.write_record(&header).map_err(|e| csv_error(&path, e))?;
            for id in &plan.rows {
                let rel = rel_value(graph, *id);
                note_fixups(&rel.properties, &plan.columns, rel_number, &mut rel_fixups);
                rel_number += 1;
                let mut record = vec![
                    number[&NodeId(rel.start)].to_string(),
                    number[&NodeId(rel.end)].to_string(),
                    rel_type.clone(),
                ];
                record.extend(
                    plan.columns
                        .iter()
                        .map(|(k, t)| match rel.properties.get(k) {
                            Some(v) if column_type(v).as_ref() == Some(t) => field(v, delimiter),
                            _ => String::new(),
                        }),
                );
                w.write_record(&record).map_err(|e| csv_error(&path, e))?;
            }
            w.flush()
                .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
            args.push(format!("--relationships \"$d/{}\"", plan.name));
        }
    }
    // What CSV cannot say.
    let mut after = String::new();
    for ((key, literal), ids) in &node_fixups {
        let _ = writeln!(
            after,
            "MATCH (n) WHERE id(n) IN {ids:?} SET n.{} = {literal};",
            super::cypher::name(key)
        );
    }
    for ((key, literal), ids) in &rel_fixups {
        let _ = writeln!(
            after,
            "MATCH ()-[r]->() WHERE id(r) IN {ids:?} SET r.{} = {literal};",
            super::cypher::name(key)
        );
    }
    for idx in super::cypher::schema_order(graph) {
        let _ = writeln!(after, "{}", super::cypher::index_statement(graph, idx));
    }
    let shell_delimiter = match delimiter {
        '\x1f' => "\"$(printf '\\037')\"".to_string(),
        c => format!("'{c}'"),
    };
    let mut script = format!(
        "#!/bin/sh\n\
         # Rebuilds the exported graph as a kg snapshot: sh import.sh OUTPUT.kg\n\
         set -e\n\
         d=$(dirname \"$0\")\n\
         kg import --id-type integer --array-delimiter {shell_delimiter} \\\n  {} \\\n  --output \"$1\"\n",
        args.join(" \\\n  ")
    );
    if !after.is_empty() {
        let path = dir.join("after-import.cypher");
        std::fs::write(&path, &after)
            .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
        script.push_str("kg --db \"$1\" -f \"$d/after-import.cypher\" > /dev/null\n");
    }
    let path = dir.join("import.sh");
    std::fs::write(&path, script)
        .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
    Ok(())
}

/// Writes the selection as a directory of CSV files at `path`, which must not exist or be
/// an empty directory. The files are written into a temporary directory next to it,
/// renamed into place only when complete.
pub fn write_dir(graph: &Graph, selection: &Selection, path: &Path) -> Result<()> {
    if path.exists() {
        let empty_dir = path.is_dir()
            && std::fs::read_dir(path)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if !empty_dir {
            return Err(Error::new(
                ErrorKind::IoError,
                None,
                format!(
                    "{}: exists already (the csv export writes a new directory)",
                    path.display()
                ),
            ));
        }
    }
    let tmp = temp_path(path);
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp)
        .map_err(|e| io_error(&format!("cannot create {}", path.display()), &e))?;
    let result = write_files(graph, selection, &tmp).and_then(|()| {
        std::fs::rename(&tmp, path)
            .map_err(|e| io_error(&format!("cannot create {}", path.display()), &e))
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}
