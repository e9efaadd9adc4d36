#!/bin/sh
# make bench: every benchmark prints a ratio against an anchor measured in the
# same run (machines are noisy; absolute numbers lie).
#   1. GET /api/v1/me (session, scope, JSON) against a 5 KB static file from the
#      same server: target api/static >= 0.5, p99 latency, RSS < 50 MB.  Run on
#      SQLite and on PostgreSQL, with the PostgreSQL/SQLite ratio of each figure.
#   2. Cases (see below), 3. bulk: BENCH_ROWS (1,000,000) area-scoped rows through the store layer
#      against the engine's own client library: target store/raw >= 0.5.
# Traffic goes to 127.0.0.1 only; each load run is bounded (BENCH_SECONDS, 10 s).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build/release}
bin="$PWD/$build/zhenwu"
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-32}
rows=${BENCH_ROWS:-1000000}
tmp=$(mktemp -d)
pid=""
pgdir=$(mktemp -u -d /tmp/zhenwu-bench-pg.XXXXXX)
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    wait 2>/dev/null
    sh scripts/pg-cluster.sh stop "$pgdir" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

export ZHENWU_DEMO_PASSWORD='Bench-Passw0rd!'
mkdir -p "$tmp/web"
echo '<!doctype html><title>bench</title>' > "$tmp/web/index.html"
head -c 5120 /dev/zero | tr '\0' 'x' > "$tmp/web/static-5k.txt"
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }

wrk_run() { # $1 = label, $2 = url, $3... = extra wrk args; prints "rps p99_ms non2xx"
    label=$1; url=$2; shift 2
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" "$url" > "$tmp/$label.txt"
    awk '/^Requests\/sec:/ {rps=$2}
         $1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; p99=v}
         /Non-2xx/ {bad=$4}
         END {printf "%s %s %s\n", rps, p99, bad ? bad : 0}' "$tmp/$label.txt"
}

# Foundation benchmark on one database target; sets S_RPS A_RPS RATIO A_P99 RSS_MB.
foundation() { # $1 = engine label, $2 = db target
    engine=$1
    port=$(free_port)
    "$bin" serve --db "$2" --listen "127.0.0.1:$port" --web "$tmp/web" 2> "$tmp/serve-$1.log" > /dev/null &
    pid=$!
    for i in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
    cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
        -d "{\"username\":\"leader\",\"password\":\"$ZHENWU_DEMO_PASSWORD\"}" \
        "http://127.0.0.1:$port/api/v1/session" | sed -n 's/^Set-Cookie: \(zw_session=[^;]*\).*/\1/ip')
    [ -n "$cookie" ] || { echo "bench: login failed on $engine"; exit 1; }
    set -- $(wrk_run "static-$engine" "http://127.0.0.1:$port/static-5k.txt")
    S_RPS=$1; S_P99=$2
    set -- $(wrk_run "api-$engine" "http://127.0.0.1:$port/api/v1/me" -H "Cookie: $cookie")
    A_RPS=$1; A_P99=$2; A_BAD=$3
    RSS_MB=$(awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    RATIO=$(awk -v a="$A_RPS" -v s="$S_RPS" 'BEGIN { printf "%.2f", a / s }')
    verdict=$(awk -v r="$RATIO" 'BEGIN{print (r >= 0.5) ? "ok" : "BELOW TARGET"}')
    echo "  [$engine] static 5 KB: $S_RPS req/s (p99 ${S_P99} ms); GET /api/v1/me: $A_RPS req/s (p99 ${A_P99} ms, non-2xx $A_BAD)"
    echo "  [$engine] api/static $RATIO (target >= 0.50) $verdict; server RSS $RSS_MB MB (target < 50 MB) $([ "$RSS_MB" -lt 50 ] && echo ok || echo ABOVE TARGET)"
}

echo "bench foundation ($secs s per run, $conns connections, 127.0.0.1)"
"$bin" init --db "$tmp/bench.db" --township 500236126 --demo --no-demo-cases > /dev/null 2>&1
foundation sqlite "$tmp/bench.db"
sq_api=$A_RPS; sq_static=$S_RPS; sq_p99=$A_P99

pg_base=$(PG_DURABLE=1 sh scripts/pg-cluster.sh start "$pgdir")
psql -q "$pg_base/postgres" -c 'CREATE DATABASE bench' -c 'CREATE DATABASE bulk'
"$bin" init --db "$pg_base/bench" --township 500236126 --demo --no-demo-cases > /dev/null 2>&1
foundation postgresql "$pg_base/bench"
awk -v a="$A_RPS" -v b="$sq_api" -v s="$S_RPS" -v t="$sq_static" -v p="$A_P99" -v q="$sq_p99" 'BEGIN {
    printf "  postgresql/sqlite: GET /api/v1/me throughput %.2f, p99 %.2f; static %.2f\n", a / b, p / q, s / t }'

