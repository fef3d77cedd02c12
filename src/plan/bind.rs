//! Binding and planning: walks the AST clause by clause, keeps the scope of variables
//! (name → slot and kind), raises the openCypher compile-time errors (undefined or
//! conflicting variables, misplaced aggregates, invalid CREATE patterns, …) and emits the
//! logical plan with compiled expressions.

use super::expr::{AggCall, AggFn, CExpr, Function, KeyName, MapProjItem};
use super::logical::{CreateNode, CreatePart, CreateRel, Names, PlanNode, SetOp};
use super::Plan;
use crate::ast::*;
use crate::database::Params;
use crate::error::{Error, Result, Span};
use crate::store::{Direction, Graph};
use crate::val::Val;
use std::sync::Arc;

/// The most clauses and pattern elements (nodes and relationships) one statement may have.
pub const MAX_QUERY_SIZE: usize = 2_500;

/// What a variable holds, as far as the planner knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    RelList,
    Path,
    /// A non-entity value (number, string, list, map, …).
    Value,
    /// A value that is certainly neither an entity nor a map (a number, string, boolean
    /// or list): it has no properties.
    Scalar,
    Any,
}

#[derive(Debug, Clone, Default)]
struct Scope {
    vars: Vec<(String, usize, Kind)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<(usize, Kind)> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, k)| (*s, *k))
    }
    fn add(&mut self, name: &str, slot: usize, kind: Kind) {
        self.vars.retain(|(n, _, _)| n != name);
        self.vars.push((name.to_string(), slot, kind));
    }
}

/// One projection item while planning: column name, expression (or, for `*`, the
/// variable's slot and kind), and its span.
type ProjItem<'e> = (String, Option<&'e Expr>, Option<(usize, Kind)>, Span);

/// Where an expression is compiled: decides whether aggregates are allowed.
struct AggSink<'a> {
    aggs: &'a mut Vec<AggCall>,
}

pub struct Binder<'a> {
    graph: &'a Graph,
    params: &'a Params,
    source: &'a str,
    next_slot: usize,
    /// While planning ORDER BY after aggregation: expressions (by source text) that are
    /// already computed in a slot.
    text_slots: Vec<(String, usize)>,
    /// Grouping-key expressions that are neither variables nor property reads: using them
    /// next to an aggregate is ambiguous.
    ambiguous_texts: Vec<String>,
    /// The pattern part being planned has a path variable (its relationships are needed).
    in_named_path: bool,
    /// `var.key = …` conjuncts of the WHERE of the MATCH being planned (for estimates).
    eq_preds: Vec<(String, String)>,
}

fn err(code: &'static str, msg: impl Into<String>, span: Span) -> Error {
    Error::syntax(code, msg).with_span(span)
}

fn names(idents: &[Ident]) -> Names {
    idents.iter().map(|i| Arc::from(i.name.as_str())).collect()
}

fn and_all(mut preds: Vec<CExpr>) -> Option<CExpr> {
    let first = preds.pop()?;
    Some(preds.into_iter().fold(first, |acc, p| {
        CExpr::Binary(BinaryOp::And, Box::new(p), Box::new(acc))
    }))
}

