//! `:schema`: what the graph holds, computed by one pass over it — node labels with
//! counts, relationship types with counts and the (from)-[type]->(to) label pairs they
//! connect, and the property keys of each label and type with the value types they hold.

use crate::store::{Graph, Symbol};
use crate::val::Val;
use std::collections::{BTreeMap, BTreeSet};

/// A property key as seen on one label or relationship type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyInfo {
    pub key: String,
    /// Value type names, e.g. `STRING`, `LIST<INTEGER>`.
    pub types: BTreeSet<String>,
    /// How many of the nodes or relationships have it.
    pub count: usize,
}

/// A node label (or `None` for nodes without labels) or a relationship type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub name: Option<String>,
    pub count: usize,
    pub properties: Vec<PropertyInfo>,
}

/// One (from)-[type]->(to) combination of label sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub from: String,
    pub to: String,
    pub count: usize,
}

/// The schema of a graph as found in its data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    pub labels: Vec<GroupInfo>,
    pub types: Vec<(GroupInfo, Vec<Pattern>)>,
}

/// How many relationships connect each (from, to) pair of label sets.
type PairCounts = BTreeMap<(String, String), usize>;

#[derive(Default)]
struct Tally {
    count: usize,
    props: BTreeMap<Symbol, (BTreeSet<String>, usize)>,
}

impl Tally {
    fn add(&mut self, props: &[(Symbol, Val)]) {
        self.count += 1;
        for (k, v) in props {
            let e = self.props.entry(*k).or_default();
            e.0.insert(value_type(v));
            e.1 += 1;
        }
    }
    fn finish(self, name: Option<String>, graph: &Graph) -> GroupInfo {
        let mut properties: Vec<PropertyInfo> = self
            .props
            .into_iter()
            .map(|(k, (mut types, count))| {
                // An empty list says nothing about the element type when others do.
                if types.len() > 1 && types.iter().any(|t| t.starts_with("LIST<")) {
                    types.remove("LIST");
                }
                (k, (types, count))
            })
            .map(|(k, (types, count))| PropertyInfo {
                key: graph.key_name(k).to_string(),
                types,
                count,
            })
            .collect();
        properties.sort_by(|a, b| a.key.cmp(&b.key));
        GroupInfo {
            name,
            count: self.count,
            properties,
        }
    }
}

/// The Cypher type name of a stored value; lists name their element type.
pub fn value_type(v: &Val) -> String {
    match v {
        Val::List(items) => {
            let inner: BTreeSet<&str> = items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| i.type_name())
                .collect();
            match inner.len() {
                0 => "LIST".to_string(),
                1 => format!("LIST<{}>", inner.iter().next().copied().unwrap_or("ANY")),
                _ => "LIST<ANY>".to_string(),
            }
        }
        other => other.type_name().to_string(),
    }
}

fn label_set(graph: &Graph, labels: &[Symbol]) -> String {
    if labels.is_empty() {
        return "()".to_string();
    }
    let mut names: Vec<String> = labels
        .iter()
        .map(|l| super::complete::quote_name(graph.label_name(*l)))
        .collect();
    names.sort();
    format!("(:{})", names.join(":"))
}

