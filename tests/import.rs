//! Tests of `kg import`: header forms, value types, id spaces, file arguments, errors with
//! `file:line`, `--skip-bad-rows`, atomicity, and round trips through a snapshot (import,
//! load the snapshot, query it). Fixtures are in `tests/data/import/`; error cases write
//! their small files inline so that the line numbers are visible next to the assertions.

use clap::Parser;
use kg::import::{run, IdType, ImportArgs, ImportReport};
use kg::{Database, Params, Value};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
        .display()
        .to_string()
}

/// Writes `content` to `dir/name` and returns the path as a string.
fn write(dir: &TempDir, name: &str, content: impl AsRef<[u8]>) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

fn output(dir: &TempDir) -> PathBuf {
    dir.path().join("out.kg")
}

/// Opens the snapshot read-only and runs one query.
fn query(snapshot: &Path, text: &str) -> Vec<Vec<Value>> {
    let (mut db, created) = Database::open(snapshot, true).unwrap();
    assert!(!created);
    db.execute(text, &Params::new())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .rows
}

/// Rows printed as Cypher literals, one line per row, cells separated by ` | `.
fn show(rows: &[Vec<Value>]) -> String {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn q(snapshot: &Path, text: &str) -> String {
    show(&query(snapshot, text))
}

fn import_err(args: &ImportArgs) -> String {
    let existed = args.output.exists();
    let e = run(args).expect_err("the import should fail");
    assert_eq!(e.kind().name(), "ImportError", "{e}");
    assert!(
        existed || !args.output.exists(),
        "a failed import wrote its output"
    );
    e.message().to_string()
}

/// The standard fixture set: persons, organisations from a header file and two data
/// files, KNOWS/LIKES with a :TYPE column, WORKS_AT from the prefix.
fn fixture_args(out: &Path, id_type: IdType) -> ImportArgs {
    let mut args = ImportArgs::new(
        [
            fixture("persons.csv"),
            format!(
                "Org:Company={},{},{}",
                fixture("orgs.header.csv"),
                fixture("orgs.part1.csv"),
                fixture("orgs.part2.csv")
            ),
        ],
        [
            fixture("knows.csv"),
            format!("WORKS_AT={}", fixture("works_at.csv")),
        ],
        out,
    );
    args.id_type = id_type;
    args
}

// ---- round trips ----

#[test]
fn fixtures_round_trip_with_string_ids() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let report = run(&fixture_args(&out, IdType::String)).unwrap();
    assert_eq!(
        (report.nodes, report.relationships, report.bad_rows),
        (7, 6, 0)
    );
    assert!(out.is_file());
    assert_eq!(
        q(
            &out,
            "MATCH (n) RETURN n.id, n.name, n.age, n.score, n.active, n.tags, \
             n.nums, labels(n) ORDER BY n.name"
        ),
        "null | 'Acme' | null | null | null | null | null | ['Org', 'Company']\n\
         '1' | 'Ann' | 34 | 1.5 | true | ['a', 'b'] | [1, 2, 3] | ['Person']\n\
         '2' | 'Bo, Jr.' | null | 2.0 | false | null | null | ['Person', 'Author']\n\
         '3' | 'Cy \"the guy\"\\nSmith' | 41 | -0.25 | null | ['x'] | [7] | []\n\
         '4' | 'Dee' | 7 | 1000.0 | true | ['semi', 'colon'] | null | ['Person']\n\
         null | 'Globex' | null | null | null | null | null | ['Org', 'Company']\n\
         null | 'Initech' | null | null | null | null | null | ['Org', 'Company']"
    );
    // The :IGNORE column is not stored; `long` is an integer; an empty field is no property.
    assert_eq!(
        q(
            &out,
            "MATCH (o:Org) RETURN o.name, o.founded, keys(o) ORDER BY o.name"
        ),
        "'Acme' | 1990 | ['name', 'founded']\n\
         'Globex' | null | ['name']\n\
         'Initech' | 2001 | ['name', 'founded']"
    );
    assert_eq!(
        q(
            &out,
            "MATCH (a)-[r]->(b) RETURN a.name, type(r), r.since, r.weight, r.role, b.name \
             ORDER BY a.name, b.name"
        ),
        "'Ann' | 'WORKS_AT' | null | null | 'engineer' | 'Acme'\n\
         'Ann' | 'KNOWS' | 2010 | 0.5 | null | 'Bo, Jr.'\n\
         'Bo, Jr.' | 'KNOWS' | null | 1.0 | null | 'Cy \"the guy\"\\nSmith'\n\
         'Bo, Jr.' | 'WORKS_AT' | null | null | 'CEO, founder' | 'Initech'\n\
         'Cy \"the guy\"\\nSmith' | 'LIKES' | 1999 | null | null | 'Ann'\n\
         'Dee' | 'WORKS_AT' | null | null | null | 'Globex'"
    );
    assert_eq!(
        q(&out, "MATCH (n:Person {id: '2'}) RETURN n.name"),
        "'Bo, Jr.'"
    );
    assert_eq!(q(&out, "MATCH (n:Person {id: 2}) RETURN n.name"), "");
}

