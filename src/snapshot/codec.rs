//! The snapshot payload, and the only module of kg that uses bincode: sections of
//! interned names, next ids, node records, relationship records and property index
//! definitions. Saving encodes record by record into a checksummed 1 MiB chunk writer;
//! loading decodes record by record, each record through a decoder with a byte limit,
//! every length checked against the bytes that are left before anything is allocated.
//! The byte layout is in `docs/snapshot-format.md`.

use super::progress::Progress;
use super::Problem;
use crate::store::{Graph, Props, Symbol};
use crate::val::{MapVal, NodeId, RelId, Str, Val};
use bincode::config::{Configuration, LittleEndian, Varint};
use bincode::de::read::Reader;
use bincode::de::{Decode, Decoder, DecoderImpl};
use bincode::enc::write::Writer;
use bincode::enc::{Encode, EncoderImpl};
use bincode::error::{DecodeError, EncodeError};
use std::io::{self, Read, Write};
use std::sync::Arc;

/// The most bytes one record may claim while it is decoded (bincode's `with_limit`).
/// Claims are counted in memory bytes (8 per integer, 1 per string byte) and reset for
/// every record, so this bounds a single node or relationship, not the file.
pub const RECORD_LIMIT: usize = u32::MAX as usize;

type Limited = Configuration<LittleEndian, Varint, bincode::config::Limit<RECORD_LIMIT>>;
const DECODE_CONFIG: Limited = bincode::config::standard().with_limit::<RECORD_LIMIT>();
const ENCODE_CONFIG: Configuration = bincode::config::standard();

/// Section tags of the payload.
const SECTION_END: u8 = 0;
const SECTION_NAMES: u8 = 1;
const SECTION_IDS: u8 = 2;
const SECTION_NODES: u8 = 3;
const SECTION_RELS: u8 = 4;
const SECTION_INDEXES: u8 = 5;
const SECTION_CONSTRAINTS: u8 = 6;
/// The one kind of constraint so far.
const CONSTRAINT_UNIQUE: u8 = 0;

/// Value tags.
const VALUE_NULL: u8 = 0;
const VALUE_BOOL: u8 = 1;
const VALUE_INT: u8 = 2;
const VALUE_FLOAT: u8 = 3;
const VALUE_STRING: u8 = 4;
const VALUE_LIST: u8 = 5;
const VALUE_MAP: u8 = 6;
const VALUE_TEMPORAL: u8 = 7;

/// How deeply lists and maps may nest in a stored value.
const MAX_VALUE_DEPTH: usize = 32;

/// Relationships looked up or inserted together (see `encode_graph` and `decode_graph`).
const BATCH: usize = 1024;

/// Bytes moved between the file and the codec at a time.
const CHUNK: usize = 1 << 20;

/// The smallest encoded node record (id gap, label count, property count).
pub const MIN_NODE_RECORD: u64 = 3;
/// The smallest encoded relationship record (id gap, type, start, end, property count).
pub const MIN_REL_RECORD: u64 = 5;

// ---------------------------------------------------------------- writing

/// A bincode `Writer` that collects bytes into 1 MiB chunks, feeding each chunk to the
/// CRC-32 and then to the file.
struct PayloadWriter<W: Write> {
    out: W,
    chunk: Vec<u8>,
    hasher: crc32fast::Hasher,
    written: u64,
}

impl<W: Write> PayloadWriter<W> {
    fn new(out: W) -> PayloadWriter<W> {
        PayloadWriter {
            out,
            chunk: Vec::with_capacity(CHUNK),
            hasher: crc32fast::Hasher::new(),
            written: 0,
        }
    }

    fn flush_chunk(&mut self) -> io::Result<()> {
        self.hasher.update(&self.chunk);
        self.out.write_all(&self.chunk)?;
        self.chunk.clear();
        Ok(())
    }
}

impl<W: Write> Writer for PayloadWriter<W> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        if self.chunk.len() + bytes.len() > CHUNK {
            let index = self.written as usize;
            self.flush_chunk()
                .map_err(|inner| EncodeError::Io { inner, index })?;
            if bytes.len() > CHUNK {
                self.hasher.update(bytes);
                self.out
                    .write_all(bytes)
                    .map_err(|inner| EncodeError::Io { inner, index })?;
                self.written += bytes.len() as u64;
                return Ok(());
            }
        }
        self.chunk.extend_from_slice(bytes);
        self.written += bytes.len() as u64;
        Ok(())
    }
}

/// What a finished payload looked like.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub payload_len: u64,
    pub payload_crc: u32,
    pub node_count: u64,
    pub rel_count: u64,
}

enum WriteFail {
    Encode(EncodeError),
    Refused(Problem),
}

impl From<EncodeError> for WriteFail {
    fn from(e: EncodeError) -> WriteFail {
        WriteFail::Encode(e)
    }
}

