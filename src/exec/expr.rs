//! Expression evaluation over a row: three-valued logic, checked integer arithmetic,
//! property access through the store, list and map operations, comprehensions, and
//! subqueries (pattern predicates, EXISTS, pattern comprehensions) run as nested plans.

use super::compare::{compare, equals};
use super::functions::call;
use super::operators::run_subplan;
use super::{Row, Runtime};
use crate::ast::{BinaryOp, Quantifier};
use crate::error::{Error, Result};
use crate::plan::expr::{CExpr, KeyName, MapProjItem};
use crate::temporal::{ComponentValue, Temporal};
use crate::val::{MapVal, Val};
use std::cmp::Ordering;
use std::sync::Arc;

pub fn type_err(msg: impl Into<String>) -> Error {
    Error::type_error("InvalidArgumentType", msg)
}

fn truth(v: &Val) -> Result<Option<bool>> {
    match v {
        Val::Bool(b) => Ok(Some(*b)),
        Val::Null => Ok(None),
        other => Err(type_err(format!(
            "expected a boolean, got {}",
            other.type_name()
        ))),
    }
}

fn opt_bool(v: Option<bool>) -> Val {
    v.map(Val::Bool).unwrap_or(Val::Null)
}

/// The list operand of a comprehension, quantifier or reduce: its items, None for null,
/// a TypeError for anything else.
fn list_or_null(v: Val) -> Result<Option<std::sync::Arc<Vec<Val>>>> {
    match v {
        Val::List(items) => Ok(Some(items)),
        Val::Null => Ok(None),
        other => Err(type_err(format!(
            "expected a list, got {}",
            other.type_name()
        ))),
    }
}

/// Evaluates a predicate: true only for `true` (null and false filter the row out).
pub fn eval_predicate(e: &CExpr, row: &Row, rt: &mut Runtime) -> Result<bool> {
    // `n.key <op> constant` reads the property in place, without cloning it.
    match e {
        CExpr::Comparison(first, rest) if rest.len() == 1 => {
            if let (Some(v), Some(c)) = (stored_property(first, row, rt), constant(&rest[0].1, rt))
            {
                return Ok(compare_op(rest[0].0, v.unwrap_or(&Val::Null), c) == Some(true));
            }
        }
        CExpr::Binary(
            op @ (BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains),
            l,
            r,
        ) => {
            if let (Some(v), Some(Val::Str(y))) = (stored_property(l, row, rt), constant(r, rt)) {
                match v {
                    None => return Ok(false),
                    Some(Val::Str(x)) => {
                        return Ok(match op {
                            BinaryOp::StartsWith => x.starts_with(&**y),
                            BinaryOp::EndsWith => x.ends_with(&**y),
                            _ => x.contains(&**y),
                        })
                    }
                    Some(_) => {}
                }
            }
        }
        _ => {}
    }
    Ok(matches!(truth(&eval(e, row, rt)?)?, Some(true)))
}

/// `slot.key` of a node that exists, borrowed from the store: `Some(None)` when the node
/// has no such property; `None` when the expression is not of that shape.
#[inline]
fn stored_property<'r>(e: &CExpr, row: &Row, rt: &'r Runtime) -> Option<Option<&'r Val>> {
    let CExpr::Property(base, key) = e else {
        return None;
    };
    let CExpr::Slot(s) = &**base else {
        return None;
    };
    let Some(Val::Node(n)) = row.get(*s) else {
        return None;
    };
    let k = *key.symbol.get()?;
    match rt.graph.node_prop(*n, k) {
        Some(v) => Some(Some(v)),
        None if rt.graph.contains_node(*n) => Some(None),
        None => None,
    }
}

/// A null to borrow.
static NULL: Val = Val::Null;