#[test]
fn integer_ids_are_stored_as_integers_and_groups_are_separate() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    run(&fixture_args(&out, IdType::Integer)).unwrap();
    assert_eq!(
        q(&out, "MATCH (n:Person {id: 2}) RETURN n.name"),
        "'Bo, Jr.'"
    );
    assert_eq!(q(&out, "MATCH (n {id: '2'}) RETURN n.name"), "");
    // Person 1 and Org 1 are different nodes: WORKS_AT 1→1 goes from Ann to Acme.
    assert_eq!(
        q(
            &out,
            "MATCH (p:Person {id: 1})-[:WORKS_AT]->(o) RETURN o.name"
        ),
        "'Acme'"
    );
    assert_eq!(q(&out, "MATCH (n) RETURN count(n)"), "7");
    assert_eq!(q(&out, "MATCH ()-[r]->() RETURN count(r)"), "6");
}

#[test]
fn snapshot_loads_with_the_snapshot_module_too() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    run(&fixture_args(&out, IdType::Integer)).unwrap();
    let graph = kg::snapshot::load_graph(&out).unwrap();
    assert_eq!((graph.node_count(), graph.rel_count()), (7, 6));
    assert_eq!(graph.next_node_id(), 7);
    assert_eq!(graph.next_rel_id(), 6);
    // New nodes created after loading get fresh ids.
    let (mut db, _) = Database::open(&out, true).unwrap();
    db.execute("CREATE (:Person {name: 'New'})", &Params::new())
        .unwrap();
    let rows = db
        .execute(
            "MATCH (n) RETURN count(n), count(DISTINCT id(n))",
            &Params::new(),
        )
        .unwrap()
        .rows;
    assert_eq!(show(&rows), "8 | 8");
}

#[test]
fn tab_delimiter_and_other_array_delimiter() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let mut args = ImportArgs::new([fixture("tabbed.tsv")], Vec::<String>::new(), &out);
    args.delimiter = '\t';
    args.array_delimiter = '|';
    run(&args).unwrap();
    assert_eq!(
        q(
            &out,
            "MATCH (n) RETURN n.name, n.list, labels(n) ORDER BY n.name"
        ),
        "'hello, world' | ['a', 'b'] | ['Tab', 'Sep']\n'quoted\\ttab' | null | ['Tab']"
    );
}

#[test]
fn global_id_space_and_default_type_from_prefix() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let args = ImportArgs::new(
        [format!("Thing={}", fixture("things.csv"))],
        [format!("DEFAULT={}", fixture("links.csv"))],
        &out,
    );
    let report = run(&args).unwrap();
    assert_eq!((report.nodes, report.relationships), (2, 2));
    assert_eq!(
        q(
            &out,
            "MATCH (a:Thing)-[r]->(b) RETURN a.name, type(r), b.name, keys(a) ORDER BY a.name"
        ),
        "'Thing A' | 'LINKS' | 'Thing B' | ['name']\n'Thing B' | 'DEFAULT' | 'Thing A' | ['name']"
    );
}

#[test]
fn bom_crlf_and_blank_lines() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let mut args = ImportArgs::new([fixture("crlf.csv")], Vec::<String>::new(), &out);
    args.id_type = IdType::Integer;
    run(&args).unwrap();
    assert_eq!(
        q(&out, "MATCH (n) RETURN n.id, n.v, labels(n) ORDER BY n.id"),
        "1 | 10 | []\n2 | 20 | []"
    );
}

#[test]
fn every_value_type_and_array_type() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let nodes = write(
        &dir,
        "types.csv",
        "a:int,b:long,c:short,d:byte,e:float,f:double,g:boolean,h:string,i:char,j:date,\
         k:int[],l:float[],m:boolean[],n:string[],o:long[],p:point,:LABEL\n\
         -1, 9223372036854775807 ,3,4,0.5,-2e-3,True,text,c,2024-01-31,1; 2,1.5;2,true;false,;x,5,\
         \"{x:1, y:2}\",A;B;A\n",
    );
    run(&ImportArgs::new([nodes], Vec::<String>::new(), &out)).unwrap();
    assert_eq!(
        q(
            &out,
            "MATCH (n) RETURN n.a, n.b, n.c, n.d, n.e, n.f, n.g, n.h, n.i, n.j, n.k, n.l, n.m, \
             n.n, n.o, n.p, labels(n)"
        ),
        "-1 | 9223372036854775807 | 3 | 4 | 0.5 | -0.002 | true | 'text' | 'c' | 2024-01-31 \
         | [1, 2] | [1.5, 2.0] | [true, false] | ['', 'x'] | [5] | '{x:1, y:2}' | ['A', 'B']"
    );
}

