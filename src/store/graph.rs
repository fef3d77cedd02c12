//! The property graph itself: petgraph's `StableDiGraph` holding node and relationship
//! records, maps from kg's own never-reused ids to petgraph's reusable slots, the label
//! index, per-type counts, and the undo log that makes statements and transactions atomic.

use super::index::PropertyIndex;
use super::intern::{Interner, Symbol};
use super::labelset::LabelSet;
use crate::val::{NodeId, RelId, Val};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction as PgDirection;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Properties of a node or relationship, sorted by key symbol.
pub type Props = Vec<(Symbol, Val)>;

/// Properties as stored: a few inline in the record (no allocation per entity, and a scan
/// in id order reads them sequentially), spilling to the heap beyond that.
type NodeProps = SmallVec<[(Symbol, Val); 4]>;
type RelProps = SmallVec<[(Symbol, Val); 1]>;
type Labels = SmallVec<[Symbol; 2]>;

#[derive(Debug, Clone)]
pub(crate) struct NodeRecord {
    id: NodeId,
    labels: Labels,
    props: NodeProps,
}

#[derive(Debug, Clone)]
pub(crate) struct RelRecord {
    id: RelId,
    rel_type: Symbol,
    props: RelProps,
}

/// Which relationships of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Outgoing,
    Incoming,
    Both,
}

const NONE: u32 = u32::MAX;

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
    g: StableDiGraph<NodeRecord, RelRecord, u32>,
    node_slots: Vec<u32>,
    rel_slots: Vec<u32>,
    next_node: u64,
    next_rel: u64,
    labels: Interner,
    types: Interner,
    keys: Interner,
    label_index: FxHashMap<Symbol, LabelSet>,
    type_counts: FxHashMap<Symbol, usize>,
    undo: Vec<Undo>,
    /// Property indexes, maintained by every node write and undo.
    indexes: Vec<PropertyIndex>,
    /// Bumped on every change; lets callers tell whether the graph changed.
    version: u64,
}

