//! Planning: AST → logical plan. `bind` resolves variables to row slots and checks the
//! query's semantics (the TCK's compile-time errors); `logical` defines the operators;
//! `expr` the compiled expressions. The planner reads the catalog (label counts) to pick
//! starting points, never the data itself.

mod bind;
pub mod expr;
pub mod logical;
mod optimize;

use crate::ast::Query;
use crate::database::Params;
use crate::error::Result;
use crate::store::Graph;
pub use logical::PlanNode;

/// A planned query, ready to execute.
#[derive(Debug, Clone)]
pub struct Plan {
    pub root: PlanNode,
    /// Result column names, in order.
    pub columns: Vec<String>,
    /// The slot holding each column.
    pub column_slots: Vec<usize>,
    /// Width of every row.
    pub width: usize,
}

impl Plan {
    /// The operator tree as text, like Neo4j's EXPLAIN.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        if !self.columns.is_empty() {
            out.push_str(&format!("+ProduceResults ({})\n", self.columns.join(", ")));
        }
        self.root.explain(&mut out, 0);
        out
    }
}

/// Plans a query against the graph's catalog.
pub fn plan(query: &Query, graph: &Graph, params: &Params, source: &str) -> Result<Plan> {
    let mut plan = bind::Binder::new(graph, params, source).plan_query(query)?;
    plan.root = optimize::optimize(plan.root, graph);
    Ok(plan)
}
