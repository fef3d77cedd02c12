//! Tests of the harness itself (the Gherkin parser, the expected-value parser, table
//! comparison, side-effect diffing, plan building and error matching), run as ordinary
//! trials named `harness/...` before the TCK scenarios. The ones that read the real
//! feature files are ignored when `../shared/tck/features` is missing.

use crate::gherkin::{parse_feature, split_table_row, Scenario};
use crate::scenario::{
    error_step, graph_state, plan_scenario, run_plan, side_effects, Expect, ExpectedPhase, Outcome,
    Role, Status,
};
use crate::values::{compare_rows, from_value, parse_tck_value, Tv};
use libtest_mimic::{Failed, Trial};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

macro_rules! check {
    ($cond:expr) => {
        if !$cond {
            return Err(format!("check failed: {} (line {})", stringify!($cond), line!()).into());
        }
    };
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!("check failed: {} (line {}): {}", stringify!($cond), line!(), format!($($msg)+)).into());
        }
    };
}

macro_rules! check_eq {
    ($a:expr, $b:expr) => {{
        let (a, b) = (&$a, &$b);
        if a != b {
            return Err(format!(
                "check failed at line {}: {} == {}\n  left: {:?}\n right: {:?}",
                line!(),
                stringify!($a),
                stringify!($b),
                a,
                b
            )
            .into());
        }
    }};
}

type TestResult = Result<(), Failed>;

/// The harness's own tests; `features` is the TCK folder when it exists.
pub fn trials(features: Option<&Path>) -> Vec<Trial> {
    let mut trials = vec![
        Trial::test("harness/values/scalars", values_scalars),
        Trial::test("harness/values/strings", values_strings),
        Trial::test("harness/values/containers", values_containers),
        Trial::test("harness/values/graph elements", values_graph_elements),
        Trial::test("harness/values/errors", values_errors),
        Trial::test("harness/values/engine values", values_from_engine),
        Trial::test("harness/values/parameters", values_parameters),
        Trial::test("harness/compare/any order", compare_any_order),
        Trial::test("harness/compare/in order", compare_in_order),
        Trial::test(
            "harness/compare/ignoring list order",
            compare_ignoring_list_order,
        ),
        Trial::test("harness/gherkin/table rows", gherkin_table_rows),
        Trial::test("harness/gherkin/feature", gherkin_feature),
        Trial::test("harness/gherkin/outline", gherkin_outline),
        Trial::test("harness/plan/steps", plan_steps),
        Trial::test("harness/plan/error steps", plan_error_steps),
        Trial::test("harness/run/error matching", run_error_matching),
        Trial::test("harness/run/side effects", run_side_effects),
        Trial::test("harness/isolation/panic", isolation_panic),
        Trial::test("harness/isolation/deep recursion", isolation_deep_recursion),
        Trial::test("harness/isolation/hang", isolation_hang),
    ];
    let dir = features.map(Path::to_path_buf);
    let real = |name: &str, f: fn(&Path) -> TestResult| {
        let dir: Option<PathBuf> = dir.clone();
        let missing = dir.is_none();
        Trial::test(format!("harness/tck files/{name}"), move || match dir {
            Some(d) => f(&d),
            None => Ok(()),
        })
        .with_ignored_flag(missing)
    };
    trials.push(real("all parse", tck_all_parse));
    trials.push(real("known scenarios", tck_known_scenarios));
    trials
}

fn int(n: i64) -> Tv {
    Tv::Int(n)
}
fn s(text: &str) -> Tv {
    Tv::Str(text.into())
}
fn map(items: &[(&str, Tv)]) -> BTreeMap<String, Tv> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}
fn parse(text: &str) -> Result<Tv, Failed> {
    parse_tck_value(text).map_err(|e| Failed::from(format!("{text:?}: {e}")))
}

