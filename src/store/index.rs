//! Property indexes: for one (label, property key) pair, the nodes carrying each property
//! value, kept up to date by every write (and every undo) in `Graph`. Integral floats are
//! keyed like integers, so `{id: 1.0}` finds `id: 1`.
//!
//! Most entries sit in one exactly sized array of (value, node) grouped by value (ordered
//! by the value's hash, then node): 24 bytes an entry, where a hash map at the load factors
//! it grows through took 50–70. Writes go to a small hash map beside it, and removals of
//! array entries to a bitmap; both are merged into a new array once they amount to a
//! quarter of it, so a write costs O(log n) amortised.

use super::intern::Symbol;
use crate::val::{NodeId, Val};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// A property value as an index key; lists and maps are not indexed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IndexKey {
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(crate::val::Str),
    /// Temporal values: their derived equality matches Cypher's `=`.
    Temporal(Arc<crate::temporal::Temporal>),
}

impl IndexKey {
    pub fn of(v: &Val) -> Option<IndexKey> {
        Some(match v {
            Val::Bool(b) => IndexKey::Bool(*b),
            Val::Int(i) => IndexKey::Int(*i),
            Val::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    IndexKey::Int(*f as i64)
                } else if f.is_nan() {
                    return None;
                } else {
                    IndexKey::Float(f.to_bits())
                }
            }
            Val::Str(s) => IndexKey::Str(s.clone()),
            Val::Temporal(t) => IndexKey::Temporal(t.clone()),
            _ => return None,
        })
    }
}

/// Nodes for one key: most keys in practice have exactly one node.
#[derive(Debug, Clone)]
enum Postings {
    One(NodeId),
    /// Boxed, so that a key's postings take 16 bytes, not 32 (most keys have one node;
    /// the extra allocation is paid only by keys with several).
    #[allow(clippy::box_collection)]
    Many(Box<Vec<NodeId>>),
}

impl Postings {
    fn as_slice(&self) -> &[NodeId] {
        match self {
            Postings::One(n) => std::slice::from_ref(n),
            Postings::Many(v) => v.as_slice(),
        }
    }
}

/// The hash that groups the array's entries.
#[inline]
fn key_hash(k: &IndexKey) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(k)
}

/// One property index.
#[derive(Debug, Clone)]
pub struct PropertyIndex {
    pub name: String,
    pub label: Symbol,
    pub key: Symbol,
    /// Whether this index backs a uniqueness constraint (named like the index).
    pub unique: bool,
    /// The bulk of the entries, ordered by (key hash, node).
    base: Vec<(IndexKey, NodeId)>,
    /// Positions of `base` entries since removed.
    removed: Vec<u64>,
    n_removed: usize,
    /// Entries added since `base` was built.
    delta: FxHashMap<IndexKey, Postings>,
    n_delta: usize,
    /// The numbers and the strings in order, for range seeks: built on the first one after
    /// a change.
    sorted: std::sync::OnceLock<Sorted>,
}

/// An index's numeric and string keys in order, each with its node.
#[derive(Debug, Clone, Default)]
struct Sorted {
    /// Numbers as f64 (a monotonic image of the integers: a range over it finds every
    /// node in the exact range, and maybe a few neighbours the filter then drops).
    numbers: Vec<(f64, NodeId)>,
    strings: Vec<(crate::val::Str, NodeId)>,
}

/// One end of a range seek.
#[derive(Debug, Clone, Copy)]
pub enum Bound<'a> {
    Number(f64),
    Str(&'a str),
}

/// Below this many pending changes the array is not rebuilt (few in unit tests, so that
/// they go through merges).
const MIN_MERGE: usize = if cfg!(test) { 8 } else { 4096 };

impl PropertyIndex {
    pub fn new(name: String, label: Symbol, key: Symbol) -> PropertyIndex {
        PropertyIndex {
            name,
            label,
            key,
            unique: false,
            base: Vec::new(),
            removed: Vec::new(),
            n_removed: 0,
            delta: FxHashMap::default(),
            n_delta: 0,
            sorted: std::sync::OnceLock::new(),
        }
    }

