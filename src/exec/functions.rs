//! The built-in scalar functions: graph accessors (id, labels, type, nodes, …), list,
//! string, numeric and conversion functions, with openCypher's null propagation.

use super::Runtime;
use crate::error::{Error, Result};
use crate::plan::expr::Function;
use crate::val::{MapVal, NodeId, RelId, Val};
use crate::value::format_float;

/// toString of a scalar as Cypher prints it (floats keep a point).
pub fn to_string_scalar(v: &Val) -> String {
    match v {
        Val::Int(i) => i.to_string(),
        Val::Float(f) => format_float(*f),
        Val::Bool(b) => b.to_string(),
        Val::Str(s) => s.to_string(),
        Val::Temporal(t) => t.to_string(),
        _ => String::new(),
    }
}

fn arg_err(f: Function, v: &Val) -> Error {
    let name = match f {
        Function::Resolve => "kg.resolve".to_string(),
        Function::ResolveAll => "kg.resolveAll".to_string(),
        other => format!("{other:?}"),
    };
    Error::type_error(
        "InvalidArgumentValue",
        format!("{name}() cannot take {} as its argument", v.type_name()),
    )
}

fn deleted() -> Error {
    Error::entity_not_found("the entity was deleted earlier in this query")
}

fn int_arg(f: Function, v: &Val) -> Result<Option<i64>> {
    match v {
        Val::Int(i) => Ok(Some(*i)),
        Val::Null => Ok(None),
        other => Err(arg_err(f, other)),
    }
}

fn num(f: Function, v: &Val) -> Result<Option<f64>> {
    match v {
        Val::Int(i) => Ok(Some(*i as f64)),
        Val::Float(x) => Ok(Some(*x)),
        Val::Null => Ok(None),
        other => Err(arg_err(f, other)),
    }
}

fn parse_int_text(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i);
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    let f = t.parse::<f64>().ok()?;
    if f.is_finite() && f.abs() < 9.2e18 {
        Some(f.trunc() as i64)
    } else {
        None
    }
}

