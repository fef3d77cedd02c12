//! The checks shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the stable tests
//! that replay their findings (`tests/fuzz_regressions.rs`, `tests/fuzz_lite.rs`), which
//! include this file with `#[path]`. Each function takes one fuzz input, runs it through
//! kg's public API and panics when a property is broken: a panic inside kg, an error
//! without a kind or with a span outside the text, a failed statement that left changes
//! behind, a property index out of step with the nodes, a snapshot or an import that lost
//! or invented records. Errors that kg reports cleanly are fine.

#![allow(dead_code)]

use kg::import::{IdType, ImportArgs};
use kg::store::{Graph, IndexKey};
use kg::{Database, Params, Value};
use std::path::Path;
use std::time::Duration;

/// The most statements of one input that `execute` runs.
pub const MAX_STATEMENTS: usize = 4;

/// Limits small enough that no statement can take the fuzzer's memory or time; label
/// scans under aggregations and top-k split into two partitions even on tiny graphs, so
/// that the parallel paths are fuzzed too.
pub fn small_limits() -> kg::database::Limits {
    kg::database::Limits {
        timeout: Some(Duration::from_millis(500)),
        max_rows_in_memory: 5_000,
        max_list_len: 5_000,
        threads: 2,
        parallel_min_nodes: 1,
    }
}

/// Checks an error raised for `source`: it has a kind, a message, a span (if any) that
/// lies on character boundaries inside the text, and it renders. (A message may quote a
/// string value of the query, line breaks and all.)
pub fn check_error(e: &kg::Error, source: &str) {
    assert!(!e.kind().name().is_empty());
    assert!(!e.message().is_empty(), "empty message: {e:?}");
    if let Some(span) = e.span() {
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "span {span:?} outside a text of {} bytes: {e:?}",
            source.len()
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "span {span:?} not on character boundaries: {e:?}"
        );
    }
    let rendered = e.render(source);
    assert!(rendered.contains(e.kind().name()), "{rendered}");
}

/// Target `parse`: the parser on arbitrary text.
pub fn parse(text: &str) {
    if let Err(e) = kg::syntax::parse(text) {
        check_error(&e, text);
    }
}

/// Everything about a graph that a statement can change, as text: nodes with their
/// labels and properties, relationships with their type, ends and properties. Ids are
/// kept; names are resolved so that interning a new name changes nothing.
pub fn fingerprint(g: &Graph) -> Vec<String> {
    let mut out = Vec::with_capacity(g.node_count() + g.rel_count());
    for n in g.nodes() {
        let mut labels: Vec<&str> = g
            .node_labels(n)
            .iter()
            .map(|&l| &**g.label_name(l))
            .collect();
        labels.sort_unstable();
        let mut props: Vec<String> = g
            .node_props(n)
            .iter()
            .map(|(k, v)| format!("{}={v:?}", g.key_name(*k)))
            .collect();
        props.sort_unstable();
        out.push(format!("{n:?} {labels:?} {props:?}"));
    }
    for r in g.rels() {
        let ty = g.rel_type(r).map(|t| g.type_name(t).to_string());
        let mut props: Vec<String> = g
            .rel_props(r)
            .iter()
            .map(|(k, v)| format!("{}={v:?}", g.key_name(*k)))
            .collect();
        props.sort_unstable();
        out.push(format!("{r:?} {ty:?} {:?} {props:?}", g.rel_endpoints(r)));
    }
    out.sort_unstable();
    out
}

/// Every property index holds exactly the nodes with its label and an indexable value of
/// its key, each under that value.
pub fn check_indexes(g: &Graph) {
    for index in g.indexes() {
        let mut expected = 0;
        for n in g.nodes_with_label(index.label) {
            let Some(v) = g.node_prop(n, index.key) else {
                continue;
            };
            if IndexKey::of(v).is_none() {
                continue;
            }
            expected += 1;
            let mut found = Vec::new();
            index.lookup_into(v, &mut found);
            assert!(
                found.contains(&n),
                "index {} misses {n:?} under {v:?}",
                index.name
            );
        }
        assert_eq!(index.len(), expected, "index {} entry count", index.name);
    }
}

/// Parameters every `execute` input can refer to.
pub fn params() -> Params {
    let mut p = Params::new();
    p.insert("name".into(), Value::from("Liu He"));
    p.insert("n".into(), Value::Int(3));
    p.insert("f".into(), Value::Float(-0.5));
    p.insert(
        "list".into(),
        Value::List(vec![Value::Int(1), Value::Null, Value::from("x")]),
    );
    p.insert(
        "map".into(),
        Value::Map([("key".to_string(), Value::Int(1))].into()),
    );
    p
}

