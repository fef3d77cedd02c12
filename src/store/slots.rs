//! Node or relationship id ↔ petgraph slot, both ways. A graph built by creating (or
//! loading) entities in id order, with no slot reused by another id, keeps every entity in
//! the slot equal to its id: then the map is the identity and takes no memory (12 bytes an
//! entity otherwise: 197 MB for 16.4M relationships; petgraph's records need not carry the
//! id either). The first entity placed elsewhere (petgraph reusing a deleted one's slot; a
//! snapshot with gaps in its ids) turns it into two tables.

/// No slot.
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub(crate) enum Slots {
    /// Entity `i` is in slot `i`, if that slot holds one.
    #[default]
    Identity,
    Table {
        /// Slot by id; `NONE` for ids not in use.
        by_id: Vec<u32>,
        /// Id by slot (stale for vacant slots).
        by_slot: Vec<u64>,
    },
}

impl Slots {
    /// The slot of entity `id`, if it exists. `occupied` says whether a slot holds an
    /// entity: in identity mode a vacant slot is how a deleted id shows.
    #[inline]
    pub fn get(&self, id: u64, occupied: impl Fn(u32) -> bool) -> Option<u32> {
        match self {
            Slots::Identity => u32::try_from(id).ok().filter(|&s| s != NONE && occupied(s)),
            Slots::Table { by_id, .. } => by_id
                .get(usize::try_from(id).ok()?)
                .copied()
                .filter(|&s| s != NONE),
        }
    }

    /// The id of the entity in an occupied slot.
    #[inline]
    pub fn id_of(&self, slot: u32) -> u64 {
        match self {
            Slots::Identity => u64::from(slot),
            Slots::Table { by_slot, .. } => by_slot[slot as usize],
        }
    }

    #[cfg(test)]
    pub fn is_identity(&self) -> bool {
        matches!(self, Slots::Identity)
    }

    /// Records that entity `id` was placed in `slot`. `occupied` lists the occupied slots
    /// (the new one included) and `len` the ids in use so far, for turning the identity
    /// into tables.
    pub fn set(&mut self, id: u64, slot: u32, occupied: impl FnOnce() -> Vec<u32>, len: u64) {
        if let Slots::Identity = self {
            if u64::from(slot) == id {
                return;
            }
            let occupied = occupied();
            let mut by_id = vec![NONE; len.max(id + 1) as usize];
            let bound = occupied.iter().map(|&s| s as usize + 1).max().unwrap_or(0);
            let mut by_slot = vec![0u64; bound];
            for s in occupied {
                if let Some(t) = by_id.get_mut(s as usize) {
                    *t = s;
                }
                by_slot[s as usize] = u64::from(s);
            }
            // The new entity is not entity `slot`.
            if let Some(t) = by_id.get_mut(slot as usize) {
                *t = NONE;
            }
            *self = Slots::Table { by_id, by_slot };
        }
        if let Slots::Table { by_id, by_slot } = self {
            let i = id as usize;
            if by_id.len() <= i {
                by_id.resize(i + 1, NONE);
            }
            by_id[i] = slot;
            let s = slot as usize;
            if by_slot.len() <= s {
                by_slot.resize(s + 1, 0);
            }
            by_slot[s] = id;
        }
    }

    /// Forgets entity `id` (deleted).
    pub fn clear(&mut self, id: u64) {
        if let Slots::Table { by_id, .. } = self {
            if let Some(s) = by_id.get_mut(id as usize) {
                *s = NONE;
            }
        }
    }

    /// Drops ids from `len` on (a rollback moved the next id back).
    pub fn truncate(&mut self, len: u64) {
        if let Slots::Table { by_id, .. } = self {
            by_id.truncate(len as usize);
        }
    }

    pub fn reserve(&mut self, n: usize) {
        if let Slots::Table { by_id, by_slot } = self {
            by_id.reserve(n);
            by_slot.reserve(n);
        }
    }

    /// (id, slot) of the entities with ids in `from..below`, in id order (`rev`: highest
    /// first); in identity mode over the slots below `bound` that are `occupied`.
    pub fn pairs<'a>(
        &'a self,
        from: u64,
        below: u64,
        bound: usize,
        rev: bool,
        occupied: impl Fn(u32) -> bool + 'a,
    ) -> impl Iterator<Item = (u64, u32)> + 'a {
        let table = match self {
            Slots::Identity => None,
            Slots::Table { by_id, .. } => Some(by_id.as_slice()),
        };
        let n = (table.map_or(bound, <[u32]>::len) as u64).min(below) as usize;
        let lo = (from as usize).min(n);
        (lo..n)
            .map(move |i| if rev { n - 1 - (i - lo) } else { i })
            .filter_map(move |i| match table {
                None => occupied(i as u32).then_some((i as u64, i as u32)),
                Some(t) => (t[i] != NONE).then(|| (i as u64, t[i])),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_until_a_relationship_lands_elsewhere() {
        let mut slots = Slots::default();
        for i in 0..5u32 {
            slots.set(u64::from(i), i, || unreachable!(), u64::from(i) + 1);
        }
        assert!(slots.is_identity());
        assert_eq!((slots.get(3, |_| true), slots.id_of(3)), (Some(3), 3));
        // In identity mode a vacant slot is a deleted id.
        assert_eq!(slots.get(3, |s| s != 3), None);
        // Relationship 2 was deleted and petgraph reuses its slot for relationship 5.
        slots.clear(2);
        slots.set(5, 2, || vec![0, 1, 2, 3, 4], 6);
        assert!(!slots.is_identity());
        assert_eq!(
            (0..7).map(|i| slots.get(i, |_| true)).collect::<Vec<_>>(),
            [Some(0), Some(1), None, Some(3), Some(4), Some(2), None]
        );
        assert_eq!((slots.id_of(2), slots.id_of(3)), (5, 3));
        assert_eq!(
            slots
                .pairs(0, u64::MAX, 0, true, |_| true)
                .collect::<Vec<_>>(),
            [(5, 2), (4, 4), (3, 3), (1, 1), (0, 0)]
        );
        assert_eq!(
            slots.pairs(1, 4, 0, false, |_| true).collect::<Vec<_>>(),
            [(1, 1), (3, 3)]
        );
        slots.truncate(5);
        assert_eq!(slots.get(5, |_| true), None);
    }
}
