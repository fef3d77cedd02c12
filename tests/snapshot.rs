//! Snapshot tests: exact round trips of random graphs, refusal of every kind of damaged
//! or foreign file with the right error, no giant allocation on lying headers, crash
//! safety under `kill -9` during saves, and the single-writer lock.

use kg::snapshot::{load_graph, save_graph, FORMAT_VERSION, MAGIC};
use kg::store::{Graph, Symbol};
use kg::val::{NodeId, RelId, Val};
use kg::{Database, ErrorKind};
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

// ------------------------------------------------------------ allocation watch

/// Records the largest single allocation request in the process, so that a test can show
/// that a lying header does not make the loader allocate what it claims. Loading decodes
/// on a helper thread, so the measurement is process-wide and runs in a child process
/// (`allocation_probe`) where nothing else is going on.
struct Watch;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Watch = Watch;

/// Loads `path` in a child process and returns the error (code, message) and the
/// largest single allocation made while loading.
fn load_error_and_largest_allocation(path: &Path) -> ((String, String), usize) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "allocation_probe",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("KG_SNAPSHOT_PROBE", path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("probe: ").map(|(_, rest)| rest.to_string()))
        .unwrap_or_else(|| panic!("no probe output: {stdout}"));
    let mut parts = line.splitn(3, '|');
    let largest = parts.next().unwrap().parse().unwrap();
    let code = parts.next().unwrap().to_string();
    let message = parts.next().unwrap().to_string();
    ((code, message), largest)
}

/// Run only as a child of `load_error_and_largest_allocation`.
#[test]
#[ignore = "run as a child process by the allocation tests"]
fn allocation_probe() {
    let Some(path) = std::env::var_os("KG_SNAPSHOT_PROBE").map(PathBuf::from) else {
        return;
    };
    LARGEST.store(0, Ordering::Relaxed);
    let result = load_graph(&path);
    let largest = LARGEST.load(Ordering::Relaxed);
    match result {
        Ok(_) => println!("probe: {largest}|loaded|"),
        Err(e) => println!(
            "probe: {largest}|{}|{}",
            e.code().unwrap_or(""),
            e.message()
        ),
    }
}

// ------------------------------------------------------------ canonical dumps

/// A property value in a comparable form (floats by bit pattern, so NaN == NaN).
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
    List(Vec<V>),
    Map(Vec<(String, V)>),
    Other(String),
}

fn v(val: &Val) -> V {
    match val {
        Val::Null => V::Null,
        Val::Bool(b) => V::Bool(*b),
        Val::Int(i) => V::Int(*i),
        Val::Float(f) => V::Float(f.to_bits()),
        Val::Str(s) => V::Str(s.to_string()),
        Val::List(items) => V::List(items.iter().map(v).collect()),
        Val::Map(m) => V::Map(m.iter().map(|(k, x)| (k.to_string(), v(x))).collect()),
        other => V::Other(format!("{other:?}")),
    }
}

type Props = Vec<(String, V)>;

/// Everything the graph's read API shows, in id order.
#[derive(Debug, PartialEq)]
struct Dump {
    labels: Vec<String>,
    types: Vec<String>,
    keys: Vec<String>,
    next_node: u64,
    next_rel: u64,
    /// id, labels in stored order, properties.
    nodes: Vec<(u64, Vec<String>, Props)>,
    /// id, type, start, end, properties.
    rels: Vec<(u64, String, u64, u64, Props)>,
    /// Per label: the nodes the label index returns and its count.
    label_index: Vec<(String, Vec<u64>, usize)>,
    type_counts: Vec<(String, usize)>,
    /// Property indexes: name, label, key, indexed nodes, distinct values.
    indexes: Vec<(String, String, String, usize, usize)>,
    /// Per node: its relationships in both directions, sorted.
    adjacency: Vec<(u64, Vec<(u64, u64)>)>,
}

fn dump(g: &Graph) -> Dump {
    let props = |ps: &[(Symbol, Val)]| -> Props {
        ps.iter()
            .map(|(k, x)| (g.key_name(*k).to_string(), v(x)))
            .collect()
    };
    Dump {
        labels: g.label_names().map(|(_, n)| n.to_string()).collect(),
        types: g.type_names().map(|(_, n)| n.to_string()).collect(),
        keys: g.key_names().map(|(_, n)| n.to_string()).collect(),
        next_node: g.next_node_id(),
        next_rel: g.next_rel_id(),
        nodes: g
            .nodes()
            .map(|n| {
                let labels = g
                    .node_labels(n)
                    .iter()
                    .map(|l| g.label_name(*l).to_string())
                    .collect();
                (n.0, labels, props(g.node_props(n)))
            })
            .collect(),
        rels: g
            .rels()
            .map(|r| {
                let (s, e) = g.rel_endpoints(r).expect("endpoints");
                let t = g.type_name(g.rel_type(r).expect("type")).to_string();
                (r.0, t, s.0, e.0, props(&g.rel_props(r)))
            })
            .collect(),
        label_index: g
            .label_names()
            .map(|(s, n)| {
                (
                    n.to_string(),
                    g.nodes_with_label(s).map(|x| x.0).collect(),
                    g.label_count(s),
                )
            })
            .collect(),
        type_counts: g
            .type_names()
            .map(|(s, n)| (n.to_string(), g.type_count(s)))
            .collect(),
        indexes: g
            .indexes()
            .iter()
            .map(|i| {
                (
                    i.name.clone(),
                    g.label_name(i.label).to_string(),
                    g.key_name(i.key).to_string(),
                    i.len(),
                    i.distinct_values(),
                )
            })
            .collect(),
        adjacency: g
            .nodes()
            .map(|n| {
                let mut adj: Vec<(u64, u64)> = g
                    .expand(n, kg::store::Direction::Both, &[])
                    .map(|(r, o)| (r.0, o.0))
                    .collect();
                adj.sort();
                (n.0, adj)
            })
            .collect(),
    }
}

