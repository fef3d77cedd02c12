//! Rewrite passes over the logical plan, each a named function:
//! `push_filters` sinks each WHERE conjunct to just above the operator that binds its last
//! variable; `use_indexes` turns a label scan filtered by `n.key = value` (or `IN list`)
//! into an index seek; `use_count_store` answers `count(*)` over a bare label or
//! relationship-type pattern from the store's counters; `distinct_endpoints` lets a
//! variable-length expansion feeding only DISTINCT aggregates search breadth-first.

use super::expr::{AggFn, CExpr, Function, MapProjItem};
use super::logical::{CountKind, PlanNode};
use crate::ast::BinaryOp;
use crate::store::{Direction, Graph};

/// Runs every pass.
pub fn optimize(plan: PlanNode, graph: &Graph, count_store: bool) -> PlanNode {
    let plan = push_filters(plan);
    let plan = use_indexes(plan, graph);
    let plan = if count_store {
        use_count_store(plan)
    } else {
        plan
    };
    let plan = distinct_endpoints(plan);
    top_before_projection(plan)
}

// ------------------------------------------------------------ helpers

/// Applies `f` to every direct child plan (including subplans of Optional/Apply/Merge and
/// both sides of a Union).
pub(super) fn map_children(
    mut node: PlanNode,
    f: &mut dyn FnMut(PlanNode) -> PlanNode,
) -> PlanNode {
    for child in node.children_mut() {
        let c = std::mem::replace(&mut **child, PlanNode::Argument);
        **child = f(c);
    }
    node
}

/// The row slots an expression reads, or None when it runs a subquery (which may read
/// any slot).
fn slots_read(e: &CExpr) -> Option<Vec<usize>> {
    fn walk(e: &CExpr, out: &mut Vec<usize>, locals: &mut Vec<usize>) -> bool {
        match e {
            CExpr::Slot(s) => {
                if !locals.contains(s) {
                    out.push(*s);
                }
                true
            }
            CExpr::Exists(_) | CExpr::Collect(..) => false,
            CExpr::Const(_) | CExpr::Param(_) => true,
            CExpr::Property(x, _)
            | CExpr::Not(x)
            | CExpr::Neg(x)
            | CExpr::Pos(x)
            | CExpr::IsNull(x, _)
            | CExpr::HasLabels(x, _) => walk(x, out, locals),
            CExpr::Index(a, b) | CExpr::Binary(_, a, b) => {
                walk(a, out, locals) && walk(b, out, locals)
            }
            CExpr::Slice(a, b, c) => {
                walk(a, out, locals)
                    && b.as_ref().is_none_or(|b| walk(b, out, locals))
                    && c.as_ref().is_none_or(|c| walk(c, out, locals))
            }
            CExpr::Comparison(first, rest) => {
                walk(first, out, locals) && rest.iter().all(|(_, x)| walk(x, out, locals))
            }
            CExpr::List(items) | CExpr::Call(_, items) => {
                items.iter().all(|x| walk(x, out, locals))
            }
            CExpr::Map(entries) => entries.iter().all(|(_, x)| walk(x, out, locals)),
            CExpr::Case {
                subject,
                whens,
                else_,
            } => {
                subject.as_ref().is_none_or(|s| walk(s, out, locals))
                    && whens
                        .iter()
                        .all(|(w, t)| walk(w, out, locals) && walk(t, out, locals))
                    && else_.as_ref().is_none_or(|x| walk(x, out, locals))
            }
            CExpr::ListComprehension {
                slot,
                list,
                filter,
                map,
            } => {
                locals.push(*slot);
                walk(list, out, locals)
                    && filter.as_ref().is_none_or(|x| walk(x, out, locals))
                    && map.as_ref().is_none_or(|x| walk(x, out, locals))
            }
            CExpr::Quantified {
                slot, list, filter, ..
            } => {
                locals.push(*slot);
                walk(list, out, locals) && filter.as_ref().is_none_or(|x| walk(x, out, locals))
            }
            CExpr::Reduce {
                acc,
                init,
                slot,
                list,
                expr,
            } => {
                locals.push(*acc);
                locals.push(*slot);
                walk(init, out, locals) && walk(list, out, locals) && walk(expr, out, locals)
            }
            CExpr::MapProjection(base, items) => {
                walk(base, out, locals)
                    && items.iter().all(|i| match i {
                        MapProjItem::Entry(_, x) => walk(x, out, locals),
                        _ => true,
                    })
            }
        }
    }
    let mut out = Vec::new();
    let mut locals = Vec::new();
    if walk(e, &mut out, &mut locals) {
        Some(out)
    } else {
        None
    }
}

