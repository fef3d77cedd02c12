//! Finding entities by any of their names: `kg.resolve`/`kg.resolveAll` in Cypher and
//! `kg::aliases::find` (the REPL's `:find`), on the seed graph and on a graph built here.

use kg::aliases::{find, MatchKind};
use kg::val::NodeId;
use kg::{Database, Params, Value};

fn run(db: &mut Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new())
        .unwrap_or_else(|e| panic!("{}", e.render(q)))
        .rows
}

fn name_of(db: &Database, n: NodeId) -> String {
    let g = db.graph();
    let k = g.key_symbol("name").unwrap();
    match g.node_prop(n, k) {
        Some(kg::val::Val::Str(s)) => s.to_string(),
        other => panic!("no name: {other:?}"),
    }
}

#[test]
fn every_alias_in_the_seed_graph_resolves_to_its_entity() {
    let mut db = Database::seed().unwrap();
    let rows = run(
        &mut db,
        "MATCH (n) WHERE n.aliases IS NOT NULL UNWIND n.aliases AS a \
         RETURN n.name AS name, a AS alias, kg.resolveAll(a) AS hits",
    );
    assert!(rows.len() >= 20, "{} aliases", rows.len());
    for r in rows {
        let Value::List(hits) = &r[2] else { panic!() };
        let names: Vec<Value> = hits
            .iter()
            .map(|h| match h {
                Value::Node(n) => n.properties["name"].clone(),
                _ => panic!(),
            })
            .collect();
        assert!(
            names.contains(&r[0]),
            "{} does not resolve to {}",
            r[1],
            r[0]
        );
    }
}

#[test]
fn resolve_ignores_case_and_spacing_and_prefers_names() {
    let mut db = Database::seed().unwrap();
    let rows = run(
        &mut db,
        "RETURN kg.resolve('Liu Hu').name, kg.resolve('  liu   HU ').name, \
         kg.resolve('Donald Trump').name, kg.resolve('nobody at all'), kg.resolve(null)",
    );
    assert_eq!(
        rows[0],
        [
            Value::from("Liu He"),
            Value::from("Liu He"),
            Value::from("Donald Trump"),
            Value::Null,
            Value::Null
        ]
    );
    // The resolved node is a node: it can start a pattern.
    let rows = run(
        &mut db,
        "WITH kg.resolve('Mnuchin') AS p MATCH (p)-[:CLAIMED]->(c:Claim) RETURN c.quote",
    );
    assert_eq!(rows, [[Value::from("had a good discussion")]]);
    let err = db
        .execute("RETURN kg.resolve(42)", &Params::new())
        .unwrap_err();
    assert_eq!(err.kind().name(), "TypeError");
    assert!(err.message().contains("kg.resolve()"), "{}", err.message());
}

#[test]
fn resolve_sees_the_graph_as_it_is_now() {
    let mut db = Database::new();
    assert_eq!(run(&mut db, "RETURN kg.resolve('Ann')"), [[Value::Null]]);
    run(
        &mut db,
        "CREATE (:Person {name: 'Ann', aliases: 'Annie'}), (:Pet {name: 'Annie'}), \
         (:Person {name: 'Bo', aliases: ['Annie']})",
    );
    // A `name` beats an alias; then lowest id first.
    let rows = run(
        &mut db,
        "RETURN kg.resolve('annie').name, [n IN kg.resolveAll('ANNIE') | n.name]",
    );
    assert_eq!(rows[0][0], Value::from("Annie"));
    assert_eq!(
        rows[0][1],
        Value::List(vec!["Annie".into(), "Ann".into(), "Bo".into()])
    );
}

#[test]
fn find_lists_exact_matches_or_else_near_ones() {
    let db = Database::seed().unwrap();
    let g = db.graph();
    // Exact: a name or an alias, nothing else.
    let hits = find(g, "liu hu");
    assert_eq!(hits.len(), 1);
    assert_eq!(name_of(&db, hits[0].node), "Liu He");
    assert_eq!(hits[0].kind, MatchKind::Alias);
    assert_eq!(hits[0].matched, "Liu Hu");
    // A misspelling is a near match.
    let hits = find(g, "Lighthiser");
    assert_eq!(name_of(&db, hits[0].node), "Robert Lighthizer");
    assert_eq!(hits[0].kind, MatchKind::Near(1));
    let hits = find(g, "Steven Mnuchin");
    assert_eq!(name_of(&db, hits[0].node), "Steve Mnuchin");
    assert!(matches!(hits[0].kind, MatchKind::Near(_)));
    // A first name alone is a partial match.
    let hits = find(g, "Robert");
    assert_eq!(name_of(&db, hits[0].node), "Robert Lighthizer");
    assert_eq!(hits[0].kind, MatchKind::Partial);
    // Nothing like it.
    assert!(find(g, "Zyxwvut Qqq").is_empty());
    assert!(find(g, "   ").is_empty());
}
