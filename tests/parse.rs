//! Golden tests of error messages: every `tests/parse/err/NNNN_name.cypher` must fail to
//! compile on an empty database, and its `.err` file holds the full rendered message
//! (`kg::Error::render`: kind, code, message, line:column and the caret under the query).
//! `KG_BLESS=1 cargo test --test parse` rewrites the `.err` files; read every diff by eye.

use kg::{Database, Params, Phase};
use std::path::{Path, PathBuf};

fn err_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/err")
}

fn bless() -> bool {
    std::env::var_os("KG_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The rendered compile error of `query`, or a description of what happened instead.
fn rendered(query: &str) -> Result<String, String> {
    let mut db = Database::new();
    match db.execute(query, &Params::new()) {
        Ok(_) => Err("the query succeeded".into()),
        Err(e) if e.phase() != Phase::Compile => Err(format!(
            "expected a compile-time error, got a runtime one: {}",
            e.render(query)
        )),
        Err(e) => Ok(format!("{}\n", e.render(query))),
    }
}

#[test]
fn error_messages_match_golden_files() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(err_dir())
        .expect("tests/parse/err exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cypher"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 8,
        "expected the golden cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for path in &cases {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let query = std::fs::read_to_string(path).expect("readable case");
        let query = query.trim_end();
        let golden = path.with_extension("err");
        let actual = match rendered(query) {
            Ok(text) => text,
            Err(problem) => {
                failures.push(format!("{name}: {problem}"));
                continue;
            }
        };
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if actual != expected {
            if bless() {
                std::fs::write(&golden, &actual).expect("write golden file");
                eprintln!("blessed {}", golden.display());
            } else {
                failures.push(format!(
                    "{name}: the rendered error differs from {}\n--- expected\n{expected}--- actual\n{actual}",
                    golden.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden error files differ (KG_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_golden_file_has_its_query() {
    for entry in std::fs::read_dir(err_dir()).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "err") {
            assert!(
                path.with_extension("cypher").exists(),
                "{} has no .cypher file",
                path.display()
            );
        }
    }
}

/// The caret sits under the offending text at the reported line and column, for errors
/// found by the parser and by the binder alike.
#[test]
fn caret_points_at_the_reported_column() {
    for query in [
        "MATCH (n:Person RETURN n",
        "MATCH (a)\nWHERE b.name = 'x'\nRETURN a",
        "MATCH (p {name: '刘鹤'}) RETURN q",
    ] {
        let mut db = Database::new();
        let e = db.execute(query, &Params::new()).unwrap_err();
        let (line, column) = e
            .line_column(query)
            .expect("a compile error has a position");
        let text = e.render(query);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].ends_with(&format!("--> {line}:{column}")),
            "{text}"
        );
        let source_line = query.lines().nth(line - 1).unwrap();
        assert!(lines[3].ends_with(source_line), "{text}");
        let caret_line = lines[4];
        let gutter = lines[3].find(" | ").unwrap() + 3;
        let before: String = source_line.chars().take(column - 1).collect();
        let indent = unicode_width::UnicodeWidthStr::width(before.as_str());
        assert_eq!(
            caret_line.find('^'),
            Some(gutter + indent),
            "caret under column {column}:\n{text}"
        );
    }
}
