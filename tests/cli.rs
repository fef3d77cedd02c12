//! Tests of the `kg` command-line contract (issue 2, item 7) through the real binary:
//! `-e`, `-f FILE`, `-f -`, piped stdin, `--param`, `--empty`, the exact JSON Lines
//! encoding of results and errors, CSV and table output, exit statuses, script splitting,
//! and a script that ends inside an open transaction.

use serde_json::Value as Json;
use std::io::Write;
use std::process::{Command, Stdio};

/// What one run of `kg` printed and how it exited.
struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

impl Run {
    /// The stdout JSON Lines, each parsed.
    fn json_lines(&self) -> Vec<Json> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| {
                    panic!("not a JSON line ({e}): {l}\nstdout:\n{}", self.stdout)
                })
            })
            .collect()
    }
    fn raw_lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// Runs `kg` with `args`, feeding `stdin` (or nothing, with stdin closed).
fn kg(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kg"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("kg starts");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    let out = child.wait_with_output().expect("kg finishes");
    Run {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code(),
    }
}

/// Runs a one-statement query on the empty graph in JSON mode and returns its one line.
fn json_query(query: &str) -> Json {
    let run = kg(&["--empty", "--format", "json", "-e", query], None);
    assert_eq!(
        run.code,
        Some(0),
        "stderr: {}\nstdout: {}",
        run.stderr,
        run.stdout
    );
    let mut lines = run.json_lines();
    assert_eq!(lines.len(), 1, "stdout: {}", run.stdout);
    lines.remove(0)
}

/// The raw JSON text of the rows array of a one-statement query.
fn raw_rows(query: &str) -> String {
    let run = kg(&["--empty", "--format", "json", "-e", query], None);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let line = run.raw_lines()[0].to_string();
    let start = line.find("\"rows\":").expect("a rows key") + "\"rows\":".len();
    let end = line.find(",\"stats\":").expect("a stats key after rows");
    line[start..end].to_string()
}

fn keys(v: &Json) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

const STAT_KEYS: [&str; 7] = [
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
];

fn temp_script(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(".cypher")
        .tempfile()
        .expect("temp file");
    f.write_all(text.as_bytes()).expect("write script");
    f
}

// ---------------------------------------------------------------- the issue's example

#[test]
fn issue_example_end_to_end() {
    let script = temp_script(
        "CREATE (a:Person {name: 'Liu He'})-[:MET {day: 'Wednesday'}]->(b:Person {name: 'Robert Lighthizer'});\n\
         MATCH (a)-[m:MET]->(b) RETURN a.name, m.day, b.name;\n",
    );
    let path = script.path().to_str().unwrap();
    let run = kg(&["--empty", "--format", "json", "-f", path], None);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2, "two JSON lines:\n{}", run.stdout);
    assert_eq!(lines[0]["columns"], serde_json::json!([]));
    assert_eq!(lines[0]["rows"], serde_json::json!([]));
    assert_eq!(
        lines[0]["stats"],
        serde_json::json!({"nodes_created": 2, "nodes_deleted": 0, "relationships_created": 1,
            "relationships_deleted": 0, "properties_set": 3, "labels_added": 2, "labels_removed": 0})
    );
    assert_eq!(
        lines[1]["columns"],
        serde_json::json!(["a.name", "m.day", "b.name"])
    );
    assert_eq!(
        lines[1]["rows"],
        serde_json::json!([["Liu He", "Wednesday", "Robert Lighthizer"]])
    );
    // The same with the long option names.
    let long = kg(&["--empty", "--format", "json", "--file", path], None);
    assert_eq!(long.stdout.lines().count(), 2);
    assert_eq!(long.json_lines()[1]["rows"], lines[1]["rows"]);
}

// ---------------------------------------------------------------- the JSON contract

#[test]
fn json_result_has_exactly_the_contract_keys_in_order() {
    let run = kg(
        &[
            "--empty",
            "--format",
            "json",
            "-e",
            "UNWIND [1, 2] AS x RETURN x, x * 2 AS y",
        ],
        None,
    );
    assert_eq!(run.code, Some(0));
    let line = run.raw_lines()[0];
    assert!(
        line.starts_with(
            r#"{"columns":["x","y"],"rows":[[1,2],[2,4]],"stats":{"nodes_created":0,"#
        ),
        "{line}"
    );
    let v = &run.json_lines()[0];
    assert_eq!(keys(v), ["columns", "rows", "stats", "elapsed_us"]);
    assert_eq!(keys(&v["stats"]), STAT_KEYS);
    assert!(
        v["elapsed_us"].is_u64(),
        "elapsed_us is a non-negative integer: {v}"
    );
}

