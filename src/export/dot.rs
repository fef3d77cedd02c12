//! The `dot` export: GraphViz source. Each node is `nID` with a caption (its `name`,
//! `title` or `text` property, cut at 40 characters, over its labels; `:Label #ID` when it
//! has none of those), each relationship an edge labelled with its type.

use super::{write_failed, Selection};
use crate::error::Result;
use crate::store::Graph;
use crate::val::NodeId;
use crate::value::Value;
use std::io::Write;

/// The longest caption text, in characters, before it is cut with `…`.
pub const CAPTION_CHARS: usize = 40;

/// The caption of a node: its `name`, `title` or `text` (cut after `max_chars`), and its
/// labels on a second line; `:Label #ID` when it has none of those properties.
pub fn caption(graph: &Graph, id: NodeId, max_chars: usize) -> (String, String) {
    let labels: String = graph
        .node_labels(id)
        .iter()
        .map(|l| format!(":{}", graph.label_name(*l)))
        .collect();
    let text = ["name", "title", "text"].iter().find_map(|k| {
        let key = graph.key_symbol(k)?;
        match crate::exec::to_value(graph, graph.node_prop(id, key)?) {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    });
    match text {
        Some(t) => (cut(&t, max_chars), labels),
        None => (
            format!("{labels} #{}", id.0).trim_start().to_string(),
            String::new(),
        ),
    }
}

/// Cuts text at `max` characters and turns control characters into spaces.
fn cut(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// A DOT double-quoted string.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes the selection as a GraphViz digraph.
pub fn write(graph: &Graph, selection: &Selection, out: &mut dyn Write) -> Result<()> {
    let mut text = String::from(
        "digraph kg {\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  \
         edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for &n in &selection.nodes {
        let (main, labels) = caption(graph, n, CAPTION_CHARS);
        let label = if labels.is_empty() {
            main
        } else {
            format!("{main}\n{labels}")
        };
        text.push_str(&format!("  n{} [label={}];\n", n.0, quote(&label)));
    }
    for &r in &selection.rels {
        let (Some((a, b)), Some(t)) = (graph.rel_endpoints(r), graph.rel_type(r)) else {
            continue;
        };
        text.push_str(&format!(
            "  n{} -> n{} [label={}];\n",
            a.0,
            b.0,
            quote(graph.type_name(t))
        ));
    }
    text.push_str("}\n");
    out.write_all(text.as_bytes()).map_err(write_failed)
}
