//! Physical operators: one pull-based iterator per logical plan node. Scans walk the
//! store with id cursors (so writes during a query never invalidate them), expansions are
//! O(degree) per row, and blocking operators (sort, aggregate, writes) check the row guard.

use super::aggregate::Acc;
use super::compare::{order, EquivKey, EquivSlice};
use super::expr::{compare_op, eval, eval_predicate, eval_ref};
use super::write;
use super::{Row, Runtime};
use crate::error::{Error, Result};
use crate::plan::expr::CExpr;
use crate::plan::logical::{Names, PlanNode};
use crate::store::{Direction, Graph, Symbol};
use crate::val::{NodeId, PathVal, RelId, Str, Val};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::VecDeque;
use std::sync::Arc;

/// A pull-based operator.
pub trait Operator {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>>;
}

pub(crate) type BoxOp<'p> = Box<dyn Operator + 'p>;

/// How to build an operator tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cx {
    /// Every operator counts its rows and time into the runtime's profile (PROFILE).
    pub prof: bool,
    /// Label scans cover only node ids in this range (a partition of a parallel scan).
    pub range: Option<(u64, u64)>,
}

impl Cx {
    pub fn profiled(prof: bool) -> Cx {
        Cx { prof, range: None }
    }
}

/// Builds the operator tree for a plan whose leaves produce `arg` once.
pub fn build<'p>(node: &'p PlanNode, arg: &Row, cx: Cx) -> BoxOp<'p> {
    let op = build_op(node, arg, cx);
    if cx.prof {
        Box::new(ProfiledOp {
            inner: op,
            key: node as *const PlanNode as usize,
        })
    } else {
        op
    }
}

/// Counts an operator's rows and the time spent in its `next` (children included).
struct ProfiledOp<'p> {
    inner: BoxOp<'p>,
    key: usize,
}

impl Operator for ProfiledOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let t = std::time::Instant::now();
        let r = self.inner.next(rt);
        let dt = t.elapsed();
        if let Some(p) = rt.profile.as_mut() {
            let e = p.entry(self.key).or_default();
            e.time += dt;
            if matches!(r, Ok(Some(_))) {
                e.rows += 1;
            }
        }
        r
    }
}

fn build_op<'p>(node: &'p PlanNode, arg: &Row, cx: Cx) -> BoxOp<'p> {
    use PlanNode as P;
    match node {
        P::Argument => Box::new(ArgumentOp {
            row: Some(arg.clone()),
        }),
        P::NodeScan {
            input,
            slot,
            labels,
        } => Box::new(NodeScanOp::new(
            build(input, arg, cx),
            *slot,
            labels,
            Vec::new(),
            cx.range,
        )),
        P::NodeByRange { input, slot, .. } => Box::new(NodeSeekOp {
            input: build(input, arg, cx),
            node,
            slot: *slot,
            find: range_nodes,
            row: None,
            buf: Vec::new(),
            pos: 0,
        }),
        P::RelById { input, .. } => Box::new(RelIdSeekOp {
            input: build(input, arg, cx),
            node,
            row: None,
            buf: Vec::new(),
            pos: 0,
        }),
        P::NodeById { input, slot, .. } => Box::new(NodeSeekOp {
            input: build(input, arg, cx),
            node,
            slot: *slot,
            find: id_nodes,
            row: None,
            buf: Vec::new(),
            pos: 0,
        }),
        P::NodeByProperty { input, slot, .. } => Box::new(NodeSeekOp {
            input: build(input, arg, cx),
            node,
            slot: *slot,
            find: index_nodes,
            row: None,
            buf: Vec::new(),
            pos: 0,
        }),
        P::CountStore { input, slot, kind } => Box::new(CountStoreOp {
            input: build(input, arg, cx),
            slot: *slot,
            kind,
        }),
        P::Expand { input, .. } => Box::new(ExpandOp {
            input: build(input, arg, cx),
            node,
            row: None,
            buf: Vec::new(),
            pos: 0,
            syms: None,
        }),
        P::VarExpand { input, .. } => Box::new(VarExpandOp {
            input: build(input, arg, cx),
            node,
            row: None,
            buf: Vec::new(),
            pos: 0,
        }),
        P::ShortestPath { input, .. } => Box::new(ShortestPathOp {
            input: build(input, arg, cx),
            node,
            pending: VecDeque::new(),
        }),
        P::BuildPath {
            input,
            slot,
            start,
            segments,
        } => Box::new(BuildPathOp {
            input: build(input, arg, cx),
            slot: *slot,
            start: *start,
            segments,
        }),
        P::Filter { input, predicate } => {
            // Filters straight over a label scan run inside the scan (not when profiling,
            // which reports them apart): a node that fails them costs no row.
            let mut filters = vec![predicate];
            let mut below = &**input;
            while let P::Filter { input, predicate } = below {
                filters.push(predicate);
                below = input;
            }
            match below {
                P::NodeScan {
                    input,
                    slot,
                    labels,
                } if !cx.prof => {
                    filters.reverse();
                    Box::new(NodeScanOp::new(
                        build(input, arg, cx),
                        *slot,
                        labels,
                        filters,
                        cx.range,
                    ))
                }
                _ => Box::new(FilterOp {
                    input: build(input, arg, cx),
                    predicate,
                }),
            }
        }
        P::Optional {
            input,
            inner,
            nullable,
        } => Box::new(OptionalOp {
            input: build(input, arg, cx),
            inner,
            nullable,
            current: None,
            optional: true,
            matched: false,
            row: None,
        }),
        P::Apply { input, inner } => Box::new(OptionalOp {
            input: build(input, arg, cx),
            inner,
            nullable: &[],
            current: None,
            optional: false,
            matched: false,
            row: None,
        }),
        P::Project { input, items } => Box::new(ProjectOp {
            input: build(input, arg, cx),
            items,
        }),
        P::Aggregate { input, keys, aggs } => {
            // Profiling times operators on one thread; a partition is never split again.
            let parallel = if cx.prof || cx.range.is_some() {
                None
            } else {
                super::parallel::eligible_aggregate(input, keys, aggs)
                    .map(|labels| (&**input, labels))
            };
            Box::new(AggregateOp {
                input: build(input, arg, cx),
                keys,
                aggs,
                width: arg.len(),
                out: None,
                arg: if parallel.is_some() {
                    arg.clone()
                } else {
                    Vec::new()
                },
                parallel,
            })
        }
        P::Distinct { input, slots } => Box::new(DistinctOp {
            input: build(input, arg, cx),
            slots,
            seen: FxHashSet::default(),
        }),
        P::Sort { input, keys, limit } => Box::new(SortOp {
            input: build(input, arg, cx),
            keys,
            limit: limit.as_ref(),
            out: None,
            arg: arg.clone(),
            parallel: if cx.prof || cx.range.is_some() || limit.is_none() {
                None
            } else {
                super::parallel::eligible_top(input, keys).map(|labels| (&**input, labels))
            },
        }),
        P::Skip { input, count } => Box::new(SkipLimitOp {
            input: build(input, arg, cx),
            count,
            skip: true,
            n: None,
            arg: arg.clone(),
            drain: false,
        }),
        P::Limit { input, count } => Box::new(SkipLimitOp {
            input: build(input, arg, cx),
            count,
            skip: false,
            n: None,
            arg: arg.clone(),
            drain: has_writes(input),
        }),
        P::LoadCsv {
            input,
            source,
            slot,
            headers,
            delimiter,
        } => Box::new(super::load_csv::LoadCsvOp {
            input: build(input, arg, cx),
            source,
            slot: *slot,
            headers: *headers,
            delimiter: *delimiter,
            state: None,
        }),
        P::Unwind { input, expr, slot } => Box::new(UnwindOp {
            input: build(input, arg, cx),
            expr,
            slot: *slot,
            row: None,
            items: None,
            pos: 0,
        }),
        P::Create { input, .. }
        | P::Merge { input, .. }
        | P::Set { input, .. }
        | P::Delete { input, .. } => Box::new(WriteOp {
            input: build(input, arg, cx),
            node,
            out: None,
        }),
        P::Union {
            left,
            right,
            all,
            left_slots,
            right_slots,
            out_slots,
        } => Box::new(UnionOp {
            left: build(left, arg, cx),
            right: build(right, arg, cx),
            on_left: true,
            all: *all,
            left_slots,
            right_slots,
            out_slots,
            seen: FxHashSet::default(),
        }),
        P::Discard { input } => Box::new(DiscardOp {
            input: build(input, arg, cx),
        }),
    }
}

