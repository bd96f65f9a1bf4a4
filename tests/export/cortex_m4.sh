#!/bin/sh
# Compiles exported models (and the digits driver, with its test set) for
# a Cortex-M4 with its single-precision FPU, as issue 14 asks, with
# warnings as errors, at -Os and -O2, and prints their sizes (text: the
# code and the constant arrays, which go to flash).
#   cortex_m4.sh GCC SIZE FILE.c...
# Each file's folder is on the include path (the driver's header is
# generated). An empty GCC (arm-none-eabi-gcc was not found at setup)
# skips the test (exit 77) with a message saying so.
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
includes=
for file in "$@"; do
    includes="$includes -I$(dirname "$file")"
done
for opt in -Os -O2; do
    for file in "$@"; do
        object="$dir/$(basename "$file" .c)$opt.o"
        # $includes is split on purpose: one word per folder.
        # shellcheck disable=SC2086
        "$gcc" -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard \
            -std=c99 -pedantic -Wall -Wextra -Werror "$opt" $includes \
            -c "$file" -o "$object" || exit 1
    done
done
"$gcc" --version | head -n 1
"$size" "$dir"/*.o
