//! The openCypher TCK, run in-process against `kg::Database` (libtest-mimic, one trial per
//! scenario, outline rows expanded), with a ratchet.
//!
//! Reads `../shared/tck/features` (relative to the crate root); when that folder is missing
//! it says so and exits 0. Every scenario runs against a fresh database, with a per-statement
//! timeout, in its own thread with a big stack and `catch_unwind`, so a bad scenario cannot
//! take the harness down.
//!
//! The ratchet is `tests/tck/passing.txt`: a listed scenario that fails is a failed trial
//! (and fails the run); an unlisted scenario that fails is reported as ignored; one that
//! passes without being listed is counted as "newly passing". Skipped scenarios (a registered
//! procedure, `@ignore`) are ignored trials.
//!
//! Environment:
//! - `KG_BLESS=1` rewrites `passing.txt` to the current passing set (only the entries of the
//!   scenarios that ran change) and, after a full run, regenerates the conformance table in
//!   README.md between `<!-- tck-table:start -->` and `<!-- tck-table:end -->` (or in
//!   `tests/tck/conformance.md` when README has no markers).
//! - `KG_TCK_FILTER=clauses/match` runs only the scenarios whose name contains the text (the
//!   libtest filter, `cargo test --test tck -- Match1`, works too).
//! - `KG_TCK_VERBOSE=1` prints the failure reason (and query) of every scenario that did not
//!   pass.
//! - `KG_TCK_TIMEOUT=<seconds>` changes the per-statement timeout (default 10).

#[path = "tck/gherkin.rs"]
mod gherkin;
#[path = "tck/scenario.rs"]
mod scenario;
#[path = "tck/selftest.rs"]
mod selftest;
#[path = "tck/values.rs"]
mod values;

use gherkin::Scenario;
use libtest_mimic::{Arguments, Completion, Trial};
use scenario::{Outcome, Plan, Status};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

const TABLE_START: &str = "<!-- tck-table:start -->";
const TABLE_END: &str = "<!-- tck-table:end -->";
const TEMPORAL_AREA: &str = "expressions/temporal";
const SCENARIO_THREAD: &str = "tck-scenario";
const STACK_SIZE: usize = 256 << 20;

fn main() {
    let args = Arguments::from_args();
    install_panic_hook();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let features = root.join("../shared/tck/features");
    let passing_file = root.join("tests/tck/passing.txt");
    let config = Config::from_env();

    if !features.is_dir() {
        println!(
            "tck: the openCypher TCK was not found at {} (../shared/tck/features relative to the \
             crate root); skipping the TCK scenarios, running only the harness's own tests",
            features.display()
        );
        libtest_mimic::run(&args, selftest::trials(None)).exit();
    }

    let graphs = features
        .parent()
        .map(|p| p.join("graphs"))
        .unwrap_or_default();
    let (scenarios, problems, n_files) = gherkin::load_scenarios(&features);
    for p in &problems {
        println!("tck: feature parse problem: {p}");
    }
    let passing = read_passing(&passing_file);
    let all_names: Vec<String> = scenarios.iter().map(Scenario::test_name).collect();

    let results: Arc<Mutex<Vec<Record>>> = Arc::default();
    let mut trials = selftest::trials(Some(&features));
    let mut n_selected = 0;
    for (index, sc) in scenarios.iter().enumerate() {
        let name = all_names[index].clone();
        if let Some(f) = &config.filter {
            if !name.contains(f.as_str()) {
                continue;
            }
        }
        n_selected += 1;
        let plan = scenario::plan_scenario(sc, &graphs);
        let listed = passing.contains(&name);
        let query = match &plan {
            Ok(p) => p.query().unwrap_or("").to_string(),
            Err(_) => String::new(),
        };
        let results = results.clone();
        let config = config.clone();
        trials.push(Trial::ignorable_test(name, move || {
            let started = Instant::now();
            let outcome = match plan {
                Ok(plan) => run_scenario(plan, config.timeout),
                Err(problem) => Outcome {
                    status: Status::Errored,
                    reason: format!("the harness could not read the scenario: {problem}"),
                },
            };
            let seconds = started.elapsed();
            let verdict = verdict(&outcome, listed, &config);
            results.lock().unwrap().push(Record {
                index,
                outcome,
                seconds,
                query,
            });
            verdict
        }));
    }
    println!(
        "tck: {} scenarios from {n_files} feature files, {n_selected} selected{}",
        scenarios.len(),
        config
            .filter
            .as_ref()
            .map(|f| format!(" by KG_TCK_FILTER={f:?}"))
            .unwrap_or_default()
    );

    let conclusion = libtest_mimic::run(&args, trials);
    if args.list {
        return;
    }
    let mut records = std::mem::take(&mut *results.lock().unwrap());
    records.sort_by_key(|r| r.index);
    let full_run = config.filter.is_none()
        && args.filter.is_none()
        && args.skip.is_empty()
        && !args.ignored
        && records.len() == scenarios.len();
    let report = Report {
        scenarios: &scenarios,
        names: &all_names,
        records: &records,
        passing: &passing,
    };
    let regressions = report.print(&config);
    if config.bless {
        bless(&report, &passing_file, full_run, root);
    }
    let (p, f, s) = report.totals();
    println!("tck: {p} passed, {f} failed, {s} skipped");
    if conclusion.has_failed() {
        std::process::exit(101);
    }
    if regressions > 0 && !config.bless {
        // Cannot happen without a failed trial, but keep the ratchet explicit.
        std::process::exit(101);
    }
}

