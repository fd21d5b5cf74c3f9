#!/usr/bin/env bash
# Soak: telnyx-loadgen sends open-loop at RATE messages/s for DURATION to one telnyx-mock running
# a webhook-chaos scenario, with its embedded receiver matching every message.sent and
# message.finalized. Samples VmRSS of both processes every few seconds into a CSV and ends with a
# verdict on memory and on lost webhook events.
#
# Usage: scripts/soak.sh [DURATION=10m] [RATE=2000]      (DURATION: 30s, 10m, 1h or seconds)
# Environment:
#   MOCK_BIN, LOADGEN_BIN   binaries (default build-bench/...; built there, Release, if missing)
#   SCENARIO                scenario file (default scenarios/webhook-chaos.yaml)
#   CONFIG                  telnyx-mock --config file (default none: open mode, default caps)
#   RSS_LIMIT_MB            most telnyx-mock RSS growth allowed (default 20)
#   WARMUP                  seconds before the RSS baseline (default 180 for runs of 5 minutes
#                           or more, else a third of the run). At 2,000/s the mock's bounded
#                           stores are full after ~100 s (live heap flat from then on, see
#                           telnyx_mock_heap_in_use_bytes) and the allocator's pool of freed
#                           memory settles by ~150 s.
#   SAMPLE_SECONDS          RSS sampling period (default 5; 2 for runs under 2 minutes)
#   OUT_DIR                 where rss.csv, loadgen.json, mock-webhooks.json and summary.txt go
#                           (default: a new temporary directory, kept and printed)
#
# Lost events. The scenario's chaos deliberately corrupts some attempts (a wrong Ed25519
# signature, a timestamp older than the 300 s tolerance): a correct receiver refuses those, and
# the event arrives with its next, validly signed attempt. Only an event whose every attempt was
# corrupted (`corrupt: all_attempts`) is never delivered - an injected loss, like `drop`.
# Everything else must arrive:
#   lost = missing (send answered 200, event never matched) - dropped - refused
# where refused = distinct events the mock scheduled that never got a 2xx, from the mock's own
# counters (GET /_mock/webhooks "stats") and the receiver's duplicate count. It only stands for
# injected losses when every failed attempt was a signature/timestamp refusal, so the soak also
# requires: failed attempts (mock) = refused deliveries (receiver), deliveries seen by the
# receiver = deliveries the mock counted, refused <= events the mock corrupted, no queue
# overflow, nothing pending at the end.
#
# Exit: 0 when nothing was lost and telnyx-mock's RSS grew by at most RSS_LIMIT_MB between the
# first sample after the warm-up and the last; 1 otherwise; 2 on bad input or a start failure.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../bench/lib.sh"
root="$bench_root"

