//! Read-optimised adjacency beside petgraph. petgraph keeps one linked list of relationship
//! records per node and direction, across all types, so a typed expansion visits (and
//! misses the cache on) every relationship of the node. Here, per relationship type and
//! direction, a compressed sparse row array holds each node's (relationship, neighbour)
//! pairs contiguously; it is built on first use in two sequential passes.
//!
//! An array is built once its (type, direction) has been expanded from enough nodes
//! through petgraph's lists (see `Graph::typed_adjacency`): a query expanding a handful of
//! nodes does not pay for scanning every relationship of the type, nor keep the array.
//!
//! Writes do not update the arrays: a relationship write marks both endpoints stale, and
//! expansion reads stale nodes, and nodes created after the build, from petgraph. When a
//! large share of the covered nodes is stale the arrays are dropped and rebuilt on next
//! use, so the rebuild cost is amortised over many writes.

use super::intern::Symbol;
use super::labelset::LabelSet;
use crate::val::{NodeId, RelId};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// One type's relationships in one direction, for the nodes with ids below `covers`.
#[derive(Debug, Default)]
pub(crate) struct Csr {
    /// Node ids `lo..lo + offsets.len() - 1` have entries; others below `covers` have none.
    lo: u64,
    offsets: Vec<u32>,
    /// (relationship id, neighbour id), newest relationship first within a node.
    entries: Vec<(u32, u32)>,
    covers: u64,
}

impl Csr {
    /// Builds the array from `(relationship, node, neighbour)` triples, which `scan` calls
    /// its argument with, newest first, the same way each time it is called. Two scans (one
    /// counting, one filling) rather than a list of the triples: the list would be 12 bytes
    /// per relationship on top of the array's 8 while building.
    pub(crate) fn build(covers: u64, scan: impl Fn(&mut dyn FnMut(u32, u32, u32))) -> Csr {
        let mut counts = vec![0u32; covers as usize + 1];
        let mut total = 0usize;
        scan(&mut |_, n, _| {
            if let Some(c) = counts.get_mut(n as usize + 1) {
                *c += 1;
                total += 1;
            }
        });
        let (Some(first), Some(last)) = (
            counts.iter().position(|&c| c > 0),
            counts.iter().rposition(|&c| c > 0),
        ) else {
            return Csr {
                covers,
                ..Csr::default()
            };
        };
        // counts[n + 1] is node n's degree: nodes first - 1 ..= last - 1 have entries.
        let lo = first - 1;
        let mut offsets = counts[first - 1..=last].to_vec();
        drop(counts);
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut fill: Vec<u32> = offsets[..offsets.len() - 1].to_vec();
        let mut entries = vec![(0u32, 0u32); total];
        scan(&mut |r, n, m| {
            if let Some(at) = (n as usize).checked_sub(lo).and_then(|i| fill.get_mut(i)) {
                if let Some(e) = entries.get_mut(*at as usize) {
                    *e = (r, m);
                    *at += 1;
                }
            }
        });
        Csr {
            lo: lo as u64,
            offsets,
            entries,
            covers,
        }
    }

    /// The entries of `node`, or `None` when the array does not cover it.
    #[inline]
    fn of(&self, node: NodeId) -> Option<&[(u32, u32)]> {
        if node.0 >= self.covers {
            return None;
        }
        if node.0 < self.lo || node.0 + 1 >= self.lo + self.offsets.len() as u64 {
            return Some(&[]);
        }
        let i = (node.0 - self.lo) as usize;
        Some(&self.entries[self.offsets[i] as usize..self.offsets[i + 1] as usize])
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4 + self.entries.capacity() * 8
    }
}

/// The arrays of every (type, direction) built so far and the nodes changed since.
#[derive(Debug, Default)]
pub(crate) struct Adjacency {
    /// Indexed by type symbol: [outgoing, incoming].
    by_type: Vec<[OnceLock<Csr>; 2]>,
    /// Expansions served from petgraph's lists while an array was not built, by type:
    /// [outgoing, incoming].
    demand: Vec<[AtomicUsize; 2]>,
    stale: LabelSet,
    /// Whether any array has been built since the last reset (stale tracking is only
    /// needed then). Set by the reader that builds one.
    any_built: AtomicBool,
}