#[test]
fn temporal_columns_hold_temporal_values() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let nodes = write(
        &dir,
        "t.csv",
        "d:date,lt:localtime,t:time,ldt:localdatetime,dt:datetime,du:duration,ds:date[]\n\
         2024-01-31,12:30:05,12:30+01:00,2024-01-31T12:30,2024-01-31T12:30:00Z,P1DT2H,\
         2024-01-01;2024-12-31\n",
    );
    run(&ImportArgs::new(
        [nodes.clone()],
        Vec::<String>::new(),
        &out,
    ))
    .unwrap();
    assert_eq!(
        q(
            &out,
            "MATCH (n) RETURN n.d = date('2024-01-31'), n.lt = localtime('12:30:05'), \
             n.t = time('12:30+01:00'), n.ldt = localdatetime('2024-01-31T12:30'), \
             n.dt = datetime('2024-01-31T12:30:00Z'), n.du = duration('P1DT2H'), \
             n.ds[1].year, n.d.month"
        ),
        "true | true | true | true | true | true | 2024 | 1"
    );
    let bad = write(&dir, "bad.csv", "d:date\n2024-02-30\n");
    let args = ImportArgs::new(
        [bad.clone()],
        Vec::<String>::new(),
        dir.path().join("bad.kg"),
    );
    assert_eq!(
        import_err(&args),
        format!("{bad}:2: column d: '2024-02-30' is not a date")
    );
}

#[test]
fn same_ids_in_separate_sources_of_one_group_are_duplicates() {
    let dir = TempDir::new().unwrap();
    let a = write(&dir, "a.csv", "id:ID(P)\n1\n2\n");
    let b = write(&dir, "b.csv", "id:ID(P)\n3\n1\n");
    let args = ImportArgs::new([a, b.clone()], Vec::<String>::new(), output(&dir));
    assert_eq!(
        import_err(&args),
        format!("{b}:3: column id:ID(P): duplicate id '1' in group P")
    );
}

#[test]
fn string_ids_that_look_like_numbers_keep_their_spelling() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let nodes = write(
        &dir,
        "n.csv",
        "id:ID,name\n7,seven\n007,bond\n+7,plus\n-0,minus zero\n0,zero\n",
    );
    let rels = write(
        &dir,
        "r.csv",
        ":START_ID,:END_ID,:TYPE\n007,7,R\n+7,-0,R\n0,007,R\n",
    );
    run(&ImportArgs::new([nodes], [rels.clone()], &out)).unwrap();
    assert_eq!(
        q(&out, "MATCH (a)-[:R]->(b) RETURN a.id, b.id ORDER BY a.id"),
        "'+7' | '-0'\n'0' | '007'\n'007' | '7'"
    );
    let bad = write(&dir, "bad.csv", ":START_ID,:END_ID,:TYPE\n07,7,R\n");
    let nodes = write(&dir, "n2.csv", "id:ID\n7\n");
    let args = ImportArgs::new([nodes], [bad.clone()], dir.path().join("bad.kg"));
    assert_eq!(
        import_err(&args),
        format!("{bad}:2: column :START_ID: no node has id '07' in the global id space")
    );
}

#[test]
fn several_label_columns_and_prefix_labels_merge() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let nodes = write(&dir, "n.csv", ":LABEL,name,:LABEL\nB;C,x,C;D\n,y,\n");
    run(&ImportArgs::new(
        [format!("A:B={nodes}")],
        Vec::<String>::new(),
        &out,
    ))
    .unwrap();
    assert_eq!(
        q(&out, "MATCH (n) RETURN n.name, labels(n) ORDER BY n.name"),
        "'x' | ['A', 'B', 'C', 'D']\n'y' | ['A', 'B']"
    );
}

#[test]
fn named_id_columns_are_indexed_per_label() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    run(&fixture_args(&out, IdType::Integer)).unwrap();
    // persons.csv has `id:ID(Person)` and nodes labelled Person and Author (and one with no
    // label); orgs have an anonymous :ID, so no index.
    assert_eq!(
        q(&out, "SHOW INDEXES"),
        "'Person_id' | 'Person' | 'id' | 3 | 3\n'Author_id' | 'Author' | 'id' | 1 | 1"
    );
}

// ---- the command line ----

#[derive(Parser, Debug)]
struct Cli {
    #[command(flatten)]
    import: ImportArgs,
}

