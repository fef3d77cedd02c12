//! The subset of Gherkin the openCypher TCK uses: features, backgrounds, scenarios,
//! scenario outlines with example tables (expanded into one scenario per row), steps with
//! doc strings and tables, tags. Mirrors `parse_feature` in `../shared/tools/tck_run.py`.

use std::path::Path;

/// One step: `Given an empty graph`, `When executing query:` with its doc string, …
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub docstring: Option<String>,
    pub table: Option<Vec<Vec<String>>>,
}

/// A concrete scenario (an outline's example row is one scenario).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The feature file, relative to the features folder, e.g. `clauses/match/Match1.feature`.
    pub path: String,
    pub feature: String,
    pub name: String,
    /// The line of the scenario, or of its example row.
    pub line: usize,
    pub tags: Vec<String>,
    pub steps: Vec<Step>,
    /// 1-based row number for outline rows.
    pub example: Option<usize>,
}

impl Scenario {
    /// The first two folder levels, e.g. `clauses/match`.
    pub fn area(&self) -> String {
        let folders: Vec<&str> = self.path.split('/').collect();
        let folders = &folders[..folders.len() - 1];
        if folders.is_empty() {
            ".".into()
        } else {
            folders[..folders.len().min(2)].join("/")
        }
    }

    /// The test name: `clauses/match/Match1 [3] Matching nodes using multiple labels`, with
    /// ` (example N)` for outline rows.
    pub fn test_name(&self) -> String {
        let stem = self.path.strip_suffix(".feature").unwrap_or(&self.path);
        let mut name = format!("{stem} {}", self.name);
        if let Some(n) = self.example {
            name.push_str(&format!(" (example {n})"));
        }
        name.replace('\n', "\\n").trim().to_string()
    }
}

const HEADERS: [&str; 9] = [
    "Feature",
    "Background",
    "Scenario Outline",
    "Scenario Template",
    "Scenario",
    "Example",
    "Examples",
    "Scenarios",
    "Rule",
];
const STEP_KEYWORDS: [&str; 6] = ["Given", "When", "Then", "And", "But", "*"];

fn header(line: &str) -> Option<(&'static str, &str)> {
    HEADERS.iter().find_map(|kw| {
        line.strip_prefix(kw)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(|title| (*kw, title.trim()))
    })
}

fn step_line(line: &str) -> Option<(&'static str, &str)> {
    STEP_KEYWORDS.iter().find_map(|kw| {
        let rest = line.strip_prefix(kw)?;
        rest.starts_with(char::is_whitespace)
            .then(|| (*kw, rest.trim()))
    })
}

