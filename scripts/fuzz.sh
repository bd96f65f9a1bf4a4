#!/bin/sh
# Runs every libFuzzer harness in fuzz/ for a bounded time (FUZZ_SECONDS,
# default 60 each) under AddressSanitizer and UndefinedBehaviorSanitizer.
# Installs clang and its fuzzer runtime through apt when they are missing
# (as scripts/test.sh does for the rest); skips, saying so, when it cannot.
# New inputs go to a scratch corpus; the committed seeds stay as they are.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}

runtime_present() {
    command -v clang >/dev/null 2>&1 &&
        clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null |
        grep -q / &&
        [ -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]
}

if ! runtime_present; then
    if [ "$(id -u)" -eq 0 ]; then as_root=; else as_root=sudo; fi
    echo "installing clang and its fuzzer runtime" >&2
    { $as_root apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq \
            --no-install-recommends clang libclang-rt-14-dev >&2; } ||
        true
fi
if ! runtime_present; then
    echo "fuzz: SKIPPED: clang's libFuzzer runtime is not available" >&2
    exit 0
fi

dir=.build/fuzz
if [ -d "$dir/meson-private" ]; then
    meson setup --reconfigure "$dir" >/dev/null
else
    CC=clang meson setup "$dir" -Dfuzzing=true -Dtests=disabled \
        -Dexamples=false -Dbench=false -Db_sanitize=address,undefined \
        -Db_lundef=false >/dev/null
fi
meson compile -C "$dir" >/dev/null

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for harness in "$dir"/fuzz/fuzz_*; do
    [ -f "$harness" ] && [ -x "$harness" ] || continue
    name=$(basename "$harness")
    seeds=fuzz/corpus/${name#fuzz_}
    mkdir -p "$scratch/$name"
    echo "== $name: ${seconds}s from $(ls "$seeds" | wc -l) seeds"
    if "$harness" "$scratch/$name" "$seeds" -max_total_time="$seconds" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$scratch/" >"$scratch/$name.log" 2>&1; then
        grep -E "^stat::number_of_executed_units|^Done" "$scratch/$name.log"
    else
        echo "$name FOUND A CRASH:" >&2
        tail -40 "$scratch/$name.log" >&2
        for a in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-*; do
            [ -f "$a" ] && od -A d -t x1 "$a" | head -20 >&2
        done
        status=1
    fi
done
exit $status
