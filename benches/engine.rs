//! Criterion benchmarks of the engine's hot paths on a generated graph (persons with
//! properties and a KNOWS graph): parse+plan, label scan with filter, grouped aggregation,
//! index seek, one- and two-hop typed expansion, scan-expand-filter-group, variable-length
//! expansion, top-k and shortest path.
//! Run with `cargo bench --bench engine`; the comparison against Kùzu lives in
//! `../shared/bench` (see README, Performance).

use criterion::{criterion_group, criterion_main, Criterion};
use kg::{Database, Params};
use std::hint::black_box;

const PERSONS: i64 = 100_000;

fn graph() -> Database {
    let mut db = Database::new();
    let p = Params::new();
    db.execute(
        &format!(
            "UNWIND range(0, {}) AS i CREATE (:Person {{id: i, age: i % 90, country: 'c' + toString(i % 50), name: 'n' + toString(i)}})",
            PERSONS - 1
        ),
        &p,
    )
    .expect("create persons");
    db.execute("CREATE INDEX FOR (p:Person) ON (p.id)", &p)
        .expect("index");
    // Each person knows the next few (a ring with chords), deterministic.
    db.execute(
        &format!(
            "MATCH (a:Person) UNWIND [1, 7, 31] AS step MATCH (b:Person {{id: (a.id + step) % {PERSONS}}}) CREATE (a)-[:KNOWS {{since: 2000 + step}}]->(b)"
        ),
        &p,
    )
    .expect("create knows");
    db
}

fn bench(c: &mut Criterion) {
    let mut db = graph();
    let p = Params::new();
    let mut run = |c: &mut Criterion, name: &str, q: &str| {
        c.bench_function(name, |b| {
            b.iter(|| black_box(db.execute(q, &p).expect("query")))
        });
    };
    run(c, "parse_plan_return_1", "RETURN 1 AS x");
    run(
        c,
        "scan_filter_count",
        "MATCH (p:Person) WHERE p.age >= 30 AND p.age < 50 RETURN count(*)",
    );
    run(
        c,
        "scan_group_by",
        "MATCH (p:Person) RETURN p.country AS c, count(*) AS n, avg(p.age) AS a ORDER BY n DESC, c LIMIT 10",
    );
    run(c, "index_seek", "MATCH (p:Person {id: 4242}) RETURN p.name");
    run(
        c,
        "expand_1hop",
        "MATCH (p:Person {id: 4242})-[k:KNOWS]->(f) RETURN f.name, k.since",
    );
    run(
        c,
        "expand_2hop_distinct",
        "MATCH (p:Person {id: 4242})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)",
    );
    run(
        c,
        "scan_expand_filter_group",
        "MATCH (p:Person)-[:KNOWS]->(f:Person) WHERE p.age = 33 AND f.age < 40 RETURN f.country AS c, count(*) AS n ORDER BY n DESC, c LIMIT 5",
    );
    run(
        c,
        "varlen_1_3_distinct",
        "MATCH (p:Person {id: 4242})-[:KNOWS*1..3]->(f) RETURN count(DISTINCT f)",
    );
    run(
        c,
        "topk",
        "MATCH (p:Person) RETURN p.id, p.name ORDER BY p.name DESC, p.id LIMIT 20",
    );
    run(
        c,
        "shortest_path",
        "MATCH p = shortestPath((a:Person {id: 1})-[:KNOWS*..20]->(b:Person {id: 5000})) RETURN length(p)",
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