/// True when a plan subtree contains a writing clause.
fn has_writes(node: &PlanNode) -> bool {
    match node {
        PlanNode::Create { .. }
        | PlanNode::Merge { .. }
        | PlanNode::Set { .. }
        | PlanNode::Delete { .. } => true,
        PlanNode::Union { left, right, .. } => has_writes(left) || has_writes(right),
        other => other.input().is_some_and(has_writes),
    }
}

/// Runs a subplan with `row` as its argument, calling `f` per result row until it
/// returns false.
pub fn run_subplan(
    plan: &PlanNode,
    row: &Row,
    rt: &mut Runtime,
    f: &mut dyn FnMut(&Row, &mut Runtime) -> Result<bool>,
) -> Result<()> {
    let mut op = build(plan, row, Cx::default());
    while let Some(r) = op.next(rt)? {
        rt.tick()?;
        if !f(&r, rt)? {
            break;
        }
    }
    Ok(())
}

fn resolve_labels(g: &Graph, names: &Names) -> Option<Vec<Symbol>> {
    names.iter().map(|n| g.label_symbol(n)).collect()
}

/// Relationship types to follow: `None` when none of the named types exists.
fn resolve_types(g: &Graph, names: &Names) -> Option<Vec<Symbol>> {
    if names.is_empty() {
        return Some(Vec::new());
    }
    let syms: Vec<Symbol> = names.iter().filter_map(|n| g.type_symbol(n)).collect();
    if syms.is_empty() {
        None
    } else {
        Some(syms)
    }
}

fn has_labels(g: &Graph, n: NodeId, labels: &[Symbol]) -> bool {
    labels.iter().all(|l| g.has_label(n, *l))
}

/// True when `rel` is already used by one of the `slots` (single rels or rel lists).
fn rel_used(row: &Row, slots: &[usize], rel: RelId) -> bool {
    slots.iter().any(|s| match &row[*s] {
        Val::Rel(r) => *r == rel,
        Val::List(items) => items.iter().any(|v| matches!(v, Val::Rel(r) if *r == rel)),
        _ => false,
    })
}

fn node_of(v: &Val) -> Result<Option<NodeId>> {
    match v {
        Val::Node(n) => Ok(Some(*n)),
        Val::Null => Ok(None),
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("expected a node, got {}", other.type_name()),
        )),
    }
}

// ---------------------------------------------------------------- leaves and scans

struct ArgumentOp {
    row: Option<Row>,
}

impl Operator for ArgumentOp {
    fn next(&mut self, _rt: &mut Runtime) -> Result<Option<Row>> {
        Ok(self.row.take())
    }
}

struct NodeScanOp<'p> {
    input: BoxOp<'p>,
    slot: usize,
    labels: &'p Names,
    row: Option<Row>,
    cursor: u64,
    below: u64,
    syms: Option<Option<Vec<Symbol>>>,
    /// Ids fetched ahead from the store, served one per call.
    batch: Vec<NodeId>,
    pos: usize,
    /// Filters applied to each node before it becomes a row, innermost first.
    filters: Vec<&'p CExpr>,
    /// The filters prepared for the current input row (see `ScanFilter`).
    prepared: Vec<ScanFilter<'p>>,
    any_row_filter: bool,
    /// The store's version when the batch was read.
    version: u64,
    /// The key of a string property a filter tests (`n.key CONTAINS …`), whose text is
    /// prefetched a few nodes ahead.
    prefetch_key: Option<Symbol>,
    /// Only node ids in this range (a partition of a parallel scan).
    range: Option<(u64, u64)>,
}

/// A filter inside a label scan. `n.key <op> constant` (or parameter) on the scanned node
/// is compared against the node's property list directly: one read of the node's record
/// for all such filters, no row written. Anything else is evaluated on the row.
enum ScanFilter<'p> {
    Property {
        key: Symbol,
        op: crate::ast::BinaryOp,
        value: Val,
    },
    /// `n.key STARTS WITH|ENDS WITH|CONTAINS 'text'`: the constant's searcher is built
    /// once for the scan, not once per node.
    Text {
        key: Symbol,
        test: TextTest,
    },
    Row(&'p CExpr),
}

/// A string test against a constant, prepared once.
enum TextTest {
    StartsWith(Str),
    EndsWith(Str),
    Contains(Box<memchr::memmem::Finder<'static>>),
}

impl TextTest {
    fn new(op: crate::ast::BinaryOp, needle: &Str) -> Option<TextTest> {
        use crate::ast::BinaryOp;
        Some(match op {
            BinaryOp::StartsWith => TextTest::StartsWith(needle.clone()),
            BinaryOp::EndsWith => TextTest::EndsWith(needle.clone()),
            BinaryOp::Contains => TextTest::Contains(Box::new(
                memchr::memmem::Finder::new(needle.as_bytes()).into_owned(),
            )),
            _ => return None,
        })
    }

