#!/bin/sh
# Usage: consumer-installed.sh BUILD_DIR SOURCE_DIR [SANITIZE]
# Installs the build into a scratch DESTDIR, then compiles programs the way
# a user would, against the installed files only:
#   tests/abi/consumer.c with $(pkg-config --cflags --libs --static nnlite)
#   each example with the README's $(pkg-config --cflags --libs nnlite)
set -eu
build=$1
src=$2
sanitize=${3:-none}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --no-rebuild --quiet

pcfile=$(find "$stage" -name nnlite.pc | head -n 1)
[ -n "$pcfile" ] || { echo "nnlite.pc was not installed" >&2; exit 1; }
PKG_CONFIG_PATH=$(dirname "$pcfile")
PKG_CONFIG_SYSROOT_DIR=$stage
PKG_CONFIG_LIBDIR=$PKG_CONFIG_PATH
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# Every header the umbrella includes must be installed.
# (pkg-config prefixes the sysroot to variables in some versions only.)
incdir=$(pkg-config --variable=includedir nnlite)
case $incdir in "$stage"*) ;; *) incdir=$stage$incdir ;; esac
for h in $(sed -n 's/^#include "nnlite\/\(.*\)"/\1/p' \
        "$incdir/nnlite/nnlite.h") nnlite.h; do
    [ -f "$incdir/nnlite/$h" ] || {
        echo "missing installed header nnlite/$h" >&2; exit 1; }
done

# A sanitized build's archive needs the sanitizer runtime at link time.
extra=
if [ "$sanitize" != none ] && [ -n "$sanitize" ]; then
    extra="-fsanitize=$sanitize"
fi

cc=${CC:-cc}
# shellcheck disable=SC2046,SC2086
$cc -std=c11 -Wall -Wextra -Werror $extra -o "$stage/consumer" \
    "$src/tests/abi/consumer.c" $(pkg-config --cflags --libs --static nnlite)

# Every example, as examples/README.md tells users to build it: its own
# folder's .c files, plus the shared helpers it uses (the plotting helper,
# the daily-views CSV reader).
for dir in "$src"/examples/*/; do
    name=$(basename "$dir")
    [ "$name" = common ] || [ "$name" = data ] && continue
    if [ "$name" = mcu ]; then
        # Its data header first, from the CSV, as examples/README.md shows.
        # shellcheck disable=SC2046,SC2086
        { $cc -std=c11 -o "$stage/embed_views" "$dir/embed_views.c" &&
            "$stage/embed_views" "$src/examples/data/channel_views.csv" \
                2020-01-01 2021-01-01 56 "$stage/views_data.h" &&
            $cc -std=c11 -Wall -Wextra -Werror $extra -I"$stage" \
                -o "$stage/mcu" "$dir/mcu.c" \
                $(pkg-config --cflags --libs nnlite); } ||
            { echo "example mcu does not build out of tree" >&2; exit 1; }
        echo "example mcu builds out of tree"
        continue
    fi
    if [ ! -f "$dir/$name.c" ]; then
        # A folder of one-file programs (tabular/): each is copied alone,
        # so each must build alone with exactly the documented command.
        for program in "$dir"/*.c; do
            base=$(basename "$program" .c)
            # shellcheck disable=SC2046,SC2086
            $cc -std=c11 -Wall -Wextra -Werror $extra \
                -o "$stage/$name-$base" "$program" \
                $(pkg-config --cflags --libs nnlite) ||
                { echo "example $name/$base does not build out of tree" >&2
                  exit 1; }
            echo "example $name/$base builds out of tree"
        done
        continue
    fi
    if grep -q '<nnlite/mpi.h>' "$dir"/*.c; then
        # nnlite-mpi is installed only by a build that found MPI, and the
        # README builds its example with MPI's compiler wrapper; its .pc
        # names the MPI package, found where the system keeps it.
        if [ -z "$(find "$stage" -name nnlite-mpi.pc)" ] ||
            ! command -v mpicc >/dev/null 2>&1; then
            echo "example $name skipped: no nnlite-mpi or mpicc here"
            continue
        fi
        system_pc=$(pkg-config --variable=pc_path pkg-config 2>/dev/null ||
            true)
        flags=$(PKG_CONFIG_LIBDIR="$PKG_CONFIG_LIBDIR:$system_pc" \
            pkg-config --cflags --libs nnlite-mpi)
        # shellcheck disable=SC2086
        OMPI_CC=$cc mpicc -std=c11 -Wall -Wextra -Werror $extra \
            -o "$stage/$name" "$dir"/*.c $flags ||
            { echo "example $name does not build out of tree" >&2; exit 1; }
        echo "example $name builds out of tree"
        continue
    fi
    common=
    if grep -q '"svg_plot.h"' "$dir"/*.c; then
        common="$src/examples/common/svg_plot.c"
    fi
    if grep -q '"views_csv.h"' "$dir"/*.c; then
        for reader in views_csv csv_line dates; do
            common="$common $src/examples/common/$reader.c"
        done
    fi
    [ -z "$common" ] || common="-I$src/examples/common $common"
    # An example that calls libm itself links it itself; the others use
    # exactly the documented command.
    libm=
    if grep -q '<math.h>' "$dir"/*.c; then
        libm=-lm
    fi
    # shellcheck disable=SC2046,SC2086
    $cc -std=c11 -Wall -Wextra -Werror $extra -o "$stage/$name" \
        "$dir"/*.c $common $(pkg-config --cflags --libs nnlite) $libm ||
        { echo "example $name does not build out of tree" >&2; exit 1; }
    echo "example $name builds out of tree"
done
# In a shared build the staged libnnlite.so is not on the loader's path.
libdir=$(dirname "$pcfile")/..
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$stage/consumer"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$stage/quickstart"
