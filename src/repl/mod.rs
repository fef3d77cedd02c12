//! The interactive shell: a banner, then a read–eval–print loop on rustyline with
//! multi-line statements, persistent history, completion from the live graph,
//! highlighting, `:commands`, and Ctrl-C that cancels a running query without losing the
//! session. [`Session`] holds everything but the terminal, so it can be driven (and
//! tested) without one; [`run`] wires it to rustyline and the Ctrl-C handler.
//!
//! Submodules: `helper` (rustyline validator, completer, highlighter, hinter), `complete`
//! (what to complete at the cursor), `highlight` and `lex` (colouring), `commands`
//! (`:command` parsing, help, suggestions), `schema` (`:schema`), `render` (tables and
//! footers), `words` (keywords and function names).

mod commands;
mod complete;
mod helper;
mod highlight;
mod lex;
mod render;
mod schema;
mod words;

use crate::database::{Database, Params, QueryResult};
use crate::error::Error;
use crate::output::{error_json, Format};
use crate::value::Value;
use commands::Command;
use render::RenderOptions;
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{Editor, EventHandler, KeyCode, KeyEvent, Modifiers};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use commands::{edit_distance, suggest};

/// How the REPL was started.
#[derive(Debug, Clone, Default)]
pub struct ReplOptions {
    /// Output format for results (`--format`).
    pub format: Format,
    /// Keep a history file (`--no-history` turns it off).
    pub history: bool,
    /// A description of the open graph for the banner, e.g. "seed graph" or a file name.
    pub graph_name: String,
}

/// What the session shares with the editor helper (completion reads the live graph and
/// the parameter names).
pub(crate) struct Shared {
    pub db: RefCell<Database>,
    pub params: RefCell<Params>,
}

/// What the loop must do after an input was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Continue,
    Quit,
    ClearScreen,
    ShowHistory,
}

/// Where a request to quit came from (for the wording of the unsaved-changes warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitBy {
    Command,
    CtrlD,
}

/// Set by the Ctrl-C handler; checked between the statements of a script.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The cancel flag of the database currently open, for the Ctrl-C handler.
static CANCEL: Mutex<Option<Arc<AtomicBool>>> = Mutex::new(None);

fn set_cancel_target(flag: Arc<AtomicBool>) {
    if let Ok(mut slot) = CANCEL.lock() {
        *slot = Some(flag);
    }
}

/// A shell session: the database, parameters and output settings.
pub struct Session {
    shared: Rc<Shared>,
    render: RenderOptions,
    quit_warned: bool,
    /// `:why on`: queries run as `WHY <query>`.
    why: bool,
}

impl Session {
    /// A session over `db`; `color` turns on ANSI colours in output.
    pub fn new(db: Database, format: Format, color: bool) -> Session {
        Session {
            shared: Rc::new(Shared {
                db: RefCell::new(db),
                params: RefCell::new(Params::new()),
            }),
            render: RenderOptions {
                format,
                color,
                ..RenderOptions::default()
            },
            quit_warned: false,
            why: false,
        }
    }

    pub(crate) fn shared(&self) -> Rc<Shared> {
        self.shared.clone()
    }

    /// The database, read-only.
    pub fn with_db<T>(&self, f: impl FnOnce(&Database) -> T) -> T {
        f(&self.shared.db.borrow())
    }

    /// The parameters set with `:param`.
    pub fn params(&self) -> Params {
        self.shared.params.borrow().clone()
    }

    /// Sets the terminal width tables are cut to (None: no limit).
    pub fn set_width(&mut self, width: Option<usize>) {
        self.render.width = width;
    }

    /// The one-line banner.
    pub fn banner(&self, graph_name: &str) -> String {
        let db = self.shared.db.borrow();
        let name = if graph_name.is_empty() {
            "graph"
        } else {
            graph_name
        };
        format!(
            "kg {} · {} · {}, {} · :help for help",
            env!("CARGO_PKG_VERSION"),
            name,
            plural(db.node_count(), "node", "nodes"),
            plural(db.relationship_count(), "relationship", "relationships"),
        )
    }