    /// The filter's outcome for a stored value: only a string can pass (anything else
    /// makes the test null, and a missing property is null).
    fn passes(&self, v: Option<&Val>) -> bool {
        let Some(Val::Str(x)) = v else {
            return false;
        };
        match self {
            TextTest::StartsWith(y) => x.starts_with(&**y),
            TextTest::EndsWith(y) => x.ends_with(&**y),
            TextTest::Contains(f) => f.find(x.as_bytes()).is_some(),
        }
    }
}

impl<'p> ScanFilter<'p> {
    fn prepare(f: &'p CExpr, slot: usize, rt: &Runtime) -> ScanFilter<'p> {
        // A constant or parameter, fixed for the statement.
        let fixed = |e: &CExpr| match e {
            CExpr::Const(v) => Some(v.clone()),
            CExpr::Param(name) => rt.params.get(name).cloned(),
            _ => None,
        };
        use crate::ast::BinaryOp;
        if let CExpr::Binary(
            op @ (BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains),
            l,
            r,
        ) = f
        {
            if let (CExpr::Property(base, key), Some(Val::Str(needle))) = (&**l, fixed(r)) {
                let sym = rt.graph.key_symbol(&key.name);
                if let (CExpr::Slot(s), Some(key)) = (&**base, sym) {
                    if let (true, Some(test)) = (*s == slot, TextTest::new(*op, &needle)) {
                        return ScanFilter::Text { key, test };
                    }
                }
            }
        }
        if let CExpr::Comparison(first, rest) = f {
            if let ([(op, rhs)], CExpr::Property(base, key)) = (&rest[..], &**first) {
                let value = fixed(rhs);
                // A key not in the graph yet stays with the row path, which looks it up
                // again should a write in the same statement create it.
                let sym = rt.graph.key_symbol(&key.name);
                if let (CExpr::Slot(s), Some(value), Some(sym)) = (&**base, value, sym) {
                    if *s == slot {
                        return ScanFilter::Property {
                            key: sym,
                            op: *op,
                            value,
                        };
                    }
                }
            }
        }
        ScanFilter::Row(f)
    }
}

impl<'p> NodeScanOp<'p> {
    fn new(
        input: BoxOp<'p>,
        slot: usize,
        labels: &'p Names,
        filters: Vec<&'p CExpr>,
        range: Option<(u64, u64)>,
    ) -> NodeScanOp<'p> {
        NodeScanOp {
            input,
            slot,
            labels,
            row: None,
            cursor: 0,
            below: 0,
            syms: None,
            batch: Vec::new(),
            pos: 0,
            filters,
            prepared: Vec::new(),
            any_row_filter: false,
            version: 0,
            prefetch_key: None,
            range,
        }
    }
}

/// How many node ids a scan fetches from the store at a time.
const SCAN_BATCH: usize = 1024;

impl Operator for NodeScanOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        loop {
            if let Some(row) = &mut self.row {
                if self.pos < self.batch.len() {
                    let n = self.batch[self.pos];
                    if let Some(k) = self.prefetch_key {
                        if let Some(&ahead) = self.batch.get(self.pos + PREFETCH_AHEAD) {
                            rt.graph.prefetch_string_prop(ahead, k);
                        }
                    }
                    self.pos += 1;
                    // The store may have changed since the batch was read.
                    if rt.graph.version() != self.version && !rt.graph.contains_node(n) {
                        continue;
                    }
                    if !self.prepared.is_empty() {
                        rt.tick()?;
                        // Property comparisons first (they cannot fail), then the rest.
                        let props = rt.graph.node_props(n);
                        let mut pass = self.prepared.iter().all(|f| match f {
                            ScanFilter::Property { key, op, value } => {
                                let v = crate::store::get_prop(props, *key);
                                compare_op(*op, v.unwrap_or(&Val::Null), value) == Some(true)
                            }
                            ScanFilter::Text { key, test } => {
                                test.passes(crate::store::get_prop(props, *key))
                            }
                            ScanFilter::Row(_) => true,
                        });
                        if pass && self.any_row_filter {
                            match &mut row[self.slot] {
                                Val::Node(x) => *x = n,
                                other => *other = Val::Node(n),
                            }
                            for f in &self.prepared {
                                if let ScanFilter::Row(f) = f {
                                    if !eval_predicate(f, row, rt)? {
                                        pass = false;
                                        break;
                                    }
                                }
                            }
                        }
                        if !pass {
                            continue;
                        }
                    }
                    let mut out = rt.copy_row(row);
                    out[self.slot] = Val::Node(n);
                    return Ok(Some(out));
                }
            }
            rt.tick()?;
            if self.row.is_none() {
                match self.input.next(rt)? {
                    Some(r) => {
                        self.row = Some(r);
                        // Parameters and key symbols are fixed for the statement; prepared
                        // per input row all the same (cheap), after the input ran.
                        let slot = self.slot;
                        self.prepared = self
                            .filters
                            .iter()
                            .map(|f| ScanFilter::prepare(f, slot, rt))
                            .collect();
                        self.any_row_filter = self
                            .prepared
                            .iter()
                            .any(|f| matches!(f, ScanFilter::Row(_)));
                        self.prefetch_key = self.prepared.iter().find_map(|f| match f {
                            ScanFilter::Text { key, .. } => Some(*key),
                            _ => None,
                        });
                        let (from, below) = self.range.unwrap_or((0, u64::MAX));
                        self.cursor = from;
                        self.below = below.min(rt.graph.next_node_id());
                    }
                    None => return Ok(None),
                }
            }
            if self.syms.is_none() {
                self.syms = Some(resolve_labels(&rt.graph, self.labels));
            }
            let g = &*rt.graph;
            self.batch.clear();
            self.pos = 0;
            self.version = g.version();
            match self.syms.as_ref().expect("resolved") {
                None => {}
                Some(syms) if syms.is_empty() => {
                    g.nodes_batch(self.cursor, self.below, SCAN_BATCH, &mut self.batch);
                }
                Some(syms) => {
                    g.labeled_nodes_batch(
                        syms[0],
                        self.cursor,
                        self.below,
                        SCAN_BATCH,
                        &mut self.batch,
                    );
                    if let Some(last) = self.batch.last() {
                        self.cursor = last.0 + 1;
                    }
                    self.batch.retain(|n| has_labels(g, *n, &syms[1..]));
                    if self.batch.is_empty()
                        && self.cursor < self.below
                        && g.next_labeled_node_from(syms[0], self.cursor, self.below)
                            .is_some()
                    {
                        continue;
                    }
                }
            }
            if let (Some(last), Some(syms)) =
                (self.batch.last(), self.syms.as_ref().expect("resolved"))
            {
                if syms.is_empty() {
                    self.cursor = last.0 + 1;
                }
            }
            if self.batch.is_empty() {
                self.row = None;
            }
        }
    }
}

/// Seeks: for each input row, the nodes `find` picks (an index lookup, ids, an index
/// range), each bound into `slot` in turn.
struct NodeSeekOp<'p> {
    input: BoxOp<'p>,
    node: &'p PlanNode,
    slot: usize,
    find: FindNodes,
    row: Option<Row>,
    buf: Vec<NodeId>,
    pos: usize,
}

/// Fills the buffer with the nodes a seek plan node picks for one input row.
type FindNodes = fn(&PlanNode, &Row, &mut Runtime, &mut Vec<NodeId>) -> Result<()>;

impl Operator for NodeSeekOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        loop {
            rt.tick()?;
            if let Some(row) = &self.row {
                if self.pos < self.buf.len() {
                    let n = self.buf[self.pos];
                    self.pos += 1;
                    let mut out = row.clone();
                    out[self.slot] = Val::Node(n);
                    return Ok(Some(out));
                }
                self.row = None;
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            self.buf.clear();
            self.pos = 0;
            (self.find)(self.node, &row, rt, &mut self.buf)?;
            self.row = Some(row);
        }
    }
}

/// The list a seek's `IN` gives, or a type error.
fn in_list(v: &Val) -> Result<&[Val]> {
    match v {
        Val::List(items) => Ok(items),
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("IN expects a list, got {}", other.type_name()),
        )),
    }
}

/// Index seek: nodes whose indexed property equals a value (or any value of a list).
fn index_nodes(node: &PlanNode, row: &Row, rt: &mut Runtime, buf: &mut Vec<NodeId>) -> Result<()> {
    let PlanNode::NodeByProperty {
        labels,
        key,
        value,
        many,
        ..
    } = node
    else {
        unreachable!("index_nodes on NodeByProperty");
    };
    let v = eval(value, row, rt)?;
    let g = &*rt.graph;
    let (Some(label_syms), Some(k)) = (resolve_labels(g, labels), g.key_symbol(key)) else {
        return Ok(());
    };
    let Some(index) = label_syms.iter().find_map(|l| g.find_index(*l, k)) else {
        return Ok(());
    };
    let values: &[Val] = match (&v, many) {
        (Val::Null, _) => &[],
        (list, true) => in_list(list)?,
        (one, false) => std::slice::from_ref(one),
    };
    for x in values {
        // The index keys 1 and 1.0 alike; equality semantics agree.
        let from = buf.len();
        index.lookup_into(x, buf);
        let mut keep = from;
        for i in from..buf.len() {
            if has_labels(g, buf[i], &label_syms) {
                buf[keep] = buf[i];
                keep += 1;
            }
        }
        buf.truncate(keep);
    }
    buf.sort_unstable();
    buf.dedup();
    Ok(())
}

/// Nodes by id (`WHERE id(n) = $x`, `id(n) IN $ids`).
fn id_nodes(node: &PlanNode, row: &Row, rt: &mut Runtime, buf: &mut Vec<NodeId>) -> Result<()> {
    let PlanNode::NodeById {
        labels, ids, many, ..
    } = node
    else {
        unreachable!("id_nodes on NodeById");
    };
    let v = eval(ids, row, rt)?;
    let g = &*rt.graph;
    let Some(label_syms) = resolve_labels(g, labels) else {
        return Ok(());
    };
    let values: &[Val] = match (&v, many) {
        (Val::Null, _) => &[],
        (list, true) => in_list(list)?,
        (one, false) => std::slice::from_ref(one),
    };
    buf.extend(values.iter().filter_map(|v| as_id(v).map(NodeId)));
    buf.retain(|n| g.contains_node(*n) && has_labels(g, *n, &label_syms));
    buf.sort_unstable();
    buf.dedup();
    Ok(())
}

/// An id as equality sees it: 3 = 3.0; anything else matches no id.
fn as_id(v: &Val) -> Option<u64> {
    match v {
        Val::Int(i) if *i >= 0 => Some(*i as u64),
        Val::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 9.2e18 => Some(*f as u64),
        _ => None,
    }
}

