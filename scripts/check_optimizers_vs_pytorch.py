#!/usr/bin/env python3
"""Checks tensorgraph's optimizers against PyTorch's after 20 steps.

Runs //examples/regression:optimizer_steps (a float64 linear regression,
pred = X W + b, mean squared error) and replays each configuration with the
equivalent torch.optim optimizer from the same data and initial values.
Passes when every parameter agrees to 1e-5 relative (max |a - b| / max |b|).
Needs Debian's python3-torch; not part of the default test suite.

How TensorFlow's formulas (which tensorgraph follows) differ from PyTorch's,
and how the comparison accounts for it:
- Momentum: TensorFlow keeps accum = m * accum + g and steps lr * accum;
  PyTorch's SGD(momentum, dampening=0) keeps the same buffer: identical.
  Nesterov: TensorFlow steps lr * (g + m * accum), as PyTorch: identical.
- RMSProp: TensorFlow 1 starts the mean square at 1 (PyTorch at 0), so
  PyTorch's square_avg state is seeded with ones before the first step.
  TensorFlow puts epsilon inside the square root, sqrt(ms + eps), PyTorch
  outside, sqrt(ms) + eps; both use eps = 1e-10, whose effect (under 1e-8
  relative here) is far below the tolerance. TensorFlow's momentum buffer
  holds lr * PyTorch's buffer; with a constant lr the steps are identical.
  Centered: the same, with the mean gradient subtracted inside the root.
- Adam: TensorFlow folds the bias corrections into the step size and adds
  epsilon to sqrt(v) uncorrected; PyTorch adds epsilon to the corrected
  sqrt(v / (1 - beta2^t)). The two differ by epsilon * (1 - sqrt(1 - beta2^t))
  in the denominator; with eps = 1e-8 against sqrt(v) of order 1e-2 that is
  about 1e-6 of each step, below the tolerance.

Usage: python3 scripts/check_optimizers_vs_pytorch.py [--tolerance 1e-5]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch


def replay(name, x, y, w0, b0, steps):
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    params = [w, b]
    if name == "sgd":
        opt = torch.optim.SGD(params, lr=0.1)
    elif name == "momentum":
        opt = torch.optim.SGD(params, lr=0.05, momentum=0.9)
    elif name == "nesterov":
        opt = torch.optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True)
    elif name.startswith("rmsprop"):
        momentum = 0.5 if name != "rmsprop" else 0.0
        centered = name == "rmsprop_centered"
        opt = torch.optim.RMSprop(params, lr=0.01, alpha=0.9, eps=1e-10,
                                  momentum=momentum, centered=centered)
        for p in params:  # TensorFlow 1 starts the mean square at one.
            state = opt.state[p]
            state["step"] = torch.tensor(0.0)
            state["square_avg"] = torch.ones_like(p)
            if momentum > 0:
                state["momentum_buffer"] = torch.zeros_like(p)
            if centered:
                state["grad_avg"] = torch.zeros_like(p)
    elif name == "adam":
        opt = torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    else:
        raise ValueError(name)
    xt, yt = torch.tensor(x), torch.tensor(y)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((xt @ w + b - yt) ** 2).mean()
        loss.backward()
        opt.step()
    return w.detach().numpy(), b.detach().numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=1e-5)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    subprocess.run(["bazel", "build", "//examples/regression:optimizer_steps"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = tempfile.mkdtemp(prefix="tg_opt_")
    subprocess.run(["bazel-bin/examples/regression/optimizer_steps",
                    "--out_dir=" + out, "--steps=%d" % args.steps], check=True)
    load = lambda n: np.load(os.path.join(out, n + ".npy"))
    x, y, w0, b0 = load("x"), load("y"), load("w0"), load("b0")
    worst = 0.0
    for name in ["sgd", "momentum", "nesterov", "rmsprop", "rmsprop_momentum",
                 "rmsprop_centered", "adam"]:
        tw, tb = replay(name, x, y, w0, b0, args.steps)
        errs = []
        for ours, theirs, start in [(load("w_" + name), tw, w0), (load("b_" + name), tb, b0)]:
            errs.append(float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs))))
            # How far the parameters moved, to show the check is not vacuous.
            moved = float(np.max(np.abs(theirs - start)))
        print("%-17s W relative error %.2e, b %.2e (parameters moved up to %.3f)"
              % (name, errs[0], errs[1], moved))
        worst = max(worst, *errs)
    ok = worst <= args.tolerance
    print("%s: worst relative error %.2e after %d steps (tolerance %.0e)"
          % ("PASS" if ok else "FAIL", worst, args.steps, args.tolerance))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
