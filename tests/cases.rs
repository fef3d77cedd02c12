//! The data-driven test runner: every `tests/cases/<area>/<name>.test` file is one named
//! trial (libtest-mimic, `harness = false`), run on a fresh `kg::Database`.
//!
//! A case file is a sequence of records separated by blank lines, in the manner of
//! sqllogictest and Kùzu's `.test` files:
//!
//! ```text
//! # dataset: seed            -- optional, first lines only: start from Database::seed()
//! # known-failure: reason    -- optional, first line: the engine is wrong here; report as ignored
//! # params: {name: 'x'}      -- a Cypher map literal; parameters of the statements that follow
//! # reset                    -- start again from the file's dataset
//!
//! statement ok
//! CREATE (:Person {name: 'Ann'})
//!
//! statement error ConstraintVerificationFailed.DeleteConnectedNode
//! MATCH (n) DELETE n
//!
//! statement stats nodes_created=2 relationships_created=1 properties_set=2
//! CREATE (:A {x: 1})-[:R]->(:B {y: 2})
//!
//! query unordered            -- or `query ordered`
//! MATCH (a)-[:KNOWS]->(b) RETURN a.name AS a, b.name AS b
//! ----
//! a     | b
//! 'Ann' | 'Bo'
//!
//! query error SyntaxError.UndefinedVariable
//! RETURN x
//! ```
//!
//! Expected cells are values printed by `kg::Value`'s `Display` (Cypher literals), separated
//! by `|`; the header line holds the column names. `statement stats` lists the non-zero
//! counters; every counter not listed must be zero. An error is given as `Kind` or
//! `Kind.Code`, optionally followed by `compile` or `runtime` to pin the phase.
//!
//! `KG_BLESS=1 cargo test --test cases` rewrites expected blocks, error names and stats from
//! the actual results (rust-analyzer's `UPDATE_EXPECT`); files marked `known-failure` are
//! never rewritten. Review every blessed diff by hand against openCypher.

use kg::{Database, Error, Params, QueryResult, Value};
use libtest_mimic::{Arguments, Failed, Trial};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files = Vec::new();
    collect_files(&root, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "no case files found under {}",
        root.display()
    );
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let known_failure = text
                .lines()
                .next()
                .is_some_and(|l| l.starts_with("# known-failure:"));
            Trial::test(name, move || run_file(&path)).with_ignored_flag(known_failure)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "test") {
            out.push(path);
        }
    }
}

// ---------------------------------------------------------------- the file format