/// Encodes `graph` as a payload into `out`, record by record, and returns its length and
/// CRC-32. Nothing but one chunk of bytes is held in memory.
pub fn write_payload<W: Write>(
    graph: &Graph,
    out: W,
    progress: &mut Progress,
) -> Result<Written, Problem> {
    let mut writer = PayloadWriter::new(out);
    let counts = encode_graph(graph, &mut writer, progress).map_err(|e| match e {
        WriteFail::Refused(p) => p,
        WriteFail::Encode(EncodeError::Io { inner, .. }) => Problem::io("cannot write", &inner),
        WriteFail::Encode(other) => Problem::new("Encode", format!("cannot encode: {other}")),
    })?;
    writer
        .flush_chunk()
        .and_then(|_| writer.out.flush())
        .map_err(|e| Problem::io("cannot write", &e))?;
    Ok(Written {
        payload_len: writer.written,
        payload_crc: writer.hasher.finalize(),
        node_count: counts.0,
        rel_count: counts.1,
    })
}

fn encode_graph<W: Write>(
    graph: &Graph,
    writer: &mut PayloadWriter<W>,
    progress: &mut Progress,
) -> Result<(u64, u64), WriteFail> {
    let mut enc = EncoderImpl::new(writer, ENCODE_CONFIG);
    let e = &mut enc;

    SECTION_NAMES.encode(e)?;
    for names in [
        graph.label_names().map(|(_, n)| n).collect::<Vec<_>>(),
        graph.type_names().map(|(_, n)| n).collect::<Vec<_>>(),
        graph.key_names().map(|(_, n)| n).collect::<Vec<_>>(),
    ] {
        (names.len() as u64).encode(e)?;
        for name in names {
            name.as_ref().encode(e)?;
        }
    }

    SECTION_IDS.encode(e)?;
    graph.next_node_id().encode(e)?;
    graph.next_rel_id().encode(e)?;

    SECTION_NODES.encode(e)?;
    let node_count = graph.node_count() as u64;
    node_count.encode(e)?;
    let mut expected_id = 0u64;
    let mut n_nodes = 0u64;
    for node_id in graph.nodes() {
        (node_id.0 - expected_id).encode(e)?;
        expected_id = node_id.0 + 1;
        let labels = graph.node_labels(node_id);
        (labels.len() as u64).encode(e)?;
        for label in labels {
            label.0.encode(e)?;
        }
        encode_props(graph, graph.node_props(node_id), e, || {
            format!("node {}", node_id.0)
        })?;
        n_nodes += 1;
        progress.advance(1);
    }
    if n_nodes != node_count {
        return Err(WriteFail::Refused(Problem::new(
            "Encode",
            format!("the store reports {node_count} nodes but holds {n_nodes}"),
        )));
    }

    SECTION_RELS.encode(e)?;
    let rel_count = graph.rel_count() as u64;
    rel_count.encode(e)?;
    let mut expected_id = 0u64;
    let mut n_rels = 0u64;
    // Endpoints are looked up a batch at a time in a tight loop: each lookup is a cache
    // miss into the node table, and a loop with nothing else in it lets the CPU have
    // many of them in flight at once (about 2x faster than interleaving with encoding).
    let mut rel_ids = graph.rels();
    let mut batch: Vec<RelLookup> = Vec::with_capacity(BATCH);
    let mut props = crate::store::Props::new();
    loop {
        batch.clear();
        batch.extend(
            rel_ids
                .by_ref()
                .take(BATCH)
                .map(|id| (id, graph.rel_type(id), graph.rel_endpoints(id))),
        );
        if batch.is_empty() {
            break;
        }
        for &(rel_id, rel_type, endpoints) in &batch {
            let (Some(rel_type), Some((start, end))) = (rel_type, endpoints) else {
                return Err(WriteFail::Refused(Problem::new(
                    "Encode",
                    format!("relationship {} has no type or endpoints", rel_id.0),
                )));
            };
            (rel_id.0 - expected_id).encode(e)?;
            expected_id = rel_id.0 + 1;
            rel_type.0.encode(e)?;
            start.0.encode(e)?;
            end.0.encode(e)?;
            props.clear();
            graph.rel_props_into(rel_id, &mut props);
            encode_props(graph, &props, e, || format!("relationship {}", rel_id.0))?;
        }
        n_rels += batch.len() as u64;
        progress.advance(batch.len() as u64);
    }
    if n_rels != rel_count {
        return Err(WriteFail::Refused(Problem::new(
            "Encode",
            format!("the store reports {rel_count} relationships but holds {n_rels}"),
        )));
    }

    SECTION_INDEXES.encode(e)?;
    let indexes: Vec<_> = graph.indexes().iter().filter(|i| !i.unique).collect();
    (indexes.len() as u64).encode(e)?;
    for index in indexes {
        index.name.as_str().encode(e)?;
        index.label.0.encode(e)?;
        index.key.0.encode(e)?;
    }
    // Only when there are constraints, so that a graph without them stays readable by a
    // kg from before constraints (which refuses an unknown section).
    let constraints: Vec<_> = graph.constraints().collect();
    if !constraints.is_empty() {
        SECTION_CONSTRAINTS.encode(e)?;
        (constraints.len() as u64).encode(e)?;
        for c in constraints {
            CONSTRAINT_UNIQUE.encode(e)?;
            c.name.as_str().encode(e)?;
            c.label.0.encode(e)?;
            c.key.0.encode(e)?;
        }
    }

    SECTION_END.encode(e)?;
    Ok((n_nodes, n_rels))
}

