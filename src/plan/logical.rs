//! Logical plan operators. Every variable lives in a numbered slot of a fixed-width row;
//! operators read and write slots. `exec::operators` turns each node into a pull-based
//! iterator.

use super::expr::{AggCall, CExpr};
use crate::store::Direction;
use std::fmt::Write;
use std::sync::Arc;

/// Label names, resolved against the store at run time.
pub type Names = Vec<Arc<str>>;

#[derive(Debug, Clone)]
pub enum PlanNode {
    /// One row: the argument row of a subquery (all nulls at the top).
    Argument,
    /// For each input row, every node (with all of `labels`) into `slot`.
    NodeScan {
        input: Box<PlanNode>,
        slot: usize,
        labels: Names,
    },
    /// For each input row, nodes whose property `key` equals `value` (or, with `many`,
    /// any element of the list `value`), found through a property index.
    NodeByProperty {
        input: Box<PlanNode>,
        slot: usize,
        labels: Names,
        key: Arc<str>,
        value: CExpr,
        many: bool,
    },
    /// For each input row, candidates for a range predicate on an indexed property:
    /// the nodes whose `key` lies between `lower` and `upper` (taken as inclusive) or
    /// starts with `prefix`, in id order. The exact predicates stay as filters above.
    NodeByRange {
        input: Box<PlanNode>,
        slot: usize,
        labels: Names,
        key: Arc<str>,
        lower: Option<CExpr>,
        upper: Option<CExpr>,
        prefix: Option<CExpr>,
    },
    /// For each input row, the relationships whose id is `ids` (or, with `many`, any
    /// element of the list), of one of `types` if any, bound with their endpoints as
    /// `(from)-[rel]-(to)` in direction `dir`: `MATCH ()-[r]->() WHERE id(r) = $x`.
    RelById {
        input: Box<PlanNode>,
        rel: usize,
        from: usize,
        to: usize,
        dir: Direction,
        types: Names,
        from_labels: Names,
        to_labels: Names,
        ids: CExpr,
        many: bool,
    },
    /// For each input row, the nodes whose id is `ids` (or, with `many`, any element of the
    /// list `ids`) and that have all of `labels`: `WHERE id(n) = $x` without a scan.
    NodeById {
        input: Box<PlanNode>,
        slot: usize,
        labels: Names,
        ids: CExpr,
        many: bool,
    },
    /// A count answered from the store's counters, into `slot`.
    CountStore {
        input: Box<PlanNode>,
        slot: usize,
        kind: CountKind,
    },
    /// Follow one relationship from `from` to `to`; `to_bound` checks an already-bound `to`.
    Expand {
        input: Box<PlanNode>,
        from: usize,
        rel: usize,
        to: usize,
        dir: Direction,
        types: Names,
        to_labels: Names,
        to_bound: bool,
        rel_bound: bool,
        /// Relationship slots (single rels or rel lists) this one must differ from.
        unique_from: Vec<usize>,
    },
    /// Variable-length expansion: `rel` receives the list of relationships.
    VarExpand {
        input: Box<PlanNode>,
        from: usize,
        rel: usize,
        to: usize,
        dir: Direction,
        types: Names,
        to_labels: Names,
        min: u64,
        max: Option<u64>,
        to_bound: bool,
        /// Property equality every relationship on the path must satisfy.
        rel_props: Option<CExpr>,
        unique_from: Vec<usize>,
        /// Expanding against the pattern's written direction: the list is reversed.
        reversed: bool,
        /// The relationship list is already bound: follow exactly those relationships.
        rel_bound: bool,
        /// The relationships are used (a named variable or a path).
        rel_needed: bool,
        /// Only distinct endpoints matter: search breadth-first, one row per endpoint.
        distinct_ends: bool,
    },
    /// shortestPath / allShortestPaths between two bound nodes into `path`.
    ShortestPath {
        input: Box<PlanNode>,
        from: usize,
        to: usize,
        path: usize,
        rel: Option<usize>,
        dir: Direction,
        types: Names,
        min: u64,
        max: Option<u64>,
        all: bool,
    },
    /// Builds a path value from node and relationship slots.
    BuildPath {
        input: Box<PlanNode>,
        slot: usize,
        start: usize,
        /// (relationship slot, is a list of relationships)
        segments: Vec<(usize, bool)>,
    },
    Filter {
        input: Box<PlanNode>,
        predicate: CExpr,
    },
    /// For each input row, rows of `inner` (built on an Argument); if none, the input row
    /// with `nullable` slots set to null.
    Optional {
        input: Box<PlanNode>,
        inner: Box<PlanNode>,
        nullable: Vec<usize>,
    },
    /// Cartesian/apply: for each input row, rows of `inner` run with it as argument.
    Apply {
        input: Box<PlanNode>,
        inner: Box<PlanNode>,
    },
    Project {
        input: Box<PlanNode>,
        items: Vec<(usize, CExpr)>,
    },
    Aggregate {
        input: Box<PlanNode>,
        keys: Vec<(usize, CExpr)>,
        aggs: Vec<AggCall>,
    },
    Distinct {
        input: Box<PlanNode>,
        slots: Vec<usize>,
    },
    Sort {
        input: Box<PlanNode>,
        keys: Vec<(CExpr, bool)>,
        /// Keep only the first `limit` rows (top-k), when known.
        limit: Option<CExpr>,
    },
    Skip {
        input: Box<PlanNode>,
        count: CExpr,
    },
    Limit {
        input: Box<PlanNode>,
        count: CExpr,
    },
    Unwind {
        input: Box<PlanNode>,
        expr: CExpr,
        slot: usize,
    },
    /// For each input row, the records of the CSV file `source` names, into `slot`: maps
    /// keyed by the header with `headers`, otherwise lists of strings.
    LoadCsv {
        input: Box<PlanNode>,
        source: CExpr,
        slot: usize,
        headers: bool,
        delimiter: u8,
    },
    Create {
        input: Box<PlanNode>,
        parts: Vec<CreatePart>,
    },
    Merge {
        input: Box<PlanNode>,
        /// Matches the pattern with the row as argument.
        matcher: Box<PlanNode>,
        create: Vec<CreatePart>,
        on_create: Vec<SetOp>,
        on_match: Vec<SetOp>,
        /// Slots the pattern binds (nulled before creating).
        bound: Vec<usize>,
    },
    Set {
        input: Box<PlanNode>,
        ops: Vec<SetOp>,
    },
    Delete {
        input: Box<PlanNode>,
        exprs: Vec<CExpr>,
        detach: bool,
    },
    Union {
        left: Box<PlanNode>,
        right: Box<PlanNode>,
        all: bool,
        /// Output slots of each side, by column position.
        left_slots: Vec<usize>,
        right_slots: Vec<usize>,
        out_slots: Vec<usize>,
    },
    /// Consume every input row (so that writes happen) and yield nothing.
    Discard {
        input: Box<PlanNode>,
    },
}