#[test]
fn command_line_forms() {
    let cli = Cli::try_parse_from([
        "kg",
        "--nodes",
        "a.csv",
        "Person=b.csv",
        "--relationships=KNOWS=h.csv,r.csv",
        "--nodes",
        "c.csv",
        "--output",
        "out.kg",
        "--id-type",
        "INTEGER",
        "--delimiter",
        "TAB",
        "--array-delimiter",
        "|",
        "--skip-bad-rows",
        "--force",
    ])
    .unwrap();
    let args = cli.import;
    assert_eq!(args.nodes, ["a.csv", "Person=b.csv", "c.csv"]);
    assert_eq!(args.relationships, ["KNOWS=h.csv,r.csv"]);
    assert_eq!(args.output, PathBuf::from("out.kg"));
    assert_eq!(args.id_type, IdType::Integer);
    assert_eq!(
        (args.delimiter, args.array_delimiter, args.quote),
        ('\t', '|', '"')
    );
    assert!(args.skip_bad_rows && args.force);

    let defaults = Cli::try_parse_from(["kg", "--nodes", "a.csv", "-o", "x"]).unwrap();
    assert_eq!(defaults.import.id_type, IdType::String);
    assert_eq!(defaults.import.delimiter, ',');
    assert!(!defaults.import.skip_bad_rows && !defaults.import.force);

    assert!(Cli::try_parse_from(["kg", "--output", "x"]).is_err());
    assert!(Cli::try_parse_from(["kg", "--nodes", "a", "-o", "x", "--delimiter", ",,"]).is_err());
    assert!(Cli::try_parse_from(["kg", "--nodes", "a", "-o", "x", "--id-type", "actual"]).is_err());
}

