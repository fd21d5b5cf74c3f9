#!/usr/bin/env bash
# Closed-loop maximum requests/s of telnyx-loadgen against wrk, same telnyx-mock, same run.
# Usage: bench/loadgen/compare.sh [build-dir] [duration-seconds] [connections] [threads]
# Starts one telnyx-mock on an ephemeral port, runs wrk then telnyx-loadgen --closed-loop with
# the same connections, threads, duration and request bytes, prints both rates and the ratio
# (the goal is loadgen >= 0.9 x wrk). Exit 0 when the ratio is met, 1 otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
secs="${2:-10}"
conns="${3:-32}"      # below the mock's 64 worker threads: each keep-alive connection holds one
threads="${4:-2}"
mock="$build/mock-server/telnyx-mock"
loadgen="$build/loadgen/telnyx-loadgen"
for b in "$mock" "$loadgen"; do [[ -x "$b" ]] || { echo "missing $b (build first)" >&2; exit 2; }; done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }

work="$(mktemp -d)"
mock_pid=""
cleanup() { [[ -n "$mock_pid" ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$mock" --port 0 --log-level error >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 100); do grep -q '"url"' "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/mock.out" | head -1)"
[[ -n "$url" ]] || { echo "telnyx-mock did not start: $(cat "$work/mock.err")" >&2; exit 2; }
echo "mock: $url  duration ${secs}s  connections $conns  threads $threads"

# Warm both paths up briefly so neither pays first-connection costs in its measurement.
wrk -t"$threads" -c"$conns" -d2s -s "$here/post.lua" "$url/v2/messages" >/dev/null

wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$here/post.lua" "$url/v2/messages" | tee "$work/wrk.txt"
wrk_rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"

"$loadgen" send --url "$url" --api-key KEY_bench --closed-loop -c "$conns" -t "$threads" \
  --duration "${secs}s" --from '' --to '+17735550188' --text bench --progress off \
  --report-json "$work/loadgen.json" | tee "$work/loadgen.txt"
lg_rps="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.1f" % (r["run"]["completed"]/r["elapsed_seconds"]))' "$work/loadgen.json")"
lg_non2xx="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["run"]["completed"]-r["run"]["ok"])' "$work/loadgen.json")"

ratio="$(python3 -c "print('%.3f' % ($lg_rps / $wrk_rps))")"
echo
echo "wrk:            $wrk_rps requests/s"
echo "telnyx-loadgen: $lg_rps requests/s (non-2xx: $lg_non2xx)"
echo "ratio:          $ratio (goal >= 0.9)"
python3 -c "import sys; sys.exit(0 if $ratio >= 0.9 else 1)"