fn split_and(e: CExpr, out: &mut Vec<CExpr>) {
    match e {
        CExpr::Binary(BinaryOp::And, l, r) => {
            split_and(*l, out);
            split_and(*r, out);
        }
        other => out.push(other),
    }
}

// ------------------------------------------------------------ filter push-down

pub fn push_filters(node: PlanNode) -> PlanNode {
    let node = map_children(node, &mut push_filters);
    match node {
        PlanNode::Filter { input, predicate } => {
            let mut conjuncts = Vec::new();
            split_and(predicate, &mut conjuncts);
            let mut plan = *input;
            for c in conjuncts {
                plan = sink(plan, c);
            }
            plan
        }
        other => other,
    }
}

/// The slots an operator writes.
fn produced(node: &PlanNode) -> Vec<usize> {
    match node {
        PlanNode::NodeScan { slot, .. }
        | PlanNode::NodeByProperty { slot, .. }
        | PlanNode::NodeById { slot, .. }
        | PlanNode::NodeByRange { slot, .. } => vec![*slot],
        PlanNode::RelById { rel, from, to, .. } => vec![*rel, *from, *to],
        PlanNode::Expand { rel, to, .. } | PlanNode::VarExpand { rel, to, .. } => {
            vec![*rel, *to]
        }
        PlanNode::BuildPath { slot, .. }
        | PlanNode::Unwind { slot, .. }
        | PlanNode::LoadCsv { slot, .. } => vec![*slot],
        PlanNode::ShortestPath { path, rel, .. } => {
            let mut v = vec![*path];
            v.extend(rel.iter().copied());
            v
        }
        _ => Vec::new(),
    }
}

/// Places a filter as deep as the slots it reads allow.
fn sink(node: PlanNode, c: CExpr) -> PlanNode {
    let Some(reads) = slots_read(&c) else {
        return filter(node, c);
    };
    let passable = matches!(
        node,
        PlanNode::NodeScan { .. }
            | PlanNode::NodeByProperty { .. }
            | PlanNode::Expand { .. }
            | PlanNode::VarExpand { .. }
            | PlanNode::BuildPath { .. }
            | PlanNode::Filter { .. }
    );
    let made_here = produced(&node);
    if !passable || reads.iter().any(|s| made_here.contains(s)) {
        return filter(node, c);
    }
    // Every slot the conjunct reads is bound below this operator: go one level down.
    let mut c = Some(c);
    map_one_input(node, &mut |input| sink(input, c.take().expect("sunk once")))
}

fn filter(node: PlanNode, predicate: CExpr) -> PlanNode {
    PlanNode::Filter {
        input: Box::new(node),
        predicate,
    }
}

/// Rebuilds a single-input operator with `f` applied to its input only.
fn map_one_input(node: PlanNode, f: &mut dyn FnMut(PlanNode) -> PlanNode) -> PlanNode {
    let mut done = false;
    map_children(node, &mut |child| {
        if done {
            child
        } else {
            done = true;
            f(child)
        }
    })
}

// ------------------------------------------------------------ index seeks

pub fn use_indexes(node: PlanNode, graph: &Graph) -> PlanNode {
    let node = map_children(node, &mut |c| use_indexes(c, graph));
    // Filter chains directly above a label scan.
    let PlanNode::Filter { .. } = &node else {
        return node;
    };
    let mut preds = Vec::new();
    let mut cur = node;
    while let PlanNode::Filter { input, predicate } = cur {
        preds.push(predicate);
        cur = *input;
    }
    let cur = rel_by_id(cur, &mut preds);
    if matches!(cur, PlanNode::RelById { .. }) {
        return rebuild_filters(cur, preds);
    }
    let PlanNode::NodeScan {
        input,
        slot,
        labels,
    } = cur
    else {
        return rebuild_filters(cur, preds);
    };
    // `id(n) = x` / `id(n) IN list`: a seek by id needs no index.
    if let Some((i, ids, many)) = preds
        .iter()
        .enumerate()
        .find_map(|(i, p)| id_seek_candidate(p, slot).map(|(ids, many)| (i, ids, many)))
    {
        preds.remove(i);
        return rebuild_filters(
            PlanNode::NodeById {
                input,
                slot,
                labels,
                ids,
                many,
            },
            preds,
        );
    }
    let mut chosen = None;
    for (i, p) in preds.iter().enumerate() {
        if graph.indexes().is_empty() {
            break;
        }
        if let Some((key, value, many)) = seek_candidate(p, slot) {
            let indexed =
                labels
                    .iter()
                    .any(|l| match (graph.label_symbol(l), graph.key_symbol(&key)) {
                        (Some(ls), Some(ks)) => graph.find_index(ls, ks).is_some(),
                        _ => false,
                    });
            if indexed {
                chosen = Some((i, key, value, many));
                break;
            }
        }
    }
    let Some((i, key, value, many)) = chosen else {
        // Range predicates on an indexed key: seek the candidates, keep the filters.
        let indexed = |key: &str| {
            labels
                .iter()
                .any(|l| match (graph.label_symbol(l), graph.key_symbol(key)) {
                    (Some(ls), Some(ks)) => graph.find_index(ls, ks).is_some(),
                    _ => false,
                })
        };
        if let Some((key, lower, upper, prefix)) = range_candidate(&preds, slot, &indexed) {
            return rebuild_filters(
                PlanNode::NodeByRange {
                    input,
                    slot,
                    labels,
                    key: key.into(),
                    lower,
                    upper,
                    prefix,
                },
                preds,
            );
        }
        return rebuild_filters(
            PlanNode::NodeScan {
                input,
                slot,
                labels,
            },
            preds,
        );
    };
    preds.remove(i);
    rebuild_filters(
        PlanNode::NodeByProperty {
            input,
            slot,
            labels,
            key: key.into(),
            value,
            many,
        },
        preds,
    )
}

