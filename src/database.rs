//! The public facade: `Database` owns a graph and runs statements on it with
//! `execute(query, params)`. Every statement is atomic (a failure rolls back its writes
//! through the store's undo log); `BEGIN`/`COMMIT`/`ROLLBACK` group statements into an
//! explicit transaction. The CLI, the REPL and embedding programs all come through here.

use crate::ast::Statement;
use crate::error::{Error, Result};
use crate::exec;
use crate::plan;
use crate::store::{Graph, Mark};
use crate::syntax;
use crate::value::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Query parameters by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

/// Counters of what a statement changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub properties_set: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
}

impl Stats {
    /// True when the statement changed nothing.
    pub fn is_empty(&self) -> bool {
        *self == Stats::default()
    }
    /// The counters as (name, value) pairs in the JSON contract's order.
    pub fn fields(&self) -> [(&'static str, u64); 7] {
        [
            ("nodes_created", self.nodes_created),
            ("nodes_deleted", self.nodes_deleted),
            ("relationships_created", self.relationships_created),
            ("relationships_deleted", self.relationships_deleted),
            ("properties_set", self.properties_set),
            ("labels_added", self.labels_added),
            ("labels_removed", self.labels_removed),
        ]
    }
}

/// How long each stage of a statement took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    pub parse: Duration,
    pub plan: Duration,
    pub execute: Duration,
}

impl Timing {
    /// From the start of parsing to the last row produced.
    pub fn total(&self) -> Duration {
        self.parse + self.plan + self.execute
    }
}

/// The result of one statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub stats: Stats,
    pub timing: Timing,
    /// A message for statements without rows (e.g. `transaction started`).
    pub notice: Option<String>,
    /// PROFILE's per-operator measurements, root first.
    pub profile: Option<Vec<OperatorProfile>>,
    /// WHY: the last column holds each row's sources (see `crate::provenance`).
    pub why: bool,
}

/// One operator of a PROFILE report.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorProfile {
    /// Nesting depth in the operator tree (as EXPLAIN indents it).
    pub depth: usize,
    /// The operator and its arguments, as EXPLAIN prints it.
    pub operator: String,
    /// Rows it produced.
    pub rows: u64,
    /// Time spent in it, including the operators it pulls rows from.
    pub time: Duration,
    /// Time spent in it alone.
    pub self_time: Duration,
}

/// Below this much free stack, a statement gets a stack of its own (see `execute`).
pub const MIN_STACK: usize = 6 << 20;
/// The size of that stack.
const STATEMENT_STACK: usize = 16 << 20;

/// Limits that keep a runaway query from taking the process down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Stop a statement after this long (`TransientError`/`Timeout`).
    pub timeout: Option<Duration>,
    /// The most rows any one operator may hold in memory (sort, aggregation, collect).
    pub max_rows_in_memory: usize,
    /// The most elements a single list value may have (and bytes a string built with `+`;
    /// and relationships held in the paths of one variable-length expansion).
    pub max_list_len: usize,
    /// Threads a label scan under an aggregation may use (1: never in parallel).
    pub threads: usize,
    /// Label scans over fewer nodes than this run on one thread.
    pub parallel_min_nodes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: None,
            max_rows_in_memory: 50_000_000,
            max_list_len: 100_000_000,
            threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8),
            parallel_min_nodes: 100_000,
        }
    }
}

/// An in-memory graph database.
#[derive(Debug, Default)]
pub struct Database {
    graph: Graph,
    tx: Option<Mark>,
    saved_version: u64,
    limits: Limits,
    cancel: Arc<AtomicBool>,
    /// The snapshot file this database was opened from, if any (see `snapshot`).
    pub(crate) file: Option<crate::snapshot::DbFile>,
}

/// The Cypher script that builds the seed graph (the US–China trade talks article).
pub const SEED_SCRIPT: &str = include_str!("../data/trade_talks.cypher");

impl Database {
    /// An empty database.
    pub fn new() -> Database {
        Database::default()
    }

    /// A database holding the seed knowledge graph built from the trade-talks article.
    pub fn seed() -> Result<Database> {
        let mut db = Database::new();
        db.run_script(SEED_SCRIPT, &Params::new())?;
        db.graph.commit();
        db.saved_version = db.graph.version();
        Ok(db)
    }

