#!/usr/bin/env bash
# Side-by-side figures for telnyx-mock and telnyx-loadgen against other tools, in one run on one
# machine, so the ratios compare like with like:
#   (a) POST /v2/messages served by telnyx-mock, WireMock (standalone jar) and Prism (mock mode),
#       each answering the same 708-byte Telnyx message, under the same wrk load (keep-alive,
#       bench/mock/post_message.lua); rounds alternate the order of the servers. telnyx-mock
#       runs as a user starts it (webhook engine and scenario engine on, default verdicts).
#   (b) closed-loop maximum throughput of telnyx-loadgen, wrk and hey against one telnyx-mock
#       with default flags, same connections, threads, duration and request bytes
#       (bench/loadgen/post.lua); rounds alternate the order of the clients.
#   (c) webhook deliveries per second: telnyx-loadgen sends open-loop at a high rate with its
#       embedded receiver (--webhooks, signatures verified); the mock's own delivery counters
#       (GET /_mock/webhooks) are sampled every second.
# The table goes to stdout and to bench/compare/last-run.md.
#
# Usage: bench/compare/run.sh [duration=10s] [rounds=3]
# Environment: BUILD_DIR (default build-bench; built here if the binaries are missing), or
#   MOCK_BIN and LOADGEN_BIN (existing binaries, nothing is built),
#   CONNS (32), THREADS (2), WARMUP (5s per server), WEBHOOK_RATE (messages/s, 4000),
#   WEBHOOK_DURATION (10s), LIMIT_SECONDS (watchdog for the measuring part, 480).
# Needs: wrk, hey, java (Debian packages wrk, hey, default-jre-headless are installed when
# missing and the script runs as root), node + npm (npm ci here when node_modules is missing),
# python3, curl, cmake and a C++17 compiler when it has to build.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
here="$bench_root/bench/compare"
root="$bench_root"

