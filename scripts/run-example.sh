#!/bin/sh
# The case study in one command: installs what is missing, builds nnlite
# and its examples (release build), then runs examples/youtube_views on
# the shipped data: the simulated course channel, then a real series (the
# Wikipedia article on R, tested on 2015). The tables go to the terminal;
# the pictures (SVG, open them in a browser) and the tables as CSV go to
# case-study/simulation/ and case-study/real/.
# Extra arguments go to the example, e.g. scripts/run-example.sh --seeds 5
# (mean and spread over 5 seeds); with --csv FILE (your own channel's
# Totals.csv) only that series is studied, into case-study/.
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
study="$dir/examples/youtube_views/youtube_views"

# study OUTPUT_DIR [ARGUMENTS...]
study() {
    out=$1
    shift
    mkdir -p "$out"
    "$study" --plots "$out" --report "$out/report.csv" "$@"
    echo
    echo "pictures: $(ls "$out"/*.svg | tr '\n' ' ')"
    echo "(SVG files: open them in a web browser)"
}

case " $* " in
*" --csv "*)
    study case-study "$@"
    ;;
*)
    echo "== 1. the simulated course channel"
    study case-study/simulation "$@"
    echo
    echo "== 2. a real series: daily views of the Wikipedia article on R"
    study case-study/real --csv examples/data/wikipedia_r_views.csv \
        --test-from 2015-01-01 "$@"
    ;;
esac
