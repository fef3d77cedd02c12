//! Turning a TCK scenario into a plan (setup statements, the query under test, control
//! queries, parameters and what to expect of each) and running that plan in-process against
//! a fresh `kg::Database`. Side effects are measured by diffing the graph's state before and
//! after the statement (`db.graph()`), not from the engine's counters: nodes and
//! relationships by id, labels as the set of labels in use, properties as
//! (element, key, value) triples, as `../shared/tools/tck_run.py` defines them.

use crate::gherkin::{Scenario, Step};
use crate::values::{compare_rows, from_value, parse_tck_value, render_row, Tv};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

pub const SIDE_EFFECT_KEYS: [&str; 8] = [
    "+nodes",
    "-nodes",
    "+relationships",
    "-relationships",
    "+labels",
    "-labels",
    "+properties",
    "-properties",
];

/// When an expected error must be raised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpectedPhase {
    Compile,
    Runtime,
    Any,
}

#[derive(Debug, Clone)]
pub enum Expect {
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<Tv>>,
        ordered: bool,
        ignore_list_order: bool,
    },
    Empty,
    Error {
        kind: String,
        phase: ExpectedPhase,
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    Setup,
    Query,
    Control,
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub text: String,
    pub role: Role,
    pub expect: Option<Expect>,
    /// Expected side effects (missing keys are 0), when the scenario checks them.
    pub side_effects: Option<BTreeMap<String, u64>>,
}

/// What to run for one scenario and what to check.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub statements: Vec<Statement>,
    pub params: kg::Params,
    /// Why the scenario cannot run here (counted as skipped).
    pub unsupported: Option<String>,
}

impl Plan {
    pub fn expects_error(&self) -> bool {
        self.statements
            .iter()
            .any(|s| matches!(s.expect, Some(Expect::Error { .. })))
    }
    /// The query under test (for messages).
    pub fn query(&self) -> Option<&str> {
        self.statements
            .iter()
            .find(|s| s.role == Role::Query)
            .map(|s| s.text.as_str())
    }
}

fn result_step(text: &str) -> Option<(bool, bool)> {
    match text {
        "the result should be, in any order:" => Some((false, false)),
        "the result should be, in order:" => Some((true, false)),
        "the result should be (ignoring element order for lists):" => Some((false, true)),
        "the result should be, in order (ignoring element order for lists):" => Some((true, true)),
        _ => None,
    }
}

/// `a TypeError should be raised at runtime: InvalidArgumentValue` → (kind, phase, code).
pub fn error_step(text: &str) -> Option<(String, ExpectedPhase, String)> {
    let rest = text
        .strip_prefix("an ")
        .or_else(|| text.strip_prefix("a "))?;
    let (kind, rest) = rest.split_once(' ')?;
    if kind.is_empty() {
        return None;
    }
    let rest = rest.strip_prefix("should be raised at ")?;
    let (phase, code) = [
        ("compile time: ", ExpectedPhase::Compile),
        ("runtime: ", ExpectedPhase::Runtime),
        ("any time: ", ExpectedPhase::Any),
    ]
    .into_iter()
    .find_map(|(p, ph)| rest.strip_prefix(p).map(|code| (ph, code.trim())))?;
    if code.is_empty() {
        return None;
    }
    Some((kind.to_string(), phase, code.to_string()))
}

/// Statements that create a named TCK graph (`<graphs>/<name>/<name>.cypher`, or the scripts
/// listed in `<name>.json`), or `None` when it is not available.
pub fn load_named_graph(graphs_dir: &Path, name: &str) -> Option<Vec<String>> {
    let folder = graphs_dir.join(name);
    let mut scripts = vec![name.to_string()];
    if let Ok(meta) = std::fs::read_to_string(folder.join(format!("{name}.json"))) {
        let meta: serde_json::Value = serde_json::from_str(&meta).ok()?;
        if let Some(list) = meta.get("scripts").and_then(|s| s.as_array()) {
            scripts = list
                .iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect();
        }
    }
    let mut statements = Vec::new();
    for script in scripts {
        let text = std::fs::read_to_string(folder.join(format!("{script}.cypher"))).ok()?;
        statements.extend(
            kg::script::split_statements(&text)
                .into_iter()
                .map(|s| s.text.trim().to_string()),
        );
    }
    Some(statements)
}

