#!/usr/bin/python3
"""nnlite-bench's workloads in PyTorch, single thread, for compare.py.

Usage: peer_torch.py W1|W2|W3|W4 [reps]. Same shapes, losses, optimizers,
batch sizes and epochs as nnlite-bench; one untimed warm-up epoch, fresh
weights each repetition; prints the nnlite-bench last-line format with the
median over repetitions."""
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
W = {
    "W1": dict(layers=[56, 100, 100, 100, 1], act=torch.nn.ReLU, rows=1000,
               epochs=50, batch=32, classify=False),
    "W2": dict(layers=[784, 256, 256, 10], act=torch.nn.ReLU, rows=10000,
               epochs=3, batch=64, classify=True),
    "W3": dict(layers=[7, 3, 1], act=torch.nn.Sigmoid, rows=10000,
               epochs=20, batch=1, classify=False),
}


def net(layers, act):
    mods = []
    for i in range(len(layers) - 1):
        mods.append(torch.nn.Linear(layers[i], layers[i + 1]))
        if i < len(layers) - 2:
            mods.append(act())
    return torch.nn.Sequential(*mods)


def train(spec, rep):
    g = torch.Generator().manual_seed(1234)
    x = torch.rand(spec["rows"], spec["layers"][0], generator=g) * 2 - 1
    if spec["classify"]:
        t = torch.randint(0, 10, (spec["rows"],), generator=g)
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        t = x.sum(1, keepdim=True) / spec["layers"][0]
        loss_fn = torch.nn.MSELoss()
    torch.manual_seed(rep + 1)
    model = net(spec["layers"], spec["act"])
    if spec["classify"]:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    b = spec["batch"]
    shuffle = b > 1

    def epoch():
        order = torch.randperm(spec["rows"]) if shuffle else None
        for s in range(0, spec["rows"], b):
            if shuffle:
                idx = order[s:s + b]
                xb, tb = x[idx], t[idx]
            else:
                xb, tb = x[s:s + b], t[s:s + b]
            opt.zero_grad()
            loss = loss_fn(model(xb), tb)
            loss.backward()
            opt.step()

    epoch()  # warm-up
    t0 = time.perf_counter()
    for _ in range(spec["epochs"]):
        epoch()
    return spec["rows"] * spec["epochs"] / (time.perf_counter() - t0)


def infer(rep, calls=20000):
    torch.manual_seed(rep + 1)
    model = net(W["W1"]["layers"], torch.nn.ReLU)
    x = torch.rand(1, 56)
    with torch.no_grad():
        for _ in range(500):
            model(x)
        t0 = time.perf_counter()
        for _ in range(calls):
            model(x)
    return (time.perf_counter() - t0) * 1e9 / calls


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "W1"
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if name == "W4":
        med = statistics.median(infer(r) for r in range(reps))
        print(f"W4 ns_per_call {med:.1f}")
    else:
        med = statistics.median(train(W[name], r) for r in range(reps))
        print(f"{name} samples_per_s {med:.1f}")


if __name__ == "__main__":
    main()
