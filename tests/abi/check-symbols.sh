#!/bin/sh
# Usage: check-symbols.sh NM ARCHIVE
# Fails when ARCHIVE defines a global symbol outside the nnlite_ namespace:
# a static archive hides nothing, so only the prefix keeps users' programs
# free of clashes.
set -eu
nm_tool=$1
archive=$2
symbols=$("$nm_tool" -g --defined-only "$archive" | awk 'NF >= 3 { print $3 }')
if [ -z "$symbols" ]; then
    echo "no global symbols found in $archive" >&2
    exit 1
fi
# Sanitizer builds add their own markers (e.g. __odr_asan.nnlite_x for
# every global), which are not part of the library's namespace.
bad=$(printf '%s\n' "$symbols" | grep -v '^nnlite_' |
    grep -v -E '^__(odr_asan|asan|ubsan|tsan|sanitizer)' || true)
if [ -n "$bad" ]; then
    echo "global symbols without the nnlite_ prefix in $archive:" >&2
    printf '  %s\n' $bad >&2
    exit 1
fi
echo "$(printf '%s\n' "$symbols" | wc -l) global symbols, all prefixed nnlite_"
