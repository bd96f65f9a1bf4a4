#!/bin/sh
# Usage: consumer-installed.sh BUILD_DIR THIS_DIR [SANITIZE]
# Installs the build into a scratch DESTDIR, then compiles consumer.c the
# way a user would: cc consumer.c $(pkg-config --cflags --libs --static nnlite)
set -eu
build=$1
here=$2
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
    "$here/consumer.c" $(pkg-config --cflags --libs --static nnlite)
# In a shared build the staged libnnlite.so is not on the loader's path.
libdir=$(dirname "$pcfile")/..
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$stage/consumer"