/// The value of `e` borrowed from the plan, the row or the store, without cloning it (a
/// clone of a string is an atomic reference-count update, which also stops the processor
/// overlapping the next row's memory reads): for constants, parameters, slots and stored
/// properties of a node or relationship in a slot. `None` for any other expression, and
/// where `eval` would fail (a deleted element): evaluate those with `eval`.
#[inline]
pub fn eval_ref<'r>(e: &'r CExpr, row: &'r Row, rt: &'r Runtime) -> Option<&'r Val> {
    match e {
        CExpr::Const(v) => Some(v),
        CExpr::Slot(s) => row.get(*s),
        CExpr::Param(name) => rt.params.get(name),
        CExpr::Property(base, key) => {
            let CExpr::Slot(s) = &**base else {
                return None;
            };
            let k = *key.symbol.get()?;
            match row.get(*s)? {
                Val::Node(n) => match rt.graph.node_prop(*n, k) {
                    Some(v) => Some(v),
                    None if rt.graph.contains_node(*n) => Some(&NULL),
                    None => None,
                },
                // Relationship properties live in typed columns: evaluated by value.
                Val::Null => Some(&NULL),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A constant or parameter, borrowed.
#[inline]
fn constant<'r>(e: &'r CExpr, rt: &'r Runtime) -> Option<&'r Val> {
    match e {
        CExpr::Const(v) => Some(v),
        CExpr::Param(name) => rt.params.get(name),
        _ => None,
    }
}

/// Evaluates an expression over a row. The common, cheap cases are handled here, in a
/// function with a small stack frame; everything else goes to `eval_rest`.
#[inline]
pub fn eval(e: &CExpr, row: &Row, rt: &mut Runtime) -> Result<Val> {
    match e {
        CExpr::Const(v) => Ok(v.clone()),
        CExpr::Slot(s) => Ok(row.get(*s).cloned().unwrap_or(Val::Null)),
        CExpr::Property(base, key) => {
            if let CExpr::Slot(s) = &**base {
                if let Some(b) = row.get(*s) {
                    return property_cached(b, key, rt);
                }
            }
            let b = eval(base, row, rt)?;
            property_cached(&b, key, rt)
        }
        CExpr::Comparison(first, rest) if rest.len() == 1 => {
            let left = eval(first, row, rt)?;
            let right = eval(&rest[0].1, row, rt)?;
            Ok(opt_bool(compare_op(rest[0].0, &left, &right)))
        }
        _ => eval_rest(e, row, rt),
    }
}

#[inline(never)]
fn eval_rest(e: &CExpr, row: &Row, rt: &mut Runtime) -> Result<Val> {
    Ok(match e {
        CExpr::Const(v) => v.clone(),
        CExpr::Slot(s) => row.get(*s).cloned().unwrap_or(Val::Null),
        CExpr::Param(name) => match rt.params.get(name) {
            Some(v) => v.clone(),
            None => {
                return Err(Error::new(
                    crate::ErrorKind::ParameterMissing,
                    Some("MissingParameter"),
                    format!("expected a parameter named `{name}`"),
                ))
            }
        },
        CExpr::Property(base, key) => {
            let b = eval(base, row, rt)?;
            property_cached(&b, key, rt)?
        }
        CExpr::Index(base, idx) => {
            let b = eval(base, row, rt)?;
            let i = eval(idx, row, rt)?;
            index(&b, &i, rt)?
        }
        CExpr::Slice(base, from, to) => {
            let b = eval(base, row, rt)?;
            let f = match from {
                Some(f) => Some(eval(f, row, rt)?),
                None => None,
            };
            let t = match to {
                Some(t) => Some(eval(t, row, rt)?),
                None => None,
            };
            slice(&b, f, t)?
        }
        CExpr::Not(x) => opt_bool(truth(&eval(x, row, rt)?)?.map(|b| !b)),
        CExpr::Neg(x) => match eval(x, row, rt)? {
            Val::Int(i) => Val::Int(i.checked_neg().ok_or_else(overflow)?),
            Val::Float(f) => Val::Float(-f),
            Val::Null => Val::Null,
            Val::Temporal(t) if matches!(&*t, Temporal::Duration(_)) => {
                let negated = match &*t {
                    Temporal::Duration(d) => d.checked_neg(),
                    _ => Err(String::new()),
                };
                match negated {
                    Ok(n) => crate::temporal::func::val(Temporal::Duration(n)),
                    Err(e) => return Err(Error::argument("InvalidArgumentValue", e)),
                }
            }
            other => return Err(type_err(format!("cannot negate {}", other.type_name()))),
        },
        CExpr::Pos(x) => match eval(x, row, rt)? {
            v @ (Val::Int(_) | Val::Float(_) | Val::Null) => v,
            other => return Err(type_err(format!("cannot apply + to {}", other.type_name()))),
        },
        CExpr::Binary(op, l, r) => binary(*op, l, r, row, rt)?,
        CExpr::Comparison(first, rest) => {
            let mut left = eval(first, row, rt)?;
            let mut result = Some(true);
            for (op, x) in rest {
                let right = eval(x, row, rt)?;
                let r = compare_op(*op, &left, &right);
                result = match (result, r) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                left = right;
            }
            opt_bool(result)
        }
        CExpr::IsNull(x, negated) => {
            let v = eval(x, row, rt)?;
            Val::Bool(v.is_null() != *negated)
        }
        CExpr::HasLabels(x, labels) => match eval(x, row, rt)? {
            Val::Node(n) => {
                if !rt.graph.contains_node(n) {
                    return Err(deleted());
                }
                Val::Bool(labels.iter().all(|l| {
                    rt.graph
                        .label_symbol(l)
                        .is_some_and(|s| rt.graph.has_label(n, s))
                }))
            }
            Val::Null => Val::Null,
            other => {
                return Err(type_err(format!(
                    "cannot check labels of {}",
                    other.type_name()
                )))
            }
        },
        CExpr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(eval(i, row, rt)?);
            }
            Val::list(out)
        }
        CExpr::Map(entries) => {
            let mut m = MapVal::new();
            for (k, v) in entries {
                m.insert(k.clone(), eval(v, row, rt)?);
            }
            Val::map(m)
        }
        CExpr::Call(f, args) => {
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval(a, row, rt)?);
            }
            call(*f, vals, rt)?
        }
        CExpr::Case {
            subject,
            whens,
            else_,
        } => {
            let subj = match subject {
                Some(s) => Some(eval(s, row, rt)?),
                None => None,
            };
            for (w, t) in whens {
                let hit = match &subj {
                    Some(s) => equals(s, &eval(w, row, rt)?) == Some(true),
                    None => matches!(eval(w, row, rt)?, Val::Bool(true)),
                };
                if hit {
                    return eval(t, row, rt);
                }
            }
            match else_ {
                Some(x) => eval(x, row, rt)?,
                None => Val::Null,
            }
        }
        CExpr::ListComprehension {
            slot,
            list,
            filter,
            map,
        } => {
            let Some(items) = list_or_null(eval(list, row, rt)?)? else {
                return Ok(Val::Null);
            };
            let mut scratch = row.clone();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                rt.tick()?;
                scratch[*slot] = item.clone();
                if let Some(f) = filter {
                    if !eval_predicate(f, &scratch, rt)? {
                        continue;
                    }
                }
                out.push(match map {
                    Some(m) => eval(m, &scratch, rt)?,
                    None => item.clone(),
                });
            }
            Val::list(out)
        }
        CExpr::Quantified {
            quantifier,
            slot,
            list,
            filter,
        } => {
            let Some(items) = list_or_null(eval(list, row, rt)?)? else {
                return Ok(Val::Null);
            };
            let mut scratch = row.clone();
            let (mut trues, mut falses, mut nulls) = (0usize, 0usize, 0usize);
            for item in items.iter() {
                rt.tick()?;
                scratch[*slot] = item.clone();
                let r = match filter {
                    Some(f) => truth(&eval(f, &scratch, rt)?)?,
                    None => Some(true),
                };
                match r {
                    Some(true) => trues += 1,
                    Some(false) => falses += 1,
                    None => nulls += 1,
                }
                let decided = match quantifier {
                    Quantifier::All => falses > 0,
                    Quantifier::Any | Quantifier::None => trues > 0,
                    Quantifier::Single => trues > 1,
                };
                if decided {
                    break;
                }
            }
            let r = match quantifier {
                Quantifier::All => {
                    if falses > 0 {
                        Some(false)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(true)
                    }
                }
                Quantifier::Any => {
                    if trues > 0 {
                        Some(true)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(false)
                    }
                }
                Quantifier::None => {
                    if trues > 0 {
                        Some(false)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(true)
                    }
                }
                Quantifier::Single => {
                    if trues > 1 {
                        Some(false)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(trues == 1)
                    }
                }
            };
            opt_bool(r)
        }
        CExpr::Reduce {
            acc,
            init,
            slot,
            list,
            expr,
        } => {
            let init = eval(init, row, rt)?;
            let Some(items) = list_or_null(eval(list, row, rt)?)? else {
                return Ok(Val::Null);
            };
            let mut scratch = row.clone();
            scratch[*acc] = init;
            for item in items.iter() {
                rt.tick()?;
                scratch[*slot] = item.clone();
                let v = eval(expr, &scratch, rt)?;
                scratch[*acc] = v;
            }
            scratch[*acc].clone()
        }
        CExpr::MapProjection(base, items) => {
            let b = eval(base, row, rt)?;
            if b.is_null() {
                return Ok(Val::Null);
            }
            let mut m = MapVal::new();
            for item in items {
                match item {
                    MapProjItem::Property(k) => {
                        let v = property(&b, k, rt)?;
                        m.insert(k.clone(), v);
                    }
                    MapProjItem::Entry(k, x) => {
                        let v = eval(x, row, rt)?;
                        m.insert(k.clone(), v);
                    }
                    MapProjItem::AllProperties => {
                        for (k, v) in all_properties(&b, rt)? {
                            m.insert(k, v);
                        }
                    }
                }
            }
            Val::map(m)
        }
        CExpr::Exists(plan) => {
            let mut found = false;
            run_subplan(plan, row, rt, &mut |_, _| {
                found = true;
                Ok(false)
            })?;
            Val::Bool(found)
        }
        CExpr::Collect(plan, map) => {
            let mut out = Vec::new();
            run_subplan(plan, row, rt, &mut |r, rt| {
                out.push(eval(map, r, rt)?);
                Ok(true)
            })?;
            Val::list(out)
        }
    })
}

