//! The interactive shell driven through a real pseudo-terminal with expectrl: banner,
//! tables, multi-line statements, Tab completion, caret errors, Ctrl-C cancelling a
//! running query, persistent history, the unsaved-changes warning, and piped stdin.
//! Every wait has a timeout, so a broken shell fails a test instead of hanging it.

#![cfg(unix)]

use expectrl::{ControlCode, Eof, Regex, Session};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PROMPT: &str = "kg> ";
/// rustyline turns bracketed paste off when it hands a line over: the input is done and
/// whatever follows is the shell's output.
const LINE_DONE: &str = "\x1b[?2004l";
const UP: &str = "\x1b[A";

/// A shell running in a pseudo-terminal with its own home directory.
struct Shell {
    session: Session,
}

fn command(home: &Path, args: &[&str], color: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kg"));
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    if !color {
        cmd.env("NO_COLOR", "1");
    }
    cmd
}

impl Shell {
    fn start(home: &Path, args: &[&str]) -> Shell {
        Shell::start_with(home, args, false)
    }

    fn start_with(home: &Path, args: &[&str], color: bool) -> Shell {
        let mut session = Session::spawn(command(home, args, color)).expect("spawn kg");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        let mut shell = Shell { session };
        shell.expect(PROMPT);
        shell
    }

    /// Waits for `needle`; returns everything printed before it.
    fn expect(&mut self, needle: &str) -> String {
        match self.session.expect(needle) {
            Ok(found) => String::from_utf8_lossy(found.before()).into_owned(),
            Err(e) => panic!("waiting for {needle:?}: {e}"),
        }
    }

    fn expect_regex(&mut self, pattern: &str) -> String {
        match self.session.expect(Regex(pattern)) {
            Ok(found) => String::from_utf8_lossy(found.as_bytes()).into_owned(),
            Err(e) => panic!("waiting for /{pattern}/: {e}"),
        }
    }

    /// Types text as a user would (Enter is `\r`).
    fn send(&mut self, text: &str) {
        self.session.send(text).expect("write to the terminal");
        self.session.flush().expect("flush");
    }

    /// Types a line and presses Enter, then returns the output up to the next prompt.
    fn run(&mut self, line: &str) -> String {
        self.send(line);
        self.send("\r");
        self.output()
    }

    /// Waits for the line being edited to be accepted, then returns the output up to the
    /// next prompt.
    fn output(&mut self) -> String {
        self.expect(LINE_DONE);
        self.expect(PROMPT)
    }

    fn control(&mut self, code: ControlCode) {
        self.session.send(code).expect("send a control key");
    }

    fn expect_exit(&mut self) {
        if let Err(e) = self.session.expect(Eof) {
            panic!("kg did not exit: {e}");
        }
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        let _ = self.session.get_process_mut().exit(true);
    }
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary home")
}

fn history_file(home: &Path) -> PathBuf {
    home.join("data").join("kg").join("history")
}

#[test]
fn banner_names_the_graph_and_counts() {
    let home = home();
    let mut session = Session::spawn(command(home.path(), &[], false)).expect("spawn kg");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    let banner = session
        .expect(Regex(r"kg \d+\.\d+\.\d+ · seed graph[^·\r\n]* · \d+ nodes, \d+ relationships · :help for help"))
        .expect("banner");
    assert!(!banner.as_bytes().is_empty());
    session.expect(PROMPT).expect("prompt");
    let mut shell = Shell { session };
    shell.send(":quit\r");
    shell.expect_exit();
}

#[test]
fn a_query_prints_an_aligned_table_with_a_footer() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    let out = shell.run("RETURN 1 + 2 AS three, 'Liu He' AS name, [1, 2] AS list;");
    assert!(out.contains("│ three ┆ name     ┆ list   │"), "{out}");
    assert!(out.contains("│ 3     ┆ 'Liu He' ┆ [1, 2] │"), "{out}");
    let footer = regex::Regex::new(r"1 row · \d+(\.\d+)? m?s").expect("regex");
    assert!(footer.is_match(&out), "{out}");
    let out = shell.run("UNWIND [] AS x RETURN x;");
    assert!(out.contains("(no rows)"), "{out}");
    let out = shell.run("CREATE (:Person {name: 'Ann'}), (:Person {name: 'Bo'});");
    assert!(
        out.contains("Created 2 nodes, set 2 properties, added 2 labels"),
        "{out}"
    );
}

