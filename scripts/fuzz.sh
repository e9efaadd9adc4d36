#!/bin/sh
# Builds every libFuzzer target in tests/fuzz/ with clang (fuzzer, ASan, UBSan)
# and runs each for $1 seconds (default 60) on a copy of its seed corpus, so
# that inputs libFuzzer finds do not land in the repository.  Crashes, leaks,
# timeouts and out-of-memory inputs are written to tests/fuzz/crashes/ as
# <target>-crash-<sha1> etc.; the script exits non-zero if any target failed.
# Run from anywhere; paths are relative to the repository root.
set -eu

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
    echo "usage: $0 [seconds-per-target]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

CC=${FUZZ_CC:-clang}
out=build/fuzz
crashes=tests/fuzz/crashes
mkdir -p "$out" "$crashes"

# The sources each target needs besides itself (not the whole library: the
# targets must build while other parts of the tree are incomplete).
sources_for() {
    case $1 in
    fuzz_router) echo "src/http/router.c" ;;
    fuzz_csv) echo "src/base/csv.c" ;;
    fuzz_sheet_csv | fuzz_sheet_xlsx) echo "src/base/sheet.c src/base/sheet_csv.c src/base/sheet_xlsx.c src/base/sheet_xlsx_parts.c src/base/buf.c src/base/error.c src/base/log.c src/base/mask.c" ;;
    fuzz_casedef) echo "src/domain/casedef.c src/domain/roles_builtin.c src/base/arena.c src/base/buf.c src/base/error.c src/base/log.c src/base/jsonx.c src/base/calendar.c src/base/mask.c" ;;
    fuzz_json) echo "src/base/jsonx.c src/base/calendar.c src/base/arena.c src/base/error.c src/base/log.c" ;;
    fuzz_template) echo "src/domain/doc_template.c src/domain/casedef.c src/domain/roles_builtin.c src/base/arena.c src/base/buf.c src/base/error.c src/base/log.c src/base/jsonx.c src/base/calendar.c src/base/mask.c" ;;
    # the indicator parser checks definitions against the store's catalogue: the whole
    # domain and store, with the migrations embedded (generated below)
    fuzz_indicators) echo "src/base/*.c src/store/*.c src/domain/*.c src/http/webhook.c $out/migrations.c" ;;
    fuzz_portal) echo "src/domain/portal_input.c src/domain/services.c src/domain/casedef.c src/domain/roles_builtin.c src/base/*.c src/http/form.c" ;;
    *) echo "src/base/*.c src/http/router.c" ;;
    esac
}

flags="-std=c11 -D_GNU_SOURCE -Isrc -Isrc/base -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
pkgs=$(pkg-config --cflags --libs jansson libsodium libxml-2.0 libzip expat)
# fuzz_indicators links the store and the domain: every library of the Makefile's PKGS
pkgs_all=$(pkg-config --cflags --libs libmicrohttpd jansson libsodium sqlite3 libpq libmagic xlsxwriter pangocairo libxml-2.0 libcurl fontconfig libzip expat)
sh scripts/embed-sql.sh sql > "$out/migrations.c"

status=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    echo "== $name: build"
    # shellcheck disable=SC2046,SC2086
    libs=$pkgs
    [ "$name" = fuzz_indicators ] && libs="$pkgs_all -lpthread"
    if ! $CC $flags -o "$out/$name" "$src" $(sources_for "$name") $libs -lm; then
        echo "== $name: build failed" >&2
        status=1
        continue
    fi

    work="$out/corpus/$name"
    rm -rf "$work"
    mkdir -p "$work"
    if [ -d "tests/fuzz/corpus/$name" ]; then
        cp -R "tests/fuzz/corpus/$name/." "$work/"
    fi

    echo "== $name: fuzz for ${secs}s"
    before=$(ls "$crashes" | grep -c "^$name-" || true)
    if ! "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/$name-" "$work" \
        >"$out/$name.log" 2>&1; then
        echo "== $name: FAILED (log: $out/$name.log)" >&2
        grep -E 'ERROR|runtime error|Test unit written' "$out/$name.log" | head -20 >&2 || true
        status=1
    fi
    after=$(ls "$crashes" | grep -c "^$name-" || true)
    if [ "$after" -gt "$before" ]; then
        echo "== $name: $((after - before)) new artifact(s) in $crashes/" >&2
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$out/$name.log" | sed "s/^/   /" || true
done

if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED; reproduce with build/fuzz/<target> $crashes/<file>" >&2
else
    echo "fuzz: all targets ran ${secs}s without a crash"
fi
exit "$status"
