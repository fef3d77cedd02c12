//! Source sentences behind graph elements: the resolution step of `WHY`. A lineage (the
//! nodes and relationships a row was derived from) becomes the list of sentences that
//! support it, in article order, each with the elements that cite it.
//!
//! The convention, for any graph (docs/provenance.md):
//! - a `:Sentence` node is its own source; its number is its `index`, its words `text`;
//! - a node or relationship property `sentences` (a list of integers) or `sentence` (an
//!   integer) names sentences by their `index`;
//! - a property `source` (a string or a list of strings) gives the source text itself;
//! - a `SOURCE` relationship from a node to another node makes that node a source.

use crate::store::{Direction, Graph, Symbol};
use crate::val::{NodeId, RelId, Val};
use crate::value::Value;
use std::collections::{BTreeMap, HashMap};

/// Resolves lineages against one graph; the sentence lookup is built once.
pub struct Resolver<'g> {
    g: &'g Graph,
    index_key: Option<Symbol>,
    text_key: Option<Symbol>,
    sentences_key: Option<Symbol>,
    sentence_key: Option<Symbol>,
    source_key: Option<Symbol>,
    key_key: Option<Symbol>,
    name_key: Option<Symbol>,
    sentence_label: Option<Symbol>,
    source_type: Option<Symbol>,
    /// Sentence `index` → its node.
    by_index: HashMap<i64, NodeId>,
}

/// What supports one element: numbered sentences and verbatim texts, each marked
/// `stated` when it states a fact (a relationship's sources, a `SOURCE` relationship, a
/// sentence itself) rather than only mentioning a node (a node's own properties).
#[derive(Default)]
struct Support {
    numbered: Vec<(i64, bool)>,
    texts: Vec<(String, bool)>,
}

