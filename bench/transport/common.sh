# Helpers shared by the bench/transport scripts (sourced). Servers listen on 127.0.0.1 only and
# are stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BUILD:-$root/build}"
mock="$build/mock-server/telnyx-mock"
loadgen="$build/loadgen/telnyx-loadgen"
[ -x "$mock" ] || { echo "missing $mock: build telnyx-mock first" >&2; exit 1; }
# Thousands of connections on both sides need descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

pids=()
tmp=$(mktemp -d)
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_mock <name> [flags...]: starts telnyx-mock on a free port; sets mock_pid and mock_url.
start_mock() {
  local name="$1"; shift
  "$mock" --port 0 --log-level info "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  mock_pid=$!
  pids+=("$mock_pid")
  for _ in $(seq 1 100); do grep -q listening "$tmp/$name.out" && break; sleep 0.1; done
  mock_url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$tmp/$name.out")
  [ -n "$mock_url" ] || { echo "telnyx-mock did not start: $(cat "$tmp/$name.err")" >&2; exit 1; }
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