/// Candidates for range predicates on an indexed property, in id order; the exact
/// predicates are filters above.
fn range_nodes(node: &PlanNode, row: &Row, rt: &mut Runtime, buf: &mut Vec<NodeId>) -> Result<()> {
    use crate::store::Bound;
    let PlanNode::NodeByRange {
        labels,
        key,
        lower,
        upper,
        prefix,
        ..
    } = node
    else {
        unreachable!("range_nodes on NodeByRange");
    };
    let mut value = |e: &Option<CExpr>| -> Result<Option<Val>> {
        e.as_ref().map(|e| eval(e, row, rt)).transpose()
    };
    let (lo, hi, pre) = (value(lower)?, value(upper)?, value(prefix)?);
    let g = &*rt.graph;
    let (Some(label_syms), Some(k)) = (resolve_labels(g, labels), g.key_symbol(key)) else {
        return Ok(());
    };
    let Some(index) = label_syms.iter().find_map(|l| g.find_index(*l, k)) else {
        return Ok(());
    };
    // A bound of another kind: every node of the label is a candidate. A null bound, or
    // bounds of two kinds, match nothing.
    enum B<'a> {
        None,
        Some(Bound<'a>),
        Nothing,
        All,
    }
    fn bound(v: &Option<Val>) -> B<'_> {
        match v {
            None => B::None,
            Some(Val::Int(i)) => B::Some(Bound::Number(*i as f64)),
            Some(Val::Float(f)) => B::Some(Bound::Number(*f)),
            Some(Val::Str(s)) => B::Some(Bound::Str(s)),
            Some(Val::Null) => B::Nothing,
            Some(_) => B::All,
        }
    }
    match &pre {
        Some(Val::Str(p)) => index.prefix(p, buf),
        Some(_) => {}
        None => match (bound(&lo), bound(&hi)) {
            (B::Nothing, _) | (_, B::Nothing) => {}
            (B::All, _) | (_, B::All) => buf.extend(g.nodes_with_label(index.label)),
            (B::Some(Bound::Number(_)), B::Some(Bound::Str(_)))
            | (B::Some(Bound::Str(_)), B::Some(Bound::Number(_))) => {}
            (l, h) => {
                let l = if let B::Some(b) = l { Some(b) } else { None };
                let h = if let B::Some(b) = h { Some(b) } else { None };
                index.range(l, h, buf);
            }
        },
    }
    if label_syms.len() > 1 {
        buf.retain(|n| has_labels(g, *n, &label_syms));
    }
    buf.sort_unstable();
    buf.dedup();
    Ok(())
}

/// Relationships by id with their endpoints (`MATCH ()-[r]->() WHERE id(r) = $x`).
struct RelIdSeekOp<'p> {
    input: BoxOp<'p>,
    node: &'p PlanNode,
    row: Option<Row>,
    buf: Vec<(RelId, NodeId, NodeId)>,
    pos: usize,
}

impl Operator for RelIdSeekOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let PlanNode::RelById {
            rel,
            from,
            to,
            dir,
            types,
            from_labels,
            to_labels,
            ids,
            many,
            ..
        } = self.node
        else {
            unreachable!("RelIdSeekOp built from RelById");
        };
        loop {
            rt.tick()?;
            if let Some(row) = &self.row {
                if self.pos < self.buf.len() {
                    let (r, a, b) = self.buf[self.pos];
                    self.pos += 1;
                    let mut out = row.clone();
                    out[*rel] = Val::Rel(r);
                    out[*from] = Val::Node(a);
                    out[*to] = Val::Node(b);
                    return Ok(Some(out));
                }
                self.row = None;
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            let v = eval(ids, &row, rt)?;
            let g = &*rt.graph;
            self.buf.clear();
            self.pos = 0;
            let (Some(from_syms), Some(to_syms)) =
                (resolve_labels(g, from_labels), resolve_labels(g, to_labels))
            else {
                continue;
            };
            let type_syms: Vec<Symbol> = types.iter().filter_map(|t| g.type_symbol(t)).collect();
            if !types.is_empty() && type_syms.is_empty() {
                continue;
            }
            let values: &[Val] = match (&v, many) {
                (Val::Null, _) => &[],
                (list, true) => in_list(list)?,
                (one, false) => std::slice::from_ref(one),
            };
            let mut wanted: Vec<RelId> =
                values.iter().filter_map(|v| as_id(v).map(RelId)).collect();
            wanted.sort_unstable();
            wanted.dedup();
            for r in wanted {
                let (Some(t), Some((start, end))) = (g.rel_type(r), g.rel_endpoints(r)) else {
                    continue;
                };
                if !type_syms.is_empty() && !type_syms.contains(&t) {
                    continue;
                }
                let mut ends = Vec::with_capacity(2);
                match dir {
                    Direction::Outgoing => ends.push((start, end)),
                    Direction::Incoming => ends.push((end, start)),
                    Direction::Both => {
                        ends.push((start, end));
                        if start != end {
                            ends.push((end, start));
                        }
                    }
                }
                for (a, b) in ends {
                    if has_labels(g, a, &from_syms) && has_labels(g, b, &to_syms) {
                        self.buf.push((r, a, b));
                    }
                }
            }
            self.row = Some(row);
        }
    }
}

/// A count from the store's counters (labels, relationship types).
struct CountStoreOp<'p> {
    input: BoxOp<'p>,
    slot: usize,
    kind: &'p crate::plan::logical::CountKind,
}

impl Operator for CountStoreOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        use crate::plan::logical::CountKind;
        let Some(mut row) = self.input.next(rt)? else {
            return Ok(None);
        };
        let g = &*rt.graph;
        let n = match self.kind {
            CountKind::AllNodes => g.node_count(),
            CountKind::Label(l) => g.label_symbol(l).map_or(0, |s| g.label_count(s)),
            CountKind::AllRels => g.rel_count(),
            CountKind::RelType(t) => g.type_symbol(t).map_or(0, |s| g.type_count(s)),
        };
        row[self.slot] = Val::Int(n as i64);
        Ok(Some(row))
    }
}

/// How many neighbours ahead an expansion prefetches node records.
const PREFETCH_AHEAD: usize = 8;

struct ExpandOp<'p> {
    input: BoxOp<'p>,
    node: &'p PlanNode,
    row: Option<Row>,
    buf: Vec<(RelId, NodeId)>,
    pos: usize,
    /// Type and label symbols, once every name is known (symbols are never removed).
    syms: Option<(Vec<Symbol>, Vec<Symbol>)>,
}

impl Operator for ExpandOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let PlanNode::Expand {
            from,
            rel,
            to,
            dir,
            types,
            to_labels,
            to_bound,
            rel_bound,
            unique_from,
            ..
        } = self.node
        else {
            unreachable!("ExpandOp built from Expand");
        };
        loop {
            rt.tick()?;
            if let Some(row) = &self.row {
                while self.pos < self.buf.len() {
                    let (r, other) = self.buf[self.pos];
                    if let Some((_, ahead)) = self.buf.get(self.pos + PREFETCH_AHEAD) {
                        rt.graph.prefetch_node(*ahead);
                    }
                    self.pos += 1;
                    if *to_bound && !matches!(row[*to], Val::Node(x) if x == other) {
                        continue;
                    }
                    if *rel_bound && !matches!(row[*rel], Val::Rel(x) if x == r) {
                        continue;
                    }
                    if rel_used(row, unique_from, r) {
                        continue;
                    }
                    let mut out = rt.copy_row(row);
                    out[*rel] = Val::Rel(r);
                    out[*to] = Val::Node(other);
                    return Ok(Some(out));
                }
                self.row = None;
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            let Some(start) = node_of(&row[*from])? else {
                continue;
            };
            let g = &*rt.graph;
            self.buf.clear();
            self.pos = 0;
            // Symbols are cached once every name is known (symbols are never removed); a
            // type not created yet is resolved again for the next row.
            let fresh;
            let (type_syms, label_syms) = match &self.syms {
                Some((t, l)) => (t, l),
                None => {
                    let Some(type_syms) = resolve_types(g, types) else {
                        continue;
                    };
                    let Some(label_syms) = resolve_labels(g, to_labels) else {
                        continue;
                    };
                    if type_syms.len() == types.len() {
                        let (t, l) = self.syms.insert((type_syms, label_syms));
                        (&*t, &*l)
                    } else {
                        fresh = (type_syms, label_syms);
                        (&fresh.0, &fresh.1)
                    }
                }
            };
            self.buf.extend(
                g.expand(start, *dir, type_syms)
                    .filter(|(_, n)| has_labels(g, *n, label_syms)),
            );
            for (_, n) in self.buf.iter().take(PREFETCH_AHEAD) {
                g.prefetch_node(*n);
            }
            self.row = Some(row);
        }
    }
}