    /// The prompt: `kg> `, or `kg[tx]> ` inside an explicit transaction.
    pub fn prompt(&self) -> String {
        if self.shared.db.borrow().in_transaction() {
            "kg[tx]> ".to_string()
        } else {
            "kg> ".to_string()
        }
    }

    /// Handles one input: a `:command` line or one or more `;`-terminated statements.
    pub fn handle(&mut self, input: &str, out: &mut dyn Write) -> Action {
        if crate::script::is_blank(input) {
            return Action::Continue;
        }
        if commands::is_command(input) {
            let action = match commands::parse(input) {
                Ok(Command::Quit { force }) => self.quit(QuitBy::Command, force, out),
                Ok(cmd) => {
                    self.quit_warned = false;
                    self.command(cmd, out)
                }
                Err(message) => {
                    self.quit_warned = false;
                    self.problem(out, &message);
                    Action::Continue
                }
            };
            let _ = out.flush();
            return action;
        }
        self.quit_warned = false;
        for stmt in crate::script::split_statements(input) {
            let text = stmt.text.trim();
            if !self.statement(text, out) {
                break;
            }
        }
        let _ = out.flush();
        Action::Continue
    }

    /// A request to quit: true (Quit) unless there are unsaved changes and this is the
    /// first request since they were made.
    pub fn quit(&mut self, by: QuitBy, force: bool, out: &mut dyn Write) -> Action {
        let db = self.shared.db.borrow();
        if force || self.quit_warned || !db.has_unsaved_changes() {
            return Action::Quit;
        }
        self.quit_warned = true;
        let again = match by {
            QuitBy::Command => ":quit again",
            QuitBy::CtrlD => "Ctrl-D again",
        };
        let tx = if db.in_transaction() {
            " (a transaction is open)"
        } else {
            ""
        };
        let keep = if db.path().is_some() && !db.is_read_only() {
            ":save keeps them"
        } else {
            ":save FILE keeps them"
        };
        drop(db);
        self.problem(
            out,
            &format!(
                "the graph has unsaved changes{tx}: {keep}; {again} (or :quit!) discards them"
            ),
        );
        Action::Continue
    }

    /// Runs one statement and prints its result or error; false when it failed.
    fn statement(&mut self, text: &str, out: &mut dyn Write) -> bool {
        let explain = is_plan_statement(text);
        let why_text;
        let text = if self.why && is_read_query(text) {
            why_text = format!("WHY {text}");
            why_text.as_str()
        } else {
            text
        };
        let result = {
            let params = self.shared.params.borrow();
            let mut db = self.shared.db.borrow_mut();
            db.execute(text, &params)
        };
        match result {
            Ok(r) => {
                self.print_result(&r, explain, out);
                true
            }
            Err(e) => {
                self.print_error(&e, text, out);
                false
            }
        }
    }

    fn print_result(&mut self, result: &QueryResult, explain: bool, out: &mut dyn Write) {
        self.render.width = self.render.width.or_else(render::terminal_width);
        let text = render::render(result, &self.render, explain);
        let _ = writeln!(out, "{text}");
    }

    fn print_error(&self, error: &Error, source: &str, out: &mut dyn Write) {
        if INTERRUPTED.load(Ordering::Relaxed) {
            // The terminal echoed ^C without a newline.
            let _ = writeln!(out);
        }
        if self.render.format == Format::Json {
            let _ = writeln!(out, "{}", error_json(error, source));
            return;
        }
        let text = error.render(source);
        let text = if self.render.color {
            match text.split_once('\n') {
                Some((head, rest)) => {
                    format!("{}\n{rest}", nu_ansi_term::Color::Red.bold().paint(head))
                }
                None => nu_ansi_term::Color::Red.bold().paint(text).to_string(),
            }
        } else {
            text
        };
        let _ = writeln!(out, "{text}");
    }

    /// A message about something the user asked for that did not work.
    fn problem(&self, out: &mut dyn Write, message: &str) {
        let text = if self.render.color {
            nu_ansi_term::Color::Red.paint(message).to_string()
        } else {
            message.to_string()
        };
        let _ = writeln!(out, "{text}");
    }

