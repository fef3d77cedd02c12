//! Finding entities by any of their names. A node's names are its `name` and the strings
//! in its `aliases` (a string or a list of strings), compared without regard to case or
//! runs of spaces. `kg.resolve(name)` in Cypher and the REPL's `:find` use this module;
//! `:find` also offers near matches (a word of a name, or a small edit distance) when
//! nothing matches exactly, so that a misspelling like "Liu Hu" or "Lighthiser" still
//! leads to the right node.

use crate::store::{Graph, Symbol};
use crate::val::{NodeId, Val};
use std::collections::HashMap;

/// How a name matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The node's `name`.
    Name,
    /// One of its `aliases`.
    Alias,
    /// A whole word of a name or alias, or the query is a part of one.
    Partial,
    /// Within a small edit distance of a name, an alias or one of their words.
    Near(usize),
}

impl MatchKind {
    pub fn describe(self) -> String {
        match self {
            MatchKind::Name => "name".into(),
            MatchKind::Alias => "alias".into(),
            MatchKind::Partial => "part of a name".into(),
            MatchKind::Near(d) => format!("near ({d} edit{})", if d == 1 { "" } else { "s" }),
        }
    }
}

/// One entity found by [`find`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub node: NodeId,
    /// The name or alias that matched, as the graph spells it.
    pub matched: String,
    pub kind: MatchKind,
}

/// Case- and space-insensitive form of a name.
pub fn normalize(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every (node, name as written, is an alias) in the graph.
fn names(g: &Graph) -> Vec<(NodeId, String, bool)> {
    let key = |k: &str| g.key_symbol(k);
    let (name, aliases, alias) = (key("name"), key("aliases"), key("alias"));
    let mut out = Vec::new();
    let strings = |v: &Val, out: &mut Vec<String>| match v {
        Val::Str(s) => out.push(s.to_string()),
        Val::List(items) => out.extend(items.iter().filter_map(|i| match i {
            Val::Str(s) => Some(s.to_string()),
            _ => None,
        })),
        _ => {}
    };
    let get = |n: NodeId, k: Option<Symbol>| k.and_then(|k| g.node_prop(n, k));
    for n in g.nodes() {
        if let Some(Val::Str(s)) = get(n, name) {
            out.push((n, s.to_string(), false));
        }
        let mut more = Vec::new();
        for k in [aliases, alias] {
            if let Some(v) = get(n, k) {
                strings(v, &mut more);
            }
        }
        out.extend(more.into_iter().map(|s| (n, s, true)));
    }
    out
}

/// Exact lookups by name or alias; built once per statement that calls `kg.resolve`.
#[derive(Debug, Default)]
pub struct AliasIndex {
    by_name: HashMap<String, Vec<(MatchKind, NodeId)>>,
}

impl AliasIndex {
    pub fn build(g: &Graph) -> AliasIndex {
        let mut by_name: HashMap<String, Vec<(MatchKind, NodeId)>> = HashMap::new();
        for (n, s, is_alias) in names(g) {
            let kind = if is_alias {
                MatchKind::Alias
            } else {
                MatchKind::Name
            };
            by_name.entry(normalize(&s)).or_default().push((kind, n));
        }
        for v in by_name.values_mut() {
            v.sort();
            v.dedup_by_key(|(_, n)| *n);
        }
        AliasIndex { by_name }
    }

    /// The nodes called `name`: those whose `name` it is first, then those with it as an
    /// alias, each group in id order.
    pub fn resolve_all(&self, name: &str) -> Vec<NodeId> {
        let mut v = self
            .by_name
            .get(&normalize(name))
            .cloned()
            .unwrap_or_default();
        v.sort();
        let mut seen = Vec::new();
        for (_, n) in v {
            if !seen.contains(&n) {
                seen.push(n);
            }
        }
        seen
    }

    /// The best node called `name` (see [`resolve_all`](Self::resolve_all)).
    pub fn resolve(&self, name: &str) -> Option<NodeId> {
        self.resolve_all(name).into_iter().next()
    }
}

/// The entities called `query`: exact matches by name or alias if there are any;
/// otherwise partial matches (a whole word, or a part of a name) and near matches (an
/// edit distance of at most a quarter of the query's length, at least 1), best first.
pub fn find(g: &Graph, query: &str) -> Vec<Found> {
    let q = normalize(query);
    if q.is_empty() {
        return Vec::new();
    }
    let all = names(g);
    let mut exact: Vec<Found> = all
        .iter()
        .filter(|(_, s, _)| normalize(s) == q)
        .map(|(n, s, a)| Found {
            node: *n,
            matched: s.clone(),
            kind: if *a {
                MatchKind::Alias
            } else {
                MatchKind::Name
            },
        })
        .collect();
    if !exact.is_empty() {
        return best_per_node(&mut exact);
    }
    let max_distance = (q.chars().count() / 4).max(1);
    let mut near = Vec::new();
    for (n, s, _) in &all {
        let norm = normalize(s);
        let kind = if norm.split(' ').any(|w| w == q) || (q.len() >= 3 && norm.contains(&q)) {
            Some(MatchKind::Partial)
        } else {
            std::iter::once(norm.as_str())
                .chain(norm.split(' '))
                .map(|w| strsim::levenshtein(w, &q))
                .min()
                .filter(|d| *d <= max_distance)
                .map(MatchKind::Near)
        };
        if let Some(kind) = kind {
            near.push(Found {
                node: *n,
                matched: s.clone(),
                kind,
            });
        }
    }
    best_per_node(&mut near)
}

/// Keeps each node's best match; sorts best first, then by id.
fn best_per_node(found: &mut Vec<Found>) -> Vec<Found> {
    found.sort_by_key(|f| (f.kind, f.node));
    let mut out: Vec<Found> = Vec::new();
    for f in found.drain(..) {
        if !out.iter().any(|o| o.node == f.node) {
            out.push(f);
        }
    }
    out
}
