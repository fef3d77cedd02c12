//! The writing clauses: CREATE, MERGE, SET/REMOVE and DELETE applied to materialised input
//! rows, with property-type checks and exact change counters. Atomicity comes from the
//! store's undo log: a failure here rolls the whole statement back.

use super::expr::{all_properties, eval};
use super::operators::run_subplan;
use super::{Row, Runtime};
use crate::error::{Error, Result};
use crate::plan::logical::{CreatePart, PlanNode, SetOp};
use crate::val::{NodeId, PathVal, RelId, Val};
use std::sync::Arc;

pub fn apply(node: &PlanNode, rows: Vec<Row>, rt: &mut Runtime) -> Result<Vec<Row>> {
    let mut out = Vec::with_capacity(rows.len());
    match node {
        PlanNode::Create { parts, .. } => {
            for mut row in rows {
                for part in parts {
                    create_part(part, &mut row, rt)?;
                }
                out.push(row);
            }
        }
        PlanNode::Merge {
            matcher,
            create,
            on_create,
            on_match,
            bound,
            ..
        } => {
            for row in rows {
                let mut matches = Vec::new();
                run_subplan(matcher, &row, rt, &mut |r, _| {
                    matches.push(r.clone());
                    Ok(true)
                })?;
                if matches.is_empty() {
                    let mut r = row;
                    for s in bound {
                        r[*s] = Val::Null;
                    }
                    for part in create {
                        check_merge_props(part, &r, rt)?;
                        create_part(part, &mut r, rt)?;
                    }
                    for op in on_create {
                        set(op, &r, rt)?;
                    }
                    out.push(r);
                } else {
                    for m in matches {
                        for op in on_match {
                            set(op, &m, rt)?;
                        }
                        out.push(m);
                    }
                }
                rt.tick()?;
            }
        }
        PlanNode::Set { ops, .. } => {
            for row in rows {
                for op in ops {
                    set(op, &row, rt)?;
                }
                out.push(row);
            }
        }
        PlanNode::Delete { exprs, detach, .. } => {
            let mut nodes: Vec<NodeId> = Vec::new();
            let mut rels: Vec<RelId> = Vec::new();
            for row in &rows {
                for e in exprs {
                    collect_deletions(eval(e, row, rt)?, &mut nodes, &mut rels)?;
                }
            }
            for r in rels {
                if rt.graph.delete_rel(r) {
                    rt.stats.relationships_deleted += 1;
                }
            }
            for n in nodes {
                if !rt.graph.contains_node(n) {
                    continue;
                }
                if *detach {
                    let attached: Vec<RelId> = rt
                        .graph
                        .expand(n, crate::store::Direction::Both, &[])
                        .map(|(r, _)| r)
                        .collect();
                    for r in attached {
                        if rt.graph.delete_rel(r) {
                            rt.stats.relationships_deleted += 1;
                        }
                    }
                }
                if rt.graph.delete_node(n) {
                    rt.stats.nodes_deleted += 1;
                } else {
                    return Err(Error::new(
                        crate::ErrorKind::ConstraintVerificationFailed,
                        Some("DeleteConnectedNode"),
                        format!(
                            "cannot delete node {} because it still has relationships; use DETACH DELETE",
                            n.0
                        ),
                    ));
                }
            }
            out = rows;
        }
        _ => unreachable!("write::apply is only called for writing clauses"),
    }
    Ok(out)
}

fn collect_deletions(v: Val, nodes: &mut Vec<NodeId>, rels: &mut Vec<RelId>) -> Result<()> {
    match v {
        Val::Null => {}
        Val::Node(n) => nodes.push(n),
        Val::Rel(r) => rels.push(r),
        Val::Path(p) => {
            nodes.extend(p.nodes.iter().copied());
            rels.extend(p.rels.iter().copied());
        }
        Val::List(items) => {
            for i in items.iter() {
                collect_deletions(i.clone(), nodes, rels)?;
            }
        }
        other => {
            return Err(Error::type_error(
                "InvalidArgumentType",
                format!(
                    "DELETE needs a node, relationship or path, got {}",
                    other.type_name()
                ),
            ))
        }
    }
    Ok(())
}

