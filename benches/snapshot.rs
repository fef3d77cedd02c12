//! Snapshot save/load benchmark on a synthetic news graph shaped like the shared bench's
//! (`../shared/bench/gen.py`): Person, Org, Issue and Claim nodes with about four
//! properties each; KNOWS (with `since`), MEMBER_OF, SAID and ABOUT relationships.
//! Built through the store's bulk API with a deterministic generator.
//!
//! `cargo bench --bench snapshot` runs scale 1 (302k nodes, ~1.6M relationships);
//! `KG_BENCH_SCALE=10` runs the full size (3M nodes, ~16.4M relationships). The snapshot
//! goes to a temporary directory under `KG_BENCH_DIR` (default: the system temp dir).
//! `KG_BENCH_KEEP=FILE` keeps a copy of the snapshot; `KG_BENCH_LOAD=FILE` only loads
//! FILE (for profiling the load alone). Each label's `id` is indexed, as after
//! `kg import`, so the load includes rebuilding the indexes. Prints build/save/load
//! times (wall and CPU), the file size and resident/peak memory (VmRSS/VmHWM, with the
//! peak reset through /proc/self/clear_refs before each phase).

use kg::snapshot::{load_graph, save_graph};
use kg::store::Graph;
use kg::val::{NodeId, RelId, Val};
use std::time::Instant;

/// splitmix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
    /// Skewed towards 0 (`n * u^k`), like gen.py's popularity ranks.
    fn skewed(&mut self, n: usize, k: i32) -> usize {
        ((n as f64) * self.unit().powi(k)) as usize
    }
}

const FIRST: &[&str] = &[
    "Aaron", "Abigail", "Adam", "Alice", "Ana", "Ben", "Chen", "Daniel", "Elena", "Emma", "Fatima",
    "Hugo", "Ivan", "Jin", "Julia", "Karim", "Laura", "Liam", "Maria", "Mei", "Noah", "Olga",
    "Priya", "Rafael", "Sara", "Tom", "Victor", "Wei", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Abbott", "Adler", "Bauer", "Brown", "Castro", "Chen", "Dubois", "Evans", "Garcia", "Hansen",
    "Ivanov", "Kim", "Klein", "Lee", "Lopez", "Martin", "Nguyen", "Novak", "Park", "Rossi",
    "Santos", "Schmidt", "Silva", "Smith", "Tanaka", "Weber", "Wilson", "Zhang",
];
const COUNTRIES: &[&str] = &[
    "United States",
    "United Kingdom",
    "Germany",
    "France",
    "India",
    "Brazil",
    "Canada",
    "Italy",
    "Spain",
    "Japan",
    "Mexico",
    "Australia",
    "Netherlands",
    "Poland",
    "Turkey",
    "Nigeria",
    "South Africa",
    "Sweden",
    "Argentina",
    "Indonesia",
    "Egypt",
    "Kenya",
    "Norway",
    "Denmark",
];
const KINDS: &[&str] = &[
    "company",
    "ngo",
    "government",
    "party",
    "media",
    "university",
];
const TOPICS: &[&str] = &[
    "climate",
    "energy",
    "housing",
    "healthcare",
    "immigration",
    "inflation",
    "taxation",
    "education",
    "policing",
    "defence",
    "trade",
    "employment",
    "pensions",
    "transport",
    "privacy",
    "elections",
    "corruption",
    "agriculture",
    "water",
    "tourism",
];
const OUTCOMES: &[&str] = &[
    "is failing",
    "is working",
    "will cost billions",
    "has doubled",
    "needs urgent reform",
    "will create jobs",
    "is out of control",
];