// ------------------------------------------------------------ helpers

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// The error of loading `path`, as (code, message), checking the message is one line
/// that starts with the file name.
fn load_error(path: &Path) -> (String, String) {
    let err = match load_graph(path) {
        Ok(_) => panic!("{} loaded but should have been refused", path.display()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::SnapshotError, "{err}");
    let message = err.message().to_string();
    assert!(
        message.starts_with(&format!("{}: ", path.display())),
        "message does not name the file: {message}"
    );
    assert!(!message.contains('\n'), "not one line: {message}");
    (err.code().unwrap_or("").to_string(), message)
}

/// A small graph with every kind of value, labels, relationships and deleted slots.
fn sample_graph() -> Graph {
    let mut g = Graph::new();
    let person = g.intern_label("Person");
    let city = g.intern_label("City");
    let knows = g.intern_type("KNOWS");
    let lives = g.intern_type("LIVES_IN");
    let [name, age, score, active, tags, weights, flags, nums] = [
        "name", "age", "score", "active", "tags", "weights", "flags", "nums",
    ]
    .map(|k| g.intern_key(k));
    let ann = g.create_node(
        &[person],
        vec![
            (name, Val::str("Ann")),
            (age, Val::Int(41)),
            (score, Val::Float(0.5)),
            (active, Val::Bool(true)),
            (
                tags,
                Val::list(vec![Val::str("a"), Val::str("ü"), Val::str("")]),
            ),
        ],
    );
    let gone = g.create_node(&[person], vec![(name, Val::str("Gone"))]);
    let bo = g.create_node(
        &[person, city],
        vec![
            (name, Val::str("Bo")),
            (
                weights,
                Val::list(vec![Val::Float(-0.0), Val::Float(1e300)]),
            ),
            (flags, Val::list(vec![Val::Bool(false), Val::Bool(true)])),
            (
                nums,
                Val::list(vec![Val::Int(i64::MIN), Val::Int(i64::MAX)]),
            ),
        ],
    );
    let paris = g.create_node(&[city], vec![(name, Val::str("Paris"))]);
    g.create_rel(ann, bo, knows, vec![(age, Val::Int(3))]);
    let dropped = g.create_rel(bo, ann, knows, vec![]).expect("rel");
    g.create_rel(bo, paris, lives, vec![(score, Val::Float(f64::NAN))]);
    g.create_rel(ann, ann, knows, vec![]);
    g.delete_rel(dropped);
    g.delete_node(gone);
    let tail = g.create_node(&[], vec![]);
    g.delete_node(tail);
    g.create_index("person_name", person, name);
    g.create_index("city_score", city, score);
    g.commit();
    g
}

fn saved_bytes(g: &Graph) -> Vec<u8> {
    let dir = temp_dir();
    let path = dir.path().join("g.kg");
    save_graph(g, &path).expect("save");
    std::fs::read(&path).expect("read back")
}

/// bincode's standard varint encoding of an unsigned integer.
fn varint(n: u64) -> Vec<u8> {
    match n {
        0..=250 => vec![n as u8],
        251..=0xffff => [vec![251], (n as u16).to_le_bytes().to_vec()].concat(),
        0x1_0000..=0xffff_ffff => [vec![252], (n as u32).to_le_bytes().to_vec()].concat(),
        _ => [vec![253], n.to_le_bytes().to_vec()].concat(),
    }
}

/// A snapshot built by hand from docs/snapshot-format.md: a header with the given
/// fields and valid checksums, then `payload`.
fn handmade(version: u32, nodes: u64, rels: u64, payload_len: u64, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(64);
    h.extend_from_slice(&MAGIC);
    h.extend_from_slice(&version.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    let mut kg_version = [0u8; 16];
    kg_version[..5].copy_from_slice(b"9.9.9");
    h.extend_from_slice(&kg_version);
    h.extend_from_slice(&nodes.to_le_bytes());
    h.extend_from_slice(&rels.to_le_bytes());
    h.extend_from_slice(&payload_len.to_le_bytes());
    h.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    let crc = crc32fast::hash(&h);
    h.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(h.len(), 64);
    h.extend_from_slice(payload);
    h
}

// ------------------------------------------------------------ round trips

#[test]
fn sample_graph_round_trips_exactly() {
    let g = sample_graph();
    let dir = temp_dir();
    let path = dir.path().join("sample.kg");
    save_graph(&g, &path).unwrap();
    let back = load_graph(&path).unwrap();
    assert_eq!(dump(&back), dump(&g));
    // Holes survive: the deleted ids stay unused.
    assert_eq!(back.nodes().map(|n| n.0).collect::<Vec<_>>(), [0, 2, 3]);
    assert_eq!(back.next_node_id(), 5);
    assert_eq!(back.rels().map(|r| r.0).collect::<Vec<_>>(), [0, 2, 3]);
    assert_eq!(back.next_rel_id(), 4);
}

#[test]
fn empty_graph_round_trips() {
    let g = Graph::new();
    let dir = temp_dir();
    let path = dir.path().join("empty.kg");
    save_graph(&g, &path).unwrap();
    let back = load_graph(&path).unwrap();
    assert_eq!(dump(&back), dump(&g));
    assert_eq!(back.node_count(), 0);
}

#[test]
fn the_file_starts_with_the_documented_header() {
    let g = sample_graph();
    let bytes = saved_bytes(&g);
    assert_eq!(&bytes[..8], b"\x89KGSNAP\n");
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 1);
    assert_eq!(FORMAT_VERSION, 1);
    assert_eq!(
        &bytes[16..16 + env!("CARGO_PKG_VERSION").len()],
        env!("CARGO_PKG_VERSION").as_bytes()
    );
    let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
    assert_eq!(u64_at(32), 3, "node count");
    assert_eq!(u64_at(40), 3, "relationship count");
    assert_eq!(u64_at(48), bytes.len() as u64 - 64, "payload length");
    let payload_crc = u32::from_le_bytes(bytes[56..60].try_into().unwrap());
    assert_eq!(payload_crc, crc32fast::hash(&bytes[64..]));
    let header_crc = u32::from_le_bytes(bytes[60..64].try_into().unwrap());
    assert_eq!(header_crc, crc32fast::hash(&bytes[..60]));
    // The payload opens with the names section: tag 1, then 2 labels.
    assert_eq!(&bytes[64..66], &[1, 2]);
    // ... and ends with the end marker.
    assert_eq!(bytes.last(), Some(&0));
}

#[derive(Debug, Clone)]
enum Op {
    Node(Vec<usize>, Vec<(usize, Val)>),
    Rel(usize, usize, usize, Vec<(usize, Val)>),
    DeleteRel(usize),
    DeleteNode(usize),
    SetProp(usize, usize, Val),
    RemoveLabel(usize, usize),
    AddLabel(usize, usize),
    CreateIndex(usize, usize),
    DropIndex(usize, usize),
}

const LABELS: &[&str] = &["Person", "City", "", "with space", "日本", "Ünïcödé"];
const TYPES: &[&str] = &["KNOWS", "LIVES_IN", "R"];
const KEYS: &[&str] = &["name", "age", "x", "", "ключ"];

fn scalar() -> impl Strategy<Value = Val> {
    prop_oneof![
        any::<bool>().prop_map(Val::Bool),
        any::<i64>().prop_map(Val::Int),
        any::<f64>().prop_map(Val::Float),
        prop_oneof![
            Just(f64::NAN),
            Just(-0.0),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MIN_POSITIVE / 2.0)
        ]
        .prop_map(Val::Float),
        ".{0,12}".prop_map(|s| Val::str(&s)),
    ]
}

