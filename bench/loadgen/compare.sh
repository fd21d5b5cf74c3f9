#!/usr/bin/env bash
# Closed-loop maximum requests/s of telnyx-loadgen against wrk, same telnyx-mock, same run.
# Usage: bench/loadgen/compare.sh [build-dir] [duration-seconds] [connections] [threads] [rounds]
# Starts one telnyx-mock on an ephemeral port, then for each round runs wrk and telnyx-loadgen
# --closed-loop with the same connections, threads, duration and request bytes, alternating
# which goes first (the mock's store grows during the run, and a shared machine is noisy).
# Prints every figure and the ratio of the medians (goal: loadgen >= 0.9 x wrk); exit 0 when
# the ratio is met, 1 otherwise.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
here="$bench_root/bench/loadgen"
secs="${2:-10}"
conns="${3:-32}"
threads="${4:-2}"
rounds="${5:-3}"
use_build "${1:-$bench_root/build}"
command -v wrk >/dev/null || die "wrk is not installed"

work="$(mktemp -d)"
cleanup() { stop_started; rm -rf "$work"; }
trap cleanup EXIT

launch_mock "$work/mock.out" "$work/mock.err" --log-level error
url="$mock_url"
echo "mock: $url  duration ${secs}s  connections $conns  threads $threads"

# Warm both paths up briefly so neither pays first-connection costs in its measurement.
wrk -t"$threads" -c"$conns" -d2s -s "$here/post.lua" "$url/v2/messages" >/dev/null

# Each run also records its own CPU time (user + sys): on a shared machine the request rate is
# noisy, CPU per request is not, and it shows which client leaves more CPU to the server.
cpu_of() { awk '{print $1 + $2}' "$1"; }
run_wrk() {
  /usr/bin/time -f "%U %S" -o "$work/wrk.cpu" wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$here/post.lua" "$url/v2/messages" >"$work/wrk.txt"
  awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt"
}
run_loadgen() {
  /usr/bin/time -f "%U %S" -o "$work/loadgen.cpu" "$loadgen" send --url "$url" --api-key KEY_bench \
    --closed-loop -c "$conns" -t "$threads" \
    --duration "${secs}s" --from '' --to '+17735550188' --text bench --progress off \
    --report-json "$work/loadgen.json" >"$work/loadgen.txt"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.1f" % (r["run"]["completed"]/r["elapsed_seconds"]))' "$work/loadgen.json"
}
wrk_all=()
lg_all=()
for r in $(seq "$rounds"); do
  if (( r % 2 )); then w=$(run_wrk); l=$(run_loadgen); else l=$(run_loadgen); w=$(run_wrk); fi
  wn=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  ln=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"]["completed"])' "$work/loadgen.json")
  wc=$(python3 -c "print('%.1f' % ($(cpu_of "$work/wrk.cpu") * 1e6 / $wn))")
  lc=$(python3 -c "print('%.1f' % ($(cpu_of "$work/loadgen.cpu") * 1e6 / $ln))")
  echo "round $r: wrk $w requests/s ($wc us CPU/request), telnyx-loadgen $l requests/s ($lc us CPU/request)"
  wrk_all+=("$w")
  lg_all+=("$l")
done
cat "$work/wrk.txt"
cat "$work/loadgen.txt"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
wrk_rps=$(median "${wrk_all[@]}")
lg_rps=$(median "${lg_all[@]}")
ratio="$(python3 -c "print('%.3f' % ($lg_rps / $wrk_rps))")"
wrk_best=$(printf '%s\n' "${wrk_all[@]}" | sort -g | tail -1)
lg_best=$(printf '%s\n' "${lg_all[@]}" | sort -g | tail -1)
echo
echo "wrk (median of $rounds):            $wrk_rps requests/s"
echo "telnyx-loadgen (median of $rounds): $lg_rps requests/s"
echo "ratio of medians:               $ratio (goal >= 0.9)"
echo "best: wrk $wrk_best, telnyx-loadgen $lg_best, ratio $(python3 -c "print('%.3f' % ($lg_best / $wrk_best))")"
python3 -c "import sys; sys.exit(0 if $ratio >= 0.9 else 1)"
