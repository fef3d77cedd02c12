//! Range seeks on property indexes (`<`, `<=`, `>`, `>=`, `STARTS WITH`) give exactly the
//! rows a label scan gives: every query is run with the index and without it, over values
//! of every kind (integers beyond 2^53, floats with NaN, infinities and -0.0, strings with
//! unicode, booleans, lists, missing values), with literal and parameter bounds.

use kg::{Database, Params, Value};
use proptest::prelude::*;

fn rows(db: &mut Database, q: &str, params: &Params) -> Vec<String> {
    let mut r: Vec<String> = db
        .execute(q, params)
        .unwrap_or_else(|e| panic!("{}", e.render(q)))
        .rows
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    r.sort();
    r
}

fn graph() -> Database {
    let mut db = Database::new();
    db.execute(
        "UNWIND [0, 1, -1, 2, 30, 49, 50, 51, 9007199254740993, 9007199254740992, \
                 -9223372036854775808, 9223372036854775807, 0.5, -0.0, 29.999, 50.0, \
                 1.0/0.0, -1.0/0.0, 0.0/0.0, 'a', 'Al', 'Alice', 'Albert', 'Ål', 'b', '', \
                 'al', true, false, [1, 2], null] AS v \
         CREATE (:P {v: v}), (:Q {v: v})",
        &Params::new(),
    )
    .unwrap();
    db
}

const QUERIES: &[&str] = &[
    "MATCH (n:P) WHERE n.v >= 30 AND n.v < 50 RETURN n.v",
    "MATCH (n:P) WHERE n.v > 30 RETURN n.v",
    "MATCH (n:P) WHERE n.v <= 0 RETURN n.v",
    "MATCH (n:P) WHERE 1 < n.v RETURN n.v",
    "MATCH (n:P) WHERE n.v > 9007199254740992 RETURN n.v",
    "MATCH (n:P) WHERE n.v < -1.0/0.0 OR n.v > 1.0/0.0 RETURN n.v",
    "MATCH (n:P) WHERE n.v >= -0.0 AND n.v <= 0.0 RETURN n.v",
    "MATCH (n:P) WHERE n.v > 0.0/0.0 RETURN n.v",
    "MATCH (n:P) WHERE n.v STARTS WITH 'Al' RETURN n.v",
    "MATCH (n:P) WHERE n.v STARTS WITH '' RETURN n.v",
    "MATCH (n:P) WHERE n.v >= 'Al' AND n.v < 'b' RETURN n.v",
    "MATCH (n:P) WHERE n.v > 'a' RETURN n.v",
    "MATCH (n:P) WHERE n.v > 1 AND n.v < 'z' RETURN n.v",
    "MATCH (n:P) WHERE n.v > null RETURN n.v",
    "MATCH (n:P) WHERE n.v >= false RETURN n.v",
    "MATCH (n:P) WHERE n.v > $lo AND n.v <= $hi RETURN n.v",
    "MATCH (n:P) WHERE n.v STARTS WITH $prefix RETURN n.v",
    "MATCH (n:P:Q) WHERE n.v > 1 RETURN n.v",
    "MATCH (m:Q), (n:P) WHERE n.v > m.v AND m.v = 49 RETURN n.v",
];

fn params(lo: Value, hi: Value, prefix: Value) -> Params {
    let mut p = Params::new();
    p.insert("lo".into(), lo);
    p.insert("hi".into(), hi);
    p.insert("prefix".into(), prefix);
    p
}

#[test]
fn range_seeks_agree_with_scans() {
    let mut db = graph();
    let p = params(Value::Int(0), Value::Float(50.0), Value::from("A"));
    let scanned: Vec<Vec<String>> = QUERIES.iter().map(|q| rows(&mut db, q, &p)).collect();
    db.execute("CREATE INDEX pv FOR (n:P) ON (n.v)", &Params::new())
        .unwrap();
    for (q, want) in QUERIES.iter().zip(&scanned) {
        assert_eq!(&rows(&mut db, q, &p), want, "{q}");
    }
    // The planner uses the index for them.
    let plan = rows(
        &mut db,
        "EXPLAIN MATCH (n:P) WHERE n.v >= 30 AND n.v < 50 RETURN n",
        &p,
    );
    assert!(
        plan.iter().any(|l| l.contains("NodeIndexRangeSeek")),
        "{plan:?}"
    );
    let plan = rows(
        &mut db,
        "EXPLAIN MATCH (n:P) WHERE n.v STARTS WITH 'Al' RETURN n",
        &p,
    );
    assert!(
        plan.iter().any(|l| l.contains("NodeIndexRangeSeek")),
        "{plan:?}"
    );
    // Writes keep the sorted view current.
    db.execute("MATCH (n:P) WHERE n.v = 30 SET n.v = 31", &Params::new())
        .unwrap();
    db.execute("CREATE (:P {v: 40}), (:P {v: 'Alf'})", &Params::new())
        .unwrap();
    let q = "MATCH (n:P) WHERE n.v >= 30 AND n.v < 50 RETURN n.v";
    let got = rows(&mut db, q, &p);
    assert!(
        got.contains(&"[Int(31)]".to_string()) && got.contains(&"[Int(40)]".to_string()),
        "{got:?}"
    );
    assert!(!got.contains(&"[Int(30)]".to_string()), "{got:?}");
    let got = rows(
        &mut db,
        "MATCH (n:P) WHERE n.v STARTS WITH 'Al' RETURN n.v",
        &p,
    );
    assert!(got.contains(&"[String(\"Alf\")]".to_string()), "{got:?}");
}

fn bound() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-60i64..60).prop_map(Value::Int),
        (-60.0f64..60.0).prop_map(Value::Float),
        Just(Value::Int(9007199254740992)),
        Just(Value::Float(f64::NAN)),
        Just(Value::Float(f64::INFINITY)),
        Just(Value::Null),
        Just(Value::Bool(true)),
        "[A-Za-zÅ]{0,3}".prop_map(Value::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_bounds_agree(lo in bound(), hi in bound(), prefix in bound()) {
        let mut plain = graph();
        let mut indexed = graph();
        indexed.execute("CREATE INDEX FOR (n:P) ON (n.v)", &Params::new()).unwrap();
        let p = params(lo, hi, prefix);
        for q in [
            "MATCH (n:P) WHERE n.v > $lo AND n.v <= $hi RETURN n.v",
            "MATCH (n:P) WHERE $lo <= n.v RETURN n.v",
            "MATCH (n:P) WHERE n.v < $hi RETURN n.v",
            "MATCH (n:P) WHERE n.v STARTS WITH $prefix RETURN n.v",
        ] {
            prop_assert_eq!(rows(&mut indexed, q, &p), rows(&mut plain, q, &p), "{}", q);
        }
    }
}
