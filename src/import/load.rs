//! The loading loops: node files first, then relationship files. A header becomes a plan
//! (which field goes where, with property keys interned once). The reader thread
//! (`pipeline`) parses each row against the plan; this thread checks ids, interns labels
//! and types, and inserts through the store's bulk API (`load_node`, `load_rel`). A row is
//! checked completely before anything of it is stored, so a skipped bad row leaves no
//! trace.

use super::header::{parse_header, Column, FileKind, Role, ValueType};
use super::ids::{describe_group, IdMap, IdSpaces};
use super::pipeline::{self, Message, NameRef, Names, Origin, RowError};
use super::progress::Progress;
use super::source::{Dialect, LineFinder, Rows, Source};
use super::values::{parse_int, parse_str, parse_value, quoted};
use crate::error::{Error, Result};
use crate::store::{Graph, Symbol};
use crate::val::{NodeId, RelId, Val};
use csv::ByteRecord;
use smallvec::SmallVec;
use std::path::PathBuf;

/// How many bad rows the report quotes.
pub const MAX_SAMPLES: usize = 10;

fn column_error(column: &Column, message: String) -> RowError {
    RowError {
        column: Some(column.display.clone()),
        message,
    }
}

/// Options that shape parsing.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub dialect: Dialect,
    pub array_delimiter: u8,
    pub integer_ids: bool,
    pub skip_bad_rows: bool,
}

/// Bad rows: the count and the first few messages, or the first as an error.
struct BadRows {
    skip: bool,
    count: u64,
    samples: Vec<String>,
}

impl BadRows {
    /// Records a bad row of `files` at `origin`: an error unless bad rows are skipped.
    fn report(
        &mut self,
        files: &[PathBuf],
        lines: &mut (usize, LineFinder),
        origin: Origin,
        error: RowError,
    ) -> Result<()> {
        if self.skip && self.samples.len() >= MAX_SAMPLES {
            self.count += 1;
            return Ok(());
        }
        if lines.0 != origin.file {
            *lines = (origin.file, LineFinder::new());
        }
        let path = &files[origin.file];
        let line = lines.1.record_line(path, origin.offset);
        let mut text = format!("{}:{line}: ", path.display());
        if let Some(column) = &error.column {
            text.push_str("column ");
            text.push_str(column);
            text.push_str(": ");
        }
        text.push_str(&error.message);
        if !self.skip {
            return Err(Error::import(text));
        }
        self.count += 1;
        self.samples.push(crate::error::one_line(text));
        Ok(())
    }
}

/// The graph being built and everything needed while building it.
pub struct Loader {
    pub graph: Graph,
    ids: IdSpaces,
    settings: Settings,
    pub nodes: u64,
    pub rels: u64,
    /// (label, key) of named ID columns, by the labels their nodes carry: worth an index.
    pub id_indexes: Vec<(Symbol, Symbol)>,
    /// Labels of the current source's nodes that came spelled out (not numbered).
    inline_labels: Vec<Symbol>,
    bad: BadRows,
    progress: Progress,
    /// Bytes of the sources finished so far.
    bytes_done: u64,
}

/// A property column: field index, key, type, array or not.
type PropertySpec = (usize, Symbol, ValueType, bool);

/// Where each field of a node file goes.
struct NodePlan {
    columns: Vec<Column>,
    /// The ID column: field index, group, property key.
    id: Option<(usize, usize, Option<Symbol>)>,
    label_columns: Vec<usize>,
    prefix_labels: Vec<Symbol>,
    properties: Vec<PropertySpec>,
}

/// Where each field of a relationship file goes.
struct RelPlan {
    columns: Vec<Column>,
    /// START_ID and END_ID: field index and group.
    start: (usize, usize),
    end: (usize, usize),
    type_column: Option<usize>,
    prefix_type: Option<Symbol>,
    properties: Vec<PropertySpec>,
}

/// Properties as the reader hands them over: inline, so that the reader thread allocates
/// nothing that the main thread frees (a free across threads is slow in malloc).
type NodeRowProps = SmallVec<[(Symbol, Val); 4]>;
type RelRowProps = SmallVec<[(Symbol, Val); 2]>;