struct VarExpandOp<'p> {
    input: BoxOp<'p>,
    node: &'p PlanNode,
    row: Option<Row>,
    buf: Vec<(Vec<RelId>, NodeId)>,
    pos: usize,
}

impl Operator for VarExpandOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let PlanNode::VarExpand {
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
            distinct_ends,
            ..
        } = self.node
        else {
            unreachable!("VarExpandOp built from VarExpand");
        };
        loop {
            rt.tick()?;
            if let Some(row) = &self.row {
                if self.pos < self.buf.len() {
                    let (rels, end) = &self.buf[self.pos];
                    self.pos += 1;
                    let mut out = row.clone();
                    let list: Vec<Val> = if *reversed {
                        rels.iter().rev().map(|r| Val::Rel(*r)).collect()
                    } else {
                        rels.iter().map(|r| Val::Rel(*r)).collect()
                    };
                    out[*rel] = Val::list(list);
                    out[*to] = Val::Node(*end);
                    return Ok(Some(out));
                }
                self.row = None;
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            let Some(start) = node_of(&row[*from])? else {
                continue;
            };
            self.buf.clear();
            self.pos = 0;
            if *rel_bound {
                if let Some(walk) = follow_bound(&rt.graph, &row[*rel], start, *dir, *reversed) {
                    let (rels, end) = walk;
                    let len = rels.len() as u64;
                    let to_ok = !*to_bound || matches!(row[*to], Val::Node(t) if t == end);
                    if len >= *min && max.is_none_or(|m| len <= m) && to_ok {
                        self.buf.push((rels, end));
                        self.row = Some(row);
                    }
                }
                continue;
            }
            let Some(type_syms) = resolve_types(&rt.graph, types) else {
                if *min == 0 {
                    self.buf.push((Vec::new(), start));
                    self.row = Some(row);
                }
                continue;
            };
            let Some(label_syms) = resolve_labels(&rt.graph, to_labels) else {
                continue;
            };
            let props: Vec<(Symbol, Val)> = match rel_props {
                Some(p) => match eval(p, &row, rt)? {
                    Val::Map(m) => {
                        let mut out = Vec::new();
                        for (k, v) in m.iter() {
                            match rt.graph.key_symbol(k) {
                                Some(s) => out.push((s, v.clone())),
                                None => {
                                    out.clear();
                                    out.push((Symbol(u32::MAX), Val::Null));
                                    break;
                                }
                            }
                        }
                        out
                    }
                    _ => Vec::new(),
                },
                None => Vec::new(),
            };
            let target = if *to_bound { node_of(&row[*to])? } else { None };
            if *to_bound && target.is_none() {
                continue;
            }
            if *distinct_ends && props.is_empty() {
                // Breadth-first: each endpoint once, at its shortest distance.
                let g = &*rt.graph;
                let ends = reachable(
                    g,
                    start,
                    *dir,
                    &type_syms,
                    max.unwrap_or(u64::MAX),
                    rt.limits.max_rows_in_memory,
                )?;
                for n in ends {
                    if has_labels(g, n, &label_syms) {
                        self.buf.push((Vec::new(), n));
                    }
                }
                if *min == 0
                    && has_labels(g, start, &label_syms)
                    && !self.buf.iter().any(|(_, n)| *n == start)
                {
                    self.buf.push((Vec::new(), start));
                }
                self.row = Some(row);
                continue;
            }
            // Depth-first enumeration of relationship-unique paths.
            let g = &*rt.graph;
            let max = max.unwrap_or(u64::MAX);
            let mut path: Vec<RelId> = Vec::new();
            let mut stack: Vec<(NodeId, Vec<(RelId, NodeId)>)> = Vec::new();
            let neighbours = |n: NodeId| -> Vec<(RelId, NodeId)> {
                g.expand(n, *dir, &type_syms)
                    .filter(|(r, _)| {
                        props.iter().all(|(k, v)| {
                            g.rel_prop(*r, *k)
                                .is_some_and(|x| super::compare::equals(&x, v) == Some(true))
                        })
                    })
                    .collect()
            };
            let accept = |n: NodeId, depth: u64| {
                depth >= *min && has_labels(g, n, &label_syms) && target.is_none_or(|t| t == n)
            };
            if accept(start, 0) {
                self.buf.push((Vec::new(), start));
            }
            if max > 0 {
                stack.push((start, neighbours(start)));
            }
            let mut steps = 0u32;
            let mut held = 0usize;
            while let Some((_, frontier)) = stack.last_mut() {
                steps = steps.wrapping_add(1);
                if steps & 1023 == 0 {
                    rt.check_now()?;
                }
                match frontier.pop() {
                    Some((r, n)) => {
                        if path.contains(&r) || rel_used(&row, unique_from, r) {
                            continue;
                        }
                        path.push(r);
                        let depth = path.len() as u64;
                        if accept(n, depth) {
                            self.buf.push((path.clone(), n));
                            // Paths held for this start node: their number and their total
                            // length (long paths on dense graphs) are both bounded.
                            held += path.len();
                            if self.buf.len() > rt.limits.max_rows_in_memory
                                || held > rt.limits.max_list_len
                            {
                                return Err(Error::transient(
                                    "MemoryLimitExceeded",
                                    format!(
                                        "variable-length expansion produced too many paths \
                                         ({} paths of {held} relationships in all)",
                                        self.buf.len()
                                    ),
                                ));
                            }
                        }
                        if depth < max {
                            stack.push((n, neighbours(n)));
                        } else {
                            path.pop();
                        }
                    }
                    None => {
                        stack.pop();
                        path.pop();
                    }
                }
            }
            // Emit shorter paths first, in discovery order within a length.
            self.buf.sort_by_key(|(p, _)| p.len());
            self.row = Some(row);
        }
    }
}

/// Follows an already-bound list of relationships from `start`; the walk's relationships
/// (in walk order) and its end node, or None when the list is not a path from `start`.
fn follow_bound(
    g: &Graph,
    list: &Val,
    start: NodeId,
    dir: Direction,
    reversed: bool,
) -> Option<(Vec<RelId>, NodeId)> {
    let Val::List(items) = list else {
        return None;
    };
    let mut rels: Vec<RelId> = Vec::with_capacity(items.len());
    for v in items.iter() {
        match v {
            Val::Rel(r) => rels.push(*r),
            _ => return None,
        }
    }
    if reversed {
        rels.reverse();
    }
    let mut cur = start;
    for r in &rels {
        let (s, e) = g.rel_endpoints(*r)?;
        cur = match dir {
            Direction::Outgoing if s == cur => e,
            Direction::Incoming if e == cur => s,
            Direction::Both if s == cur => e,
            Direction::Both if e == cur => s,
            _ => return None,
        };
    }
    Some((rels, cur))
}

/// Nodes reachable from `start` by a directed trail of 1 to `max` relationships. A
/// shortest walk never repeats a node, so BFS distance ≥ 1 decides it for every node but
/// the start, which is included when some relationship closes a cycle back to it within
/// `max` steps.
fn reachable(
    g: &Graph,
    start: NodeId,
    dir: Direction,
    types: &[Symbol],
    max: u64,
    limit: usize,
) -> Result<Vec<NodeId>> {
    let mut dist: FxHashMap<NodeId, u64> = FxHashMap::default();
    dist.insert(start, 0);
    let mut out = Vec::new();
    let mut frontier = vec![start];
    let mut depth = 0u64;
    let mut start_closed = false;
    while !frontier.is_empty() && depth < max {
        depth += 1;
        let mut next = Vec::new();
        for &n in &frontier {
            for (_, m) in g.expand(n, dir, types) {
                if m == start {
                    start_closed = true;
                }
                if let std::collections::hash_map::Entry::Vacant(e) = dist.entry(m) {
                    e.insert(depth);
                    next.push(m);
                    out.push(m);
                    if out.len() > limit {
                        return Err(Error::transient(
                            "MemoryLimitExceeded",
                            "variable-length expansion reached too many nodes",
                        ));
                    }
                }
            }
        }
        frontier = next;
    }
    if start_closed {
        out.push(start);
    }
    Ok(out)
}

