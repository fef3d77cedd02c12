//! The shell's `:commands`: parsing a command line into a [`Command`], the help text for
//! each command, and "did you mean" suggestions for unknown ones (by edit distance).

use crate::output::Format;

/// One `:command` line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help(Option<String>),
    Schema,
    /// `:param name => value` (value is a Cypher expression).
    ParamSet {
        name: String,
        expr: String,
    },
    /// `:param {a: 1, b: 'x'}` sets several parameters from a map expression.
    ParamMap(String),
    ParamClear,
    /// `:param -name` removes one parameter.
    ParamRemove(String),
    Params,
    Format(Option<Format>),
    Timing(Option<bool>),
    Explain(String),
    Source(String),
    Save(Option<String>),
    Open {
        path: String,
        force: bool,
    },
    /// `:export FORMAT [FILE] [-- QUERY]`.
    Export {
        format: crate::export::ExportFormat,
        path: Option<String>,
        query: Option<String>,
    },
    /// `:diff FILE`: what changed from the snapshot FILE to the current graph.
    Diff(String),
    /// `:why on|off`: run every query as `WHY <query>`.
    Why(Option<bool>),
    /// `:sources EXPR|QUERY`: the sentences behind a value or a query's rows.
    Sources(String),
    /// `:find NAME`: entities called NAME, by name or alias, or near it.
    Find(String),
    Begin,
    Commit,
    Rollback,
    History,
    Clear,
    MaxRows(Option<usize>),
    Quit {
        force: bool,
    },
}

/// A command's name, argument synopsis and one-line summary, in `:help` order.
pub struct CommandInfo {
    pub name: &'static str,
    pub args: &'static str,
    pub summary: &'static str,
    pub details: &'static str,
}

