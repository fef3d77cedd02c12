//! The interactive shell. (Being built; see the REPL issue.)

use crate::database::Database;
use crate::output::Format;

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

/// Runs the interactive shell until the user quits; returns the process exit status.
pub fn run(db: Database, opts: ReplOptions) -> i32 {
    let _ = (db, opts);
    eprintln!("kg: the interactive shell is not built yet; use -e or -f");
    1
}
