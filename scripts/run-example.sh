#!/bin/sh
# The case study in one command: installs what is missing, builds nnlite
# and its examples (release build), then runs examples/youtube_views on the
# shipped data. The table goes to the terminal; the pictures (SVG, open
# them in a browser) and the table as CSV go to case-study/.
# Extra arguments go to the example, e.g. scripts/run-example.sh --quick
# or scripts/run-example.sh --csv Totals.csv (your own channel's export).
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

out=case-study
mkdir -p "$out"
"$dir/examples/youtube_views/youtube_views" --plots "$out" \
    --report "$out/report.csv" "$@"
echo
echo "pictures: $(ls "$out"/*.svg | tr '\n' ' ')"
echo "(SVG files: open them in a web browser)"
