#!/usr/bin/env python3
"""The scaling model of docs/distributed.md: a data-parallel step of
nnlite_mpi_fit on N ranks costs the compute of one rank's batch (measured:
nnlite-mpi-bench --breakdown at one rank) plus the all-reduce of the
gradients, which nothing overlaps:

    t_comm(N) = 2 (N - 1) / N * G / bandwidth      (ring: reduce-scatter
              + 2 (N - 1) * alpha                   and all-gather steps)
              + ceil(log2 N) * alpha                (the exchange of each
                                                     rank's status and rows)

with G the gradient bytes and alpha one message's latency. Efficiency is
t_step / (t_step + t_comm): the fraction of N single-rank throughputs the
N ranks reach. Prints the tables docs/distributed.md shows.

usage: distributed_model.py  (the measured figures are below)"""
import math

# Per-rank step time at batch b, one thread, from --breakdown at one rank
# (compute_gradients + apply_gradients, milliseconds): fitted as
# fixed + per_row * b over batches 8 .. 1024 (see docs/distributed.md).
WORKLOADS = {
    # name: (gradient bytes, fixed ms, ms per row)
    "W1": (26001 * 4, None, None),
    "W2": (269322 * 4, None, None),
}

LINKS = [  # name, bytes per second, latency per message (s)
    ("10 Gbit/s", 10e9 / 8, 20e-6),
    ("25 Gbit/s", 25e9 / 8, 10e-6),
    ("100 Gbit/s", 100e9 / 8, 3e-6),
]

RANKS = [2, 4, 8, 16, 32, 64]


def t_comm(n, grad_bytes, bandwidth, alpha):
    return (2.0 * (n - 1) / n * grad_bytes / bandwidth
            + 2.0 * (n - 1) * alpha + math.ceil(math.log2(n)) * alpha)


def step_ms(fixed, per_row, b):
    return fixed + per_row * b


def min_batch(n, grad_bytes, bandwidth, alpha, fixed, per_row):
    """Smallest batch per rank with efficiency >= 80 %: t_comm <= t_step / 4."""
    need = 4.0 * t_comm(n, grad_bytes, bandwidth, alpha) * 1e3
    return max(1, math.ceil((need - fixed) / per_row))


def main(fits):
    for name, (grad_bytes, _, _) in WORKLOADS.items():
        fixed, per_row = fits[name]
        print(f"{name}: G = {grad_bytes} bytes, step = {fixed:.3f} ms + "
              f"{per_row * 1e3:.2f} us x batch")
        for link, bw, alpha in LINKS:
            row = []
            for n in RANKS:
                b = min_batch(n, grad_bytes, bw, alpha, fixed, per_row)
                row.append(str(b))
            print(f"  {link:>10}: min batch per rank for 80 %, N = "
                  f"{','.join(map(str, RANKS))}: {' '.join(row)}")
        for link, bw, alpha in LINKS:
            for b in (32, 64, 256):
                eff = []
                for n in RANKS:
                    ts = step_ms(fixed, per_row, b)
                    tc = t_comm(n, grad_bytes, bw, alpha) * 1e3
                    eff.append(f"{100 * ts / (ts + tc):.0f}")
                print(f"  {link:>10} batch {b:>3}: efficiency % "
                      f"{' '.join(eff)}")


if __name__ == "__main__":
    import sys
    # fixed and per-row milliseconds per workload, from the command line:
    # distributed_model.py W1_FIXED W1_PER_ROW W2_FIXED W2_PER_ROW
    v = [float(a) for a in sys.argv[1:5]]
    main({"W1": (v[0], v[1]), "W2": (v[2], v[3])})
