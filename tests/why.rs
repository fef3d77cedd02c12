//! WHY (why-provenance) and PROFILE: each row's source sentences through MATCH bindings,
//! aggregation, DISTINCT, UNION, OPTIONAL MATCH and WITH, checked against the seed graph's
//! own provenance properties read by plain queries and against sentences read off the
//! article; the source conventions on a graph of one's own; PROFILE's per-operator rows.

use kg::{Database, Params, QueryResult, Value};
use std::collections::BTreeSet;
use std::process::Command;

fn seed() -> Database {
    Database::seed().expect("seed graph")
}

fn run(db: &mut Database, q: &str) -> QueryResult {
    db.execute(q, &Params::new())
        .unwrap_or_else(|e| panic!("{}", e.render(q)))
}

/// The sentence numbers of one row's sources (the WHY column, last).
fn sentences(row: &[Value]) -> Vec<i64> {
    let Some(Value::List(sources)) = row.last() else {
        panic!("no sources column in {row:?}")
    };
    sources
        .iter()
        .map(|s| match s {
            Value::Map(m) => m["sentence"].as_int().expect("numbered sentence"),
            other => panic!("a source is a map, got {other}"),
        })
        .collect()
}

/// Sentence numbers from a plain query returning one list of integers per row.
fn expected(db: &mut Database, q: &str) -> Vec<Vec<i64>> {
    run(db, q)
        .rows
        .iter()
        .map(|r| {
            let Value::List(items) = &r[0] else {
                panic!("expected a list")
            };
            let set: BTreeSet<i64> = items.iter().filter_map(Value::as_int).collect();
            set.into_iter().collect()
        })
        .collect()
}

#[test]
fn a_claim_is_traced_to_its_sentence() {
    let mut db = seed();
    let r = run(
        &mut db,
        "WHY MATCH (s:Person)-[:CLAIMED]->(c:Claim) WHERE c.quote CONTAINS 'good discussion' \
         RETURN s.name AS speaker, c.quote AS quote",
    );
    assert_eq!(r.columns, ["speaker", "quote", "sources"]);
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0][0], Value::from("Steve Mnuchin"));
    // Sentence 14 of the article: "US Treasury Secretary Steve Mnuchin told the South China
    // Morning Post on Wednesday that both sides had "had a good discussion"."
    assert_eq!(sentences(&r.rows[0]), [14]);
    let Value::List(sources) = &r.rows[0][2] else {
        unreachable!()
    };
    let Value::Map(m) = &sources[0] else {
        unreachable!()
    };
    let text = m["text"].as_str().unwrap();
    assert!(
        text.starts_with("US Treasury Secretary Steve Mnuchin told"),
        "{text}"
    );
    assert_eq!(
        m["stated"],
        Value::Bool(true),
        "a claim's sentence states it"
    );
    let Value::List(via) = &m["via"] else {
        panic!("via is a list")
    };
    let via: Vec<&str> = via.iter().filter_map(Value::as_str).collect();
    assert!(via.contains(&"person:steve_mnuchin"), "{via:?}");
    assert!(
        via.contains(&"person:steve_mnuchin-[:CLAIMED]->claim:mnuchin_good_discussion"),
        "{via:?}"
    );
}

#[test]
fn every_row_matches_the_provenance_of_its_bindings() {
    let mut db = seed();
    let r = run(
        &mut db,
        "WHY MATCH (p)-[r:CLAIMED]->(c:Claim)-[a:ABOUT]->(i) \
         RETURN c.key AS claim, i.name AS issue ORDER BY claim, issue",
    );
    let want = expected(
        &mut db,
        "MATCH (p)-[r:CLAIMED]->(c:Claim)-[a:ABOUT]->(i) \
         WITH c.key AS claim, i.name AS issue, p.sentences + r.sentences + c.sentences + \
         a.sentences + i.sentences AS s RETURN s ORDER BY claim, issue",
    );
    assert!(r.rows.len() >= 5, "{} rows", r.rows.len());
    assert_eq!(r.rows.len(), want.len());
    for (row, want) in r.rows.iter().zip(&want) {
        assert_eq!(&sentences(row), want, "row {row:?}");
    }
}

#[test]
fn aggregation_pools_the_sources_of_its_group() {
    let mut db = seed();
    let r = run(
        &mut db,
        "WHY MATCH (:Person {name: 'Donald Trump'})-[:CLAIMED]->(c:Claim) RETURN count(c) AS n",
    );
    assert_eq!(r.rows[0][0], Value::Int(6));
    let want = expected(
        &mut db,
        "MATCH (p:Person {name: 'Donald Trump'})-[r:CLAIMED]->(c:Claim) \
         UNWIND p.sentences + r.sentences + c.sentences AS s RETURN collect(s)",
    );
    assert_eq!(sentences(&r.rows[0]), want[0]);
    // The claims alone come from sentences 2, 4, 7, 8 and 9; Trump is also mentioned in
    // others, and a node's mentions are its sources too.
    for s in [2, 4, 7, 8, 9] {
        assert!(sentences(&r.rows[0]).contains(&s));
    }
}