fn build(scale: f64) -> Graph {
    let mut rng = Rng(42);
    let n_person = (100_000.0 * scale).round().max(100.0) as usize;
    let n_org = (1_000.0 * scale).round().max(10.0) as usize;
    let n_issue = 1_000usize;
    let n_claim = (200_000.0 * scale).round().max(100.0) as usize;
    let n_knows = 10 * n_person;

    let mut g = Graph::new();
    g.reserve(
        n_person + n_org + n_issue + n_claim,
        n_knows + 3 * n_person / 2 + 3 * n_claim,
    );
    let (person, org, issue, claim) = (
        g.intern_label("Person"),
        g.intern_label("Org"),
        g.intern_label("Issue"),
        g.intern_label("Claim"),
    );
    let (knows, member_of, said, about) = (
        g.intern_type("KNOWS"),
        g.intern_type("MEMBER_OF"),
        g.intern_type("SAID"),
        g.intern_type("ABOUT"),
    );
    let [id, name, age, country, kind, text, date, stance, since] = [
        "id", "name", "age", "country", "kind", "text", "date", "stance", "since",
    ]
    .map(|k| g.intern_key(k));

    let mut next_node = 0u64;
    let mut add_node = |g: &mut Graph, label, props| {
        let node = NodeId(next_node);
        next_node += 1;
        g.load_node(node, vec![label], props);
    };
    let person0 = 0u64;
    for i in 0..n_person {
        let full_name = format!(
            "{} {}",
            FIRST[rng.below(FIRST.len())],
            LAST[rng.below(LAST.len())]
        );
        add_node(
            &mut g,
            person,
            vec![
                (id, Val::Int(i as i64)),
                (name, Val::str(&full_name)),
                (age, Val::Int(18 + rng.below(73) as i64)),
                (country, Val::str(COUNTRIES[rng.skewed(COUNTRIES.len(), 2)])),
            ],
        );
    }
    let org0 = n_person as u64 + person0;
    for i in 0..n_org {
        let k = KINDS[rng.below(KINDS.len())];
        add_node(
            &mut g,
            org,
            vec![
                (id, Val::Int(i as i64)),
                (
                    name,
                    Val::str(&format!("{} {} {k}", TOPICS[rng.below(20)], i)),
                ),
                (kind, Val::str(k)),
            ],
        );
    }
    let issue0 = org0 + n_org as u64;
    for i in 0..n_issue {
        add_node(
            &mut g,
            issue,
            vec![
                (id, Val::Int(i as i64)),
                (
                    name,
                    Val::str(&format!("{} {}", TOPICS[i % TOPICS.len()], i)),
                ),
            ],
        );
    }
    let claim0 = issue0 + n_issue as u64;
    for i in 0..n_claim {
        let t = format!(
            "The minister said that {} {}",
            TOPICS[rng.below(TOPICS.len())],
            OUTCOMES[rng.below(OUTCOMES.len())]
        );
        let d = format!(
            "{:04}-{:02}-{:02}",
            2015 + rng.below(10),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        add_node(
            &mut g,
            claim,
            vec![
                (id, Val::Int(i as i64)),
                (text, Val::str(&t)),
                (date, Val::str(&d)),
                (stance, Val::Int(rng.below(3) as i64 - 1)),
            ],
        );
    }

    // Popularity permutation of persons, so degree does not follow id.
    let mut perm: Vec<u64> = (0..n_person as u64).collect();
    for i in (1..perm.len()).rev() {
        perm.swap(i, rng.below(i + 1));
    }
    let mut next_rel = 0u64;
    let mut add_rel = |g: &mut Graph, t, a: u64, b: u64, props| {
        g.load_rel(RelId(next_rel), NodeId(a), NodeId(b), t, props);
        next_rel += 1;
    };
    for c in 0..n_claim as u64 {
        let speaker = person0 + perm[rng.skewed(n_person, 2)];
        add_rel(&mut g, said, speaker, claim0 + c, vec![]);
        let first = rng.skewed(n_issue, 2) as u64;
        add_rel(&mut g, about, claim0 + c, issue0 + first, vec![]);
        let r = rng.unit();
        let extra = if r < 0.6 {
            0
        } else if r < 0.9 {
            1
        } else {
            2
        };
        for _ in 0..extra {
            let other = rng.skewed(n_issue, 2) as u64;
            if other != first {
                add_rel(&mut g, about, claim0 + c, issue0 + other, vec![]);
            }
        }
    }
    for p in 0..n_person as u64 {
        let r = rng.unit();
        let k = if r < 0.2 {
            0
        } else if r < 0.55 {
            1
        } else if r < 0.85 {
            2
        } else {
            3
        };
        for _ in 0..k {
            let o = rng.skewed(n_org, 2) as u64;
            add_rel(&mut g, member_of, person0 + p, org0 + o, vec![]);
        }
    }
    for _ in 0..n_knows {
        let s = perm[rng.skewed(n_person, 2)];
        let mut d = perm[rng.skewed(n_person, 3)];
        while d == s {
            d = perm[rng.skewed(n_person, 3)];
        }
        let year = 1990 + rng.below(35) as i64;
        add_rel(
            &mut g,
            knows,
            person0 + s,
            person0 + d,
            vec![(since, Val::Int(year))],
        );
    }
    // The importer indexes each label's `id`, as the shared bench's queries need.
    for label in [person, org, issue, claim] {
        g.create_index(&format!("id_{}", label.0), label, id);
    }
    g.commit();
    g
}

/// A `/proc/self/status` field in bytes (`VmRSS`, `VmHWM`).
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Resets VmHWM to the current RSS, so the next reading is the peak of what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// CPU time (user + system) this process has used, in seconds. On a shared machine the
/// wall time of a phase also counts time spent waiting for a core; this does not.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the struct we pass and has no other effects.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is understood.
    if let Some(file) = std::env::var_os("KG_BENCH_LOAD") {
        // Load an existing snapshot only (for profiling the load alone).
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let graph = load_graph(&file).expect("load");
        println!(
            "load only: {} nodes, {} relationships in {:.2} s ({:.2} s CPU), resident {:.0} MiB",
            graph.node_count(),
            graph.rel_count(),
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu,
            mib(status_bytes("VmRSS"))
        );
        return;
    }
    let scale: f64 = std::env::var("KG_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let base = std::env::var_os("KG_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(base).expect("temporary directory");
    let path = dir.path().join("bench.kg");

    let t = Instant::now();
    let graph = build(scale);
    let build_s = t.elapsed().as_secs_f64();
    let (nodes, rels) = (graph.node_count(), graph.rel_count());
    let graph_rss = status_bytes("VmRSS");
    println!(
        "snapshot bench: scale {scale}: {nodes} nodes, {rels} relationships, built in {build_s:.2} s, resident {:.0} MiB",
        mib(graph_rss)
    );

    let peak_reset = reset_peak();
    let (t, cpu) = (Instant::now(), cpu_seconds());
    save_graph(&graph, &path).expect("save");
    let save_s = t.elapsed().as_secs_f64();
    let save_cpu = cpu_seconds() - cpu;
    let save_peak = status_bytes("VmHWM");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "save: {save_s:.2} s ({save_cpu:.2} s CPU), file {:.1} MiB ({:.1} bytes per record), peak RSS {:.0} MiB = {:.3}x the graph's resident size{}",
        mib(size),
        size as f64 / (nodes + rels) as f64,
        mib(save_peak),
        save_peak as f64 / graph_rss as f64,
        if peak_reset { "" } else { " (peak not reset: since process start)" }
    );

    drop(graph);
    if let Some(keep) = std::env::var_os("KG_BENCH_KEEP") {
        std::fs::copy(&path, &keep).expect("copy the snapshot to KG_BENCH_KEEP");
    }
    let before_load = status_bytes("VmRSS");
    reset_peak();
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let loaded = load_graph(&path).expect("load");
    let load_s = t.elapsed().as_secs_f64();
    let load_cpu = cpu_seconds() - cpu;
    let load_peak = status_bytes("VmHWM");
    let loaded_rss = status_bytes("VmRSS");
    assert_eq!((loaded.node_count(), loaded.rel_count()), (nodes, rels));
    println!(
        "load: {load_s:.2} s ({load_cpu:.2} s CPU), resident {:.0} MiB after (was {:.0} MiB before), peak RSS {:.0} MiB",
        mib(loaded_rss),
        mib(before_load),
        mib(load_peak)
    );
    println!(
        "summary: scale={scale} nodes={nodes} rels={rels} save_s={save_s:.2} load_s={load_s:.2} save_cpu_s={save_cpu:.2} load_cpu_s={load_cpu:.2} file_mib={:.1} save_peak_ratio={:.3}",
        mib(size),
        save_peak as f64 / graph_rss as f64
    );
}
