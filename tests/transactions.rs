//! Transactions and statement atomicity, checked on whole-graph dumps: a random sequence of
//! updates (CREATE, MERGE, SET, REMOVE, DELETE, DETACH DELETE, some of them failing) run
//! between `BEGIN` and `ROLLBACK` leaves the graph identical to the one before `BEGIN` —
//! ids, labels (in order), properties, relationships, the label index, type counts,
//! adjacency and the next ids to hand out; a statement that fails at runtime midway leaves
//! the graph exactly as before it; and `BEGIN … COMMIT` gives the same graph as running
//! the statements without a transaction. The store's indexes are checked against the data
//! after every statement.

use kg::store::{Direction, Graph};
use kg::{Database, Params};
use proptest::prelude::*;
use std::collections::BTreeMap;

type Props = Vec<(String, String)>;
/// (relationship id, other node id) pairs.
type Adjacent = Vec<(u64, u64)>;

/// Everything observable about a graph, in a comparable form.
#[derive(Debug, PartialEq)]
struct Dump {
    next_node_id: u64,
    next_rel_id: u64,
    nodes: Vec<(u64, Vec<String>, Props)>,
    rels: Vec<(u64, String, u64, u64, Props)>,
    label_index: BTreeMap<String, Vec<u64>>,
    type_counts: BTreeMap<String, usize>,
    /// Per node: outgoing and incoming (relationship, other node) pairs, sorted.
    adjacency: Vec<(u64, Adjacent, Adjacent)>,
}

fn dump(g: &Graph) -> Dump {
    let node_props = |id| -> Props {
        g.node_props(id)
            .iter()
            .map(|(k, v)| (g.key_name(*k).to_string(), format!("{v:?}")))
            .collect()
    };
    let rel_props = |id| -> Props {
        g.rel_props(id)
            .iter()
            .map(|(k, v)| (g.key_name(*k).to_string(), format!("{v:?}")))
            .collect()
    };
    let nodes = g
        .nodes()
        .map(|id| {
            let labels = g
                .node_labels(id)
                .iter()
                .map(|l| g.label_name(*l).to_string())
                .collect();
            (id.0, labels, node_props(id))
        })
        .collect();
    let rels = g
        .rels()
        .map(|id| {
            let (start, end) = g.rel_endpoints(id).expect("a stored relationship has ends");
            let rel_type = g.type_name(g.rel_type(id).expect("a type")).to_string();
            (id.0, rel_type, start.0, end.0, rel_props(id))
        })
        .collect();
    let label_index = g
        .label_names()
        .map(|(sym, name)| {
            (
                name.to_string(),
                g.nodes_with_label(sym).map(|n| n.0).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    let type_counts = g
        .type_names()
        .map(|(sym, name)| (name.to_string(), g.type_count(sym)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let adjacency = g
        .nodes()
        .map(|id| {
            let mut out: Vec<(u64, u64)> = g
                .expand(id, Direction::Outgoing, &[])
                .map(|(r, n)| (r.0, n.0))
                .collect();
            let mut inc: Vec<(u64, u64)> = g
                .expand(id, Direction::Incoming, &[])
                .map(|(r, n)| (r.0, n.0))
                .collect();
            out.sort();
            inc.sort();
            (id.0, out, inc)
        })
        .collect();
    Dump {
        next_node_id: g.next_node_id(),
        next_rel_id: g.next_rel_id(),
        nodes,
        rels,
        label_index,
        type_counts,
        adjacency,
    }
}

/// The label index, type counts and adjacency agree with the node and relationship records.
fn check_indexes(g: &Graph) -> Result<(), String> {
    let d = dump(g);
    let mut labels: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (id, ls, _) in &d.nodes {
        for l in ls {
            labels.entry(l.clone()).or_default().push(*id);
        }
    }
    if labels != d.label_index {
        return Err(format!(
            "label index {:?} disagrees with node labels {labels:?}",
            d.label_index
        ));
    }
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
    let mut inc: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
    for (id, t, s, e, _) in &d.rels {
        *types.entry(t.clone()).or_default() += 1;
        out.entry(*s).or_default().push((*id, *e));
        inc.entry(*e).or_default().push((*id, *s));
    }
    if types != d.type_counts {
        return Err(format!(
            "type counts {:?} disagree with relationships {types:?}",
            d.type_counts
        ));
    }
    for (id, o, i) in &d.adjacency {
        let mut want_out = out.remove(id).unwrap_or_default();
        let mut want_in = inc.remove(id).unwrap_or_default();
        want_out.sort();
        want_in.sort();
        if *o != want_out || *i != want_in {
            return Err(format!("adjacency of node {id} is out of date"));
        }
    }
    if !out.is_empty() || !inc.is_empty() {
        return Err("a relationship points at a node that is not stored".into());
    }
    if d.nodes.len() != g.node_count() || d.rels.len() != g.rel_count() {
        return Err("node or relationship counts disagree with the scans".into());
    }
    Ok(())
}

fn run(db: &mut Database, query: &str) -> Result<kg::QueryResult, kg::Error> {
    db.execute(query, &Params::new())
}

// ---------------------------------------------------------------- random updates

const LABELS: [&str; 3] = ["A", "B", "C"];
const TYPES: [&str; 2] = ["R", "S"];
const KEYS: [&str; 3] = ["k", "m", "name"];

fn label() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&LABELS[..])
}
fn rel_type() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&TYPES[..])
}
fn key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&KEYS[..])
}
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i64..4).prop_map(|i| i.to_string()),
        Just("null".to_string()),
        "[a-c]{1,2}".prop_map(|s| format!("'{s}'")),
        Just("[1, 2]".to_string()),
        Just("2.5".to_string()),
        Just("true".to_string()),
    ]
}