#[test]
fn a_statement_may_span_lines() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run("CREATE (:City {name: 'Beijing'}), (:City {name: 'Washington'});");
    shell.send("MATCH (c:City)\r");
    shell.send("WHERE c.name STARTS WITH 'B'\r");
    // Nothing runs until the `;`.
    std::thread::sleep(Duration::from_millis(300));
    shell.send("RETURN c.name AS city;\r");
    let out = shell.output();
    assert!(out.contains("'Beijing'"), "{out}");
    assert!(!out.contains("'Washington'"), "{out}");
    assert!(out.contains("1 row"), "{out}");
}

#[test]
fn tab_completes_labels_types_and_property_keys() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run(
        "CREATE (:Person {name: 'Liu He', born: 1952})-[:MET {day: 'Wednesday'}]->(:Person {name: 'Robert Lighthizer'});",
    );
    shell.send("MATCH (p:Pers\t");
    shell.expect("MATCH (p:Person");
    shell.send(")-[m:M\t");
    shell.expect("-[m:MET");
    shell.send("]->(q) RETURN p.bo\t");
    shell.expect("RETURN p.born");
    shell.send(", m.d\t");
    shell.expect("m.day");
    shell.send(";\r");
    let out = shell.output();
    assert!(out.contains("p.born"), "{out}");
    assert!(out.contains("1952"), "{out}");
    assert!(out.contains("'Wednesday'"), "{out}");
    // File names after :source, :open and :save.
    std::fs::write(
        home.path().join("script_one.cypher"),
        "RETURN 'from the file' AS f;\n",
    )
    .expect("write a script");
    shell.send(":source scr\t");
    shell.expect(":source script_one.cypher");
    shell.send("\r");
    let out = shell.output();
    assert!(out.contains("'from the file'"), "{out}");
    assert!(
        out.contains("ran 1 statement from script_one.cypher"),
        "{out}"
    );
    // Commands complete too.
    shell.send(":sche\t");
    shell.expect(":schema");
    shell.send("\r");
    let out = shell.output();
    assert!(out.contains("(:Person)-[:MET]->(:Person)"), "{out}");
}

#[test]
fn a_syntax_error_shows_a_caret_and_the_session_continues() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    let out = shell.run("MATCH (n:Person RETURN n;");
    assert!(out.contains("error[SyntaxError"), "{out}");
    assert!(out.contains("1 | MATCH (n:Person RETURN n"), "{out}");
    assert!(out.contains("  |                 ^"), "{out}");
    let out = shell.run("RETURN undefined_thing;");
    assert!(out.contains("UndefinedVariable"), "{out}");
    let out = shell.run("RETURN 'still here' AS s;");
    assert!(out.contains("'still here'"), "{out}");
    let out = shell.run(":shema");
    assert!(out.contains("did you mean :schema?"), "{out}");
}

#[test]
fn ctrl_c_cancels_a_running_query_and_keeps_the_session() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run("CREATE (:Kept {v: 1});");
    shell.send("UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(*);\r");
    // Once the line is accepted the terminal is back in cooked mode, where Ctrl-C is
    // SIGINT; let the query get going, then interrupt it.
    shell.expect(LINE_DONE);
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    shell.control(ControlCode::EndOfText);
    let out = shell.expect(PROMPT);
    assert!(out.contains("TransientError"), "{out}");
    assert!(out.contains("cancelled"), "{out}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let out = shell.run("MATCH (k:Kept) RETURN k.v AS v;");
    assert!(out.contains("│ 1 │"), "{out}");
    // Ctrl-C at the prompt abandons the input.
    shell.send("RETURN 'abandoned'");
    shell.expect("RETURN 'abandoned'");
    shell.control(ControlCode::EndOfText);
    let out = shell.output();
    assert!(!out.contains("error"), "{out}");
    let out = shell.run("RETURN 'next' AS n;");
    assert!(out.contains("'next'"), "{out}");
    assert!(!out.contains("'abandoned' "), "{out}");
}

