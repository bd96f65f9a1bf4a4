#!/bin/sh
# Shows that scripts/release-check.sh passes on the committed tree and
# fails, naming the mismatch, on test copies that disagree:
#   a. HEAD as it is: passes;
#   b. meson.build says 0.3.1 (or the next patch), CHANGES.md does not:
#      fails on CHANGES.md;
#   c. version 1.0.0 in meson.build and in CHANGES.md, no new dump: fails
#      on the ABI dump (of major 0) and on the soname (libnnlite.so.1).
# Each copy is `git archive HEAD` in a scratch directory, with its own
# .build/release. If HEAD has no abi/nnlite-*.abi yet, each copy gets a
# stand-in, abidw's dump of HEAD's own shared build named as the 0.1.0
# baseline, so that case a can pass (abidw: Debian's abigail-tools).
set -eu
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

copy() {
    mkdir "$scratch/$1"
    git archive HEAD | tar -x -C "$scratch/$1"
    if ! ls "$scratch/$1"/abi/nnlite-*.abi >/dev/null 2>&1; then
        mkdir -p "$scratch/$1/abi"
        cp "$scratch/stand-in.abi" "$scratch/$1/abi/nnlite-0.1.0.abi"
    fi
}

# expect NAME pass|fail [TEXT]: run the copy's check; a failure must
# print TEXT.
expect() {
    if (cd "$scratch/$1" && ./scripts/release-check.sh) \
        >"$scratch/$1.log" 2>&1; then
        got=pass
    else
        got=fail
    fi
    sed 's/^/    /' "$scratch/$1.log"
    if [ "$got" != "$2" ]; then
        echo "FAILED: copy $1 should $2 the check, but it did $got" >&2
        failures=$((failures + 1))
    elif [ "$2" = fail ] && ! grep -qF "$3" "$scratch/$1.log"; then
        echo "FAILED: copy $1 failed without saying '$3'" >&2
        failures=$((failures + 1))
    else
        echo "as expected: copy $1: the check says $2"
    fi
}

if ! ls abi/nnlite-*.abi >/dev/null 2>&1; then
    echo "HEAD has no abi/nnlite-*.abi: copies get a stand-in from abidw"
    mkdir "$scratch/base"
    git archive HEAD | tar -x -C "$scratch/base"
    (cd "$scratch/base" && meson setup .build/release \
        -Ddefault_library=shared -Dtests=disabled -Dexamples=false \
        -Dbench=false >/dev/null &&
        meson compile -C .build/release ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} \
            >/dev/null)
    abidw --out-file "$scratch/stand-in.abi" \
        "$scratch/base/.build/release/lib/libnnlite.so"
    rm -rf "$scratch/base"
fi

version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" meson.build | head -n 1)
next=${version%.*}.$((${version##*.} + 1))

echo "== a. HEAD ($version)"
copy a
expect a pass

echo "== b. meson.build says $next, CHANGES.md $version"
copy b
sed -i "s/^\( *version: *'\)$version'/\1$next'/" "$scratch/b/meson.build"
expect b fail "CHANGES.md's top release is $version, but meson.build says"

echo "== c. 1.0.0 in meson.build and CHANGES.md, the dump still of 0.x"
copy c
sed -i "s/^\( *version: *'\)$version'/\11.0.0'/" "$scratch/c/meson.build"
sed -i "s/^## \[$version\]/## [1.0.0]/" "$scratch/c/CHANGES.md"
expect c fail "major 1: a new major needs the dump of its own first"
grep -qF "libnnlite.so.0" "$scratch/c.log" || {
    echo "FAILED: copy c did not name the dump's soname" >&2
    failures=$((failures + 1))
}

if [ "$failures" -gt 0 ]; then
    exit 1
fi
echo "release-check: passes on HEAD, fails on each planted mismatch"