#[test]
fn json_stats_count_writes() {
    let v = json_query("CREATE (a:A:B {x: 1, y: null})-[:R {w: 2}]->(b) SET b.z = 3, b:C");
    let stats = &v["stats"];
    assert_eq!(stats["nodes_created"], 2);
    assert_eq!(stats["relationships_created"], 1);
    assert_eq!(stats["properties_set"], 3);
    assert_eq!(stats["labels_added"], 3);
    assert_eq!(stats["nodes_deleted"], 0);
    let run = kg(
        &[
            "--empty",
            "--format",
            "json",
            "-e",
            "CREATE (a:A)-[:R]->(b:B) WITH a, b DETACH DELETE a REMOVE b:B",
        ],
        None,
    );
    let v = &run.json_lines()[0];
    assert_eq!(v["stats"]["nodes_deleted"], 1);
    assert_eq!(v["stats"]["relationships_deleted"], 1);
    assert_eq!(v["stats"]["labels_removed"], 1);
}

#[test]
fn json_error_object_for_compile_errors() {
    let run = kg(
        &["--empty", "--format", "json", "-e", "MATCH (n) RETURN m"],
        None,
    );
    assert_eq!(run.code, Some(1));
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1);
    let e = &lines[0];
    assert_eq!(keys(e), ["error"]);
    assert_eq!(
        keys(&e["error"]),
        ["kind", "code", "message", "phase", "line", "column"]
    );
    assert_eq!(e["error"]["kind"], "SyntaxError");
    assert_eq!(e["error"]["code"], "UndefinedVariable");
    assert_eq!(e["error"]["phase"], "compile");
    assert_eq!(e["error"]["line"], 1);
    assert_eq!(e["error"]["column"], 18);
    assert!(
        e["error"]["message"].as_str().unwrap().contains('m'),
        "the message names the variable: {e}"
    );
}

#[test]
fn json_error_line_and_column_are_within_the_whole_script() {
    let run = kg(
        &["--empty", "--format", "json", "-f", "-"],
        Some("RETURN 1 AS one;\n\n  MATCH (n)\n  RETURN nope;\n"),
    );
    assert_eq!(run.code, Some(1));
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["rows"], serde_json::json!([[1]]));
    let e = &lines[1]["error"];
    assert_eq!(e["code"], "UndefinedVariable");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(4), Some(10))
    );
}

#[test]
fn json_runtime_error_prints_no_partial_rows() {
    let run = kg(
        &[
            "--empty",
            "--format",
            "json",
            "-e",
            "UNWIND [1, 2, 0, 4] AS x RETURN 10 / x AS y",
        ],
        None,
    );
    assert_eq!(run.code, Some(1));
    let lines = run.raw_lines();
    assert_eq!(lines.len(), 1, "only the error object: {}", run.stdout);
    let v = &run.json_lines()[0];
    assert_eq!(keys(v), ["error"]);
    assert_eq!(v["error"]["kind"], "ArithmeticError");
    assert_eq!(v["error"]["code"], "DivisionByZero");
    assert_eq!(v["error"]["phase"], "runtime");
    assert!(!run.stdout.contains("\"rows\""));
}

#[test]
fn json_integers_and_floats() {
    assert_eq!(
        raw_rows("RETURN 1, -3, 9223372036854775807, 1.0, 0.5, -2.5, 1e300, 0.1 + 0.2, 2.0 ^ 70"),
        "[[1,-3,9223372036854775807,1.0,0.5,-2.5,1e+300,0.30000000000000004,1.1805916207174113e+21]]"
    );
    assert_eq!(
        raw_rows("RETURN 0.0 / 0.0, 1.0 / 0, -1.0 / 0, toFloat(3)"),
        r#"[[{"$float":"NaN"},{"$float":"Infinity"},{"$float":"-Infinity"},3.0]]"#
    );
    // Every float is the shortest text that reads back to the same value (parsed here
    // with Rust's exact `f64::from_str`; serde_json's fast parser is not exact).
    let rows = raw_rows("RETURN 1.0 / 3 AS a, 2.0 / 3 AS b, 1e-305 AS c, 123456789.125 AS d");
    assert_eq!(
        rows,
        "[[0.3333333333333333,0.6666666666666666,1e-305,123456789.125]]"
    );
    let texts: Vec<&str> = rows
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .collect();
    let values: Vec<f64> = texts.iter().map(|t| t.parse().unwrap()).collect();
    assert_eq!(values, [1.0 / 3.0, 2.0 / 3.0, 1e-305, 123456789.125]);
}