/// Runs the kg binary; returns (exit code, stdout, stderr).
fn kg(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kg"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn kg_import_command() {
    let dir = TempDir::new().unwrap();
    write(
        &dir,
        "p.csv",
        "id:ID(P),age:int,:LABEL\n1,30,P\n2,x,P\n3,40,P\n",
    );
    write(&dir, "k.csv", ":START_ID(P),:END_ID(P)\n1,3\n");
    let (code, stdout, stderr) = kg(
        &[
            "import",
            "--id-type",
            "integer",
            "--nodes",
            "p.csv",
            "--relationships",
            "KNOWS=k.csv",
            "--output",
            "out.kg",
        ],
        dir.path(),
    );
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(stderr, "kg: p.csv:3: column age: 'x' is not an int\n");
    assert!(!dir.path().join("out.kg").exists());

    let (code, _, stderr) = kg(
        &[
            "import",
            "--id-type",
            "integer",
            "--nodes",
            "p.csv",
            "--relationships",
            "KNOWS=k.csv",
            "--output",
            "out.kg",
            "--skip-bad-rows",
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr
            .starts_with("imported 2 nodes and 1 relationship from 0.0 MiB of CSV into out.kg in "),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\nskipped 1 bad row:\n  p.csv:3: column age: 'x' is not an int\n"),
        "{stderr}"
    );

    let (code, stdout, stderr) = kg(
        &[
            "--db",
            "out.kg",
            "--read-only",
            "--format",
            "json",
            "-e",
            "MATCH (a:P {id: 1})-[k:KNOWS]->(b) RETURN a.age, b.id",
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("\"rows\": [[30, 3]]") || stdout.contains("\"rows\":[[30,3]]"),
        "{stdout}"
    );
}

#[test]
fn option_checks() {
    let dir = TempDir::new().unwrap();
    let nodes = write(&dir, "n.csv", ":ID\n1\n");
    let mut args = ImportArgs::new([nodes.clone()], Vec::<String>::new(), output(&dir));
    args.delimiter = '"';
    assert_eq!(import_err(&args), "--delimiter and --quote must differ");
    args.delimiter = ';';
    assert_eq!(
        import_err(&args),
        "--delimiter and --array-delimiter must differ"
    );
    args.delimiter = 'é';
    assert!(import_err(&args).starts_with("--delimiter must be one ASCII character"));
    let args = ImportArgs::new(Vec::<String>::new(), [nodes], output(&dir));
    assert_eq!(
        import_err(&args),
        "no node files: give at least one --nodes FILE"
    );
}

#[test]
fn report_display() {
    let report = ImportReport {
        output: PathBuf::from("out.kg"),
        nodes: 1,
        relationships: 2,
        bad_rows: 12,
        bad_row_samples: vec!["a.csv:2: x".to_string(), "a.csv:3: y".to_string()],
        bytes: 3 << 20,
        read_elapsed: std::time::Duration::from_millis(1500),
        save_elapsed: std::time::Duration::from_millis(250),
        elapsed: std::time::Duration::from_millis(1750),
    };
    assert_eq!(
        report.to_string(),
        "imported 1 node and 2 relationships from 3.0 MiB of CSV into out.kg in 1.75 s \
         (read 1.50 s, save 0.25 s)\n\
         skipped 12 bad rows (the first 2 below):\n  a.csv:2: x\n  a.csv:3: y"
    );
}

// ---- errors name file:line and column ----

const PEOPLE: &str = "id:ID(Person),name\n1,Ann\n2,Bo\n3,Cy\n";

#[test]
fn bad_value_names_file_line_and_column() {
    let dir = TempDir::new().unwrap();
    let people = write(&dir, "people.csv", PEOPLE);
    let knows = write(
        &dir,
        "KNOWS.csv",
        ":START_ID(Person),:END_ID(Person),since:int,:TYPE\n1,2,2001,KNOWS\n2,3,abc,KNOWS\n",
    );
    let args = ImportArgs::new([people], [knows.clone()], output(&dir));
    assert_eq!(
        import_err(&args),
        format!("{knows}:3: column since: 'abc' is not an int")
    );
}

#[test]
fn row_errors() {
    let dir = TempDir::new().unwrap();
    let people = write(&dir, "people.csv", PEOPLE);
    let header = ":START_ID(Person),:END_ID(Person),w:float,ok:boolean,tags:int[],:TYPE\n";
    let cases: &[(&[u8], &str)] = &[
        (
            b"1,2,1.5,true,1,T\n1,2\n",
            "3: expected 6 fields as in the header, found 2",
        ),
        (
            b"1,2,1.5,true,1,T,extra\n",
            "2: expected 6 fields as in the header, found 7",
        ),
        (
            b"1,99,,,,T\n",
            "2: column :END_ID(Person): no node has id '99' in group Person",
        ),
        (
            b"x1,2,,,,T\n",
            "2: column :START_ID(Person): no node has id 'x1' in group Person",
        ),
        (b",2,,,,T\n", "2: column :START_ID(Person): the id is empty"),
        (b"1,2,fast,,,T\n", "2: column w: 'fast' is not a float"),
        (
            b"1,2,,yes,,T\n",
            "2: column ok: 'yes' is not a boolean (true or false)",
        ),
        (
            b"1,2,,,1;;3,T\n",
            "2: column tags: item 2: '' is not an int",
        ),
        (
            b"1,2,,,,\n",
            "2: column :TYPE: the type is empty and the argument gives no TYPE= prefix",
        ),
        (
            b"1,2,,,,T\xff\n",
            "2: column :TYPE: invalid UTF-8 (byte 0xff at offset 1)",
        ),
        (
            b"1,2,,,,T\n\n\n1,2,,,,\"T\nU\"\n1,3,x,,,T\n",
            "7: column w: 'x' is not a float",
        ),
        (
            b"1,2,,,,T\n1,2,\"1.5,true,1,T\n2,3,,,,T\n",
            "3: expected 6 fields as in the header, found 3 (a quoted field holds 2 line breaks: \
             an unbalanced quote?)",
        ),
    ];
    for (i, (rows, expected)) in cases.iter().enumerate() {
        let mut content = header.as_bytes().to_vec();
        content.extend_from_slice(rows);
        let rels = write(&dir, &format!("r{i}.csv"), content);
        let args = ImportArgs::new([people.clone()], [rels.clone()], output(&dir));
        assert_eq!(import_err(&args), format!("{rels}:{expected}"), "case {i}");
    }
}

#[test]
fn node_row_errors() {
    let dir = TempDir::new().unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "string",
            b"id:ID(P),n\na,1\na,2\n",
            "3: column id:ID(P): duplicate id 'a' in group P",
        ),
        ("string", b":ID,n\n,1\n", "2: column :ID: the id is empty"),
        (
            "integer",
            b"id:ID(P),n\n1,1\nx,2\n",
            "3: column id:ID(P): 'x' is not an integer id",
        ),
        (
            "integer",
            b"id:ID(P),n\n7,1\n 7 ,2\n",
            "3: column id:ID(P): duplicate id '7' in group P",
        ),
        (
            "string",
            b"id:ID,n\n1,\xc3\x28\n",
            "2: column n: invalid UTF-8 (byte 0xc3 at offset 0)",
        ),
        (
            "string",
            b"id:ID,:LABEL\n1,A\xff\n",
            "2: column :LABEL: invalid UTF-8 (byte 0xff at offset 1)",
        ),
        (
            "string",
            b"id:ID,n:int\n1,99999999999999999999\n",
            "2: column n: '99999999999999999999' is not an int",
        ),
    ];
    for (i, (id_type, content, expected)) in cases.iter().enumerate() {
        let nodes = write(&dir, &format!("n{i}.csv"), content);
        let mut args = ImportArgs::new([nodes.clone()], Vec::<String>::new(), output(&dir));
        args.id_type = if *id_type == "integer" {
            IdType::Integer
        } else {
            IdType::String
        };
        assert_eq!(import_err(&args), format!("{nodes}:{expected}"), "case {i}");
    }
}

