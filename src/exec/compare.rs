//! openCypher's three notions of sameness and order: equality (`=`, three-valued, null
//! propagates), comparison (`<` and friends, null across types), equivalence (DISTINCT
//! and grouping: null ≡ null, NaN ≡ NaN, 1 ≡ 1.0) with a matching hash, and the total
//! orderability used by ORDER BY.

use crate::val::Val;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// `a = b`: Some(bool), or None for null (unknown).
pub fn equals(a: &Val, b: &Val) -> Option<bool> {
    use Val::*;
    match (a, b) {
        (Null, _) | (_, Null) => None,
        (Bool(x), Bool(y)) => Some(x == y),
        (Int(x), Int(y)) => Some(x == y),
        (Float(x), Float(y)) => Some(x == y),
        (Int(x), Float(y)) | (Float(y), Int(x)) => {
            Some(int_float_cmp(*x, *y) == Some(Ordering::Equal))
        }
        (Str(x), Str(y)) => Some(x == y),
        (List(x), List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y.iter()))
        }
        (Map(x), Map(y)) => {
            if x.len() != y.len() || x.keys().zip(y.keys()).any(|(k, l)| k != l) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (Node(x), Node(y)) => Some(x == y),
        (Rel(x), Rel(y)) => Some(x == y),
        (Path(x), Path(y)) => Some(x == y),
        (Temporal(x), Temporal(y)) => Some(crate::temporal::equals(x, y)),
        _ => Some(false),
    }
}

/// Three-valued AND of pairwise equalities: false if any pair differs, else null if any
/// pair is unknown, else true.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Val, &'a Val)>) -> Option<bool> {
    let mut unknown = false;
    for (p, q) in pairs {
        match equals(p, q) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// Exact comparison of an integer with a float.
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= 9.223_372_036_854_776e18 {
        return Some(Ordering::Less);
    }
    if f < -9.223_372_036_854_776e18 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal => {
            if f > t {
                Some(Ordering::Less)
            } else if f < t {
                Some(Ordering::Greater)
            } else {
                Some(Ordering::Equal)
            }
        }
        o => Some(o),
    }
}

/// `a < b` style comparison: None when the values are not comparable (null, different
/// types, NaN) — the result of the comparison is then null.
pub fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    use Val::*;
    match (a, b) {
        (Null, _) | (_, Null) => None,
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Int(x), Float(y)) => int_float_cmp(*x, *y),
        (Float(x), Int(y)) => int_float_cmp(*y, *x).map(Ordering::reverse),
        (Str(x), Str(y)) => Some(x.cmp(y)),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (List(x), List(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                match compare(p, q) {
                    Some(Ordering::Equal) => {}
                    other => return other,
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        (Temporal(x), Temporal(y)) => crate::temporal::compare(x, y),
        _ => None,
    }
}

/// Rank of a value's type in the global sort order.
fn type_rank(v: &Val) -> u8 {
    match v {
        Val::Map(_) => 0,
        Val::Node(_) => 1,
        Val::Rel(_) => 2,
        Val::List(_) => 3,
        Val::Path(_) => 4,
        Val::Temporal(_) => 5,
        Val::Str(_) => 6,
        Val::Bool(_) => 7,
        Val::Int(_) | Val::Float(_) => 8,
        Val::Null => 9,
    }
}

/// The total order of ORDER BY (ascending): maps, nodes, relationships, lists, paths,
/// temporals (datetimes, local datetimes, dates, times, local times, durations),
/// strings, booleans, numbers (NaN last among them), then null.
pub fn order(a: &Val, b: &Val) -> Ordering {
    use Val::*;
    let (ra, rb) = (type_rank(a), type_rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Int(x), Int(y)) => x.cmp(y),
        (Float(x), Float(y)) => float_order(*x, *y),
        (Int(x), Float(y)) => {
            if y.is_nan() {
                Ordering::Less
            } else {
                int_float_cmp(*x, *y).unwrap_or(Ordering::Equal)
            }
        }
        (Float(x), Int(y)) => {
            if x.is_nan() {
                Ordering::Greater
            } else {
                int_float_cmp(*y, *x)
                    .map(Ordering::reverse)
                    .unwrap_or(Ordering::Equal)
            }
        }
        (Str(x), Str(y)) => x.cmp(y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (List(x), List(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                let o = order(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Map(x), Map(y)) => {
            for ((k1, v1), (k2, v2)) in x.iter().zip(y.iter()) {
                let o = k1.cmp(k2).then_with(|| order(v1, v2));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Node(x), Node(y)) => x.cmp(y),
        (Rel(x), Rel(y)) => x.cmp(y),
        (Path(x), Path(y)) => x.nodes.cmp(&y.nodes).then_with(|| x.rels.cmp(&y.rels)),
        (Temporal(x), Temporal(y)) => crate::temporal::order(x, y),
        _ => Ordering::Equal,
    }
}

fn float_order(x: f64, y: f64) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
    }
}

/// Equivalence: equality where null ≡ null and NaN ≡ NaN.
pub fn equivalent(a: &Val, b: &Val) -> bool {
    use Val::*;
    match (a, b) {
        (Null, Null) => true,
        (Float(x), Float(y)) if x.is_nan() && y.is_nan() => true,
        (List(x), List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equivalent(p, q))
        }
        (Map(x), Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && equivalent(v1, v2))
        }
        _ => equals(a, b) == Some(true),
    }
}

