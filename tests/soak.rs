//! Soak test (ignored; not in CI): a million mixed statements through the library API —
//! MERGE/SET/DELETE over a bounded working set, lookups, scans, parameters, explicit
//! transactions rolled back or committed, and statements that fail at compile time and at
//! run time — while resident memory is sampled from /proc/self/statm. Once warmed up,
//! with the graph's size steady, memory must not keep growing.
//!
//! `cargo test --release --test soak -- --ignored --nocapture`
//! (`KG_SOAK_STATEMENTS=N` changes the count.)

use kg::{Database, Params, Value};
use std::time::Instant;

/// Resident set size in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    pages * page
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// xorshift64: deterministic, so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

/// Items have keys 0..KEYS, so the graph stays within KEYS nodes and a bounded number of
/// relationships however long the run.
const KEYS: u64 = 2_000;

fn params(pairs: &[(&str, Value)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Runs one step (one to three statements); returns how many statements it ran and how
/// many of them failed as intended.
fn step(db: &mut Database, rng: &mut Rng) -> (u64, u64) {
    let k = Value::Int(rng.below(KEYS));
    let v = Value::Int(rng.below(1_000_000));
    let ok = |r: Result<kg::QueryResult, kg::Error>, q: &str| {
        r.unwrap_or_else(|e| panic!("{q}: {e}"));
    };
    match rng.below(100) {
        0..=24 => {
            let q = "MERGE (n:Item {k: $k}) SET n.v = $v, n.tag = 'item ' + toString($v)";
            ok(db.execute(q, &params(&[("k", k), ("v", v)])), q);
            (1, 0)
        }
        25..=49 => {
            let q = "MATCH (n:Item {k: $k}) RETURN n.v AS v, n.tag AS tag";
            ok(db.execute(q, &params(&[("k", k)])), q);
            (1, 0)
        }
        50..=61 => {
            let q = "MATCH (a:Item {k: $a}), (b:Item {k: $b}) MERGE (a)-[r:LINK]->(b) SET r.w = $v";
            let b = Value::Int(rng.below(KEYS));
            ok(db.execute(q, &params(&[("a", k), ("b", b), ("v", v)])), q);
            (1, 0)
        }
        62..=69 => {
            let q = "MATCH (n:Item {k: $k}) DETACH DELETE n";
            ok(db.execute(q, &params(&[("k", k)])), q);
            (1, 0)
        }
        70..=74 => {
            let q = "MATCH (n:Item {k: $k})-[r:LINK]->(m) RETURN count(r) AS c, collect(m.k)[0..3] AS some";
            ok(db.execute(q, &params(&[("k", k)])), q);
            (1, 0)
        }
        75..=77 => {
            let q = "UNWIND $xs AS x WITH x WHERE x % 3 = 0 RETURN sum(x) AS s, collect(toString(x))[0..5] AS t";
            let xs = Value::List((0..rng.below(200)).map(Value::Int).collect());
            ok(db.execute(q, &params(&[("xs", xs)])), q);
            (1, 0)
        }
        78..=80 => {
            // A scan with a filter and an ORDER BY over the working set.
            let q = "MATCH (n:Item) WHERE n.v < $v RETURN n.k AS k ORDER BY n.v DESC LIMIT 5";
            ok(db.execute(q, &params(&[("v", v)])), q);
            (1, 0)
        }
        81..=85 => {
            // An explicit transaction, rolled back.
            ok(db.execute("BEGIN", &Params::new()), "BEGIN");
            let q = "CREATE (:Tmp {x: $v})-[:T]->(:Tmp {x: $v})";
            ok(db.execute(q, &params(&[("v", v)])), q);
            ok(db.execute("ROLLBACK", &Params::new()), "ROLLBACK");
            (3, 0)
        }
        86..=88 => {
            // An explicit transaction, committed: creates then removes its scratch node.
            ok(db.execute("BEGIN", &Params::new()), "BEGIN");
            let q = "CREATE (t:Tmp {x: $v}) WITH t MATCH (n:Item {k: $k}) SET n.seen = coalesce(n.seen, 0) + 1";
            ok(db.execute(q, &params(&[("v", v), ("k", k)])), q);
            ok(
                db.execute("MATCH (t:Tmp) DETACH DELETE t", &Params::new()),
                "delete Tmp",
            );
            ok(db.execute("COMMIT", &Params::new()), "COMMIT");
            (4, 0)
        }
        89..=91 => {
            // Fails at run time after writing: rolled back.
            let q = "MERGE (n:Item {k: $k}) SET n.v = 1 / ($v - $v)";
            let e = db.execute(q, &params(&[("k", k), ("v", v)])).expect_err(q);
            assert_eq!(e.code(), Some("DivisionByZero"), "{e}");
            (1, 1)
        }
        92..=94 => {
            // Fails at compile time.
            let q = "MATCH (n:Item {k: $k}) RETURN m";
            let e = db.execute(q, &params(&[("k", k)])).expect_err(q);
            assert_eq!(e.code(), Some("UndefinedVariable"), "{e}");
            (1, 1)
        }
        95..=96 => {
            // A syntax error.
            let q = "MATCH (n:Item {k: $k} RETURN n";
            let e = db.execute(q, &params(&[("k", k)])).expect_err(q);
            assert_eq!(e.kind().name(), "SyntaxError", "{e}");
            (1, 1)
        }
        _ => {
            // A missing parameter.
            let q = "RETURN $missing + 1 AS x";
            let e = db.execute(q, &Params::new()).expect_err(q);
            assert_eq!(e.code(), Some("MissingParameter"), "{e}");
            (1, 1)
        }
    }
}

#[test]
#[ignore = "soak: a million statements; run by hand in release"]
fn a_million_statements_do_not_grow_memory() {
    let total: u64 = std::env::var("KG_SOAK_STATEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let warm_up = total / 10;
    let mut db = Database::new();
    db.execute("CREATE INDEX item_k FOR (n:Item) ON (n.k)", &Params::new())
        .unwrap();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let start_rss = rss();
    let t0 = Instant::now();
    let (mut done, mut failed) = (0u64, 0u64);
    let mut warm_rss = 0;
    let mut samples = Vec::new();
    let mut next_sample = warm_up;
    while done < total {
        let (n, f) = step(&mut db, &mut rng);
        done += n;
        failed += f;
        if done >= next_sample {
            assert!(!db.in_transaction());
            let r = rss();
            if warm_rss == 0 {
                warm_rss = r;
            }
            eprintln!(
                "{done:>9} statements  {:7.1} s  rss {:7.1} MiB  nodes {:5}  rels {:6}",
                t0.elapsed().as_secs_f64(),
                mib(r),
                db.node_count(),
                db.relationship_count()
            );
            samples.push((r, db.node_count(), db.relationship_count()));
            next_sample += total / 10;
        }
    }
    let elapsed = t0.elapsed();
    let end_rss = rss();
    eprintln!(
        "{done} statements ({failed} failing as intended) in {:.1} s: {:.0} statements/s; \
         rss start {:.1} MiB, after warm-up {:.1} MiB, end {:.1} MiB",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        mib(start_rss),
        mib(warm_rss),
        mib(end_rss)
    );
    // The graph stays within its bounds...
    let (_, nodes, rels) = *samples.last().unwrap();
    assert!(nodes as u64 <= KEYS, "{nodes} nodes");
    assert!(rels as u64 <= KEYS * KEYS, "{rels} relationships");
    assert_eq!(
        db.execute("MATCH (t:Tmp) RETURN count(t) AS c", &Params::new())
            .unwrap()
            .rows,
        vec![vec![Value::Int(0)]]
    );
    // ...and so does memory: no more than 16 MiB above the warmed-up level (allocator
    // slack and the graph's own fluctuation).
    let margin = 16 << 20;
    assert!(
        end_rss <= warm_rss + margin,
        "resident memory grew from {:.1} MiB after warm-up to {:.1} MiB",
        mib(warm_rss),
        mib(end_rss)
    );
}
