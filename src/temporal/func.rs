//! The temporal functions of openCypher as the engine calls them: the constructors
//! (`date(…)`, `datetime(…)`, …) and their clock variants (`date.statement()`, …),
//! `*.truncate`, `datetime.fromepoch[millis]`, `duration.between` and `duration.in*`,
//! plus the arithmetic operators on temporal operands.

use super::build::{self, type_err, value_err};
use super::duration::{self, BetweenUnit};
use super::{zone, Temporal, TemporalKind};
use crate::error::Result;
use crate::val::Val;
use std::sync::Arc;

/// Which clock a `*.transaction()` / `*.statement()` / `*.realtime()` call reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    Transaction,
    Statement,
    Realtime,
}

/// A temporal function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemporalFn {
    /// `date(x)`, `duration(x)`, …; without an argument the statement's current value.
    Construct(TemporalKind),
    /// `date.statement(tz?)` and friends.
    Now(TemporalKind, Clock),
    /// `date.truncate(unit, value, map?)` and friends.
    Truncate(TemporalKind),
    /// `datetime.fromepoch(seconds, nanoseconds)`.
    FromEpoch,
    /// `datetime.fromepochmillis(milliseconds)`.
    FromEpochMillis,
    /// `duration.between`, `duration.inMonths`, `duration.inDays`, `duration.inSeconds`.
    Between(BetweenUnit),
}

impl TemporalFn {
    /// Looks a temporal function up by its lowercased name; returns it with its minimum
    /// and maximum argument counts.
    pub fn lookup(name: &str) -> Option<(TemporalFn, usize, usize)> {
        use TemporalKind as K;
        let kind = |s: &str| {
            Some(match s {
                "date" => K::Date,
                "localtime" => K::LocalTime,
                "time" => K::Time,
                "localdatetime" => K::LocalDateTime,
                "datetime" => K::DateTime,
                "duration" => K::Duration,
                _ => return None,
            })
        };
        let (base, member) = match name.split_once('.') {
            Some((b, m)) => (b, Some(m)),
            None => (name, None),
        };
        let k = kind(base)?;
        Some(match (k, member) {
            (_, None) => (TemporalFn::Construct(k), 0, 1),
            (K::Duration, Some("between")) => (TemporalFn::Between(BetweenUnit::All), 2, 2),
            (K::Duration, Some("inmonths")) => (TemporalFn::Between(BetweenUnit::Months), 2, 2),
            (K::Duration, Some("indays")) => (TemporalFn::Between(BetweenUnit::Days), 2, 2),
            (K::Duration, Some("inseconds")) => (TemporalFn::Between(BetweenUnit::Seconds), 2, 2),
            (K::Duration, Some(_)) => return None,
            (K::DateTime, Some("fromepoch")) => (TemporalFn::FromEpoch, 2, 2),
            (K::DateTime, Some("fromepochmillis")) => (TemporalFn::FromEpochMillis, 1, 1),
            (_, Some("transaction")) => (TemporalFn::Now(k, Clock::Transaction), 0, 1),
            (_, Some("statement")) => (TemporalFn::Now(k, Clock::Statement), 0, 1),
            (_, Some("realtime")) => (TemporalFn::Now(k, Clock::Realtime), 0, 1),
            (_, Some("truncate")) => (TemporalFn::Truncate(k), 2, 3),
            _ => return None,
        })
    }

    /// True when two calls with the same arguments may differ.
    pub fn is_volatile(self) -> bool {
        matches!(self, TemporalFn::Now(_, Clock::Realtime))
    }
}

/// Wraps a temporal value.
pub fn val(t: Temporal) -> Val {
    Val::Temporal(Arc::new(t))
}

fn zone_arg(v: Option<&Val>) -> Result<Option<zone::Zone>> {
    match v {
        None => Ok(Some(build::default_zone())),
        Some(Val::Null) => Ok(None),
        Some(Val::Str(s)) => Ok(Some(zone::parse_zone(s).map_err(value_err)?)),
        Some(other) => Err(type_err(format!(
            "a time zone must be a string, not {}",
            other.type_name()
        ))),
    }
}

fn temporal_arg<'a>(what: &str, v: &'a Val) -> Result<&'a Temporal> {
    match v {
        Val::Temporal(t) => Ok(t),
        other => Err(type_err(format!(
            "{what} needs a temporal value, not {}",
            other.type_name()
        ))),
    }
}

fn int_arg(what: &str, v: &Val) -> Result<Option<i64>> {
    match v {
        Val::Int(i) => Ok(Some(*i)),
        Val::Null => Ok(None),
        other => Err(type_err(format!(
            "{what} needs an integer, not {}",
            other.type_name()
        ))),
    }
}