#[test]
fn distinct_rows_keep_the_sources_of_every_row_they_merge() {
    let mut db = seed();
    let r = run(
        &mut db,
        "WHY MATCH (c:Claim)-[a:ABOUT]->(i:Issue) RETURN DISTINCT i.name AS issue ORDER BY issue",
    );
    let want = expected(
        &mut db,
        "MATCH (c:Claim)-[a:ABOUT]->(i:Issue) WITH i.name AS issue, \
         collect(c.sentences + a.sentences + i.sentences) AS ss \
         RETURN reduce(acc = [], s IN ss | acc + s) ORDER BY issue",
    );
    assert_eq!(r.rows.len(), want.len());
    for (row, want) in r.rows.iter().zip(&want) {
        assert_eq!(&sentences(row), want, "{}", row[0]);
    }
}

#[test]
fn with_union_and_optional_match_carry_lineage() {
    let mut db = seed();
    // WITH drops the variable but not its lineage.
    let r = run(
        &mut db,
        "WHY MATCH (p:Person {name: 'Steve Mnuchin'})-[:CLAIMED]->(c:Claim) WITH c \
         RETURN c.day AS day",
    );
    let want = expected(
        &mut db,
        "MATCH (p:Person {name: 'Steve Mnuchin'})-[r:CLAIMED]->(c:Claim) \
         RETURN p.sentences + r.sentences + c.sentences",
    );
    assert_eq!(sentences(&r.rows[0]), want[0]);

    // UNION (distinct) pools the sources of equal rows from both sides.
    let r = run(
        &mut db,
        "WHY MATCH (p:Person {name: 'Steve Mnuchin'}) RETURN 'x' AS k \
         UNION MATCH (p:Person {name: 'Yi Gang'}) RETURN 'x' AS k",
    );
    assert_eq!(r.rows.len(), 1);
    let want = expected(
        &mut db,
        "MATCH (a:Person {name: 'Steve Mnuchin'}), (b:Person {name: 'Yi Gang'}) \
         RETURN a.sentences + b.sentences",
    );
    assert_eq!(sentences(&r.rows[0]), want[0]);

    // OPTIONAL MATCH that finds nothing adds nothing.
    let r = run(
        &mut db,
        "WHY MATCH (s:Sentence {index: 3}) OPTIONAL MATCH (s)-[:NO_SUCH]->(x) RETURN s.index",
    );
    assert_eq!(sentences(&r.rows[0]), [3]);
}

#[test]
fn returned_elements_and_paths_are_sources_and_plain_values_have_none() {
    let mut db = seed();
    let r = run(&mut db, "WHY RETURN 1 AS sources");
    assert_eq!(r.columns, ["sources", "sources_2"]);
    assert_eq!(r.rows[0][1], Value::List(vec![]));
    let r = run(
        &mut db,
        "WHY MATCH p = (:Person {name: 'Yi Gang'})-[:CLAIMED]->(:Claim) RETURN length(p) AS n",
    );
    let want = expected(
        &mut db,
        "MATCH (a:Person {name: 'Yi Gang'})-[r:CLAIMED]->(c:Claim) \
         RETURN a.sentences + r.sentences + c.sentences",
    );
    assert_eq!(sentences(&r.rows[0]), want[0]);
}

#[test]
fn the_conventions_work_on_a_graph_of_ones_own() {
    let mut db = Database::new();
    run(
        &mut db,
        "CREATE (:Sentence {index: 2, text: 'Bob met Ann.'}), \
                (:Sentence {index: 1, text: 'Ann is a chemist.'}), \
                (d:Doc {text: 'A memo.'}), \
                (ann:Person {name: 'Ann', sentence: 1}), \
                (bob:Person {name: 'Bob', source: 'the staff list'}), \
                (bob)-[:MET {sentences: [2]}]->(ann), \
                (bob)-[:SOURCE]->(d)",
    );
    let r = run(
        &mut db,
        "WHY MATCH (b:Person {name: 'Bob'})-[:MET]->(a) RETURN a.name AS met",
    );
    let Value::List(sources) = &r.rows[0][1] else {
        panic!()
    };
    let triples: Vec<(Value, Value, Value)> = sources
        .iter()
        .map(|s| match s {
            Value::Map(m) => (
                m["sentence"].clone(),
                m["text"].clone(),
                m["stated"].clone(),
            ),
            _ => panic!(),
        })
        .collect();
    // A node's own properties mention it; a relationship's sources and a SOURCE
    // relationship's target state facts.
    let (yes, no) = (Value::Bool(true), Value::Bool(false));
    assert_eq!(
        triples,
        [
            (Value::Int(1), Value::from("Ann is a chemist."), no.clone()),
            (Value::Int(2), Value::from("Bob met Ann."), yes.clone()),
            (Value::Null, Value::from("the staff list"), no),
            (Value::Null, Value::from("A memo."), yes),
        ]
    );
}

