//! Exports: round trips that must be exact (cypher: export → run → export gives the same
//! bytes; jsonl: parsing back gives the graph; csv: export → `kg import` → export gives
//! the same files), on the seed graph and on a graph of awkward values; N-Triples parsed
//! by a real RDF parser; SVG parsed as XML; the `kg export` command line.

use kg::export::{self, ExportFormat, Selection};
use kg::{Database, Params, Value};
use std::path::Path;
use std::process::Command;

/// A graph with every awkward value: quotes, backslashes, newlines, unicode, empty strings
/// and lists, extreme numbers, NaN and infinities, -0.0, every temporal type, odd names,
/// several labels, no labels, self-loops, parallel relationships, an id gap, an index.
const AWKWARD: &str = r#"
CREATE (:Gone);
MATCH (g:Gone) DELETE g;
CREATE (a:Person:Official {name: 'O\'Brien "quoted" \\ back', bio: 'line1\nline2\r\ttab\u0001',
  empty: '', uni: 'Liu 刘鹤 😀 é', big: 9223372036854775807, small: -9223372036854775808,
  f: 0.1, neg0: -0.0, nan: 0.0 / 0.0, inf: 1.0 / 0.0, ninf: -1.0 / 0.0, huge: 1e300,
  tiny: 5e-324, tags: ['a;b', 'c|d', '', ' spaced '], nums: [1, -2, 3], fl: [1.5, -0.0],
  bools: [true, false], empty_list: [], one_empty: [''], d: date('2019-05-10'),
  lt: localtime('12:30:45.123456789'), t: time('12:00+01:05:59'),
  ldt: localdatetime('2019-05-10T12:00'), dt: datetime('2019-05-10T12:00+08:00[Asia/Shanghai]'),
  dto: datetime('2019-05-10T12:00-05:00'),
  dur: duration({months: 14, days: -3, seconds: 100000, nanoseconds: 5}),
  dates: [date('2020-01-01'), date('+10000-01-01')], `odd key`: 1, `a:b`: 'colon key',
  ` padded `: 'x', kind: 1})
CREATE (b {x: 1})
CREATE (c:`Weird Label;|`:Person {name: 'c'})
CREATE (d:Person:Official {name: 'd', kind: 'not a number'})
CREATE (e:Official:Person {name: 'e'})
CREATE (a)-[:KNOWS {since: 2019, note: ''}]->(b), (a)-[:KNOWS]->(b), (b)-[:SELF {w: 0.5}]->(b),
  (b)-[:SELF {w: 0.5}]->(b), (c)-[:`WEIRD TYPE`]->(a), (d)-[:KNOWS {since: 'long ago'}]->(e);
CREATE INDEX person_name FOR (n:Person) ON (n.name);
CREATE INDEX `odd index` FOR (n:`Weird Label;|`) ON (n.`odd key`);
"#;

fn awkward() -> Database {
    let mut db = Database::new();
    db.run_script(AWKWARD, &Params::new())
        .expect("awkward graph");
    db
}

fn seed() -> Database {
    Database::seed().expect("seed graph")
}

