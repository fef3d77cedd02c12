#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# TARGET is parse, execute, snapshot or csv_import (see docs/fuzzing.md). Installs
# cargo-fuzz if missing, builds the seed corpus on first use (fuzz/seed_corpus.py), then
# runs the target without ASan (-s none; Rust is memory safe and the interest is panics),
# with debug assertions (overflow checks) on, at low priority. Findings go to
# fuzz/artifacts/TARGET/, the growing corpus stays in fuzz/corpus/TARGET/, and the run's
# log, with libFuzzer's final statistics, to fuzz/logs/TARGET-DATE.log.
set -euo pipefail
cd "$(dirname "$0")"

target="${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags]}"
seconds="${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags]}"
shift 2

case "$target" in
parse | execute | snapshot | csv_import) ;;
*)
    echo "unknown target '$target' (parse, execute, snapshot, csv_import)" >&2
    exit 2
    ;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi
if [ ! -d "corpus/$target" ] || [ -z "$(ls -A "corpus/$target" 2>/dev/null)" ]; then
    python3 seed_corpus.py
fi

# Per-input time limit (a statement's own timeout is 0.5 s; a slower input is a hang)
# and memory ceiling.
timeout="${FUZZ_TIMEOUT:-10}"
rss="${FUZZ_RSS_MB:-2048}"
dict=()
case "$target" in
parse | execute) dict=("-dict=cypher.dict") ;;
esac

mkdir -p logs "artifacts/$target"
log="logs/$target-$(date +%Y%m%d-%H%M%S).log"
echo "fuzzing $target for $seconds s; log in fuzz/$log"
nice -n 10 cargo +nightly fuzz run -s none -a "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" \
    -max_len="${FUZZ_MAX_LEN:-4096}" -print_final_stats=1 "${dict[@]}" "$@" 2>&1 |
    tee "$log" | grep --line-buffered -E 'NEW_FUNC|pulse|DONE|ERROR|panicked|Test unit|stat::|SUMMARY|crash-|timeout-|oom-' || true
exit "${PIPESTATUS[0]}"
