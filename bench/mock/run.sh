#!/usr/bin/env bash
# Compares POST /v2/messages throughput of telnyx-mock against a bare cpp-httplib handler that
# returns a same-size JSON body, in the same run, with the same wrk settings (keep-alive).
# Usage: [ROUNDS=3] [WARMUP=6] [MOCK_ARGS=...] bench/mock/run.sh [build-dir] [duration] [connections] [wrk-threads]
# Extra telnyx-mock flags via MOCK_ARGS (e.g. MOCK_ARGS=--no-webhooks to leave the webhook engine
# out of the measurement). Prints both requests/s figures and telnyx-mock's share of the bare rate.
fail_status=1   # read by bench/lib.sh
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
here="$bench_root/bench/mock"
build="${1:-build}"
duration="${2:-10s}"
conns="${3:-32}"
wthreads="${4:-2}"
mock="$build/mock-server/telnyx-mock"
bare="$build/bench/mock/bench_bare_httplib"
need_executables "$mock" "$bare"
command -v wrk >/dev/null || die "wrk is not installed"

out=$(mktemp)
err=$(mktemp)
trap 'stop_started; rm -f "$out" "$err"' EXIT
# telnyx-mock with its default loop threads (one per core); MOCK_ARGS may add --threads N.
# shellcheck disable=SC2086
launch_mock "$out" "$err" --log-level error ${MOCK_ARGS:-}

# Size of a real telnyx-mock answer, so the bare server writes the same number of bytes.
size=$(curl -s -o /dev/null -w '%{size_download}' -X POST "$mock_url/v2/messages" \
  -H 'Authorization: Bearer KEYbench' -H 'Content-Type: application/json' \
  -d '{"to":"+17735550188","text":"Your code is 4821"}')
port=$(free_port)
# Worker threads >= connections: each keep-alive connection holds one worker in cpp-httplib.
"$bare" "$port" "$size" $((conns + 8)) >/dev/null &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v2/messages" && break; sleep 0.1; done

run() {  # url -> requests/s
  wrk -t"$wthreads" -c"$conns" -d"$duration" -s "$here/post_message.lua" "$1" | tee -a "$log" |
    awk '/^Requests\/sec/ {print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
log=$(mktemp)
# Warm-up: 6 s each. At this rate telnyx-mock's bounded stores (100,000 messages, the journal,
# the verdict memory) fill in the first seconds, with a page fault per new page; the rounds then
# measure the steady state a long-running mock is in (evicting as much as it stores).
echo "== warm-up (${WARMUP:-6}s each) ==" >&2
wrk -t"$wthreads" -c"$conns" -d"${WARMUP:-6}s" -s "$here/post_message.lua" "$mock_url" >/dev/null
wrk -t"$wthreads" -c"$conns" -d"${WARMUP:-6}s" -s "$here/post_message.lua" "http://127.0.0.1:$port" >/dev/null
# Alternate the two servers for ${rounds} rounds so load from other processes on the machine
# hits both alike; report the median of each.
rounds="${ROUNDS:-3}"
bare_all=(); mock_all=()
for r in $(seq 1 "$rounds"); do
  b=$(run "http://127.0.0.1:$port"); m=$(run "$mock_url")
  echo "round $r: bare $b req/s, telnyx-mock $m req/s" >&2
  bare_all+=("$b"); mock_all+=("$m")
done
bare_rps=$(printf '%s\n' "${bare_all[@]}" | median)
mock_rps=$(printf '%s\n' "${mock_all[@]}" | median)
ratio=$(awk -v m="$mock_rps" -v b="$bare_rps" 'BEGIN { printf "%.1f", 100 * m / b }')
grep -q "non-200 responses: [1-9]" "$log" && echo "WARNING: some responses were not 200 (see wrk output)" >&2
echo
echo "POST /v2/messages, wrk -t$wthreads -c$conns -d$duration, keep-alive, body $size bytes, telnyx-mock flags: ${MOCK_ARGS:-(none)}"
echo "bare cpp-httplib : $bare_rps req/s (median of $rounds)"
echo "telnyx-mock      : $mock_rps req/s (median of $rounds)"
echo "telnyx-mock / bare = $ratio %  (target >= 80 %)"