#[test]
fn header_errors() {
    let dir = TempDir::new().unwrap();
    let people = write(&dir, "people.csv", PEOPLE);
    let node_cases: &[(&str, &str)] = &[
        (
            "id:ID,age:integer\n",
            "1: header column 2 ('age:integer'): unknown column type 'integer'",
        ),
        (
            "id:ID,:START_ID\n",
            "1: header column 2 (':START_ID'): START_ID is not allowed in a node file",
        ),
        (
            ":ID(A),:ID(B)\n",
            "1: header column 2 (':ID(B)'): a second ID column",
        ),
        (
            "a,b,a:int\n",
            "1: header column 3 ('a:int'): property 'a' is already column 1",
        ),
        (
            "x:ID(P,y\n",
            "1: header column 1 ('x:ID(P'): 'ID(P' has an unclosed or misplaced '('",
        ),
        ("", "the file is empty; its first line must be the header"),
        (
            "\n\nid:ID,:int\n",
            "3: header column 2 (':int'): a property column needs a name before ':'",
        ),
    ];
    for (i, (content, expected)) in node_cases.iter().enumerate() {
        let nodes = write(&dir, &format!("h{i}.csv"), content);
        let args = ImportArgs::new([nodes.clone()], Vec::<String>::new(), output(&dir));
        let message = import_err(&args);
        let expected = if expected.starts_with("the file") {
            format!("{nodes}: {expected}")
        } else {
            format!("{nodes}:{expected}")
        };
        assert!(message.starts_with(&expected), "case {i}: {message}");
    }
    let rel_cases: &[(&str, &str)] = &[
        (":START_ID(Person),:END_ID(Org),:TYPE\n", ":1: header column 2 (':END_ID(Org)'): no node file defines group Org (node files define: group Person)"),
        (":START_ID(Person),x\n", ":1: a relationship file needs an :END_ID column"),
        (":START_ID(Person),:END_ID(Person)\n1,2\n", ": the header has no :TYPE column and the argument gives no TYPE= prefix"),
        (":START_ID(Person),:END_ID(Person),:LABEL\n", ":1: header column 3 (':LABEL'): LABEL is not allowed in a relationship file"),
    ];
    for (i, (content, expected)) in rel_cases.iter().enumerate() {
        let rels = write(&dir, &format!("rh{i}.csv"), content);
        let args = ImportArgs::new([people.clone()], [rels.clone()], output(&dir));
        assert_eq!(import_err(&args), format!("{rels}{expected}"), "case {i}");
    }
    let rels = write(
        &dir,
        "two-types.csv",
        ":START_ID(Person),:END_ID(Person)\n1,2\n",
    );
    let args = ImportArgs::new([people], [format!("A:B={rels}")], output(&dir));
    assert_eq!(
        import_err(&args),
        "'A:B=': a relationship file takes one type before '=', not 2"
    );
}

#[test]
fn lines_count_per_file_with_a_separate_header() {
    let dir = TempDir::new().unwrap();
    let header = write(&dir, "h.csv", "id:ID,v:int\n");
    let part1 = write(&dir, "p1.csv", "1,1\n2,2\n");
    let part2 = write(&dir, "p2.csv", "3,3\n4,four\n");
    let args = ImportArgs::new(
        [format!("{header},{part1},{part2}")],
        Vec::<String>::new(),
        output(&dir),
    );
    assert_eq!(
        import_err(&args),
        format!("{part2}:2: column v: 'four' is not an int")
    );
    // A header file may hold data rows after the header too.
    let header = write(&dir, "h2.csv", "id:ID,v:int\n0,0\n");
    let out = output(&dir);
    let report = run(&ImportArgs::new(
        [format!("{header},{part1}")],
        Vec::<String>::new(),
        &out,
    ))
    .unwrap();
    assert_eq!(report.nodes, 3);
}

#[test]
fn missing_files_are_refused_before_any_work() {
    let dir = TempDir::new().unwrap();
    let people = write(&dir, "people.csv", PEOPLE);
    let missing = dir.path().join("nope.csv").display().to_string();
    let args = ImportArgs::new([people], [missing.clone()], output(&dir));
    let message = import_err(&args);
    assert!(
        message.starts_with(&format!("cannot open {missing}: ")),
        "{message}"
    );
    let args = ImportArgs::new(
        [dir.path().display().to_string()],
        Vec::<String>::new(),
        output(&dir),
    );
    assert!(import_err(&args).ends_with("not a regular file"));
}

