//! Interning of labels, relationship types and property keys as `Symbol(u32)`, so that
//! records carry four bytes per name and comparisons are integer compares.

use crate::val::Str;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// An interned name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

/// A two-way map between names and symbols; symbols are dense and never removed.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: Vec<Arc<str>>,
    /// The same names as string values (for `labels()`, `type()`, `keys()`).
    values: Vec<Str>,
    map: FxHashMap<Arc<str>, Symbol>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> Symbol {
        if let Some(&s) = self.map.get(name) {
            return s;
        }
        let s = Symbol(self.names.len() as u32);
        let name: Arc<str> = Arc::from(name);
        self.values.push(Str::from(&*name));
        self.names.push(name.clone());
        self.map.insert(name, s);
        s
    }
    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.map.get(name).copied()
    }
    pub fn name(&self, s: Symbol) -> &Arc<str> {
        &self.names[s.0 as usize]
    }
    pub fn value(&self, s: Symbol) -> &Str {
        &self.values[s.0 as usize]
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    pub fn names(&self) -> impl Iterator<Item = (Symbol, &Arc<str>)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (Symbol(i as u32), n))
    }
}

/// Interned label lists: a node's record holds a `u32` naming its labels (in the order
/// they were added), so that each combination in use is stored once. Lists are never
/// removed; a graph has few distinct combinations.
#[derive(Debug, Clone)]
pub struct LabelLists {
    lists: Vec<Arc<[Symbol]>>,
    map: FxHashMap<Arc<[Symbol]>, u32>,
}

impl Default for LabelLists {
    /// Holds the empty list as number 0.
    fn default() -> LabelLists {
        let empty: Arc<[Symbol]> = Arc::from(Vec::new());
        LabelLists {
            lists: vec![empty.clone()],
            map: std::iter::once((empty, 0)).collect(),
        }
    }
}

impl LabelLists {
    pub fn intern(&mut self, labels: &[Symbol]) -> u32 {
        if let Some(&n) = self.map.get(labels) {
            return n;
        }
        let n = u32::try_from(self.lists.len()).expect("fewer than 2^32 label combinations");
        let list: Arc<[Symbol]> = Arc::from(labels);
        self.lists.push(list.clone());
        self.map.insert(list, n);
        n
    }
    #[inline]
    pub fn get(&self, n: u32) -> &[Symbol] {
        &self.lists[n as usize]
    }
}
