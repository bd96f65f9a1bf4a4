#!/usr/bin/env python3
"""Checks lib/'s one-way layout rule on the sources themselves.

usage: check-layout.py LIB_DIR PART=BELOW,BELOW ... (lowest part first)

Each PART is a folder of LIB_DIR; it may include its own headers, those of
the parts listed after '=', and public headers ("nnlite/..."). Fails, naming
file and line, on an #include of another part's header (an upward or
sideways include), on a path that climbs out of the folder ("../x.h"), on a
quoted include found nowhere in lib/, and on a .c file that the folder's
meson.build does not list (it would never be compiled). The build enforces
the same rule through include paths; this check reads the text, so it also
catches what an include path would let through by accident."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    lib = argv[1]
    allowed = {}
    for rule in argv[2:]:
        part, _, below = rule.partition("=")
        allowed[part] = {part} | {b for b in below.split(",") if b}
    owner = {}  # header or source name -> part
    for part in allowed:
        for name in os.listdir(os.path.join(lib, part)):
            if not name.endswith((".c", ".h")):
                continue
            if name in owner:
                print(f"{part}/{name}: also in {owner[name]}/")
                return 1
            owner[name] = part
    problems = []
    for part in allowed:
        folder = os.path.join(lib, part)
        with open(os.path.join(folder, "meson.build"), encoding="utf-8") as f:
            # a name in a comment lists nothing
            listed = re.sub(r"#.*", "", f.read())
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if name.endswith(".c") and f"'{name}'" not in listed:
                problems.append(f"{part}/{name}: not listed in "
                                f"{part}/meson.build")
            if not name.endswith((".c", ".h")):
                continue
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m is None:
                        continue
                    quote, target = m.groups()
                    where = f"{part}/{name}:{number}: #include {target}"
                    if target.startswith("nnlite/"):
                        continue
                    if quote == '"' and ("/" in target or "\\" in target):
                        problems.append(f"{where}: a path; name the header "
                                        "and let the include path find it")
                        continue
                    home = owner.get(target)
                    if home is None:
                        if quote == '"':
                            problems.append(f"{where}: not a header of lib/")
                        continue
                    if home not in allowed[part]:
                        problems.append(f"{where}: {home}/ is not below "
                                        f"{part}/ (it may use "
                                        f"{', '.join(sorted(allowed[part]))})")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"layout: {len(allowed)} parts, every #include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
