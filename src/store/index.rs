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
    Str(Arc<str>),
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
    Many(Vec<NodeId>),
}

/// One property index.
#[derive(Debug, Clone)]
pub struct PropertyIndex {
    pub name: String,
    pub label: Symbol,
    pub key: Symbol,
    map: FxHashMap<IndexKey, Postings>,
    entries: usize,
}

impl PropertyIndex {
    pub fn new(name: String, label: Symbol, key: Symbol) -> PropertyIndex {
        PropertyIndex {
            name,
            label,
            key,
            map: FxHashMap::default(),
            entries: 0,
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
        match self.map.get_mut(&k) {
            None => {
                self.map.insert(k, Postings::One(id));
            }
            Some(p) => match p {
                Postings::One(first) => *p = Postings::Many(vec![*first, id]),
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
        if empty {
            self.map.remove(&k);
        }
    }

    /// The nodes whose indexed property equals `v` (unordered).
    pub fn lookup(&self, v: &Val) -> &[NodeId] {
        let Some(k) = IndexKey::of(v) else {
            return &[];
        };
        match self.map.get(&k) {
            None => &[],
            Some(Postings::One(n)) => std::slice::from_ref(n),
            Some(Postings::Many(v)) => v,
        }
    }
}
