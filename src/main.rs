//! The `kg` command: clap arguments → one-shot query (`-e`), script (`-f`, or piped
//! stdin), or the interactive REPL. No engine logic lives here: everything goes through
//! `kg::Database`.

use anyhow::{anyhow, Context as _};
use clap::Parser;
use kg::output::{self, Format};
use kg::{Database, Params, Value};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "kg",
    version,
    about = "An embedded knowledge-graph engine with openCypher and an interactive shell",
    long_about = "An embedded knowledge-graph engine with openCypher and an interactive shell.\n\n\
                  With no -e/-f, kg opens the REPL (or, when stdin is not a terminal, runs stdin \
                  as a script). The default graph is the seed knowledge graph of the US–China \
                  trade talks article; --empty starts from nothing."
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Open (or create) a snapshot file; changes made by -e/-f are saved back to it
    #[arg(long, value_name = "FILE")]
    db: Option<std::path::PathBuf>,

    /// With --db: open the snapshot without taking the writer lock and never save
    #[arg(long = "read-only", requires = "db")]
    read_only: bool,

    /// Run one statement and exit
    #[arg(
        short = 'e',
        long = "execute",
        value_name = "QUERY",
        conflicts_with = "file"
    )]
    execute: Option<String>,

    /// Run a script of statements separated by `;` (`-` for stdin)
    #[arg(short = 'f', long = "file", value_name = "SCRIPT")]
    file: Option<String>,

    /// A query parameter, VALUE in Cypher literal syntax (repeatable): --param name='Liu He'
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,

    /// Start from an empty graph instead of the seed graph
    #[arg(long, conflicts_with = "db")]
    empty: bool,

    /// Output format
    #[arg(long, value_name = "table|json|csv", default_value = "table")]
    format: Format,

    /// Do not read or write the REPL history file
    #[arg(long = "no-history")]
    no_history: bool,

    /// Stop any statement that runs longer than this many seconds
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,

    /// Threads a large label scan under an aggregation or ORDER BY … LIMIT may use
    /// (default: the machine's cores, at most 8; 1 runs everything on one thread)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Build a snapshot from CSV files in neo4j-admin's import format
    Import(kg::import::ImportArgs),
    /// Export the graph, or a query's result subgraph: cypher, jsonl, csv, ntriples, dot, svg
    Export(ExportArgs),
    /// Compare two snapshots: nodes and relationships added, removed and changed
    Diff(DiffArgs),
}

/// The arguments of `kg diff` (see docs/diff.md).
#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The older snapshot
    a: std::path::PathBuf,
    /// The newer snapshot
    b: std::path::PathBuf,
    /// text (a listing) or cypher (a script that turns A into B)
    #[arg(long, value_name = "text|cypher", default_value = "text", value_parser = ["text", "cypher"])]
    format: String,
    /// Print only the counts
    #[arg(long)]
    summary: bool,
}

