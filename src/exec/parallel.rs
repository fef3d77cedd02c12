//! Parallel aggregation and top-k over a label scan. When the input of an aggregation (or
//! of an ORDER BY … LIMIT) is a label scan followed only by filters, expansions and
//! projections of pure expressions, the scan's nodes are split into id ranges of nearly
//! equal size; each range runs the same operator pipeline on its own thread, against the
//! graph shared read-only, into partial groups (or its own best rows); the partials are
//! merged in range order. Groups keep their order of first appearance and `collect` its
//! element order, exactly as on one thread, because ranges are merged in id order. Only
//! sums and averages of floating-point values can differ, in the last bits, since their
//! additions happen in another order.

use super::compare::EquivKey;
use super::operators::{aggregate_groups, build, collect_keyed, BoxOp, Cx, Groups, Keyed};
use super::{GraphRef, Row, Runtime};
use crate::error::Result;
use crate::plan::expr::{AggCall, CExpr};
use crate::plan::logical::{Names, PlanNode};
use rustc_hash::FxHashMap;

/// The labels of the scan at the bottom of an aggregation's input when it can run in
/// partitions (see `eligible`): also no DISTINCT aggregate, and pure keys and arguments.
pub(crate) fn eligible_aggregate<'p>(
    input: &'p PlanNode,
    keys: &[(usize, CExpr)],
    aggs: &[AggCall],
) -> Option<&'p Names> {
    let exprs_pure = keys.iter().all(|(_, e)| pure(e))
        && aggs.iter().all(|a| {
            !a.distinct && a.arg.as_ref().is_none_or(pure) && a.extra.as_ref().is_none_or(pure)
        });
    exprs_pure.then(|| eligible(input)).flatten()
}

/// The labels of the scan at the bottom of a top-k's input when it can run in partitions
/// (see `eligible`): also pure sort keys.
pub(crate) fn eligible_top<'p>(input: &'p PlanNode, keys: &[(CExpr, bool)]) -> Option<&'p Names> {
    keys.iter()
        .all(|(e, _)| pure(e))
        .then(|| eligible(input))
        .flatten()
}

/// The labels of the scan at the bottom of `input` when the pipeline can run in
/// partitions: only a label scan on the argument, filters, expansions and projections, with
/// no subqueries or volatile functions.
fn eligible(input: &PlanNode) -> Option<&Names> {
    let mut node = input;
    loop {
        node = match node {
            PlanNode::Filter { input, predicate } if pure(predicate) => input,
            PlanNode::Project { input, items } if items.iter().all(|(_, e)| pure(e)) => input,
            PlanNode::Expand { input, .. } => input,
            PlanNode::NodeScan { input, labels, .. }
                if !labels.is_empty() && matches!(**input, PlanNode::Argument) =>
            {
                return Some(labels)
            }
            _ => return None,
        };
    }
}

/// No subqueries and no volatile functions (whose results depend on evaluation order).
fn pure(e: &CExpr) -> bool {
    match e {
        CExpr::Exists(_) | CExpr::Collect(..) => false,
        CExpr::Call(f, _) if f.is_volatile() => false,
        other => {
            let mut ok = true;
            other.for_each_child(&mut |c| ok = ok && pure(c));
            ok
        }
    }
}

/// Runs `input` (whose scan is over `labels`) in partitions and merges the groups; `None`
/// when the scan is too small to be worth threads (run it on one thread then).
pub(crate) fn aggregate(
    input: &PlanNode,
    labels: &Names,
    keys: &[(usize, CExpr)],
    aggs: &[AggCall],
    arg: &Row,
    rt: &Runtime,
) -> Result<Option<Groups>> {
    let Some(partials) = partitions(input, labels, arg, rt, |op, worker| {
        aggregate_groups(op, keys, aggs, worker)
    }) else {
        return Ok(None);
    };
    let mut merged: Groups = Vec::new();
    let mut index: FxHashMap<EquivKey, usize> = FxHashMap::default();
    for part in partials {
        for (key, accs) in part? {
            let k = EquivKey(key);
            match index.get(&k) {
                Some(&i) => {
                    for (into, from) in merged[i].1.iter_mut().zip(accs) {
                        into.merge(from);
                    }
                }
                None => {
                    merged.push((k.0.clone(), accs));
                    index.insert(k, merged.len() - 1);
                }
            }
        }
    }
    rt.check_rows(merged.len())?;
    Ok(Some(merged))
}

/// Runs `input` (whose scan is over `labels`) in partitions and keeps the first `limit`
/// rows by `keys` of each; the caller picks the first `limit` of those. `None` when the
/// scan is too small to be worth threads.
pub(crate) fn top(
    input: &PlanNode,
    labels: &Names,
    keys: &[(CExpr, bool)],
    limit: usize,
    arg: &Row,
    rt: &Runtime,
) -> Result<Option<Keyed>> {
    let Some(partials) = partitions(input, labels, arg, rt, |op, worker| {
        collect_keyed(op, keys, Some(limit), worker)
    }) else {
        return Ok(None);
    };
    let mut rows = Keyed::new();
    for part in partials {
        rows.extend(part?);
    }
    Ok(Some(rows))
}

/// Builds and runs the pipeline `input` once per id range of the scan's nodes, the first
/// range on this thread and each other on a thread of its own, each with a runtime that
/// reads the graph shared; returns the partitions' results in range order. `None` when
/// there are fewer threads than two or fewer nodes than `parallel_min_nodes`.
fn partitions<T: Send>(
    input: &PlanNode,
    labels: &Names,
    arg: &Row,
    rt: &Runtime,
    work: impl Fn(&mut BoxOp, &mut Runtime) -> Result<T> + Sync,
) -> Option<Vec<Result<T>>> {
    let threads = rt.limits.threads;
    let label = rt.graph.label_symbol(&labels[0])?;
    if threads < 2 || rt.graph.label_count(label) < rt.limits.parallel_min_nodes.max(2) {
        return None;
    }
    let graph: &crate::store::Graph = &rt.graph;
    let ranges = graph.split_label(label, threads);
    let mut seed = rt.worker_seed();
    seed.share_rows(ranges.len());
    Some(std::thread::scope(|s| {
        let run = |range: (u64, u64)| -> Result<T> {
            let mut worker = seed.runtime(GraphRef::Read(graph));
            let cx = Cx {
                prof: false,
                range: Some(range),
            };
            let mut op = build(input, arg, cx);
            work(&mut op, &mut worker)
        };
        let handles: Vec<_> = ranges[1..]
            .iter()
            .map(|&r| s.spawn(move || run(r)))
            .collect();
        let mut out = vec![run(ranges[0])];
        for h in handles {
            out.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    }))
}
