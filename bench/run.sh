#!/bin/sh
# make bench: throughput of an authenticated API call against a static file
# served by the same server in the same run, printed as a ratio (machines are
# noisy; absolute numbers lie).  Targets: API >= 0.5 x static; RSS < 50 MB.
# Traffic goes to 127.0.0.1 only and each run is bounded (BENCH_SECONDS, 10 s).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build/release}
bin="$PWD/$build/zhenwu"
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-32}
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

export ZHENWU_DEMO_PASSWORD='Bench-Passw0rd!'
"$bin" init --db "$tmp/bench.db" --township 500236126 --demo > /dev/null
mkdir -p "$tmp/web"
echo '<!doctype html><title>bench</title>' > "$tmp/web/index.html"
head -c 5120 /dev/zero | tr '\0' 'x' > "$tmp/web/static-5k.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18181)
"$bin" serve --db "$tmp/bench.db" --listen "127.0.0.1:$port" --web "$tmp/web" 2> "$tmp/serve.log" > /dev/null &
pid=$!
for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
    -d "{\"username\":\"leader\",\"password\":\"$ZHENWU_DEMO_PASSWORD\"}" \
    "http://127.0.0.1:$port/api/v1/session" | sed -n 's/^Set-Cookie: \(zw_session=[^;]*\).*/\1/ip')
[ -n "$cookie" ] || { echo "bench: login failed"; exit 1; }
curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/me" > /dev/null

run() { # $1 = label, $2 = path, $3... = extra wrk args; prints "rps p99"
    label=$1; path=$2; shift 2
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" "http://127.0.0.1:$port$path" > "$tmp/$label.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$label.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/$label.txt")
    non2xx=$(awk '/Non-2xx/ {print $4}' "$tmp/$label.txt")
    echo "$rps $p99 ${non2xx:-0}"
}
set -- $(run static /static-5k.txt)
s_rps=$1; s_p99=$2
set -- $(run api /api/v1/me -H "Cookie: $cookie")
a_rps=$1; a_p99=$2; a_bad=$3
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
ratio=$(awk -v a="$a_rps" -v s="$s_rps" 'BEGIN { printf "%.2f", a / s }')
echo "bench foundation ($secs s each, $conns connections, 127.0.0.1)"
echo "  static 5 KB file      : $s_rps req/s, p99 $s_p99"
echo "  GET /api/v1/me (auth) : $a_rps req/s, p99 $a_p99, non-2xx $a_bad"
echo "  ratio api/static      : $ratio (target >= 0.50) $(awk -v r="$ratio" 'BEGIN{print (r >= 0.5) ? "ok" : "BELOW TARGET"}')"
echo "  server RSS after runs : $((rss_kb / 1024)) MB (target < 50 MB) $([ "$rss_kb" -lt 51200 ] && echo ok || echo ABOVE TARGET)"
