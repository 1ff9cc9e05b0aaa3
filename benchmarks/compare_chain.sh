#!/usr/bin/env bash
# Per-node executor overhead side by side: tensorgraph's chain of small Adds
# (benchmarks/chain_overhead.cc) against PyTorch eager and TorchScript doing
# the same adds (benchmarks/pytorch_chain.py), one thread each, in one run.
#
# Usage: bash benchmarks/compare_chain.sh [NODES=500]
# Needs Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-500}"
bazel build --disk_cache="$HOME/.cache/tensorgraph/bazel-disk" \
  //benchmarks:chain_overhead >/dev/null 2>&1
tg=$(bazel-bin/benchmarks/chain_overhead "$nodes")
pt=$(OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/pytorch_chain.py --nodes "$nodes")
echo "$tg"
echo "$pt"
ns=$(echo "$tg" | awk -F'[:(]' '/memory plan on/ {split($2, a, " "); print a[1]; exit}')
eager=$(echo "$pt" | awk '{for (i = 1; i <= NF; ++i) if ($i == "eager") print $(i + 1)}')
script=$(echo "$pt" | awk '{for (i = 1; i <= NF; ++i) if ($i == "torchscript") print $(i + 1)}')
awk -v ns="$ns" -v e="$eager" -v s="$script" 'BEGIN {
  printf "per node: tensorgraph %.1f ns; PyTorch eager %.0f ns (%.1fx), TorchScript %.0f ns (%.1fx)\n",
         ns, e * 1000, e * 1000 / ns, s * 1000, s * 1000 / ns
}'
