//! Tests of `Session` without a terminal: commands and statements in, printed text out.

use super::*;
use crate::store::Graph;
use crate::val::Val;

fn session_with(db: Database) -> Session {
    let mut s = Session::new(db, Format::Table, false);
    s.set_width(Some(100));
    s
}

fn run(session: &mut Session, input: &str) -> (Action, String) {
    let mut out = Vec::new();
    let action = session.handle(input, &mut out);
    (action, String::from_utf8(out).expect("utf-8 output"))
}

fn small_graph() -> Database {
    let mut g = Graph::new();
    let person = g.intern_label("Person");
    let name = g.intern_key("name");
    let knows = g.intern_type("KNOWS");
    let a = g.create_node(&[person], vec![(name, Val::str("Ann"))]);
    let b = g.create_node(&[person], vec![(name, Val::str("Bo"))]);
    g.create_rel(a, b, knows, vec![]);
    g.commit();
    Database::from_graph(g)
}

#[test]
fn banner_names_the_graph_and_its_size() {
    let s = session_with(small_graph());
    assert_eq!(
        s.banner("seed graph"),
        format!(
            "kg {} · seed graph · 2 nodes, 1 relationship · :help for help",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(s.prompt(), "kg> ");
}

#[test]
fn schema_help_and_settings() {
    let mut s = session_with(small_graph());
    let (_, text) = run(&mut s, ":schema");
    assert!(text.contains(":Person  2"), "{text}");
    assert!(text.contains("(:Person)-[:KNOWS]->(:Person)"), "{text}");
    let (_, text) = run(&mut s, ":help");
    assert!(text.contains(":schema"), "{text}");
    assert_eq!(run(&mut s, ":format csv").1, "format: csv\n");
    assert_eq!(run(&mut s, ":format").1, "format: csv\n");
    assert_eq!(run(&mut s, ":timing on").1, "timing: on\n");
    assert_eq!(run(&mut s, ":maxrows 5").1, "maxrows: 5\n");
    assert_eq!(run(&mut s, ":maxrows 0").1, "maxrows: all rows\n");
    assert_eq!(
        run(&mut s, ":params").1,
        "no parameters (set one with :param name => value)\n"
    );
    assert_eq!(run(&mut s, ":history").0, Action::ShowHistory);
    assert_eq!(run(&mut s, ":clear").0, Action::ClearScreen);
}

#[test]
fn unknown_commands_get_a_suggestion() {
    let mut s = session_with(small_graph());
    let (action, text) = run(&mut s, ":shcema");
    assert_eq!(action, Action::Continue);
    assert_eq!(text, "unknown command :shcema (did you mean :schema?)\n");
}

#[test]
fn quit_without_changes_leaves_at_once() {
    let mut s = session_with(small_graph());
    assert_eq!(run(&mut s, ":quit").0, Action::Quit);
}

#[test]
fn source_reports_a_missing_file() {
    let mut s = session_with(small_graph());
    let (_, text) = run(&mut s, ":source /nonexistent/kg/script.cypher");
    assert!(
        text.starts_with("cannot read /nonexistent/kg/script.cypher:"),
        "{text}"
    );
}

#[test]
fn statements_print_tables_stats_and_errors() {
    let mut s = session_with(Database::new());
    let (_, text) = run(
        &mut s,
        "CREATE (:City {name: 'Beijing'}); MATCH (c:City) RETURN c.name AS city;",
    );
    assert!(
        text.starts_with("Created 1 node, set 1 property, added 1 label · "),
        "{text}"
    );
    assert!(text.contains("│ city      │"), "{text}");
    assert!(text.contains("│ 'Beijing' │"), "{text}");
    assert!(text.contains("1 row · "), "{text}");
    // The first failing statement stops the rest.
    let (_, text) = run(&mut s, "RETURN nope; RETURN 1 AS never;");
    assert!(
        text.starts_with("error[SyntaxError.UndefinedVariable]"),
        "{text}"
    );
    assert!(text.contains("1 | RETURN nope\n  |        ^^^^"), "{text}");
    assert!(!text.contains("never"), "{text}");
}

#[test]
fn params_are_cypher_expressions() {
    let mut s = session_with(Database::new());
    assert_eq!(run(&mut s, ":param n => 20 + 1").1, "$n => 21\n");
    assert_eq!(
        run(&mut s, ":param {a: $n * 2, b: 'x'}").1,
        "$a => 42\n$b => 'x'\n"
    );
    assert_eq!(run(&mut s, ":params").1, "$a => 42\n$b => 'x'\n$n => 21\n");
    let (_, text) = run(&mut s, "RETURN $a + $n AS sum;");
    assert!(text.contains("│ 63  │"), "{text}");
    assert_eq!(run(&mut s, ":param -b").1, "");
    assert_eq!(run(&mut s, ":param -b").1, "there is no parameter $b\n");
    let (_, text) = run(&mut s, ":param bad => 1 +");
    assert!(text.starts_with("error[SyntaxError"), "{text}");
    assert_eq!(run(&mut s, ":param clear").1, "parameters cleared\n");
    assert!(s.params().is_empty());
}

#[test]
fn source_runs_a_script_and_points_into_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("load.cypher");
    std::fs::write(
        &script,
        "CREATE (:A {v: 1});\nCREATE (:A {v: 2});\n\nMATCH (a:A)\nRETURN a.v + x;\nCREATE (:Never);\n",
    )
    .expect("write script");
    let mut s = session_with(Database::new());
    let (_, text) = run(&mut s, &format!(":source {}", script.display()));
    assert!(
        text.contains(&format!("in {}:", script.display())),
        "{text}"
    );
    assert!(text.contains(" --> 5:"), "{text}");
    assert!(text.contains("5 | RETURN a.v + x"), "{text}");
    assert!(text.contains("stopped after 2 statements"), "{text}");
    assert_eq!(s.with_db(|db| db.node_count()), 2);
}

#[test]
fn save_and_open_snapshots() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("g.kg");
    let file_name = file.display().to_string();
    let mut s = session_with(Database::new());
    assert_eq!(
        run(&mut s, ":save").1,
        "this graph has no file yet: use :save FILE\n"
    );
    run(&mut s, "CREATE (:Saved {v: 1})-[:TO]->(:Saved {v: 2});");
    assert!(s.with_db(|db| db.has_unsaved_changes()));
    let (_, text) = run(&mut s, &format!(":save {file_name}"));
    assert!(
        text.starts_with(&format!("saved 2 nodes, 1 relationship to {file_name} · ")),
        "{text}"
    );
    assert!(!s.with_db(|db| db.has_unsaved_changes()));
    // Nothing unsaved: :quit leaves at once.
    run(&mut s, "CREATE (:Unsaved);");
    let (_, text) = run(&mut s, &format!(":open {file_name}"));
    assert!(text.contains("unsaved changes"), "{text}");
    assert_eq!(s.with_db(|db| db.node_count()), 3);
    let (_, text) = run(&mut s, &format!(":open! {file_name}"));
    assert!(
        text.starts_with(&format!("opened {file_name} (2 nodes, 1 relationship) · ")),
        "{text}"
    );
    assert_eq!(s.with_db(|db| db.node_count()), 2);
    assert_eq!(run(&mut s, ":quit").0, Action::Quit);
}