    /// Builds the index from (node, value) pairs of nodes that carry the label (at most
    /// `max` of them), in one sort; any previous content is dropped.
    pub fn build<'a>(&mut self, max: usize, entries: impl Iterator<Item = (NodeId, &'a Val)>) {
        let mut base: Vec<(IndexKey, NodeId)> = Vec::with_capacity(max);
        base.extend(entries.filter_map(|(n, v)| IndexKey::of(v).map(|k| (k, n))));
        sort_entries(&mut base);
        if base.capacity() > base.len() + base.len() / 8 {
            base.shrink_to_fit();
        }
        self.base = base;
        self.removed = Vec::new();
        self.n_removed = 0;
        self.delta = FxHashMap::default();
        self.n_delta = 0;
        self.sorted = std::sync::OnceLock::new();
    }

    /// Number of indexed nodes.
    pub fn len(&self) -> usize {
        self.base.len() - self.n_removed + self.n_delta
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Number of distinct values (counted: O(entries)).
    pub fn distinct_values(&self) -> usize {
        let mut n = self.delta.len();
        let mut seen: Vec<&IndexKey> = Vec::new();
        for run in self.hash_runs() {
            seen.clear();
            for p in run {
                let k = &self.base[p].0;
                if self.live(p) && !self.delta.contains_key(k) && !seen.contains(&k) {
                    seen.push(k);
                }
            }
            n += seen.len();
        }
        n
    }

    /// The value this index holds for a node with these labels and properties.
    pub fn value_of<'a>(&self, labels: &[Symbol], props: &'a [(Symbol, Val)]) -> Option<&'a Val> {
        if !labels.contains(&self.label) {
            return None;
        }
        props
            .binary_search_by_key(&self.key, |(k, _)| *k)
            .ok()
            .map(|i| &props[i].1)
    }

    #[inline]
    fn live(&self, pos: usize) -> bool {
        self.removed
            .get(pos / 64)
            .is_none_or(|w| w & (1u64 << (pos % 64)) == 0)
    }

    /// The runs of `base` entries with equal key hashes (equal keys are in one run; keys
    /// whose hashes collide share it, interleaved).
    fn hash_runs(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            let first = self.base.get(i)?;
            let h = key_hash(&first.0);
            let j = i + self.base[i..]
                .iter()
                .take_while(|(x, _)| key_hash(x) == h)
                .count();
            let run = i..j;
            i = j;
            Some(run)
        })
    }

    /// The positions in `base` holding key `k` (removed ones included).
    fn base_range(&self, k: &IndexKey) -> std::ops::Range<usize> {
        let h = key_hash(k);
        let from = self.base.partition_point(|(x, _)| key_hash(x) < h);
        let to = from
            + self.base[from..]
                .iter()
                .take_while(|(x, _)| key_hash(x) == h)
                .count();
        from..to
    }

    /// Adds a node's entry; for a unique index, true when another node already has the
    /// same value (not computed otherwise).
    pub fn insert(&mut self, id: NodeId, labels: &[Symbol], props: &[(Symbol, Val)]) -> bool {
        let Some(k) = self.value_of(labels, props).and_then(IndexKey::of) else {
            return false;
        };
        self.sorted = std::sync::OnceLock::new();
        let shared_in_base = self.unique
            && self
                .base_range(&k)
                .any(|p| self.live(p) && self.base[p].0 == k && self.base[p].1 != id);
        let shared = match self.delta.get_mut(&k) {
            None => {
                self.delta.insert(k, Postings::One(id));
                false
            }
            Some(p) => {
                match p {
                    Postings::One(first) => *p = Postings::Many(Box::new(vec![*first, id])),
                    Postings::Many(v) => v.push(id),
                }
                true
            }
        };
        self.n_delta += 1;
        self.maybe_merge();
        shared || shared_in_base
    }

    pub fn remove(&mut self, id: NodeId, labels: &[Symbol], props: &[(Symbol, Val)]) {
        let Some(k) = self.value_of(labels, props).and_then(IndexKey::of) else {
            return;
        };
        let in_delta = match self.delta.get_mut(&k) {
            None => None,
            Some(Postings::One(n)) => (*n == id).then_some(true),
            Some(Postings::Many(v)) => v.iter().position(|n| *n == id).map(|pos| {
                v.swap_remove(pos);
                v.is_empty()
            }),
        };
        match in_delta {
            Some(empty) => {
                if empty {
                    self.delta.remove(&k);
                }
                self.n_delta -= 1;
            }
            None => {
                let range = self.base_range(&k);
                let Some(pos) = range
                    .into_iter()
                    .find(|&p| self.base[p].1 == id && self.base[p].0 == k && self.live(p))
                else {
                    return;
                };
                if self.removed.len() <= pos / 64 {
                    self.removed.resize(pos / 64 + 1, 0);
                }
                self.removed[pos / 64] |= 1u64 << (pos % 64);
                self.n_removed += 1;
            }
        }
        self.sorted = std::sync::OnceLock::new();
        self.maybe_merge();
    }

    /// Rebuilds the array when the pending changes amount to a quarter of it.
    fn maybe_merge(&mut self) {
        let pending = self.n_delta + self.n_removed;
        if pending < MIN_MERGE.max(self.base.len() / 4) {
            return;
        }
        let mut base = Vec::with_capacity(self.len());
        let removed = std::mem::take(&mut self.removed);
        for (pos, entry) in std::mem::take(&mut self.base).into_iter().enumerate() {
            if removed
                .get(pos / 64)
                .is_none_or(|w| w & (1u64 << (pos % 64)) == 0)
            {
                base.push(entry);
            }
        }
        for (k, p) in std::mem::take(&mut self.delta) {
            for &n in p.as_slice() {
                base.push((k.clone(), n));
            }
        }
        sort_entries(&mut base);
        self.base = base;
        self.n_removed = 0;
        self.n_delta = 0;
    }

    /// Every live entry, in no particular order.
    fn for_each<'a>(&'a self, mut f: impl FnMut(&'a IndexKey, NodeId)) {
        for (pos, (k, n)) in self.base.iter().enumerate() {
            if self.live(pos) {
                f(k, *n);
            }
        }
        for (k, p) in &self.delta {
            for &n in p.as_slice() {
                f(k, n);
            }
        }
    }

    /// Two nodes sharing a value, if any, lower id first.
    pub fn first_duplicate(&self) -> Option<(NodeId, NodeId)> {
        let pair = |a: NodeId, b: NodeId| Some((a.min(b), a.max(b)));
        // A recent value: its postings, and any live array entry with the same value.
        for (k, p) in &self.delta {
            let mut nodes = p.as_slice().to_vec();
            nodes.extend(
                self.base_range(k)
                    .filter(|&q| self.live(q) && self.base[q].0 == *k)
                    .map(|q| self.base[q].1),
            );
            if let [a, b, ..] = nodes[..] {
                return pair(a, b);
            }
        }
        // Two live array entries with the same value sit in one run of equal hashes.
        for run in self.hash_runs() {
            for a in run.clone().filter(|&a| self.live(a)) {
                let k = &self.base[a].0;
                if let Some(b) = (a + 1..run.end).find(|&b| self.live(b) && self.base[b].0 == *k) {
                    return pair(self.base[a].1, self.base[b].1);
                }
            }
        }
        None
    }

    fn sorted(&self) -> &Sorted {
        self.sorted.get_or_init(|| {
            let mut out = Sorted::default();
            self.for_each(|k, n| match k {
                IndexKey::Int(i) => out.numbers.push((*i as f64, n)),
                IndexKey::Float(bits) => {
                    let f = f64::from_bits(*bits);
                    if !f.is_nan() {
                        out.numbers.push((f, n));
                    }
                }
                IndexKey::Str(s) => out.strings.push((s.clone(), n)),
                _ => {}
            });
            out.numbers
                .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            out.strings.sort();
            out
        })
    }

    /// The nodes whose indexed value lies between `lower` and `upper` (inclusive; both of
    /// the same kind, numbers or strings; `None` is unbounded), appended to `out`. For
    /// numbers the result may include values equal to a bound in floating point: callers
    /// filter the exact predicate afterwards.
    pub fn range(&self, lower: Option<Bound>, upper: Option<Bound>, out: &mut Vec<NodeId>) {
        let sorted = self.sorted();
        let numeric = matches!(lower.or(upper), Some(Bound::Number(_)));
        if numeric {
            let v = &sorted.numbers;
            let from = match lower {
                Some(Bound::Number(l)) => v.partition_point(|(x, _)| *x < l),
                _ => 0,
            };
            let to = match upper {
                Some(Bound::Number(u)) => v.partition_point(|(x, _)| *x <= u),
                _ => v.len(),
            };
            out.extend(v[from..to.max(from)].iter().map(|(_, n)| *n));
        } else {
            let v = &sorted.strings;
            let from = match lower {
                Some(Bound::Str(l)) => v.partition_point(|(x, _)| &**x < l),
                _ => 0,
            };
            let to = match upper {
                Some(Bound::Str(u)) => v.partition_point(|(x, _)| &**x <= u),
                _ => v.len(),
            };
            out.extend(v[from..to.max(from)].iter().map(|(_, n)| *n));
        }
    }

    /// The nodes whose indexed string starts with `prefix`, appended to `out`.
    pub fn prefix(&self, prefix: &str, out: &mut Vec<NodeId>) {
        let v = &self.sorted().strings;
        let from = v.partition_point(|(x, _)| &**x < prefix);
        out.extend(
            v[from..]
                .iter()
                .take_while(|(x, _)| x.starts_with(prefix))
                .map(|(_, n)| *n),
        );
    }

    /// Appends the nodes whose indexed property equals `v` to `out` (unordered).
    pub fn lookup_into(&self, v: &Val, out: &mut Vec<NodeId>) {
        let Some(k) = IndexKey::of(v) else {
            return;
        };
        for p in self.base_range(&k) {
            if self.base[p].0 == k && self.live(p) {
                out.push(self.base[p].1);
            }
        }
        if let Some(p) = self.delta.get(&k) {
            out.extend_from_slice(p.as_slice());
        }
    }
}

