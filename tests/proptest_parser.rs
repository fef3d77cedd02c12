//! Robustness of the front end: `kg::syntax::parse` never panics, whatever the input
//! (arbitrary strings, Cypher-flavoured noise, random mutations of valid queries);
//! executing random small queries on an empty database gives `Ok` or `Err`, never a panic;
//! and deeply nested or very long operator chains give an error (or a result), not a crash,
//! on a thread with an ordinary 8 MiB stack.

use kg::{Database, Params};
use proptest::prelude::*;
use std::time::Duration;

/// Valid queries to mutate.
const SEEDS: &[&str] = &[
    "MATCH (n:Person {name: 'Liu He'})-[:MET]->(m) RETURN n.name, m.name",
    "MATCH (a)-[r:KNOWS|LIKES*1..3]-(b) WHERE a.age > 30 AND NOT b:Robot RETURN DISTINCT b ORDER BY b.name DESC SKIP 1 LIMIT 10",
    "OPTIONAL MATCH p = (a)<-[:R]-(b) RETURN length(p), nodes(p)",
    "UNWIND [1, 2, 3] AS x WITH x WHERE x % 2 = 1 RETURN collect(x) AS odd",
    "RETURN CASE WHEN 1 < 2 THEN 'yes' ELSE 'no' END AS answer, CASE 3 WHEN 3 THEN 0x1F END",
    "RETURN [x IN range(1, 10) WHERE x > 5 | x ^ 2] AS squares, reduce(s = 0, y IN [1, 2] | s + y)",
    "MATCH (n) RETURN n {.name, .*, extra: [(n)-->(m) | m.name]} AS projection",
    "RETURN all(x IN [1, 2] WHERE x > 0), any(x IN [] WHERE true), none(x IN [null]), single(x IN [1] WHERE x = 1)",
    "CREATE (a:A {x: 1.5e3, s: \"it's\", l: ['a', 'b']})-[:R {w: -1}]->(b:B) RETURN a, b",
    "MERGE (n:Person {name: $name}) ON CREATE SET n.created = timestamp() ON MATCH SET n += {seen: true}",
    "MATCH (n) WHERE n.name STARTS WITH 'L' OR n.name =~ '.*e$' SET n:Tagged, n.x = null REMOVE n:Old, n.y",
    "MATCH (n) DETACH DELETE n",
    "MATCH (a), (b) WHERE EXISTS { MATCH (a)-->(b) } RETURN count(*)",
    "MATCH p = shortestPath((a {name: 'x'})-[*..5]-(b {name: 'y'})) RETURN p",
    "RETURN 1 AS x UNION ALL RETURN 2 AS x",
    "RETURN 'a' + 'b', [1] + [2], {a: 1}.a, [1, 2, 3][1..], [1, 2, 3][-1], toUpper(trim('  x '))",
    "MATCH (n) // a comment\nRETURN /* block */ n.`odd name`, $param.key",
    "BEGIN",
    "EXPLAIN MATCH (n:Person) WHERE n.age > 3 RETURN n",
];

/// Text fragments inserted by mutations: keywords, brackets, operators, quotes.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "`",
    ",",
    ".",
    ":",
    ";",
    "|",
    "*",
    "..",
    "-->",
    "<-",
    "-[",
    "]->",
    "$",
    "=",
    "<>",
    "=~",
    "+",
    "-",
    "^",
    "%",
    "/*",
    "*/",
    "//",
    "\\",
    "\n",
    " ",
    "MATCH",
    "RETURN",
    "WHERE",
    "WITH",
    "UNWIND",
    "AS",
    "CREATE",
    "MERGE",
    "SET",
    "DELETE",
    "NOT",
    "AND",
    "OR",
    "XOR",
    "IN",
    "IS NULL",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "count(*)",
    "EXISTS {",
    "ON CREATE SET",
    "DISTINCT",
    "ORDER BY",
    "SKIP",
    "LIMIT",
    "null",
    "true",
    "1e",
    "0x",
    "0o",
    "9223372036854775808",
    "1.5",
    "-",
    "é",
    "刘",
    "\u{0}",
    "\u{FEFF}",
    "\\u12",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, fragment: usize },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
    Swap { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..8).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..FRAGMENTS.len())
            .prop_map(|(at, fragment)| Mutation::Insert { at, fragment }),
        (any::<usize>(), 1usize..12).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
    ]
}

/// Applies mutations on character boundaries.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in mutations {
        let n = chars.len();
        match *m {
            Mutation::Delete { at, len } if n > 0 => {
                let at = at % n;
                chars.drain(at..(at + len).min(n));
            }
            Mutation::Insert { at, fragment } => {
                let at = at % (n + 1);
                chars.splice(at..at, FRAGMENTS[fragment].chars());
            }
            Mutation::Duplicate { at, len } if n > 0 => {
                let at = at % n;
                let piece: Vec<char> = chars[at..(at + len).min(n)].to_vec();
                chars.splice(at..at, piece);
            }
            Mutation::Truncate { at } => chars.truncate(at % (n + 1)),
            Mutation::Swap { a, b } if n > 0 => chars.swap(a % n, b % n),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Cypher-looking noise: the characters and words queries are made of, in any order.
fn cypher_noise() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            (0..FRAGMENTS.len()).prop_map(|i| FRAGMENTS[i].to_string()),
            "[a-z]{1,4}",
            "[0-9]{1,3}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.join(" "))
}

