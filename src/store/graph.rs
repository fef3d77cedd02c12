//! The property graph itself: petgraph's `StableDiGraph` holding node and relationship
//! records, maps from kg's own never-reused ids to petgraph's reusable slots, the label
//! index, per-type counts, and the undo log that makes statements and transactions atomic.

use super::adjacency::{decode, Adjacency, Csr};
use super::index::PropertyIndex;
use super::intern::{Interner, LabelLists, Symbol};
use super::labelset::LabelSet;
use super::relprops::RelPropStore;
use super::slots::Slots;
use crate::val::{NodeId, RelId, Val};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction as PgDirection;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Properties of a node or relationship, sorted by key symbol.
pub type Props = Vec<(Symbol, Val)>;

/// Properties as stored: a few inline in the record (no allocation per entity, and a scan
/// in id order reads them sequentially), spilling to the heap beyond that.
type NodeProps = SmallVec<[(Symbol, Val); 4]>;

#[derive(Debug, Clone, Default)]
pub(crate) struct NodeRecord {
    /// The node's labels, as a number in `Graph::label_lists`.
    labels: u32,
    props: NodeProps,
}

/// A relationship as petgraph holds it: its properties are in its type's columns (see
/// `relprops`), at `row`; its id is its slot's (see `slots`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RelRecord {
    rel_type: TypeTag,
    row: u32,
}

/// A relationship type symbol stored plus one, so that it cannot be zero: petgraph keeps
/// each relationship as `Option<RelRecord>`, and the niche saves 8 bytes per relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TypeTag(std::num::NonZeroU32);

impl TypeTag {
    fn new(s: Symbol) -> TypeTag {
        TypeTag(std::num::NonZeroU32::new(s.0.wrapping_add(1)).expect("fewer than 2^32 - 1 types"))
    }
    #[inline]
    fn sym(self) -> Symbol {
        Symbol(self.0.get() - 1)
    }
}

/// Which relationships of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Outgoing,
    Incoming,
    Both,
}

/// One change, recorded so that it can be undone.
#[derive(Debug, Clone)]
enum Undo {
    CreatedNode(NodeId),
    CreatedRel(RelId),
    DeletedNode {
        id: NodeId,
        labels: Vec<Symbol>,
        props: Props,
    },
    DeletedRel {
        id: RelId,
        rel_type: Symbol,
        start: NodeId,
        end: NodeId,
        props: Props,
    },
    NodeProp {
        id: NodeId,
        key: Symbol,
        old: Option<Val>,
    },
    RelProp {
        id: RelId,
        key: Symbol,
        old: Option<Val>,
    },
    AddedLabel(NodeId, Symbol),
    RemovedLabel(NodeId, Symbol, usize),
    /// An index (or the index of a constraint) created: dropped again.
    CreatedIndex(String),
    /// An index (or constraint) dropped: rebuilt from the nodes as they are at that
    /// point of the rollback, at its place in the list.
    DroppedIndex {
        name: String,
        label: Symbol,
        key: Symbol,
        unique: bool,
        position: usize,
    },
}

/// Two nodes sharing a value a uniqueness constraint allows once.
#[derive(Debug, Clone)]
pub struct UniqueConflict {
    pub constraint: String,
    pub label: Symbol,
    pub key: Symbol,
    pub value: Val,
    /// The two nodes: one that had the value (or the lower id, when a constraint is
    /// created over existing data) and one given it.
    pub nodes: (NodeId, NodeId),
}

/// A point in the undo log to roll back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    undo_len: usize,
    next_node: u64,
    next_rel: u64,
}

/// An in-memory property graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The topology. A node's weight is a placeholder byte (its id is its slot's, see
    /// `slots`), so that petgraph's node array, which every relationship insertion updates
    /// at random, stays at 12 bytes a node; the byte gives a bulk loader an address in a
    /// node's entry to prefetch.
    g: StableDiGraph<u8, RelRecord, u32>,
    /// Node labels and properties, by petgraph node slot.
    records: Vec<NodeRecord>,
    node_slots: Slots,
    rel_slots: Slots,
    next_node: u64,
    next_rel: u64,
    labels: Interner,
    label_lists: LabelLists,
    types: Interner,
    keys: Interner,
    label_index: FxHashMap<Symbol, LabelSet>,
    type_counts: FxHashMap<Symbol, usize>,
    undo: Vec<Undo>,
    /// Property indexes, maintained by every node write and undo; those marked `unique`
    /// back uniqueness constraints.
    indexes: Vec<PropertyIndex>,
    /// Nodes given a value that another node of a unique index already had, to check
    /// when the statement ends (`check_unique`).
    unique_suspects: Vec<NodeId>,
    /// Bumped on every change; lets callers tell whether the graph changed.
    version: u64,
    /// Per-type contiguous adjacency, built on first use (see `adjacency`).
    adj: Adjacency,
    /// Relationship properties, column-wise per type.
    rel_props: RelPropStore,
}

fn set_prop(props: &mut NodeProps, key: Symbol, value: Val) -> Option<Val> {
    match props.binary_search_by_key(&key, |(k, _)| *k) {
        Ok(i) => {
            if value.is_null() {
                Some(props.remove(i).1)
            } else {
                Some(std::mem::replace(&mut props[i].1, value))
            }
        }
        Err(i) => {
            if !value.is_null() {
                props.insert(i, (key, value));
            }
            None
        }
    }
}

/// The value of `key` in a property list sorted by key (as `Graph::node_props` gives).
#[inline]
pub fn get_prop(props: &[(Symbol, Val)], key: Symbol) -> Option<&Val> {
    // Most records hold a handful of properties: a forward scan of the sorted keys beats
    // a binary search's unpredictable branches there.
    if props.len() <= 8 {
        for (k, v) in props {
            if *k >= key {
                return (*k == key).then_some(v);
            }
        }
        return None;
    }
    props
        .binary_search_by_key(&key, |(k, _)| *k)
        .ok()
        .map(|i| &props[i].1)
}