impl<'g> Resolver<'g> {
    pub fn new(g: &'g Graph) -> Resolver<'g> {
        let sentence_label = g.label_symbol("Sentence");
        let index_key = g.key_symbol("index");
        let mut by_index = HashMap::new();
        if let (Some(l), Some(k)) = (sentence_label, index_key) {
            for n in g.nodes_with_label(l) {
                if let Some(Val::Int(i)) = g.node_prop(n, k) {
                    by_index.entry(*i).or_insert(n);
                }
            }
        }
        Resolver {
            g,
            index_key,
            text_key: g.key_symbol("text"),
            sentences_key: g.key_symbol("sentences"),
            sentence_key: g.key_symbol("sentence"),
            source_key: g.key_symbol("source"),
            key_key: g.key_symbol("key"),
            name_key: g.key_symbol("name"),
            sentence_label,
            source_type: g.type_symbol("SOURCE"),
            by_index,
        }
    }

    /// The sources of a lineage value (a list of nodes and relationships, as `WHY`'s
    /// lineage column holds): a list of maps `{sentence, text, stated, via}`, numbered sentences
    /// in order first, then verbatim sources in the order first met.
    pub fn sources(&self, lineage: &Value) -> Value {
        let mut numbered: BTreeMap<i64, (Vec<String>, bool)> = BTreeMap::new();
        let mut texts: Vec<(String, Vec<String>, bool)> = Vec::new();
        let items = match lineage {
            Value::List(items) => items.as_slice(),
            _ => &[],
        };
        for item in items {
            let (support, caption) = match item {
                Value::Node(n) => (
                    self.node_support(NodeId(n.id)),
                    self.node_caption(NodeId(n.id)),
                ),
                Value::Relationship(r) => {
                    (self.rel_support(RelId(r.id)), self.rel_caption(RelId(r.id)))
                }
                _ => continue,
            };
            for (i, stated) in support.numbered {
                let (via, st) = numbered.entry(i).or_default();
                *st |= stated;
                if !via.contains(&caption) {
                    via.push(caption.clone());
                }
            }
            for (t, stated) in support.texts {
                match texts.iter_mut().find(|(x, _, _)| *x == t) {
                    Some((_, via, st)) => {
                        *st |= stated;
                        if !via.contains(&caption) {
                            via.push(caption.clone());
                        }
                    }
                    None => texts.push((t, vec![caption.clone()], stated)),
                }
            }
        }
        let entry = |sentence: Value, text: Value, via: Vec<String>, stated: bool| {
            let mut m = BTreeMap::new();
            m.insert("sentence".to_string(), sentence);
            m.insert("text".to_string(), text);
            m.insert("stated".to_string(), Value::Bool(stated));
            m.insert(
                "via".to_string(),
                Value::List(via.into_iter().map(Value::String).collect()),
            );
            Value::Map(m)
        };
        let mut out: Vec<Value> = numbered
            .into_iter()
            .map(|(i, (via, stated))| entry(Value::Int(i), self.sentence_text(i), via, stated))
            .collect();
        out.extend(
            texts
                .into_iter()
                .map(|(t, via, stated)| entry(Value::Null, Value::String(t), via, stated)),
        );
        Value::List(out)
    }

    fn sentence_text(&self, index: i64) -> Value {
        self.by_index
            .get(&index)
            .and_then(|n| self.text_key.and_then(|k| self.g.node_prop(*n, k)))
            .map(|v| match v {
                Val::Str(s) => Value::String(s.to_string()),
                _ => Value::Null,
            })
            .unwrap_or(Value::Null)
    }

    fn props_support(&self, prop: impl Fn(Symbol) -> Option<Val>, stated: bool, out: &mut Support) {
        let mut ints = |v: &Val| match v {
            Val::Int(i) => out.numbered.push((*i, stated)),
            Val::List(items) => {
                for i in items.iter() {
                    if let Val::Int(i) = i {
                        out.numbered.push((*i, stated))
                    }
                }
            }
            _ => {}
        };
        for k in [self.sentences_key, self.sentence_key]
            .into_iter()
            .flatten()
        {
            if let Some(v) = prop(k) {
                ints(&v);
            }
        }
        if let Some(v) = self.source_key.and_then(&prop) {
            match v {
                Val::Str(s) => out.texts.push((s.to_string(), stated)),
                Val::List(items) => out.texts.extend(items.iter().filter_map(|i| match i {
                    Val::Str(s) => Some((s.to_string(), stated)),
                    _ => None,
                })),
                _ => {}
            }
        }
    }

    fn node_support(&self, n: NodeId) -> Support {
        let g = self.g;
        let mut out = Support::default();
        if !g.contains_node(n) {
            return out;
        }
        if self.sentence_label.is_some_and(|l| g.has_label(n, l)) {
            self.own_words(n, &mut out);
        }
        self.props_support(|k| g.node_prop(n, k).cloned(), false, &mut out);
        if let Some(t) = self.source_type {
            for (_, target) in g.expand(n, Direction::Outgoing, std::slice::from_ref(&t)) {
                self.own_words(target, &mut out);
                self.props_support(|k| g.node_prop(target, k).cloned(), true, &mut out);
            }
        }
        out
    }

    /// A source node's own words: a sentence by its number, anything else by its `text`.
    fn own_words(&self, n: NodeId, out: &mut Support) {
        let g = self.g;
        let is_sentence = self.sentence_label.is_some_and(|l| g.has_label(n, l));
        match self.index_key.and_then(|k| g.node_prop(n, k)) {
            Some(Val::Int(i)) if is_sentence => out.numbered.push((*i, true)),
            _ => {
                if let Some(Val::Str(t)) = self.text_key.and_then(|k| g.node_prop(n, k)) {
                    out.texts.push((t.to_string(), true));
                }
            }
        }
    }

    fn rel_support(&self, r: RelId) -> Support {
        let mut out = Support::default();
        self.props_support(|k| self.g.rel_prop(r, k), true, &mut out);
        out
    }

    /// `key` if the node has one, else `Label 'name'`, else `Label#id`.
    fn node_caption(&self, n: NodeId) -> String {
        let g = self.g;
        if let Some(Val::Str(k)) = self.key_key.and_then(|k| g.node_prop(n, k)) {
            return k.to_string();
        }
        let label = g
            .node_labels(n)
            .first()
            .map(|l| g.label_name(*l).to_string())
            .unwrap_or_else(|| "node".into());
        match self.name_key.and_then(|k| g.node_prop(n, k)) {
            Some(Val::Str(name)) => format!("{label} '{name}'"),
            _ => format!("{label}#{}", n.0),
        }
    }

    fn rel_caption(&self, r: RelId) -> String {
        let g = self.g;
        let ty = g
            .rel_type(r)
            .map(|t| g.type_name(t).to_string())
            .unwrap_or_default();
        match g.rel_endpoints(r) {
            Some((a, b)) => format!("{}-[:{ty}]->{}", self.node_caption(a), self.node_caption(b)),
            None => format!("[:{ty}]#{}", r.0),
        }
    }
}