struct ShortestPathOp<'p> {
    input: BoxOp<'p>,
    node: &'p PlanNode,
    pending: VecDeque<Row>,
}

impl Operator for ShortestPathOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let PlanNode::ShortestPath {
            from,
            to,
            path,
            rel,
            dir,
            types,
            min,
            max,
            all,
            ..
        } = self.node
        else {
            unreachable!("ShortestPathOp built from ShortestPath");
        };
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(Some(r));
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            rt.tick()?;
            let (Some(a), Some(b)) = (node_of(&row[*from])?, node_of(&row[*to])?) else {
                continue;
            };
            let Some(type_syms) = resolve_types(&rt.graph, types) else {
                continue;
            };
            let g = &*rt.graph;
            let max = max.unwrap_or(u64::MAX);
            let paths = shortest_paths(g, a, b, *dir, &type_syms, *min, max, *all);
            for (nodes, rels) in paths {
                let mut out = row.clone();
                if let Some(rs) = rel {
                    out[*rs] = Val::list(rels.iter().map(|r| Val::Rel(*r)).collect());
                }
                out[*path] = Val::Path(Arc::new(PathVal { nodes, rels }));
                self.pending.push_back(out);
            }
        }
    }
}

fn reverse(dir: Direction) -> Direction {
    match dir {
        Direction::Outgoing => Direction::Incoming,
        Direction::Incoming => Direction::Outgoing,
        Direction::Both => Direction::Both,
    }
}

/// One shortest path from `a` to `b` (a ≠ b) by breadth-first search from both ends,
/// always growing the smaller frontier: on power-law graphs this visits a small fraction
/// of what a one-sided search does. The first meeting found while expanding a level is a
/// shortest path, because any shorter one would have met at an earlier level.
fn bidirectional_shortest(
    g: &Graph,
    a: NodeId,
    b: NodeId,
    dir: Direction,
    types: &[Symbol],
    max: u64,
) -> Option<(Vec<NodeId>, Vec<RelId>)> {
    // parent maps: node -> (previous node towards the side's root, relationship)
    let mut fwd: FxHashMap<NodeId, Option<(NodeId, RelId)>> = FxHashMap::default();
    let mut bwd: FxHashMap<NodeId, Option<(NodeId, RelId)>> = FxHashMap::default();
    fwd.insert(a, None);
    bwd.insert(b, None);
    let mut front_f = vec![a];
    let mut front_b = vec![b];
    let mut length = 0u64;
    while !front_f.is_empty() && !front_b.is_empty() && length < max {
        length += 1;
        let forward = front_f.len() <= front_b.len();
        let (front, seen, other, side_dir) = if forward {
            (&mut front_f, &mut fwd, &bwd, dir)
        } else {
            (&mut front_b, &mut bwd, &fwd, reverse(dir))
        };
        let mut next = Vec::new();
        let mut meet = None;
        'level: for &n in front.iter() {
            for (r, m) in g.expand(n, side_dir, types) {
                if seen.contains_key(&m) {
                    continue;
                }
                seen.insert(m, Some((n, r)));
                if other.contains_key(&m) {
                    meet = Some(m);
                    break 'level;
                }
                next.push(m);
            }
        }
        if let Some(m) = meet {
            // Walk from the meeting node back to a, then on to b.
            let mut nodes = vec![m];
            let mut rels = Vec::new();
            let mut cur = m;
            while let Some(Some((p, r))) = fwd.get(&cur) {
                nodes.push(*p);
                rels.push(*r);
                cur = *p;
            }
            nodes.reverse();
            rels.reverse();
            let mut cur = m;
            while let Some(Some((p, r))) = bwd.get(&cur) {
                nodes.push(*p);
                rels.push(*r);
                cur = *p;
            }
            return Some((nodes, rels));
        }
        *front = next;
    }
    None
}

/// BFS from `a` to `b`; every shortest path when `all`, else one.
#[allow(clippy::too_many_arguments)]
fn shortest_paths(
    g: &Graph,
    a: NodeId,
    b: NodeId,
    dir: Direction,
    types: &[Symbol],
    min: u64,
    max: u64,
    all: bool,
) -> Vec<(Vec<NodeId>, Vec<RelId>)> {
    if !all && min <= 1 && a != b {
        return bidirectional_shortest(g, a, b, dir, types, max)
            .into_iter()
            .collect();
    }
    if a == b {
        return if min == 0 {
            vec![(vec![a], Vec::new())]
        } else {
            Vec::new()
        };
    }
    // parents[n] = list of (parent node, rel) at the previous BFS level.
    let mut parents: FxHashMap<NodeId, Vec<(NodeId, RelId)>> = FxHashMap::default();
    let mut depth_of: FxHashMap<NodeId, u64> = FxHashMap::default();
    depth_of.insert(a, 0);
    let mut frontier = vec![a];
    let mut depth = 0u64;
    let mut found = false;
    while !frontier.is_empty() && depth < max && !found {
        depth += 1;
        let mut next = Vec::new();
        for &n in &frontier {
            for (r, m) in g.expand(n, dir, types) {
                match depth_of.get(&m) {
                    Some(&d) if d == depth => {
                        if all {
                            parents.entry(m).or_default().push((n, r));
                        }
                    }
                    Some(_) => {}
                    None => {
                        depth_of.insert(m, depth);
                        parents.entry(m).or_default().push((n, r));
                        next.push(m);
                        if m == b {
                            found = true;
                        }
                    }
                }
            }
        }
        frontier = next;
    }
    if !found || depth < min {
        return Vec::new();
    }
    // Walk back from b to a through parents.
    let mut out = Vec::new();
    let mut stack: Vec<(NodeId, Vec<NodeId>, Vec<RelId>)> = vec![(b, vec![b], Vec::new())];
    while let Some((n, nodes, rels)) = stack.pop() {
        if n == a {
            let mut nodes = nodes;
            let mut rels = rels;
            nodes.reverse();
            rels.reverse();
            out.push((nodes, rels));
            if !all {
                break;
            }
            continue;
        }
        if let Some(ps) = parents.get(&n) {
            for (p, r) in ps {
                let mut nn = nodes.clone();
                nn.push(*p);
                let mut rr = rels.clone();
                rr.push(*r);
                stack.push((*p, nn, rr));
            }
        }
    }
    out
}

struct BuildPathOp<'p> {
    input: BoxOp<'p>,
    slot: usize,
    start: usize,
    segments: &'p [(usize, bool)],
}

impl Operator for BuildPathOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let Some(mut row) = self.input.next(rt)? else {
            return Ok(None);
        };
        let Val::Node(start) = row[self.start] else {
            row[self.slot] = Val::Null;
            return Ok(Some(row));
        };
        let mut nodes = vec![start];
        let mut rels = Vec::new();
        let mut cur = start;
        let mut push = |r: RelId, rels: &mut Vec<RelId>, nodes: &mut Vec<NodeId>| {
            if let Some((s, e)) = rt.graph.rel_endpoints(r) {
                cur = if s == cur { e } else { s };
                rels.push(r);
                nodes.push(cur);
            }
        };
        for (s, is_list) in self.segments {
            match (&row[*s], is_list) {
                (Val::Rel(r), false) => push(*r, &mut rels, &mut nodes),
                (Val::List(items), true) => {
                    for v in items.iter() {
                        if let Val::Rel(r) = v {
                            push(*r, &mut rels, &mut nodes);
                        }
                    }
                }
                _ => {
                    row[self.slot] = Val::Null;
                    return Ok(Some(row));
                }
            }
        }
        row[self.slot] = Val::Path(Arc::new(PathVal { nodes, rels }));
        Ok(Some(row))
    }
}

// ---------------------------------------------------------------- row operators

struct FilterOp<'p> {
    input: BoxOp<'p>,
    predicate: &'p CExpr,
}

