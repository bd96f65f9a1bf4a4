#!/bin/sh
# The CMake package, checked as CI runs it: builds nnlite static and
# shared (.build/cmake/static, .build/cmake/shared; the library only) and,
# for each, runs tests/abi/consumer-cmake.sh: install into a scratch
# DESTDIR, `cmake -S tests/abi/cmake-consumer -DCMAKE_PREFIX_PATH=<prefix>`,
# build, run (a model trained one step, version macros against the
# library), the kind of library linked, and the versions the package must
# refuse. The abi suite runs the same test on whatever build it is in, and
# skips it without cmake; here cmake is required.
# Installs cmake through apt when it is missing (sudo when not root). On
# Debian (CI) a failed install fails the check; elsewhere it says so and
# skips. NNLITE_JOBS sets meson compile's -j (default: Meson's).
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh

if ! command -v cmake >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then as_root=; else as_root=sudo; fi
    echo "installing cmake" >&2
    { $as_root apt-get update -qq &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends cmake >&2; } || true
fi
if ! command -v cmake >/dev/null 2>&1; then
    if grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "check-cmake: could not install cmake" >&2
        exit 1
    fi
    echo "check-cmake: SKIPPED (could not install cmake here)"
    exit 0
fi
echo "check-cmake: $(cmake --version | head -n 1)"

for kind in static shared; do
    dir=.build/cmake/$kind
    echo "== nnlite $kind (-Ddefault_library=$kind) through find_package"
    if [ -d "$dir/meson-private" ]; then
        # Again, so a build set up before cmake was there installs the
        # package now.
        meson setup --reconfigure "$dir" >"$dir.setup.log" 2>&1
    else
        mkdir -p .build/cmake
        meson setup "$dir" -Dwerror=true -Ddefault_library="$kind" \
            -Dtests=disabled -Dexamples=false -Dbench=false \
            >"$dir.setup.log" 2>&1
    fi || { cat "$dir.setup.log" >&2; exit 1; }
    meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} \
        >"$dir.compile.log" 2>&1 || { cat "$dir.compile.log" >&2; exit 1; }
    # 77 (skipped) cannot happen with cmake there, and would fail here.
    sh tests/abi/consumer-cmake.sh "$dir" . none
done
echo "check-cmake: the CMake package works, static and shared"
