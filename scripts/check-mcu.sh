#!/bin/sh
# The microcontroller build, checked as CI runs it:
#   1. libnnlite.a for a Cortex-M4F without an OS (cross/cortex-m4f.ini:
#      threads and file I/O off), warnings as errors, and its undefined
#      symbols against what a bare-metal C library gives
#      (tests/baremetal/undefined_symbols.py); then again with
#      -Dmessages=plain, which must drop vsnprintf;
#   2. examples/mcu on the emulated mps2-an386 board (qemu-system-arm,
#      semihosting, with a timeout) and on this machine: both must end
#      with the same `mcu: test_mae X` line, bit for bit (the example
#      uses the portable kernels);
#   3. the digits classifier exported as plain C (tests/export) on the
#      board and here: the same accuracy;
#   4. the flash figures of scripts/mcu-size.sh, checked against its
#      limits, and examples/mcu again in its smallest build (-Os, no
#      message text, only the kinds the example uses): the same MAE.
# Installs gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm
# through apt when missing (sudo when not root). On Debian (CI) a failed
# install fails the check; elsewhere it says so and skips.
set -eu
cd "$(dirname "$0")/.."
NNLITE_NEED_TEST_TOOLS=1 # CMocka: the host build makes tests/export
. ./scripts/ensure-deps.sh

missing=
command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
    missing="$missing gcc-arm-none-eabi"
[ -d /usr/lib/arm-none-eabi/newlib ] ||
    missing="$missing libnewlib-arm-none-eabi"
command -v qemu-system-arm >/dev/null 2>&1 ||
    missing="$missing qemu-system-arm"
if [ -n "$missing" ]; then
    if (. ./scripts/install-prep.sh &&
        $as_root apt-get update -qq >&2 &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
            -qq --no-install-recommends $missing >&2); then
        :
    elif grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "check-mcu: could not install:$missing" >&2
        exit 1
    else
        echo "check-mcu: SKIPPED (could not install:$missing)"
        exit 0
    fi
fi
echo "check-mcu: $(arm-none-eabi-gcc --version | head -n 1);" \
    "$(qemu-system-arm --version | head -n 1)"

setup() {
    dir=$1
    shift
    if [ -d "$dir/meson-private" ]; then
        meson setup --reconfigure "$dir" "$@" >"$dir.setup.log" 2>&1
    else
        mkdir -p "$(dirname "$dir")"
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1
    fi || { cat "$dir.setup.log" >&2; exit 1; }
    meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >/dev/null
}

# Fails the check, with the log when one is named: fail WHY [LOG].
fail() {
    [ -z "${2:-}" ] || cat "$2" >&2
    echo "check-mcu: FAILED: $1" >&2
    exit 1
}

# The last `mcu: test_mae X ram_bytes N needed_bytes M` line of a log,
# checked for its numbers.
mcu_line() {
    line=$(grep '^mcu: test_mae ' "$1" | tail -n 1) || true
    echo "$line" | awk '$3 ~ /^[0-9.e+-]+$/ && $5 ~ /^[0-9]+$/ &&
        $7 ~ /^[0-9]+$/ { found = 1; print } END { exit !found }' ||
        fail "no mcu line with its figures in $1" "$1"
}

# Runs a build's mcu suite, quietly unless it fails; its log stays in
# DIR/meson-logs/testlog.txt.
run_mcu_suite() {
    if ! meson test -C "$1" --suite mcu >"$1.test.log" 2>&1; then
        cat "$1.test.log" "$1/meson-logs/testlog.txt" >&2
        echo "check-mcu: FAILED: the mcu suite of $1" >&2
        exit 1
    fi
}

echo "== Cortex-M4F, bare metal: build, undefined symbols, examples/mcu"
m4=.build/mcu/cortex-m4f
setup "$m4" --cross-file cross/cortex-m4f.ini -Dwerror=true -Dbench=false \
    -Dmessages=full
run_mcu_suite "$m4"
log=$m4/meson-logs/testlog.txt
grep -E '^(memory|strings|maths|formatting|compiler run-time):|symbols, ' \
    "$log" || fail "no list of undefined symbols" "$log"
grep -E '^(linear|56 ->|arena|saved|mcu:)' "$log" ||
    fail "no output of examples/mcu" "$log"
m4_line=$(mcu_line "$m4/meson-logs/testlog.txt")

echo "== the same with -Dmessages=plain: no vsnprintf"
m4_plain=.build/mcu/cortex-m4f-plain
setup "$m4_plain" --cross-file cross/cortex-m4f.ini -Dwerror=true \
    -Dbench=false -Dexamples=false -Dmessages=plain