#[test]
fn quit_warns_once_about_unsaved_changes() {
    let mut s = session_with(Database::new());
    run(&mut s, "CREATE (:X);");
    let (action, text) = run(&mut s, ":quit");
    assert_eq!(action, Action::Continue);
    assert_eq!(
        text,
        "the graph has unsaved changes: :save FILE keeps them; :quit again (or :quit!) discards them\n"
    );
    assert_eq!(run(&mut s, ":quit").0, Action::Quit);
    let mut s = session_with(Database::new());
    run(&mut s, "CREATE (:X);");
    assert_eq!(run(&mut s, ":quit!").0, Action::Quit);
}

#[test]
fn explain_prints_the_plan_as_text() {
    let mut s = session_with(Database::new());
    let (_, a) = run(&mut s, ":explain MATCH (n:Person) RETURN n");
    let (_, b) = run(&mut s, "EXPLAIN MATCH (n:Person) RETURN n;");
    assert!(!a.contains('│'), "{a}");
    assert!(a.contains("Person"), "{a}");
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.ends_with(" ms"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn find_why_and_sources_commands() {
    let mut s = session_with(Database::seed().expect("seed"));
    // :find — an alias, then a misspelling.
    let (_, text) = run(&mut s, ":find liu hu");
    assert!(
        text.contains("'Liu He'") && text.contains("alias"),
        "{text}"
    );
    let (_, text) = run(&mut s, ":find Lighthiser");
    assert!(
        text.contains("'Robert Lighthizer'") && text.contains("near (1 edit)"),
        "{text}"
    );
    let (_, text) = run(&mut s, ":find zzqqxx");
    assert!(text.contains("nothing is called"), "{text}");
    // :why on adds the sources under each query's rows; :why off removes them.
    let (_, text) = run(&mut s, ":why on");
    assert!(text.contains("why: on"), "{text}");
    let q = "MATCH (p:Person {name: 'Steve Mnuchin'})-[:CLAIMED]->(c) RETURN c.quote";
    let (_, text) = run(&mut s, q);
    assert!(text.contains("row 1 — sources:"), "{text}");
    assert!(
        text.contains("[14] US Treasury Secretary Steve Mnuchin"),
        "{text}"
    );
    run(&mut s, ":why off");
    let (_, text) = run(&mut s, q);
    assert!(!text.contains("sources"), "{text}");
    // :sources of an expression.
    let (_, text) = run(&mut s, ":sources kg.resolve('Yi Gang')");
    assert!(text.contains("row 1 — sources:"), "{text}");
    assert!(text.contains("[13]"), "{text}");
    // PROFILE prints the result and the operator table, even with no rows.
    let (_, text) = run(&mut s, "PROFILE MATCH (n:Nope) RETURN n");
    assert!(
        text.contains("NodeByLabelScan") && text.contains("(no rows)"),
        "{text}"
    );
}