#[derive(Debug, Clone)]
struct Config {
    bless: bool,
    verbose: bool,
    filter: Option<String>,
    timeout: Duration,
}

impl Config {
    fn from_env() -> Config {
        let flag = |name: &str| {
            std::env::var(name)
                .map(|v| !v.is_empty() && v != "0")
                .unwrap_or(false)
        };
        let timeout = std::env::var("KG_TCK_TIMEOUT")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .unwrap_or(10.0);
        Config {
            bless: flag("KG_BLESS"),
            verbose: flag("KG_TCK_VERBOSE"),
            filter: std::env::var("KG_TCK_FILTER")
                .ok()
                .filter(|f| !f.is_empty()),
            timeout: Duration::from_secs_f64(timeout),
        }
    }
}

/// What libtest-mimic reports for a scenario: passed; failed only when the ratchet lists it;
/// otherwise ignored, with the reason.
fn verdict(
    outcome: &Outcome,
    listed: bool,
    config: &Config,
) -> Result<Completion, libtest_mimic::Failed> {
    let short: String = outcome.reason.chars().take(160).collect();
    match outcome.status {
        Status::Passed => Ok(Completion::Completed),
        Status::Skipped => Ok(Completion::ignored_with(format!("skipped: {short}"))),
        status if listed && !config.bless => Err(format!(
            "listed in tests/tck/passing.txt but {}: {}",
            status.name(),
            outcome.reason
        )
        .into()),
        status if config.verbose => Ok(Completion::ignored_with(format!(
            "{} (not in passing.txt): {short}",
            status.name()
        ))),
        status => Ok(Completion::ignored_with(format!(
            "{} (not in passing.txt)",
            status.name()
        ))),
    }
}

// ---------------------------------------------------------------------------
// Running one scenario in isolation
// ---------------------------------------------------------------------------

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics in scenario threads are recorded (and reported as the scenario's failure) instead
/// of being printed; other threads keep the default behaviour.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some(SCENARIO_THREAD) {
            let payload = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into());
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{payload}{location}")));
        } else {
            default(info);
        }
    }));
}