impl Schema {
    /// Computes the schema with one pass over nodes and one over relationships.
    pub fn of(graph: &Graph) -> Schema {
        let mut by_label: BTreeMap<Option<String>, Tally> = BTreeMap::new();
        for node in graph.nodes() {
            let labels = graph.node_labels(node);
            let props = graph.node_props(node);
            if labels.is_empty() {
                by_label.entry(None).or_default().add(props);
            }
            for l in labels {
                by_label
                    .entry(Some(graph.label_name(*l).to_string()))
                    .or_default()
                    .add(props);
            }
        }
        let mut by_type: BTreeMap<String, (Tally, PairCounts)> = BTreeMap::new();
        for rel in graph.rels() {
            let Some(t) = graph.rel_type(rel) else {
                continue;
            };
            let entry = by_type.entry(graph.type_name(t).to_string()).or_default();
            entry.0.add(&graph.rel_props(rel));
            if let Some((a, b)) = graph.rel_endpoints(rel) {
                let key = (
                    label_set(graph, graph.node_labels(a)),
                    label_set(graph, graph.node_labels(b)),
                );
                *entry.1.entry(key).or_default() += 1;
            }
        }
        // Labelled groups first (by name), nodes without labels last.
        let mut labels: Vec<GroupInfo> = by_label
            .into_iter()
            .map(|(name, tally)| tally.finish(name, graph))
            .collect();
        labels.sort_by_key(|g| (g.name.is_none(), g.name.clone()));
        let types = by_type
            .into_iter()
            .map(|(name, (tally, pairs))| {
                let mut patterns: Vec<Pattern> = pairs
                    .into_iter()
                    .map(|((from, to), count)| Pattern { from, to, count })
                    .collect();
                patterns.sort_by(|a, b| b.count.cmp(&a.count).then(a.from.cmp(&b.from)));
                (tally.finish(Some(name), graph), patterns)
            })
            .collect();
        Schema { labels, types }
    }

