//! Id spaces: for each id group, the map from the ids written in the files to kg's own
//! node ids. Integer ids that are small and dense (the usual 0, 1, 2, …) live in a plain
//! vector indexed by the id; any others go to an `FxHashMap`. String ids always use an
//! `FxHashMap` keyed by their bytes. All of it is dropped when the import ends.

use crate::val::NodeId;
use rustc_hash::FxHashMap;

const NONE: u64 = u64::MAX;

/// Dense ids may run this far ahead of the number of ids seen (so that a few gaps stay
/// cheap while one huge id does not allocate a huge vector).
const DENSE_SLACK: u64 = 1 << 16;

/// Integer ids of one group.
#[derive(Debug, Default)]
pub struct IntIds {
    dense: Vec<u64>,
    sparse: FxHashMap<i64, u64>,
    count: u64,
}

impl IntIds {
    #[inline]
    pub fn get(&self, id: i64) -> Option<NodeId> {
        if let Ok(i) = usize::try_from(id) {
            if let Some(&n) = self.dense.get(i) {
                if n != NONE {
                    return Some(NodeId(n));
                }
            }
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get(&id).map(|&n| NodeId(n))
    }

    /// Records `id → node`; false when `id` is already taken.
    pub fn insert(&mut self, id: i64, node: NodeId) -> bool {
        if self.get(id).is_some() {
            return false;
        }
        let dense_limit = self.count.saturating_mul(2).saturating_add(DENSE_SLACK);
        match u64::try_from(id) {
            Ok(i) if i < dense_limit => {
                let i = i as usize;
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, NONE);
                }
                self.dense[i] = node.0;
            }
            _ => {
                self.sparse.insert(id, node.0);
            }
        }
        self.count += 1;
        true
    }
}

/// String ids of one group.
#[derive(Debug, Default)]
pub struct StrIds {
    map: FxHashMap<Box<[u8]>, u64>,
}

impl StrIds {
    #[inline]
    pub fn get(&self, id: &[u8]) -> Option<NodeId> {
        self.map.get(id).map(|&n| NodeId(n))
    }

    /// Records `id → node`; false when `id` is already taken.
    pub fn insert(&mut self, id: &[u8], node: NodeId) -> bool {
        if self.map.contains_key(id) {
            return false;
        }
        self.map.insert(Box::from(id), node.0);
        true
    }
}

/// The ids of one group, by the `--id-type` of the import.
#[derive(Debug)]
pub enum IdMap {
    Int(IntIds),
    Str(StrIds),
}

/// All id groups of an import, by name (`""` is the global group).
#[derive(Debug)]
pub struct IdSpaces {
    integer: bool,
    groups: Vec<(String, IdMap)>,
}

impl IdSpaces {
    pub fn new(integer: bool) -> IdSpaces {
        IdSpaces {
            integer,
            groups: Vec::new(),
        }
    }

    /// The index of a group, creating it when a node file names it.
    pub fn define(&mut self, name: &str) -> usize {
        if let Some(i) = self.find(name) {
            return i;
        }
        let map = if self.integer {
            IdMap::Int(IntIds::default())
        } else {
            IdMap::Str(StrIds::default())
        };
        self.groups.push((name.to_string(), map));
        self.groups.len() - 1
    }

    /// The index of an existing group.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|(n, _)| n == name)
    }

    pub fn map(&self, group: usize) -> &IdMap {
        &self.groups[group].1
    }

    pub fn map_mut(&mut self, group: usize) -> &mut IdMap {
        &mut self.groups[group].1
    }

    /// Names of the groups defined so far, for messages.
    pub fn names(&self) -> Vec<String> {
        self.groups.iter().map(|(n, _)| describe_group(n)).collect()
    }
}

/// A group as it is named in messages.
pub fn describe_group(name: &str) -> String {
    if name.is_empty() {
        "the global id space".to_string()
    } else {
        format!("group {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_int_ids() {
        let mut ids = IntIds::default();
        assert!(ids.insert(0, NodeId(10)));
        assert!(ids.insert(5, NodeId(11)));
        assert!(ids.insert(-3, NodeId(12)));
        assert!(ids.insert(1 << 40, NodeId(13)));
        assert!(!ids.insert(5, NodeId(14)));
        assert!(!ids.insert(1 << 40, NodeId(14)));
        assert_eq!(ids.get(0), Some(NodeId(10)));
        assert_eq!(ids.get(5), Some(NodeId(11)));
        assert_eq!(ids.get(-3), Some(NodeId(12)));
        assert_eq!(ids.get(1 << 40), Some(NodeId(13)));
        assert_eq!(ids.get(4), None);
        assert_eq!(ids.get(i64::MIN), None);
        assert!(ids.dense.len() < 10);
        // An id first put in the sparse map stays unique once the dense part grows past it.
        let mut ids = IntIds::default();
        assert!(ids.insert(100_000, NodeId(0)));
        for i in 0..100_001 {
            let inserted = ids.insert(i, NodeId(i as u64 + 1));
            assert_eq!(inserted, i != 100_000);
        }
        assert_eq!(ids.get(100_000), Some(NodeId(0)));
    }

    #[test]
    fn string_ids() {
        let mut ids = StrIds::default();
        assert!(ids.insert(b"a", NodeId(1)));
        assert!(!ids.insert(b"a", NodeId(2)));
        assert_eq!(ids.get(b"a"), Some(NodeId(1)));
        assert_eq!(ids.get(b"b"), None);
    }
}