/// `+` would build a value longer than the memory guard allows (`Limits::max_list_len`
/// counts a list's elements and a string's bytes).
fn too_long(what: &str, n: usize, unit: &str, rt: &Runtime) -> Error {
    Error::transient(
        "MemoryLimitExceeded",
        format!(
            "+ would build a {what} {n} {unit}, more than the limit of {}",
            rt.limits.max_list_len
        ),
    )
}

fn overflow() -> Error {
    Error::arithmetic("IntegerOverflow", "integer overflow")
}

fn deleted() -> Error {
    Error::entity_not_found("the entity was deleted earlier in this query")
}

/// All properties of a node, relationship or map as (key, value) pairs.
pub fn all_properties(v: &Val, rt: &Runtime) -> Result<Vec<(Arc<str>, Val)>> {
    Ok(match v {
        Val::Node(n) => {
            if !rt.graph.contains_node(*n) {
                return Err(deleted());
            }
            rt.graph
                .node_props(*n)
                .iter()
                .map(|(k, v)| (rt.graph.key_name(*k).clone(), v.clone()))
                .collect()
        }
        Val::Rel(r) => {
            if !rt.graph.contains_rel(*r) {
                return Err(deleted());
            }
            rt.graph
                .rel_props(*r)
                .into_iter()
                .map(|(k, v)| (rt.graph.key_name(k).clone(), v))
                .collect()
        }
        Val::Map(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Val::Null => Vec::new(),
        other => {
            return Err(type_err(format!(
                "expected a node, relationship or map, got {}",
                other.type_name()
            )))
        }
    })
}

/// Property access with the key's symbol cached in the plan.
fn property_cached(base: &Val, key: &KeyName, rt: &Runtime) -> Result<Val> {
    let sym = match key.symbol.get() {
        Some(s) => Some(*s),
        None => {
            let s = rt.graph.key_symbol(&key.name);
            if let Some(s) = s {
                let _ = key.symbol.set(s);
            }
            s
        }
    };
    match (base, sym) {
        (Val::Node(n), Some(k)) => match rt.graph.node_prop(*n, k) {
            Some(v) => Ok(v.clone()),
            None if rt.graph.contains_node(*n) => Ok(Val::Null),
            None => Err(deleted()),
        },
        (Val::Rel(r), Some(k)) => match rt.graph.rel_prop(*r, k) {
            Some(v) => Ok(v),
            None if rt.graph.contains_rel(*r) => Ok(Val::Null),
            None => Err(deleted()),
        },
        _ => property(base, &key.name, rt),
    }
}

pub fn property(base: &Val, key: &str, rt: &Runtime) -> Result<Val> {
    Ok(match base {
        Val::Null => Val::Null,
        Val::Node(n) => {
            if !rt.graph.contains_node(*n) {
                return Err(deleted());
            }
            match rt.graph.key_symbol(key) {
                Some(k) => rt.graph.node_prop(*n, k).cloned().unwrap_or(Val::Null),
                None => Val::Null,
            }
        }
        Val::Rel(r) => {
            if !rt.graph.contains_rel(*r) {
                return Err(deleted());
            }
            match rt.graph.key_symbol(key) {
                Some(k) => rt.graph.rel_prop(*r, k).unwrap_or(Val::Null),
                None => Val::Null,
            }
        }
        Val::Map(m) => m.get(key).cloned().unwrap_or(Val::Null),
        Val::Temporal(t) => match t.component(key) {
            Some(ComponentValue::Int(i)) => Val::Int(i),
            Some(ComponentValue::Str(s)) => Val::str(&s),
            None => {
                return Err(type_err(format!(
                    "a {} has no component `{key}`",
                    t.type_name()
                )))
            }
        },
        other => {
            return Err(type_err(format!(
                "cannot read property `{key}` of {}",
                other.type_name()
            )))
        }
    })
}

fn index(base: &Val, idx: &Val, rt: &Runtime) -> Result<Val> {
    Ok(match (base, idx) {
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::List(items), Val::Int(i)) => {
            let len = items.len() as i64;
            let i = if *i < 0 { len + i } else { *i };
            if i < 0 || i >= len {
                Val::Null
            } else {
                items[i as usize].clone()
            }
        }
        (Val::List(_), other) => {
            return Err(type_err(format!(
                "list index must be an integer, got {}",
                other.type_name()
            )))
        }
        (Val::Map(_) | Val::Node(_) | Val::Rel(_), Val::Str(k)) => property(base, k, rt)?,
        (Val::Map(_) | Val::Node(_) | Val::Rel(_), other) => {
            return Err(Error::type_error(
                "MapElementAccessByNonString",
                format!("map key must be a string, got {}", other.type_name()),
            ))
        }
        (other, _) => return Err(type_err(format!("cannot index into {}", other.type_name()))),
    })
}