/// Target `execute`: up to `MAX_STATEMENTS` `;`-separated statements of `input` on a fresh
/// copy of `seed`, with small limits. A statement that fails must leave the graph as it
/// was; a rolled-back transaction must restore the graph from before `BEGIN`; property
/// indexes must stay in step; a result's rows must be as wide as its columns.
pub fn execute(seed: &Graph, input: &str) {
    let mut db = Database::from_graph(seed.clone());
    db.set_limits(small_limits());
    let params = params();
    let mut before_tx: Option<Vec<String>> = None;
    for stmt in kg::script::split_statements(input)
        .into_iter()
        .take(MAX_STATEMENTS)
    {
        let before = fingerprint(db.graph());
        let was_in_tx = db.in_transaction();
        match db.execute(stmt.text, &params) {
            Ok(r) => {
                for row in &r.rows {
                    assert_eq!(row.len(), r.columns.len(), "row width in {:?}", stmt.text);
                }
                if !was_in_tx && db.in_transaction() {
                    before_tx = Some(before);
                } else if was_in_tx && !db.in_transaction() {
                    let start = before_tx.take().expect("BEGIN seen");
                    if r.notice.as_deref() == Some("transaction rolled back") {
                        assert_eq!(
                            fingerprint(db.graph()),
                            start,
                            "ROLLBACK lost or kept changes"
                        );
                    }
                }
            }
            Err(e) => {
                check_error(&e, stmt.text);
                assert_eq!(
                    fingerprint(db.graph()),
                    before,
                    "the failed statement {:?} ({e}) changed the graph",
                    stmt.text
                );
            }
        }
        check_indexes(db.graph());
    }
    if let Some(start) = before_tx {
        assert!(db.rollback_open_transaction());
        assert_eq!(fingerprint(db.graph()), start, "rollback at the end");
        check_indexes(db.graph());
    }
}

/// The seed graph, once per process.
pub fn seed_graph() -> &'static Graph {
    static SEED: std::sync::OnceLock<Graph> = std::sync::OnceLock::new();
    SEED.get_or_init(|| {
        Database::seed()
            .expect("the seed graph builds")
            .graph()
            .clone()
    })
}

/// Snapshot input: the first byte is a mode, the rest the file. Mode bit 0 repairs the
/// header and payload checksums (so that mutations reach the decoder instead of the
/// checksum test), bit 1 also sets the header's payload length to what follows it.
pub fn snapshot_file(data: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = data.split_first() else {
        return Vec::new();
    };
    let mut file = rest.to_vec();
    if mode & 1 == 1 && file.len() >= 64 && file[..8] == kg::snapshot::MAGIC {
        if mode & 2 == 2 {
            let len = (file.len() - 64) as u64;
            file[48..56].copy_from_slice(&len.to_le_bytes());
        }
        let claimed = u64::from_le_bytes(file[48..56].try_into().unwrap());
        let end = (64u64.saturating_add(claimed)).min(file.len() as u64) as usize;
        let crc = crc32fast::hash(&file[64..end]);
        file[56..60].copy_from_slice(&crc.to_le_bytes());
        let crc = crc32fast::hash(&file[..60]);
        file[60..64].copy_from_slice(&crc.to_le_bytes());
    }
    file
}

/// Target `snapshot`: loads `snapshot_file(data)` written at `path`. A refusal is one
/// `SnapshotError` line naming the file; a graph that loads must answer queries, save
/// and load back to the same graph, and have consistent indexes.
pub fn snapshot(data: &[u8], path: &Path) {
    std::fs::write(path, snapshot_file(data)).expect("write the fuzz file");
    match kg::snapshot::load_graph(path) {
        Err(e) => {
            assert_eq!(e.kind().name(), "SnapshotError", "{e}");
            let message = e.message();
            assert!(!message.contains('\n'), "multi-line: {message}");
            assert!(
                message.starts_with(&path.display().to_string()),
                "does not name the file: {message}"
            );
        }
        Ok(g) => {
            check_indexes(&g);
            let print = fingerprint(&g);
            let again = path.with_extension("again");
            kg::snapshot::save_graph(&g, &again).expect("a loaded graph saves");
            let back = kg::snapshot::load_graph(&again).expect("a saved graph loads");
            let _ = std::fs::remove_file(&again);
            assert_eq!(fingerprint(&back), print, "save/load round trip");
            check_queries(g);
        }
    }
}

