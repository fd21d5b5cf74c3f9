#!/usr/bin/env bash
# RSS of telnyx-loadgen over a long open-loop run (goal: growth under 10 MB over 5 minutes at
# 5,000/s). Usage: bench/loadgen/rss.sh [build-dir] [duration-seconds=300] [rate=5000]
# Samples VmRSS every 5 s; growth is measured from the first sample after 10 s (connections,
# buffers and histograms are allocated by then) to the largest later sample.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
secs="${2:-300}"
rate="${3:-5000}"
use_build "${1:-$bench_root/build}"

work="$(mktemp -d)"
cleanup() { stop_started; rm -rf "$work"; }
trap cleanup EXIT

launch_mock "$work/mock.out" "$work/mock.err" --log-level error
url="$mock_url"

"$loadgen" send --url "$url" --api-key KEY_rss --rate "$rate" --duration "${secs}s" -c 32 \
  --from '' --to '+1773555{seq:4}' --progress off --report-json "$work/r.json" >"$work/out.txt" &
lg_pid=$!
pids+=("$lg_pid")
start=$(date +%s)
base=""
peak=0
while kill -0 "$lg_pid" 2>/dev/null; do
  sleep 5
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$lg_pid/status" 2>/dev/null || echo "")
  [[ -z "$rss" ]] && break
  t=$(( $(date +%s) - start ))
  echo "t=${t}s rss=${rss} kB"
  if [[ -z "$base" && $t -ge 10 ]]; then base=$rss; fi
  if [[ -n "$base" && $rss -gt $peak ]]; then peak=$rss; fi
done
wait "$lg_pid" || true
pids=("$mock_pid")
cat "$work/out.txt"
[[ -n "$base" ]] || { echo "run too short to measure (need > 10 s)" >&2; exit 2; }
growth=$(( peak - base ))
echo "rss after 10 s: ${base} kB, peak: ${peak} kB, growth: ${growth} kB (goal < 10240 kB)"
[[ $growth -lt 10240 ]]