fn run_diff(args: &DiffArgs) -> anyhow::Result<u8> {
    let open = |path: &std::path::Path| -> anyhow::Result<Database> {
        if !path.exists() {
            return Err(anyhow!("{}: no such snapshot", path.display()));
        }
        Ok(Database::open(path, true)
            .map_err(|e| anyhow!("{}", e.message()))?
            .0)
    };
    let (a, b) = (open(&args.a)?, open(&args.b)?);
    let d = kg::diff::diff(a.graph(), b.graph());
    let text = if args.summary {
        d.summary()
    } else if args.format == "cypher" {
        kg::diff::cypher::render(&d)
    } else {
        kg::diff::text::render(
            &d,
            &args.a.display().to_string(),
            &args.b.display().to_string(),
        )
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(0)
}

/// The arguments of `kg export` (see docs/export.md).
#[derive(clap::Args, Debug)]
struct ExportArgs {
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: kg::export::ExportFormat,

    /// Export only the nodes, relationships and paths returned by this read-only query
    #[arg(long, short = 'q', value_name = "QUERY")]
    query: Option<String>,

    /// Write to FILE (for csv: a new directory) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<std::path::PathBuf>,

    /// The snapshot to export (opened read-only); the seed graph by default
    #[arg(long, value_name = "FILE")]
    db: Option<std::path::PathBuf>,

    /// Export an empty graph
    #[arg(long, conflicts_with = "db")]
    empty: bool,

    /// A parameter of the query, VALUE in Cypher literal syntax (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
}

fn run_export(args: &ExportArgs) -> anyhow::Result<u8> {
    let mut params = Params::new();
    for p in &args.params {
        let (k, v) = parse_param(p)?;
        params.insert(k, v);
    }
    let mut db = if let Some(path) = &args.db {
        if !path.exists() {
            return Err(anyhow!("{}: no such snapshot", path.display()));
        }
        Database::open(path, true)
            .map_err(|e| anyhow!("{}", e.message()))?
            .0
    } else if args.empty {
        Database::new()
    } else {
        Database::seed().map_err(|e| anyhow!("loading the seed graph: {e}"))?
    };
    if args.format.is_directory() && args.output.is_none() {
        return Err(anyhow!(
            "the {} export writes a directory: give one with -o DIR",
            args.format
        ));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = kg::export::export(
        &mut db,
        args.format,
        args.query.as_deref(),
        &params,
        args.output.as_deref(),
        &mut out,
    );
    match result {
        Ok(report) => {
            if report.target.is_some() {
                eprintln!("{report}");
            }
            Ok(0)
        }
        Err(e) if e.span().is_some() => {
            let query = args.query.as_deref().unwrap_or("");
            eprintln!("{}", e.render(query));
            Ok(1)
        }
        // A closed stdout (`kg export ... | head`) is not an error worth a message.
        Err(e) if e.message().contains("Broken pipe") => Ok(0),
        Err(e) => Err(anyhow!("export: {}", e.message())),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deeply recursive queries get a generous stack of their own.
    let worker = std::thread::Builder::new()
        .name("kg".into())
        .stack_size(256 << 20)
        .spawn(move || run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(Ok(code))) => ExitCode::from(code),
        Ok(Ok(Err(e))) => {
            eprintln!("kg: {e:#}");
            ExitCode::from(1)
        }
        _ => {
            eprintln!("kg: internal error");
            ExitCode::from(2)
        }
    }
}

/// Parses `NAME=VALUE` with VALUE a Cypher literal (evaluated on an empty graph).
fn parse_param(spec: &str) -> anyhow::Result<(String, Value)> {
    let (name, value) = spec
        .split_once('=')
        .ok_or_else(|| anyhow!("--param needs NAME=VALUE, got '{spec}'"))?;
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() {
        return Err(anyhow!("--param needs a name before '=' in '{spec}'"));
    }
    let mut scratch = Database::new();
    let result = scratch
        .execute(&format!("RETURN {value} AS v"), &Params::new())
        .map_err(|e| anyhow!("--param {name}: '{value}' is not a Cypher literal ({e})"))?;
    let v = result
        .rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or(Value::Null);
    Ok((name.to_string(), v))
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(Command::Import(args)) = &cli.command {
        let report = kg::import::run(args).map_err(|e| anyhow!("{}", e.message()))?;
        eprintln!("{report}");
        return Ok(0);
    }
    if let Some(Command::Export(args)) = &cli.command {
        return run_export(args);
    }
    if let Some(Command::Diff(args)) = &cli.command {
        return run_diff(args);
    }
    let mut params = Params::new();
    for p in &cli.params {
        let (k, v) = parse_param(p)?;
        params.insert(k, v);
    }
    let (mut db, graph_name) = if let Some(path) = &cli.db {
        let (db, created) =
            Database::open(path, cli.read_only).map_err(|e| anyhow!("{}", e.message()))?;
        if created {
            eprintln!(
                "kg: {} does not exist; starting an empty graph that will be saved there",
                path.display()
            );
        }
        (db, path.display().to_string())
    } else if cli.empty {
        (Database::new(), "empty graph".to_string())
    } else {
        (
            Database::seed().map_err(|e| anyhow!("loading the seed graph: {e}"))?,
            "seed graph (US–China trade talks)".to_string(),
        )
    };
    if let Some(t) = cli.timeout {
        if !(t.is_finite() && t > 0.0) {
            return Err(anyhow!("--timeout needs a positive number of seconds"));
        }
        db.set_timeout(Some(Duration::from_secs_f64(t)));
    }
    if let Some(n) = cli.threads {
        db.set_limits(kg::Limits {
            threads: usize::from(n),
            ..db.limits()
        });
    }

    let script: Option<(String, String)> = match (&cli.execute, &cli.file) {
        (Some(q), _) => Some((q.clone(), "-e".into())),
        (None, Some(f)) if f == "-" => Some((read_stdin()?, "<stdin>".into())),
        (None, Some(f)) => {
            let bytes = std::fs::read(f).with_context(|| format!("cannot read {f}"))?;
            Some((script_text(bytes, f)?, f.clone()))
        }
        (None, None) if !std::io::stdin().is_terminal() => Some((read_stdin()?, "<stdin>".into())),
        (None, None) => None,
    };

    match script {
        Some((text, origin)) => {
            let cancel = db.cancel_handle();
            let _ = ctrlc::set_handler(move || {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            });
            let status = run_script(&mut db, &text, &origin, &params, cli.format);
            if status == 0 && cli.db.is_some() && !cli.read_only && db.has_unsaved_changes() {
                db.save().map_err(|e| anyhow!("{}", e.message()))?;
            }
            Ok(status)
        }
        None => {
            let opts = kg::repl::ReplOptions {
                format: cli.format,
                history: !cli.no_history,
                graph_name,
            };
            let _ = params;
            Ok(kg::repl::run(db, opts).clamp(0, 255) as u8)
        }
    }
}

fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    script_text(bytes, "<stdin>")
}

/// A script's text; invalid UTF-8 is reported as `origin:line:column`.
fn script_text(bytes: Vec<u8>, origin: &str) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        let (line, column) = kg::error::line_column(valid, at);
        anyhow!("{origin}:{line}:{column}: not valid UTF-8 (at byte {at})")
    })
}

