//! Snapshot diff: ids survive snapshots (so pairing by id is sound), a snapshot diffed
//! with itself is empty, the text and summary list exactly what changed, and the Cypher
//! form applied to A gives a graph equal to B (compared without ids); the `kg diff`
//! command line.

use kg::diff::{self, canonical};
use kg::{Database, Params};
use std::path::Path;
use std::process::Command;

const CHANGES: &str = r#"
MATCH (p:Person {name: 'Liu He'}) SET p.age = 66, p.nan = 0.0 / 0.0, p:Negotiator REMOVE p.aliases;
MATCH (p:Person {name: 'Yi Gang'}) DETACH DELETE p;
MATCH (p:Person {name: 'Liu He'})
  CREATE (p)-[:MET {day: 'Friday'}]->(n:Person {name: 'New \'Person\'', born: date('1960-02-29')}),
         (n)-[:KNOWS]->(m:Group {tags: ['a', '']}), (m)-[:SELF]->(m);
MATCH ()-[r:MET]->() WHERE r.day = 'Wednesday' SET r.day = 'Thursday', r.note = '';
CREATE INDEX person_name FOR (n:Person) ON (n.name);
"#;

fn changed() -> Database {
    let mut db = Database::seed().unwrap();
    db.run_script(CHANGES, &Params::new()).unwrap();
    db
}

fn save(db: &mut Database, path: &Path) {
    db.save_as(path).expect("save");
}

#[test]
fn ids_survive_a_snapshot_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let mut db = Database::new();
    db.run_script(
        "CREATE (:A), (:B), (:C); MATCH (b:B) DELETE b; CREATE (:D)",
        &Params::new(),
    )
    .unwrap();
    let path = tmp.path().join("g.kg");
    save(&mut db, &path);
    let (mut loaded, _) = Database::open(&path, true).unwrap();
    let ids = loaded
        .execute(
            "MATCH (n) RETURN labels(n)[0] AS l, id(n) AS id ORDER BY id",
            &Params::new(),
        )
        .unwrap();
    let got: Vec<String> = ids
        .rows
        .iter()
        .map(|r| format!("{}{}", r[0], r[1]))
        .collect();
    assert_eq!(got, ["'A'0", "'C'2", "'D'3"]);
    // Deleted ids stay unused after loading.
    loaded.execute("CREATE (:E)", &Params::new()).unwrap();
    assert!(loaded.graph().contains_node(kg::val::NodeId(4)));
}

#[test]
fn a_graph_diffed_with_itself_is_empty() {
    let db = Database::seed().unwrap();
    let d = diff::diff(db.graph(), db.graph());
    assert!(d.is_empty());
    assert_eq!(diff::text::render(&d, "a", "b"), "");
    assert_eq!(
        d.summary(),
        "nodes: 0 added, 0 removed, 0 changed\nrelationships: 0 added, 0 removed, 0 changed\nindexes: 0 added, 0 removed\n"
    );
    // NaN equals NaN for the diff.
    let nan = changed();
    assert!(diff::diff(nan.graph(), nan.graph()).is_empty());
}

#[test]
fn the_diff_lists_what_changed() {
    let a = Database::seed().unwrap();
    let b = changed();
    let d = diff::diff(a.graph(), b.graph());
    assert_eq!(
        d.summary(),
        "nodes: 2 added, 1 removed, 1 changed\nrelationships: 3 added, 6 removed, 2 changed\nindexes: 1 added, 0 removed\n"
    );
    let text = diff::text::render(&d, "a.kg", "b.kg");
    assert!(text.starts_with("--- a.kg\n+++ b.kg\n"), "{text}");
    assert!(
        text.contains(
            "\n- node 25 (:Person {aliases: ['Yi'], key: 'person:yi_gang', name: 'Yi Gang'"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\n+ node 92 (:Person {born: date('1960-02-29'), name: 'New \\'Person\\''})\n"
        ),
        "{text}"
    );
    assert!(text.contains("\n~ node 22 (:Person:Negotiator)\n    labels: +:Negotiator\n    age: (none) → 66\n    aliases: ['Liu Hu', 'Liu'] → (none)\n    nan: (none) → (0.0 / 0.0)\n"), "{text}");
    assert!(text.contains("\n~ relationship 44 (22)-[:MET]->(33)\n    day: 'Wednesday' → 'Thursday'\n    note: (none) → ''\n"), "{text}");
    assert!(
        text.contains("\n+ relationship 188 (93)-[:SELF]->(93)\n"),
        "{text}"
    );
    assert!(
        text.ends_with("+ index person_name on :Person(name)\n"),
        "{text}"
    );
}