/// What a CountStore counts.
#[derive(Debug, Clone)]
pub enum CountKind {
    AllNodes,
    Label(Arc<str>),
    AllRels,
    RelType(Arc<str>),
}

/// One pattern part of CREATE (or MERGE's create side).
#[derive(Debug, Clone)]
pub struct CreatePart {
    pub nodes: Vec<CreateNode>,
    /// rels[i] joins nodes[i] and nodes[i + 1].
    pub rels: Vec<CreateRel>,
    pub path_slot: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct CreateNode {
    pub slot: usize,
    /// Already bound: use the existing node.
    pub bound: bool,
    pub labels: Names,
    pub props: Option<CExpr>,
}

#[derive(Debug, Clone)]
pub struct CreateRel {
    pub slot: usize,
    pub rel_type: Arc<str>,
    /// true: nodes[i] → nodes[i+1]; false: nodes[i+1] → nodes[i].
    pub forward: bool,
    pub props: Option<CExpr>,
}

/// One SET/REMOVE action.
#[derive(Debug, Clone)]
pub enum SetOp {
    Property {
        target: CExpr,
        key: Arc<str>,
        value: CExpr,
    },
    Replace {
        target: CExpr,
        value: CExpr,
    },
    Merge {
        target: CExpr,
        value: CExpr,
    },
    AddLabels {
        target: CExpr,
        labels: Names,
    },
    RemoveLabels {
        target: CExpr,
        labels: Names,
    },
}

impl PlanNode {
    pub fn input(&self) -> Option<&PlanNode> {
        use PlanNode::*;
        match self {
            Argument => None,
            NodeScan { input, .. }
            | NodeByProperty { input, .. }
            | NodeById { input, .. }
            | NodeByRange { input, .. }
            | RelById { input, .. }
            | CountStore { input, .. }
            | Expand { input, .. }
            | VarExpand { input, .. }
            | ShortestPath { input, .. }
            | BuildPath { input, .. }
            | Filter { input, .. }
            | Optional { input, .. }
            | Apply { input, .. }
            | Project { input, .. }
            | Aggregate { input, .. }
            | Distinct { input, .. }
            | Sort { input, .. }
            | Skip { input, .. }
            | Limit { input, .. }
            | Unwind { input, .. }
            | LoadCsv { input, .. }
            | Create { input, .. }
            | Merge { input, .. }
            | Set { input, .. }
            | Delete { input, .. }
            | Discard { input } => Some(input),
            Union { .. } => None,
        }
    }

