//! Why-provenance: rewrites a plan so that every row also carries its lineage, the set of
//! nodes and relationships it was derived from. One extra slot holds the lineage; before
//! anything that collapses rows (aggregation, DISTINCT, UNION) and at the end, a fold
//! merges the row's pattern-bound elements into it, and aggregation unions the lineage of
//! the rows it groups. `crate::provenance` turns the final lineage into source sentences.

use super::expr::{AggCall, AggFn, CExpr, Function};
use super::logical::PlanNode;
use super::optimize::map_children;
use super::Plan;

/// Adds a lineage column (named `column`) to a planned query.
pub fn add_lineage(plan: &mut Plan, column: String) {
    let lin = plan.width;
    plan.width += 1;
    let mut elements = Vec::new();
    let root = std::mem::replace(&mut plan.root, PlanNode::Argument);
    let root = collect_elements(root, &mut elements);
    // Values returned as columns count too (`WHY RETURN kg.resolve('Liu He')`).
    elements.extend(plan.column_slots.iter().copied());
    elements.sort_unstable();
    elements.dedup();
    let rewriter = Rewriter { lin, elements };
    plan.root = rewriter.fold(rewriter.rewrite(root));
    plan.columns.push(column);
    plan.column_slots.push(lin);
}

/// Records every slot a pattern operator binds to a node, relationship(s) or path.
fn collect_elements(node: PlanNode, out: &mut Vec<usize>) -> PlanNode {
    use PlanNode as P;
    match &node {
        P::NodeScan { slot, .. }
        | P::NodeByProperty { slot, .. }
        | P::NodeById { slot, .. }
        | P::NodeByRange { slot, .. } => out.push(*slot),
        P::Expand { from, rel, to, .. } | P::VarExpand { from, rel, to, .. } => {
            out.extend([*from, *rel, *to])
        }
        P::ShortestPath { from, to, path, .. } => out.extend([*from, *to, *path]),
        P::RelById { rel, from, to, .. } => out.extend([*rel, *from, *to]),
        P::BuildPath { slot, .. } => out.push(*slot),
        _ => {}
    }
    map_children(node, &mut |c| collect_elements(c, out))
}

struct Rewriter {
    lin: usize,
    elements: Vec<usize>,
}

impl Rewriter {
    /// `lin := lineage(elements..., lin)`.
    fn fold(&self, input: PlanNode) -> PlanNode {
        let mut args: Vec<CExpr> = self.elements.iter().map(|s| CExpr::Slot(*s)).collect();
        args.push(CExpr::Slot(self.lin));
        PlanNode::Project {
            input: Box::new(input),
            items: vec![(self.lin, CExpr::Call(Function::Lineage, args))],
        }
    }

    /// The aggregate that unions the lineage of a group's rows.
    fn union_agg(&self) -> AggCall {
        AggCall {
            func: AggFn::Collect,
            distinct: false,
            arg: Some(CExpr::Slot(self.lin)),
            extra: None,
            slot: self.lin,
        }
    }

    fn rewrite(&self, node: PlanNode) -> PlanNode {
        use PlanNode as P;
        let node = map_children(node, &mut |c| self.rewrite(c));
        match node {
            P::Aggregate {
                input,
                keys,
                mut aggs,
            } => {
                aggs.push(self.union_agg());
                P::Aggregate {
                    input: Box::new(self.fold(*input)),
                    keys,
                    aggs,
                }
            }
            // DISTINCT becomes grouping, so that the rows it merges pool their lineage.
            P::Distinct { input, slots } => P::Aggregate {
                input: Box::new(self.fold(*input)),
                keys: slots.iter().map(|s| (*s, CExpr::Slot(*s))).collect(),
                aggs: vec![self.union_agg()],
            },
            P::Union {
                left,
                right,
                all,
                mut left_slots,
                mut right_slots,
                mut out_slots,
            } => {
                let keys: Vec<(usize, CExpr)> =
                    out_slots.iter().map(|s| (*s, CExpr::Slot(*s))).collect();
                left_slots.push(self.lin);
                right_slots.push(self.lin);
                out_slots.push(self.lin);
                let union = P::Union {
                    left: Box::new(self.fold(*left)),
                    right: Box::new(self.fold(*right)),
                    all: true,
                    left_slots,
                    right_slots,
                    out_slots,
                };
                if all {
                    union
                } else {
                    P::Aggregate {
                        input: Box::new(union),
                        keys,
                        aggs: vec![self.union_agg()],
                    }
                }
            }
            other => other,
        }
    }
}