fn value() -> impl Strategy<Value = Val> {
    prop_oneof![
        4 => scalar(),
        1 => prop::collection::vec(any::<i64>().prop_map(Val::Int), 0..5).prop_map(Val::list),
        1 => prop::collection::vec(any::<f64>().prop_map(Val::Float), 0..5).prop_map(Val::list),
        1 => prop::collection::vec(".{0,5}".prop_map(|s| Val::str(&s)), 0..5).prop_map(Val::list),
        1 => prop::collection::vec(any::<bool>().prop_map(Val::Bool), 0..5).prop_map(Val::list),
        1 => prop::collection::vec(
            prop_oneof![Just(Val::Null), any::<i64>().prop_map(Val::Int)], 0..4
        ).prop_map(Val::list),
    ]
}

fn props() -> impl Strategy<Value = Vec<(usize, Val)>> {
    prop::collection::vec((0..KEYS.len(), value()), 0..4)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (prop::collection::vec(0..LABELS.len(), 0..3), props())
            .prop_map(|(l, p)| Op::Node(l, p)),
        4 => (any::<usize>(), any::<usize>(), 0..TYPES.len(), props())
            .prop_map(|(a, b, t, p)| Op::Rel(a, b, t, p)),
        1 => any::<usize>().prop_map(Op::DeleteRel),
        1 => any::<usize>().prop_map(Op::DeleteNode),
        1 => (any::<usize>(), 0..KEYS.len(), prop_oneof![value(), Just(Val::Null)])
            .prop_map(|(n, k, x)| Op::SetProp(n, k, x)),
        1 => (any::<usize>(), 0..LABELS.len()).prop_map(|(n, l)| Op::RemoveLabel(n, l)),
        1 => (any::<usize>(), 0..LABELS.len()).prop_map(|(n, l)| Op::AddLabel(n, l)),
        1 => (0..LABELS.len(), 0..KEYS.len()).prop_map(|(l, k)| Op::CreateIndex(l, k)),
        1 => (0..LABELS.len(), 0..KEYS.len()).prop_map(|(l, k)| Op::DropIndex(l, k)),
    ]
}