/// Every command the shell knows, in the order `:help` lists them.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: "help",
        args: "[command]",
        summary: "list the commands, or explain one",
        details: "`:help` lists every command; `:help param` explains one of them.",
    },
    CommandInfo {
        name: "schema",
        args: "",
        summary: "labels, relationship types and property keys with counts and types",
        details: "Computed from the graph as it is now: node labels with counts, relationship\n\
                  types with counts and the (from)-[type]->(to) label pairs they connect, and\n\
                  the property keys of each label and type with the value types they hold.",
    },
    CommandInfo {
        name: "param",
        args: "name => value | {map} | clear",
        summary: "set a query parameter ($name) from a Cypher expression",
        details:
            "`:param limit => 10` sets $limit; the value is any Cypher expression, evaluated\n\
                  once (`:param since => date().year - 1`). `:param {a: 1, b: 'x'}` sets several\n\
                  at once, `:param -name` removes one, `:param clear` removes them all.",
    },
    CommandInfo {
        name: "params",
        args: "",
        summary: "list the query parameters",
        details: "Shows every parameter set with `:param` as `$name => value`.",
    },
    CommandInfo {
        name: "format",
        args: "table|json|csv",
        summary: "how results are printed",
        details: "`table` (aligned columns, the default), `json` (one JSON object per statement,\n\
                  as `kg --format json` prints) or `csv` (RFC 4180 with a header row).",
    },
    CommandInfo {
        name: "timing",
        args: "on|off",
        summary: "show parse, plan and execute time after each result",
        details: "With timing on, each result is followed by the time spent parsing, planning\n\
                  and executing the statement.",
    },
    CommandInfo {
        name: "explain",
        args: "QUERY",
        summary: "show the plan of a query without running it",
        details: "`:explain MATCH (n:Person) RETURN n` is the same as `EXPLAIN MATCH ...;`.",
    },
    CommandInfo {
        name: "why",
        args: "on|off",
        summary: "show the source sentences behind every row of each query",
        details: "With why on, each query runs as `WHY <query>`: its rows are followed by the\n\
                  sentences of the article (or of your graph's sources) that the nodes and\n\
                  relationships behind each row come from. See docs/provenance.md.",
    },
    CommandInfo {
        name: "sources",
        args: "EXPR | QUERY",
        summary: "the sentences behind a node, a relationship or a query's rows",
        details: "`:sources kg.resolve('Liu He')` lists the sentences that mention Liu He;\n\
                  `:sources MATCH (:Person {name: 'Yi Gang'})-[r]->() RETURN r` those behind\n\
                  each of his relationships (the same as `WHY MATCH ...`).",
    },
    CommandInfo {
        name: "find",
        args: "NAME",
        summary: "find entities by name or alias, with near matches for misspellings",
        details: "`:find liu hu` finds Liu He by his alias; case and spacing do not matter.\n\
                  When nothing matches exactly, names containing NAME as a word and names\n\
                  within a small edit distance are listed (`:find Lighthiser`). In queries,\n\
                  `kg.resolve('Liu Hu')` gives the node.",
    },
    CommandInfo {
        name: "source",
        args: "FILE",
        summary: "run the statements of a Cypher script file",
        details:
            "Runs each `;`-separated statement of FILE in order and stops at the first error,\n\
                  which is shown with its line in the file. Ctrl-C stops the script.",
    },
    CommandInfo {
        name: "save",
        args: "[FILE]",
        summary: "save the graph to a snapshot file",
        details:
            "`:save` writes the file the graph was opened from; `:save FILE` writes FILE and\n\
                  makes it the current file.",
    },
    CommandInfo {
        name: "open",
        args: "FILE",
        summary: "open a snapshot file instead of the current graph",
        details: "Refuses when the current graph has unsaved changes; `:open! FILE` discards them.",
    },
    CommandInfo {
        name: "export",
        args: "FORMAT [FILE] [-- QUERY]",
        summary: "export the graph or a query's result (cypher, jsonl, csv, ntriples, dot, svg)",
        details: "`:export cypher graph.cypher` writes a script that rebuilds the graph;\n\
                  `:export svg liu.svg -- MATCH p = (:Person {name: 'Liu He'})-[:MET]->() RETURN p`\n\
                  draws what the query returns. Without FILE the export is printed (csv needs\n\
                  a new directory as FILE). Formats are described in docs/export.md.",
    },
    CommandInfo {
        name: "diff",
        args: "FILE",
        summary: "what changed from the snapshot FILE to the current graph",
        details: "Lists nodes and relationships added (+), removed (-) and changed (~, with\n\
                  `key: old → new`), paired by id, and index changes; see docs/diff.md.",
    },
    CommandInfo {
        name: "begin",
        args: "",
        summary: "start an explicit transaction",
        details: "Statements after `:begin` are applied together by `:commit` or undone by\n\
                  `:rollback`. The prompt shows `kg[tx]>` while a transaction is open.",
    },
    CommandInfo {
        name: "commit",
        args: "",
        summary: "commit the open transaction",
        details: "Keeps every change made since `:begin`.",
    },
    CommandInfo {
        name: "rollback",
        args: "",
        summary: "undo the open transaction",
        details: "Undoes every change made since `:begin`.",
    },
    CommandInfo {
        name: "history",
        args: "",
        summary: "list the statements entered so far (Ctrl-R searches them)",
        details: "History is kept across sessions in $XDG_DATA_HOME/kg/history\n\
                  (~/.local/share/kg/history) unless kg was started with --no-history.",
    },
    CommandInfo {
        name: "clear",
        args: "",
        summary: "clear the screen",
        details: "Same as Ctrl-L.",
    },
    CommandInfo {
        name: "maxrows",
        args: "N",
        summary: "show at most N rows of a table (0: all)",
        details: "Tables stop after N rows (1000 by default) with a line saying how many more\n\
                  there are; JSON and CSV output always has every row.",
    },
    CommandInfo {
        name: "quit",
        args: "",
        summary: "leave the shell (`:quit!` even with unsaved changes)",
        details: "Warns once when the graph has unsaved changes; `:quit!` (or a second `:quit`)\n\
                  leaves anyway. Ctrl-D does the same as `:quit`.",
    },
];

/// Names accepted besides those in [`COMMANDS`].
const ALIASES: &[(&str, &str)] = &[("exit", "quit"), ("q", "quit"), ("h", "help")];

/// The help entry of a command name (with or without the leading `:`), aliases included.
pub fn info(name: &str) -> Option<&'static CommandInfo> {
    let name = name.trim().trim_start_matches(':').trim_end_matches('!');
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, real)| *real)
        .unwrap_or(name);
    COMMANDS.iter().find(|c| c.name == name)
}

/// All command names with their `:` (for completion), `:quit!` and `:open!` included.
pub fn command_words() -> Vec<String> {
    let mut words: Vec<String> = COMMANDS.iter().map(|c| format!(":{}", c.name)).collect();
    words.push(":quit!".into());
    words.push(":open!".into());
    words.push(":exit".into());
    words
}

/// True when the input line is a `:command` rather than Cypher.
pub fn is_command(line: &str) -> bool {
    line.trim_start().starts_with(':')
}

