//! Snapshot diff: what changed between two graphs A and B, pairing nodes and
//! relationships by id (kg's ids are never reused and are kept by snapshots, so a node of
//! A and of a later B with the same id are the same node). Lists nodes and relationships
//! added, removed and changed (labels, properties old → new) and index changes; prints
//! them as text ([`text`]) or as a Cypher script that turns A into B ([`cypher`]).
//!
//! Semantics, in `docs/diff.md`: a relationship whose type or endpoints differ under the
//! same id counts as removed and added; label order is not a change; property values are
//! compared exactly (NaN equals NaN, -0.0 differs from 0.0, 1 differs from 1.0). Applying
//! the Cypher script to A gives B up to the ids of added nodes and relationships, which
//! get fresh ids; [`canonical`] prints a graph without ids, so that the two compare equal.

pub mod cypher;
pub mod text;

use crate::export::cypher::literal;
use crate::store::Graph;
use crate::val::{NodeId, RelId};
use crate::value::{Node, Relationship, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A property that differs: key, value in A, value in B (`None`: absent).
pub type PropChange = (String, Option<Value>, Option<Value>);

/// A node in both graphs whose labels or properties differ.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeChange {
    pub id: u64,
    pub labels_added: Vec<String>,
    pub labels_removed: Vec<String>,
    pub props: Vec<PropChange>,
    /// The node as it is in B.
    pub after: Node,
}

/// A relationship in both graphs whose properties differ.
#[derive(Debug, Clone, PartialEq)]
pub struct RelChange {
    pub id: u64,
    pub props: Vec<PropChange>,
    /// The relationship as it is in B.
    pub after: Relationship,
}

/// An index definition: name, label, property key, and whether it backs a uniqueness
/// constraint.
pub type IndexDef = (String, String, String, bool);

/// The differences between graph A and graph B.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphDiff {
    pub nodes_added: Vec<Node>,
    pub nodes_removed: Vec<Node>,
    pub nodes_changed: Vec<NodeChange>,
    pub rels_added: Vec<Relationship>,
    pub rels_removed: Vec<Relationship>,
    pub rels_changed: Vec<RelChange>,
    pub indexes_added: Vec<IndexDef>,
    pub indexes_removed: Vec<IndexDef>,
}

impl GraphDiff {
    /// True when A and B are the same graph.
    pub fn is_empty(&self) -> bool {
        *self == GraphDiff::default()
    }

    /// Counts, one line per kind: `nodes: 1 added, 0 removed, 2 changed` …
    pub fn summary(&self) -> String {
        format!(
            "nodes: {} added, {} removed, {} changed\n\
             relationships: {} added, {} removed, {} changed\n\
             indexes: {} added, {} removed\n",
            self.nodes_added.len(),
            self.nodes_removed.len(),
            self.nodes_changed.len(),
            self.rels_added.len(),
            self.rels_removed.len(),
            self.rels_changed.len(),
            self.indexes_added.len(),
            self.indexes_removed.len()
        )
    }
}

fn node(g: &Graph, id: NodeId) -> Node {
    match crate::exec::to_value(g, &crate::val::Val::Node(id)) {
        Value::Node(n) => n,
        _ => unreachable!("to_value keeps the kind"),
    }
}

fn rel(g: &Graph, id: RelId) -> Relationship {
    match crate::exec::to_value(g, &crate::val::Val::Rel(id)) {
        Value::Relationship(r) => r,
        _ => unreachable!("to_value keeps the kind"),
    }
}

/// Exact equality of property values (through their Cypher literals).
fn same(a: &Value, b: &Value) -> bool {
    literal(a) == literal(b)
}

fn prop_changes(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<PropChange> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter_map(|k| match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if same(x, y) => None,
            (x, y) => Some((k.clone(), x.cloned(), y.cloned())),
        })
        .collect()
}

fn indexes(g: &Graph) -> Vec<IndexDef> {
    g.indexes()
        .iter()
        .map(|i| {
            (
                i.name.clone(),
                g.label_name(i.label).to_string(),
                g.key_name(i.key).to_string(),
                i.unique,
            )
        })
        .collect()
}

/// Compares A with B.
pub fn diff(a: &Graph, b: &Graph) -> GraphDiff {
    let mut d = GraphDiff::default();
    for id in a.nodes() {
        if !b.contains_node(id) {
            d.nodes_removed.push(node(a, id));
        }
    }
    for id in b.nodes() {
        if !a.contains_node(id) {
            d.nodes_added.push(node(b, id));
            continue;
        }
        let (x, y) = (node(a, id), node(b, id));
        let labels_added: Vec<String> = y
            .labels
            .iter()
            .filter(|l| !x.labels.contains(l))
            .cloned()
            .collect();
        let labels_removed: Vec<String> = x
            .labels
            .iter()
            .filter(|l| !y.labels.contains(l))
            .cloned()
            .collect();
        let props = prop_changes(&x.properties, &y.properties);
        if !(labels_added.is_empty() && labels_removed.is_empty() && props.is_empty()) {
            d.nodes_changed.push(NodeChange {
                id: id.0,
                labels_added,
                labels_removed,
                props,
                after: y,
            });
        }
    }
    let same_ends = |r: RelId| {
        b.contains_rel(r) && a.rel_endpoints(r) == b.rel_endpoints(r) && {
            let (ta, tb) = (a.rel_type(r), b.rel_type(r));
            ta.map(|t| a.type_name(t)) == tb.map(|t| b.type_name(t))
        }
    };
    for id in a.rels() {
        if !same_ends(id) {
            d.rels_removed.push(rel(a, id));
        }
    }
    for id in b.rels() {
        if !a.contains_rel(id) || !same_ends(id) {
            d.rels_added.push(rel(b, id));
            continue;
        }
        let (x, y) = (rel(a, id), rel(b, id));
        let props = prop_changes(&x.properties, &y.properties);
        if !props.is_empty() {
            d.rels_changed.push(RelChange {
                id: id.0,
                props,
                after: y,
            });
        }
    }
    let (ia, ib) = (indexes(a), indexes(b));
    d.indexes_added = ib.iter().filter(|i| !ia.contains(i)).cloned().collect();
    d.indexes_removed = ia.iter().filter(|i| !ib.contains(i)).cloned().collect();
    d
}

fn node_text(n: &Node) -> String {
    let mut labels = n.labels.clone();
    labels.sort();
    let mut s = crate::export::cypher::labels(&labels);
    s.push(' ');
    crate::export::cypher::write_map(&mut s, &n.properties);
    s
}

/// The graph as sorted lines without ids: each node as `(:Labels {props})` (labels
/// sorted), each relationship as `(start)-[:TYPE {props}]->(end)` with its endpoints
/// written out, and each index. Two graphs that differ only in ids (and label order)
/// print the same text.
pub fn canonical(g: &Graph) -> String {
    let mut lines: Vec<String> = g
        .nodes()
        .map(|id| format!("node ({})", node_text(&node(g, id))))
        .collect();
    for id in g.rels() {
        let r = rel(g, id);
        let mut props = String::new();
        crate::export::cypher::write_map(&mut props, &r.properties);
        lines.push(format!(
            "relationship ({})-[:{} {props}]->({})",
            node_text(&node(g, NodeId(r.start))),
            crate::export::cypher::name(&r.rel_type),
            node_text(&node(g, NodeId(r.end)))
        ));
    }
    for (name, label, key, unique) in indexes(g) {
        let kind = if unique { "unique constraint" } else { "index" };
        lines.push(format!("{kind} {name} :{label}({key})"));
    }
    lines.sort();
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