/// One update statement from a small grammar; some of them fail at runtime on purpose.
fn update() -> impl Strategy<Value = String> {
    prop_oneof![
        (label(), key(), value()).prop_map(|(l, k, v)| format!("CREATE (:{l} {{{k}: {v}}})")),
        (label(), label(), rel_type(), key(), value()).prop_map(|(a, b, t, k, v)| format!(
            "CREATE (:{a} {{{k}: {v}}})-[:{t} {{w: {v}}}]->(:{b})"
        )),
        (label(), label(), rel_type()).prop_map(|(a, b, t)| format!(
            "MATCH (x:{a}), (y:{b}) WITH x, y LIMIT 3 CREATE (x)-[:{t}]->(y)"
        )),
        (label(), key(), value()).prop_map(|(l, k, v)| format!("MATCH (n:{l}) SET n.{k} = {v}")),
        (label(), key(), value())
            .prop_map(|(l, k, v)| format!("MATCH (n:{l}) SET n += {{{k}: {v}, extra: 1}}")),
        (label(), key(), value())
            .prop_map(|(l, k, v)| format!("MATCH (n:{l}) SET n = {{{k}: {v}}}")),
        (label(), label()).prop_map(|(a, b)| format!("MATCH (n:{a}) SET n:{b}:Extra")),
        (label(), key()).prop_map(|(l, k)| format!("MATCH (n:{l}) REMOVE n.{k}")),
        (label(), label()).prop_map(|(a, b)| format!("MATCH (n:{a}) REMOVE n:{b}")),
        (rel_type(), key(), value())
            .prop_map(|(t, k, v)| format!("MATCH ()-[r:{t}]->() SET r.{k} = {v}")),
        rel_type().prop_map(|t| format!("MATCH ()-[r:{t}]->() SET r = {{}}")),
        rel_type().prop_map(|t| format!("MATCH ()-[r:{t}]->() WITH r LIMIT 1 DELETE r")),
        label().prop_map(|l| format!("MATCH (n:{l}) WITH n LIMIT 1 DETACH DELETE n")),
        label().prop_map(|l| format!("MATCH (n:{l}) DELETE n")),
        (label(), key(), value()).prop_map(|(l, k, v)| format!(
            "MERGE (n:{l} {{{k}: {v}}}) ON CREATE SET n.created = 1 ON MATCH SET n.matched = 1"
        )),
        (label(), label(), rel_type())
            .prop_map(|(a, b, t)| format!("MATCH (x:{a}), (y:{b}) MERGE (x)-[:{t}]->(y)")),
        label().prop_map(|l| format!("UNWIND [1, 2, 0] AS x CREATE (:{l} {{v: 10 / x}})")),
        (label(), key()).prop_map(|(l, k)| format!(
            "MATCH (n:{l}) SET n.{k} = 1 WITH n CREATE (n)-[:R]->(:New) SET n.bad = {{map: 1}}"
        )),
        label().prop_map(|l| format!("MATCH (n:{l}) DETACH DELETE n WITH n RETURN n.k")),
    ]
}

/// Runs statements, ignoring their errors, and checks the indexes after each.
fn run_all(db: &mut Database, statements: &[String]) -> Result<(), TestCaseError> {
    for s in statements {
        let _ = run(db, s);
        check_indexes(db.graph()).map_err(|e| TestCaseError::fail(format!("after `{s}`: {e}")))?;
    }
    Ok(())
}