impl Operator for FilterOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        while let Some(row) = self.input.next(rt)? {
            rt.tick()?;
            if eval_predicate(self.predicate, &row, rt)? {
                return Ok(Some(row));
            }
            rt.recycle(row);
        }
        Ok(None)
    }
}

struct OptionalOp<'p> {
    input: BoxOp<'p>,
    inner: &'p PlanNode,
    nullable: &'p [usize],
    current: Option<BoxOp<'p>>,
    /// OPTIONAL MATCH (emit a null row when nothing matched) rather than Apply.
    optional: bool,
    matched: bool,
    row: Option<Row>,
}

impl Operator for OptionalOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        loop {
            if let Some(cur) = &mut self.current {
                if let Some(r) = cur.next(rt)? {
                    self.matched = true;
                    return Ok(Some(r));
                }
                self.current = None;
                let row = self.row.take().expect("row with current");
                if self.optional && !self.matched {
                    let mut out = row;
                    for s in self.nullable {
                        out[*s] = Val::Null;
                    }
                    return Ok(Some(out));
                }
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            rt.tick()?;
            self.current = Some(build(self.inner, &row, Cx::profiled(rt.profile.is_some())));
            self.matched = false;
            self.row = Some(row);
        }
    }
}

struct ProjectOp<'p> {
    input: BoxOp<'p>,
    items: &'p [(usize, CExpr)],
}

impl Operator for ProjectOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        let Some(row) = self.input.next(rt)? else {
            return Ok(None);
        };
        let mut vals = Vec::with_capacity(self.items.len());
        for (_, e) in self.items {
            vals.push(eval(e, &row, rt)?);
        }
        let mut out = row;
        for ((s, _), v) in self.items.iter().zip(vals) {
            out[*s] = v;
        }
        Ok(Some(out))
    }
}

struct AggregateOp<'p> {
    input: BoxOp<'p>,
    keys: &'p [(usize, CExpr)],
    aggs: &'p [crate::plan::expr::AggCall],
    width: usize,
    out: Option<std::vec::IntoIter<Row>>,
    /// The input plan and its scan's labels when it can run in parallel partitions.
    parallel: Option<(&'p PlanNode, &'p Names)>,
    arg: Row,
}

/// Aggregation groups in order of first appearance: key values and accumulators.
pub(crate) type Groups = Vec<(Vec<Val>, Vec<Acc>)>;

/// Pulls every row of `input` into groups by `keys`, accumulating `aggs`. Without keys
/// there is exactly one group.
pub(crate) fn aggregate_groups(
    input: &mut BoxOp,
    keys: &[(usize, CExpr)],
    aggs: &[crate::plan::expr::AggCall],
    rt: &mut Runtime,
) -> Result<Groups> {
    let new_accs = || -> Vec<Acc> { aggs.iter().map(|a| Acc::new(a.func, a.distinct)).collect() };
    let mut groups: Groups = Vec::new();
    if keys.is_empty() {
        // One group: no hashing per row.
        let mut accs = new_accs();
        while let Some(row) = input.next(rt)? {
            rt.tick()?;
            accumulate(aggs, &mut accs, &row, rt)?;
            rt.recycle(row);
        }
        groups.push((Vec::new(), accs));
        return Ok(groups);
    }
    let mut index: FxHashMap<EquivKey, usize> = FxHashMap::default();
    let mut k = EquivKey(Vec::with_capacity(keys.len()));
    // String keys by allocation: stored strings that repeat share one allocation (see the
    // snapshot loader), so a group whose key is that very allocation is found without
    // hashing the text. Only a group's own key allocation is cached: the group keeps it
    // alive, so the address cannot be reused by another string meanwhile.
    let mut by_address = [(0usize, usize::MAX); 64];
    while let Some(row) = input.next(rt)? {
        rt.tick()?;
        // One grouping key read in place: the key is cloned only for a new group.
        if let [(_, e)] = keys {
            let found = eval_ref(e, &row, rt).and_then(|v| {
                let addr = match v {
                    Val::Str(s) => s.as_ptr() as usize,
                    _ => 0,
                };
                let slot = (addr >> 4) & 63;
                if addr != 0 && by_address[slot].0 == addr {
                    return Some(by_address[slot].1);
                }
                use ref_cast::RefCast;
                let gi = index
                    .get(EquivSlice::ref_cast(std::slice::from_ref(v)))
                    .copied()?;
                if let (Val::Str(s), Val::Str(own)) = (v, &groups[gi].0[0]) {
                    if crate::val::Str::ptr_eq(s, own) {
                        by_address[slot] = (addr, gi);
                    }
                }
                Some(gi)
            });
            if let Some(gi) = found {
                accumulate(aggs, &mut groups[gi].1, &row, rt)?;
                rt.recycle(row);
                continue;
            }
        }
        k.0.clear();
        for (_, e) in keys {
            k.0.push(eval(e, &row, rt)?);
        }
        let gi = match index.get(&k) {
            Some(i) => *i,
            None => {
                let k = k.clone();
                groups.push((k.0.clone(), new_accs()));
                index.insert(k, groups.len() - 1);
                rt.check_rows(groups.len())?;
                groups.len() - 1
            }
        };
        accumulate(aggs, &mut groups[gi].1, &row, rt)?;
        rt.recycle(row);
    }
    Ok(groups)
}

impl Operator for AggregateOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        if self.out.is_none() {
            let partitioned = match self.parallel {
                Some((input, labels)) => {
                    super::parallel::aggregate(input, labels, self.keys, self.aggs, &self.arg, rt)?
                }
                None => None,
            };
            let groups = match partitioned {
                Some(groups) => groups,
                None => aggregate_groups(&mut self.input, self.keys, self.aggs, rt)?,
            };
            let mut rows = Vec::with_capacity(groups.len());
            for (key, accs) in groups {
                let mut row = vec![Val::Null; self.width];
                for ((s, _), v) in self.keys.iter().zip(key) {
                    row[*s] = v;
                }
                for (a, acc) in self.aggs.iter().zip(accs) {
                    row[a.slot] = acc.finish()?;
                }
                rows.push(row);
            }
            self.out = Some(rows.into_iter());
        }
        Ok(self.out.as_mut().and_then(|o| o.next()))
    }
}

/// Adds one row to a group's accumulators, keeping what they hold within the row guard.
fn accumulate(
    aggs: &[crate::plan::expr::AggCall],
    accs: &mut [Acc],
    row: &Row,
    rt: &mut Runtime,
) -> Result<()> {
    for (a, acc) in aggs.iter().zip(accs.iter_mut()) {
        if let (Some(e), None) = (&a.arg, &a.extra) {
            if let Some(v) = eval_ref(e, row, rt) {
                acc.add_ref(v)?;
                rt.check_rows(acc.held())?;
                continue;
            }
        }
        let v = a.arg.as_ref().map(|e| eval(e, row, rt)).transpose()?;
        let extra = a.extra.as_ref().map(|e| eval(e, row, rt)).transpose()?;
        acc.add(v, extra)?;
        rt.check_rows(acc.held())?;
    }
    Ok(())
}

struct DistinctOp<'p> {
    input: BoxOp<'p>,
    slots: &'p [usize],
    seen: FxHashSet<EquivKey>,
}

