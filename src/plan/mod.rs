//! Planning: AST → logical plan.
use crate::ast::Query;
use crate::database::Params;
use crate::error::{Error, Result};
use crate::store::Graph;

pub struct Plan;
impl Plan {
    pub fn explain(&self) -> String {
        String::new()
    }
}
pub fn plan(_q: &Query, _g: &Graph, _p: &Params) -> Result<Plan> {
    Err(Error::syntax("UnexpectedSyntax", "planner not yet built"))
}