to_seconds() {
  local v="$1"
  if [[ "$v" =~ ^([1-9][0-9]*)s?$ ]]; then echo "${BASH_REMATCH[1]}"
  elif [[ "$v" =~ ^([1-9][0-9]*)m$ ]]; then echo $(( BASH_REMATCH[1] * 60 ))
  elif [[ "$v" =~ ^([1-9][0-9]*)h$ ]]; then echo $(( BASH_REMATCH[1] * 3600 ))
  else return 1; fi
}
[[ $# -le 2 ]] || die "usage: soak.sh [DURATION=10m] [RATE=2000]"
secs="$(to_seconds "${1:-10m}")" || die "DURATION must look like 30s, 10m, 1h or a number of seconds, got '${1}'"
rate="${2:-2000}"
[[ "$rate" =~ ^[1-9][0-9]{0,5}$ ]] || die "RATE must be a positive integer (messages/s), got '$rate'"
(( secs >= 10 && secs <= 86400 )) || die "DURATION must be between 10s and 24h"
limit_mb="${RSS_LIMIT_MB:-20}"
[[ "$limit_mb" =~ ^[0-9]+$ ]] || die "RSS_LIMIT_MB must be a whole number of MB, got '$limit_mb'"
if [[ -n "${WARMUP:-}" ]]; then
  warmup="$(to_seconds "$WARMUP")" || die "WARMUP must look like 30s, 2m or seconds, got '$WARMUP'"
elif (( secs >= 300 )); then warmup=180
else warmup=$(( secs / 3 )); fi
(( warmup < secs )) || die "WARMUP must be shorter than DURATION"
if [[ -n "${SAMPLE_SECONDS:-}" ]]; then
  [[ "$SAMPLE_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "SAMPLE_SECONDS must be a positive integer, got '$SAMPLE_SECONDS'"
  sample="$SAMPLE_SECONDS"
elif (( secs >= 120 )); then sample=5
else sample=2; fi
scenario="${SCENARIO:-$root/scenarios/webhook-chaos.yaml}"
[[ -f "$scenario" ]] || die "no scenario file $scenario"
config_args=()
if [[ -n "${CONFIG:-}" ]]; then
  [[ -f "$CONFIG" ]] || die "no config file $CONFIG"
  config_args=(--config "$CONFIG")
fi
for t in curl python3; do command -v "$t" >/dev/null || die "$t is required"; done

use_release_build "$root/build-bench"

out="${OUT_DIR:-}"
if [[ -z "$out" ]]; then out="$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")"; else mkdir -p "$out" || die "cannot create $out"; fi
trap stop_started EXIT
trap 'echo "scripts/soak.sh: interrupted" >&2; exit 130' INT TERM

launch_mock "$out/mock.out" "$out/mock.err" --log-level warn --scenario "$scenario" "${config_args[@]}"
url="$mock_url"
# Late copies: up to 2 s of chaos delay, then refused copies retried after 1 s and 5 s.
grace=15
echo "soak: ${secs}s at ${rate}/s, scenario $(basename "$scenario"), mock $url, warm-up ${warmup}s, samples every ${sample}s, output $out" >&2

"$loadgen" send --url "$url" --api-key KEY_soak --rate "$rate" --duration "${secs}s" -c 48 \
  --from '' --to '+1773555{seq:4}' --text 'soak {seq}' --webhooks --grace "${grace}s" \
  --progress lines --progress-interval 30s --report-json "$out/loadgen.json" >"$out/loadgen.txt" 2>"$out/loadgen.err" &
lg_pid=$!
pids+=("$lg_pid")

rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }
heap_in_use() { curl -s --max-time 10 "$url/metrics" | awk '$1 == "telnyx_mock_heap_in_use_bytes" {print $2}'; }
heap_base=""
stats() { curl -s --max-time 10 "$url/_mock/webhooks?limit=1"; }
# Sampling reads /proc only, so a busy mock cannot stretch the sampling period.
echo "t_seconds,mock_rss_kb,loadgen_rss_kb" >"$out/rss.csv"
start=$(date +%s)
next=$start
while kill -0 "$lg_pid" 2>/dev/null; do
  now=$(date +%s)
  if (( now >= next )); then
    t=$(( now - start ))
    m=$(rss_of "$mock_pid"); l=$(rss_of "$lg_pid")
    [[ -n "$m" ]] || die "telnyx-mock is gone: $(tail -c 300 "$out/mock.err")"
    [[ -n "$l" ]] && echo "$t,$m,$l" >>"$out/rss.csv"
    [[ -z "$heap_base" && $t -ge $warmup ]] && heap_base="$(heap_in_use)"
    (( t % 60 < sample )) && echo "  t=${t}s telnyx-mock ${m} kB, telnyx-loadgen ${l:-?} kB" >&2
    next=$(( next + sample ))
    (( next > now )) || next=$(( now + sample ))
  fi
  sleep 0.5
done
set +e
wait "$lg_pid"; lg_rc=$?
set -e
pids=("$mock_pid")
[[ -s "$out/loadgen.json" ]] || die "telnyx-loadgen wrote no report (exit $lg_rc): $(tail -c 300 "$out/loadgen.err")"
# The mock finishes its own retries (the loadgen grace covers them); wait until nothing is queued.
for _ in $(seq 30); do
  stats >"$out/mock-webhooks.json"
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; sys.exit(0 if s["queue_pending"] == 0 and s["in_flight"] == 0 else 1)' \
    "$out/mock-webhooks.json" 2>/dev/null && break
  sleep 1
done

heap_end="$(heap_in_use)"
python3 - "$out" "$warmup" "$limit_mb" "$secs" "$rate" "${heap_base:-0}" "${heap_end:-0}" <<'EOF' | tee "$out/summary.txt"
import csv, json, sys
out, warmup, limit_mb, secs, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
heap_base, heap_end = int(float(sys.argv[6])), int(float(sys.argv[7]))
rows = [r for r in csv.DictReader(open(out + "/rss.csv"))]
lg = json.load(open(out + "/loadgen.json"))
ms = json.load(open(out + "/mock-webhooks.json"))["stats"]
run, w = lg["run"], lg["webhooks"]
fails = []

def mb(kb): return "%.1f MB" % (kb / 1024.0)
def curve(key):
    vals = [(int(r["t_seconds"]), int(r[key])) for r in rows if r[key]]
    after = [v for v in vals if v[0] >= warmup]
    if not vals or not after: return None
    first, last = after[0], after[-1]
    return {"first": vals[0], "base": first, "last": last, "max": max(v[1] for v in vals),
            "growth": last[1] - first[1], "n": len(vals)}
print("soak: %d s at %d messages/s, %d RSS samples (rss.csv in %s)" % (secs, rate, len(rows), out))
for name, key in (("telnyx-mock", "mock_rss_kb"), ("telnyx-loadgen", "loadgen_rss_kb")):
    c = curve(key)
    if c is None:
        fails.append("no RSS sample after the %d s warm-up" % warmup); continue
    line = "  %-15s RSS first %s (t=%ds), after warm-up %s (t=%ds), last %s (t=%ds), max %s; growth %+.1f MB" % (
        name, mb(c["first"][1]), c["first"][0], mb(c["base"][1]), c["base"][0], mb(c["last"][1]), c["last"][0],
        mb(c["max"]), c["growth"] / 1024.0)
    if name == "telnyx-mock":
        ok = c["growth"] <= limit_mb * 1024
        line += " (limit %d MB: %s)" % (limit_mb, "ok" if ok else "EXCEEDED")
        if heap_base and heap_end:
            line += "; live heap after warm-up %.1f MB, at the end %.1f MB" % (heap_base / 1048576.0, heap_end / 1048576.0)
        if not ok: fails.append("telnyx-mock RSS grew by %.1f MB after the warm-up" % (c["growth"] / 1024.0))
    else:
        # The receiver keeps one match record per message and per event id for the whole run.
        sent = max(run["ok"], 1)
        line += " (keeps every message's match record: %.0f bytes/message overall)" % (
            (c["last"][1] - c["first"][1]) * 1024.0 / sent)
    print(line)

chaos = ms["chaos"]
expected = 2 * w["registered"]
matched = w["matched_sent"] + w["matched_finalized"]
missing = w["missing_sent"] + w["missing_finalized"]
distinct_scheduled = ms["events_scheduled"] - chaos["duplicate"]
dup_events = w.get("duplicate_events", w.get("duplicates", 0))   # renamed in telnyx-loadgen's report
distinct_delivered = ms["events_delivered"] - dup_events
refused = distinct_scheduled - distinct_delivered
corrupted = chaos["bad_signature"] + chaos["stale_timestamp"]
dropped = ms["events_dropped"]
lost = missing - dropped - refused
# A send that got no answer (timeout, read error) may still have been accepted: its events are
# then orphans or, if refused, invisible, and the subtraction above is no longer exact.
unanswered = sum(v for k, v in run["errors"].items() if k != "status")
non_chaos_failures = ms["attempts_failed"] - w["bad_signatures"]
print("  sends: %d planned, %d ok, %d unsent, errors %s" % (run["planned"], run["ok"], run["unsent"],
      ", ".join("%s %d" % kv for kv in run["errors"].items())))
print("  mock:  %d events scheduled (%d duplicated copies), %d delivered, %d failed after all attempts, "
      "%d dropped, %d queue overflow, %d gone with an evicted message, %d abandoned, %d with no URL; chaos injected: %s" % (
      ms["events_scheduled"], chaos["duplicate"], ms["events_delivered"], ms["events_failed"], dropped,
      ms["queue_overflow"], ms.get("events_gone", 0), ms["events_abandoned"], ms["events_no_url"],
      ", ".join("%s %d" % kv for kv in sorted(chaos.items()))))
print("  receiver: %d events (%d duplicates), %d/%d matched, %d missing, %d orphans, %d refused as badly signed or stale, %d out of order" % (
      w["events"], dup_events, matched, expected, missing, w["orphans"], w["bad_signatures"], w["out_of_order"]))
print("  injected losses: %d events refused (of %d corrupted by chaos), %d dropped" % (refused, corrupted, dropped))
print("  lost events (not injected): %d" % lost)
if unanswered:
    fails.append("%d sends got no answer (the machine did not keep up with %d/s), so the event "
                 "accounting is not exact" % (unanswered, rate))
elif lost != 0: fails.append("%d events lost" % lost)
if refused > corrupted: fails.append("%d events refused but only %d corrupted" % (refused, corrupted))
if non_chaos_failures != 0:
    fails.append("%d failed delivery attempts were not signature/timestamp refusals" % non_chaos_failures)
if w["events"] != ms["events_delivered"]:
    fails.append("receiver saw %d deliveries, the mock counted %d" % (w["events"], ms["events_delivered"]))
if ms["queue_overflow"] or ms["events_abandoned"] or ms.get("events_gone", 0):
    fails.append("mock queue overflow %d, abandoned %d, gone with an evicted message %d" % (
        ms["queue_overflow"], ms["events_abandoned"], ms.get("events_gone", 0)))
if ms["queue_pending"] or ms["in_flight"]:
    fails.append("mock still had %d queued, %d in flight" % (ms["queue_pending"], ms["in_flight"]))
if w["registered"] != run["ok"]:
    fails.append("%d sends answered 2xx but only %d message ids registered" % (run["ok"], w["registered"]))
if w["malformed"]: fails.append("%d malformed webhooks" % w["malformed"])
warn = []
if run["unsent"] or run["errors"].get("status", 0):
    warn.append("%d sends unsent, %d answered non-2xx" % (run["unsent"], run["errors"].get("status", 0)))
if w["orphans"]: warn.append("%d events for sends whose answer the loadgen did not get" % w["orphans"])
for x in warn: print("  note: " + x)
print("verdict: " + ("PASS" if not fails else "FAIL: " + "; ".join(fails)))
sys.exit(1 if fails else 0)
EOF
