//! Parallel label scans (src/exec/parallel.rs): aggregations and ORDER BY … LIMIT over a
//! label scan run in partitions on several threads. Every query here runs on one thread
//! and in 2, 3 and 7 partitions (the threshold lowered so that small graphs split), and
//! the results must be identical — rows, row order, group order and `collect` order.

use kg::{Database, Limits, Params, Value};
use proptest::prelude::*;

fn limits(threads: usize) -> Limits {
    Limits {
        threads,
        parallel_min_nodes: 1,
        ..Limits::default()
    }
}

/// People with ages, countries and scores, some without a country; KNOWS and SAID edges.
fn graph(people: i64) -> Database {
    let mut db = Database::new();
    let p = Params::new();
    db.execute(
        &format!(
            "UNWIND range(0, {}) AS i CREATE (:Person {{id: i, age: (i * 37) % 90, \
             country: CASE WHEN i % 11 = 0 THEN null ELSE 'c' + toString((i * 7) % 13) END, \
             name: 'p' + toString((i * 7919) % 1000)}})",
            people - 1
        ),
        &p,
    )
    .unwrap();
    db.execute(
        &format!(
            "MATCH (a:Person) WHERE a.id % 3 <> 0 \
             MATCH (b:Person {{id: (a.id * 31 + 7) % {people}}}) CREATE (a)-[:KNOWS {{w: a.id % 5}}]->(b)"
        ),
        &p,
    )
    .unwrap();
    db.execute(
        "MATCH (a:Person) WHERE a.id % 4 = 1 CREATE (a)-[:SAID]->(:Claim {stance: a.id % 3, day: a.id % 17})",
        &p,
    )
    .unwrap();
    db
}

fn run(db: &mut Database, threads: usize, q: &str) -> Result<Vec<Vec<Value>>, String> {
    db.set_limits(limits(threads));
    db.execute(q, &Params::new())
        .map(|r| r.rows)
        .map_err(|e| e.message().to_string())
}

const QUERIES: &[&str] = &[
    // Grouped aggregates, groups in order of first appearance (no ORDER BY).
    "MATCH (p:Person) RETURN p.country AS c, count(*) AS n, min(p.age) AS lo, max(p.age) AS hi, sum(p.age) AS s, avg(p.age) AS a",
    "MATCH (p:Person) WHERE p.age >= 30 AND p.age < 50 RETURN p.country AS c, count(p.country) AS n",
    // collect keeps the scan's order across partitions.
    "MATCH (p:Person) WHERE p.age < 5 RETURN p.country AS c, collect(p.id) AS ids",
    "MATCH (p:Person) RETURN collect(p.name)[0..50] AS first, count(*) AS n",
    // No grouping key; nothing matches.
    "MATCH (p:Person) WHERE p.age > 1000 RETURN count(*) AS n, sum(p.age) AS s, min(p.age) AS m, collect(p.id) AS l",
    "MATCH (p:Person) RETURN count(*) AS n",
    // Two keys, percentiles and standard deviation over integers.
    "MATCH (p:Person) RETURN p.age % 3 AS k, p.country AS c, percentileDisc(p.age, 0.5) AS med, percentileCont(p.age, 0.25) AS q, stDev(p.age) AS sd",
    // Expansions and projections between the scan and the aggregation.
    "MATCH (p:Person)-[k:KNOWS]->(f:Person) WHERE f.age > p.age RETURN k.w AS w, count(*) AS n, collect(f.id)[0..5] AS some",
    "MATCH (p:Person)-[:SAID]->(c:Claim) WITH p, c, p.age + c.stance AS x WHERE x % 2 = 0 RETURN c.stance AS s, count(*) AS n, max(x) AS mx",
    "MATCH (p:Person)<-[:KNOWS]-(q) RETURN p.country AS c, count(q) AS n ORDER BY n DESC, c",
    // Top-k with tie-breakers, ascending and descending, with SKIP.
    "MATCH (p:Person) RETURN p.id, p.age ORDER BY p.age DESC, p.id LIMIT 7",
    "MATCH (p:Person) WHERE p.country IS NOT NULL RETURN p.name AS n, p.id AS i ORDER BY n, i SKIP 3 LIMIT 10",
    "MATCH (p:Person)-[:SAID]->(c:Claim) RETURN c.day, p.id ORDER BY c.day DESC, p.id LIMIT 5",
    "MATCH (p:Person) RETURN p.id ORDER BY p.id LIMIT 0",
    // DISTINCT aggregates and rand() stay on one thread; results still agree.
    "MATCH (p:Person) RETURN p.country AS c, count(DISTINCT p.age) AS n",
    // Errors are the same.
    "MATCH (p:Person) RETURN sum(p.name) AS s",
];