// ---------------------------------------------------------------- random small queries

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        prop_oneof![
            Just(0.0f64),
            Just(-1.5),
            Just(1e308),
            Just(2.5e-3),
            any::<f64>().prop_filter("finite", |f| f.is_finite())
        ]
        .prop_map(|f| format!("{f:?}")),
        "[a-z ]{0,5}".prop_map(|s| format!("'{s}'")),
        Just("$p".to_string()),
        Just("x".to_string()),
    ]
}

fn expression() -> impl Strategy<Value = String> {
    literal().prop_recursive(4, 24, 3, |inner| {
        let ops = [
            "+",
            "-",
            "*",
            "/",
            "%",
            "^",
            "=",
            "<>",
            "<",
            ">=",
            "AND",
            "OR",
            "XOR",
            "IN",
            "STARTS WITH",
            "CONTAINS",
            "=~",
        ];
        let functions = [
            "size",
            "abs",
            "toString",
            "toInteger",
            "toFloat",
            "head",
            "reverse",
            "sqrt",
            "coalesce",
            "toUpper",
            "sign",
            "keys",
            "range",
            "tail",
        ];
        prop_oneof![
            (inner.clone(), 0..ops.len(), inner.clone())
                .prop_map(move |(a, op, b)| format!("({a} {} {b})", ops[op])),
            (0..functions.len(), inner.clone())
                .prop_map(move |(f, a)| format!("{}({a})", functions[f])),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| format!("{{k: {k}, v: {v}}}.v + {k}")),
            inner.clone().prop_map(|a| format!("NOT {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("{a} IS NULL")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}][1]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("CASE WHEN {a} THEN {b} END")),
            inner.clone().prop_map(|a| format!("[y IN [1, 2] | {a}]")),
            inner.clone().prop_map(|a| format!("{a}[0..1]")),
        ]
    })
}

fn small_query() -> impl Strategy<Value = String> {
    let expr = expression().boxed();
    prop_oneof![
        expr.clone()
            .prop_map(|e| format!("WITH 1 AS x RETURN {e} AS v")),
        expr.clone()
            .prop_map(|e| format!("UNWIND [1, 2, null] AS x RETURN x, {e} AS v ORDER BY v")),
        expr.clone().prop_map(|e| format!(
            "UNWIND [1, 2] AS x WITH x, {e} AS v RETURN count(v), collect(DISTINCT v)"
        )),
        expr.clone()
            .prop_map(|e| format!("WITH 2 AS x CREATE (n:N {{v: {e}}}) RETURN n")),
        expr.clone()
            .prop_map(|e| format!("MATCH (n) WHERE {e} RETURN n")),
        expr.clone()
            .prop_map(|e| format!("WITH 3 AS x MERGE (n:M {{v: {e}}}) RETURN n.v")),
        expr.prop_map(|e| format!("WITH 1 AS x UNWIND {e} AS y RETURN y")),
    ]
}

/// Runs `f` on a thread with an ordinary 8 MiB stack and returns its result; a panic on
/// that thread fails the test with its message.
fn on_normal_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|_| panic!("the work panicked"))
}

