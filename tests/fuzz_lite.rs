//! A small stable-Rust version of the fuzz targets in `fuzz/` (docs/fuzzing.md), run by
//! `cargo test`: proptest feeds the same harness (`fuzz/harness.rs`, included below) with
//! a few hundred inputs per property. Where tests/proptest_parser.rs parses noise and runs
//! expression queries on an empty database, this works on the seed graph with pattern
//! queries and writes (whose failures and rollbacks must leave the graph as it was), on
//! mutated snapshot files whose checksums are repaired so that the decoder sees the
//! damage, and on mutated CSV fixtures. `PROPTEST_CASES=N` searches harder.

#[path = "../fuzz/harness.rs"]
mod harness;

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `cases` random cases, or `PROPTEST_CASES` when set.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A scratch directory, on tmpfs when there is one (imports and snapshots fsync).
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).expect("a temporary directory")
    } else {
        tempfile::tempdir().expect("a temporary directory")
    }
}

// ------------------------------------------------------------------ queries

const LABELS: &[&str] = &[
    "Person",
    "Claim",
    "Sentence",
    "Issue",
    "Organization",
    "Event",
    "Measure",
    "Country",
    "Nope",
];
const TYPES: &[&str] = &[
    "ABOUT",
    "CLAIMED",
    "SOURCE",
    "MET",
    "REPRESENTS",
    "DUE_BY",
    "PART_OF",
    "NOPE",
];
const KEYS: &[&str] = &[
    "name",
    "aliases",
    "sentences",
    "index",
    "text",
    "quote",
    "day",
    "amount_usd",
    "nope",
];

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    (0..items.len()).prop_map(move |i| items[i])
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just("'Liu He'".to_string()),
        Just("$name".to_string()),
        Just("$list".to_string()),
        Just("$map".to_string()),
        Just("[]".to_string()),
        (-3i64..40).prop_map(|i| i.to_string()),
        Just("9223372036854775807".to_string()),
        Just("-0.0".to_string()),
        Just("'刘鹤'".to_string()),
    ]
}

/// An expression over the variables `a`, `r` and `b`.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        scalar(),
        (prop_oneof![Just("a"), Just("b"), Just("r")], pick(KEYS))
            .prop_map(|(v, k)| format!("{v}.{k}")),
        Just("a".to_string()),
        Just("r".to_string()),
        Just("id(a)".to_string()),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        let ops = [
            "+", "-", "*", "/", "%", "=", "<>", "<", ">=", "AND", "OR", "IN", "CONTAINS", "=~",
        ];
        let funcs = [
            "size",
            "toString",
            "head",
            "last",
            "labels",
            "keys",
            "type",
            "properties",
            "toUpper",
            "reverse",
            "nodes",
            "coalesce",
        ];
        prop_oneof![
            (inner.clone(), 0..ops.len(), inner.clone())
                .prop_map(move |(x, o, y)| format!("({x} {} {y})", ops[o])),
            (0..funcs.len(), inner.clone()).prop_map(move |(f, x)| format!("{}({x})", funcs[f])),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("[{x}, {y}]")),
            inner.clone().prop_map(|x| format!("{x}[0]")),
            inner.clone().prop_map(|x| format!("NOT {x}")),
            inner.prop_map(|x| format!("{x} IS NULL")),
        ]
    })
}

/// `(a:L {k: v})-[r:T*..]->(b)` and friends.
fn pattern() -> impl Strategy<Value = String> {
    (
        prop::option::of(pick(LABELS)),
        prop::option::of((pick(KEYS), scalar())),
        prop::option::of(pick(TYPES)),
        prop_oneof![Just(""), Just("*"), Just("*1..2"), Just("*0..1")],
        0..3usize,
        prop::option::of(pick(LABELS)),
    )
        .prop_map(|(la, prop, ty, hops, dir, lb)| {
            let la = la.map(|l| format!(":{l}")).unwrap_or_default();
            let prop = prop
                .map(|(k, v)| format!(" {{{k}: {v}}}"))
                .unwrap_or_default();
            let ty = ty.map(|t| format!(":{t}")).unwrap_or_default();
            let lb = lb.map(|l| format!(":{l}")).unwrap_or_default();
            let (l, r) = [("-", "->"), ("<-", "-"), ("-", "-")][dir];
            format!("(a{la}{prop}){l}[r{ty}{hops}]{r}(b{lb})")
        })
}

