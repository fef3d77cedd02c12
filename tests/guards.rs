//! Resource guards: input nested or chained far beyond reason is a clear error, never a
//! stack overflow (through the library on a thread with an ordinary 2 MiB stack, and
//! through the `kg` binary); queries that would run forever or hold unbounded memory end
//! within seconds with the memory guard's or the timeout's error; Ctrl-C stops the CLI
//! promptly and leaves its snapshot untouched; pathological regular expressions are fast
//! or refused.
//!
//! Tests named `known_bug_*` are ignored: each reproduces a defect described in
//! docs/reliability.md and should pass once it is fixed.

use kg::database::Limits;
use kg::{Database, Params, Value};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

// ------------------------------------------------------------------ helpers

/// The stack a thread gets from `std::thread::spawn`: what an embedding program's worker
/// threads have.
const SMALL_STACK: usize = 2 << 20;

/// Runs `f` on a thread with a 2 MiB stack; a stack overflow there aborts the whole test
/// binary, which fails the run.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|_| panic!("the work panicked"))
}

/// Runs `query` on an empty database on a small stack: `Ok(rows)` or `Err((kind, code,
/// message))`.
fn small_stack_run(query: String) -> Result<Vec<Vec<Value>>, (String, String, String)> {
    on_small_stack(move || {
        let mut db = Database::new();
        db.execute(&query, &Params::new())
            .map(|r| r.rows)
            .map_err(|e| {
                (
                    e.kind().name().to_string(),
                    e.code().unwrap_or("").to_string(),
                    e.message().to_string(),
                )
            })
    })
}

fn expect_syntax_error(query: String) -> String {
    let head: String = query.chars().take(30).collect();
    match small_stack_run(query) {
        Ok(rows) => panic!("`{head}…` succeeded with {} rows", rows.len()),
        Err((kind, _, message)) => {
            assert_eq!(kind, "SyntaxError", "`{head}…`: {message}");
            message
        }
    }
}

fn one(rows: Vec<Vec<Value>>) -> Value {
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap().into_iter().next().unwrap()
}

/// Runs `query` with `limits` and fails the test unless it errors with `code` within
/// `within`. Returns the error message.
fn expect_guard(
    db: &mut Database,
    limits: Limits,
    query: &str,
    code: &str,
    within: Duration,
) -> String {
    db.set_limits(limits);
    let t = Instant::now();
    let r = db.execute(query, &Params::new());
    let took = t.elapsed();
    let e = match r {
        Ok(r) => panic!(
            "`{query}` succeeded with {} rows after {took:?}",
            r.rows.len()
        ),
        Err(e) => e,
    };
    assert_eq!(
        (e.kind().name(), e.code()),
        ("TransientError", Some(code)),
        "`{query}`: {e}"
    );
    assert!(took < within, "`{query}` took {took:?} to fail");
    // The database is still usable afterwards.
    db.set_limits(Limits::default());
    assert_eq!(
        one(db.execute("RETURN 1 AS one", &Params::new()).unwrap().rows),
        Value::Int(1)
    );
    e.message().to_string()
}

fn timeout(secs: f64) -> Limits {
    Limits {
        timeout: Some(Duration::from_secs_f64(secs)),
        ..Limits::default()
    }
}

fn rows_limit(n: usize) -> Limits {
    Limits {
        max_rows_in_memory: n,
        ..Limits::default()
    }
}

/// A complete directed graph on `n` nodes (every ordered pair joined by one :R).
fn complete_graph(n: usize) -> Database {
    let mut db = Database::new();
    db.execute(
        &format!(
            "UNWIND range(1, {n}) AS i CREATE (:N {{i: i}}) WITH count(*) AS c \
             MATCH (a:N), (b:N) WHERE a <> b CREATE (a)-[:R]->(b)"
        ),
        &Params::new(),
    )
    .unwrap();
    assert_eq!(db.relationship_count(), n * (n - 1));
    db
}

