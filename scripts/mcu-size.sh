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
# the default build a bound a few percent above today's figures, so
# growth is a decision, not an accident.
limit_small_train=16384
limit_full=${NNLITE_MCU_LIMIT_FULL:-27000}

# Every option that differs between the builds is given each time, so a
# build directory left from an earlier run is set up as asked.
every_kind="-Dmessages=full \
-Dlayers=dense,relu,sigmoid,tanh,hard_sigmoid,leaky_relu,dropout,scaling \
-Dlosses=mae,mse,cross_entropy,huber -Doptimizers=sgd,adam"
smallest="-Dmessages=none -Dlayers=dense,relu -Dlosses=mae"
build() { # DIR BUILDTYPE OPTIONS...
    dir=$1
    buildtype=$2
    shift 2
    mkdir -p .build/mcu
    if [ -d "$dir/meson-private" ]; then
        meson setup --reconfigure "$dir" --buildtype="$buildtype" "$@" \
            >/dev/null
    else
        meson setup "$dir" --cross-file cross/cortex-m4f.ini \
            --buildtype="$buildtype" -Dbench=false "$@" >/dev/null
    fi
    meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >/dev/null
}
for opt in Os O2; do
    buildtype=minsize
    [ "$opt" = O2 ] && buildtype=release
    # Word splitting of the option lists is meant.
    # shellcheck disable=SC2086
    build ".build/mcu/size-$opt-full" "$buildtype" $every_kind
    # shellcheck disable=SC2086
    build ".build/mcu/size-$opt-adam" "$buildtype" $smallest \
        -Doptimizers=adam
    # shellcheck disable=SC2086
    build ".build/mcu/size-$opt-sgd" "$buildtype" $smallest \
        -Doptimizers=sgd -Dexamples=false
done

# nnlite's flash in a map file; stops the script when the map gives no
# figure or nnlite has static RAM.
flash() {
    figures=$(python3 tests/baremetal/flash_ram.py "$1" --total-only) || {
        echo "mcu-size: cannot read $1" >&2
        exit 1
    }
    set -- $(echo "$figures" | awk '$1 == "libnnlite.a" { print $3, $5 }')
    case "${1:-}:${2:-}" in
    *[!0-9:]* | :* | *:) echo "mcu-size: no figure for nnlite" >&2; exit 1;;
    esac
    if [ "$2" -ne 0 ]; then
        echo "mcu-size: nnlite has $2 bytes of static RAM" >&2
        exit 1
    fi
    echo "$1"
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
            bytes=$(flash "$map") || exit 1
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
