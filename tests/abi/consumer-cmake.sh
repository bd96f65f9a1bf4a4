#!/bin/sh
# Usage: consumer-cmake.sh BUILD_DIR SOURCE_DIR [SANITIZE]
# Installs the build into a scratch DESTDIR and builds the CMake project
# tests/abi/cmake-consumer against it, as a user would:
#   cmake -S tests/abi/cmake-consumer -B <dir> -DCMAKE_PREFIX_PATH=<prefix>
# then runs it (a model trained one step, version macros against the
# library), checks it linked the library the build installs (static: the
# archive, nothing at run time; shared: libnnlite.so.<major>), and checks
# that the package refuses a newer minor or major version than its own.
# Without cmake it is skipped (exit 77); scripts/check-cmake.sh installs it.
set -eu
build=$1
src=$2
sanitize=${3:-none}

if ! command -v cmake >/dev/null 2>&1; then
    echo "consumer-cmake: SKIPPED: cmake is not installed" \
        "(scripts/check-cmake.sh installs it)"
    exit 77
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --no-rebuild --quiet

config=$(find "$stage" -name nnliteConfig.cmake | head -n 1)
version_file=$(dirname "${config:-.}")/nnliteConfigVersion.cmake
if [ -z "$config" ] || [ ! -f "$version_file" ]; then
    echo "nnliteConfig.cmake or nnliteConfigVersion.cmake was not" \
        "installed (was cmake missing when $build was set up?" \
        "meson setup --reconfigure $build)" >&2
    exit 1
fi

# The build's prefix, library kind and version, from Meson itself.
prefix=''
kind=''
version=''
eval "$(meson introspect "$build" --buildoptions --projectinfo |
    python3 -c '
import json, shlex, sys
info = json.load(sys.stdin)
values = {o["name"]: o["value"] for o in info["buildoptions"]}
print("prefix=%s" % shlex.quote(values["prefix"]))
print("kind=%s" % values["default_library"])
print("version=%s" % info["projectinfo"]["version"])
')"
if [ -z "$prefix" ] || [ -z "$kind" ] || [ -z "$version" ]; then
    echo "meson introspect gave no prefix, library kind or version" >&2
    exit 1
fi
prefix=$stage$prefix
echo "installed $(echo "$config" | sed "s|^$stage||") ($kind, $version)"

generator=
if command -v ninja >/dev/null 2>&1; then
    generator="-G Ninja"
fi
# A sanitized build's archive needs the sanitizer runtime at link time.
flags=
if [ "$sanitize" != none ] && [ -n "$sanitize" ]; then
    flags="-fsanitize=$sanitize"
fi

# (Flags only when there are some: an empty CMAKE_C_FLAGS would hide
# the user's CFLAGS.)
# shellcheck disable=SC2086
configure() {
    if [ -n "$flags" ]; then
        set -- -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" "$@"
    fi
    cmake -S "$src/tests/abi/cmake-consumer" $generator \
        -DCMAKE_PREFIX_PATH="$prefix" "$@"
}

configure -B "$stage/cmake-build" >"$stage/configure.log" 2>&1 || {
    cat "$stage/configure.log" >&2
    echo "cmake could not configure the consumer against $prefix" >&2
    exit 1
}
found=$(sed -n 's/^-- nnlite .*: //p' "$stage/configure.log")
case $found in
    "$prefix"/*) echo "find_package(nnlite) found $found" ;;
    *) echo "find_package(nnlite) found '$found', not the staged" \
           "install under $prefix" >&2
       exit 1 ;;
esac
cmake --build "$stage/cmake-build" >"$stage/build.log" 2>&1 || {
    cat "$stage/build.log" >&2
    echo "the CMake consumer does not build" >&2
    exit 1
}
program=$stage/cmake-build/cmake_consumer
"$program"

# What the program needs at run time: a static build links the archive
# into it; a shared one must load libnnlite.so.<major>.
if command -v readelf >/dev/null 2>&1; then
    needed=$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
        grep '^libnnlite' || true)
    if [ "$kind" = static ]; then
        expected=
    else
        expected=libnnlite.so.${version%%.*}
    fi
    if [ "$needed" != "$expected" ]; then
        echo "a $kind build's consumer needs '$needed' at run time," \
            "expected '$expected'" >&2
        exit 1
    fi
    echo "links the $kind library (needs: ${needed:-no libnnlite})"
fi

# nnliteConfigVersion.cmake must refuse what this version cannot give.
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
for wanted in "$major.$((minor + 1))" "$((major + 1)).0"; do
    if configure -B "$stage/cmake-refuse" -DNNLITE_WANTED="$wanted" \
        >"$stage/refuse.log" 2>&1; then
        echo "find_package(nnlite $wanted) accepted $version" >&2
        exit 1
    fi
    grep -q "nnliteConfig.cmake, version: $version" "$stage/refuse.log" || {
        cat "$stage/refuse.log" >&2
        echo "find_package(nnlite $wanted) failed for another reason" >&2
        exit 1
    }
    echo "find_package(nnlite $wanted) refused, as it must ($version)"
    rm -rf "$stage/cmake-refuse"
done