    /// A database over an existing graph (used by snapshot loading).
    pub fn from_graph(graph: Graph) -> Database {
        let saved_version = graph.version();
        Database {
            graph,
            saved_version,
            ..Database::default()
        }
    }

    /// Runs every statement of a script, stopping at the first error.
    pub fn run_script(&mut self, script: &str, params: &Params) -> Result<Vec<QueryResult>> {
        let mut results = Vec::new();
        for stmt in crate::script::split_statements(script) {
            let r = self.execute(stmt.text, params).map_err(|e| {
                // Re-anchor the span into the whole script.
                match e.span() {
                    Some(_) => e.shifted(stmt.offset),
                    None => e,
                }
            })?;
            results.push(r);
        }
        Ok(results)
    }

    /// Runs one statement. A statement that fails leaves the graph as it was before it.
    ///
    /// Parsing, planning and running a statement recurse as deep as it nests (up to the
    /// limits on nesting and size); on a thread with less than [`MIN_STACK`] of stack
    /// left, the statement runs on a larger stack of its own, so a program may call this
    /// from any thread.
    pub fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult> {
        match stacker::remaining_stack() {
            Some(left) if left >= MIN_STACK => self.execute_here(query, params),
            _ => stacker::grow(STATEMENT_STACK, || self.execute_here(query, params)),
        }
    }

    fn execute_here(&mut self, query: &str, params: &Params) -> Result<QueryResult> {
        self.cancel.store(false, Ordering::Relaxed);
        // One clock reading per statement for date(), datetime.statement() and friends.
        crate::temporal::begin_statement();
        let t0 = Instant::now();
        let statement = syntax::parse(query)?;
        let parse = t0.elapsed();
        // Schema changes are logged like data changes, so that ROLLBACK undoes them in a
        // transaction; outside one they are permanent at once.
        let schema = matches!(
            statement,
            Statement::CreateIndex { .. }
                | Statement::DropIndex { .. }
                | Statement::CreateConstraint { .. }
                | Statement::DropConstraint { .. }
        );
        let result = self.execute_parsed(statement, query, params, t0, parse);
        if schema && self.tx.is_none() {
            self.graph.commit();
        }
        result
    }