/// Orders entries by (key hash, node): equal keys end up adjacent.
fn sort_entries(entries: &mut [(IndexKey, NodeId)]) {
    let cheap =
        |k: &IndexKey| matches!(k, IndexKey::Int(_) | IndexKey::Float(_) | IndexKey::Bool(_));
    if entries.iter().all(|(k, _)| cheap(k)) {
        // Hashing a number is a multiply: no need for a table of precomputed keys.
        entries.sort_unstable_by_key(|(k, n)| (key_hash(k), *n));
    } else {
        entries.sort_by_cached_key(|(k, n)| (key_hash(k), *n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn val(kind: u8, i: i64) -> Val {
        match kind % 4 {
            0 => Val::Int(i),
            1 => Val::Float(i as f64),
            2 => Val::Float(i as f64 + 0.5),
            _ => Val::str(&format!("s{i}")),
        }
    }

    proptest! {
        /// Lookups, counts and duplicates through builds, inserts, removals and merges,
        /// against a map from node to value.
        #[test]
        fn behaves_like_a_map(
            initial in proptest::collection::vec((0u8..4, 0i64..6), 0..40),
            ops in proptest::collection::vec((any::<bool>(), 0u64..60, 0u8..4, 0i64..6), 1..120),
        ) {
            let (label, key) = (Symbol(0), Symbol(0));
            let mut idx = PropertyIndex::new("i".into(), label, key);
            idx.unique = true;
            let mut model: BTreeMap<u64, Val> = BTreeMap::new();
            for (n, (kind, i)) in initial.iter().enumerate() {
                model.insert(n as u64, val(*kind, *i));
            }
            idx.build(model.len(), model.iter().map(|(n, v)| (NodeId(*n), v)));
            for (insert, n, kind, i) in ops {
                if insert {
                    if model.contains_key(&n) {
                        continue;
                    }
                    let v = val(kind, i);
                    let k = IndexKey::of(&v).unwrap();
                    let others = model
                        .iter()
                        .any(|(m, w)| IndexKey::of(w).as_ref() == Some(&k) && *m != n);
                    let shared = idx.insert(NodeId(n), &[label], &[(key, v.clone())]);
                    prop_assert_eq!(shared, others);
                    model.insert(n, v);
                } else if let Some(v) = model.remove(&n) {
                    idx.remove(NodeId(n), &[label], &[(key, v)]);
                }
                prop_assert_eq!(idx.len(), model.len());
                for probe_kind in 0..4u8 {
                    for probe in 0..6 {
                        let p = val(probe_kind, probe);
                        let mut got = Vec::new();
                        idx.lookup_into(&p, &mut got);
                        got.sort();
                        let want: Vec<NodeId> = model
                            .iter()
                            .filter(|(_, w)| IndexKey::of(w) == IndexKey::of(&p))
                            .map(|(m, _)| NodeId(*m))
                            .collect();
                        prop_assert_eq!(got, want);
                    }
                }
                let distinct: std::collections::HashSet<IndexKey> =
                    model.values().filter_map(IndexKey::of).collect();
                prop_assert_eq!(idx.distinct_values(), distinct.len());
                prop_assert_eq!(idx.first_duplicate().is_some(), distinct.len() < model.len());
            }
        }
    }
}
