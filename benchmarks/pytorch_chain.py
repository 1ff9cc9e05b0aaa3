"""Per-op cost of PyTorch on the chain benchmarks/chain_overhead.cc times:
N adds of a 4-float tensor (y = y + one), eagerly and through TorchScript
(torch.jit.script), one thread. Prints microseconds per add.

Usage: python3 benchmarks/pytorch_chain.py [--nodes 500] [--steps 2000]
"""
import argparse
import time

import torch


def chain(x: torch.Tensor, one: torch.Tensor, nodes: int) -> torch.Tensor:
    y = x
    for _ in range(nodes):
        y = y + one
    return y


def per_op_us(fn, x, one, nodes, steps):
    """The median of 7 rounds of steps / 7 calls each, after a warm-up."""
    for _ in range(20):
        fn(x, one, nodes)
    rounds = []
    per_round = max(1, steps // 7)
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(per_round):
            fn(x, one, nodes)
        rounds.append((time.perf_counter() - start) / per_round / nodes * 1e6)
    return sorted(rounds)[3]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--steps", type=int, default=2100)
    args = parser.parse_args()
    torch.set_num_threads(1)
    x = torch.tensor([0.0, 1.0, 2.0, 3.0])
    one = torch.ones(4)
    scripted = torch.jit.script(chain)
    with torch.no_grad():
        assert chain(x, one, args.nodes)[0].item() == args.nodes
        assert scripted(x, one, args.nodes)[0].item() == args.nodes
        eager = per_op_us(chain, x, one, args.nodes, args.steps)
        script = per_op_us(scripted, x, one, args.nodes, args.steps)
    print(f"pytorch {args.nodes}-add chain: eager {eager:.3f} us per op, "
          f"torchscript {script:.3f} us per op")


if __name__ == "__main__":
    main()
