#!/bin/sh
# Before a release: do the version, CHANGES.md, the ABI dump and the
# soname agree? Checks, from the repository root:
#   1. meson.build's project(version:) is MAJOR.MINOR.PATCH (the one place
#      the version is written; version.h and nnlite_version_string() are
#      generated from it);
#   2. CHANGES.md's top released section, the first "## [X.Y.Z] - DATE"
#      below "## [Unreleased]", is that version, with an ISO date;
#   3. abi/ holds the dump of the ABI baseline, abi/nnlite-X.Y.Z.abi
#      (libabigail's abidw; docs/abi.md): the newest dump there must be of
#      a release of the same major version, not newer than this one, and
#      name the soname this version builds;
#   4. a shared build in .build/release-shared has the soname
#      libnnlite.so.MAJOR
#      (readelf -d), and its generated nnlite/version.h says the version.
# Prints each check; a mismatch prints what disagrees with what, the
# script goes on to the next check, and exits 1 at the end.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh

failures=0
ok() { echo "ok: $*"; }
mismatch() {
    echo "MISMATCH: $*" >&2
    failures=$((failures + 1))
}

# 1. meson.build
version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" meson.build | head -n 1)
if ! echo "$version" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+'; then
    echo "meson.build: project(version:) is '$version', not" \
        "MAJOR.MINOR.PATCH; nothing else can be checked" >&2
    exit 1
fi
major=${version%%.*}
ok "meson.build: version $version"

# 2. CHANGES.md
if ! grep -qx '## \[Unreleased\]' CHANGES.md; then
    mismatch "CHANGES.md has no '## [Unreleased]' section (Keep a Changelog)"
fi
top=$(grep -E '^## \[[0-9]+\.[0-9]+\.[0-9]+\]' CHANGES.md | head -n 1 || true)
top_version=$(echo "$top" | sed -n 's/^## \[\([^]]*\)\].*/\1/p')
if [ -z "$top_version" ]; then
    mismatch "CHANGES.md has no released section '## [X.Y.Z] - YYYY-MM-DD'"
elif [ "$top_version" != "$version" ]; then
    mismatch "CHANGES.md's top release is $top_version, but meson.build" \
        "says $version: add '## [$version] - $(date -u +%Y-%m-%d)' above" \
        "it, or correct meson.build"
elif ! echo "$top" | grep -Eqx '## \[[^]]*\] - [0-9]{4}-[0-9]{2}-[0-9]{2}'; then
    mismatch "CHANGES.md: '$top' has no date (## [$version] - YYYY-MM-DD)"
else
    ok "CHANGES.md: top release $top"
fi

# 3. The ABI baseline's dump. Newest by version (sort -V).
dump=$(ls abi/nnlite-*.*.*.abi 2>/dev/null | sort -V | tail -n 1 || true)
dump_soname=
if [ -z "$dump" ]; then
    mismatch "abi/ holds no ABI dump (abi/nnlite-X.Y.Z.abi, made by abidw" \
        "from the baseline release's shared build; docs/abi.md)"
else
    dump_version=$(basename "$dump" .abi | sed 's/^nnlite-//')
    dump_soname=$(sed -n "s/.*<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" \
        "$dump" | head -n 1)
    newest=$(printf '%s\n%s\n' "$dump_version" "$version" | sort -V |
        tail -n 1)
    if [ "${dump_version%%.*}" != "$major" ]; then
        mismatch "$dump is of $dump_version, major ${dump_version%%.*}," \
            "but this is $version, major $major: a new major needs the" \
            "dump of its own first release"
    elif [ "$newest" != "$version" ]; then
        mismatch "$dump is of $dump_version, newer than meson.build's" \
            "$version"
    elif [ -z "$dump_soname" ]; then
        mismatch "$dump names no soname (not an abidw dump of a shared" \
            "library?)"
    else
        ok "ABI baseline: $dump ($dump_version, $dump_soname)"
    fi
fi

# 4. The soname of a shared build.
# Its own directory: run-example.sh keeps a static build in .build/release.
dir=.build/release-shared
if [ -d "$dir/meson-private" ]; then
    meson setup --reconfigure "$dir" >/dev/null
else
    meson setup "$dir" -Ddefault_library=shared -Dtests=disabled \
        -Dexamples=false -Dbench=false >/dev/null
fi
meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} >/dev/null
soname=$(readelf -d "$dir/lib/libnnlite.so" |
    sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" != "libnnlite.so.$major" ]; then
    mismatch "$dir/lib/libnnlite.so has soname '$soname', but version" \
        "$version needs libnnlite.so.$major"
elif [ -n "$dump_soname" ] && [ "$dump_soname" != "$soname" ]; then
    mismatch "the build's soname is $soname, but $dump records" \
        "$dump_soname"
else
    ok "soname: $soname"
fi
header=$(sed -n 's/^#define NNLITE_VERSION_STRING "\(.*\)"$/\1/p' \
    "$dir/include/nnlite/version.h")
if [ "$header" != "$version" ]; then
    mismatch "the generated nnlite/version.h says '$header', not $version"
else
    ok "nnlite/version.h: NNLITE_VERSION_STRING \"$header\""
fi

if [ "$failures" -gt 0 ]; then
    echo "release-check: $failures mismatch(es); do not release $version" >&2
    exit 1
fi
echo "release-check: $version agrees everywhere"