fn base_graph() -> Database {
    let mut db = Database::new();
    run(
        &mut db,
        "CREATE (a:A {k: 1, name: 'a'})-[:R {w: 1}]->(b:B {k: 2})-[:S]->(c:C:A {m: [1, 2]}), \
         (c)-[:R]->(a), (b)-[:R]->(b), (:B {name: 'lonely'})",
    )
    .expect("the base graph is created");
    db
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
    #![proptest_config(config(128))]

    #[test]
    fn rollback_restores_the_graph_exactly(
        prefix in prop::collection::vec(update(), 0..6),
        body in prop::collection::vec(update(), 1..12),
    ) {
        let mut db = base_graph();
        run_all(&mut db, &prefix)?;
        let before = dump(db.graph());
        run(&mut db, "BEGIN").unwrap();
        prop_assert!(db.in_transaction());
        run_all(&mut db, &body)?;
        run(&mut db, "ROLLBACK").unwrap();
        prop_assert!(!db.in_transaction());
        prop_assert_eq!(dump(db.graph()), before);
        check_indexes(db.graph()).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn a_failing_statement_leaves_the_graph_as_before(
        statements in prop::collection::vec(update(), 1..16),
    ) {
        let mut db = base_graph();
        for s in &statements {
            let before = dump(db.graph());
            if run(&mut db, s).is_err() {
                prop_assert_eq!(dump(db.graph()), before, "after failing `{}`", s);
            }
            check_indexes(db.graph()).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn commit_gives_the_same_graph_as_no_transaction(
        statements in prop::collection::vec(update(), 1..12),
    ) {
        let mut plain = base_graph();
        run_all(&mut plain, &statements)?;
        let mut tx = base_graph();
        run(&mut tx, "BEGIN").unwrap();
        run_all(&mut tx, &statements)?;
        run(&mut tx, "COMMIT").unwrap();
        prop_assert_eq!(dump(tx.graph()), dump(plain.graph()));
    }
}

// ---------------------------------------------------------------- fixed cases

#[test]
fn failing_unwind_create_leaves_the_graph_exactly_as_before() {
    let mut db = base_graph();
    let before = dump(db.graph());
    let e = run(&mut db, "UNWIND [1, 2, 0] AS x CREATE (:N {v: 10 / x})").unwrap_err();
    assert_eq!(
        (e.kind().name(), e.code()),
        ("ArithmeticError", Some("DivisionByZero"))
    );
    assert_eq!(dump(db.graph()), before);
    // The ids the failed statement used are handed out again: nothing of it remains.
    let r = run(&mut db, "CREATE (n:N) RETURN id(n) AS id").unwrap();
    assert_eq!(r.rows[0][0], kg::Value::Int(before.next_node_id as i64));
}

#[test]
fn failing_statement_inside_a_transaction_undoes_only_itself() {
    let mut db = base_graph();
    let before = dump(db.graph());
    run(&mut db, "BEGIN").unwrap();
    run(&mut db, "MATCH (n:A) SET n.k = 100, n:Seen").unwrap();
    let middle = dump(db.graph());
    assert_ne!(middle, before);
    let e = run(
        &mut db,
        "MATCH (n:B) DETACH DELETE n WITH count(*) AS c UNWIND [1, 0] AS x CREATE (:N {v: c / x})",
    )
    .unwrap_err();
    assert_eq!(e.code(), Some("DivisionByZero"));
    assert_eq!(dump(db.graph()), middle);
    run(&mut db, "ROLLBACK").unwrap();
    assert_eq!(dump(db.graph()), before);
}

#[test]
fn rollback_after_deleting_everything_restores_everything() {
    let mut db = base_graph();
    let before = dump(db.graph());
    run(&mut db, "BEGIN").unwrap();
    run(&mut db, "MATCH (n) DETACH DELETE n").unwrap();
    assert_eq!(db.node_count(), 0);
    run(&mut db, "CREATE (:A {k: 9})-[:R]->(:Z)").unwrap();
    run(&mut db, "ROLLBACK").unwrap();
    assert_eq!(dump(db.graph()), before);
    // Labels come back in their original order, and queries see the restored graph.
    let r = run(&mut db, "MATCH (c:C) RETURN labels(c) AS l, c.m AS m").unwrap();
    assert_eq!(
        r.rows,
        vec![vec![
            kg::Value::from(vec!["C", "A"]),
            kg::Value::from(vec![1i64, 2])
        ]]
    );
}

#[test]
fn dump_sees_every_kind_of_change() {
    // Guard against a dump that would make the rollback checks vacuous.
    let changes = [
        "CREATE ()",
        "MATCH (n:A {name: 'a'}) SET n.k = 2",
        "MATCH (n:A {name: 'a'}) SET n:Z",
        "MATCH (n:C) REMOVE n:C SET n:C",
        "MATCH ()-[r:S]->() SET r.w = 1",
        "MATCH ()-[r:S]->() DELETE r",
        "MATCH (n:B {name: 'lonely'}) DELETE n",
        "MATCH (a:A {name: 'a'}), (b:B {k: 2}) CREATE (a)-[:S]->(b)",
    ];
    for change in changes {
        let mut db = base_graph();
        let before = dump(db.graph());
        run(&mut db, change).unwrap();
        assert_ne!(
            dump(db.graph()),
            before,
            "`{change}` is invisible to the dump"
        );
    }
}
