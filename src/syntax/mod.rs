//! Parsing: query text → AST. The only door into pest.

use crate::ast::Statement;
use crate::error::{Error, Result};

pub fn parse(_text: &str) -> Result<Statement> {
    Err(Error::syntax("UnexpectedSyntax", "parser not yet built"))
}