/// Parses a `:command` line. Errors are messages for the user.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    // A trailing `;` is a habit from Cypher; accept it.
    let line = line.strip_suffix(';').unwrap_or(line).trim_end();
    let body = line.strip_prefix(':').unwrap_or(line);
    let (word, rest) = match body.find(char::is_whitespace) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => (body, ""),
    };
    let lower = word.to_ascii_lowercase();
    let (name, bang) = match lower.strip_suffix('!') {
        Some(n) => (n, true),
        None => (lower.as_str(), false),
    };
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, real)| *real)
        .unwrap_or(name);
    if bang && name != "quit" && name != "open" {
        return Err(unknown(word));
    }
    let no_args = |cmd: Command| {
        if rest.is_empty() {
            Ok(cmd)
        } else {
            Err(format!(":{name} takes no arguments"))
        }
    };
    match name {
        "help" => Ok(Command::Help(if rest.is_empty() {
            None
        } else {
            Some(rest.trim_start_matches(':').to_string())
        })),
        "schema" => no_args(Command::Schema),
        "param" => parse_param(rest),
        "params" => match rest {
            "" => Ok(Command::Params),
            "clear" => Ok(Command::ParamClear),
            _ => Err("usage: :params (or :param clear)".into()),
        },
        "format" => match rest {
            "" => Ok(Command::Format(None)),
            f => f.parse::<Format>().map(|f| Command::Format(Some(f))),
        },
        "timing" => match rest.to_ascii_lowercase().as_str() {
            "" => Ok(Command::Timing(None)),
            "on" | "true" | "1" => Ok(Command::Timing(Some(true))),
            "off" | "false" | "0" => Ok(Command::Timing(Some(false))),
            _ => Err("usage: :timing on|off".into()),
        },
        "why" => match rest.to_ascii_lowercase().as_str() {
            "" => Ok(Command::Why(None)),
            "on" | "true" | "1" => Ok(Command::Why(Some(true))),
            "off" | "false" | "0" => Ok(Command::Why(Some(false))),
            _ => Err("usage: :why on|off".into()),
        },
        "sources" => {
            if rest.is_empty() {
                Err(
                    "usage: :sources EXPR (e.g. :sources kg.resolve('Liu He')) or :sources QUERY"
                        .into(),
                )
            } else {
                Ok(Command::Sources(rest.to_string()))
            }
        }
        "find" => {
            if rest.is_empty() {
                Err("usage: :find NAME".into())
            } else {
                Ok(Command::Find(unquote(rest)))
            }
        }
        "explain" => {
            if rest.is_empty() {
                Err("usage: :explain QUERY".into())
            } else {
                Ok(Command::Explain(rest.to_string()))
            }
        }
        "source" => {
            if rest.is_empty() {
                Err("usage: :source FILE".into())
            } else {
                Ok(Command::Source(unquote(rest)))
            }
        }
        "save" => Ok(Command::Save(if rest.is_empty() {
            None
        } else {
            Some(unquote(rest))
        })),
        "open" => {
            if rest.is_empty() {
                Err("usage: :open FILE".into())
            } else {
                Ok(Command::Open {
                    path: unquote(rest),
                    force: bang,
                })
            }
        }
        "export" => parse_export(rest),
        "diff" => {
            if rest.is_empty() {
                Err("usage: :diff FILE".into())
            } else {
                Ok(Command::Diff(unquote(rest)))
            }
        }
        "begin" => no_args(Command::Begin),
        "commit" => no_args(Command::Commit),
        "rollback" => no_args(Command::Rollback),
        "history" => no_args(Command::History),
        "clear" => no_args(Command::Clear),
        "maxrows" => match rest {
            "" => Ok(Command::MaxRows(None)),
            n => n
                .parse::<usize>()
                .map(|n| Command::MaxRows(Some(n)))
                .map_err(|_| "usage: :maxrows N (a whole number; 0 shows every row)".into()),
        },
        "quit" => no_args(Command::Quit { force: bang }),
        _ => Err(unknown(word)),
    }
}

