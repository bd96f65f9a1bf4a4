#!/bin/sh
# nnlite's flash on a Cortex-M4F, per program, from the linker's map
# files (tests/baremetal/flash_ram.py adds up the sections each object of
# libnnlite.a keeps after --gc-sections): inference only (load a saved
# 56 -> 16 ReLU -> 1 network and predict), training with SGD and with
# Adam (fit and evaluate) and examples/mcu. Each at -Os and -O2, in two
# builds: the default (every kind, full messages) and the smallest (only
# dense, ReLU, MAE and the program's optimizer; -Dmessages=none). nnlite
# has no static data (its RAM is the arena's, which examples/mcu prints),
# which the table checks too.
#   scripts/mcu-size.sh            the table (Markdown), as in README.md
#   scripts/mcu-size.sh --check    also fail when a figure passes its limit
# Build trees: .build/mcu/size-*. Needs arm-none-eabi-gcc
# (scripts/check-mcu.sh installs it).
set -eu
cd "$(dirname "$0")/.."

# Limits for --check, bytes of nnlite's flash at -Os: 16 KB, the goal for
# a training program in the smallest build, and for the size programs in
# the default build today's figures plus about 10%, so growth is a
# decision, not an accident.
limit_small_train=16384
limit_full=${NNLITE_MCU_LIMIT_FULL:-27000}

smallest="-Dmessages=none -Dlayers=dense,relu -Dlosses=mae"
build() { # DIR BUILDTYPE OPTIONS...
    dir=$1
    buildtype=$2
    shift 2
    if [ ! -d "$dir/meson-private" ]; then
        mkdir -p .build/mcu
        meson setup "$dir" --cross-file cross/cortex-m4f.ini \
            --buildtype="$buildtype" -Dbench=false "$@" >/dev/null
    fi
    meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >/dev/null
}
for opt in Os O2; do
    buildtype=minsize
    [ "$opt" = O2 ] && buildtype=release
    build ".build/mcu/size-$opt-full" "$buildtype"
    build ".build/mcu/size-$opt-adam" "$buildtype" $smallest \
        -Doptimizers=adam
    build ".build/mcu/size-$opt-sgd" "$buildtype" $smallest \
        -Doptimizers=sgd -Dexamples=false
done

# nnlite's flash in a map file; fails when nnlite has static RAM.
flash() {
    python3 tests/baremetal/flash_ram.py "$1" --total-only |
        awk '$1 == "libnnlite.a" {
                 if ($5 != 0) { print "static RAM " $5 > "/dev/stderr"; exit 1 }
                 print $3 }'
}

failed=0
echo "| program | -Os, every kind | -O2, every kind |" \
    "-Os, smallest | -O2, smallest |"
echo "|---|---|---|---|---|"
for program in size_infer size_train_sgd size_train_adam mcu; do
    small=adam
    limit=
    case $program in
    size_infer) label="inference only (load + predict)";;
    size_train_sgd) label="training, SGD (fit + evaluate)"; small=sgd
        limit=$limit_small_train;;
    size_train_adam) label="training, Adam (fit + evaluate)"
        limit=$limit_small_train;;
    mcu) label="examples/mcu (two models, save + load)";;
    esac
    row="| $label"
    for build in full "$small"; do
        for opt in Os O2; do
            dir=.build/mcu/size-$opt-$build
            map=$dir/tests/baremetal/$program.map
            [ "$program" = mcu ] && map=$dir/examples/mcu/mcu.map
            bytes=$(flash "$map")
            row="$row | $bytes"
            if [ "$opt" = Os ] && [ "$build" = full ] &&
                [ "$program" != mcu ] && [ "$bytes" -gt "$limit_full" ]; then
                echo "mcu-size: $program: $bytes bytes at -Os, over" \
                    "the limit of $limit_full" >&2
                failed=1
            fi
            if [ "$opt" = Os ] && [ "$build" != full ] && [ -n "$limit" ] &&
                [ "$bytes" -gt "$limit" ]; then
                echo "mcu-size: $program: $bytes bytes at -Os in the" \
                    "smallest build, over the goal of $limit" >&2
                failed=1
            fi
        done
    done
    echo "$row |"
done
if [ "${1:-}" = --check ] && [ "$failed" -ne 0 ]; then
    exit 1
fi