/// The properties as a vector of exactly their length: the store keeps a few inline and
/// decides by the vector's capacity (`SmallVec::into_vec` and `collect` round it up to 4,
/// which would put every relationship's single property on the heap).
fn exact_vec<A: smallvec::Array<Item = (Symbol, Val)>>(props: SmallVec<A>) -> Vec<(Symbol, Val)> {
    let mut exact = Vec::with_capacity(props.len());
    for prop in props {
        exact.push(prop);
    }
    exact
}

/// A node row as parsed by the reader.
struct ParsedNode {
    id: Option<Val>,
    labels: NameRef,
    props: NodeRowProps,
}

/// A relationship row as parsed by the reader.
struct ParsedRel {
    start: NodeId,
    end: NodeId,
    rel_type: NameRef,
    props: RelRowProps,
}

/// Checks the number of fields of a record.
fn check_width(columns: &[Column], record: &ByteRecord) -> Result<(), RowError> {
    if record.len() == columns.len() {
        return Ok(());
    }
    let mut message = format!(
        "expected {} fields as in the header, found {}",
        columns.len(),
        record.len()
    );
    let newlines = record.as_slice().iter().filter(|&&b| b == b'\n').count();
    if newlines > 0 {
        message.push_str(&format!(
            " (a quoted field holds {newlines} line break{}: an unbalanced quote?)",
            if newlines == 1 { "" } else { "s" }
        ));
    }
    Err(RowError {
        column: None,
        message,
    })
}

/// The non-empty property fields of a record as values.
fn parse_properties<A: smallvec::Array<Item = (Symbol, Val)>>(
    specs: &[PropertySpec],
    columns: &[Column],
    record: &ByteRecord,
    array_delimiter: u8,
) -> Result<SmallVec<A>, RowError> {
    let mut props = SmallVec::new();
    for &(i, key, value_type, array) in specs {
        let field = &record[i];
        if field.is_empty() {
            continue;
        }
        let value = parse_value(field, value_type, array, array_delimiter)
            .map_err(|m| column_error(&columns[i], m))?;
        props.push((key, value));
    }
    Ok(props)
}

/// Parses a node row (on the reader thread).
fn parse_node(
    plan: &NodePlan,
    settings: &Settings,
    record: &ByteRecord,
    names: &mut Names,
) -> Result<ParsedNode, RowError> {
    check_width(&plan.columns, record)?;
    let props = parse_properties(
        &plan.properties,
        &plan.columns,
        record,
        settings.array_delimiter,
    )?;
    let id = match plan.id {
        None => None,
        Some((i, _, _)) => {
            let field = &record[i];
            let column = &plan.columns[i];
            if field.is_empty() {
                return Err(column_error(column, "the id is empty".to_string()));
            }
            Some(if settings.integer_ids {
                let value = parse_int(field).ok_or_else(|| {
                    column_error(column, format!("{} is not an integer id", quoted(field)))
                })?;
                Val::Int(value)
            } else {
                let text = parse_str(field).map_err(|m| column_error(column, m))?;
                Val::Str(crate::val::Str::from(text))
            })
        }
    };
    let labels = match plan.label_columns.as_slice() {
        [] => NameRef::Default,
        [i] => {
            let text = parse_str(&record[*i]).map_err(|m| column_error(&plan.columns[*i], m))?;
            names.name(text)
        }
        several => {
            // Several :LABEL columns are one list: join them with the array delimiter.
            let mut joined = String::new();
            for &i in several {
                let text = parse_str(&record[i]).map_err(|m| column_error(&plan.columns[i], m))?;
                joined.push_str(text);
                joined.push(settings.array_delimiter as char);
            }
            names.name(&joined)
        }
    };
    Ok(ParsedNode { id, labels, props })
}

/// Looks up an id field in a group; `Err` holds the message.
#[inline]
fn lookup(map: &IdMap, field: &[u8], group: &str) -> Result<NodeId, String> {
    let found = match map {
        IdMap::Int(ints) => match parse_int(field) {
            Some(id) => ints.get(id),
            None if field.is_empty() => None,
            None => return Err(format!("{} is not an integer id", quoted(field))),
        },
        IdMap::Str(strs) => strs.get(field),
    };
    found.ok_or_else(|| {
        if field.is_empty() {
            "the id is empty".to_string()
        } else {
            format!(
                "no node has id {} in {}",
                quoted(field),
                describe_group(group)
            )
        }
    })
}

