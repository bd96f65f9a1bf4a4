#!/usr/bin/env python3
"""What libnnlite.a needs from outside itself on bare metal.

usage: undefined_symbols.py NM LIBRARY --messages|--no-messages

Lists every symbol the archive uses but does not define, by kind, and
fails on any outside the kinds a C library for a microcontroller gives:
memory and string functions, float maths, vsnprintf (only when messages
are formatted) and the compiler's own run-time helpers. A new dependency
(fopen, time, a pthread call) then fails the build's tests.
"""
import subprocess
import sys

MEMORY = {"malloc", "free", "memcpy", "memmove", "memset", "memcmp",
          "memchr"}
STRINGS = {"strlen", "strcmp", "strncmp", "strchr", "strtof"}
MATHS = {
    name + suffix
    for name in ("exp", "log", "log1p", "pow", "sqrt", "cos", "sin",
                 "tanh", "floor", "ceil", "fabs", "fmax", "fmin", "round",
                 "expm1", "trunc", "ldexp", "frexp", "fmod")
    for suffix in ("", "f")
}
FORMATTING = {"vsnprintf"}


def symbols(nm, library, *flags):
    out = subprocess.run([nm, *flags, "--format=just-symbols", library],
                         check=True, capture_output=True, text=True).stdout
    return {line.strip() for line in out.splitlines()
            if line.strip() and not line.endswith(":")}


def kind(name, messages):
    if name in MEMORY:
        return "memory"
    if name in STRINGS:
        return "strings"
    if name in MATHS:
        return "maths"
    if name in FORMATTING and messages:
        return "formatting"
    # ARM's run-time ABI: software double arithmetic, 64-bit division.
    if name.startswith("__aeabi_"):
        return "compiler run-time"
    return None


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("--messages",
                                                 "--no-messages"):
        print(__doc__, file=sys.stderr)
        return 2
    nm, library, messages = sys.argv[1], sys.argv[2], sys.argv[3]
    needed = (symbols(nm, library, "--undefined-only")
              - symbols(nm, library, "--defined-only"))
    by_kind = {}
    for name in sorted(needed):
        by_kind.setdefault(kind(name, messages == "--messages"),
                           []).append(name)
    for k in sorted(key for key in by_kind if key is not None):
        print(f"{k}: {' '.join(by_kind[k])}")
    if None in by_kind:
        print(f"NOT ALLOWED: {' '.join(by_kind[None])}", file=sys.stderr)
        return 1
    print(f"{len(needed)} symbols, all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
