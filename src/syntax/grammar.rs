//! The pest parser generated from `grammar/cypher.pest`.

#[derive(pest_derive::Parser)]
// Relative to the crate root: pest looks there first (a `../grammar` path would find a
// same-named file beside the checkout before falling back to `src/../grammar`).
#[grammar = "grammar/cypher.pest"]
pub struct CypherParser;
