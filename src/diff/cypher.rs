//! The Cypher form of a diff: a script that, run on A (`kg --db A.kg -f SCRIPT`), turns
//! it into B. Removed relationships and nodes are deleted and changed ones updated by id
//! (ids of A); added nodes are created with a temporary label and property (the names
//! the `cypher` export uses) holding their id in B, so that added relationships can find
//! them; the temporary label and property are removed at the end. Added nodes and
//! relationships get fresh ids.

use super::GraphDiff;
use crate::export::cypher::{labels, literal, name, write_map, IMPORT_KEY, IMPORT_LABEL};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The script; `// no differences` alone when A and B are equal.
pub fn render(d: &GraphDiff) -> String {
    let mut out =
        String::from("// kg diff: run on A (kg --db A.kg -f THIS_FILE) to turn it into B.\n");
    if d.is_empty() {
        out.push_str("// no differences\n");
        return out;
    }
    let tmp_label = name(IMPORT_LABEL);
    let tmp_key = name(IMPORT_KEY);
    let ids = |v: Vec<u64>| format!("{v:?}");
    if !d.rels_removed.is_empty() {
        let _ = writeln!(
            out,
            "MATCH ()-[r]->() WHERE id(r) IN {} DELETE r;",
            ids(d.rels_removed.iter().map(|r| r.id).collect())
        );
    }
    if !d.nodes_removed.is_empty() {
        let _ = writeln!(
            out,
            "MATCH (n) WHERE id(n) IN {} DETACH DELETE n;",
            ids(d.nodes_removed.iter().map(|n| n.id).collect())
        );
    }
    for (index, _, _, unique) in &d.indexes_removed {
        let what = if *unique { "CONSTRAINT" } else { "INDEX" };
        let _ = writeln!(out, "DROP {what} {};", name(index));
    }
    for c in &d.nodes_changed {
        let mut sets: Vec<String> = Vec::new();
        let mut removes: Vec<String> = Vec::new();
        for (k, _, new) in &c.props {
            match new {
                Some(v) => sets.push(format!("n.{} = {}", name(k), literal(v))),
                None => removes.push(format!("n.{}", name(k))),
            }
        }
        for l in &c.labels_added {
            sets.push(format!("n{}", labels(std::slice::from_ref(l))));
        }
        for l in &c.labels_removed {
            removes.push(format!("n{}", labels(std::slice::from_ref(l))));
        }
        let _ = write!(out, "MATCH (n) WHERE id(n) = {}", c.id);
        if !sets.is_empty() {
            let _ = write!(out, " SET {}", sets.join(", "));
        }
        if !removes.is_empty() {
            let _ = write!(out, " REMOVE {}", removes.join(", "));
        }
        out.push_str(";\n");
    }
    for c in &d.rels_changed {
        let mut sets: Vec<String> = Vec::new();
        let mut removes: Vec<String> = Vec::new();
        for (k, _, new) in &c.props {
            match new {
                Some(v) => sets.push(format!("r.{} = {}", name(k), literal(v))),
                None => removes.push(format!("r.{}", name(k))),
            }
        }
        let _ = write!(out, "MATCH ()-[r]->() WHERE id(r) = {}", c.id);
        if !sets.is_empty() {
            let _ = write!(out, " SET {}", sets.join(", "));
        }
        if !removes.is_empty() {
            let _ = write!(out, " REMOVE {}", removes.join(", "));
        }
        out.push_str(";\n");
    }
    let added: BTreeSet<u64> = d.nodes_added.iter().map(|n| n.id).collect();
    for n in &d.nodes_added {
        let mut props = String::new();
        write_map(&mut props, &n.properties);
        let _ = writeln!(
            out,
            "CREATE (n{}:{tmp_label} {{{tmp_key}: {}}}) SET n += {props};",
            labels(&n.labels),
            n.id
        );
    }
    let endpoint = |var: &str, id: u64| {
        if added.contains(&id) {
            format!("MATCH ({var}:{tmp_label} {{{tmp_key}: {id}}})")
        } else {
            format!("MATCH ({var}) WHERE id({var}) = {id}")
        }
    };
    for r in &d.rels_added {
        let mut props = String::new();
        write_map(&mut props, &r.properties);
        let _ = writeln!(
            out,
            "{} {} CREATE (a)-[r:{}]->(b) SET r += {props};",
            endpoint("a", r.start),
            endpoint("b", r.end),
            name(&r.rel_type)
        );
    }
    if !d.nodes_added.is_empty() {
        let _ = writeln!(
            out,
            "MATCH (n:{tmp_label}) REMOVE n:{tmp_label}, n.{tmp_key};"
        );
    }
    for (index, label, key, unique) in &d.indexes_added {
        let _ = writeln!(
            out,
            "{}",
            crate::export::cypher::schema_statement(index, label, key, *unique)
        );
    }
    out
}