#[test]
fn why_leaves_results_and_counts_unchanged() {
    let mut db = seed();
    for q in [
        "MATCH (n) RETURN count(*) AS n",
        "MATCH (c:Claim) RETURN c.kind AS kind, count(*) AS n ORDER BY kind",
        "MATCH (p:Person)-[:CLAIMED]->(c) RETURN DISTINCT p.name AS name ORDER BY name",
        "UNWIND [3, 1, 2] AS x RETURN x ORDER BY x",
    ] {
        let plain = run(&mut db, q);
        let why = run(&mut db, &format!("WHY {q}"));
        assert!(why.why && !plain.why);
        let stripped: Vec<Vec<Value>> =
            why.rows.iter().map(|r| r[..r.len() - 1].to_vec()).collect();
        assert_eq!(stripped, plain.rows, "{q}");
    }
}

#[test]
fn profile_counts_rows_per_operator() {
    let mut db = seed();
    let r = run(
        &mut db,
        "PROFILE MATCH (p:Person)-[:CLAIMED]->(c:Claim) RETURN p.name AS who, count(c) AS n",
    );
    let persons = run(&mut db, "MATCH (p:Person) RETURN count(p)").rows[0][0].clone();
    let claimed = run(
        &mut db,
        "MATCH (:Person)-[r:CLAIMED]->(:Claim) RETURN count(r)",
    )
    .rows[0][0]
        .clone();
    let ops = r.profile.as_ref().expect("profile");
    let row = |prefix: &str| {
        ops.iter()
            .find(|o| o.operator.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {ops:?}"))
    };
    assert_eq!(Value::Int(row("NodeByLabelScan").rows as i64), persons);
    assert_eq!(Value::Int(row("Expand").rows as i64), claimed);
    assert_eq!(ops[0].rows as usize, r.rows.len());
    assert_eq!(ops[0].depth, 0);
    assert!(ops.iter().all(|o| o.self_time <= o.time));
    // EXPLAIN runs nothing.
    let e = run(&mut db, "EXPLAIN MATCH (p:Person) RETURN p");
    assert!(e.profile.is_none());
    assert!(e
        .rows
        .iter()
        .any(|r| r[0].as_str().unwrap().contains("NodeByLabelScan")));
}

#[test]
fn cli_prints_sources_under_the_table_and_in_json() {
    let kg = env!("CARGO_BIN_EXE_kg");
    let q = "WHY MATCH (s:Person)-[:CLAIMED]->(c:Claim) WHERE c.quote CONTAINS 'good discussion' \
             RETURN s.name AS speaker";
    let out = Command::new(kg).args(["-e", q]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("'Steve Mnuchin'"), "{text}");
    assert!(text.contains("row 1 — sources:"), "{text}");
    assert!(
        text.contains("  [14] US Treasury Secretary Steve Mnuchin"),
        "{text}"
    );
    assert!(
        !text.contains("sources │"),
        "the sources column is not in the table: {text}"
    );
    // Sentences that only mention a node of the row are listed on one line.
    let q2 = "WHY MATCH (s)-[:CLAIMED]->(c:Claim {key: 'claim:us_allegation_subsidies'}) \
              RETURN s.name AS speaker";
    let out = Command::new(kg).args(["-e", q2]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  [3] The core of the US allegations"),
        "{text}"
    );
    assert!(text.contains("  also mentioned in [1] [2] "), "{text}");

    let out = Command::new(kg)
        .args(["--format", "json", "-e", q])
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(json["columns"], serde_json::json!(["speaker", "sources"]));
    assert_eq!(json["rows"][0][1][0]["sentence"], 14);

    let out = Command::new(kg)
        .args([
            "--format",
            "json",
            "-e",
            "PROFILE MATCH (c:Claim) RETURN count(*)",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    let ops = json["profile"].as_array().expect("profile array");
    assert!(ops
        .iter()
        .all(|o| o["rows"].is_u64() && o["time_us"].is_u64()));
}