/// Calls a temporal function.
pub fn call(f: TemporalFn, args: &[Val]) -> Result<Val> {
    match f {
        TemporalFn::Construct(kind) => match args.first() {
            None => now(kind, build::statement_instant(), None),
            Some(Val::Null) => Ok(Val::Null),
            Some(Val::Str(s)) => {
                let t = super::parse::parse(kind, s, &build::default_zone()).map_err(value_err)?;
                Ok(val(t))
            }
            // `{timezone: …}` alone: the statement's current value in that zone.
            Some(Val::Map(m))
                if kind != TemporalKind::Duration
                    && m.len() == 1
                    && m.keys().all(|k| k.eq_ignore_ascii_case("timezone")) =>
            {
                now(kind, build::statement_instant(), m.values().next())
            }
            Some(Val::Map(m)) => Ok(val(build::from_map(kind, m)?)),
            Some(Val::Temporal(t)) => Ok(val(build::select(kind, t)?)),
            Some(other) => Err(type_err(format!(
                "{}() cannot take {} as its argument",
                kind.function_name(),
                other.type_name()
            ))),
        },
        TemporalFn::Now(kind, clock) => {
            if kind == TemporalKind::Duration {
                return Err(value_err("a duration has no current value"));
            }
            let instant = match clock {
                Clock::Realtime => build::now_instant(),
                Clock::Statement | Clock::Transaction => build::statement_instant(),
            };
            now(kind, instant, args.first())
        }
        TemporalFn::Truncate(kind) => {
            let unit = match &args[0] {
                Val::Str(s) => s.clone(),
                Val::Null => return Ok(Val::Null),
                other => {
                    return Err(type_err(format!(
                        "truncate needs a unit string, not {}",
                        other.type_name()
                    )))
                }
            };
            if args[1].is_null() {
                return Ok(Val::Null);
            }
            let t = temporal_arg("truncate", &args[1])?;
            let map = match args.get(2) {
                None | Some(Val::Null) => None,
                Some(Val::Map(m)) => Some(&**m),
                Some(other) => {
                    return Err(type_err(format!(
                        "truncate needs a map of components, not {}",
                        other.type_name()
                    )))
                }
            };
            Ok(val(build::truncate(kind, &unit, t, map)?))
        }
        TemporalFn::FromEpoch => {
            let (Some(s), Some(n)) = (
                int_arg("datetime.fromepoch", &args[0])?,
                int_arg("datetime.fromepoch", &args[1])?,
            ) else {
                return Ok(Val::Null);
            };
            let instant = s as i128 * super::NANOS_PER_SECOND as i128 + n as i128;
            now(TemporalKind::DateTime, instant, None)
        }
        TemporalFn::FromEpochMillis => {
            let Some(ms) = int_arg("datetime.fromepochmillis", &args[0])? else {
                return Ok(Val::Null);
            };
            now(TemporalKind::DateTime, ms as i128 * 1_000_000, None)
        }
        TemporalFn::Between(unit) => {
            if args[0].is_null() || args[1].is_null() {
                return Ok(Val::Null);
            }
            let a = temporal_arg("duration.between", &args[0])?;
            let b = temporal_arg("duration.between", &args[1])?;
            let d = duration::between(a, b, unit).map_err(value_err)?;
            Ok(val(Temporal::Duration(d)))
        }
    }
}

fn now(kind: TemporalKind, instant: i128, tz: Option<&Val>) -> Result<Val> {
    let Some(zone) = zone_arg(tz)? else {
        return Ok(Val::Null);
    };
    Ok(val(build::at_instant(kind, instant, &zone)?))
}

/// The arithmetic operators on temporal operands: `t + d`, `d + t`, `t - d`, `d ± d`,
/// `d * n`, `n * d`, `d / n`. None when neither operand is temporal; a type error for
/// other combinations that involve one.
pub fn arith(op: crate::ast::BinaryOp, a: &Val, b: &Val) -> Option<Result<Val>> {
    use crate::ast::BinaryOp as B;
    let (ta, tb) = (as_temporal(a), as_temporal(b));
    if (ta.is_none() && tb.is_none()) || matches!(a, Val::List(_)) || matches!(b, Val::List(_)) {
        return None;
    }
    let bad = || {
        Err(type_err(format!(
            "cannot apply {op:?} to {} and {}",
            a.type_name(),
            b.type_name()
        )))
    };
    let out = |r: std::result::Result<Temporal, String>| Some(r.map(val).map_err(value_err));
    match (op, ta, tb) {
        (B::Add, Some(t), Some(Temporal::Duration(d))) => out(duration::add_to(t, d, false)),
        (B::Add, Some(Temporal::Duration(d)), Some(t)) => out(duration::add_to(t, d, false)),
        (B::Sub, Some(t), Some(Temporal::Duration(d))) => out(duration::add_to(t, d, true)),
        (B::Mul, Some(Temporal::Duration(d)), None)
        | (B::Mul, None, Some(Temporal::Duration(d))) => {
            let n = if ta.is_some() { b } else { a };
            match n {
                Val::Int(i) => out(d.mul_int(*i).map(Temporal::Duration)),
                Val::Float(x) => out(d.mul_float(*x).map(Temporal::Duration)),
                _ => Some(bad()),
            }
        }
        (B::Div, Some(Temporal::Duration(d)), None) => match b {
            Val::Int(i) => out(d.div(*i as f64).map(Temporal::Duration)),
            Val::Float(x) => out(d.div(*x).map(Temporal::Duration)),
            _ => Some(bad()),
        },
        _ => Some(bad()),
    }
}

fn as_temporal(v: &Val) -> Option<&Temporal> {
    match v {
        Val::Temporal(t) => Some(t),
        _ => None,
    }
}
