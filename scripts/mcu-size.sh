#!/bin/sh
# nnlite's flash and RAM on a Cortex-M4F, per program, from the linker's
# map files (tests/baremetal/flash_ram.py adds up the sections each object
# of libnnlite.a keeps after --gc-sections): inference only (load a saved
# 56 -> 16 ReLU -> 1 network and predict), training with SGD and with
# Adam (fit and evaluate), and examples/mcu, each built at -Os and -O2
# (.build/mcu/size-Os, .build/mcu/size-O2). RAM here is static data only;
# the heap is the arena's, which examples/mcu prints.
#   scripts/mcu-size.sh            the table (Markdown), as in README.md
#   scripts/mcu-size.sh --check    also fail when a figure passes its limit
# Needs arm-none-eabi-gcc (scripts/check-mcu.sh installs it).
set -eu
cd "$(dirname "$0")/.."

# Limits for --check, bytes of nnlite's flash at -Os: today's figures
# plus about 5%, so growth is a decision, not an accident.
limit_infer=${NNLITE_MCU_LIMIT_INFER:-27000}
limit_train=${NNLITE_MCU_LIMIT_TRAIN:-27500}

for opt in Os O2; do
    dir=.build/mcu/size-$opt
    buildtype=minsize
    [ "$opt" = O2 ] && buildtype=release
    if [ -d "$dir/meson-private" ]; then
        meson setup --reconfigure "$dir" >/dev/null 2>&1
    else
        mkdir -p .build/mcu
        meson setup "$dir" --cross-file cross/cortex-m4f.ini \
            --buildtype="$buildtype" -Dbench=false >/dev/null
    fi
    meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >/dev/null
done

# "flash ram" of nnlite, or of the whole program with `whole`.
figures() {
    python3 tests/baremetal/flash_ram.py "$1" --total-only |
        awk -v what="${2:-libnnlite.a}" '
            what == "whole" && /^whole program/ { print $4, $6 }
            what != "whole" && $1 == what { print $3, $5 }'
}

echo "| program (nnlite's share; whole program) | -Os flash | -Os RAM |" \
    "-O2 flash | -O2 RAM |"
echo "|---|---|---|---|---|"
failed=0
for program in size_infer size_train_sgd size_train_adam mcu; do
    case $program in
    size_infer) label="inference only (load + predict)"; limit=$limit_infer;;
    size_train_sgd) label="training, SGD (fit + evaluate)"; limit=$limit_train;;
    size_train_adam) label="training, Adam (fit + evaluate)"; limit=$limit_train;;
    mcu) label="examples/mcu (both models, save + load)"; limit=;;
    esac
    row="| $label"
    for opt in Os O2; do
        map=.build/mcu/size-$opt/tests/baremetal/$program.map
        [ "$program" = mcu ] && map=.build/mcu/size-$opt/examples/mcu/mcu.map
        set -- $(figures "$map")
        set -- "$@" $(figures "$map" whole)
        row="$row | $1 ($3) | $2 ($4)"
        if [ "$opt" = Os ] && [ -n "$limit" ] && [ "$1" -gt "$limit" ]; then
            echo "mcu-size: $program: $1 bytes of flash at -Os, over" \
                "the limit of $limit" >&2
            failed=1
        fi
    done
    echo "$row |"
done
if [ "${1:-}" = --check ] && [ "$failed" -ne 0 ]; then
    exit 1
fi
