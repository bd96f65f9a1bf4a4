#!/bin/sh
# Sourced by the other scripts: installs, through apt, whatever of the build
# and test tools a fresh Debian or Ubuntu machine lacks. Downloads nothing
# else. Uses sudo when not root. Set NNLITE_NO_INSTALL=1 to only check.
missing=
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

need_cmd cc gcc
need_cmd c++ g++
need_cmd meson meson
need_cmd ninja ninja-build
need_cmd pkg-config pkg-config
need_cmd nm binutils
if [ "${NNLITE_NEED_TEST_TOOLS:-0}" = 1 ]; then
    need_cmd valgrind valgrind
    if ! pkg-config --exists cmocka 2>/dev/null; then
        missing="$missing libcmocka-dev"
    fi
fi

if [ -n "$missing" ]; then
    . ./scripts/install-prep.sh
    $as_root apt-get update -qq &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends $missing >&2 || {
        echo "apt-get could not install:$missing" >&2
        exit 1
    }
fi
