//! Lowering pest pairs to the AST: one function per grammar rule, operator precedence in a
//! single Pratt parser, literal decoding (numbers with overflow checks, string escapes),
//! and syntax errors with spans.

use super::grammar::Rule;
use crate::ast::*;
use crate::error::{Error, Result, Span};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::cell::RefCell;
use std::sync::OnceLock;

type P<'a> = Pair<'a, Rule>;

/// The most operators one expression may chain (`a AND b AND …`).
pub const MAX_OPERATORS: usize = 2_000;

fn span(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_xor, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_regex, Assoc::Left))
            .op(Op::infix(Rule::op_in, Assoc::Left)
                | Op::infix(Rule::op_starts_with, Assoc::Left)
                | Op::infix(Rule::op_ends_with, Assoc::Left)
                | Op::infix(Rule::op_contains, Assoc::Left)
                | Op::postfix(Rule::is_null)
                | Op::postfix(Rule::is_not_null))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left)
                | Op::infix(Rule::op_div, Assoc::Left)
                | Op::infix(Rule::op_mod, Assoc::Left))
            .op(Op::infix(Rule::op_pow, Assoc::Left))
            .op(Op::prefix(Rule::op_neg) | Op::prefix(Rule::op_pos))
            .op(Op::postfix(Rule::property_lookup)
                | Op::postfix(Rule::index_or_slice)
                | Op::postfix(Rule::label_check))
    })
}

/// Lowering state: integer literals equal to 2^63, legal only under a unary minus.
#[derive(Default)]
pub struct Lowerer {
    pending_min_int: RefCell<Vec<Span>>,
}

fn unexpected(p: &P) -> Error {
    Error::syntax("UnexpectedSyntax", format!("unexpected {:?}", p.as_rule())).with_span(span(p))
}

