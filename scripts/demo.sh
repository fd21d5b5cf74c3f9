#!/usr/bin/env bash
# `make run`: starts telnyx-mock with its embedded default configuration (open mode: any
# "Bearer KEY..." key is its own tenant), shows a short tour with curl, then keeps the mock in
# the foreground until Ctrl-C.
# Usage: scripts/demo.sh <build-dir>
set -euo pipefail
build="${1:-build}"
mock="$build/mock-server/telnyx-mock"
[ -x "$mock" ] || { echo "demo: $mock is missing; build first (make build)" >&2; exit 1; }

port=12111
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
  echo "demo: port $port is busy; starting telnyx-mock on a free port instead (--port 0)"
  port=0
fi

out=$(mktemp)
"$mock" --port "$port" >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
trap 'echo; echo "demo: stopping telnyx-mock"; exit 0' INT TERM

for _ in $(seq 1 100); do grep -q '^telnyx-mock listening' "$out" && break; sleep 0.1; done
line=$(grep '^telnyx-mock listening' "$out" || true)
[ -n "$line" ] || { echo "demo: telnyx-mock did not start" >&2; cat "$out" >&2; exit 1; }
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' <<<"$line")
echo "$line"
echo

key="KEYdemo"
pretty() { if command -v python3 >/dev/null; then python3 -m json.tool; else cat; echo; fi; }
step() { echo "---- $1"; }

step "1. Send an SMS (POST /v2/messages, any KEY... key; no 'from' = the default profile's number pool)"
echo "curl -X POST $url/v2/messages -H 'Authorization: Bearer $key' -d '{\"to\":\"+17735550188\",\"text\":\"Hello from the demo\"}'"
sent=$(curl -s -X POST "$url/v2/messages" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"to":"+17735550188","text":"Hello from the demo"}')
pretty <<<"$sent"
id=$(sed -n 's/.*"id":"\([0-9a-f-]\{36\}\)".*/\1/p' <<<"$sent" | head -1)
echo "=> HTTP 200 with Telnyx's message object: status 'queued', encoding, parts, from a number the tenant owns."
echo

step "2. Retrieve it a moment later (GET /v2/messages/$id)"
sleep 1.2
curl -s "$url/v2/messages/$id" -H "Authorization: Bearer $key" | pretty
echo "=> the built-in webhook engine moved it queued -> sent -> delivered (the Default profile has no webhook URL, so nothing was POSTed); sent_at, completed_at and cost are filled."
echo

step "3. List the tenant's messaging profiles (GET /v2/messaging_profiles)"
curl -s "$url/v2/messaging_profiles" -H "Authorization: Bearer $key" | pretty
echo "=> every new key gets a 'Default' profile (webhook_url null, whitelisted ['*']) and a few numbers."
echo

step "4. An error, Telnyx-shaped (a 'to' that is not E.164)"
curl -s -w '\nHTTP %{http_code}\n' -X POST "$url/v2/messages" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d '{"to":"+12","text":"x"}'
echo "=> code 40310 with source.pointer /to."
echo

step "5. The request journal (GET /_mock/requests?limit=4)"
curl -s "$url/_mock/requests?limit=4" | pretty
echo "=> every API request: method, path, status, API key, error code, message id."
echo

echo "telnyx-mock keeps running at $url (control API: $url/_mock/, metrics: $url/metrics). Ctrl-C to stop."
wait "$pid"
