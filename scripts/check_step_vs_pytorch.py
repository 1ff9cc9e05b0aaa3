#!/usr/bin/env python3
"""Checks one training step of the reference MLP against PyTorch.

Runs //examples/mnist:mlp_step_dump (tensorgraph: initial weights, batch,
loss, weights after one SGD step), replays the same step in PyTorch from the
same initial weights and batch, and compares the loss and every updated
variable. Passes when all agree to 1e-5 relative (max |a - b| / max |b| per
tensor). Needs Debian's python3-torch; not part of the default test suite.

Usage: python3 scripts/check_step_vs_pytorch.py [--tolerance 1e-5]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=1e-5)
    parser.add_argument("--binary", default="bazel-bin/examples/mnist/mlp_step_dump")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    subprocess.run(["bazel", "build", "//examples/mnist:mlp_step_dump"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = tempfile.mkdtemp(prefix="tg_step_")
    subprocess.run([args.binary, "--out_dir=" + out], check=True)

    load = lambda name: np.load(os.path.join(out, name + ".npy"))
    weights = [torch.tensor(load("w%d" % i), requires_grad=True) for i in range(6)]
    x = torch.tensor(load("x"))
    y = torch.tensor(load("y")).long()

    # Same graph: sigmoid(x W0 + b0) -> sigmoid(. W2 + b2) -> . W4 + b4.
    h = torch.sigmoid(x @ weights[0] + weights[1])
    h = torch.sigmoid(h @ weights[2] + weights[3])
    logits = h @ weights[4] + weights[5]
    loss = torch.nn.functional.cross_entropy(logits, y)
    loss.backward()
    with torch.no_grad():
        updated = [w - 0.5 * w.grad for w in weights]

    worst = 0.0
    rows = [("loss", float(load("loss")), float(loss))]
    ok = True
    err = abs(rows[0][1] - rows[0][2]) / abs(rows[0][2])
    print("loss: tensorgraph %.8f  pytorch %.8f  relative error %.2e" % (rows[0][1], rows[0][2], err))
    worst = max(worst, err)
    for i in range(6):
        ours = load("w%d_after" % i)
        theirs = updated[i].numpy()
        err = float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)))
        # The update alone (w_after - w_before) is the stricter comparison.
        before = load("w%d" % i)
        d_ours, d_theirs = ours - before, theirs - before
        derr = float(np.max(np.abs(d_ours - d_theirs)) / max(np.max(np.abs(d_theirs)), 1e-30))
        print("w%d %-9s relative error %.2e (of the update alone: %.2e)"
              % (i, str(ours.shape), err, derr))
        worst = max(worst, err)
    ok = worst <= args.tolerance
    print("%s: worst relative error %.2e (tolerance %.0e)"
          % ("PASS" if ok else "FAIL", worst, args.tolerance))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