fn build(ops: &[Op]) -> Graph {
    let mut g = Graph::new();
    let keys: Vec<Symbol> = KEYS.iter().map(|k| g.intern_key(k)).collect();
    let labels: Vec<Symbol> = LABELS.iter().map(|l| g.intern_label(l)).collect();
    let types: Vec<Symbol> = TYPES.iter().map(|t| g.intern_type(t)).collect();
    let to_props = |ps: &[(usize, Val)]| ps.iter().map(|(k, x)| (keys[*k], x.clone())).collect();
    for op in ops {
        let nodes: Vec<NodeId> = g.nodes().collect();
        let rels: Vec<RelId> = g.rels().collect();
        match op {
            Op::Node(ls, ps) => {
                let ls: Vec<Symbol> = ls.iter().map(|i| labels[*i]).collect();
                g.create_node(&ls, to_props(ps));
            }
            Op::Rel(a, b, t, ps) if !nodes.is_empty() => {
                let (a, b) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
                g.create_rel(a, b, types[*t], to_props(ps));
            }
            Op::DeleteRel(r) if !rels.is_empty() => {
                g.delete_rel(rels[r % rels.len()]);
            }
            Op::DeleteNode(n) if !nodes.is_empty() => {
                let n = nodes[n % nodes.len()];
                let attached: Vec<RelId> = g
                    .expand(n, kg::store::Direction::Both, &[])
                    .map(|(r, _)| r)
                    .collect();
                for r in attached {
                    g.delete_rel(r);
                }
                g.delete_node(n);
            }
            Op::SetProp(n, k, x) if !nodes.is_empty() => {
                g.set_node_prop(nodes[n % nodes.len()], keys[*k], x.clone());
            }
            Op::RemoveLabel(n, l) if !nodes.is_empty() => {
                g.remove_label(nodes[n % nodes.len()], labels[*l]);
            }
            Op::AddLabel(n, l) if !nodes.is_empty() => {
                g.add_label(nodes[n % nodes.len()], labels[*l]);
            }
            Op::CreateIndex(l, k) => {
                g.create_index(&format!("index {l} {k}"), labels[*l], keys[*k]);
            }
            Op::DropIndex(l, k) => {
                g.drop_index(&format!("index {l} {k}"));
            }
            _ => {}
        }
    }
    g.commit();
    g
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_graphs_round_trip_exactly(ops in prop::collection::vec(op(), 0..60)) {
        let g = build(&ops);
        let dir = temp_dir();
        let path = dir.path().join("random.kg");
        save_graph(&g, &path).unwrap();
        let back = load_graph(&path).unwrap();
        prop_assert_eq!(dump(&back), dump(&g));
        // And the loaded graph saves to the same bytes.
        let again = dir.path().join("again.kg");
        save_graph(&back, &again).unwrap();
        prop_assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&again).unwrap());
    }

    #[test]
    fn random_corruption_never_panics(flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        let mut bytes = saved_bytes(&sample_graph());
        for (at, x) in flips {
            let i = at % bytes.len();
            bytes[i] ^= x | 1;
        }
        let dir = temp_dir();
        let path = dir.path().join("bad.kg");
        std::fs::write(&path, &bytes).unwrap();
        prop_assert!(load_graph(&path).is_err());
    }
}

// ------------------------------------------------------------ refusals

#[test]
fn truncation_at_every_byte_is_detected() {
    let bytes = saved_bytes(&sample_graph());
    let dir = temp_dir();
    let path = dir.path().join("cut.kg");
    for len in 0..bytes.len() {
        std::fs::write(&path, &bytes[..len]).unwrap();
        let (code, message) = load_error(&path);
        let expected = if len == 0 { "Empty" } else { "Truncated" };
        assert_eq!(code, expected, "cut at {len}: {message}");
        if len > 0 {
            assert!(message.contains("truncated"), "{message}");
        }
    }
    // The whole file loads.
    std::fs::write(&path, &bytes).unwrap();
    load_graph(&path).unwrap();
}

#[test]
fn a_thousand_bit_flips_are_all_detected() {
    let bytes = saved_bytes(&sample_graph());
    let dir = temp_dir();
    let path = dir.path().join("flipped.kg");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut seen = [0usize; 3];
    for _ in 0..1000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let bit = (state % (bytes.len() as u64 * 8)) as usize;
        let mut damaged = bytes.clone();
        damaged[bit / 8] ^= 1 << (bit % 8);
        std::fs::write(&path, &damaged).unwrap();
        let (code, message) = load_error(&path);
        let byte = bit / 8;
        if byte < 8 {
            assert_eq!(code, "BadMagic", "bit {bit}: {message}");
            seen[0] += 1;
        } else if byte < 64 {
            assert_eq!(code, "ChecksumMismatch", "bit {bit}: {message}");
            assert!(
                message.contains("header checksum mismatch — the file is corrupt (expected 0x"),
                "{message}"
            );
            seen[1] += 1;
        } else {
            assert_eq!(code, "ChecksumMismatch", "bit {bit}: {message}");
            assert!(
                message.contains(": checksum mismatch — the file is corrupt (expected 0x"),
                "{message}"
            );
            seen[2] += 1;
        }
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "flips hit every region: {seen:?}"
    );
}

#[test]
fn a_header_claiming_a_terabyte_is_refused_without_allocating() {
    let payload = [1u8, 0, 0, 0, 0];
    let bytes = handmade(1, 0, 0, 1 << 40, &payload);
    let dir = temp_dir();
    let path = dir.path().join("huge.kg");
    std::fs::write(&path, &bytes).unwrap();
    let ((code, message), largest) = load_error_and_largest_allocation(&path);
    assert_eq!(code, "Truncated", "{message}");
    assert!(
        message.contains("promises 1099511627776 payload bytes but only 5 follow"),
        "{message}"
    );
    assert!(largest < 64 * 1024, "largest allocation {largest} bytes");

    // The probe does see allocations made while decoding (on the helper thread): a
    // snapshot holding an 8 MB string allocates it.
    let mut g = Graph::new();
    let key = g.intern_key("blob");
    g.create_node(&[], vec![(key, Val::str(&"x".repeat(8 << 20)))]);
    save_graph(&g, &path).unwrap();
    let ((code, _), largest) = load_error_and_largest_allocation(&path);
    assert_eq!(code, "loaded");
    assert!(largest >= 8 << 20, "largest allocation {largest} bytes");
}

