#!/bin/sh
# Builds the API reference (-Ddocs=enabled: Doxygen over include/nnlite/*.h,
# docs/Doxyfile.in) from scratch in .build/docs and fails on any warning:
# a public function, type, struct field, enum value or macro without
# documentation fails. Then checks that
#   - the main page (docs/mainpage.md) shows model.h's own example and
#     links every header;
#   - `meson install` puts the pages under <datadir>/doc/nnlite/html;
#   - the check itself bites: a copy of the headers with one function's
#     and one enum value's documentation removed fails with both named.
# Installs doxygen through apt when it is missing (sudo when not root); on
# Debian (CI) a failed install fails, elsewhere the check says so and is
# skipped. The pages land in .build/docs/docs/html/index.html.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh

if ! command -v doxygen >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then as_root=; else as_root=sudo; fi
    echo "installing doxygen" >&2
    { $as_root apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq \
            --no-install-recommends doxygen >&2; } || true
fi
if ! command -v doxygen >/dev/null 2>&1; then
    if grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "docs: could not install doxygen" >&2
        exit 1
    fi
    echo "docs: SKIPPED: doxygen is not available" >&2
    exit 0
fi

dir=.build/docs
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== docs: doxygen $(doxygen --version), warnings as errors"
rm -rf "$dir"
meson setup "$dir" -Ddocs=enabled -Dtests=disabled -Dexamples=false \
    -Dbench=false >"$scratch/setup.log" 2>&1 || {
    cat "$scratch/setup.log" >&2
    exit 1
}
if ! meson compile -C "$dir" docs >"$scratch/build.log" 2>&1; then
    grep -v '^\[' "$scratch/build.log" >&2
    echo "docs: FAILED (documentation gaps above)" >&2
    exit 1
fi
# FAIL_ON_WARNINGS already fails the build; a warning that slipped past it
# (one doxygen prints but does not count) fails here.
if grep -E -i '(warning|error):' "$scratch/build.log" >&2; then
    echo "docs: FAILED (doxygen warned)" >&2
    exit 1
fi
html=$dir/docs/html
pages=$(ls "$html"/*.html | wc -l)
headers=$(ls "$html"/*_8h.html | wc -l)
echo "built $pages pages, $headers header pages: $html/index.html"

# The main page opens with model.h's example, line for line.
awk '/@code/ { f = 1; next } /@endcode/ { exit } f' include/nnlite/model.h |
    sed 's/^ \*   //; s/^ \*$//' >"$scratch/header-example"
awk '/^@code/ { f = 1; next } /^@endcode/ { exit } f' docs/mainpage.md \
    >"$scratch/mainpage-example"
if ! diff -u "$scratch/header-example" "$scratch/mainpage-example" >&2; then
    echo "docs: FAILED: docs/mainpage.md's example is not model.h's" >&2
    exit 1
fi
echo "main page: model.h's example ($(wc -l <"$scratch/header-example")" \
    "lines), same text"
for h in include/nnlite/*.h include/nnlite/version.h.in \
    include/nnlite/config.h.in; do
    name=$(basename "$h" .in)
    page=$(echo "$name" | sed 's/\./_8/').html
    if ! grep -q "href=\"$page\"" "$html/index.html"; then
        echo "docs: FAILED: the main page does not link $name" >&2
        exit 1
    fi
done
echo "main page: links all $(ls include/nnlite/*.h | wc -l) headers" \
    "and version.h and config.h"

# Installed only when enabled, into <datadir>/doc/nnlite/html.
meson install -C "$dir" --tags doc --no-rebuild \
    --destdir "$scratch/root" >/dev/null
installed=$(find "$scratch/root" -path '*/doc/nnlite/html/index.html')
if [ -z "$installed" ]; then
    echo "docs: FAILED: meson install did not install the pages" >&2
    exit 1
fi
echo "install: ${installed#"$scratch/root"}"

# The check bites: remove the documentation of nnlite_status_string() and
# of the enum value NNLITE_LOSS_MSE in a copy of the headers.
mkdir -p "$scratch/planted/include"
cp -r include/nnlite "$scratch/planted/include/"
cp "$dir/include/nnlite/version.h" "$dir/include/nnlite/config.h" \
    "$scratch/planted/include/nnlite/"
sed -i 's|^ \* Describe a status code in a few words\.$| *|' \
    "$scratch/planted/include/nnlite/status.h"
sed -i '/@param status any value/,/Unknown codes give/d' \
    "$scratch/planted/include/nnlite/status.h"
sed -i 's|\(NNLITE_LOSS_MSE = 2,\) *\/\*\*<.*\*\/|\1|' \
    "$scratch/planted/include/nnlite/loss.h"
src=$(pwd)
sed -e "s|$src/include|$scratch/planted/include|g" \
    -e "s|$(cd "$dir" && pwd)/include|$scratch/planted/include|g" \
    -e "s|^OUTPUT_DIRECTORY .*|OUTPUT_DIRECTORY = $scratch/planted/out|" \
    "$dir/docs/Doxyfile" >"$scratch/planted/Doxyfile"
if python3 docs/doxygen-run.py doxygen "$scratch/planted/Doxyfile" \
    "$scratch/planted/out/xml" >"$scratch/planted.log" 2>&1; then
    echo "docs: FAILED: undocumented names in a planted copy passed" >&2
    exit 1
fi
if ! grep -q 'nnlite_status_string.*is not documented' "$scratch/planted.log" ||
    ! grep -q 'enum value NNLITE_LOSS_MSE .*is not documented' \
        "$scratch/planted.log"; then
    cat "$scratch/planted.log" >&2
    echo "docs: FAILED: the planted gaps were not both reported" >&2
    exit 1
fi
echo "planted gaps fail as they should:"
grep 'is not documented' "$scratch/planted.log" | sed "s|$scratch/planted/||"
echo "docs: OK"
