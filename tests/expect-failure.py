#!/usr/bin/env python3
"""Runs a command that must fail, and passes only when it fails for the
expected reason: every PATTERN (a Python regular expression) must occur in
what it printed (stdout and stderr together).

usage: expect-failure.py PATTERN... -- COMMAND [ARG...]

A plain should_fail test passes on any failure, a missing file or a crash
included; the checks that are meant to fail (a planted upward include, a
deprecated name, an unprefixed symbol) say here what they must report."""
import re
import subprocess
import sys


def main(argv):
    if "--" not in argv:
        sys.stderr.write(__doc__)
        return 2
    split = argv.index("--")
    patterns, command = argv[1:split], argv[split + 1:]
    if not patterns or not command:
        sys.stderr.write(__doc__)
        return 2
    run = subprocess.run(command, capture_output=True, text=True,
                         errors="replace")
    output = run.stdout + run.stderr
    sys.stdout.write(output)
    if run.returncode == 0:
        print(f"expect-failure: the command succeeded; it had to fail")
        return 1
    missing = [p for p in patterns if re.search(p, output) is None]
    for p in missing:
        print(f"expect-failure: it failed, but without /{p}/")
    if missing:
        return 1
    print(f"expect-failure: failed (exit {run.returncode}) as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