fn leading_ws(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// Splits a `| a | b |` row, applying Gherkin's cell escapes (`\|`, `\\`, `\n`).
pub fn split_table_row(line: &str) -> Result<Vec<String>, String> {
    let s: Vec<char> = line.trim().chars().collect();
    if s.first() != Some(&'|') {
        return Err(format!("not a table row: {line:?}"));
    }
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut i = 1;
    while i < s.len() {
        let c = s[i];
        if c == '\\' && i + 1 < s.len() {
            match s[i + 1] {
                next @ ('|' | '\\') => cur.push(next),
                'n' => cur.push('\n'),
                next => {
                    cur.push(c);
                    cur.push(next);
                }
            }
            i += 2;
            continue;
        }
        if c == '|' {
            cells.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
        i += 1;
    }
    if !cur.trim().is_empty() {
        return Err(format!("table row does not end with '|': {line:?}"));
    }
    Ok(cells)
}

struct RawScenario {
    name: String,
    line: usize,
    tags: Vec<String>,
    steps: Vec<Step>,
    outline: bool,
    examples: Vec<Examples>,
}

struct Examples {
    tags: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// Where new steps go while reading.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Nowhere,
    Background,
    Scenario,
}

/// Parses one feature file into concrete scenarios (outlines expanded), plus a list of
/// problems (lines that could not be understood).
pub fn parse_feature(text: &str, path: &str) -> (Vec<Scenario>, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let mut feature_name = String::new();
    let mut feature_tags: Vec<String> = Vec::new();
    let mut background: Vec<Step> = Vec::new();
    let mut pending_tags: Vec<String> = Vec::new();
    let mut raw: Vec<RawScenario> = Vec::new();
    let mut target = Target::Nowhere;
    let mut in_examples = false;
    let mut in_description = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let stripped = line.trim();
        let lineno = i + 1;
        i += 1;
        if stripped.is_empty() || stripped.starts_with('#') {
            continue;
        }
        if stripped.starts_with('@') {
            pending_tags.extend(
                stripped
                    .split_whitespace()
                    .filter(|t| t.starts_with('@'))
                    .map(String::from),
            );
            continue;
        }
        if let Some((kind, title)) = header(stripped) {
            let tags = std::mem::take(&mut pending_tags);
            in_description = true;
            in_examples = false;
            match kind {
                "Feature" => {
                    feature_name = title.to_string();
                    feature_tags = tags;
                    target = Target::Nowhere;
                }
                "Background" => target = Target::Background,
                "Scenario" | "Example" | "Scenario Outline" | "Scenario Template" => {
                    raw.push(RawScenario {
                        name: title.to_string(),
                        line: lineno,
                        tags: feature_tags.iter().cloned().chain(tags).collect(),
                        steps: Vec::new(),
                        outline: matches!(kind, "Scenario Outline" | "Scenario Template"),
                        examples: Vec::new(),
                    });
                    target = Target::Scenario;
                }
                "Examples" | "Scenarios" => {
                    target = Target::Nowhere;
                    match raw.last_mut() {
                        Some(sc) if sc.outline => {
                            sc.examples.push(Examples {
                                tags,
                                rows: Vec::new(),
                            });
                            in_examples = true;
                        }
                        _ => problems.push(format!(
                            "{path}:{lineno}: Examples outside a Scenario Outline"
                        )),
                    }
                }
                _ => target = Target::Nowhere, // Rule
            }
            continue;
        }
        let steps: Option<&mut Vec<Step>> = match target {
            Target::Nowhere => None,
            Target::Background => Some(&mut background),
            Target::Scenario => raw.last_mut().map(|sc| &mut sc.steps),
        };
        if let (Some((keyword, text)), Some(steps)) = (step_line(stripped), steps) {
            steps.push(Step {
                keyword: keyword.to_string(),
                text: text.to_string(),
                line: lineno,
                docstring: None,
                table: None,
            });
            in_description = false;
            continue;
        }
        if stripped.starts_with("\"\"\"") || stripped.starts_with("```") {
            let delim = &stripped[..3];
            let indent = leading_ws(line);
            let mut body = Vec::new();
            while i < lines.len() && lines[i].trim() != delim {
                let body_line = lines[i];
                let lead = leading_ws(body_line).min(indent);
                body.push(body_line.chars().skip(lead).collect::<String>());
                i += 1;
            }
            if i >= lines.len() {
                problems.push(format!("{path}:{lineno}: unterminated doc string"));
                break;
            }
            i += 1; // the closing delimiter
            let steps = match target {
                Target::Nowhere => None,
                Target::Background => Some(&mut background),
                Target::Scenario => raw.last_mut().map(|sc| &mut sc.steps),
            };
            match steps.and_then(|s| s.last_mut()) {
                Some(step) => {
                    step.docstring = Some(body.join("\n").replace("\\\"\\\"\\\"", "\"\"\""))
                }
                None => problems.push(format!("{path}:{lineno}: doc string without a step")),
            }
            continue;
        }
        if stripped.starts_with('|') {
            let cells = match split_table_row(stripped) {
                Ok(cells) => cells,
                Err(e) => {
                    problems.push(format!("{path}:{lineno}: {e}"));
                    continue;
                }
            };
            if in_examples {
                if let Some(ex) = raw.last_mut().and_then(|sc| sc.examples.last_mut()) {
                    ex.rows.push((lineno, cells));
                }
                continue;
            }
            let steps = match target {
                Target::Nowhere => None,
                Target::Background => Some(&mut background),
                Target::Scenario => raw.last_mut().map(|sc| &mut sc.steps),
            };
            match steps.and_then(|s| s.last_mut()) {
                Some(step) => step.table.get_or_insert_with(Vec::new).push(cells),
                None => problems.push(format!("{path}:{lineno}: table without a step")),
            }
            continue;
        }
        if !in_description {
            let shown: String = stripped.chars().take(60).collect();
            problems.push(format!("{path}:{lineno}: unrecognised line: {shown:?}"));
        }
    }

    let mut scenarios = Vec::new();
    for sc in raw {
        let all_steps: Vec<Step> = background.iter().chain(&sc.steps).cloned().collect();
        if !sc.outline {
            scenarios.push(Scenario {
                path: path.to_string(),
                feature: feature_name.clone(),
                name: sc.name,
                line: sc.line,
                tags: sc.tags,
                steps: all_steps,
                example: None,
            });
            continue;
        }
        let mut number = 0;
        for ex in &sc.examples {
            let Some((_, header)) = ex.rows.first() else {
                continue;
            };
            for (lineno, cells) in &ex.rows[1..] {
                number += 1;
                if cells.len() != header.len() {
                    problems.push(format!(
                        "{path}:{lineno}: example row has {} cells, header has {}",
                        cells.len(),
                        header.len()
                    ));
                    continue;
                }
                let mut keys: Vec<(&str, &str)> = header
                    .iter()
                    .map(String::as_str)
                    .zip(cells.iter().map(String::as_str))
                    .collect();
                keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
                scenarios.push(Scenario {
                    path: path.to_string(),
                    feature: feature_name.clone(),
                    name: substitute(&sc.name, &keys),
                    line: *lineno,
                    tags: sc.tags.iter().chain(&ex.tags).cloned().collect(),
                    steps: all_steps
                        .iter()
                        .map(|s| substitute_step(s, &keys))
                        .collect(),
                    example: Some(number),
                });
            }
        }
        if number == 0 {
            problems.push(format!(
                "{path}:{}: Scenario Outline without example rows",
                sc.line
            ));
        }
    }
    (scenarios, problems)
}

/// Replaces every `<key>` by its value in one left-to-right pass (longest key first).
fn substitute(text: &str, keys: &[(&str, &str)]) -> String {
    if keys.is_empty() || !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        for (key, value) in keys {
            let with_brackets_len = key.len() + 2;
            if rest.len() >= with_brackets_len
                && rest[1..].starts_with(key)
                && rest[1 + key.len()..].starts_with('>')
            {
                out.push_str(value);
                rest = &rest[with_brackets_len..];
                continue 'scan;
            }
        }
        out.push('<');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn substitute_step(step: &Step, keys: &[(&str, &str)]) -> Step {
    Step {
        keyword: step.keyword.clone(),
        text: substitute(&step.text, keys),
        line: step.line,
        docstring: step.docstring.as_ref().map(|d| substitute(d, keys)),
        table: step.table.as_ref().map(|rows| {
            rows.iter()
                .map(|row| row.iter().map(|c| substitute(c, keys)).collect())
                .collect()
        }),
    }
}

/// Parses every `.feature` file below `dir` (sorted by path). Returns the scenarios, the
/// problems found and the number of feature files.
pub fn load_scenarios(dir: &Path) -> (Vec<Scenario>, Vec<String>, usize) {
    let mut files = Vec::new();
    collect_features(dir, &mut files);
    let mut names: Vec<(String, std::path::PathBuf)> = files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(dir)
                .unwrap_or(&f)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (rel, f)
        })
        .collect();
    names.sort();
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for (rel, file) in &names {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                let (found, probs) = parse_feature(&text, rel);
                scenarios.extend(found);
                problems.extend(probs);
            }
            Err(e) => problems.push(format!("{rel}: cannot read: {e}")),
        }
    }
    (scenarios, problems, names.len())
}

fn collect_features(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_features(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}
