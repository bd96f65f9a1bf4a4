#!/bin/sh
# Installs, through apt, what building and testing nnlite for another
# architecture needs on Debian: the cross compiler and its C library, the
# target's CMocka through multiarch (dpkg --add-architecture) and
# qemu-user to run the tests. Downloads nothing else; uses sudo when not
# root; with NNLITE_NO_INSTALL=1 it only checks. Exits 0 when all of it
# is there, 1 when it is not and cannot be installed; an architecture it
# added for the attempt is removed again, so apt is left as it was.
#   scripts/cross-deps.sh DEBIAN_ARCH TRIPLET    e.g. arm64 aarch64-linux-gnu
set -eu
if [ $# -ne 2 ]; then
    echo "usage: scripts/cross-deps.sh DEBIAN_ARCH TRIPLET" >&2
    exit 2
fi
arch=$1
triplet=$2
qemu=qemu-${triplet%%-*}

missing=
command -v "$triplet-gcc" >/dev/null 2>&1 || missing="$missing gcc-$triplet"
[ -e "/usr/$triplet/lib/crti.o" ] ||
    missing="$missing libc6-dev-$arch-cross"
[ -e "/usr/lib/$triplet/pkgconfig/cmocka.pc" ] ||
    missing="$missing libcmocka-dev:$arch"
command -v "$qemu" >/dev/null 2>&1 || missing="$missing qemu-user"
[ -z "$missing" ] && exit 0

. "$(dirname "$0")/install-prep.sh"
added=
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    $as_root dpkg --add-architecture "$arch" || exit 1
    added=$arch
fi
if $as_root apt-get update -qq >&2 &&
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends $missing >&2; then
    exit 0
fi
echo "apt-get could not install:$missing" >&2
if [ -n "$added" ]; then
    # A mirror without this architecture would fail every later update.
    $as_root dpkg --remove-architecture "$added" >&2 || true
    $as_root apt-get update -qq >&2 || true
fi
exit 1
