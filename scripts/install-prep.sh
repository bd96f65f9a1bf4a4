# Sourced by ensure-deps.sh and cross-deps.sh before they install
# $missing through apt: stops (exit 1) when NNLITE_NO_INSTALL=1 asks only
# to check, or when neither root nor sudo is there; otherwise sets
# as_root (empty for root, else sudo) and says what it will install.
if [ "${NNLITE_NO_INSTALL:-0}" = 1 ]; then
    echo "missing packages:$missing" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=
elif command -v sudo >/dev/null 2>&1; then
    as_root=sudo
else
    echo "need root or sudo to install:$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