fn rebuild_filters(mut node: PlanNode, preds: Vec<CExpr>) -> PlanNode {
    for p in preds.into_iter().rev() {
        node = filter(node, p);
    }
    node
}

/// Bounds on one indexed key of `slot` from `slot.key < v`, `v <= slot.key`, … and
/// `slot.key STARTS WITH v` (values not reading `slot`): (key, lower, upper, prefix).
#[allow(clippy::type_complexity)]
fn range_candidate(
    preds: &[CExpr],
    slot: usize,
    indexed: &dyn Fn(&str) -> bool,
) -> Option<(String, Option<CExpr>, Option<CExpr>, Option<CExpr>)> {
    let prop_of = |e: &CExpr| match e {
        CExpr::Property(base, k) if matches!(**base, CExpr::Slot(s) if s == slot) => {
            Some(k.name.to_string())
        }
        _ => None,
    };
    let independent = |e: &CExpr| slots_read(e).is_some_and(|r| !r.contains(&slot));
    let mut key: Option<String> = None;
    let (mut lower, mut upper, mut prefix) = (None, None, None);
    for p in preds {
        // (key, value, value is a lower bound / upper bound / prefix)
        let found = match p {
            CExpr::Comparison(first, rest) if rest.len() == 1 => {
                let (op, other) = (rest[0].0, &rest[0].1);
                let below = matches!(op, BinaryOp::Lt | BinaryOp::Le);
                let above = matches!(op, BinaryOp::Gt | BinaryOp::Ge);
                if !(below || above) {
                    None
                } else if let Some(k) = prop_of(first).filter(|_| independent(other)) {
                    // key < v: v is an upper bound.
                    Some((k, other.clone(), if below { 1 } else { 0 }))
                } else {
                    // v < key: v is a lower bound.
                    prop_of(other)
                        .filter(|_| independent(first))
                        .map(|k| (k, (**first).clone(), if below { 0 } else { 1 }))
                }
            }
            CExpr::Binary(BinaryOp::StartsWith, l, r) => prop_of(l)
                .filter(|_| independent(r))
                .map(|k| (k, (**r).clone(), 2)),
            _ => None,
        };
        let Some((k, v, which)) = found else { continue };
        if !indexed(&k) || key.as_ref().is_some_and(|key| *key != k) {
            continue;
        }
        key = Some(k);
        match which {
            0 if lower.is_none() => lower = Some(v),
            1 if upper.is_none() => upper = Some(v),
            2 if prefix.is_none() => prefix = Some(v),
            _ => {}
        }
    }
    key.map(|k| (k, lower, upper, prefix))
}