fn slice(base: &Val, from: Option<Val>, to: Option<Val>) -> Result<Val> {
    let items = match base {
        Val::Null => return Ok(Val::Null),
        Val::List(items) => items,
        other => return Err(type_err(format!("cannot slice {}", other.type_name()))),
    };
    let len = items.len() as i64;
    let bound = |v: Option<Val>, default: i64| -> Result<Option<i64>> {
        match v {
            None => Ok(Some(default)),
            Some(Val::Null) => Ok(None),
            Some(Val::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
            Some(other) => Err(type_err(format!(
                "slice bounds must be integers, got {}",
                other.type_name()
            ))),
        }
    };
    let (Some(f), Some(t)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Val::Null);
    };
    if f >= t {
        return Ok(Val::list(Vec::new()));
    }
    Ok(Val::list(items[f as usize..t as usize].to_vec()))
}

pub fn compare_op(op: BinaryOp, l: &Val, r: &Val) -> Option<bool> {
    // Two integers, the common case in filters: no dispatch on types.
    if let (Val::Int(a), Val::Int(b)) = (l, r) {
        match op {
            BinaryOp::Eq => return Some(a == b),
            BinaryOp::Ne => return Some(a != b),
            BinaryOp::Lt => return Some(a < b),
            BinaryOp::Le => return Some(a <= b),
            BinaryOp::Gt => return Some(a > b),
            BinaryOp::Ge => return Some(a >= b),
            _ => {}
        }
    }
    match op {
        BinaryOp::Eq => equals(l, r),
        BinaryOp::Ne => equals(l, r).map(|b| !b),
        _ => {
            let nan = |v: &Val| matches!(v, Val::Float(f) if f.is_nan());
            let number = |v: &Val| matches!(v, Val::Int(_) | Val::Float(_));
            if (nan(l) && number(r)) || (nan(r) && number(l)) {
                return Some(false);
            }
            let o = compare(l, r)?;
            Some(match op {
                BinaryOp::Lt => o == Ordering::Less,
                BinaryOp::Le => o != Ordering::Greater,
                BinaryOp::Gt => o == Ordering::Greater,
                BinaryOp::Ge => o != Ordering::Less,
                _ => false,
            })
        }
    }
}