fn values_scalars() -> TestResult {
    check_eq!(parse("null")?, Tv::Null);
    check_eq!(parse("true")?, Tv::Bool(true));
    check_eq!(parse(" false ")?, Tv::Bool(false));
    check_eq!(parse("42")?, int(42));
    check_eq!(parse("-9223372036854775808")?, int(i64::MIN));
    check_eq!(parse("1.5")?, Tv::Float(1.5));
    check_eq!(parse("-.5")?, Tv::Float(-0.5));
    check_eq!(parse("1.")?, Tv::Float(1.0));
    check_eq!(parse("1e3")?, Tv::Float(1000.0));
    check_eq!(parse("2.5E-3")?, Tv::Float(0.0025));
    check_eq!(parse("Inf")?, Tv::Float(f64::INFINITY));
    check_eq!(parse("-Inf")?, Tv::Float(f64::NEG_INFINITY));
    check_eq!(parse("NaN")?, parse("NaN")?);
    // Integers and floats never compare equal; -0.0 equals 0.0.
    check!(parse("1")? != parse("1.0")?);
    check_eq!(parse("-0.0")?, parse("0.0")?);
    check!(parse("NaN")? != parse("1.0")?);
    check_eq!(parse("0.30000000000000004")?, Tv::Float(0.1 + 0.2));
    check!(parse("0.3")? != Tv::Float(0.1 + 0.2));
    Ok(())
}

fn values_strings() -> TestResult {
    check_eq!(parse("''")?, s(""));
    check_eq!(parse(r"'it\'s'")?, s("it's"));
    check_eq!(parse(r"'a\\b'")?, s("a\\b"));
    check_eq!(parse(r"'line\nbreak\ttab'")?, s("line\nbreak\ttab"));
    check_eq!(parse(r"'\u00e9t\u00E9'")?, s("été"));
    check_eq!(parse(r"'\q'")?, s("\\q"));
    check_eq!(parse("'ünïcödé 😀'")?, s("ünïcödé 😀"));
    check_eq!(parse("'\"double\"'")?, s("\"double\""));
    Ok(())
}

fn values_containers() -> TestResult {
    check_eq!(parse("[]")?, Tv::List(vec![]));
    check_eq!(
        parse("[1, 'a', [null]]")?,
        Tv::List(vec![int(1), s("a"), Tv::List(vec![Tv::Null])])
    );
    check_eq!(parse("{}")?, Tv::Map(BTreeMap::new()));
    check_eq!(
        parse("{b: 2, a: 1, `weird key`: 'x', 'quoted': true}")?,
        Tv::Map(map(&[
            ("a", int(1)),
            ("b", int(2)),
            ("weird key", s("x")),
            ("quoted", Tv::Bool(true))
        ]))
    );
    check!(parse("[1, 2]")? != parse("[2, 1]")?);
    check!(parse("{a: 1}")? != parse("{a: 1.0}")?);
    Ok(())
}

fn values_graph_elements() -> TestResult {
    check_eq!(
        parse("(:B:A {name: 'n'})")?,
        Tv::Node {
            labels: vec!["A".into(), "B".into()],
            props: map(&[("name", s("n"))])
        }
    );
    check_eq!(parse("(:A:B)")?, parse("(:B:A)")?);
    check_eq!(
        parse("()")?,
        Tv::Node {
            labels: vec![],
            props: BTreeMap::new()
        }
    );
    check_eq!(
        parse("[:T {k: 1}]")?,
        Tv::Rel {
            rel_type: "T".into(),
            props: map(&[("k", int(1))])
        }
    );
    check_eq!(
        parse("[ :T]")?,
        Tv::Rel {
            rel_type: "T".into(),
            props: BTreeMap::new()
        }
    );
    let path = parse("<(:A)-[:T]->(:B)<-[:U {w: 1}]-()>")?;
    let Tv::Path { start, hops } = &path else {
        return Err("not a path".into());
    };
    check_eq!(**start, parse("(:A)")?);
    check_eq!(hops.len(), 2);
    check!(hops[0].0 && !hops[1].0);
    check_eq!(hops[1].1, parse("[:U {w: 1}]")?);
    check_eq!(parse("<()>")?.to_string(), "<()>");
    check_eq!(path.to_string(), "<(:A)-[:T]->(:B)<-[:U {w: 1}]-()>");
    check!(parse("<(:A)-[:T]->(:B)>")? != parse("<(:A)<-[:T]-(:B)>")?);
    Ok(())
}