/// `cases` random cases, or `PROPTEST_CASES` when set (to search harder).
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn parse_never_panics_on_arbitrary_strings(text in any::<String>()) {
        let _ = kg::syntax::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_cypher_noise(text in cypher_noise()) {
        let _ = kg::syntax::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_mutated_queries(
        seed in 0..SEEDS.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let text = mutate(SEEDS[seed], &mutations);
        let _ = kg::syntax::parse(&text);
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn executing_random_small_queries_never_panics(query in small_query(), p in literal()) {
        let mut db = Database::new();
        db.set_timeout(Some(Duration::from_secs(5)));
        let mut params = Params::new();
        // `$p` is a literal evaluated on a scratch database (when it is itself a literal).
        if let Ok(r) = Database::new().execute(&format!("RETURN {p} AS p"), &Params::new()) {
            params.insert("p".into(), r.rows[0][0].clone());
        }
        let _ = db.execute(&query, &params);
        // The database is still usable afterwards.
        prop_assert!(db.execute("RETURN 1", &Params::new()).is_ok());
    }

    #[test]
    fn executing_mutated_queries_never_panics(
        seed in 0..SEEDS.len(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let text = mutate(SEEDS[seed], &mutations);
        let mut db = Database::new();
        db.set_timeout(Some(Duration::from_secs(5)));
        db.execute("CREATE (:Person {name: 'Liu He', age: 40})-[:MET]->(:Person {name: 'x'})", &Params::new()).unwrap();
        let mut params = Params::new();
        params.insert("name".into(), kg::Value::from("y"));
        params.insert("param".into(), kg::Value::Map([("key".to_string(), kg::Value::Int(1))].into()));
        let _ = db.execute(&text, &params);
    }
}

// ---------------------------------------------------------------- deep input

/// Runs `query` through `Database::execute` on an 8 MiB stack and expects an `Err`.
fn expect_error_not_crash(query: String) {
    let (kind, code) = on_normal_stack(move || {
        let mut db = Database::new();
        match db.execute(&query, &Params::new()) {
            Ok(r) => panic!("expected an error, got {} rows", r.rows.len()),
            Err(e) => (e.kind().name(), e.code()),
        }
    });
    assert_eq!(kind, "SyntaxError", "{code:?}");
}

/// Runs `query` on an 8 MiB stack; it may succeed or fail, but must not crash.
fn expect_no_crash(query: String) -> Result<kg::QueryResult, kg::Error> {
    on_normal_stack(move || {
        let mut db = Database::new();
        db.execute(&query, &Params::new())
    })
}

#[test]
fn hundred_thousand_parentheses_give_an_error() {
    let n = 100_000;
    expect_error_not_crash(format!("RETURN {}1{}", "(".repeat(n), ")".repeat(n)));
}

#[test]
fn hundred_thousand_open_parentheses_without_closing_give_an_error() {
    expect_error_not_crash(format!("RETURN {}", "(".repeat(100_000)));
}

#[test]
fn deeply_nested_lists_and_maps_give_an_error() {
    let n = 100_000;
    expect_error_not_crash(format!("RETURN {}1{}", "[".repeat(n), "]".repeat(n)));
    expect_error_not_crash(format!("RETURN {}1{}", "{a: ".repeat(n), "}".repeat(n)));
}

#[test]
fn hundred_thousand_ands_do_not_crash() {
    let query = format!("RETURN true{}", " AND true".repeat(100_000));
    match expect_no_crash(query) {
        Ok(r) => assert_eq!(r.rows, vec![vec![kg::Value::Bool(true)]]),
        Err(e) => assert_eq!(e.kind().name(), "SyntaxError", "{e}"),
    }
}

#[test]
fn hundred_thousand_additions_do_not_crash() {
    let query = format!("RETURN 1{}", " + 1".repeat(100_000));
    match expect_no_crash(query) {
        Ok(r) => assert_eq!(r.rows, vec![vec![kg::Value::Int(100_001)]]),
        Err(e) => assert_eq!(e.kind().name(), "SyntaxError", "{e}"),
    }
}

#[test]
fn hundred_thousand_prefix_operators_do_not_crash() {
    for prefix in ["NOT ", "- "] {
        let query = format!("RETURN {}1", prefix.repeat(100_000));
        if let Err(e) = expect_no_crash(query) {
            assert!(
                ["SyntaxError", "TypeError"].contains(&e.kind().name()),
                "{prefix:?}: {e}"
            );
        }
    }
}

#[test]
fn long_property_chain_does_not_crash() {
    let query = format!("WITH {{a: 1}} AS m RETURN m{}", ".a".repeat(100_000));
    if let Err(e) = expect_no_crash(query) {
        assert!(
            ["SyntaxError", "TypeError"].contains(&e.kind().name()),
            "{e}"
        );
    }
}

#[test]
fn hundred_thousand_nested_case_expressions_give_an_error() {
    let n = 100_000;
    expect_error_not_crash(format!(
        "RETURN {}1{}",
        "CASE WHEN true THEN ".repeat(n),
        " END".repeat(n)
    ));
}

#[test]
fn long_but_reasonable_queries_work() {
    // A thousand of each: clauses, UNION branches, pattern hops, list elements, items.
    let n = 1_000;
    let queries = [
        format!("{}RETURN 1 AS one", "MATCH () ".repeat(n)),
        format!("WITH 1 AS x {}RETURN x", "WITH x ".repeat(n)),
        format!("RETURN 1 AS x{}", " UNION RETURN 1 AS x".repeat(n)),
        format!("MATCH (a){} RETURN count(*) AS c", "-->()".repeat(n)),
        format!("RETURN size([{}1]) AS s", "1, ".repeat(n)),
        format!("RETURN true{} AS t", " AND true".repeat(n)),
    ];
    for query in queries {
        let head: String = query.chars().take(40).collect();
        if let Err(e) = expect_no_crash(query) {
            panic!("`{head}…` failed: {e}");
        }
    }
}

// The three tests below once crashed the whole test process (stack overflow on an 8 MiB
// thread): planning and execution recurse once per clause, UNION branch or pattern hop.
// The planner now refuses statements with more than kg::plan's MAX_QUERY_SIZE clauses and
// pattern elements with a SyntaxError.
#[test]
fn hundred_thousand_match_clauses_do_not_crash() {
    expect_error_not_crash(format!("{}RETURN 1", "MATCH () ".repeat(100_000)));
}

#[test]
fn hundred_thousand_union_branches_do_not_crash() {
    expect_error_not_crash(format!(
        "RETURN 1 AS x{}",
        " UNION RETURN 1 AS x".repeat(100_000)
    ));
}

#[test]
fn hundred_thousand_hop_pattern_does_not_crash() {
    expect_error_not_crash(format!(
        "MATCH (a){} RETURN count(*)",
        "-->()".repeat(100_000)
    ));
}