const KG: &str = env!("CARGO_BIN_EXE_kg");

/// The most operators in one expression (`MAX_OPERATORS` in src/syntax/lower.rs, private).
const MAX_OPERATORS: usize = 2_000;
/// The most clauses and pattern elements in one statement (`MAX_QUERY_SIZE` in
/// src/plan/bind.rs, private).
const MAX_QUERY_SIZE: usize = 2_500;

/// Runs `kg args…` and kills it (failing the test) if it has not exited within `limit`.
fn kg_within(args: &[&str], limit: Duration) -> (Output, Duration) {
    let t = Instant::now();
    let child = Command::new(KG)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kg");
    let out = wait_within(child, limit, args);
    (out, t.elapsed())
}

/// Waits for `child` (reading its output as it goes, so that a full pipe cannot block it)
/// and kills it, failing the test, if it has not exited within `limit`.
fn wait_within(child: Child, limit: Duration, what: &[&str]) -> Output {
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait for kg"),
        Err(_) => {
            // SAFETY: the child has not been reaped (its waiter is still blocked).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("kg {what:?} still running after {limit:?}");
        }
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A query that streams 10^10 rows through an aggregate: runs for hours unless stopped.
const ENDLESS: &str =
    "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n";

// ------------------------------------------------------------------ deep nesting

#[test]
fn hundred_thousand_nested_brackets_are_a_syntax_error_on_a_small_stack() {
    let n = 100_000;
    for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}")] {
        let message = expect_syntax_error(format!("RETURN {}1{}", open.repeat(n), close.repeat(n)));
        assert!(message.contains("nested too deeply"), "{open}: {message}");
    }
    // Unclosed, and mixed.
    expect_syntax_error(format!("RETURN {}", "([{a: ".repeat(n)));
    expect_syntax_error(format!("MATCH (n) WHERE {} RETURN n", "NOT (".repeat(n)));
}

#[test]
fn hundred_thousand_chained_operators_are_a_syntax_error_on_a_small_stack() {
    for op in [" AND ", " OR ", " + "] {
        let message = expect_syntax_error(format!(
            "UNWIND [1] AS x RETURN x{}",
            format!("{op}x").repeat(100_000)
        ));
        assert!(message.contains("operators"), "{op}: {message}");
    }
    // Prefix chains and property chains may be accepted, but must not crash.
    for query in [
        format!("RETURN {}true", "NOT ".repeat(100_000)),
        format!("RETURN {}1", "- ".repeat(100_000)),
        format!("WITH {{a: 1}} AS m RETURN m{}", ".a".repeat(100_000)),
    ] {
        if let Err((kind, _, message)) = small_stack_run(query) {
            assert!(
                ["SyntaxError", "TypeError"].contains(&kind.as_str()),
                "{message}"
            );
        }
    }
}

/// Runs `query` on a thread with `stack` bytes of stack; `Ok(rows)` or the error.
fn run_on_stack(stack: usize, query: String) -> Result<Vec<Vec<Value>>, String> {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let mut db = Database::new();
            db.execute(&query, &Params::new())
                .map(|r| r.rows)
                .map_err(|e| e.to_string())
        })
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|_| panic!("the work panicked"))
}

/// Statements at the size limits: `n` operators (left-deep), `n` MATCH clauses, `n`
/// UNION branches, `n` pattern hops; operands are not constants, so they run.
fn long_statements(n: usize) -> Vec<(String, Value)> {
    vec![
        (
            format!("UNWIND [true] AS x RETURN x{} AS v", " AND x".repeat(n)),
            Value::Bool(true),
        ),
        (
            format!("UNWIND [false] AS x RETURN x{} AS v", " OR x".repeat(n)),
            Value::Bool(false),
        ),
        (
            format!("UNWIND [1] AS x RETURN x{} AS v", " + x".repeat(n)),
            Value::Int(n as i64 + 1),
        ),
        (
            format!(
                "CREATE () WITH 1 AS one {}RETURN 1 AS v",
                "MATCH () ".repeat(n)
            ),
            Value::Int(1),
        ),
        (
            format!("RETURN 1 AS v{}", " UNION RETURN 1 AS v".repeat(n)),
            Value::Int(1),
        ),
        (
            format!(
                "CREATE (a)-[:R]->(a) WITH a MATCH (a){} RETURN count(*) AS v",
                "-->()".repeat(n)
            ),
            Value::Int(0),
        ),
    ]
}

