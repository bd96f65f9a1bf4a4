#!/bin/sh
# Builds nnlite and runs the main example (installs what is missing first).
# Extra arguments go to the example, e.g. scripts/run-example.sh --help
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh

dir=.build/release
if [ -d "$dir/meson-private" ]; then
    meson setup --reconfigure "$dir" --buildtype=release -Dtests=disabled \
        >/dev/null
else
    meson setup "$dir" --buildtype=release -Dtests=disabled >/dev/null
fi
meson compile -C "$dir" >/dev/null
exec "$dir/examples/quickstart/quickstart" "$@"
