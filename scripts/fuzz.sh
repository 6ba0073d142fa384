#!/usr/bin/env bash
# Fuzzes joorbridge's untrusted-input parsers with libFuzzer + AddressSanitizer, built with
# optimisation (-c release): where Swift's optimiser ends an object's life early, a C parser still
# reading its buffer shows up here as an ASan report, and the runs are several times as many (there is
# no assert() in these modules for a debug build to keep).
#
#   scripts/fuzz.sh [csv|xml|mapping|all|build] [SECONDS] [SEED]
#
# Defaults: all three targets, 60 s each, seed 1. Builds into .build-fuzz (`build`: only that).
# The corpus starts from the repository's samples, fixtures and mappings (copied; the repo is
# never written). A failing input is left as .build-fuzz/TARGET-crash-* (or -leak-, -timeout-,
# -oom-); add it to Tests/FileFormatsTests/Fixtures (or the mapping tests) as a regression test,
# then fix.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
seconds="${2:-60}"
seed="${3:-1}"

export JOORBRIDGE_FUZZ=1
swift build -c release --product joorbridge-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
  -Xcc -fsanitize=fuzzer-no-link,address >/dev/null
binary=".build-fuzz/release/joorbridge-fuzz"

run() {
  local target="$1"; shift
  local corpus=".build-fuzz/corpus-$target"
  mkdir -p "$corpus"
  for seed_dir in "$@"; do
    find "$seed_dir" -type f -size -256k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  done
  echo "fuzzing the $target target for $seconds s (seed $seed, $(ls "$corpus" | wc -l) corpus files)"
  local log=".build-fuzz/$target.log" status=0
  JOORBRIDGE_FUZZ_TARGET="$target" "$binary" "$corpus" \
    -seed="$seed" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 -timeout=10 \
    -artifact_prefix=".build-fuzz/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|artifact)" "$log" || :
  if ls .build-fuzz/"$target"-crash-* .build-fuzz/"$target"-leak-* .build-fuzz/"$target"-timeout-* .build-fuzz/"$target"-oom-* >/dev/null 2>&1; then
    echo "the $target fuzzer found a failing input:"; ls .build-fuzz/"$target"-*-*
    exit 1
  fi
  # A fuzzer that did not start, or stopped early, is a failure too, not a silent pass.
  local runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  if [ "$status" -ne 0 ] || [ -z "$runs" ] || [ "$runs" -lt 1000 ]; then
    echo "the $target fuzzer did not run (exit $status, ${runs:-no} executions); its output:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

case "$which" in
  build) ;;
  csv) run csv samples Tests/FileFormatsTests/Fixtures ;;
  xml) run xml samples/inventory-xml samples/orders Tests/FileFormatsTests/Fixtures/xml ;;
  mapping) run mapping mappings ;;
  all)
    run csv samples Tests/FileFormatsTests/Fixtures
    run xml samples/inventory-xml samples/orders Tests/FileFormatsTests/Fixtures/xml
    run mapping mappings ;;
  *) echo "usage: scripts/fuzz.sh [csv|xml|mapping|all|build] [SECONDS] [SEED]" >&2; exit 64 ;;
esac