fn parse_endpoint(
    plan: &RelPlan,
    ids: &IdSpaces,
    record: &ByteRecord,
    (i, group): (usize, usize),
) -> Result<NodeId, RowError> {
    let column = &plan.columns[i];
    let (Role::StartId { group: name } | Role::EndId { group: name }) = &column.role else {
        unreachable!("endpoint columns have endpoint roles")
    };
    lookup(ids.map(group), &record[i], name).map_err(|m| column_error(column, m))
}

/// Parses a relationship row (on the reader thread).
fn parse_rel(
    plan: &RelPlan,
    ids: &IdSpaces,
    settings: &Settings,
    record: &ByteRecord,
    names: &mut Names,
) -> Result<ParsedRel, RowError> {
    check_width(&plan.columns, record)?;
    let start = parse_endpoint(plan, ids, record, plan.start)?;
    let end = parse_endpoint(plan, ids, record, plan.end)?;
    let props = parse_properties(
        &plan.properties,
        &plan.columns,
        record,
        settings.array_delimiter,
    )?;
    let rel_type = match plan.type_column {
        None => NameRef::Default,
        Some(i) if record[i].is_empty() => {
            if plan.prefix_type.is_none() {
                return Err(column_error(
                    &plan.columns[i],
                    "the type is empty and the argument gives no TYPE= prefix".to_string(),
                ));
            }
            NameRef::Default
        }
        Some(i) => {
            let text = parse_str(&record[i]).map_err(|m| column_error(&plan.columns[i], m))?;
            names.name(text)
        }
    };
    Ok(ParsedRel {
        start,
        end,
        rel_type,
        props,
    })
}

/// The labels of a label field: the prefix labels, then those in the field, without
/// repeats.
fn label_set(graph: &mut Graph, prefix: &[Symbol], text: &str, array_delimiter: u8) -> Vec<Symbol> {
    let mut labels = prefix.to_vec();
    for label in text.split(array_delimiter as char) {
        if label.is_empty() {
            continue;
        }
        let symbol = graph.intern_label(label);
        if !labels.contains(&symbol) {
            labels.push(symbol);
        }
    }
    labels
}

/// Names numbered by the reader, turned into symbols on first use by a stored row (so
/// that a name met only in bad rows is never interned).
struct LazyNames<T> {
    texts: Vec<String>,
    resolved: Vec<Option<T>>,
}

impl<T> Default for LazyNames<T> {
    fn default() -> Self {
        LazyNames {
            texts: Vec::new(),
            resolved: Vec::new(),
        }
    }
}

impl<T> LazyNames<T> {
    fn add(&mut self, names: Vec<String>) {
        self.resolved.extend(names.iter().map(|_| None));
        self.texts.extend(names);
    }

    fn get(&mut self, number: u32, resolve: impl FnOnce(&str) -> T) -> &T {
        let i = number as usize;
        let texts = &self.texts;
        self.resolved[i].get_or_insert_with(|| resolve(&texts[i]))
    }
}

/// Bytes sampled at each of three places of a file to estimate its number of lines.
const SAMPLE_BYTES: u64 = 1 << 16;

/// The number of lines of a file, estimated from samples at its start, middle and end
/// (counted exactly for a small file). A guess for reserving room, never an error.
pub fn estimate_rows(path: &std::path::Path) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return 0;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let (offsets, take) = if len <= 3 * SAMPLE_BYTES {
        (vec![0], len)
    } else {
        (vec![0, len / 2, len - SAMPLE_BYTES], SAMPLE_BYTES)
    };
    let mut buffer = Vec::new();
    let (mut sampled, mut lines) = (0u64, 0u64);
    for offset in offsets {
        buffer.clear();
        if file.seek(SeekFrom::Start(offset)).is_err()
            || (&mut file).take(take).read_to_end(&mut buffer).is_err()
        {
            return 0;
        }
        sampled += buffer.len() as u64;
        lines += buffer.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    if sampled == 0 || lines == 0 {
        return 0;
    }
    (len as f64 * lines as f64 / sampled as f64) as u64
}

