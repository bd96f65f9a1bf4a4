#!/usr/bin/python3
"""Reference values from PyTorch for tests/test_pytorch.c.

Prints tests/reference/pytorch_values.h: a few steps of torch.optim.SGD
(momentum with dampening, Nesterov, weight decay) and torch.optim.Adam /
AdamW (AMSGrad or not, L2 or decoupled decay) on fixed gradients, and the
value and gradient of torch.nn.HuberLoss on a small fixed input with
elements on both sides of delta and on it. Every number is a float32,
printed as a C hex literal, so the header holds PyTorch's bits exactly.

Needs PyTorch (Debian's python3-torch is enough); CI does not run it: the
header it writes is committed. Regenerate with

    /usr/bin/python3 tests/reference/pytorch_optim.py \\
        > tests/reference/pytorch_values.h
"""
import sys

import torch

torch.set_num_threads(1)

P = 9          # parameters: a dense layer 2 -> 3 (W [3, 2], then b [3])
STEPS = 5


def f32(x):
    """x as a float32 (a Python float holding its exact value)."""
    return torch.tensor(x, dtype=torch.float32).item()


def c_float(x):
    """The float32 nearest x as a C hex literal, e.g. 0x1.99999ap-4f."""
    x = f32(x)
    if x == 0.0:
        return "-0.0f" if str(x).startswith("-") else "0.0f"
    mantissa, exponent = float.hex(x).split("p")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + "p" + exponent + "f"


def wrap(items, indent):
    """Comma-separated items, wrapped before column 79."""
    lines, line = [], indent
    for item in items:
        if len(line) + len(item) + 2 > 78 and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += item + ", "
    lines.append(line.rstrip())
    return "\n".join(lines)


def c_array(values, indent="    "):
    return wrap([c_float(v) for v in values], indent)


# Fixed starting parameters and one gradient per step. Some gradients
# shrink after the first step, so that AMSGrad's running maximum of v
# stays above v for them (and grows with v for the others).
INITIAL = [0.5, -0.25, 1.0, 0.75, -1.5, 0.125, 0.0625, -0.375, 0.3]
GRADS = [
    [2.0, -1.0, 0.5, 3.0, -0.25, 1.5, 0.1, -2.0, 0.75],
    [0.1, -0.2, 0.6, -0.3, 1.25, 0.05, 0.4, -0.1, 1.0],
    [-0.5, 0.05, 0.7, 0.2, 2.5, -0.01, -0.3, 0.02, -1.2],
    [0.01, 0.3, -0.8, 0.05, 0.3, 0.02, 0.9, 0.0, 0.6],
    [0.02, -0.02, 0.9, -0.02, -3.0, 0.0, 1.1, 0.01, 0.1],
]

# (name, kind, settings). kind 0 SGD, 1 Adam; decoupled picks AdamW.
CASES = [
    ("SGD momentum 0.9, dampening 0.3, weight decay 0.01", 0,
     dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD momentum 0.5, dampening 1 (no gradient after step 1)", 0,
     dict(lr=0.2, momentum=0.5, dampening=1.0, weight_decay=0.0)),
    ("SGD Nesterov momentum 0.8, weight decay 0.02", 0,
     dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02)),
    ("Adam, L2 weight decay 0.05", 1,
     dict(lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.05)),
    ("Adam AMSGrad, L2 weight decay 0.05", 1,
     dict(lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.05,
          amsgrad=True)),
    ("AdamW AMSGrad, decoupled weight decay 0.1", 2,
     dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
          amsgrad=True)),
]


def run(kind, settings):
    p = torch.tensor(INITIAL, dtype=torch.float32, requires_grad=True)
    if kind == 0:
        opt = torch.optim.SGD([p], **settings)
    elif kind == 1:
        opt = torch.optim.Adam([p], **settings)
    else:
        opt = torch.optim.AdamW([p], **settings)
    after = []
    for g in GRADS:
        p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        after.append(p.detach().clone().tolist())
    return after


def c_case(name, kind, s):
    betas = s.get("betas", (0.9, 0.999))
    fields = [
        '"%s"' % name,
        "%d" % (0 if kind == 0 else 1),
        c_float(s["lr"]),
        c_float(s.get("momentum", 0.0)),
        c_float(s.get("dampening", 0.0)),
        c_float(s.get("weight_decay", 0.0)),
        c_float(betas[0]),
        c_float(betas[1]),
        c_float(s.get("eps", 1e-8)),
        "%d" % int(s.get("nesterov", False)),
        "%d" % int(s.get("amsgrad", False)),
        "%d" % int(kind == 2),
    ]
    out = ["    {" + fields[0] + ","]
    out.append(wrap(fields[1:], "     "))
    out.append("     {")
    for row in run(kind, s):
        out.append("         {")
        out.append(c_array(row, indent="          "))
        out.append("         },")
    out.append("     }},")
    return "\n".join(out)


