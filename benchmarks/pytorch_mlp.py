#!/usr/bin/env python3
"""The reference MLP (784-512-512-10, sigmoid) in PyTorch, for side-by-side timing.

Same data, graph and hyperparameters as //examples/mnist:train_mlp, same
epoch line format. The reference setup: 2 threads, OPENBLAS_NUM_THREADS=1.

Usage: OPENBLAS_NUM_THREADS=1 python3 benchmarks/pytorch_mlp.py [--epochs 30]
       python3 benchmarks/pytorch_mlp.py --device cuda   (eager, on a GPU: the
       data set is copied there once and each batch gathered there, as
       train_mlp --device=gpu does)
"""
import argparse
import os
import time

import numpy as np
import torch


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--data_dir", default=os.environ.get(
        "TG_MNIST_DIR", os.path.expanduser("~/.cache/tensorgraph/mnist")))
    args = p.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    load = lambda n: read_idx(os.path.join(args.data_dir, n))
    xtr = torch.tensor(load("train-images-idx3-ubyte").reshape(-1, 784) / 255.0, dtype=torch.float32)
    ytr = torch.tensor(load("train-labels-idx1-ubyte"), dtype=torch.long)
    xte = torch.tensor(load("t10k-images-idx3-ubyte").reshape(-1, 784) / 255.0, dtype=torch.float32)
    yte = torch.tensor(load("t10k-labels-idx1-ubyte"), dtype=torch.long)
    dev = torch.device(args.device)
    xtr, ytr, xte, yte = (t.to(dev) for t in (xtr, ytr, xte, yte))
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.Sigmoid(),
        torch.nn.Linear(512, 512), torch.nn.Sigmoid(),
        torch.nn.Linear(512, 10))
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.normal_(m.weight, 0.0, 0.01)
            torch.nn.init.zeros_(m.bias)
    model = model.to(dev)
    opt = (torch.optim.Adam(model.parameters(), lr=args.lr) if args.optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=args.lr))
    lossf = torch.nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        perm = torch.randperm(len(xtr), device=dev)
        tl = ta = 0.0
        steps = len(xtr) // 100
        for s in range(steps):
            idx = perm[s * 100:(s + 1) * 100]
            out = model(xtr[idx])
            loss = lossf(out, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tl += loss.item()
            ta += (out.argmax(1) == ytr[idx]).float().mean().item()
        with torch.no_grad():
            out = model(xte)
            vl = lossf(out, yte).item()
            va = (out.argmax(1) == yte).float().mean().item()
        print("Epoch %d/%d - %.2fs - loss: %.4f - acc: %.4f - val_loss: %.4f - val_acc: %.4f"
              % (epoch, args.epochs, time.perf_counter() - start, tl / steps, ta / steps, vl, va),
              flush=True)


if __name__ == "__main__":
    main()
