//! Execution: runs a `Plan` over the store with pull-based operators and turns the rows
//! into result values. Does no I/O. The `Runtime` carries the graph, parameters, counters,
//! and the guards (cancellation flag, deadline, memory limits) every operator checks.

mod aggregate;
pub mod compare;
mod expr;
mod functions;
mod load_csv;
mod operators;
mod parallel;
mod write;

use crate::database::{Limits, Params, Stats};
use crate::error::{Error, Result};
use crate::plan::{Plan, PlanNode};
use crate::store::Graph;
use crate::val::{NodeId, RelId, Val};
use crate::value::{Node, Path, Relationship, Value};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A row: one value per slot.
pub type Row = Vec<Val>;

/// What the caller provides for one execution.
pub struct Context<'a> {
    pub params: &'a Params,
    pub limits: Limits,
    pub cancel: &'a AtomicBool,
    pub started: Instant,
}

/// The graph an execution runs against: writable for a statement, shared (read-only) for
/// the partitions of a parallel scan (see `parallel`), which run only plans without writes.
pub enum GraphRef<'g> {
    Write(&'g mut Graph),
    Read(&'g Graph),
}

impl std::ops::Deref for GraphRef<'_> {
    type Target = Graph;
    #[inline]
    fn deref(&self) -> &Graph {
        match self {
            GraphRef::Write(g) => g,
            GraphRef::Read(g) => g,
        }
    }
}

impl std::ops::DerefMut for GraphRef<'_> {
    fn deref_mut(&mut self) -> &mut Graph {
        match self {
            GraphRef::Write(g) => g,
            // `parallel::eligible` admits only operators and expressions that do not write.
            GraphRef::Read(_) => unreachable!("a parallel partition tried to write"),
        }
    }
}

/// State shared by all operators of one execution.
pub struct Runtime<'g> {
    pub graph: GraphRef<'g>,
    pub params: FxHashMap<Arc<str>, Val>,
    pub stats: Stats,
    pub limits: Limits,
    cancel: &'g AtomicBool,
    deadline: Option<Instant>,
    ticks: u32,
    regexes: FxHashMap<crate::val::Str, regex::Regex>,
    rng: u64,
    /// Rows dropped by filters and aggregates, reused by scans and expansions so that the
    /// hot loops do not allocate per row.
    pool: Vec<Row>,
    /// Per-operator counters while profiling, keyed by plan node address.
    pub(crate) profile: Option<FxHashMap<usize, OpStats>>,
    /// A parallel partition holds this share of the row guard: its counts are multiplied
    /// by the number of partitions (1 otherwise).
    row_parts: usize,
    /// Names and aliases, indexed on the first `kg.resolve` of the statement.
    pub(crate) aliases: Option<crate::aliases::AliasIndex>,
}

/// What PROFILE measured of one operator: rows produced and time spent in it, its
/// children included.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpStats {
    pub rows: u64,
    pub time: Duration,
}

/// The measurements of one PROFILE run, by plan node (see `Plan::profile`).
#[derive(Debug, Default)]
pub struct Profile {
    pub(crate) ops: FxHashMap<usize, OpStats>,
}

impl Profile {
    /// What was measured of `node` (zero if it never ran).
    pub fn get(&self, node: &PlanNode) -> OpStats {
        self.ops
            .get(&(node as *const PlanNode as usize))
            .copied()
            .unwrap_or_default()
    }
}

/// What the runtime of a parallel partition shares with its statement's runtime.
pub(crate) struct WorkerSeed<'g> {
    row_parts: usize,
    params: FxHashMap<Arc<str>, Val>,
    limits: Limits,
    cancel: &'g AtomicBool,
    deadline: Option<Instant>,
}

impl WorkerSeed<'_> {
    /// Splits the row guard between `parts` partitions, so that together they hold no more
    /// rows than one statement may.
    pub(crate) fn share_rows(&mut self, parts: usize) {
        self.row_parts = parts.max(1);
    }

    /// A runtime for one partition, reading `graph`.
    pub(crate) fn runtime<'a>(&'a self, graph: GraphRef<'a>) -> Runtime<'a> {
        let mut rt = Runtime::new(
            graph,
            self.params.clone(),
            self.limits,
            self.cancel,
            self.deadline,
            1,
        );
        rt.row_parts = self.row_parts;
        rt
    }
}

