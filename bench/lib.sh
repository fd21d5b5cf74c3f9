# shellcheck shell=bash
# Helpers shared by the bench scripts and scripts/soak.sh (sourced, not run). Servers listen on
# 127.0.0.1 on ephemeral ports; a script adds every process it starts to `pids` and calls
# stop_started from its EXIT trap.
set -euo pipefail
bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_script="$(realpath --relative-to="$bench_root" "$0")"
# Exit status of die; a script whose documented failure status is 1 sets fail_status=1.
fail_status="${fail_status:-2}"

# die <message>: one line on stderr, naming the script; exit fail_status.
die() { echo "$bench_script: $*" >&2; exit "$fail_status"; }

# need_executables <file>...: dies naming the first one that is missing or not executable.
need_executables() {
  local b
  for b in "$@"; do [[ -x "$b" ]] || die "missing $b (build it first)"; done
}

# use_build <build-dir>: sets mock and loadgen to that build's binaries; dies when one is missing.
use_build() {
  mock="$1/mock-server/telnyx-mock"
  loadgen="$1/loadgen/telnyx-loadgen"
  need_executables "$mock" "$loadgen"
}

# use_release_build <build-dir>: sets mock and loadgen from MOCK_BIN / LOADGEN_BIN when either
# is given, else to that build's binaries, configuring and building them (Release, no tests)
# when one is missing.
use_release_build() {
  local build="$1"
  mock="${MOCK_BIN:-$build/mock-server/telnyx-mock}"
  loadgen="${LOADGEN_BIN:-$build/loadgen/telnyx-loadgen}"
  if [[ -z "${MOCK_BIN:-}${LOADGEN_BIN:-}" && ( ! -x "$mock" || ! -x "$loadgen" ) ]]; then
    echo "building telnyx-mock and telnyx-loadgen (Release) in $build ..." >&2
    cmake -S "$bench_root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHARNESS_BUILD_TESTS=OFF >/dev/null ||
      die "cmake configure failed"
    cmake --build "$build" -j2 --target telnyx-mock telnyx-loadgen >/dev/null || die "build failed"
  fi
  [[ -x "$mock" ]] || die "no telnyx-mock at $mock (set MOCK_BIN)"
  [[ -x "$loadgen" ]] || die "no telnyx-loadgen at $loadgen (set LOADGEN_BIN)"
}

pids=()
# stop_started: stops every process in pids and waits for each.
stop_started() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# launch_mock <out-file> <err-file> [flags...]: starts $mock on an ephemeral port with the
# flags, in the background and added to pids; sets mock_pid, and mock_url once the mock prints
# it (dies when it has not within 10 s).
launch_mock() {
  local out="$1" err="$2" _
  shift 2
  "$mock" --port 0 "$@" >"$out" 2>"$err" &
  mock_pid=$!
  pids+=("$mock_pid")
  mock_url=""
  for _ in $(seq 100); do
    mock_url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$out" 2>/dev/null | head -1)"
    [[ -n "$mock_url" ]] && return 0
    sleep 0.1
  done
  die "telnyx-mock did not start: $(head -c 300 "$err")"
}