    fn command(&mut self, cmd: Command, out: &mut dyn Write) -> Action {
        match cmd {
            Command::Help(topic) => {
                let _ = writeln!(out, "{}", commands::help(topic.as_deref()));
            }
            Command::Schema => {
                let text =
                    schema::Schema::of(self.shared.db.borrow().graph()).render(self.render.width);
                let _ = writeln!(out, "{text}");
            }
            Command::ParamSet { name, expr } => self.set_param(&name, &expr, out),
            Command::ParamMap(expr) => self.set_params(&expr, out),
            Command::ParamRemove(name) => {
                if self.shared.params.borrow_mut().remove(&name).is_none() {
                    self.problem(out, &format!("there is no parameter ${name}"));
                }
            }
            Command::ParamClear => {
                self.shared.params.borrow_mut().clear();
                let _ = writeln!(out, "parameters cleared");
            }
            Command::Params => {
                let params = self.shared.params.borrow();
                if params.is_empty() {
                    let _ = writeln!(out, "no parameters (set one with :param name => value)");
                }
                for (name, value) in params.iter() {
                    let _ = writeln!(out, "${} => {value}", complete::quote_name(name));
                }
            }
            Command::Format(None) => {
                let _ = writeln!(out, "format: {}", format_name(self.render.format));
            }
            Command::Format(Some(f)) => {
                self.render.format = f;
                let _ = writeln!(out, "format: {}", format_name(f));
            }
            Command::Timing(on) => {
                if let Some(on) = on {
                    self.render.timing = on;
                }
                let state = if self.render.timing { "on" } else { "off" };
                let _ = writeln!(out, "timing: {state}");
            }
            Command::MaxRows(n) => {
                if let Some(n) = n {
                    self.render.max_rows = n;
                }
                match self.render.max_rows {
                    0 => {
                        let _ = writeln!(out, "maxrows: all rows");
                    }
                    n => {
                        let _ = writeln!(out, "maxrows: {n}");
                    }
                }
            }
            Command::Why(on) => {
                if let Some(on) = on {
                    self.why = on;
                }
                let state = if self.why { "on" } else { "off" };
                let _ = writeln!(out, "why: {state}");
            }
            Command::Sources(what) => {
                let text = if is_read_query(&what) {
                    format!("WHY {what}")
                } else {
                    format!("WHY RETURN {what} AS value")
                };
                let why = std::mem::replace(&mut self.why, false);
                self.statement(&text, out);
                self.why = why;
            }
            Command::Find(name) => self.find(&name, out),
            Command::Explain(query) => {
                let text = format!("EXPLAIN {query}");
                self.statement(&text, out);
            }
            Command::Source(path) => self.source(Path::new(&path), out),
            Command::Save(path) => self.save(path.as_deref(), out),
            Command::Open { path, force } => self.open(&path, force, out),
            Command::Export {
                format,
                path,
                query,
            } => self.export(format, path.as_deref(), query.as_deref(), out),
            Command::Diff(path) => self.diff(&path, out),
            Command::Begin => {
                self.statement("BEGIN", out);
            }
            Command::Commit => {
                self.statement("COMMIT", out);
            }
            Command::Rollback => {
                self.statement("ROLLBACK", out);
            }
            Command::History => return Action::ShowHistory,
            Command::Clear => return Action::ClearScreen,
            Command::Quit { force } => return self.quit(QuitBy::Command, force, out),
        }
        Action::Continue
    }