#[test]
fn huge_counts_and_ids_inside_a_valid_file_are_refused_without_allocating() {
    let dir = temp_dir();
    let path = dir.path().join("lying.kg");

    // Next ids far beyond this machine's memory: refused as too large.
    let mut payload = vec![1, 0, 0, 0, 2];
    payload.extend(varint(1 << 50));
    payload.extend(varint(0));
    payload.extend([3, 0, 4, 0, 0]);
    std::fs::write(&path, handmade(1, 0, 0, payload.len() as u64, &payload)).unwrap();
    let ((code, message), largest) = load_error_and_largest_allocation(&path);
    assert_eq!(code, "TooLarge", "{message}");
    assert!(largest < 4 << 20, "largest allocation {largest} bytes");

    // A node section (and header) claiming 2^40 nodes in a few bytes.
    let mut payload = vec![1, 0, 0, 0, 2, 10, 0, 3];
    payload.extend(varint(1 << 40));
    payload.extend([0, 0, 0]);
    std::fs::write(
        &path,
        handmade(1, 1 << 40, 0, payload.len() as u64, &payload),
    )
    .unwrap();
    let ((code, message), largest) = load_error_and_largest_allocation(&path);
    assert_eq!(code, "Decode", "{message}");
    assert!(message.contains("cannot fit"), "{message}");
    assert!(largest < 4 << 20, "largest allocation {largest} bytes");

    // A string claiming 2^60 bytes.
    let mut payload = vec![1];
    payload.extend(varint(1));
    payload.extend(varint(1 << 60));
    std::fs::write(&path, handmade(1, 0, 0, payload.len() as u64, &payload)).unwrap();
    let ((code, message), largest) = load_error_and_largest_allocation(&path);
    assert_eq!(code, "Decode", "{message}");
    assert!(largest < 4 << 20, "largest allocation {largest} bytes");
}

#[test]
fn a_handmade_snapshot_following_the_doc_loads() {
    // names: labels [A], types [T], keys [k]; ids 3, 1; node 2 :A {k: 'x'};
    // node 0 {}; relationship 0 (0)-[:T {k: 7}]->(2).
    let mut payload = vec![1, 1, 1, b'A', 1, 1, b'T', 1, 1, b'k'];
    payload.extend([2, 3, 1]);
    payload.extend([3, 2]);
    payload.extend([0, 0, 0]); // node 0: gap 0, no labels, no properties
    payload.extend([1, 1, 0, 1, 0, 4, 1, b'x']); // node 2: gap 1, [A], {k: 'x'}
    payload.extend([4, 1]);
    payload.extend([0, 0, 0, 2, 1, 0, 2, 14]); // rel 0: T, 0 -> 2, {k: 7 (zigzag 14)}
    payload.push(0);
    let dir = temp_dir();
    let path = dir.path().join("hand.kg");
    std::fs::write(&path, handmade(1, 2, 1, payload.len() as u64, &payload)).unwrap();
    let g = load_graph(&path).unwrap();
    let d = dump(&g);
    assert_eq!(d.labels, ["A"]);
    assert_eq!(d.next_node, 3);
    assert_eq!(
        d.nodes,
        vec![
            (0, vec![], vec![]),
            (
                2,
                vec!["A".to_string()],
                vec![("k".to_string(), V::Str("x".into()))]
            )
        ]
    );
    assert_eq!(
        d.rels,
        vec![(0, "T".to_string(), 0, 2, vec![("k".to_string(), V::Int(7))])]
    );
}

#[test]
fn an_index_section_before_the_nodes_fills_as_they_load() {
    let mut payload = vec![1, 1, 1, b'A', 1, 1, b'T', 1, 1, b'k'];
    payload.extend([2, 3, 1]);
    payload.extend([5, 1, 2, b'i', b'x', 0, 0]); // index "ix" on (:A, k)
    payload.extend([3, 2, 0, 0, 0, 1, 1, 0, 1, 0, 4, 1, b'x']);
    payload.extend([4, 1, 0, 0, 0, 2, 1, 0, 2, 14]);
    payload.push(0);
    let dir = temp_dir();
    let path = dir.path().join("early.kg");
    std::fs::write(&path, handmade(1, 2, 1, payload.len() as u64, &payload)).unwrap();
    let d = dump(&load_graph(&path).unwrap());
    assert_eq!(
        d.indexes,
        vec![("ix".to_string(), "A".to_string(), "k".to_string(), 1, 1)]
    );

    // The same index defined twice is refused.
    let twice: Vec<u8> = [
        &payload[..13],
        &[5, 1, 2, b'i', b'x', 0, 0][..],
        &payload[13..],
    ]
    .concat();
    std::fs::write(&path, handmade(1, 2, 1, twice.len() as u64, &twice)).unwrap();
    let (code, message) = load_error(&path);
    assert_eq!(code, "Decode", "{message}");
    assert!(message.contains("section 5 is repeated"), "{message}");
}