    /// The operator this one pulls its rows from, mutably (None for leaves, unions).
    pub fn input_mut(&mut self) -> Option<&mut Box<PlanNode>> {
        use PlanNode::*;
        match self {
            Argument => None,
            NodeScan { input, .. }
            | NodeByProperty { input, .. }
            | NodeById { input, .. }
            | NodeByRange { input, .. }
            | RelById { input, .. }
            | CountStore { input, .. }
            | Expand { input, .. }
            | VarExpand { input, .. }
            | ShortestPath { input, .. }
            | BuildPath { input, .. }
            | Filter { input, .. }
            | Optional { input, .. }
            | Apply { input, .. }
            | Project { input, .. }
            | Aggregate { input, .. }
            | Distinct { input, .. }
            | Sort { input, .. }
            | Skip { input, .. }
            | Limit { input, .. }
            | Unwind { input, .. }
            | LoadCsv { input, .. }
            | Create { input, .. }
            | Merge { input, .. }
            | Set { input, .. }
            | Delete { input, .. }
            | Discard { input } => Some(input),
            Union { .. } => None,
        }
    }

    fn describe(&self) -> String {
        use PlanNode::*;
        let names = |n: &Names| {
            n.iter()
                .map(|l| format!(":{l}"))
                .collect::<Vec<_>>()
                .join("")
        };
        match self {
            Argument => "Argument".into(),
            NodeScan { slot, labels, .. } if labels.is_empty() => {
                format!("AllNodesScan (${slot})")
            }
            NodeScan { slot, labels, .. } => format!("NodeByLabelScan (${slot}{})", names(labels)),
            NodeByProperty {
                slot, labels, key, ..
            } => format!("NodeIndexSeek (${slot}{} {{{key}}})", names(labels)),
            NodeById { slot, labels, .. } => format!("NodeByIdSeek (${slot}{})", names(labels)),
            RelById {
                rel,
                from,
                to,
                types,
                ..
            } => format!(
                "RelationshipByIdSeek (${from})-[${rel}{}]-(${to})",
                names(types)
            ),
            NodeByRange {
                slot, labels, key, ..
            } => format!("NodeIndexRangeSeek (${slot}{} {{{key}}})", names(labels)),
            CountStore { slot, kind, .. } => format!("CountStore (${slot} = count {kind:?})"),
            Expand {
                from,
                rel,
                to,
                dir,
                types,
                to_bound,
                ..
            } => format!(
                "{} (${from})-[${rel}{}]-{:?}-(${to})",
                if *to_bound { "ExpandInto" } else { "Expand" },
                names(types),
                dir
            ),
            VarExpand {
                from,
                to,
                min,
                max,
                types,
                distinct_ends,
                ..
            } => format!(
                "{} (${from})-[{}*{min}..{}]-(${to})",
                if *distinct_ends {
                    "VarLengthExpand(BFS, distinct endpoints)"
                } else {
                    "VarLengthExpand"
                },
                names(types),
                max.map(|m| m.to_string()).unwrap_or_default()
            ),
            ShortestPath { from, to, all, .. } => format!(
                "{} (${from})->(${to})",
                if *all {
                    "AllShortestPaths"
                } else {
                    "ShortestPath"
                }
            ),
            BuildPath { slot, .. } => format!("BuildPath (${slot})"),
            Filter { .. } => "Filter".into(),
            Optional { .. } => "Optional".into(),
            Apply { .. } => "Apply".into(),
            Project { items, .. } => format!(
                "Projection ({})",
                items
                    .iter()
                    .map(|(s, _)| format!("${s}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Aggregate { keys, aggs, .. } => {
                format!(
                    "Aggregation (keys: {}, aggregates: {})",
                    keys.len(),
                    aggs.len()
                )
            }
            Distinct { .. } => "Distinct".into(),
            Sort { limit, .. } => {
                if limit.is_some() {
                    "Top".into()
                } else {
                    "Sort".into()
                }
            }
            Skip { .. } => "Skip".into(),
            Limit { .. } => "Limit".into(),
            Unwind { slot, .. } => format!("Unwind (${slot})"),
            LoadCsv { slot, headers, .. } => format!(
                "LoadCSV{} (${slot})",
                if *headers { " WITH HEADERS" } else { "" }
            ),
            Create { .. } => "Create".into(),
            Merge { .. } => "Merge".into(),
            Set { .. } => "SetOrRemove".into(),
            Delete { detach, .. } => {
                if *detach {
                    "DetachDelete".into()
                } else {
                    "Delete".into()
                }
            }
            Union { all, .. } => {
                if *all {
                    "UnionAll".into()
                } else {
                    "Union".into()
                }
            }
            Discard { .. } => "EmptyResult".into(),
        }
    }

    /// An indented operator tree, root first.
    pub fn explain(&self, out: &mut String, depth: usize) {
        self.visit_tree(depth, &mut |node, d| {
            let _ = writeln!(out, "{}+{}", "| ".repeat(d), node.describe());
        });
    }

    /// One line of EXPLAIN's tree: the operator and its arguments.
    pub fn description(&self) -> String {
        self.describe()
    }

    /// Visits the operator tree in EXPLAIN's order (root first, subplans indented one
    /// level deeper than the operator that runs them).
    pub fn visit_tree(&self, depth: usize, f: &mut dyn FnMut(&PlanNode, usize)) {
        f(self, depth);
        match self {
            PlanNode::Union { left, right, .. } => {
                left.visit_tree(depth + 1, f);
                right.visit_tree(depth + 1, f);
            }
            PlanNode::Optional { input, inner, .. } | PlanNode::Apply { input, inner } => {
                inner.visit_tree(depth + 1, f);
                input.visit_tree(depth, f);
            }
            PlanNode::Merge { input, matcher, .. } => {
                matcher.visit_tree(depth + 1, f);
                input.visit_tree(depth, f);
            }
            other => {
                if let Some(i) = other.input() {
                    i.visit_tree(depth, f);
                }
            }
        }
    }

    /// The operators this one pulls rows from, mutably: its input first, then subplans
    /// (Optional/Apply inner, Merge matcher) or both sides of a Union.
    pub fn children_mut(&mut self) -> Vec<&mut Box<PlanNode>> {
        match self {
            PlanNode::Union { left, right, .. } => vec![left, right],
            PlanNode::Optional { input, inner, .. } | PlanNode::Apply { input, inner } => {
                vec![input, inner]
            }
            PlanNode::Merge { input, matcher, .. } => vec![input, matcher],
            other => other.input_mut().into_iter().collect(),
        }
    }

    /// The operators this one pulls rows from (its input and any subplans).
    pub fn children(&self) -> Vec<&PlanNode> {
        match self {
            PlanNode::Union { left, right, .. } => vec![left, right],
            PlanNode::Optional { input, inner, .. } | PlanNode::Apply { input, inner } => {
                vec![inner, input]
            }
            PlanNode::Merge { input, matcher, .. } => vec![matcher, input],
            other => other.input().into_iter().collect(),
        }
    }
}
