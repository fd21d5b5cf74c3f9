#!/usr/bin/env bash
# (a) POST /v2/messages throughput: telnyx-mock (default flags: webhook engine, journal, verdicts,
# validation, state) vs a bare cpp-httplib handler vs nginx returning the same body, same wrk
# command, same run, alternating servers round by round; medians and ratios. Also the event-loop
# server alone with a fixed answer (bench_bare_loop): the transport's ceiling.
# Usage: [ROUNDS=3] [DURATION=8s] [CONNS=32] [WRK_THREADS=2] bench/transport/throughput.sh
source "$(dirname "$0")/common.sh"
bare="$build/bench/mock/bench_bare_httplib"
loop="$build/bench/transport/bench_bare_loop"
for b in "$bare" "$loop"; do [ -x "$b" ] || { echo "missing $b" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is not installed" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
rounds="${ROUNDS:-3}" duration="${DURATION:-8s}" conns="${CONNS:-32}" wthreads="${WRK_THREADS:-2}"
lua="$root/bench/mock/post_message.lua"

start_mock mock
body=$(curl -s -X POST "$mock_url/v2/messages" -H 'Authorization: Bearer KEYbench' \
  -H 'Content-Type: application/json' -d '{"to":"+17735550188","text":"Your code is 4821"}')
size=${#body}

bare_port=$(free_port)
"$bare" "$bare_port" "$size" $((conns + 8)) >/dev/null &
pids+=($!)

loop_port=$(free_port)
"$loop" "$loop_port" "$size" >/dev/null &
pids+=($!)

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
# The same JSON body, fixed: nginx's ceiling for this answer on this machine.
escaped=${body//\\/\\\\}
escaped=${escaped//\'/\\\'}
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '$escaped'; }
  }
}
CONF
"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/start.err" &
pids+=($!)
for u in "http://127.0.0.1:$bare_port" "http://127.0.0.1:$nginx_port" "http://127.0.0.1:$loop_port"; do
  for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "$u/v2/messages" && break; sleep 0.1; done
done
nginx_size=$(curl -s -o /dev/null -w '%{size_download}' -X POST "http://127.0.0.1:$nginx_port/v2/messages")
bare_size=$(curl -s -o /dev/null -w '%{size_download}' -X POST -d '{}' "http://127.0.0.1:$bare_port/v2/messages")

log="$tmp/wrk.log"
run() { wrk -t"$wthreads" -c"$conns" -d"$duration" -s "$lua" "$1" | tee -a "$log" | awk '/^Requests\/sec/ {print $2}'; }
echo "== warm-up (5s each) ==" >&2
for u in "$mock_url" "http://127.0.0.1:$bare_port" "http://127.0.0.1:$nginx_port" "http://127.0.0.1:$loop_port"; do
  wrk -t"$wthreads" -c"$conns" -d5s -s "$lua" "$u" >/dev/null
done
m_all=(); b_all=(); n_all=(); l_all=()
for r in $(seq 1 "$rounds"); do
  b=$(run "http://127.0.0.1:$bare_port"); m=$(run "$mock_url"); n=$(run "http://127.0.0.1:$nginx_port")
  l=$(run "http://127.0.0.1:$loop_port")
  echo "round $r: bare $b, telnyx-mock $m, nginx $n, bare event loop $l req/s" >&2
  b_all+=("$b"); m_all+=("$m"); n_all+=("$n"); l_all+=("$l")
done
bm=$(printf '%s\n' "${b_all[@]}" | median); mm=$(printf '%s\n' "${m_all[@]}" | median); nm=$(printf '%s\n' "${n_all[@]}" | median)
lm=$(printf '%s\n' "${l_all[@]}" | median)
non200=$(grep -h "non-200" "$log" | awk '{s+=$3} END {print s+0}')
echo "POST /v2/messages, wrk -t$wthreads -c$conns -d$duration, keep-alive, bodies: mock $size, bare $bare_size, nginx $nginx_size bytes; medians of $rounds rounds"
echo "bare cpp-httplib $bm req/s, telnyx-mock $mm req/s, nginx $nm req/s, bare event loop $lm req/s"
awk -v m="$mm" -v b="$bm" -v n="$nm" -v l="$lm" 'BEGIN {printf "telnyx-mock / bare = %.2fx, telnyx-mock / nginx = %.2fx; bare event loop / bare = %.2fx, / nginx = %.2fx\n", m/b, m/n, l/b, l/n}'
echo "non-200 answers over all runs: $non200"