#[test]
fn the_example_in_the_format_doc_loads() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/snapshot-format.md");
    let doc = std::fs::read_to_string(doc_path).unwrap();
    let mut bytes = Vec::new();
    for line in doc.lines() {
        // xxd lines: `00000040: 0101 0141 ...  ascii`
        let Some((offset, rest)) = line.split_once(": ") else {
            continue;
        };
        if offset.len() != 8 || !offset.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        assert_eq!(usize::from_str_radix(offset, 16).unwrap(), bytes.len());
        let hex: String = rest
            .split("  ")
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        for i in (0..hex.len()).step_by(2) {
            bytes.push(u8::from_str_radix(&hex[i..i + 2], 16).unwrap());
        }
    }
    assert_eq!(bytes.len(), 64 + 39, "the dump is complete");
    let dir = temp_dir();
    let path = dir.path().join("example.kg");
    std::fs::write(&path, &bytes).unwrap();
    let g = load_graph(&path).unwrap();
    let d = dump(&g);
    assert_eq!(
        (d.labels, d.types, d.keys),
        (
            vec!["A".to_string()],
            vec!["T".to_string()],
            vec!["k".to_string()]
        )
    );
    assert_eq!((d.next_node, d.next_rel), (3, 1));
    assert_eq!(
        d.nodes,
        vec![
            (0, vec![], vec![]),
            (
                2,
                vec!["A".to_string()],
                vec![("k".to_string(), V::Str("x".into()))]
            )
        ]
    );
    assert_eq!(
        d.rels,
        vec![(0, "T".to_string(), 0, 2, vec![("k".to_string(), V::Int(7))])]
    );
    assert!(d.indexes.is_empty());
    // kg writes exactly these bytes for this graph (apart from its own version string).
    let again = dir.path().join("again.kg");
    save_graph(&g, &again).unwrap();
    let written = std::fs::read(&again).unwrap();
    assert_eq!(written[64..], bytes[64..], "payload");
    assert_eq!(
        written[32..60],
        bytes[32..60],
        "counts, length, payload checksum"
    );
}

#[test]
fn newer_format_versions_are_refused_by_name() {
    let bytes = saved_bytes(&sample_graph());
    let payload = &bytes[64..];
    let dir = temp_dir();
    let path = dir.path().join("future.kg");
    std::fs::write(
        &path,
        handmade(FORMAT_VERSION + 1, 3, 3, payload.len() as u64, payload),
    )
    .unwrap();
    let (code, message) = load_error(&path);
    assert_eq!(code, "VersionMismatch");
    assert!(
        message.contains("written by a newer kg (9.9.9, snapshot format version 2)"),
        "{message}"
    );
    assert!(message.contains("upgrade kg"), "{message}");
    // The same payload under the current version loads.
    std::fs::write(
        &path,
        handmade(FORMAT_VERSION, 3, 3, payload.len() as u64, payload),
    )
    .unwrap();
    load_graph(&path).unwrap();
}

#[test]
fn foreign_empty_and_odd_files_each_get_their_own_error() {
    let dir = temp_dir();
    let text = dir.path().join("script.cypher");
    std::fs::write(&text, "CREATE (:Person {name: 'Ann'});\n").unwrap();
    let (code, message) = load_error(&text);
    assert_eq!(code, "BadMagic");
    assert!(message.contains("not a kg snapshot"), "{message}");

    let empty = dir.path().join("empty.kg");
    std::fs::write(&empty, "").unwrap();
    let (code, message) = load_error(&empty);
    assert_eq!(code, "Empty");
    assert!(
        message.ends_with("the file is empty — not a kg snapshot"),
        "{message}"
    );

    let folder = dir.path().join("folder.kg");
    std::fs::create_dir(&folder).unwrap();
    let (code, message) = load_error(&folder);
    assert_eq!(code, "NotAFile");
    assert!(message.contains("is a directory"), "{message}");

    let missing = dir.path().join("missing.kg");
    let (code, message) = load_error(&missing);
    assert_eq!(code, "NotFound");
    assert!(message.ends_with("no such file"), "{message}");

    let mut bytes = saved_bytes(&sample_graph());
    bytes.extend_from_slice(b"junk");
    let trailing = dir.path().join("trailing.kg");
    std::fs::write(&trailing, &bytes).unwrap();
    let (code, message) = load_error(&trailing);
    assert_eq!(code, "TrailingData");
    assert!(
        message.contains("4 unexpected bytes follow the payload"),
        "{message}"
    );
}

#[test]
fn an_unreadable_file_is_a_permission_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("secret.kg");
    save_graph(&sample_graph(), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything, so check as `nobody`: setfsuid changes only this thread's
    // file-system identity (and drops its file capabilities).
    // SAFETY: plain system calls; the old id is restored before returning.
    let old = unsafe { libc::setfsuid(65534) };
    let result = std::panic::catch_unwind(|| load_error(&path));
    unsafe { libc::setfsuid(old as libc::uid_t) };
    let (code, message) = result.expect("load_error");
    assert_eq!(code, "Permission", "{message}");
    assert!(message.contains("permission denied"), "{message}");
}

// ------------------------------------------------------------ saving