fn parse_param(rest: &str) -> Result<Command, String> {
    const USAGE: &str = "usage: :param name => value, :param {name: value, ...}, :param -name, \
                         :param clear";
    if rest.is_empty() {
        return Ok(Command::Params);
    }
    if rest == "clear" {
        return Ok(Command::ParamClear);
    }
    if rest == "list" {
        return Ok(Command::Params);
    }
    if rest.starts_with('{') {
        return Ok(Command::ParamMap(rest.to_string()));
    }
    if let Some(name) = rest.strip_prefix('-') {
        let name = name.trim().trim_start_matches('$');
        if is_identifier(name) {
            return Ok(Command::ParamRemove(name.to_string()));
        }
        return Err(USAGE.into());
    }
    // `name => value`, also `name: value` and `name = value` as other shells spell it.
    let (name, expr) = if let Some(i) = rest.find("=>") {
        (&rest[..i], &rest[i + 2..])
    } else if let Some(i) = rest.find([':', '=']) {
        (&rest[..i], &rest[i + 1..])
    } else {
        return Err(USAGE.into());
    };
    let name = name.trim().trim_start_matches('$');
    let name = name
        .strip_prefix('`')
        .and_then(|n| n.strip_suffix('`'))
        .unwrap_or(name);
    let expr = expr.trim();
    if name.is_empty() || expr.is_empty() {
        return Err(USAGE.into());
    }
    Ok(Command::ParamSet {
        name: name.to_string(),
        expr: expr.to_string(),
    })
}