/// `MATCH (a)-[r]->(b) WHERE id(r) = x` as a seek by relationship id: an expansion from a
/// scan of all (or labelled) nodes, with a predicate on the relationship's id. Gives the
/// node back unchanged when it is not of that shape.
fn rel_by_id(node: PlanNode, preds: &mut Vec<CExpr>) -> PlanNode {
    // Look first, by reference; take the node apart only when it is a seek.
    let found = match &node {
        PlanNode::Expand {
            input,
            from,
            rel,
            to,
            to_bound: false,
            rel_bound: false,
            unique_from,
            ..
        } if unique_from.is_empty() && matches!(**input, PlanNode::NodeScan { .. }) => {
            preds.iter().enumerate().find_map(|(i, p)| {
                let (ids, many) = id_seek_candidate(p, *rel)?;
                let reads = slots_read(&ids)?;
                (!reads.contains(from) && !reads.contains(to)).then_some((i, ids, many))
            })
        }
        _ => None,
    };
    let Some((i, ids, many)) = found else {
        return node;
    };
    let PlanNode::Expand {
        input,
        from,
        rel,
        to,
        dir,
        types,
        to_labels,
        ..
    } = node
    else {
        unreachable!("matched above");
    };
    let PlanNode::NodeScan {
        input: below,
        labels: from_labels,
        ..
    } = *input
    else {
        unreachable!("matched above");
    };
    preds.remove(i);
    PlanNode::RelById {
        input: below,
        rel,
        from,
        to,
        dir,
        types,
        from_labels,
        to_labels,
        ids,
        many,
    }
}

/// `id(slot) = value` (either side) or `id(slot) IN list`, with `value` not reading `slot`.
fn id_seek_candidate(p: &CExpr, slot: usize) -> Option<(CExpr, bool)> {
    let id_of = |e: &CExpr| match e {
        CExpr::Call(Function::Id, args) => {
            matches!(args.as_slice(), [CExpr::Slot(s)] if *s == slot)
        }
        _ => false,
    };
    let independent = |e: &CExpr| slots_read(e).is_some_and(|r| !r.contains(&slot));
    match p {
        CExpr::Comparison(first, rest) if rest.len() == 1 && rest[0].0 == BinaryOp::Eq => {
            let other = &rest[0].1;
            if id_of(first) && independent(other) {
                return Some((other.clone(), false));
            }
            if id_of(other) && independent(first) {
                return Some(((**first).clone(), false));
            }
            None
        }
        CExpr::Binary(BinaryOp::In, l, r) if id_of(l) && independent(r) => {
            Some(((**r).clone(), true))
        }
        _ => None,
    }
}

/// `slot.key = value` (either side) or `slot.key IN list`, with `value` not reading `slot`.
fn seek_candidate(p: &CExpr, slot: usize) -> Option<(String, CExpr, bool)> {
    let prop_of = |e: &CExpr| match e {
        CExpr::Property(base, k) if matches!(**base, CExpr::Slot(s) if s == slot) => {
            Some(k.name.to_string())
        }
        _ => None,
    };
    let independent = |e: &CExpr| slots_read(e).is_some_and(|r| !r.contains(&slot));
    match p {
        CExpr::Comparison(first, rest) if rest.len() == 1 && rest[0].0 == BinaryOp::Eq => {
            let other = &rest[0].1;
            if let Some(k) = prop_of(first) {
                if independent(other) {
                    return Some((k, other.clone(), false));
                }
            }
            if let Some(k) = prop_of(other) {
                if independent(first) {
                    return Some((k, (**first).clone(), false));
                }
            }
            None
        }
        CExpr::Binary(BinaryOp::In, l, r) => {
            let k = prop_of(l)?;
            independent(r).then(|| (k, (**r).clone(), true))
        }
        _ => None,
    }
}

// ------------------------------------------------------------ top-k below projections

/// `Top(Projection(x))` → `Projection(Top(x))` when the projection only reads properties
/// and the sort keys are projected columns: the projection then runs for the k rows kept,
/// not for every row (`RETURN c.id, c.date ORDER BY c.date DESC LIMIT 20`).
fn top_before_projection(node: PlanNode) -> PlanNode {
    let node = map_children(node, &mut top_before_projection);
    let PlanNode::Sort {
        input,
        keys,
        limit: Some(limit),
    } = node
    else {
        return node;
    };
    /// Reads a slot or a chain of properties of one: cheap, and never fails on a node.
    fn plain(e: &CExpr) -> bool {
        match e {
            CExpr::Slot(_) | CExpr::Const(_) | CExpr::Param(_) => true,
            CExpr::Property(x, _) => plain(x),
            _ => false,
        }
    }
    match *input {
        PlanNode::Project {
            input: below,
            items,
        } if items.iter().all(|(_, e)| plain(e))
            && keys.iter().all(|(k, _)| matches!(k, CExpr::Slot(_))) =>
        {
            let keys = keys
                .into_iter()
                .map(|(k, desc)| match k {
                    CExpr::Slot(s) => match items.iter().find(|(slot, _)| *slot == s) {
                        Some((_, e)) => (e.clone(), desc),
                        None => (CExpr::Slot(s), desc),
                    },
                    other => (other, desc),
                })
                .collect();
            PlanNode::Project {
                input: Box::new(PlanNode::Sort {
                    input: below,
                    keys,
                    limit: Some(limit),
                }),
                items,
            }
        }
        other => PlanNode::Sort {
            input: Box::new(other),
            keys,
            limit: Some(limit),
        },
    }
}