/// Runs a plan against a fresh database (see `run_isolated`); unsupported plans are skipped.
fn run_scenario(plan: Plan, timeout: Duration) -> Outcome {
    if let Some(reason) = &plan.unsupported {
        return Outcome {
            status: Status::Skipped,
            reason: reason.clone(),
        };
    }
    run_isolated(timeout, move |db| scenario::run_plan(&plan, db, timeout))
}

/// Runs `work` on a fresh database in its own big-stack thread. A panic becomes an
/// `Errored` outcome; work that does not finish within six statement timeouts is cancelled
/// and, if it still does not stop, abandoned (its thread is left running).
fn run_isolated<F>(timeout: Duration, work: F) -> Outcome
where
    F: FnOnce(&mut kg::Database) -> Outcome + Send + 'static,
{
    let mut db = kg::Database::new();
    let cancel = db.cancel_handle();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(SCENARIO_THREAD.into())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut db)));
            let outcome = result.unwrap_or_else(|_| {
                let message = PANIC_MESSAGE
                    .with(|m| m.borrow_mut().take())
                    .unwrap_or_else(|| "unknown panic".into());
                Outcome {
                    status: Status::Errored,
                    reason: format!("the engine panicked: {message}"),
                }
            });
            let _ = tx.send(outcome);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => {
            return Outcome {
                status: Status::Errored,
                reason: format!("cannot start a scenario thread: {e}"),
            }
        }
    };
    // Every statement has `timeout`; give the whole scenario a generous multiple.
    let watchdog = timeout * 6;
    match rx.recv_timeout(watchdog) {
        Ok(outcome) => {
            let _ = handle.join();
            outcome
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Outcome {
            status: Status::Errored,
            reason: "the scenario thread died without an outcome".into(),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // `execute` clears the flag when a statement starts, so keep setting it.
            let grace = timeout.min(Duration::from_secs(10));
            let step = Duration::from_millis(20);
            let mut waited = Duration::ZERO;
            while waited < grace {
                cancel.store(true, Ordering::Relaxed);
                waited += step;
                if let Ok(outcome) = rx.recv_timeout(step) {
                    return Outcome {
                        status: Status::Timeout,
                        reason: format!(
                            "cancelled after {watchdog:?} ({}: {})",
                            outcome.status.name(),
                            outcome.reason
                        ),
                    };
                }
            }
            Outcome {
                status: Status::Timeout,
                reason: format!("no outcome within {watchdog:?}, and cancelling did not stop it"),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------

struct Record {
    index: usize,
    outcome: Outcome,
    seconds: Duration,
    query: String,
}

struct Report<'a> {
    scenarios: &'a [Scenario],
    names: &'a [String],
    records: &'a [Record],
    passing: &'a BTreeSet<String>,
}

/// The scenarios that order temporal values in `clauses/with-orderBy` (they use temporal
/// functions), counted with `expressions/temporal` as "temporal".
fn is_temporal(sc: &Scenario) -> bool {
    use std::sync::OnceLock;
    static TEMPORAL_FN: OnceLock<regex::Regex> = OnceLock::new();
    let re = TEMPORAL_FN.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(date|localtime|time|localdatetime|datetime|duration)\s*\(")
            .unwrap()
    });
    let area = sc.area();
    if area == TEMPORAL_AREA {
        return true;
    }
    area == "clauses/with-orderBy"
        && sc.steps.iter().any(|st| {
            re.is_match(&st.text)
                || st.docstring.as_deref().is_some_and(|d| re.is_match(d))
                || st
                    .table
                    .iter()
                    .flatten()
                    .flatten()
                    .any(|cell| re.is_match(cell))
        })
}

#[derive(Default, Clone, Copy)]
struct Counts {
    passed: usize,
    failed: usize,
    errored: usize,
    timeout: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Errored => self.errored += 1,
            Status::Timeout => self.timeout += 1,
            Status::Skipped => self.skipped += 1,
        }
    }
    fn total(&self) -> usize {
        self.passed + self.failed + self.errored + self.timeout + self.skipped
    }
    /// Failed in the sense of the last line: wrong, errored or timed out.
    fn not_passed(&self) -> usize {
        self.failed + self.errored + self.timeout
    }
    fn percent(&self) -> f64 {
        if self.total() == 0 {
            0.0
        } else {
            100.0 * self.passed as f64 / self.total() as f64
        }
    }
}