impl<'a> Binder<'a> {
    pub fn new(graph: &'a Graph, params: &'a Params, source: &'a str) -> Binder<'a> {
        Binder {
            graph,
            params,
            source,
            next_slot: 0,
            text_slots: Vec::new(),
            ambiguous_texts: Vec::new(),
            in_named_path: false,
            eq_preds: Vec::new(),
        }
    }

    fn slot(&mut self) -> usize {
        let s = self.next_slot;
        self.next_slot += 1;
        s
    }

    fn text(&self, span: Span) -> &str {
        self.source
            .get(span.start..span.end)
            .unwrap_or("")
            .trim_end()
    }

    pub fn plan_query(mut self, q: &Query) -> Result<Plan> {
        // Plans are trees as deep as the query is long; keep them well within a default
        // thread stack and within memory.
        let size: usize = q
            .parts
            .iter()
            .flat_map(|p| p.clauses.iter())
            .map(|c| match c {
                Clause::Match(m) => m.pattern.iter().map(|p| 1 + p.element.chain.len()).sum(),
                Clause::Create(cr) => cr.pattern.iter().map(|p| 1 + p.element.chain.len()).sum(),
                Clause::Merge(m) => 1 + m.part.element.chain.len(),
                _ => 1,
            })
            .sum();
        if size > MAX_QUERY_SIZE {
            return Err(err(
                "UnexpectedSyntax",
                format!(
                    "the query is too large: {size} clauses and pattern elements, more than the {MAX_QUERY_SIZE} kg allows in one statement"
                ),
                q.span,
            ));
        }
        let mut parts = Vec::new();
        for part in &q.parts {
            parts.push(self.single_query(part)?);
        }
        if q.union_all.iter().any(|a| *a) && q.union_all.iter().any(|a| !*a) {
            return Err(err(
                "InvalidClauseComposition",
                "cannot mix UNION and UNION ALL",
                q.span,
            ));
        }
        let mut iter = parts.into_iter();
        let (mut root, columns, mut slots) = iter.next().expect("at least one part");
        for (i, (plan, cols, part_slots)) in iter.enumerate() {
            if cols != columns {
                return Err(err(
                    "DifferentColumnsInUnion",
                    "all sub queries in a UNION must have the same column names",
                    q.parts[i + 1].span,
                ));
            }
            let out: Vec<usize> = (0..cols.len()).map(|_| self.slot()).collect();
            root = PlanNode::Union {
                left: Box::new(root),
                right: Box::new(plan),
                all: q.union_all[i],
                left_slots: slots,
                right_slots: part_slots,
                out_slots: out.clone(),
            };
            slots = out;
        }
        Ok(Plan {
            root,
            columns,
            column_slots: slots,
            width: self.next_slot,
        })
    }

    fn single_query(&mut self, q: &SingleQuery) -> Result<(PlanNode, Vec<String>, Vec<usize>)> {
        self.single_query_in(q, Scope::default(), false)
    }

    /// Plans a single query starting from `scope`; a subquery (inside EXISTS) may not
    /// update the graph and need not end with RETURN.
    fn single_query_in(
        &mut self,
        q: &SingleQuery,
        outer: Scope,
        subquery: bool,
    ) -> Result<(PlanNode, Vec<String>, Vec<usize>)> {
        let mut plan = PlanNode::Argument;
        let mut scope = outer;
        if subquery {
            if let Some(c) = q.clauses.iter().find(|c| {
                matches!(
                    c,
                    Clause::Create(_)
                        | Clause::Merge(_)
                        | Clause::Set(_)
                        | Clause::Remove(_)
                        | Clause::Delete(_)
                )
            }) {
                return Err(err(
                    "InvalidClauseComposition",
                    "an EXISTS subquery cannot update the graph",
                    c.span(),
                ));
            }
        }
        let n = q.clauses.len();
        let mut has_update = false;
        for (i, clause) in q.clauses.iter().enumerate() {
            let last = i + 1 == n;
            match clause {
                Clause::Match(m) => {
                    plan = self.plan_match(plan, &mut scope, m)?;
                }
                Clause::Unwind(u) => {
                    let expr = self.expr(&u.expr, &scope, None)?;
                    if scope.get(&u.var.name).is_some() {
                        return Err(err(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already bound", u.var.name),
                            u.var.span,
                        ));
                    }
                    let slot = self.slot();
                    scope.add(&u.var.name, slot, Kind::Any);
                    plan = PlanNode::Unwind {
                        input: Box::new(plan),
                        expr,
                        slot,
                    };
                }
                Clause::LoadCsv(l) => {
                    let source = self.expr(&l.source, &scope, None)?;
                    let delimiter = match &l.delimiter {
                        None => b',',
                        Some(d) => match self.expr(d, &scope, None)? {
                            CExpr::Const(Val::Str(t)) if t.len() == 1 => t.as_bytes()[0],
                            CExpr::Const(Val::Str(t)) if &*t == "\\t" => b'\t',
                            _ => {
                                return Err(err(
                                    "InvalidArgumentValue",
                                    "FIELDTERMINATOR must be a one-character string such as ';' or '\\t'",
                                    d.span,
                                ))
                            }
                        },
                    };
                    if scope.get(&l.var.name).is_some() {
                        return Err(err(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already bound", l.var.name),
                            l.var.span,
                        ));
                    }
                    let slot = self.slot();
                    scope.add(&l.var.name, slot, Kind::Any);
                    plan = PlanNode::LoadCsv {
                        input: Box::new(plan),
                        source,
                        slot,
                        headers: l.headers,
                        delimiter,
                    };
                }
                Clause::With(w) => {
                    let (p, s, _, _) =
                        self.projection(plan, &scope, &w.body, w.where_.as_ref(), true)?;
                    plan = p;
                    scope = s;
                }
                Clause::Return(r) => {
                    if !last {
                        return Err(err(
                            "InvalidClauseComposition",
                            "RETURN can only be used at the end of the query",
                            r.span,
                        ));
                    }
                    let (p, _, columns, slots) =
                        self.projection(plan, &scope, &r.body, None, false)?;
                    return Ok((p, columns, slots));
                }
                Clause::Create(c) => {
                    has_update = true;
                    let parts = self.create_parts(&mut scope, &c.pattern, false)?;
                    plan = PlanNode::Create {
                        input: Box::new(plan),
                        parts,
                    };
                }
                Clause::Merge(m) => {
                    has_update = true;
                    plan = self.plan_merge(plan, &mut scope, m)?;
                }
                Clause::Set(s) => {
                    has_update = true;
                    let ops = self.set_ops(&scope, &s.items)?;
                    plan = PlanNode::Set {
                        input: Box::new(plan),
                        ops,
                    };
                }
                Clause::Remove(r) => {
                    has_update = true;
                    let mut ops = Vec::new();
                    for item in &r.items {
                        ops.push(match item {
                            RemoveItem::Property { target, key } => SetOp::Property {
                                target: self.expr(target, &scope, None)?,
                                key: Arc::from(key.name.as_str()),
                                value: CExpr::Const(Val::Null),
                            },
                            RemoveItem::Labels { var, labels } => SetOp::RemoveLabels {
                                target: self.var(var, &scope)?,
                                labels: names(labels),
                            },
                        });
                    }
                    plan = PlanNode::Set {
                        input: Box::new(plan),
                        ops,
                    };
                }
                Clause::Delete(d) => {
                    has_update = true;
                    let mut exprs = Vec::new();
                    for e in &d.exprs {
                        if matches!(
                            e.unparen().kind,
                            ExprKind::Literal(_) | ExprKind::Binary(..)
                        ) {
                            return Err(err(
                                "InvalidArgumentType",
                                "DELETE needs a node, relationship or path",
                                e.span,
                            ));
                        }
                        if matches!(e.unparen().kind, ExprKind::HasLabels(..)) {
                            return Err(err(
                                "InvalidDelete",
                                "DELETE needs a node, relationship or path",
                                e.span,
                            ));
                        }
                        exprs.push(self.expr(e, &scope, None)?);
                    }
                    plan = PlanNode::Delete {
                        input: Box::new(plan),
                        exprs,
                        detach: d.detach,
                    };
                }
                Clause::Call(c) => {
                    return Err(Error::new(
                        crate::ErrorKind::ProcedureError,
                        Some("ProcedureNotFound"),
                        format!("there is no procedure named `{}`", c.name),
                    )
                    .with_span(c.span)
                    .at_compile());
                }
            }
        }
        if subquery {
            return Ok((plan, Vec::new(), Vec::new()));
        }
        if !has_update {
            let span = q.clauses.last().map(|c| c.span()).unwrap_or(q.span);
            return Err(err(
                "InvalidClauseComposition",
                "a query cannot end with a reading clause; add a RETURN",
                span,
            ));
        }
        Ok((
            PlanNode::Discard {
                input: Box::new(plan),
            },
            Vec::new(),
            Vec::new(),
        ))
    }

    // ------------------------------------------------------------ MATCH

    /// A WHERE predicate that is certainly not a boolean (a bare node, relationship or path).
    fn check_predicate(&self, w: &Expr, scope: &Scope) -> Result<()> {
        if let ExprKind::Variable(v) = &w.unparen().kind {
            if let Some((_, Kind::Node | Kind::Rel | Kind::Path | Kind::RelList)) = scope.get(v) {
                return Err(err(
                    "InvalidArgumentType",
                    format!("type mismatch: `{v}` is not a boolean"),
                    w.span,
                ));
            }
        }
        Ok(())
    }

    fn plan_match(&mut self, input: PlanNode, scope: &mut Scope, m: &Match) -> Result<PlanNode> {
        self.eq_preds = m
            .where_
            .as_ref()
            .map(equality_predicates)
            .unwrap_or_default();
        let r = self.plan_match_inner(input, scope, m);
        self.eq_preds.clear();
        r
    }

    fn plan_match_inner(
        &mut self,
        input: PlanNode,
        scope: &mut Scope,
        m: &Match,
    ) -> Result<PlanNode> {
        if let Some(w) = &m.where_ {
            let mut probe = scope.clone();
            for part in &m.pattern {
                for n in std::iter::once(&part.element.start)
                    .chain(part.element.chain.iter().map(|(_, n)| n))
                {
                    if let Some(v) = &n.var {
                        if probe.get(&v.name).is_none() {
                            probe.add(&v.name, usize::MAX, Kind::Node);
                        }
                    }
                }
            }
            self.check_predicate(w, &probe)?;
        }
        if m.optional {
            let before: Vec<usize> = scope.vars.iter().map(|(_, s, _)| *s).collect();
            let mut inner_scope = scope.clone();
            let mut inner =
                self.plan_pattern(PlanNode::Argument, &mut inner_scope, &m.pattern, true)?;
            if let Some(w) = &m.where_ {
                let predicate = self.expr(w, &inner_scope, None)?;
                inner = PlanNode::Filter {
                    input: Box::new(inner),
                    predicate,
                };
            }
            let nullable: Vec<usize> = inner_scope
                .vars
                .iter()
                .map(|(_, s, _)| *s)
                .filter(|s| !before.contains(s))
                .collect();
            *scope = inner_scope;
            Ok(PlanNode::Optional {
                input: Box::new(input),
                inner: Box::new(inner),
                nullable,
            })
        } else {
            let mut plan = self.plan_pattern(input, scope, &m.pattern, true)?;
            if let Some(w) = &m.where_ {
                let predicate = self.expr(w, scope, None)?;
                plan = PlanNode::Filter {
                    input: Box::new(plan),
                    predicate,
                };
            }
            Ok(plan)
        }
    }

    /// Declares a variable of a kind, or checks an existing one agrees. Returns (slot, was bound).
    fn declare(&mut self, scope: &mut Scope, ident: &Ident, kind: Kind) -> Result<(usize, bool)> {
        if let Some((slot, k)) = scope.get(&ident.name) {
            if k != kind && k != Kind::Any {
                return Err(err(
                    "VariableTypeConflict",
                    format!(
                        "variable `{}` is already used with another type",
                        ident.name
                    ),
                    ident.span,
                ));
            }
            return Ok((slot, true));
        }
        let slot = self.slot();
        scope.add(&ident.name, slot, kind);
        Ok((slot, false))
    }

    /// Property-map predicates for a pattern element in `slot`.
    fn prop_predicates(
        &mut self,
        slot: usize,
        props: &Option<Box<Expr>>,
        scope: &Scope,
        out: &mut Vec<CExpr>,
    ) -> Result<()> {
        let Some(props) = props else {
            return Ok(());
        };
        match &props.kind {
            ExprKind::Map(entries) => {
                for (k, v) in entries {
                    let value = self.expr(v, scope, None)?;
                    out.push(CExpr::Comparison(
                        Box::new(CExpr::Property(
                            Box::new(CExpr::Slot(slot)),
                            KeyName::new(&k.name),
                        )),
                        vec![(BinaryOp::Eq, value)],
                    ));
                }
                Ok(())
            }
            _ => Err(err(
                "InvalidParameterUse",
                "a parameter cannot be used as a property map in MATCH",
                props.span,
            )),
        }
    }

    fn filter(plan: PlanNode, preds: Vec<CExpr>) -> PlanNode {
        match and_all(preds) {
            Some(predicate) => PlanNode::Filter {
                input: Box::new(plan),
                predicate,
            },
            None => plan,
        }
    }

    /// Plans the pattern parts of one MATCH (or a subquery pattern) on top of `input`.
    fn plan_pattern(
        &mut self,
        input: PlanNode,
        scope: &mut Scope,
        parts: &[PatternPart],
        _top: bool,
    ) -> Result<PlanNode> {
        let mut plan = input;
        let mut rel_slots: Vec<usize> = Vec::new();
        let mut rel_names: Vec<String> = Vec::new();
        // Check relationship variables repeated inside this pattern.
        for part in parts {
            for (rel, _) in &part.element.chain {
                if let Some(v) = &rel.var {
                    if rel_names.contains(&v.name) {
                        return Err(err(
                            "RelationshipUniquenessViolation",
                            format!(
                                "relationship variable `{}` is used twice in one pattern",
                                v.name
                            ),
                            v.span,
                        ));
                    }
                    rel_names.push(v.name.clone());
                }
            }
        }
        for part in parts {
            plan = self.plan_part(plan, scope, part, &mut rel_slots)?;
        }
        Ok(plan)
    }

    fn plan_part(
        &mut self,
        mut plan: PlanNode,
        scope: &mut Scope,
        part: &PatternPart,
        rel_slots: &mut Vec<usize>,
    ) -> Result<PlanNode> {
        let el = &part.element;
        if let Some(pv) = &part.var {
            if scope.get(&pv.name).is_some() {
                return Err(err(
                    "VariableAlreadyBound",
                    format!("variable `{}` is already bound", pv.name),
                    pv.span,
                ));
            }
        }
        let nodes: Vec<&NodePattern> = std::iter::once(&el.start)
            .chain(el.chain.iter().map(|(_, n)| n))
            .collect();
        if let Some(pv) = &part.var {
            let clash = nodes
                .iter()
                .filter_map(|n| n.var.as_ref())
                .chain(el.chain.iter().filter_map(|(r, _)| r.var.as_ref()))
                .find(|v| v.name == pv.name);
            if let Some(v) = clash {
                return Err(err(
                    "VariableAlreadyBound",
                    format!("variable `{}` is already bound as the path", v.name),
                    v.span,
                ));
            }
        }
        if let Some(kind) = part.shortest {
            return self.plan_shortest(plan, scope, part, kind, &nodes, rel_slots);
        }
        // Pick the starting node with the cheapest estimated plan: estimated rows at the
        // start plus the rows produced by every expansion after it.
        let mut start = 0;
        let mut best = f64::INFINITY;
        for i in 0..nodes.len() {
            let cost = self.pattern_cost(scope, &nodes, &el.chain, i);
            if cost < best {
                best = cost;
                start = i;
            }
        }
        self.in_named_path = part.var.is_some();
        let mut node_slots = vec![usize::MAX; nodes.len()];
        let mut rel_slot_of = vec![(usize::MAX, false); el.chain.len()];
        // Bind the start node.
        let sn = nodes[start];
        let (slot, bound) = match &sn.var {
            Some(v) => self.declare(scope, v, Kind::Node)?,
            None => (self.slot(), false),
        };
        node_slots[start] = slot;
        let mut preds = Vec::new();
        if bound {
            if !sn.labels.is_empty() {
                preds.push(CExpr::HasLabels(
                    Box::new(CExpr::Slot(slot)),
                    names(&sn.labels),
                ));
            }
        } else {
            plan = PlanNode::NodeScan {
                input: Box::new(plan),
                slot,
                labels: names(&sn.labels),
            };
        }
        self.prop_predicates(slot, &sn.props, scope, &mut preds)?;
        plan = Self::filter(plan, preds);
        // Expand to the right, then to the left.
        for j in start..el.chain.len() {
            let (rel, to) = &el.chain[j];
            let (p, rs, ts) = self.hop(plan, scope, node_slots[j], rel, to, false, rel_slots)?;
            plan = p;
            rel_slot_of[j] = rs;
            node_slots[j + 1] = ts;
        }
        for j in (0..start).rev() {
            let (rel, _) = &el.chain[j];
            let to = nodes[j];
            let (p, rs, ts) = self.hop(plan, scope, node_slots[j + 1], rel, to, true, rel_slots)?;
            plan = p;
            rel_slot_of[j] = rs;
            node_slots[j] = ts;
        }
        if let Some(pv) = &part.var {
            let slot = self.slot();
            scope.add(&pv.name, slot, Kind::Path);
            plan = PlanNode::BuildPath {
                input: Box::new(plan),
                slot,
                start: node_slots[0],
                segments: rel_slot_of,
            };
        }
        Ok(plan)
    }

    #[allow(clippy::too_many_arguments)]
    fn hop(
        &mut self,
        plan: PlanNode,
        scope: &mut Scope,
        from: usize,
        rel: &RelPattern,
        to: &NodePattern,
        reversed: bool,
        rel_slots: &mut Vec<usize>,
    ) -> Result<(PlanNode, (usize, bool), usize)> {
        let dir = match (rel.direction, reversed) {
            (RelDirection::Both, _) => Direction::Both,
            (RelDirection::Right, false) | (RelDirection::Left, true) => Direction::Outgoing,
            _ => Direction::Incoming,
        };
        let is_var = rel.length.is_some();
        let kind = if is_var { Kind::RelList } else { Kind::Rel };
        let (rel_slot, rel_bound) = match &rel.var {
            Some(v)
                if is_var
                    && scope
                        .get(&v.name)
                        .is_some_and(|(_, k)| matches!(k, Kind::Value | Kind::Scalar)) =>
            {
                (scope.get(&v.name).map(|(s, _)| s).unwrap_or(0), true)
            }
            Some(v) => self.declare(scope, v, kind)?,
            None => (self.slot(), false),
        };
        let (to_slot, to_bound) = match &to.var {
            Some(v) => self.declare(scope, v, Kind::Node)?,
            None => (self.slot(), false),
        };
        let unique_from = rel_slots.clone();
        rel_slots.push(rel_slot);
        let path_var = self.in_named_path;
        let mut preds = Vec::new();
        let plan = if let Some((min, max)) = rel.length {
            let rel_props = match &rel.props {
                Some(p) => Some(self.expr(p, scope, None)?),
                None => None,
            };
            PlanNode::VarExpand {
                input: Box::new(plan),
                from,
                rel: rel_slot,
                to: to_slot,
                dir,
                types: names(&rel.types),
                to_labels: if to_bound {
                    Vec::new()
                } else {
                    names(&to.labels)
                },
                min: min.unwrap_or(1),
                max,
                to_bound,
                rel_props,
                unique_from,
                reversed,
                rel_bound,
                rel_needed: rel.var.is_some() || path_var,
                distinct_ends: false,
            }
        } else {
            self.prop_predicates(rel_slot, &rel.props, scope, &mut preds)?;
            PlanNode::Expand {
                input: Box::new(plan),
                from,
                rel: rel_slot,
                to: to_slot,
                dir,
                types: names(&rel.types),
                to_labels: if to_bound {
                    Vec::new()
                } else {
                    names(&to.labels)
                },
                to_bound,
                rel_bound,
                unique_from,
            }
        };
        if to_bound && !to.labels.is_empty() {
            preds.push(CExpr::HasLabels(
                Box::new(CExpr::Slot(to_slot)),
                names(&to.labels),
            ));
        }
        self.prop_predicates(to_slot, &to.props, scope, &mut preds)?;
        Ok((Self::filter(plan, preds), (rel_slot, is_var), to_slot))
    }

    /// Estimated rows for a node pattern on its own: 1 when bound, else its smallest label
    /// count (or all nodes), shrunk by its property predicates.
    fn node_estimate(&self, scope: &Scope, n: &NodePattern) -> f64 {
        if let Some(v) = &n.var {
            if scope.get(&v.name).is_some() {
                return 1.0;
            }
        }
        let g = self.graph;
        let mut rows = if n.labels.is_empty() {
            g.node_count() as f64
        } else {
            n.labels
                .iter()
                .map(|l| g.label_symbol(&l.name).map_or(0, |s| g.label_count(s)))
                .min()
                .unwrap_or(0) as f64
        };
        let mut keys: Vec<&str> = Vec::new();
        if let Some(p) = &n.props {
            if let ExprKind::Map(entries) = &p.kind {
                keys.extend(entries.iter().map(|(k, _)| k.name.as_str()));
            }
        }
        if let Some(v) = &n.var {
            keys.extend(
                self.eq_preds
                    .iter()
                    .filter(|(var, _)| *var == v.name)
                    .map(|(_, k)| k.as_str()),
            );
        }
        for k in keys {
            let indexed =
                n.labels
                    .iter()
                    .any(|l| match (g.label_symbol(&l.name), g.key_symbol(k)) {
                        (Some(ls), Some(ks)) => g.find_index(ls, ks).is_some(),
                        _ => false,
                    });
            // An indexed equality is a seek; otherwise assume one value in ten matches.
            rows = if indexed { rows.min(1.0) } else { rows * 0.1 };
        }
        rows.max(1.0)
    }

    /// Average relationships per node of `from` for a relationship pattern.
    fn degree_estimate(&self, rel: &RelPattern, from: &NodePattern) -> f64 {
        let g = self.graph;
        let rels = if rel.types.is_empty() {
            g.rel_count() as f64
        } else {
            rel.types
                .iter()
                .map(|t| g.type_symbol(&t.name).map_or(0, |s| g.type_count(s)))
                .sum::<usize>() as f64
        };
        let nodes = if from.labels.is_empty() {
            g.node_count() as f64
        } else {
            from.labels
                .iter()
                .map(|l| g.label_symbol(&l.name).map_or(0, |s| g.label_count(s)))
                .max()
                .unwrap_or(0) as f64
        };
        let mut d = rels / nodes.max(1.0);
        if rel.direction == RelDirection::Both {
            d *= 2.0;
        }
        if rel.length.is_some() {
            d = d.max(1.0).powi(3);
        }
        d
    }

    /// Estimated work of a pattern planned from node `start`.
    fn pattern_cost(
        &self,
        scope: &Scope,
        nodes: &[&NodePattern],
        chain: &[(RelPattern, NodePattern)],
        start: usize,
    ) -> f64 {
        let mut rows = self.node_estimate(scope, nodes[start]);
        let mut total = rows;
        let selectivity = |n: &NodePattern| {
            let alone = self.node_estimate(scope, n);
            let base = if n.labels.is_empty() {
                self.graph.node_count() as f64
            } else {
                alone.max(1.0) / self.node_estimate(scope, n).max(1.0)
                    * n.labels
                        .iter()
                        .map(|l| {
                            self.graph
                                .label_symbol(&l.name)
                                .map_or(0, |s| self.graph.label_count(s))
                        })
                        .min()
                        .unwrap_or(0) as f64
            };
            (alone / base.max(1.0)).min(1.0)
        };
        for j in start..chain.len() {
            rows *= self.degree_estimate(&chain[j].0, nodes[j]) * selectivity(nodes[j + 1]);
            total += rows;
        }
        let mut rows_left = self.node_estimate(scope, nodes[start]);
        for j in (0..start).rev() {
            rows_left *= self.degree_estimate(&chain[j].0, nodes[j + 1]) * selectivity(nodes[j]);
            total += rows_left;
        }
        total
    }

    fn plan_shortest(
        &mut self,
        mut plan: PlanNode,
        scope: &mut Scope,
        part: &PatternPart,
        kind: Shortest,
        nodes: &[&NodePattern],
        rel_slots: &mut Vec<usize>,
    ) -> Result<PlanNode> {
        let el = &part.element;
        if el.chain.len() != 1 {
            return Err(err(
                "InvalidArgumentType",
                "shortestPath needs a pattern with exactly one relationship",
                part.span,
            ));
        }
        let mut ends = Vec::new();
        for n in [nodes[0], nodes[1]] {
            let (slot, bound) = match &n.var {
                Some(v) => self.declare(scope, v, Kind::Node)?,
                None => (self.slot(), false),
            };
            let mut preds = Vec::new();
            if !bound {
                plan = PlanNode::NodeScan {
                    input: Box::new(plan),
                    slot,
                    labels: names(&n.labels),
                };
            } else if !n.labels.is_empty() {
                preds.push(CExpr::HasLabels(
                    Box::new(CExpr::Slot(slot)),
                    names(&n.labels),
                ));
            }
            self.prop_predicates(slot, &n.props, scope, &mut preds)?;
            plan = Self::filter(plan, preds);
            ends.push(slot);
        }
        let rel = &el.chain[0].0;
        let rel_slot = match &rel.var {
            Some(v) => Some(self.declare(scope, v, Kind::RelList)?.0),
            None => None,
        };
        if let Some(s) = rel_slot {
            rel_slots.push(s);
        }
        let path = match &part.var {
            Some(v) => {
                let s = self.slot();
                scope.add(&v.name, s, Kind::Path);
                s
            }
            None => self.slot(),
        };
        let (min, max) = rel.length.unwrap_or((Some(1), Some(1)));
        let dir = match rel.direction {
            RelDirection::Right => Direction::Outgoing,
            RelDirection::Left => Direction::Incoming,
            RelDirection::Both => Direction::Both,
        };
        Ok(PlanNode::ShortestPath {
            input: Box::new(plan),
            from: ends[0],
            to: ends[1],
            path,
            rel: rel_slot,
            dir,
            types: names(&rel.types),
            min: min.unwrap_or(1),
            max,
            all: kind == Shortest::All,
        })
    }

    // ------------------------------------------------------------ WITH / RETURN

    /// Plans a projection; returns the plan, the new scope, column names and their slots.
    fn projection(
        &mut self,
        input: PlanNode,
        scope: &Scope,
        body: &Projection,
        where_: Option<&Expr>,
        is_with: bool,
    ) -> Result<(PlanNode, Scope, Vec<String>, Vec<usize>)> {
        // The items: `*` first (variables in scope, by name), then the listed ones.
        let mut items: Vec<ProjItem> = Vec::new();
        if body.star {
            let mut vars: Vec<&(String, usize, Kind)> = scope.vars.iter().collect();
            vars.sort_by(|a, b| a.0.cmp(&b.0));
            if vars.is_empty() && body.items.is_empty() && !is_with {
                return Err(Error::syntax(
                    "NoVariablesInScope",
                    "RETURN * is not allowed when there are no variables in scope",
                ));
            }
            for (name, slot, kind) in vars {
                items.push((name.clone(), None, Some((*slot, *kind)), Span::default()));
            }
        }
        for item in &body.items {
            let name = match &item.alias {
                Some(a) => a.name.clone(),
                None => {
                    if is_with && !matches!(item.expr.unparen().kind, ExprKind::Variable(_)) {
                        return Err(err(
                            "NoExpressionAlias",
                            "expression in WITH must be aliased (use AS)",
                            item.expr.span,
                        ));
                    }
                    match &item.expr.kind {
                        ExprKind::Variable(v) => v.clone(),
                        _ => item.text.clone(),
                    }
                }
            };
            items.push((name, Some(&item.expr), None, item.expr.span));
        }
        for (i, (name, _, _, span)) in items.iter().enumerate() {
            if items[..i].iter().any(|(n, _, _, _)| n == name) {
                return Err(err(
                    "ColumnNameConflict",
                    format!("multiple result columns with the same name `{name}`"),
                    *span,
                ));
            }
        }

        // Compile items, collecting aggregates. Grouping keys get their slots first so that
        // aggregate items can refer to them by text (`a.name, {n: a.name, c: count(*)}`).
        let item_has_agg: Vec<bool> = items
            .iter()
            .map(|(_, e, _, _)| e.is_some_and(contains_aggregate))
            .collect();
        let any_agg = item_has_agg.iter().any(|b| *b);
        let mut key_slot_of = vec![usize::MAX; items.len()];
        let mut key_texts = Vec::new();
        let mut ambiguous = Vec::new();
        if any_agg {
            for (i, (_, e, _, _)) in items.iter().enumerate() {
                if !item_has_agg[i] {
                    let s = self.slot();
                    key_slot_of[i] = s;
                    // Only variables and property reads may be reused next to an
                    // aggregate (openCypher's AmbiguousAggregationExpression rule).
                    if let Some(e) = e {
                        let simple = match &e.unparen().kind {
                            ExprKind::Variable(_) => true,
                            ExprKind::Property(b, _) => {
                                matches!(b.unparen().kind, ExprKind::Variable(_))
                            }
                            _ => false,
                        };
                        if simple {
                            key_texts.push((self.text(e.span).to_string(), s));
                        } else {
                            ambiguous.push(self.text(e.span).to_string());
                        }
                    }
                }
            }
        }
        let mut aggs: Vec<AggCall> = Vec::new();
        let mut compiled: Vec<(CExpr, Kind, bool)> = Vec::new(); // (expr, kind, has_agg)
        for (i, (_, expr, var, _)) in items.iter().enumerate() {
            match (expr, var) {
                (None, Some((slot, kind))) => compiled.push((CExpr::Slot(*slot), *kind, false)),
                (Some(e), _) => {
                    if matches!(e.unparen().kind, ExprKind::PatternPredicate(_)) {
                        return Err(err(
                            "UnexpectedSyntax",
                            "a pattern cannot be returned; use a pattern comprehension or EXISTS",
                            e.span,
                        ));
                    }
                    let before = aggs.len();
                    if item_has_agg[i] {
                        self.text_slots = key_texts.clone();
                        self.ambiguous_texts = ambiguous.clone();
                    }
                    let c = self.expr(e, scope, Some(AggSink { aggs: &mut aggs }));
                    self.text_slots.clear();
                    self.ambiguous_texts.clear();
                    let c = c?;
                    let kind = match &e.unparen().kind {
                        ExprKind::Variable(v) => scope.get(v).map_or(Kind::Any, |(_, k)| k),
                        _ => value_kind(&c),
                    };
                    compiled.push((c, kind, aggs.len() > before));
                }
                _ => unreachable!("item has an expression or a variable"),
            }
        }
        let aggregating = !aggs.is_empty();
        let mut new_scope = Scope::default();
        let mut out_slots = Vec::new();
        let mut plan = input;

        if aggregating {
            // Grouping keys are the items without aggregates.
            let mut keys = Vec::new();
            let mut key_vars: Vec<(String, usize, usize)> = Vec::new(); // (var name, old slot, new slot)
            let mut item_slot = vec![usize::MAX; items.len()];
            for (i, (c, _, has_agg)) in compiled.iter().enumerate() {
                if !has_agg {
                    let s = if key_slot_of[i] != usize::MAX {
                        key_slot_of[i]
                    } else {
                        self.slot()
                    };
                    if let CExpr::Slot(old) = c {
                        if let Some(name) = items[i]
                            .1
                            .and_then(|e| match &e.unparen().kind {
                                ExprKind::Variable(v) => Some(v.clone()),
                                _ => None,
                            })
                            .or_else(|| items[i].2.map(|_| items[i].0.clone()))
                        {
                            key_vars.push((name, *old, s));
                        }
                    }
                    key_vars.push((String::new(), s, s));
                    keys.push((s, c.clone()));
                    item_slot[i] = s;
                }
            }
            // Aggregate items may use grouping variables outside their aggregates.
            let mut post = Vec::new();
            for (i, (c, _, has_agg)) in compiled.iter().enumerate() {
                if *has_agg {
                    let remapped = remap_after_aggregation(c, &key_vars, &aggs).map_err(|_| {
                        err(
                            "AmbiguousAggregationExpression",
                            "an expression mixing aggregates and other values may only use grouping keys outside the aggregate",
                            items[i].3,
                        )
                    })?;
                    match remapped {
                        CExpr::Slot(s) => item_slot[i] = s,
                        other => {
                            let s = self.slot();
                            post.push((s, other));
                            item_slot[i] = s;
                        }
                    }
                }
            }
            plan = PlanNode::Aggregate {
                input: Box::new(plan),
                keys,
                aggs: aggs.clone(),
            };
            if !post.is_empty() {
                plan = PlanNode::Project {
                    input: Box::new(plan),
                    items: post,
                };
            }
            for (i, (name, _, _, _)) in items.iter().enumerate() {
                new_scope.add(name, item_slot[i], compiled[i].1);
                out_slots.push(item_slot[i]);
            }
        } else {
            let mut proj = Vec::new();
            for (i, (name, _, _, _)) in items.iter().enumerate() {
                let (c, kind, _) = &compiled[i];
                let slot = match c {
                    CExpr::Slot(s) if scope.get(name).map(|(x, _)| x) == Some(*s) => *s,
                    _ => {
                        let s = self.slot();
                        proj.push((s, c.clone()));
                        s
                    }
                };
                new_scope.add(name, slot, *kind);
                out_slots.push(slot);
            }
            if !proj.is_empty() {
                plan = PlanNode::Project {
                    input: Box::new(plan),
                    items: proj,
                };
            }
        }

        if body.distinct {
            plan = PlanNode::Distinct {
                input: Box::new(plan),
                slots: out_slots.clone(),
            };
        }

        // ORDER BY sees the projected names and, without aggregation or DISTINCT, the old ones.
        if !body.order_by.is_empty() {
            let mut sort_scope = if aggregating || body.distinct {
                Scope::default()
            } else {
                scope.clone()
            };
            for v in &new_scope.vars {
                sort_scope.add(&v.0, v.1, v.2);
            }
            let mut keys = Vec::new();
            for s in &body.order_by {
                let text = self.text(s.expr.span).to_string();
                let by_text = items
                    .iter()
                    .position(|(_, e, _, _)| e.is_some_and(|e| self.text(e.span) == text));
                let c = match by_text {
                    Some(i) => CExpr::Slot(out_slots[i]),
                    None => {
                        if aggregating {
                            self.text_slots = items
                                .iter()
                                .enumerate()
                                .filter_map(|(i, (_, e, _, _))| {
                                    let e = (*e)?;
                                    let t = self.text(e.span).to_string();
                                    (item_has_agg[i] || !ambiguous.contains(&t))
                                        .then_some((t, out_slots[i]))
                                })
                                .collect();
                            self.ambiguous_texts = ambiguous.clone();
                            let r = self.expr(&s.expr, &sort_scope, None);
                            self.text_slots.clear();
                            self.ambiguous_texts.clear();
                            r?
                        } else if body.distinct {
                            if contains_aggregate(&s.expr) {
                                return Err(err(
                                    "InvalidAggregation",
                                    "aggregation in ORDER BY must also be projected",
                                    s.expr.span,
                                ));
                            }
                            self.expr(&s.expr, &sort_scope, None).map_err(|e| {
                                if e.code() == Some("UndefinedVariable") && aggregating {
                                    err(
                                        "InvalidAggregation",
                                        "ORDER BY after aggregation may only use projected values",
                                        s.expr.span,
                                    )
                                } else {
                                    e
                                }
                            })?
                        } else {
                            self.expr(&s.expr, &sort_scope, None)?
                        }
                    }
                };
                keys.push((c, s.descending));
            }
            let limit = match (&body.skip, &body.limit) {
                (None, Some(l)) => Some(self.const_count(l, "LIMIT")?),
                (Some(s), Some(l)) => Some(CExpr::Binary(
                    BinaryOp::Add,
                    Box::new(self.const_count(s, "SKIP")?),
                    Box::new(self.const_count(l, "LIMIT")?),
                )),
                _ => None,
            };
            plan = PlanNode::Sort {
                input: Box::new(plan),
                keys,
                limit,
            };
        }
        if let Some(s) = &body.skip {
            plan = PlanNode::Skip {
                input: Box::new(plan),
                count: self.const_count(s, "SKIP")?,
            };
        }
        if let Some(l) = &body.limit {
            plan = PlanNode::Limit {
                input: Box::new(plan),
                count: self.const_count(l, "LIMIT")?,
            };
        }
        if let Some(w) = where_ {
            if contains_aggregate(w) {
                return Err(err(
                    "InvalidAggregation",
                    "aggregates are not allowed in WHERE",
                    w.span,
                ));
            }
            let mut where_scope = if aggregating {
                Scope::default()
            } else {
                scope.clone()
            };
            for v in &new_scope.vars {
                where_scope.add(&v.0, v.1, v.2);
            }
            let predicate = self.expr(w, &where_scope, None)?;
            plan = PlanNode::Filter {
                input: Box::new(plan),
                predicate,
            };
        }
        let columns = items.into_iter().map(|(n, _, _, _)| n).collect();
        Ok((plan, new_scope, columns, out_slots))
    }

    /// SKIP/LIMIT: an expression over literals and parameters only.
    fn const_count(&mut self, e: &Expr, what: &str) -> Result<CExpr> {
        let c = self.expr(e, &Scope::default(), None).map_err(|er| {
            if er.code() == Some("UndefinedVariable") {
                err(
                    "NonConstantExpression",
                    format!("{what} must be a constant expression"),
                    e.span,
                )
            } else {
                er
            }
        })?;
        if let CExpr::Const(v) = &c {
            match v {
                Val::Int(i) if *i < 0 => {
                    return Err(err(
                        "NegativeIntegerArgument",
                        format!("{what} must not be negative"),
                        e.span,
                    ))
                }
                Val::Float(_) => {
                    return Err(err(
                        "InvalidArgumentType",
                        format!("{what} must be an integer"),
                        e.span,
                    ))
                }
                _ => {}
            }
        }
        Ok(c)
    }

    // ------------------------------------------------------------ updates

    fn create_parts(
        &mut self,
        scope: &mut Scope,
        pattern: &[PatternPart],
        merge: bool,
    ) -> Result<Vec<CreatePart>> {
        let mut parts = Vec::new();
        for part in pattern {
            let el = &part.element;
            if part.shortest.is_some() {
                return Err(err(
                    "UnexpectedSyntax",
                    "shortestPath cannot be created",
                    part.span,
                ));
            }
            let nodes: Vec<&NodePattern> = std::iter::once(&el.start)
                .chain(el.chain.iter().map(|(_, n)| n))
                .collect();
            let mut cnodes = Vec::new();
            for n in &nodes {
                let (slot, bound) = match &n.var {
                    Some(v) => {
                        let was = scope.get(&v.name);
                        if let Some((_, k)) = was {
                            if k != Kind::Node && k != Kind::Any {
                                return Err(err(
                                    "VariableTypeConflict",
                                    format!("variable `{}` is not a node", v.name),
                                    v.span,
                                ));
                            }
                            if !merge
                                && (!n.labels.is_empty()
                                    || n.props.is_some()
                                    || el.chain.is_empty())
                            {
                                return Err(err(
                                    "VariableAlreadyBound",
                                    format!("variable `{}` is already bound", v.name),
                                    v.span,
                                ));
                            }
                            if merge && (!n.labels.is_empty() || n.props.is_some()) {
                                return Err(err(
                                    "VariableAlreadyBound",
                                    format!("variable `{}` is already bound", v.name),
                                    v.span,
                                ));
                            }
                        }
                        let (s, b) = self.declare(scope, v, Kind::Node)?;
                        (s, b)
                    }
                    None => (self.slot(), false),
                };
                let already = cnodes.iter().any(|c: &CreateNode| c.slot == slot);
                let props = match &n.props {
                    Some(p) => Some(self.expr(p, scope, None)?),
                    None => None,
                };
                cnodes.push(CreateNode {
                    slot,
                    bound: bound || already,
                    labels: names(&n.labels),
                    props,
                });
            }
            let mut crels = Vec::new();
            for (rel, _) in &el.chain {
                if let Some(v) = &rel.var {
                    if scope.get(&v.name).is_some() {
                        return Err(err(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already bound", v.name),
                            v.span,
                        ));
                    }
                }
                if rel.types.len() != 1 {
                    return Err(err(
                        "NoSingleRelationshipType",
                        "a relationship must have exactly one type to be created",
                        rel.span,
                    ));
                }
                if rel.length.is_some() {
                    return Err(err(
                        "CreatingVarLength",
                        "variable length relationships cannot be created",
                        rel.span,
                    ));
                }
                if rel.direction == RelDirection::Both && !merge {
                    return Err(err(
                        "RequiresDirectedRelationship",
                        "only directed relationships can be created",
                        rel.span,
                    ));
                }
                let slot = match &rel.var {
                    Some(v) => {
                        if scope.get(&v.name).is_some() {
                            return Err(err(
                                "VariableAlreadyBound",
                                format!("variable `{}` is already bound", v.name),
                                v.span,
                            ));
                        }
                        self.declare(scope, v, Kind::Rel)?.0
                    }
                    None => self.slot(),
                };
                let props = match &rel.props {
                    Some(p) => Some(self.expr(p, scope, None)?),
                    None => None,
                };
                crels.push(CreateRel {
                    slot,
                    rel_type: Arc::from(rel.types[0].name.as_str()),
                    forward: rel.direction != RelDirection::Left,
                    props,
                });
            }
            let path_slot = match &part.var {
                Some(v) => {
                    if scope.get(&v.name).is_some() {
                        return Err(err(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already bound", v.name),
                            v.span,
                        ));
                    }
                    Some(self.declare(scope, v, Kind::Path)?.0)
                }
                None => None,
            };
            parts.push(CreatePart {
                nodes: cnodes,
                rels: crels,
                path_slot,
            });
        }
        Ok(parts)
    }

    fn plan_merge(&mut self, input: PlanNode, scope: &mut Scope, m: &Merge) -> Result<PlanNode> {
        let before: Vec<usize> = scope.vars.iter().map(|(_, s, _)| *s).collect();
        // Null property values in MERGE patterns are checked at run time.
        let mut match_scope = scope.clone();
        let matcher = self.plan_pattern(
            PlanNode::Argument,
            &mut match_scope,
            std::slice::from_ref(&m.part),
            false,
        )?;
        // The create side must bind the same slots as the matcher.
        let mut create_scope = scope.clone();
        for (name, slot, kind) in &match_scope.vars {
            if !before.contains(slot) {
                create_scope.add(name, *slot, *kind);
            }
        }
        let mut create = self.create_parts_merge(&mut create_scope, &m.part, scope)?;
        for part in &mut create {
            for n in &mut part.nodes {
                if !before.contains(&n.slot) {
                    n.bound = false;
                }
            }
        }
        // Mark repeated nodes inside the pattern as bound after their first creation.
        for part in &mut create {
            let mut seen = Vec::new();
            for n in &mut part.nodes {
                if seen.contains(&n.slot) {
                    n.bound = true;
                }
                seen.push(n.slot);
            }
        }
        *scope = match_scope;
        let on_create = self.set_ops(scope, &m.on_create)?;
        let on_match = self.set_ops(scope, &m.on_match)?;
        let bound: Vec<usize> = scope
            .vars
            .iter()
            .map(|(_, s, _)| *s)
            .filter(|s| !before.contains(s))
            .collect();
        Ok(PlanNode::Merge {
            input: Box::new(input),
            matcher: Box::new(matcher),
            create,
            on_create,
            on_match,
            bound,
        })
    }

    /// The create side of MERGE: like CREATE, but variables already introduced by the
    /// matcher keep their slots.
    fn create_parts_merge(
        &mut self,
        create_scope: &mut Scope,
        part: &PatternPart,
        outer: &Scope,
    ) -> Result<Vec<CreatePart>> {
        let el = &part.element;
        if el.chain.is_empty() {
            if let Some(v) = &el.start.var {
                if outer.get(&v.name).is_some() {
                    return Err(err(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already bound", v.name),
                        v.span,
                    ));
                }
            }
        }
        for (rel, _) in &el.chain {
            if let Some(v) = &rel.var {
                if outer.get(&v.name).is_some() {
                    return Err(err(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already bound", v.name),
                        v.span,
                    ));
                }
            }
            if rel.types.len() != 1 {
                return Err(err(
                    "NoSingleRelationshipType",
                    "MERGE needs exactly one relationship type",
                    rel.span,
                ));
            }
            if rel.length.is_some() {
                return Err(err(
                    "CreatingVarLength",
                    "variable length relationships cannot be merged",
                    rel.span,
                ));
            }
            if let Some(v) = &rel.var {
                if outer.get(&v.name).is_some() {
                    return Err(err(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already bound", v.name),
                        v.span,
                    ));
                }
            }
        }
        for n in std::iter::once(&el.start).chain(el.chain.iter().map(|(_, n)| n)) {
            if let Some(v) = &n.var {
                if outer.get(&v.name).is_some() && (!n.labels.is_empty() || n.props.is_some()) {
                    return Err(err(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already bound", v.name),
                        v.span,
                    ));
                }
            }
        }
        // Temporarily treat matcher-introduced variables as fresh for CREATE's checks.
        let mut scope = outer.clone();
        let mut parts = self.create_parts(&mut scope, std::slice::from_ref(part), true)?;
        // Re-point slots to the matcher's slots by variable name.
        let mut map: Vec<(usize, usize)> = Vec::new();
        for (name, slot, _) in &scope.vars {
            if outer.get(name).is_none() {
                if let Some((target, _)) = create_scope.get(name) {
                    map.push((*slot, target));
                }
            }
        }
        let fix = |s: &mut usize| {
            if let Some((_, t)) = map.iter().find(|(f, _)| f == s) {
                *s = *t;
            }
        };
        for p in &mut parts {
            for n in &mut p.nodes {
                fix(&mut n.slot);
            }
            for r in &mut p.rels {
                fix(&mut r.slot);
            }
            if let Some(s) = &mut p.path_slot {
                fix(s);
            }
        }
        Ok(parts)
    }

    fn set_ops(&mut self, scope: &Scope, items: &[SetItem]) -> Result<Vec<SetOp>> {
        let mut ops = Vec::new();
        for item in items {
            ops.push(match item {
                SetItem::Property { target, key, value } => SetOp::Property {
                    target: self.expr(target, scope, None)?,
                    key: Arc::from(key.name.as_str()),
                    value: self.expr(value, scope, None)?,
                },
                SetItem::Replace { var, value } => SetOp::Replace {
                    target: self.var(var, scope)?,
                    value: self.expr(value, scope, None)?,
                },
                SetItem::Merge { var, value } => SetOp::Merge {
                    target: self.var(var, scope)?,
                    value: self.expr(value, scope, None)?,
                },
                SetItem::Labels { var, labels } => SetOp::AddLabels {
                    target: self.var(var, scope)?,
                    labels: names(labels),
                },
            });
        }
        Ok(ops)
    }

    fn var(&self, ident: &Ident, scope: &Scope) -> Result<CExpr> {
        match scope.get(&ident.name) {
            Some((s, _)) => Ok(CExpr::Slot(s)),
            None => Err(err(
                "UndefinedVariable",
                format!("variable `{}` not defined", ident.name),
                ident.span,
            )),
        }
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, e: &Expr, scope: &Scope, mut aggs: Option<AggSink>) -> Result<CExpr> {
        let c = self.expr_inner(e, scope, &mut aggs, false)?;
        self.fold(c, e.span)
    }

    /// Constant folding: an expression over literals only is evaluated now, so that type
    /// errors in it are reported at compile time, as openCypher requires.
    fn fold(&self, c: CExpr, span: Span) -> Result<CExpr> {
        if c.is_const() || !foldable(&c, &local_slots(&c)) {
            return Ok(c);
        }
        match crate::exec::eval_const(&c, self.next_slot) {
            Ok(v) => Ok(CExpr::Const(v)),
            Err(e)
                if e.kind() == crate::ErrorKind::TypeError
                    && e.code() == Some("InvalidArgumentType") =>
            {
                Err(err("InvalidArgumentType", e.message().to_string(), span))
            }
            Err(_) => Ok(c),
        }
    }

    fn sub(
        &mut self,
        e: &Expr,
        scope: &Scope,
        aggs: &mut Option<AggSink>,
        in_agg: bool,
    ) -> Result<Box<CExpr>> {
        Ok(Box::new(self.expr_inner(e, scope, aggs, in_agg)?))
    }

    fn expr_inner(
        &mut self,
        e: &Expr,
        scope: &Scope,
        aggs: &mut Option<AggSink>,
        in_agg: bool,
    ) -> Result<CExpr> {
        if !self.text_slots.is_empty() {
            let t = self.text(e.span);
            if let Some((_, s)) = self.text_slots.iter().find(|(x, _)| x == t) {
                return Ok(CExpr::Slot(*s));
            }
            if self.ambiguous_texts.iter().any(|x| x == t) {
                return Err(err(
                    "AmbiguousAggregationExpression",
                    "only variables and property reads that are grouping keys may be used next to an aggregate",
                    e.span,
                ));
            }
        }
        Ok(match &e.kind {
            ExprKind::Literal(l) => CExpr::Const(match l {
                Literal::Null => Val::Null,
                Literal::Bool(b) => Val::Bool(*b),
                Literal::Int(i) => Val::Int(*i),
                Literal::Float(f) => Val::Float(*f),
                Literal::String(s) => Val::str(s),
            }),
            ExprKind::Parameter(p) => {
                if !self.params.contains_key(p) {
                    return Err(Error::new(
                        crate::ErrorKind::ParameterMissing,
                        Some("MissingParameter"),
                        format!("expected a parameter named `{p}`"),
                    )
                    .with_span(e.span));
                }
                CExpr::Param(Arc::from(p.as_str()))
            }
            ExprKind::Variable(v) => match scope.get(v) {
                Some((s, _)) => CExpr::Slot(s),
                None => {
                    return Err(err(
                        "UndefinedVariable",
                        format!("variable `{v}` not defined"),
                        e.span,
                    ))
                }
            },
            ExprKind::Paren(inner) => self.expr_inner(inner, scope, aggs, in_agg)?,
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.expr_inner(i, scope, aggs, in_agg)?);
                }
                fold_list(out)
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    out.push((
                        Arc::from(k.name.as_str()),
                        self.expr_inner(v, scope, aggs, in_agg)?,
                    ));
                }
                CExpr::Map(out)
            }
            ExprKind::Property(base, key) => {
                if let ExprKind::Variable(v) = &base.unparen().kind {
                    if let Some((_, Kind::Scalar)) = scope.get(v) {
                        return Err(Error::type_error(
                            "InvalidArgumentType",
                            format!("type mismatch: `{v}` is not a map, node or relationship and has no property `{}`", key.name),
                        )
                        .with_span(e.span)
                        .at_compile());
                    }
                    if let Some((_, Kind::Path | Kind::RelList)) = scope.get(v) {
                        return Err(err(
                            "InvalidArgumentType",
                            format!("type mismatch: `{v}` has no properties"),
                            e.span,
                        ));
                    }
                }
                if let ExprKind::Literal(l) = &base.unparen().kind {
                    if !matches!(l, Literal::Null) {
                        return Err(err(
                            "InvalidArgumentType",
                            "type mismatch: expected a map, node or relationship",
                            e.span,
                        ));
                    }
                }
                CExpr::Property(
                    self.sub(base, scope, aggs, in_agg)?,
                    KeyName::new(&key.name),
                )
            }
            ExprKind::Index(base, idx) => CExpr::Index(
                self.sub(base, scope, aggs, in_agg)?,
                self.sub(idx, scope, aggs, in_agg)?,
            ),
            ExprKind::Slice(base, from, to) => CExpr::Slice(
                self.sub(base, scope, aggs, in_agg)?,
                match from {
                    Some(f) => Some(self.sub(f, scope, aggs, in_agg)?),
                    None => None,
                },
                match to {
                    Some(t) => Some(self.sub(t, scope, aggs, in_agg)?),
                    None => None,
                },
            ),
            ExprKind::Unary(op, inner) => {
                let c = self.sub(inner, scope, aggs, in_agg)?;
                match op {
                    UnaryOp::Not => CExpr::Not(c),
                    UnaryOp::Neg => CExpr::Neg(c),
                    UnaryOp::Pos => CExpr::Pos(c),
                }
            }
            ExprKind::Binary(op, l, r) => {
                self.check_operand_types(*op, l, r, scope)?;
                CExpr::Binary(
                    *op,
                    self.sub(l, scope, aggs, in_agg)?,
                    self.sub(r, scope, aggs, in_agg)?,
                )
            }
            ExprKind::Comparison(first, rest) => {
                let f = self.sub(first, scope, aggs, in_agg)?;
                let mut out = Vec::new();
                for (op, x) in rest {
                    out.push((*op, self.expr_inner(x, scope, aggs, in_agg)?));
                }
                CExpr::Comparison(f, out)
            }
            ExprKind::IsNull(inner, negated) => {
                CExpr::IsNull(self.sub(inner, scope, aggs, in_agg)?, *negated)
            }
            ExprKind::HasLabels(inner, labels) => {
                if let ExprKind::Variable(v) = &inner.unparen().kind {
                    if let Some((_, Kind::Path | Kind::RelList)) = scope.get(v) {
                        return Err(err(
                            "InvalidArgumentType",
                            format!("type mismatch: `{v}` cannot have labels"),
                            e.span,
                        ));
                    }
                }
                CExpr::HasLabels(self.sub(inner, scope, aggs, in_agg)?, names(labels))
            }
            ExprKind::CountStar => {
                self.aggregate(e, AggFn::CountStar, false, &[], scope, aggs, in_agg)?
            }
            ExprKind::FunctionCall {
                name,
                distinct,
                args,
            } => {
                if let Some(f) = AggFn::lookup(name) {
                    return self.aggregate(e, f, *distinct, args, scope, aggs, in_agg);
                }
                if name.eq_ignore_ascii_case("exists") && args.len() == 1 {
                    // exists(n.prop): the property is not null.
                    return Ok(CExpr::IsNull(
                        self.sub(&args[0], scope, aggs, in_agg)?,
                        true,
                    ));
                }
                let Some((f, min, max)) = Function::lookup(name) else {
                    return Err(err(
                        "UnknownFunction",
                        format!("unknown function `{name}`"),
                        e.span,
                    ));
                };
                if args.len() < min || args.len() > max {
                    return Err(err(
                        "InvalidNumberOfArguments",
                        format!("wrong number of arguments to `{name}`"),
                        e.span,
                    ));
                }
                if *distinct {
                    return Err(err(
                        "InvalidArgumentType",
                        format!("DISTINCT is only allowed in aggregate functions, not `{name}`"),
                        e.span,
                    ));
                }
                if let Some(a) = args
                    .iter()
                    .find(|a| matches!(a.unparen().kind, ExprKind::PatternPredicate(_)))
                {
                    return Err(err(
                        "UnexpectedSyntax",
                        "a pattern can only be used as a predicate here; use a pattern comprehension or COUNT",
                        a.span,
                    ));
                }
                self.check_function_args(f, args, scope)?;
                let mut cargs = Vec::with_capacity(args.len());
                for a in args {
                    cargs.push(self.expr_inner(a, scope, aggs, in_agg)?);
                }
                CExpr::Call(f, cargs)
            }
            ExprKind::Case {
                subject,
                whens,
                else_,
            } => {
                let subject = match subject {
                    Some(s) => Some(self.sub(s, scope, aggs, in_agg)?),
                    None => None,
                };
                let mut ws = Vec::new();
                for (w, t) in whens {
                    ws.push((
                        self.expr_inner(w, scope, aggs, in_agg)?,
                        self.expr_inner(t, scope, aggs, in_agg)?,
                    ));
                }
                let else_ = match else_ {
                    Some(x) => Some(self.sub(x, scope, aggs, in_agg)?),
                    None => None,
                };
                CExpr::Case {
                    subject,
                    whens: ws,
                    else_,
                }
            }
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => {
                let list = self.sub(list, scope, aggs, in_agg)?;
                let slot = self.slot();
                let mut inner = scope.clone();
                inner.add(&var.name, slot, Kind::Any);
                let filter = match filter {
                    Some(f) => Some(self.sub(f, &inner, &mut None, in_agg)?),
                    None => None,
                };
                let map = match map {
                    Some(m) => Some(self.sub(m, &inner, &mut None, in_agg)?),
                    None => None,
                };
                CExpr::ListComprehension {
                    slot,
                    list,
                    filter,
                    map,
                }
            }
            ExprKind::Quantified {
                quantifier,
                var,
                list,
                filter,
            } => {
                let list = self.sub(list, scope, aggs, in_agg)?;
                let slot = self.slot();
                let mut inner = scope.clone();
                inner.add(&var.name, slot, Kind::Any);
                let filter = match filter {
                    Some(f) => Some(self.sub(f, &inner, &mut None, in_agg)?),
                    None => None,
                };
                CExpr::Quantified {
                    quantifier: *quantifier,
                    slot,
                    list,
                    filter,
                }
            }
            ExprKind::Reduce {
                acc,
                init,
                var,
                list,
                expr,
            } => {
                let init = self.sub(init, scope, aggs, in_agg)?;
                let list = self.sub(list, scope, aggs, in_agg)?;
                let acc_slot = self.slot();
                let slot = self.slot();
                let mut inner = scope.clone();
                inner.add(&acc.name, acc_slot, Kind::Any);
                inner.add(&var.name, slot, Kind::Any);
                let expr = self.sub(expr, &inner, &mut None, in_agg)?;
                CExpr::Reduce {
                    acc: acc_slot,
                    init,
                    slot,
                    list,
                    expr,
                }
            }
            ExprKind::MapProjection(base, items) => {
                let b = self.sub(base, scope, aggs, in_agg)?;
                let mut out = Vec::new();
                for item in items {
                    out.push(match item {
                        MapProjectionItem::Property(k) => {
                            MapProjItem::Property(Arc::from(k.name.as_str()))
                        }
                        MapProjectionItem::Literal(k, v) => MapProjItem::Entry(
                            Arc::from(k.name.as_str()),
                            self.expr_inner(v, scope, aggs, in_agg)?,
                        ),
                        MapProjectionItem::Variable(v) => {
                            MapProjItem::Entry(Arc::from(v.name.as_str()), self.var(v, scope)?)
                        }
                        MapProjectionItem::AllProperties => MapProjItem::AllProperties,
                    });
                }
                CExpr::MapProjection(b, out)
            }
            ExprKind::PatternPredicate(el) => {
                // Pattern predicates may not introduce new variables.
                for n in std::iter::once(&el.start).chain(el.chain.iter().map(|(_, n)| n)) {
                    if let Some(v) = &n.var {
                        if scope.get(&v.name).is_none() {
                            return Err(err(
                                "UndefinedVariable",
                                format!("variable `{}` not defined", v.name),
                                v.span,
                            ));
                        }
                    }
                }
                for (r, _) in &el.chain {
                    if let Some(v) = &r.var {
                        if scope.get(&v.name).is_none() {
                            return Err(err(
                                "UndefinedVariable",
                                format!("variable `{}` not defined", v.name),
                                v.span,
                            ));
                        }
                    }
                }
                let part = PatternPart {
                    var: None,
                    shortest: None,
                    element: el.clone(),
                    span: el.span,
                };
                let mut inner = scope.clone();
                let plan = self.plan_pattern(
                    PlanNode::Argument,
                    &mut inner,
                    std::slice::from_ref(&part),
                    false,
                )?;
                CExpr::Exists(Arc::new(plan))
            }
            ExprKind::Exists(body) if body.query.is_some() => {
                let q = body.query.as_ref().expect("checked");
                let mut plans = Vec::new();
                for part in &q.parts {
                    plans.push(self.single_query_in(part, scope.clone(), true)?.0);
                }
                let mut plan = plans.remove(0);
                for other in plans {
                    plan = PlanNode::Union {
                        left: Box::new(plan),
                        right: Box::new(other),
                        all: true,
                        left_slots: Vec::new(),
                        right_slots: Vec::new(),
                        out_slots: Vec::new(),
                    };
                }
                CExpr::Exists(Arc::new(plan))
            }
            ExprKind::Exists(body) => {
                let mut inner = scope.clone();
                let mut plan =
                    self.plan_pattern(PlanNode::Argument, &mut inner, &body.pattern, false)?;
                if let Some(w) = &body.where_ {
                    let predicate = self.expr(w, &inner, None)?;
                    plan = PlanNode::Filter {
                        input: Box::new(plan),
                        predicate,
                    };
                }
                CExpr::Exists(Arc::new(plan))
            }
            ExprKind::PatternComprehension {
                path_var,
                pattern,
                filter,
                map,
            } => {
                let part = PatternPart {
                    var: path_var.clone(),
                    shortest: None,
                    element: pattern.clone(),
                    span: pattern.span,
                };
                let mut inner = scope.clone();
                let mut plan = self.plan_pattern(
                    PlanNode::Argument,
                    &mut inner,
                    std::slice::from_ref(&part),
                    false,
                )?;
                if let Some(f) = filter {
                    let predicate = self.expr(f, &inner, None)?;
                    plan = PlanNode::Filter {
                        input: Box::new(plan),
                        predicate,
                    };
                }
                let m = self.expr(map, &inner, None)?;
                CExpr::Collect(Arc::new(plan), Box::new(m))
            }
            ExprKind::ShortestPath(kind, el) => {
                let part = PatternPart {
                    var: None,
                    shortest: Some(*kind),
                    element: el.clone(),
                    span: el.span,
                };
                let mut inner = scope.clone();
                let path_slot_before = self.next_slot;
                let plan = self.plan_pattern(
                    PlanNode::Argument,
                    &mut inner,
                    std::slice::from_ref(&part),
                    false,
                )?;
                let _ = path_slot_before;
                let path_slot = match &plan {
                    PlanNode::ShortestPath { path, .. } => *path,
                    _ => return Err(err("UnexpectedSyntax", "invalid shortestPath", e.span)),
                };
                let collected = CExpr::Collect(Arc::new(plan), Box::new(CExpr::Slot(path_slot)));
                if *kind == Shortest::All {
                    collected
                } else {
                    CExpr::Call(Function::Head, vec![collected])
                }
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        e: &Expr,
        func: AggFn,
        distinct: bool,
        args: &[Expr],
        scope: &Scope,
        aggs: &mut Option<AggSink>,
        in_agg: bool,
    ) -> Result<CExpr> {
        if in_agg {
            return Err(err(
                "NestedAggregation",
                "aggregate functions cannot be nested",
                e.span,
            ));
        }
        if aggs.is_none() {
            // Report undefined variables inside the aggregate first.
            let mut none = None;
            for a in args {
                self.expr_inner(a, scope, &mut none, true)?;
            }
            return Err(err(
                "InvalidAggregation",
                "aggregate functions are only allowed in WITH and RETURN",
                e.span,
            ));
        }
        let saved_text_slots = std::mem::take(&mut self.text_slots);
        let r = self.aggregate_call(e, func, distinct, args, scope, aggs);
        self.text_slots = saved_text_slots;
        r
    }