    fn execute_parsed(
        &mut self,
        statement: Statement,
        query: &str,
        params: &Params,
        t0: Instant,
        parse: std::time::Duration,
    ) -> Result<QueryResult> {
        match statement {
            Statement::Begin => {
                if self.tx.is_some() {
                    return Err(Error::new(
                        crate::ErrorKind::TransientError,
                        Some("TransactionAlreadyOpen"),
                        "a transaction is already open",
                    ));
                }
                self.tx = Some(self.graph.mark());
                Ok(notice("transaction started", parse))
            }
            Statement::Commit => {
                if self.tx.take().is_none() {
                    return Err(no_transaction());
                }
                self.graph.commit();
                Ok(notice("transaction committed", parse))
            }
            Statement::Rollback => {
                let Some(mark) = self.tx.take() else {
                    return Err(no_transaction());
                };
                self.graph.rollback_to(mark);
                self.graph.commit();
                Ok(notice("transaction rolled back", parse))
            }
            Statement::Query(q) => {
                let t1 = Instant::now();
                let plan = plan::plan(&q, &self.graph, params, query)?;
                self.run_plan(&plan, params, t0, parse, t1.elapsed(), None)
            }
            Statement::Why(q) => {
                let t1 = Instant::now();
                let plan = plan::plan_why(&q, &self.graph, params, query)?;
                let mut result = self.run_plan(&plan, params, t0, parse, t1.elapsed(), None)?;
                let resolver = crate::provenance::Resolver::new(&self.graph);
                for row in &mut result.rows {
                    if let Some(last) = row.last_mut() {
                        *last = resolver.sources(last);
                    }
                }
                result.why = true;
                Ok(result)
            }
            Statement::Profile(q) => {
                let t1 = Instant::now();
                let plan = plan::plan(&q, &self.graph, params, query)?;
                let mut profile = exec::Profile::default();
                let plan_time = t1.elapsed();
                let mut result =
                    self.run_plan(&plan, params, t0, parse, plan_time, Some(&mut profile))?;
                result.profile = Some(plan.profile(&profile));
                Ok(result)
            }
            Statement::CreateIndex {
                name,
                label,
                key,
                if_not_exists,
            } => {
                let name = name.unwrap_or_else(|| format!("index_{label}_{key}"));
                let l = self.graph.intern_label(&label);
                let k = self.graph.intern_key(&key);
                if self.graph.index_clash(&name, l, k) {
                    if if_not_exists {
                        return Ok(notice("index exists already", parse));
                    }
                    return Err(schema_error(
                        "IndexAlreadyExists",
                        format!("an index named `{name}` or on :{label}({key}) exists already"),
                    ));
                }
                self.graph.create_index(&name, l, k);
                Ok(notice(
                    &format!("index `{name}` created on :{label}({key})"),
                    parse,
                ))
            }
            Statement::CreateConstraint {
                name,
                label,
                key,
                if_not_exists,
            } => {
                let name = name.unwrap_or_else(|| format!("constraint_{label}_{key}"));
                let l = self.graph.intern_label(&label);
                let k = self.graph.intern_key(&key);
                let same = |i: &crate::store::PropertyIndex| i.label == l && i.key == k;
                if if_not_exists && self.graph.constraints().any(|i| i.name == name || same(i)) {
                    return Ok(notice("constraint exists already", parse));
                }
                match self.graph.create_constraint(&name, l, k) {
                    Ok(true) => Ok(notice(
                        &format!(
                            "constraint `{name}` created: :{label}({key}) is unique (backed by an index of the same name)"
                        ),
                        parse,
                    )),
                    Ok(false) => {
                        let what = match self.graph.indexes().iter().find(|i| i.name == name || same(i)) {
                            Some(i) if i.unique => format!("constraint `{}` exists already on :{label}({key}) or by that name", i.name),
                            Some(i) => format!(
                                "index `{}` exists already on :{label}({key}) or by that name; drop it first (the constraint brings its own index)",
                                i.name
                            ),
                            None => format!("`{name}` exists already"),
                        };
                        Err(schema_error(
                            "ConstraintAlreadyExists",
                            what,
                        ))
                    }
                    Err(conflict) => Err(schema_error(
                        "ConstraintCreationFailed",
                        format!(
                            "cannot create constraint `{name}`: nodes {} and {} both have label `{label}` and property `{key}` = {}",
                            conflict.nodes.0 .0,
                            conflict.nodes.1 .0,
                            crate::export::cypher::literal(&exec::to_value(&self.graph, &conflict.value)),
                        ),
                    )),
                }
            }
            Statement::DropConstraint { name, if_exists } => {
                if !self.graph.drop_constraint(&name) && !if_exists {
                    return Err(schema_error(
                        "ConstraintNotFound",
                        format!("there is no constraint named `{name}`"),
                    ));
                }
                Ok(notice(&format!("constraint `{name}` dropped"), parse))
            }
            Statement::ShowConstraints => {
                let g = &self.graph;
                let rows = g
                    .constraints()
                    .map(|i| {
                        vec![
                            Value::String(i.name.clone()),
                            Value::String("UNIQUE".into()),
                            Value::String(g.label_name(i.label).to_string()),
                            Value::String(g.key_name(i.key).to_string()),
                            Value::String(i.name.clone()),
                        ]
                    })
                    .collect();
                Ok(listing(
                    &["name", "type", "label", "property", "index"],
                    rows,
                    parse,
                ))
            }
            Statement::DropIndex { name, if_exists } => {
                if self.graph.constraints().any(|i| i.name == name) {
                    return Err(schema_error(
                        "IndexBelongsToConstraint",
                        format!(
                            "index `{name}` backs the uniqueness constraint of the same name: drop the constraint (DROP CONSTRAINT {name})"
                        ),
                    ));
                }
                if !self.graph.drop_index(&name) && !if_exists {
                    return Err(schema_error(
                        "IndexNotFound",
                        format!("there is no index named `{name}`"),
                    ));
                }
                Ok(notice(&format!("index `{name}` dropped"), parse))
            }
            Statement::ShowIndexes => {
                let g = &self.graph;
                let rows = g
                    .indexes()
                    .iter()
                    .map(|i| {
                        vec![
                            Value::String(i.name.clone()),
                            Value::String(g.label_name(i.label).to_string()),
                            Value::String(g.key_name(i.key).to_string()),
                            Value::Int(i.len() as i64),
                            Value::Int(i.distinct_values() as i64),
                        ]
                    })
                    .collect();
                Ok(listing(
                    &["name", "label", "property", "entries", "distinct_values"],
                    rows,
                    parse,
                ))
            }
            Statement::Explain(q) => {
                let plan = plan::plan(&q, &self.graph, params, query)?;
                let text = plan.explain();
                Ok(QueryResult {
                    columns: vec!["plan".into()],
                    rows: text
                        .lines()
                        .map(|l| vec![Value::String(l.to_string())])
                        .collect(),
                    timing: Timing {
                        parse,
                        ..Timing::default()
                    },
                    ..QueryResult::default()
                })
            }
        }
    }

