//! `kg import`: bulk import of CSV files in neo4j-admin's convention into a snapshot.
//!
//! Node files are read first, then relationship files, each streamed record by record
//! into a fresh `store::Graph` through its bulk API; the snapshot module writes the graph
//! at the very end, atomically, so a failed import writes nothing. See `docs/import.md`.
//!
//! Code map: `source` (file arguments and the record stream with line numbers), `header`
//! (the header convention), `values` (typed field parsing), `ids` (id groups → node ids),
//! `pipeline` (the reader thread that parses rows in batches), `load` (plans and the
//! loading loops), `progress` (the stderr progress bar).

mod header;
mod ids;
mod load;
mod pipeline;
mod progress;
pub(crate) mod source;
mod values;

use crate::error::{Error, Result};
use header::FileKind;
use load::{Loader, Settings};
use source::{parse_source, Dialect, Source};
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How ids in `:ID`, `:START_ID` and `:END_ID` columns are read (as in neo4j-admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum IdType {
    /// Any text; a named ID column is stored as a string property.
    #[default]
    String,
    /// 64-bit integers; a named ID column is stored as an integer property.
    Integer,
}

/// The arguments of `kg import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Node files: [LABEL[:LABEL...]=]FILE, or [LABEL=]HEADER,FILE1,FILE2 to read several
    /// files as one whose first line is the header (repeatable; several per flag)
    #[arg(long = "nodes", value_name = "[LABEL=]FILE", num_args = 1.., required = true,
          action = clap::ArgAction::Append)]
    pub nodes: Vec<String>,

    /// Relationship files: [TYPE=]FILE or [TYPE=]HEADER,FILE1,FILE2 (repeatable; several
    /// per flag); TYPE is used where the :TYPE field is missing or empty
    #[arg(long = "relationships", value_name = "[TYPE=]FILE", num_args = 1..,
          action = clap::ArgAction::Append)]
    pub relationships: Vec<String>,

    /// The snapshot file to write
    #[arg(long, short = 'o', value_name = "SNAPSHOT")]
    pub output: PathBuf,

    /// Field delimiter: one ASCII character, or \t / TAB
    #[arg(long, value_name = "C", default_value = ",", value_parser = parse_char)]
    pub delimiter: char,

    /// Separator of array items and of several labels in a :LABEL field
    #[arg(long = "array-delimiter", value_name = "C", default_value = ";",
          value_parser = parse_char)]
    pub array_delimiter: char,

    /// Quote character
    #[arg(long, value_name = "C", default_value = "\"", value_parser = parse_char)]
    pub quote: char,

    /// How ids are read: string or integer
    #[arg(
        long = "id-type",
        value_name = "TYPE",
        value_enum,
        ignore_case = true,
        default_value = "string"
    )]
    pub id_type: IdType,

    /// Count and report bad rows instead of failing on the first
    #[arg(long = "skip-bad-rows")]
    pub skip_bad_rows: bool,

    /// Overwrite the output file if it exists
    #[arg(long)]
    pub force: bool,
}

/// Parses a delimiter option: one character, or `\t`, `TAB`.
fn parse_char(text: &str) -> std::result::Result<char, String> {
    match text {
        "\\t" | "TAB" | "tab" => return Ok('\t'),
        _ => {}
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("expected one character, got '{text}'")),
    }
}

impl ImportArgs {
    /// Arguments for importing `nodes` and `relationships` into `output`, with the
    /// defaults of the command line.
    pub fn new(
        nodes: impl IntoIterator<Item = impl Into<String>>,
        relationships: impl IntoIterator<Item = impl Into<String>>,
        output: impl Into<PathBuf>,
    ) -> ImportArgs {
        ImportArgs {
            nodes: nodes.into_iter().map(Into::into).collect(),
            relationships: relationships.into_iter().map(Into::into).collect(),
            output: output.into(),
            delimiter: ',',
            array_delimiter: ';',
            quote: '"',
            id_type: IdType::String,
            skip_bad_rows: false,
            force: false,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub output: PathBuf,
    pub nodes: u64,
    pub relationships: u64,
    /// Rows skipped with `--skip-bad-rows`.
    pub bad_rows: u64,
    /// The messages of the first few bad rows (`file:line: column c: problem`).
    pub bad_row_samples: Vec<String>,
    /// Bytes of CSV read.
    pub bytes: u64,
    /// Time spent reading the CSV files and building the graph.
    pub read_elapsed: Duration,
    /// Time spent writing the snapshot.
    pub save_elapsed: Duration,
    /// The whole import.
    pub elapsed: Duration,
}

impl fmt::Display for ImportReport {
    /// ```text
    /// imported 5 nodes and 4 relationships from 0.0 MiB of CSV into out.kg in 0.01 s (read 0.00 s, save 0.01 s)
    /// skipped 1 bad row:
    ///   KNOWS.csv:3: column since: 'abc' is not an int
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} node{} and {} relationship{} from {:.1} MiB of CSV into {} in {:.2} s \
             (read {:.2} s, save {:.2} s)",
            self.nodes,
            if self.nodes == 1 { "" } else { "s" },
            self.relationships,
            if self.relationships == 1 { "" } else { "s" },
            self.bytes as f64 / (1024.0 * 1024.0),
            self.output.display(),
            self.elapsed.as_secs_f64(),
            self.read_elapsed.as_secs_f64(),
            self.save_elapsed.as_secs_f64(),
        )?;
        if self.bad_rows > 0 {
            write!(
                f,
                "\nskipped {} bad row{}",
                self.bad_rows,
                if self.bad_rows == 1 { "" } else { "s" }
            )?;
            if self.bad_rows as usize > self.bad_row_samples.len() {
                write!(f, " (the first {} below)", self.bad_row_samples.len())?;
            }
            f.write_str(":")?;
            for sample in &self.bad_row_samples {
                write!(f, "\n  {sample}")?;
            }
        }
        Ok(())
    }
}