fn binary(op: BinaryOp, l: &CExpr, r: &CExpr, row: &Row, rt: &mut Runtime) -> Result<Val> {
    match op {
        BinaryOp::And => {
            let a = truth(&eval(l, row, rt)?)?;
            if a == Some(false) {
                // Still type-check the right side for a clear error on non-booleans.
                let b = truth(&eval(r, row, rt)?)?;
                let _ = b;
                return Ok(Val::Bool(false));
            }
            let b = truth(&eval(r, row, rt)?)?;
            return Ok(opt_bool(match (a, b) {
                (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }));
        }
        BinaryOp::Or => {
            let a = truth(&eval(l, row, rt)?)?;
            let b = truth(&eval(r, row, rt)?)?;
            return Ok(opt_bool(match (a, b) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }));
        }
        BinaryOp::Xor => {
            let a = truth(&eval(l, row, rt)?)?;
            let b = truth(&eval(r, row, rt)?)?;
            return Ok(opt_bool(match (a, b) {
                (Some(x), Some(y)) => Some(x != y),
                _ => None,
            }));
        }
        _ => {}
    }
    let a = eval(l, row, rt)?;
    let b = eval(r, row, rt)?;
    arith(op, a, b, rt)
}

pub fn arith(op: BinaryOp, a: Val, b: Val, rt: &mut Runtime) -> Result<Val> {
    use Val::*;
    if matches!(
        op,
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div
    ) && !a.is_null()
        && !b.is_null()
    {
        if let Some(r) = crate::temporal::func::arith(op, &a, &b) {
            return r;
        }
    }
    Ok(match op {
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            opt_bool(compare_op(op, &a, &b))
        }
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (&a, &b) {
            (Str(x), Str(y)) => Bool(match op {
                BinaryOp::StartsWith => x.starts_with(&**y),
                BinaryOp::EndsWith => x.ends_with(&**y),
                _ => x.contains(&**y),
            }),
            _ => Null,
        },
        BinaryOp::Regex => match (&a, &b) {
            (Str(x), Str(pattern)) => Bool(rt.regex(pattern)?.is_match(x)),
            (Null, _) | (_, Null) => Null,
            _ => Null,
        },
        BinaryOp::In => match &b {
            Null => Null,
            List(items) => {
                let mut unknown = false;
                for item in items.iter() {
                    match equals(&a, item) {
                        Some(true) => return Ok(Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown {
                    Null
                } else {
                    Bool(false)
                }
            }
            other => {
                return Err(type_err(format!(
                    "IN expects a list, got {}",
                    other.type_name()
                )))
            }
        },
        BinaryOp::Add => match (a, b) {
            (Null, _) | (_, Null) => Null,
            (Str(x), Str(y)) if x.len() + y.len() > rt.limits.max_list_len => {
                return Err(too_long("string of", x.len() + y.len(), "bytes", rt))
            }
            (List(x), List(y)) if x.len() + y.len() > rt.limits.max_list_len => {
                return Err(too_long("list of", x.len() + y.len(), "elements", rt))
            }
            (List(x), _) | (_, List(x)) if x.len() >= rt.limits.max_list_len => {
                return Err(too_long("list of", x.len() + 1, "elements", rt))
            }
            (Int(x), Int(y)) => Int(x.checked_add(y).ok_or_else(overflow)?),
            (Int(x), Float(y)) => Float(x as f64 + y),
            (Float(x), Int(y)) => Float(x + y as f64),
            (Float(x), Float(y)) => Float(x + y),
            (Str(x), Str(y)) => Val::str(&format!("{x}{y}")),
            (Str(x), y @ (Int(_) | Float(_) | Bool(_))) => {
                Val::str(&format!("{x}{}", super::functions::to_string_scalar(&y)))
            }
            (x @ (Int(_) | Float(_) | Bool(_)), Str(y)) => {
                Val::str(&format!("{}{y}", super::functions::to_string_scalar(&x)))
            }
            (List(x), List(y)) => {
                let mut v = (*x).clone();
                v.extend(y.iter().cloned());
                Val::list(v)
            }
            (List(x), y) => {
                let mut v = (*x).clone();
                v.push(y);
                Val::list(v)
            }
            (x, List(y)) => {
                let mut v = Vec::with_capacity(y.len() + 1);
                v.push(x);
                v.extend(y.iter().cloned());
                Val::list(v)
            }
            (x, y) => {
                return Err(type_err(format!(
                    "cannot add {} and {}",
                    x.type_name(),
                    y.type_name()
                )))
            }
        },
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
            match (a, b) {
                (Null, _) | (_, Null) => Null,
                (Int(x), Int(y)) => match op {
                    BinaryOp::Sub => Int(x.checked_sub(y).ok_or_else(overflow)?),
                    BinaryOp::Mul => Int(x.checked_mul(y).ok_or_else(overflow)?),
                    BinaryOp::Div => {
                        if y == 0 {
                            return Err(Error::arithmetic("DivisionByZero", "/ by zero"));
                        }
                        Int(x.checked_div(y).ok_or_else(overflow)?)
                    }
                    BinaryOp::Mod => {
                        if y == 0 {
                            return Err(Error::arithmetic("DivisionByZero", "% by zero"));
                        }
                        Int(x.checked_rem(y).unwrap_or(0))
                    }
                    _ => Float((x as f64).powf(y as f64)),
                },
                (x @ (Int(_) | Float(_)), y @ (Int(_) | Float(_))) => {
                    let x = as_f64(&x);
                    let y = as_f64(&y);
                    Float(match op {
                        BinaryOp::Sub => x - y,
                        BinaryOp::Mul => x * y,
                        BinaryOp::Div => x / y,
                        BinaryOp::Mod => x % y,
                        _ => x.powf(y),
                    })
                }
                (x, y) => {
                    return Err(type_err(format!(
                        "cannot apply an arithmetic operator to {} and {}",
                        x.type_name(),
                        y.type_name()
                    )))
                }
            }
        }
        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => unreachable!("handled by binary()"),
    })
}

fn as_f64(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => f64::NAN,
    }
}
