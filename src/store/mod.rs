//! The store: an in-memory property graph that knows nothing of Cypher. Execution sees it
//! only through `Graph`'s methods (scans, label index, O(degree) expansion, writes with an
//! undo log); only this module names petgraph.

mod adjacency;
mod graph;
mod index;
mod intern;
mod labelset;
mod relprops;
mod slots;

pub use graph::{get_prop, normalize_props, Direction, Graph, Mark, Props, UniqueConflict};
pub use index::{Bound, IndexKey, PropertyIndex};
pub use intern::{Interner, Symbol};
pub use labelset::LabelSet;