    /// `:find NAME`: entities called NAME (exactly, or else nearly), best first.
    fn find(&mut self, name: &str, out: &mut dyn Write) {
        let result = {
            let db = self.shared.db.borrow();
            let g = db.graph();
            let found = crate::aliases::find(g, name);
            if found.is_empty() {
                drop(db);
                self.problem(
                    out,
                    &format!("nothing is called {name:?} or anything like it"),
                );
                return;
            }
            let text = |n: crate::val::NodeId, key: &str| {
                g.key_symbol(key)
                    .and_then(|k| g.node_prop(n, k))
                    .map(|v| crate::exec::to_value(g, v))
                    .unwrap_or(Value::Null)
            };
            let rows = found
                .iter()
                .map(|f| {
                    let labels = g
                        .node_labels(f.node)
                        .iter()
                        .map(|l| format!(":{}", g.label_name(*l)))
                        .collect::<String>();
                    vec![
                        text(f.node, "name"),
                        Value::String(labels),
                        Value::String(f.matched.clone()),
                        Value::String(f.kind.describe()),
                        Value::Int(f.node.0 as i64),
                    ]
                })
                .collect();
            QueryResult {
                columns: ["name", "labels", "matched", "how", "id"]
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
                rows,
                ..QueryResult::default()
            }
        };
        self.print_result(&result, false, out);
    }

    /// Evaluates a Cypher expression with the current parameters.
    fn evaluate(&self, expr: &str, out: &mut dyn Write) -> Option<Value> {
        let query = format!("RETURN {expr} AS value");
        let result = {
            let params = self.shared.params.borrow();
            let mut db = self.shared.db.borrow_mut();
            db.execute(&query, &params)
        };
        match result {
            Ok(r) => match r
                .rows
                .into_iter()
                .next()
                .and_then(|row| row.into_iter().next())
            {
                Some(v) => Some(v),
                None => {
                    self.problem(out, "the expression gave no value");
                    None
                }
            },
            Err(e) => {
                self.print_error(&e, &query, out);
                None
            }
        }
    }

    fn set_param(&mut self, name: &str, expr: &str, out: &mut dyn Write) {
        if let Some(value) = self.evaluate(expr, out) {
            let _ = writeln!(out, "${} => {value}", complete::quote_name(name));
            self.shared
                .params
                .borrow_mut()
                .insert(name.to_string(), value);
        }
    }

    fn set_params(&mut self, expr: &str, out: &mut dyn Write) {
        match self.evaluate(expr, out) {
            Some(Value::Map(map)) => {
                for (name, value) in map {
                    let _ = writeln!(out, "${} => {value}", complete::quote_name(&name));
                    self.shared.params.borrow_mut().insert(name, value);
                }
            }
            Some(other) => self.problem(
                out,
                &format!(
                    "expected a map like {{name: value}}, got {}",
                    other.type_name()
                ),
            ),
            None => {}
        }
    }