fn values_errors() -> TestResult {
    for bad in [
        "",
        "'open",
        "[1, 2",
        "{a: 1, a: 2}",
        "[:A:B]",
        "1 2",
        "Infinity",
        "nullx",
        "(:A",
        "<(:A)-[:T]-(:B)>",
        "99999999999999999999",
    ] {
        check!(parse_tck_value(bad).is_err(), "{bad:?} should not parse");
    }
    Ok(())
}

fn values_from_engine() -> TestResult {
    use kg::{Node, Path as KgPath, Relationship, Value};
    let node = |id: u64, label: &str| Node {
        id,
        labels: vec![label.to_string()],
        properties: BTreeMap::new(),
    };
    let rel = |id: u64, start: u64, end: u64| Relationship {
        id,
        rel_type: "T".into(),
        start,
        end,
        properties: [("w".to_string(), Value::Float(0.5))].into_iter().collect(),
    };
    let path = Value::Path(KgPath {
        nodes: vec![node(1, "A"), node(2, "B"), node(3, "C")],
        relationships: vec![rel(10, 1, 2), rel(11, 3, 2)],
    });
    check_eq!(
        from_value(&path).map_err(Failed::from)?,
        parse("<(:A)-[:T {w: 0.5}]->(:B)<-[:T {w: 0.5}]-(:C)>")?
    );
    let broken = Value::Path(KgPath {
        nodes: vec![node(1, "A"), node(2, "B")],
        relationships: vec![rel(10, 5, 6)],
    });
    check!(from_value(&broken).is_err());
    let nested = Value::Map(
        [(
            "k".to_string(),
            Value::List(vec![Value::Int(1), Value::Float(f64::NAN), Value::Null]),
        )]
        .into_iter()
        .collect(),
    );
    check_eq!(
        from_value(&nested).map_err(Failed::from)?,
        parse("{k: [1, NaN, null]}")?
    );
    check_eq!(
        from_value(&Value::Node(Node {
            id: 7,
            labels: vec!["B".into(), "A".into()],
            properties: BTreeMap::new()
        }))
        .map_err(Failed::from)?,
        parse("(:A:B)")?
    );
    Ok(())
}

fn values_parameters() -> TestResult {
    let v = parse("{list: [1, -2.5, 'x'], nothing: null}")?
        .to_value()
        .map_err(Failed::from)?;
    let expected = kg::Value::Map(
        [
            (
                "list".to_string(),
                kg::Value::List(vec![
                    kg::Value::Int(1),
                    kg::Value::Float(-2.5),
                    kg::Value::from("x"),
                ]),
            ),
            ("nothing".to_string(), kg::Value::Null),
        ]
        .into_iter()
        .collect(),
    );
    check_eq!(v, expected);
    check!(parse("(:A)")?.to_value().is_err());
    Ok(())
}

fn rows(cells: &[&[&str]]) -> Result<Vec<Vec<Tv>>, Failed> {
    cells
        .iter()
        .map(|row| row.iter().map(|c| parse(c)).collect())
        .collect()
}
fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn compare_any_order() -> TestResult {
    let c = cols(&["a", "b"]);
    let expected = rows(&[&["1", "'x'"], &["1", "'x'"], &["2", "null"]])?;
    let shuffled = rows(&[&["2", "null"], &["1", "'x'"], &["1", "'x'"]])?;
    check_eq!(
        compare_rows(&c, &expected, &c, &shuffled, false, false),
        None
    );
    // Duplicates count.
    let fewer = rows(&[&["2", "null"], &["1", "'x'"], &["2", "null"]])?;
    let diff = compare_rows(&c, &expected, &c, &fewer, false, false).unwrap_or_default();
    check!(diff.contains("missing: | 1 | 'x' |"), "{diff}");
    check!(diff.contains("unexpected: | 2 | null |"), "{diff}");
    // Column names and their order must match.
    let swapped = cols(&["b", "a"]);
    let diff = compare_rows(&c, &expected, &swapped, &shuffled, false, false).unwrap_or_default();
    check!(diff.starts_with("columns differ"), "{diff}");
    // An empty expectation with a header.
    check_eq!(compare_rows(&c, &[], &c, &[], false, false), None);
    check!(compare_rows(&c, &[], &c, &expected, false, false).is_some());
    Ok(())
}

