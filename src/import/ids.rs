//! Id spaces: for each id group, the map from the ids written in the files to kg's own
//! node ids. Consecutive integer ids (the usual 0, 1, 2, …) are kept as a run and looked
//! up by arithmetic; once they are not, small dense ids live in a plain vector indexed
//! by the id and any others in an `FxHashMap`. String ids that are canonical decimal
//! integers go the integer way; other string ids live in an `FxHashMap` keyed by their
//! bytes (inline up to 24). All of it is dropped when the import ends.

use super::values::parse_int;
use crate::val::NodeId;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

const NONE: u64 = u64::MAX;

/// Dense ids may run this far ahead of the number of ids seen (so that a few gaps stay
/// cheap while one huge id does not allocate a huge vector).
const DENSE_SLACK: u64 = 1 << 16;

/// Integer ids of one group.
#[derive(Debug, Default)]
pub struct IntIds {
    /// While ids have come as `first, first + 1, …` for nodes `node, node + 1, …` (the
    /// usual case), only the run is kept and a lookup is arithmetic: no memory is touched.
    run: Option<Run>,
    dense: Vec<u64>,
    sparse: FxHashMap<i64, u64>,
    count: u64,
}

/// Ids `first..first + len` mapped to nodes `node..node + len`.
#[derive(Debug, Clone, Copy)]
struct Run {
    first: i64,
    node: u64,
    len: u64,
}

impl Run {
    #[inline]
    fn get(&self, id: i64) -> Option<u64> {
        let offset = id.wrapping_sub(self.first) as u64;
        (id >= self.first && offset < self.len).then(|| self.node + offset)
    }

    /// True when `(id, node)` continues the run.
    fn continues(&self, id: i64, node: u64) -> bool {
        self.first.checked_add(self.len as i64) == Some(id) && self.node + self.len == node
    }
}

impl IntIds {
    #[inline]
    pub fn get(&self, id: i64) -> Option<NodeId> {
        if let Some(run) = &self.run {
            return run.get(id).map(NodeId);
        }
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
        if self.count == 0 {
            self.run = Some(Run {
                first: id,
                node: node.0,
                len: 1,
            });
            self.count = 1;
            return true;
        }
        if let Some(run) = &mut self.run {
            if run.continues(id, node.0) {
                run.len += 1;
                self.count += 1;
                return true;
            }
            if run.get(id).is_some() {
                return false;
            }
            // The run ends: spell it out in the general maps.
            let run = self.run.take().expect("matched above");
            self.count = 0;
            for k in 0..run.len {
                self.insert_general(run.first + k as i64, run.node + k);
            }
        }
        if self.get(id).is_some() {
            return false;
        }
        self.insert_general(id, node.0);
        true
    }

    fn insert_general(&mut self, id: i64, node: u64) {
        let dense_limit = self.count.saturating_mul(2).saturating_add(DENSE_SLACK);
        match u64::try_from(id) {
            Ok(i) if i < dense_limit => {
                let i = i as usize;
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, NONE);
                }
                self.dense[i] = node;
            }
            _ => {
                self.sparse.insert(id, node);
            }
        }
        self.count += 1;
    }
}

/// A string id kept inline in the hash table when short, so that a lookup reads one
/// bucket and no separate allocation.
type StrKey = SmallVec<[u8; 24]>;

/// String ids of one group. Ids that are integers written canonically (`0`, `42`, `-7`;
/// not `007`, `+7` or `-0`) correspond one-to-one to their values, so they are kept as
/// integers (and a run of them costs nothing); all others are kept as bytes.
#[derive(Debug, Default)]
pub struct StrIds {
    numeric: IntIds,
    map: FxHashMap<StrKey, u64>,
}

/// The value of an id written as a canonical decimal integer.
#[inline]
fn canonical_int(id: &[u8]) -> Option<i64> {
    let digits = id.strip_prefix(b"-").unwrap_or(id);
    match digits {
        [b'0'] if digits.len() == id.len() => Some(0),
        [b'1'..=b'9', rest @ ..] if rest.iter().all(u8::is_ascii_digit) => parse_int(id),
        _ => None,
    }
}

