#!/usr/bin/env bash
# (b) Realistic latency: telnyx-mock with default flags under a scenario that delays every send by
# 200 ms; telnyx-loadgen open loop at RATE/s for DURATION. Goal: >= 99 % ok and corrected p99
# <= 300 ms. Then (b2) HELD concurrent requests delayed 5 s, with telnyx-mock's peak RSS.
# Usage: [RATE=3000] [DURATION=10s] [HELD=10000] bench/transport/delay.sh
source "$(dirname "$0")/common.sh"
[ -x "$loadgen" ] || { echo "missing $loadgen" >&2; exit 1; }
rate="${RATE:-3000}" duration="${DURATION:-10s}" held="${HELD:-10000}"

cat >"$tmp/delay200.yaml" <<'YAML'
name: delay-200ms
rules:
  - { name: realistic-latency, match: { method: POST, path: /v2/messages }, delay: 200ms }
YAML
start_mock delay --scenario "$tmp/delay200.yaml"
echo "== (b) telnyx-loadgen send --rate $rate -d $duration against a 200 ms delay on every send =="
"$loadgen" send --url "$mock_url" --api-key KEYbench --rate "$rate" -d "$duration" --progress off \
  --report-json "$tmp/delay.json" | tee "$tmp/delay.txt"
python3 - "$tmp/delay.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
run = r.get("run", r)
def find(d, *keys):
    for k in keys:
        d = d.get(k, {}) if isinstance(d, dict) else {}
    return d
print("summary:", json.dumps({k: run[k] for k in run if k in ("planned", "issued", "ok", "completed", "unsent")}))
for name in ("corrected", "uncorrected"):
    h = find(run, "latency", name) or find(run, name)
    if h: print(name, json.dumps(h))
PY
kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true

cat >"$tmp/delay5s.yaml" <<'YAML'
name: delay-5s
rules:
  - { name: slow, match: { method: POST, path: /v2/messages }, delay: 5s }
YAML
start_mock held --scenario "$tmp/delay5s.yaml"
echo "== (b2) $held concurrent requests, each delayed 5 s =="
python3 - "$mock_url" "$held" "$mock_pid" <<'PY'
import selectors, socket, sys, time
url, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = url.split("//")[1].split(":")
body = b'{"to":"+17735550188","text":"held"}'
req = (b"POST /v2/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYheld\r\nContent-Type: application/json\r\n"
       b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1])
sel = selectors.DefaultSelector()
socks, t0 = [], time.time()
for i in range(n):
    s = socket.socket(); s.setblocking(False)
    try: s.connect((host, int(port)))
    except BlockingIOError: pass
    sel.register(s, selectors.EVENT_WRITE, bytearray()); socks.append(s)
ok = fail = 0; peak = rss_kb(); pending = n
deadline = t0 + 60
while pending and time.time() < deadline:
    for key, ev in sel.select(timeout=0.5):
        s, buf = key.fileobj, key.data
        if ev & selectors.EVENT_WRITE:
            try: s.send(req)
            except OSError: fail += 1; pending -= 1; sel.unregister(s); s.close(); continue
            sel.modify(s, selectors.EVENT_READ, buf); continue
        try: chunk = s.recv(65536)
        except OSError: chunk = b""
        if chunk: buf += chunk
        if not chunk or b"\r\n\r\n" in buf:
            if buf.startswith(b"HTTP/1.1 200"): ok += 1
            else: fail += 1
            pending -= 1; sel.unregister(s); s.close()
    peak = max(peak, rss_kb())
print(f"{n} requests delayed 5 s: {ok} answered 200, {fail} failed, {pending} unanswered after {time.time()-t0:.1f} s; "
      f"telnyx-mock peak RSS {peak/1024:.1f} MB")
PY
