//! kg: an embedded knowledge-graph engine with an openCypher query language.
//!
//! The pipeline is text → pest parse tree → AST (with spans) → logical plan → physical
//! operators over the store. [`Database`] is the one door in: the CLI, the REPL and an
//! embedding program all use `execute(query, params)`.
//!
//! ```
//! use kg::{Database, Params, Value};
//!
//! let mut db = Database::new();
//! db.execute("CREATE (:Person {name: 'Liu He'})-[:MET {day: 'Wednesday'}]->(:Person {name: 'Robert Lighthizer'})", &Params::new())?;
//! let result = db.execute("MATCH (a)-[m:MET]->(b) RETURN a.name, m.day, b.name", &Params::new())?;
//! assert_eq!(result.columns, ["a.name", "m.day", "b.name"]);
//! assert_eq!(result.rows[0][0], Value::from("Liu He"));
//! # Ok::<(), kg::Error>(())
//! ```
//!
//! Code map, in pipeline order: `script` (splitting scripts into statements), `syntax`
//! (the pest grammar and lowering to `ast`), `plan` (binding variables to slots and
//! building the logical plan), `exec` (operators and expression evaluation over
//! `store`), `database` (the public facade), `output` (table, JSON and CSV rendering).

pub mod aliases;
pub mod ast;
pub mod database;
pub mod diff;
pub mod error;
pub mod exec;
pub mod export;
pub mod import;
pub mod output;
pub mod plan;
pub mod provenance;
pub mod repl;
pub mod script;
pub mod snapshot;
pub mod store;
pub mod syntax;
pub mod temporal;
pub mod val;
pub mod value;

pub use database::{Database, Limits, OperatorProfile, Params, QueryResult, Stats, Timing};
pub use error::{Error, ErrorKind, Phase, Result, Span};
pub use value::{Node, Path, Relationship, Value};