#[test]
fn the_cypher_diff_turns_a_into_b() {
    let mut a = Database::seed().unwrap();
    let b = changed();
    let script = diff::cypher::render(&diff::diff(a.graph(), b.graph()));
    assert_ne!(canonical(a.graph()), canonical(b.graph()));
    a.run_script(&script, &Params::new())
        .expect("the diff script runs on A");
    assert_eq!(canonical(a.graph()), canonical(b.graph()));
    // And the other way round.
    let mut b2 = changed();
    let back = diff::cypher::render(&diff::diff(b2.graph(), Database::seed().unwrap().graph()));
    b2.run_script(&back, &Params::new())
        .expect("the reverse script runs on B");
    assert_eq!(
        canonical(b2.graph()),
        canonical(Database::seed().unwrap().graph())
    );
}

#[test]
fn an_empty_cypher_diff_runs() {
    let mut db = Database::seed().unwrap();
    let script = diff::cypher::render(&diff::diff(db.graph(), db.graph()));
    assert!(script.contains("// no differences"));
    db.run_script(&script, &Params::new()).expect("runs");
    assert!(!db.has_unsaved_changes());
}

#[test]
fn cli_diff_of_two_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let (pa, pb) = (tmp.path().join("a.kg"), tmp.path().join("b.kg"));
    save(&mut Database::seed().unwrap(), &pa);
    save(&mut changed(), &pb);
    let kg = env!("CARGO_BIN_EXE_kg");
    let run = |args: &[&str]| {
        let out = Command::new(kg)
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&["diff", "a.kg", "a.kg"]), "");
    let summary = run(&["diff", "a.kg", "b.kg", "--summary"]);
    assert!(
        summary.starts_with("nodes: 2 added, 1 removed, 1 changed\n"),
        "{summary}"
    );
    let text = run(&["diff", "a.kg", "b.kg"]);
    assert!(text.starts_with("--- a.kg\n+++ b.kg\n"));
    // Apply the script with the real binary, then diff again: only fresh ids could differ.
    let script = run(&["diff", "a.kg", "b.kg", "--format", "cypher"]);
    std::fs::write(tmp.path().join("d.cypher"), &script).unwrap();
    std::fs::copy(&pa, tmp.path().join("c.kg")).unwrap();
    run(&["--db", "c.kg", "-f", "d.cypher"]);
    let (c, _) = Database::open(tmp.path().join("c.kg"), true).unwrap();
    let (b, _) = Database::open(&pb, true).unwrap();
    assert_eq!(canonical(c.graph()), canonical(b.graph()));
    let missing = Command::new(kg)
        .current_dir(tmp.path())
        .args(["diff", "a.kg", "nope.kg"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr).trim(),
        "kg: nope.kg: no such snapshot"
    );
}

#[test]
fn the_cypher_diff_adds_and_drops_constraints() {
    let mut a = Database::new();
    a.run_script("CREATE (:P {id: 1}), (:P {id: 2})", &Params::new())
        .unwrap();
    let mut b = Database::new();
    b.run_script(
        "CREATE (:P {id: 1}), (:P {id: 2}); CREATE CONSTRAINT p_id FOR (p:P) REQUIRE p.id IS UNIQUE",
        &Params::new(),
    )
    .unwrap();
    let d = diff::diff(a.graph(), b.graph());
    assert!(
        diff::text::render(&d, "a", "b").ends_with("+ unique constraint p_id on :P(id)\n"),
        "{}",
        diff::text::render(&d, "a", "b")
    );
    a.run_script(&diff::cypher::render(&d), &Params::new())
        .expect("the diff script runs on A");
    assert_eq!(canonical(a.graph()), canonical(b.graph()));
    assert!(a.execute("CREATE (:P {id: 1})", &Params::new()).is_err());
    let back = diff::cypher::render(&diff::diff(b.graph(), &Database::new().graph().clone()));
    assert!(back.contains("DROP CONSTRAINT p_id;"), "{back}");
}