/// What a record expects.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Ok,
    Stats(Vec<(String, u64)>),
    Error(ErrorSpec),
    Rows { ordered: bool, lines: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
struct ErrorSpec {
    kind: String,
    code: Option<String>,
    phase: Option<String>,
}

impl ErrorSpec {
    fn parse(text: &str) -> Result<ErrorSpec, String> {
        let mut words = text.split_whitespace();
        let name = words.next().ok_or("`error` needs a Kind or Kind.Code")?;
        let (kind, code) = match name.split_once('.') {
            Some((k, c)) => (k.to_string(), Some(c.to_string())),
            None => (name.to_string(), None),
        };
        let phase = words.next().map(str::to_string);
        if let Some(p) = &phase {
            if p != "compile" && p != "runtime" {
                return Err(format!("unknown phase `{p}` (compile or runtime)"));
            }
        }
        Ok(ErrorSpec { kind, code, phase })
    }
    fn matches(&self, e: &Error) -> bool {
        e.kind().name() == self.kind
            && self.code.as_deref().is_none_or(|c| e.code() == Some(c))
            && self.phase.as_deref().is_none_or(|p| e.phase().name() == p)
    }
    fn of(e: &Error, like: &ErrorSpec) -> ErrorSpec {
        ErrorSpec {
            kind: e.kind().name().to_string(),
            code: e.code().map(str::to_string),
            phase: like.phase.as_ref().map(|_| e.phase().name().to_string()),
        }
    }
}

impl std::fmt::Display for ErrorSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.kind)?;
        if let Some(c) = &self.code {
            write!(f, ".{c}")?;
        }
        if let Some(p) = &self.phase {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

/// One item of a case file, in order.
#[derive(Debug)]
enum Item {
    Params(String, usize),
    Reset,
    Record(Record),
}

#[derive(Debug)]
struct Record {
    /// 0-based line of the `statement`/`query` header.
    header_line: usize,
    /// `statement` or `query`.
    verb: &'static str,
    query: String,
    expect: Expect,
    /// Lines `[header_line, end_line)` belong to this record.
    end_line: usize,
}

struct CaseFile {
    dataset: Option<String>,
    items: Vec<Item>,
}

fn parse_file(text: &str) -> Result<CaseFile, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut dataset = None;
    let mut items = Vec::new();
    let mut i = 0;
    let mut seen_record = false;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(name) = comment.strip_prefix("dataset:") {
                if seen_record {
                    return Err(format!("line {}: `# dataset` must come first", i + 1));
                }
                dataset = Some(name.trim().to_string());
            } else if let Some(map) = comment.strip_prefix("params:") {
                items.push(Item::Params(map.trim().to_string(), i));
            } else if comment == "reset" {
                items.push(Item::Reset);
            }
            i += 1;
            continue;
        }
        let header_line = i;
        let mut words = line.split_whitespace();
        let verb = words.next().unwrap_or_default();
        let rest: Vec<&str> = words.collect();
        let (verb, mut expect) = match (verb, rest.first().copied()) {
            ("statement", Some("ok")) if rest.len() == 1 => ("statement", Expect::Ok),
            ("statement", Some("error")) | ("query", Some("error")) => (
                if verb == "query" {
                    "query"
                } else {
                    "statement"
                },
                Expect::Error(
                    ErrorSpec::parse(&rest[1..].join(" "))
                        .map_err(|e| format!("line {}: {e}", i + 1))?,
                ),
            ),
            ("statement", Some("stats")) => {
                let mut counters = Vec::new();
                for kv in &rest[1..] {
                    let (k, v) = kv
                        .split_once('=')
                        .ok_or_else(|| format!("line {}: stats need name=N, got `{kv}`", i + 1))?;
                    if !STAT_NAMES.contains(&k) {
                        return Err(format!("line {}: unknown counter `{k}`", i + 1));
                    }
                    let v = v
                        .parse()
                        .map_err(|_| format!("line {}: `{v}` is not a count", i + 1))?;
                    counters.push((k.to_string(), v));
                }
                ("statement", Expect::Stats(counters))
            }
            ("query", Some(order @ ("ordered" | "unordered"))) if rest.len() == 1 => (
                "query",
                Expect::Rows {
                    ordered: order == "ordered",
                    lines: Vec::new(),
                },
            ),
            _ => return Err(format!("line {}: unknown record `{line}`", i + 1)),
        };
        seen_record = true;
        i += 1;
        let mut query_lines = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() && lines[i].trim() != "----" {
            query_lines.push(lines[i]);
            i += 1;
        }
        if query_lines.is_empty() {
            return Err(format!("line {}: the record has no query", header_line + 1));
        }
        if let Expect::Rows {
            lines: expected, ..
        } = &mut expect
        {
            if i >= lines.len() || lines[i].trim() != "----" {
                return Err(format!(
                    "line {}: a `query` record needs `----` and a result block",
                    header_line + 1
                ));
            }
            i += 1;
            while i < lines.len() && !lines[i].trim().is_empty() {
                expected.push(lines[i].trim_end().to_string());
                i += 1;
            }
        } else if i < lines.len() && lines[i].trim() == "----" {
            return Err(format!(
                "line {}: only `query ordered|unordered` records have a result block",
                i + 1
            ));
        }
        items.push(Item::Record(Record {
            header_line,
            verb,
            query: query_lines.join("\n"),
            expect,
            end_line: i,
        }));
    }
    Ok(CaseFile { dataset, items })
}

const STAT_NAMES: [&str; 7] = [
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
];

