//! The text form of a diff, one entry per line in the manner of `diff -u`: `-` removed,
//! `+` added, `~` changed with indented `key: old → new` lines; values are Cypher
//! literals, `(none)` an absent property.

use super::{GraphDiff, PropChange};
use crate::export::cypher::{labels, literal, write_map};
use crate::value::{Node, Relationship, Value};
use std::fmt::Write as _;

fn node(n: &Node) -> String {
    let mut s = format!("node {} ({}", n.id, labels(&n.labels));
    if !n.properties.is_empty() {
        if !n.labels.is_empty() {
            s.push(' ');
        }
        write_map(&mut s, &n.properties);
    }
    s.push(')');
    s
}

fn rel(r: &Relationship) -> String {
    let mut s = format!(
        "relationship {} ({})-[:{}",
        r.id,
        r.start,
        crate::export::cypher::name(&r.rel_type)
    );
    if !r.properties.is_empty() {
        s.push(' ');
        write_map(&mut s, &r.properties);
    }
    let _ = write!(s, "]->({})", r.end);
    s
}

fn value(v: &Option<Value>) -> String {
    v.as_ref().map_or("(none)".to_string(), literal)
}

fn props(out: &mut String, changes: &[PropChange]) {
    for (k, old, new) in changes {
        let _ = writeln!(
            out,
            "    {}: {} → {}",
            crate::export::cypher::name(k),
            value(old),
            value(new)
        );
    }
}

/// The diff as text, headed by the names of A and B; empty when there is no difference.
pub fn render(d: &GraphDiff, name_a: &str, name_b: &str) -> String {
    if d.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {name_a}\n+++ {name_b}\n");
    for n in &d.nodes_removed {
        let _ = writeln!(out, "- {}", node(n));
    }
    for n in &d.nodes_added {
        let _ = writeln!(out, "+ {}", node(n));
    }
    for c in &d.nodes_changed {
        let _ = writeln!(out, "~ node {} ({})", c.id, labels(&c.after.labels));
        if !c.labels_added.is_empty() || !c.labels_removed.is_empty() {
            let mut line = String::from("    labels:");
            for l in &c.labels_added {
                let _ = write!(line, " +{}", labels(std::slice::from_ref(l)));
            }
            for l in &c.labels_removed {
                let _ = write!(line, " -{}", labels(std::slice::from_ref(l)));
            }
            let _ = writeln!(out, "{line}");
        }
        props(&mut out, &c.props);
    }
    for r in &d.rels_removed {
        let _ = writeln!(out, "- {}", rel(r));
    }
    for r in &d.rels_added {
        let _ = writeln!(out, "+ {}", rel(r));
    }
    for c in &d.rels_changed {
        let a = &c.after;
        let _ = writeln!(
            out,
            "~ relationship {} ({})-[:{}]->({})",
            c.id,
            a.start,
            crate::export::cypher::name(&a.rel_type),
            a.end
        );
        props(&mut out, &c.props);
    }
    let kind = |unique: bool| if unique { "unique constraint" } else { "index" };
    for (name, label, key, unique) in &d.indexes_removed {
        let _ = writeln!(out, "- {} {name} on :{label}({key})", kind(*unique));
    }
    for (name, label, key, unique) in &d.indexes_added {
        let _ = writeln!(out, "+ {} {name} on :{label}({key})", kind(*unique));
    }
    out
}