/// One ASCII byte for a delimiter option.
fn ascii_byte(option: &str, c: char) -> Result<u8> {
    if c.is_ascii() && c != '\n' && c != '\r' {
        Ok(c as u8)
    } else {
        Err(Error::import(format!(
            "{option} must be one ASCII character other than a line break, got {c:?}"
        )))
    }
}

fn checked_settings(args: &ImportArgs) -> Result<Settings> {
    let delimiter = ascii_byte("--delimiter", args.delimiter)?;
    let array_delimiter = ascii_byte("--array-delimiter", args.array_delimiter)?;
    let quote = ascii_byte("--quote", args.quote)?;
    if delimiter == quote {
        return Err(Error::import("--delimiter and --quote must differ"));
    }
    if delimiter == array_delimiter {
        return Err(Error::import(
            "--delimiter and --array-delimiter must differ",
        ));
    }
    Ok(Settings {
        dialect: Dialect { delimiter, quote },
        array_delimiter,
        integer_ids: args.id_type == IdType::Integer,
        skip_bad_rows: args.skip_bad_rows,
    })
}

/// Refuses an existing output (unless `force`) and a missing output directory, before
/// any work is done.
fn check_output(args: &ImportArgs) -> Result<()> {
    let output = &args.output;
    if let Ok(meta) = std::fs::metadata(output) {
        if meta.is_dir() {
            return Err(Error::import(format!(
                "{}: the output is a directory",
                output.display()
            )));
        }
        if !args.force {
            return Err(Error::import(format!(
                "{}: the output file exists; use --force to overwrite it",
                output.display()
            )));
        }
    }
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if !parent.is_dir() {
        return Err(Error::import(format!(
            "{}: the output directory {} does not exist",
            output.display(),
            parent.display()
        )));
    }
    Ok(())
}

/// Parses the file arguments and checks that every file can be read; returns the sources
/// and the total size of their files.
fn checked_sources(arguments: &[String]) -> Result<(Vec<Source>, u64)> {
    let mut sources = Vec::with_capacity(arguments.len());
    let mut bytes = 0u64;
    for argument in arguments {
        let source = parse_source(argument)?;
        for file in &source.files {
            let meta = std::fs::metadata(file)
                .map_err(|e| Error::import(format!("cannot open {}: {}", file.display(), e)))?;
            if !meta.is_file() {
                return Err(Error::import(format!(
                    "{}: not a regular file",
                    file.display()
                )));
            }
            bytes += meta.len();
        }
        sources.push(source);
    }
    Ok((sources, bytes))
}

/// Imports the files named by `args` into a new snapshot at `args.output`. Nothing is
/// written unless the whole import succeeds.
pub fn run(args: &ImportArgs) -> Result<ImportReport> {
    let started = Instant::now();
    let settings = checked_settings(args)?;
    if args.nodes.is_empty() {
        return Err(Error::import(
            "no node files: give at least one --nodes FILE",
        ));
    }
    check_output(args)?;
    let (node_sources, node_bytes) = checked_sources(&args.nodes)?;
    let (rel_sources, rel_bytes) = checked_sources(&args.relationships)?;
    if let Some(source) = rel_sources.iter().find(|s| s.prefix.len() > 1) {
        return Err(Error::import(format!(
            "'{}=': a relationship file takes one type before '=', not {}",
            source.prefix.join(":"),
            source.prefix.len()
        )));
    }

    let mut loader = Loader::new(settings, node_bytes + rel_bytes);
    let loaded = (|| {
        loader.begin_phase(&node_sources, FileKind::Nodes);
        for source in &node_sources {
            loader.load_nodes(source)?;
        }
        loader.begin_phase(&rel_sources, FileKind::Relationships);
        for source in &rel_sources {
            loader.load_rels(source)?;
        }
        Ok::<(), Error>(())
    })();
    loader.finish();
    loaded?;
    loader.graph.set_next_ids(loader.nodes, loader.rels);
    // A named ID column is a key: index it, so that lookups by id are seeks.
    for (label, key) in std::mem::take(&mut loader.id_indexes) {
        let name = format!(
            "{}_{}",
            loader.graph.label_name(label),
            loader.graph.key_name(key)
        );
        loader.graph.create_index(&name, label, key);
    }
    let read_elapsed = started.elapsed();

    let saving = Instant::now();
    // Saving through a Database takes the output's writer lock first, so a kg that has the
    // file open for writing keeps it (the import fails instead of pulling the file from
    // under it).
    let mut db = crate::Database::from_graph(std::mem::take(&mut loader.graph));
    db.save_as(&args.output)?;
    db.file = None;
    let save_elapsed = saving.elapsed();
    let (bad_rows, bad_row_samples) = loader.bad_rows();
    // Freeing millions of records takes a while and nobody waits for it: let a thread of
    // its own do it (a command that exits right after does not wait for it either).
    std::thread::spawn(move || drop(db));
    Ok(ImportReport {
        output: args.output.clone(),
        nodes: loader.nodes,
        relationships: loader.rels,
        bad_rows,
        bad_row_samples,
        bytes: node_bytes + rel_bytes,
        read_elapsed,
        save_elapsed,
        elapsed: started.elapsed(),
    })
}
