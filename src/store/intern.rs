//! Interning of labels, relationship types and property keys as `Symbol(u32)`, so that
//! records carry four bytes per name and comparisons are integer compares.

use rustc_hash::FxHashMap;
use std::sync::Arc;

/// An interned name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

/// A two-way map between names and symbols; symbols are dense and never removed.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: Vec<Arc<str>>,
    map: FxHashMap<Arc<str>, Symbol>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> Symbol {
        if let Some(&s) = self.map.get(name) {
            return s;
        }
        let s = Symbol(self.names.len() as u32);
        let name: Arc<str> = Arc::from(name);
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