/// The display name of a source in the progress bar: its last file's name.
fn progress_label(source: &Source) -> String {
    source
        .files
        .last()
        .and_then(|f| f.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Loader {
    pub fn new(settings: Settings, total_bytes: u64) -> Loader {
        Loader {
            graph: Graph::new(),
            ids: IdSpaces::new(settings.integer_ids),
            settings,
            nodes: 0,
            rels: 0,
            id_indexes: Vec::new(),
            inline_labels: Vec::new(),
            bad: BadRows {
                skip: settings.skip_bad_rows,
                count: 0,
                samples: Vec::new(),
            },
            progress: Progress::new(total_bytes),
            bytes_done: 0,
        }
    }

    /// Starts the node or relationship phase: reserves room in the store for the rows that
    /// `sources` are estimated to hold, once, so that its vectors do not grow by doubling.
    pub fn begin_phase(&mut self, sources: &[Source], kind: FileKind) {
        let rows: u64 = sources
            .iter()
            .flat_map(|s| s.files.iter())
            .map(|f| estimate_rows(f))
            .sum();
        let rows = rows.saturating_add(rows / 32) as usize;
        match kind {
            FileKind::Nodes => self.graph.reserve(rows, 0),
            FileKind::Relationships => self.graph.reserve(0, rows),
        }
    }

    /// Frees the id maps and hides the progress bar.
    pub fn finish(&mut self) {
        self.ids = IdSpaces::new(self.settings.integer_ids);
        self.progress.finish();
    }

    /// The number of bad rows skipped, and the first few messages.
    pub fn bad_rows(&mut self) -> (u64, Vec<String>) {
        (self.bad.count, std::mem::take(&mut self.bad.samples))
    }

    /// Reads the header of a source (the first record of its first file), returning the
    /// columns and the header's line.
    fn read_header(&self, source: &Source, kind: FileKind) -> Result<(Vec<Column>, u64)> {
        let mut rows = Rows::new(&source.files[..1], self.settings.dialect);
        let mut record = ByteRecord::new();
        if !rows.next(&mut record)? {
            return Err(Error::import(format!(
                "{}: the file is empty; its first line must be the header",
                rows.file().display()
            )));
        }
        let line =
            LineFinder::new().record_line(rows.file(), record.position().map_or(0, |p| p.byte()));
        let file = rows.file().display().to_string();
        let mut fields = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            let text = parse_str(field).map_err(|m| {
                Error::import(format!("{file}:{line}: header column {}: {m}", i + 1))
            })?;
            fields.push(text);
        }
        let columns = parse_header(&fields, kind)
            .map_err(|e| Error::import(format!("{file}:{line}: {e}")))?;
        Ok((columns, line))
    }

    /// Moves the progress bar.
    fn batch_done(&mut self, source_bytes: u64) {
        self.progress.set(self.bytes_done + source_bytes);
    }

    fn property_specs(&mut self, columns: &[Column]) -> Vec<PropertySpec> {
        let mut specs = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            if let Role::Property {
                name,
                value_type,
                array,
            } = &column.role
            {
                specs.push((i, self.graph.intern_key(name), *value_type, *array));
            }
        }
        specs
    }

    // ---- nodes ----

    fn node_plan(&mut self, source: &Source, columns: Vec<Column>) -> NodePlan {
        let mut id = None;
        let mut label_columns = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            match &column.role {
                Role::Id { group, property } => {
                    let group = self.ids.define(group);
                    let key = property.as_deref().map(|p| self.graph.intern_key(p));
                    id = Some((i, group, key));
                }
                Role::Label => label_columns.push(i),
                _ => {}
            }
        }
        let mut prefix_labels: Vec<Symbol> = Vec::new();
        for label in &source.prefix {
            let symbol = self.graph.intern_label(label);
            if !prefix_labels.contains(&symbol) {
                prefix_labels.push(symbol);
            }
        }
        let properties = self.property_specs(&columns);
        NodePlan {
            columns,
            id,
            label_columns,
            prefix_labels,
            properties,
        }
    }

    /// Loads one node source.
    pub fn load_nodes(&mut self, source: &Source) -> Result<()> {
        self.progress.set_file(&progress_label(source));
        let (columns, _) = self.read_header(source, FileKind::Nodes)?;
        let plan = self.node_plan(source, columns);
        let settings = self.settings;
        let mut lines = (0, LineFinder::new());
        let mut label_sets = LazyNames::default();
        let mut source_bytes = 0u64;
        std::thread::scope(|scope| -> Result<()> {
            let plan = &plan;
            let mut batches =
                pipeline::spawn(scope, &source.files, settings.dialect, |record, names| {
                    parse_node(plan, &settings, record, names)
                })?;
            while let Some(message) = batches.next() {
                let mut batch = match message {
                    Message::Batch(batch) => batch,
                    Message::Failed(e) => return Err(e),
                };
                label_sets.add(batch.new_names);
                source_bytes = batch.bytes;
                for (origin, row) in batch.rows.drain(..) {
                    let stored = row.and_then(|node| self.store_node(plan, &mut label_sets, node));
                    if let Err(e) = stored {
                        self.bad.report(&source.files, &mut lines, origin, e)?;
                    }
                }
                batches.recycle(batch.rows);
                self.batch_done(source_bytes);
            }
            Ok(())
        })?;
        self.bytes_done += source_bytes;
        // A named ID column is a key of the labels its nodes carry.
        if let Some((_, _, Some(key))) = plan.id {
            let mut labels = plan.prefix_labels.clone();
            labels.extend(label_sets.resolved.iter().flatten().flatten().copied());
            labels.extend(std::mem::take(&mut self.inline_labels));
            for label in labels {
                if !self.id_indexes.contains(&(label, key)) {
                    self.id_indexes.push((label, key));
                }
            }
        }
        Ok(())
    }

    /// Checks a parsed node's id and stores the node.
    fn store_node(
        &mut self,
        plan: &NodePlan,
        label_sets: &mut LazyNames<Vec<Symbol>>,
        node: ParsedNode,
    ) -> Result<(), RowError> {
        let ParsedNode {
            id,
            labels,
            mut props,
        } = node;
        let node_id = NodeId(self.nodes);
        if let (Some((i, group, key)), Some(value)) = (plan.id, id) {
            let inserted = match (self.ids.map_mut(group), &value) {
                (IdMap::Int(ints), Val::Int(v)) => ints.insert(*v, node_id),
                (IdMap::Str(strs), Val::Str(s)) => strs.insert(s.as_bytes(), node_id),
                _ => unreachable!("the reader parses ids by the id type"),
            };
            if !inserted {
                let column = &plan.columns[i];
                let Role::Id { group, .. } = &column.role else {
                    unreachable!("the plan's id column has the Id role")
                };
                let shown = match &value {
                    Val::Int(v) => v.to_string(),
                    Val::Str(s) => s.to_string(),
                    _ => String::new(),
                };
                return Err(column_error(
                    column,
                    format!(
                        "duplicate id {} in {}",
                        quoted(shown.as_bytes()),
                        describe_group(group)
                    ),
                ));
            }
            if let Some(key) = key {
                props.push((key, value));
            }
        }
        let labels = match labels {
            NameRef::Default => plan.prefix_labels.clone(),
            NameRef::Known(n) => {
                let (graph, prefix) = (&mut self.graph, &plan.prefix_labels);
                let delimiter = self.settings.array_delimiter;
                label_sets
                    .get(n, |text| label_set(graph, prefix, text, delimiter))
                    .clone()
            }
            NameRef::Inline(text) => {
                let set = label_set(
                    &mut self.graph,
                    &plan.prefix_labels,
                    &text,
                    self.settings.array_delimiter,
                );
                for &label in &set {
                    if !self.inline_labels.contains(&label) {
                        self.inline_labels.push(label);
                    }
                }
                set
            }
        };
        self.graph.load_node(node_id, labels, exact_vec(props));
        self.nodes += 1;
        Ok(())
    }

    // ---- relationships ----

    fn endpoint_group(
        &self,
        file: &str,
        line: u64,
        index: usize,
        column: &Column,
    ) -> Result<usize> {
        let (Role::StartId { group } | Role::EndId { group }) = &column.role else {
            unreachable!("called for START_ID and END_ID columns")
        };
        self.ids.find(group).ok_or_else(|| {
            let known = self.ids.names();
            Error::import(format!(
                "{file}:{line}: header column {} ('{}'): no node file defines {} (node files \
                 define: {})",
                index + 1,
                column.display,
                describe_group(group),
                if known.is_empty() {
                    "no id groups".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    fn rel_plan(&mut self, source: &Source, columns: Vec<Column>, line: u64) -> Result<RelPlan> {
        let file = source.files[0].display().to_string();
        let (mut start, mut end, mut type_column) = (None, None, None);
        for (i, column) in columns.iter().enumerate() {
            match &column.role {
                Role::StartId { .. } => {
                    start = Some((i, self.endpoint_group(&file, line, i, column)?))
                }
                Role::EndId { .. } => end = Some((i, self.endpoint_group(&file, line, i, column)?)),
                Role::Type => type_column = Some(i),
                _ => {}
            }
        }
        let (Some(start), Some(end)) = (start, end) else {
            unreachable!("parse_header requires START_ID and END_ID")
        };
        let prefix_type = source.prefix.first().map(|t| self.graph.intern_type(t));
        if type_column.is_none() && prefix_type.is_none() {
            return Err(Error::import(format!(
                "{file}: the header has no :TYPE column and the argument gives no TYPE= prefix"
            )));
        }
        let properties = self.property_specs(&columns);
        Ok(RelPlan {
            columns,
            start,
            end,
            type_column,
            prefix_type,
            properties,
        })
    }

    /// Loads one relationship source.
    pub fn load_rels(&mut self, source: &Source) -> Result<()> {
        self.progress.set_file(&progress_label(source));
        let (columns, line) = self.read_header(source, FileKind::Relationships)?;
        let plan = self.rel_plan(source, columns, line)?;
        let settings = self.settings;
        let mut lines = (0, LineFinder::new());
        let mut types = LazyNames::default();
        let mut source_bytes = 0u64;
        // The reader looks endpoints up in the id maps, which no longer change.
        let ids = std::mem::replace(&mut self.ids, IdSpaces::new(settings.integer_ids));
        let loaded = std::thread::scope(|scope| -> Result<()> {
            let (plan, ids) = (&plan, &ids);
            let mut batches =
                pipeline::spawn(scope, &source.files, settings.dialect, |record, names| {
                    parse_rel(plan, ids, &settings, record, names)
                })?;
            while let Some(message) = batches.next() {
                let mut batch = match message {
                    Message::Batch(batch) => batch,
                    Message::Failed(e) => return Err(e),
                };
                types.add(batch.new_names);
                source_bytes = batch.bytes;
                // Overlap the cache misses of the insertions (see `prefetch_rel_endpoints`).
                for (_, rel) in &batch.rows {
                    if let Ok(rel) = rel {
                        self.graph.prefetch_rel_endpoints(rel.start, rel.end);
                    }
                }
                for (origin, row) in batch.rows.drain(..) {
                    match row {
                        Ok(rel) => {
                            let rel_type = match rel.rel_type {
                                NameRef::Default => {
                                    plan.prefix_type.expect("checked by the reader")
                                }
                                NameRef::Known(n) => {
                                    let graph = &mut self.graph;
                                    *types.get(n, |name| graph.intern_type(name))
                                }
                                NameRef::Inline(name) => self.graph.intern_type(&name),
                            };
                            self.graph.load_rel_from(
                                RelId(self.rels),
                                rel.start,
                                rel.end,
                                rel_type,
                                rel.props,
                            );
                            self.rels += 1;
                        }
                        Err(e) => self.bad.report(&source.files, &mut lines, origin, e)?,
                    }
                }
                batches.recycle(batch.rows);
                self.batch_done(source_bytes);
            }
            Ok(())
        });
        self.ids = ids;
        loaded?;
        self.bytes_done += source_bytes;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_estimates() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.csv");
        std::fs::write(&small, "a,b\n1,2\n3,4\n").unwrap();
        assert_eq!(estimate_rows(&small), 3);
        let big = dir.path().join("big.csv");
        let mut text = String::from("id,name\n");
        for i in 0..200_000 {
            text.push_str(&format!("{i},name{}\n", i % 10));
        }
        std::fs::write(&big, &text).unwrap();
        let estimate = estimate_rows(&big) as f64;
        assert!((estimate / 200_001.0 - 1.0).abs() < 0.05, "{estimate}");
        assert_eq!(estimate_rows(&dir.path().join("missing.csv")), 0);
        std::fs::write(&small, "").unwrap();
        assert_eq!(estimate_rows(&small), 0);
    }
}
