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
            "kg {} · seed graph (2 nodes, 1 relationship) · :help for help",
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