    fn aggregate_call(
        &mut self,
        e: &Expr,
        func: AggFn,
        distinct: bool,
        args: &[Expr],
        scope: &Scope,
        aggs: &mut Option<AggSink>,
    ) -> Result<CExpr> {
        let expected = match func {
            AggFn::CountStar => 0,
            AggFn::PercentileCont | AggFn::PercentileDisc => 2,
            _ => 1,
        };
        if args.len() != expected {
            return Err(err(
                "InvalidNumberOfArguments",
                "wrong number of arguments to an aggregate function",
                e.span,
            ));
        }
        let mut none = None;
        let arg = match args.first() {
            Some(a) => Some(self.expr_inner(a, scope, &mut none, true)?),
            None => None,
        };
        let extra = match args.get(1) {
            Some(a) => Some(self.expr_inner(a, scope, &mut none, true)?),
            None => None,
        };
        let slot = self.slot();
        let sink = aggs.as_mut().expect("checked above");
        sink.aggs.push(AggCall {
            func,
            distinct,
            arg,
            extra,
            slot,
        });
        Ok(CExpr::Slot(slot))
    }

    /// Compile-time type checks the TCK expects for literal operands.
    fn check_operand_types(
        &self,
        _op: BinaryOp,
        _l: &Expr,
        _r: &Expr,
        _scope: &Scope,
    ) -> Result<()> {
        Ok(())
    }