/// Sorts properties by key and drops nulls (null means absent).
pub fn normalize_props(mut props: Props) -> Props {
    props.retain(|(_, v)| !v.is_null());
    props.sort_by_key(|(k, _)| *k);
    props.dedup_by_key(|(k, _)| *k);
    props
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    // ---- names ----

    pub fn intern_label(&mut self, name: &str) -> Symbol {
        self.labels.intern(name)
    }
    pub fn intern_type(&mut self, name: &str) -> Symbol {
        let t = self.types.intern(name);
        self.adj.grow(self.types.len());
        t
    }
    pub fn intern_key(&mut self, name: &str) -> Symbol {
        self.keys.intern(name)
    }
    pub fn label_symbol(&self, name: &str) -> Option<Symbol> {
        self.labels.get(name)
    }
    pub fn type_symbol(&self, name: &str) -> Option<Symbol> {
        self.types.get(name)
    }
    pub fn key_symbol(&self, name: &str) -> Option<Symbol> {
        self.keys.get(name)
    }
    pub fn label_name(&self, s: Symbol) -> &std::sync::Arc<str> {
        self.labels.name(s)
    }
    pub fn type_name(&self, s: Symbol) -> &std::sync::Arc<str> {
        self.types.name(s)
    }
    pub fn key_name(&self, s: Symbol) -> &std::sync::Arc<str> {
        self.keys.name(s)
    }
    /// A label's name as a string value.
    pub fn label_value(&self, s: Symbol) -> &crate::val::Str {
        self.labels.value(s)
    }
    /// A relationship type's name as a string value.
    pub fn type_value(&self, s: Symbol) -> &crate::val::Str {
        self.types.value(s)
    }
    /// A property key's name as a string value.
    pub fn key_value(&self, s: Symbol) -> &crate::val::Str {
        self.keys.value(s)
    }
    pub fn label_names(&self) -> impl Iterator<Item = (Symbol, &std::sync::Arc<str>)> {
        self.labels.names()
    }
    pub fn type_names(&self) -> impl Iterator<Item = (Symbol, &std::sync::Arc<str>)> {
        self.types.names()
    }
    pub fn key_names(&self) -> impl Iterator<Item = (Symbol, &std::sync::Arc<str>)> {
        self.keys.names()
    }

    // ---- reading ----

    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }
    pub fn rel_count(&self) -> usize {
        self.g.edge_count()
    }
    /// A counter that changes whenever the graph changes.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The id the next created node will get.
    pub fn next_node_id(&self) -> u64 {
        self.next_node
    }
    pub fn next_rel_id(&self) -> u64 {
        self.next_rel
    }

    /// Whether petgraph node slot `s` holds a node.
    #[inline]
    fn node_slot_occupied(&self, s: u32) -> bool {
        self.g.node_weight(NodeIndex::new(s as usize)).is_some()
    }
    /// Whether petgraph edge slot `s` holds a relationship.
    #[inline]
    fn rel_slot_occupied(&self, s: u32) -> bool {
        self.g.edge_weight(EdgeIndex::new(s as usize)).is_some()
    }
    fn node_ix(&self, id: NodeId) -> Option<NodeIndex<u32>> {
        let s = self.node_slots.get(id.0, |s| self.node_slot_occupied(s))?;
        Some(NodeIndex::new(s as usize))
    }
    /// The id of the node in an occupied slot.
    #[inline]
    fn node_id_at(&self, ix: NodeIndex<u32>) -> NodeId {
        NodeId(self.node_slots.id_of(ix.index() as u32))
    }
    /// (id, node index) of the nodes with ids in `from..below`, in id order.
    fn node_slot_pairs(
        &self,
        from: u64,
        below: u64,
    ) -> impl Iterator<Item = (u64, NodeIndex<u32>)> + '_ {
        self.node_slots
            .pairs(from, below, self.g.node_bound(), false, |s| {
                self.node_slot_occupied(s)
            })
            .map(|(id, s)| (id, NodeIndex::new(s as usize)))
    }
    fn rel_ix(&self, id: RelId) -> Option<EdgeIndex<u32>> {
        let s = self.rel_slots.get(id.0, |s| self.rel_slot_occupied(s))?;
        Some(EdgeIndex::new(s as usize))
    }
    /// The id of the relationship in an occupied edge slot.
    #[inline]
    fn rel_id_at(&self, e: EdgeIndex<u32>) -> RelId {
        RelId(self.rel_slots.id_of(e.index() as u32))
    }
    fn node_rec(&self, id: NodeId) -> Option<&NodeRecord> {
        self.node_ix(id).and_then(|ix| self.records.get(ix.index()))
    }
    fn rel_rec(&self, id: RelId) -> Option<&RelRecord> {
        self.rel_ix(id).and_then(|ix| self.g.edge_weight(ix))
    }

    /// Asks the processor to start loading a node's record (labels and properties) into
    /// the cache, for an operator that will read it a few rows later: expansions visit
    /// neighbours at random, and overlapping those memory reads hides most of their latency.
    #[inline]
    pub fn prefetch_node(&self, id: NodeId) {
        if let Some(rec) = self.node_rec(id) {
            prefetch(rec);
        }
    }

    /// Asks the processor to start loading the text of a node's string property, for a scan
    /// that will test it a few nodes later: strings shared by many nodes sit in no
    /// particular order, so each test would otherwise wait on a cache miss.
    #[inline]
    pub fn prefetch_string_prop(&self, id: NodeId, key: Symbol) {
        if let Some(Val::Str(s)) = self.node_rec(id).and_then(|r| get_prop(&r.props, key)) {
            // Not `s.as_bytes()`: that reads the string's length from its header, the very
            // cache miss the prefetch is meant to overlap. The header and the first bytes
            // of text share its first line; 50-byte texts reach into the next.
            let header = string_header(s);
            prefetch_addr(header);
            prefetch_addr(header.wrapping_add(64));
        }
    }

    /// Asks the processor to load what inserting a relationship between these nodes will
    /// update (their entries in petgraph's node array), so that a bulk loader can overlap
    /// those cache misses across a batch instead of taking them one insertion at a time.
    #[inline]
    pub fn prefetch_rel_endpoints(&self, start: NodeId, end: NodeId) {
        for n in [start, end] {
            if let Some(w) = self.node_ix(n).and_then(|ix| self.g.node_weight(ix)) {
                prefetch(w);
            }
        }
    }

    pub fn contains_node(&self, id: NodeId) -> bool {
        self.node_ix(id).is_some()
    }
    pub fn contains_rel(&self, id: RelId) -> bool {
        self.rel_ix(id).is_some()
    }
    pub fn node_labels(&self, id: NodeId) -> &[Symbol] {
        self.node_rec(id)
            .map(|r| self.label_lists.get(r.labels))
            .unwrap_or(&[])
    }
    /// From the label bitmap: no read of the node's record.
    pub fn has_label(&self, id: NodeId, label: Symbol) -> bool {
        self.label_index
            .get(&label)
            .is_some_and(|set| set.contains(id))
    }
    pub fn node_props(&self, id: NodeId) -> &[(Symbol, Val)] {
        self.node_rec(id).map(|r| r.props.as_slice()).unwrap_or(&[])
    }
    pub fn node_prop(&self, id: NodeId, key: Symbol) -> Option<&Val> {
        self.node_rec(id).and_then(|r| get_prop(&r.props, key))
    }
    pub fn rel_type(&self, id: RelId) -> Option<Symbol> {
        self.rel_rec(id).map(|r| r.rel_type.sym())
    }
    /// A relationship's properties sorted by key (built from its type's columns).
    pub fn rel_props(&self, id: RelId) -> Props {
        let mut out = Props::new();
        self.rel_props_into(id, &mut out);
        out
    }
    /// Appends a relationship's properties, sorted by key, to `out`.
    pub fn rel_props_into(&self, id: RelId, out: &mut Props) {
        if let Some(r) = self.rel_rec(id) {
            self.rel_props.props_into(r.rel_type.sym(), r.row, out);
        }
    }
    /// A relationship property, by value (integers and floats are stored unboxed).
    pub fn rel_prop(&self, id: RelId, key: Symbol) -> Option<Val> {
        let r = self.rel_rec(id)?;
        self.rel_props.get(r.rel_type.sym(), r.row, key)
    }
    /// Start and end node of a relationship.
    pub fn rel_endpoints(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        let ix = self.rel_ix(id)?;
        let (a, b) = self.g.edge_endpoints(ix)?;
        Some((self.node_id_at(a), self.node_id_at(b)))
    }

    /// All nodes in id order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.node_slot_pairs(0, u64::MAX).map(|(id, _)| NodeId(id))
    }
    /// All relationships in id order.
    pub fn rels(&self) -> impl Iterator<Item = RelId> + '_ {
        self.rel_slot_pairs(false).map(|(id, _)| RelId(id))
    }

    /// (id, edge index) of every relationship in id order (`rev`: highest first).
    fn rel_slot_pairs(&self, rev: bool) -> impl Iterator<Item = (u64, EdgeIndex<u32>)> + '_ {
        let bound = petgraph::visit::EdgeIndexable::edge_bound(&self.g);
        self.rel_slots
            .pairs(0, u64::MAX, bound, rev, |s| self.rel_slot_occupied(s))
            .map(|(id, s)| (id, EdgeIndex::new(s as usize)))
    }
    /// Nodes carrying a label, in id order, from the label index.
    pub fn nodes_with_label(&self, label: Symbol) -> impl Iterator<Item = NodeId> + '_ {
        self.label_index
            .get(&label)
            .into_iter()
            .flat_map(|set| set.iter())
    }
    /// The first node with id in `from..below`, for cursor-based scans.
    pub fn next_node_from(&self, from: u64, below: u64) -> Option<NodeId> {
        self.node_slot_pairs(from, below)
            .next()
            .map(|(id, _)| NodeId(id))
    }
    /// Appends up to `max` node ids in `from..below`, in id order.
    pub fn nodes_batch(&self, from: u64, below: u64, max: usize, out: &mut Vec<NodeId>) {
        for (id, _) in self.node_slot_pairs(from, below) {
            out.push(NodeId(id));
            if out.len() >= max {
                break;
            }
        }
    }
    /// Appends up to `max` ids of nodes carrying `label` in `from..below`, in id order.
    pub fn labeled_nodes_batch(
        &self,
        label: Symbol,
        from: u64,
        below: u64,
        max: usize,
        out: &mut Vec<NodeId>,
    ) {
        if let Some(set) = self.label_index.get(&label) {
            out.extend(set.range(from, below).take(max));
        }
    }
    /// The first node carrying `label` with id in `from..below`.
    pub fn next_labeled_node_from(&self, label: Symbol, from: u64, below: u64) -> Option<NodeId> {
        self.label_index.get(&label)?.range(from, below).next()
    }
    /// The nodes carrying `label` split into at most `parts` id ranges of nearly equal
    /// size (for parallel scans).
    pub fn split_label(&self, label: Symbol, parts: usize) -> Vec<(u64, u64)> {
        self.label_index
            .get(&label)
            .map_or_else(|| vec![(0, 0)], |set| set.split(parts))
    }
    pub fn label_count(&self, label: Symbol) -> usize {
        self.label_index.get(&label).map_or(0, |s| s.len())
    }
    pub fn type_count(&self, rel_type: Symbol) -> usize {
        self.type_counts.get(&rel_type).copied().unwrap_or(0)
    }

    /// The relationships of a node in one direction, optionally only of some types, as
    /// (relationship, other node) pairs, usually newest first (the arrays give descending
    /// relationship ids; petgraph's lists give insertion order reversed, which differs only
    /// for relationships a rollback put back). O(degree). A self-loop is reported
    /// once for `Both`. With one type this reads the per-type adjacency arrays (O(degree of
    /// that type), contiguous) unless the node changed since they were built.
    pub fn expand<'a>(
        &'a self,
        node: NodeId,
        dir: Direction,
        types: &'a [Symbol],
    ) -> impl Iterator<Item = (RelId, NodeId)> + 'a {
        if let [t] = types {
            let empty: &[(u32, u32)] = &[];
            let out = match dir {
                Direction::Incoming => Some(empty),
                _ => self.typed_adjacency(*t, true, node),
            };
            let inc = match dir {
                Direction::Outgoing => Some(empty),
                _ => self.typed_adjacency(*t, false, node),
            };
            if let (Some(out), Some(inc)) = (out, inc) {
                let both = dir == Direction::Both;
                return Either::Left(
                    out.iter().map(decode).chain(
                        inc.iter()
                            .map(decode)
                            .filter(move |(_, m)| !(both && *m == node)),
                    ),
                );
            }
        }
        Either::Right(self.expand_linked(node, dir, types))
    }

    /// `expand` over petgraph's per-node lists (all types, filtered).
    fn expand_linked<'a>(
        &'a self,
        node: NodeId,
        dir: Direction,
        types: &'a [Symbol],
    ) -> impl Iterator<Item = (RelId, NodeId)> + 'a {
        let ix = self.node_ix(node);
        let out = ix
            .filter(|_| dir != Direction::Incoming)
            .into_iter()
            .flat_map(move |ix| self.g.edges_directed(ix, PgDirection::Outgoing))
            .filter(move |e| types.is_empty() || types.contains(&e.weight().rel_type.sym()))
            .map(move |e| (self.rel_id_at(e.id()), self.node_id_at(e.target())));
        let inc = ix
            .filter(|_| dir != Direction::Outgoing)
            .into_iter()
            .flat_map(move |ix| self.g.edges_directed(ix, PgDirection::Incoming))
            .filter(move |e| {
                (types.is_empty() || types.contains(&e.weight().rel_type.sym()))
                    && !(dir == Direction::Both && e.source() == e.target())
            })
            .map(move |e| (self.rel_id_at(e.id()), self.node_id_at(e.source())));
        out.chain(inc)
    }

    /// A node's relationships of one type in one direction from the adjacency arrays
    /// (building them once the type has been expanded from enough nodes); `None` when the
    /// node must be read from petgraph.
    #[inline]
    fn typed_adjacency(&self, t: Symbol, outgoing: bool, node: NodeId) -> Option<&[(u32, u32)]> {
        // Build once the type has been expanded from as many nodes as a 256th of the graph's
        // (at least 1,024): then the lists have cost about what the build's two scans will.
        let after = if cfg!(test) {
            0
        } else {
            (self.node_count() / 256).max(1024)
        };
        self.adj.lookup(t, outgoing, node, after, || {
            self.build_adjacency(t, outgoing)
        })
    }

    /// The arrays for type `t` from scans over the relationships in id order, newest first
    /// (see `Csr::build`); `None` when ids do not fit the arrays' 32-bit entries.
    fn build_adjacency(&self, t: Symbol, outgoing: bool) -> Option<Csr> {
        if self.next_node > u64::from(u32::MAX) || self.next_rel > u64::from(u32::MAX) {
            return None;
        }
        let scan = |f: &mut dyn FnMut(u32, u32, u32)| {
            for (rid, e) in self.rel_slot_pairs(true) {
                match self.g.edge_weight(e) {
                    Some(w) if w.rel_type.sym() == t => {}
                    _ => continue,
                }
                let Some((a, b)) = self.g.edge_endpoints(e) else {
                    continue;
                };
                let (a, b) = (self.node_id_at(a).0 as u32, self.node_id_at(b).0 as u32);
                let (n, m) = if outgoing { (a, b) } else { (b, a) };
                f(rid as u32, n, m);
            }
        };
        Some(Csr::build(self.next_node, scan))
    }

    /// Bytes held by the adjacency arrays built so far.
    pub fn adjacency_bytes(&self) -> usize {
        self.adj.heap_bytes()
    }

    /// Number of relationships of a node in a direction (all types).
    pub fn degree(&self, node: NodeId, dir: Direction) -> usize {
        self.expand(node, dir, &[]).count()
    }

    // ---- writing ----

    fn touch(&mut self) {
        self.version = self.version.wrapping_add(1);
    }

    fn place_node(&mut self, id: NodeId, labels: Vec<Symbol>, props: Props) {
        for &l in &labels {
            self.label_index.entry(l).or_default().insert(id);
        }
        let ix = self.g.add_node(0);
        if self.records.len() <= ix.index() {
            self.records
                .resize_with(ix.index() + 1, NodeRecord::default);
        }
        self.records[ix.index()] = NodeRecord {
            labels: self.label_lists.intern(&labels),
            props: props.into(),
        };
        let occupied = || self.g.node_indices().map(|n| n.index() as u32).collect();
        let len = self.next_node.max(id.0 + 1);
        self.node_slots.set(id.0, ix.index() as u32, occupied, len);
        self.reindex(id);
    }

    /// Changes the labels of the node in petgraph slot `slot` (the record's list number).
    fn edit_labels(&mut self, slot: usize, edit: impl FnOnce(&mut Vec<Symbol>)) {
        let mut labels = self.label_lists.get(self.records[slot].labels).to_vec();
        edit(&mut labels);
        self.records[slot].labels = self.label_lists.intern(&labels);
    }

    /// Removes a node from petgraph and returns its record.
    fn take_node(&mut self, ix: NodeIndex<u32>) -> NodeRecord {
        self.g.remove_node(ix).expect("node exists");
        std::mem::take(&mut self.records[ix.index()])
    }

    /// Removes a node's entries from the property indexes (before a change).
    fn unindex(&mut self, id: NodeId) {
        if self.indexes.is_empty() {
            return;
        }
        if let Some(ix) = self.node_ix(id) {
            let rec = &self.records[ix.index()];
            for idx in &mut self.indexes {
                idx.remove(id, self.label_lists.get(rec.labels), &rec.props);
            }
        }
    }

    /// Adds a node's entries to the property indexes (after a change).
    fn reindex(&mut self, id: NodeId) {
        if self.indexes.is_empty() {
            return;
        }
        if let Some(ix) = self.node_ix(id) {
            let rec = &self.records[ix.index()];
            for idx in &mut self.indexes {
                if idx.insert(id, self.label_lists.get(rec.labels), &rec.props) && idx.unique {
                    self.unique_suspects.push(id);
                }
            }
        }
    }

    // ---- uniqueness constraints ----

    /// Creates a uniqueness constraint on (label, key), backed by an index of the same
    /// name. `Ok(false)` when an index or constraint of that name or on that pair exists;
    /// a conflict when two nodes already share a value (nothing is created then).
    pub fn create_constraint(
        &mut self,
        name: &str,
        label: Symbol,
        key: Symbol,
    ) -> Result<bool, UniqueConflict> {
        if self.index_clash(name, label, key) {
            return Ok(false);
        }
        let mut idx = self.build_index(name, label, key);
        if let Some((a, b)) = idx.first_duplicate() {
            let value = self.node_prop(a, key).cloned().unwrap_or(Val::Null);
            return Err(UniqueConflict {
                constraint: name.to_string(),
                label,
                key,
                value,
                nodes: (a, b),
            });
        }
        idx.unique = true;
        self.indexes.push(idx);
        self.undo.push(Undo::CreatedIndex(name.to_string()));
        self.touch();
        Ok(true)
    }

    /// Drops a uniqueness constraint and its index; false when there is none by that name.
    pub fn drop_constraint(&mut self, name: &str) -> bool {
        self.drop_index_where(|i| i.unique && i.name == name)
    }

    /// Drops the first index `which` picks, logging how to rebuild it; false when none.
    fn drop_index_where(&mut self, which: impl Fn(&PropertyIndex) -> bool) -> bool {
        let Some(position) = self.indexes.iter().position(which) else {
            return false;
        };
        let idx = self.indexes.remove(position);
        self.undo.push(Undo::DroppedIndex {
            name: idx.name,
            label: idx.label,
            key: idx.key,
            unique: idx.unique,
            position,
        });
        self.touch();
        true
    }

    /// The indexes backing uniqueness constraints.
    pub fn constraints(&self) -> impl Iterator<Item = &PropertyIndex> {
        self.indexes.iter().filter(|i| i.unique)
    }

    /// Checks the values written since the last check against the uniqueness constraints:
    /// the first node found sharing a constrained value with another, if any. Called when
    /// a statement ends, so a statement may pass through a duplicate (swapping two values)
    /// as long as it does not leave one.
    pub fn check_unique(&mut self) -> Result<(), UniqueConflict> {
        let suspects = std::mem::take(&mut self.unique_suspects);
        let mut same = Vec::new();
        for id in suspects {
            let Some(ix) = self.node_ix(id) else {
                continue;
            };
            let rec = &self.records[ix.index()];
            let labels = self.label_lists.get(rec.labels);
            for idx in self.indexes.iter().filter(|i| i.unique) {
                let Some(v) = idx.value_of(labels, &rec.props) else {
                    continue;
                };
                same.clear();
                idx.lookup_into(v, &mut same);
                if let Some(&other) = same.iter().find(|&&n| n != id) {
                    return Err(UniqueConflict {
                        constraint: idx.name.clone(),
                        label: idx.label,
                        key: idx.key,
                        value: v.clone(),
                        nodes: (other, id),
                    });
                }
            }
        }
        Ok(())
    }

    // ---- property indexes ----

    /// Creates an index on (label, key) and fills it; false when one with that name or on
    /// that pair exists already.
    pub fn create_index(&mut self, name: &str, label: Symbol, key: Symbol) -> bool {
        if self.index_clash(name, label, key) {
            return false;
        }
        let idx = self.build_index(name, label, key);
        self.indexes.push(idx);
        self.undo.push(Undo::CreatedIndex(name.to_string()));
        self.touch();
        true
    }

    /// Whether an index or constraint has this name or is on (label, key).
    pub fn index_clash(&self, name: &str, label: Symbol, key: Symbol) -> bool {
        self.indexes
            .iter()
            .any(|i| i.name == name || (i.label == label && i.key == key))
    }

    /// An index on (label, key) filled from the nodes as they are.
    fn build_index(&self, name: &str, label: Symbol, key: Symbol) -> PropertyIndex {
        let mut idx = PropertyIndex::new(name.to_string(), label, key);
        if let Some(set) = self.label_index.get(&label) {
            idx.build(
                set.len(),
                set.iter().filter_map(|id| {
                    let ix = self.node_ix(id)?;
                    Some((id, get_prop(&self.records[ix.index()].props, key)?))
                }),
            );
        }
        idx
    }

    /// Drops an index by name; false when there is none (an index backing a constraint
    /// is dropped only with the constraint).
    pub fn drop_index(&mut self, name: &str) -> bool {
        self.drop_index_where(|i| i.name == name && !i.unique)
    }

    pub fn indexes(&self) -> &[PropertyIndex] {
        &self.indexes
    }

    /// The index on (label, key), if there is one.
    pub fn find_index(&self, label: Symbol, key: Symbol) -> Option<&PropertyIndex> {
        self.indexes
            .iter()
            .find(|i| i.label == label && i.key == key)
    }

    fn place_rel<I: IntoIterator<Item = (Symbol, Val)>>(
        &mut self,
        id: RelId,
        rel_type: Symbol,
        start: NodeId,
        end: NodeId,
        props: I,
    ) {
        let (Some(a), Some(b)) = (self.node_ix(start), self.node_ix(end)) else {
            return;
        };
        let row = self.rel_props.insert(rel_type, props);
        let ix = self.g.add_edge(
            a,
            b,
            RelRecord {
                rel_type: TypeTag::new(rel_type),
                row,
            },
        );
        *self.type_counts.entry(rel_type).or_default() += 1;
        self.adj.touch(start);
        self.adj.touch(end);
        let occupied = || self.g.edge_indices().map(|e| e.index() as u32).collect();
        let len = self.next_rel.max(id.0 + 1);
        self.rel_slots.set(id.0, ix.index() as u32, occupied, len);
    }

    /// Creates a node; labels are deduplicated, null properties dropped.
    pub fn create_node(&mut self, labels: &[Symbol], props: Props) -> NodeId {
        let id = NodeId(self.next_node);
        self.next_node += 1;
        let mut ls: Vec<Symbol> = Vec::with_capacity(labels.len());
        for &l in labels {
            if !ls.contains(&l) {
                ls.push(l);
            }
        }
        self.place_node(id, ls, normalize_props(props));
        self.undo.push(Undo::CreatedNode(id));
        self.touch();
        id
    }

    /// Creates a relationship; `None` when an endpoint does not exist.
    pub fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: Symbol,
        props: Props,
    ) -> Option<RelId> {
        if !self.contains_node(start) || !self.contains_node(end) {
            return None;
        }
        let id = RelId(self.next_rel);
        self.next_rel += 1;
        self.place_rel(id, rel_type, start, end, props);
        self.undo.push(Undo::CreatedRel(id));
        self.touch();
        Some(id)
    }

    /// Sets (or with `Val::Null`, removes) a node property; returns the old value.
    pub fn set_node_prop(&mut self, id: NodeId, key: Symbol, value: Val) -> Option<Val> {
        let ix = self.node_ix(id)?;
        self.unindex(id);
        let old = set_prop(&mut self.records[ix.index()].props, key, value);
        self.reindex(id);
        self.undo.push(Undo::NodeProp {
            id,
            key,
            old: old.clone(),
        });
        self.touch();
        old
    }

    /// Sets (or with `Val::Null`, removes) a relationship property; returns the old value.
    pub fn set_rel_prop(&mut self, id: RelId, key: Symbol, value: Val) -> Option<Val> {
        let rec = *self.rel_rec(id)?;
        let old = self.rel_props.set(rec.rel_type.sym(), rec.row, key, value);
        self.undo.push(Undo::RelProp {
            id,
            key,
            old: old.clone(),
        });
        self.touch();
        old
    }

    /// Adds a label; false when the node already had it.
    pub fn add_label(&mut self, id: NodeId, label: Symbol) -> bool {
        let Some(ix) = self.node_ix(id) else {
            return false;
        };
        if self.node_labels(id).contains(&label) {
            return false;
        }
        self.unindex(id);
        self.edit_labels(ix.index(), |ls| ls.push(label));
        self.reindex(id);
        self.label_index.entry(label).or_default().insert(id);
        self.undo.push(Undo::AddedLabel(id, label));
        self.touch();
        true
    }

    /// Removes a label; false when the node did not have it.
    pub fn remove_label(&mut self, id: NodeId, label: Symbol) -> bool {
        let Some(ix) = self.node_ix(id) else {
            return false;
        };
        let Some(pos) = self.node_labels(id).iter().position(|&l| l == label) else {
            return false;
        };
        self.unindex(id);
        self.edit_labels(ix.index(), |ls| {
            ls.remove(pos);
        });
        self.reindex(id);
        if let Some(set) = self.label_index.get_mut(&label) {
            set.remove(&id);
        }
        self.undo.push(Undo::RemovedLabel(id, label, pos));
        self.touch();
        true
    }

    /// Deletes a relationship; false when it does not exist.
    pub fn delete_rel(&mut self, id: RelId) -> bool {
        let Some(ix) = self.rel_ix(id) else {
            return false;
        };
        let (a, b) = self.g.edge_endpoints(ix).expect("edge exists");
        let (start, end) = (self.node_id_at(a), self.node_id_at(b));
        let rec = self.g.remove_edge(ix).expect("edge exists");
        self.adj.touch(start);
        self.adj.touch(end);
        self.rel_slots.clear(id.0);
        if let Some(c) = self.type_counts.get_mut(&rec.rel_type.sym()) {
            *c -= 1;
        }
        self.undo.push(Undo::DeletedRel {
            id,
            rel_type: rec.rel_type.sym(),
            start,
            end,
            props: self.rel_props.remove(rec.rel_type.sym(), rec.row),
        });
        self.touch();
        true
    }

    /// Deletes a node that has no relationships; false when it does not exist or still has
    /// relationships (the caller decides whether that is an error or a DETACH).
    pub fn delete_node(&mut self, id: NodeId) -> bool {
        let Some(ix) = self.node_ix(id) else {
            return false;
        };
        if self
            .g
            .edges_directed(ix, PgDirection::Outgoing)
            .next()
            .is_some()
            || self
                .g
                .edges_directed(ix, PgDirection::Incoming)
                .next()
                .is_some()
        {
            return false;
        }
        self.unindex(id);
        let rec = self.take_node(ix);
        self.node_slots.clear(id.0);
        let labels = self.label_lists.get(rec.labels).to_vec();
        for l in &labels {
            if let Some(set) = self.label_index.get_mut(l) {
                set.remove(&id);
            }
        }
        self.undo.push(Undo::DeletedNode {
            id,
            labels,
            props: rec.props.to_vec(),
        });
        self.touch();
        true
    }

    // ---- undo ----

    /// The current point of the undo log.
    pub fn mark(&self) -> Mark {
        Mark {
            undo_len: self.undo.len(),
            next_node: self.next_node,
            next_rel: self.next_rel,
        }
    }

    /// Forgets the undo log: the changes so far are permanent.
    pub fn commit(&mut self) {
        self.undo.clear();
        self.unique_suspects.clear();
    }

    /// Undoes every change made since `mark`, restoring ids, labels, properties and
    /// relationships exactly.
    pub fn rollback_to(&mut self, mark: Mark) {
        while self.undo.len() > mark.undo_len {
            let op = self.undo.pop().expect("non-empty");
            let touched = match &op {
                Undo::CreatedNode(id)
                | Undo::NodeProp { id, .. }
                | Undo::AddedLabel(id, _)
                | Undo::RemovedLabel(id, _, _) => Some(*id),
                _ => None,
            };
            if let Some(id) = touched {
                self.unindex(id);
            }
            match op {
                Undo::CreatedNode(id) => {
                    if let Some(ix) = self.node_ix(id) {
                        let rec = self.take_node(ix);
                        for l in self.label_lists.get(rec.labels) {
                            if let Some(set) = self.label_index.get_mut(l) {
                                set.remove(&id);
                            }
                        }
                        self.node_slots.clear(id.0);
                    }
                }
                Undo::CreatedRel(id) => {
                    if let Some(ix) = self.rel_ix(id) {
                        if let Some((a, b)) = self.g.edge_endpoints(ix) {
                            let (start, end) = (self.node_id_at(a), self.node_id_at(b));
                            self.adj.touch(start);
                            self.adj.touch(end);
                        }
                        let rec = self.g.remove_edge(ix).expect("edge exists");
                        self.rel_props.remove(rec.rel_type.sym(), rec.row);
                        if let Some(c) = self.type_counts.get_mut(&rec.rel_type.sym()) {
                            *c -= 1;
                        }
                        self.rel_slots.clear(id.0);
                    }
                }
                Undo::DeletedNode { id, labels, props } => self.place_node(id, labels, props),
                Undo::DeletedRel {
                    id,
                    rel_type,
                    start,
                    end,
                    props,
                } => self.place_rel(id, rel_type, start, end, props),
                Undo::NodeProp { id, key, old } => {
                    if let Some(ix) = self.node_ix(id) {
                        set_prop(
                            &mut self.records[ix.index()].props,
                            key,
                            old.unwrap_or(Val::Null),
                        );
                    }
                }
                Undo::RelProp { id, key, old } => {
                    if let Some(rec) = self.rel_rec(id).copied() {
                        let t = rec.rel_type.sym();
                        self.rel_props
                            .set(t, rec.row, key, old.unwrap_or(Val::Null));
                    }
                }
                Undo::AddedLabel(id, label) => {
                    if let Some(ix) = self.node_ix(id) {
                        self.edit_labels(ix.index(), |ls| ls.retain(|l| *l != label));
                        if let Some(set) = self.label_index.get_mut(&label) {
                            set.remove(&id);
                        }
                    }
                }
                Undo::RemovedLabel(id, label, pos) => {
                    if let Some(ix) = self.node_ix(id) {
                        self.edit_labels(ix.index(), |ls| ls.insert(pos.min(ls.len()), label));
                        self.label_index.entry(label).or_default().insert(id);
                    }
                }
                Undo::CreatedIndex(name) => {
                    self.indexes.retain(|i| i.name != name);
                    self.touch();
                }
                Undo::DroppedIndex {
                    name,
                    label,
                    key,
                    unique,
                    position,
                } => {
                    let mut idx = self.build_index(&name, label, key);
                    idx.unique = unique;
                    self.indexes.insert(position.min(self.indexes.len()), idx);
                    self.touch();
                }
            }
            if let Some(id) = touched {
                self.reindex(id);
            }
        }
        self.next_node = mark.next_node;
        self.next_rel = mark.next_rel;
        self.node_slots.truncate(self.next_node);
        self.rel_slots.truncate(self.next_rel);
        // Values restored by the rollback held before; nothing left to check.
        self.unique_suspects.clear();
        self.touch();
    }

    // ---- bulk loading (snapshots, import) ----

    /// Inserts a node with a given id, without undo logging. Ids must not be in use; the
    /// next id moves past it.
    pub fn load_node(&mut self, id: NodeId, labels: Vec<Symbol>, props: Props) -> bool {
        if self.contains_node(id) {
            return false;
        }
        self.place_node(id, labels, normalize_props(props));
        self.next_node = self.next_node.max(id.0 + 1);
        true
    }

    /// Inserts a relationship with a given id, without undo logging.
    pub fn load_rel(
        &mut self,
        id: RelId,
        start: NodeId,
        end: NodeId,
        rel_type: Symbol,
        props: Props,
    ) -> bool {
        self.load_rel_from(id, start, end, rel_type, props)
    }

    /// `load_rel` with the properties given by value, without a heap list per
    /// relationship (bulk import: most relationships have at most one property).
    pub fn load_rel_from<I: IntoIterator<Item = (Symbol, Val)>>(
        &mut self,
        id: RelId,
        start: NodeId,
        end: NodeId,
        rel_type: Symbol,
        props: I,
    ) -> bool {
        if self.contains_rel(id) || !self.contains_node(start) || !self.contains_node(end) {
            return false;
        }
        self.place_rel(id, rel_type, start, end, props);
        self.next_rel = self.next_rel.max(id.0 + 1);
        true
    }

    /// Sets the next ids (they only move forward), so that deleted ids stay unused after a
    /// snapshot round trip.
    pub fn set_next_ids(&mut self, next_node: u64, next_rel: u64) {
        self.next_node = self.next_node.max(next_node);
        self.next_rel = self.next_rel.max(next_rel);
    }

    /// Reserves room for a bulk load.
    pub fn reserve(&mut self, nodes: usize, rels: usize) {
        self.g.reserve_nodes(nodes);
        self.records.reserve(nodes);
        self.g.reserve_edges(rels);
        self.node_slots.reserve(nodes);
        self.rel_slots.reserve(rels);
    }
}

