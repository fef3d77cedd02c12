//! Planning: AST → logical plan. `bind` resolves variables to row slots and checks the
//! query's semantics (the TCK's compile-time errors); `logical` defines the operators;
//! `expr` the compiled expressions. The planner reads the catalog (label counts) to pick
//! starting points, never the data itself.

mod bind;
pub mod expr;
mod lineage;
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
    /// PROFILE's report: EXPLAIN's tree with the rows each operator produced and the time
    /// spent in it (in total, and in it alone without the operators it pulls from).
    pub fn profile(&self, measured: &crate::exec::Profile) -> Vec<crate::OperatorProfile> {
        let mut out = Vec::new();
        self.root.visit_tree(0, &mut |node, depth| {
            let m = measured.get(node);
            let children: std::time::Duration =
                node.children().iter().map(|c| measured.get(c).time).sum();
            out.push(crate::OperatorProfile {
                depth,
                operator: node.description(),
                rows: m.rows,
                time: m.time,
                self_time: m.time.saturating_sub(children),
            });
        });
        out
    }

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
    plan.root = optimize::optimize(plan.root, graph, true);
    Ok(plan)
}

/// Plans a query for `WHY`: as [`plan`], plus a last column (`sources`, or `sources_2`, …
/// if that name is taken) holding each row's lineage, the nodes and relationships it was
/// derived from. Counts are not answered from the store's counters, so that aggregated
/// rows keep their lineage.
pub fn plan_why(query: &Query, graph: &Graph, params: &Params, source: &str) -> Result<Plan> {
    let mut plan = bind::Binder::new(graph, params, source).plan_query(query)?;
    plan.root = optimize::optimize(plan.root, graph, false);
    let mut column = "sources".to_string();
    let mut n = 1;
    while plan.columns.contains(&column) {
        n += 1;
        column = format!("sources_{n}");
    }
    lineage::add_lineage(&mut plan, column);
    Ok(plan)
}
