#!/bin/sh
# Line and branch coverage of lib/ by the unit suite (docs/coverage.md).
# Builds with -Db_coverage=true in .build/coverage, runs the unit suite
# (not the examples: they train for long on the public API and would
# only hide which lines the tests themselves reach), prints gcovr's
# per-file tables of lines and branches, and fails when
#   - lines over lib/ fall below MIN_LINES percent,
#   - branches over lib/ fall below MIN_BRANCHES percent,
#   - branches of any file in lib/io/ (the code that reads and writes
#     model bytes) fall below MIN_IO_BRANCHES percent.
# Installs gcovr (and CMocka) through apt when missing, with sudo when not
# root; on Debian (CI) a failed install fails, elsewhere the check says so
# and is skipped. Run from anywhere in a clone. NNLITE_JOBS=N limits the
# build and the tests to N jobs at once.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh

# Floors: what the suite reaches today (gcc 12, gcovr 5.2), rounded down;
# branches leave 0.2 points for the thread pool, whose counts vary from
# run to run (docs/coverage.md).
MIN_LINES=99.0
MIN_BRANCHES=93.5
MIN_IO_BRANCHES=92.0

missing=
command -v gcovr >/dev/null 2>&1 || missing="$missing gcovr"
pkg-config --exists cmocka 2>/dev/null || missing="$missing libcmocka-dev"
if [ -n "$missing" ]; then
    if ( . ./scripts/install-prep.sh &&
        $as_root apt-get update -qq &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends $missing >&2 ); then
        :
    elif grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "coverage: could not install:$missing" >&2
        exit 1
    else
        echo "coverage: SKIPPED (could not install:$missing)"
        exit 0
    fi
fi
echo "coverage: $(gcovr --version | head -1), $(gcov --version | head -1)"

dir=.build/coverage
if [ -d "$dir/meson-private" ]; then
    meson setup --reconfigure "$dir" >/dev/null
else
    meson setup "$dir" -Db_coverage=true -Dtests=enabled -Dexamples=false \
        -Dbench=false -Dfuzzing=false >/dev/null
fi
meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >/dev/null
# Counters add up across runs: start from zero.
find "$dir" -name '*.gcda' -exec rm -f {} +
meson test -C "$dir" --suite unit --timeout-multiplier 4 --print-errorlogs \
    ${NNLITE_JOBS:+--num-processes "$NNLITE_JOBS"} \
    >"$dir/coverage-tests.log" 2>&1 || {
    cat "$dir/coverage-tests.log" >&2
    echo "coverage: the unit suite failed" >&2
    exit 1
}
grep -E '^(Ok|Fail):' "$dir/coverage-tests.log"

# gcovr prints text by default; --txt exists only from 5.0 on, so the
# default is used and the search path passed last.
lines=$dir/coverage-lines.txt
branches=$dir/coverage-branches.txt
gcovr -r . --filter 'lib/' "$dir" >"$lines"
gcovr -r . --filter 'lib/' --branches "$dir" >"$branches"
cat "$lines" "$branches"

# Totals and per-file figures from the counts themselves (columns 2 and 3
# of the tables), not the rounded percentages.
status=0
check() { # what, table, file pattern, floor
    awk -v what="$1" -v pat="$3" -v floor="$4" '
        $1 ~ pat && NF >= 4 && $2 ~ /^[0-9]+$/ {
            if ($2 == 0) next
            pct = 100.0 * $3 / $2
            ok = pct + 1e-9 >= floor
            printf "coverage: %-28s %6.2f%% (floor %s%%) %s\n",
                what " " $1, pct, floor, ok ? "ok" : "BELOW"
            if (!ok) bad = 1
            seen = 1
        }
        END { exit (bad || !seen) ? 1 : 0 }' "$2" || status=1
}
check lines "$lines" '^TOTAL$' "$MIN_LINES"
check branches "$branches" '^TOTAL$' "$MIN_BRANCHES"
check branches "$branches" '^lib/io/' "$MIN_IO_BRANCHES"
if [ "$status" -ne 0 ]; then
    echo "coverage: BELOW the floor (see docs/coverage.md)" >&2
fi
exit $status