# Its undefined_symbols test rejects vsnprintf in such a build.
run_mcu_suite "$m4_plain"
echo "undefined symbols: all allowed, without vsnprintf"

echo "== examples/mcu on this machine"
host=.build/mcu/host
# Only the two programs used here are built.
if [ -d "$host/meson-private" ]; then
    meson setup --reconfigure "$host" >"$host.setup.log" 2>&1
else
    meson setup "$host" -Dwerror=true -Dtests=enabled -Dbench=false \
        >"$host.setup.log" 2>&1
fi || fail "host setup" "$host.setup.log"
meson compile -C "$host" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} mcu \
    export_digits >/dev/null
"$host/examples/mcu/mcu" >.build/mcu/host-mcu.log 2>&1 ||
    fail "examples/mcu on this machine" .build/mcu/host-mcu.log
host_line=$(mcu_line .build/mcu/host-mcu.log)
echo "Cortex-M4: $m4_line"
echo "this host: $host_line"
m4_mae=$(echo "$m4_line" | awk '{ print $3 }')
host_mae=$(echo "$host_line" | awk '{ print $3 }')
if [ "$m4_mae" != "$host_mae" ]; then
    fail "the test MAEs differ"
fi
echo "test MAE: the same on both, to 9 significant digits (the same float)"
# The issue's goal: the network trains and evaluates in 24 KB of heap on
# the Cortex-M4, and the model said beforehand exactly how much.
m4_ram=$(echo "$m4_line" | awk '{ print $5 }')
m4_needed=$(echo "$m4_line" | awk '{ print $7 }')
if [ "$m4_ram" -gt 24576 ] || [ "$m4_ram" -ne "$m4_needed" ]; then
    echo "check-mcu: FAILED: the Cortex-M4 used $m4_ram bytes of arena" \
        "(at most 24576, and $m4_needed as the model said)" >&2
    exit 1
fi
echo "Cortex-M4 arena: $m4_ram bytes, as the model said, within 24576"

echo "== the digits classifier exported as C (nnlite_model_export_c)," \
    "on the Cortex-M4"
# The host build generated the model's C file and the test set
# (tests/export); the board's startup files make them a program. qemu
# writes the program's semihosting output to its stderr.
generated=$host/tests/export
board=cross/mps2-an386
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 \
    -mfloat-abi=hard -std=c99 -O2 -Wall -Wextra -Werror -ffunction-sections \
    -fdata-sections --specs=nano.specs --specs=nosys.specs -nostartfiles \
    -Wl,--gc-sections -Wl,-u,_printf_float -T "$board/mps2-an386.ld" \
    -I"$generated" tests/export/digits_driver.c "$generated/digits_model.c" \
    "$generated/digits_test_set.c" "$board/startup.c" \
    "$board/semihosting.c" -lm -o .build/mcu/digits.elf
timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native \
    -kernel .build/mcu/digits.elf >.build/mcu/digits-m4.log 2>&1 ||
    fail "the exported digits model on the Cortex-M4" .build/mcu/digits-m4.log
"$generated/export_digits" >.build/mcu/digits-host.log 2>&1 ||
    fail "the exported digits model here" .build/mcu/digits-host.log
for side in m4 host; do
    # Every test digit's logits as nnlite's, bit for bit, and the accuracy.
    grep -Eq '^logits: ([0-9]+) of \1 rows' ".build/mcu/digits-$side.log" ||
        fail "digits ($side): logits not all as nnlite's" \
            ".build/mcu/digits-$side.log"
done
m4_digits=$(grep '^accuracy ' .build/mcu/digits-m4.log) || true
host_digits=$(grep '^accuracy ' .build/mcu/digits-host.log) || true
echo "Cortex-M4: $m4_digits"
echo "this host: $host_digits"
if [ -z "$m4_digits" ] || [ "$m4_digits" != "$host_digits" ]; then
    fail "the exported digits model's accuracy differs"
fi

./scripts/mcu-size.sh --check

echo "== examples/mcu in the smallest build (-Os, -Dmessages=none, only"
echo "   dense, ReLU, MAE and Adam)"
small=.build/mcu/size-Os-adam
run_mcu_suite "$small"
small_line=$(mcu_line "$small/meson-logs/testlog.txt")
echo "$small_line"
if [ "$(echo "$small_line" | awk '{ print $3 }')" != "$host_mae" ]; then
    echo "check-mcu: FAILED: the smallest build's test MAE differs" >&2
    exit 1
fi
echo "check-mcu: OK"