    /// Executes a planned statement atomically: on error the graph is rolled back to
    /// where it was before the statement.
    fn run_plan(
        &mut self,
        plan: &plan::Plan,
        params: &Params,
        t0: Instant,
        parse: Duration,
        plan_time: Duration,
        profile: Option<&mut exec::Profile>,
    ) -> Result<QueryResult> {
        let t2 = Instant::now();
        let mark = self.graph.mark();
        let ctx = exec::Context {
            params,
            limits: self.limits,
            cancel: &self.cancel,
            started: t0,
        };
        let run = exec::run(plan, &mut self.graph, &ctx, profile).and_then(|out| {
            match self.graph.check_unique() {
                Ok(()) => Ok(out),
                Err(conflict) => Err(schema_error(
                    "ConstraintValidationFailed",
                    conflict_text(&self.graph, &conflict),
                )),
            }
        });
        match run {
            Ok((columns, rows, stats)) => {
                if self.tx.is_none() {
                    self.graph.commit();
                }
                Ok(QueryResult {
                    columns,
                    rows,
                    stats,
                    timing: Timing {
                        parse,
                        plan: plan_time,
                        execute: t2.elapsed(),
                    },
                    ..QueryResult::default()
                })
            }
            Err(e) => {
                self.graph.rollback_to(mark);
                if self.tx.is_none() {
                    self.graph.commit();
                }
                Err(e)
            }
        }
    }

    /// Rolls back an open explicit transaction, if any; true when there was one.
    pub fn rollback_open_transaction(&mut self) -> bool {
        match self.tx.take() {
            Some(mark) => {
                self.graph.rollback_to(mark);
                self.graph.commit();
                true
            }
            None => false,
        }
    }

    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }
    pub fn relationship_count(&self) -> usize {
        self.graph.rel_count()
    }
    /// The graph, read-only (snapshots, schema, completion).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }
    /// True when the graph changed since it was loaded or last marked saved.
    pub fn has_unsaved_changes(&self) -> bool {
        self.graph.version() != self.saved_version
    }
    /// Records that the current graph is saved.
    pub fn mark_saved(&mut self) {
        self.saved_version = self.graph.version();
    }
    /// A flag that, when set from another thread (e.g. a Ctrl-C handler), stops the running
    /// statement with a `TransientError`.
    pub fn cancel_handle(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }
    pub fn limits(&self) -> Limits {
        self.limits
    }
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.limits.timeout = timeout;
    }
}

/// A write that would break a constraint, as Neo4j says it: `Node(3) already exists with
/// label `Person` and property `id` = 5` (and which constraint).
fn conflict_text(g: &Graph, c: &crate::store::UniqueConflict) -> String {
    let value = crate::export::cypher::literal(&exec::to_value(g, &c.value));
    format!(
        "Node({}) already exists with label `{}` and property `{}` = {value} (uniqueness constraint `{}`)",
        c.nodes.0 .0,
        g.label_name(c.label),
        g.key_name(c.key),
        c.constraint
    )
}

/// A schema statement's refusal (`ConstraintVerificationFailed.<code>`).
fn schema_error(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(
        crate::ErrorKind::ConstraintVerificationFailed,
        Some(code),
        message,
    )
}

/// The result of a `SHOW …` statement.
fn listing(columns: &[&str], rows: Vec<Vec<Value>>, parse: Duration) -> QueryResult {
    QueryResult {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        timing: Timing {
            parse,
            ..Timing::default()
        },
        ..QueryResult::default()
    }
}

fn notice(text: &str, parse: Duration) -> QueryResult {
    QueryResult {
        notice: Some(text.to_string()),
        timing: Timing {
            parse,
            ..Timing::default()
        },
        ..QueryResult::default()
    }
}

fn no_transaction() -> Error {
    Error::new(
        crate::ErrorKind::TransientError,
        Some("NoOpenTransaction"),
        "there is no open transaction",
    )
}
