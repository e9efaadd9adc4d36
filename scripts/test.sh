#!/bin/sh
# Runs every test layer against the build in $1 (build/asan) and ends with one
# line "N passed, N failed".  Exit status is non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
build=${1:-build/asan}
out=tests/out
mkdir -p "$out"
passed=0
failed=0

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" # a cairo leak, see the file
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ZHENWU_BIN="$PWD/$build/zhenwu"
export ZHENWU_WEB="$PWD/web/dist"
unset ZHENWU_TEST_PG # the API tests run on SQLite first, then on a cluster of our own

count() { # $1 = label, $2 = passed, $3 = failed
    passed=$((passed + $2))
    failed=$((failed + $3))
    echo "== $1: $2 passed, $3 failed"
}

# 1. Style
if sh scripts/check-style.sh > "$out/style.log" 2>&1; then count style 1 0; else cat "$out/style.log"; count style 0 1; fi

# 2. Unit tests (cmocka, TAP output)
p=0; f=0
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$out/$name.log" 2>&1
    rc=$?
    tp=$(grep -c '^ok ' "$out/$name.log")
    tf=$(grep '^not ok ' "$out/$name.log" | grep -vc '# SKIP') # skipped: neither passed nor failed
    if [ "$rc" -ne 0 ] && [ "$tf" -eq 0 ]; then tf=1; fi
    [ "$tf" -gt 0 ] && cat "$out/$name.log"
    p=$((p + tp)); f=$((f + tf))
done
count unit "$p" "$f"

# 3. Fuzz corpora replayed on the sanitizer build
p=0; f=0
for t in "$build"/fuzz-replay/fuzz_*; do
    [ -x "$t" ] || continue
    if "$t" > "$out/$(basename "$t").log" 2>&1; then p=$((p + 1)); else cat "$out/$(basename "$t").log"; f=$((f + 1)); fi
done
count fuzz-replay "$p" "$f"

# 4. API and browser tests (node --test, TAP summary lines); the API tests run on
#    SQLite and then on PostgreSQL (ZHENWU_TEST_PG, see tests/lib/server.mjs)
node_layer() { # $1 = label, $2 = dir
    ls "$2"/*.test.mjs >/dev/null 2>&1 || { count "$1" 0 0; return; }
    node --test --test-reporter=tap --test-concurrency=2 "$2"/*.test.mjs > "$out/$1.log" 2>&1
    rc=$?
    tp=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/$1.log" | tail -1)
    tf=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/$1.log" | tail -1)
    tp=${tp:-0}; tf=${tf:-0}
    if [ "$rc" -ne 0 ] && [ "$tf" -eq 0 ]; then tf=1; fi
    if [ "$tf" -gt 0 ]; then grep -B2 -A30 '^not ok\|# Subtest' "$out/$1.log" | grep -v '^# Subtest' | head -200; fi
    count "$1" "$tp" "$tf"
}
node_layer api tests/api

# 5. The API and browser tests again on PostgreSQL: a throwaway cluster, stopped and removed
#    afterwards whatever happens (failures, Ctrl-C).  A cluster that cannot start
#    is a failure, not a skip.
pgdir=""
pg_stop() {
    if [ -n "$pgdir" ]; then
        sh scripts/pg-cluster.sh stop "$pgdir" > /dev/null 2>&1 || true
        pgdir=""
    fi
}
trap pg_stop EXIT
trap 'pg_stop; exit 130' INT
trap 'pg_stop; exit 143' TERM
trap 'pg_stop; exit 129' HUP
if pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zhenwu-pg.XXXXXX") &&
    pgurl=$(sh scripts/pg-cluster.sh start "$pgdir" 2> "$out/pg-cluster.log") && [ -n "$pgurl" ]; then
    export ZHENWU_TEST_PG="$pgurl"
    # Unit tests with a PostgreSQL half (skipped without a server above) run on it now.
    p=0; f=0
    for t in "$build"/tests/test_stmtcache; do
        CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$out/$(basename "$t")-pg.log" 2>&1
        rc=$?
        tp=$(grep -c '^ok ' "$out/$(basename "$t")-pg.log"); tf=$(grep '^not ok ' "$out/$(basename "$t")-pg.log" | grep -vc '# SKIP')
        if [ "$rc" -ne 0 ] && [ "$tf" -eq 0 ]; then tf=1; fi
        [ "$tf" -gt 0 ] && cat "$out/$(basename "$t")-pg.log"
        p=$((p + tp)); f=$((f + tf))
    done
    count unit-pg "$p" "$f"
    node_layer api-pg tests/api
    # The browser journeys on PostgreSQL too: the same screens must behave the same.
    node_layer e2e-pg tests/e2e
    unset ZHENWU_TEST_PG
else
    cat "$out/pg-cluster.log" 2>/dev/null
    echo "api-pg: the PostgreSQL test cluster did not start (scripts/pg-cluster.sh start); the API and browser tests did not run on PostgreSQL"
    count api-pg 0 1
fi
pg_stop

node_layer e2e tests/e2e

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