fn compare_in_order() -> TestResult {
    let c = cols(&["n"]);
    let expected = rows(&[&["1"], &["2"], &["3"]])?;
    let same = rows(&[&["1"], &["2"], &["3"]])?;
    let other = rows(&[&["1"], &["3"], &["2"]])?;
    check_eq!(compare_rows(&c, &expected, &c, &same, true, false), None);
    let diff = compare_rows(&c, &expected, &c, &other, true, false).unwrap_or_default();
    check!(diff.contains("at row 2"), "{diff}");
    check!(compare_rows(&c, &expected, &c, &other, false, false).is_none());
    let short = rows(&[&["1"], &["2"]])?;
    check!(compare_rows(&c, &expected, &c, &short, true, false).is_some());
    Ok(())
}

fn compare_ignoring_list_order() -> TestResult {
    let c = cols(&["l"]);
    let expected = rows(&[&["[1, [3, 2], {k: ['b', 'a']}]"]])?;
    let actual = rows(&[&["[{k: ['a', 'b']}, [2, 3], 1]"]])?;
    check_eq!(compare_rows(&c, &expected, &c, &actual, false, true), None);
    check!(compare_rows(&c, &expected, &c, &actual, false, false).is_some());
    // The multiset of elements still matters.
    let fewer = rows(&[&["[{k: ['a', 'b']}, [2, 3], 1, 1]"]])?;
    check!(compare_rows(&c, &expected, &c, &fewer, false, true).is_some());
    let mixed = rows(&[&["[1, 1.0]"]])?;
    let mixed2 = rows(&[&["[1.0, 1]"]])?;
    check_eq!(compare_rows(&c, &mixed, &c, &mixed2, true, true), None);
    Ok(())
}

fn gherkin_table_rows() -> TestResult {
    check_eq!(
        split_table_row("| a | 'x\\|y' | c\\\\d | e\\nf |").map_err(Failed::from)?,
        vec!["a", "'x|y'", "c\\d", "e\nf"]
    );
    check_eq!(split_table_row("|  |").map_err(Failed::from)?, vec![""]);
    check!(split_table_row("| a | b").is_err());
    Ok(())
}

