#!/usr/bin/python3
"""Run nnlite-bench and its peers interleaved (A B A B, one process each,
so a process that lands in a slow mode on a shared machine shows up as one
outlier, not a whole column) and print the ratios of the medians.

Usage: compare.py [--bench PATH] [--rounds N] [--install] [--threads2]
                  [--pin]
  --bench    nnlite-bench (default: .build/bench/nnlite-bench)
  --rounds   rounds of interleaved processes (default 3)
  --install  apt-get install python3-torch libfann-dev libopenblas-dev
  --threads2 also time W2 with 2 threads (nnlite)
  --pin      run each round's one-thread processes on the CPU that a short
             probe finds fastest at the start of that round. On the shared
             2-vCPU machine it was made on, one vCPU at a time ran
             1.35-1.45x slower, and which one changes over minutes:
             unpinned, each process lands on either and the medians mix
             the two.

Peers run where installed: PyTorch (python3-torch, 1 thread), FANN (W3,
libfann-dev) and the OpenBLAS GEMM-only floor (libopenblas-dev, 1
thread). W3 also runs against its floor, the same network written by hand
with nnlite's arithmetic (peer_handwritten_w3.c on the reference in
tests/reference/handwritten_w3.h, which tests/test_handwritten.c holds
nnlite to, bit for bit; needs only a compiler).
OPENBLAS_CORETYPE is removed from the peers' environment: some
environments set it to Haswell, which holds OpenBLAS to AVX2."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "tests", "reference")
GOALS = {  # the goals the benchmark was written against (docs/performance.md)
    "W1": "W1 >= 7x PyTorch, >= 0.75x floor",
    "W2": "W2 >= 2x PyTorch, >= 0.9x floor",
    "W3": "W3 >= 2x FANN",
    "W4": "W4 >= 30x faster than PyTorch",
}


def run(cmd, env=None, cpu=None):
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         check=True, preexec_fn=pin).stdout
    out = out.strip().splitlines()
    name, unit, value = out[-1].split()
    return float(value)


def fastest_cpu(bench):
    """The CPU on which a short W4 run (one-sample inference) takes least
    time per call, with each CPU's figure."""
    times = {c: run([bench, "--workload", "W4", "--reps", "1"], cpu=c)
             for c in sorted(os.sched_getaffinity(0))}
    return min(times, key=times.get), times


def build_peers(tmp):
    peers = {}
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc and os.path.exists("/usr/include/fann.h"):
        exe = os.path.join(tmp, "peer_fann")
        subprocess.run([cc, "-O2", "-std=c11", "-o", exe,
                        os.path.join(HERE, "peer_fann.c"), "-lfann", "-lm"],
                       check=True)
        # exe=exe binds the path now: a plain closure would see the later
        # rebinding of exe to the OpenBLAS floor and run that instead.
        peers["FANN"] = (lambda w, exe=exe: [exe, "3"]
                         if w == "W3" else None)
    if cc:  # the W3 floor: the same step written by hand, no packages
        exe = os.path.join(tmp, "peer_handwritten")
        subprocess.run([cc, "-O2", "-std=c11", "-ffp-contract=off",
                        "-I" + REFERENCE, "-o", exe,
                        os.path.join(HERE, "peer_handwritten_w3.c"), "-lm"],
                       check=True)
        peers["hand-written"] = (lambda w, exe=exe: [exe, "3"]
                                 if w == "W3" else None)
    blas_inc = "/usr/include/x86_64-linux-gnu"
    if cc and subprocess.run([cc, "-lopenblas", "-x", "c", "-", "-o",
                              os.devnull], input="int main(void){return 0;}",
                             text=True, capture_output=True).returncode == 0:
        exe = os.path.join(tmp, "peer_blas")
        subprocess.run([cc, "-O2", "-std=c11", "-I" + blas_inc, "-o", exe,
                        os.path.join(HERE, "peer_openblas_floor.c"),
                        "-lopenblas"], check=True)
        peers["floor"] = (lambda w, exe=exe: [exe, w, "3"]
                          if w in ("W1", "W2", "W4") else None)
    if subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                      capture_output=True).returncode == 0:
        script = os.path.join(HERE, "peer_torch.py")
        peers["PyTorch"] = lambda w: ["/usr/bin/python3", script, w,
                                      "1" if w == "W3" else "3"]
    return peers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/bench/nnlite-bench")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--install", action="store_true")
    ap.add_argument("--threads2", action="store_true")
    ap.add_argument("--pin", action="store_true")
    ap.add_argument("--workloads", default="W1,W2,W3,W4")
    a = ap.parse_args()
    if a.install:
        subprocess.run(["apt-get", "install", "-y", "python3-torch",
                        "libfann-dev", "libopenblas-dev"], check=True)
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    workloads = a.workloads.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        peers = build_peers(tmp)
        print("peers found:", ", ".join(sorted(peers)) or "none")
        print("OPENBLAS_CORETYPE unset for the peers (full AVX-512 OpenBLAS)")
        res = {}
        for r in range(a.rounds):
            cpu = None
            if a.pin:
                cpu, probe = fastest_cpu(a.bench)
                shown = ", ".join(f"cpu {c} {t:.0f} ns"
                                  for c, t in probe.items())
                print(f"round {r} pinned to cpu {cpu} (W4 probe: {shown})",
                      flush=True)
            for w in workloads:
                jobs = [("nnlite", [a.bench, "--workload", w, "--reps", "3",
                                    "--threads", "1"])]
                if a.threads2 and w == "W2":
                    jobs.append(("nnlite-2t", [a.bench, "--workload", w,
                                               "--reps", "3", "--threads",
                                               "2"]))
                for name, make in sorted(peers.items()):
                    cmd = make(w)
                    if cmd:
                        jobs.append((name, cmd))
                for name, cmd in jobs:  # A B A B: one round = one of each
                    v = run(cmd, env, None if name == "nnlite-2t" else cpu)
                    res.setdefault((w, name), []).append(v)
                    print(f"round {r} {w} {name} {v:.1f}", flush=True)
    print()
    print("| workload | nnlite | peer | peer value | ratio (nnlite/peer) |"
          " goal |")
    print("|---|---|---|---|---|---|")
    for w in workloads:
        unit = "ns/call" if w == "W4" else "samples/s"
        mine = statistics.median(res[(w, "nnlite")])
        for (ww, name), vals in sorted(res.items()):
            if ww != w or name == "nnlite":
                continue
            v = statistics.median(vals)
            ratio = v / mine if w == "W4" else mine / v
            if name == "nnlite-2t":
                ratio = v / mine
            print(f"| {w} ({unit}) | {mine:,.0f} | {name} | {v:,.0f} | "
                  f"{ratio:.2f}x | {GOALS[w]} |")
    if ("W2", "nnlite-2t") in res:
        print_thread_pairs(res[("W2", "nnlite")], res[("W2", "nnlite-2t")])
    return 0


def print_thread_pairs(one, two):
    """Each round's 2-thread figure over the 1-thread one just before it.
    The second vCPU is not always a core of its own: some processes get
    about 1.0x, others about 1.7x, whatever the build, so the list says
    more than the ratio of the medians."""
    pairs = [b / a for a, b in zip(one, two)]
    listed = ", ".join(f"{r:.2f}" for r in pairs)
    hits = sum(r >= 1.6 for r in pairs)
    print(f"\nW2 2 threads / 1 thread, round by round: {listed}")
    print(f"median {statistics.median(pairs):.2f}x; {hits} of {len(pairs)} "
          f"rounds at 1.6x or more (the goal)")


if __name__ == "__main__":
    sys.exit(main())