/// A relationship with its type and endpoints, as looked up for encoding.
type RelLookup = (RelId, Option<Symbol>, Option<(NodeId, NodeId)>);

fn encode_props<E: bincode::enc::Encoder>(
    graph: &Graph,
    props: &[(Symbol, Val)],
    e: &mut E,
    owner: impl Fn() -> String,
) -> Result<(), WriteFail> {
    (props.len() as u64).encode(e)?;
    for (key, value) in props {
        key.0.encode(e)?;
        encode_value(value, e).map_err(|fail| match fail {
            WriteFail::Refused(p) => WriteFail::Refused(Problem::new(
                p.code,
                format!(
                    "{} has property `{}` holding {}, which a snapshot cannot store",
                    owner(),
                    graph.key_name(*key),
                    p.message
                ),
            )),
            other => other,
        })?;
    }
    Ok(())
}

fn encode_value<E: bincode::enc::Encoder>(value: &Val, e: &mut E) -> Result<(), WriteFail> {
    match value {
        Val::Null => VALUE_NULL.encode(e)?,
        Val::Bool(b) => {
            VALUE_BOOL.encode(e)?;
            b.encode(e)?;
        }
        Val::Int(i) => {
            VALUE_INT.encode(e)?;
            i.encode(e)?;
        }
        Val::Float(f) => {
            VALUE_FLOAT.encode(e)?;
            f.encode(e)?;
        }
        Val::Str(s) => {
            VALUE_STRING.encode(e)?;
            s.as_str().encode(e)?;
        }
        Val::List(items) => {
            VALUE_LIST.encode(e)?;
            (items.len() as u64).encode(e)?;
            for item in items.iter() {
                encode_value(item, e)?;
            }
        }
        Val::Map(map) => {
            VALUE_MAP.encode(e)?;
            (map.len() as u64).encode(e)?;
            for (k, v) in map.iter() {
                k.as_ref().encode(e)?;
                encode_value(v, e)?;
            }
        }
        Val::Temporal(t) => {
            VALUE_TEMPORAL.encode(e)?;
            t.kind_tag().encode(e)?;
            t.to_string().as_str().encode(e)?;
        }
        Val::Node(_) | Val::Rel(_) | Val::Path(_) => {
            return Err(WriteFail::Refused(Problem::new(
                "Unstorable",
                format!("a {} value", value.type_name()),
            )))
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- reading

/// A bincode `Reader` over the payload bytes of a file: it never reads past the payload
/// length, serves `peek_read` from its buffer (bincode's fast path for varints), and
/// knows how many payload bytes are left, which bounds every length prefix.
pub struct PayloadReader<R: Read> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Payload bytes not yet pulled into `buf`.
    unread: u64,
    /// Payload bytes pulled into `buf` so far.
    pulled: u64,
    /// Strings decoded so far: values that repeat (a country, a date, a name, a sentence
    /// quoted by many claims) share one allocation instead of one per property. Emptied
    /// when full, so that the values repeating in each part of the file (one label's
    /// properties) are the ones kept.
    strings: rustc_hash::FxHashSet<Str>,
}

/// How many strings are kept for sharing (the table then takes about 16 MB), and the
/// longest one kept. In the scale-10 bench graph, 2M claims quote 150k distinct texts of
/// about 50 bytes: sharing them saves about 150 MB.
const SHARED_STRINGS: usize = 1 << 20;
const SHARED_STRING_MAX: usize = 256;

impl<R: Read> PayloadReader<R> {
    pub fn new(input: R, payload_len: u64) -> PayloadReader<R> {
        PayloadReader {
            input,
            buf: vec![0u8; CHUNK].into_boxed_slice(),
            pos: 0,
            end: 0,
            unread: payload_len,
            pulled: 0,
            strings: Default::default(),
        }
    }

    /// Payload bytes consumed so far (the offset of the next byte within the payload).
    pub fn offset(&self) -> u64 {
        self.pulled - (self.end - self.pos) as u64
    }

    /// Payload bytes not yet consumed.
    pub fn remaining(&self) -> u64 {
        (self.end - self.pos) as u64 + self.unread
    }

    /// Makes at least `want` (≤ the buffer size) bytes available; false when the payload
    /// ends first.
    fn fill(&mut self, want: usize) -> Result<bool, io::Error> {
        if self.end - self.pos >= want {
            return Ok(true);
        }
        if want > self.buf.len() || self.remaining() < want as u64 {
            return Ok(false);
        }
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        while self.end < want {
            let room = (self.buf.len() - self.end).min(self.unread as usize);
            let n = self.input.read(&mut self.buf[self.end..self.end + room])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file became shorter while it was read",
                ));
            }
            self.end += n;
            self.unread -= n as u64;
            self.pulled += n as u64;
        }
        Ok(true)
    }
}