/// Runs every statement; stops at the first error. Returns the exit status.
fn run_script(db: &mut Database, text: &str, origin: &str, params: &Params, format: Format) -> u8 {
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        let (line, column) = kg::error::line_column(text, at);
        eprintln!("kg: {origin}:{line}:{column}: the script contains a NUL byte");
        return 1;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut status = 0;
    for stmt in kg::script::split_statements(text) {
        match db.execute(stmt.text, params) {
            Ok(result) => {
                let _ = match format {
                    Format::Json => writeln!(out, "{}", output::result_json(&result)),
                    Format::Csv => write!(out, "{}", output::result_csv(&result)),
                    Format::Table => write_table(&mut out, &result),
                };
            }
            Err(e) => {
                let e = e.shifted(stmt.offset);
                match format {
                    Format::Json => {
                        let _ = writeln!(out, "{}", output::error_json(&e, text));
                    }
                    _ => {
                        let _ = out.flush();
                        // A script's errors start with where they are, as compilers
                        // print them: the error's position, or its statement's.
                        let (line, column) = e.line_column(text).unwrap_or_else(|| {
                            let start =
                                stmt.offset + (stmt.text.len() - stmt.text.trim_start().len());
                            kg::error::line_column(text, start)
                        });
                        if origin == "-e" {
                            eprintln!("{}", e.render(text));
                        } else {
                            eprintln!("{origin}:{line}:{column}: {}", e.render(text));
                        }
                    }
                }
                status = 1;
                break;
            }
        }
    }
    let _ = out.flush();
    if db.rollback_open_transaction() {
        eprintln!("kg: {origin} ended inside an open transaction; it was rolled back");
    }
    status
}

fn write_table(out: &mut impl Write, result: &kg::QueryResult) -> std::io::Result<()> {
    if let Some(n) = &result.notice {
        writeln!(out, "{n}")?;
    }
    if !result.columns.is_empty() {
        let (table, _) = output::result_table(result, &output::TableOptions::default());
        writeln!(out, "{table}")?;
        let n = result.rows.len();
        writeln!(out, "{n} row{}", if n == 1 { "" } else { "s" })?;
    }
    if let Some(s) = output::stats_summary(result) {
        writeln!(out, "{s}")?;
    }
    Ok(())
}
