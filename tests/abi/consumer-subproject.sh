#!/bin/sh
# Usage: consumer-subproject.sh SOURCE_DIR THIS_DIR [SANITIZE]
# Builds a throwaway Meson project that embeds nnlite as a subproject and
# finds it with dependency('nnlite'), then runs it.
set -eu
src=$1
here=$2
sanitize=${3:-none}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/subprojects/nnlite"
# Copy only the source (a build directory inside the tree must not come).
for item in meson.build meson_options.txt include lib mpi tests examples; do
    cp -R "$src/$item" "$work/subprojects/nnlite/"
done
cp "$here/consumer.c" "$work/"
cat > "$work/meson.build" <<'MESON'
project('consumer', 'c', default_options: ['c_std=c11'])
nnlite_dep = dependency('nnlite', fallback: ['nnlite', 'nnlite_dep'],
  default_options: ['tests=disabled', 'examples=false'])
exe = executable('consumer', 'consumer.c', dependencies: nnlite_dep)
test('consumer', exe)
MESON

meson setup "$work/build" "$work" -Db_sanitize="$sanitize" \
    --wrap-mode=nodownload >"$work/setup.log" 2>&1 ||
    { cat "$work/setup.log" >&2; exit 1; }
meson compile -C "$work/build" >"$work/compile.log" 2>&1 ||
    { cat "$work/compile.log" >&2; exit 1; }
"$work/build/consumer"