    /// `:source FILE`: runs a script, stopping at the first error or at Ctrl-C.
    fn source(&mut self, path: &Path, out: &mut dyn Write) {
        let script = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                self.problem(out, &format!("cannot read {}: {e}", path.display()));
                return;
            }
        };
        let mut ran = 0usize;
        for stmt in crate::script::split_statements(&script) {
            if INTERRUPTED.load(Ordering::Relaxed) {
                self.problem(out, &format!("{}: stopped by Ctrl-C", path.display()));
                return;
            }
            let explain = is_plan_statement(stmt.text);
            let result = {
                let params = self.shared.params.borrow();
                let mut db = self.shared.db.borrow_mut();
                db.execute(stmt.text, &params)
            };
            match result {
                Ok(r) => {
                    ran += 1;
                    self.print_result(&r, explain, out);
                }
                Err(e) => {
                    let e = e.shifted(stmt.offset);
                    let _ = writeln!(out, "in {}:", path.display());
                    self.print_error(&e, &script, out);
                    let _ = writeln!(
                        out,
                        "stopped after {} of {}",
                        plural(ran, "statement", "statements"),
                        path.display()
                    );
                    return;
                }
            }
        }
        let _ = writeln!(
            out,
            "ran {} from {}",
            plural(ran, "statement", "statements"),
            path.display()
        );
    }

    /// `:save [FILE]`: writes a snapshot and reports what was saved where.
    fn save(&mut self, path: Option<&str>, out: &mut dyn Write) {
        let started = std::time::Instant::now();
        let mut db = self.shared.db.borrow_mut();
        let result = match path {
            Some(p) => db.save_as(p),
            None if db.path().is_none() => {
                drop(db);
                self.problem(out, "this graph has no file yet: use :save FILE");
                return;
            }
            None => db.save(),
        };
        match result {
            Ok(()) => {
                let file = db
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let text = format!(
                    "saved {}, {} to {file} · {}",
                    plural(db.node_count(), "node", "nodes"),
                    plural(db.relationship_count(), "relationship", "relationships"),
                    render::duration(started.elapsed())
                );
                drop(db);
                let _ = writeln!(out, "{text}");
            }
            Err(e) => {
                drop(db);
                self.print_error(&e, "", out);
            }
        }
    }

    /// `:export FORMAT [FILE] [-- QUERY]`: see `crate::export`.
    fn export(
        &mut self,
        format: crate::export::ExportFormat,
        path: Option<&str>,
        query: Option<&str>,
        out: &mut dyn Write,
    ) {
        if format.is_directory() && path.is_none() {
            self.problem(out, "the csv export writes a directory: :export csv DIR");
            return;
        }
        let params = self.params();
        let result = {
            let mut db = self.shared.db.borrow_mut();
            crate::export::export(&mut db, format, query, &params, path.map(Path::new), out)
        };
        match result {
            Ok(report) if report.target.is_some() => {
                let _ = writeln!(out, "{report}");
            }
            Ok(_) => {}
            Err(e) => self.print_error(&e, query.unwrap_or(""), out),
        }
    }

    /// `:diff FILE`: the changes from the snapshot FILE to the current graph.
    fn diff(&mut self, path: &str, out: &mut dyn Write) {
        let old = match crate::snapshot::load_graph(path) {
            Ok(g) => g,
            Err(e) => return self.print_error(&e, "", out),
        };
        let text = self.with_db(|db| {
            let d = crate::diff::diff(&old, db.graph());
            if d.is_empty() {
                format!("no differences from {path}\n")
            } else {
                format!(
                    "{}{}",
                    crate::diff::text::render(&d, path, "current graph"),
                    d.summary()
                )
            }
        });
        let _ = write!(out, "{text}");
    }

    /// `:open FILE`: replaces the session's graph with a snapshot (a new file gives an
    /// empty graph that `:save` will create).
    fn open(&mut self, path: &str, force: bool, out: &mut dyn Write) {
        let (unsaved, same_file) = self.with_db(|db| {
            (
                db.has_unsaved_changes(),
                db.path().is_some_and(|p| p == Path::new(path)),
            )
        });
        if unsaved && !force {
            self.problem(
                out,
                &format!(
                    "the graph has unsaved changes: :save them first, or :open! {path} to discard them"
                ),
            );
            return;
        }
        let started = std::time::Instant::now();
        if same_file {
            // Release this file's writer lock so that it can be opened again.
            *self.shared.db.borrow_mut() = Database::new();
        }
        match Database::open(path, false) {
            Ok((db, created)) => {
                let text = if created {
                    format!("{path} does not exist yet: an empty graph that :save will write there")
                } else {
                    format!(
                        "opened {path} ({}, {}) · {}",
                        plural(db.node_count(), "node", "nodes"),
                        plural(db.relationship_count(), "relationship", "relationships"),
                        render::duration(started.elapsed())
                    )
                };
                *self.shared.db.borrow_mut() = db;
                let _ = writeln!(out, "{text}");
            }
            Err(e) => {
                self.print_error(&e, "", out);
                if same_file {
                    self.problem(out, "the session now holds an empty graph");
                }
            }
        }
    }
}

/// True for `EXPLAIN …` and `PROFILE …`, whose plan prints as plain lines.
fn is_plan_statement(text: &str) -> bool {
    first_word(text).eq_ignore_ascii_case("EXPLAIN")
}