    fn check_function_args(&self, f: Function, args: &[Expr], scope: &Scope) -> Result<()> {
        let kind_of = |e: &Expr| match &e.unparen().kind {
            ExprKind::Variable(v) => scope.get(v).map(|(_, k)| k),
            _ => None,
        };
        let is_literal_non_null = |e: &Expr| {
            matches!(
                &e.unparen().kind,
                ExprKind::Literal(l) if !matches!(l, Literal::Null)
            ) || matches!(&e.unparen().kind, ExprKind::List(_) | ExprKind::Map(_))
        };
        let bad = |e: &Expr| {
            Err(err(
                "InvalidArgumentType",
                "type mismatch: invalid argument type",
                e.span,
            ))
        };
        match f {
            Function::Labels => {
                if let Some(a) = args.first() {
                    if matches!(kind_of(a), Some(Kind::Rel | Kind::Path | Kind::RelList))
                        || is_literal_non_null(a)
                    {
                        return bad(a);
                    }
                }
            }
            Function::Type | Function::StartNode | Function::EndNode => {
                if let Some(a) = args.first() {
                    if matches!(kind_of(a), Some(Kind::Node | Kind::Path | Kind::RelList))
                        || is_literal_non_null(a)
                    {
                        return bad(a);
                    }
                }
            }
            Function::Nodes | Function::Relationships => {
                if let Some(a) = args.first() {
                    if matches!(kind_of(a), Some(Kind::Node | Kind::Rel)) || is_literal_non_null(a)
                    {
                        return bad(a);
                    }
                }
            }
            Function::Length => {
                if let Some(a) = args.first() {
                    if matches!(kind_of(a), Some(Kind::Node | Kind::Rel)) {
                        return bad(a);
                    }
                }
            }
            Function::Size => {
                if let Some(a) = args.first() {
                    if matches!(kind_of(a), Some(Kind::Path | Kind::Node | Kind::Rel)) {
                        return bad(a);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// True when an expression reads nothing but its own local variables: no row slots,
/// parameters, subqueries or volatile functions.
fn foldable(e: &CExpr, locals: &[usize]) -> bool {
    match e {
        CExpr::Slot(s) => locals.contains(s),
        CExpr::Param(_) | CExpr::Exists(_) | CExpr::Collect(..) => false,
        CExpr::Call(f, _) if f.is_volatile() => false,
        other => {
            let mut ok = true;
            other.for_each_child(&mut |c| ok = ok && foldable(c, locals));
            ok
        }
    }
}

/// The kind of a computed value when it is certainly not a node or relationship.
fn value_kind(c: &CExpr) -> Kind {
    match c {
        CExpr::Const(Val::Null) => Kind::Any,
        CExpr::Const(Val::Node(_)) => Kind::Node,
        CExpr::Const(Val::Rel(_)) => Kind::Rel,
        // Maps and temporal values have properties (keys, components).
        CExpr::Const(Val::Map(_) | Val::Temporal(_)) | CExpr::Map(_) => Kind::Value,
        CExpr::Const(_) | CExpr::List(_) | CExpr::Comparison(..) | CExpr::Not(_) => Kind::Scalar,
        CExpr::Binary(op, _, _) if !matches!(op, BinaryOp::Add) => Kind::Value,
        _ => Kind::Any,
    }
}

/// A list of constants folds into one constant list.
fn fold_list(items: Vec<CExpr>) -> CExpr {
    if items.iter().all(|i| i.is_const()) {
        let vals = items
            .into_iter()
            .map(|i| match i {
                CExpr::Const(v) => v,
                _ => Val::Null,
            })
            .collect();
        CExpr::Const(Val::list(vals))
    } else {
        CExpr::List(items)
    }
}

/// After aggregation only grouping keys and aggregate slots hold values: re-point
/// grouping variables to their key slots; any other slot is an error.
fn remap_after_aggregation(
    e: &CExpr,
    keys: &[(String, usize, usize)],
    aggs: &[AggCall],
) -> std::result::Result<CExpr, ()> {
    let mut ok = true;
    let out = map_slots(
        e,
        &mut |s| {
            if aggs.iter().any(|a| a.slot == s) {
                s
            } else if let Some((_, _, new)) = keys.iter().find(|(_, old, _)| *old == s) {
                *new
            } else {
                ok = false;
                s
            }
        },
        &local_slots(e),
    );
    if ok {
        Ok(out)
    } else {
        Err(())
    }
}

/// Slots bound inside an expression (comprehension and reduce variables).
fn local_slots(e: &CExpr) -> Vec<usize> {
    let mut out = Vec::new();
    fn walk(e: &CExpr, out: &mut Vec<usize>) {
        match e {
            CExpr::ListComprehension {
                slot,
                list,
                filter,
                map,
            } => {
                out.push(*slot);
                walk(list, out);
                if let Some(f) = filter {
                    walk(f, out);
                }
                if let Some(m) = map {
                    walk(m, out);
                }
            }
            CExpr::Quantified {
                slot, list, filter, ..
            } => {
                out.push(*slot);
                walk(list, out);
                if let Some(f) = filter {
                    walk(f, out);
                }
            }
            CExpr::Reduce {
                acc,
                slot,
                init,
                list,
                expr,
            } => {
                out.push(*acc);
                out.push(*slot);
                walk(init, out);
                walk(list, out);
                walk(expr, out);
            }
            other => other.for_each_child(&mut |c| walk(c, out)),
        }
    }
    walk(e, &mut out);
    out
}

fn map_slots(e: &CExpr, f: &mut dyn FnMut(usize) -> usize, locals: &[usize]) -> CExpr {
    let mut m = |x: &CExpr| map_slots(x, f, locals);
    match e {
        CExpr::Slot(s) if !locals.contains(s) => CExpr::Slot(f(*s)),
        other => other.map_children(&mut m),
    }
}

impl CExpr {
    /// Calls `f` on each direct child, without copying anything.
    pub(crate) fn for_each_child(&self, f: &mut dyn FnMut(&CExpr)) {
        match self {
            CExpr::Const(_) | CExpr::Param(_) | CExpr::Slot(_) | CExpr::Exists(_) => {}
            CExpr::Property(x, _)
            | CExpr::Not(x)
            | CExpr::Neg(x)
            | CExpr::Pos(x)
            | CExpr::IsNull(x, _)
            | CExpr::HasLabels(x, _) => f(x),
            CExpr::Index(a, b) | CExpr::Binary(_, a, b) => {
                f(a);
                f(b);
            }
            CExpr::Slice(a, b, c) => {
                f(a);
                if let Some(b) = b {
                    f(b);
                }
                if let Some(c) = c {
                    f(c);
                }
            }
            CExpr::Comparison(first, rest) => {
                f(first);
                for (_, x) in rest {
                    f(x);
                }
            }
            CExpr::List(items) | CExpr::Call(_, items) => items.iter().for_each(&mut *f),
            CExpr::Map(entries) => entries.iter().for_each(|(_, x)| f(x)),
            CExpr::Case {
                subject,
                whens,
                else_,
            } => {
                if let Some(s) = subject {
                    f(s);
                }
                for (w, t) in whens {
                    f(w);
                    f(t);
                }
                if let Some(e) = else_ {
                    f(e);
                }
            }
            CExpr::ListComprehension {
                list, filter, map, ..
            } => {
                f(list);
                if let Some(x) = filter {
                    f(x);
                }
                if let Some(x) = map {
                    f(x);
                }
            }
            CExpr::Quantified { list, filter, .. } => {
                f(list);
                if let Some(x) = filter {
                    f(x);
                }
            }
            CExpr::Reduce {
                init, list, expr, ..
            } => {
                f(init);
                f(list);
                f(expr);
            }
            CExpr::MapProjection(base, items) => {
                f(base);
                for i in items {
                    if let MapProjItem::Entry(_, x) = i {
                        f(x);
                    }
                }
            }
            CExpr::Collect(_, m) => f(m),
        }
    }

    /// Rebuilds the expression with `f` applied to each direct child.
    fn map_children(&self, f: &mut dyn FnMut(&CExpr) -> CExpr) -> CExpr {
        let b = |x: &CExpr, f: &mut dyn FnMut(&CExpr) -> CExpr| Box::new(f(x));
        match self {
            CExpr::Const(_) | CExpr::Param(_) | CExpr::Slot(_) => self.clone(),
            CExpr::Property(x, k) => CExpr::Property(b(x, f), k.clone()),
            CExpr::Index(x, i) => CExpr::Index(b(x, f), b(i, f)),
            CExpr::Slice(x, a, c) => CExpr::Slice(
                b(x, f),
                a.as_ref().map(|a| b(a, f)),
                c.as_ref().map(|c| b(c, f)),
            ),
            CExpr::Not(x) => CExpr::Not(b(x, f)),
            CExpr::Neg(x) => CExpr::Neg(b(x, f)),
            CExpr::Pos(x) => CExpr::Pos(b(x, f)),
            CExpr::Binary(op, l, r) => CExpr::Binary(*op, b(l, f), b(r, f)),
            CExpr::Comparison(first, rest) => CExpr::Comparison(
                b(first, f),
                rest.iter().map(|(op, x)| (*op, f(x))).collect(),
            ),
            CExpr::IsNull(x, n) => CExpr::IsNull(b(x, f), *n),
            CExpr::HasLabels(x, l) => CExpr::HasLabels(b(x, f), l.clone()),
            CExpr::List(items) => CExpr::List(items.iter().map(&mut *f).collect()),
            CExpr::Map(entries) => {
                CExpr::Map(entries.iter().map(|(k, x)| (k.clone(), f(x))).collect())
            }
            CExpr::Call(func, args) => CExpr::Call(*func, args.iter().map(&mut *f).collect()),
            CExpr::Case {
                subject,
                whens,
                else_,
            } => CExpr::Case {
                subject: subject.as_ref().map(|s| b(s, f)),
                whens: whens.iter().map(|(w, t)| (f(w), f(t))).collect(),
                else_: else_.as_ref().map(|x| b(x, f)),
            },
            CExpr::ListComprehension {
                slot,
                list,
                filter,
                map,
            } => CExpr::ListComprehension {
                slot: *slot,
                list: b(list, f),
                filter: filter.as_ref().map(|x| b(x, f)),
                map: map.as_ref().map(|x| b(x, f)),
            },
            CExpr::Quantified {
                quantifier,
                slot,
                list,
                filter,
            } => CExpr::Quantified {
                quantifier: *quantifier,
                slot: *slot,
                list: b(list, f),
                filter: filter.as_ref().map(|x| b(x, f)),
            },
            CExpr::Reduce {
                acc,
                init,
                slot,
                list,
                expr,
            } => CExpr::Reduce {
                acc: *acc,
                init: b(init, f),
                slot: *slot,
                list: b(list, f),
                expr: b(expr, f),
            },
            CExpr::MapProjection(base, items) => CExpr::MapProjection(
                b(base, f),
                items
                    .iter()
                    .map(|i| match i {
                        MapProjItem::Entry(k, x) => MapProjItem::Entry(k.clone(), f(x)),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            CExpr::Exists(p) => CExpr::Exists(p.clone()),
            CExpr::Collect(p, m) => CExpr::Collect(p.clone(), m.clone()),
        }
    }
}

/// `(variable, key)` for each `variable.key = value` (or `IN`) conjunct of a predicate.
fn equality_predicates(e: &Expr) -> Vec<(String, String)> {
    fn prop(e: &Expr) -> Option<(String, String)> {
        match &e.unparen().kind {
            ExprKind::Property(b, k) => match &b.unparen().kind {
                ExprKind::Variable(v) => Some((v.clone(), k.name.clone())),
                _ => None,
            },
            _ => None,
        }
    }
    fn walk(e: &Expr, out: &mut Vec<(String, String)>) {
        match &e.unparen().kind {
            ExprKind::Binary(BinaryOp::And, l, r) => {
                walk(l, out);
                walk(r, out);
            }
            ExprKind::Comparison(first, rest) if rest.len() == 1 && rest[0].0 == BinaryOp::Eq => {
                out.extend(prop(first).or_else(|| prop(&rest[0].1)));
            }
            ExprKind::Binary(BinaryOp::In, l, _) => out.extend(prop(l)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

fn contains_aggregate(e: &Expr) -> bool {
    fn walk(e: &Expr) -> bool {
        match &e.kind {
            ExprKind::CountStar => true,
            ExprKind::FunctionCall { name, args, .. } => {
                AggFn::lookup(name).is_some() || args.iter().any(walk)
            }
            ExprKind::Paren(x)
            | ExprKind::Unary(_, x)
            | ExprKind::IsNull(x, _)
            | ExprKind::HasLabels(x, _)
            | ExprKind::Property(x, _) => walk(x),
            ExprKind::Binary(_, l, r) | ExprKind::Index(l, r) => walk(l) || walk(r),
            ExprKind::Comparison(f, rest) => walk(f) || rest.iter().any(|(_, x)| walk(x)),
            ExprKind::List(items) => items.iter().any(walk),
            ExprKind::Map(entries) => entries.iter().any(|(_, x)| walk(x)),
            ExprKind::Case {
                subject,
                whens,
                else_,
            } => {
                subject.as_deref().is_some_and(walk)
                    || whens.iter().any(|(w, t)| walk(w) || walk(t))
                    || else_.as_deref().is_some_and(walk)
            }
            _ => false,
        }
    }
    walk(e)
}