impl Report<'_> {
    fn totals(&self) -> (usize, usize, usize) {
        let mut c = Counts::default();
        for r in self.records {
            c.add(r.outcome.status);
        }
        (c.passed, c.not_passed(), c.skipped)
    }

    /// (area rows, top-level rows, all, non-temporal).
    #[allow(clippy::type_complexity)]
    fn counts(
        &self,
    ) -> (
        BTreeMap<String, Counts>,
        BTreeMap<String, Counts>,
        Counts,
        Counts,
    ) {
        let mut areas: BTreeMap<String, Counts> = BTreeMap::new();
        let mut tops: BTreeMap<String, Counts> = BTreeMap::new();
        let mut all = Counts::default();
        let mut non_temporal = Counts::default();
        for r in self.records {
            let sc = &self.scenarios[r.index];
            let area = sc.area();
            let top = area.split('/').next().unwrap_or(".").to_string();
            areas.entry(area).or_default().add(r.outcome.status);
            tops.entry(top).or_default().add(r.outcome.status);
            all.add(r.outcome.status);
            if !is_temporal(sc) {
                non_temporal.add(r.outcome.status);
            }
        }
        (areas, tops, all, non_temporal)
    }

    /// Prints the summary; returns the number of listed scenarios that did not pass.
    fn print(&self, config: &Config) -> usize {
        let (areas, tops, all, non_temporal) = self.counts();
        let width = areas.keys().map(String::len).max().unwrap_or(10).max(14);
        let head = format!(
            "{:<width$} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "area", "passed", "failed", "errored", "timeout", "skipped", "total", "pass%"
        );
        let line = |name: &str, c: &Counts| {
            format!(
                "{name:<width$} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6.1}%",
                c.passed,
                c.failed,
                c.errored,
                c.timeout,
                c.skipped,
                c.total(),
                c.percent()
            )
        };
        println!(
            "\ntck summary per area:\n{head}\n{}",
            "-".repeat(head.len())
        );
        for (top, counts) in &tops {
            for (area, c) in areas
                .iter()
                .filter(|(a, _)| a.split('/').next() == Some(top))
            {
                println!("{}", line(area, c));
            }
            println!("{}", line(&format!("[{top}]"), counts));
        }
        println!("{}", "-".repeat(head.len()));
        println!("{}", line("all", &all));
        println!("{}", line("non-temporal", &non_temporal));

        // Reasons, grouped.
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.records {
            if !matches!(r.outcome.status, Status::Passed | Status::Skipped) {
                *groups.entry(reason_group(&r.outcome.reason)).or_default() += 1;
            }
        }
        let mut groups: Vec<(String, usize)> = groups.into_iter().collect();
        groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if !groups.is_empty() {
            println!("\nmost common failure reasons:");
            for (reason, n) in groups.iter().take(if config.verbose { 60 } else { 15 }) {
                println!("{n:6}  {reason}");
            }
        }

        let mut slow: Vec<&Record> = self.records.iter().collect();
        slow.sort_by_key(|r| std::cmp::Reverse(r.seconds));
        if slow
            .first()
            .is_some_and(|r| r.seconds > Duration::from_secs(1))
        {
            println!("\nslowest scenarios:");
            for r in slow.iter().take(5) {
                println!("{:8.2}s  {}", r.seconds.as_secs_f64(), self.names[r.index]);
            }
        }

        if config.verbose {
            println!("\nscenarios that did not pass:");
            for r in self.records {
                if matches!(r.outcome.status, Status::Passed | Status::Skipped) {
                    continue;
                }
                println!(
                    "- [{}] {}\n    {}",
                    r.outcome.status.name(),
                    self.names[r.index],
                    r.outcome.reason
                );
                if !r.query.is_empty() {
                    let query: String = r.query.chars().take(400).collect();
                    println!("    query: {}", query.replace('\n', "\n           "));
                }
            }
        }

        let regressions: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| {
                r.outcome.status != Status::Passed && self.passing.contains(&self.names[r.index])
            })
            .collect();
        if !regressions.is_empty() {
            println!(
                "\nratchet: {} scenarios listed in tests/tck/passing.txt do not pass{}:",
                regressions.len(),
                if config.bless {
                    " (KG_BLESS=1: removing them)"
                } else {
                    ""
                }
            );
            for r in &regressions {
                println!(
                    "- {}\n    {}: {}",
                    self.names[r.index],
                    r.outcome.status.name(),
                    r.outcome.reason
                );
            }
        }
        let newly: Vec<&str> = self
            .records
            .iter()
            .filter(|r| {
                r.outcome.status == Status::Passed && !self.passing.contains(&self.names[r.index])
            })
            .map(|r| self.names[r.index].as_str())
            .collect();
        if !newly.is_empty() {
            if config.bless {
                println!("\nnewly passing: {} (KG_BLESS=1: adding them)", newly.len());
            } else {
                println!(
                    "\nnewly passing: {} — run with KG_BLESS=1 to add",
                    newly.len()
                );
            }
            let shown = if config.verbose { newly.len() } else { 20 };
            for name in newly.iter().take(shown) {
                println!("  + {name}");
            }
            if newly.len() > shown {
                println!("  … and {} more", newly.len() - shown);
            }
        }
        let known: BTreeSet<&str> = self.names.iter().map(String::as_str).collect();
        let stale: Vec<&String> = self
            .passing
            .iter()
            .filter(|n| !known.contains(n.as_str()))
            .collect();
        if !stale.is_empty() {
            println!(
                "\nwarning: {} names in tests/tck/passing.txt match no scenario (renamed or \
                 removed from the TCK?); KG_BLESS=1 drops them:",
                stale.len()
            );
            for name in stale.iter().take(20) {
                println!("  ? {name}");
            }
        }
        regressions.len()
    }

    /// The conformance table in Markdown.
    fn table(&self) -> String {
        let (areas, tops, all, non_temporal) = self.counts();
        let mut out = String::new();
        out.push_str(
            "| area | scenarios | passed | failed | skipped | passed % |\n\
             |---|---:|---:|---:|---:|---:|\n",
        );
        let row = |name: &str, c: &Counts, bold: bool| {
            let cells = [
                name.to_string(),
                c.total().to_string(),
                c.passed.to_string(),
                c.not_passed().to_string(),
                c.skipped.to_string(),
                format!("{:.1}", c.percent()),
            ];
            let cells: Vec<String> = cells
                .into_iter()
                .map(|x| if bold { format!("**{x}**") } else { x })
                .collect();
            format!("| {} |\n", cells.join(" | "))
        };
        for (top, counts) in &tops {
            out.push_str(&row(top, counts, true));
            for (area, c) in areas
                .iter()
                .filter(|(a, _)| a.split('/').next() == Some(top))
            {
                out.push_str(&row(area, c, false));
            }
        }
        out.push_str(&row("total", &all, true));
        out.push_str(&row(
            "non-temporal (all but expressions/temporal and the temporal rows of clauses/with-orderBy)",
            &non_temporal,
            true,
        ));
        out.push_str(
            "\n\"passed %\" is passed / scenarios (skipped scenarios count as not passed); \
             \"failed\" includes errors and timeouts; expected errors must match kind, detail \
             code and phase. Generated by `KG_BLESS=1 cargo test --test tck`.\n",
        );
        out
    }
}