impl Clone for Adjacency {
    /// A clone starts without arrays; they are rebuilt on use.
    fn clone(&self) -> Adjacency {
        let mut a = Adjacency::default();
        a.grow(self.by_type.len());
        a
    }
}

/// Above this many stale nodes (and an eighth of the covered ones) the arrays are rebuilt.
const MIN_STALE_FOR_REBUILD: usize = 1024;

impl Adjacency {
    /// Makes room for `types` relationship types.
    pub(crate) fn grow(&mut self, types: usize) {
        while self.by_type.len() < types {
            self.by_type.push(Default::default());
            self.demand.push(Default::default());
        }
    }

    /// The array for (type, direction), building it with `build` once `build_after`
    /// expansions have asked for it; `None` when it is not built (yet), or `node` is stale
    /// or not covered.
    #[inline]
    pub(crate) fn lookup(
        &self,
        t: Symbol,
        outgoing: bool,
        node: NodeId,
        build_after: usize,
        build: impl FnOnce() -> Option<Csr>,
    ) -> Option<&[(u32, u32)]> {
        let dir = usize::from(!outgoing);
        let cell = &self.by_type.get(t.0 as usize)?[dir];
        let csr = match cell.get() {
            Some(c) => c,
            None => {
                if self.demand[t.0 as usize][dir].fetch_add(1, Ordering::Relaxed) < build_after {
                    return None;
                }
                let built = build()?;
                self.any_built.store(true, Ordering::Relaxed);
                // Another reader may have built it meanwhile; either is current.
                let _ = cell.set(built);
                cell.get()?
            }
        };
        if self.stale.contains(node) {
            return None;
        }
        csr.of(node)
    }

    /// Notes that `node`'s relationships changed.
    pub(crate) fn touch(&mut self, node: NodeId) {
        if !self.any_built.load(Ordering::Relaxed) {
            return;
        }
        self.stale.insert(node);
        let covered = self
            .by_type
            .iter()
            .flatten()
            .filter_map(|c| c.get())
            .map(|c| c.covers as usize)
            .max()
            .unwrap_or(0);
        if self.stale.len() > MIN_STALE_FOR_REBUILD.max(covered / 8) {
            self.reset();
        }
    }

    /// Drops every array (they are rebuilt on next use).
    pub(crate) fn reset(&mut self) {
        for pair in &mut self.by_type {
            *pair = Default::default();
        }
        self.stale = LabelSet::default();
        self.any_built.store(false, Ordering::Relaxed);
    }

    /// Bytes held by the built arrays.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.by_type
            .iter()
            .flatten()
            .filter_map(|c| c.get())
            .map(Csr::heap_bytes)
            .sum()
    }
}

/// The entries of a CSR slice as (relationship, neighbour) ids.
#[inline]
pub(crate) fn decode(e: &(u32, u32)) -> (RelId, NodeId) {
    (RelId(e.0 as u64), NodeId(e.1 as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_is_built_only_after_enough_expansions_asked_for_it() {
        let mut adj = Adjacency::default();
        adj.grow(1);
        let t = Symbol(0);
        // Relationship 7 from node 1 to node 2.
        let build = || Some(Csr::build(3, |f| f(7, 1, 2)));
        for _ in 0..3 {
            assert!(adj.lookup(t, true, NodeId(1), 3, build).is_none());
        }
        assert_eq!(adj.heap_bytes(), 0);
        assert_eq!(
            adj.lookup(t, true, NodeId(1), 3, build),
            Some(&[(7u32, 2u32)][..])
        );
        assert_eq!(adj.lookup(t, true, NodeId(0), 3, build), Some(&[][..]));
        // The other direction counts on its own.
        assert!(adj.lookup(t, false, NodeId(2), 3, build).is_none());
    }
}