fn temp_leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_save_leaves_the_old_file_and_no_temporary_file() {
    let dir = temp_dir();
    let path = dir.path().join("data.kg");
    let good = sample_graph();
    save_graph(&good, &path).unwrap();
    let before = std::fs::read(&path).unwrap();

    let mut bad = sample_graph();
    let key = bad.intern_key("friend");
    let first = bad.nodes().next().unwrap();
    bad.set_node_prop(first, key, Val::Node(first));
    bad.commit();
    let err = save_graph(&bad, &path).unwrap_err();
    assert_eq!(err.code(), Some("Unstorable"), "{err}");
    assert!(
        err.message()
            .contains("node 0 has property `friend` holding a NODE value"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(temp_leftovers(dir.path()), Vec::<String>::new());

    let nowhere = dir.path().join("no/such/dir/data.kg");
    let err = save_graph(&good, &nowhere).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SnapshotError);
    assert!(
        err.message().starts_with(&nowhere.display().to_string()),
        "{err}"
    );

    let err = save_graph(&good, dir.path()).unwrap_err();
    assert_eq!(err.code(), Some("NotAFile"), "{err}");
}

#[test]
fn saving_through_a_symlink_updates_the_target_and_keeps_the_link() {
    let dir = temp_dir();
    let real = dir.path().join("real.kg");
    let link = dir.path().join("link.kg");
    save_graph(&Graph::new(), &real).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    save_graph(&sample_graph(), &link).unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(load_graph(&real).unwrap().node_count(), 3);
}

#[test]
fn saving_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let path = dir.path().join("mode.kg");
    save_graph(&Graph::new(), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    save_graph(&sample_graph(), &path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

// ------------------------------------------------------------ Database files and locks

/// Opens `path` for writing right after another writer let go of it. A child process
/// that another test is spawning at that moment shares this process's descriptors until
/// it execs (and the lock lives on the shared descriptor), so a release can show a few
/// milliseconds late; wait for it, but not for long.
fn reopen_writer(path: &Path) -> (Database, bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match Database::open(path, false) {
            Err(e) if e.code() == Some("Locked") && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other.unwrap(),
        }
    }
}

#[test]
fn opening_a_missing_file_gives_an_empty_graph_written_on_save() {
    let dir = temp_dir();
    let path = dir.path().join("new.kg");
    let (mut db, created) = Database::open(&path, false).unwrap();
    assert!(created);
    assert_eq!(db.node_count(), 0);
    assert_eq!(db.path(), Some(path.as_path()));
    assert!(!path.exists(), "nothing is written before saving");
    db.save().unwrap();
    assert!(!db.has_unsaved_changes());
    assert_eq!(load_graph(&path).unwrap().node_count(), 0);
    drop(db);

    let (db, created) = reopen_writer(&path);
    assert!(!created);
    drop(db);

    // Read-only opening needs the file.
    let err = Database::open(dir.path().join("absent.kg"), true).unwrap_err();
    assert_eq!(err.code(), Some("NotFound"), "{err}");
}

#[test]
fn open_loads_what_save_graph_wrote() {
    let dir = temp_dir();
    let path = dir.path().join("g.kg");
    let g = sample_graph();
    save_graph(&g, &path).unwrap();
    let (db, created) = Database::open(&path, true).unwrap();
    assert!(!created);
    assert!(db.is_read_only());
    assert!(!db.has_unsaved_changes());
    assert_eq!(dump(db.graph()), dump(&g));
}

#[test]
fn a_damaged_file_is_not_opened() {
    let dir = temp_dir();
    let path = dir.path().join("bad.kg");
    std::fs::write(&path, b"\x89KGSNAP\nshort").unwrap();
    let err = Database::open(&path, false).unwrap_err();
    assert_eq!(err.code(), Some("Truncated"), "{err}");
    // A plainly broken file or a directory gets no lock file next to it.
    assert!(!dir.path().join("bad.kg.lock").exists());
    let folder = dir.path().join("folder.kg");
    std::fs::create_dir(&folder).unwrap();
    assert_eq!(
        Database::open(&folder, false).unwrap_err().code(),
        Some("NotAFile")
    );
    assert!(!dir.path().join("folder.kg.lock").exists());
    // The failed open released its lock.
    std::fs::remove_file(&path).unwrap();
    let (_db, created) = reopen_writer(&path);
    assert!(created);
}

#[test]
fn the_lock_refuses_a_second_writer_and_allows_readers() {
    let dir = temp_dir();
    let path = dir.path().join("shared.kg");
    save_graph(&sample_graph(), &path).unwrap();
    let (mut writer, _) = Database::open(&path, false).unwrap();
    assert_eq!(
        writer.db_file().and_then(|f| f.lock_path()),
        Some(dir.path().join("shared.kg.lock").as_path())
    );

    let err = Database::open(&path, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SnapshotError);
    assert_eq!(err.code(), Some("Locked"), "{err}");
    let pid = std::process::id();
    assert!(
        err.message().contains(&format!(
            "another kg process (pid {pid}) has it open for writing"
        )),
        "{err}"
    );

    let (mut reader, _) = Database::open(&path, true).unwrap();
    assert_eq!(reader.node_count(), 3);
    let err = reader.save().unwrap_err();
    assert_eq!(err.code(), Some("ReadOnly"), "{err}");

    // The writer saves while a reader has it open; the reader's graph is unaffected.
    writer.save().unwrap();

    // Saving the reader under the locked name is refused too.
    let err = reader.save_as(&path).unwrap_err();
    assert_eq!(err.code(), Some("Locked"), "{err}");

    drop(writer);
    let (_second, _) = reopen_writer(&path);
}

#[test]
fn a_second_writer_process_is_refused() {
    let dir = temp_dir();
    let path = dir.path().join("proc.kg");
    let (mut db, _) = Database::open(&path, false).unwrap();
    db.save().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_opener",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("KG_SNAPSHOT_CHILD_OPEN", &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("child: Locked read-only ok"),
        "child said: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run only as a child of `a_second_writer_process_is_refused`.
#[test]
#[ignore = "run as a child process by a_second_writer_process_is_refused"]
fn child_opener() {
    let Some(path) = std::env::var_os("KG_SNAPSHOT_CHILD_OPEN") else {
        return;
    };
    let code = match Database::open(&path, false) {
        Ok(_) => "opened".to_string(),
        Err(e) => e.code().unwrap_or("?").to_string(),
    };
    let reader = match Database::open(&path, true) {
        Ok(_) => "read-only ok".to_string(),
        Err(e) => format!("read-only failed: {e}"),
    };
    println!("child: {code} {reader}");
}

#[test]
fn save_as_moves_the_database_to_the_new_file_and_its_lock() {
    let dir = temp_dir();
    let first = dir.path().join("first.kg");
    let second = dir.path().join("second.kg");
    let (mut db, _) = Database::open(&first, false).unwrap();
    db.save_as(&second).unwrap();
    assert_eq!(db.path(), Some(second.as_path()));
    assert!(second.exists());
    // The first file's lock is released, the second's is held.
    let (_other, _) = reopen_writer(&first);
    assert_eq!(
        Database::open(&second, false).unwrap_err().code(),
        Some("Locked")
    );
    // Saving under the same name again is a plain save.
    db.save_as(&second).unwrap();

    let mut fresh = Database::new();
    let err = fresh.save().unwrap_err();
    assert_eq!(err.code(), Some("NoPath"), "{err}");
}

#[test]
fn a_locked_save_removes_temporary_files_of_dead_writers() {
    let dir = temp_dir();
    let path = dir.path().join("data.kg");
    // A pid that surely is not running: a child that has exited and been reaped.
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = dir.path().join(format!("data.kg.tmp.{dead}.0"));
    let alive = dir.path().join("data.kg.tmp.1.0");
    let unrelated = dir.path().join("other.kg.tmp.999999.0");
    for p in [&stale, &alive, &unrelated] {
        std::fs::write(p, b"half").unwrap();
    }
    let (mut db, _) = Database::open(&path, false).unwrap();
    db.save().unwrap();
    assert!(!stale.exists(), "stale temporary file removed");
    assert!(alive.exists(), "a live process's file is kept");
    assert!(unrelated.exists(), "another file's temporaries are kept");
}

// ------------------------------------------------------------ kill -9 during save

const KILL_NODES: u64 = 60_000;

/// A graph big enough that a save takes a while; `round` marks which save wrote it.
fn big_graph(round: i64) -> Graph {
    let mut g = Graph::new();
    let label = g.intern_label("Item");
    let link = g.intern_type("LINK");
    let [id, name, round_key] = ["id", "name", "round"].map(|k| g.intern_key(k));
    for i in 0..KILL_NODES {
        let mut props = vec![
            (id, Val::Int(i as i64)),
            (name, Val::str(&format!("item number {i}"))),
        ];
        if i == 0 {
            props.push((round_key, Val::Int(round)));
        }
        g.load_node(NodeId(i), vec![label], props);
    }
    for r in 0..4 * KILL_NODES {
        let a = (r * 7919) % KILL_NODES;
        let b = (r * 104_729 + 13) % KILL_NODES;
        g.load_rel(
            RelId(r),
            NodeId(a),
            NodeId(b),
            link,
            vec![(id, Val::Int(r as i64))],
        );
    }
    g.commit();
    g
}

fn round_of(g: &Graph) -> i64 {
    let key = g.key_symbol("round").expect("round key");
    match g.node_prop(NodeId(0), key) {
        Some(Val::Int(r)) => *r,
        other => panic!("no round marker: {other:?}"),
    }
}

#[test]
fn kill_9_during_save_always_leaves_a_loadable_old_or_new_file() {
    let dir = temp_dir();
    let path = dir.path().join("crash.kg");
    save_graph(&big_graph(-1), &path).unwrap();
    let mut previous = -1i64;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut outcomes = (0, 0);
    let mut mid_save = 0;
    for round in 0..16i64 {
        let child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_saver",
                "--ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("KG_SNAPSHOT_CHILD_SAVE", &path)
            .env("KG_SNAPSHOT_CHILD_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut child = KillOnDrop(child);
        let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("child output").unwrap();
            if line.contains("child: ready") {
                break;
            }
        }
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Short delays often hit the first save; long ones a later one. Either way the
        // child is almost always in the middle of writing when it dies.
        let delay = if round % 2 == 0 {
            state % 40
        } else {
            state % 300
        };
        std::thread::sleep(Duration::from_millis(delay));
        child.0.kill().unwrap(); // SIGKILL
        child.0.wait().unwrap();
        // A killed writer leaves its temporary file behind (the next writer removes it).
        if !temp_leftovers(dir.path()).is_empty() {
            mid_save += 1;
        }

        let g = load_graph(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(g.node_count() as u64, KILL_NODES);
        assert_eq!(g.rel_count() as u64, 4 * KILL_NODES);
        let found = round_of(&g);
        assert!(
            found == previous || found == round,
            "round {round}: file from round {found}, expected {previous} or {round}"
        );
        if found == round {
            outcomes.1 += 1;
        } else {
            outcomes.0 += 1;
        }
        previous = found;
    }
    eprintln!(
        "kill -9 rounds: {} left the old file, {} the new one",
        outcomes.0, outcomes.1
    );
    eprintln!("{mid_save} of the kills landed in the middle of writing a file");
    assert!(mid_save > 0, "no kill landed during a save");
    // Temporary files of killed writers go away on the next locked save.
    let (mut db, _) = Database::open(&path, false).unwrap();
    db.save().unwrap();
    assert_eq!(temp_leftovers(dir.path()), Vec::<String>::new());
}

/// Kills a child process when a test ends, also when it fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Run only as a child of the kill -9 test: saves a big graph over and over (for at most
/// a minute, and only while the test that started it runs).
#[test]
#[ignore = "run as a child process by kill_9_during_save_always_leaves_a_loadable_old_or_new_file"]
fn child_saver() {
    let Some(path) = std::env::var_os("KG_SNAPSHOT_CHILD_SAVE").map(PathBuf::from) else {
        return;
    };
    let round: i64 = std::env::var("KG_SNAPSHOT_CHILD_ROUND")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    // SAFETY: asks the kernel to kill this process when the thread that spawned it ends.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut db = Database::from_graph(big_graph(round));
    println!("child: ready");
    std::io::Write::flush(&mut std::io::stdout()).unwrap();
    db.save_as(&path).unwrap();
    while std::time::Instant::now() < deadline {
        db.save().unwrap();
    }
}
