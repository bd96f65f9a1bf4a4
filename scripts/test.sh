#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. installs what is missing (compiler, meson, ninja, pkg-config,
#      CMocka, valgrind) through apt;
#   2. builds with warnings as errors and runs every suite
#      (unit, abi, layout, examples);
#   3. runs the unit and example suites again under valgrind;
#   4. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs
#      every suite again;
#   5. rebuilds with ThreadSanitizer and runs the unit suite (models trained
#      from several threads at once);
#   6. runs every libFuzzer harness for about a minute (scripts/fuzz.sh;
#      installs clang when it can, says so and skips when it cannot);
#   7. with clang (when there), AddressSanitizer + UndefinedBehaviorSanitizer
#      on the unit suite again: clang's UBSan checks more than gcc's;
#   8. without the optional features (meson_options.txt): threads and file
#      I/O off, the unit suite; then -Dmessages=plain and =none with only
#      the kinds a small training program uses, the features suite (the
#      unit suite checks message texts and uses every kind);
#   9. passes 8-10: for aarch64 (NEON), 32-bit armhf and big-endian s390x, a
#      cross build with warnings as errors (cross/*.ini), and the unit and
#      examples suites under qemu-user. scripts/cross-deps.sh installs the
#      cross compiler, the target's CMocka and qemu through apt. On Debian
#      (CI) a failed install fails the run; elsewhere (Ubuntu serves
#      other architectures from another mirror) the pass says so and is
#      skipped.
#  10. then the release checks (issue 18), each in its own script:
#      check-docs.sh (the Doxygen reference, warnings as errors),
#      check-cmake.sh (a CMake project finds and links the installed
#      package, static and shared), check-abi.sh (abidiff against release
#      0.1.0, with planted breaks that must fail), check-static.sh
#      (cppcheck and scan-build over lib/), check-coverage.sh (gcovr per
#      file, with thresholds), check-mcu.sh (the Cortex-M4 build, its
#      undefined symbols, examples/mcu and the exported digits model in
#      qemu-system-arm against this machine, flash per program; installs
#      the Arm toolchain and qemu), check-mpi.sh (nnlite-mpi's tests and
#      example under mpirun at 1, 2 and 3 ranks; installs Open MPI),
#      and release-check.sh (version, CHANGES.md,
#      ABI dump and soname agree).
# Build trees go to .build/ (ignored by git).
set -eu
cd "$(dirname "$0")/.."
NNLITE_NEED_TEST_TOOLS=1
. ./scripts/ensure-deps.sh

# "== pass N: what", with the time the previous pass took, so a slow
# pass shows in CI's log.
pass_started=
pass() {
    now=$(date +%s)
    if [ -n "$pass_started" ]; then
        echo "   (took $((now - pass_started)) s)"
    fi
    pass_started=$now
    echo "== pass $*"
}

configure() {
    dir=$1
    shift
    if [ -d "$dir/meson-private" ]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
    meson compile -C "$dir"
}

run_suite() {
    configure "$@"
    meson test -C "$1" --print-errorlogs
}

pass "1: -Dwerror=true, all suites"
run_suite .build/werror -Dwerror=true -Dtests=enabled

pass "2: valgrind, unit and examples suites"
meson test -C .build/werror --setup valgrind --suite unit --suite examples \
    --print-errorlogs

pass "3: -Db_sanitize=address,undefined, all suites"
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
run_suite .build/sanitize -Dwerror=true -Dtests=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false

pass "4: -Db_sanitize=thread, unit suite"
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
export TSAN_OPTIONS
configure .build/tsan -Dwerror=true -Dtests=enabled -Dexamples=false \
    -Db_sanitize=thread
meson test -C .build/tsan --suite unit --print-errorlogs

pass "5: fuzzing"
./scripts/fuzz.sh

pass "6: clang, -Db_sanitize=address,undefined, unit suite"
if command -v clang >/dev/null 2>&1; then
    CC=clang configure .build/clang-sanitize -Dwerror=true -Dtests=enabled \
        -Dexamples=false -Dbench=false -Db_sanitize=address,undefined \
        -Db_lundef=false
    meson test -C .build/clang-sanitize --suite unit --print-errorlogs
else
    echo "clang: SKIPPED (not installed)"
fi

pass "7: -Dthreads=disabled -Dfile_io=disabled, unit suite; then" \
    "-Dmessages=plain and none, only dense, ReLU, MAE, Adam: features"
# Every kind, as by default, so a second run of this pass starts over.
configure .build/no-features -Dwerror=true -Dtests=enabled \
    -Dexamples=false -Dbench=false -Dthreads=disabled -Dfile_io=disabled \
    -Dmessages=full \
    -Dlayers=dense,relu,sigmoid,tanh,hard_sigmoid,leaky_relu,dropout,scaling \
    -Dlosses=mae,mse,cross_entropy,huber -Doptimizers=sgd,adam
meson test -C .build/no-features --suite unit --print-errorlogs
# Only test_features is rebuilt for these: it is all that runs. With
# messages=none file I/O is back on, so saving by path runs in that mode.
for setting in plain:disabled none:auto; do
    meson setup --reconfigure .build/no-features \
        -Dmessages="${setting%%:*}" -Dfile_io="${setting#*:}" \
        -Dlayers=dense,relu -Dlosses=mae -Doptimizers=adam >/dev/null
    meson compile -C .build/no-features test_features
    meson test -C .build/no-features --no-rebuild --suite features \
        --print-errorlogs
done

number=8
for target in arm64:aarch64-linux-gnu armhf:arm-linux-gnueabihf \
    s390x:s390x-linux-gnu; do
    arch=${target%%:*}
    triplet=${target#*:}
    pass "$number: $triplet, cross build, unit and examples suites in qemu"
    number=$((number + 1))
    if ./scripts/cross-deps.sh "$arch" "$triplet"; then
        configure ".build/cross-$triplet" --cross-file "cross/$triplet.ini" \
            -Dwerror=true -Dtests=enabled -Dbench=false
        # Emulation runs several times slower than the machine itself.
        meson test -C ".build/cross-$triplet" --suite unit --suite examples \
            --timeout-multiplier 4 --print-errorlogs
    elif grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "$triplet: could not install its cross tools" >&2
        exit 1
    else
        echo "$triplet: SKIPPED (could not install its cross tools here)"
    fi
done

# The release checks, each a script that installs its tool through apt
# when missing (as fuzz.sh does) and fails on Debian when it cannot.
for check in docs cmake abi static coverage mcu mpi; do
    [ -x "scripts/check-$check.sh" ] || continue
    pass "$number: scripts/check-$check.sh"
    number=$((number + 1))
    "./scripts/check-$check.sh"
done

pass "$number: scripts/release-check.sh"
./scripts/release-check.sh

echo "   (took $(($(date +%s) - pass_started)) s)"
echo "== all passes green"