// ------------------------------------------------------------ count store

pub fn use_count_store(node: PlanNode) -> PlanNode {
    let node = map_children(node, &mut use_count_store);
    let PlanNode::Aggregate { input, keys, aggs } = node else {
        return node;
    };
    let counted = |slot: Option<&CExpr>, allowed: &[usize]| match slot {
        None => true,
        Some(CExpr::Slot(s)) => allowed.contains(s),
        _ => false,
    };
    let single = keys.is_empty()
        && aggs.len() == 1
        && matches!(aggs[0].func, AggFn::CountStar | AggFn::Count)
        && !aggs[0].distinct;
    if single {
        let agg_slot = aggs[0].slot;
        let arg = aggs[0].arg.as_ref();
        match &*input {
            PlanNode::NodeScan {
                input: leaf,
                slot,
                labels,
            } if matches!(**leaf, PlanNode::Argument)
                && labels.len() <= 1
                && counted(arg, &[*slot]) =>
            {
                let kind = match labels.first() {
                    Some(l) => CountKind::Label(l.clone()),
                    None => CountKind::AllNodes,
                };
                return PlanNode::CountStore {
                    input: Box::new(PlanNode::Argument),
                    slot: agg_slot,
                    kind,
                };
            }
            PlanNode::Expand {
                input: scan,
                rel,
                dir,
                types,
                to_labels,
                to_bound: false,
                rel_bound: false,
                unique_from,
                ..
            } if *dir != Direction::Both
                && types.len() <= 1
                && to_labels.is_empty()
                && unique_from.is_empty()
                && counted(arg, &[*rel])
                && matches!(&**scan, PlanNode::NodeScan { input: leaf, labels, .. }
                    if labels.is_empty() && matches!(**leaf, PlanNode::Argument)) =>
            {
                let kind = match types.first() {
                    Some(t) => CountKind::RelType(t.clone()),
                    None => CountKind::AllRels,
                };
                return PlanNode::CountStore {
                    input: Box::new(PlanNode::Argument),
                    slot: agg_slot,
                    kind,
                };
            }
            _ => {}
        }
    }
    PlanNode::Aggregate { input, keys, aggs }
}

// ------------------------------------------------------------ distinct endpoints

/// True when an aggregate's result does not depend on how many times each input row
/// occurs (DISTINCT aggregates, min, max).
fn multiplicity_free(aggs: &[super::expr::AggCall]) -> bool {
    aggs.iter()
        .all(|a| a.distinct || matches!(a.func, AggFn::Min | AggFn::Max))
}

pub fn distinct_endpoints(node: PlanNode) -> PlanNode {
    let node = map_children(node, &mut distinct_endpoints);
    match node {
        PlanNode::Aggregate { input, keys, aggs } if multiplicity_free(&aggs) => {
            let input = Box::new(mark_var_expand(*input));
            PlanNode::Aggregate { input, keys, aggs }
        }
        PlanNode::Distinct { input, slots } => {
            let input = Box::new(mark_var_expand(*input));
            PlanNode::Distinct { input, slots }
        }
        other => other,
    }
}

/// Through row-wise filters, marks a variable-length expansion whose relationships are not
/// needed as one that may return each endpoint once.
fn mark_var_expand(node: PlanNode) -> PlanNode {
    match node {
        PlanNode::Filter { input, predicate } => PlanNode::Filter {
            input: Box::new(mark_var_expand(*input)),
            predicate,
        },
        PlanNode::VarExpand {
            input,
            from,
            rel,
            to,
            dir,
            types,
            to_labels,
            min,
            max,
            to_bound,
            rel_props,
            unique_from,
            reversed,
            rel_bound,
            rel_needed,
            distinct_ends: _,
        } => {
            let eligible = !rel_needed
                && !rel_bound
                && !to_bound
                && unique_from.is_empty()
                && dir != Direction::Both
                && min <= 1;
            PlanNode::VarExpand {
                input,
                from,
                rel,
                to,
                dir,
                types,
                to_labels,
                min,
                max,
                to_bound,
                rel_props,
                unique_from,
                reversed,
                rel_bound,
                rel_needed,
                distinct_ends: eligible,
            }
        }
        other => other,
    }
}
