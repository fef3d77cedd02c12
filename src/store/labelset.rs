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

    /// Splits the members into `parts` id ranges `[from, below)` of nearly equal member
    /// counts (whole 64-id words), in id order, covering every member; fewer ranges when
    /// there are fewer words.
    pub fn split(&self, parts: usize) -> Vec<(u64, u64)> {
        let parts = parts.max(1);
        let per_part = self.len.div_ceil(parts).max(1);
        let mut out = Vec::with_capacity(parts);
        let (mut from, mut count) = (0u64, 0usize);
        for (i, w) in self.words.iter().enumerate() {
            count += w.count_ones() as usize;
            if count >= per_part && out.len() + 1 < parts {
                let below = (i as u64 + 1) * 64;
                out.push((from, below));
                from = below;
                count = 0;
            }
        }
        out.push((from, self.words.len() as u64 * 64));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_every_member_once_in_balanced_ranges() {
        let mut s = LabelSet::default();
        for id in (1000..401_000u64).step_by(3).chain([5, 7, 999_999]) {
            s.insert(NodeId(id));
        }
        for parts in [1, 2, 3, 8] {
            let ranges = s.split(parts);
            assert!(ranges.len() <= parts);
            let total: usize = ranges.iter().map(|&(a, b)| s.range(a, b).count()).sum();
            assert_eq!(total, s.len(), "{parts} parts");
            for w in ranges.windows(2) {
                assert_eq!(w[0].1, w[1].0, "contiguous");
            }
            let biggest = ranges
                .iter()
                .map(|&(a, b)| s.range(a, b).count())
                .max()
                .unwrap();
            assert!(biggest <= s.len() / parts + 64, "{parts} parts: {biggest}");
        }
        assert_eq!(LabelSet::default().split(4).len(), 1);
    }
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