fn docstring(step: &Step) -> Result<String, String> {
    match &step.docstring {
        Some(d) if !d.trim().is_empty() => Ok(d.trim_matches('\n').to_string()),
        _ => Err(format!("line {}: step needs a doc string", step.line)),
    }
}

/// Builds the plan of a scenario. `Err` means the harness could not read the scenario.
pub fn plan_scenario(sc: &Scenario, graphs_dir: &Path) -> Result<Plan, String> {
    let mut plan = Plan::default();
    if sc.tags.iter().any(|t| t == "@ignore") {
        plan.unsupported = Some("tagged @ignore in the TCK".into());
        return Ok(plan);
    }
    // Index of the statement the next result / side-effect step belongs to.
    let mut last_query: Option<usize> = None;
    for step in &sc.steps {
        let text = step.text.as_str();
        if text == "an empty graph" || text == "any graph" {
            continue;
        }
        if let Some(name) = text
            .strip_prefix("the ")
            .and_then(|t| t.strip_suffix(" graph"))
        {
            match load_named_graph(graphs_dir, name) {
                Some(statements) => {
                    plan.statements
                        .extend(statements.into_iter().map(|text| Statement {
                            text,
                            role: Role::Setup,
                            expect: None,
                            side_effects: None,
                        }))
                }
                None => {
                    plan.unsupported = Some(format!("named graph '{name}' not available"));
                    return Ok(plan);
                }
            }
            continue;
        }
        if text == "having executed:" {
            plan.statements.push(Statement {
                text: docstring(step)?,
                role: Role::Setup,
                expect: None,
                side_effects: None,
            });
            continue;
        }
        if text == "parameters are:" {
            for row in step.table.iter().flatten() {
                if row.len() != 2 {
                    return Err(format!("line {}: parameter rows need two cells", step.line));
                }
                let value = parse_tck_value(&row[1])
                    .and_then(|v| v.to_value())
                    .map_err(|e| format!("line {}: bad parameter value: {e}", step.line))?;
                plan.params.insert(row[0].clone(), value);
            }
            continue;
        }
        if text.starts_with("there exists a procedure") {
            plan.unsupported =
                Some("needs a registered test procedure (there exists a procedure)".into());
            return Ok(plan);
        }
        if text.starts_with("there exists a CSV file") {
            plan.unsupported = Some("needs a CSV fixture file".into());
            return Ok(plan);
        }
        if let Some(rest) = text.strip_prefix("executing ") {
            let (role, inline) = if let Some(r) = rest.strip_prefix("control query:") {
                (Role::Control, r)
            } else if let Some(r) = rest.strip_prefix("query:") {
                (Role::Query, r)
            } else {
                plan.unsupported = Some(format!("unknown step: {} {text}", step.keyword));
                return Ok(plan);
            };
            let body = if inline.trim().is_empty() {
                docstring(step)?
            } else {
                inline.trim().to_string()
            };
            plan.statements.push(Statement {
                text: body,
                role,
                expect: None,
                side_effects: None,
            });
            last_query = Some(plan.statements.len() - 1);
            continue;
        }
        if result_step(text).is_some()
            || text == "the result should be empty"
            || error_step(text).is_some()
        {
            let query = match last_query {
                Some(k) if plan.statements[k].expect.is_none() => &mut plan.statements[k],
                _ => return Err(format!("line {}: result step without a query", step.line)),
            };
            query.expect = Some(expectation(step)?);
            continue;
        }
        if text == "no side effects" || text == "the side effects should be:" {
            let Some(k) = last_query else {
                return Err(format!(
                    "line {}: side-effect step without a query",
                    step.line
                ));
            };
            let mut effects = BTreeMap::new();
            for row in step.table.iter().flatten() {
                let ok = row.len() == 2
                    && SIDE_EFFECT_KEYS.contains(&row[0].as_str())
                    && row[1].chars().all(|c| c.is_ascii_digit());
                let n = row.get(1).and_then(|n| n.parse::<u64>().ok());
                match n {
                    Some(n) if ok => {
                        effects.insert(row[0].clone(), n);
                    }
                    _ => return Err(format!("line {}: bad side-effect row {row:?}", step.line)),
                }
            }
            plan.statements[k].side_effects = Some(effects);
            continue;
        }
        if text.starts_with("an error with GQL code") || text.starts_with("a error with GQL code") {
            plan.unsupported = Some("expects a GQL status code".into());
            return Ok(plan);
        }
        plan.unsupported = Some(format!("unknown step: {} {text}", step.keyword));
        return Ok(plan);
    }
    let queries: Vec<&Statement> = plan
        .statements
        .iter()
        .filter(|s| s.role != Role::Setup)
        .collect();
    if queries.is_empty() {
        return Err("scenario has no query".into());
    }
    if queries.iter().any(|q| q.expect.is_none()) {
        return Err("a query has no expected result".into());
    }
    if queries.iter().filter(|q| q.side_effects.is_some()).count() > 1 {
        return Err("side effects are expected for more than one query".into());
    }
    Ok(plan)
}