duration="${1:-10s}"
rounds="${2:-3}"
[[ $# -le 2 ]] || die "usage: run.sh [duration=10s] [rounds=3]"
conns="${CONNS:-32}"
threads="${THREADS:-2}"
warmup="${WARMUP:-5s}"
wh_rate="${WEBHOOK_RATE:-4000}"
wh_duration="${WEBHOOK_DURATION:-10s}"
limit="${LIMIT_SECONDS:-480}"
build="${BUILD_DIR:-$root/build-bench}"
[[ "$duration" =~ ^[1-9][0-9]*s$ ]] || die "duration must be whole seconds like 10s, got '$duration'"
[[ "$warmup" =~ ^[1-9][0-9]*s$ ]] || die "WARMUP must be whole seconds like 5s, got '$warmup'"
[[ "$wh_duration" =~ ^[1-9][0-9]*s$ ]] || die "WEBHOOK_DURATION must be whole seconds like 10s, got '$wh_duration'"
[[ "$rounds" =~ ^[1-9]$ ]] || die "rounds must be 1..9, got '$rounds'"
[[ "$conns" =~ ^[1-9][0-9]{0,3}$ ]] || die "CONNS must be 1..9999, got '$conns'"
[[ "$threads" =~ ^[1-9][0-9]?$ ]] || die "THREADS must be 1..99, got '$threads'"
(( conns >= threads )) || die "CONNS must be at least THREADS"
[[ "$wh_rate" =~ ^[1-9][0-9]*$ ]] || die "WEBHOOK_RATE must be a positive integer, got '$wh_rate'"
[[ "$limit" =~ ^[1-9][0-9]*$ ]] || die "LIMIT_SECONDS must be a positive integer, got '$limit'"
secs="${duration%s}"

# ---- prerequisites ----------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v hey >/dev/null || missing+=(hey)
command -v java >/dev/null || missing+=(default-jre-headless)
if (( ${#missing[@]} )); then
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi
for t in python3 curl node npm; do command -v "$t" >/dev/null || die "$t is required"; done
if [[ ! -d "$here/node_modules/wiremock" || ! -d "$here/node_modules/@stoplight/prism-cli" ]]; then
  echo "npm ci (WireMock, Prism) ..." >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in bench/compare"
fi
use_release_build "$build"
wm_jar="$(ls "$here"/node_modules/wiremock/build/wiremock-standalone-*.jar 2>/dev/null | head -1)"
[[ -n "$wm_jar" ]] || die "the wiremock package ships no standalone jar"
prism="$here/node_modules/.bin/prism"
[[ -x "$prism" ]] || die "prism is missing from node_modules"
pkg_version() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$1"; }
wm_version="$(pkg_version "$here/node_modules/wiremock/package.json")"
prism_version="$(pkg_version "$here/node_modules/@stoplight/prism-cli/package.json")"
wrk_version="$(dpkg-query -W -f '${Version}' wrk 2>/dev/null || { wrk -v 2>&1 || true; } | awk 'NR==1 {print $2}')"
hey_version="$(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo unknown)"
java_version="$(java -version 2>&1 | awk -F'"' 'NR==1 {print $2}')"

# ---- process bookkeeping ----------------------------------------------------------------------
work="$(mktemp -d)"
cleanup() { stop_started; rm -rf "$work"; }
trap cleanup EXIT
trap 'echo "bench/compare/run.sh: interrupted" >&2; exit 130' INT TERM
# The watchdog bounds the measuring part: every load run below is bounded by its own duration,
# this only catches a server that never answers.
main_pid=$$
(
  trap 'kill "$sp" 2>/dev/null; exit 0' TERM
  sleep "$limit" & sp=$!
  wait "$sp"
  echo "bench/compare/run.sh: over ${limit}s, stopping" >&2
  kill -TERM "$main_pid"
) 2>/dev/null &
pids+=($!)
started=$(date +%s)

# start_mock <name> <flags...>: starts telnyx-mock on a free port; its base URL in $mock_url.
start_mock() {
  local name="$1"; shift
  launch_mock "$work/$name.out" "$work/$name.err" --log-level error "$@"
}
# wait_post <url>: until POST /v2/messages answers 200 (at most 60 s).
wait_post() {
  local _
  for _ in $(seq 240); do
    [[ "$(post_once "$1" -o /dev/null -w '%{http_code}')" == 200 ]] && return 0
    sleep 0.25
  done
  return 1
}
post_once() {
  local url="$1"; shift
  curl -s -X POST "$url/v2/messages" -H 'Authorization: Bearer KEYbench' -H 'Content-Type: application/json' \
    -d '{"to":"+17735550188","text":"Your code is 4821"}' "$@" 2>/dev/null || true
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b) if b > 0 else 'n/a')" "$1" "$2"; }
to_ms() {  # 1.23ms | 812.00us | 1.5s -> milliseconds
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /m$/) n*=60000; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}
cpu_us_per() { awk -v n="$2" '{ printf "%.1f", ($1 + $2) * 1e6 / (n > 0 ? n : 1) }' "$1"; }

out="$work/table.md"
{
  echo "# bench/compare/run.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Clients and servers share the same cores, so each figure includes the other side's CPU use."
  echo "Tools: wrk $wrk_version, hey $hey_version, WireMock $wm_version (Java $java_version), Prism $prism_version (Node $(node --version))."
  echo
} >"$out"

# ---- (a) telnyx-mock vs WireMock vs Prism ------------------------------------------------------
echo "== (a) servers: telnyx-mock, WireMock, Prism ==" >&2
start_mock mock-a --threads $((conns + 8))
mock_a="$mock_url"
post_once "$mock_a" -o "$work/message.json"
body_bytes=$(wc -c <"$work/message.json")
[[ $body_bytes -gt 100 ]] || die "telnyx-mock gave no message body"

# WireMock: one stub, same checks as the others do cheaply (bearer header, a JSON body with "to"),
# answering the very body telnyx-mock just returned. Two instances: the request journal capped
# like telnyx-mock's (10,000), and --no-request-journal (WireMock's advice for load tests).
mkdir -p "$work/wiremock/mappings"
python3 - "$work/message.json" "$work/wiremock/mappings/send.json" <<'EOF'
import json, sys
body = open(sys.argv[1]).read()
json.dump({"request": {"method": "POST", "url": "/v2/messages",
                       "headers": {"Authorization": {"matches": "Bearer KEY.*"}},
                       "bodyPatterns": [{"matchesJsonPath": "$.to"}]},
           "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body}},
          open(sys.argv[2], "w"))
EOF
wm_port=$(free_port)
java -jar "$wm_jar" --port "$wm_port" --bind-address 127.0.0.1 --root-dir "$work/wiremock" --disable-banner \
  --max-request-journal-entries 10000 --container-threads $((conns + 8)) >"$work/wiremock.out" 2>&1 &
pids+=($!)
wm_url="http://127.0.0.1:$wm_port"
wm2_port=$(free_port)
java -jar "$wm_jar" --port "$wm2_port" --bind-address 127.0.0.1 --root-dir "$work/wiremock" --disable-banner \
  --no-request-journal --container-threads $((conns + 8)) >"$work/wiremock-nj.out" 2>&1 &
pids+=($!)
wm2_url="http://127.0.0.1:$wm2_port"
prism_port=$(free_port)
"$prism" mock -h 127.0.0.1 -p "$prism_port" --verboseLevel error "$here/prism-spec.yaml" >"$work/prism.out" 2>&1 &
pids+=($!)
prism_url="http://127.0.0.1:$prism_port"
wait_post "$wm_url" || die "WireMock did not answer POST /v2/messages: $(tail -c 300 "$work/wiremock.out")"
wait_post "$wm2_url" || die "WireMock (--no-request-journal) did not answer: $(tail -c 300 "$work/wiremock-nj.out")"
wait_post "$prism_url" || die "Prism did not answer POST /v2/messages: $(tail -c 300 "$work/prism.out")"
wm_bytes=$(post_once "$wm_url" -o /dev/null -w '%{size_download}')
prism_bytes=$(post_once "$prism_url" -o /dev/null -w '%{size_download}')

servers=(telnyx-mock wiremock wiremock-nj prism)
declare -A url_of=([telnyx-mock]="$mock_a" [wiremock]="$wm_url" [wiremock-nj]="$wm2_url" [prism]="$prism_url")
declare -A bytes_of=([telnyx-mock]="$body_bytes" [wiremock]="$wm_bytes" [wiremock-nj]="$wm_bytes" [prism]="$prism_bytes")
declare -A rps_all p99_all bad_all
wrk_run() {  # <name> <url> <duration> -> appends to the name's lists
  local name="$1" f="$work/wrk-$1.txt"
  wrk -t"$threads" -c"$conns" -d"$3" --latency -s "$root/bench/mock/post_message.lua" "$2" >"$f"
  local rps p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
  bad=$(awk '/^non-200 responses:/ {n+=$3} /Socket errors:/ {gsub(",", ""); n+=$4+$6+$8+$10} END {print n+0}' "$f")
  rps=$(printf '%.1f' "${rps:-0}")
  rps_all[$name]+="$rps "; p99_all[$name]+="$p99 "; bad_all[$name]=$(( ${bad_all[$name]:-0} + bad ))
  echo "  $name: $rps req/s, p99 ${p99} ms, non-200/socket errors $bad" >&2
}
echo "warm-up ${warmup} each (the JVM compiles its hot paths)" >&2
for s in "${servers[@]}"; do wrk -t"$threads" -c"$conns" -d"$warmup" -s "$root/bench/mock/post_message.lua" "${url_of[$s]}" >/dev/null; done
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  for i in "${!servers[@]}"; do
    s="${servers[$(( (i + r - 1) % ${#servers[@]} ))]}"
    wrk_run "$s" "${url_of[$s]}" "$duration"
  done
done
# The servers of (a) are stopped before (b) so they take no memory or timer wake-ups from it.
for p in "${pids[@]:1}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
pids=("${pids[0]}")

declare -A rps_med p99_med
for s in "${servers[@]}"; do
  # shellcheck disable=SC2086
  rps_med[$s]=$(median ${rps_all[$s]}); p99_med[$s]=$(median ${p99_all[$s]})
done
{
  echo "## (a) POST /v2/messages: telnyx-mock vs WireMock vs Prism"
  echo
  echo "wrk -t$threads -c$conns -d$duration --latency, keep-alive, bench/mock/post_message.lua; $rounds rounds, server order rotated each round, medians; warm-up $warmup per server."
  echo
  echo "| server | requests/s (median) | p99 ms (median) | response body bytes | non-200 + socket errors | requests/s per round |"
  echo "|---|---:|---:|---:|---:|---|"
  echo "| telnyx-mock (default flags, --threads $((conns + 8))) | ${rps_med[telnyx-mock]} | ${p99_med[telnyx-mock]} | $body_bytes | ${bad_all[telnyx-mock]} | ${rps_all[telnyx-mock]}|"
  echo "| WireMock $wm_version standalone (one stub, journal capped at 10000, --container-threads $((conns + 8))) | ${rps_med[wiremock]} | ${p99_med[wiremock]} | $wm_bytes | ${bad_all[wiremock]} | ${rps_all[wiremock]}|"
  echo "| WireMock $wm_version standalone (one stub, --no-request-journal, --container-threads $((conns + 8))) | ${rps_med[wiremock-nj]} | ${p99_med[wiremock-nj]} | $wm_bytes | ${bad_all[wiremock-nj]} | ${rps_all[wiremock-nj]}|"
  echo "| Prism $prism_version mock (bench/compare/prism-spec.yaml, --verboseLevel error) | ${rps_med[prism]} | ${p99_med[prism]} | $prism_bytes | ${bad_all[prism]} | ${rps_all[prism]}|"
  echo
  echo "- telnyx-mock / WireMock requests/s: **$(ratio "${rps_med[telnyx-mock]}" "${rps_med[wiremock]}")x**; p99 WireMock / telnyx-mock: **$(ratio "${p99_med[wiremock]}" "${p99_med[telnyx-mock]}")x**"
  echo "- telnyx-mock / WireMock --no-request-journal requests/s: **$(ratio "${rps_med[telnyx-mock]}" "${rps_med[wiremock-nj]}")x**; p99 WireMock / telnyx-mock: **$(ratio "${p99_med[wiremock-nj]}" "${p99_med[telnyx-mock]}")x**"
  echo "- telnyx-mock / Prism requests/s: **$(ratio "${rps_med[telnyx-mock]}" "${rps_med[prism]}")x**; p99 Prism / telnyx-mock: **$(ratio "${p99_med[prism]}" "${p99_med[telnyx-mock]}")x**"
  echo
} >>"$out"

# ---- (b) telnyx-loadgen vs wrk vs hey ----------------------------------------------------------
echo "== (b) clients: telnyx-loadgen, wrk, hey against telnyx-mock ==" >&2
start_mock mock-b
mock_b="$mock_url"
body_b='{"to":"+17735550188","text":"bench"}'
clients=(telnyx-loadgen wrk hey)
declare -A c_rps c_p99 c_cpu c_bad
client_run() {  # <name>
  local name="$1" f="$work/client-$1.txt" cpu="$work/client-$1.cpu" rps p99 n bad
  case "$name" in
    wrk)
      /usr/bin/time -f "%U %S" -o "$cpu" wrk -t"$threads" -c"$conns" -d"$duration" --latency \
        -s "$root/bench/loadgen/post.lua" "$mock_b/v2/messages" >"$f"
      rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
      p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
      n=$(awk '/requests in/ {print $1}' "$f")
      bad=$(awk '/Non-2xx/ {n+=$NF} /Socket errors:/ {gsub(",", ""); n+=$4+$6+$8+$10} END {print n+0}' "$f") ;;
    hey)
      /usr/bin/time -f "%U %S" -o "$cpu" hey -z "$duration" -c "$conns" -cpus "$threads" -m POST \
        -T application/json -A application/json -H 'Authorization: Bearer KEY_bench' -d "$body_b" \
        "$mock_b/v2/messages" >"$f"
      rps=$(awk '/Requests\/sec:/ {print $2}' "$f")
      p99=$(awk '$1 == "99%" && $2 == "in" {printf "%.2f", $3 * 1000}' "$f")
      n=$(awk '/\[[0-9]+\][ \t]+[0-9]+ responses/ {s+=$2} END {print s+0}' "$f")
      bad=$(awk '/\[[0-9]+\][ \t]+[0-9]+ responses/ && $1 != "[200]" {s+=$2} /Error distribution/ {e=1; next} e && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); s+=$1} END {print s+0}' "$f") ;;
    telnyx-loadgen)
      /usr/bin/time -f "%U %S" -o "$cpu" "$loadgen" send --url "$mock_b" --api-key KEY_bench --closed-loop \
        -c "$conns" -t "$threads" --duration "$duration" --from '' --to '+17735550188' --text bench \
        --progress off --report-json "$work/loadgen-b.json" >"$f"
      read -r rps n bad < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["run"]; e=json.load(open(sys.argv[1]))["elapsed_seconds"]
print("%.2f" % (r["completed"]/e), r["completed"], sum(r["errors"].values()))' "$work/loadgen-b.json")
      p99=$(to_ms "$(sed -n 's/^  uncorrected .* p99=\([^ ]*\).*/\1/p' "$f")") ;;
  esac
  rps=$(printf '%.1f' "${rps:-0}")
  c_rps[$name]+="$rps "; c_p99[$name]+="$p99 "; c_cpu[$name]+="$(cpu_us_per "$cpu" "$n") "
  c_bad[$name]=$(( ${c_bad[$name]:-0} + bad ))
  echo "  $name: $rps req/s, p99 ${p99} ms, CPU $(cpu_us_per "$cpu" "$n") us/request, errors $bad" >&2
}
wrk -t"$threads" -c"$conns" -d2s -s "$root/bench/loadgen/post.lua" "$mock_b/v2/messages" >/dev/null
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  for i in 0 1 2; do client_run "${clients[$(( (i + r - 1) % 3 ))]}"; done
done
kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true
declare -A c_rps_med c_p99_med c_cpu_med
for c in "${clients[@]}"; do
  # shellcheck disable=SC2086
  c_rps_med[$c]=$(median ${c_rps[$c]}); c_p99_med[$c]=$(median ${c_p99[$c]}); c_cpu_med[$c]=$(median ${c_cpu[$c]})
done
{
  echo "## (b) closed-loop maximum throughput: telnyx-loadgen vs wrk vs hey"
  echo
  echo "One telnyx-mock (default flags); $conns connections, $threads threads (hey: -cpus $threads), $duration, keep-alive, the same request bytes (bench/loadgen/post.lua); $rounds rounds, client order rotated, medians."
  echo
  echo "| client | requests/s (median) | p99 ms (median) | client CPU us/request (median) | errors + non-2xx | requests/s per round |"
  echo "|---|---:|---:|---:|---:|---|"
  echo "| telnyx-loadgen send --closed-loop | ${c_rps_med[telnyx-loadgen]} | ${c_p99_med[telnyx-loadgen]} | ${c_cpu_med[telnyx-loadgen]} | ${c_bad[telnyx-loadgen]} | ${c_rps[telnyx-loadgen]}|"
  echo "| wrk $wrk_version | ${c_rps_med[wrk]} | ${c_p99_med[wrk]} | ${c_cpu_med[wrk]} | ${c_bad[wrk]} | ${c_rps[wrk]}|"
  echo "| hey $hey_version | ${c_rps_med[hey]} | ${c_p99_med[hey]} | ${c_cpu_med[hey]} | ${c_bad[hey]} | ${c_rps[hey]}|"
  echo
  echo "- telnyx-loadgen / wrk requests/s: **$(ratio "${c_rps_med[telnyx-loadgen]}" "${c_rps_med[wrk]}")x**"
  echo "- telnyx-loadgen / hey requests/s: **$(ratio "${c_rps_med[telnyx-loadgen]}" "${c_rps_med[hey]}")x**"
  echo "- p99 is each tool's own measure (telnyx-loadgen: uncorrected, i.e. from the first write, as wrk and hey measure)."
  echo
} >>"$out"

# ---- (c) webhook deliveries per second ---------------------------------------------------------
echo "== (c) webhooks: telnyx-mock -> telnyx-loadgen receiver at $wh_rate messages/s ==" >&2
start_mock mock-c
mock_c="$mock_url"
delivered() { curl -s "$mock_c/_mock/webhooks?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["events_delivered"])' 2>/dev/null || echo ""; }
"$loadgen" send --url "$mock_c" --api-key KEY_webhooks --rate "$wh_rate" --duration "$wh_duration" -c 48 \
  -t "$threads" --from '' --to '+1773555{seq:4}' --text 'webhook bench {seq}' --webhooks --grace 10s \
  --progress off --report-json "$work/loadgen-c.json" >"$work/loadgen-c.txt" 2>"$work/loadgen-c.err" &
lg_pid=$!
pids+=($lg_pid)
t0=$(date +%s.%N)
: >"$work/delivered.tsv"
while kill -0 "$lg_pid" 2>/dev/null; do
  d=$(delivered)
  [[ -n "$d" ]] && echo "$(python3 -c "import time; print('%.3f' % (time.time() - $t0))") $d" >>"$work/delivered.tsv"
  sleep 1
done
wait "$lg_pid" || true
[[ -s "$work/loadgen-c.json" ]] || die "telnyx-loadgen wrote no report: $(tail -c 300 "$work/loadgen-c.err")"
d_final=$(delivered)
# Steady window: from 2 s after the start to the end of the sends; the peak 3 s window too.
read -r steady peak < <(python3 - "$work/delivered.tsv" "${wh_duration%s}" <<'EOF'
import sys
pts = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
end = float(sys.argv[2])
win = [p for p in pts if 2.0 <= p[0] <= end + 0.5]
if len(win) < 2: win = pts
steady = (win[-1][1] - win[0][1]) / (win[-1][0] - win[0][0]) if len(win) >= 2 and win[-1][0] > win[0][0] else 0
peak = 0
for i, a in enumerate(pts):
    for b in pts[i + 1:]:
        if b[0] - a[0] >= 3.0:
            peak = max(peak, (b[1] - a[1]) / (b[0] - a[0]))
            break
print("%.0f %.0f" % (steady, peak))
EOF
)
read -r wh_ok wh_matched wh_missing wh_dups wh_events wh_bad < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); w=r["webhooks"]
print(r["run"]["ok"], w["matched_sent"]+w["matched_finalized"], w["missing_sent"]+w["missing_finalized"], w.get("duplicate_events", w.get("duplicates")), w["events"], w["bad_signatures"])' "$work/loadgen-c.json")
fin_p99=$(to_ms "$(sed -n 's/^  send->finalized .* p99=\([^ ]*\).*/\1/p' "$work/loadgen-c.txt")")
{
  echo "## (c) webhook deliveries per second"
  echo
  echo "telnyx-mock (webhook engine on, default timing: message.sent after 20 ms, message.finalized after 150 ms) -> telnyx-loadgen's embedded receiver (Ed25519 verified, matched by message id). telnyx-loadgen send --webhooks --rate $wh_rate --duration $wh_duration (open loop); the mock's events_delivered counter sampled every second."
  echo
  echo "| offered | delivered/s, steady (2 s .. end of sends) | delivered/s, best 3 s | events delivered | messages ok | events matched / expected | missing | duplicates | bad signatures | p99 send -> finalized received |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| $wh_rate msg/s = $((2 * wh_rate)) events/s | **$steady** | $peak | ${d_final:-?} | $wh_ok | $wh_matched / $((2 * wh_ok)) | $wh_missing | $wh_dups | $wh_bad | ${fin_p99} ms |"
  echo
  echo "Run time of the measuring part: $(( $(date +%s) - started )) s."
} >>"$out"

cp "$out" "$here/last-run.md"
echo
cat "$out"
