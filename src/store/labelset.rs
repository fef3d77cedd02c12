//! The set of nodes carrying one label, as a bitmap over node ids: one bit per id, so a
//! label scan walks words in id order (skipping 64 absent ids at a time) instead of tree
//! nodes, and membership changes are O(1). Node ids are dense (never reused, allocated
//! in order), so the bitmap costs an eighth of a byte per node id ever allocated.

use crate::val::NodeId;

#[derive(Debug, Clone, Default)]
pub struct LabelSet {
    words: Vec<u64>,
    len: usize,
}

impl LabelSet {
    /// Adds `id`; false if it was there already.
    pub fn insert(&mut self, id: NodeId) -> bool {
        let (w, b) = ((id.0 / 64) as usize, id.0 % 64);
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
        }
        let had = self.words[w] & (1 << b) != 0;
        self.words[w] |= 1 << b;
        self.len += usize::from(!had);
        !had
    }

    /// Removes `id`; false if it was not there.
    pub fn remove(&mut self, id: &NodeId) -> bool {
        let (w, b) = ((id.0 / 64) as usize, id.0 % 64);
        match self.words.get_mut(w) {
            Some(word) if *word & (1 << b) != 0 => {
                *word &= !(1 << b);
                self.len -= 1;
                true
            }
            _ => false,
        }
    }

    pub fn contains(&self, id: NodeId) -> bool {
        let (w, b) = ((id.0 / 64) as usize, id.0 % 64);
        self.words.get(w).is_some_and(|word| word & (1 << b) != 0)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every member, in id order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.range(0, u64::MAX)
    }

    /// The members with ids in `from..below`, in id order.
    pub fn range(&self, from: u64, below: u64) -> impl Iterator<Item = NodeId> + '_ {
        let first = (from / 64) as usize;
        let below_word = below.div_ceil(64).min(self.words.len() as u64) as usize;
        let words = self.words.get(first..below_word.max(first)).unwrap_or(&[]);
        words.iter().enumerate().flat_map(move |(i, &w)| {
            let base = (first + i) as u64 * 64;
            let mut w = w;
            if i == 0 && from % 64 != 0 {
                w &= !0u64 << (from % 64);
            }
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as u64;
                w &= w - 1;
                Some(base + b)
            })
            .take_while(move |id| *id < below)
            .map(NodeId)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_like_a_sorted_set() {
        let mut a = LabelSet::default();
        let mut b = BTreeSet::new();
        let mut x: u64 = 12345;
        for _ in 0..5000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = NodeId((x >> 33) % 3000);
            if x & 1 == 0 {
                assert_eq!(a.insert(id), b.insert(id));
            } else {
                assert_eq!(a.remove(&id), b.remove(&id));
            }
            assert_eq!(a.len(), b.len());
        }
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            b.iter().copied().collect::<Vec<_>>()
        );
        for (from, below) in [
            (0, 0),
            (0, 64),
            (3, 130),
            (63, 65),
            (64, 128),
            (100, 2999),
            (2990, 9999),
        ] {
            let want: Vec<NodeId> = b.range(NodeId(from)..NodeId(below)).copied().collect();
            assert_eq!(
                a.range(from, below).collect::<Vec<_>>(),
                want,
                "{from}..{below}"
            );
        }
        assert!(!a.contains(NodeId(1 << 40)));
        assert!(!a.remove(&NodeId(1 << 40)));
    }
}
