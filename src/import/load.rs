//! The loading loops: node files first, then relationship files, each read record by
//! record into the store's bulk API (`load_node`, `load_rel`). A header becomes a plan
//! (which field goes where, with keys, labels and types interned once); a row is checked
//! completely before anything of it is stored, so a skipped bad row leaves no trace.

use super::header::{parse_header, Column, FileKind, Role, ValueType};
use super::ids::{describe_group, IdMap, IdSpaces};
use super::progress::Progress;
use super::source::{Dialect, Rows, Source};
use super::values::{parse_int, parse_str, parse_value, quoted};
use crate::error::{Error, Result};
use crate::store::{Graph, Props, Symbol};
use crate::val::{NodeId, RelId, Val};
use csv::ByteRecord;
use std::sync::Arc;

/// How many bad rows the report quotes.
pub const MAX_SAMPLES: usize = 10;

/// Rows between two progress updates.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Rows read before the row count of a phase is estimated and room reserved.
const SAMPLE_ROWS: u64 = 4096;

/// What is wrong with a row: the column (as named in messages) and the problem.
struct RowError {
    column: Option<String>,
    message: String,
}

impl RowError {
    fn in_column(column: &Column, message: String) -> RowError {
        RowError {
            column: Some(column.display.clone()),
            message,
        }
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

/// The graph being built and everything needed while building it.
pub struct Loader {
    pub graph: Graph,
    ids: IdSpaces,
    settings: Settings,
    pub nodes: u64,
    pub rels: u64,
    pub bad_rows: u64,
    pub samples: Vec<String>,
    progress: Progress,
    /// Bytes of the sources finished so far.
    bytes_done: u64,
    /// Bytes of all sources still to be read in the current phase (for the estimate).
    phase_bytes: u64,
    reserved: bool,
}

/// Where each field of a node file goes.
struct NodePlan {
    columns: Vec<Column>,
    id: Option<(usize, usize, Option<Symbol>)>,
    label_columns: Vec<usize>,
    prefix_labels: Vec<Symbol>,
    properties: Vec<(usize, Symbol, ValueType, bool)>,
}

/// Where each field of a relationship file goes.
struct RelPlan {
    columns: Vec<Column>,
    start: (usize, usize),
    end: (usize, usize),
    type_column: Option<usize>,
    prefix_type: Option<Symbol>,
    properties: Vec<(usize, Symbol, ValueType, bool)>,
}

/// Looks up an id field in a group; `Err` holds the message.
#[inline]
fn lookup(map: &IdMap, field: &[u8], group: &str) -> Result<NodeId, String> {
    let found = match map {
        IdMap::Int(ints) => match parse_int(field) {
            Some(id) => ints.get(id),
            None => {
                return Err(format!("{} is not an integer id", quoted(field)));
            }
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

impl Loader {
    pub fn new(settings: Settings, total_bytes: u64) -> Loader {
        Loader {
            graph: Graph::new(),
            ids: IdSpaces::new(settings.integer_ids),
            settings,
            nodes: 0,
            rels: 0,
            bad_rows: 0,
            samples: Vec::new(),
            progress: Progress::new(total_bytes),
            bytes_done: 0,
            phase_bytes: 0,
            reserved: false,
        }
    }

    /// Starts the node or relationship phase over sources totalling `bytes`.
    pub fn begin_phase(&mut self, bytes: u64) {
        self.phase_bytes = bytes;
        self.reserved = false;
    }

    /// Frees the id maps and hides the progress bar.
    pub fn finish(&mut self) {
        self.ids = IdSpaces::new(self.settings.integer_ids);
        self.progress.finish();
    }

    /// Reads the header of a source: the first record of its first file.
    fn read_header(&self, rows: &mut Rows, kind: FileKind) -> Result<(Vec<Column>, u64)> {
        let mut record = ByteRecord::new();
        if !rows.next(&mut record)? {
            return Err(Error::import(format!(
                "{}: the file is empty; its first line must be the header",
                rows.file().display()
            )));
        }
        let line = rows.line_of(&record);
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

    /// Records a bad row: an error unless bad rows are skipped, else counted (and quoted
    /// in the report when it is among the first few).
    fn bad_row(&mut self, rows: &mut Rows, record: &ByteRecord, error: RowError) -> Result<()> {
        if self.settings.skip_bad_rows && self.samples.len() >= MAX_SAMPLES {
            self.bad_rows += 1;
            return Ok(());
        }
        let line = rows.line_of(record);
        let mut text = format!("{}:{line}: ", rows.file().display());
        if let Some(column) = &error.column {
            text.push_str("column ");
            text.push_str(column);
            text.push_str(": ");
        }
        text.push_str(&error.message);
        if !self.settings.skip_bad_rows {
            return Err(Error::import(text));
        }
        self.bad_rows += 1;
        self.samples.push(text);
        Ok(())
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
                " (the record runs over {} lines: an unbalanced quote?)",
                newlines + 1
            ));
        }
        Err(RowError {
            column: None,
            message,
        })
    }

    /// Progress and, once per phase, a reservation of room for the estimated rows.
    fn tick(&mut self, rows: &Rows, n_rows: u64, kind: FileKind) {
        if n_rows == SAMPLE_ROWS && !self.reserved {
            self.reserved = true;
            let read = rows.bytes_read().max(1);
            let estimate = (self.phase_bytes as f64 / read as f64 * n_rows as f64 * 1.02) as usize;
            match kind {
                FileKind::Nodes => self.graph.reserve(estimate, 0),
                FileKind::Relationships => self.graph.reserve(0, estimate),
            }
        }
        if n_rows % PROGRESS_EVERY == 0 {
            self.progress.set(self.bytes_done + rows.bytes_read());
        }
    }

    fn interned_properties(&mut self, columns: &[Column]) -> Vec<(usize, Symbol, ValueType, bool)> {
        let mut properties = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            if let Role::Property {
                name,
                value_type,
                array,
            } = &column.role
            {
                properties.push((i, self.graph.intern_key(name), *value_type, *array));
            }
        }
        properties
    }

    fn source_files_label(source: &Source) -> String {
        source
            .files
            .last()
            .and_then(|f| f.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    // ---- nodes ----

    /// Loads one node source.
    pub fn load_nodes(&mut self, source: &Source) -> Result<()> {
        self.progress.set_file(&Self::source_files_label(source));
        let mut rows = Rows::new(&source.files, self.settings.dialect);
        let (columns, _) = self.read_header(&mut rows, FileKind::Nodes)?;
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
        let properties = self.interned_properties(&columns);
        let plan = NodePlan {
            columns,
            id,
            label_columns,
            prefix_labels,
            properties,
        };
        let mut record = ByteRecord::new();
        let mut label_cache: (Vec<u8>, Vec<Symbol>) = (Vec::new(), plan.prefix_labels.clone());
        let mut n_rows = 0u64;
        while rows.next(&mut record)? {
            n_rows += 1;
            if let Err(e) = self.node_row(&plan, &record, &mut label_cache) {
                self.bad_row(&mut rows, &record, e)?;
            }
            self.tick(&rows, n_rows, FileKind::Nodes);
        }
        self.bytes_done += rows.bytes_read();
        Ok(())
    }

    /// The labels of a row: the prefix labels, then those of the `:LABEL` fields.
    fn row_labels(
        &mut self,
        plan: &NodePlan,
        record: &ByteRecord,
        cache: &mut (Vec<u8>, Vec<Symbol>),
    ) -> Result<Vec<Symbol>, RowError> {
        if plan.label_columns.is_empty() {
            return Ok(plan.prefix_labels.clone());
        }
        if plan.label_columns.len() == 1 {
            let field = &record[plan.label_columns[0]];
            if field == cache.0.as_slice() {
                return Ok(cache.1.clone());
            }
        }
        let mut texts = Vec::with_capacity(plan.label_columns.len());
        for &i in &plan.label_columns {
            let text =
                parse_str(&record[i]).map_err(|m| RowError::in_column(&plan.columns[i], m))?;
            texts.push(text);
        }
        let mut labels = plan.prefix_labels.clone();
        for text in texts {
            for label in text.split(self.settings.array_delimiter as char) {
                if label.is_empty() {
                    continue;
                }
                let symbol = self.graph.intern_label(label);
                if !labels.contains(&symbol) {
                    labels.push(symbol);
                }
            }
        }
        if plan.label_columns.len() == 1 {
            cache.0.clear();
            cache.0.extend_from_slice(&record[plan.label_columns[0]]);
            cache.1.clone_from(&labels);
        }
        Ok(labels)
    }

    fn properties(
        &self,
        specs: &[(usize, Symbol, ValueType, bool)],
        columns: &[Column],
        record: &ByteRecord,
        extra: usize,
    ) -> Result<Props, RowError> {
        let mut props: Props = Vec::with_capacity(specs.len() + extra);
        for &(i, key, value_type, array) in specs {
            let field = &record[i];
            if field.is_empty() {
                continue;
            }
            let value = parse_value(field, value_type, array, self.settings.array_delimiter)
                .map_err(|m| RowError::in_column(&columns[i], m))?;
            props.push((key, value));
        }
        Ok(props)
    }

    fn node_row(
        &mut self,
        plan: &NodePlan,
        record: &ByteRecord,
        label_cache: &mut (Vec<u8>, Vec<Symbol>),
    ) -> Result<(), RowError> {
        Self::check_width(&plan.columns, record)?;
        let mut props = self.properties(&plan.properties, &plan.columns, record, 1)?;
        let node = NodeId(self.nodes);
        // Check the id fully before anything is interned or stored.
        let mut id_value = None;
        if let Some((i, group, key)) = plan.id {
            let field = &record[i];
            let column = &plan.columns[i];
            let Role::Id {
                group: group_name, ..
            } = &column.role
            else {
                unreachable!("the plan's id column has the Id role")
            };
            if field.is_empty() {
                return Err(RowError::in_column(column, "the id is empty".to_string()));
            }
            let (taken, value) = match self.ids.map(group) {
                IdMap::Int(ints) => {
                    let Some(value) = parse_int(field) else {
                        return Err(RowError::in_column(
                            column,
                            format!("{} is not an integer id", quoted(field)),
                        ));
                    };
                    (ints.get(value).is_some(), Val::Int(value))
                }
                IdMap::Str(strs) => {
                    let text = parse_str(field).map_err(|m| RowError::in_column(column, m))?;
                    (strs.get(field).is_some(), Val::Str(Arc::from(text)))
                }
            };
            if taken {
                return Err(RowError::in_column(
                    column,
                    format!(
                        "duplicate id {} in {}",
                        quoted(field),
                        describe_group(group_name)
                    ),
                ));
            }
            id_value = Some((group, key, field, value));
        }
        let labels = self.row_labels(plan, record, label_cache)?;
        if let Some((group, key, field, value)) = id_value {
            let inserted = match (self.ids.map_mut(group), &value) {
                (IdMap::Int(ints), Val::Int(v)) => ints.insert(*v, node),
                (IdMap::Str(strs), _) => strs.insert(field, node),
                _ => false,
            };
            debug_assert!(inserted, "checked above");
            if let Some(key) = key {
                props.push((key, value));
            }
        }
        self.graph.load_node(node, labels, props);
        self.nodes += 1;
        Ok(())
    }

    // ---- relationships ----

    fn endpoint_group(
        &self,
        rows: &Rows,
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
                "{}:{line}: header column {} ('{}'): no node file defines {} (node files define: {})",
                rows.file().display(),
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

    /// Loads one relationship source.
    pub fn load_rels(&mut self, source: &Source) -> Result<()> {
        self.progress.set_file(&Self::source_files_label(source));
        let mut rows = Rows::new(&source.files, self.settings.dialect);
        let (columns, header_line) = self.read_header(&mut rows, FileKind::Relationships)?;
        let (mut start, mut end, mut type_column) = (None, None, None);
        for (i, column) in columns.iter().enumerate() {
            match &column.role {
                Role::StartId { .. } => {
                    start = Some((i, self.endpoint_group(&rows, header_line, i, column)?))
                }
                Role::EndId { .. } => {
                    end = Some((i, self.endpoint_group(&rows, header_line, i, column)?))
                }
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
                "{}: the header has no :TYPE column and the argument gives no TYPE= prefix",
                rows.file().display()
            )));
        }
        let properties = self.interned_properties(&columns);
        let plan = RelPlan {
            columns,
            start,
            end,
            type_column,
            prefix_type,
            properties,
        };
        let mut record = ByteRecord::new();
        let mut type_cache: (Vec<u8>, Option<Symbol>) = (Vec::new(), None);
        let mut n_rows = 0u64;
        while rows.next(&mut record)? {
            n_rows += 1;
            if let Err(e) = self.rel_row(&plan, &record, &mut type_cache) {
                self.bad_row(&mut rows, &record, e)?;
            }
            self.tick(&rows, n_rows, FileKind::Relationships);
        }
        self.bytes_done += rows.bytes_read();
        Ok(())
    }

    fn endpoint(
        &self,
        plan: &RelPlan,
        record: &ByteRecord,
        (i, group): (usize, usize),
    ) -> Result<NodeId, RowError> {
        let column = &plan.columns[i];
        let (Role::StartId { group: name } | Role::EndId { group: name }) = &column.role else {
            unreachable!("endpoint columns have endpoint roles")
        };
        lookup(self.ids.map(group), &record[i], name).map_err(|m| RowError::in_column(column, m))
    }

    fn rel_type(
        &mut self,
        plan: &RelPlan,
        record: &ByteRecord,
        cache: &mut (Vec<u8>, Option<Symbol>),
    ) -> Result<Symbol, RowError> {
        let Some(i) = plan.type_column else {
            return Ok(plan.prefix_type.expect("checked when planning"));
        };
        let field = &record[i];
        if field.is_empty() {
            return plan.prefix_type.ok_or_else(|| {
                RowError::in_column(
                    &plan.columns[i],
                    "the type is empty and the argument gives no TYPE= prefix".to_string(),
                )
            });
        }
        if let Some(symbol) = cache.1 {
            if field == cache.0.as_slice() {
                return Ok(symbol);
            }
        }
        let text = parse_str(field).map_err(|m| RowError::in_column(&plan.columns[i], m))?;
        let symbol = self.graph.intern_type(text);
        cache.0.clear();
        cache.0.extend_from_slice(field);
        cache.1 = Some(symbol);
        Ok(symbol)
    }

    fn rel_row(
        &mut self,
        plan: &RelPlan,
        record: &ByteRecord,
        type_cache: &mut (Vec<u8>, Option<Symbol>),
    ) -> Result<(), RowError> {
        Self::check_width(&plan.columns, record)?;
        let start = self.endpoint(plan, record, plan.start)?;
        let end = self.endpoint(plan, record, plan.end)?;
        let props = self.properties(&plan.properties, &plan.columns, record, 0)?;
        let rel_type = self.rel_type(plan, record, type_cache)?;
        self.graph
            .load_rel(RelId(self.rels), start, end, rel_type, props);
        self.rels += 1;
        Ok(())
    }
}
