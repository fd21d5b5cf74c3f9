#!/usr/bin/env bash
# Hostile input against a running telnyx-mock (default flags, open mode, 127.0.0.1): each input
# class of the hostile-input review is sent while a legitimate tenant keeps sending and reading
# its first message, and the mock's RSS is sampled every 10 ms. Prints one table row per class:
# how the mock answered the hostile input, its peak RSS, and the legitimate requests' latency,
# against the limits (RSS below 1 GB, every legitimate request answered right within 250 ms).
# Bounded: about a minute; exits 1 when a class misses a limit.
# Usage: [BUILD=build] bench/hostile/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BUILD:-$root/build}"
mock="$build/mock-server/telnyx-mock"
[ -x "$mock" ] || { echo "missing $mock: build telnyx-mock first" >&2; exit 1; }

tmp=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$mock" --host 127.0.0.1 --port 0 --quiet >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do grep -qs listening "$tmp/mock.out" && break; sleep 0.1; done
mock_url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$tmp/mock.out")
[ -n "$mock_url" ] || { echo "telnyx-mock did not start: $(cat "$tmp/mock.err")" >&2; exit 1; }
echo "telnyx-mock $mock_url (pid $mock_pid, tree $(git -C "$root" rev-parse --short HEAD))"

status=0
timeout 150 python3 "$here/hostile.py" "$mock_url" "$mock_pid" "$root/fixtures/fuzz" || status=$?
kill -0 "$mock_pid" 2>/dev/null || { echo "telnyx-mock died: $(tail -3 "$tmp/mock.err")"; status=1; }
exit "$status"