impl<R: Read> Reader for PayloadReader<R> {
    fn read(&mut self, bytes: &mut [u8]) -> Result<(), DecodeError> {
        let want = bytes.len();
        if want as u64 > self.remaining() {
            return Err(DecodeError::UnexpectedEnd {
                additional: (want as u64 - self.remaining()) as usize,
            });
        }
        if want <= self.buf.len() {
            self.fill(want).map_err(|inner| DecodeError::Io {
                inner,
                additional: want,
            })?;
            bytes.copy_from_slice(&self.buf[self.pos..self.pos + want]);
            self.pos += want;
            return Ok(());
        }
        let have = self.end - self.pos;
        bytes[..have].copy_from_slice(&self.buf[self.pos..self.end]);
        self.pos = self.end;
        self.input
            .read_exact(&mut bytes[have..])
            .map_err(|inner| DecodeError::Io {
                inner,
                additional: want - have,
            })?;
        self.unread -= (want - have) as u64;
        self.pulled += (want - have) as u64;
        Ok(())
    }

    #[inline]
    fn peek_read(&mut self, n: usize) -> Option<&[u8]> {
        match self.fill(n) {
            Ok(true) => Some(&self.buf[self.pos..self.pos + n]),
            _ => None,
        }
    }

    #[inline]
    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }
}

type Dec<'a, R> = DecoderImpl<&'a mut PayloadReader<R>, Limited, ()>;

/// Why a payload could not be decoded.
enum Fail {
    Bincode(DecodeError),
    /// Well-formed bytes that do not describe a valid graph.
    Invalid(String),
    /// A graph too big to rebuild on this machine.
    TooLarge(String),
}

impl From<DecodeError> for Fail {
    fn from(e: DecodeError) -> Fail {
        Fail::Bincode(e)
    }
}

fn invalid<T>(message: String) -> Result<T, Fail> {
    Err(Fail::Invalid(message))
}

/// What the caller already knows and allows.
pub struct ReadLimits {
    /// Node and relationship counts from the (verified) header.
    pub node_count: u64,
    pub rel_count: u64,
    /// The most bytes the id slot tables may take (4 bytes per id below the next ids).
    pub max_slot_bytes: u64,
}

/// Decodes a payload of `payload_len` bytes from `input` into a new graph, record by
/// record. The payload's checksum must have been verified before.
pub fn read_payload<R: Read>(
    input: R,
    payload_len: u64,
    limits: &ReadLimits,
    progress: &mut Progress,
) -> Result<Graph, Problem> {
    let mut reader = PayloadReader::new(input, payload_len);
    match decode_graph(&mut reader, limits, progress) {
        Ok(graph) => Ok(graph),
        Err(fail) => {
            let at = reader.offset();
            Err(match fail {
                Fail::Bincode(DecodeError::LimitExceeded) => Problem::new(
                    "TooLarge",
                    format!(
                        "a record near payload byte {at} is larger than the {RECORD_LIMIT}-byte record limit"
                    ),
                ),
                Fail::Bincode(DecodeError::Io { inner, .. }) => {
                    Problem::io("cannot read", &inner)
                }
                Fail::Bincode(e) => Problem::new(
                    "Decode",
                    format!("the payload cannot be decoded at byte {at}: {e}"),
                ),
                Fail::Invalid(message) => Problem::new(
                    "Decode",
                    format!("the payload is invalid at byte {at}: {message}"),
                ),
                Fail::TooLarge(message) => Problem::new("TooLarge", message),
            })
        }
    }
}

/// A fresh decoder for one record: the byte limit counts per record.
fn record<R: Read>(reader: &mut PayloadReader<R>) -> Dec<'_, R> {
    DecoderImpl::new(reader, DECODE_CONFIG, ())
}

/// A length prefix of something whose items each take at least one byte: it may not
/// exceed the bytes that are left.
fn decode_len<R: Read>(d: &mut Dec<'_, R>, what: &str) -> Result<usize, Fail> {
    let len = u64::decode(d)?;
    let remaining = d.reader().remaining();
    if len > remaining {
        return invalid(format!(
            "{what} claims {len} entries but only {remaining} bytes are left"
        ));
    }
    Ok(len as usize)
}

