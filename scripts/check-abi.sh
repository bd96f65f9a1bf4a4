#!/bin/sh
# Checks the ABI of this tree against release 0.1.0 (abi/nnlite-0.1.0.abi,
# made as abi/README.md says), as docs/abi.md's policy asks:
#   1. builds the library shared in .build/abi and runs libabigail's
#      abidiff against the 0.1.0 dump with the current public headers:
#      a removed or changed function, type or enum value fails, additions
#      pass. Growth of the versioned structs that abi/nnlite.suppr lists
#      (and says why) is allowed; nothing else is suppressed;
#   2. prints the whole report between 0.1.0 and now (what was added);
#   3. checks that every NNLITE_DEPRECATED name in include/nnlite/ is a
#      real function the shared library exports (nm -D), not a macro;
#   4. proves the check can fail: copies the tree to a temporary
#      directory twice, plants breaks, builds the copies shared and
#      requires (a) a function no longer exported to be reported as
#      incompatible (abidiff's bit 8), (b) a parameter type changed, an
#      enum value renumbered and a member inserted in the middle of a
#      0.1.0 struct each to be reported, and to fail the check.
# Installs abigail-tools (and the build tools) through apt when missing,
# with sudo when not root; a failed install fails. Exits non-zero on any
# failure.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/ensure-deps.sh
missing=
command -v abidiff >/dev/null 2>&1 && command -v abidw >/dev/null 2>&1 ||
    missing=abigail-tools
if [ -n "$missing" ]; then
    . ./scripts/install-prep.sh
    { $as_root apt-get update -qq &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends $missing >&2; } || {
        echo "check-abi: apt-get could not install:$missing" >&2
        exit 1
    }
fi

dump=abi/nnlite-0.1.0.abi
suppr=abi/nnlite.suppr
echo "== ABI of $(sed -n "s/^  version: '\(.*\)',$/\1/p" meson.build)" \
    "against 0.1.0 ($dump), $(abidiff --version)"

# build_shared SRCDIR BUILDDIR: the library alone, shared, with debug
# information (abidiff reads the types from DWARF).
build_shared() {
    if [ -d "$2/meson-private" ]; then
        meson setup --reconfigure "$2" >/dev/null
    else
        meson setup "$2" "$1" -Ddefault_library=shared \
            -Dbuildtype=debugoptimized \
            -Dtests=disabled -Dexamples=false -Dbench=false >/dev/null
    fi
    meson compile -C "$2" >/dev/null
}

# check LIBRARY HEADERS REPORT: abidiff's status for LIBRARY (built from
# HEADERS) against 0.1.0 with the allowed changes suppressed and added
# functions left out; the report goes to REPORT. Status bits:
# 1 error, 2 usage error, 4 a change, 8 an incompatible change.
# Every bit fails: with additions and abi/nnlite.suppr's entries filtered,
# a change (4) is a changed function, type or enum value that a program
# built against 0.1.0 may depend on (libabigail puts a renumbered
# enumerator or a member inserted mid-struct there, not under 8).
check() {
    set +e
    abidiff --drop-private-types --headers-dir2 "$2" --suppressions "$suppr" \
        --no-added-syms "$dump" "$1" >"$3" 2>&1
    status=$?
    set -e
    return $status
}

lib=.build/abi/lib/libnnlite.so
build_shared . .build/abi
real=$(readlink -f "$lib")
soname=$(objdump -p "$real" | awk '$1 == "SONAME" {print $2}')
echo "built $real, SONAME $soname" \
    "($(nm -D --defined-only "$real" | grep -c ' T nnlite_') functions)"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0

echo "== abidiff 0.1.0 -> now, everything (additions included):"
set +e
abidiff --drop-private-types --headers-dir2 include/nnlite "$dump" "$real" \
    >"$scratch/full.txt" 2>&1
full_status=$?
set -e
cat "$scratch/full.txt"
echo "(abidiff exit status $full_status, with enum additions filtered as" \
    "harmless by libabigail's defaults)"

echo "== the check (allowed changes suppressed, additions left out):"
if check "$real" include/nnlite "$scratch/check.txt"; then
    echo "ok: nothing removed or changed since 0.1.0"
else
    status=$?
    cat "$scratch/check.txt"
    echo "FAILED: abidiff exit status $status against 0.1.0" >&2
    failed=1
fi

