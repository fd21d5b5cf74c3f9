#!/usr/bin/env bash
# (d) SIGTERM under load: telnyx-mock (default flags) with a 5 s delay on every send, telnyx-loadgen
# open loop at RATE/s (its 1,000 connections all waiting on delayed sends), 1,000 trickling connections and
# 1,000 hung requests (fault: timeout); SIGTERM after 4 s; time until the process has exited and
# whether the shutdown report was printed. Goal: within 2 s.
# Usage: [RATE=2000] bench/transport/sigterm.sh
source "$(dirname "$0")/common.sh"
cat >"$tmp/load.yaml" <<'YAML'
name: sigterm-under-load
faults: { timeout_cap: 600s }
rules:
  - { name: hang, match: { path: /v2/hang }, fault: timeout }
  - { name: slow, match: { method: POST, path: /v2/messages }, delay: 5s }
YAML
start_mock sig --scenario "$tmp/load.yaml"
"$loadgen" send --url "$mock_url" --api-key KEYsig --rate "${RATE:-2000}" -d 20s --progress off >/dev/null 2>&1 &
pids+=($!)
python3 - "$mock_url" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].split("//")[1].split(":")
held = []
for i in range(1000):
    s = socket.create_connection((host, int(port))); s.send(b"POST /v2/messages HTTP/1.1\r\nHost: x\r\n"); held.append(s)
for i in range(1000):
    s = socket.create_connection((host, int(port)))
    s.send(b"POST /v2/hang HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"); held.append(s)
for _ in range(30):
    for s in held[:1000]:
        try: s.send(b"X")
        except OSError: pass
    time.sleep(0.5)
PY
pids+=($!)
sleep 4
in_flight=$(curl -s "$mock_url/_mock/report" | python3 -c 'import json,sys; print(json.load(sys.stdin)["faults"]["parked_now"])' || echo "?")
start=$(date +%s.%N)
kill -TERM "$mock_pid"
wait "$mock_pid" && rc=0 || rc=$?
end=$(date +%s.%N)
echo "hung requests parked at SIGTERM: $in_flight; exit code $rc after $(echo "($end - $start) * 1000" | bc | cut -d. -f1) ms"
echo "stderr after the signal:"; sed -n '/signal/,$p' "$tmp/sig.err"