/// A hash consistent with `equivalent` (1 and 1.0 hash alike).
pub fn hash_equiv<H: Hasher>(v: &Val, h: &mut H) {
    match v {
        Val::Null => 0u8.hash(h),
        Val::Bool(b) => {
            1u8.hash(h);
            b.hash(h)
        }
        Val::Int(i) => {
            2u8.hash(h);
            i.hash(h)
        }
        Val::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                2u8.hash(h);
                (*f as i64).hash(h)
            } else if f.is_nan() {
                3u8.hash(h);
            } else {
                4u8.hash(h);
                f.to_bits().hash(h)
            }
        }
        Val::Str(s) => {
            5u8.hash(h);
            s.hash(h)
        }
        Val::List(items) => {
            6u8.hash(h);
            items.len().hash(h);
            for i in items.iter() {
                hash_equiv(i, h);
            }
        }
        Val::Map(m) => {
            7u8.hash(h);
            for (k, v) in m.iter() {
                k.hash(h);
                hash_equiv(v, h);
            }
        }
        Val::Node(n) => {
            8u8.hash(h);
            n.hash(h)
        }
        Val::Rel(r) => {
            9u8.hash(h);
            r.hash(h)
        }
        Val::Path(p) => {
            10u8.hash(h);
            p.hash(h)
        }
        Val::Temporal(t) => {
            11u8.hash(h);
            t.hash(h)
        }
    }
}

/// A row of values usable as a hash-map key under equivalence.
#[derive(Debug, Clone)]
pub struct EquivKey(pub Vec<Val>);

impl PartialEq for EquivKey {
    fn eq(&self, other: &EquivKey) -> bool {
        use std::borrow::Borrow;
        Borrow::<EquivSlice>::borrow(self) == Borrow::<EquivSlice>::borrow(other)
    }
}
impl Eq for EquivKey {}
impl Hash for EquivKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        use std::borrow::Borrow;
        Borrow::<EquivSlice>::borrow(self).hash(h)
    }
}

/// A borrowed row of values with `EquivKey`'s hashing and equivalence, so that a map keyed
/// by `EquivKey` can be probed without cloning the values.
#[derive(Debug, ref_cast::RefCast)]
#[repr(transparent)]
pub struct EquivSlice(pub [Val]);

impl PartialEq for EquivSlice {
    fn eq(&self, other: &EquivSlice) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(other.0.iter())
                .all(|(a, b)| equivalent(a, b))
    }
}
impl Eq for EquivSlice {}
impl Hash for EquivSlice {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for v in &self.0 {
            hash_equiv(v, h);
        }
    }
}
impl std::borrow::Borrow<EquivSlice> for EquivKey {
    fn borrow(&self) -> &EquivSlice {
        use ref_cast::RefCast;
        EquivSlice::ref_cast(&self.0[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_equality() {
        assert_eq!(equals(&Val::Int(1), &Val::Float(1.0)), Some(true));
        assert_eq!(equals(&Val::Int(1), &Val::Null), None);
        assert_eq!(equals(&Val::str("a"), &Val::Int(1)), Some(false));
        let l1 = Val::list(vec![Val::Int(1), Val::Null]);
        let l2 = Val::list(vec![Val::Int(2), Val::Null]);
        assert_eq!(equals(&l1, &l2), Some(false));
        assert_eq!(equals(&l1, &l1.clone()), None);
    }

    #[test]
    fn orderability_puts_null_last() {
        let mut v = [
            Val::Null,
            Val::Float(f64::NAN),
            Val::Int(2),
            Val::str("a"),
            Val::Bool(true),
        ];
        v.sort_by(order);
        assert!(matches!(v[0], Val::Str(_)));
        assert!(matches!(v[1], Val::Bool(true)));
        assert!(matches!(v[2], Val::Int(2)));
        assert!(matches!(v[3], Val::Float(_)));
        assert!(matches!(v[4], Val::Null));
    }

    #[test]
    fn large_ints_compare_exactly_with_floats() {
        assert_eq!(
            compare(&Val::Int(i64::MAX), &Val::Float(9.223_372_036_854_776e18)),
            Some(Ordering::Less)
        );
        assert!(equivalent(&Val::Int(3), &Val::Float(3.0)));
    }
}