fn to_string(db: &mut Database, format: ExportFormat, query: Option<&str>) -> String {
    let mut out = Vec::new();
    export::export(db, format, query, &Params::new(), None, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

fn rows(db: &mut Database, query: &str) -> Vec<Vec<Value>> {
    db.execute(query, &Params::new()).expect(query).rows
}

fn cypher_round_trip(mut db: Database) -> Database {
    let script = to_string(&mut db, ExportFormat::Cypher, None);
    let mut loaded = Database::new();
    loaded
        .run_script(&script, &Params::new())
        .expect("the exported script runs");
    let again = to_string(&mut loaded, ExportFormat::Cypher, None);
    assert_eq!(
        script, again,
        "export → run → export must be byte-identical"
    );
    assert_eq!(loaded.node_count(), db.node_count());
    assert_eq!(loaded.relationship_count(), db.relationship_count());
    loaded
}

#[test]
fn cypher_round_trip_of_the_seed_graph_is_exact() {
    let loaded = cypher_round_trip(seed());
    assert_eq!(loaded.node_count(), 92);
    assert!(loaded
        .graph()
        .label_symbol("UNIQUE IMPORT LABEL")
        .is_some_and(|l| loaded.graph().label_count(l) == 0));
}

#[test]
fn cypher_round_trip_of_awkward_values_is_exact() {
    let mut loaded = cypher_round_trip(awkward());
    let r = rows(
        &mut loaded,
        "MATCH (a:Person {name: 'O\\'Brien \"quoted\" \\\\ back'}) RETURN a.nan, a.neg0, a.small, \
         a.dt, a.dur, a.empty, a.one_empty, a.empty_list, a.bio, a.`a:b`, labels(a)",
    );
    assert_eq!(r.len(), 1);
    let row = &r[0];
    assert!(matches!(row[0], Value::Float(f) if f.is_nan()));
    assert!(matches!(row[1], Value::Float(f) if f == 0.0 && f.is_sign_negative()));
    assert_eq!(row[2], Value::Int(i64::MIN));
    assert_eq!(row[3].to_string(), "2019-05-10T12:00+08:00[Asia/Shanghai]");
    assert_eq!(row[4].to_string(), "P1Y2M-3DT27H46M40.000000005S");
    assert_eq!(row[5], Value::from(""));
    assert_eq!(row[6], Value::List(vec![Value::from("")]));
    assert_eq!(row[7], Value::List(vec![]));
    assert_eq!(row[8], Value::from("line1\nline2\r\ttab\u{1}"));
    assert_eq!(row[9], Value::from("colon key"));
    assert_eq!(row[10], Value::from(vec!["Person", "Official"]));
    let idx = rows(&mut loaded, "SHOW INDEXES");
    let names: Vec<String> = idx.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(names, ["'person_name'", "'odd index'"]);
    assert_eq!(
        rows(&mut loaded, "MATCH (b)-[:SELF]->(b) RETURN count(*)")[0][0],
        Value::Int(2)
    );
    assert_eq!(
        rows(&mut loaded, "MATCH (n) WHERE labels(n) = [] RETURN n.x")[0][0],
        Value::Int(1)
    );
}

#[test]
fn jsonl_parses_back_to_the_graph() {
    for mut db in [seed(), awkward()] {
        let text = to_string(&mut db, ExportFormat::Jsonl, None);
        let (nodes, rels) = export::jsonl::read(&text).expect("parses");
        let want_nodes: Vec<_> = rows(&mut db, "MATCH (n) RETURN n ORDER BY id(n)")
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        let want_rels: Vec<_> = rows(&mut db, "MATCH ()-[r]->() RETURN r ORDER BY id(r)")
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        let got_nodes: Vec<_> = nodes.into_iter().map(Value::Node).collect();
        let got_rels: Vec<_> = rels.into_iter().map(Value::Relationship).collect();
        // Debug output tells NaN, -0.0 and every temporal kind apart.
        assert_eq!(format!("{got_nodes:?}"), format!("{want_nodes:?}"));
        assert_eq!(format!("{got_rels:?}"), format!("{want_rels:?}"));
        assert_eq!(
            text.lines().count(),
            db.node_count() + db.relationship_count()
        );
    }
}

#[test]
fn jsonl_lines_follow_the_documented_shape() {
    let mut db = Database::new();
    db.run_script(
        "CREATE (:Person {name: 'Liu He', born: date('1952-01-01'), x: 1.0})-[:MET {day: 'Wednesday'}]->(:Person {name: 'Robert Lighthizer'})",
        &Params::new(),
    )
    .unwrap();
    let text = to_string(&mut db, ExportFormat::Jsonl, None);
    assert_eq!(
        text,
        "{\"type\":\"node\",\"id\":0,\"labels\":[\"Person\"],\"properties\":{\"born\":{\"$date\":\"1952-01-01\"},\"name\":\"Liu He\",\"x\":1.0}}\n\
         {\"type\":\"node\",\"id\":1,\"labels\":[\"Person\"],\"properties\":{\"name\":\"Robert Lighthizer\"}}\n\
         {\"type\":\"relationship\",\"id\":0,\"label\":\"MET\",\"start\":0,\"end\":1,\"properties\":{\"day\":\"Wednesday\"}}\n"
    );
}

fn kg() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kg"))
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Exports `db` as csv, imports it with the directory's import.sh (the real `kg import`),
/// exports the result again and compares every file.
fn csv_round_trip(mut db: Database, tmp: &Path) {
    let first = tmp.join("first");
    export::export(
        &mut db,
        ExportFormat::Csv,
        None,
        &Params::new(),
        Some(&first),
        &mut Vec::new(),
    )
    .expect("csv export");
    let snapshot = tmp.join("imported.kg");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kg")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run_ok(
        Command::new("sh")
            .arg(first.join("import.sh"))
            .arg(&snapshot)
            .env("PATH", path),
    );
    let (mut imported, _) = Database::open(&snapshot, true).expect("open the import");
    let second = tmp.join("second");
    export::export(
        &mut imported,
        ExportFormat::Csv,
        None,
        &Params::new(),
        Some(&second),
        &mut Vec::new(),
    )
    .expect("csv export of the import");
    let mut names: Vec<_> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut names2: Vec<_> = std::fs::read_dir(&second)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names2.sort();
    assert_eq!(names, names2);
    for name in &names {
        assert_eq!(
            std::fs::read_to_string(first.join(name)).unwrap(),
            std::fs::read_to_string(second.join(name)).unwrap(),
            "{name:?} differs after export → import → export"
        );
    }
    // The same graph up to ids (a split file changes the relative order of ids).
    assert_eq!(
        kg::diff::canonical(db.graph()),
        kg::diff::canonical(imported.graph())
    );
}

#[test]
fn csv_round_trip_through_kg_import_is_exact_on_the_seed_graph() {
    let tmp = tempfile::tempdir().unwrap();
    csv_round_trip(seed(), tmp.path());
    let header = std::fs::read_to_string(tmp.path().join("first/nodes-08-Measure.csv")).unwrap();
    assert!(
        header.starts_with(":ID,:LABEL,aliases:string[],amount_usd:long,"),
        "{header}"
    );
}

#[test]
fn csv_round_trip_through_kg_import_is_exact_on_awkward_values() {
    let tmp = tempfile::tempdir().unwrap();
    csv_round_trip(awkward(), tmp.path());
    let dir = tmp.path().join("first");
    let script = std::fs::read_to_string(dir.join("import.sh")).unwrap();
    // A label holds `;` and `|`, so the array delimiter is the next choice.
    assert!(script.contains("--array-delimiter '^'"), "{script}");
    let after = std::fs::read_to_string(dir.join("after-import.cypher")).unwrap();
    assert!(after.contains("SET n.empty = ''"), "{after}");
    assert!(after.contains("SET n.`a:b` = 'colon key'"), "{after}");
    assert!(after.contains("SET r.note = ''"), "{after}");
    assert!(after.contains("CREATE INDEX person_name FOR (n:Person) ON (n.name);"));
    // `kind` is an integer on one Person:Official and a string on another: two files.
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("Person_Official"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
}

#[test]
fn csv_export_refuses_an_existing_directory_and_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "x").unwrap();
    let err = export::export(
        &mut seed(),
        ExportFormat::Csv,
        None,
        &Params::new(),
        Some(&target),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(
        err.message().contains("exists already"),
        "{}",
        err.message()
    );
    let entries: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "no temporary directory is left");
}