impl<'g> Runtime<'g> {
    fn new(
        graph: GraphRef<'g>,
        params: FxHashMap<Arc<str>, Val>,
        limits: Limits,
        cancel: &'g AtomicBool,
        deadline: Option<Instant>,
        seed: u64,
    ) -> Runtime<'g> {
        Runtime {
            graph,
            params,
            stats: Stats::default(),
            limits,
            cancel,
            deadline,
            ticks: 0,
            regexes: FxHashMap::default(),
            rng: seed | 1,
            pool: Vec::new(),
            profile: None,
            row_parts: 1,
            aliases: None,
        }
    }
}

impl Runtime<'_> {
    /// What partitions of a parallel scan need to build their own runtimes.
    pub(crate) fn worker_seed(&self) -> WorkerSeed<'_> {
        WorkerSeed {
            row_parts: 1,
            params: self.params.clone(),
            limits: self.limits,
            cancel: self.cancel,
            deadline: self.deadline,
        }
    }

    /// Called in every operator loop: cancellation and timeout, checked every 1024 ticks.
    pub fn tick(&mut self) -> Result<()> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks & 1023 == 0 {
            self.check_now()?;
        }
        Ok(())
    }

    /// Cancellation and timeout, checked now.
    pub fn check_now(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::transient("Cancelled", "the query was cancelled"));
        }
        if let Some(d) = self.deadline {
            if Instant::now() >= d {
                return Err(Error::transient(
                    "Timeout",
                    "the query ran longer than the timeout",
                ));
            }
        }
        Ok(())
    }

    /// A copy of `template`, in a recycled allocation when one is available.
    pub fn copy_row(&mut self, template: &Row) -> Row {
        match self.pool.pop() {
            Some(mut row) => {
                row.clone_from(template);
                row
            }
            None => template.clone(),
        }
    }

    /// Gives a row that is no longer needed back for reuse.
    pub fn recycle(&mut self, row: Row) {
        if self.pool.len() < 256 {
            self.pool.push(row);
        }
    }

    /// Fails when an operator would hold more rows than the memory guard allows.
    pub fn check_rows(&self, n: usize) -> Result<()> {
        if n.saturating_mul(self.row_parts) > self.limits.max_rows_in_memory {
            return Err(Error::transient(
                "MemoryLimitExceeded",
                format!(
                    "the query would hold more than {} rows in memory",
                    self.limits.max_rows_in_memory
                ),
            ));
        }
        Ok(())
    }

    pub fn regex(&mut self, pattern: &crate::val::Str) -> Result<&regex::Regex> {
        if !self.regexes.contains_key(pattern.as_str()) {
            let re = regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
                .size_limit(1 << 22)
                .dfa_size_limit(1 << 22)
                .build()
                .map_err(|e| {
                    Error::argument(
                        "InvalidArgumentValue",
                        format!("invalid regular expression: {e}"),
                    )
                })?;
            self.regexes.insert(pattern.clone(), re);
        }
        Ok(&self.regexes[pattern.as_str()])
    }

    /// A uniform float in [0, 1) (xorshift; rand() needs no cryptographic quality).
    pub fn rand(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Converts a parameter value to a runtime value.
pub fn to_val(v: &Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Int(i) => Val::Int(*i),
        Value::Float(f) => Val::Float(*f),
        Value::String(s) => Val::str(s),
        Value::List(items) => Val::list(items.iter().map(to_val).collect()),
        Value::Map(m) => Val::map(
            m.iter()
                .map(|(k, v)| (Arc::from(k.as_str()), to_val(v)))
                .collect(),
        ),
        Value::Node(n) => Val::Node(NodeId(n.id)),
        Value::Relationship(r) => Val::Rel(RelId(r.id)),
        Value::Path(p) => Val::Path(Arc::new(crate::val::PathVal {
            nodes: p.nodes.iter().map(|n| NodeId(n.id)).collect(),
            rels: p.relationships.iter().map(|r| RelId(r.id)).collect(),
        })),
        Value::Temporal(t) => Val::Temporal(Arc::new(t.clone())),
    }
}

fn props_value(g: &Graph, props: &[(crate::store::Symbol, Val)]) -> BTreeMap<String, Value> {
    props
        .iter()
        .map(|(k, v)| (g.key_name(*k).to_string(), to_value(g, v)))
        .collect()
}