echo "== deprecated names are exported functions:"
# A name declared right after NNLITE_DEPRECATED(...) on an NNLITE_API line.
deprecated=$(awk '
    /^NNLITE_DEPRECATED\(/ { want = FNR + 1; file = FILENAME; next }
    FILENAME == file && FNR == want {
        if ($0 !~ /^NNLITE_API /) {
            print FILENAME ":" FNR ":not-NNLITE_API"
            next
        }
        line = $0
        sub(/\(.*/, "", line)
        n = split(line, words, /[ *]+/)
        print words[n]
    }' include/nnlite/*.h)
if [ -z "$deprecated" ]; then
    echo "FAILED: found no NNLITE_DEPRECATED declaration to check" >&2
    failed=1
fi
for name in $deprecated; do
    if nm -D --defined-only "$real" | grep -q " T $name\$"; then
        echo "ok: $name is exported"
    else
        echo "FAILED: deprecated $name is not exported by $real" >&2
        failed=1
    fi
done
if grep -n '^[[:space:]]*#[[:space:]]*define[[:space:]]*nnlite_' \
    include/nnlite/*.h; then
    echo "FAILED: a public name is a macro (above), not a function" >&2
    failed=1
fi

# plant NAME SED_SCRIPT FILE [SED_SCRIPT FILE...]: a copy of the tree in
# $scratch/NAME with each sed script applied to its file; every script
# must change its file.
plant() {
    copy=$scratch/$1
    shift
    mkdir -p "$copy"
    tar --exclude=./.build --exclude=./.git --exclude=./build -cf - . |
        tar -C "$copy" -xf -
    while [ $# -gt 1 ]; do
        sed -e "$1" "$copy/$2" >"$copy/$2.new"
        if cmp -s "$copy/$2" "$copy/$2.new"; then
            echo "FAILED: planting '$1' changed nothing in $2" >&2
            exit 1
        fi
        mv "$copy/$2.new" "$copy/$2"
        shift 2
    done
    build_shared "$copy" "$copy/.build"
}

# expect_in REPORT TEXT...: each TEXT appears in REPORT.
expect_in() {
    report=$1
    shift
    for text in "$@"; do
        if ! grep -q -- "$text" "$report"; then
            echo "FAILED: the report does not mention $text" >&2
            failed=1
        fi
    done
}

echo "== the check must fail: a planted removal"
echo "   (nnlite_layer_get_kind no longer exported)"
plant removed \
    's/^NNLITE_API \(nnlite_layer_kind nnlite_layer_get_kind(\)/\1/' \
    include/nnlite/layer.h
if check "$scratch/removed/.build/lib/libnnlite.so" \
    "$scratch/removed/include/nnlite" "$scratch/removed.txt"; then
    status=0
else
    status=$?
fi
sed 's/^/   | /' "$scratch/removed.txt"
if [ $((status & 8)) -eq 0 ]; then
    echo "FAILED: abidiff did not call the removal incompatible" \
        "(exit status $status)" >&2
    failed=1
else
    echo "ok: rejected as incompatible (abidiff exit status $status)"
fi
expect_in "$scratch/removed.txt" "Removed function" "nnlite_layer_get_kind"

# libabigail 2.2 rates these as changes (bit 4), not as incompatible
# (bit 8): that is why the check fails on bit 4 as well.
echo "== the check must fail: planted changes"
echo "   (nnlite_sgd_create's momentum float -> double; NNLITE_LOSS_MSE" \
    "2 -> 5; a member inserted in the middle of 0.1.0's" \
    "nnlite_optimizer_options)"
retype='s/float momentum/double momentum/'
plant changed \
    "/^NNLITE_API nnlite_status nnlite_sgd_create(/,/);/$retype" \
    include/nnlite/optim.h \
    "/^nnlite_status nnlite_sgd_create(/,/)\$/$retype" \
    lib/optim/optim.c \
    's/^    NNLITE_LOSS_MSE = 2,/    NNLITE_LOSS_MSE = 5,/' \
    include/nnlite/loss.h \
    's/^\(    int decoupled_weight_decay;\)/    float planted; \1/' \
    include/nnlite/optim.h
if check "$scratch/changed/.build/lib/libnnlite.so" \
    "$scratch/changed/include/nnlite" "$scratch/changed.txt"; then
    status=0
else
    status=$?
fi
sed 's/^/   | /' "$scratch/changed.txt"
if [ "$status" -eq 0 ]; then
    echo "FAILED: the planted changes passed the check" >&2
    failed=1
else
    echo "ok: rejected (abidiff exit status $status)"
fi
expect_in "$scratch/changed.txt" "nnlite_sgd_create" \
    "type name changed from 'float' to 'double'" \
    "'nnlite_loss_kind::NNLITE_LOSS_MSE' from value '2' to '5'" \
    "float planted"

if [ "$failed" -ne 0 ]; then
    echo "check-abi: FAILED" >&2
    exit 1
fi
echo "check-abi: passed"