pub fn call(f: Function, args: Vec<Val>, rt: &mut Runtime) -> Result<Val> {
    use Function as F;
    let a0 = args.first().cloned().unwrap_or(Val::Null);
    if let (F::Resolve | F::ResolveAll, Val::Str(name)) = (f, &a0) {
        let index = rt
            .aliases
            .get_or_insert_with(|| crate::aliases::AliasIndex::build(&rt.graph));
        return Ok(if f == F::Resolve {
            index.resolve(name).map(Val::Node).unwrap_or(Val::Null)
        } else {
            Val::list(index.resolve_all(name).into_iter().map(Val::Node).collect())
        });
    }
    let g = &*rt.graph;
    Ok(match f {
        F::Coalesce => args.into_iter().find(|v| !v.is_null()).unwrap_or(Val::Null),
        F::E => Val::Float(std::f64::consts::E),
        F::Pi => Val::Float(std::f64::consts::PI),
        F::Rand => Val::Float(rt.rand()),
        F::Timestamp => Val::Int(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0),
        ),
        F::Temporal(t) => crate::temporal::func::call(t, &args)?,
        F::Lineage => lineage(&args),
        _ if a0.is_null() && !matches!(f, F::Range | F::ValueType) => Val::Null,
        F::Resolve | F::ResolveAll => return Err(arg_err(f, &a0)),
        F::Id => match a0 {
            Val::Node(n) => Val::Int(n.0 as i64),
            Val::Rel(r) => Val::Int(r.0 as i64),
            other => return Err(arg_err(f, &other)),
        },
        F::ElementId => match a0 {
            Val::Node(n) => Val::str(&format!("n{}", n.0)),
            Val::Rel(r) => Val::str(&format!("r{}", r.0)),
            other => return Err(arg_err(f, &other)),
        },
        F::Labels => match a0 {
            Val::Node(n) => {
                if !g.contains_node(n) {
                    return Err(deleted());
                }
                Val::list(
                    g.node_labels(n)
                        .iter()
                        .map(|l| Val::Str(g.label_value(*l).clone()))
                        .collect(),
                )
            }
            other => return Err(arg_err(f, &other)),
        },
        F::Type => match a0 {
            Val::Rel(r) => match g.rel_type(r) {
                Some(t) => Val::Str(g.type_value(t).clone()),
                None => return Err(deleted()),
            },
            other => return Err(arg_err(f, &other)),
        },
        F::Keys => match a0 {
            Val::Map(m) => Val::list(m.keys().map(|k| Val::str(k)).collect()),
            // The interned key names as string values, not a copy of each name.
            Val::Node(n) => {
                if !g.contains_node(n) {
                    return Err(deleted());
                }
                let keys = g.node_props(n).iter().map(|(k, _)| *k);
                Val::list(keys.map(|k| Val::Str(g.key_value(k).clone())).collect())
            }
            Val::Rel(r) => {
                if !g.contains_rel(r) {
                    return Err(deleted());
                }
                let keys = g.rel_props(r).into_iter().map(|(k, _)| k);
                Val::list(keys.map(|k| Val::Str(g.key_value(k).clone())).collect())
            }
            other => return Err(arg_err(f, &other)),
        },
        F::Properties => match a0 {
            v @ (Val::Map(_) | Val::Node(_) | Val::Rel(_)) => {
                let m: MapVal = super::expr::all_properties(&v, rt)?.into_iter().collect();
                Val::map(m)
            }
            other => return Err(arg_err(f, &other)),
        },
        F::StartNode | F::EndNode => match a0 {
            Val::Rel(r) => match g.rel_endpoints(r) {
                Some((s, e)) => Val::Node(if f == F::StartNode { s } else { e }),
                None => return Err(deleted()),
            },
            other => return Err(arg_err(f, &other)),
        },
        F::Nodes => match a0 {
            Val::Path(p) => Val::list(p.nodes.iter().map(|n| Val::Node(*n)).collect()),
            other => return Err(arg_err(f, &other)),
        },
        F::Relationships => match a0 {
            Val::Path(p) => Val::list(p.rels.iter().map(|r| Val::Rel(*r)).collect()),
            other => return Err(arg_err(f, &other)),
        },
        F::Length => match a0 {
            Val::Path(p) => Val::Int(p.rels.len() as i64),
            Val::Str(s) => Val::Int(s.chars().count() as i64),
            Val::List(l) => Val::Int(l.len() as i64),
            other => return Err(arg_err(f, &other)),
        },
        F::Size | F::CharLength => match a0 {
            Val::Str(s) => Val::Int(s.chars().count() as i64),
            Val::List(l) if f == F::Size => Val::Int(l.len() as i64),
            other => return Err(arg_err(f, &other)),
        },
        F::IsEmpty => match a0 {
            Val::Str(s) => Val::Bool(s.is_empty()),
            Val::List(l) => Val::Bool(l.is_empty()),
            Val::Map(m) => Val::Bool(m.is_empty()),
            other => return Err(arg_err(f, &other)),
        },
        F::Head => match a0 {
            Val::List(l) => l.first().cloned().unwrap_or(Val::Null),
            other => return Err(arg_err(f, &other)),
        },
        F::Last => match a0 {
            Val::List(l) => l.last().cloned().unwrap_or(Val::Null),
            other => return Err(arg_err(f, &other)),
        },
        F::Tail => match a0 {
            Val::List(l) => Val::list(l.iter().skip(1).cloned().collect()),
            other => return Err(arg_err(f, &other)),
        },
        F::Reverse => match a0 {
            Val::List(l) => Val::list(l.iter().rev().cloned().collect()),
            Val::Str(s) => Val::str(&s.chars().rev().collect::<String>()),
            other => return Err(arg_err(f, &other)),
        },
        F::Range => {
            let range_arg = |v: &Val| match v {
                Val::Int(i) => Ok(Some(*i)),
                Val::Null => Ok(None),
                other => Err(Error::argument(
                    "InvalidArgumentType",
                    format!("range() needs integers, got {}", other.type_name()),
                )),
            };
            let start = range_arg(&a0)?;
            let end = range_arg(args.get(1).unwrap_or(&Val::Null))?;
            let step = match args.get(2) {
                Some(s) => range_arg(s)?,
                None => Some(1),
            };
            let (Some(start), Some(end), Some(step)) = (start, end, step) else {
                return Ok(Val::Null);
            };
            if step == 0 {
                return Err(Error::argument(
                    "NumberOutOfRange",
                    "range() step must not be zero",
                ));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                ((end as i128 - start as i128) / step as i128 + 1) as u128
            };
            if count > rt.limits.max_list_len as u128 {
                return Err(Error::transient(
                    "MemoryLimitExceeded",
                    format!(
                        "range() would produce {count} elements, more than the limit of {}",
                        rt.limits.max_list_len
                    ),
                ));
            }
            let mut out = Vec::with_capacity(count as usize);
            let mut x = start as i128;
            for _ in 0..count {
                out.push(Val::Int(x as i64));
                x += step as i128;
            }
            Val::list(out)
        }
        F::ToString | F::ToStringOrNull => match a0 {
            v @ (Val::Int(_) | Val::Float(_) | Val::Bool(_) | Val::Str(_) | Val::Temporal(_)) => {
                Val::str(&to_string_scalar(&v))
            }
            _ if f == F::ToStringOrNull => Val::Null,
            other => return Err(arg_err(f, &other)),
        },
        F::ToInteger | F::ToIntegerOrNull => match a0 {
            Val::Int(i) => Val::Int(i),
            Val::Float(x) => {
                if x.is_finite() && x.abs() < 9.2e18 {
                    Val::Int(x.trunc() as i64)
                } else {
                    Val::Null
                }
            }
            Val::Str(s) => parse_int_text(&s).map(Val::Int).unwrap_or(Val::Null),
            Val::Bool(b) => Val::Int(b as i64),
            _ if f == F::ToIntegerOrNull => Val::Null,
            other => return Err(arg_err(f, &other)),
        },
        F::ToFloat | F::ToFloatOrNull => match a0 {
            Val::Int(i) => Val::Float(i as f64),
            Val::Float(x) => Val::Float(x),
            Val::Str(s) => s.trim().parse::<f64>().map(Val::Float).unwrap_or(Val::Null),
            _ if f == F::ToFloatOrNull => Val::Null,
            other => return Err(arg_err(f, &other)),
        },
        F::ToBoolean | F::ToBooleanOrNull => match a0 {
            Val::Bool(b) => Val::Bool(b),
            Val::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Val::Bool(true),
                "false" => Val::Bool(false),
                _ => Val::Null,
            },
            Val::Int(i) => Val::Bool(i != 0),
            _ if f == F::ToBooleanOrNull => Val::Null,
            other => return Err(arg_err(f, &other)),
        },
        F::ToIntegerList | F::ToFloatList | F::ToStringList | F::ToBooleanList => match a0 {
            Val::List(items) => {
                let inner = match f {
                    F::ToIntegerList => F::ToIntegerOrNull,
                    F::ToFloatList => F::ToFloatOrNull,
                    F::ToStringList => F::ToStringOrNull,
                    _ => F::ToBooleanOrNull,
                };
                let mut out = Vec::with_capacity(items.len());
                for i in items.iter() {
                    out.push(call(inner, vec![i.clone()], rt)?);
                }
                Val::list(out)
            }
            other => return Err(arg_err(f, &other)),
        },
        F::ToUpper | F::ToLower | F::Trim | F::LTrim | F::RTrim => match a0 {
            Val::Str(s) => Val::str(&match f {
                F::ToUpper => s.to_uppercase(),
                F::ToLower => s.to_lowercase(),
                F::Trim => s.trim().to_string(),
                F::LTrim => s.trim_start().to_string(),
                _ => s.trim_end().to_string(),
            }),
            other => return Err(arg_err(f, &other)),
        },
        F::Substring => {
            let Val::Str(s) = a0 else {
                return Err(arg_err(f, &a0));
            };
            let Some(start) = int_arg(f, &args[1])? else {
                return Ok(Val::Null);
            };
            let len = match args.get(2) {
                Some(l) => match int_arg(f, l)? {
                    Some(l) => Some(l),
                    None => return Ok(Val::Null),
                },
                None => None,
            };
            if start < 0 || len.is_some_and(|l| l < 0) {
                return Err(Error::argument(
                    "NumberOutOfRange",
                    "substring() start and length must not be negative",
                ));
            }
            let chars = s.chars().skip(start as usize);
            Val::str(&match len {
                Some(l) => chars.take(l as usize).collect::<String>(),
                None => chars.collect::<String>(),
            })
        }
        F::Left | F::Right => {
            let Val::Str(s) = a0 else {
                return Err(arg_err(f, &a0));
            };
            let Some(n) = int_arg(f, &args[1])? else {
                return Err(Error::argument(
                    "NumberOutOfRange",
                    "left()/right() length must not be null",
                ));
            };
            if n < 0 {
                return Err(Error::argument(
                    "NumberOutOfRange",
                    "left()/right() length must not be negative",
                ));
            }
            let count = s.chars().count();
            let n = (n as usize).min(count);
            Val::str(&if f == F::Left {
                s.chars().take(n).collect::<String>()
            } else {
                s.chars().skip(count - n).collect::<String>()
            })
        }
        F::Replace => {
            let (Val::Str(s), search, repl) = (&a0, &args[1], &args[2]) else {
                return Err(arg_err(f, &a0));
            };
            match (search, repl) {
                (Val::Str(a), Val::Str(b)) => Val::str(&s.replace(&**a, b)),
                (Val::Null, _) | (_, Val::Null) => Val::Null,
                (x, _) => return Err(arg_err(f, x)),
            }
        }
        F::Split => match (&a0, &args[1]) {
            (Val::Str(s), Val::Str(d)) => Val::list(if d.is_empty() {
                s.chars().map(|c| Val::str(&c.to_string())).collect()
            } else {
                s.split(&**d).map(Val::str).collect()
            }),
            (_, Val::Null) => Val::Null,
            (x, _) => return Err(arg_err(f, x)),
        },
        F::Abs => match a0 {
            Val::Int(i) => Val::Int(
                i.checked_abs()
                    .ok_or_else(|| Error::arithmetic("IntegerOverflow", "integer overflow"))?,
            ),
            Val::Float(x) => Val::Float(x.abs()),
            other => return Err(arg_err(f, &other)),
        },
        F::Sign => match a0 {
            Val::Int(i) => Val::Int(i.signum()),
            Val::Float(x) => Val::Int(if x > 0.0 {
                1
            } else if x < 0.0 {
                -1
            } else {
                0
            }),
            other => return Err(arg_err(f, &other)),
        },
        F::Round => {
            let Some(x) = num(f, &a0)? else {
                return Ok(Val::Null);
            };
            let precision = match args.get(1) {
                Some(p) => match int_arg(f, p)? {
                    Some(p) => p,
                    None => return Ok(Val::Null),
                },
                None => 0,
            };
            let factor = 10f64.powi(precision as i32);
            // Half away from zero... openCypher rounds half up (towards +inf).
            Val::Float(((x * factor) + 0.5).floor() / factor)
        }
        F::Floor
        | F::Ceil
        | F::Sqrt
        | F::Exp
        | F::Log
        | F::Log10
        | F::Sin
        | F::Cos
        | F::Tan
        | F::Asin
        | F::Acos
        | F::Atan
        | F::Cot
        | F::Degrees
        | F::Radians
        | F::Haversin => {
            let Some(x) = num(f, &a0)? else {
                return Ok(Val::Null);
            };
            Val::Float(match f {
                F::Floor => x.floor(),
                F::Ceil => x.ceil(),
                F::Sqrt => x.sqrt(),
                F::Exp => x.exp(),
                F::Log => x.ln(),
                F::Log10 => x.log10(),
                F::Sin => x.sin(),
                F::Cos => x.cos(),
                F::Tan => x.tan(),
                F::Asin => x.asin(),
                F::Acos => x.acos(),
                F::Atan => x.atan(),
                F::Cot => 1.0 / x.tan(),
                F::Degrees => x.to_degrees(),
                F::Radians => x.to_radians(),
                _ => (1.0 - x.cos()) / 2.0,
            })
        }
        F::Atan2 => match (num(f, &a0)?, num(f, &args[1])?) {
            (Some(y), Some(x)) => Val::Float(y.atan2(x)),
            _ => Val::Null,
        },
        F::IsNaN => match a0 {
            Val::Float(x) => Val::Bool(x.is_nan()),
            Val::Int(_) => Val::Bool(false),
            other => return Err(arg_err(f, &other)),
        },
        F::ValueType => Val::Str(crate::val::Str::from(match &a0 {
            Val::Null => "NULL",
            Val::Bool(_) => "BOOLEAN NOT NULL",
            Val::Int(_) => "INTEGER NOT NULL",
            Val::Float(_) => "FLOAT NOT NULL",
            Val::Str(_) => "STRING NOT NULL",
            Val::List(_) => "LIST<ANY> NOT NULL",
            Val::Map(_) => "MAP NOT NULL",
            Val::Node(_) => "NODE NOT NULL",
            Val::Rel(_) => "RELATIONSHIP NOT NULL",
            Val::Path(_) => "PATH NOT NULL",
            Val::Temporal(t) => match t.kind() {
                crate::temporal::TemporalKind::Date => "DATE NOT NULL",
                crate::temporal::TemporalKind::LocalTime => "LOCAL TIME NOT NULL",
                crate::temporal::TemporalKind::Time => "ZONED TIME NOT NULL",
                crate::temporal::TemporalKind::LocalDateTime => "LOCAL DATETIME NOT NULL",
                crate::temporal::TemporalKind::DateTime => "ZONED DATETIME NOT NULL",
                crate::temporal::TemporalKind::Duration => "DURATION NOT NULL",
            },
        })),
    })
}

/// The nodes and relationships in `args` (inside lists and paths too), nodes first, each
/// once, in id order.
fn lineage(args: &[Val]) -> Val {
    fn walk(v: &Val, nodes: &mut Vec<NodeId>, rels: &mut Vec<RelId>) {
        match v {
            Val::Node(n) => nodes.push(*n),
            Val::Rel(r) => rels.push(*r),
            Val::Path(p) => {
                nodes.extend(p.nodes.iter().copied());
                rels.extend(p.rels.iter().copied());
            }
            Val::List(items) => items.iter().for_each(|i| walk(i, nodes, rels)),
            _ => {}
        }
    }
    let (mut nodes, mut rels) = (Vec::new(), Vec::new());
    args.iter().for_each(|a| walk(a, &mut nodes, &mut rels));
    nodes.sort_unstable();
    nodes.dedup();
    rels.sort_unstable();
    rels.dedup();
    let mut out: Vec<Val> = nodes.into_iter().map(Val::Node).collect();
    out.extend(rels.into_iter().map(Val::Rel));
    Val::list(out)
}
