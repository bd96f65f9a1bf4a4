#!/usr/bin/env python3
"""Flash and RAM a program spends on each library, from a GNU ld map file.

usage: flash_ram.py MAP [LIBRARY ...]    (default: libnnlite.a)

Reads the sections the linker kept ("Linker script and memory map"; the
ones --gc-sections discarded are listed before it and do not count) and
adds up, per object file of the named archives: flash = code + read-only
data + initial values of data; RAM = data + zeroed data (.bss). Prints a
line per object, then the totals per archive and for the whole program.
With --total-only, one line per archive: `NAME flash F ram R`.
"""
import re
import sys

# "<section> <address> <size> <file>", the section name possibly on the
# line before when it is long.
ENTRY = re.compile(r"^\s*(\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$")
ARCHIVE_MEMBER = re.compile(r"(?:.*/)?([^/(]+\.a)\(([^)]+)\)$")


def kind(section):
    """'flash', 'both' (data: flash holds its initial values) or 'ram'."""
    if section.startswith((".text", ".rodata", ".ARM.exidx", ".ARM.extab",
                           ".glue", ".vfp11", ".v4_bx", ".iplt", ".init",
                           ".fini")):
        return "flash"
    if section.startswith(".data"):
        return "both"
    if section.startswith((".bss", "COMMON")):
        return "ram"
    return None  # debug sections and the like: neither


def read_map(path):
    """(archive or program file, member) -> [flash, ram]; OSError when
    the file cannot be read."""
    sizes = {}
    pending = None
    in_memory_map = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                in_memory_map = True
                continue
            if not in_memory_map:
                continue
            if re.match(r"^ (\.\S+|COMMON)$", line):
                pending = line.strip()  # the name, alone on its line
                continue
            m = ENTRY.match(line)
            if not m:
                pending = None
                continue
            section = m.group(1) or pending
            pending = None
            size = int(m.group(2), 16)
            k = kind(section or "")
            if k is None or size == 0:
                continue
            member = ARCHIVE_MEMBER.match(m.group(3))
            key = (member.group(1), member.group(2)) if member else \
                ("program", m.group(3).split("/")[-1])
            entry = sizes.setdefault(key, [0, 0])
            if k in ("flash", "both"):
                entry[0] += size
            if k in ("ram", "both"):
                entry[1] += size
    return sizes


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    total_only = "--total-only" in sys.argv
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    sizes = read_map(args[0])
    libraries = args[1:] or ["libnnlite.a"]
    for lib in libraries:
        members = sorted((k[1], v) for k, v in sizes.items() if k[0] == lib)
        if not members:  # a map this parser does not understand
            print(f"flash_ram: no sections of {lib} in {args[0]}",
                  file=sys.stderr)
            return 1
        if not total_only:
            for name, (flash, ram) in members:
                print(f"  {name:40} flash {flash:6} ram {ram:5}")
        flash = sum(v[0] for _, v in members)
        ram = sum(v[1] for _, v in members)
        print(f"{lib} flash {flash} ram {ram}")
    all_flash = sum(v[0] for v in sizes.values())
    all_ram = sum(v[1] for v in sizes.values())
    print(f"whole program flash {all_flash} ram {all_ram}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