impl StrIds {
    #[inline]
    pub fn get(&self, id: &[u8]) -> Option<NodeId> {
        match canonical_int(id) {
            Some(value) => self.numeric.get(value),
            None => self.map.get(id).map(|&n| NodeId(n)),
        }
    }

    /// Records `id → node`; false when `id` is already taken.
    pub fn insert(&mut self, id: &[u8], node: NodeId) -> bool {
        if let Some(value) = canonical_int(id) {
            return self.numeric.insert(value, node);
        }
        if self.map.contains_key(id) {
            return false;
        }
        self.map.insert(StrKey::from_slice(id), node.0);
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
    fn runs_of_consecutive_ids() {
        let mut ids = IntIds::default();
        for i in 0..1000 {
            assert!(ids.insert(i - 500, NodeId(i as u64 + 7)));
        }
        assert!(ids.run.is_some() && ids.dense.is_empty());
        assert_eq!(ids.get(-500), Some(NodeId(7)));
        assert_eq!(ids.get(499), Some(NodeId(1006)));
        assert_eq!(ids.get(500), None);
        assert_eq!(ids.get(-501), None);
        assert_eq!(ids.get(i64::MIN), None);
        assert!(!ids.insert(0, NodeId(5000)));
        assert!(ids.run.is_some());
        // A gap ends the run; everything stays findable.
        assert!(ids.insert(2000, NodeId(1007)));
        assert!(ids.run.is_none());
        assert_eq!(ids.get(-500), Some(NodeId(7)));
        assert_eq!(ids.get(499), Some(NodeId(1006)));
        assert_eq!(ids.get(2000), Some(NodeId(1007)));
        assert!(!ids.insert(-1, NodeId(1)));
        // A run at the very top of the range does not overflow.
        let mut ids = IntIds::default();
        assert!(ids.insert(i64::MAX, NodeId(0)));
        assert!(ids.insert(0, NodeId(1)));
        assert_eq!(ids.get(i64::MAX), Some(NodeId(0)));
        assert_eq!(ids.get(0), Some(NodeId(1)));
    }

    #[test]
    fn string_ids() {
        let mut ids = StrIds::default();
        assert!(ids.insert(b"a", NodeId(1)));
        assert!(!ids.insert(b"a", NodeId(2)));
        assert_eq!(ids.get(b"a"), Some(NodeId(1)));
        assert_eq!(ids.get(b"b"), None);
        let long = [b'x'; 100];
        assert!(ids.insert(&long, NodeId(3)));
        assert_eq!(ids.get(&long), Some(NodeId(3)));
        assert_eq!(ids.get(&long[..99]), None);
    }

    #[test]
    fn numeric_string_ids_stay_distinct_from_other_spellings() {
        for (text, value) in [
            (&b"0"[..], Some(0)),
            (b"42", Some(42)),
            (b"-7", Some(-7)),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"-9223372036854775808", Some(i64::MIN)),
        ] {
            assert_eq!(canonical_int(text), value);
        }
        for text in [
            &b"007"[..],
            b"+7",
            b"-0",
            b"00",
            b" 7",
            b"7 ",
            b"",
            b"-",
            b"1e3",
            b"9223372036854775808",
            b"\xff",
        ] {
            assert_eq!(canonical_int(text), None, "{text:?}");
        }
        let mut ids = StrIds::default();
        assert!(ids.insert(b"7", NodeId(0)));
        assert!(ids.insert(b"007", NodeId(1)));
        assert!(ids.insert(b"+7", NodeId(2)));
        assert!(ids.insert(b" 7", NodeId(3)));
        assert!(!ids.insert(b"7", NodeId(4)));
        assert!(!ids.insert(b"007", NodeId(4)));
        assert_eq!(ids.get(b"7"), Some(NodeId(0)));
        assert_eq!(ids.get(b"007"), Some(NodeId(1)));
        assert_eq!(ids.get(b"+7"), Some(NodeId(2)));
        assert_eq!(ids.get(b" 7"), Some(NodeId(3)));
        assert_eq!(ids.get(b"07"), None);
        for i in 8..1000 {
            assert!(ids.insert(i.to_string().as_bytes(), NodeId(i as u64)));
        }
        assert_eq!(ids.get(b"999"), Some(NodeId(999)));
        assert_eq!(ids.get(b"1000"), None);
    }
}