#[test]
fn history_is_saved_and_recalled_in_a_new_session() {
    let home = home();
    {
        let mut shell = Shell::start(home.path(), &["--empty"]);
        shell.run("RETURN 40 + 2 AS answer;");
        shell.send("MATCH (n)\r");
        shell.send("RETURN count(n) AS nodes;\r");
        shell.output();
        // Ctrl-D leaves without adding to the history.
        shell.control(ControlCode::EndOfTransmission);
        shell.expect_exit();
    }
    let saved = std::fs::read_to_string(history_file(home.path())).expect("history file");
    assert!(saved.contains("RETURN 40 + 2 AS answer;"), "{saved}");
    assert!(
        saved.contains("MATCH (n)\\n    RETURN count(n) AS nodes;"),
        "{saved}"
    );

    let mut shell = Shell::start(home.path(), &["--empty"]);
    // Up recalls the last statement, both of its lines.
    shell.send(UP);
    shell.expect("RETURN count(n) AS nodes;");
    shell.send("\r");
    let out = shell.output();
    assert!(out.contains("│ nodes │"), "{out}");
    // Ctrl-R searches backwards.
    shell.send("\x12");
    shell.send("40 + 2");
    shell.expect("RETURN 40 + 2 AS answer;");
    shell.send("\r");
    let out = shell.output();
    assert!(out.contains("│ 42     │"), "{out}");
    let out = shell.run(":history");
    assert!(out.contains("RETURN 40 + 2 AS answer;"), "{out}");
}

#[test]
fn no_history_writes_no_file() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty", "--no-history"]);
    shell.run("RETURN 1;");
    shell.send(":quit\r");
    shell.expect_exit();
    assert!(!history_file(home.path()).exists());
}

#[test]
fn quitting_with_unsaved_changes_warns_once() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run("CREATE (:Draft {v: 1});");
    let out = shell.run(":quit");
    assert!(out.contains("unsaved changes"), "{out}");
    shell.send(":quit\r");
    shell.expect_exit();

    // Ctrl-D likewise: the first warns, the second leaves.
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run("CREATE (:Draft {v: 1});");
    shell.control(ControlCode::EndOfTransmission);
    let out = shell.output();
    assert!(out.contains("unsaved changes"), "{out}");
    assert!(out.contains("Ctrl-D again"), "{out}");
    shell.control(ControlCode::EndOfTransmission);
    shell.expect_exit();

    // :quit! never asks.
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run("CREATE (:Draft {v: 1});");
    shell.send(":quit!\r");
    shell.expect_exit();
}

#[test]
fn params_timing_format_and_explain() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    let out = shell.run(":param who => 'Liu ' + 'He'");
    assert!(out.contains("$who => 'Liu He'"), "{out}");
    let out = shell.run("RETURN $who AS who;");
    assert!(out.contains("'Liu He'"), "{out}");
    let out = shell.run(":params");
    assert!(out.contains("$who => 'Liu He'"), "{out}");
    shell.run(":timing on");
    let out = shell.run("RETURN 1 AS one;");
    assert!(out.contains("(parse "), "{out}");
    assert!(out.contains(", execute "), "{out}");
    shell.run(":format json");
    let out = shell.run("RETURN 1 AS one;");
    assert!(out.contains(r#"{"columns":["one"],"rows":[[1]]"#), "{out}");
    shell.run(":format table");
    let out = shell.run(":explain MATCH (n) RETURN n");
    assert!(!out.contains("error"), "{out}");
    assert!(!out.trim().is_empty(), "{out}");
}

#[test]
fn maxrows_limits_tables() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.run(":maxrows 3");
    let out = shell.run("UNWIND range(1, 10) AS x RETURN x;");
    assert!(out.contains("… 7 more rows"), "{out}");
    assert!(out.contains("10 rows · "), "{out}");
}

