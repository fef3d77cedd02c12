//! Exporting a graph, or the part of it that a query returns, to other tools' formats:
//! a Cypher script that rebuilds it (`cypher`), JSON Lines (`jsonl`), CSV files in
//! neo4j-admin's import convention (`csv`), RDF N-Triples (`ntriples`), GraphViz source
//! (`dot`) and a drawing (`svg`). `kg export`, the REPL's `:export` and embedding
//! programs all come through [`export`] (or [`write`] for an in-memory writer).
//!
//! What gets exported is a [`Selection`]: every node and relationship of the graph, or
//! those appearing anywhere in a read-only query's rows (inside lists, maps and paths
//! too), plus the endpoints of every selected relationship. The formats are specified in
//! `docs/export.md`.
//!
//! Invariants:
//! - Output is deterministic: the same graph gives the same bytes (no clocks, no hash
//!   order). `cypher` and `csv` number nodes by their position in the output, so that
//!   export → load → export gives identical bytes.
//! - A file is never half-written: output goes to a temporary file (or directory) in the
//!   target's directory and is renamed over the target only when complete.

pub mod csv;
pub mod cypher;
pub mod dot;
pub mod jsonl;
pub mod ntriples;
mod select;
pub mod svg;

use crate::database::{Database, Params};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Graph;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use select::Selection;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ExportFormat {
    /// A Cypher script that recreates the graph, indexes included
    Cypher,
    /// One JSON object per node, then per relationship
    Jsonl,
    /// A directory of CSV files for `kg import` / neo4j-admin
    Csv,
    /// RDF N-Triples
    Ntriples,
    /// GraphViz source
    Dot,
    /// An SVG drawing of at most 300 nodes
    Svg,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Cypher,
        ExportFormat::Jsonl,
        ExportFormat::Csv,
        ExportFormat::Ntriples,
        ExportFormat::Dot,
        ExportFormat::Svg,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Cypher => "cypher",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
            ExportFormat::Ntriples => "ntriples",
            ExportFormat::Dot => "dot",
            ExportFormat::Svg => "svg",
        }
    }

    /// True for the formats written to a directory rather than one file.
    pub fn is_directory(self) -> bool {
        self == ExportFormat::Csv
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<ExportFormat, String> {
        let lower = s.to_ascii_lowercase();
        let lower = match lower.as_str() {
            "nt" | "n-triples" => "ntriples",
            "json" | "jsonlines" => "jsonl",
            "graphviz" | "gv" => "dot",
            other => other,
        };
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .ok_or_else(|| {
                format!(
                    "unknown export format '{s}' (expected cypher, jsonl, csv, ntriples, dot or svg)"
                )
            })
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub format: ExportFormat,
    pub nodes: usize,
    pub relationships: usize,
    /// The file or directory written; `None` for a writer (stdout).
    pub target: Option<PathBuf>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        write!(
            f,
            "exported {} and {} as {}",
            plural(self.nodes, "node"),
            plural(self.relationships, "relationship"),
            self.format
        )?;
        if let Some(t) = &self.target {
            write!(f, " to {}", t.display())?;
        }
        Ok(())
    }
}

/// The selection to export: the whole graph, or the result subgraph of `query` (which must
/// not write). For `dot` and `svg` the relationships among the selected nodes are added.
pub fn selection(
    db: &mut Database,
    format: ExportFormat,
    query: Option<&str>,
    params: &Params,
) -> Result<Selection> {
    let connect = matches!(format, ExportFormat::Dot | ExportFormat::Svg);
    match query {
        None => Ok(Selection::all(db.graph())),
        Some(q) => Selection::of_query(db, q, params, connect),
    }
}

/// Writes a selection in a one-file format to `out`. `csv` writes a directory: use
/// [`csv::write_dir`] or [`export`] with a target path.
pub fn write(
    graph: &Graph,
    selection: &Selection,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        ExportFormat::Cypher => cypher::write(graph, selection, out),
        ExportFormat::Jsonl => jsonl::write(graph, selection, out),
        ExportFormat::Ntriples => ntriples::write(graph, selection, out),
        ExportFormat::Dot => dot::write(graph, selection, out),
        ExportFormat::Svg => svg::write(graph, selection, out),
        ExportFormat::Csv => Err(Error::new(
            ErrorKind::ArgumentError,
            Some("InvalidArgumentValue"),
            "the csv export writes a directory: give an output path (-o DIR)",
        )),
    }
}

/// Exports the graph (or the result subgraph of `query`) of `db` in `format` to `target`
/// (a file, or for `csv` a directory), or to `stdout` when `target` is `None`.
pub fn export(
    db: &mut Database,
    format: ExportFormat,
    query: Option<&str>,
    params: &Params,
    target: Option<&Path>,
    stdout: &mut dyn Write,
) -> Result<Report> {
    let selection = selection(db, format, query, params)?;
    let graph = db.graph();
    match target {
        None => {
            write(graph, &selection, format, stdout)?;
            stdout
                .flush()
                .map_err(|e| io_error("cannot write the output", &e))?;
        }
        Some(path) if format.is_directory() => csv::write_dir(graph, &selection, path)?,
        Some(path) => write_file_atomically(path, |out| write(graph, &selection, format, out))?,
    }
    Ok(Report {
        format,
        nodes: selection.nodes.len(),
        relationships: selection.rels.len(),
        target: target.map(Path::to_path_buf),
    })
}

/// A node with its labels and properties (by name, sorted).
pub(crate) fn node_value(graph: &Graph, id: crate::val::NodeId) -> crate::value::Node {
    match crate::exec::to_value(graph, &crate::val::Val::Node(id)) {
        crate::value::Value::Node(n) => n,
        _ => unreachable!("to_value keeps the kind"),
    }
}

/// A relationship with its type, endpoints and properties (by name, sorted).
pub(crate) fn rel_value(graph: &Graph, id: crate::val::RelId) -> crate::value::Relationship {
    match crate::exec::to_value(graph, &crate::val::Val::Rel(id)) {
        crate::value::Value::Relationship(r) => r,
        _ => unreachable!("to_value keeps the kind"),
    }
}

/// An I/O error as a kg error, with what was being done.
pub(crate) fn io_error(context: &str, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::IoError, None, format!("{context}: {e}"))
}

/// A temporary path next to `path` (same directory, so that a rename is atomic).
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = format!(".{name}.tmp-{}", std::process::id());
    match path.parent() {
        Some(dir) => dir.join(tmp),
        None => PathBuf::from(tmp),
    }
}

/// Writes a file through a temporary file in the same directory, renamed over `path` only
/// when `fill` succeeded; on failure the temporary file is removed and `path` untouched.
pub fn write_file_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    if path.is_dir() {
        return Err(Error::new(
            ErrorKind::IoError,
            None,
            format!("{}: is a directory", path.display()),
        ));
    }
    let tmp = temp_path(path);
    let file = std::fs::File::create(&tmp)
        .map_err(|e| io_error(&format!("cannot create {}", path.display()), &e))?;
    let mut out = std::io::BufWriter::new(file);
    let result = fill(&mut out).and_then(|()| {
        out.flush()
            .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
        let file = out
            .into_inner()
            .map_err(|e| io_error(&format!("cannot write {}", path.display()), e.error()))?;
        file.sync_all()
            .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
        std::fs::rename(&tmp, path)
            .map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Wraps an `io::Write` failure while writing an export.
pub(crate) fn write_failed(e: std::io::Error) -> Error {
    io_error("cannot write the export", &e)
}