#[test]
fn parallel_results_equal_one_thread() {
    let mut db = graph(3000);
    for q in QUERIES {
        let one = run(&mut db, 1, q);
        for threads in [2, 3, 7] {
            let many = run(&mut db, threads, q);
            assert_eq!(one, many, "{threads} threads: {q}");
        }
    }
}

#[test]
fn queries_are_not_trivially_equal() {
    // The comparison above means something: the graph yields real, distinct answers.
    let mut db = graph(3000);
    let rows = run(&mut db, 2, QUERIES[0]).unwrap();
    assert_eq!(rows.len(), 14, "13 countries and null");
    let total: i64 = rows
        .iter()
        .map(|r| match r[1] {
            Value::Int(n) => n,
            _ => panic!("count"),
        })
        .sum();
    assert_eq!(total, 3000);
    let top = run(&mut db, 3, QUERIES[10]).unwrap();
    assert_eq!(top.len(), 7);
    assert_eq!(top[0][1], Value::Int(89));
    let err = run(&mut db, 3, QUERIES[QUERIES.len() - 1]).unwrap_err();
    assert!(err.contains("sum()"), "{err}");
}

#[test]
fn writes_after_a_parallel_aggregation_and_transactions_see_one_graph() {
    let mut db = graph(2000);
    db.set_limits(limits(4));
    let p = Params::new();
    let r = db
        .execute(
            "MATCH (p:Person) WITH p.country AS c, count(*) AS n CREATE (:Total {c: c, n: n}) RETURN sum(n) AS s",
            &p,
        )
        .unwrap();
    assert_eq!(r.rows[0][0], Value::Int(2000));
    db.execute("BEGIN", &p).unwrap();
    db.execute(
        "UNWIND range(1, 500) AS i CREATE (:Person {id: 100000 + i, age: 1})",
        &p,
    )
    .unwrap();
    let r = db
        .execute("MATCH (p:Person) WHERE p.age = 1 RETURN count(*) AS n", &p)
        .unwrap();
    let in_tx = r.rows[0][0].clone();
    db.execute("ROLLBACK", &p).unwrap();
    let r = db
        .execute("MATCH (p:Person) WHERE p.age = 1 RETURN count(*) AS n", &p)
        .unwrap();
    match (in_tx, &r.rows[0][0]) {
        (Value::Int(a), Value::Int(b)) => assert_eq!(a, b + 500),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_timeout_stops_every_partition() {
    let mut db = graph(2000);
    db.set_limits(Limits {
        timeout: Some(std::time::Duration::from_millis(200)),
        ..limits(3)
    });
    let started = std::time::Instant::now();
    let err = db
        .execute(
            "MATCH (p:Person) WHERE size([x IN range(1, 200000) WHERE x % 7 = p.age % 7]) > 0 RETURN p.country, count(*)",
            &Params::new(),
        )
        .map(|_| ())
        .unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(err.message().contains("timeout"), "{}", err.message());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random filters, grouping keys and limits: partitions agree with one thread.
    #[test]
    fn random_shapes_agree(
        lo in 0i64..90, width in 1i64..60, modulo in 1i64..9, threads in 2usize..6,
        limit in 0usize..40, desc in any::<bool>(),
    ) {
        let mut db = graph(1500);
        let agg = format!(
            "MATCH (p:Person) WHERE p.age >= {lo} AND p.age < {} RETURN p.id % {modulo} AS k, count(*) AS n, collect(p.age) AS ages, max(p.name) AS m",
            lo + width
        );
        let top = format!(
            "MATCH (p:Person)-[:KNOWS]->(f) WHERE f.age >= {lo} RETURN p.age, f.id ORDER BY p.age {}, f.id LIMIT {limit}",
            if desc { "DESC" } else { "" }
        );
        for q in [&agg, &top] {
            prop_assert_eq!(run(&mut db, 1, q), run(&mut db, threads, q), "{}", q);
        }
    }
}

/// Filters evaluated inside a label scan (against the property list, or on the row) give
/// what the plain Filter operator gives: PROFILE builds every operator on its own, so it
/// is the reference.
#[test]
fn scan_filters_agree_with_the_filter_operator() {
    let mut db = Database::new();
    let p = Params::new();
    db.execute(
        "UNWIND range(0, 299) AS i CREATE (:L {id: i, \
           v: CASE i % 6 WHEN 0 THEN null WHEN 1 THEN i WHEN 2 THEN toFloat(i) / 2 \
                  WHEN 3 THEN 'x' + toString(i) WHEN 4 THEN [i, i + 1] ELSE i % 2 = 0 END, \
           w: i % 10})",
        &p,
    )
    .unwrap();
    let mut params = Params::new();
    params.insert("t".into(), Value::Int(100));
    params.insert("s".into(), Value::String("x2".into()));
    let filters = [
        "n.v = 7",
        "n.v <> 7",
        "n.v < 100",
        "n.v >= 'x150'",
        "n.v = true",
        "n.v = null",
        "n.v <> null",
        "n.v IS NULL",
        "n.v = [16, 17]",
        "n.v > $t",
        "n.w = 3 AND n.v > 50",
        "n.w = 3 AND n.id % 2 = 0",
        "n.missing = 1",
        "n.missing IS NULL AND n.w < 2",
        "n.v STARTS WITH 'x1'",
        "n.v > 10.5 AND n.v < 40",
        "n.v CONTAINS '5'",
        "n.v ENDS WITH '3'",
        "n.v CONTAINS ''",
        "n.v STARTS WITH $s",
        "n.v CONTAINS $s",
        "n.v CONTAINS $t",
        "n.v ENDS WITH null",
        "n.missing CONTAINS 'x'",
        "n.w = 3 AND n.v CONTAINS '3'",
        "NOT n.v CONTAINS '1'",
    ];
    for f in filters {
        let q = format!("MATCH (n:L) WHERE {f} RETURN n.id AS id ORDER BY id");
        let fused = db.execute(&q, &params).map(|r| r.rows);
        let plain = db.execute(&format!("PROFILE {q}"), &params).map(|r| r.rows);
        assert_eq!(
            fused.as_ref().map_err(|e| e.message().to_string()),
            plain.as_ref().map_err(|e| e.message().to_string()),
            "{f}"
        );
    }
    // Not vacuous: the filters select different, non-empty sets.
    let mut n = |f: &str| {
        let q = format!("MATCH (n:L) WHERE {f} RETURN count(*)");
        db.execute(&q, &params).unwrap().rows[0][0].clone()
    };
    assert_eq!(n("n.v = 7"), Value::Int(2));
    assert_eq!(n("n.v < 100"), Value::Int(50));
    assert_eq!(n("n.v > $t"), Value::Int(49));
    assert_eq!(n("n.v CONTAINS '5'"), Value::Int(14));
    assert_eq!(n("n.v ENDS WITH '3'"), Value::Int(10));
    assert_eq!(n("n.v CONTAINS ''"), Value::Int(50));
    assert_eq!(n("n.v STARTS WITH $s"), Value::Int(19));
    assert_eq!(n("NOT n.v CONTAINS '1'"), Value::Int(24));
}

/// Grouping by strings that share one allocation (a loaded snapshot shares repeated short
/// strings) and by equal strings in separate allocations (built by the query) puts equal
/// strings in one group either way.
#[test]
fn grouping_by_shared_and_separate_strings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.kg");
    let p = Params::new();
    let mut db = Database::new();
    db.execute(
        "UNWIND range(0, 2999) AS i CREATE (:S {s: 'v' + toString(i % 200), t: i % 3})",
        &p,
    )
    .unwrap();
    db.save_as(&path).unwrap();
    let (mut loaded, _) = Database::open(&path, true).unwrap();
    let q = "MATCH (n:S) WITH n.s AS s, n ORDER BY n.t DESC \
             RETURN s, count(*) AS c, count(DISTINCT n.t) AS kinds ORDER BY s";
    let mixed = "MATCH (n:S) WITH CASE WHEN n.t = 0 THEN n.s ELSE toLower(toUpper(n.s)) END AS s \
                 RETURN s, count(*) AS c ORDER BY s";
    for db in [&mut db, &mut loaded] {
        for threads in [1, 2] {
            db.set_limits(limits(threads));
            let rows = db.execute(q, &p).unwrap().rows;
            assert_eq!(rows.len(), 200);
            for r in &rows {
                assert_eq!((&r[1], &r[2]), (&Value::Int(15), &Value::Int(3)), "{r:?}");
            }
            let rows = db.execute(mixed, &p).unwrap().rows;
            assert_eq!(rows.len(), 200);
            assert!(rows.iter().all(|r| r[1] == Value::Int(15)), "{rows:?}");
            // A scan's string test (with its prefetch of shared texts) finds each copy.
            let q = "MATCH (n:S) WHERE n.s CONTAINS '19' RETURN count(*)";
            assert_eq!(db.execute(q, &p).unwrap().rows, vec![vec![Value::Int(180)]]);
        }
    }
}

/// The row guard holds for the partitions together: each partition may hold its share
/// of it (partitions are split by whole 64-id words, so a share is not exact).
#[test]
fn the_row_guard_covers_all_partitions_together() {
    let mut db = graph(3000);
    let q = "MATCH (p:Person) RETURN p.id AS id, count(*) AS n";
    for threads in [1, 2, 4] {
        db.set_limits(Limits {
            max_rows_in_memory: 2000,
            ..limits(threads)
        });
        let err = db.execute(q, &Params::new()).map(|_| ()).unwrap_err();
        assert!(
            err.message().contains("2000"),
            "{threads}: {}",
            err.message()
        );
        db.set_limits(Limits {
            max_rows_in_memory: 4000,
            ..limits(threads)
        });
        assert_eq!(db.execute(q, &Params::new()).unwrap().rows.len(), 3000);
    }
}