fn expectation(step: &Step) -> Result<Expect, String> {
    let text = step.text.as_str();
    if text == "the result should be empty" {
        return Ok(Expect::Empty);
    }
    if let Some((kind, phase, code)) = error_step(text) {
        return Ok(Expect::Error { kind, phase, code });
    }
    let (ordered, ignore_list_order) = result_step(text).expect("checked by the caller");
    let table = step.table.as_deref().unwrap_or(&[]);
    let Some((columns, body)) = table.split_first() else {
        return Err(format!("line {}: result step without a table", step.line));
    };
    let mut rows = Vec::new();
    for row in body {
        if row.len() != columns.len() {
            return Err(format!(
                "line {}: result row width differs from the header",
                step.line
            ));
        }
        let parsed = row
            .iter()
            .map(|cell| parse_tck_value(cell))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("line {}: unparseable expected value: {e}", step.line))?;
        rows.push(parsed);
    }
    Ok(Expect::Rows {
        columns: columns.clone(),
        rows,
        ordered,
        ignore_list_order,
    })
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Passed,
    /// Wrong result, wrong or missing error, unexpected error, wrong side effects.
    Failed,
    /// A setup statement failed, the engine panicked or returned a malformed value.
    Errored,
    /// The engine's timeout (or a cancellation) stopped a statement, or the scenario hung.
    Timeout,
    /// Not runnable here (a registered procedure, `@ignore`).
    Skipped,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Errored => "errored",
            Status::Timeout => "timeout",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    pub reason: String,
}

impl Outcome {
    fn new(status: Status, reason: impl Into<String>) -> Outcome {
        Outcome {
            status,
            reason: reason.into(),
        }
    }
}

pub fn describe_error(err: &kg::Error) -> String {
    let code = err.code().map(|c| format!("/{c}")).unwrap_or_default();
    let message: String = err.message().chars().take(200).collect();
    format!(
        "{}{code} at {}: {message}",
        err.kind().name(),
        err.phase().name()
    )
}

fn is_transient(err: &kg::Error) -> bool {
    err.kind() == kg::ErrorKind::TransientError
}

/// The graph's state: node ids, relationship ids, labels in use, property triples.
#[derive(Debug, Default, PartialEq)]
pub struct GraphState {
    nodes: BTreeSet<u64>,
    rels: BTreeSet<u64>,
    labels: BTreeSet<String>,
    props: BTreeSet<(bool, u64, String, String)>,
}