fn node_value(g: &Graph, id: NodeId) -> Node {
    Node {
        id: id.0,
        labels: g
            .node_labels(id)
            .iter()
            .map(|l| g.label_name(*l).to_string())
            .collect(),
        properties: props_value(g, g.node_props(id)),
    }
}

fn rel_value(g: &Graph, id: RelId) -> Relationship {
    let (start, end) = g.rel_endpoints(id).unwrap_or((NodeId(0), NodeId(0)));
    Relationship {
        id: id.0,
        rel_type: g
            .rel_type(id)
            .map(|t| g.type_name(t).to_string())
            .unwrap_or_default(),
        start: start.0,
        end: end.0,
        properties: props_value(g, &g.rel_props(id)),
    }
}

/// Materialises a runtime value (ids) into a result value (labels, properties).
pub fn to_value(g: &Graph, v: &Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Int(i) => Value::Int(*i),
        Val::Float(f) => Value::Float(*f),
        Val::Str(s) => Value::String(s.to_string()),
        Val::List(items) => Value::List(items.iter().map(|i| to_value(g, i)).collect()),
        Val::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.to_string(), to_value(g, v)))
                .collect(),
        ),
        Val::Node(n) => Value::Node(node_value(g, *n)),
        Val::Rel(r) => Value::Relationship(rel_value(g, *r)),
        Val::Path(p) => Value::Path(Path {
            nodes: p.nodes.iter().map(|n| node_value(g, *n)).collect(),
            relationships: p.rels.iter().map(|r| rel_value(g, *r)).collect(),
        }),
        Val::Temporal(t) => Value::Temporal((**t).clone()),
    }
}

/// The columns, materialised rows and change counters of one execution.
pub type Output = (Vec<String>, Vec<Vec<Value>>, Stats);

/// Runs a plan to completion.
pub fn run(
    plan: &Plan,
    graph: &mut Graph,
    ctx: &Context,
    profile: Option<&mut Profile>,
) -> Result<Output> {
    let params = ctx
        .params
        .iter()
        .map(|(k, v)| (Arc::from(k.as_str()), to_val(v)))
        .collect();
    let seed = ctx.started.elapsed().as_nanos() as u64 ^ 0x9E37_79B9_7F4A_7C15;
    let mut rt = Runtime::new(
        GraphRef::Write(graph),
        params,
        ctx.limits,
        ctx.cancel,
        ctx.limits.timeout.map(|t| ctx.started + t),
        seed,
    );
    rt.profile = profile.as_ref().map(|_| FxHashMap::default());
    let start_row: Row = vec![Val::Null; plan.width];
    let mut rows: Vec<Row> = Vec::new();
    let mut op = operators::build(
        &plan.root,
        &start_row,
        operators::Cx::profiled(rt.profile.is_some()),
    );
    while let Some(row) = op.next(&mut rt)? {
        rt.tick()?;
        rows.push(row);
        rt.check_rows(rows.len())?;
    }
    drop(op);
    if let (Some(p), Some(ops)) = (profile, rt.profile.take()) {
        p.ops = ops;
    }
    let g = &*rt.graph;
    let out = rows
        .iter()
        .map(|row| {
            plan.column_slots
                .iter()
                .map(|s| to_value(g, &row[*s]))
                .collect()
        })
        .collect();
    Ok((plan.columns.clone(), out, rt.stats))
}

/// How long constant folding may take before the expression is left to run time, where
/// the statement's timeout and cancellation apply.
const FOLD_BUDGET: Duration = Duration::from_millis(50);

/// Evaluates an expression that reads no rows, parameters or graph data (constant
/// folding at plan time). Gives up with a `Timeout` after [`FOLD_BUDGET`].
pub fn eval_const(e: &crate::plan::expr::CExpr, width: usize) -> Result<Val> {
    let mut graph = Graph::new();
    let cancel = AtomicBool::new(false);
    let mut rt = Runtime::new(
        GraphRef::Write(&mut graph),
        FxHashMap::default(),
        Limits::default(),
        &cancel,
        Some(Instant::now() + FOLD_BUDGET),
        1,
    );
    let row: Row = vec![Val::Null; width];
    expr::eval(e, &row, &mut rt)
}