fn parse_export(rest: &str) -> Result<Command, String> {
    const USAGE: &str = "usage: :export FORMAT [FILE] [-- QUERY] (FORMAT: cypher, jsonl, csv, \
                         ntriples, dot or svg)";
    // The query follows a `--` that starts the arguments or follows a space.
    let dashes = if rest.starts_with("--") {
        Some(0)
    } else {
        rest.find(" --").map(|i| i + 1)
    };
    let (head, query) = match dashes {
        Some(i) => (rest[..i].trim(), Some(rest[i + 2..].trim().to_string())),
        None => (rest.trim(), None),
    };
    if query.as_deref() == Some("") {
        return Err(USAGE.into());
    }
    let (format, path) = match head.split_once(char::is_whitespace) {
        Some((f, p)) => (f, Some(unquote(p.trim()))),
        None => (head, None),
    };
    if format.is_empty() {
        return Err(USAGE.into());
    }
    let format = format.parse::<crate::export::ExportFormat>()?;
    Ok(Command::Export {
        format,
        path,
        query,
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// A file name argument with optional surrounding quotes removed.
fn unquote(s: &str) -> String {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    s.to_string()
}

fn unknown(word: &str) -> String {
    match suggest(word) {
        Some(s) => format!("unknown command :{word} (did you mean :{s}?)"),
        None => format!("unknown command :{word} (:help lists the commands)"),
    }
}

/// The known command closest to `word` by edit distance, if it is close enough.
pub fn suggest(word: &str) -> Option<&'static str> {
    let word = word.trim_start_matches(':').to_ascii_lowercase();
    if word.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'static str)> = None;
    for c in COMMANDS {
        let d = if c.name.starts_with(&word) {
            // A prefix is as good as one edit.
            1
        } else {
            edit_distance(&word, c.name)
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c.name));
        }
    }
    let (d, name) = best?;
    let limit = match word.chars().count() {
        0..=3 => 1,
        4..=5 => 2,
        _ => 3,
    };
    (d <= limit).then_some(name)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// The `:help` text: every command, or the details of one.
pub fn help(topic: Option<&str>) -> String {
    match topic {
        None => {
            let mut out = String::from(
                "Statements end with `;` and may span lines; commands start with `:`.\n\
                 Tab completes keywords, functions, labels, types, property keys and variables;\n\
                 Ctrl-R searches history, Ctrl-C cancels the input or a running query, Ctrl-D quits.\n\n",
            );
            let width = COMMANDS
                .iter()
                .map(|c| c.name.len() + 2 + c.args.len())
                .max()
                .unwrap_or(0);
            for c in COMMANDS {
                let head = if c.args.is_empty() {
                    format!(":{}", c.name)
                } else {
                    format!(":{} {}", c.name, c.args)
                };
                out.push_str(&format!("  {head:<width$}  {}\n", c.summary));
            }
            out.push_str("\n:help COMMAND explains one command.");
            out
        }
        Some(topic) => match info(topic) {
            Some(c) => {
                let head = if c.args.is_empty() {
                    format!(":{}", c.name)
                } else {
                    format!(":{} {}", c.name, c.args)
                };
                format!("{head}\n  {}\n\n{}", c.summary, c.details)
            }
            None => unknown(topic.trim_start_matches(':')),
        },
    }
}

/// What to show as a hint after a complete command name, e.g. ` name => value` after
/// `:param`.
pub fn synopsis(name: &str) -> Option<&'static str> {
    info(name).map(|c| c.args).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_with_arguments() {
        assert_eq!(parse(":schema"), Ok(Command::Schema));
        assert_eq!(parse("  :SCHEMA  "), Ok(Command::Schema));
        assert_eq!(
            parse(":param limit => 10"),
            Ok(Command::ParamSet {
                name: "limit".into(),
                expr: "10".into()
            })
        );
        assert_eq!(
            parse(":param name: 'Liu He'"),
            Ok(Command::ParamSet {
                name: "name".into(),
                expr: "'Liu He'".into()
            })
        );
        assert_eq!(
            parse(":param m => {a: 1}"),
            Ok(Command::ParamSet {
                name: "m".into(),
                expr: "{a: 1}".into()
            })
        );
        assert_eq!(
            parse(":param {a: 1, b: 'x'}"),
            Ok(Command::ParamMap("{a: 1, b: 'x'}".into()))
        );
        assert_eq!(parse(":param clear"), Ok(Command::ParamClear));
        assert_eq!(parse(":param -x"), Ok(Command::ParamRemove("x".into())));
        assert_eq!(parse(":params"), Ok(Command::Params));
        assert_eq!(
            parse(":format json"),
            Ok(Command::Format(Some(Format::Json)))
        );
        assert_eq!(parse(":format"), Ok(Command::Format(None)));
        assert!(parse(":format xml").unwrap_err().contains("unknown format"));
        assert_eq!(parse(":timing on"), Ok(Command::Timing(Some(true))));
        assert_eq!(parse(":timing OFF"), Ok(Command::Timing(Some(false))));
        assert_eq!(parse(":maxrows 20"), Ok(Command::MaxRows(Some(20))));
        assert!(parse(":maxrows many").is_err());
        assert_eq!(
            parse(":explain MATCH (n) RETURN n;"),
            Ok(Command::Explain("MATCH (n) RETURN n".into()))
        );
        assert_eq!(
            parse(":source 'my file.cypher'"),
            Ok(Command::Source("my file.cypher".into()))
        );
        assert_eq!(parse(":save"), Ok(Command::Save(None)));
        assert_eq!(parse(":save g.kg"), Ok(Command::Save(Some("g.kg".into()))));
        assert_eq!(
            parse(":open! g.kg"),
            Ok(Command::Open {
                path: "g.kg".into(),
                force: true
            })
        );
        assert_eq!(parse(":quit"), Ok(Command::Quit { force: false }));
        assert_eq!(parse(":quit!"), Ok(Command::Quit { force: true }));
        assert_eq!(parse(":exit"), Ok(Command::Quit { force: false }));
        assert_eq!(
            parse(":help param"),
            Ok(Command::Help(Some("param".into())))
        );
        assert_eq!(parse(":schema;"), Ok(Command::Schema));
        assert_eq!(
            parse(":export svg 'a b.svg' -- MATCH p = ()-->() RETURN p"),
            Ok(Command::Export {
                format: crate::export::ExportFormat::Svg,
                path: Some("a b.svg".into()),
                query: Some("MATCH p = ()-->() RETURN p".into())
            })
        );
        assert_eq!(
            parse(":export jsonl"),
            Ok(Command::Export {
                format: crate::export::ExportFormat::Jsonl,
                path: None,
                query: None
            })
        );
        assert!(parse(":export xml")
            .unwrap_err()
            .contains("unknown export format"));
        assert_eq!(parse(":diff old.kg"), Ok(Command::Diff("old.kg".into())));
    }

    #[test]
    fn rejects_stray_arguments_and_unknown_commands() {
        assert_eq!(
            parse(":commit now"),
            Err(":commit takes no arguments".to_string())
        );
        assert_eq!(
            parse(":shema"),
            Err("unknown command :shema (did you mean :schema?)".to_string())
        );
        assert_eq!(
            parse(":scheam"),
            Err("unknown command :scheam (did you mean :schema?)".to_string())
        );
        assert_eq!(
            parse(":frobnicate"),
            Err("unknown command :frobnicate (:help lists the commands)".to_string())
        );
        assert!(parse(":schema!").is_err());
    }

    #[test]
    fn suggestions_by_edit_distance_and_prefix() {
        assert_eq!(suggest("hepl"), Some("help"));
        assert_eq!(suggest("parms"), Some("params"));
        assert_eq!(suggest("tim"), Some("timing"));
        assert_eq!(suggest("rolback"), Some("rollback"));
        assert_eq!(suggest("xyz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn help_lists_every_command_and_explains_one() {
        let all = help(None);
        for c in COMMANDS {
            assert!(all.contains(&format!(":{}", c.name)), "{} missing", c.name);
        }
        let one = help(Some(":param"));
        assert!(one.starts_with(":param name => value"));
        assert!(help(Some("exit")).starts_with(":quit"));
        assert!(help(Some("shema")).contains("did you mean :schema?"));
    }
}
