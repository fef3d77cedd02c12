//! LOAD CSV: records as maps (WITH HEADERS) or lists, FIELDTERMINATOR, quoting, a BOM,
//! file URLs and parameters, and bad files: a clear error naming file:line, nothing of the
//! statement applied, an oversized record refused.

use kg::{Database, Params, Value};
use std::io::Write;
use std::path::Path;

fn file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    format!("file://{}", p.display())
}

fn run(db: &mut Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new())
        .unwrap_or_else(|e| panic!("{}", e.render(q)))
        .rows
}

fn fails(db: &mut Database, q: &str) -> String {
    let e = db.execute(q, &Params::new()).unwrap_err();
    assert_eq!(e.kind().name(), "ImportError", "{}", e.message());
    e.message().to_string()
}

#[test]
fn rows_become_maps_or_lists() {
    let dir = tempfile::tempdir().unwrap();
    let url = file(
        dir.path(),
        "people.csv",
        b"\xEF\xBB\xBFid,name,note\n1,Ann,\"likes \"\"tea\"\", and\ncake\"\n2,Bo,\n",
    );
    let mut db = Database::new();
    let rows = run(
        &mut db,
        &format!("LOAD CSV WITH HEADERS FROM '{url}' AS r RETURN r.id, r.name, r.note"),
    );
    assert_eq!(
        rows,
        [
            vec!["1".into(), "Ann".into(), "likes \"tea\", and\ncake".into()],
            vec!["2".into(), "Bo".into(), Value::Null],
        ]
    );
    let rows = run(&mut db, &format!("LOAD CSV FROM '{url}' AS r RETURN r"));
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0][0],
        Value::List(vec!["id".into(), "name".into(), "note".into()])
    );
    // Loading into the graph, with conversions.
    let rows = run(
        &mut db,
        &format!(
            "LOAD CSV WITH HEADERS FROM '{url}' AS r \
             CREATE (p:Person {{id: toInteger(r.id), name: r.name}}) RETURN count(p)"
        ),
    );
    assert_eq!(rows, [[Value::Int(2)]]);
    assert_eq!(
        run(&mut db, "MATCH (p:Person) RETURN sum(p.id)"),
        [[Value::Int(3)]]
    );
}

#[test]
fn field_terminators_paths_and_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let url = file(dir.path(), "t.tsv", b"a\tb\n1\t2\n");
    let mut db = Database::new();
    let rows = run(
        &mut db,
        &format!("LOAD CSV WITH HEADERS FROM '{url}' AS r FIELDTERMINATOR '\\t' RETURN r"),
    );
    let Value::Map(m) = &rows[0][0] else { panic!() };
    assert_eq!(m["b"], Value::from("2"));
    let semi = file(dir.path(), "s.csv", b"x;y\n3;4\n");
    let mut params = Params::new();
    params.insert("src".into(), Value::from(semi.clone()));
    let r = db
        .execute(
            "LOAD CSV FROM $src AS r FIELDTERMINATOR ';' RETURN r[1] AS y",
            &params,
        )
        .unwrap();
    assert_eq!(r.rows, [[Value::from("y")], [Value::from("4")]]);
    // A plain path works too.
    let plain = semi.trim_start_matches("file://");
    assert_eq!(
        run(
            &mut db,
            &format!("LOAD CSV FROM '{plain}' AS r RETURN count(*)")
        ),
        [[Value::Int(2)]]
    );
    let e = db
        .execute(
            "LOAD CSV FROM 'x.csv' AS r FIELDTERMINATOR ';;' RETURN r",
            &Params::new(),
        )
        .unwrap_err();
    assert_eq!(e.kind().name(), "SyntaxError");
}

#[test]
fn bad_files_name_file_and_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::new();
    let wide = file(dir.path(), "wide.csv", b"a,b\n1,2\n3,4\n5,6,7\n");
    let msg = fails(
        &mut db,
        &format!("LOAD CSV WITH HEADERS FROM '{wide}' AS r CREATE (:Row {{a: r.a}})"),
    );
    assert!(
        msg.contains("wide.csv:4: 3 fields, but the header has 2"),
        "{msg}"
    );
    // The two rows created before the bad line were rolled back.
    assert_eq!(run(&mut db, "MATCH (n) RETURN count(n)"), [[Value::Int(0)]]);

    let bad = file(dir.path(), "bad.csv", b"a\nok\n\xff\xfe\n");
    let msg = fails(&mut db, &format!("LOAD CSV FROM '{bad}' AS r RETURN r"));
    assert!(
        msg.contains("bad.csv:3: field 1 is not valid UTF-8"),
        "{msg}"
    );

    let msg = fails(
        &mut db,
        "LOAD CSV FROM 'file:///no/such/file.csv' AS r RETURN r",
    );
    assert!(msg.contains("cannot open /no/such/file.csv"), "{msg}");
    let msg = fails(
        &mut db,
        &format!("LOAD CSV FROM '{}' AS r RETURN r", dir.path().display()),
    );
    assert!(msg.contains("is a directory"), "{msg}");
    let msg = fails(
        &mut db,
        "LOAD CSV FROM 'https://example.com/a.csv' AS r RETURN r",
    );
    assert!(msg.contains("local files only"), "{msg}");

    let open = file(dir.path(), "open.csv", b"a\n\"x\n2\n");
    let msg = fails(&mut db, &format!("LOAD CSV FROM '{open}' AS r RETURN r"));
    assert!(
        msg.contains("open.csv:2: a quoted field is still open"),
        "{msg}"
    );
    let closed = file(dir.path(), "closed.csv", b"a\n\"x\"\"\ny\"");
    assert_eq!(
        run(
            &mut db,
            &format!("LOAD CSV FROM '{closed}' AS r RETURN r[0]")
        ),
        [[Value::from("a")], [Value::from("x\"\ny")]]
    );

    // Empty and header-only files give no rows.
    let empty = file(dir.path(), "empty.csv", b"");
    let header = file(dir.path(), "header.csv", b"a,b\n");
    for url in [empty, header] {
        assert_eq!(
            run(
                &mut db,
                &format!("LOAD CSV WITH HEADERS FROM '{url}' AS r RETURN count(*)")
            ),
            [[Value::Int(0)]]
        );
    }
    let e = db
        .execute("LOAD CSV FROM 42 AS r RETURN r", &Params::new())
        .unwrap_err();
    assert_eq!(e.kind().name(), "TypeError");
}

#[test]
fn an_oversized_record_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("long.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    f.write_all(b"a\n\"").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..65 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\"\n").unwrap();
    drop(f);
    let mut db = Database::new();
    let msg = fails(
        &mut db,
        &format!(
            "LOAD CSV FROM 'file://{}' AS r RETURN size(r[0])",
            p.display()
        ),
    );
    assert!(
        msg.contains("long.csv:2") && msg.contains("longer than 64 MiB"),
        "{msg}"
    );
}

#[test]
fn load_is_still_a_name() {
    let mut db = Database::new();
    assert_eq!(
        run(
            &mut db,
            "WITH 1 AS load, 2 AS csv, 3 AS headers RETURN load + csv + headers"
        ),
        [[Value::Int(6)]]
    );
}
