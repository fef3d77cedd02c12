//! Property indexes: for one (label, property key) pair, a hash map from property value to
//! the nodes carrying it, kept up to date by every write (and every undo) in `Graph`.
//! Integral floats are keyed like integers, so `{id: 1.0}` finds `id: 1`.

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

/// One property index.
#[derive(Debug, Clone)]
pub struct PropertyIndex {
    pub name: String,
    pub label: Symbol,
    pub key: Symbol,
    map: FxHashMap<IndexKey, Postings>,
    entries: usize,
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

impl PropertyIndex {
    pub fn new(name: String, label: Symbol, key: Symbol) -> PropertyIndex {
        PropertyIndex {
            name,
            label,
            key,
            map: FxHashMap::default(),
            entries: 0,
            sorted: std::sync::OnceLock::new(),
        }
    }

    /// Makes room for about `n` more distinct values.
    pub fn reserve(&mut self, n: usize) {
        self.map.reserve(n);
    }

    /// Number of indexed nodes.
    pub fn len(&self) -> usize {
        self.entries
    }
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }
    /// Number of distinct values.
    pub fn distinct_values(&self) -> usize {
        self.map.len()
    }

    fn value_of<'a>(&self, labels: &[Symbol], props: &'a [(Symbol, Val)]) -> Option<&'a Val> {
        if !labels.contains(&self.label) {
            return None;
        }
        props
            .binary_search_by_key(&self.key, |(k, _)| *k)
            .ok()
            .map(|i| &props[i].1)
    }

    pub fn insert(&mut self, id: NodeId, labels: &[Symbol], props: &[(Symbol, Val)]) {
        let Some(k) = self.value_of(labels, props).and_then(IndexKey::of) else {
            return;
        };
        self.entries += 1;
        self.sorted = std::sync::OnceLock::new();
        match self.map.get_mut(&k) {
            None => {
                self.map.insert(k, Postings::One(id));
            }
            Some(p) => match p {
                Postings::One(first) => *p = Postings::Many(Box::new(vec![*first, id])),
                Postings::Many(v) => v.push(id),
            },
        }
    }

    pub fn remove(&mut self, id: NodeId, labels: &[Symbol], props: &[(Symbol, Val)]) {
        let Some(k) = self.value_of(labels, props).and_then(IndexKey::of) else {
            return;
        };
        let empty = match self.map.get_mut(&k) {
            None => return,
            Some(Postings::One(n)) => {
                if *n != id {
                    return;
                }
                true
            }
            Some(Postings::Many(v)) => {
                let Some(pos) = v.iter().position(|n| *n == id) else {
                    return;
                };
                v.swap_remove(pos);
                v.is_empty()
            }
        };
        self.entries -= 1;
        self.sorted = std::sync::OnceLock::new();
        if empty {
            self.map.remove(&k);
        }
    }

    fn sorted(&self) -> &Sorted {
        self.sorted.get_or_init(|| {
            let mut out = Sorted::default();
            for (k, p) in &self.map {
                let nodes: &[NodeId] = match p {
                    Postings::One(n) => std::slice::from_ref(n),
                    Postings::Many(v) => v.as_slice(),
                };
                for &n in nodes {
                    match k {
                        IndexKey::Int(i) => out.numbers.push((*i as f64, n)),
                        IndexKey::Float(bits) => {
                            let f = f64::from_bits(*bits);
                            if !f.is_nan() {
                                out.numbers.push((f, n));
                            }
                        }
                        IndexKey::Str(s) => out.strings.push((s.clone(), n)),
                        _ => {}
                    }
                }
            }
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

    /// The nodes whose indexed property equals `v` (unordered).
    pub fn lookup(&self, v: &Val) -> &[NodeId] {
        let Some(k) = IndexKey::of(v) else {
            return &[];
        };
        match self.map.get(&k) {
            None => &[],
            Some(Postings::One(n)) => std::slice::from_ref(n),
            Some(Postings::Many(v)) => v.as_slice(),
        }
    }
}