/// The address of a shared string's allocation (its header, then its text), read from the
/// handle without touching the allocation.
#[inline]
fn string_header(s: &crate::val::Str) -> *const u8 {
    // An `ArcStr` is one pointer to its allocation (arcstr documents the size; checked
    // here). The address only feeds a prefetch, which cannot fault whatever it is given.
    const _: () =
        assert!(std::mem::size_of::<crate::val::Str>() == std::mem::size_of::<*const u8>());
    // SAFETY: reads the handle's 8 initialised bytes as a pointer value; never dereferenced.
    unsafe { std::ptr::read((s as *const crate::val::Str).cast::<*const u8>()) }
}

/// A cache prefetch hint for the line holding `x`.
#[inline]
fn prefetch<T>(x: &T) {
    prefetch_addr(x as *const T as *const u8)
}

/// A prefetch hint for any address (valid or not: a prefetch never faults).
#[inline]
fn prefetch_addr(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        let p = p as *const i8;
        // SAFETY: a prefetch is only a hint: it never faults and has no architectural
        // effect, whatever the address.
        #[allow(unused_unsafe)]
        unsafe {
            std::arch::x86_64::_mm_prefetch(p, std::arch::x86_64::_MM_HINT_T0);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// One of two iterator types (the adjacency arrays or petgraph's lists).
enum Either<L, R> {
    Left(L),
    Right(R),
}

impl<T, L: Iterator<Item = T>, R: Iterator<Item = T>> Iterator for Either<L, R> {
    type Item = T;
    #[inline]
    fn next(&mut self) -> Option<T> {
        match self {
            Either::Left(l) => l.next(),
            Either::Right(r) => r.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `expand` must agree with: petgraph's lists, read directly.
    fn check_all(g: &Graph, types: &[Symbol]) {
        let ids: Vec<NodeId> = g.nodes().collect();
        for &n in &ids {
            for dir in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
                for t in types {
                    let mut fast: Vec<_> = g.expand(n, dir, std::slice::from_ref(t)).collect();
                    let mut slow: Vec<_> =
                        g.expand_linked(n, dir, std::slice::from_ref(t)).collect();
                    fast.sort();
                    slow.sort();
                    assert_eq!(fast, slow, "node {n:?} {dir:?} type {t:?}");
                }
            }
        }
    }

    /// Without rollbacks the arrays give exactly petgraph's order (newest first).
    fn check_order(g: &Graph, t: Symbol) {
        for n in g.nodes() {
            for dir in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
                let fast: Vec<_> = g.expand(n, dir, &[t]).collect();
                let slow: Vec<_> = g.expand_linked(n, dir, &[t]).collect();
                assert_eq!(fast, slow, "node {n:?} {dir:?}");
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Node,
        Rel(usize, usize, bool),
        DeleteRel(usize),
        DetachNode(usize),
        Mark,
        Rollback,
        Check,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => Just(Op::Node),
            4 => (0..40usize, 0..40usize, any::<bool>()).prop_map(|(a, b, t)| Op::Rel(a, b, t)),
            1 => (0..200usize).prop_map(Op::DeleteRel),
            1 => (0..40usize).prop_map(Op::DetachNode),
            1 => Just(Op::Mark),
            1 => Just(Op::Rollback),
            2 => Just(Op::Check),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Typed expansion through the adjacency arrays gives exactly petgraph's answer,
        /// through creates, deletes, rollbacks and rebuilds (in the same order unless a
        /// rollback put a deleted relationship back at the head of petgraph's list).
        #[test]
        fn adjacency_matches_linked_lists(ops in proptest::collection::vec(op(), 1..120)) {
            let mut g = Graph::new();
            let a = g.intern_type("A");
            let b = g.intern_type("B");
            for _ in 0..10 {
                g.create_node(&[], Vec::new());
            }
            let mut mark = g.mark();
            for op in ops {
                let nodes: Vec<NodeId> = g.nodes().collect();
                let rels: Vec<RelId> = g.rels().collect();
                match op {
                    Op::Node => {
                        g.create_node(&[], Vec::new());
                    }
                    Op::Rel(x, y, t) if !nodes.is_empty() => {
                        let (s, e) = (nodes[x % nodes.len()], nodes[y % nodes.len()]);
                        g.create_rel(s, e, if t { a } else { b }, Vec::new());
                    }
                    Op::DeleteRel(i) if !rels.is_empty() => {
                        g.delete_rel(rels[i % rels.len()]);
                    }
                    Op::DetachNode(i) if !nodes.is_empty() => {
                        let n = nodes[i % nodes.len()];
                        let mine: Vec<RelId> =
                            g.expand(n, Direction::Both, &[]).map(|(r, _)| r).collect();
                        for r in mine {
                            g.delete_rel(r);
                        }
                        g.delete_node(n);
                    }
                    Op::Mark => mark = g.mark(),
                    Op::Rollback => {
                        if mark.undo_len <= g.mark().undo_len {
                            g.rollback_to(mark);
                        }
                        mark = g.mark();
                    }
                    Op::Check => check_all(&g, &[a, b]),
                    _ => {}
                }
            }
            check_all(&g, &[a, b]);
        }
    }

    #[test]
    fn records_stay_small() {
        // petgraph stores Option<RelRecord>: the type tag's niche keeps the tag free.
        assert_eq!(
            std::mem::size_of::<Option<RelRecord>>(),
            std::mem::size_of::<RelRecord>()
        );
        // Type and a row in the type's property columns: nothing per property, and the id
        // only in the slot tables when it differs from the slot.
        assert_eq!(std::mem::size_of::<RelRecord>(), 8);
        // A value is a tag and one word (strings are a thin pointer), so a node's four
        // inline properties take 24 bytes each.
        assert_eq!(std::mem::size_of::<Val>(), 16);
        assert_eq!(std::mem::size_of::<NodeRecord>(), 112);
    }

    #[test]
    fn many_writes_rebuild_the_arrays() {
        let mut g = Graph::new();
        let t = g.intern_type("T");
        let ns: Vec<NodeId> = (0..3000).map(|_| g.create_node(&[], Vec::new())).collect();
        for w in ns.windows(2) {
            g.create_rel(w[0], w[1], t, Vec::new());
        }
        check_all(&g, &[t]);
        assert!(
            g.adjacency_bytes() > 0,
            "arrays built by the first expansion"
        );
        check_order(&g, t);
        for w in ns.windows(3) {
            g.create_rel(w[2], w[0], t, Vec::new());
        }
        // More than MIN_STALE_FOR_REBUILD nodes changed: the arrays were dropped.
        assert_eq!(g.adjacency_bytes(), 0);
        check_all(&g, &[t]);
        assert!(g.adjacency_bytes() > 0);
        check_order(&g, t);
        // A few more writes: those nodes are stale and read from petgraph; same order.
        for w in ns.windows(2).take(10) {
            g.create_rel(w[1], w[0], t, Vec::new());
        }
        check_order(&g, t);
    }
}
