#!/usr/bin/env python3
"""Guest instructions per sample of nnlite-bench's workloads, counted under
qemu-user: where no hardware is at hand to time a kernel path, the number
of instructions it executes is an honest (if partial) measure of its cost.

usage: count_instructions.py QEMU NNLITE_BENCH [PATH...]
  e.g. count_instructions.py qemu-aarch64 .build/cross-aarch64-linux-gnu/\\
       bench/nnlite-bench generic neon

Debian ships no qemu plugins, so the count comes from qemu's own logs:
-d in_asm lists each translated block's instructions, -d exec (with
-d nochain, so that every execution is logged) each block executed;
their product, summed, is the instructions executed. Each workload runs
twice, with one epoch (W4: calls) more the second time; the difference
over the extra samples is the cost of one sample, free of start-up,
data generation and warm-up. Small sizes keep the logs manageable: W1
64 rows, W2 64, W3 256, W4 200 calls."""
import os
import re
import subprocess
import sys
import tempfile

TRACE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
INSN = re.compile(r"^0x([0-9a-f]+):")

# workload: (arguments for the shorter run, the longer run, extra samples)
RUNS = {
    "W1": (["--rows", "64", "--epochs", "1"],
           ["--rows", "64", "--epochs", "2"], 64),
    "W2": (["--rows", "64", "--epochs", "1"],
           ["--rows", "64", "--epochs", "2"], 64),
    "W3": (["--rows", "256", "--epochs", "1"],
           ["--rows", "256", "--epochs", "2"], 256),
    "W4": (["--calls", "200"], ["--calls", "400"], 200),
}


def count(qemu, command):
    """Guest instructions `command` executes under `qemu`."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "qemu.log")
        subprocess.run([qemu, "-d", "in_asm,exec,nochain", "-D", log] +
                       command, check=True, stdout=subprocess.DEVNULL)
        sizes = {}   # block start (guest pc) -> instructions in it
        total = 0
        unseen = 0
        block = None
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith("IN:"):
                    block = None
                    continue
                m = INSN.match(line)
                if m is not None:
                    pc = int(m.group(1), 16)
                    if block is None:
                        block = pc
                        sizes[block] = 0
                    sizes[block] += 1
                    continue
                m = TRACE.match(line)
                if m is not None:
                    pc = int(m.group(1), 16)
                    if pc not in sizes:
                        unseen += 1
                    total += sizes.get(pc, 0)
        if unseen:
            print(f"warning: {unseen} executed blocks were never seen "
                  "translated; they count as 0", file=sys.stderr)
        return total


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    qemu, bench, paths = argv[1], argv[2], argv[3:]
    per_sample = {}
    for workload, (short, long, samples) in RUNS.items():
        for path in paths:
            base = [bench, "--workload", workload, "--reps", "1",
                    "--path", path]
            a = count(qemu, base + short)
            b = count(qemu, base + long)
            per_sample[(workload, path)] = (b - a) / samples
            print(f"{workload} {path}: {per_sample[(workload, path)]:,.0f} "
                  "instructions per sample", flush=True)
    if len(paths) == 2:
        print()
        print(f"| workload | {paths[0]} | {paths[1]} | "
              f"{paths[0]} / {paths[1]} |")
        print("|---|---|---|---|")
        for workload in RUNS:
            x = per_sample[(workload, paths[0])]
            y = per_sample[(workload, paths[1])]
            print(f"| {workload} | {x:,.0f} | {y:,.0f} | {x / y:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