/// MERGE cannot create entities with null property values.
fn check_merge_props(part: &CreatePart, row: &Row, rt: &mut Runtime) -> Result<()> {
    let exprs = part
        .nodes
        .iter()
        .filter(|n| !n.bound)
        .filter_map(|n| n.props.as_ref())
        .chain(part.rels.iter().filter_map(|r| r.props.as_ref()));
    for e in exprs {
        if let Val::Map(m) = eval(e, row, rt)? {
            if let Some((k, _)) = m.iter().find(|(_, v)| v.is_null()) {
                return Err(Error::semantic(
                    "MergeReadOwnWrites",
                    format!("cannot merge an entity with a null value for property `{k}`"),
                ));
            }
        }
    }
    Ok(())
}

fn props_of(
    e: &Option<crate::plan::expr::CExpr>,
    row: &Row,
    rt: &mut Runtime,
) -> Result<Vec<(crate::store::Symbol, Val)>> {
    let Some(e) = e else {
        return Ok(Vec::new());
    };
    let v = eval(e, row, rt)?;
    let entries = match v {
        Val::Null => return Ok(Vec::new()),
        Val::Map(m) => m,
        other => {
            return Err(Error::type_error(
                "InvalidArgumentType",
                format!("properties must be a map, got {}", other.type_name()),
            ))
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries.iter() {
        check_storable(v)?;
        if !v.is_null() {
            out.push((rt.graph.intern_key(k), v.clone()));
        }
    }
    Ok(out)
}

fn check_storable(v: &Val) -> Result<()> {
    if v.is_storable() {
        Ok(())
    } else {
        Err(Error::type_error(
            "InvalidPropertyType",
            format!(
                "a property value must be a boolean, number, string or a list of one of those, got {}",
                v.type_name()
            ),
        ))
    }
}

fn create_part(part: &CreatePart, row: &mut Row, rt: &mut Runtime) -> Result<()> {
    let mut ids = Vec::with_capacity(part.nodes.len());
    for n in &part.nodes {
        if n.bound {
            match &row[n.slot] {
                Val::Node(id) => {
                    if !rt.graph.contains_node(*id) {
                        return Err(Error::entity_not_found(
                            "cannot create a relationship to a deleted node",
                        ));
                    }
                    ids.push(*id)
                }
                _ => {
                    return Err(Error::semantic(
                        "CreateWithNull",
                        "cannot create a relationship with a null endpoint",
                    ))
                }
            }
            continue;
        }
        let props = props_of(&n.props, row, rt)?;
        let labels: Vec<_> = n.labels.iter().map(|l| rt.graph.intern_label(l)).collect();
        let id = rt.graph.create_node(&labels, props);
        rt.stats.nodes_created += 1;
        rt.stats.labels_added += rt.graph.node_labels(id).len() as u64;
        rt.stats.properties_set += rt.graph.node_props(id).len() as u64;
        row[n.slot] = Val::Node(id);
        ids.push(id);
    }
    let mut rel_ids = Vec::with_capacity(part.rels.len());
    for (i, r) in part.rels.iter().enumerate() {
        let (a, b) = if r.forward {
            (ids[i], ids[i + 1])
        } else {
            (ids[i + 1], ids[i])
        };
        let props = props_of(&r.props, row, rt)?;
        let t = rt.graph.intern_type(&r.rel_type);
        let n_props = props.len() as u64;
        let id = rt.graph.create_rel(a, b, t, props).ok_or_else(|| {
            Error::entity_not_found("cannot create a relationship to a deleted node")
        })?;
        rt.stats.relationships_created += 1;
        rt.stats.properties_set += n_props;
        row[r.slot] = Val::Rel(id);
        rel_ids.push(id);
    }
    if let Some(p) = part.path_slot {
        row[p] = Val::Path(Arc::new(PathVal {
            nodes: ids,
            rels: rel_ids,
        }));
    }
    Ok(())
}

enum Entity {
    Node(NodeId),
    Rel(RelId),
}

fn entity(v: Val, what: &str) -> Result<Option<Entity>> {
    match v {
        Val::Null => Ok(None),
        Val::Node(n) => Ok(Some(Entity::Node(n))),
        Val::Rel(r) => Ok(Some(Entity::Rel(r))),
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!(
                "{what} needs a node or relationship, got {}",
                other.type_name()
            ),
        )),
    }
}