/// Splits a result line into cells at `|` outside quotes and brackets, trimmed.
fn split_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cell.push(c);
                if c == '\\' && q != '`' {
                    if let Some(n) = chars.next() {
                        cell.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' | '`' => {
                    quote = Some(c);
                    cell.push(c);
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    cell.push(c);
                }
                ')' | ']' | '}' => {
                    depth -= 1;
                    cell.push(c);
                }
                '|' if depth <= 0 => cells.push(std::mem::take(&mut cell)),
                c => cell.push(c),
            },
        }
    }
    cells.push(cell);
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The result block of a query: a header line and one line per row, columns aligned.
fn render_block(columns: &[String], rows: &[Vec<String>]) -> Vec<String> {
    let n = columns.len();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(n) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str(" | ");
            }
            s.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = vec![line(columns)];
    out.extend(rows.iter().map(|r| line(r)));
    out
}

fn cells_of(row: &[Value]) -> Vec<String> {
    row.iter().map(|v| v.to_string()).collect()
}

// ---------------------------------------------------------------- running a file

fn run_file(path: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let bless = std::env::var_os("KG_BLESS").is_some_and(|v| v != "0" && !v.is_empty())
        && !text.starts_with("# known-failure:");
    let fresh = || -> Result<Database, String> {
        match file.dataset.as_deref() {
            None | Some("empty") => Ok(Database::new()),
            Some("seed") => Database::seed().map_err(|e| format!("the seed graph fails: {e}")),
            Some(other) => Err(format!("unknown dataset `{other}` (seed or empty)")),
        }
    };
    let mut db = fresh()?;
    let mut params = Params::new();
    let mut failures = Vec::new();
    // Replacement lines for records whose expectation changed (for blessing).
    let mut rewrites: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for item in &file.items {
        let record = match item {
            Item::Params(map, line) => {
                params = eval_params(map).map_err(|e| format!("line {}: {e}", line + 1))?;
                continue;
            }
            Item::Reset => {
                db = fresh()?;
                continue;
            }
            Item::Record(r) => r,
        };
        let outcome = db.execute(&record.query, &params);
        let shown = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        let location = format!("{}:{}", shown.display(), record.header_line + 1);
        match check(record, &outcome) {
            Ok(()) => {}
            Err(problem) => {
                let mut message = format!("{location}: {problem}\nquery:\n{}\n", record.query);
                match &outcome {
                    Ok(result) => {
                        let rows: Vec<Vec<String>> =
                            result.rows.iter().map(|r| cells_of(r)).collect();
                        let _ = writeln!(message, "actual result:");
                        for l in render_block(&result.columns, &rows) {
                            let _ = writeln!(message, "    {l}");
                        }
                        let _ = writeln!(message, "actual stats: {}", stats_text(result));
                    }
                    Err(e) => {
                        let _ = writeln!(message, "actual error:\n{}", e.render(&record.query));
                    }
                }
                if bless {
                    if let Some(new_lines) = blessed(record, &outcome, &lines) {
                        rewrites.push((record.header_line, record.end_line, new_lines));
                        continue;
                    }
                }
                failures.push(message);
            }
        }
    }
    if !rewrites.is_empty() {
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        for (start, end, new_lines) in rewrites {
            out.extend(lines[i..start].iter().map(|s| s.to_string()));
            out.extend(new_lines);
            i = end;
        }
        out.extend(lines[i..].iter().map(|s| s.to_string()));
        let mut new_text = out.join("\n");
        new_text.push('\n');
        std::fs::write(path, new_text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("blessed {}", path.display());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

fn eval_params(map: &str) -> Result<Params, String> {
    let mut scratch = Database::new();
    let query = format!("RETURN {map} AS params");
    let result = scratch
        .execute(&query, &Params::new())
        .map_err(|e| format!("bad `# params` map:\n{}", e.render(&query)))?;
    match result.rows.first().and_then(|r| r.first()) {
        Some(Value::Map(m)) => Ok(m.clone().into_iter().collect()),
        other => Err(format!("`# params` must be a map, got {other:?}")),
    }
}

fn stats_text(result: &QueryResult) -> String {
    let listed: Vec<String> = result
        .stats
        .fields()
        .iter()
        .filter(|(_, v)| *v != 0)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if listed.is_empty() {
        "(none)".into()
    } else {
        listed.join(" ")
    }
}

fn check(record: &Record, outcome: &Result<QueryResult, Error>) -> Result<(), String> {
    match (&record.expect, outcome) {
        (Expect::Error(spec), Err(e)) if spec.matches(e) => Ok(()),
        (Expect::Error(spec), Err(e)) => Err(format!(
            "expected error {spec}, got {}{} ({})",
            ErrorSpec::of(e, spec),
            if spec.phase.is_none() {
                format!(" {}", e.phase().name())
            } else {
                String::new()
            },
            e.message()
        )),
        (Expect::Error(spec), Ok(_)) => Err(format!("expected error {spec}, but it succeeded")),
        (_, Err(e)) => Err(format!("unexpected error: {e}")),
        (Expect::Ok, Ok(_)) => Ok(()),
        (Expect::Stats(expected), Ok(result)) => {
            let actual: Vec<(&str, u64)> = result.stats.fields().to_vec();
            for (name, value) in actual {
                let want = expected
                    .iter()
                    .find(|(k, _)| k == name)
                    .map_or(0, |(_, v)| *v);
                if want != value {
                    return Err(format!(
                        "stats differ: expected {}, got {}",
                        if expected.is_empty() {
                            "(none)".to_string()
                        } else {
                            expected
                                .iter()
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect::<Vec<_>>()
                                .join(" ")
                        },
                        stats_text(result)
                    ));
                }
            }
            Ok(())
        }
        (Expect::Rows { ordered, lines }, Ok(result)) => {
            let Some((header, body)) = lines.split_first() else {
                return Err("the result block needs a header line".into());
            };
            let expected_columns = split_cells(header);
            if expected_columns != result.columns {
                return Err(format!(
                    "columns differ: expected {expected_columns:?}, got {:?}",
                    result.columns
                ));
            }
            let mut expected: Vec<Vec<String>> = body.iter().map(|l| split_cells(l)).collect();
            let mut actual: Vec<Vec<String>> = result.rows.iter().map(|r| cells_of(r)).collect();
            if !ordered {
                expected.sort();
                actual.sort();
            }
            if expected != actual {
                let missing: Vec<String> = expected
                    .iter()
                    .filter(|r| !actual.contains(r))
                    .map(|r| r.join(" | "))
                    .collect();
                let extra: Vec<String> = actual
                    .iter()
                    .filter(|r| !expected.contains(r))
                    .map(|r| r.join(" | "))
                    .collect();
                return Err(format!(
                    "rows differ ({} expected, {} actual{})\n  missing: {missing:#?}\n  unexpected: {extra:#?}",
                    expected.len(),
                    actual.len(),
                    if *ordered { ", in order" } else { "" }
                ));
            }
            Ok(())
        }
    }
}

/// The record rewritten to expect what actually happened, or None when it cannot be.
fn blessed(
    record: &Record,
    outcome: &Result<QueryResult, Error>,
    lines: &[&str],
) -> Option<Vec<String>> {
    let query_lines: Vec<String> = lines[record.header_line + 1..]
        .iter()
        .take_while(|l| !l.trim().is_empty() && l.trim() != "----")
        .map(|s| s.to_string())
        .collect();
    let header = match (&record.expect, outcome) {
        (Expect::Error(spec), Err(e)) => {
            format!("{} error {}", record.verb, ErrorSpec::of(e, spec))
        }
        (Expect::Stats(_), Ok(result)) => {
            let s = stats_text(result);
            if s == "(none)" {
                "statement stats".to_string()
            } else {
                format!("statement stats {s}")
            }
        }
        (Expect::Rows { ordered, .. }, Ok(result)) => {
            let rows: Vec<Vec<String>> = result.rows.iter().map(|r| cells_of(r)).collect();
            let mut out = vec![format!(
                "query {}",
                if *ordered { "ordered" } else { "unordered" }
            )];
            out.extend(query_lines);
            out.push("----".into());
            out.extend(render_block(&result.columns, &rows));
            return Some(out);
        }
        _ => return None,
    };
    let mut out = vec![header];
    out.extend(query_lines);
    Some(out)
}
