//! The pest parser generated from `grammar/cypher.pest`.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/cypher.pest"]
pub struct CypherParser;