/// Queries over every node and relationship of a loaded graph agree with its counts, and
/// deleting everything leaves an empty graph.
fn check_queries(g: Graph) {
    let (nodes, rels) = (g.node_count() as i64, g.rel_count() as i64);
    let mut db = Database::from_graph(g);
    db.set_limits(small_limits());
    let p = Params::new();
    let count = |db: &mut Database, q: &str| -> Value {
        db.execute(q, &p)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .rows[0][0]
            .clone()
    };
    assert_eq!(
        count(&mut db, "MATCH (n) RETURN count(n)"),
        Value::Int(nodes)
    );
    assert_eq!(
        count(&mut db, "MATCH ()-[r]->() RETURN count(r)"),
        Value::Int(rels)
    );
    let all = db
        .execute("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN n, r, m", &p)
        .expect("reading everything");
    assert!(all.rows.len() as i64 >= nodes.min(5_000));
    db.execute("MATCH (n) DETACH DELETE n", &p)
        .expect("delete all");
    assert_eq!((db.node_count(), db.relationship_count()), (0, 0));
}

/// The files of a CSV import input: the first byte picks options (bit 0 skip bad rows,
/// 1 integer ids, 2 tab delimiter, 3 `|` array delimiter, 4 `'` quote, 5 the relationship
/// file gets the type prefix `REL=`), the rest is split on 0xFE into a node file, a
/// relationship file, and optionally a second node file (read with the label prefix
/// `Extra=`) and a header file for it (`HEADER,FILE` form). An empty relationship part
/// stands for no relationship file.
pub struct CsvInput<'a> {
    pub options: u8,
    pub nodes: &'a [u8],
    pub rels: &'a [u8],
    pub more_nodes: Option<&'a [u8]>,
    pub header: Option<&'a [u8]>,
}

pub fn csv_input(data: &[u8]) -> CsvInput<'_> {
    let (options, rest) = data.split_first().map_or((0, data), |(&o, r)| (o, r));
    let mut parts = rest.splitn(4, |&b| b == 0xFE);
    CsvInput {
        options,
        nodes: parts.next().unwrap_or(&[]),
        rels: parts.next().unwrap_or(&[]),
        more_nodes: parts.next(),
        header: parts.next(),
    }
}

/// Target `csv_import`: imports the files of `csv_input(data)` into `dir/out.kg`. A
/// failure is one `ImportError` line that names a file (`file:line: ...` for a problem in
/// a file) and writes nothing; a success loads back with the counts the report gives,
/// and every bad-row sample names its file and line.
pub fn csv_import(data: &[u8], dir: &Path) {
    let input = csv_input(data);
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write the fuzz file");
        path.display().to_string()
    };
    let nodes = write("nodes.csv", input.nodes);
    let rels = write("rels.csv", input.rels);
    let mut node_args = vec![nodes.clone()];
    let mut files = vec![nodes, rels.clone()];
    if let Some(more) = input.more_nodes {
        let more = write("more.csv", more);
        files.push(more.clone());
        match input.header {
            Some(header) => {
                let header = write("header.csv", header);
                files.push(header.clone());
                node_args.push(format!("Extra={header},{more}"));
            }
            None => node_args.push(format!("Extra={more}")),
        }
    }
    let out = dir.join("out.kg");
    let _ = std::fs::remove_file(&out);
    let o = input.options;
    let rels = if o & 32 == 32 {
        format!("REL={rels}")
    } else {
        rels
    };
    // An empty relationship part means no relationship file (an empty file is an error).
    let rel_args = if input.rels.is_empty() {
        vec![]
    } else {
        vec![rels]
    };
    let mut args = ImportArgs::new(node_args, rel_args, &out);
    args.skip_bad_rows = o & 1 == 1;
    args.id_type = if o & 2 == 2 {
        IdType::Integer
    } else {
        IdType::String
    };
    if o & 4 == 4 {
        args.delimiter = '\t';
    }
    if o & 8 == 8 {
        args.array_delimiter = '|';
    }
    if o & 16 == 16 {
        args.quote = '\'';
    }
    match kg::import::run(&args) {
        Err(e) => {
            assert_eq!(e.kind().name(), "ImportError", "{e}");
            let message = e.message();
            assert!(!message.contains('\n'), "multi-line: {message}");
            assert!(
                files.iter().any(|f| message.starts_with(&format!("{f}:"))),
                "does not start with a file name: {message}"
            );
            assert!(!out.exists(), "a failed import wrote {}", out.display());
        }
        Ok(report) => {
            for sample in &report.bad_row_samples {
                let names_line = files.iter().any(|f| {
                    sample
                        .strip_prefix(&format!("{f}:"))
                        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
                });
                assert!(names_line, "bad-row sample without file:line: {sample}");
            }
            let g = kg::snapshot::load_graph(&out).expect("the import's snapshot loads");
            assert_eq!(g.node_count() as u64, report.nodes);
            assert_eq!(g.rel_count() as u64, report.relationships);
            check_indexes(&g);
            check_queries(g);
        }
    }
}

/// A fresh directory for one fuzzing process's files, on tmpfs (`/dev/shm`) when there is
/// one so that the snapshot code's fsyncs cost nothing.
pub fn scratch_dir(target: &str) -> std::path::PathBuf {
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("kg-fuzz-{target}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}
