//! Relationship id → petgraph edge slot. A graph built by creating (or loading)
//! relationships in id order, with no slot reused by another id, keeps every relationship
//! in the slot equal to its id: then the map is the identity and takes no memory (4 bytes
//! a relationship otherwise: 66 MB for 16.4M). The first relationship placed elsewhere
//! (petgraph reusing a deleted one's slot; a snapshot with gaps in its ids) turns it into a
//! table.

/// No slot.
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub(crate) enum RelSlots {
    /// Relationship `i` is in slot `i`, if that slot holds one.
    #[default]
    Identity,
    /// Slot by id; `NONE` for ids not in use.
    Table(Vec<u32>),
}

impl RelSlots {
    /// The slot of relationship `id`. In identity mode the slot may be vacant: the caller
    /// checks that it holds a relationship.
    #[inline]
    pub fn get(&self, id: u64) -> Option<u32> {
        match self {
            RelSlots::Identity => u32::try_from(id).ok().filter(|&s| s != NONE),
            RelSlots::Table(t) => t
                .get(usize::try_from(id).ok()?)
                .copied()
                .filter(|&s| s != NONE),
        }
    }

    pub fn is_identity(&self) -> bool {
        matches!(self, RelSlots::Identity)
    }

    /// Records that relationship `id` was placed in `slot`. `occupied` lists the slots
    /// holding relationships now (the new one included) and `len` the ids in use so far,
    /// for turning the identity into a table.
    pub fn set(&mut self, id: u64, slot: u32, occupied: impl FnOnce() -> Vec<u32>, len: u64) {
        if let RelSlots::Identity = self {
            if u64::from(slot) == id {
                return;
            }
            let mut table = vec![NONE; len.max(id + 1) as usize];
            for s in occupied() {
                if let Some(t) = table.get_mut(s as usize) {
                    *t = s;
                }
            }
            // The new relationship is not relationship `slot`.
            if let Some(t) = table.get_mut(slot as usize) {
                *t = NONE;
            }
            *self = RelSlots::Table(table);
        }
        if let RelSlots::Table(t) = self {
            let i = id as usize;
            if t.len() <= i {
                t.resize(i + 1, NONE);
            }
            t[i] = slot;
        }
    }

    /// Forgets relationship `id` (deleted).
    pub fn clear(&mut self, id: u64) {
        if let RelSlots::Table(t) = self {
            if let Some(s) = t.get_mut(id as usize) {
                *s = NONE;
            }
        }
    }

    /// Drops ids from `len` on (a rollback moved the next id back).
    pub fn truncate(&mut self, len: u64) {
        if let RelSlots::Table(t) = self {
            t.truncate(len as usize);
        }
    }

    pub fn reserve(&mut self, n: usize) {
        if let RelSlots::Table(t) = self {
            t.reserve(n);
        }
    }

    /// (id, slot) of the relationships in use, in id order (`rev`: highest first); in
    /// identity mode over the slots below `bound`, which the caller checks are occupied.
    pub fn pairs(&self, bound: usize, rev: bool) -> impl Iterator<Item = (u64, u32)> + '_ {
        let n = match self {
            RelSlots::Identity => bound,
            RelSlots::Table(t) => t.len(),
        };
        let table = match self {
            RelSlots::Identity => None,
            RelSlots::Table(t) => Some(t.as_slice()),
        };
        (0..n)
            .map(move |i| if rev { n - 1 - i } else { i })
            .filter_map(move |i| match table {
                None => Some((i as u64, i as u32)),
                Some(t) => (t[i] != NONE).then(|| (i as u64, t[i])),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_until_a_relationship_lands_elsewhere() {
        let mut slots = RelSlots::default();
        for i in 0..5u32 {
            slots.set(u64::from(i), i, || unreachable!(), u64::from(i) + 1);
        }
        assert!(slots.is_identity());
        assert_eq!(slots.get(3), Some(3));
        // Relationship 2 was deleted and petgraph reuses its slot for relationship 5.
        slots.clear(2);
        slots.set(5, 2, || vec![0, 1, 2, 3, 4], 6);
        assert!(!slots.is_identity());
        assert_eq!(
            (0..7).map(|i| slots.get(i)).collect::<Vec<_>>(),
            [Some(0), Some(1), None, Some(3), Some(4), Some(2), None]
        );
        assert_eq!(
            slots.pairs(0, true).collect::<Vec<_>>(),
            [(5, 2), (4, 4), (3, 3), (1, 1), (0, 0)]
        );
        slots.truncate(5);
        assert_eq!(slots.get(5), None);
    }
}
