#!/usr/bin/env python3
"""The deep-MNIST CNN in PyTorch, for side-by-side timing with train_cnn.

The same network as //examples/mnist:train_cnn (conv 5x5x32 + ReLU + max-pool
2x2, conv 5x5x64 + ReLU + max-pool 2x2, dense 1024 + ReLU, dropout 0.5, dense
10), the same data, batch (50), optimizer (Adam 1e-3) and epoch line; the
test set is evaluated in batches of 1000, as train_cnn does. PyTorch runs its
CPU convolutions on oneDNN (mkldnn), as tensorgraph does. The reference
setup: 2 threads, OPENBLAS_NUM_THREADS=1.

Usage: OPENBLAS_NUM_THREADS=1 python3 benchmarks/pytorch_cnn.py [--epochs 6]
       [--dataset mnist|fashion] [--device cpu|cuda]
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch


def read_idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = torch.nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = torch.nn.Linear(7 * 7 * 64, 1024)
        self.fc2 = torch.nn.Linear(1024, 10)
        self.drop = torch.nn.Dropout(0.5)
        for m in (self.conv1, self.conv2, self.fc1, self.fc2):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.relu(self.fc1(x.flatten(1)))
        return self.fc2(self.drop(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion"])
    p.add_argument("--data_dir", default="")
    args = p.parse_args()
    data_dir = args.data_dir or (
        "/usr/share/datasets/fashion-mnist" if args.dataset == "fashion" else
        os.environ.get("TG_MNIST_DIR", os.path.expanduser("~/.cache/tensorgraph/mnist")))
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    load = lambda n: read_idx(os.path.join(data_dir, n))
    xtr = torch.tensor(load("train-images-idx3-ubyte").reshape(-1, 784) / 255.0, dtype=torch.float32)
    ytr = torch.tensor(load("train-labels-idx1-ubyte"), dtype=torch.long)
    xte = torch.tensor(load("t10k-images-idx3-ubyte").reshape(-1, 784) / 255.0, dtype=torch.float32)
    yte = torch.tensor(load("t10k-labels-idx1-ubyte"), dtype=torch.long)
    dev = torch.device(args.device)
    xtr, ytr, xte, yte = (t.to(dev) for t in (xtr, ytr, xte, yte))
    model = Cnn().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    lossf = torch.nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(len(xtr), device=dev)
        tl = ta = 0.0
        steps = len(xtr) // args.batch
        for s in range(steps):
            idx = perm[s * args.batch:(s + 1) * args.batch]
            out = model(xtr[idx])
            loss = lossf(out, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tl += loss.item()
            ta += (out.argmax(1) == ytr[idx]).float().mean().item()
        model.eval()
        vl = va = 0.0
        with torch.no_grad():
            for b in range(0, len(xte), 1000):
                out = model(xte[b:b + 1000])
                n = len(out)
                vl += lossf(out, yte[b:b + 1000]).item() * n
                va += (out.argmax(1) == yte[b:b + 1000]).float().sum().item()
        print("Epoch %d/%d - %.2fs - loss: %.4f - acc: %.4f - val_loss: %.4f - val_acc: %.4f"
              % (epoch, args.epochs, time.perf_counter() - start, tl / steps, ta / steps,
                 vl / len(xte), va / len(xte)), flush=True)


if __name__ == "__main__":
    main()