fn set_prop(rt: &mut Runtime, e: &Entity, key: &str, v: Val) -> Result<()> {
    check_storable(&v)?;
    let k = rt.graph.intern_key(key);
    match e {
        Entity::Node(n) => {
            if !rt.graph.contains_node(*n) {
                return Err(Error::entity_not_found(
                    "cannot set a property on a deleted node",
                ));
            }
            let was = rt.graph.node_prop(*n, k).is_some();
            if v.is_null() && !was {
                return Ok(());
            }
            rt.graph.set_node_prop(*n, k, v);
        }
        Entity::Rel(r) => {
            if !rt.graph.contains_rel(*r) {
                return Err(Error::entity_not_found(
                    "cannot set a property on a deleted relationship",
                ));
            }
            let was = rt.graph.rel_prop(*r, k).is_some();
            if v.is_null() && !was {
                return Ok(());
            }
            rt.graph.set_rel_prop(*r, k, v);
        }
    }
    rt.stats.properties_set += 1;
    Ok(())
}

fn map_entries(v: Val, rt: &Runtime) -> Result<Vec<(Arc<str>, Val)>> {
    match v {
        Val::Map(_) | Val::Node(_) | Val::Rel(_) => all_properties(&v, rt),
        Val::Null => Ok(Vec::new()),
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("expected a map, got {}", other.type_name()),
        )),
    }
}

fn set(op: &SetOp, row: &Row, rt: &mut Runtime) -> Result<()> {
    match op {
        SetOp::Property { target, key, value } => {
            let t = eval(target, row, rt)?;
            let v = eval(value, row, rt)?;
            if let Some(e) = entity(t, "SET")? {
                set_prop(rt, &e, key, v)?;
            }
        }
        SetOp::Replace { target, value } | SetOp::Merge { target, value } => {
            let replace = matches!(op, SetOp::Replace { .. });
            let t = eval(target, row, rt)?;
            let v = eval(value, row, rt)?;
            let entries = map_entries(v, rt)?;
            let Some(e) = entity(t, "SET")? else {
                return Ok(());
            };
            if replace {
                let current: Vec<Arc<str>> = match &e {
                    Entity::Node(n) => rt
                        .graph
                        .node_props(*n)
                        .iter()
                        .map(|(k, _)| rt.graph.key_name(*k).clone())
                        .collect(),
                    Entity::Rel(r) => rt
                        .graph
                        .rel_props(*r)
                        .iter()
                        .map(|(k, _)| rt.graph.key_name(*k).clone())
                        .collect(),
                };
                for k in current {
                    if !entries.iter().any(|(x, v)| *x == k && !v.is_null()) {
                        set_prop(rt, &e, &k, Val::Null)?;
                    }
                }
            }
            for (k, v) in entries {
                set_prop(rt, &e, &k, v)?;
            }
        }
        SetOp::AddLabels { target, labels } => match eval(target, row, rt)? {
            Val::Node(n) => {
                if !rt.graph.contains_node(n) {
                    return Err(Error::entity_not_found(
                        "cannot add labels to a deleted node",
                    ));
                }
                for l in labels {
                    let s = rt.graph.intern_label(l);
                    if rt.graph.add_label(n, s) {
                        rt.stats.labels_added += 1;
                    }
                }
            }
            Val::Null => {}
            other => {
                return Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("labels can only be set on nodes, not {}", other.type_name()),
                ))
            }
        },
        SetOp::RemoveLabels { target, labels } => match eval(target, row, rt)? {
            Val::Node(n) => {
                for l in labels {
                    if let Some(s) = rt.graph.label_symbol(l) {
                        if rt.graph.remove_label(n, s) {
                            rt.stats.labels_removed += 1;
                        }
                    }
                }
            }
            Val::Null => {}
            other => {
                return Err(Error::type_error(
                    "InvalidArgumentType",
                    format!(
                        "labels can only be removed from nodes, not {}",
                        other.type_name()
                    ),
                ))
            }
        },
    }
    Ok(())
}