/// A text that is equal for equal property values (-0.0 = 0.0, NaN = NaN).
fn val_key(v: &kg::val::Val, out: &mut String) {
    use kg::val::Val;
    use std::fmt::Write;
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => write!(out, "{b}").unwrap(),
        Val::Int(n) => write!(out, "i{n}").unwrap(),
        Val::Float(x) if x.is_nan() => out.push_str("fNaN"),
        Val::Float(x) if *x == 0.0 => out.push_str("f0"),
        Val::Float(x) => write!(out, "f{x:?}").unwrap(),
        Val::Str(s) => write!(out, "s{:?}", &**s).unwrap(),
        Val::List(items) => {
            out.push('[');
            for item in items.iter() {
                val_key(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Val::Map(map) => {
            out.push('{');
            for (k, item) in map.iter() {
                write!(out, "{:?}:", &**k).unwrap();
                val_key(item, out);
                out.push(',');
            }
            out.push('}');
        }
        Val::Node(id) => write!(out, "node{}", id.0).unwrap(),
        Val::Rel(id) => write!(out, "rel{}", id.0).unwrap(),
        Val::Path(p) => write!(out, "path{:?}", p).unwrap(),
        Val::Temporal(t) => write!(out, "t{}:{t}", t.kind_tag()).unwrap(),
    }
}

pub fn graph_state(db: &kg::Database) -> GraphState {
    let graph = db.graph();
    let mut state = GraphState::default();
    let mut prop = |is_node: bool, id: u64, key: &str, value: &kg::val::Val| {
        let mut text = String::new();
        val_key(value, &mut text);
        state.props.insert((is_node, id, key.to_string(), text));
    };
    for node in graph.nodes() {
        for (key, value) in graph.node_props(node) {
            prop(true, node.0, graph.key_name(*key), value);
        }
    }
    for rel in graph.rels() {
        for (key, value) in &graph.rel_props(rel) {
            prop(false, rel.0, graph.key_name(*key), value);
        }
    }
    for node in graph.nodes() {
        state.nodes.insert(node.0);
        for label in graph.node_labels(node) {
            state.labels.insert(graph.label_name(*label).to_string());
        }
    }
    state.rels.extend(graph.rels().map(|r| r.0));
    state
}

/// The TCK's side-effect counts between two states.
pub fn side_effects(before: &GraphState, after: &GraphState) -> BTreeMap<String, u64> {
    fn diff<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> u64 {
        a.difference(b).count() as u64
    }
    let pairs = [
        (
            "nodes",
            diff(&after.nodes, &before.nodes),
            diff(&before.nodes, &after.nodes),
        ),
        (
            "relationships",
            diff(&after.rels, &before.rels),
            diff(&before.rels, &after.rels),
        ),
        (
            "labels",
            diff(&after.labels, &before.labels),
            diff(&before.labels, &after.labels),
        ),
        (
            "properties",
            diff(&after.props, &before.props),
            diff(&before.props, &after.props),
        ),
    ];
    let mut out = BTreeMap::new();
    for (name, added, removed) in pairs {
        out.insert(format!("+{name}"), added);
        out.insert(format!("-{name}"), removed);
    }
    out
}

/// Runs a plan against a fresh database; `timeout` applies to each statement.
pub fn run_plan(plan: &Plan, db: &mut kg::Database, timeout: Duration) -> Outcome {
    db.set_timeout(Some(timeout));
    let mut limits = db.limits();
    limits.max_rows_in_memory = limits.max_rows_in_memory.min(5_000_000);
    limits.max_list_len = limits.max_list_len.min(5_000_000);
    db.set_limits(limits);

    for (k, st) in plan.statements.iter().enumerate() {
        let number = k + 1;
        if st.role == Role::Setup {
            for piece in kg::script::split_statements(&st.text) {
                if let Err(e) = db.execute(piece.text, &plan.params) {
                    let status = if is_transient(&e) {
                        Status::Timeout
                    } else {
                        Status::Errored
                    };
                    return Outcome::new(
                        status,
                        format!("setup statement {number} failed: {}", describe_error(&e)),
                    );
                }
            }
            continue;
        }
        let where_ = if st.role == Role::Query {
            "query".to_string()
        } else {
            format!("control query (statement {number})")
        };
        let before = st.side_effects.as_ref().map(|_| graph_state(db));
        let result = db.execute(&st.text, &plan.params);
        let expect = st.expect.as_ref().expect("plan_scenario checks this");
        match (expect, result) {
            (Expect::Error { kind, code, .. }, Ok(r)) => {
                return Outcome::new(
                    Status::Failed,
                    format!(
                        "expected {kind}/{code} but the {where_} succeeded with {} rows",
                        r.rows.len()
                    ),
                )
            }
            (Expect::Error { kind, phase, code }, Err(e)) => {
                if is_transient(&e) {
                    return Outcome::new(
                        Status::Timeout,
                        format!("{where_}: {}", describe_error(&e)),
                    );
                }
                let phase_ok = match phase {
                    ExpectedPhase::Any => true,
                    ExpectedPhase::Compile => e.phase() == kg::Phase::Compile,
                    ExpectedPhase::Runtime => e.phase() == kg::Phase::Runtime,
                };
                let want_phase = match phase {
                    ExpectedPhase::Compile => " at compile",
                    ExpectedPhase::Runtime => " at runtime",
                    ExpectedPhase::Any => "",
                };
                if e.kind().name() != kind {
                    return Outcome::new(
                        Status::Failed,
                        format!(
                            "expected {kind}/{code}{want_phase}, got {}",
                            describe_error(&e)
                        ),
                    );
                }
                if code != "*" && e.code() != Some(code.as_str()) {
                    return Outcome::new(
                        Status::Failed,
                        format!(
                            "wrong error code: expected {kind}/{code}{want_phase}, got {}",
                            describe_error(&e)
                        ),
                    );
                }
                if !phase_ok {
                    return Outcome::new(
                        Status::Failed,
                        format!(
                            "wrong error phase: expected {kind}/{code}{want_phase}, got {}",
                            describe_error(&e)
                        ),
                    );
                }
            }
            (_, Err(e)) => {
                let status = if is_transient(&e) {
                    Status::Timeout
                } else {
                    Status::Failed
                };
                return Outcome::new(status, format!("{where_} raised {}", describe_error(&e)));
            }
            (Expect::Empty, Ok(r)) => {
                if !r.rows.is_empty() {
                    let shown: Vec<String> = r
                        .rows
                        .iter()
                        .take(3)
                        .map(|row| {
                            match row.iter().map(from_value).collect::<Result<Vec<_>, _>>() {
                                Ok(row) => render_row(&row),
                                Err(e) => e,
                            }
                        })
                        .collect();
                    return Outcome::new(
                        Status::Failed,
                        format!(
                            "{where_}: expected an empty result, got {} rows: {}",
                            r.rows.len(),
                            shown.join("; ")
                        ),
                    );
                }
            }
            (
                Expect::Rows {
                    columns,
                    rows,
                    ordered,
                    ignore_list_order,
                },
                Ok(r),
            ) => {
                let mut actual = Vec::with_capacity(r.rows.len());
                for row in &r.rows {
                    if row.len() != r.columns.len() {
                        return Outcome::new(
                            Status::Errored,
                            format!(
                                "{where_}: a row has {} values for {} columns",
                                row.len(),
                                r.columns.len()
                            ),
                        );
                    }
                    match row.iter().map(from_value).collect::<Result<Vec<_>, _>>() {
                        Ok(row) => actual.push(row),
                        Err(e) => return Outcome::new(Status::Errored, format!("{where_}: {e}")),
                    }
                }
                if let Some(diff) = compare_rows(
                    columns,
                    rows,
                    &r.columns,
                    &actual,
                    *ordered,
                    *ignore_list_order,
                ) {
                    return Outcome::new(Status::Failed, format!("{where_}: {diff}"));
                }
            }
        }
        if let (Some(expected), Some(before)) = (&st.side_effects, before) {
            let actual = side_effects(&before, &graph_state(db));
            let wrong: Vec<String> = SIDE_EFFECT_KEYS
                .iter()
                .filter_map(|key| {
                    let e = expected.get(*key).copied().unwrap_or(0);
                    let a = actual[*key];
                    (e != a).then(|| format!("{key} {e}->{a}"))
                })
                .collect();
            if !wrong.is_empty() {
                return Outcome::new(
                    Status::Failed,
                    format!(
                        "side effects differ (expected->actual): {}",
                        wrong.join(", ")
                    ),
                );
            }
        }
    }
    Outcome::new(Status::Passed, "")
}