/// Nesting just under `MAX_NESTING` runs on a 2 MiB stack.
#[test]
fn nesting_just_inside_the_limit_runs_on_a_small_stack() {
    let depth = kg::syntax::MAX_NESTING - 2;
    let q = format!(
        "UNWIND [1] AS x RETURN {}x{} AS v",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(one(small_stack_run(q).unwrap()), Value::Int(1));

    let q = format!(
        "UNWIND [1] AS x RETURN size({}x{}) AS v",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_eq!(one(small_stack_run(q).unwrap()), Value::Int(1));

    let q = format!(
        "UNWIND [1] AS x RETURN {}x{} AS v",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    let v = one(small_stack_run(q).unwrap());
    let mut m = &v;
    for _ in 0..depth {
        m = match m {
            Value::Map(m) => &m["a"],
            other => panic!("expected a map, got {other}"),
        };
    }
    assert_eq!(*m, Value::Int(1));

    // Nested groups each holding a chain.
    let q = format!(
        "UNWIND [1] AS x RETURN {}x{} AS v",
        "(x + x + x + x + x + x + x + x + x + ".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(
        one(small_stack_run(q).unwrap()),
        Value::Int(9 * depth as i64 + 1)
    );
}

/// The longest statements the guards accept (just under `MAX_OPERATORS` operators and
/// `MAX_QUERY_SIZE` clauses) run on an 8 MiB stack, the size of a main thread; a
/// thousand of each run on a 2 MiB stack.
#[test]
fn long_statements_inside_the_limits_run_on_an_8_mib_stack() {
    let n = MAX_OPERATORS.min(MAX_QUERY_SIZE) - 10;
    for (q, expected) in long_statements(n) {
        let head: String = q.chars().take(30).collect();
        let rows = run_on_stack(8 << 20, q).unwrap_or_else(|e| panic!("`{head}…`: {e}"));
        assert_eq!(one(rows), expected, "`{head}…`");
    }
    for (q, expected) in long_statements(1_000) {
        let head: String = q.chars().take(30).collect();
        let rows = run_on_stack(SMALL_STACK, q).unwrap_or_else(|e| panic!("`{head}…`: {e}"));
        assert_eq!(one(rows), expected, "`{head}…`");
    }
}

/// Planning recurses once per operator, clause, branch or hop with frames of about
/// 1.8 KiB (test profile), so statements near the limits need 4–8 MiB of stack;
/// `Database::execute` gives them a stack of their own on a 2 MiB thread.
#[test]
fn long_statements_inside_the_limits_run_on_a_2_mib_stack() {
    let n = MAX_OPERATORS.min(MAX_QUERY_SIZE) - 10;
    for (q, expected) in long_statements(n) {
        assert_eq!(one(run_on_stack(SMALL_STACK, q).unwrap()), expected);
    }
}

/// Long queries go through a script file: Linux refuses a single argument over 128 KiB.
#[test]
fn the_binary_refuses_deep_and_long_input_with_a_message() {
    let n = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            format!("RETURN {}1{}", "(".repeat(n), ")".repeat(n)),
            "nested too deeply",
        ),
        (
            format!("RETURN {}1{}", "{a: ".repeat(n), "}".repeat(n)),
            "nested too deeply",
        ),
        (format!("RETURN true{}", " AND true".repeat(n)), "operators"),
        (format!("RETURN 1{}", " + 1".repeat(n)), "operators"),
        (format!("{}RETURN 1", "MATCH () ".repeat(n)), "too large"),
    ];
    for (i, (query, says)) in cases.iter().enumerate() {
        let script = dir.path().join(format!("q{i}.cypher"));
        std::fs::write(&script, query).unwrap();
        let (out, _) = kg_within(
            &["--empty", "-f", script.to_str().unwrap()],
            Duration::from_secs(20),
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{says}: {err}");
        assert!(err.contains("SyntaxError") && err.contains(says), "{err}");
        assert!(out.stdout.is_empty());
    }
}

// ------------------------------------------------------------------ huge results

#[test]
fn ranges_beyond_the_list_limit_are_refused_at_once() {
    let mut db = Database::new();
    // 10^12 is a float in Cypher, so range() refuses it by type.
    let e = db
        .execute("RETURN size(range(1, 10^12)) AS n", &Params::new())
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidArgumentType"), "{e}");
    for query in [
        "RETURN size(range(1, 1000000000000)) AS n",
        "UNWIND range(1, 1000000000000) AS x RETURN count(x) AS n",
        "UNWIND [1000000000000] AS top RETURN size(range(1, top)) AS n",
    ] {
        let message = expect_guard(
            &mut db,
            timeout(30.0),
            query,
            "MemoryLimitExceeded",
            Duration::from_secs(5),
        );
        assert!(message.contains("100000000"), "{message}");
    }
}

#[test]
fn a_cartesian_product_of_large_unwinds_stops_at_the_timeout() {
    let mut db = Database::new();
    expect_guard(
        &mut db,
        timeout(0.5),
        ENDLESS,
        "Timeout",
        Duration::from_secs(5),
    );
    expect_guard(
        &mut db,
        timeout(0.5),
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b",
        "Timeout",
        Duration::from_secs(5),
    );
}

#[test]
fn sorting_and_returning_a_huge_stream_hit_the_row_guard() {
    let mut db = Database::new();
    let q = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b ORDER BY b";
    let message = expect_guard(
        &mut db,
        rows_limit(100_000),
        q,
        "MemoryLimitExceeded",
        Duration::from_secs(5),
    );
    assert!(message.contains("100000 rows"), "{message}");
    let q = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b";
    expect_guard(
        &mut db,
        rows_limit(100_000),
        q,
        "MemoryLimitExceeded",
        Duration::from_secs(5),
    );
    let q =
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN DISTINCT a * 100000 + b";
    expect_guard(
        &mut db,
        rows_limit(100_000),
        q,
        "MemoryLimitExceeded",
        Duration::from_secs(5),
    );
    let q = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a * 100000 + b AS k, count(*)";
    expect_guard(
        &mut db,
        rows_limit(100_000),
        q,
        "MemoryLimitExceeded",
        Duration::from_secs(5),
    );
}

#[test]
fn collect_over_a_huge_stream_stops_at_the_timeout() {
    let mut db = Database::new();
    let q =
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN size(collect(a)) AS n";
    expect_guard(&mut db, timeout(0.5), q, "Timeout", Duration::from_secs(5));
}

/// Without a timeout, `collect` grows until the allocator gives up and the process
/// aborts: the accumulator does not consult the row guard.
#[test]
fn collect_over_a_huge_stream_hits_the_row_guard() {
    let mut db = Database::new();
    let q =
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN size(collect(a)) AS n";
    // The timeout only keeps this repro from eating the machine while the bug is there.
    let limits = Limits {
        timeout: Some(Duration::from_secs(2)),
        ..rows_limit(100_000)
    };
    expect_guard(
        &mut db,
        limits,
        q,
        "MemoryLimitExceeded",
        Duration::from_secs(5),
    );
}

#[test]
fn unbounded_variable_length_paths_on_a_complete_graph_end_within_seconds() {
    let mut db = complete_graph(60);
    let queries = [
        "MATCH p = (a)-[*]->(b) RETURN count(p) AS n",
        "MATCH (a)-[r*]->(b) RETURN size(collect(r)) AS n",
        "MATCH (a)-[*]->(b) RETURN a.i, b.i",
        "MATCH (a:N {i: 1})-[*]->(b:N {i: 2}) RETURN count(*) AS n",
    ];
    for q in &queries[..2] {
        db.set_limits(timeout(0.25));
        let t = Instant::now();
        let e = db.execute(q, &Params::new()).unwrap_err();
        assert_eq!(e.kind().name(), "TransientError", "{q}: {e}");
        assert_eq!(e.code(), Some("Timeout"), "{q}: {e}");
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{q}: {:?}",
            t.elapsed()
        );
    }
    // Without a timeout, the paths held for one start node are bounded by their total
    // length (each is up to 1,770 hops long), before their number reaches the row guard.
    let e = expect_guard(
        &mut db,
        Limits {
            max_list_len: 200_000,
            ..Limits::default()
        },
        queries[0],
        "MemoryLimitExceeded",
        Duration::from_secs(5),
    );
    assert!(e.contains("relationships in all"), "{e}");
    // The row guard stops them too.
    for q in queries {
        expect_guard(
            &mut db,
            rows_limit(2_000),
            q,
            "MemoryLimitExceeded",
            Duration::from_secs(5),
        );
    }
    // Distinct endpoints and shortest paths are breadth-first and finish at once.
    db.set_limits(timeout(5.0));
    let rows = db
        .execute(
            "MATCH (a {i: 1})-[*]->(b) RETURN count(DISTINCT b) AS n",
            &Params::new(),
        )
        .unwrap()
        .rows;
    assert_eq!(one(rows), Value::Int(60));
    let rows = db
        .execute(
            "MATCH p = allShortestPaths((a)-[*]-(b)) RETURN count(p) AS n",
            &Params::new(),
        )
        .unwrap()
        .rows;
    assert_eq!(one(rows), Value::Int(60 * 59 * 2));
}

#[test]
fn a_timeout_in_a_variable_length_expansion_says_timeout() {
    let mut db = complete_graph(60);
    expect_guard(
        &mut db,
        timeout(0.5),
        "MATCH p = (a)-[*]->(b) RETURN count(p) AS n",
        "Timeout",
        Duration::from_secs(5),
    );
}

// ------------------------------------------------------------------ expressions

#[test]
fn long_list_expressions_stop_at_the_timeout() {
    let mut db = Database::new();
    // `UNWIND [n]` keeps the expression from being folded at plan time.
    for q in [
        "UNWIND [200000] AS n RETURN size(reduce(a = [], x IN range(1, n) | a + [x])) AS s",
        "UNWIND [30000] AS n RETURN size([x IN range(1, n) WHERE x IN range(1, n)]) AS s",
        "UNWIND [30000] AS n RETURN all(x IN range(1, n) WHERE x IN range(1, n)) AS s",
        "UNWIND [30000] AS n RETURN size([x IN range(1, n) | [y IN range(1, n) | y]]) AS s",
    ] {
        expect_guard(&mut db, timeout(0.25), q, "Timeout", Duration::from_secs(5));
    }
}

#[test]
fn doubling_a_list_or_a_string_hits_the_list_guard() {
    let mut db = Database::new();
    for (q, unit) in [
        (
            "UNWIND [40] AS n RETURN size(reduce(a = [1], x IN range(1, n) | a + a)) AS s",
            "elements",
        ),
        (
            "UNWIND [40] AS n RETURN size(reduce(s = 'x', x IN range(1, n) | s + s)) AS s",
            "bytes",
        ),
    ] {
        let limits = Limits {
            max_list_len: 1 << 20,
            ..timeout(30.0)
        };
        let message = expect_guard(
            &mut db,
            limits,
            q,
            "MemoryLimitExceeded",
            Duration::from_secs(5),
        );
        assert!(
            message.contains(unit) && message.contains("1048576"),
            "{message}"
        );
    }
    // Just under the limit is fine.
    db.set_limits(Limits {
        max_list_len: 1 << 20,
        ..Limits::default()
    });
    let r = db
        .execute(
            "UNWIND [20] AS n RETURN size(reduce(a = [1], x IN range(1, n) | a + a)) AS s",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(one(r.rows), Value::Int(1 << 20));
}

/// A constant expression is evaluated while planning, where neither the timeout nor the
/// cancellation flag is consulted: `RETURN reduce(…)` over literals runs to completion.
#[test]
fn a_constant_expression_stops_at_the_timeout() {
    let mut db = Database::new();
    expect_guard(
        &mut db,
        timeout(0.5),
        "RETURN size(reduce(a = [], x IN range(1, 60000) | a + [x])) AS s",
        "Timeout",
        Duration::from_secs(5),
    );
}

#[test]
fn cancelling_from_another_thread_stops_a_running_query() {
    let mut db = Database::new();
    let cancel = db.cancel_handle();
    let t = Instant::now();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let e = db.execute(ENDLESS, &Params::new()).unwrap_err();
    stopper.join().unwrap();
    assert_eq!(e.code(), Some("Cancelled"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5));
    // The next statement runs normally (the flag is reset).
    assert!(db.execute("RETURN 1", &Params::new()).is_ok());
}

// ------------------------------------------------------------------ regex

#[test]
fn catastrophic_backtracking_patterns_run_in_linear_time() {
    let mut db = Database::new();
    let mut params = Params::new();
    params.insert("s".into(), Value::from(format!("{}b", "a".repeat(100_000))));
    let t = Instant::now();
    for (pattern, expected) in [
        ("(a+)+$", false),
        ("(a|a)*c", false),
        ("(a|aa)+b", true),
        ("(.*a){20}", false),
    ] {
        params.insert("p".into(), Value::from(pattern));
        let r = db.execute("RETURN $s =~ $p AS m", &params).unwrap();
        assert_eq!(one(r.rows), Value::Bool(expected), "{pattern}");
    }
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn a_regex_that_compiles_to_a_huge_program_is_refused() {
    let mut db = Database::new();
    for pattern in [
        "a{1000}{1000}",
        "(\\\\w{100}){100}",
        "((((a{100}){100}){100}){100})",
    ] {
        let t = Instant::now();
        let e = db
            .execute(
                &format!("UNWIND ['a'] AS s RETURN s =~ '{pattern}' AS m"),
                &Params::new(),
            )
            .unwrap_err();
        assert_eq!(
            (e.kind().name(), e.code()),
            ("ArgumentError", Some("InvalidArgumentValue")),
            "{pattern}: {e}"
        );
        assert!(e.message().contains("size limit"), "{e}");
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{pattern}: {:?}",
            t.elapsed()
        );
    }
    // Regex nesting beyond the regex parser's own limit is an error too.
    let deep = format!("{}a{}", "(".repeat(300), ")".repeat(300));
    let mut params = Params::new();
    params.insert("p".into(), Value::from(deep));
    let e = db.execute("RETURN 'a' =~ $p AS m", &params).unwrap_err();
    assert_eq!(e.code(), Some("InvalidArgumentValue"), "{e}");
}

// ------------------------------------------------------------------ the CLI

fn spawn_kg(args: &[&str]) -> Child {
    Command::new(KG)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kg")
}

#[test]
fn the_cli_timeout_stops_endless_queries_with_an_error() {
    let queries = [
        ENDLESS,
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b ORDER BY a",
        "UNWIND [200000] AS n RETURN size(reduce(a = [], x IN range(1, n) | a + [x])) AS s",
    ];
    // All at once: each needs a second of wall time, not of CPU.
    let t = Instant::now();
    let children: Vec<Child> = queries
        .iter()
        .map(|q| spawn_kg(&["--empty", "--timeout", "1", "-e", q]))
        .collect();
    for (q, child) in queries.iter().zip(children) {
        let out = wait_within(child, Duration::from_secs(20), &[q]);
        assert_eq!(out.status.code(), Some(1), "{q}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("TransientError.Timeout"), "{q}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(out.stdout.is_empty(), "{q}: no partial rows");
        assert!(
            t.elapsed() < Duration::from_secs(8),
            "{q}: took {:?}",
            t.elapsed()
        );
    }
    let (out, _) = kg_within(
        &[
            "--empty",
            "--timeout",
            "1",
            "-e",
            "RETURN size(range(1, 1000000000000))",
        ],
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("MemoryLimitExceeded"),
        "{}",
        stderr(&out)
    );
}

/// True once `pid` has a handler for SIGINT (bit 2 of SigCgt in /proc/PID/status).
fn catches_sigint(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
}

/// Starts `kg args…`, waits until it catches SIGINT and has been running its statement a
/// little, sends SIGINT and returns its output and how long it took to exit after it.
fn interrupt(args: &[&str]) -> (Output, Duration) {
    let child = spawn_kg(args);
    let t = Instant::now();
    while !catches_sigint(child.id()) {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "kg never installed its handler"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    // SAFETY: sends a signal to a process this test started and has not yet reaped.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(r, 0, "kill(SIGINT)");
    let out = wait_within(child, Duration::from_secs(15), args);
    (out, t.elapsed())
}

#[test]
fn ctrl_c_stops_a_running_statement_promptly() {
    let queries: [&'static str; 2] = [
        ENDLESS,
        "UNWIND [200000] AS n RETURN size(reduce(a = [], x IN range(1, n) | a + [x])) AS s",
    ];
    let runs: Vec<_> = queries
        .iter()
        .map(|&q| std::thread::spawn(move || interrupt(&["--empty", "-e", q])))
        .collect();
    for (q, run) in queries.iter().zip(runs) {
        let (out, took) = run.join().unwrap();
        assert_eq!(out.status.code(), Some(1), "{q}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("TransientError.Cancelled"), "{q}: {err}");
        assert!(
            took < Duration::from_secs(3),
            "{q}: exited {took:?} after SIGINT"
        );
        assert!(out.stdout.is_empty(), "{q}: no partial rows");
    }
}

fn read(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn ctrl_c_during_a_script_leaves_the_snapshot_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.kg");
    let path = db.to_str().unwrap();
    let (out, _) = kg_within(
        &["--db", path, "-e", "CREATE (:Kept {v: 1})"],
        Duration::from_secs(20),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let before = read(&db);
    // The first statement writes, the second runs until interrupted.
    let script =
        format!("CREATE (:Lost {{v: 2}}); UNWIND range(1, 1000) AS i CREATE (:Lost); {ENDLESS}");
    let (out, took) = interrupt(&["--db", path, "-e", &script]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("Cancelled"), "{}", stderr(&out));
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGINT"
    );
    assert_eq!(read(&db), before, "the snapshot changed");
    // A single statement that wrote before being interrupted is rolled back too.
    let q = "UNWIND range(1, 1000) AS i CREATE (:Lost {i: i}) WITH count(*) AS c \
             UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*)";
    let (out, _) = interrupt(&["--db", path, "-e", q]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read(&db), before, "the snapshot changed");
    let (out, _) = kg_within(
        &[
            "--db",
            path,
            "--format",
            "csv",
            "-e",
            "MATCH (n) RETURN labels(n)[0] AS l, count(*) AS c",
        ],
        Duration::from_secs(20),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "l,c\r\nKept,1\r\n");
    // No temporary or lock file is left next to it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "g.kg" && n != "g.kg.lock")
        .collect();
    assert!(names.is_empty(), "{names:?}");
}
