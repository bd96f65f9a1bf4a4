#!/bin/sh
# Static analysis of lib/ (the library only: tests/, examples/, bench/ and
# fuzz/ are left out; they are not shipped, and the sanitizer passes of
# scripts/test.sh run them):
#   1. cppcheck with --enable=warning,performance,portability, each part of
#      lib/ on the include paths lib/meson.build gives the parts, failing
#      on any finding. Style checks are off: on lib/ they only ask to move
#      declarations into narrower scopes (the goto-fail functions declare
#      their status first on purpose) and misread `*all[i]` in a call as a
#      shadowing declaration; -Wshadow and the other compiler warnings of
#      the -Dwerror=true build already hold the style.
#   2. clang's static analyzer: `scan-build meson setup` in a fresh
#      .build/scan (so every file is compiled, hence analysed, again: an
#      up-to-date tree would analyse nothing and pass), then
#      `scan-build --status-bugs ninja`, which fails on any report. The
#      HTML reports stay in .build/scan-report.
# Suppressions are inline (`// cppcheck-suppress id`), each with its
# reason beside it; there is no suppressions file. Installs cppcheck and
# clang-tools through apt when they are missing (sudo when not root); on
# Debian (CI) a failed install fails, elsewhere the check says so and
# skips.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh

missing=
command -v cppcheck >/dev/null 2>&1 || missing="$missing cppcheck"
command -v scan-build >/dev/null 2>&1 || missing="$missing clang-tools"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then as_root=; else as_root=sudo; fi
    echo "installing:$missing" >&2
    # shellcheck disable=SC2086 # $missing is a list of packages
    { $as_root apt-get update -qq &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
            -qq --no-install-recommends $missing >&2; } || true
fi
if ! command -v cppcheck >/dev/null 2>&1 ||
    ! command -v scan-build >/dev/null 2>&1 ||
    ! command -v clang >/dev/null 2>&1; then
    if grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "static: could not install cppcheck and clang-tools" >&2
        exit 1
    fi
    echo "static: SKIPPED (cppcheck or scan-build not available here)"
    exit 0
fi

dir=.build/scan
report=.build/scan-report
rm -rf "$dir" "$report"
# CC is scan-build's wrapper (ccc-analyzer) from here on: Meson records
# it at setup. Only the library: no tests, examples, benchmark.
scan-build meson setup "$dir" -Dtests=disabled -Dexamples=false \
    -Dbench=false >/dev/null

# cppcheck needs the generated nnlite/version.h, which setup wrote.
parts="base kernels layers losses optim data model io"
includes="-Iinclude -I$dir/include"
for part in $parts; do
    includes="$includes -Ilib/$part"
done
echo "== cppcheck $(cppcheck --version | sed 's/^Cppcheck //'):" \
    "$(find lib -name '*.c' | wc -l) files of lib/" \
    "(warning, performance, portability; every #if configuration)"
# No -D: cppcheck then checks each #if configuration of a file (the x86-64,
# NEON and portable kernels), and --force checks all of them, not only
# the first 12.
# shellcheck disable=SC2086 # $includes is a list of words
cppcheck --enable=warning,performance,portability --std=c11 --force \
    --inline-suppr --error-exitcode=1 --quiet $includes lib || {
    echo "cppcheck: FINDINGS (above)" >&2
    exit 1
}
echo "cppcheck: no findings"

echo "== scan-build $(clang --version | sed -n 's/.*clang version //p'):" \
    "lib/ compiled in a fresh $dir"
# NNLITE_JOBS=1 for a shared machine; ninja's default otherwise.
scan-build --status-bugs -o "$report" \
    ninja -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >"$dir.log" 2>&1 || {
    # The reports (and any compile error), without ninja's progress.
    grep -v '^\[[0-9]*/[0-9]*\] ' "$dir.log" | tail -n 60 >&2
    echo "scan-build: FINDINGS (HTML in $report)" >&2
    exit 1
}
analysed=$(grep -c 'Compiling C object' "$dir.log" || true)
grep '^scan-build: ' "$dir.log" | grep -v 'Using' || true
echo "scan-build: $analysed files analysed, no bugs found"