fn decode_str<R: Read>(d: &mut Dec<'_, R>) -> Result<Str, Fail> {
    let len = decode_len(d, "a string")?;
    d.claim_bytes_read(len)?;
    let reader: &mut PayloadReader<R> = d.reader();
    if len <= reader.buf.len() {
        reader.fill(len).map_err(|inner| {
            Fail::Bincode(DecodeError::Io {
                inner,
                additional: len,
            })
        })?;
        let bytes = &reader.buf[reader.pos..reader.pos + len];
        let s = std::str::from_utf8(bytes)
            .map_err(|inner| Fail::Bincode(DecodeError::Utf8 { inner }))?;
        let s: Str = if len <= SHARED_STRING_MAX {
            match reader.strings.get(s) {
                Some(shared) => shared.clone(),
                None => {
                    if reader.strings.len() >= SHARED_STRINGS {
                        reader.strings.clear();
                    }
                    let fresh = Str::from(s);
                    reader.strings.insert(fresh.clone());
                    fresh
                }
            }
        } else {
            Str::from(s)
        };
        reader.pos += len;
        Ok(s)
    } else {
        let mut bytes = vec![0u8; len];
        reader.read(&mut bytes)?;
        let s = String::from_utf8(bytes).map_err(|e| {
            Fail::Bincode(DecodeError::Utf8 {
                inner: e.utf8_error(),
            })
        })?;
        Ok(Str::from(s))
    }
}

fn decode_value<R: Read>(d: &mut Dec<'_, R>, depth: usize) -> Result<Val, Fail> {
    let tag = u8::decode(d)?;
    Ok(match tag {
        VALUE_NULL => Val::Null,
        VALUE_BOOL => Val::Bool(bool::decode(d)?),
        VALUE_INT => Val::Int(i64::decode(d)?),
        VALUE_FLOAT => Val::Float(f64::decode(d)?),
        VALUE_STRING => Val::Str(decode_str(d)?),
        VALUE_LIST | VALUE_MAP if depth >= MAX_VALUE_DEPTH => {
            return invalid(format!(
                "a value nests lists or maps more than {MAX_VALUE_DEPTH} deep"
            ))
        }
        VALUE_LIST => {
            let len = decode_len(d, "a list")?;
            d.claim_bytes_read(len)?;
            let mut items = Vec::with_capacity(len.min(1 << 16));
            for _ in 0..len {
                items.push(decode_value(d, depth + 1)?);
            }
            Val::List(Arc::new(items))
        }
        VALUE_MAP => {
            let len = decode_len(d, "a map")?;
            let mut map = MapVal::new();
            for _ in 0..len {
                let key: Arc<str> = Arc::from(decode_str(d)?.as_str());
                let value = decode_value(d, depth + 1)?;
                if map.insert(key.clone(), value).is_some() {
                    return invalid(format!("a map has the key `{key}` twice"));
                }
            }
            Val::Map(Arc::new(map))
        }
        VALUE_TEMPORAL => {
            let kind = u8::decode(d)?;
            let text = decode_str(d)?;
            match crate::temporal::Temporal::from_tagged_text(kind, &text) {
                Some(t) => Val::Temporal(Arc::new(t)),
                None => return invalid(format!("an invalid temporal value `{text}`")),
            }
        }
        other => return invalid(format!("unknown value tag {other}")),
    })
}

fn decode_props<R: Read>(
    d: &mut Dec<'_, R>,
    key_count: u32,
    owner: &dyn Fn() -> String,
) -> Result<Props, Fail> {
    let n = decode_len(d, "a property list")?;
    let mut props = Vec::with_capacity(n);
    let mut previous: Option<u32> = None;
    for _ in 0..n {
        let key = u32::decode(d)?;
        if key >= key_count {
            return invalid(format!(
                "{} uses property key #{key}, but there are only {key_count} keys",
                owner()
            ));
        }
        if previous.is_some_and(|p| p >= key) {
            return invalid(format!(
                "{} lists its properties out of order or twice",
                owner()
            ));
        }
        previous = Some(key);
        let value = decode_value(d, 0)?;
        if value.is_null() {
            return invalid(format!("{} has a null property", owner()));
        }
        props.push((Symbol(key), value));
    }
    Ok(props)
}

/// A decoded relationship waiting for its batch to be inserted.
struct PendingRel {
    id: RelId,
    rel_type: Symbol,
    start: NodeId,
    end: NodeId,
    props: Props,
}