#[test]
fn ntriples_parse_with_an_rdf_parser() {
    for mut db in [seed(), awkward()] {
        let text = to_string(&mut db, ExportFormat::Ntriples, None);
        let triples: Vec<_> = oxttl::NTriplesParser::new()
            .for_slice(text.as_bytes())
            .collect::<Result<_, _>>()
            .expect("valid N-Triples");
        assert_eq!(triples.len(), text.lines().count());
        let rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
        let label_triples = triples
            .iter()
            .filter(|t| {
                t.predicate.as_str() == rdf_type
                    && t.object.to_string().starts_with("<urn:kg:label:")
            })
            .count();
        let labels: usize = rows(&mut db, "MATCH (n) RETURN sum(size(labels(n)))")[0][0]
            .as_int()
            .unwrap() as usize;
        assert_eq!(label_triples, labels);
    }
    let text = to_string(&mut awkward(), ExportFormat::Ntriples, None);
    assert!(text.contains("<urn:kg:label:Weird%20Label%3B%7C>"));
    assert!(text.contains("\"NaN\"^^<http://www.w3.org/2001/XMLSchema#double>"));
    assert!(text.contains("\"2019-05-10T12:00+08:00[Asia/Shanghai]\"^^<urn:kg:datatype:datetime>"));
    assert!(
        text.contains("\"2019-05-10T12:00:00-05:00\"^^<http://www.w3.org/2001/XMLSchema#dateTime>")
    );
}

#[test]
fn dot_and_svg_of_a_query_show_captions_and_types() {
    let mut db = seed();
    let q = "MATCH p = (:Person {name: 'Donald Trump'})-[:CLAIMED]->(:Claim)-[:ABOUT]->() RETURN p";
    let dot = to_string(&mut db, ExportFormat::Dot, Some(q));
    assert!(dot.starts_with("digraph kg {"));
    assert!(dot.contains("label=\"Donald Trump\\n:Person\""), "{dot}");
    assert!(dot.contains("[label=\"CLAIMED\"]"));
    let svg = to_string(&mut db, ExportFormat::Svg, Some(q));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect();
    assert!(text.contains("Donald Trump"));
    assert!(text.contains("CLAIMED"));
    assert_eq!(
        svg,
        to_string(&mut db, ExportFormat::Svg, Some(q)),
        "deterministic"
    );
    // The awkward graph's captions need escaping.
    let svg = to_string(&mut awkward(), ExportFormat::Svg, None);
    roxmltree::Document::parse(&svg).expect("well-formed SVG with quotes and controls");
}