/// A statement over the seed graph: reads, aggregations, writes.
fn statement() -> impl Strategy<Value = String> {
    let p = pattern().boxed();
    let e = expr().boxed();
    prop_oneof![
        (p.clone(), e.clone(), e.clone())
            .prop_map(|(p, w, x)| format!("MATCH {p} WHERE {w} RETURN {x} AS x LIMIT 20")),
        (p.clone(), e.clone()).prop_map(|(p, x)| format!(
            "OPTIONAL MATCH {p} WITH a, count(r) AS c, collect({x}) AS xs RETURN c, size(xs) ORDER BY c DESC"
        )),
        (p.clone(), pick(KEYS), e.clone())
            .prop_map(|(p, k, x)| format!("MATCH {p} SET a.{k} = {x} RETURN count(*)")),
        (p.clone(), pick(LABELS)).prop_map(|(p, l)| format!("MATCH {p} SET b:{l} REMOVE a:{l}")),
        p.clone().prop_map(|p| format!("MATCH {p} DELETE r")),
        p.clone().prop_map(|p| format!("MATCH {p} DETACH DELETE a")),
        p.clone().prop_map(|p| format!("MATCH {p} DELETE a")),
        (pick(LABELS), pick(KEYS), e.clone())
            .prop_map(|(l, k, x)| format!("MERGE (a:{l} {{{k}: 'x'}}) ON CREATE SET a.v = {x} RETURN a")),
        (pick(LABELS), pick(TYPES), e.clone()).prop_map(|(l, t, x)| format!(
            "MATCH (a:{l}) WITH a LIMIT 3 CREATE (a)-[r:{t} {{v: {x}}}]->(b:New) RETURN count(r)"
        )),
        (pick(LABELS), pick(KEYS)).prop_map(|(l, k)| format!("CREATE INDEX IF NOT EXISTS FOR (n:{l}) ON (n.{k})")),
        e.clone().prop_map(|x| format!("UNWIND range(1, 5) AS i WITH i, {x} AS a RETURN a")),
        p.prop_map(|p| format!("MATCH path = {p} RETURN length(path), nodes(path) LIMIT 5")),
        Just("BEGIN".to_string()),
        Just("ROLLBACK".to_string()),
        Just("COMMIT".to_string()),
    ]
}

/// Up to four statements, as the `execute` target runs them.
fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..=harness::MAX_STATEMENTS).prop_map(|s| s.join(";\n"))
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn arbitrary_text_on_the_seed_graph_never_panics(text in any::<String>()) {
        harness::execute(harness::seed_graph(), &text);
    }

    #[test]
    fn statements_on_the_seed_graph_keep_it_consistent(text in script()) {
        harness::execute(harness::seed_graph(), &text);
    }
}

#[test]
fn generated_statements_mostly_run() {
    // The generator is worth something only if many of its statements are valid: count
    // those that run without error on one fixed sample.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = statement();
    let (mut ok, total) = (0, 200);
    for _ in 0..total {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        let mut db = kg::Database::from_graph(harness::seed_graph().clone());
        db.set_limits(harness::small_limits());
        if db.execute(&text, &harness::params()).is_ok() {
            ok += 1;
        }
    }
    assert!(
        ok * 2 > total,
        "only {ok} of {total} generated statements ran"
    );
}

// ------------------------------------------------------------------ snapshots

