#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time,
# starting from the seed corpora in fixtures/fuzz/<target>/ (copied: the seeds stay as they are).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default: 30 s, every target
# A crash, sanitizer report or leak fails the run; the input is kept in build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"; shift || true
BUILD="${FUZZ_BUILD:-build-fuzz}"
bash scripts/deps.sh
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHARNESS_FUZZ=ON -DHARNESS_BUILD_TESTS=OFF -DHARNESS_BUILD_BENCH=OFF >/dev/null
fi
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(fuzz_send_request fuzz_webhook_verify)
  for t in fuzz_scenario_yaml fuzz_mock_pipeline fuzz_yaml_loader fuzz_service_webhook; do
    grep -q "$t" "$BUILD/tests/fuzz/Makefile" 2>/dev/null && targets+=("$t")
  done
fi
cmake --build "$BUILD" --target "${targets[@]}" -j "$(nproc)"
status=0
for t in "${targets[@]}"; do
  seeds="fixtures/fuzz/${t#fuzz_}"
  work="$BUILD/corpus/$t"; findings="$BUILD/findings/$t"
  mkdir -p "$work" "$findings"
  echo "fuzz: $t for ${secs}s (seeds: $seeds)"
  if ! "$BUILD/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$seeds" \
        > "$BUILD/$t.log" 2>&1; then
    echo "fuzz: $t FOUND A PROBLEM; input in $findings/, log in $BUILD/$t.log"
    tail -40 "$BUILD/$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$BUILD/$t.log" | tr '\n' ' '; echo
  fi
done
exit $status