impl Lowerer {
    pub fn statement(&self, p: P) -> Result<Statement> {
        let stmt = match p.as_rule() {
            Rule::query => Statement::Query(self.query(p)?),
            Rule::explain_statement | Rule::profile_statement | Rule::why_statement => {
                let rule = p.as_rule();
                let q = p.into_inner().find(|c| c.as_rule() == Rule::query);
                let q = match q {
                    Some(q) => self.query(q)?,
                    None => return Err(Error::syntax("UnexpectedSyntax", "expected a query")),
                };
                match rule {
                    Rule::explain_statement => Statement::Explain(q),
                    Rule::profile_statement => Statement::Profile(q),
                    _ => Statement::Why(q),
                }
            }
            Rule::begin_statement => Statement::Begin,
            Rule::commit_statement => Statement::Commit,
            Rule::rollback_statement => Statement::Rollback,
            Rule::create_index => {
                let mut name = None;
                let mut label = String::new();
                let mut key = String::new();
                let mut if_not_exists = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::symbolic_name => name = Some(name_of(&c)),
                        Rule::label_name => label = name_of(&c),
                        Rule::property_key => key = name_of(&c),
                        Rule::EXISTS => if_not_exists = true,
                        _ => {}
                    }
                }
                Statement::CreateIndex {
                    name,
                    label,
                    key,
                    if_not_exists,
                }
            }
            Rule::drop_index => {
                let (name, if_exists) = drop_target(p);
                Statement::DropIndex { name, if_exists }
            }
            Rule::show_indexes => Statement::ShowIndexes,
            Rule::create_constraint => {
                let mut name = None;
                let mut var = String::new();
                let mut label = String::new();
                let mut key = String::new();
                let mut if_not_exists = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::symbolic_name => name = Some(name_of(&c)),
                        Rule::variable => var = name_of(&c),
                        Rule::label_name => label = name_of(&c),
                        Rule::EXISTS => if_not_exists = true,
                        Rule::constraint_property => {
                            let sp = span(&c);
                            let mut parts = c.into_inner();
                            let used = parts.next().map(|v| name_of(&v)).unwrap_or_default();
                            key = parts.next().map(|k| name_of(&k)).unwrap_or_default();
                            if used != var {
                                return Err(Error::syntax(
                                    "UndefinedVariable",
                                    format!(
                                        "the constraint's property must be on `{var}`, the variable in FOR (…), not `{used}`"
                                    ),
                                )
                                .with_span(sp));
                            }
                        }
                        _ => {}
                    }
                }
                Statement::CreateConstraint {
                    name,
                    label,
                    key,
                    if_not_exists,
                }
            }
            Rule::drop_constraint => {
                let (name, if_exists) = drop_target(p);
                Statement::DropConstraint { name, if_exists }
            }
            Rule::show_constraints => Statement::ShowConstraints,
            _ => return Err(unexpected(&p)),
        };
        if let Some(s) = self.pending_min_int.borrow().first() {
            return Err(Error::syntax(
                "IntegerOverflow",
                "integer literal is too large for a 64-bit integer",
            )
            .with_span(*s));
        }
        Ok(stmt)
    }

    fn query(&self, p: P) -> Result<Query> {
        let sp = span(&p);
        let mut parts = Vec::new();
        let mut union_all = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::single_query => parts.push(self.single_query(c)?),
                Rule::union => union_all.push(c.into_inner().any(|k| k.as_rule() == Rule::ALL)),
                _ => return Err(unexpected(&c)),
            }
        }
        Ok(Query {
            parts,
            union_all,
            span: sp,
        })
    }

    fn single_query(&self, p: P) -> Result<SingleQuery> {
        let sp = span(&p);
        let clauses = p
            .into_inner()
            .map(|c| self.clause(c))
            .collect::<Result<Vec<_>>>()?;
        Ok(SingleQuery { clauses, span: sp })
    }

    fn clause(&self, p: P) -> Result<Clause> {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner().peekable();
        Ok(match rule {
            Rule::match_clause => {
                let mut optional = false;
                let mut pattern = Vec::new();
                let mut where_ = None;
                for c in inner {
                    match c.as_rule() {
                        Rule::OPTIONAL => optional = true,
                        Rule::MATCH => {}
                        Rule::pattern => pattern = self.pattern(c)?,
                        Rule::where_clause => where_ = Some(self.where_clause(c)?),
                        _ => return Err(unexpected(&c)),
                    }
                }
                Clause::Match(Match {
                    optional,
                    pattern,
                    where_,
                    span: sp,
                })
            }
            Rule::unwind_clause => {
                inner.next(); // UNWIND
                let expr = self.expr(inner.next().ok_or_else(missing)?)?;
                inner.next(); // AS
                let var = ident(inner.next().ok_or_else(missing)?);
                Clause::Unwind(Unwind {
                    expr,
                    var,
                    span: sp,
                })
            }
            Rule::load_csv_clause => {
                let mut headers = false;
                let mut exprs = Vec::new();
                let mut var = None;
                for c in inner {
                    match c.as_rule() {
                        Rule::with_headers => headers = true,
                        Rule::expr => exprs.push(self.expr(c)?),
                        Rule::variable => var = Some(ident(c)),
                        _ => {}
                    }
                }
                let mut exprs = exprs.into_iter();
                Clause::LoadCsv(LoadCsv {
                    headers,
                    source: exprs.next().ok_or_else(missing)?,
                    var: var.ok_or_else(missing)?,
                    delimiter: exprs.next(),
                    span: sp,
                })
            }
            Rule::with_clause => {
                inner.next();
                let body = self.projection(inner.next().ok_or_else(missing)?)?;
                let where_ = match inner.next() {
                    Some(w) => Some(self.where_clause(w)?),
                    None => None,
                };
                Clause::With(With {
                    body,
                    where_,
                    span: sp,
                })
            }
            Rule::return_clause => {
                inner.next();
                let body = self.projection(inner.next().ok_or_else(missing)?)?;
                Clause::Return(Return { body, span: sp })
            }
            Rule::create_clause => {
                inner.next();
                let pattern = self.pattern(inner.next().ok_or_else(missing)?)?;
                Clause::Create(Create { pattern, span: sp })
            }
            Rule::merge_clause => {
                inner.next();
                let part = self.pattern_part(inner.next().ok_or_else(missing)?)?;
                let mut on_create = Vec::new();
                let mut on_match = Vec::new();
                for action in inner {
                    let mut is_create = false;
                    let mut items = Vec::new();
                    for c in action.into_inner() {
                        match c.as_rule() {
                            Rule::CREATE => is_create = true,
                            Rule::set_item => items.push(self.set_item(c)?),
                            _ => {}
                        }
                    }
                    if is_create {
                        on_create.extend(items);
                    } else {
                        on_match.extend(items);
                    }
                }
                Clause::Merge(Merge {
                    part,
                    on_create,
                    on_match,
                    span: sp,
                })
            }
            Rule::set_clause => {
                let items = inner
                    .filter(|c| c.as_rule() == Rule::set_item)
                    .map(|c| self.set_item(c))
                    .collect::<Result<Vec<_>>>()?;
                Clause::Set(SetClause { items, span: sp })
            }
            Rule::remove_clause => {
                let mut items = Vec::new();
                for c in inner.filter(|c| c.as_rule() == Rule::remove_item) {
                    let item = c.into_inner().next().ok_or_else(missing)?;
                    items.push(match item.as_rule() {
                        Rule::remove_labels => {
                            let mut it = item.into_inner();
                            let var = ident(it.next().ok_or_else(missing)?);
                            let labels = labels(it.next().ok_or_else(missing)?);
                            RemoveItem::Labels { var, labels }
                        }
                        _ => {
                            let (target, key) = self.property_target(item)?;
                            RemoveItem::Property { target, key }
                        }
                    });
                }
                Clause::Remove(Remove { items, span: sp })
            }
            Rule::delete_clause => {
                let mut detach = false;
                let mut exprs = Vec::new();
                for c in inner {
                    match c.as_rule() {
                        Rule::DETACH => detach = true,
                        Rule::DELETE => {}
                        _ => exprs.push(self.expr(c)?),
                    }
                }
                Clause::Delete(Delete {
                    detach,
                    exprs,
                    span: sp,
                })
            }
            Rule::call_clause => {
                inner.next();
                let name = inner
                    .next()
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default();
                Clause::Call(Call { name, span: sp })
            }
            _ => return Err(Error::syntax("UnexpectedSyntax", "unknown clause").with_span(sp)),
        })
    }

    fn where_clause(&self, p: P) -> Result<Expr> {
        let e = p
            .into_inner()
            .find(|c| c.as_rule() == Rule::expr)
            .ok_or_else(missing)?;
        self.expr(e)
    }

    fn projection(&self, p: P) -> Result<Projection> {
        let mut proj = Projection {
            distinct: false,
            star: false,
            items: Vec::new(),
            order_by: Vec::new(),
            skip: None,
            limit: None,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::DISTINCT => proj.distinct = true,
                Rule::projection_items => {
                    for item in c.into_inner() {
                        match item.as_rule() {
                            Rule::star => proj.star = true,
                            Rule::projection_item => {
                                let mut it = item.into_inner();
                                let e = it.next().ok_or_else(missing)?;
                                let text = e.as_str().trim_end().to_string();
                                let expr = self.expr(e)?;
                                let alias = it.find(|a| a.as_rule() == Rule::variable).map(ident);
                                proj.items.push(ProjectionItem { expr, alias, text });
                            }
                            _ => return Err(unexpected(&item)),
                        }
                    }
                }
                Rule::order_by => {
                    for s in c.into_inner().filter(|s| s.as_rule() == Rule::sort_item) {
                        let mut it = s.into_inner();
                        let expr = self.expr(it.next().ok_or_else(missing)?)?;
                        let descending = it.next().is_some_and(|d| {
                            d.into_inner().next().is_some_and(|k| {
                                matches!(k.as_rule(), Rule::DESC | Rule::DESCENDING)
                            })
                        });
                        proj.order_by.push(SortItem { expr, descending });
                    }
                }
                Rule::skip => proj.skip = Some(self.last_expr(c)?),
                Rule::limit => proj.limit = Some(self.last_expr(c)?),
                _ => return Err(unexpected(&c)),
            }
        }
        Ok(proj)
    }

    fn last_expr(&self, p: P) -> Result<Expr> {
        let e = p
            .into_inner()
            .find(|c| c.as_rule() == Rule::expr)
            .ok_or_else(missing)?;
        self.expr(e)
    }

    fn set_item(&self, p: P) -> Result<SetItem> {
        let item = p.into_inner().next().ok_or_else(missing)?;
        let rule = item.as_rule();
        Ok(match rule {
            Rule::set_property => {
                let mut it = item.into_inner();
                let (target, key) = self.property_target(it.next().ok_or_else(missing)?)?;
                let value = self.expr(it.next().ok_or_else(missing)?)?;
                SetItem::Property { target, key, value }
            }
            Rule::set_replace | Rule::set_merge => {
                let mut it = item.into_inner();
                let var = ident(it.next().ok_or_else(missing)?);
                let value = self.expr(it.next().ok_or_else(missing)?)?;
                if rule == Rule::set_replace {
                    SetItem::Replace { var, value }
                } else {
                    SetItem::Merge { var, value }
                }
            }
            Rule::set_labels => {
                let mut it = item.into_inner();
                let var = ident(it.next().ok_or_else(missing)?);
                let labels = labels(it.next().ok_or_else(missing)?);
                SetItem::Labels { var, labels }
            }
            _ => return Err(unexpected(&item)),
        })
    }

    /// `a.b.c` → (expression `a.b`, key `c`).
    fn property_target(&self, p: P) -> Result<(Expr, Ident)> {
        let mut it = p.into_inner();
        let base = it.next().ok_or_else(missing)?;
        let mut expr = match base.as_rule() {
            Rule::variable => Expr::new(ExprKind::Variable(name_of(&base)), span(&base)),
            _ => self.primary(base)?,
        };
        let keys: Vec<P> = it.collect();
        let (last, init) = keys.split_last().ok_or_else(missing)?;
        for k in init {
            let sp = expr.span.to(span(k));
            expr = Expr::new(ExprKind::Property(Box::new(expr), ident(k.clone())), sp);
        }
        Ok((expr, ident(last.clone())))
    }

    // ---------------------------------------------------------- patterns

    fn pattern(&self, p: P) -> Result<Vec<PatternPart>> {
        p.into_inner().map(|c| self.pattern_part(c)).collect()
    }

    fn pattern_part(&self, p: P) -> Result<PatternPart> {
        let sp = span(&p);
        let mut var = None;
        let mut shortest = None;
        let mut element = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::variable => var = Some(ident(c)),
                Rule::pattern_element => element = Some(self.pattern_element(c)?),
                Rule::shortest_path => {
                    let (kind, el) = self.shortest(c)?;
                    shortest = Some(kind);
                    element = Some(el);
                }
                _ => return Err(unexpected(&c)),
            }
        }
        Ok(PatternPart {
            var,
            shortest,
            element: element.ok_or_else(missing)?,
            span: sp,
        })
    }

    fn shortest(&self, p: P) -> Result<(Shortest, PatternElement)> {
        let mut kind = Shortest::One;
        let mut element = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ALLSHORTESTPATHS => kind = Shortest::All,
                Rule::SHORTESTPATH => kind = Shortest::One,
                Rule::pattern_element => element = Some(self.pattern_element(c)?),
                _ => {}
            }
        }
        Ok((kind, element.ok_or_else(missing)?))
    }

    /// A pattern element, or a relationships pattern (pattern predicates and
    /// comprehensions): a node followed by (relationship, node) hops.
    fn pattern_element(&self, p: P) -> Result<PatternElement> {
        let sp = span(&p);
        let mut it = p.into_inner().peekable();
        let first = it.next().ok_or_else(missing)?;
        if first.as_rule() == Rule::pattern_element {
            return self.pattern_element(first);
        }
        let start = self.node_pattern(first)?;
        let mut chain = Vec::new();
        for c in it {
            let mut ci = c.into_inner();
            let rel = self.rel_pattern(ci.next().ok_or_else(missing)?)?;
            let node = self.node_pattern(ci.next().ok_or_else(missing)?)?;
            chain.push((rel, node));
        }
        Ok(PatternElement {
            start,
            chain,
            span: sp,
        })
    }

    fn node_pattern(&self, p: P) -> Result<NodePattern> {
        let sp = span(&p);
        let mut np = NodePattern {
            var: None,
            labels: Vec::new(),
            props: None,
            span: sp,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::variable => np.var = Some(ident(c)),
                Rule::node_labels => np.labels = labels(c),
                Rule::properties => np.props = Some(Box::new(self.properties(c)?)),
                _ => return Err(unexpected(&c)),
            }
        }
        Ok(np)
    }

    fn properties(&self, p: P) -> Result<Expr> {
        let c = p.into_inner().next().ok_or_else(missing)?;
        self.primary(c)
    }

    fn rel_pattern(&self, p: P) -> Result<RelPattern> {
        let sp = span(&p);
        let mut left = false;
        let mut right = false;
        let mut rp = RelPattern {
            var: None,
            types: Vec::new(),
            direction: RelDirection::Both,
            length: None,
            props: None,
            span: sp,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::left_arrow => left = true,
                Rule::right_arrow => right = true,
                Rule::rel_detail => {
                    for d in c.into_inner() {
                        match d.as_rule() {
                            Rule::variable => rp.var = Some(ident(d)),
                            Rule::rel_types => {
                                rp.types = d
                                    .into_inner()
                                    .filter(|t| t.as_rule() == Rule::rel_type_name)
                                    .map(ident)
                                    .collect()
                            }
                            Rule::rel_range => rp.length = Some(self.range(d)?),
                            Rule::bad_range => {
                                return Err(Error::syntax(
                                    "InvalidRelationshipPattern",
                                    "invalid variable length: write `*`, `*n`, `*min..max`, `*..max` or `*min..` with non-negative bounds",
                                )
                                .with_span(span(&d)))
                            }
                            Rule::properties => rp.props = Some(Box::new(self.properties(d)?)),
                            _ => return Err(unexpected(&d)),
                        }
                    }
                }
                _ => return Err(unexpected(&c)),
            }
        }
        rp.direction = match (left, right) {
            (true, false) => RelDirection::Left,
            (false, true) => RelDirection::Right,
            _ => RelDirection::Both,
        };
        Ok(rp)
    }

    fn range(&self, p: P) -> Result<(Option<u64>, Option<u64>)> {
        let mut min = None;
        let mut max = None;
        let mut dots = false;
        for c in p.into_inner() {
            let parse = |c: &P| {
                c.as_str().parse::<u64>().map_err(|_| {
                    Error::syntax("IntegerOverflow", "range bound is too large").with_span(span(c))
                })
            };
            match c.as_rule() {
                Rule::range_min => min = Some(parse(&c)?),
                Rule::range_max => max = Some(parse(&c)?),
                Rule::range_dots => dots = true,
                _ => {}
            }
        }
        if !dots && min.is_some() {
            max = min;
        }
        Ok((min, max))
    }

    // ---------------------------------------------------------- expressions

    pub fn expr(&self, p: P) -> Result<Expr> {
        let sp = span(&p);
        let pairs = p.into_inner();
        // A chain of operators becomes a tree as deep as the chain is long; planning and
        // evaluation walk it recursively, so bound it well within a default thread stack.
        let operators = pairs.clone().count() / 2;
        if operators > MAX_OPERATORS {
            return Err(Error::syntax(
                "UnexpectedSyntax",
                format!(
                    "the expression has {operators} operators, more than the {MAX_OPERATORS} kg allows in one expression"
                ),
            )
            .with_span(sp));
        }
        self.pratt_expr(pairs)
    }

    fn pratt_expr(&self, pairs: Pairs<Rule>) -> Result<Expr> {
        pratt()
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let sp = span(&op).to(rhs.span);
                let uop = match op.as_rule() {
                    Rule::op_not => UnaryOp::Not,
                    Rule::op_neg => {
                        // -9223372036854775808 is legal: fold the sign into the literal.
                        let mut pending = self.pending_min_int.borrow_mut();
                        if let Some(i) = pending.iter().position(|s| *s == rhs.span) {
                            pending.remove(i);
                            return Ok(Expr::new(ExprKind::Literal(Literal::Int(i64::MIN)), sp));
                        }
                        match rhs.kind {
                            ExprKind::Literal(Literal::Int(i)) if i != i64::MIN => {
                                return Ok(Expr::new(ExprKind::Literal(Literal::Int(-i)), sp))
                            }
                            ExprKind::Literal(Literal::Float(f)) => {
                                return Ok(Expr::new(ExprKind::Literal(Literal::Float(-f)), sp))
                            }
                            _ => UnaryOp::Neg,
                        }
                    }
                    Rule::op_pos => UnaryOp::Pos,
                    _ => return Err(unexpected(&op)),
                };
                Ok(Expr::new(ExprKind::Unary(uop, Box::new(rhs)), sp))
            })
            .map_postfix(|lhs, op| {
                let lhs = lhs?;
                let sp = lhs.span.to(span(&op));
                Ok(match op.as_rule() {
                    Rule::is_null => Expr::new(ExprKind::IsNull(Box::new(lhs), false), sp),
                    Rule::is_not_null => Expr::new(ExprKind::IsNull(Box::new(lhs), true), sp),
                    Rule::property_lookup => {
                        let key = op.into_inner().next().ok_or_else(missing)?;
                        Expr::new(ExprKind::Property(Box::new(lhs), ident(key)), sp)
                    }
                    Rule::label_check => {
                        let ls = labels(op.into_inner().next().ok_or_else(missing)?);
                        Expr::new(ExprKind::HasLabels(Box::new(lhs), ls), sp)
                    }
                    Rule::index_or_slice => {
                        // `slice_from? slice_tail?`: an index when there is no `..` tail.
                        let mut from = None;
                        let mut tail = None;
                        for b in op.into_inner() {
                            match b.as_rule() {
                                Rule::slice_from => from = Some(b),
                                Rule::slice_tail => tail = Some(b),
                                _ => return Err(unexpected(&b)),
                            }
                        }
                        let lower = |p: P| -> Result<Box<Expr>> {
                            Ok(Box::new(
                                self.expr(p.into_inner().next().ok_or_else(missing)?)?,
                            ))
                        };
                        match tail {
                            None => {
                                let idx = lower(from.ok_or_else(missing)?)?;
                                Expr::new(ExprKind::Index(Box::new(lhs), idx), sp)
                            }
                            Some(tail) => {
                                let from = from.map(lower).transpose()?;
                                let to = tail.into_inner().next().map(lower).transpose()?;
                                Expr::new(ExprKind::Slice(Box::new(lhs), from, to), sp)
                            }
                        }
                    }
                    _ => return Err(unexpected(&op)),
                })
            })
            .map_infix(|lhs, op, rhs| {
                let lhs = lhs?;
                let rhs = rhs?;
                let sp = lhs.span.to(rhs.span);
                let bop = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_xor => BinaryOp::Xor,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_regex => BinaryOp::Regex,
                    Rule::op_starts_with => BinaryOp::StartsWith,
                    Rule::op_ends_with => BinaryOp::EndsWith,
                    Rule::op_contains => BinaryOp::Contains,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    Rule::op_div => BinaryOp::Div,
                    Rule::op_mod => BinaryOp::Mod,
                    Rule::op_pow => BinaryOp::Pow,
                    _ => return Err(unexpected(&op)),
                };
                if bop.is_comparison() {
                    // a < b < c  ==  a < b AND b < c
                    if let ExprKind::Comparison(first, mut rest) = lhs.kind {
                        rest.push((bop, rhs));
                        return Ok(Expr::new(ExprKind::Comparison(first, rest), sp));
                    }
                    return Ok(Expr::new(
                        ExprKind::Comparison(Box::new(lhs), vec![(bop, rhs)]),
                        sp,
                    ));
                }
                Ok(Expr::new(
                    ExprKind::Binary(bop, Box::new(lhs), Box::new(rhs)),
                    sp,
                ))
            })
            .parse(pairs)
    }

    fn primary(&self, p: P) -> Result<Expr> {
        let sp = span(&p);
        let e = |k| Ok(Expr::new(k, sp));
        match p.as_rule() {
            Rule::decimal_int | Rule::hex_int | Rule::octal_int => self.integer(&p),
            Rule::float => {
                let text = p.as_str();
                match text.parse::<f64>() {
                    Ok(f) if f.is_finite() => e(ExprKind::Literal(Literal::Float(f))),
                    Ok(_) => Err(Error::syntax(
                        "FloatingPointOverflow",
                        "float literal is too large",
                    )
                    .with_span(sp)),
                    Err(_) => Err(
                        Error::syntax("InvalidNumberLiteral", "invalid number literal")
                            .with_span(sp),
                    ),
                }
            }
            Rule::string => e(ExprKind::Literal(Literal::String(unescape(&p)?))),
            Rule::boolean => {
                let t = p.as_str().eq_ignore_ascii_case("true");
                e(ExprKind::Literal(Literal::Bool(t)))
            }
            Rule::null => e(ExprKind::Literal(Literal::Null)),
            Rule::list_literal => {
                let items = p
                    .into_inner()
                    .map(|c| self.expr(c))
                    .collect::<Result<Vec<_>>>()?;
                e(ExprKind::List(items))
            }
            Rule::map_literal => {
                let mut entries = Vec::new();
                for c in p.into_inner() {
                    let mut it = c.into_inner();
                    let k = ident(it.next().ok_or_else(missing)?);
                    let v = self.expr(it.next().ok_or_else(missing)?)?;
                    entries.push((k, v));
                }
                e(ExprKind::Map(entries))
            }
            Rule::parameter => {
                let name = p.into_inner().next().ok_or_else(missing)?;
                e(ExprKind::Parameter(name_of(&name)))
            }
            Rule::variable => e(ExprKind::Variable(name_of(&p))),
            Rule::paren_expr => {
                let inner = self.expr(p.into_inner().next().ok_or_else(missing)?)?;
                e(ExprKind::Paren(Box::new(inner)))
            }
            Rule::count_star => e(ExprKind::CountStar),
            Rule::case_expr => {
                let mut subject = None;
                let mut whens = Vec::new();
                let mut else_ = None;
                let mut seen_else = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::CASE | Rule::END => {}
                        Rule::ELSE => seen_else = true,
                        Rule::expr if seen_else => else_ = Some(Box::new(self.expr(c)?)),
                        Rule::expr => subject = Some(Box::new(self.expr(c)?)),
                        Rule::case_alt => {
                            let mut it = c.into_inner().filter(|x| x.as_rule() == Rule::expr);
                            let w = self.expr(it.next().ok_or_else(missing)?)?;
                            let t = self.expr(it.next().ok_or_else(missing)?)?;
                            whens.push((w, t));
                        }
                        _ => return Err(unexpected(&c)),
                    }
                }
                e(ExprKind::Case {
                    subject,
                    whens,
                    else_,
                })
            }
            Rule::quantified => {
                let mut it = p.into_inner();
                let q = match it.next().ok_or_else(missing)?.as_rule() {
                    Rule::ALL => Quantifier::All,
                    Rule::KW_ANY => Quantifier::Any,
                    Rule::NONE => Quantifier::None,
                    _ => Quantifier::Single,
                };
                let var = ident(it.next().ok_or_else(missing)?);
                let mut exprs = it.filter(|c| c.as_rule() == Rule::expr);
                let list = self.expr(exprs.next().ok_or_else(missing)?)?;
                let filter = match exprs.next() {
                    Some(f) => Some(Box::new(self.expr(f)?)),
                    None => None,
                };
                e(ExprKind::Quantified {
                    quantifier: q,
                    var,
                    list: Box::new(list),
                    filter,
                })
            }
            Rule::reduce_expr => {
                let mut vars = Vec::new();
                let mut exprs = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::variable => vars.push(ident(c)),
                        Rule::expr => exprs.push(self.expr(c)?),
                        _ => {}
                    }
                }
                if vars.len() != 2 || exprs.len() != 3 {
                    return Err(Error::syntax("UnexpectedSyntax", "malformed reduce").with_span(sp));
                }
                let mut ex = exprs.into_iter();
                let mut vs = vars.into_iter();
                e(ExprKind::Reduce {
                    acc: vs.next().ok_or_else(missing)?,
                    init: Box::new(ex.next().ok_or_else(missing)?),
                    var: vs.next().ok_or_else(missing)?,
                    list: Box::new(ex.next().ok_or_else(missing)?),
                    expr: Box::new(ex.next().ok_or_else(missing)?),
                })
            }
            Rule::exists_subquery => {
                let mut pattern = Vec::new();
                let mut where_ = None;
                let mut query = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::query => query = Some(self.query(c)?),
                        Rule::pattern => pattern = self.pattern(c)?,
                        Rule::where_clause => where_ = Some(self.where_clause(c)?),
                        _ => {}
                    }
                }
                e(ExprKind::Exists(Box::new(ExistsBody {
                    query,
                    pattern,
                    where_,
                })))
            }
            Rule::shortest_path_expr => {
                let (kind, el) = self.shortest(p)?;
                e(ExprKind::ShortestPath(kind, el))
            }
            Rule::list_comprehension => {
                let mut it = p.into_inner();
                let var = ident(it.next().ok_or_else(missing)?);
                let mut list = None;
                let mut filter = None;
                let mut map = None;
                let mut seen_where = false;
                for c in it {
                    match c.as_rule() {
                        Rule::IN => {}
                        Rule::WHERE => seen_where = true,
                        Rule::expr if list.is_none() => list = Some(Box::new(self.expr(c)?)),
                        Rule::expr if seen_where && filter.is_none() => {
                            filter = Some(Box::new(self.expr(c)?))
                        }
                        Rule::expr => map = Some(Box::new(self.expr(c)?)),
                        _ => {}
                    }
                }
                e(ExprKind::ListComprehension {
                    var,
                    list: list.ok_or_else(missing)?,
                    filter,
                    map,
                })
            }
            Rule::pattern_comprehension => {
                let mut path_var = None;
                let mut pattern = None;
                let mut exprs = Vec::new();
                let mut has_where = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::variable => path_var = Some(ident(c)),
                        Rule::relationships_pattern => pattern = Some(self.pattern_element(c)?),
                        Rule::WHERE => has_where = true,
                        Rule::expr => exprs.push(self.expr(c)?),
                        _ => {}
                    }
                }
                let map = exprs.pop().ok_or_else(missing)?;
                let filter = if has_where {
                    exprs.pop().map(Box::new)
                } else {
                    None
                };
                e(ExprKind::PatternComprehension {
                    path_var,
                    pattern: pattern.ok_or_else(missing)?,
                    filter,
                    map: Box::new(map),
                })
            }
            Rule::pattern_predicate => {
                let rp = p.into_inner().next().ok_or_else(missing)?;
                e(ExprKind::PatternPredicate(self.pattern_element(rp)?))
            }
            Rule::function_call => {
                let mut name = String::new();
                let mut distinct = false;
                let mut args = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::function_name => {
                            name = c
                                .into_inner()
                                .map(|n| name_of(&n))
                                .collect::<Vec<_>>()
                                .join(".")
                        }
                        Rule::DISTINCT => distinct = true,
                        Rule::expr => args.push(self.expr(c)?),
                        _ => {}
                    }
                }
                e(ExprKind::FunctionCall {
                    name,
                    distinct,
                    args,
                })
            }
            Rule::map_projection => {
                let mut it = p.into_inner();
                let v = it.next().ok_or_else(missing)?;
                let base = Expr::new(ExprKind::Variable(name_of(&v)), span(&v));
                let mut items = Vec::new();
                for c in it {
                    let item = c.into_inner().next().ok_or_else(missing)?;
                    items.push(match item.as_rule() {
                        Rule::all_properties => MapProjectionItem::AllProperties,
                        Rule::property_selector => MapProjectionItem::Property(ident(
                            item.into_inner().next().ok_or_else(missing)?,
                        )),
                        Rule::map_literal_entry => {
                            let mut kv = item.into_inner();
                            let k = ident(kv.next().ok_or_else(missing)?);
                            let v = self.expr(kv.next().ok_or_else(missing)?)?;
                            MapProjectionItem::Literal(k, v)
                        }
                        Rule::variable => MapProjectionItem::Variable(ident(item)),
                        _ => return Err(unexpected(&item)),
                    });
                }
                e(ExprKind::MapProjection(Box::new(base), items))
            }
            Rule::expr => self.expr(p),
            _ => Err(unexpected(&p)),
        }
    }

    fn integer(&self, p: &P) -> Result<Expr> {
        let sp = span(p);
        let text = p.as_str();
        let (digits, radix) = match p.as_rule() {
            Rule::hex_int => (&text[2..], 16),
            Rule::octal_int => (&text[2..], 8),
            _ => (text, 10),
        };
        let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        if !valid {
            return Err(Error::syntax(
                "InvalidNumberLiteral",
                format!("invalid number literal '{text}'"),
            )
            .with_span(sp));
        }
        match u64::from_str_radix(digits, radix) {
            Ok(v) if v <= i64::MAX as u64 => {
                Ok(Expr::new(ExprKind::Literal(Literal::Int(v as i64)), sp))
            }
            Ok(v) if v == 1u64 << 63 => {
                self.pending_min_int.borrow_mut().push(sp);
                Ok(Expr::new(ExprKind::Literal(Literal::Int(i64::MIN)), sp))
            }
            _ => Err(Error::syntax(
                "IntegerOverflow",
                format!("integer literal '{text}' is too large for a 64-bit integer"),
            )
            .with_span(sp)),
        }
    }
}

