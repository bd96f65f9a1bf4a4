#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. installs what is missing (compiler, meson, ninja, pkg-config,
#      CMocka, valgrind) through apt;
#   2. builds with warnings as errors and runs every suite
#      (unit, abi, examples);
#   3. runs the unit and example suites again under valgrind;
#   4. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs
#      every suite again.
# Build trees go to .build/ (ignored by git).
set -eu
cd "$(dirname "$0")/.."
NNLITE_NEED_TEST_TOOLS=1
. ./scripts/ensure-deps.sh

run_suite() {
    dir=$1
    shift
    if [ -d "$dir/meson-private" ]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
    meson compile -C "$dir"
    meson test -C "$dir" --print-errorlogs
}

echo "== pass 1: -Dwerror=true, all suites"
run_suite .build/werror -Dwerror=true -Dtests=enabled

echo "== pass 2: valgrind, unit and examples suites"
meson test -C .build/werror --setup valgrind --suite unit --suite examples \
    --print-errorlogs

echo "== pass 3: -Db_sanitize=address,undefined, all suites"
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
run_suite .build/sanitize -Dwerror=true -Dtests=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false

echo "== all passes green"