/// A statement `:why on` runs as `WHY <statement>`: one that starts like a reading query.
fn is_read_query(text: &str) -> bool {
    let word = first_word(text);
    ["MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

fn first_word(text: &str) -> &str {
    let t = text.trim_start();
    let end = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    &t[..end]
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Table => "table",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Colours are on when standard output is a terminal, `NO_COLOR` is unset or empty and
/// `TERM` is not `dumb`.
pub fn color_enabled() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    // SAFETY: isatty only inspects the descriptor.
    let tty = unsafe { libc::isatty(libc::STDOUT_FILENO) == 1 };
    tty && !no_color && !dumb
}

/// `$XDG_DATA_HOME/kg/history`, else `$HOME/.local/share/kg/history`.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| dirs::home_dir().map(|h| h.join(".local").join("share")))?;
    Some(base.join("kg").join("history"))
}

fn install_interrupt_handler() {
    // Fails only when a handler is already installed, e.g. by an embedding program.
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        if let Ok(slot) = CANCEL.lock() {
            if let Some(flag) = slot.as_ref() {
                flag.store(true, Ordering::SeqCst);
            }
        }
    });
}

/// Runs the interactive shell until the user quits; returns the process exit status.
pub fn run(db: Database, opts: ReplOptions) -> i32 {
    let color = color_enabled();
    let mut session = Session::new(db, opts.format, color);
    println!("{}", session.banner(&opts.graph_name));

    let config = match Config::builder()
        .history_ignore_space(true)
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(10_000))
    {
        Ok(b) => b
            .completion_type(CompletionType::List)
            .color_mode(if color {
                ColorMode::Enabled
            } else {
                ColorMode::Disabled
            })
            .auto_add_history(false)
            .build(),
        Err(_) => Config::default(),
    };
    let mut editor: Editor<helper::KgHelper, FileHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("kg: cannot start the line editor: {e}");
            return 1;
        }
    };
    let indent = Arc::new(AtomicUsize::new(4));
    editor.set_helper(Some(helper::KgHelper::new(
        session.shared(),
        color,
        indent.clone(),
    )));
    editor.bind_sequence(
        KeyEvent(KeyCode::Enter, Modifiers::NONE),
        EventHandler::Conditional(Box::new(helper::EnterHandler {
            indent: indent.clone(),
        })),
    );

    let history = if opts.history { history_path() } else { None };
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if path.exists() {
            if let Err(e) = editor.load_history(path) {
                eprintln!("kg: cannot read history {}: {e}", path.display());
            }
        }
    }

    set_cancel_target(session.with_db(|db| db.cancel_handle()));
    install_interrupt_handler();

    let stdout = std::io::stdout();
    loop {
        let prompt = session.prompt();
        indent.store(
            unicode_width::UnicodeWidthStr::width(prompt.as_str()),
            Ordering::Relaxed,
        );
        match editor.readline(&prompt) {
            Ok(line) => {
                if crate::script::is_blank(&line) {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                if let Some(path) = &history {
                    if let Err(e) = editor.append_history(path) {
                        eprintln!("kg: cannot write history {}: {e}", path.display());
                    }
                }
                INTERRUPTED.store(false, Ordering::SeqCst);
                session.set_width(render::terminal_width());
                let mut out = stdout.lock();
                let action = session.handle(&line, &mut out);
                drop(out);
                set_cancel_target(session.with_db(|db| db.cancel_handle()));
                match action {
                    Action::Continue => {}
                    Action::Quit => break,
                    Action::ClearScreen => {
                        let _ = editor.clear_screen();
                    }
                    Action::ShowHistory => print_history(editor.history()),
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => {
                let mut out = stdout.lock();
                if session.quit(QuitBy::CtrlD, false, &mut out) == Action::Quit {
                    break;
                }
            }
            Err(e) => {
                eprintln!("kg: {e}");
                return 1;
            }
        }
    }
    let rolled_back = session.shared.db.borrow_mut().rollback_open_transaction();
    if rolled_back {
        println!("the open transaction was rolled back");
    }
    0
}

fn print_history(history: &FileHistory) {
    let width = history.len().to_string().len();
    for (i, entry) in history.iter().enumerate() {
        let mut lines = entry.lines();
        println!("{:>width$}  {}", i + 1, lines.next().unwrap_or(""));
        for line in lines {
            println!("{:>width$}  {line}", "");
        }
    }
}

#[cfg(test)]
mod tests;