    /// The schema as text for the shell; property lists wrap at `width` columns.
    pub fn render(&self, width: Option<usize>) -> String {
        if self.labels.is_empty() && self.types.is_empty() {
            return "the graph is empty".to_string();
        }
        let label_name = |g: &GroupInfo| match &g.name {
            Some(n) => format!(":{}", super::complete::quote_name(n)),
            None => "(no label)".to_string(),
        };
        let type_name = |g: &GroupInfo| {
            format!(
                ":{}",
                super::complete::quote_name(g.name.as_deref().unwrap_or(""))
            )
        };
        let names: Vec<String> = self
            .labels
            .iter()
            .map(label_name)
            .chain(self.types.iter().map(|(g, _)| type_name(g)))
            .collect();
        let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let count_width = self
            .labels
            .iter()
            .map(|g| g.count)
            .chain(self.types.iter().map(|(g, _)| g.count))
            .max()
            .unwrap_or(0)
            .to_string()
            .len();
        let mut out = String::new();
        out.push_str(&format!("Node labels ({})\n", self.labels.len()));
        for g in &self.labels {
            out.push_str(&format!(
                "  {:<name_width$}  {:>count_width$}\n",
                label_name(g),
                g.count
            ));
        }
        out.push_str(&format!("Relationship types ({})\n", self.types.len()));
        let pad = " ".repeat(2 + name_width + 2 + count_width + 2);
        for (g, patterns) in &self.types {
            out.push_str(&format!(
                "  {:<name_width$}  {:>count_width$}",
                type_name(g),
                g.count
            ));
            for (i, p) in patterns.iter().enumerate() {
                let sep = if i == 0 {
                    "  ".to_string()
                } else {
                    format!("\n{pad}")
                };
                out.push_str(&format!("{sep}{}-[{}]->{}", p.from, type_name(g), p.to));
                if patterns.len() > 1 {
                    out.push_str(&format!(" ×{}", p.count));
                }
            }
            out.push('\n');
        }
        out.push_str("Property keys\n");
        let mut any = false;
        let groups = self
            .labels
            .iter()
            .map(|g| (label_name(g), g))
            .chain(self.types.iter().map(|(g, _)| (type_name(g), g)));
        for (name, g) in groups {
            if g.properties.is_empty() {
                continue;
            }
            any = true;
            let props: Vec<String> = g
                .properties
                .iter()
                .map(|p| {
                    let types: Vec<&str> = p.types.iter().map(String::as_str).collect();
                    let mut s = format!(
                        "{}: {}",
                        super::complete::quote_name(&p.key),
                        types.join(" | ")
                    );
                    if p.count < g.count {
                        s.push_str(&format!(" ({} of {})", p.count, g.count));
                    }
                    s
                })
                .collect();
            let indent = 2 + name_width + 2;
            let mut line = format!("  {name:<name_width$}  ");
            let mut column = indent;
            for (i, p) in props.iter().enumerate() {
                let item = if i + 1 < props.len() {
                    format!("{p},")
                } else {
                    p.clone()
                };
                let item_width = item.chars().count();
                if i > 0 {
                    if width.is_some_and(|w| column + 1 + item_width > w) {
                        line.push('\n');
                        line.push_str(&" ".repeat(indent));
                        column = indent;
                    } else {
                        line.push(' ');
                        column += 1;
                    }
                }
                line.push_str(&item);
                column += item_width;
            }
            out.push_str(&line);
            out.push('\n');
        }
        if !any {
            out.push_str("  (none)\n");
        }
        out.pop();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Graph {
        let mut g = Graph::new();
        let person = g.intern_label("Person");
        let org = g.intern_label("Organization");
        let name = g.intern_key("name");
        let born = g.intern_key("born");
        let tags = g.intern_key("tags");
        let met = g.intern_type("MET");
        let member = g.intern_type("MEMBER_OF");
        let day = g.intern_key("day");
        let a = g.create_node(
            &[person],
            vec![(name, Val::str("Liu He")), (born, Val::Int(1952))],
        );
        let b = g.create_node(&[person], vec![(name, Val::str("Robert Lighthizer"))]);
        let c = g.create_node(
            &[org],
            vec![
                (name, Val::str("WTO")),
                (tags, Val::list(vec![Val::str("trade")])),
            ],
        );
        g.create_node(&[org], vec![(tags, Val::list(vec![]))]);
        let d = g.create_node(&[], vec![]);
        g.create_rel(a, b, met, vec![(day, Val::str("Wednesday"))]);
        g.create_rel(a, c, member, vec![]);
        g.create_rel(d, c, member, vec![]);
        g.create_rel(b, c, member, vec![]);
        g
    }

    #[test]
    fn counts_labels_types_pairs_and_keys() {
        let s = Schema::of(&sample());
        let labels: Vec<(Option<&str>, usize)> = s
            .labels
            .iter()
            .map(|g| (g.name.as_deref(), g.count))
            .collect();
        assert_eq!(
            labels,
            vec![(Some("Organization"), 2), (Some("Person"), 2), (None, 1)]
        );
        let person = &s.labels[1];
        assert_eq!(person.properties[0].key, "born");
        assert_eq!(person.properties[0].count, 1);
        assert_eq!(
            s.labels[0].properties[1]
                .types
                .iter()
                .next()
                .map(String::as_str),
            Some("LIST<STRING>")
        );
        let (member, patterns) = &s.types[0];
        assert_eq!(member.count, 3);
        assert_eq!(
            patterns,
            &vec![
                Pattern {
                    from: "(:Person)".into(),
                    to: "(:Organization)".into(),
                    count: 2
                },
                Pattern {
                    from: "()".into(),
                    to: "(:Organization)".into(),
                    count: 1
                },
            ]
        );
    }

    #[test]
    fn renders_aligned_sections() {
        let text = Schema::of(&sample()).render(None);
        assert_eq!(
            text,
            "Node labels (3)
  :Organization  2
  :Person        2
  (no label)     1
Relationship types (2)
  :MEMBER_OF     3  (:Person)-[:MEMBER_OF]->(:Organization) ×2
                    ()-[:MEMBER_OF]->(:Organization) ×1
  :MET           1  (:Person)-[:MET]->(:Person)
Property keys
  :Organization  name: STRING (1 of 2), tags: LIST<STRING>
  :Person        born: INTEGER (1 of 2), name: STRING
  :MET           day: STRING"
        );
        assert_eq!(Schema::of(&Graph::new()).render(None), "the graph is empty");
        let narrow = Schema::of(&sample()).render(Some(44));
        assert!(
            narrow.contains(
                "  :Person        born: INTEGER (1 of 2),\n                 name: STRING"
            ),
            "{narrow}"
        );
    }
}