#[test]
fn json_plain_values() {
    assert_eq!(
        raw_rows("RETURN null, true, false, 'it\\'s \"q\" \\n é', [1, 'a', [null]], {b: 1, a: {c: []}}, []"),
        r#"[[null,true,false,"it's \"q\" \n é",[1,"a",[null]],{"a":{"c":[]},"b":1},[]]]"#
    );
}

#[test]
fn json_node_relationship_and_path() {
    let rows = raw_rows(
        "CREATE p = (a:Person:Official {name: 'Liu He', n: 1.5})-[r:MET {day: 'Wednesday'}]->(b) RETURN a, r, b, p",
    );
    let a = r#"{"$node":{"id":0,"labels":["Person","Official"],"properties":{"n":1.5,"name":"Liu He"}}}"#;
    let r = r#"{"$relationship":{"id":0,"type":"MET","start":0,"end":1,"properties":{"day":"Wednesday"}}}"#;
    let b = r#"{"$node":{"id":1,"labels":[],"properties":{}}}"#;
    assert_eq!(
        rows,
        format!(r#"[[{a},{r},{b},{{"$path":[{a},{r},{b}]}}]]"#)
    );
    // A path walked against the direction of its relationship keeps start and end.
    let rows = raw_rows("CREATE (a:A)-[:R]->(b:B) WITH a, b MATCH p = (b)<-[:R]-(a) RETURN p");
    assert_eq!(
        rows,
        r#"[[{"$path":[{"$node":{"id":1,"labels":["B"],"properties":{}}},{"$relationship":{"id":0,"type":"R","start":0,"end":1,"properties":{}}},{"$node":{"id":0,"labels":["A"],"properties":{}}}]}]]"#
    );
}

// ---------------------------------------------------------------- inputs

#[test]
fn execute_short_and_long_forms() {
    for flag in ["-e", "--execute"] {
        let run = kg(
            &["--empty", "--format", "json", flag, "RETURN 40 + 2 AS x"],
            None,
        );
        assert_eq!(run.code, Some(0));
        assert_eq!(run.json_lines()[0]["rows"], serde_json::json!([[42]]));
    }
}

#[test]
fn script_from_stdin_with_dash_and_piped_without_file() {
    let script = "CREATE (:N {v: 1});\nCREATE (:N {v: 2});\nMATCH (n:N) RETURN sum(n.v) AS s;\n";
    for args in [
        &["--empty", "--format", "json", "-f", "-"][..],
        &["--empty", "--format", "json"][..],
    ] {
        let run = kg(args, Some(script));
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        let lines = run.json_lines();
        assert_eq!(lines.len(), 3, "{args:?}: {}", run.stdout);
        assert_eq!(lines[2]["rows"], serde_json::json!([[3]]));
    }
}

#[test]
fn semicolons_inside_strings_and_comments_do_not_split() {
    let script = "RETURN 'a;b' AS s; // a comment; with a semicolon\n\
                  RETURN /* x; y */ \"c;d\" AS t\n;\n\
                  RETURN 3 AS n;;  \n";
    let run = kg(&["--empty", "--format", "json", "-f", "-"], Some(script));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<Json> = run.json_lines().iter().map(|l| l["rows"].clone()).collect();
    assert_eq!(
        rows,
        [
            serde_json::json!([["a;b"]]),
            serde_json::json!([["c;d"]]),
            serde_json::json!([[3]])
        ]
    );
    // Without a trailing `;` the last statement still runs.
    let run = kg(
        &["--empty", "--format", "json", "-f", "-"],
        Some("RETURN 1;\nRETURN 2"),
    );
    assert_eq!(run.json_lines().len(), 2);
}

#[test]
fn first_failing_statement_stops_the_script() {
    let script = "RETURN 1 AS a;\nRETURN 1 / 0;\nRETURN 3 AS c;\n";
    let run = kg(&["--empty", "--format", "json", "-f", "-"], Some(script));
    assert_eq!(run.code, Some(1));
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_eq!(lines[0]["rows"], serde_json::json!([[1]]));
    assert_eq!(lines[1]["error"]["code"], "DivisionByZero");
    // The failed statement's writes and everything after it never happen.
    let script = "CREATE (:N);\nUNWIND [1, 0] AS x CREATE (:N {v: 1 / x});\nCREATE (:M);\n";
    let run = kg(&["--empty", "--format", "json", "-f", "-"], Some(script));
    assert_eq!(run.code, Some(1));
    assert_eq!(run.json_lines().len(), 2);
}

#[test]
fn params_of_every_kind_reach_every_statement() {
    let run = kg(
        &[
            "--empty",
            "--format",
            "json",
            "--param",
            "n=-3",
            "--param",
            "f=-2.5e-3",
            "--param",
            "name=\"it's Liu\"",
            "--param",
            "l=[1, -2, 'x']",
            "--param",
            "m={a: [1, {b: null}], `c d`: true}",
            "--param",
            "s='single'",
            "-f",
            "-",
        ],
        Some("RETURN $n AS n, $f AS f, $name AS name;\nRETURN $l AS l, $m AS m, $s AS s;\n"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines = run.raw_lines();
    assert!(
        lines[0].contains(r#""rows":[[-3,-0.0025,"it's Liu"]]"#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(r#""rows":[[[1,-2,"x"],{"a":[1,{"b":null}],"c d":true},"single"]]"#),
        "{}",
        lines[1]
    );
    // A parameter used in a pattern and in LIMIT.
    let run = kg(
        &[
            "--empty",
            "--format",
            "json",
            "--param",
            "k=2",
            "-e",
            "UNWIND range(1, 5) AS x RETURN x LIMIT $k",
        ],
        None,
    );
    assert_eq!(run.json_lines()[0]["rows"], serde_json::json!([[1], [2]]));
}

#[test]
fn missing_parameter_is_a_parameter_missing_error() {
    let run = kg(
        &["--empty", "--format", "json", "-e", "RETURN $who AS who"],
        None,
    );
    assert_eq!(run.code, Some(1));
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["error"]["kind"], "ParameterMissing");
    assert_eq!(lines[0]["error"]["phase"], "compile");
    assert!(lines[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("who"));
}

#[test]
fn bad_param_syntax_fails_before_running_anything() {
    let run = kg(
        &[
            "--empty",
            "--format",
            "json",
            "--param",
            "x=[1,",
            "-e",
            "CREATE (:N)",
        ],
        None,
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("--param"), "{}", run.stderr);
    let run = kg(&["--empty", "--param", "novalue", "-e", "RETURN 1"], None);
    assert_eq!(run.code, Some(1));
}

#[test]
fn empty_starts_from_nothing_and_the_default_is_the_seed_graph() {
    let q = "MATCH (n) RETURN count(n) AS n";
    let empty = kg(&["--empty", "--format", "json", "-e", q], None);
    assert_eq!(empty.json_lines()[0]["rows"], serde_json::json!([[0]]));
    let seed = kg(&["--format", "json", "-e", q], None);
    assert_eq!(seed.code, Some(0), "{}", seed.stderr);
    let n = seed.json_lines()[0]["rows"][0][0].as_u64().unwrap();
    assert!(n > 0, "the default graph is the seed graph");
    let expected = kg::Database::seed().unwrap().node_count() as u64;
    assert_eq!(n, expected);
}

#[test]
fn unreadable_script_file_is_an_error() {
    let run = kg(&["--empty", "-f", "/nonexistent/dir/script.cypher"], None);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("script.cypher"), "{}", run.stderr);
}

// ---------------------------------------------------------------- exit status

#[test]
fn exit_status_is_zero_or_one() {
    assert_eq!(kg(&["--empty", "-e", "RETURN 1"], None).code, Some(0));
    assert_eq!(kg(&["--empty", "-e", "RETURN 1 +"], None).code, Some(1));
    assert_eq!(kg(&["--empty", "-e", "RETURN 1 / 0"], None).code, Some(1));
    assert_eq!(
        kg(
            &["--empty", "--format", "csv", "-e", "MATCH (n) DELETE m"],
            None
        )
        .code,
        Some(1)
    );
    assert_eq!(kg(&["--empty", "-f", "-"], Some("")).code, Some(0));
}

// ---------------------------------------------------------------- table and CSV

#[test]
fn table_output_prints_cypher_literals() {
    let run = kg(
        &[
            "--empty",
            "-e",
            "CREATE p = (a:Person {name: 'Liu He'})-[m:MET {day: 'Wednesday'}]->(b:Person {name: 'Robert Lighthizer'}) \
             RETURN a, m, p, 1.0 AS f, null AS z, ['x'] AS l",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for needle in [
        "(:Person {name: 'Liu He'})",
        "[:MET {day: 'Wednesday'}]",
        "<(:Person {name: 'Liu He'})-[:MET {day: 'Wednesday'}]->(:Person {name: 'Robert Lighthizer'})>",
        "1.0",
        "null",
        "['x']",
        "1 row",
    ] {
        assert!(run.stdout.contains(needle), "missing {needle:?} in:\n{}", run.stdout);
    }
    let header = run.stdout.lines().nth(1).unwrap_or_default();
    for column in ["a", "m", "p", "f", "z", "l"] {
        assert!(header.contains(column), "header {header:?}");
    }
}

#[test]
fn table_errors_show_a_caret_on_stderr() {
    let run = kg(&["--empty", "-e", "MATCH (n:Person RETURN n"], None);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("error[SyntaxError.UnexpectedSyntax]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("MATCH (n:Person RETURN n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains('^'), "{}", run.stderr);
}

#[test]
fn csv_is_rfc_4180() {
    let run = kg(
        &[
            "--empty",
            "--format",
            "csv",
            "-e",
            "RETURN 'a,b' AS x, 'say \"hi\"' AS y, null AS z, 1.5 AS w, [1, 'a'] AS l, 'two\nlines' AS m, 'plain' AS p",
        ],
        None,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "x,y,z,w,l,m,p\r\n\"a,b\",\"say \"\"hi\"\"\",,1.5,\"[1, 'a']\",\"two\nlines\",plain\r\n"
    );
    // The csv crate reads it back to the same fields.
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[0], "a,b");
    assert_eq!(&record[1], "say \"hi\"");
    assert_eq!(&record[5], "two\nlines");
}

// ---------------------------------------------------------------- transactions

#[test]
fn script_ending_inside_a_transaction_is_rolled_back_with_a_message() {
    let run = kg(
        &["--empty", "--format", "json", "-f", "-"],
        Some("BEGIN;\nCREATE (:N);\nMATCH (n:N) RETURN count(n) AS n;\n"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["rows"], serde_json::json!([[1]]));
    assert!(run.stderr.contains("rolled back"), "stderr: {}", run.stderr);
    // A committed transaction says nothing on stderr.
    let run = kg(
        &["--empty", "--format", "json", "-f", "-"],
        Some("BEGIN;\nCREATE (:N);\nCOMMIT;\n"),
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr, "");
}

#[test]
fn rollback_inside_a_script_restores_the_graph() {
    let run = kg(
        &["--empty", "--format", "json", "-f", "-"],
        Some(
            "CREATE (:N {v: 1});\nBEGIN;\nMATCH (n:N) SET n.v = 2 CREATE (:N {v: 3});\nROLLBACK;\n\
             MATCH (n:N) RETURN collect(n.v) AS vs;\n",
        ),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.last().unwrap()["rows"], serde_json::json!([[[1]]]));
}

#[test]
fn threads_flag_gives_the_same_answers_and_refuses_zero() {
    // 150,000 nodes: above the parallel threshold, so --threads 4 splits the scan.
    let script = "UNWIND range(1, 150000) AS i CREATE (:N {k: i % 7, v: i});\n\
                  MATCH (n:N) RETURN n.k AS k, count(*) AS c, sum(n.v) AS s ORDER BY k;\n\
                  MATCH (n:N) WHERE n.k = 3 RETURN n.v ORDER BY n.v DESC LIMIT 3;\n";
    let one = kg(
        &["--empty", "--threads", "1", "--format", "csv"],
        Some(script),
    );
    let four = kg(
        &["--empty", "--threads", "4", "--format", "csv"],
        Some(script),
    );
    assert_eq!(one.code, Some(0), "{}", one.stderr);
    assert_eq!(one.stdout, four.stdout);
    assert!(one.stdout.contains("0,21428,"), "{}", one.stdout);
    assert!(
        one.stdout.contains("149999\r\n149992\r\n149985"),
        "{}",
        one.stdout
    );
    let zero = kg(&["--empty", "--threads", "0", "-e", "RETURN 1"], None);
    assert_eq!(zero.code, Some(2), "{}", zero.stderr);
    assert!(zero.stderr.contains("--threads"), "{}", zero.stderr);
}