# Cases: BENCH_CASES (100,000) seeded through the engine, then creates with 4
# concurrent writers, detail GETs and a filtered list of 25, each against the
# same server's static file in the same run.
cases_bench() { # $1 = engine label, $2 = db target
    engine=$1
    "$PWD/$build/bench/seed_cases" "$2" "$ncases" defs > /dev/null 2>&1 || { echo "bench: seeding failed"; exit 1; }
    port=$(free_port)
    "$bin" serve --db "$2" --listen "127.0.0.1:$port" --web "$tmp/web" 2> "$tmp/serve-cases-$1.log" > /dev/null &
    pid=$!
    for i in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
    login=$(curl -s -D "$tmp/h" -H 'content-type: application/json' \
        -d "{\"username\":\"staff\",\"password\":\"$ZHENWU_DEMO_PASSWORD\"}" "http://127.0.0.1:$port/api/v1/session")
    export ZW_COOKIE=$(sed -n 's/^Set-Cookie: \(zw_session=[^;]*\).*/\1/ip' "$tmp/h")
    export ZW_CSRF=$(echo "$login" | sed -n 's/.*"csrfToken":"\([^"]*\)".*/\1/p' | tail -1)
    export ZW_CASES=$ncases
    export ZW_AREA=$(curl -s -H "Cookie: $ZW_COOKIE" "http://127.0.0.1:$port/api/v1/areas?parent=2" | sed -n 's/^{"items":\[{"id":\([0-9]*\).*/\1/p')
    set -- $(wrk_run "cstatic-$engine" "http://127.0.0.1:$port/static-5k.txt"); st=$1
    wrk -t2 -c4 -d"${secs}s" -s bench/post_case.lua "http://127.0.0.1:$port/api/v1/cases" > "$tmp/create-$engine.txt"
    cr=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/create-$engine.txt")
    cerr=$(awk '/^create_errors/ {s += $2} END {print s + 0}' "$tmp/create-$engine.txt")
    set -- $(wrk_run "detail-$engine" "http://127.0.0.1:$port/" -s bench/get_case.lua); dt=$1; dp=$2
    set -- $(wrk_run "list-$engine" "http://127.0.0.1:$port/api/v1/cases?areaId=$ZW_AREA&state=registered&pageSize=25" -H "Cookie: $ZW_COOKIE"); ls=$1; lp=$2
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    awk -v e="$engine" -v st="$st" -v cr="$cr" -v ce="$cerr" -v dt="$dt" -v dp="$dp" -v ls="$ls" -v lp="$lp" 'BEGIN {
        printf "  [%s] static %.0f req/s\n", e, st
        printf "  [%s] create (4 writers): %.0f/s, %d errors, create/static %.3f (target >= 1,000/s, 0 errors) %s\n", e, cr, ce, cr / st, ((cr >= 1000 && ce == 0) ? "ok" : "BELOW TARGET")
        printf "  [%s] detail GET: %.0f/s (p99 %s ms), detail/static %.2f (target >= 10,000/s) %s\n", e, dt, dp, dt / st, (dt >= 10000 ? "ok" : "BELOW TARGET")
        printf "  [%s] list of 25 with total: %.0f/s (p99 %s ms), list/static %.2f (target >= 3,000/s) %s\n", e, ls, lp, ls / st, (ls >= 3000 ? "ok" : "BELOW TARGET") }'
}
ncases=${BENCH_CASES:-100000}
echo "bench cases ($ncases cases across the villages; $secs s per run)"
"$bin" init --db "$tmp/cases.db" --township 500236126 --demo --no-demo-cases > /dev/null 2>&1
cases_bench sqlite "$tmp/cases.db"
psql -q "$pg_base/postgres" -c 'CREATE DATABASE cases'
"$bin" init --db "$pg_base/cases" --township 500236126 --demo --no-demo-cases > /dev/null 2>&1
cases_bench postgresql "$pg_base/cases"

echo "bench bulk ($rows rows, batches of 1000, each engine against its own client library)"
"$PWD/$build/bench/bulk" "$tmp/bulk.db" "$rows" 2> /dev/null
"$PWD/$build/bench/bulk" "$pg_base/bulk" "$rows" 2> /dev/null