impl Operator for DistinctOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        while let Some(row) = self.input.next(rt)? {
            rt.tick()?;
            let key = EquivKey(self.slots.iter().map(|s| row[*s].clone()).collect());
            if self.seen.insert(key) {
                rt.check_rows(self.seen.len())?;
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

fn count_value(e: &CExpr, arg: &Row, rt: &mut Runtime, what: &str) -> Result<usize> {
    match eval(e, arg, rt)? {
        Val::Int(i) if i >= 0 => Ok(i as usize),
        Val::Int(_) => Err(Error::syntax(
            "NegativeIntegerArgument",
            format!("{what} must not be negative"),
        )
        .with_phase(crate::Phase::Runtime)),
        other => Err(Error::syntax(
            "InvalidArgumentType",
            format!("{what} must be an integer, got {}", other.type_name()),
        )
        .with_phase(crate::Phase::Runtime)),
    }
}

struct SortOp<'p> {
    input: BoxOp<'p>,
    keys: &'p [(CExpr, bool)],
    limit: Option<&'p CExpr>,
    out: Option<std::vec::IntoIter<Row>>,
    arg: Row,
    /// The input plan and its scan's labels when a top-k can run in parallel partitions.
    parallel: Option<(&'p PlanNode, &'p Names)>,
}

/// Rows with their sort keys.
pub(crate) type Keyed = Vec<(Vec<Val>, Row)>;

/// Orders two rows' key lists by `keys`' directions.
fn cmp_keys(keys: &[(CExpr, bool)], a: &[Val], b: &[Val]) -> std::cmp::Ordering {
    for (i, (_, desc)) in keys.iter().enumerate() {
        let o = order(&a[i], &b[i]);
        let o = if *desc { o.reverse() } else { o };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

/// Pulls every row of `input` with its sort keys. With a `limit` (top-k) it keeps at most
/// about twice the limit: a row that cannot be among the first `limit` is dropped, usually
/// after its first key, without building its key list. The result is not sorted yet.
pub(crate) fn collect_keyed(
    input: &mut BoxOp,
    keys: &[(CExpr, bool)],
    limit: Option<usize>,
    rt: &mut Runtime,
) -> Result<Keyed> {
    let cmp = |a: &(Vec<Val>, Row), b: &(Vec<Val>, Row)| cmp_keys(keys, &a.0, &b.0);
    let mut rows: Keyed = Vec::new();
    // Top-k: the keys of the worst row kept at the last compaction.
    let mut bound: Option<Vec<Val>> = None;
    while let Some(row) = input.next(rt)? {
        rt.tick()?;
        if let (Some(b), Some((e, desc))) = (&bound, keys.first()) {
            // Compared in place: most rows stop here without cloning their key.
            if let Some(v) = eval_ref(e, &row, rt) {
                let o = order(v, &b[0]);
                let o = if *desc { o.reverse() } else { o };
                if o == std::cmp::Ordering::Greater
                    || (o == std::cmp::Ordering::Equal && keys.len() == 1)
                {
                    rt.recycle(row);
                    continue;
                }
            }
        }
        let mut k = Vec::with_capacity(keys.len());
        for (e, _) in keys {
            k.push(eval(e, &row, rt)?);
        }
        if let Some(b) = &bound {
            if cmp_keys(keys, &k, b) != std::cmp::Ordering::Less {
                rt.recycle(row);
                continue;
            }
        }
        rows.push((k, row));
        // Top-k: keep the buffer within twice the limit.
        if let Some(lim) = limit {
            if lim > 0 && rows.len() >= 2 * lim.max(512) {
                rows.select_nth_unstable_by(lim - 1, cmp);
                rows.truncate(lim);
                bound = Some(rows[lim - 1].0.clone());
            }
        }
        rt.check_rows(rows.len())?;
    }
    Ok(rows)
}

impl Operator for SortOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        if self.out.is_none() {
            let limit = match self.limit {
                Some(l) => Some(count_value(l, &self.arg, rt, "LIMIT")?),
                None => None,
            };
            let partitioned = match (self.parallel, limit) {
                (Some((input, labels)), Some(lim)) => {
                    super::parallel::top(input, labels, self.keys, lim, &self.arg, rt)?
                }
                _ => None,
            };
            let mut rows = match partitioned {
                Some(rows) => rows,
                None => collect_keyed(&mut self.input, self.keys, limit, rt)?,
            };
            let keys = self.keys;
            let cmp = |a: &(Vec<Val>, Row), b: &(Vec<Val>, Row)| cmp_keys(keys, &a.0, &b.0);
            match limit {
                Some(k) if k < rows.len() => {
                    if k > 0 {
                        rows.select_nth_unstable_by(k - 1, cmp);
                    }
                    rows.truncate(k);
                    rows.sort_by(cmp);
                }
                _ => rows.sort_by(cmp),
            }
            self.out = Some(
                rows.into_iter()
                    .map(|(_, r)| r)
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
        }
        Ok(self.out.as_mut().and_then(|o| o.next()))
    }
}

struct SkipLimitOp<'p> {
    input: BoxOp<'p>,
    count: &'p CExpr,
    skip: bool,
    n: Option<usize>,
    arg: Row,
    /// The input writes: pull it to the end even past the limit, so every write happens.
    drain: bool,
}

impl Operator for SkipLimitOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        if self.n.is_none() {
            let what = if self.skip { "SKIP" } else { "LIMIT" };
            self.n = Some(count_value(self.count, &self.arg, rt, what)?);
        }
        let n = self.n.as_mut().expect("set");
        if self.skip {
            while *n > 0 {
                if self.input.next(rt)?.is_none() {
                    return Ok(None);
                }
                *n -= 1;
            }
            self.input.next(rt)
        } else {
            if *n == 0 {
                if self.drain {
                    while self.input.next(rt)?.is_some() {
                        rt.tick()?;
                    }
                    self.drain = false;
                }
                return Ok(None);
            }
            *n -= 1;
            self.input.next(rt)
        }
    }
}

struct UnwindOp<'p> {
    input: BoxOp<'p>,
    expr: &'p CExpr,
    slot: usize,
    row: Option<Row>,
    items: Option<Arc<Vec<Val>>>,
    pos: usize,
}

impl Operator for UnwindOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        loop {
            rt.tick()?;
            if let (Some(row), Some(items)) = (&self.row, &self.items) {
                if self.pos < items.len() {
                    let mut out = row.clone();
                    out[self.slot] = items[self.pos].clone();
                    self.pos += 1;
                    return Ok(Some(out));
                }
                self.row = None;
                self.items = None;
            }
            let Some(row) = self.input.next(rt)? else {
                return Ok(None);
            };
            match eval(self.expr, &row, rt)? {
                Val::List(items) => {
                    self.items = Some(items);
                    self.pos = 0;
                    self.row = Some(row);
                }
                Val::Null => {}
                other => {
                    let mut out = row;
                    out[self.slot] = other;
                    return Ok(Some(out));
                }
            }
        }
    }
}

/// CREATE, MERGE, SET/REMOVE and DELETE: consume all input first (so reads never see
/// this clause's writes), apply the writes row by row, then stream the rows on.
struct WriteOp<'p> {
    input: BoxOp<'p>,
    node: &'p PlanNode,
    out: Option<std::vec::IntoIter<Row>>,
}

impl Operator for WriteOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        if self.out.is_none() {
            let mut rows = Vec::new();
            while let Some(r) = self.input.next(rt)? {
                rt.tick()?;
                rows.push(r);
                rt.check_rows(rows.len())?;
            }
            let out = write::apply(self.node, rows, rt)?;
            self.out = Some(out.into_iter());
        }
        Ok(self.out.as_mut().and_then(|o| o.next()))
    }
}

struct UnionOp<'p> {
    left: BoxOp<'p>,
    right: BoxOp<'p>,
    on_left: bool,
    all: bool,
    left_slots: &'p [usize],
    right_slots: &'p [usize],
    out_slots: &'p [usize],
    seen: FxHashSet<EquivKey>,
}

impl Operator for UnionOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        loop {
            let (row, slots) = if self.on_left {
                match self.left.next(rt)? {
                    Some(r) => (r, self.left_slots),
                    None => {
                        self.on_left = false;
                        continue;
                    }
                }
            } else {
                match self.right.next(rt)? {
                    Some(r) => (r, self.right_slots),
                    None => return Ok(None),
                }
            };
            rt.tick()?;
            let vals: Vec<Val> = slots.iter().map(|s| row[*s].clone()).collect();
            if !self.all && !self.seen.insert(EquivKey(vals.clone())) {
                continue;
            }
            let mut out = row;
            for (s, v) in self.out_slots.iter().zip(vals) {
                out[*s] = v;
            }
            return Ok(Some(out));
        }
    }
}

struct DiscardOp<'p> {
    input: BoxOp<'p>,
}

impl Operator for DiscardOp<'_> {
    fn next(&mut self, rt: &mut Runtime) -> Result<Option<Row>> {
        while self.input.next(rt)?.is_some() {
            rt.tick()?;
        }
        Ok(None)
    }
}