/// Groups failure reasons: masks quoted text and numbers, drops long tails.
fn reason_group(reason: &str) -> String {
    use std::sync::OnceLock;
    static QUOTED: OnceLock<regex::Regex> = OnceLock::new();
    static NUMBER: OnceLock<regex::Regex> = OnceLock::new();
    let quoted = QUOTED.get_or_init(|| {
        regex::Regex::new(r#"'(?:[^'\\]|\\.)*'|`[^`]*`|"(?:[^"\\]|\\.)*""#).unwrap()
    });
    let number = NUMBER.get_or_init(|| regex::Regex::new(r"\d+").unwrap());
    if reason.contains("rows differ (in order)") || reason.contains("rows (in order)") {
        return "query: wrong rows (in order)".into();
    }
    if reason.contains("rows (any order)") {
        return "query: wrong rows (any order)".into();
    }
    if reason.contains("columns differ") {
        return "query: wrong column names".into();
    }
    if let Some(rest) = reason.strip_prefix("side effects differ (expected->actual): ") {
        let keys: Vec<&str> = rest
            .split(", ")
            .filter_map(|part| part.split(' ').next())
            .collect();
        return format!("side effects differ: {}", keys.join(", "));
    }
    if reason.contains("expected an empty result") {
        return "query: expected an empty result".into();
    }
    let masked = quoted.replace_all(reason, "'…'");
    let masked = number.replace_all(&masked, "N");
    let masked: String = masked.chars().take(110).collect();
    masked
}

fn read_passing(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn bless(report: &Report, passing_file: &Path, full_run: bool, root: &Path) {
    let known: BTreeSet<&str> = report.names.iter().map(String::as_str).collect();
    let ran: BTreeSet<&str> = report
        .records
        .iter()
        .map(|r| report.names[r.index].as_str())
        .collect();
    let mut updated: BTreeSet<String> = report
        .passing
        .iter()
        .filter(|n| known.contains(n.as_str()) && !ran.contains(n.as_str()))
        .cloned()
        .collect();
    updated.extend(
        report
            .records
            .iter()
            .filter(|r| r.outcome.status == Status::Passed)
            .map(|r| report.names[r.index].clone()),
    );
    let mut text = String::new();
    for name in &updated {
        text.push_str(name);
        text.push('\n');
    }
    match std::fs::write(passing_file, text) {
        Ok(()) => println!(
            "\nKG_BLESS: wrote {} names to {}",
            updated.len(),
            passing_file.display()
        ),
        Err(e) => println!("\nKG_BLESS: cannot write {}: {e}", passing_file.display()),
    }
    if !full_run {
        println!("KG_BLESS: not a full run (a filter is set); the conformance table is unchanged");
        return;
    }
    let table = report.table();
    let readme = root.join("README.md");
    let current = std::fs::read_to_string(&readme).unwrap_or_default();
    if let (Some(start), Some(end)) = (current.find(TABLE_START), current.find(TABLE_END)) {
        if start < end {
            let new = format!(
                "{}{TABLE_START}\n{table}{}",
                &current[..start],
                &current[end..]
            );
            match std::fs::write(&readme, new) {
                Ok(()) => println!("KG_BLESS: updated the conformance table in README.md"),
                Err(e) => println!("KG_BLESS: cannot write README.md: {e}"),
            }
            return;
        }
    }
    let fallback = root.join("tests/tck/conformance.md");
    let text = format!(
        "# openCypher TCK conformance\n\n\
         README.md has no `{TABLE_START}` / `{TABLE_END}` markers yet, so the table is kept \
         here.\n\n{table}"
    );
    match std::fs::write(&fallback, text) {
        Ok(()) => println!(
            "KG_BLESS: README.md has no tck-table markers; wrote the table to {}",
            fallback.display()
        ),
        Err(e) => println!("KG_BLESS: cannot write {}: {e}", fallback.display()),
    }
}
