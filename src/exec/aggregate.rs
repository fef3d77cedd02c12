//! Aggregate accumulators: count, sum, avg, min, max, collect, percentiles and standard
//! deviations, with DISTINCT handled by an equivalence-keyed set and nulls ignored.

use super::compare::{order, EquivKey};
use crate::error::{Error, Result};
use crate::plan::expr::AggFn;
use crate::val::Val;
use rustc_hash::FxHashSet;
use std::cmp::Ordering;

/// The running state of one aggregate for one group.
#[derive(Debug, Clone)]
pub struct Acc {
    func: AggFn,
    seen: Option<FxHashSet<EquivKey>>,
    /// DISTINCT over nodes and relationships: their ids (tagged), without building keys.
    seen_elements: ElementSet,
    count: i64,
    int_sum: i64,
    float_sum: f64,
    is_float: bool,
    overflowed: bool,
    best: Option<Val>,
    values: Vec<Val>,
    floats: Vec<f64>,
    percentile: Option<f64>,
}

impl Acc {
    pub fn new(func: AggFn, distinct: bool) -> Acc {
        Acc {
            func,
            seen: distinct.then(FxHashSet::default),
            seen_elements: ElementSet::default(),
            count: 0,
            int_sum: 0,
            float_sum: 0.0,
            is_float: false,
            overflowed: false,
            best: None,
            values: Vec::new(),
            floats: Vec::new(),
            percentile: None,
        }
    }

    /// How many values it holds in memory (collect, percentiles, DISTINCT sets).
    pub fn held(&self) -> usize {
        self.values.len()
            + self.floats.len()
            + self.seen_elements.len()
            + self.seen.as_ref().map_or(0, |s| s.len())
    }

    /// Whether `v` replaces the current min()/max() (strictly smaller/greater: on ties
    /// the first value seen stays).
    fn beats_best(&self, v: &Val) -> bool {
        match &self.best {
            None => true,
            Some(b) => {
                let o = order(v, b);
                if self.func == AggFn::Min {
                    o == Ordering::Less
                } else {
                    o == Ordering::Greater
                }
            }
        }
    }

    /// Folds in the state of the same aggregate over a later part of the input (parallel
    /// partitions, merged in input order). Not for DISTINCT aggregates.
    pub fn merge(&mut self, other: Acc) {
        self.count += other.count;
        match self.int_sum.checked_add(other.int_sum) {
            Some(s) => self.int_sum = s,
            None => self.overflowed = true,
        }
        self.overflowed |= other.overflowed;
        self.float_sum += other.float_sum;
        self.is_float |= other.is_float;
        if let Some(b) = other.best {
            if self.beats_best(&b) {
                self.best = Some(b);
            }
        }
        self.values.extend(other.values);
        self.floats.extend(other.floats);
        if self.percentile.is_none() {
            self.percentile = other.percentile;
        }
    }

    /// Adds one input value given by reference: count, sum, avg, min and max without
    /// DISTINCT read it in place (min and max clone only a new best); others clone it.
    pub fn add_ref(&mut self, v: &Val) -> Result<()> {
        if self.seen.is_some() {
            return self.add(Some(v.clone()), None);
        }
        match (self.func, v) {
            (_, Val::Null) => Ok(()),
            (AggFn::Count, _) => {
                self.count += 1;
                Ok(())
            }
            (AggFn::Sum | AggFn::Avg, Val::Int(_) | Val::Float(_)) => {
                self.add(Some(v.clone()), None)
            }
            (AggFn::Min | AggFn::Max, _) => {
                if self.beats_best(v) {
                    self.best = Some(v.clone());
                }
                Ok(())
            }
            _ => self.add(Some(v.clone()), None),
        }
    }