#[test]
fn svg_refuses_a_large_graph_with_a_hint() {
    let mut db = Database::new();
    db.execute(
        "UNWIND range(1, 400) AS i CREATE (:N {name: toString(i)})",
        &Params::new(),
    )
    .unwrap();
    let mut out = Vec::new();
    let err = export::export(
        &mut db,
        ExportFormat::Svg,
        None,
        &Params::new(),
        None,
        &mut out,
    )
    .unwrap_err();
    assert!(
        err.message().contains("at most 300 nodes"),
        "{}",
        err.message()
    );
    assert!(err.message().contains("--query"));
}

#[test]
fn a_query_selects_its_result_subgraph_and_must_not_write() {
    let mut db = seed();
    let sel = export::selection(
        &mut db,
        ExportFormat::Jsonl,
        Some("MATCH (p:Person {name: 'Liu He'})-[r:MET]->(q) RETURN r"),
        &Params::new(),
    )
    .unwrap();
    assert_eq!(sel.rels.len(), 2);
    assert_eq!(sel.nodes.len(), 3, "the endpoints of the relationships");
    let err = export::selection(
        &mut db,
        ExportFormat::Jsonl,
        Some("CREATE (n) RETURN n"),
        &Params::new(),
    )
    .unwrap_err();
    assert!(err.message().contains("read-only"));
    assert_eq!(db.node_count(), 92);
    assert_eq!(Selection::all(db.graph()).nodes.len(), 92);
}

#[test]
fn cli_exports_to_stdout_and_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_ok(kg().args([
        "export",
        "--format",
        "jsonl",
        "--query",
        "MATCH (p:Person {name: 'Liu He'}) RETURN p",
    ]));
    assert_eq!(out.lines().count(), 1);
    assert!(out.contains("\"Liu He\""));
    let file = tmp.path().join("seed.cypher");
    run_ok(kg().args(["export", "--format", "cypher", "-o"]).arg(&file));
    let snapshot = tmp.path().join("copy.kg");
    run_ok(kg().arg("--db").arg(&snapshot).arg("-f").arg(&file));
    let again = run_ok(
        kg().args(["export", "--format", "cypher", "--db"])
            .arg(&snapshot),
    );
    assert_eq!(again, std::fs::read_to_string(&file).unwrap());
    // Errors are one line and leave no file.
    let bad = kg()
        .args([
            "export",
            "--format",
            "svg",
            "--query",
            "CREATE (n) RETURN n",
            "-o",
        ])
        .arg(tmp.path().join("big.svg"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!tmp.path().join("big.svg").exists());
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().starts_with('.')),
        "no temporary file left: {names:?}"
    );
}

/// A graph with a uniqueness constraint beside a plain index.
fn constrained() -> Database {
    let mut db = Database::new();
    db.run_script(
        "CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE; \
         CREATE INDEX person_name FOR (p:Person) ON (p.name); \
         CREATE (:Person {id: 1, name: 'Ann'}), (:Person {id: 2, name: 'Ann'})",
        &Params::new(),
    )
    .expect("constrained graph");
    db
}

#[test]
fn constraints_survive_cypher_and_csv_exports() {
    let script = to_string(&mut constrained(), ExportFormat::Cypher, None);
    assert!(
        script.contains("CREATE CONSTRAINT person_id FOR (n:Person) REQUIRE n.id IS UNIQUE;"),
        "{script}"
    );
    let mut loaded = cypher_round_trip(constrained());
    let c = rows(&mut loaded, "SHOW CONSTRAINTS");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0][0], Value::from("person_id"));
    let err = loaded
        .execute("CREATE (:Person {id: 2})", &Params::new())
        .unwrap_err();
    assert_eq!(err.code(), Some("ConstraintValidationFailed"));
    let tmp = tempfile::tempdir().unwrap();
    // Compares the canonical dumps, which name the constraint.
    csv_round_trip(constrained(), tmp.path());
    assert!(kg::diff::canonical(constrained().graph())
        .contains("unique constraint person_id :Person(id)\n"));
}
