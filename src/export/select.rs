//! Which nodes and relationships an export covers: the whole graph, or the result
//! subgraph of a read-only query (every node, relationship and path anywhere in its rows,
//! with the endpoints of every relationship).

use crate::ast::{Clause, Statement};
use crate::database::{Database, Params};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Direction, Graph};
use crate::val::{NodeId, RelId};
use crate::value::Value;
use std::collections::BTreeSet;

/// Nodes and relationships to export, each in id order; every relationship's endpoints
/// are among the nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}

impl Selection {
    /// Every node and relationship of the graph.
    pub fn all(graph: &Graph) -> Selection {
        Selection {
            nodes: graph.nodes().collect(),
            rels: graph.rels().collect(),
        }
    }

    /// The nodes and relationships appearing in `rows` (nested in lists, maps and paths
    /// too), plus relationship endpoints; with `connect`, also every relationship between
    /// two selected nodes.
    pub fn of_rows(graph: &Graph, rows: &[Vec<Value>], connect: bool) -> Selection {
        let mut nodes = BTreeSet::new();
        let mut rels = BTreeSet::new();
        for row in rows {
            for v in row {
                collect(v, &mut nodes, &mut rels);
            }
        }
        nodes.retain(|n| graph.contains_node(*n));
        rels.retain(|r| graph.contains_rel(*r));
        for r in &rels {
            if let Some((a, b)) = graph.rel_endpoints(*r) {
                nodes.insert(a);
                nodes.insert(b);
            }
        }
        if connect {
            for n in &nodes {
                for (r, other) in graph.expand(*n, Direction::Outgoing, &[]) {
                    if nodes.contains(&other) {
                        rels.insert(r);
                    }
                }
            }
        }
        Selection {
            nodes: nodes.into_iter().collect(),
            rels: rels.into_iter().collect(),
        }
    }

    /// Runs a read-only query and selects its result subgraph. A query that could write
    /// (CREATE, MERGE, SET, REMOVE, DELETE) or is not a query is refused before it runs.
    pub fn of_query(
        db: &mut Database,
        query: &str,
        params: &Params,
        connect: bool,
    ) -> Result<Selection> {
        let refuse = |what: &str| {
            Err(Error::new(
                ErrorKind::ArgumentError,
                Some("InvalidArgumentValue"),
                format!("the export query must be a read-only query ({what})"),
            ))
        };
        match crate::syntax::parse(query)? {
            Statement::Query(q) => {
                let writes = q.parts.iter().flat_map(|p| &p.clauses).any(|c| {
                    matches!(
                        c,
                        Clause::Create(_)
                            | Clause::Merge(_)
                            | Clause::Set(_)
                            | Clause::Remove(_)
                            | Clause::Delete(_)
                    )
                });
                if writes {
                    return refuse("it has an updating clause");
                }
            }
            _ => return refuse("it is not a MATCH … RETURN query"),
        }
        let result = db.execute(query, params)?;
        Ok(Selection::of_rows(db.graph(), &result.rows, connect))
    }
}

fn collect(v: &Value, nodes: &mut BTreeSet<NodeId>, rels: &mut BTreeSet<RelId>) {
    match v {
        Value::Node(n) => {
            nodes.insert(NodeId(n.id));
        }
        Value::Relationship(r) => {
            rels.insert(RelId(r.id));
        }
        Value::Path(p) => {
            nodes.extend(p.nodes.iter().map(|n| NodeId(n.id)));
            rels.extend(p.relationships.iter().map(|r| RelId(r.id)));
        }
        Value::List(items) => items.iter().for_each(|i| collect(i, nodes, rels)),
        Value::Map(m) => m.values().for_each(|i| collect(i, nodes, rels)),
        _ => {}
    }
}
