#!/bin/sh
# Compiles exported models for a Cortex-M4 with its single-precision FPU,
# as issue 14 asks, with warnings as errors, and prints their sizes
# (text: code and constants, the flash they take).
#   cortex_m4.sh GCC SIZE FILE.c...
# An empty GCC (arm-none-eabi-gcc was not found at setup) skips the test
# (exit 77) with a message saying so.
gcc=$1
size=$2
shift 2
if [ -z "$gcc" ] || [ -z "$size" ]; then
    echo "SKIP: arm-none-eabi-gcc or arm-none-eabi-size not found at setup" \
        "(Debian: apt-get install gcc-arm-none-eabi)"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
for opt in -Os -O2; do
    for file in "$@"; do
        object="$dir/$(basename "$file" .c)$opt.o"
        "$gcc" -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard \
            -std=c99 -pedantic -Wall -Wextra -Werror "$opt" \
            -c "$file" -o "$object" || exit 1
    done
done
"$gcc" --version | head -n 1
"$size" "$dir"/*.o