// ---- --skip-bad-rows ----

#[test]
fn skip_bad_rows_counts_and_quotes_the_first() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let people = write(
        &dir,
        "people.csv",
        "id:ID(Person),name,age:int,:LABEL\n1,Ann,30,Person\n1,Dup,31,Ghost\n2,Bo,x,Person\n3,Cy,,Person\n",
    );
    let knows = write(
        &dir,
        "knows.csv",
        ":START_ID(Person),:END_ID(Person),:TYPE\n1,2,KNOWS\n1,9,KNOWS\n2,3\n3,1,KNOWS\n",
    );
    let mut args = ImportArgs::new([people.clone()], [knows.clone()], &out);
    args.skip_bad_rows = true;
    let report = run(&args).unwrap();
    assert_eq!(
        (report.nodes, report.relationships, report.bad_rows),
        (2, 1, 5)
    );
    assert_eq!(
        report.bad_row_samples,
        [
            format!("{people}:3: column id:ID(Person): duplicate id '1' in group Person"),
            format!("{people}:4: column age: 'x' is not an int"),
            format!("{knows}:2: column :END_ID(Person): no node has id '2' in group Person"),
            format!("{knows}:3: column :END_ID(Person): no node has id '9' in group Person"),
            format!("{knows}:4: expected 3 fields as in the header, found 2"),
        ]
    );
    // Skipped rows leave no trace: no node, no id, no label of theirs.
    assert_eq!(
        q(&out, "MATCH (n) RETURN n.id, n.name ORDER BY n.id"),
        "'1' | 'Ann'\n'3' | 'Cy'"
    );
    assert_eq!(
        q(&out, "MATCH (a)-[r]->(b) RETURN a.name, b.name"),
        "'Cy' | 'Ann'"
    );
    assert_eq!(q(&out, "MATCH (n:Ghost) RETURN count(n)"), "0");
    assert!(report.to_string().contains("skipped 5 bad rows:"));
}

#[test]
fn skip_bad_rows_keeps_counting_after_the_samples() {
    let dir = TempDir::new().unwrap();
    let mut content = String::from(":ID,v:int\n");
    for i in 0..100 {
        content.push_str(&format!("{i},{}\n", if i % 4 == 0 { "bad" } else { "1" }));
    }
    let nodes = write(&dir, "n.csv", content);
    let mut args = ImportArgs::new([nodes.clone()], Vec::<String>::new(), output(&dir));
    args.skip_bad_rows = true;
    let report = run(&args).unwrap();
    assert_eq!((report.nodes, report.bad_rows), (75, 25));
    assert_eq!(report.bad_row_samples.len(), 10);
    assert_eq!(
        report.bad_row_samples[9],
        format!("{nodes}:38: column v: 'bad' is not an int")
    );
}

#[test]
fn header_errors_are_not_skipped() {
    let dir = TempDir::new().unwrap();
    let nodes = write(&dir, "n.csv", "id:ID,v:nope\n1,1\n");
    let mut args = ImportArgs::new([nodes], Vec::<String>::new(), output(&dir));
    args.skip_bad_rows = true;
    assert!(import_err(&args).contains("unknown column type 'nope'"));
}

// ---- nothing written on failure; --force ----

#[test]
fn failed_import_writes_nothing_and_existing_output_needs_force() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let good = write(&dir, "good.csv", "id:ID,v:int\n1,1\n");
    let bad = write(&dir, "bad.csv", "id:ID,v:int\n1,1\n2,x\n");

    assert!(
        import_err(&ImportArgs::new([bad.clone()], Vec::<String>::new(), &out)).contains("'x'")
    );
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("out"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    run(&ImportArgs::new([good.clone()], Vec::<String>::new(), &out)).unwrap();
    let before = std::fs::read(&out).unwrap();
    let message = import_err(&ImportArgs::new([good.clone()], Vec::<String>::new(), &out));
    assert_eq!(
        message,
        format!(
            "{}: the output file exists; use --force to overwrite it",
            out.display()
        )
    );
    // A failed forced import keeps the old snapshot.
    let mut forced = ImportArgs::new([bad], Vec::<String>::new(), &out);
    forced.force = true;
    import_err(&forced);
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A good forced import replaces it.
    let two = write(&dir, "two.csv", "id:ID,v:int\n1,1\n2,2\n");
    let mut forced = ImportArgs::new([two], Vec::<String>::new(), &out);
    forced.force = true;
    assert_eq!(run(&forced).unwrap().nodes, 2);
    assert_eq!(q(&out, "MATCH (n) RETURN count(n)"), "2");

    let mut args = ImportArgs::new(
        [good],
        Vec::<String>::new(),
        dir.path().join("no/such/dir.kg"),
    );
    args.force = true;
    assert!(import_err(&args).ends_with("does not exist"));
}

