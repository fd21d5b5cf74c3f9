#!/usr/bin/env bash
# Smoke test of the image built by `make image`: it starts (as the non-root user, on the port its
# environment names), passes its healthcheck, answers a send made by the image's own telnyx-send,
# and delivers webhooks to a receiver on the host (telnyx-loadgen --webhooks, 0 missing events).
#
#   scripts/image-smoke.sh [BUILD_DIR=build] [TAG=telnyx-harness:latest]
#
# Without podman it says so and exits 0 (nothing to test on this machine). Containers run with
# runc, vfs storage, host networking and no default ulimits: the settings that work on hosts
# where crun cannot set rlimits. The mock listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
TAG="${2:-telnyx-harness:latest}"
STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"

if ! command -v podman >/dev/null 2>&1; then
  echo "SKIPPED: podman is not installed; the container smoke test did not run."
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/telnyx-smoke.XXXXXX")"
printf '[containers]\ndefault_ulimits = []\n' > "$WORK/containers.conf"
export CONTAINERS_CONF="$WORK/containers.conf"
P=(podman --storage-driver "$STORAGE_DRIVER" --runtime runc)
NAME="telnyx-smoke-$$"
cleanup() {
  "${P[@]}" rm -f -t 5 "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "image-smoke: FAIL: $*"; "${P[@]}" logs "$NAME" 2>&1 | tail -20 || true; exit 1; }

"${P[@]}" image exists "$TAG" || fail "no image $TAG (run 'make image')"

# Port 0 through the environment: the start-up line names the port the mock bound.
"${P[@]}" run -d --name "$NAME" --network host \
  -e TELNYX_MOCK_HOST=127.0.0.1 -e TELNYX_MOCK_PORT=0 -e TELNYX_MOCK_SEED=7 \
  -e TELNYX_MOCK_SCENARIO=scenarios/stall-one-in-thousand.yaml \
  --no-healthcheck "$TAG" --log-level info >/dev/null || fail "the container did not start"

url=""
for _ in $(seq 1 100); do
  url="$("${P[@]}" logs "$NAME" 2>/dev/null | sed -n 's/^telnyx-mock listening .*"url":"\([^"]*\)".*/\1/p' | head -1)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || fail "no start-up line"
echo "image-smoke: $TAG listening at $url"

user="$("${P[@]}" inspect --format '{{.Config.User}}' "$NAME")"
[ "$user" = "10001:10001" ] || fail "runs as '$user', expected 10001:10001"

# A flag from the environment, with a path inside the image.
curl -fsS "$url/_mock/scenario" | grep -q '"name":"stall-one-in-thousand"' \
  || fail "TELNYX_MOCK_SCENARIO did not load scenarios/stall-one-in-thousand.yaml"

# The healthcheck command, run inside the container against the port it really bound.
port="${url##*:}"
"${P[@]}" exec -e TELNYX_MOCK_PORT="$port" "$NAME" /usr/bin/telnyx-mockctl health >/dev/null \
  || fail "telnyx-mockctl health failed"
if "${P[@]}" exec -e TELNYX_MOCK_PORT=1 "$NAME" /usr/bin/telnyx-mockctl health >/dev/null 2>&1; then
  fail "telnyx-mockctl health passed against a port nothing listens on"
fi

# The shell the Kubernetes Jobs use, and the other programs on its PATH.
"${P[@]}" run --rm --network host --no-healthcheck --entrypoint /bin/sh "$TAG" \
  -c 'telnyx-loadgen --help >/dev/null && telnyx-send --help >/dev/null && ls scenarios/rate-limit-storm.yaml >/dev/null' \
  || fail "/bin/sh, telnyx-loadgen, telnyx-send or scenarios/ missing in the image"

# A send with the image's telnyx-send (a second container on the host network), from one of
# the tenant's numbers.
from="$(curl -fsS -H 'Authorization: Bearer KEYsmoke' "$url/v2/phone_numbers" | grep -o '"phone_number":"+[0-9]*"' | head -1 | cut -d'"' -f4)"
[ -n "$from" ] || fail "GET /v2/phone_numbers named no number"
out="$("${P[@]}" run --rm --network host --no-healthcheck --entrypoint /usr/bin/telnyx-send \
  -e TELNYX_API_KEY=KEYsmoke -e TELNYX_BASE_URL="$url/v2" "$TAG" \
  send --from "$from" --to +15005550001 --text "smoke")" || fail "telnyx-send: $out"
case "$out" in *'"ok":true'*) ;; *) fail "telnyx-send answered $out" ;; esac
echo "image-smoke: send answered: $out"

# Webhooks to a receiver on the host: telnyx-loadgen's receiver on 127.0.0.1.
"$BUILD/loadgen/telnyx-loadgen" send --url "$url" --api-key KEYsmoke --rate 20 --duration 2s \
  --webhooks --threshold 'missing==0' --threshold 'bad_signatures==0' >"$WORK/loadgen.txt" 2>&1 \
  || { cat "$WORK/loadgen.txt"; fail "webhooks did not all reach the host receiver"; }
grep -E 'missing|webhook' "$WORK/loadgen.txt" | head -5
delivered="$(curl -fsS "$url/_mock/webhooks?limit=1" | sed -n 's/.*"events_delivered":\([0-9]*\).*/\1/p')"
[ "${delivered:-0}" -gt 0 ] || fail "the mock delivered no webhook"
echo "image-smoke: PASS ($delivered webhook events delivered to the host)"