const FEATURE: &str = r#"#encoding: utf-8
@featuretag
Feature: Demo1 - A demo

  Background:
    Given an empty graph

  @wip
  Scenario: [1] First
    This is a description line.
    And having executed:
      """
      CREATE (:A {s: '\"\"\"'})
          , (:B)
      """
    When executing query:
      """
      MATCH (n) RETURN n
      """
    Then the result should be, in any order:
      | n                  |
      | (:A {s: '"""'})    |
      | (:B)               |
    And no side effects

  Scenario: [2] Second
    When executing query:
      """
      RETURN 1 AS x
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes | 1 |
"#;

fn gherkin_feature() -> TestResult {
    let (scenarios, problems) = parse_feature(FEATURE, "area/sub/Demo1.feature");
    check!(problems.is_empty(), "{problems:?}");
    check_eq!(scenarios.len(), 2);
    let first = &scenarios[0];
    check_eq!(first.name, "[1] First");
    check_eq!(first.feature, "Demo1 - A demo");
    check_eq!(first.tags, vec!["@featuretag", "@wip"]);
    check_eq!(first.area(), "area/sub");
    check_eq!(first.test_name(), "area/sub/Demo1 [1] First");
    check_eq!(first.steps.len(), 5);
    check_eq!(first.steps[0].text, "an empty graph");
    check_eq!(first.steps[1].keyword, "And");
    check_eq!(
        first.steps[1].docstring.as_deref(),
        Some("CREATE (:A {s: '\"\"\"'})\n    , (:B)")
    );
    let table = first.steps[3].table.clone().unwrap_or_default();
    check_eq!(table.len(), 3);
    check_eq!(table[1][0], "(:A {s: '\"\"\"'})");
    check_eq!(scenarios[1].tags, vec!["@featuretag"]);

    let (_, problems) = parse_feature(
        "Feature: F\n  Scenario: S\n    Given any graph\n    this line is not gherkin\n",
        "F.feature",
    );
    check_eq!(problems.len(), 1);
    Ok(())
}

const OUTLINE: &str = r#"Feature: Outline1
  Scenario Outline: [1] Compare <lhs> and <rhs>
    Given any graph
    When executing query:
      """
      RETURN <lhs> < <rhs> AS result, '<lhs2>' AS s
      """
    Then the result should be, in any order:
      | result   |
      | <result> |
    And no side effects

    Examples:
      | lhs | rhs | lhs2   | result |
      | 1   | 2   | <rhs>  | true   |

    @extra
    Examples:
      | lhs | rhs | lhs2 | result |
      | 'b' | 'a' | x    | false  |
"#;

fn gherkin_outline() -> TestResult {
    let (scenarios, problems) = parse_feature(OUTLINE, "x/Outline1.feature");
    check!(problems.is_empty(), "{problems:?}");
    check_eq!(scenarios.len(), 2);
    check_eq!(scenarios[0].name, "[1] Compare 1 and 2");
    check_eq!(scenarios[0].example, Some(1));
    check_eq!(scenarios[1].example, Some(2));
    check_eq!(scenarios[1].line, 20);
    check_eq!(scenarios[1].tags, vec!["@extra"]);
    check_eq!(
        scenarios[1].test_name(),
        "x/Outline1 [1] Compare 'b' and 'a' (example 2)"
    );
    // One pass: a value that looks like a placeholder is not substituted again.
    check_eq!(
        scenarios[0].steps[1].docstring.as_deref(),
        Some("RETURN 1 < 2 AS result, '<rhs>' AS s")
    );
    check_eq!(
        scenarios[1].steps[2].table.clone().unwrap_or_default()[1],
        vec!["false"]
    );
    Ok(())
}

fn plan_of(feature: &str) -> Result<Vec<crate::scenario::Plan>, Failed> {
    let (scenarios, problems) = parse_feature(feature, "t/T.feature");
    if !problems.is_empty() {
        return Err(format!("{problems:?}").into());
    }
    scenarios
        .iter()
        .map(|sc| plan_scenario(sc, Path::new("/nonexistent")).map_err(Failed::from))
        .collect()
}

fn plan_steps() -> TestResult {
    let plans = plan_of(FEATURE)?;
    let p = &plans[0];
    check_eq!(p.statements.len(), 2);
    check_eq!(p.statements[0].role, Role::Setup);
    check_eq!(p.statements[1].role, Role::Query);
    check_eq!(p.statements[1].side_effects, Some(BTreeMap::new()));
    check!(matches!(
        &p.statements[1].expect,
        Some(Expect::Rows { columns, rows, ordered: false, ignore_list_order: false })
            if columns == &["n"] && rows.len() == 2
    ));
    check!(matches!(plans[1].statements[0].expect, Some(Expect::Empty)));
    check_eq!(
        plans[1].statements[0].side_effects,
        Some([("+nodes".to_string(), 1)].into_iter().collect())
    );

    let params = plan_of(
        "Feature: P\n  Scenario: S\n    Given any graph\n    And parameters are:\n      | x | [1, 'a'] |\n      | y | -2 |\n    When executing query:\n      \"\"\"\n      RETURN $x AS x\n      \"\"\"\n    Then the result should be, in order:\n      | x |\n      | [1, 'a'] |\n    When executing control query:\n      \"\"\"\n      RETURN 1 AS one\n      \"\"\"\n    Then the result should be empty\n",
    )?;
    let p = &params[0];
    check_eq!(p.params.get("y"), Some(&kg::Value::Int(-2)));
    check_eq!(p.statements.len(), 2);
    check_eq!(p.statements[1].role, Role::Control);
    check!(matches!(
        p.statements[0].expect,
        Some(Expect::Rows { ordered: true, .. })
    ));

    let skipped = plan_of(
        "Feature: P\n  Scenario: S\n    Given an empty graph\n    And there exists a procedure test.my.proc() :: ():\n      | a |\n    When executing query:\n      \"\"\"\n      CALL test.my.proc()\n      \"\"\"\n    Then the result should be empty\n",
    )?;
    check!(skipped[0].unsupported.is_some());
    let missing_graph = plan_of(
        "Feature: P\n  Scenario: S\n    Given the nope graph\n    When executing query:\n      \"\"\"\n      RETURN 1\n      \"\"\"\n    Then the result should be empty\n",
    )?;
    check!(missing_graph[0]
        .unsupported
        .as_deref()
        .is_some_and(|r| r.contains("nope")));
    // A query without an expectation cannot be planned.
    let (scenarios, _) = parse_feature(
        "Feature: P\n  Scenario: S\n    Given any graph\n    When executing query:\n      \"\"\"\n      RETURN 1\n      \"\"\"\n",
        "t/T.feature",
    );
    check!(plan_scenario(&scenarios[0], Path::new("/nonexistent")).is_err());
    Ok(())
}

fn plan_error_steps() -> TestResult {
    check_eq!(
        error_step("a SyntaxError should be raised at compile time: UndefinedVariable"),
        Some((
            "SyntaxError".to_string(),
            ExpectedPhase::Compile,
            "UndefinedVariable".to_string()
        ))
    );
    check_eq!(
        error_step("an ArgumentError should be raised at runtime: NumberOutOfRange"),
        Some((
            "ArgumentError".to_string(),
            ExpectedPhase::Runtime,
            "NumberOutOfRange".to_string()
        ))
    );
    check_eq!(
        error_step("a TypeError should be raised at any time: *"),
        Some(("TypeError".to_string(), ExpectedPhase::Any, "*".to_string()))
    );
    check_eq!(error_step("the result should be empty"), None);
    Ok(())
}

fn error_feature(expectation: &str) -> String {
    format!(
        "Feature: E\n  Scenario: S\n    Given any graph\n    When executing query:\n      \"\"\"\n      RETURN (\n      \"\"\"\n    Then {expectation}\n"
    )
}

fn run_error_matching() -> TestResult {
    let outcome = |expectation: &str| -> Result<(Status, String), Failed> {
        let plans = plan_of(&error_feature(expectation))?;
        let mut db = kg::Database::new();
        let o = run_plan(&plans[0], &mut db, Duration::from_secs(10));
        Ok((o.status, o.reason))
    };
    // `RETURN (` is a syntax error in any state of the engine.
    let (status, reason) =
        outcome("a SyntaxError should be raised at compile time: UnexpectedSyntax")?;
    check_eq!((status, reason.as_str()), (Status::Passed, ""));
    let (status, reason) = outcome("a SyntaxError should be raised at any time: *")?;
    check_eq!((status, reason.as_str()), (Status::Passed, ""));
    let (status, reason) =
        outcome("a SyntaxError should be raised at compile time: VariableTypeConflict")?;
    check_eq!(status, Status::Failed);
    check!(reason.starts_with("wrong error code"), "{reason}");
    let (status, reason) =
        outcome("a TypeError should be raised at compile time: UnexpectedSyntax")?;
    check_eq!(status, Status::Failed);
    check!(
        reason.starts_with("expected TypeError/UnexpectedSyntax"),
        "{reason}"
    );
    let (status, reason) = outcome("a SyntaxError should be raised at runtime: UnexpectedSyntax")?;
    check_eq!(status, Status::Failed);
    check!(reason.starts_with("wrong error phase"), "{reason}");
    let (status, reason) = outcome("the result should be empty")?;
    check_eq!(status, Status::Failed);
    check!(reason.starts_with("query raised SyntaxError"), "{reason}");
    Ok(())
}

fn run_side_effects() -> TestResult {
    use kg::val::{NodeId, RelId, Val};
    let mut before_graph = kg::store::Graph::new();
    let a = before_graph.intern_label("A");
    let k = before_graph.intern_key("k");
    let t = before_graph.intern_type("T");
    before_graph.load_node(NodeId(0), vec![a], vec![(k, Val::Int(1))]);
    before_graph.load_node(NodeId(1), vec![], vec![(k, Val::Float(-0.0))]);
    before_graph.load_rel(RelId(0), NodeId(0), NodeId(1), t, vec![(k, Val::str("r"))]);
    let mut after_graph = kg::store::Graph::new();
    let b = after_graph.intern_label("B");
    let k2 = after_graph.intern_key("k");
    let t2 = after_graph.intern_type("T");
    // Node 0 changed k (one - and one +) and label A → B; node 1 kept k = 0.0 (-0.0 = 0.0);
    // relationship 0 was deleted and 1 created; node 2 is new, without properties.
    after_graph.load_node(NodeId(0), vec![b], vec![(k2, Val::Int(2))]);
    after_graph.load_node(NodeId(1), vec![], vec![(k2, Val::Float(0.0))]);
    after_graph.load_node(NodeId(2), vec![b], vec![]);
    after_graph.load_rel(RelId(1), NodeId(1), NodeId(0), t2, vec![]);
    let before = graph_state(&kg::Database::from_graph(before_graph));
    let after = graph_state(&kg::Database::from_graph(after_graph));
    let effects = side_effects(&before, &after);
    let expected: BTreeMap<String, u64> = [
        ("+nodes", 1),
        ("-nodes", 0),
        ("+relationships", 1),
        ("-relationships", 1),
        ("+labels", 1),
        ("-labels", 1),
        ("+properties", 1),
        ("-properties", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    check_eq!(effects, expected);
    check!(side_effects(&after, &after).values().all(|&n| n == 0));
    Ok(())
}

fn load(features: &Path) -> Result<Vec<Scenario>, Failed> {
    let (scenarios, problems, files) = crate::gherkin::load_scenarios(features);
    if !problems.is_empty() {
        return Err(format!(
            "{} problems: {:?}",
            problems.len(),
            &problems[..problems.len().min(5)]
        )
        .into());
    }
    check_eq!(files, 220);
    Ok(scenarios)
}

fn tck_all_parse(features: &Path) -> TestResult {
    let scenarios = load(features)?;
    let graphs = features.parent().unwrap_or(features).join("graphs");
    check_eq!(scenarios.len(), 3897);
    check_eq!(
        scenarios.iter().filter(|s| s.example.is_some()).count(),
        2558
    );
    let mut names = std::collections::BTreeSet::new();
    let mut unsupported = 0;
    let mut expects_error = 0;
    let mut in_order = 0;
    let mut params = 0;
    let mut control = 0;
    for sc in &scenarios {
        let name = sc.test_name();
        check!(names.insert(name.clone()), "duplicate test name {name}");
        let plan = plan_scenario(sc, &graphs).map_err(|e| Failed::from(format!("{name}: {e}")))?;
        unsupported += plan.unsupported.is_some() as usize;
        expects_error += plan.expects_error() as usize;
        let has_step = |prefix: &str| sc.steps.iter().any(|st| st.text.starts_with(prefix));
        in_order += has_step("the result should be, in order") as usize;
        params += has_step("parameters are:") as usize;
        control += has_step("executing control query:") as usize;
    }
    // The numbers of ../shared/tck/INVENTORY.md.
    check_eq!(unsupported, 51);
    check_eq!(expects_error, 681);
    check_eq!(in_order, 98);
    check_eq!(params, 64);
    check_eq!(control, 33);
    Ok(())
}

fn tck_known_scenarios(features: &Path) -> TestResult {
    let scenarios = load(features)?;
    let graphs = features.parent().unwrap_or(features).join("graphs");
    let find = |name: &str| -> Result<&Scenario, Failed> {
        scenarios
            .iter()
            .find(|s| s.test_name() == name)
            .ok_or_else(|| Failed::from(format!("no scenario {name}")))
    };
    let sc = find("clauses/match/Match1 [2] Matching all nodes")?;
    let plan = plan_scenario(sc, &graphs).map_err(Failed::from)?;
    check_eq!(plan.statements.len(), 2);
    check_eq!(
        plan.statements[0].text,
        "CREATE (:A), (:B {name: 'b'}), ({name: 'c'})"
    );
    let Some(Expect::Rows { rows, .. }) = &plan.statements[1].expect else {
        return Err("no rows".into());
    };
    check_eq!(rows[1][0], parse("(:B {name: 'b'})")?);

    // A named graph: binary-tree-1 is loaded as setup statements.
    let with_graph = scenarios
        .iter()
        .find(|s| {
            s.steps
                .iter()
                .any(|st| st.text == "the binary-tree-1 graph")
        })
        .ok_or_else(|| Failed::from("no scenario uses binary-tree-1"))?;
    let plan = plan_scenario(with_graph, &graphs).map_err(Failed::from)?;
    check!(plan.unsupported.is_none());
    check!(
        plan.statements[0].role == Role::Setup
            && plan.statements[0]
                .text
                .starts_with("CREATE (a:A {name: 'a'})")
    );

    // Every error expectation in the suite is well-formed.
    let kinds: std::collections::BTreeSet<String> = scenarios
        .iter()
        .flat_map(|s| s.steps.iter())
        .filter_map(|st| error_step(&st.text).map(|(kind, _, _)| kind))
        .collect();
    check_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec![
            "ArgumentError",
            "ConstraintVerificationFailed",
            "EntityNotFound",
            "ParameterMissing",
            "ProcedureError",
            "SemanticError",
            "SyntaxError",
            "TypeError"
        ]
    );
    // The temporal rows of with-orderBy.
    let temporal = scenarios
        .iter()
        .filter(|s| s.area() == "clauses/with-orderBy" && crate::is_temporal(s))
        .count();
    check_eq!(temporal, 65);
    Ok(())
}

fn passed() -> Outcome {
    Outcome {
        status: Status::Passed,
        reason: String::new(),
    }
}

fn isolation_panic() -> TestResult {
    let o = crate::run_isolated(Duration::from_secs(10), |_db| -> Outcome {
        let items: Vec<u8> = Vec::new();
        let k = items.len() + 3;
        if k > 2 {
            panic!("boom {k}");
        }
        passed()
    });
    check_eq!(o.status, Status::Errored);
    check!(
        o.reason
            .starts_with("the engine panicked: boom 3 at tests/tck/selftest.rs"),
        "{}",
        o.reason
    );
    Ok(())
}

fn isolation_deep_recursion() -> TestResult {
    // About 100,000 frames of 512 bytes: far beyond a default 2 MiB thread stack.
    fn depth(n: u64, pad: [u8; 512]) -> u64 {
        if n == 0 {
            return pad[n as usize % 512] as u64;
        }
        std::hint::black_box(depth(n - 1, std::hint::black_box(pad))) + 1
    }
    let o = crate::run_isolated(Duration::from_secs(10), |_db| {
        let d = depth(100_000, [0; 512]);
        Outcome {
            status: if d == 100_000 {
                Status::Passed
            } else {
                Status::Failed
            },
            reason: String::new(),
        }
    });
    check_eq!(o.status, Status::Passed);
    Ok(())
}

fn isolation_hang() -> TestResult {
    // Work that notices the database's cancel flag is stopped and reported as a timeout.
    let o = crate::run_isolated(Duration::from_millis(100), |db| {
        let cancel = db.cancel_handle();
        while !cancel.load(std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(5));
        }
        passed()
    });
    check_eq!(o.status, Status::Timeout);
    check!(o.reason.starts_with("cancelled after"), "{}", o.reason);
    // Work that ignores it is abandoned.
    let o = crate::run_isolated(Duration::from_millis(100), |_db| {
        std::thread::sleep(Duration::from_secs(3));
        passed()
    });
    check_eq!(o.status, Status::Timeout);
    check!(o.reason.contains("did not stop"), "{}", o.reason);
    Ok(())
}