fn missing() -> Error {
    Error::syntax("UnexpectedSyntax", "incomplete syntax")
}

/// The name and `IF EXISTS` of a `DROP INDEX` / `DROP CONSTRAINT`.
fn drop_target(p: P) -> (String, bool) {
    let mut name = String::new();
    let mut if_exists = false;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::symbolic_name => name = name_of(&c),
            Rule::EXISTS => if_exists = true,
            _ => {}
        }
    }
    (name, if_exists)
}

fn name_of(p: &P) -> String {
    // variable / label_name / … → symbolic_name → plain_name | escaped_name
    let mut cur = p.clone();
    loop {
        match cur.as_rule() {
            Rule::plain_name => return cur.as_str().to_string(),
            Rule::escaped_name => {
                let inner = cur.as_str();
                return inner[1..inner.len() - 1].replace("``", "`");
            }
            Rule::escaped_inner => return cur.as_str().replace("``", "`"),
            _ => match cur.clone().into_inner().next() {
                Some(c) => cur = c,
                None => return cur.as_str().to_string(),
            },
        }
    }
}

fn ident(p: P) -> Ident {
    Ident {
        name: name_of(&p),
        span: span(&p),
    }
}

fn labels(p: P) -> Vec<Ident> {
    p.into_inner()
        .filter(|c| c.as_rule() == Rule::label_name)
        .map(ident)
        .collect()
}

fn unescape(p: &P) -> Result<String> {
    let raw = p.as_str();
    let body = &raw[1..raw.len() - 1];
    let base = p.as_span().start() + 1;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            break;
        };
        match e {
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'b' | 'B' => out.push('\u{8}'),
            'f' | 'F' => out.push('\u{c}'),
            'n' | 'N' => out.push('\n'),
            'r' | 'R' => out.push('\r'),
            't' | 'T' => out.push('\t'),
            'u' | 'U' => {
                let len = if e == 'u' { 4 } else { 8 };
                let mut hex = String::new();
                for _ in 0..len {
                    match chars.peek() {
                        Some((_, h)) if h.is_ascii_hexdigit() => {
                            hex.push(*h);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                let ch = (hex.len() == len)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                match ch {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(Error::syntax(
                            "InvalidUnicodeLiteral",
                            "invalid unicode escape in string literal",
                        )
                        .with_span(Span::new(base + i, base + i + 2 + hex.len())))
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}