/// Inserts a batch of relationships. Their endpoint nodes are prefetched first in a tight
/// loop, so that the cache misses into the node table overlap instead of coming one at a
/// time inside the insertions (about 2x faster on a graph larger than the caches).
fn insert_rels(graph: &mut Graph, batch: &mut Vec<PendingRel>) -> Result<(), Fail> {
    for rel in batch.iter() {
        graph.prefetch_rel_endpoints(rel.start, rel.end);
    }
    for rel in batch.drain(..) {
        let (id, start, end) = (rel.id.0, rel.start.0, rel.end.0);
        if !graph.load_rel(rel.id, rel.start, rel.end, rel.rel_type, rel.props) {
            return invalid(format!(
                "relationship {id} connects node {start} to node {end}, and one of them does not exist"
            ));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Seen {
    names: bool,
    ids: Option<(u64, u64)>,
    nodes: bool,
    rels: bool,
    indexes: bool,
    constraints: bool,
}

fn decode_graph<R: Read>(
    reader: &mut PayloadReader<R>,
    limits: &ReadLimits,
    progress: &mut Progress,
) -> Result<Graph, Fail> {
    let mut graph = Graph::new();
    let mut seen = Seen::default();
    let mut name_counts = [0u32; 3];
    // The crc pass already moved the bar through the first half.
    let progress_base = reader.remaining();
    loop {
        let tag = u8::decode(&mut record(reader))?;
        match tag {
            SECTION_END => break,
            SECTION_NAMES if !seen.names => {
                seen.names = true;
                for (i, kind) in ["label", "relationship type", "property key"]
                    .into_iter()
                    .enumerate()
                {
                    let n = decode_len(&mut record(reader), "a name list")?;
                    if n > u32::MAX as usize {
                        return invalid(format!("{n} {kind} names are too many"));
                    }
                    for index in 0..n {
                        let name = decode_str(&mut record(reader))?;
                        let symbol = match i {
                            0 => graph.intern_label(&name),
                            1 => graph.intern_type(&name),
                            _ => graph.intern_key(&name),
                        };
                        if symbol.0 as usize != index {
                            return invalid(format!("the {kind} name `{name}` appears twice"));
                        }
                    }
                    name_counts[i] = n as u32;
                }
            }
            SECTION_IDS if seen.ids.is_none() => {
                let mut d = record(reader);
                let next_node = u64::decode(&mut d)?;
                let next_rel = u64::decode(&mut d)?;
                let slot_bytes = next_node
                    .checked_add(next_rel)
                    .and_then(|n| n.checked_mul(4))
                    .unwrap_or(u64::MAX);
                if slot_bytes > limits.max_slot_bytes {
                    return Err(Fail::TooLarge(format!(
                        "the graph's ids run up to node {next_node} and relationship {next_rel}; \
                         their slot tables alone need {slot_bytes} bytes, more than this machine's \
                         {} bytes of memory",
                        limits.max_slot_bytes
                    )));
                }
                seen.ids = Some((next_node, next_rel));
            }
            SECTION_NODES if seen.names && seen.ids.is_some() && !seen.nodes => {
                seen.nodes = true;
                let (next_node, _) = seen.ids.expect("checked");
                let count = u64::decode(&mut record(reader))?;
                if count != limits.node_count {
                    return invalid(format!(
                        "the node section holds {count} nodes but the header says {}",
                        limits.node_count
                    ));
                }
                if count > reader.remaining() / MIN_NODE_RECORD {
                    return invalid(format!(
                        "{count} nodes cannot fit in the {} bytes that are left",
                        reader.remaining()
                    ));
                }
                graph.reserve(count as usize, 0);
                let mut expected_id = 0u64;
                for _ in 0..count {
                    let mut d = record(reader);
                    let gap = u64::decode(&mut d)?;
                    let id = match expected_id.checked_add(gap) {
                        Some(id) if id < next_node => id,
                        _ => {
                            return invalid(format!(
                                "a node id is not below the next node id {next_node}"
                            ))
                        }
                    };
                    expected_id = id + 1;
                    let n_labels = decode_len(&mut d, "a label list")?;
                    let mut labels = Vec::with_capacity(n_labels);
                    for _ in 0..n_labels {
                        let label = u32::decode(&mut d)?;
                        if label >= name_counts[0] {
                            return invalid(format!(
                                "node {id} has label #{label}, but there are only {} labels",
                                name_counts[0]
                            ));
                        }
                        if labels.contains(&Symbol(label)) {
                            return invalid(format!("node {id} has a label twice"));
                        }
                        labels.push(Symbol(label));
                    }
                    let props = decode_props(&mut d, name_counts[2], &|| format!("node {id}"))?;
                    if !graph.load_node(NodeId(id), labels, props) {
                        return invalid(format!("node {id} appears twice"));
                    }
                    progress.set(progress_base + reader.offset());
                }
            }
            SECTION_RELS if seen.nodes && !seen.rels => {
                seen.rels = true;
                let (_, next_rel) = seen.ids.expect("checked");
                let count = u64::decode(&mut record(reader))?;
                if count != limits.rel_count {
                    return invalid(format!(
                        "the relationship section holds {count} relationships but the header says {}",
                        limits.rel_count
                    ));
                }
                if count > reader.remaining() / MIN_REL_RECORD {
                    return invalid(format!(
                        "{count} relationships cannot fit in the {} bytes that are left",
                        reader.remaining()
                    ));
                }
                graph.reserve(0, count as usize);
                let mut expected_id = 0u64;
                let mut batch: Vec<PendingRel> = Vec::with_capacity(BATCH);
                for i in 0..count {
                    let mut d = record(reader);
                    let gap = u64::decode(&mut d)?;
                    let id = match expected_id.checked_add(gap) {
                        Some(id) if id < next_rel => id,
                        _ => {
                            return invalid(format!(
                                "a relationship id is not below the next relationship id {next_rel}"
                            ))
                        }
                    };
                    expected_id = id + 1;
                    let rel_type = u32::decode(&mut d)?;
                    if rel_type >= name_counts[1] {
                        return invalid(format!(
                            "relationship {id} has type #{rel_type}, but there are only {} types",
                            name_counts[1]
                        ));
                    }
                    let start = u64::decode(&mut d)?;
                    let end = u64::decode(&mut d)?;
                    let props =
                        decode_props(&mut d, name_counts[2], &|| format!("relationship {id}"))?;
                    batch.push(PendingRel {
                        id: RelId(id),
                        rel_type: Symbol(rel_type),
                        start: NodeId(start),
                        end: NodeId(end),
                        props,
                    });
                    if batch.len() == BATCH || i + 1 == count {
                        insert_rels(&mut graph, &mut batch)?;
                        progress.set(progress_base + reader.offset());
                    }
                }
            }
            SECTION_INDEXES if seen.names && !seen.indexes => {
                seen.indexes = true;
                let n = decode_len(&mut record(reader), "the index list")?;
                let mut indexes = Vec::with_capacity(n.min(1 << 10));
                for _ in 0..n {
                    let mut d = record(reader);
                    let name = decode_str(&mut d)?;
                    let label = u32::decode(&mut d)?;
                    let key = u32::decode(&mut d)?;
                    if label >= name_counts[0] || key >= name_counts[2] {
                        return invalid(format!(
                            "index `{name}` refers to label #{label} and key #{key}, which do not exist"
                        ));
                    }
                    indexes.push((name, Symbol(label), Symbol(key)));
                }
                // After the nodes (as kg writes it) an index is built in one pass over
                // the nodes already there, which measured faster than filling it as
                // nodes are inserted (the other order, also accepted).
                for (name, label, key) in indexes {
                    if !graph.create_index(&name, label, key) {
                        return invalid(format!("index `{name}` is defined twice"));
                    }
                }
            }
            SECTION_CONSTRAINTS if seen.nodes && !seen.constraints => {
                seen.constraints = true;
                let n = decode_len(&mut record(reader), "the constraint list")?;
                for _ in 0..n {
                    let mut d = record(reader);
                    let kind = u8::decode(&mut d)?;
                    if kind != CONSTRAINT_UNIQUE {
                        return invalid(format!("unknown constraint kind {kind}"));
                    }
                    let name = decode_str(&mut d)?;
                    let label = u32::decode(&mut d)?;
                    let key = u32::decode(&mut d)?;
                    if label >= name_counts[0] || key >= name_counts[2] {
                        return invalid(format!(
                            "constraint `{name}` refers to label #{label} and key #{key}, which do not exist"
                        ));
                    }
                    match graph.create_constraint(&name, Symbol(label), Symbol(key)) {
                        Ok(true) => {}
                        Ok(false) => {
                            return invalid(format!("constraint `{name}` is defined twice"))
                        }
                        Err(c) => {
                            return invalid(format!(
                                "constraint `{name}` does not hold: nodes {} and {} share a value",
                                c.nodes.0 .0, c.nodes.1 .0
                            ))
                        }
                    }
                }
            }
            SECTION_NAMES..=SECTION_CONSTRAINTS => {
                return invalid(format!("section {tag} is repeated or out of order"))
            }
            other => return invalid(format!("unknown section tag {other}")),
        }
    }
    if !(seen.names && seen.nodes && seen.rels) {
        return invalid("the end marker comes before all sections".to_string());
    }
    if reader.remaining() != 0 {
        return invalid(format!(
            "{} bytes follow the end marker",
            reader.remaining()
        ));
    }
    let (next_node, next_rel) = seen.ids.expect("checked");
    graph.set_next_ids(next_node, next_rel);
    graph.commit();
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(nodes: u64, rels: u64) -> ReadLimits {
        ReadLimits {
            node_count: nodes,
            rel_count: rels,
            max_slot_bytes: 1 << 30,
        }
    }

    #[test]
    fn payload_round_trip_keeps_ids_and_values() {
        let mut g = Graph::new();
        let person = g.intern_label("Person");
        let knows = g.intern_type("KNOWS");
        let name = g.intern_key("name");
        let tags = g.intern_key("tags");
        let a = g.create_node(&[person], vec![(name, Val::str("Ann"))]);
        let gone = g.create_node(&[], vec![]);
        let b = g.create_node(
            &[person],
            vec![(tags, Val::list(vec![Val::Int(1), Val::Null, Val::Int(-7)]))],
        );
        g.create_rel(a, b, knows, vec![(name, Val::Float(f64::NAN))]);
        g.delete_node(gone);
        g.commit();

        let mut bytes = Vec::new();
        let written = write_payload(&g, &mut bytes, &mut Progress::hidden(0)).unwrap();
        assert_eq!(written.payload_len, bytes.len() as u64);
        assert_eq!(written.payload_crc, crc32fast::hash(&bytes));
        let back = read_payload(
            &bytes[..],
            bytes.len() as u64,
            &limits(2, 1),
            &mut Progress::hidden(0),
        )
        .map_err(|p| p.message)
        .unwrap();
        assert_eq!(back.nodes().map(|n| n.0).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(back.next_node_id(), 3);
        assert!(matches!(back.node_prop(b, tags), Some(Val::List(l)) if l.len() == 3));
        let rel = back.rels().next().unwrap();
        assert!(matches!(back.rel_prop(rel, name), Some(Val::Float(f)) if f.is_nan()));
    }

    fn round_trip(g: &Graph) -> Result<Graph, Problem> {
        let mut bytes = Vec::new();
        write_payload(g, &mut bytes, &mut Progress::hidden(0)).unwrap();
        read_payload(
            &bytes[..],
            bytes.len() as u64,
            &limits(g.node_count() as u64, g.rel_count() as u64),
            &mut Progress::hidden(0),
        )
    }

    #[test]
    fn constraints_round_trip_in_their_own_section_only_when_there_are_some() {
        let mut g = Graph::new();
        let person = g.intern_label("Person");
        let id = g.intern_key("id");
        g.create_index("plain", person, g.key_symbol("id").unwrap());
        let mut bytes = Vec::new();
        write_payload(&g, &mut bytes, &mut Progress::hidden(0)).unwrap();
        // Without constraints the file ends as a reader from before them expects: the
        // index section, then the end marker.
        let plain = [
            SECTION_INDEXES,
            1,
            5,
            b'p',
            b'l',
            b'a',
            b'i',
            b'n',
            0,
            0,
            SECTION_END,
        ];
        assert!(bytes.ends_with(&plain), "{bytes:?}");
        assert!(g.drop_index("plain"));

        let key = g.intern_key("key");
        assert!(g.create_constraint("person_id", person, id).unwrap());
        g.create_index("by_key", person, key);
        g.create_node(&[person], vec![(id, Val::Int(1))]);
        g.create_node(&[person], vec![(id, Val::Int(2))]);
        g.commit();
        let mut back = round_trip(&g).map_err(|p| p.message).unwrap();
        let names: Vec<(String, bool)> = back
            .indexes()
            .iter()
            .map(|i| (i.name.clone(), i.unique))
            .collect();
        assert_eq!(
            names,
            [
                ("by_key".to_string(), false),
                ("person_id".to_string(), true)
            ]
        );
        // Enforced after loading.
        back.create_node(&[person], vec![(id, Val::Int(2))]);
        let conflict = back.check_unique().unwrap_err();
        assert_eq!(conflict.constraint, "person_id");
        assert_eq!((conflict.nodes.0 .0, conflict.nodes.1 .0), (1, 2));
    }

    #[test]
    fn a_constraint_the_data_breaks_is_refused() {
        let mut g = Graph::new();
        let person = g.intern_label("Person");
        let id = g.intern_key("id");
        assert!(g.create_constraint("person_id", person, id).unwrap());
        // Written around the statement-end check, as a damaged or hand-made file could be.
        g.create_node(&[person], vec![(id, Val::Int(7))]);
        g.create_node(&[person], vec![(id, Val::Int(7))]);
        g.commit();
        let err = round_trip(&g).unwrap_err();
        assert!(
            err.message
                .contains("constraint `person_id` does not hold: nodes 0 and 1 share a value"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_huge_length_prefix_is_refused_before_allocating() {
        // A names section whose label list claims u64::MAX - 1 entries.
        let mut bytes = vec![SECTION_NAMES, 253];
        bytes.extend_from_slice(&(u64::MAX - 1).to_le_bytes());
        let err = read_payload(
            &bytes[..],
            bytes.len() as u64,
            &limits(0, 0),
            &mut Progress::hidden(0),
        )
        .unwrap_err();
        assert_eq!(err.code, "Decode");
        assert!(
            err.message.contains("only 0 bytes are left"),
            "{}",
            err.message
        );
    }
}
