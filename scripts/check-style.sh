#!/bin/sh
# make check-style: clang-format conformance and the banned-function rule.
# Prints "check-style: N passed, N failed" style counts for scripts/test.sh.
set -u
cd "$(dirname "$0")/.."
# Tracked and new (untracked, not ignored) files alike: a file is checked before it is added.
files=$(git ls-files --cached --others --exclude-standard 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/fuzz/*.c' 2>/dev/null)
[ -n "$files" ] || files=$(find src tests/unit tests/fuzz -name '*.[ch]')
fail=0
pass=0
for f in $files; do
    [ -f "$f" ] || continue
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "check-style: $f is not clang-formatted (run: clang-format -i $f)"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
    case "$f" in
        *.c)
            if ! grep -q '#include "banned.h"' "$f"; then
                echo "check-style: $f does not include banned.h"
                fail=$((fail + 1))
            fi
            ;;
    esac
done
# SQL lives only in src/store/.
if grep -lE '"(SELECT|INSERT|UPDATE|DELETE) ' src/api src/domain src/http src/cli src/base -r 2>/dev/null | grep -q .; then
    echo "check-style: SQL text outside src/store/:"
    grep -lE '"(SELECT|INSERT|UPDATE|DELETE) ' src/api src/domain src/http src/cli src/base -r
    fail=$((fail + 1))
fi
echo "check-style: $pass files formatted, $fail problems"
[ "$fail" -eq 0 ]