# Registry: BENCH_PERSONS (1,000,000) persons in BENCH_HOUSEHOLDS (300,000)
# households from CSV through `zhenwu import` (dry-run check, then commit with
# every rule: GB 11643, codes, duplicates, membership, history) against the
# same rows inserted raw with sqlite3 in the same run: target raw/import >= 0.33.
# Then a household page (GET /api/v1/households/{id}, members, guarantees,
# incomes, cases) on that database: target p99 < 20 ms, against the static file;
# and the screening pass over it: target < 2 s, against a count(*) scan.
npersons=${BENCH_PERSONS:-1000000}
nhouseholds=${BENCH_HOUSEHOLDS:-300000}
now() { date +%s.%N; }
echo "bench registry ($npersons persons in $nhouseholds households, CSV, SQLite)"
mkdir -p "$tmp/reg"
"$PWD/$build/bench/registry" gen "$tmp/reg" "$nhouseholds" "$npersons"
"$bin" init --db "$tmp/raw.db" --township 500236126 > /dev/null 2>&1
"$bin" init --db "$tmp/reg.db" --township 500236126 --demo --no-demo-cases > /dev/null 2>&1
t0=$(now)
"$PWD/$build/bench/registry" raw "$tmp/raw.db" "$tmp/reg"
t1=$(now)
"$bin" import --db "$tmp/reg.db" --kind households --file "$tmp/reg/households.csv" --commit valid > "$tmp/imp1.txt" 2>&1
"$bin" import --db "$tmp/reg.db" --kind persons --file "$tmp/reg/persons.csv" --commit valid > "$tmp/imp2.txt" 2>&1
t2=$(now)
imported=$(sqlite3 "$tmp/reg.db" "SELECT count(*) FROM persons")
awk -v r0="$t0" -v r1="$t1" -v i2="$t2" -v n="$npersons" -v got="$imported" 'BEGIN {
    raw = r1 - r0; imp = i2 - r1; ratio = raw / imp
    printf "  raw sqlite3 inserts: %.1f s; zhenwu import (check + commit): %.1f s (%.0f persons/s), %d imported\n", raw, imp, n / imp, got
    printf "  raw/import %.2f (target >= 0.33) %s\n", ratio, (ratio >= 0.33 && got == n) ? "ok" : "BELOW TARGET" }'
# The 防返贫 screening pass over that registry (two incomes a household imported first).
"$bin" import --db "$tmp/reg.db" --kind incomes --file "$tmp/reg/incomes.csv" --commit valid > "$tmp/imp3.txt" 2>&1
"$PWD/$build/bench/registry" screen "$tmp/reg.db" defs
port=$(free_port)
"$bin" serve --db "$tmp/reg.db" --listen "127.0.0.1:$port" --web "$tmp/web" 2> "$tmp/serve-reg.log" > /dev/null &
pid=$!
for i in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
curl -s -D "$tmp/h" -o /dev/null -H 'content-type: application/json' \
    -d "{\"username\":\"leader\",\"password\":\"$ZHENWU_DEMO_PASSWORD\"}" "http://127.0.0.1:$port/api/v1/session"
export ZW_COOKIE=$(sed -n 's/^Set-Cookie: \(zw_session=[^;]*\).*/\1/ip' "$tmp/h")
export ZW_HOUSEHOLDS=$nhouseholds
set -- $(wrk_run "rstatic" "http://127.0.0.1:$port/static-5k.txt"); st=$1; sp=$2
set -- $(wrk_run "household" "http://127.0.0.1:$port/" -s bench/get_household.lua); ht=$1; hp=$2; hbad=$3
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
awk -v st="$st" -v sp="$sp" -v ht="$ht" -v hp="$hp" -v bad="$hbad" 'BEGIN {
    printf "  household page: %.0f/s (p99 %s ms, non-2xx %d), static %.0f/s (p99 %s ms), page/static %.2f\n", ht, hp, bad, st, sp, ht / st
    printf "  household page p99 %s ms (target < 20 ms) %s\n", hp, (hp < 20 && bad == 0) ? "ok" : "ABOVE TARGET" }'

# Indicators: BENCH_INDICATOR_CASES (100,000) cases added to that registry, then every
# indicator of defs/indicators/ for the whole township over this year, cold against a
# count(*) of the tables they read (target <= 3x), and warm from the cache (target < 5 ms).
"$PWD/$build/bench/seed_cases" "$tmp/reg.db" "${BENCH_INDICATOR_CASES:-100000}" defs > /dev/null 2>&1
echo "bench indicators (the registry above with ${BENCH_INDICATOR_CASES:-100000} cases, SQLite)"
"$PWD/$build/bench/indicators" "$tmp/reg.db" defs "$(date +%Y)"
# The yearly work report of that township (defs/reports/yangshi-2019) to DOCX and to PDF
# through `zhenwu report`, each against the count(*) anchor of the same tables (sqlite3, same
# run): target under 5 s each.
y=$(date +%Y)
t0=$(now)
sqlite3 "$tmp/reg.db" "SELECT count(*) FROM cases; SELECT count(*) FROM case_clocks; SELECT count(*) FROM persons; SELECT count(*) FROM households; SELECT count(*) FROM household_categories; SELECT count(*) FROM payments; SELECT count(*) FROM visits; SELECT count(*) FROM assist_measures;" > /dev/null
t1=$(now)
"$bin" report --db "$tmp/reg.db" --template yangshi-2019 --year "$y" --out "$tmp/report.docx" > /dev/null 2>&1 || echo "bench: report to DOCX failed"
t2=$(now)
"$bin" report --db "$tmp/reg.db" --template yangshi-2019 --year "$y" --out "$tmp/report.pdf" > /dev/null 2>&1 || echo "bench: report to PDF failed"
t3=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
    scan = b - a; docx = c - b; pdf = d - c
    printf "  count(*) anchor %.3f s; report to DOCX %.2f s (%.0fx), to PDF %.2f s (%.0fx)\n", scan, docx, docx / scan, pdf, pdf / scan
    printf "  yearly report DOCX %.2f s, PDF %.2f s (target < 5 s each) %s\n", docx, pdf, (docx < 5 && pdf < 5) ? "ok" : "ABOVE TARGET" }'