fn set_prop<A: smallvec::Array<Item = (Symbol, Val)>>(
    props: &mut SmallVec<A>,
    key: Symbol,
    value: Val,
) -> Option<Val> {
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

fn get_prop(props: &[(Symbol, Val)], key: Symbol) -> Option<&Val> {
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
        self.types.intern(name)
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

    fn node_ix(&self, id: NodeId) -> Option<NodeIndex<u32>> {
        match self.node_slots.get(id.0 as usize) {
            Some(&s) if s != NONE => Some(NodeIndex::new(s as usize)),
            _ => None,
        }
    }
    fn rel_ix(&self, id: RelId) -> Option<EdgeIndex<u32>> {
        match self.rel_slots.get(id.0 as usize) {
            Some(&s) if s != NONE => Some(EdgeIndex::new(s as usize)),
            _ => None,
        }
    }
    fn node_rec(&self, id: NodeId) -> Option<&NodeRecord> {
        self.node_ix(id).and_then(|ix| self.g.node_weight(ix))
    }
    fn rel_rec(&self, id: RelId) -> Option<&RelRecord> {
        self.rel_ix(id).and_then(|ix| self.g.edge_weight(ix))
    }

    pub fn contains_node(&self, id: NodeId) -> bool {
        self.node_ix(id).is_some()
    }
    pub fn contains_rel(&self, id: RelId) -> bool {
        self.rel_ix(id).is_some()
    }
    pub fn node_labels(&self, id: NodeId) -> &[Symbol] {
        self.node_rec(id)
            .map(|r| r.labels.as_slice())
            .unwrap_or(&[])
    }
    pub fn has_label(&self, id: NodeId, label: Symbol) -> bool {
        self.node_labels(id).contains(&label)
    }
    pub fn node_props(&self, id: NodeId) -> &[(Symbol, Val)] {
        self.node_rec(id).map(|r| r.props.as_slice()).unwrap_or(&[])
    }
    pub fn node_prop(&self, id: NodeId, key: Symbol) -> Option<&Val> {
        self.node_rec(id).and_then(|r| get_prop(&r.props, key))
    }
    pub fn rel_type(&self, id: RelId) -> Option<Symbol> {
        self.rel_rec(id).map(|r| r.rel_type)
    }
    pub fn rel_props(&self, id: RelId) -> &[(Symbol, Val)] {
        self.rel_rec(id).map(|r| r.props.as_slice()).unwrap_or(&[])
    }
    pub fn rel_prop(&self, id: RelId, key: Symbol) -> Option<&Val> {
        self.rel_rec(id).and_then(|r| get_prop(&r.props, key))
    }
    /// Start and end node of a relationship.
    pub fn rel_endpoints(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        let ix = self.rel_ix(id)?;
        let (a, b) = self.g.edge_endpoints(ix)?;
        Some((self.g[a].id, self.g[b].id))
    }

    /// All nodes in id order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.node_slots
            .iter()
            .enumerate()
            .filter(|(_, &s)| s != NONE)
            .map(|(i, _)| NodeId(i as u64))
    }
    /// All relationships in id order.
    pub fn rels(&self) -> impl Iterator<Item = RelId> + '_ {
        self.rel_slots
            .iter()
            .enumerate()
            .filter(|(_, &s)| s != NONE)
            .map(|(i, _)| RelId(i as u64))
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
        let end = (below as usize).min(self.node_slots.len());
        let start = from as usize;
        if start >= end {
            return None;
        }
        self.node_slots[start..end]
            .iter()
            .position(|&s| s != NONE)
            .map(|i| NodeId((start + i) as u64))
    }
    /// Appends up to `max` node ids in `from..below`, in id order.
    pub fn nodes_batch(&self, from: u64, below: u64, max: usize, out: &mut Vec<NodeId>) {
        let end = (below as usize).min(self.node_slots.len());
        let start = (from as usize).min(end);
        for (i, &s) in self.node_slots[start..end].iter().enumerate() {
            if s != NONE {
                out.push(NodeId((start + i) as u64));
                if out.len() >= max {
                    break;
                }
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
    pub fn label_count(&self, label: Symbol) -> usize {
        self.label_index.get(&label).map_or(0, |s| s.len())
    }
    pub fn type_count(&self, rel_type: Symbol) -> usize {
        self.type_counts.get(&rel_type).copied().unwrap_or(0)
    }

    /// The relationships of a node in one direction, optionally only of some types, as
    /// (relationship, other node) pairs. O(degree). A self-loop is reported once for
    /// `Both`.
    pub fn expand<'a>(
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
            .filter(move |e| types.is_empty() || types.contains(&e.weight().rel_type))
            .map(move |e| (e.weight().id, self.g[e.target()].id));
        let inc = ix
            .filter(|_| dir != Direction::Outgoing)
            .into_iter()
            .flat_map(move |ix| self.g.edges_directed(ix, PgDirection::Incoming))
            .filter(move |e| {
                (types.is_empty() || types.contains(&e.weight().rel_type))
                    && !(dir == Direction::Both && e.source() == e.target())
            })
            .map(move |e| (e.weight().id, self.g[e.source()].id));
        out.chain(inc)
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
        let ix = self.g.add_node(NodeRecord {
            id,
            labels: labels.into(),
            props: props.into(),
        });
        let i = id.0 as usize;
        if self.node_slots.len() <= i {
            self.node_slots.resize(i + 1, NONE);
        }
        self.node_slots[i] = ix.index() as u32;
        self.reindex(id);
    }

    /// Removes a node's entries from the property indexes (before a change).
    fn unindex(&mut self, id: NodeId) {
        if self.indexes.is_empty() {
            return;
        }
        if let Some(ix) = self.node_ix(id) {
            let rec = &self.g[ix];
            for idx in &mut self.indexes {
                idx.remove(id, &rec.labels, &rec.props);
            }
        }
    }

    /// Adds a node's entries to the property indexes (after a change).
    fn reindex(&mut self, id: NodeId) {
        if self.indexes.is_empty() {
            return;
        }
        if let Some(ix) = self.node_ix(id) {
            let rec = &self.g[ix];
            for idx in &mut self.indexes {
                idx.insert(id, &rec.labels, &rec.props);
            }
        }
    }

    // ---- property indexes ----

    /// Creates an index on (label, key) and fills it; false when one with that name or on
    /// that pair exists already.
    pub fn create_index(&mut self, name: &str, label: Symbol, key: Symbol) -> bool {
        if self
            .indexes
            .iter()
            .any(|i| i.name == name || (i.label == label && i.key == key))
        {
            return false;
        }
        let mut idx = PropertyIndex::new(name.to_string(), label, key);
        idx.reserve(self.label_count(label));
        if let Some(set) = self.label_index.get(&label) {
            for id in set.iter() {
                if let Some(ix) = self.node_ix(id) {
                    let rec = &self.g[ix];
                    idx.insert(id, &rec.labels, &rec.props);
                }
            }
        }
        self.indexes.push(idx);
        self.touch();
        true
    }

    /// Drops an index by name; false when there is none.
    pub fn drop_index(&mut self, name: &str) -> bool {
        let before = self.indexes.len();
        self.indexes.retain(|i| i.name != name);
        if self.indexes.len() != before {
            self.touch();
            true
        } else {
            false
        }
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

    fn place_rel(&mut self, id: RelId, rel_type: Symbol, start: NodeId, end: NodeId, props: Props) {
        let (Some(a), Some(b)) = (self.node_ix(start), self.node_ix(end)) else {
            return;
        };
        let ix = self.g.add_edge(
            a,
            b,
            RelRecord {
                id,
                rel_type,
                props: props.into(),
            },
        );
        *self.type_counts.entry(rel_type).or_default() += 1;
        let i = id.0 as usize;
        if self.rel_slots.len() <= i {
            self.rel_slots.resize(i + 1, NONE);
        }
        self.rel_slots[i] = ix.index() as u32;
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
        self.place_rel(id, rel_type, start, end, normalize_props(props));
        self.undo.push(Undo::CreatedRel(id));
        self.touch();
        Some(id)
    }

    /// Sets (or with `Val::Null`, removes) a node property; returns the old value.
    pub fn set_node_prop(&mut self, id: NodeId, key: Symbol, value: Val) -> Option<Val> {
        let ix = self.node_ix(id)?;
        self.unindex(id);
        let old = set_prop(&mut self.g[ix].props, key, value);
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
        let ix = self.rel_ix(id)?;
        let old = set_prop(&mut self.g[ix].props, key, value);
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
        if self.g[ix].labels.contains(&label) {
            return false;
        }
        self.unindex(id);
        self.g[ix].labels.push(label);
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
        let Some(pos) = self.g[ix].labels.iter().position(|&l| l == label) else {
            return false;
        };
        self.unindex(id);
        self.g[ix].labels.remove(pos);
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
        let (start, end) = (self.g[a].id, self.g[b].id);
        let rec = self.g.remove_edge(ix).expect("edge exists");
        self.rel_slots[id.0 as usize] = NONE;
        if let Some(c) = self.type_counts.get_mut(&rec.rel_type) {
            *c -= 1;
        }
        self.undo.push(Undo::DeletedRel {
            id,
            rel_type: rec.rel_type,
            start,
            end,
            props: rec.props.to_vec(),
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
        let rec = self.g.remove_node(ix).expect("node exists");
        self.node_slots[id.0 as usize] = NONE;
        for l in &rec.labels {
            if let Some(set) = self.label_index.get_mut(l) {
                set.remove(&id);
            }
        }
        self.undo.push(Undo::DeletedNode {
            id,
            labels: rec.labels.to_vec(),
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
                        let rec = self.g.remove_node(ix).expect("node exists");
                        for l in &rec.labels {
                            if let Some(set) = self.label_index.get_mut(l) {
                                set.remove(&id);
                            }
                        }
                        self.node_slots[id.0 as usize] = NONE;
                    }
                }
                Undo::CreatedRel(id) => {
                    if let Some(ix) = self.rel_ix(id) {
                        let rec = self.g.remove_edge(ix).expect("edge exists");
                        if let Some(c) = self.type_counts.get_mut(&rec.rel_type) {
                            *c -= 1;
                        }
                        self.rel_slots[id.0 as usize] = NONE;
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
                        set_prop(&mut self.g[ix].props, key, old.unwrap_or(Val::Null));
                    }
                }
                Undo::RelProp { id, key, old } => {
                    if let Some(ix) = self.rel_ix(id) {
                        set_prop(&mut self.g[ix].props, key, old.unwrap_or(Val::Null));
                    }
                }
                Undo::AddedLabel(id, label) => {
                    if let Some(ix) = self.node_ix(id) {
                        self.g[ix].labels.retain(|l| *l != label);
                        if let Some(set) = self.label_index.get_mut(&label) {
                            set.remove(&id);
                        }
                    }
                }
                Undo::RemovedLabel(id, label, pos) => {
                    if let Some(ix) = self.node_ix(id) {
                        let labels = &mut self.g[ix].labels;
                        labels.insert(pos.min(labels.len()), label);
                        self.label_index.entry(label).or_default().insert(id);
                    }
                }
            }
            if let Some(id) = touched {
                self.reindex(id);
            }
        }
        self.next_node = mark.next_node;
        self.next_rel = mark.next_rel;
        self.node_slots.truncate(self.next_node as usize);
        self.rel_slots.truncate(self.next_rel as usize);
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
        if self.contains_rel(id) || !self.contains_node(start) || !self.contains_node(end) {
            return false;
        }
        self.place_rel(id, rel_type, start, end, normalize_props(props));
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
        self.g.reserve_edges(rels);
        self.node_slots.reserve(nodes);
        self.rel_slots.reserve(rels);
    }
}
