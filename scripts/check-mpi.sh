#!/bin/sh
# nnlite-mpi, checked as CI runs it: builds with Open MPI (-Dmpi=enabled,
# warnings as errors) in .build/mpi, compiles only what the `mpi` suite
# runs, and runs that suite: tests/mpi/ (collectives, the data-parallel
# fit) and examples/distributed, each under mpirun --oversubscribe at 1, 2
# and 3 ranks, plus the example's equivalence with one process at twice
# the batch. CI runs as root, which Open MPI refuses unless told; the
# suite's tests set OMPI_ALLOW_RUN_AS_ROOT and _CONFIRM for their own runs
# only (mpi/meson.build). Every run has a time limit (meson test's, and
# this script's), so a hang fails instead of blocking CI.
# Installs openmpi-bin and libopenmpi-dev through apt when they are
# missing (sudo when not root). On Debian (CI) a failed install fails the
# check; elsewhere it says so and skips. NNLITE_JOBS sets -j.
set -eu
cd "$(dirname "$0")/.."
NNLITE_NEED_TEST_TOOLS=1
. ./scripts/ensure-deps.sh

have_mpi() {
    command -v mpicc >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1
}

if ! have_mpi; then
    if [ "$(id -u)" -eq 0 ]; then as_root=; else as_root=sudo; fi
    echo "installing Open MPI (openmpi-bin, libopenmpi-dev)" >&2
    { $as_root apt-get update -qq &&
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends openmpi-bin libopenmpi-dev >&2; } ||
        true
fi
if ! have_mpi; then
    if grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
        echo "check-mpi: could not install Open MPI" >&2
        exit 1
    fi
    echo "check-mpi: SKIPPED (could not install Open MPI here)"
    exit 0
fi
echo "check-mpi: $(mpirun --version 2>/dev/null | head -n 1)"

started=$(date +%s)
dir=.build/mpi
if [ -d "$dir/meson-private" ]; then
    meson setup --reconfigure "$dir" -Dmpi=enabled >"$dir.setup.log" 2>&1
else
    mkdir -p .build
    meson setup "$dir" -Dwerror=true -Dmpi=enabled -Dtests=enabled \
        -Dexamples=true -Dbench=false >"$dir.setup.log" 2>&1
fi || { cat "$dir.setup.log" >&2; exit 1; }
meson compile -C "$dir" ${NNLITE_JOBS:+-j "$NNLITE_JOBS"} \
    mpi/nnlite-mpi examples/distributed/distributed \
    tests/mpi/test_mpi_comm tests/mpi/test_mpi_fit \
    >"$dir.compile.log" 2>&1 || { cat "$dir.compile.log" >&2; exit 1; }
timeout 900 meson test -C "$dir" --no-rebuild --suite mpi \
    --print-errorlogs
echo "check-mpi: the mpi suite passes at 1, 2 and 3 ranks" \
    "($(($(date +%s) - started)) s)"