# Huber: differences on both sides of delta and exactly on it.
HUBER = [
    (0.75,
     [1.25, -0.5, 2.0, 0.1, -3.0, 0.5, 0.0, 1.0],
     [0.5, 0.0, 0.0, 0.2, 1.0, 0.5, -0.7, 1.9]),
    (1.0,  # nn.HuberLoss's default
     [0.3, -2.5, 1.0, 4.0, -0.6, 0.2, 1.5, -1.0],
     [0.0, 0.0, 2.0, 1.0, -0.1, 1.2, -1.0, -0.5]),
]


def huber(delta, pred, target):
    x = torch.tensor(pred, dtype=torch.float32).reshape(2, 4)
    x.requires_grad_(True)
    t = torch.tensor(target, dtype=torch.float32).reshape(2, 4)
    loss = torch.nn.HuberLoss(reduction="mean", delta=delta)(x, t)
    loss.backward()
    return loss.item(), x.grad.reshape(-1).tolist()


def main():
    w = sys.stdout.write
    w("/* Generated by tests/reference/pytorch_optim.py with PyTorch %s;\n"
      " * do not edit. Regenerate with\n"
      " *\n"
      " *     /usr/bin/python3 tests/reference/pytorch_optim.py \\\n"
      " *         > tests/reference/pytorch_values.h\n"
      " *\n"
      " * Every value is a float32 as PyTorch computed it, in hex, exactly.\n"
      " * tests/test_pytorch.c compares nnlite against them. */\n"
      % torch.__version__)
    w("#ifndef NNLITE_PYTORCH_VALUES_H\n#define NNLITE_PYTORCH_VALUES_H\n\n")
    w("enum { PT_PARAMS = %d, PT_STEPS = %d };\n\n" % (P, STEPS))
    w("/* The parameters before the first step (W [3, 2] row-major, then\n"
      " * b [3], as nnlite lays out a dense 2 -> 3 layer). */\n")
    w("static const float pt_initial[PT_PARAMS] = {\n%s\n};\n\n"
      % c_array(INITIAL))
    w("/* The gradient handed to step t (p.grad in PyTorch). */\n")
    w("static const float pt_grads[PT_STEPS][PT_PARAMS] = {\n")
    for g in GRADS:
        w("    {\n%s\n    },\n" % c_array(g, indent="        "))
    w("};\n\n")
    w("typedef struct pt_optim_case {\n"
      "    const char *name;\n"
      "    int adam; /* 0: torch.optim.SGD; 1: Adam, or AdamW if decoupled */\n"
      "    float lr, momentum, dampening, weight_decay;\n"
      "    float beta1, beta2, eps;\n"
      "    int nesterov, amsgrad, decoupled;\n"
      "    float after[PT_STEPS][PT_PARAMS]; /* parameters after step t */\n"
      "} pt_optim_case;\n\n")
    w("static const pt_optim_case pt_optim_cases[] = {\n")
    for name, kind, s in CASES:
        w(c_case(name, kind, s) + "\n")
    w("};\n\n")
    w("#define PT_OPTIM_CASES "
      "(sizeof(pt_optim_cases) / sizeof(pt_optim_cases[0]))\n\n")
    w("/* torch.nn.HuberLoss(delta), mean over pred [2, 4]: the value and\n"
      " * d(value)/d(pred). */\n")
    w("typedef struct pt_huber_case {\n"
      "    float delta;\n"
      "    float pred[8], target[8];\n"
      "    float value;\n"
      "    float grad[8];\n"
      "} pt_huber_case;\n\n")
    w("static const pt_huber_case pt_huber_cases[] = {\n")
    for delta, pred, target in HUBER:
        value, grad = huber(delta, pred, target)
        w("    {%s,\n" % c_float(delta))
        w("     {\n%s\n     },\n" % c_array(pred, indent="         "))
        w("     {\n%s\n     },\n" % c_array(target, indent="         "))
        w("     %s,\n" % c_float(value))
        w("     {\n%s\n     }},\n" % c_array(grad, indent="         "))
    w("};\n\n")
    w("#define PT_HUBER_CASES "
      "(sizeof(pt_huber_cases) / sizeof(pt_huber_cases[0]))\n\n")
    w("#endif /* NNLITE_PYTORCH_VALUES_H */\n")


if __name__ == "__main__":
    main()