#[test]
fn an_output_open_for_writing_is_not_replaced() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let one = write(&dir, "one.csv", "id:ID,v:int\n1,1\n");
    run(&ImportArgs::new([one.clone()], Vec::<String>::new(), &out)).unwrap();
    let before = std::fs::read(&out).unwrap();
    let (writer, _) = Database::open(&out, false).unwrap();
    let mut forced = ImportArgs::new([one.clone()], Vec::<String>::new(), &out);
    forced.force = true;
    let e = run(&forced).unwrap_err();
    assert_eq!(e.code(), Some("Locked"), "{e}");
    assert!(e.message().contains("has it open for writing"), "{e}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    drop(writer);
    assert_eq!(run(&forced).unwrap().nodes, 1);
    // The import does not keep the lock: the snapshot opens for writing right away.
    let (_writer, created) = Database::open(&out, false).unwrap();
    assert!(!created);
}

// ---- no panics on any input ----

/// Runs an import of `nodes` and `rels` contents; it may fail but must not panic, and a
/// success must load back with the reported counts.
fn import_anything(nodes: &[u8], rels: &[u8], skip: bool) {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let n = write(&dir, "n.csv", nodes);
    let r = write(&dir, "r.csv", rels);
    let mut args = ImportArgs::new([n], [r], &out);
    args.skip_bad_rows = skip;
    match run(&args) {
        Ok(report) => {
            let graph = kg::snapshot::load_graph(&out).unwrap();
            assert_eq!(graph.node_count() as u64, report.nodes);
            assert_eq!(graph.rel_count() as u64, report.relationships);
        }
        Err(e) => {
            assert_eq!(e.kind().name(), "ImportError");
            assert!(!out.exists());
        }
    }
}

#[test]
fn truncated_files_never_panic() {
    let nodes = std::fs::read(fixture("persons.csv")).unwrap();
    let rels = std::fs::read(fixture("knows.csv")).unwrap();
    for cut in 0..=nodes.len() {
        import_anything(&nodes[..cut], &rels, true);
    }
    for cut in (0..=rels.len()).step_by(3) {
        import_anything(&nodes, &rels[..cut], false);
    }
}

#[test]
fn a_very_long_line() {
    let dir = TempDir::new().unwrap();
    let out = output(&dir);
    let long = "x".repeat(4 << 20);
    let nodes = write(
        &dir,
        "n.csv",
        format!("id:ID,text\n1,{long}\n2,\"{long}\"\n"),
    );
    run(&ImportArgs::new([nodes], Vec::<String>::new(), &out)).unwrap();
    assert_eq!(
        q(&out, "MATCH (n) RETURN n.id, size(n.text) ORDER BY n.id"),
        "'1' | 4194304\n'2' | 4194304"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(
        nodes in proptest::collection::vec(
            prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b';'), Just(b'1'), Just(b'2'),
                        Just(b':'), Just(b'\r'), any::<u8>()], 0..120),
        rels in proptest::collection::vec(
            prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b'1'), Just(b'2'), any::<u8>()],
            0..80),
        skip in any::<bool>(),
    ) {
        let mut n = b"id:ID,name,v:int[],:LABEL\n".to_vec();
        n.extend_from_slice(&nodes);
        let mut r = b":START_ID,:END_ID,:TYPE,w:float\n".to_vec();
        r.extend_from_slice(&rels);
        import_anything(&n, &r, skip);
        // The bytes as headers, too.
        import_anything(&nodes, &rels, skip);
    }
}

/// Imports the benchmark's CSV files from `KG_IMPORT_BENCH` (a `neo4j/` folder written by
/// `../shared/bench/gen.py`) and prints the report; run with
/// `KG_IMPORT_BENCH=DIR cargo test --release --test import -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_import() {
    let Some(dir) = std::env::var_os("KG_IMPORT_BENCH") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let file = |name: &str| dir.join(format!("{name}.csv")).display().to_string();
    let nodes: Vec<String> = ["Person", "Org", "Issue", "Claim"].map(file).to_vec();
    let rels: Vec<String> = ["KNOWS", "MEMBER_OF", "SAID", "ABOUT"].map(file).to_vec();
    let out = std::env::var_os("KG_IMPORT_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("kg-import-bench.kg"));
    let mut args = ImportArgs::new(nodes, rels, &out);
    args.id_type = IdType::Integer;
    args.force = true;
    let report = run(&args).unwrap();
    eprintln!("{report}");
}