    /// Adds one input value (`None` for count(*)).
    pub fn add(&mut self, v: Option<Val>, extra: Option<Val>) -> Result<()> {
        let v = match v {
            None => {
                self.count += 1;
                return Ok(());
            }
            Some(Val::Null) => return Ok(()),
            Some(v) => v,
        };
        if let Some(seen) = &mut self.seen {
            let new = match &v {
                Val::Node(n) => self.seen_elements.insert(n.0 << 1),
                Val::Rel(r) => self.seen_elements.insert((r.0 << 1) | 1),
                other => seen.insert(EquivKey(vec![other.clone()])),
            };
            if !new {
                return Ok(());
            }
        }
        match self.func {
            AggFn::CountStar | AggFn::Count => self.count += 1,
            AggFn::Sum | AggFn::Avg => {
                self.count += 1;
                match v {
                    Val::Int(i) => {
                        self.float_sum += i as f64;
                        match self.int_sum.checked_add(i) {
                            Some(s) => self.int_sum = s,
                            None => self.overflowed = true,
                        }
                    }
                    Val::Float(f) => {
                        self.is_float = true;
                        self.float_sum += f;
                    }
                    other => {
                        return Err(Error::type_error(
                            "InvalidArgumentType",
                            format!("sum()/avg() need numbers, got {}", other.type_name()),
                        ))
                    }
                }
            }
            AggFn::Min | AggFn::Max => {
                if self.beats_best(&v) {
                    self.best = Some(v);
                }
            }
            AggFn::Collect => self.values.push(v),
            AggFn::PercentileCont | AggFn::PercentileDisc | AggFn::StDev | AggFn::StDevP => {
                let f = match v {
                    Val::Int(i) => i as f64,
                    Val::Float(f) => f,
                    other => {
                        return Err(Error::type_error(
                            "InvalidArgumentType",
                            format!("expected a number, got {}", other.type_name()),
                        ))
                    }
                };
                self.floats.push(f);
                if self.func == AggFn::PercentileDisc {
                    self.values.push(v);
                }
                if let Some(p) = extra {
                    let p = match p {
                        Val::Int(i) => i as f64,
                        Val::Float(f) => f,
                        _ => {
                            return Err(Error::argument(
                                "InvalidArgumentType",
                                "percentile must be a number",
                            ))
                        }
                    };
                    if !(0.0..=1.0).contains(&p) {
                        return Err(Error::argument(
                            "NumberOutOfRange",
                            "percentile must be between 0.0 and 1.0",
                        ));
                    }
                    self.percentile = Some(p);
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<Val> {
        Ok(match self.func {
            AggFn::CountStar | AggFn::Count => Val::Int(self.count),
            AggFn::Sum => {
                if self.is_float {
                    Val::Float(self.float_sum)
                } else if self.overflowed {
                    return Err(Error::arithmetic("IntegerOverflow", "sum() overflowed"));
                } else {
                    Val::Int(self.int_sum)
                }
            }
            AggFn::Avg => {
                if self.count == 0 {
                    Val::Null
                } else {
                    Val::Float(self.float_sum / self.count as f64)
                }
            }
            AggFn::Min | AggFn::Max => self.best.unwrap_or(Val::Null),
            AggFn::Collect => Val::list(self.values),
            AggFn::PercentileCont | AggFn::PercentileDisc => {
                if self.floats.is_empty() {
                    return Ok(Val::Null);
                }
                let mut v = self.floats;
                v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
                let p = self.percentile.unwrap_or(0.5);
                if self.func == AggFn::PercentileDisc {
                    // The element itself, keeping its type (an integer stays an integer).
                    let mut vals = self.values;
                    vals.sort_by(order);
                    let idx = if p == 0.0 {
                        0
                    } else {
                        ((p * vals.len() as f64).ceil() as usize).saturating_sub(1)
                    };
                    vals.swap_remove(idx.min(vals.len() - 1))
                } else {
                    let pos = p * (v.len() - 1) as f64;
                    let lo = pos.floor() as usize;
                    let hi = pos.ceil() as usize;
                    Val::Float(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
                }
            }
            AggFn::StDev | AggFn::StDevP => {
                let n = self.floats.len();
                let denom = if self.func == AggFn::StDev {
                    n.saturating_sub(1)
                } else {
                    n
                };
                if n == 0 || denom == 0 {
                    return Ok(Val::Float(0.0));
                }
                let mean = self.floats.iter().sum::<f64>() / n as f64;
                let var =
                    self.floats.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denom as f64;
                Val::Float(var.sqrt())
            }
        })
    }
}

/// The distinct nodes and relationships a DISTINCT aggregate has seen, as keys `id << 1 |
/// is_rel`. Small sets hash; once a set is large relative to its key range (ids are dense)
/// it moves to a bitmap over the keys, an eighth of a byte per key instead of about 16
/// bytes per member and no hashing. Every key is in exactly one of the two.
#[derive(Debug, Clone, Default)]
struct ElementSet {
    bits: Vec<u64>,
    hash: FxHashSet<u64>,
    len: usize,
}

/// Members before a set considers the bitmap.
const BITMAP_MIN_MEMBERS: usize = 1024;
/// The bitmap may take at most this many bytes per member.
const BITMAP_BYTES_PER_MEMBER: usize = 16;

impl ElementSet {
    fn len(&self) -> usize {
        self.len
    }

    /// Adds `k`; false if it was there.
    fn insert(&mut self, k: u64) -> bool {
        let w = (k / 64) as usize;
        if w >= self.bits.len() && self.len >= BITMAP_MIN_MEMBERS {
            let words = (w + 1).max(self.bits.len() * 2);
            if words * 8 <= BITMAP_BYTES_PER_MEMBER * (self.len + 1) {
                self.grow(words);
            }
        }
        let new = if w < self.bits.len() {
            let had = self.bits[w] & (1 << (k % 64)) != 0;
            self.bits[w] |= 1 << (k % 64);
            !had
        } else {
            self.hash.insert(k)
        };
        self.len += usize::from(new);
        new
    }

    /// Extends the bitmap to `words` words, moving the hashed keys it now covers.
    fn grow(&mut self, words: usize) {
        self.bits.resize(words, 0);
        let limit = words as u64 * 64;
        let bits = &mut self.bits;
        self.hash.retain(|&k| {
            if k < limit {
                bits[(k / 64) as usize] |= 1 << (k % 64);
                false
            } else {
                true
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_set_counts_each_key_once_across_hash_and_bitmap() {
        let mut s = ElementSet::default();
        let mut model = std::collections::HashSet::new();
        // Dense keys (move to the bitmap), a far key (stays hashed), and repeats.
        let keys = (0..5000u64)
            .map(|i| (i * 7919) % 6000)
            .chain([1 << 40, 3, 1 << 40, 5999, 6001]);
        for k in keys {
            assert_eq!(s.insert(k), model.insert(k), "key {k}");
            assert_eq!(s.len(), model.len());
        }
        assert!(!s.bits.is_empty(), "dense keys use the bitmap");
        assert!(s.hash.contains(&(1 << 40)), "a far key stays hashed");
    }
}
