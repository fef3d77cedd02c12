//! Runtime values: what flows through query execution and what the store keeps as
//! property values. Nodes and relationships are carried as ids, not copies; strings,
//! lists and maps are reference-counted so that copying a row is cheap.

use std::collections::BTreeMap;
use std::sync::Arc;

/// The id of a node: monotonically increasing, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u64);

/// The id of a relationship: monotonically increasing, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelId(pub u64);

/// A path as ids: `nodes.len() == rels.len() + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathVal {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}

/// A string value: one pointer to a shared, reference-counted allocation (a `Val` is 16
/// bytes, where `Arc<str>`'s length beside its pointer would make it 24).
pub type Str = arcstr::ArcStr;

/// A map value; keys in sorted order.
pub type MapVal = BTreeMap<Arc<str>, Val>;

/// A runtime value.
#[derive(Debug, Clone)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    List(Arc<Vec<Val>>),
    Map(Arc<MapVal>),
    Node(NodeId),
    Rel(RelId),
    Path(Arc<PathVal>),
    Temporal(Arc<crate::temporal::Temporal>),
}

impl Val {
    pub fn str(s: &str) -> Val {
        Val::Str(Str::from(s))
    }
    pub fn list(items: Vec<Val>) -> Val {
        Val::List(Arc::new(items))
    }
    pub fn map(m: MapVal) -> Val {
        Val::Map(Arc::new(m))
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }
    /// The openCypher type name, used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "NULL",
            Val::Bool(_) => "BOOLEAN",
            Val::Int(_) => "INTEGER",
            Val::Float(_) => "FLOAT",
            Val::Str(_) => "STRING",
            Val::List(_) => "LIST",
            Val::Map(_) => "MAP",
            Val::Node(_) => "NODE",
            Val::Rel(_) => "RELATIONSHIP",
            Val::Path(_) => "PATH",
            Val::Temporal(t) => t.type_name(),
        }
    }
    /// True for values a property may hold: scalars and homogeneous lists of them.
    pub fn is_storable(&self) -> bool {
        match self {
            Val::Null
            | Val::Bool(_)
            | Val::Int(_)
            | Val::Float(_)
            | Val::Str(_)
            | Val::Temporal(_) => true,
            Val::List(items) => {
                let mut kind: Option<u8> = None;
                for item in items.iter() {
                    let k = match item {
                        Val::Bool(_) => 1,
                        Val::Int(_) => 2,
                        Val::Float(_) => 3,
                        Val::Str(_) => 4,
                        Val::Temporal(t) => 5 + t.kind() as u8,
                        _ => return false,
                    };
                    match kind {
                        None => kind = Some(k),
                        Some(prev) if prev == k => {}
                        Some(_) => return false,
                    }
                }
                true
            }
            _ => false,
        }
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::Float(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Val {
        Val::Bool(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::str(v)
    }
}