/// The seed graph saved as a snapshot, once.
fn seed_snapshot() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = scratch();
        let path = dir.path().join("seed.kg");
        let mut db = kg::Database::from_graph(harness::seed_graph().clone());
        db.execute(
            "CREATE INDEX FOR (n:Person) ON (n.name)",
            &kg::Params::new(),
        )
        .unwrap();
        kg::snapshot::save_graph(db.graph(), &path).unwrap();
        std::fs::read(&path).unwrap()
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        4 => (any::<usize>(), 0..8u8).prop_map(|(i, b)| Edit::Flip(i, b)),
        1 => (any::<usize>(), 1..16usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..9)).prop_map(|(i, v)| Edit::Insert(i, v)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Applies `edits` to `bytes`, keeping the first `keep` bytes intact.
fn apply(bytes: &[u8], keep: usize, edits: &[Edit]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for e in edits {
        let n = b.len().saturating_sub(keep);
        if n == 0 {
            break;
        }
        match e {
            Edit::Set(i, v) => b[keep + i % n] = *v,
            Edit::Flip(i, bit) => b[keep + i % n] ^= 1 << bit,
            Edit::Delete(i, len) => {
                let at = keep + i % n;
                b.drain(at..(at + len).min(b.len()));
            }
            Edit::Insert(i, v) => {
                let at = keep + i % (n + 1);
                b.splice(at..at, v.iter().copied());
            }
            Edit::Truncate(i) => b.truncate(keep + i % (n + 1)),
        }
    }
    b
}

proptest! {
    #![proptest_config(config(150))]

    #[test]
    fn arbitrary_bytes_never_panic_as_a_snapshot(
        mode in 0..4u8,
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        magic in any::<bool>(),
    ) {
        let mut data = vec![mode];
        if magic {
            data.extend_from_slice(&kg::snapshot::MAGIC);
        }
        data.extend_from_slice(&bytes);
        let dir = scratch();
        harness::snapshot(&data, &dir.path().join("any.kg"));
    }

    #[test]
    fn mutated_seed_snapshots_never_panic_and_fail_in_one_line(
        mode in prop_oneof![Just(0u8), Just(1), Just(3)],
        edits in prop::collection::vec(edit(), 1..5),
        in_payload in any::<bool>(),
    ) {
        // Edits either anywhere, or only after the header (so that, with the checksums
        // repaired, they reach the payload decoder).
        let keep = if in_payload { 64 } else { 0 };
        let mut data = vec![mode];
        data.extend(apply(seed_snapshot(), keep, &edits));
        let dir = scratch();
        harness::snapshot(&data, &dir.path().join("mutated.kg"));
    }
}

#[test]
fn the_unmutated_seed_snapshot_passes_the_harness() {
    let dir = scratch();
    let path = dir.path().join("seed.kg");
    for mode in [0u8, 1, 3] {
        harness::snapshot(&[&[mode][..], seed_snapshot()].concat(), &path);
        let g = kg::snapshot::load_graph(&path).expect("the seed snapshot loads");
        assert_eq!(
            harness::fingerprint(&g),
            harness::fingerprint(harness::seed_graph())
        );
    }
}

// ------------------------------------------------------------------ CSV import

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/data/import", name]
        .iter()
        .collect();
    std::fs::read(path).expect("a fixture")
}

/// The fuzz layout (options byte, files split on 0xFE) of a few fixture combinations.
fn csv_fixtures() -> &'static [(u8, Vec<Vec<u8>>)] {
    static SETS: OnceLock<Vec<(u8, Vec<Vec<u8>>)>> = OnceLock::new();
    SETS.get_or_init(|| {
        vec![
            (0, vec![fixture("persons.csv"), fixture("knows.csv")]),
            (
                32,
                vec![
                    fixture("persons.csv"),
                    fixture("works_at.csv"),
                    [fixture("orgs.part1.csv"), fixture("orgs.part2.csv")].concat(),
                    fixture("orgs.header.csv"),
                ],
            ),
            (32, vec![fixture("things.csv"), fixture("links.csv")]),
            (12, vec![fixture("tabbed.tsv"), Vec::new()]),
            (0, vec![fixture("crlf.csv"), Vec::new()]),
        ]
    })
}

/// CSV-flavoured edits: the bytes that matter to the reader and the header convention.
fn csv_edit() -> impl Strategy<Value = Edit> {
    let special = prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b';'),
        Just(b':'),
        Just(b'('),
        Just(b'\t'),
        Just(b'1'),
        Just(0xff),
        any::<u8>(),
    ];
    prop_oneof![
        3 => (any::<usize>(), special.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        2 => (any::<usize>(), prop::collection::vec(special, 1..4)).prop_map(|(i, v)| Edit::Insert(i, v)),
        2 => (any::<usize>(), 1..6usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn mutated_csv_files_never_panic_and_errors_name_file_and_line(
        set in 0..5usize,
        options in prop_oneof![Just(None), (0..64u8).prop_map(Some)],
        file in 0..4usize,
        edits in prop::collection::vec(csv_edit(), 1..4),
    ) {
        let (fixture_options, files) = &csv_fixtures()[set];
        let mut files = files.clone();
        let file = file % files.len();
        files[file] = apply(&files[file], 0, &edits);
        let mut data = vec![options.unwrap_or(*fixture_options)];
        data.extend(files.join(&0xFE));
        let dir = scratch();
        harness::csv_import(&data, dir.path());
    }
}

#[test]
fn unmutated_csv_fixtures_import() {
    for (options, files) in csv_fixtures() {
        let mut data = vec![*options];
        data.extend(files.join(&0xFE));
        let dir = scratch();
        harness::csv_import(&data, dir.path());
        let out = dir.path().join("out.kg");
        let g = kg::snapshot::load_graph(&out).unwrap_or_else(|e| panic!("options {options}: {e}"));
        assert!(g.node_count() >= 2, "options {options}");
    }
}