#[test]
fn transactions_show_in_the_prompt() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.send(":begin\r");
    shell.expect(LINE_DONE);
    let out = shell.expect("kg[tx]> ");
    assert!(out.contains("transaction started"), "{out}");
    shell.send("CREATE (:Temp);\r");
    shell.expect(LINE_DONE);
    shell.expect("kg[tx]> ");
    shell.send(":rollback\r");
    let out = shell.output();
    assert!(out.contains("transaction rolled back"), "{out}");
    let out = shell.run("MATCH (t:Temp) RETURN count(t) AS n;");
    assert!(out.contains("│ 0 │"), "{out}");
}

#[test]
fn colours_in_a_terminal_unless_no_color() {
    let home = home();
    let mut shell = Shell::start_with(home.path(), &["--empty"], true);
    shell.send("MATCH");
    // The keyword is drawn in bold blue.
    shell.expect_regex(r"\x1b\[1;34mMATCH");
    shell.control(ControlCode::EndOfText);
    drop(shell);

    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell.send("MATCH (n) RETURN n;\r");
    let out = shell.output();
    assert!(!out.contains("\x1b[1;34m"), "{out:?}");
}

#[test]
fn piped_stdin_runs_a_script_without_prompt_or_colours() {
    let home = home();
    let mut child = command(home.path(), &["--empty"], true)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kg");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"CREATE (:A {v: 1});\nMATCH (a:A)\nRETURN a.v AS v;\n")
        .expect("write script");
    let output = child.wait_with_output().expect("wait for kg");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("│ 1 │"), "{stdout}");
    assert!(!stdout.contains(PROMPT), "{stdout}");
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
    assert!(!history_file(home.path()).exists());
}

#[test]
fn wide_values_are_cut_to_the_terminal_width() {
    let home = home();
    let mut shell = Shell::start(home.path(), &["--empty"]);
    shell
        .session
        .get_process_mut()
        .set_window_size(60, 24)
        .expect("resize the terminal");
    let out = shell.run("RETURN 1 AS id, reduce(s = '', x IN range(1, 100) | s + 'ab') AS long;");
    let table: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with('│') || l.starts_with('┌') || l.starts_with('└'))
        .collect();
    assert!(!table.is_empty(), "{out}");
    for line in &table {
        let width = line.chars().count();
        assert!(width <= 60, "{width} columns: {line}");
    }
    assert!(out.contains("'ababab") && out.contains("…"), "{out}");
}

#[test]
fn why_find_and_profile_in_a_terminal() {
    let home = home();
    let mut shell = Shell::start(home.path(), &[]);
    let out = shell.run(":find liu hu");
    assert!(out.contains("'Liu He'") && out.contains("alias"), "{out}");
    let out = shell.run(":find Lighthiser");
    assert!(out.contains("'Robert Lighthizer'"), "{out}");
    shell.run(":why on");
    let out = shell.run(
        "MATCH (s:Person)-[:CLAIMED]->(c:Claim) WHERE c.quote CONTAINS 'good discussion' \
         RETURN s.name AS speaker;",
    );
    assert!(out.contains("row 1 — sources:"), "{out}");
    assert!(
        out.contains("[14] US Treasury Secretary Steve Mnuchin"),
        "{out}"
    );
    shell.run(":why off");
    let out = shell.run("PROFILE MATCH (p:Person) RETURN p.name AS n;");
    assert!(
        out.contains("NodeByLabelScan") && out.contains("self (ms)"),
        "{out}"
    );
    let out = shell.run("RETURN kg.resolve('Liu Hu').name AS name;");
    assert!(out.contains("'Liu He'"), "{out}");
}
