# Helpers shared by the bench/transport scripts (sourced). Servers listen on 127.0.0.1 only and
# are stopped on exit.
fail_status=1   # read by bench/lib.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
here="$bench_root/bench/transport"
root="$bench_root"
build="${BUILD:-$root/build}"
mock="$build/mock-server/telnyx-mock"
loadgen="$build/loadgen/telnyx-loadgen"
[ -x "$mock" ] || die "missing $mock: build telnyx-mock first"
# Thousands of connections on both sides need descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d)
cleanup() { stop_started; rm -rf "$tmp"; }
trap cleanup EXIT

# start_mock <name> [flags...]: starts telnyx-mock on a free port; sets mock_pid and mock_url.
start_mock() {
  local name="$1"; shift
  launch_mock "$tmp/$name.out" "$tmp/$name.err" --log-level info "$@"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
